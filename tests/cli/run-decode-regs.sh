#!/bin/sh
# fwbox regs: field-level decode of a register snapshot from the catalog.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE="$top_builddir/tests/mkbundle"
[ -x "$MKBUNDLE" ] || fail "tests/mkbundle is missing: run this through make check, which builds it"
scratch
fx="$top_srcdir/tests/fixtures/decode"
"$MKBUNDLE" -o "$SCRATCH/b.tar.zst" reg.MGIR="$fx/reg.MGIR" crspace="$fx/crspace" >/dev/null

"$FWBOX" regs "$SCRATCH/b.tar.zst" > "$SCRATCH/out"
grep -qx 'MGIR.device_hw_revision = 0xa1' "$SCRATCH/out" || fail "device_hw_revision"
grep -qx 'MGIR.device_id = 0x101d' "$SCRATCH/out" || fail "device_id"
"$FWBOX" regs "$SCRATCH/b.tar.zst" mgir | grep -q '^MGIR\.' || fail "REGISTER filter (any case)"
expect_exit 1 "$FWBOX" regs "$SCRATCH/b.tar.zst" PDDR
"$FWBOX" regs "$SCRATCH/b.tar.zst" --json > "$SCRATCH/json"
python3 - "$SCRATCH/json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
d = [f for f in a if f["field"] == "device_id"][0]
assert d["register"] == "MGIR" and d["value"] == 0x101d and d["register_id"] == 0x9020, d
PY

# A name outside the catalog is a usage error; a captured register whose
# step failed says so, with the recorded reason.
expect_exit 2 "$FWBOX" regs "$SCRATCH/b.tar.zst" NOSUCHREG
"$FWBOX" regs "$SCRATCH/b.tar.zst" NOSUCHREG 2>&1 | grep -q "'NOSUCHREG' is not in the register catalog" ||
	fail "unknown register name not reported as outside the catalog"
"$FWBOX" regs "$SCRATCH/b.tar.zst" PDDR 2>&1 | grep -q "register 'PDDR' was not captured" ||
	fail "absent register not reported as not captured"
"$FWBOX" collect -d emu:cx7,seed=3,fail=MGIR -q -o "$SCRATCH/f.tar.zst" >/dev/null 2>&1 || true
expect_exit 1 "$FWBOX" regs "$SCRATCH/f.tar.zst" MGIR
"$FWBOX" regs "$SCRATCH/f.tar.zst" mgir 2>&1 |
	grep -q "register 'MGIR' was captured in '.*' but its step failed: firmware returned status" ||
	fail "failed MGIR step not explained with its reason"
echo ok
