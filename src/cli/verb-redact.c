/* SPDX-License-Identifier: MIT */
/* fwbox redact: a bundle that can leave the site, or a preview of one. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/cli.h"

static const char usage_text[] =
	"Usage: fwbox redact BUNDLE [-o PATH] [--map FILE] [--keep KINDS] [--drop KINDS]\n"
	"                    [--mask WORD] [--only KINDS] [--skip KINDS] [--since T]\n"
	"                    [--until T] [--max-size SIZE] [--case-id ID]\n"
	"                    [--compress zstd|gzip|xz|none] [--preview] [-j|--json]\n"
	"                    [-p|--pretty] [-q]\n"
	"       fwbox redact BUNDLE --prove REDACTED [--map FILE] [-j|--json] [-p|--pretty]\n"
	"\n"
	"Write a copy of BUNDLE that can be sent to a vendor: serial numbers, host,\n"
	"domain and user names, MAC addresses, GUIDs, IP addresses, the node\n"
	"description, the kernel command line, the --reason text and every --mask word\n"
	"are replaced by keyed pseudonyms of the same length, in every artifact, binary\n"
	"ones included.  Kinds fwbox cannot check field by field are dropped unless\n"
	"kept with --keep.  The input is checked as 'fwbox verify' checks it.\n"
	"\n"
	"Options:\n"
	"  -o, --output PATH     bundle file (its extension picks the compression),\n"
	"                        folder for the default name\n"
	"                        fwbox-[ID-]redacted-PCI-YYYYMMDDTHHMMSSZ.tar.zst,\n"
	"                        or - for standard output\n"
	"      --map FILE        key and map file (default $FWBOX_REDACT_MAP, else\n"
	"                        ~/.local/share/fwbox/redact.map; made on first use)\n"
	"      --keep KINDS      keep these kinds although fwbox does not know them\n"
	"      --drop KINDS      leave these kinds out\n"
	"      --mask WORD       also replace WORD (3 to 256 bytes) wherever it occurs\n"
	"      --only KINDS      the export holds only these kinds\n"
	"      --skip KINDS      leave these kinds out of the export\n"
	"      --since T         trace events from device timestamp T (decimal or 0x hex)\n"
	"      --until T         trace events up to device timestamp T\n"
	"      --max-size SIZE   drop the largest optional artifacts until the file fits\n"
	"                        (bytes, or with K, M or G)\n"
	"      --case-id ID      vendor case id: in the header and the default file name\n"
	"      --compress METHOD zstd (default), gzip, xz or none\n"
	"      --preview         list every member that would leave and what changes in\n"
	"                        it; write nothing\n"
	"      --prove REDACTED  check that REDACTED was made from BUNDLE: every\n"
	"                        artifact's digest matches; print the salt that lets\n"
	"                        anyone check it without the key\n"
	"  -j, --json            print the report as one JSON object\n"
	"  -p, --pretty          the same, indented\n"
	"  -q, --quiet           print nothing on success\n"
	"  -h, --help            show this help\n"
	"\n"
	"KINDS is a comma list of shell patterns; 'reg' selects every reg.NAME.\n"
	"Options taking KINDS or WORD may be given more than once.\n"
	"Exit status: 0 written (or previewed), 1 failure (nothing written), 2 usage error.\n";

enum {
	OPT_ONLY = 0x100,
	OPT_SKIP,
	OPT_COMPRESS,
	OPT_PREVIEW,
	OPT_PROVE,
};

static const struct option options[] = {
	{ "output", required_argument, NULL, 'o' },
	CLI_REDACT_LONGOPTS,
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "skip", required_argument, NULL, OPT_SKIP },
	{ "compress", required_argument, NULL, OPT_COMPRESS },
	{ "preview", no_argument, NULL, OPT_PREVIEW },
	{ "prove", required_argument, NULL, OPT_PROVE },
	CLI_JSON_LONGOPTS,
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/* One object per run (fwbox(1) JSON OUTPUT); rep is NULL when nothing was
 * written, err then the failure. */
static void print_json(const struct cli_json *json, struct fw_ctx *ctx,
		       const struct redact_report *rep, const char *input, bool preview, int status)
{
	struct json_object *j = json_object_new_object(), *a;
	char uuid[40], hex[FW_SHA256_HEX];

	json_object_object_add(j, "input", cli_json_text(input));
	json_object_object_add(j, "path", cli_json_text(rep ? rep->output : NULL));
	json_object_object_add(j, "preview", json_object_new_boolean(preview));
	if (rep && !preview) {
		snprintf(uuid, sizeof(uuid),
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			 rep->uuid[0], rep->uuid[1], rep->uuid[2], rep->uuid[3], rep->uuid[4],
			 rep->uuid[5], rep->uuid[6], rep->uuid[7], rep->uuid[8], rep->uuid[9],
			 rep->uuid[10], rep->uuid[11], rep->uuid[12], rep->uuid[13], rep->uuid[14],
			 rep->uuid[15]);
		json_object_object_add(j, "bundle", cli_json_text(uuid));
		json_object_object_add(j, "bytes", cli_json_int((int64_t)rep->out_bytes));
	} else {
		json_object_object_add(j, "bundle", NULL);
		json_object_object_add(j, "bytes", NULL);
	}
	json_object_object_add(j, "exit", cli_json_int(status));
	json_object_object_add(j, "error", rep ? NULL : cli_json_text(fw_ctx_errmsg(ctx)));
	json_object_object_add(j, "errno", rep ? NULL : cli_json_int(-fw_ctx_errcode(ctx)));
	json_object_object_add(j, "map", cli_json_text(rep ? rep->map_path : NULL));
	json_object_object_add(j, "key_id", rep && !rep->key_ephemeral ? cli_json_text(rep->key_id) : NULL);
	json_object_object_add(j, "key_created", rep ? json_object_new_boolean(rep->key_created) : NULL);
	json_object_object_add(j, "policy", cli_json_text(rep ? rep->policy : NULL));
	json_object_object_add(j, "case_id", cli_json_text(rep ? rep->case_id : NULL));
	a = json_object_new_array();
	for (size_t i = 0; rep && i < rep->n_idents; i++) {
		const struct redact_ident_info *x = &rep->idents[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "type", cli_json_text(x->type));
		json_object_object_add(o, "value", cli_json_text(x->value));
		json_object_object_add(o, "pseudonym", cli_json_text(x->pseudonym));
		json_object_object_add(o, "found_in", cli_json_text(x->sources));
		json_object_object_add(o, "occurrence_count", cli_json_int((int64_t)x->hits));
		json_object_object_add(o, "searched", json_object_new_boolean(x->searched));
		json_object_array_add(a, o);
	}
	json_object_object_add(j, "identifiers", a);
	a = json_object_new_array();
	for (size_t i = 0; rep && i < rep->n_fields; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "field", cli_json_text(rep->fields[i].field));
		json_object_object_add(o, "change", cli_json_text(rep->fields[i].change));
		json_object_array_add(a, o);
	}
	json_object_object_add(j, "index_fields", a);
	a = json_object_new_array();
	for (size_t i = 0; rep && i < rep->n_members; i++) {
		const struct redact_member_info *m = &rep->members[i];
		struct json_object *o = json_object_new_object();

		fw_sha256_hex(m->sha256, hex);
		json_object_object_add(o, "kind", cli_json_text(m->kind));
		json_object_object_add(o, "path", cli_json_text(m->path));
		json_object_object_add(o, "action", cli_json_text(redact_action_name(m->action)));
		json_object_object_add(o, "bytes", cli_json_int((int64_t)m->size));
		json_object_object_add(o, "kept_bytes", cli_json_int((int64_t)m->out_size));
		json_object_object_add(o, "field_count", cli_json_int(m->fields));
		json_object_object_add(o, "occurrence_count", cli_json_int((int64_t)m->hits));
		json_object_object_add(o, "changed_bytes", cli_json_int((int64_t)m->bytes_changed));
		json_object_object_add(o, "trace_cut_count", cli_json_int((int64_t)m->cut));
		json_object_object_add(o, "dropped_for_size", json_object_new_boolean(m->size_cut));
		json_object_object_add(o, "sha256", cli_json_text(hex));
		json_object_object_add(o, "reason", cli_json_text(m->why));
		json_object_array_add(a, o);
	}
	json_object_object_add(j, "artifacts", a);
	cli_json_emit(json, j);
}

static void print_text(const struct redact_report *rep, bool preview)
{
	size_t n[3] = { 0 };
	int kw = 4;

	if (preview)
		printf("Preview of '%s': nothing is written.\n", rep->input);
	printf("Output:   %s%s\n", rep->output, preview ? " (would be written)" : "");
	if (rep->key_ephemeral)
		printf("Key:      %s does not exist yet (made on the first real run); the\n"
		       "          pseudonyms below come from a throw-away key\n",
		       rep->map_path);
	else
		printf("Key:      %s (id %s)%s\n", rep->map_path, rep->key_id,
		       rep->key_created ? ", created now" : "");
	printf("Policy:   %s\n", rep->policy);
	if (rep->case_id)
		printf("Case:     %s\n", rep->case_id);
	printf("\nIdentifiers (%zu):\n", rep->n_idents);
	for (size_t i = 0; i < rep->n_idents; i++) {
		const struct redact_ident_info *x = &rep->idents[i];
		/* A kernel command line is long: its start tells which it is
		 * (the JSON has it whole). */
		int w = 60, vl = (int)strlen(x->value), pl = (int)strlen(x->pseudonym);

		printf("  %-9s %.*s%s -> %.*s%s  (%" PRIu64 " occurrence%s; found in %s%s)\n",
		       x->type, w, x->value, vl > w ? "..." : "", w, x->pseudonym,
		       pl > w ? "..." : "", x->hits, x->hits == 1 ? "" : "s", x->sources,
		       x->searched ? "" : "; too short to search for elsewhere");
	}
	if (rep->n_fields)
		printf("\nIndex fields:\n");
	for (size_t i = 0; i < rep->n_fields; i++)
		printf("  %-17s %s\n", rep->fields[i].field, rep->fields[i].change);
	for (size_t i = 0; i < rep->n_members; i++) {
		int l = (int)strlen(rep->members[i].kind);

		if (l > kw)
			kw = l;
	}
	printf("\nMembers (%zu):\n  %-*s %10s  %-8s  %s\n", rep->n_members, kw, "KIND", "SIZE",
	       "ACTION", "WHAT AND WHY");
	for (size_t i = 0; i < rep->n_members; i++) {
		const struct redact_member_info *m = &rep->members[i];

		n[m->action]++;
		printf("  %-*s %10" PRIu64 "  %-8s  %s\n", kw, m->kind, m->size,
		       redact_action_name(m->action), m->why);
	}
	printf("\n%zu redacted, %zu verbatim, %zu dropped", n[REDACT_REDACTED], n[REDACT_VERBATIM],
	       n[REDACT_DROPPED]);
	if (!preview)
		printf("; %" PRIu64 " bytes written", rep->out_bytes);
	printf(".\n");
}

static int prove(struct fw_ctx *ctx, const struct cli_json *json, const char *original,
		 const char *redacted, const char *map)
{
	struct redact_proof *p = NULL;
	int r = redact_prove(ctx, original, redacted, map, &p);

	if (r < 0 && !p) {
		if (json->on) {
			struct json_object *j = json_object_new_object();

			json_object_object_add(j, "input", cli_json_text(original));
			json_object_object_add(j, "path", cli_json_text(redacted));
			json_object_object_add(j, "ok", json_object_new_boolean(false));
			json_object_object_add(j, "salt", NULL);
			json_object_object_add(j, "artifacts", json_object_new_array());
			json_object_object_add(j, "exit", cli_json_int(CLI_EXIT_FAILURE));
			json_object_object_add(j, "error", cli_json_text(fw_ctx_errmsg(ctx)));
			json_object_object_add(j, "errno", cli_json_int(-fw_ctx_errcode(ctx)));
			cli_json_emit(json, j);
		}
		return cli_error(ctx, "redact");
	}
	if (json->on) {
		struct json_object *j = json_object_new_object(), *a = json_object_new_array();

		json_object_object_add(j, "input", cli_json_text(original));
		json_object_object_add(j, "path", cli_json_text(redacted));
		json_object_object_add(j, "ok", json_object_new_boolean(r == 0));
		json_object_object_add(j, "salt", cli_json_text(p->salt));
		for (size_t i = 0; i < p->n_items; i++) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "kind", cli_json_text(p->items[i].kind));
			json_object_object_add(o, "path", cli_json_text(p->items[i].path));
			json_object_object_add(o, "match", json_object_new_boolean(p->items[i].match));
			json_object_array_add(a, o);
		}
		json_object_object_add(j, "artifacts", a);
		json_object_object_add(j, "exit", cli_json_int(r ? CLI_EXIT_FAILURE : CLI_EXIT_OK));
		json_object_object_add(j, "error", r ? cli_json_text(fw_ctx_errmsg(ctx)) : NULL);
		json_object_object_add(j, "errno", r ? cli_json_int(-fw_ctx_errcode(ctx)) : NULL);
		cli_json_emit(json, j);
	} else {
		printf("salt: %s\n", p->salt);
		for (size_t i = 0; i < p->n_items; i++)
			if (!p->items[i].match)
				printf("does not match: %s (%s)\n", p->items[i].kind, p->items[i].path);
		printf("%zu of %zu artifact digests of '%s' match '%s'.\n", p->matched, p->n_items,
		       redacted, original);
	}
	if (r < 0)
		cli_error(ctx, "redact");
	redact_proof_free(p);
	return r < 0 ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const char optstring[] = "o:qh" CLI_JSON_SHORTOPTS;
	struct cli_redact_args ra = { .o.compression = BUNDLE_COMPRESS_ZSTD };
	struct redact_report *rep = NULL;
	struct cli_json json = { 0 };
	char *only = NULL, *skip = NULL, tmpdir[4096] = "";
	const char *output = NULL, *input = NULL, *proof = NULL;
	bool quiet = false, compress_given = false, to_stdout;
	int c, r, opt_status, status = CLI_EXIT_USAGE;

	while ((c = cli_getopt(argc, argv, optstring, options, &json)) != -1) {
		r = 0;
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case OPT_ONLY:
			r = cli_append_list(&only, optarg);
			break;
		case OPT_SKIP:
			r = cli_append_list(&skip, optarg);
			break;
		case OPT_COMPRESS:
			if (bundle_compression_parse(optarg, &ra.o.compression) < 0) {
				cli_usage_error(&cli_verb_redact,
						"--compress '%s': use zstd, gzip, xz or none", optarg);
				goto out;
			}
			compress_given = true;
			break;
		case OPT_PREVIEW:
			ra.o.preview = true;
			break;
		case OPT_PROVE:
			proof = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			status = cli_help(&cli_verb_redact);
			goto out;
		default:
			if (cli_redact_option(&cli_verb_redact, &ra, c, optarg, &opt_status)) {
				if (opt_status) {
					status = opt_status;
					goto out;
				}
				break;
			}
			status = cli_option_error(&cli_verb_redact, argv, optstring);
			goto out;
		}
		if (r == -EINVAL) {
			cli_usage_error(&cli_verb_redact, "option '%s' needs a non-empty argument",
					argv[optind - 1]);
			goto out;
		}
		if (r < 0) {
			status = cli_fail(NULL, "redact", "out of memory");
			goto out;
		}
	}
	if (optind >= argc) {
		cli_usage_error(&cli_verb_redact, "expected a BUNDLE");
		goto out;
	}
	if (optind + 1 < argc) {
		cli_usage_error(&cli_verb_redact, "one BUNDLE at a time: '%s' is extra", argv[optind + 1]);
		goto out;
	}
	input = argv[optind];
	if (proof) {
		status = prove(ctx, &json, input, proof, ra.o.map_path);
		goto out;
	}
	ra.o.only = only;
	ra.o.skip = skip;
	r = cli_pick_compression(&cli_verb_redact, output, compress_given, &ra.o.compression);
	if (r) {
		status = r;
		goto out;
	}
	if (redact_options_check(ctx, &ra.o) < 0) {
		cli_usage_error(&cli_verb_redact, "%s", fw_ctx_errmsg(ctx));
		goto out;
	}
	to_stdout = output && !strcmp(output, "-") && !ra.o.preview;
	if (to_stdout && json.on) {
		cli_usage_error(&cli_verb_redact,
				"-o - writes the bundle to standard output, where --json would print "
				"too: give -o FILE with --json");
		goto out;
	}
	if (to_stdout && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "fwbox redact: -o -: standard output is a terminal; redirect it "
			"to a file or a pipe, or give -o FILE\n");
		status = CLI_EXIT_FAILURE;
		goto out;
	}
	if (to_stdout) {
		/* Written complete in a private folder, then copied: a reader
		 * never sees half a bundle. */
		const char *t = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/fwbox-redact-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(tmpdir)) {
			fprintf(stderr, "fwbox redact: -o -: cannot make a temporary folder '%s': %s\n",
				tmpdir, strerror(errno));
			tmpdir[0] = '\0';
			status = CLI_EXIT_FAILURE;
			goto out;
		}
		output = tmpdir;
	} else if (ra.o.preview && output && !strcmp(output, "-")) {
		output = NULL;
	}
	cli_catch_signals(ctx);
	r = redact_bundle(ctx, input, output, &ra.o, &rep);
	if (r < 0) {
		status = CLI_EXIT_FAILURE;
		if (json.on)
			print_json(&json, ctx, NULL, input, ra.o.preview, status);
		cli_error(ctx, "redact");
		goto out;
	}
	status = CLI_EXIT_OK;
	if (to_stdout) {
		r = cli_copy_to_stdout(rep->output);
		if (r < 0) {
			fprintf(stderr, "fwbox redact: writing the bundle to standard output: %s\n",
				strerror(-r));
			status = CLI_EXIT_FAILURE;
		}
		unlink(rep->output);
	} else if (json.on) {
		print_json(&json, ctx, rep, input, ra.o.preview, status);
	} else if (ra.o.preview || !quiet) {
		print_text(rep, ra.o.preview);
	}
out:
	if (tmpdir[0])
		rmdir(tmpdir);
	redact_report_free(rep);
	free(only);
	free(skip);
	cli_redact_args_free(&ra);
	return status;
}

const struct cli_verb cli_verb_redact = {
	.name = "redact",
	.summary = "write a copy of a bundle that can leave the site",
	.usage = usage_text,
	.run = run,
};
