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
# A card fatal from the start: one device command fails, the remaining
# device steps are recorded as skipped (none sent), one warning says so,
# "fatal" is in the JSON, and the unchanged crdump is stored once.
set +e
"$FWBOX" collect -d emu:cx7,fatal-after=0 -o "$SCRATCH/z.tar.zst" >/dev/null 2>"$SCRATCH/z.err"
rc=$?
"$FWBOX" collect -d emu:cx7,fatal-after=0 -o "$SCRATCH/z2.tar.zst" -q --json >"$SCRATCH/z.json"
set -e
[ "$rc" -eq 3 ] || fail "fatal-after=0: exit $rc, expected 3"
[ "$(wc -l < "$SCRATCH/z.err")" -eq 1 ] || fail "fatal card: expected one warning, got: $(cat "$SCRATCH/z.err")"
grep -q '^fwbox collect: warning: the firmware is in a fatal state .*device steps were not run' "$SCRATCH/z.err" ||
	fail "fatal card: warning: $(cat "$SCRATCH/z.err")"
python3 - "$SCRATCH/z.json" <<'PY' || fail "fatal card JSON"
import errno, json, sys, os
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
s = fwjson.one(sys.argv[1])
k = fwjson.kinds(s)
assert s["fatal"] is True and "fatal state" in s["fatal_reason"], s
assert s["device_commands"] == 1, s["device_commands"]      # only the first, which failed
failed = [a for a in s["artifacts"] if a["outcome"] == "failed"]
assert len(failed) == 1 and failed[0]["errno"] == errno.EIO, failed
assert all(a["errno"] == errno.EIO and "no further device command" in a["reason"]
           for a in s["artifacts"] if a["kind"].startswith(("reg.", "hca.caps", "crspace", "resdump"))), s
# The health steps, the trace text and the host facts still ran.
assert k["health.fw_fatal"]["outcome"] == "ok" and k["health.fw_fatal"]["bytes"] > 0
assert k["host.info"]["outcome"] == "ok"
# Read again at the end, the same dump is not stored twice.
a = k["health.fw_fatal.after"]
assert a["outcome"] == "skipped" and a["bytes"] == 0 and "unchanged since 'health.fw_fatal'" in a["reason"], a
PY
[ "$(tar -tvf "$SCRATCH/z2.tar.zst" | awk '$3 > 0 && $6 ~ /fw_fatal(\.after)?\.bin$/' | wc -l)" -eq 1 ] ||
	fail "the crdump is stored twice: $(tar -tvf "$SCRATCH/z2.tar.zst" | grep fw_fatal)"
# Without a fatal error, the JSON says so.
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["fatal"] is False and d["fatal_reason"] is None, d' \
	"$SCRATCH/g.json" || fail "healthy card: fatal is not false"

# The kinds load into the history database.
"$FWBOX" load -q --db "$SCRATCH/h.db" "$SCRATCH/f.tar.zst" 2>/dev/null || fail "load"
echo ok
