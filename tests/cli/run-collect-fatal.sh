#!/bin/sh
# A firmware fatal error during the run (emu fatal-after=N): the health
# steps are read again at the end as KIND.after, so the fw_fatal dump the
# failure left is in the bundle.  Without a fatal error, no .after kinds.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || exit 77
scratch

set +e
"$FWBOX" collect -d emu:cx7,fatal-after=5 -o "$SCRATCH/f.tar.zst" -q --json >"$SCRATCH/f.json"
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "fatal-after=5: exit $rc, expected 3"
"$FWBOX" verify "$SCRATCH/f.tar.zst" >/dev/null || fail "bundle does not verify"
"$FWBOX" collect -d emu:cx7 -o "$SCRATCH/g.tar.zst" -q --json --only health,reg.MGIR >"$SCRATCH/g.json"
python3 - "$SCRATCH/f.json" "$SCRATCH/g.json" <<'PY' || fail "kinds"
import json, sys, os
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
f = fwjson.kinds(fwjson.one(sys.argv[1]))
g = fwjson.kinds(fwjson.one(sys.argv[2]))
# Before the failure: no dump stored yet.
assert "health.fw_fatal" not in f, f.get("health.fw_fatal")
assert f["health.buffer"]["outcome"] == "ok"
assert f["health.buffer.after"]["outcome"] == "ok", f.get("health.buffer.after")
assert f["health.reporters.after"]["outcome"] == "ok"
assert f["health.fw_fatal.after"]["outcome"] == "ok", f.get("health.fw_fatal.after")
assert f["health.fw_fatal.after"]["bytes"] > 0
assert not [k for k in g if k.endswith(".after")], g.keys()
PY
# The health buffer read after the failure differs from the one before.
"$FWBOX" extract -o "$SCRATCH/hb0" "$SCRATCH/f.tar.zst" health.buffer
"$FWBOX" extract -o "$SCRATCH/hb1" "$SCRATCH/f.tar.zst" health.buffer.after
[ -s "$SCRATCH/hb1" ] || fail "empty health.buffer.after"
! cmp -s "$SCRATCH/hb0" "$SCRATCH/hb1" || fail "health buffer unchanged after the fatal error"
# The kinds load into the history database.
"$FWBOX" load -q --db "$SCRATCH/h.db" "$SCRATCH/f.tar.zst" 2>/dev/null || fail "load"
echo ok
