/* SPDX-License-Identifier: MIT */
/*
 * store diff: what changed from one capture to another, on either
 * back-end (the statements go through store_select()).  Register fields,
 * steps and trace formats are compared in SQL; CR-space is compared page
 * by page (equal chunks are skipped by the database) and word by word in C.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/store-internal.h"

/*
 * The statements run on both back-ends: IS [NOT] DISTINCT FROM (SQLite
 * 3.39 and later) for a comparison where NULL equals NULL, and COLLATE
 * "C" for an order by bytes (SQLite's "C" is BINARY, registered by
 * store_open(); a PostgreSQL database may have another default).
 */
static const char fields_sql[] =
	"SELECT k.register, k.instance, k.field, "
	"CAST(a.value AS TEXT), CAST(b.value AS TEXT), a.enum_name, b.enum_name "
	"FROM (SELECT DISTINCT register, instance, field FROM register_fields "
	"      WHERE bundle IN (?1, ?2)) k "
	"LEFT JOIN register_fields a ON a.bundle = ?1 AND a.register = k.register "
	"     AND a.instance = k.instance AND a.field = k.field "
	"LEFT JOIN register_fields b ON b.bundle = ?2 AND b.register = k.register "
	"     AND b.instance = k.instance AND b.field = k.field "
	"WHERE a.value IS DISTINCT FROM b.value OR a.enum_name IS DISTINCT FROM b.enum_name "
	"ORDER BY k.register COLLATE \"C\", k.instance, k.field COLLATE \"C\"";

static const char steps_sql[] =
	"SELECT kind, oa, ob, rb FROM (SELECT k.kind, "
	"(SELECT outcome FROM artifacts WHERE bundle = ?1 AND kind = k.kind ORDER BY seq LIMIT 1) AS oa, "
	"(SELECT outcome FROM artifacts WHERE bundle = ?2 AND kind = k.kind ORDER BY seq LIMIT 1) AS ob, "
	"(SELECT reason FROM artifacts WHERE bundle = ?2 AND kind = k.kind ORDER BY seq LIMIT 1) AS rb "
	"FROM (SELECT DISTINCT kind FROM artifacts WHERE bundle IN (?1, ?2)) k) x "
	"WHERE oa IS DISTINCT FROM ob ORDER BY kind COLLATE \"C\"";

/* The formats of A and B, from the per-bundle format counts (each
 * message once), with one rendered message and whether the row counts
 * messages kept as text.  PostgreSQL: no example here (its events are
 * found by (bundle, ts), not by the first event's seq); param_ranges()
 * renders it in its pass over the bundle's events; no text flag (its
 * loader keeps no text rows apart yet). */
static const char messages_sql[] =
	"SELECT nb.bundle = ?1, f.id, f.text, nb.events, "
	"printf(f.text, x.p0, x.p1, x.p2, x.p3, x.p4, x.p5, x.p6), nb.text, (x.meta >> 9) & 7 "
	"FROM trace_bundle_formats nb JOIN trace_formats f ON f.id = nb.fmt "
	"JOIN trace_ev x ON x.id = nb.first_event "
	"WHERE nb.bundle IN (?1, ?2) ORDER BY f.text COLLATE \"C\", f.id, nb.bundle = ?2";
static const char messages_sql_pg[] =
	"SELECT nb.bundle = ?1, f.id, f.text, nb.events, NULL, 0, 0 "
	"FROM trace_bundle_formats nb JOIN trace_formats f ON f.id = nb.fmt "
	"WHERE nb.bundle IN (?1, ?2) ORDER BY f.text COLLATE \"C\", f.id, nb.bundle = ?2";

/* One bundle's messages, each once, for the parameter ranges; on
 * PostgreSQL with the rendering of each format's first message. */
static const char params_sql[] =
	"SELECT e.fmt, e.p0, e.p1, e.p2, e.p3, e.p4, e.p5, e.p6, (e.meta >> 9) & 7, NULL "
	"FROM bundles b JOIN trace_ev e ON e.id BETWEEN b.ev_first AND b.ev_last "
	"WHERE b.id = ?1 AND (e.meta >> 27) & 1 = 0";
static const char params_sql_pg[] =
	"SELECT e.fmt, e.p0, e.p1, e.p2, e.p3, e.p4, e.p5, e.p6, (e.meta >> 9) & 7, "
	"CASE WHEN e.seq = nb.first_event THEN "
	"fwbox_render(f.text, f.tmpl, f.spec, e.p0, e.p1, e.p2, e.p3, e.p4, e.p5, e.p6) END "
	"FROM trace_ev e JOIN trace_bundle_formats nb ON nb.bundle = e.bundle AND nb.fmt = e.fmt "
	"JOIN trace_formats f ON f.id = e.fmt "
	"WHERE e.bundle = ?1 AND (e.meta >> 27) & 1 = 0";

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
	"  AND a.index1 IS NOT DISTINCT FROM k.index1 AND a.index2 IS NOT DISTINCT FROM k.index2 "
	"  AND a.nth = k.nth "
	"LEFT JOIN s b ON b.bundle = ?2 AND b.dump = k.dump AND b.segment_type = k.segment_type "
	"  AND b.index1 IS NOT DISTINCT FROM k.index1 AND b.index2 IS NOT DISTINCT FROM k.index2 "
	"  AND b.nth = k.nth "
	"WHERE a.bundle IS NULL OR b.bundle IS NULL OR a.data IS DISTINCT FROM b.data "
	"ORDER BY k.dump COLLATE \"C\", k.segment_type, k.index1, k.index2, k.nth";

/*
 * CR-space by 4 KiB page of each image: a chunk never crosses a page
 * (load.c), so a page where every chunk of A has a chunk of B at the same
 * address with the same bytes, and B no other, is equal and skipped by the
 * database (the pairs are found through the unique index on (bundle,
 * source, addr)); the chunks of every other page come A before B, in
 * address order, and are compared word by word here.  MATERIALIZED: each
 * step once (SQLite 3.35, PostgreSQL 12).
 */
static const char chunks_sql[] =
	"WITH c AS MATERIALIZED (SELECT bundle = ?2 AS side, source, addr, data, "
	"  addr / 4096 AS page FROM crspace_chunks WHERE bundle IN (?1, ?2)), "
	"n AS MATERIALIZED (SELECT source, page, count(*) AS n FROM c GROUP BY source, page), "
	"m AS MATERIALIZED (SELECT a.source, a.addr / 4096 AS page, count(*) AS m "
	"  FROM crspace_chunks a JOIN crspace_chunks b ON b.bundle = ?2 AND b.source = a.source "
	"  AND b.addr = a.addr AND b.data = a.data WHERE a.bundle = ?1 "
	"  GROUP BY a.source, a.addr / 4096), "
	"same AS MATERIALIZED (SELECT n.source, n.page FROM n JOIN m ON m.source = n.source "
	"  AND m.page = n.page WHERE n.n = 2 * m.m) "
	"SELECT c.side, c.source, c.addr, c.data FROM c "
	"WHERE (c.source, c.page) NOT IN (SELECT source, page FROM same) "
	"ORDER BY c.source COLLATE \"C\", c.page, c.side, c.addr";

struct walk {
	struct store *s;
	const struct store_diff_visitor *v;
	void *u;
	uint64_t *count;
};

static int field_row(void *ud, struct store_row *row)
{
	struct walk *w = ud;
	struct store_diff_field f = {
		.reg = store_row_text(row, 0),
		.instance = (unsigned)store_row_int(row, 1),
		.field = store_row_text(row, 2),
		.a = store_row_text(row, 3),
		.b = store_row_text(row, 4),
		.a_enum = store_row_text(row, 5),
		.b_enum = store_row_text(row, 6),
	};

	(*w->count)++;
	return w->v && w->v->field ? w->v->field(w->u, &f) : 0;
}

static int step_row(void *ud, struct store_row *row)
{
	struct walk *w = ud;
	struct store_diff_step d = {
		.kind = store_row_text(row, 0),
		.a = store_row_text(row, 1),
		.b = store_row_text(row, 2),
		.b_reason = store_row_text(row, 3),
	};

	(*w->count)++;
	return w->v && w->v->step ? w->v->step(w->u, &d) : 0;
}

static int segment_row(void *ud, struct store_row *row)
{
	struct walk *w = ud;
	struct store_diff_segment g = {
		.dump = store_row_text(row, 0),
		.type = (uint32_t)store_row_int(row, 1),
		.name = store_row_text(row, 2),
		.index1 = store_row_int(row, 3),
		.index2 = store_row_int(row, 4),
		.nth = (uint64_t)store_row_int(row, 5),
		.a_size = (uint64_t)store_row_int(row, 6),
		.b_size = (uint64_t)store_row_int(row, 7),
		.has_a = store_row_int(row, 8) != 0,
		.has_b = store_row_int(row, 9) != 0,
	};

	(*w->count)++;
	return w->v && w->v->segment ? w->v->segment(w->u, &g) : 0;
}

static int diff_rows(struct store *s, const char *sql, int64_t a, int64_t b,
		     const struct store_diff_visitor *v, void *u, uint64_t *count, const char *what,
		     store_row_fn fn)
{
	struct store_param p[2] = { STORE_INT(a), STORE_INT(b) };
	struct walk w = { s, v, u, count };

	return store_select(s, sql, NULL, 2, p, what, fn, &w);
}

static int diff_fields(struct store *s, int64_t a, int64_t b, const struct store_diff_visitor *v,
		       void *u, uint64_t *count)
{
	return diff_rows(s, fields_sql, a, b, v, u, count, "cannot compare register fields",
			 field_row);
}

static int diff_steps(struct store *s, int64_t a, int64_t b, const struct store_diff_visitor *v,
		      void *u, uint64_t *count)
{
	return diff_rows(s, steps_sql, a, b, v, u, count, "cannot compare steps", step_row);
}

static int diff_segments(struct store *s, int64_t a, int64_t b,
			 const struct store_diff_visitor *v, void *u, uint64_t *count)
{
	return diff_rows(s, segments_sql, a, b, v, u, count,
			 "cannot compare resource-dump segments", segment_row);
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

struct ranges {
	struct store *s;
	struct msg_row *byfmt;
	size_t n;
	bool side_b;
};

static int range_row(void *ud, struct store_row *row)
{
	struct ranges *g = ud;
	struct msg_row key = { .fmt = store_row_int(row, 0) }, *m;
	unsigned np = (unsigned)store_row_int(row, 8);
	const char *ex;

	m = bsearch(&key, g->byfmt, g->n, sizeof(*g->byfmt), cmp_row_fmt);
	if (!m || !m->report || !m->glob || (g->side_b ? !m->count_b : !m->count_a) ||
	    (g->side_b ? m->count_a : m->count_b))
		return 0;
	/* PostgreSQL: the example comes with the format's first message. */
	ex = store_row_text(row, 9);
	if (ex) {
		char *d = strdup(ex);

		if (!d)
			return fw_error(g->s->ctx, -ENOMEM, "out of memory");
		free(m->example);
		m->example = d;
	}
	if (np > 7)
		np = 7;
	for (unsigned i = 0; i < np; i++) {
		int64_t v = store_row_int(row, 1 + (int)i);

		if (!m->ranged || i >= m->nparams || v < m->min[i])
			m->min[i] = v;
		if (!m->ranged || i >= m->nparams || v > m->max[i])
			m->max[i] = v;
	}
	if (np > m->nparams)
		m->nparams = np;
	m->ranged = true;
	return 0;
}

/* Parameter ranges of the reported formats of one bundle: one pass over
 * its messages.  byfmt is rows sorted by fmt. */
static int param_ranges(struct store *s, int64_t bundle, struct msg_row *byfmt, size_t n,
			bool side_b)
{
	struct store_param p = STORE_INT(bundle);
	struct ranges g = { s, byfmt, n, side_b };

	return store_select(s, params_sql, params_sql_pg, 1, &p, "cannot read trace parameters",
			    range_row, &g);
}

struct msgs {
	struct store *s;
	int64_t a, b;
	struct msg_row *rows;
	size_t n, cap;
};

static int message_row(void *ud, struct store_row *row)
{
	struct msgs *g = ud;
	bool in_a = store_row_int(row, 0) && g->a != g->b;
	int64_t fmt = store_row_int(row, 1);
	uint64_t events = (uint64_t)store_row_int(row, 3);
	const char *text = store_row_text(row, 2), *ex = store_row_text(row, 4);
	bool is_text = store_row_int(row, 5) != 0;
	struct msg_row *m;

	/* Rows come by format, A before B: B's row joins A's. */
	if (g->n && g->rows[g->n - 1].fmt == fmt) {
		m = &g->rows[g->n - 1];
	} else {
		if (fw_grow((void **)&g->rows, &g->cap, g->n + 1, sizeof(*g->rows), 0) < 0)
			return fw_error(g->s->ctx, -ENOMEM, "out of memory comparing the trace messages");
		m = &g->rows[g->n++];
		memset(m, 0, sizeof(*m));
		m->fmt = fmt;
		m->text = strdup(text ? text : "");
		m->example = strdup(ex ? ex : "");
		m->glob = is_text ? NULL : format_glob(m->text);
		if (!m->text || !m->example || (!is_text && !m->glob))
			return fw_error(g->s->ctx, -ENOMEM, "out of memory");
	}
	if (in_a || g->a == g->b)
		m->count_a += events;
	if (!in_a)
		m->count_b += events;
	/* The example of B when B has the format. */
	if (!in_a && m->count_a) {
		char *d = strdup(ex ? ex : "");

		if (!d)
			return fw_error(g->s->ctx, -ENOMEM, "out of memory");
		free(m->example);
		m->example = d;
	}
	return 0;
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
	struct store_param p[2] = { STORE_INT(a), STORE_INT(b) };
	struct msgs g = { .s = s, .a = a, .b = b };
	struct msg_row *rows;
	size_t n;
	bool any_a = false, any_b = false;
	int r;

	r = store_select(s, messages_sql, messages_sql_pg, 2, p, "cannot compare trace messages",
			 message_row, &g);
	rows = g.rows;
	n = g.n;
	if (r < 0)
		goto out;
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
		qsort(rows, n, sizeof(*rows), cmp_row_fmt);
		if (any_b)
			r = param_ranges(s, b, rows, n, true);
		if (r >= 0 && any_a && a != b)
			r = param_ranges(s, a, rows, n, false);
		if (r < 0)
			goto out;
		/* Back to the order of the format text for the report. */
		qsort(rows, n, sizeof(*rows), cmp_row_text);
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
				goto out;
		}
	}
	r = 0;
out:
	for (size_t i = 0; i < n; i++) {
		free(rows[i].text);
		free(rows[i].example);
		free(rows[i].glob);
	}
	free(rows);
	return r;
}

struct header_side {
	char *device, *fw;
	bool oom;
};

static int header_row(void *ud, struct store_row *row)
{
	struct header_side *h = ud;
	const char *d = store_row_text(row, 0), *f = store_row_text(row, 1);

	if ((d && !(h->device = strdup(d))) || (f && !(h->fw = strdup(f))))
		h->oom = true;
	return 0;
}

static int diff_header(struct store *s, int64_t a, int64_t b, const struct store_diff_visitor *v,
		       void *u)
{
	struct header_side side[2] = { { NULL, NULL, false }, { NULL, NULL, false } };
	struct store_diff_header h = { 0 };
	int r = 0;

	if (!v || !v->header)
		return 0;
	for (int i = 0; i < 2 && r >= 0; i++) {
		struct store_param p = STORE_INT(i ? b : a);

		r = store_select(s, header_sql, NULL, 1, &p, "cannot read the bundle row",
				 header_row, &side[i]);
		if (r >= 0 && side[i].oom)
			r = fw_error(s->ctx, -ENOMEM, "out of memory");
	}
	if (r >= 0) {
		h.a_device = side[0].device;
		h.a_fw = side[0].fw;
		h.b_device = side[1].device;
		h.b_fw = side[1].fw;
		h.same_card = h.a_device && h.b_device && !strcmp(h.a_device, h.b_device);
		r = v->header(u, &h);
	}
	for (int i = 0; i < 2; i++) {
		free(side[i].device);
		free(side[i].fw);
	}
	return r;
}

/* The words of one side of a page group, in address order. */
struct page_words {
	uint64_t *addr;
	uint32_t *val;
	size_t n, cap_a, cap_v;
};

struct words {
	struct store *s;
	const struct store_diff_visitor *v;
	void *u;
	uint64_t *count;
	char *source;              /* of the group */
	int64_t page;
	bool open;                 /* a group is held */
	struct page_words side[2];
};

/* Compare the held group: a merge of A's and B's words by address. */
static int flush_page(struct words *g)
{
	struct page_words *a = &g->side[0], *b = &g->side[1];
	size_t i = 0, j = 0;
	int r;

	while (i < a->n || j < b->n) {
		struct store_diff_word w = { .source = g->source };

		if (j >= b->n || (i < a->n && a->addr[i] < b->addr[j])) {
			w.address = a->addr[i];
			w.a = a->val[i++];
			w.has_a = true;
		} else if (i >= a->n || b->addr[j] < a->addr[i]) {
			w.address = b->addr[j];
			w.b = b->val[j++];
			w.has_b = true;
		} else {
			w.address = a->addr[i];
			w.a = a->val[i++];
			w.b = b->val[j++];
			w.has_a = w.has_b = true;
		}
		if (w.has_a && w.has_b && w.a == w.b)
			continue;
		(*g->count)++;
		if (g->v && g->v->word && (r = g->v->word(g->u, &w)) < 0)
			return r;
	}
	a->n = b->n = 0;
	g->open = false;
	return 0;
}

static int word_row(void *ud, struct store_row *row)
{
	struct words *g = ud;
	const char *source = store_row_text(row, 1);
	uint64_t addr = (uint64_t)store_row_int(row, 2);
	struct page_words *pw = &g->side[store_row_int(row, 0) ? 1 : 0];
	const uint8_t *data;
	size_t len;
	int r;

	if (!source)
		source = "";
	if (g->open && ((int64_t)(addr / 4096) != g->page || strcmp(source, g->source))) {
		r = flush_page(g);
		if (r < 0)
			return r;
	}
	if (!g->open) {
		free(g->source);
		g->source = strdup(source);
		if (!g->source)
			return fw_error(g->s->ctx, -ENOMEM, "out of memory");
		g->page = (int64_t)(addr / 4096);
		g->open = true;
	}
	data = store_row_blob(row, 3, &len);
	len /= 4;
	if (fw_grow((void **)&pw->addr, &pw->cap_a, pw->n + len, sizeof(*pw->addr), 0) < 0 ||
	    fw_grow((void **)&pw->val, &pw->cap_v, pw->n + len, sizeof(*pw->val), 0) < 0)
		return fw_error(g->s->ctx, -ENOMEM, "out of memory comparing CR-space");
	for (size_t i = 0; i < len; i++, pw->n++) {
		const uint8_t *p = data + 4 * i;

		pw->addr[pw->n] = addr + 4 * i;
		pw->val[pw->n] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
				 (uint32_t)p[2] << 8 | p[3];
	}
	return 0;
}

static int diff_words(struct store *s, int64_t a, int64_t b, const struct store_diff_visitor *v,
		      void *u, uint64_t *count)
{
	struct store_param p[2] = { STORE_INT(a), STORE_INT(b) };
	struct words g = { .s = s, .v = v, .u = u, .count = count };
	int r;

	/* A capture never differs from itself (and would be both sides). */
	if (a == b)
		return 0;
	r = store_select(s, chunks_sql, NULL, 2, p, "cannot compare CR-space", word_row, &g);
	if (r >= 0 && g.open)
		r = flush_page(&g);
	free(g.source);
	for (int i = 0; i < 2; i++) {
		free(g.side[i].addr);
		free(g.side[i].val);
	}
	return r;
}

int store_diff(struct store *s, int64_t a, int64_t b, const struct store_diff_visitor *v,
	       void *userdata, struct store_diff_counts *ret)
{
	struct store_diff_counts c = { 0 };
	int r;

	/* One read snapshot: both sides come from the same state even if a
	 * loader commits meanwhile. */
	r = store_read_begin(s);
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
	store_read_end(s);
	return r;
}
