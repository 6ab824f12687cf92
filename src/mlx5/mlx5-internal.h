/* SPDX-License-Identifier: MIT */
#pragma once
/* mlx5-internal: what the command layer's files share. */
#include "mlx5/mlx5.h"

/* Zero an outcome record at the start of a public operation (NULL is fine). */
void mlx5_status_begin(struct mlx5_status *st);

/* One ACCESS_REG that adds to st (commands, last outcome) without resetting
 * it, for loops that are one operation made of many commands. */
int mlx5_reg_cmd(struct fw_device *dev, uint16_t reg_id, uint16_t op_mod, uint32_t argument,
		 const void *in_data, size_t in_len, void *out, size_t out_len,
		 struct mlx5_status *st);

