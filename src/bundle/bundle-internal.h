/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * bundle-internal: what the files of bundle/ share, and what the unit tests
 * and fuzz targets reach below the public contract.
 *
 *   note.c    the note payloads (TLV fields) and the note stream with its
 *             seal: encode and decode, no ELF, no tar.
 *   index.c   index.elf: wraps a note stream in an ELF64 object (libelf) and
 *             finds it again, checking the PT_NOTE segment and the SHT_NOTE
 *             section agree.
 *   writer.c  staging, archive writing, publishing.
 *   reader.c  archive reading, member checks, verify.
 *   names.c   outcome/compression names, member path rules.
 *
 * Layouts are specified in man/fwbox-bundle.5; keep both in step.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/bundle.h"
#include "core/buf.h"

/* Note types (owner "fwbox"): "FW" in the high half.  Not small numbers:
 * binutils' readelf names 1..5 and 0x100/0x101 (NT_VERSION, GNU build
 * attributes, ...) whatever the owner, which would mislead. */
enum bundle_note_type {
	BUNDLE_NOTE_HEADER = 0x46570001,
	BUNDLE_NOTE_DEVICE = 0x46570002,
	BUNDLE_NOTE_ARTIFACT = 0x46570003,
	BUNDLE_NOTE_TRIGGER = 0x46570004,
	BUNDLE_NOTE_SEAL = 0x465700ff,
};

/* Field tags inside the TLV payloads. */
enum {
	BUNDLE_HDR_FORMAT_VERSION = 1,
	BUNDLE_HDR_UUID = 2,
	BUNDLE_HDR_CREATED = 3,
	BUNDLE_HDR_HOST = 4,
	BUNDLE_HDR_FWBOX_VERSION = 5,
	BUNDLE_HDR_REASON = 6,
	BUNDLE_HDR_CMDLINE = 7,
	BUNDLE_HDR_REDACTED = 8,
	BUNDLE_HDR_REDACT_VERSION = 9,
	BUNDLE_HDR_REDACT_POLICY = 10,
	BUNDLE_HDR_REDACT_KEY_ID = 11,
	BUNDLE_HDR_CASE_ID = 12,
	BUNDLE_HDR_REDACTED_FROM = 13,
	BUNDLE_HDR_REDACTED_AT = 14,
	BUNDLE_HDR_IMPORTED = 15,
	BUNDLE_HDR_IMPORTED_AT = 16,
	BUNDLE_HDR_IMPORT_SOURCE = 17,
	BUNDLE_HDR_IMPORT_SOURCE_SHA256 = 18,
	BUNDLE_HDR_CAPTURE_TIME_FROM = 19,
};
enum {
	BUNDLE_DEV_F_PCI = 1,
	BUNDLE_DEV_F_VENDOR_ID = 2,
	BUNDLE_DEV_F_DEVICE_ID = 3,
	BUNDLE_DEV_F_SUBSYS_VENDOR_ID = 4,
	BUNDLE_DEV_F_SUBSYS_DEVICE_ID = 5,
	BUNDLE_DEV_F_MODEL = 6,
	BUNDLE_DEV_F_FW_VERSION = 7,
	BUNDLE_DEV_F_PSID = 8,
	BUNDLE_DEV_F_BOARD_ID = 9,
	BUNDLE_DEV_F_SERIAL = 10,
	BUNDLE_DEV_F_KERNEL = 11,
	BUNDLE_DEV_F_DRIVER = 12,
};
enum {
	BUNDLE_ART_PATH = 1,
	BUNDLE_ART_KIND = 2,
	BUNDLE_ART_SIZE = 3,
	BUNDLE_ART_SHA256 = 4,
	BUNDLE_ART_OUTCOME = 5,
	BUNDLE_ART_REASON = 6,
	BUNDLE_ART_ERR = 7,
	BUNDLE_ART_STATUS = 8,
	BUNDLE_ART_SYNDROME = 9,
	BUNDLE_ART_START = 10,
	BUNDLE_ART_END = 11,
	BUNDLE_ART_INTERFACE = 12,
	BUNDLE_ART_REQUEST = 13,
	BUNDLE_ART_REDACTION = 14,
	BUNDLE_ART_REDACT_FIELDS = 15,
	BUNDLE_ART_REDACT_BYTES = 16,
	BUNDLE_ART_REDACT_HITS = 17,
	BUNDLE_ART_ORIGINAL_DIGEST = 18,
	BUNDLE_ART_SOURCE_NAME = 19,
	BUNDLE_ART_SOURCE_SHA256 = 20,
	BUNDLE_ART_SOURCE_TOOL = 21,
	BUNDLE_ART_SOURCE_RECORDS = 22,
	BUNDLE_ART_SOURCE_REJECTED = 23,
};
enum {
	BUNDLE_TRG_SOURCE = 1,
	BUNDLE_TRG_REPORTER = 2,
	BUNDLE_TRG_STATE = 3,
	BUNDLE_TRG_ERROR_COUNT = 4,
	BUNDLE_TRG_MESSAGE = 5,
	BUNDLE_TRG_EVENT = 6,
	BUNDLE_TRG_LATENCY = 7,
	BUNDLE_TRG_INCIDENT = 8,
	BUNDLE_TRG_INCIDENT_EVENTS = 9,
	BUNDLE_TRG_FIRST = 10,
	BUNDLE_TRG_REPLAYED = 11,
	BUNDLE_TRG_SUPPRESSED = 12,
	BUNDLE_TRG_SUPPRESSED_FIRST = 13,
	BUNDLE_TRG_SUPPRESSED_LAST = 14,
};
/* Field flag bits. */
#define BUNDLE_FIELD_SENSITIVE 0x0001u

#define BUNDLE_NOTE_ALIGN 4u
/* Most zero padding a tar writer adds after the end-of-archive blocks: one
 * record of the default blocking factor 20 (tar, bsdtar, Python's tarfile). */
#define BUNDLE_TAR_RECORD 10240u
#define BUNDLE_NOTE_SECTION ".note.fwbox"

/* Note stream encoding: each call appends one note (header, name, desc,
 * pads) to out, or fails with a message on ctx naming the field at fault. */
int bundle_notes_add_header(struct fw_ctx *ctx, struct fw_buf *out, const struct bundle_header *h);
int bundle_notes_add_device(struct fw_ctx *ctx, struct fw_buf *out, const struct bundle_device *d);
int bundle_notes_add_artifact(struct fw_ctx *ctx, struct fw_buf *out,
			      const struct bundle_artifact *a);
int bundle_notes_add_trigger(struct fw_ctx *ctx, struct fw_buf *out, const struct bundle_trigger *t);
/* Append a note of any type and owner (tests, unknown-type coverage). */
int bundle_notes_add_raw(struct fw_ctx *ctx, struct fw_buf *out, const char *owner, uint32_t type,
			 const void *desc, size_t desc_len);
/* Append the seal: SHA-256 over every byte already in out. */
int bundle_notes_seal(struct fw_ctx *ctx, struct fw_buf *out);

/* Deep copies by the same field tables (the writer keeps its own): every
 * string and byte string is duplicated; -ENOMEM leaves dst holding nothing
 * to free.  release frees them and zeroes the record. */
int bundle_header_copy(struct bundle_header *dst, const struct bundle_header *src);
int bundle_device_copy(struct bundle_device *dst, const struct bundle_device *src);
int bundle_trigger_copy(struct bundle_trigger *dst, const struct bundle_trigger *src);
int bundle_artifact_copy(struct bundle_artifact *dst, const struct bundle_artifact *src);
void bundle_header_release(struct bundle_header *h);
void bundle_device_release(struct bundle_device *d);
void bundle_trigger_release(struct bundle_trigger *t);
void bundle_artifact_release(struct bundle_artifact *a);

/* A decoded index: everything the reader knows before touching members. */
struct bundle_index {
	struct bundle_header header;
	struct bundle_device device;
	bool has_device;
	struct bundle_trigger trigger;
	bool has_trigger;
	struct bundle_artifact *artifacts;
	size_t n_artifacts;
	uint64_t total_size;           /* sum of artifact sizes */
	uint32_t n_notes;
	uint32_t n_unknown;            /* notes skipped (unknown type or owner) */
};

/* Decode a note stream (the SHT_NOTE section's bytes): every length is
 * checked against len; the seal must be the last note and hold. */
int bundle_index_decode(struct fw_ctx *ctx, const uint8_t *notes, size_t len,
			struct bundle_index **ret);
void bundle_index_free(struct bundle_index *idx);

/* index.elf: wrap a note stream into an ELF64 LE object (malloc'd bytes). */
int bundle_elf_build(struct fw_ctx *ctx, const uint8_t *notes, size_t len,
		     uint8_t **ret_elf, size_t *ret_len);
/* Find the note stream in an ELF image.  *ret_notes points into a malloc'd
 * copy returned in *ret_owner (free it when done). */
int bundle_elf_notes(struct fw_ctx *ctx, const uint8_t *elf, size_t len,
		     uint8_t **ret_owner, const uint8_t **ret_notes, size_t *ret_len);
/* Both steps: ELF bytes to a decoded index. */
int bundle_index_parse(struct fw_ctx *ctx, const uint8_t *elf, size_t len,
		       struct bundle_index **ret);

/* Member path rules shared by writer and reader: relative, no '.', '..' or
 * empty components, at most FW_LIMIT_MEMBER_NAME bytes, printable, not the
 * index name.  Returns NULL if fine, else why not. */
const char *bundle_path_problem(const char *path);
/* Kind rules: 1..128 bytes of [A-Za-z0-9._-]. */
bool bundle_kind_ok(const char *kind);

/* ---------------------------------------------- libarchive, for reading */
struct archive;

/* Filters a reader accepts beside none (bundle_tar_open). */
#define BUNDLE_TAR_ZSTD  0x1u
#define BUNDLE_TAR_GZIP  0x2u
#define BUNDLE_TAR_XZ    0x4u
#define BUNDLE_TAR_BZIP2 0x8u

/* What to read and under which limits: a file (fd >= 0, read from its
 * start in blocks of block bytes, 0: FW_LIMIT_READ_CHUNK) or bytes in
 * memory; the filters accepted; concatenated reads past the end-of-archive
 * blocks (reader.c says why). */
struct bundle_tar_source {
	const char *path;              /* for messages */
	int fd;
	const void *mem;
	size_t mem_len;
	unsigned filters;              /* BUNDLE_TAR_* */
	bool concatenated;
	size_t block;
};
/* reader.c: the one libarchive opener of bundle/ (the bundle reader and
 * archive.c): tar and GNU tar formats only, never _all. */
int bundle_tar_open(struct fw_ctx *ctx, const struct bundle_tar_source *src, struct archive **ret);
/* A libarchive error as a message on ctx naming path and what was being
 * done: -EBADMSG for damaged input, -EIO/-ENOMEM kept. */
int bundle_tar_error(struct fw_ctx *ctx, struct archive *a, const char *path, const char *what);
