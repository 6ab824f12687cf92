#!/bin/sh
# fwbox collect messages say things once: one "fwbox collect:" prefix, one
# line for an unknown option (no getopt message before ours), and a reason
# that wraps an earlier one ("MTRC_CAP unavailable: ...") only once.
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch

expect_usage() {
	want=$1
	shift
	set +e
	"$FWBOX" collect "$@" >"$SCRATCH/u.out" 2>"$SCRATCH/u.err"
	rc=$?
	set -e
	[ "$rc" -eq 2 ] || fail "collect $*: exit $rc, expected 2"
	printf '%s\nTry '\''fwbox collect --help'\''.\n' "$want" | cmp -s - "$SCRATCH/u.err" ||
		fail "collect $*: stderr was: $(cat "$SCRATCH/u.err")"
}
expect_usage "fwbox collect: unknown option '--bogus'" -d emu:cx7 --bogus
expect_usage "fwbox collect: unknown option '-x'" -d emu:cx7 -x
expect_usage "fwbox collect: option '--reason' needs an argument" -d emu:cx7 --reason
expect_usage "fwbox collect: option '--json' takes no argument" -d emu:cx7 --json=1

set +e
"$FWBOX" collect -d emu:cx7 --only 'nomatch*' -o "$SCRATCH" 2>"$SCRATCH/o.err"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "--only nomatch*: exit $rc, expected 2"
grep -q "^fwbox collect: '--only nomatch\*' selects nothing" "$SCRATCH/o.err" ||
	fail "--only nomatch*: $(cat "$SCRATCH/o.err")"

set +e
"$FWBOX" collect -d emu:cx7,fail=MTRC_CAP --only trace -o "$SCRATCH" 2>"$SCRATCH/t.err" >/dev/null
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "fail=MTRC_CAP: exit $rc, expected 3"
grep -q "^fwbox collect: trace.strings: failed: MTRC_CAP unavailable: firmware returned status" \
	"$SCRATCH/t.err" || fail "fail=MTRC_CAP: $(cat "$SCRATCH/t.err")"
! grep -q "unavailable: MTRC_CAP unavailable" "$SCRATCH/t.err" || fail "doubled reason"
! grep -q "fwbox collect: collect:" "$SCRATCH"/*.err || fail "doubled prefix"
echo ok
