// SPDX-License-Identifier: MIT
/*
 * emu-tracer: the firmware tracer (MTRC_* registers, strings database, the
 * 256 KiB ring of 256-byte blocks) and, on the other side, the emulated
 * mlx5 driver that decodes those blocks exactly as the kernel's
 * fw_tracer.c does, producing the mlx5_fw tracepoint lines and the saved
 * traces of the devlink fw reporter.  The two halves share nothing but the
 * bytes of the blocks, so the text is a real decoding of the ring.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/bytes.h"
#include "emu/emu-internal.h"
#include "emu/emu-tracer-strings.h"
#include "ifc/ifc.h"

#define EMU_NTEMPLATES (sizeof(emu_trace_templates) / sizeof(emu_trace_templates[0]))
#define EMU_MASK_52_7 0x1FFFFFFFFFFF80ull
#define EMU_ADVANCE_MAX_EVENTS (4ull * EMU_TRACE_BLOCKS * (EMU_TRACES_PER_BLOCK - 1))

static const uint32_t emu_db_base[EMU_STRINGS_SECTIONS] = { 0x00a00000, 0x00b80000, 0x00d00000, 0x00e40000 };
static const char *const emu_db_prefix[EMU_STRINGS_SECTIONS] = { "", "[irisc1] ", "[irisc2] ", "[nic] " };

static uint64_t emu_rng(uint64_t *s)
{
	/* xorshift64*: fast enough for ten million events a second. */
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

/* The kernel's parameter count: rewrite "%llx" to "%x%x" in place, then
 * count '%' characters. */
static unsigned emu_rewrite_count(char *fmt)
{
	unsigned n = 0;
	char *p;

	while ((p = strstr(fmt, "%llx")))
		memcpy(p, "%x%x", 4);
	for (p = fmt; *p; p++)
		n += *p == '%';
	return n;
}

static int emu_strings_build(struct emu *e)
{
	struct emu_tracer *t = &e->tr;
	size_t cap = EMU_STRINGS_SECTIONS * EMU_NTEMPLATES;

	t->formats = calloc(cap, sizeof(*t->formats));
	if (!t->formats)
		return fw_error(e->ctx, -ENOMEM, "emu: out of memory for the strings database");
	for (unsigned s = 0; s < EMU_STRINGS_SECTIONS; s++) {
		size_t len = 8, off;

		for (size_t i = 0; i < EMU_NTEMPLATES; i++)
			if (i % EMU_STRINGS_SECTIONS != s)
				len += strlen(emu_db_prefix[s]) + strlen(emu_trace_templates[i]) + 1;
		/* The kernel reads whole 256- and 64-byte chunks only. */
		len = (len + 63) & ~(size_t)63;
		t->db[s] = calloc(1, len);
		t->rewritten[s] = calloc(1, len);
		if (!t->db[s] || !t->rewritten[s])
			return fw_error(e->ctx, -ENOMEM,
					"emu: out of memory for strings-database section %u", s);
		t->db_len[s] = (uint32_t)len;
		t->db_base[s] = emu_db_base[s];
		/* Offset 0 is never a format: the kernel wants base < pointer. */
		memcpy(t->db[s], "STDB\1\0\0", 8);
		off = 8;
		for (size_t i = 0; i < EMU_NTEMPLATES; i++) {
			struct emu_format *f;
			size_t n;

			if (i % EMU_STRINGS_SECTIONS == s)
				continue;
			n = (size_t)sprintf((char *)t->db[s] + off, "%s%s", emu_db_prefix[s], emu_trace_templates[i]);
			memcpy(t->rewritten[s] + off, t->db[s] + off, n + 1);
			f = &t->formats[t->nformats++];
			f->off = (uint32_t)off;
			f->section = (uint8_t)s;
			f->nparams = (uint8_t)emu_rewrite_count(t->rewritten[s] + off);
			off += n + 1;
		}
	}
	return 0;
}

int emu_tracer_init(struct emu *e)
{
	struct emu_tracer *t = &e->tr;
	int r = emu_strings_build(e);

	if (r < 0)
		return r;
	t->internal_ring = calloc(1, EMU_TRACE_RING_BYTES);
	t->saved = calloc(EMU_SAVED_TRACES, sizeof(*t->saved));
	if (!t->internal_ring || !t->saved)
		return fw_error(e->ctx, -ENOMEM, "emu: out of memory for the trace ring");
	t->log_buf = 6;
	t->clock = e->boot_uptime_s * (uint64_t)e->prof->freq_khz * 1000ull;
	t->gen.rng = emu_hash(e->seed, 0x7ace) | 1;
	t->gen.tick = t->clock;
	return 0;
}

void emu_tracer_release(struct emu *e)
{
	struct emu_tracer *t = &e->tr;

	for (unsigned s = 0; s < EMU_STRINGS_SECTIONS; s++) {
		free(t->db[s]);
		free(t->rewritten[s]);
	}
	free(t->formats);
	free(t->internal_ring);
	free(t->saved);
	free(t->text);
}

unsigned emu_strings_db_sections(const struct emu *e)
{
	return EMU_STRINGS_SECTIONS;
}

int emu_strings_db(struct emu *e, unsigned section, const void **ret_data, size_t *ret_len)
{
	if (section >= EMU_STRINGS_SECTIONS)
		return fw_error(e->ctx, -ENOENT, "emu: no strings database section %u (there are %u)", section,
				EMU_STRINGS_SECTIONS);
	*ret_data = e->tr.db[section];
	*ret_len = e->tr.db_len[section];
	return 0;
}

/* ---------------- emulated driver: the kernel's decoder ---------------- */

static void emu_text_append(struct emu *e, const char *s, size_t n)
{
	struct emu_tracer *t = &e->tr;

	/* Out of memory: drop the line, as tracefs loses lines under pressure. */
	if (fw_grow((void **)&t->text, &t->text_cap, t->text_len + n + 1, 1, 0) < 0)
		return;
	memcpy(t->text + t->text_len, s, n);
	t->text_len += n;
	t->text[t->text_len] = '\0';
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void emu_render(const struct emu_pending *m, char *buf, size_t len)
{
	/* As the kernel: all seven parameters passed, as 32-bit ints. */
	snprintf(buf, len, m->fmt, m->params[0], m->params[1], m->params[2], m->params[3], m->params[4],
		 m->params[5], m->params[6]);
}
#pragma GCC diagnostic pop

static void emu_driver_print(struct emu *e, const struct emu_pending *m, uint64_t T)
{
	struct emu_tracer *t = &e->tr;
	char msg[512], line[700];
	uint64_t ts;
	uint64_t host_us;
	struct emu_saved *sv;
	int n;

	if (m->ts7 < (T & 0x7f))
		ts = (T & EMU_MASK_52_7) | m->ts7;
	else
		ts = ((T - 1) & EMU_MASK_52_7) | m->ts7;
	emu_render(m, msg, sizeof(msg));

	sv = &t->saved[t->saved_next];
	sv->ts = ts;
	sv->lost = m->lost;
	sv->event_id = m->event_id;
	snprintf(sv->msg, sizeof(sv->msg), "%s", msg);
	t->saved_next = (t->saved_next + 1) % EMU_SAVED_TRACES;
	t->saved_total++;

	if (t->text_lines >= e->tracefs_max)
		return;
	host_us = e->boot_uptime_s * 1000000ull + e->now_ns / 1000ull;
	/* The kernel's layout (trace_print_context(), trace_print_lat_fmt()
	 * and the mlx5_fw event's TP_printk): "%16s-%-7d [%03d] " task, PID
	 * and CPU, five flag characters, then " %5lu.%06lu: " the time, so one
	 * space before a time of 10000 s or more, more before a shorter one. */
	n = snprintf(line, sizeof(line), "%16s-%-7u [%03u] ..... %5" PRIu64 ".%06" PRIu64
		     ": mlx5_fw: %s [0x%" PRIx64 "] %d [0x%x] %s\n", "kworker/u16:2",
		     211u + (unsigned)(e->seed % 97), (unsigned)(e->seed % 8), (uint64_t)(host_us / 1000000u),
		     (uint64_t)(host_us % 1000000u), e->pci, ts, m->lost ? 1 : 0, m->event_id, msg);
	if (n > 0)
		emu_text_append(e, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	t->text_lines++;
}

static const char *emu_driver_lookup(const struct emu_tracer *t, uint32_t ptr)
{
	for (unsigned s = 0; s < EMU_STRINGS_SECTIONS; s++)
		if (t->db_len[s] && ptr > t->db_base[s] && ptr < t->db_base[s] + t->db_len[s])
			return t->rewritten[s] + (ptr - t->db_base[s]);
	return NULL;
}

static void emu_driver_ready(struct emu_tracer *t, const struct emu_pending *m)
{
	if (t->nready < EMU_READY_MAX)
		t->ready[t->nready++] = *m;
}

static void emu_driver_raw(struct emu_tracer *t, const uint8_t *ev, uint8_t event_id, uint8_t ts7, bool lost)
{
	/* Raw message: the 64-bit event as a little-endian host reads it. */
	struct emu_pending m = { .used = true, .event_id = event_id, .lost = lost, .ts7 = ts7,
				 .nparams = 2, .have = 2, .fmt = "0x%08x%08x" };

	m.params[0] = fw_get_le32(ev + 4);
	m.params[1] = fw_get_le32(ev);
	emu_driver_ready(t, &m);
}

static void emu_driver_block(struct emu *e, const uint8_t *blk)
{
	struct emu_tracer *t = &e->tr;

	for (unsigned i = 0; i < EMU_TRACES_PER_BLOCK; i++) {
		const uint8_t *ev = blk + 8 * i;
		uint32_t d0 = fw_get_be32(ev), d1 = fw_get_be32(ev + 4);
		uint8_t event_id = (uint8_t)(d0 >> 16);

		if (event_id == 0xff) {
			uint64_t T = ((uint64_t)(d0 & 0x1fff) << 40) | ((uint64_t)d1 << 8) | (d0 >> 24);
			unsigned urts = (d0 >> 13) & 7;

			if (urts & 1)  /* trc_ver 1: unreliable timestamp, ignored */
				continue;
			for (size_t k = 0; k < t->nready; k++)
				emu_driver_print(e, &t->ready[k], T);
			t->nready = 0;
		} else if (event_id >= EMU_FIRST_STRING_TRACE &&
			   event_id <= EMU_FIRST_STRING_TRACE + EMU_NUM_STRING_TRACE) {
			bool lost = d0 >> 31;
			uint8_t ts7 = (d0 >> 24) & 0x7f;
			uint16_t tmsn = (d0 >> 3) & 0x1fff;
			unsigned tdsn = d0 & 7;
			struct emu_pending *p = &t->pending[tmsn];

			if (tdsn == 0) {
				const char *fmt = emu_driver_lookup(t, d1);

				if (!fmt) {
					emu_driver_raw(t, ev, event_id, ts7, lost);
					continue;
				}
				memset(p, 0, sizeof(*p));
				p->used = true;
				p->event_id = event_id;
				p->lost = lost;
				p->ts7 = ts7;
				p->fmt = fmt;
				for (const char *c = fmt; *c; c++)
					p->nparams += *c == '%';
				if (p->nparams == 0) {
					emu_driver_ready(t, p);
					p->used = false;
				}
			} else if (p->used && p->event_id == event_id) {
				if (p->have < 7)
					p->params[p->have] = d1;
				p->have++;
				if (p->have >= p->nparams || p->have > 7) {
					emu_driver_ready(t, p);
					p->used = false;
				}
			} else {
				emu_driver_raw(t, ev, event_id, ts7, lost);
			}
		}
		/* Anything else is an unrecognized event: the kernel ignores it. */
	}
}

int emu_tracefs_text(struct emu *e, char **ret_text, size_t *ret_len)
{
	char *copy = malloc(e->tr.text_len + 1);

	if (!copy)
		return fw_error(e->ctx, -ENOMEM, "emu: out of memory for the tracefs text");
	if (e->tr.text_len)
		memcpy(copy, e->tr.text, e->tr.text_len);
	copy[e->tr.text_len] = '\0';
	*ret_text = copy;
	*ret_len = e->tr.text_len;
	return 0;
}

/* The saved traces as mlx5_fw_tracer_get_saved_traces_objects() walks
 * them: oldest first, stopping before the newest entry (its loop ends at
 * index - 1 exclusive, so the most recent trace is never dumped). */
size_t emu_tracer_saved(const struct emu *e, size_t i, const struct emu_saved **ret)
{
	const struct emu_tracer *t = &e->tr;
	size_t n = t->saved_total < EMU_SAVED_TRACES ? (size_t)t->saved_total : EMU_SAVED_TRACES - 1;
	size_t first = t->saved_total < EMU_SAVED_TRACES ? 0 : t->saved_next;

	if (n && t->saved_total < EMU_SAVED_TRACES)
		n--;
	if (i < n)
		*ret = &t->saved[(first + i) % EMU_SAVED_TRACES];
	return n;
}

/* ---------------- firmware side: event generation ---------------- */

static void emu_put_event(struct emu_gen *g, uint32_t d0, uint32_t d1)
{
	fw_put_be32(g->blk + 8 * g->nev, d0);
	fw_put_be32(g->blk + 8 * g->nev + 4, d1);
	g->nev++;
}

static void emu_gen_param_values(struct emu_gen *g, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t r = emu_rng(&g->rng);

		switch (r & 3) {
		case 0:
			g->cur_params[i] = (uint32_t)(r >> 40) & 0xff;
			break;
		case 1:
			g->cur_params[i] = (uint32_t)(r >> 32) & 0xffff;
			break;
		case 2:
			g->cur_params[i] = (uint32_t)(r >> 32) & 0xfffff;
			break;
		default:
			g->cur_params[i] = (uint32_t)(r >> 32);
			break;
		}
	}
}

/* Append one event (string or parameter) of the current message to g->blk. */
static void emu_gen_event(struct emu *e, struct emu_gen *g, uint64_t tick)
{
	struct emu_tracer *t = &e->tr;
	uint32_t d0;

	g->tick = tick;
	if (!g->cur) {
		uint64_t r = emu_rng(&g->rng);

		g->cur = &t->formats[(r >> 16) % t->nformats];
		g->tmsn = (g->tmsn + 1) & 0x1fff;
		g->cur_event_id = (uint8_t)(EMU_FIRST_STRING_TRACE + g->cur->section * 4 + ((r >> 8) & 3));
		g->cur_lost = e->lost_every && emu_hash(e->seed ^ 0x105f, g->msgs) % e->lost_every == 0;
		g->msgs++;
		emu_gen_param_values(g, g->cur->nparams);
		d0 = ((uint32_t)g->cur_lost << 31) | ((uint32_t)(tick & 0x7f) << 24) |
		     ((uint32_t)g->cur_event_id << 16) | (g->tmsn << 3);
		emu_put_event(g, d0, t->db_base[g->cur->section] + g->cur->off);
		g->cur_next = 1;
	} else {
		d0 = ((uint32_t)(tick & 0x7f) << 24) | ((uint32_t)g->cur_event_id << 16) | (g->tmsn << 3) |
		     (g->cur_next & 7);
		emu_put_event(g, d0, g->cur_params[g->cur_next - 1]);
		g->cur_next++;
	}
	if (g->cur_next > g->cur->nparams)
		g->cur = NULL;
}

/* Close the block: a timestamp event (event_id 0xFF) in every remaining slot,
 * the last of which is the block timestamp the kernel reads. */
static void emu_gen_close(struct emu_gen *g)
{
	uint64_t T = g->tick + 1;
	uint32_t d0 = ((uint32_t)(T & 0xff) << 24) | (0xffu << 16) | (uint32_t)((T >> 40) & 0x1fff);
	uint32_t d1 = (uint32_t)(T >> 8);

	while (g->nev < EMU_TRACES_PER_BLOCK)
		emu_put_event(g, d0, d1);
	g->tick = T;
}

static uint8_t *emu_ring_base(struct emu *e, size_t *ret_len)
{
	struct emu_tracer *t = &e->tr;

	if (t->mkey) {
		struct emu_umem *u = emu_umem_find(e, t->mkey);

		if (!u)
			return NULL;
		*ret_len = EMU_TRACE_RING_BYTES;
		return u->addr;
	}
	*ret_len = EMU_TRACE_RING_BYTES;
	return t->internal_ring;
}

static void emu_ring_write(struct emu *e, const uint8_t *blk)
{
	struct emu_tracer *t = &e->tr;
	size_t len;
	uint8_t *ring = emu_ring_base(e, &len);

	if (ring) {
		memcpy(ring + (size_t)t->write_block * EMU_TRACE_BLOCK_BYTES, blk, EMU_TRACE_BLOCK_BYTES);
		t->write_block = (t->write_block + 1) % (uint32_t)(len / EMU_TRACE_BLOCK_BYTES);
		t->blocks_written++;
	}
	emu_driver_block(e, blk);
}

/* Emit n events of the ring generator with ticks spread over [from, to]. */
static void emu_ring_events(struct emu *e, uint64_t n, uint64_t from, uint64_t to)
{
	struct emu_gen *g = &e->tr.gen;
	uint64_t span = to > from ? to - from : 0;

	for (uint64_t i = 0; i < n; i++) {
		uint64_t tick = from + (span / (n + 1)) * (i + 1);

		/* Every event and block timestamp strictly after the last. */
		if (tick < g->tick + 2)
			tick = g->tick + 2;
		emu_gen_event(e, g, tick);
		if (g->nev == EMU_TRACES_PER_BLOCK - 1) {
			emu_gen_close(g);
			emu_ring_write(e, g->blk);
			g->nev = 0;
		}
	}
}

void emu_tracer_advance(struct emu *e, uint64_t ns)
{
	struct emu_tracer *t = &e->tr;
	uint64_t from = t->clock, n, total;

	t->clock += ns / 1000ull * e->prof->freq_khz / 1000ull + (ns % 1000ull) * e->prof->freq_khz / 1000000ull;
	if (!t->active || e->rate == 0)
		return;
	/* rate * ns / 1e9 without overflow for a day of emulated time. */
	total = (ns / 1000000000ull) * e->rate;
	t->events_frac += (ns % 1000000000ull) * e->rate;
	total += t->events_frac / 1000000000ull;
	t->events_frac %= 1000000000ull;
	n = total;
	/* Beyond a few laps of the ring only the last ones can still be read:
	 * generate those, spread over the end of the interval, so a day of
	 * emulated time at a high rate costs what four laps cost. */
	if (n > EMU_ADVANCE_MAX_EVENTS) {
		from = t->clock - (t->clock - from) / (n / EMU_ADVANCE_MAX_EVENTS);
		n = EMU_ADVANCE_MAX_EVENTS;
	}
	if (n)
		emu_ring_events(e, n, from, t->clock);
}

void emu_tracer_burst(struct emu *e, unsigned nmsgs)
{
	struct emu_gen *g = &e->tr.gen;
	uint64_t target = g->msgs + nmsgs;

	if (!e->tr.active)
		return;
	while (g->msgs < target || g->cur)
		emu_ring_events(e, 1, g->tick, g->tick + 64);
}

int emu_trace_stream(struct emu *e, uint64_t nevents, int (*block)(void *userdata, const void *blk, size_t len),
		     void *userdata)
{
	struct emu_tracer *t = &e->tr;
	struct emu_gen g;
	uint64_t step = (uint64_t)e->prof->freq_khz * 1000ull / (e->rate ? e->rate : 1000);
	int r = 0;

	memset(&g, 0, sizeof(g));
	g.rng = emu_hash(e->seed, 0x57ea0000 + t->streams++) | 1;
	g.tick = t->clock;
	/* tmsn far from the ring's so the emulated driver never mixes them. */
	g.tmsn = (t->gen.tmsn + 4096) & 0x1fff;
	if (step < 2)
		step = 2;
	for (uint64_t i = 0; i < nevents; i++) {
		emu_gen_event(e, &g, g.tick + step - (emu_rng(&g.rng) % (step / 2 + 1)) + 1);
		if (g.nev == EMU_TRACES_PER_BLOCK - 1 || i + 1 == nevents) {
			emu_gen_close(&g);
			if (t->text_lines < e->tracefs_max)
				emu_driver_block(e, g.blk);
			r = block(userdata, g.blk, EMU_TRACE_BLOCK_BYTES);
			if (r)
				break;
			g.nev = 0;
		}
	}
	return r;
}

/* ---------------- registers ---------------- */

uint8_t emu_tracer_reg(struct emu *e, const struct regcat_reg *r, bool write, const uint8_t *in, size_t inlen,
		       uint8_t *out, size_t outlen, uint32_t *syndrome)
{
	struct emu_tracer *t = &e->tr;
	char name[40];

	(void)inlen;
	(void)outlen;
	switch (r->id) {
	case MLX5_REG_MTRC_CAP:
		if (write) {
			/* Ownership: granted unless the emulated kernel holds it. */
			if (emu_reg_get(r, in, "trace_owner")) {
				if (t->owner != 1)
					t->owner = 2;
			} else if (t->owner == 2) {
				t->owner = 0;
				t->active = false;
				t->mkey = 0;
			}
		}
		emu_reg_set(r, out, "trace_owner", t->owner == 2);
		emu_reg_set(r, out, "trace_to_memory", 1);
		emu_reg_set(r, out, "trc_ver", 1);
		emu_reg_set(r, out, "num_string_db", EMU_STRINGS_SECTIONS);
		emu_reg_set(r, out, "first_string_trace", EMU_FIRST_STRING_TRACE);
		emu_reg_set(r, out, "num_string_trace", EMU_NUM_STRING_TRACE);
		emu_reg_set(r, out, "log_max_trace_buffer_size", 8);
		for (unsigned s = 0; s < EMU_STRINGS_SECTIONS; s++) {
			snprintf(name, sizeof(name), "string_db_base_address_%u", s);
			emu_reg_set(r, out, name, t->db_base[s]);
			snprintf(name, sizeof(name), "string_db_size_%u", s);
			emu_reg_set(r, out, name, t->db_len[s]);
		}
		return MLX5_STAT_OK;
	case MLX5_REG_MTRC_CONF:
		if (write) {
			uint32_t mkey = emu_reg_get(r, in, "trace_mkey");
			struct emu_umem *u = emu_umem_find(e, mkey);

			if (t->owner != 2) {
				*syndrome = 0x7c0f0001u;
				return MLX5_STAT_BAD_RES_STATE;
			}
			if (emu_reg_get(r, in, "trace_mode") != 1 || emu_reg_get(r, in, "log_trace_buffer_size") != 6 ||
			    !u || u->len < EMU_TRACE_RING_BYTES) {
				*syndrome = 0x7c0f0002u;
				return MLX5_STAT_BAD_PARAM;
			}
			t->mkey = mkey;
			t->log_buf = 6;
			t->write_block = 0;
		}
		emu_reg_set(r, out, "trace_mode", 1);
		emu_reg_set(r, out, "log_trace_buffer_size", t->log_buf);
		emu_reg_set(r, out, "trace_mkey", t->mkey);
		return MLX5_STAT_OK;
	case MLX5_REG_MTRC_CTRL:
		if (write) {
			if (t->owner != 2) {
				*syndrome = 0x7c0f0003u;
				return MLX5_STAT_BAD_RES_STATE;
			}
			if (emu_reg_get(r, in, "modify_field_select") & 1) {
				bool on = emu_reg_get(r, in, "trace_status") == 1;

				if (on && !emu_umem_find(e, t->mkey)) {
					*syndrome = 0x7c0f0004u;
					return MLX5_STAT_BAD_PARAM;
				}
				t->active = on;
			}
		}
		emu_reg_set(r, out, "trace_status", t->active);
		emu_reg_set(r, out, "arm_event", 1);
		emu_reg_set(r, out, "current_timestamp52_32", (uint32_t)(t->clock >> 32) & 0x1fffff);
		emu_reg_set(r, out, "current_timestamp31_0", (uint32_t)t->clock);
		return MLX5_STAT_OK;
	case MLX5_REG_MTRC_STDB: {
		uint32_t idx = emu_reg_get(r, in, "string_db_index");
		uint32_t size = emu_reg_get(r, in, "read_size");
		uint32_t off = emu_reg_get(r, in, "start_offset");

		if (idx >= EMU_STRINGS_SECTIONS || size == 0 || size > 256 || size % 4 ||
		    !fw_range_ok(t->db_len[idx], off, size)) {
			*syndrome = 0x57db0000u | (idx << 12) | (size & 0xfff);
			return MLX5_STAT_BAD_PARAM;
		}
		emu_reg_set(r, out, "string_db_index", idx);
		emu_reg_set(r, out, "read_size", size);
		emu_reg_set(r, out, "start_offset", off);
		memcpy(out + 8, t->db[idx] + off, size);
		return MLX5_STAT_OK;
	}
	default:
		*syndrome = 0x7c0fffffu;
		return MLX5_STAT_BAD_PARAM;
	}
}
