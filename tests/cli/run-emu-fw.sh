#!/bin/sh
# emu spec fw=: same card (seed, profile), new firmware: the serial and
# PSID stay, the firmware version in the bundle follows fw=.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || exit 77
scratch

"$FWBOX" collect -d emu:cx7,seed=9 -o "$SCRATCH/a.tar.zst" -q --only host.info,reg.MGIR >/dev/null
"$FWBOX" collect -d emu:cx7,seed=9,fw=28.40.1000 -o "$SCRATCH/b.tar.zst" -q --only host.info,reg.MGIR \
	>/dev/null
"$FWBOX" show --json "$SCRATCH/a.tar.zst" >"$SCRATCH/a.json"
"$FWBOX" show --json "$SCRATCH/b.tar.zst" >"$SCRATCH/b.json"
python3 - "$SCRATCH/a.json" "$SCRATCH/b.json" <<'PY' || fail "device identity"
import json, sys
a = json.load(open(sys.argv[1]))["device"]
b = json.load(open(sys.argv[2]))["device"]
assert a["serial"] == b["serial"] and a["psid"] == b["psid"], (a, b)
assert a["fw_version"] == "28.39.2048", a["fw_version"]
assert b["fw_version"] == "28.40.1000", b["fw_version"]
PY

for bad in 28.40 28.x.1 256.1.1 28.40.70000 28.40.1000x; do
	set +e
	"$FWBOX" collect -d "emu:cx7,fw=$bad" --plan >/dev/null 2>"$SCRATCH/e.err"
	rc=$?
	set -e
	[ "$rc" -eq 2 ] || fail "fw=$bad: exit $rc, expected 2"
	grep -qF "'fw=$bad' must be MAJOR.MINOR.SUBMINOR" "$SCRATCH/e.err" ||
		fail "fw=$bad: $(cat "$SCRATCH/e.err")"
done
echo ok
