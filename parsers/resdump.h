/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * resdump: the RESOURCE_DUMP segment stream, as the kernel reads it in
 * drivers/net/ethernet/mellanox/mlx5/core/diag/rsc_dump.c, with the segment
 * layouts of include/linux/mlx5/mlx5_ifc.h (resource_dump_*_segment_bits).
 * Each segment starts with a big-endian dword: bits 31..16 length in dwords
 * including the header, bits 15..0 segment type.  Incremental: feed chunks,
 * one segment is held at a time (at most 65535 dwords).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

enum resdump_type {
	RESDUMP_MENU = 0xffff,
	RESDUMP_INFO = 0xfffe,
	RESDUMP_REFERENCE = 0xfffd,
	RESDUMP_ERROR = 0xfffc,
	RESDUMP_TERMINATE = 0xfffb,
	RESDUMP_COMMAND = 0xfffa,
	RESDUMP_NOTICE = 0xfff9,
};

/* "MENU", "INFO", ..., "RESOURCE" for 0x0000-0xfeff, "RESERVED" otherwise. */
const char *resdump_type_kind(uint16_t type);

/*
 * One segment.  Fields are set according to kind; the rest are zero.
 *  - offset: byte offset of the header in the stream; length: bytes,
 *    header included; type, kind (resdump_type_kind);
 *  - name: the resource's name from a menu seen earlier in the same
 *    decoder (or NULL);
 *  - INFO: dump_version, hw_version, fw_version;
 *  - COMMAND, REFERENCE: segment_called (REFERENCE: reference_segment),
 *    vhca_id, index1, index2, num_of_obj1, num_of_obj2;
 *  - MENU: num_records (the records go to the menu callback);
 *  - NOTICE, ERROR: syndrome_id and text (the 32-byte ASCII message);
 *  - resource segments: index1, index2, payload (from byte 16).
 *  payload/payload_len: the bytes after the fixed part (all segments).
 */
struct resdump_segment {
	uint64_t offset;
	uint32_t length;
	uint16_t type;
	const char *kind;
	const char *name;
	uint32_t dump_version, hw_version, fw_version;
	uint16_t segment_called, vhca_id;
	uint32_t index1, index2;
	uint16_t num_of_obj1, num_of_obj2;
	uint16_t num_records;
	uint16_t syndrome_id;
	char text[33];
	const uint8_t *payload;
	size_t payload_len;
};

/* A menu record: the segment type a resource can be dumped as, its names
 * and support flags (bits 27..16 of dword 0). */
struct resdump_menu_record {
	uint16_t type;
	uint16_t flags;
	char segment_name[17];
	char index1_name[17];
	char index2_name[17];
};

typedef int (*resdump_segment_fn)(void *ud, const struct resdump_segment *s);
typedef int (*resdump_menu_fn)(void *ud, const struct resdump_menu_record *m);
typedef void (*resdump_problem_fn)(void *ud, uint64_t offset, int err, const char *msg);

struct resdump;

int resdump_new(struct fw_ctx *ctx, resdump_segment_fn seg, resdump_menu_fn menu,
		resdump_problem_fn problem, void *ud, struct resdump **ret);
void resdump_free(struct resdump *r);
/* Returns 0 or a callback's negative code.  A segment of length 0 is
 * reported and ends the stream (nothing after it can be framed).  Framing
 * goes on after TERMINATE, so concatenated dumps decode in one stream. */
int resdump_feed(struct resdump *r, const void *data, size_t len);
int resdump_finish(struct resdump *r);
uint64_t resdump_count(const struct resdump *r);
/* Name known for a segment type from the menus seen, or NULL. */
const char *resdump_type_name(const struct resdump *r, uint16_t type);
/* Forget the stream position (not the menu names): start a new stream. */
void resdump_reset(struct resdump *r);
