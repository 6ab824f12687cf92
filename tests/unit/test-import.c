/* SPDX-License-Identifier: MIT */
/*
 * test-import: the format parsers of fwbox import (one test case per
 * family), the classifier, and the bundle layer's archive reader.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "bundle/bundle.h"
#include "core/bytes.h"
#include "crspace.h"
#include "import/import-internal.h"
#include "testutil.h"

static struct imp_parse p;

static void setup(void)
{
	imp_parse_init(&p, 1u << 26);
}

static void teardown(void)
{
	imp_parse_release(&p);
}

#define S(x) x, strlen(x)

/* ---------------------------------------------------------------- CR-space */

struct words {
	uint32_t addr[16], val[16];
	unsigned n;
};

static int on_run(void *ud, uint32_t addr, const uint32_t *v, size_t n)
{
	struct words *w = ud;

	for (size_t i = 0; i < n && w->n < 16; i++) {
		w->addr[w->n] = addr + 4 * (uint32_t)i;
		w->val[w->n++] = v[i];
	}
	return 0;
}

static void decode(struct words *w)
{
	struct fw_ctx *ctx;
	struct crspace *c;

	memset(w, 0, sizeof(*w));
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	ck_assert_int_eq(crspace_sniff(p.out.data, p.out.len), CRSPACE_RESDUMP);
	ck_assert_int_eq(crspace_new(ctx, CRSPACE_RESDUMP, on_run, NULL, w, &c), 0);
	ck_assert_int_eq(crspace_feed(c, p.out.data, p.out.len), 0);
	ck_assert_int_eq(crspace_finish(c), 0);
	crspace_free(c);
	fw_ctx_free(ctx);
}

START_TEST(test_crspace_sorted)
{
	struct words w;

	ck_assert_int_eq(imp_crspace_text(S("mstdump /dev/mst/mt4129_pciconf0\n\n"
					      "0x00000008 0x00000003\n"
					      "0x00000000 0x00000001\r\n"
					      "  0x00000004\t0x00000002  \n"
					      "0x00000100 0xffffffff\n"
					      "0x00000000 0x00000001\n"), &p), 0);
	ck_assert_uint_eq(p.records, 4);
	ck_assert_uint_eq(p.rejected, 0);
	decode(&w);
	ck_assert_uint_eq(w.n, 4);
	ck_assert_uint_eq(w.addr[0], 0);
	ck_assert_uint_eq(w.val[2], 3);
	ck_assert_uint_eq(w.addr[3], 0x100);
	ck_assert_uint_eq(w.val[3], 0xffffffff);
}
END_TEST

START_TEST(test_crspace_rejects)
{
	ck_assert_int_eq(imp_crspace_text(S("0x00000000 0x00000001\n"
					      "0x00000004 1\n"
					      "0x00000006 0x00000001\n"
					      "0x1000000000 0x00000001\n"
					      "0x00000000 0x00000002\n"
					      "-E- Cause bit set by read from address 0x10\n"), &p), 0);
	ck_assert_uint_eq(p.records, 1);
	ck_assert_uint_eq(p.rejected, 4);
	ck_assert_uint_eq(p.first_bad_line, 2);
	ck_assert_ptr_nonnull(strstr(p.tool_error, "line 6: -E- Cause bit"));
}
END_TEST

/* ---------------------------------------------------------------- devlink */

START_TEST(test_devlink_text)
{
	struct json_object *o, *arr, *el, *v;

	ck_assert_int_eq(imp_devlink_text(S("devlink health dump show pci/0000:08:00.0 reporter fw \n\n"
					      " dump fw traces:\n"
					      "    timestamp: 5 lost: false event_id: 1 msg: [irisc 0] a: b c\n"
					      "    timestamp: 6 lost: true event_id: 2 msg: two\n"), &p), 0);
	ck_assert_str_eq(p.pci, "0000:08:00.0");
	ck_assert_str_eq(p.name, "fw");
	ck_assert_int_eq(fw_buf_putc(&p.out, 0), 0);
	o = json_tokener_parse((const char *)p.out.data);
	ck_assert_ptr_nonnull(o);
	ck_assert(json_object_object_get_ex(o, "dump fw traces", &arr));
	ck_assert_uint_eq(json_object_array_length(arr), 2);
	el = json_object_array_get_idx(arr, 0);
	ck_assert(json_object_object_get_ex(el, "msg", &v));
	ck_assert_str_eq(json_object_get_string(v), "[irisc 0] a: b c");
	ck_assert(json_object_object_get_ex(el, "timestamp", &v));
	ck_assert_int_eq(json_object_get_int64(v), 5);
	el = json_object_array_get_idx(arr, 1);
	ck_assert(json_object_object_get_ex(el, "lost", &v));
	ck_assert(json_object_get_boolean(v));
	json_object_put(o);
}
END_TEST

START_TEST(test_devlink_binary_and_json)
{
	struct json_object *o, *v;

	ck_assert_int_eq(imp_devlink_text(S(" crdump_data: 01 02 03\n 04 05\n"), &p), 0);
	ck_assert_int_eq(fw_buf_putc(&p.out, 0), 0);
	o = json_tokener_parse((const char *)p.out.data);
	ck_assert(json_object_object_get_ex(o, "crdump_data", &v));
	ck_assert_uint_eq(json_object_array_length(v), 5);
	json_object_put(o);
	imp_parse_release(&p);
	imp_parse_init(&p, 1u << 20);
	ck_assert_int_eq(imp_devlink_json(S("{\"health\":{\"pci/0000:81:00.1\":[]}}\n"), &p), 0);
	ck_assert_str_eq(p.pci, "0000:81:00.1");
	ck_assert_uint_eq(p.records, 1);
	imp_parse_release(&p);
	imp_parse_init(&p, 1u << 20);
	ck_assert_int_eq(imp_devlink_json(S("{\"a\":1} trailing"), &p), 0);
	ck_assert_uint_eq(p.records, 0);
	ck_assert_uint_eq(p.rejected, 1);
}
END_TEST

START_TEST(test_devlink_region)
{
	ck_assert_int_eq(imp_devlink_region(S("0000000000000000 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 \n"
						"0000000000000010 11 12 \n"
						"0000000000000020 21 \n"
						"zzzz\n"), &p), 0);
	ck_assert_uint_eq(p.out.len, 0x21);
	ck_assert_uint_eq(p.out.data[0x11], 0x12);
	ck_assert_uint_eq(p.out.data[0x20], 0x21);
	ck_assert_uint_eq(p.rejected, 1); /* the gap */
	ck_assert_str_eq(p.name, "");
	imp_parse_release(&p);
	/* The saved command line and the JSON's handle name the region and card. */
	imp_parse_init(&p, 1 << 20);
	ck_assert_int_eq(imp_devlink_region(S("devlink region read pci/0000:09:00.1/fw-health snapshot 2 address 0 length 1\n"
						"0000000000000000 7f \n"), &p), 0);
	ck_assert_str_eq(p.name, "fw-health");
	ck_assert_str_eq(p.pci, "0000:09:00.1");
	ck_assert_uint_eq(p.out.len, 1);
	imp_parse_release(&p);
	imp_parse_init(&p, 1 << 20);
	ck_assert_int_eq(imp_devlink_region(S("{\"pci/0000:09:00.1/cr-space\":[{\"address\":4,\"data\":[1,2]}]}"), &p), 0);
	ck_assert_str_eq(p.name, "cr-space");
	ck_assert_str_eq(p.pci, "0000:09:00.1");
	/* A handle ending in '/' names nothing. */
	imp_parse_release(&p);
	imp_parse_init(&p, 1 << 20);
	ck_assert_int_eq(imp_devlink_region(S("devlink region dump pci/0000:09:00.1/ snapshot 2\n"), &p), 0);
	ck_assert_str_eq(p.name, "");
}
END_TEST

/* ------------------------------------------------------------------ trace */

START_TEST(test_trace_text)
{
	ck_assert_int_eq(imp_trace_text(S("# tracer: nop\n"
					    " kworker-1 [003] ..... 1.5: mlx5_fw: 0000:08:00.0 [0x10] 0 [0x1] hi\n"
					    "Read new events:\n"
					    "[0x11] 1 [0x2] from mstfwtrace\n"
					    "[01:02:03:000000004] 0 [0x3] real ts\n"
					    " x-1 [001] ..... 2.0: mlx5_fw: 0000:08:00.0 [0xZZ] 0 [0x1] bad\n"),
					  "0000:08:00.0", &p), 0);
	ck_assert_uint_eq(p.records, 3);
	ck_assert_uint_eq(p.rejected, 1);
	ck_assert_uint_eq(p.first_bad_line, 6);
	ck_assert_int_eq(fw_buf_putc(&p.out, 0), 0);
	ck_assert_ptr_nonnull(strstr((char *)p.out.data, "\n0000:08:00.0 [0x11] 1 [0x2] from mstfwtrace\n"));
	ck_assert_ptr_nonnull(strstr((char *)p.out.data, "0000:08:00.0 [0x0] 0 [0x3] real ts\n"));
	ck_assert_ptr_nonnull(strstr(p.note, "real_ts"));
}
END_TEST

/* -------------------------------------------------------------- registers */

START_TEST(test_regtable)
{
	ck_assert_int_eq(imp_regtable(S("Field Name   | Data\n=====\nlocal_port   | 0x00000001\n"
					"admin_status | 0x00000002\nbogus | 0x1\nlocal_port | zz\n"),
				      "PAOS", &p), 0);
	ck_assert_str_eq(p.name, "PAOS");
	ck_assert_uint_eq(p.records, 2);
	ck_assert_uint_eq(p.rejected, 2);
	ck_assert_uint_eq(p.out.len, 16);
	ck_assert_uint_eq(p.out.data[1], 0x01); /* local_port: dword 0 bits 23..16 */
	imp_parse_release(&p);
	imp_parse_init(&p, 1u << 20);
	ck_assert_int_eq(imp_regtable(S("0x00000004 | 0x0000012c\n"), "MTMP", &p), 0);
	ck_assert_uint_eq(fw_get_be32(p.out.data + 4), 0x12c);
	imp_parse_release(&p);
	imp_parse_init(&p, 1u << 20);
	ck_assert_int_eq(imp_regtable(S("x | 0x1\n"), "NOSUCHREG", &p), 0);
	ck_assert_uint_eq(p.out.len, 0);
	ck_assert_uint_eq(p.rejected, 1);
	/* A page's fields by their ADB paths: PDDR's troubleshooting page. */
	imp_parse_release(&p);
	imp_parse_init(&p, 1u << 20);
	ck_assert_int_eq(imp_regtable(S("page_select | 0x00000001\n"
					"page_data.pddr_troubleshooting_page.status_opcode."
					"pddr_monitor_opcode.monitor_opcode | 0x00000400\n"),
				      "PDDR", &p), 0);
	ck_assert_uint_eq(p.records, 2);
	ck_assert_uint_eq(p.rejected, 0);
	ck_assert_uint_eq(p.out.data[7], 1);
	ck_assert_uint_eq(fw_get_be16(p.out.data + 0x0e), 0x400);
}
END_TEST

START_TEST(test_flint)
{
	ck_assert_int_eq(imp_flint_query(S("Image type:            FS4\n"
					   "FW Version:            28.39.1002\n"
					   "Description:           UID                GuidsNumber\n"
					   "PSID:                  MT_0000000838\n"), &p), 0);
	ck_assert_str_eq(p.fw_version, "28.39.1002");
	ck_assert_str_eq(p.psid, "MT_0000000838");
	ck_assert_str_eq(p.board, "");
}
END_TEST

/* ------------------------------------------------------------ discovery */

START_TEST(test_find_pci)
{
	char out[16];

	ck_assert(imp_find_pci(S("mstdump_000008000_run_1"), out));
	ck_assert_str_eq(out, "0000:08:00.0");
	ck_assert(imp_find_pci(S("devlink_health_diagnose_pci.0000_81_00.1_reporter_fw"), out));
	ck_assert_str_eq(out, "0000:81:00.1");
	ck_assert(imp_find_pci(S("devlink/devlink_pci0000AF001_diagnose_tx.txt"), out));
	ck_assert_str_eq(out, "0000:af:00.1");
	ck_assert(imp_find_pci(S("mstflint -d 3b:00.0 q"), out));
	ck_assert_str_eq(out, "0000:3b:00.0");
	ck_assert(!imp_find_pci(S("sysinfo-snapshot-v3.7.9-node7-20260105-101112"), out));
}
END_TEST

START_TEST(test_classify)
{
	struct imp_class c;

	imp_classify("x/firmware/mstregdump_000008000_run_3", "", 0, &c);
	ck_assert_int_eq(c.format, IMP_CRSPACE_TEXT);
	ck_assert_uint_eq(c.run, 3);
	ck_assert_str_eq(c.tool, "mstregdump");
	imp_classify("sos_commands/devlink_health/devlink_health_dump_show_pci.0000_08_00.0_reporter_fw_fatal",
		     "", 0, &c);
	ck_assert_int_eq(c.format, IMP_DEVLINK_DUMP);
	ck_assert_str_eq(c.name, "fw_fatal");
	imp_classify("devlink/devlink_pci000008000_diagnose_tx.txt", "", 0, &c);
	ck_assert_int_eq(c.format, IMP_DEVLINK_DIAGNOSE);
	ck_assert_str_eq(c.name, "tx");
	imp_classify("mlxreg_000008000_--reg_name_ROCE_ACCL_--get", "", 0, &c);
	ck_assert_int_eq(c.format, IMP_REG_TABLE);
	ck_assert_str_eq(c.name, "ROCE_ACCL");
	imp_classify("notes.txt", S("0x00000000 0x00000001\n"), &c);
	ck_assert_int_eq(c.format, IMP_CRSPACE_TEXT);
	imp_classify("notes.txt", S("hello\n"), &c);
	ck_assert_int_eq(c.format, IMP_UNKNOWN);
	imp_classify("fwbox-node-x.tar.zst", "", 0, &c);
	ck_assert_int_eq(c.format, IMP_FWBOX_BUNDLE);
	/* The last "region_" names the region, without a snapshot suffix. */
	imp_classify("devlink_region_read_pci.0000_08_00.0_region_pci-cr-space_snapshot_1", "", 0, &c);
	ck_assert_int_eq(c.format, IMP_DEVLINK_REGION);
	ck_assert_str_eq(c.name, "pci-cr-space");
	ck_assert_str_eq(c.pci, "0000:08:00.0");
	/* A region dump saved under any name is known by its content. */
	imp_classify("saved.txt", S("0000000000000000 01 02 \n"), &c);
	ck_assert_int_eq(c.format, IMP_DEVLINK_REGION);
	imp_classify("saved.json", S("{\"pci/0000:08:00.0/x\":[{\"address\":0,\"data\":[1]}]}"), &c);
	ck_assert_int_eq(c.format, IMP_DEVLINK_REGION);
}
END_TEST

/* ------------------------------------------------------- archive reader */

/* One ustar header (and data) appended to buf at *off. */
static void tar_add(uint8_t *buf, size_t *off, const char *name, char type, const char *link,
		    const char *data)
{
	uint8_t *h = buf + *off;
	size_t n = data ? strlen(data) : 0;
	unsigned sum = 0;

	memset(h, 0, 512);
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011zo", n);
	snprintf((char *)h + 136, 12, "%011o", 1767607872u);
	memset(h + 148, ' ', 8);
	h[156] = (uint8_t)type;
	if (link)
		snprintf((char *)h + 157, 100, "%s", link);
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	*off += 512;
	if (n) {
		memcpy(buf + *off, data, n);
		*off += (n + 511) & ~(size_t)511;
	}
}

START_TEST(test_archive_reader)
{
	static uint8_t tar[512 * 16];
	struct bundle_archive *a;
	struct bundle_archive_entry e;
	struct fw_ctx *ctx;
	size_t off = 0, n;
	char buf[64];

	tar_add(tar, &off, "./top/ok.txt", '0', NULL, "hello");
	tar_add(tar, &off, "../escape", '0', NULL, "x");
	tar_add(tar, &off, "/abs", '0', NULL, "x");
	tar_add(tar, &off, "top/link", '2', "/etc/passwd", NULL);
	tar_add(tar, &off, "top/dev", '3', NULL, NULL);
	tar_add(tar, &off, "top/", '5', NULL, NULL);
	off += 1024;
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	ck_assert_int_eq(bundle_archive_open_memory(ctx, tar, off, &a), 0);
	ck_assert_int_eq(bundle_archive_next(a, &e), 1);
	ck_assert_str_eq(e.name, "top/ok.txt");
	ck_assert_int_eq(e.type, BUNDLE_ARCHIVE_FILE);
	ck_assert_uint_eq(e.mtime_ns, 1767607872ull * 1000000000ull);
	ck_assert_int_eq(bundle_archive_read(a, buf, sizeof(buf), &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(bundle_archive_next(a, &e), 1);
	ck_assert_int_eq(e.type, BUNDLE_ARCHIVE_SKIP);
	ck_assert_str_eq(e.skip_reason, "a name with a '..' component");
	ck_assert_int_eq(bundle_archive_read(a, buf, sizeof(buf), &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(bundle_archive_next(a, &e), 1);
	ck_assert_str_eq(e.skip_reason, "an absolute name");
	ck_assert_int_eq(bundle_archive_next(a, &e), 1);
	ck_assert_str_eq(e.skip_reason, "a symbolic link");
	ck_assert_int_eq(bundle_archive_next(a, &e), 1);
	ck_assert_str_eq(e.skip_reason, "a character device");
	ck_assert_int_eq(bundle_archive_next(a, &e), 1);
	ck_assert_int_eq(e.type, BUNDLE_ARCHIVE_DIR);
	ck_assert_int_eq(bundle_archive_next(a, &e), 0);
	bundle_archive_close(a);
	/* Not an archive. */
	ck_assert_int_eq(bundle_archive_open_memory(ctx, "plain text, no tar", 18, &a), -EBADMSG);
	fw_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------------- spilling */

struct made_log {
	unsigned made;
	size_t artifacts;
	uint64_t trace_lines;
	char path[4096];
};

static void on_made(void *ud, const struct import_made *m)
{
	struct made_log *l = ud;

	l->made++;
	l->artifacts += m->artifacts;
	l->trace_lines += m->trace_lines;
	if (m->path)
		snprintf(l->path, sizeof(l->path), "%s", m->path);
}

static size_t dir_entries(const char *dir)
{
	char cmd[4200];
	FILE *f;
	size_t n = 0;
	int c;

	snprintf(cmd, sizeof(cmd), "ls -A '%s'", dir);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	pclose(f);
	return n;
}

/* Converted captures wait in an unnamed spill file (the output folder,
 * else $TMPDIR): a bundle streamed from it holds the same bytes, a dry run
 * without a usable output folder falls back to $TMPDIR, and with neither
 * the error names both. */
START_TEST(test_spill)
{
	static uint8_t tar[512 * 16];
	static const struct import_sink sink = { .made = on_made };
	const char *cap = "0x00000040 0x12345678\n0x00000044 0x9abcdef0\n";
	const char *tr = "mlx5_fw: 0000:08:00.0 [0x10] 0 [0x1] hello\n";
	char out[] = "/tmp/fwbox-test-import-XXXXXX", tmp[] = "/tmp/fwbox-test-import-XXXXXX";
	struct import_options o = { .device_hint = "0000:08:00.0" };
	char *old_tmpdir = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	struct made_log log = { 0 };
	struct import *im = NULL;
	struct fw_ctx *ctx;
	struct bundle *b;
	void *data = NULL;
	size_t off = 0, len = 0;

	tar_add(tar, &off, "snap/firmware/mstdump_000008000_run_1", '0', NULL, cap);
	tar_add(tar, &off, "snap/tracefs_000008000.txt", '0', NULL, tr);
	off += 1024;
	ck_assert_ptr_nonnull(mkdtemp(out));
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);

	/* Written: the bundle reads back the converted bytes, and nothing but
	 * the bundle is in the folder. */
	o.output_dir = out;
	o.compression = BUNDLE_COMPRESS_NONE;
	ck_assert_int_eq(import_new(ctx, &o, &sink, &log, &im), 0);
	ck_assert_int_eq(import_memory(im, "in.tar", tar, off), 0);
	import_free(im);
	ck_assert_uint_eq(log.made, 1);
	ck_assert_uint_eq(log.trace_lines, 1);
	ck_assert_uint_eq(dir_entries(out), 1);
	ck_assert_int_eq(bundle_open(ctx, log.path, &b), 0);
	ck_assert_int_eq(bundle_read_kind(b, "crspace", 1u << 20, &data, &len), 0);
	memset(&p, 0, sizeof(p));
	imp_parse_init(&p, 1u << 20);
	ck_assert_int_eq(imp_crspace_text(S(cap), &p), 0);
	ck_assert_uint_eq(len, p.out.len);
	ck_assert_mem_eq(data, p.out.data, len);
	imp_parse_release(&p);
	free(data);
	data = NULL;
	ck_assert_int_eq(bundle_read_kind(b, "trace.text", 1u << 20, &data, &len), 0);
	ck_assert_ptr_nonnull(memmem(data, len, "[0x10] 0 [0x1] hello", 20));
	free(data);
	bundle_close(b);

	/* Dry run, the output folder unusable: $TMPDIR serves. */
	memset(&log, 0, sizeof(log));
	o.output_dir = "/nonexistent-fwbox-output";
	o.dry_run = true;
	setenv("TMPDIR", tmp, 1);
	ck_assert_int_eq(import_new(ctx, &o, &sink, &log, &im), 0);
	ck_assert_int_eq(import_memory(im, "in.tar", tar, off), 0);
	import_free(im);
	ck_assert_uint_eq(log.made, 1);
	ck_assert_uint_eq(log.trace_lines, 1);
	ck_assert_uint_eq(dir_entries(tmp), 0);

	/* Neither: a clear error, nothing made. */
	memset(&log, 0, sizeof(log));
	setenv("TMPDIR", "/nonexistent-fwbox-tmp", 1);
	ck_assert_int_eq(import_new(ctx, &o, &sink, &log, &im), 0);
	ck_assert_int_eq(import_memory(im, "in.tar", tar, off), -ENOENT);
	import_free(im);
	ck_assert_uint_eq(log.made, 0);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "cannot make a temporary file for the "
						       "converted captures in "
						       "'/nonexistent-fwbox-output' or "
						       "'/nonexistent-fwbox-tmp'"));
	if (old_tmpdir)
		setenv("TMPDIR", old_tmpdir, 1);
	else
		unsetenv("TMPDIR");
	free(old_tmpdir);
	fw_ctx_free(ctx);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", out, tmp);
		ck_assert_int_eq(system(cmd), 0);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("import");
	TCase *tc;

	tc = tcase_create("crspace-text");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_crspace_sorted);
	tcase_add_test(tc, test_crspace_rejects);
	suite_add_tcase(s, tc);
	tc = tcase_create("devlink");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_devlink_text);
	tcase_add_test(tc, test_devlink_binary_and_json);
	tcase_add_test(tc, test_devlink_region);
	suite_add_tcase(s, tc);
	tc = tcase_create("trace-text");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_trace_text);
	suite_add_tcase(s, tc);
	tc = tcase_create("regtable-flint");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_regtable);
	tcase_add_test(tc, test_flint);
	suite_add_tcase(s, tc);
	tc = tcase_create("discover");
	tcase_add_test(tc, test_find_pci);
	tcase_add_test(tc, test_classify);
	tcase_add_test(tc, test_archive_reader);
	suite_add_tcase(s, tc);
	tc = tcase_create("spill");
	tcase_add_test(tc, test_spill);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
