/* SPDX-License-Identifier: MIT */
#pragma once
/* resdump-enc: test-side encoder of resource-dump segment streams. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/bytes.h"

static inline size_t rdenc_hdr(uint8_t *p, size_t len, uint16_t type)
{
	fw_put_be32(p, (uint32_t)((len / 4) << 16) | type);
	return len;
}

static inline size_t rdenc_menu_record(uint8_t *p, uint16_t type, uint16_t flags, const char *name,
				       const char *i1, const char *i2)
{
	memset(p, 0, 52);
	fw_put_be32(p, ((uint32_t)flags << 16) | type);
	strncpy((char *)p + 4, name, 16);
	strncpy((char *)p + 20, i1, 16);
	strncpy((char *)p + 36, i2, 16);
	return 52;
}

/* INFO, COMMAND(menu), MENU(2 records), COMMAND, RESOURCE, REFERENCE,
 * NOTICE, ERROR, TERMINATE: 312 bytes. */
static inline size_t rdenc_sample(uint8_t *buf, size_t cap)
{
	size_t o = 0;

	if (cap < 312)
		return 0;
	memset(buf, 0, 312);
	/* INFO */
	rdenc_hdr(buf + o, 16, 0xfffe);
	fw_put_be32(buf + o + 4, 1);
	fw_put_be32(buf + o + 8, 0xa0);
	fw_put_be32(buf + o + 12, 0x1c0027);
	o += 16;
	/* COMMAND for the menu */
	rdenc_hdr(buf + o, 20, 0xfffa);
	fw_put_be32(buf + o + 4, 0xffffu << 16);
	o += 20;
	/* MENU */
	rdenc_hdr(buf + o, 8 + 2 * 52, 0xffff);
	fw_put_be32(buf + o + 4, 2);
	rdenc_menu_record(buf + o + 8, 0x1000, 0x003, "FULL_QPC", "QPN", "");
	rdenc_menu_record(buf + o + 60, 0x1001, 0x00f, "SND_BUFF", "QPN", "WQEBB");
	o += 8 + 2 * 52;
	/* COMMAND FULL_QPC index1 0x2a */
	rdenc_hdr(buf + o, 20, 0xfffa);
	fw_put_be32(buf + o + 4, (0x1000u << 16) | 3);
	fw_put_be32(buf + o + 8, 0x2a);
	fw_put_be32(buf + o + 16, (1u << 16) | 0xffff);
	o += 20;
	/* RESOURCE 0x1000 with 8 bytes of payload */
	rdenc_hdr(buf + o, 24, 0x1000);
	fw_put_be32(buf + o + 8, 0x2a);
	fw_put_be32(buf + o + 12, 7);
	fw_put_be32(buf + o + 16, 0x11223344);
	fw_put_be32(buf + o + 20, 0x55667788);
	o += 24;
	/* REFERENCE to SND_BUFF */
	rdenc_hdr(buf + o, 20, 0xfffd);
	fw_put_be32(buf + o + 4, 0x1001);
	fw_put_be32(buf + o + 8, 0x2a);
	o += 20;
	/* NOTICE */
	rdenc_hdr(buf + o, 48, 0xfff9);
	fw_put_be32(buf + o + 4, 5);
	memcpy(buf + o + 16, "partial dump", 12);
	o += 48;
	/* ERROR */
	rdenc_hdr(buf + o, 48, 0xfffc);
	fw_put_be32(buf + o + 4, 9);
	memcpy(buf + o + 16, "bad index", 9);
	o += 48;
	/* TERMINATE */
	rdenc_hdr(buf + o, 4, 0xfffb);
	o += 4;
	return o;
}
