/* SPDX-License-Identifier: MIT */
/*
 * report: the page.  Captures are gathered, written and released one at a
 * time, so memory does not grow with the number of bundles.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/report-internal.h"

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static int write_captures(struct fw_ctx *ctx, const struct report_options *opts, struct rp_out *o,
			  struct report_result *res)
{
	struct rp_capture *c = calloc(1, sizeof(*c));
	int r = 0;

	if (!c)
		return fw_error(ctx, -ENOMEM, "out of memory");
	for (size_t i = 0; i < opts->n_bundles; i++) {
		r = rp_capture_gather(ctx, opts->bundles[i], c);
		if (r < 0)
			break;
		if (opts->db) {
			r = rp_capture_compare(ctx, opts->db, c);
			if (r < 0) {
				fw_error_prefix(ctx, r, "'%s': comparing with the history", opts->bundles[i]);
				break;
			}
		}
		if (i == 0) {
			char title[256];

			if (opts->n_bundles == 1)
				snprintf(title, sizeof(title), "%s %s %s", c->model ? c->model : "card",
					 c->pci ? c->pci : "", c->created);
			else
				snprintf(title, sizeof(title), "%zu captures", opts->n_bundles);
			rp_page_begin(o, title, opts->now_ns);
			if (opts->n_bundles > 1) {
				rp_puts(o, "<nav class=\"toc\">");
				for (size_t k = 0; k < opts->n_bundles; k++) {
					rp_printf(o, "<a href=\"#c%zu\">", k + 1);
					rp_html(o, base_name(opts->bundles[k]));
					rp_puts(o, "</a>");
				}
				rp_puts(o, "</nav>\n");
			}
		}
		r = rp_capture_write(ctx, o, c, (unsigned)i + 1, opts->db != NULL);
		if (r < 0)
			break;
		res->captures++;
		res->trace_events += c->trace.events;
		res->problems += c->problems_total;
		res->compared += c->compared;
		rp_capture_release(c);
		if (fw_ctx_cancelled(ctx)) {
			r = fw_error(ctx, -EINTR, "interrupted");
			break;
		}
		if (o->err) {
			r = fw_error(ctx, o->err, "cannot write the report: %s", strerror(-o->err));
			break;
		}
	}
	rp_capture_release(c);
	free(c);
	return r;
}

int report_html(struct fw_ctx *ctx, const struct report_options *opts, FILE *out,
		struct report_result *ret)
{
	struct report_result res = { 0 };
	struct rp_out *o;
	int r;

	if (!opts->n_bundles && !opts->db)
		return fw_error(ctx, -EINVAL, "nothing to report: give bundles, or a history for the "
				"fleet view");
	o = malloc(sizeof(*o));
	if (!o)
		return fw_error(ctx, -ENOMEM, "out of memory");
	rp_init(o, out);
	if (opts->n_bundles) {
		r = write_captures(ctx, opts, o, &res);
	} else {
		char title[512];

		snprintf(title, sizeof(title), "fleet %s", opts->db_path ? opts->db_path : "");
		rp_page_begin(o, title, opts->now_ns);
		r = rp_fleet_write(ctx, o, opts->db, opts->db_path, opts->since_ns, &res);
	}
	if (r >= 0) {
		rp_page_end(o, opts->now_ns);
		r = rp_flush(o);
		if (r < 0)
			fw_error(ctx, r, "cannot write the report: %s", strerror(-r));
	}
	res.bytes = o->bytes;
	free(o);
	if (r < 0)
		return r;
	if (ret)
		*ret = res;
	return 0;
}
