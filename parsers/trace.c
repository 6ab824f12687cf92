/* SPDX-License-Identifier: MIT */
/*
 * trace: what the tracer's sources share: source names, MTRC_CAP and the
 * strings database (the formats a string pointer names).  The ring reader
 * is trace-ring.c, the renderer trace-render.c, the text-line parsers
 * trace-text.c.  The rules restate the kernel's drivers/net/ethernet/
 * mellanox/mlx5/core/diag/fw_tracer.c; each one is named where it is
 * applied so the code can be checked against the driver line by line.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/bytes.h"
#include "core/limits.h"
#include "trace.h"
#include "trace-internal.h"


const char *trace_source_name(enum trace_source s)
{
	switch (s) {
	case TRACE_SOURCE_RING:
		return "ring";
	case TRACE_SOURCE_TEXT:
		return "text";
	case TRACE_SOURCE_SAVED:
		return "saved";
	}
	return "unknown";
}

/* ------------------------------------------------------------------ MTRC_CAP */

static uint32_t cap_get(const void *data, size_t len, size_t bit_off, unsigned width)
{
	uint32_t v;

	return fw_mlx5_get_in(data, len, bit_off, width, &v) ? v : 0;
}

int trace_cap_parse(struct fw_ctx *ctx, const void *data, size_t len, struct trace_cap *ret)
{
	struct trace_cap cap;
	unsigned i;

	/* string_db_param[7] ends at byte 16 + 8 * 8 = 80. */
	if (len < 80)
		return fw_error(ctx, -EBADMSG,
				"MTRC_CAP: %zu bytes, need at least 80; recollect 'trace.cap'", len);
	memset(&cap, 0, sizeof(cap));
	/* Bounded field reads (core/bytes.h); the length check above makes
	 * every field present. */
	cap.trace_owner = cap_get(data, len, 0, 1);
	cap.trace_to_memory = cap_get(data, len, 1, 1);
	cap.trc_ver = (uint8_t)cap_get(data, len, 6, 2);
	cap.num_string_db = (uint8_t)cap_get(data, len, 28, 4);
	cap.first_string_trace = (uint8_t)cap_get(data, len, 32, 8);
	cap.num_string_trace = (uint8_t)cap_get(data, len, 40, 8);
	cap.log_max_trace_buffer_size = (uint8_t)cap_get(data, len, 88, 8);
	if (cap.num_string_db > TRACE_STRINGS_DB_MAX)
		return fw_error(ctx, -EBADMSG, "MTRC_CAP: num_string_db %u exceeds %u",
				cap.num_string_db, TRACE_STRINGS_DB_MAX);
	for (i = 0; i < TRACE_STRINGS_DB_MAX; i++) {
		cap.db_base[i] = cap_get(data, len, 128 + 64 * i, 32);
		cap.db_size[i] = cap_get(data, len, 128 + 64 * i + 32 + 8, 24);
	}
	*ret = cap;
	return 0;
}

void trace_cap_encode(const struct trace_cap *cap, void *out)
{
	unsigned i;

	memset(out, 0, 128);
	fw_mlx5_set(out, 0, 1, cap->trace_owner);
	fw_mlx5_set(out, 1, 1, cap->trace_to_memory);
	fw_mlx5_set(out, 6, 2, cap->trc_ver);
	fw_mlx5_set(out, 28, 4, cap->num_string_db);
	fw_mlx5_set(out, 32, 8, cap->first_string_trace);
	fw_mlx5_set(out, 40, 8, cap->num_string_trace);
	fw_mlx5_set(out, 88, 8, cap->log_max_trace_buffer_size);
	for (i = 0; i < TRACE_STRINGS_DB_MAX; i++) {
		fw_mlx5_set(out, 128 + 64 * i, 32, cap->db_base[i]);
		fw_mlx5_set(out, 128 + 64 * i + 40, 24, cap->db_size[i]);
	}
}

/* ---------------------------------------------------------------- strings DB */

struct trace_strdb {
	struct fw_ctx *ctx;
	struct trace_cap cap;
	/* Each section is copied with a NUL after it, so a format that runs to
	 * the end of its section still ends. pct[i] counts the '%' from byte i
	 * to the end of its string (saturating at 255), so the kernel's
	 * parameter count is one load per message instead of a scan. */
	char *data[TRACE_STRINGS_DB_MAX];
	uint8_t *pct[TRACE_STRINGS_DB_MAX];
	/* Bytes held of each section; MTRC_CAP's size may be larger when the
	 * capture was short, and the rest reads as zeros (empty formats). */
	uint32_t held[TRACE_STRINGS_DB_MAX];
};

int trace_strdb_new(struct fw_ctx *ctx, const struct trace_cap *cap, struct trace_strdb **ret)
{
	struct trace_strdb *db = calloc(1, sizeof(*db));

	if (!db)
		return fw_error(ctx, -ENOMEM, "strings DB: out of memory");
	db->ctx = ctx;
	db->cap = *cap;
	*ret = db;
	return 0;
}

void trace_strdb_free(struct trace_strdb *db)
{
	unsigned i;

	if (!db)
		return;
	for (i = 0; i < TRACE_STRINGS_DB_MAX; i++) {
		free(db->data[i]);
		free(db->pct[i]);
	}
	free(db);
}

const struct trace_cap *trace_strdb_cap(const struct trace_strdb *db)
{
	return &db->cap;
}

size_t trace_strdb_section(const struct trace_strdb *db, unsigned i, const char **ret_data,
			   uint32_t *ret_base)
{
	if (i >= TRACE_STRINGS_DB_MAX || !db->data[i] || !db->cap.db_size[i])
		return 0;
	*ret_data = db->data[i];
	*ret_base = db->cap.db_base[i];
	return db->held[i];
}

/*
 * The kernel rewrites every "%llx" of a format to "%x%x" in place when a
 * message first uses it (mlx5_tracer_get_num_of_params), so a 64-bit value
 * is printed from two 32-bit parameter events.  Rewriting the whole section
 * once gives the same text for every pointer at a string start, which is
 * what firmware pointers are.
 */
static void rewrite_llx(char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 4 <= n; i++) {
		if (s[i] == '%' && s[i + 1] == 'l' && s[i + 2] == 'l' && s[i + 3] == 'x') {
			memcpy(s + i, "%x%x", 4);
			i += 3;
		}
	}
}

int trace_strdb_set_section(struct trace_strdb *db, unsigned i, const void *data, size_t len)
{
	size_t size, n, k;
	char *s;
	uint8_t *pct;
	unsigned count = 0;
	int short_input = 0;

	if (i >= TRACE_STRINGS_DB_MAX)
		return fw_error(db->ctx, -EINVAL, "strings DB section %u: at most %u sections", i,
				TRACE_STRINGS_DB_MAX);
	size = db->cap.db_size[i];
	if (size > FW_LIMIT_STRINGS_DB_SECTION || len > FW_LIMIT_STRINGS_DB_SECTION)
		return fw_error(db->ctx, -EOVERFLOW,
				"strings DB section %u: %zu bytes is over FW_LIMIT_STRINGS_DB_SECTION",
				i, size > len ? (size_t)size : len);
	/* The kernel reads exactly string_db_size bytes; so do we.  A shorter
	 * capture is held as is and its missing tail reads as zeros. */
	n = len < size ? len : size;
	s = calloc(1, n + 1);
	pct = malloc(n + 1);
	if (!s || !pct) {
		free(s);
		free(pct);
		return fw_error(db->ctx, -ENOMEM, "strings DB section %u: out of memory", i);
	}
	if (n)
		memcpy(s, data, n);
	if (n < size)
		short_input = 1;
	rewrite_llx(s, n);
	pct[n] = 0;
	for (k = n; k-- > 0;) {
		if (s[k] == '\0')
			count = 0;
		else if (s[k] == '%' && count < 255)
			count++;
		pct[k] = (uint8_t)count;
	}
	free(db->data[i]);
	free(db->pct[i]);
	db->data[i] = s;
	db->pct[i] = pct;
	db->held[i] = (uint32_t)n;
	return short_input;
}

const char *trace_strdb_lookup(const struct trace_strdb *db, uint32_t ptr, unsigned *ret_nparams)
{
	unsigned i;

	/* mlx5_tracer_get_string: base < ptr < base + size, strictly.
	 * Sections do not overlap in practice, but the kernel takes the first
	 * match, so the scan keeps its order. */
	for (i = 0; i < TRACE_STRINGS_DB_MAX; i++) {
		uint32_t base = db->cap.db_base[i], size = db->cap.db_size[i];

		if (!size || !db->data[i])
			continue;
		if (ptr > base && (uint64_t)ptr < (uint64_t)base + size) {
			uint32_t off = ptr - base;

			if (off >= db->held[i])
				off = db->held[i]; /* the NUL after what is held */
			if (ret_nparams)
				*ret_nparams = db->pct[i][off];
			return db->data[i] + off;
		}
	}
	return NULL;
}
