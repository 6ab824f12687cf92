/* SPDX-License-Identifier: MIT */
/*
 * store prune: retention.  The captures made before a date (of one card, or
 * of all) go in one transaction, with every row that belongs to them, so a
 * reader sees them all or none.  On PostgreSQL the months of trace events
 * that fall wholly before the date are dropped as partitions (pg.c); on
 * SQLite a bundle's events are deleted as its id range.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-internal.h"

/* A card by its id, identity, serial number or PCI address (as fwbox
 * query's DEVICE); -ENOENT, or -EINVAL when the text names several. */
static int resolve_device(struct store *s, const char *device, int64_t *ret_id)
{
	struct store_query *q = NULL;
	int64_t id = 0;
	int r;

	r = store_query_prepare(s, "SELECT id FROM devices WHERE CAST(id AS TEXT) = ?1 OR "
				"identity = ?1 OR serial = ?1 OR pci = ?1 OR pci = '0000:' || ?1 "
				"ORDER BY id LIMIT 2", &q);
	if (r < 0)
		return r;
	r = store_query_bind_text(q, 1, device);
	if (r >= 0)
		r = store_query_step(q);
	if (r == 0)
		r = fw_error(s->ctx, -ENOENT, "no card '%s' in the history '%s' (a card's id, "
			     "identity, serial number or PCI address: see 'fwbox query devices')",
			     device, s->path);
	if (r > 0) {
		id = store_query_column_int(q, 0);
		r = store_query_step(q);
		if (r > 0)
			r = fw_error(s->ctx, -EINVAL, "'%s' names more than one card: give its id "
				     "(see 'fwbox query devices')", device);
	}
	store_query_free(q);
	if (r < 0)
		return r;
	*ret_id = id;
	return 0;
}

int store_sqlite_prune(struct store *s, uint64_t before_ns, int64_t device, uint64_t *ret)
{
	sqlite3_stmt *st = NULL, *del = NULL, *tabs = NULL;
	char sql[256];
	int rc, r;

	r = store_exec(s, "BEGIN IMMEDIATE");
	if (r < 0)
		return fw_error_prefix(s->ctx, r, "cannot start a write transaction");
	r = store_exec(s, "CREATE TEMP TABLE fw_prune(id INTEGER PRIMARY KEY, ev_first, ev_last, "
		       "device)");
	if (r < 0)
		goto rollback;
	r = store_prepare(s, "INSERT INTO temp.fw_prune SELECT id, ev_first, ev_last, device "
			  "FROM bundles WHERE created_ns < ?1 AND (?2 = 0 OR device = ?2)", &st);
	if (r < 0)
		goto rollback;
	sqlite3_bind_int64(st, 1, before_ns > INT64_MAX ? INT64_MAX : (int64_t)before_ns);
	sqlite3_bind_int64(st, 2, device);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		r = store_sqlite_error(s, rc, "cannot select the captures to prune");
		goto rollback;
	}
	*ret = (uint64_t)sqlite3_changes(s->db);
	/* Events: one id range per bundle, deleted through the rowid. */
	r = store_prepare(s, "DELETE FROM trace_ev WHERE id BETWEEN ?1 AND ?2", &del);
	if (r < 0)
		goto rollback;
	r = store_prepare(s, "SELECT ev_first, ev_last FROM temp.fw_prune "
			  "WHERE ev_first IS NOT NULL", &st);
	if (r < 0)
		goto rollback;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_bind_int64(del, 1, sqlite3_column_int64(st, 0));
		sqlite3_bind_int64(del, 2, sqlite3_column_int64(st, 1));
		rc = sqlite3_step(del);
		sqlite3_reset(del);
		if (rc != SQLITE_DONE)
			break;
	}
	if (rc != SQLITE_DONE) {
		r = store_sqlite_error(s, rc, "cannot delete trace events");
		goto rollback;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Every other table of a bundle's rows has a 'bundle' column: tables
	 * a later schema adds are pruned too. */
	r = store_prepare(s, "SELECT m.name FROM main.sqlite_schema m, pragma_table_info(m.name) c "
			  "WHERE m.type = 'table' AND c.name = 'bundle' AND m.name <> 'bundles'",
			  &tabs);
	if (r < 0)
		goto rollback;
	while ((rc = sqlite3_step(tabs)) == SQLITE_ROW) {
		snprintf(sql, sizeof(sql), "DELETE FROM main.\"%s\" WHERE bundle IN "
			 "(SELECT id FROM temp.fw_prune)", (const char *)sqlite3_column_text(tabs, 0));
		r = store_exec(s, sql);
		if (r < 0)
			goto rollback;
	}
	if (rc != SQLITE_DONE) {
		r = store_sqlite_error(s, rc, "cannot list the history's tables");
		goto rollback;
	}
	r = store_exec(s, "DELETE FROM bundles WHERE id IN (SELECT id FROM temp.fw_prune); "
		       "DELETE FROM devices WHERE id IN (SELECT device FROM temp.fw_prune) AND "
		       "id NOT IN (SELECT device FROM bundles WHERE device IS NOT NULL); "
		       "DROP TABLE temp.fw_prune");
	if (r < 0)
		goto rollback;
	r = store_exec(s, "COMMIT");
	if (r < 0)
		goto rollback;
	sqlite3_finalize(del);
	sqlite3_finalize(tabs);
	return 0;
rollback:
	sqlite3_finalize(st);
	sqlite3_finalize(del);
	sqlite3_finalize(tabs);
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(s->db, "DROP TABLE IF EXISTS temp.fw_prune", NULL, NULL, NULL);
	return r;
}

int store_prune(struct store *s, uint64_t before_ns, const char *device, uint64_t *ret_bundles)
{
	int64_t dev = 0;
	uint64_t n = 0;
	int r;

	if (s->readonly)
		return fw_error(s->ctx, -EPERM, "database '%s' is open read-only", s->path);
	if (device) {
		r = resolve_device(s, device, &dev);
		if (r < 0)
			return r;
	}
	r = s->ops->prune(s, before_ns, dev, &n);
	if (r < 0)
		return r;
	if (ret_bundles)
		*ret_bundles = n;
	return 0;
}
