#!/usr/bin/env python3
# Recipe for the seed corpora of fuzz-emu-cmd and fuzz-emu-csv.
# Run from the source tree: python3 tests/fuzz/make-emu-corpus.py
import os, struct

here = os.path.dirname(os.path.abspath(__file__))
cmd = os.path.join(here, "corpus", "emu-cmd")
csv = os.path.join(here, "corpus", "emu-csv")
os.makedirs(cmd, exist_ok=True)
os.makedirs(csv, exist_ok=True)

def mbox(name, outlen, opcode, op_mod, words=b"", data=b""):
    hdr = struct.pack(">HHHH", opcode, 0, 0, op_mod) + words.ljust(8, b"\0")
    open(os.path.join(cmd, name), "wb").write(struct.pack(">H", outlen - 16) + hdr + data)

def reg(name, reg_id, size, write=False, data=b""):
    mbox(name, 16 + size, 0x805, 0 if write else 1, struct.pack(">II", reg_id, 0), data.ljust(size, b"\0"))

reg("mgir", 0x9020, 160)
reg("mcam", 0x907f, 72)
reg("mtrc-cap", 0x9040, 128)
reg("mtrc-cap-own", 0x9040, 128, True, b"\x80")
reg("mtrc-stdb", 0x9042, 264, True, struct.pack(">II", 0x00000100, 0))
reg("resdump-menu", 0xc000, 256, False, struct.pack(">I", 0xffff))
reg("resdump-crspace", 0xc000, 256, False, struct.pack(">IIIII", 0x7000, 0, 0, 0, 0xffff0000))
reg("core-dump-general", 0x402e, 64, True)
reg("pddr-page3", 0x5031, 256, False, struct.pack(">II", 0x00010000, 3))
reg("ppcnt-grp12", 0x5008, 256, False, struct.pack(">I", 0x00010012))
reg("mcia", 0x9014, 64, False, struct.pack(">III", 0, 148, 16))
mbox("hca-cap-debug", 16 + 4096, 0x100, (0xd << 1) | 1)
mbox("hca-cap-general", 16 + 4096, 0x100, 1)
mbox("bad-opcode", 16, 0xfff, 0)
open(os.path.join(cmd, "short-inbox"), "wb").write(b"\x00\x10\x08\x05")

open(os.path.join(csv, "mstflint-head.csv"), "w").write(
    "#Addr, Size, Enable addr\n0x000000,16384,\n0x040000,4,\n0x048000,129,\n0x04820c,1,\n")
open(os.path.join(csv, "overlap.csv"), "w").write("0x100,8,\n0x104,2,\n0x0,64,0xf0000\n")
open(os.path.join(csv, "bad.csv"), "w").write("0x10,x,\n")
open(os.path.join(csv, "crlf.csv"), "w").write("0x0,4,\r\n0x20,1,\r\n")
