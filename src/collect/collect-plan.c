/* SPDX-License-Identifier: MIT */
/*
 * collect-plan: --plan.  The steps of the collection run exactly as in a
 * collection, against the device's dry run: every command passes the
 * allowlist gate and is recorded but not sent, the health part answers
 * with placeholders, and nothing is written.  The plan is what the gate
 * and the artifacts saw, so plan and run cannot disagree.
 *
 * Each artifact the dry run produced gives one line per kind of operation
 * it took (a mailbox command of one opcode, register and size, or a
 * devlink/tracefs/kernel-log read), with how many.  Where the device's
 * answers decide how many (a more_dump loop, one artifact per reporter)
 * the count is open ("n"), and so is the size of what is kept.  An
 * artifact that takes no operation says why ("nothing: needs
 * --trace-control"); one left out by --skip is not listed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "collect/collect-internal.h"
#include "core/limits.h"

static int plan_sink_add(void *sink, const struct bundle_artifact *meta, const void *data,
			 size_t len)
{
	(void)sink;
	(void)meta;
	(void)data;
	(void)len;
	return 0;
}

/* Artifacts are recorded by collect_emit(); nothing is staged or published. */
static const struct collect_sink_ops plan_sink = { .add = plan_sink_add };

static bool same_op(const struct collect_plan_op *a, const struct collect_plan_op *b)
{
	if (a->side_op || b->side_op)
		return a->side_op && b->side_op && strcmp(a->side_op, b->side_op) == 0;
	return a->opcode == b->opcode && a->op_mod == b->op_mod && a->is_reg == b->is_reg &&
	       a->reg_id == b->reg_id && a->in_bytes == b->in_bytes &&
	       a->out_bytes == b->out_bytes && a->trace_control == b->trace_control;
}

struct plan_out {
	collect_plan_fn fn;
	void *userdata;
	int count;
};

static int put(struct plan_out *po, const struct collect_command *cmd)
{
	int r = po->fn(po->userdata, cmd);

	if (r < 0)
		return r;
	po->count++;
	return 0;
}

/* One line for every op of a's shape from op i on. */
static int put_op(struct plan_out *po, const struct collect *c, const struct collect_plan_art *a,
		  size_t art, size_t i, bool sizes_known)
{
	const struct collect_plan_op *op = &c->plan_ops[i];
	struct collect_command cmd = {
		.step = a->step, .kind = a->kind, .interface = a->interface,
		.scope = op->trace_control ? "tracer-control" : "read-only",
	};
	char what[96];
	const char *dot;
	unsigned n = 0;

	for (size_t k = i; k < c->n_plan_ops; k++)
		n += c->plan_ops[k].art == art && same_op(&c->plan_ops[k], op);
	cmd.count = a->open ? 0 : n;
	cmd.expected_bytes = a->open || !sizes_known ? 0 : a->bytes;
	if (op->side_op) {
		cmd.what = op->side_op;
		return put(po, &cmd);
	}
	cmd.opcode = op->opcode;
	cmd.op_mod = op->op_mod;
	cmd.in_bytes = op->in_bytes;
	cmd.out_bytes = op->out_bytes;
	if (op->is_reg) {
		cmd.reg = mlx5_reg_name(op->reg_id);
		snprintf(what, sizeof(what), "%s %s",
			 mlx5_opcode_name(op->opcode) ? mlx5_opcode_name(op->opcode) : "ACCESS_REG",
			 op->op_mod == MLX5_REG_OP_READ ? "read" : "write");
	} else {
		/* QUERY_HCA_CAP: the capability type is the kind's last part. */
		dot = strrchr(a->kind, '.');
		cmd.reg = dot ? dot + 1 : NULL;
		snprintf(what, sizeof(what), "%s",
			 mlx5_opcode_name(op->opcode) ? mlx5_opcode_name(op->opcode) : "command");
	}
	cmd.what = what;
	return put(po, &cmd);
}

static int put_art(struct plan_out *po, const struct collect *c, size_t art)
{
	const struct collect_plan_art *a = &c->plan_arts[art];
	struct collect_command cmd = {
		.step = a->step, .kind = a->kind, .interface = a->interface, .scope = "read-only",
	};
	bool any = false, sizes_known = true;
	char what[600];
	int r;

	/* The size kept is known when every operation answers in a size of
	 * its own (mailboxes, the health buffer), not a size the device picks. */
	for (size_t i = 0; i < c->n_plan_ops; i++)
		if (c->plan_ops[i].art == art && c->plan_ops[i].side_op && !c->plan_ops[i].fixed_size)
			sizes_known = false;
	for (size_t i = 0; i < c->n_plan_ops; i++) {
		bool first = true;

		if (c->plan_ops[i].art != art)
			continue;
		any = true;
		for (size_t k = 0; k < i && first; k++)
			first = !(c->plan_ops[k].art == art && same_op(&c->plan_ops[k], &c->plan_ops[i]));
		if (!first)
			continue;
		r = put_op(po, c, a, art, i, sizes_known);
		if (r < 0)
			return r;
	}
	if (any)
		return 0;
	if (a->what) {
		/* A step that works without the device (the host's files). */
		cmd.what = a->what;
		cmd.count = 1;
		return put(po, &cmd);
	}
	if (a->outcome == BUNDLE_OUTCOME_SKIPPED && strcmp(a->reason, "excluded by --skip") == 0)
		return 0;
	snprintf(what, sizeof(what), "nothing%s%s", a->reason[0] ? ": " : "", a->reason);
	cmd.what = what;
	return put(po, &cmd);
}

int collect_plan(struct collect *c, collect_plan_fn fn, void *userdata)
{
	struct plan_out po = { .fn = fn, .userdata = userdata };
	bool dry = fw_device_dry_run(c->dev);
	int r;

	c->n_plan_ops = 0;
	c->n_plan_arts = 0;
	c->plan_pending = 0;
	c->plan_err = 0;
	c->planning = true;
	c->sops = &plan_sink;
	c->sink = NULL;
	fw_device_set_dry_run(c->dev, true);
	r = collect_run_steps(c);
	fw_device_set_dry_run(c->dev, dry);
	c->planning = false;
	c->sops = NULL;
	if (r < 0)
		return r;
	if (c->plan_err < 0)
		return fw_error(c->ctx, c->plan_err,
				"collect: the plan holds more than FW_LIMIT_MEMBERS (%u) operations",
				FW_LIMIT_MEMBERS);
	for (size_t i = 0; i < c->n_plan_arts; i++) {
		r = put_art(&po, c, i);
		if (r < 0)
			return r;
	}
	return po.count;
}
