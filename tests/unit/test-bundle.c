/* SPDX-License-Identifier: MIT */
/*
 * The bundle writer (writer.c) and reader (reader.c): round trips through
 * every compression, staging and spilling, publishing rules, and one test
 * per rejection.  Hostile archives are crafted here with libarchive around a
 * valid index, so each test reaches exactly the check it aims at.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/bundle-internal.h"
#include "testutil.h"

static struct fw_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	tu_tmpdir_enter();
}

static void teardown(void)
{
	tu_tmpdir_leave();
	fw_ctx_free(ctx);
}

static uint8_t *pattern(size_t len, unsigned seed)
{
	uint8_t *p = malloc(len ? len : 1);
	uint32_t x = seed * 2654435761u + 1;

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		/* Half compressible, half not: like register dumps. */
		p[i] = (i & 64) ? (uint8_t)x : (uint8_t)(i >> 6);
	}
	return p;
}

static unsigned count_dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* ------------------------------------------------------------ writing */

struct collected {
	unsigned begins, ends;
	size_t bytes[8];
	uint8_t *data[8];
	size_t max_chunk;
};

static int col_begin(void *u, const struct bundle_artifact *a)
{
	struct collected *c = u;

	(void)a;
	c->begins++;
	return 0;
}

static int col_data(void *u, const struct bundle_artifact *a, const void *buf, size_t len)
{
	struct collected *c = u;
	size_t i = c->begins - 1;

	(void)a;
	ck_assert_uint_lt(i, 8);
	c->data[i] = realloc(c->data[i], c->bytes[i] + len);
	memcpy(c->data[i] + c->bytes[i], buf, len);
	c->bytes[i] += len;
	if (len > c->max_chunk)
		c->max_chunk = len;
	return 0;
}

static int col_end(void *u, const struct bundle_artifact *a)
{
	struct collected *c = u;

	(void)a;
	c->ends++;
	return 0;
}

static const struct bundle_visitor col_visitor = { col_begin, col_data, col_end };

static void write_sample(const char *path, enum bundle_compression comp, size_t stage_memory,
			 size_t big)
{
	struct bundle_writer_options o = { .compression = comp, .stage_memory = stage_memory };
	struct bundle_header h = { .created_ns = 1795580226000000000ull, .host = "h1",
				   .reason = "unit", .cmdline = "test" };
	struct bundle_device d = { .pci = "0000:08:00.0", .vendor_id = 0x15b3, .device_id = 0x101d,
				   .fw_version = "28.39.1002", .serial = "SN1",
				   .sensitive = BUNDLE_DEV_SERIAL };
	struct bundle_artifact m = { .kind = "reg.MGIR", .interface = "emu" };
	struct bundle_writer *w = NULL;
	struct bundle_stage *s = NULL;
	uint8_t *p1 = pattern(160, 1), *p2 = pattern(big, 2);
	char *out = NULL;

	tu_assert_ok(ctx, bundle_writer_new(ctx, path, &o, &w));
	tu_assert_ok(ctx, bundle_writer_set_header(w, &h));
	tu_assert_ok(ctx, bundle_writer_set_device(w, &d));
	tu_assert_ok(ctx, bundle_writer_add(w, &m, p1, 160));
	/* Streaming, in uneven pieces. */
	tu_assert_ok(ctx, bundle_writer_begin(w, &s));
	for (size_t off = 0; off < big;) {
		size_t n = big - off < 7777 ? big - off : 7777;

		tu_assert_ok(ctx, bundle_stage_append(s, p2 + off, n));
		off += n;
	}
	m.kind = "trace.ring";
	m.path = "trace/ring.raw";
	tu_assert_ok(ctx, bundle_writer_end(w, s, &m));
	m.kind = "crspace";
	m.path = NULL;
	m.outcome = BUNDLE_OUTCOME_FAILED;
	m.reason = "timed out";
	m.err = -ETIMEDOUT;
	tu_assert_ok(ctx, bundle_writer_add(w, &m, NULL, 0));
	tu_assert_ok(ctx, bundle_writer_commit(w, &out));
	ck_assert_str_eq(out, path);
	free(out);
	bundle_writer_free(w);
	free(p1);
	free(p2);
}

static void check_sample(struct bundle *b, size_t big)
{
	const struct bundle_artifact *a;
	struct collected c = { 0 };
	uint8_t *p1 = pattern(160, 1), *p2 = pattern(big, 2);
	void *data = NULL;
	size_t len = 0;

	ck_assert_str_eq(bundle_get_header(b)->host, "h1");
	ck_assert_uint_eq(bundle_get_header(b)->created_ns, 1795580226000000000ull);
	ck_assert_str_eq(bundle_get_header(b)->fwbox_version, fw_version());
	ck_assert_str_eq(bundle_get_device(b)->serial, "SN1");
	ck_assert_uint_eq(bundle_artifact_count(b), 3);
	a = bundle_artifact_at(b, 0);
	ck_assert_str_eq(a->path, "reg/MGIR.bin");
	ck_assert_uint_eq(a->size, 160);
	a = bundle_find_kind(b, "trace.ring");
	ck_assert_str_eq(a->path, "trace/ring.raw");
	ck_assert_uint_eq(a->size, big);
	a = bundle_find_kind(b, "crspace");
	ck_assert_str_eq(a->path, "crspace.bin");
	ck_assert_int_eq(a->outcome, BUNDLE_OUTCOME_FAILED);
	ck_assert_int_eq(a->err, -ETIMEDOUT);
	ck_assert_str_eq(a->reason, "timed out");
	ck_assert_ptr_null(bundle_find_kind(b, "nope"));

	tu_assert_ok(ctx, bundle_stream(b, &col_visitor, &c));
	ck_assert_uint_eq(c.begins, 3);
	ck_assert_uint_eq(c.ends, 3);
	ck_assert_uint_eq(c.bytes[0], 160);
	ck_assert_mem_eq(c.data[0], p1, 160);
	ck_assert_uint_eq(c.bytes[1], big);
	ck_assert(memcmp(c.data[1], p2, big) == 0);
	ck_assert_uint_eq(c.bytes[2], 0);
	ck_assert_uint_le(c.max_chunk, FW_LIMIT_READ_CHUNK);
	for (int i = 0; i < 8; i++)
		free(c.data[i]);

	tu_assert_ok(ctx, bundle_verify(b, NULL, NULL));
	tu_assert_ok(ctx, bundle_read_kind(b, "trace.ring", big, &data, &len));
	ck_assert_uint_eq(len, big);
	ck_assert(memcmp(data, p2, big) == 0);
	free(data);
	ck_assert_int_eq(bundle_read_kind(b, "trace.ring", big - 1, &data, &len), -EOVERFLOW);
	ck_assert_int_eq(bundle_read_kind(b, "nope", 10, &data, &len), -ENOENT);
	free(p1);
	free(p2);
}

static int skip_begin(void *u, const struct bundle_artifact *a)
{
	struct collected *c = u;

	c->begins++;
	return strcmp(a->kind, "trace.ring") ? 0 : 1;
}

START_TEST(test_stream_skip)
{
	static const struct bundle_visitor v = { skip_begin, col_data, col_end };
	struct collected c = { 0 };
	struct bundle *b = NULL;

	write_sample("s.tar", BUNDLE_COMPRESS_NONE, 0, 100000);
	tu_assert_ok(ctx, bundle_open(ctx, "s.tar", &b));
	tu_assert_ok(ctx, bundle_stream(b, &v, &c));
	ck_assert_uint_eq(c.begins, 3);
	ck_assert_uint_eq(c.ends, 2);
	ck_assert_uint_eq(c.bytes[0], 160);
	ck_assert_uint_eq(c.bytes[1], 0);
	for (int i = 0; i < 8; i++)
		free(c.data[i]);
	bundle_close(b);
}
END_TEST

START_TEST(test_round_trip)
{
	static const enum bundle_compression comps[] = { BUNDLE_COMPRESS_ZSTD, BUNDLE_COMPRESS_GZIP,
							 BUNDLE_COMPRESS_XZ, BUNDLE_COMPRESS_NONE };
	const size_t big = 3u << 20;

	for (size_t i = 0; i < sizeof(comps) / sizeof(comps[0]); i++) {
		char path[64];
		struct bundle *b = NULL;
		uint8_t d1[FW_SHA256_LEN], d2[FW_SHA256_LEN];
		size_t len;
		void *mem;

		snprintf(path, sizeof(path), "b%zu%s", i, bundle_compression_suffix(comps[i]));
		write_sample(path, comps[i], 0, big);
		/* Nothing but the bundle in the folder: no staging debris. */
		ck_assert_uint_eq(count_dir_entries("."), i + 1);
		tu_assert_ok(ctx, bundle_open(ctx, path, &b));
		check_sample(b, big);
		tu_assert_ok(ctx, bundle_file_sha256(b, d1));
		bundle_close(b);

		mem = tu_read_file(path, &len);
		fw_sha256(mem, len, d2);
		ck_assert_mem_eq(d1, d2, FW_SHA256_LEN);
		tu_assert_ok(ctx, bundle_open_memory(ctx, mem, len, &b));
		check_sample(b, big);
		bundle_close(b);
		free(mem);
	}
}
END_TEST

START_TEST(test_spill)
{
	struct bundle *b = NULL;

	/* 4 KiB of staging memory: the 3 MiB artifact spills to a temp file. */
	write_sample("spill.tar.zst", BUNDLE_COMPRESS_ZSTD, 4096, 3u << 20);
	ck_assert_uint_eq(count_dir_entries("."), 1);
	tu_assert_ok(ctx, bundle_open(ctx, "spill.tar.zst", &b));
	check_sample(b, 3u << 20);
	bundle_close(b);
}
END_TEST

START_TEST(test_writer_exists)
{
	struct bundle_writer *w = NULL;
	struct bundle_artifact m = { .kind = "a" };

	tu_write_file("taken", "x", 1);
	ck_assert_int_eq(bundle_writer_new(ctx, "taken", NULL, &w), -EEXIST);
	ck_assert_ptr_null(w);
	ck_assert_int_eq(bundle_writer_new(ctx, "no-such-dir/b.tar", NULL, &w), -ENOENT);
	/* The name appears while we write: linkat refuses, the file stays. */
	tu_assert_ok(ctx, bundle_writer_new(ctx, "late", NULL, &w));
	tu_assert_ok(ctx, bundle_writer_add(w, &m, "abc", 3));
	tu_write_file("late", "mine", 4);
	ck_assert_int_eq(bundle_writer_commit(w, NULL), -EEXIST);
	bundle_writer_free(w);
	{
		size_t len;
		char *p = tu_read_file("late", &len);

		ck_assert_uint_eq(len, 4);
		ck_assert_mem_eq(p, "mine", 4);
		free(p);
	}
	ck_assert_uint_eq(count_dir_entries("."), 2);
}
END_TEST

START_TEST(test_writer_cancel)
{
	struct bundle_writer *w = NULL;
	struct bundle_artifact m = { .kind = "a" };
	uint8_t *p = pattern(3u << 20, 3);

	tu_assert_ok(ctx, bundle_writer_new(ctx, "c.tar.zst", NULL, &w));
	tu_assert_ok(ctx, bundle_writer_add(w, &m, p, 3u << 20));
	fw_ctx_request_cancel(ctx);
	ck_assert_int_eq(bundle_writer_commit(w, NULL), -EINTR);
	bundle_writer_free(w);
	free(p);
	/* Nothing at the final path, nothing else either. */
	ck_assert_uint_eq(count_dir_entries("."), 0);
}
END_TEST

START_TEST(test_writer_long_field)
{
	struct bundle_writer *w = NULL;
	struct bundle_artifact m = { .kind = "a" };
	struct bundle_header h = { .host = "h", .reason = NULL };
	char *big = malloc(FW_LIMIT_NOTE_STRING + 2);

	ck_assert_ptr_nonnull(big);
	memset(big, 'r', FW_LIMIT_NOTE_STRING + 1);
	big[FW_LIMIT_NOTE_STRING + 1] = '\0';
	h.reason = big;
	tu_assert_ok(ctx, bundle_writer_new(ctx, "long.tar", NULL, &w));
	tu_assert_ok(ctx, bundle_writer_set_header(w, &h));
	tu_assert_ok(ctx, bundle_writer_add(w, &m, "x", 1));
	ck_assert_int_eq(bundle_writer_commit(w, NULL), -EOVERFLOW);
	/* The message names the field and the limit, not "a field". */
	ck_assert_str_eq(fw_ctx_errmsg(ctx),
			 "cannot build the index notes: the header field 'reason' is longer "
			 "than FW_LIMIT_NOTE_STRING (65536 bytes): shorten it");
	bundle_writer_free(w);
	free(big);
	ck_assert_uint_eq(count_dir_entries("."), 0);
}
END_TEST

START_TEST(test_writer_args)
{
	struct bundle_writer *w = NULL;
	struct bundle_artifact m = { .kind = "reg.MGIR" };
	struct bundle *b = NULL;
	struct bundle_stage *s = NULL;

	tu_assert_ok(ctx, bundle_writer_new(ctx, "a.tar", NULL, &w));
	m.kind = "bad/kind";
	ck_assert_int_eq(bundle_writer_add(w, &m, "x", 1), -EINVAL);
	m.kind = "ok";
	m.path = "../escape";
	ck_assert_int_eq(bundle_writer_add(w, &m, "x", 1), -EINVAL);
	m.path = "index.elf";
	ck_assert_int_eq(bundle_writer_add(w, &m, "x", 1), -EINVAL);
	m.path = "same";
	tu_assert_ok(ctx, bundle_writer_add(w, &m, "x", 1));
	ck_assert_int_eq(bundle_writer_add(w, &m, "y", 1), -EEXIST);
	/* Same kind twice without a path: the second gets a suffix. */
	m.path = NULL;
	m.kind = "reg.MGIR";
	tu_assert_ok(ctx, bundle_writer_add(w, &m, "1", 1));
	tu_assert_ok(ctx, bundle_writer_add(w, &m, "2", 1));
	/* A begun, never-ended stage blocks the commit. */
	tu_assert_ok(ctx, bundle_writer_begin(w, &s));
	ck_assert_int_eq(bundle_writer_commit(w, NULL), -EINVAL);
	m.kind = "last";
	tu_assert_ok(ctx, bundle_writer_end(w, s, &m));
	tu_assert_ok(ctx, bundle_writer_commit(w, NULL));
	ck_assert_int_eq(bundle_writer_commit(w, NULL), -EINVAL);
	bundle_writer_free(w);

	tu_assert_ok(ctx, bundle_open(ctx, "a.tar", &b));
	ck_assert_uint_eq(bundle_artifact_count(b), 4);
	ck_assert_str_eq(bundle_artifact_at(b, 1)->path, "reg/MGIR.bin");
	ck_assert_str_eq(bundle_artifact_at(b, 2)->path, "reg/MGIR-2.bin");
	ck_assert_str_eq(bundle_artifact_at(b, 3)->path, "last.bin");
	ck_assert_ptr_null(bundle_get_device(b));
	tu_assert_ok(ctx, bundle_verify(b, NULL, NULL));
	bundle_close(b);
}
END_TEST

/* ------------------------------------------------------------ crafting */

enum { REG, SYMLINK, HARDLINK, CHARDEV, DIRECTORY, FIFO, SPARSE };

struct member {
	const char *name;
	const char *data;              /* NULL: "" */
	int type;
	bool in_index;                 /* listed in the index */
	bool in_archive;               /* present in the tar */
	const char *index_data;        /* what the index hashes, if not data */
};

/* Write an uncompressed tar: a valid sealed index.elf listing the members
 * marked in_index, then the members marked in_archive. */
static void craft(const char *path, const struct member *m, size_t n, const char *first)
{
	struct fw_buf notes = { 0 };
	struct bundle_header h = { .host = "crafted" };
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	uint8_t *elf = NULL;
	size_t elf_len = 0;

	ck_assert_int_eq(bundle_notes_add_header(ctx, &notes, &h), 0);
	for (size_t i = 0; i < n; i++) {
		const char *d = m[i].index_data ? m[i].index_data : m[i].data ? m[i].data : "";
		struct bundle_artifact art = { .path = m[i].name, .kind = "k", .size = strlen(d) };

		if (!m[i].in_index)
			continue;
		fw_sha256(d, strlen(d), art.sha256);
		ck_assert_int_eq(bundle_notes_add_artifact(ctx, &notes, &art), 0);
	}
	ck_assert_int_eq(bundle_notes_seal(ctx, &notes), 0);
	tu_assert_ok(ctx, bundle_elf_build(ctx, notes.data, notes.len, &elf, &elf_len));

	/* Full pax (not restricted) so the sparse map is written. */
	ck_assert_int_eq(archive_write_set_format_pax(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	archive_entry_set_pathname(e, first ? first : BUNDLE_INDEX_NAME);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)elf_len);
	ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_data(a, elf, elf_len), (la_ssize_t)elf_len);
	for (size_t i = 0; i < n; i++) {
		const char *d = m[i].data ? m[i].data : "";
		size_t len = strlen(d);

		if (!m[i].in_archive)
			continue;
		archive_entry_clear(e);
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_perm(e, 0644);
		switch (m[i].type) {
		case SYMLINK:
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, "/etc/passwd");
			len = 0;
			break;
		case HARDLINK:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_hardlink(e, "/etc/passwd");
			break;
		case CHARDEV:
			archive_entry_set_filetype(e, AE_IFCHR);
			archive_entry_set_rdev(e, 0x0103);
			len = 0;
			break;
		case DIRECTORY:
			archive_entry_set_filetype(e, AE_IFDIR);
			break;
		case FIFO:
			archive_entry_set_filetype(e, AE_IFIFO);
			len = 0;
			break;
		case SPARSE:
			/* A hole in the middle: only 3 + 3 bytes are stored.  The
			 * size must be set first or libarchive drops the map. */
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_size(e, (la_int64_t)len);
			archive_entry_sparse_add_entry(e, 0, 3);
			archive_entry_sparse_add_entry(e, (la_int64_t)len - 3, 3);
			break;
		default:
			archive_entry_set_filetype(e, AE_IFREG);
			break;
		}
		archive_entry_set_size(e, (la_int64_t)len);
		ck_assert_int_ge(archive_write_header(a, e), ARCHIVE_WARN);
		if (m[i].type == SPARSE) {
			archive_write_data(a, d, 3);
			archive_write_data(a, d + len - 3, 3);
		} else if (len) {
			archive_write_data(a, d, len);
		}
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	archive_entry_free(e);
	free(elf);
	fw_buf_release(&notes);
}

struct problems {
	unsigned n;
	char member[4][256];
	char why[4][256];
};

static void on_problem(void *u, const char *member, const char *why)
{
	struct problems *p = u;

	if (p->n < 4) {
		snprintf(p->member[p->n], sizeof(p->member[0]), "%s", member ? member : "");
		snprintf(p->why[p->n], sizeof(p->why[0]), "%s", why);
	}
	p->n++;
}

/* Open must succeed (the index is fine); stream must fail with err and a
 * message containing what; verify must name the member. */
static void expect_member_reject(const struct member *m, size_t n, int err, const char *member,
				 const char *what)
{
	struct bundle *b = NULL;
	struct problems p = { 0 };
	struct collected c = { 0 };
	int r;

	unlink("x.tar");
	craft("x.tar", m, n, NULL);
	tu_assert_ok(ctx, bundle_open(ctx, "x.tar", &b));
	fw_ctx_clear_error(ctx);
	r = bundle_stream(b, &col_visitor, &c);
	for (int i = 0; i < 8; i++)
		free(c.data[i]);
	ck_assert_msg(r == err, "stream: expected %d, got %d (%s)", err, r, fw_ctx_errmsg(ctx));
	ck_assert_msg(strstr(fw_ctx_errmsg(ctx), what), "message '%s' lacks '%s'",
		      fw_ctx_errmsg(ctx), what);
	ck_assert_int_eq(bundle_verify(b, on_problem, &p), err);
	ck_assert_uint_ge(p.n, 1);
	/* libarchive names a directory "evil/". */
	ck_assert_msg(!strncmp(p.member[0], member, strlen(member)), "'%s' is not '%s'", p.member[0],
		      member);
	ck_assert_ptr_nonnull(strstr(p.why[0], what));
	bundle_close(b);
}

START_TEST(test_crafted_ok)
{
	const struct member m[] = {
		{ "a.bin", "hello", REG, true, true },
		{ "dir/b.bin", "world", REG, true, true },
	};
	struct bundle *b = NULL;

	craft("ok.tar", m, 2, NULL);
	tu_assert_ok(ctx, bundle_open(ctx, "ok.tar", &b));
	tu_assert_ok(ctx, bundle_verify(b, NULL, NULL));
	bundle_close(b);
}
END_TEST

START_TEST(test_reject_types)
{
	static const struct {
		int type;
		const char *what;
	} t[] = {
		{ SYMLINK, "symbolic link" }, { HARDLINK, "hard link" }, { CHARDEV, "character device" },
		{ DIRECTORY, "directory" },   { FIFO, "FIFO" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const struct member m[] = {
			{ "a.bin", "hello", REG, true, true },
			{ "evil", "data!", t[i].type, true, true },
		};

		expect_member_reject(m, 2, -EBADMSG, "evil", t[i].what);
	}
}
END_TEST

START_TEST(test_reject_sparse)
{
	const struct member m[] = { { "s.bin", "sparse data", SPARSE, true, true } };

	expect_member_reject(m, 1, -EBADMSG, "s.bin", "sparse");
}
END_TEST

START_TEST(test_reject_names)
{
	static const char *const bad[] = { "/etc/passwd", "../up", "a/../../b", "./a", "a//b",
					   "evil\033[2J\nname" };
	char longname[FW_LIMIT_MEMBER_NAME + 10];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct member m[] = {
			{ "a.bin", "hello", REG, true, true },
			{ bad[i], "x", REG, false, true },
		};
		struct bundle *b = NULL;
		struct problems p = { 0 };

		unlink("x.tar");
		craft("x.tar", m, 2, NULL);
		tu_assert_ok(ctx, bundle_open(ctx, "x.tar", &b));
		ck_assert_int_eq(bundle_verify(b, on_problem, &p), -EBADMSG);
		ck_assert_uint_eq(p.n, 1);
		/* libarchive may present the name cleaned; either way it is refused. */
		ck_assert_msg(strstr(p.why[0], "member name") || strstr(p.why[0], "not in the index"),
			      "'%s': %s", bad[i], p.why[0]);
		/* Escape sequences never reach a terminal through a message. */
		ck_assert_ptr_null(strpbrk(p.member[0], "\033\n"));
		ck_assert_ptr_null(strpbrk(fw_ctx_errmsg(ctx), "\033\n"));
		bundle_close(b);
	}
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	{
		const struct member m[] = { { longname, "x", REG, false, true } };

		/* Shown cut short, never whole. */
		expect_member_reject(m, 1, -EOVERFLOW, "aaaaaaaaaaaaaaaa", "FW_LIMIT_MEMBER_NAME");
	}
}
END_TEST

START_TEST(test_reject_index_mismatch)
{
	const struct member dup[] = {
		{ "a.bin", "hello", REG, true, true },
		{ "a.bin", "hello", REG, false, true },
	};
	const struct member extra[] = {
		{ "a.bin", "hello", REG, true, true },
		{ "extra.bin", "surprise", REG, false, true },
	};
	const struct member missing[] = {
		{ "a.bin", "hello", REG, true, true },
		{ "gone.bin", "lost", REG, true, false },
	};
	const struct member size[] = { { "a.bin", "hello", REG, true, true, "hello!" } };
	const struct member hash[] = { { "a.bin", "hello", REG, true, true, "HELLO" } };
	const struct member second_index[] = { { BUNDLE_INDEX_NAME, "x", REG, false, true } };

	expect_member_reject(dup, 2, -EBADMSG, "a.bin", "twice");
	expect_member_reject(extra, 2, -EBADMSG, "extra.bin", "not in the index");
	expect_member_reject(missing, 2, -EBADMSG, "gone.bin", "not in the archive");
	expect_member_reject(size, 1, -EBADMSG, "a.bin", "the index says");
	expect_member_reject(hash, 1, -EBADMSG, "a.bin", "SHA-256");
	expect_member_reject(second_index, 1, -EBADMSG, BUNDLE_INDEX_NAME, "second index");
}
END_TEST

START_TEST(test_verify_reports_all)
{
	const struct member m[] = {
		{ "a.bin", "hello", REG, true, true, "HELLO" },
		{ "b.bin", "fine", REG, true, true },
		{ "c.bin", "world", REG, true, true, "WORLD" },
		{ "d.bin", "lost", REG, true, false },
	};
	struct bundle *b = NULL;
	struct problems p = { 0 };

	craft("x.tar", m, 4, NULL);
	tu_assert_ok(ctx, bundle_open(ctx, "x.tar", &b));
	ck_assert_int_eq(bundle_verify(b, on_problem, &p), -EBADMSG);
	ck_assert_uint_eq(p.n, 3);
	ck_assert_str_eq(p.member[0], "a.bin");
	ck_assert_str_eq(p.member[1], "c.bin");
	ck_assert_str_eq(p.member[2], "d.bin");
	bundle_close(b);
}
END_TEST

static int open_fails(const char *path, int err, const char *what)
{
	struct bundle *b = NULL;
	int r;

	fw_ctx_clear_error(ctx);
	r = bundle_open(ctx, path, &b);
	ck_assert_msg(r == err, "'%s': expected %d, got %d (%s)", path, err, r, fw_ctx_errmsg(ctx));
	ck_assert_ptr_null(b);
	ck_assert_msg(strstr(fw_ctx_errmsg(ctx), what), "message '%s' lacks '%s'",
		      fw_ctx_errmsg(ctx), what);
	return r;
}

START_TEST(test_reject_open)
{
	const struct member m[] = { { "a.bin", "hello", REG, true, true } };
	uint8_t junk[4096];

	tu_write_file("empty", "", 0);
	open_fails("empty", -EBADMSG, "empty");
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 7 + 3);
	tu_write_file("junk", junk, sizeof(junk));
	open_fails("junk", -EBADMSG, "junk");
	craft("first.tar", m, 1, "a.bin");
	open_fails("first.tar", -EBADMSG, "not index.elf");
	open_fails("does-not-exist", -ENOENT, "does-not-exist");
}
END_TEST

START_TEST(test_reject_ratio)
{
	struct fw_buf notes = { 0 };
	struct bundle_header h = { .host = "bomb" };
	struct bundle_artifact art = { .path = "big.bin", .kind = "k", .size = 1ull << 30 };
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	uint8_t *elf = NULL;
	size_t elf_len = 0;

	/* The index promises 1 GiB from a file of a few KiB. */
	ck_assert_int_eq(bundle_notes_add_header(ctx, &notes, &h), 0);
	ck_assert_int_eq(bundle_notes_add_artifact(ctx, &notes, &art), 0);
	ck_assert_int_eq(bundle_notes_seal(ctx, &notes), 0);
	tu_assert_ok(ctx, bundle_elf_build(ctx, notes.data, notes.len, &elf, &elf_len));
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_zstd(a);
	ck_assert_int_eq(archive_write_open_filename(a, "bomb.tar.zst"), ARCHIVE_OK);
	archive_entry_set_pathname(e, BUNDLE_INDEX_NAME);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)elf_len);
	archive_write_header(a, e);
	archive_write_data(a, elf, elf_len);
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(e);
	free(elf);
	fw_buf_release(&notes);
	open_fails("bomb.tar.zst", -EOVERFLOW, "FW_LIMIT_RATIO");
}
END_TEST

/* Member boundaries of an uncompressed tar, as libarchive sees them. */
static size_t boundaries(const char *path, int64_t *out, size_t max)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	size_t n = 0;

	archive_read_support_format_tar(a);
	ck_assert_int_eq(archive_read_open_filename(a, path, 10240), ARCHIVE_OK);
	while (n < max && archive_read_next_header(a, &e) == ARCHIVE_OK)
		out[n++] = archive_read_header_position(a);
	archive_read_free(a);
	return n;
}

START_TEST(test_reject_truncated)
{
	int64_t pos[8];
	size_t n, len;
	uint8_t *full;

	write_sample("t.tar", BUNDLE_COMPRESS_NONE, 0, 100000);
	n = boundaries("t.tar", pos, 8);
	ck_assert_uint_eq(n, 4);
	full = tu_read_file("t.tar", &len);
	/* Cut exactly before each artifact: tar lists it fine, the index does not. */
	for (size_t i = 1; i < n; i++) {
		struct bundle *b = NULL;
		struct problems p = { 0 };

		unlink("cut.tar");
		tu_write_file("cut.tar", full, (size_t)pos[i]);
		tu_assert_ok(ctx, bundle_open(ctx, "cut.tar", &b));
		ck_assert_int_eq(bundle_verify(b, on_problem, &p), -EBADMSG);
		ck_assert_uint_eq(p.n, n - i);
		ck_assert_ptr_nonnull(strstr(p.why[0], "not in the archive"));
		bundle_close(b);
	}
	/* Mid-member cuts. */
	for (size_t i = 1; i < n; i++) {
		struct bundle *b = NULL;

		unlink("cut.tar");
		tu_write_file("cut.tar", full, (size_t)pos[i] + 700);
		tu_assert_ok(ctx, bundle_open(ctx, "cut.tar", &b));
		ck_assert_int_lt(bundle_verify(b, NULL, NULL), 0);
		bundle_close(b);
	}
	/* Inside the index: open fails. */
	unlink("cut.tar");
	tu_write_file("cut.tar", full, 900);
	ck_assert_int_lt(bundle_open(ctx, "cut.tar", &(struct bundle *){ NULL }), 0);
	free(full);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("bundle");
	TCase *tc = tcase_create("writer");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_spill);
	tcase_add_test(tc, test_stream_skip);
	tcase_add_test(tc, test_writer_exists);
	tcase_add_test(tc, test_writer_cancel);
	tcase_add_test(tc, test_writer_args);
	tcase_add_test(tc, test_writer_long_field);
	suite_add_tcase(s, tc);

	tc = tcase_create("reader");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_crafted_ok);
	tcase_add_test(tc, test_reject_types);
	tcase_add_test(tc, test_reject_sparse);
	tcase_add_test(tc, test_reject_names);
	tcase_add_test(tc, test_reject_index_mismatch);
	tcase_add_test(tc, test_verify_reports_all);
	tcase_add_test(tc, test_reject_open);
	tcase_add_test(tc, test_reject_ratio);
	tcase_add_test(tc, test_reject_truncated);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
