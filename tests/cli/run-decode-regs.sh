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
# Nothing to show is exit 4 (fwbox(1)).
expect_exit 4 "$FWBOX" regs "$SCRATCH/b.tar.zst" PDDR
expect_exit 4 "$FWBOX" regs -r PDDR "$SCRATCH/b.tar.zst"
"$FWBOX" regs "$SCRATCH/b.tar.zst" --json > "$SCRATCH/json"
python3 - "$SCRATCH/json" <<'PY'
import json, sys
a = [json.loads(line) for line in open(sys.argv[1])]   # one field a line
d = [f for f in a if f["field"] == "device_id"][0]
assert d["register"] == "MGIR" and d["value"] == 0x101d and d["register_id"] == 0x9020, d
PY

# A name outside the catalog is a usage error; a captured register whose
# step failed says so, with the recorded reason.
expect_exit 2 "$FWBOX" regs "$SCRATCH/b.tar.zst" NOSUCHREG
"$FWBOX" regs "$SCRATCH/b.tar.zst" NOSUCHREG 2>&1 | grep -q "'NOSUCHREG' is not in the register catalog" ||
	fail "unknown register name not reported as outside the catalog"
# ... and lists the catalog, with the likely intended name.
"$FWBOX" regs "$SCRATCH/b.tar.zst" MGIX 2>&1 | grep -q "did you mean 'MGIR'" ||
	fail "a misspelt register gets no suggestion"
"$FWBOX" regs "$SCRATCH/b.tar.zst" MGIX 2>&1 | grep -q "^  .*PDDR" || fail "the catalog is not listed"
"$FWBOX" regs "$SCRATCH/b.tar.zst" PDDR 2>&1 | grep -q "register 'PDDR' was not captured" ||
	fail "absent register not reported as not captured"
"$FWBOX" collect -d emu:cx7,seed=3,fail=MGIR -q -o "$SCRATCH/f.tar.zst" >/dev/null 2>&1 || true
expect_exit 4 "$FWBOX" regs "$SCRATCH/f.tar.zst" MGIR
"$FWBOX" regs "$SCRATCH/f.tar.zst" mgir 2>&1 |
	grep -q "register 'MGIR' was captured in '.*' but its step failed: firmware returned status" ||
	fail "failed MGIR step not explained with its reason"

# Issue 10: a 6-byte MGIR ends inside dword 1.  num_ports (bits 27..16 of
# that dword) lies in bytes 4-5 and decodes from them alone; technology needs
# byte 6 and is reported, never read (the ASan build of this script failed
# with a heap over-read in `regs` and `load` before the fix).
printf '\000\241\020\035\012\274' > "$SCRATCH/mgir6"
"$MKBUNDLE" -o "$SCRATCH/m6.tar.zst" reg.MGIR="$SCRATCH/mgir6" >/dev/null
"$FWBOX" regs "$SCRATCH/m6.tar.zst" > "$SCRATCH/out6" 2> "$SCRATCH/err6" || fail "regs of a 6-byte MGIR failed"
grep -qx 'MGIR.num_ports = 0xabc' "$SCRATCH/out6" || fail "num_ports not decoded from bytes 4-5"
! grep -q 'technology' "$SCRATCH/out6" || fail "technology decoded from bytes past the artifact"
grep -q "field 'technology' lies past the end of the data" "$SCRATCH/err6" || fail "cut field not reported"
FWBOX_DB="$SCRATCH/h6.db" "$FWBOX" load "$SCRATCH/m6.tar.zst" >/dev/null 2>&1 || fail "load of a 6-byte MGIR failed"
echo ok
