/* SPDX-License-Identifier: MIT */
/*
 * fwbox segments: the resource-dump segments of a bundle.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"

struct seg_opts {
	struct cli_decode d; /* first: the sink's userdata is both */
	struct cli_json json;
	struct json_object *pending;   /* a MENU segment waits for its records */
	uint64_t count;
};

static void seg_text(const struct resdump_segment *s, char *buf, size_t len)
{
	if (!strcmp(s->kind, "INFO"))
		snprintf(buf, len, "dump_version %u hw_version 0x%x fw_version 0x%x", s->dump_version,
			 s->hw_version, s->fw_version);
	else if (!strcmp(s->kind, "COMMAND") || !strcmp(s->kind, "REFERENCE"))
		snprintf(buf, len,
			 "segment 0x%x vhca_id %u index1 0x%x index2 0x%x num_of_obj1 %u num_of_obj2 %u",
			 s->segment_called, s->vhca_id, s->index1, s->index2, s->num_of_obj1,
			 s->num_of_obj2);
	else if (!strcmp(s->kind, "MENU"))
		snprintf(buf, len, "records %u", s->num_records);
	else if (!strcmp(s->kind, "ERROR") || !strcmp(s->kind, "NOTICE"))
		snprintf(buf, len, "syndrome 0x%x \"%s\"", s->syndrome_id, s->text);
	else if (!strcmp(s->kind, "RESOURCE"))
		snprintf(buf, len, "index1 0x%x index2 0x%x payload %zu", s->index1, s->index2,
			 s->payload_len);
	else
		buf[0] = '\0';
}

/* The decoded fields as an object keyed by the layout's field names (the
 * same names and values the text line shows). */
static struct json_object *seg_fields(const struct resdump_segment *s)
{
	struct json_object *f = json_object_new_object();

#define ADD(name, v) json_object_object_add(f, name, cli_json_int(v))
	if (!strcmp(s->kind, "INFO")) {
		ADD("dump_version", s->dump_version);
		ADD("hw_version", s->hw_version);
		ADD("fw_version", s->fw_version);
	} else if (!strcmp(s->kind, "COMMAND") || !strcmp(s->kind, "REFERENCE")) {
		ADD("segment_called", s->segment_called);
		ADD("vhca_id", s->vhca_id);
		ADD("index1", s->index1);
		ADD("index2", s->index2);
		ADD("num_of_obj1", s->num_of_obj1);
		ADD("num_of_obj2", s->num_of_obj2);
	} else if (!strcmp(s->kind, "MENU")) {
		ADD("num_records", s->num_records);
	} else if (!strcmp(s->kind, "ERROR") || !strcmp(s->kind, "NOTICE")) {
		ADD("syndrome_id", s->syndrome_id);
		json_object_object_add(f, "text", json_object_new_string(s->text));
	} else if (!strcmp(s->kind, "RESOURCE")) {
		ADD("index1", s->index1);
		ADD("index2", s->index2);
		ADD("payload_bytes", (int64_t)s->payload_len);
	}
#undef ADD
	return f;
}

static void flush_pending(struct seg_opts *o)
{
	if (o->pending)
		cli_json_emit(&o->json, o->pending);
	o->pending = NULL;
}

static int on_segment(void *ud, const char *kind, const struct resdump_segment *s)
{
	struct seg_opts *o = ud;
	char text[256];

	o->count++;
	if (o->json.on) {
		struct json_object *j = json_object_new_object();
		bool menu = !strcmp(s->kind, "MENU");

		flush_pending(o);
		json_object_object_add(j, "bundle", json_object_new_string(o->d.uuid));
		json_object_object_add(j, "kind", json_object_new_string(kind));
		json_object_object_add(j, "offset", cli_json_int((int64_t)s->offset));
		json_object_object_add(j, "segment_type", cli_json_int(s->type));
		json_object_object_add(j, "segment_class", json_object_new_string(s->kind));
		json_object_object_add(j, "segment_name", cli_json_text(s->name));
		json_object_object_add(j, "length", cli_json_int(s->length));
		json_object_object_add(j, "fields", seg_fields(s));
		json_object_object_add(j, "records", menu ? json_object_new_array() : NULL);
		if (menu)
			o->pending = j;
		else
			cli_json_emit(&o->json, j);
		return 0;
	}
	seg_text(s, text, sizeof(text));
	printf("%s +%" PRIu64 " %s 0x%04x%s%s length %u%s%s\n", kind, s->offset, s->kind, s->type,
	       s->name ? " " : "", s->name ? s->name : "", s->length, text[0] ? " " : "", text);
	return 0;
}

static int on_menu(void *ud, const char *kind, const struct resdump_menu_record *m)
{
	struct seg_opts *o = ud;

	(void)kind;
	if (o->json.on) {
		struct json_object *r = json_object_new_object();
		struct json_object *arr;

		if (!o->pending || !json_object_object_get_ex(o->pending, "records", &arr)) {
			json_object_put(r);
			return 0;
		}
		json_object_object_add(r, "segment_type", cli_json_int(m->type));
		json_object_object_add(r, "segment_name", cli_json_text_or_null(m->segment_name));
		json_object_object_add(r, "index1_name", cli_json_text_or_null(m->index1_name));
		json_object_object_add(r, "index2_name", cli_json_text_or_null(m->index2_name));
		json_object_object_add(r, "flags", cli_json_int(m->flags));
		json_object_array_add(arr, r);
		return 0;
	}
	printf("  menu 0x%04x %s%s%s%s%s flags 0x%03x\n", m->type, m->segment_name,
	       m->index1_name[0] ? " index1=" : "", m->index1_name,
	       m->index2_name[0] ? " index2=" : "", m->index2_name, m->flags);
	return 0;
}

/* A menu still waiting for records is complete when its bundle ends. */
static void after_bundle(struct cli_decode *d, struct fw_ctx *ctx, int r)
{
	(void)ctx;
	(void)r;
	flush_pending((struct seg_opts *)d);
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_JSON_LONGOPTS,
		CLI_DB_LONGOPT,
		{ NULL, 0, NULL, 0 },
	};
	static const struct analyze_sink sink = {
		.segment = on_segment,
		.menu = on_menu,
		.problem = cli_decode_problem,
	};
	struct seg_opts o;
	struct cli_tally t = { 0 };
	int c;

	memset(&o, 0, sizeof(o));
	/* JSON and --db are all it takes. */
	if ((c = cli_getopt(argc, argv, CLI_JSON_SHORTOPTS, longopts, &o.json)) != -1)
		return cli_option_error(&cli_verb_segments, argv, CLI_JSON_SHORTOPTS);
	if (optind >= argc)
		return cli_usage_error(&cli_verb_segments, "expected at least one BUNDLE");
	o.d.verb = "segments";
	o.d.after = after_bundle;
	cli_decode_bundles(ctx, &o.d, argv + optind, argc - optind, "resdump.", &sink, &t);
	t.records = o.count;
	return cli_tally_exit(&t, "segments", "resource-dump segment", argc - optind, argv + optind);
}

const struct cli_verb cli_verb_segments = {
	.name = "segments",
	.summary = "list the resource-dump segments of bundles",
	.usage = "Usage: fwbox segments [--db PATH] [-j|--json] [-p|--pretty] BUNDLE...\n"
		 "\n"
		 "List the resource-dump segments of each BUNDLE (artifacts resdump.menu and\n"
		 "resdump.SEGMENT): menu, info, command, terminate, error, notice, reference\n"
		 "and resource segments, with their decoded fields; menu records are listed\n"
		 "under their menu.\n"
		 "\n"
		 "Options:\n"
		 "  --db PATH      history for UUID arguments (fwbox(1) CAPTURES)\n"
		 "  -j, --json     one JSON object per segment (fields: fwbox-segments(1))\n"
		 "  -p, --pretty   indented JSON; implies --json\n"
		 "  -h, --help     show this help\n",
	.run = run,
};
