/* SPDX-License-Identifier: MIT */
/*
 * redact: the pipeline (contract in redact.h).
 *
 *  1. Open the bundle and walk every member once with bundle_stream(), the
 *     walk `fwbox verify` makes: sizes, SHA-256, names, duplicates, missing
 *     and extra members.  The bytes of the members that will leave are
 *     staged (memory up to FW_LIMIT_STAGE_MEMORY, then an unlinked file),
 *     and nothing is used unless the whole walk succeeds.
 *  2. Discover the identifiers: header and device fields, register fields
 *     and host.info lines by structure, addresses and names in text.
 *  3. Compile every spelling of every identifier into the second net.
 *  4. Per artifact: structure rewrite, trace time cut, second net.
 *  5. Write a new bundle through the bundle writer (new UUID, new seal);
 *     with --max-size, drop the largest optional artifacts until the file
 *     fits.  Then add the new pseudonyms to the map file.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collect/collect.h"
#include "core/limits.h"
#include "redact/redact-internal.h"

#define REDACT_POLICY_VERSION "fwbox-redact-1"
/* zstd level of a redacted bundle unless the caller sets one: 1, not the
 * writer's 3.  Redaction decompresses and compresses everything again, and
 * at level 3 compressing alone costs more than twice what `fwbox verify`
 * of the same bundle does; level 1 takes about a fifth less CPU for a
 * file about a tenth larger (bench/bench-redact.sh). */
#define REDACT_ZSTD_LEVEL 1

const char *redact_action_name(enum redact_action a)
{
	switch (a) {
	case REDACT_VERBATIM:
		return "verbatim";
	case REDACT_REDACTED:
		return "redacted";
	case REDACT_DROPPED:
		return "dropped";
	}
	return "?";
}

char *redact_default_map_path(void)
{
	const char *env = getenv("FWBOX_REDACT_MAP"), *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char *p = NULL;

	if (env && *env)
		return strdup(env);
	if (xdg && *xdg == '/') {
		if (asprintf(&p, "%s/fwbox/redact.map", xdg) < 0)
			return NULL;
		return p;
	}
	if (!home || !*home)
		return NULL;
	if (asprintf(&p, "%s/.local/share/fwbox/redact.map", home) < 0)
		return NULL;
	return p;
}

struct item {
	const struct bundle_artifact *a;
	const struct rule *rule;
	enum redact_action action;
	char *why;
	bool staged;
	bool kept_by_option;           /* an unknown kind kept by --keep */
	uint8_t *data;                 /* malloc'd, or inside the spill map */
	bool in_spill;
	uint64_t spill_off;
	size_t len;
	uint32_t fields;
	uint64_t hits, bytes_changed, cut;
	uint32_t hit_types;            /* bit per enum ident_type */
	bool size_cut;
	char *reason;                  /* redacted copies of the note's strings */
	char *interface;
	uint8_t *request;
};

struct redactor {
	struct fw_ctx *ctx;
	const struct redact_options *o;
	struct bundle *b;
	struct redact_key *key;
	bool key_created;
	struct ident_set *ids;
	struct scan *scan;
	struct item *items;
	size_t n_items;
	size_t mem_used;
	int spill_fd;
	uint64_t spill_len;
	uint8_t *spill_map;
	char *spill_dir;
	char *out_path;
	char *policy;
	struct item *cur;
	uint64_t cur_off;
	/* The new index's header and device fields. */
	char *host, *reason, *cmdline;
	char *dev_strs[8];
	char *trig_strs[3];            /* the trigger note's source, reporter, message */
	struct redact_field_info fields[16];
	size_t n_fields;
	uint8_t uuid[16];
	uint64_t out_bytes;
	uint64_t redacted_ns;
};

static void item_release(struct item *it)
{
	if (!it->in_spill)
		free(it->data);
	free(it->why);
	free(it->reason);
	free(it->interface);
	free(it->request);
}

static void redactor_release(struct redactor *r)
{
	for (size_t i = 0; i < r->n_items; i++)
		item_release(&r->items[i]);
	free(r->items);
	if (r->spill_map)
		munmap(r->spill_map, (size_t)r->spill_len);
	if (r->spill_fd >= 0)
		close(r->spill_fd);
	scan_free(r->scan);
	ident_set_free(r->ids);
	redact_key_free(r->key);
	bundle_close(r->b);
	free(r->spill_dir);
	free(r->out_path);
	free(r->policy);
	free(r->host);
	free(r->reason);
	free(r->cmdline);
	for (size_t i = 0; i < sizeof(r->dev_strs) / sizeof(r->dev_strs[0]); i++)
		free(r->dev_strs[i]);
	for (size_t i = 0; i < sizeof(r->trig_strs) / sizeof(r->trig_strs[0]); i++)
		free(r->trig_strs[i]);
	for (size_t i = 0; i < r->n_fields; i++)
		free((char *)r->fields[i].change);
}

static int set_why(struct redactor *r, struct item *it, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int set_why(struct redactor *r, struct item *it, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return fw_error(r->ctx, -ENOMEM, "out of memory");
	free(it->why);
	it->why = s;
	return 0;
}

/* -------------------------------------------------------------- options */

int redact_options_check(struct fw_ctx *ctx, const struct redact_options *o)
{
	if (o->case_id) {
		size_t n = strlen(o->case_id);

		if (!n || n > 64 || strspn(o->case_id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
							"0123456789._-") != n ||
		    o->case_id[0] == '.' || o->case_id[0] == '-')
			return fw_error(ctx, -EINVAL,
					"case id '%s' is not 1-64 of [A-Za-z0-9._-] starting with a letter "
					"or digit (it goes into the file name)",
					o->case_id);
	}
	for (size_t i = 0; i < o->n_mask; i++) {
		size_t n = strlen(o->mask[i]);

		if (n < IDENT_MIN_SEARCH || n > 256)
			return fw_error(ctx, -EINVAL,
					"--mask word '%s' is %zu bytes: give %u to 256 (a shorter word would "
					"replace parts of ordinary words and binary data)",
					o->mask[i], n, IDENT_MIN_SEARCH);
	}
	if (o->have_since && o->have_until && o->since > o->until)
		return fw_error(ctx, -EINVAL, "--since %" PRIu64 " is after --until %" PRIu64
				": no trace event could stay", o->since, o->until);
	return 0;
}

static char *make_policy(const struct redact_options *o)
{
	char *p = NULL;
	char since[32] = "", until[32] = "", max[32] = "";

	if (o->have_since)
		snprintf(since, sizeof(since), ";since=%" PRIu64, o->since);
	if (o->have_until)
		snprintf(until, sizeof(until), ";until=%" PRIu64, o->until);
	if (o->max_size)
		snprintf(max, sizeof(max), ";max-size=%" PRIu64, o->max_size);
	/* The --mask words themselves are what must not leave: only their count. */
	if (asprintf(&p, "%s%s%s%s%s%s%s%s%s;mask=%zu%s%s%s", REDACT_POLICY_VERSION,
		     o->keep ? ";keep=" : "", o->keep ? o->keep : "", o->drop ? ";drop=" : "",
		     o->drop ? o->drop : "", o->only ? ";only=" : "", o->only ? o->only : "",
		     o->skip ? ";skip=" : "", o->skip ? o->skip : "", o->n_mask, since, until,
		     max) < 0)
		return NULL;
	return p;
}

/* ------------------------------------------------------------ the output */

static void sanitize(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			*s = '-';
}

static int output_path(struct redactor *r, const char *output)
{
	const struct bundle_header *h = bundle_get_header(r->b);
	const struct bundle_device *d = bundle_get_device(r->b);
	const char *dir = output && *output ? output : ".";
	char pci[64], stamp[32], stem[192];
	time_t t = (time_t)(h->created_ns / 1000000000ull);
	struct stat st;
	struct tm tm;

	if (output && *output && !(stat(output, &st) == 0 && S_ISDIR(st.st_mode))) {
		size_t n = strlen(output);

		if (output[n - 1] == '/')
			return fw_error(r->ctx, -ENOENT,
					"-o '%s': no such folder: create it first, or give a file name",
					output);
		if (lstat(output, &st) == 0)
			return fw_error(r->ctx, -EEXIST,
					"'%s' already exists: remove it, choose another file name, or "
					"give -o a folder to get a fresh default name",
					output);
		r->out_path = strdup(output);
		return r->out_path ? 0 : fw_error(r->ctx, -ENOMEM, "out of memory");
	}
	snprintf(pci, sizeof(pci), "%s", d && d->pci && *d->pci ? d->pci : "unknown");
	sanitize(pci);
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(stem, sizeof(stem), "fwbox-%s%sredacted-%s-%s", r->o->case_id ? r->o->case_id : "",
		 r->o->case_id ? "-" : "", pci, stamp);
	for (unsigned i = 1; i < 1000; i++) {
		char suffix[16] = "";

		if (i > 1)
			snprintf(suffix, sizeof(suffix), "-%u", i);
		free(r->out_path);
		if (asprintf(&r->out_path, "%s/%s%s%s", dir, stem, suffix,
			     bundle_compression_suffix(r->o->compression)) < 0) {
			r->out_path = NULL;
			return fw_error(r->ctx, -ENOMEM, "out of memory");
		}
		if (lstat(r->out_path, &st) < 0)
			return 0;
	}
	return fw_error(r->ctx, -EEXIST, "no free file name '%s-N' left in '%s'", stem, dir);
}

/* ----------------------------------------------------------- staging */

static int spill_open(struct redactor *r)
{
	char *name = NULL;

	r->spill_fd = open(r->spill_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (r->spill_fd >= 0)
		return 0;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return fw_error(r->ctx, -errno, "cannot create a temporary file in '%s': %m",
				r->spill_dir);
	if (asprintf(&name, "%s/.fwbox-redact.XXXXXX", r->spill_dir) < 0)
		return fw_error(r->ctx, -ENOMEM, "out of memory");
	r->spill_fd = mkostemp(name, O_CLOEXEC);
	if (r->spill_fd < 0) {
		int e = -errno;

		free(name);
		return fw_error(r->ctx, e, "cannot create a temporary file in '%s': %s", r->spill_dir,
				strerror(-e));
	}
	unlink(name);
	free(name);
	return 0;
}

static struct item *item_of(struct redactor *r, const struct bundle_artifact *a)
{
	const struct bundle_artifact *first = bundle_artifact_at(r->b, 0);
	size_t i = (size_t)(a - first);

	return i < r->n_items && r->items[i].a == a ? &r->items[i] : NULL;
}

static int on_begin(void *ud, const struct bundle_artifact *a)
{
	struct redactor *r = ud;
	struct item *it = item_of(r, a);

	if (!it || !it->staged || !a->size)
		return 1;
	r->cur = it;
	r->cur_off = 0;
	if (r->mem_used + a->size <= FW_LIMIT_STAGE_MEMORY) {
		it->data = malloc((size_t)a->size);
		if (!it->data)
			return fw_error(r->ctx, -ENOMEM, "out of memory staging '%s'", a->kind);
		r->mem_used += (size_t)a->size;
		return 0;
	}
	if (r->spill_fd < 0) {
		int e = spill_open(r);

		if (e < 0)
			return e;
	}
	it->in_spill = true;
	it->spill_off = r->spill_len;
	r->spill_len += a->size;
	return 0;
}

static int on_data(void *ud, const struct bundle_artifact *a, const void *buf, size_t len)
{
	struct redactor *r = ud;
	struct item *it = r->cur;

	(void)a;
	if (!it->in_spill) {
		memcpy(it->data + r->cur_off, buf, len);
	} else {
		const uint8_t *p = buf;
		size_t done = 0;

		while (done < len) {
			ssize_t n = pwrite(r->spill_fd, p + done, len - done,
					   (off_t)(it->spill_off + r->cur_off + done));

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return fw_error(r->ctx, n < 0 ? -errno : -EIO,
						"cannot stage '%s' in a temporary file in '%s': %s", a->kind,
						r->spill_dir, strerror(n < 0 ? errno : EIO));
			done += (size_t)n;
		}
	}
	r->cur_off += len;
	return 0;
}

static int on_end(void *ud, const struct bundle_artifact *a)
{
	struct redactor *r = ud;

	(void)a;
	r->cur = NULL;
	return 0;
}

static int stage(struct redactor *r)
{
	static const struct bundle_visitor v = { .begin = on_begin, .data = on_data, .end = on_end };
	int e;

	e = bundle_stream(r->b, &v, r);
	if (e < 0)
		return e;
	if (r->spill_len) {
		void *m = mmap(NULL, (size_t)r->spill_len, PROT_READ | PROT_WRITE, MAP_SHARED,
			       r->spill_fd, 0);

		if (m == MAP_FAILED)
			return fw_error(r->ctx, -errno, "cannot map the staged artifacts: %m");
		r->spill_map = m;
	}
	for (size_t i = 0; i < r->n_items; i++) {
		struct item *it = &r->items[i];

		it->len = it->staged ? (size_t)it->a->size : 0;
		if (it->in_spill)
			it->data = r->spill_map + it->spill_off;
	}
	return 0;
}

/* ------------------------------------------------------------ decisions */

static bool matches(const char *patterns, const char *kind)
{
	return patterns && *patterns && collect_kind_matches(patterns, kind);
}

static int decide(struct redactor *r)
{
	const struct redact_options *o = r->o;
	size_t n = bundle_artifact_count(r->b);

	r->items = calloc(n ? n : 1, sizeof(*r->items));
	if (!r->items)
		return fw_error(r->ctx, -ENOMEM, "out of memory");
	r->n_items = n;
	for (size_t i = 0; i < n; i++) {
		struct item *it = &r->items[i];
		const struct bundle_artifact *a = bundle_artifact_at(r->b, i);
		int e = 0;

		it->a = a;
		it->rule = rule_for_kind(a->kind);
		it->action = REDACT_DROPPED;
		if (o->only && *o->only && !matches(o->only, a->kind))
			e = set_why(r, it, "not selected by --only");
		else if (matches(o->skip, a->kind))
			e = set_why(r, it, "left out by --skip");
		else if (matches(o->drop, a->kind))
			e = set_why(r, it, "left out by --drop");
		else if (rule_class(it->rule) == RULE_UNKNOWN && !matches(o->keep, a->kind))
			e = set_why(r, it,
				    "not a kind fwbox knows how to redact: its layout cannot be checked "
				    "(keep it with --keep '%s'; it is then searched like the others)",
				    a->kind);
		else {
			it->action = REDACT_VERBATIM;
			it->staged = a->size > 0;
			it->kept_by_option = rule_class(it->rule) == RULE_UNKNOWN;
		}
		if (e < 0)
			return e;
	}
	return 0;
}

/* ------------------------------------------------------------ discovery */

static int discover(struct redactor *r)
{
	const struct bundle_header *h = bundle_get_header(r->b);
	const struct bundle_device *d = bundle_get_device(r->b);
	int e = 0;

#define CHECK(x)                                                                       \
	do {                                                                           \
		e = (x);                                                               \
		if (e < 0 && e != -ENOENT)                                             \
			return e;                                                      \
	} while (0)
	if (h->host)
		CHECK(ident_add_host(r->ids, h->host, strlen(h->host), "header"));
	if (h->reason && *h->reason) {
		CHECK(ident_discover_text(r->ids, (const uint8_t *)h->reason, strlen(h->reason),
					  "header"));
		CHECK(ident_add_text(r->ids, ID_REASON, h->reason, strlen(h->reason), "header"));
	}
	if (h->cmdline)
		CHECK(ident_discover_text(r->ids, (const uint8_t *)h->cmdline, strlen(h->cmdline),
					  "header"));
	if (bundle_get_trigger(r->b) && bundle_get_trigger(r->b)->message) {
		const char *m = bundle_get_trigger(r->b)->message;

		CHECK(ident_discover_text(r->ids, (const uint8_t *)m, strlen(m), "trigger"));
	}
	if (d && d->serial)
		CHECK(ident_add_text(r->ids, ID_SERIAL, d->serial, strlen(d->serial), "device"));
	if (d && d->board_id && (d->sensitive & BUNDLE_DEV_BOARD_ID))
		CHECK(ident_add_text(r->ids, ID_SERIAL, d->board_id, strlen(d->board_id), "device"));
	for (size_t i = 0; i < r->o->n_mask; i++)
		CHECK(ident_add_text(r->ids, ID_MASK, r->o->mask[i], strlen(r->o->mask[i]),
				     "--mask"));
	for (size_t i = 0; i < r->n_items; i++) {
		struct item *it = &r->items[i];

		if (it->a->reason && *it->a->reason)
			CHECK(ident_discover_text(r->ids, (const uint8_t *)it->a->reason,
						  strlen(it->a->reason), it->a->kind));
		if (it->len)
			CHECK(rule_discover(it->rule, it->a->kind, it->a->interface, it->data, it->len,
					    r->ids));
	}
#undef CHECK
	return 0;
}

/* --------------------------------------------------------------- rewrite */

struct hit_ctx {
	struct redactor *r;
	struct item *it;
};

static void on_hit(void *ud, uint32_t tag, size_t off, size_t len)
{
	struct hit_ctx *hc = ud;
	struct ident *id = ident_at(hc->r->ids, tag);

	(void)off;
	(void)len;
	if (!id)
		return;
	id->hits++;
	if (hc->it)
		hc->it->hit_types |= 1u << id->type;
}

static size_t count_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t d = 0;

	for (size_t i = 0; i < n; i++)
		d += a[i] != b[i];
	return d;
}

static const char *base_of(const char *kind, char *buf, size_t len)
{
	size_t n = strlen(kind);

	if (n > 6 && !strcmp(kind + n - 6, ".after"))
		n -= 6;
	if (n >= len)
		n = len - 1;
	memcpy(buf, kind, n);
	buf[n] = '\0';
	return buf;
}

static int describe(struct redactor *r, struct item *it)
{
	char types[256] = "", parts[512] = "";
	size_t tl = 0, pl = 0;

	for (unsigned t = 0; t < ID__COUNT; t++)
		if (it->hit_types & (1u << t))
			tl += (size_t)snprintf(types + tl, sizeof(types) - tl, "%s%s", tl ? ", " : "",
					       ident_type_name(t));
	if (it->fields)
		pl += (size_t)snprintf(parts + pl, sizeof(parts) - pl, "%u field%s rewritten by structure",
				       it->fields, it->fields == 1 ? "" : "s");
	if (it->hits && pl < sizeof(parts))
		pl += (size_t)snprintf(parts + pl, sizeof(parts) - pl,
				       "%s%" PRIu64 " occurrence%s of %s replaced", pl ? "; " : "",
				       it->hits, it->hits == 1 ? "" : "s", types);
	if (it->cut && pl < sizeof(parts))
		pl += (size_t)snprintf(parts + pl, sizeof(parts) - pl,
				       "%s%" PRIu64 " trace %s outside --since/--until removed",
				       pl ? "; " : "", it->cut,
				       rule_class(it->rule) == RULE_TEXT ? "lines" : "blocks (zeroed)");
	if (pl)
		return set_why(r, it, "%s", parts);
	if (it->kept_by_option)
		return set_why(r, it, "kept by --keep: searched, no identifier in it");
	return set_why(r, it, "%s on the allowlist: searched, no identifier in it",
		       rule_describe(it->rule));
}

/* Header, device and note strings through the second net.  Raw patterns
 * may put a NUL into text; it becomes '?'. */
static char *scan_string(struct redactor *r, const char *s, struct item *it, uint64_t *ret_hits)
{
	struct hit_ctx hc = { r, it };
	struct scan_result res;
	size_t n;
	char *c;

	if (!s)
		return NULL;
	n = strlen(s);
	c = strdup(s);
	if (!c)
		return NULL;
	scan_apply(r->scan, (uint8_t *)c, n, SCAN_TEXT, on_hit, &hc, &res);
	for (size_t i = 0; i < n; i++)
		if (!c[i])
			c[i] = '?';
	if (ret_hits)
		*ret_hits += res.hits;
	return c;
}

/* Word boundaries only mean something in text: a devlink health dump is
 * a netlink attribute stream (its crdump is CR-space) unless it is
 * iproute2's JSON; a text kind is text. */
static bool looks_like_text(const struct item *it)
{
	size_t i = 0;

	if (rule_class(it->rule) == RULE_TEXT)
		return true;
	while (i < it->len && (it->data[i] == ' ' || it->data[i] == '\n' || it->data[i] == '\t'))
		i++;
	return i < it->len && (it->data[i] == '{' || it->data[i] == '[');
}

static int rewrite_items(struct redactor *r)
{
	for (size_t i = 0; i < r->n_items; i++) {
		struct item *it = &r->items[i];
		struct hit_ctx hc = { r, it };
		struct scan_result res = { 0 };
		char base[160];
		uint64_t note_hits = 0;
		int e;

		/* The note's own strings go out with every artifact, dropped or not. */
		it->reason = scan_string(r, it->a->reason ? it->a->reason : "", it, &note_hits);
		it->interface = it->a->interface ? scan_string(r, it->a->interface, it, &note_hits) : NULL;
		if (!it->reason || (it->a->interface && !it->interface))
			return fw_error(r->ctx, -ENOMEM, "out of memory");
		if (it->a->request_len) {
			it->request = malloc(it->a->request_len);
			if (!it->request)
				return fw_error(r->ctx, -ENOMEM, "out of memory");
			memcpy(it->request, it->a->request, it->a->request_len);
			scan_apply(r->scan, it->request, it->a->request_len, SCAN_BINARY, on_hit, &hc, &res);
			note_hits += res.hits;
		}
		if (it->action == REDACT_DROPPED)
			continue;
		if (!it->len) {
			e = set_why(r, it, "no data (%s%s%s)", bundle_outcome_name(it->a->outcome),
				    it->a->reason && *it->a->reason ? ": " : "",
				    it->a->reason ? it->reason : "");
			if (e < 0)
				return e;
			if (note_hits)
				it->action = REDACT_REDACTED;
			it->hits += note_hits;
			continue;
		}
		/* Structure first: small artifacts, so the changed bytes are
		 * counted against a copy. */
		if (rule_class(it->rule) != RULE_UNKNOWN && it->len <= FW_LIMIT_REG_DATA) {
			uint8_t *copy = malloc(it->len);

			if (!copy)
				return fw_error(r->ctx, -ENOMEM, "out of memory");
			memcpy(copy, it->data, it->len);
			e = rule_rewrite(it->rule, it->a->kind, it->a->interface, it->data, it->len,
					 r->ids);
			if (e < 0) {
				free(copy);
				return e;
			}
			it->fields = (uint32_t)e;
			it->bytes_changed += count_diff(copy, it->data, it->len);
			free(copy);
		}
		base_of(it->a->kind, base, sizeof(base));
		if ((r->o->have_since || r->o->have_until) && !strcmp(base, "trace.ring")) {
			it->cut = rule_cut_ring(it->data, it->len, r->o->have_since, r->o->since,
						r->o->have_until, r->o->until);
			it->bytes_changed += it->cut * 256;
		} else if ((r->o->have_since || r->o->have_until) && !strcmp(base, "trace.text")) {
			size_t nl = it->len;

			it->cut = rule_cut_text(it->data, it->len, r->o->have_since, r->o->since,
						r->o->have_until, r->o->until, &nl);
			it->bytes_changed += it->len - nl;
			it->len = nl;
		}
		res = (struct scan_result){ 0 };
		scan_apply(r->scan, it->data, it->len,
			   rule_binary_dump(it->rule) || !looks_like_text(it) ? SCAN_BINARY : SCAN_TEXT,
			   on_hit, &hc, &res);
		it->hits = res.hits + note_hits;
		it->bytes_changed += res.bytes_changed;
		if (it->fields || it->hits || it->cut)
			it->action = REDACT_REDACTED;
		e = describe(r, it);
		if (e < 0)
			return e;
		if (fw_ctx_cancelled(r->ctx))
			return fw_error(r->ctx, -EINTR, "interrupted");
	}
	return 0;
}

static int add_field(struct redactor *r, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int add_field(struct redactor *r, const char *field, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (r->n_fields >= sizeof(r->fields) / sizeof(r->fields[0]))
		return 0;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return fw_error(r->ctx, -ENOMEM, "out of memory");
	r->fields[r->n_fields].field = field;
	r->fields[r->n_fields].change = s;
	r->n_fields++;
	return 0;
}

/* The pseudonym of a whole field value, in its case. */
static char *pseudo_field(struct redactor *r, enum ident_type type, const char *v)
{
	const char *p = ident_pseudo_for(r->ids, type, v, strlen(v));
	char *c = strdup(v);

	if (c && p) {
		memcpy(c, p, strlen(v));
		redact_case_like(c, v, strlen(v));
	}
	return c;
}

static int rewrite_index(struct redactor *r)
{
	const struct bundle_header *h = bundle_get_header(r->b);
	const struct bundle_device *d = bundle_get_device(r->b);
	uint64_t hits = 0;
	int e = 0;

	if (h->host && *h->host) {
		r->host = pseudo_field(r, ID_HOST, h->host);
		if (!r->host)
			return fw_error(r->ctx, -ENOMEM, "out of memory");
		if (strcmp(r->host, h->host))
			e = add_field(r, "header.host", "replaced by its pseudonym");
	}
	if (e >= 0 && h->reason && *h->reason) {
		r->reason = strdup("(redacted)");
		e = r->reason ? add_field(r, "header.reason", "free text: removed")
			      : fw_error(r->ctx, -ENOMEM, "out of memory");
	}
	if (e >= 0 && h->cmdline) {
		r->cmdline = scan_string(r, h->cmdline, NULL, &hits);
		if (!r->cmdline)
			return fw_error(r->ctx, -ENOMEM, "out of memory");
		if (hits)
			e = add_field(r, "header.cmdline", "%" PRIu64 " occurrence%s replaced", hits,
				      hits == 1 ? "" : "s");
	}
	if (e >= 0 && bundle_get_trigger(r->b)) {
		const struct bundle_trigger *t = bundle_get_trigger(r->b);
		const char *in[3] = { t->source, t->reporter, t->message };
		static const char *const names[3] = { "trigger.source", "trigger.reporter",
						      "trigger.message" };

		for (unsigned i = 0; i < 3 && e >= 0; i++) {
			uint64_t n = 0;

			if (!in[i])
				continue;
			r->trig_strs[i] = scan_string(r, in[i], NULL, &n);
			if (!r->trig_strs[i])
				return fw_error(r->ctx, -ENOMEM, "out of memory");
			if (n)
				e = add_field(r, names[i], "identifiers in it replaced");
		}
	}
	if (e < 0 || !d)
		return e;
	{
		const char *const in[8] = { d->pci, d->model, d->fw_version, d->psid,
					    d->board_id, d->serial, d->kernel, d->driver };
		static const char *const names[8] = { "device.pci", "device.model",
						      "device.fw_version", "device.psid",
						      "device.board_id", "device.serial",
						      "device.kernel", "device.driver" };

		for (unsigned i = 0; i < 8 && e >= 0; i++) {
			uint64_t n = 0;

			if (!in[i])
				continue;
			if (i == 5 || (i == 4 && (d->sensitive & BUNDLE_DEV_BOARD_ID)))
				r->dev_strs[i] = pseudo_field(r, ID_SERIAL, in[i]);
			else
				r->dev_strs[i] = scan_string(r, in[i], NULL, &n);
			if (!r->dev_strs[i])
				return fw_error(r->ctx, -ENOMEM, "out of memory");
			if (strcmp(r->dev_strs[i], in[i]))
				e = add_field(r, names[i], i == 5 || i == 4 ? "replaced by its pseudonym"
									: "identifiers in it replaced");
		}
	}
	return e;
}

/* --------------------------------------------------------------- writing */

static int write_bundle(struct redactor *r, const char *path, bool dry_run, uint64_t max,
			uint64_t *ret_size)
{
	const struct bundle_header *h = bundle_get_header(r->b);
	const struct bundle_device *d = bundle_get_device(r->b);
	struct bundle_writer_options wo = {
		.compression = r->o->compression,
		.level = r->o->level ? r->o->level
			 : r->o->compression == BUNDLE_COMPRESS_ZSTD ? REDACT_ZSTD_LEVEL : 0,
		.max_file_size = max,
		.dry_run = dry_run,
	};
	struct bundle_header nh = *h;
	struct bundle_writer *w = NULL;
	int e;

	e = bundle_writer_new(r->ctx, path, &wo, &w);
	if (e < 0)
		return e;
	memset(nh.uuid, 0, sizeof(nh.uuid)); /* a new bundle: the writer makes a UUID */
	nh.host = r->host ? r->host : h->host;
	nh.reason = r->reason ? r->reason : h->reason;
	nh.cmdline = r->cmdline ? r->cmdline : h->cmdline;
	/* The redaction facts (fwbox-bundle(5)): never the key, only its id. */
	nh.redacted = 1;
	nh.redact_version = fw_version();
	nh.redact_policy = r->policy;
	nh.redact_key_id = redact_key_id(r->key);
	nh.case_id = r->o->case_id;
	memcpy(nh.redacted_from, h->uuid, sizeof(nh.redacted_from));
	nh.redacted_ns = r->redacted_ns;
	e = bundle_writer_set_header(w, &nh);
	if (e >= 0 && d) {
		struct bundle_device nd = *d;

		nd.pci = r->dev_strs[0];
		nd.model = r->dev_strs[1];
		nd.fw_version = r->dev_strs[2];
		nd.psid = r->dev_strs[3];
		nd.board_id = r->dev_strs[4];
		nd.serial = r->dev_strs[5];
		nd.kernel = r->dev_strs[6];
		nd.driver = r->dev_strs[7];
		e = bundle_writer_set_device(w, &nd);
	}
	if (e >= 0 && bundle_get_trigger(r->b)) {
		/* What made fwbox watch take it stays, through the second net. */
		struct bundle_trigger nt = *bundle_get_trigger(r->b);

		nt.source = r->trig_strs[0];
		nt.reporter = r->trig_strs[1];
		nt.message = r->trig_strs[2];
		e = bundle_writer_set_trigger(w, &nt);
	}
	for (size_t i = 0; e >= 0 && i < r->n_items; i++) {
		struct item *it = &r->items[i];
		struct bundle_artifact m = *it->a;
		char *reason = NULL;

		m.reason = it->reason;
		m.interface = it->interface;
		m.request = it->request;
		m.redaction = it->action == REDACT_DROPPED   ? BUNDLE_REDACTION_DROPPED
			      : it->action == REDACT_REDACTED ? BUNDLE_REDACTION_REDACTED
							      : BUNDLE_REDACTION_VERBATIM;
		m.redact_fields = it->fields;
		m.redact_bytes = it->bytes_changed;
		m.redact_hits = it->hits;
		redact_original_digest(r->key, h->uuid, it->a->sha256, m.original_digest);
		if (it->action == REDACT_DROPPED) {
			if (asprintf(&reason, "dropped by fwbox redact: %s", it->why) < 0)
				return fw_error(r->ctx, -ENOMEM, "out of memory");
			m.outcome = BUNDLE_OUTCOME_SKIPPED;
			m.reason = reason;
			m.err = 0;
			m.status = 0;
			m.syndrome = 0;
			e = bundle_writer_add(w, &m, NULL, 0);
			free(reason);
		} else {
			/* Held until the writer is freed: no second staging copy. */
			e = bundle_writer_add_borrowed(w, &m, it->data, it->len);
		}
	}
	if (e >= 0)
		e = bundle_writer_commit(w, NULL);
	if (ret_size)
		*ret_size = bundle_writer_file_size(w);
	if (e >= 0 && !dry_run) {
		/* The UUID the writer gave the new bundle, for the report. */
		struct bundle *nb = NULL;

		if (bundle_open(r->ctx, path, &nb) >= 0) {
			memcpy(r->uuid, bundle_get_header(nb)->uuid, 16);
			bundle_close(nb);
		}
	}
	bundle_writer_free(w);
	return e;
}

static struct item *largest_optional(struct redactor *r)
{
	struct item *best = NULL;

	for (size_t i = 0; i < r->n_items; i++) {
		struct item *it = &r->items[i];

		if (it->action == REDACT_DROPPED || !it->len || rule_required(it->a->kind))
			continue;
		if (!best || it->len > best->len)
			best = it;
	}
	return best;
}

/* Write; with --max-size, drop the largest optional artifacts until the
 * file fits.  Each round estimates how much to drop from the compression
 * ratio just seen, and drops at least one artifact. */
static int write_sized(struct redactor *r, const char *path, bool dry_run)
{
	uint64_t max = r->o->max_size;

	for (;;) {
		uint64_t size = 0, kept = 0, excess, freed = 0;
		int e = write_bundle(r, path, dry_run, dry_run ? 0 : max, &size);

		r->out_bytes = dry_run ? 0 : size;
		if (e >= 0 && (!max || size <= max))
			return 0;
		if (e < 0 && e != -EFBIG)
			return e;
		fw_ctx_clear_error(r->ctx);
		for (size_t i = 0; i < r->n_items; i++)
			if (r->items[i].action != REDACT_DROPPED)
				kept += r->items[i].len;
		excess = size - max;
		do {
			struct item *it = largest_optional(r);

			if (!it)
				return fw_error(r->ctx, -EFBIG,
						"--max-size %" PRIu64 ": the bundle is %" PRIu64
						" bytes with every optional artifact dropped; allow more, or "
						"leave out kinds with --skip",
						max, size);
			freed += kept ? (uint64_t)((double)it->len * (double)size / (double)kept) : size;
			it->action = REDACT_DROPPED;
			it->size_cut = true;
			e = set_why(r, it,
				    "--max-size: one of the largest optional artifacts (%zu bytes)",
				    it->len);
			if (e < 0)
				return e;
		} while (freed < excess);
	}
}

/* ---------------------------------------------------------------- report */

static char *display_value(const struct ident *id, bool pseudo)
{
	const uint8_t *v = pseudo ? id->pseudo_raw : id->raw;
	char buf[64];

	switch (id->type) {
	case ID_MAC:
		snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", v[0], v[1], v[2], v[3],
			 v[4], v[5]);
		return strdup(buf);
	case ID_GUID:
		snprintf(buf, sizeof(buf), "%02x%02x:%02x%02x:%02x%02x:%02x%02x", v[0], v[1], v[2],
			 v[3], v[4], v[5], v[6], v[7]);
		return strdup(buf);
	case ID_IPV4:
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u", v[0], v[1], v[2], v[3]);
		return strdup(buf);
	case ID_IPV6:
		inet_ntop(AF_INET6, v, buf, sizeof(buf));
		return strdup(buf);
	default:
		return strdup(pseudo ? id->pseudo_text : id->text);
	}
}

void redact_report_free(struct redact_report *rep)
{
	if (!rep)
		return;
	free((char *)rep->input);
	free((char *)rep->output);
	free((char *)rep->map_path);
	free((char *)rep->policy);
	free((char *)rep->case_id);
	for (size_t i = 0; i < rep->n_idents; i++) {
		free((char *)rep->idents[i].value);
		free((char *)rep->idents[i].pseudonym);
		free((char *)rep->idents[i].sources);
	}
	free(rep->idents);
	for (size_t i = 0; i < rep->n_members; i++) {
		free((char *)rep->members[i].kind);
		free((char *)rep->members[i].path);
		free((char *)rep->members[i].why);
	}
	free(rep->members);
	for (size_t i = 0; i < rep->n_fields; i++)
		free((char *)rep->fields[i].change);
	free(rep->fields);
	free(rep);
}

static char *xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

static int make_report(struct redactor *r, const char *input, struct redact_report **ret)
{
	struct redact_report *rep = calloc(1, sizeof(*rep));
	size_t ni = ident_count(r->ids);
	bool oom = false;

	if (!rep)
		return fw_error(r->ctx, -ENOMEM, "out of memory");
	rep->input = xstrdup(input);
	rep->output = xstrdup(r->out_path);
	rep->map_path = xstrdup(redact_key_path(r->key));
	snprintf(rep->key_id, sizeof(rep->key_id), "%s", redact_key_id(r->key));
	rep->key_created = r->key_created;
	rep->key_ephemeral = redact_key_ephemeral(r->key);
	rep->policy = xstrdup(r->policy);
	rep->case_id = r->o->case_id ? strdup(r->o->case_id) : NULL;
	memcpy(rep->uuid, r->uuid, 16);
	rep->out_bytes = r->out_bytes;
	oom |= !rep->input || !rep->output || !rep->map_path || !rep->policy ||
	       (r->o->case_id && !rep->case_id);
	rep->idents = calloc(ni ? ni : 1, sizeof(*rep->idents));
	rep->members = calloc(r->n_items ? r->n_items : 1, sizeof(*rep->members));
	rep->fields = calloc(r->n_fields ? r->n_fields : 1, sizeof(*rep->fields));
	oom |= !rep->idents || !rep->members || !rep->fields;
	for (size_t i = 0; !oom && i < ni; i++) {
		struct ident *id = ident_at(r->ids, i);
		struct redact_ident_info *x = &rep->idents[rep->n_idents++];

		x->type = ident_type_name(id->type);
		x->value = display_value(id, false);
		x->pseudonym = display_value(id, true);
		x->sources = strdup(id->sources);
		x->hits = id->hits;
		x->searched = id->searched;
		oom |= !x->value || !x->pseudonym || !x->sources;
	}
	for (size_t i = 0; !oom && i < r->n_items; i++) {
		struct item *it = &r->items[i];
		struct redact_member_info *m = &rep->members[rep->n_members++];

		m->kind = strdup(it->a->kind);
		m->path = strdup(it->a->path);
		m->why = xstrdup(it->why);
		m->size = it->a->size;
		m->out_size = it->action == REDACT_DROPPED ? 0 : it->len;
		m->action = it->action;
		m->fields = it->fields;
		m->hits = it->hits;
		m->bytes_changed = it->bytes_changed;
		m->cut = it->cut;
		m->size_cut = it->size_cut;
		memcpy(m->sha256, it->a->sha256, sizeof(m->sha256));
		oom |= !m->kind || !m->path || !m->why;
	}
	for (size_t i = 0; !oom && i < r->n_fields; i++) {
		rep->fields[rep->n_fields].field = r->fields[i].field;
		rep->fields[rep->n_fields].change = strdup(r->fields[i].change);
		oom |= !rep->fields[rep->n_fields++].change;
	}
	if (oom) {
		redact_report_free(rep);
		return fw_error(r->ctx, -ENOMEM, "out of memory");
	}
	*ret = rep;
	return 0;
}

/* Pseudonyms go into the map file in their display form. */
static int note_map(struct redactor *r)
{
	for (size_t i = 0; i < ident_count(r->ids); i++) {
		struct ident *id = ident_at(r->ids, i);
		char *v, *p;
		int e;

		if (id->type == ID_REASON)
			continue; /* replaced by stars: nothing to trace back */
		v = display_value(id, false);
		p = display_value(id, true);
		if (!v || !p) {
			free(v);
			free(p);
			return fw_error(r->ctx, -ENOMEM, "out of memory");
		}
		e = redact_key_note(r->key, ident_type_name(id->type), p, strlen(p), v, strlen(v));
		free(v);
		free(p);
		if (e < 0)
			return e;
	}
	return 0;
}

static char *folder_of(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	if (!slash)
		return strdup(".");
	return strndup(path, (size_t)(slash - path) + (slash == path));
}

int redact_bundle(struct fw_ctx *ctx, const char *input, const char *output,
		  const struct redact_options *opts, struct redact_report **ret)
{
	struct redactor r = { .ctx = ctx, .o = opts, .spill_fd = -1 };
	char *map_path = NULL;
	int e;

	e = redact_options_check(ctx, opts);
	if (e < 0)
		return e;
	r.redacted_ns = fw_now_ns();
	r.policy = make_policy(opts);
	if (!r.policy)
		return fw_error(ctx, -ENOMEM, "out of memory");
	/* The input is checked before anything is created. */
	e = bundle_open(ctx, input, &r.b);
	if (e < 0)
		goto out;
	if (!opts->preview || output) {
		e = output_path(&r, output);
		if (e < 0)
			goto out;
	} else {
		e = output_path(&r, NULL);
		if (e < 0)
			goto out;
	}
	r.spill_dir = opts->preview ? strdup(getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR")
										    : "/tmp")
				    : folder_of(r.out_path);
	if (!r.spill_dir) {
		e = fw_error(ctx, -ENOMEM, "out of memory");
		goto out;
	}
	e = decide(&r);
	if (e < 0)
		goto out;
	e = stage(&r);
	if (e < 0)
		goto out;
	/* Only a bundle that passed every check gets a key made for it. */
	map_path = opts->map_path ? strdup(opts->map_path) : redact_default_map_path();
	if (!map_path) {
		e = fw_error(ctx, -ENOENT, "no home folder to keep the redaction key in: give --map FILE");
		goto out;
	}
	e = redact_key_open(ctx, map_path, !opts->preview, !opts->map_path, &r.key, &r.key_created);
	if (e < 0)
		goto out;
	e = ident_set_new(ctx, r.key, &r.ids);
	if (e >= 0)
		e = discover(&r);
	if (e >= 0)
		e = scan_new(ctx, &r.scan);
	if (e >= 0)
		e = ident_compile(r.ids, r.scan);
	if (e >= 0)
		e = rewrite_items(&r);
	if (e >= 0)
		e = rewrite_index(&r);
	if (e < 0)
		goto out;
	if (opts->preview) {
		if (opts->max_size) {
			char *probe = NULL;

			/* The exact size needs the compressor: written to an unnamed
			 * temporary file and thrown away. */
			if (asprintf(&probe, "%s/.fwbox-redact-preview%s", r.spill_dir,
				     bundle_compression_suffix(opts->compression)) < 0) {
				e = fw_error(ctx, -ENOMEM, "out of memory");
				goto out;
			}
			e = write_sized(&r, probe, true);
			free(probe);
			if (e < 0)
				goto out;
		}
	} else {
		e = write_sized(&r, r.out_path, false);
		if (e < 0)
			goto out;
		e = note_map(&r);
		if (e >= 0)
			e = redact_key_save_map(r.key);
		if (e < 0) {
			/* The bundle is out and correct; the key recomputes every
			 * pseudonym, only the lookup list lacks these. */
			fw_log(ctx, FW_LOG_WARNING, "%s", fw_ctx_errmsg(ctx));
			fw_ctx_clear_error(ctx);
		}
	}
	e = make_report(&r, input, ret);
out:
	redactor_release(&r);
	free(map_path);
	return e;
}

/* -------------------------------------------------------------- proving */

void redact_proof_free(struct redact_proof *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_items; i++) {
		free((char *)p->items[i].kind);
		free((char *)p->items[i].path);
	}
	free(p->items);
	free(p);
}

int redact_prove(struct fw_ctx *ctx, const char *original, const char *redacted,
		 const char *map_path, struct redact_proof **ret)
{
	struct bundle *orig = NULL, *red = NULL;
	struct redact_key *key = NULL;
	struct redact_proof *p = NULL;
	const struct bundle_header *oh, *rh;
	uint8_t salt[FW_SHA256_LEN];
	char *path = map_path ? strdup(map_path) : redact_default_map_path();
	bool created = false;
	int e;

	if (!path)
		return fw_error(ctx, -ENOENT, "no home folder to find the redaction key in: give --map FILE");
	e = bundle_open(ctx, original, &orig);
	if (e >= 0)
		e = bundle_verify(orig, NULL, NULL);
	if (e >= 0)
		e = bundle_open(ctx, redacted, &red);
	if (e < 0)
		goto out;
	oh = bundle_get_header(orig);
	rh = bundle_get_header(red);
	if (!rh->redacted) {
		e = fw_error(ctx, -EINVAL, "'%s' is not a redacted bundle", redacted);
		goto out;
	}
	if (memcmp(rh->redacted_from, oh->uuid, 16) != 0) {
		e = fw_error(ctx, -EBADMSG, "'%s' was not made from '%s': its UUIDs differ", redacted,
			     original);
		goto out;
	}
	e = redact_key_open(ctx, path, false, false, &key, &created);
	if (e >= 0 && redact_key_ephemeral(key))
		e = fw_error(ctx, -ENOENT, "map file '%s' does not exist: the key that made '%s' is "
			     "elsewhere (give --map FILE)", path, redacted);
	if (e >= 0 && rh->redact_key_id && strcmp(rh->redact_key_id, redact_key_id(key)) != 0)
		e = fw_error(ctx, -EBADMSG, "'%s' was made with key %s, the map file '%s' holds key %s",
			     redacted, rh->redact_key_id, path, redact_key_id(key));
	if (e < 0)
		goto out;
	p = calloc(1, sizeof(*p));
	if (p)
		p->items = calloc(bundle_artifact_count(red) + 1, sizeof(*p->items));
	if (!p || !p->items) {
		e = fw_error(ctx, -ENOMEM, "out of memory");
		goto out;
	}
	redact_original_salt(key, oh->uuid, salt);
	fw_sha256_hex(salt, p->salt);
	/* Artifacts pair up in index order: redaction keeps every note, in order. */
	for (size_t i = 0; i < bundle_artifact_count(red); i++) {
		const struct bundle_artifact *ra = bundle_artifact_at(red, i);
		const struct bundle_artifact *oa = bundle_artifact_at(orig, i);
		struct redact_proof_item *it = &p->items[p->n_items++];
		uint8_t d[FW_SHA256_LEN];

		it->kind = strdup(ra->kind);
		it->path = strdup(ra->path);
		if (!it->kind || !it->path) {
			e = fw_error(ctx, -ENOMEM, "out of memory");
			goto out;
		}
		if (!oa || strcmp(oa->kind, ra->kind) != 0 || ra->redaction == BUNDLE_REDACTION_NONE)
			continue;
		redact_original_digest(key, oh->uuid, oa->sha256, d);
		it->match = !memcmp(d, ra->original_digest, sizeof(d));
		p->matched += it->match;
	}
	e = p->matched == p->n_items && bundle_artifact_count(orig) == p->n_items
		    ? 0
		    : fw_error(ctx, -EBADMSG, "%zu of the %zu artifacts of '%s' do not match '%s'",
			       p->n_items - p->matched, p->n_items, redacted, original);
	*ret = p;
	p = NULL;
out:
	redact_proof_free(p);
	redact_key_free(key);
	bundle_close(orig);
	bundle_close(red);
	free(path);
	return e;
}
