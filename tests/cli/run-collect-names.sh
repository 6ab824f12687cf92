#!/bin/sh
# fwbox collect output naming: two default-named runs in the same second
# (every emulator profile has PCI 0000:08:00.0) both write a bundle; an
# explicit -o FILE that exists fails with exit 1 and, with --json, still
# prints a JSON object saying what failed; -o into a missing folder says so.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || exit 77
scratch

d="$SCRATCH/o3"
mkdir "$d"
# Default names: the second run of the same second gets NAME-2 (or, if the
# clock ticked in between, a name of its own); neither fails.
"$FWBOX" collect -q -d emu:cx7 --only health.buffer -o "$d" >"$SCRATCH/1.out" ||
	fail "first default-named collect exited $?"
"$FWBOX" collect -q -d emu:cx5 --only health.buffer -o "$d" --json >"$SCRATCH/2.json" ||
	fail "second default-named collect exited $?"
first=$(cat "$SCRATCH/1.out")
[ -f "$first" ] || fail "first bundle '$first' missing"
[ "$(ls "$d" | wc -l)" -eq 2 ] || fail "expected 2 bundles in $d: $(ls "$d")"
python3 - "$SCRATCH/2.json" "$first" <<'PY' || fail "second run's summary"
import json, os, sys
s = json.load(open(sys.argv[1]))
assert s["path"] != sys.argv[2], s["path"]
assert os.path.isfile(s["path"]), s["path"]
PY
# Make the collision certain: take the default names of the next seconds.
prefix=${first%-*Z.tar.zst}
now=$(date -u +%s)
for t in 0 1 2 3 4 5 6 7 8 9; do
	f="$prefix-$(date -u -d "@$((now + t))" +%Y%m%dT%H%M%SZ).tar.zst"
	[ -e "$f" ] || : >"$f"
done
"$FWBOX" collect -q -d emu:cx7 --only health.buffer -o "$d" >"$SCRATCH/3.out" ||
	fail "default-named collect over a taken name exited $?"
third=$(cat "$SCRATCH/3.out")
case $third in
"$prefix"-*Z-[0-9]*.tar.zst) ;;
*) fail "default name taken: got '$third', expected a numbered variant" ;;
esac
[ -s "$third" ] || fail "'$third' is empty"
"$FWBOX" verify "$third" >/dev/null || fail "'$third' does not verify"

# An explicit file that exists: exit 1, a clear message, JSON on stdout.
set +e
"$FWBOX" collect -q -d emu:cx7 -o "$first" --json >"$SCRATCH/x.json" 2>"$SCRATCH/x.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "existing -o FILE: exit $rc, expected 1"
grep -q "already exists" "$SCRATCH/x.err" || fail "existing -o FILE: $(cat "$SCRATCH/x.err")"
python3 - "$SCRATCH/x.json" "$first" <<'PY' || fail "failure JSON"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["status"] == "failed" and s["exit"] == 1, s
assert "already exists" in s["error"] and sys.argv[2] in s["error"], s
PY

# -o naming a folder that does not exist: say so (not "names a folder").
set +e
"$FWBOX" collect -q -d emu:cx7 -o "$SCRATCH/nonexist/dir/" 2>"$SCRATCH/n.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "missing -o folder: exit $rc, expected 1"
grep -q "output folder '$SCRATCH/nonexist/dir/' does not exist: create it first" "$SCRATCH/n.err" ||
	fail "missing -o folder: $(cat "$SCRATCH/n.err")"
echo ok
