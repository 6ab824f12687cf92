/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * scan: the second net of the redactor.  A set of byte patterns, each with
 * a replacement of the same length, is compiled once; then any buffer is
 * searched for every pattern in one linear pass per matcher and each
 * occurrence is overwritten in place.  Lengths never change, so offsets
 * and sizes inside binary artifacts stay valid.  Bytes in, bytes out: no
 * bundle, no key, no policy here (tests/fuzz/fuzz-redact-scan.c).
 *
 * Two matchers, because the patterns come in two shapes:
 *  - text spellings (host names, serials, "aa:bb:cc:dd:ee:ff", "10.1.2.3",
 *    any length, ASCII case folded) go into one Aho-Corasick automaton,
 *    compiled to a dense table over byte classes: one table load per input
 *    byte.  At each position only the longest pattern ending there whose
 *    boundary rule holds is replaced; it covers every shorter one ending
 *    at the same byte.
 *  - raw binary values (MAC 6 bytes, GUID 8, IPv4 4, IPv6 16: exact, 4 to
 *    SCAN_EXACT_MAX bytes, few distinct lengths) are found by hashing the
 *    window at each position: a bitmap of their first four bytes rejects
 *    almost every position with one load, a hash set per length confirms.
 *
 * Both passes find occurrences in the original bytes: the automaton only
 * writes behind its cursor, and raw replacements are held back until the
 * window has moved past them.  Work per byte is constant, plus one check
 * per pattern that ends at that byte (patterns that are suffixes of one
 * another), so a scan is linear in the buffer for a given pattern set.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

enum scan_flags {
	SCAN_NOCASE = 1u << 0,   /* ASCII letters match in either case; the replacement
				  * takes the occurrence's case (text spellings) */
	SCAN_WORD = 1u << 1,     /* the bytes around are not [A-Za-z0-9] */
	SCAN_HEXWORD = 1u << 2,  /* the bytes around are not hex digits */
	SCAN_DECWORD = 1u << 3,  /* a dotted decimal: not after a digit or "<digit>.",
				  * not before a digit or ".<digit>" */
};

#define SCAN_EXACT_MIN 4u    /* exact patterns: 4 .. 64 bytes, at most 8 lengths */
#define SCAN_EXACT_MAX 64u
#define SCAN_EXACT_LENGTHS 8u

struct scan;

int scan_new(struct fw_ctx *ctx, struct scan **ret);
void scan_free(struct scan *s);

/*
 * Add a pattern and its replacement (both len bytes, copied).  Without
 * SCAN_NOCASE the pattern is exact and must be SCAN_EXACT_MIN to
 * SCAN_EXACT_MAX bytes long.  With it, the replacement is written in the
 * case of the occurrence: a letter position follows the occurrence's
 * letter, other positions follow the occurrence as a whole (upper if it
 * has upper-case letters and no lower-case ones).  tag is handed back on
 * each hit.  Adding the same pattern twice (same bytes after case folding
 * for SCAN_NOCASE) keeps the first.  -EOVERFLOW past FW_LIMIT_REDACT_*.
 */
int scan_add(struct scan *s, const void *pattern, size_t len, const void *replacement,
	     unsigned flags, uint32_t tag);
size_t scan_pattern_count(const struct scan *s);

/* Compile; no scan_add() after.  -EOVERFLOW if the automaton would exceed
 * FW_LIMIT_REDACT_TABLE bytes. */
int scan_build(struct scan *s);

/* The vector prefilter (AVX2, chosen at scan_build() when the CPU has
 * it) on or off; the result is the same either way, only the speed
 * differs (tests compare the two).  scan_simd(): whether it is in use. */
void scan_set_simd(struct scan *s, bool on);
bool scan_simd(const struct scan *s);

/* Called once per replaced occurrence, in no particular order. */
typedef void (*scan_hit_fn)(void *userdata, uint32_t tag, size_t offset, size_t len);

struct scan_result {
	uint64_t hits;           /* occurrences replaced */
	uint64_t bytes_changed;  /* bytes whose value changed */
};

/* scan_apply() modes. */
enum scan_mode {
	SCAN_TEXT = 0,           /* boundary rules hold */
	SCAN_BINARY = 1,         /* binary dumps: the bytes around a spelling mean nothing,
				  * so boundary rules are ignored (a serial next to a
				  * random letter byte is still the serial) */
};

/* Find and overwrite every occurrence in buf.  Never fails once built. */
void scan_apply(const struct scan *s, uint8_t *buf, size_t len, enum scan_mode mode,
		scan_hit_fn fn, void *userdata, struct scan_result *ret);
