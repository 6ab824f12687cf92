#!/bin/sh
# fwbox watch --db postgresql://...: each capture of the emulated card is
# loaded into a PostgreSQL history (a throwaway cluster) as it is made; the
# script waits on the daemon's own lines ("ready", "loaded"), then checks
# with psql that the bundle, its trigger and its steps are there, that the
# suppression records reach the history, that a password given in the
# connection string is never stored or printed, and that a history that
# cannot be reached costs a warning, never the capture.
set -eu
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"
. "$top_srcdir/tests/cli/watch-lib.sh"
scratch
pg_start
cd "$SCRATCH"
db=$(pg_createdb watch)
q() { pg_psql "$db" -At -c "$1"; }

# 1. A fatal error 0.2 s after the daemon opens the card: one capture,
# loaded while the daemon keeps running.  The password is ignored by the
# cluster (trust) but must not reach the stored command line or a message.
watch_start "$SCRATCH/w1.log" -d 'emu:cx7,fatal-at=0.2' --spool "$SCRATCH/s1" \
	--db "$db password=sekrit"
watch_wait '"note":"ready"'
watch_wait '"note":"loaded"'
b=$(grep '"note":"loaded"' w1.log | sed 's/.*"path":"\([^"]*\)".*/\1/')
[ -f "$b" ] || fail "the loaded line names no bundle file: $(grep loaded w1.log)"
kill -TERM "$WPID"
watch_drain
[ "$WRC" -eq 3 ] || fail "exit $WRC after SIGTERM, expected 3 (the dead card's capture is partial)"
"$FWBOX" show --json "$b" > show.json
uuid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bundle"])' show.json)
nart=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["artifacts"]))' show.json)
[ "$(q "SELECT count(*) FROM bundles")" = 1 ] || fail "bundles in PostgreSQL: $(q "SELECT uuid FROM bundles")"
[ "$(q "SELECT uuid FROM bundles")" = "$uuid" ] || fail "the bundle in PostgreSQL is not $uuid"
[ "$(q "SELECT file FROM bundles")" = "$b" ] || fail "the bundle's file is not recorded"
[ "$(q "SELECT count(*) FROM artifacts a JOIN bundles b ON b.id = a.bundle WHERE b.uuid = '$uuid'")" = "$nart" ] ||
	fail "artifacts in PostgreSQL: $(q "SELECT count(*) FROM artifacts"), the bundle has $nart"
[ "$(q "SELECT reporter || '|' || first_of_incident FROM triggers")" = "fw_fatal|1" ] ||
	fail "trigger in PostgreSQL: $(q "SELECT * FROM triggers")"
[ "$(q "SELECT count(*) FROM health h JOIN bundles b ON b.id = h.bundle")" -gt 0 ] ||
	fail "no health items of the capture in PostgreSQL"
q "SELECT cmdline FROM bundles" | grep -q -- '--db' || fail "no command line recorded: $(q "SELECT cmdline FROM bundles")"
q "SELECT cmdline FROM bundles" | grep -q sekrit && fail "the password is stored: $(q "SELECT cmdline FROM bundles")"
grep -q sekrit w1.log w1.log.err && fail "the password was printed"
# The same capture through the history's own verbs.
"$FWBOX" list --db "$db" | grep -q "$(echo "$uuid" | cut -c1-8)" || fail "list does not show the capture"

# 2. A burst of fw errors during the capture of the first, then a fatal
# error: two captures, the suppressed events' record with the second, all
# in the history as on SQLite (run-watch-crash.sh).
printf '[Watch]\nMinIntervalCard=0\nMinIntervalGlobal=0\n' > burst.conf
db2=$(pg_createdb watch2)
set +e
"$FWBOX" watch -j -c burst.conf -d 'emu:cx7,burst=3@0.01,fatal-at=1' --spool "$SCRATCH/s2" \
	--exit-after 2 --db "$db2" > w2.log 2> w2.err
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "burst: exit $rc, expected 3 (the fatal card's capture is partial): $(cat w2.err)"
[ "$(grep -c '"note":"loaded"' w2.log)" -eq 2 ] || fail "burst: $(grep -c '"note":"loaded"' w2.log) loads, expected 2"
[ "$(pg_psql "$db2" -At -c "SELECT reporter || '|' || count FROM suppressions")" = "fw_fatal|2" ] ||
	fail "burst: suppressions in PostgreSQL: $(pg_psql "$db2" -At -c "SELECT * FROM suppressions")"
[ "$(pg_psql "$db2" -At -c "SELECT count(*) || '|' || sum(first_of_incident::int) FROM triggers")" = "2|1" ] ||
	fail "burst: triggers in PostgreSQL: $(pg_psql "$db2" -At -c "SELECT * FROM triggers")"
# The same bundles loaded into SQLite list the same way.
"$FWBOX" load -q --db sq.db "$SCRATCH"/s2/fwbox-*.tar*
"$FWBOX" list --db sq.db > sq.txt
"$FWBOX" list --db "$db2" > pq.txt
cmp -s sq.txt pq.txt || { diff sq.txt pq.txt || true; fail "burst: list differs between SQLite and PostgreSQL"; }

# 3. A history that cannot be reached: the capture is still written, the
# daemon warns (without the password) and goes on.
set +e
"$FWBOX" watch -j -d 'emu:cx7,fatal-at=0.2' --spool "$SCRATCH/s3" --exit-after 1 \
	--db "host=$SCRATCH/nowhere user=fwbox dbname=x password=sekrit" > w3.log 2> w3.err
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "unreachable history: exit $rc, expected 3: $(cat w3.err)"
[ "$(bundles s3 | wc -l)" -eq 1 ] || fail "unreachable history: the capture was not written"
grep -q '"note":"warning".*cannot connect' w3.log || fail "unreachable history: no warning: $(cat w3.log)"
grep -q sekrit w3.log w3.err && fail "unreachable history: the password was printed"
grep -q '"note":"loaded"' w3.log && fail "unreachable history: a load was claimed"
echo ok
