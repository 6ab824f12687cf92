/* SPDX-License-Identifier: MIT */
/*
 * watch: the capture daemon (watch.h).  One thread, one poll() loop over
 * the event sources of every device, a wake-up eventfd for SIGTERM and
 * SIGHUP; captures run in the loop, one at a time, and events that arrive
 * meanwhile wait in their sources (the kernel socket, the emulator queue)
 * with the time they happened, so the policy sees them as "during a
 * capture" and records them, not drops them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <dirent.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "core/buf.h"
#include "collect/collect.h"
#include "device/device.h"
#include "device/discovery.h"
#include "store/store.h"
#include "watch/journal.h"
#include "watch/watch.h"

#define WATCH_EVENTS_BATCH 64u
#define WATCH_HISTORY 20u               /* last events/captures/... in the status */
/* A devlink error notification comes before the kernel stores its dump
 * (devlink_health_report() notifies, then dumps); wait this long at most
 * for the dump before capturing without it. */
#define WATCH_DUMP_WAIT_MS 250u

/* How a device is watched: its health events (the device's health
 * methods, version 3: devlink notifications, the emulator's schedule), or
 * polling. */
enum source {
	SRC_NONE,
	SRC_EVENTS,
	SRC_POLL_REPORTERS,
	SRC_POLL_BUFFER,
};

struct wevent {
	const char *source;             /* the trigger note's source */
	char reporter[64];
	bool error;
	uint64_t error_count;
	bool has_dump;
	char msg[160];
	uint64_t time_ns, mono_ns;
	uint64_t recv_mono_ns;          /* when the daemon took it in hand */
	uint64_t mark;                  /* what a capture covers: error count, buffer hash */
	bool before_start;              /* present at start: no latency to tell */
};

struct wdev {
	char spec[256];
	char key[128];                  /* card key: PCI address, devlink handle */
	struct fw_device *fdev;
	enum source src;
	const char *events_name;        /* with SRC_EVENTS: how they come */
	int events_fd;                  /* with SRC_EVENTS: what to poll */
	struct fw_health_reporter *last;
	size_t nlast;
	uint8_t last_hb[64];            /* polling the health buffer: the last one read */
	bool have_hb;
	struct watch_card_state st;
	uint64_t capture_start_mono_ns, capture_end_mono_ns;
	uint64_t next_poll_mono_ms;
	struct wevent present;          /* CaptureExisting=: what to capture once ready */
	bool has_present;
};

struct hist {
	char line[512];
};

struct watch {
	struct fw_ctx *ctx;
	struct watch_options o;
	struct watch_config cfg;
	char cmdline[1024];
	char config_path[1024];
	char sysroot[1024];
	struct wdev *devs;
	size_t ndevs;
	int wake_fd;
	int daemon_lock_fd;
	char state_dir[1100];
	struct watch_journal *journal;
	struct watch_global_state g;
	unsigned captures;
	volatile sig_atomic_t stop, reload;
	struct hist events[WATCH_HISTORY], caps[WATCH_HISTORY], supps[WATCH_HISTORY],
		removed[WATCH_HISTORY], present[WATCH_HISTORY];
	unsigned nevents, ncaps, nsupps, nremoved, npresent;
	bool status_dirty;              /* written once per loop turn, not per event */
};

static void note(struct watch *w, const struct watch_note *n)
{
	if (w->o.note)
		w->o.note(w->o.note_userdata, n);
}

static void warn(struct watch *w, const char *device, const char *msg)
{
	struct watch_note n = { .kind = WATCH_NOTE_WARNING, .device = device, .msg = msg };

	note(w, &n);
}

static const char *source_name(const struct wdev *d)
{
	switch (d->src) {
	case SRC_EVENTS:
		return d->events_name;
	case SRC_POLL_REPORTERS:
		return "polling devlink reporters";
	case SRC_POLL_BUFFER:
		return "polling the health buffer";
	default:
		return "none";
	}
}

static uint64_t mono_ms(void)
{
	return fw_monotonic_ns() / 1000000u;
}

/* The syndrome's byte in the 64-byte health buffer (mlx5_ifc's
 * health_buffer: synd at 0x3d). */
#define HB_SYND 0x3d

/* FNV-1a of a health buffer: what a capture of it covered. */
static uint64_t hb_hash(const void *hb)
{
	const uint8_t *p = hb;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < 64; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* ------------------------------------------------------------ status */

static void hist_push(struct hist *h, unsigned *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void hist_push(struct hist *h, unsigned *n, const char *fmt, ...)
{
	va_list ap;

	if (*n == WATCH_HISTORY) {
		memmove(h, h + 1, (WATCH_HISTORY - 1) * sizeof(*h));
		(*n)--;
	}
	va_start(ap, fmt);
	vsnprintf(h[*n].line, sizeof(h[*n].line), fmt, ap);
	va_end(ap);
	(*n)++;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* s escaped for a JSON string (without the quotes); four rotating buffers
 * so one format call can use several (the daemon is one thread). */
static const char *jesc(const char *s)
{
	static char bufs[4][2600];
	static unsigned next;
	char *out = bufs[next++ % 4];
	size_t o = 0;

	for (; s && *s && o < sizeof(bufs[0]) - 8; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(out + o, 8, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return out;
}

/* NAME (ISO 8601 UTC) and NAME_us, as fwbox(1) writes times. */
static void json_time(FILE *f, const char *name, uint64_t ns)
{
	char when[48];

	fw_format_utc(ns, when, sizeof(when));
	fprintf(f, "\"%s\": \"%s\", \"%s_us\": %" PRIu64, name, when, name, ns / 1000u);
}

/* The same into a buffer, for the history lines. */
static const char *time_fields(char *buf, size_t len, const char *name, uint64_t ns)
{
	char when[48];

	if (!ns) {
		snprintf(buf, len, "\"%s\": null, \"%s_us\": null", name, name);
		return buf;
	}
	fw_format_utc(ns, when, sizeof(when));
	snprintf(buf, len, "\"%s\": \"%s\", \"%s_us\": %" PRIu64, name, when, name, ns / 1000u);
	return buf;
}

static void json_hist(FILE *f, const char *name, const struct hist *h, unsigned n, bool last)
{
	fprintf(f, "  \"%s\": [", name);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%s\n    %s", i ? "," : "", h[i].line);
	fprintf(f, "%s]%s\n", n ? "\n  " : "", last ? "" : ",");
}

/* Write <state>/status.json atomically (temp file, rename). */
static void status_write(struct watch *w)
{
	char path[1200], tmp[1210];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int fd;

	if (!f)
		return;
	fprintf(f, "{\n  \"pid\": %ld,\n", (long)getpid());
	json_time(f, "updated", fw_now_ns());
	fprintf(f, ",\n  \"capture_count\": %u,\n", w->captures);
	fprintf(f, "  \"spool\": ");
	json_str(f, w->cfg.spool);
	fprintf(f, ",\n  \"devices\": [");
	for (size_t i = 0; i < w->ndevs; i++) {
		const struct wdev *d = &w->devs[i];

		fprintf(f, "%s\n    {\"card\": ", i ? "," : "");
		json_str(f, d->key);
		fprintf(f, ", \"mode\": ");
		json_str(f, source_name(d));
		fprintf(f, ", \"incident_events\": %" PRIu64 ", \"suppressed\": %" PRIu64 "}",
			d->st.incident_events, d->st.supp.count);
	}
	fprintf(f, "%s],\n", w->ndevs ? "\n  " : "");
	json_hist(f, "events", w->events, w->nevents, false);
	json_hist(f, "captures", w->caps, w->ncaps, false);
	json_hist(f, "suppressions", w->supps, w->nsupps, false);
	json_hist(f, "removed", w->removed, w->nremoved, false);
	json_hist(f, "present_at_start", w->present, w->npresent, true);
	fprintf(f, "}\n");
	if (fclose(f) != 0) {
		free(buf);
		return;
	}
	snprintf(path, sizeof(path), "%s/status.json", w->state_dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		bool ok = write(fd, buf, len) == (ssize_t)len;

		close(fd);
		if (!ok || rename(tmp, path) < 0)
			unlink(tmp);
	}
	free(buf);
}

int watch_status_read(struct fw_ctx *ctx, const char *spool, char **ret_json, size_t *ret_len)
{
	char path[1200];
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd, r;

	snprintf(path, sizeof(path), "%s/.fwbox-watch/status.json", spool);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT)
			return fw_error(ctx, r, "no status in '%s': fwbox watch never ran on this spool",
					spool);
		return fw_error(ctx, r, "cannot open '%s': %s", path, strerror(-r));
	}
	buf = malloc(1u << 20);
	if (!buf) {
		close(fd);
		return fw_error(ctx, -ENOMEM, "out of memory");
	}
	while ((n = read(fd, buf + len, (1u << 20) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	*ret_json = buf;
	*ret_len = len;
	return 0;
}

/* ------------------------------------------------------------ devices */

static int dev_open(struct watch *w, struct wdev *d, const char *spec)
{
	struct fw_device_open_opts oo = { .sysroot = w->sysroot };
	struct fw_device_info info;
	int r;

	snprintf(d->spec, sizeof(d->spec), "%s", spec);
	r = fw_device_open_with(w->ctx, spec, &oo, &d->fdev);
	if (r < 0)
		return fw_error_prefix(w->ctx, r, "device '%s'", spec);
	r = fw_device_info(d->fdev, &info);
	if (r < 0)
		return fw_error_prefix(w->ctx, r, "device '%s'", spec);
	/* A card is its PCI address; a devlink handle given as the spec names
	 * itself. */
	if (info.devlink[0] && !strcmp(spec, info.devlink))
		snprintf(d->key, sizeof(d->key), "%s", spec);
	else
		snprintf(d->key, sizeof(d->key), "%s", info.pci[0] ? info.pci : spec);
	d->events_fd = -1;
	return 0;
}

/*
 * Choose each device's source: its health events where it has them (not
 * with --poll, unless polling would miss them), else its reporters every
 * PollInterval=, else its health buffer.  Events that exist but cannot be
 * had (a kernel that refuses the multicast group) are a warning.
 */
static void choose_sources(struct watch *w)
{
	for (size_t i = 0; i < w->ndevs; i++) {
		struct wdev *d = &w->devs[i];
		struct fw_health_reporter *rep = NULL;
		size_t n = 0;
		int fd = -EOPNOTSUPP;
		char why[512] = "";

		if (!w->o.force_poll || fw_device_health_events_only(d->fdev)) {
			fd = fw_device_health_events_open(d->fdev, &d->events_name);
			if (fd < 0)
				snprintf(why, sizeof(why), "%s", fw_ctx_errmsg(w->ctx));
		}
		if (fd >= 0) {
			d->src = SRC_EVENTS;
			d->events_fd = fd;
		} else if (fw_device_health_reporters(d->fdev, &rep, &n) >= 0) {
			d->src = SRC_POLL_REPORTERS;
		} else {
			d->src = SRC_POLL_BUFFER;
		}
		if (fd < 0 && fd != -EOPNOTSUPP) {
			char msg[600];

			if (d->src == SRC_POLL_REPORTERS)
				snprintf(msg, sizeof(msg),
					 "%s; polling the reporters every %" PRIu64 " ms instead", why,
					 w->cfg.poll_interval_ms);
			else
				snprintf(msg, sizeof(msg), "%s; polling the health buffer instead", why);
			warn(w, d->key, msg);
		}
		/* The baseline: errors counted before we started are not events. */
		if (!rep && fw_device_health_reporters(d->fdev, &rep, &n) < 0)
			n = 0;
		free(d->last);
		d->last = rep;
		d->nlast = n;
		/* Nor is a syndrome the health buffer already holds. */
		if (d->src == SRC_POLL_BUFFER) {
			void *hb = NULL;
			size_t len = 0;

			if (fw_device_health_buffer(d->fdev, &hb, &len) >= 0 && len >= sizeof(d->last_hb)) {
				memcpy(d->last_hb, hb, sizeof(d->last_hb));
				d->have_hb = true;
			}
			free(hb);
		}
		fw_ctx_clear_error(w->ctx);
	}
}

/* ------------------------------------------------------------ captures */

static void set_reason(char *buf, size_t len, const struct wdev *d, const struct wevent *ev,
		       bool replayed)
{
	snprintf(buf, len, "fwbox watch: %s reporter '%s' %s (error count %" PRIu64 ")%s%s%s",
		 d->key, ev->reporter, ev->error ? "error" : "event", ev->error_count,
		 ev->msg[0] ? ": " : "", ev->msg, replayed ? " [acknowledged before a restart]" : "");
}

static int card_lock(struct watch *w, const struct wdev *d)
{
	char path[1400], name[140];
	int fd;

	snprintf(name, sizeof(name), "%s", d->key);
	for (char *p = name; *p; p++)
		if (*p == '/' || *p == ':')
			*p = '_';
	snprintf(path, sizeof(path), "%s/lock.%s", w->state_dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	/* flock: the kernel drops it when the holder dies, so a crashed
	 * daemon never leaves a card locked. */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int r = -errno;

		close(fd);
		return r == -EWOULDBLOCK ? -EBUSY : r;
	}
	return fd;
}

static void retention(struct watch *w);

/* During a capture: the event's journal line is made durable once the
 * first step (the first device read) is done, not before it. */
struct capture_progress {
	struct watch *w;
	fw_progress_fn next;
	void *next_ud;
};

static void capture_progress(void *ud, const char *what, unsigned step, unsigned nsteps,
			     uint64_t bytes)
{
	struct capture_progress *cp = ud;

	if (step >= 2 || !strcmp(what, "publishing"))
		if (watch_journal_sync(cp->w->journal) < 0) {
			warn(cp->w, NULL, fw_ctx_errmsg(cp->w->ctx));
			fw_ctx_clear_error(cp->w->ctx);
		}
	if (cp->next)
		cp->next(cp->next_ud, what, step, nsteps, bytes);
}

static int do_capture(struct watch *w, struct wdev *d, const struct wevent *ev, uint64_t seq,
		      bool replayed, bool first)
{
	struct capture_progress cp = { .w = w };
	struct collect_options co = { 0 };
	struct bundle_trigger trig = { 0 };
	struct collect *c = NULL;
	char reason[512], *path = NULL;
	struct watch_note n = { .kind = WATCH_NOTE_CAPTURE, .device = d->key,
				.reporter = ev->reporter, .event_ns = ev->time_ns,
				.replayed = replayed, .first_of_incident = first };
	const char *outcome = "none";
	uint64_t latency = 0, handling = 0;
	int lock, r;

	lock = card_lock(w, d);
	if (lock < 0) {
		char msg[300];

		snprintf(msg, sizeof(msg), "card is locked by another capture (%s); event kept in the journal",
			 strerror(-lock));
		warn(w, d->key, msg);
		return lock;
	}
	note(w, &n);
	/* The card is busy from its triggering event on: what happens between
	 * the event and the first read belongs to this capture too. */
	d->capture_start_mono_ns = replayed || ev->before_start ? fw_monotonic_ns() : ev->mono_ns;
	set_reason(reason, sizeof(reason), d, ev, replayed);
	co.output = w->cfg.spool;
	co.reason = reason;
	co.trace_seconds = w->cfg.trace_seconds;
	co.cmdline = w->cmdline;
	co.sysroot = w->sysroot[0] ? w->sysroot : NULL;
	co.compression = BUNDLE_COMPRESS_ZSTD;
	trig.source = ev->source ? ev->source : "";
	trig.reporter = ev->reporter;
	trig.state = ev->error ? 1 : 0;
	trig.error_count = ev->error_count;
	trig.message = ev->msg;
	trig.event_ns = ev->time_ns;
	trig.incident_ns = d->st.incident_id;
	trig.incident_events = d->st.incident_events;
	trig.first_of_incident = first;
	trig.replayed = replayed;
	trig.suppressed = d->st.supp.count;
	trig.suppressed_first_ns = d->st.supp.first_ns;
	trig.suppressed_last_ns = d->st.supp.last_ns;
	co.trigger = &trig;
	/* A replayed event, or one present at start, happened before this
	 * process: no latency to tell. */
	co.trigger_mono_ns = replayed || ev->before_start ? 0 : ev->mono_ns;
	cp.next = fw_ctx_get_progress(w->ctx, &cp.next_ud);
	fw_ctx_set_progress(w->ctx, capture_progress, &cp);
	r = collect_new_on_device(w->ctx, &co, d->fdev, &c);
	if (r >= 0)
		r = collect_run(c, &path);
	fw_ctx_set_progress(w->ctx, cp.next, cp.next_ud);
	if (watch_journal_sync(w->journal) < 0) {
		warn(w, d->key, fw_ctx_errmsg(w->ctx));
		fw_ctx_clear_error(w->ctx);
	}
	if (r >= 0) {
		enum bundle_outcome worst = collect_worst(c);

		outcome = bundle_outcome_name(worst);
		if (!ev->before_start && collect_first_read_mono_ns(c) > ev->mono_ns)
			latency = collect_first_read_mono_ns(c) - ev->mono_ns;
		if (!replayed && !ev->before_start && collect_first_read_mono_ns(c) > ev->recv_mono_ns)
			handling = collect_first_read_mono_ns(c) - ev->recv_mono_ns;
	} else {
		char msg[600];

		snprintf(msg, sizeof(msg), "capture failed: %s", fw_ctx_errmsg(w->ctx));
		warn(w, d->key, msg);
	}
	collect_free(c);
	d->capture_end_mono_ns = fw_monotonic_ns();
	/* Published (or certainly not): the event is done. */
	watch_journal_done(w->journal, seq, path ? path : "", d->key, ev->time_ns,
			   d->st.incident_id, first);
	/* What it covered, so a restart with CaptureExisting= does not take
	 * the same error again. */
	if (path && watch_journal_covered(w->journal, d->key, ev->reporter, ev->mark) < 0) {
		warn(w, d->key, fw_ctx_errmsg(w->ctx));
		fw_ctx_clear_error(w->ctx);
	}
	close(lock);
	w->captures++;
	hist_push(w->caps, &w->ncaps,
		  "{\"card\": \"%s\", \"reporter\": \"%s\", \"path\": \"%s\", \"outcome\": \"%s\", "
		  "\"latency_ns\": %" PRIu64 ", \"first_of_incident\": %s, \"suppressed\": %" PRIu64 "}",
		  jesc(d->key), jesc(ev->reporter), jesc(path ? path : ""), outcome, latency,
		  first ? "true" : "false",
		  d->st.supp.count);
	memset(&n, 0, sizeof(n));
	n.kind = WATCH_NOTE_CAPTURED;
	n.device = d->key;
	n.reporter = ev->reporter;
	n.path = path;
	n.outcome = outcome;
	n.latency_ns = latency;
	n.handling_ns = handling;
	n.count = d->st.supp.count;
	n.replayed = replayed;
	note(w, &n);
	if (path && (w->cfg.load || w->cfg.db[0]) && w->cfg.db[0]) {
		struct store *s = NULL;
		struct store_load_result lr;

		r = store_open(w->ctx, w->cfg.db, 0, &s);
		if (r >= 0)
			r = store_load_bundle(s, path, &lr);
		store_close(s);
		if (r < 0) {
			char msg[600], *shown = store_target_display(w->cfg.db);

			/* Never the connection string as given: it may hold a
			 * password. */
			snprintf(msg, sizeof(msg), "loading '%s' into '%s' failed: %s", path,
				 shown ? shown : "the history", fw_ctx_errmsg(w->ctx));
			free(shown);
			warn(w, d->key, msg);
		} else {
			struct watch_note ln = { .kind = WATCH_NOTE_LOADED, .device = d->key, .path = path };

			note(w, &ln);
		}
	}
	/* --clear-dumps: the one write, and only once the dump is in a
	 * published bundle, so the next failure's dump can be stored. */
	if (path && w->cfg.clear_dumps && strcmp(ev->source ? ev->source : "", "health-buffer")) {
		fw_device_allow_dump_clear(d->fdev, true);
		if (fw_device_health_dump_clear(d->fdev, ev->reporter) < 0) {
			char msg[600];

			snprintf(msg, sizeof(msg), "cannot clear the stored dump of '%s': %s", ev->reporter,
				 fw_ctx_errmsg(w->ctx));
			warn(w, d->key, msg);
		} else {
			struct watch_note cn = { .kind = WATCH_NOTE_CLEARED, .device = d->key,
						 .reporter = ev->reporter };

			note(w, &cn);
		}
		fw_device_allow_dump_clear(d->fdev, false);
	}
	free(path);
	retention(w);
	status_write(w);
	return 0;
}

/* ------------------------------------------------------------ retention */

/* The card of a bundle the daemon did not write (a manual collect): its
 * device note, or the file name when it has none or cannot be read. */
static char *bundle_card(struct watch *w, const char *path)
{
	struct bundle *b = NULL;
	const struct bundle_device *d;
	char *card;

	if (bundle_open(w->ctx, path, &b) < 0) {
		fw_ctx_clear_error(w->ctx);
		return strdup(path);
	}
	d = bundle_get_device(b);
	card = strdup(d && d->pci && *d->pci ? d->pci : path);
	bundle_close(b);
	return card;
}

static void retention(struct watch *w)
{
	struct watch_spool_entry *e = NULL;
	enum watch_removal *rm = NULL;
	char **paths = NULL, **cards = NULL;
	size_t n = 0, cap_e = 0, cap_p = 0, cap_c = 0;
	struct statvfs sv;
	DIR *dir;
	struct dirent *de;

	dir = opendir(w->cfg.spool);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		char p[2200];
		struct stat st;
		const struct watch_capture_rec *rec;
		size_t l = strlen(de->d_name);

		if (strncmp(de->d_name, "fwbox-", 6) || l < 10 || !strstr(de->d_name, ".tar"))
			continue;
		snprintf(p, sizeof(p), "%s/%s", w->cfg.spool, de->d_name);
		if (lstat(p, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		/* Out of memory: judge the bundles listed so far. */
		if (fw_grow((void **)&e, &cap_e, n + 1, sizeof(*e), 0) < 0 ||
		    fw_grow((void **)&paths, &cap_p, n + 1, sizeof(*paths), 0) < 0 ||
		    fw_grow((void **)&cards, &cap_c, n + 1, sizeof(*cards), 0) < 0)
			break;
		paths[n] = strdup(p);
		rec = watch_journal_find(w->journal, p);
		cards[n] = rec ? strdup(rec->card) : bundle_card(w, p);
		if (!paths[n] || !cards[n]) {
			free(paths[n]);
			free(cards[n]);
			break;
		}
		e[n].path = paths[n];
		e[n].card = cards[n];
		e[n].size = (uint64_t)st.st_blocks * 512u;
		e[n].time_ns = rec ? rec->time_ns
				   : (uint64_t)st.st_mtim.tv_sec * 1000000000ull + (uint64_t)st.st_mtim.tv_nsec;
		e[n].incident_id = rec ? rec->incident : 0;
		e[n].first_of_incident = rec ? rec->first : false;
		n++;
	}
	closedir(dir);
	if (n && statvfs(w->cfg.spool, &sv) == 0 && (rm = calloc(n, sizeof(*rm)))) {
		watch_retention_plan(&w->cfg, e, n, (uint64_t)sv.f_blocks * sv.f_frsize,
				     (uint64_t)sv.f_bavail * sv.f_frsize, fw_now_ns(), rm);
		for (size_t i = 0; i < n; i++) {
			struct watch_note rn = { .kind = WATCH_NOTE_REMOVED, .device = e[i].card,
						 .path = e[i].path, .why = watch_removal_name(rm[i]) };

			if (rm[i] == WATCH_KEEP)
				continue;
			if (unlink(e[i].path) < 0) {
				char msg[2400];

				snprintf(msg, sizeof(msg), "cannot remove '%s': %s", e[i].path,
					 strerror(errno));
				warn(w, e[i].card, msg);
				continue;
			}
			watch_journal_forget(w->journal, e[i].path);
			hist_push(w->removed, &w->nremoved,
				  "{\"path\": \"%s\", \"card\": \"%s\", \"rule\": \"%s\"}",
				  jesc(e[i].path), jesc(e[i].card), rn.why);
			note(w, &rn);
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(paths[i]);
		free(cards[i]);
	}
	free(paths);
	free(cards);
	free(e);
	free(rm);
}

/* ------------------------------------------------------------ events */

static void handle_event(struct watch *w, struct wdev *d, struct wevent *ev, bool replayed,
			 uint64_t replay_seq)
{
	struct watch_note n = { .kind = WATCH_NOTE_EVENT, .device = d->key, .reporter = ev->reporter,
				.state = ev->error ? "error" : "healthy",
				.error_count = ev->error_count, .msg = ev->msg, .event_ns = ev->time_ns };
	enum watch_verdict v;
	char tbuf[160], tbuf2[160];
	uint64_t ev_ms = ev->mono_ns / 1000000u, seq;
	bool first = false, was_busy;

	/* From here on the time to the first read is the daemon's own. */
	ev->recv_mono_ns = fw_monotonic_ns();
	note(w, &n);
	hist_push(w->events, &w->nevents,
		  "{\"card\": \"%s\", \"reporter\": \"%s\", \"state\": \"%s\", \"error_count\": %" PRIu64
		  ", %s}",
		  jesc(d->key), jesc(ev->reporter), n.state, ev->error_count,
		  time_fields(tbuf, sizeof(tbuf), "event", ev->time_ns));
	/* An event that happened while this card's last capture ran was
	 * waiting in its source: it belongs to that capture. */
	was_busy = d->st.busy;
	if (ev->mono_ns >= d->capture_start_mono_ns && ev->mono_ns <= d->capture_end_mono_ns &&
	    d->capture_end_mono_ns)
		d->st.busy = true;
	v = watch_decide(&w->cfg, &w->g, &d->st, ev->reporter, ev_ms, ev->time_ns, &first);
	d->st.busy = was_busy;
	if (v != WATCH_CAPTURE && !replayed) {
		struct watch_note sn = { .kind = WATCH_NOTE_SUPPRESSED, .device = d->key,
					 .reporter = ev->reporter, .why = watch_verdict_name(v),
					 .count = d->st.supp.count, .event_ns = ev->time_ns };

		/* One record per card and run of suppressions: the entry is
		 * rewritten as it grows. */
		if (d->st.supp.count == 1 || !w->nsupps)
			hist_push(w->supps, &w->nsupps, "{}");
		snprintf(w->supps[w->nsupps - 1].line, sizeof(w->supps[0].line),
			 "{\"card\": \"%s\", \"count\": %" PRIu64 ", %s, %s, \"card_interval\": %" PRIu64
			 ", \"global_interval\": %" PRIu64 ", \"during_capture\": %" PRIu64 "}",
			 jesc(d->key), d->st.supp.count,
			 time_fields(tbuf, sizeof(tbuf), "first", d->st.supp.first_ns),
			 time_fields(tbuf2, sizeof(tbuf2), "last", d->st.supp.last_ns),
			 d->st.supp.by_reason[WATCH_SUPPRESS_CARD],
			 d->st.supp.by_reason[WATCH_SUPPRESS_GLOBAL],
			 d->st.supp.by_reason[WATCH_SUPPRESS_BUSY]);
		note(w, &sn);
		w->status_dirty = true;
		return;
	}
	if (replayed) {
		seq = replay_seq;
	} else if (watch_journal_event(w->journal, d->key, ev->reporter, ev->error_count, ev->time_ns,
				       ev->msg, &seq) < 0) {
		warn(w, d->key, fw_ctx_errmsg(w->ctx));
		seq = 0;
	}
	watch_capture_started(&w->g, &d->st, ev->reporter, ev_ms);
	do_capture(w, d, ev, seq, replayed, first);
	watch_capture_ended(&d->st);
}

/* The dump of an error notification is stored just after it: wait for it
 * a little (bounded), re-reading the reporter. */
static void wait_dump(struct watch *w, struct wdev *d, struct wevent *we)
{
	uint64_t until = mono_ms() + WATCH_DUMP_WAIT_MS;

	while (!we->has_dump && mono_ms() < until && !w->stop) {
		struct fw_health_reporter *rep = NULL;
		size_t n = 0;

		if (fw_device_health_reporters(d->fdev, &rep, &n) < 0)
			break;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(rep[i].name, we->reporter) && rep[i].has_dump)
				we->has_dump = true;
		free(rep);
		if (!we->has_dump)
			poll(NULL, 0, 1);   /* a listing is cheap: look often */
	}
	fw_ctx_clear_error(w->ctx);
}

static void poll_reporters(struct watch *w, struct wdev *d, const char *why)
{
	struct fw_health_reporter *rep = NULL;
	size_t n = 0;

	if (fw_device_health_reporters(d->fdev, &rep, &n) < 0) {
		fw_ctx_clear_error(w->ctx);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t before = 0;

		for (size_t j = 0; j < d->nlast; j++)
			if (!strcmp(d->last[j].name, rep[i].name))
				before = d->last[j].error_count;
		if (rep[i].error_count > before) {
			struct wevent we = { 0 };

			we.source = "poll";
			snprintf(we.reporter, sizeof(we.reporter), "%s", rep[i].name);
			/* A grown error count is an error, whether or not the
			 * reporter has recovered since. */
			we.error = true;
			we.error_count = rep[i].error_count;
			we.mark = rep[i].error_count;
			we.has_dump = rep[i].has_dump;
			snprintf(we.msg, sizeof(we.msg), "%" PRIu64 " new error%s seen %s%s",
				 rep[i].error_count - before, rep[i].error_count - before > 1 ? "s" : "",
				 why, rep[i].state == 1 ? "" : " (the reporter has recovered since)");
			we.time_ns = fw_now_ns();
			we.mono_ns = fw_monotonic_ns();
			handle_event(w, d, &we, false, 0);
		}
	}
	free(d->last);
	d->last = rep;
	d->nlast = n;
}

static void poll_buffer(struct watch *w, struct wdev *d)
{
	void *hb = NULL;
	size_t len = 0;

	if (fw_device_health_buffer(d->fdev, &hb, &len) < 0 || len < sizeof(d->last_hb)) {
		fw_ctx_clear_error(w->ctx);
		free(hb);
		return;
	}
	{
		uint8_t synd = ((uint8_t *)hb)[HB_SYND];
		/* An error is a syndrome with information the last look did not
		 * show: a new syndrome, or the same one written again (the
		 * assert words, time, severity change), as after a warning
		 * then a fatal error.  The first look, at start, is the
		 * baseline. */
		bool changed = d->have_hb && memcmp(hb, d->last_hb, sizeof(d->last_hb));

		if (synd && changed) {
			struct wevent we = { 0 };

			we.source = "health-buffer";
			snprintf(we.reporter, sizeof(we.reporter), "health buffer");
			we.error = true;
			we.mark = hb_hash(hb);
			snprintf(we.msg, sizeof(we.msg), "health syndrome 0x%x", synd);
			we.time_ns = fw_now_ns();
			we.mono_ns = fw_monotonic_ns();
			handle_event(w, d, &we, false, 0);
		}
		memcpy(d->last_hb, hb, sizeof(d->last_hb));
		d->have_hb = true;
	}
	free(hb);
}

/*
 * What each card shows at start is the baseline, not an event (the daemon
 * did not see it happen: it may be days old, or captured by the daemon
 * that ran before).  Say it, keep it in the journal and the status, and
 * with CaptureExisting= capture it: once per card (one capture holds the
 * whole card), its most telling error first (in error with a stored dump,
 * then in error, then a stored dump, then a count), unless a capture in
 * this spool already covered that error.
 */
static void present_at_start(struct watch *w)
{
	for (size_t i = 0; i < w->ndevs && !w->stop; i++) {
		struct wdev *d = &w->devs[i];
		struct wevent best = { 0 };
		int best_rank = 0;
		size_t n = d->src == SRC_POLL_BUFFER ? 1 : d->nlast;
		uint64_t now_ns = fw_now_ns();

		for (size_t k = 0; k < n; k++) {
			struct wevent we = { 0 };
			struct watch_note pn = { .kind = WATCH_NOTE_PRESENT, .device = d->key };
			char detail[200], msg[400], tbuf[160];
			bool covered;
			int rank;

			if (d->src == SRC_POLL_BUFFER) {
				if (!d->have_hb || !d->last_hb[HB_SYND])
					continue;
				snprintf(we.reporter, sizeof(we.reporter), "health buffer");
				we.error = true;
				we.mark = hb_hash(d->last_hb);
				snprintf(detail, sizeof(detail), "health syndrome 0x%x", d->last_hb[HB_SYND]);
				rank = 4;
			} else {
				const struct fw_health_reporter *r = &d->last[k];

				if (!r->state && !r->has_dump && !r->error_count)
					continue;
				snprintf(we.reporter, sizeof(we.reporter), "%s", r->name);
				we.error = r->state == 1;
				we.error_count = r->error_count;
				we.mark = r->error_count;
				we.has_dump = r->has_dump;
				snprintf(detail, sizeof(detail), "%s, error count %" PRIu64 "%s",
					 we.error ? "in error" : "healthy", r->error_count,
					 r->has_dump ? ", dump stored" : "");
				rank = (we.error ? 2 : 0) + (r->has_dump ? 1 : 0) + 1;
			}
			covered = watch_journal_is_covered(w->journal, d->key, we.reporter, we.mark);
			pn.why = covered ? "already-captured" : w->cfg.capture_existing ? "capturing" : "recorded";
			snprintf(msg, sizeof(msg), "%s, present when fwbox watch started: %s", detail,
				 covered ? "a capture in this spool already holds it"
				 : w->cfg.capture_existing ? "capturing it (CaptureExisting=yes)"
				 : "not captured (--capture-existing or CaptureExisting=yes would)");
			pn.reporter = we.reporter;
			pn.state = we.error ? "error" : "healthy";
			pn.error_count = we.error_count;
			pn.msg = msg;
			note(w, &pn);
			hist_push(w->present, &w->npresent,
				  "{\"card\": \"%s\", \"reporter\": \"%s\", \"state\": \"%s\", "
				  "\"error_count\": %" PRIu64 ", \"has_dump\": %s, \"message\": \"%s\", "
				  "\"why\": \"%s\", %s}",
				  jesc(d->key), jesc(we.reporter), pn.state, we.error_count,
				  we.has_dump ? "true" : "false", jesc(detail), pn.why,
				  time_fields(tbuf, sizeof(tbuf), "seen", now_ns));
			if (watch_journal_present(w->journal, d->key, we.reporter, we.error_count, now_ns,
						  detail) < 0) {
				warn(w, d->key, fw_ctx_errmsg(w->ctx));
				fw_ctx_clear_error(w->ctx);
			}
			if (!covered && rank > best_rank) {
				best = we;
				best_rank = rank;
				if (d->src == SRC_POLL_BUFFER)
					snprintf(best.msg, sizeof(best.msg),
						 "%s, present when fwbox watch started", detail);
				else
					snprintf(best.msg, sizeof(best.msg),
						 "present when fwbox watch started%s",
						 we.has_dump ? ", dump stored" : "");
			}
		}
		if (watch_journal_sync(w->journal) < 0) {
			warn(w, d->key, fw_ctx_errmsg(w->ctx));
			fw_ctx_clear_error(w->ctx);
		}
		w->status_dirty = true;
		if (!w->cfg.capture_existing || !best_rank)
			continue;
		/* Its time is the start: when it happened is unknown (the
		 * bundle holds the dump's own time). */
		best.source = "present-at-start";
		best.before_start = true;
		best.time_ns = now_ns;
		best.mono_ns = fw_monotonic_ns();
		d->present = best;
		d->has_present = true;
	}
}

/* CaptureExisting=: the captures present_at_start() chose, once the
 * daemon has said it is ready (they may take a while). */
static void capture_present(struct watch *w)
{
	for (size_t i = 0; i < w->ndevs && !w->stop; i++) {
		struct wdev *d = &w->devs[i];

		if (!d->has_present)
			continue;
		d->has_present = false;
		handle_event(w, d, &d->present, false, 0);
		if (w->o.exit_after && w->captures >= w->o.exit_after)
			return;
	}
}

/* The events the device's source holds now. */
static void read_events(struct watch *w, struct wdev *d)
{
	struct fw_health_event ev[WATCH_EVENTS_BATCH];
	int r;

	for (;;) {
		r = fw_device_health_events_read(d->fdev, ev, WATCH_EVENTS_BATCH);
		if (r == -ENOBUFS) {
			warn(w, d->key, fw_ctx_errmsg(w->ctx));
			poll_reporters(w, d, "after lost notifications");
			continue;
		}
		if (r < 0) {
			fw_ctx_clear_error(w->ctx);
			break;
		}
		for (int i = 0; i < r && !w->stop; i++) {
			struct wevent we = { 0 };

			we.source = ev[i].source;
			snprintf(we.reporter, sizeof(we.reporter), "%s", ev[i].rep.name);
			we.error = ev[i].rep.state == 1;
			we.error_count = ev[i].rep.error_count;
			we.mark = ev[i].rep.error_count;
			we.has_dump = ev[i].rep.has_dump;
			snprintf(we.msg, sizeof(we.msg), "%s", ev[i].msg);
			we.time_ns = ev[i].time_ns;
			we.mono_ns = ev[i].mono_ns;
			/* The kernel stores the dump just after it notifies. */
			if (ev[i].rep.auto_dump)
				wait_dump(w, d, &we);
			handle_event(w, d, &we, false, 0);
			/* Keep the polling baseline current. */
			for (size_t j = 0; j < d->nlast; j++)
				if (!strcmp(d->last[j].name, we.reporter))
					d->last[j].error_count = we.error_count;
			if (w->o.exit_after && w->captures >= w->o.exit_after)
				return;
		}
		if (r < (int)WATCH_EVENTS_BATCH)
			break;
	}
}

/* Events acknowledged by a daemon that died before it published them. */
static void replay(struct watch *w)
{
	struct watch_pending *p = NULL;
	size_t n = 0;

	if (watch_journal_pending(w->journal, &p, &n) < 0)
		return;
	for (size_t i = 0; i < n && !w->stop; i++) {
		struct wdev *d = NULL;
		struct wevent we = { 0 };

		for (size_t j = 0; j < w->ndevs; j++)
			if (!strcmp(w->devs[j].key, p[i].card))
				d = &w->devs[j];
		if (!d) {
			char msg[300];

			snprintf(msg, sizeof(msg),
				 "an acknowledged event of '%s' is waiting, but the card is not watched; kept in the journal",
				 p[i].card);
			warn(w, NULL, msg);
			continue;
		}
		we.source = "journal";
		snprintf(we.reporter, sizeof(we.reporter), "%s", p[i].reporter);
		we.error = true;
		we.error_count = p[i].error_count;
		we.mark = p[i].error_count;
		snprintf(we.msg, sizeof(we.msg), "%s", p[i].msg);
		we.time_ns = p[i].time_ns;
		we.mono_ns = fw_monotonic_ns();
		handle_event(w, d, &we, true, p[i].seq);
	}
	free(p);
}

/* ------------------------------------------------------------ lifecycle */

static int spool_prepare(struct watch *w)
{
	char *p;
	int r;

	/* mkdir -p with 0700: bundles hold serial numbers and firmware state. */
	for (p = w->cfg.spool + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = '\0';
			r = mkdir(w->cfg.spool, 0700);
			*p = c;
			if (r < 0 && errno != EEXIST)
				return fw_error(w->ctx, -errno, "cannot create spool '%s': %s", w->cfg.spool,
						strerror(errno));
			if (!c)
				break;
		}
	}
	snprintf(w->state_dir, sizeof(w->state_dir), "%s/.fwbox-watch", w->cfg.spool);
	if (mkdir(w->state_dir, 0700) < 0 && errno != EEXIST)
		return fw_error(w->ctx, -errno, "cannot create '%s': %s", w->state_dir, strerror(errno));
	{
		char path[1200];

		snprintf(path, sizeof(path), "%s/daemon.lock", w->state_dir);
		w->daemon_lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (w->daemon_lock_fd < 0)
			return fw_error(w->ctx, -errno, "cannot open '%s': %s", path, strerror(errno));
		if (flock(w->daemon_lock_fd, LOCK_EX | LOCK_NB) < 0)
			return fw_error(w->ctx, -EBUSY,
					"another fwbox watch already uses the spool '%s'; give this one its own --spool",
					w->cfg.spool);
	}
	return watch_journal_open(w->ctx, w->state_dir, &w->journal);
}

/*
 * A restarted daemon (Restart=on-failure, an upgrade) goes on where the
 * last one stopped: the newest capture of each card in the journal counts
 * for the rate limits and continues its incident, so a crash loop of the
 * daemon itself cannot bypass MinIntervalCard=.  Only captures of this
 * boot count: the monotonic clock started with it.
 */
static void restore(struct watch *w)
{
	uint64_t now_ns = fw_now_ns(), now_mono = fw_monotonic_ns();

	for (size_t i = 0; i < watch_journal_capture_count(w->journal); i++) {
		const struct watch_capture_rec *c = watch_journal_capture_at(w->journal, i);
		uint64_t age, ms;

		if (c->time_ns > now_ns || now_ns - c->time_ns >= now_mono)
			continue;
		age = now_ns - c->time_ns;
		ms = (now_mono - age) / 1000000u;
		for (size_t k = 0; k < w->ndevs; k++) {
			struct watch_card_state *st = &w->devs[k].st;

			if (strcmp(w->devs[k].key, c->card) ||
			    (st->captured && st->last_capture_mono_ms >= ms))
				continue;
			st->captured = true;
			st->last_capture_mono_ms = ms;
			st->any_event = true;
			st->last_event_mono_ms = ms;
			st->incident_id = c->incident;
			st->incident_events = 1;
			st->incident_captured = true;
			if (!w->g.captured || w->g.last_capture_mono_ms < ms) {
				w->g.captured = true;
				w->g.last_capture_mono_ms = ms;
			}
		}
	}
}

int watch_new(struct fw_ctx *ctx, const struct watch_options *opts, struct watch **ret)
{
	struct watch *w;
	int r;

	w = calloc(1, sizeof(*w));
	if (!w)
		return fw_error(ctx, -ENOMEM, "out of memory");
	w->ctx = ctx;
	w->o = *opts;
	w->cfg = opts->cfg;
	w->wake_fd = -1;
	w->daemon_lock_fd = -1;
	snprintf(w->cmdline, sizeof(w->cmdline), "%s", opts->cmdline ? opts->cmdline : "fwbox watch");
	snprintf(w->config_path, sizeof(w->config_path), "%s", opts->config_path ? opts->config_path : "");
	snprintf(w->sysroot, sizeof(w->sysroot), "%s", opts->sysroot ? opts->sysroot : "");
	w->o.cmdline = w->cmdline;
	w->o.config_path = w->config_path[0] ? w->config_path : NULL;
	w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->wake_fd < 0) {
		r = fw_error(ctx, -errno, "eventfd: %s", strerror(errno));
		goto fail;
	}
	r = spool_prepare(w);
	if (r < 0)
		goto fail;
	if (w->cfg.ndevices == 0) {
		struct fw_pci_function *f = NULL;
		size_t n = 0;

		r = fw_discover(ctx, w->sysroot, &f, &n);
		if (r < 0)
			goto fail;
		if (!n) {
			fw_discover_free(f);
			r = fw_error(ctx, -ENOENT,
				     "no ConnectX function found; name devices with -d or Device= (e.g. -d emu:cx7,fatal-at=5)");
			goto fail;
		}
		for (size_t i = 0; i < n && i < WATCH_MAX_DEVICES; i++)
			snprintf(w->cfg.devices[w->cfg.ndevices++], sizeof(w->cfg.devices[0]), "%s",
				 f[i].pci);
		fw_discover_free(f);
	}
	w->devs = calloc(w->cfg.ndevices, sizeof(*w->devs));
	if (!w->devs) {
		r = fw_error(ctx, -ENOMEM, "out of memory");
		goto fail;
	}
	for (unsigned i = 0; i < w->cfg.ndevices; i++) {
		r = dev_open(w, &w->devs[i], w->cfg.devices[i]);
		w->ndevs++;
		if (r < 0)
			goto fail;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(w->devs[j].key, w->devs[i].key)) {
				r = fw_error(ctx, -EINVAL, "'%s' and '%s' are the same card (%s); name it once",
					     w->devs[j].spec, w->devs[i].spec, w->devs[i].key);
				goto fail;
			}
	}
	choose_sources(w);
	restore(w);
	*ret = w;
	return 0;
fail:
	watch_free(w);
	return r;
}

void watch_free(struct watch *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->ndevs; i++) {
		fw_device_close(w->devs[i].fdev);
		free(w->devs[i].last);
	}
	free(w->devs);
	watch_journal_close(w->journal);
	if (w->wake_fd >= 0)
		close(w->wake_fd);
	if (w->daemon_lock_fd >= 0)
		close(w->daemon_lock_fd);
	free(w);
}

void watch_stop(struct watch *w)
{
	uint64_t one = 1;

	w->stop = 1;
	fw_ctx_request_cancel(w->ctx);
	if (write(w->wake_fd, &one, sizeof(one)) < 0) {
		/* The flag is set; the loop sees it at its next wake-up. */
	}
}

void watch_reload(struct watch *w)
{
	uint64_t one = 1;

	w->reload = 1;
	if (write(w->wake_fd, &one, sizeof(one)) < 0) {
		/* As above. */
	}
}

unsigned watch_captures(const struct watch *w)
{
	return w->captures;
}

static void do_reload(struct watch *w)
{
	struct watch_config cfg;
	struct watch_note n = { .kind = WATCH_NOTE_RELOADED };

	w->reload = 0;
	if (!w->config_path[0]) {
		warn(w, NULL, "SIGHUP: no configuration file to read again");
		return;
	}
	cfg = w->o.cfg;   /* the command line's settings, then the file over them */
	watch_config_defaults(&cfg);
	if (watch_config_load(w->ctx, w->config_path, &cfg) < 0) {
		char msg[700];

		snprintf(msg, sizeof(msg), "SIGHUP: %s; keeping the running configuration",
			 fw_ctx_errmsg(w->ctx));
		warn(w, NULL, msg);
		return;
	}
	/* Devices and the spool are fixed for the daemon's life. */
	snprintf(cfg.spool, sizeof(cfg.spool), "%s", w->cfg.spool);
	memcpy(cfg.devices, w->cfg.devices, sizeof(cfg.devices));
	cfg.ndevices = w->cfg.ndevices;
	if (w->o.cfg.db[0])
		snprintf(cfg.db, sizeof(cfg.db), "%s", w->o.cfg.db);
	w->cfg = cfg;
	n.path = w->config_path;
	note(w, &n);
	retention(w);
	status_write(w);
}

int watch_run(struct watch *w)
{
	struct pollfd *pfd;
	size_t *which;
	struct watch_note n = { .kind = WATCH_NOTE_MODE };

	pfd = calloc(w->ndevs + 2, sizeof(*pfd));
	which = calloc(w->ndevs + 2, sizeof(*which));
	if (!pfd || !which) {
		free(pfd);
		free(which);
		return fw_error(w->ctx, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < w->ndevs; i++) {
		n.device = w->devs[i].key;
		n.mode = source_name(&w->devs[i]);
		note(w, &n);
	}
	retention(w);
	replay(w);
	present_at_start(w);
	status_write(w);
	n.kind = WATCH_NOTE_READY;
	n.device = NULL;
	n.mode = NULL;
	n.count = w->ndevs;
	note(w, &n);
	capture_present(w);
	while (!w->stop && !fw_ctx_cancelled(w->ctx) &&
	       !(w->o.exit_after && w->captures >= w->o.exit_after)) {
		size_t np = 0;
		int timeout = -1, r;
		uint64_t now = mono_ms();

		pfd[np].fd = w->wake_fd;
		pfd[np].events = POLLIN;
		which[np++] = SIZE_MAX;
		for (size_t i = 0; i < w->ndevs; i++) {
			struct wdev *d = &w->devs[i];

			if (d->src == SRC_EVENTS) {
				pfd[np].fd = d->events_fd;
				pfd[np].events = POLLIN;
				which[np++] = i;
			} else if (d->src == SRC_POLL_REPORTERS || d->src == SRC_POLL_BUFFER) {
				uint64_t due = d->next_poll_mono_ms;
				int t = due > now ? (int)(due - now) : 0;

				if (timeout < 0 || t < timeout)
					timeout = t;
			}
		}
		r = poll(pfd, np, timeout);
		if (r < 0 && errno != EINTR) {
			free(pfd);
			free(which);
			return fw_error(w->ctx, -errno, "poll: %s", strerror(errno));
		}
		for (size_t k = 0; k < np && r > 0; k++) {
			if (!(pfd[k].revents & (POLLIN | POLLERR | POLLHUP)))
				continue;
			if (which[k] == SIZE_MAX) {
				uint64_t v;

				if (read(w->wake_fd, &v, sizeof(v)) < 0) {
					/* Nothing pending: fine. */
				}
			} else {
				read_events(w, &w->devs[which[k]]);
			}
		}
		if (w->status_dirty) {
			status_write(w);
			w->status_dirty = false;
		}
		if (w->reload)
			do_reload(w);
		now = mono_ms();
		for (size_t i = 0; i < w->ndevs && !w->stop; i++) {
			struct wdev *d = &w->devs[i];

			if ((d->src != SRC_POLL_REPORTERS && d->src != SRC_POLL_BUFFER) ||
			    now < d->next_poll_mono_ms)
				continue;
			d->next_poll_mono_ms = now + w->cfg.poll_interval_ms;
			if (d->src == SRC_POLL_REPORTERS)
				poll_reporters(w, d, "by polling");
			else
				poll_buffer(w, d);
		}
	}
	status_write(w);
	free(pfd);
	free(which);
	return 0;
}
