/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * crspace: CR-space images -> (address, value) words, in runs of
 * consecutive addresses.  Three input layouts:
 *  - CRSPACE_FLAT_BE: a flat image of big-endian dwords from base address
 *    0 (CORE_DUMP CR_DUMP_TO_MEM, or a collector's flat capture);
 *  - CRSPACE_CRDUMP: the fw_fatal reporter's crdump_data, dwords in the
 *    host (little-endian) order the kernel's VSC reads stored them; words
 *    still holding the driver's 0xBADACCE5 fill were never read and are
 *    left out;
 *  - CRSPACE_RESDUMP: a RESOURCE_DUMP stream whose resource segments carry
 *    CR-space: index1 is the address of the first dword of the payload,
 *    payload dwords big-endian.  INFO/COMMAND/TERMINATE segments are
 *    skipped, ERROR/NOTICE reported.
 * Incremental: feed chunks; memory is one run (CRSPACE_RUN words) plus, for
 * the resource dump, one segment.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

#define CRSPACE_RUN 1024u
#define CRSPACE_UNREAD 0xBADACCE5u

enum crspace_layout {
	CRSPACE_FLAT_BE = 0,
	CRSPACE_CRDUMP,
	CRSPACE_RESDUMP,
};

/* n consecutive words from addr; values in host order. */
typedef int (*crspace_run_fn)(void *ud, uint32_t addr, const uint32_t *values, size_t n);
typedef void (*crspace_problem_fn)(void *ud, uint64_t offset, int err, const char *msg);

struct crspace;

int crspace_new(struct fw_ctx *ctx, enum crspace_layout layout, crspace_run_fn fn,
		crspace_problem_fn problem, void *ud, struct crspace **ret);
void crspace_free(struct crspace *c);
int crspace_feed(struct crspace *c, const void *data, size_t len);
int crspace_finish(struct crspace *c);
uint64_t crspace_words(const struct crspace *c);
uint64_t crspace_unread(const struct crspace *c);
/* Guess the layout of an image from its first bytes: a resource-dump
 * stream starts with an INFO segment header (type 0xfffe). */
enum crspace_layout crspace_sniff(const void *data, size_t len);

/* mstregdump's line for one dword: "0x%8.8x 0x%8.8x\n" (20 + 1 bytes + NUL). */
#define CRSPACE_MSTDUMP_LINE 23u
size_t crspace_mstdump_line(uint32_t addr, uint32_t value, char buf[CRSPACE_MSTDUMP_LINE]);
