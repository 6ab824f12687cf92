/* SPDX-License-Identifier: MIT */
/*
 * collect-art: one artifact in the making.  Its outcome (ok, partial,
 * failed, skipped) with errno, mlx5 status and syndrome; the first request
 * bytes it sent (from the device observer); the time box and cancellation
 * checked before every command; and the hand-over to the sink with its
 * record in the run's outcomes.  In a --plan dry run it also records the
 * operations each artifact would take.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect-internal.h"
#include "core/buf.h"
#include "core/limits.h"

void collect_art_init(struct collect_art *a, const char *kind, const char *interface)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->kind, sizeof(a->kind), "%s", kind);
	a->interface = interface;
	a->start_ns = fw_now_ns();
	a->start_mono = fw_monotonic_ns();
}

void collect_art_fail(struct collect_art *a, enum bundle_outcome o, int err, const char *fmt, ...)
{
	char reason[sizeof(a->reason)];
	va_list ap;

	a->outcome = o;
	a->err = err;
	/* Through a copy: callers wrap the old reason ("... unavailable: %s",
	 * a->reason), and formatting into the buffer being read repeated
	 * the prefix and lost the start of the message. */
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	memcpy(a->reason, reason, sizeof(reason));
}

void collect_art_reset(struct collect_art *a)
{
	a->outcome = BUNDLE_OUTCOME_OK;
	a->reason[0] = '\0';
	a->err = 0;
	a->status = 0;
	a->syndrome = 0;
	a->request_len = 0;     /* the retry's request is the one that counts */
}

bool collect_skipped(const struct collect *c, const char *kind)
{
	return c->opts.skip && *c->opts.skip && collect_kind_matches(c->opts.skip, kind);
}

int collect_emit_excluded(struct collect *c, const char *kind)
{
	struct collect_art a;

	collect_art_init(&a, kind, "host");
	collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, 0, "excluded by --skip");
	return collect_emit(c, &a, NULL, 0);
}

static int outcome_push(struct collect *c, const struct collect_art *a, uint64_t bytes,
			uint64_t dur)
{
	struct collect_outcome *o;
	int r;

	r = fw_grow((void **)&c->out, &c->cap_out, c->n_out + 1, sizeof(*c->out),
		    FW_LIMIT_MEMBERS);
	if (r < 0)
		return fw_error(c->ctx, r, "collect: more than FW_LIMIT_MEMBERS (%u) artifacts",
				FW_LIMIT_MEMBERS);
	o = &c->out[c->n_out];
	memset(o, 0, sizeof(*o));
	o->kind = strdup(a->kind);
	o->reason = strdup(a->reason);
	if (!o->kind || !o->reason) {
		free((char *)o->kind);
		free((char *)o->reason);
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	}
	o->outcome = a->outcome;
	o->err = a->err;
	o->status = a->status;
	o->syndrome = a->syndrome;
	o->bytes = bytes;
	o->duration_ns = dur;
	o->interface = a->interface;
	c->n_out++;
	return 0;
}

/*
 * --plan: the artifact takes the operations the dry run saw since the last
 * one.  A kind with a placeholder ("health.<reporter>") stands for as many
 * artifacts as the device will list, so its count is open too.
 */
static int plan_art(struct collect *c, const struct collect_art *a, size_t len)
{
	struct collect_plan_art *pa;
	int r;

	r = fw_grow((void **)&c->plan_arts, &c->cap_plan_arts, c->n_plan_arts + 1,
		    sizeof(*c->plan_arts), FW_LIMIT_MEMBERS);
	if (r < 0)
		return fw_error(c->ctx, r, "collect: planning more than FW_LIMIT_MEMBERS (%u) artifacts",
				FW_LIMIT_MEMBERS);
	pa = &c->plan_arts[c->n_plan_arts];
	memset(pa, 0, sizeof(*pa));
	pa->step = c->plan_step;
	memcpy(pa->kind, a->kind, sizeof(pa->kind));
	pa->interface = a->interface ? a->interface : "host";
	pa->outcome = a->outcome;
	memcpy(pa->reason, a->reason, sizeof(pa->reason));
	pa->bytes = len;
	pa->open = a->plan_open || strchr(a->kind, '<');
	pa->what = a->plan_what;
	for (; c->plan_pending < c->n_plan_ops; c->plan_pending++)
		c->plan_ops[c->plan_pending].art = c->n_plan_arts;
	c->n_plan_arts++;
	return 0;
}

/*
 * Health artifacts (read again as KIND.after when the firmware went fatal)
 * keep their SHA-256: an .after artifact equal to its first reading is
 * recorded as skipped, not stored twice (the fw_fatal crdump is
 * megabytes).  Returns 1 if a is such a duplicate, 0 if not, < 0 on error.
 */
static int unchanged_after(struct collect *c, const struct collect_art *a, const void *data,
			   size_t len, char *ret_first, size_t first_len)
{
	uint8_t sha[FW_SHA256_LEN];
	struct fw_sha256 *h = NULL;
	size_t klen;
	int r;

	if (c->planning || !data || !len || strncmp(a->kind, "health", 6) ||
	    a->outcome != BUNDLE_OUTCOME_OK)
		return 0;
	r = fw_sha256_new(&h);
	if (r >= 0)
		r = fw_sha256_update(h, data, len);
	if (r >= 0)
		r = fw_sha256_final(h, sha);
	fw_sha256_free(h);
	if (r < 0)
		return fw_error(c->ctx, r, "SHA-256 of '%s'", a->kind);
	if (!c->kind_suffix) {
		r = fw_grow((void **)&c->digests, &c->cap_digests, c->n_digests + 1,
			    sizeof(*c->digests), 0);
		if (r < 0)
			return fw_error(c->ctx, r, "out of memory");
		snprintf(c->digests[c->n_digests].kind, sizeof(c->digests[0].kind), "%s", a->kind);
		memcpy(c->digests[c->n_digests].sha, sha, sizeof(sha));
		c->n_digests++;
		return 0;
	}
	klen = strlen(a->kind);
	for (size_t i = 0; i < c->n_digests; i++) {
		if (strlen(c->digests[i].kind) + strlen(c->kind_suffix) != klen ||
		    strncmp(a->kind, c->digests[i].kind, strlen(c->digests[i].kind)) ||
		    memcmp(sha, c->digests[i].sha, sizeof(sha)))
			continue;
		snprintf(ret_first, first_len, "%s", c->digests[i].kind);
		return 1;
	}
	return 0;
}

int collect_emit(struct collect *c, struct collect_art *a, const void *data, size_t len)
{
	char first[COLLECT_KIND_MAX];
	struct bundle_artifact meta;
	uint64_t dur = fw_monotonic_ns() - a->start_mono;
	int r;

	/* Kinds that only appear once the device answered are filtered here
	 * (and so are the operations that made them, from a plan). */
	if (c->opts.only && *c->opts.only && !collect_kind_matches(c->opts.only, a->kind)) {
		c->plan_pending = c->n_plan_ops;
		return 0;
	}
	if (c->opts.skip && *c->opts.skip && collect_kind_matches(c->opts.skip, a->kind) &&
	    a->outcome != BUNDLE_OUTCOME_SKIPPED) {
		collect_art_fail(a, BUNDLE_OUTCOME_SKIPPED, 0, "excluded by --skip");
		data = NULL;
		len = 0;
	}
	if (c->kind_suffix && strlen(a->kind) + strlen(c->kind_suffix) < sizeof(a->kind))
		strcat(a->kind, c->kind_suffix);
	r = unchanged_after(c, a, data, len, first, sizeof(first));
	if (r < 0)
		return r;
	if (r == 1) {
		collect_art_fail(a, BUNDLE_OUTCOME_SKIPPED, 0, "unchanged since '%s' (same SHA-256): "
				 "stored once", first);
		data = NULL;
		len = 0;
	}
	if (a->outcome == BUNDLE_OUTCOME_OK && a->reason[0] == '\0')
		a->err = 0;
	/* One rule for the step a signal cut short, whichever step it was:
	 * partial if it kept bytes, failed if it kept none (fwbox-collect(1)). */
	if (a->err == -EINTR && (a->outcome == BUNDLE_OUTCOME_FAILED ||
				 a->outcome == BUNDLE_OUTCOME_PARTIAL))
		a->outcome = data && len ? BUNDLE_OUTCOME_PARTIAL : BUNDLE_OUTCOME_FAILED;
	memset(&meta, 0, sizeof(meta));
	meta.kind = a->kind;
	meta.outcome = a->outcome;
	meta.reason = a->reason;
	meta.err = a->err;
	meta.status = a->status;
	meta.syndrome = a->syndrome;
	meta.start_ns = a->start_ns;
	meta.end_ns = a->start_ns + dur;
	meta.interface = a->interface ? a->interface : "host";
	meta.request = a->request_len ? a->request : NULL;
	meta.request_len = a->request_len;
	if (c->planning) {
		r = plan_art(c, a, data ? len : 0);
		if (r < 0)
			return r;
	}
	r = c->sops->add(c->sink, &meta, data, data ? len : 0);
	if (r < 0)
		return fw_error_prefix(c->ctx, r, "staging '%s'", a->kind);
	c->bytes += data ? len : 0;
	return outcome_push(c, a, data ? len : 0, dur);
}

int collect_emit_blob(struct collect *c, const char *kind, const char *interface, int r,
		     void *data, size_t len)
{
	struct collect_art a;
	char ebuf[128];
	int e;

	collect_art_init(&a, kind, interface);
	if (r == -EOPNOTSUPP)
		collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, r, "transport '%s' does not offer it",
				 c->info.transport);
	else if (r < 0)
		collect_art_fail(&a, BUNDLE_OUTCOME_FAILED, r, "%s%s%s",
				 fw_strerror(r, ebuf, sizeof(ebuf)),
				 fw_ctx_errcode(c->ctx) ? ": " : "",
				 fw_ctx_errcode(c->ctx) ? fw_ctx_errmsg(c->ctx) : "");
	e = collect_emit(c, &a, r < 0 ? NULL : data, r < 0 ? 0 : len);
	free(data);
	return e;
}

static const char *const status_names[] = {
	[0x00] = "ok", [0x01] = "internal error", [0x02] = "bad operation",
	[0x03] = "bad parameter", [0x04] = "bad system state", [0x05] = "bad resource",
	[0x06] = "resource busy", [0x08] = "limits exceeded", [0x09] = "bad resource state",
	[0x0a] = "bad index", [0x0f] = "no resources", [0x10] = "bad QP state",
	[0x30] = "bad packet", [0x40] = "bad size of outstanding CQEs",
	[0x50] = "bad input length", [0x51] = "bad output length",
};

const char *collect_status_name(uint32_t status)
{
	if (status < sizeof(status_names) / sizeof(status_names[0]) && status_names[status])
		return status_names[status];
	return "unknown status";
}

/* A dry-run operation, kept for the artifact it will belong to. */
static void plan_op(struct collect *c, const struct fw_cmd_event *ev)
{
	struct collect_plan_op *op;

	if (c->plan_err)
		return;
	c->plan_err = fw_grow((void **)&c->plan_ops, &c->cap_plan_ops, c->n_plan_ops + 1,
			      sizeof(*c->plan_ops), FW_LIMIT_MEMBERS);
	if (c->plan_err < 0)
		return;
	op = &c->plan_ops[c->n_plan_ops++];
	memset(op, 0, sizeof(*op));
	op->art = SIZE_MAX;
	op->side_op = ev->side_op;
	op->fixed_size = ev->fixed_size;
	op->opcode = ev->opcode;
	op->op_mod = ev->op_mod;
	op->is_reg = ev->is_reg;
	op->reg_id = ev->reg_id;
	op->trace_control = ev->trace_control;
	op->in_bytes = ev->inlen;
	op->out_bytes = ev->outlen;
}

/* Every command the device gate saw while a step ran: count what reached
 * the device, keep the first inbox of the artifact in progress as its
 * request bytes, and in a dry run what the plan is made of. */
void collect_observe(void *userdata, const struct fw_cmd_event *ev)
{
	struct collect *c = userdata;
	struct collect_art *a = c->cur;

	if (c->planning && ev->dry_run && !ev->refused)
		plan_op(c, ev);
	if (ev->side_op)
		return;
	if (ev->sent)
		c->commands_sent++;
	if (a && !a->request_len && ev->in) {
		a->request_len = ev->inlen < sizeof(a->request) ? ev->inlen : sizeof(a->request);
		memcpy(a->request, ev->in, a->request_len);
	}
}

int collect_cmd_begin(struct collect *c, struct collect_art *a)
{
	if (fw_ctx_cancelled(c->ctx)) {
		collect_art_fail(a, BUNDLE_OUTCOME_FAILED, -EINTR, "interrupted by a signal");
		return fw_error(c->ctx, -EINTR, "%s: interrupted by a signal", a->kind);
	}
	if (fw_monotonic_ns() > c->deadline) {
		collect_art_fail(a, BUNDLE_OUTCOME_FAILED, -ETIMEDOUT,
				 "step ran out of its %u ms time box", c->opts.step_timeout_ms);
		return fw_error(c->ctx, -ETIMEDOUT, "%s: the step ran out of its %u ms time box",
				a->kind, c->opts.step_timeout_ms);
	}
	fw_ctx_clear_error(c->ctx);
	c->cur = a;
	return 0;
}

bool collect_cmd_cut_short(const struct mlx5_status *st, size_t asked)
{
	return st->err == -EBADMSG && st->fw_replied && st->status == 0 &&
	       st->out_len >= MLX5_MBOX_HDR_LEN && st->out_len < asked;
}

int collect_cmd_end(struct collect *c, struct collect_art *a, int r, const struct mlx5_status *st)
{
	char ebuf[128];

	c->cur = NULL;
	if (r >= 0)
		return r;
	if (st->fw_replied && st->status) {
		a->status = st->status;
		a->syndrome = st->syndrome;
		collect_art_fail(a, BUNDLE_OUTCOME_FAILED, -EREMOTEIO,
				 "firmware returned status 0x%x (%s), syndrome 0x%08x", a->status,
				 collect_status_name(a->status), a->syndrome);
		return fw_error(c->ctx, -EREMOTEIO, "%s: %s", a->kind, a->reason);
	}
	{
		const char *msg = fw_ctx_errcode(c->ctx) ? fw_ctx_errmsg(c->ctx) : "";

		/* A device with no firmware commands at all (a devlink device
		 * that is no ConnectX) skips the step, as a missing read does. */
		collect_art_fail(a, r == -EOPNOTSUPP ? BUNDLE_OUTCOME_SKIPPED : BUNDLE_OUTCOME_FAILED,
				 r, "%s%s%s", fw_strerror(r, ebuf, sizeof(ebuf)), *msg ? ": " : "",
				 msg);
	}
	return r;
}

/* One ACCESS_REG read through the mlx5 layer. */
int collect_reg_read(struct collect *c, struct collect_art *a, uint16_t reg_id,
			   const uint8_t *data_in, size_t in_len, uint8_t *data_out, size_t out_len)
{
	struct mlx5_status st = { 0 };
	int r;

	r = collect_cmd_begin(c, a);
	if (r < 0)
		return r;
	r = mlx5_access_reg_read(c->dev, reg_id, 0, data_in, in_len, data_out, out_len, &st);
	if (r < 0 && collect_cmd_cut_short(&st, MLX5_MBOX_HDR_LEN + out_len)) {
		c->cur = NULL;
		r = (int)(st.out_len - MLX5_MBOX_HDR_LEN);
		collect_art_fail(a, BUNDLE_OUTCOME_PARTIAL, -EIO,
				 "short read: %d of %zu register bytes", r, out_len);
		return r;
	}
	r = collect_cmd_end(c, a, r, &st);
	return r < 0 ? r : (int)out_len;
}
