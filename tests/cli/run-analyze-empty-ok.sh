#!/bin/sh
# An artifact recorded 'ok' with no bytes, of a kind whose capture always
# has bytes (reg.*, trace.cap, trace.strings.*, crspace, health.buffer), is
# flagged by load and the decoding verbs (issue 10 item 9: it loaded with no
# warning).  Kinds that may be empty (kernel.log) and empty failed or
# skipped steps are not flagged.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE="$top_builddir/tests/mkbundle"
[ -x "$MKBUNDLE" ] || { echo "SKIP: tests/mkbundle not built yet"; exit 77; }
scratch
cd "$SCRATCH"
: > empty
"$MKBUNDLE" -o e.tar.zst reg.MGIR=empty crspace=empty health.buffer=empty \
	trace.strings.0=empty kernel.log=empty reg.PDDR=empty:failed:timeout >/dev/null
"$FWBOX" load --db h.db e.tar.zst 2> err || fail "load failed: $(cat err)"
grep -q "4 decoding problems" err || fail "load: $(cat err)"
grep -q "'reg.MGIR': recorded 'ok' but holds no bytes" err || fail "load message: $(cat err)"
set +e
"$FWBOX" regs e.tar.zst > out 2> err
set -e
grep -q "'reg.MGIR' at offset 0: recorded 'ok' but holds no bytes" err || fail "regs: $(cat err)"
! grep -q "reg.PDDR" err || fail "a failed empty step was flagged"
set +e
"$FWBOX" crspace e.tar.zst > out 2> err
set -e
grep -q "'crspace' at offset 0: recorded 'ok' but holds no bytes" err || fail "crspace: $(cat err)"
# The same kinds with bytes, or empty but allowed to be: no such warning.
printf 'x' > one
"$MKBUNDLE" -o f.tar.zst reg.MGIR=one kernel.log=empty >/dev/null
"$FWBOX" load --db h.db f.tar.zst 2> err || fail "load f failed"
! grep -q "holds no bytes" err || fail "flagged a non-empty or allowed-empty artifact: $(cat err)"
echo ok
