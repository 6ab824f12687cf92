/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * fmsg-enc: test-side encoder of devlink fmsg netlink streams, shaped as
 * the kernel's devlink_fmsg_prepare_skb() writes them (one DEVLINK_ATTR_FMSG
 * nest holding flat item attributes).
 */
#include <stdint.h>
#include <string.h>

#include "core/bytes.h"
#include "health.h"

struct fenc {
	uint8_t buf[65536];
	size_t len;   /* starts after the 4-byte FMSG header */
};

static inline void fenc_init(struct fenc *e)
{
	e->len = 4;
}

static inline void fenc_attr(struct fenc *e, uint16_t type, const void *d, size_t n)
{
	e->len = health_fmsg_put(e->buf, e->len, sizeof(e->buf), type, d, n);
}

static inline void fenc_obj(struct fenc *e)
{
	fenc_attr(e, FW_DEVLINK_ATTR_FMSG_OBJ_NEST_START, NULL, 0);
}

static inline void fenc_arr(struct fenc *e)
{
	fenc_attr(e, FW_DEVLINK_ATTR_FMSG_ARR_NEST_START, NULL, 0);
}

static inline void fenc_end(struct fenc *e)
{
	fenc_attr(e, FW_DEVLINK_ATTR_FMSG_NEST_END, NULL, 0);
}

static inline void fenc_pair(struct fenc *e, const char *name)
{
	fenc_attr(e, FW_DEVLINK_ATTR_FMSG_PAIR_NEST_START, NULL, 0);
	fenc_attr(e, FW_DEVLINK_ATTR_FMSG_OBJ_NAME, name, strlen(name) + 1);
}

static inline void fenc_value(struct fenc *e, uint8_t type, const void *d, size_t n)
{
	fenc_attr(e, FW_DEVLINK_ATTR_FMSG_OBJ_VALUE_TYPE, &type, 1);
	fenc_attr(e, FW_DEVLINK_ATTR_FMSG_OBJ_VALUE_DATA, d, n);
}

static inline void fenc_u32(struct fenc *e, uint32_t v)
{
	uint8_t b[4];

	fw_put_le32(b, v);
	fenc_value(e, HEALTH_U32, b, 4);
}

static inline void fenc_u64(struct fenc *e, uint64_t v)
{
	uint8_t b[8];

	fw_put_le64(b, v);
	fenc_value(e, HEALTH_U64, b, 8);
}

static inline void fenc_u8(struct fenc *e, uint8_t type, uint8_t v)
{
	fenc_value(e, type, &v, 1);
}

static inline void fenc_str(struct fenc *e, const char *s)
{
	fenc_value(e, HEALTH_STRING, s, strlen(s) + 1);
}

/* Close the FMSG nest; returns the total length. */
static inline size_t fenc_finish(struct fenc *e)
{
	fw_put_le16(e->buf, (uint16_t)e->len);
	fw_put_le16(e->buf + 2, FW_DEVLINK_ATTR_FMSG | 0x8000);
	return e->len;
}

/* The fw reporter's dump: syndrome pairs, the health buffer object and two
 * saved traces (health.c / fw_tracer.c field names). */
static inline size_t fenc_fw_dump(struct fenc *e)
{
	unsigned i;

	fenc_init(e);
	fenc_obj(e);
	fenc_pair(e, "syndrome");
	fenc_u8(e, HEALTH_U8, 0x1);
	fenc_end(e);
	fenc_pair(e, "fw_miss_counter");
	fenc_u32(e, 3);
	fenc_end(e);
	fenc_pair(e, "health buffer");
	fenc_obj(e);
	fenc_pair(e, "assert_var");
	fenc_arr(e);
	for (i = 0; i < 6; i++)
		fenc_u32(e, 0x100 + i);
	fenc_end(e);
	fenc_end(e);
	fenc_pair(e, "synd");
	fenc_u8(e, HEALTH_U8, 0x1);
	fenc_end(e);
	fenc_end(e);
	fenc_end(e);
	fenc_pair(e, "dump fw traces");
	fenc_arr(e);
	for (i = 0; i < 2; i++) {
		fenc_obj(e);
		fenc_pair(e, "timestamp");
		fenc_u64(e, 0x1000 + i);
		fenc_end(e);
		fenc_pair(e, "lost");
		fenc_u8(e, HEALTH_BOOL, (uint8_t)i);
		fenc_end(e);
		fenc_pair(e, "event_id");
		fenc_u8(e, HEALTH_U8, 0x20);
		fenc_end(e);
		fenc_pair(e, "msg");
		fenc_str(e, i ? "second saved" : "first saved");
		fenc_end(e);
		fenc_end(e);
	}
	fenc_end(e);
	fenc_end(e);
	fenc_end(e);
	return fenc_finish(e);
}
