/* SPDX-License-Identifier: MIT */
/*
 * fwbox report: one self-contained HTML page for captures (bundle files or
 * UUIDs from the history), or the fleet view of a history.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/cli.h"

static bool is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* --since: "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" or with 'T' (UTC, an
 * optional trailing Z), "@SECONDS", or "-N" followed by d, h or m (that
 * long before now).  0 and *ret_ns on success, -EINVAL otherwise. */
static int parse_since(const char *s, uint64_t now_ns, uint64_t *ret_ns)
{
	struct tm tm;
	char *end;
	int n;

	if (s[0] == '@') {
		unsigned long long v;

		errno = 0;
		v = strtoull(s + 1, &end, 10);
		if (end == s + 1 || *end || errno || v > UINT64_MAX / 1000000000ull)
			return -EINVAL;
		*ret_ns = v * 1000000000ull;
		return 0;
	}
	if (s[0] == '-') {
		unsigned long long v;
		uint64_t unit;

		errno = 0;
		v = strtoull(s + 1, &end, 10);
		if (end == s + 1 || errno || end[0] == '\0' || end[1] != '\0')
			return -EINVAL;
		unit = end[0] == 'd' ? 86400ull : end[0] == 'h' ? 3600ull : end[0] == 'm' ? 60ull : 0;
		if (!unit || v > now_ns / 1000000000ull / unit)
			return -EINVAL;
		*ret_ns = now_ns - v * unit * 1000000000ull;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3 || n != 10)
		return -EINVAL;
	if (s[n] == ' ' || s[n] == 'T') {
		int m = 0;

		if (sscanf(s + n + 1, "%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &m) != 2 || m != 5)
			return -EINVAL;
		n += 1 + m;
		if (s[n] == ':') {
			if (sscanf(s + n + 1, "%2d%n", &tm.tm_sec, &m) != 1 || m != 2)
				return -EINVAL;
			n += 3;
		}
		if (s[n] == 'Z')
			n++;
	}
	if (s[n] || tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	{
		time_t t = timegm(&tm);

		if (t < 0)
			return -EINVAL;
		*ret_ns = (uint64_t)t * 1000000000ull;
	}
	return 0;
}

/* The default page name: the bundle's name with .html for one bundle. */
static char *default_output(const char *const *bundles, size_t n, bool fleet)
{
	static const char *const sfx[] = { ".tar.zst", ".tar.gz", ".tar.xz", ".tar" };
	const char *b;
	size_t len;
	char *out;

	if (fleet)
		return strdup("fwbox-fleet.html");
	if (n != 1)
		return strdup("fwbox-report.html");
	b = strrchr(bundles[0], '/');
	b = b ? b + 1 : bundles[0];
	len = strlen(b);
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		size_t k = strlen(sfx[i]);

		if (len > k && !strcmp(b + len - k, sfx[i])) {
			len -= k;
			break;
		}
	}
	out = malloc(len + 6);
	if (out)
		snprintf(out, len + 6, "%.*s.html", (int)len, b);
	return out;
}

/* A SQLite history is there when its file is; a PostgreSQL one is asked. */
static bool history_there(const char *db)
{
	enum store_target_kind kind;

	if (store_target_kind(NULL, db, &kind) < 0)
		return true; /* store_open() says what is wrong with it */
	return kind != STORE_TARGET_SQLITE || access(db, F_OK) == 0;
}

static int resolve(struct fw_ctx *ctx, struct store **hist, const char *dbpath, const char *shown,
		   const char *arg, char **ret_path)
{
	int64_t id;
	char *file = NULL;
	int r;

	if (is_file(arg)) {
		*ret_path = strdup(arg);
		return *ret_path ? 0 : fw_error(ctx, -ENOMEM, "out of memory");
	}
	/* Neither a file nor the shape of a capture key: what show and the
	 * other decode verbs say (cli_bundle_open()). */
	if (!store_is_capture_key(arg))
		return fw_error(ctx, -ENOENT, "'%s': %s", arg, strerror(ENOENT));
	if (!*hist) {
		if (!history_there(dbpath))
			return fw_error(ctx, -ENOENT, "'%s' is not a file, and there is no history "
					"database '%s' to look it up as a UUID", arg, shown);
		r = store_open(ctx, dbpath, STORE_OPEN_READONLY, hist);
		if (r < 0)
			return r;
	}
	r = store_find_bundle(*hist, arg, &id);
	if (r < 0)
		return fw_error_prefix(ctx, r, "'%s' is not a file, and as a bundle UUID", arg);
	r = store_bundle_info(*hist, id, NULL, NULL, &file);
	if (r < 0)
		return r;
	if (!file || !is_file(file)) {
		r = fw_error(ctx, -ENOENT, "bundle '%s' is in the history, but the file it was loaded "
			     "from ('%s') is gone: give the bundle file instead", arg, file ? file : "?");
		free(file);
		return r;
	}
	*ret_path = file;
	return 0;
}

/* Write the page to a temporary file next to path and rename it into
 * place, so a failed run leaves no half-written page. */
static int write_page(struct fw_ctx *ctx, const struct report_options *ro, const char *path,
		      struct report_result *res)
{
	char *tmp;
	FILE *f;
	mode_t um;
	int fd, r;

	if (!strcmp(path, "-"))
		return report_html(ctx, ro, stdout, res);
	tmp = malloc(strlen(path) + 16);
	if (!tmp)
		return fw_error(ctx, -ENOMEM, "out of memory");
	sprintf(tmp, "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		r = fw_error(ctx, -errno, "cannot create '%s': %s", tmp, strerror(errno));
		free(tmp);
		return r;
	}
	um = umask(0);
	umask(um);
	(void)fchmod(fd, 0666 & ~um);
	f = fdopen(fd, "w");
	if (!f) {
		r = fw_error(ctx, -errno, "cannot write '%s': %s", tmp, strerror(errno));
		close(fd);
		goto fail;
	}
	r = report_html(ctx, ro, f, res);
	if (fclose(f) != 0 && r >= 0)
		r = fw_error(ctx, -errno, "cannot write '%s': %s", tmp, strerror(errno));
	if (r < 0)
		goto fail;
	if (rename(tmp, path) != 0) {
		r = fw_error(ctx, -errno, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	return r;
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "since", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		CLI_JSON_LONGOPTS,
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report_options ro = { 0 };
	struct report_result res = { 0 };
	struct store *hist = NULL;
	const char *db = NULL, *since = NULL, *output = NULL;
	char *dbpath = NULL, *shown = NULL, *out = NULL;
	char **paths = NULL;
	size_t n = 0;
	struct cli_json json = { 0 };
	bool quiet = false;
	int c, r, ret = CLI_EXIT_FAILURE;

	while ((c = cli_getopt(argc, argv, "o:qh" CLI_JSON_SHORTOPTS, longopts, &json)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 's':
			since = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			return cli_help(&cli_verb_report);
		default:
			return cli_option_error(&cli_verb_report, argv, "o:qh" CLI_JSON_SHORTOPTS);
		}
	}
	ro.now_ns = fw_now_ns();
	if (since && parse_since(since, ro.now_ns, &ro.since_ns) < 0)
		return cli_usage_error(&cli_verb_report, "--since: '%s' is not a date (YYYY-MM-DD, "
				       "'YYYY-MM-DD HH:MM[:SS]', @SECONDS, or -N followed by d, h or m)",
				       since);
	if (since && optind < argc)
		return cli_usage_error(&cli_verb_report, "--since selects captures of the fleet view: "
				       "give it without bundles");
	if (json.on && output && !strcmp(output, "-"))
		return cli_usage_error(&cli_verb_report, "--json describes the page written: with "
				       "-o - the page is on standard output; give -o FILE");
	if (output && !*output)
		return cli_usage_error(&cli_verb_report, "-o: the file name is empty");
	if (db) {
		dbpath = strdup(db);
		if (!dbpath)
			return cli_fail(ctx, "report", "out of memory");
	} else if (store_default_path(ctx, false, &dbpath) < 0) {
		return cli_fail(ctx, "report", "history database");
	}
	/* What messages and the page show of it: never a password. */
	shown = store_target_display(dbpath);
	if (!shown) {
		free(dbpath);
		return cli_fail(ctx, "report", "out of memory");
	}
	cli_catch_signals(ctx);
	if (optind < argc) {
		paths = calloc((size_t)(argc - optind), sizeof(*paths));
		if (!paths) {
			cli_fail(ctx, "report", "out of memory");
			goto out;
		}
		for (int i = optind; i < argc; i++) {
			r = resolve(ctx, &hist, dbpath, shown, argv[i], &paths[n]);
			if (r < 0) {
				/* The message names the argument (as show's does). */
				cli_error(ctx, "report");
				goto out;
			}
			n++;
		}
		/* Changes since the previous capture: only with --db. */
		if (db && !hist) {
			r = store_open(ctx, dbpath, STORE_OPEN_READONLY, &hist);
			if (r < 0) {
				cli_fail(ctx, "report", "history '%s'", shown);
				goto out;
			}
		}
		ro.db = db ? hist : NULL;
	} else {
		if (!history_there(dbpath)) {
			ret = cli_usage_error(&cli_verb_report, "no bundle given, and no history '%s' for "
					      "the fleet view (give BUNDLE, or --db DB)", shown);
			goto out;
		}
		r = store_open(ctx, dbpath, STORE_OPEN_READONLY, &hist);
		if (r < 0) {
			cli_fail(ctx, "report", "history '%s'", shown);
			goto out;
		}
		ro.db = hist;
	}
	ro.bundles = (const char *const *)paths;
	ro.n_bundles = n;
	ro.db_path = shown;
	out = output ? strdup(output) : default_output(ro.bundles, n, n == 0);
	if (!out) {
		cli_fail(ctx, "report", "out of memory");
		goto out;
	}
	r = write_page(ctx, &ro, out, &res);
	if (r < 0) {
		cli_fail(ctx, "report", "%s", strcmp(out, "-") ? out : "standard output");
		goto out;
	}
	if (res.problems && !quiet)
		fprintf(stderr, "fwbox report: warning: %" PRIu64 " part%s of artifacts could not be "
			"decoded (listed in the report)\n", res.problems, res.problems == 1 ? "" : "s");
	if (json.on && strcmp(out, "-")) {
		struct json_object *j = json_object_new_object();

		/* Names and types of fwbox(1) JSON OUTPUT. */
		json_object_object_add(j, "path", json_object_new_string(out));
		json_object_object_add(j, "bytes", cli_json_int((int64_t)res.bytes));
		json_object_object_add(j, "capture_count", cli_json_int(res.captures));
		json_object_object_add(j, "card_count", n ? NULL : cli_json_int(res.cards));
		json_object_object_add(j, "trace_event_count", cli_json_int((int64_t)res.trace_events));
		json_object_object_add(j, "compared_count", cli_json_int(res.compared));
		json_object_object_add(j, "problem_count", cli_json_int((int64_t)res.problems));
		cli_json_emit(&json, j);
	} else if (strcmp(out, "-") && !quiet) {
		printf("%s\n", out);
	}
	ret = CLI_EXIT_OK;
out:
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(out);
	free(dbpath);
	free(shown);
	store_close(hist);
	return ret;
}

const struct cli_verb cli_verb_report = {
	.name = "report",
	.summary = "write a self-contained HTML report of captures, or of the fleet",
	.usage = "Usage: fwbox report [BUNDLE|UUID...] [--db DB] [--since DATE] [-o|--output FILE]\n"
		 "                    [-j|--json] [-p|--pretty] [-q|--quiet]\n"
		 "\n"
		 "Write one self-contained HTML page (no scripts, fonts or styles from anywhere)\n"
		 "with a section per capture: card, when and why, the health verdict, every\n"
		 "step (failures first), a firmware trace timeline, decoded registers, CR-space\n"
		 "and resource-dump summaries, and, with --db, what changed since the previous\n"
		 "capture of the same card.  Without BUNDLE: the fleet view of the history\n"
		 "(cards x captures, failures by step, firmware versions, trending formats).\n"
		 "A UUID (or a unique prefix) is looked up in the history.\n"
		 "\n"
		 "Options:\n"
		 "  --db DB          the history (default $FWBOX_DB, else\n"
		 "                   $XDG_DATA_HOME/fwbox/history.db); with BUNDLE, compare each\n"
		 "                   capture with the card's previous one in DB\n"
		 "  --since DATE     fleet view: captures from DATE on (YYYY-MM-DD,\n"
		 "                   'YYYY-MM-DD HH:MM[:SS]' UTC, @SECONDS, -7d, -12h, -30m)\n"
		 "  -o, --output FILE  write the page to FILE ('-': standard output); default:\n"
		 "                   the bundle's name with .html, fwbox-report.html for several\n"
		 "                   bundles, fwbox-fleet.html for the fleet view\n"
		 "  -j, --json       print what was written as JSON (fields: fwbox-report(1))\n"
		 "  -p, --pretty     indented JSON; implies --json\n"
		 "  -q, --quiet      print nothing on success\n"
		 "  -h, --help       show this help\n",
	.run = run,
};
