/* SPDX-License-Identifier: MIT */
#pragma once
/* emu: contract to be written by the emu subsystem. */
#include "core/core.h"
