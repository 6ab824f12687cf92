/* SPDX-License-Identifier: MIT */
#pragma once
/* analyze-internal: shared between analyze.c and analyze-bundle.c only. */
#include "analyze/analyze.h"

const struct analyze_sink *an_sink(const struct analyze *an);
void *an_ud(const struct analyze *an);
/* Report a problem with an artifact other than the one being decoded (a side
 * input such as 'trace.cap'). */
void an_problem(struct analyze *an, const char *kind, uint64_t off, int err, const char *msg);
