/* SPDX-License-Identifier: MIT */
/*
 * rules: what redaction does with each artifact kind.
 *
 * The allowlist: only the kinds below are kept by default; anything else
 * (a member some other tool added, a register outside the catalog) is
 * dropped unless --keep names it, because a binary layout we do not know
 * cannot be checked field by field.
 *
 * Structure first: the fields known to hold identifiers are read (to learn
 * the values) and rewritten in place with their pseudonyms.  The second
 * net (scan.c) then catches every other occurrence of those values.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "ifc/regcat.h"
#include "redact/redact-internal.h"
#include "trace.h"

struct rule {
	const char *pattern;           /* fnmatch(3) on the kind without ".after" */
	enum rule_class cls;
	const char *what;
	bool text_discovery;           /* look for addresses and names in it */
	bool registers;                /* reg.NAME: decoded by the catalog */
	bool host_info;
	bool dump;                     /* binary dump: no word boundaries in it */
};

static const struct rule rules[] = {
	{ "host.info", RULE_TEXT, "host facts (key=value text)", true, false, true },
	{ "kernel.log", RULE_TEXT, "kernel log text", true, false, false },
	{ "trace.text", RULE_TEXT, "tracefs mlx5_fw text", true, false, false },
	{ "health.buffer", RULE_BINARY, "health buffer", false, false, false, true },
	{ "health.*", RULE_BINARY, "devlink health report (fmsg or JSON)", true, false, false },
	{ "trace.cap", RULE_BINARY, "MTRC_CAP register", false, false, false, true },
	{ "trace.strings.*", RULE_BINARY, "firmware strings database", false, false, false },
	{ "trace.ring", RULE_BINARY, "firmware tracer ring", false, false, false, true },
	{ "reg.*", RULE_BINARY, "register snapshot", false, true, false, true },
	{ "hca.caps.*", RULE_BINARY, "HCA capability page", false, false, false, true },
	{ "crspace", RULE_BINARY, "CR-space image", false, false, false, true },
	{ "resdump.*", RULE_BINARY, "resource-dump segments", true, false, false, true },
};

/* A kind kept by --keep may be anything: searched as binary, where a
 * spelling counts wherever it is. */
static const struct rule unknown_rule = { "*", RULE_UNKNOWN, "unknown kind", true, false, false, true };

/* "reg.MGIR.after" is read like "reg.MGIR". */
static void base_kind(const char *kind, char *out, size_t len)
{
	size_t n = strlen(kind);

	if (n > 6 && !strcmp(kind + n - 6, ".after"))
		n -= 6;
	if (n >= len)
		n = len - 1;
	memcpy(out, kind, n);
	out[n] = '\0';
}

const struct rule *rule_for_kind(const char *kind)
{
	char base[160];

	base_kind(kind, base, sizeof(base));
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (fnmatch(rules[i].pattern, base, 0) != 0)
			continue;
		/* A register outside the catalog has no layout to check. */
		if (rules[i].registers && !regcat_by_name(base + 4))
			break;
		return &rules[i];
	}
	return &unknown_rule;
}

enum rule_class rule_class(const struct rule *r)
{
	return r->cls;
}

bool rule_binary_dump(const struct rule *r)
{
	return r->dump;
}

const char *rule_describe(const struct rule *r)
{
	return r->what;
}

bool rule_required(const char *kind)
{
	/* Small, and what every reader needs to make sense of the rest. */
	static const char *const req[] = { "reg.MGIR", "host.info", "health.buffer",
					   "health.reporters", "trace.cap", "trace.strings.*" };
	char base[160];

	base_kind(kind, base, sizeof(base));
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++)
		if (fnmatch(req[i], base, 0) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------ registers */

/* Register fields that hold identifiers.  A MAC spans two fields (the
 * catalog splits 48-bit values at 32 bits). */
struct reg_mark {
	const char *reg;
	const char *field;
	const char *field_lo;          /* low 32 bits, for a split value */
	enum ident_type type;
};

static const struct reg_mark reg_marks[] = {
	{ "NODE_DESC", "node_description", NULL, ID_NODE_DESC },
	{ "MGIR", "manufacturing_base_mac_47_32", "manufacturing_base_mac_31_0", ID_MAC },
};

static bool field_fits(const struct regcat_field *f, size_t len)
{
	return f && (uint64_t)f->bit_off + f->width <= (uint64_t)len * 8;
}

/* The string a field holds: up to the first NUL. */
static size_t field_string(const struct regcat_field *f, const uint8_t *data, const uint8_t **ret)
{
	const uint8_t *p = data + f->bit_off / 8;
	size_t n = f->width / 8, k = 0;

	while (k < n && p[k])
		k++;
	*ret = p;
	return k;
}

static int mac_field(const struct regcat_reg *reg, const struct reg_mark *m, const uint8_t *data,
		     size_t len, uint8_t mac[6])
{
	const struct regcat_field *hi = regcat_field(reg, m->field);
	const struct regcat_field *lo = regcat_field(reg, m->field_lo);
	uint32_t h, l;
	static const uint8_t zero[6];

	if (!field_fits(hi, len) || !field_fits(lo, len) || hi->width != 16 || lo->width != 32)
		return 0;
	h = fw_mlx5_get(data, hi->bit_off, hi->width);
	l = fw_mlx5_get(data, lo->bit_off, lo->width);
	fw_put_be16(mac, (uint16_t)h);
	fw_put_be32(mac + 2, l);
	return memcmp(mac, zero, 6) != 0;
}

static int reg_discover(const char *base, const uint8_t *data, size_t len, struct ident_set *set)
{
	const struct regcat_reg *reg = regcat_by_name(base + 4);

	if (!reg)
		return 0;
	for (size_t i = 0; i < sizeof(reg_marks) / sizeof(reg_marks[0]); i++) {
		const struct reg_mark *m = &reg_marks[i];
		int r = 0;

		if (strcmp(m->reg, reg->name) != 0)
			continue;
		if (m->type == ID_MAC) {
			uint8_t mac[6];

			if (mac_field(reg, m, data, len, mac))
				r = ident_add_raw(set, ID_MAC, mac, base);
		} else {
			const struct regcat_field *f = regcat_field(reg, m->field);
			const uint8_t *s;
			size_t n;

			if (!field_fits(f, len))
				continue;
			n = field_string(f, data, &s);
			r = ident_add_text(set, m->type, (const char *)s, n, base);
			if (r == -ENOENT)
				r = 0;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int reg_rewrite(const char *base, uint8_t *data, size_t len, struct ident_set *set)
{
	const struct regcat_reg *reg = regcat_by_name(base + 4);
	int fields = 0;

	if (!reg)
		return 0;
	for (size_t i = 0; i < sizeof(reg_marks) / sizeof(reg_marks[0]); i++) {
		const struct reg_mark *m = &reg_marks[i];

		if (strcmp(m->reg, reg->name) != 0)
			continue;
		if (m->type == ID_MAC) {
			const struct regcat_field *hi = regcat_field(reg, m->field);
			const struct regcat_field *lo = regcat_field(reg, m->field_lo);
			uint8_t mac[6];

			for (size_t k = 0; k < ident_count(set); k++) {
				struct ident *id = ident_at(set, k);

				if (!mac_field(reg, m, data, len, mac) || id->type != ID_MAC ||
				    memcmp(id->raw, mac, 6))
					continue;
				fw_mlx5_set(data, hi->bit_off, 16, fw_get_be16(id->pseudo_raw));
				fw_mlx5_set(data, lo->bit_off, 32, fw_get_be32(id->pseudo_raw + 2));
				fields++;
				break;
			}
		} else {
			const struct regcat_field *f = regcat_field(reg, m->field);
			const uint8_t *s;
			const char *p;
			size_t n, at;

			if (!field_fits(f, len))
				continue;
			n = field_string(f, data, &s);
			at = (size_t)(s - data);
			/* Leading and trailing blanks were not part of the value. */
			while (n && (s[0] == ' ' || s[0] == '\t'))
				s++, n--, at++;
			while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
				n--;
			if (!n)
				continue;
			p = ident_pseudo_for(set, m->type, (const char *)s, n);
			if (!p)
				continue;
			memcpy(data + at, p, n);
			redact_case_like((char *)data + at, p, n);
			fields++;
		}
	}
	return fields;
}

/* ------------------------------------------------------------ host.info */

/* host.info lines are "key=value"; hostname and kernel.cmdline are the
 * identifying ones (the rest is scanned like any text). */
static int host_info_walk(uint8_t *data, size_t len, struct ident_set *set, bool rewrite,
			  const char *source)
{
	size_t i = 0;
	int fields = 0;

	while (i < len) {
		uint8_t *line = data + i, *eq, *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) : len - i;
		enum ident_type type;
		size_t klen, vlen;
		const char *p;
		int r = 0;

		i += n + (nl ? 1 : 0);
		eq = memchr(line, '=', n);
		if (!eq)
			continue;
		klen = (size_t)(eq - line);
		vlen = n - klen - 1;
		if (klen == 8 && !memcmp(line, "hostname", 8))
			type = ID_HOST;
		else if (klen == 14 && !memcmp(line, "kernel.cmdline", 14))
			type = ID_CMDLINE;
		else
			continue;
		if (!rewrite) {
			if (type == ID_HOST)
				r = ident_add_host(set, (const char *)eq + 1, vlen, source);
			else
				r = ident_add_text(set, type, (const char *)eq + 1, vlen, source);
			if (r < 0 && r != -ENOENT)
				return r;
			continue;
		}
		/* The value exactly as added (blanks around it trimmed). */
		{
			const char *v = (const char *)eq + 1;

			while (vlen && (v[0] == ' ' || v[0] == '\t'))
				v++, vlen--;
			while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t' || v[vlen - 1] == '\r'))
				vlen--;
			if (!vlen)
				continue;
			p = ident_pseudo_for(set, type, v, vlen);
			if (p && memcmp(p, v, vlen)) {
				memcpy((char *)v, p, vlen);
				redact_case_like((char *)v, p, vlen);
				fields++;
			}
		}
	}
	return fields;
}

/* ---------------------------------------------------------------- entry */

int rule_discover(const struct rule *r, const char *kind, const uint8_t *data, size_t len,
		  struct ident_set *set)
{
	char base[160];
	int e;

	base_kind(kind, base, sizeof(base));
	if (r->registers) {
		e = reg_discover(base, data, len, set);
		if (e < 0)
			return e;
	}
	if (r->host_info) {
		e = host_info_walk((uint8_t *)data, len, set, false, kind);
		if (e < 0)
			return e;
	}
	if (r->text_discovery)
		return ident_discover_text(set, data, len, kind);
	return 0;
}

int rule_rewrite(const struct rule *r, const char *kind, uint8_t *data, size_t len,
		 struct ident_set *set)
{
	char base[160];

	base_kind(kind, base, sizeof(base));
	if (r->registers)
		return reg_rewrite(base, data, len, set);
	if (r->host_info)
		return host_info_walk(data, len, set, true, kind);
	return 0;
}

/* ---------------------------------------------------------- time cuts */

static bool in_window(uint64_t ts, bool hs, uint64_t since, bool hu, uint64_t until)
{
	return (!hs || ts >= since) && (!hu || ts <= until);
}

static uint64_t ring_block_ts(const uint8_t *blk)
{
	const uint8_t *e = blk + (TRACE_EVENTS_PER_BLOCK - 1) * TRACE_EVENT_SIZE;
	uint32_t dw0 = fw_get_be32(e), dw1 = fw_get_be32(e + 4);

	if (e[1] != TRACE_EVENT_TIMESTAMP)
		return 0;
	return ((uint64_t)(dw0 & 0x1fff) << 40) | ((uint64_t)dw1 << 8) | (dw0 >> 24);
}

struct ts_block {
	uint64_t ts;
	size_t idx;
};

static int cmp_block(const void *a, const void *b)
{
	const struct ts_block *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

uint64_t rule_cut_ring(uint8_t *data, size_t len, bool hs, uint64_t since, bool hu,
		       uint64_t until)
{
	size_t nb = len / TRACE_BLOCK_SIZE, nv = 0;
	struct ts_block *v;
	uint64_t cut = 0;

	if (!nb || (!hs && !hu))
		return 0;
	v = malloc(nb * sizeof(*v));
	if (!v) {
		/* No memory for the ordering: a block-local test still cuts. */
		for (size_t i = 0; i < nb; i++) {
			uint64_t ts = ring_block_ts(data + i * TRACE_BLOCK_SIZE);

			if (ts && !in_window(ts, hs, since, hu, until)) {
				memset(data + i * TRACE_BLOCK_SIZE, 0, TRACE_BLOCK_SIZE);
				cut++;
			}
		}
		return cut;
	}
	for (size_t i = 0; i < nb; i++) {
		uint64_t ts = ring_block_ts(data + i * TRACE_BLOCK_SIZE);

		if (ts)
			v[nv++] = (struct ts_block){ ts, i };
	}
	qsort(v, nv, sizeof(*v), cmp_block);
	/* A block holds the events written after the previous block's
	 * timestamp up to its own: keep it if that span meets the window.
	 * Dropped blocks become zero blocks, which readers take as never
	 * written, so the ring keeps its size and the kept blocks decode. */
	for (size_t k = 0; k < nv; k++) {
		uint64_t prev = k ? v[k - 1].ts : 0;
		bool keep = (!hs || v[k].ts >= since) && (!hu || prev <= until);

		if (!keep) {
			memset(data + v[k].idx * TRACE_BLOCK_SIZE, 0, TRACE_BLOCK_SIZE);
			cut++;
		}
	}
	free(v);
	return cut;
}

uint64_t rule_cut_text(uint8_t *data, size_t len, bool hs, uint64_t since, bool hu,
		       uint64_t until, size_t *ret_len)
{
	size_t i = 0, o = 0;
	uint64_t cut = 0;

	while (i < len) {
		uint8_t *nl = memchr(data + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (data + i)) + 1 : len - i;
		struct trace_event ev;
		bool keep = true;

		/* Lines that are not trace events (headers, comments) stay. */
		if (trace_parse_text_line((const char *)data + i, nl ? n - 1 : n, &ev) == 1)
			keep = in_window(ev.timestamp, hs, since, hu, until);
		if (keep) {
			memmove(data + o, data + i, n);
			o += n;
		} else {
			cut++;
		}
		i += n;
	}
	*ret_len = o;
	return cut;
}
