/* SPDX-License-Identifier: MIT */
/*
 * report gather: one pass over a bundle (its index, then every member once
 * through analyze) into the bounded model of one capture's section.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

#include "analyze/analyze.h"
#include "bundle/bundle.h"
#include "core/bytes.h"
#include "report/report-internal.h"

#define HCA_CAP_FREQ_KHZ_OFF 156u

struct gather {
	struct fw_ctx *ctx;
	struct rp_capture *c;
	struct analyze *an;
	size_t cap_steps, cap_health, cap_fields, cap_crs, cap_segs, cap_problems;
	/* hca.caps.GENERAL: only the device_frequency_khz dword is kept. */
	bool in_caps;
	uint64_t caps_off;
	uint8_t freq[4];
	unsigned freq_have;
	int err;
};

/* ------------------------------------------------------------- sink */

static int on_trace(void *ud, const char *kind, const struct trace_event *ev)
{
	struct gather *g = ud;
	char msg[FW_LIMIT_TRACE_MESSAGE];

	(void)kind;
	trace_event_render(ev, msg, sizeof(msg));
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return rp_trace_add(g->ctx, &g->c->trace, ev, msg);
}

static int on_reg_field(void *ud, const char *kind, const struct regs_field *f)
{
	struct gather *g = ud;

	return rp_regs_add(g->ctx, g->c, kind, f);
}

static int on_crspace(void *ud, const char *kind, uint32_t addr, const uint32_t *v, size_t n)
{
	struct gather *g = ud;
	struct rp_capture *c = g->c;
	struct rp_crspace *s = NULL;

	for (size_t i = 0; i < c->n_crspace; i++)
		if (!strcmp(c->crspace[i].source, kind))
			s = &c->crspace[i];
	if (!s) {
		if (c->n_crspace >= REPORT_MAX_ROWS)
			return 0;
		if (fw_grow((void **)&c->crspace, &g->cap_crs, c->n_crspace + 1, sizeof(*c->crspace), 0) < 0)
			return fw_error(g->ctx, -ENOMEM, "out of memory");
		s = &c->crspace[c->n_crspace];
		memset(s, 0, sizeof(*s));
		s->source = strdup(kind);
		if (!s->source)
			return fw_error(g->ctx, -ENOMEM, "out of memory");
		c->n_crspace++;
	}
	if (!n)
		return 0;
	if (!s->any || addr < s->lo)
		s->lo = addr;
	if (!s->any || addr + 4ull * (n - 1) > s->hi)
		s->hi = addr + 4ull * (n - 1);
	s->any = true;
	s->words += n;
	for (size_t i = 0; i < n; i++)
		s->nonzero += v[i] != 0;
	return 0;
}

static int on_segment(void *ud, const char *kind, const struct resdump_segment *seg)
{
	struct gather *g = ud;
	struct rp_capture *c = g->c;
	struct rp_segsum *s = NULL;
	const char *name = seg->name ? seg->name : (seg->kind ? seg->kind : "");

	c->segs_total++;
	for (size_t i = 0; i < c->n_segs; i++)
		if (c->segs[i].type == seg->type && !strcmp(c->segs[i].dump, kind) &&
		    !strcmp(c->segs[i].name, name))
			s = &c->segs[i];
	if (!s) {
		if (c->n_segs >= REPORT_MAX_ROWS) {
			c->segs_omitted++;
			return 0;
		}
		if (fw_grow((void **)&c->segs, &g->cap_segs, c->n_segs + 1, sizeof(*c->segs), 0) < 0)
			return fw_error(g->ctx, -ENOMEM, "out of memory");
		s = &c->segs[c->n_segs];
		memset(s, 0, sizeof(*s));
		s->dump = strdup(kind);
		if (!s->dump)
			return fw_error(g->ctx, -ENOMEM, "out of memory");
		snprintf(s->name, sizeof(s->name), "%s", name);
		s->type = seg->type;
		c->n_segs++;
	}
	s->count++;
	s->bytes += seg->length;
	return 0;
}

static int on_menu(void *ud, const char *kind, const struct resdump_menu_record *m)
{
	struct gather *g = ud;

	(void)kind;
	(void)m;
	g->c->menu_records++;
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* A reporter of "health.reporters[.after]": items "<prefix>/reporter",
 * "<prefix>/state", ... grouped by their prefix. */
static void reporter_item(struct rp_capture *c, const char *kind, const struct health_item *h)
{
	const char *slash = strrchr(h->path, '/');
	const char *field = slash ? slash + 1 : h->path;
	size_t plen = slash ? (size_t)(slash - h->path) : 0;
	struct rp_reporter *r = NULL;
	char src[64];

	snprintf(src, sizeof(src), "%s|%.*s", kind, (int)(plen < 40 ? plen : 40), h->path);
	for (unsigned i = 0; i < c->n_reporters; i++)
		if (!strcmp(c->reporters[i].source, src))
			r = &c->reporters[i];
	if (!r) {
		if (c->n_reporters >= sizeof(c->reporters) / sizeof(c->reporters[0]))
			return;
		r = &c->reporters[c->n_reporters++];
		memset(r, 0, sizeof(*r));
		snprintf(r->source, sizeof(r->source), "%s", src);
		r->after = ends_with(kind, ".after");
	}
	if (!strcmp(field, "reporter") && h->type == HEALTH_STRING)
		snprintf(r->name, sizeof(r->name), "%s", h->str);
	else if (!strcmp(field, "state") && h->type == HEALTH_STRING)
		snprintf(r->state, sizeof(r->state), "%s", h->str);
	else if (!strcmp(field, "error"))
		r->error = h->u;
	else if (!strcmp(field, "recover"))
		r->recover = h->u;
	else if (!strcmp(field, "has_dump"))
		r->has_dump = h->u != 0;
}

/* The health buffer: the latest reading wins (".after" is read last). */
static void buffer_item(struct rp_capture *c, const char *kind, const struct health_item *h)
{
	const char *f = strrchr(h->path, '/');
	bool after = ends_with(kind, ".after");

	f = f ? f + 1 : h->path;
	if (strcmp(c->hb_source, kind)) {
		/* A new reading starts; the first one tells whether the
		 * firmware was already failing before fwbox touched it. */
		if (c->hb_valid && after)
			c->hb_before_synd = c->hb_synd;
		if (c->hb_valid && !after)
			return; /* a second plain reading: keep the first */
		snprintf(c->hb_source, sizeof(c->hb_source), "%s", kind);
		c->hb_valid = true;
		c->hb_after = after;
		c->hb_synd = c->hb_ext_synd = c->hb_irisc = c->hb_severity = 0;
		c->hb_severity_valid = false;
		c->hb_synd_name[0] = '\0';
	}
	if (!strcmp(f, "synd"))
		c->hb_synd = h->u;
	else if (!strcmp(f, "ext_synd"))
		c->hb_ext_synd = h->u;
	else if (!strcmp(f, "irisc_index"))
		c->hb_irisc = h->u;
	else if (!strcmp(f, "severity"))
		c->hb_severity = h->u;
	else if (!strcmp(f, "severity_valid"))
		c->hb_severity_valid = h->u != 0;
	else if (!strcmp(f, "time"))
		c->hb_time = h->u;
	else if (!strcmp(f, "assert_exit_ptr"))
		c->hb_exit_ptr = h->u;
	else if (!strcmp(f, "assert_callra"))
		c->hb_callra = h->u;
	else if (!strcmp(f, "synd_name") && h->str)
		snprintf(c->hb_synd_name, sizeof(c->hb_synd_name), "%s", h->str);
}

static int on_health(void *ud, const char *kind, const struct health_item *h)
{
	struct gather *g = ud;
	struct rp_capture *c = g->c;
	struct rp_health_item *it;
	char num[32];
	const char *v;

	if (h->event != HEALTH_VALUE)
		return 0;
	if (!strncmp(kind, "health.reporters", strlen("health.reporters")))
		reporter_item(c, kind, h);
	else if (!strncmp(kind, "health.buffer", strlen("health.buffer")))
		buffer_item(c, kind, h);
	/* Every other scalar value is listed (bounded); binary values are
	 * dumps, summarised elsewhere. */
	if (h->type == HEALTH_BINARY)
		return 0;
	if (c->n_health >= REPORT_MAX_ROWS) {
		c->health_omitted++;
		return 0;
	}
	switch (h->type) {
	case HEALTH_STRING:
		v = h->str ? h->str : "";
		break;
	case HEALTH_NULL:
		v = "null";
		break;
	case HEALTH_BOOL:
		v = h->u ? "true" : "false";
		break;
	default:
		snprintf(num, sizeof(num), "%" PRIu64, h->u);
		v = num;
		break;
	}
	if (fw_grow((void **)&c->health, &g->cap_health, c->n_health + 1, sizeof(*c->health), 0) < 0)
		return fw_error(g->ctx, -ENOMEM, "out of memory");
	it = &c->health[c->n_health];
	it->source = strdup(kind);
	it->item = strdup(h->path ? h->path : "");
	it->value = strdup(v);
	if (!it->source || !it->item || !it->value) {
		free(it->source);
		free(it->item);
		free(it->value);
		return fw_error(g->ctx, -ENOMEM, "out of memory");
	}
	c->n_health++;
	return 0;
}

static void on_problem(void *ud, const char *kind, uint64_t offset, int err, const char *msg)
{
	struct gather *g = ud;
	struct rp_capture *c = g->c;
	struct rp_change *p;
	char where[64];

	(void)err;
	c->problems_total++;
	if (c->n_problems >= REPORT_MAX_ROWS ||
	    fw_grow((void **)&c->problems, &g->cap_problems, c->n_problems + 1, sizeof(*c->problems), 0) < 0)
		return;
	p = &c->problems[c->n_problems];
	memset(p, 0, sizeof(*p));
	snprintf(where, sizeof(where), "%" PRIu64, offset);
	p->what = strdup(kind);
	p->a = strdup(where);
	p->note = strdup(msg ? msg : "");
	c->n_problems++;
}

/* ------------------------------------------------------------- walk */

static int v_begin(void *ud, const struct bundle_artifact *a)
{
	struct gather *g = ud;

	if (!strcmp(a->kind, "hca.caps.GENERAL") && a->size) {
		g->in_caps = true;
		g->caps_off = 0;
		g->freq_have = 0;
		return 0;
	}
	g->in_caps = false;
	if (a->size == 0 || a->outcome == BUNDLE_OUTCOME_FAILED ||
	    a->outcome == BUNDLE_OUTCOME_SKIPPED || !analyze_wants(a->kind))
		return 1;
	return analyze_begin(g->an, a->kind);
}

static int v_data(void *ud, const struct bundle_artifact *a, const void *buf, size_t len)
{
	struct gather *g = ud;

	(void)a;
	if (g->in_caps) {
		/* Keep bytes [156, 160) of the capability page. */
		for (size_t i = 0; i < len; i++, g->caps_off++)
			if (g->caps_off >= HCA_CAP_FREQ_KHZ_OFF && g->caps_off < HCA_CAP_FREQ_KHZ_OFF + 4)
				g->freq[g->freq_have++] = ((const uint8_t *)buf)[i];
			else if (g->caps_off >= HCA_CAP_FREQ_KHZ_OFF + 4)
				break;
		return 0;
	}
	return analyze_data(g->an, buf, len);
}

static int v_end(void *ud, const struct bundle_artifact *a)
{
	struct gather *g = ud;

	(void)a;
	if (g->in_caps) {
		g->in_caps = false;
		if (g->freq_have == 4)
			g->c->clock_khz = fw_get_be32(g->freq);
		return 0;
	}
	return analyze_end(g->an);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int copy_index(struct gather *g, struct bundle *b)
{
	struct rp_capture *c = g->c;
	const struct bundle_header *h = bundle_get_header(b);
	const struct bundle_device *d = bundle_get_device(b);
	char when[40];
	size_t n = bundle_artifact_count(b);

	uuid_unparse_lower(h->uuid, c->uuid);
	fw_format_utc(h->created_ns, when, sizeof(when));
	c->created = strdup(when);
	c->created_ns = h->created_ns;
	c->host = dup_or_null(h->host);
	c->reason = dup_or_null(h->reason);
	c->cmdline = dup_or_null(h->cmdline);
	c->fwbox_version = dup_or_null(h->fwbox_version);
	if (bundle_get_trigger(b)) {
		const struct bundle_trigger *t = bundle_get_trigger(b);

		c->has_trigger = true;
		c->tr_source = dup_or_null(t->source);
		c->tr_reporter = dup_or_null(t->reporter);
		c->tr_message = dup_or_null(t->message);
		c->tr_state = t->state;
		c->tr_error_count = t->error_count;
		c->tr_event_ns = t->event_ns;
		c->tr_latency_ns = t->latency_ns;
		c->tr_incident_ns = t->incident_ns;
		c->tr_incident_events = t->incident_events;
		c->tr_first_of_incident = t->first_of_incident;
		c->tr_replayed = t->replayed;
		c->tr_suppressed = t->suppressed;
		c->tr_suppressed_first_ns = t->suppressed_first_ns;
		c->tr_suppressed_last_ns = t->suppressed_last_ns;
	}
	if (d) {
		c->has_device = true;
		c->pci = dup_or_null(d->pci);
		c->model = dup_or_null(d->model);
		c->fw_version = dup_or_null(d->fw_version);
		c->psid = dup_or_null(d->psid);
		c->board_id = dup_or_null(d->board_id);
		c->serial = dup_or_null(d->serial);
		c->kernel = dup_or_null(d->kernel);
		c->driver = dup_or_null(d->driver);
		c->vendor_id = d->vendor_id;
		c->device_id = d->device_id;
		c->subsys_vendor_id = d->subsys_vendor_id;
		c->subsys_device_id = d->subsys_device_id;
	}
	if (!c->created)
		return fw_error(g->ctx, -ENOMEM, "out of memory");
	c->steps = calloc(n ? n : 1, sizeof(*c->steps));
	if (!c->steps)
		return fw_error(g->ctx, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct bundle_artifact *a = bundle_artifact_at(b, i);
		struct rp_step *s = &c->steps[c->n_steps];

		s->kind = strdup(a->kind);
		s->reason = strdup(a->reason ? a->reason : "");
		s->interface = strdup(a->interface ? a->interface : "");
		if (!s->kind || !s->reason || !s->interface) {
			free(s->kind);
			free(s->reason);
			free(s->interface);
			return fw_error(g->ctx, -ENOMEM, "out of memory");
		}
		s->outcome = a->outcome;
		s->size = a->size;
		s->start_ns = a->start_ns;
		s->end_ns = a->end_ns;
		s->err = a->err;
		s->status = a->status;
		s->syndrome = a->syndrome;
		c->n_steps++;
		if (a->outcome <= BUNDLE_OUTCOME_SKIPPED)
			c->outcomes[a->outcome]++;
		c->bytes += a->size;
	}
	/* The source counted by format: the ring when it was read, else the
	 * tracefs text (the saved traces of the fw reporter repeat the same
	 * driver-side messages). */
	{
		const struct bundle_artifact *ring = bundle_find_kind(b, "trace.ring");
		const struct bundle_artifact *text = bundle_find_kind(b, "trace.text");

		if (ring && ring->size && (ring->outcome == BUNDLE_OUTCOME_OK ||
					   ring->outcome == BUNDLE_OUTCOME_PARTIAL))
			c->trace.primary = TRACE_SOURCE_RING;
		else if (text && text->size && (text->outcome == BUNDLE_OUTCOME_OK ||
						text->outcome == BUNDLE_OUTCOME_PARTIAL))
			c->trace.primary = TRACE_SOURCE_TEXT;
	}
	return 0;
}

int rp_capture_gather(struct fw_ctx *ctx, const char *path, struct rp_capture *c)
{
	static const struct analyze_sink sink = {
		.trace = on_trace,
		.reg_field = on_reg_field,
		.crspace = on_crspace,
		.segment = on_segment,
		.menu = on_menu,
		.health = on_health,
		.problem = on_problem,
	};
	static const struct bundle_visitor visitor = {
		.begin = v_begin,
		.data = v_data,
		.end = v_end,
	};
	struct gather g = { .ctx = ctx, .c = c };
	struct bundle *b = NULL;
	int r;

	memset(c, 0, sizeof(*c));
	c->path = strdup(path);
	if (!c->path)
		return fw_error(ctx, -ENOMEM, "out of memory");
	r = rp_trace_init(ctx, &c->trace);
	if (r < 0)
		return r;
	r = bundle_open(ctx, path, &b);
	if (r < 0)
		return fw_error_prefix(ctx, r, "'%s'", path);
	r = copy_index(&g, b);
	if (r < 0)
		goto close;
	r = analyze_new(ctx, &sink, &g, &g.an);
	if (r < 0)
		goto close;
	r = analyze_prepare_bundle(g.an, b);
	if (r < 0) {
		fw_error_prefix(ctx, r, "'%s'", path);
		goto close;
	}
	r = bundle_stream(b, &visitor, &g);
	if (r < 0) {
		fw_error_prefix(ctx, r, "'%s' (run 'fwbox verify' on it to see which member)", path);
		goto close;
	}
	rp_trace_sort_formats(&c->trace);
	for (size_t i = 0; i < c->n_steps; i++)
		if (c->steps[i].outcome == BUNDLE_OUTCOME_FAILED && c->steps[i].err == -EIO)
			c->io_failures++;
close:
	analyze_free(g.an);
	bundle_close(b);
	return r;
}

static void free_changes(struct rp_change *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].what);
		free(v[i].a);
		free(v[i].b);
		free(v[i].note);
	}
	free(v);
}

void rp_capture_release(struct rp_capture *c)
{
	free(c->path);
	free(c->created);
	free(c->host);
	free(c->reason);
	free(c->cmdline);
	free(c->fwbox_version);
	free(c->tr_source);
	free(c->tr_reporter);
	free(c->tr_message);
	free(c->pci);
	free(c->model);
	free(c->fw_version);
	free(c->psid);
	free(c->board_id);
	free(c->serial);
	free(c->kernel);
	free(c->driver);
	for (size_t i = 0; i < c->n_steps; i++) {
		free(c->steps[i].kind);
		free(c->steps[i].reason);
		free(c->steps[i].interface);
	}
	free(c->steps);
	for (size_t i = 0; i < c->n_health; i++) {
		free(c->health[i].source);
		free(c->health[i].item);
		free(c->health[i].value);
	}
	free(c->health);
	rp_trace_release(&c->trace);
	rp_regs_release(c);
	for (size_t i = 0; i < c->n_crspace; i++)
		free(c->crspace[i].source);
	free(c->crspace);
	for (size_t i = 0; i < c->n_segs; i++)
		free(c->segs[i].dump);
	free(c->segs);
	free_changes(c->problems, c->n_problems);
	free(c->prev_uuid);
	free(c->prev_created);
	free(c->compare_note);
	free_changes(c->ch_steps, c->n_ch_steps);
	free_changes(c->ch_fields, c->n_ch_fields);
	free_changes(c->ch_words, c->n_ch_words);
	free_changes(c->ch_msgs, c->n_ch_msgs);
	free_changes(c->ch_segs, c->n_ch_segs);
	memset(c, 0, sizeof(*c));
}
