/* SPDX-License-Identifier: MIT */
/*
 * nlwalk: bounded netlink message and attribute iterator (see nlwalk.h).
 * The layouts are the kernel's uapi (include/uapi/linux/netlink.h):
 * struct nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid; } and
 * struct nlattr { u16 nla_len; u16 nla_type; }, each item padded to 4 bytes.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "core/bytes.h"
#include "core/nlwalk.h"

void fw_nlwalk_init(struct fw_nlwalk *w, const void *data, size_t len)
{
	w->data = data;
	w->len = data ? len : 0;
	w->off = 0;
	w->bad = false;
}

/* Step past an item of item_len bytes plus its padding; the padding of the
 * last item may be missing, so the step stops at the end of the buffer. */
static void step(struct fw_nlwalk *w, size_t item_len)
{
	size_t left = w->len - w->off;
	size_t padded = item_len + ((4 - (item_len & 3)) & 3);

	w->off += padded < left ? padded : left;
}

int fw_nlmsg_next(struct fw_nlwalk *w, struct fw_nlmsg *ret)
{
	struct fw_cursor c;
	const uint8_t *h;
	uint32_t v32;
	uint16_t v16;

	if (w->bad)
		return -EBADMSG;
	if (w->off == w->len)
		return 0;
	fw_cursor_init(&c, w->data + w->off, w->len - w->off);
	h = fw_cursor_take(&c, FW_NLMSG_HDRLEN);
	if (!h)
		goto bad;
	memcpy(&v32, h, 4);
	/* Unsigned throughout: a length of 2^31 or more is simply too long. */
	if (v32 < FW_NLMSG_HDRLEN || v32 > w->len - w->off)
		goto bad;
	ret->len = v32;
	memcpy(&v16, h + 4, 2);
	ret->type = v16;
	memcpy(&v16, h + 6, 2);
	ret->flags = v16;
	memcpy(&ret->seq, h + 8, 4);
	memcpy(&ret->pid, h + 12, 4);
	ret->payload = h + FW_NLMSG_HDRLEN;
	ret->payload_len = v32 - FW_NLMSG_HDRLEN;
	ret->offset = w->off;
	step(w, v32);
	return 1;
bad:
	w->bad = true;
	return -EBADMSG;
}

int fw_nlattr_next(struct fw_nlwalk *w, struct fw_nlattr *ret)
{
	struct fw_cursor c;
	const uint8_t *h;
	uint16_t alen, type;

	if (w->bad)
		return -EBADMSG;
	if (w->off == w->len)
		return 0;
	fw_cursor_init(&c, w->data + w->off, w->len - w->off);
	h = fw_cursor_take(&c, FW_NLA_HDRLEN);
	if (!h)
		goto bad;
	memcpy(&alen, h, 2);
	memcpy(&type, h + 2, 2);
	if (alen < FW_NLA_HDRLEN || alen > w->len - w->off)
		goto bad;
	ret->raw_type = type;
	ret->type = type & FW_NLA_TYPE_MASK;
	ret->data = h + FW_NLA_HDRLEN;
	ret->len = alen - FW_NLA_HDRLEN;
	ret->offset = w->off;
	step(w, alen);
	return 1;
bad:
	w->bad = true;
	return -EBADMSG;
}
