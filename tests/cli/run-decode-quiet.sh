#!/bin/sh
# Normal bundles decode without warnings: a failed or skipped step is
# recorded in the index and not decoded again; a message still waiting
# for parameters at the end of an intact ring snapshot is normal; a
# partial register reports one problem, not one per missing field.
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
for f in fail=MGIR timeout=MGIR busy=PDDR fail=tracer; do
	b="$SCRATCH/b.tar.zst"
	rm -f "$b" "$SCRATCH/b.db"
	"$FWBOX" collect -d "emu:cx7,seed=3,$f" -q -o "$b" >/dev/null 2>&1 || true
	[ -s "$b" ] || fail "$f: no bundle"
	"$FWBOX" load --db "$SCRATCH/b.db" "$b" >/dev/null 2> "$SCRATCH/err" || fail "$f: load failed"
	[ ! -s "$SCRATCH/err" ] || { cat "$SCRATCH/err" >&2; fail "$f: load warns"; }
	"$FWBOX" regs "$b" >/dev/null 2> "$SCRATCH/err" || fail "$f: regs failed"
	[ ! -s "$SCRATCH/err" ] || { cat "$SCRATCH/err" >&2; fail "$f: regs warns"; }
	# Without --trace-seconds an emulator bundle may hold no message:
	# exit 4 and that one line, no warning.
	rc=0
	"$FWBOX" trace "$b" >/dev/null 2> "$SCRATCH/err" || rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 4 ] || fail "$f: trace failed ($rc)"
	if [ "$rc" -eq 4 ]; then
		[ "$(cat "$SCRATCH/err")" = "fwbox trace: no trace message in '$b'" ] ||
			{ cat "$SCRATCH/err" >&2; fail "$f: trace warns"; }
	else
		[ ! -s "$SCRATCH/err" ] || { cat "$SCRATCH/err" >&2; fail "$f: trace warns"; }
	fi
done

# A register cut short: decoded for what is there, one problem only, and
# regs and load agree.
"$FWBOX" collect -d emu:cx7,seed=3,short=MCAM -q -o "$SCRATCH/s.tar.zst" >/dev/null 2>&1 || true
"$FWBOX" regs "$SCRATCH/s.tar.zst" >/dev/null 2> "$SCRATCH/err"
[ "$(grep -c "reg.MCAM" "$SCRATCH/err")" -eq 1 ] || fail "short MCAM: expected one warning from regs"
"$FWBOX" load --db "$SCRATCH/s.db" "$SCRATCH/s.tar.zst" >/dev/null 2> "$SCRATCH/err"
grep -q "1 decoding problem " "$SCRATCH/err" || fail "short MCAM: expected one problem from load"

# An intact ring snapshot.
"$FWBOX" collect -d emu:cx7,owner=none,seed=4 --trace-control --trace-seconds 1 -q \
	-o "$SCRATCH/ring.tar.zst" >/dev/null 2>&1
n=$("$FWBOX" trace "$SCRATCH/ring.tar.zst" 2> "$SCRATCH/err" | wc -l)
[ "$n" -gt 0 ] || fail "ring: no messages"
[ ! -s "$SCRATCH/err" ] || { cat "$SCRATCH/err" >&2; fail "ring: trace warns"; }
"$FWBOX" load --db "$SCRATCH/r.db" "$SCRATCH/ring.tar.zst" >/dev/null 2> "$SCRATCH/err"
[ ! -s "$SCRATCH/err" ] || { cat "$SCRATCH/err" >&2; fail "ring: load warns"; }
echo ok
