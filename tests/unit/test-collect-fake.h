/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * test-collect-fake: a scripted firmware for the collector's tests.  It
 * answers ACCESS_REG reads (register bytes derived from the id), MTRC_CAP
 * with two strings-DB sections, MTRC_STDB reads of any size, QUERY_HCA_CAP,
 * and a multi-page inline RESOURCE_DUMP (menu, CRSPACE, other segments),
 * with per-register faults.  Every byte is a function of its position so
 * tests can check artifacts exactly.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device/device.h"

#define STR0_SIZE 70000u     /* several transport-sized chunks */
#define STR1_SIZE 320u
#define CRSPACE_SIZE 1000u   /* 5 inline pages of 208 bytes */
#define SEG_SIZE 300u        /* other segments: 2 pages */

struct fake {
	uint64_t commands;
	size_t max_rpc;
	uint16_t fail_reg;           /* ACCESS_REG of this id: bad param status */
	uint16_t timeout_reg;        /* -ETIMEDOUT */
	uint16_t short_reg;          /* outbox cut in half */
	bool no_crspace;
	/* CORE_DUMP CR_DUMP_TO_MEM: user memory registered by the collector. */
	uint8_t *umem;
	size_t umem_len;
	uint32_t umem_id;
	bool can_umem;               /* offer user memory (CORE_DUMP path) */
	uint8_t menu[16 + 20 + 8 + 3 * 52 + 4];
	size_t menu_len;
	/* Every command that arrived, in order (the first FAKE_LOG of them). */
	struct fake_cmd {
		uint16_t opcode, op_mod, reg_id;
		size_t inlen, outlen;
	} log[512];
	size_t nlog;
};
#define FAKE_LOG 512u

/* CR-space of the fake for CORE_DUMP: CR_RUNS runs of CR_RUN_DW dwords
 * starting at CR_RUN_BASE(i); value of a dword is cr_value(addr). */
#define CR_RUNS 3u
#define CR_RUN_DW 300u
#define CR_RUN_BASE(i) (0x1000u + (uint32_t)(i) * 0x10000u)
#define CR_CALL_BYTES 2000u      /* pairs the fake writes per CORE_DUMP call, at most */
uint32_t cr_value(uint32_t addr);

void fake_init(struct fake *f, size_t max_rpc);
uint8_t str_byte(unsigned idx, uint32_t off);
uint8_t seg_byte(uint16_t seg, uint32_t off);
/* One mailbox: returns the outbox bytes filled, or a negative errno. */
int fake_rpc(struct fake *f, const void *in, size_t inlen, void *out, size_t outlen);
/* The fake behind a real device object (the allowlist gate, the
 * transport's short-reply convention), as the collector's mlx5 layer
 * sends through one.  Closing the device leaves the fake alone. */
/* What the fake says about itself (pci 0000:08:00.0, transport "fake"). */
int fake_device_info(void *priv, struct fw_device_info *ret);
int fake_device_new(struct fw_ctx *ctx, struct fake *f, struct fw_device **ret);
/* The same with a health part (reporters, trace text, ...) next to it. */
int fake_device_new_with(struct fw_ctx *ctx, struct fake *f,
			 const struct fw_health_methods *health, void *health_priv,
			 struct fw_device **ret);
