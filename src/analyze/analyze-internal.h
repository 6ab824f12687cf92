/* SPDX-License-Identifier: MIT */
#pragma once
/* analyze-internal: shared between analyze.c and analyze-bundle.c only. */
#include "analyze/analyze.h"

const struct analyze_sink *an_sink(const struct analyze *an);
void *an_ud(const struct analyze *an);
