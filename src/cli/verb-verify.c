/* SPDX-License-Identifier: MIT */
/* fwbox verify: check bundles completely (index, seal, every member). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"

struct report {
	const char *bundle;
	unsigned problems;
	struct json_object *list;      /* with --json: {member, problem} objects */
};

static void add_problem(struct report *rep, const char *member, const char *why)
{
	struct json_object *p;

	if (!rep->list)
		return;
	p = json_object_new_object();
	json_object_object_add(p, "member", cli_json_text(member));
	json_object_object_add(p, "problem", json_object_new_string(why));
	json_object_array_add(rep->list, p);
}

static void on_problem(void *userdata, const char *member, const char *why)
{
	struct report *rep = userdata;

	rep->problems++;
	add_problem(rep, member, why);
	if (member)
		fprintf(stderr, "fwbox verify: '%s': member '%s': %s\n", rep->bundle, member, why);
	else
		fprintf(stderr, "fwbox verify: '%s': %s\n", rep->bundle, why);
}

/* Library messages about a bundle already name it: do not name it twice. */
static void on_open_error(struct report *rep, struct fw_ctx *ctx)
{
	const char *msg = fw_ctx_errmsg(ctx);

	rep->problems++;
	add_problem(rep, NULL, msg);
	if (strstr(msg, rep->bundle))
		fprintf(stderr, "fwbox verify: %s\n", msg);
	else
		fprintf(stderr, "fwbox verify: '%s': %s\n", rep->bundle, msg);
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		CLI_JSON_LONGOPTS,
		CLI_DB_LONGOPT,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_json json = { 0 };
	bool quiet = false;
	int c, status = CLI_EXIT_OK;

	while ((c = cli_getopt(argc, argv, "q" CLI_JSON_SHORTOPTS, longopts, &json)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		default:
			return cli_option_error(&cli_verb_verify, argv, "q" CLI_JSON_SHORTOPTS);
		}
	}
	if (optind >= argc)
		return cli_usage_error(&cli_verb_verify, "expected at least one BUNDLE");
	for (int i = optind; i < argc; i++) {
		struct report rep = { .bundle = argv[i] };
		struct bundle *b = NULL;
		char uuid[37] = "";
		bool ok = false;
		int r;

		if (json.on)
			rep.list = json_object_new_array();
		fw_ctx_clear_error(ctx);
		r = cli_bundle_open(ctx, argv[i], &b);
		if (r < 0) {
			on_open_error(&rep, ctx);
		} else {
			cli_bundle_uuid(b, uuid);
			r = bundle_verify(b, on_problem, &rep);
			if (r < 0 && !rep.problems)
				on_open_error(&rep, ctx);
			ok = r >= 0;
		}
		if (!ok)
			status = CLI_EXIT_FAILURE;
		if (json.on) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "path", json_object_new_string(argv[i]));
			json_object_object_add(o, "bundle", uuid[0] ? json_object_new_string(uuid) : NULL);
			json_object_object_add(o, "ok", json_object_new_boolean(ok));
			json_object_object_add(o, "artifact_count",
					       b ? cli_json_int((int64_t)bundle_artifact_count(b)) : NULL);
			json_object_object_add(o, "problems", rep.list);
			cli_json_emit(&json, o);
		} else if (!ok) {
			/* As sha256sum -c: one verdict line per bundle on stdout. */
			printf("%s: FAILED\n", argv[i]);
		} else if (!quiet) {
			printf("%s: ok (%zu artifacts)\n", argv[i], bundle_artifact_count(b));
		}
		bundle_close(b);
	}
	return status;
}

const struct cli_verb cli_verb_verify = {
	.name = "verify",
	.summary = "check that bundles are intact",
	.usage = "Usage: fwbox verify [-q|--quiet] [--db PATH] [-j|--json] [-p|--pretty] BUNDLE...\n"
		 "\n"
		 "Check each bundle completely: the index and its seal, then every\n"
		 "member's name, type, size and SHA-256 against the index, and that no\n"
		 "member is missing or extra.  One line per bundle on standard output,\n"
		 "'BUNDLE: ok (N artifacts)' or 'BUNDLE: FAILED'; each problem on\n"
		 "standard error with the member it concerns.  Exit 0 only if every\n"
		 "bundle is intact.\n"
		 "\n"
		 "Options:\n"
		 "  -q, --quiet    print nothing for intact bundles\n"
		 "  --db PATH      history for UUID arguments (fwbox(1) CAPTURES)\n"
		 "  -j, --json     one JSON object per bundle (fields: fwbox-verify(1))\n"
		 "  -p, --pretty   indented JSON; implies --json\n"
		 "  -h, --help     show this help\n",
	.run = run,
};
