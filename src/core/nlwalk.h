/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * nlwalk: a bounded iterator over netlink messages and attributes, for
 * replies read from a socket (or from anywhere else).
 *
 * Every length is taken as the unsigned number it is on the wire and checked
 * against the bytes left before anything is read: a message's nlmsg_len must
 * be at least its 16-byte header and at most what remains, an attribute's
 * nla_len at least its 4-byte header and at most what remains.  libmnl's
 * mnl_nlmsg_ok() compares nlmsg_len as a signed int, so a length of 2^31 or
 * more passes it and the walk reads gigabytes past the buffer or never ends;
 * this iterator does not depend on it.  Fields are in host byte order (as
 * netlink is) and read with memcpy, so the buffer needs no alignment.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FW_NLMSG_HDRLEN 16u
#define FW_NLA_HDRLEN 4u
#define FW_NLA_TYPE_MASK 0x3fffu    /* drops NLA_F_NESTED and NLA_F_NET_BYTEORDER */

struct fw_nlmsg {
	uint32_t len;           /* nlmsg_len, header included */
	uint16_t type;
	uint16_t flags;
	uint32_t seq;
	uint32_t pid;
	const uint8_t *payload; /* after the header */
	size_t payload_len;
	size_t offset;          /* of the header in the walked buffer */
};

struct fw_nlattr {
	uint16_t type;          /* masked with FW_NLA_TYPE_MASK */
	uint16_t raw_type;      /* as on the wire, flags included */
	const uint8_t *data;
	size_t len;             /* payload length, header excluded */
	size_t offset;          /* of the header in the walked buffer */
};

/* One iterator type for both levels; a zeroed one walks nothing. */
struct fw_nlwalk {
	const uint8_t *data;
	size_t len;
	size_t off;
	bool bad;               /* a length failed its check: the walk stopped */
};

void fw_nlwalk_init(struct fw_nlwalk *w, const void *data, size_t len);

/*
 * The next message or attribute: 1 with *ret filled, 0 at the clean end of
 * the buffer, -EBADMSG if the next header is cut short or its length is
 * below the header or beyond the bytes left (w->bad is then set and every
 * later call returns -EBADMSG).  Padding after the last item may be absent.
 */
int fw_nlmsg_next(struct fw_nlwalk *w, struct fw_nlmsg *ret);
int fw_nlattr_next(struct fw_nlwalk *w, struct fw_nlattr *ret);

/* Walk the attributes nested in an attribute's payload. */
static inline void fw_nlwalk_nested(struct fw_nlwalk *w, const struct fw_nlattr *a)
{
	fw_nlwalk_init(w, a->data, a->len);
}

/* Bytes left unwalked (0 after a clean end). */
static inline size_t fw_nlwalk_left(const struct fw_nlwalk *w)
{
	return w->len - w->off;
}
