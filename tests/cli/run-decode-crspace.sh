#!/bin/sh
# fwbox crspace: words of a flat image, and mstregdump's exact format.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE="$top_builddir/tests/mkbundle"
[ -x "$MKBUNDLE" ] || fail "tests/mkbundle is missing: run this through make check, which builds it"
scratch
fx="$top_srcdir/tests/fixtures/decode"
"$MKBUNDLE" -o "$SCRATCH/b.tar.zst" crspace="$fx/crspace" >/dev/null

"$FWBOX" crspace "$SCRATCH/b.tar.zst" --mstdump > "$SCRATCH/out"
cmp "$SCRATCH/out" "$fx/crspace.mstdump.expected" || fail "mstdump output differs"
"$FWBOX" crspace "$SCRATCH/b.tar.zst" > "$SCRATCH/out2"
grep -qx 'crspace 0x0000003c 0xc0de000f' "$SCRATCH/out2" || fail "default format"
"$MKBUNDLE" -o "$SCRATCH/empty.tar.zst" reg.MGIR="$fx/reg.MGIR" >/dev/null
expect_exit 4 "$FWBOX" crspace "$SCRATCH/empty.tar.zst"   # nothing to show
"$FWBOX" crspace "$SCRATCH/empty.tar.zst" 2>&1 | grep -q "^fwbox crspace: no CR-space image in '" ||
	fail "no message for a bundle without CR-space"
echo ok
