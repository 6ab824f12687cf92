#!/bin/sh
# fwbox prune --before DATE [--device ID] on both back-ends: the captures
# before the date go with all their rows, the others stay whole; on
# PostgreSQL the months wholly before the date are dropped as partitions.
# The PostgreSQL half runs on a throwaway cluster (skipped only when the
# server is not installed).
set -e
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"
MKBUNDLE=$top_builddir/tests/mkbundle
MKTRACE=$top_builddir/tests/cli/store-mktrace
[ -x "$MKBUNDLE" ] || fail "tests/mkbundle is missing: run this through make check, which builds it"
command -v sqlite3 >/dev/null || fail "no sqlite3 tool (package sqlite3)"
scratch
cd "$SCRATCH"
"$MKTRACE" . 50 1
# Creation times: 2026-01-15, 2026-02-15, 2026-03-15 (UTC), cards SN0/SN1.
T1=1768435200000000000 T2=1771113600000000000 T3=1773532800000000000
i=0
for t in $T1 $T2 $T3; do
	for sn in 0 1; do
		i=$((i + 1))
		"$MKBUNDLE" -o b$i.tar --compress none --uuid $(printf '%032d' $i) --serial SN$sn \
			--time $t trace.cap=cap.bin trace.strings.0=strings.bin trace.ring=ring.bin \
			reg.MGIR="$top_srcdir/tests/fixtures/decode/reg.MGIR" >/dev/null
	done
done

# check DB COUNTFN: the common script over one back-end; COUNTFN SQL prints
# one value.
check() {
	db=$1 count=$2
	"$FWBOX" load -q --db "$db" b1.tar b2.tar b3.tar b4.tar b5.tar b6.tar
	[ "$($count "SELECT count(*) FROM bundles")" = 6 ] || fail "$db: load"
	expect_exit 2 "$FWBOX" prune --db "$db"
	expect_exit 2 "$FWBOX" prune --db "$db" --before notadate
	expect_exit 1 "$FWBOX" prune --db "$db" --before 2026-02-01 --device NOSUCH
	# One card's January capture.
	out=$("$FWBOX" prune --db "$db" --json --before 2026-02-01 --device SN1)
	[ "$out" = '{"pruned":1}' ] || fail "$db: prune --device said '$out'"
	[ "$($count "SELECT count(*) FROM bundles")" = 5 ] || fail "$db: --device pruned wrongly"
	[ "$($count "SELECT count(*) FROM bundles WHERE uuid = '00000000-0000-0000-0000-000000000002'")" = 0 ] ||
		fail "$db: the SN1 January capture is still there"
	# Everything before March 1st: the rest of January and February.
	"$FWBOX" prune --db "$db" --before 2026-03-01 > out
	grep -q "pruned 3 captures" out || fail "$db: prune said $(cat out)"
	[ "$($count "SELECT count(*) FROM bundles")" = 2 ] || fail "$db: bundles left"
	[ "$($count "SELECT count(*) FROM trace_events")" = 100 ] || fail "$db: events left: $($count "SELECT count(*) FROM trace_events")"
	for t in artifacts register_fields trace_bundle_formats; do
		[ "$($count "SELECT count(*) FROM $t WHERE bundle NOT IN (SELECT id FROM bundles)")" = 0 ] ||
			fail "$db: rows of pruned captures left in $t"
		[ "$($count "SELECT count(*) FROM $t")" != 0 ] || fail "$db: the kept captures lost their $t"
	done
	# The March captures are whole: the same query answers as before.
	"$FWBOX" query --db "$db" --json trace-count > tc
	[ "$(grep -c '"trace_events":50' tc)" = 2 ] || fail "$db: trace-count after prune: $(cat tc)"
	# Nothing before: nothing to do.
	out=$("$FWBOX" prune --db "$db" --json --before 2020-01-01)
	[ "$out" = '{"pruned":0}' ] || fail "$db: empty prune said '$out'"
}

sq() { sqlite3 h.db "$1"; }
check "$SCRATCH/h.db" sq
[ "$(sqlite3 h.db "SELECT count(*) FROM trace_ev")" = 100 ] || fail "sqlite: raw events left"
[ "$(sqlite3 h.db "PRAGMA integrity_check")" = ok ] || fail "sqlite: integrity"

if ! pg_available; then
	echo "PostgreSQL 15 server not installed: the PostgreSQL half is skipped"
	exit 77
fi
pg_start
pgdb=$(pg_createdb prune)
pq() { pg_psql "$pgdb" -At -c "$1"; }
check "$pgdb" pq
# January and February were dropped as partitions; March stays.
parts=$(pq "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_inherits i
	JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'trace_ev'::regclass")
[ "$parts" = trace_ev_202603 ] || fail "pg: partitions after prune: '$parts'"
echo ok
