/* SPDX-License-Identifier: MIT */
#pragma once
/* mlx5: contract to be written by the mlx5 subsystem. */
#include "core/core.h"
