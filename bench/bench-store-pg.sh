#!/bin/sh
# bench-store-pg: the PostgreSQL history on a throwaway PostgreSQL 15
# cluster (tests/cli/pg-lib.sh: Unix socket only, fsync off for both sides
# alike), all baselines measured in the same run:
#  - `fwbox load` of one bundle of N trace messages into PostgreSQL, against
#    `psql \copy` of the same trace_ev rows as CSV into the same (empty,
#    identically indexed, partitioned) table of a second database, and
#    against fwbox's own SQLite load of the bundle;
#  - four concurrent loaders of four different bundles of N/4 messages:
#    aggregate events/s against one loader of one of them;
#  - the device + time-window query (named query trace-window, a window of
#    about 1000 events of one card) on the whole table: median of 21 runs,
#    end to end (process start, connection, query, output) and the
#    server's execution time (EXPLAIN ANALYZE); bytes per event on disk.
# Env: FWBOX_BENCH_PG_MESSAGES (default 10000000), TMPDIR.
set -e
N=${FWBOX_BENCH_PG_MESSAGES:-10000000}
MKBUNDLE=$top_builddir/tests/mkbundle
MKTRACE=$top_builddir/tests/cli/store-mktrace
make -s -C "$top_builddir" tests/mkbundle tests/cli/store-mktrace >/dev/null 2>&1 ||
	{ echo "bench-store-pg: tests/mkbundle cannot be built yet, skipping"; exit 0; }
fail() { echo "bench-store-pg: $*" >&2; exit 1; }
. "$top_srcdir/tests/cli/pg-lib.sh"
pg_available || { echo "bench-store-pg: no PostgreSQL 15 server, skipping"; exit 0; }
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/fwbox-bench-pg-XXXXXX")
pg_start
cd "$SCRATCH"
now() { date +%s.%N; }
el() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

"$MKTRACE" . "$N" 1
"$MKBUNDLE" -o big.tar --compress none --uuid $(printf 'a%031d' 1) --serial BIG \
	trace.cap=cap.bin trace.strings.0=strings.bin trace.ring=ring.bin >/dev/null
Q=$((N / 4))
"$MKTRACE" . "$Q" 2
for i in 1 2 3 4; do
	"$MKBUNDLE" -o q$i.tar --compress none --uuid $(printf 'c%031d' $i) --serial Q$i \
		trace.cap=cap.bin trace.strings.0=strings.bin trace.ring=ring.bin >/dev/null
done
rm -f ring.bin

# --- one bundle: fwbox into PostgreSQL, psql \copy baseline, SQLite.
main=$(pg_createdb main)
t0=$(now)
"$FWBOX" load -q --db "$main" big.tar
t1=$(now)
ev=$(pg_psql "$main" -At -c "SELECT count(*) FROM trace_ev")
[ "$ev" -ge "$N" ] || fail "loaded $ev events, expected $N"
pg_psql "$main" -c "\\copy (SELECT * FROM trace_ev) TO '$SCRATCH/rows.csv' WITH (FORMAT csv)"
base=$(pg_createdb base)
# The same schema, and the bundle's month partition, made empty.
"$FWBOX" load -q --db "$base" q1.tar
pg_psql "$base" -c "DELETE FROM trace_ev" >/dev/null
pg_psql "$main" -At -c "SELECT DISTINCT created_ns FROM trace_ev" > ns.txt
pg_psql "$base" -c "SELECT fwbox_trace_partition($(cat ns.txt))" >/dev/null
t2=$(now)
pg_psql "$base" -c "\\copy trace_ev FROM '$SCRATCH/rows.csv' WITH (FORMAT csv)"
t3=$(now)
[ "$(pg_psql "$base" -At -c "SELECT count(*) FROM trace_ev")" = "$ev" ] || fail "\\copy rows"
t4=$(now)
"$FWBOX" load -q --db "$SCRATCH/h.db" big.tar
t5=$(now)

# --- four loaders at once against one.
one=$(pg_createdb one)
four=$(pg_createdb four)
"$FWBOX" load -q --db "$one" q4.tar     # schema and partition in place first
"$FWBOX" load -q --db "$four" q4.tar
pg_psql "$one" -c "DELETE FROM bundles" >/dev/null
pg_psql "$four" -c "DELETE FROM bundles" -c "DELETE FROM trace_ev" >/dev/null
pg_psql "$one" -c "DELETE FROM trace_ev" >/dev/null
t6=$(now)
"$FWBOX" load -q --db "$one" q1.tar
t7=$(now)
pids=
for i in 1 2 3 4; do
	"$FWBOX" load -q --db "$four" q$i.tar &
	pids="$pids $!"
done
for p in $pids; do wait "$p" || fail "a concurrent loader failed"; done
t8=$(now)
[ "$(pg_psql "$four" -At -c "SELECT count(*) FROM trace_ev")" = $((4 * Q)) ] || fail "four loaders' rows"

# --- device + time-window query on the whole main table (the big bundle
# plus the four others, five cards).
for i in 1 2 3 4; do "$FWBOX" load -q --db "$main" q$i.tar; done
total=$(pg_psql "$main" -At -c "SELECT count(*) FROM trace_ev")
pg_psql "$main" -c "VACUUM ANALYZE" >/dev/null
dev=$(pg_psql "$main" -At -c "SELECT device FROM bundles WHERE uuid LIKE 'a%'")
# A window of ~1000 events in the middle of the big bundle.
set -- $(pg_psql "$main" -At -F ' ' -c "SELECT ts FROM trace_ev e JOIN bundles b ON b.id = e.bundle
	WHERE b.uuid LIKE 'a%' AND e.seq IN ($((N / 2)), $((N / 2 + 999))) ORDER BY e.seq" | tr '\n' ' ')
from=$1 to=$2
rows=$("$FWBOX" query --db "$main" -f csv trace-window "$dev" "$from" "$to" | tail -n +2 | wc -l)
[ "$rows" -ge 1000 ] || fail "the window holds $rows rows"
: > qt.txt
: > et.txt
for i in $(seq 1 21); do
	a=$(now)
	"$FWBOX" query --db "$main" -f csv trace-window "$dev" "$from" "$to" > /dev/null
	b=$(now)
	el "$a" "$b" >> qt.txt
	echo >> qt.txt
	pg_psql "$main" -At -c "EXPLAIN (ANALYZE, FORMAT JSON) SELECT b.uuid, e.seq, e.ts,
		fwbox_printf(f.text, ARRAY[e.p0, e.p1, e.p2, e.p3, e.p4, e.p5, e.p6])
		FROM bundles b JOIN trace_ev e ON e.bundle = b.id AND e.ts BETWEEN $from AND $to
		JOIN trace_formats f ON f.id = e.fmt WHERE b.device = $dev ORDER BY b.id, e.seq" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Execution Time"])' >> et.txt
done
bytes=$(pg_psql "$main" -At -c "SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits
	WHERE inhparent = 'trace_ev'::regclass")

med() { sort -n "$1" | grep . | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
awk -v n="$ev" -v q="$Q" -v total="$total" -v rows="$rows" -v bytes="$bytes" \
	-v tl="$(el "$t0" "$t1")" -v tc="$(el "$t2" "$t3")" -v ts="$(el "$t4" "$t5")" \
	-v t1="$(el "$t6" "$t7")" -v t4="$(el "$t7" "$t8")" \
	-v qm="$(med qt.txt)" -v em="$(med et.txt)" 'BEGIN {
	printf "figure: pg-load-events %d events\n", n;
	printf "figure: pg-load-seconds %.2f s\n", tl;
	printf "figure: pg-load-rate %.0f events/s\n", n / tl;
	printf "figure: pg-copy-csv-baseline-rate %.0f rows/s\n", n / tc;
	printf "figure: pg-load-vs-copy-csv %.2f x\n", tc / tl;
	printf "figure: sqlite-load-rate-same-bundle %.0f events/s\n", n / ts;
	printf "figure: pg-load-vs-sqlite-load %.2f x\n", ts / tl;
	printf "figure: pg-one-loader-rate %.0f events/s\n", q / t1;
	printf "figure: pg-four-loaders-aggregate-rate %.0f events/s\n", 4 * q / t4;
	printf "figure: pg-four-loaders-vs-one %.2f x\n", (4 * q / t4) / (q / t1);
	printf "figure: pg-window-query-table-events %d events\n", total;
	printf "figure: pg-window-query-rows %d rows\n", rows;
	printf "figure: pg-window-query-median-end-to-end %.1f ms\n", qm * 1000;
	printf "figure: pg-window-query-median-server %.1f ms\n", em;
	printf "figure: pg-bytes-per-event %.1f bytes\n", bytes / total;
}'
