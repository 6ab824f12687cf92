/* SPDX-License-Identifier: MIT */
/*
 * trace-text: firmware trace messages as other tools saved them.
 *
 *  - tracefs: the kernel's mlx5_fw tracepoint prints
 *    "%s [0x%llx] %d [0x%x] %s" (device, timestamp, lost, event id,
 *    message; drivers/net/ethernet/mellanox/mlx5/core/diag/
 *    fw_tracer_tracepoint.h) after ftrace's own prefix (task, CPU, flags,
 *    time, "mlx5_fw: "; older kernels "fw_tracer: ").  Such lines are kept
 *    as they are: the trace.text decoder reads them, prefix and all.
 *  - mstfwtrace (mstflint tracers/fwtrace/secure_fw_trace.py) prints the
 *    part after "mlx5_fw: " without the device, "[0x%llx] %d [0x%x] %s",
 *    or with --real_ts "[HH:MM:SS:NNNNNNNNN] ..." (a time computed from
 *    the device clock, not its timestamp).  Those lines get the device
 *    back in front, and a --real_ts line the timestamp 0 (said in the
 *    note), so the trace.text decoder reads them too.
 * Prompts ("Read new events:", "-E- ...") are text around the data; a
 * line that starts like a trace line but does not parse is rejected.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "import/import-internal.h"
#include "trace.h"

static bool has(const char *s, size_t n, const char *what)
{
	size_t w = strlen(what);

	for (size_t i = 0; i + w <= n; i++)
		if (!memcmp(s + i, what, w))
			return true;
	return false;
}

/* "[HH:MM:SS:NNNNNNNNN]" at s: its length, or 0. */
static size_t real_ts(const char *s, size_t n)
{
	static const char shape[] = "[dd:dd:dd:ddddddddd]";
	size_t k = sizeof(shape) - 1;

	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++) {
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return 0;
	}
	return k;
}

static int put_line(struct imp_parse *p, const char *a, size_t an, const char *b, size_t bn)
{
	int r = fw_buf_put(&p->out, a, an);

	if (r >= 0 && bn)
		r = fw_buf_put(&p->out, b, bn);
	if (r >= 0)
		r = fw_buf_putc(&p->out, '\n');
	return r;
}

int imp_trace_text(const void *data, size_t len, const char *dev, struct imp_parse *p)
{
	struct imp_lines l;
	struct trace_event ev;
	char head[96];
	const char *s;
	size_t sn;
	bool overlong;
	uint64_t realts = 0;
	int r = 0;

	if (!dev || !*dev)
		dev = "unknown";
	imp_lines_init(&l, data, len);
	while (r >= 0 && imp_lines_next(&l, &s, &sn, &overlong)) {
		size_t k;

		if (!sn)
			continue;
		if (overlong) {
			imp_reject(p, l.no, "a line longer than FW_LIMIT_TEXT_LINE");
			continue;
		}
		if (has(s, sn, "mlx5_fw: ") || has(s, sn, "fw_tracer: ")) {
			if (trace_parse_text_line(s, sn, &ev) != 1) {
				imp_reject(p, l.no, "an mlx5_fw line that does not parse");
				continue;
			}
			p->records++;
			r = put_line(p, s, sn, NULL, 0);
			continue;
		}
		if (sn > 3 && !memcmp(s, "[0x", 3)) {
			/* mstfwtrace: the tracepoint text without its device. */
			int hn = snprintf(head, sizeof(head), "%s ", dev);

			r = fw_buf_reserve(&p->out, (size_t)hn + sn + 1);
			if (r < 0)
				break;
			{
				size_t mark = p->out.len;

				r = put_line(p, head, (size_t)hn, s, sn);
				if (r < 0)
					break;
				if (trace_parse_text_line((const char *)p->out.data + mark,
							  p->out.len - mark - 1, &ev) != 1) {
					p->out.len = mark;
					imp_reject(p, l.no, "an mstfwtrace line that does not parse");
					continue;
				}
			}
			p->records++;
			continue;
		}
		k = real_ts(s, sn);
		if (k) {
			size_t mark = p->out.len;
			int hn = snprintf(head, sizeof(head), "%s [0x0]", dev);

			r = put_line(p, head, (size_t)hn, s + k, sn - k);
			if (r < 0)
				break;
			if (trace_parse_text_line((const char *)p->out.data + mark, p->out.len - mark - 1,
						  &ev) != 1) {
				p->out.len = mark;
				imp_reject(p, l.no, "an mstfwtrace --real_ts line that does not parse");
				continue;
			}
			realts++;
			p->records++;
			continue;
		}
		if (sn >= 3 && !memcmp(s, "-E-", 3) && !p->tool_error[0])
			snprintf(p->tool_error, sizeof(p->tool_error), "line %llu: %.*s",
				 (unsigned long long)l.no, (int)(sn > 160 ? 160 : sn), s);
		p->other++;
	}
	if (realts)
		snprintf(p->note, sizeof(p->note),
			 "%llu lines carried mstfwtrace --real_ts times instead of device timestamps: "
			 "their timestamp is 0", (unsigned long long)realts);
	return r;
}
