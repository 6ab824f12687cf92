/* SPDX-License-Identifier: MIT */
/*
 * scan: multi-pattern search and same-length overwrite (contract in
 * scan.h).  Text spellings: an Aho-Corasick automaton turned into a dense
 * DFA over byte classes, with "has output" folded into the high bit of each
 * transition so the inner loop is one load and one test per byte.  Raw
 * values: a 2^20-bit prefilter on the first four bytes, then one hash probe
 * per distinct pattern length.
 *
 * Most positions of a buffer start no pattern, so both passes first look
 * for the next position that can: where the CPU has AVX2, 32 positions at
 * a time by the first three bytes of every pattern (the "Teddy" filter of
 * Hyperscan: the patterns' 3-byte prefixes sorted into 8 buckets, and per
 * prefix position two 16-entry tables, low and high nibble, giving the
 * buckets a byte may belong to; a position is a candidate when some bucket
 * survives all three bytes).  It only ever says "maybe", so each candidate
 * still goes through the exact tests below, which alone decide; elsewhere
 * (and in the last few bytes of a buffer) the scalar filters do the same
 * job one position at a time.  Both give the same result bit for bit
 * (scan_set_simd(), tests/unit/test-redact.c, tests/fuzz/fuzz-redact.c).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SCAN_HAVE_AVX2 1
#endif

#include "core/buf.h"
#include "core/limits.h"
#include "redact/scan.h"

#define NONE UINT32_MAX
#define OUTBIT 0x80000000u
#define PREFILTER_BITS 20u
#define PENDING_CAP 1024u  /* > SCAN_EXACT_MAX * SCAN_EXACT_LENGTHS */
#define TEDDY_P 3u          /* prefix bytes the vector filter looks at */
#define TEDDY_W 32u         /* positions per vector step */

/* The vector prefilter's tables (see the top of the file): for prefix
 * byte j, lo[j][x] and hi[j][x] are the buckets holding a prefix whose
 * byte j has low (high) nibble x; each 16-entry table twice, once per
 * 128-bit lane. */
struct teddy {
	uint8_t lo[TEDDY_P][32];
	uint8_t hi[TEDDY_P][32];
};

struct pat {
	uint8_t *bytes;      /* case-folded for SCAN_NOCASE */
	uint8_t *repl;
	uint32_t len;
	uint32_t flags;
	uint32_t tag;
};

struct exact_set {
	uint32_t len;
	uint32_t *slots;     /* pattern index + 1, 0 empty; open addressing */
	uint32_t mask;
	uint32_t count;
};

struct scan {
	struct fw_ctx *ctx;
	struct pat *pats;
	size_t n_pats, cap_pats;
	uint64_t text_bytes;     /* sum of SCAN_NOCASE pattern lengths */
	bool built;

	/* text automaton */
	uint8_t cls[256];        /* input byte -> class (folding included) */
	uint32_t n_classes;
	uint32_t n_states;
	uint32_t *table;         /* [state * n_classes + class] = next * n_classes | OUTBIT */
	uint32_t *out;           /* state -> pattern ending here, NONE if none */
	uint32_t *dict;          /* state -> next shorter state with output, 0 if none */
	uint8_t fold[256];       /* ASCII case folding */
	uint64_t *pairs;         /* 2^16 bits: folded byte pairs that begin a pattern */

	/* raw values */
	struct exact_set sets[SCAN_EXACT_LENGTHS];
	unsigned n_sets;
	uint64_t *prefilter;     /* 2^PREFILTER_BITS bits */

	/* the vector prefilters, one per pass */
	struct teddy teddy_text, teddy_exact;
	bool simd;               /* use them (the CPU has AVX2, not turned off) */
};

static inline uint8_t fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c;
}
static inline bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}
static inline bool is_alnum(uint8_t c)
{
	return is_digit(c) || (fold(c) >= 'a' && fold(c) <= 'z');
}
static inline bool is_hex(uint8_t c)
{
	return is_digit(c) || (fold(c) >= 'a' && fold(c) <= 'f');
}
static inline bool is_upper(uint8_t c)
{
	return c >= 'A' && c <= 'Z';
}
static inline bool is_lower(uint8_t c)
{
	return c >= 'a' && c <= 'z';
}

static inline uint32_t load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline uint32_t prefilter_hash(uint32_t x)
{
	return (x * 0x9e3779b1u) >> (32 - PREFILTER_BITS);
}

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;

	while (n >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
		p += 8;
		n -= 8;
	}
	if (n) {
		uint64_t w = 0;

		memcpy(&w, p, n);
		h = (h ^ w) * 0x94d049bb133111ebull;
		h ^= h >> 29;
	}
	return h;
}

int scan_new(struct fw_ctx *ctx, struct scan **ret)
{
	struct scan *s = calloc(1, sizeof(*s));

	if (!s)
		return fw_error(ctx, -ENOMEM, "out of memory");
	s->ctx = ctx;
	*ret = s;
	return 0;
}

void scan_free(struct scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_pats; i++) {
		free(s->pats[i].bytes);
		free(s->pats[i].repl);
	}
	free(s->pats);
	free(s->table);
	free(s->out);
	free(s->dict);
	free(s->pairs);
	for (unsigned i = 0; i < s->n_sets; i++)
		free(s->sets[i].slots);
	free(s->prefilter);
	free(s);
}

size_t scan_pattern_count(const struct scan *s)
{
	return s->n_pats;
}

int scan_add(struct scan *s, const void *pattern, size_t len, const void *replacement,
	     unsigned flags, uint32_t tag)
{
	struct pat *p;

	if (s->built)
		return fw_error(s->ctx, -EINVAL, "scan: pattern added after the scanner was built");
	if (!len)
		return fw_error(s->ctx, -EINVAL, "scan: empty pattern");
	if (len > FW_LIMIT_REDACT_PATTERN)
		return fw_error(s->ctx, -EOVERFLOW,
				"scan: a %zu-byte pattern is longer than FW_LIMIT_REDACT_PATTERN (%u)", len,
				FW_LIMIT_REDACT_PATTERN);
	if (!(flags & SCAN_NOCASE) && (len < SCAN_EXACT_MIN || len > SCAN_EXACT_MAX))
		return fw_error(s->ctx, -EINVAL,
				"scan: an exact pattern must be %u to %u bytes, not %zu", SCAN_EXACT_MIN,
				SCAN_EXACT_MAX, len);
	if (s->n_pats >= FW_LIMIT_REDACT_PATTERNS)
		return fw_error(s->ctx, -EOVERFLOW,
				"scan: more than FW_LIMIT_REDACT_PATTERNS (%u) patterns",
				FW_LIMIT_REDACT_PATTERNS);
	if (fw_grow((void **)&s->pats, &s->cap_pats, s->n_pats + 1, sizeof(*s->pats),
		    FW_LIMIT_REDACT_PATTERNS) < 0)
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	p = &s->pats[s->n_pats];
	p->bytes = malloc(len);
	p->repl = malloc(len);
	if (!p->bytes || !p->repl) {
		free(p->bytes);
		free(p->repl);
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	}
	memcpy(p->bytes, pattern, len);
	memcpy(p->repl, replacement, len);
	if (flags & SCAN_NOCASE) {
		for (size_t i = 0; i < len; i++) {
			p->bytes[i] = fold(p->bytes[i]);
			p->repl[i] = fold(p->repl[i]);
		}
		s->text_bytes += len;
	}
	p->len = (uint32_t)len;
	p->flags = flags;
	p->tag = tag;
	s->n_pats++;
	return 0;
}

/* The same bytes added twice: one entry, and the looser boundary rule of
 * the two (a --mask word that is also a host name matches everywhere). */
static void merge_duplicate(struct pat *kept, const struct pat *dup)
{
	const unsigned bounds = SCAN_WORD | SCAN_HEXWORD | SCAN_DECWORD;

	kept->flags = (kept->flags & ~bounds) | (kept->flags & dup->flags & bounds);
}

static int build_text(struct scan *s)
{
	bool used[256] = { false };
	uint32_t *parent = NULL, *fail = NULL, *queue = NULL;
	uint64_t max_states, cells;
	uint32_t C, head = 0, tail = 0;
	int r = 0;

	for (size_t i = 0; i < s->n_pats; i++)
		if (s->pats[i].flags & SCAN_NOCASE)
			for (uint32_t k = 0; k < s->pats[i].len; k++)
				used[s->pats[i].bytes[k]] = true;
	/* Class 0: bytes that occur in no pattern. */
	{
		uint8_t folded_cls[256] = { 0 };

		C = 1;
		for (unsigned b = 0; b < 256; b++)
			if (used[b])
				folded_cls[b] = (uint8_t)C++;
		for (unsigned b = 0; b < 256; b++)
			s->cls[b] = folded_cls[fold((uint8_t)b)];
	}
	s->n_classes = C;
	/* The pair filter: at the root, a position whose two bytes begin no
	 * pattern cannot begin a match, and feeding its byte would lead back to
	 * where feeding the next one from the root leads, so it is skipped
	 * without touching the table. */
	s->pairs = calloc(65536 / 64, sizeof(uint64_t));
	if (!s->pairs)
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	for (unsigned b = 0; b < 256; b++)
		s->fold[b] = fold((uint8_t)b);
	for (size_t i = 0; i < s->n_pats; i++) {
		const struct pat *p = &s->pats[i];

		if (!(p->flags & SCAN_NOCASE))
			continue;
		if (p->len == 1) {
			for (unsigned b = 0; b < 256; b++) {
				unsigned k = (unsigned)p->bytes[0] << 8 | s->fold[b];

				s->pairs[k / 64] |= 1ull << (k % 64);
			}
		} else {
			unsigned k = (unsigned)p->bytes[0] << 8 | p->bytes[1];

			s->pairs[k / 64] |= 1ull << (k % 64);
		}
	}
	max_states = s->text_bytes + 1;
	cells = max_states * C;
	if (cells * sizeof(uint32_t) > FW_LIMIT_REDACT_TABLE || max_states >= OUTBIT / C)
		return fw_error(s->ctx, -EOVERFLOW,
				"scan: %llu bytes of text patterns over %u byte classes need more than "
				"FW_LIMIT_REDACT_TABLE (%u bytes)",
				(unsigned long long)s->text_bytes, C, FW_LIMIT_REDACT_TABLE);
	s->table = calloc((size_t)cells, sizeof(uint32_t));
	s->out = malloc((size_t)max_states * sizeof(uint32_t));
	s->dict = calloc((size_t)max_states, sizeof(uint32_t));
	parent = malloc((size_t)max_states * sizeof(uint32_t));
	fail = calloc((size_t)max_states, sizeof(uint32_t));
	queue = malloc((size_t)max_states * sizeof(uint32_t));
	if (!s->table || !s->out || !s->dict || !parent || !fail || !queue) {
		r = fw_error(s->ctx, -ENOMEM, "out of memory");
		goto out;
	}
	for (uint64_t i = 0; i < max_states; i++)
		s->out[i] = NONE;
	parent[0] = NONE;
	s->n_states = 1;

	/* The trie, written straight into the table (0 = no edge yet: no edge
	 * ever leads back to the root). */
	for (size_t i = 0; i < s->n_pats; i++) {
		struct pat *p = &s->pats[i];
		uint32_t st = 0;

		if (!(p->flags & SCAN_NOCASE))
			continue;
		for (uint32_t k = 0; k < p->len; k++) {
			uint32_t *cell = &s->table[(size_t)st * C + s->cls[p->bytes[k]]];

			if (!*cell) {
				parent[s->n_states] = st;
				*cell = s->n_states++;
			}
			st = *cell;
		}
		if (s->out[st] == NONE)
			s->out[st] = (uint32_t)i;
		else
			merge_duplicate(&s->pats[s->out[st]], p);
	}

	/* Breadth first: failure links, the missing transitions, and the
	 * chain of shorter patterns ending at the same byte. */
	for (uint32_t c = 0; c < C; c++) {
		uint32_t t = s->table[c];

		if (t) {
			fail[t] = 0;
			queue[tail++] = t;
		}
	}
	while (head < tail) {
		uint32_t st = queue[head++];

		for (uint32_t c = 0; c < C; c++) {
			uint32_t *cell = &s->table[(size_t)st * C + c];
			uint32_t t = *cell;

			if (t && parent[t] == st) {
				uint32_t f = s->table[(size_t)fail[st] * C + c];

				fail[t] = f;
				s->dict[t] = s->out[f] != NONE ? f : s->dict[f];
				queue[tail++] = t;
			} else {
				*cell = s->table[(size_t)fail[st] * C + c];
			}
		}
	}
	/* Pre-multiplied rows, "something ends here" in the top bit. */
	for (uint64_t i = 0; i < (uint64_t)s->n_states * C; i++) {
		uint32_t t = s->table[i];

		s->table[i] = t * C | (s->out[t] != NONE || s->dict[t] ? OUTBIT : 0);
	}
	{
		uint32_t *shrunk = realloc(s->table, (size_t)s->n_states * C * sizeof(uint32_t));

		if (shrunk)
			s->table = shrunk;
	}
out:
	free(parent);
	free(fail);
	free(queue);
	return r;
}

static int build_exact(struct scan *s)
{
	for (size_t i = 0; i < s->n_pats; i++) {
		struct pat *p = &s->pats[i];
		struct exact_set *set = NULL;

		if (p->flags & SCAN_NOCASE)
			continue;
		for (unsigned k = 0; k < s->n_sets; k++)
			if (s->sets[k].len == p->len)
				set = &s->sets[k];
		if (!set) {
			if (s->n_sets == SCAN_EXACT_LENGTHS)
				return fw_error(s->ctx, -EOVERFLOW,
						"scan: exact patterns of more than %u different lengths",
						SCAN_EXACT_LENGTHS);
			set = &s->sets[s->n_sets++];
			set->len = p->len;
		}
		set->count++;
	}
	/* Shortest first, so a scan can stop at the first length past the end. */
	for (unsigned a = 1; a < s->n_sets; a++)
		for (unsigned b = a; b > 0 && s->sets[b - 1].len > s->sets[b].len; b--) {
			struct exact_set t = s->sets[b];

			s->sets[b] = s->sets[b - 1];
			s->sets[b - 1] = t;
		}
	if (!s->n_sets)
		return 0;
	s->prefilter = calloc((1u << PREFILTER_BITS) / 64, sizeof(uint64_t));
	if (!s->prefilter)
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	for (unsigned k = 0; k < s->n_sets; k++) {
		struct exact_set *set = &s->sets[k];
		uint32_t size = 16;

		while (size < set->count * 2)
			size *= 2;
		set->slots = calloc(size, sizeof(uint32_t));
		if (!set->slots)
			return fw_error(s->ctx, -ENOMEM, "out of memory");
		set->mask = size - 1;
		set->count = 0;
	}
	for (size_t i = 0; i < s->n_pats; i++) {
		struct pat *p = &s->pats[i];
		struct exact_set *set = NULL;
		uint32_t h;

		if (p->flags & SCAN_NOCASE)
			continue;
		for (unsigned k = 0; k < s->n_sets; k++)
			if (s->sets[k].len == p->len)
				set = &s->sets[k];
		if (!set)
			continue; /* cannot happen: every length got a set above */
		for (h = (uint32_t)hash_bytes(p->bytes, p->len) & set->mask; set->slots[h];
		     h = (h + 1) & set->mask) {
			struct pat *q = &s->pats[set->slots[h] - 1];

			if (!memcmp(q->bytes, p->bytes, p->len))
				break;
		}
		if (set->slots[h]) {
			merge_duplicate(&s->pats[set->slots[h] - 1], p);
			continue;
		}
		set->slots[h] = (uint32_t)i + 1;
		set->count++;
		{
			uint32_t bit = prefilter_hash(load32(p->bytes));

			s->prefilter[bit / 64] |= 1ull << (bit % 64);
		}
	}
	return 0;
}

/* ------------------------------------------------- the vector prefilter */

struct prefix {
	uint8_t b[TEDDY_P];
	uint8_t n;               /* bytes that count: fewer for a shorter pattern */
};

static int prefix_cmp(const void *a, const void *b)
{
	const struct prefix *x = a, *y = b;

	/* Bytes 1 and 2 first: prefixes that differ only in their first byte
	 * (raw little-endian GUIDs under one OUI, addresses of one subnet)
	 * land in one bucket, whose later bytes then stay selective. */
	static const unsigned order[TEDDY_P] = { 1, 2, 0 };

	for (unsigned k = 0; k < TEDDY_P; k++) {
		unsigned j = order[k];
		int dx = j < x->n ? x->b[j] : 256, dy = j < y->n ? y->b[j] : 256;

		if (dx != dy)
			return dx - dy;
	}
	return (int)x->n - (int)y->n;
}

static void teddy_add(struct teddy *t, const struct prefix *p, uint8_t bucket, bool nocase)
{
	for (unsigned j = 0; j < TEDDY_P; j++) {
		if (j >= p->n) {
			/* Past the end of a short pattern: any byte. */
			for (unsigned x = 0; x < 16; x++) {
				t->lo[j][x] |= bucket;
				t->hi[j][x] |= bucket;
			}
			continue;
		}
		t->lo[j][p->b[j] & 15] |= bucket;
		t->hi[j][p->b[j] >> 4] |= bucket;
		if (nocase && is_lower(p->b[j])) {
			uint8_t u = (uint8_t)(p->b[j] - 0x20);

			t->lo[j][u & 15] |= bucket;
			t->hi[j][u >> 4] |= bucket;
		}
	}
}

/* The tables of one pass from the prefixes of its patterns (text:
 * case-folded, matched in either case). */
static int build_teddy(struct scan *s, struct teddy *t, bool text)
{
	struct prefix *v = calloc(s->n_pats ? s->n_pats : 1, sizeof(*v));
	size_t n = 0, d = 0;

	if (!v)
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	for (size_t i = 0; i < s->n_pats; i++) {
		const struct pat *p = &s->pats[i];

		if (!(p->flags & SCAN_NOCASE) != !text)
			continue;
		v[n].n = (uint8_t)(p->len < TEDDY_P ? p->len : TEDDY_P);
		memcpy(v[n].b, p->bytes, v[n].n);
		n++;
	}
	qsort(v, n, sizeof(*v), prefix_cmp);
	for (size_t i = 0; i < n; i++)
		if (!d || prefix_cmp(&v[d - 1], &v[i]))
			v[d++] = v[i];
	memset(t, 0, sizeof(*t));
	/* Eight buckets of neighbours in that order. */
	for (size_t i = 0; i < d; i++)
		teddy_add(t, &v[i], (uint8_t)(1u << (i * 8 / d)), text);
	for (unsigned j = 0; j < TEDDY_P; j++) {
		memcpy(t->lo[j] + 16, t->lo[j], 16);
		memcpy(t->hi[j] + 16, t->hi[j], 16);
	}
	free(v);
	return 0;
}

static bool cpu_has_avx2(void)
{
#ifdef SCAN_HAVE_AVX2
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2");
#else
	return false;
#endif
}

void scan_set_simd(struct scan *s, bool on)
{
	s->simd = on && cpu_has_avx2();
}

bool scan_simd(const struct scan *s)
{
	return s->simd;
}

int scan_build(struct scan *s)
{
	int r;

	if (s->built)
		return 0;
	r = build_text(s);
	if (r >= 0)
		r = build_exact(s);
	if (r >= 0)
		r = build_teddy(s, &s->teddy_text, true);
	if (r >= 0)
		r = build_teddy(s, &s->teddy_exact, false);
	if (r >= 0) {
		s->simd = cpu_has_avx2();
		s->built = true;
	}
	return r;
}

/* ------------------------------------------------------------- matching */

struct run {
	const struct scan *s;
	uint8_t *buf;
	size_t len;
	size_t written_end;      /* end of the last replacement made behind the cursor */
	bool no_bounds;          /* SCAN_BINARY */
	scan_hit_fn fn;
	void *userdata;
	struct scan_result res;
};

/* The neighbour test.  A left neighbour inside an earlier replacement
 * counts as a boundary: it was part of another identifier. */
static bool bounds_ok(const struct run *rn, const struct pat *p, size_t start)
{
	const uint8_t *b = rn->buf;
	size_t end = start + p->len;
	bool has_l = start > 0 && start - 1 >= rn->written_end;
	bool has_r = end < rn->len;
	uint8_t l = has_l ? b[start - 1] : 0, r = has_r ? b[end] : 0;

	if (rn->no_bounds)
		return true;
	if (p->flags & SCAN_WORD) {
		if ((has_l && is_alnum(l)) || (has_r && is_alnum(r)))
			return false;
	}
	if (p->flags & SCAN_HEXWORD) {
		if ((has_l && is_hex(l)) || (has_r && is_hex(r)))
			return false;
	}
	if (p->flags & SCAN_DECWORD) {
		if (has_l && (is_digit(l) || (l == '.' && start >= 2 && is_digit(b[start - 2]))))
			return false;
		if (has_r && (is_digit(r) || (r == '.' && end + 1 < rn->len && is_digit(b[end + 1]))))
			return false;
	}
	return true;
}

static void replace(struct run *rn, const struct pat *p, size_t start)
{
	uint8_t *o = rn->buf + start;
	bool upper = false;

	if (p->flags & SCAN_NOCASE) {
		bool has_upper = false, has_lower = false;

		for (uint32_t k = 0; k < p->len; k++) {
			has_upper |= is_upper(o[k]);
			has_lower |= is_lower(o[k]);
		}
		upper = has_upper && !has_lower;
	}
	for (uint32_t k = 0; k < p->len; k++) {
		uint8_t v = p->repl[k];

		if (p->flags & SCAN_NOCASE) {
			bool up = is_upper(o[k]) || (!is_lower(o[k]) && upper);

			if (up && is_lower(v))
				v = (uint8_t)(v - 0x20);
		}
		if (o[k] != v) {
			o[k] = v;
			rn->res.bytes_changed++;
		}
	}
	rn->res.hits++;
	if (rn->fn)
		rn->fn(rn->userdata, p->tag, start, p->len);
}

static void text_hit(struct run *rn, uint32_t state, size_t i)
{
	const struct scan *s = rn->s;

	for (uint32_t st = state; st; st = s->dict[st]) {
		uint32_t pi = s->out[st];
		const struct pat *p;
		size_t start;

		if (pi == NONE)
			continue;
		p = &s->pats[pi];
		start = i + 1 - p->len;
		if (!bounds_ok(rn, p, start))
			continue;
		replace(rn, p, start);
		rn->written_end = i + 1;
		return;
	}
}

static inline bool pair_starts(const struct scan *s, const uint8_t *p)
{
	unsigned k = (unsigned)s->fold[p[0]] << 8 | s->fold[p[1]];

	return s->pairs[k / 64] & (1ull << (k % 64));
}

static inline bool prefilter_hit(const struct scan *s, const uint8_t *p)
{
	uint32_t bit = prefilter_hash(load32(p));

	return s->prefilter[bit / 64] & (1ull << (bit % 64));
}

#ifdef SCAN_HAVE_AVX2
/* The candidates among the 32 positions from p (reads p .. p + 33). */
#define TEDDY_BLOCK(p, mask)                                                                  \
	do {                                                                                  \
		__m256i acc_ = _mm256_set1_epi8(-1);                                          \
		for (unsigned j_ = 0; j_ < TEDDY_P; j_++) {                                   \
			__m256i v_ = _mm256_loadu_si256((const __m256i *)((p) + j_));          \
			__m256i l_ = _mm256_and_si256(v_, nib);                                \
			__m256i h_ = _mm256_and_si256(_mm256_srli_epi16(v_, 4), nib);          \
			acc_ = _mm256_and_si256(acc_, _mm256_and_si256(                         \
				_mm256_shuffle_epi8(lo[j_], l_), _mm256_shuffle_epi8(hi[j_], h_))); \
		}                                                                             \
		(mask) = ~(uint32_t)_mm256_movemask_epi8(                                     \
			_mm256_cmpeq_epi8(acc_, _mm256_setzero_si256()));                     \
	} while (0)

#define TEDDY_TABLES(t)                                                                 \
	const __m256i nib = _mm256_set1_epi8(0x0f);                                     \
	__m256i lo[TEDDY_P], hi[TEDDY_P];                                               \
	for (unsigned j_ = 0; j_ < TEDDY_P; j_++) {                                     \
		lo[j_] = _mm256_loadu_si256((const __m256i *)(t)->lo[j_]);               \
		hi[j_] = _mm256_loadu_si256((const __m256i *)(t)->hi[j_]);               \
	}

/* From i: the first position that starts a text pattern's folded pair
 * (as text_pass's scalar filter would stop at), or the first position
 * too near the end for a vector step. */
__attribute__((target("avx2"))) static size_t text_next_avx2(const struct scan *s,
							   const uint8_t *b, size_t i,
							   size_t len)
{
	TEDDY_TABLES(&s->teddy_text)
	for (; i + TEDDY_W + TEDDY_P - 1 <= len; i += TEDDY_W) {
		uint32_t m;

		TEDDY_BLOCK(b + i, m);
		for (; m; m &= m - 1) {
			size_t c = i + (size_t)__builtin_ctz(m);

			if (pair_starts(s, b + c))
				return c;
		}
	}
	return i;
}

/* The same for raw values: the first position whose four bytes pass the
 * hash prefilter. */
__attribute__((target("avx2"))) static size_t exact_next_avx2(const struct scan *s,
							    const uint8_t *b, size_t i,
							    size_t len)
{
	TEDDY_TABLES(&s->teddy_exact)
	/* The hash reads four bytes from the last position of a step. */
	for (; i + TEDDY_W + SCAN_EXACT_MIN - 1 <= len; i += TEDDY_W) {
		uint32_t m;

		TEDDY_BLOCK(b + i, m);
		for (; m; m &= m - 1) {
			size_t c = i + (size_t)__builtin_ctz(m);

			if (prefilter_hit(s, b + c))
				return c;
		}
	}
	return i;
}
#endif

static void text_pass(struct run *rn)
{
	const struct scan *s = rn->s;
	const uint32_t *tab = s->table;
	const uint8_t *cls = s->cls, *fd = s->fold, *b = rn->buf;
	const uint64_t *pairs = s->pairs;
	const uint32_t C = s->n_classes;
	const size_t len = rn->len;
	uint32_t st = 0;

	for (size_t i = 0; i < len; i++) {
		if (!st) {
#ifdef SCAN_HAVE_AVX2
			if (s->simd)
				i = text_next_avx2(s, b, i, len);
#endif
			while (i + 1 < len) {
				unsigned k = (unsigned)fd[b[i]] << 8 | fd[b[i + 1]];

				if (pairs[k / 64] & (1ull << (k % 64)))
					break;
				i++;
			}
		}
		st = tab[st + cls[b[i]]];
		if (__builtin_expect(st & OUTBIT, 0)) {
			st &= ~OUTBIT;
			text_hit(rn, st / C, i);
		}
	}
}

struct pending {
	size_t off;
	uint32_t pat;
};

static void exact_pass(struct run *rn)
{
	const struct scan *s = rn->s;
	const uint8_t *b = rn->buf;
	struct pending q[PENDING_CAP];
	unsigned qh = 0, qt = 0;

	if (rn->len < SCAN_EXACT_MIN)
		return;
	rn->written_end = 0;
	for (size_t i = 0; i + SCAN_EXACT_MIN <= rn->len; i++) {
#ifdef SCAN_HAVE_AVX2
		/* Jump to the next candidate; the bytes skipped start nothing,
		 * and what is pending is replaced below as the scalar loop
		 * would have on its way there. */
		if (s->simd)
			i = exact_next_avx2(s, b, i, rn->len);
		if (i + SCAN_EXACT_MIN > rn->len)
			break;
#endif
		/* Replace what no window from here on can read again. */
		while (qh != qt && q[qh % PENDING_CAP].off + s->pats[q[qh % PENDING_CAP].pat].len <= i) {
			replace(rn, &s->pats[q[qh % PENDING_CAP].pat], q[qh % PENDING_CAP].off);
			qh++;
		}
		if (__builtin_expect(!prefilter_hit(s, b + i), 1))
			continue;
		for (unsigned k = 0; k < s->n_sets; k++) {
			const struct exact_set *set = &s->sets[k];
			uint32_t h;

			if (set->len > rn->len - i)
				break;
			for (h = (uint32_t)hash_bytes(b + i, set->len) & set->mask; set->slots[h];
			     h = (h + 1) & set->mask) {
				uint32_t pi = set->slots[h] - 1;
				const struct pat *p = &s->pats[pi];

				if (memcmp(p->bytes, b + i, p->len))
					continue;
				if (bounds_ok(rn, p, i) && qt - qh < PENDING_CAP) {
					q[qt % PENDING_CAP].off = i;
					q[qt % PENDING_CAP].pat = pi;
					qt++;
				}
				break;
			}
		}
	}
	for (; qh != qt; qh++)
		replace(rn, &s->pats[q[qh % PENDING_CAP].pat], q[qh % PENDING_CAP].off);
}

void scan_apply(const struct scan *s, uint8_t *buf, size_t len, enum scan_mode mode,
		scan_hit_fn fn, void *userdata, struct scan_result *ret)
{
	struct run rn = { .s = s, .buf = buf, .len = len, .fn = fn, .userdata = userdata,
			  .no_bounds = mode == SCAN_BINARY };

	if (s->built && len) {
		if (s->n_states > 1)
			text_pass(&rn);
		if (s->n_sets)
			exact_pass(&rn);
	}
	if (ret)
		*ret = rn.res;
}
