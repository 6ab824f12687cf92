/* SPDX-License-Identifier: MIT */
/*
 * fuzz-trace-match: the trace matcher.  Input layout (see
 * mkseeds-parsers.c): a big-endian u16 length L, L bytes read as one
 * strings-DB section (NUL-separated formats, every string start but offset
 * 0 indexed), then lines separated by '\n', each matched as a message and,
 * parsed as a tracefs line, matched as a record.  Every match must render
 * back to its message byte for byte (the matcher's contract): a mismatch
 * aborts, so the fuzzer reports it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/limits.h"
#include "trace-match.h"
#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(struct trace_matcher *m, const char *line, size_t len)
{
	struct trace_match mt;
	char back[FW_LIMIT_TRACE_MESSAGE];
	size_t n;

	if (trace_matcher_match(m, line, len, &mt) != 1)
		return;
	n = trace_format_render(mt.format, mt.params, back, sizeof(back));
	if (n != len || memcmp(back, line, len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_ctx *ctx = NULL;
	struct trace_matcher *m = NULL;
	struct trace_cap cap;
	struct trace_strdb *db = NULL;
	size_t off, slen;
	char *line = NULL;

	if (size < 2 || fw_ctx_new(&ctx) < 0)
		return 0;
	slen = fw_get_be16(data);
	if (slen > size - 2)
		slen = size - 2;
	memset(&cap, 0, sizeof(cap));
	cap.num_string_db = 1;
	cap.db_base[0] = 0x1000;
	cap.db_size[0] = (uint32_t)slen;
	if (trace_strdb_new(ctx, &cap, &db) < 0 || trace_strdb_set_section(db, 0, data + 2, slen) < 0 ||
	    trace_matcher_new(ctx, &m) < 0 || trace_matcher_add_strdb(m, db) < 0)
		goto out;
	line = malloc(size + 1);
	if (!line)
		goto out;
	off = 2 + slen;
	while (off < size) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t len = nl ? (size_t)(nl - (data + off)) : size - off;
		struct trace_event ev;

		/* A message has no NUL: the text up to one is what it holds. */
		memcpy(line, data + off, len);
		line[len] = '\0';
		check(m, line, strlen(line));
		if (trace_parse_text_line(line, strlen(line), &ev) == 1 && trace_event_match(m, &ev))
			check(m, ev.text, strlen(ev.text));
		off += len + 1;
	}
out:
	free(line);
	trace_matcher_free(m);
	trace_strdb_free(db);
	fw_ctx_free(ctx);
	return 0;
}
