#!/bin/sh
# SIGINT and SIGTERM during a collect: the step under way is recorded as
# partial when it kept bytes (failed when none), the rest as skipped, and
# the partial bundle is published and verifies (exit 3).  The raw-ring wait (--trace-control --trace-seconds)
# gives a window to signal into: on the emulator the tracefs wait is
# emulated time and returns at once, the ring wait is real time.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || exit 77
scratch

for sig in INT TERM; do
	out="$SCRATCH/$sig.tar.zst"
	"$FWBOX" collect -d emu:cx6dx,owner=none --trace-control --trace-seconds 30 -o "$out" -q \
		--json >"$SCRATCH/$sig.json" &
	pid=$!
	# Wait until the run sits in the ring wait (health steps done).
	sleep 1
	kill -s "$sig" "$pid"
	set +e
	wait "$pid"
	rc=$?
	set -e
	[ "$rc" -eq 3 ] || fail "SIG$sig: exit $rc, expected 3"
	"$FWBOX" verify "$out" >/dev/null || fail "SIG$sig: partial bundle does not verify"
	python3 - "$SCRATCH/$sig.json" <<'PY' || fail "SIG$sig: outcome notes"
import errno, json, sys
k = json.load(open(sys.argv[1]))["kinds"]
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
