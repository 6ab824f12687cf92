/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * core: the context every library call takes, and its error reporting.
 *
 * Contract:
 *  - Every fallible library call returns 0 (or a non-negative count) on
 *    success and a negative errno on failure.  On failure it has called
 *    fw_error() on the context, so fw_ctx_errmsg() says what went wrong,
 *    where, and what to do.  Error state lives on the context, never in a
 *    global.
 *  - The library never prints and never exits.  Progress and warnings go
 *    through the optional callbacks set here; the front-end decides.
 *  - Error codes have one meaning each across the project:
 *      -EBADMSG    malformed input (a note, a member, a mailbox, a record)
 *      -EOVERFLOW  a named limit from core/limits.h was hit
 *      -EPERM      a device command is not on the read-only allowlist
 *                  (or the OS refused: the message tells which)
 *      -ENOENT     a named thing (file, kind, device, register) is absent
 *      -EINVAL     a caller passed a bad argument (usage)
 *      -EIO        a device or storage I/O failure
 *      -ETIMEDOUT  a device step ran out of time
 *      -ENOMEM     allocation failure
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fw_ctx;

/* Severity of a message sent to the log callback. */
enum fw_log_level {
	FW_LOG_DEBUG,
	FW_LOG_INFO,
	FW_LOG_WARNING,
};

typedef void (*fw_log_fn)(void *userdata, enum fw_log_level level, const char *msg);
/* Progress: what is being done, step i of n, bytes so far. */
typedef void (*fw_progress_fn)(void *userdata, const char *what, unsigned step,
			       unsigned nsteps, uint64_t bytes);

/* -ENOMEM is the one failure; there is no context yet to carry a message. */
int fw_ctx_new(struct fw_ctx **ret);
void fw_ctx_free(struct fw_ctx *ctx);

/* Record an error on the context and return err (a negative errno). */
int fw_error(struct fw_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int fw_verror(struct fw_ctx *ctx, int err, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Prefix the current message with "what: " (adds context on the way up). */
int fw_error_prefix(struct fw_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *fw_ctx_errmsg(const struct fw_ctx *ctx);
int fw_ctx_errcode(const struct fw_ctx *ctx);
void fw_ctx_clear_error(struct fw_ctx *ctx);

void fw_ctx_set_log(struct fw_ctx *ctx, fw_log_fn fn, void *userdata);
void fw_ctx_set_progress(struct fw_ctx *ctx, fw_progress_fn fn, void *userdata);
/* The progress callback set (NULL if none), so a layer can chain its own. */
fw_progress_fn fw_ctx_get_progress(const struct fw_ctx *ctx, void **ret_userdata);
void fw_log(struct fw_ctx *ctx, enum fw_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void fw_progress(struct fw_ctx *ctx, const char *what, unsigned step, unsigned nsteps,
		 uint64_t bytes);

/*
 * The problem callback every decoder takes: a broken or skipped part of its
 * input at byte offset, with a negative errno and a message; the walk goes
 * on.  fw_problemf formats the message (at most FW_PROBLEM_MAX bytes, cut
 * beyond) and calls fn if it is not NULL.
 */
typedef void (*fw_problem_fn)(void *userdata, uint64_t offset, int err, const char *msg);
#define FW_PROBLEM_MAX 256
void fw_problemf(fw_problem_fn fn, void *userdata, uint64_t offset, int err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void fw_vproblemf(fw_problem_fn fn, void *userdata, uint64_t offset, int err, const char *fmt,
		  va_list ap) __attribute__((format(printf, 5, 0)));

/* Cooperative cancellation: a signal handler in the front-end sets it; long
 * loops in the library poll it and stop with -EINTR. */
void fw_ctx_request_cancel(struct fw_ctx *ctx);
bool fw_ctx_cancelled(const struct fw_ctx *ctx);
/*
 * A wait the user may end early without stopping the rest (collect's
 * --trace-seconds): the library brackets it with fw_ctx_wait_begin/_end;
 * a signal handler that sees fw_ctx_waiting() may call
 * fw_ctx_request_end_wait() instead of cancelling.  Waits poll
 * fw_ctx_wait_ended() and return early, without error; once ended, later
 * waits of the same run end at once too (fw_ctx_wait_reset() clears it).
 * All are async-signal-safe flag operations.
 */
void fw_ctx_wait_begin(struct fw_ctx *ctx);
void fw_ctx_wait_end(struct fw_ctx *ctx);
bool fw_ctx_waiting(const struct fw_ctx *ctx);
void fw_ctx_request_end_wait(struct fw_ctx *ctx);
bool fw_ctx_wait_ended(const struct fw_ctx *ctx);
void fw_ctx_wait_reset(struct fw_ctx *ctx);

/* The fwbox version string ("0.1.0"). */
const char *fw_version(void);

/* Small helpers shared by every subsystem. */
uint64_t fw_now_ns(void);          /* CLOCK_REALTIME in ns since the epoch */
uint64_t fw_monotonic_ns(void);    /* CLOCK_MONOTONIC in ns */
/* Format ns-since-epoch as "2026-11-25T03:59:34.123Z" into buf (>= 32 bytes). */
void fw_format_utc(uint64_t ns, char *buf, size_t len);
/* strerror-style text for a negative errno, thread-safe. */
const char *fw_strerror(int err, char *buf, size_t len);
