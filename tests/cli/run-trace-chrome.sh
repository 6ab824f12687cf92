#!/bin/sh
# fwbox trace --format chrome: Chrome trace-event JSON that passes a checker
# of the format's rules (tests/cli/chrome-check.py: keys, types, metadata,
# monotonic timestamps per track, lost markers) and holds exactly the
# messages `fwbox trace` prints, with ts from the device clock.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
if "$FWBOX" collect -d emu:cx7 --plan 2>&1 >/dev/null | grep -q 'has no emulator'; then
	echo "this build has no emulator transport"; exit 77
fi
scratch
CHECK="python3 $top_srcdir/tests/cli/chrome-check.py"

# 1. The emulated ConnectX-7 with the raw ring and the tracefs text.
"$FWBOX" collect -d emu:cx7,seed=7,owner=none --trace-control --trace-seconds 1 -q \
	-o "$SCRATCH/e.tar.zst" --only trace,hca.caps >/dev/null
# Every record of every source (--source all): the tracefs lines copy the
# ring's messages, and each source is a process of its own.
"$FWBOX" trace --format chrome --source all "$SCRATCH/e.tar.zst" >"$SCRATCH/e.json" ||
	fail "trace --format chrome"
out=$($CHECK "$SCRATCH/e.json") || fail "the Chrome JSON breaks the format's rules"
n=$("$FWBOX" trace --source all "$SCRATCH/e.tar.zst" | wc -l)
[ "$n" -gt 100 ] || fail "only $n messages in the emulated trace"
echo "$out" | grep -q "^messages $n " || fail "round trip: $out, but fwbox trace printed $n lines"
python3 - "$SCRATCH/e.json" <<'PY' || fail "clock, names or tracks"
import json, sys
d = json.load(open(sys.argv[1]))
o = d["otherData"]
assert o["clock_khz"] == 1300000, o          # the cx7 profile's device_frequency_khz
assert "device_frequency_khz" in o["clock"], o
assert o["late"] == 0, o
ev = [e for e in d["traceEvents"] if e["ph"] == "i"]
for e in ev[:1000]:
    want = e["args"]["ticks"] * 1000 / 1300000       # microseconds
    assert abs(e["ts"] - want) < 0.002, (e, want)
procs = {e["pid"]: e["args"]["name"] for e in d["traceEvents"] if e["name"] == "process_name"}
assert any("ring" in v for v in procs.values()) and any("tracefs" in v for v in procs.values()), procs
lanes = {e["args"]["name"] for e in d["traceEvents"] if e["name"] == "thread_name"}
assert {"irisc1", "irisc2", "nic", "main"} <= lanes, lanes
assert all(e["name"] for e in ev)
PY
# A filter selects the same messages as in text.
n=$("$FWBOX" trace --grep 'irisc1' "$SCRATCH/e.tar.zst" | wc -l)
out=$("$FWBOX" trace --format chrome --grep 'irisc1' "$SCRATCH/e.tar.zst" | $CHECK /dev/stdin)
echo "$out" | grep -q "^messages $n " || fail "--grep: $out, but text has $n lines"

# 2. tracefs lines only (no hca.caps: no clock), out of order, lost flags,
# hostile text, and one message far older than the reorder window.
python3 - "$SCRATCH/t.txt" <<'PY'
import sys
out = open(sys.argv[1], "wb")
def line(ts, lost, ev, msg):
    out.write(b"0000:08:00.0 [0x%x] %d [0x%x] " % (ts, lost, ev) + msg + b"\n")
line(0x1000, 0, 0x10, b'[irisc1] quote " backslash \\ tab \t bell \x07 <script>alert(1)</script>')
line(0x0f00, 1, 0x11, b"[irisc1] older and lost")
line(0x1100, 0, 0x12, b"bad utf-8 \xff\xfe and \xe2\x82 cut")
line(0x1200, 1, 0x13, b"[nic] lost too")
for i in range(5000):
    line(0x100000 + i, 0, 0x14, b"[irisc2] filler %d" % i)
line(0x2000, 0, 0x14, b"[irisc2] far too old")
PY
"$top_builddir/tests/mkbundle" -o "$SCRATCH/t.tar.zst" trace.text="$SCRATCH/t.txt" >/dev/null
"$FWBOX" trace --format chrome "$SCRATCH/t.tar.zst" >"$SCRATCH/t.json"
out=$($CHECK "$SCRATCH/t.json") || fail "text-only trace breaks the rules"
echo "$out" | grep -q "^messages 5005 lost-markers 2 " || fail "text-only trace: $out"
python3 - "$SCRATCH/t.json" <<'PY' || fail "text-only details"
import json, sys
d = json.load(open(sys.argv[1]))
o = d["otherData"]
assert o["clock_khz"] == 0 and "unknown" in o["clock"], o
assert o["late"] == 1, o
ev = [e for e in d["traceEvents"] if e["ph"] == "i" and e["cat"] == "fw"]
by = {e["args"]["ticks"]: e for e in ev}
assert by[0x1000]["ts"] == 0x1000 / 1000, by[0x1000]
assert by[0x1000]["name"].startswith('[irisc1] quote " backslash \\ tab \t bell \x07 <script>'), by[0x1000]
assert "\ufffd" in by[0x1100]["name"], by[0x1100]
assert ev.index(by[0xf00]) < ev.index(by[0x1000])     # sorted inside the window
late = by[0x2000]
track = [e for e in ev if (e["pid"], e["tid"]) == (late["pid"], late["tid"])]
k = track.index(late)
assert late["ts"] == track[k - 1]["ts"] > 0x2000 / 1000, late  # at its track's last time
PY

# 3. Errors: a bad format is a usage error; a missing bundle fails cleanly.
expect_exit 2 "$FWBOX" trace --format svg "$SCRATCH/e.tar.zst"
set +e
"$FWBOX" trace --format chrome "$SCRATCH/none.tar.zst" >"$SCRATCH/none.out" 2>"$SCRATCH/none.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "missing bundle: exit $rc"
grep -q "^fwbox trace: " "$SCRATCH/none.err" || fail "missing bundle: $(cat "$SCRATCH/none.err")"
[ ! -s "$SCRATCH/none.out" ] || fail "missing bundle: something was written to standard output"
echo ok
