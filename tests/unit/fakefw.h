/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * fakefw: a small scripted firmware for the ioctl transport tests, used
 * until the emulator (src/emu, emu_cmd()) is on main.  It answers like
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
