#!/bin/sh
# fwbox trace over a bundle holding every trace source: the decoded ring
# (golden lines from the kernel's rules), tracefs lines and the fw
# reporter's saved traces.  One line per message, filters, JSON.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE="$top_builddir/tests/mkbundle"
[ -x "$MKBUNDLE" ] || fail "tests/mkbundle is missing: run this through make check, which builds it"
scratch
fx="$top_srcdir/tests/fixtures/decode"
"$MKBUNDLE" -o "$SCRATCH/b.tar.zst" \
	trace.cap="$fx/trace.cap" trace.strings.0="$fx/trace.strings.0" \
	trace.ring="$fx/trace.ring" trace.text="$fx/trace.text" \
	health.fw.dump="$fx/health.fw.dump" reg.MGIR="$fx/reg.MGIR" >/dev/null

"$FWBOX" trace "$SCRATCH/b.tar.zst" > "$SCRATCH/out" 2> "$SCRATCH/err"
# Every message once, whatever the member order; the device column aside.
cut -d' ' -f2- "$SCRATCH/out" | sort > "$SCRATCH/got"
sort "$fx/trace.expected" > "$SCRATCH/want"
diff -u "$SCRATCH/want" "$SCRATCH/got" || fail "trace lines differ from the golden ones"
[ "$(wc -l < "$SCRATCH/out")" -eq 11 ] || fail "expected 11 lines"
grep -q '^0000:08:00.0 \[0x1a2b\] 0 \[0x20\] link up$' "$SCRATCH/out" ||
	fail "tracefs line lost its device"

# Filters.
n=$("$FWBOX" trace "$SCRATCH/b.tar.zst" --grep 'no params|saved' 2>/dev/null | wc -l)
[ "$n" -eq 4 ] || fail "--grep matched $n lines, expected 4"
n=$("$FWBOX" trace "$SCRATCH/b.tar.zst" --since 0x1001 --until 0x1a2b 2>/dev/null | wc -l)
[ "$n" -eq 2 ] || fail "--since/--until kept $n lines, expected 2"

# JSON: same count, structured fields of ring messages.
"$FWBOX" trace "$SCRATCH/b.tar.zst" --json > "$SCRATCH/json" 2>/dev/null
[ "$(wc -l < "$SCRATCH/json")" -eq 11 ] || fail "trace --json is not one object a line"
python3 - "$SCRATCH/json" <<'PY'
import json, sys
a = [json.loads(line) for line in open(sys.argv[1])]   # JSON Lines
assert len(a) == 11, len(a)
ring = [e for e in a if e["source"] == "ring"]
assert len(ring) == 7
v = [e for e in ring if e["event_id"] == 0x21][0]
assert v["params"] == [1, 0x2345] and v["message"] == "value 12345 done", v
assert v["timestamp"] == str(0x12345678991)   # 64-bit: a decimal string
PY

expect_exit 2 "$FWBOX" trace
expect_exit 2 "$FWBOX" trace "$SCRATCH/b.tar.zst" --since nope
expect_exit 2 "$FWBOX" trace "$SCRATCH/b.tar.zst" --grep '('
# An empty window is a mistake, not an empty answer; an overlong number is out of range.
expect_exit 2 "$FWBOX" trace "$SCRATCH/b.tar.zst" --since 10 --until 5
"$FWBOX" trace "$SCRATCH/b.tar.zst" --since 10 --until 5 2>&1 | grep -q -- "--since 10 is after --until 5" ||
	fail "--since > --until does not name both"
expect_exit 2 "$FWBOX" trace "$SCRATCH/b.tar.zst" --since 99999999999999999999999
"$FWBOX" trace "$SCRATCH/b.tar.zst" --until 99999999999999999999999 2>&1 | grep -q "out of range" ||
	fail "overlong --until not reported as out of range"
expect_exit 1 "$FWBOX" trace "$SCRATCH/missing.tar.zst"
echo ok
