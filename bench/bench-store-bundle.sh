#!/bin/sh
# bench-store-bundle: `fwbox load` of one real bundle holding >= 10 M
# firmware trace messages (ring blocks decoded while streaming), against
# `sqlite3 .import` of the same rows (the trace_events columns, message
# rendered) as CSV into a table of those columns, in one run.  Also the
# loader's peak RSS (GNU time) and the database bytes per event.
# Env: FWBOX_BENCH_MESSAGES (default 10000000), TMPDIR.
set -e
N=${FWBOX_BENCH_MESSAGES:-10000000}
MKBUNDLE=$top_builddir/tests/mkbundle
MKTRACE=$top_builddir/tests/cli/store-mktrace
make -s -C "$top_builddir" tests/mkbundle tests/cli/store-mktrace >/dev/null 2>&1 ||
	{ echo "bench-store-bundle: tests/mkbundle cannot be built yet, skipping"; exit 0; }
command -v sqlite3 >/dev/null || { echo "bench-store-bundle: no sqlite3 tool, skipping"; exit 0; }
[ -x /usr/bin/time ] || { echo "bench-store-bundle: no /usr/bin/time, skipping"; exit 0; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/fwbox-bench-bundle-XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"

"$MKTRACE" . "$N" 1
"$MKBUNDLE" -o big.tar.zst trace.cap=cap.bin trace.strings.0=strings.bin trace.ring=ring.bin >/dev/null
rm -f ring.bin
now() { date +%s.%N; }

t0=$(now)
/usr/bin/time -f '%M %U %S' -o rss.txt "$FWBOX" load -q --db h.db big.tar.zst
t1=$(now)
events=$(sqlite3 h.db "SELECT ev_last - ev_first + 1 FROM bundles")
[ "$events" -ge "$N" ] || { echo "bench-store-bundle: loaded $events events, expected $N" >&2; exit 1; }

"$FWBOX" query --db h.db --format csv \
	"SELECT bundle, device, timestamp, lost, event_id, message, parameters FROM trace_events" |
	tail -n +2 > rows.csv
t2=$(now)
/usr/bin/time -f '%U %S' -o icpu.txt sqlite3 import.db "CREATE TABLE trace_events(bundle INTEGER, device INTEGER, timestamp INTEGER,
	lost INTEGER, event_id INTEGER, message TEXT, parameters TEXT)" ".mode csv" \
	".import rows.csv trace_events"
t3=$(now)
imported=$(sqlite3 import.db "SELECT count(*) FROM trace_events")
[ "$imported" = "$events" ] || { echo "bench-store-bundle: imported $imported rows" >&2; exit 1; }

awk -v n="$events" -v l="$t0 $t1" -v i="$t2 $t3" -v rss="$(cat rss.txt)" -v icpu="$(cat icpu.txt)" \
	-v db="$(stat -c %s h.db)" -v idb="$(stat -c %s import.db)" -v bsz="$(stat -c %s big.tar.zst)" 'BEGIN {
	split(l, a, " "); split(i, b, " "); split(rss, r, " "); split(icpu, c, " ");
	tl = a[2] - a[1]; ti = b[2] - b[1];
	cl = r[2] + r[3]; ci = c[1] + c[2];
	printf "figure: bundle-load-events %d events\n", n;
	printf "figure: bundle-file-bytes %d bytes\n", bsz;
	printf "figure: bundle-load-seconds %.2f s\n", tl;
	printf "figure: bundle-load-rate %.0f events/s\n", n / tl;
	printf "figure: bundle-import-baseline-rate %.0f rows/s\n", n / ti;
	printf "figure: bundle-load-speedup %.2f x\n", ti / tl;
	printf "figure: bundle-load-cpu-rate %.0f events/cpu-s\n", n / cl;
	printf "figure: bundle-import-baseline-cpu-rate %.0f rows/cpu-s\n", n / ci;
	printf "figure: bundle-load-cpu-speedup %.2f x\n", ci / cl;
	printf "figure: bundle-load-peak-rss %.1f MiB\n", r[1] / 1024;
	printf "figure: bundle-db-bytes-per-event %.1f bytes\n", db / n;
	printf "figure: bundle-import-db-bytes-per-event %.1f bytes\n", idb / n;
}'
