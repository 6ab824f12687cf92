/* SPDX-License-Identifier: MIT */
/*
 * decoders: which parser of parsers/ reads which artifact kind.  The table
 * at the end is the one place that maps kinds to decoders.
 *
 * Adding a decoder for a new artifact kind: write the parser in parsers/
 * (bytes in, records out through callbacks, no bundle or SQL), then add one
 * row to an_decoders[] with its kind pattern, the record types it emits and
 * its new/feed/finish/free.  When the parser's own functions do not have
 * those shapes, a few lines of adapter go just above the table, as for the
 * rows below.  A record type the sink has no callback for yet is a new
 * member of struct analyze_sink, an_emit_*() in emit.c and an AN_REC_* bit.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-internal.h"
#include "core/buf.h"
#include "core/limits.h"
#include "ifc/regcat.h"

/* ------------------------------------------------- whole-artifact buffer */

/*
 * Small kinds (a register, the health buffer, iproute2 JSON) are decoded
 * whole.  Past the ceiling the rest is dropped and the decoder says so at
 * the end instead of decoding a truncated copy.
 */
struct whole {
	struct fw_buf buf;
	bool over;
};

static int whole_add(struct analyze *an, struct whole *w, const uint8_t *p, size_t len)
{
	int r;

	if (w->over)
		return 0;
	r = fw_buf_put(&w->buf, p, len);
	if (r == -EOVERFLOW) {
		w->over = true;
		return 0;
	}
	if (r < 0)
		return fw_error(an->ctx, r, "analyze '%s': out of memory", an->kind);
	return 0;
}

static const uint8_t *whole_data(struct whole *w)
{
	return w->buf.data ? w->buf.data : (const uint8_t *)"";
}

static int whole_new(void **ret, size_t max)
{
	struct whole *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	fw_buf_init(&w->buf, max);
	*ret = w;
	return 0;
}

static int whole_feed(struct analyze *an, void *state, const uint8_t *p, size_t len)
{
	return whole_add(an, state, p, len);
}

static void whole_free(void *state)
{
	struct whole *w = state;

	if (w) {
		fw_buf_release(&w->buf);
		free(w);
	}
}

/* ------------------------------------------------------------ trace ring */

static int ring_new(struct analyze *an, void **ret)
{
	struct trace_decoder *d;
	int r = trace_decoder_new(an->ctx, an->strdb, an_emit_trace, an_emit_problem, an, &d);

	if (r >= 0)
		*ret = d;
	return r;
}

static int ring_feed(struct analyze *an, void *state, const uint8_t *p, size_t len)
{
	(void)an;
	return trace_decoder_feed(state, p, len);
}

static int ring_finish(struct analyze *an, void *state)
{
	/* Said at the end, once there were bytes: an empty ring of a failed
	 * tracer step needs no word about its strings. */
	if (!an->strdb)
		an_problemf(an, 0, -ENOENT,
			    "no MTRC_CAP ('trace.cap') in the bundle: every event is shown raw");
	return trace_decoder_finish(state);
}

static void ring_free(void *state)
{
	trace_decoder_free(state);
}

/* ------------------------------------------------------------ trace text */

static int text_new(struct analyze *an, void **ret)
{
	struct trace_text *t;
	int r = trace_text_new(an->ctx, an_emit_trace, an_emit_problem, an, &t);

	if (r >= 0)
		*ret = t;
	return r;
}

static int text_feed(struct analyze *an, void *state, const uint8_t *p, size_t len)
{
	(void)an;
	return trace_text_feed(state, p, len);
}

static int text_finish(struct analyze *an, void *state)
{
	(void)an;
	return trace_text_finish(state);
}

static void text_free(void *state)
{
	trace_text_free(state);
}

/* ------------------------------------------------------ devlink health */

/*
 * A health dump is devlink fmsg (netlink attributes) or iproute2 JSON,
 * told apart by its first non-blank byte.  Inside the fw reporter's dump,
 * "dump fw traces[N]/..." objects are saved firmware traces (emitted as
 * trace records) and "crdump_data" is a CR-space image (crspace records).
 */
#define SAVED_PREFIX  "dump fw traces"
#define CRDUMP_PREFIX "crdump_data"

/* One saved trace of the fw reporter, assembled from its four pairs. */
struct saved {
	int64_t index;
	uint64_t timestamp;
	bool lost;
	uint8_t event_id;
	char msg[FW_LIMIT_TRACE_MESSAGE];
	bool any;
};

struct health {
	bool decided, json;
	struct whole json_buf;
	struct health_fmsg *fmsg;
	struct crspace *crs; /* fw_fatal crdump_data */
	struct saved saved;
	uint64_t saved_count;
};

static int saved_flush(struct analyze *an, struct health *hs)
{
	struct trace_event ev;

	if (!hs->saved.any)
		return 0;
	hs->saved.any = false;
	trace_event_from_saved(&ev, hs->saved_count++, hs->saved.timestamp, hs->saved.lost,
			       hs->saved.event_id, hs->saved.msg);
	return an_emit_trace(an, &ev);
}

/* "dump fw traces[N]/field": the saved-trace objects of the fw reporter. */
static int saved_item(struct analyze *an, struct health *hs, const struct health_item *h)
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
	if (hs->saved.any && hs->saved.index != idx) {
		r = saved_flush(an, hs);
		if (r < 0)
			return r;
	}
	if (!hs->saved.any) {
		memset(&hs->saved, 0, sizeof(hs->saved));
		hs->saved.index = idx;
		hs->saved.any = true;
	}
	if (!strcmp(field, "timestamp"))
		hs->saved.timestamp = h->u;
	else if (!strcmp(field, "lost"))
		hs->saved.lost = h->u != 0;
	else if (!strcmp(field, "event_id"))
		hs->saved.event_id = (uint8_t)h->u;
	else if (!strcmp(field, "msg") && h->str)
		snprintf(hs->saved.msg, sizeof(hs->saved.msg), "%s", h->str);
	return 0;
}

static int crdump_item(struct analyze *an, struct health *hs, const struct health_item *h)
{
	int r;

	if (!hs->crs) {
		r = crspace_new(an->ctx, CRSPACE_CRDUMP, an_emit_crspace, an_emit_problem, an,
				&hs->crs);
		if (r < 0)
			return r;
	}
	if (h->type == HEALTH_BINARY)
		return crspace_feed(hs->crs, h->bin, h->bin_len);
	if (h->type == HEALTH_NUMBER) {
		uint8_t b = (uint8_t)h->u;

		return crspace_feed(hs->crs, &b, 1);
	}
	return 0;
}

/* The parsers' health callback; ud is the analyze handle, whose state is
 * this artifact's struct health. */
static int health_item(void *ud, const struct health_item *h)
{
	struct analyze *an = ud;
	struct health *hs = an->state;

	if (!strncmp(h->path, SAVED_PREFIX, strlen(SAVED_PREFIX))) {
		if (h->event == HEALTH_END)
			return saved_flush(an, hs);
		return saved_item(an, hs, h);
	}
	if (!strncmp(h->path, CRDUMP_PREFIX, strlen(CRDUMP_PREFIX))) {
		if (h->event == HEALTH_VALUE)
			return crdump_item(an, hs, h);
		return 0;
	}
	if (h->event != HEALTH_VALUE)
		return 0;
	return an_emit_health(an, h);
}

static int health_new(struct analyze *an, void **ret)
{
	struct health *hs = calloc(1, sizeof(*hs));

	(void)an;
	if (!hs)
		return -ENOMEM;
	fw_buf_init(&hs->json_buf.buf, FW_LIMIT_JSON_INPUT);
	*ret = hs;
	return 0;
}

static int health_feed(struct analyze *an, void *state, const uint8_t *p, size_t len)
{
	struct health *hs = state;
	int r;

	if (!hs->decided) {
		size_t i = 0;

		while (i < len && (p[i] == ' ' || p[i] == '\n' || p[i] == '\t' || p[i] == '\r'))
			i++;
		if (i == len)
			return 0;
		hs->decided = true;
		hs->json = p[i] == '{' || p[i] == '[';
		if (!hs->json) {
			r = health_fmsg_new(an->ctx, health_item, an_emit_problem, an, &hs->fmsg);
			if (r < 0)
				return r;
		}
	}
	if (hs->json)
		return whole_add(an, &hs->json_buf, p, len);
	return health_fmsg_feed(hs->fmsg, p, len);
}

static int health_finish(struct analyze *an, void *state)
{
	struct health *hs = state;
	int r = 0;

	if (!hs->decided)
		return 0;
	if (hs->json) {
		if (hs->json_buf.over) {
			an_problemf(an, FW_LIMIT_JSON_INPUT, -EOVERFLOW,
				    "JSON is over FW_LIMIT_JSON_INPUT, skipping");
			return 0;
		}
		r = health_json_parse(an->ctx, whole_data(&hs->json_buf), hs->json_buf.buf.len,
				      health_item, an_emit_problem, an);
		if (r == -EBADMSG || r == -EOVERFLOW)
			r = 0; /* reported through an_emit_problem */
	} else {
		r = health_fmsg_finish(hs->fmsg);
	}
	if (r >= 0)
		r = saved_flush(an, hs);
	if (r >= 0 && hs->crs)
		r = crspace_finish(hs->crs);
	return r;
}

static void health_free(void *state)
{
	struct health *hs = state;

	if (!hs)
		return;
	fw_buf_release(&hs->json_buf.buf);
	health_fmsg_free(hs->fmsg);
	crspace_free(hs->crs);
	free(hs);
}

/* ------------------------------------------------------ health buffer */

static int hbuf_new(struct analyze *an, void **ret)
{
	(void)an;
	return whole_new(ret, FW_LIMIT_HEALTH_BUFFER);
}

static int hbuf_emit(void *ud, const struct health_item *h)
{
	if (h->event != HEALTH_VALUE)
		return 0;
	return an_emit_health(ud, h);
}

static int hbuf_finish(struct analyze *an, void *state)
{
	struct whole *w = state;
	int r;

	if (w->over) {
		an_problemf(an, FW_LIMIT_HEALTH_BUFFER, -EOVERFLOW,
			    "health buffer is over FW_LIMIT_HEALTH_BUFFER, skipping");
		return 0;
	}
	r = health_buffer_parse(an->ctx, whole_data(w), w->buf.len, hbuf_emit, an);
	if (r == -EBADMSG) {
		an_emit_problem(an, 0, r, fw_ctx_errmsg(an->ctx));
		r = 0;
	}
	return r;
}

/* ------------------------------------------------------------ registers */

static int reg_new(struct analyze *an, void **ret)
{
	(void)an;
	return whole_new(ret, FW_LIMIT_REG_DATA);
}

static int reg_finish(struct analyze *an, void *state)
{
	const char *name = an->kind + strlen("reg.");
	struct whole *w = state;
	const struct regcat_reg *reg;
	int r;

	if (w->over) {
		an_problemf(an, FW_LIMIT_REG_DATA, -EOVERFLOW,
			    "register data is over FW_LIMIT_REG_DATA (%u bytes), skipping",
			    FW_LIMIT_REG_DATA);
		return 0;
	}
	reg = regcat_by_name(name);
	if (!reg) {
		an_problemf(an, 0, -ENOENT,
			    "register '%s' is not in the register catalog, skipping", name);
		return 0;
	}
	r = regs_decode(reg, whole_data(w), w->buf.len, an_emit_reg, an_emit_problem, an);
	return r < 0 ? r : 0;
}

/* ------------------------------------------------------------ CR-space */

/* The layout is decided on the first dword, so the first four bytes wait. */
struct crs {
	uint8_t head[4];
	size_t head_len;
	struct crspace *crs;
};

static int crs_new(struct analyze *an, void **ret)
{
	struct crs *c = calloc(1, sizeof(*c));

	(void)an;
	if (!c)
		return -ENOMEM;
	*ret = c;
	return 0;
}

static int crs_feed(struct analyze *an, void *state, const uint8_t *p, size_t len)
{
	struct crs *c = state;
	int r;

	if (!c->crs) {
		size_t take = sizeof(c->head) - c->head_len;

		if (take > len)
			take = len;
		memcpy(c->head + c->head_len, p, take);
		c->head_len += take;
		p += take;
		len -= take;
		if (c->head_len < sizeof(c->head))
			return 0;
		r = crspace_new(an->ctx, crspace_sniff(c->head, c->head_len), an_emit_crspace,
				an_emit_problem, an, &c->crs);
		if (r < 0)
			return r;
		r = crspace_feed(c->crs, c->head, c->head_len);
		if (r < 0)
			return r;
	}
	return len ? crspace_feed(c->crs, p, len) : 0;
}

static int crs_finish(struct analyze *an, void *state)
{
	struct crs *c = state;

	if (!c->crs) {
		/* Fewer than 4 bytes in all. */
		an_problemf(an, 0, -EBADMSG, "CR-space image of %zu bytes holds no dword, skipping",
			    c->head_len);
		return 0;
	}
	return crspace_finish(c->crs);
}

static void crs_free(void *state)
{
	struct crs *c = state;

	if (c) {
		crspace_free(c->crs);
		free(c);
	}
}

/* ------------------------------------------------------ resource dump */

/* One decoder for every resource-dump artifact of the bundle: the menu
 * names the segments that follow it. */
static int rd_new(struct analyze *an, void **ret)
{
	resdump_reset(an->rd);
	*ret = an->rd;
	return 0;
}

static int rd_feed(struct analyze *an, void *state, const uint8_t *p, size_t len)
{
	(void)an;
	return resdump_feed(state, p, len);
}

static int rd_finish(struct analyze *an, void *state)
{
	(void)an;
	return resdump_finish(state);
}

static void rd_free(void *state)
{
	(void)state; /* owned by the analyze handle */
}

/* ------------------------------------------------------------ the table */

/* First match wins, so an exact kind goes before a prefix that covers it. */
static const struct an_decoder an_decoders[] = {
	{ "trace.cap", 0, AN_DEC_SIDE_INPUT },
	{ "trace.strings.*", 0, AN_DEC_SIDE_INPUT },
	{ "trace.ring", AN_REC_TRACE, 0, ring_new, ring_feed, ring_finish, ring_free },
	{ "trace.text", AN_REC_TRACE, 0, text_new, text_feed, text_finish, text_free },
	{ "health.buffer", AN_REC_HEALTH, 0, hbuf_new, whole_feed, hbuf_finish, whole_free },
	{ "health.*", AN_REC_HEALTH | AN_REC_TRACE | AN_REC_CRSPACE, 0, health_new, health_feed,
	  health_finish, health_free },
	{ "reg.*", AN_REC_REG, AN_DEC_ONE_PROBLEM, reg_new, whole_feed, reg_finish, whole_free },
	{ "crspace", AN_REC_CRSPACE, 0, crs_new, crs_feed, crs_finish, crs_free },
	{ "resdump.*", AN_REC_SEGMENT | AN_REC_MENU, 0, rd_new, rd_feed, rd_finish, rd_free },
};

/* The collector reads health again after a fatal error as KIND.after
 * (fwbox-bundle(5)); such a kind decodes like KIND. */
#define KIND_AFTER_SUFFIX ".after"

static bool pattern_matches(const char *pattern, const char *kind, size_t len)
{
	size_t n = strlen(pattern);

	if (n && pattern[n - 1] == '*')
		return len > n - 1 && !strncmp(kind, pattern, n - 1);
	return len == n && !strncmp(kind, pattern, n);
}

const struct an_decoder *an_decoder_find(const char *kind)
{
	size_t len = strlen(kind), sfx = strlen(KIND_AFTER_SUFFIX);

	if (len > sfx && !strcmp(kind + len - sfx, KIND_AFTER_SUFFIX))
		len -= sfx;
	for (size_t i = 0; i < sizeof(an_decoders) / sizeof(an_decoders[0]); i++)
		if (pattern_matches(an_decoders[i].pattern, kind, len))
			return &an_decoders[i];
	return NULL;
}
