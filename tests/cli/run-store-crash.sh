#!/bin/sh
# kill -9 at many points of a load (strace write injection): the database
# stays intact (PRAGMA integrity_check), the bundle is either absent or
# whole, and loading again completes it.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE=$top_builddir/tests/mkbundle
MKTRACE=$top_builddir/tests/cli/store-mktrace
[ -x "$MKBUNDLE" ] || fail "tests/mkbundle is missing: run this through make check, which builds it"
command -v sqlite3 >/dev/null || { echo "no sqlite3 tool"; exit 77; }
command -v strace >/dev/null || { echo "no strace"; exit 77; }
# Sanitizers change the process's writes and do not like ptrace.
if grep -q -e __asan_init -e AddressSanitizer "$FWBOX" 2>/dev/null; then echo "ASan build"; exit 77; fi
strace -f -o /dev/null -e trace=none true 2>/dev/null || { echo "strace cannot trace here"; exit 77; }
scratch
cd "$SCRATCH"

"$MKTRACE" . 3000 11
"$MKBUNDLE" -o base.tar --compress none --uuid $(printf '%032d' 1) trace.cap=cap.bin \
	trace.strings.0=strings.bin trace.ring=ring.bin >/dev/null
"$MKBUNDLE" -o b.tar --compress none --uuid $(printf '%032d' 2) trace.cap=cap.bin \
	trace.strings.0=strings.bin trace.ring=ring.bin >/dev/null
# A history that already holds one bundle; each trial starts from a copy.
"$FWBOX" load -q --db base.db base.tar
sqlite3 base.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null

# How many writes does a whole load make?
cp base.db t.db
strace -f -o trace.log -e trace=write,pwrite64,fsync,fdatasync "$FWBOX" load -q --db t.db b.tar
total=$(grep -c -E '(write|pwrite64)\(' trace.log)
[ "$total" -gt 5 ] || fail "only $total writes traced"

# Every write for small counts, then spread over the rest, plus a few
# pseudo-random points (the seed is fixed so a failure can be replayed).
points=$(seq 1 12; seq 13 $(( (total + 19) / 20 )) "$total"; awk -v t="$total" \
	'BEGIN { srand(42); for (i = 0; i < 8; i++) print int(1 + rand() * t) }')
trials=0 absent=0 whole=0
for n in $points; do
	rm -f t.db t.db-wal t.db-shm
	cp base.db t.db
	set +e
	strace -f -o /dev/null -e trace=write,pwrite64 -e inject=write,pwrite64:signal=KILL:when=$n \
		"$FWBOX" load -q --db t.db b.tar >/dev/null 2>&1
	set -e
	[ "$(sqlite3 t.db "PRAGMA integrity_check")" = ok ] || fail "integrity after kill at write $n"
	got=$(sqlite3 t.db "SELECT count(*) FROM bundles WHERE uuid LIKE '00000000-0000-0000-0000-000000000002'")
	ev=$(sqlite3 t.db "SELECT count(*) FROM trace_ev")
	if [ "$got" = 0 ]; then
		[ "$ev" = 3000 ] || fail "kill at write $n: bundle absent but $ev events"
		absent=$((absent + 1))
	else
		[ "$ev" = 6000 ] || fail "kill at write $n: bundle present with $ev events"
		whole=$((whole + 1))
	fi
	"$FWBOX" load -q --db t.db b.tar || fail "reload after kill at write $n"
	[ "$(sqlite3 t.db "SELECT count(*) FROM trace_events")" = 6000 ] || fail "rerun after kill at $n"
	trials=$((trials + 1))
done
[ "$absent" -gt 0 ] || fail "no trial killed the load before its commit"
echo "ok: $trials kill points over $total writes ($absent absent, $whole whole)"
