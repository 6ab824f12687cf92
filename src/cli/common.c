/* SPDX-License-Identifier: MIT */
/* Helpers shared by the verbs: messages, progress, signals, JSON output. */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "core/text.h"

int cli_fail(struct fw_ctx *ctx, const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fwbox %s: ", verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (ctx && fw_ctx_errcode(ctx))
		fprintf(stderr, ": %s", fw_ctx_errmsg(ctx));
	fputc('\n', stderr);
	return CLI_EXIT_FAILURE;
}

int cli_usage_error(const struct cli_verb *v, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fwbox %s: ", v->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'fwbox %s --help'.\n", v->name);
	return CLI_EXIT_USAGE;
}

int cli_option_error(const struct cli_verb *v, char **argv, const char *optstring)
{
	const char *arg = optind > 0 ? argv[optind - 1] : NULL;

	if (arg && !strncmp(arg, "--", 2)) {
		int n = (int)strcspn(arg, "=");

		if (optopt && arg[n] == '=')
			return cli_usage_error(v, "option '%.*s' takes no argument", n, arg);
		if (optopt)
			return cli_usage_error(v, "option '%.*s' needs an argument", n, arg);
		return cli_usage_error(v, "unknown option '%.*s'", n, arg);
	}
	if (optopt && optopt != ':' && strchr(optstring, optopt))
		return cli_usage_error(v, "option '-%c' needs an argument", optopt);
	if (optopt)
		return cli_usage_error(v, "unknown option '-%c'", optopt);
	return cli_usage_error(v, "unknown option '%s'", arg ? arg : "?");
}

int cli_help(const struct cli_verb *v)
{
	fputs(v->usage, stdout);
	return CLI_EXIT_OK;
}

/* FWBOX_PROGRESS=lines: progress as plain lines even when stderr is no
 * terminal (logs, and scripts that wait for a step to start). */
static bool progress_lines;

bool cli_progress_wanted(bool quiet)
{
	const char *e = getenv("FWBOX_PROGRESS");

	progress_lines = e && strcmp(e, "lines") == 0;
	return !quiet && (progress_lines || isatty(STDERR_FILENO));
}

static void progress_print(void *userdata, const char *what, unsigned step, unsigned nsteps,
			   uint64_t bytes)
{
	(void)userdata;
	if (progress_lines) {
		if (nsteps)
			fprintf(stderr, "[%u/%u] %s (%llu bytes)\n", step, nsteps, what,
				(unsigned long long)bytes);
		else
			fprintf(stderr, "%s (%llu bytes)\n", what, (unsigned long long)bytes);
		fflush(stderr);
		return;
	}
	if (nsteps)
		fprintf(stderr, "\r\033[K[%u/%u] %s (%llu bytes)", step, nsteps, what,
			(unsigned long long)bytes);
	else
		fprintf(stderr, "\r\033[K%s (%llu bytes)", what, (unsigned long long)bytes);
	if (nsteps && step >= nsteps)
		fputc('\n', stderr);
	fflush(stderr);
}

void cli_enable_progress(struct fw_ctx *ctx)
{
	fw_ctx_set_progress(ctx, progress_print, NULL);
}

static struct fw_ctx *signal_ctx;

static void on_signal(int sig)
{
	(void)sig;
	if (signal_ctx)
		fw_ctx_request_cancel(signal_ctx);
}

void cli_catch_signals(struct fw_ctx *ctx)
{
	struct sigaction sa;

	signal_ctx = ctx;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking read returns EINTR so the step can stop. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* json-c escapes control characters but copies invalid UTF-8 through
 * (a --reason, a firmware string): replace it with U+FFFD so the output
 * is always valid JSON. Quotes and backslashes are ASCII and already
 * escaped, so this cannot change the document's structure. */
void cli_put_json_text(const char *s, size_t len)
{
	char *clean = fw_utf8_sanitize(s, len);

	fputs(clean ? clean : s, stdout);
	free(clean);
}

void cli_print_json(void *json_object)
{
	size_t len;
	const char *s = json_object_to_json_string_length(json_object,
							  JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	cli_put_json_text(s, len);
	fputc('\n', stdout);
}
