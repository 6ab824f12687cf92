/* SPDX-License-Identifier: MIT */
/*
 * store capture: the captures of the history as `fwbox list` and `fwbox
 * info` show them, and an argument (UUID, unique prefix, SHA-256, or a
 * loaded bundle's file) resolved to one capture, as coredumpctl resolves a
 * PID or an executable.  Read-only; one statement per call.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/store-internal.h"

/* The columns of one capture, in the order capture_from_row() reads them. */
#define CAPTURE_COLUMNS                                                                     \
	"b.id, b.uuid, b.created_ns, b.host, b.reason, b.cmdline, b.fwbox_version, "       \
	"b.format_version, b.outcome, b.fw_version, b.kernel, b.driver, b.file, "          \
	"b.file_size, b.loaded, coalesce(b.device, 0), d.identity, d.serial, d.psid, "     \
	"d.board_id, d.pci, d.model, d.vendor_id, d.device_id, d.subsys_vendor_id, "      \
	"d.subsys_device_id, "                                                              \
	"(SELECT count(*) FROM artifacts a WHERE a.bundle = b.id), "                        \
	"(SELECT count(*) FROM artifacts a WHERE a.bundle = b.id AND "                      \
	"a.outcome IN ('failed', 'partial')), "                                             \
	"coalesce(b.ev_last - b.ev_first + 1, 0) "                                          \
	"FROM bundles b LEFT JOIN devices d ON d.id = b.device "

/* The one row-to-struct mapping, over the back-end's column accessors. */
static void capture_from_row(struct store_row *row, struct store_capture *c)
{
	memset(c, 0, sizeof(*c));
	c->id = store_row_int(row, 0);
	c->uuid = store_row_text(row, 1);
	c->created_ns = (uint64_t)store_row_int(row, 2);
	c->host = store_row_text(row, 3);
	c->reason = store_row_text(row, 4);
	c->cmdline = store_row_text(row, 5);
	c->fwbox_version = store_row_text(row, 6);
	c->format_version = (int)store_row_int(row, 7);
	c->outcome = store_row_text(row, 8);
	c->fw_version = store_row_text(row, 9);
	c->kernel = store_row_text(row, 10);
	c->driver = store_row_text(row, 11);
	c->file = store_row_text(row, 12);
	c->file_size = (uint64_t)store_row_int(row, 13);
	c->loaded = store_row_text(row, 14);
	c->device = store_row_int(row, 15);
	c->identity = store_row_text(row, 16);
	c->serial = store_row_text(row, 17);
	c->psid = store_row_text(row, 18);
	c->board_id = store_row_text(row, 19);
	c->pci = store_row_text(row, 20);
	c->model = store_row_text(row, 21);
	c->vendor_id = (uint32_t)store_row_int(row, 22);
	c->device_id = (uint32_t)store_row_int(row, 23);
	c->subsys_vendor_id = (uint32_t)store_row_int(row, 24);
	c->subsys_device_id = (uint32_t)store_row_int(row, 25);
	c->artifacts = (uint64_t)store_row_int(row, 26);
	c->failed = (uint64_t)store_row_int(row, 27);
	c->trace_events = (uint64_t)store_row_int(row, 28);
}

struct capture_walk {
	store_capture_fn fn;
	void *ud;
};

static int capture_row(void *ud, struct store_row *row)
{
	struct capture_walk *w = ud;
	struct store_capture c;

	capture_from_row(row, &c);
	return w->fn(w->ud, &c);
}

static uint64_t clamp_i64(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : v;
}

int store_list_captures(struct store *s, const struct store_capture_filter *f,
			store_capture_fn fn, void *ud)
{
	struct capture_walk w = { fn, ud };
	struct store_param p[4] = {
		f && f->have_since ? STORE_INT((int64_t)clamp_i64(f->since_ns)) : STORE_TEXT(NULL),
		f && f->have_until ? STORE_INT((int64_t)clamp_i64(f->until_ns)) : STORE_TEXT(NULL),
		f && f->limit ? STORE_INT((int64_t)clamp_i64(f->limit)) : STORE_TEXT(NULL),
		STORE_TEXT(f ? f->device : NULL),
	};

	/*
	 * Oldest first, as coredumpctl and journalctl list; with a limit, the
	 * newest N, still oldest first.  ?4 matches a card by its identity,
	 * serial, PSID, PCI address (with or without the domain) or id.
	 * PostgreSQL's words: typed parameters, a named subquery; LIMIT NULL
	 * is no limit on both.
	 */
	return store_select(s,
			    "SELECT * FROM (SELECT " CAPTURE_COLUMNS
			    "WHERE (?1 IS NULL OR b.created_ns >= ?1) "
			    "AND (?2 IS NULL OR b.created_ns <= ?2) "
			    "AND (?4 IS NULL OR d.identity = ?4 OR d.serial = ?4 OR d.psid = ?4 "
			    "OR d.pci = ?4 OR d.pci = '0000:' || ?4 OR CAST(d.id AS TEXT) = ?4) "
			    "ORDER BY b.created_ns DESC, b.id DESC LIMIT coalesce(?3, -1)) "
			    "ORDER BY 3, 1",
			    "SELECT * FROM (SELECT " CAPTURE_COLUMNS
			    "WHERE ($1::bigint IS NULL OR b.created_ns >= $1::bigint) "
			    "AND ($2::bigint IS NULL OR b.created_ns <= $2::bigint) "
			    "AND ($4::text IS NULL OR d.identity = $4 OR d.serial = $4 OR d.psid = $4 "
			    "OR d.pci = $4 OR d.pci = '0000:' || $4::text OR CAST(d.id AS text) = $4) "
			    "ORDER BY b.created_ns DESC, b.id DESC LIMIT $3::bigint) AS c "
			    "ORDER BY 3, 1",
			    4, p, "cannot list the captures", capture_row, &w);
}

int store_get_capture(struct store *s, int64_t id, store_capture_fn fn, void *ud)
{
	struct capture_walk w = { fn, ud };
	struct store_param p = STORE_INT(id);

	return store_select(s, "SELECT " CAPTURE_COLUMNS "WHERE b.id = ?1", NULL, 1, &p,
			    "cannot list the captures", capture_row, &w);
}

struct artifact_walk {
	store_capture_artifact_fn fn;
	void *ud;
};

static int artifact_row(void *ud, struct store_row *row)
{
	struct artifact_walk *w = ud;
	struct store_capture_artifact a = {
		.seq = (unsigned)store_row_int(row, 0),
		.kind = store_row_text(row, 1),
		.path = store_row_text(row, 2),
		.size = (uint64_t)store_row_int(row, 3),
		.sha256 = store_row_text(row, 4),
		.outcome = store_row_text(row, 5),
		.reason = store_row_text(row, 6),
		.err = (int)store_row_int(row, 7),
		.status = (uint32_t)store_row_int(row, 8),
		.syndrome = (uint32_t)store_row_int(row, 9),
		.start_ns = (uint64_t)store_row_int(row, 10),
		.end_ns = (uint64_t)store_row_int(row, 11),
		.interface = store_row_text(row, 12),
	};

	return w->fn(w->ud, &a);
}

int store_capture_artifacts(struct store *s, int64_t id, store_capture_artifact_fn fn, void *ud)
{
	struct artifact_walk w = { fn, ud };
	struct store_param p = STORE_INT(id);

	return store_select(s, "SELECT seq, kind, path, size, sha256, outcome, reason, err, status, "
			    "syndrome, start_ns, end_ns, interface FROM artifacts WHERE bundle = ?1 "
			    "ORDER BY seq", NULL, 1, &p, "cannot read the artifacts", artifact_row,
			    &w);
}

bool store_is_capture_key(const char *arg)
{
	size_t n = strlen(arg);

	return n >= 8 && n <= 64 && strspn(arg, "0123456789abcdefABCDEF-") == n;
}

static int first_id(void *ud, struct store_row *row)
{
	*(int64_t *)ud = store_row_int(row, 0);
	return 0;
}

int store_resolve_capture(struct store *s, const char *arg, int64_t *ret_id)
{
	struct store_param p;
	struct stat st;
	char *abs;
	int64_t id = 0;
	int r;

	if (store_is_capture_key(arg))
		return store_find_bundle(s, arg, ret_id);
	/* A file: the capture loaded from it (bundles.file is absolute). */
	if (stat(arg, &st) < 0 && *arg && strlen(arg) < 8 &&
	    strspn(arg, "0123456789abcdefABCDEF-") == strlen(arg))
		return fw_error(s->ctx, -EINVAL, "'%s' is too short for a bundle UUID prefix: give "
				"at least 8 characters", arg);
	if (stat(arg, &st) < 0)
		return fw_error(s->ctx, -ENOENT, "'%s' does not exist, and is not a bundle UUID",
				arg);
	abs = realpath(arg, NULL);
	if (!abs)
		return fw_error(s->ctx, -errno, "'%s': %s", arg, strerror(errno));
	p = STORE_TEXT(abs);
	r = store_select(s, "SELECT id FROM bundles WHERE file = ?1 ORDER BY created_ns DESC "
			 "LIMIT 1", NULL, 1, &p, "cannot look up a bundle", first_id, &id);
	free(abs);
	if (r < 0)
		return r;
	if (!id)
		return fw_error(s->ctx, -ENOENT, "'%s' is not in the history '%s': load it with "
				"'fwbox load'", arg, s->path);
	*ret_id = id;
	return 0;
}

struct file_row {
	struct store *s;
	char *path;
	bool found;
};

static int file_row(void *ud, struct store_row *row)
{
	struct file_row *f = ud;
	const char *t = store_row_text(row, 0);

	f->found = true;
	if (!t)
		return fw_error(f->s->ctx, -ENOENT, "capture %s in '%s' has no bundle file recorded",
				store_row_text(row, 1), f->s->path);
	f->path = strdup(t);
	return f->path ? 0 : fw_error(f->s->ctx, -ENOMEM, "out of memory");
}

int store_capture_file(struct store *s, const char *arg, char **ret_path)
{
	struct file_row f = { .s = s };
	struct store_param p;
	int64_t id;
	int r;

	r = store_find_bundle(s, arg, &id);
	if (r < 0)
		return r;
	p = STORE_INT(id);
	r = store_select(s, "SELECT file, uuid FROM bundles WHERE id = ?1", NULL, 1, &p,
			 "cannot look up a bundle", file_row, &f);
	if (r >= 0 && !f.found)
		r = fw_error(s->ctx, -ENOENT, "no bundle with id %lld in the history '%s'",
			     (long long)id, s->path);
	if (r < 0) {
		free(f.path);
		return r;
	}
	*ret_path = f.path;
	return 0;
}
