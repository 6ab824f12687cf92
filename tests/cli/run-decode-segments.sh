#!/bin/sh
# fwbox segments: every kind of resource-dump segment, and the menu.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE="$top_builddir/tests/mkbundle"
[ -x "$MKBUNDLE" ] || fail "tests/mkbundle is missing: run this through make check, which builds it"
scratch
fx="$top_srcdir/tests/fixtures/decode"
"$MKBUNDLE" -o "$SCRATCH/b.tar.zst" resdump.menu="$fx/resdump.menu" >/dev/null

"$FWBOX" segments "$SCRATCH/b.tar.zst" > "$SCRATCH/out"
for k in INFO COMMAND MENU RESOURCE REFERENCE NOTICE ERROR TERMINATE; do
	grep -q "^resdump.menu +[0-9]* $k " "$SCRATCH/out" || fail "no $k segment"
done
[ "$(grep -c '^resdump.menu ' "$SCRATCH/out")" -eq 9 ] || fail "expected 9 segments"
grep -q '^  menu 0x1000 FULL_QPC index1=QPN flags 0x003$' "$SCRATCH/out" || fail "menu record"
grep -A1 ' MENU 0xffff ' "$SCRATCH/out" | grep -q '^  menu 0x1000 ' || fail "menu records must follow their MENU"
grep -q 'RESOURCE 0x1000 FULL_QPC length 24 index1 0x2a index2 0x7 payload 8$' "$SCRATCH/out" ||
	fail "resource segment"
grep -q 'ERROR 0xfffc length 48 syndrome 0x9 "bad index"$' "$SCRATCH/out" || fail "error segment"
"$FWBOX" segments "$SCRATCH/b.tar.zst" --json > "$SCRATCH/json"
python3 - "$SCRATCH/json" <<'PY'
import json, sys
a = [json.loads(line) for line in open(sys.argv[1])]   # one segment a line
assert len(a) == 9 and a[4]["segment_name"] == "FULL_QPC" and a[4]["segment_class"] == "RESOURCE", a
assert a[4]["kind"] == "resdump.menu" and a[4]["fields"]["index1"] == 0x2a, a[4]
menu = [s for s in a if s["segment_class"] == "MENU"][0]
assert {"segment_type": 0x1000, "segment_name": "FULL_QPC", "index1_name": "QPN",
        "index2_name": None, "flags": 3} in menu["records"], menu
PY
echo ok
