#!/bin/sh
# schema/embed.sh must carry every SQL file into C byte for byte: compile
# its output for a fixture holding the characters C escapes (backslash,
# double quote, tab) and for every shipped schema file, print the strings
# back and compare with the files.  A backslash once became an escape
# sequence (E'\1' turned into byte 0x01) because awk's gsub reads "\\\\"
# as one backslash in some awks.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v "${CC:-cc}" >/dev/null || { echo "no C compiler, skipping"; exit 77; }
scratch
mkdir -p "$SCRATCH/inc/store"
cat > "$SCRATCH/inc/store/store-internal.h" <<'H'
#include <stdio.h>
#include <string.h>
struct store_migration { int version; const char *name; const char *sql; };
H
printf "SELECT E'a\\\\1b\\\\\\\\', \"q\\\\\"\"\t'\\\\t' -- \\\\n\n\n  \t\n" > "$SCRATCH/001-tricky.sql"
grep -q '\\1b' "$SCRATCH/001-tricky.sql" || fail "fixture lacks its backslash"
set -- "$SCRATCH/001-tricky.sql"
for f in "$top_srcdir"/schema/[0-9]*.sql "$top_srcdir"/schema/pg/[0-9]*.sql; do
	set -- "$@" "$f"
done
sh "$top_srcdir/schema/embed.sh" --name m "$@" > "$SCRATCH/m.c"
cat > "$SCRATCH/main.c" <<'C'
#include "store/store-internal.h"
extern const struct store_migration m[];
extern const size_t m_count;
int main(int argc, char **argv)
{
	size_t i;

	for (i = 0; i < m_count && (int)i + 1 < argc; i++) {
		FILE *f = fopen(argv[i + 1], "wb");

		if (!f || fwrite(m[i].sql, 1, strlen(m[i].sql), f) != strlen(m[i].sql) || fclose(f))
			return 1;
	}
	return i == (size_t)argc - 1 ? 0 : 2;
}
C
"${CC:-cc}" -I"$SCRATCH/inc" -o "$SCRATCH/m" "$SCRATCH/main.c" "$SCRATCH/m.c" ||
	fail "embed.sh output does not compile"
outs= n=0
for f in "$@"; do
	n=$((n + 1))
	outs="$outs $SCRATCH/out.$n"
done
"$SCRATCH/m" $outs || fail "the embedded array does not hold $# migrations"
n=0
for f in "$@"; do
	n=$((n + 1))
	cmp "$f" "$SCRATCH/out.$n" || fail "embed.sh changed $(basename "$f")"
done
echo "ok: $# SQL files embedded byte for byte"
