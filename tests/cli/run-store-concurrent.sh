#!/bin/sh
# Four loaders at once on one database, 25 bundles each, plus 5 bundles of
# the next loader's set each (the same bundle raced by two loaders): nothing
# lost, nothing duplicated.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE=$top_builddir/tests/mkbundle
MKTRACE=$top_builddir/tests/cli/store-mktrace
[ -x "$MKBUNDLE" ] || fail "tests/mkbundle is missing: run this through make check, which builds it"
command -v sqlite3 >/dev/null || { echo "no sqlite3 tool"; exit 77; }
scratch
cd "$SCRATCH"
db=$SCRATCH/h.db

"$MKTRACE" . 300 1
for set in 0 1 2 3; do
	mkdir set$set
	for i in $(seq 1 25); do
		n=$((set * 25 + i))
		"$MKBUNDLE" -o set$set/b$i.tar --compress none --uuid $(printf '%032d' $n) \
			--serial SN$((n % 7)) trace.cap=cap.bin trace.strings.0=strings.bin \
			trace.ring=ring.bin >/dev/null
	done
done

pids=
for set in 0 1 2 3; do
	next=$(((set + 1) % 4))
	"$FWBOX" load -q --db "$db" set$set set$next/b1.tar set$next/b2.tar set$next/b3.tar \
		set$next/b4.tar set$next/b5.tar > log$set 2>&1 &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || { cat log*; fail "a loader failed"; }
done

[ "$(sqlite3 "$db" "SELECT count(*), count(DISTINCT uuid) FROM bundles")" = "100|100" ] ||
	fail "bundles: $(sqlite3 "$db" "SELECT count(*), count(DISTINCT uuid) FROM bundles")"
[ "$(sqlite3 "$db" "SELECT count(*) FROM devices")" = 7 ] || fail "devices"
[ "$(sqlite3 "$db" "SELECT count(*) FROM trace_ev")" = 30000 ] || fail "events"
[ "$(sqlite3 "$db" "SELECT count(*) FROM artifacts")" = 300 ] || fail "artifacts"
# Every bundle owns exactly its own 300 events; ranges do not overlap.
[ "$(sqlite3 "$db" "SELECT count(*) FROM bundles WHERE ev_last - ev_first + 1 = 300")" = 100 ] ||
	fail "event ranges"
[ "$(sqlite3 "$db" "SELECT count(*) FROM bundles a JOIN bundles b ON a.id < b.id
	AND a.ev_first <= b.ev_last AND b.ev_first <= a.ev_last")" = 0 ] || fail "overlapping ranges"
[ "$(sqlite3 "$db" "SELECT count(*) FROM trace_events")" = 30000 ] || fail "view"
[ "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok ] || fail "integrity"
echo ok
