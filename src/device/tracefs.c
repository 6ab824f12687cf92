/* SPDX-License-Identifier: MIT */
/*
 * tracefs: the mlx5_fw tracepoint lines the kernel's firmware tracer
 * decoder prints, for one PCI function.  We only read: the `trace` file for
 * a snapshot of the ring buffer (non-consuming), or `trace_pipe` for N
 * seconds (consuming).  Enabling events/mlx5/mlx5_fw, resizing buffers or
 * clearing the trace is left to the administrator (tracefs settings are
 * machine-wide and other tools rely on them); fwbox never writes here.
 *
 * Lines are kept whole (task, cpu, flags, timestamp, "mlx5_fw: ", then
 * "<pci> [0x<ts>] <lost> [0x<event>] <message>"), so the kernel's own
 * timestamps survive into the bundle.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/limits.h"
#include "device/transports.h"

#define TRACE_MARK "mlx5_fw: "

struct filt {
	struct fw_ctx *ctx;
	const char *pci;
	size_t pcilen;
	char *out;
	size_t len, cap;
	char *line;                    /* partial line carried between reads */
	size_t linelen;
	bool overlong;                 /* skipping the rest of an overlong line */
	unsigned long dropped;
};

static bool line_matches(const struct filt *f, const char *l, size_t n)
{
	const char *m = memmem(l, n, TRACE_MARK, sizeof(TRACE_MARK) - 1);
	size_t off;

	if (!m)
		return false;
	off = (size_t)(m - l) + sizeof(TRACE_MARK) - 1;
	return n - off > f->pcilen && memcmp(l + off, f->pci, f->pcilen) == 0 && l[off + f->pcilen] == ' ';
}

static int emit(struct filt *f, const char *l, size_t n)
{
	if (n && l[n - 1] == '\r')
		n--;
	if (!line_matches(f, l, n))
		return 0;
	if (f->len + n + 2 > FW_LIMIT_TRACEFS_TEXT)
		return fw_error(f->ctx, -EOVERFLOW,
				"tracefs: more than FW_LIMIT_TRACEFS_TEXT (%u bytes) of mlx5_fw lines for '%s'; read for fewer seconds",
				FW_LIMIT_TRACEFS_TEXT, f->pci);
	if (fw_grow((void **)&f->out, &f->cap, f->len + n + 2, 1, FW_LIMIT_TRACEFS_TEXT) < 0)
		return fw_error(f->ctx, -ENOMEM, "tracefs: out of memory keeping %zu bytes of lines",
				f->len);
	memcpy(f->out + f->len, l, n);
	f->len += n;
	f->out[f->len++] = '\n';
	f->out[f->len] = '\0';
	return 0;
}

/* Feed bytes; complete lines are filtered, the tail is kept for later. */
static int feed(struct filt *f, const char *data, size_t n)
{
	while (n) {
		const char *nl = memchr(data, '\n', n);
		size_t take = nl ? (size_t)(nl - data) : n;
		int r = 0;

		if (f->overlong) {
			if (nl)
				f->overlong = false;
		} else if (f->linelen + take > FW_LIMIT_TEXT_LINE) {
			f->dropped++;
			f->linelen = 0;
			f->overlong = !nl;
		} else if (f->linelen == 0 && nl) {
			r = emit(f, data, take);
		} else {
			memcpy(f->line + f->linelen, data, take);
			f->linelen += take;
			if (nl) {
				r = emit(f, f->line, f->linelen);
				f->linelen = 0;
			}
		}
		if (r < 0)
			return r;
		if (!nl)
			break;
		data = nl + 1;
		n -= take + 1;
	}
	return 0;
}

static int filt_init(struct fw_ctx *ctx, struct filt *f, const char *pci)
{
	memset(f, 0, sizeof(*f));
	f->ctx = ctx;
	f->pci = pci;
	f->pcilen = strlen(pci);
	f->line = malloc(FW_LIMIT_TEXT_LINE);
	if (!f->line)
		return fw_error(ctx, -ENOMEM, "tracefs: out of memory");
	return 0;
}

static int filt_finish(struct filt *f, char **ret_text, size_t *ret_len)
{
	int r = 0;

	if (f->linelen && !f->overlong)
		r = emit(f, f->line, f->linelen);
	if (r < 0)
		return r;
	if (f->dropped)
		fw_log(f->ctx, FW_LOG_WARNING,
		       "tracefs: %lu lines longer than FW_LIMIT_TEXT_LINE (%u bytes), skipping",
		       f->dropped, FW_LIMIT_TEXT_LINE);
	if (!f->out) {
		f->out = strdup("");
		if (!f->out)
			return fw_error(f->ctx, -ENOMEM, "tracefs: out of memory");
	}
	*ret_text = f->out;
	*ret_len = f->len;
	f->out = NULL;
	return 0;
}

static void filt_release(struct filt *f)
{
	free(f->out);
	free(f->line);
}

int fw_tracefs_filter(struct fw_ctx *ctx, const char *text, size_t len, const char *pci,
		      char **ret_text, size_t *ret_len)
{
	struct filt f;
	int r;

	r = filt_init(ctx, &f, pci);
	if (r < 0)
		return r;
	r = feed(&f, text, len);
	if (r >= 0)
		r = filt_finish(&f, ret_text, ret_len);
	filt_release(&f);
	return r;
}

int fw_tracefs_find(struct fw_ctx *ctx, const char *sysroot, char **ret_dir)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char rel[128];
		char *ev, *dir;
		struct stat st;

		snprintf(rel, sizeof(rel), "%s/events/mlx5/mlx5_fw", dirs[i]);
		ev = fw_sysroot_path(sysroot, rel);
		dir = fw_sysroot_path(sysroot, dirs[i]);
		if (ev && dir && stat(ev, &st) == 0) {
			free(ev);
			*ret_dir = dir;
			return 0;
		}
		free(ev);
		free(dir);
	}
	return fw_error(ctx, -ENOENT,
			"tracefs: no events/mlx5/mlx5_fw under /sys/kernel/tracing or /sys/kernel/debug/tracing: mount tracefs and load mlx5_core");
}

int fw_tracefs_read(struct fw_ctx *ctx, const char *dir, const char *pci, unsigned seconds,
		    char **ret_text, size_t *ret_len)
{
	char path[4096];
	struct filt f;
	char *buf = NULL;
	int fd = -1, r;
	uint64_t deadline;

	if (snprintf(path, sizeof(path), "%s/%s", dir, seconds ? "trace_pipe" : "trace") >=
	    (int)sizeof(path))
		return fw_error(ctx, -ENAMETOOLONG, "tracefs: path '%s' is too long", dir);
	r = filt_init(ctx, &f, pci);
	if (r < 0)
		return r;
	buf = malloc(FW_LIMIT_READ_CHUNK);
	if (!buf) {
		r = fw_error(ctx, -ENOMEM, "tracefs: out of memory");
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | (seconds ? O_NONBLOCK : 0));
	if (fd < 0) {
		r = fw_kernel_error(ctx, -errno, "tracefs", "open", path);
		goto out;
	}
	deadline = fw_monotonic_ns() + (uint64_t)seconds * 1000000000ull;
	for (;;) {
		ssize_t n;

		if (fw_ctx_cancelled(ctx)) {
			r = fw_error(ctx, -EINTR, "tracefs: reading '%s' was interrupted", path);
			goto out;
		}
		/* The user ended the wait: keep what came. */
		if (seconds && fw_ctx_wait_ended(ctx))
			break;
		if (seconds) {
			uint64_t now = fw_monotonic_ns();
			struct pollfd p = { .fd = fd, .events = POLLIN };
			int ms;

			if (now >= deadline)
				break;
			ms = (int)((deadline - now + 999999) / 1000000);
			/* Wake at least every 100 ms to notice cancellation. */
			if (poll(&p, 1, ms > 100 ? 100 : ms) < 0 && errno != EINTR) {
				r = fw_kernel_error(ctx, -errno, "tracefs", "poll", path);
				goto out;
			}
		}
		n = read(fd, buf, FW_LIMIT_READ_CHUNK);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			r = fw_kernel_error(ctx, -errno, "tracefs", "read", path);
			goto out;
		}
		if (n == 0) {
			if (!seconds)
				break;
			/* A regular file standing in for trace_pipe (captured
			 * tree): at EOF there is nothing more to wait for. */
			struct stat st;

			if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
				break;
			continue;
		}
		r = feed(&f, buf, (size_t)n);
		if (r < 0)
			goto out;
	}
	r = filt_finish(&f, ret_text, ret_len);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	filt_release(&f);
	return r;
}

int fw_tracefs_clock(struct fw_ctx *ctx, const char *dir, char *buf, size_t len)
{
	char path[4096], text[1024];
	const char *open_b, *close_b;
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/trace_clock", dir) >= (int)sizeof(path))
		return fw_error(ctx, -ENAMETOOLONG, "tracefs: path '%s' is too long", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fw_kernel_error(ctx, -errno, "tracefs", "open", path);
	do
		n = read(fd, text, sizeof(text) - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return fw_kernel_error(ctx, err, "tracefs", "read", path);
	}
	close(fd);
	text[n] = '\0';
	open_b = strchr(text, '[');
	close_b = open_b ? strchr(open_b, ']') : NULL;
	if (!close_b || close_b == open_b + 1 || (size_t)(close_b - open_b - 1) >= len)
		return fw_error(ctx, -EBADMSG, "tracefs: '%s' names no clock in use ([name])", path);
	memcpy(buf, open_b + 1, (size_t)(close_b - open_b - 1));
	buf[close_b - open_b - 1] = '\0';
	return 0;
}
