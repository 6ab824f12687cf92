/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * store: the history database, a SQLite file anyone can open with sqlite3.
 * Only store/ includes sqlite3.h; everything here is plain C types.
 *
 * Schema: the numbered files in schema/ are built into the binary and
 * applied in order by store_open(), each raising PRAGMA user_version
 * (man fwbox-schema.7 documents tables, views and example queries).
 *
 * Loading contract:
 *  - One bundle is loaded in one BEGIN IMMEDIATE transaction.  Its identity
 *    is both its UUID and the SHA-256 of the bundle file; the bundle row is
 *    inserted first with ON CONFLICT DO NOTHING, so loading it again is a
 *    no-op (status STORE_LOAD_ALREADY) and two loaders racing on the same
 *    bundle insert it once.
 *  - store_load_bundle() verifies while it streams: it inserts the records
 *    inside the transaction and rolls back unless the bundle reader reports
 *    the whole bundle intact, so a bundle that fails verification leaves no
 *    trace in the database.
 *  - The database is in WAL mode with a busy timeout, so several loaders
 *    and readers can share a file on one host.  A crash at any point leaves
 *    either the whole bundle or nothing of it.
 *
 * Read-only contract: a store opened with STORE_OPEN_READONLY uses
 * SQLITE_OPEN_READONLY and PRAGMA query_only; store_query_prepare() also
 * refuses statements that would write (-EPERM), and its authorizer refuses
 * ATTACH and DETACH (-EPERM): a query reads the history and nothing else
 * (attaching a WAL database would create its -wal and -shm files).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/sha256.h"
#include "bundle/bundle.h"

struct store;

enum store_open_flags {
	STORE_OPEN_READONLY = 1u << 0,  /* never write; the file must exist */
};

/*
 * What a --db argument names (fwbox-load(1), DATABASE): a PostgreSQL
 * connection URI ("postgresql://...", "postgres://...") or keyword=value
 * string ("service=fwbox", "host=/run/pg dbname=fwbox"), or else the path
 * of a SQLite file (":memory:" too).  Anything else that looks like a URI
 * ("mysql://...", "file:...") is -EPROTONOSUPPORT: it never becomes a file
 * name.
 */
enum store_target_kind {
	STORE_TARGET_SQLITE,
	STORE_TARGET_POSTGRESQL,
};
int store_target_kind(struct fw_ctx *ctx, const char *target, enum store_target_kind *ret_kind);
/* target as it may be printed: a connection string rewritten as its
 * keyword=value settings without the password (malloc'd; NULL when out of
 * memory).  A SQLite path is returned as it is. */
char *store_target_display(const char *target);

/* The default history path: $FWBOX_DB, else $XDG_DATA_HOME/fwbox/history.db
 * (XDG_DATA_HOME defaults to ~/.local/share).  create_dir makes the folder.
 * *ret_path is malloc'd. */
int store_default_path(struct fw_ctx *ctx, bool create_dir, char **ret_path);

/* Open (creating it unless read-only) and bring the schema up to date. */
int store_open(struct fw_ctx *ctx, const char *path, unsigned flags, struct store **ret);
void store_close(struct store *s);
/* Schema version of the open database, and the one this build knows. */
int store_schema_version(struct store *s);
int store_schema_latest(void);

/* ------------------------------------------------------------ loading */

/* What the loader knows of a bundle before its members are read. */
struct store_bundle_info {
	const struct bundle_header *header;
	const struct bundle_device *device;    /* may be NULL */
	const struct bundle_trigger *trigger;  /* NULL unless fwbox watch took it */
	uint8_t sha256[FW_SHA256_LEN];         /* of the whole bundle file */
	const char *file;                      /* path it was loaded from, may be NULL */
	uint64_t file_size;
};

enum store_trace_source {
	STORE_TRACE_RING = 0,      /* decoded from the raw ring */
	STORE_TRACE_TEXT = 1,      /* tracefs mlx5_fw lines */
	STORE_TRACE_SAVED = 2,     /* devlink fw reporter's saved traces */
};

/* One decoded firmware trace event. */
struct store_trace_event {
	uint64_t timestamp;
	enum store_trace_source source;
	bool lost;
	uint8_t event_id;
	uint16_t tmsn;
	/* The format string (NULL: the event's format is unknown; it is stored
	 * as the kernel prints such events, "0x%08x%08x" over the parameters).
	 * format_key, when non-zero, promises that within one load the same key
	 * always comes with the same text (e.g. the strings-DB pointer), which
	 * spares hashing the text of every event. */
	const char *format;
	uint64_t format_key;
	unsigned nparams;                      /* <= FW_LIMIT_TRACE_PARAMS */
	uint32_t params[7];
	/* A text or saved message no strings-DB format renders: format is
	 * the message itself with '%' doubled (so it prints as the message),
	 * and the event is flagged (fwbox-schema(7), trace_events.matched). */
	bool text;
	/* Matched, but other formats render the message too. */
	bool ambiguous;
};

struct store_load;

enum store_load_status {
	STORE_LOAD_NEW = 0,      /* the bundle was inserted */
	STORE_LOAD_ALREADY = 1,  /* it was already in the history: nothing done */
};

/* Counts of what one load inserted. */
struct store_load_stats {
	uint64_t artifacts;
	uint64_t trace_events;
	uint64_t trace_formats;   /* formats new to the database */
	uint64_t trace_text;      /* text or saved events kept as text (no format) */
	uint64_t trace_duplicates; /* events another source of the bundle also holds */
	uint64_t register_fields;
	uint64_t crspace_words;
	uint64_t segments;
	uint64_t health;
};

/* BEGIN IMMEDIATE and insert the bundle (and its device) row.  Returns
 * STORE_LOAD_NEW with *ret set, or STORE_LOAD_ALREADY with the transaction
 * already rolled back and *ret untouched. */
int store_load_begin(struct store *s, const struct store_bundle_info *info,
		     struct store_load **ret);
/* Record the bundle's database id (for messages and diffs). */
int64_t store_load_bundle_id(const struct store_load *l);
int store_load_artifact(struct store_load *l, const struct bundle_artifact *a);
int store_load_trace(struct store_load *l, const struct store_trace_event *ev);
/* A register field; a second value for the same (reg, instance, field) in
 * one bundle is ignored.  The _text form stores strings and hex bytes. */
int store_load_register_field(struct store_load *l, const char *reg, unsigned instance,
			      const char *field, uint64_t value, const char *enum_name);
int store_load_register_text(struct store_load *l, const char *reg, unsigned instance,
			     const char *field, const char *value);
/* n words of the CR-space image named source (the artifact kind), starting
 * at byte address addr (4-byte aligned).  An address given twice for one
 * source is -EBADMSG. */
int store_load_crspace(struct store_load *l, const char *source, uint64_t addr,
		       const uint32_t *words, size_t n);
int store_load_segment(struct store_load *l, const char *dump, uint32_t segment_type,
		       const char *name, int64_t index1, int64_t index2,
		       const void *data, size_t len);
int store_load_health(struct store_load *l, const char *source, const char *item,
		      const char *value);
/* The bundle's clock anchor (the trace.clock artifact): the event views'
 * utc_ns comes from it.  Values the anchor lacks are stored NULL. */
struct trace_clock;
int store_load_clock(struct store_load *l, const struct trace_clock *c);
/*
 * Commit; *ret_stats optional.  The load object is freed either way.
 * Before the commit, the events of the bundle's sources are compared: an
 * event from tracefs text or saved traces with the timestamp, event id and
 * format of an event from a more preferred source (ring, then text, then
 * saved) is marked a duplicate (trace_events leaves it out), and
 * trace_bundle_formats counts each message once.
 */
int store_load_commit(struct store_load *l, struct store_load_stats *ret_stats);
/* Roll back (if not committed) and free.  Accepts NULL. */
void store_load_free(struct store_load *l);

/* Open, verify, decode and insert one bundle file. */
struct store_load_result {
	enum store_load_status status;
	char uuid[37];
	struct store_load_stats stats;
	/* Parts the decoders could not read (reported and skipped; the rest of
	 * the bundle is loaded), and the first of them as "'kind': why". */
	uint64_t problems;
	char first_problem[320];
};
int store_load_bundle(struct store *s, const char *path, struct store_load_result *ret);

/* ------------------------------------------------------------ retention */

/*
 * Delete the captures created before before_ns (bundles.created_ns, ns
 * since the epoch), of one card when device is not NULL (its id, identity,
 * serial number or PCI address), with every row of theirs, in one
 * transaction; a card left without captures goes too.  *ret_bundles
 * (optional): how many.  On PostgreSQL the months of trace events wholly
 * before the date (without device) are dropped as partitions.
 */
int store_prune(struct store *s, uint64_t before_ns, const char *device, uint64_t *ret_bundles);

/* ------------------------------------------------------------ queries */

enum store_value_type {
	STORE_NULL,
	STORE_INTEGER,
	STORE_FLOAT,
	STORE_TEXT,
	STORE_BLOB,
};

struct store_query;

/* Prepare one read-only statement (trailing text other than blanks and
 * ';' is -EINVAL, a statement that writes is -EPERM). */
int store_query_prepare(struct store *s, const char *sql, struct store_query **ret);
/* Bind parameter i (1-based) as text (SQLite converts by affinity) or int. */
int store_query_bind_text(struct store_query *q, int i, const char *v);
int store_query_bind_int(struct store_query *q, int i, int64_t v);
int store_query_param_count(struct store_query *q);
/*
 * 1: a row is ready; 0: done; < 0: error.  A query stopped by its limits
 * (store_set_query_limits) is -ETIME (time) or -ENOMEM (memory ceiling); one
 * stopped by store_interrupt() or a cancelled context is -EINTR.
 */
int store_query_step(struct store_query *q);
int store_query_column_count(struct store_query *q);
const char *store_query_column_name(struct store_query *q, int i);
enum store_value_type store_query_column_type(struct store_query *q, int i);
int64_t store_query_column_int(struct store_query *q, int i);
double store_query_column_double(struct store_query *q, int i);
/* Text rendering of any value (blobs as hex is the caller's job: NULL). */
const char *store_query_column_text(struct store_query *q, int i);
const void *store_query_column_blob(struct store_query *q, int i, size_t *ret_len);
void store_query_free(struct store_query *q);

/*
 * Limits of the queries of a store, the same knobs for every back-end:
 * time_ms is the wall time one query may run, from its first step (SQLite:
 * a progress handler; PostgreSQL: statement_timeout); memory_bytes is the
 * most the engine may hold for it (SQLite: sqlite3_hard_heap_limit64, which
 * covers the whole process's SQLite heap; a server back-end caps what the
 * client buffers).  0 means no limit.  The defaults are what `fwbox query`
 * uses when given none.
 */
struct store_query_limits {
	uint64_t time_ms;
	uint64_t memory_bytes;
};
#define STORE_QUERY_TIME_MS_DEFAULT (180u * 1000u)
#define STORE_QUERY_MEMORY_DEFAULT (512ull << 20)
int store_set_query_limits(struct store *s, const struct store_query_limits *l);
/* Stop the statement under way as soon as possible (sqlite3_interrupt):
 * async-signal-safe, for a SIGINT handler.  Its step returns -EINTR. */
void store_interrupt(struct store *s);

/* Named queries, usable by name from `fwbox query`. */
struct store_named_query {
	const char *name;
	const char *args;          /* "TEXT", "DEVICE FROM TO", "" */
	const char *summary;
	const char *sql;           /* parameters ?1, ?2 ... in args order */
	/* PostgreSQL's form where the SQL differs (NULL: the same).  Given
	 * sql, store_query_prepare() on a PostgreSQL history runs this. */
	const char *sql_pg;
};
const struct store_named_query *store_named_query_find(const char *name);
size_t store_named_query_count(void);
const struct store_named_query *store_named_query_at(size_t i);

/* Resolve a bundle by UUID (or a unique UUID prefix of >= 8 chars) or by
 * file SHA-256 hex; -ENOENT if absent. */
int store_find_bundle(struct store *s, const char *uuid_or_sha, int64_t *ret_id);
int store_find_bundle_sha(struct store *s, const uint8_t sha[FW_SHA256_LEN], int64_t *ret_id);
/* The capture of the same card made just before bundle id (creation time,
 * then load order); -ENOENT when id is the card's first (or has no card). */
int store_previous_capture(struct store *s, int64_t id, int64_t *ret_prev);
/* UUID, creation time (UTC text) and the file a bundle was loaded from
 * (NULL when not recorded); each malloc'd, any ret may be NULL. */
int store_bundle_info(struct store *s, int64_t id, char **ret_uuid, char **ret_created,
		      char **ret_file);

/* ------------------------------------------------------------ diff */

struct store_diff_field {
	const char *reg;
	unsigned instance;
	const char *field;
	const char *a, *b;          /* value as text, NULL when absent */
	const char *a_enum, *b_enum;
};
struct store_diff_word {
	const char *source;         /* the image: artifact kind */
	uint64_t address;
	uint32_t a, b;
	bool has_a, has_b;
};
/* A trace format (or a message kept as text, text = true) that one
 * capture has and the other lacks; each message counted once. */
enum store_diff_change {
	STORE_DIFF_NEW = 0,         /* in B, not in A */
	STORE_DIFF_GONE = 1,        /* in A, not in B */
};
struct store_diff_message {
	enum store_diff_change change;
	const char *format;
	const char *example;        /* one rendered message (of B when new, of A when gone) */
	uint64_t count;             /* messages with this format in the capture that has it */
	bool text;                  /* no format known: format is the message itself */
	/* Range of each parameter over those messages (as stored: %d and %i
	 * sign-extended), nparams of them. */
	unsigned nparams;
	int64_t min[7], max[7];
	/* The conversion that prints each parameter ('d', 'u', 'x', ...; 0
	 * when none does), so a front-end can show ranges in the same base. */
	char conv[7];
};
/* Who A and B are. */
struct store_diff_header {
	const char *a_device, *b_device;   /* devices.identity, NULL when unknown */
	const char *a_fw, *b_fw;           /* firmware versions */
	bool same_card;                    /* both known and equal */
};
struct store_diff_step {
	const char *kind;
	const char *a, *b;          /* outcome, NULL when the step is absent */
	const char *b_reason;
};
/* A resource-dump segment whose bytes differ, or that one side lacks.
 * Segments are matched by (dump, type, index1, index2) and their order
 * among the segments with that key. */
struct store_diff_segment {
	const char *dump;           /* artifact kind */
	uint32_t type;
	const char *name;
	int64_t index1, index2;
	uint64_t nth;               /* 0-based among segments of the same key */
	uint64_t a_size, b_size;
	bool has_a, has_b;
};
struct store_diff_visitor {
	/* Once, before the rest. */
	int (*header)(void *userdata, const struct store_diff_header *h);
	int (*field)(void *userdata, const struct store_diff_field *f);
	int (*word)(void *userdata, const struct store_diff_word *w);
	int (*message)(void *userdata, const struct store_diff_message *m);
	int (*step)(void *userdata, const struct store_diff_step *s);
	int (*segment)(void *userdata, const struct store_diff_segment *g);
};
struct store_diff_counts {
	uint64_t fields, words, messages, steps, segments;
	uint64_t messages_gone;     /* formats of A that B lacks */
};
/* Walk the differences from bundle a to bundle b (database ids), in a
 * stable order; any callback may be NULL.  A callback returning < 0 stops
 * the walk with that code. */
int store_diff(struct store *s, int64_t a, int64_t b, const struct store_diff_visitor *v,
	       void *userdata, struct store_diff_counts *ret);

/* Files of up to 16 loaded bundles (newest first) that carry an 'ok'
 * trace.cap and strings-DB section for firmware fw_version: where fwbox
 * import finds a strings database for trace text of that firmware.
 * *ret_files is a malloc'd array of malloc'd paths (may be empty). */
int store_strings_sources(struct store *s, const char *fw_version, char ***ret_files,
			  size_t *ret_n);

/* ------------------------------------------------------------ captures */

/* One capture of the history (a loaded bundle), with its card.  Strings
 * may be NULL; all are valid only during the callback. */
struct store_capture {
	int64_t id;                 /* bundles.id */
	const char *uuid;
	uint64_t created_ns;
	const char *host, *reason, *cmdline, *fwbox_version;
	int format_version;
	const char *outcome;        /* the worst step outcome */
	const char *fw_version, *kernel, *driver;
	const char *file;           /* the bundle file it was loaded from (absolute) */
	uint64_t file_size;
	const char *loaded;         /* when it was loaded (ISO 8601) */
	int64_t device;             /* devices.id, 0 if none */
	const char *identity, *serial, *psid, *board_id, *pci, *model;
	uint32_t vendor_id, device_id, subsys_vendor_id, subsys_device_id;
	uint64_t artifacts;         /* steps */
	uint64_t failed;            /* steps failed or partial */
	uint64_t trace_events;
};
typedef int (*store_capture_fn)(void *ud, const struct store_capture *c);

struct store_capture_filter {
	uint64_t since_ns, until_ns;
	bool have_since, have_until;
	const char *device;         /* identity, serial, PSID, PCI address or devices.id */
	size_t limit;               /* the newest N only; 0: all */
};
/* The captures that pass f (NULL: all), oldest first. */
int store_list_captures(struct store *s, const struct store_capture_filter *f,
			store_capture_fn fn, void *ud);
/* One capture by id. */
int store_get_capture(struct store *s, int64_t id, store_capture_fn fn, void *ud);

struct store_capture_artifact {
	unsigned seq;
	const char *kind, *path, *sha256, *outcome, *reason, *interface;
	uint64_t size, start_ns, end_ns;
	int err;                    /* negative errno or 0 */
	uint32_t status, syndrome;
};
typedef int (*store_capture_artifact_fn)(void *ud, const struct store_capture_artifact *a);
/* The steps of capture id, in collection order. */
int store_capture_artifacts(struct store *s, int64_t id, store_capture_artifact_fn fn, void *ud);

/* True if arg has the shape of a bundle UUID, a prefix of one (at least 8
 * characters) or a SHA-256: hex digits and dashes. */
bool store_is_capture_key(const char *arg);
/* A capture named by UUID, unique UUID prefix, SHA-256, or the file of a
 * loaded bundle; -ENOENT naming what is missing, -EINVAL if ambiguous. */
int store_resolve_capture(struct store *s, const char *arg, int64_t *ret_id);
/* The bundle file recorded for the capture that key (UUID, prefix,
 * SHA-256) names; *ret_path malloc'd. */
int store_capture_file(struct store *s, const char *key, char **ret_path);
