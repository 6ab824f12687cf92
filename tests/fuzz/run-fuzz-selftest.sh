#!/bin/sh
# The corpus replay must be able to fail: run-corpus.sh, exactly as make check
# runs it, replays a tiny deliberately buggy target (fuzz-selftest.c) over a
# scratch corpus.  A clean corpus passes; an input that aborts fails in every
# build; in a build with AddressSanitizer an input that reads one byte past
# its end, and one that leaks, fail too (the replay hands each input a heap
# block of exactly its size, so the over-read is visible).
set -u
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fwbox-selftest.XXXXXX") || exit 99
trap 'rm -rf "$scratch"' EXIT
corpus=$scratch/corpus/selftest
mkdir -p "$corpus"
fail=0

replay() {   # replay EXPECT(pass|fail) WHAT
	if FW_FUZZ_CORPUS="$scratch/corpus" FW_FUZZ_TARGETS=fuzz-selftest \
		$SHELL "$top_srcdir/tests/fuzz/run-corpus.sh" >"$scratch/log" 2>&1; then
		got=pass
	else
		got=fail
	fi
	if [ "$got" != "$1" ]; then
		cat "$scratch/log"
		echo "FAIL: replay of $2: expected $1, got $got"
		fail=1
	else
		echo "ok: replay of $2: $got"
	fi
}

printf 'a harmless input' >"$corpus/good"
: >"$corpus/empty"
replay pass "a clean corpus"

printf 'ABORT' >"$corpus/abort"
replay fail "an input that aborts"
rm "$corpus/abort"

case " ${FW_SAN_FLAGS:-} " in
*-fsanitize=address*)
	printf 'OVER' >"$corpus/over"
	replay fail "an input read one byte past its end (ASan)"
	rm "$corpus/over"
	printf 'LEAK' >"$corpus/leak"
	replay fail "an input that leaks (LeakSanitizer)"
	rm "$corpus/leak"
	;;
*)
	echo "note: no AddressSanitizer in this build; the over-read and leak cases run in the ASan build"
	;;
esac
exit $fail
