/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * health: devlink health reporter output and the health buffer.
 *  - fmsg as the kernel sends it: a netlink attribute stream holding
 *    DEVLINK_ATTR_FMSG (106) nests of items (OBJ/PAIR/ARR_NEST_START,
 *    NEST_END, OBJ_NAME, OBJ_VALUE_TYPE, OBJ_VALUE_DATA), or those items
 *    alone, concatenated (what the devlink transport and the emulator
 *    return); other top-level attributes are skipped.  Incremental; one
 *    leaf attribute is held at a time (at most FW_LIMIT_READ_CHUNK bytes).
 *  - iproute2's JSON rendering of the same (devlink -j health diagnose|dump
 *    show), parsed with json-c; numbers lose their width (HEALTH_NUMBER),
 *    binary values arrive as arrays of numbers.
 *  - the 64-byte health buffer of the initialization segment (BAR0 0x200).
 * All three produce struct health_item values named by a path: pair names
 * joined with '/', array elements as "[i]", e.g.
 * "health buffer/assert_var[2]" or "dump fw traces[7]/msg".
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "ifc/devlink.h"

/* Value types: the netlink NLA types devlink uses, plus JSON's. */
enum health_vtype {
	HEALTH_U8 = FW_NLA_U8,
	HEALTH_U16 = FW_NLA_U16,
	HEALTH_U32 = FW_NLA_U32,
	HEALTH_U64 = FW_NLA_U64,
	HEALTH_BOOL = FW_NLA_FLAG,          /* a flag in fmsg */
	HEALTH_STRING = FW_NLA_NUL_STRING,
	HEALTH_BINARY = FW_NLA_BINARY,
	HEALTH_NUMBER = 100,  /* JSON number (u) */
	HEALTH_NULL = 101,    /* JSON null */
};
const char *health_vtype_name(enum health_vtype t);

enum health_event {
	HEALTH_VALUE = 0,     /* a value at path */
	HEALTH_END = 1,       /* the object or array at path was closed */
};

/*
 * One value.  path/name valid during the callback.  index is the element
 * number inside an array (-1 otherwise).  u holds integers and booleans,
 * str strings, bin/bin_len binary data.  offset: byte offset of the item
 * in the input (fmsg), 0 for JSON.
 */
struct health_item {
	enum health_event event;
	const char *path;
	const char *name;
	int64_t index;
	unsigned depth;
	enum health_vtype type;
	uint64_t u;
	const char *str;
	const uint8_t *bin;
	size_t bin_len;
	uint64_t offset;
};

typedef int (*health_item_fn)(void *ud, const struct health_item *h);
typedef void (*health_problem_fn)(void *ud, uint64_t offset, int err, const char *msg);

struct health_fmsg;
int health_fmsg_new(struct fw_ctx *ctx, health_item_fn fn, health_problem_fn problem, void *ud,
		    struct health_fmsg **ret);
void health_fmsg_free(struct health_fmsg *f);
int health_fmsg_feed(struct health_fmsg *f, const void *data, size_t len);
int health_fmsg_finish(struct health_fmsg *f);
uint64_t health_fmsg_count(const struct health_fmsg *f);

/* iproute2 JSON, whole input (at most FW_LIMIT_JSON_INPUT bytes). */
int health_json_parse(struct fw_ctx *ctx, const void *data, size_t len, health_item_fn fn,
		      health_problem_fn problem, void *ud);

/* The 64-byte health buffer: fields as items under "health buffer/", plus
 * "health buffer/synd_name" (a string, "" for an unknown syndrome).
 * -EBADMSG if shorter than 64 bytes. */
#define HEALTH_BUFFER_SIZE 64u
int health_buffer_parse(struct fw_ctx *ctx, const void *data, size_t len, health_item_fn fn,
			void *ud);
/* The kernel's text for a health syndrome, or NULL. */
const char *health_syndrome_name(uint8_t synd);

/* Encoder for tests: append one fmsg item attribute to buf (capacity cap),
 * returns the new length or 0 if it does not fit. */
size_t health_fmsg_put(uint8_t *buf, size_t len, size_t cap, uint16_t type, const void *data,
		       size_t dlen);
