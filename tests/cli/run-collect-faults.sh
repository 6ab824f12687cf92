#!/bin/sh
# Each emulator fault kind ends in the right outcome note and exit 3 (a
# bundle written, something failed); the bundle still verifies.
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
command -v python3 >/dev/null || exit 77

# check SPEC KIND OUTCOME PYTHON-CONDITION
check() {
	spec=$1 kind=$2 outcome=$3 cond=$4
	out="$SCRATCH/b$$-$(echo "$spec" | tr ':,=' '___').tar.zst"
	set +e
	"$FWBOX" collect -d "$spec" -o "$out" -q --json --only reg,trace.cap,hca.caps.GENERAL,resdump.menu,crspace \
		>"$SCRATCH/s.json"
	rc=$?
	set -e
	[ "$rc" -eq 3 ] || fail "$spec: exit $rc, expected 3"
	"$FWBOX" verify "$out" >/dev/null || fail "$spec: bundle does not verify"
	python3 - "$SCRATCH/s.json" "$kind" "$outcome" "$cond" <<'PY' || fail "$spec: $kind note"
import errno, json, sys, os
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
s = fwjson.one(sys.argv[1])
k = fwjson.kinds(s)[sys.argv[2]]
assert k["outcome"] == sys.argv[3], k
# The overall fields follow the exit status (3), whatever the worst kind.
assert s["status"] == "partial" and s["exit"] == 3, s["status"]
assert s["worst_outcome"] in ("failed", "partial"), s["worst_outcome"]
assert eval(sys.argv[4], {"errno": errno}, {"k": k}), k
# Other steps still ran.
assert any(v["outcome"] == "ok" for n, v in fwjson.kinds(s).items() if n != sys.argv[2]), s
PY
}

check "emu:cx7,fail=MGIR" reg.MGIR failed 'k["mlx5_status"] != 0 and "status" in k["reason"]'
check "emu:cx7,timeout=PDDR" reg.PDDR failed 'k["errno"] == errno.ETIMEDOUT'
check "emu:cx7,busy=MCAM" reg.MCAM failed 'k["errno"] == errno.EBUSY'
check "emu:cx7,short=MGIR" reg.MGIR partial 'k["bytes"] == 80 and "short read" in k["reason"]'
check "emu:cx7,short=QUERY_HCA_CAP" hca.caps.GENERAL partial 'k["bytes"] == 2048'
check "emu:cx7,short=RESOURCE_DUMP" resdump.menu failed 'k["errno"] == errno.EBADMSG'
# Once the firmware is fatal, later device steps are not sent: skipped, EIO.
check "emu:cx7,fatal-after=5" reg.PPCNT skipped 'k["errno"] == errno.EIO and "fatal state" in k["reason"]'
echo ok
