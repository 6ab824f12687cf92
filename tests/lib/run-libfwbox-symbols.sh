#!/bin/sh
# libfwbox.so exports the fwbox_* functions of <libfwbox.h>, each in the
# LIBFWBOX_1 version node, and nothing else: the header, the version script
# and the dynamic symbol table name the same set.
set -e
. "$top_srcdir/tests/cli/lib.sh"
so="$top_builddir/src/.libs/libfwbox.so"
[ -f "$so" ] || fail "$so is missing: run this through make check, which builds it"
scratch
# Defined dynamic symbols, the version node itself aside (nm shows it as an
# absolute symbol of that name).
nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sort > "$SCRATCH/exported"
[ -s "$SCRATCH/exported" ] || fail "libfwbox.so exports nothing"
if grep -v '^fwbox_[a-z0-9_]*@@LIBFWBOX_1$' "$SCRATCH/exported" > "$SCRATCH/stray"; then
	cat "$SCRATCH/stray" >&2
	fail "libfwbox.so exports symbols outside fwbox_*@@LIBFWBOX_1 (above)"
fi
nm -D --defined-only "$so" | awk '$2 == "A" { print $3 }' | grep -qxE 'LIBFWBOX_1(@@LIBFWBOX_1)?' ||
	fail "no LIBFWBOX_1 version node"
sed 's/@@.*//' "$SCRATCH/exported" > "$SCRATCH/names"
# Every function the header declares, and every name the script lists.
sed -n 's/^[^#/ ].*[ *]\(fwbox_[a-z0-9_]*\)(.*/\1/p' "$top_srcdir/src/lib/libfwbox.h" | sort -u > "$SCRATCH/header"
sed -n 's/^[[:space:]]*\(fwbox_[a-z0-9_]*\);$/\1/p' "$top_srcdir/src/lib/libfwbox.sym" | sort -u > "$SCRATCH/script"
diff -u "$SCRATCH/header" "$SCRATCH/names" || fail "the header and the exported symbols differ"
diff -u "$SCRATCH/script" "$SCRATCH/names" || fail "libfwbox.sym and the exported symbols differ"
echo "libfwbox.so exports $(wc -l < "$SCRATCH/names") symbols, all fwbox_*"
