/* SPDX-License-Identifier: MIT */
/*
 * report chrome: firmware trace messages as Chrome trace-event JSON, the
 * "JSON Object Format" of the Trace Event Format document that
 * chrome://tracing and Perfetto's JSON importer read:
 *
 *   {"displayTimeUnit":"ns","traceEvents":[ EVENT, ... ],"otherData":{...}}
 *
 *  - one instant event ("ph":"i", thread scope "s":"t") per message, its
 *    name the rendered message, args the device ticks, event id and lost
 *    flag;
 *  - one process per source (pid 1 raw ring, 2 tracefs text, 3 devlink
 *    saved traces) and one thread per lane (the iRISC tag that begins the
 *    message, see report_trace_lane()); names as "M" metadata events
 *    (process_name, thread_name, and sort indexes), written at the end
 *    because lanes are discovered while streaming;
 *  - a message with the lost flag is followed by an instant event named
 *    "events lost" (cat "lost") on the same track;
 *  - "ts" in microseconds with three decimals: device ticks * 1000 /
 *    device_frequency_khz (the firmware tracer stamps events with the
 *    device's core clock, the clock QUERY_HCA_CAP reports; mstflint's
 *    fwtrace --real_ts converts the same way).
 *
 * Messages leave through a min-heap of REPORT_CHROME_WINDOW messages ordered
 * by time, so the small disorder of decoded rings and tracefs lines comes
 * out sorted; a message older than what its track already wrote is written
 * at that track's last time (counted as late, exact ticks in args), so the
 * timestamps of every track never go back.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

#include "bundle/bundle.h"
#include "core/bytes.h"
#include "report/report-internal.h"

#define CK_MAX_TRACKS 256u
#define HCA_CAP_FREQ_KHZ_OFF 156u  /* cmd_hca_cap.device_frequency_khz, bit 0x4e0 */

struct ck_track {
	uint8_t source;
	char lane[40];
	uint64_t last_ns;
	uint64_t events;
	bool written;
};

struct ck_slot {
	uint64_t ns;
	uint64_t ticks;
	uint64_t seq;
	uint16_t track;
	uint8_t event_id;
	bool lost;
	uint16_t len;
	char msg[FW_LIMIT_TRACE_MESSAGE];
};

struct report_chrome {
	struct fw_ctx *ctx;
	struct rp_out out;
	uint32_t khz;
	bool khz_from_bundle;
	char device[64];
	char uuid[37];
	struct ck_slot *slots;     /* REPORT_CHROME_WINDOW */
	uint32_t *heap;            /* slot indexes, min-heap on (ns, seq) */
	uint32_t *free_list;
	size_t n_heap, n_free;
	uint64_t seq;
	struct ck_track tracks[CK_MAX_TRACKS];
	unsigned n_tracks;
	bool first;
	struct report_chrome_stats st;
};

int report_bundle_clock_khz(struct fw_ctx *ctx, struct bundle *b, uint32_t *ret_khz)
{
	const struct bundle_artifact *a = bundle_find_kind(b, "hca.caps.GENERAL");
	void *data = NULL;
	size_t len = 0;
	uint32_t khz;
	int r;

	if (!a || a->outcome == BUNDLE_OUTCOME_FAILED || a->outcome == BUNDLE_OUTCOME_SKIPPED)
		return fw_error(ctx, -ENOENT, "no device clock: hca.caps.GENERAL is %s",
				!a ? "not in the bundle" : "a failed or skipped step");
	if (a->size < HCA_CAP_FREQ_KHZ_OFF + 4)
		return fw_error(ctx, -ENOENT, "no device clock: hca.caps.GENERAL holds %" PRIu64
				" bytes, device_frequency_khz ends at byte %u", (uint64_t)a->size,
				HCA_CAP_FREQ_KHZ_OFF + 4);
	r = bundle_read_kind(b, "hca.caps.GENERAL", 65536, &data, &len);
	if (r < 0)
		return r;
	if (len < HCA_CAP_FREQ_KHZ_OFF + 4) {
		free(data);
		return fw_error(ctx, -ENOENT, "no device clock: hca.caps.GENERAL holds %zu bytes, "
				"device_frequency_khz ends at byte %u", len, HCA_CAP_FREQ_KHZ_OFF + 4);
	}
	khz = fw_get_be32((const uint8_t *)data + HCA_CAP_FREQ_KHZ_OFF);
	free(data);
	if (!khz)
		return fw_error(ctx, -ENOENT, "no device clock: hca.caps.GENERAL's device_frequency_khz is 0");
	*ret_khz = khz;
	return 0;
}

void report_trace_lane(const char *msg, char *buf, size_t len)
{
	size_t n = 0;

	if (msg && msg[0] == '[') {
		const char *p = msg + 1;

		while (p[n] && n < 32 &&
		       ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
			(p[n] >= '0' && p[n] <= '9') || p[n] == '_' || p[n] == '-' || p[n] == '.' ||
			p[n] == ' '))
			n++;
		if (n && p[n] == ']' && p[0] != ' ' && p[n - 1] != ' ') {
			snprintf(buf, len, "%.*s", (int)n, p);
			return;
		}
	}
	snprintf(buf, len, "main");
}

/* Device ticks to ns on the device clock. */
static uint64_t ticks_ns(const struct report_chrome *c, uint64_t ticks)
{
	uint64_t k = c->khz;

	if (!k)
		return ticks;
	/* ticks * 10^6 / khz without overflow: ticks < 2^64 / 10^6 is not
	 * promised (a 53-bit timestamp times 10^6 is not). */
	return ticks / k * 1000000ull + ticks % k * 1000000ull / k;
}

int report_chrome_open(struct fw_ctx *ctx, const char *path, uint32_t clock_khz, FILE *out,
		       struct report_chrome **ret)
{
	struct report_chrome *c;
	struct bundle *b = NULL;
	const struct bundle_device *d;
	const struct bundle_header *h;
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return fw_error(ctx, -ENOMEM, "out of memory");
	c->ctx = ctx;
	c->slots = malloc(REPORT_CHROME_WINDOW * sizeof(*c->slots));
	c->heap = malloc(REPORT_CHROME_WINDOW * sizeof(*c->heap));
	c->free_list = malloc(REPORT_CHROME_WINDOW * sizeof(*c->free_list));
	if (!c->slots || !c->heap || !c->free_list) {
		r = fw_error(ctx, -ENOMEM, "out of memory for the trace window");
		goto fail;
	}
	for (uint32_t i = 0; i < REPORT_CHROME_WINDOW; i++)
		c->free_list[i] = REPORT_CHROME_WINDOW - 1 - i;
	c->n_free = REPORT_CHROME_WINDOW;

	r = bundle_open(ctx, path, &b);
	if (r < 0)
		goto fail;
	d = bundle_get_device(b);
	h = bundle_get_header(b);
	snprintf(c->device, sizeof(c->device), "%s", d && d->pci ? d->pci : "-");
	uuid_unparse_lower(h->uuid, c->uuid);
	if (clock_khz) {
		c->khz = clock_khz;
	} else {
		r = report_bundle_clock_khz(ctx, b, &c->khz);
		if (r == 0) {
			c->khz_from_bundle = true;
		} else if (r != -ENOENT) {
			fw_error_prefix(ctx, r, "'%s': hca.caps.GENERAL", path);
			goto fail;
		}
	}
	bundle_close(b);
	b = NULL;
	rp_init(&c->out, out);
	rp_puts(&c->out, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
	c->first = true;
	*ret = c;
	return 0;
fail:
	bundle_close(b);
	report_chrome_free(c);
	return r;
}

void report_chrome_free(struct report_chrome *c)
{
	if (!c)
		return;
	free(c->slots);
	free(c->heap);
	free(c->free_list);
	free(c);
}

static bool slot_less(const struct report_chrome *c, uint32_t a, uint32_t b)
{
	const struct ck_slot *x = &c->slots[a], *y = &c->slots[b];

	return x->ns < y->ns || (x->ns == y->ns && x->seq < y->seq);
}

static void heap_push(struct report_chrome *c, uint32_t s)
{
	size_t i = c->n_heap++;

	while (i) {
		size_t p = (i - 1) / 2;

		if (!slot_less(c, s, c->heap[p]))
			break;
		c->heap[i] = c->heap[p];
		i = p;
	}
	c->heap[i] = s;
}

static uint32_t heap_pop(struct report_chrome *c)
{
	uint32_t top = c->heap[0], last = c->heap[--c->n_heap];
	size_t i = 0, n = c->n_heap;

	for (;;) {
		size_t l = 2 * i + 1, m = l;

		if (l >= n)
			break;
		if (l + 1 < n && slot_less(c, c->heap[l + 1], c->heap[l]))
			m = l + 1;
		if (!slot_less(c, c->heap[m], last))
			break;
		c->heap[i] = c->heap[m];
		i = m;
	}
	if (n)
		c->heap[i] = last;
	return top;
}

static void put_ts(struct rp_out *o, uint64_t ns)
{
	char frac[4] = { (char)('0' + ns / 100 % 10), (char)('0' + ns / 10 % 10),
			 (char)('0' + ns % 10), 0 };

	rp_u64(o, ns / 1000);
	rp_putc(o, '.');
	rp_put(o, frac, 3);
}

static void sep(struct report_chrome *c)
{
	if (c->first)
		c->first = false;
	else
		rp_put(&c->out, ",\n", 2);
}

static void put_track_ids(struct report_chrome *c, unsigned t)
{
	rp_puts(&c->out, ",\"pid\":");
	rp_u64(&c->out, c->tracks[t].source + 1u);
	rp_puts(&c->out, ",\"tid\":");
	rp_u64(&c->out, t + 1u);
}

static void write_slot(struct report_chrome *c, const struct ck_slot *s)
{
	struct ck_track *t = &c->tracks[s->track];
	uint64_t ns = s->ns;

	if (t->written && ns < t->last_ns) {
		ns = t->last_ns;
		c->st.late++;
	}
	t->last_ns = ns;
	t->written = true;
	t->events++;
	sep(c);
	rp_puts(&c->out, "{\"name\":");
	rp_json_str_n(&c->out, s->msg, s->len);
	rp_puts(&c->out, ",\"cat\":\"fw\",\"ph\":\"i\",\"s\":\"t\",\"ts\":");
	put_ts(&c->out, ns);
	put_track_ids(c, s->track);
	rp_puts(&c->out, ",\"args\":{\"ticks\":");
	rp_u64(&c->out, s->ticks);
	rp_puts(&c->out, ",\"event_id\":");
	rp_u64(&c->out, s->event_id);
	rp_puts(&c->out, s->lost ? ",\"lost\":1}}" : ",\"lost\":0}}");
	c->st.events++;
	if (s->lost) {
		sep(c);
		rp_puts(&c->out, "{\"name\":\"events lost\",\"cat\":\"lost\",\"ph\":\"i\",\"s\":\"t\",\"ts\":");
		put_ts(&c->out, ns);
		put_track_ids(c, s->track);
		rp_puts(&c->out, ",\"args\":{\"ticks\":");
		rp_u64(&c->out, s->ticks);
		rp_puts(&c->out, "}}");
		c->st.lost_markers++;
	}
}

static void pop_one(struct report_chrome *c)
{
	uint32_t s = heap_pop(c);

	write_slot(c, &c->slots[s]);
	c->free_list[c->n_free++] = s;
}

static unsigned track_of(struct report_chrome *c, uint8_t source, const char *msg)
{
	char lane[40];

	report_trace_lane(msg, lane, sizeof(lane));
	for (unsigned i = 0; i < c->n_tracks; i++)
		if (c->tracks[i].source == source && !strcmp(c->tracks[i].lane, lane))
			return i;
	if (c->n_tracks >= CK_MAX_TRACKS - 3) {
		/* The last three tracks are kept for "other", one per source:
		 * n_tracks never passes CK_MAX_TRACKS. */
		snprintf(lane, sizeof(lane), "other");
		for (unsigned i = CK_MAX_TRACKS - 3; i < c->n_tracks; i++)
			if (c->tracks[i].source == source)
				return i;
	}
	c->tracks[c->n_tracks].source = source;
	snprintf(c->tracks[c->n_tracks].lane, sizeof(c->tracks[0].lane), "%s", lane);
	return c->n_tracks++;
}

int report_chrome_event(struct report_chrome *c, const struct trace_event *ev, const char *msg)
{
	struct ck_slot *s;
	uint32_t i;
	size_t n;

	if (c->n_free == 0)
		pop_one(c);
	i = c->free_list[--c->n_free];
	s = &c->slots[i];
	s->ticks = ev->timestamp;
	s->ns = ticks_ns(c, ev->timestamp);
	s->seq = c->seq++;
	s->event_id = ev->event_id;
	s->lost = ev->lost;
	s->track = (uint16_t)track_of(c, (uint8_t)(ev->source <= TRACE_SOURCE_SAVED ? ev->source : 0),
				      msg);
	n = strnlen(msg, sizeof(s->msg) - 1);
	memcpy(s->msg, msg, n);
	s->len = (uint16_t)n;
	heap_push(c, i);
	return c->out.err;
}

static const char *source_title(unsigned s)
{
	switch (s) {
	case TRACE_SOURCE_RING: return "firmware tracer ring";
	case TRACE_SOURCE_TEXT: return "tracefs mlx5_fw";
	default: return "devlink fw reporter saved traces";
	}
}

int report_chrome_close(struct report_chrome *c, struct report_chrome_stats *ret_stats)
{
	struct rp_out *o = &c->out;
	bool named[3] = { false, false, false };
	int r;

	while (c->n_heap)
		pop_one(c);
	for (unsigned t = 0; t < c->n_tracks; t++) {
		unsigned s = c->tracks[t].source;

		if (!named[s]) {
			char name[160];

			named[s] = true;
			snprintf(name, sizeof(name), "%s %s", c->device, source_title(s));
			sep(c);
			rp_puts(o, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":");
			rp_u64(o, s + 1u);
			rp_puts(o, ",\"args\":{\"name\":");
			rp_json_str(o, name);
			rp_puts(o, "}}");
			sep(c);
			rp_puts(o, "{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":");
			rp_u64(o, s + 1u);
			rp_puts(o, ",\"args\":{\"sort_index\":");
			rp_u64(o, s + 1u);
			rp_puts(o, "}}");
		}
		sep(c);
		rp_puts(o, "{\"name\":\"thread_name\",\"ph\":\"M\"");
		put_track_ids(c, t);
		rp_puts(o, ",\"args\":{\"name\":");
		rp_json_str(o, c->tracks[t].lane);
		rp_puts(o, "}}");
		sep(c);
		rp_puts(o, "{\"name\":\"thread_sort_index\",\"ph\":\"M\"");
		put_track_ids(c, t);
		rp_puts(o, ",\"args\":{\"sort_index\":");
		rp_u64(o, t + 1u);
		rp_puts(o, "}}");
	}
	rp_puts(o, "\n],\"otherData\":{\"generator\":\"fwbox ");
	rp_puts(o, fw_version());
	rp_puts(o, "\",\"bundle\":\"");
	rp_puts(o, c->uuid);
	rp_puts(o, "\",\"device\":");
	rp_json_str(o, c->device);
	rp_puts(o, ",\"clock_khz\":");
	rp_u64(o, c->khz);
	rp_puts(o, ",\"clock\":\"");
	if (c->khz && c->khz_from_bundle)
		rp_puts(o, "ts = device ticks * 1000 / device_frequency_khz (hca.caps.GENERAL)");
	else if (c->khz)
		rp_puts(o, "ts = device ticks * 1000 / clock_khz (given by the user)");
	else
		rp_puts(o, "device clock unknown (no hca.caps.GENERAL): ts = device ticks / 1000, one tick taken as one ns");
	rp_puts(o, "\",\"events\":");
	rp_u64(o, c->st.events);
	rp_puts(o, ",\"late\":");
	rp_u64(o, c->st.late);
	rp_puts(o, "}}\n");
	r = rp_flush(o);
	if (r < 0)
		fw_error(c->ctx, r, "cannot write the trace: %s", strerror(-r));
	c->st.tracks = c->n_tracks;
	c->st.clock_khz = c->khz;
	c->st.clock_from_bundle = c->khz_from_bundle;
	if (ret_stats)
		*ret_stats = c->st;
	report_chrome_free(c);
	return r;
}
