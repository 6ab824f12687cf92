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
#include <strings.h>

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

/* Where a marked field's value is in one register snapshot (regcat.def's
 * REGCAT_MARK rows): a raw value of raw_len bytes (MAC, GUID, IPv4), or
 * text at data + off, len bytes, blanks and NULs around it left out. */
struct mark_loc {
	enum ident_type type;
	const struct regcat_field *hi, *lo;   /* raw: the field(s) holding it */
	uint8_t raw[8];
	size_t off, len;                      /* text */
};

static bool field_fits(const struct regcat_field *f, size_t len)
{
	return f && (uint64_t)f->bit_off + f->width <= (uint64_t)len * 8;
}

/* A field of an artifact, read through the bounded reader: only the bytes
 * the field covers are touched, never the rest of its dword, which a
 * short artifact (a register read cut short, a hostile bundle) may not
 * have.  False if the field is absent, too wide or not wholly inside. */
static bool field_get(const uint8_t *data, size_t len, const struct regcat_field *f,
		      uint32_t *ret_v)
{
	return f && fw_mlx5_get_in(data, len, f->bit_off, f->width, ret_v);
}

/* The bounded writer to match: bit by bit (MSB first, the mlx5 bit
 * numbering), only inside [data, data + len).  Fields here are at most 32
 * bits and rewritten once per artifact. */
static void field_put(uint8_t *data, size_t len, const struct regcat_field *f, uint32_t v)
{
	if (!f || !f->width || f->width > 32 || !field_fits(f, len))
		return;
	for (unsigned k = 0; k < f->width; k++) {
		size_t b = f->bit_off + k;
		uint8_t bit = (uint8_t)(0x80u >> (b % 8));

		if ((v >> (f->width - 1 - k)) & 1)
			data[b / 8] |= bit;
		else
			data[b / 8] &= (uint8_t)~bit;
	}
}

/* The *_31_0 half of a split value named by its high half. */
static const struct regcat_field *low_half(const struct regcat_reg *reg, const char *hi,
					   const char *suffix)
{
	char name[96];
	size_t n = strlen(hi), k = strlen(suffix);

	if (n <= k || n - k + 5 >= sizeof(name) || strcmp(hi + n - k, suffix) != 0)
		return NULL;
	memcpy(name, hi, n - k);
	memcpy(name + n - k, "_31_0", 6);
	return regcat_field(reg, name);
}

/* 1 and *loc set if the mark applies to this snapshot and holds a value. */
static int mark_locate(const struct regcat_reg *reg, const struct regcat_mark *m,
		       const uint8_t *data, size_t len, struct mark_loc *loc)
{
	const struct regcat_field *f = regcat_field(reg, m->field);
	static const uint8_t zero[8];
	uint32_t hv, lv;

	memset(loc, 0, sizeof(*loc));
	if (!field_fits(f, len))
		return 0;
	switch (m->what) {
	case REGCAT_IDENT_MAC:
	case REGCAT_IDENT_GUID: {
		bool mac = m->what == REGCAT_IDENT_MAC;
		const struct regcat_field *lo = low_half(reg, m->field, mac ? "_47_32" : "_63_32");

		if (!field_fits(lo, len) || f->width != (mac ? 16u : 32u) || lo->width != 32)
			return 0;
		if (!field_get(data, len, f, &hv) || !field_get(data, len, lo, &lv))
			return 0;
		loc->type = mac ? ID_MAC : ID_GUID;
		loc->hi = f;
		loc->lo = lo;
		if (mac)
			fw_put_be16(loc->raw, (uint16_t)hv);
		else
			fw_put_be32(loc->raw, hv);
		fw_put_be32(loc->raw + (mac ? 2 : 4), lv);
		return memcmp(loc->raw, zero, mac ? 6 : 8) != 0;
	}
	case REGCAT_IDENT_IPV4:
		if (f->width != 32 || !field_get(data, len, f, &hv))
			return 0;
		loc->type = ID_IPV4;
		loc->hi = f;
		fw_put_be32(loc->raw, hv);
		return memcmp(loc->raw, zero, 4) != 0;
	case REGCAT_IDENT_SERIAL:
	case REGCAT_IDENT_NODE_DESC:
		loc->type = m->what == REGCAT_IDENT_SERIAL ? ID_SERIAL : ID_NODE_DESC;
		if (f->bit_off % 8 || f->width % 8)
			return 0;
		loc->off = f->bit_off / 8;
		loc->len = f->width / 8;
		if (m->sel) {
			const struct regcat_field *sel = regcat_field(reg, m->sel);

			if (!field_get(data, len, sel, &hv) || hv != m->value ||
			    !fw_range_ok(loc->len, m->byte, m->nbytes))
				return 0;
			loc->off += m->byte;
			loc->len = m->nbytes;
		}
		/* The text: up to a NUL, without blanks around it. */
		for (size_t k = 0; k < loc->len; k++)
			if (!data[loc->off + k]) {
				loc->len = k;
				break;
			}
		while (loc->len && (data[loc->off] == ' ' || data[loc->off] == '\t'))
			loc->off++, loc->len--;
		while (loc->len && (data[loc->off + loc->len - 1] == ' ' ||
				    data[loc->off + loc->len - 1] == '\t' ||
				    data[loc->off + loc->len - 1] == '\n'))
			loc->len--;
		return loc->len > 0;
	case REGCAT_IDENT_IPV6:
		break;   /* segment marks only */
	}
	return 0;
}

static int reg_walk(const char *base, uint8_t *data, size_t len, struct ident_set *set,
		    bool rewrite)
{
	const struct regcat_reg *reg = regcat_by_name(base + 4);
	int fields = 0;

	if (!reg)
		return 0;
	for (size_t i = 0; i < regcat_mark_count(); i++) {
		const struct regcat_mark *m = regcat_mark_at(i);
		struct mark_loc loc;
		int r;

		if (strcmp(m->reg, reg->name) != 0 || mark_locate(reg, m, data, len, &loc) <= 0)
			continue;
		if (!rewrite) {
			r = loc.hi ? ident_add_raw(set, loc.type, loc.raw, base)
				   : ident_add_text(set, loc.type, (const char *)data + loc.off, loc.len,
						    base);
			if (r < 0 && r != -ENOENT)
				return r;
			continue;
		}
		if (loc.hi) {
			const uint8_t *p = ident_pseudo_raw(set, loc.type, loc.raw);

			if (!p)
				continue;
			if (loc.type == ID_MAC) {
				field_put(data, len, loc.hi, fw_get_be16(p));
				field_put(data, len, loc.lo, fw_get_be32(p + 2));
			} else if (loc.type == ID_GUID) {
				field_put(data, len, loc.hi, fw_get_be32(p));
				field_put(data, len, loc.lo, fw_get_be32(p + 4));
			} else {
				field_put(data, len, loc.hi, fw_get_be32(p));
			}
		} else {
			const char *p = ident_pseudo_for(set, loc.type, (const char *)data + loc.off,
							 loc.len);

			if (!p)
				continue;
			memcpy(data + loc.off, p, loc.len);
			redact_case_like((char *)data + loc.off, p, loc.len);
		}
		fields++;
	}
	return fields;
}

/* ------------------------------------------------------- resource dumps */

static bool segment_ident(enum regcat_ident what, enum ident_type *type, size_t *len)
{
	switch (what) {
	case REGCAT_IDENT_MAC:
		*type = ID_MAC, *len = 6;
		return true;
	case REGCAT_IDENT_GUID:
		*type = ID_GUID, *len = 8;
		return true;
	case REGCAT_IDENT_IPV4:
		*type = ID_IPV4, *len = 4;
		return true;
	case REGCAT_IDENT_IPV6:
		*type = ID_IPV6, *len = 16;
		return true;
	case REGCAT_IDENT_SERIAL:
	case REGCAT_IDENT_NODE_DESC:
		break;
	}
	return false;
}

/* resdump.NAME: the marked bytes of every resource segment (types below
 * 0xff00; the menu, info and notice segments are the firmware's own).
 * Framing as parsers/resdump.h: a big-endian dword, bits 31..16 the
 * length in dwords with the header, bits 15..0 the type; a length of 0 or
 * one past the end stops the walk (the decoder reports those). */
static bool segment_mark_applies(const struct regcat_segment_mark *mk, const char *name,
				 bool emu)
{
	return strcasecmp(mk->segment, name) == 0 && (emu || !mk->emu_only);
}

static int segment_walk(const char *base, const char *iface, uint8_t *data, size_t len,
			struct ident_set *set, bool rewrite)
{
	static const uint8_t zero[16];
	const char *name = base + 8;   /* after "resdump." */
	bool emu = iface && !strcmp(iface, "emu"), any = false;
	int fields = 0;

	for (size_t m = 0; m < regcat_segment_mark_count(); m++)
		any |= segment_mark_applies(regcat_segment_mark_at(m), name, emu);
	if (!any)
		return 0;
	for (size_t off = 0; len - off >= 4;) {
		uint32_t dw = fw_get_be32(data + off);
		size_t n = (size_t)(dw >> 16) * 4;

		if (n < 4 || n > len - off)
			break;
		for (size_t m = 0; (dw & 0xffff) < 0xff00 && m < regcat_segment_mark_count(); m++) {
			const struct regcat_segment_mark *mk = regcat_segment_mark_at(m);
			enum ident_type type;
			size_t rl;
			const uint8_t *p;
			uint8_t *v;
			int r;

			if (!segment_mark_applies(mk, name, emu) || !segment_ident(mk->what, &type, &rl) ||
			    rl != mk->nbytes || !fw_range_ok(n, mk->byte, rl))
				continue;
			v = data + off + mk->byte;
			if (!memcmp(v, zero, rl))
				continue;
			if (!rewrite) {
				r = ident_add_raw(set, type, v, base);
				if (r < 0 && r != -ENOENT)
					return r;
				continue;
			}
			p = ident_pseudo_raw(set, type, v);
			if (p && memcmp(p, v, rl)) {
				memcpy(v, p, rl);
				fields++;
			}
		}
		off += n;
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

int rule_discover(const struct rule *r, const char *kind, const char *iface, const uint8_t *data,
		  size_t len, struct ident_set *set)
{
	char base[160];
	int e;

	base_kind(kind, base, sizeof(base));
	if (r->registers) {
		e = reg_walk(base, (uint8_t *)data, len, set, false);
		if (e < 0)
			return e;
	}
	if (r->host_info) {
		e = host_info_walk((uint8_t *)data, len, set, false, kind);
		if (e < 0)
			return e;
	}
	if (!strncmp(base, "resdump.", 8)) {
		e = segment_walk(base, iface, (uint8_t *)data, len, set, false);
		if (e < 0)
			return e;
	}
	if (r->text_discovery)
		return ident_discover_text(set, data, len, kind);
	return 0;
}

int rule_rewrite(const struct rule *r, const char *kind, const char *iface, uint8_t *data,
		 size_t len, struct ident_set *set)
{
	char base[160];

	base_kind(kind, base, sizeof(base));
	if (r->registers)
		return reg_walk(base, data, len, set, true);
	if (r->host_info)
		return host_info_walk(data, len, set, true, kind);
	if (!strncmp(base, "resdump.", 8))
		return segment_walk(base, iface, data, len, set, true);
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
	bool keep;
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

			/* As below, without the neighbours. */
			if (ts && ((hs && (ts | 0x7f) < since) ||
				   (hu && ts >= 0x100 && (ts & ~(uint64_t)0x7f) - 0x80 > until))) {
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
	/* A reader rebuilds each event's time from its 7 low bits and the
	 * block's timestamp event (its last), as the kernel does
	 * (mlx5_tracer_handle_timestamp_trace): within 128 ticks either side
	 * of that timestamp's upper bits.  Keep a block if that span meets
	 * the window.  Dropped blocks become zero blocks, which readers take
	 * as never written, so the ring keeps its size and the kept blocks
	 * decode. */
	for (size_t k = 0; k < nv; k++) {
		uint64_t hi = v[k].ts | 0x7f, lo = (v[k].ts & ~(uint64_t)0x7f) - 0x80;

		if (v[k].ts < 0x100)
			lo = 0;
		v[k].keep = (!hs || hi >= since) && (!hu || lo <= until);
	}
	/* A message whose parameters span two blocks starts in the earlier
	 * one: keep the block before the first kept one too. */
	for (size_t k = 1; k < nv; k++)
		if (v[k].keep && !v[k - 1].keep) {
			v[k - 1].keep = true;
			break;
		}
	for (size_t k = 0; k < nv; k++)
		if (!v[k].keep) {
			memset(data + v[k].idx * TRACE_BLOCK_SIZE, 0, TRACE_BLOCK_SIZE);
			cut++;
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
