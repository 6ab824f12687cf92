/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * cli: the thin front-end.  It parses arguments, calls the library through
 * fwbox.h, prints, and picks the exit status.  One file per verb; each
 * defines a struct cli_verb listed in the table in main.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "fwbox.h"

/* Exit status of every verb (documented in fwbox(1)). */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILURE = 1,
	CLI_EXIT_USAGE = 2,
	CLI_EXIT_PARTIAL = 3,
};

struct cli_verb {
	const char *name;
	const char *summary;           /* one line for `fwbox --help` */
	const char *usage;             /* full text for `fwbox VERB --help` */
	int (*run)(struct fw_ctx *ctx, int argc, char **argv);
};

/* Print "fwbox VERB: <what>: <library message>" to stderr; return CLI_EXIT_FAILURE. */
int cli_fail(struct fw_ctx *ctx, const char *verb, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print "fwbox VERB: <message>" and "Try 'fwbox VERB --help'."; return CLI_EXIT_USAGE. */
int cli_usage_error(const struct cli_verb *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* After getopt_long() (run with opterr = 0) returned '?' or ':': print one
 * message naming the unknown option, or the option missing its argument, as
 * cli_usage_error() does; optstring is the one given to getopt_long(). */
int cli_option_error(const struct cli_verb *v, char **argv, const char *optstring);
/* Print the verb's usage to stdout; return CLI_EXIT_OK. */
int cli_help(const struct cli_verb *v);
/* True if progress should be shown (stderr is a terminal and not quiet). */
bool cli_progress_wanted(bool quiet);
/* Install a progress printer on the context (step n of m, bytes so far). */
void cli_enable_progress(struct fw_ctx *ctx);
/* Install SIGINT/SIGTERM handlers that request cancellation on ctx. */
void cli_catch_signals(struct fw_ctx *ctx);
/* Print a JSON object/array (a json_object *) to stdout, pretty, with newline. */
void cli_print_json(void *json_object);
/* Print serialized JSON with invalid UTF-8 replaced by U+FFFD. */
void cli_put_json_text(const char *s, size_t len);

extern const struct cli_verb cli_verb_collect;
extern const struct cli_verb cli_verb_devices;
extern const struct cli_verb cli_verb_show;
extern const struct cli_verb cli_verb_verify;
extern const struct cli_verb cli_verb_extract;
extern const struct cli_verb cli_verb_trace;
extern const struct cli_verb cli_verb_regs;
extern const struct cli_verb cli_verb_crspace;
extern const struct cli_verb cli_verb_segments;
extern const struct cli_verb cli_verb_load;
extern const struct cli_verb cli_verb_query;
extern const struct cli_verb cli_verb_diff;
extern const struct cli_verb cli_verb_redact;
extern const struct cli_verb cli_verb_report;
