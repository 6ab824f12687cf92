#!/bin/sh
# Wall-clock time of trace messages, end to end on the emulator: the
# trace.clock step records the device tick between two host clock
# readings; fwbox trace --utc, --since/--until with times (ISO 8601 with a
# zone, relative, yesterday) and the history's utc_ns all give the same
# UTC time, checked against the anchor with python3 and sqlite3.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v sqlite3 >/dev/null || { echo "no sqlite3 tool"; exit 77; }
scratch
cd "$SCRATCH"

before=$(date +%s%N)
"$FWBOX" collect -q -d emu:cx7,seed=7 --trace-seconds 1 --only 'trace.*' -o a.tar.zst >/dev/null
after=$(date +%s%N)
"$FWBOX" extract a.tar.zst trace.clock > clock.txt
python3 - clock.txt "$before" "$after" <<'PY' || fail "trace.clock: $(cat clock.txt)"
import sys
lines = open(sys.argv[1]).read().splitlines()
assert lines[0] == "fwbox-trace-clock 1", lines[0]
k = dict(l.split(" ", 1) for l in lines[1:])
before, after = int(sys.argv[2]), int(sys.argv[3])
# The realtime reading lies within the collection, the device tick and the
# emulated device's clock rate (1.3 GHz, its device_frequency_khz) are there.
assert before <= int(k["realtime_ns"]) <= after, k
assert int(k["device_khz"]) == 1300000, k
assert int(k["device_ts"]) > 0, k
assert 0 < int(k["uncertainty_ns"]) < 1000000000, k
assert k["tracefs_clock"] == "emu-uptime", k
for c in ("monotonic_ns", "monotonic_raw_ns", "boottime_ns", "tai_ns"):
    assert int(k[c]) > 0, (c, k)
PY
# The step is listed with its outcome.
"$FWBOX" show a.tar.zst | grep -Eq '^ *trace\.clock +[0-9]+ +ok' || fail "show lists no trace.clock"

# Every message's UTC time: anchor + (timestamp - device_ts) / rate, in
# the JSON and as the first column of --utc, the same for each.
"$FWBOX" trace -j a.tar.zst > all.json
"$FWBOX" trace --utc a.tar.zst > utc.txt
[ "$(wc -l < all.json)" -gt 100 ] || fail "few messages"
python3 - clock.txt all.json utc.txt <<'PY' || fail "UTC times of messages"
import json, sys, datetime
k = dict(l.split(" ", 1) for l in open(sys.argv[1]).read().splitlines()[1:])
ts0, khz, rt = int(k["device_ts"]), int(k["device_khz"]), int(k["realtime_ns"])
ev = [json.loads(l) for l in open(sys.argv[2])]
txt = open(sys.argv[3]).read().splitlines()
assert len(ev) == len(txt), (len(ev), len(txt))
for e, t in zip(ev, txt):
    ns = rt + round((int(e["timestamp"]) - ts0) * 1000000 / khz)
    d = datetime.datetime.fromtimestamp(ns // 10**9, datetime.timezone.utc)
    want = d.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % (ns % 10**9)
    assert e["time"] == want, (e, want)
    assert t.split(" ", 1)[0] == want, (t, want)
    # The rest of the line is the line without --utc.
    assert t.split(" ", 1)[1].startswith(e["pci"] + " [0x%x]" % int(e["timestamp"])), t
PY

# --since/--until as times select exactly the messages of that UTC window,
# written in any zone; the same window in device ticks gives the same lines.
python3 - all.json > window <<'PY'
import json, sys, datetime
ev = [json.loads(l) for l in open(sys.argv[1])]
t = sorted(e["time"] for e in ev)
lo, hi = t[len(t) // 4], t[3 * len(t) // 4]
def east(s):
    # the same instant written an hour east of UTC, nanoseconds kept
    d = datetime.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")
    return (d + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S") + s[19:29] + "+01:00"
n = sum(1 for e in ev if lo <= e["time"] <= hi)
print(east(lo), hi, n)
PY
read -r lo hi nwin < window
got=$("$FWBOX" trace --since "$lo" --until "$hi" a.tar.zst | wc -l)
[ "$got" -gt 0 ] && [ "$got" -lt "$(wc -l < all.json)" ] || fail "window $lo..$hi: $got lines"
# A bound in ns falls between two ticks (1.3 GHz): a message at a bound
# may fall either way.
[ $((got - nwin)) -le 2 ] && [ $((nwin - got)) -le 2 ] || fail "window $lo..$hi: $got lines, want $nwin"
# Relative forms and words: the capture is from just now.
[ "$("$FWBOX" trace --since -1h a.tar.zst | wc -l)" -eq "$(wc -l < all.json)" ] ||
	fail "--since -1h misses messages"
[ "$("$FWBOX" trace --since yesterday --until now a.tar.zst | wc -l)" -eq "$(wc -l < all.json)" ] ||
	fail "--since yesterday --until now misses messages"
expect_exit 4 "$FWBOX" trace --until -1h a.tar.zst
expect_exit 4 "$FWBOX" trace --until '2020-01-01 10:00' a.tar.zst
# A time that is not one is a usage error naming the forms.
set +e
"$FWBOX" trace --since 2026-13-01 a.tar.zst > out 2> err
rc=$?
set -e
[ $rc -eq 2 ] || fail "a bad --since exited $rc"
grep -q "yesterday" err || fail "a bad --since does not list the forms: $(cat err)"
expect_exit 2 "$FWBOX" trace --since '2026-12-01T10:00+25:00' a.tar.zst
expect_exit 2 "$FWBOX" trace --since now --until yesterday a.tar.zst

# Without the anchor (--skip trace.clock), times select nothing and say
# why; device timestamps still work, and --utc prints '-'.
"$FWBOX" collect -q -d emu:cx7,seed=7 --trace-seconds 1 --only 'trace.*' --skip trace.clock \
	-o noclock.tar.zst >/dev/null
set +e
"$FWBOX" trace --since -1h noclock.tar.zst > out 2> err
rc=$?
set -e
[ $rc -eq 4 ] && [ ! -s out ] || fail "times on a bundle without an anchor: exit $rc"
grep -q "no clock anchor" err || fail "no warning about the missing anchor: $(cat err)"
[ "$("$FWBOX" trace --since 0 noclock.tar.zst | wc -l)" -gt 0 ] || fail "ticks need no anchor"
"$FWBOX" trace --utc noclock.tar.zst | head -1 | grep -q '^- ' || fail "--utc without an anchor"

# The history: utc_ns as fwbox trace gives it, NULL without an anchor;
# trace-window and trace-top take the same times.
"$FWBOX" load -q --db h.db a.tar.zst noclock.tar.zst
python3 - all.json > times.txt <<'PY'
import json, sys, datetime
for l in open(sys.argv[1]):
    e = json.loads(l)
    print(e["timestamp"], e["time"])
PY
sqlite3 -separator ' ' h.db "SELECT t.timestamp, strftime('%Y-%m-%dT%H:%M:%S', t.utc_ns / 1000000000, 'unixepoch') || printf('.%09dZ', t.utc_ns % 1000000000) FROM trace_events t JOIN bundles b ON b.id = t.bundle WHERE b.clock_khz IS NOT NULL ORDER BY t.seq" > db-times.txt
sort times.txt > a1; sort db-times.txt > a2
cmp -s a1 a2 || fail "utc_ns differs from fwbox trace: $(diff a1 a2 | head -4)"
[ "$(sqlite3 h.db "SELECT count(*) FROM bundles WHERE clock_utc_ns IS NULL")" -eq 1 ] ||
	fail "the bundle without an anchor has one in the history"
[ "$(sqlite3 h.db "SELECT count(*) FROM trace_events WHERE utc_ns IS NULL")" -gt 0 ] ||
	fail "messages of the bundle without an anchor have a UTC time"
dev=$(sqlite3 h.db "SELECT device FROM bundles LIMIT 1")
n=$("$FWBOX" query --db h.db -f csv trace-window "$dev" "$lo" "$hi" | tail -n +2 | wc -l)
[ "$n" -gt 0 ] && [ $((n - nwin)) -le 2 ] && [ $((nwin - n)) -le 2 ] ||
	fail "trace-window $lo..$hi: $n rows, want about $nwin"
n=$("$FWBOX" query --db h.db -f csv trace-top -- -1h now | awk -F, 'NR > 1 { n += $(NF - 2) } END { print n + 0 }')
[ "$n" -eq "$(wc -l < all.json)" ] || fail "trace-top -1h now counts $n, not $(wc -l < all.json)"
echo ok
