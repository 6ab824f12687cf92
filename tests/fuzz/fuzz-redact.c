/* SPDX-License-Identifier: MIT */
/*
 * fuzz-redact: the redactor's parsers of outside bytes and its second net.
 *
 * Input: byte 0 is a pattern count n (mod 16); then n patterns, each a
 * flags byte (enum scan_flags bits), a length byte (1..32) and the bytes;
 * the rest is the buffer.  The buffer is (1) searched for identifiers in
 * text (ident_discover_text), whose every spelling is compiled and applied
 * to a copy, and (2) run through a scanner of the given patterns, each
 * replaced by a byte no pattern holds (bit 4 of byte 0 selects
 * SCAN_BINARY), with the vector prefilter and again without it (the two
 * must agree byte for byte).  The buffer is also read as the marked
 * registers (MGIR, NODE_DESC, PDDR) of its exact size, and walked as a QUERY_VNIC_ENV resource
 * dump (segment framing from the input).  Checked: no occurrence of a pattern without a boundary
 * rule (of any pattern, in binary mode) survives (the "zero hits"
 * promise), by a naive search.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redact/redact-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c;
}

struct pat {
	const uint8_t *p;
	size_t len;
	unsigned flags;
};

static bool occurs(const uint8_t *buf, size_t n, const struct pat *p)
{
	for (size_t i = 0; i + p->len <= n; i++) {
		size_t k = 0;

		while (k < p->len && ((p->flags & SCAN_NOCASE) ? fold(buf[i + k]) == fold(p->p[k])
							       : buf[i + k] == p->p[k]))
			k++;
		if (k == p->len)
			return true;
	}
	return false;
}

/* Apply s to a copy of in, with the vector prefilter if the CPU has it
 * and then without: the same bytes either way. */
static void apply_both(struct scan *s, const uint8_t *in, size_t n, enum scan_mode mode)
{
	uint8_t *a = malloc(n ? n : 1), *b = malloc(n ? n : 1);
	struct scan_result ra, rb;
	bool simd = scan_simd(s);

	if (a && b) {
		memcpy(a, in, n);
		memcpy(b, in, n);
		scan_apply(s, a, n, mode, NULL, NULL, &ra);
		scan_set_simd(s, false);
		scan_apply(s, b, n, mode, NULL, NULL, &rb);
		scan_set_simd(s, simd);
		if (memcmp(a, b, n) || ra.hits != rb.hits || ra.bytes_changed != rb.bytes_changed)
			abort(); /* the prefilter skipped a position the scalar filters did not */
	}
	free(a);
	free(b);
}

static void discover(struct fw_ctx *ctx, const uint8_t *buf, size_t n)
{
	static const uint8_t raw[REDACT_KEY_LEN] = { 1, 2, 3 };
	struct redact_key *k = NULL;
	struct ident_set *set = NULL, *scalar = NULL;
	struct scan *scan = NULL;
	const struct rule *seg_rule = rule_for_kind("resdump.QUERY_VNIC_ENV");
	static const char *const regs[] = { "reg.MGIR", "reg.NODE_DESC", "reg.PDDR" };
	uint8_t *copy = malloc(n ? n : 1);

	if (!copy || redact_key_from_bytes(ctx, raw, &k) < 0 || ident_set_new(ctx, k, &set) < 0)
		goto out;
	if (ident_discover_text(set, buf, n, "fuzz") < 0)
		goto out;
	/* Discovery's vector prefilter finds what the byte loop finds. */
	if (ident_simd(set) && ident_set_new(ctx, k, &scalar) >= 0) {
		ident_set_simd(scalar, false);
		if (ident_discover_text(scalar, buf, n, "fuzz") >= 0) {
			if (ident_count(scalar) != ident_count(set))
				abort();
			for (size_t i = 0; i < ident_count(set); i++) {
				const struct ident *a = ident_at(set, i), *b = ident_at(scalar, i);

				if (a->type != b->type || a->raw_len != b->raw_len ||
				    memcmp(a->raw, b->raw, a->raw_len) || a->text_len != b->text_len ||
				    (a->text_len && memcmp(a->text, b->text, a->text_len)))
					abort();
			}
		}
	}
	/* The structure walk of a resource dump (regcat.def's segment marks)
	 * reads segment framing from the input. */
	memcpy(copy, buf, n);
	if (rule_discover(seg_rule, "resdump.QUERY_VNIC_ENV", "emu", copy, n, set) < 0)
		goto out;
	/* The marked registers, read from the input as an artifact of exactly
	 * its size (issue 10: a register cut short is read and rewritten only
	 * inside its bytes). */
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		uint8_t *r = malloc(n ? n : 1);

		if (!r)
			goto out;
		memcpy(r, buf, n);
		if (rule_discover(rule_for_kind(regs[i]), regs[i], "mlx5ctl", r, n, set) >= 0)
			(void)rule_rewrite(rule_for_kind(regs[i]), regs[i], "mlx5ctl", r, n, set);
		free(r);
	}
	if (scan_new(ctx, &scan) < 0 || ident_compile(set, scan) < 0)
		goto out;
	if (rule_rewrite(seg_rule, "resdump.QUERY_VNIC_ENV", "emu", copy, n, set) < 0)
		goto out;
	apply_both(scan, buf, n, SCAN_TEXT);
	apply_both(scan, buf, n, SCAN_BINARY);
out:
	scan_free(scan);
	ident_set_free(scalar);
	ident_set_free(set);
	redact_key_free(k);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_ctx *ctx = NULL;
	struct scan *s = NULL;
	struct pat pats[16];
	bool used[256] = { false };
	unsigned np, n = 0;
	size_t off = 1, blen;
	uint8_t *buf = NULL, *scalar = NULL, repl[64];
	struct scan_result res;
	int r = 256;

	if (!size || fw_ctx_new(&ctx) < 0)
		return 0;
	np = data[0] % 16;
	while (n < np && off + 2 <= size) {
		unsigned flags = data[off] & 0x0f, len = 1 + data[off + 1] % 32;

		if (off + 2 + len > size)
			break;
		if (!(flags & SCAN_NOCASE) && len < SCAN_EXACT_MIN)
			flags |= SCAN_NOCASE;
		pats[n].p = data + off + 2;
		pats[n].len = len;
		pats[n].flags = flags;
		for (unsigned k = 0; k < len; k++) {
			used[data[off + 2 + k]] = true;
			used[fold(data[off + 2 + k])] = true;
			if (data[off + 2 + k] >= 'a' && data[off + 2 + k] <= 'z')
				used[data[off + 2 + k] - 0x20] = true;
		}
		off += 2 + len;
		n++;
	}
	blen = size - off;
	discover(ctx, data + off, blen);
	for (int b = 0; b < 256; b++)
		if (!used[b]) {
			r = b;
			break;
		}
	if (r == 256 || scan_new(ctx, &s) < 0)
		goto out;
	memset(repl, r, sizeof(repl));
	for (unsigned i = 0; i < n; i++)
		if (scan_add(s, pats[i].p, pats[i].len, repl, pats[i].flags, i) < 0)
			goto out;
	if (scan_build(s) < 0)
		goto out;
	buf = malloc(blen ? blen : 1);
	if (!buf)
		goto out;
	memcpy(buf, data + off, blen);
	scan_apply(s, buf, blen, (data[0] & 0x10) ? SCAN_BINARY : SCAN_TEXT, NULL, NULL, &res);
	/* The vector prefilter (where the CPU has it) changes nothing: the
	 * scalar filters give the same bytes and counts. */
	if (scan_simd(s)) {
		struct scan_result res2;

		scalar = malloc(blen ? blen : 1);
		if (!scalar)
			goto out;
		memcpy(scalar, data + off, blen);
		scan_set_simd(s, false);
		scan_apply(s, scalar, blen, (data[0] & 0x10) ? SCAN_BINARY : SCAN_TEXT, NULL, NULL,
			   &res2);
		if (memcmp(buf, scalar, blen) || res.hits != res2.hits ||
		    res.bytes_changed != res2.bytes_changed)
			abort(); /* the prefilter skipped a position the scalar filters did not */
	}
	/* In a binary dump every spelling counts, bounded or not. */
	for (unsigned i = 0; i < n; i++)
		if (((data[0] & 0x10) || !(pats[i].flags & (SCAN_WORD | SCAN_HEXWORD | SCAN_DECWORD))) &&
		    occurs(buf, blen, &pats[i]))
			abort(); /* an occurrence survived the second net */
out:
	free(buf);
	free(scalar);
	scan_free(s);
	fw_ctx_free(ctx);
	return 0;
}
