/* SPDX-License-Identifier: MIT */
#pragma once
/* store: contract to be written by the store subsystem. */
#include "core/core.h"
