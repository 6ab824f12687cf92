/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * fakefw: the firmware behind the fake nodes of the ioctl transport tests.
 * fakefw_emu_cmd() is the emulated ConnectX (emu_cmd()); fakefw_cmd() is a
 * small scripted firmware whose byte patterns make partial or misplaced
 * copy-back visible in large RPCs.  It answers like
 * firmware: status byte 0 and a recognisable payload for ACCESS_REG reads,
 * status 0x2 (bad opcode) for anything else.  It records every command.
 *
 * Payload of an ACCESS_REG reply: outbox bytes 16.. = register data, whose
 * first dword is the register id and second 0xfeedc0de; every following
 * byte i of the outbox is (uint8_t)(i * 7) so a partial copy-back shows.
 */
#include <stddef.h>
#include <stdint.h>

#define FAKEFW_MAGIC 0xfeedc0deu

int fakefw_cmd(void *userdata, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen);

/* The emulated ConnectX as the firmware behind the fake node: userdata is
 * a struct emu; emu_cmd()'s negative errno becomes the ioctl's errno. */
int fakefw_emu_cmd(void *userdata, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen);
