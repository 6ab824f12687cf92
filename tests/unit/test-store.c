/* SPDX-License-Identifier: MIT */
/* Check suite for src/store: schema, loading, idempotency, queries, diff. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static struct fw_ctx *ctx;
/* The history the back-end-neutral tests use: "h.db" (SQLite), or in the
 * "store-pg" case a fresh database of the throwaway PostgreSQL cluster
 * whose socket folder is $FWBOX_TEST_PG_HOST (tests/unit/run-test-store-pg.sh). */
static const char *db = "h.db";
static char *pgdb;
static bool pg;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	tu_tmpdir_enter();
}

/* One database per test (each test runs in its own process). */
static void setup_pg(void)
{
	const char *host = getenv("FWBOX_TEST_PG_HOST");
	char cmd[512];

	setup();
	ck_assert_ptr_nonnull(host);
	snprintf(cmd, sizeof(cmd), "PSQLRC=/dev/null psql -X -q -v ON_ERROR_STOP=1 "
		 "-h '%s' -U fwbox -d postgres -c 'CREATE DATABASE t%d' >/dev/null", host,
		 (int)getpid());
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_ge(asprintf(&pgdb, "host=%s user=fwbox dbname=t%d", host, (int)getpid()), 0);
	db = pgdb;
	pg = true;
}

static void teardown(void)
{
	tu_tmpdir_leave();
	fw_ctx_free(ctx);
	free(pgdb);
	pgdb = NULL;
}

/* ------------------------------------------------------------ helpers */

static int64_t query_int(struct store *s, const char *sql)
{
	struct store_query *q;
	int64_t v;

	tu_assert_ok(ctx, store_query_prepare(s, sql, &q));
	ck_assert_int_eq(store_query_step(q), 1);
	v = store_query_column_int(q, 0);
	store_query_free(q);
	return v;
}

/* All rows of a query as "a|b|c\n" lines (malloc'd). */
static char *query_text(struct store *s, const char *sql)
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

struct fake_bundle {
	struct bundle_header h;
	struct bundle_device d;
	struct store_bundle_info info;
};

static void fake_bundle(struct fake_bundle *fb, uint8_t n, const char *serial, const char *fw)
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

static void add_artifact(struct store_load *l, const char *kind, enum bundle_outcome o,
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

static void add_event(struct store_load *l, uint64_t ts, const char *fmt, unsigned n,
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

/* Bundle A (n=1) and B (n=2) of the same card: B has a new firmware,
 * a changed register field, two changed CR-space words, a new trace format
 * and a step that failed. */
static void load_pair(struct store *s)
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

/* ------------------------------------------------------------ tests */

START_TEST(test_open_schema)
{
	struct store *s;
	char *path, *t;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	ck_assert_int_eq(store_schema_version(s), store_schema_latest());
	ck_assert_int_ge(store_schema_latest(), 1);
	t = query_text(s, "PRAGMA journal_mode");
	ck_assert_str_eq(t, "wal\n");
	free(t);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM sqlite_schema WHERE name IN "
				   "('bundles','devices','artifacts','trace_events',"
				   "'register_fields','crspace_words','segments','health',"
				   "'trace_formats_fts','fw_history','failed_steps',"
				   "'latest_capture')"), 12);
	store_close(s);
	/* Reopening applies nothing twice. */
	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	ck_assert_int_eq(store_schema_version(s), store_schema_latest());
	store_close(s);
	/* Read-only never creates a file. */
	ck_assert_int_lt(store_open(ctx, "absent.db", STORE_OPEN_READONLY, &s), 0);
	ck_assert_int_ne(access("absent.db", F_OK), 0);

	setenv("FWBOX_DB", "/x/y.db", 1);
	tu_assert_ok(ctx, store_default_path(ctx, false, &path));
	ck_assert_str_eq(path, "/x/y.db");
	free(path);
	unsetenv("FWBOX_DB");
	setenv("XDG_DATA_HOME", tu_tmpdir_enter(), 1);
	tu_assert_ok(ctx, store_default_path(ctx, true, &path));
	ck_assert_ptr_nonnull(strstr(path, "/fwbox/history.db"));
	*strrchr(path, '/') = '\0';
	ck_assert_int_eq(access(path, F_OK), 0);
	free(path);
	unsetenv("XDG_DATA_HOME");
}
END_TEST

START_TEST(test_load_and_views)
{
	struct store *s;
	char *t;

	tu_assert_ok(ctx, store_open(ctx, db, 0, &s));
	load_pair(s);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM bundles"), 2);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM devices"), 1);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_events"), 6);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM crspace_words"), 4096);
	ck_assert_int_eq(query_int(s, "SELECT value FROM crspace_words WHERE bundle = 2 "
				   "AND address = 20 AND source = 'crspace'"), 0xdeadbeef);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_events WHERE source = 'ring'"), 6);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM register_fields"), 6);
	t = query_text(s, "SELECT bundle, f.text, events, first_event FROM trace_bundle_formats bf "
		       "JOIN trace_formats f ON f.id = bf.fmt ORDER BY bundle, f.text");
	/* first_event: the event's id (SQLite), its seq in the bundle
	 * (PostgreSQL). */
	ck_assert_str_eq(t, pg ? "1|cmd 0x%x done, syndrome 0x%x|1|1\n"
				 "1|link up on port %d|2|0\n"
				 "2|FW assert at 0x%08x|2|1\n"
				 "2|link up on port %d|1|0\n"
			       : "1|cmd 0x%x done, syndrome 0x%x|1|2\n"
				 "1|link up on port %d|2|1\n"
				 "2|FW assert at 0x%08x|2|5\n"
				 "2|link up on port %d|1|4\n");
	free(t);

	t = query_text(s, "SELECT bundle, seq, timestamp, lost, event_id, tmsn, message, parameters "
		       "FROM trace_events ORDER BY bundle, seq");
	ck_assert_str_eq(t, "1|0|100|0|3|17|link up on port 1|[1]\n"
			    "1|1|110|0|3|17|cmd 0x806 done, syndrome 0x0|[2054,0]\n"
			    "1|2|120|0|3|17|link up on port 2|[2]\n"
			    "2|0|200|0|3|17|link up on port 1|[1]\n"
			    "2|1|210|0|3|17|FW assert at 0x00000abc|[2748]\n"
			    "2|2|220|0|3|17|FW assert at 0x00000def|[3567]\n");
	free(t);
	t = query_text(s, "SELECT fw_version, changed, first FROM fw_history");
	ck_assert_str_eq(t, "16.35.1012|0|1\n16.35.2000|1|0\n");
	free(t);
	t = query_text(s, "SELECT kind, outcome, reason FROM failed_steps");
	ck_assert_str_eq(t, "crspace|failed|timed out after 60 s\n");
	free(t);
	t = query_text(s, "SELECT fw_version, outcome FROM latest_capture");
	ck_assert_str_eq(t, "16.35.2000|partial\n");
	free(t);
	t = query_text(s, "SELECT outcome FROM bundles ORDER BY id");
	ck_assert_str_eq(t, "ok\npartial\n");
	free(t);
	/* FTS5 on the message text; PostgreSQL's own full-text search. */
	t = query_text(s, pg ? "SELECT message FROM trace_events WHERE format IN (SELECT id FROM "
			       "trace_formats WHERE to_tsvector('simple', text) @@ "
			       "websearch_to_tsquery('simple', 'assert')) ORDER BY seq"
			     : "SELECT message FROM trace_events WHERE format IN (SELECT rowid FROM "
			       "trace_formats_fts WHERE trace_formats_fts MATCH 'assert') ORDER BY seq");
	ck_assert_str_eq(t, "FW assert at 0x00000abc\nFW assert at 0x00000def\n");
	free(t);
	store_close(s);
}
END_TEST

/* Parameters of 2^31 and more render as the kernel prints them: %d and %i
 * as a signed 32-bit int, %u, %x and %ld as unsigned 32-bit; a '*' width
 * takes a parameter too. */
START_TEST(test_signed_params)
{
	struct store_trace_event ev = {
		.timestamp = 1,
		.format = "a %d b %u c %x d %i e %*d f %ld",
		.nparams = 7,
		.params = { 0x80000001u, 0xfffffffeu, 0xffffffffu, 0xfffffff0u, 3, 0x80000000u,
			    0x90000000u },
	};
	struct fake_bundle fb;
	struct store_load *l;
	struct store_load_stats st;
	struct store *s;
	char *t;

	tu_assert_ok(ctx, store_open(ctx, db, 0, &s));
	fake_bundle(&fb, 1, "MT2001X00001", "16.35.1012");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	tu_assert_ok(ctx, store_load_trace(l, &ev));
	tu_assert_ok(ctx, store_load_commit(l, &st));
	t = query_text(s, "SELECT message FROM trace_events");
	ck_assert_str_eq(t, "a -2147483647 b 4294967294 c ffffffff d -16 e -2147483648 "
			    "f 2415919104\n");
	free(t);
	store_close(s);
}
END_TEST

START_TEST(test_idempotent)
{
	struct fake_bundle fb;
	struct store_load *l = NULL;
	struct store *s;

	tu_assert_ok(ctx, store_open(ctx, db, 0, &s));
	load_pair(s);
	/* Same bundle again: no-op. */
	fake_bundle(&fb, 1, "MT2001X00001", "16.35.1012");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_ALREADY);
	ck_assert_ptr_null(l);
	/* Same UUID, other file hash (e.g. recompressed): still the same bundle. */
	memset(fb.info.sha256, 0x77, sizeof(fb.info.sha256));
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_ALREADY);
	/* Same file hash, other UUID. */
	fake_bundle(&fb, 2, "MT2001X00001", "x");
	memset(fb.h.uuid, 0x55, sizeof(fb.h.uuid));
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_ALREADY);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM bundles"), 2);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_ev"), 6);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM devices"), 1);
	store_close(s);
}
END_TEST

START_TEST(test_abort_leaves_nothing)
{
	struct fake_bundle fb;
	struct store_load *l;
	struct store *s;

	tu_assert_ok(ctx, store_open(ctx, db, 0, &s));
	fake_bundle(&fb, 9, NULL, "1.2.3");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	add_artifact(l, "trace.ring", BUNDLE_OUTCOME_OK, "");
	for (int i = 0; i < 1000; i++)
		add_event(l, (uint64_t)i, "tick %d", 1, (uint32_t)i, 0);
	/* As when the stream's verification fails: roll back. */
	store_load_free(l);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM bundles"), 0);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_ev"), 0);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_formats"), 0);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM devices"), 0);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM artifacts"), 0);
	/* An inconsistent image (one address twice) is refused; the load is
	 * dropped and leaves nothing either. */
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	add_event(l, 1, "tick %d", 1, 1, 0);
	tu_assert_ok(ctx, store_load_crspace(l, "crspace", 0, (const uint32_t[]){ 1, 2 }, 2));
	tu_assert_ok(ctx, store_load_crspace(l, "fw_fatal", 0, (const uint32_t[]){ 1, 2 }, 2));
	ck_assert_int_eq(store_load_crspace(l, "crspace", 4, (const uint32_t[]){ 3 }, 1), -EBADMSG);
	store_load_free(l);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM bundles"), 0);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM crspace_chunks"), 0);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_ev"), 0);
	/* And it loads afterwards, into the same id range. */
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	for (int i = 0; i < 600; i++)
		add_event(l, (uint64_t)i, "tick %d", 1, (uint32_t)i, 0);
	tu_assert_ok(ctx, store_load_commit(l, NULL));
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_events"), 600);
	/* 600 events: blocks of 256, 256 and 88 (SQLite only: PostgreSQL
	 * indexes (bundle, ts) instead). */
	if (!pg) {
		ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_blocks"), 3);
		ck_assert_int_eq(query_int(s, "SELECT sum(id_hi - id_lo + 1) FROM trace_blocks"),
				 600);
	}
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM devices WHERE identity = "
				   "'pci:host1:0000:08:00.0:MT_0000000359'"), 1);
	store_close(s);
}
END_TEST

START_TEST(test_query_readonly)
{
	struct store_query *q = NULL;
	struct store *s;

	tu_assert_ok(ctx, store_open(ctx, db, 0, &s));
	load_pair(s);
	store_close(s);

	tu_assert_ok(ctx, store_open(ctx, db, STORE_OPEN_READONLY, &s));
	if (pg) {
		/* The READ ONLY transaction refuses it when it runs. */
		tu_assert_ok(ctx, store_query_prepare(s, "DELETE FROM trace_ev", &q));
		ck_assert_int_eq(store_query_step(q), -EPERM);
		store_query_free(q);
		q = NULL;
	} else {
		ck_assert_int_eq(store_query_prepare(s, "DELETE FROM trace_ev", &q), -EPERM);
		ck_assert_ptr_null(q);
	}
	ck_assert_int_eq(store_query_prepare(s, "SELECT 1; DELETE FROM trace_ev", &q), -EINVAL);
	ck_assert_int_lt(store_query_prepare(s, "SELEC 1", &q), 0);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_ev"), 6);
	store_close(s);
}
END_TEST

START_TEST(test_named_queries)
{
	const struct store_named_query *nq;
	struct store_query *q;
	struct store *s;
	char *t;
	int n = 0, r;

	tu_assert_ok(ctx, store_open(ctx, db, 0, &s));
	load_pair(s);
	/* Every named query prepares against the schema. */
	for (size_t i = 0; i < store_named_query_count(); i++) {
		nq = store_named_query_at(i);
		tu_assert_ok(ctx, store_query_prepare(s, nq->sql, &q));
		store_query_free(q);
	}
	nq = store_named_query_find("trace-search");
	ck_assert_ptr_nonnull(nq);
	tu_assert_ok(ctx, store_query_prepare(s, nq->sql, &q));
	ck_assert_int_eq(store_query_param_count(q), 1);
	tu_assert_ok(ctx, store_query_bind_text(q, 1, "link"));
	while ((r = store_query_step(q)) == 1)
		n++;
	tu_assert_ok(ctx, r);
	ck_assert_int_eq(n, 3);
	store_query_free(q);

	nq = store_named_query_find("trace-cards");
	tu_assert_ok(ctx, store_query_prepare(s, nq->sql, &q));
	tu_assert_ok(ctx, store_query_bind_text(q, 1, "link"));
	ck_assert_int_eq(store_query_step(q), 1);
	/* device is the card's id, identity its text (one meaning per column). */
	ck_assert_int_eq(store_query_column_int(q, 0), 1);
	ck_assert_str_eq(store_query_column_text(q, 1), "sn:MT_0000000359:MT2001X00001");
	ck_assert_int_eq(store_query_column_int(q, 2), 2);
	ck_assert_int_eq(store_query_column_int(q, 3), 3);
	ck_assert_int_eq(store_query_step(q), 0);
	store_query_free(q);

	nq = store_named_query_find("trace-window");
	tu_assert_ok(ctx, store_query_prepare(s, nq->sql, &q));
	tu_assert_ok(ctx, store_query_bind_int(q, 1, 1));
	tu_assert_ok(ctx, store_query_bind_int(q, 2, 110));
	tu_assert_ok(ctx, store_query_bind_int(q, 3, 210));
	n = 0;
	while ((r = store_query_step(q)) == 1) {
		ck_assert_int_ge(store_query_column_int(q, 3), 110);
		n++;
	}
	ck_assert_int_eq(n, 4);
	store_query_free(q);
	ck_assert_ptr_null(store_named_query_find("no-such"));

	t = query_text(s, store_named_query_find("fw-changes")->sql);
	ck_assert_ptr_nonnull(strstr(t, "16.35.2000"));
	/* The first capture is no update. */
	ck_assert_ptr_null(strstr(t, "16.35.1012"));
	free(t);
	store_close(s);
}
END_TEST

static int diff_field(void *u, const struct store_diff_field *f)
{
	fprintf(u, "field %s[%u].%s %s -> %s\n", f->reg, f->instance, f->field,
		f->a ? f->a : "-", f->b ? f->b : "-");
	return 0;
}

static int diff_word(void *u, const struct store_diff_word *w)
{
	fprintf(u, "word 0x%llx %08x -> %08x\n", (unsigned long long)w->address, w->a, w->b);
	return 0;
}

static int diff_message(void *u, const struct store_diff_message *m)
{
	/* The formats new in B; those gone from B: test-store-diff.c. */
	if (m->change == STORE_DIFF_GONE)
		return 0;
	fprintf(u, "message '%s' x%llu e.g. '%s'\n", m->format, (unsigned long long)m->count,
		m->example);
	return 0;
}

static int diff_step(void *u, const struct store_diff_step *d)
{
	fprintf(u, "step %s %s -> %s (%s)\n", d->kind, d->a ? d->a : "-", d->b ? d->b : "-",
		d->b_reason ? d->b_reason : "");
	return 0;
}

START_TEST(test_diff)
{
	static const struct store_diff_visitor v = {
		.field = diff_field,
		.word = diff_word,
		.message = diff_message,
		.step = diff_step,
	};
	struct store_diff_counts c;
	struct store *s;
	int64_t a, b;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	load_pair(s);
	tu_assert_ok(ctx, store_find_bundle(s, "01010101-0101-0101-0101-010101010101", &a));
	tu_assert_ok(ctx, store_find_bundle(s, "02020202", &b));
	ck_assert_int_eq(store_find_bundle(s, "03030303", &b), -ENOENT);
	ck_assert_int_eq(store_find_bundle(s, "zz", &b), -EINVAL);
	tu_assert_ok(ctx, store_find_bundle(s, "02020202", &b));
	f = open_memstream(&buf, &len);
	tu_assert_ok(ctx, store_diff(s, a, b, &v, f, &c));
	fclose(f);
	ck_assert_str_eq(buf,
			 "step crspace ok -> failed (timed out after 60 s)\n"
			 "field MGIR[0].fw_version 16 -> 17\n"
			 "field MGIR[0].psid MT_1 -> MT_2\n"
			 "word 0x14 0000000f -> deadbeef\n"
			 "word 0x1770 00001194 -> 00000000\n"
			 "message 'FW assert at 0x%08x' x2 e.g. 'FW assert at 0x00000abc'\n");
	ck_assert_uint_eq(c.steps, 1);
	ck_assert_uint_eq(c.fields, 2);
	ck_assert_uint_eq(c.words, 2);
	ck_assert_uint_eq(c.messages, 1);
	free(buf);
	/* Nothing differs from itself. */
	tu_assert_ok(ctx, store_diff(s, b, b, NULL, NULL, &c));
	ck_assert_uint_eq(c.steps + c.fields + c.words + c.messages, 0);
	store_close(s);
}
END_TEST

static int diff_segment(void *u, const struct store_diff_segment *g)
{
	fprintf(u, "segment %s 0x%x %s [%lld,%lld] #%llu", g->dump, g->type, g->name ? g->name : "-",
		(long long)g->index1, (long long)g->index2, (unsigned long long)g->nth);
	fprintf(u, g->has_a ? " %llu" : " -", (unsigned long long)g->a_size);
	fprintf(u, g->has_b ? " -> %llu\n" : " -> -\n", (unsigned long long)g->b_size);
	return 0;
}

/* Segments are matched by dump, type, indexes and their order among equal
 * keys; the previous capture of a card is the one made just before. */
START_TEST(test_diff_segments_previous)
{
	static const struct store_diff_visitor v = { .segment = diff_segment };
	struct store_diff_counts c;
	struct fake_bundle fb;
	struct store_load *l;
	struct store *s;
	int64_t id[4], prev;
	char *buf = NULL, *uuid = NULL, *created = NULL, *file = NULL;
	size_t len = 0;
	FILE *f;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	/* n=1 and n=3: the same card; n=2: another card, between them. */
	fake_bundle(&fb, 1, "MT2001X00001", "16.35.1012");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	tu_assert_ok(ctx, store_load_segment(l, "resdump.X", 0x1000, "QP", 0, 0, "aaaa", 4));
	tu_assert_ok(ctx, store_load_segment(l, "resdump.X", 0x1000, "QP", 0, 0, "bbbb", 4));
	tu_assert_ok(ctx, store_load_segment(l, "resdump.X", 0x2000, "CQ", 1, 2, "cccc", 4));
	tu_assert_ok(ctx, store_load_commit(l, NULL));
	fake_bundle(&fb, 2, "MT2001X00002", "16.35.1012");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	tu_assert_ok(ctx, store_load_commit(l, NULL));
	fake_bundle(&fb, 3, "MT2001X00001", "16.35.2000");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	tu_assert_ok(ctx, store_load_segment(l, "resdump.X", 0x1000, "QP", 0, 0, "aaaa", 4));
	tu_assert_ok(ctx, store_load_segment(l, "resdump.X", 0x1000, "QP", 0, 0, "bbbX", 4));
	tu_assert_ok(ctx, store_load_segment(l, "resdump.X", 0x3000, "EQ", 0, 0, "dddddd", 6));
	tu_assert_ok(ctx, store_load_commit(l, NULL));
	tu_assert_ok(ctx, store_find_bundle(s, "01010101", &id[1]));
	tu_assert_ok(ctx, store_find_bundle(s, "02020202", &id[2]));
	tu_assert_ok(ctx, store_find_bundle(s, "03030303", &id[3]));

	tu_assert_ok(ctx, store_previous_capture(s, id[3], &prev));
	ck_assert_int_eq(prev, id[1]);
	ck_assert_int_eq(store_previous_capture(s, id[1], &prev), -ENOENT);
	ck_assert_int_eq(store_previous_capture(s, id[2], &prev), -ENOENT);
	tu_assert_ok(ctx, store_bundle_info(s, id[1], &uuid, &created, &file));
	ck_assert_str_eq(uuid, "01010101-0101-0101-0101-010101010101");
	ck_assert_ptr_nonnull(created);
	ck_assert_ptr_nonnull(file);
	free(uuid);
	free(created);
	free(file);
	ck_assert_int_eq(store_bundle_info(s, 999, NULL, NULL, NULL), -ENOENT);

	f = open_memstream(&buf, &len);
	tu_assert_ok(ctx, store_diff(s, id[1], id[3], &v, f, &c));
	fclose(f);
	ck_assert_str_eq(buf, "segment resdump.X 0x1000 QP [0,0] #1 4 -> 4\n"
			      "segment resdump.X 0x2000 CQ [1,2] #0 4 -> -\n"
			      "segment resdump.X 0x3000 EQ [0,0] #0 - -> 6\n");
	ck_assert_uint_eq(c.segments, 3);
	free(buf);
	tu_assert_ok(ctx, store_diff(s, id[3], id[3], NULL, NULL, &c));
	ck_assert_uint_eq(c.segments, 0);
	store_close(s);
}
END_TEST

/* PostgreSQL: the schema is made once and versioned in fwbox_schema; a
 * read-only open of a database without it is refused. */
START_TEST(test_pg_open_schema)
{
	struct store *s;

	ck_assert_int_eq(store_open(ctx, db, STORE_OPEN_READONLY, &s), -ENOENT);
	tu_assert_ok(ctx, store_open(ctx, db, 0, &s));
	ck_assert_int_ge(store_schema_version(s), 1);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM information_schema.tables WHERE "
				   "table_name IN ('bundles','devices','artifacts','trace_events',"
				   "'register_fields','crspace_words','segments','health',"
				   "'fw_history','failed_steps','latest_capture','triggers') AND "
				   "table_schema = current_schema()"), 12);
	store_close(s);
	tu_assert_ok(ctx, store_open(ctx, db, 0, &s));
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM fwbox_schema"), store_schema_version(s));
	/* What is not there yet says so. */
	ck_assert_int_eq(store_diff(s, 1, 2, NULL, NULL, NULL), -EOPNOTSUPP);
	store_close(s);
}
END_TEST

static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");
	TCase *tp;

	/* The same tests on PostgreSQL when a test cluster is there. */
	if (getenv("FWBOX_TEST_PG_HOST")) {
		tp = tcase_create("store-pg");
		tcase_add_checked_fixture(tp, setup_pg, teardown);
		tcase_set_timeout(tp, 60);
		tcase_add_test(tp, test_pg_open_schema);
		tcase_add_test(tp, test_load_and_views);
		tcase_add_test(tp, test_idempotent);
		tcase_add_test(tp, test_signed_params);
		tcase_add_test(tp, test_abort_leaves_nothing);
		tcase_add_test(tp, test_query_readonly);
		tcase_add_test(tp, test_named_queries);
		suite_add_tcase(s, tp);
	}

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_schema);
	tcase_add_test(tc, test_load_and_views);
	tcase_add_test(tc, test_idempotent);
	tcase_add_test(tc, test_signed_params);
	tcase_add_test(tc, test_abort_leaves_nothing);
	tcase_add_test(tc, test_query_readonly);
	tcase_add_test(tc, test_diff_segments_previous);
	tcase_add_test(tc, test_named_queries);
	tcase_add_test(tc, test_diff);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(store_suite());
}
