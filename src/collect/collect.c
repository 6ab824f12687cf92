/* SPDX-License-Identifier: MIT */
/*
 * collect: the engine.  Builds the plan of a collection from the step
 * table (collect-table.c) and the --only/--skip filters, runs each step
 * under a time box, and reads the health steps again when the device went
 * fatal during the run.  The steps themselves live in collect-step-*.c,
 * the recording of their artifacts in collect-art.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect-internal.h"
#include "core/buf.h"
#include "core/limits.h"

/* ------------------------------------------------------------ the plan of steps */

static int plan_add(struct collect *c, const struct collect_step_desc *d, const char *kind,
		    uint32_t arg, uint32_t size)
{
	struct collect_step *s;
	int r;

	r = fw_grow((void **)&c->steps, &c->cap_steps, c->n_steps + 1, sizeof(*c->steps),
		    FW_LIMIT_MEMBERS);
	if (r < 0)
		return fw_error(c->ctx, r, "collect: more than FW_LIMIT_MEMBERS (%u) steps",
				FW_LIMIT_MEMBERS);
	s = &c->steps[c->n_steps++];
	memset(s, 0, sizeof(*s));
	s->desc = d;
	snprintf(s->kind, sizeof(s->kind), "%s", kind);
	s->arg = arg;
	s->size = size;
	return 0;
}

/* Is this step in the plan, and if not, should its absence be recorded?
 * --only removes silently (the operator asked for a subset); --skip
 * records "skipped" so the bundle says what was left out on purpose. */
static int plan_maybe(struct collect *c, const struct collect_step_desc *d, const char *kind,
		      bool family, uint32_t arg, uint32_t size)
{
	const char *only = c->opts.only, *skip = c->opts.skip;

	if (only && *only &&
	    !(family ? collect_family_may_match(only, kind) : collect_kind_matches(only, kind)))
		return 0;
	if (skip && *skip && collect_kind_matches(skip, kind))
		return plan_add(c, NULL, kind, 0, 0);
	return plan_add(c, d, kind, arg, size);
}

struct instance_ctx {
	struct collect *c;
	const struct collect_step_desc *d;
	const char *token;             /* token_known(): the token looked for */
	bool known;
};

static int plan_instance(void *u, const char *kind, uint32_t arg, uint32_t size, bool dflt)
{
	struct instance_ctx *ic = u;
	const char *only = ic->c->opts.only;

	/* Outside the default set, only a kind named exactly. */
	if (!dflt && !(only && collect_exact_token(only, kind)))
		return 0;
	return plan_maybe(ic->c, ic->d, kind, false, arg, size);
}

static int build_plan(struct collect *c)
{
	int r = 0;

	for (size_t i = 0; i < collect_step_table_len && r >= 0; i++) {
		const struct collect_step_desc *d = &collect_step_table[i];
		struct instance_ctx ic = { .c = c, .d = d };

		if (d->instances)
			r = d->instances(plan_instance, &ic);
		else
			r = plan_maybe(c, d, d->kind, d->family, 0, 0);
	}
	if (r < 0)
		return r;
	if (c->n_steps == 0)
		return fw_error(c->ctx, -EINVAL, "'--only %s' selects nothing; kinds are %s",
				c->opts.only ? c->opts.only : "", COLLECT_KIND_LIST);
	return 0;
}

static int known_instance(void *u, const char *kind, uint32_t arg, uint32_t size, bool dflt)
{
	struct instance_ctx *ic = u;

	(void)arg;
	(void)size;
	(void)dflt;
	ic->known = ic->known || collect_kind_matches(ic->token, kind);
	return 0;
}

/* Does one --skip token name anything a step of the table could write?  A
 * typo ("crpsace") would otherwise leave the step in without a word. */
static bool token_known(const char *tok)
{
	for (size_t i = 0; i < collect_step_table_len; i++) {
		const struct collect_step_desc *d = &collect_step_table[i];
		struct instance_ctx ic = { .token = tok };

		if (d->instances) {
			d->instances(known_instance, &ic);
			if (ic.known)
				return true;
		} else if (d->family ? collect_family_may_match(tok, d->kind)
				     : collect_kind_matches(tok, d->kind)) {
			return true;
		}
	}
	return false;
}

/* --only '' and --skip '' are mistakes, and every --skip token must
 * name a kind: usage errors (-EINVAL), before the device is asked anything. */
static int check_filters(struct collect *c)
{
	const char *skip = c->opts.skip;
	char tok[128];

	if (c->opts.only && !*c->opts.only)
		return fw_error(c->ctx, -EINVAL,
				"'--only' is empty: give a comma list of kinds (%s); "
				"see fwbox-collect(1)", COLLECT_KIND_LIST);
	if (!skip)
		return 0;
	if (!*skip)
		return fw_error(c->ctx, -EINVAL,
				"'--skip' is empty: give a comma list of kinds (%s); "
				"see fwbox-collect(1)", COLLECT_KIND_LIST);
	for (const char *p = skip;;) {
		size_t n = strcspn(p, ",");

		snprintf(tok, sizeof(tok), "%.*s", (int)n, p);
		if (n == 0 || n >= sizeof(tok) || !token_known(tok))
			return fw_error(c->ctx, -EINVAL,
					"'--skip %s': '%.*s' names no kind; kinds are %s "
					"(see fwbox-collect(1))", skip, (int)(n > 64 ? 64 : n), p,
					COLLECT_KIND_LIST);
		p += n;
		if (!*p)
			break;
		p++;
	}
	return 0;
}

/* ------------------------------------------------------------ lifecycle */

static int copy_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

int collect_new_with(struct fw_ctx *ctx, const struct collect_options *opts,
		     struct fw_device *dev, struct collect **ret)
{
	struct collect *c;
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return fw_error(ctx, -ENOMEM, "out of memory");
	c->ctx = ctx;
	c->dev = dev;
	c->opts = *opts;
	if (copy_opt(&c->s_output, opts->output) < 0 || copy_opt(&c->s_reason, opts->reason) < 0 ||
	    copy_opt(&c->s_only, opts->only) < 0 || copy_opt(&c->s_skip, opts->skip) < 0 ||
	    copy_opt(&c->s_cmdline, opts->cmdline) < 0 || copy_opt(&c->s_sysroot, opts->sysroot) < 0) {
		r = fw_error(ctx, -ENOMEM, "out of memory");
		goto fail;
	}
	c->opts.output = c->s_output;
	c->opts.reason = c->s_reason;
	c->opts.only = c->s_only;
	c->opts.skip = c->s_skip;
	c->opts.cmdline = c->s_cmdline;
	c->opts.sysroot = c->s_sysroot;
	if (!c->opts.step_timeout_ms)
		c->opts.step_timeout_ms = COLLECT_STEP_TIMEOUT_MS;
	/* The observer sees every command the mlx5 layer sends for us: it
	 * keeps the first inbox of each artifact and counts. */
	fw_device_set_observer(dev, collect_observe, c);
	r = fw_device_info(dev, &c->info);
	if (r < 0)
		goto fail;
	c->max_rpc = c->info.max_rpc ? c->info.max_rpc : FW_LIMIT_MLX5CTL_RPC;
	c->created_ns = fw_now_ns();
	r = check_filters(c);
	if (r < 0)
		goto fail;
	r = build_plan(c);
	if (r < 0)
		goto fail;
	r = collect_make_output_path(c);
	if (r < 0)
		goto fail;
	*ret = c;
	return 0;
fail:
	c->owns_dev = false;    /* the caller still owns it on failure */
	collect_free(c);
	return r;
}

static void outcomes_clear(struct collect *c)
{
	for (size_t i = 0; i < c->n_out; i++) {
		free((char *)c->out[i].kind);
		free((char *)c->out[i].reason);
	}
	free(c->out);
	c->out = NULL;
	c->n_out = c->cap_out = 0;
}

void collect_free(struct collect *c)
{
	if (!c)
		return;
	if (c->dev)
		fw_device_set_observer(c->dev, NULL, NULL);
	if (c->owns_dev)
		fw_device_close(c->dev);
	outcomes_clear(c);
	free(c->digests);
	free(c->steps);
	free(c->output);
	free(c->s_output);
	free(c->s_reason);
	free(c->s_only);
	free(c->s_skip);
	free(c->s_cmdline);
	free(c->s_sysroot);
	free(c->trace_cap);
	free(c->menu);
	free(c->plan_ops);
	free(c->plan_arts);
	free(c);
}

size_t collect_step_count(const struct collect *c)
{
	return c->n_steps;
}

const char *collect_output_path(const struct collect *c)
{
	return c->output;
}

size_t collect_outcome_count(const struct collect *c)
{
	return c->n_out;
}

const struct collect_outcome *collect_outcome_at(const struct collect *c, size_t i)
{
	return i < c->n_out ? &c->out[i] : NULL;
}

enum bundle_outcome collect_worst(const struct collect *c)
{
	enum bundle_outcome w = BUNDLE_OUTCOME_OK;

	for (size_t i = 0; i < c->n_out; i++) {
		enum bundle_outcome o = c->out[i].outcome;

		if (o == BUNDLE_OUTCOME_SKIPPED) {
			/* Skipped because the run was interrupted is not "all well". */
			if (c->out[i].err == -EINTR && w == BUNDLE_OUTCOME_OK)
				w = BUNDLE_OUTCOME_PARTIAL;
			continue;
		}
		if (o == BUNDLE_OUTCOME_FAILED)
			w = BUNDLE_OUTCOME_FAILED;
		else if (o == BUNDLE_OUTCOME_PARTIAL && w == BUNDLE_OUTCOME_OK)
			w = BUNDLE_OUTCOME_PARTIAL;
	}
	return w;
}

uint64_t collect_device_commands(const struct collect *c)
{
	return c->commands_sent;
}

/* ------------------------------------------------------------ running */

static int record_interrupted(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;

	collect_art_init(&a, s->kind, c->info.transport);
	collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, -EINTR, "not run: interrupted by a signal");
	return collect_emit(c, &a, NULL, 0);
}

/* Did a device step after the health steps fail with EIO (firmware fatal)?
 * Only a failed step counts: a short reply is recorded as partial with EIO
 * too, and that is the transport, not the firmware going down. */
static bool went_fatal(const struct collect *c)
{
	for (size_t i = 0; i < c->n_out; i++) {
		const struct collect_outcome *o = &c->out[i];

		if (o->outcome == BUNDLE_OUTCOME_FAILED && o->err == -EIO &&
		    strncmp(o->kind, "health", 6) != 0 &&
		    !(o->interface && !strcmp(o->interface, "host")))
			return true;
	}
	return false;
}

/* What a run learnt from the device goes before the next one (a --plan
 * before a run, or a second run). */
static void forget_device_answers(struct collect *c)
{
	free(c->trace_cap);
	c->trace_cap = NULL;
	c->trace_cap_len = 0;
	memset(&c->caps, 0, sizeof(c->caps));
	c->caps_err = 0;
	c->stdb_small = false;
	free(c->menu);
	c->menu = NULL;
	c->menu_len = 0;
}

/* The step just run failed with EIO on a mailbox command: the firmware is
 * in a fatal state and every further command would fail the same way.
 * Only a failed step counts: a short reply is recorded as partial with
 * EIO too, and that is the transport, not the firmware going down. */
static void note_fatal(struct collect *c, const struct collect_step *s, size_t first_out)
{
	if (c->fatal || c->planning || !s->desc || !s->desc->mailbox)
		return;
	for (size_t i = first_out; i < c->n_out; i++) {
		const struct collect_outcome *o = &c->out[i];

		if (o->outcome == BUNDLE_OUTCOME_FAILED && o->err == -EIO) {
			c->fatal = true;
			snprintf(c->fatal_reason, sizeof(c->fatal_reason), "%s", o->reason);
			return;
		}
	}
}

static int record_not_sent(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;

	collect_art_init(&a, s->kind, c->info.transport);
	collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, -EIO,
			 "not run: the firmware is in a fatal state, so no further device command "
			 "was sent (%s)", c->fatal_reason);
	return collect_emit(c, &a, NULL, 0);
}

static int run_step(struct collect *c, const struct collect_step *s)
{
	c->deadline = fw_monotonic_ns() + (uint64_t)c->opts.step_timeout_ms * 1000000ull;
	if (!s->desc)
		return collect_emit_excluded(c, s->kind);
	return s->desc->run(c, s);
}

int collect_run_steps(struct collect *c)
{
	int r = 0;

	outcomes_clear(c);
	forget_device_answers(c);
	c->fatal = false;
	c->fatal_reason[0] = '\0';
	c->n_digests = 0;
	c->first_read_mono_ns = 0;
	c->bytes = 0;
	c->commands_sent = 0;
	if (!collect_host_taint(c->opts.sysroot, &c->taint_before))
		c->taint_before = UINT64_MAX;
	for (size_t i = 0; i < c->n_steps; i++) {
		const struct collect_step *s = &c->steps[i];

		c->plan_step = (unsigned)i + 1;
		/* Progress names a step only once it is sure to run, so a
		 * "[k/n] KIND" line means KIND is under way. */
		if (fw_ctx_cancelled(c->ctx)) {
			r = record_interrupted(c, s);
		} else if (c->fatal && s->desc && s->desc->mailbox) {
			r = record_not_sent(c, s);
		} else {
			size_t first_out = c->n_out;

			fw_progress(c->ctx, s->kind, (unsigned)i + 1, (unsigned)c->n_steps, c->bytes);
			if (!c->first_read_mono_ns)
				c->first_read_mono_ns = fw_monotonic_ns();
			r = run_step(c, s);
			note_fatal(c, s, first_out);
		}
		/* Only a failure to stage (disk, memory) stops the run: the
		 * bundle could not hold the evidence anyway. */
		if (r < 0)
			return r;
	}
	/* A fatal error during the run (the device answers EIO) leaves its
	 * dump in the health buffer and the fw_fatal reporter, which were
	 * read before it: read them once more, as KIND.after. */
	if (!c->planning && (c->fatal || went_fatal(c)) && !fw_ctx_cancelled(c->ctx)) {
		c->kind_suffix = ".after";
		for (size_t i = 0; r >= 0 && i < c->n_steps; i++) {
			const struct collect_step *s = &c->steps[i];

			if (s->desc && s->desc->again_after_fatal)
				r = run_step(c, s);
		}
		c->kind_suffix = NULL;
	}
	return r;
}

uint64_t collect_first_read_mono_ns(const struct collect *c)
{
	return c->first_read_mono_ns;
}

int collect_run_sink(struct collect *c, const struct collect_sink_ops *sops, void *sink,
		     char **ret_path)
{
	char *path = NULL;
	int r;

	c->sops = sops;
	c->sink = sink;
	r = collect_run_steps(c);
	if (r < 0)
		goto out;
	fw_progress(c->ctx, "publishing", (unsigned)c->n_steps, (unsigned)c->n_steps, c->bytes);
	if (c->opts.trigger && sops->set_trigger) {
		struct bundle_trigger t = *c->opts.trigger;

		if (c->opts.trigger_mono_ns && c->first_read_mono_ns > c->opts.trigger_mono_ns)
			t.latency_ns = c->first_read_mono_ns - c->opts.trigger_mono_ns;
		r = sops->set_trigger(sink, &t);
		if (r < 0)
			goto out;
	}
	r = sops->commit(sink, &path);
	if (r < 0)
		goto out;
	if (ret_path)
		*ret_path = path;
	else
		free(path);
	r = 0;
out:
	c->sops = NULL;
	c->sink = NULL;
	return r;
}

bool collect_fatal(const struct collect *c, const char **ret_reason)
{
	if (c->fatal && ret_reason)
		*ret_reason = c->fatal_reason;
	return c->fatal;
}
