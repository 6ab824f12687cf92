/* SPDX-License-Identifier: MIT */
#pragma once
/* store: declarations shared by the files of src/store/ only. */
#include <sqlite3.h>

#include "store/store.h"

/* One schema file, embedded by schema/embed.sh. */
struct store_migration {
	int version;
	const char *name;
	const char *sql;
};
extern const struct store_migration store_migrations[];
extern const size_t store_migrations_count;

struct store {
	struct fw_ctx *ctx;
	sqlite3 *db;
	char *path;
	bool readonly;
	bool denied_attach;        /* the authorizer refused ATTACH/DETACH */
	struct store_query_limits limits;
};

/* Set an error from the connection's message: "what: sqlite message". */
int store_sqlite_error(struct store *s, int rc, const char *what);
/* Run SQL without results; error with the message on failure. */
int store_exec(struct store *s, const char *sql);
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **ret);
/* Lower-case hex of n bytes into out (2n+1). */
