#!/usr/bin/env python3
"""Seeds for fuzz-devlink-monitor: devlink health notifications as the
kernel's devlink_recover_notify() sends them (DEVLINK_CMD_HEALTH_REPORTER_RECOVER
= 54 with BUS_NAME, DEV_NAME and a HEALTH_REPORTER nest), family id 0x1a.
Run from the source tree: python3 tests/fuzz/make-devlink-monitor-seeds.py"""
import os
import struct

FAMILY = 0x1A


def attr(t, payload):
    n = 4 + len(payload)
    return struct.pack("<HH", n, t) + payload + b"\0" * ((4 - n % 4) % 4)


def strz(t, s):
    return attr(t, s.encode() + b"\0")


def msg(cmd, attrs, seq=0):
    body = struct.pack("<BBH", cmd, 1, 0) + attrs
    return struct.pack("<IHHII", 16 + len(body), FAMILY, 0, seq, 0) + body


def reporter(name, state, err, rec, dump_ts=None):
    a = strz(115, name) + attr(116, bytes([state])) + attr(117, struct.pack("<Q", err))
    a += attr(118, struct.pack("<Q", rec)) + attr(120, struct.pack("<Q", 0))
    a += attr(121, b"\1") + attr(141, b"\1")
    if dump_ts is not None:
        a += attr(137, struct.pack("<Q", dump_ts))
    return attr(114 | 0x8000, a)


def dev(bus, name):
    return strz(1, bus) + strz(2, name)


out = os.path.join(os.path.dirname(__file__), "corpus", "devlink-monitor")
os.makedirs(out, exist_ok=True)
seeds = {
    "error": msg(54, dev("netdevsim", "netdevsim10") + reporter("dummy", 1, 1, 0)),
    "recovered": msg(54, dev("pci", "0000:08:00.0") + reporter("fw_fatal", 0, 1, 1, 1796512604243927640)),
    "two": msg(54, dev("pci", "0000:08:00.0") + reporter("fw", 1, 3, 0))
    + msg(54, dev("pci", "0000:08:00.1") + reporter("fw", 1, 1, 0)),
    "other-cmd": msg(3, dev("pci", "0000:08:00.0")),
    "no-nest": msg(54, dev("pci", "0000:08:00.0")),
    # Hostile lengths (issue 10): libmnl's signed mnl_nlmsg_ok() took
    # nlmsg_len 2^31 past the buffer, and 0xffffffff (all-0xff bytes) made
    # the walk spin for ever.
    "nlmsg-len-2g": struct.pack("<IHHII", 0x80000000, FAMILY, 0, 1, 0) + bytes(52),
    "nlmsg-len-2g9": struct.pack("<IHHII", 0xb0000000, FAMILY, 0, 1, 0) + bytes(52),
    "all-ff-68": b"\xff" * 68,
}
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
