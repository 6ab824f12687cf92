/* SPDX-License-Identifier: MIT */
/*
 * store load: one bundle in one transaction.  The hot path is
 * store_load_trace(): an event becomes one row of six to thirteen integers
 * (no text), appended in id order with a prepared statement chosen by the
 * number of parameters, its format resolved through an in-memory cache.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "store/store-internal.h"
#include "trace-clock.h"

/* Events summarised by one trace_blocks row. */
#define STORE_BLOCK_EVENTS 256
/* Events per multi-row INSERT: one statement execution per 64 rows cuts
 * SQLite's per-statement work (open/close cursor, halt) 64-fold; measured
 * here it is the largest single gain on the load rate. */
#define STORE_EV_BATCH 64
#define STORE_EV_COLS 10
/* Words per crspace_chunks row (4 KiB of CR-space). */
#define STORE_CHUNK_WORDS 1024u
#define STORE_CHUNK_BYTES (STORE_CHUNK_WORDS * 4u)
/* CR-space images per bundle (the crspace artifact, crdumps of reporters). */
#define STORE_IMAGES 16u
/* The text stored for events whose format the strings DB lacks: what the
 * kernel prints for them. */
#define STORE_UNKNOWN_FORMAT "0x%08x%08x"

struct fmt_entry {
	uint64_t key;
	char *text;            /* NULL for caller keys (format_key) */
	int64_t id;
	uint64_t events;       /* of this bundle, through this entry */
	int64_t first_event;
	int64_t first_ring;    /* first ring event (never a duplicate), or INT64_MAX */
	uint8_t signed_mask;   /* bit i: parameter i is printed by %d or %i */
	bool used;
	bool caller_key;
	bool is_text;          /* the entry of a message kept as text */
	bool has_slot;         /* post_slot is set */
	uint32_t post_slot;    /* the format's slot in the postings builder */
};

/* A text or saved event, kept until the commit compares the sources. */
struct nr_event {
	uint64_t ts;
	int64_t id;
	int64_t fmt;
	uint32_t next;         /* next event of the same hash chain, + 1 */
	uint8_t event_id;
	uint8_t source;
	bool dup;
};

struct pending_ev {
	int64_t ts, fmt, meta;
	unsigned nparams;
	int64_t params[FW_LIMIT_TRACE_PARAMS];
};

struct store_load {
	struct store *s;
	struct store_pg_load *pg;       /* the PostgreSQL back-end's rows, or NULL */
	int64_t bundle_id;
	bool committed;

	sqlite3_stmt *ins_artifact;
	sqlite3_stmt *ins_ev1;          /* one event row */
	sqlite3_stmt *ins_evn;          /* STORE_EV_BATCH event rows */
	sqlite3_stmt *ins_block;
	sqlite3_stmt *sel_fmt;
	sqlite3_stmt *ins_fmt;
	sqlite3_stmt *ins_field;
	sqlite3_stmt *ins_chunk;
	sqlite3_stmt *ins_segment;
	sqlite3_stmt *ins_health;

	/* Trace rows: ids are handed out here, contiguous for the bundle. */
	int64_t ev_first, ev_next;      /* ids: first of the bundle, next to hand out */
	int64_t ev_written;             /* next id SQLite will write */
	struct pending_ev batch[STORE_EV_BATCH];
	unsigned nbatch;
	unsigned blk_count;
	int blk_source;                 /* a block holds events of one source */
	int64_t blk_id_lo;
	uint64_t blk_ts_lo, blk_ts_hi;
	uint64_t blk_span;              /* widest ts_hi - ts_lo so far */

	struct fmt_entry *fmts;
	size_t fmt_cap, fmt_used;
	struct store_postings *post;

	/* Text and saved events, for the comparison of sources. */
	struct nr_event *nr;
	size_t nr_len, nr_cap;
	bool nr_overflow;
	uint64_t ring_events;
	uint64_t nr_ts_lo, nr_ts_hi;

	/* CR-space chunk being filled, and the image it belongs to. */
	uint8_t chunk[STORE_CHUNK_BYTES];
	char *chunk_source;
	/* Per image, the end of what was written: images must come in
	 * ascending address order, so an overlap is caught at once. */
	struct {
		char *source;
		uint64_t end;
	} images[STORE_IMAGES];
	unsigned nimages;
	uint64_t chunk_addr;
	size_t chunk_words;

	int64_t artifact_seq, segment_seq, health_seq;
	uint64_t n_ok, n_partial, n_failed;
	struct store_load_stats stats;
};

static int load_error(struct store_load *l, int rc, const char *what)
{
	return store_sqlite_error(l->s, rc, what);
}

static int step_done(struct store_load *l, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return load_error(l, rc, what);
	return 0;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int prepare_all(struct store_load *l)
{
	/* No id column: SQLite appends at max(id) + 1 without the uniqueness
	 * seek an explicit id costs (measured: about 30%).
	 * OR FAIL: a multi-row INSERT whose NOT NULL checks may ABORT needs a
	 * statement journal to undo its own rows; with 16 KiB pages it spilled
	 * past SQLite's 64 KiB limit to a temp file, 3.4 GB of writes for 10 M
	 * events (strace): 9 s -> 7.3 s wall for the load on a quiet machine,
	 * 12 s -> 7.4 s when other writers compete for the disk.  A failed statement
	 * rolls the whole bundle transaction back anyway, so statement-level
	 * undo buys nothing here. */
	static const char ev_head[] =
		"INSERT OR FAIL INTO trace_ev(ts, fmt, meta, p0, p1, p2, p3, p4, p5, p6) VALUES ";
	static const char ev_row[] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct store *s = l->s;
	char *sql;
	size_t len;
	int r;

	len = sizeof(ev_head) + STORE_EV_BATCH * sizeof(ev_row) + 1;
	sql = malloc(len);
	if (!sql)
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	strcpy(sql, ev_head);
	strcat(sql, ev_row);
	r = store_prepare(s, sql, &l->ins_ev1);
	for (unsigned i = 1; i < STORE_EV_BATCH; i++) {
		strcat(sql, ",");
		strcat(sql, ev_row);
	}
	if (r >= 0)
		r = store_prepare(s, sql, &l->ins_evn);
	free(sql);
	if (r < 0)
		return r;
	r = store_prepare(s, "INSERT INTO artifacts(bundle, seq, kind, path, size, sha256, outcome, "
			  "reason, err, status, syndrome, start_ns, end_ns, interface) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &l->ins_artifact);
	if (r < 0)
		return r;
	r = store_prepare(s, "INSERT INTO trace_blocks(bundle, ts_lo, ts_hi, id_lo, id_hi) "
			  "VALUES (?, ?, ?, ?, ?)", &l->ins_block);
	if (r < 0)
		return r;
	r = store_prepare(s, "SELECT id FROM trace_formats WHERE text = ?", &l->sel_fmt);
	if (r < 0)
		return r;
	r = store_prepare(s, "INSERT INTO trace_formats(text) VALUES (?)", &l->ins_fmt);
	if (r < 0)
		return r;
	r = store_prepare(s, "INSERT INTO register_fields(bundle, register, instance, field, value, "
			  "enum_name) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			  &l->ins_field);
	if (r < 0)
		return r;
	r = store_prepare(s, "INSERT INTO crspace_chunks(bundle, source, addr, data) "
			  "VALUES (?, ?, ?, ?)", &l->ins_chunk);
	if (r < 0)
		return r;
	r = store_prepare(s, "INSERT INTO segments(bundle, seq, dump, segment_type, name, index1, "
			  "index2, size, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &l->ins_segment);
	if (r < 0)
		return r;
	return store_prepare(s, "INSERT INTO health(bundle, seq, source, item, value) "
			     "VALUES (?, ?, ?, ?, ?)", &l->ins_health);
}

static void finalize_all(struct store_load *l)
{
	sqlite3_finalize(l->ins_ev1);
	sqlite3_finalize(l->ins_evn);
	sqlite3_finalize(l->ins_artifact);
	sqlite3_finalize(l->ins_block);
	sqlite3_finalize(l->sel_fmt);
	sqlite3_finalize(l->ins_fmt);
	sqlite3_finalize(l->ins_field);
	sqlite3_finalize(l->ins_chunk);
	sqlite3_finalize(l->ins_segment);
	sqlite3_finalize(l->ins_health);
}

/* The card's identity: serial number (with PSID) when known, which is
 * stable across slots and hosts; otherwise host + PCI address + PSID. */
static char *device_identity(const struct bundle_device *d, const char *host)
{
	char *id = NULL;

	if (d->serial && *d->serial) {
		if (asprintf(&id, "sn:%s:%s", d->psid ? d->psid : "", d->serial) < 0)
			return NULL;
	} else if (asprintf(&id, "pci:%s:%s:%s", host ? host : "", d->pci ? d->pci : "",
			    d->psid ? d->psid : "") < 0) {
		return NULL;
	}
	return id;
}

static void format_uuid(const uint8_t u[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

static int insert_device(struct store_load *l, const struct store_bundle_info *info,
			 int64_t *ret_id)
{
	const struct bundle_device *d = info->device;
	const char *host = info->header->host;
	sqlite3_stmt *st = NULL;
	char *identity;
	int rc, r;

	identity = device_identity(d, host);
	if (!identity)
		return fw_error(l->s->ctx, -ENOMEM, "out of memory");
	r = store_prepare(l->s, "INSERT INTO devices(identity, serial, psid, board_id, pci, host, "
			  "vendor_id, device_id, subsys_vendor_id, subsys_device_id, model) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
			  "ON CONFLICT(identity) DO UPDATE SET pci = excluded.pci, "
			  "host = excluded.host, model = coalesce(excluded.model, model) "
			  "RETURNING id", &st);
	if (r < 0)
		goto free_identity;
	sqlite3_bind_text(st, 1, identity, -1, SQLITE_STATIC);
	bind_text_or_null(st, 2, d->serial);
	bind_text_or_null(st, 3, d->psid);
	bind_text_or_null(st, 4, d->board_id);
	bind_text_or_null(st, 5, d->pci);
	bind_text_or_null(st, 6, host);
	sqlite3_bind_int(st, 7, d->vendor_id);
	sqlite3_bind_int(st, 8, d->device_id);
	sqlite3_bind_int(st, 9, d->subsys_vendor_id);
	sqlite3_bind_int(st, 10, d->subsys_device_id);
	bind_text_or_null(st, 11, d->model);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		r = load_error(l, rc, "cannot record the device");
		goto finalize;
	}
	*ret_id = sqlite3_column_int64(st, 0);
	r = 0;
finalize:
	sqlite3_finalize(st);
free_identity:
	free(identity);
	return r;
}

/* The trigger note of a bundle fwbox watch took (schema 5). */
static void bind_time(sqlite3_stmt *st, int col, uint64_t ns)
{
	char when[48];

	if (!ns) {
		sqlite3_bind_null(st, col);
		sqlite3_bind_null(st, col + 1);
		return;
	}
	fw_format_utc(ns, when, sizeof(when));
	sqlite3_bind_text(st, col, when, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, col + 1, (int64_t)ns);
}

static int insert_trigger(struct store_load *l, const struct bundle_trigger *t)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(l->s, "INSERT INTO triggers(bundle, source, reporter, state, error_count, "
			  "message, event, event_ns, latency_ns, incident_ns, incident_events, "
			  "first_of_incident, replayed, suppressed, suppressed_first, "
			  "suppressed_first_ns, suppressed_last, suppressed_last_ns) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st);
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, l->bundle_id);
	sqlite3_bind_text(st, 2, t->source ? t->source : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->reporter ? t->reporter : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, t->state ? "error" : "healthy", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (int64_t)t->error_count);
	bind_text_or_null(st, 6, t->message && *t->message ? t->message : NULL);
	bind_time(st, 7, t->event_ns);
	if (t->latency_ns)
		sqlite3_bind_int64(st, 9, (int64_t)t->latency_ns);
	else
		sqlite3_bind_null(st, 9);
	if (t->incident_ns)
		sqlite3_bind_int64(st, 10, (int64_t)t->incident_ns);
	else
		sqlite3_bind_null(st, 10);
	sqlite3_bind_int64(st, 11, (int64_t)t->incident_events);
	sqlite3_bind_int(st, 12, t->first_of_incident ? 1 : 0);
	sqlite3_bind_int(st, 13, t->replayed ? 1 : 0);
	sqlite3_bind_int64(st, 14, (int64_t)t->suppressed);
	bind_time(st, 15, t->suppressed_first_ns);
	bind_time(st, 17, t->suppressed_last_ns);
	r = sqlite3_step(st);
	r = r == SQLITE_DONE ? 0 : load_error(l, r, "cannot record the bundle's trigger");
	sqlite3_finalize(st);
	return r;
}

static int insert_bundle(struct store_load *l, const struct store_bundle_info *info,
			 bool *ret_new)
{
	const struct bundle_header *h = info->header;
	const struct bundle_device *d = info->device;
	char uuid[37], sha[FW_SHA256_HEX], created[40], loaded[40];
	sqlite3_stmt *st = NULL;
	int64_t device_id = 0;
	int r;

	if (d) {
		r = insert_device(l, info, &device_id);
		if (r < 0)
			return r;
	}
	format_uuid(h->uuid, uuid);
	fw_sha256_hex(info->sha256, sha);
	fw_format_utc(h->created_ns, created, sizeof(created));
	fw_format_utc(fw_now_ns(), loaded, sizeof(loaded));

	r = store_prepare(l->s, "INSERT INTO bundles(uuid, sha256, created, created_ns, host, reason, "
			  "cmdline, fwbox_version, format_version, outcome, device, fw_version, "
			  "kernel, driver, file, file_size, loaded) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ok', ?, ?, ?, ?, ?, ?, ?) "
			  "ON CONFLICT DO NOTHING", &st);
	if (r < 0)
		return r;
	sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, created, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)h->created_ns);
	bind_text_or_null(st, 5, h->host);
	bind_text_or_null(st, 6, h->reason);
	bind_text_or_null(st, 7, h->cmdline);
	bind_text_or_null(st, 8, h->fwbox_version);
	sqlite3_bind_int(st, 9, (int)h->format_version);
	if (d)
		sqlite3_bind_int64(st, 10, device_id);
	else
		sqlite3_bind_null(st, 10);
	bind_text_or_null(st, 11, d ? d->fw_version : NULL);
	bind_text_or_null(st, 12, d ? d->kernel : NULL);
	bind_text_or_null(st, 13, d ? d->driver : NULL);
	bind_text_or_null(st, 14, info->file);
	sqlite3_bind_int64(st, 15, (int64_t)info->file_size);
	sqlite3_bind_text(st, 16, loaded, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r != SQLITE_DONE) {
		r = load_error(l, r, "cannot record the bundle");
		goto finalize;
	}
	/* Zero changes: the UUID or the file hash is already there. */
	*ret_new = sqlite3_changes(l->s->db) > 0;
	l->bundle_id = sqlite3_last_insert_rowid(l->s->db);
	r = 0;
	if (*ret_new && info->trigger)
		r = insert_trigger(l, info->trigger);
finalize:
	sqlite3_finalize(st);
	return r;
}

static int next_event_id(struct store_load *l)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(l->s, "SELECT coalesce(max(id), 0) + 1 FROM trace_ev", &st);
	if (r < 0)
		return r;
	r = sqlite3_step(st);
	if (r != SQLITE_ROW) {
		r = load_error(l, r, "cannot read the trace table");
	} else {
		l->ev_first = l->ev_next = l->ev_written = sqlite3_column_int64(st, 0);
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

/* The PostgreSQL back-end: the same bundle row, from the same text. */
static int pg_begin(struct store_load *l, const struct store_bundle_info *info,
		    struct store_load **ret)
{
	const struct bundle_header *h = info->header;
	char uuid[37], sha[FW_SHA256_HEX], created[40], loaded[40];
	struct store_pg_bundle b = { .info = info, .uuid = uuid, .sha = sha, .created = created,
				     .loaded = loaded };
	char *identity = NULL;
	int r;

	if (info->device) {
		identity = device_identity(info->device, h->host);
		if (!identity) {
			r = fw_error(l->s->ctx, -ENOMEM, "out of memory");
			free(l);
			return r;
		}
	}
	b.identity = identity;
	format_uuid(h->uuid, uuid);
	fw_sha256_hex(info->sha256, sha);
	fw_format_utc(h->created_ns, created, sizeof(created));
	fw_format_utc(fw_now_ns(), loaded, sizeof(loaded));
	r = store_pg_load_begin(l->s, &b, &l->pg, &l->bundle_id);
	free(identity);
	if (r != STORE_LOAD_NEW) {
		free(l);
		return r;
	}
	if (info->trigger) {
		r = store_pg_load_trigger(l->pg, info->trigger);
		if (r < 0) {
			store_load_free(l);
			return r;
		}
	}
	l->ev_first = l->ev_next = l->ev_written = 0;
	*ret = l;
	return STORE_LOAD_NEW;
}

int store_load_begin(struct store *s, const struct store_bundle_info *info,
		     struct store_load **ret)
{
	struct store_load *l;
	bool is_new = false;
	int r;

	if (s->readonly)
		return fw_error(s->ctx, -EPERM, "database '%s' is open read-only", s->path);
	if (!info || !info->header)
		return fw_error(s->ctx, -EINVAL, "store_load_begin: no bundle header");
	l = calloc(1, sizeof(*l));
	if (!l)
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	l->s = s;
	if (s->pg)
		return pg_begin(l, info, ret);
	/* IMMEDIATE: take the write lock now (waiting on other loaders through
	 * the busy timeout) instead of failing with SQLITE_BUSY_SNAPSHOT half
	 * way through, which a deferred transaction would. */
	r = store_exec(s, "BEGIN IMMEDIATE");
	if (r < 0) {
		free(l);
		return fw_error_prefix(s->ctx, r, "cannot start a write transaction");
	}
	r = insert_bundle(l, info, &is_new);
	if (r < 0)
		goto rollback;
	if (!is_new) {
		store_exec(s, "ROLLBACK");
		free(l);
		return STORE_LOAD_ALREADY;
	}
	r = next_event_id(l);
	if (r < 0)
		goto rollback;
	r = prepare_all(l);
	if (r < 0)
		goto rollback;
	r = store_postings_new(s, l->bundle_id, l->ev_first, 0, &l->post);
	if (r < 0)
		goto rollback;
	*ret = l;
	return STORE_LOAD_NEW;

rollback:
	store_load_free(l);
	return r;
}

int64_t store_load_bundle_id(const struct store_load *l)
{
	return l->bundle_id;
}

/* The names of fwbox-bundle(5); kept here so the store does not need the
 * bundle reader linked in (it only stores what it is given). */
static const char *outcome_name(enum bundle_outcome o)
{
	switch (o) {
	case BUNDLE_OUTCOME_OK:
		return "ok";
	case BUNDLE_OUTCOME_PARTIAL:
		return "partial";
	case BUNDLE_OUTCOME_SKIPPED:
		return "skipped";
	default:
		return "failed";
	}
}

static void count_outcome(struct store_load *l, enum bundle_outcome o)
{
	switch (o) {
	case BUNDLE_OUTCOME_OK:
	case BUNDLE_OUTCOME_SKIPPED:
		l->n_ok++;
		break;
	case BUNDLE_OUTCOME_PARTIAL:
		l->n_partial++;
		break;
	default:
		l->n_failed++;
		break;
	}
}

int store_load_artifact(struct store_load *l, const struct bundle_artifact *a)
{
	sqlite3_stmt *st = l->ins_artifact;
	char sha[FW_SHA256_HEX];
	const char *outcome = outcome_name(a->outcome);

	fw_sha256_hex(a->sha256, sha);
	if (l->pg) {
		int r = store_pg_load_artifact(l->pg, l->artifact_seq, a, sha, outcome);

		if (r < 0)
			return r;
		count_outcome(l, a->outcome);
		l->artifact_seq++;
		l->stats.artifacts++;
		return 0;
	}
	sqlite3_bind_int64(st, 1, l->bundle_id);
	sqlite3_bind_int64(st, 2, l->artifact_seq);
	bind_text_or_null(st, 3, a->kind ? a->kind : "");
	bind_text_or_null(st, 4, a->path ? a->path : "");
	sqlite3_bind_int64(st, 5, (int64_t)a->size);
	sqlite3_bind_text(st, 6, sha, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, a->reason ? a->reason : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, a->err);
	sqlite3_bind_int64(st, 10, a->status);
	sqlite3_bind_int64(st, 11, a->syndrome);
	sqlite3_bind_int64(st, 12, (int64_t)a->start_ns);
	sqlite3_bind_int64(st, 13, (int64_t)a->end_ns);
	bind_text_or_null(st, 14, a->interface);
	l->artifact_seq++;
	count_outcome(l, a->outcome);
	l->stats.artifacts++;
	return step_done(l, st, "cannot record an artifact");
}

/* ------------------------------------------------------------ trace */

static uint64_t hash_text(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

static int fmts_grow(struct store_load *l)
{
	size_t cap = l->fmt_cap ? l->fmt_cap * 2 : 1024;
	struct fmt_entry *n = calloc(cap, sizeof(*n));

	if (!n)
		return fw_error(l->s->ctx, -ENOMEM, "out of memory");
	for (size_t i = 0; i < l->fmt_cap; i++) {
		struct fmt_entry *e = &l->fmts[i];
		size_t j;

		if (!e->used)
			continue;
		for (j = e->key & (cap - 1); n[j].used; j = (j + 1) & (cap - 1))
			;
		n[j] = *e;
	}
	free(l->fmts);
	l->fmts = n;
	l->fmt_cap = cap;
	return 0;
}

/* Which parameters of format text are printed by a signed conversion.
 * The kernel hands each 32-bit parameter to vsnprintf as a u64, so %d and
 * %i show its low 32 bits as a signed int, every other conversion (%u, %x,
 * %o, %ld...) the unsigned 32-bit value.  SQLite's printf() renders the
 * stored 64-bit value as it is, so the loader stores the parameters of %d
 * and %i sign-extended from 32 bits and the others zero-extended: the
 * views then print what the kernel and fwbox trace print.  A '*' width or
 * precision consumes a parameter too. */
static uint8_t format_signed_mask(const char *text)
{
	unsigned arg = 0;
	uint8_t mask = 0;

	for (const char *p = text; *p && arg < FW_LIMIT_TRACE_PARAMS; p++) {
		bool longmod = false;

		if (*p != '%')
			continue;
		if (*++p == '%')
			continue;
		while (*p && strchr("-+ #0!,", *p))
			p++;
		for (; *p == '*' || (*p >= '0' && *p <= '9'); p++)
			if (*p == '*')
				arg++;
		if (*p == '.')
			for (p++; *p == '*' || (*p >= '0' && *p <= '9'); p++)
				if (*p == '*')
					arg++;
		for (; *p && strchr("hlLqjzt", *p); p++)
			if (*p == 'l' || *p == 'L' || *p == 'q' || *p == 'j')
				longmod = true;
		if (!*p)
			break;
		if ((*p == 'd' || *p == 'i') && !longmod && arg < FW_LIMIT_TRACE_PARAMS)
			mask |= 1u << arg;
		arg++;
	}
	return mask;
}

/* Find or create the trace_formats row of text. */
static int format_row(struct store_load *l, const char *text, int64_t *ret_id)
{
	int rc, r;

	if (l->pg)
		return store_pg_load_format(l->pg, text, ret_id);
	sqlite3_bind_text(l->sel_fmt, 1, text, -1, SQLITE_STATIC);
	rc = sqlite3_step(l->sel_fmt);
	if (rc == SQLITE_ROW) {
		*ret_id = sqlite3_column_int64(l->sel_fmt, 0);
		sqlite3_reset(l->sel_fmt);
		return 0;
	}
	sqlite3_reset(l->sel_fmt);
	if (rc != SQLITE_DONE)
		return load_error(l, rc, "cannot look up a trace format");
	sqlite3_bind_text(l->ins_fmt, 1, text, -1, SQLITE_STATIC);
	r = step_done(l, l->ins_fmt, "cannot record a trace format");
	if (r < 0)
		return r;
	l->stats.trace_formats++;
	*ret_id = sqlite3_last_insert_rowid(l->s->db);
	return 0;
}

static int format_id(struct store_load *l, const struct store_trace_event *ev,
		     struct fmt_entry **ret)
{
	const char *text = ev->format ? ev->format : STORE_UNKNOWN_FORMAT;
	bool caller_key = ev->format && ev->format_key && !ev->text;
	/* A message kept as text and a format of the same text are one
	 * trace_formats row, but not one cache entry. */
	uint64_t key = caller_key ? ev->format_key : hash_text(text) ^ (ev->text ? 0x7e57 : 0);
	struct fmt_entry *e;
	size_t j;
	int r;

	if (l->fmt_cap) {
		for (j = key & (l->fmt_cap - 1); l->fmts[j].used; j = (j + 1) & (l->fmt_cap - 1)) {
			e = &l->fmts[j];
			if (e->key != key || e->caller_key != caller_key || e->is_text != ev->text)
				continue;
			if (!caller_key && strcmp(e->text, text))
				continue;
			*ret = e;
			return 0;
		}
	}
	if ((l->fmt_used + 1) * 2 > l->fmt_cap) {
		r = fmts_grow(l);
		if (r < 0)
			return r;
	}
	for (j = key & (l->fmt_cap - 1); l->fmts[j].used; j = (j + 1) & (l->fmt_cap - 1))
		;
	e = &l->fmts[j];
	r = format_row(l, text, &e->id);
	if (r < 0)
		return r;
	if (!caller_key) {
		e->text = strdup(text);
		if (!e->text)
			return fw_error(l->s->ctx, -ENOMEM, "out of memory");
	}
	e->key = key;
	e->caller_key = caller_key;
	e->is_text = ev->text;
	e->first_ring = INT64_MAX;
	/* A message kept as text has no conversions (its '%' are doubled). */
	e->signed_mask = ev->text ? 0 : format_signed_mask(text);
	e->used = true;
	l->fmt_used++;
	*ret = e;
	return 0;
}

static int flush_block(struct store_load *l)
{
	sqlite3_stmt *st = l->ins_block;

	if (!l->blk_count)
		return 0;
	if (l->pg) {
		/* No trace_blocks there: an index on (bundle, ts) instead. */
		l->blk_count = 0;
		return 0;
	}
	sqlite3_bind_int64(st, 1, l->bundle_id);
	sqlite3_bind_int64(st, 2, (int64_t)l->blk_ts_lo);
	sqlite3_bind_int64(st, 3, (int64_t)l->blk_ts_hi);
	sqlite3_bind_int64(st, 4, l->blk_id_lo);
	sqlite3_bind_int64(st, 5, l->ev_next - 1);
	if (l->blk_ts_hi - l->blk_ts_lo > l->blk_span)
		l->blk_span = l->blk_ts_hi - l->blk_ts_lo;
	l->blk_count = 0;
	return step_done(l, st, "cannot record a trace block");
}

static void bind_event(sqlite3_stmt *st, int col, const struct pending_ev *e)
{
	unsigned i;

	sqlite3_bind_int64(st, col, e->ts);
	sqlite3_bind_int64(st, col + 1, e->fmt);
	sqlite3_bind_int64(st, col + 2, e->meta);
	for (i = 0; i < e->nparams; i++)
		sqlite3_bind_int64(st, col + 3 + (int)i, e->params[i]);
	for (; i < FW_LIMIT_TRACE_PARAMS; i++)
		sqlite3_bind_null(st, col + 3 + (int)i);
}

static int step_events(struct store_load *l, sqlite3_stmt *st, unsigned n)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return load_error(l, rc, "cannot record trace events");
	l->ev_written += n;
	/* SQLite chose max(id) + 1 for each row; it must be the id we handed
	 * out, since we hold the write lock and bundles.ev_first..ev_last
	 * relies on it. */
	if (sqlite3_last_insert_rowid(l->s->db) != l->ev_written - 1)
		return fw_error(l->s->ctx, -EIO, "trace event id %lld, expected %lld",
				(long long)sqlite3_last_insert_rowid(l->s->db),
				(long long)(l->ev_written - 1));
	return 0;
}

static int flush_events(struct store_load *l)
{
	unsigned n = l->nbatch;
	int r = 0;

	l->nbatch = 0;
	if (n == STORE_EV_BATCH) {
		for (unsigned j = 0; j < n; j++)
			bind_event(l->ins_evn, 1 + (int)j * STORE_EV_COLS, &l->batch[j]);
		return step_events(l, l->ins_evn, n);
	}
	for (unsigned j = 0; j < n && r >= 0; j++) {
		bind_event(l->ins_ev1, 1, &l->batch[j]);
		r = step_events(l, l->ins_ev1, 1);
	}
	return r;
}

/* Keep a text or saved event for the comparison of sources; past
 * FW_LIMIT_TRACE_DEDUP of them the bundle's sources are not compared. */
static int nr_add(struct store_load *l, const struct store_trace_event *ev, int64_t fmt)
{
	struct nr_event *x;

	if (l->nr_overflow)
		return 0;
	if (l->nr_len == FW_LIMIT_TRACE_DEDUP) {
		l->nr_overflow = true;
		fw_log(l->s->ctx, FW_LOG_INFO, "more than FW_LIMIT_TRACE_DEDUP (%u) text and saved "
		       "trace events in one bundle: their duplicates are not looked for",
		       FW_LIMIT_TRACE_DEDUP);
		return 0;
	}
	if (l->nr_len == l->nr_cap) {
		size_t cap = l->nr_cap ? 2 * l->nr_cap : 4096;
		struct nr_event *n = realloc(l->nr, cap * sizeof(*n));

		if (!n)
			return fw_error(l->s->ctx, -ENOMEM, "out of memory");
		l->nr = n;
		l->nr_cap = cap;
	}
	x = &l->nr[l->nr_len++];
	x->ts = ev->timestamp;
	x->id = l->ev_next;
	x->fmt = fmt;
	x->event_id = ev->event_id;
	x->source = (uint8_t)ev->source;
	x->dup = false;
	x->next = 0;
	if (l->nr_len == 1 || ev->timestamp < l->nr_ts_lo)
		l->nr_ts_lo = ev->timestamp;
	if (l->nr_len == 1 || ev->timestamp > l->nr_ts_hi)
		l->nr_ts_hi = ev->timestamp;
	return 0;
}

int store_load_trace(struct store_load *l, const struct store_trace_event *ev)
{
	struct fmt_entry *f = NULL;
	struct pending_ev *e;
	unsigned n = ev->nparams;
	int r;

	if (n > FW_LIMIT_TRACE_PARAMS)
		return fw_error(l->s->ctx, -EOVERFLOW, "trace event with %u parameters: more than "
				"FW_LIMIT_TRACE_PARAMS (%u)", n, FW_LIMIT_TRACE_PARAMS);
	r = format_id(l, ev, &f);
	if (r < 0)
		return r;
	/* A block holds one source, so the comparison of sources at the
	 * commit can read the ring's blocks alone. */
	if (l->blk_count && l->blk_source != (int)ev->source) {
		r = flush_block(l);
		if (r < 0)
			return r;
	}
	if (!f->events++)
		f->first_event = l->ev_next;
	/* The postings and the comparison of sources are SQLite's (the
	 * PostgreSQL schema has neither yet). */
	if (!l->pg && !f->has_slot) {
		r = store_postings_slot(l->post, f->id, &f->post_slot);
		if (r < 0)
			return r;
		f->has_slot = true;
	}
	if (!l->pg) {
		r = store_postings_add(l->post, f->post_slot, l->ev_next);
		if (r < 0)
			return r;
	}
	if (l->pg) {
		/* nothing to compare */
	} else if (ev->source == STORE_TRACE_RING) {
		if (f->first_ring == INT64_MAX)
			f->first_ring = l->ev_next;
		l->ring_events++;
	} else {
		r = nr_add(l, ev, f->id);
		if (r < 0)
			return r;
	}
	if (ev->text)
		l->stats.trace_text++;
	e = &l->batch[l->nbatch++];
	e->ts = (int64_t)ev->timestamp;
	e->fmt = f->id;
	e->meta = (int64_t)ev->event_id | (int64_t)ev->lost << 8 | (int64_t)n << 9 |
		  (int64_t)(ev->tmsn & 0x1fff) << 12 |
		  (int64_t)(ev->source & 3) << STORE_META_SOURCE_SHIFT |
		  (ev->text ? STORE_META_TEXT : 0) | (ev->ambiguous ? STORE_META_AMBIGUOUS : 0);
	e->nparams = n;
	for (unsigned i = 0; i < n; i++)
		e->params[i] = f->signed_mask & (1u << i) ? (int64_t)(int32_t)ev->params[i] :
							    (int64_t)ev->params[i];
	if (l->pg) {
		l->nbatch = 0;
		r = store_pg_load_event(l->pg, l->ev_next - l->ev_first, e->ts, e->fmt, e->meta, n,
					e->params);
		if (r < 0)
			return r;
	} else if (l->nbatch == STORE_EV_BATCH) {
		r = flush_events(l);
		if (r < 0)
			return r;
	}

	if (!l->blk_count) {
		l->blk_id_lo = l->ev_next;
		l->blk_source = (int)ev->source;
		l->blk_ts_lo = l->blk_ts_hi = ev->timestamp;
	} else {
		if (ev->timestamp < l->blk_ts_lo)
			l->blk_ts_lo = ev->timestamp;
		if (ev->timestamp > l->blk_ts_hi)
			l->blk_ts_hi = ev->timestamp;
	}
	l->ev_next++;
	l->stats.trace_events++;
	if (++l->blk_count == STORE_BLOCK_EVENTS)
		return flush_block(l);
	return 0;
}

/* ------------------------------------------------------------ the rest */

int store_load_register_field(struct store_load *l, const char *reg, unsigned instance,
			      const char *field, uint64_t value, const char *enum_name)
{
	sqlite3_stmt *st = l->ins_field;

	if (l->pg) {
		char v[24];

		snprintf(v, sizeof(v), "%lld", (long long)(int64_t)value);
		l->stats.register_fields++;
		return store_pg_load_field(l->pg, reg, instance, field, v, enum_name);
	}
	sqlite3_bind_int64(st, 1, l->bundle_id);
	sqlite3_bind_text(st, 2, reg, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)instance);
	sqlite3_bind_text(st, 4, field, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (int64_t)value);
	bind_text_or_null(st, 6, enum_name);
	l->stats.register_fields++;
	return step_done(l, st, "cannot record a register field");
}

int store_load_register_text(struct store_load *l, const char *reg, unsigned instance,
			     const char *field, const char *value)
{
	sqlite3_stmt *st = l->ins_field;

	if (l->pg) {
		l->stats.register_fields++;
		return store_pg_load_field(l->pg, reg, instance, field, value, NULL);
	}
	sqlite3_bind_int64(st, 1, l->bundle_id);
	sqlite3_bind_text(st, 2, reg, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)instance);
	sqlite3_bind_text(st, 4, field, -1, SQLITE_STATIC);
	bind_text_or_null(st, 5, value);
	sqlite3_bind_null(st, 6);
	l->stats.register_fields++;
	return step_done(l, st, "cannot record a register field");
}

static int flush_chunk(struct store_load *l)
{
	sqlite3_stmt *st = l->ins_chunk;
	int rc;

	if (!l->chunk_words)
		return 0;
	if (l->pg) {
		/* Images come in ascending order (checked by the caller), so
		 * an address given twice never reaches the table. */
		rc = store_pg_load_chunk(l->pg, l->chunk_source, l->chunk_addr, l->chunk,
					 l->chunk_words * 4);
		l->chunk_words = 0;
		return rc;
	}
	sqlite3_bind_int64(st, 1, l->bundle_id);
	sqlite3_bind_text(st, 2, l->chunk_source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)l->chunk_addr);
	sqlite3_bind_blob(st, 4, l->chunk, (int)(l->chunk_words * 4), SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	l->chunk_words = 0;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return fw_error(l->s->ctx, -EBADMSG, "CR-space address 0x%llx of '%s' given twice",
				(unsigned long long)l->chunk_addr, l->chunk_source);
	if (rc != SQLITE_DONE)
		return load_error(l, rc, "cannot record CR-space");
	return 0;
}

int store_load_crspace(struct store_load *l, const char *source, uint64_t addr,
		       const uint32_t *words, size_t n)
{
	unsigned k;
	int r;

	if (addr & 3)
		return fw_error(l->s->ctx, -EINVAL, "CR-space address 0x%llx is not 4-byte aligned",
				(unsigned long long)addr);
	if (!source)
		source = "crspace";
	for (k = 0; k < l->nimages; k++)
		if (!strcmp(l->images[k].source, source))
			break;
	if (k == l->nimages) {
		if (k == STORE_IMAGES)
			return fw_error(l->s->ctx, -EOVERFLOW, "more than %u CR-space images in one "
					"bundle", STORE_IMAGES);
		l->images[k].source = strdup(source);
		if (!l->images[k].source)
			return fw_error(l->s->ctx, -ENOMEM, "out of memory");
		l->images[k].end = 0;
		l->nimages++;
	} else if (addr < l->images[k].end) {
		return fw_error(l->s->ctx, -EBADMSG, "CR-space image '%s': address 0x%llx comes "
				"after 0x%llx (given twice or out of order)", source,
				(unsigned long long)addr, (unsigned long long)l->images[k].end);
	}
	if (n > (UINT64_MAX - addr) / 4)
		return fw_error(l->s->ctx, -EBADMSG, "CR-space image '%s' runs past 2^64", source);
	l->images[k].end = addr + 4 * n;
	if (!l->chunk_source || strcmp(l->chunk_source, source)) {
		r = flush_chunk(l);
		if (r < 0)
			return r;
		free(l->chunk_source);
		l->chunk_source = strdup(source);
		if (!l->chunk_source)
			return fw_error(l->s->ctx, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++, addr += 4) {
		uint32_t w = words[i];
		uint8_t *p;

		/* A chunk holds contiguous words and never crosses a 4 KiB
		 * boundary, so dense images of two bundles line up chunk by
		 * chunk and the diff can compare whole blobs. */
		if (l->chunk_words && (addr != l->chunk_addr + 4 * l->chunk_words ||
				       addr % STORE_CHUNK_BYTES == 0)) {
			r = flush_chunk(l);
			if (r < 0)
				return r;
		}
		if (!l->chunk_words)
			l->chunk_addr = addr;
		p = l->chunk + 4 * l->chunk_words++;
		p[0] = w >> 24;
		p[1] = w >> 16;
		p[2] = w >> 8;
		p[3] = w;
		l->stats.crspace_words++;
	}
	return 0;
}

int store_load_segment(struct store_load *l, const char *dump, uint32_t segment_type,
		       const char *name, int64_t index1, int64_t index2,
		       const void *data, size_t len)
{
	sqlite3_stmt *st = l->ins_segment;

	if (len > FW_LIMIT_MEMBER_SIZE)
		return fw_error(l->s->ctx, -EOVERFLOW, "segment of %zu bytes: more than "
				"FW_LIMIT_MEMBER_SIZE", len);
	if (l->pg) {
		l->stats.segments++;
		return store_pg_load_segment(l->pg, l->segment_seq++, dump, segment_type, name,
					     index1, index2, data, len);
	}
	sqlite3_bind_int64(st, 1, l->bundle_id);
	sqlite3_bind_int64(st, 2, l->segment_seq++);
	sqlite3_bind_text(st, 3, dump ? dump : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, segment_type);
	bind_text_or_null(st, 5, name);
	sqlite3_bind_int64(st, 6, index1);
	sqlite3_bind_int64(st, 7, index2);
	sqlite3_bind_int64(st, 8, (int64_t)len);
	if (data && len)
		sqlite3_bind_blob64(st, 9, data, len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 9);
	l->stats.segments++;
	return step_done(l, st, "cannot record a segment");
}

int store_load_health(struct store_load *l, const char *source, const char *item,
		      const char *value)
{
	sqlite3_stmt *st = l->ins_health;

	if (l->pg) {
		l->stats.health++;
		return store_pg_load_health(l->pg, l->health_seq++, source, item, value);
	}
	sqlite3_bind_int64(st, 1, l->bundle_id);
	sqlite3_bind_int64(st, 2, l->health_seq++);
	sqlite3_bind_text(st, 3, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, item, -1, SQLITE_STATIC);
	bind_text_or_null(st, 5, value);
	l->stats.health++;
	return step_done(l, st, "cannot record a health item");
}

/* ------------------------------------------------------------ sources */

static uint64_t nr_hash(int64_t ts, unsigned event_id, int64_t fmt)
{
	uint64_t h = (uint64_t)ts * 0x9e3779b97f4a7c15ull ^ (uint64_t)fmt * 0xc2b2ae3d27d4eb4full ^
		     event_id;

	return h ^ (h >> 29);
}

/* Mark every kept event with this key whose source is worse than src. */
static void nr_mark(struct store_load *l, const uint32_t *head, size_t mask, int64_t ts,
		    unsigned event_id, int64_t fmt, unsigned src)
{
	for (uint32_t j = head[nr_hash(ts, event_id, fmt) & mask]; j; j = l->nr[j - 1].next) {
		struct nr_event *x = &l->nr[j - 1];

		if ((int64_t)x->ts == ts && x->event_id == event_id && x->fmt == fmt && x->source > src)
			x->dup = true;
	}
}

/*
 * One record per firmware message: a text or saved event with the
 * timestamp, event id and format of an event from a more preferred source
 * of this bundle (ring < text < saved) is a duplicate.  The kept text and
 * saved events are hashed; the ring's events are read back from the blocks
 * that overlap their time span (blocks hold one source each), so the ring
 * is never held in memory.
 */
static int mark_duplicates(struct store_load *l)
{
	sqlite3_stmt *st = NULL;
	uint32_t *head;
	size_t cap = 64, mask;
	bool text = false, saved = false;
	int rc, r = 0;

	if (l->nr_overflow || !l->nr_len)
		return 0;
	for (size_t i = 0; i < l->nr_len; i++) {
		text |= l->nr[i].source == STORE_TRACE_TEXT;
		saved |= l->nr[i].source == STORE_TRACE_SAVED;
	}
	if (!l->ring_events && !(text && saved))
		return 0;
	while (cap < 2 * l->nr_len)
		cap *= 2;
	mask = cap - 1;
	head = calloc(cap, sizeof(*head));
	if (!head)
		return fw_error(l->s->ctx, -ENOMEM, "out of memory");
	for (size_t i = 0; i < l->nr_len; i++) {
		struct nr_event *x = &l->nr[i];
		size_t h = nr_hash((int64_t)x->ts, x->event_id, x->fmt) & mask;

		x->next = head[h];
		head[h] = (uint32_t)(i + 1);
	}
	for (size_t i = 0; i < l->nr_len && text && saved; i++)
		if (l->nr[i].source == STORE_TRACE_TEXT)
			nr_mark(l, head, mask, (int64_t)l->nr[i].ts, l->nr[i].event_id, l->nr[i].fmt,
				STORE_TRACE_TEXT);
	if (l->ring_events) {
		r = store_prepare(l->s, "SELECT e.ts, e.meta & 255, e.fmt FROM trace_blocks k "
				  "JOIN trace_ev e ON e.id BETWEEN k.id_lo AND k.id_hi "
				  "WHERE k.bundle = ?1 AND k.ts_lo <= ?3 AND k.ts_hi >= ?2 "
				  "AND (e.meta >> 25) & 3 = 0", &st);
		if (r < 0)
			goto free_head;
		sqlite3_bind_int64(st, 1, l->bundle_id);
		sqlite3_bind_int64(st, 2, (int64_t)l->nr_ts_lo);
		sqlite3_bind_int64(st, 3, (int64_t)l->nr_ts_hi);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			nr_mark(l, head, mask, sqlite3_column_int64(st, 0),
				(unsigned)sqlite3_column_int(st, 1), sqlite3_column_int64(st, 2),
				STORE_TRACE_RING);
		sqlite3_finalize(st);
		st = NULL;
		if (rc != SQLITE_DONE) {
			r = load_error(l, rc, "cannot compare the trace sources");
			goto free_head;
		}
	}
	r = store_prepare(l->s, "UPDATE trace_ev SET meta = meta | ?1 WHERE id = ?2", &st);
	if (r < 0)
		goto free_head;
	for (size_t i = 0; i < l->nr_len && r >= 0; i++) {
		if (!l->nr[i].dup)
			continue;
		sqlite3_bind_int64(st, 1, STORE_META_DUP);
		sqlite3_bind_int64(st, 2, l->nr[i].id);
		r = step_done(l, st, "cannot mark a duplicate trace event");
		l->stats.trace_duplicates++;
	}
	sqlite3_finalize(st);
free_head:
	free(head);
	return r;
}

/* One trace_bundle_formats row per format of the bundle. */
struct fmt_count {
	int64_t fmt;
	uint64_t events;
	int64_t first;         /* first event of any source */
	int64_t first_kept;    /* first event that is no duplicate */
	bool text;
};

static int cmp_fmt_count(const void *a, const void *b)
{
	const struct fmt_count *x = a, *y = b;

	return x->fmt < y->fmt ? -1 : x->fmt > y->fmt;
}

static struct fmt_count *find_count(struct fmt_count *c, size_t n, int64_t fmt)
{
	struct fmt_count key = { .fmt = fmt };

	return bsearch(&key, c, n, sizeof(*c), cmp_fmt_count);
}

/* PostgreSQL: the counts added up per format id (several cache entries
 * may share one), rows only after every entry is counted. */
static int pg_format_counts(struct store_load *l)
{
	struct {
		int64_t id, first;
		uint64_t events;
	} *v = calloc(l->fmt_used, sizeof(*v));
	size_t n = 0;
	int r = 0;

	if (!v)
		return fw_error(l->s->ctx, -ENOMEM, "out of memory");
	for (size_t i = 0; i < l->fmt_cap; i++) {
		const struct fmt_entry *e = &l->fmts[i];
		size_t k;

		if (!e->used || !e->events)
			continue;
		for (k = 0; k < n && v[k].id != e->id; k++)
			;
		if (k == n) {
			v[n].id = e->id;
			v[n].first = e->first_event;
			v[n++].events = 0;
		}
		v[k].events += e->events;
		if (e->first_event < v[k].first)
			v[k].first = e->first_event;
	}
	for (size_t k = 0; k < n && r >= 0; k++)
		r = store_pg_load_format_count(l->pg, v[k].id, v[k].events, v[k].first);
	free(v);
	return r;
}

/* How many events of each format the bundle has, each message counted
 * once, and its first event.  Several cache entries can name one format
 * (two strings-DB pointers to equal text, a format and a message of the
 * same text): they add up. */
static int write_format_counts(struct store_load *l)
{
	sqlite3_stmt *st = NULL;
	struct fmt_count *c;
	size_t n = 0, m = 0;
	bool compared = !l->nr_overflow;
	int r;

	if (!l->fmt_used)
		return 0;
	if (l->pg)
		return pg_format_counts(l);
	c = calloc(l->fmt_used, sizeof(*c));
	if (!c)
		return fw_error(l->s->ctx, -ENOMEM, "out of memory");
	for (size_t i = 0; i < l->fmt_cap; i++) {
		const struct fmt_entry *e = &l->fmts[i];

		if (!e->used || !e->events)
			continue;
		c[n].fmt = e->id;
		c[n].events = e->events;
		c[n].first = e->first_event;
		c[n].first_kept = e->first_ring;
		c[n].text = e->is_text;
		n++;
	}
	qsort(c, n, sizeof(*c), cmp_fmt_count);
	for (size_t i = 0; i < n; i++) {
		if (m && c[m - 1].fmt == c[i].fmt) {
			c[m - 1].events += c[i].events;
			if (c[i].first < c[m - 1].first)
				c[m - 1].first = c[i].first;
			if (c[i].first_kept < c[m - 1].first_kept)
				c[m - 1].first_kept = c[i].first_kept;
			c[m - 1].text &= c[i].text;
		} else {
			c[m++] = c[i];
		}
	}
	for (size_t i = 0; compared && i < l->nr_len; i++) {
		struct fmt_count *x = find_count(c, m, l->nr[i].fmt);

		if (!x)
			continue;
		if (l->nr[i].dup)
			x->events--;
		else if (l->nr[i].id < x->first_kept)
			x->first_kept = l->nr[i].id;
	}
	r = store_prepare(l->s, "INSERT INTO trace_bundle_formats(bundle, fmt, events, first_event, "
			  "text) VALUES (?, ?, ?, ?, ?)", &st);
	for (size_t i = 0; i < m && r >= 0; i++) {
		if (!c[i].events)
			continue;
		sqlite3_bind_int64(st, 1, l->bundle_id);
		sqlite3_bind_int64(st, 2, c[i].fmt);
		sqlite3_bind_int64(st, 3, (int64_t)c[i].events);
		sqlite3_bind_int64(st, 4, compared && c[i].first_kept != INT64_MAX ? c[i].first_kept
									   : c[i].first);
		sqlite3_bind_int(st, 5, c[i].text);
		r = step_done(l, st, "cannot record trace format counts");
	}
	sqlite3_finalize(st);
	free(c);
	return r;
}

static const char *overall_outcome(const struct store_load *l)
{
	if (!l->n_partial && !l->n_failed)
		return "ok";
	if (!l->n_ok && !l->n_partial)
		return "failed";
	return "partial";
}

int store_load_clock(struct store_load *l, const struct trace_clock *c)
{
	/* Device ticks are at most 53 bits, times below 2^63 ns (2262): an
	 * anchor beyond that is stored as unknown rather than wrapped. */
	bool has_ts = c->have_device && c->device_ts <= INT64_MAX;
	bool has_utc = c->realtime_ns && c->realtime_ns <= INT64_MAX;
	bool has_unc = c->uncertainty_ns <= INT64_MAX;
	sqlite3_stmt *st = NULL;
	int r;

	if (l->pg) {
		char v[4][24];

		snprintf(v[0], sizeof(v[0]), "%" PRIu64, c->device_ts);
		snprintf(v[1], sizeof(v[1]), "%" PRIu32, c->device_khz);
		snprintf(v[2], sizeof(v[2]), "%" PRIu64, c->realtime_ns);
		snprintf(v[3], sizeof(v[3]), "%" PRIu64, c->uncertainty_ns);
		return store_pg_load_clock(l->pg, has_ts ? v[0] : NULL, c->device_khz ? v[1] : NULL,
					   has_utc ? v[2] : NULL, has_unc ? v[3] : NULL,
					   c->tracefs_clock[0] ? c->tracefs_clock : NULL);
	}
	r = store_prepare(l->s, "UPDATE bundles SET clock_device_ts = ?1, clock_khz = ?2, "
			  "clock_utc_ns = ?3, clock_uncertainty_ns = ?4, tracefs_clock = ?5 "
			  "WHERE id = ?6", &st);
	if (r < 0)
		return r;
	if (has_ts)
		sqlite3_bind_int64(st, 1, (int64_t)c->device_ts);
	if (c->device_khz)
		sqlite3_bind_int64(st, 2, c->device_khz);
	if (has_utc)
		sqlite3_bind_int64(st, 3, (int64_t)c->realtime_ns);
	if (has_unc)
		sqlite3_bind_int64(st, 4, (int64_t)c->uncertainty_ns);
	if (c->tracefs_clock[0])
		sqlite3_bind_text(st, 5, c->tracefs_clock, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, l->bundle_id);
	r = step_done(l, st, "cannot record the clock anchor");
	sqlite3_finalize(st);
	return r;
}

int store_load_commit(struct store_load *l, struct store_load_stats *ret_stats)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (l->pg) {
		r = write_format_counts(l);
		if (r >= 0)
			r = flush_chunk(l);
		if (r >= 0)
			r = store_pg_load_commit(l->pg, overall_outcome(l), l->ev_next - l->ev_first,
						 &l->stats.trace_formats);
		if (r >= 0) {
			l->committed = true;
			if (ret_stats)
				*ret_stats = l->stats;
		}
		goto free_load;
	}
	r = flush_events(l);
	if (r < 0)
		goto free_load;
	r = flush_block(l);
	if (r < 0)
		goto free_load;
	r = mark_duplicates(l);
	if (r < 0)
		goto free_load;
	r = store_postings_flush(l->post);
	if (r < 0)
		goto free_load;
	store_postings_free(l->post);
	l->post = NULL;
	r = write_format_counts(l);
	if (r < 0)
		goto free_load;
	r = flush_chunk(l);
	if (r < 0)
		goto free_load;
	r = store_prepare(l->s, "UPDATE bundles SET outcome = ?, ev_first = ?, ev_last = ?, "
			  "blk_span = ? WHERE id = ?", &st);
	if (r < 0)
		goto free_load;
	sqlite3_bind_text(st, 1, overall_outcome(l), -1, SQLITE_STATIC);
	if (l->ev_next > l->ev_first) {
		sqlite3_bind_int64(st, 2, l->ev_first);
		sqlite3_bind_int64(st, 3, l->ev_next - 1);
		sqlite3_bind_int64(st, 4, (int64_t)l->blk_span);
	}
	sqlite3_bind_int64(st, 5, l->bundle_id);
	r = step_done(l, st, "cannot finish the bundle row");
	sqlite3_finalize(st);
	if (r < 0)
		goto free_load;
	/* Statements must be reset before COMMIT; finalize them now. */
	finalize_all(l);
	l->ins_ev1 = l->ins_evn = NULL;
	l->ins_artifact = l->ins_block = l->sel_fmt = l->ins_fmt = NULL;
	l->ins_field = l->ins_chunk = l->ins_segment = l->ins_health = NULL;
	r = store_exec(l->s, "COMMIT");
	if (r < 0)
		goto free_load;
	l->committed = true;
	if (ret_stats)
		*ret_stats = l->stats;
free_load:
	store_load_free(l);
	return r;
}

void store_load_free(struct store_load *l)
{
	if (!l)
		return;
	finalize_all(l);
	if (l->pg)
		store_pg_load_free(l->pg);
	else if (!l->committed)
		sqlite3_exec(l->s->db, "ROLLBACK", NULL, NULL, NULL);
	free(l->chunk_source);
	for (unsigned k = 0; k < l->nimages; k++)
		free(l->images[k].source);
	for (size_t i = 0; i < l->fmt_cap; i++)
		free(l->fmts[i].text);
	free(l->fmts);
	free(l->nr);
	store_postings_free(l->post);
	free(l);
}
