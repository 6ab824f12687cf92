/* SPDX-License-Identifier: MIT */
/*
 * discover: find the captures in an argument (a file, a folder, an
 * archive) and tell their format from the name and the first bytes.
 *
 * File names follow the tools that wrote them:
 *  - NVIDIA sysinfo-snapshot (sysinfo-snapshot.py): a folder
 *    "sysinfo-snapshot-v<VERSION>-<HOST>-<YYYYMMDD-HHMMSS>" tarred as .tgz;
 *    firmware/mstdump_<BDF>_run_<N> (also mstregdump_, resourcedump_,
 *    mstresourcedump_ for the "-s CRSPACE -p map" form), firmware/
 *    flint_<BDF>_q or mstflint_<BDF>_q, devlink/devlink_pci<BDF>_
 *    {diagnose,dump_show}_<REPORTER>.txt (each starting with the command
 *    line), where <BDF> is the PCI address without ':' and '.'
 *    ("0000:08:00.0" -> "000008000"); command outputs in
 *    commands_txt_output/.
 *  - sos / doca-sosreport: sos_commands/<plugin>/<command>, the command
 *    mangled by sos (runs of other characters than word characters, '-',
 *    '.' and '/' become '_', '/' becomes '.'): mellanox_firmware/
 *    mstdump_<BDF>_run_<N>, mstregdump_..., flint_<BDF>_q_full,
 *    mstreg_<BDF>_--reg_name_<REG>_--get; devlink_health/
 *    devlink_health_diagnose_pci.0000_08_00.0_reporter_fw and
 *    devlink_health_dump_show_...; the host name in "hostname", uname -a
 *    in "uname", the kernel command line in proc/cmdline.
 * Content decides where names say nothing: CR-space pairs, mlx5_fw lines,
 * devlink JSON, a resource-dump INFO segment.
 *
 * Archives are read through the bundle layer's bounded archive reader;
 * folders are walked without following symbolic links, FW_LIMIT_IMPORT_DEPTH
 * levels deep, in name order.  A file is read whole only once its first
 * bytes say it is a capture (at most FW_LIMIT_IMPORT_FILE bytes).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "core/bytes.h"
#include "core/limits.h"
#include "import/import-internal.h"

#define HEAD_BYTES 65536u

const char *imp_format_name(enum imp_format f)
{
	switch (f) {
	case IMP_CRSPACE_TEXT: return "crspace-text";
	case IMP_DEVLINK_REPORTERS: return "devlink-reporters";
	case IMP_DEVLINK_DIAGNOSE: return "devlink-diagnose";
	case IMP_DEVLINK_DUMP: return "devlink-dump";
	case IMP_DEVLINK_REGION: return "devlink-region";
	case IMP_TRACE_TEXT: return "trace-text";
	case IMP_RESDUMP_BIN: return "resdump-bin";
	case IMP_REG_TABLE: return "register-table";
	case IMP_FLINT_QUERY: return "flint-query";
	case IMP_HOST_FACT: return "host-fact";
	case IMP_FWBOX_BUNDLE: return "fwbox-bundle";
	case IMP_UNKNOWN: break;
	}
	return "unknown";
}

static const char *base_name(const char *name)
{
	const char *b = strrchr(name, '/');

	return b ? b + 1 : name;
}

static bool contains(const char *s, const char *what)
{
	return strcasestr(s, what) != NULL;
}

/* The word after key ("reporter_fw", "--reg_name_PAOS_--get"). */
static void word_after(const char *s, const char *key, char *out, size_t size)
{
	const char *p = strcasestr(s, key);
	size_t k = 0;

	out[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	/* Names hold '_' ("fw_fatal", "ROCE_ACCL"): the word ends at a blank,
	 * '.', '/' or the next option ("_--get"). */
	while (p[k] && p[k] != ' ' && p[k] != '.' && p[k] != '/' &&
	       !(p[k] == '_' && p[k + 1] == '-') && k + 1 < size)
		k++;
	memcpy(out, p, k);
	out[k] = '\0';
}

static unsigned run_number(const char *s)
{
	const char *p = strcasestr(s, "run_");
	unsigned v = 0;

	if (!p)
		return 0;
	for (p += 4; *p >= '0' && *p <= '9' && v < 1000; p++)
		v = v * 10 + (unsigned)(*p - '0');
	return v;
}

static bool head_has(const char *h, size_t len, const char *what)
{
	size_t w = strlen(what);

	for (size_t i = 0; i + w <= len; i++)
		if (h[i] == what[0] && !memcmp(h + i, what, w))
			return true;
	return false;
}

/* Any line of the head that is "0xADDR 0xVALUE". */
static bool head_crspace(const char *h, size_t len)
{
	struct imp_lines l;
	const char *s;
	size_t n;
	bool over;
	unsigned seen = 0;

	imp_lines_init(&l, h, len);
	while (imp_lines_next(&l, &s, &n, &over) && seen < 64) {
		if (n >= 21 && s[0] == '0' && s[1] == 'x' && imp_hexrun(s + 2, 8) && s[10] == ' ' &&
		    s[11] == '0' && s[12] == 'x' && imp_hexrun(s + 13, 8))
			return true;
		seen++;
	}
	return false;
}

static bool head_region(const char *h, size_t len)
{
	struct imp_lines l;
	const char *s;
	size_t n;
	bool over;
	unsigned seen = 0;

	imp_lines_init(&l, h, len);
	while (imp_lines_next(&l, &s, &n, &over) && seen < 16) {
		if (n >= 19 && imp_hexrun(s, 16) && s[16] == ' ' && imp_hexrun(s + 17, 2))
			return true;
		seen++;
	}
	return false;
}

static bool head_resdump(const uint8_t *h, size_t len)
{
	uint32_t dw;

	if (len < 16)
		return false;
	dw = fw_get_be32(h);
	return ((dw & 0xffff) == 0xfffe || (dw & 0xffff) == 0xfffa) && (dw >> 16) >= 1 &&
	       (dw >> 16) <= 64;
}

static bool head_json(const char *h, size_t len)
{
	size_t i = 0;

	while (i < len && (h[i] == ' ' || h[i] == '\n' || h[i] == '\t' || h[i] == '\r'))
		i++;
	return i < len && (h[i] == '{' || h[i] == '[');
}

/* mlx5_fw lines, or mstfwtrace's "[0x<ts>] <lost> [0x<id>] ..." or
 * "[HH:MM:SS:N] ..." among the first lines. */
static bool head_trace(const char *h, size_t len)
{
	struct imp_lines l;
	const char *s;
	size_t n;
	bool over;
	unsigned seen = 0;

	if (head_has(h, len, "mlx5_fw: ") || head_has(h, len, "fw_tracer: "))
		return true;
	imp_lines_init(&l, h, len);
	while (imp_lines_next(&l, &s, &n, &over) && seen++ < 16)
		if (n > 8 && s[0] == '[' && (!memcmp(s, "[0x", 3) || (s[3] == ':' && s[6] == ':')) &&
		    head_has(s, n, "] 0 [0x") + head_has(s, n, "] 1 [0x"))
			return true;
	return false;
}

static bool is_archive_name(const char *b)
{
	static const char *const ext[] = { ".tgz", ".tar.gz", ".tar.xz", ".txz", ".tar.bz2",
					   ".tar.zst", ".tar", ".zip" };
	size_t n = strlen(b);

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t k = strlen(ext[i]);

		if (n > k && !strcasecmp(b + n - k, ext[i]))
			return true;
	}
	return false;
}

void imp_classify(const char *name, const void *head, size_t len, struct imp_class *c)
{
	const char *b = base_name(name), *h = head;

	memset(c, 0, sizeof(*c));
	if (!imp_find_pci(b, strlen(b), c->pci))
		imp_find_pci(name, strlen(name), c->pci);
	c->run = run_number(b);
	if (!strncmp(b, "fwbox-", 6) && is_archive_name(b)) {
		c->format = IMP_FWBOX_BUNDLE;
		c->why = "already an fwbox bundle: give it to fwbox load";
		return;
	}
	if ((len >= 4 && !memcmp(h, "PK\003\004", 4)) ||
	    (strlen(b) > 4 && !strcasecmp(b + strlen(b) - 4, ".zip"))) {
		c->why = "a zip file: fwbox import reads tar archives (plain, gzip, bzip2, xz or "
			 "zstd); unpack it and import the folder";
		return;
	}
	if (is_archive_name(b)) {
		c->why = "an archive inside the input: import it on its own";
		return;
	}
	if (!strcmp(b, "hostname") || !strcmp(b, "hostname.txt")) {
		c->format = IMP_HOST_FACT;
		c->tool = "hostname";
		snprintf(c->fact, sizeof(c->fact), "hostname");
		return;
	}
	if (!strcmp(b, "uname") || !strncmp(b, "uname_-a", 8)) {
		c->format = IMP_HOST_FACT;
		c->tool = "uname";
		snprintf(c->fact, sizeof(c->fact), "uname");
		return;
	}
	if (!strcmp(b, "cmdline") && contains(name, "proc")) {
		c->format = IMP_HOST_FACT;
		c->tool = "proc";
		snprintf(c->fact, sizeof(c->fact), "cmdline");
		return;
	}
	if (contains(b, "mstregdump") || contains(b, "mstdump")) {
		c->format = IMP_CRSPACE_TEXT;
		c->tool = contains(b, "mstregdump") ? "mstregdump" : "mstdump";
		return;
	}
	if (contains(b, "resourcedump")) {
		c->tool = contains(b, "mstresourcedump") ? "mstresourcedump" : "resourcedump";
		if (head_resdump(head, len)) {
			c->format = IMP_RESDUMP_BIN;
			word_after(b, "segment_", c->name, sizeof(c->name));
			if (!c->name[0] && contains(b, "crspace"))
				snprintf(c->name, sizeof(c->name), "CRSPACE");
			return;
		}
		if (head_crspace(h, len)) {
			c->format = IMP_CRSPACE_TEXT;
			return;
		}
		c->why = "resourcedump's printed segments, other than CR-space address pairs, are "
			 "not importable: capture with --bin";
		return;
	}
	if ((contains(b, "flint") && (contains(b, "_q") || contains(b, " q"))) && !contains(b, "_dc")) {
		c->format = IMP_FLINT_QUERY;
		c->tool = contains(b, "mstflint") ? "mstflint" : "flint";
		return;
	}
	if ((contains(b, "mstreg") || contains(b, "mlxreg")) && contains(b, "get")) {
		c->format = IMP_REG_TABLE;
		c->tool = contains(b, "mstreg") ? "mstreg" : "mlxreg";
		word_after(b, "reg_name_", c->name, sizeof(c->name));
		if (!c->name[0])
			word_after(b, "reg_name ", c->name, sizeof(c->name));
		return;
	}
	if (contains(b, "devlink") || contains(name, "devlink")) {
		c->tool = "devlink";
		if (contains(b, "region") || head_region(h, len)) {
			c->format = IMP_DEVLINK_REGION;
			/* The last "region_" names it ("devlink_region_read_pci...
			 * _region_cr-space_snapshot_1"), without a snapshot suffix. */
			for (const char *q = b; (q = strcasestr(q, "region_")); q++)
				word_after(q, "region_", c->name, sizeof(c->name));
			if (strcasestr(c->name, "_snapshot"))
				*strcasestr(c->name, "_snapshot") = '\0';
			if (!c->name[0] && (contains(b, "cr-space") || contains(b, "fw_fatal")))
				snprintf(c->name, sizeof(c->name), "cr-space");
			return;
		}
		if (contains(b, "diagnose") || contains(b, "dump")) {
			const char *k = contains(b, "diagnose") ? "diagnose_" : "dump_show_";

			c->format = contains(b, "diagnose") ? IMP_DEVLINK_DIAGNOSE : IMP_DEVLINK_DUMP;
			word_after(b, "reporter_", c->name, sizeof(c->name));
			if (!c->name[0]) {
				/* sysinfo-snapshot: ..._diagnose_<reporter>.txt */
				const char *p = strcasestr(b, k);
				size_t n;

				if (p) {
					p += strlen(k);
					n = strcspn(p, ".");
					if (n && n < sizeof(c->name))
						snprintf(c->name, sizeof(c->name), "%.*s", (int)n, p);
				}
			}
			return;
		}
		if (head_json(h, len) && head_has(h, len, "\"health\"")) {
			c->format = IMP_DEVLINK_REPORTERS;
			return;
		}
		c->why = "devlink output fwbox does not import (only health and region output)";
		return;
	}
	if (contains(b, "fwtrace") || contains(b, "mlx5_fw") || contains(b, "tracefs") ||
	    head_trace(h, len)) {
		if (head_trace(h, len)) {
			c->format = IMP_TRACE_TEXT;
			c->tool = contains(b, "fwtrace") ? "mstfwtrace" : "tracefs";
			if (contains(b, "fwtrace") && head_has(h, len, "mlx5_fw: "))
				c->tool = "tracefs";
			return;
		}
		c->why = "no mlx5_fw trace line in it";
		return;
	}
	if (head_crspace(h, len)) {
		c->format = IMP_CRSPACE_TEXT;
		c->tool = "mstdump";
		return;
	}
	if (head_json(h, len) && head_has(h, len, "\"health\"")) {
		c->format = IMP_DEVLINK_REPORTERS;
		c->tool = "devlink";
		return;
	}
	if (head_json(h, len) && (head_has(h, len, "\"dump fw traces\"") ||
				  head_has(h, len, "\"crdump_data\""))) {
		c->format = IMP_DEVLINK_DUMP;
		c->tool = "devlink";
		snprintf(c->name, sizeof(c->name), "%s",
			 head_has(h, len, "\"crdump_data\"") ? "fw_fatal" : "fw");
		return;
	}
	if (head_resdump(head, len)) {
		c->format = IMP_RESDUMP_BIN;
		c->tool = "resourcedump";
		return;
	}
	/* devlink region dump / read saved under any name: its hex lines
	 * (the region is named by a saved command line, else it is taken as
	 * the crdump), or its JSON chunks. */
	if (head_region(h, len) || (head_json(h, len) && head_has(h, len, "\"address\"") &&
				    head_has(h, len, "\"data\""))) {
		c->format = IMP_DEVLINK_REGION;
		c->tool = "devlink";
		return;
	}
	c->why = "not a capture fwbox imports";
}

/* ------------------------------------------------------------- the walk */

struct walk {
	const struct imp_walker *im;
	const char *input;
	uint64_t unrelated;
};

static void input_facts_from_name(const struct imp_walker *im, const char *name)
{
	/* "sysinfo-snapshot-v3.7.9-node7-20260105-101112/..." */
	const char *p = strstr(name, "sysinfo-snapshot-v");
	char host[256];
	size_t n;

	if (!p)
		return;
	p += strlen("sysinfo-snapshot-v");
	p = strchr(p, '-');
	if (!p)
		return;
	p++;
	n = strcspn(p, "/");
	/* The date is the last two '-' fields: YYYYMMDD-HHMMSS. */
	if (n < 17 || n - 16 >= sizeof(host) || p[n - 16] != '-' || p[n - 7] != '-')
		return;
	snprintf(host, sizeof(host), "%.*s", (int)(n - 16), p);
	im->facts(im->ud, host, 0);
}

/* Take one file whose head (and maybe all) is at hand; more() reads the rest. */
typedef int (*more_fn)(void *ud, struct fw_buf *all);

static int consider(struct walk *w, const char *name, const uint8_t *head, size_t hlen,
		    uint64_t size, uint64_t mtime_ns, const char *time_from, more_fn more, void *ud)
{
	struct imp_class c;
	struct imp_file f = { 0 };
	struct fw_buf all;
	int r;

	input_facts_from_name(w->im, name);
	imp_classify(name, head, hlen, &c);
	if (c.format == IMP_UNKNOWN || c.format == IMP_FWBOX_BUNDLE) {
		if (c.format == IMP_FWBOX_BUNDLE || strcmp(c.why, "not a capture fwbox imports"))
			w->im->ignore(w->im->ud, w->input, name, 0, false, "%s", c.why);
		else
			w->unrelated++;
		return 0;
	}
	if (size > FW_LIMIT_IMPORT_FILE) {
		w->im->ignore(w->im->ud, w->input, name, 0, true,
			   "%llu bytes, larger than FW_LIMIT_IMPORT_FILE (%llu)",
			   (unsigned long long)size, (unsigned long long)FW_LIMIT_IMPORT_FILE);
		return 0;
	}
	fw_buf_init(&all, FW_LIMIT_IMPORT_FILE);
	/* The size is known (and bounded just above): one allocation, no
	 * copies while the buffer doubles. */
	r = fw_buf_reserve(&all, size > hlen ? (size_t)size : hlen);
	if (r >= 0)
		r = fw_buf_put(&all, head, hlen);
	if (r >= 0 && hlen < size)
		r = more(ud, &all);
	if (r < 0) {
		fw_buf_release(&all);
		if (r == -ENOMEM)
			return fw_error(w->im->ctx, r, "out of memory");
		return r;
	}
	f.input = w->input;
	f.name = name;
	f.data = all.data ? all.data : (const uint8_t *)"";
	f.len = all.len;
	f.mtime_ns = mtime_ns;
	f.time_from = time_from;
	r = fw_sha256(f.data, f.len, f.sha256);
	if (r >= 0)
		r = w->im->take(w->im->ud, &f, &c);
	fw_buf_release(&all);
	return r;
}

/* --- archives --- */

struct arc_more {
	struct bundle_archive *a;
};

static int arc_more(void *ud, struct fw_buf *all)
{
	struct arc_more *m = ud;
	uint8_t buf[65536];
	size_t n;
	int r;

	for (;;) {
		r = bundle_archive_read(m->a, buf, sizeof(buf), &n);
		if (r < 0)
			return r;
		if (!n)
			return 0;
		r = fw_buf_put(all, buf, n);
		if (r < 0)
			return r;
	}
}

static int walk_archive(struct walk *w, struct bundle_archive *a)
{
	struct bundle_archive_entry e;
	uint8_t *head = malloc(HEAD_BYTES);
	struct arc_more m = { a };
	int r;

	if (!head)
		return fw_error(w->im->ctx, -ENOMEM, "out of memory");
	while ((r = bundle_archive_next(a, &e)) > 0) {
		size_t hlen = 0, n;

		if (e.type == BUNDLE_ARCHIVE_DIR)
			continue;
		if (e.type == BUNDLE_ARCHIVE_SKIP) {
			w->im->ignore(w->im->ud, w->input, e.name, 0, false, "%s, skipping", e.skip_reason);
			continue;
		}
		while (hlen < HEAD_BYTES && hlen < e.size) {
			r = bundle_archive_read(a, head + hlen, HEAD_BYTES - hlen, &n);
			if (r < 0)
				goto out;
			if (!n)
				break;
			hlen += n;
		}
		r = consider(w, e.name, head, hlen, e.size, e.mtime_ns, "archive", arc_more, &m);
		if (r < 0)
			goto out;
	}
out:
	free(head);
	return r;
}

static bool archive_magic(const uint8_t *h, size_t n)
{
	static const uint8_t gz[] = { 0x1f, 0x8b }, xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0 },
			     zst[] = { 0x28, 0xb5, 0x2f, 0xfd }, bz[] = { 'B', 'Z', 'h' };

	return (n >= 2 && !memcmp(h, gz, 2)) || (n >= 6 && !memcmp(h, xz, 6)) ||
	       (n >= 4 && !memcmp(h, zst, 4)) || (n >= 3 && !memcmp(h, bz, 3)) ||
	       (n >= 262 && !memcmp(h + 257, "ustar", 5));
}

static void finish_walk(struct walk *w)
{
	if (w->unrelated)
		w->im->ignore(w->im->ud, w->input, NULL, 0, false,
			   "%llu other files hold nothing fwbox imports",
			   (unsigned long long)w->unrelated);
}

int imp_discover_memory(const struct imp_walker *im, const char *input, const void *data, size_t len)
{
	struct walk w = { .im = im, .input = input };
	struct bundle_archive *a = NULL;
	int r;

	r = bundle_archive_open_memory(im->ctx, data, len, &a);
	if (r < 0)
		return r;
	r = walk_archive(&w, a);
	bundle_archive_close(a);
	finish_walk(&w);
	return r;
}

/* --- files and folders --- */

struct fd_more {
	int fd;
	const char *path;
	struct fw_ctx *ctx;
};

static int fd_more(void *ud, struct fw_buf *all)
{
	struct fd_more *m = ud;
	uint8_t buf[65536];

	for (;;) {
		ssize_t n = read(m->fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fw_error(m->ctx, -errno, "'%s': %m", m->path);
		if (!n)
			return 0;
		if (fw_buf_put(all, buf, (size_t)n) < 0)
			return fw_error(m->ctx, -EOVERFLOW, "'%s' grew past FW_LIMIT_IMPORT_FILE",
					m->path);
	}
}

static int walk_file(struct walk *w, const char *path, const char *name, bool top)
{
	struct fw_ctx *ctx = w->im->ctx;
	uint8_t *head = NULL;
	struct stat st;
	size_t hlen = 0;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		if (top)
			return fw_error(ctx, -errno, "'%s': %m", path);
		w->im->ignore(w->im->ud, w->input, name, 0, true, "cannot open: %s", strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		if (top)
			return fw_error(ctx, -EINVAL, "'%s' is not a regular file or folder", path);
		w->im->ignore(w->im->ud, w->input, name, 0, false, "not a regular file, skipping");
		return 0;
	}
	head = malloc(HEAD_BYTES);
	if (!head) {
		close(fd);
		return fw_error(ctx, -ENOMEM, "out of memory");
	}
	while (hlen < HEAD_BYTES) {
		ssize_t n = read(fd, head + hlen, HEAD_BYTES - hlen);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = top ? fw_error(ctx, -errno, "'%s': %m", path) : 0;
			if (!top)
				w->im->ignore(w->im->ud, w->input, name, 0, true, "cannot read: %s",
					   strerror(errno));
			goto out;
		}
		if (!n)
			break;
		hlen += (size_t)n;
	}
	w->im->count(w->im->ud, (uint64_t)st.st_size);
	if (archive_magic(head, hlen) && !(hlen >= 4 && head_resdump(head, hlen))) {
		struct bundle_archive *a = NULL;
		const char *b = base_name(name);

		if (!strncmp(b, "fwbox-", 6)) {
			w->im->ignore(w->im->ud, w->input, name, 0, false,
				   "already an fwbox bundle: give it to fwbox load");
			goto out;
		}
		r = bundle_archive_open(ctx, path, &a);
		if (r >= 0) {
			r = walk_archive(w, a);
			bundle_archive_close(a);
		}
		if (r < 0 && !top && r != -ENOMEM && r != -EINTR) {
			w->im->ignore(w->im->ud, w->input, name, 0, true, "%s", fw_ctx_errmsg(ctx));
			fw_ctx_clear_error(ctx);
			r = 0;
		}
		goto out;
	}
	{
		struct fd_more m = { fd, path, ctx };

		r = consider(w, name, head, hlen, (uint64_t)st.st_size,
			     (uint64_t)st.st_mtim.tv_sec * 1000000000ull + (uint64_t)st.st_mtim.tv_nsec,
			     "file", fd_more, &m);
	}
out:
	free(head);
	close(fd);
	return r;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int walk_dir(struct walk *w, const char *path, const char *name, unsigned depth)
{
	struct fw_ctx *ctx = w->im->ctx;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	if (depth > FW_LIMIT_IMPORT_DEPTH) {
		w->im->ignore(w->im->ud, w->input, name, 0, false,
			   "deeper than FW_LIMIT_IMPORT_DEPTH (%u) folders, skipping",
			   FW_LIMIT_IMPORT_DEPTH);
		return 0;
	}
	d = opendir(path);
	if (!d) {
		if (!depth)
			return fw_error(ctx, -errno, "'%s': %m", path);
		w->im->ignore(w->im->ud, w->input, name, 0, true, "cannot open the folder: %s",
			   strerror(errno));
		return 0;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		r = fw_grow((void **)&names, &cap, n + 1, sizeof(*names), FW_LIMIT_ARCHIVE_ENTRIES);
		if (r < 0 || !(names[n] = strdup(de->d_name))) {
			r = fw_error(ctx, r == -EOVERFLOW ? r : -ENOMEM,
				     "'%s': more entries than fwbox reads (FW_LIMIT_ARCHIVE_ENTRIES)",
				     path);
			goto out;
		}
		n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && r >= 0; i++) {
		char *full = NULL, *rel = NULL;
		struct stat st;

		if (fw_ctx_cancelled(ctx)) {
			r = fw_error(ctx, -EINTR, "interrupted");
			break;
		}
		if (asprintf(&full, "%s/%s", path, names[i]) < 0 ||
		    asprintf(&rel, "%s%s%s", name, *name ? "/" : "", names[i]) < 0) {
			free(full);
			r = fw_error(ctx, -ENOMEM, "out of memory");
			break;
		}
		if (lstat(full, &st) < 0)
			w->im->ignore(w->im->ud, w->input, rel, 0, true, "cannot stat: %s", strerror(errno));
		else if (S_ISDIR(st.st_mode))
			r = walk_dir(w, full, rel, depth + 1);
		else if (S_ISREG(st.st_mode))
			r = walk_file(w, full, rel, false);
		else
			w->im->ignore(w->im->ud, w->input, rel, 0, false, "%s, skipping",
				   S_ISLNK(st.st_mode) ? "a symbolic link" : "not a regular file");
		free(full);
		free(rel);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return r;
}

int imp_discover(const struct imp_walker *im, const char *path)
{
	struct walk w = { .im = im, .input = path };
	struct stat st;
	int r;

	if (stat(path, &st) < 0)
		return fw_error(im->ctx, -errno, "'%s': %m", path);
	if (S_ISDIR(st.st_mode))
		r = walk_dir(&w, path, "", 0);
	else
		r = walk_file(&w, path, base_name(path), true);
	finish_walk(&w);
	return r;
}
