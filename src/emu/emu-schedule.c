/* SPDX-License-Identifier: MIT */
/*
 * emu-schedule: faults that happen at a time, not at a command count, so
 * the watch daemon has something to catch without hardware.
 *
 *   fatal-at=SECONDS     that long after the device was opened, the
 *                        firmware goes fatal (health buffer, fw_fatal in
 *                        error with a stored crdump, as mlx5 shows it)
 *   burst=COUNT@SECONDS  COUNT errors of the fw reporter from then on, one
 *                        a millisecond (the first stores a dump)
 *   start-on=PATH        the clock of both starts when PATH exists, not at
 *                        opening: a test creates PATH once the daemon says
 *                        it is watching, a handshake instead of a guess at
 *                        how long starting takes on a loaded machine
 *
 * SECONDS may have up to three decimals.  Each fault fires when its time
 * has come and someone looks: emu_events_read() (the daemon, woken by the
 * timerfd from emu_events_fd()) or any command.  Every fired fault queues
 * the event a devlink health notification would carry
 * (DEVLINK_CMD_HEALTH_REPORTER_RECOVER with the reporter's state and
 * counts), with the real time it fired.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "emu/emu-internal.h"

#define EMU_EVENTS_MAX 100000u       /* queued, not yet read */
#define EMU_BURST_MAX 1000000u
#define EMU_START_CHECK_MS 5u        /* start-on=: how often PATH is looked for */
#define EMU_START_PATH_MAX 1024u

struct emu_schedule {
	char *start_path;               /* start-on=; NULL: the clock starts at opening */
	bool started;
	uint64_t open_mono_ns;          /* when the clock started */
	bool has_fatal;
	uint64_t fatal_at_ms;
	bool fatal_done;
	uint64_t burst_count, burst_at_ms, burst_done;
	int tfd;
	struct emu_health_event *q;
	size_t qhead, qlen, qcap;
	uint64_t dropped;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* "12", "0.25", "1.5" -> ms; false when s is not that (the caller names
 * the key in its message). */
static bool parse_seconds(const char *s, uint64_t *ret_ms)
{
	uint64_t v = 0, frac = 0;
	unsigned digits = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > 86400ull * 365)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (*s == '.') {
		s++;
		for (; *s >= '0' && *s <= '9' && digits < 3; s++, digits++)
			frac = frac * 10 + (uint64_t)(*s - '0');
		if (!digits)
			return false;
		while (digits++ < 3)
			frac *= 10;
	}
	if (*s)
		return false;
	*ret_ms = v * 1000 + frac;
	return true;
}

static struct emu_schedule *sched_get(struct emu *e)
{
	if (!e->sched) {
		e->sched = calloc(1, sizeof(*e->sched));
		if (e->sched)
			e->sched->tfd = -1;
	}
	return e->sched;
}

int emu_schedule_parse(struct emu *e, const char *key, const char *val)
{
	struct emu_schedule *s = sched_get(e);
	uint64_t ms, count = 0;
	const char *at;
	char *end;

	if (!s)
		return fw_error(e->ctx, -ENOMEM, "emu spec: out of memory");
	if (!strcmp(key, "fatal-at")) {
		if (!parse_seconds(val, &ms))
			return fw_error(e->ctx, -EINVAL,
					"emu spec: 'fatal-at=%s' must be seconds after opening, like 2 or 0.5",
					val);
		s->has_fatal = true;
		s->fatal_at_ms = ms;
		return 0;
	}
	if (!strcmp(key, "start-on")) {
		if (!*val || strlen(val) >= EMU_START_PATH_MAX)
			return fw_error(e->ctx, -EINVAL,
					"emu spec: 'start-on=' needs a path of 1..%u bytes (no comma)",
					EMU_START_PATH_MAX - 1);
		free(s->start_path);
		s->start_path = strdup(val);
		if (!s->start_path)
			return fw_error(e->ctx, -ENOMEM, "emu spec: out of memory");
		return 0;
	}
	at = strchr(val, '@');
	if (at && val[0] >= '0' && val[0] <= '9') {
		errno = 0;
		count = strtoull(val, &end, 10);
		if (errno || end != at)
			count = 0;
	}
	if (!at || !count || count > EMU_BURST_MAX || !parse_seconds(at + 1, &ms))
		return fw_error(e->ctx, -EINVAL,
				"emu spec: 'burst=%s' must be COUNT@SECONDS, COUNT 1..%u, like 1000@2",
				val, EMU_BURST_MAX);
	s->burst_count = count;
	s->burst_at_ms = ms;
	return 0;
}

/* The clock starts when the device is opened (emu_new has finished). */
int emu_schedule_start(struct emu *e)
{
	struct emu_schedule *s = e->sched;

	if (!s)
		return 0;
	if (s->start_path && !s->has_fatal && !s->burst_count)
		return fw_error(e->ctx, -EINVAL,
				"emu spec: 'start-on=%s' starts the clock of fatal-at= or burst=, and there is neither",
				s->start_path);
	if (!s->start_path) {
		s->open_mono_ns = mono_ns();
		s->started = true;
	}
	s->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->tfd < 0)
		return fw_error(e->ctx, -errno, "emu: timerfd_create: %s", strerror(errno));
	return emu_schedule_arm(e);
}

void emu_schedule_release(struct emu *e)
{
	if (!e->sched)
		return;
	if (e->sched->tfd >= 0)
		close(e->sched->tfd);
	free(e->sched->q);
	free(e->sched->start_path);
	free(e->sched);
	e->sched = NULL;
}

/* Relative ms of the next fault to fire, or false. */
static bool next_due(const struct emu_schedule *s, uint64_t *ret_ms)
{
	bool any = false;
	uint64_t best = 0;

	if (s->has_fatal && !s->fatal_done) {
		best = s->fatal_at_ms;
		any = true;
	}
	if (s->burst_done < s->burst_count) {
		uint64_t t = s->burst_at_ms + s->burst_done;

		if (!any || t < best)
			best = t;
		any = true;
	}
	*ret_ms = best;
	return any;
}

int emu_schedule_arm(struct emu *e)
{
	struct emu_schedule *s = e->sched;
	struct itimerspec its = { 0 };
	uint64_t due, abs_ns;

	if (!s || s->tfd < 0)
		return 0;
	if (!s->started) {
		/* Look for start-on='s path every few ms until it is there. */
		its.it_value.tv_nsec = EMU_START_CHECK_MS * 1000000L;
		its.it_interval.tv_nsec = EMU_START_CHECK_MS * 1000000L;
		if (timerfd_settime(s->tfd, 0, &its, NULL) < 0)
			return fw_error(e->ctx, -errno, "emu: timerfd_settime: %s", strerror(errno));
		return 0;
	}
	if (next_due(s, &due)) {
		abs_ns = s->open_mono_ns + due * 1000000ull;
		its.it_value.tv_sec = (time_t)(abs_ns / 1000000000ull);
		its.it_value.tv_nsec = (long)(abs_ns % 1000000000ull);
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	if (timerfd_settime(s->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		return fw_error(e->ctx, -errno, "emu: timerfd_settime: %s", strerror(errno));
	return 0;
}

static void push(struct emu *e, unsigned rep, const char *msg, uint64_t due_ms)
{
	struct emu_schedule *s = e->sched;
	struct emu_health_event *ev;
	struct timespec ts;
	uint64_t now_mono;

	if (s->qlen >= EMU_EVENTS_MAX) {
		s->dropped++;
		return;
	}
	if (s->qhead && s->qhead + s->qlen >= s->qcap) {
		memmove(s->q, s->q + s->qhead, s->qlen * sizeof(*s->q));
		s->qhead = 0;
	}
	if (s->qlen >= s->qcap &&
	    fw_grow((void **)&s->q, &s->qcap, s->qlen + 1, sizeof(*s->q), EMU_EVENTS_MAX) < 0) {
		s->dropped++;
		return;
	}
	ev = &s->q[s->qhead + s->qlen++];
	memset(ev, 0, sizeof(*ev));
	snprintf(ev->reporter, sizeof(ev->reporter), "%s", e->rep[rep].name);
	ev->error = strcmp(e->rep[rep].state, "error") == 0;
	ev->error_count = e->rep[rep].error_count;
	ev->recover_count = e->rep[rep].recover_count;
	ev->has_dump = e->rep[rep].has_dump;
	ev->msg = msg;
	/* The fault happened at its scheduled time, even when nobody looked
	 * until later (a collection running, a busy machine). */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now_mono = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	ev->mono_ns = s->open_mono_ns + due_ms * 1000000ull;
	if (ev->mono_ns > now_mono)
		ev->mono_ns = now_mono;
	ev->time_ns = fw_now_ns() - (now_mono - ev->mono_ns);
}

/* start-on=: the clock starts the first time PATH is seen. */
static void check_start(struct emu *e)
{
	struct emu_schedule *s = e->sched;
	struct stat st;

	if (s->started || !s->start_path || stat(s->start_path, &st) < 0)
		return;
	s->started = true;
	s->open_mono_ns = mono_ns();
	emu_schedule_arm(e);
}

void emu_schedule_run(struct emu *e)
{
	struct emu_schedule *s = e->sched;
	uint64_t now;

	if (!s)
		return;
	check_start(e);
	if (!s->started)
		return;
	now = (mono_ns() - s->open_mono_ns) / 1000000ull;
	/* In time order: burst errors due before the fatal one come first. */
	for (;;) {
		uint64_t due;

		if (!next_due(s, &due) || due > now)
			break;
		if (s->has_fatal && !s->fatal_done && s->fatal_at_ms == due) {
			s->fatal_done = true;
			if (!e->fatal) {
				emu_health_fatal(e);
				/* mlx5's fw_fatal_reporter_err_work text. */
				push(e, 1, "FW fatal error reported", due);
			}
			continue;
		}
		s->burst_done++;
		if (e->fatal)
			continue;   /* a dead firmware reports no more syndromes */
		/* The first error fills the health buffer and stores the dump;
		 * later ones count, and store a dump again only when the last
		 * one was cleared (devlink's auto_dump keeps the first). */
		if (!e->fw_error || !e->rep[0].has_dump)
			emu_health_fw_error(e);
		else
			e->rep[0].error_count++;
		/* mlx5's fw reporter text for a syndrome. */
		push(e, 0, "FW syndrome reported", due);
	}
}

int emu_events_fd(struct emu *e)
{
	/* devlink=none: no notification; the faults still happen (the health
	 * buffer shows them, emu_health_buffer() runs the schedule). */
	if (e->no_devlink)
		return -1;
	return e->sched ? e->sched->tfd : -1;
}

int emu_events_read(struct emu *e, struct emu_health_event *ev, size_t max)
{
	struct emu_schedule *s = e->sched;
	uint64_t ticks;
	size_t n;

	if (!s)
		return 0;
	/* Drain the timer; its count is not needed: the schedule says what is due. */
	if (s->tfd >= 0 && read(s->tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return fw_error(e->ctx, -errno, "emu: timerfd read: %s", strerror(errno));
	emu_schedule_run(e);
	n = s->qlen < max ? s->qlen : max;
	if (n)   /* an empty queue may never have been allocated */
		memcpy(ev, s->q + s->qhead, n * sizeof(*ev));
	s->qhead += n;
	s->qlen -= n;
	if (!s->qlen)
		s->qhead = 0;
	emu_schedule_arm(e);
	return (int)n;
}

uint64_t emu_events_dropped(const struct emu *e)
{
	return e->sched ? e->sched->dropped : 0;
}
