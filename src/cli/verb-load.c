/* SPDX-License-Identifier: MIT */
/* fwbox load: verify bundles and insert them into the history database. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "cli/cli.h"

static const char usage[] =
	"Usage: fwbox load [--db PATH] [-q|--quiet] [-j|--json] [-p|--pretty] BUNDLE|DIR...\n"
	"\n"
	"Verify each bundle and load it into the history database, one\n"
	"transaction per bundle.  A bundle that fails verification is rejected\n"
	"and nothing of it is stored; a bundle already in the history is\n"
	"skipped.  A folder loads every regular file in it (not in its\n"
	"subfolders) whose name contains '.tar' and does not start with '.',\n"
	"oldest capture first; a folder with none is an error.\n"
	"Several loaders may share one database.\n"
	"\n"
	"Options:\n"
	"  --db PATH    history database (default $FWBOX_DB, else\n"
	"               $XDG_DATA_HOME/fwbox/history.db; created if absent)\n"
	"  -q, --quiet  no progress and no line per loaded bundle\n"
	"  -j, --json   one JSON object per bundle (fields: fwbox-load(1))\n"
	"  -p, --pretty indented JSON; implies --json\n"
	"  -h, --help   show this help\n"
	"\n"
	"Exit status: 0 every bundle loaded (or already there), 1 none loaded,\n"
	"2 usage, 3 some loaded and some rejected or interrupted.  Steps that\n"
	"failed inside a loaded bundle are data (query failed-steps), not an\n"
	"error.  A part of a loaded bundle that cannot be decoded (say a partial\n"
	"'trace.cap') is skipped with a warning on stderr; it does not change\n"
	"the exit status.\n";

struct tally {
	unsigned loaded, already, rejected, interrupted, empty;
	bool quiet;
	struct cli_json json;
};

/* --json: one object per bundle, whatever became of it. */
static void print_json(struct tally *t, const char *path, const char *status,
		       const struct store_load_result *res, const char *error)
{
	struct json_object *o = json_object_new_object();
	bool loaded = res && !strcmp(status, "loaded");

#define COUNT(name, v) json_object_object_add(o, name, loaded ? cli_json_int((int64_t)(v)) : NULL)
	json_object_object_add(o, "path", json_object_new_string(path));
	json_object_object_add(o, "bundle", res ? json_object_new_string(res->uuid) : NULL);
	json_object_object_add(o, "status", json_object_new_string(status));
	json_object_object_add(o, "error", cli_json_text_or_null(error));
	COUNT("artifact_count", res->stats.artifacts);
	COUNT("trace_event_count", res->stats.trace_events);
	COUNT("register_field_count", res->stats.register_fields);
	COUNT("crspace_word_count", res->stats.crspace_words);
	COUNT("segment_count", res->stats.segments);
	COUNT("health_item_count", res->stats.health);
	COUNT("problem_count", res->problems);
#undef COUNT
	json_object_object_add(o, "first_problem",
			       loaded && res->problems ? cli_json_text(res->first_problem) : NULL);
	cli_json_emit(&t->json, o);
}

static void load_one(struct fw_ctx *ctx, struct store *s, const char *path, struct tally *t)
{
	struct store_load_result res;
	int r;

	fw_ctx_clear_error(ctx);
	r = store_load_bundle(s, path, &res);
	cli_progress_clear();
	if (r < 0 && fw_ctx_cancelled(ctx)) {
		/* A signal is not a verification failure: say only that. */
		fprintf(stderr, "fwbox load: interrupted: nothing of '%s' was loaded\n", path);
		if (t->json.on)
			print_json(t, path, "interrupted", NULL, "interrupted");
		t->interrupted++;
		return;
	}
	if (r < 0) {
		const char *msg = fw_ctx_errmsg(ctx);
		size_t n = strlen(path);

		/* The file name once: the reader's message often starts with it. */
		if (msg[0] == '\'' && !strncmp(msg + 1, path, n) && msg[n + 1] == '\'')
			fprintf(stderr, "fwbox load: rejected %s\n", msg);
		else
			fprintf(stderr, "fwbox load: rejected '%s': %s\n", path, msg);
		if (t->json.on)
			print_json(t, path, "rejected", NULL, fw_ctx_errmsg(ctx));
		t->rejected++;
		return;
	}
	if (t->json.on)
		print_json(t, path, res.status == STORE_LOAD_ALREADY ? "already" : "loaded", &res,
			   NULL);
	if (res.status == STORE_LOAD_ALREADY) {
		if (!t->quiet && !t->json.on)
			printf("already loaded: %s '%s'\n", res.uuid, path);
		t->already++;
		return;
	}
	if (!t->quiet && !t->json.on)
		printf("loaded %s '%s': %llu artifacts, %llu trace events, %llu register fields, "
		       "%llu CR-space words, %llu segments, %llu health items\n", res.uuid, path,
		       (unsigned long long)res.stats.artifacts,
		       (unsigned long long)res.stats.trace_events,
		       (unsigned long long)res.stats.register_fields,
		       (unsigned long long)res.stats.crspace_words,
		       (unsigned long long)res.stats.segments, (unsigned long long)res.stats.health);
	if (res.problems)
		fprintf(stderr, "fwbox load: warning: '%s': %llu decoding problem%s (those parts were "
			"skipped or kept raw, the rest is loaded); first: %s\n", path,
			(unsigned long long)res.problems, res.problems == 1 ? "" : "s",
			res.first_problem);
	t->loaded++;
}

/* A bundle of a folder: its name, and when it was collected (from its
 * index; unreadable ones sort last, by name, and are rejected in turn). */
struct dir_entry {
	char *path;
	uint64_t created_ns;
	bool readable;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct dir_entry *x = a, *y = b;

	if (x->readable != y->readable)
		return x->readable ? -1 : 1;
	if (x->readable && x->created_ns != y->created_ns)
		return x->created_ns < y->created_ns ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Every bundle-looking file of a folder, oldest capture first, so a card's
 * captures go into the history in the order they were taken. */
static void load_dir(struct fw_ctx *ctx, struct store *s, const char *dir, struct tally *t)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct dir_entry *list = NULL;
	size_t n = 0, cap = 0;

	if (!d) {
		fprintf(stderr, "fwbox load: cannot read folder '%s': %s\n", dir, strerror(errno));
		t->rejected++;
		return;
	}
	while ((de = readdir(d))) {
		struct bundle *b = NULL;
		struct stat st;
		char *p;

		if (de->d_name[0] == '.' || !strstr(de->d_name, ".tar"))
			continue;
		if (asprintf(&p, "%s/%s", dir, de->d_name) < 0)
			p = NULL;
		if (p && (stat(p, &st) < 0 || !S_ISREG(st.st_mode))) {
			free(p);
			continue;
		}
		/* Loading only part of the folder without a word would lose
		 * bundles: out of memory is said and counted. */
		if (!p || fw_grow((void **)&list, &cap, n + 1, sizeof(*list), 0) < 0) {
			fprintf(stderr, "fwbox load: out of memory listing folder '%s'\n", dir);
			t->rejected++;
			free(p);
			break;
		}
		list[n].path = p;
		list[n].readable = bundle_open(ctx, p, &b) >= 0;
		list[n].created_ns = list[n].readable ? bundle_get_header(b)->created_ns : 0;
		bundle_close(b);
		fw_ctx_clear_error(ctx);
		n++;
	}
	closedir(d);
	if (!n) {
		fprintf(stderr, "fwbox load: no bundles in '%s'\n", dir);
		t->empty++;
		free(list);
		return;
	}
	qsort(list, n, sizeof(*list), cmp_entry);
	for (size_t i = 0; i < n; i++) {
		if (!fw_ctx_cancelled(ctx))
			load_one(ctx, s, list[i].path, t);
		free(list[i].path);
	}
	free(list);
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		CLI_JSON_LONGOPTS,
		{}
	};
	struct tally t = { 0 };
	struct store *s = NULL;
	const char *db = NULL;
	char *dbpath = NULL;
	int c, r;

	while ((c = cli_getopt(argc, argv, "qh" CLI_JSON_SHORTOPTS, opts, &t.json)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'q':
			t.quiet = true;
			break;
		case 'h':
			return cli_help(&cli_verb_load);
		default:
			return cli_option_error(&cli_verb_load, argv, "qh" CLI_JSON_SHORTOPTS);
		}
	}
	if (optind >= argc)
		return cli_usage_error(&cli_verb_load, "give at least one bundle or folder");
	if (!db) {
		r = store_default_path(ctx, true, &dbpath);
		if (r < 0)
			return cli_fail(ctx, "load", "no database");
		db = dbpath;
	}
	r = store_open(ctx, db, 0, &s);
	if (r < 0) {
		free(dbpath);
		return cli_error(ctx, "load");
	}
	if (cli_progress_wanted(t.quiet))
		cli_enable_progress(ctx);
	cli_catch_signals(ctx);

	for (int i = optind; i < argc && !fw_ctx_cancelled(ctx); i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			load_dir(ctx, s, argv[i], &t);
		else
			load_one(ctx, s, argv[i], &t);
	}
	store_close(s);
	free(dbpath);
	if (!t.quiet && (t.rejected || t.loaded + t.already > 1))
		fprintf(stderr, "fwbox load: %u loaded, %u already loaded, %u rejected\n",
			t.loaded, t.already, t.rejected);
	if (!t.loaded && !t.already)
		return CLI_EXIT_FAILURE; /* every argument yielded nothing */
	if (!t.rejected && !t.interrupted && !t.empty)
		return CLI_EXIT_OK;
	return t.loaded + t.already ? CLI_EXIT_PARTIAL : CLI_EXIT_FAILURE;
}

const struct cli_verb cli_verb_load = {
	.name = "load",
	.summary = "verify bundles and load them into the history database",
	.usage = usage,
	.run = run,
};
