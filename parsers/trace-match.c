/* SPDX-License-Identifier: MIT */
/*
 * trace-match: rendered trace messages back to (format, parameters).  See
 * trace-match.h for the rule, the tie-break and the bounds.
 *
 * Layout: formats are compiled into a trie over "symbols", where a symbol
 * is a literal byte or one conversion specification.  Literal runs are
 * path-compressed into edge labels held in one arena; a conversion is an
 * edge of its own.  Nodes keep their literal edges sorted by first byte
 * (one binary search per node on the walk) and their conversion edges in a
 * list.  Everything is indices into growable arrays, so the matcher is a
 * handful of allocations whose size is linear in the strings DB.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "trace-internal.h"
#include "trace-match.h"

#define NO_IDX UINT32_MAX
/* The kernel renders into tmp[512]: a longer message is not a rendering. */
#define MATCH_MAX_LEN (FW_LIMIT_TRACE_MESSAGE - 1)
/* (node, position) states remembered per message; beyond that the step
 * budget alone bounds the walk. */
#define MEMO_SLOTS 1024u
/* Longest text one numeric conversion can take beyond its width or
 * precision: sign, "0x", 11 octal digits of a 32-bit value. */
#define NUM_SLACK 16

struct mfmt {
	const char *text;
	uint32_t ptr;
	uint32_t lit_bytes;       /* literal bytes: the tie-break */
	uint32_t next;            /* next format ending at the same node */
	uint32_t seen;            /* message generation it was last recorded in */
	uint8_t nparams;
	bool raw;
};

/* A literal edge: its label is arena bytes [off, off + len). */
struct medge {
	uint32_t child;
	uint32_t next;            /* next literal edge of the same node */
	uint32_t off, len;
};

/* A conversion edge. */
struct mconv {
	uint32_t child;
	uint32_t next;            /* next conversion edge of the same node */
	struct trace_spec spec;
	/* Frozen: nothing after this conversion can start with a character
	 * the conversion prints, so it takes the longest run or nothing. */
	bool single;
};

struct mnode {
	uint32_t lit_head;        /* literal edges (list, build order) */
	uint32_t conv_head;       /* conversion edges (list) */
	uint32_t term;            /* formats that end here */
	uint32_t lit_first;       /* frozen: m->sorted[lit_first .. + lit_count] */
	uint32_t lit_count;
};

struct trace_matcher {
	struct fw_ctx *ctx;
	struct mfmt *fmts;
	size_t nfmts, capfmts;
	struct mnode *nodes;
	size_t nnodes, capnodes;
	struct medge *edges;
	size_t nedges, capedges;
	struct mconv *convs;
	size_t nconvs, capconvs;
	char *arena;
	size_t narena, caparena;
	uint32_t *sorted;         /* literal edge indices, grouped by node, by first byte */
	size_t capsorted;
	uint32_t root_first[256]; /* frozen: the root's literal edge by first byte, + 1 */
	uint32_t *hash;           /* format text -> index + 1 */
	size_t caphash;
	uint32_t raw_fmt;
	bool dirty;               /* edges added since the last freeze */

	/* Per message. */
	uint32_t gen;
	uint64_t memo_key[MEMO_SLOTS];
	uint32_t memo_gen[MEMO_SLOTS];
	unsigned memo_used;
	char scratch[FW_LIMIT_TRACE_MESSAGE + 8];

	struct trace_matcher_stats st;
};

/* What one walk carries. */
struct mwalk {
	const unsigned char *s;
	size_t len;
	uint32_t params[TRACE_MAX_PARAMS];
	uint32_t best;
	uint32_t best_params[TRACE_MAX_PARAMS];
	unsigned matched;         /* formats other than the raw one that matched */
	uint64_t steps;
	bool exhausted;
};

/* Checked doubling (core/buf.h): ncap * elem cannot wrap, and the loop
 * that doubled ncap cannot spin past SIZE_MAX. */
static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	return fw_grow(p, cap, need, elem, 0);
}

static uint64_t hash_text(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

static uint32_t new_node(struct trace_matcher *m)
{
	struct mnode *n;

	if (grow((void **)&m->nodes, &m->capnodes, m->nnodes + 1, sizeof(*m->nodes)) < 0)
		return NO_IDX;
	n = &m->nodes[m->nnodes];
	n->lit_head = n->conv_head = n->term = NO_IDX;
	n->lit_first = n->lit_count = 0;
	return (uint32_t)m->nnodes++;
}

static uint32_t new_edge(struct trace_matcher *m)
{
	if (grow((void **)&m->edges, &m->capedges, m->nedges + 1, sizeof(*m->edges)) < 0)
		return NO_IDX;
	memset(&m->edges[m->nedges], 0, sizeof(m->edges[0]));
	m->dirty = true;
	return (uint32_t)m->nedges++;
}

static uint32_t new_conv(struct trace_matcher *m)
{
	if (grow((void **)&m->convs, &m->capconvs, m->nconvs + 1, sizeof(*m->convs)) < 0)
		return NO_IDX;
	memset(&m->convs[m->nconvs], 0, sizeof(m->convs[0]));
	m->dirty = true;
	return (uint32_t)m->nconvs++;
}

static int arena_put(struct trace_matcher *m, const char *p, size_t n)
{
	if (grow((void **)&m->arena, &m->caparena, m->narena + n, 1) < 0)
		return -ENOMEM;
	memcpy(m->arena + m->narena, p, n);
	m->narena += n;
	return 0;
}

/* Follow or make the literal path for arena bytes [off, off + len) from
 * node; returns the node at its end or NO_IDX. */
static uint32_t insert_literal(struct trace_matcher *m, uint32_t node, uint32_t off, uint32_t len)
{
	while (len) {
		uint32_t e, k, c, mid, e2;

		for (e = m->nodes[node].lit_head; e != NO_IDX; e = m->edges[e].next)
			if (m->arena[m->edges[e].off] == m->arena[off])
				break;
		if (e == NO_IDX) {
			c = new_node(m);
			e = c == NO_IDX ? NO_IDX : new_edge(m);
			if (e == NO_IDX)
				return NO_IDX;
			m->edges[e].child = c;
			m->edges[e].off = off;
			m->edges[e].len = len;
			m->edges[e].next = m->nodes[node].lit_head;
			m->nodes[node].lit_head = e;
			return c;
		}
		for (k = 1; k < len && k < m->edges[e].len &&
			    m->arena[m->edges[e].off + k] == m->arena[off + k];
		     k++)
			;
		if (k < m->edges[e].len) {
			/* Split the edge at k: node -e-> mid -e2-> old child. */
			mid = new_node(m);
			e2 = mid == NO_IDX ? NO_IDX : new_edge(m);
			if (e2 == NO_IDX)
				return NO_IDX;
			m->edges[e2].child = m->edges[e].child;
			m->edges[e2].off = m->edges[e].off + k;
			m->edges[e2].len = m->edges[e].len - k;
			m->edges[e2].next = NO_IDX;
			m->nodes[mid].lit_head = e2;
			m->edges[e].child = mid;
			m->edges[e].len = k;
		}
		node = m->edges[e].child;
		off += k;
		len -= k;
	}
	return node;
}

static bool spec_equal(const struct trace_spec *a, const struct trace_spec *b)
{
	return a->conv == b->conv && a->lmod == b->lmod && a->flags == b->flags &&
	       a->width == b->width && a->prec == b->prec;
}

static uint32_t insert_conv(struct trace_matcher *m, uint32_t node, const struct trace_spec *sp)
{
	uint32_t e, c;

	for (e = m->nodes[node].conv_head; e != NO_IDX; e = m->convs[e].next)
		if (spec_equal(&m->convs[e].spec, sp))
			return m->convs[e].child;
	c = new_node(m);
	e = c == NO_IDX ? NO_IDX : new_conv(m);
	if (e == NO_IDX)
		return NO_IDX;
	m->convs[e].child = c;
	m->convs[e].spec = *sp;
	/* Appended, so conversion edges are tried in the order formats
	 * brought them: deterministic. */
	m->convs[e].next = NO_IDX;
	if (m->nodes[node].conv_head == NO_IDX) {
		m->nodes[node].conv_head = e;
	} else {
		uint32_t t = m->nodes[node].conv_head;

		while (m->convs[t].next != NO_IDX)
			t = m->convs[t].next;
		m->convs[t].next = e;
	}
	return c;
}

static int hash_insert(struct trace_matcher *m, uint64_t h, uint32_t idx)
{
	size_t j;

	if ((m->nfmts + 1) * 2 > m->caphash) {
		size_t ncap = m->caphash ? m->caphash * 2 : 1024;
		uint32_t *nh = calloc(ncap, sizeof(*nh));

		if (!nh)
			return -ENOMEM;
		for (size_t i = 0; i < m->caphash; i++) {
			uint32_t v = m->hash[i];

			if (!v)
				continue;
			for (j = hash_text(m->fmts[v - 1].text) & (ncap - 1); nh[j]; j = (j + 1) & (ncap - 1))
				;
			nh[j] = v;
		}
		free(m->hash);
		m->hash = nh;
		m->caphash = ncap;
	}
	for (j = h & (m->caphash - 1); m->hash[j]; j = (j + 1) & (m->caphash - 1))
		;
	m->hash[j] = idx + 1;
	return 0;
}

static uint32_t hash_find(const struct trace_matcher *m, const char *text, uint64_t h)
{
	size_t j;

	if (!m->caphash)
		return NO_IDX;
	for (j = h & (m->caphash - 1); m->hash[j]; j = (j + 1) & (m->caphash - 1))
		if (!strcmp(m->fmts[m->hash[j] - 1].text, text))
			return m->hash[j] - 1;
	return NO_IDX;
}

/*
 * %x, %u and %o of a 32-bit parameter print the same with or without a
 * long modifier (the value is zero-extended either way), so one edge
 * serves both spellings.  %d differs: %ld never prints a sign.
 */
static void spec_normalize(struct trace_spec *sp)
{
	if (sp->lmod == 1 && sp->conv != 'd' && sp->conv != 'i')
		sp->lmod = 0;
	if (sp->conv == 'p') {
		/* Rendered as %x with the flags dropped. */
		sp->conv = 'x';
		sp->flags = 0;
		sp->lmod = 0;
	}
}

static int add_format(struct trace_matcher *m, const char *text, uint32_t ptr, unsigned nparams,
		      bool raw)
{
	uint64_t h = hash_text(text);
	uint32_t idx = hash_find(m, text, h), node = 0, run_off, nconv = 0, lit_bytes = 0;
	const char *f = text;
	struct mfmt *mf;
	int r;

	if (idx != NO_IDX) {
		/* The kernel's raw rendering, also present in the strings DB:
		 * the DB's string is the real format. */
		if (m->fmts[idx].raw && !raw) {
			m->fmts[idx].raw = false;
			m->fmts[idx].ptr = ptr;
			m->fmts[idx].text = text;
			m->raw_fmt = NO_IDX;
		}
		return 1;
	}
	/* A '*' width or precision would come from a parameter: such a
	 * format is not indexed (checked first, so nothing of it is built). */
	for (const char *q = strchr(text, '%'); q; q = strchr(q, '%')) {
		struct trace_spec sp;

		q = trace_spec_parse(q + 1, &sp);
		if (sp.star_width || sp.star_prec) {
			m->st.unmatchable++;
			return 0;
		}
		if (!sp.conv)
			break;
	}
	run_off = (uint32_t)m->narena;
	while (*f) {
		struct trace_spec sp;
		const char *next;

		if (*f != '%') {
			const char *q = strchr(f, '%');
			size_t n = q ? (size_t)(q - f) : strlen(f);

			if (arena_put(m, f, n) < 0)
				goto nomem;
			lit_bytes += (uint32_t)n;
			f += n;
			continue;
		}
		next = trace_spec_parse(f + 1, &sp);
		if (sp.conv == '%') {
			if (arena_put(m, "%", 1) < 0)
				goto nomem;
			lit_bytes++;
			f = next;
			continue;
		}
		if (!sp.conv)
			break; /* the rendering stops here */
		if (nconv >= TRACE_MAX_PARAMS) {
			/* The kernel passes seven parameters: this one reads 0,
			 * a fixed text (a %c of 0 would end the message). */
			char buf[FW_LIMIT_TRACE_MESSAGE];
			size_t n;

			if (sp.conv == 'c')
				break;
			n = trace_spec_render(&sp, 0, buf, sizeof(buf));
			if (n >= sizeof(buf))
				n = sizeof(buf) - 1;
			if (arena_put(m, buf, n) < 0)
				goto nomem;
			lit_bytes += (uint32_t)n;
			f = next;
			continue;
		}
		node = insert_literal(m, node, run_off, (uint32_t)(m->narena - run_off));
		if (node == NO_IDX)
			goto nomem;
		spec_normalize(&sp);
		node = insert_conv(m, node, &sp);
		if (node == NO_IDX)
			goto nomem;
		nconv++;
		run_off = (uint32_t)m->narena;
		f = next;
	}
	node = insert_literal(m, node, run_off, (uint32_t)(m->narena - run_off));
	if (node == NO_IDX)
		goto nomem;
	r = grow((void **)&m->fmts, &m->capfmts, m->nfmts + 1, sizeof(*m->fmts));
	if (r < 0)
		goto nomem;
	idx = (uint32_t)m->nfmts;
	if (hash_insert(m, h, idx) < 0)
		goto nomem;
	mf = &m->fmts[m->nfmts++];
	mf->text = text;
	mf->ptr = ptr;
	mf->lit_bytes = lit_bytes;
	mf->nparams = (uint8_t)(nparams < TRACE_MAX_PARAMS ? nparams : TRACE_MAX_PARAMS);
	mf->raw = raw;
	mf->seen = 0;
	mf->next = m->nodes[node].term;
	m->nodes[node].term = idx;
	if (raw)
		m->raw_fmt = idx;
	m->st.formats++;
	return 0;
nomem:
	/* Nodes and edges made so far stay (empty paths match nothing). */
	return fw_error(m->ctx, -ENOMEM, "trace matcher: out of memory");
}

int trace_matcher_new(struct fw_ctx *ctx, struct trace_matcher **ret)
{
	struct trace_matcher *m = calloc(1, sizeof(*m));
	int r;

	if (!m)
		return fw_error(ctx, -ENOMEM, "trace matcher: out of memory");
	m->ctx = ctx;
	m->raw_fmt = NO_IDX;
	if (new_node(m) == NO_IDX) {
		free(m);
		return fw_error(ctx, -ENOMEM, "trace matcher: out of memory");
	}
	r = add_format(m, TRACE_RAW_FORMAT, 0, 2, true);
	if (r < 0) {
		trace_matcher_free(m);
		return r;
	}
	*ret = m;
	return 0;
}

void trace_matcher_free(struct trace_matcher *m)
{
	if (!m)
		return;
	free(m->fmts);
	free(m->nodes);
	free(m->edges);
	free(m->convs);
	free(m->arena);
	free(m->sorted);
	free(m->hash);
	free(m);
}

int trace_matcher_add(struct trace_matcher *m, const char *text, uint32_t ptr, unsigned nparams)
{
	return add_format(m, text, ptr, nparams, false);
}

int trace_matcher_add_strdb(struct trace_matcher *m, const struct trace_strdb *db)
{
	for (unsigned i = 0; i < TRACE_STRINGS_DB_MAX; i++) {
		const char *data = NULL;
		uint32_t base = 0;
		size_t held = trace_strdb_section(db, i, &data, &base);

		/* Offset 0 is never a pointer (the kernel wants base < ptr);
		 * every other string start is. */
		for (size_t off = 1; off < held; off++) {
			unsigned np = 0;
			int r;

			if (data[off - 1] != '\0' || data[off] == '\0')
				continue;
			if (!trace_strdb_lookup(db, base + (uint32_t)off, &np))
				continue;
			r = trace_matcher_add(m, data + off, base + (uint32_t)off, np);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- freeze */

static bool in_run(const struct trace_spec *sp, unsigned char c);

/* Give back what doubling over-allocated (a failure only keeps more). */
static void shrink(void **p, size_t *cap, size_t n, size_t elem)
{
	void *np;

	if (!n || n == *cap)
		return;
	np = realloc(*p, n * elem);
	if (np) {
		*p = np;
		*cap = n;
	}
}

static int freeze(struct trace_matcher *m)
{
	size_t at = 0;

	shrink((void **)&m->fmts, &m->capfmts, m->nfmts, sizeof(*m->fmts));
	shrink((void **)&m->nodes, &m->capnodes, m->nnodes, sizeof(*m->nodes));
	shrink((void **)&m->edges, &m->capedges, m->nedges, sizeof(*m->edges));
	shrink((void **)&m->convs, &m->capconvs, m->nconvs, sizeof(*m->convs));
	shrink((void **)&m->arena, &m->caparena, m->narena, 1);

	if (grow((void **)&m->sorted, &m->capsorted, m->nedges ? m->nedges : 1, sizeof(*m->sorted)) < 0)
		return fw_error(m->ctx, -ENOMEM, "trace matcher: out of memory");
	for (size_t i = 0; i < m->nnodes; i++) {
		struct mnode *n = &m->nodes[i];

		n->lit_first = (uint32_t)at;
		for (uint32_t e = n->lit_head; e != NO_IDX; e = m->edges[e].next) {
			/* Insertion by first byte: at most 256 edges a node. */
			size_t j = at;
			unsigned char b = (unsigned char)m->arena[m->edges[e].off];

			while (j > n->lit_first &&
			       (unsigned char)m->arena[m->edges[m->sorted[j - 1]].off] > b) {
				m->sorted[j] = m->sorted[j - 1];
				j--;
			}
			m->sorted[j] = e;
			at++;
		}
		n->lit_count = (uint32_t)(at - n->lit_first);
	}
	memset(m->root_first, 0, sizeof(m->root_first));
	for (uint32_t k = 0; k < m->nodes[0].lit_count; k++) {
		uint32_t e = m->sorted[m->nodes[0].lit_first + k];

		m->root_first[(unsigned char)m->arena[m->edges[e].off]] = e + 1;
	}
	for (size_t c = 0; c < m->nconvs; c++) {
		struct mconv *cv = &m->convs[c];
		const struct mnode *ch = &m->nodes[cv->child];

		cv->single = ch->conv_head == NO_IDX && cv->spec.prec != 0 &&
			     cv->spec.conv != 's' && cv->spec.conv != 'c';
		for (uint32_t k = 0; cv->single && k < ch->lit_count; k++) {
			uint32_t e = m->sorted[ch->lit_first + k];

			if (in_run(&cv->spec, (unsigned char)m->arena[m->edges[e].off]))
				cv->single = false;
		}
	}
	m->dirty = false;
	return 0;
}

/* ------------------------------------------------------------------ walk */

static const struct medge *lit_find(const struct trace_matcher *m, const struct mnode *n,
				    unsigned char b)
{
	uint32_t lo = n->lit_first, hi = n->lit_first + n->lit_count;

	if (n == m->nodes)
		return m->root_first[b] ? &m->edges[m->root_first[b] - 1] : NULL;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct medge *e = &m->edges[m->sorted[mid]];
		unsigned char c = (unsigned char)m->arena[e->off];

		if (c == b)
			return e;
		if (c < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Can a walk at node go on from position pos?  Cheap, so the costlier
 * value check runs only for lengths that lead somewhere. */
static bool can_continue(const struct trace_matcher *m, const struct mwalk *w, uint32_t node,
			 size_t pos)
{
	const struct mnode *n = &m->nodes[node];

	if (n->conv_head != NO_IDX)
		return true;
	if (pos == w->len)
		return n->term != NO_IDX;
	if (n->lit_count == 1)
		return m->arena[m->edges[m->sorted[n->lit_first]].off] == (char)w->s[pos];
	return lit_find(m, n, w->s[pos]) != NULL;
}

/*
 * The plain conversions (%d %i %u %x %X with no flag, width, precision or
 * length) are most of every format: their canonical text is checked here
 * directly instead of rendered and compared.  1: the text [p, p + n) is
 * what the conversion prints for *ret; 0: it is not; -1: not a plain
 * conversion, use the general path.
 */
static int plain_value(const struct trace_spec *sp, const unsigned char *p, size_t n,
		       uint32_t *ret)
{
	uint64_t v = 0;
	size_t i = 0;
	bool neg = false;

	if (sp->flags || sp->width || sp->prec >= 0 || sp->lmod)
		return -1;
	switch (sp->conv) {
	case 'x':
	case 'X':
		if (!n || n > 8 || (p[0] == '0' && n > 1))
			return 0;
		for (; i < n; i++) {
			unsigned c = p[i], d;

			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (sp->conv == 'x' && c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (sp->conv == 'X' && c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				return 0;
			v = v << 4 | d;
		}
		*ret = (uint32_t)v;
		return 1;
	case 'd':
	case 'i':
		if (n && p[0] == '-') {
			neg = true;
			i = 1;
		}
		/* fall through */
	case 'u':
		if (i == n || n - i > 10 || (p[i] == '0' && (n - i > 1 || neg)))
			return 0;
		for (; i < n; i++) {
			if (p[i] < '0' || p[i] > '9')
				return 0;
			v = v * 10 + (p[i] - '0');
		}
		if (sp->conv == 'u') {
			if (v > UINT32_MAX)
				return 0;
			*ret = (uint32_t)v;
		} else {
			if (v > (neg ? 0x80000000ull : 0x7fffffffull))
				return 0;
			*ret = neg ? (uint32_t)(0 - v) : (uint32_t)v;
		}
		return 1;
	default:
		return -1;
	}
}

/* First visit of (node, pos) in this message?  Marks it. */
static bool memo_first(struct trace_matcher *m, uint32_t node, size_t pos)
{
	uint64_t key = (uint64_t)node << 16 | pos;
	size_t j = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 52) & (MEMO_SLOTS - 1);

	for (unsigned probes = 0; probes < 8; probes++, j = (j + 1) & (MEMO_SLOTS - 1)) {
		if (m->memo_gen[j] != m->gen) {
			if (m->memo_used >= MEMO_SLOTS / 2)
				return true; /* full: the step budget bounds the walk */
			m->memo_gen[j] = m->gen;
			m->memo_key[j] = key;
			m->memo_used++;
			return true;
		}
		if (m->memo_key[j] == key)
			return false;
	}
	return true;
}

static void record(struct trace_matcher *m, struct mwalk *w, uint32_t f, unsigned depth)
{
	struct mfmt *mf = &m->fmts[f], *b;
	bool better;

	if (mf->seen == m->gen)
		return;
	mf->seen = m->gen;
	if (!mf->raw)
		w->matched++;
	if (w->best == NO_IDX) {
		better = true;
	} else {
		b = &m->fmts[w->best];
		if (b->raw != mf->raw)
			better = b->raw;
		else if (b->lit_bytes != mf->lit_bytes)
			better = mf->lit_bytes > b->lit_bytes;
		else
			better = mf->ptr < b->ptr;
	}
	if (!better)
		return;
	w->best = f;
	memset(w->best_params, 0, sizeof(w->best_params));
	memcpy(w->best_params, w->params, depth * sizeof(w->params[0]));
}

static void walk(struct trace_matcher *m, struct mwalk *w, uint32_t node, size_t pos,
		 unsigned depth);

/* Parse the text [p, p + n) as a value of conversion sp, into the 32-bit
 * parameter that would print it (the caller checks by rendering). */
static bool parse_value(const struct trace_spec *sp, const unsigned char *p, size_t n,
			uint32_t *ret)
{
	unsigned base = sp->conv == 'o' ? 8 : (sp->conv == 'x' || sp->conv == 'X') ? 16 : 10;
	bool is_signed = sp->conv == 'd' || sp->conv == 'i', neg = false;
	size_t i = 0, nd = 0;
	uint64_t v = 0;
	int64_t sv;

	while (i < n && p[i] == ' ')
		i++;
	if (is_signed && i < n && (p[i] == '-' || p[i] == '+'))
		neg = p[i++] == '-';
	if (base == 16 && i + 1 < n && p[i] == '0' && (p[i + 1] == 'x' || p[i + 1] == 'X'))
		i += 2;
	for (; i < n; i++, nd++) {
		unsigned d;

		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			d = p[i] - 'A' + 10;
		else
			break;
		if (d >= base)
			break;
		v = v * base + d;
		if (v > 0x1ffffffffull)
			return false;
	}
	while (i < n && p[i] == ' ')
		i++;
	if (i != n)
		return false;
	/* No digits: only a zero printed with precision 0 is empty. */
	if (!nd && sp->prec != 0)
		return false;
	if (is_signed) {
		sv = neg ? -(int64_t)v : (int64_t)v;
		switch (sp->lmod) {
		case 1:
			if (sv < 0 || sv > UINT32_MAX)
				return false;
			*ret = (uint32_t)sv;
			return true;
		case -1:
			if (sv < INT16_MIN || sv > INT16_MAX)
				return false;
			*ret = (uint16_t)(int16_t)sv;
			return true;
		case -2:
			if (sv < INT8_MIN || sv > INT8_MAX)
				return false;
			*ret = (uint8_t)(int8_t)sv;
			return true;
		default:
			if (sv < INT32_MIN || sv > INT32_MAX)
				return false;
			*ret = (uint32_t)(int32_t)sv;
			return true;
		}
	}
	if (v > (sp->lmod == -1 ? 0xffffull : sp->lmod == -2 ? 0xffull : 0xffffffffull))
		return false;
	*ret = (uint32_t)v;
	return true;
}

/* Render parameter a; if it prints exactly the message from pos on (for
 * want bytes, or any length when want is SIZE_MAX), walk on from there. */
static void try_value(struct trace_matcher *m, struct mwalk *w, const struct mconv *e, size_t pos,
		      unsigned depth, uint32_t a, size_t want)
{
	size_t n = trace_spec_render(&e->spec, a, m->scratch, sizeof(m->scratch));

	if (n >= sizeof(m->scratch) || n > w->len - pos || (want != SIZE_MAX && n != want))
		return;
	if (memcmp(m->scratch, w->s + pos, n))
		return;
	if (!memo_first(m, e->child, pos + n))
		return;
	w->params[depth] = a;
	walk(m, w, e->child, pos + n, depth + 1);
}

static bool in_run(const struct trace_spec *sp, unsigned char c)
{
	switch (sp->conv) {
	case 'o':
		if (c >= '0' && c <= '7')
			return true;
		break;
	case 'x':
	case 'X':
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
			return true;
		if ((sp->flags & TRACE_F_ALT) && (c == 'x' || c == 'X'))
			return true;
		break;
	default:
		if (c >= '0' && c <= '9')
			return true;
		if ((sp->conv == 'd' || sp->conv == 'i') && (c == '-' || c == '+'))
			return true;
		break;
	}
	/* Padding, and the sign of the ' ' flag. */
	return c == ' ' && (sp->width > 0 || (sp->flags & TRACE_F_SPACE));
}

/* A plain conversion with a single length: scan and value in one pass.
 * The scan stops at the first character the conversion cannot print in
 * its canonical form; for a single edge nothing can follow such a
 * character anyway (see struct mconv). */
static void try_plain_single(struct trace_matcher *m, struct mwalk *w, const struct mconv *e,
			     size_t pos, unsigned depth)
{
	const unsigned char *p = w->s + pos;
	size_t left = w->len - pos, n = 0;
	uint64_t v = 0;
	bool neg = false;
	uint32_t a;

	switch (e->spec.conv) {
	case 'x':
	case 'X': {
		unsigned char lo = e->spec.conv == 'x' ? 'a' : 'A';

		for (; n < left && n < 9; n++) {
			unsigned c = p[n];

			if (c >= '0' && c <= '9')
				v = v << 4 | (c - '0');
			else if (c >= lo && c < lo + 6u)
				v = v << 4 | (c - lo + 10);
			else
				break;
		}
		if (!n || n > 8 || (p[0] == '0' && n > 1))
			return;
		a = (uint32_t)v;
		break;
	}
	default: /* d, i, u */
		if (e->spec.conv != 'u' && left && p[0] == '-') {
			neg = true;
			p++;
			left--;
		}
		for (; n < left && n < 11 && p[n] >= '0' && p[n] <= '9'; n++)
			v = v * 10 + (p[n] - '0');
		if (!n || n > 10 || (p[0] == '0' && (n > 1 || neg)))
			return;
		if (e->spec.conv == 'u') {
			if (v > UINT32_MAX)
				return;
			a = (uint32_t)v;
		} else {
			if (v > (neg ? 0x80000000ull : 0x7fffffffull))
				return;
			a = neg ? (uint32_t)(0 - v) : (uint32_t)v;
		}
		n += neg;
		break;
	}
	if (!can_continue(m, w, e->child, pos + n))
		return;
	w->params[depth] = a;
	walk(m, w, e->child, pos + n, depth + 1);
}

static void try_conv(struct trace_matcher *m, struct mwalk *w, const struct mconv *e, size_t pos,
		     unsigned depth)
{
	const struct trace_spec *sp = &e->spec;
	size_t max, run;
	uint32_t a;

	if (e->single && !sp->flags && !sp->width && sp->prec < 0 && !sp->lmod &&
	    (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'u' || sp->conv == 'd' ||
	     sp->conv == 'i')) {
		if (!w->steps) {
			w->exhausted = true;
			return;
		}
		w->steps--;
		try_plain_single(m, w, e, pos, depth);
		return;
	}

	switch (sp->conv) {
	case 's':
		try_value(m, w, e, pos, depth, 0, SIZE_MAX);
		try_value(m, w, e, pos, depth, 1, SIZE_MAX);
		return;
	case 'c': {
		size_t n = sp->width > 1 ? (size_t)sp->width : 1;

		if (n > w->len - pos)
			return;
		a = w->s[(sp->flags & TRACE_F_LEFT) ? pos : pos + n - 1];
		if (a)
			try_value(m, w, e, pos, depth, a, n);
		return;
	}
	default:
		break;
	}
	max = (size_t)(sp->width > sp->prec ? sp->width : sp->prec) + NUM_SLACK;
	if (max > w->len - pos)
		max = w->len - pos;
	for (run = 0; run < max && in_run(sp, w->s[pos + run]); run++)
		;
	if (e->single) {
		/* The longest run or nothing; no other path can reach the
		 * same state, so no memo either. */
		if (!w->steps) {
			w->exhausted = true;
			return;
		}
		w->steps--;
		if (!run || !can_continue(m, w, e->child, pos + run))
			return;
		switch (plain_value(sp, w->s + pos, run, &a)) {
		case 1:
			w->params[depth] = a;
			walk(m, w, e->child, pos + run, depth + 1);
			return;
		case 0:
			return;
		default:
			if (parse_value(sp, w->s + pos, run, &a))
				try_value(m, w, e, pos, depth, a, run);
			return;
		}
	}
	/* Longest first, but shortest first when another conversion follows
	 * at once: then the later one takes the longest text, which reads a
	 * rewritten %llx ("%x%x") with as many digits as fit in the low
	 * half, the likely split of a 64-bit value.  Length 0 only for a
	 * value printed as nothing. */
	bool shortest = m->nodes[e->child].conv_head != NO_IDX;

	for (size_t k = 0; k <= run; k++) {
		size_t n = shortest ? k : run - k;

		if (!w->steps) {
			w->exhausted = true;
			return;
		}
		w->steps--;
		if (!n && sp->prec != 0)
			continue;
		if (!can_continue(m, w, e->child, pos + n))
			continue;
		switch (plain_value(sp, w->s + pos, n, &a)) {
		case 1:
			if (memo_first(m, e->child, pos + n)) {
				w->params[depth] = a;
				walk(m, w, e->child, pos + n, depth + 1);
			}
			break;
		case 0:
			break;
		default:
			if (parse_value(sp, w->s + pos, n, &a))
				try_value(m, w, e, pos, depth, a, n);
			break;
		}
	}
}

static void walk(struct trace_matcher *m, struct mwalk *w, uint32_t node, size_t pos,
		 unsigned depth)
{
	const struct mnode *n = &m->nodes[node];

	if (!w->steps) {
		w->exhausted = true;
		return;
	}
	w->steps--;
	if (pos == w->len) {
		for (uint32_t f = n->term; f != NO_IDX; f = m->fmts[f].next)
			record(m, w, f, depth);
	} else if (n->lit_count) {
		const struct medge *e = lit_find(m, n, w->s[pos]);

		if (e && e->len <= w->len - pos && !memcmp(m->arena + e->off, w->s + pos, e->len))
			walk(m, w, e->child, pos + e->len, depth);
	}
	if (depth >= TRACE_MAX_PARAMS)
		return; /* later conversions were compiled as text */
	for (uint32_t e = n->conv_head; e != NO_IDX; e = m->convs[e].next)
		try_conv(m, w, &m->convs[e], pos, depth);
}

int trace_matcher_match(struct trace_matcher *m, const char *msg, size_t len,
			struct trace_match *ret)
{
	struct mwalk w;
	const struct mfmt *mf;
	int r;

	m->st.messages++;
	if (m->dirty) {
		r = freeze(m);
		if (r < 0)
			return r;
	}
	if (len > MATCH_MAX_LEN) {
		m->st.unmatched++;
		return 0;
	}
	if (++m->gen == 0) {
		/* Generations wrapped: forget every mark. */
		memset(m->memo_gen, 0, sizeof(m->memo_gen));
		for (size_t i = 0; i < m->nfmts; i++)
			m->fmts[i].seen = 0;
		m->gen = 1;
	}
	m->memo_used = 0;
	memset(&w, 0, sizeof(w));
	w.s = (const unsigned char *)msg;
	w.len = len;
	w.best = NO_IDX;
	w.steps = 4096 + (uint64_t)len * FW_LIMIT_MATCH_STEPS;
	walk(m, &w, 0, 0, 0);
	if (w.best == NO_IDX) {
		m->st.unmatched++;
		if (w.exhausted)
			m->st.gave_up++;
		return 0;
	}
	mf = &m->fmts[w.best];
	memset(ret, 0, sizeof(*ret));
	ret->format = mf->text;
	ret->format_ptr = mf->ptr;
	memcpy(ret->params, w.best_params, sizeof(ret->params));
	ret->nparams = mf->nparams;
	ret->raw = mf->raw;
	ret->alternatives = !mf->raw && w.matched > 1 ? w.matched - 1 : 0;
	m->st.matched++;
	if (ret->alternatives)
		m->st.ambiguous++;
	return 1;
}

bool trace_event_match(struct trace_matcher *m, struct trace_event *ev)
{
	struct trace_match mt;

	if (ev->source == TRACE_SOURCE_RING || !ev->text)
		return false;
	if (trace_matcher_match(m, ev->text, strlen(ev->text), &mt) != 1) {
		ev->unmatched = true;
		return false;
	}
	ev->format = mt.format;
	ev->format_ptr = mt.format_ptr;
	memcpy(ev->params, mt.params, sizeof(ev->params));
	ev->nparams = mt.nparams;
	ev->nparams_expected = mt.nparams;
	ev->raw = mt.raw;
	ev->ambiguous = mt.alternatives > 0;
	ev->unmatched = false;
	return true;
}

const struct trace_matcher_stats *trace_matcher_stats(const struct trace_matcher *m)
{
	struct trace_matcher *mm = (struct trace_matcher *)m;

	mm->st.memory = sizeof(*m) + m->capfmts * sizeof(*m->fmts) +
			m->capnodes * sizeof(*m->nodes) + m->capedges * sizeof(*m->edges) +
			m->capconvs * sizeof(*m->convs) +
			m->caparena + m->capsorted * sizeof(*m->sorted) +
			m->caphash * sizeof(*m->hash);
	return &m->st;
}
