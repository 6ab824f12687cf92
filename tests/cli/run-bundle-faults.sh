#!/bin/sh
# The writer under injected faults (strace -e inject): ENOSPC on any write
# and EIO on either fsync give a non-zero exit, nothing at the final path
# and no debris; SIGKILL at any write, fsync or linkat leaves either no
# bundle or one that verifies.  Also checks the publish order:
# O_TMPFILE, fsync(file), linkat, fsync(folder).
#
# Skipped (77) without strace, where ptrace is not allowed, and in ASan
# builds (ASan and ptrace do not mix).
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKB="$top_builddir/tests/mkbundle"
command -v strace > /dev/null 2>&1 || { echo "strace not installed"; exit 77; }
if nm "$MKB" 2> /dev/null | grep -q __asan_init; then echo "ASan build"; exit 77; fi
strace -o /dev/null true 2> /dev/null || { echo "ptrace not permitted here"; exit 77; }
scratch
cd "$SCRATCH"
mkdir in out
python3 -c "import sys; sys.stdout.buffer.write(bytes((i*7)&0xff for i in range(200000)))" > in/a
seq 1 30000 > in/b
head -c 70000 /dev/urandom > in/c

# Nothing in out/ but, at most, a bundle that verifies.
check_clean() {
	nfiles=$(ls -A out | wc -l)
	if [ -e out/b.tar ]; then
		[ "$1" = may-exist ] || fail "$2: a bundle was left at the final path"
		"$FWBOX" verify -q out/b.tar || fail "$2: the bundle left behind does not verify"
		[ "$nfiles" -eq 1 ] || fail "$2: debris next to the bundle: $(ls -A out)"
	else
		[ "$nfiles" -eq 0 ] || fail "$2: debris left: $(ls -A out)"
	fi
	rm -f out/b.tar
}

# Publish order.
strace -f -o trace.log -e trace=openat,fsync,linkat -- "$MKB" --compress none -o out/b.tar reg.MGIR=in/a
order=$(grep -E 'O_TMPFILE.*= [0-9]+$|fsync\(|linkat\(' trace.log | sed -E 's/^[0-9]+ +//; s/\(.*//' | tr '\n' ' ')
case "$order" in
*"openat fsync linkat fsync "*) ;;
*) fail "publish order is '$order', expected openat(O_TMPFILE) fsync linkat fsync" ;;
esac
"$FWBOX" verify -q out/b.tar
rm -f out/b.tar

for comp in none zstd; do
	# How many write() calls does a clean run make?
	strace -f -o writes.log -e trace=write -- "$MKB" --stage-memory 65536 --compress $comp \
		-o out/b.tar reg.MGIR=in/a trace.text=in/b crspace=in/c
	nw=$(grep -c 'write(' writes.log)
	rm -f out/b.tar
	[ "$nw" -gt 3 ] || fail "only $nw writes traced"
	step=$(( (nw + 24) / 25 ))
	n=1
	while [ $n -le "$nw" ]; do
		set +e
		strace -f -o /dev/null -e trace=write -e inject=write:error=ENOSPC:when=$n -- \
			"$MKB" --stage-memory 65536 --compress $comp -o out/b.tar \
			reg.MGIR=in/a trace.text=in/b crspace=in/c > /dev/null 2> err
		rc=$?
		set -e
		[ $rc -ne 0 ] || fail "$comp: ENOSPC at write $n/$nw: exit 0"
		check_clean no "$comp: ENOSPC at write $n"
		set +e
		strace -f -o /dev/null -e trace=write -e inject=write:signal=KILL:when=$n -- \
			"$MKB" --stage-memory 65536 --compress $comp -o out/b.tar \
			reg.MGIR=in/a trace.text=in/b crspace=in/c > /dev/null 2>&1
		set -e
		check_clean may-exist "$comp: SIGKILL at write $n"
		n=$((n + step))
	done
done

# fsync: 1 is the bundle file, 2 the folder.  Neither is retried.
for n in 1 2; do
	set +e
	strace -f -o fsync.log -e trace=fsync -e inject=fsync:error=EIO:when=$n -- \
		"$MKB" --compress none -o out/b.tar reg.MGIR=in/a > /dev/null 2> err
	rc=$?
	set -e
	[ $rc -ne 0 ] || fail "EIO on fsync $n: exit 0"
	grep -q 'fsync' err || fail "EIO on fsync $n: message does not say fsync: $(cat err)"
	[ "$(grep -c 'fsync(' fsync.log)" -eq "$n" ] || fail "fsync retried or skipped after EIO on fsync $n"
	check_clean no "EIO on fsync $n"
done

# SIGKILL at each publish step.
for call in fsync:1 fsync:2 linkat:1; do
	set +e
	strace -f -o /dev/null -e trace=${call%:*} -e inject=${call%:*}:signal=KILL:when=${call#*:} -- \
		"$MKB" --compress none -o out/b.tar reg.MGIR=in/a > /dev/null 2>&1
	set -e
	check_clean may-exist "SIGKILL at $call"
done
echo ok
