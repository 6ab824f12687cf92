/* SPDX-License-Identifier: MIT */
/*
 * report fleet: the history at a glance, from SQL over the store's tables
 * and views (fwbox-schema(7)): cards x captures, failures by step, the
 * firmware versions in use, and the trace formats whose rate went up.
 * Every list is bounded (REPORT_MAX_ROWS cards, RP_FLEET_CELLS captures a
 * card, REPORT_TOP_FORMATS formats).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/report-internal.h"

#define RP_FLEET_CELLS 60u

/* A capture is fatal when its latest health buffer has a syndrome or the
 * fw_fatal reporter is in the error state. */
#define FATAL_SQL                                                                               \
	"EXISTS (SELECT 1 FROM health h WHERE h.bundle = b.id AND h.source LIKE 'health.buffer%' " \
	"AND h.item = 'health buffer/synd' AND CAST(h.value AS INTEGER) <> 0) OR "                                 \
	"EXISTS (SELECT 1 FROM health r JOIN health s ON s.bundle = r.bundle AND "                \
	"s.source = r.source AND s.item = substr(r.item, 1, length(r.item) - 8) || 'state' "      \
	"WHERE r.bundle = b.id AND r.source LIKE 'health.reporters%' AND r.item LIKE '%/reporter' " \
	"AND r.value = 'fw_fatal' AND s.value = 'error')"

static const char totals_sql[] =
	"SELECT count(*), count(DISTINCT device), min(created), max(created) FROM bundles "
	"WHERE created_ns >= ?1";

static const char grid_sql[] =
	"SELECT d.id, d.identity, d.model, d.psid, d.serial, d.pci, d.host, "
	"b.uuid, b.created, b.fw_version, b.outcome, b.reason, "
	"(SELECT count(*) FROM artifacts a WHERE a.bundle = b.id AND a.outcome = 'failed'), "
	"(" FATAL_SQL ") "
	"FROM bundles b JOIN devices d ON d.id = b.device WHERE b.created_ns >= ?1 "
	"ORDER BY d.id, b.created_ns DESC, b.id DESC";

static const char steps_sql[] =
	"SELECT a.kind, sum(a.outcome = 'failed'), sum(a.outcome = 'partial'), "
	"count(DISTINCT b.device), a.reason, max(b.created_ns) "
	"FROM artifacts a JOIN bundles b ON b.id = a.bundle "
	"WHERE b.created_ns >= ?1 AND a.outcome IN ('failed', 'partial') "
	"GROUP BY a.kind ORDER BY sum(a.outcome IN ('failed', 'partial')) DESC, a.kind LIMIT 300";

/* Every firmware version seen in the window, with the cards whose latest
 * capture runs it. */
static const char fw_sql[] =
	"WITH w AS (SELECT id, device, fw_version, created, created_ns FROM bundles "
	"           WHERE created_ns >= ?1), "
	"latest AS (SELECT w.device, w.fw_version FROM w WHERE w.id = "
	"           (SELECT y.id FROM w y WHERE y.device IS w.device "
	"            ORDER BY y.created_ns DESC, y.id DESC LIMIT 1)) "
	"SELECT w.fw_version, (SELECT count(*) FROM latest l WHERE l.fw_version IS w.fw_version), "
	"group_concat(DISTINCT coalesce(d.model, '?')), count(*), count(DISTINCT w.device), max(w.created) "
	"FROM w LEFT JOIN devices d ON d.id = w.device GROUP BY w.fw_version "
	"ORDER BY 2 DESC, 4 DESC, w.fw_version LIMIT 300";

/* Formats whose events per capture are higher in the later half of the
 * window than in the earlier half (halves split at the midpoint of the
 * window's first and last capture times). */
static const char trend_sql[] =
	"WITH w AS (SELECT id, device, created_ns FROM bundles WHERE created_ns >= ?1), "
	"m AS (SELECT (min(created_ns) + max(created_ns)) / 2 AS mid FROM w), "
	"h AS (SELECT w.id, w.device, w.created_ns > m.mid AS late FROM w, m), "
	"n AS (SELECT sum(late) AS nl, sum(NOT late) AS ne FROM h), "
	"f AS (SELECT t.fmt, sum(CASE WHEN h.late THEN t.events ELSE 0 END) AS rl, "
	"      sum(CASE WHEN h.late THEN 0 ELSE t.events END) AS re, count(DISTINCT h.device) AS cards "
	"      FROM trace_bundle_formats t JOIN h ON h.id = t.bundle GROUP BY t.fmt) "
	"SELECT tf.text, f.rl, f.re, n.nl, n.ne, f.cards, "
	"f.rl * 1.0 / n.nl AS al, f.re * 1.0 / n.ne AS ae "
	"FROM f JOIN trace_formats tf ON tf.id = f.fmt, n "
	"WHERE n.nl > 0 AND n.ne > 0 AND f.rl * 1.0 / n.nl > f.re * 1.0 / n.ne "
	"ORDER BY (f.rl * 1.0 / n.nl + 1) / (f.re * 1.0 / n.ne + 1) DESC, f.rl DESC, tf.text LIMIT 25";

static const char *col(struct store_query *q, int i)
{
	return store_query_column_type(q, i) == STORE_NULL ? NULL : store_query_column_text(q, i);
}

static int prepare(struct store *db, const char *sql, uint64_t since, struct store_query **q)
{
	int r = store_query_prepare(db, sql, q);

	if (r < 0)
		return r;
	return store_query_bind_int(*q, 1, (int64_t)since);
}

struct cell {
	char title[512];
	const char *cls;
};

static void put_row(struct rp_out *o, const char *ident, const char *label, struct cell *cells,
		    size_t n, uint64_t more)
{
	rp_puts(o, "<tr><td class=\"lbl\"><span class=\"mono\">");
	rp_html(o, label);
	rp_puts(o, "</span> <span class=\"mute small\">");
	rp_html(o, ident);
	rp_puts(o, "</span></td>");
	if (more)
		rp_printf(o, "<td class=\"lbl mute small\">+%" PRIu64 " earlier</td>", more);
	else
		rp_puts(o, "<td class=\"lbl\"></td>");
	/* Oldest first, left to right. */
	for (size_t i = n; i-- > 0;) {
		rp_printf(o, "<td class=\"%s\" title=\"", cells[i].cls);
		rp_html(o, cells[i].title);
		rp_puts(o, "\"></td>");
	}
	rp_puts(o, "</tr>\n");
}

static int write_grid(struct fw_ctx *ctx, struct rp_out *o, struct store *db, uint64_t since,
		      struct report_result *res)
{
	struct store_query *q = NULL;
	struct cell *cells = calloc(RP_FLEET_CELLS, sizeof(*cells));
	int64_t card = -1;
	size_t n = 0;
	uint64_t more = 0, cards = 0, hidden_cards = 0;
	char ident[256] = "", label[256] = "";
	int r;

	if (!cells)
		return fw_error(ctx, -ENOMEM, "out of memory");
	r = prepare(db, grid_sql, since, &q);
	if (r < 0)
		goto out;
	rp_puts(o, "<h2 id=\"cards\">Cards and captures</h2>\n<p class=\"small\">One row per card, one "
		   "square per capture, oldest on the left: <span class=\"badge c-ok\">ok</span> "
		   "<span class=\"badge c-partial\">partial</span> <span class=\"badge c-failed\">"
		   "steps failed</span> <span class=\"badge c-fatal\">firmware fatal</span>. Hover a "
		   "square for its time, firmware and reason.</p>\n<table class=\"grid\">\n");
	while ((r = store_query_step(q)) == 1) {
		int64_t id = store_query_column_int(q, 0);
		const char *outcome = col(q, 10), *reason = col(q, 11);
		int64_t failed = store_query_column_int(q, 12);
		bool fatal = store_query_column_int(q, 13) != 0;
		struct cell *cl;

		if (id != card) {
			if (card >= 0 && cards <= REPORT_MAX_ROWS)
				put_row(o, ident, label, cells, n, more);
			card = id;
			n = 0;
			more = 0;
			if (++cards > REPORT_MAX_ROWS)
				hidden_cards++;
			snprintf(ident, sizeof(ident), "%s", col(q, 1) ? col(q, 1) : "");
			snprintf(label, sizeof(label), "%s %s %s", col(q, 2) ? col(q, 2) : "?",
				 col(q, 5) ? col(q, 5) : "", col(q, 6) ? col(q, 6) : "");
		}
		if (n == RP_FLEET_CELLS) {
			more++;
			continue;
		}
		cl = &cells[n++];
		cl->cls = fatal ? "c-fatal" : failed ? "c-failed" :
			  (outcome && strcmp(outcome, "ok")) ? "c-partial" : "c-ok";
		snprintf(cl->title, sizeof(cl->title), "%s firmware %s, %s%s%s, %" PRId64
			 " failed step%s%s%s", col(q, 8) ? col(q, 8) : "", col(q, 9) ? col(q, 9) : "?",
			 outcome ? outcome : "?", fatal ? ", FIRMWARE FATAL" : "", "", failed,
			 failed == 1 ? "" : "s", reason && *reason ? ": " : "", reason ? reason : "");
		res->captures++;
	}
	if (r < 0)
		goto out;
	if (card >= 0 && cards <= REPORT_MAX_ROWS)
		put_row(o, ident, label, cells, n, more);
	rp_puts(o, "</table>\n");
	if (hidden_cards)
		rp_printf(o, "<p class=\"mute small\">%" PRIu64 " more cards not shown.</p>\n", hidden_cards);
	if (!cards)
		rp_puts(o, "<p class=\"mute\">No capture in this window.</p>\n");
	res->cards = (unsigned)cards;
	r = 0;
out:
	store_query_free(q);
	free(cells);
	return r;
}

/* One list of the fleet page: a query and how each of its columns is shown. */
enum cell_kind {
	CELL_END = 0,
	CELL_MONO,  /* text, monospaced */
	CELL_TEXT,  /* text */
	CELL_MSG,   /* a trace format */
	CELL_INT,   /* an integer, right-aligned */
	CELL_DEC1,  /* a number with one decimal, right-aligned */
};

struct list_section {
	const char *sql;
	const char *intro;    /* heading and explanation */
	/* The table's first row: header[0], the integer in column head_cols[0]
	 * of the first result row, header[1], the one in head_cols[1],
	 * header[2] (a column of -1 shows nothing). */
	const char *header[3];
	int head_cols[2];
	struct {
		int col;
		enum cell_kind kind;
		const char *null; /* shown for NULL (text cells) */
	} cells[8];
	const char *empty;    /* when the query returns nothing */
};

static const struct list_section steps_section = {
	.sql = steps_sql,
	.intro = "<h2 id=\"failures\">Failures by step</h2>\n",
	.header = { "<table><tr><th>step</th><th class=\"num\">failed</th><th class=\"num\">"
		    "partial</th><th class=\"num\">cards</th><th>latest reason</th></tr>\n" },
	.head_cols = { -1, -1 },
	.cells = { { 0, CELL_MONO }, { 1, CELL_INT }, { 2, CELL_INT }, { 3, CELL_INT },
		   { 4, CELL_TEXT } },
	.empty = "<p>No step failed in this window.</p>\n",
};

static const struct list_section firmware_section = {
	.sql = fw_sql,
	.intro = "<h2 id=\"firmware\">Firmware versions in use</h2>\n<p class=\"small mute\">Every "
		 "version seen in the window; <i>cards now</i> counts the cards whose latest capture "
		 "runs it.</p>\n",
	.header = { "<table><tr><th>firmware</th><th class=\"num\">cards now</th><th>models</th>"
		    "<th class=\"num\">captures</th><th class=\"num\">cards seen</th>"
		    "<th>last seen</th></tr>\n" },
	.head_cols = { -1, -1 },
	.cells = { { 0, CELL_MONO, "unknown" }, { 1, CELL_INT }, { 2, CELL_TEXT }, { 3, CELL_INT },
		   { 4, CELL_INT }, { 5, CELL_TEXT } },
	.empty = "<p class=\"mute\">No capture in this window.</p>\n",
};

static const struct list_section trends_section = {
	.sql = trend_sql,
	.intro = "<h2 id=\"trends\">Trace formats trending up</h2>\n<p class=\"small mute\">The "
		 "window is split at the midpoint between its first and last capture; a format "
		 "trends up when its messages per capture are higher in the later half.</p>\n",
	.header = { "<table><tr><th class=\"num\">per capture, later (",
		    ")</th><th class=\"num\">per capture, earlier (",
		    ")</th><th class=\"num\">cards</th><th>format</th></tr>\n" },
	.head_cols = { 3, 4 },
	.cells = { { 6, CELL_DEC1 }, { 7, CELL_DEC1 }, { 5, CELL_INT }, { 0, CELL_MSG } },
	.empty = "<p class=\"mute\">No format trends up (this needs captures in both halves "
		 "of the window).</p>\n",
};

static void put_cell(struct rp_out *o, struct store_query *q, int i, enum cell_kind kind,
		     const char *null)
{
	static const char *const open[] = {
		[CELL_MONO] = "<td class=\"mono\">", [CELL_TEXT] = "<td>",
		[CELL_MSG] = "<td class=\"msg\">",   [CELL_INT] = "<td class=\"num\">",
		[CELL_DEC1] = "<td class=\"num\">",
	};

	rp_puts(o, open[kind]);
	if (kind == CELL_INT)
		rp_printf(o, "%" PRId64, store_query_column_int(q, i));
	else if (kind == CELL_DEC1)
		rp_printf(o, "%.1f", store_query_column_double(q, i));
	else
		rp_html(o, col(q, i) ? col(q, i) : null);
	rp_puts(o, "</td>");
}

static int write_list(struct rp_out *o, struct store *db, uint64_t since,
		      const struct list_section *ls)
{
	struct store_query *q = NULL;
	unsigned rows = 0;
	int r = prepare(db, ls->sql, since, &q);

	if (r < 0)
		return r;
	rp_puts(o, ls->intro);
	while ((r = store_query_step(q)) == 1) {
		for (size_t k = 0; !rows && k < 3; k++) {
			if (ls->header[k])
				rp_puts(o, ls->header[k]);
			if (k < 2 && ls->head_cols[k] >= 0)
				rp_printf(o, "%" PRId64, store_query_column_int(q, ls->head_cols[k]));
		}
		rows++;
		rp_puts(o, "<tr>");
		for (size_t i = 0; i < sizeof(ls->cells) / sizeof(ls->cells[0]) && ls->cells[i].kind; i++)
			put_cell(o, q, ls->cells[i].col, ls->cells[i].kind, ls->cells[i].null);
		rp_puts(o, "</tr>\n");
	}
	store_query_free(q);
	if (r < 0)
		return r;
	rp_puts(o, rows ? "</table>\n" : ls->empty);
	return 0;
}

int rp_fleet_write(struct fw_ctx *ctx, struct rp_out *o, struct store *db, const char *db_path,
		   uint64_t since_ns, struct report_result *res)
{
	struct store_query *q = NULL;
	int r = prepare(db, totals_sql, since_ns, &q);

	if (r < 0)
		return r;
	r = store_query_step(q);
	if (r < 0) {
		store_query_free(q);
		return r;
	}
	rp_puts(o, "<section class=\"capture\">\n<h1>Fleet</h1>\n<dl class=\"facts\">\n<dt>History</dt><dd>");
	rp_html(o, db_path ? db_path : "");
	rp_puts(o, "</dd>\n");
	if (since_ns) {
		char when[40];

		fw_format_utc(since_ns, when, sizeof(when));
		rp_printf(o, "<dt>Since</dt><dd>%s</dd>\n", when);
	}
	rp_printf(o, "<dt>Captures</dt><dd>%" PRId64 " of %" PRId64 " cards</dd>\n",
		  store_query_column_int(q, 0), store_query_column_int(q, 1));
	if (col(q, 2)) {
		rp_puts(o, "<dt>From</dt><dd>");
		rp_html(o, col(q, 2));
		rp_puts(o, " to ");
		rp_html(o, col(q, 3));
		rp_puts(o, "</dd>\n");
	}
	rp_puts(o, "</dl>\n<nav class=\"toc\"><a href=\"#cards\">Cards and captures</a><a href=\"#failures\">"
		   "Failures by step</a><a href=\"#firmware\">Firmware versions in use</a><a href=\"#trends\">"
		   "Formats trending up</a></nav>\n");
	store_query_free(q);
	r = write_grid(ctx, o, db, since_ns, res);
	if (r >= 0)
		r = write_list(o, db, since_ns, &steps_section);
	if (r >= 0)
		r = write_list(o, db, since_ns, &firmware_section);
	if (r >= 0)
		r = write_list(o, db, since_ns, &trends_section);
	rp_puts(o, "</section>\n");
	return r;
}
