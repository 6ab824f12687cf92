#!/bin/sh
# fwbox watch at start: what a card already shows when the daemon starts
# (a dead firmware, a reporter in error, a syndrome in the health buffer)
# is the baseline, recorded as present at start and not captured; an error
# after the start is captured once.  In each mode: polling the health
# buffer (devlink=none), polling the reporters (--poll), notifications
# (the emulator's schedule).  --capture-existing captures what is present,
# once: a restart does not take it again.  Faults start on a file the test
# creates after the daemon's ready line (start-on=), never on a time.
set -eu
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/watch-lib.sh"
scratch
cd "$SCRATCH"

printf '[Watch]\nPollInterval=20ms\nMinIntervalCard=0\nMinIntervalGlobal=0\n' > w.conf

# check_run MODE SOURCE REPORTER PRESENT_A PRESENT_B: the run just drained
# captured once, card B's error after the start, and recorded card A's and
# card B's errors present at start.
check_run() {
	[ "$WRC" -eq 3 ] || fail "$1: exit $WRC, expected 3 (the failed card's capture is partial): $(cat "$WLOG.err")"
	[ "$(bundles "s-$1" | wc -l)" -eq 1 ] || fail "$1: expected one bundle, got: $(bundles "s-$1")"
	[ "$(grep -c '"note":"captured"' "$WLOG")" -eq 1 ] || fail "$1: expected one capture: $(cat "$WLOG")"
	"$FWBOX" show --json "$(bundles "s-$1")" > "$1.json"
	"$FWBOX" watch --status --json --spool "s-$1" > "$1.status"
	python3 - "$1.json" "$1.status" "$WLOG" "$2" "$3" "$4" "$5" <<'PY' || fail "$1: trigger or present-at-start record"
import json, sys
show, status, log, source, reporter, pa, pb = sys.argv[1:]
t = json.load(open(show))["trigger"]
assert t["source"] == source and t["reporter"] == reporter and t["state"] == "error", t
assert json.load(open(show))["device"]["pci"] == "0000:09:00.0"
s = json.load(open(status))
pres = {(p["card"], p["reporter"]): p for p in s["present_at_start"]}
assert set(pres) == {("0000:08:00.0", pa), ("0000:09:00.0", pb)}, pres
assert all(p["why"] == "recorded" and p["state"] == "error" for p in pres.values()), pres
assert s["capture_count"] == 1 and s["captures"][0]["card"] == "0000:09:00.0", s["captures"]
lines = [json.loads(l) for l in open(log)]
kinds = [l["note"] for l in lines]
# Said before the ready line: they are the baseline, not events.
assert kinds.index("ready") > max(i for i, k in enumerate(kinds) if k == "present"), kinds
assert not any(l["note"] == "event" and l["card"] == "0000:08:00.0" for l in lines), lines
PY
	grep -q "^P	0000:08:00.0	$4	" "s-$1/.fwbox-watch/journal" ||
		fail "$1: the journal does not record card A's error as present at start"
}

# run_mode MODE SOURCE REPORTER PRESENT_A PRESENT_B OPTS A_SPEC B_SPEC: card A
# dead before the start; card B with a fw error before the start and a
# fatal error once the test says go.
run_mode() {
	mode=$1 source=$2 reporter=$3 pa=$4 pb=$5 opts=$6 a=$7 b=$8
	rm -f "go-$mode"
	# shellcheck disable=SC2086
	watch_start "$SCRATCH/$mode.log" -c w.conf $opts -d "$a" -d "$b" --spool "$SCRATCH/s-$mode" --exit-after 1
	watch_wait '"note":"ready"'
	: > "go-$mode"
	watch_drain
	check_run "$mode" "$source" "$reporter" "$pa" "$pb"
}

B=pci=0000:09:00.0,fw-error-after=0,start-on
run_mode buffer health-buffer 'health buffer' 'health buffer' 'health buffer' '' \
	'emu:cx7,devlink=none,fatal-after=0' "emu:cx7,devlink=none,$B=$SCRATCH/go-buffer,fatal-at=0"
grep -q '"mode":"polling the health buffer"' buffer.log || fail "buffer: not polling the health buffer"
run_mode poll poll fw_fatal fw_fatal fw --poll \
	'emu:cx7,fatal-after=0' "emu:cx7,$B=$SCRATCH/go-poll,fatal-at=0"
grep -q '"mode":"polling devlink reporters"' poll.log || fail "poll: not polling the reporters"
# Card A has a schedule (a day away), so both cards use notifications.
run_mode events emulator fw_fatal fw_fatal fw '' \
	'emu:cx7,fatal-after=0,fatal-at=86400' "emu:cx7,$B=$SCRATCH/go-events,fatal-at=0"
[ "$(grep -c '"mode":"emulator schedule"' events.log)" -eq 2 ] || fail "events: not both on notifications"

# --capture-existing: card A's dead firmware is captured at start, once,
# with no latency (it happened before the daemon) ...
"$FWBOX" watch -j -c w.conf -d 'emu:cx7,fatal-after=0' --spool "$SCRATCH/s-ce" \
	--exit-after 1 --capture-existing > ce1.log && rc=0 || rc=$?
[ "$rc" -eq 3 ] || fail "--capture-existing: exit $rc, expected 3"
[ "$(bundles s-ce | wc -l)" -eq 1 ] || fail "--capture-existing: expected one bundle"
"$FWBOX" show --json "$(bundles s-ce)" > ce1.json
python3 - ce1.json <<'PY' || fail "--capture-existing: trigger"
import json, sys
t = json.load(open(sys.argv[1]))["trigger"]
assert t["source"] == "present-at-start" and t["reporter"] == "fw_fatal" and t["error_count"] == 1, t
assert t["latency_ns"] is None and t["message"] == "present when fwbox watch started, dump stored", t
PY
grep -q '"note":"present".*"why":"capturing"' ce1.log || fail "--capture-existing: not said"
# ... and a restart does not take it again: the next capture is card B's.
watch_start "$SCRATCH/ce2.log" -c w.conf -d 'emu:cx7,fatal-after=0' \
	-d "emu:cx7,pci=0000:09:00.0,start-on=$SCRATCH/go-ce,fatal-at=0" --spool "$SCRATCH/s-ce" \
	--exit-after 1 --capture-existing
watch_wait '"note":"ready"'
: > go-ce
watch_drain
grep -q '"note":"present","card":"0000:08:00.0".*"why":"already-captured"' ce2.log ||
	fail "restart: card A's error not known as captured: $(cat ce2.log)"
[ "$(bundles s-ce | wc -l)" -eq 2 ] || fail "restart: expected two bundles in all, got $(bundles s-ce | wc -l)"
grep '"note":"captured"' ce2.log | grep -q '"card":"0000:09:00.0"' || fail "restart: card B not captured"
# CaptureExisting= in the file does the same as the option.
printf 'CaptureExisting=yes\n' >> w.conf
"$FWBOX" watch -j -c w.conf -d 'emu:cx7,devlink=none,fatal-after=0' --spool "$SCRATCH/s-cf" \
	--exit-after 1 > cf.log && rc=0 || rc=$?
[ "$rc" -eq 3 ] || fail "CaptureExisting=yes: exit $rc, expected 3"
grep '"note":"captured"' cf.log | grep -q '"reporter":"health buffer"' || fail "CaptureExisting=yes: no capture"
printf 'CaptureExisting=maybe\n' > bad.conf
"$FWBOX" watch -c bad.conf -d emu:cx7 --spool "$SCRATCH/s-bad" 2> bad.err && fail "CaptureExisting=maybe accepted"
grep -q "CaptureExisting" bad.err || fail "bad CaptureExisting message: $(cat bad.err)"
# The emulator refuses start-on= with nothing to start.
"$FWBOX" collect -d "emu:cx7,start-on=$SCRATCH/x" -o x.tar.zst 2> so.err && fail "start-on= alone accepted"
grep -q "start-on=.*neither" so.err || fail "start-on= alone: $(cat so.err)"
echo ok
