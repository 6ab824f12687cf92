#!/bin/sh
# Replay every fuzz target's corpus (tests/fuzz/corpus/<target>/), every file
# once, through the target as built: the plain replay main (fuzz-main.c) or,
# with --enable-fuzzing, libFuzzer, which runs file arguments once each and
# never fuzzes or writes to the corpus in that mode.  Nothing is skipped: a
# target without a corpus, a corpus without a target, an empty list or a
# crash, leak or sanitizer report in any input fails the test.
#
# FW_FUZZ_TARGETS names the targets (set by make check); FW_FUZZ_CORPUS and
# FW_FUZZ_BINDIR override where corpora and binaries are (the self-test
# run-fuzz-selftest.sh points them at its own buggy target).
set -u
corpus_root=${FW_FUZZ_CORPUS:-$top_srcdir/tests/fuzz/corpus}
bindir=${FW_FUZZ_BINDIR:-$top_builddir/tests/fuzz}
targets=${FW_FUZZ_TARGETS:-}
# Absolute: each target runs in the scratch folder.
corpus_root=$(cd "$corpus_root" && pwd) || exit 99
bindir=$(cd "$bindir" && pwd) || exit 99
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fwbox-replay.XXXXXX") || exit 99
trap 'rm -rf "$scratch"' EXIT
status=0
n=0
files=0
if [ -z "$targets" ]; then
	echo "FAIL: no fuzz targets named (FW_FUZZ_TARGETS is empty)"
	exit 1
fi
if [ -z "${FW_FUZZ_CORPUS:-}" ]; then
	# Every corpus folder belongs to a listed target, and every fuzz-*.c
	# source is one (apart from the replay main and the self-test's target).
	for d in "$corpus_root"/*/; do
		name=$(basename "$d")
		case " $targets " in *" fuzz-$name "*) ;; *)
			echo "FAIL: corpus '$name' has no target in FW_FUZZ_TARGETS"; status=1 ;;
		esac
	done
	for src in "$top_srcdir"/tests/fuzz/fuzz-*.c; do
		t=$(basename "$src" .c)
		case $t in fuzz-main|fuzz-selftest) continue ;; esac
		case " $targets " in *" $t "*) ;; *)
			echo "FAIL: $t.c is not in FW_FUZZ_TARGETS, so its corpus is never replayed"; status=1 ;;
		esac
	done
fi
for t in $targets; do
	name=${t#fuzz-}
	corpus="$corpus_root/$name"
	bin="$bindir/$t"
	if [ ! -d "$corpus" ]; then
		echo "FAIL: $t has no corpus at $corpus"; status=1; continue
	fi
	# One argument per file: a folder argument would make libFuzzer fuzz
	# for ever and add its findings to the source tree.
	set --
	for f in "$corpus"/*; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
	if [ $# -eq 0 ]; then
		echo "FAIL: $t: corpus $corpus holds no file"; status=1; continue
	fi
	# Flags starting with '-' are libFuzzer's; the replay main ignores them.
	# A hang is a failure too (the walk that spun for ever on 0xff bytes);
	# the guard is generous, a replay takes well under a second.
	if ! (cd "$scratch" && timeout "${FW_FUZZ_REPLAY_TIMEOUT:-600}" \
		"$bin" -artifact_prefix="$scratch/" "$@") >"$scratch/out" 2>&1; then
		cat "$scratch/out"
		echo "FAIL: $t crashed, leaked or failed on its corpus ($# inputs)"; status=1
	else
		echo "$t: $# inputs replayed"
	fi
	# The replay reads the corpus and never adds to it.
	now=0
	for f in "$corpus"/*; do [ -f "$f" ] && now=$((now + 1)); done
	if [ "$now" -ne $# ]; then
		echo "FAIL: $t: the corpus went from $# to $now files during the replay"; status=1
	fi
	n=$((n + 1))
	files=$((files + $#))
done
echo "replayed $files inputs of $n fuzz corpora"
exit $status
