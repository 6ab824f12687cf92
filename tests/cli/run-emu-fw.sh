#!/bin/sh
# emu spec fw=: same card (seed, profile), new firmware: the serial and
# PSID stay; the firmware version in the bundle, MGIR's version fields and
# branch tag, and the health buffer's fw_ver follow fw=; the CR-space words
# do not (fwbox-emu(7)).  The device identity and host.info name the same
# kernel release, this host's.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || exit 77
scratch

only=host.info,reg.MGIR,health.buffer,crspace
"$FWBOX" collect -d emu:cx7,seed=9 -o "$SCRATCH/a.tar.zst" -q --only $only >/dev/null
"$FWBOX" collect -d emu:cx7,seed=9,fw=28.40.1000 -o "$SCRATCH/b.tar.zst" -q --only $only >/dev/null
for x in a b; do
	"$FWBOX" regs --json "$SCRATCH/$x.tar.zst" >"$SCRATCH/$x.regs"
	"$FWBOX" extract "$SCRATCH/$x.tar.zst" health.buffer >"$SCRATCH/$x.hb"
	"$FWBOX" extract "$SCRATCH/$x.tar.zst" crspace >"$SCRATCH/$x.cr"
	"$FWBOX" extract "$SCRATCH/$x.tar.zst" host.info >"$SCRATCH/$x.host"
done
cmp -s "$SCRATCH/a.cr" "$SCRATCH/b.cr" || fail "fw= changed CR-space words"
[ -s "$SCRATCH/a.cr" ] || fail "no CR-space"
python3 - "$SCRATCH" "$(uname -r)" <<'PY' || fail "MGIR, health buffer, kernel"
import json, os, struct, sys
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
d, release = sys.argv[1], sys.argv[2]
want = {"a": (28, 39, 2048, "rel-28_39_2048"), "b": (28, 40, 1000, "rel-28_40_1000")}
for x, (ma, mi, sub, tag) in want.items():
    f = {r["field"]: r for r in fwjson.load("%s/%s.regs" % (d, x)) if r["register"] == "MGIR"}
    got = (f["extended_major"]["value"], f["extended_minor"]["value"],
           f["extended_sub_minor"]["value"], f["dev_branch_tag"]["text"])
    assert got == (ma, mi, sub, tag), (x, got)
    hb = open("%s/%s.hb" % (d, x), "rb").read()
    fw = struct.unpack(">I", hb[0x30:0x34])[0]
    assert (fw >> 24, (fw >> 16) & 0xff, fw & 0xffff) == (ma, mi, sub), (x, hex(fw))
    host = open("%s/%s.host" % (d, x)).read().splitlines()
    assert "kernel.release=" + release in host, host
    assert "device.kernel=" + release in host, host
PY
"$FWBOX" show --json "$SCRATCH/a.tar.zst" >"$SCRATCH/a.json"
"$FWBOX" show --json "$SCRATCH/b.tar.zst" >"$SCRATCH/b.json"
python3 - "$SCRATCH/a.json" "$SCRATCH/b.json" <<'PY' || fail "device identity"
import json, os, sys
a = json.load(open(sys.argv[1]))["device"]
b = json.load(open(sys.argv[2]))["device"]
assert a["serial"] == b["serial"] and a["psid"] == b["psid"], (a, b)
assert a["fw_version"] == "28.39.2048", a["fw_version"]
assert a["kernel"] == b["kernel"] == os.uname().release, (a, b)
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
