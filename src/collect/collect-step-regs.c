/* SPDX-License-Identifier: MIT */
/*
 * collect-step-regs: registers and capabilities.  One ACCESS_REG read per
 * register of the plan (ids and sizes from the catalog) and one
 * QUERY_HCA_CAP per capability type; a reply the transport cut short is
 * kept as a partial artifact.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect-internal.h"

int collect_step_reg(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	uint8_t *buf = calloc(1, s->size);
	int r;

	collect_art_init(&a, s->kind, fw_device_interface(c->dev, FW_PART_CMD));
	if (!buf)
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	/* The register's own bytes go in too: index fields (local_port, page
	 * select, group) are zero, which selects port 1's default page. */
	r = collect_reg_read(c, &a, (uint16_t)s->arg, buf, s->size, buf, s->size);
	r = collect_emit(c, &a, buf, r > 0 ? (size_t)r : 0);
	free(buf);
	return r;
}

int collect_step_hca_cap(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	struct mlx5_status st = { 0 };
	uint8_t *out = calloc(1, MLX5_HCA_CAP_SIZE);
	int r;

	collect_art_init(&a, s->kind, fw_device_interface(c->dev, FW_PART_CMD));
	if (!out)
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	r = collect_cmd_begin(c, &a);
	if (r >= 0) {
		r = mlx5_query_hca_cap(c->dev, (uint16_t)s->arg, true, out, MLX5_HCA_CAP_SIZE, &st);
		if (r < 0 && collect_cmd_cut_short(&st, MLX5_MBOX_HDR_LEN + MLX5_HCA_CAP_SIZE)) {
			c->cur = NULL;
			r = (int)(st.out_len - MLX5_MBOX_HDR_LEN);
			collect_art_fail(&a, BUNDLE_OUTCOME_PARTIAL, -EIO,
					 "short read: %d of %u capability bytes", r, MLX5_HCA_CAP_SIZE);
		} else {
			r = collect_cmd_end(c, &a, r, &st);
			if (r >= 0)
				r = MLX5_HCA_CAP_SIZE;
		}
	}
	r = collect_emit(c, &a, out, r > 0 ? (size_t)r : 0);
	free(out);
	return r;
}
