/* SPDX-License-Identifier: MIT */
/*
 * resdump-bin: "resourcedump dump ... --bin FILE" output.  mstflint writes
 * the RESOURCE_DUMP segment stream as the device returned it, big-endian
 * ("dump to file is done with BE as default as convention",
 * resourcedump_lib/commands/DumpCommand.py): the same stream fwbox's
 * resdump.<SEGMENT> artifacts hold.  It is framed here with the resdump
 * parser (every segment header checked) and kept byte for byte.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "import/import-internal.h"
#include "resdump.h"

struct rdb {
	struct imp_parse *p;
	bool first;
	bool seen_resource;
};

static int on_segment(void *ud, const struct resdump_segment *s)
{
	struct rdb *b = ud;

	if (b->first && s->type != RESDUMP_INFO && s->type != RESDUMP_COMMAND &&
	    s->type != RESDUMP_MENU)
		imp_reject(b->p, 0, "the stream starts with a %s segment, not INFO or COMMAND",
			   s->kind);
	b->first = false;
	b->p->records++;
	if (!b->seen_resource && !strcmp(s->kind, "RESOURCE") && s->name)
		snprintf(b->p->name, sizeof(b->p->name), "%s", s->name);
	if (!strcmp(s->kind, "RESOURCE"))
		b->seen_resource = true;
	if ((s->type == RESDUMP_ERROR || s->type == RESDUMP_NOTICE) && !b->p->tool_error[0])
		snprintf(b->p->tool_error, sizeof(b->p->tool_error), "%s segment at byte %llu: %s",
			 s->kind, (unsigned long long)s->offset, s->text);
	return 0;
}

static void on_problem(void *ud, uint64_t off, int err, const char *msg)
{
	struct rdb *b = ud;

	(void)err;
	imp_reject(b->p, 0, "byte %llu: %s", (unsigned long long)off, msg);
}

int imp_resdump_bin(const void *data, size_t len, struct imp_parse *p)
{
	struct fw_ctx *ctx = NULL;
	struct resdump *rd = NULL;
	struct rdb b = { .p = p, .first = true };
	int r;

	r = fw_ctx_new(&ctx);
	if (r < 0)
		return r;
	r = resdump_new(ctx, on_segment, NULL, on_problem, &b, &rd);
	if (r >= 0)
		r = resdump_feed(rd, data, len);
	if (r >= 0)
		r = resdump_finish(rd);
	resdump_free(rd);
	fw_ctx_free(ctx);
	if (r < 0)
		return r;
	if (len % 4)
		imp_reject(p, 0, "%zu bytes is not a whole number of dwords", len);
	return fw_buf_put(&p->out, data, len);
}
