#!/bin/sh
# Addressing captures as coredumpctl does: fwbox list and info; a UUID or
# unique prefix (from list, or from a query's bundle column) works with
# show, trace, regs, extract, diff and query's BUNDLE; history hygiene
# (absolute bundles.file, a private new history, oldest first); query
# parameters, SQL from standard input, NULL, typed named-query arguments.
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
cd "$SCRATCH"
MKBUNDLE="$top_builddir/tests/mkbundle"
fx="$top_srcdir/tests/fixtures/decode"
db=$SCRATCH/h.db
export FWBOX_DB="$db"

# Three captures of two cards, named so that name order is not time order.
"$MKBUNDLE" -o z-old.tar.zst --uuid 11111111000000000000000000000001 --time 1000000000000000000 \
	--serial SN1 --fw 28.39.1000 reg.MGIR="$fx/reg.MGIR" >/dev/null
"$MKBUNDLE" -o a-new.tar.zst --uuid 22222222000000000000000000000002 --time 3000000000000000000 \
	--serial SN1 --fw 28.39.2000 reg.MGIR="$fx/reg.MGIR" trace.text="$fx/trace.text" \
	crspace=/dev/null:failed:"timed out" >/dev/null
"$MKBUNDLE" -o m-other.tar.zst --uuid 33333333000000000000000000000003 --time 2000000000000000000 \
	--serial SN2 --reason "link flap" reg.MGIR="$fx/reg.MGIR" >/dev/null
mkdir in
mv z-old.tar.zst a-new.tar.zst m-other.tar.zst in/

# Nothing yet: no history is a failure that says so; an empty one is exit 4.
expect_exit 1 "$FWBOX" list
"$FWBOX" load -q in
[ "$(stat -c %a "$db")" = 600 ] || fail "new history is not 0600"

# A folder loads oldest capture first (load order is the id order).
[ "$(sqlite3 "$db" "SELECT group_concat(substr(uuid, 1, 8), ' ') FROM (SELECT uuid FROM bundles ORDER BY id)")" = \
	"11111111 33333333 22222222" ] || fail "folder not loaded oldest first"
# bundles.file is absolute.
sqlite3 "$db" "SELECT file FROM bundles" | grep -v "^$SCRATCH/in/" && fail "a relative bundles.file"

# list: oldest first, the UUID prefix, the card, the outcome.
"$FWBOX" list > list.txt
[ "$(sed -n 1p list.txt | awk '{print $1}')" = TIME ] || fail "list: no header"
[ "$(sed -n 2p list.txt | awk '{print $4}')" = 11111111 ] || fail "list: not oldest first: $(cat list.txt)"
grep -q '^2065-01-24 05:20:00 UTC  22222222  0000:08:00.0  SN1 .* 28.39.2000 .* partial  *1  test$' list.txt ||
	fail "list line: $(cat list.txt)"
grep -q '33333333.*link flap$' list.txt || fail "list: no reason"
[ "$("$FWBOX" list -1 | sed 1d | awk '{print $4}')" = 22222222 ] || fail "list -1"
[ "$("$FWBOX" list -d SN2 | sed 1d | wc -l)" -eq 1 ] || fail "list -d SERIAL"
[ "$("$FWBOX" list --since 2001-01-01 --until 2040-01-01 | sed 1d | wc -l)" -eq 2 ] || fail "list --since/--until"
[ "$("$FWBOX" list --since @2500000000 | sed 1d | wc -l)" -eq 1 ] || fail "list --since @SECONDS"
expect_exit 4 "$FWBOX" list -d nosuchcard
"$FWBOX" list -d nosuchcard 2>&1 | grep -qx "fwbox list: no capture in the history matches" ||
	fail "list: nothing-matched message"
expect_exit 2 "$FWBOX" list --since yesterdayish
expect_exit 2 "$FWBOX" list 22222222

# info: by prefix, by file, the newest by default.
"$FWBOX" info 2222 2>/dev/null && fail "a 4-character prefix was accepted"
"$FWBOX" info 22222222 > info.txt
grep -q '^Capture: 22222222-0000-0000-0000-000000000002$' info.txt || fail "info header"
grep -q '^  outcome:   partial (1 of 3 steps failed or partial)$' info.txt || fail "info outcome"
grep -Eq '^  crspace +0  failed +timed out$' info.txt || fail "info steps: $(cat info.txt)"
"$FWBOX" info | head -1 | grep -q 22222222 || fail "info without CAPTURE is not the newest"
"$FWBOX" info in/m-other.tar.zst | head -1 | grep -q 33333333 || fail "info FILE"
expect_exit 3 "$FWBOX" info 22222222 99999999
"$FWBOX" info 99999999 2>&1 | grep -q "^fwbox info: no bundle UUID '99999999' in '$db'" ||
	fail "info: unknown UUID message"

# A UUID prefix where a bundle file goes, from any folder.
mkdir elsewhere
cd elsewhere
"$FWBOX" show 22222222 | grep -q '^  uuid:      22222222-0000-0000-0000-000000000002$' || fail "show PREFIX"
"$FWBOX" regs -r MGIR 11111111 33333333 | grep -c '^MGIR.device_id' | grep -qx 2 || fail "regs PREFIX..."
[ "$("$FWBOX" trace 22222222 | wc -l)" -gt 0 ] || fail "trace PREFIX"
"$FWBOX" extract 11111111 reg.MGIR | cmp -s - "$fx/reg.MGIR" || fail "extract PREFIX"
rc=0; "$FWBOX" diff 11111111 22222222 >/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "diff PREFIX PREFIX exited $rc"
# A bundle column of a named query is accepted as it is.
b=$("$FWBOX" query -f csv latest | awk -F, 'NR == 2 {print $5}')
"$FWBOX" show "$b" >/dev/null || fail "show of a query's bundle column '$b'"
cd ..
expect_exit 1 "$FWBOX" show 44444444
"$FWBOX" show 44444444 2>&1 | grep -q "^fwbox show: '44444444' is not a file, and as a bundle UUID: no bundle UUID" ||
	fail "show: unknown UUID message: $("$FWBOX" show 44444444 2>&1)"
"$FWBOX" show nosuch.tar.zst 2>&1 | grep -qx "fwbox show: 'nosuch.tar.zst': No such file or directory" ||
	fail "show: missing file message"
# The file moved: say where it was.
mv in/m-other.tar.zst moved.tar.zst
"$FWBOX" show 33333333 2>&1 | grep -q "was loaded from '$SCRATCH/in/m-other.tar.zst', which is gone" ||
	fail "show: moved file message: $("$FWBOX" show 33333333 2>&1)"
mv moved.tar.zst in/m-other.tar.zst
# diff on a file that does not exist says so (exit 2: trouble).
expect_exit 2 "$FWBOX" diff in/z-old.tar.zst nosuch.tar.zst
"$FWBOX" diff in/z-old.tar.zst nosuch.tar.zst 2>&1 |
	grep -qx "fwbox diff: 'nosuch.tar.zst' does not exist, and is not a bundle UUID" ||
	fail "diff: missing file message: $("$FWBOX" diff in/z-old.tar.zst nosuch.tar.zst 2>&1)"

# query: parameters, SQL on standard input, NULL, typed arguments.
[ "$("$FWBOX" query -f csv 'SELECT ?1 + 1 AS n, ?2 AS s' 41 x | tail -1)" = "42,x" ] || fail "query params"
[ "$("$FWBOX" query -f csv -- 'SELECT ?1 AS n' -5 | tail -1)" = "-5" ] || fail "query negative param after --"
expect_exit 2 "$FWBOX" query 'SELECT ?1'
expect_exit 2 "$FWBOX" query 'SELECT 1' 2
[ "$(echo "SELECT count(*) AS n FROM bundles" | "$FWBOX" query -f csv - | tail -1)" = 3 ] || fail "query -"
[ "$(printf 'SELECT ?1 AS v' | "$FWBOX" query -f csv - 7 | tail -1)" = 7 ] || fail "query - PARAM"
"$FWBOX" query "SELECT NULL AS a, '' AS b" | tail -1 | grep -q '^NULL' || fail "table NULL"
"$FWBOX" query --null '(null)' "SELECT NULL AS a" | tail -1 | grep -qx '(null)' || fail "--null"
[ "$("$FWBOX" query -f csv "SELECT NULL AS a, 1 AS b" | tail -1)" = ",1" ] || fail "csv NULL"
[ "$("$FWBOX" query -j "SELECT NULL AS a")" = '{"a":null}' ] || fail "json NULL"
[ "$("$FWBOX" query -f csv artifacts 22222222 | wc -l)" -eq 4 ] || fail "query artifacts PREFIX"
expect_exit 1 "$FWBOX" query artifacts 99999999
expect_exit 2 "$FWBOX" query trace-window 1 0 x
"$FWBOX" query trace-window 1 0 x 2>&1 | grep -q "TO 'x' is not a device timestamp" || fail "typed TO"
expect_exit 2 "$FWBOX" query trace-window nosuchcard 0 9
"$FWBOX" query -f csv trace-window SN1 0 0xffffffffffff >/dev/null || fail "trace-window by serial"
"$FWBOX" query fw-histroy 2>&1 | grep -q "did you mean 'fw-history'" || fail "no did-you-mean"
echo ok
