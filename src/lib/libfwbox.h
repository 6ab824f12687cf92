/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * libfwbox.h: the installed interface of libfwbox, for programs that read
 * fwbox support bundles (fwbox-bundle(5)): open one, verify it, list its
 * artifacts, read an artifact's bytes and decode artifacts into records.
 * Described in libfwbox(3); compile with `pkg-config --cflags --libs fwbox`.
 *
 * Stability: every type is opaque and reached through functions, so the
 * library can grow without breaking programs built against it.  Symbols are
 * versioned (LIBFWBOX_1); the library exports nothing else.
 *
 * Conventions (those of the whole library):
 *  - A fallible call returns 0 (or a count) on success and a negative errno
 *    on failure, and then fwbox_ctx_errmsg() says what went wrong, where
 *    and what to do.  -EBADMSG: malformed bundle; -ENOENT: absent file or
 *    kind; -EOVERFLOW: a named size limit was hit; -EINVAL: bad argument.
 *  - Out-parameters are named ret_* and written only on success.
 *  - The library never prints and never exits.
 *  - A context is used by one thread at a time; separate contexts are
 *    independent.
 *  - Strings returned by a bundle or artifact stay valid until the bundle is
 *    closed; a record and its strings only during the callback.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct fwbox_ctx;
struct fwbox_bundle;
struct fwbox_artifact;
struct fwbox_record;

/* The library's version string, e.g. "0.1.0". */
const char *fwbox_version(void);

/* A context holds the last error.  -ENOMEM is fwbox_ctx_new's one failure. */
int fwbox_ctx_new(struct fwbox_ctx **ret_ctx);
void fwbox_ctx_free(struct fwbox_ctx *ctx);
/* The message of the last failure on ctx ("" if none). */
const char *fwbox_ctx_errmsg(const struct fwbox_ctx *ctx);

/*
 * Open a bundle and read its index (the first member, index.elf); nothing
 * else is read.  A file that is no fwbox bundle fails with -EBADMSG.
 */
int fwbox_bundle_open(struct fwbox_ctx *ctx, const char *path, struct fwbox_bundle **ret_bundle);
void fwbox_bundle_close(struct fwbox_bundle *b);

/* From the index: the bundle's UUID as 36 characters, when it was collected
 * (ns since the epoch, UTC), the host, the fwbox version that wrote it, the
 * device's PCI address ("" if none) and its firmware version ("" if none). */
const char *fwbox_bundle_uuid(const struct fwbox_bundle *b);
uint64_t fwbox_bundle_created_ns(const struct fwbox_bundle *b);
const char *fwbox_bundle_host(const struct fwbox_bundle *b);
const char *fwbox_bundle_writer_version(const struct fwbox_bundle *b);
const char *fwbox_bundle_pci(const struct fwbox_bundle *b);
const char *fwbox_bundle_fw_version(const struct fwbox_bundle *b);

/*
 * Read the whole archive and check every member against the index (name,
 * size, SHA-256; none missing, none extra).  Each problem found goes to fn
 * (member is NULL for the bundle as a whole; fn may be NULL) and the check
 * goes on where it can.  0 if the bundle is intact, else -EBADMSG or the
 * first hard error.
 */
typedef void (*fwbox_problem_fn)(void *userdata, const char *member, const char *why);
int fwbox_bundle_verify(struct fwbox_bundle *b, fwbox_problem_fn fn, void *userdata);

/* The artifacts the index lists, in index order; NULL past the end. */
size_t fwbox_bundle_artifact_count(const struct fwbox_bundle *b);
const struct fwbox_artifact *fwbox_bundle_artifact(const struct fwbox_bundle *b, size_t i);
/* The first artifact of this kind ("reg.MGIR", "trace.ring" ...), or NULL. */
const struct fwbox_artifact *fwbox_bundle_find(const struct fwbox_bundle *b, const char *kind);

const char *fwbox_artifact_kind(const struct fwbox_artifact *a);
const char *fwbox_artifact_path(const struct fwbox_artifact *a);   /* member name */
uint64_t fwbox_artifact_size(const struct fwbox_artifact *a);
/* "ok", "partial", "failed" or "skipped", and why when not ok ("" if ok). */
const char *fwbox_artifact_outcome(const struct fwbox_artifact *a);
const char *fwbox_artifact_reason(const struct fwbox_artifact *a);
/* The SHA-256 of its bytes as 64 lower-case hex digits. */
const char *fwbox_artifact_sha256(const struct fwbox_artifact *a);

/*
 * Read the first artifact of a kind whole, checked against its size and
 * SHA-256, at most max bytes (-EOVERFLOW beyond).  *ret_data is malloc'd;
 * the caller frees it.
 */
int fwbox_bundle_read(struct fwbox_bundle *b, const char *kind, size_t max, void **ret_data,
		      size_t *ret_len);

/* ------------------------------------------------------------ records */
enum fwbox_record_type {
	FWBOX_RECORD_TRACE = 1,    /* a firmware trace message */
	FWBOX_RECORD_REGISTER = 2, /* one field of an access register */
	FWBOX_RECORD_CRSPACE = 3,  /* one CR-space dword */
	FWBOX_RECORD_SEGMENT = 4,  /* one resource-dump segment */
	FWBOX_RECORD_MENU = 5,     /* one resource-dump menu entry */
	FWBOX_RECORD_HEALTH = 6,   /* one devlink health value */
	FWBOX_RECORD_PROBLEM = 7,  /* a broken or skipped part of an artifact */
};

/* "trace", "register", "crspace", "segment", "menu", "health", "problem";
 * NULL for a value this library does not know. */
const char *fwbox_record_type_name(enum fwbox_record_type t);

/*
 * A record is a type, the kind of the artifact it came from, and named
 * fields whose values are text (numbers in decimal unless the name says
 * otherwise).  The fields of each type are listed in libfwbox(3); a later
 * version may add fields, never remove or rename one.
 */
enum fwbox_record_type fwbox_record_type(const struct fwbox_record *r);
const char *fwbox_record_kind(const struct fwbox_record *r);
size_t fwbox_record_field_count(const struct fwbox_record *r);
/* NULL past the end. */
const char *fwbox_record_field_name(const struct fwbox_record *r, size_t i);
const char *fwbox_record_field_value(const struct fwbox_record *r, size_t i);
/* The value of the field of that name, or NULL if the record has none. */
const char *fwbox_record_get(const struct fwbox_record *r, const char *name);

/*
 * Decode the bundle's artifacts, streaming, in bounded memory, and hand
 * every record to fn.  kinds, if not NULL, limits decoding to artifact kinds
 * starting with one of its comma-separated prefixes ("trace.,reg.").  The
 * archive is checked as it is read, as by fwbox_bundle_verify().  fn may
 * return a negative errno to stop the walk; that code is returned.
 * Returns 0 when the walk completed (problems inside artifacts are records,
 * not failures).
 */
typedef int (*fwbox_record_fn)(void *userdata, const struct fwbox_record *r);
int fwbox_bundle_decode(struct fwbox_bundle *b, const char *kinds, fwbox_record_fn fn,
			void *userdata);

#ifdef __cplusplus
}
#endif
