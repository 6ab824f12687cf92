#!/bin/sh
# fwbox report end to end: pages for hostile, fatal, compared and large
# captures and for the fleet, checked with tests/cli/report-check.py
# (self-contained, well formed, escaped, says what it must), plus the
# command's options, output and errors.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
if "$FWBOX" collect -d emu:cx7 --plan 2>&1 >/dev/null | grep -q 'has no emulator'; then
	echo "this build has no emulator transport"; exit 77
fi
scratch
CHECK="python3 $top_srcdir/tests/cli/report-check.py"
MKBUNDLE=$top_builddir/tests/mkbundle
cd "$SCRATCH"

# 1. Hostile text everywhere, registers decoded for people.
python3 - <<'PY'
import struct
open("t.txt", "wb").write(
    b"0000:08:00.0 [0x1000] 0 [0x10] [irisc1] <script>window.fwboxPwned=1</script> & \"q\"\n"
    b"0000:08:00.0 [0x1100] 1 [0x11] ctl \x01\x1b[31m bad \xff\xfe utf-8\n"
    b"0000:08:00.0 [0x1200] 0 [0x12] [nic] health: assert in irisc 2, pc 0x10\n")
mtmp = bytearray(32)
struct.pack_into(">H", mtmp, 6, 0xfff0)    # temperature -16 x 0.125 = -2 degC
struct.pack_into(">H", mtmp, 10, 400)      # max_temperature 50 degC
open("mtmp.bin", "wb").write(mtmp)
ppcnt = bytearray(256)
struct.pack_into(">II", ppcnt, 8, 1, 2)    # a_frames_transmitted_ok = 2^32 + 2
open("ppcnt.bin", "wb").write(ppcnt)
PY
"$MKBUNDLE" -o hostile.tar.zst --reason '<script>alert(2)</script>' --host '<u>host</u>' \
	trace.text=t.txt reg.MTMP=mtmp.bin reg.PPCNT=ppcnt.bin \
	reg.MGIR=/dev/null:failed:'<em>bold</em> reason' >/dev/null
"$FWBOX" report -q -o hostile.html hostile.tar.zst || fail "report of the hostile bundle"
$CHECK hostile.html --raw-lacks '<script' --raw-lacks '<u>' --raw-lacks '<em>' --raw-lacks "$(printf '\033')" \
	--has '<script>window.fwboxPwned=1</script> & "q"' --has '<script>alert(2)</script>' \
	--has '<u>host</u>' --has '<em>bold</em> reason' --has "$(printf '\342\220\201')" \
	--has "$(printf '\357\277\275')" --has '-2 °C' --has '50 °C' \
	--has 'a_frames_transmitted_ok' --has '4294967298' \
	--has 'Messages around the first fatal-looking message' --has 'health: assert in irisc 2' \
	>/dev/null || fail "hostile page"

# 2. An emulated firmware-fatal capture: the verdict in words.
set +e
"$FWBOX" collect -d emu:cx7,seed=3,fatal-after=5 --trace-seconds 1 -q -o fatal.tar.zst >/dev/null
set -e
"$FWBOX" report -o fatal.html fatal.tar.zst >out.txt || fail "report of the fatal capture"
[ "$(cat out.txt)" = "fatal.html" ] || fail "report printed '$(cat out.txt)', not the page's path"
$CHECK fatal.html --has 'ConnectX-7' --has '0000:08:00.0' --has 'Firmware fatal.' \
	--has 'Health syndrome 0x1 (firmware internal error)' --has 'fw_fatal error (1 error' \
	--has 'went fatal while the capture ran' --has 'failed with an I/O error' >/dev/null ||
	fail "fatal page"
# Default name: the bundle's, with .html.
"$FWBOX" report -q fatal.tar.zst && [ -s fatal.html ] || fail "default output name"

# A capture taken by fwbox watch: the trigger in words.
set +e
"$FWBOX" watch -d 'emu:cx7,fatal-at=0.2' --spool "$SCRATCH/spool" --exit-after 1 >/dev/null 2>&1
set -e
"$FWBOX" report -q -o watched.html "$SCRATCH"/spool/*.tar.zst || fail "report of a watched capture"
$CHECK watched.html --has 'fwbox watch: fw_fatal error (error count 1)' \
	--has 'FW fatal error reported' --has 'this is its first capture' >/dev/null ||
	fail "the trigger of a watched capture"
# 3. Changes since the previous capture of the same card.
"$FWBOX" collect -d emu:cx7,seed=3 -q -o a.tar.zst --only reg,crspace,resdump,trace.text >/dev/null
"$FWBOX" collect -d emu:cx7,seed=3,fw=28.40.1000 -q -o b.tar.zst --only reg,crspace,resdump,trace.text >/dev/null
"$FWBOX" load -q --db h.db a.tar.zst b.tar.zst
ua=$("$FWBOX" show a.tar.zst | awk '/uuid:/ {print $2}')
ub=$("$FWBOX" show b.tar.zst | awk '/uuid:/ {print $2}')
"$FWBOX" report -q --db h.db -o b.html b.tar.zst
$CHECK b.html --has "Compared with capture $ua" --has 'Register fields changed' \
	--has 'MGIR.extended_minor' --has 'changed since the previous capture' >/dev/null ||
	fail "comparison page"
grep -q 'class="changed"' b.html || fail "no changed row highlighted"
"$FWBOX" report -q --db h.db -o a.html a.tar.zst
$CHECK a.html --has 'no earlier capture of this card' >/dev/null || fail "first capture"
"$FWBOX" report -q --db h.db -o f2.html fatal.tar.zst
$CHECK f2.html --has 'not in the history database' >/dev/null || fail "capture not loaded"
# By UUID prefix, through the history; several captures in one page.
"$FWBOX" report -q --db h.db -o two.html "$(echo "$ua" | cut -c1-8)" "$ub"
$CHECK two.html --has "$ua" --has "$ub" >/dev/null || fail "two captures by UUID"
[ "$(grep -c '<section class="capture"' two.html)" -eq 2 ] || fail "two sections"
expect_exit 1 "$FWBOX" report --db h.db -o x.html 00000000

# 4. The fleet view.
"$FWBOX" report -q --db h.db -o fleet.html
$CHECK fleet.html --has 'Cards and captures' --has 'Failures by step' --has '28.40.1000' \
	--has '28.39.2048' --has 'Formats trending up' >/dev/null || fail "fleet page"
# Squares say ok, or firmware fatal once the fatal capture is loaded.
grep -q 'class="c-ok"' fleet.html || fail "fleet: no ok capture"
! grep -q 'class="c-fatal"' fleet.html || fail "fleet: a healthy capture is shown fatal"
cp h.db h2.db
"$FWBOX" load -q --db h2.db fatal.tar.zst
"$FWBOX" report -q --db h2.db -o fleet2.html
[ "$(grep -o 'class="c-fatal"' fleet2.html | wc -l)" -eq 1 ] || fail "fleet: the fatal capture"
"$FWBOX" report -q --db h.db --since 2100-01-01 -o empty.html
$CHECK empty.html --has 'No capture in this window' >/dev/null || fail "empty window"
"$FWBOX" report -q --db h.db --since -1d -o day.html
$CHECK day.html --lacks 'No capture in this window' >/dev/null || fail "--since -1d"

# 5. Options and output.
"$FWBOX" report -o - fatal.tar.zst | head -c 15 | grep -q '^<!DOCTYPE html>' || fail "-o -"
"$FWBOX" report -j -o j.html fatal.tar.zst >j.json
python3 - j.json <<'PY' || fail "--json"
import json, os, sys
j = json.load(open(sys.argv[1]))
assert j["path"] == "j.html" and j["bytes"] == os.path.getsize("j.html"), j
assert j["capture_count"] == 1 and j["trace_event_count"] > 0 and j["compared_count"] == 0, j
assert j["card_count"] is None, j
PY
expect_exit 2 "$FWBOX" report --since yesterday-ish --db h.db
expect_exit 2 "$FWBOX" report --since 2026-01-01 a.tar.zst
expect_exit 2 "$FWBOX" report --bogus a.tar.zst
expect_exit 2 "$FWBOX" report --db nothing-here.db

# 6. Failures leave what was there and no debris.
echo keep >keep.html
head -c 3000 a.tar.zst >cut.tar.zst
set +e
"$FWBOX" report -o keep.html cut.tar.zst 2>err.txt
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "damaged bundle: exit $rc"
grep -q "^fwbox report: " err.txt || fail "damaged bundle: $(cat err.txt)"
[ "$(cat keep.html)" = keep ] || fail "damaged bundle: the old page was overwritten"
ls keep.html.* 2>/dev/null && fail "a temporary file was left"
expect_exit 1 "$FWBOX" report -o no/such/folder/x.html a.tar.zst
expect_exit 1 "$FWBOX" report missing.tar.zst

# 7. The page does not grow with the trace.
"$top_builddir/tests/cli/store-mktrace" . 300000 1 >/dev/null
"$MKBUNDLE" -o big.tar.zst trace.cap=cap.bin trace.strings.0=strings.bin trace.ring=ring.bin >/dev/null
"$FWBOX" report -q -o big.html big.tar.zst
size=$(stat -c %s big.html)
[ "$size" -lt 1000000 ] || fail "a 300,000-message page is $size bytes"
$CHECK big.html --has '300,000 messages' --has 'messages per interval' >/dev/null || fail "big page"
echo ok
