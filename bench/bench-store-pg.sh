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
#    about 1000 events of one card) on a table of T events (the bundles
#    above, 2N loaded by fwbox, and T - 2N more made from them, below):
#    median of 21 runs of `fwbox query`, end to end (process start,
#    connection, query, output) and on the server (the parse, bind and
#    execute of the query as the server logs them: wall time, and CPU time
#    from log_statement_stats, which the machine's load does not stretch);
#    the baseline is the query fwbox ran before schema version 3 (messages
#    rendered by fwbox_printf(), no clock bounds) on the same window; bytes
#    per event on disk.
# The T - 2N events are not loaded one bundle at a time (that would take an
# hour here): each extra bundle is a copy of a slice of N/10 events of the
# big bundle (its formats, parameters and timestamps as loaded, renumbered
# from 0), INSERT ... SELECTed into trace_ev with its bundles row and its
# trace_bundle_formats rows, so the rows, the month partitions (made by
# fwbox_trace_partition() as the loader does) and the (bundle, ts) index
# (kept up by every insert, as during a load) are what loads make.  The
# extra bundles belong to 16 more cards and to the queried card, captured
# over the five months before the loaded ones (five more partitions); their
# timestamps follow the big bundle's, outside the window.
# Env: FWBOX_BENCH_PG_MESSAGES (N, default 10000000), FWBOX_BENCH_PG_TABLE
# (T, default 100000000), TMPDIR.
set -e
N=${FWBOX_BENCH_PG_MESSAGES:-10000000}
T=${FWBOX_BENCH_PG_TABLE:-100000000}
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
load0=$(cut -d' ' -f1 /proc/loadavg)
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

# --- device + time-window query on the whole main table (the big bundle,
# the four others, and the copies up to T events).
for i in 1 2 3 4; do "$FWBOX" load -q --db "$main" q$i.tar; done
big=$(pg_psql "$main" -At -c "SELECT id FROM bundles WHERE uuid LIKE 'a%'")
dev=$(pg_psql "$main" -At -c "SELECT device FROM bundles WHERE id = $big")
have=$(pg_psql "$main" -At -c "SELECT count(*) FROM trace_ev")
per=$((N / 10))
extra=$(((T - have) / per))
[ "$extra" -ge 0 ] || extra=0
if [ "$extra" -gt 0 ]; then
	# The big bundle's slices of per events, by timestamp range.
	pg_psql "$main" -c "CREATE TABLE bench_slice AS SELECT seq / $per AS slice,
		min(ts) AS lo, max(ts) AS hi, min(seq) AS first FROM trace_ev
		WHERE bundle = $big GROUP BY 1 HAVING count(*) = $per" >/dev/null
	nslice=$(pg_psql "$main" -At -c "SELECT count(*) FROM bench_slice")
	span=$(pg_psql "$main" -At -c "SELECT max(ts) - min(ts) + 1 FROM trace_ev WHERE bundle = $big")
	ns0=$(pg_psql "$main" -At -c "SELECT created_ns FROM bundles WHERE id = $big")
	pg_psql "$main" -c "INSERT INTO devices(identity, serial, psid, board_id, pci, host, vendor_id,
		device_id, subsys_vendor_id, subsys_device_id, model)
		SELECT 'sn:' || d.psid || ':BENCH' || i, 'BENCH' || i, d.psid, d.board_id, d.pci,
		'bench-host-' || i, d.vendor_id, d.device_id, d.subsys_vendor_id, d.subsys_device_id,
		d.model FROM devices d, generate_series(1, 16) i WHERE d.id = $dev" >/dev/null
	i=0
	while [ $i -lt "$extra" ]; do
		# One capture in five is of the queried card; the others go
		# round the 16 cards.  Times: 1 to 5 months back, an hour apart.
		if [ $((i % 5)) -eq 0 ]; then
			card=$dev
		else
			card="(SELECT id FROM devices WHERE serial = 'BENCH$((i % 16 + 1))')"
		fi
		ns=$((ns0 - (i % 5 + 1) * 30 * 86400 * 1000000000 - i * 3600 * 1000000000))
		sl=$((i % nslice))
		pg_psql "$main" -c "SELECT fwbox_trace_partition($ns)" >/dev/null
		pg_psql "$main" -c "WITH nb AS (INSERT INTO bundles(uuid, sha256, created, created_ns,
			host, reason, cmdline, fwbox_version, format_version, outcome, device, fw_version,
			kernel, driver, file, file_size, loaded, ev_first, ev_last)
			SELECT 'e' || lpad('$i', 7, '0') || substr(uuid, 9), md5('$i') || md5(sha256),
			to_char(to_timestamp($ns / 1e9) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),
			$ns, host, reason, cmdline, fwbox_version, format_version, outcome, $card,
			fw_version, kernel, driver, file, file_size, loaded, 0, $per - 1
			FROM bundles WHERE id = $big RETURNING id),
		s AS (SELECT * FROM bench_slice WHERE slice = $sl),
		ev AS (INSERT INTO trace_ev SELECT $ns, nb.id, e.seq - s.first,
			e.ts - s.lo + ${span}::bigint * ($i + 1), e.fmt, e.meta, e.p0, e.p1, e.p2, e.p3, e.p4,
			e.p5, e.p6 FROM nb, s, trace_ev e
			WHERE e.bundle = $big AND e.ts BETWEEN s.lo AND s.hi AND e.seq - s.first < $per)
		INSERT INTO trace_bundle_formats SELECT nb.id, e.fmt, count(*), min(e.seq) - s.first
			FROM nb, s, trace_ev e WHERE e.bundle = $big AND e.ts BETWEEN s.lo AND s.hi
			AND e.seq - s.first < $per GROUP BY nb.id, e.fmt, s.first" >/dev/null
		i=$((i + 1))
	done
	pg_psql "$main" -c "DROP TABLE bench_slice" >/dev/null
fi
total=$(pg_psql "$main" -At -c "SELECT count(*) FROM trace_ev")
# What autovacuum would have done by the time anyone queries.
pg_psql "$main" -c "ANALYZE" >/dev/null
# A window of ~1000 events in the middle of the big bundle.
set -- $(pg_psql "$main" -At -F ' ' -c "SELECT ts FROM trace_ev WHERE bundle = $big
	AND seq IN ($((N / 2)), $((N / 2 + 999))) ORDER BY seq" | tr '\n' ' ')
from=$1 to=$2
rows=$("$FWBOX" query --db "$main" -f csv trace-window "$dev" "$from" "$to" | tail -n +2 | wc -l)
[ "$rows" -ge 1000 ] || fail "the window holds $rows rows"
# The server's own account of each query: durations and CPU in its log.
pg_psql "$main" -c "ALTER DATABASE main SET log_min_duration_statement = 0" \
	-c "ALTER DATABASE main SET log_statement_stats = on" >/dev/null
mark=$(wc -l < "$PG_DIR/log")
: > qt.txt
for i in $(seq 1 21); do
	a=$(now)
	"$FWBOX" query --db "$main" -f csv trace-window "$dev" "$from" "$to" > /dev/null
	b=$(now)
	el "$a" "$b" >> qt.txt
	echo >> qt.txt
done
# Baseline: the window query as fwbox ran it before schema version 3, the
# message rendered by fwbox_printf().
base_sql="SELECT b.uuid AS bundle, b.device AS device, e.seq AS seq, e.ts AS timestamp,
	(e.meta >> 8) & 1 AS lost, e.meta & 255 AS event_id,
	CASE (e.meta >> 25) & 3 WHEN 0 THEN 'ring' WHEN 1 THEN 'text' ELSE 'saved' END AS source,
	fwbox_printf(f.text, ARRAY[e.p0, e.p1, e.p2, e.p3, e.p4, e.p5, e.p6]) AS message
	FROM bundles b JOIN trace_ev e ON e.bundle = b.id AND e.ts BETWEEN $from AND $to
	JOIN trace_formats f ON f.id = e.fmt WHERE b.device = $dev ORDER BY b.id, e.seq"
for i in $(seq 1 21); do
	"$FWBOX" query --db "$main" -f csv "$base_sql" > /dev/null
done
pg_psql "$main" -c "ALTER DATABASE main RESET log_min_duration_statement" \
	-c "ALTER DATABASE main RESET log_statement_stats" >/dev/null
tail -n +$((mark + 1)) "$PG_DIR/log" > query.log
# Per backend (one per fwbox process): the wall and CPU time of the
# parse, bind and execute of the query (prepared as fwbox_q1).
python3 - query.log > server.txt <<'PY'
import re, sys
runs, order, cur, want = {}, [], None, False
for line in open(sys.argv[1], errors='replace'):
    m = re.match(r'\S+ \S+ \S+ \[(\d+)\] (\w+):\s+(.*)', line)
    if m:
        cur, kind, text = m.group(1), m.group(2), m.group(3)
        d = re.match(r'duration: ([0-9.]+) ms\s+(parse|bind|execute) fwbox_q1\b', text)
        if kind == 'LOG' and text.startswith('duration:'):
            want = bool(d)
            if d:
                if cur not in runs:
                    runs[cur] = [0.0, 0.0]
                    order.append(cur)
                runs[cur][0] += float(d.group(1))
        continue
    u = re.search(r'([0-9.]+) s user, ([0-9.]+) s system, [0-9.]+ s elapsed', line)
    if u and want and cur in runs:
        runs[cur][1] += (float(u.group(1)) + float(u.group(2))) * 1000
        want = False
if len(order) != 42:
    sys.exit('expected 42 queries in the server log, found %d' % len(order))
for p in order:
    print('%.3f %.3f' % tuple(runs[p]))
PY
head -21 server.txt | awk '{ print $1 }' > sw.txt
head -21 server.txt | awk '{ print $2 }' > sc.txt
tail -21 server.txt | awk '{ print $1 }' > bw.txt
tail -21 server.txt | awk '{ print $2 }' > bc.txt
bytes=$(pg_psql "$main" -At -c "SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits
	WHERE inhparent = 'trace_ev'::regclass")
parts=$(pg_psql "$main" -At -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'trace_ev'::regclass")
nbundles=$(pg_psql "$main" -At -c "SELECT count(*) FROM bundles")
ncards=$(pg_psql "$main" -At -c "SELECT count(*) FROM devices")
load=$(cut -d' ' -f1 /proc/loadavg)

med() { sort -n "$1" | grep . | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
awk -v n="$ev" -v q="$Q" -v total="$total" -v rows="$rows" -v bytes="$bytes" \
	-v tl="$(el "$t0" "$t1")" -v tc="$(el "$t2" "$t3")" -v ts="$(el "$t4" "$t5")" \
	-v t1="$(el "$t6" "$t7")" -v t4="$(el "$t7" "$t8")" -v parts="$parts" \
	-v nb="$nbundles" -v nc="$ncards" -v load="$load" -v load0="$load0" \
	-v qm="$(med qt.txt)" -v sw="$(med sw.txt)" -v sc="$(med sc.txt)" \
	-v bw="$(med bw.txt)" -v bc="$(med bc.txt)" 'BEGIN {
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
	printf "figure: pg-window-query-table-bundles %d bundles\n", nb;
	printf "figure: pg-window-query-table-cards %d cards\n", nc;
	printf "figure: pg-window-query-table-partitions %d partitions\n", parts;
	printf "figure: pg-window-query-rows %d rows\n", rows;
	printf "figure: pg-window-query-median-end-to-end %.1f ms\n", qm * 1000;
	printf "figure: pg-window-query-median-server %.1f ms\n", sw;
	printf "figure: pg-window-query-median-server-cpu %.1f ms\n", sc;
	printf "figure: pg-window-query-fwbox-printf-baseline-server %.1f ms\n", bw;
	printf "figure: pg-window-query-fwbox-printf-baseline-server-cpu %.1f ms\n", bc;
	printf "figure: pg-window-query-server-vs-fwbox-printf %.1f x\n", bw / sw;
	printf "figure: pg-bytes-per-event %.1f bytes\n", bytes / total;
	printf "figure: pg-bench-load-average-at-load %.1f load\n", load0;
	printf "figure: pg-bench-load-average-at-queries %.1f load\n", load;
}'
