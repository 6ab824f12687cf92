#!/bin/sh
# Signals during a collect (fwbox-collect(1) SIGNALS).  The raw-ring wait
# (--trace-control --trace-seconds) gives a window to signal into: on the
# emulator the tracefs wait is emulated time and returns at once, the ring
# wait is real time (30 s, ended early by the signal).
#  - SIGINT during the wait (Ctrl-C) only ends the wait: the ring is kept as
#    ok with a reason saying so, every later step runs, exit 0.
#  - SIGTERM: the step under way is recorded as partial when it kept bytes
#    (failed when none), the rest as skipped, and the partial bundle is
#    published and verifies (exit 3).
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || exit 77
scratch

for sig in INT TERM; do
	out="$SCRATCH/$sig.tar.zst"
	rm -f "$SCRATCH/progress"
	mkfifo "$SCRATCH/progress"
	# FWBOX_PROGRESS=lines names each step on stderr once it is sure to
	# run, and says when a trace wait is under way: the handshake is that
	# line after the trace.ring one (health steps done, the ring wait
	# under way), not a guess at how long the first steps take.
	FWBOX_PROGRESS=lines "$FWBOX" collect -d emu:cx6dx,owner=none --trace-control \
		--trace-seconds 30 -o "$out" --json >"$SCRATCH/$sig.json" 2>"$SCRATCH/progress" &
	pid=$!
	exec 4<"$SCRATCH/progress"
	seen=
	while IFS= read -r line <&4; do
		case $line in
		*"] trace.ring ("*) seen=ring ;;
		"trace wait of 30 s under way, Ctrl-C ends it early ("*)
			[ "$seen" = ring ] && { seen=wait; break; } ;;
		esac
	done
	[ "$seen" = wait ] || fail "SIG$sig: the run ended before its trace.ring wait"
	cat <&4 >"$SCRATCH/$sig.err" &
	cpid=$!
	kill -s "$sig" "$pid"
	set +e
	wait "$pid"
	rc=$?
	set -e
	wait "$cpid"
	exec 4<&-
	if [ "$sig" = INT ]; then
		[ "$rc" -eq 0 ] || fail "SIGINT in the wait: exit $rc, expected 0"
		"$FWBOX" verify "$out" >/dev/null || fail "SIGINT: bundle does not verify"
		grep -q '^fwbox collect: trace wait ended by Ctrl-C' "$SCRATCH/$sig.err" ||
			fail "SIGINT: no note on stderr: $(cat "$SCRATCH/$sig.err")"
		python3 - "$SCRATCH/$sig.json" <<'PY' || fail "SIGINT: outcome notes"
import json, sys, os
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
d = fwjson.one(sys.argv[1])
k = fwjson.kinds(d)
t = k["trace.ring"]
assert t["outcome"] == "ok" and t["errno"] is None, t
assert t["reason"].startswith("trace wait ended by the user (SIGINT) after "), t
assert "of --trace-seconds 30" in t["reason"] and "released" in t["reason"], t
assert t["bytes"] > 0, t
# The steps after the wait ran: registers and CR-space are the evidence.
for kind in ("reg.MGIR", "host.info", "trace.text"):
    assert k[kind]["outcome"] == "ok", k[kind]
assert any(a["kind"].startswith("crspace") and a["outcome"] == "ok" for a in d["artifacts"]), d
PY
		continue
	fi
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
