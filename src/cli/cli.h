/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * cli: the thin front-end.  It parses arguments, calls the library through
 * fwbox.h, prints, and picks the exit status.  One file per verb; each
 * defines a struct cli_verb listed in the table in main.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "fwbox.h"

/* Exit status of every verb (documented once, in fwbox(1) EXIT STATUS). */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILURE = 1,          /* diff: the captures differ */
	CLI_EXIT_USAGE = 2,            /* diff: also any failure ("trouble") */
	CLI_EXIT_PARTIAL = 3,
	CLI_EXIT_NOTHING = 4,          /* inputs read, no record to show */
	CLI_EXIT_LIMIT = 5,            /* query: stopped by --timeout or --memory-limit */
};

struct cli_verb {
	const char *name;
	const char *summary;           /* one line for `fwbox --help` */
	const char *usage;             /* full text for `fwbox VERB --help` */
	int (*run)(struct fw_ctx *ctx, int argc, char **argv);
};

/*
 * Messages.  Every line a verb writes to stderr starts "fwbox VERB: "
 * (fwbox(1) MESSAGES); a non-fatal problem is "fwbox VERB: warning: ...".
 */
/* Print "fwbox VERB: <what>: <library message>" to stderr; return CLI_EXIT_FAILURE. */
int cli_fail(struct fw_ctx *ctx, const char *verb, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print "fwbox VERB: <library message>" (which names the file); return
 * CLI_EXIT_FAILURE. */
int cli_error(struct fw_ctx *ctx, const char *verb);
/* Print "fwbox VERB: <message>" and "Try 'fwbox VERB --help'."; return CLI_EXIT_USAGE. */
int cli_usage_error(const struct cli_verb *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* After getopt_long() (run with opterr = 0) returned '?' or ':': print one
 * message naming the unknown option, or the option missing its argument, as
 * cli_usage_error() does; optstring is the one given to getopt_long(). */
int cli_option_error(const struct cli_verb *v, char **argv, const char *optstring);
/* Print "fwbox VERB: warning: <message>" to stderr. */
void cli_warn(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "fwbox VERB: <message>" to stderr; return CLI_EXIT_NOTHING.  For a
 * verb whose inputs were read and hold no record to show. */
int cli_nothing(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print the verb's usage to stdout; return CLI_EXIT_OK. */
int cli_help(const struct cli_verb *v);
/* The candidate closest to word by edit distance, if it is close enough
 * to be a typing mistake ("did you mean"); else NULL. */
const char *cli_closest(const char *word, const char *const *cands, size_t n);
/* fwbox __complete WORD...: completion candidates (src/cli/complete.c),
 * given main.c's verb table (passed in, so that complete.c and main.c do
 * not call each other). */
int cli_complete(struct fw_ctx *ctx, int argc, char **argv, const struct cli_verb *const *verbs,
		 size_t nverbs);
/* The verb of that name, or NULL. */
const struct cli_verb *cli_verb_find(const char *name);

/*
 * JSON output (fwbox(1) JSON OUTPUT): -j/--json prints compact JSON, one
 * object per line (one per record for verbs that list records, one per
 * input for verbs that describe one); -p/--pretty indents each object and
 * implies --json.  Add CLI_JSON_LONGOPTS to the verb's long options and
 * CLI_JSON_SHORTOPTS to its optstring, and pass every option character to
 * cli_json_option() first.
 */
struct cli_json {
	bool on;
	bool pretty;
};
#define CLI_JSON_SHORTOPTS "jp"
#define CLI_JSON_LONGOPTS { "json", no_argument, NULL, 'j' }, { "pretty", no_argument, NULL, 'p' }
/* True if c was -j or -p (and was recorded in *j). */
bool cli_json_option(struct cli_json *j, int c);
/* Print one object as compact JSON on one line, or indented with -p, with
 * invalid UTF-8 replaced by U+FFFD; then drop the reference to it. */
void cli_json_emit(const struct cli_json *j, struct json_object *o);
/* Values, in the types fwbox(1) gives them.  Each returns a new object or
 * NULL (JSON null) and is meant for json_object_object_add(). */
struct json_object *cli_json_text(const char *s);        /* NULL -> null */
struct json_object *cli_json_text_or_null(const char *s);/* NULL or "" -> null */
struct json_object *cli_json_int(int64_t v);
struct json_object *cli_json_u64(uint64_t v);            /* decimal string: may exceed 2^53 */
/* Add NAME (ISO 8601 UTC, nanoseconds) and NAME_us (microseconds since the
 * epoch, an integer below 2^53); both null when ns is 0 (unknown). */
void cli_json_add_time(struct json_object *o, const char *name, uint64_t ns);
/* show and info: how a collection step ended, the same fields in both
 * (errno, mlx5_status, syndrome, start, end, interface; fwbox(1)). */
void cli_json_add_step(struct json_object *o, int32_t err, uint32_t status, uint32_t syndrome,
		       uint64_t start_ns, uint64_t end_ns, const char *interface);
/* A time given on the command line, in UTC: YYYY-MM-DD, 'YYYY-MM-DD
 * HH:MM[:SS[.frac]]' (or with T, a trailing Z), @SECONDS, now, today,
 * yesterday, or -N followed by d, h, m or s (that long before now).
 * -EINVAL if it is none of those. */
int cli_parse_time(const char *s, uint64_t now_ns, uint64_t *ret_ns);
/* ISO 8601 UTC with nanoseconds, "1970-01-01T00:00:00.000000000Z"; buf >= 40. */
void cli_format_time(uint64_t ns, char *buf, size_t len);
/* True if progress should be shown (stderr is a terminal and not quiet). */
bool cli_progress_wanted(bool quiet);
/* Install a progress printer on the context (step n of m, bytes so far). */
void cli_enable_progress(struct fw_ctx *ctx);
/* Erase an unfinished progress line, before printing anything else. */
void cli_progress_clear(void);
/* Install SIGINT/SIGTERM handlers that request cancellation on ctx. */
void cli_catch_signals(struct fw_ctx *ctx);
/* Install handler for SIGINT and SIGTERM, without SA_RESTART (a verb with
 * its own handler: collect). */
void cli_on_signals(void (*handler)(int));
/* -o FILE's extension (.tar.gz, .tgz, .tar.xz, .tar ...) picks the
 * compression; a --compress (given) that disagrees is a usage error of v
 * (its status returned); 0 otherwise. */
int cli_pick_compression(const struct cli_verb *v, const char *out, bool given,
			 enum bundle_compression *comp);
/* Repeated list options (--keep, --drop ...) accumulate as one comma list
 * in *list (malloc'd); -EINVAL for an empty item, -ENOMEM. */
int cli_append_list(char **list, const char *item);
/* A size: bytes, or a number with K, M, G or T (powers of 1024; "10MB"
 * and "10MiB" too); -EINVAL otherwise, and for 0. */
int cli_parse_size(const char *s, uint64_t *ret);
/*
 * The redaction options of `fwbox redact` that `fwbox collect --redact`
 * takes too (redact-args.c): add CLI_REDACT_LONGOPTS to the verb's long
 * options and hand every option getopt returns to cli_redact_option().
 */
enum {
	CLI_OPT_MAP = 0x300,
	CLI_OPT_KEEP,
	CLI_OPT_DROP,
	CLI_OPT_MASK,
	CLI_OPT_SINCE,
	CLI_OPT_UNTIL,
	CLI_OPT_MAX_SIZE,
	CLI_OPT_CASE_ID,
};
#define CLI_REDACT_LONGOPTS                                                                     \
	{ "map", required_argument, NULL, CLI_OPT_MAP },                                        \
	{ "keep", required_argument, NULL, CLI_OPT_KEEP },                                      \
	{ "drop", required_argument, NULL, CLI_OPT_DROP },                                      \
	{ "mask", required_argument, NULL, CLI_OPT_MASK },                                      \
	{ "since", required_argument, NULL, CLI_OPT_SINCE },                                    \
	{ "until", required_argument, NULL, CLI_OPT_UNTIL },                                    \
	{ "max-size", required_argument, NULL, CLI_OPT_MAX_SIZE },                              \
	{ "case-id", required_argument, NULL, CLI_OPT_CASE_ID }
struct cli_redact_args {
	struct redact_options o;       /* what the options set; the rest is the verb's */
	char *keep, *drop;             /* o.keep, o.drop (malloc'd comma lists) */
	const char **mask;             /* o.mask (malloc'd; the words are argv's) */
	bool given;                    /* any of these options was given */
};
/* true when opt is one of them: taken into a (*ret_status 0), or refused
 * with a message naming it (*ret_status CLI_EXIT_USAGE, or
 * CLI_EXIT_FAILURE when out of memory).  false for any other option. */
bool cli_redact_option(const struct cli_verb *v, struct cli_redact_args *a, int opt,
		       const char *arg, int *ret_status);
void cli_redact_args_free(struct cli_redact_args *a);
/* -o -: copy a finished bundle file to standard output; -errno. */
int cli_copy_to_stdout(const char *path);
/* Print serialized JSON with invalid UTF-8 replaced by U+FFFD. */
void cli_put_json_text(const char *s, size_t len);

/*
 * Verbs that read bundles (show, verify, extract, trace, regs, crspace,
 * segments) take several; each argument is a bundle file or a capture of
 * the history (fwbox(1) CAPTURES).
 */
/* --db PATH on verbs that read bundles: where their UUIDs are looked up. */
#define CLI_OPT_DB 0x200
#define CLI_DB_LONGOPT { "db", required_argument, NULL, CLI_OPT_DB }
/* The history database for UUID arguments: the verb's --db (NULL: the
 * default, $FWBOX_DB or $XDG_DATA_HOME/fwbox/history.db). */
void cli_set_db(const char *path);
/* Open that history read-only; *ret_dbpath (optional) is its path. */
int cli_open_history(struct fw_ctx *ctx, struct store **ret, char **ret_dbpath);
/* Open the bundle arg names: a file, or a bundle UUID (unique prefix,
 * SHA-256) of the history whose file is opened.  On failure the context
 * says why, naming arg. */
int cli_bundle_open(struct fw_ctx *ctx, const char *arg, struct bundle **ret);
/* The bundle's UUID as text, 36 characters and a NUL. */
void cli_bundle_uuid(struct bundle *b, char uuid[37]);
/* Open arg, write its UUID to uuid (so the sink can name it in every
 * record), and run the decoders whose kinds start with only_prefix. */
/*
 * The decode verbs (trace, regs, crspace, segments) keep a struct cli_decode
 * as the first member of their sink state, so that one problem callback and
 * one loop over the BUNDLE arguments serve them all.
 */
struct cli_tally;
struct cli_decode {
	const char *verb;
	const char *path;  /* the bundle being decoded, for messages */
	char uuid[37];     /* its UUID, for JSON records */
	/* Decode one opened bundle, for a verb that needs more than one pass
	 * over it (fwbox trace compares sources first): typically calls
	 * cli_decode_pass(); NULL: one cli_decode_pass() with the arguments
	 * of cli_decode_bundles(). */
	int (*decode)(struct cli_decode *d, struct fw_ctx *ctx, struct bundle *b,
		      const char *only, const struct analyze_sink *sink);
	/* Called after each bundle, decoded (r >= 0) or not; may be NULL. */
	void (*after)(struct cli_decode *d, struct fw_ctx *ctx, int r);
	/* Set by decode: go no further (the output failed); the bundle counts
	 * as failed, and decode has said why. */
	bool stop;
};
/* analyze_sink.problem for them: a warning naming bundle, kind and offset. */
void cli_decode_problem(void *ud, const char *kind, uint64_t off, int err, const char *msg);
/* One pass of sink over the artifacts of b whose kinds start with one of
 * only's prefixes, with d as the sink's userdata. */
int cli_decode_pass(struct fw_ctx *ctx, struct cli_decode *d, struct bundle *b, const char *only,
		    const struct analyze_sink *sink);
/* Open each of args[0..n) (a file or a history UUID, cli_bundle_open()),
 * note its path and UUID in d, and decode it (d->decode, else one pass of
 * sink over the kinds of only), until a signal or d->stop; count into t. */
void cli_decode_bundles(struct fw_ctx *ctx, struct cli_decode *d, char **args, int n,
			const char *only, const struct analyze_sink *sink, struct cli_tally *t);
/* A whole unsigned number in C syntax: -EINVAL when it is none (or
 * negative), -ERANGE above 2^64 - 1; the two deserve different messages. */
int cli_parse_u64(const char *s, uint64_t *ret);
/* getopt_long() for a verb: the JSON options (into json, unless NULL) and
 * --db are handled here; every other option is returned, -1 at the end.
 * main() resets getopt (optind 1, opterr 0: one message, ours) before a
 * verb runs. */
struct option;
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
	       struct cli_json *json);

int cli_analyze(struct fw_ctx *ctx, const char *arg, const char *only_prefix,
		const struct analyze_sink *sink, void *ud, char uuid[37]);
/* Inputs of a verb over several bundles, and the records it printed. */
struct cli_tally {
	unsigned ok, failed;
	uint64_t records;
};
/* Exit status for a tally (fwbox(1) EXIT STATUS): 1 if no input could be
 * read, 3 if some could not, 4 (saying "no WHAT in ...") if all were read
 * and none held a record, else 0. */
int cli_tally_exit(const struct cli_tally *t, const char *verb, const char *what, int argc,
		   char **args);

/* list and info: a capture of the history as JSON (full: info's fields,
 * without artifacts; else list's), and a time as "YYYY-MM-DD HH:MM:SS UTC". */
struct json_object *cli_capture_json(const struct store_capture *c, bool full);
void cli_format_time_short(uint64_t ns, char *buf, size_t len);

extern const struct cli_verb cli_verb_collect;
extern const struct cli_verb cli_verb_devices;
extern const struct cli_verb cli_verb_show;
extern const struct cli_verb cli_verb_verify;
extern const struct cli_verb cli_verb_extract;
extern const struct cli_verb cli_verb_trace;
extern const struct cli_verb cli_verb_regs;
extern const struct cli_verb cli_verb_crspace;
extern const struct cli_verb cli_verb_segments;
extern const struct cli_verb cli_verb_health;
extern const struct cli_verb cli_verb_load;
extern const struct cli_verb cli_verb_query;
extern const struct cli_verb cli_verb_diff;
extern const struct cli_verb cli_verb_list;
extern const struct cli_verb cli_verb_info;
extern const struct cli_verb cli_verb_watch;
extern const struct cli_verb cli_verb_redact;
extern const struct cli_verb cli_verb_report;
extern const struct cli_verb cli_verb_prune;
extern const struct cli_verb cli_verb_import;
