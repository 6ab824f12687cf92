#!/bin/sh
# bench-store-diff: fwbox diff of two emulator captures from the history,
# on SQLite and on PostgreSQL (a throwaway cluster, tests/cli/pg-lib.sh),
# median of 7 runs end to end (process start to exit, the captures named
# by UUID), for two pairs:
#  - near: the same card before and after a firmware update (few CR-space
#    words differ: most 4 KiB pages are skipped by the database);
#  - far: two emulated cards of different seeds (every page differs).
# Baseline in the same run: sqlite3 reading the CR-space bytes of both
# captures once (the chunk blobs), what any comparison must at least read.
# (The crspace_words view, a word per row, takes about 70 s for the same
# 461k words on the loaded 2-core test machine: no baseline to wait for.)
# Env: TMPDIR.
set -e
fail() { echo "bench-store-diff: $*" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench-store-diff: no sqlite3, skipping"; exit 0; }
. "$top_srcdir/tests/cli/pg-lib.sh"
pg_available || { echo "bench-store-diff: no PostgreSQL 15 server, skipping"; exit 0; }
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/fwbox-bench-diff-XXXXXX")
pg_start
cd "$SCRATCH"

# median_ms CMD...: the median wall time of 7 runs, in ms (exit 0 or 1).
median_ms() {
	for i in 1 2 3 4 5 6 7; do
		a=$(date +%s%N)
		"$@" >/dev/null 2>&1 || [ $? -eq 1 ] || fail "'$*' failed"
		b=$(date +%s%N)
		echo $(((b - a) / 1000))
	done | sort -n | sed -n 4p | awk '{ printf "%.1f", $1 / 1000 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

"$FWBOX" collect -q -d emu:cx7,seed=3 --trace-seconds 1 -o a.tar.zst >/dev/null 2>&1 || true
"$FWBOX" collect -q -d emu:cx7,seed=3,fw=28.40.1000 --trace-seconds 1 -o b.tar.zst >/dev/null 2>&1 || true
"$FWBOX" collect -q -d emu:cx7,seed=9 --trace-seconds 1 -o c.tar.zst >/dev/null 2>&1 || true
for f in a b c; do [ -s $f.tar.zst ] || fail "no emulator capture $f"; done
pg=$(pg_createdb diff)
"$FWBOX" load -q --db h.db a.tar.zst b.tar.zst c.tar.zst
"$FWBOX" load -q --db "$pg" a.tar.zst b.tar.zst c.tar.zst
words=$(sqlite3 h.db "SELECT sum(length(data)) / 4 FROM crspace_chunks WHERE bundle IN (1, 2)")
echo "figure: diff-crspace-words-per-pair $words words"
base=$(median_ms sqlite3 h.db "SELECT count(*), sum(length(data)) FROM crspace_chunks WHERE bundle IN (1, 2)")
echo "figure: diff-baseline-sqlite3-read-crspace $base ms"
# By UUID: the store's diff, not the hashing of the files to find them.
uuid() { "$FWBOX" show "$1" | awk '/uuid:/ {print $2}'; }
ua=$(uuid a.tar.zst)
ub=$(uuid b.tar.zst)
uc=$(uuid c.tar.zst)
for pair in near far; do
	if [ $pair = near ]; then x=$ua; y=$ub; else x=$ua; y=$uc; fi
	n=$("$FWBOX" diff --db h.db --json $x $y 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["crspace_words"]))' || true)
	"$FWBOX" diff --db h.db $x $y > sq.txt 2>/dev/null || [ $? -eq 1 ]
	"$FWBOX" diff --db "$pg" $x $y > pq.txt 2>/dev/null || [ $? -eq 1 ]
	cmp -s sq.txt pq.txt || fail "$pair: PostgreSQL's diff differs from SQLite's"
	s=$(median_ms "$FWBOX" diff --db h.db $x $y)
	p=$(median_ms "$FWBOX" diff --db "$pg" $x $y)
	echo "figure: diff-$pair-changed-words $n words"
	echo "figure: diff-$pair-sqlite $s ms"
	echo "figure: diff-$pair-pg $p ms"
	echo "figure: diff-$pair-sqlite-vs-baseline $(ratio "$s" "$base") x"
	echo "figure: diff-$pair-pg-vs-sqlite $(ratio "$p" "$s") x"
done
cd /
pg_stop
rm -rf "$SCRATCH"
