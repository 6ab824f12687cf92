#!/bin/sh
# fwbox health (fwbox-health(1)): the verdict in words and the decoded
# health buffer and reporters, from live emulated devices and from
# bundles, checked against the raw bytes (fwbox extract, decoded here in
# Python) and against the reporter list as collect stored it.
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || exit 77
scratch
cd "$SCRATCH"
export FWBOX_DB="$SCRATCH/h.db"

# verdict NAME WANT ARGS...: run health -j on ARGS into NAME.json; every
# object's verdict must be WANT, and the text output must say it too.
verdict() {
	name=$1 want=$2
	shift 2
	"$FWBOX" health -j "$@" >"$name.json" || fail "$name: health -j exited $?"
	"$FWBOX" health "$@" >"$name.txt" || fail "$name: health exited $?"
	python3 - "$name.json" "$want" <<'PY' || fail "$name: verdict (expected $want)"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
assert objs and all(o["verdict"] == sys.argv[2] for o in objs), objs
assert all(o["fatal"] == (sys.argv[2] == "fatal") for o in objs), objs
PY
	grep -q "^Verdict: $want: " "$name.txt" || fail "$name: text: $(cat "$name.txt")"
}

# Live devices: healthy, a firmware error (no rfr), fatal.
verdict healthy healthy emu:cx7
verdict error error emu:cx7,fw-error-after=0
verdict fatal fatal emu:cx7,fatal-after=0
verdict fatal-d fatal -d emu:cx7,fatal-after=0
grep -q "health syndrome 0x.* and it asks for a reset (rfr)" fatal.txt || fail "fatal words"
grep -q "fw_fatal reporter is in error" fatal.txt || fail "fatal reporter words"
grep -q "no reset requested" error.txt || fail "error words: $(cat error.txt)"
python3 - healthy.json error.json fatal.json <<'PY' || fail "device JSON"
import json, sys
h, e, f = (json.loads(open(p).readline()) for p in sys.argv[1:])
assert h["bundle"] is None and h["pci"] == "0000:08:00.0" and h["source"] == "emu:cx7", h
assert h["health_buffer"]["fields"]["synd"] == 0 and h["health_buffer"]["synd_name"] is None
assert h["health_buffer"]["fw_version"] == "28.39.2048", h
r = {x["reporter"]: x for x in h["reporters"]}
assert r["fw"]["state"] == "healthy" and r["fw_fatal"]["state"] == "healthy", r
fb = f["health_buffer"]
assert fb["fields"]["synd"] != 0 and fb["fields"]["rfr"] == 1 and fb["synd_name"], fb
r = {x["reporter"]: x for x in f["reporters"]}
assert r["fw_fatal"]["state"] == "error" and r["fw_fatal"]["error_count"] >= 1, r
assert r["fw_fatal"]["has_dump"] is True and r["fw_fatal"]["dump_time"], r
eb = e["health_buffer"]["fields"]
assert eb["synd"] != 0 and eb["rfr"] == 0, eb
r = {x["reporter"]: x for x in e["reporters"]}
assert r["fw"]["state"] == "error" and r["fw"]["error_count"] >= 1, r
PY

# Bundles: a healthy card, and one that went fatal during the collection
# (the health steps were read again as KIND.after).
"$FWBOX" collect -q -d emu:cx7,seed=2 -o ok.tar.zst >/dev/null
rc=0; "$FWBOX" collect -q -d emu:cx7,fatal-after=5 -o fat.tar.zst >/dev/null || rc=$?
[ "$rc" -eq 3 ] || fail "fatal collect exited $rc"
verdict b-ok healthy ok.tar.zst
verdict b-fat fatal fat.tar.zst
grep -q "it went fatal during the collection" b-fat.txt || fail "b-fat: $(cat b-fat.txt)"
for k in health.buffer health.buffer.after health.reporters.after; do
	"$FWBOX" extract fat.tar.zst "$k" >"$k.bin"
done
python3 - b-fat.json <<'PY' || fail "bundle JSON against the raw bytes"
import json, struct, sys
o = json.loads(open(sys.argv[1]).readline())
assert len(o["bundle"]) == 36 and o["pci"] == "0000:08:00.0", o
for key, f in (("health_buffer", "health.buffer.bin"), ("health_buffer_after", "health.buffer.after.bin")):
    raw = open(f, "rb").read()
    fl = o[key]["fields"]
    assert fl["synd"] == raw[0x3d], (key, fl)
    assert fl["ext_synd"] == struct.unpack(">H", raw[0x3e:0x40])[0], (key, fl)
    assert fl["rfr"] == raw[0x38] >> 7, (key, fl)
    assert fl["fw_ver"] == struct.unpack(">I", raw[0x30:0x34])[0], (key, fl)
    for i in range(6):
        assert fl["assert_var[%d]" % i] == struct.unpack(">I", raw[4 * i:4 * i + 4])[0]
assert o["health_buffer"]["fields"]["synd"] == 0
assert o["health_buffer_after"]["fields"]["synd"] != 0
# The reporter states are those of the list read after the fatal error.
after = json.load(open("health.reporters.after.bin"))["health"]
(handle, reps), = after.items()
assert handle == "pci/0000:08:00.0", handle
got = {r["reporter"]: r for r in o["reporters"]}
for r in reps:
    g = got[r["reporter"]]
    assert g["state"] == r["state"] and g["error_count"] == r["error"], (g, r)
    assert g["recover_count"] == r["recover"] and g["has_dump"] == r["has_dump"], (g, r)
PY

# Hand-made bundles (tests/mkbundle): a health buffer of all ones (the
# function no longer answers on PCI) is fatal; a reporter list alone with
# fw in error is an error; a health buffer cut short is a warning naming
# it, and with nothing else to judge, nothing to show.
MKBUNDLE="$top_builddir/tests/mkbundle"
head -c 64 /dev/zero | tr '\0' '\377' >ff.bin
"$MKBUNDLE" -o ff.tar.zst health.buffer=ff.bin >/dev/null
verdict b-ff fatal ff.tar.zst
grep -q "does not answer: its health buffer reads all ones" b-ff.txt || fail "ff: $(cat b-ff.txt)"
printf '%s' '{"health":{"pci/0000:03:00.0":[{"reporter":"fw","state":"error","error":3,"recover":3,"has_dump":false}]}}' >rep.json
"$MKBUNDLE" -o rep.tar.zst health.reporters=rep.json >/dev/null
verdict b-rep error rep.tar.zst
python3 - b-rep.json <<'PY' || fail "reporter list alone"
import json, sys
o = json.loads(open(sys.argv[1]).readline())
assert o["health_buffer"] is None and o["health_buffer_after"] is None, o
(r,) = o["reporters"]
assert (r["reporter"], r["state"], r["error_count"], r["recover_count"]) == ("fw", "error", 3, 3), r
assert r["diagnose"] is None and r["dump_time"] is None, r
PY
head -c 10 /dev/zero >short.bin
"$MKBUNDLE" -o short.tar.zst health.buffer=short.bin >/dev/null
set +e
"$FWBOX" health short.tar.zst >out 2>err; rc=$?
set -e
[ "$rc" -eq 4 ] && [ ! -s out ] || fail "short buffer: exit $rc, $(cat out)"
grep -q "^fwbox health: warning: 'short.tar.zst': 'health.buffer' at offset 0: .*10 bytes, need 64" err ||
	fail "short buffer: $(cat err)"

# A capture of the history by UUID prefix, and several inputs at once.
"$FWBOX" load -q fat.tar.zst
uuid=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["bundle"])' b-fat.json)
verdict b-uuid fatal "$(echo "$uuid" | cut -c1-8)"
"$FWBOX" health -j ok.tar.zst fat.tar.zst emu:cx7 >three.json
[ "$(wc -l <three.json)" -eq 3 ] || fail "three inputs, $(wc -l <three.json) objects"

# Nothing to show, a missing file, one bad input among good ones, usage.
"$FWBOX" collect -q -d emu:cx7 --only reg.MGIR -o nohealth.tar.zst >/dev/null
set +e
"$FWBOX" health nohealth.tar.zst >out 2>err; rc=$?
set -e
[ "$rc" -eq 4 ] && [ ! -s out ] || fail "no health artifacts: exit $rc, $(cat out)"
grep -q "^fwbox health: no health buffer or reporter in" err || fail "nothing: $(cat err)"
set +e
"$FWBOX" health missing.tar.zst >out 2>err; rc=$?
set -e
[ "$rc" -eq 1 ] || fail "missing file: exit $rc"
grep -q "^fwbox health: .*missing.tar.zst" err || fail "missing: $(cat err)"
[ "$(grep -c missing.tar.zst err)" -eq 1 ] || fail "missing: the name more than once: $(cat err)"
expect_exit 3 "$FWBOX" health ok.tar.zst missing.tar.zst
expect_exit 1 "$FWBOX" health emu:nosuchcard
expect_exit 2 "$FWBOX" health
expect_exit 2 "$FWBOX" health --bogus ok.tar.zst
"$FWBOX" health --help | grep -q '^Usage: fwbox health'
"$FWBOX" help health | grep -q '^Usage: fwbox health'
echo ok
