/* SPDX-License-Identifier: MIT */
/* store-util: fixture and helpers of the store's Check suites. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-util.h"

struct fw_ctx *ctx;

void su_setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	tu_tmpdir_enter();
}

void su_teardown(void)
{
	tu_tmpdir_leave();
	fw_ctx_free(ctx);
}

int64_t query_int(struct store *s, const char *sql)
{
	struct store_query *q;
	int64_t v;

	tu_assert_ok(ctx, store_query_prepare(s, sql, &q));
	ck_assert_int_eq(store_query_step(q), 1);
	v = store_query_column_int(q, 0);
	store_query_free(q);
	return v;
}

char *query_text(struct store *s, const char *sql)
{
	struct store_query *q;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r;

	tu_assert_ok(ctx, store_query_prepare(s, sql, &q));
	while ((r = store_query_step(q)) == 1) {
		for (int i = 0; i < store_query_column_count(q); i++) {
			const char *t = store_query_column_text(q, i);

			fprintf(f, "%s%s", i ? "|" : "", t ? t : "NULL");
		}
		fputc('\n', f);
	}
	tu_assert_ok(ctx, r);
	store_query_free(q);
	fclose(f);
	return buf;
}


void fake_bundle(struct fake_bundle *fb, uint8_t n, const char *serial, const char *fw)
{
	memset(fb, 0, sizeof(*fb));
	fb->h.format_version = 1;
	memset(fb->h.uuid, n, sizeof(fb->h.uuid));
	fb->h.created_ns = 1700000000000000000ull + n * 1000000000ull;
	fb->h.host = "host1";
	fb->h.fwbox_version = "0.1.0";
	fb->h.reason = "test";
	fb->d.pci = "0000:08:00.0";
	fb->d.vendor_id = 0x15b3;
	fb->d.device_id = 0x101d;
	fb->d.fw_version = fw;
	fb->d.psid = "MT_0000000359";
	fb->d.serial = serial;
	fb->info.header = &fb->h;
	fb->info.device = &fb->d;
	memset(fb->info.sha256, n, sizeof(fb->info.sha256));
	fb->info.file = "bundle.tar.zst";
	fb->info.file_size = 1234;
}

void add_artifact(struct store_load *l, const char *kind, enum bundle_outcome o,
			 const char *reason)
{
	struct bundle_artifact a = {
		.path = kind,
		.kind = kind,
		.size = 10,
		.outcome = o,
		.reason = reason,
		.interface = "emu",
	};

	tu_assert_ok(ctx, store_load_artifact(l, &a));
}

void add_event(struct store_load *l, uint64_t ts, const char *fmt, unsigned n,
		      uint32_t p0, uint32_t p1)
{
	struct store_trace_event ev = {
		.timestamp = ts,
		.event_id = 3,
		.tmsn = 17,
		.format = fmt,
		.nparams = n,
		.params = { p0, p1 },
	};

	tu_assert_ok(ctx, store_load_trace(l, &ev));
}

void load_pair(struct store *s)
{
	struct fake_bundle fb;
	struct store_load *l;
	uint32_t words[2048];
	struct store_load_stats st;

	for (uint32_t i = 0; i < 2048; i++)
		words[i] = i * 3;

	fake_bundle(&fb, 1, "MT2001X00001", "16.35.1012");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	add_artifact(l, "reg.MGIR", BUNDLE_OUTCOME_OK, "");
	add_artifact(l, "crspace", BUNDLE_OUTCOME_OK, "");
	add_event(l, 100, "link up on port %d", 1, 1, 0);
	add_event(l, 110, "cmd 0x%x done, syndrome 0x%x", 2, 0x806, 0);
	add_event(l, 120, "link up on port %d", 1, 2, 0);
	tu_assert_ok(ctx, store_load_register_field(l, "MGIR", 0, "fw_version", 0x10, NULL));
	tu_assert_ok(ctx, store_load_register_text(l, "MGIR", 0, "psid", "MT_1"));
	/* A second value for the same field is ignored, not an error. */
	tu_assert_ok(ctx, store_load_register_field(l, "MGIR", 0, "fw_version", 0x99, NULL));
	tu_assert_ok(ctx, store_load_register_field(l, "PDDR", 1, "phy_state", 3, "active"));
	tu_assert_ok(ctx, store_load_crspace(l, "crspace", 0, words, 2048));
	tu_assert_ok(ctx, store_load_health(l, "fw", "state", "healthy"));
	tu_assert_ok(ctx, store_load_commit(l, &st));
	ck_assert_uint_eq(st.trace_events, 3);
	ck_assert_uint_eq(st.trace_formats, 2);
	ck_assert_uint_eq(st.crspace_words, 2048);

	fake_bundle(&fb, 2, "MT2001X00001", "16.35.2000");
	words[5] = 0xdeadbeef;
	words[1500] = 0;
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	add_artifact(l, "reg.MGIR", BUNDLE_OUTCOME_OK, "");
	add_artifact(l, "crspace", BUNDLE_OUTCOME_FAILED, "timed out after 60 s");
	add_event(l, 200, "link up on port %d", 1, 1, 0);
	add_event(l, 210, "FW assert at 0x%08x", 1, 0xabc, 0);
	add_event(l, 220, "FW assert at 0x%08x", 1, 0xdef, 0);
	tu_assert_ok(ctx, store_load_register_field(l, "MGIR", 0, "fw_version", 0x11, NULL));
	tu_assert_ok(ctx, store_load_register_text(l, "MGIR", 0, "psid", "MT_2"));
	tu_assert_ok(ctx, store_load_register_field(l, "PDDR", 1, "phy_state", 3, "active"));
	tu_assert_ok(ctx, store_load_crspace(l, "crspace", 0, words, 2048));
	tu_assert_ok(ctx, store_load_commit(l, &st));
	ck_assert_uint_eq(st.trace_formats, 1);
}
