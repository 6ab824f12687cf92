/* SPDX-License-Identifier: MIT */
/*
 * import: the session.  Files found by discover.c are converted by their
 * format's parser into artifacts, grouped per card and capture, and each
 * group is written as one bundle when its input has been read.  Converted
 * bytes wait in a spill file, not in memory (see "spilling" below).
 *
 * Grouping: a file names its card (PCI function) and often its run
 * ("mstdump_<BDF>_run_2"); each run is a capture of its own, the files
 * without a run (flint, devlink, registers, traces) join the card's first
 * run.  Files naming no card join the only card of the input, or the card
 * --device-hint names, or stay "unknown".  Two files of one kind in one
 * capture (two CR-space dumps without run numbers) make two captures.
 *
 * Identity: a bundle's UUID is derived from what it holds (the SHA-256 of
 * every source file, kinds, card and run), and its file name carries the
 * UUID's first eight digits, so importing the same captures again makes
 * the same bundle: it is reported as existing and not written twice, and
 * fwbox load sees the same UUID.
 *
 * Time: created_ns is the capture time found in the source (the archive
 * entry's or the file's modification time, the earliest of the capture's
 * files), never the time of the import, which is kept apart as imported_ns.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/limits.h"
#include "import/import-internal.h"
#include "store/store.h"
#include "trace-match.h"
#include "trace.h"

/* An artifact: its bytes in memory (data; what goes in beside the
 * captures: host facts, a strings DB) or, for the converted captures,
 * len bytes at off in the input's spill file (spilled). */
struct art {
	char *kind;
	uint8_t *data;
	size_t len;
	bool spilled;
	uint64_t off;
	char *source_name;
	uint8_t source_sha256[FW_SHA256_LEN];
	const char *tool;
	enum bundle_outcome outcome;
	char *reason;
	uint64_t records, rejected;
	uint64_t time_ns;
	const char *time_from;
};

/* Bytes read back from the spill file at a time, and what a bundle writer
 * may stage in memory before it spills too. */
#define SPILL_CHUNK (256u << 10)
#define IMPORT_STAGE_MEMORY (16u << 20)

struct group {
	char card[64];
	unsigned run;
	struct art *arts;
	size_t n, cap;
};

struct cardinfo {
	char card[64];
	char fw_version[64], psid[64], board[128];
};

/* A strings DB for one firmware version, loaded once. */
struct strsrc {
	char fw[64];
	bool tried, ok;
	char *path;
	char note[256];
	uint8_t *cap;
	size_t cap_len;
	uint8_t cap_sha[FW_SHA256_LEN];
	uint8_t *sec[TRACE_STRINGS_DB_MAX];
	size_t sec_len[TRACE_STRINGS_DB_MAX];
	uint8_t sec_sha[TRACE_STRINGS_DB_MAX][FW_SHA256_LEN];
	struct trace_strdb *db;
	struct trace_matcher *m;
};

struct import {
	struct fw_ctx *ctx;
	struct import_options o;
	const struct import_sink *sink;
	void *ud;
	struct import_stats st;

	/* The input being read. */
	const char *input;
	uint8_t input_sha[FW_SHA256_LEN];
	struct group *groups;
	size_t ng, gcap;
	struct cardinfo *cards;
	size_t nc, ccap;
	char host[256];
	struct fw_buf hostinfo;
	char kernel[256];
	uint64_t host_time;
	struct art hostart;            /* provenance of the host facts (first file) */

	struct strsrc *src;
	size_t nsrc, srccap;

	/* The converted captures of the input being read, until its bundles
	 * are written: an unnamed temporary file (see spill_open()). */
	int spill_fd;
	uint64_t spill_size;
	char spill_dir[512];
};

static void imp_count_bytes(void *ud, uint64_t n)
{
	struct import *im = ud;

	im->st.bytes_read += n;
}

const struct import_stats *import_get_stats(const struct import *im)
{
	return &im->st;
}

static void imp_ignore(void *ud, const char *input, const char *name, uint64_t line, bool error,
		       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void imp_ignore(void *ud, const char *input, const char *name, uint64_t line, bool error,
		       const char *fmt, ...)
{
	struct import *im = ud;
	struct import_ignored ig = { .input = input, .name = name, .line = line, .error = error };
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	ig.why = why;
	im->st.ignored++;
	if (error)
		im->st.errors++;
	if (im->sink->ignored)
		im->sink->ignored(im->ud, &ig);
}

static void imp_set_input_facts(void *ud, const char *host, uint64_t time_ns)
{
	struct import *im = ud;

	if (host && *host && !im->host[0])
		snprintf(im->host, sizeof(im->host), "%s", host);
	if (time_ns && !im->host_time)
		im->host_time = time_ns;
}

int import_new(struct fw_ctx *ctx, const struct import_options *opts,
	       const struct import_sink *sink, void *ud, struct import **ret)
{
	struct import *im = calloc(1, sizeof(*im));

	if (!im)
		return fw_error(ctx, -ENOMEM, "out of memory");
	im->ctx = ctx;
	im->o = *opts;
	im->sink = sink;
	im->ud = ud;
	fw_buf_init(&im->hostinfo, FW_LIMIT_NOTE_STRING);
	im->spill_fd = -1;
	*ret = im;
	return 0;
}

/* ------------------------------------------------------------- spilling */

/*
 * Memory stays bounded whatever the size of the input: an archive's
 * captures cannot be written as they come (a card's bundle needs all of
 * the card's files, which an archive lists in any order, and the grouping
 * rules need the whole input), so each converted capture goes to a spill
 * file as soon as it is parsed and only its metadata stays in memory.  At
 * the end of the input each bundle is streamed from there.  Peak memory is
 * then that of the largest single file (read whole, FW_LIMIT_IMPORT_FILE)
 * plus the writer's staging, not the sum of all files.
 *
 * The spill file has no name (O_TMPFILE; without it a name unlinked at
 * once), so nothing is left on disk on any failure or crash.  It lives in
 * the output folder (the bundles need the space there anyway), else in
 * $TMPDIR or /tmp.
 */
static int spill_try(struct import *im, const char *dir)
{
	char *tmpl = NULL;
	int fd;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		/* No O_TMPFILE on this file system: a name for an instant. */
		if (asprintf(&tmpl, "%s/.fwbox-import-XXXXXX", dir) < 0)
			return -ENOMEM;
		fd = mkostemp(tmpl, O_CLOEXEC);
		if (fd >= 0)
			unlink(tmpl);
		free(tmpl);
	}
	if (fd < 0)
		return -errno;
	im->spill_fd = fd;
	snprintf(im->spill_dir, sizeof(im->spill_dir), "%s", dir);
	return 0;
}

static int spill_open(struct import *im)
{
	const char *tmp = getenv("TMPDIR");
	int r;

	r = spill_try(im, im->o.output_dir ? im->o.output_dir : ".");
	if (r < 0 && r != -ENOMEM)
		r = spill_try(im, tmp && *tmp ? tmp : "/tmp");
	if (r == -ENOMEM)
		return fw_error(im->ctx, r, "out of memory");
	if (r < 0)
		return fw_error(im->ctx, r,
				"cannot make a temporary file for the converted captures in '%s' "
				"or '%s': %s", im->o.output_dir ? im->o.output_dir : ".",
				tmp && *tmp ? tmp : "/tmp", strerror(-r));
	return 0;
}

static void spill_close(struct import *im)
{
	if (im->spill_fd >= 0)
		close(im->spill_fd);
	im->spill_fd = -1;
	im->spill_size = 0;
}

/* Append len bytes to the spill file; *ret_off is where they start. */
static int spill_put(struct import *im, const void *data, size_t len, uint64_t *ret_off)
{
	const uint8_t *p = data;
	uint64_t off;
	int r;

	if (im->spill_fd < 0) {
		r = spill_open(im);
		if (r < 0)
			return r;
	}
	off = im->spill_size;
	*ret_off = off;
	while (len) {
		ssize_t n = pwrite(im->spill_fd, p, len > (1u << 30) ? (1u << 30) : len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fw_error(im->ctx, n < 0 ? -errno : -EIO,
					"writing the converted captures to a temporary file in "
					"'%s': %s (import needs about as much free space there as the "
					"captures take)", im->spill_dir,
					n < 0 ? strerror(errno) : "no progress");
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	im->spill_size = off;
	return 0;
}

/* Read len bytes at off of the spill file into buf. */
static int spill_get(struct import *im, uint64_t off, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(im->spill_fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fw_error(im->ctx, n < 0 ? -errno : -EIO,
					"reading the converted captures back from a temporary file "
					"in '%s': %s", im->spill_dir,
					n < 0 ? strerror(errno) : "it is shorter than written");
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static void art_release(struct art *a)
{
	free(a->kind);
	free(a->data);
	free(a->source_name);
	free(a->reason);
	memset(a, 0, sizeof(*a));
}

static void groups_release(struct import *im)
{
	for (size_t g = 0; g < im->ng; g++) {
		for (size_t i = 0; i < im->groups[g].n; i++)
			art_release(&im->groups[g].arts[i]);
		free(im->groups[g].arts);
	}
	free(im->groups);
	im->groups = NULL;
	im->ng = im->gcap = 0;
	free(im->cards);
	im->cards = NULL;
	im->nc = im->ccap = 0;
	im->host[0] = im->kernel[0] = '\0';
	im->host_time = 0;
	fw_buf_release(&im->hostinfo);
	fw_buf_init(&im->hostinfo, FW_LIMIT_NOTE_STRING);
	art_release(&im->hostart);
	spill_close(im);
}

static void strsrc_release(struct strsrc *s)
{
	free(s->path);
	free(s->cap);
	for (unsigned i = 0; i < TRACE_STRINGS_DB_MAX; i++)
		free(s->sec[i]);
	trace_matcher_free(s->m);
	trace_strdb_free(s->db);
}

void import_free(struct import *im)
{
	if (!im)
		return;
	groups_release(im);
	fw_buf_release(&im->hostinfo);
	for (size_t i = 0; i < im->nsrc; i++)
		strsrc_release(&im->src[i]);
	free(im->src);
	free(im);
}

/* ------------------------------------------------------------ grouping */

static bool is_pci(const char *s)
{
	char out[16];

	return strlen(s) == 12 && imp_find_pci(s, 12, out) && !strcmp(out, s);
}

static struct cardinfo *card_info(struct import *im, const char *card, bool create)
{
	for (size_t i = 0; i < im->nc; i++)
		if (!strcmp(im->cards[i].card, card))
			return &im->cards[i];
	if (!create || fw_grow((void **)&im->cards, &im->ccap, im->nc + 1, sizeof(*im->cards), 4096) < 0)
		return NULL;
	memset(&im->cards[im->nc], 0, sizeof(im->cards[0]));
	snprintf(im->cards[im->nc].card, sizeof(im->cards[0].card), "%s", card);
	return &im->cards[im->nc++];
}

static struct group *find_group(struct import *im, const char *card, unsigned run)
{
	for (size_t g = 0; g < im->ng; g++)
		if (im->groups[g].run == run && !strcmp(im->groups[g].card, card))
			return &im->groups[g];
	return NULL;
}

static struct group *new_group(struct import *im, const char *card, unsigned run)
{
	struct group *g;

	if (fw_grow((void **)&im->groups, &im->gcap, im->ng + 1, sizeof(*im->groups),
		    FW_LIMIT_ARCHIVE_ENTRIES) < 0)
		return NULL;
	g = &im->groups[im->ng++];
	memset(g, 0, sizeof(*g));
	snprintf(g->card, sizeof(g->card), "%s", card);
	g->run = run;
	return g;
}

static bool group_has(const struct group *g, const char *kind)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->arts[i].kind, kind))
			return true;
	return false;
}

static unsigned max_run(struct import *im, const char *card)
{
	unsigned m = 0;

	for (size_t g = 0; g < im->ng; g++)
		if (!strcmp(im->groups[g].card, card) && im->groups[g].run > m)
			m = im->groups[g].run;
	return m;
}

/* Move a (its buffers) into the group of card/run, or a new run of the
 * card if that group has the kind already. */
static int place(struct import *im, const char *card, unsigned run, struct art *a)
{
	struct group *g = find_group(im, card, run);

	if (g && group_has(g, a->kind)) {
		run = max_run(im, card) + 1;
		g = NULL;
	}
	if (!g)
		g = new_group(im, card, run);
	if (!g || fw_grow((void **)&g->arts, &g->cap, g->n + 1, sizeof(*g->arts), FW_LIMIT_MEMBERS) < 0)
		return fw_error(im->ctx, -ENOMEM, "out of memory");
	g->arts[g->n++] = *a;
	memset(a, 0, sizeof(*a));
	return 0;
}

/* Kind-safe: [A-Za-z0-9._-], at most 48 bytes, "unknown" if empty. */
static void kind_part(char *dst, size_t size, const char *s)
{
	size_t k = 0;

	for (; s && *s && k + 1 < size && k < 48; s++) {
		char c = *s;

		dst[k++] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    c == '.' || c == '_' || c == '-') ? c : '_';
	}
	dst[k] = '\0';
	if (!k)
		snprintf(dst, size, "unknown");
}

static void add_host_line(struct import *im, const char *key, const uint8_t *v, size_t n)
{
	size_t k = 0;

	while (k < n && v[k] != '\n' && v[k] != '\r')
		k++;
	while (k && v[k - 1] == ' ')
		k--;
	if (!k)
		return;
	fw_buf_printf(&im->hostinfo, "%s=%.*s\n", key, (int)(k > 1024 ? 1024 : k), (const char *)v);
}

static int host_fact(struct import *im, const struct imp_file *f, const struct imp_class *c)
{
	if (!strcmp(c->fact, "hostname")) {
		size_t k = 0;

		while (k < f->len && k + 1 < sizeof(im->host) && f->data[k] > ' ')
			k++;
		if (k && !im->host[0])
			snprintf(im->host, sizeof(im->host), "%.*s", (int)k, (const char *)f->data);
		add_host_line(im, "hostname", f->data, f->len);
	} else if (!strcmp(c->fact, "uname")) {
		/* "Linux HOST RELEASE #VERSION ..." */
		char buf[512];
		size_t k = 0;
		char *save = NULL, *tok;
		int i = 0;

		while (k < f->len && k + 1 < sizeof(buf) && f->data[k] != '\n') {
			buf[k] = (char)f->data[k];
			k++;
		}
		buf[k] = '\0';
		for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save), i++)
			if (i == 2) {
				snprintf(im->kernel, sizeof(im->kernel), "%s", tok);
				fw_buf_printf(&im->hostinfo, "kernel.release=%s\n", tok);
			}
		add_host_line(im, "uname", f->data, f->len);
	} else {
		add_host_line(im, "kernel.cmdline", f->data, f->len);
	}
	if (!im->hostart.source_name) {
		im->hostart.source_name = strdup(f->name);
		memcpy(im->hostart.source_sha256, f->sha256, FW_SHA256_LEN);
		im->hostart.tool = c->tool;
		im->hostart.time_ns = f->mtime_ns;
		im->hostart.time_from = f->time_from;
	}
	return 0;
}

static char *outcome_reason(const struct imp_file *f, const struct imp_parse *p, enum bundle_outcome o)
{
	char *s = NULL;
	int r = 0;

	if (o == BUNDLE_OUTCOME_OK) {
		r = asprintf(&s, "%s", p->note);
	} else if (!p->records) {
		if (p->tool_error[0])
			r = asprintf(&s, "'%s': the tool failed: %s", f->name, p->tool_error);
		else if (p->first_bad[0] && p->first_bad_line)
			r = asprintf(&s, "'%s' line %llu: %s", f->name,
				     (unsigned long long)p->first_bad_line, p->first_bad);
		else if (p->first_bad[0])
			r = asprintf(&s, "'%s': %s", f->name, p->first_bad);
		else
			r = asprintf(&s, "'%s' holds no data", f->name);
	} else if (p->rejected) {
		r = asprintf(&s, "'%s': %llu of %llu records rejected, the first %s%llu: %s%s%s", f->name,
			     (unsigned long long)p->rejected,
			     (unsigned long long)(p->rejected + p->records),
			     p->first_bad_line ? "at line " : "", (unsigned long long)p->first_bad_line,
			     p->first_bad, p->tool_error[0] ? "; the tool said " : "", p->tool_error);
	} else {
		r = asprintf(&s, "'%s': the tool failed part way: %s", f->name, p->tool_error);
	}
	return r < 0 ? NULL : s;
}

/*
 * A devlink cr-space region (what sysinfo-snapshot saves for a stored
 * fw_fatal dump) is the crdump: the kernel's fw_fatal reporter hands the
 * same bytes out as its "crdump_data" binary value.  Written as that
 * reporter's dump in devlink's JSON, the health decoder reads it as the
 * crdump it is (little-endian dwords, 0xBADACCE5 words never read).
 */
static int region_to_crdump(struct imp_parse *p)
{
	struct fw_buf out;
	int r;

	fw_buf_init(&out, FW_LIMIT_JSON_INPUT);
	r = fw_buf_puts(&out, "{\"crdump_data\":[");
	for (size_t i = 0; r >= 0 && i < p->out.len; i++)
		r = fw_buf_printf(&out, "%s%u", i ? "," : "", p->out.data[i]);
	if (r >= 0)
		r = fw_buf_puts(&out, "]}");
	if (r < 0) {
		fw_buf_release(&out);
		if (r == -EOVERFLOW)
			snprintf(p->note, sizeof(p->note), "region larger than FW_LIMIT_JSON_INPUT as JSON");
		return r;
	}
	fw_buf_release(&p->out);
	p->out = out;
	return 0;
}

static int imp_take_file(void *ud, const struct imp_file *f, const struct imp_class *c)
{
	struct import *im = ud;
	struct imp_parse p;
	struct art a = { 0 };
	char kind[128], part[64], card[64] = "";
	const char *dev, *rname;
	bool json = false;
	int r = 0;

	im->st.files++;
	if (c->format == IMP_HOST_FACT)
		return host_fact(im, f, c);
	imp_parse_init(&p, FW_LIMIT_MEMBER_SIZE);
	for (size_t i = 0; i < f->len && i < 4096; i++) {
		if (f->data[i] == ' ' || f->data[i] == '\n' || f->data[i] == '\t' || f->data[i] == '\r')
			continue;
		json = f->data[i] == '{' || f->data[i] == '[';
		break;
	}
	if (c->pci[0])
		snprintf(card, sizeof(card), "%s", c->pci);
	else if (im->o.device_hint && is_pci(im->o.device_hint))
		snprintf(card, sizeof(card), "%s", im->o.device_hint);
	dev = card[0] ? card : NULL;
	switch (c->format) {
	case IMP_CRSPACE_TEXT:
		r = imp_crspace_text(f->data, f->len, &p);
		snprintf(kind, sizeof(kind), "crspace");
		break;
	case IMP_DEVLINK_REPORTERS:
		r = imp_devlink_json(f->data, f->len, &p);
		snprintf(kind, sizeof(kind), "health.reporters");
		break;
	case IMP_DEVLINK_DIAGNOSE:
	case IMP_DEVLINK_DUMP:
		r = json ? imp_devlink_json(f->data, f->len, &p) : imp_devlink_text(f->data, f->len, &p);
		kind_part(part, sizeof(part), c->name[0] ? c->name : p.name);
		snprintf(kind, sizeof(kind), "health.%s%s", part,
			 c->format == IMP_DEVLINK_DIAGNOSE ? ".diagnose" : "");
		if (!json && r >= 0 && p.records)
			snprintf(p.note, sizeof(p.note),
				 "converted from devlink's text output to its JSON");
		break;
	case IMP_DEVLINK_REGION:
		r = imp_devlink_region(f->data, f->len, &p);
		/* The region the content names (a saved command line, the JSON's
		 * handle) wins over the file name's. */
		rname = p.name[0] ? p.name : c->name;
		if (r >= 0 && (!rname[0] || !strcmp(rname, "cr-space") || !strcmp(rname, "crdump"))) {
			if (p.records)
				r = region_to_crdump(&p);
			snprintf(kind, sizeof(kind), "health.fw_fatal");
		} else {
			kind_part(part, sizeof(part), rname);
			snprintf(kind, sizeof(kind), "region.%s", part);
		}
		break;
	case IMP_TRACE_TEXT:
		r = imp_trace_text(f->data, f->len, dev, &p);
		snprintf(kind, sizeof(kind), "trace.text");
		break;
	case IMP_RESDUMP_BIN:
		r = imp_resdump_bin(f->data, f->len, &p);
		if (!strcasecmp(c->name, "CRSPACE")) {
			snprintf(kind, sizeof(kind), "crspace");
		} else {
			kind_part(part, sizeof(part), c->name[0] ? c->name : p.name[0] ? p.name : "dump");
			snprintf(kind, sizeof(kind), "resdump.%s", part);
		}
		break;
	case IMP_REG_TABLE:
		r = imp_regtable(f->data, f->len, c->name[0] ? c->name : NULL, &p);
		if (!p.name[0]) {
			/* Not malformed: a register fwbox cannot decode. */
			imp_ignore(im, f->input, f->name, 0, false, "%s%s", p.first_bad,
				   c->name[0] ? " (fwbox decodes catalog registers only)" :
						": the file name gives no --reg_name");
			goto out;
		}
		snprintf(kind, sizeof(kind), "reg.%s", p.name);
		break;
	case IMP_FLINT_QUERY: {
		struct cardinfo *ci;

		r = imp_flint_query(f->data, f->len, &p);
		snprintf(kind, sizeof(kind), "flint.query");
		ci = card[0] ? card_info(im, card, true) : NULL;
		if (ci && p.fw_version[0])
			snprintf(ci->fw_version, sizeof(ci->fw_version), "%s", p.fw_version);
		if (ci && p.psid[0])
			snprintf(ci->psid, sizeof(ci->psid), "%s", p.psid);
		if (ci && p.board[0])
			snprintf(ci->board, sizeof(ci->board), "%s", p.board);
		break;
	}
	default:
		goto out;
	}
	if (r == -ENOMEM) {
		r = fw_error(im->ctx, r, "out of memory");
		goto out;
	}
	if (r < 0) {
		/* A limit: the file is refused whole, the input goes on. */
		imp_ignore(im, f->input, f->name, 0, true, "%s",
			   p.note[0] ? p.note : "beyond a named limit");
		r = 0;
		goto out;
	}
	if (!card[0] && p.pci[0])
		snprintf(card, sizeof(card), "%s", p.pci);
	a.outcome = !p.records ? BUNDLE_OUTCOME_FAILED :
		    (p.rejected || p.tool_error[0]) ? BUNDLE_OUTCOME_PARTIAL : BUNDLE_OUTCOME_OK;
	a.kind = strdup(kind);
	a.source_name = strdup(f->name);
	a.reason = outcome_reason(f, &p, a.outcome);
	if (!a.kind || !a.source_name || !a.reason) {
		r = fw_error(im->ctx, -ENOMEM, "out of memory");
		goto out;
	}
	memcpy(a.source_sha256, f->sha256, FW_SHA256_LEN);
	a.tool = c->tool;
	a.records = p.records;
	a.rejected = p.rejected;
	a.time_ns = f->mtime_ns;
	a.time_from = f->time_from;
	if (a.outcome != BUNDLE_OUTCOME_FAILED) {
		r = spill_put(im, p.out.data, p.out.len, &a.off);
		if (r < 0)
			goto out;
		a.len = p.out.len;
		a.spilled = true;
	}
	if (a.outcome != BUNDLE_OUTCOME_OK) {
		/* The reason starts with the file's name, which the report has. */
		size_t skip = strlen(f->name) + 4;

		imp_ignore(im, f->input, f->name, p.first_bad_line, true, "%s",
			   strlen(a.reason) > skip ? a.reason + skip : a.reason);
	}
	/* Nothing lost: a file that did not convert cleanly also goes in as
	 * it was, as source.<kind>. */
	if (a.outcome != BUNDLE_OUTCOME_OK) {
		struct art o = { 0 };

		snprintf(kind, sizeof(kind), "source.%s", a.kind);
		o.kind = strdup(kind);
		o.source_name = strdup(f->name);
		if (!o.kind || !o.source_name) {
			art_release(&o);
			r = fw_error(im->ctx, -ENOMEM, "out of memory");
			goto out;
		}
		r = spill_put(im, f->data, f->len, &o.off);
		if (r < 0) {
			art_release(&o);
			goto out;
		}
		o.len = f->len;
		o.spilled = true;
		memcpy(o.source_sha256, f->sha256, FW_SHA256_LEN);
		o.tool = c->tool;
		o.outcome = BUNDLE_OUTCOME_OK;
		o.reason = strdup("");
		o.time_ns = f->mtime_ns;
		o.time_from = f->time_from;
		r = place(im, card, c->run, &a);
		if (r >= 0) {
			/* beside its conversion */
			struct group *g = NULL;

			for (size_t i = 0; i < im->ng && !g; i++)
				for (size_t j = 0; j < im->groups[i].n; j++)
					if (im->groups[i].arts[j].source_name &&
					    !strcmp(im->groups[i].arts[j].source_name, f->name) &&
					    !memcmp(im->groups[i].arts[j].source_sha256, f->sha256,
						    FW_SHA256_LEN))
						g = &im->groups[i];
			r = place(im, card, g ? g->run : c->run, &o);
		}
		art_release(&o);
		goto out;
	}
	r = place(im, card, c->run, &a);
out:
	art_release(&a);
	imp_parse_release(&p);
	return r;
}

/* ------------------------------------------------------------- strings */

static int read_side(struct fw_ctx *ctx, struct bundle *b, const char *kind, size_t max,
		     uint8_t **data, size_t *len, uint8_t sha[FW_SHA256_LEN])
{
	const struct bundle_artifact *a = bundle_find_kind(b, kind);
	void *d = NULL;
	int r;

	if (!a || !a->size || a->outcome != BUNDLE_OUTCOME_OK)
		return 0;
	r = bundle_read_kind(b, kind, max, &d, len);
	if (r < 0)
		return r;
	(void)ctx;
	*data = d;
	memcpy(sha, a->sha256, FW_SHA256_LEN);
	return 1;
}

/* Load the strings DB of bundle path into s; false (s->note says why) if
 * it has none or not of firmware fw. */
static bool load_strings(struct import *im, struct strsrc *s, const char *path, const char *fw)
{
	struct bundle *b = NULL;
	const struct bundle_device *d;
	struct trace_cap cap;
	bool ok = false;
	int r;

	r = bundle_open(im->ctx, path, &b);
	if (r < 0) {
		snprintf(s->note, sizeof(s->note), "%s", fw_ctx_errmsg(im->ctx));
		fw_ctx_clear_error(im->ctx);
		return false;
	}
	d = bundle_get_device(b);
	if (fw && d && d->fw_version && *d->fw_version && strcmp(d->fw_version, fw)) {
		snprintf(s->note, sizeof(s->note),
			 "'%s' is firmware %s, the capture firmware %s: its formats would not fit",
			 path, d->fw_version, fw);
		goto out;
	}
	r = read_side(im->ctx, b, "trace.cap", 4096, &s->cap, &s->cap_len, s->cap_sha);
	if (r <= 0) {
		snprintf(s->note, sizeof(s->note), "'%s' holds no MTRC_CAP (trace.cap)%s%s", path,
			 r < 0 ? ": " : "", r < 0 ? fw_ctx_errmsg(im->ctx) : "");
		goto out;
	}
	for (unsigned i = 0; i < TRACE_STRINGS_DB_MAX; i++) {
		char kind[32];

		snprintf(kind, sizeof(kind), "trace.strings.%u", i);
		r = read_side(im->ctx, b, kind, FW_LIMIT_STRINGS_DB_SECTION, &s->sec[i],
			      &s->sec_len[i], s->sec_sha[i]);
		if (r < 0) {
			snprintf(s->note, sizeof(s->note), "%s", fw_ctx_errmsg(im->ctx));
			goto out;
		}
	}
	if (trace_cap_parse(im->ctx, s->cap, s->cap_len, &cap) < 0 ||
	    trace_strdb_new(im->ctx, &cap, &s->db) < 0) {
		snprintf(s->note, sizeof(s->note), "'%s': %s", path, fw_ctx_errmsg(im->ctx));
		goto out;
	}
	for (unsigned i = 0; i < TRACE_STRINGS_DB_MAX; i++)
		if (s->sec[i] && trace_strdb_set_section(s->db, i, s->sec[i], s->sec_len[i]) < 0) {
			snprintf(s->note, sizeof(s->note), "'%s': %s", path, fw_ctx_errmsg(im->ctx));
			goto out;
		}
	if (trace_matcher_new(im->ctx, &s->m) < 0 || trace_matcher_add_strdb(s->m, s->db) < 0) {
		snprintf(s->note, sizeof(s->note), "out of memory");
		goto out;
	}
	s->path = strdup(path);
	ok = s->path != NULL;
out:
	if (!ok) {
		free(s->cap);
		s->cap = NULL;
		for (unsigned i = 0; i < TRACE_STRINGS_DB_MAX; i++) {
			free(s->sec[i]);
			s->sec[i] = NULL;
		}
		trace_matcher_free(s->m);
		s->m = NULL;
		trace_strdb_free(s->db);
		s->db = NULL;
	}
	fw_ctx_clear_error(im->ctx);
	bundle_close(b);
	return ok;
}

static struct strsrc *strings_for(struct import *im, const char *fw)
{
	const char *key = fw ? fw : "";
	struct strsrc *s = NULL;

	for (size_t i = 0; i < im->nsrc; i++)
		if (!strcmp(im->src[i].fw, key))
			return &im->src[i];
	if (fw_grow((void **)&im->src, &im->srccap, im->nsrc + 1, sizeof(*im->src), 1024) < 0)
		return NULL;
	s = &im->src[im->nsrc++];
	memset(s, 0, sizeof(*s));
	snprintf(s->fw, sizeof(s->fw), "%s", key);
	s->tried = true;
	if (im->o.strings_from) {
		s->ok = load_strings(im, s, im->o.strings_from, fw);
		return s;
	}
	if (im->o.db_path) {
		struct store *st = NULL;
		char **files = NULL;
		size_t n = 0;

		if (!fw) {
			snprintf(s->note, sizeof(s->note),
				 "the capture does not say its firmware version: give --fw-version "
				 "to look for its strings database in the history");
			return s;
		}
		if (store_open(im->ctx, im->o.db_path, STORE_OPEN_READONLY, &st) < 0 ||
		    store_strings_sources(st, fw, &files, &n) < 0) {
			snprintf(s->note, sizeof(s->note), "%s", fw_ctx_errmsg(im->ctx));
			fw_ctx_clear_error(im->ctx);
			store_close(st);
			return s;
		}
		store_close(st);
		snprintf(s->note, sizeof(s->note),
			 "no bundle of firmware %s with a strings database in '%s'", fw,
			 im->o.db_path);
		for (size_t i = 0; i < n && !s->ok; i++)
			s->ok = load_strings(im, s, files[i], fw);
		for (size_t i = 0; i < n; i++)
			free(files[i]);
		free(files);
		return s;
	}
	snprintf(s->note, sizeof(s->note),
		 "no strings database given (--strings-from or --db): trace lines stay text");
	return s;
}

/* Count the lines of a trace.text artifact that match a format (the
 * artifact is read back whole: no larger than the file it came from). */
static int count_matches(struct import *im, struct strsrc *s, const struct art *a,
			 uint64_t *lines, uint64_t *matched)
{
	struct imp_lines l;
	const char *line;
	const uint8_t *data = a->data;
	uint8_t *copy = NULL;
	size_t n;
	bool over;
	int r;

	if (a->spilled) {
		copy = malloc(a->len ? a->len : 1);
		if (!copy)
			return fw_error(im->ctx, -ENOMEM, "out of memory");
		r = spill_get(im, a->off, copy, a->len);
		if (r < 0) {
			free(copy);
			return r;
		}
		data = copy;
	}
	imp_lines_init(&l, data, a->len);
	while (imp_lines_next(&l, &line, &n, &over)) {
		struct trace_event ev;
		struct trace_match m;

		if (trace_parse_text_line(line, n, &ev) != 1)
			continue;
		(*lines)++;
		if (s && s->m && trace_matcher_match(s->m, ev.text, (size_t)(line + n - ev.text), &m) == 1)
			(*matched)++;
	}
	free(copy);
	return 0;
}

/* -------------------------------------------------------------- writing */

static const char *card_of(const struct group *g)
{
	return g->card[0] ? g->card : "unknown";
}

/* The UUID covers everything the bundle will hold: the captures (by their
 * sources' SHA-256), what goes in beside them (host facts, a strings DB)
 * and the device facts, so an import with another strings DB or firmware
 * version makes another bundle instead of claiming the first one exists. */
static void make_uuid(struct import *im, const struct group *g, const struct art *extra,
		      size_t nextra, const char *fw, uint8_t uuid[16])
{
	struct fw_sha256 *h = NULL;
	uint8_t d[FW_SHA256_LEN];

	memset(d, 0, sizeof(d));
	if (fw_sha256_new(&h) >= 0) {
		fw_sha256_update(h, "fwbox-import-1", 15);
		fw_sha256_update(h, card_of(g), strlen(card_of(g)) + 1);
		fw_sha256_update(h, &g->run, sizeof(g->run));
		for (size_t i = 0; i < g->n; i++) {
			fw_sha256_update(h, g->arts[i].kind, strlen(g->arts[i].kind) + 1);
			fw_sha256_update(h, g->arts[i].source_sha256, FW_SHA256_LEN);
		}
		for (size_t i = 0; i < nextra; i++) {
			uint64_t len = extra[i].len;

			fw_sha256_update(h, extra[i].kind, strlen(extra[i].kind) + 1);
			fw_sha256_update(h, &len, sizeof(len));
			if (extra[i].len)
				fw_sha256_update(h, extra[i].data, extra[i].len);
		}
		fw_sha256_update(h, fw ? fw : "", fw ? strlen(fw) + 1 : 1);
		fw_sha256_update(h, im->o.device_hint ? im->o.device_hint : "",
				 im->o.device_hint ? strlen(im->o.device_hint) + 1 : 1);
		fw_sha256_final(h, d);
		fw_sha256_free(h);
	}
	memcpy(uuid, d, 16);
	/* RFC 9562 version 8 (custom), variant 10. */
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x80);
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
}

static void file_part(char *dst, size_t size, const char *s)
{
	size_t k = 0;

	for (; *s && k + 1 < size && k < 64; s++)
		dst[k++] = ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			    (*s >= '0' && *s <= '9') || *s == '.' || *s == '-') ? *s : '_';
	dst[k] = '\0';
	if (!k)
		snprintf(dst, size, "unknown");
}

static int add_art(struct import *im, struct bundle_writer *w, const struct art *a,
		   uint8_t *chunk, size_t chunk_size)
{
	struct bundle_artifact m = { 0 };
	struct bundle_stage *st = NULL;
	int r;

	m.kind = a->kind;
	m.outcome = a->outcome;
	m.reason = a->reason ? a->reason : "";
	m.interface = "import";
	m.start_ns = a->time_ns;
	m.end_ns = a->time_ns;
	m.source_name = a->source_name;
	memcpy(m.source_sha256, a->source_sha256, FW_SHA256_LEN);
	m.source_tool = a->tool;
	m.source_records = a->records;
	m.source_rejected = a->rejected;
	if (!a->spilled)
		return bundle_writer_add_borrowed(w, &m, a->data ? a->data : (const uint8_t *)"",
						  a->len);
	/* From the spill file in chunks: the writer stages within its memory
	 * budget and spills the rest itself. */
	r = bundle_writer_begin(w, &st);
	for (uint64_t done = 0; r >= 0 && done < a->len;) {
		size_t n = a->len - done < chunk_size ? (size_t)(a->len - done) : chunk_size;

		r = spill_get(im, a->off + done, chunk, n);
		if (r >= 0)
			r = bundle_stage_append(st, chunk, n);
		done += n;
	}
	if (r >= 0)
		r = bundle_writer_end(w, st, &m);
	/* On failure the writer is freed unwritten, stages with it. */
	return r;
}

static void report_art(struct import *im, const struct art *a)
{
	struct import_artifact ia = {
		.kind = a->kind, .source_name = a->source_name, .source_tool = a->tool,
		.outcome = a->outcome, .reason = a->reason, .records = a->records,
		.rejected = a->rejected, .bytes = a->len,
	};

	im->st.artifacts++;
	if (a->outcome == BUNDLE_OUTCOME_PARTIAL)
		im->st.partial++;
	if (a->outcome == BUNDLE_OUTCOME_FAILED)
		im->st.failed++;
	if (im->sink->artifact)
		im->sink->artifact(im->ud, &ia);
}

static int write_group(struct import *im, struct group *g)
{
	const struct cardinfo *ci = card_info(im, card_of(g), false);
	const char *fw = ci && ci->fw_version[0] ? ci->fw_version : im->o.fw_version;
	struct import_made made = { 0 };
	struct bundle_header h = { 0 };
	struct bundle_device d = { 0 };
	struct bundle_writer_options wo = { .compression = im->o.compression,
					    .stage_memory = IMPORT_STAGE_MEMORY };
	uint8_t *chunk = NULL;
	struct bundle_writer *w = NULL;
	struct strsrc *s = NULL;
	struct art extra[TRACE_STRINGS_DB_MAX + 2];
	size_t nextra = 0;
	uint64_t t = 0, now = fw_now_ns();
	const char *from = "none";
	char stamp[32] = "notime", hostp[80], cardp[80], uuid8[9], *path = NULL, *written = NULL;
	char reason[512], srcname[TRACE_STRINGS_DB_MAX + 1][300];
	struct stat st;
	bool has_trace = false;
	int r = 0;

	memset(extra, 0, sizeof(extra));
	for (size_t i = 0; i < g->n; i++) {
		if (g->arts[i].time_ns && (!t || g->arts[i].time_ns < t)) {
			t = g->arts[i].time_ns;
			from = g->arts[i].time_from;
		}
		if (!strcmp(g->arts[i].kind, "trace.text") && g->arts[i].len)
			has_trace = true;
	}
	if (!t && im->host_time) {
		t = im->host_time;
		from = "content";
	}
	/* Host facts and the strings DB go in beside the captures. */
	if (im->hostinfo.len) {
		struct art *a = &extra[nextra++];

		*a = im->hostart;
		a->kind = (char *)"host.info";
		a->data = im->hostinfo.data;
		a->len = im->hostinfo.len;
		a->outcome = BUNDLE_OUTCOME_OK;
		a->reason = (char *)"";
	}
	if (has_trace)
		s = strings_for(im, fw);
	if (s && s->ok) {
		struct art *a = &extra[nextra++];

		snprintf(srcname[0], sizeof(srcname[0]), "%s:trace.cap", s->path);
		a->kind = (char *)"trace.cap";
		a->data = s->cap;
		a->len = s->cap_len;
		a->source_name = srcname[0];
		memcpy(a->source_sha256, s->cap_sha, FW_SHA256_LEN);
		a->tool = "fwbox";
		a->outcome = BUNDLE_OUTCOME_OK;
		a->reason = (char *)"";
		for (unsigned i = 0; i < TRACE_STRINGS_DB_MAX; i++) {
			static const char *const kinds[] = {
				"trace.strings.0", "trace.strings.1", "trace.strings.2", "trace.strings.3",
				"trace.strings.4", "trace.strings.5", "trace.strings.6", "trace.strings.7",
			};

			if (!s->sec[i])
				continue;
			a = &extra[nextra++];
			snprintf(srcname[i + 1], sizeof(srcname[i + 1]), "%s:%s", s->path, kinds[i]);
			a->kind = (char *)kinds[i];
			a->data = s->sec[i];
			a->len = s->sec_len[i];
			a->source_name = srcname[i + 1];
			memcpy(a->source_sha256, s->sec_sha[i], FW_SHA256_LEN);
			a->tool = "fwbox";
			a->outcome = BUNDLE_OUTCOME_OK;
			a->reason = (char *)"";
		}
	}
	for (size_t i = 0; r >= 0 && i < g->n; i++)
		if (!strcmp(g->arts[i].kind, "trace.text") && g->arts[i].len)
			r = count_matches(im, s && s->ok ? s : NULL, &g->arts[i], &made.trace_lines,
					  &made.trace_matched);
	if (r < 0)
		goto out;
	make_uuid(im, g, extra, nextra, fw, made.uuid);
	if (t) {
		time_t secs = (time_t)(t / 1000000000ull);
		struct tm tm;

		if (gmtime_r(&secs, &tm))
			strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	}
	file_part(hostp, sizeof(hostp), im->host[0] ? im->host : "nohost");
	file_part(cardp, sizeof(cardp), card_of(g));
	snprintf(uuid8, sizeof(uuid8), "%02x%02x%02x%02x", made.uuid[0], made.uuid[1], made.uuid[2],
		 made.uuid[3]);
	if (asprintf(&path, "%s/fwbox-import-%s-%s-%s-run%u-%s%s",
		     im->o.output_dir ? im->o.output_dir : ".", hostp, cardp, stamp, g->run, uuid8,
		     bundle_compression_suffix(im->o.compression)) < 0) {
		path = NULL;
		r = fw_error(im->ctx, -ENOMEM, "out of memory");
		goto out;
	}
	made.input = im->input;
	made.card = card_of(g);
	made.run = g->run;
	made.captured_ns = t;
	made.capture_time_from = from;
	made.fw_version = fw;
	made.artifacts = g->n + nextra;
	made.strings_source = s && s->ok ? s->path : NULL;
	made.strings_note = s && !s->ok ? s->note : NULL;
	for (size_t i = 0; i < g->n; i++) {
		made.partial += g->arts[i].outcome == BUNDLE_OUTCOME_PARTIAL;
		made.failed += g->arts[i].outcome == BUNDLE_OUTCOME_FAILED;
	}
	if (!im->o.dry_run && stat(path, &st) == 0) {
		made.existed = true;
		made.path = path;
		goto report;
	}
	if (im->o.dry_run)
		goto report;

	snprintf(reason, sizeof(reason), "imported from '%s'", im->input);
	h.format_version = BUNDLE_FORMAT_VERSION;
	memcpy(h.uuid, made.uuid, 16);
	h.created_ns = t;
	h.host = im->host[0] ? im->host : NULL;
	h.fwbox_version = fw_version();
	h.reason = reason;
	h.imported = 1;
	h.imported_ns = now;
	h.import_source = im->input;
	memcpy(h.import_source_sha256, im->input_sha, FW_SHA256_LEN);
	h.capture_time_from = from;
	d.pci = is_pci(card_of(g)) ? card_of(g) : NULL;
	d.fw_version = fw;
	d.psid = ci && ci->psid[0] ? ci->psid : NULL;
	d.board_id = ci && ci->board[0] ? ci->board : NULL;
	d.serial = im->o.device_hint && !is_pci(im->o.device_hint) ? im->o.device_hint : NULL;
	d.kernel = im->kernel[0] ? im->kernel : NULL;
	if (d.serial)
		d.sensitive |= BUNDLE_DEV_SERIAL;
	r = bundle_writer_new(im->ctx, path, &wo, &w);
	if (r >= 0)
		r = bundle_writer_set_header(w, &h);
	if (r >= 0)
		r = bundle_writer_set_device(w, &d);
	chunk = r >= 0 ? malloc(SPILL_CHUNK) : NULL;
	if (r >= 0 && !chunk)
		r = fw_error(im->ctx, -ENOMEM, "out of memory");
	for (size_t i = 0; r >= 0 && i < nextra; i++)
		r = add_art(im, w, &extra[i], chunk, SPILL_CHUNK);
	for (size_t i = 0; r >= 0 && i < g->n; i++)
		r = add_art(im, w, &g->arts[i], chunk, SPILL_CHUNK);
	free(chunk);
	if (r >= 0)
		r = bundle_writer_commit(w, &written);
	bundle_writer_free(w);
	if (r < 0) {
		fw_error_prefix(im->ctx, r, "writing the bundle of card '%s' capture %u", card_of(g),
				g->run);
		goto out;
	}
	made.path = written ? written : path;
report:
	for (size_t i = 0; i < nextra; i++)
		report_art(im, &extra[i]);
	for (size_t i = 0; i < g->n; i++)
		report_art(im, &g->arts[i]);
	im->st.bundles++;
	if (made.existed)
		im->st.existed++;
	if (im->sink->made)
		im->sink->made(im->ud, &made);
out:
	free(written);
	free(path);
	return r;
}

static int cmp_group(const void *x, const void *y)
{
	const struct group *a = x, *b = y;
	int c = strcmp(card_of(a), card_of(b));

	return c ? c : (a->run > b->run) - (a->run < b->run);
}

/* The grouping rules of the header comment, then one bundle per group. */
static int flush(struct import *im)
{
	size_t cards = 0;
	const char *only = NULL;
	int r = 0;

	/* Files without a card join the only card. */
	for (size_t i = 0; i < im->ng; i++)
		if (im->groups[i].card[0] && (!only || strcmp(only, im->groups[i].card))) {
			cards++;
			only = im->groups[i].card;
		}
	for (size_t i = 0; i < im->ng && cards == 1; i++) {
		struct group *g = &im->groups[i];

		if (g->card[0])
			continue;
		for (size_t k = 0; k < g->n; k++) {
			r = place(im, only, g->run, &g->arts[k]);
			g = &im->groups[i]; /* place() may move the array */
			if (r < 0)
				return r;
		}
		g->n = 0;
	}
	/* Files without a run join the card's first run. */
	for (size_t i = 0; i < im->ng; i++) {
		struct group *g = &im->groups[i], *first = NULL;
		unsigned best = 0;

		if (g->run || !g->n)
			continue;
		for (size_t k = 0; k < im->ng; k++)
			if (im->groups[k].run && !strcmp(im->groups[k].card, g->card) &&
			    (!best || im->groups[k].run < best)) {
				best = im->groups[k].run;
				first = &im->groups[k];
			}
		if (!first) {
			g->run = 1;
			continue;
		}
		for (size_t k = 0; k < g->n; k++) {
			if (group_has(first, g->arts[k].kind))
				continue;
			if (fw_grow((void **)&first->arts, &first->cap, first->n + 1, sizeof(*first->arts),
				    FW_LIMIT_MEMBERS) < 0)
				return fw_error(im->ctx, -ENOMEM, "out of memory");
			first->arts[first->n++] = g->arts[k];
			memset(&g->arts[k], 0, sizeof(g->arts[k]));
		}
		/* What is left (a second file of a kind) is a capture of its own. */
		{
			size_t w = 0;

			for (size_t k = 0; k < g->n; k++)
				if (g->arts[k].kind)
					g->arts[w++] = g->arts[k];
			g->n = w;
			g->run = max_run(im, g->card) + 1;
		}
	}
	if (im->ng)
		qsort(im->groups, im->ng, sizeof(*im->groups), cmp_group);
	for (size_t i = 0; i < im->ng && r >= 0; i++)
		if (im->groups[i].n)
			r = write_group(im, &im->groups[i]);
	return r;
}

static void hash_input(struct import *im, const char *path)
{
	struct fw_sha256 *h = NULL;
	uint8_t buf[65536];
	struct stat st;
	int fd;

	memset(im->input_sha, 0, sizeof(im->input_sha));
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fw_sha256_new(&h) < 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		fw_sha256_update(h, buf, (size_t)n);
	}
	fw_sha256_final(h, im->input_sha);
	fw_sha256_free(h);
	close(fd);
}

int import_path(struct import *im, const char *path)
{
	struct imp_walker w = { im->ctx, im, imp_take_file, imp_ignore, imp_set_input_facts,
				imp_count_bytes };
	int r;

	im->st.inputs++;
	im->input = path;
	hash_input(im, path);
	r = imp_discover(&w, path);
	if (r >= 0)
		r = flush(im);
	groups_release(im);
	im->input = NULL;
	return r;
}

int import_memory(struct import *im, const char *name, const void *data, size_t len)
{
	struct imp_walker w = { im->ctx, im, imp_take_file, imp_ignore, imp_set_input_facts,
				imp_count_bytes };
	int r;

	im->st.inputs++;
	im->input = name;
	r = imp_discover_memory(&w, name, data, len);
	if (r >= 0)
		r = flush(im);
	groups_release(im);
	im->input = NULL;
	return r;
}
