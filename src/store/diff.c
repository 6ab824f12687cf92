/* SPDX-License-Identifier: MIT */
/*
 * store diff: what changed from one capture to another.  Register fields,
 * steps and trace formats are compared in SQL; CR-space is compared chunk by
 * chunk (equal blobs are skipped without unpacking) and word by word in C.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/store-internal.h"

static const char fields_sql[] =
	"SELECT k.register, k.instance, k.field, "
	"CAST(a.value AS TEXT), CAST(b.value AS TEXT), a.enum_name, b.enum_name "
	"FROM (SELECT DISTINCT register, instance, field FROM register_fields "
	"      WHERE bundle IN (?1, ?2)) k "
	"LEFT JOIN register_fields a ON a.bundle = ?1 AND a.register = k.register "
	"     AND a.instance = k.instance AND a.field = k.field "
	"LEFT JOIN register_fields b ON b.bundle = ?2 AND b.register = k.register "
	"     AND b.instance = k.instance AND b.field = k.field "
	"WHERE a.value IS NOT b.value OR a.enum_name IS NOT b.enum_name "
	"ORDER BY k.register, k.instance, k.field";

static const char steps_sql[] =
	"SELECT k.kind, "
	"(SELECT outcome FROM artifacts WHERE bundle = ?1 AND kind = k.kind ORDER BY seq LIMIT 1) AS oa, "
	"(SELECT outcome FROM artifacts WHERE bundle = ?2 AND kind = k.kind ORDER BY seq LIMIT 1) AS ob, "
	"(SELECT reason FROM artifacts WHERE bundle = ?2 AND kind = k.kind ORDER BY seq LIMIT 1) "
	"FROM (SELECT DISTINCT kind FROM artifacts WHERE bundle IN (?1, ?2)) k "
	"WHERE oa IS NOT ob ORDER BY k.kind";

/* The formats of A and B, from the per-bundle format counts (each
 * message once), with one rendered message and whether the row counts
 * messages kept as text. */
static const char messages_sql[] =
	"SELECT nb.bundle = ?1, f.id, f.text, nb.events, "
	"printf(f.text, x.p0, x.p1, x.p2, x.p3, x.p4, x.p5, x.p6), nb.text, (x.meta >> 9) & 7 "
	"FROM trace_bundle_formats nb JOIN trace_formats f ON f.id = nb.fmt "
	"JOIN trace_ev x ON x.id = nb.first_event "
	"WHERE nb.bundle IN (?1, ?2) ORDER BY f.text, f.id, nb.bundle = ?2";

/* One bundle's messages, each once, for the parameter ranges. */
static const char params_sql[] =
	"SELECT e.fmt, e.p0, e.p1, e.p2, e.p3, e.p4, e.p5, e.p6, (e.meta >> 9) & 7 "
	"FROM bundles b JOIN trace_ev e ON e.id BETWEEN b.ev_first AND b.ev_last "
	"WHERE b.id = ?1 AND (e.meta >> 27) & 1 = 0";

static const char header_sql[] =
	"SELECT d.identity, b.fw_version FROM bundles b LEFT JOIN devices d ON d.id = b.device "
	"WHERE b.id = ?1";

/* Segments keyed by (dump, type, index1, index2, nth among that key),
 * every key of A or B, where the bytes differ or one side lacks it. */
static const char segments_sql[] =
	"WITH s AS (SELECT bundle, dump, segment_type, name, index1, index2, size, data, "
	"  row_number() OVER (PARTITION BY bundle, dump, segment_type, index1, index2 "
	"                     ORDER BY seq) - 1 AS nth "
	"  FROM segments WHERE bundle IN (?1, ?2)), "
	"k AS (SELECT DISTINCT dump, segment_type, index1, index2, nth FROM s) "
	"SELECT k.dump, k.segment_type, coalesce(b.name, a.name), k.index1, k.index2, k.nth, "
	"a.size, b.size, a.bundle IS NOT NULL, b.bundle IS NOT NULL FROM k "
	"LEFT JOIN s a ON a.bundle = ?1 AND a.dump = k.dump AND a.segment_type = k.segment_type "
	"  AND a.index1 IS k.index1 AND a.index2 IS k.index2 AND a.nth = k.nth "
	"LEFT JOIN s b ON b.bundle = ?2 AND b.dump = k.dump AND b.segment_type = k.segment_type "
	"  AND b.index1 IS k.index1 AND b.index2 IS k.index2 AND b.nth = k.nth "
	"WHERE a.bundle IS NULL OR b.bundle IS NULL OR a.data IS NOT b.data "
	"ORDER BY k.dump, k.segment_type, k.index1, k.index2, k.nth";

static const char chunks_sql[] =
	"SELECT source, addr, data FROM crspace_chunks WHERE bundle = ? ORDER BY source, addr";

static int bind2_prepare(struct store *s, const char *sql, int64_t a, int64_t b,
			 sqlite3_stmt **ret)
{
	int r = store_prepare(s, sql, ret);

	if (r < 0)
		return r;
	sqlite3_bind_int64(*ret, 1, a);
	sqlite3_bind_int64(*ret, 2, b);
	return 0;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int diff_fields(struct store *s, int64_t a, int64_t b, const struct store_diff_visitor *v,
		       void *u, uint64_t *count)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	r = bind2_prepare(s, fields_sql, a, b, &st);
	if (r < 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_diff_field f = {
			.reg = col_text(st, 0),
			.instance = (unsigned)sqlite3_column_int(st, 1),
			.field = col_text(st, 2),
			.a = col_text(st, 3),
			.b = col_text(st, 4),
			.a_enum = col_text(st, 5),
			.b_enum = col_text(st, 6),
		};

		(*count)++;
		if (v && v->field && (r = v->field(u, &f)) < 0)
			goto finalize;
	}
	r = rc == SQLITE_DONE ? 0 : store_sqlite_error(s, rc, "cannot compare register fields");
finalize:
	sqlite3_finalize(st);
	return r;
}

static int diff_steps(struct store *s, int64_t a, int64_t b, const struct store_diff_visitor *v,
		      void *u, uint64_t *count)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	r = bind2_prepare(s, steps_sql, a, b, &st);
	if (r < 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_diff_step d = {
			.kind = col_text(st, 0),
			.a = col_text(st, 1),
			.b = col_text(st, 2),
			.b_reason = col_text(st, 3),
		};

		(*count)++;
		if (v && v->step && (r = v->step(u, &d)) < 0)
			goto finalize;
	}
	r = rc == SQLITE_DONE ? 0 : store_sqlite_error(s, rc, "cannot compare steps");
finalize:
	sqlite3_finalize(st);
	return r;
}

static int diff_segments(struct store *s, int64_t a, int64_t b,
			 const struct store_diff_visitor *v, void *u, uint64_t *count)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	r = bind2_prepare(s, segments_sql, a, b, &st);
	if (r < 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_diff_segment g = {
			.dump = col_text(st, 0),
			.type = (uint32_t)sqlite3_column_int64(st, 1),
			.name = col_text(st, 2),
			.index1 = sqlite3_column_int64(st, 3),
			.index2 = sqlite3_column_int64(st, 4),
			.nth = (uint64_t)sqlite3_column_int64(st, 5),
			.a_size = (uint64_t)sqlite3_column_int64(st, 6),
			.b_size = (uint64_t)sqlite3_column_int64(st, 7),
			.has_a = sqlite3_column_int(st, 8) != 0,
			.has_b = sqlite3_column_int(st, 9) != 0,
		};

		(*count)++;
		if (v && v->segment && (r = v->segment(u, &g)) < 0)
			goto finalize;
	}
	r = rc == SQLITE_DONE ? 0 : store_sqlite_error(s, rc, "cannot compare resource-dump segments");
finalize:
	sqlite3_finalize(st);
	return r;
}

struct msg_row {
	int64_t fmt;
	char *text, *example, *glob; /* glob: NULL for a message kept as text */
	uint64_t count_a, count_b;
	unsigned nparams;
	int64_t min[7], max[7];
	bool ranged;                 /* min/max hold at least one message */
	bool report;                 /* new in B or gone from B */
};

/* A GLOB pattern matching every rendering of format text: each conversion
 * becomes '*', GLOB's own metacharacters are bracketed. */
static char *format_glob(const char *text)
{
	char *g = malloc(3 * strlen(text) + 1), *o = g;

	if (!g)
		return NULL;
	for (const char *p = text; *p; p++) {
		if (*p == '%' && p[1] == '%') {
			*o++ = *++p;
			continue;
		}
		if (*p == '%') {
			for (p++; *p && strchr("-+ #0!,*.123456789hlLqjzt", *p); p++)
				;
			*o++ = '*';
			if (!*p)
				break;
			continue;
		}
		if (*p == '*' || *p == '?' || *p == '[') {
			*o++ = '[';
			*o++ = *p;
			*o++ = ']';
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	return g;
}

/* The conversion character of each parameter of format text, in order
 * ('*' widths take a parameter of their own, shown as 'd'). */
static void format_convs(const char *text, char conv[7])
{
	unsigned arg = 0;

	memset(conv, 0, 7);
	for (const char *p = text; *p && arg < 7; p++) {
		if (*p != '%')
			continue;
		if (*++p == '%')
			continue;
		for (; *p && strchr("-+ #0123456789.*hlLqjzt", *p); p++)
			if (*p == '*' && arg < 7)
				conv[arg++] = 'd';
		if (!*p || arg >= 7)
			break;
		conv[arg++] = *p;
	}
}

/* A message kept as text (a line no strings DB matched, or a row loaded
 * before schema 6) is the same message as a format of the other capture
 * when it is a rendering of that format. */
static bool text_renders(const struct msg_row *text, const struct msg_row *fmt)
{
	return !text->glob && fmt->glob && sqlite3_strglob(fmt->glob, text->example) == 0;
}

static int cmp_row_text(const void *a, const void *b)
{
	const struct msg_row *x = a, *y = b;
	int c = strcmp(x->text, y->text);

	return c ? c : (x->fmt < y->fmt ? -1 : x->fmt > y->fmt);
}

static int cmp_row_fmt(const void *a, const void *b)
{
	const struct msg_row *x = a, *y = b;

	return x->fmt < y->fmt ? -1 : x->fmt > y->fmt;
}

/* Parameter ranges of the reported formats of one bundle: one pass over
 * its messages.  byfmt is rows sorted by fmt. */
static int param_ranges(struct store *s, int64_t bundle, struct msg_row *byfmt, size_t n,
			bool side_b)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	r = store_prepare(s, params_sql, &st);
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, bundle);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct msg_row key = { .fmt = sqlite3_column_int64(st, 0) }, *m;
		unsigned np = (unsigned)sqlite3_column_int(st, 8);

		m = bsearch(&key, byfmt, n, sizeof(*byfmt), cmp_row_fmt);
		if (!m || !m->report || !m->glob || (side_b ? !m->count_b : !m->count_a) ||
		    (side_b ? m->count_a : m->count_b))
			continue;
		if (np > 7)
			np = 7;
		for (unsigned i = 0; i < np; i++) {
			int64_t v = sqlite3_column_int64(st, 1 + (int)i);

			if (!m->ranged || i >= m->nparams || v < m->min[i])
				m->min[i] = v;
			if (!m->ranged || i >= m->nparams || v > m->max[i])
				m->max[i] = v;
		}
		if (np > m->nparams)
			m->nparams = np;
		m->ranged = true;
	}
	r = rc == SQLITE_DONE ? 0 : store_sqlite_error(s, rc, "cannot read trace parameters");
	sqlite3_finalize(st);
	return r;
}

/*
 * Trace formats one capture has and the other lacks, each with its count
 * of messages (each once) and the range of every parameter.  Messages are
 * keyed by format; a message kept as text is known to the other side when
 * it renders one of its formats.
 */
static int diff_messages(struct store *s, int64_t a, int64_t b,
			 const struct store_diff_visitor *v, void *u, struct store_diff_counts *cnt)
{
	sqlite3_stmt *st = NULL;
	struct msg_row *rows = NULL;
	size_t n = 0, cap = 0;
	bool any_a = false, any_b = false;
	int rc, r = 0;

	r = bind2_prepare(s, messages_sql, a, b, &st);
	if (r < 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		bool in_a = sqlite3_column_int(st, 0) && a != b;
		int64_t fmt = sqlite3_column_int64(st, 1);
		uint64_t events = (uint64_t)sqlite3_column_int64(st, 3);
		struct msg_row *m;

		/* Rows come by format, A before B: B's row joins A's. */
		if (n && rows[n - 1].fmt == fmt) {
			m = &rows[n - 1];
		} else {
			r = fw_grow((void **)&rows, &cap, n + 1, sizeof(*rows), 0);
			if (r < 0) {
				r = fw_error(s->ctx, r, "out of memory comparing the trace messages");
				goto finalize;
			}
			m = &rows[n++];
			memset(m, 0, sizeof(*m));
			m->fmt = fmt;
			m->text = strdup(col_text(st, 2) ? col_text(st, 2) : "");
			m->example = strdup(col_text(st, 4) ? col_text(st, 4) : "");
			m->glob = sqlite3_column_int(st, 5) ? NULL : format_glob(m->text);
			if (!m->text || !m->example || (!sqlite3_column_int(st, 5) && !m->glob)) {
				r = fw_error(s->ctx, -ENOMEM, "out of memory");
				goto finalize;
			}
		}
		if (in_a || a == b)
			m->count_a += events;
		if (!in_a)
			m->count_b += events;
		/* The example of B when B has the format. */
		if (!in_a && m->count_a) {
			char *ex = strdup(col_text(st, 4) ? col_text(st, 4) : "");

			if (!ex) {
				r = fw_error(s->ctx, -ENOMEM, "out of memory");
				goto finalize;
			}
			free(m->example);
			m->example = ex;
		}
	}
	if (rc != SQLITE_DONE) {
		r = store_sqlite_error(s, rc, "cannot compare trace messages");
		goto finalize;
	}
	for (size_t i = 0; i < n; i++) {
		struct msg_row *m = &rows[i];
		bool known = false;

		if (m->count_a && m->count_b)
			continue;
		for (size_t j = 0; j < n && !known; j++) {
			struct msg_row *o = &rows[j];

			if (j == i)
				continue;
			/* Known to the other capture, or the same message of its
			 * own capture listed under its format. */
			if ((m->count_b ? o->count_a : o->count_b) && (text_renders(m, o) || text_renders(o, m)))
				known = true;
			else if ((m->count_b ? o->count_b : o->count_a) && text_renders(m, o))
				known = true;
		}
		if (known)
			continue;
		m->report = true;
		any_a |= m->count_a > 0;
		any_b |= m->count_b > 0;
	}
	/* The parameter ranges: one pass over each capture that has any. */
	if (any_a || any_b) {
		struct msg_row *byfmt = rows;

		qsort(byfmt, n, sizeof(*byfmt), cmp_row_fmt);
		if (any_b)
			r = param_ranges(s, b, byfmt, n, true);
		if (r >= 0 && any_a && a != b)
			r = param_ranges(s, a, byfmt, n, false);
		if (r < 0)
			goto finalize;
		/* Back to the order of the format text for the report. */
		qsort(byfmt, n, sizeof(*byfmt), cmp_row_text);
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			struct msg_row *m = &rows[i];
			struct store_diff_message d = {
				.change = pass ? STORE_DIFF_GONE : STORE_DIFF_NEW,
				.format = m->text,
				.example = m->example,
				.count = pass ? m->count_a : m->count_b,
				.text = !m->glob,
				.nparams = m->ranged ? m->nparams : 0,
			};

			if (!m->report || (pass ? m->count_b : m->count_a))
				continue;
			memcpy(d.min, m->min, sizeof(d.min));
			memcpy(d.max, m->max, sizeof(d.max));
			if (m->glob)
				format_convs(m->text, d.conv);
			if (pass)
				cnt->messages_gone++;
			else
				cnt->messages++;
			if (v && v->message && (r = v->message(u, &d)) < 0)
				goto finalize;
		}
	}
	r = 0;
finalize:
	sqlite3_finalize(st);
	for (size_t i = 0; i < n; i++) {
		free(rows[i].text);
		free(rows[i].example);
		free(rows[i].glob);
	}
	free(rows);
	return r;
}

static int diff_header(struct store *s, int64_t a, int64_t b, const struct store_diff_visitor *v,
		       void *u)
{
	sqlite3_stmt *sa = NULL, *sb = NULL;
	struct store_diff_header h = { 0 };
	int r;

	if (!v || !v->header)
		return 0;
	r = store_prepare(s, header_sql, &sa);
	if (r >= 0)
		r = store_prepare(s, header_sql, &sb);
	if (r < 0)
		goto finalize;
	sqlite3_bind_int64(sa, 1, a);
	sqlite3_bind_int64(sb, 1, b);
	if (sqlite3_step(sa) == SQLITE_ROW) {
		h.a_device = col_text(sa, 0);
		h.a_fw = col_text(sa, 1);
	}
	if (sqlite3_step(sb) == SQLITE_ROW) {
		h.b_device = col_text(sb, 0);
		h.b_fw = col_text(sb, 1);
	}
	h.same_card = h.a_device && h.b_device && !strcmp(h.a_device, h.b_device);
	r = v->header(u, &h);
finalize:
	sqlite3_finalize(sa);
	sqlite3_finalize(sb);
	return r;
}

/* A cursor over one bundle's CR-space words in address order. */
struct word_cursor {
	sqlite3_stmt *st;
	const char *source;
	const uint8_t *data;
	size_t nwords, i;
	uint64_t base;
	bool done;
	int rc;
};

static void cursor_next_chunk(struct word_cursor *c)
{
	c->rc = sqlite3_step(c->st);
	if (c->rc != SQLITE_ROW) {
		c->done = true;
		return;
	}
	c->source = (const char *)sqlite3_column_text(c->st, 0);
	c->base = (uint64_t)sqlite3_column_int64(c->st, 1);
	c->data = sqlite3_column_blob(c->st, 2);
	c->nwords = (size_t)sqlite3_column_bytes(c->st, 2) / 4;
	c->i = 0;
	if (!c->nwords)
		cursor_next_chunk(c);
}

static uint64_t cursor_addr(const struct word_cursor *c)
{
	return c->base + 4 * c->i;
}

/* Order of words: by image (source), then address. */
static int cursor_cmp(const struct word_cursor *a, const struct word_cursor *b)
{
	int c = strcmp(a->source, b->source);

	if (c)
		return c;
	return cursor_addr(a) < cursor_addr(b) ? -1 : cursor_addr(a) > cursor_addr(b);
}

static uint32_t cursor_word(const struct word_cursor *c)
{
	const uint8_t *p = c->data + 4 * c->i;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void cursor_advance(struct word_cursor *c)
{
	if (++c->i >= c->nwords)
		cursor_next_chunk(c);
}

static int diff_words(struct store *s, int64_t a, int64_t b, const struct store_diff_visitor *v,
		      void *u, uint64_t *count)
{
	struct word_cursor ca = { 0 }, cb = { 0 };
	int r;

	r = store_prepare(s, chunks_sql, &ca.st);
	if (r < 0)
		return r;
	r = store_prepare(s, chunks_sql, &cb.st);
	if (r < 0)
		goto finalize;
	sqlite3_bind_int64(ca.st, 1, a);
	sqlite3_bind_int64(cb.st, 1, b);
	cursor_next_chunk(&ca);
	cursor_next_chunk(&cb);
	while (!ca.done || !cb.done) {
		struct store_diff_word w = { 0 };
		bool adv_a = false, adv_b = false;

		/* Whole equal chunks at the same address: skip them unread. */
		if (!ca.done && !cb.done && ca.i == 0 && cb.i == 0 && ca.base == cb.base &&
		    ca.nwords == cb.nwords && !strcmp(ca.source, cb.source) &&
		    !memcmp(ca.data, cb.data, 4 * ca.nwords)) {
			cursor_next_chunk(&ca);
			cursor_next_chunk(&cb);
			continue;
		}
		if (!ca.done && (cb.done || cursor_cmp(&ca, &cb) < 0)) {
			w.source = ca.source;
			w.address = cursor_addr(&ca);
			w.a = cursor_word(&ca);
			w.has_a = adv_a = true;
		} else if (!cb.done && (ca.done || cursor_cmp(&cb, &ca) < 0)) {
			w.source = cb.source;
			w.address = cursor_addr(&cb);
			w.b = cursor_word(&cb);
			w.has_b = adv_b = true;
		} else {
			w.source = ca.source;
			w.address = cursor_addr(&ca);
			w.a = cursor_word(&ca);
			w.b = cursor_word(&cb);
			w.has_a = w.has_b = adv_a = adv_b = true;
		}
		if (!w.has_a || !w.has_b || w.a != w.b) {
			(*count)++;
			/* Before advancing: w.source lives in the current row. */
			if (v && v->word && (r = v->word(u, &w)) < 0)
				goto finalize;
		}
		if (adv_a)
			cursor_advance(&ca);
		if (adv_b)
			cursor_advance(&cb);
	}
	if (ca.rc != SQLITE_DONE)
		r = store_sqlite_error(s, ca.rc, "cannot compare CR-space");
	else if (cb.rc != SQLITE_DONE)
		r = store_sqlite_error(s, cb.rc, "cannot compare CR-space");
	else
		r = 0;
finalize:
	sqlite3_finalize(ca.st);
	sqlite3_finalize(cb.st);
	return r;
}

int store_diff(struct store *s, int64_t a, int64_t b, const struct store_diff_visitor *v,
	       void *userdata, struct store_diff_counts *ret)
{
	struct store_diff_counts c = { 0 };
	int r;

	if (s->pg)
		return store_pg_unsupported(s, "diff");
	/* One read transaction: both sides come from the same snapshot even
	 * if a loader commits meanwhile. */
	r = store_exec(s, "BEGIN");
	if (r < 0)
		return r;
	r = diff_header(s, a, b, v, userdata);
	if (r < 0)
		goto end;
	r = diff_steps(s, a, b, v, userdata, &c.steps);
	if (r < 0)
		goto end;
	r = diff_fields(s, a, b, v, userdata, &c.fields);
	if (r < 0)
		goto end;
	r = diff_words(s, a, b, v, userdata, &c.words);
	if (r < 0)
		goto end;
	r = diff_messages(s, a, b, v, userdata, &c);
	if (r < 0)
		goto end;
	r = diff_segments(s, a, b, v, userdata, &c.segments);
	if (r < 0)
		goto end;
	if (ret)
		*ret = c;
end:
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	return r;
}
