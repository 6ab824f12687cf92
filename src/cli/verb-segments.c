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
	bool json;
	struct json_object *arr;
	uint64_t count;
	uint64_t problems;
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

static int on_segment(void *ud, const char *kind, const struct resdump_segment *s)
{
	struct seg_opts *o = ud;
	char text[256];

	o->count++;
	if (o->json) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "artifact", json_object_new_string(kind));
		json_object_object_add(j, "offset", json_object_new_uint64(s->offset));
		json_object_object_add(j, "type", json_object_new_int(s->type));
		json_object_object_add(j, "kind", json_object_new_string(s->kind));
		json_object_object_add(j, "name", s->name ? json_object_new_string(s->name) : NULL);
		json_object_object_add(j, "length", json_object_new_int64(s->length));
		seg_text(s, text, sizeof(text));
		json_object_object_add(j, "fields", json_object_new_string(text));
		json_object_array_add(o->arr, j);
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
	if (o->json)
		return 0;
	printf("  menu 0x%04x %s%s%s%s%s flags 0x%03x\n", m->type, m->segment_name,
	       m->index1_name[0] ? " index1=" : "", m->index1_name,
	       m->index2_name[0] ? " index2=" : "", m->index2_name, m->flags);
	return 0;
}

static void on_problem(void *ud, const char *kind, uint64_t off, int err, const char *msg)
{
	struct seg_opts *o = ud;

	(void)err;
	o->problems++;
	fprintf(stderr, "fwbox segments: warning: '%s' at offset %" PRIu64 ": %s\n", kind, off, msg);
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct analyze_sink sink = {
		.segment = on_segment,
		.menu = on_menu,
		.problem = on_problem,
	};
	struct seg_opts o;
	int c, r, status = CLI_EXIT_OK;

	memset(&o, 0, sizeof(o));
	optind = 1;
	opterr = 0; /* one message, ours */
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'j')
			o.json = true;
		else
			return cli_option_error(&cli_verb_segments, argv, "");
	}
	if (optind != argc - 1)
		return cli_usage_error(&cli_verb_segments, "expected one BUNDLE");
	if (o.json)
		o.arr = json_object_new_array();
	cli_catch_signals(ctx);
	r = analyze_path(ctx, argv[optind], "resdump.", &sink, &o);
	if (r < 0)
		status = cli_fail(ctx, "segments", "'%s'", argv[optind]);
	else if (o.json)
		cli_print_json(o.arr);
	json_object_put(o.arr);
	return status;
}

const struct cli_verb cli_verb_segments = {
	.name = "segments",
	.summary = "list the resource-dump segments of a bundle",
	.usage = "Usage: fwbox segments BUNDLE [--json]\n"
		 "\n"
		 "List the resource-dump segments of BUNDLE (artifacts resdump.menu and\n"
		 "resdump.SEGMENT): menu, info, command, terminate, error, notice, reference\n"
		 "and resource segments, with their decoded fields; menu records are listed\n"
		 "under their menu.\n"
		 "\n"
		 "Options:\n"
		 "  --json       print a JSON array of objects instead\n"
		 "  -h, --help   show this help\n",
	.run = run,
};
