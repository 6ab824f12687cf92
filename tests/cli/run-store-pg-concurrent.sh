#!/bin/sh
# Eight loaders x 25 bundles into one PostgreSQL database, each set
# overlapping the next loader's (the same bundle raced by two loaders),
# then 16 loaders of one bundle released at the same moment (stored once,
# fifteen "already loaded"), then loaders killed with SIGKILL in the middle of a big bundle: every
# bundle exactly once, nothing lost, never part of a bundle, and a rerun
# loads what a killed loader did not commit.
set -e
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"
MKBUNDLE=$top_builddir/tests/mkbundle
MKTRACE=$top_builddir/tests/cli/store-mktrace
[ -x "$MKBUNDLE" ] || fail "tests/mkbundle is missing: run this through make check, which builds it"
scratch
pg_start
cd "$SCRATCH"
pgdb=$(pg_createdb fleet)
q() { pg_psql "$pgdb" -At -c "$1"; }

"$MKTRACE" . 100 1
for set in 0 1 2 3 4 5 6 7; do
	mkdir set$set
	for i in $(seq 1 25); do
		n=$((set * 25 + i))
		"$MKBUNDLE" -o set$set/b$i.tar --compress none --uuid $(printf '%032d' $n) \
			--serial SN$((n % 7)) trace.cap=cap.bin trace.strings.0=strings.bin \
			trace.ring=ring.bin >/dev/null
	done
done

# The schema is made by whichever loader comes first (advisory lock).
pids=
for set in 0 1 2 3 4 5 6 7; do
	next=$(((set + 1) % 8))
	"$FWBOX" load -q --db "$pgdb" set$next/b1.tar set$next/b2.tar set$next/b3.tar set$set \
		set$next/b4.tar set$next/b5.tar > log$set 2>&1 &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || { cat log*; fail "a loader failed"; }
done
[ "$(q "SELECT count(*), count(DISTINCT uuid) FROM bundles")" = "200|200" ] ||
	fail "bundles: $(q "SELECT count(*), count(DISTINCT uuid) FROM bundles")"
[ "$(q "SELECT count(*) FROM devices")" = 7 ] || fail "devices: $(q "SELECT count(*) FROM devices")"
[ "$(q "SELECT count(*) FROM trace_ev")" = 20000 ] || fail "events: $(q "SELECT count(*) FROM trace_ev")"
[ "$(q "SELECT count(*) FROM artifacts")" = 600 ] || fail "artifacts"
[ "$(q "SELECT count(*) FROM (SELECT bundle FROM trace_ev GROUP BY bundle
	HAVING count(*) = 100 AND count(DISTINCT seq) = 100 AND max(seq) = 99) x")" = 200 ] ||
	fail "a bundle does not own exactly its 100 events"
[ "$(q "SELECT count(*) FROM trace_events")" = 20000 ] || fail "view"

# --- 16 hosts load the same bundle at the same moment.  A session of
# this script holds an exclusive lock on bundles; the 16 loaders start,
# and once all 16 wait for that lock (pg_stat_activity: the handshake),
# it is released and they race for the same UUID: one stores it, fifteen
# say "already loaded", no deadlock, no duplicate.
"$MKTRACE" . 5000 1
"$MKBUNDLE" -o same.tar --compress none --uuid $(printf 'd%031d' 16) --serial SAME \
	trace.cap=cap.bin trace.strings.0=strings.bin trace.ring=ring.bin >/dev/null
mkfifo lockctl
pg_psql "$pgdb" < lockctl > lockout 2>&1 &
lockpid=$!
exec 3> lockctl
echo "BEGIN; LOCK TABLE bundles IN ACCESS EXCLUSIVE MODE;" >&3
until [ "$(q "SELECT count(*) FROM pg_locks WHERE relation = 'bundles'::regclass
	AND mode = 'AccessExclusiveLock' AND granted")" = 1 ]; do
	kill -0 $lockpid 2>/dev/null || { cat lockout; fail "the lock session ended"; }
	sleep 0.01
done
pids=
for i in $(seq 1 16); do
	"$FWBOX" load --db "$pgdb" same.tar > same$i.log 2>&1 &
	pids="$pids $!"
done
n=0
until [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'fwbox'
	AND wait_event_type = 'Lock'")" = 16 ]; do
	n=$((n + 1))
	[ $n -lt 6000 ] || { cat same*.log; fail "the 16 loaders never all waited for the lock"; }
	sleep 0.01
done
echo "COMMIT;" >&3
exec 3>&-
wait $lockpid || { cat lockout; fail "the lock session"; }
for p in $pids; do
	wait "$p" || { cat same*.log; fail "one of the 16 loaders of one bundle failed"; }
done
[ "$(cat same*.log | grep -c '^loaded ')" = 1 ] || { cat same*.log; fail "not exactly one loader stored it"; }
[ "$(cat same*.log | grep -c '^already loaded: ')" = 15 ] ||
	{ cat same*.log; fail "not fifteen loaders said 'already loaded'"; }
[ "$(q "SELECT count(*) FROM bundles WHERE uuid LIKE 'd%'")" = 1 ] || fail "16 loaders: bundles"
[ "$(q "SELECT count(*), count(DISTINCT seq) FROM trace_ev e JOIN bundles b ON b.id = e.bundle
	WHERE b.uuid LIKE 'd%'")" = "5000|5000" ] || fail "16 loaders: events"
[ "$(q "SELECT count(*) FROM artifacts a JOIN bundles b ON b.id = a.bundle
	WHERE b.uuid LIKE 'd%'")" = 3 ] || fail "16 loaders: artifacts"

# --- kill -9 of loaders in the middle of a big bundle.
"$MKTRACE" . 200000 1
for i in 1 2 3; do
	"$MKBUNDLE" -o big$i.tar --compress none --uuid $(printf 'b%031d' $i) --serial BIG$i \
		trace.cap=cap.bin trace.strings.0=strings.bin trace.ring=ring.bin >/dev/null
done
hits=0
for i in 1 2 3; do
	"$FWBOX" load -q --db "$pgdb" big$i.tar > klog$i 2>&1 &
	pid=$!
	# Handshake: the loader's COPY is under way once its backend is in
	# COPY (pg_stat_activity); then kill it without warning.
	n=0
	until [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY trace_ev%'")" != 0 ]; do
		kill -0 $pid 2>/dev/null || break
		n=$((n + 1))
		[ $n -lt 3000 ] || fail "loader $i never reached its COPY"
		sleep 0.01
	done
	kill -9 $pid 2>/dev/null && hits=$((hits + 1)) || true
	wait $pid 2>/dev/null || true
	# The server notices the dead connection and rolls back: wait until
	# no COPY is left.
	until [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY trace_ev%'")" = 0 ]; do
		sleep 0.01
	done
	# Nothing of it, or all of it.
	got=$(q "SELECT count(*) FROM bundles WHERE uuid LIKE 'b%'")
	ev=$(q "SELECT count(*) FROM trace_ev e JOIN bundles b ON b.id = e.bundle WHERE b.uuid LIKE 'b%'")
	[ "$ev" = $((got * 200000)) ] || fail "after kill $i: $got big bundles with $ev events"
done
# At least one kill must have hit a loader in its COPY (else this tested
# nothing): the loaders' bundles are 200000 events each.
[ $hits -ge 1 ] && [ "$(q "SELECT count(*) FROM bundles WHERE uuid LIKE 'b%'")" -lt 3 ] ||
	fail "no loader was killed during its COPY"
"$FWBOX" load -q --db "$pgdb" big1.tar big2.tar big3.tar || fail "rerun after kill"
[ "$(q "SELECT count(*) FROM bundles WHERE uuid LIKE 'b%'")" = 3 ] || fail "rerun: bundles"
[ "$(q "SELECT count(*) FROM trace_ev e JOIN bundles b ON b.id = e.bundle WHERE b.uuid LIKE 'b%'")" = 600000 ] ||
	fail "rerun: events"
echo ok
