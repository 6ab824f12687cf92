/* SPDX-License-Identifier: MIT */
/*
 * note: the fwbox note stream, without ELF around it.
 *
 * A note is the ELF note record (namesz, descsz, type, name padded to 4,
 * desc padded to 4, all little-endian).  Our payloads are TLV fields
 * (le16 tag, le16 flags, le32 length, value, padding to 4) so a reader can
 * skip fields it does not know; the seal is a bare 32-byte SHA-256 over all
 * the bytes before it.  man/fwbox-bundle.5 is the specification.
 *
 * Each note type has one field table (header_fields, device_fields,
 * artifact_fields below).  The encoder writes the rows in table order, the
 * decoder checks and stores fields by the same rows, bundle_index_free()
 * frees by them, and messages name fields by them, so a field is never
 * described twice.
 *
 * Adding a field to a note:
 *  1. a new tag in bundle-internal.h (the next unused number of that note
 *     type; never reuse one, old bundles still carry it);
 *  2. a member in the note's struct in bundle.h (zero/NULL meaning absent
 *     for strings and byte strings);
 *  3. one row at the end of the note's table, with the type that matches
 *     the member: FIELD_U16/U32/U64 (any integer or enum member, stored
 *     with its own width), FIELD_STR (const char *), FIELD_FIXED (a byte
 *     array member) or FIELD_BYTES (a pointer plus a size_t length, named
 *     with .len_off and capped by .size); FIELD_ZERO_ABSENT for a field
 *     only some bundles carry, so the others do not pay for it; the
 *     writer's copies (bundle_*_copy/release) follow the same rows;
 *  4. a line in man/fwbox-bundle.5.
 * Readers that predate the field skip it; the format version stays.  Only
 * mark a new field FIELD_REQUIRED if bundles without it are useless, since
 * that makes every older bundle unreadable.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle-internal.h"
#include "core/bytes.h"
#include "core/limits.h"

static const uint8_t zero_pad[8];

static size_t pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

/* ------------------------------------------------------------ field tables */

enum field_type {
	FIELD_U16,   /* le16 on the wire */
	FIELD_U32,   /* le32 */
	FIELD_U64,   /* le64 */
	FIELD_STR,   /* UTF-8 text without NUL, at most FW_LIMIT_NOTE_STRING */
	FIELD_FIXED, /* exactly sizeof(member) bytes */
	FIELD_BYTES, /* up to .size bytes, the length in the size_t at .len_off */
};

/* Row options. */
#define FIELD_REQUIRED	 0x01u /* the decoder refuses a note without it */
#define FIELD_EMPTY_NULL 0x02u /* NULL is written as "", and "" is decoded when absent */
#define FIELD_ZERO_ABSENT 0x04u /* a zero integer or all-zero bytes are not written
				 * (fields only some bundles carry cost nothing in others) */

struct note_field {
	uint16_t tag;
	uint8_t type;	    /* enum field_type */
	uint8_t opts;	    /* FIELD_* options */
	const char *name;   /* the member's name, for messages */
	size_t off;	    /* offsetof the member */
	size_t member_size; /* sizeof the member */
	size_t len_off;	    /* FIELD_BYTES: offsetof its size_t length */
	/* FIELD_BYTES: bytes kept; longer is cut when writing, refused when reading. */
	uint32_t size;
	const char *limit; /* FIELD_BYTES: the name of that limit, for messages */
	uint64_t max;	   /* integers: largest valid value; 0 for any */
	uint64_t dflt;	   /* integers: written in place of 0 */
	/* The enum bundle_device_field bit that this field's SENSITIVE flag carries. */
	uint32_t sensitive;
	bool always_sensitive; /* flag it SENSITIVE whatever the record's bits say */
};

#define FIELD(st, t, ty, m, ...)                                              \
	{                                                                     \
		.tag = (t), .type = (ty), .name = #m, .off = offsetof(st, m), \
		.member_size = sizeof(((st *)0)->m), __VA_ARGS__              \
	}
#define HDR(t, ty, m, ...) FIELD(struct bundle_header, t, ty, m, __VA_ARGS__)
#define DEV(t, ty, m, ...) FIELD(struct bundle_device, t, ty, m, __VA_ARGS__)
#define ART(t, ty, m, ...) FIELD(struct bundle_artifact, t, ty, m, __VA_ARGS__)
#define TRG(t, ty, m, ...) FIELD(struct bundle_trigger, t, ty, m, __VA_ARGS__)

static const struct note_field header_fields[] = {
	HDR(BUNDLE_HDR_FORMAT_VERSION, FIELD_U32, format_version, .opts = FIELD_REQUIRED,
	    .dflt = BUNDLE_FORMAT_VERSION),
	HDR(BUNDLE_HDR_UUID, FIELD_FIXED, uuid),
	HDR(BUNDLE_HDR_CREATED, FIELD_U64, created_ns),
	HDR(BUNDLE_HDR_HOST, FIELD_STR, host, .sensitive = BUNDLE_DEV_HOST,
	    .always_sensitive = true),
	HDR(BUNDLE_HDR_FWBOX_VERSION, FIELD_STR, fwbox_version),
	HDR(BUNDLE_HDR_REASON, FIELD_STR, reason),
	HDR(BUNDLE_HDR_CMDLINE, FIELD_STR, cmdline),
	HDR(BUNDLE_HDR_REDACTED, FIELD_U32, redacted, .opts = FIELD_ZERO_ABSENT, .max = 1),
	HDR(BUNDLE_HDR_REDACT_VERSION, FIELD_STR, redact_version),
	HDR(BUNDLE_HDR_REDACT_POLICY, FIELD_STR, redact_policy),
	HDR(BUNDLE_HDR_REDACT_KEY_ID, FIELD_STR, redact_key_id),
	HDR(BUNDLE_HDR_CASE_ID, FIELD_STR, case_id),
	HDR(BUNDLE_HDR_REDACTED_FROM, FIELD_FIXED, redacted_from, .opts = FIELD_ZERO_ABSENT),
	HDR(BUNDLE_HDR_REDACTED_AT, FIELD_U64, redacted_ns, .opts = FIELD_ZERO_ABSENT),
	HDR(BUNDLE_HDR_IMPORTED, FIELD_U32, imported, .opts = FIELD_ZERO_ABSENT, .max = 1),
	HDR(BUNDLE_HDR_IMPORTED_AT, FIELD_U64, imported_ns, .opts = FIELD_ZERO_ABSENT),
	HDR(BUNDLE_HDR_IMPORT_SOURCE, FIELD_STR, import_source),
	HDR(BUNDLE_HDR_IMPORT_SOURCE_SHA256, FIELD_FIXED, import_source_sha256,
	    .opts = FIELD_ZERO_ABSENT),
	HDR(BUNDLE_HDR_CAPTURE_TIME_FROM, FIELD_STR, capture_time_from),
};

static const struct note_field device_fields[] = {
	DEV(BUNDLE_DEV_F_PCI, FIELD_STR, pci, .sensitive = BUNDLE_DEV_PCI),
	DEV(BUNDLE_DEV_F_VENDOR_ID, FIELD_U16, vendor_id),
	DEV(BUNDLE_DEV_F_DEVICE_ID, FIELD_U16, device_id),
	DEV(BUNDLE_DEV_F_SUBSYS_VENDOR_ID, FIELD_U16, subsys_vendor_id),
	DEV(BUNDLE_DEV_F_SUBSYS_DEVICE_ID, FIELD_U16, subsys_device_id),
	DEV(BUNDLE_DEV_F_MODEL, FIELD_STR, model),
	DEV(BUNDLE_DEV_F_FW_VERSION, FIELD_STR, fw_version),
	DEV(BUNDLE_DEV_F_PSID, FIELD_STR, psid),
	DEV(BUNDLE_DEV_F_BOARD_ID, FIELD_STR, board_id, .sensitive = BUNDLE_DEV_BOARD_ID),
	DEV(BUNDLE_DEV_F_SERIAL, FIELD_STR, serial, .sensitive = BUNDLE_DEV_SERIAL),
	DEV(BUNDLE_DEV_F_KERNEL, FIELD_STR, kernel),
	DEV(BUNDLE_DEV_F_DRIVER, FIELD_STR, driver),
};

static const struct note_field artifact_fields[] = {
	ART(BUNDLE_ART_PATH, FIELD_STR, path, .opts = FIELD_REQUIRED),
	ART(BUNDLE_ART_KIND, FIELD_STR, kind, .opts = FIELD_REQUIRED),
	ART(BUNDLE_ART_SIZE, FIELD_U64, size, .opts = FIELD_REQUIRED),
	ART(BUNDLE_ART_SHA256, FIELD_FIXED, sha256, .opts = FIELD_REQUIRED),
	ART(BUNDLE_ART_OUTCOME, FIELD_U32, outcome, .opts = FIELD_REQUIRED,
	    .max = BUNDLE_OUTCOME_SKIPPED),
	ART(BUNDLE_ART_REASON, FIELD_STR, reason, .opts = FIELD_EMPTY_NULL),
	ART(BUNDLE_ART_ERR, FIELD_U32, err),
	ART(BUNDLE_ART_STATUS, FIELD_U32, status),
	ART(BUNDLE_ART_SYNDROME, FIELD_U32, syndrome),
	ART(BUNDLE_ART_START, FIELD_U64, start_ns),
	ART(BUNDLE_ART_END, FIELD_U64, end_ns),
	ART(BUNDLE_ART_INTERFACE, FIELD_STR, interface),
	ART(BUNDLE_ART_REQUEST, FIELD_BYTES, request,
	    .len_off = offsetof(struct bundle_artifact, request_len),
	    .size = FW_LIMIT_REQUEST_BYTES, .limit = "FW_LIMIT_REQUEST_BYTES"),
	ART(BUNDLE_ART_REDACTION, FIELD_U32, redaction, .opts = FIELD_ZERO_ABSENT,
	    .max = BUNDLE_REDACTION_DROPPED),
	ART(BUNDLE_ART_REDACT_FIELDS, FIELD_U32, redact_fields, .opts = FIELD_ZERO_ABSENT),
	ART(BUNDLE_ART_REDACT_BYTES, FIELD_U64, redact_bytes, .opts = FIELD_ZERO_ABSENT),
	ART(BUNDLE_ART_REDACT_HITS, FIELD_U64, redact_hits, .opts = FIELD_ZERO_ABSENT),
	ART(BUNDLE_ART_ORIGINAL_DIGEST, FIELD_FIXED, original_digest, .opts = FIELD_ZERO_ABSENT),
	ART(BUNDLE_ART_SOURCE_NAME, FIELD_STR, source_name),
	ART(BUNDLE_ART_SOURCE_SHA256, FIELD_FIXED, source_sha256, .opts = FIELD_ZERO_ABSENT),
	ART(BUNDLE_ART_SOURCE_TOOL, FIELD_STR, source_tool),
	ART(BUNDLE_ART_SOURCE_RECORDS, FIELD_U64, source_records, .opts = FIELD_ZERO_ABSENT),
	ART(BUNDLE_ART_SOURCE_REJECTED, FIELD_U64, source_rejected, .opts = FIELD_ZERO_ABSENT),
};

static const struct note_field trigger_fields[] = {
	TRG(BUNDLE_TRG_SOURCE, FIELD_STR, source, .opts = FIELD_EMPTY_NULL),
	TRG(BUNDLE_TRG_REPORTER, FIELD_STR, reporter, .opts = FIELD_EMPTY_NULL),
	TRG(BUNDLE_TRG_STATE, FIELD_U32, state),
	TRG(BUNDLE_TRG_ERROR_COUNT, FIELD_U64, error_count),
	TRG(BUNDLE_TRG_MESSAGE, FIELD_STR, message, .opts = FIELD_EMPTY_NULL),
	TRG(BUNDLE_TRG_EVENT, FIELD_U64, event_ns),
	TRG(BUNDLE_TRG_LATENCY, FIELD_U64, latency_ns),
	TRG(BUNDLE_TRG_INCIDENT, FIELD_U64, incident_ns),
	TRG(BUNDLE_TRG_INCIDENT_EVENTS, FIELD_U64, incident_events),
	TRG(BUNDLE_TRG_FIRST, FIELD_U32, first_of_incident, .max = 1),
	TRG(BUNDLE_TRG_REPLAYED, FIELD_U32, replayed, .max = 1),
	TRG(BUNDLE_TRG_SUPPRESSED, FIELD_U64, suppressed),
	TRG(BUNDLE_TRG_SUPPRESSED_FIRST, FIELD_U64, suppressed_first_ns),
	TRG(BUNDLE_TRG_SUPPRESSED_LAST, FIELD_U64, suppressed_last_ns),
};

struct note_table {
	uint32_t type;
	const char *what; /* "header", "device", "artifact" */
	const struct note_field *fields;
	size_t n_fields;
};

#define NOTE_TABLE(t, w, f)                                                                     \
	{                                                                                       \
		.type = (t), .what = (w), .fields = (f), .n_fields = sizeof(f) / sizeof((f)[0]) \
	}
static const struct note_table header_table =
	NOTE_TABLE(BUNDLE_NOTE_HEADER, "header", header_fields);
static const struct note_table device_table =
	NOTE_TABLE(BUNDLE_NOTE_DEVICE, "device", device_fields);
static const struct note_table artifact_table =
	NOTE_TABLE(BUNDLE_NOTE_ARTIFACT, "artifact", artifact_fields);
static const struct note_table trigger_table =
	NOTE_TABLE(BUNDLE_NOTE_TRIGGER, "trigger", trigger_fields);

static unsigned wire_width(const struct note_field *f)
{
	switch (f->type) {
	case FIELD_U16:
		return 2;
	case FIELD_U32:
		return 4;
	case FIELD_U64:
		return 8;
	default:
		return 0;
	}
}

/* Integers are stored with the member's own width, so an int32_t, an enum
 * and a uint32_t all travel as le32 and come back bit for bit. */
static uint64_t load_int(const void *rec, const struct note_field *f)
{
	const uint8_t *p = (const uint8_t *)rec + f->off;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (f->member_size) {
	case 1:
		return *p;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	default:
		memcpy(&v64, p, 8);
		return v64;
	}
}

static void store_int(void *rec, const struct note_field *f, uint64_t v)
{
	uint8_t *p = (uint8_t *)rec + f->off;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	switch (f->member_size) {
	case 1:
		*p = (uint8_t)v;
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 4:
		memcpy(p, &v32, 4);
		break;
	default:
		memcpy(p, &v, 8);
		break;
	}
}

static const void *member_ptr(const void *rec, size_t off)
{
	const void *p;

	memcpy(&p, (const uint8_t *)rec + off, sizeof(p));
	return p;
}

static void set_member_ptr(void *rec, size_t off, const void *p)
{
	memcpy((uint8_t *)rec + off, &p, sizeof(p));
}

static size_t member_len(const void *rec, size_t off)
{
	size_t n;

	memcpy(&n, (const uint8_t *)rec + off, sizeof(n));
	return n;
}

static void set_member_len(void *rec, size_t off, size_t n)
{
	memcpy((uint8_t *)rec + off, &n, sizeof(n));
}

/* ------------------------------------------------------------ encoding */

static int put_out(struct fw_ctx *ctx, struct fw_buf *b, const void *data, size_t len)
{
	int r = fw_buf_put(b, data, len);

	if (r == -ENOMEM)
		return fw_error(ctx, r, "out of memory");
	if (r < 0)
		return fw_error(ctx, r, "the index notes grow beyond %zu bytes", b->max);
	return 0;
}

static int tlv_put(struct fw_ctx *ctx, struct fw_buf *b, uint16_t tag, uint16_t flags,
		   const void *v, size_t len)
{
	uint8_t hdr[8];
	int r;

	fw_put_le16(hdr, tag);
	fw_put_le16(hdr + 2, flags);
	fw_put_le32(hdr + 4, (uint32_t)len);
	r = put_out(ctx, b, hdr, sizeof(hdr));
	if (r >= 0)
		r = put_out(ctx, b, v, len);
	if (r >= 0)
		r = put_out(ctx, b, zero_pad, pad4(len));
	return r;
}

int bundle_notes_add_raw(struct fw_ctx *ctx, struct fw_buf *out, const char *owner, uint32_t type,
			 const void *desc, size_t desc_len)
{
	size_t namesz = strlen(owner) + 1;
	uint8_t hdr[12];
	int r;

	if (desc_len > FW_LIMIT_NOTE_DESC)
		return fw_error(ctx, -EOVERFLOW,
				"a note of type 0x%x is %zu bytes, beyond FW_LIMIT_NOTE_DESC (%u)",
				type, desc_len, FW_LIMIT_NOTE_DESC);
	fw_put_le32(hdr, (uint32_t)namesz);
	fw_put_le32(hdr + 4, (uint32_t)desc_len);
	fw_put_le32(hdr + 8, type);
	r = put_out(ctx, out, hdr, sizeof(hdr));
	if (r >= 0)
		r = put_out(ctx, out, owner, namesz);
	if (r >= 0)
		r = put_out(ctx, out, zero_pad, pad4(namesz));
	if (r >= 0)
		r = put_out(ctx, out, desc, desc_len);
	if (r >= 0)
		r = put_out(ctx, out, zero_pad, pad4(desc_len));
	return r;
}

/* One field by its row; absent strings and byte strings are not written. */
static int encode_field(struct fw_ctx *ctx, struct fw_buf *d, const struct note_table *t,
			const struct note_field *f, const void *rec, uint32_t sensitive,
			const char *label)
{
	uint16_t flags = 0;
	uint8_t x[8];
	const char *s;
	uint64_t v;
	size_t n;

	if (f->sensitive && (f->always_sensitive || (sensitive & f->sensitive)))
		flags |= BUNDLE_FIELD_SENSITIVE;
	switch (f->type) {
	case FIELD_U16:
	case FIELD_U32:
	case FIELD_U64:
		v = load_int(rec, f);
		if (!v && f->dflt)
			v = f->dflt;
		if (!v && (f->opts & FIELD_ZERO_ABSENT))
			return 0;
		fw_put_le64(x, v); /* the low bytes first: le16 and le32 are its prefix */
		return tlv_put(ctx, d, f->tag, flags, x, wire_width(f));
	case FIELD_STR:
		s = member_ptr(rec, f->off);
		if (!s && (f->opts & FIELD_EMPTY_NULL))
			s = "";
		if (!s)
			return 0;
		n = strlen(s);
		if (n > FW_LIMIT_NOTE_STRING)
			return fw_error(
				ctx, -EOVERFLOW,
				"the %s field '%s'%s is longer than FW_LIMIT_NOTE_STRING (%u bytes): shorten it",
				t->what, f->name, label, FW_LIMIT_NOTE_STRING);
		return tlv_put(ctx, d, f->tag, flags, s, n);
	case FIELD_FIXED:
		if (f->opts & FIELD_ZERO_ABSENT) {
			const uint8_t *b = (const uint8_t *)rec + f->off;
			size_t k = 0;

			while (k < f->member_size && !b[k])
				k++;
			if (k == f->member_size)
				return 0;
		}
		return tlv_put(ctx, d, f->tag, flags, (const uint8_t *)rec + f->off,
			       f->member_size);
	case FIELD_BYTES:
		s = member_ptr(rec, f->off);
		n = member_len(rec, f->len_off);
		if (!s || !n)
			return 0;
		return tlv_put(ctx, d, f->tag, flags, s, n > f->size ? f->size : n);
	}
	return fw_error(ctx, -EINVAL, "the %s field '%s' has no type", t->what, f->name);
}

static int encode_note(struct fw_ctx *ctx, struct fw_buf *out, const struct note_table *t,
		       const void *rec, uint32_t sensitive, const char *label)
{
	struct fw_buf d = { 0 };
	int r = 0;

	for (size_t i = 0; r >= 0 && i < t->n_fields; i++)
		r = encode_field(ctx, &d, t, &t->fields[i], rec, sensitive, label);
	if (r >= 0)
		r = bundle_notes_add_raw(ctx, out, BUNDLE_NOTE_OWNER, t->type, d.data, d.len);
	fw_buf_release(&d);
	return r;
}

int bundle_notes_add_header(struct fw_ctx *ctx, struct fw_buf *out, const struct bundle_header *h)
{
	return encode_note(ctx, out, &header_table, h, 0, "");
}

int bundle_notes_add_device(struct fw_ctx *ctx, struct fw_buf *out, const struct bundle_device *d)
{
	return encode_note(ctx, out, &device_table, d, d->sensitive, "");
}

int bundle_notes_add_artifact(struct fw_ctx *ctx, struct fw_buf *out,
			      const struct bundle_artifact *a)
{
	char label[160];

	snprintf(label, sizeof(label), " (kind '%.128s')", a->kind ? a->kind : "");
	return encode_note(ctx, out, &artifact_table, a, 0, label);
}

int bundle_notes_add_trigger(struct fw_ctx *ctx, struct fw_buf *out, const struct bundle_trigger *t)
{
	return encode_note(ctx, out, &trigger_table, t, 0, "");
}

int bundle_notes_seal(struct fw_ctx *ctx, struct fw_buf *out)
{
	uint8_t digest[FW_SHA256_LEN];
	int r;

	r = fw_sha256(out->data, out->len, digest);
	if (r < 0)
		return fw_error(ctx, r, "cannot seal the index notes: SHA-256 failed");
	return bundle_notes_add_raw(ctx, out, BUNDLE_NOTE_OWNER, BUNDLE_NOTE_SEAL, digest,
				    sizeof(digest));
}

/* ------------------------------------------------------------ decoding */

static void *dup_bytes(const uint8_t *v, uint32_t len, bool nul);

static void free_fields(const struct note_table *t, void *rec)
{
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct note_field *f = &t->fields[i];

		if (f->type == FIELD_STR || f->type == FIELD_BYTES) {
			free((void *)member_ptr(rec, f->off));
			set_member_ptr(rec, f->off, NULL);
		}
	}
}

/*
 * dst becomes src with its own copy of every string and byte string, as
 * the encoder would keep them: a NULL FIELD_EMPTY_NULL string becomes "",
 * a byte string is cut to the row's limit.  dst is not released first.
 */
static int copy_fields(const struct note_table *t, void *dst, const void *src, size_t size)
{
	memcpy(dst, src, size);
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct note_field *f = &t->fields[i];
		const void *from = member_ptr(src, f->off);
		void *p = NULL;
		size_t n;

		if (f->type == FIELD_STR) {
			if (!from && (f->opts & FIELD_EMPTY_NULL))
				from = "";
			if (from && !(p = strdup(from)))
				goto nomem;
		} else if (f->type == FIELD_BYTES) {
			n = from ? member_len(src, f->len_off) : 0;
			if (n > f->size)
				n = f->size;
			if (n && !(p = dup_bytes(from, (uint32_t)n, false)))
				goto nomem;
			set_member_len(dst, f->len_off, n);
		} else {
			continue;
		}
		set_member_ptr(dst, f->off, p);
		continue;
nomem:
		/* Fields after this one still point into src: forget them. */
		for (size_t j = i; j < t->n_fields; j++)
			if (t->fields[j].type == FIELD_STR || t->fields[j].type == FIELD_BYTES)
				set_member_ptr(dst, t->fields[j].off, NULL);
		free_fields(t, dst);
		return -ENOMEM;
	}
	return 0;
}

/*
 * The copy and release of each record type, from its field table:
 * bundle_header_copy/_release, bundle_device_copy/_release,
 * bundle_trigger_copy/_release and bundle_artifact_copy/_release.
 */
#define RECORD_COPY_RELEASE(name, table)                                                       \
	int bundle_##name##_copy(struct bundle_##name *dst, const struct bundle_##name *src) \
	{                                                                                        \
		return copy_fields(&(table), dst, src, sizeof(*dst));                            \
	}                                                                                        \
	void bundle_##name##_release(struct bundle_##name *rec)                                  \
	{                                                                                        \
		free_fields(&(table), rec);                                                      \
		memset(rec, 0, sizeof(*rec));                                                    \
	}
RECORD_COPY_RELEASE(header, header_table)
RECORD_COPY_RELEASE(device, device_table)
RECORD_COPY_RELEASE(trigger, trigger_table)
RECORD_COPY_RELEASE(artifact, artifact_table)

void bundle_index_free(struct bundle_index *idx)
{
	if (!idx)
		return;
	free_fields(&header_table, &idx->header);
	free_fields(&device_table, &idx->device);
	free_fields(&trigger_table, &idx->trigger);
	for (size_t i = 0; i < idx->n_artifacts; i++)
		free_fields(&artifact_table, &idx->artifacts[i]);
	free(idx->artifacts);
	free(idx);
}

/* One field as read from a note's desc. */
struct field {
	uint16_t tag;
	uint16_t flags;
	const uint8_t *v;
	uint32_t len;
};

struct note_ctx {
	struct fw_ctx *ctx;
	uint32_t note;	  /* index of the note, for messages */
	const char *what; /* "header", "device", "artifact" */
	uint64_t seen;	  /* bit per known tag < 64: duplicates */
};

static int field_next(struct note_ctx *n, struct fw_cursor *c, struct field *f)
{
	const uint8_t *p;

	if (fw_cursor_left(c) == 0)
		return 0;
	p = fw_cursor_take(c, 8);
	if (!p)
		return fw_error(n->ctx, -EBADMSG,
				"index note %u (%s): truncated field header at offset %zu", n->note,
				n->what, c->off);
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
			return fw_error(n->ctx, -EBADMSG,
					"index note %u (%s): field %u appears twice", n->note,
					n->what, f->tag);
		n->seen |= 1ull << f->tag;
	}
	return 1;
}

static void *dup_bytes(const uint8_t *v, uint32_t len, bool nul)
{
	uint8_t *p = malloc((size_t)len + (nul ? 1 : 0));

	if (p) {
		memcpy(p, v, len);
		if (nul)
			p[len] = '\0';
	}
	return p;
}

/* Check one field against its row and store it in the record. */
static int decode_field(struct note_ctx *n, const struct note_field *f, const struct field *in,
			void *rec, uint32_t *sensitive)
{
	unsigned width = wire_width(f);
	void *p;
	uint64_t v;

	switch (f->type) {
	case FIELD_U16:
	case FIELD_U32:
	case FIELD_U64:
		if (in->len != width)
			return fw_error(
				n->ctx, -EBADMSG,
				"index note %u (%s): field %u (%s) is %u bytes, expected %u",
				n->note, n->what, f->tag, f->name, in->len, width);
		v = width == 2 ? fw_get_le16(in->v) :
		    width == 4 ? fw_get_le32(in->v) :
				 fw_get_le64(in->v);
		if (f->max && v > f->max)
			return fw_error(n->ctx, -EBADMSG, "index note %u (%s): unknown %s %llu",
					n->note, n->what, f->name, (unsigned long long)v);
		store_int(rec, f, v);
		break;
	case FIELD_STR:
		if (in->len > FW_LIMIT_NOTE_STRING)
			return fw_error(
				n->ctx, -EOVERFLOW,
				"index note %u (%s): field %u (%s) is %u bytes, beyond FW_LIMIT_NOTE_STRING (%u)",
				n->note, n->what, f->tag, f->name, in->len, FW_LIMIT_NOTE_STRING);
		if (memchr(in->v, 0, in->len))
			return fw_error(n->ctx, -EBADMSG,
					"index note %u (%s): field %u (%s) holds a NUL byte",
					n->note, n->what, f->tag, f->name);
		p = dup_bytes(in->v, in->len, true);
		if (!p)
			return fw_error(n->ctx, -ENOMEM, "out of memory");
		free((void *)member_ptr(rec, f->off));
		set_member_ptr(rec, f->off, p);
		break;
	case FIELD_FIXED:
		if (in->len != f->member_size)
			return fw_error(n->ctx, -EBADMSG,
					"index note %u (%s): %s is %u bytes, expected %zu", n->note,
					n->what, f->name, in->len, f->member_size);
		memcpy((uint8_t *)rec + f->off, in->v, f->member_size);
		break;
	case FIELD_BYTES:
		if (in->len > f->size)
			return fw_error(n->ctx, -EOVERFLOW,
					"index note %u (%s): %s is %u bytes, beyond %s (%u)",
					n->note, n->what, f->name, in->len, f->limit, f->size);
		p = NULL;
		if (in->len) {
			p = dup_bytes(in->v, in->len, false);
			if (!p)
				return fw_error(n->ctx, -ENOMEM, "out of memory");
		}
		free((void *)member_ptr(rec, f->off));
		set_member_ptr(rec, f->off, p);
		set_member_len(rec, f->len_off, in->len);
		break;
	}
	if (f->sensitive && (in->flags & BUNDLE_FIELD_SENSITIVE))
		*sensitive |= f->sensitive;
	return 0;
}

static const struct note_field *find_field(const struct note_table *t, uint16_t tag)
{
	for (size_t i = 0; i < t->n_fields; i++)
		if (t->fields[i].tag == tag)
			return &t->fields[i];
	return NULL;
}

/* Decode one note's desc by its table: known fields are checked and stored,
 * unknown ones skipped (that is how the format grows), required ones must
 * be there. */
static int decode_note(struct note_ctx *n, const struct note_table *t, const uint8_t *desc,
		       size_t len, void *rec, uint32_t *sensitive)
{
	struct fw_cursor c;
	struct field in = { 0 };
	int r;

	n->what = t->what;
	fw_cursor_init(&c, desc, len);
	while ((r = field_next(n, &c, &in)) > 0) {
		const struct note_field *f = find_field(t, in.tag);

		if (f) {
			r = decode_field(n, f, &in, rec, sensitive);
			if (r < 0)
				return r;
		}
	}
	if (r < 0)
		return r;
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct note_field *f = &t->fields[i];

		if ((f->opts & FIELD_REQUIRED) && !(n->seen & (1ull << f->tag)))
			return fw_error(n->ctx, -EBADMSG,
					"index note %u (%s): required field %u (%s) is missing",
					n->note, n->what, f->tag, f->name);
		if ((f->opts & FIELD_EMPTY_NULL) && !member_ptr(rec, f->off)) {
			char *e = strdup("");

			if (!e)
				return fw_error(n->ctx, -ENOMEM, "out of memory");
			set_member_ptr(rec, f->off, e);
		}
	}
	return 0;
}

static int decode_header(struct note_ctx *n, const uint8_t *desc, size_t len,
			 struct bundle_header *h, uint32_t *sensitive)
{
	int r = decode_note(n, &header_table, desc, len, h, sensitive);

	if (r < 0)
		return r;
	if (h->format_version != BUNDLE_FORMAT_VERSION)
		return fw_error(
			n->ctx, -EBADMSG,
			"bundle format version %u is not supported (this fwbox reads version %u): use a newer fwbox",
			h->format_version, BUNDLE_FORMAT_VERSION);
	return 0;
}

static int decode_artifact(struct note_ctx *n, const uint8_t *desc, size_t len,
			   struct bundle_artifact *a)
{
	uint32_t sensitive = 0;
	const char *why;
	int r;

	r = decode_note(n, &artifact_table, desc, len, a, &sensitive);
	if (r < 0)
		return r;
	why = bundle_path_problem(a->path);
	if (why)
		return fw_error(n->ctx, -EBADMSG, "index note %u: artifact path '%s': %s", n->note,
				a->path, why);
	if (!bundle_kind_ok(a->kind))
		return fw_error(n->ctx, -EBADMSG, "index note %u: artifact kind '%s' is not valid",
				n->note, a->kind);
	if (a->size > FW_LIMIT_MEMBER_SIZE)
		return fw_error(
			n->ctx, -EOVERFLOW,
			"index note %u: artifact '%s' claims %llu bytes, beyond FW_LIMIT_MEMBER_SIZE",
			n->note, a->path, (unsigned long long)a->size);
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
	bool sealed = false, has_header = false;
	uint32_t header_sensitive = 0;
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
			r = fw_error(ctx, -EBADMSG, "index: %zu bytes after the seal note",
				     fw_cursor_left(&c));
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
			r = fw_error(
				ctx, -EBADMSG,
				"index note %u at offset %zu: name (%u) or desc (%u) size runs past the %zu-byte section",
				idx->n_notes, start, namesz, descsz, len);
			goto fail;
		}
		/* Padding after the last desc may be absent; otherwise it must fit. */
		if (!fw_cursor_align(&c, BUNDLE_NOTE_ALIGN)) {
			r = fw_error(ctx, -EBADMSG,
				     "index note %u: desc padding runs past the section",
				     idx->n_notes);
			goto fail;
		}
		if (descsz > FW_LIMIT_NOTE_DESC) {
			r = fw_error(
				ctx, -EOVERFLOW,
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
			r = fw_error(ctx, -EBADMSG,
				     "index: the first note is type %u, not the bundle header",
				     type);
			goto fail;
		}
		switch (type) {
		case BUNDLE_NOTE_HEADER:
			if (has_header) {
				r = fw_error(ctx, -EBADMSG, "index: a second header note (note %u)",
					     n.note);
				goto fail;
			}
			has_header = true;
			r = decode_header(&n, desc, descsz, &idx->header, &header_sensitive);
			break;
		case BUNDLE_NOTE_DEVICE:
			if (idx->has_device) {
				r = fw_error(ctx, -EBADMSG, "index: a second device note (note %u)",
					     n.note);
				goto fail;
			}
			idx->has_device = true;
			r = decode_note(&n, &device_table, desc, descsz, &idx->device,
					&idx->device.sensitive);
			break;
		case BUNDLE_NOTE_TRIGGER: {
			uint32_t unused = 0;

			if (idx->has_trigger) {
				r = fw_error(ctx, -EBADMSG, "index: a second trigger note (note %u)",
					     n.note);
				goto fail;
			}
			idx->has_trigger = true;
			r = decode_note(&n, &trigger_table, desc, descsz, &idx->trigger, &unused);
			break;
		}
		case BUNDLE_NOTE_ARTIFACT:
			if (idx->n_artifacts >= FW_LIMIT_MEMBERS) {
				r = fw_error(ctx, -EOVERFLOW,
					     "index: more than FW_LIMIT_MEMBERS (%u) artifacts",
					     FW_LIMIT_MEMBERS);
				goto fail;
			}
			r = fw_grow((void **)&idx->artifacts, &cap, idx->n_artifacts + 1,
				    sizeof(*idx->artifacts), FW_LIMIT_MEMBERS);
			if (r < 0) {
				r = fw_error(ctx, r, "out of memory");
				goto fail;
			}
			memset(&idx->artifacts[idx->n_artifacts], 0, sizeof(idx->artifacts[0]));
			idx->n_artifacts++;
			r = decode_artifact(&n, desc, descsz,
					    &idx->artifacts[idx->n_artifacts - 1]);
			if (r >= 0) {
				idx->total_size += idx->artifacts[idx->n_artifacts - 1].size;
				if (idx->total_size > FW_LIMIT_BUNDLE_SIZE)
					r = fw_error(
						ctx, -EOVERFLOW,
						"index: artifacts add up to more than FW_LIMIT_BUNDLE_SIZE (%llu bytes)",
						(unsigned long long)FW_LIMIT_BUNDLE_SIZE);
			}
			break;
		case BUNDLE_NOTE_SEAL: {
			uint8_t digest[FW_SHA256_LEN];

			if (descsz != FW_SHA256_LEN) {
				r = fw_error(ctx, -EBADMSG,
					     "index: seal note is %u bytes, expected %u", descsz,
					     FW_SHA256_LEN);
				goto fail;
			}
			r = fw_sha256(notes, start, digest);
			if (r < 0) {
				r = fw_error(ctx, r, "index: cannot hash the notes");
				goto fail;
			}
			if (memcmp(digest, desc, FW_SHA256_LEN) != 0) {
				r = fw_error(
					ctx, -EBADMSG,
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
	/* The host is in the header note, its redaction bit with the device's. */
	idx->device.sensitive |= header_sensitive;
	r = check_duplicates(ctx, idx);
	if (r < 0)
		goto fail;
	*ret = idx;
	return 0;
fail:
	bundle_index_free(idx);
	return r;
}
