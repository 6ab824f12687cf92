/* SPDX-License-Identifier: MIT */
/* Check suite for src/report: escaping, lanes, histograms, trace
 * aggregation, register views and the Chrome trace writer. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "regs.h"
#include "report/report-internal.h"
#include "testutil.h"

/* Run fn over an rp_out on a memory stream; return what it wrote. */
static char *capture(void (*fn)(struct rp_out *, const char *, size_t), const char *s, size_t n)
{
	struct rp_out *o = malloc(sizeof(*o));
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_nonnull(f);
	rp_init(o, f);
	fn(o, s, n);
	ck_assert_int_eq(rp_flush(o), 0);
	fclose(f);
	free(o);
	return buf;
}

START_TEST(test_html_escape)
{
	static const char in[] = "<a href='x'>&\"\x01\x7f\xff\xc3\xa9\t\n";
	char *out = capture(rp_html_n, in, sizeof(in) - 1);

	ck_assert_str_eq(out, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\xe2\x90\x81\xe2\x90\xa1"
			      "\xef\xbf\xbd\xc3\xa9\t\n");
	free(out);
	/* A sequence cut at the end of the input is invalid, byte by byte. */
	out = capture(rp_html_n, "x\xe2\x82", 3);
	ck_assert_str_eq(out, "x\xef\xbf\xbd\xef\xbf\xbd");
	free(out);
	/* NUL inside the text is a control character too. */
	out = capture(rp_html_n, "a\0b", 3);
	ck_assert_str_eq(out, "a\xe2\x90\x80" "b");
	free(out);
}
END_TEST

START_TEST(test_json_escape)
{
	static const char in[] = "q\"b\\c\x01\x1f\xff\xe2\x82\xac/";
	char *out = capture(rp_json_str_n, in, sizeof(in) - 1);
	struct json_object *j = json_tokener_parse(out);

	ck_assert_str_eq(out, "\"q\\\"b\\\\c\\u0001\\u001f\xef\xbf\xbd\xe2\x82\xac/\"");
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_object_get_string(j), "q\"b\\c\x01\x1f\xef\xbf\xbd\xe2\x82\xac/");
	json_object_put(j);
	free(out);
}
END_TEST

START_TEST(test_lane)
{
	static const struct {
		const char *msg, *lane;
	} cases[] = {
		{ "[irisc1] icm: x", "irisc1" }, { "[nic] x", "nic" }, { "[irisc 2] x", "irisc 2" },
		{ "no tag", "main" }, { "[ bad] x", "main" }, { "[bad ] x", "main" },
		{ "[] x", "main" }, { "[unclosed x", "main" }, { "[a<b] x", "main" },
		{ "[abcdefghijklmnopqrstuvwxyz0123456] x", "main" },  /* 33 characters */
		{ "[abcdefghijklmnopqrstuvwxyz012345] x", "abcdefghijklmnopqrstuvwxyz012345" },
		{ "", "main" },
	};
	char lane[40];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		report_trace_lane(cases[i].msg, lane, sizeof(lane));
		ck_assert_msg(!strcmp(lane, cases[i].lane), "'%s' -> '%s', expected '%s'", cases[i].msg,
			      lane, cases[i].lane);
	}
	report_trace_lane(NULL, lane, sizeof(lane));
	ck_assert_str_eq(lane, "main");
}
END_TEST

/* The context the trace and register helpers report errors on. */
static struct fw_ctx *tctx(void)
{
	static struct fw_ctx *ctx;

	if (!ctx)
		ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	return ctx;
}

/*
 * Allocation failure on demand: the test binary is linked with
 * --wrap=realloc,calloc,strdup (src/report/Makemodule.am), so every one of
 * those calls, in the library too, comes here.  fail_in = N makes the
 * allocation N calls from now fail (0: the next one); -1 fails none.
 */
static long fail_in = -1;

void *__real_realloc(void *p, size_t n);
void *__real_calloc(size_t nmemb, size_t n);
char *__real_strdup(const char *s);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_calloc(size_t nmemb, size_t n);
char *__wrap_strdup(const char *s);

static int fail_now(void)
{
	if (fail_in < 0)
		return 0;
	return fail_in-- == 0;
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

void *__wrap_calloc(size_t nmemb, size_t n)
{
	return fail_now() ? NULL : __real_calloc(nmemb, n);
}

char *__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

/* The last error on the helpers' context mentions what. */
static void assert_errmsg(const char *what)
{
	const char *m = fw_ctx_errmsg(tctx());

	ck_assert_msg(m && strstr(m, what), "error message '%s' lacks '%s'", m ? m : "(none)", what);
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void hist_check(const struct rp_trace *t, const uint64_t *ts, size_t n)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < RP_BINS; i++)
		sum += t->all.bins[i];
	ck_assert_uint_eq(sum, n);
	/* Every timestamp's bin is inside the grid. */
	for (size_t i = 0; i < n; i++) {
		uint64_t idx = ts[i] >> t->all.shift;

		ck_assert(idx >= t->all.base && idx - t->all.base < RP_BINS);
	}
}

static void add_event(struct rp_trace *t, uint64_t ts, const char *msg)
{
	struct trace_event ev = { .timestamp = ts, .source = TRACE_SOURCE_TEXT, .text = msg };

	ck_assert_int_eq(rp_trace_add(tctx(), t, &ev, msg), 0);
}

START_TEST(test_histogram)
{
	static uint64_t ts[20000];
	uint64_t s = 88172645463325252ull;
	struct rp_trace t;

	/* Growing upwards, downwards and at random, over a 53-bit range. */
	ck_assert_int_eq(rp_trace_init(tctx(), &t), 0);
	for (size_t i = 0; i < 20000; i++) {
		ts[i] = i < 5000 ? 1000000 + i * 7 : i < 10000 ? 1000000 - (i - 5000) * 3 :
			rng(&s) & ((1ull << 53) - 1);
		add_event(&t, ts[i], "m");
	}
	hist_check(&t, ts, 20000);
	ck_assert_uint_eq(t.events, 20000);
	ck_assert_uint_eq(t.lanes[0].events, 20000);
	rp_trace_release(&t);

	/* A single timestamp stays in one bin of width 1. */
	ck_assert_int_eq(rp_trace_init(tctx(), &t), 0);
	for (size_t i = 0; i < 100; i++) {
		ts[i] = 42;
		add_event(&t, 42, "m");
	}
	hist_check(&t, ts, 100);
	ck_assert_uint_eq(t.all.shift, 0);
	/* Coarsening keeps the counts. */
	rp_hist_coarsen(&t.all, 10, 0);
	ck_assert_uint_eq(t.all.bins[0], 100);
	rp_trace_release(&t);
}
END_TEST

START_TEST(test_trace_aggregate)
{
	struct rp_trace t;
	char msg[128];

	ck_assert_int_eq(rp_trace_init(tctx(), &t), 0);
	for (unsigned i = 0; i < 1000; i++) {
		if (i == 500)
			snprintf(msg, sizeof(msg), "[irisc1] health: assert in irisc %u", i);
		else
			snprintf(msg, sizeof(msg), "[%s] port %u: link up, speed 0x%x", i % 2 ? "nic" : "irisc1",
				 i, i * 3);
		add_event(&t, 1000 + i, msg);
	}
	ck_assert_uint_eq(t.events, 1000);
	ck_assert_uint_eq(t.n_lanes, 2);
	ck_assert(t.have_fatal);
	ck_assert_uint_eq(t.n_context, 2 * REPORT_FATAL_CONTEXT + 1);
	ck_assert_uint_eq(t.fatal_index, REPORT_FATAL_CONTEXT);
	ck_assert(strstr(t.context[t.fatal_index].text, "assert") != NULL);
	ck_assert_uint_eq(t.context[0].seq, 500 - REPORT_FATAL_CONTEXT);
	ck_assert_uint_eq(t.context[t.n_context - 1].seq, 500 + REPORT_FATAL_CONTEXT);
	ck_assert_uint_eq(t.n_listed, REPORT_MAX_EVENTS_LISTED);
	rp_trace_sort_formats(&t);
	/* Numbers become '#', the lane tag stays. */
	ck_assert_uint_eq(t.n_formats, 3);
	ck_assert_str_eq(t.formats[0].key, "[nic] port #: link up, speed #");
	ck_assert_uint_eq(t.formats[0].count, 500);
	ck_assert_str_eq(t.formats[1].key, "[irisc1] port #: link up, speed #");
	ck_assert_uint_eq(t.formats[1].count, 499);
	ck_assert_str_eq(t.formats[2].key, "[irisc1] health: assert in irisc #");
	rp_trace_release(&t);
}
END_TEST

/* With a primary source, the others are drawn in lanes of their own and
 * not counted by format. */
START_TEST(test_trace_primary)
{
	struct rp_trace t;

	ck_assert_int_eq(rp_trace_init(tctx(), &t), 0);
	t.primary = TRACE_SOURCE_RING;
	for (unsigned i = 0; i < 10; i++) {
		struct trace_event ring = { .timestamp = i, .source = TRACE_SOURCE_RING,
					    .format = "[nic] port %u up" };
		struct trace_event text = { .timestamp = i, .source = TRACE_SOURCE_TEXT };

		ck_assert_int_eq(rp_trace_add(tctx(), &t, &ring, "[nic] port 1 up"), 0);
		ck_assert_int_eq(rp_trace_add(tctx(), &t, &text, "[nic] port 1 up"), 0);
	}
	ck_assert_uint_eq(t.events, 20);
	ck_assert_uint_eq(t.counted, 10);
	ck_assert_uint_eq(t.n_lanes, 2);
	ck_assert_str_eq(t.lanes[0].name, "nic");
	ck_assert_str_eq(t.lanes[1].name, "nic (tracefs)");
	ck_assert_uint_eq(t.n_formats, 1);
	ck_assert_uint_eq(t.formats[0].count, 10);
	rp_trace_release(&t);
}
END_TEST

START_TEST(test_formats_bounded)
{
	struct rp_trace t;
	char msg[64];

	/* More distinct formats than the table holds: the rest is counted. */
	ck_assert_int_eq(rp_trace_init(tctx(), &t), 0);
	for (unsigned i = 0; i < REPORT_MAX_FORMATS + 100; i++) {
		struct trace_event ev = { .timestamp = i, .source = TRACE_SOURCE_RING };

		snprintf(msg, sizeof(msg), "format %c%c%c", 'a' + i % 26, 'a' + i / 26 % 26, 'a' + i / 676);
		ev.format = msg;
		ck_assert_int_eq(rp_trace_add(tctx(), &t, &ev, msg), 0);
	}
	ck_assert_uint_eq(t.n_formats, REPORT_MAX_FORMATS);
	ck_assert(t.formats_approx);
	ck_assert_uint_eq(t.other_format_events, 100);
	rp_trace_release(&t);
}
END_TEST

static void raw(struct rp_capture *c, const char *reg, const char *field, uint32_t v)
{
	struct regs_field f = { .reg = reg, .field = field, .type = REGCAT_UINT, .value = v, .width = 32 };

	ck_assert_int_eq(rp_regs_add(tctx(), c, "reg.x", &f), 0);
}

START_TEST(test_regs_view)
{
	struct rp_capture c;
	struct rp_change ch = { .what = (char *)"PPCNT.a_frames_low", .a = (char *)"1", .b = (char *)"2" };
	struct rp_field *f;
	size_t n;

	memset(&c, 0, sizeof(c));
	raw(&c, "PPCNT", "a_frames_high", 1);
	raw(&c, "PPCNT", "a_frames_low", 2);
	raw(&c, "PPCNT", "lonely_high", 7);   /* no low half: shown as it is */
	raw(&c, "MTMP", "temperature", 0xfff0);
	raw(&c, "MTMP", "max_temperature", 363);
	raw(&c, "MTCAP", "sensor_map_63_32", 0);
	raw(&c, "MTCAP", "sensor_map_31_0", 5);
	c.ch_fields = &ch;
	c.n_ch_fields = 1;
	ck_assert_int_eq(rp_regs_view(tctx(), &c, &f, &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(f[0].name, "a_frames");
	ck_assert_str_eq(f[0].value, "4294967298");
	ck_assert(f[0].changed);
	ck_assert_str_eq(f[0].before, "4294967297");
	ck_assert_str_eq(f[0].delta, "+1");
	ck_assert_str_eq(f[1].name, "lonely_high");
	ck_assert_str_eq(f[2].value, "-2 \xc2\xb0""C");
	ck_assert_str_eq(f[3].value, "45.375 \xc2\xb0""C");
	ck_assert_str_eq(f[4].name, "sensor_map");
	ck_assert_str_eq(f[4].value, "5");
	ck_assert(!f[4].changed);
	free(f);
	c.ch_fields = NULL;
	c.n_ch_fields = 0;
	rp_regs_release(&c);
}
END_TEST

/* Out of memory keeping or viewing register fields: -ENOMEM with a
 * message naming the field, and what was kept before stays. */
START_TEST(test_regs_nomem)
{
	struct regs_field t = { .reg = "MTMP", .field = "temperature", .type = REGCAT_UINT,
				.value = 360, .width = 16 };
	struct rp_capture c;
	struct rp_field *f = NULL;
	size_t n = 0;

	memset(&c, 0, sizeof(c));
	tctx();   /* made before any allocation fails */
	fail_in = 0;   /* growing the array */
	ck_assert_int_eq(rp_regs_add(tctx(), &c, "reg.MTMP", &t), -ENOMEM);
	assert_errmsg("out of memory keeping register field 1 (MTMP.temperature)");
	fail_in = 1;   /* the value's text */
	ck_assert_int_eq(rp_regs_add(tctx(), &c, "reg.MTMP", &t), -ENOMEM);
	assert_errmsg("out of memory keeping the text of MTMP.temperature");
	fail_in = -1;
	ck_assert_uint_eq(c.n_regraw, 0);
	raw(&c, "MTMP", "temperature", 360);
	raw(&c, "PPCNT", "a_frames_high", 1);
	ck_assert_uint_eq(c.n_regraw, 2);

	fail_in = 0;   /* the joined-halves marks */
	ck_assert_int_eq(rp_regs_view(tctx(), &c, &f, &n), -ENOMEM);
	assert_errmsg("out of memory viewing 2 register fields");
	fail_in = 1;   /* the array of shown fields */
	ck_assert_int_eq(rp_regs_view(tctx(), &c, &f, &n), -ENOMEM);
	assert_errmsg("out of memory viewing register field 1 of 2");
	fail_in = -1;
	ck_assert_ptr_null(f);
	ck_assert_int_eq(rp_regs_view(tctx(), &c, &f, &n), 0);
	ck_assert_uint_eq(n, 2);
	free(f);

	/* The page of a capture stops at the registers with the error, not
	 * "No register was decoded". */
	{
		struct rp_out *o = malloc(sizeof(*o));
		char *buf = NULL;
		size_t len = 0;
		FILE *mf = open_memstream(&buf, &len);

		ck_assert_ptr_nonnull(o);
		ck_assert_ptr_nonnull(mf);
		c.created = (char *)"2026-12-06 05:00:00";
		rp_init(o, mf);
		fail_in = 0;
		ck_assert_int_eq(rp_capture_write(tctx(), o, &c, 1, false), -ENOMEM);
		fail_in = -1;
		assert_errmsg("out of memory viewing 2 register fields");
		rp_flush(o);
		fclose(mf);
		ck_assert_ptr_null(strstr(buf, "No register was decoded"));
		ck_assert_ptr_null(strstr(buf, "</section>"));
		free(buf);
		free(o);
		c.created = NULL;
	}
	rp_regs_release(&c);
}
END_TEST

/* A bundle with one artifact of kind: size bytes, device_frequency_khz at
 * byte 156 when it fits. */
static void make_bundle_kind(struct fw_ctx *ctx, const char *path, const char *kind, uint32_t khz,
			     size_t size)
{
	struct bundle_writer *w;
	struct bundle_header h = { .host = "h", .reason = "r" };
	struct bundle_artifact a = { .kind = kind, .interface = "emu" };
	uint8_t cap[4096] = { 0 };

	cap[156] = (uint8_t)(khz >> 24);
	cap[157] = (uint8_t)(khz >> 16);
	cap[158] = (uint8_t)(khz >> 8);
	cap[159] = (uint8_t)khz;
	tu_assert_ok(ctx, bundle_writer_new(ctx, path, NULL, &w));
	tu_assert_ok(ctx, bundle_writer_set_header(w, &h));
	tu_assert_ok(ctx, bundle_writer_add(w, &a, cap, size));
	tu_assert_ok(ctx, bundle_writer_commit(w, NULL));
	bundle_writer_free(w);
}

/* No usable device clock: -ENOENT and the reason on the context. */
START_TEST(test_bundle_clock)
{
	static const struct {
		const char *kind;
		uint32_t khz;
		size_t size;
		int ret;
		const char *msg;
	} cases[] = {
		{ "hca.caps.GENERAL", 156250, 4096, 0, NULL },
		{ "hca.caps.GENERAL", 0, 4096, -ENOENT, "device_frequency_khz is 0" },
		{ "hca.caps.GENERAL", 1000, 100, -ENOENT,
		  "holds 100 bytes, device_frequency_khz ends at byte 160" },
		{ "hca.caps.ETHERNET", 1000, 4096, -ENOENT, "hca.caps.GENERAL is not in the bundle" },
	};
	struct fw_ctx *ctx;

	tu_tmpdir_enter();
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bundle *b;
		uint32_t khz = 7;

		make_bundle_kind(ctx, "c.tar.zst", cases[i].kind, cases[i].khz, cases[i].size);
		tu_assert_ok(ctx, bundle_open(ctx, "c.tar.zst", &b));
		ck_assert_int_eq(report_bundle_clock_khz(ctx, b, &khz), cases[i].ret);
		if (cases[i].msg) {
			ck_assert_msg(strstr(fw_ctx_errmsg(ctx), cases[i].msg), "case %zu: '%s'", i,
				      fw_ctx_errmsg(ctx));
			ck_assert_uint_eq(khz, 7);
		} else {
			ck_assert_uint_eq(khz, cases[i].khz);
		}
		bundle_close(b);
		unlink("c.tar.zst");
	}
	fw_ctx_free(ctx);
	tu_tmpdir_leave();
}
END_TEST

/* A bundle with hca.caps.GENERAL saying khz, for the Chrome writer. */
static void make_bundle(struct fw_ctx *ctx, const char *path, uint32_t khz)
{
	make_bundle_kind(ctx, path, "hca.caps.GENERAL", khz, 4096);
}

START_TEST(test_chrome_window)
{
	struct fw_ctx *ctx;
	struct report_chrome *c;
	struct report_chrome_stats st;
	struct json_object *doc, *evs;
	char *buf = NULL;
	size_t len = 0, n;
	FILE *f;
	double last[8] = { 0 };
	unsigned i, late_seen = 0;

	tu_tmpdir_enter();
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	make_bundle(ctx, "b.tar.zst", 1000);  /* 1 MHz: a tick is a microsecond */
	f = open_memstream(&buf, &len);
	tu_assert_ok(ctx, report_chrome_open(ctx, "b.tar.zst", 0, f, &c));
	/* Within the window, out of order; then one far older than it. */
	for (i = 0; i < 3 * REPORT_CHROME_WINDOW; i++) {
		struct trace_event ev = { .timestamp = 1000000 + i + (i % 3 == 0 ? 5 : 0),
					  .source = TRACE_SOURCE_RING, .event_id = 0x10,
					  .lost = i == 7 };

		tu_assert_ok(ctx, report_chrome_event(c, &ev, i % 2 ? "[irisc1] a \"quoted\" msg" : "b"));
	}
	{
		struct trace_event ev = { .timestamp = 10, .source = TRACE_SOURCE_RING };

		tu_assert_ok(ctx, report_chrome_event(c, &ev, "b"));
	}
	tu_assert_ok(ctx, report_chrome_close(c, &st));
	fclose(f);
	ck_assert_uint_eq(st.events, 3 * REPORT_CHROME_WINDOW + 1);
	ck_assert_uint_eq(st.lost_markers, 1);
	ck_assert_uint_eq(st.late, 1);
	ck_assert_uint_eq(st.tracks, 2);
	ck_assert_uint_eq(st.clock_khz, 1000);
	ck_assert(st.clock_from_bundle);

	doc = json_tokener_parse(buf);
	ck_assert_ptr_nonnull(doc);
	ck_assert(json_object_object_get_ex(doc, "traceEvents", &evs));
	n = json_object_array_length(evs);
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(evs, i), *v, *args, *ticks;
		const char *ph;
		int tid;
		double ts;

		json_object_object_get_ex(e, "ph", &v);
		ph = json_object_get_string(v);
		if (!strcmp(ph, "M"))
			continue;
		json_object_object_get_ex(e, "tid", &v);
		tid = json_object_get_int(v);
		ck_assert(tid > 0 && tid < 8);
		json_object_object_get_ex(e, "ts", &v);
		ts = json_object_get_double(v);
		ck_assert_msg(ts >= last[tid], "event %u: ts %f after %f on track %d", i, ts, last[tid], tid);
		last[tid] = ts;
		json_object_object_get_ex(e, "args", &args);
		json_object_object_get_ex(args, "ticks", &ticks);
		/* One tick is one microsecond, except for the late message. */
		if (json_object_get_int64(ticks) == 10)
			late_seen++;
		else
			ck_assert(ts == (double)json_object_get_int64(ticks));
	}
	ck_assert_uint_eq(late_seen, 1);
	json_object_put(doc);
	free(buf);

	/* A clock given by the caller wins; without any, ticks are ns. */
	buf = NULL;
	f = open_memstream(&buf, &len);
	tu_assert_ok(ctx, report_chrome_open(ctx, "b.tar.zst", 3, f, &c));
	{
		struct trace_event ev = { .timestamp = 10, .source = TRACE_SOURCE_TEXT };

		tu_assert_ok(ctx, report_chrome_event(c, &ev, "x"));
	}
	tu_assert_ok(ctx, report_chrome_close(c, &st));
	fclose(f);
	ck_assert(strstr(buf, "\"ts\":3333.333,") != NULL);
	ck_assert(strstr(buf, "given by the user") != NULL);
	free(buf);
	/* A bundle that is not there: an error, nothing written. */
	buf = NULL;
	f = open_memstream(&buf, &len);
	ck_assert_int_lt(report_chrome_open(ctx, "missing.tar.zst", 0, f, &c), 0);
	fclose(f);
	ck_assert_uint_eq(len, 0);
	free(buf);
	fw_ctx_free(ctx);
	tu_tmpdir_leave();
}
END_TEST

/* More lanes than tracks: the rest share one "other" track per source. */
START_TEST(test_chrome_many_lanes)
{
	struct fw_ctx *ctx;
	struct report_chrome *c;
	struct report_chrome_stats st;
	char *buf = NULL, msg[64];
	size_t len = 0;
	FILE *f;

	tu_tmpdir_enter();
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	make_bundle(ctx, "b.tar.zst", 1000);
	f = open_memstream(&buf, &len);
	tu_assert_ok(ctx, report_chrome_open(ctx, "b.tar.zst", 0, f, &c));
	for (unsigned i = 0; i < 1000; i++) {
		struct trace_event ev = { .timestamp = i, .source = (enum trace_source)(i % 3) };

		snprintf(msg, sizeof(msg), "[lane%u] m", i);
		tu_assert_ok(ctx, report_chrome_event(c, &ev, msg));
	}
	tu_assert_ok(ctx, report_chrome_close(c, &st));
	fclose(f);
	ck_assert_uint_eq(st.tracks, 256);
	ck_assert_uint_eq(st.events, 1000);
	ck_assert(strstr(buf, "\"name\":\"other\"") != NULL);
	free(buf);
	fw_ctx_free(ctx);
	tu_tmpdir_leave();
}
END_TEST

/* Out of memory in the trace summary: -ENOMEM with a message saying where,
 * and the summary stays usable. */
START_TEST(test_trace_nomem)
{
	struct trace_event ev = { .timestamp = 1, .source = TRACE_SOURCE_TEXT, .text = "m" };
	struct rp_trace t;

	tctx();   /* made before any allocation fails */
	for (long k = 0; k < 5; k++) {
		fail_in = k;   /* each of the five tables */
		ck_assert_int_eq(rp_trace_init(tctx(), &t), -ENOMEM);
		fail_in = -1;
		assert_errmsg("out of memory for the trace summary's tables");
		ck_assert_ptr_null(t.formats);
	}
	ck_assert_int_eq(rp_trace_init(tctx(), &t), 0);
	add_event(&t, 1, "port 1 up");
	/* The key, then the example of a new format. */
	for (long k = 0; k < 2; k++) {
		fail_in = k;
		ck_assert_int_eq(rp_trace_add(tctx(), &t, &ev, "port 2 down"), -ENOMEM);
		fail_in = -1;
		assert_errmsg("out of memory keeping trace format 2 (event ");
		ck_assert_uint_eq(t.n_formats, 1);
	}
	ck_assert_int_eq(rp_trace_add(tctx(), &t, &ev, "port 2 down"), 0);
	ck_assert_uint_eq(t.n_formats, 2);
	rp_trace_release(&t);
}
END_TEST

START_TEST(test_fatal_words)
{
	ck_assert(rp_msg_is_fatal("health: assert in irisc 1"));
	ck_assert(rp_msg_is_fatal("FW FATAL error"));
	ck_assert(rp_msg_is_fatal("kernel Panic"));
	ck_assert(!rp_msg_is_fatal("port 1: link down"));
	ck_assert(!rp_msg_is_fatal(""));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("escape");

	tcase_add_test(tc, test_html_escape);
	tcase_add_test(tc, test_json_escape);
	suite_add_tcase(s, tc);
	tc = tcase_create("trace");
	tcase_add_test(tc, test_lane);
	tcase_add_test(tc, test_histogram);
	tcase_add_test(tc, test_trace_aggregate);
	tcase_add_test(tc, test_formats_bounded);
	tcase_add_test(tc, test_trace_primary);
	tcase_add_test(tc, test_fatal_words);
	tcase_add_test(tc, test_trace_nomem);
	suite_add_tcase(s, tc);
	tc = tcase_create("regs");
	tcase_add_test(tc, test_regs_view);
	tcase_add_test(tc, test_regs_nomem);
	suite_add_tcase(s, tc);
	tc = tcase_create("chrome");
	tcase_add_test(tc, test_chrome_window);
	tcase_add_test(tc, test_chrome_many_lanes);
	tcase_add_test(tc, test_bundle_clock);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
