/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * trace-internal: what the trace renderer (trace-render.c) shares with the trace
 * matcher (trace-match.c), so both read a format the same way.  Not part
 * of the parsers' public interface.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	TRACE_F_LEFT = 1,
	TRACE_F_PLUS = 2,
	TRACE_F_SPACE = 4,
	TRACE_F_ALT = 8,
	TRACE_F_ZERO = 16,
};

/* One conversion specification. */
struct trace_spec {
	char conv;          /* d i u x X o c s p, '%' (a literal %), or 0: the output stops */
	int8_t lmod;        /* -2 hh, -1 h, 0 none, 1 l/ll/z/t/j/L/q */
	uint8_t flags;      /* TRACE_F_* */
	bool star_width;    /* '*': the width is the next parameter */
	bool star_prec;
	int width;          /* 0 when not given (and not '*') */
	int prec;           /* -1 when not given */
};

/* Read the specification that follows a '%' (f points after it); returns
 * the position after it.  For conv 0 the returned position is undefined. */
const char *trace_spec_parse(const char *f, struct trace_spec *sp);

/* Render one conversion of the 32-bit parameter a as the renderer does
 * (width/precision already resolved).  Writes at most len - 1 bytes plus a
 * NUL; returns the full length the conversion has. */
size_t trace_spec_render(const struct trace_spec *sp, uint32_t a, char *buf, size_t len);
