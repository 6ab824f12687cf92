#!/bin/sh
# PDDR's pages: each PDDR snapshot shows the fields of the page it holds
# (page_select), in regs, its JSON and diff; a page with no public layout
# keeps its raw bytes.  The page bytes are written here from the public
# layouts (the kernel's mlx5_ifc_pddr_troubleshooting_page_bits: message
# at register byte 0x14), as a card would answer, and read back with od.
set -e
. "$top_srcdir/tests/cli/lib.sh"
MKBUNDLE="$top_builddir/tests/mkbundle"
[ -x "$MKBUNDLE" ] || fail "tests/mkbundle is missing: run this through make check, which builds it"
scratch
python3 - "$SCRATCH" <<'PY'
import struct, sys
d = sys.argv[1]
def page(sel):
    b = bytearray(256)
    b[1] = 1            # local_port
    b[7] = sel          # page_select
    return b
b = page(1)             # troubleshooting: monitor opcode 0x400, message at 0x14
struct.pack_into(">H", b, 0x0e, 0x400)
m = b"The cable is unplugged"
b[0x14:0x14 + len(m)] = m
open(d + "/p1", "wb").write(b)
b[0x0e:0x10] = b"\0\0"
b[0x14:0x14 + len(m)] = bytes(len(m))
m = b"No issue was observed"
b[0x14:0x14 + len(m)] = m
open(d + "/p1b", "wb").write(b)
b = page(3)             # module info: vendor 0x1c, part 0x2c, serial 0x44, temperature 0x54
b[0x0c] = 0x33          # cable_type PASSIVE_COPPER, cable_vendor NVIDIA
b[0x0e] = 6             # cable_identifier QSFP_DD
b[0x1c:0x2c] = b"NVIDIA          "
b[0x2c:0x3c] = b"MCP7Y00-N001    "
b[0x44:0x54] = b"MT2301XZ0001    "
struct.pack_into(">HH", b, 0x54, 39 * 256 + 128, 33000)
open(d + "/p3", "wb").write(b)
b = page(2)             # no public layout for page 2
b[8:12] = b"\xde\xad\xbe\xef"
open(d + "/p2", "wb").write(b)
PY
for p in p1 p1b p3 p2; do
	"$MKBUNDLE" -o "$SCRATCH/$p.tar.zst" reg.PDDR="$SCRATCH/$p" >/dev/null
done

# Troubleshooting: the opcode named, the message in words, no raw page.
"$FWBOX" regs "$SCRATCH/p1.tar.zst" PDDR > "$SCRATCH/o1"
grep -qx 'PDDR.page_select = TROUBLESHOOTING_INFO (1)' "$SCRATCH/o1" || fail "page_select"
grep -qx 'PDDR.monitor_opcode = CABLE_UNPLUGGED (1024)' "$SCRATCH/o1" || fail "monitor_opcode"
grep -qx 'PDDR.status_message = The cable is unplugged' "$SCRATCH/o1" || fail "status_message"
! grep -q 'page_data\|vendor_sn\|phy_mngr' "$SCRATCH/o1" || fail "fields of another page shown"
# The message is where od finds it in the captured bytes: byte 0x14 (20).
msg=$("$FWBOX" extract "$SCRATCH/p1.tar.zst" reg.PDDR | od -An -c -j20 -N22 | tr -d ' \n')
[ "$msg" = 'Thecableisunplugged' ] || fail "message not at register byte 0x14 ($msg)"

# Module info: identity and a temperature in degrees C (1/256 C units).
"$FWBOX" regs "$SCRATCH/p3.tar.zst" > "$SCRATCH/o3"
grep -qx 'PDDR.cable_type = PASSIVE_COPPER (3)' "$SCRATCH/o3" || fail "cable_type"
grep -qx 'PDDR.cable_identifier = QSFP_DD (6)' "$SCRATCH/o3" || fail "cable_identifier"
grep -qx 'PDDR.vendor_name = NVIDIA' "$SCRATCH/o3" || fail "vendor_name"
grep -qx 'PDDR.vendor_sn = MT2301XZ0001' "$SCRATCH/o3" || fail "vendor_sn"
grep -qx 'PDDR.temperature = 39.5 C' "$SCRATCH/o3" || fail "module temperature"
! grep -q 'status_message\|page_data' "$SCRATCH/o3" || fail "fields of another page shown"

# A page without a layout: the raw bytes, as before.
"$FWBOX" regs "$SCRATCH/p2.tar.zst" > "$SCRATCH/o2"
grep -q '^PDDR.page_data = deadbeef' "$SCRATCH/o2" || fail "unknown page not shown raw"

# JSON: one object a field, the message a string, the opcode a number.
"$FWBOX" regs -j "$SCRATCH/p1.tar.zst" | python3 -c '
import json, sys
f = {o["field"]: o for o in map(json.loads, sys.stdin)}
assert f["status_message"]["value"] == "The cable is unplugged", f
assert f["monitor_opcode"]["value"] == 1024 and f["monitor_opcode"]["enum"] == "CABLE_UNPLUGGED", f
assert "page_data" not in f, f
' || fail "regs --json"

# diff names the page's fields that changed, in the regs form.
set +e
"$FWBOX" diff "$SCRATCH/p1.tar.zst" "$SCRATCH/p1b.tar.zst" --db "$SCRATCH/none.db" > "$SCRATCH/d"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "diff of two different pages exited $rc, expected 1"
grep -q 'monitor_opcode.*CABLE_UNPLUGGED (1024).*NO_ISSUE_OBSERVED (0)' "$SCRATCH/d" ||
	fail "diff does not show the opcode change: $(cat "$SCRATCH/d")"
grep -q 'status_message.*The cable is unplugged.*No issue was observed' "$SCRATCH/d" ||
	fail "diff does not show the message change"

# The emulator's default PDDR read (page 0, operational) decodes as such.
"$FWBOX" collect -q -d emu:cx7,seed=3 --only reg.PDDR -o "$SCRATCH/e.tar.zst" >/dev/null
"$FWBOX" regs "$SCRATCH/e.tar.zst" > "$SCRATCH/oe"
grep -qx 'PDDR.page_select = OPERATIONAL_INFO (0)' "$SCRATCH/oe" || fail "emulator page_select"
grep -qx 'PDDR.phy_mngr_fsm_state = ACTIVE (3)' "$SCRATCH/oe" || fail "emulator phy_mngr_fsm_state"
grep -qx 'PDDR.proto_active = ETHERNET (4)' "$SCRATCH/oe" || fail "emulator proto_active"
! grep -q 'page_data\|status_message' "$SCRATCH/oe" || fail "emulator page 0 shows other fields"
exit 0
