/* SPDX-License-Identifier: MIT */
/*
 * crspace-text: CR-space dumps as text, one dword a line.
 *
 * mstflint's mstdump/mstregdump print every dword of the chip's address
 * list as printf("0x%8.8x 0x%8.8x\n", addr, data) (mstdump/crd_main/
 * mstdump.c, print_dword) and end with "-E- <reason>" when a read fails or
 * the --cause bit rises (crd_err_str); resourcedump's "-p map" printer
 * writes the same pairs for CRSPACE segments ("0x{:08x} 0x{:08x}",
 * resourceparse_lib/parsers/AddressValueParser.py) between its segment
 * headers.  sysinfo-snapshot and sos add the command line or nothing.
 * So: a line starting with "0x" must be such a pair (else it is rejected
 * and counted), "-E-" lines are the tool's error, anything else is text
 * around the data.
 *
 * Output: the words sorted by address as a resource-dump stream (INFO,
 * one CR-space segment per run of consecutive addresses, TERMINATE),
 * which parsers/crspace.c decodes like a collected CORE_DUMP image.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/limits.h"
#include "import/import-internal.h"

/* The segment type the emulator's resource dump gives CR-space. */
#define IMP_SEG_CRSPACE 0x7000u
#define IMP_SEG_MAX_WORDS 16384u

struct word {
	uint32_t addr, value;
	uint64_t line;
};

static int cmp_word(const void *x, const void *y)
{
	const struct word *a = x, *b = y;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

static int put_be32(struct fw_buf *b, uint32_t v)
{
	uint8_t x[4];

	fw_put_be32(x, v);
	return fw_buf_put(b, x, 4);
}

int imp_crspace_encode(struct fw_buf *out, const uint32_t *addrs, const uint32_t *values, size_t n)
{
	size_t i = 0;
	int r;

	/* INFO: header, dump version 1, hw and fw version unknown (0). */
	r = put_be32(out, (4u << 16) | 0xfffe);
	if (r >= 0)
		r = put_be32(out, 1);
	if (r >= 0)
		r = fw_buf_zeros(out, 8);
	while (r >= 0 && i < n) {
		size_t j = i + 1;

		while (j < n && j - i < IMP_SEG_MAX_WORDS && addrs[j] == addrs[j - 1] + 4 &&
		       addrs[j - 1] <= UINT32_MAX - 4)
			j++;
		/* header, reserved, index1 = first address, index2 = 0, payload */
		r = put_be32(out, (uint32_t)((4 + j - i) << 16) | IMP_SEG_CRSPACE);
		if (r >= 0)
			r = put_be32(out, 0);
		if (r >= 0)
			r = put_be32(out, addrs[i]);
		if (r >= 0)
			r = put_be32(out, 0);
		for (; r >= 0 && i < j; i++)
			r = put_be32(out, values[i]);
	}
	if (r >= 0)
		r = put_be32(out, (1u << 16) | 0xfffb); /* TERMINATE */
	return r;
}

/* "0xADDR<blanks>0xVALUE<blanks>": true with both, else false. */
static bool parse_pair(const char *s, size_t n, uint64_t *addr, uint64_t *value)
{
	size_t i = 0, a0, a1, v0, v1;

	a0 = i;
	while (i < n && s[i] != ' ' && s[i] != '\t')
		i++;
	a1 = i;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	v0 = i;
	while (i < n && s[i] != ' ' && s[i] != '\t')
		i++;
	v1 = i;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i != n || a1 == a0 || v1 == v0 || a1 - a0 < 3 || v1 - v0 < 3)
		return false;
	if (s[v0] != '0' || (s[v0 + 1] != 'x' && s[v0 + 1] != 'X'))
		return false;
	return imp_hex(s + a0, a1 - a0, addr) && imp_hex(s + v0, v1 - v0, value);
}

int imp_crspace_text(const void *data, size_t len, struct imp_parse *p)
{
	struct imp_lines l;
	struct word *w = NULL;
	uint32_t *addrs = NULL, *values = NULL;
	size_t n = 0, cap = 0, k = 0;
	const char *s;
	size_t sn;
	bool overlong;
	int r = 0;

	imp_lines_init(&l, data, len);
	while (imp_lines_next(&l, &s, &sn, &overlong)) {
		uint64_t addr, value;

		while (sn && (*s == ' ' || *s == '\t')) {
			s++;
			sn--;
		}
		if (!sn)
			continue;
		if (overlong) {
			imp_reject(p, l.no, "a line longer than FW_LIMIT_TEXT_LINE");
			continue;
		}
		if (sn >= 3 && !memcmp(s, "-E-", 3)) {
			if (!p->tool_error[0])
				snprintf(p->tool_error, sizeof(p->tool_error), "line %llu: %.*s",
					 (unsigned long long)l.no, (int)(sn > 160 ? 160 : sn), s);
			continue;
		}
		if (sn < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) {
			p->other++;
			continue;
		}
		if (!parse_pair(s, sn, &addr, &value)) {
			imp_reject(p, l.no, "not an '0xADDRESS 0xVALUE' pair");
			continue;
		}
		if (addr > UINT32_MAX || value > UINT32_MAX) {
			imp_reject(p, l.no, "address or value wider than 32 bits");
			continue;
		}
		if (addr & 3) {
			imp_reject(p, l.no, "address 0x%llx is not a multiple of 4",
				   (unsigned long long)addr);
			continue;
		}
		if (n >= FW_LIMIT_CRSPACE / 4) {
			r = -EOVERFLOW;
			snprintf(p->note, sizeof(p->note),
				 "more than FW_LIMIT_CRSPACE (%u bytes) of words at line %llu",
				 FW_LIMIT_CRSPACE, (unsigned long long)l.no);
			goto out;
		}
		r = fw_grow((void **)&w, &cap, n + 1, sizeof(*w), FW_LIMIT_CRSPACE / 4);
		if (r < 0)
			goto out;
		w[n].addr = (uint32_t)addr;
		w[n].value = (uint32_t)value;
		w[n].line = l.no;
		n++;
	}
	if (!n)
		goto out;
	/* The loader wants each address once, in order; a tool lists its
	 * address ranges in its own order.  Mostly they come sorted already
	 * (mstdump walks upwards): then the sort, a sixth of an import's time,
	 * is skipped (lines rise, so the order is the same). */
	for (size_t i = 1; i < n; i++)
		if (w[i - 1].addr > w[i].addr) {
			qsort(w, n, sizeof(*w), cmp_word);
			break;
		}
	addrs = malloc(n * sizeof(*addrs));
	values = malloc(n * sizeof(*values));
	if (!addrs || !values) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (k && addrs[k - 1] == w[i].addr) {
			if (values[k - 1] != w[i].value)
				imp_reject(p, w[i].line,
					   "address 0x%08x given again with another value (0x%08x, "
					   "first 0x%08x): the first is kept", w[i].addr, w[i].value,
					   values[k - 1]);
			else
				p->other++;
			continue;
		}
		addrs[k] = w[i].addr;
		values[k] = w[i].value;
		k++;
	}
	p->records = k;
	r = imp_crspace_encode(&p->out, addrs, values, k);
out:
	free(w);
	free(addrs);
	free(values);
	return r;
}
