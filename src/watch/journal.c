/* SPDX-License-Identifier: MIT */
/*
 * journal: the watch daemon's crash-safe memory (journal.h).  Appends are
 * single write()s of whole lines on an O_APPEND file followed by
 * fdatasync(), so a crash leaves at most one torn last line, which the
 * next open skips.  An event's line is the exception: written at once
 * (the daemon's death keeps what write() handed the kernel) and made
 * durable by watch_journal_sync(), which the daemon calls once the
 * capture's first read is done, so a slow disk does not stand between a
 * failure and the read of the state it left.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "watch/journal.h"

#define JOURNAL_LINE_MAX 4096u
#define JOURNAL_RECORDS_MAX 1000000u

struct watch_journal {
	struct fw_ctx *ctx;
	char path[1200];
	int fd;
	bool unsynced;                 /* lines written since the last fdatasync() */
	uint64_t next_seq;
	struct watch_capture_rec *caps;
	size_t ncaps, capcaps;
	struct watch_pending *pend;
	size_t npend, cappend;
	struct watch_pending *marks;   /* P and S records: msg[0] is 'P' or 'S' */
	size_t nmarks, capmarks;
};

/* Values go on one line between tabs: tabs and newlines become spaces. */
static void clean(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
	for (char *p = dst; *p; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
}

static int append_nosync(struct watch_journal *j, const char *line)
{
	size_t len = strlen(line);

	errno = 0;
	if (write(j->fd, line, len) != (ssize_t)len)
		return fw_error(j->ctx, errno ? -errno : -EIO, "cannot write the journal '%s': %s",
				j->path, strerror(errno ? errno : EIO));
	j->unsynced = true;
	return 0;
}

int watch_journal_sync(struct watch_journal *j)
{
	if (!j->unsynced)
		return 0;
	if (fdatasync(j->fd) < 0)
		return fw_error(j->ctx, -errno, "cannot write the journal '%s': %s", j->path,
				strerror(errno));
	j->unsynced = false;
	return 0;
}

static int append(struct watch_journal *j, const char *line)
{
	int r = append_nosync(j, line);

	return r < 0 ? r : watch_journal_sync(j);
}

static int add_cap(struct watch_journal *j, const struct watch_capture_rec *c)
{
	if (j->ncaps >= j->capcaps &&
	    fw_grow((void **)&j->caps, &j->capcaps, j->ncaps + 1, sizeof(*c), JOURNAL_RECORDS_MAX) < 0)
		return -ENOMEM;
	j->caps[j->ncaps++] = *c;
	return 0;
}

static int add_pending(struct watch_journal *j, const struct watch_pending *p)
{
	if (j->npend >= j->cappend &&
	    fw_grow((void **)&j->pend, &j->cappend, j->npend + 1, sizeof(*p), JOURNAL_RECORDS_MAX) < 0)
		return -ENOMEM;
	j->pend[j->npend++] = *p;
	return 0;
}

/* The newest P (or S) record of a card and reporter replaces the last. */
static int set_mark(struct watch_journal *j, char kind, const char *card, const char *reporter,
		    uint64_t value, uint64_t time_ns, const char *msg)
{
	struct watch_pending m = { .error_count = value, .time_ns = time_ns };
	size_t i;

	snprintf(m.card, sizeof(m.card), "%s", card);
	snprintf(m.reporter, sizeof(m.reporter), "%s", reporter);
	snprintf(m.msg, sizeof(m.msg), "%c%s", kind, msg ? msg : "");
	for (i = 0; i < j->nmarks; i++)
		if (j->marks[i].msg[0] == kind && !strcmp(j->marks[i].card, m.card) &&
		    !strcmp(j->marks[i].reporter, m.reporter))
			break;
	if (i == j->nmarks) {
		if (j->nmarks >= j->capmarks &&
		    fw_grow((void **)&j->marks, &j->capmarks, j->nmarks + 1, sizeof(m),
			    JOURNAL_RECORDS_MAX) < 0)
			return -ENOMEM;
		j->nmarks++;
	}
	j->marks[i] = m;
	return 0;
}

static void drop_pending(struct watch_journal *j, uint64_t seq)
{
	for (size_t i = 0; i < j->npend; i++)
		if (j->pend[i].seq == seq) {
			memmove(j->pend + i, j->pend + i + 1, (j->npend - i - 1) * sizeof(*j->pend));
			j->npend--;
			return;
		}
}

static void drop_cap(struct watch_journal *j, const char *path)
{
	for (size_t i = 0; i < j->ncaps; i++)
		if (!strcmp(j->caps[i].path, path)) {
			memmove(j->caps + i, j->caps + i + 1, (j->ncaps - i - 1) * sizeof(*j->caps));
			j->ncaps--;
			return;
		}
}

/* Split a line at tabs into at most max fields; returns the count. */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

static bool u64(const char *s, uint64_t *ret)
{
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*ret = strtoull(s, &end, 10);
	return !errno && !*end;
}

static void parse_line(struct watch_journal *j, char *line)
{
	char *f[8];
	size_t n = split(line, f, 8);
	uint64_t seq;

	if (n == 7 && !strcmp(f[0], "E") && u64(f[1], &seq)) {
		struct watch_pending p = { .seq = seq };

		if (!u64(f[4], &p.error_count) || !u64(f[5], &p.time_ns))
			return;
		snprintf(p.card, sizeof(p.card), "%s", f[2]);
		snprintf(p.reporter, sizeof(p.reporter), "%s", f[3]);
		snprintf(p.msg, sizeof(p.msg), "%s", f[6]);
		add_pending(j, &p);
		if (seq >= j->next_seq)
			j->next_seq = seq + 1;
	} else if (n == 2 && !strcmp(f[0], "D") && u64(f[1], &seq)) {
		drop_pending(j, seq);
	} else if (n == 6 && !strcmp(f[0], "C")) {
		struct watch_capture_rec c = { 0 };
		uint64_t first;

		if (!u64(f[3], &c.time_ns) || !u64(f[4], &c.incident) || !u64(f[5], &first))
			return;
		snprintf(c.path, sizeof(c.path), "%s", f[1]);
		snprintf(c.card, sizeof(c.card), "%s", f[2]);
		c.first = first != 0;
		drop_cap(j, c.path);
		add_cap(j, &c);
	} else if (n == 2 && !strcmp(f[0], "F")) {
		drop_cap(j, f[1]);
	} else if (n == 6 && !strcmp(f[0], "P")) {
		uint64_t errors, t;

		if (u64(f[3], &errors) && u64(f[4], &t))
			set_mark(j, 'P', f[1], f[2], errors, t, f[5]);
	} else if (n == 4 && !strcmp(f[0], "S")) {
		uint64_t mark;

		if (u64(f[3], &mark))
			set_mark(j, 'S', f[1], f[2], mark, 0, NULL);
	}
	/* Anything else (a torn line, a future record) is skipped. */
}

static int load(struct watch_journal *j)
{
	FILE *f = fopen(j->path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return errno == ENOENT ? 0 : fw_error(j->ctx, -errno, "cannot read the journal '%s': %s",
						      j->path, strerror(errno));
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] != '\n' || (size_t)n > JOURNAL_LINE_MAX)
			continue;   /* torn by a crash, or not ours */
		line[n - 1] = '\0';
		parse_line(j, line);
	}
	free(line);
	fclose(f);
	return 0;
}

static int compact(struct watch_journal *j)
{
	char tmp[1210];
	FILE *f;
	struct stat st;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.new", j->path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return fw_error(j->ctx, -errno, "cannot write '%s': %s", tmp, strerror(errno));
	}
	for (size_t i = 0; i < j->ncaps; i++)
		if (lstat(j->caps[i].path, &st) == 0)
			fprintf(f, "C\t%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%d\n", j->caps[i].path,
				j->caps[i].card, j->caps[i].time_ns, j->caps[i].incident,
				j->caps[i].first);
	for (size_t i = 0; i < j->npend; i++)
		fprintf(f, "E\t%" PRIu64 "\t%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%s\n", j->pend[i].seq,
			j->pend[i].card, j->pend[i].reporter, j->pend[i].error_count, j->pend[i].time_ns,
			j->pend[i].msg);
	for (size_t i = 0; i < j->nmarks; i++) {
		const struct watch_pending *m = &j->marks[i];

		if (m->msg[0] == 'P')
			fprintf(f, "P\t%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%s\n", m->card, m->reporter,
				m->error_count, m->time_ns, m->msg + 1);
		else
			fprintf(f, "S\t%s\t%s\t%" PRIu64 "\n", m->card, m->reporter, m->error_count);
	}
	if (fflush(f) != 0 || fsync(fileno(f)) < 0) {
		fclose(f);
		unlink(tmp);
		return fw_error(j->ctx, -EIO, "cannot write '%s'", tmp);
	}
	fclose(f);
	if (rename(tmp, j->path) < 0)
		return fw_error(j->ctx, -errno, "cannot replace '%s': %s", j->path, strerror(errno));
	return 0;
}

int watch_journal_open(struct fw_ctx *ctx, const char *dir, struct watch_journal **ret)
{
	struct watch_journal *j = calloc(1, sizeof(*j));
	int r;

	if (!j)
		return fw_error(ctx, -ENOMEM, "out of memory");
	j->ctx = ctx;
	j->fd = -1;
	j->next_seq = 1;
	snprintf(j->path, sizeof(j->path), "%s/journal", dir);
	r = load(j);
	if (r >= 0)
		r = compact(j);
	if (r >= 0) {
		j->fd = open(j->path, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (j->fd < 0)
			r = fw_error(ctx, -errno, "cannot open the journal '%s': %s", j->path,
				     strerror(errno));
	}
	if (r < 0) {
		watch_journal_close(j);
		return r;
	}
	*ret = j;
	return 0;
}

void watch_journal_close(struct watch_journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j->caps);
	free(j->pend);
	free(j->marks);
	free(j);
}

int watch_journal_event(struct watch_journal *j, const char *card, const char *reporter,
			uint64_t error_count, uint64_t time_ns, const char *msg, uint64_t *ret_seq)
{
	struct watch_pending p = { .seq = j->next_seq++, .error_count = error_count,
				   .time_ns = time_ns };
	char line[JOURNAL_LINE_MAX];
	int r;

	clean(p.card, sizeof(p.card), card);
	clean(p.reporter, sizeof(p.reporter), reporter);
	clean(p.msg, sizeof(p.msg), msg);
	snprintf(line, sizeof(line), "E\t%" PRIu64 "\t%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%s\n", p.seq,
		 p.card, p.reporter, p.error_count, p.time_ns, p.msg);
	r = append_nosync(j, line);
	if (r < 0)
		return r;
	add_pending(j, &p);
	*ret_seq = p.seq;
	return 0;
}

int watch_journal_done(struct watch_journal *j, uint64_t seq, const char *path, const char *card,
		       uint64_t time_ns, uint64_t incident, bool first)
{
	char line[JOURNAL_LINE_MAX];
	int r = 0;

	if (path && *path) {
		struct watch_capture_rec c = { .time_ns = time_ns, .incident = incident, .first = first };

		clean(c.path, sizeof(c.path), path);
		clean(c.card, sizeof(c.card), card);
		snprintf(line, sizeof(line), "C\t%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%d\n", c.path, c.card,
			 c.time_ns, c.incident, c.first);
		r = append(j, line);
		if (r < 0)
			return r;
		add_cap(j, &c);
	}
	if (seq) {
		snprintf(line, sizeof(line), "D\t%" PRIu64 "\n", seq);
		r = append(j, line);
		drop_pending(j, seq);
	}
	return r;
}

const struct watch_capture_rec *watch_journal_find(const struct watch_journal *j, const char *path)
{
	for (size_t i = 0; i < j->ncaps; i++)
		if (!strcmp(j->caps[i].path, path))
			return &j->caps[i];
	return NULL;
}

int watch_journal_forget(struct watch_journal *j, const char *path)
{
	char line[JOURNAL_LINE_MAX];

	snprintf(line, sizeof(line), "F\t%s\n", path);
	drop_cap(j, path);
	return append(j, line);
}

int watch_journal_pending(struct watch_journal *j, struct watch_pending **ret, size_t *ret_n)
{
	struct watch_pending *p = NULL;

	if (j->npend) {
		p = malloc(j->npend * sizeof(*p));
		if (!p)
			return fw_error(j->ctx, -ENOMEM, "out of memory");
		memcpy(p, j->pend, j->npend * sizeof(*p));
	}
	*ret = p;
	*ret_n = j->npend;
	return 0;
}

int watch_journal_present(struct watch_journal *j, const char *card, const char *reporter,
			  uint64_t error_count, uint64_t time_ns, const char *msg)
{
	char line[JOURNAL_LINE_MAX], c[128], r[64], m[160];

	clean(c, sizeof(c), card);
	clean(r, sizeof(r), reporter);
	clean(m, sizeof(m), msg);
	snprintf(line, sizeof(line), "P\t%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%s\n", c, r, error_count,
		 time_ns, m);
	set_mark(j, 'P', c, r, error_count, time_ns, m);
	return append_nosync(j, line);
}

int watch_journal_covered(struct watch_journal *j, const char *card, const char *reporter,
			  uint64_t mark)
{
	char line[JOURNAL_LINE_MAX], c[128], r[64];

	clean(c, sizeof(c), card);
	clean(r, sizeof(r), reporter);
	snprintf(line, sizeof(line), "S\t%s\t%s\t%" PRIu64 "\n", c, r, mark);
	set_mark(j, 'S', c, r, mark, 0, NULL);
	return append(j, line);
}

bool watch_journal_is_covered(const struct watch_journal *j, const char *card,
			      const char *reporter, uint64_t mark)
{
	for (size_t i = 0; i < j->nmarks; i++)
		if (j->marks[i].msg[0] == 'S' && !strcmp(j->marks[i].card, card) &&
		    !strcmp(j->marks[i].reporter, reporter))
			return j->marks[i].error_count == mark;
	return false;
}

size_t watch_journal_capture_count(const struct watch_journal *j)
{
	return j->ncaps;
}

const struct watch_capture_rec *watch_journal_capture_at(const struct watch_journal *j, size_t i)
{
	return i < j->ncaps ? &j->caps[i] : NULL;
}
