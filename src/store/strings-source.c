/* SPDX-License-Identifier: MIT */
/*
 * strings-source: bundles of the history that hold a firmware tracer
 * strings database for a given firmware version, for fwbox import's
 * version-pinned decode of trace text (fwbox-import(1) --db).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/buf.h"
#include "store/store-internal.h"

int store_strings_sources(struct store *s, const char *fw_version, char ***ret_files,
			  size_t *ret_n)
{
	/* Newest first: the most recent capture of that firmware is the one
	 * most likely still on disk. */
	static const char sql[] =
		"SELECT b.file FROM bundles b WHERE b.fw_version = ?1 AND b.file IS NOT NULL "
		"AND EXISTS (SELECT 1 FROM artifacts a WHERE a.bundle = b.id AND a.kind = "
		"'trace.cap' AND a.outcome = 'ok' AND a.size > 0) "
		"AND EXISTS (SELECT 1 FROM artifacts a WHERE a.bundle = b.id AND a.kind LIKE "
		"'trace.strings.%' AND a.outcome = 'ok' AND a.size > 0) "
		"ORDER BY b.created_ns DESC, b.id DESC LIMIT 16";
	sqlite3_stmt *st = NULL;
	char **files = NULL;
	size_t n = 0, cap = 0;
	int rc, r = 0;

	if (s->pg)
		return store_pg_unsupported(s, "finding a trace strings source in the history");
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_error(s, rc, "cannot look for a strings database");
	sqlite3_bind_text(st, 1, fw_version, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *f = (const char *)sqlite3_column_text(st, 0);

		if (!f)
			continue;
		r = fw_grow((void **)&files, &cap, n + 1, sizeof(*files), 16);
		if (r < 0 || !(files[n] = strdup(f))) {
			r = fw_error(s->ctx, -ENOMEM, "out of memory");
			goto out;
		}
		n++;
	}
	if (rc != SQLITE_DONE) {
		r = store_sqlite_error(s, rc, "cannot look for a strings database");
		goto out;
	}
	*ret_files = files;
	*ret_n = n;
	files = NULL;
	n = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	sqlite3_finalize(st);
	return r;
}
