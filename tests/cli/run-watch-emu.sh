#!/bin/sh
# fwbox watch on the emulator: a scheduled fatal error gives exactly one
# bundle, with the trigger recorded; a burst of 1,000 errors gives one
# bundle (MinIntervalCard=) and one suppression record with the count.
set -eu
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/watch-lib.sh"
scratch
cd "$SCRATCH"

# 1. fatal-at: one capture, the stored fw_fatal dump in it, exit 3 (the
# firmware is dead, so the command steps fail: a partial capture).
expect_exit 3 "$FWBOX" watch -d 'emu:cx7,fatal-at=0.2' --spool "$SCRATCH/s1" --exit-after 1
[ "$(bundles s1 | wc -l)" -eq 1 ] || fail "fatal-at: expected one bundle, got: $(bundles s1)"
b=$(bundles s1)
[ "$(stat -c %a "$b")" = 600 ] || fail "bundle mode is $(stat -c %a "$b"), expected 600"
[ "$(stat -c %a s1)" = 700 ] || fail "spool mode is $(stat -c %a s1), expected 700"
"$FWBOX" verify "$b" >/dev/null || fail "fatal-at: the bundle does not verify"
"$FWBOX" show --json "$b" > show.json
python3 - show.json <<'PY' || fail "fatal-at: trigger not recorded as expected"
import json, sys
s = json.load(open(sys.argv[1]))
reason = s["reason"]
assert "reporter 'fw_fatal' error" in reason and "FW fatal error reported" in reason, reason
t = s["trigger"]
assert t["source"] == "emulator" and t["reporter"] == "fw_fatal" and t["state"] == "error", t
assert t["error_count"] == 1 and t["message"] == "FW fatal error reported", t
assert t["first_of_incident"] and not t["replayed"] and t["incident_events"] == 1, t
assert 0 < t["latency_ns"] < 10 * 10**9 and t["event_us"] > 0, t
kinds = {a["kind"]: a for a in s["artifacts"]}
assert kinds["health.fw_fatal"]["outcome"] == "ok" and kinds["health.fw_fatal"]["bytes"] > 0, kinds["health.fw_fatal"]
PY

# readelf (binutils) sees the trigger note in the index.
tar -xOf "$b" index.elf > index.elf
readelf -n index.elf | grep -q '0x46570004' || fail "readelf does not list the trigger note"

# 1b. A card without devlink health (devlink=none: no reporters, no
# notifications): the daemon polls its health buffer, and the fault the
# firmware writes there (syndrome 0x42, fatal 0.3 s after opening) is
# caught and captured, the buffer holding it.  The fault happens when the
# test says so (start-on=, after the ready line): what the buffer holds at
# start is the baseline, not an event.
printf 'PollInterval=50ms\n' > poll.conf
watch_start "$SCRATCH/hb.log" -c poll.conf -d "emu:cx7,devlink=none,synd=0x42,start-on=$SCRATCH/go-hb,fatal-at=0" \
	--spool "$SCRATCH/sb" --exit-after 1
watch_wait '"note":"ready"'
: > go-hb
watch_drain
[ "$WRC" -eq 3 ] || fail "health buffer: exit $WRC, expected 3 (a dead firmware's capture is partial): $(cat hb.log.err)"
grep -q '"note":"mode".*"mode":"polling the health buffer"' hb.log || fail "health buffer: not polled: $(head -2 hb.log)"
[ "$(bundles sb | wc -l)" -eq 1 ] || fail "health buffer: expected one bundle, got: $(bundles sb)"
b=$(bundles sb)
"$FWBOX" show --json "$b" > hb.json
python3 - hb.json <<'PY' || fail "health buffer: trigger or buffer not as expected"
import json, sys
s = json.load(open(sys.argv[1]))
t = s["trigger"]
assert t["source"] == "health-buffer" and t["reporter"] == "health buffer", t
assert t["message"] == "health syndrome 0x42" and t["state"] == "error", t
kinds = {a["kind"]: a for a in s["artifacts"]}
assert kinds["health.buffer"]["outcome"] == "ok", kinds["health.buffer"]
PY
# The buffer in the bundle holds the syndrome (byte 0x3d, mlx5_ifc's
# health_buffer layout) the daemon saw.
"$FWBOX" extract "$b" health.buffer | od -An -tx1 -j 61 -N 1 | grep -qx ' 42' ||
	fail "health buffer: the captured buffer lacks syndrome 0x42"

# 2. A burst of 1,000 fw errors, one a millisecond: one capture, the rest
# suppressed into one record (count, first and last time).
watch_start "$SCRATCH/burst.log" -d 'emu:cx7,burst=1000@0.1' --spool "$SCRATCH/s2"
watch_wait '"note":"ready"'
watch_wait '"note":"suppressed".*"count":999[,}]'
kill -TERM "$WPID"
watch_drain
[ "$WRC" -eq 0 ] || fail "burst: exit $WRC after SIGTERM, expected 0"
[ "$(bundles s2 | wc -l)" -eq 1 ] || fail "burst: expected one bundle, got $(bundles s2 | wc -l)"
[ "$(grep -c '"note":"captured"' burst.log)" -eq 1 ] || fail "burst: more than one capture"
# The captured line splits the latency: the daemon's own part (event taken
# in hand to the first read) is part of the whole (fault to first read).
python3 - burst.log <<'PY' || fail "burst: the captured line's latency fields"
import json, sys
c = [json.loads(l) for l in open(sys.argv[1]) if '"note":"captured"' in l][0]
assert 0 < c["handling_ns"] <= c["latency_ns"] < 10 * 10**9, c
PY
"$FWBOX" watch --status --spool "$SCRATCH/s2" --json > status.json
python3 - status.json <<'PY' || fail "burst: status does not hold one suppression record of 999"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["capture_count"] == 1, s["capture_count"]
sup = s["suppressions"]
assert len(sup) == 1 and sup[0]["count"] == 999, sup
assert 0 < sup[0]["first_us"] <= sup[0]["last_us"] and sup[0]["card"] == "0000:08:00.0"
assert sup[0]["card_interval"] + sup[0]["during_capture"] == 999, sup
assert s["devices"][0]["incident_events"] == 1000, s["devices"]
PY
# The text form names the same.
"$FWBOX" watch --status --spool "$SCRATCH/s2" | grep -q '^suppressions: 1$' ||
	fail "burst: --status text does not list the suppression record"

# 3. Usage and configuration errors are reported, not run.
expect_exit 2 "$FWBOX" watch --exit-after 0
expect_exit 2 "$FWBOX" watch --status -d emu:cx7
printf 'MaxUse=lots\n' > bad.conf
"$FWBOX" watch -c bad.conf -d emu:cx7 --spool "$SCRATCH/s3" 2> err.txt && fail "a bad config was accepted"
grep -q "bad.conf:1: MaxUse='lots' is not a size" err.txt || fail "bad config message: $(cat err.txt)"
[ ! -e s3 ] || fail "a refused config still created the spool"
# Two daemons never share a spool.
watch_start "$SCRATCH/one.log" -d 'emu:cx7' --spool "$SCRATCH/s4"
watch_wait '"note":"ready"'
"$FWBOX" watch -d 'emu:cx7' --spool "$SCRATCH/s4" 2> two.err && fail "a second daemon took the spool"
grep -q "another fwbox watch already uses the spool" two.err || fail "second daemon message: $(cat two.err)"
kill -TERM "$WPID"
watch_drain
echo ok
