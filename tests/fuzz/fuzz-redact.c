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
 * SCAN_BINARY).  The buffer is also walked as a QUERY_VNIC_ENV resource
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

static void discover(struct fw_ctx *ctx, const uint8_t *buf, size_t n)
{
	static const uint8_t raw[REDACT_KEY_LEN] = { 1, 2, 3 };
	struct redact_key *k = NULL;
	struct ident_set *set = NULL;
	struct scan *scan = NULL;
	const struct rule *seg_rule = rule_for_kind("resdump.QUERY_VNIC_ENV");
	uint8_t *copy = malloc(n ? n : 1);

	if (!copy || redact_key_from_bytes(ctx, raw, &k) < 0 || ident_set_new(ctx, k, &set) < 0)
		goto out;
	if (ident_discover_text(set, buf, n, "fuzz") < 0)
		goto out;
	/* The structure walk of a resource dump (regcat.def's segment marks)
	 * reads segment framing from the input. */
	memcpy(copy, buf, n);
	if (rule_discover(seg_rule, "resdump.QUERY_VNIC_ENV", "emu", copy, n, set) < 0)
		goto out;
	if (scan_new(ctx, &scan) < 0 || ident_compile(set, scan) < 0)
		goto out;
	if (rule_rewrite(seg_rule, "resdump.QUERY_VNIC_ENV", "emu", copy, n, set) < 0)
		goto out;
	memcpy(copy, buf, n);
	scan_apply(scan, copy, n, SCAN_TEXT, NULL, NULL, NULL);
	memcpy(copy, buf, n);
	scan_apply(scan, copy, n, SCAN_BINARY, NULL, NULL, NULL);
out:
	scan_free(scan);
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
	uint8_t *buf = NULL, repl[64];
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
	scan_apply(s, buf, blen, (data[0] & 0x10) ? SCAN_BINARY : SCAN_TEXT, NULL, NULL, NULL);
	/* In a binary dump every spelling counts, bounded or not. */
	for (unsigned i = 0; i < n; i++)
		if (((data[0] & 0x10) || !(pats[i].flags & (SCAN_WORD | SCAN_HEXWORD | SCAN_DECWORD))) &&
		    occurs(buf, blen, &pats[i]))
			abort(); /* an occurrence survived the second net */
out:
	free(buf);
	scan_free(s);
	fw_ctx_free(ctx);
	return 0;
}
