/* SPDX-License-Identifier: MIT */
/*
 * report page: the HTML of a report.  Static markup, inline CSS, inline SVG;
 * no script.  Every text from a bundle or the history goes through
 * rp_html(); numbers and our own words are written as they are.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle.h"
#include "report/report-internal.h"

/* The page's whole style.  Colours carry meaning only together with a word
 * (ok, failed...), so the page reads the same in grey. */
static const char css[] =
	":root{--ok:#1a7f37;--partial:#9a6700;--failed:#cf222e;--skipped:#6e7781;"
	"--line:#d0d7de;--soft:#f6f8fa;--ink:#1f2328;--mute:#59636e;--accent:#0969da}"
	"*{box-sizing:border-box}"
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;"
	"color:var(--ink);margin:0;background:#fff}"
	"header.top{background:#24292f;color:#fff;padding:10px 24px;display:flex;gap:16px;"
	"align-items:baseline;flex-wrap:wrap}"
	"header.top b{font-size:16px}header.top span{color:#c9d1d9}"
	"main{padding:8px 24px 40px;max-width:1280px}"
	"nav.toc{margin:12px 0;padding:8px 12px;background:var(--soft);border:1px solid var(--line);"
	"border-radius:6px}nav.toc a{margin-right:14px}"
	"section.capture{border-top:3px solid var(--line);margin-top:24px;padding-top:8px}"
	"h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:22px 0 8px;"
	"border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:14px;margin:14px 0 6px}"
	"a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}"
	".verdict{border-radius:6px;padding:10px 14px;margin:10px 0;border:1px solid;font-size:15px}"
	".verdict.bad{background:#ffebe9;border-color:#ff8182}"
	".verdict.warn{background:#fff8c5;border-color:#d4a72c}"
	".verdict.good{background:#dafbe1;border-color:#4ac26b}"
	".verdict p{margin:4px 0}"
	"dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}"
	"dl.facts dt{color:var(--mute)}dl.facts dd{margin:0;overflow-wrap:anywhere}"
	"table{border-collapse:collapse;margin:6px 0 10px;font-size:13px;max-width:100%}"
	"th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}"
	"th{background:var(--soft);font-weight:600}"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	"td.msg{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;"
	"overflow-wrap:anywhere}"
	"code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}"
	"tr.hl td{background:#fff8c5}tr.fatal td{background:#ffebe9;font-weight:600}"
	"tr.changed td{background:#fff8c5}"
	".badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;color:#fff;"
	"font-weight:600}"
	".b-ok{background:var(--ok)}.b-partial{background:var(--partial)}"
	".b-failed{background:var(--failed)}.b-skipped{background:var(--skipped)}"
	".mute{color:var(--mute)}.small{font-size:12px}"
	"details{margin:4px 0}summary{cursor:pointer}"
	"svg.timeline{display:block;max-width:100%;height:auto;border:1px solid var(--line);"
	"border-radius:6px;background:#fff}"
	"svg text{font:11px system-ui,sans-serif;fill:var(--ink)}"
	".grid td{padding:0;border:1px solid #fff;width:14px;height:14px}"
	".grid td.lbl{padding:2px 8px;width:auto;height:auto;border:1px solid var(--line);"
	"white-space:nowrap}"
	".c-ok{background:var(--ok)}.c-partial{background:var(--partial)}"
	".c-failed{background:var(--failed)}.c-fatal{background:#82071e}"
	"footer{color:var(--mute);font-size:12px;margin-top:32px}";

void rp_page_begin(struct rp_out *o, const char *title, uint64_t now_ns)
{
	char when[40];

	fw_format_utc(now_ns, when, sizeof(when));
	rp_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		   "style-src 'unsafe-inline'\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		   "<meta name=\"generator\" content=\"fwbox ");
	rp_puts(o, fw_version());
	rp_puts(o, "\">\n<title>");
	rp_html(o, title);
	rp_puts(o, "</title>\n<style>");
	rp_puts(o, css);
	rp_puts(o, "</style>\n</head>\n<body>\n<header class=\"top\"><b>fwbox report</b><span>");
	rp_html(o, title);
	rp_puts(o, "</span><span>made ");
	rp_puts(o, when);
	rp_puts(o, "</span></header>\n<main>\n");
}

void rp_page_end(struct rp_out *o, uint64_t now_ns)
{
	char when[40];

	fw_format_utc(now_ns, when, sizeof(when));
	rp_puts(o, "<footer>Made by fwbox ");
	rp_puts(o, fw_version());
	rp_puts(o, " at ");
	rp_puts(o, when);
	rp_puts(o, ". This page is one self-contained file: it loads nothing from anywhere. "
		   "See fwbox-report(1).</footer>\n</main>\n</body>\n</html>\n");
}

static const char *outcome_name(int o)
{
	return bundle_outcome_name((enum bundle_outcome)o);
}

static void badge(struct rp_out *o, int outcome)
{
	const char *n = outcome_name(outcome);

	rp_printf(o, "<span class=\"badge b-%s\">%s</span>", n, n);
}

static void fact(struct rp_out *o, const char *dt, const char *dd)
{
	if (!dd || !*dd)
		return;
	rp_puts(o, "<dt>");
	rp_puts(o, dt);
	rp_puts(o, "</dt><dd>");
	rp_html(o, dd);
	rp_puts(o, "</dd>\n");
}

static void count(struct rp_out *o, uint64_t n)
{
	char buf[32];

	rp_count_text(n, buf, sizeof(buf));
	rp_puts(o, buf);
}

static const char *severity_name(uint64_t s)
{
	static const char *const n[] = { "emergency", "alert", "critical", "error",
					 "warning", "notice", "info", "debug" };

	return s < 8 ? n[s] : "unknown";
}

/* ------------------------------------------------------------- verdict */

static const struct rp_reporter *reporter(const struct rp_capture *c, const char *name)
{
	const struct rp_reporter *best = NULL;

	/* The latest reading (".after") of the reporter wins. */
	for (unsigned i = 0; i < c->n_reporters; i++)
		if (!strcmp(c->reporters[i].name, name) && (!best || c->reporters[i].after))
			best = &c->reporters[i];
	return best;
}

bool rp_capture_fatal(const struct rp_capture *c)
{
	const struct rp_reporter *f = reporter(c, "fw_fatal");

	return (c->hb_valid && c->hb_synd) || (f && (!strcmp(f->state, "error") || f->error));
}

static void write_verdict(struct rp_out *o, const struct rp_capture *c)
{
	const struct rp_reporter *fw = reporter(c, "fw");
	bool is_fatal = rp_capture_fatal(c);
	bool warn = (fw && fw->error) || c->outcomes[BUNDLE_OUTCOME_FAILED] ||
		    c->outcomes[BUNDLE_OUTCOME_PARTIAL];

	rp_printf(o, "<div class=\"verdict %s\" id=\"verdict\">", is_fatal ? "bad" : warn ? "warn" : "good");
	if (is_fatal) {
		rp_puts(o, "<p><b>Firmware fatal.</b> ");
		if (c->hb_valid && c->hb_synd) {
			rp_printf(o, "Health syndrome 0x%" PRIx64, c->hb_synd);
			if (c->hb_synd_name[0]) {
				rp_puts(o, " (");
				rp_html(o, c->hb_synd_name);
				rp_puts(o, ")");
			}
			rp_printf(o, ", extended syndrome 0x%" PRIx64 ", iRISC %" PRIu64, c->hb_ext_synd,
				  c->hb_irisc);
			if (c->hb_severity_valid)
				rp_printf(o, ", severity %" PRIu64 " (%s)", c->hb_severity,
					  severity_name(c->hb_severity));
			rp_printf(o, "; assert exit pointer 0x%" PRIx64 ", caller 0x%" PRIx64 ".",
				  c->hb_exit_ptr, c->hb_callra);
		} else {
			rp_puts(o, "The health buffer shows no syndrome.");
		}
		rp_puts(o, "</p>");
		if (c->hb_after && c->hb_valid && c->hb_synd && !c->hb_before_synd)
			rp_puts(o, "<p>The firmware went fatal while the capture ran: the health "
				   "buffer read first was clean, the one read again at the end was not.</p>");
	} else {
		rp_printf(o, "<p><b>%s</b> No health syndrome%s.</p>",
			  warn ? "Firmware not fatal, but something failed." : "Firmware healthy.",
			  c->hb_valid ? "" : " (no health buffer was captured)");
	}
	if (c->n_reporters) {
		bool first = true;

		rp_puts(o, "<p>Reporters: ");
		for (unsigned i = 0; i < c->n_reporters; i++) {
			const struct rp_reporter *r = &c->reporters[i];

			if (!r->name[0] || reporter(c, r->name) != r)
				continue;
			if (!first)
				rp_puts(o, "; ");
			first = false;
			rp_html(o, r->name);
			rp_puts(o, " <b>");
			rp_html(o, r->state[0] ? r->state : "?");
			rp_printf(o, "</b> (%" PRIu64 " error%s, %" PRIu64 " recover%s%s)", r->error,
				  r->error == 1 ? "" : "s", r->recover, r->recover == 1 ? "y" : "ies",
				  r->has_dump ? ", a dump is stored" : "");
		}
		rp_puts(o, ".</p>");
	}
	if (c->io_failures)
		rp_printf(o, "<p>%" PRIu64 " step%s failed with an I/O error: the device stopped "
			     "answering commands.</p>", c->io_failures, c->io_failures == 1 ? "" : "s");
	rp_puts(o, "</div>\n");
}

/* ------------------------------------------------------------- summary */

/* What made fwbox watch take the capture (the bundle's trigger note). */
static void write_trigger(struct rp_out *o, const struct rp_capture *c)
{
	char when[40], lat[32];

	fw_format_utc(c->tr_event_ns, when, sizeof(when));
	rp_duration_text(c->tr_latency_ns, lat, sizeof(lat));
	rp_puts(o, "<dt>Trigger</dt><dd>fwbox watch: ");
	rp_html(o, c->tr_reporter && *c->tr_reporter ? c->tr_reporter : "a health event");
	rp_printf(o, " %s (error count %" PRIu64 ")", c->tr_state ? "error" : "healthy",
		  c->tr_error_count);
	if (c->tr_message && *c->tr_message) {
		rp_puts(o, ", &#8220;");
		rp_html(o, c->tr_message);
		rp_puts(o, "&#8221;");
	}
	rp_puts(o, ", seen by ");
	rp_html(o, c->tr_source && *c->tr_source ? c->tr_source : "?");
	rp_printf(o, " at %s; first device read %s later", when, lat);
	if (c->tr_replayed)
		rp_puts(o, " (replayed after a daemon restart)");
	rp_puts(o, ".");
	if (c->tr_incident_events) {
		fw_format_utc(c->tr_incident_ns, when, sizeof(when));
		rp_printf(o, " Incident since %s, %" PRIu64 " event%s%s.", when, c->tr_incident_events,
			  c->tr_incident_events == 1 ? "" : "s",
			  c->tr_first_of_incident ? ", this is its first capture" : "");
	}
	if (c->tr_suppressed) {
		char a[40], b[40];

		fw_format_utc(c->tr_suppressed_first_ns, a, sizeof(a));
		fw_format_utc(c->tr_suppressed_last_ns, b, sizeof(b));
		rp_printf(o, " <b>%" PRIu64 " event%s not captured</b> (rate limits) from %s to %s.",
			  c->tr_suppressed, c->tr_suppressed == 1 ? "" : "s", a, b);
	}
	rp_puts(o, "</dd>\n");
}

static void write_summary(struct rp_out *o, const struct rp_capture *c)
{
	char buf[256];
	size_t n = c->n_steps;

	rp_puts(o, "<dl class=\"facts\">\n");
	if (c->has_device) {
		snprintf(buf, sizeof(buf), "%s", c->model ? c->model : "");
		fact(o, "Card", buf);
		fact(o, "PCI", c->pci);
		snprintf(buf, sizeof(buf), "%04x:%04x (subsystem %04x:%04x)", c->vendor_id, c->device_id,
			 c->subsys_vendor_id, c->subsys_device_id);
		fact(o, "IDs", buf);
		fact(o, "Firmware", c->fw_version);
		fact(o, "PSID", c->psid);
		fact(o, "Board", c->board_id);
		fact(o, "Serial", c->serial);
		fact(o, "Driver", c->driver);
		fact(o, "Kernel", c->kernel);
	} else {
		fact(o, "Card", "not recorded in the bundle");
	}
	fact(o, "When", c->created);
	fact(o, "Host", c->host);
	fact(o, "Why", c->reason && *c->reason ? c->reason : "no reason given (--reason)");
	if (c->has_trigger)
		write_trigger(o, c);
	rp_puts(o, "<dt>Outcome</dt><dd>");
	if (c->outcomes[BUNDLE_OUTCOME_FAILED] || c->outcomes[BUNDLE_OUTCOME_PARTIAL]) {
		badge(o, c->outcomes[BUNDLE_OUTCOME_FAILED] ? BUNDLE_OUTCOME_FAILED : BUNDLE_OUTCOME_PARTIAL);
		rp_printf(o, " %u of %zu steps failed, %u partial, %u skipped, %u ok",
			  c->outcomes[BUNDLE_OUTCOME_FAILED], n, c->outcomes[BUNDLE_OUTCOME_PARTIAL],
			  c->outcomes[BUNDLE_OUTCOME_SKIPPED], c->outcomes[BUNDLE_OUTCOME_OK]);
	} else {
		badge(o, BUNDLE_OUTCOME_OK);
		rp_printf(o, " all %zu steps ok (%u skipped)", n, c->outcomes[BUNDLE_OUTCOME_SKIPPED]);
	}
	rp_puts(o, "</dd>\n");
	fact(o, "Bundle", c->uuid);
	fact(o, "File", c->path);
	rp_bytes_text(c->bytes, buf, sizeof(buf));
	fact(o, "Size", buf);
	fact(o, "Command", c->cmdline);
	fact(o, "fwbox", c->fwbox_version);
	rp_puts(o, "</dl>\n");
}

/* ------------------------------------------------------------- health */

static void write_health(struct rp_out *o, const struct rp_capture *c, const char *id)
{
	rp_printf(o, "<h2 id=\"%s-health\">Health</h2>\n", id);
	if (c->n_reporters) {
		rp_puts(o, "<table><tr><th>reporter</th><th>state</th><th class=\"num\">errors</th>"
			   "<th class=\"num\">recoveries</th><th>dump stored</th><th>read</th></tr>\n");
		for (unsigned i = 0; i < c->n_reporters; i++) {
			const struct rp_reporter *r = &c->reporters[i];
			bool bad = !strcmp(r->state, "error") || r->error;

			rp_printf(o, "<tr%s><td>", bad ? " class=\"hl\"" : "");
			rp_html(o, r->name);
			rp_puts(o, "</td><td>");
			rp_html(o, r->state);
			rp_printf(o, "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
				     "</td><td>%s</td><td>%s</td></tr>\n",
				  r->error, r->recover, r->has_dump ? "yes" : "no",
				  r->after ? "again at the end" : "first");
		}
		rp_puts(o, "</table>\n");
	}
	if (!c->n_health) {
		rp_puts(o, "<p class=\"mute\">No health values were captured.</p>\n");
		return;
	}
	rp_printf(o, "<details><summary>All health values (%zu%s)</summary>\n<table><tr><th>source</th>"
		     "<th>item</th><th>value</th></tr>\n", c->n_health, c->health_omitted ? " listed" : "");
	for (size_t i = 0; i < c->n_health; i++) {
		const struct rp_health_item *h = &c->health[i];

		rp_puts(o, "<tr>");
		rp_td(o, NULL, h->source);
		rp_td(o, "msg", h->item);
		rp_td(o, "msg", h->value);
		rp_puts(o, "</tr>\n");
	}
	rp_puts(o, "</table>\n");
	if (c->health_omitted) {
		rp_puts(o, "<p class=\"mute small\">");
		count(o, c->health_omitted);
		rp_puts(o, " more values not listed (see 'fwbox query' on the history).</p>\n");
	}
	rp_puts(o, "</details>\n");
}

/* ------------------------------------------------------------- steps */

static int step_rank(int outcome)
{
	switch (outcome) {
	case BUNDLE_OUTCOME_FAILED: return 0;
	case BUNDLE_OUTCOME_PARTIAL: return 1;
	case BUNDLE_OUTCOME_SKIPPED: return 2;
	default: return 3;
	}
}

static void step_row(struct rp_out *o, const struct rp_step *s)
{
	char d[32] = "", b[32];

	if (s->end_ns >= s->start_ns && s->start_ns)
		rp_duration_text(s->end_ns - s->start_ns, d, sizeof(d));
	rp_bytes_text(s->size, b, sizeof(b));
	rp_puts(o, "<tr><td class=\"mono\">");
	rp_html(o, s->kind);
	rp_puts(o, "</td><td>");
	badge(o, s->outcome);
	rp_printf(o, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td>", d, b);
	rp_html(o, s->interface);
	rp_puts(o, "</td><td>");
	rp_html(o, s->reason);
	if (s->status || s->syndrome)
		rp_printf(o, " <span class=\"mute\">(status 0x%x, syndrome 0x%08x)</span>", s->status,
			  s->syndrome);
	rp_puts(o, "</td></tr>\n");
}

static const char steps_head[] =
	"<table><tr><th>kind</th><th>outcome</th><th class=\"num\">duration</th>"
	"<th class=\"num\">size</th><th>via</th><th>reason</th></tr>\n";

/* Failed and partial steps in a table; the others folded below it. */
static void write_steps(struct rp_out *o, const struct rp_capture *c, const char *id)
{
	size_t listed = 0, bad = c->outcomes[BUNDLE_OUTCOME_FAILED] + c->outcomes[BUNDLE_OUTCOME_PARTIAL];

	rp_printf(o, "<h2 id=\"%s-steps\">Steps</h2>\n", id);
	for (int rank = 0; rank < 4; rank++) {
		if (rank == 0 && bad)
			rp_puts(o, steps_head);
		if (rank == 2) {
			if (bad)
				rp_puts(o, "</table>\n");
			rp_printf(o, "<details%s><summary>%zu step%s ok or skipped</summary>\n",
				  bad ? "" : " open", c->n_steps - bad, c->n_steps - bad == 1 ? "" : "s");
			rp_puts(o, steps_head);
		}
		for (size_t i = 0; i < c->n_steps; i++) {
			if (step_rank(c->steps[i].outcome) != rank)
				continue;
			if (listed++ < REPORT_MAX_ROWS)
				step_row(o, &c->steps[i]);
		}
	}
	rp_puts(o, "</table></details>\n");
	if (listed > REPORT_MAX_ROWS)
		rp_printf(o, "<p class=\"mute small\">%zu more steps not listed "
			     "(all are in 'fwbox show').</p>\n", listed - REPORT_MAX_ROWS);
}

/* ------------------------------------------------------------- trace */

void rp_hist_coarsen(struct rp_hist *h, unsigned shift, uint64_t base);
size_t rp_trace_last(const struct rp_trace *t, const struct rp_msg **ret_ring, size_t *ret_start);

static const char *const lane_colors[] = {
	"#0969da", "#8250df", "#1a7f37", "#bf3989", "#9a6700", "#0550ae", "#cf222e", "#116329",
	"#953800", "#6639ba", "#1b7c83", "#a40e26", "#4d2d00", "#3192aa", "#7d4e00", "#57606a",
	"#6e7781",
};

/* Seconds of device time between two tick counts, as text. */
static void ticks_text(const struct rp_capture *c, uint64_t ticks, char *buf, size_t len)
{
	if (!c->clock_khz) {
		snprintf(buf, len, "%" PRIu64 " ticks", ticks);
		return;
	}
	double s = (double)ticks / ((double)c->clock_khz * 1000.0);

	if (s < 1e-3)
		snprintf(buf, len, "%.1f us", s * 1e6);
	else if (s < 1)
		snprintf(buf, len, "%.2f ms", s * 1e3);
	else
		snprintf(buf, len, "%.3f s", s);
}

static void msg_row(struct rp_out *o, const struct rp_capture *c, const struct rp_msg *m, bool fatal)
{
	const struct rp_trace *t = &c->trace;
	char rel[32];

	ticks_text(c, m->ts >= t->first_ts ? m->ts - t->first_ts : 0, rel, sizeof(rel));
	rp_printf(o, "<tr%s><td class=\"num\">%" PRIu64 "</td><td class=\"num mono\">0x%" PRIx64
		     "</td><td class=\"num\">+%s</td><td>", fatal ? " class=\"fatal\"" : "", m->seq,
		  m->ts, rel);
	rp_html(o, t->lanes[m->lane].name);
	rp_printf(o, "</td><td class=\"num\">0x%x%s</td><td class=\"msg\">", m->event_id,
		  m->lost ? " lost" : "");
	rp_html(o, m->text);
	rp_puts(o, "</td></tr>\n");
}

static void msg_table_head(struct rp_out *o)
{
	rp_puts(o, "<table><tr><th class=\"num\">#</th><th class=\"num\">device time</th>"
		   "<th class=\"num\">since first</th><th>lane</th><th class=\"num\">event</th>"
		   "<th>message</th></tr>\n");
}

#define TL_W 960
#define TL_LABEL 120
#define TL_PLOT (TL_W - TL_LABEL - 16)
#define TL_LANE 28
#define TL_TOP 8
#define TL_AXIS 30

static double x_of(uint64_t ts, uint64_t lo, uint64_t span)
{
	return TL_LABEL + (span ? (double)(ts - lo) * TL_PLOT / (double)span : TL_PLOT / 2.0);
}

static void write_timeline(struct rp_out *o, const struct rp_capture *c)
{
	const struct rp_trace *t = &c->trace;
	unsigned lanes = t->n_lanes + (t->lanes[REPORT_MAX_LANES].events ? 1 : 0);
	unsigned height = TL_TOP + lanes * TL_LANE + TL_AXIS;
	uint64_t lo = t->first_ts, hi = t->last_ts, span = hi - lo;
	struct rp_hist all = t->all;
	uint64_t blo, bhi;
	bool listed = t->events <= REPORT_MAX_EVENTS_LISTED;

	rp_printf(o, "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"100%%\" "
		     "viewBox=\"0 0 %d %u\" role=\"img\" aria-label=\"firmware trace timeline\">\n",
		  TL_W, height);
	/* Bins of the whole trace: the lanes are coarsened to the same grid. */
	{
		unsigned a = 0, b = RP_BINS - 1;

		while (a < RP_BINS - 1 && !all.bins[a])
			a++;
		while (b > a && !all.bins[b])
			b--;
		blo = all.base + a;
		bhi = all.base + b;
	}
	for (unsigned li = 0; li < lanes; li++) {
		unsigned L = li < t->n_lanes ? li : REPORT_MAX_LANES;
		const struct rp_lane *lane = &t->lanes[L];
		const char *color = lane_colors[L % (sizeof(lane_colors) / sizeof(lane_colors[0]))];
		unsigned y = TL_TOP + li * TL_LANE;
		char n[32];

		rp_printf(o, "<rect x=\"0\" y=\"%u\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", y, TL_W,
			  TL_LANE, li % 2 ? "#ffffff" : "#f6f8fa");
		rp_printf(o, "<text x=\"6\" y=\"%u\">", y + 12);
		rp_html(o, lane->name);
		rp_count_text(lane->events, n, sizeof(n));
		rp_printf(o, "</text><text x=\"6\" y=\"%u\" style=\"fill:#59636e\">%s msg</text>\n",
			  y + 24, n);
		if (listed) {
			/* Few messages: one mark each, its text on hover. */
			for (size_t i = 0; i < t->n_listed; i++) {
				const struct rp_msg *m = &t->listed[i];

				if (m->lane != L)
					continue;
				rp_printf(o, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%u\" y2=\"%u\" stroke=\"%s\" "
					     "stroke-width=\"2\"><title>", x_of(m->ts, lo, span),
					  x_of(m->ts, lo, span), y + 4, y + TL_LANE - 4,
					  m->lost ? "#cf222e" : color);
				rp_printf(o, "#%" PRIu64 " 0x%" PRIx64 ": ", m->seq, m->ts);
				rp_html(o, m->text);
				rp_puts(o, "</title></line>\n");
			}
			continue;
		}
		/* Many messages: a density bar per bin of the common grid. */
		{
			struct rp_hist h = lane->hist;
			uint32_t max = 1;
			uint64_t ncol = bhi - blo + 1;
			double w = (double)TL_PLOT / (double)ncol;
			unsigned lane_shift = all.shift;

			if (h.used && h.shift < lane_shift)
				rp_hist_coarsen(&h, lane_shift, all.base);
			else if (h.used && h.base != all.base)
				rp_hist_coarsen(&h, lane_shift, all.base);
			for (unsigned i = 0; i < RP_BINS; i++)
				if (h.bins[i] > max)
					max = h.bins[i];
			rp_printf(o, "<g fill=\"%s\">", color);
			for (unsigned i = 0; i < RP_BINS; i++) {
				uint64_t idx = all.base + i;
				double bh;
				char a[32], b[32];

				if (!h.bins[i] || idx < blo || idx > bhi)
					continue;
				bh = 2 + (TL_LANE - 8) * (log((double)h.bins[i] + 1) / log((double)max + 1));
				ticks_text(c, ((idx << all.shift) > lo ? (idx << all.shift) - lo : 0), a, sizeof(a));
				ticks_text(c, (((idx + 1) << all.shift) > lo ? ((idx + 1) << all.shift) - lo : 0),
					   b, sizeof(b));
				rp_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\">"
					     "<title>%" PRIu32 " messages, +%s to +%s</title></rect>",
					  TL_LABEL + (double)(idx - blo) * w, y + TL_LANE - 3 - bh,
					  w < 1 ? 1.0 : w, bh, h.bins[i], a, b);
			}
			rp_puts(o, "</g>\n");
		}
	}
	/* The fatal message, if one looked fatal. */
	if (t->have_fatal) {
		const struct rp_msg *m = &t->context[t->fatal_index];
		double x = x_of(m->ts, lo, span);

		rp_printf(o, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%u\" stroke=\"#cf222e\" "
			     "stroke-dasharray=\"4 3\" stroke-width=\"1.5\"><title>first fatal-looking "
			     "message: ", x, x, TL_TOP, TL_TOP + lanes * TL_LANE);
		rp_html(o, m->text);
		rp_puts(o, "</title></line>\n");
	}
	/* Axis: five marks, time since the first message. */
	{
		unsigned y = TL_TOP + lanes * TL_LANE;

		rp_printf(o, "<line x1=\"%d\" x2=\"%d\" y1=\"%u\" y2=\"%u\" stroke=\"#59636e\"/>\n",
			  TL_LABEL, TL_LABEL + TL_PLOT, y + 2, y + 2);
		for (int i = 0; i <= 4; i++) {
			uint64_t at = span / 4 * (uint64_t)i;
			double x = x_of(lo + at, lo, span);
			char txt[32];

			ticks_text(c, at, txt, sizeof(txt));
			rp_printf(o, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%u\" y2=\"%u\" stroke=\"#59636e\"/>"
				     "<text x=\"%.1f\" y=\"%u\" text-anchor=\"%s\">+%s</text>\n",
				  x, x, y + 2, y + 7, x, y + 20, i == 0 ? "start" : i == 4 ? "end" : "middle",
				  txt);
		}
	}
	rp_puts(o, "</svg>\n");
}

static void write_trace(struct rp_out *o, const struct rp_capture *c, const char *id)
{
	const struct rp_trace *t = &c->trace;
	char a[32];

	rp_printf(o, "<h2 id=\"%s-trace\">Firmware trace</h2>\n", id);
	if (!t->events) {
		rp_puts(o, "<p class=\"mute\">No firmware trace message was captured.</p>\n");
		return;
	}
	rp_puts(o, "<p>");
	count(o, t->events);
	rp_puts(o, " messages");
	{
		static const char *const src[] = { "raw ring", "tracefs lines", "devlink saved traces" };
		bool first = true;

		rp_puts(o, " (");
		for (int s = 0; s < 3; s++) {
			if (!t->by_source[s])
				continue;
			if (!first)
				rp_puts(o, ", ");
			first = false;
			count(o, t->by_source[s]);
			rp_printf(o, " from the %s", src[s]);
		}
		rp_puts(o, ")");
	}
	ticks_text(c, t->last_ts - t->first_ts, a, sizeof(a));
	rp_printf(o, " over %s of device time (0x%" PRIx64 " to 0x%" PRIx64 ")", a, t->first_ts,
		  t->last_ts);
	if (t->lost) {
		rp_puts(o, "; <b>");
		count(o, t->lost);
		rp_puts(o, " carry the lost-events flag</b>");
	}
	rp_puts(o, ".");
	if (c->clock_khz)
		rp_printf(o, " Device clock %.6g MHz (hca.caps.GENERAL device_frequency_khz).",
			  c->clock_khz / 1000.0);
	else
		rp_puts(o, " The device clock is unknown (no hca.caps.GENERAL): times are in ticks.");
	rp_puts(o, " One lane per firmware processor (the bracketed tag that begins a message).</p>\n");
	write_timeline(o, c);
	rp_puts(o, t->events <= REPORT_MAX_EVENTS_LISTED
			   ? "<p class=\"mute small\">Hover a mark for its message.</p>\n"
			   : "<p class=\"mute small\">Bar height: messages per interval (log scale); "
			     "hover for counts.</p>\n");

	/* Top formats. */
	if (t->primary >= 0 && t->counted != t->events) {
		static const char *const src[] = { "the raw ring", "the tracefs lines", "the saved traces" };

		rp_printf(o, "<p class=\"small\">Formats and the messages below are counted over the ");
		count(o, t->counted);
		rp_printf(o, " messages of %s only: the other sources hold copies of the same messages "
			     "(their lanes are drawn apart).</p>\n", src[t->primary]);
	}
	rp_printf(o, "<h3>Top formats</h3>\n<table><tr><th class=\"num\">messages</th>"
		     "<th class=\"num\">share</th><th>lane</th><th>format</th><th>example</th></tr>\n");
	for (size_t i = 0; i < t->n_formats && i < REPORT_TOP_FORMATS; i++) {
		const struct rp_format *f = &t->formats[i];

		rp_puts(o, "<tr><td class=\"num\">");
		count(o, f->count);
		rp_printf(o, "</td><td class=\"num\">%.1f%%</td><td>",
			  100.0 * (double)f->count / (double)(t->counted ? t->counted : 1));
		rp_html(o, t->lanes[f->lane].name);
		rp_puts(o, "</td><td class=\"msg\">");
		rp_html(o, f->key);
		rp_puts(o, "</td><td class=\"msg\">");
		rp_html(o, f->example);
		rp_puts(o, "</td></tr>\n");
	}
	rp_puts(o, "</table>\n");
	rp_printf(o, "<p class=\"mute small\">%zu distinct formats", t->n_formats);
	if (t->formats_approx) {
		rp_puts(o, " counted; ");
		count(o, t->other_format_events);
		rp_puts(o, " messages of further formats are not counted by format");
	}
	rp_puts(o, ". A message without a format (a tracefs line) is grouped with the messages that "
		   "differ from it only in their numbers (shown as #).</p>\n");

	/* Around the fatal event, or the end of the trace. */
	if (t->have_fatal) {
		rp_puts(o, "<h3>Messages around the first fatal-looking message</h3>\n");
		msg_table_head(o);
		for (size_t i = 0; i < t->n_context; i++)
			msg_row(o, c, &t->context[i], i == t->fatal_index);
		rp_puts(o, "</table>\n");
	} else if (t->events > REPORT_MAX_EVENTS_LISTED && t->n_before) {
		const struct rp_msg *ring;
		size_t start, n = rp_trace_last(t, &ring, &start);

		rp_puts(o, "<h3>The last messages</h3>\n<p class=\"mute small\">No message looks fatal "
			   "(assert, fatal, panic).</p>\n");
		msg_table_head(o);
		for (size_t i = 0; i < n; i++)
			msg_row(o, c, &ring[(start + i) % REPORT_FATAL_CONTEXT], false);
		rp_puts(o, "</table>\n");
	}
	if (t->events <= REPORT_MAX_EVENTS_LISTED) {
		rp_puts(o, "<details><summary>Every message</summary>\n");
		msg_table_head(o);
		for (size_t i = 0; i < t->n_listed; i++)
			msg_row(o, c, &t->listed[i], false);
		rp_puts(o, "</table>\n</details>\n");
	}
}

/* ------------------------------------------------------------- registers */

static int write_registers(struct fw_ctx *ctx, struct rp_out *o, const struct rp_capture *c,
			   const char *id)
{
	struct rp_field *f = NULL;
	size_t n = 0;
	unsigned failed = 0;
	int r;

	rp_printf(o, "<h2 id=\"%s-registers\">Registers</h2>\n", id);
	for (size_t i = 0; i < c->n_steps; i++)
		if (!strncmp(c->steps[i].kind, "reg.", 4) &&
		    (c->steps[i].outcome == BUNDLE_OUTCOME_FAILED || c->steps[i].outcome == BUNDLE_OUTCOME_SKIPPED))
			failed++;
	r = rp_regs_view(ctx, c, &f, &n);
	if (r < 0)
		return r;
	if (!n) {
		rp_printf(o, "<p class=\"mute\">No register was decoded%s.</p>\n",
			  failed ? " (the register steps failed or were skipped: see Steps)" : "");
		free(f);
		return 0;
	}
	if (failed)
		rp_printf(o, "<p class=\"mute small\">%u register step%s failed or skipped (see Steps).</p>\n",
			  failed, failed == 1 ? "" : "s");
	/* Temperatures first: what people look for. */
	{
		bool any = false;

		for (size_t i = 0; i < n; i++) {
			if (!strstr(f[i].value, "\xc2\xb0""C"))
				continue;
			if (!any)
				rp_puts(o, "<p><b>Temperatures:</b> ");
			else
				rp_puts(o, ", ");
			any = true;
			rp_html(o, f[i].name);
			rp_puts(o, " <b>");
			rp_html(o, f[i].value);
			rp_puts(o, "</b>");
		}
		if (any)
			rp_puts(o, "</p>\n");
	}
	for (size_t i = 0; i < n;) {
		size_t j = i, changed = 0;

		while (j < n && !strcmp(f[j].reg, f[i].reg)) {
			changed += f[j].changed;
			j++;
		}
		rp_printf(o, "<details%s><summary><b>", changed ? " open" : "");
		rp_html(o, f[i].reg);
		rp_printf(o, "</b> <span class=\"mute\">%zu fields", j - i);
		if (changed)
			rp_printf(o, ", <b>%zu changed</b> since the previous capture", changed);
		rp_puts(o, "</span></summary>\n<table><tr><th>field</th><th>value</th>");
		if (c->compared)
			rp_puts(o, "<th>before</th>");
		rp_puts(o, "<th>raw</th></tr>\n");
		for (size_t k = i; k < j; k++) {
			rp_printf(o, "<tr%s><td class=\"mono\">", f[k].changed ? " class=\"changed\"" : "");
			rp_html(o, f[k].name);
			rp_puts(o, "</td><td class=\"mono\">");
			rp_html(o, f[k].value);
			if (f[k].delta[0]) {
				rp_puts(o, " <span class=\"mute\">(");
				rp_html(o, f[k].delta);
				rp_puts(o, ")</span>");
			}
			rp_puts(o, "</td>");
			if (c->compared) {
				rp_puts(o, "<td class=\"mono\">");
				rp_html(o, f[k].before);
				rp_puts(o, "</td>");
			}
			rp_puts(o, "<td class=\"mono mute\">");
			rp_html(o, f[k].raw);
			rp_puts(o, "</td></tr>\n");
		}
		rp_puts(o, "</table></details>\n");
		i = j;
	}
	if (c->regs_omitted) {
		rp_puts(o, "<p class=\"mute small\">");
		count(o, c->regs_omitted);
		rp_puts(o, " more fields not shown.</p>\n");
	}
	free(f);
	return 0;
}

/* ------------------------------------------------------------- dumps */

static void write_change_table(struct rp_out *o, const char *title, const char *col_what,
			       const struct rp_change *v, size_t n, uint64_t total, bool note_col)
{
	if (!n)
		return;
	rp_printf(o, "<h3>%s</h3>\n<table><tr><th>%s</th><th>before</th><th>now</th>%s</tr>\n", title,
		  col_what, note_col ? "<th>note</th>" : "");
	for (size_t i = 0; i < n; i++) {
		rp_puts(o, "<tr class=\"changed\"><td class=\"mono\">");
		rp_html(o, v[i].what);
		if (v[i].words > 1)
			rp_printf(o, " to 0x%08" PRIx64 " (%" PRIu64 " words)", v[i].end, v[i].words);
		rp_puts(o, "</td>");
		rp_td(o, "mono", v[i].a ? v[i].a : "absent");
		rp_td(o, "mono", v[i].b ? v[i].b : "absent");
		if (note_col)
			rp_td(o, NULL, v[i].note);
		rp_puts(o, "</tr>\n");
	}
	rp_puts(o, "</table>\n");
	if (total > n) {
		rp_puts(o, "<p class=\"mute small\">");
		count(o, total);
		rp_puts(o, " in all; the first are listed ('fwbox diff' lists every one).</p>\n");
	}
}

static void write_dumps(struct rp_out *o, const struct rp_capture *c, const char *id)
{
	rp_printf(o, "<h2 id=\"%s-dumps\">CR-space and resource dumps</h2>\n", id);
	if (!c->n_crspace && !c->n_segs && !c->menu_records) {
		rp_puts(o, "<p class=\"mute\">No CR-space image or resource dump was decoded.</p>\n");
		return;
	}
	if (c->n_crspace) {
		rp_puts(o, "<table><tr><th>image</th><th class=\"num\">words</th><th class=\"num\">"
			   "non-zero</th><th>addresses</th><th class=\"num\">size</th></tr>\n");
		for (size_t i = 0; i < c->n_crspace; i++) {
			const struct rp_crspace *s = &c->crspace[i];
			char b[32];

			rp_bytes_text(4 * s->words, b, sizeof(b));
			rp_puts(o, "<tr><td class=\"mono\">");
			rp_html(o, s->source);
			rp_puts(o, "</td><td class=\"num\">");
			count(o, s->words);
			rp_puts(o, "</td><td class=\"num\">");
			count(o, s->nonzero);
			rp_printf(o, "</td><td class=\"mono\">0x%08" PRIx64 " to 0x%08" PRIx64
				     "</td><td class=\"num\">%s</td></tr>\n", s->lo, s->hi, b);
		}
		rp_puts(o, "</table>\n");
	}
	if (c->n_segs) {
		rp_puts(o, "<table><tr><th>dump</th><th>segment</th><th class=\"num\">type</th>"
			   "<th class=\"num\">records</th><th class=\"num\">bytes</th></tr>\n");
		for (size_t i = 0; i < c->n_segs; i++) {
			const struct rp_segsum *s = &c->segs[i];
			char b[32];

			rp_bytes_text(s->bytes, b, sizeof(b));
			rp_puts(o, "<tr><td class=\"mono\">");
			rp_html(o, s->dump);
			rp_puts(o, "</td><td class=\"mono\">");
			rp_html(o, s->name);
			rp_printf(o, "</td><td class=\"num mono\">0x%04x</td><td class=\"num\">", s->type);
			count(o, s->count);
			rp_printf(o, "</td><td class=\"num\">%s</td></tr>\n", b);
		}
		rp_puts(o, "</table>\n");
		rp_puts(o, "<p class=\"mute small\">");
		count(o, c->segs_total);
		rp_puts(o, " segments in all");
		if (c->menu_records) {
			rp_puts(o, "; the menu lists ");
			count(o, c->menu_records);
			rp_puts(o, " segment types");
		}
		rp_puts(o, ".</p>\n");
	}
	if (c->compared) {
		if (!c->tot_words && !c->tot_segs)
			rp_puts(o, "<p>No CR-space word and no resource-dump segment changed since the "
				   "previous capture.</p>\n");
		write_change_table(o, "CR-space words changed since the previous capture", "address",
				   c->ch_words, c->n_ch_words, c->tot_words, false);
		if (c->words_ranges_omitted)
			rp_printf(o, "<p class=\"mute small\">%" PRIu64 " more ranges of changed words.</p>\n",
				  c->words_ranges_omitted);
		write_change_table(o, "Resource-dump segments changed since the previous capture",
				   "segment", c->ch_segs, c->n_ch_segs, c->tot_segs, true);
	}
}

/* ------------------------------------------------------------- changes */

static void write_changes(struct rp_out *o, const struct rp_capture *c, const char *id)
{
	rp_printf(o, "<h2 id=\"%s-changes\">Changes since the previous capture</h2>\n", id);
	if (!c->compared) {
		rp_puts(o, "<p class=\"mute\">");
		rp_html(o, c->compare_note);
		rp_puts(o, "</p>\n");
		return;
	}
	rp_puts(o, "<p>Compared with capture <span class=\"mono\">");
	rp_html(o, c->prev_uuid);
	rp_puts(o, "</span> of the same card, made ");
	rp_html(o, c->prev_created);
	rp_printf(o, ": %" PRIu64 " step%s changed outcome, %" PRIu64 " register field%s, %" PRIu64
		     " CR-space word%s and %" PRIu64 " resource-dump segment%s changed, %" PRIu64
		     " trace format%s are new.</p>\n",
		  c->tot_steps, c->tot_steps == 1 ? "" : "s", c->tot_fields, c->tot_fields == 1 ? "" : "s",
		  c->tot_words, c->tot_words == 1 ? "" : "s", c->tot_segs, c->tot_segs == 1 ? "" : "s",
		  c->tot_msgs, c->tot_msgs == 1 ? "" : "s");
	write_change_table(o, "Steps whose outcome changed", "kind", c->ch_steps, c->n_ch_steps,
			   c->tot_steps, true);
	write_change_table(o, "Register fields changed (highlighted under Registers)", "field",
			   c->ch_fields, c->n_ch_fields, c->tot_fields, false);
	if (c->n_ch_msgs) {
		rp_puts(o, "<h3>Trace formats new in this capture</h3>\n<table><tr><th class=\"num\">"
			   "messages</th><th>format</th><th>example</th></tr>\n");
		for (size_t i = 0; i < c->n_ch_msgs; i++) {
			rp_puts(o, "<tr class=\"changed\">");
			rp_td(o, "num", c->ch_msgs[i].b);
			rp_td(o, "msg", c->ch_msgs[i].what);
			rp_td(o, "msg", c->ch_msgs[i].note);
			rp_puts(o, "</tr>\n");
		}
		rp_puts(o, "</table>\n");
		if (c->tot_msgs > c->n_ch_msgs)
			rp_printf(o, "<p class=\"mute small\">%" PRIu64 " in all.</p>\n", c->tot_msgs);
	}
}

static void write_problems(struct rp_out *o, const struct rp_capture *c, const char *id)
{
	if (!c->problems_total)
		return;
	rp_printf(o, "<h2 id=\"%s-problems\">Decoding problems</h2>\n<p>", id);
	count(o, c->problems_total);
	rp_puts(o, " parts of artifacts could not be decoded and were skipped; the rest is shown.</p>\n"
		   "<table><tr><th>artifact</th><th class=\"num\">offset</th><th>problem</th></tr>\n");
	for (size_t i = 0; i < c->n_problems; i++) {
		rp_puts(o, "<tr>");
		rp_td(o, "mono", c->problems[i].what);
		rp_td(o, "num", c->problems[i].a);
		rp_td(o, NULL, c->problems[i].note);
		rp_puts(o, "</tr>\n");
	}
	rp_puts(o, "</table>\n");
}

int rp_capture_write(struct fw_ctx *ctx, struct rp_out *o, const struct rp_capture *c,
		     unsigned index, bool with_db)
{
	char id[16];
	int r;

	snprintf(id, sizeof(id), "c%u", index);
	rp_printf(o, "<section class=\"capture\" id=\"%s\">\n<h1>", id);
	rp_html(o, c->model && *c->model ? c->model : "Unknown card");
	if (c->pci) {
		rp_puts(o, " \xc2\xb7 ");
		rp_html(o, c->pci);
	}
	if (c->fw_version) {
		rp_puts(o, " \xc2\xb7 firmware ");
		rp_html(o, c->fw_version);
	}
	rp_puts(o, " \xc2\xb7 ");
	rp_html(o, c->created);
	rp_puts(o, "</h1>\n");
	write_verdict(o, c);
	rp_printf(o, "<nav class=\"toc\"><a href=\"#%s-health\">Health</a><a href=\"#%s-steps\">Steps"
		     "</a><a href=\"#%s-trace\">Trace</a><a href=\"#%s-registers\">Registers</a>"
		     "<a href=\"#%s-dumps\">CR-space and dumps</a>", id, id, id, id, id);
	if (with_db)
		rp_printf(o, "<a href=\"#%s-changes\">Changes</a>", id);
	if (c->problems_total)
		rp_printf(o, "<a href=\"#%s-problems\">Problems</a>", id);
	rp_puts(o, "</nav>\n");
	write_summary(o, c);
	write_health(o, c, id);
	write_steps(o, c, id);
	write_trace(o, c, id);
	r = write_registers(ctx, o, c, id);
	if (r < 0)
		return r;
	write_dumps(o, c, id);
	if (with_db)
		write_changes(o, c, id);
	write_problems(o, c, id);
	rp_puts(o, "</section>\n");
	return 0;
}
