#!/bin/sh
# Dependencies point one way: run tests/check-layers.py over the include
# graph of src/ and parsers/ and the link graph of the library and fwbox
# objects, against the layer order in doc/layers.  First prove on a small
# made-up tree that the checker catches each kind of violation, so a
# checker that stopped looking cannot pass.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || { echo "python3 not installed, skipping"; exit 77; }
command -v nm >/dev/null || { echo "nm not installed, skipping"; exit 77; }
check="python3 $top_srcdir/tests/check-layers.py"
scratch

# A made-up tree: three layers, one upward include, one circle of calls
# inside a layer, a forbidden header and an excepted edge.
t=$SCRATCH/tree
mkdir -p "$t/src/low" "$t/src/mid" "$t/src/top" "$t/parsers"
cat > "$t/layers" <<'L'
0 low src/low/*
1 mid src/mid/*
1 peer parsers/*
2 top src/top/*
only top <stdio.h>
L
printf '#include "mid/m.h"\n' > "$t/src/low/l.h"
printf '#include <stdio.h>\n' > "$t/src/mid/m.h"
printf '#include "mid/m.h"\n#include "mid/n.h"\nint a(void) { return b(); }\n' > "$t/src/mid/a.c"
printf '#include "mid/m.h"\n#include "low/l.h"\nint b(void);\n' > "$t/src/mid/n.h"
printf '#include "../parsers/p.h"\n' > "$t/src/mid/q.h"
: > "$t/parsers/p.h"
printf '#include "low/l.h"\n' > "$t/src/top/t.c"
printf 'src/mid/m.h -> src/mid/none.h\n' > "$t/exceptions"
set +e
$check --srcdir "$t" --layers "$t/layers" --exceptions "$t/exceptions" > "$SCRATCH/out" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] || { cat "$SCRATCH/out"; fail "the made-up tree passed (exit $rc)"; }
for want in \
	'upward: src/low/l.h (low) -> src/mid/m.h (mid)' \
	'between peers: src/mid/q.h (mid) -> parsers/p.h (peer)' \
	'src/mid/m.h:1 includes <stdio.h>, which only top may use' \
	"'src/mid/m.h -> src/mid/none.h' no longer exists" \
	'circle between layers low, mid'; do
	grep -qF "$want" "$SCRATCH/out" || { cat "$SCRATCH/out"; fail "checker missed: $want"; }
done
# A circle of calls between two files needs objects: build two.
if command -v cc >/dev/null; then
	printf 'int f2(void);\nint f1(void) { return f2(); }\n' > "$t/src/mid/c1.c"
	printf 'int f1(void);\nint f2(void) { return f1(); }\n' > "$t/src/mid/c2.c"
	(cd "$t" && cc -c -o src/mid/c1.o src/mid/c1.c && cc -c -o src/mid/c2.o src/mid/c2.c)
	set +e
	$check --srcdir "$t" --builddir "$t" --layers "$t/layers" src/mid/c1.o src/mid/c2.o \
		> "$SCRATCH/out" 2>&1
	set -e
	grep -qF 'circle between files src/mid/c1.c, src/mid/c2.c' "$SCRATCH/out" ||
		{ cat "$SCRATCH/out"; fail "checker missed a circle of calls"; }
fi

# The real tree.
[ -n "$FW_LAYER_OBJECTS" ] || fail "FW_LAYER_OBJECTS is not set (run through make check)"
# shellcheck disable=SC2086
$check --srcdir "$top_srcdir" --builddir "$top_builddir" \
	--layers "$top_srcdir/doc/layers" --exceptions "$top_srcdir/doc/layers-exceptions" \
	$FW_LAYER_OBJECTS
