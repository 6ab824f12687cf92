#!/bin/sh
# Over-long inputs: --reason beyond FW_LIMIT_NOTE_STRING is a usage error
# before anything is collected; a field that still overflows at commit is
# refused up front the same way (the writer's own message is tested in
# tests/unit/test-bundle.c).
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || exit 77
scratch

long=$(python3 -c 'print("r" * 65537)')
set +e
"$FWBOX" collect -d emu:cx7 -o "$SCRATCH/a.tar.zst" --reason "$long" 2>"$SCRATCH/r.err"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "--reason 65537 bytes: exit $rc, expected 2"
grep -q -- "--reason is 65537 bytes, longer than the limit of 65536 bytes" "$SCRATCH/r.err" ||
	fail "--reason message: $(cat "$SCRATCH/r.err")"
[ ! -e "$SCRATCH/a.tar.zst" ] || fail "a bundle was written"
# A long one under the limit is fine.
ok=$(python3 -c 'print("r" * 60000)')
"$FWBOX" collect -d emu:cx7 -o "$SCRATCH/b.tar.zst" -q --only host.info --reason "$ok" >/dev/null ||
	fail "--reason of 60000 bytes refused"

# The command line (kept in the header too) is checked up front as well.
only=$(python3 -c 'print(",".join(["host.info"] * 7000))')
set +e
"$FWBOX" collect -d emu:cx7 -o "$SCRATCH/c.tar.zst" -q --only "$only" 2>"$SCRATCH/c.err"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "long cmdline: exit $rc, expected 2"
grep -q "the command line is [0-9]* bytes, longer than the limit of 65536 bytes" \
	"$SCRATCH/c.err" || fail "cmdline message: $(cat "$SCRATCH/c.err")"
[ ! -e "$SCRATCH/c.tar.zst" ] || fail "a bundle was written"

# --skip is checked like --only: a typo is a usage error naming it.
usage() {
	want=$1
	shift
	set +e
	"$FWBOX" collect -d emu:cx7 --plan "$@" >/dev/null 2>"$SCRATCH/u.err"
	rc=$?
	set -e
	[ "$rc" -eq 2 ] || fail "collect $*: exit $rc, expected 2"
	grep -qF -- "$want" "$SCRATCH/u.err" || fail "collect $*: $(cat "$SCRATCH/u.err")"
}
usage "'--skip crpsace': 'crpsace' names no kind; kinds are health, trace, reg," --skip crpsace
usage "'crpsace' names no kind" --skip crspace,crpsace
usage "'' names no kind" --skip crspace,
usage "'--skip' is empty" --skip ''
usage "'--only' is empty" --only ''
# Real kinds, families, patterns and kinds only known from the device pass.
"$FWBOX" collect -d emu:cx7 --plan --skip 'crspace,health.fw*,trace.strings,reg.MGIR,hca.caps,resdump.x,kernel.log' \
	>/dev/null || fail "valid --skip refused"
echo ok
