/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * import: other tools' captures turned into fwbox bundles (fwbox-import(1)).
 *
 * Inputs are files, folders or whole archives (NVIDIA sysinfo-snapshot
 * .tgz, sos / doca-sosreport .tar.xz).  Each file found is classified by
 * its name and first bytes (discover.c) and converted by the parser of its
 * format family:
 *   crspace-text.c  mstdump / mstregdump / "resourcedump -p map" text
 *   devlink.c       devlink health show/diagnose/dump (JSON or text),
 *                   devlink region dump/read (hex text or JSON)
 *   trace-text.c    tracefs mlx5_fw lines, mstfwtrace output
 *   resdump-bin.c   resourcedump --bin segment files
 *   regtable.c      mstreg / mlxreg --get tables, for catalog registers
 *   flint.c         flint / mstflint q (firmware, PSID) and host facts
 * Results are grouped per card (PCI function) and capture (a run number
 * in the file name: three mstdump runs are three captures), and each group
 * becomes one bundle (import.c).  Every artifact records where it came
 * from (file name inside the archive, its SHA-256, the producing tool) and
 * how the conversion went (ok / partial with counts / failed); the header
 * marks the bundle imported and keeps the capture time found in the source.
 *
 * Nothing is half-written: a bundle appears complete (the bundle writer's
 * atomic publish) or not at all, and an input that cannot be read is
 * reported with its name (and line) while the rest goes on.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/bundle.h"
#include "core/core.h"

struct import_options {
	const char *output_dir;        /* existing folder for the bundles; NULL: "." */
	const char *device_hint;       /* PCI address or serial for captures naming no card */
	const char *strings_from;      /* a bundle holding trace.cap and trace.strings.N */
	const char *db_path;           /* a history to search for a strings DB of the same firmware */
	const char *fw_version;        /* firmware version of captures that do not say it */
	enum bundle_compression compression;
	bool dry_run;                  /* classify and convert, write nothing */
};

/* One bundle made (or that would be made, dry run). */
struct import_made {
	const char *input;             /* the argument it came from */
	const char *path;              /* the bundle file (NULL in a dry run) */
	bool existed;                  /* the same capture was imported already: kept, not rewritten */
	uint8_t uuid[16];
	const char *card;              /* PCI address, serial, or "unknown" */
	unsigned run;                  /* capture number within the input (1, 2, 3 ...) */
	uint64_t captured_ns;          /* 0: unknown */
	const char *capture_time_from;
	const char *fw_version;        /* NULL if unknown */
	size_t artifacts;
	unsigned partial, failed;      /* artifacts with that outcome */
	/* Firmware trace text: lines kept and how many matched a format of
	 * the strings DB named by strings_source (NULL: none was used). */
	uint64_t trace_lines, trace_matched;
	const char *strings_source;
	const char *strings_note;      /* why no strings DB was used, or NULL */
};

/* One artifact inside a made bundle (reported before its made record). */
struct import_artifact {
	const char *kind;
	const char *source_name;
	const char *source_tool;
	enum bundle_outcome outcome;
	const char *reason;
	uint64_t records, rejected;
	uint64_t bytes;
};

/* A file that was not imported, and why.  line is 0 unless the reason is
 * about one line. */
struct import_ignored {
	const char *input;
	const char *name;              /* file name (inside the archive), or the input */
	const char *why;
	uint64_t line;
	bool error;                    /* unreadable or malformed (not merely unrelated) */
};

struct import_sink {
	void (*artifact)(void *ud, const struct import_artifact *a);
	void (*made)(void *ud, const struct import_made *m);
	void (*ignored)(void *ud, const struct import_ignored *ig);
};

struct import_stats {
	uint64_t inputs, files, bundles, existed, ignored, errors;
	uint64_t artifacts, partial, failed;
	uint64_t bytes_read;           /* input bytes read (archives: inflated) */
};

struct import;

int import_new(struct fw_ctx *ctx, const struct import_options *opts,
	       const struct import_sink *sink, void *ud, struct import **ret);
void import_free(struct import *im);
/*
 * Import one argument (file, folder or archive).  0 when it was read
 * (whatever was ignored inside it is reported through the sink), < 0 when
 * it could not be read at all or a bundle could not be written (the
 * context says why; bundles already written stay, complete).
 */
int import_path(struct import *im, const char *path);
const struct import_stats *import_get_stats(const struct import *im);
