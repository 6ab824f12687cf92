// SPDX-License-Identifier: MIT
/*
 * emu-crspace: the emulated configuration-register space, and the two
 * registers that read firmware state out in bulk: CORE_DUMP
 * (CR_DUMP_TO_MEM into registered user memory) and RESOURCE_DUMP (menu and
 * segments, paged with more_dump/seq_num/device_opaque).
 *
 * CR-space is shaped by mstflint's dword lists (/usr/share/mstflint/
 * ConnectX*.csv, "addr,len_dwords,enable_addr") when present, else by a
 * small built-in map; dword values are a function of the seed and the
 * address, so nothing the size of CR-space is kept in memory.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/bytes.h"
#include "core/limits.h"
#include "emu/emu-internal.h"
#include "ifc/ifc.h"

#define EMU_CSV_MAX_BYTES (8u << 20)
#define EMU_CSV_MAX_RANGES 200000u
#define EMU_CR_HWID_ADDR 0xf0014u     /* where mstflint reads the hardware id */

/* A plausible map when mstflint's CSVs are not installed. */
static const struct emu_cr_range emu_cr_builtin[] = {
	{ 0x000000, 16384 }, { 0x040000, 4 }, { 0x048000, 129 }, { 0x04820c, 1 }, { 0x049000, 64 },
	{ 0x060000, 512 }, { 0x0a0000, 1024 }, { 0x0f0000, 8192 }, { 0x100000, 4096 },
	{ 0x140000, 2048 }, { 0x200000, 8192 }, { 0x300000, 1024 }, { 0x500000, 769 },
};

static int emu_range_cmp(const void *a, const void *b)
{
	const struct emu_cr_range *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int emu_crspace_parse_csv(struct fw_ctx *ctx, const char *name, const char *data, size_t len,
			  struct emu_cr_range **ret_ranges, size_t *ret_n)
{
	struct emu_cr_range *v = NULL;
	size_t n = 0, cap = 0, pos = 0;
	uint64_t total = 0;
	unsigned line = 0;
	int r;

	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (data + pos)) : len - pos;
		char buf[256], *end, *p;
		unsigned long long addr, ndw;

		line++;
		if (ll >= sizeof(buf)) {
			r = fw_error(ctx, -EBADMSG, "'%s' line %u: longer than %zu bytes", name, line, sizeof(buf) - 1);
			goto fail;
		}
		memcpy(buf, data + pos, ll);
		buf[ll] = '\0';
		pos += ll + (nl ? 1 : 0);
		if (ll && buf[ll - 1] == '\r')
			buf[ll - 1] = '\0';
		if (buf[0] == '\0' || buf[0] == '#')
			continue;
		errno = 0;
		addr = strtoull(buf, &end, 16);
		if (end == buf || *end != ',' || errno || addr > 0xfffffffcull || addr % 4) {
			r = fw_error(ctx, -EBADMSG, "'%s' line %u: bad address in '%s'", name, line, buf);
			goto fail;
		}
		p = end + 1;
		ndw = strtoull(p, &end, 10);
		if (end == p || (*end != ',' && *end != '\0') || errno || ndw == 0 ||
		    addr + ndw * 4 > 0x100000000ull) {
			r = fw_error(ctx, -EBADMSG, "'%s' line %u: bad dword count in '%s'", name, line, buf);
			goto fail;
		}
		total += ndw * 4;
		/* The crdump image is flat up to the highest address: bound both. */
		if (total > FW_LIMIT_CRSPACE || addr + ndw * 4 > FW_LIMIT_CRSPACE) {
			r = fw_error(ctx, -EOVERFLOW, "'%s' line %u: CR-space over FW_LIMIT_CRSPACE (%u bytes)", name,
				     line, FW_LIMIT_CRSPACE);
			goto fail;
		}
		r = fw_grow((void **)&v, &cap, n + 1, sizeof(*v), EMU_CSV_MAX_RANGES);
		if (r == -EOVERFLOW) {
			r = fw_error(ctx, r, "'%s': more than %u ranges", name, EMU_CSV_MAX_RANGES);
			goto fail;
		}
		if (r < 0) {
			r = fw_error(ctx, r, "'%s': out of memory", name);
			goto fail;
		}
		v[n].addr = (uint32_t)addr;
		v[n].ndw = (uint32_t)ndw;
		n++;
	}
	if (n == 0) {
		r = fw_error(ctx, -EBADMSG, "'%s': no address ranges", name);
		goto fail;
	}
	qsort(v, n, sizeof(*v), emu_range_cmp);
	/* Overlapping lines would make a dword appear twice: merge them. */
	{
		size_t w = 0;

		for (size_t i = 1; i < n; i++) {
			uint64_t wend = (uint64_t)v[w].addr + 4ull * v[w].ndw;

			if (v[i].addr <= wend) {
				uint64_t iend = (uint64_t)v[i].addr + 4ull * v[i].ndw;

				if (iend > wend)
					v[w].ndw = (uint32_t)((iend - v[w].addr) / 4);
			} else {
				v[++w] = v[i];
			}
		}
		n = w + 1;
	}
	*ret_ranges = v;
	*ret_n = n;
	return 0;
fail:
	free(v);
	return r;
}

static int emu_read_small_file(struct emu *e, const char *path, char **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t n;
	int r = 0;

	if (!f)
		return fw_error(e->ctx, -errno, "emu: cannot open CR-space map '%s': %m", path);
	buf = malloc(EMU_CSV_MAX_BYTES + 1);
	if (!buf) {
		r = fw_error(e->ctx, -ENOMEM, "emu: out of memory reading '%s'", path);
		goto out;
	}
	n = fread(buf, 1, EMU_CSV_MAX_BYTES + 1, f);
	if (ferror(f)) {
		r = fw_error(e->ctx, -EIO, "emu: cannot read '%s'", path);
		goto out;
	}
	if (n > EMU_CSV_MAX_BYTES) {
		r = fw_error(e->ctx, -EOVERFLOW, "emu: '%s' is larger than %u bytes", path, EMU_CSV_MAX_BYTES);
		goto out;
	}
	*ret = buf;
	*ret_len = n;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return r;
}

int emu_crspace_init(struct emu *e, const char *path)
{
	char def[256];
	char *data = NULL;
	size_t len = 0;
	int r;

	if (path && strcmp(path, "builtin") == 0)
		goto builtin;
	if (!path) {
		snprintf(def, sizeof(def), "/usr/share/mstflint/%s", e->prof->csv);
		FILE *f = fopen(def, "re");

		if (!f)
			goto builtin;
		fclose(f);
		path = def;
	}
	r = emu_read_small_file(e, path, &data, &len);
	if (r < 0)
		return r;
	r = emu_crspace_parse_csv(e->ctx, path, data, len, &e->cr, &e->ncr);
	free(data);
	if (r < 0)
		return r;
	snprintf(e->cr_source, sizeof(e->cr_source), "%s", path);
	goto done;
builtin:
	e->ncr = sizeof(emu_cr_builtin) / sizeof(emu_cr_builtin[0]);
	e->cr = malloc(sizeof(emu_cr_builtin));
	if (!e->cr)
		return fw_error(e->ctx, -ENOMEM, "emu: out of memory");
	memcpy(e->cr, emu_cr_builtin, sizeof(emu_cr_builtin));
	snprintf(e->cr_source, sizeof(e->cr_source), "builtin");
done:
	e->cr_end = e->cr[e->ncr - 1].addr + 4 * e->cr[e->ncr - 1].ndw;
	return 0;
}

const char *emu_crspace_source(const struct emu *e)
{
	return e->cr_source;
}

uint32_t emu_crspace_dword(const struct emu *e, uint32_t addr)
{
	uint64_t h;

	uint32_t planted;

	if (addr == EMU_CR_HWID_ADDR)
		return e->prof->hw_dev_id;
	if (emu_plant_crspace(&e->plant, addr, &planted))
		return planted;
	h = emu_hash(e->seed ^ 0xc5, addr);
	/* Most of CR-space reads as zero or small flag words. */
	if ((h >> 61) < 4)
		return 0;
	if ((h >> 61) < 6)
		return (uint32_t)(h & 0xff);
	return (uint32_t)h;
}

/* Index of the first range that ends after addr, or ncr. */
static size_t emu_cr_find(const struct emu *e, uint32_t addr)
{
	size_t lo = 0, hi = e->ncr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if ((uint64_t)e->cr[mid].addr + 4ull * e->cr[mid].ndw <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint64_t emu_crspace_dwords(const struct emu *e)
{
	uint64_t n = 0;

	for (size_t i = 0; i < e->ncr; i++)
		n += e->cr[i].ndw;
	return n;
}

int emu_crspace_image(struct emu *e, uint8_t **ret, size_t *ret_len)
{
	size_t len = e->cr_end;
	uint8_t *img = malloc(len);

	if (!img)
		return fw_error(e->ctx, -ENOMEM, "emu: out of memory for a %zu-byte CR-space image", len);
	for (size_t i = 0; i + 4 <= len; i += 4)
		fw_put_be32(img + i, 0xBADACCE5u);
	for (size_t i = 0; i < e->ncr; i++)
		for (uint32_t k = 0; k < e->cr[i].ndw; k++) {
			uint32_t a = e->cr[i].addr + 4 * k;

			fw_put_be32(img + a, emu_crspace_dword(e, a));
		}
	*ret = img;
	*ret_len = len;
	return 0;
}

/* ---------------- CORE_DUMP ---------------- */

uint8_t emu_core_dump(struct emu *e, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen,
		      uint32_t *syndrome)
{
	const struct regcat_reg *r = regcat_by_id(MLX5_REG_CORE_DUMP);
	uint32_t type = emu_reg_get(r, in, "core_dump_type");

	(void)inlen;
	(void)outlen;
	memcpy(out, in, r->size);
	switch (type) {
	case 0: /* GENERAL: firmware writes its dump into the tracer */
		if (!e->tr.active) {
			*syndrome = 0xc0de0001u;
			return MLX5_STAT_BAD_RES_STATE;
		}
		emu_tracer_burst(e, 64);
		return MLX5_STAT_OK;
	case 1: /* QP */
		if (emu_reg_get(r, in, "qpn") == 0 || emu_reg_get(r, in, "qpn") >= 0x10000) {
			*syndrome = 0xc0de0002u;
			return MLX5_STAT_BAD_PARAM;
		}
		emu_tracer_burst(e, 8);
		return MLX5_STAT_OK;
	case 2: { /* CR_DUMP_TO_MEM: (address, value) pairs into user memory */
		uint32_t mkey = emu_reg_get(r, in, "mkey");
		uint32_t size = emu_reg_get(r, in, "size");
		uint64_t va = ((uint64_t)emu_reg_get(r, in, "address_63_32") << 32) | emu_reg_get(r, in, "address_31_0");
		uint64_t cookie = ((uint64_t)emu_reg_get(r, in, "cookie_63_32") << 32) | emu_reg_get(r, in, "cookie_31_0");
		uint8_t *dst = emu_umem_ptr(e, mkey, va, size);
		uint32_t addr = cookie > e->cr_end ? e->cr_end : (uint32_t)cookie;
		size_t i = emu_cr_find(e, addr), used = 0;

		if (!dst || size < 8) {
			*syndrome = 0xc0de0003u;
			return MLX5_STAT_BAD_PARAM;
		}
		if (i < e->ncr && addr < e->cr[i].addr)
			addr = e->cr[i].addr;
		while (i < e->ncr && used + 8 <= size) {
			fw_put_be32(dst + used, addr);
			fw_put_be32(dst + used + 4, emu_crspace_dword(e, addr));
			used += 8;
			addr += 4;
			if (addr >= e->cr[i].addr + 4 * e->cr[i].ndw) {
				i++;
				if (i < e->ncr)
					addr = e->cr[i].addr;
			}
		}
		if (i >= e->ncr)
			addr = e->cr_end;
		emu_reg_set(r, out, "size", (uint32_t)used);
		emu_reg_set(r, out, "more_dump", i < e->ncr);
		emu_reg_set(r, out, "cookie_63_32", 0);
		emu_reg_set(r, out, "cookie_31_0", addr);
		return MLX5_STAT_OK;
	}
	default:
		*syndrome = 0xc0de00ffu;
		return MLX5_STAT_BAD_PARAM;
	}
}

/* ---------------- RESOURCE_DUMP ---------------- */

#define RD_S1 (1u << 0)   /* support_index1 */
#define RD_M1 (1u << 1)   /* must_have_index1 */
#define RD_S2 (1u << 2)
#define RD_M2 (1u << 3)
#define RD_N1 (1u << 4)   /* support_num_of_obj1 */
#define RD_N1M (1u << 5)
#define RD_N1A (1u << 6)  /* num_of_obj1 supports "all" */
#define RD_N2 (1u << 8)
#define RD_N2M (1u << 9)
#define RD_N2A (1u << 10)
#define RD_REF (1u << 15) /* emulator: answers with REFERENCE segments */

#define EMU_SEG_CRSPACE 0x7000u

static const struct {
	uint16_t type;
	const char *name, *idx1, *idx2;
	uint16_t flags;
	uint16_t ref;     /* type a REFERENCE points to */
} emu_menu[] = {
	{ 0x2, "HW_CQPC", "QPN", "", RD_S1 | RD_M1, 0 },
	{ 0x3, "HW_SQPC", "QPN", "", RD_S1 | RD_M1, 0 },
	{ 0x4, "HW_RQPC", "QPN", "", RD_S1 | RD_M1, 0 },
	{ 0x1100, "FULL_SRQC", "SRQN", "", RD_S1 | RD_M1, 0 },
	{ 0x1200, "FULL_CQC", "CQN", "", RD_S1 | RD_M1, 0 },
	{ 0x1300, "FULL_EQC", "EQN", "", RD_S1 | RD_M1, 0 },
	{ 0x1000, "FULL_QPC", "QPN", "", RD_S1 | RD_M1, 0 },
	{ 0x1001, "SND_BUFF", "QPN", "WQEBB", RD_S1 | RD_M1 | RD_S2 | RD_N2 | RD_N2M | RD_N2A, 0 },
	{ 0x1002, "RCV_BUFF", "QPN", "DS", RD_S1 | RD_M1 | RD_S2 | RD_N2 | RD_N2M | RD_N2A, 0 },
	{ 0x1101, "SRQ_BUFF", "SRQN", "DS", RD_S1 | RD_M1 | RD_S2 | RD_N2 | RD_N2M | RD_N2A, 0 },
	{ 0x1201, "CQ_BUFF", "CQN", "CQE", RD_S1 | RD_M1 | RD_S2 | RD_N2 | RD_N2M | RD_N2A, 0 },
	{ 0x1301, "EQ_BUFF", "EQN", "EQE", RD_S1 | RD_M1 | RD_S2 | RD_N2 | RD_N2M | RD_N2A, 0 },
	{ 0x3000, "SX_SLICE", "SLICE", "", RD_S1 | RD_M1, 0 },
	{ 0x3001, "SX_SLICE_ALL", "", "", RD_REF, 0x3000 },
	{ 0x2000, "RX_SLICE", "SLICE", "", RD_S1 | RD_M1, 0 },
	{ 0x2001, "RX_SLICE_ALL", "", "", RD_REF, 0x2000 },
	{ 0x21, "MKEY_CONTEXT", "MKEY_IX", "", RD_S1 | RD_M1 | RD_N1 | RD_N1A, 0 },
	{ 0x5, "RDB_CONTEXT", "QPN", "RDB_IX", RD_S1 | RD_M1 | RD_S2, 0 },
	{ 0x1310, "STE_RANGE", "STE_IX", "", RD_S1 | RD_M1 | RD_N1 | RD_N1M, 0 },
	{ 0x1311, "STE_ALL", "", "", 0, 0 },
	{ 0x1010, "FUNC_SYND_REC", "", "", 0, 0 },
	{ 0x1312, "STE_GLOBAL_RNG", "STE_IX", "", RD_S1 | RD_M1 | RD_N1, 0 },
	{ 0x1313, "STE_ROOT", "ROOT_IX", "", RD_S1 | RD_M1, 0 },
	{ 0x2020, "ICMC_INFO", "SET", "", RD_S1 | RD_N1 | RD_N1A, 0 },
	{ 0x4000, "PRM_QUERY_QP", "QPN", "", RD_S1 | RD_M1, 0 },
	{ 0x4020, "PRM_QUERY_CQ", "CQN", "", RD_S1 | RD_M1, 0 },
	{ 0x4030, "PRM_QUERY_MKEY", "MKEY_IDX", "", RD_S1 | RD_M1, 0 },
	{ 0x4008, "QUERY_VNIC_ENV", "", "", 0, 0 },
	{ 0x1020, "MDFY_HDR_RNG", "MDFY_IX", "", RD_S1 | RD_M1 | RD_N1, 0 },
	{ 0x1021, "MDFY_HDR_ALL", "", "", 0, 0 },
	{ 0x4010, "QUERY_FT", "TABLE_ID", "", RD_S1 | RD_M1, 0 },
	{ 0x4011, "QUERY_FT_ALL", "", "", RD_REF, 0x4010 },
	{ 0x4012, "QUERY_FG", "TABLE_ID", "GROUP_ID", RD_S1 | RD_M1 | RD_S2 | RD_M2, 0 },
	{ 0x4013, "QUERY_FG_ALL", "TABLE_ID", "", RD_S1 | RD_M1, 0 },
	{ 0x4014, "QUERY_FTE", "TABLE_ID", "FLOW_IX", RD_S1 | RD_M1 | RD_S2 | RD_M2, 0 },
	{ 0x4015, "QUERY_FTE_ALL", "TABLE_ID", "", RD_S1 | RD_M1, 0 },
	{ 0x1318, "FLOW_COUNTER", "CNTR ID", "", RD_S1 | RD_M1 | RD_N1 | RD_N1A, 0 },
	{ 0x1320, "PKT_REFORMAT", "CTX ID", "", RD_S1 | RD_M1, 0 },
	{ 0x1030, "SHARED_BUFFER", "", "", 0, 0 },
	{ 0x103c, "PAGE_HISTOGRAM", "", "", 0, 0 },
	{ 0x1040, "SCHEDQ_INFO", "SCHEDQ_IX", "", RD_S1 | RD_N1 | RD_N1A, 0 },
	{ 0x104b, "VQOS_TREE", "SKIP_LOCK", "", RD_S1, 0 },
	{ 0x1050, "VQOS_DISTLIST", "", "", 0, 0 },
	{ 0x1048, "VLQ_GVMI_VLQ_SQ", "", "", 0, 0 },
	{ 0x1053, "PACKET_PACING", "PP_IX", "", RD_S1 | RD_N1 | RD_N1A, 0 },
	{ EMU_SEG_CRSPACE, "CRSPACE", "ADDRESS", "", RD_S1 | RD_N1 | RD_N1A, 0 },
};
#define EMU_MENU_N (sizeof(emu_menu) / sizeof(emu_menu[0]))

struct emu_buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

static uint8_t *emu_buf_grow(struct emu_buf *b, size_t n)
{
	if (b->oom)
		return NULL;
	if (fw_grow((void **)&b->p, &b->cap, b->len + n, 1, 0) < 0) {
		b->oom = true;
		return NULL;
	}
	memset(b->p + b->len, 0, n);
	b->len += n;
	return b->p + b->len - n;
}

/* Start a segment of nbytes (a multiple of 4, header included). */
static uint8_t *emu_seg(struct emu_buf *b, uint16_t type, size_t nbytes)
{
	uint8_t *s = emu_buf_grow(b, nbytes);

	if (s)
		fw_put_be32(s, ((uint32_t)(nbytes / 4) << 16) | type);
	return s;
}

static void emu_seg_text(struct emu_buf *b, uint16_t type, uint16_t synd, const char *text)
{
	uint8_t *s = emu_seg(b, type, 48);

	if (!s)
		return;
	fw_put_be32(s + 4, synd);
	memcpy(s + 16, text, strnlen(text, 32));
}

static uint16_t emu_menu_flags(uint16_t f)
{
	uint16_t v = 0;

	v |= (f & RD_S1) ? 1u << 0 : 0;
	v |= (f & RD_M1) ? 1u << 1 : 0;
	v |= (f & RD_S2) ? 1u << 2 : 0;
	v |= (f & RD_M2) ? 1u << 3 : 0;
	v |= (f & RD_N1) ? 1u << 4 : 0;
	v |= (f & RD_N1M) ? 1u << 5 : 0;
	v |= (f & RD_N1A) ? 1u << 6 : 0;
	v |= (f & RD_N2) ? 1u << 8 : 0;
	v |= (f & RD_N2M) ? 1u << 9 : 0;
	v |= (f & RD_N2A) ? 1u << 10 : 0;
	return v;   /* bits 27..16 of the record's dword 0, shifted down by 16 */
}

static void emu_rd_object(struct emu *e, struct emu_buf *b, uint16_t type, uint32_t i1, uint32_t i2)
{
	uint64_t h = emu_hash(e->seed ^ type, ((uint64_t)i1 << 32) | i2);
	size_t payload = 64 + 16 * (h % 13);
	uint8_t *s = emu_seg(b, type, 16 + payload);

	if (!s)
		return;
	fw_put_be32(s + 8, i1);
	fw_put_be32(s + 12, i2);
	for (size_t k = 0; k < payload; k += 4)
		fw_put_be32(s + 16 + k, (uint32_t)emu_hash(h, k) & ((k % 16 == 0) ? 0xffffffffu : 0x00ffff0fu));
	emu_plant_segment(&e->plant, type, s + 16, payload);
}

static void emu_rd_build(struct emu *e, struct emu_buf *b, size_t m, uint16_t type, uint32_t i1, uint32_t i2,
			 uint16_t n1, uint16_t n2)
{
	uint8_t *s;

	s = emu_seg(b, 0xfffe, 16);                               /* INFO */
	if (s) {
		fw_put_be32(s + 4, 1);                            /* dump_version */
		fw_put_be32(s + 8, e->prof->hw_dev_id);
		fw_put_be32(s + 12, ((uint32_t)e->fw_major << 24) | ((uint32_t)e->fw_minor << 16) |
					    e->fw_sub);
	}
	s = emu_seg(b, 0xfffa, 20);                               /* COMMAND */
	if (s) {
		fw_put_be32(s + 4, (uint32_t)type << 16);
		fw_put_be32(s + 8, i1);
		fw_put_be32(s + 12, i2);
		fw_put_be32(s + 16, ((uint32_t)n1 << 16) | n2);
	}
	if (type == 0xffff) {                                     /* MENU */
		s = emu_seg(b, 0xffff, 8 + 52 * EMU_MENU_N);
		if (s) {
			fw_put_be32(s + 4, EMU_MENU_N);
			for (size_t k = 0; k < EMU_MENU_N; k++) {
				uint8_t *rec = s + 8 + 52 * k;

				fw_put_be32(rec, ((uint32_t)emu_menu_flags(emu_menu[k].flags) << 16) | emu_menu[k].type);
				memcpy(rec + 4, emu_menu[k].name, strnlen(emu_menu[k].name, 16));
				memcpy(rec + 20, emu_menu[k].idx1, strnlen(emu_menu[k].idx1, 16));
				memcpy(rec + 36, emu_menu[k].idx2, strnlen(emu_menu[k].idx2, 16));
			}
		}
	} else if (emu_menu[m].flags & RD_REF) {                  /* REFERENCE to each object */
		for (uint32_t k = 0; k < 4; k++) {
			s = emu_seg(b, 0xfffd, 20);
			if (!s)
				break;
			fw_put_be32(s + 4, emu_menu[m].ref);
			fw_put_be32(s + 8, k);
			fw_put_be32(s + 16, 1u << 16);
		}
	} else if ((emu_menu[m].flags & RD_N2M) && n2 == 0) {
		emu_seg_text(b, 0xfffc, 0x12, "num_of_obj2 is required");
	} else if ((emu_menu[m].flags & RD_N1M) && n1 == 0) {
		emu_seg_text(b, 0xfffc, 0x11, "num_of_obj1 is required");
	} else if (type == EMU_SEG_CRSPACE) {
		/* CR-space from address index1, num_of_obj1 dwords (0xffff: all). */
		uint32_t addr = i1 & ~3u, left = n1 == 0xffff || n1 == 0 ? UINT32_MAX : n1;
		size_t r = emu_cr_find(e, addr);

		if (r < e->ncr && addr < e->cr[r].addr)
			addr = e->cr[r].addr;
		while (r < e->ncr && left) {
			uint32_t avail = (uint32_t)((e->cr[r].addr + 4ull * e->cr[r].ndw - addr) / 4);
			uint32_t nd = avail < 1024 ? avail : 1024;

			if (nd > left)
				nd = left;
			s = emu_seg(b, EMU_SEG_CRSPACE, 16 + 4 * (size_t)nd);
			if (!s)
				break;
			fw_put_be32(s + 8, addr);
			fw_put_be32(s + 12, nd);
			for (uint32_t k = 0; k < nd; k++)
				fw_put_be32(s + 16 + 4 * k, emu_crspace_dword(e, addr + 4 * k));
			addr += 4 * nd;
			left -= nd;
			if (nd == avail && ++r < e->ncr)
				addr = e->cr[r].addr;
		}
	} else if ((emu_menu[m].flags & RD_S1) && i1 >= 0x10000) {
		emu_seg_text(b, 0xfff9, 0x1, "object not found");        /* NOTICE */
	} else {
		uint32_t count = 1;

		if (emu_menu[m].flags & RD_N1)
			count = n1 == 0xffff ? 8 : (n1 ? n1 : 1);
		if (count > 64)
			count = 64;
		for (uint32_t k = 0; k < count; k++)
			emu_rd_object(e, b, type, i1 + k, i2);
	}
	emu_seg(b, 0xfffb, 4);                                    /* TERMINATE */
}

uint8_t emu_resource_dump(struct emu *e, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen,
			  uint32_t *syndrome)
{
	const struct regcat_reg *r = regcat_by_id(MLX5_REG_RESOURCE_DUMP);
	struct emu_resdump_cache *c = &e->rd;
	uint16_t type = (uint16_t)emu_reg_get(r, in, "segment_type");
	uint32_t i1 = emu_reg_get(r, in, "index1"), i2 = emu_reg_get(r, in, "index2");
	uint16_t n1 = (uint16_t)emu_reg_get(r, in, "num_of_obj1"), n2 = (uint16_t)emu_reg_get(r, in, "num_of_obj2");
	uint32_t seq = emu_reg_get(r, in, "seq_num");
	uint64_t opaque = ((uint64_t)emu_reg_get(r, in, "device_opaque_63_32") << 32) |
			  emu_reg_get(r, in, "device_opaque_31_0");
	uint32_t mkey = emu_reg_get(r, in, "mkey");
	size_t m = EMU_MENU_N, off, page;
	uint8_t *dst;

	(void)inlen;
	(void)outlen;
	if (type != 0xffff) {
		for (m = 0; m < EMU_MENU_N; m++)
			if (emu_menu[m].type == type)
				break;
		if (m == EMU_MENU_N) {
			*syndrome = 0x4d000000u | type;
			return MLX5_STAT_BAD_PARAM;
		}
	}
	if (!emu_reg_get(r, in, "more_dump")) {
		/* A new dump: build the whole stream now; pages are cut from it. */
		struct emu_buf b = { 0 };

		emu_rd_build(e, &b, m, type, i1, i2, n1, n2);
		if (b.oom) {
			free(b.p);
			*syndrome = 0x4d0000ffu;
			return MLX5_STAT_NO_RES;
		}
		free(c->data);
		c->data = b.p;
		c->len = b.len;
		c->valid = true;
		c->segment_type = type;
		c->index1 = i1;
		c->index2 = i2;
		c->num1 = n1;
		c->num2 = n2;
		off = 0;
	} else {
		off = (size_t)(opaque & 0xffffffffu);
		if (!c->valid || c->segment_type != type || off > c->len) {
			*syndrome = 0x4d00fff0u;
			return MLX5_STAT_BAD_PARAM;
		}
	}
	memcpy(out, in, MLX5_RESDUMP_INLINE_OFF);
	if (mkey == 0) {
		page = MLX5_RESDUMP_INLINE_MAX;
		dst = out + MLX5_RESDUMP_INLINE_OFF;
		emu_reg_set(r, out, "inline_dump", 1);
	} else {
		uint64_t va = ((uint64_t)emu_reg_get(r, in, "address_63_32") << 32) | emu_reg_get(r, in, "address_31_0");

		page = emu_reg_get(r, in, "size");
		dst = emu_umem_ptr(e, mkey, va, page);
		if (!dst || page < 4 || page % 4) {
			*syndrome = 0x4d00fff1u;
			return MLX5_STAT_BAD_PARAM;
		}
		emu_reg_set(r, out, "inline_dump", 0);
	}
	if (page > c->len - off)
		page = c->len - off;
	memcpy(dst, c->data + off, page);
	off += page;
	emu_reg_set(r, out, "size", (uint32_t)page);
	emu_reg_set(r, out, "seq_num", (seq + 1) & 0xf);
	emu_reg_set(r, out, "more_dump", off < c->len);
	emu_reg_set(r, out, "device_opaque_63_32", 0);
	emu_reg_set(r, out, "device_opaque_31_0", (uint32_t)off);
	return MLX5_STAT_OK;
}
