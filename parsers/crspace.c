/* SPDX-License-Identifier: MIT */
/*
 * crspace: words out of CR-space images, in bounded runs.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/limits.h"
#include "crspace.h"
#include "resdump.h"

struct crspace {
	struct fw_ctx *ctx;
	enum crspace_layout layout;
	crspace_run_fn fn;
	crspace_problem_fn problem;
	void *ud;
	uint32_t run[CRSPACE_RUN];
	size_t nrun;
	uint32_t run_addr;
	uint64_t next_addr;        /* flat layouts: address of the next dword */
	uint8_t carry[4];
	size_t carry_len;
	uint64_t words, unread;
	struct resdump *rd;
	bool stopped;              /* a limit was hit: the rest is ignored */
	int err;                   /* sticky callback error */
};

static int flush(struct crspace *c)
{
	int r = 0;

	if (c->nrun && c->fn)
		r = c->fn(c->ud, c->run_addr, c->run, c->nrun);
	c->nrun = 0;
	return r;
}

static int put_word(struct crspace *c, uint64_t addr, uint32_t v)
{
	int r;

	if (addr > UINT32_MAX) {
		if (c->problem)
			c->problem(c->ud, addr, -EBADMSG,
				   "CR-space address beyond 32 bits, skipping the rest");
		return -EBADMSG;
	}
	if (c->nrun && (c->nrun == CRSPACE_RUN || addr != (uint64_t)c->run_addr + 4 * c->nrun)) {
		r = flush(c);
		if (r < 0)
			return r;
	}
	if (!c->nrun)
		c->run_addr = (uint32_t)addr;
	c->run[c->nrun++] = v;
	c->words++;
	return 0;
}

static int flat_word(struct crspace *c, const uint8_t *p)
{
	uint64_t addr = c->next_addr;
	uint32_t v;
	int r;

	c->next_addr += 4;
	if (c->layout == CRSPACE_CRDUMP) {
		v = fw_get_le32(p);
		if (v == CRSPACE_UNREAD) {
			c->unread++;
			/* A hole ends the run. */
			return flush(c);
		}
	} else {
		v = fw_get_be32(p);
	}
	r = put_word(c, addr, v);
	return r;
}

static void rd_problem(void *ud, uint64_t off, int err, const char *msg)
{
	struct crspace *c = ud;

	if (c->problem)
		c->problem(c->ud, off, err, msg);
}

static int rd_segment(void *ud, const struct resdump_segment *s)
{
	struct crspace *c = ud;
	struct fw_cursor pc;
	size_t i, n;
	int r;

	if (s->type == RESDUMP_ERROR || s->type == RESDUMP_NOTICE) {
		char msg[128];

		snprintf(msg, sizeof(msg), "CR-space resource dump %s 0x%x: %s", s->kind,
			 s->syndrome_id, s->text);
		if (c->problem)
			c->problem(c->ud, s->offset, -EBADMSG, msg);
		return 0;
	}
	if (strcmp(s->kind, "RESOURCE") != 0)
		return 0;
	if (s->payload_len % 4 && c->problem)
		c->problem(c->ud, s->offset, -EBADMSG,
			   "CR-space segment payload is not a whole number of dwords, dropping the tail");
	n = s->payload_len / 4;
	r = flush(c);
	if (r < 0)
		return r;
	fw_cursor_init(&pc, s->payload, s->payload_len);
	for (i = 0; i < n; i++) {
		r = put_word(c, (uint64_t)s->index1 + 4 * i, fw_cursor_be32(&pc));
		if (r == -EBADMSG)
			return 0;
		if (r < 0)
			return r;
	}
	return 0;
}

int crspace_new(struct fw_ctx *ctx, enum crspace_layout layout, crspace_run_fn fn,
		crspace_problem_fn problem, void *ud, struct crspace **ret)
{
	struct crspace *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return fw_error(ctx, -ENOMEM, "CR-space decoder: out of memory");
	c->ctx = ctx;
	c->layout = layout;
	c->fn = fn;
	c->problem = problem;
	c->ud = ud;
	if (layout == CRSPACE_RESDUMP) {
		r = resdump_new(ctx, rd_segment, NULL, rd_problem, c, &c->rd);
		if (r < 0) {
			free(c);
			return r;
		}
	}
	*ret = c;
	return 0;
}

void crspace_free(struct crspace *c)
{
	if (!c)
		return;
	resdump_free(c->rd);
	free(c);
}

uint64_t crspace_words(const struct crspace *c)
{
	return c->words;
}

uint64_t crspace_unread(const struct crspace *c)
{
	return c->unread;
}

int crspace_feed(struct crspace *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	struct fw_cursor in;
	size_t rest;
	int r = 0;

	if (c->err)
		return c->err;
	if (c->stopped)
		return 0;
	if (c->layout == CRSPACE_RESDUMP) {
		r = resdump_feed(c->rd, data, len);
		goto out;
	}
	if (c->next_addr + len > (uint64_t)FW_LIMIT_CRSPACE + 4) {
		if (c->problem)
			c->problem(c->ud, c->next_addr, -EOVERFLOW,
				   "CR-space image is larger than FW_LIMIT_CRSPACE, skipping the rest");
		c->stopped = true;
		return 0;
	}
	while (c->carry_len && len) {
		c->carry[c->carry_len++] = *p++;
		len--;
		if (c->carry_len == 4) {
			c->carry_len = 0;
			r = flat_word(c, c->carry);
			if (r < 0)
				goto out;
		}
	}
	/* Whole dwords through the bounded reader; the tail waits in carry. */
	fw_cursor_init(&in, p, len);
	while (fw_cursor_left(&in) >= 4) {
		r = flat_word(c, fw_cursor_take(&in, 4));
		if (r < 0)
			goto out;
	}
	rest = fw_cursor_left(&in);
	if (rest)
		memcpy(c->carry, fw_cursor_take(&in, rest), rest);
	c->carry_len += rest;
out:
	if (r < 0)
		c->err = r;
	return r;
}

int crspace_finish(struct crspace *c)
{
	int r;

	if (c->err)
		return c->err;
	if (c->rd)
		resdump_finish(c->rd);
	if (c->carry_len && c->problem)
		c->problem(c->ud, c->next_addr, -EBADMSG,
			   "CR-space image ends inside a dword, dropping the tail");
	c->carry_len = 0;
	r = flush(c);
	return r;
}

enum crspace_layout crspace_sniff(const void *data, size_t len)
{
	struct fw_cursor c;
	uint32_t dw0;

	fw_cursor_init(&c, data, len);
	dw0 = fw_cursor_be32(&c);
	if (!c.error && (dw0 & 0xffff) == RESDUMP_INFO && (dw0 >> 16) >= 1)
		return CRSPACE_RESDUMP;
	return CRSPACE_FLAT_BE;
}

size_t crspace_mstdump_line(uint32_t addr, uint32_t value, char buf[CRSPACE_MSTDUMP_LINE])
{
	return (size_t)snprintf(buf, CRSPACE_MSTDUMP_LINE, "0x%8.8x 0x%8.8x\n", addr, value);
}
