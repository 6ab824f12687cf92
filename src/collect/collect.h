/* SPDX-License-Identifier: MIT */
#pragma once
/* collect: contract to be written by the collect subsystem. */
#include "core/core.h"
