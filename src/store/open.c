/* SPDX-License-Identifier: MIT */
/*
 * store open: a history target to its back-end (store_sqlite_ops,
 * store_pg_ops), whose methods do the rest; and closing.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "store/store-internal.h"

int store_open(struct fw_ctx *ctx, const char *path, unsigned flags, struct store **ret)
{
	enum store_target_kind kind;
	struct store *s, *rw = NULL;
	int r, version;

	r = store_target_kind(ctx, path, &kind);
	if (r < 0)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s)
		return fw_error(ctx, -ENOMEM, "out of memory");
	s->ctx = ctx;
	s->readonly = flags & STORE_OPEN_READONLY;
	s->ops = kind == STORE_TARGET_POSTGRESQL ? &store_pg_ops : &store_sqlite_ops;
	r = s->ops->open(s, path);
	if (r == STORE_OPEN_UPGRADE) {
		/* A reader of an older history: upgrade it as a writer would
		 * (the queries use the new tables), then read it. */
		version = s->upgrade_from;
		store_close(s);
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
	if (r < 0) {
		store_close(s);
		return r;
	}
	*ret = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	s->ops->close(s);
	free(s->path);
	free(s);
}
