#!/bin/sh
# Crash and storage faults during a collect (reliability targets R1/R2):
#  - kill -9 at write/fsync/linkat number N never leaves a corrupt file at
#    the final path (either none, or a bundle that verifies) nor debris;
#  - ENOSPC or EIO at any write or fsync of the bundle gives a non-zero exit,
#    no final file and no debris.
# Skipped without strace, or under ASan (ptrace and the sanitizer's own
# writes do not mix).
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v strace >/dev/null || exit 77
if nm "$FWBOX" 2>/dev/null | grep -q __asan_init; then exit 77; fi
strace -f -o /dev/null true 2>/dev/null || exit 77
scratch

SPEC="emu:cx5"
ONLY="--only trace,reg,hca.caps,resdump.menu,crspace,host.info"
out="$SCRATCH/out/b.tar.zst"
mkdir "$SCRATCH/out"

# How many calls of each kind a clean run makes.  The bundle is small, so
# every call number is tried (the writer issues few, large writes).
strace -f -qq -o "$SCRATCH/trace" -e trace=write,pwrite64,fsync,fdatasync,linkat \
	"$FWBOX" collect -d "$SPEC" $ONLY -q -o "$out" >/dev/null || fail "clean run under strace"
"$FWBOX" verify "$out" >/dev/null || fail "clean run bundle"
rm -f "$out"
count() { grep -Ec " $1\(" "$SCRATCH/trace" || true; }
# The last write() is the path on stdout, after publishing.
nwrite=$(( $(count write) - 1 ))
npwrite=$(count pwrite64)
nfsync=$(( $(count fsync) + $(count fdatasync) ))
[ "$nwrite" -ge 1 ] && [ "$nfsync" -ge 1 ] || fail "unexpected clean run: $nwrite writes, $nfsync fsyncs"

no_debris() {
	left=$(ls -A "$SCRATCH/out")
	[ -z "$left" ] || fail "$1: left behind: $left"
}

run_injected() {
	set +e
	strace -f -qq -o /dev/null -e trace="$1" -e inject="$1:$2" \
		"$FWBOX" collect -d "$SPEC" $ONLY -q -o "$out" >/dev/null 2>&1
	rc=$?
	set -e
}

# kill -9 at every write, fsync and link: no file, or one that verifies.
for spec in "write $(( nwrite + 1 ))" "pwrite64 $npwrite" "fsync $nfsync" "linkat 1"; do
	set -- $spec
	n=1
	while [ "$n" -le "$2" ]; do
		run_injected "$1" "signal=KILL:when=$n"
		if [ -e "$out" ]; then
			"$FWBOX" verify "$out" >/dev/null || fail "kill at $1 #$n: corrupt bundle at the final path"
			rm -f "$out"
		fi
		no_debris "kill at $1 #$n"
		n=$((n + 1))
	done
done

# ENOSPC / EIO at every write and fsync of the bundle: failure, no file,
# no debris, and the fsync is not retried (the writer gives up at once).
for err in ENOSPC EIO; do
	for spec in "write $nwrite" "pwrite64 $npwrite" "fsync $nfsync"; do
		set -- $spec
		n=1
		while [ "$n" -le "$2" ]; do
			run_injected "$1" "error=$err:when=$n"
			[ "$rc" -ne 0 ] || fail "$err at $1 #$n: exit 0"
			[ ! -e "$out" ] || fail "$err at $1 #$n: exit $rc but a final file exists"
			no_debris "$err at $1 #$n"
			n=$((n + 1))
		done
	done
done
echo ok
