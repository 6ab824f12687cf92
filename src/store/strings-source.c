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

#include "core/buf.h"
#include "store/store-internal.h"

struct files {
	struct fw_ctx *ctx;
	char **v;
	size_t n, cap;
};

static int add_file(void *ud, struct store_row *row)
{
	struct files *f = ud;
	const char *t = store_row_text(row, 0);

	if (!t)
		return 0;
	if (fw_grow((void **)&f->v, &f->cap, f->n + 1, sizeof(*f->v), 16) < 0 ||
	    !(f->v[f->n] = strdup(t)))
		return fw_error(f->ctx, -ENOMEM, "out of memory");
	f->n++;
	return 0;
}

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
	struct store_param p = STORE_TEXT(fw_version);
	struct files f = { .ctx = s->ctx };
	int r;

	r = store_select(s, sql, NULL, 1, &p, "cannot look for a strings database", add_file, &f);
	if (r < 0) {
		for (size_t i = 0; i < f.n; i++)
			free(f.v[i]);
		free(f.v);
		return r;
	}
	*ret_files = f.v;
	*ret_n = f.n;
	return 0;
}
