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

static const char *text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static void capture_from_row(sqlite3_stmt *st, struct store_capture *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	c->uuid = text(st, 1);
	c->created_ns = (uint64_t)sqlite3_column_int64(st, 2);
	c->host = text(st, 3);
	c->reason = text(st, 4);
	c->cmdline = text(st, 5);
	c->fwbox_version = text(st, 6);
	c->format_version = sqlite3_column_int(st, 7);
	c->outcome = text(st, 8);
	c->fw_version = text(st, 9);
	c->kernel = text(st, 10);
	c->driver = text(st, 11);
	c->file = text(st, 12);
	c->file_size = (uint64_t)sqlite3_column_int64(st, 13);
	c->loaded = text(st, 14);
	c->device = sqlite3_column_int64(st, 15);
	c->identity = text(st, 16);
	c->serial = text(st, 17);
	c->psid = text(st, 18);
	c->board_id = text(st, 19);
	c->pci = text(st, 20);
	c->model = text(st, 21);
	c->vendor_id = (uint32_t)sqlite3_column_int(st, 22);
	c->device_id = (uint32_t)sqlite3_column_int(st, 23);
	c->subsys_vendor_id = (uint32_t)sqlite3_column_int(st, 24);
	c->subsys_device_id = (uint32_t)sqlite3_column_int(st, 25);
	c->artifacts = (uint64_t)sqlite3_column_int64(st, 26);
	c->failed = (uint64_t)sqlite3_column_int64(st, 27);
	c->trace_events = (uint64_t)sqlite3_column_int64(st, 28);
}

static int walk(struct store *s, sqlite3_stmt *st, store_capture_fn fn, void *ud)
{
	struct store_capture c;
	int rc, r = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		capture_from_row(st, &c);
		r = fn(ud, &c);
		if (r < 0)
			return r;
	}
	if (rc != SQLITE_DONE)
		return store_sqlite_error(s, rc, "cannot list the captures");
	return 0;
}

/* PostgreSQL: the same columns from a kept result (store_pg_select()). */
static const char *pg_text(const PGresult *res, int row, int i)
{
	return PQgetisnull(res, row, i) ? NULL : PQgetvalue(res, row, i);
}

static int64_t pg_int(const PGresult *res, int row, int i)
{
	return PQgetisnull(res, row, i) ? 0 : strtoll(PQgetvalue(res, row, i), NULL, 10);
}

static void capture_from_pg(const PGresult *res, int row, struct store_capture *c)
{
	memset(c, 0, sizeof(*c));
	c->id = pg_int(res, row, 0);
	c->uuid = pg_text(res, row, 1);
	c->created_ns = (uint64_t)pg_int(res, row, 2);
	c->host = pg_text(res, row, 3);
	c->reason = pg_text(res, row, 4);
	c->cmdline = pg_text(res, row, 5);
	c->fwbox_version = pg_text(res, row, 6);
	c->format_version = (int)pg_int(res, row, 7);
	c->outcome = pg_text(res, row, 8);
	c->fw_version = pg_text(res, row, 9);
	c->kernel = pg_text(res, row, 10);
	c->driver = pg_text(res, row, 11);
	c->file = pg_text(res, row, 12);
	c->file_size = (uint64_t)pg_int(res, row, 13);
	c->loaded = pg_text(res, row, 14);
	c->device = pg_int(res, row, 15);
	c->identity = pg_text(res, row, 16);
	c->serial = pg_text(res, row, 17);
	c->psid = pg_text(res, row, 18);
	c->board_id = pg_text(res, row, 19);
	c->pci = pg_text(res, row, 20);
	c->model = pg_text(res, row, 21);
	c->vendor_id = (uint32_t)pg_int(res, row, 22);
	c->device_id = (uint32_t)pg_int(res, row, 23);
	c->subsys_vendor_id = (uint32_t)pg_int(res, row, 24);
	c->subsys_device_id = (uint32_t)pg_int(res, row, 25);
	c->artifacts = (uint64_t)pg_int(res, row, 26);
	c->failed = (uint64_t)pg_int(res, row, 27);
	c->trace_events = (uint64_t)pg_int(res, row, 28);
}

static int pg_walk(struct store *s, const char *sql, int n, const char *const *v,
		   store_capture_fn fn, void *ud)
{
	struct store_capture c;
	PGresult *res = NULL;
	int r;

	r = store_pg_select(s, sql, n, v, "cannot list the captures", &res);
	if (r < 0)
		return r;
	for (int i = 0; i < PQntuples(res) && r >= 0; i++) {
		capture_from_pg(res, i, &c);
		r = fn(ud, &c);
	}
	PQclear(res);
	return r < 0 ? r : 0;
}

static void int_param(char *buf, size_t n, int64_t v)
{
	snprintf(buf, n, "%lld", (long long)v);
}

/* The SQLite statement of store_list_captures() in PostgreSQL's words:
 * typed parameters (an unbound one is NULL), LIMIT NULL for no limit, a
 * named subquery. */
static int pg_list_captures(struct store *s, const struct store_capture_filter *f,
			    store_capture_fn fn, void *ud)
{
	char since[24], until[24], limit[24];
	const char *v[4] = { NULL, NULL, NULL, NULL };

	if (f && f->have_since) {
		int_param(since, sizeof(since),
			  f->since_ns > INT64_MAX ? INT64_MAX : (int64_t)f->since_ns);
		v[0] = since;
	}
	if (f && f->have_until) {
		int_param(until, sizeof(until),
			  f->until_ns > INT64_MAX ? INT64_MAX : (int64_t)f->until_ns);
		v[1] = until;
	}
	if (f && f->limit) {
		int_param(limit, sizeof(limit),
			  f->limit > INT64_MAX ? INT64_MAX : (int64_t)f->limit);
		v[2] = limit;
	}
	if (f && f->device)
		v[3] = f->device;
	return pg_walk(s, "SELECT * FROM (SELECT " CAPTURE_COLUMNS
		       "WHERE ($1::bigint IS NULL OR b.created_ns >= $1::bigint) "
		       "AND ($2::bigint IS NULL OR b.created_ns <= $2::bigint) "
		       "AND ($4::text IS NULL OR d.identity = $4 OR d.serial = $4 OR d.psid = $4 "
		       "OR d.pci = $4 OR d.pci = '0000:' || $4::text OR CAST(d.id AS text) = $4) "
		       "ORDER BY b.created_ns DESC, b.id DESC LIMIT $3::bigint) AS c "
		       "ORDER BY 3, 1", 4, v, fn, ud);
}

int store_list_captures(struct store *s, const struct store_capture_filter *f,
			store_capture_fn fn, void *ud)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (s->pg)
		return pg_list_captures(s, f, fn, ud);
	/*
	 * Oldest first, as coredumpctl and journalctl list; with a limit, the
	 * newest N, still oldest first.  ?4 matches a card by its identity,
	 * serial, PSID, PCI address (with or without the domain) or id.
	 */
	r = store_prepare(s,
			  "SELECT * FROM (SELECT " CAPTURE_COLUMNS
			  "WHERE (?1 IS NULL OR b.created_ns >= ?1) "
			  "AND (?2 IS NULL OR b.created_ns <= ?2) "
			  "AND (?4 IS NULL OR d.identity = ?4 OR d.serial = ?4 OR d.psid = ?4 "
			  "OR d.pci = ?4 OR d.pci = '0000:' || ?4 OR CAST(d.id AS TEXT) = ?4) "
			  "ORDER BY b.created_ns DESC, b.id DESC LIMIT ?3) "
			  "ORDER BY 3, 1",
			  &st);
	if (r < 0)
		return r;
	if (f && f->have_since)
		sqlite3_bind_int64(st, 1, (int64_t)f->since_ns);
	if (f && f->have_until)
		sqlite3_bind_int64(st, 2, (int64_t)f->until_ns);
	sqlite3_bind_int64(st, 3, f && f->limit ? (int64_t)f->limit : -1);
	if (f && f->device)
		sqlite3_bind_text(st, 4, f->device, -1, SQLITE_STATIC);
	r = walk(s, st, fn, ud);
	sqlite3_finalize(st);
	return r;
}

int store_get_capture(struct store *s, int64_t id, store_capture_fn fn, void *ud)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (s->pg) {
		char v[24];
		const char *p = v;

		int_param(v, sizeof(v), id);
		return pg_walk(s, "SELECT " CAPTURE_COLUMNS "WHERE b.id = $1::bigint", 1, &p,
			       fn, ud);
	}
	r = store_prepare(s, "SELECT " CAPTURE_COLUMNS "WHERE b.id = ?1", &st);
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, id);
	r = walk(s, st, fn, ud);
	sqlite3_finalize(st);
	return r;
}

#define ARTIFACT_COLUMNS                                                                    \
	"seq, kind, path, size, sha256, outcome, reason, err, status, syndrome, start_ns, "  \
	"end_ns, interface "

static int pg_capture_artifacts(struct store *s, int64_t id, store_capture_artifact_fn fn,
				void *ud)
{
	struct store_capture_artifact a;
	PGresult *res = NULL;
	char v[24];
	const char *p = v;
	int r;

	int_param(v, sizeof(v), id);
	r = store_pg_select(s, "SELECT " ARTIFACT_COLUMNS "FROM artifacts WHERE bundle = $1::bigint "
			    "ORDER BY seq", 1, &p, "cannot read the artifacts", &res);
	if (r < 0)
		return r;
	for (int i = 0; i < PQntuples(res) && r >= 0; i++) {
		memset(&a, 0, sizeof(a));
		a.seq = (unsigned)pg_int(res, i, 0);
		a.kind = pg_text(res, i, 1);
		a.path = pg_text(res, i, 2);
		a.size = (uint64_t)pg_int(res, i, 3);
		a.sha256 = pg_text(res, i, 4);
		a.outcome = pg_text(res, i, 5);
		a.reason = pg_text(res, i, 6);
		a.err = (int)pg_int(res, i, 7);
		a.status = (uint32_t)pg_int(res, i, 8);
		a.syndrome = (uint32_t)pg_int(res, i, 9);
		a.start_ns = (uint64_t)pg_int(res, i, 10);
		a.end_ns = (uint64_t)pg_int(res, i, 11);
		a.interface = pg_text(res, i, 12);
		r = fn(ud, &a);
	}
	PQclear(res);
	return r < 0 ? r : 0;
}

int store_capture_artifacts(struct store *s, int64_t id, store_capture_artifact_fn fn, void *ud)
{
	struct store_capture_artifact a;
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (s->pg)
		return pg_capture_artifacts(s, id, fn, ud);
	r = store_prepare(s, "SELECT " ARTIFACT_COLUMNS "FROM artifacts WHERE bundle = ?1 "
			  "ORDER BY seq", &st);
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		a.seq = (unsigned)sqlite3_column_int(st, 0);
		a.kind = text(st, 1);
		a.path = text(st, 2);
		a.size = (uint64_t)sqlite3_column_int64(st, 3);
		a.sha256 = text(st, 4);
		a.outcome = text(st, 5);
		a.reason = text(st, 6);
		a.err = sqlite3_column_int(st, 7);
		a.status = (uint32_t)sqlite3_column_int64(st, 8);
		a.syndrome = (uint32_t)sqlite3_column_int64(st, 9);
		a.start_ns = (uint64_t)sqlite3_column_int64(st, 10);
		a.end_ns = (uint64_t)sqlite3_column_int64(st, 11);
		a.interface = text(st, 12);
		r = fn(ud, &a);
		if (r < 0)
			goto finalize;
	}
	r = rc == SQLITE_DONE ? 0 : store_sqlite_error(s, rc, "cannot read the artifacts");
finalize:
	sqlite3_finalize(st);
	return r;
}

bool store_is_capture_key(const char *arg)
{
	size_t n = strlen(arg);

	return n >= 8 && n <= 64 && strspn(arg, "0123456789abcdefABCDEF-") == n;
}

int store_resolve_capture(struct store *s, const char *arg, int64_t *ret_id)
{
	struct stat st;
	char *abs;
	int64_t id;
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
	if (s->pg) {
		PGresult *res = NULL;
		const char *v = abs;

		r = store_pg_select(s, "SELECT id FROM bundles WHERE file = $1 "
				    "ORDER BY created_ns DESC LIMIT 1", 1, &v,
				    "cannot look up a bundle", &res);
		if (r < 0) {
			free(abs);
			return r;
		}
		id = PQntuples(res) ? pg_int(res, 0, 0) : 0;
		PQclear(res);
	} else {
		sqlite3_stmt *q = NULL;
		int rc;

		r = store_prepare(s, "SELECT id FROM bundles WHERE file = ?1 "
				  "ORDER BY created_ns DESC LIMIT 1", &q);
		if (r < 0) {
			free(abs);
			return r;
		}
		sqlite3_bind_text(q, 1, abs, -1, SQLITE_STATIC);
		rc = sqlite3_step(q);
		id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
		sqlite3_finalize(q);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			free(abs);
			return store_sqlite_error(s, rc, "cannot look up a bundle");
		}
	}
	free(abs);
	if (!id)
		return fw_error(s->ctx, -ENOENT, "'%s' is not in the history '%s': load it with "
				"'fwbox load'", arg, s->path);
	*ret_id = id;
	return 0;
}

static int pg_capture_file(struct store *s, int64_t id, char **ret_path)
{
	PGresult *res = NULL;
	char v[24];
	const char *p = v;
	char *path;
	int r;

	int_param(v, sizeof(v), id);
	r = store_pg_select(s, "SELECT file, uuid FROM bundles WHERE id = $1::bigint", 1, &p,
			    "cannot look up a bundle", &res);
	if (r < 0)
		return r;
	if (!PQntuples(res)) {
		r = fw_error(s->ctx, -ENOENT, "no bundle with id %lld in the history '%s'",
			     (long long)id, s->path);
	} else if (PQgetisnull(res, 0, 0)) {
		r = fw_error(s->ctx, -ENOENT, "capture %s in '%s' has no bundle file recorded",
			     PQgetvalue(res, 0, 1), s->path);
	} else {
		path = strdup(PQgetvalue(res, 0, 0));
		r = path ? 0 : fw_error(s->ctx, -ENOMEM, "out of memory");
		if (path)
			*ret_path = path;
	}
	PQclear(res);
	return r;
}

int store_capture_file(struct store *s, const char *arg, char **ret_path)
{
	sqlite3_stmt *st = NULL;
	int64_t id;
	int rc, r;

	r = store_find_bundle(s, arg, &id);
	if (r < 0)
		return r;
	if (s->pg)
		return pg_capture_file(s, id, ret_path);
	r = store_prepare(s, "SELECT file, uuid FROM bundles WHERE id = ?1", &st);
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		r = store_sqlite_error(s, rc, "cannot look up a bundle");
	} else if (!sqlite3_column_text(st, 0)) {
		r = fw_error(s->ctx, -ENOENT, "capture %s in '%s' has no bundle file recorded",
			     text(st, 1), s->path);
	} else {
		char *p = strdup(text(st, 0));

		r = p ? 0 : fw_error(s->ctx, -ENOMEM, "out of memory");
		if (p)
			*ret_path = p;
	}
	sqlite3_finalize(st);
	return r;
}
