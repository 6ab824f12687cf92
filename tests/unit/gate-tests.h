/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * gate-tests: test bodies shared by test-mlx5ctl and test-fwctl, run
 * against a fake node backed by the emulated ConnectX:
 *  - the same inbox gives the same outbox through the real ioctl path as
 *    through emu_cmd() directly (two emulators, same seed);
 *  - fw_device_cmd() refuses writes (ACCESS_REG write of PMAOS, SET_HCA_CAP,
 *    CREATE_MKEY) before any ioctl, and lets an allowlisted read through.
 */
#include "core/core.h"
#include "mockdev.h"

/* node: the fake node path; md: its mockdev (already backed by emu). */
void gate_roundtrip(struct fw_ctx *ctx, const char *node, struct mockdev *md);
void gate_refuses(struct fw_ctx *ctx, const char *node, struct mockdev *md);
#define GATE_EMU_SPEC "emu:cx7,seed=7"
