/* SPDX-License-Identifier: MIT */
/*
 * The SQLite back-end's method table: its functions live in store.c
 * (open, schema, rows), query.c (queries) and prune.c.  Only store_open()
 * (open.c) refers to it.
 */
#include "config.h"

#include "store/store-internal.h"

const struct store_ops store_sqlite_ops = {
	.name = "SQLite",
	.dialect = STORE_DIALECT_SQLITE,
	.open = store_sqlite_open,
	.close = store_sqlite_close,
	.schema_version = store_sqlite_schema_version,
	.interrupt = store_sqlite_interrupt,
	.set_query_limits = store_sqlite_set_query_limits,
	.query_prepare = store_sqlite_query_prepare,
	.query_bind_text = store_sqlite_query_bind_text,
	.query_bind_int = store_sqlite_query_bind_int,
	.query_param_count = store_sqlite_query_param_count,
	.query_step = store_sqlite_query_step,
	.query_column_count = store_sqlite_query_column_count,
	.query_column_name = store_sqlite_query_column_name,
	.query_column_type = store_sqlite_query_column_type,
	.query_column_int = store_sqlite_query_column_int,
	.query_column_double = store_sqlite_query_column_double,
	.query_column_text = store_sqlite_query_column_text,
	.query_column_blob = store_sqlite_query_column_blob,
	.query_free = store_sqlite_query_free,
	.select = store_sqlite_select,
	.read_begin = store_sqlite_read_begin,
	.read_end = store_sqlite_read_end,
	.prune = store_sqlite_prune,
	.row_null = store_sqlite_row_null,
	.row_int = store_sqlite_row_int,
	.row_text = store_sqlite_row_text,
	.row_blob = store_sqlite_row_blob,
};
