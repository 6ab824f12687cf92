/* SPDX-License-Identifier: MIT */
/*
 * analyze: the feed API.  One decoder of parsers/ per artifact kind; the
 * table kind_table[] below is the one place that maps kinds to decoders.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-internal.h"
#include "trace-match.h"
#include "core/limits.h"
#include "ifc/regcat.h"


enum dec {
	DEC_NONE = 0,
	DEC_TRACE_CAP,
	DEC_TRACE_STRINGS,
	DEC_TRACE_RING,
	DEC_TRACE_TEXT,
	DEC_HEALTH,        /* fmsg or JSON, decided on the first byte */
	DEC_HEALTH_BUFFER,
	DEC_REG,
	DEC_CRSPACE,       /* layout decided on the first dword */
	DEC_RESDUMP,
};

static const struct {
	const char *prefix;
	bool exact;
	enum dec dec;
} kind_table[] = {
	{ "trace.cap", true, DEC_TRACE_CAP },
	{ "trace.strings.", false, DEC_TRACE_STRINGS },
	{ "trace.ring", true, DEC_TRACE_RING },
	{ "trace.text", true, DEC_TRACE_TEXT },
	{ "health.buffer", true, DEC_HEALTH_BUFFER },
	{ "health.", false, DEC_HEALTH },
	{ "reg.", false, DEC_REG },
	{ "crspace", true, DEC_CRSPACE },
	{ "resdump.", false, DEC_RESDUMP },
};

/* The collector reads health again after a fatal error as KIND.after
 * (fwbox-bundle(5)); such a kind decodes like KIND. */
#define KIND_AFTER_SUFFIX ".after"

static enum dec kind_dec(const char *kind)
{
	size_t len = strlen(kind), sfx = strlen(KIND_AFTER_SUFFIX);
	size_t i;

	if (len > sfx && !strcmp(kind + len - sfx, KIND_AFTER_SUFFIX))
		len -= sfx;
	for (i = 0; i < sizeof(kind_table) / sizeof(kind_table[0]); i++) {
		size_t n = strlen(kind_table[i].prefix);

		if (kind_table[i].exact ? len == n && strncmp(kind, kind_table[i].prefix, n) == 0
					: len > n && strncmp(kind, kind_table[i].prefix, n) == 0)
			return kind_table[i].dec;
	}
	return DEC_NONE;
}

bool analyze_wants(const char *kind)
{
	return kind_dec(kind) != DEC_NONE;
}

/* One saved trace of the fw reporter, assembled from its four pairs. */
struct saved {
	int64_t index;
	uint64_t timestamp;
	bool lost;
	uint8_t event_id;
	char msg[FW_LIMIT_TRACE_MESSAGE];
	bool any;
};

struct analyze {
	struct fw_ctx *ctx;
	const struct analyze_sink *sink;
	void *ud;
	struct analyze_stats st;

	struct trace_cap cap;
	bool have_cap;
	struct trace_strdb *strdb;
	bool strings_set[TRACE_STRINGS_DB_MAX];
	/* Rendered messages back to formats: built from strdb at the first
	 * text or saved record, dropped when the strings DB changes. */
	struct trace_matcher *matcher;
	bool matcher_failed;

	/* current artifact */
	char *kind;
	enum dec dec;
	bool open;
	uint8_t *buf;              /* whole-artifact buffer for small kinds */
	size_t buf_len, buf_max;
	bool buf_over;
	struct trace_decoder *ring;
	struct trace_text *text;
	struct health_fmsg *fmsg;
	bool health_decided, health_json;
	struct crspace *crs;       /* crspace artifact, or fw_fatal crdump_data */
	bool crs_decided;
	struct resdump *rd;        /* kept across artifacts: menu names persist */
	struct saved saved;
	uint64_t saved_count;
	uint64_t fed;              /* bytes of the current artifact */
	uint64_t art_problems;     /* problems of the current artifact */
	uint64_t art_text;         /* text or saved records of the current artifact */
	uint64_t art_unmatched;    /* those no format of the strings DB renders */
	int err;
};

/* ------------------------------------------------------------ sink wrappers */

static void on_problem(void *ud, uint64_t off, int err, const char *msg)
{
	struct analyze *an = ud;

	/* A register cut short would report every missing field: one
	 * problem per register artifact says it all. */
	if (an->dec == DEC_REG && an->art_problems++)
		return;
	an->st.problems++;
	if (an->sink->problem)
		an->sink->problem(an->ud, an->kind ? an->kind : "", off, err, msg);
}

static void problemf(struct analyze *an, uint64_t off, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problemf(struct analyze *an, uint64_t off, int err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	on_problem(an, off, err, msg);
}

void an_problem(struct analyze *an, const char *kind, uint64_t off, int err, const char *msg)
{
	an->st.problems++;
	if (an->sink->problem)
		an->sink->problem(an->ud, kind, off, err, msg);
}

/* A text or saved record: its format and parameters from the strings DB,
 * when one renders it (trace-match.h). */
static void match_text(struct analyze *an, struct trace_event *ev)
{
	if (!an->matcher && an->strdb && !an->matcher_failed) {
		int r = trace_matcher_new(an->ctx, &an->matcher);

		if (r >= 0)
			r = trace_matcher_add_strdb(an->matcher, an->strdb);
		if (r < 0) {
			trace_matcher_free(an->matcher);
			an->matcher = NULL;
			an->matcher_failed = true;
			problemf(an, 0, r, "cannot index the strings database (%s): trace lines are kept "
				 "as text", fw_ctx_errmsg(an->ctx));
			fw_ctx_clear_error(an->ctx);
		}
	}
	an->art_text++;
	if (an->matcher) {
		if (trace_event_match(an->matcher, ev)) {
			an->st.trace_matched++;
			if (ev->ambiguous)
				an->st.trace_ambiguous++;
			return;
		}
	} else {
		ev->unmatched = true;
	}
	an->st.trace_unmatched++;
	/* Only a mismatch with a strings DB at hand is worth a word. */
	if (an->matcher)
		an->art_unmatched++;
}

static int on_trace(void *ud, const struct trace_event *ev)
{
	struct analyze *an = ud;

	an->st.trace_events++;
	if (ev->source != TRACE_SOURCE_RING) {
		struct trace_event e = *ev;

		match_text(an, &e);
		return an->sink->trace ? an->sink->trace(an->ud, an->kind, &e) : 0;
	}
	return an->sink->trace ? an->sink->trace(an->ud, an->kind, ev) : 0;
}

static int on_reg(void *ud, const struct regs_field *f)
{
	struct analyze *an = ud;

	an->st.reg_fields++;
	return an->sink->reg_field ? an->sink->reg_field(an->ud, an->kind, f) : 0;
}

static int on_crspace(void *ud, uint32_t addr, const uint32_t *v, size_t n)
{
	struct analyze *an = ud;

	an->st.crspace_words += n;
	return an->sink->crspace ? an->sink->crspace(an->ud, an->kind, addr, v, n) : 0;
}

static int on_segment(void *ud, const struct resdump_segment *s)
{
	struct analyze *an = ud;

	an->st.segments++;
	return an->sink->segment ? an->sink->segment(an->ud, an->kind, s) : 0;
}

static int on_menu(void *ud, const struct resdump_menu_record *m)
{
	struct analyze *an = ud;

	return an->sink->menu ? an->sink->menu(an->ud, an->kind, m) : 0;
}

/* --------------------------------------------------- health: saved traces */

#define SAVED_PREFIX "dump fw traces"
#define CRDUMP_PREFIX "crdump_data"

static int saved_flush(struct analyze *an)
{
	struct trace_event ev;

	if (!an->saved.any)
		return 0;
	an->saved.any = false;
	trace_event_from_saved(&ev, an->saved_count++, an->saved.timestamp, an->saved.lost,
			       an->saved.event_id, an->saved.msg);
	return on_trace(an, &ev);
}

/* "dump fw traces[N]/field": the saved-trace objects of the fw reporter. */
static int saved_item(struct analyze *an, const struct health_item *h)
{
	const char *p = h->path + strlen(SAVED_PREFIX), *field;
	char *end;
	long long idx;
	int r;

	if (*p != '[')
		return 0;
	idx = strtoll(p + 1, &end, 10);
	if (*end != ']' || end[1] != '/')
		return 0;
	field = end + 2;
	if (an->saved.any && an->saved.index != idx) {
		r = saved_flush(an);
		if (r < 0)
			return r;
	}
	if (!an->saved.any) {
		memset(&an->saved, 0, sizeof(an->saved));
		an->saved.index = idx;
		an->saved.any = true;
	}
	if (!strcmp(field, "timestamp"))
		an->saved.timestamp = h->u;
	else if (!strcmp(field, "lost"))
		an->saved.lost = h->u != 0;
	else if (!strcmp(field, "event_id"))
		an->saved.event_id = (uint8_t)h->u;
	else if (!strcmp(field, "msg") && h->str)
		snprintf(an->saved.msg, sizeof(an->saved.msg), "%s", h->str);
	return 0;
}

static int crdump_item(struct analyze *an, const struct health_item *h)
{
	int r;

	if (!an->crs) {
		r = crspace_new(an->ctx, CRSPACE_CRDUMP, on_crspace, on_problem, an, &an->crs);
		if (r < 0)
			return r;
	}
	if (h->type == HEALTH_BINARY)
		return crspace_feed(an->crs, h->bin, h->bin_len);
	if (h->type == HEALTH_NUMBER) {
		uint8_t b = (uint8_t)h->u;

		return crspace_feed(an->crs, &b, 1);
	}
	return 0;
}

static int on_health(void *ud, const struct health_item *h)
{
	struct analyze *an = ud;
	int r;

	if (!strncmp(h->path, SAVED_PREFIX, strlen(SAVED_PREFIX))) {
		if (h->event == HEALTH_END)
			return saved_flush(an);
		return saved_item(an, h);
	}
	if (!strncmp(h->path, CRDUMP_PREFIX, strlen(CRDUMP_PREFIX))) {
		if (h->event == HEALTH_VALUE)
			return crdump_item(an, h);
		return 0;
	}
	if (h->event != HEALTH_VALUE)
		return 0;
	an->st.health_items++;
	r = an->sink->health ? an->sink->health(an->ud, an->kind, h) : 0;
	return r;
}

/* ------------------------------------------------------------------ setup */

int analyze_new(struct fw_ctx *ctx, const struct analyze_sink *sink, void *ud,
		struct analyze **ret)
{
	struct analyze *an = calloc(1, sizeof(*an));
	int r;

	if (!an)
		return fw_error(ctx, -ENOMEM, "analyze: out of memory");
	an->ctx = ctx;
	an->sink = sink;
	an->ud = ud;
	r = resdump_new(ctx, on_segment, on_menu, on_problem, an, &an->rd);
	if (r < 0) {
		free(an);
		return r;
	}
	*ret = an;
	return 0;
}

static void close_decoders(struct analyze *an)
{
	trace_decoder_free(an->ring);
	an->ring = NULL;
	trace_text_free(an->text);
	an->text = NULL;
	health_fmsg_free(an->fmsg);
	an->fmsg = NULL;
	crspace_free(an->crs);
	an->crs = NULL;
	free(an->buf);
	an->buf = NULL;
	an->buf_len = an->buf_max = 0;
	an->buf_over = false;
	free(an->kind);
	an->kind = NULL;
	an->open = false;
	an->dec = DEC_NONE;
}

void analyze_free(struct analyze *an)
{
	if (!an)
		return;
	close_decoders(an);
	resdump_free(an->rd);
	trace_matcher_free(an->matcher);
	trace_strdb_free(an->strdb);
	free(an);
}

const struct analyze_stats *analyze_get_stats(const struct analyze *an)
{
	return &an->st;
}

struct fw_ctx *analyze_ctx(const struct analyze *an)
{
	return an->ctx;
}

const struct analyze_sink *an_sink(const struct analyze *an)
{
	return an->sink;
}

void *an_ud(const struct analyze *an)
{
	return an->ud;
}

int analyze_set_trace_cap(struct analyze *an, const void *data, size_t len)
{
	struct trace_cap cap;
	int r = trace_cap_parse(an->ctx, data, len, &cap);

	if (r < 0)
		return r;
	trace_matcher_free(an->matcher);
	an->matcher = NULL;
	an->matcher_failed = false;
	trace_strdb_free(an->strdb);
	an->strdb = NULL;
	an->cap = cap;
	an->have_cap = true;
	r = trace_strdb_new(an->ctx, &an->cap, &an->strdb);
	if (r < 0) {
		/* Without its strings DB the MTRC_CAP is of no use: decode raw. */
		an->have_cap = false;
		return r;
	}
	memset(an->strings_set, 0, sizeof(an->strings_set));
	return 0;
}

int analyze_set_trace_strings(struct analyze *an, unsigned section, const void *data, size_t len)
{
	int r;

	if (!an->strdb)
		return fw_error(an->ctx, -EINVAL,
				"strings DB section %u given before MTRC_CAP ('trace.cap')", section);
	/* Formats point into the sections: index them again later. */
	trace_matcher_free(an->matcher);
	an->matcher = NULL;
	an->matcher_failed = false;
	r = trace_strdb_set_section(an->strdb, section, data, len);
	if (r < 0)
		return r;
	if (r == 1) {
		char kind[32];

		snprintf(kind, sizeof(kind), "trace.strings.%u", section);
		if (an->sink->problem)
			an->sink->problem(an->ud, kind, len, -EBADMSG,
					  "strings DB section is shorter than MTRC_CAP says; the rest reads as empty");
		an->st.problems++;
	}
	if (section < TRACE_STRINGS_DB_MAX)
		an->strings_set[section] = true;
	return 0;
}

/* -------------------------------------------------------------- artifacts */

static int buffer_start(struct analyze *an, size_t max)
{
	an->buf_max = max;
	an->buf_len = 0;
	an->buf = NULL;
	return 0;
}

static int buffer_add(struct analyze *an, const void *data, size_t len)
{
	size_t want;
	uint8_t *nb;

	if (an->buf_over)
		return 0;
	if (len > an->buf_max - an->buf_len) {
		an->buf_over = true;
		return 0;
	}
	want = an->buf_len + len;
	nb = realloc(an->buf, want + 1);
	if (!nb)
		return fw_error(an->ctx, -ENOMEM, "analyze '%s': out of memory", an->kind);
	an->buf = nb;
	memcpy(an->buf + an->buf_len, data, len);
	an->buf_len = want;
	return 0;
}

int analyze_begin(struct analyze *an, const char *kind)
{
	enum dec dec = kind_dec(kind);
	int r = 0;

	close_decoders(an);
	if (dec == DEC_NONE || dec == DEC_TRACE_CAP || dec == DEC_TRACE_STRINGS)
		return 1;
	an->kind = strdup(kind);
	if (!an->kind)
		return fw_error(an->ctx, -ENOMEM, "analyze: out of memory");
	an->dec = dec;
	an->open = true;
	an->fed = 0;
	an->art_problems = 0;
	an->art_text = 0;
	an->art_unmatched = 0;
	an->st.artifacts++;
	switch (dec) {
	case DEC_TRACE_RING:
		r = trace_decoder_new(an->ctx, an->strdb, on_trace, on_problem, an, &an->ring);
		break;
	case DEC_TRACE_TEXT:
		r = trace_text_new(an->ctx, on_trace, on_problem, an, &an->text);
		break;
	case DEC_HEALTH:
		an->health_decided = false;
		an->saved_count = 0;
		memset(&an->saved, 0, sizeof(an->saved));
		break;
	case DEC_HEALTH_BUFFER:
		r = buffer_start(an, FW_LIMIT_HEALTH_BUFFER);
		break;
	case DEC_REG:
		r = buffer_start(an, FW_LIMIT_REG_DATA);
		break;
	case DEC_CRSPACE:
		an->crs_decided = false;
		r = buffer_start(an, 4);
		break;
	case DEC_RESDUMP:
		resdump_reset(an->rd);
		break;
	default:
		break;
	}
	if (r < 0)
		close_decoders(an);
	return r;
}

static int health_data(struct analyze *an, const uint8_t *p, size_t len)
{
	int r;

	if (!an->health_decided) {
		size_t i = 0;

		while (i < len && (p[i] == ' ' || p[i] == '\n' || p[i] == '\t' || p[i] == '\r'))
			i++;
		if (i == len)
			return 0;
		an->health_decided = true;
		an->health_json = p[i] == '{' || p[i] == '[';
		if (an->health_json) {
			r = buffer_start(an, FW_LIMIT_JSON_INPUT);
		} else {
			r = health_fmsg_new(an->ctx, on_health, on_problem, an, &an->fmsg);
		}
		if (r < 0)
			return r;
	}
	if (an->health_json)
		return buffer_add(an, p, len);
	return health_fmsg_feed(an->fmsg, p, len);
}

static int crspace_data(struct analyze *an, const uint8_t *p, size_t len)
{
	int r;

	if (!an->crs_decided) {
		size_t take = 4 - an->buf_len;

		if (take > len)
			take = len;
		r = buffer_add(an, p, take);
		if (r < 0)
			return r;
		p += take;
		len -= take;
		if (an->buf_len < 4)
			return 0;
		an->crs_decided = true;
		r = crspace_new(an->ctx, crspace_sniff(an->buf, an->buf_len), on_crspace, on_problem, an,
				&an->crs);
		if (r < 0)
			return r;
		r = crspace_feed(an->crs, an->buf, an->buf_len);
		if (r < 0)
			return r;
	}
	return len ? crspace_feed(an->crs, p, len) : 0;
}

int analyze_data(struct analyze *an, const void *data, size_t len)
{
	int r = 0;

	if (!an->open)
		return 0;
	if (an->err)
		return an->err;
	an->fed += len;
	switch (an->dec) {
	case DEC_TRACE_RING:
		r = trace_decoder_feed(an->ring, data, len);
		break;
	case DEC_TRACE_TEXT:
		r = trace_text_feed(an->text, data, len);
		break;
	case DEC_HEALTH:
		r = health_data(an, data, len);
		break;
	case DEC_HEALTH_BUFFER:
	case DEC_REG:
		r = buffer_add(an, data, len);
		break;
	case DEC_CRSPACE:
		r = crspace_data(an, data, len);
		break;
	case DEC_RESDUMP:
		r = resdump_feed(an->rd, data, len);
		break;
	default:
		break;
	}
	if (r < 0)
		an->err = r;
	return r;
}

static int reg_end(struct analyze *an)
{
	const char *name = an->kind + strlen("reg.");
	const struct regcat_reg *reg;
	int r;

	if (an->buf_over) {
		problemf(an, FW_LIMIT_REG_DATA, -EOVERFLOW,
			 "register data is over FW_LIMIT_REG_DATA (%u bytes), skipping", FW_LIMIT_REG_DATA);
		return 0;
	}
	reg = regcat_by_name(name);
	if (!reg) {
		problemf(an, 0, -ENOENT, "register '%s' is not in the register catalog, skipping",
			 name);
		return 0;
	}
	r = regs_decode(reg, an->buf ? an->buf : (const uint8_t *)"", an->buf_len, on_reg,
			on_problem, an);
	return r < 0 ? r : 0;
}

static int health_end(struct analyze *an)
{
	int r = 0;

	if (!an->health_decided)
		return 0;
	if (an->health_json) {
		if (an->buf_over) {
			problemf(an, FW_LIMIT_JSON_INPUT, -EOVERFLOW,
				 "JSON is over FW_LIMIT_JSON_INPUT, skipping");
			return 0;
		}
		r = health_json_parse(an->ctx, an->buf, an->buf_len, on_health, on_problem, an);
		if (r == -EBADMSG || r == -EOVERFLOW)
			r = 0; /* reported through on_problem */
	} else {
		r = health_fmsg_finish(an->fmsg);
	}
	if (r >= 0)
		r = saved_flush(an);
	if (r >= 0 && an->crs)
		r = crspace_finish(an->crs);
	return r;
}

int analyze_end(struct analyze *an)
{
	int r = 0;

	if (!an->open)
		return 0;
	if (an->err) {
		r = an->err;
		an->err = 0;
		close_decoders(an);
		return r;
	}
	/* No bytes: a failed or skipped step (the index records why), not
	 * something to decode; decoding nothing would report every field of
	 * a register as missing. */
	if (an->fed == 0) {
		close_decoders(an);
		return 0;
	}
	switch (an->dec) {
	case DEC_TRACE_RING:
		/* Said at the end, once there were bytes: an empty ring of a
		 * failed tracer step needs no word about its strings. */
		if (!an->strdb)
			problemf(an, 0, -ENOENT,
				 "no MTRC_CAP ('trace.cap') in the bundle: every event is shown raw");
		r = trace_decoder_finish(an->ring);
		break;
	case DEC_TRACE_TEXT:
		r = trace_text_finish(an->text);
		break;
	case DEC_HEALTH:
		r = health_end(an);
		break;
	case DEC_HEALTH_BUFFER:
		if (an->buf_over) {
			problemf(an, FW_LIMIT_HEALTH_BUFFER, -EOVERFLOW,
				 "health buffer is over FW_LIMIT_HEALTH_BUFFER, skipping");
			break;
		}
		r = health_buffer_parse(an->ctx, an->buf ? an->buf : (const uint8_t *)"", an->buf_len,
					on_health, an);
		if (r == -EBADMSG) {
			on_problem(an, 0, r, fw_ctx_errmsg(an->ctx));
			r = 0;
		}
		break;
	case DEC_REG:
		r = reg_end(an);
		break;
	case DEC_CRSPACE:
		if (!an->crs_decided && an->buf_len) {
			/* Fewer than 4 bytes in all. */
			problemf(an, 0, -EBADMSG, "CR-space image of %zu bytes holds no dword, skipping",
				 an->buf_len);
		} else if (an->crs) {
			r = crspace_finish(an->crs);
		}
		break;
	case DEC_RESDUMP:
		r = resdump_finish(an->rd);
		break;
	default:
		break;
	}
	if (r >= 0 && an->art_unmatched)
		problemf(an, 0, -ENOENT,
			 "%llu of %llu trace messages match no format of the bundle's strings database "
			 "(the firmware that wrote them may differ); they are kept as text",
			 (unsigned long long)an->art_unmatched, (unsigned long long)an->art_text);
	close_decoders(an);
	return r;
}
