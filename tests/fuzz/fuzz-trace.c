/* SPDX-License-Identifier: MIT */
/*
 * fuzz-trace: the firmware trace decoder.  Input layout (see
 * mkseeds-parsers.c): 128 bytes of MTRC_CAP, a big-endian u16 length L, L
 * bytes of strings-DB section 0, then ring bytes fed in chunks whose sizes
 * come from the input itself.  Every record is rendered.  The whole input is
 * also run through the tracefs text parser.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "core/bytes.h"
#include "core/limits.h"
#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_event(void *ud, const struct trace_event *ev)
{
	char msg[FW_LIMIT_TRACE_MESSAGE];

	(void)ud;
	trace_event_render(ev, msg, sizeof(msg));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_ctx *ctx = NULL;
	struct trace_cap cap;
	struct trace_strdb *db = NULL;
	struct trace_decoder *d = NULL;
	struct trace_text *t = NULL;
	size_t off = 0, slen, chunk;

	if (fw_ctx_new(&ctx) < 0)
		return 0;
	if (trace_text_new(ctx, on_event, NULL, NULL, &t) == 0) {
		trace_text_feed(t, data, size);
		trace_text_finish(t);
		trace_text_free(t);
	}
	if (size < 130 || trace_cap_parse(ctx, data, 128, &cap) < 0)
		goto out;
	off = 128;
	slen = fw_get_be16(data + off);
	off += 2;
	if (slen > size - off)
		slen = size - off;
	if (trace_strdb_new(ctx, &cap, &db) < 0)
		goto out;
	trace_strdb_set_section(db, 0, data + off, slen);
	off += slen;
	if (trace_decoder_new(ctx, db, on_event, NULL, NULL, &d) < 0)
		goto out;
	/* Chunk size from the first ring byte: exercises the carry paths. */
	chunk = off < size ? (size_t)data[off] * 7 + 1 : 1;
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;

		trace_decoder_feed(d, data + off, n);
		off += n;
	}
	trace_decoder_finish(d);
out:
	trace_decoder_free(d);
	trace_strdb_free(db);
	fw_ctx_free(ctx);
	return 0;
}
