#!/usr/bin/env python3
"""Recipe for tests/fuzz/corpus/devlink/: devlink reply buffers laid out as
the kernel sends them (netlink header, genetlink header, attributes), one
file per reply stream.  Run from tests/fuzz: python3 make-devlink-seeds.py"""
import os
import struct

NLM_F_MULTI = 2
NLMSG_ERROR, NLMSG_DONE = 2, 3
FAM = 0x14


def attr(t, payload, nested=False):
    t |= 0x8000 if nested else 0
    a = struct.pack('<HH', 4 + len(payload), t) + payload
    return a + b'\0' * ((4 - len(a) % 4) % 4)


def s(t, v):
    return attr(t, v.encode() + b'\0')


def u8(t, v):
    return attr(t, struct.pack('<B', v))


def u32(t, v):
    return attr(t, struct.pack('<I', v))


def u64(t, v):
    return attr(t, struct.pack('<Q', v))


def nest(t, *items):
    return attr(t, b''.join(items), nested=True)


def msg(seq, cmd, attrs, flags=NLM_F_MULTI, typ=FAM):
    body = struct.pack('<BBH', cmd, 1, 0) + attrs
    return struct.pack('<IHHII', 16 + len(body), typ, flags, seq, 0) + body


def done(seq, err=0):
    return struct.pack('<IHHIIi', 20, NLMSG_DONE, NLM_F_MULTI, seq, 0, err)


def error(seq, err):
    return struct.pack('<IHHIIi', 36, NLMSG_ERROR, 0, seq, 0, err) + b'\0' * 16


DEV = s(1, 'pci') + s(2, '0000:08:00.0')


def reporter(name, state, errs, dump):
    items = [s(115, name), u8(116, state), u64(117, errs), u64(118, errs // 2),
             u64(120, 60000), u8(121, 1), u8(141, 1)]
    if dump:
        items += [u64(119, 4295012345), u64(137, 1764043174123456789)]
    return DEV + nest(114, *items)


seeds = {
    'reporters': msg(5, 52, reporter('fw', 0, 0, False)) +
                 msg(5, 52, reporter('fw_fatal', 1, 3, True)) + done(5),
    'diagnose': msg(6, 55, DEV + nest(106, attr(107, b''), attr(108, b''), s(111, 'Syndrome'),
                                      u8(112, 1), u8(113, 1), attr(110, b''), attr(110, b''))) +
                done(6),
    'dump-binary': msg(7, 56, DEV + nest(106, attr(107, b''), attr(108, b''),
                                         s(111, 'crdump_data'), attr(109, b''), u8(112, 11),
                                         attr(113, bytes(range(256))), attr(110, b''),
                                         attr(110, b''), attr(110, b''))) + done(7),
    'region': msg(8, 42, DEV + s(88, 'cr-space') + u64(89, 512) +
                  nest(90, nest(91, u32(92, 1)), nest(91, u32(92, 7)))) + done(8),
    'chunks': msg(9, 46, DEV + s(88, 'cr-space') +
                  nest(93, nest(94, attr(95, bytes(256)), u64(96, 0)),
                       nest(94, attr(95, b'\x5a' * 256), u64(96, 256)))) + done(9),
    'error-enoent': error(10, -2),
    'family': msg(11, 1, attr(1, struct.pack('<H', 0x14)) + s(2, 'devlink'),
                  flags=0, typ=0x10),
    # Hostile lengths (issue 10): nlmsg_len of 2^31 took libmnl's signed
    # check to a read 2.9 GB past the buffer; all-0xff bytes (nlmsg_len
    # 2^32-1, NLM_F_MULTI) made its walk spin for ever; an attribute whose
    # nla_len runs past its message.
    'nlmsg-len-2g': struct.pack('<IHHII', 0x80000000, FAM, NLM_F_MULTI, 12, 0) +
                    struct.pack('<BBH', 52, 1, 0) + DEV + b'\0' * 20,
    # 0xb0000000: the signed bytes-left wraps back to positive, and libmnl
    # read the next header 2.9 GB past the buffer (SEGV in mnl_nlmsg_ok).
    'nlmsg-len-2g9': struct.pack('<IHHII', 0xb0000000, FAM, NLM_F_MULTI, 12, 0) +
                     struct.pack('<BBH', 52, 1, 0) + DEV + b'\0' * 20,
    'all-ff-68': b'\xff' * 68,
    'attr-past-end': msg(13, 52, DEV + struct.pack('<HH', 200, 114) + b'\0' * 8) + done(13),
}

os.makedirs('corpus/devlink', exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join('corpus/devlink', name), 'wb') as f:
        f.write(data)
