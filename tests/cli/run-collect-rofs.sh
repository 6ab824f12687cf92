#!/bin/sh
# A bundle that cannot be written must fail before the first device
# command, not after the whole collection, which could take minutes.
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
mkdir "$SCRATCH/ro"
# A read-only bind mount stops root too; without one (not root, no mount
# rights) there is nothing to set up: skip.
if ! mount --bind -o ro "$SCRATCH/ro" "$SCRATCH/ro" 2>/dev/null; then
	echo "cannot make a read-only bind mount here"; exit 77
fi
mkdir "$SCRATCH/full"
trap 'umount "$SCRATCH/ro" "$SCRATCH/full" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
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

# A full disk: the writer's message keeps errno's text, not only
# libarchive's "Write error".
if mount -t tmpfs -o size=64k tmpfs "$SCRATCH/full" 2>/dev/null; then
	set +e
	"$FWBOX" collect -d emu:cx7 -o "$SCRATCH/full/x.tar" -q --compress none 2>"$SCRATCH/err"
	rc=$?
	set -e
	[ "$rc" -eq 1 ] || fail "full disk: exit $rc, expected 1"
	grep -q "No space left on device" "$SCRATCH/err" || fail "full disk: $(cat "$SCRATCH/err")"
fi
echo ok
