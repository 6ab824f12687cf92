#!/bin/sh
# A bundle that cannot be written must fail before the first device
# command, not after the whole collection (issue 4 review).
set -e
. "$top_srcdir/tests/cli/lib.sh"
if "$FWBOX" collect -d emu:cx7 --plan 2>&1 >/dev/null | grep -q 'has no emulator'; then
	echo "this build has no emulator transport"; exit 77
fi
scratch
mkdir "$SCRATCH/ro"
# A read-only bind mount stops root too; without one (not root, no mount
# rights) there is nothing to set up: skip.
if ! mount --bind -o ro "$SCRATCH/ro" "$SCRATCH/ro" 2>/dev/null; then
	echo "cannot make a read-only bind mount here"; exit 77
fi
trap 'umount "$SCRATCH/ro" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
if touch "$SCRATCH/ro/probe" 2>/dev/null; then
	echo "the bind mount is not read-only"; exit 77
fi
for out in "$SCRATCH/ro/x.tar.zst" "$SCRATCH/ro/" "$SCRATCH/ro"; do
	set +e
	"$FWBOX" collect -d emu:cx7 -o "$out" -q --json >"$SCRATCH/s.json" 2>"$SCRATCH/err"
	rc=$?
	set -e
	[ "$rc" -eq 1 ] || fail "-o $out: exit $rc, expected 1"
	grep -q "Read-only file system" "$SCRATCH/err" || fail "-o $out: $(cat "$SCRATCH/err")"
	grep -q "nothing was collected" "$SCRATCH/err" || fail "-o $out: $(cat "$SCRATCH/err")"
	# No step ran: the summary (if any) lists no kinds.
	! grep -q '"health' "$SCRATCH/s.json" || fail "-o $out: steps ran"
done
echo ok
