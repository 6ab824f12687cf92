/* SPDX-License-Identifier: MIT */
#pragma once
/* report: declarations shared by the files of src/report/ only. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/limits.h"
#include "report/report.h"
#include "store/store.h"

/* ------------------------------------------------------------ output */

/* A buffered writer over a FILE.  Errors are sticky: after one, writes do
 * nothing and rp_flush() returns the error (as -errno). */
struct rp_out {
	FILE *f;
	char buf[1 << 16];
	size_t len;
	int err;
	uint64_t bytes;
};

void rp_init(struct rp_out *o, FILE *f);
void rp_put(struct rp_out *o, const void *data, size_t n);
void rp_puts(struct rp_out *o, const char *s);
void rp_putc(struct rp_out *o, char c);
void rp_printf(struct rp_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rp_u64(struct rp_out *o, uint64_t v);
int rp_flush(struct rp_out *o);

/* Text from outside (bundle, history) escaped for HTML text and attribute
 * values: & < > " ' as references, invalid UTF-8 as U+FFFD, control
 * characters as their Unicode control pictures (U+2400...).  NULL writes
 * nothing. */
void rp_html_n(struct rp_out *o, const char *s, size_t n);
void rp_html(struct rp_out *o, const char *s);
/* One table cell holding s escaped: <td class="cls"> (plain <td> when cls
 * is NULL); NULL s is an empty cell. */
void rp_td(struct rp_out *o, const char *cls, const char *s);
void rp_htmlf(struct rp_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string (with the quotes): invalid UTF-8 as U+FFFD, controls as
 * \u00XX. */
void rp_json_str_n(struct rp_out *o, const char *s, size_t n);
void rp_json_str(struct rp_out *o, const char *s);

/* "1.5 KiB", "12 MiB" */
void rp_bytes_text(uint64_t n, char *buf, size_t len);
/* "1,234,567" */
void rp_count_text(uint64_t n, char *buf, size_t len);
/* Duration of ns as "850 us", "1.2 ms", "3.4 s". */
void rp_duration_text(uint64_t ns, char *buf, size_t len);

/* ------------------------------------------------------------ trace aggregation */

#define RP_BINS 1024u

/* A histogram over device ticks whose bins are 2^shift ticks wide and
 * aligned to multiples of it: when an event falls outside, the bins are
 * merged pairwise (shift + 1) until it fits, so counts stay exact. */
struct rp_hist {
	uint64_t base;            /* bin index (ts >> shift) of bin 0 */
	unsigned shift;
	bool used;
	uint32_t bins[RP_BINS];
};

/* The fleet-wide or per-lane counts. */
struct rp_lane {
	char name[40];
	uint64_t events;
	uint64_t lost;
	uint64_t first_ts, last_ts;
	struct rp_hist hist;
};

struct rp_format {
	char *key;               /* format, or the message with its numbers as '#' */
	char *example;           /* one rendered message */
	uint64_t count;
	uint64_t err;            /* space-saving over-count bound (0: exact) */
	uint64_t first_ts;
	unsigned lane;
};

/* One listed message. */
struct rp_msg {
	uint64_t ts;
	uint64_t seq;
	unsigned lane;
	uint8_t event_id;
	bool lost;
	enum trace_source source;
	char text[FW_LIMIT_TRACE_MESSAGE];
};

struct rp_trace {
	/* The source whose messages are counted by format, listed around the
	 * fatal one and numbered (a bundle with the ring holds the tracefs
	 * text of the same period too: counting both would count each
	 * message twice); -1: every source.  Every source is drawn. */
	int primary;
	uint64_t counted;          /* messages of the primary source */
	uint64_t events;
	uint64_t lost;
	uint64_t by_source[3];
	uint64_t first_ts, last_ts;
	bool any;
	struct rp_lane lanes[REPORT_MAX_LANES + 1];  /* the last: "other" */
	unsigned n_lanes;
	struct rp_hist all;
	/* Formats: exact until REPORT_MAX_FORMATS distinct keys, then the
	 * space-saving algorithm replaces the least counted. */
	struct rp_format *formats;
	size_t n_formats;
	bool formats_approx;
	/* Every message while there are at most REPORT_MAX_EVENTS_LISTED. */
	struct rp_msg *listed;
	size_t n_listed;
	/* The fatal context: the REPORT_FATAL_CONTEXT messages before the
	 * first fatal-looking one (a ring), it, and those after it. */
	struct rp_msg *before;     /* ring of REPORT_FATAL_CONTEXT */
	size_t n_before;           /* messages ever put in the ring */
	struct rp_msg *context;    /* up to 2 * REPORT_FATAL_CONTEXT + 1, in order */
	size_t n_context;
	bool have_fatal;
	size_t fatal_index;        /* index of the fatal message in context */
	size_t after_left;
	uint64_t other_format_events;  /* messages of formats past REPORT_MAX_FORMATS */
	void *priv;                /* the format hash table */
};

int rp_trace_init(struct fw_ctx *ctx, struct rp_trace *t);
void rp_trace_release(struct rp_trace *t);
int rp_trace_add(struct fw_ctx *ctx, struct rp_trace *t, const struct trace_event *ev,
		 const char *msg);
/* Formats sorted by count, most first (in place). */
void rp_trace_sort_formats(struct rp_trace *t);
/* The last messages (when none looked fatal): *ret_ring[(*ret_start + i) %
 * REPORT_FATAL_CONTEXT] for i below the count returned. */
size_t rp_trace_last(const struct rp_trace *t, const struct rp_msg **ret_ring, size_t *ret_start);
/* Re-bin a histogram to a coarser grid (shift >= h->shift). */
void rp_hist_coarsen(struct rp_hist *h, unsigned shift, uint64_t base);
/* Whether a message looks like the firmware reporting a fatal condition. */
bool rp_msg_is_fatal(const char *msg);

/* ------------------------------------------------------------ registers */

/* A register field as people read it: 64-bit halves joined, temperatures
 * in degrees C.  Filled by rp_regs_view(). */
struct rp_field {
	char reg[24];
	char name[64];
	char value[160];
	char raw[96];               /* the raw value when value is a conversion, else "" */
	bool changed;               /* differs from the previous capture */
	char before[160];           /* the previous capture's value, when changed */
	char delta[32];             /* joined counters: now - before */
};

/* A field as decoded (struct regs_field, copied). */
struct rp_regraw {
	char reg[24];
	char field[64];
	bool numeric;
	uint32_t value;
	uint32_t width;
	char *text;                 /* regs_field_value_text() */
};

/* ------------------------------------------------------------ one capture */

struct rp_step {
	char *kind;
	char *reason;
	int outcome;               /* enum bundle_outcome */
	uint64_t size;
	uint64_t start_ns, end_ns;
	int32_t err;
	uint32_t status, syndrome;
	char *interface;
};

struct rp_health_item {
	char *source;
	char *item;
	char *value;
};

struct rp_reporter {
	char name[64];
	char state[32];
	char source[64];
	uint64_t error, recover;
	bool has_dump;
	bool after;                /* from a KIND.after read */
};

struct rp_crspace {
	char *source;              /* the artifact kind */
	uint64_t words, nonzero;
	uint64_t lo, hi;           /* address range */
	bool any;
};

struct rp_segsum {
	char *dump;                /* artifact kind */
	char name[48];
	uint32_t type;
	uint64_t count;
	uint64_t bytes;
};

struct rp_change {
	char *what;                /* kind, register.field, "address", format */
	char *a, *b;               /* before, after (NULL: absent) */
	char *note;
	uint64_t start, end, words; /* CR-space ranges */
};

struct rp_capture {
	/* Index. */
	char uuid[37];
	bool has_device;
	char *path;
	char *created;             /* UTC text */
	uint64_t created_ns;
	char *host, *reason, *cmdline, *fwbox_version;
	/* The trigger note of a capture taken by fwbox watch. */
	bool has_trigger;
	char *tr_source, *tr_reporter, *tr_message;
	uint32_t tr_state, tr_first_of_incident, tr_replayed;
	uint64_t tr_error_count, tr_event_ns, tr_latency_ns, tr_incident_ns, tr_incident_events;
	uint64_t tr_suppressed, tr_suppressed_first_ns, tr_suppressed_last_ns;
	char *pci, *model, *fw_version, *psid, *board_id, *serial, *kernel, *driver;
	uint16_t vendor_id, device_id, subsys_vendor_id, subsys_device_id;
	struct rp_step *steps;
	size_t n_steps;
	unsigned outcomes[4];
	uint64_t bytes;            /* uncompressed member bytes */
	uint32_t clock_khz;
	/* Health. */
	struct rp_health_item *health;
	size_t n_health;
	uint64_t health_omitted;
	struct rp_reporter reporters[32];
	unsigned n_reporters;
	/* The latest health-buffer reading (".after" wins). */
	bool hb_valid, hb_after, hb_severity_valid;
	char hb_source[64];
	uint64_t hb_synd, hb_ext_synd, hb_irisc, hb_severity, hb_time, hb_exit_ptr, hb_callra;
	uint64_t hb_before_synd;   /* the first reading's syndrome, when read again */
	char hb_synd_name[96];
	uint64_t io_failures;      /* steps that failed with EIO */
	/* Trace. */
	struct rp_trace trace;
	/* Registers. */
	struct rp_regraw *regraw;
	size_t n_regraw, cap_regraw;
	uint64_t regs_omitted;
	/* CR-space and resource dumps. */
	struct rp_crspace *crspace;
	size_t n_crspace;
	struct rp_segsum *segs;
	size_t n_segs;
	uint64_t segs_total, segs_omitted, menu_records;
	/* Decode problems. */
	struct rp_change *problems;  /* what = kind, note = message */
	size_t n_problems;
	uint64_t problems_total;
	/* Changes since the previous capture. */
	bool compared;
	char *prev_uuid, *prev_created, *compare_note;
	struct rp_change *ch_steps, *ch_fields, *ch_words, *ch_msgs, *ch_segs;
	size_t n_ch_steps, n_ch_fields, n_ch_words, n_ch_msgs, n_ch_segs;
	uint64_t tot_steps, tot_fields, tot_words, tot_msgs, tot_segs;
	uint64_t words_ranges_omitted;
};

int rp_capture_gather(struct fw_ctx *ctx, const char *path, struct rp_capture *c);
/* Compare with the previous capture of the same card in db (sets
 * c->compared or c->compare_note). */
int rp_capture_compare(struct fw_ctx *ctx, struct store *db, struct rp_capture *c);
void rp_capture_release(struct rp_capture *c);

/* Keep a decoded register field (a struct regs_field). */
int rp_regs_add(struct fw_ctx *ctx, struct rp_capture *c, const char *kind, const void *field);
void rp_regs_release(struct rp_capture *c);
/* The fields as shown: 64-bit halves joined, temperatures in degrees C,
 * changes from c->ch_fields marked.  *ret is malloc'd. */
int rp_regs_view(struct fw_ctx *ctx, const struct rp_capture *c, struct rp_field **ret,
		 size_t *ret_n);
/* Whether the capture shows the firmware fatal. */
bool rp_capture_fatal(const struct rp_capture *c);

/* ------------------------------------------------------------ page */

void rp_page_begin(struct rp_out *o, const char *title, uint64_t now_ns);
void rp_page_end(struct rp_out *o, uint64_t now_ns);
/* 0, or a negative errno with a message on ctx; write errors stay in o->err. */
int rp_capture_write(struct fw_ctx *ctx, struct rp_out *o, const struct rp_capture *c,
		     unsigned index, bool with_db);
int rp_fleet_write(struct fw_ctx *ctx, struct rp_out *o, struct store *db, const char *db_path,
		   uint64_t since_ns, struct report_result *res);

char *rp_strdup(const char *s);
