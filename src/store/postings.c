/* SPDX-License-Identifier: MIT */
/*
 * store postings: for each bundle and trace format, the ids of its events,
 * so "the events of format F" (trace-search) reads those rows by id instead
 * of scanning every bundle that has F.
 *
 * A trace_postings row holds one chunk of one format's ids in one bundle
 * as a JSON array of integers: the first is the offset of the first id
 * from bundles.ev_first, each next one the gap to the previous id.  Chunks
 * are numbered in the order they are written, so rows are appended to the
 * table (primary key bundle, chunk) and found by format through a small
 * index (fmt, bundle, chunk).  JSON,
 * so that plain sqlite3 (json_each) and other SQL engines read it; gaps,
 * so that it costs a few bytes an event.  The builder keeps the text of
 * every format's open chunk in memory and writes all of them once they
 * pass STORE_POSTINGS_BUF bytes in all, so memory stays bounded whatever
 * the bundle's size.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/store-internal.h"

/* Bytes of chunk text held before they are written. */
#define STORE_POSTINGS_BUF (4u << 20)

/* This file is called by store.c (the schema upgrade), so it does not call
 * store.c back: its own prepare and error text. */
static int sql_error(struct store *s, int rc, const char *what)
{
	return fw_error(s->ctx, rc == SQLITE_NOMEM ? -ENOMEM : -EIO, "%s: %s (database '%s')", what,
			sqlite3_errmsg(s->db), s->path);
}

static int prepare(struct store *s, const char *sql, sqlite3_stmt **ret)
{
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, ret, NULL);

	return rc == SQLITE_OK ? 0 : sql_error(s, rc, "cannot prepare a statement");
}

struct posting {
	int64_t fmt;
	int64_t last;          /* previous id of this chunk; -1 before the first */
	char *text;            /* "a,b,c" (the brackets come at the write) */
	size_t len, cap;
};

struct store_postings {
	struct store *s;
	sqlite3_stmt *ins;
	int64_t bundle, ev_first;
	struct posting *p;
	size_t n, cap;
	uint32_t *hash;        /* fmt -> slot + 1 */
	size_t hcap;
	size_t held;           /* chunk text bytes in memory */
	size_t limit;          /* held beyond this: write them */
	int64_t chunk;         /* next chunk number of the bundle */
};

int store_postings_new(struct store *s, int64_t bundle, int64_t ev_first, size_t limit,
		       struct store_postings **ret)
{
	struct store_postings *p = calloc(1, sizeof(*p));
	int r;

	if (!p)
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	p->s = s;
	p->limit = limit ? limit : STORE_POSTINGS_BUF;
	p->bundle = bundle;
	p->ev_first = ev_first;
	r = prepare(s, "INSERT INTO trace_postings(bundle, chunk, fmt, ids) VALUES (?, ?, ?, ?)",
			  &p->ins);
	if (r < 0) {
		free(p);
		return r;
	}
	*ret = p;
	return 0;
}

void store_postings_free(struct store_postings *p)
{
	if (!p)
		return;
	sqlite3_finalize(p->ins);
	for (size_t i = 0; i < p->n; i++)
		free(p->p[i].text);
	free(p->p);
	free(p->hash);
	free(p);
}

static size_t fmt_hash(int64_t fmt)
{
	return (size_t)(((uint64_t)fmt * 0x9e3779b97f4a7c15ull) >> 20);
}

static int rehash(struct store_postings *p)
{
	size_t cap = p->hcap ? 2 * p->hcap : 1024;
	uint32_t *h = calloc(cap, sizeof(*h));

	if (!h)
		return fw_error(p->s->ctx, -ENOMEM, "out of memory");
	for (size_t i = 0; i < p->n; i++) {
		size_t j = fmt_hash(p->p[i].fmt) & (cap - 1);

		while (h[j])
			j = (j + 1) & (cap - 1);
		h[j] = (uint32_t)(i + 1);
	}
	free(p->hash);
	p->hash = h;
	p->hcap = cap;
	return 0;
}

int store_postings_slot(struct store_postings *p, int64_t fmt, uint32_t *ret_slot)
{
	size_t j;
	int r;

	if (p->hcap) {
		for (j = fmt_hash(fmt) & (p->hcap - 1); p->hash[j]; j = (j + 1) & (p->hcap - 1)) {
			if (p->p[p->hash[j] - 1].fmt == fmt) {
				*ret_slot = p->hash[j] - 1;
				return 0;
			}
		}
	}
	if ((p->n + 1) * 2 > p->hcap) {
		r = rehash(p);
		if (r < 0)
			return r;
	}
	r = fw_grow((void **)&p->p, &p->cap, p->n + 1, sizeof(*p->p), 0);
	if (r < 0)
		return fw_error(p->s->ctx, r, "out of memory");
	memset(&p->p[p->n], 0, sizeof(p->p[0]));
	p->p[p->n].fmt = fmt;
	p->p[p->n].last = -1;
	for (j = fmt_hash(fmt) & (p->hcap - 1); p->hash[j]; j = (j + 1) & (p->hcap - 1))
		;
	p->hash[j] = (uint32_t)(p->n + 1);
	*ret_slot = (uint32_t)p->n++;
	return 0;
}

int store_postings_flush(struct store_postings *p)
{
	char *row = NULL;
	size_t rcap = 0;
	int r = 0;

	for (size_t i = 0; i < p->n && r >= 0; i++) {
		struct posting *x = &p->p[i];

		if (!x->len)
			continue;
		r = fw_grow((void **)&row, &rcap, x->len + 3, 1, 0);
		if (r < 0) {
			r = fw_error(p->s->ctx, r, "out of memory");
			break;
		}
		row[0] = '[';
		memcpy(row + 1, x->text, x->len);
		row[x->len + 1] = ']';
		sqlite3_bind_int64(p->ins, 1, p->bundle);
		sqlite3_bind_int64(p->ins, 2, p->chunk++);
		sqlite3_bind_int64(p->ins, 3, x->fmt);
		sqlite3_bind_text(p->ins, 4, row, (int)(x->len + 2), SQLITE_STATIC);
		r = sqlite3_step(p->ins);
		sqlite3_reset(p->ins);
		r = r == SQLITE_DONE ? 0 : sql_error(p->s, r, "cannot record trace postings");
		/* The next chunk starts again from ev_first; its text is
		 * grown anew, so memory is what is held, not what was. */
		free(x->text);
		x->text = NULL;
		x->len = x->cap = 0;
		x->last = -1;
	}
	free(row);
	p->held = 0;
	return r;
}

int store_postings_add(struct store_postings *p, uint32_t slot, int64_t id)
{
	struct posting *x = &p->p[slot];
	char num[24];
	int64_t v = x->last < 0 ? id - p->ev_first : id - x->last;
	size_t n = 0, need;
	int r;

	/* Decimal, backwards: the common gap is a few digits. */
	do {
		num[sizeof(num) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	need = x->len + n + 1;
	if (need > x->cap) {
		size_t old = x->cap;

		r = fw_grow((void **)&x->text, &x->cap, need, 1, 0);
		if (r < 0)
			return fw_error(p->s->ctx, r, "out of memory");
		p->held += x->cap - old;
	}
	if (x->len)
		x->text[x->len++] = ',';
	memcpy(x->text + x->len, num + sizeof(num) - n, n);
	x->len += n;
	x->last = id;
	if (p->held > p->limit)
		return store_postings_flush(p);
	return 0;
}

/*
 * Postings of bundles loaded before the table existed (the upgrade to
 * schema 6): one pass over each bundle's events in id order.
 */
int store_postings_backfill(struct store *s)
{
	sqlite3_stmt *bs = NULL, *es = NULL;
	int rc, r;

	r = prepare(s, "SELECT b.id, b.ev_first, b.ev_last FROM bundles b "
			  "WHERE b.ev_first IS NOT NULL AND NOT EXISTS "
			  "(SELECT 1 FROM trace_postings p WHERE p.bundle = b.id) ORDER BY b.id", &bs);
	if (r < 0)
		return r;
	r = prepare(s, "SELECT id, fmt FROM trace_ev WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
			  &es);
	if (r < 0)
		goto finalize;
	while ((rc = sqlite3_step(bs)) == SQLITE_ROW && r >= 0) {
		struct store_postings *p = NULL;
		int64_t bundle = sqlite3_column_int64(bs, 0), first = sqlite3_column_int64(bs, 1);

		r = store_postings_new(s, bundle, first, 0, &p);
		if (r < 0)
			break;
		sqlite3_bind_int64(es, 1, first);
		sqlite3_bind_int64(es, 2, sqlite3_column_int64(bs, 2));
		while (r >= 0 && (rc = sqlite3_step(es)) == SQLITE_ROW) {
			uint32_t slot;

			r = store_postings_slot(p, sqlite3_column_int64(es, 1), &slot);
			if (r >= 0)
				r = store_postings_add(p, slot, sqlite3_column_int64(es, 0));
		}
		sqlite3_reset(es);
		if (r >= 0 && rc != SQLITE_DONE)
			r = sql_error(s, rc, "cannot read trace events");
		if (r >= 0)
			r = store_postings_flush(p);
		store_postings_free(p);
		if (fw_ctx_cancelled(s->ctx) && r >= 0)
			r = fw_error(s->ctx, -EINTR, "schema upgrade interrupted");
	}
	if (r >= 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
		r = sql_error(s, rc, "cannot list bundles");
finalize:
	sqlite3_finalize(es);
	sqlite3_finalize(bs);
	return r;
}
