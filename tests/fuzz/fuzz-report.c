/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the report's handling of outside bytes: every line of the input is
 * a trace message (aggregated: lanes, formats, histograms, fatal context),
 * the input also becomes register data (MTMP, PPCNT: joined counters and
 * temperatures) and every text field of a capture, and the whole section
 * is written.  The page must stay valid UTF-8 with no byte of the input
 * able to open markup; the escapers are checked on the raw input too.
 * Seeds: tests/fuzz/corpus/report/ (hostile lines, see its README).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "regs.h"
#include "report/report-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_utf8(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t v = fw_utf8_valid_len((const unsigned char *)s + i, n - i);

		if (!v)
			__builtin_trap();
		i += v;
	}
}

/* The escaped text holds no markup character and no raw control. */
static void check_escaped(const char *s, size_t n)
{
	check_utf8(s, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '<' || c == '>' || c == '"' || c == '\'' || (c < 0x20 && c != '\t' && c != '\n') ||
		    c == 0x7f)
			__builtin_trap();
	}
}

/* One context for the whole run: the helpers put their errors on it. */
static struct fw_ctx *fuzz_ctx;

static int on_field(void *ud, const struct regs_field *f)
{
	return rp_regs_add(fuzz_ctx, ud, "reg.x", f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_capture *c = calloc(1, sizeof(*c));
	struct rp_out *o = malloc(sizeof(*o));
	char *text = malloc(size + 1), *buf = NULL;
	size_t len = 0;
	FILE *f;

	if ((!fuzz_ctx && fw_ctx_new(&fuzz_ctx) < 0) || !c || !o || !text)
		goto out;
	memcpy(text, data, size);
	text[size] = '\0';

	/* The escapers alone. */
	f = open_memstream(&buf, &len);
	if (!f)
		goto out;
	rp_init(o, f);
	rp_html_n(o, (const char *)data, size);
	rp_flush(o);
	fclose(f);
	check_escaped(buf, len);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	if (!f)
		goto out;
	rp_init(o, f);
	rp_json_str_n(o, (const char *)data, size);
	rp_flush(o);
	fclose(f);
	check_utf8(buf, len);
	if (len < 2 || buf[0] != '"' || buf[len - 1] != '"')
		__builtin_trap();
	free(buf);
	buf = NULL;

	/* A capture made of the input. */
	if (rp_trace_init(fuzz_ctx, &c->trace) < 0)
		goto out;
	c->path = strdup(text);
	c->created = strdup(text);
	c->model = strdup(text);
	c->pci = strdup(text);
	c->reason = strdup(text);
	c->has_device = true;
	c->clock_khz = size ? data[0] * 1000u : 0;
	for (char *line = text, *end; line < text + size; line = end + 1) {
		struct trace_event ev = { .source = TRACE_SOURCE_TEXT };
		uint64_t h = 1469598103934665603ull;

		end = memchr(line, '\n', (size_t)(text + size - line));
		if (!end)
			end = text + size;
		*end = '\0';
		for (char *p = line; *p; p++)
			h = (h ^ (uint8_t)*p) * 1099511628211ull;
		ev.timestamp = h >> (h & 63);
		ev.lost = h & 1;
		ev.text = line;
		if (rp_trace_add(fuzz_ctx, &c->trace, &ev, line) < 0)
			goto out;
	}
	rp_trace_sort_formats(&c->trace);
	regs_decode(regcat_by_name("MTMP"), data, size, on_field, NULL, c);
	regs_decode(regcat_by_name("PPCNT"), data, size, on_field, NULL, c);
	f = open_memstream(&buf, &len);
	if (!f)
		goto out;
	rp_init(o, f);
	rp_capture_write(fuzz_ctx, o, c, 1, false);
	rp_flush(o);
	fclose(f);
	check_utf8(buf, len);
out:
	free(buf);
	if (c)
		rp_capture_release(c);
	free(c);
	free(o);
	free(text);
	return 0;
}
