/* SPDX-License-Identifier: MIT */
/*
 * note: the fwbox note stream, without ELF around it.
 *
 * A note is the ELF note record (namesz, descsz, type, name padded to 4,
 * desc padded to 4, all little-endian).  Our payloads are TLV fields
 * (le16 tag, le16 flags, le32 length, value, padding to 4) so a reader can
 * skip fields it does not know; the seal is a bare 32-byte SHA-256 over all
 * the bytes before it.  man/fwbox-bundle.5 is the specification.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle-internal.h"
#include "core/bytes.h"
#include "core/limits.h"

static const uint8_t zero_pad[8];

int bundle_buf_put(struct bundle_buf *b, const void *data, size_t len)
{
	if (len == 0)
		return 0;
	if (len > SIZE_MAX / 2 - b->len)
		return -ENOMEM;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *n;

		while (cap < b->len + len)
			cap *= 2;
		n = realloc(b->data, cap);
		if (!n)
			return -ENOMEM;
		b->data = n;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

void bundle_buf_release(struct bundle_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static size_t pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

/* ------------------------------------------------------------ encoding */

static int tlv_put(struct bundle_buf *b, uint16_t tag, uint16_t flags, const void *v, size_t len)
{
	uint8_t hdr[8];
	int r;

	if (len > FW_LIMIT_NOTE_DESC)
		return -EOVERFLOW;
	fw_put_le16(hdr, tag);
	fw_put_le16(hdr + 2, flags);
	fw_put_le32(hdr + 4, (uint32_t)len);
	r = bundle_buf_put(b, hdr, sizeof(hdr));
	if (r >= 0)
		r = bundle_buf_put(b, v, len);
	if (r >= 0)
		r = bundle_buf_put(b, zero_pad, pad4(len));
	return r;
}

/* Absent strings are not written at all; empty ones are. */
static int tlv_str(struct bundle_buf *b, uint16_t tag, uint16_t flags, const char *s)
{
	size_t n;

	if (!s)
		return 0;
	n = strlen(s);
	if (n > FW_LIMIT_NOTE_STRING)
		return -EOVERFLOW;
	return tlv_put(b, tag, flags, s, n);
}

static int tlv_u16(struct bundle_buf *b, uint16_t tag, uint16_t v)
{
	uint8_t x[2];

	fw_put_le16(x, v);
	return tlv_put(b, tag, 0, x, 2);
}

static int tlv_u32(struct bundle_buf *b, uint16_t tag, uint32_t v)
{
	uint8_t x[4];

	fw_put_le32(x, v);
	return tlv_put(b, tag, 0, x, 4);
}

static int tlv_u64(struct bundle_buf *b, uint16_t tag, uint64_t v)
{
	uint8_t x[8];

	fw_put_le64(x, v);
	return tlv_put(b, tag, 0, x, 8);
}

int bundle_notes_add_raw(struct bundle_buf *out, const char *owner, uint32_t type,
			 const void *desc, size_t desc_len)
{
	size_t namesz = strlen(owner) + 1;
	uint8_t hdr[12];
	int r;

	if (desc_len > FW_LIMIT_NOTE_DESC)
		return -EOVERFLOW;
	fw_put_le32(hdr, (uint32_t)namesz);
	fw_put_le32(hdr + 4, (uint32_t)desc_len);
	fw_put_le32(hdr + 8, type);
	r = bundle_buf_put(out, hdr, sizeof(hdr));
	if (r >= 0)
		r = bundle_buf_put(out, owner, namesz);
	if (r >= 0)
		r = bundle_buf_put(out, zero_pad, pad4(namesz));
	if (r >= 0)
		r = bundle_buf_put(out, desc, desc_len);
	if (r >= 0)
		r = bundle_buf_put(out, zero_pad, pad4(desc_len));
	return r;
}

static int add_note(struct bundle_buf *out, uint32_t type, struct bundle_buf *desc)
{
	int r = bundle_notes_add_raw(out, BUNDLE_NOTE_OWNER, type, desc->data, desc->len);

	bundle_buf_release(desc);
	return r;
}

int bundle_notes_add_header(struct bundle_buf *out, const struct bundle_header *h)
{
	struct bundle_buf d = { 0 };
	int r;

	r = tlv_u32(&d, BUNDLE_HDR_FORMAT_VERSION, h->format_version ? h->format_version
								     : BUNDLE_FORMAT_VERSION);
	if (r >= 0)
		r = tlv_put(&d, BUNDLE_HDR_UUID, 0, h->uuid, sizeof(h->uuid));
	if (r >= 0)
		r = tlv_u64(&d, BUNDLE_HDR_CREATED, h->created_ns);
	if (r >= 0)
		r = tlv_str(&d, BUNDLE_HDR_HOST, BUNDLE_FIELD_SENSITIVE, h->host);
	if (r >= 0)
		r = tlv_str(&d, BUNDLE_HDR_FWBOX_VERSION, 0, h->fwbox_version);
	if (r >= 0)
		r = tlv_str(&d, BUNDLE_HDR_REASON, 0, h->reason);
	if (r >= 0)
		r = tlv_str(&d, BUNDLE_HDR_CMDLINE, 0, h->cmdline);
	if (r < 0) {
		bundle_buf_release(&d);
		return r;
	}
	return add_note(out, BUNDLE_NOTE_HEADER, &d);
}

int bundle_notes_add_device(struct bundle_buf *out, const struct bundle_device *dev)
{
	struct bundle_buf d = { 0 };
	uint32_t s = dev->sensitive;
	int r;

	r = tlv_str(&d, BUNDLE_DEV_F_PCI, (s & BUNDLE_DEV_PCI) ? BUNDLE_FIELD_SENSITIVE : 0, dev->pci);
	if (r >= 0)
		r = tlv_u16(&d, BUNDLE_DEV_F_VENDOR_ID, dev->vendor_id);
	if (r >= 0)
		r = tlv_u16(&d, BUNDLE_DEV_F_DEVICE_ID, dev->device_id);
	if (r >= 0)
		r = tlv_u16(&d, BUNDLE_DEV_F_SUBSYS_VENDOR_ID, dev->subsys_vendor_id);
	if (r >= 0)
		r = tlv_u16(&d, BUNDLE_DEV_F_SUBSYS_DEVICE_ID, dev->subsys_device_id);
	if (r >= 0)
		r = tlv_str(&d, BUNDLE_DEV_F_MODEL, 0, dev->model);
	if (r >= 0)
		r = tlv_str(&d, BUNDLE_DEV_F_FW_VERSION, 0, dev->fw_version);
	if (r >= 0)
		r = tlv_str(&d, BUNDLE_DEV_F_PSID, 0, dev->psid);
	if (r >= 0)
		r = tlv_str(&d, BUNDLE_DEV_F_BOARD_ID,
			    (s & BUNDLE_DEV_BOARD_ID) ? BUNDLE_FIELD_SENSITIVE : 0, dev->board_id);
	if (r >= 0)
		r = tlv_str(&d, BUNDLE_DEV_F_SERIAL,
			    (s & BUNDLE_DEV_SERIAL) ? BUNDLE_FIELD_SENSITIVE : 0, dev->serial);
	if (r >= 0)
		r = tlv_str(&d, BUNDLE_DEV_F_KERNEL, 0, dev->kernel);
	if (r >= 0)
		r = tlv_str(&d, BUNDLE_DEV_F_DRIVER, 0, dev->driver);
	if (r < 0) {
		bundle_buf_release(&d);
		return r;
	}
	return add_note(out, BUNDLE_NOTE_DEVICE, &d);
}

int bundle_notes_add_artifact(struct bundle_buf *out, const struct bundle_artifact *a)
{
	struct bundle_buf d = { 0 };
	size_t req = a->request_len;
	int r;

	if (req > FW_LIMIT_REQUEST_BYTES)
		req = FW_LIMIT_REQUEST_BYTES;
	r = tlv_str(&d, BUNDLE_ART_PATH, 0, a->path);
	if (r >= 0)
		r = tlv_str(&d, BUNDLE_ART_KIND, 0, a->kind);
	if (r >= 0)
		r = tlv_u64(&d, BUNDLE_ART_SIZE, a->size);
	if (r >= 0)
		r = tlv_put(&d, BUNDLE_ART_SHA256, 0, a->sha256, FW_SHA256_LEN);
	if (r >= 0)
		r = tlv_u32(&d, BUNDLE_ART_OUTCOME, (uint32_t)a->outcome);
	if (r >= 0)
		r = tlv_str(&d, BUNDLE_ART_REASON, 0, a->reason ? a->reason : "");
	if (r >= 0)
		r = tlv_u32(&d, BUNDLE_ART_ERR, (uint32_t)a->err);
	if (r >= 0)
		r = tlv_u32(&d, BUNDLE_ART_STATUS, a->status);
	if (r >= 0)
		r = tlv_u32(&d, BUNDLE_ART_SYNDROME, a->syndrome);
	if (r >= 0)
		r = tlv_u64(&d, BUNDLE_ART_START, a->start_ns);
	if (r >= 0)
		r = tlv_u64(&d, BUNDLE_ART_END, a->end_ns);
	if (r >= 0)
		r = tlv_str(&d, BUNDLE_ART_INTERFACE, 0, a->interface);
	if (r >= 0 && a->request && req)
		r = tlv_put(&d, BUNDLE_ART_REQUEST, 0, a->request, req);
	if (r < 0) {
		bundle_buf_release(&d);
		return r;
	}
	return add_note(out, BUNDLE_NOTE_ARTIFACT, &d);
}

int bundle_notes_seal(struct bundle_buf *out)
{
	uint8_t digest[FW_SHA256_LEN];
	int r;

	r = fw_sha256(out->data, out->len, digest);
	if (r < 0)
		return r;
	return bundle_notes_add_raw(out, BUNDLE_NOTE_OWNER, BUNDLE_NOTE_SEAL, digest, sizeof(digest));
}

/* ------------------------------------------------------------ decoding */

void bundle_index_free(struct bundle_index *idx)
{
	if (!idx)
		return;
	free((char *)idx->header.host);
	free((char *)idx->header.fwbox_version);
	free((char *)idx->header.reason);
	free((char *)idx->header.cmdline);
	free((char *)idx->device.pci);
	free((char *)idx->device.model);
	free((char *)idx->device.fw_version);
	free((char *)idx->device.psid);
	free((char *)idx->device.board_id);
	free((char *)idx->device.serial);
	free((char *)idx->device.kernel);
	free((char *)idx->device.driver);
	for (size_t i = 0; i < idx->n_artifacts; i++) {
		struct bundle_artifact *a = &idx->artifacts[i];

		free((char *)a->path);
		free((char *)a->kind);
		free((char *)a->reason);
		free((char *)a->interface);
		free((uint8_t *)a->request);
	}
	free(idx->artifacts);
	free(idx);
}

/* One decoding pass over a note's desc; fields are checked one by one. */
struct field {
	uint16_t tag;
	uint16_t flags;
	const uint8_t *v;
	uint32_t len;
};

struct note_ctx {
	struct fw_ctx *ctx;
	uint32_t note;                 /* index of the note, for messages */
	const char *what;              /* "header", "device", "artifact" */
	uint64_t seen;                 /* bit per known tag < 64: duplicates */
};

static int field_next(struct note_ctx *n, struct fw_cursor *c, struct field *f)
{
	const uint8_t *p;

	if (fw_cursor_left(c) == 0)
		return 0;
	p = fw_cursor_take(c, 8);
	if (!p)
		return fw_error(n->ctx, -EBADMSG,
				"index note %u (%s): truncated field header at offset %zu",
				n->note, n->what, c->off);
	f->tag = fw_get_le16(p);
	f->flags = fw_get_le16(p + 2);
	f->len = fw_get_le32(p + 4);
	f->v = fw_cursor_take(c, f->len);
	if (!f->v)
		return fw_error(n->ctx, -EBADMSG,
				"index note %u (%s): field %u length %u runs past the note",
				n->note, n->what, f->tag, f->len);
	/* The last field's padding may be absent only if nothing follows. */
	if (!fw_cursor_align(c, 4)) {
		c->error = false;
		c->off = c->len;
	}
	if (f->tag < 64) {
		if (n->seen & (1ull << f->tag))
			return fw_error(n->ctx, -EBADMSG, "index note %u (%s): field %u appears twice",
					n->note, n->what, f->tag);
		n->seen |= 1ull << f->tag;
	}
	return 1;
}

static int field_str(struct note_ctx *n, const struct field *f, const char **ret)
{
	char *s;

	if (f->len > FW_LIMIT_NOTE_STRING)
		return fw_error(n->ctx, -EOVERFLOW,
				"index note %u (%s): field %u is %u bytes, beyond FW_LIMIT_NOTE_STRING (%u)",
				n->note, n->what, f->tag, f->len, FW_LIMIT_NOTE_STRING);
	if (memchr(f->v, 0, f->len))
		return fw_error(n->ctx, -EBADMSG, "index note %u (%s): field %u holds a NUL byte",
				n->note, n->what, f->tag);
	s = malloc((size_t)f->len + 1);
	if (!s)
		return fw_error(n->ctx, -ENOMEM, "out of memory");
	memcpy(s, f->v, f->len);
	s[f->len] = '\0';
	free((char *)*ret);
	*ret = s;
	return 0;
}

static int field_int(struct note_ctx *n, const struct field *f, unsigned width, uint64_t *ret)
{
	if (f->len != width)
		return fw_error(n->ctx, -EBADMSG,
				"index note %u (%s): field %u is %u bytes, expected %u",
				n->note, n->what, f->tag, f->len, width);
	switch (width) {
	case 2:
		*ret = fw_get_le16(f->v);
		break;
	case 4:
		*ret = fw_get_le32(f->v);
		break;
	default:
		*ret = fw_get_le64(f->v);
		break;
	}
	return 0;
}

static int decode_header(struct note_ctx *n, const uint8_t *desc, size_t len,
			 struct bundle_header *h, bool *host_sensitive)
{
	struct fw_cursor c;
	struct field f;
	uint64_t v;
	int r;

	fw_cursor_init(&c, desc, len);
	while ((r = field_next(n, &c, &f)) > 0) {
		switch (f.tag) {
		case BUNDLE_HDR_FORMAT_VERSION:
			r = field_int(n, &f, 4, &v);
			h->format_version = (uint32_t)v;
			break;
		case BUNDLE_HDR_UUID:
			if (f.len != 16)
				return fw_error(n->ctx, -EBADMSG,
						"index note %u (header): uuid is %u bytes, expected 16",
						n->note, f.len);
			memcpy(h->uuid, f.v, 16);
			break;
		case BUNDLE_HDR_CREATED:
			r = field_int(n, &f, 8, &h->created_ns);
			break;
		case BUNDLE_HDR_HOST:
			r = field_str(n, &f, &h->host);
			*host_sensitive = f.flags & BUNDLE_FIELD_SENSITIVE;
			break;
		case BUNDLE_HDR_FWBOX_VERSION:
			r = field_str(n, &f, &h->fwbox_version);
			break;
		case BUNDLE_HDR_REASON:
			r = field_str(n, &f, &h->reason);
			break;
		case BUNDLE_HDR_CMDLINE:
			r = field_str(n, &f, &h->cmdline);
			break;
		default:
			/* Unknown fields are skipped: that is how the format grows. */
			break;
		}
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	if (!(n->seen & (1ull << BUNDLE_HDR_FORMAT_VERSION)))
		return fw_error(n->ctx, -EBADMSG, "index header note has no format version");
	if (h->format_version != BUNDLE_FORMAT_VERSION)
		return fw_error(n->ctx, -EBADMSG,
				"bundle format version %u is not supported (this fwbox reads version %u): use a newer fwbox",
				h->format_version, BUNDLE_FORMAT_VERSION);
	return 0;
}

static int decode_device(struct note_ctx *n, const uint8_t *desc, size_t len,
			 struct bundle_device *d)
{
	struct fw_cursor c;
	struct field f;
	uint64_t v = 0;
	int r;

	fw_cursor_init(&c, desc, len);
	while ((r = field_next(n, &c, &f)) > 0) {
		uint32_t sens = 0;

		switch (f.tag) {
		case BUNDLE_DEV_F_PCI:
			r = field_str(n, &f, &d->pci);
			sens = BUNDLE_DEV_PCI;
			break;
		case BUNDLE_DEV_F_VENDOR_ID:
			r = field_int(n, &f, 2, &v);
			d->vendor_id = (uint16_t)v;
			break;
		case BUNDLE_DEV_F_DEVICE_ID:
			r = field_int(n, &f, 2, &v);
			d->device_id = (uint16_t)v;
			break;
		case BUNDLE_DEV_F_SUBSYS_VENDOR_ID:
			r = field_int(n, &f, 2, &v);
			d->subsys_vendor_id = (uint16_t)v;
			break;
		case BUNDLE_DEV_F_SUBSYS_DEVICE_ID:
			r = field_int(n, &f, 2, &v);
			d->subsys_device_id = (uint16_t)v;
			break;
		case BUNDLE_DEV_F_MODEL:
			r = field_str(n, &f, &d->model);
			break;
		case BUNDLE_DEV_F_FW_VERSION:
			r = field_str(n, &f, &d->fw_version);
			break;
		case BUNDLE_DEV_F_PSID:
			r = field_str(n, &f, &d->psid);
			break;
		case BUNDLE_DEV_F_BOARD_ID:
			r = field_str(n, &f, &d->board_id);
			sens = BUNDLE_DEV_BOARD_ID;
			break;
		case BUNDLE_DEV_F_SERIAL:
			r = field_str(n, &f, &d->serial);
			sens = BUNDLE_DEV_SERIAL;
			break;
		case BUNDLE_DEV_F_KERNEL:
			r = field_str(n, &f, &d->kernel);
			break;
		case BUNDLE_DEV_F_DRIVER:
			r = field_str(n, &f, &d->driver);
			break;
		default:
			break;
		}
		if (r < 0)
			return r;
		if (sens && (f.flags & BUNDLE_FIELD_SENSITIVE))
			d->sensitive |= sens;
	}
	return r;
}

static int decode_artifact(struct note_ctx *n, const uint8_t *desc, size_t len,
			   struct bundle_artifact *a)
{
	static const uint16_t required[] = { BUNDLE_ART_PATH, BUNDLE_ART_KIND, BUNDLE_ART_SIZE,
					     BUNDLE_ART_SHA256, BUNDLE_ART_OUTCOME };
	struct fw_cursor c;
	struct field f;
	uint64_t v = 0;
	const char *why;
	int r;

	fw_cursor_init(&c, desc, len);
	while ((r = field_next(n, &c, &f)) > 0) {
		switch (f.tag) {
		case BUNDLE_ART_PATH:
			r = field_str(n, &f, &a->path);
			break;
		case BUNDLE_ART_KIND:
			r = field_str(n, &f, &a->kind);
			break;
		case BUNDLE_ART_SIZE:
			r = field_int(n, &f, 8, &a->size);
			break;
		case BUNDLE_ART_SHA256:
			if (f.len != FW_SHA256_LEN)
				return fw_error(n->ctx, -EBADMSG,
						"index note %u (artifact): sha256 is %u bytes, expected %u",
						n->note, f.len, FW_SHA256_LEN);
			memcpy(a->sha256, f.v, FW_SHA256_LEN);
			break;
		case BUNDLE_ART_OUTCOME:
			r = field_int(n, &f, 4, &v);
			if (r >= 0 && v > BUNDLE_OUTCOME_SKIPPED)
				return fw_error(n->ctx, -EBADMSG,
						"index note %u (artifact): unknown outcome %llu",
						n->note, (unsigned long long)v);
			a->outcome = (enum bundle_outcome)v;
			break;
		case BUNDLE_ART_REASON:
			r = field_str(n, &f, &a->reason);
			break;
		case BUNDLE_ART_ERR:
			r = field_int(n, &f, 4, &v);
			a->err = (int32_t)(uint32_t)v;
			break;
		case BUNDLE_ART_STATUS:
			r = field_int(n, &f, 4, &v);
			a->status = (uint32_t)v;
			break;
		case BUNDLE_ART_SYNDROME:
			r = field_int(n, &f, 4, &v);
			a->syndrome = (uint32_t)v;
			break;
		case BUNDLE_ART_START:
			r = field_int(n, &f, 8, &a->start_ns);
			break;
		case BUNDLE_ART_END:
			r = field_int(n, &f, 8, &a->end_ns);
			break;
		case BUNDLE_ART_INTERFACE:
			r = field_str(n, &f, &a->interface);
			break;
		case BUNDLE_ART_REQUEST:
			if (f.len > FW_LIMIT_REQUEST_BYTES)
				return fw_error(n->ctx, -EOVERFLOW,
						"index note %u (artifact): request is %u bytes, beyond FW_LIMIT_REQUEST_BYTES (%u)",
						n->note, f.len, FW_LIMIT_REQUEST_BYTES);
			free((uint8_t *)a->request);
			a->request = NULL;
			if (f.len) {
				uint8_t *q = malloc(f.len);

				if (!q)
					return fw_error(n->ctx, -ENOMEM, "out of memory");
				memcpy(q, f.v, f.len);
				a->request = q;
			}
			a->request_len = f.len;
			break;
		default:
			break;
		}
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!(n->seen & (1ull << required[i])))
			return fw_error(n->ctx, -EBADMSG,
					"index note %u (artifact): required field %u is missing",
					n->note, required[i]);
	why = bundle_path_problem(a->path);
	if (why)
		return fw_error(n->ctx, -EBADMSG, "index note %u: artifact path '%s': %s", n->note,
				a->path, why);
	if (!bundle_kind_ok(a->kind))
		return fw_error(n->ctx, -EBADMSG, "index note %u: artifact kind '%s' is not valid",
				n->note, a->kind);
	if (a->size > FW_LIMIT_MEMBER_SIZE)
		return fw_error(n->ctx, -EOVERFLOW,
				"index note %u: artifact '%s' claims %llu bytes, beyond FW_LIMIT_MEMBER_SIZE",
				n->note, a->path, (unsigned long long)a->size);
	if (!a->reason) {
		a->reason = strdup("");
		if (!a->reason)
			return fw_error(n->ctx, -ENOMEM, "out of memory");
	}
	return 0;
}

static int cmp_path(const void *x, const void *y)
{
	const struct bundle_artifact *const *a = x, *const *b = y;

	return strcmp((*a)->path, (*b)->path);
}

static int check_duplicates(struct fw_ctx *ctx, struct bundle_index *idx)
{
	const struct bundle_artifact **v;
	int r = 0;

	if (idx->n_artifacts < 2)
		return 0;
	v = malloc(idx->n_artifacts * sizeof(*v));
	if (!v)
		return fw_error(ctx, -ENOMEM, "out of memory");
	for (size_t i = 0; i < idx->n_artifacts; i++)
		v[i] = &idx->artifacts[i];
	qsort(v, idx->n_artifacts, sizeof(*v), cmp_path);
	for (size_t i = 1; i < idx->n_artifacts; i++)
		if (!strcmp(v[i - 1]->path, v[i]->path)) {
			r = fw_error(ctx, -EBADMSG, "index lists member '%s' twice", v[i]->path);
			break;
		}
	free(v);
	return r;
}

int bundle_index_decode(struct fw_ctx *ctx, const uint8_t *notes, size_t len,
			struct bundle_index **ret)
{
	struct bundle_index *idx;
	struct fw_cursor c;
	bool sealed = false, has_header = false, host_sensitive = false;
	size_t cap = 0;
	int r = 0;

	idx = calloc(1, sizeof(*idx));
	if (!idx)
		return fw_error(ctx, -ENOMEM, "out of memory");
	fw_cursor_init(&c, notes, len);
	while (fw_cursor_left(&c) > 0) {
		size_t start = c.off;
		uint32_t namesz, descsz, type;
		const uint8_t *name, *desc;
		struct note_ctx n = { .ctx = ctx, .note = idx->n_notes };

		if (sealed) {
			r = fw_error(ctx, -EBADMSG, "index: %zu bytes after the seal note", fw_cursor_left(&c));
			goto fail;
		}
		if (idx->n_notes >= FW_LIMIT_NOTES) {
			r = fw_error(ctx, -EOVERFLOW, "index: more than FW_LIMIT_NOTES (%u) notes",
				     FW_LIMIT_NOTES);
			goto fail;
		}
		namesz = fw_cursor_le32(&c);
		descsz = fw_cursor_le32(&c);
		type = fw_cursor_le32(&c);
		name = fw_cursor_take(&c, namesz);
		if (name)
			fw_cursor_align(&c, BUNDLE_NOTE_ALIGN);
		desc = fw_cursor_take(&c, descsz);
		if (!name || !desc || c.error) {
			r = fw_error(ctx, -EBADMSG,
				     "index note %u at offset %zu: name (%u) or desc (%u) size runs past the %zu-byte section",
				     idx->n_notes, start, namesz, descsz, len);
			goto fail;
		}
		/* Padding after the last desc may be absent; otherwise it must fit. */
		if (!fw_cursor_align(&c, BUNDLE_NOTE_ALIGN)) {
			r = fw_error(ctx, -EBADMSG, "index note %u: desc padding runs past the section",
				     idx->n_notes);
			goto fail;
		}
		if (descsz > FW_LIMIT_NOTE_DESC) {
			r = fw_error(ctx, -EOVERFLOW,
				     "index note %u: desc of %u bytes beyond FW_LIMIT_NOTE_DESC (%u)",
				     idx->n_notes, descsz, FW_LIMIT_NOTE_DESC);
			goto fail;
		}
		idx->n_notes++;
		if (namesz != sizeof(BUNDLE_NOTE_OWNER) ||
		    memcmp(name, BUNDLE_NOTE_OWNER, sizeof(BUNDLE_NOTE_OWNER)) != 0) {
			idx->n_unknown++;
			continue;
		}
		if (!has_header && type != BUNDLE_NOTE_HEADER) {
			r = fw_error(ctx, -EBADMSG, "index: the first note is type %u, not the bundle header",
				     type);
			goto fail;
		}
		switch (type) {
		case BUNDLE_NOTE_HEADER:
			n.what = "header";
			if (has_header) {
				r = fw_error(ctx, -EBADMSG, "index: a second header note (note %u)", n.note);
				goto fail;
			}
			has_header = true;
			r = decode_header(&n, desc, descsz, &idx->header, &host_sensitive);
			break;
		case BUNDLE_NOTE_DEVICE:
			n.what = "device";
			if (idx->has_device) {
				r = fw_error(ctx, -EBADMSG, "index: a second device note (note %u)", n.note);
				goto fail;
			}
			idx->has_device = true;
			r = decode_device(&n, desc, descsz, &idx->device);
			break;
		case BUNDLE_NOTE_ARTIFACT:
			n.what = "artifact";
			if (idx->n_artifacts >= FW_LIMIT_MEMBERS) {
				r = fw_error(ctx, -EOVERFLOW,
					     "index: more than FW_LIMIT_MEMBERS (%u) artifacts", FW_LIMIT_MEMBERS);
				goto fail;
			}
			if (idx->n_artifacts == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				struct bundle_artifact *na = realloc(idx->artifacts, ncap * sizeof(*na));

				if (!na) {
					r = fw_error(ctx, -ENOMEM, "out of memory");
					goto fail;
				}
				idx->artifacts = na;
				cap = ncap;
			}
			memset(&idx->artifacts[idx->n_artifacts], 0, sizeof(idx->artifacts[0]));
			idx->n_artifacts++;
			r = decode_artifact(&n, desc, descsz, &idx->artifacts[idx->n_artifacts - 1]);
			if (r >= 0) {
				idx->total_size += idx->artifacts[idx->n_artifacts - 1].size;
				if (idx->total_size > FW_LIMIT_BUNDLE_SIZE)
					r = fw_error(ctx, -EOVERFLOW,
						     "index: artifacts add up to more than FW_LIMIT_BUNDLE_SIZE (%llu bytes)",
						     (unsigned long long)FW_LIMIT_BUNDLE_SIZE);
			}
			break;
		case BUNDLE_NOTE_SEAL: {
			uint8_t digest[FW_SHA256_LEN];

			if (descsz != FW_SHA256_LEN) {
				r = fw_error(ctx, -EBADMSG, "index: seal note is %u bytes, expected %u", descsz,
					     FW_SHA256_LEN);
				goto fail;
			}
			r = fw_sha256(notes, start, digest);
			if (r < 0) {
				r = fw_error(ctx, r, "index: cannot hash the notes");
				goto fail;
			}
			if (memcmp(digest, desc, FW_SHA256_LEN) != 0) {
				r = fw_error(ctx, -EBADMSG,
					     "index: the seal does not match the notes before it: the index was altered or damaged");
				goto fail;
			}
			sealed = true;
			break;
		}
		default:
			idx->n_unknown++;
			break;
		}
		if (r < 0)
			goto fail;
	}
	if (!has_header) {
		r = fw_error(ctx, -EBADMSG, "index: no bundle header note");
		goto fail;
	}
	if (!sealed) {
		r = fw_error(ctx, -EBADMSG, "index: no seal note: the index is truncated");
		goto fail;
	}
	if (host_sensitive)
		idx->device.sensitive |= BUNDLE_DEV_HOST;
	r = check_duplicates(ctx, idx);
	if (r < 0)
		goto fail;
	*ret = idx;
	return 0;
fail:
	bundle_index_free(idx);
	return r;
}
