/* SPDX-License-Identifier: MIT */
#pragma once
/* analyze: contract to be written by the analyze subsystem. */
#include "core/core.h"
