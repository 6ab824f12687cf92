#!/bin/sh
# SIGINT and SIGTERM during a collect: the step under way is recorded as
# partial when it kept bytes (failed when none), the rest as skipped, and
# the partial bundle is published and verifies (exit 3).  The raw-ring wait
# (--trace-control --trace-seconds) gives a window to signal into: on the
# emulator the tracefs wait is emulated time and returns at once, the ring
# wait is real time (30 s, ended early by the signal).
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || exit 77
scratch

for sig in INT TERM; do
	out="$SCRATCH/$sig.tar.zst"
	rm -f "$SCRATCH/progress"
	mkfifo "$SCRATCH/progress"
	# FWBOX_PROGRESS=lines names each step on stderr once it is sure to
	# run: the handshake is the trace.ring line (health steps done, the
	# ring wait under way), not a guess at how long the first steps take.
	FWBOX_PROGRESS=lines "$FWBOX" collect -d emu:cx6dx,owner=none --trace-control \
		--trace-seconds 30 -o "$out" --json >"$SCRATCH/$sig.json" 2>"$SCRATCH/progress" &
	pid=$!
	exec 4<"$SCRATCH/progress"
	seen=
	while IFS= read -r line <&4; do
		case $line in *"] trace.ring ("*) seen=1; break ;; esac
	done
	[ -n "$seen" ] || fail "SIG$sig: the run ended before its trace.ring step"
	cat <&4 >"$SCRATCH/$sig.err" &
	cpid=$!
	kill -s "$sig" "$pid"
	set +e
	wait "$pid"
	rc=$?
	set -e
	wait "$cpid"
	exec 4<&-
	[ "$rc" -eq 3 ] || fail "SIG$sig: exit $rc, expected 3"
	"$FWBOX" verify "$out" >/dev/null || fail "SIG$sig: partial bundle does not verify"
	python3 - "$SCRATCH/$sig.json" <<'PY' || fail "SIG$sig: outcome notes"
import errno, json, sys, os
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
k = fwjson.kinds(fwjson.one(sys.argv[1]))
assert k["health.buffer"]["outcome"] == "ok", k["health.buffer"]
t = k["trace.ring"]
assert t["outcome"] == "partial" and t["errno"] == errno.EINTR, t
assert "released" in t["reason"], t
m = k["reg.MGIR"]
assert m["outcome"] == "skipped" and m["errno"] == errno.EINTR, m
assert k["host.info"]["outcome"] == "skipped"
PY
done
echo ok
