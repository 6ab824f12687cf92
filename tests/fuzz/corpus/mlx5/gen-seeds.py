#!/usr/bin/env python3
# Recipe for the fuzz-mlx5 seeds (see README).
import struct, os
here = os.path.dirname(os.path.abspath(__file__))

def outbox(reg, status=0, synd=0):
    return struct.pack('>II8x', status << 24, synd) + reg

def resdump_reply(seq, more, payload):
    reg = bytearray(256)
    struct.pack_into('>I', reg, 0, (more << 31) | (1 << 30) | (seq << 16) | 0x1000)
    struct.pack_into('>I', reg, 36, len(payload))
    reg[48:48 + len(payload)] = payload
    return outbox(bytes(reg))

def mtrc_cap(ndb, sizes):
    reg = bytearray(128)
    struct.pack_into('>I', reg, 0, (1 << 30) | ndb)
    for i, sz in enumerate(sizes):
        struct.pack_into('>II', reg, 16 + 8 * i, 0x100000 * (i + 1), sz)
    return outbox(bytes(reg))

def stdb_reply(n):
    return outbox(bytes(8) + bytes((i * 7) & 0xff for i in range(n)))

seeds = {
    'seed-resdump-3calls': bytes([0, 0]) + resdump_reply(1, 1, b'A' * 208) +
        resdump_reply(2, 1, b'B' * 208) + resdump_reply(3, 0, b'C' * 20),
    'seed-resdump-badseq': bytes([0, 0]) + resdump_reply(5, 1, b'A' * 208),
    'seed-resdump-status': bytes([0, 0]) + outbox(bytes(256), 3, 0x1a2b3c),
    'seed-tracer-db0': bytes([1, 0]) + mtrc_cap(2, [300, 64]) + stdb_reply(300),
    'seed-tracer-db1': bytes([1, 1]) + mtrc_cap(2, [300, 64]) + stdb_reply(64),
    'seed-tracer-all': bytes([1, 0x80]) + mtrc_cap(2, [300, 64]) + stdb_reply(300) + stdb_reply(64),
    'seed-tracer-toomany': bytes([1, 0]) + mtrc_cap(12, [64]),
    'seed-coredump': bytes([2, 2]) + outbox(struct.pack('>IIIIIIQQ', 1 << 31 | 2, 0, 7, 9, 0x1234,
                                                        0x2000, 0, 0x500c04) + bytes(24)),
}
for name, data in seeds.items():
    with open(os.path.join(here, name), 'wb') as f:
        f.write(data)
