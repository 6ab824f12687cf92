#!/bin/sh
# bench-report: `fwbox report` and `fwbox trace --format chrome` of one
# bundle holding >= 10 M firmware trace messages (the bundle
# bench-store-bundle.sh loads), against `fwbox trace BUNDLE > /dev/null`
# (decoding and rendering every message, the floor of any consumer) in the
# same run.  Figures: time, page size and peak RSS of the report; time,
# size, rate and peak RSS of the Chrome JSON.
# Env: FWBOX_BENCH_MESSAGES (default 10000000), TMPDIR.
set -e
N=${FWBOX_BENCH_MESSAGES:-10000000}
MKBUNDLE=$top_builddir/tests/mkbundle
MKTRACE=$top_builddir/tests/cli/store-mktrace
make -s -C "$top_builddir" tests/mkbundle tests/cli/store-mktrace >/dev/null 2>&1 ||
	{ echo "bench-report: tests/mkbundle cannot be built, skipping"; exit 0; }
[ -x /usr/bin/time ] || { echo "bench-report: no /usr/bin/time, skipping"; exit 0; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/fwbox-bench-report-XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"

"$MKTRACE" . "$N" 1
"$MKBUNDLE" -o big.tar.zst trace.cap=cap.bin trace.strings.0=strings.bin trace.ring=ring.bin >/dev/null
rm -f ring.bin
now() { date +%s.%N; }

t0=$(now)
/usr/bin/time -f '%M %U %S' -o base.txt "$FWBOX" trace big.tar.zst >/dev/null
t1=$(now)
/usr/bin/time -f '%M %U %S' -o rep.txt "$FWBOX" report -q -o big.html big.tar.zst
t2=$(now)
/usr/bin/time -f '%M %U %S' -o chr.txt "$FWBOX" trace --format chrome big.tar.zst >big.json
t3=$(now)
grep -q "\"events\":$N," big.json || { echo "bench-report: the Chrome JSON does not hold $N events" >&2; exit 1; }
grep -q "$(printf "%'d" "$N" 2>/dev/null || echo "$N") messages" big.html ||
	grep -q "messages" big.html || { echo "bench-report: the page has no trace" >&2; exit 1; }

# The fleet view over a history of FLEET captures of 40 cards (tiny
# bundles: a health buffer, a trace of a few formats whose mix shifts over
# time, some failed steps), made with tests/mkbundle.
FLEET=${FWBOX_BENCH_FLEET:-400}
mkdir fleet
python3 - "$FLEET" <<'PY'
import struct, sys
n = int(sys.argv[1])
for i in range(n):
    lines = []
    for k in range(50 + i % 7):
        lines.append("0000:08:00.0 [0x%x] 0 [0x10] port %d: link %s" % (1000 * i + k, k % 2, "down" if k < i * 50 // n else "up"))
    open("fleet/t%d.txt" % i, "w").write("\n".join(lines) + "\n")
hb = bytearray(64)
open("fleet/hb-ok.bin", "wb").write(hb)
hb[0x3d] = 1
open("fleet/hb-fatal.bin", "wb").write(hb)
PY
i=0
while [ "$i" -lt "$FLEET" ]; do
	card=$((i % 40))
	fail=""
	[ $((i % 5)) -eq 0 ] && fail="reg.MGIR=/dev/null:failed:timed-out"
	hb=fleet/hb-ok.bin
	[ $((i % 37)) -eq 0 ] && hb=fleet/hb-fatal.bin
	"$MKBUNDLE" -o fleet/b$i.tar.zst --serial "MT2231X$(printf %05d $card)" \
		--fw "28.39.$((1000 + i * 4 / FLEET))" --time $((1700000000000000000 + i * 3600000000000)) \
		trace.text=fleet/t$i.txt health.buffer=$hb $fail >/dev/null
	i=$((i + 1))
done
"$FWBOX" load -q --db fleet.db fleet/*.tar.zst
t4=$(now)
/usr/bin/time -f '%M %U %S' -o flt.txt "$FWBOX" report -q --db fleet.db -o fleet.html
t5=$(now)

awk -v fl="$FLEET" -v ft="$t4 $t5" -v fr="$(cat flt.txt)" -v fs="$(stat -c %s fleet.html)" 'BEGIN {
	split(ft, a, " "); split(fr, R, " ");
	printf "figure: fleet-captures %d captures\n", fl;
	printf "figure: fleet-report-seconds %.2f s\n", a[2] - a[1];
	printf "figure: fleet-page-bytes %d bytes\n", fs;
	printf "figure: fleet-report-peak-rss %.1f MiB\n", R[1] / 1024;
}'
awk -v n="$N" -v t="$t0 $t1 $t2 $t3" -v b="$(cat base.txt)" -v r="$(cat rep.txt)" \
	-v c="$(cat chr.txt)" -v hs="$(stat -c %s big.html)" -v js="$(stat -c %s big.json)" \
	-v bs="$(stat -c %s big.tar.zst)" 'BEGIN {
	split(t, a, " "); split(b, B, " "); split(r, R, " "); split(c, C, " ");
	tb = a[2] - a[1]; tr = a[3] - a[2]; tc = a[4] - a[3];
	printf "figure: report-bundle-events %d events\n", n;
	printf "figure: report-bundle-file-bytes %d bytes\n", bs;
	printf "figure: report-seconds %.2f s\n", tr;
	printf "figure: report-cpu-seconds %.2f s\n", R[2] + R[3];
	printf "figure: report-page-bytes %d bytes\n", hs;
	printf "figure: report-page-bytes-per-event %.4f bytes\n", hs / n;
	printf "figure: report-peak-rss %.1f MiB\n", R[1] / 1024;
	printf "figure: report-rate %.0f events/s\n", n / tr;
	printf "figure: trace-text-baseline-seconds %.2f s\n", tb;
	printf "figure: report-vs-trace-text %.2f x\n", tr / tb;
	printf "figure: chrome-seconds %.2f s\n", tc;
	printf "figure: chrome-rate %.0f events/s\n", n / tc;
	printf "figure: chrome-bytes-per-event %.1f bytes\n", js / n;
	printf "figure: chrome-peak-rss %.1f MiB\n", C[1] / 1024;
	printf "figure: chrome-vs-trace-text %.2f x\n", tc / tb;
	printf "figure: trace-text-peak-rss %.1f MiB\n", B[1] / 1024;
}'
