/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * bundle: the support bundle, a pax tar (zstd by default) whose first member
 * is index.elf, an ELF64 object whose "fwbox" notes describe every other
 * member.  Specified in man/fwbox-bundle.5; this header is the library
 * contract for writing and reading it.  Only bundle/ includes libarchive or
 * libelf.
 *
 * Writer contract: artifacts are staged (memory up to a limit, then
 * unlinked temporary files); commit writes the archive to an unnamed
 * temporary file in the destination folder, fsyncs it, links it into place
 * and fsyncs the folder.  Until commit returns 0 nothing exists at the final
 * path; a failed or interrupted writer leaves no debris.
 *
 * Reader contract: bundle_open() reads and checks the index only (bounded
 * memory); bundle_stream() walks the members in archive order in bounded
 * chunks and checks each against the index (size, SHA-256, name rules).
 * Completeness comes from the index, never from the tar structure.  The
 * reader never writes to disk.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/sha256.h"

#define BUNDLE_FORMAT_VERSION 1
#define BUNDLE_INDEX_NAME "index.elf"
#define BUNDLE_NOTE_OWNER "fwbox"

enum bundle_outcome {
	BUNDLE_OUTCOME_OK = 0,
	BUNDLE_OUTCOME_PARTIAL = 1,
	BUNDLE_OUTCOME_FAILED = 2,
	BUNDLE_OUTCOME_SKIPPED = 3,
};
const char *bundle_outcome_name(enum bundle_outcome o);
/* Parse "ok"/"partial"/"failed"/"skipped"; -EINVAL otherwise. */
int bundle_outcome_parse(const char *s, enum bundle_outcome *ret);

enum bundle_compression {
	BUNDLE_COMPRESS_ZSTD = 0,
	BUNDLE_COMPRESS_GZIP,
	BUNDLE_COMPRESS_XZ,
	BUNDLE_COMPRESS_NONE,
};
/* Parse "zstd"/"gzip"/"xz"/"none"; -EINVAL otherwise.  Both parsers are
 * lookups without a context: the caller names the option it parsed. */
int bundle_compression_parse(const char *s, enum bundle_compression *ret);
const char *bundle_compression_suffix(enum bundle_compression c); /* ".tar.zst" ... */

struct bundle_header {
	uint32_t format_version;
	uint8_t uuid[16];
	uint64_t created_ns;           /* UTC, ns since the epoch */
	const char *host;
	const char *fwbox_version;
	const char *reason;
	const char *cmdline;
	/* Set only in a bundle written by fwbox redact (zero/NULL otherwise). */
	uint32_t redacted;             /* 1: identifiers replaced by pseudonyms */
	const char *redact_version;    /* the fwbox version that redacted it */
	const char *redact_policy;     /* its options: "fwbox-redact-1;keep=...;mask=2" */
	const char *redact_key_id;     /* names the site's key, never reveals it */
	const char *case_id;           /* the vendor case it was made for, or NULL */
	uint8_t redacted_from[16];     /* UUID of the bundle it was made from */
	uint64_t redacted_ns;          /* when it was made, UTC ns */
	/* Set only in a bundle written by fwbox import (fwbox-import(1)).
	 * created_ns is then the capture time found in the source (0 when
	 * none was found), never the time of the import. */
	uint32_t imported;             /* 1: made from another tool's capture */
	uint64_t imported_ns;          /* when fwbox import made it, UTC ns */
	const char *import_source;     /* the file or folder given to fwbox import */
	uint8_t import_source_sha256[FW_SHA256_LEN]; /* of that file (zero for a folder) */
	const char *capture_time_from; /* where created_ns came from: "content",
					* "archive", "file" or "none" */
};

/* What fwbox redact did with an artifact (bundle_artifact.redaction). */
enum bundle_redaction {
	BUNDLE_REDACTION_NONE = 0,     /* not a redacted bundle */
	BUNDLE_REDACTION_VERBATIM = 1, /* kept, nothing changed */
	BUNDLE_REDACTION_REDACTED = 2, /* kept, identifiers replaced or trace events cut */
	BUNDLE_REDACTION_DROPPED = 3,  /* left out: no data */
};
/* "verbatim", "redacted", "dropped"; NULL for BUNDLE_REDACTION_NONE. */
const char *bundle_redaction_name(enum bundle_redaction r);

/* Bits of bundle_device.sensitive: fields to drop when redacting. */
enum bundle_device_field {
	BUNDLE_DEV_SERIAL    = 1u << 0,
	BUNDLE_DEV_HOST      = 1u << 1,
	BUNDLE_DEV_BOARD_ID  = 1u << 2,
	BUNDLE_DEV_PCI       = 1u << 3,
};

struct bundle_device {
	const char *pci;               /* "0000:08:00.0" */
	uint16_t vendor_id;
	uint16_t device_id;
	uint16_t subsys_vendor_id;
	uint16_t subsys_device_id;
	const char *model;             /* from pci.ids, may be NULL */
	const char *fw_version;        /* "28.39.1002" */
	const char *psid;
	const char *board_id;
	const char *serial;
	const char *kernel;            /* uname -r */
	const char *driver;            /* "mlx5_core 6.1.0" */
	uint32_t sensitive;            /* enum bundle_device_field bits */
};

/*
 * What made fwbox watch take the bundle (the trigger note; absent in a
 * bundle collected by hand).  The event as the daemon saw it, how long
 * from the event to the collection's first device read, the incident it
 * belongs to, and what was suppressed on this card since its last
 * capture (fwbox-bundle(5), fwbox-watch(1)).
 */
struct bundle_trigger {
	const char *source;            /* "devlink", "emulator", "poll", "health-buffer" */
	const char *reporter;          /* "fw_fatal", "fw", "health buffer" */
	uint32_t state;                /* 1 error, 0 healthy (devlink's STATE) */
	uint64_t error_count;
	const char *message;           /* the driver's text, "" if none */
	uint64_t event_ns;             /* CLOCK_REALTIME of the event */
	uint64_t latency_ns;           /* event to the first device read */
	uint64_t incident_ns;          /* the incident's first event */
	uint64_t incident_events;      /* events in the incident so far */
	uint32_t first_of_incident;    /* 1: the incident's first capture */
	uint32_t replayed;             /* 1: acknowledged before a daemon restart */
	uint64_t suppressed;           /* events not captured since the last capture */
	uint64_t suppressed_first_ns;
	uint64_t suppressed_last_ns;
};

/* One artifact's metadata (one index note).  In the writer, path, size and
 * sha256 are filled in by the writer; in the reader every field is set. */
struct bundle_artifact {
	const char *path;              /* member name, e.g. "reg/MGIR.bin" */
	const char *kind;              /* "reg.MGIR", "trace.strings.0", "crspace" ... */
	uint64_t size;
	uint8_t sha256[FW_SHA256_LEN];
	enum bundle_outcome outcome;
	const char *reason;            /* human text; "" when ok */
	int32_t err;                   /* negative errno, 0 if none */
	uint32_t status;               /* mlx5 outbox status, 0 if none */
	uint32_t syndrome;             /* mlx5 outbox syndrome, 0 if none */
	uint64_t start_ns;             /* UTC ns */
	uint64_t end_ns;
	const char *interface;         /* "mlx5ctl", "fwctl", "devlink", "tracefs", "emu", "host" */
	const uint8_t *request;        /* the request bytes that produced it (inbox) */
	size_t request_len;            /* at most FW_LIMIT_REQUEST_BYTES kept */
	/* Redacted bundles only (fwbox-bundle(5)); zero otherwise. */
	enum bundle_redaction redaction;
	uint32_t redact_fields;        /* fields rewritten by their structure */
	uint64_t redact_bytes;         /* bytes changed (or removed by a trace cut) */
	uint64_t redact_hits;          /* occurrences replaced by the second net */
	uint8_t original_digest[FW_SHA256_LEN]; /* SHA-256(salt || SHA-256 of the original) */
	/* Imported bundles only: where the artifact came from.  Its outcome
	 * says how the conversion went (ok, partial: some records rejected,
	 * failed: nothing usable), its reason names the first bad line. */
	const char *source_name;       /* the file, as named inside the archive */
	uint8_t source_sha256[FW_SHA256_LEN]; /* of that file's bytes */
	const char *source_tool;       /* "mstdump", "devlink", "tracefs", ... */
	uint64_t source_records;       /* records taken (lines, words, segments) */
	uint64_t source_rejected;      /* records rejected as malformed */
};

/* ---------------------------------------------------------------- writer */
struct bundle_writer;
struct bundle_stage;

struct bundle_writer_options {
	enum bundle_compression compression;
	int level;                     /* 0: the default for the filter */
	size_t stage_memory;           /* 0: FW_LIMIT_STAGE_MEMORY */
	unsigned threads;              /* zstd worker threads; 0: default (2) */
	bool replace;                  /* an existing regular file at path is
					* replaced, atomically, at commit */
	uint64_t max_file_size;        /* commit refuses (-EFBIG) a bundle file larger than
					* this, publishing nothing; 0: no limit */
	bool dry_run;                  /* commit writes the archive to an unnamed temporary
					* file only, to learn its size; nothing is published */
};

/* path is the final bundle path; it must not exist yet (-EEXIST) unless
 * opts->replace, and then only as a regular file. */
int bundle_writer_new(struct fw_ctx *ctx, const char *path,
		      const struct bundle_writer_options *opts, struct bundle_writer **ret);
/* Both copy their arguments. */
int bundle_writer_set_header(struct bundle_writer *w, const struct bundle_header *h);
int bundle_writer_set_device(struct bundle_writer *w, const struct bundle_device *d);
int bundle_writer_set_trigger(struct bundle_writer *w, const struct bundle_trigger *t);
/* Add a whole artifact.  meta->path may be NULL: derived from the kind.
 * A failed/skipped step is added with len 0 (or what was read, if partial). */
int bundle_writer_add(struct bundle_writer *w, const struct bundle_artifact *meta,
		      const void *data, size_t len);
/* The same without copying: data must stay valid and unchanged until commit
 * returns or the writer is freed (a caller that holds every artifact
 * already, mapped or in memory, saves staging it a second time). */
int bundle_writer_add_borrowed(struct bundle_writer *w, const struct bundle_artifact *meta,
			       const void *data, size_t len);
/* Streaming add: begin, append any number of times, end with the metadata. */
int bundle_writer_begin(struct bundle_writer *w, struct bundle_stage **ret);
int bundle_stage_append(struct bundle_stage *s, const void *data, size_t len);
int bundle_writer_end(struct bundle_writer *w, struct bundle_stage *s,
		      const struct bundle_artifact *meta);
/* Write, fsync, publish.  On success *ret_path (optional) is the path written,
 * to be freed by the caller. */
int bundle_writer_commit(struct bundle_writer *w, char **ret_path);
/* Bytes of the archive the last commit wrote (also after a dry run or an
 * -EFBIG refusal); 0 before. */
uint64_t bundle_writer_file_size(const struct bundle_writer *w);
/* Frees; if commit did not succeed, everything staged is discarded. */
void bundle_writer_free(struct bundle_writer *w);

/* ---------------------------------------------------------------- reader */
struct bundle;

/* Open and read the index: the first member must be index.elf and its seal
 * must hold.  Reads nothing else. */
int bundle_open(struct fw_ctx *ctx, const char *path, struct bundle **ret);
/* The same over a bundle held in memory (fuzzing, tests, bundles fetched
 * from elsewhere); data must stay valid until bundle_close(). */
int bundle_open_memory(struct fw_ctx *ctx, const void *data, size_t len, struct bundle **ret);
void bundle_close(struct bundle *b);

const char *bundle_path(const struct bundle *b);
const struct bundle_header *bundle_get_header(const struct bundle *b);
const struct bundle_device *bundle_get_device(const struct bundle *b);
/* The trigger note, or NULL when the bundle was not taken by fwbox watch. */
const struct bundle_trigger *bundle_get_trigger(const struct bundle *b);
size_t bundle_artifact_count(const struct bundle *b);
const struct bundle_artifact *bundle_artifact_at(const struct bundle *b, size_t i);
/* First artifact of this kind, or NULL. */
const struct bundle_artifact *bundle_find_kind(const struct bundle *b, const char *kind);
/* SHA-256 of the whole bundle file: its identity in the history. */
int bundle_file_sha256(struct bundle *b, uint8_t out[FW_SHA256_LEN]);

/* Streaming walk.  For each indexed member in archive order: begin, data in
 * chunks of at most FW_LIMIT_READ_CHUNK, end.  begin may return 1 to skip
 * the member's data and end callbacks (it is still hashed and checked).
 * end is not called for a member whose data fails its checks.  A callback
 * returning < 0 stops the walk with that code.  Returns 0 only if every
 * check passed: members match the index, none missing, none extra. */
struct bundle_visitor {
	int (*begin)(void *userdata, const struct bundle_artifact *a);
	int (*data)(void *userdata, const struct bundle_artifact *a, const void *buf, size_t len);
	int (*end)(void *userdata, const struct bundle_artifact *a);
};
int bundle_stream(struct bundle *b, const struct bundle_visitor *v, void *userdata);
/* The same for the first artifact of one kind only: the other members'
 * headers are checked (all of them, after the artifact too: a duplicate,
 * unindexed or missing member fails the call even though the artifact's
 * bytes were already delivered, so callers hold them until it returns 0) but
 * their data is skipped.  -ENOENT if the index has no such kind. */
int bundle_stream_kind(struct bundle *b, const char *kind, const struct bundle_visitor *v,
		       void *userdata);

/* Verify everything; report each problem (member may be NULL for the bundle
 * as a whole) to the callback and go on where it can.  0 if intact,
 * -EBADMSG (or the first hard error) otherwise. */
typedef void (*bundle_problem_fn)(void *userdata, const char *member, const char *why);
int bundle_verify(struct bundle *b, bundle_problem_fn fn, void *userdata);

/* Read one artifact whole into memory (checked against size and SHA-256,
 * at most max bytes: -EOVERFLOW beyond).  *ret_data is malloc'd.  The walk
 * stops after the artifact: meant for small side inputs read ahead of a
 * bundle_stream() that checks the whole archive. */
int bundle_read_kind(struct bundle *b, const char *kind, size_t max,
		     void **ret_data, size_t *ret_len);

/* ------------------------------------------------ other tools' archives */
/*
 * A bounded reader for archives fwbox did not write (sysinfo-snapshot
 * .tgz, sos and doca-sosreport .tar.xz, any tar of captures): tar formats
 * only, filters none/gzip/bzip2/xz/zstd.  Entries come in archive order;
 * only plain files can be read.  Links, devices, FIFOs and names that are
 * absolute, hold '..' or control bytes come back with a reason to skip
 * them and no data: nothing is ever written to disk, so a hostile name
 * can only ever be a name in a message.  Reading stops with -EOVERFLOW
 * past FW_LIMIT_ARCHIVE_ENTRIES entries, FW_LIMIT_ARCHIVE_ENTRY bytes in
 * one entry, FW_LIMIT_ARCHIVE_TOTAL in all, or more than FW_LIMIT_RATIO
 * times the compressed size once past FW_LIMIT_RATIO_FLOOR (a bomb).
 */
struct bundle_archive;

enum bundle_archive_type {
	BUNDLE_ARCHIVE_FILE = 0,       /* a plain file: its data can be read */
	BUNDLE_ARCHIVE_DIR,            /* a folder: nothing to read */
	BUNDLE_ARCHIVE_SKIP,           /* anything else: see skip_reason */
};

struct bundle_archive_entry {
	const char *name;              /* printable, without a leading "./"; valid until next */
	enum bundle_archive_type type;
	const char *skip_reason;       /* BUNDLE_ARCHIVE_SKIP: why ("a symbolic link", ...) */
	uint64_t size;                 /* FILE: bytes */
	uint64_t mtime_ns;             /* modification time recorded in the archive, 0 if none */
	uint64_t index;                /* 0-based position in the archive */
};

/* Open an archive file; -EBADMSG (with the file named) if it is not a
 * tar, compressed or not. */
int bundle_archive_open(struct fw_ctx *ctx, const char *path, struct bundle_archive **ret);
/* The same over bytes in memory (fuzzing, tests); data must outlive it. */
int bundle_archive_open_memory(struct fw_ctx *ctx, const void *data, size_t len,
			       struct bundle_archive **ret);
/* 1 and *ret filled with the next entry, 0 at the end, < 0 on damage or a
 * limit (the archive cannot be read further). */
int bundle_archive_next(struct bundle_archive *a, struct bundle_archive_entry *ret);
/* Read up to len bytes of the current FILE entry: *ret_n is 0 at its end.
 * < 0 on damage or a limit. */
int bundle_archive_read(struct bundle_archive *a, void *buf, size_t len, size_t *ret_n);
/* The compression filter's name ("gzip", "xz", "none", ...). */
const char *bundle_archive_filter(const struct bundle_archive *a);
/* Bytes inflated so far. */
uint64_t bundle_archive_inflated(const struct bundle_archive *a);
void bundle_archive_close(struct bundle_archive *a);
