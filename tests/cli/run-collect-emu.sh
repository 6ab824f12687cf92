#!/bin/sh
# fwbox collect end to end against the emulator, every profile: exit 0, every
# kind of the default plan present and ok, `fwbox verify` passes, GNU tar and
# readelf read the result; --plan sends nothing; usage errors exit 2.
set -e
. "$top_srcdir/tests/cli/lib.sh"
scratch
command -v python3 >/dev/null || exit 77

# Kinds every profile must deliver with outcome ok (trace.ring needs
# --trace-control, kernel.log may need CAP_SYSLOG: checked separately).
want="health.buffer health.reporters health.fw.diagnose trace.cap trace.strings.0
reg.MGIR reg.MCAM reg.MTRC_CTRL reg.PDDR reg.PPCNT hca.caps.GENERAL hca.caps.DEBUG crspace
resdump.menu resdump.FUNC_SYND_REC host.info"

for p in cx5 cx6dx cx7; do
	out="$SCRATCH/$p.tar.zst"
	"$FWBOX" collect -d "emu:$p" -o "$out" -q --json >"$SCRATCH/$p.json" ||
		fail "collect from emu:$p exited $?"
	python3 - "$SCRATCH/$p.json" "$out" $want <<'PY' || fail "emu:$p: summary check"
import json, sys, os
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
s = fwjson.one(sys.argv[1])
assert s["path"] == sys.argv[2], s["path"]
assert s["status"] == "ok" and s["exit"] == 0, s["status"]
assert s["worst_outcome"] == "ok", s["worst_outcome"]
assert s["device_commands"] > 0
for k in sys.argv[3:]:
    assert k in fwjson.kinds(s), "missing " + k
    assert fwjson.kinds(s)[k]["outcome"] == "ok", (k, fwjson.kinds(s)[k])
    assert fwjson.kinds(s)[k]["bytes"] > 0, k
assert fwjson.kinds(s)["trace.ring"]["outcome"] == "skipped"
assert fwjson.kinds(s)["trace.text"]["outcome"] == "ok"
# Nothing failed or came back partial.
assert all(v["outcome"] in ("ok", "skipped") for v in fwjson.kinds(s).values()), s
PY
	"$FWBOX" verify "$out" >/dev/null || fail "verify rejects the emu:$p bundle"
	tar -tvf "$out" >"$SCRATCH/list" || fail "GNU tar cannot list the emu:$p bundle"
	head -n 1 "$SCRATCH/list" | grep -q ' index.elf$' || fail "index.elf is not first"
	grep -q ' reg/MGIR.bin$' "$SCRATCH/list" || fail "reg/MGIR.bin missing"
	(cd "$SCRATCH" && tar -xf "$out" index.elf && readelf -n index.elf >notes) ||
		fail "readelf cannot read index.elf"
	grep -q fwbox "$SCRATCH/notes" || fail "no fwbox notes"
	rm -f "$SCRATCH/index.elf"
done

# Default name in the current folder, printed on stdout.
(cd "$SCRATCH" && "$FWBOX" collect -d emu:cx7 -q --only reg.MGIR >name) || fail "default name"
grep -Eq '^\./fwbox-.+-0000-[0-9a-f]{2}-[0-9a-f]{2}\.[0-7]-[0-9]{8}T[0-9]{6}Z\.tar\.zst$' \
	"$SCRATCH/name" || fail "default name: $(cat "$SCRATCH/name")"
(cd "$SCRATCH" && [ -f "$(cat name)" ]) || fail "default-named bundle missing"

# -o names a folder; --compress picks the suffix.
mkdir "$SCRATCH/dir"
"$FWBOX" collect -d emu:cx5 -o "$SCRATCH/dir" --compress none --only host.info -q >/dev/null
ls "$SCRATCH/dir" | grep -q '\.tar$' || fail "-o FOLDER with --compress none"

# Tracer control: the raw ring, and the index says ownership was taken.
"$FWBOX" collect -d emu:cx7,owner=none --only trace --trace-control -o "$SCRATCH/ring.tar.zst" -q --json \
	>"$SCRATCH/ring.json" || fail "--trace-control run"
python3 -c '
import json, sys, os
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
k = fwjson.kinds(fwjson.one(sys.argv[1]))["trace.ring"]
assert k["outcome"] == "ok" and k["bytes"] == 262144, k
assert "ownership" in k["reason"], k
' "$SCRATCH/ring.json" || fail "trace.ring with --trace-control"
# The wait runs emulated firmware time: one second fills the ring with
# events that `fwbox trace` decodes (with no wait the ring stays empty).
"$FWBOX" collect -d emu:cx7,owner=none --only trace --trace-control --trace-seconds 1 \
	-o "$SCRATCH/ring1.tar.zst" -q >/dev/null || fail "--trace-seconds 1 run"
"$FWBOX" trace --json "$SCRATCH/ring1.tar.zst" >"$SCRATCH/ring1.json" 2>"$SCRATCH/ring1.err" ||
	fail "fwbox trace on the ring bundle: $(cat "$SCRATCH/ring1.err")"
python3 -c '
import json, sys, os
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
ev = [e for e in fwjson.load(sys.argv[1]) if e["kind"] == "trace.ring"]
assert len(ev) >= 100, len(ev)
assert all(e["pci"] == "0000:08:00.0" and e["message"] for e in ev)
' "$SCRATCH/ring1.json" || fail "trace.ring after --trace-seconds 1 decodes into too few events"
"$FWBOX" trace --json "$SCRATCH/ring.tar.zst" 2>/dev/null >"$SCRATCH/ring0.json" || true
python3 -c '
import json, sys, os
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
ev = [e for e in fwjson.load(sys.argv[1]) if e["kind"] == "trace.ring"]
assert len(ev) == 0, len(ev)
' "$SCRATCH/ring0.json" || fail "trace.ring without a wait should hold no events"

# kernel.log on the emulator: the emulated driver's lines, the fatal
# report after fatal-after=N.
"$FWBOX" collect -d emu:cx7 --only kernel.log -o "$SCRATCH/klog.tar" --compress none -q \
	>/dev/null || fail "kernel.log run"
"$FWBOX" extract -o "$SCRATCH/klog" "$SCRATCH/klog.tar" kernel.log || fail "extract kernel.log"
grep -qx 'mlx5_core 0000:08:00.0: firmware version: 28\.[0-9]*\.[0-9]*' "$SCRATCH/klog" ||
	fail "kernel.log lacks the firmware version line: $(cat "$SCRATCH/klog")"
! grep -q 'Fatal error' "$SCRATCH/klog" || fail "healthy emulator logged a fatal error"
"$FWBOX" collect -d emu:cx7,fatal-after=0 --only kernel.log -o "$SCRATCH/klogf.tar" \
	--compress none -q >/dev/null || true
"$FWBOX" extract -o "$SCRATCH/klogf" "$SCRATCH/klogf.tar" kernel.log || fail "extract fatal kernel.log"
grep -q '^mlx5_core 0000:08:00.0: poll_health: Fatal error [0-9]* detected$' "$SCRATCH/klogf" ||
	fail "fatal kernel.log: $(cat "$SCRATCH/klogf")"
grep -q '^mlx5_core 0000:08:00.0: synd 0x[0-9a-f]*: ' "$SCRATCH/klogf" || fail "fatal kernel.log lacks synd"

# The kernel driver owns the tracer (the emulator's default): skipped, exit 0.
"$FWBOX" collect -d emu:cx7 --only trace.ring --trace-control -o "$SCRATCH/own.tar.zst" -q --json \
	>"$SCRATCH/own.json" || fail "--trace-control with the tracer owned elsewhere"
grep -Eq '"outcome": *"skipped"' "$SCRATCH/own.json" || fail "owned tracer not recorded as skipped"

# --plan: prints the commands, sends none, writes nothing.
"$FWBOX" collect -d emu:cx7 --plan -o "$SCRATCH/plan.tar.zst" >"$SCRATCH/plan"
grep -Eq 'reg.MGIR .*opcode=0x805 op_mod=1 +MGIR ' "$SCRATCH/plan" || fail "plan lacks the MGIR read"
grep -q 'opcode=0x100' "$SCRATCH/plan" || fail "plan lacks QUERY_HCA_CAP"
[ ! -e "$SCRATCH/plan.tar.zst" ] || fail "--plan wrote a bundle"
"$FWBOX" collect -d emu:cx7 --plan --json >"$SCRATCH/plan.json"
python3 -c '
import json, sys, os
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
p = fwjson.one(sys.argv[1])
assert p["device_commands"] == 0, p["device_commands"]
assert len(p["commands"]) > 20
' "$SCRATCH/plan.json" || fail "--plan sent commands"

# Usage errors.
expect_exit 2 "$FWBOX" collect --compress lz4
expect_exit 2 "$FWBOX" collect --trace-seconds x
expect_exit 2 "$FWBOX" collect -d emu:cx7 --only nosuchkind
expect_exit 2 "$FWBOX" collect extra-arg
# An existing file is never replaced.
expect_exit 1 "$FWBOX" collect -d emu:cx7 -o "$SCRATCH/cx7.tar.zst" -q
echo ok
