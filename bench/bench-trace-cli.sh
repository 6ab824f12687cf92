#!/bin/sh
# bench-trace-cli: `fwbox trace BUNDLE >/dev/null` (open, verify every
# member's SHA-256 while streaming, decompress, decode the ring, render
# each message as a text line, write) against `zstd -dc BUNDLE >/dev/null`
# (decompression alone) of the same bundle, in one run: the ratio of their
# CPU times is the cost of fwbox over reading the bytes at all.  Best of
# three runs each, CPU time (user + system, GNU time), the machine being
# shared.  Also the decoded messages per CPU second, and the JSON output's.
# And the cost of the separate first pass `fwbox load` makes today to hash
# the whole bundle file (its bundles.sha256) before streaming it: the CPU
# time of that pass (sha256sum of the same file, the same algorithm over
# the same bytes) against the whole load's, the share a load would save by
# hashing while it streams.
# Env: FWBOX_BENCH_MESSAGES (default 5000000), TMPDIR.
set -e
N=${FWBOX_BENCH_MESSAGES:-5000000}
MKBUNDLE=$top_builddir/tests/mkbundle
MKTRACE=$top_builddir/tests/cli/store-mktrace
make -s -C "$top_builddir" tests/mkbundle tests/cli/store-mktrace >/dev/null 2>&1 ||
	{ echo "bench-trace-cli: tests/mkbundle cannot be built yet, skipping"; exit 0; }
command -v zstd >/dev/null || { echo "bench-trace-cli: no zstd tool, skipping"; exit 0; }
[ -x /usr/bin/time ] || { echo "bench-trace-cli: no /usr/bin/time, skipping"; exit 0; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/fwbox-bench-trace-cli-XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"

"$MKTRACE" . "$N" 1
"$MKBUNDLE" -o big.tar.zst trace.cap=cap.bin trace.strings.0=strings.bin trace.ring=ring.bin >/dev/null
rm -f ring.bin
msgs=$("$FWBOX" trace big.tar.zst | wc -l)
[ "$msgs" -ge "$N" ] || { echo "bench-trace-cli: $msgs messages, expected $N" >&2; exit 1; }

# best CMD...: the least CPU seconds (user + system) of three runs.
best() {
	b=
	for i in 1 2 3; do
		/usr/bin/time -f '%U %S' -o cpu.txt "$@" >/dev/null
		t=$(awk '{ print $1 + $2 }' cpu.txt)
		b=$(awk -v a="$b" -v t="$t" 'BEGIN { print (a == "" || t < a) ? t : a }')
	done
	echo "$b"
}
tz=$(best zstd -q -dc big.tar.zst)
tt=$(best "$FWBOX" trace big.tar.zst)
tj=$(best "$FWBOX" trace -j big.tar.zst)
th=$(best sha256sum big.tar.zst)
/usr/bin/time -f '%U %S' -o cpu.txt "$FWBOX" load -q --db h.db big.tar.zst
tl=$(awk '{ print $1 + $2 }' cpu.txt)
awk -v n="$msgs" -v tz="$tz" -v tt="$tt" -v tj="$tj" -v th="$th" -v tl="$tl" -v bsz="$(stat -c %s big.tar.zst)" 'BEGIN {
	if (tz < 0.01) tz = 0.01;
	printf "figure: trace_cli_messages %d messages\n", n;
	printf "figure: trace_cli_bundle_bytes %d bytes\n", bsz;
	printf "figure: trace_cli_zstd_cpu_s %.2f s\n", tz;
	printf "figure: trace_cli_text_cpu_s %.2f s\n", tt;
	printf "figure: trace_cli_text_per_cpu_s %.0f messages/s\n", n / tt;
	printf "figure: trace_cli_text_vs_zstd %.2f x (target <= 3)\n", tt / tz;
	printf "figure: trace_cli_json_per_cpu_s %.0f messages/s\n", n / tj;
	printf "figure: trace_cli_json_vs_zstd %.2f x\n", tj / tz;
	printf "figure: load_cpu_s %.2f s\n", tl;
	printf "figure: load_file_hash_pass_cpu_s %.2f s\n", th;
	printf "figure: load_file_hash_pass_share %.1f %%\n", 100 * th / tl;
}'
