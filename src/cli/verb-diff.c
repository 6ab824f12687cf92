/* SPDX-License-Identifier: MIT */
/* fwbox diff: what changed between two captures. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "cli/cli.h"

static const char usage[] =
	"Usage: fwbox diff [--db PATH] [-j|--json] [-p|--pretty] A B\n"
	"\n"
	"Compare capture A with capture B: steps whose outcome changed,\n"
	"register fields that changed, CR-space words that changed (count and\n"
	"list), and the trace formats B has and A lacks and those A has and B\n"
	"lacks, each with its count of messages and the range of each parameter\n"
	"(every source matched to its format; a message kept as text is known\n"
	"when it renders a format of the other capture).  A warning says when A\n"
	"and B are captures of different cards.\n"
	"A and B are bundle files or bundle UUIDs (or unique UUID prefixes) in\n"
	"the history database.  Bundle files already in the history are taken\n"
	"from it; others are verified and loaded into a temporary in-memory\n"
	"database (then both must be files).\n"
	"\n"
	"Options:\n"
	"  --db PATH    history database (default $FWBOX_DB, else\n"
	"               $XDG_DATA_HOME/fwbox/history.db)\n"
	"  -j, --json     one JSON object (fields: fwbox-diff(1))\n"
	"  -p, --pretty   indented JSON; implies --json\n"
	"  -h, --help     show this help\n"
	"\n"
	"Exit status, as diff(1) and cmp(1): 0 the captures are the same, 1 they\n"
	"differ, 2 trouble (usage error or failure).\n";

struct out {
	struct cli_json json;
	FILE *steps, *fields, *words, *messages, *gone;
	char *steps_buf, *fields_buf, *words_buf, *messages_buf, *gone_buf;
	size_t steps_len, fields_len, words_len, messages_len, gone_len;
	struct json_object *j_steps, *j_fields, *j_words, *j_messages, *j_gone;
	struct json_object *j_cards;
};

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* A stored value as regs prints it in JSON: an integer when it is one
 * (the store keeps integer fields as integers), else the text. */
static struct json_object *jvalue(const char *s)
{
	char *end;
	long long v;

	if (!s)
		return NULL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s && !*end && !errno && (*s == '-' || isdigit((unsigned char)*s)) &&
	    v < (1LL << 53) && v > -(1LL << 53))
		return cli_json_int(v);
	return json_object_new_string(s);
}

static int on_step(void *u, const struct store_diff_step *d)
{
	struct out *o = u;

	if (o->json.on) {
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "kind", jstr(d->kind));
		json_object_object_add(x, "outcome_a", jstr(d->a));
		json_object_object_add(x, "outcome_b", jstr(d->b));
		json_object_object_add(x, "reason_b", d->b_reason && *d->b_reason ? jstr(d->b_reason)
										  : NULL);
		json_object_array_add(o->j_steps, x);
		return 0;
	}
	fprintf(o->steps, "  %s: %s -> %s", d->kind, d->a ? d->a : "(absent)",
		d->b ? d->b : "(absent)");
	if (d->b_reason && *d->b_reason)
		fprintf(o->steps, " (%s)", d->b_reason);
	fputc('\n', o->steps);
	return 0;
}

/* A register value as regs prints it: in its field's base or unit
 * (regcat.def), the enum name first. */
static void field_value(FILE *f, const char *reg, const char *field, const char *v, const char *e)
{
	const struct regcat_field *cf = regcat_field(regcat_by_name(reg), field);
	char buf[96], *end;
	unsigned long long n;

	if (!v) {
		fputs("(absent)", f);
		return;
	}
	errno = 0;
	n = strtoull(v, &end, 10);
	if (cf && cf->type == REGCAT_UINT && *v && !*end && !errno && isdigit((unsigned char)*v)) {
		regs_uint_text(n, cf->show, e, buf, sizeof(buf));
		fputs(buf, f);
		return;
	}
	fputs(v, f);
	if (e)
		fprintf(f, " (%s)", e);
}

static int on_field(void *u, const struct store_diff_field *d)
{
	struct out *o = u;

	if (o->json.on) {
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "register", jstr(d->reg));
		json_object_object_add(x, "instance", cli_json_int(d->instance));
		json_object_object_add(x, "field", jstr(d->field));
		json_object_object_add(x, "value_a", jvalue(d->a));
		json_object_object_add(x, "value_b", jvalue(d->b));
		json_object_object_add(x, "enum_a", jstr(d->a_enum));
		json_object_object_add(x, "enum_b", jstr(d->b_enum));
		json_object_array_add(o->j_fields, x);
		return 0;
	}
	fprintf(o->fields, "  %s[%u].%s: ", d->reg, d->instance, d->field);
	field_value(o->fields, d->reg, d->field, d->a, d->a_enum);
	fputs(" -> ", o->fields);
	field_value(o->fields, d->reg, d->field, d->b, d->b_enum);
	fputc('\n', o->fields);
	return 0;
}

static int on_word(void *u, const struct store_diff_word *w)
{
	struct out *o = u;
	char a[16] = "(absent)", b[16] = "(absent)";

	if (w->has_a)
		snprintf(a, sizeof(a), "0x%08x", w->a);
	if (w->has_b)
		snprintf(b, sizeof(b), "0x%08x", w->b);
	if (o->json.on) {
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "kind", jstr(w->source));
		json_object_object_add(x, "address", cli_json_int((int64_t)w->address));
		json_object_object_add(x, "value_a", w->has_a ? cli_json_int(w->a) : NULL);
		json_object_object_add(x, "value_b", w->has_b ? cli_json_int(w->b) : NULL);
		json_object_array_add(o->j_words, x);
		return 0;
	}
	fprintf(o->words, "  %s 0x%08" PRIx64 ": %s -> %s\n", w->source, w->address, a, b);
	return 0;
}

static int on_header(void *u, const struct store_diff_header *h)
{
	struct out *o = u;

	if (o->json.on) {
		o->j_cards = json_object_new_object();
		json_object_object_add(o->j_cards, "device_a", jstr(h->a_device));
		json_object_object_add(o->j_cards, "device_b", jstr(h->b_device));
		json_object_object_add(o->j_cards, "same_card", json_object_new_boolean(h->same_card));
	}
	if (!h->same_card)
		cli_warn("diff", "A and B are captures of different cards ('%s', '%s'): their "
			 "differences include those between the cards",
			 h->a_device ? h->a_device : "unknown", h->b_device ? h->b_device : "unknown");
	return 0;
}

static int on_message(void *u, const struct store_diff_message *m)
{
	struct out *o = u;
	FILE *f = m->change == STORE_DIFF_NEW ? o->messages : o->gone;

	if (o->json.on) {
		struct json_object *x = json_object_new_object();
		struct json_object *ranges = json_object_new_array();

		json_object_object_add(x, "format", jstr(m->format));
		json_object_object_add(x, "count", cli_json_int((int64_t)m->count));
		json_object_object_add(x, "example", jstr(m->example));
		json_object_object_add(x, "matched", json_object_new_boolean(!m->text));
		for (unsigned i = 0; i < m->nparams; i++) {
			struct json_object *r = json_object_new_array();

			json_object_array_add(r, cli_json_int(m->min[i]));
			json_object_array_add(r, cli_json_int(m->max[i]));
			json_object_array_add(ranges, r);
		}
		json_object_object_add(x, "parameters", ranges);
		json_object_array_add(m->change == STORE_DIFF_NEW ? o->j_messages : o->j_gone, x);
		return 0;
	}
	fprintf(f, "  %" PRIu64 "x %s", m->count, m->format);
	for (unsigned i = 0; i < m->nparams; i++) {
		/* In the base the format prints the parameter in. */
		bool hex = m->conv[i] && strchr("xXp", m->conv[i]);
		const char *sep = i ? ", " : " [";

		if (hex && m->min[i] == m->max[i])
			fprintf(f, "%s0x%" PRIx64, sep, (uint64_t)m->min[i]);
		else if (hex)
			fprintf(f, "%s0x%" PRIx64 "..0x%" PRIx64, sep, (uint64_t)m->min[i],
				(uint64_t)m->max[i]);
		else if (m->min[i] == m->max[i])
			fprintf(f, "%s%" PRId64, sep, m->min[i]);
		else
			fprintf(f, "%s%" PRId64 "..%" PRId64, sep, m->min[i], m->max[i]);
	}
	fprintf(f, "%s (e.g. %s)\n", m->nparams ? "]" : "", m->example ? m->example : "");
	return 0;
}

static bool is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int file_sha256(struct fw_ctx *ctx, const char *path, uint8_t out[FW_SHA256_LEN])
{
	struct fw_sha256 *h = NULL;
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;
	int r;

	if (!f)
		return fw_error(ctx, -errno, "cannot open '%s': %s", path, strerror(errno));
	r = fw_sha256_new(&h);
	while (r >= 0 && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		r = fw_sha256_update(h, buf, n);
	if (r >= 0 && ferror(f))
		r = fw_error(ctx, -EIO, "cannot read '%s'", path);
	if (r >= 0)
		r = fw_sha256_final(h, out);
	fw_sha256_free(h);
	fclose(f);
	return r;
}

static char *bundle_uuid(struct store *s, int64_t id)
{
	struct store_query *q;
	char *u = NULL;

	if (store_query_prepare(s, "SELECT uuid FROM bundles WHERE id = ?", &q) < 0)
		return NULL;
	store_query_bind_int(q, 1, id);
	if (store_query_step(q) == 1)
		u = strdup(store_query_column_text(q, 0));
	store_query_free(q);
	return u;
}

/* Resolve A and B to ids in one store: the history if both are there,
 * else a temporary in-memory store holding both files. */
static int resolve(struct fw_ctx *ctx, const char *db, char *const arg[2], struct store **ret_s,
		   int64_t id[2])
{
	struct store *hist = NULL, *mem = NULL;
	bool found[2] = { false, false };
	char why[256] = "";
	char *shown = NULL;
	int r = 0;

	/* Neither a file nor a UUID: say that, not "not in the history". */
	for (int i = 0; i < 2; i++)
		if (!is_file(arg[i]) && !store_is_capture_key(arg[i]))
			return fw_error(ctx, -ENOENT, "'%s' does not exist, and is not a bundle UUID",
					arg[i]);
	if (store_open(ctx, db, STORE_OPEN_READONLY, &hist) < 0) {
		hist = NULL;
		snprintf(why, sizeof(why), "%s", fw_ctx_errmsg(ctx));
		fw_ctx_clear_error(ctx);
	}
	for (int i = 0; i < 2 && hist; i++) {
		uint8_t sha[FW_SHA256_LEN];

		if (is_file(arg[i])) {
			r = file_sha256(ctx, arg[i], sha);
			if (r < 0)
				goto fail;
			found[i] = store_find_bundle_sha(hist, sha, &id[i]) == 0;
		} else {
			r = store_find_bundle(hist, arg[i], &id[i]);
			if (r < 0)
				goto fail;
			found[i] = true;
		}
	}
	if (found[0] && found[1]) {
		*ret_s = hist;
		return 0;
	}
	for (int i = 0; i < 2; i++) {
		if (!is_file(arg[i])) {
			r = hist ? fw_error(ctx, -EINVAL, "'%s' is in the history but '%s' is a file "
					    "that is not: load it first with 'fwbox load', or give "
					    "both as files", arg[i], arg[1 - i])
				 : fw_error(ctx, -ENOENT, "'%s' is not a file, and the history "
					    "'%s' cannot be read: %s", arg[i],
					    (shown = store_target_display(db)) ? shown : "?", why);
			goto fail;
		}
	}
	r = store_open(ctx, ":memory:", 0, &mem);
	if (r < 0)
		goto fail;
	for (int i = 0; i < 2; i++) {
		struct store_load_result res;

		r = store_load_bundle(mem, arg[i], &res);
		if (r < 0) {
			fw_error_prefix(ctx, r, "'%s'", arg[i]);
			goto fail;
		}
		r = store_find_bundle(mem, res.uuid, &id[i]);
		if (r < 0)
			goto fail;
	}
	store_close(hist);
	*ret_s = mem;
	return 0;
fail:
	free(shown);
	store_close(mem);
	store_close(hist);
	return r;
}

static void section(const char *title, uint64_t n, FILE *f, char **buf)
{
	fclose(f);
	printf("%s: %" PRIu64 "\n", title, n);
	fputs(*buf, stdout);
	free(*buf);
	*buf = NULL;
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		CLI_JSON_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	static const struct store_diff_visitor v = {
		.header = on_header,
		.field = on_field,
		.word = on_word,
		.message = on_message,
		.step = on_step,
	};
	struct store_diff_counts counts;
	struct out o = { 0 };
	struct store *s = NULL;
	const char *db = NULL;
	char *dbpath = NULL, *ua = NULL, *ub = NULL;
	int64_t id[2];
	bool differ;
	/* As diff(1): 1 means "different", so trouble is 2. */
	int c, r, ret = CLI_EXIT_USAGE;

	while ((c = cli_getopt(argc, argv, "h" CLI_JSON_SHORTOPTS, opts, &o.json)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			return cli_help(&cli_verb_diff);
		default:
			return cli_option_error(&cli_verb_diff, argv, "h" CLI_JSON_SHORTOPTS);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(&cli_verb_diff, "give two bundles (files or UUIDs)");
	if (!db) {
		r = store_default_path(ctx, false, &dbpath);
		if (r < 0) {
			cli_fail(ctx, "diff", "no database");
			return CLI_EXIT_USAGE;
		}
		db = dbpath;
	}
	r = resolve(ctx, db, argv + optind, &s, id);
	if (r < 0) {
		cli_error(ctx, "diff");
		goto out;
	}
	ua = bundle_uuid(s, id[0]);
	ub = bundle_uuid(s, id[1]);
	if (o.json.on) {
		o.j_steps = json_object_new_array();
		o.j_fields = json_object_new_array();
		o.j_words = json_object_new_array();
		o.j_messages = json_object_new_array();
		o.j_gone = json_object_new_array();
	} else {
		o.steps = open_memstream(&o.steps_buf, &o.steps_len);
		o.fields = open_memstream(&o.fields_buf, &o.fields_len);
		o.words = open_memstream(&o.words_buf, &o.words_len);
		o.messages = open_memstream(&o.messages_buf, &o.messages_len);
		o.gone = open_memstream(&o.gone_buf, &o.gone_len);
		if (!o.steps || !o.fields || !o.words || !o.messages || !o.gone) {
			fprintf(stderr, "fwbox diff: out of memory\n");
			goto out;
		}
	}
	r = store_diff(s, id[0], id[1], &v, &o, &counts);
	if (r < 0) {
		cli_fail(ctx, "diff", "comparison failed");
		goto out;
	}
	differ = counts.steps || counts.fields || counts.words || counts.messages ||
		 counts.messages_gone;
	if (o.json.on) {
		struct json_object *root = json_object_new_object();

		json_object_object_add(root, "bundle_a", jstr(ua));
		json_object_object_add(root, "bundle_b", jstr(ub));
		json_object_object_add(root, "differ", json_object_new_boolean(differ));
		json_object_object_add(root, "steps", o.j_steps);
		json_object_object_add(root, "register_fields", o.j_fields);
		json_object_object_add(root, "crspace_words", o.j_words);
		/* The header's fields, at the top level. */
		json_object_object_foreach(o.j_cards, key, val)
			json_object_object_add(root, key, json_object_get(val));
		json_object_object_add(root, "new_messages", o.j_messages);
		json_object_object_add(root, "gone_messages", o.j_gone);
		o.j_steps = o.j_fields = o.j_words = o.j_messages = o.j_gone = NULL;
		cli_json_emit(&o.json, root);
	} else {
		printf("A: %s\nB: %s\n", ua ? ua : "?", ub ? ub : "?");
		section("Steps with a changed outcome", counts.steps, o.steps, &o.steps_buf);
		section("Register fields changed", counts.fields, o.fields, &o.fields_buf);
		section("CR-space words changed", counts.words, o.words, &o.words_buf);
		section("Trace formats new in B", counts.messages, o.messages, &o.messages_buf);
		section("Trace formats gone from B", counts.messages_gone, o.gone, &o.gone_buf);
		o.steps = o.fields = o.words = o.messages = o.gone = NULL;
	}
	ret = differ ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
out:
	if (o.steps)
		fclose(o.steps);
	if (o.fields)
		fclose(o.fields);
	if (o.words)
		fclose(o.words);
	if (o.messages)
		fclose(o.messages);
	if (o.gone)
		fclose(o.gone);
	free(o.steps_buf);
	free(o.fields_buf);
	free(o.words_buf);
	free(o.messages_buf);
	free(o.gone_buf);
	json_object_put(o.j_steps);
	json_object_put(o.j_fields);
	json_object_put(o.j_words);
	json_object_put(o.j_messages);
	json_object_put(o.j_gone);
	json_object_put(o.j_cards);
	free(ua);
	free(ub);
	store_close(s);
	free(dbpath);
	return ret;
}

const struct cli_verb cli_verb_diff = {
	.name = "diff",
	.summary = "compare two captures: steps, registers, CR-space, trace formats",
	.usage = usage,
	.run = run,
};
