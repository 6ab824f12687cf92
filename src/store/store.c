/* SPDX-License-Identifier: MIT */
/* store: opening the history database, pragmas, schema migrations. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store-internal.h"

/* Writers wait this long for another loader's transaction: a large bundle
 * holds the write lock for as long as it takes to stream it. */
#define STORE_BUSY_WRITER_MS 600000
#define STORE_BUSY_READER_MS 5000
#define STORE_PAGE_SIZE "16384"
/* Page cache per connection, KiB (negative cache_size).  Appends in id
 * order touch few pages, so a modest cache keeps loading within the 64 MiB
 * memory budget without costing speed. */
#define STORE_CACHE_KIB 16384 /* keep in step with the PRAGMA below */

int store_sqlite_error(struct store *s, int rc, const char *what)
{
	int err = -EIO;

	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		err = -EBUSY;
	else if (rc == SQLITE_NOMEM)
		err = -ENOMEM;
	else if (rc == SQLITE_READONLY || rc == SQLITE_AUTH)
		err = -EPERM;
	else if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
		err = -EBADMSG;
	else if (rc == SQLITE_CANTOPEN)
		err = -ENOENT;
	else if (rc == SQLITE_FULL)
		err = -ENOSPC;
	else if (rc == SQLITE_ERROR)
		err = -EINVAL;
	return fw_error(s->ctx, err, "%s: %s (database '%s')", what,
			s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc), s->path);
}

int store_exec(struct store *s, const char *sql)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return store_sqlite_error(s, rc, "SQL failed");
	return 0;
}

int store_prepare(struct store *s, const char *sql, sqlite3_stmt **ret)
{
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, ret, NULL);

	if (rc != SQLITE_OK)
		return store_sqlite_error(s, rc, "cannot prepare a statement");
	return 0;
}

int store_schema_latest(void)
{
	return store_migrations[store_migrations_count - 1].version;
}

static int get_int_pragma(struct store *s, const char *sql, int *ret)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(s, sql, &st);
	if (r < 0)
		return r;
	if (sqlite3_step(st) != SQLITE_ROW) {
		r = store_sqlite_error(s, sqlite3_errcode(s->db), sql);
		goto finalize;
	}
	*ret = sqlite3_column_int(st, 0);
	r = 0;
finalize:
	sqlite3_finalize(st);
	return r;
}

int store_schema_version(struct store *s)
{
	int v = 0;
	int r;

	if (s->pg)
		return store_pg_schema_version(s);
	r = get_int_pragma(s, "PRAGMA user_version", &v);

	return r < 0 ? r : v;
}

/* Apply every migration newer than user_version.  BEGIN IMMEDIATE first,
 * then read the version: two processes opening a new file at once must not
 * both create the tables. */
static int migrate(struct store *s)
{
	char sql[64];
	int version, r;

	r = store_schema_version(s);
	if (r < 0)
		return r;
	if (r >= store_schema_latest())
		goto check_newer;

	r = store_exec(s, "BEGIN IMMEDIATE");
	if (r < 0)
		return fw_error_prefix(s->ctx, r, "cannot lock the database to update its schema");
	r = store_schema_version(s);
	if (r < 0)
		goto rollback;
	version = r;
	for (size_t i = 0; i < store_migrations_count; i++) {
		const struct store_migration *m = &store_migrations[i];

		if (m->version <= version)
			continue;
		r = store_exec(s, m->sql);
		if (r < 0) {
			fw_error_prefix(s->ctx, r, "schema file '%s'", m->name);
			goto rollback;
		}
		/* What SQL alone does badly: the trace postings of the bundles
		 * already there, one pass over their events. */
		if (m->version == 6) {
			r = store_postings_backfill(s);
			if (r < 0) {
				fw_error_prefix(s->ctx, r, "schema upgrade to version 6");
				goto rollback;
			}
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", m->version);
		r = store_exec(s, sql);
		if (r < 0)
			goto rollback;
	}
	r = store_exec(s, "COMMIT");
	if (r < 0)
		goto rollback;
	return 0;

rollback:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return r;

check_newer:
	if (r > store_schema_latest())
		return fw_error(s->ctx, -EPROTONOSUPPORT,
				"database '%s' has schema version %d, newer than this fwbox knows (%d): "
				"use a newer fwbox", s->path, r, store_schema_latest());
	return 0;
}

static bool memstatus_off;

/* Switch to WAL.  On a new file several processes may race to do it; the
 * switch needs an exclusive lock and SQLite does not always go through the
 * busy handler for it, so retry here for up to the writer's busy time. */
static int set_wal(struct store *s)
{
	const struct timespec pause = { 0, 20 * 1000 * 1000 };
	uint64_t deadline = fw_monotonic_ns() + STORE_BUSY_WRITER_MS * 1000000ull;
	int rc;

	for (;;) {
		rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		if (fw_monotonic_ns() > deadline || fw_ctx_cancelled(s->ctx))
			break;
		nanosleep(&pause, NULL);
	}
	if (rc != SQLITE_OK)
		return store_sqlite_error(s, rc, "cannot switch the database to WAL mode");
	return 0;
}

static int mkdir_p(struct fw_ctx *ctx, char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			int err = -errno;

			*p = '/';
			return fw_error(ctx, err, "cannot create folder '%s': %s", path, strerror(-err));
		}
		*p = '/';
	}
	return 0;
}

/*
 * Say what is wrong with the path in fwbox's terms before SQLite does in its
 * own ("unable to open database file", "disk I/O error"): nothing there to
 * read, a folder, or a folder that does not exist.  As collect does with
 * -o, an explicit path never gets missing folders made for it (only the
 * default path's XDG folder is made, by store_default_path()).  A new
 * database is created here, mode 0600 like the bundles it indexes, so
 * SQLite (which gives its -wal and -shm files the database's mode) never
 * creates it world-readable.
 */
static int check_path(struct fw_ctx *ctx, const char *path, bool readonly)
{
	struct stat st;
	const char *slash;
	char *dir;
	int fd, e;

	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return fw_error(ctx, -EISDIR, "'%s' is a folder, not a history database: "
					"give a file path such as '%s/history.db'", path, path);
		return 0;
	}
	if (errno != ENOENT)
		return 0; /* SQLite says it better (permissions...). */
	if (readonly)
		return fw_error(ctx, -ENOENT, "there is no history database '%s' yet: "
				"'fwbox load' a bundle into it first", path);
	if (!strcmp(path, ":memory:"))
		return 0;
	slash = strrchr(path, '/');
	if (slash && slash != path) {
		dir = strndup(path, (size_t)(slash - path));
		if (!dir)
			return fw_error(ctx, -ENOMEM, "out of memory");
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			e = stat(dir, &st) < 0 ? errno : ENOTDIR;
			fw_error(ctx, -e, "cannot create the history database '%s': folder '%s' %s: "
				 "create it first, or give --db a path in an existing folder", path, dir,
				 e == ENOENT ? "does not exist" : "is not a folder");
			free(dir);
			return -e;
		}
		free(dir);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno != EEXIST)
		return 0; /* SQLite says it better (a read-only folder...). */
	if (fd >= 0)
		close(fd);
	return 0;
}

/* A read-only store reads its own file and nothing else: ATTACH would open
 * (and for a WAL database create the -wal and -shm files of) another one.
 * sqlite3_stmt_readonly() calls ATTACH read-only, so it is refused here. */
static int readonly_authorizer(void *ud, int action, const char *a1, const char *a2,
			       const char *db, const char *trigger)
{
	struct store *s = ud;

	(void)a1;
	(void)a2;
	(void)db;
	(void)trigger;
	if (action == SQLITE_ATTACH || action == SQLITE_DETACH) {
		s->denied_attach = true;
		return SQLITE_DENY;
	}
	return SQLITE_OK;
}

int store_open(struct fw_ctx *ctx, const char *path, unsigned flags, struct store **ret)
{
	enum store_target_kind kind;
	struct store *s;
	int oflags, rc, r, version;

	/* SQLite's allocation statistics take a global mutex on every malloc;
	 * nothing here reads them.  Only possible before SQLite initializes,
	 * so later calls fail harmlessly (SQLITE_MISUSE) and are ignored. */
	/* A read-only store keeps them: they are what enforces the query
	 * memory limit (sqlite3_hard_heap_limit64 needs MEMSTATUS). */
	if (!memstatus_off && !(flags & STORE_OPEN_READONLY)) {
		memstatus_off = true;
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	}
	r = store_target_kind(ctx, path, &kind);
	if (r < 0)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s)
		return fw_error(ctx, -ENOMEM, "out of memory");
	s->ctx = ctx;
	s->readonly = flags & STORE_OPEN_READONLY;
	if (kind == STORE_TARGET_POSTGRESQL) {
		r = store_conninfo_check(ctx, path);
		if (r < 0)
			goto free_store;
		/* Messages quote the string without its password. */
		s->path = store_target_display(path);
		if (!s->path) {
			r = fw_error(ctx, -ENOMEM, "out of memory");
			goto free_store;
		}
		s->limits.time_ms = STORE_QUERY_TIME_MS_DEFAULT;
		r = store_pg_open(s, path);
		if (r < 0)
			goto free_store;
		*ret = s;
		return 0;
	}
	s->path = strdup(path);
	if (!s->path) {
		r = fw_error(ctx, -ENOMEM, "out of memory");
		goto free_store;
	}
	r = check_path(ctx, path, s->readonly);
	if (r < 0)
		goto free_store;
	oflags = s->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	/* One connection per store, never shared across threads: no mutexes. */
	oflags |= SQLITE_OPEN_NOMUTEX;
	rc = sqlite3_open_v2(path, &s->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		r = store_sqlite_error(s, rc, "cannot open the history database");
		goto free_store;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, s->readonly ? STORE_BUSY_READER_MS : STORE_BUSY_WRITER_MS);

	if (s->readonly) {
		sqlite3_set_authorizer(s->db, readonly_authorizer, s);
		r = store_exec(s, "PRAGMA query_only = ON");
		if (r < 0)
			goto free_store;
		r = store_schema_version(s);
		if (r < 0)
			goto free_store;
		version = r;
		if (version == 0) {
			r = fw_error(ctx, -ENOENT, "'%s' is not a fwbox history database "
				     "(no schema): load a bundle into it first", path);
			goto free_store;
		}
		if (version > store_schema_latest()) {
			r = fw_error(ctx, -EPROTONOSUPPORT, "database '%s' has schema version %d, "
				     "newer than this fwbox knows (%d)", path, version,
				     store_schema_latest());
			goto free_store;
		}
		if (version < store_schema_latest()) {
			/* An older history: upgrade it as a writer would (the
			 * queries use the new tables), then read it. */
			struct store *rw = NULL;

			store_close(s);
			s = NULL;
			r = store_open(ctx, path, 0, &rw);
			store_close(rw);
			if (r < 0)
				return fw_error_prefix(ctx, r, "database '%s' has schema version %d and "
						       "this fwbox reads version %d; upgrading it failed "
						       "(open it once with 'fwbox load' as a user who "
						       "may write it)", path, version,
						       store_schema_latest());
			fw_log(ctx, FW_LOG_INFO, "database '%s' upgraded from schema version %d to %d",
			       path, version, store_schema_latest());
			return store_open(ctx, path, flags, ret);
		}
	} else {
		/* WAL: readers never block the loader and several loaders queue
		 * on the write lock.  synchronous=NORMAL keeps every commit atomic
		 * and durable across a crash of the process; only a power loss can
		 * drop the last commits (pragma.html). */
		/* 16 KiB pages for a new file (no effect on an existing one): a
		 * quarter of the page writes and syscalls of the default 4 KiB
		 * when appending millions of small rows. */
		r = store_exec(s, "PRAGMA page_size = " STORE_PAGE_SIZE);
		if (r < 0)
			goto free_store;
		r = set_wal(s);
		if (r < 0)
			goto free_store;
		r = store_exec(s, "PRAGMA synchronous = NORMAL");
		if (r < 0)
			goto free_store;
		r = migrate(s);
		if (r < 0)
			goto free_store;
	}
	r = store_exec(s, "PRAGMA cache_size = -16384");
	if (r < 0)
		goto free_store;
	r = store_exec(s, "PRAGMA foreign_keys = OFF; PRAGMA temp_store = FILE");
	if (r < 0)
		goto free_store;
	*ret = s;
	return 0;

free_store:
	store_close(s);
	return r;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	store_pg_close(s);
	sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

int store_default_path(struct fw_ctx *ctx, bool create_dir, char **ret_path)
{
	const char *env = getenv("FWBOX_DB");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char *path = NULL;
	int r;

	if (env && *env) {
		path = strdup(env);
	} else if (xdg && *xdg == '/') {
		if (asprintf(&path, "%s/fwbox/history.db", xdg) < 0)
			path = NULL;
	} else if (home && *home) {
		if (asprintf(&path, "%s/.local/share/fwbox/history.db", home) < 0)
			path = NULL;
	} else {
		return fw_error(ctx, -ENOENT, "no database path: set FWBOX_DB, XDG_DATA_HOME or "
				"HOME, or pass --db PATH");
	}
	if (!path)
		return fw_error(ctx, -ENOMEM, "out of memory");
	/* $FWBOX_DB may name a PostgreSQL database; nothing that looks like
	 * a URI becomes a path.  Only the XDG default gets its folder made
	 * (as XDG applications do); $FWBOX_DB is an explicit name, like --db. */
	if (env && *env) {
		enum store_target_kind kind;

		r = store_target_kind(ctx, path, &kind);
		if (r < 0) {
			free(path);
			return fw_error_prefix(ctx, r, "FWBOX_DB");
		}
	}
	if (create_dir && !(env && *env)) {
		r = mkdir_p(ctx, path);
		if (r < 0) {
			free(path);
			return r;
		}
	}
	*ret_path = path;
	return 0;
}
