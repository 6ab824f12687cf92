#!/bin/sh
# fwbox watch under signals and crashes: SIGTERM during a capture publishes
# a valid partial bundle (or none) and nothing half-written; kill -9 after
# an event was acknowledged loses nothing (the restarted daemon captures
# it, marked replayed); SIGHUP rereads the configuration; retention keeps
# the first capture of an incident and the newest, never a card's only one,
# and says what it removed.
set -eu
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/watch-lib.sh"
scratch
cd "$SCRATCH"

# A capture that lasts: 30 s of trace gathering (cut short by the signal).
printf '[Watch]\nTraceSeconds=30\n' > slow.conf

# 1. SIGTERM mid-capture.
watch_start "$SCRATCH/term.log" -c slow.conf -d 'emu:cx7,burst=1@0.05' --spool "$SCRATCH/s1"
watch_wait '"note":"capture"'
kill -TERM "$WPID"
watch_drain
[ "$WRC" -eq 0 ] || [ "$WRC" -eq 3 ] || fail "SIGTERM: exit $WRC, expected 0 or 3"
n=$(bundles s1 | wc -l)
[ "$n" -le 1 ] || fail "SIGTERM: $n bundles"
if [ "$n" -eq 1 ]; then
	"$FWBOX" verify "$(bundles s1)" >/dev/null || fail "SIGTERM: the partial bundle does not verify"
	"$FWBOX" show --json "$(bundles s1)" | grep -q '"outcome":"skipped"' ||
		fail "SIGTERM: the steps after the signal are not recorded as skipped"
fi
[ -z "$(find s1 -maxdepth 1 -type f ! -name 'fwbox-*.tar.zst')" ] || fail "SIGTERM left files: $(ls -a s1)"

# 2. kill -9 after the acknowledgement: the journal holds the event, the
# next daemon (on a card with no scheduled fault at all) captures it.
watch_start "$SCRATCH/kill.log" -c slow.conf -d 'emu:cx7,burst=1@0.05' --spool "$SCRATCH/s2"
watch_wait '"note":"capture"'
kill -KILL "$WPID"
watch_drain
[ "$(bundles s2 | wc -l)" -eq 0 ] || fail "kill -9: a bundle appeared from the killed capture"
grep -q "^E	1	0000:08:00.0	fw	1	" s2/.fwbox-watch/journal || fail "kill -9: the event is not in the journal"
expect_exit 0 "$FWBOX" watch -d 'emu:cx7' --spool "$SCRATCH/s2" --exit-after 1
[ "$(bundles s2 | wc -l)" -eq 1 ] || fail "restart: the acknowledged event was not captured"
"$FWBOX" show --json "$(bundles s2)" > show.json
python3 - show.json <<'PY' || fail "restart: trigger of the replayed capture"
import json, sys
t = json.load(open(sys.argv[1]))["trigger"]
assert t["replayed"] and t["reporter"] == "fw" and t["error_count"] == 1 and t["source"] == "journal", t
PY
# Done is done: a third start captures nothing more.
watch_start "$SCRATCH/again.log" -d 'emu:cx7' --spool "$SCRATCH/s2"
watch_wait '"note":"ready"'
kill -TERM "$WPID"
watch_drain
grep -q '"note":"capture"' again.log && fail "the replayed event was captured twice"

# 3. Retention, across restarts (the journal keeps each card's incident):
# four captures of one card, one per daemon run and no interval, at most
# 2 kept: the incident's first and the newest stay, each removal is said.
printf '[Watch]\nMinIntervalCard=0\nMinIntervalGlobal=0\nMaxPerCard=2\n' > keep2.conf
for i in 1 2 3 4; do
	"$FWBOX" watch -c keep2.conf -d 'emu:cx7,burst=1@0.01' --spool "$SCRATCH/s3" --exit-after 1 -j \
		>> keep.log || fail "retention: fwbox watch run $i failed: $(tail -2 keep.log)"
done
[ "$(grep -c '"note":"captured"' keep.log)" -eq 4 ] || fail "retention: expected 4 captures"
[ "$(grep -c '"first_of_incident":true' keep.log)" -eq 1 ] ||
	fail "retention: the restarted daemons did not continue the incident"
[ "$(grep -c '"note":"removed".*"why":"MaxPerCard"' keep.log)" -eq 2 ] || fail "retention: expected 2 removals"
first=$(grep '"note":"captured"' keep.log | head -1 | sed 's/.*"path":"\([^"]*\)".*/\1/')
last=$(grep '"note":"captured"' keep.log | tail -1 | sed 's/.*"path":"\([^"]*\)".*/\1/')
[ "$(bundles "$SCRATCH/s3" | tr '\n' ' ')" = "$(printf '%s\n%s\n' "$first" "$last" | sort | tr '\n' ' ')" ] ||
	fail "retention kept $(bundles "$SCRATCH/s3" | tr '\n' ' '), expected the first and the newest"
# The card's interval holds across a restart too: a fifth run, with the
# default 10 min interval, suppresses its event.
watch_start "$SCRATCH/rate.log" -d 'emu:cx7,burst=1@0.01' --spool "$SCRATCH/s3"
watch_wait '"note":"suppressed".*"why":"card-interval"'
kill -TERM "$WPID"
watch_drain
# The suppression record reaches the history: the events during the first
# capture are suppressed, the fatal error a second later is captured with
# their record in its trigger, and --db loads both bundles.
printf '[Watch]\nMinIntervalCard=0\nMinIntervalGlobal=0\n' > burst.conf
"$FWBOX" watch -c burst.conf -d 'emu:cx7,burst=3@0.01,fatal-at=1' --spool "$SCRATCH/s6" \
	--exit-after 2 --db "$SCRATCH/h.db" > hist.log 2>&1 || true
sqlite3 "$SCRATCH/h.db" "SELECT reporter, count FROM suppressions" > supp.txt
grep -qx 'fw_fatal|2' supp.txt || fail "history: no suppression record of 2 ($(cat supp.txt); $(tail -3 hist.log))"
sqlite3 "$SCRATCH/h.db" "SELECT COUNT(*), SUM(first_of_incident) FROM triggers" | grep -qx '2|1' ||
	fail "history: the triggers of the two captures are not recorded"

# The fatal error comes 1 ms after the fw error, while the fw error's
# capture still runs (a capture writes and syncs a bundle: it takes longer
# than that): it gets its follow-up capture anyway, though both intervals
# forbid a second capture.
printf '[Watch]\nMinIntervalCard=1h\nMinIntervalGlobal=1h\n' > follow.conf
timeout 600 "$FWBOX" watch -c follow.conf -d 'emu:cx7,burst=1@0.01,fatal-at=0.011' --spool "$SCRATCH/s7" \
	--exit-after 2 -j > follow.log 2>&1 || true   # the fatal card fails commands: exit 3
grep -q '"note":"suppressed"' follow.log && fail "follow-up: the fatal error was suppressed"
grep '"note":"capture"' follow.log | tail -1 | grep -q '"reporter":"fw_fatal".*"first_of_incident":false' ||
	fail "follow-up: no capture of the fatal error ($(tail -3 follow.log))"

# --clear-dumps: after each capture the reporter's stored dump is cleared
# (the one write), so the fatal error's capture no longer holds the fw
# reporter's old dump; without it, it does.
for mode in clear keep; do
	opt=
	[ "$mode" = clear ] && opt=--clear-dumps
	timeout 600 "$FWBOX" watch -c burst.conf -d 'emu:cx7,burst=1@0.01,fatal-at=0.5' \
		--spool "$SCRATCH/c-$mode" --exit-after 2 $opt -j > "c-$mode.log" 2>&1 || true
	[ "$(grep -c '"note":"captured"' "c-$mode.log")" -eq 2 ] || fail "$mode: expected 2 captures"
	second=$(grep '"note":"captured"' "c-$mode.log" | tail -1 | sed 's/.*"path":"\([^"]*\)".*/\1/')
	"$FWBOX" show --json "$second" > "c-$mode.json"
done
[ "$(grep -c '"note":"cleared"' c-clear.log)" -eq 2 ] || fail "--clear-dumps: expected 2 cleared dumps"
grep -q '"note":"cleared"' c-keep.log && fail "a dump was cleared without --clear-dumps"
grep -q '"kind":"health.fw"' c-clear.json && fail "--clear-dumps: the fw dump is still stored"
grep -q '"kind":"health.fw"' c-keep.json || fail "without --clear-dumps the fw dump is gone"

# MaxUse=1 byte: still never the card's only (newest) capture.
printf '[Watch]\nMaxUse=1\n' > tiny.conf
expect_exit 0 "$FWBOX" watch -c tiny.conf -d 'emu:cx7,burst=1@0.05' --spool "$SCRATCH/s4" --exit-after 1
[ "$(bundles s4 | wc -l)" -eq 1 ] || fail "MaxUse removed a card's only capture"

# 4. SIGHUP: the configuration is read again (a bad one is refused, the
# running one kept).
printf '[Watch]\nMaxPerCard=5\n' > hup.conf
watch_start "$SCRATCH/hup.log" -c hup.conf -d 'emu:cx7' --spool "$SCRATCH/s5"
watch_wait '"note":"ready"'
printf '[Watch]\nMaxPerCard=3\n' > hup.conf
kill -HUP "$WPID"
watch_wait '"note":"reloaded"'
printf 'Bogus=1\n' > hup.conf
kill -HUP "$WPID"
watch_wait '"note":"warning".*keeping the running configuration'
kill -TERM "$WPID"
watch_drain
[ "$WRC" -eq 0 ] || fail "SIGHUP: exit $WRC"
echo ok
