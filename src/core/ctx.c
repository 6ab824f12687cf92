/* SPDX-License-Identifier: MIT */
/* The library context: error message, callbacks, cancellation. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"

#define FW_ERRMSG_MAX 1024

struct fw_ctx {
	int errcode;
	char errmsg[FW_ERRMSG_MAX];
	fw_log_fn log_fn;
	void *log_userdata;
	fw_progress_fn progress_fn;
	void *progress_userdata;
	/* Written from a signal handler, read by library loops. */
	volatile sig_atomic_t cancelled;
	volatile sig_atomic_t waiting, wait_ended;
};

int fw_ctx_new(struct fw_ctx **ret)
{
	struct fw_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return -ENOMEM;
	*ret = ctx;
	return 0;
}

void fw_ctx_free(struct fw_ctx *ctx)
{
	free(ctx);
}

int fw_verror(struct fw_ctx *ctx, int err, const char *fmt, va_list ap)
{
	if (!ctx)
		return err;
	ctx->errcode = err;
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	return err;
}

int fw_error(struct fw_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fw_verror(ctx, err, fmt, ap);
	va_end(ap);
	return err;
}

int fw_error_prefix(struct fw_ctx *ctx, int err, const char *fmt, ...)
{
	char prefix[FW_ERRMSG_MAX];
	char old[FW_ERRMSG_MAX];
	va_list ap;

	if (!ctx)
		return err;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, ctx->errmsg, sizeof(old));
	if (old[0])
		snprintf(ctx->errmsg, sizeof(ctx->errmsg), "%s: %s", prefix, old);
	else
		snprintf(ctx->errmsg, sizeof(ctx->errmsg), "%s", prefix);
	ctx->errcode = err;
	return err;
}

const char *fw_ctx_errmsg(const struct fw_ctx *ctx)
{
	if (!ctx->errmsg[0])
		return ctx->errcode ? strerror(-ctx->errcode) : "no error";
	return ctx->errmsg;
}

int fw_ctx_errcode(const struct fw_ctx *ctx)
{
	return ctx->errcode;
}

void fw_ctx_clear_error(struct fw_ctx *ctx)
{
	ctx->errcode = 0;
	ctx->errmsg[0] = '\0';
}

void fw_ctx_set_log(struct fw_ctx *ctx, fw_log_fn fn, void *userdata)
{
	ctx->log_fn = fn;
	ctx->log_userdata = userdata;
}

void fw_ctx_set_progress(struct fw_ctx *ctx, fw_progress_fn fn, void *userdata)
{
	ctx->progress_fn = fn;
	ctx->progress_userdata = userdata;
}

void fw_vproblemf(fw_problem_fn fn, void *userdata, uint64_t offset, int err, const char *fmt,
		  va_list ap)
{
	char msg[FW_PROBLEM_MAX];

	if (!fn)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fn(userdata, offset, err, msg);
}

void fw_problemf(fw_problem_fn fn, void *userdata, uint64_t offset, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fw_vproblemf(fn, userdata, offset, err, fmt, ap);
	va_end(ap);
}

fw_progress_fn fw_ctx_get_progress(const struct fw_ctx *ctx, void **ret_userdata)
{
	*ret_userdata = ctx->progress_userdata;
	return ctx->progress_fn;
}

void fw_log(struct fw_ctx *ctx, enum fw_log_level level, const char *fmt, ...)
{
	char msg[FW_ERRMSG_MAX];
	va_list ap;

	if (!ctx || !ctx->log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->log_fn(ctx->log_userdata, level, msg);
}

void fw_progress(struct fw_ctx *ctx, const char *what, unsigned step, unsigned nsteps,
		 uint64_t bytes)
{
	if (ctx && ctx->progress_fn)
		ctx->progress_fn(ctx->progress_userdata, what, step, nsteps, bytes);
}

void fw_ctx_request_cancel(struct fw_ctx *ctx)
{
	ctx->cancelled = 1;
}

bool fw_ctx_cancelled(const struct fw_ctx *ctx)
{
	return ctx && ctx->cancelled;
}

void fw_ctx_wait_begin(struct fw_ctx *ctx)
{
	ctx->waiting = 1;
}

void fw_ctx_wait_end(struct fw_ctx *ctx)
{
	ctx->waiting = 0;
}

bool fw_ctx_waiting(const struct fw_ctx *ctx)
{
	return ctx && ctx->waiting;
}

void fw_ctx_request_end_wait(struct fw_ctx *ctx)
{
	ctx->wait_ended = 1;
}

bool fw_ctx_wait_ended(const struct fw_ctx *ctx)
{
	return ctx && ctx->wait_ended;
}

void fw_ctx_wait_reset(struct fw_ctx *ctx)
{
	ctx->waiting = 0;
	ctx->wait_ended = 0;
}

const char *fw_version(void)
{
	return PACKAGE_VERSION;
}

uint64_t fw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t fw_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void fw_format_utc(uint64_t ns, char *buf, size_t len)
{
	time_t secs = (time_t)(ns / 1000000000ull);
	unsigned ms = (unsigned)((ns / 1000000ull) % 1000);
	struct tm tm;
	char tmp[32];

	if (!gmtime_r(&secs, &tm) || !strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(tmp, sizeof(tmp), "@%llu", (unsigned long long)secs);
	snprintf(buf, len, "%s.%03uZ", tmp, ms);
}

const char *fw_strerror(int err, char *buf, size_t len)
{
	int e = err < 0 ? -err : err;
	/* GNU strerror_r may return a static string instead of filling buf. */
	const char *s = strerror_r(e, buf, len);

	return s ? s : buf;
}
