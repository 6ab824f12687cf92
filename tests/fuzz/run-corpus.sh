#!/bin/sh
# Replay every fuzz target's corpus (tests/fuzz/corpus/<target>/) through its
# plain-main build.  A target without a corpus folder fails: a fuzz target
# must ship at least its seeds.
set -e
status=0
n=0
for t in ${FW_FUZZ_TARGETS:-$FUZZ_TARGETS}; do
	name=${t#fuzz-}
	corpus="$top_srcdir/tests/fuzz/corpus/$name"
	bin="$top_builddir/tests/fuzz/$t"
	if [ ! -d "$corpus" ]; then
		echo "FAIL: $t has no corpus at $corpus"; status=1; continue
	fi
	if ! "$bin" "$corpus"; then
		echo "FAIL: $t crashed or failed on its corpus"; status=1
	fi
	n=$((n + 1))
done
echo "replayed $n fuzz corpora"
[ "$n" -gt 0 ] || exit 77
exit $status
