/* SPDX-License-Identifier: MIT */
/* fwbox query: read-only SQL or a named query on the history database. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"

/* Rows buffered to size the columns of the table format; later rows are
 * printed as they come (the columns may then be wider than the header). */
#define QUERY_TABLE_SAMPLE 1000

enum out_format {
	OUT_TABLE,
	OUT_CSV,
	OUT_JSON,
};

static const char usage[] =
	"Usage: fwbox query [--db PATH] [-f|--format table|csv|json] [-j|--json] [-p|--pretty]\n"
	"                   [--null TEXT] [--timeout TIME] [--memory-limit SIZE] SQL|- [PARAM...]\n"
	"       fwbox query [--db PATH] [-f|--format table|csv|json] [-j|--json] [-p|--pretty]\n"
	"                   [--null TEXT] [--timeout TIME] [--memory-limit SIZE] NAME [ARG...]\n"
	"       fwbox query -l|--list [-j|--json]\n"
	"\n"
	"Run one read-only SQL statement, or a named query, on the history\n"
	"database.  The database is opened read-only: statements that would\n"
	"change it are refused.  Tables and views: fwbox-schema(7).  SQL '-'\n"
	"reads the statement from standard input; PARAMs are bound to ?1, ?2...\n"
	"(integers as integers, the rest as text).  A named query's arguments are\n"
	"checked: DEVICE is a card (id, serial, PSID, PCI address or identity),\n"
	"FROM and TO device timestamps, BUNDLE a bundle UUID or unique prefix.\n"
	"\n"
	"Options:\n"
	"  --db PATH        history database (default $FWBOX_DB, else\n"
	"                   $XDG_DATA_HOME/fwbox/history.db)\n"
	"  -f, --format FORMAT\n"
	"                   output as table (default), csv or json (as --json)\n"
	"  -j, --json       one JSON object per row, one a line, keyed by column name\n"
	"  -p, --pretty     indented JSON; implies --json\n"
	"  --null TEXT      how the table shows NULL (default: NULL)\n"
	"  -l, --list       list the named queries and their arguments\n"
	"  --timeout TIME   stop the query after TIME (30, 30s, 500ms, 5m, 1h;\n"
	"                   0: no limit; default 3m)\n"
	"  --memory-limit SIZE\n"
	"                   stop a query that needs more memory than SIZE (512M,\n"
	"                   2G, 64K; 0: no limit; default 512M)\n"
	"  -h, --help       show this help\n"
	"\n"
	"Options may follow the arguments; after '--' everything is an argument\n"
	"(a negative number, say).\n"
	"\n"
	"Exit status: 0 success (with or without rows), 1 failure, 2 usage,\n"
	"5 stopped by --timeout or --memory-limit, 130 interrupted by SIGINT\n"
	"(143 by SIGTERM); rows printed before a stop stay printed.\n";

/* What a NULL looks like: sqlite3's .nullvalue, "NULL" in tables so that
 * it differs from an empty string; empty in CSV (RFC 4180 has no NULL). */
static const char *null_text = "NULL";
static bool csv_output;

/* Text of one value for table and CSV output; blobs as hex.  *tmp is freed
 * by the caller. */
static const char *value_text(struct store_query *q, int i, char **tmp)
{
	const uint8_t *p;
	size_t n;

	*tmp = NULL;
	switch (store_query_column_type(q, i)) {
	case STORE_NULL:
		return csv_output ? "" : null_text;
	case STORE_BLOB:
		p = store_query_column_blob(q, i, &n);
		*tmp = malloc(2 * n + 1);
		if (!*tmp)
			return "";
		for (size_t k = 0; k < n; k++)
			sprintf(*tmp + 2 * k, "%02x", p[k]);
		(*tmp)[2 * n] = '\0';
		return *tmp;
	default:
		return store_query_column_text(q, i);
	}
}

static void csv_field(const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static int print_csv(struct store_query *q)
{
	int ncol = store_query_column_count(q), r;

	for (int i = 0; i < ncol; i++) {
		if (i)
			putchar(',');
		csv_field(store_query_column_name(q, i));
	}
	putchar('\n');
	while ((r = store_query_step(q)) == 1) {
		for (int i = 0; i < ncol; i++) {
			char *tmp;

			if (i)
				putchar(',');
			csv_field(value_text(q, i, &tmp));
			free(tmp);
		}
		putchar('\n');
	}
	return r;
}

static struct json_object *json_value(struct store_query *q, int i)
{
	char *tmp;
	struct json_object *o;

	switch (store_query_column_type(q, i)) {
	case STORE_NULL:
		return NULL;
	case STORE_INTEGER: {
		int64_t v = store_query_column_int(q, i);

		/* Beyond 2^53 a JSON reader would round it: a decimal string. */
		if (v >= (1LL << 53) || v <= -(1LL << 53)) {
			char buf[24];

			snprintf(buf, sizeof(buf), "%" PRId64, v);
			return json_object_new_string(buf);
		}
		return json_object_new_int64(v);
	}
	case STORE_FLOAT:
		return json_object_new_double(store_query_column_double(q, i));
	default:
		o = json_object_new_string(value_text(q, i, &tmp));
		free(tmp);
		return o;
	}
}

/* Streamed: one object per row, one a line (JSON Lines), so a large
 * result never sits in memory.  Returns the rows printed, or < 0. */
static int64_t print_json(struct store_query *q, const struct cli_json *json)
{
	int ncol = store_query_column_count(q), r;
	int64_t rows = 0;

	while ((r = store_query_step(q)) == 1) {
		struct json_object *row = json_object_new_object();

		for (int i = 0; i < ncol; i++)
			json_object_object_add(row, store_query_column_name(q, i), json_value(q, i));
		cli_json_emit(json, row); /* stored texts may be any bytes */
		rows++;
	}
	return r < 0 ? r : rows;
}

struct table {
	int ncol;
	size_t *width;
	char **cells;            /* nrows * ncol, sampled rows */
	size_t nrows;
};

/* Stored texts come from bundles (a --reason, firmware strings): control
 * bytes print as '?', as in show, so a hostile bundle cannot drive the
 * terminal. One byte for one byte, so the column widths stay right. */
static void put_cell(const char *s, size_t width)
{
	size_t n = 0;

	for (; *s; s++, n++)
		putchar(((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s);
	for (; n < width; n++)
		putchar(' ');
}

static void table_row(const struct table *t, const char *const *cells)
{
	for (int i = 0; i < t->ncol; i++) {
		if (i == t->ncol - 1) {
			put_cell(cells[i], 0);
			putchar('\n');
		} else {
			put_cell(cells[i], t->width[i]);
			fputs("  ", stdout);
		}
	}
}

static int print_table(struct store_query *q)
{
	struct table t = { .ncol = store_query_column_count(q) };
	const char **row = NULL;
	int r;

	if (t.ncol == 0)
		return store_query_step(q) < 0 ? -1 : 0;
	t.width = calloc((size_t)t.ncol, sizeof(*t.width));
	t.cells = calloc((size_t)t.ncol * QUERY_TABLE_SAMPLE, sizeof(*t.cells));
	row = calloc((size_t)t.ncol, sizeof(*row));
	if (!t.width || !t.cells || !row) {
		r = -ENOMEM;
		goto free_table;
	}
	for (int i = 0; i < t.ncol; i++)
		t.width[i] = strlen(store_query_column_name(q, i));
	while (t.nrows < QUERY_TABLE_SAMPLE && (r = store_query_step(q)) == 1) {
		for (int i = 0; i < t.ncol; i++) {
			char *tmp;
			const char *v = value_text(q, i, &tmp);
			char **cell = &t.cells[t.nrows * (size_t)t.ncol + (size_t)i];

			*cell = tmp ? tmp : strdup(v ? v : "");
			if (*cell && strlen(*cell) > t.width[i])
				t.width[i] = strlen(*cell);
		}
		t.nrows++;
	}
	if (t.nrows < QUERY_TABLE_SAMPLE && r < 0)
		goto free_table;
	for (int i = 0; i < t.ncol; i++)
		row[i] = store_query_column_name(q, i);
	table_row(&t, row);
	for (size_t k = 0; k < t.nrows; k++) {
		for (int i = 0; i < t.ncol; i++) {
			char *c = t.cells[k * (size_t)t.ncol + (size_t)i];

			row[i] = c ? c : "";
		}
		table_row(&t, row);
	}
	r = 0;
	if (t.nrows == QUERY_TABLE_SAMPLE) {
		/* Past the sample: print as the rows come; blob cells are
		 * allocated, freed once the row is out. */
		char **tmp = calloc((size_t)t.ncol, sizeof(*tmp));

		if (!tmp) {
			r = -ENOMEM;
			goto free_table;
		}
		while ((r = store_query_step(q)) == 1) {
			for (int i = 0; i < t.ncol; i++) {
				const char *v = value_text(q, i, &tmp[i]);

				row[i] = (v ? v : "");
			}
			table_row(&t, row);
			for (int i = 0; i < t.ncol; i++)
				free(tmp[i]);
		}
		free(tmp);
	}
free_table:
	if (t.cells)
		for (size_t k = 0; k < t.nrows * (size_t)t.ncol; k++)
			free(t.cells[k]);
	free(t.cells);
	free(t.width);
	free(row);
	return r;
}

static int list_named(const struct cli_json *json)
{
	if (json->on) {
		for (size_t i = 0; i < store_named_query_count(); i++) {
			const struct store_named_query *nq = store_named_query_at(i);
			struct json_object *o = json_object_new_object();
			struct json_object *args = json_object_new_array();
			char *copy = strdup(nq->args), *save = NULL;

			for (char *w = copy ? strtok_r(copy, " ", &save) : NULL; w;
			     w = strtok_r(NULL, " ", &save))
				json_object_array_add(args, json_object_new_string(w));
			free(copy);
			json_object_object_add(o, "name", json_object_new_string(nq->name));
			json_object_object_add(o, "arguments", args);
			json_object_object_add(o, "summary", json_object_new_string(nq->summary));
			cli_json_emit(json, o);
		}
		return CLI_EXIT_OK;
	}
	printf("Named queries (fwbox query NAME [ARG...]):\n");
	for (size_t i = 0; i < store_named_query_count(); i++) {
		const struct store_named_query *nq = store_named_query_at(i);
		char head[64];

		snprintf(head, sizeof(head), "%s%s%s", nq->name, *nq->args ? " " : "", nq->args);
		printf("  %-28s %s\n", head, nq->summary);
	}
	return CLI_EXIT_OK;
}

/* Bind a command-line argument: integers (decimal or 0x) as integers so
 * comparisons with integer columns use the index order, the rest as text. */
static int bind_arg(struct store_query *q, int i, const char *arg)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 0);
	if (*arg && !*end && !errno)
		return store_query_bind_int(q, i, v);
	return store_query_bind_text(q, i, arg);
}

/* One integer result of a lookup, or 0 rows (-ENOENT, no message). */
static int lookup_int(struct store *s, const char *sql, const char *arg, int64_t *ret)
{
	struct store_query *q = NULL;
	int r;

	r = store_query_prepare(s, sql, &q);
	if (r >= 0)
		r = store_query_bind_text(q, 1, arg);
	if (r >= 0)
		r = store_query_step(q);
	if (r == 1)
		*ret = store_query_column_int(q, 0);
	store_query_free(q);
	return r < 0 ? r : r == 1 ? 0 : -ENOENT;
}

/*
 * A named query's argument, checked by its name (the words of nq->args):
 * DEVICE is a card, FROM and TO device timestamps, BUNDLE a capture; TEXT
 * and anything else is text.  A mistake is a usage error that says what
 * was expected, not an empty result.  Returns 0, CLI_EXIT_USAGE (message
 * printed) or < 0 (message on ctx).
 */
static int bind_named(struct fw_ctx *ctx, struct store *s, struct store_query *q,
		      const struct store_named_query *nq, int i, const char *name, const char *arg)
{
	char *end;
	int64_t id;
	int r;

	if (!strcmp(name, "FROM") || !strcmp(name, "TO") || !strcmp(name, "SINCE") ||
	    !strcmp(name, "UNTIL")) {
		bool ticks_ok = name[0] == 'F' || name[0] == 'T';
		unsigned long long v;
		uint64_t ns;
		char text[32];

		errno = 0;
		v = strtoull(arg, &end, 0);
		if (ticks_ok && *arg && !*end && !errno && arg[0] != '-' && v <= INT64_MAX)
			return store_query_bind_int(q, i, (int64_t)v);
		/* A time: bound as the text "utc:NS" (its UTC ns), which the
		 * named query turns into each bundle's device ticks through
		 * its clock anchor. */
		if (cli_parse_time(arg, fw_now_ns(), &ns) < 0 || ns > INT64_MAX)
			return cli_usage_error(&cli_verb_query, "%s: %s '%s' is not %sa UTC time "
					       "(2026-12-01, '2026-12-01 10:00[:SS]', ISO 8601, "
					       "@SECONDS, now, today, yesterday, -1h, -30m, -2d)",
					       nq->name, name, arg,
					       ticks_ok ? "a device timestamp (0 to 2^63-1, decimal or "
							  "0x hexadecimal) or " : "");
		snprintf(text, sizeof(text), "utc:%" PRIu64, ns);
		return store_query_bind_text(q, i, text);
	}
	if (!strcmp(name, "DEVICE")) {
		r = lookup_int(s, "SELECT id FROM devices WHERE CAST(id AS TEXT) = ?1 OR identity = ?1 "
			       "OR serial = ?1 OR psid = ?1 OR pci = ?1 OR pci = '0000:' || ?1 "
			       "ORDER BY CAST(id AS TEXT) = ?1 DESC LIMIT 1", arg, &id);
		if (r == -ENOENT) {
			fprintf(stderr, "fwbox query: %s: no card '%s' in the history (DEVICE is a "
				"card's id, serial, PSID, PCI address or identity: see 'fwbox query "
				"devices')\n", nq->name, arg);
			return CLI_EXIT_USAGE;
		}
		return r < 0 ? r : store_query_bind_int(q, i, id);
	}
	if (!strcmp(name, "BUNDLE")) {
		struct store_query *u = NULL;

		r = store_resolve_capture(s, arg, &id);
		if (r < 0)
			return fw_error_prefix(ctx, r, "%s: BUNDLE", nq->name);
		r = store_query_prepare(s, "SELECT uuid FROM bundles WHERE id = ?1", &u);
		if (r >= 0)
			r = store_query_bind_int(u, 1, id);
		if (r >= 0)
			r = store_query_step(u);
		if (r == 1)
			r = store_query_bind_text(q, i, store_query_column_text(u, 0));
		store_query_free(u);
		return r < 0 ? r : 0;
	}
	return bind_arg(q, i, arg);
}

/* SQL from standard input (query -): bounded, as any input. */
#define QUERY_STDIN_MAX (1u << 20)
static int read_stdin(char **ret)
{
	size_t len = 0, cap = 4096, n;
	char *buf = malloc(cap), *nb;

	if (!buf)
		return -ENOMEM;
	while ((n = fread(buf + len, 1, cap - len - 1, stdin)) > 0) {
		len += n;
		if (len + 1 < cap)
			continue;
		if (cap >= QUERY_STDIN_MAX) {
			free(buf);
			return -EFBIG;
		}
		nb = realloc(buf, cap * 2);
		if (!nb) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		cap *= 2;
	}
	if (ferror(stdin)) {
		free(buf);
		return -EIO;
	}
	buf[len] = '\0';
	*ret = buf;
	return 0;
}

static bool is_bare_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

static int unknown_name(const char *word)
{
	const char *names[64];
	size_t n = 0;
	const char *near;

	for (size_t i = 0; i < store_named_query_count() && n < 64; i++)
		names[n++] = store_named_query_at(i)->name;
	near = cli_closest(word, names, n);
	if (near)
		return cli_usage_error(&cli_verb_query, "'%s' is not a named query; did you mean "
				       "'%s'? (see 'fwbox query --list')", word, near);
	return cli_usage_error(&cli_verb_query, "'%s' is not a named query (see 'fwbox query "
			       "--list')", word);
}

/* "30", "30s", "500ms", "5m", "1h" to milliseconds; false if malformed. */
static bool parse_duration(const char *arg, uint64_t *ret_ms)
{
	static const struct { const char *suffix; uint64_t ms; } units[] = {
		{ "", 1000 }, { "s", 1000 }, { "ms", 1 }, { "m", 60000 }, { "h", 3600000 },
	};
	char *end;
	uint64_t v;

	if (!isdigit((unsigned char)*arg))
		return false;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno)
		return false;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].suffix)) {
			if (v > UINT64_MAX / units[i].ms)
				return false;
			*ret_ms = v * units[i].ms;
			return true;
		}
	return false;
}

/* SIGINT and SIGTERM stop the statement under way at once
 * (sqlite3_interrupt through store_interrupt(), async-signal-safe) as well
 * as cancelling the context; the signal picks the exit status 128+N. */
static struct store *signal_store;
static struct fw_ctx *signal_ctx;
static volatile sig_atomic_t signal_seen;

static void on_query_signal(int sig)
{
	signal_seen = sig;
	if (signal_ctx)
		fw_ctx_request_cancel(signal_ctx);
	store_interrupt(signal_store);
}

static void catch_query_signals(struct fw_ctx *ctx, struct store *s)
{
	struct sigaction sa;

	signal_ctx = ctx;
	signal_store = s;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_query_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	enum { OPT_NULL = 0x100 };
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "list", no_argument, NULL, 'l' },
		{ "null", required_argument, NULL, OPT_NULL },
		{ "help", no_argument, NULL, 'h' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "memory-limit", required_argument, NULL, 'M' },
		CLI_JSON_LONGOPTS,
		{}
	};
	struct cli_json json = { 0 };
	const struct store_named_query *nq = NULL;
	enum out_format fmt = OUT_TABLE;
	struct store_query *q = NULL;
	struct store *s = NULL;
	const char *db = NULL;
	char *dbpath = NULL, *stdin_sql = NULL, *names = NULL, *save = NULL;
	const char *sql;
	struct store_query_limits limits = { STORE_QUERY_TIME_MS_DEFAULT, STORE_QUERY_MEMORY_DEFAULT };
	bool list = false;
	int c, r, nargs, ret = CLI_EXIT_FAILURE;

	/* Options anywhere (GNU order); "--" ends them, for a negative number. */
	while ((c = getopt_long(argc, argv, "f:lh" CLI_JSON_SHORTOPTS, opts, NULL)) != -1) {
		if (cli_json_option(&json, c)) {
			fmt = OUT_JSON;
			continue;
		}
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "table"))
				fmt = OUT_TABLE;
			else if (!strcmp(optarg, "csv"))
				fmt = OUT_CSV;
			else if (!strcmp(optarg, "json"))
				fmt = OUT_JSON;
			else
				return cli_usage_error(&cli_verb_query, "--format '%s': use table, csv "
						       "or json", optarg);
			break;
		case OPT_NULL:
			null_text = optarg;
			break;
		case 'l':
			list = true;
			break;
		case 'T':
			if (!parse_duration(optarg, &limits.time_ms))
				return cli_usage_error(&cli_verb_query, "--timeout takes a time such as "
						       "30, 30s, 500ms, 5m or 0 (no limit), not '%s'", optarg);
			break;
		case 'M':
			/* 0: no ceiling. */
			if (!strcmp(optarg, "0"))
				limits.memory_bytes = 0;
			else if (cli_parse_size(optarg, &limits.memory_bytes) < 0)
				return cli_usage_error(&cli_verb_query, "--memory-limit takes a size such "
						       "as 512M, 2G, 64K or 0 (no limit), not '%s'", optarg);
			break;
		case 'h':
			return cli_help(&cli_verb_query);
		default:
			return cli_option_error(&cli_verb_query, argv, "f:lh" CLI_JSON_SHORTOPTS);
		}
	}
	csv_output = fmt == OUT_CSV;
	json.on = json.on || fmt == OUT_JSON;
	if (list)
		return list_named(&json);
	if (optind >= argc)
		return cli_usage_error(&cli_verb_query, "give an SQL statement, '-' to read one from "
				       "standard input, or a query name");
	sql = argv[optind];
	nq = store_named_query_find(sql);
	nargs = argc - optind - 1;
	if (nq) {
		sql = nq->sql;
	} else if (!strcmp(sql, "-")) {
		r = read_stdin(&stdin_sql);
		if (r < 0) {
			fprintf(stderr, "fwbox query: -: %s\n", r == -EFBIG ?
				"the SQL on standard input is longer than 1 MiB" : strerror(-r));
			return CLI_EXIT_FAILURE;
		}
		sql = stdin_sql;
	} else if (is_bare_word(sql)) {
		/* No SQL statement is one bare word that a read-only connection
		 * would run: a mistyped query name, most likely. */
		return unknown_name(sql);
	}

	if (!db) {
		r = store_default_path(ctx, false, &dbpath);
		if (r < 0) {
			ret = cli_error(ctx, "query");
			goto out;
		}
		db = dbpath;
	}
	r = store_open(ctx, db, STORE_OPEN_READONLY, &s);
	if (r < 0) {
		cli_error(ctx, "query");
		goto out;
	}
	catch_query_signals(ctx, s);
	r = store_set_query_limits(s, &limits);
	if (r < 0) {
		cli_fail(ctx, "query", "limits");
		goto out;
	}
	r = store_query_prepare(s, sql, &q);
	if (r < 0) {
		if (nq)
			cli_fail(ctx, "query", "'%s'", nq->name);
		else
			cli_error(ctx, "query");
		goto out;
	}
	if (nq && nargs != store_query_param_count(q)) {
		ret = cli_usage_error(&cli_verb_query, "'%s' takes %d argument%s: %s", nq->name,
				      store_query_param_count(q),
				      store_query_param_count(q) == 1 ? "" : "s", nq->args);
		goto out;
	}
	if (!nq && nargs != store_query_param_count(q)) {
		ret = cli_usage_error(&cli_verb_query, "the SQL has %d parameter%s (?1, ?2...) and "
				      "%d argument%s %s given%s", store_query_param_count(q),
				      store_query_param_count(q) == 1 ? "" : "s", nargs,
				      nargs == 1 ? "" : "s", nargs == 1 ? "was" : "were",
				      nargs && !store_query_param_count(q) && is_bare_word(argv[optind]) ?
				      "" : "; quote the SQL as one argument");
		goto out;
	}
	names = nq ? strdup(nq->args) : NULL;
	for (int i = 0; i < nargs; i++) {
		const char *name = names ? strtok_r(i ? NULL : names, " ", &save) : NULL;

		r = name ? bind_named(ctx, s, q, nq, i + 1, name, argv[optind + 1 + i])
			 : bind_arg(q, i + 1, argv[optind + 1 + i]);
		if (r == CLI_EXIT_USAGE) {
			ret = CLI_EXIT_USAGE;
			goto out;
		}
		if (r < 0) {
			cli_error(ctx, "query");
			goto out;
		}
	}
	switch (fmt) {
	case OUT_CSV:
		r = print_csv(q);
		break;
	case OUT_JSON:
		r = print_json(q, &json) < 0 ? -1 : 0;
		break;
	default:
		r = print_table(q);
		break;
	}
	fflush(stdout);
	if (r < 0 && signal_seen) {
		fprintf(stderr, "fwbox query: interrupted by %s; rows printed before it stay printed\n",
			signal_seen == SIGINT ? "SIGINT" : "SIGTERM");
		ret = 128 + signal_seen;
		goto out;
	}
	if (r < 0 && (fw_ctx_errcode(ctx) == -ETIME || fw_ctx_errcode(ctx) == -ENOMEM)) {
		fprintf(stderr, "fwbox query: %s; rows printed before it stay printed; "
			"raise the limit with %s (0: no limit)\n", fw_ctx_errmsg(ctx),
			fw_ctx_errcode(ctx) == -ETIME ? "--timeout" : "--memory-limit");
		ret = CLI_EXIT_LIMIT;
		goto out;
	}
	if (r < 0) {
		/* The library's message already starts with "query failed". */
		if (nq && strstr(nq->sql, " MATCH ?"))
			cli_fail(ctx, "query", "'%s' (its argument is FTS5 query syntax: "
				 "\"a phrase\", word*, a AND b, a OR b, NOT)", nq->name);
		else if (nq)
			cli_fail(ctx, "query", "'%s'", nq->name);
		else
			cli_error(ctx, "query");
		goto out;
	}
	ret = CLI_EXIT_OK;
out:
	store_query_free(q);
	store_close(s);
	free(names);
	free(stdin_sql);
	free(dbpath);
	return ret;
}

const struct cli_verb cli_verb_query = {
	.name = "query",
	.summary = "run read-only SQL or a named query on the history database",
	.usage = usage,
	.run = run,
};
