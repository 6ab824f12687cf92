/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * import-internal: what the files of import/ share.  The format parsers
 * are plain functions over bytes (no files, no archives), each with a fuzz
 * target; discover.c finds and classifies the files; import.c groups and
 * writes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/sha256.h"
#include "import/import.h"

/* What a format parser returns: the artifact's bytes and how it went. */
struct imp_parse {
	struct fw_buf out;
	uint64_t records;              /* taken */
	uint64_t rejected;             /* malformed */
	uint64_t other;                /* lines that are not data (headers, prompts) */
	uint64_t first_bad_line;       /* 1-based; 0 if none */
	char first_bad[160];           /* what was wrong with it */
	char tool_error[200];          /* an error the tool printed ("-E- ..."), or "" */
	char note[200];                /* anything else worth saying, or "" */
	/* Facts some parsers find. */
	char pci[16];                  /* "0000:08:00.0" */
	char name[64];                 /* reporter, region or register name */
	char fw_version[64], psid[64], board[128];
	uint64_t time_ns;              /* a capture time inside the content */
};

void imp_parse_init(struct imp_parse *p, size_t max);
void imp_parse_release(struct imp_parse *p);
/* Count a bad line (the first one is remembered with why). */
void imp_reject(struct imp_parse *p, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Line walker over a buffer: lines end in '\n' (a '\r' before it is
 * dropped); the last line may lack it.  Lines longer than
 * FW_LIMIT_TEXT_LINE are returned cut, with *overlong set. */
struct imp_lines {
	const char *p, *end;
	uint64_t no;
};
void imp_lines_init(struct imp_lines *l, const void *data, size_t len);
bool imp_lines_next(struct imp_lines *l, const char **ret, size_t *ret_len, bool *overlong);

/* Hex value of s[0..n) ("0x" prefix optional); false unless all of it is hex
 * and fits 64 bits. */
bool imp_hex(const char *s, size_t n, uint64_t *ret);

/* ---------------------------------------------------------------- formats */

/* CR-space text ("0xADDR 0xVALUE" lines of mstdump, mstregdump and
 * resourcedump's "-p map" printer) -> a resource-dump stream of CR-space
 * segments (what the crspace decoder reads), words sorted by address.  A
 * "-E-" line is kept as tool_error.  -ENOMEM, -EOVERFLOW (FW_LIMIT_CRSPACE)
 * or 0. */
int imp_crspace_text(const void *data, size_t len, struct imp_parse *p);
/* Append a CR-space image of n words at addrs/values (sorted, distinct)
 * as the same stream. */
int imp_crspace_encode(struct fw_buf *out, const uint32_t *addrs, const uint32_t *values,
		       size_t n);

/* devlink JSON (health show -j, diagnose, dump show; pretty or not):
 * checked and kept as it is.  p->name gets the reporter if the JSON says. */
int imp_devlink_json(const void *data, size_t len, struct imp_parse *p);
/* devlink text of health diagnose / dump show (iproute2's fmsg printer) ->
 * iproute2's JSON for the same.  A leading command line ("devlink health
 * diagnose pci/... reporter fw", as sysinfo-snapshot writes) gives p->pci
 * and p->name. */
int imp_devlink_text(const void *data, size_t len, struct imp_parse *p);
/* devlink region dump / read, hex text or JSON -> the region's bytes. */
int imp_devlink_region(const void *data, size_t len, struct imp_parse *p);

/* Firmware trace text (tracefs mlx5_fw lines with any prefix, mstfwtrace
 * output) -> lines the trace.text decoder reads; lines without a device get
 * dev ("unknown" if NULL). */
int imp_trace_text(const void *data, size_t len, const char *dev, struct imp_parse *p);

/* resourcedump --bin output: a resource-dump segment stream, checked and
 * kept.  p->records counts segments; p->name the first resource segment
 * type's menu name if the stream carries a menu. */
int imp_resdump_bin(const void *data, size_t len, struct imp_parse *p);

/* mstreg / mlxreg --get output for register reg (catalog name) -> the
 * register's bytes; p->name gets the register name if the text names it. */
int imp_regtable(const void *data, size_t len, const char *reg, struct imp_parse *p);

/* flint / mstflint q [full]: p->fw_version, psid, board; the output is
 * kept as text.  Host facts (hostname, uname -a, /proc/cmdline as sos and
 * sysinfo-snapshot save them) are text too: imp_host_fact() adds one line
 * "key=value" to out. */
int imp_flint_query(const void *data, size_t len, struct imp_parse *p);

/* ------------------------------------------------------------- discovery */

enum imp_format {
	IMP_UNKNOWN = 0,
	IMP_CRSPACE_TEXT,
	IMP_DEVLINK_REPORTERS,   /* devlink health show -j */
	IMP_DEVLINK_DIAGNOSE,    /* JSON or text */
	IMP_DEVLINK_DUMP,        /* JSON or text */
	IMP_DEVLINK_REGION,
	IMP_TRACE_TEXT,
	IMP_RESDUMP_BIN,
	IMP_REG_TABLE,
	IMP_FLINT_QUERY,
	IMP_HOST_FACT,
	IMP_FWBOX_BUNDLE,        /* already a bundle: not imported */
};
const char *imp_format_name(enum imp_format f);

/* What a file's name and first bytes say. */
struct imp_class {
	enum imp_format format;
	const char *tool;        /* producing tool */
	char pci[16];            /* card named by the file name, or "" */
	unsigned run;            /* "_run_N": capture N, 0 if none */
	char name[64];           /* reporter, register, segment or region, or "" */
	char fact[32];           /* IMP_HOST_FACT: "hostname", "kernel", "cmdline" */
	const char *why;         /* IMP_UNKNOWN: why not */
};
/* name: path inside the archive or folder; head: the first bytes. */
void imp_classify(const char *name, const void *head, size_t len, struct imp_class *ret);
/* A PCI address in text ("0000:08:00.0", "0000_08_00.0", "000008000",
 * "08:00.0"), normalised to "dddd:bb:dd.f"; false if none. */
bool imp_find_pci(const char *s, size_t n, char out[16]);

/* One file found in an input, read whole, handed to import.c. */
struct imp_file {
	const char *input;       /* the argument */
	const char *name;        /* path inside it */
	const uint8_t *data;
	size_t len;
	uint64_t mtime_ns;
	const char *time_from;   /* "archive" or "file" */
	uint8_t sha256[FW_SHA256_LEN];
};

/* What discover.c hands its findings to (import.c, or a fuzz target):
 * callbacks, so discovery stays below the session that uses it. */
struct imp_walker {
	struct fw_ctx *ctx;
	void *ud;
	/* One classified file, read whole. */
	int (*take)(void *ud, const struct imp_file *f, const struct imp_class *c);
	/* A file not taken (name NULL: about the input as a whole). */
	void (*ignore)(void *ud, const char *input, const char *name, uint64_t line, bool error,
		       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
	/* The host a whole input names (sysinfo-snapshot's folder name). */
	void (*facts)(void *ud, const char *host, uint64_t time_ns);
	/* Input bytes read. */
	void (*count)(void *ud, uint64_t n);
};

/* discover.c: walk one argument (file, folder, archive). */
int imp_discover(const struct imp_walker *w, const char *path);
/* discover.c: walk an archive held in memory. */
int imp_discover_memory(const struct imp_walker *w, const char *input, const void *data,
			size_t len);
bool imp_ishex(char c);
bool imp_hexrun(const char *s, size_t n);

/* import.c: an archive held in memory through discovery, grouping and (with
 * opts.dry_run) everything but the writing: the archive fuzz target. */
int import_memory(struct import *im, const char *name, const void *data, size_t len);
