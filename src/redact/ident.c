/* SPDX-License-Identifier: MIT */
/*
 * ident: the identifiers of one bundle.  Each is found once (by structure
 * in rules.c, or here in text), given its keyed pseudonym, and compiled
 * into every spelling the second net searches for:
 *
 *   MAC   aa:bb:cc:dd:ee:ff  aa-bb-cc-dd-ee-ff  aabb.ccdd.eeff  aabbccddeeff
 *         and the raw 6 bytes
 *   GUID  0011223344556677  0011:2233:4455:6677  11:2233:4455:6677 (groups
 *         without leading zeros, as inside IPv6 text)  00:11:..:77  00-11-..
 *         and the raw 8 bytes, big- and little-endian
 *   IPv4  10.1.2.3 and the 4 bytes in network order
 *   IPv6  compressed (RFC 5952), full, uncompressed without leading zeros,
 *         the spelling found, and the 16 bytes in network order
 *   text  serials, host/domain/user names, the node description, the kernel
 *         command line, --mask words and the --reason text, in any case
 *
 * Text spellings must stand alone (no letter or digit, hex digit or dotted
 * decimal digit right before or after), so "10.1.2.3" is not replaced in
 * "110.1.2.3"; --mask words and the reason match anywhere.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "redact/redact-internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define IDENT_HAVE_AVX2 1
#endif

static const char *const type_names[ID__COUNT] = {
	[ID_SERIAL] = "serial",       [ID_HOST] = "host",         [ID_DOMAIN] = "domain",
	[ID_USER] = "user",           [ID_NODE_DESC] = "node_desc", [ID_CMDLINE] = "cmdline",
	[ID_MASK] = "mask",           [ID_REASON] = "reason",     [ID_MAC] = "mac",
	[ID_GUID] = "guid",           [ID_IPV4] = "ipv4",         [ID_IPV6] = "ipv6",
};

const char *ident_type_name(enum ident_type t)
{
	return (unsigned)t < ID__COUNT ? type_names[t] : "?";
}

struct ident_set {
	struct fw_ctx *ctx;
	const struct redact_key *key;
	struct ident *v;
	size_t n, cap;
	uint32_t *slots;               /* index + 1, open addressing */
	size_t n_slots;
	bool simd;                     /* discovery's vector prefilter (AVX2) */
};

/* The pseudonym families: identifiers in one family with the same value
 * are one identifier (a host name given again with --mask is one). */
static unsigned family(enum ident_type t)
{
	switch (t) {
	case ID_MAC:
		return 1;
	case ID_GUID:
		return 2;
	case ID_IPV4:
		return 3;
	case ID_IPV6:
		return 4;
	case ID_CMDLINE:
		return 5;
	case ID_REASON:
		return 6;
	default:
		return 0;
	}
}

static bool is_raw(enum ident_type t)
{
	return t == ID_MAC || t == ID_GUID || t == ID_IPV4 || t == ID_IPV6;
}

static size_t raw_len(enum ident_type t)
{
	return t == ID_MAC ? 6 : t == ID_GUID ? 8 : t == ID_IPV4 ? 4 : 16;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
}

static uint64_t hash_key(unsigned fam, const void *data, size_t len, bool fold)
{
	const uint8_t *p = data;
	uint64_t h = 0xcbf29ce484222325ull ^ fam;

	for (size_t i = 0; i < len; i++) {
		h ^= fold ? (uint8_t)lower((char)p[i]) : p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static bool same_text(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

int ident_set_new(struct fw_ctx *ctx, const struct redact_key *key, struct ident_set **ret)
{
	struct ident_set *s = calloc(1, sizeof(*s));

	if (!s)
		return fw_error(ctx, -ENOMEM, "out of memory");
	s->ctx = ctx;
	s->key = key;
	ident_set_simd(s, true);
	s->n_slots = 2 * FW_LIMIT_REDACT_IDENTIFIERS;
	s->slots = calloc(s->n_slots, sizeof(*s->slots));
	if (!s->slots) {
		free(s);
		return fw_error(ctx, -ENOMEM, "out of memory");
	}
	*ret = s;
	return 0;
}

void ident_set_free(struct ident_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].text);
		free(s->v[i].pseudo_text);
		free(s->v[i].spelling);
	}
	free(s->v);
	free(s->slots);
	free(s);
}

size_t ident_count(const struct ident_set *s)
{
	return s->n;
}

struct ident *ident_at(struct ident_set *s, size_t i)
{
	return i < s->n ? &s->v[i] : NULL;
}

static void add_source(struct ident *id, const char *source)
{
	size_t have = strlen(id->sources), n = strlen(source);
	const char *p = id->sources;

	if (!source[0])
		return;
	while (*p) {
		size_t k = strcspn(p, ",");

		if (k == n && !strncmp(p, source, n))
			return;
		p += k;
		if (*p)
			p++;
	}
	if (have + n + 2 >= sizeof(id->sources)) {
		if (have + 4 < sizeof(id->sources) && strcmp(id->sources + have - 3, "...") != 0)
			strcat(id->sources, ",...");
		return;
	}
	if (have)
		strcat(id->sources, ",");
	strcat(id->sources, source);
}

/* Find an identifier, or the slot where it would go. */
static uint32_t *lookup(struct ident_set *s, enum ident_type type, const void *data, size_t len)
{
	unsigned fam = family(type);
	bool raw = is_raw(type);
	size_t h = (size_t)hash_key(fam, data, len, !raw) % s->n_slots;

	for (;; h = (h + 1) % s->n_slots) {
		struct ident *id;

		if (!s->slots[h])
			return &s->slots[h];
		id = &s->v[s->slots[h] - 1];
		if (family(id->type) != fam)
			continue;
		if (raw ? !memcmp(id->raw, data, len)
			: id->text_len == len && same_text(id->text, data, len))
			return &s->slots[h];
	}
}

static int grow(struct ident_set *s)
{
	if (s->n >= FW_LIMIT_REDACT_IDENTIFIERS)
		return fw_error(s->ctx, -EOVERFLOW,
				"more than FW_LIMIT_REDACT_IDENTIFIERS (%u) distinct identifiers in one "
				"bundle: cut it first (--only, --skip, --since/--until)",
				FW_LIMIT_REDACT_IDENTIFIERS);
	if (fw_grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v), FW_LIMIT_REDACT_IDENTIFIERS) < 0)
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	return 0;
}

int ident_add_raw(struct ident_set *s, enum ident_type type, const uint8_t *raw,
		  const char *source)
{
	size_t len = raw_len(type);
	uint32_t *slot = lookup(s, type, raw, len);
	struct ident *id;
	int r;

	if (*slot) {
		add_source(&s->v[*slot - 1], source);
		return (int)(*slot - 1);
	}
	r = grow(s);
	if (r < 0)
		return r;
	id = &s->v[s->n];
	memset(id, 0, sizeof(*id));
	id->type = type;
	id->raw_len = len;
	memcpy(id->raw, raw, len);
	switch (type) {
	case ID_MAC:
		redact_pseudo_mac(s->key, raw, id->pseudo_raw);
		break;
	case ID_GUID:
		redact_pseudo_guid(s->key, raw, id->pseudo_raw);
		break;
	case ID_IPV4:
		redact_pseudo_ipv4(s->key, raw, id->pseudo_raw);
		break;
	default:
		redact_pseudo_ipv6(s->key, raw, id->pseudo_raw);
		break;
	}
	id->searched = true;
	add_source(id, source);
	*slot = (uint32_t)++s->n;
	return (int)(s->n - 1);
}

int ident_add_text(struct ident_set *s, enum ident_type type, const char *text, size_t len,
		   const char *source)
{
	uint32_t *slot;
	struct ident *id;
	int r;

	/* Surrounding blanks are not part of a name. */
	while (len && (text[0] == ' ' || text[0] == '\t'))
		text++, len--;
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\n'))
		len--;
	if (!len)
		return -ENOENT;
	if (len > FW_LIMIT_REDACT_PATTERN)
		return fw_error(s->ctx, -EOVERFLOW,
				"a %s of %zu bytes is longer than FW_LIMIT_REDACT_PATTERN (%u)",
				ident_type_name(type), len, FW_LIMIT_REDACT_PATTERN);
	slot = lookup(s, type, text, len);
	if (*slot) {
		add_source(&s->v[*slot - 1], source);
		return (int)(*slot - 1);
	}
	r = grow(s);
	if (r < 0)
		return r;
	id = &s->v[s->n];
	memset(id, 0, sizeof(*id));
	id->type = type;
	id->text = strndup(text, len);
	id->pseudo_text = malloc(len + 1);
	if (!id->text || !id->pseudo_text) {
		free(id->text);
		free(id->pseudo_text);
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	}
	id->text_len = len;
	if (type == ID_REASON)
		memset(id->pseudo_text, '*', len);
	else if (type == ID_CMDLINE)
		redact_pseudo_cmdline(s->key, text, len, id->pseudo_text);
	else
		redact_pseudo_text(s->key, text, len, id->pseudo_text);
	id->pseudo_text[len] = '\0';
	id->searched = len >= IDENT_MIN_SEARCH;
	add_source(id, source);
	*slot = (uint32_t)++s->n;
	return (int)(s->n - 1);
}

int ident_add_host(struct ident_set *s, const char *name, size_t len, const char *source)
{
	const char *dot = memchr(name, '.', len);
	int r = ident_add_text(s, ID_HOST, name, len, source);

	if (r < 0 || !dot)
		return r == -ENOENT ? 0 : r;
	/* node7.example.com: "node7" alone too, and the domain if it has two
	 * labels or more ("lan" alone would hit ordinary words). */
	r = ident_add_text(s, ID_HOST, name, (size_t)(dot - name), source);
	if (r < 0 && r != -ENOENT)
		return r;
	if (memchr(dot + 1, '.', len - (size_t)(dot + 1 - name))) {
		r = ident_add_text(s, ID_DOMAIN, dot + 1, len - (size_t)(dot + 1 - name), source);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return 0;
}

const uint8_t *ident_pseudo_raw(struct ident_set *s, enum ident_type type, const uint8_t *raw)
{
	uint32_t *slot = lookup(s, type, raw, raw_len(type));

	return *slot ? s->v[*slot - 1].pseudo_raw : NULL;
}

const char *ident_pseudo_for(struct ident_set *s, enum ident_type type, const char *text,
			     size_t len)
{
	uint32_t *slot = lookup(s, type, text, len);

	return *slot ? s->v[*slot - 1].pseudo_text : NULL;
}

/* ------------------------------------------------------------- discovery */

/* Character classes by table: discovery looks at every byte of the text
 * artifacts, so one load per test. */
enum { C_DIGIT = 1, C_HEX = 2, C_ALNUM = 4, C_SPAN = 8 /* hex digit or : . - */ };
#define R10(f, x) f(x), f(x + 1), f(x + 2), f(x + 3), f(x + 4), f(x + 5), f(x + 6), f(x + 7), f(x + 8), f(x + 9)
#define CLS(c)                                                                         \
	(uint8_t)(((c) >= '0' && (c) <= '9' ? C_DIGIT | C_HEX | C_ALNUM | C_SPAN : 0) |  \
		  (((c) >= 'a' && (c) <= 'f') || ((c) >= 'A' && (c) <= 'F') ? C_HEX | C_SPAN : 0) | \
		  (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') ? C_ALNUM : 0) | \
		  ((c) == ':' || (c) == '.' || (c) == '-' ? C_SPAN : 0))
static const uint8_t ctype[256] = {
	R10(CLS, 0), R10(CLS, 10), R10(CLS, 20), R10(CLS, 30), R10(CLS, 40), R10(CLS, 50),
	R10(CLS, 60), R10(CLS, 70), R10(CLS, 80), R10(CLS, 90), R10(CLS, 100), R10(CLS, 110),
	R10(CLS, 120), R10(CLS, 130), R10(CLS, 140), R10(CLS, 150), R10(CLS, 160), R10(CLS, 170),
	R10(CLS, 180), R10(CLS, 190), R10(CLS, 200), R10(CLS, 210), R10(CLS, 220), R10(CLS, 230),
	R10(CLS, 240), CLS(250), CLS(251), CLS(252), CLS(253), CLS(254), CLS(255),
};
#undef CLS
#undef R10

static bool is_digit(uint8_t c)
{
	return ctype[c] & C_DIGIT;
}
static bool is_hex(uint8_t c)
{
	return ctype[c] & C_HEX;
}
static bool is_alnum(uint8_t c)
{
	return ctype[c] & C_ALNUM;
}
static unsigned hexv(uint8_t c)
{
	return is_digit(c) ? (unsigned)(c - '0') : (unsigned)(lower((char)c) - 'a' + 10);
}

/* What redact_pseudo_guid() changes: the last five bytes.  A GUID with
 * none of them set hides nothing (and has no pseudonym).  Tested without
 * the PRF: discovery meets the same GUID thousands of times. */
static bool guid_has_id(const uint8_t g[8])
{
	return g[3] | g[4] | g[5] | g[6] | g[7];
}

/* Pairs of hex digits joined by one separator (':' or '-'): 6 pairs are a
 * MAC, 8 a GUID, 16 an InfiniBand GID and 20 an IPoIB hardware address
 * (both end with the port GUID).  Returns the bytes consumed, 0 if none. */
static size_t try_pairs(struct ident_set *s, const uint8_t *b, size_t n, const char *source,
			int *err)
{
	uint8_t v[20];
	size_t i = 0, k = 0;
	uint8_t sep = 0;

	while (k < 20 && i + 2 <= n && is_hex(b[i]) && is_hex(b[i + 1])) {
		v[k++] = (uint8_t)(hexv(b[i]) << 4 | hexv(b[i + 1]));
		i += 2;
		if (i < n && (b[i] == ':' || b[i] == '-') && (!sep || b[i] == sep) && i + 2 < n &&
		    is_hex(b[i + 1]) && is_hex(b[i + 2])) {
			sep = b[i];
			i++;
			continue;
		}
		break;
	}
	if (!sep || (i < n && is_hex(b[i])))
		return 0;
	/* A longer run of pairs is something else. */
	if (i + 1 < n && b[i] == sep && is_hex(b[i + 1]))
		return 0;
	if (k == 6) {
		static const uint8_t zero[6], bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

		/* Group addresses (multicast bit) and all-zero name no card. */
		if (!memcmp(v, zero, 6) || !memcmp(v, bcast, 6) || (v[0] & 1))
			return i;
		*err = ident_add_raw(s, ID_MAC, v, source);
	} else if (k == 8 || k == 16 || k == 20) {
		const uint8_t *g = v + k - 8;

		if (guid_has_id(g))
			*err = ident_add_raw(s, ID_GUID, g, source);
	} else {
		return 0;
	}
	return i;
}

/* "aabb.ccdd.eeff" (Cisco style). */
static size_t try_cisco(struct ident_set *s, const uint8_t *b, size_t n, const char *source,
			int *err)
{
	uint8_t v[6];

	if (n < 14)
		return 0;
	for (unsigned g = 0; g < 3; g++) {
		const uint8_t *p = b + g * 5;

		for (unsigned d = 0; d < 4; d++)
			if (!is_hex(p[d]))
				return 0;
		if (g < 2 && p[4] != '.')
			return 0;
		v[2 * g] = (uint8_t)(hexv(p[0]) << 4 | hexv(p[1]));
		v[2 * g + 1] = (uint8_t)(hexv(p[2]) << 4 | hexv(p[3]));
	}
	if (n > 14 && (is_hex(b[14]) || (b[14] == '.' && n > 15 && is_hex(b[15]))))
		return 0;
	if (!(v[0] & 1))
		*err = ident_add_raw(s, ID_MAC, v, source);
	return 14;
}

static size_t try_ipv4(struct ident_set *s, const uint8_t *b, size_t n, const char *source,
		       int *err)
{
	uint8_t v[4];
	size_t i = 0;

	for (unsigned o = 0; o < 4; o++) {
		unsigned val = 0, d = 0;

		if (o) {
			if (i >= n || b[i] != '.')
				return 0;
			i++;
		}
		while (i < n && is_digit(b[i]) && d < 4) {
			val = val * 10 + (b[i] - '0');
			i++;
			d++;
		}
		/* No leading zeros ("010" is not how addresses are printed). */
		if (!d || d > 3 || val > 255 || (d > 1 && b[i - d] == '0'))
			return 0;
		v[o] = (uint8_t)val;
	}
	if (i < n && (is_digit(b[i]) || (b[i] == '.' && i + 1 < n && is_digit(b[i + 1]))))
		return 0;
	/* Not identifying: unspecified, this-network, loopback, multicast and
	 * reserved, broadcast. */
	if (v[0] == 0 || v[0] == 127 || v[0] >= 224)
		return i;
	*err = ident_add_raw(s, ID_IPV4, v, source);
	return i;
}

static bool is_v6_char(uint8_t c)
{
	return is_hex(c) || c == ':' || c == '.';
}

static size_t try_ipv6(struct ident_set *s, const uint8_t *b, size_t n, const char *source,
		       int *err)
{
	char buf[64];
	uint8_t v[16];
	size_t i = 0, colons = 0;
	struct ident *id;

	while (i < n && i < sizeof(buf) - 1 && is_v6_char(b[i])) {
		colons += b[i] == ':';
		i++;
	}
	if (i >= sizeof(buf) - 1 || colons < 2)
		return 0;
	/* Punctuation after the address ("fe80::1." or "...::1:"). */
	while (i && (b[i - 1] == '.' || (b[i - 1] == ':' && !(i >= 2 && b[i - 2] == ':'))))
		i--;
	memcpy(buf, b, i);
	buf[i] = '\0';
	/* A dot is only the dotted quad at the end: "0000:08:00.0" (a PCI
	 * address, on every mlx5 line) is refused without inet_pton(). */
	{
		const char *last = memrchr(buf, ':', i);
		size_t dots = 0;

		for (const char *q = buf; q < buf + i; q++)
			dots += *q == '.';
		if (dots && (dots != 3 || !last || memchr(buf, '.', (size_t)(last - buf))))
			return 0;
	}
	if (inet_pton(AF_INET6, buf, v) != 1)
		return 0;
	/* An IPv4 address written as IPv6 (::ffff:a.b.c.d) is the IPv4 one. */
	if (strchr(buf, '.')) {
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

		if (!memcmp(v, mapped, 12) && v[12] && v[12] != 127 && v[12] < 224)
			*err = ident_add_raw(s, ID_IPV4, v + 12, source);
		return i;
	}
	/* Nothing to hide below the first 16 bits (::, ::1, fe80::, ff02::). */
	{
		static const uint8_t zero[14];

		if (!memcmp(v + 2, zero, 14) || (v[0] == 0 && v[1] == 0))
			return i;
	}
	*err = ident_add_raw(s, ID_IPV6, v, source);
	if (*err < 0)
		return i;
	id = &s->v[*err];
	if (!id->spelling) {
		char canon[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, v, canon, sizeof(canon));
		if (strcmp(canon, buf) != 0)
			id->spelling = strdup(buf);
	}
	return i;
}

/* "0011:2233:4455:6677": the form sysfs uses for node_guid. */
static size_t try_guid_groups(struct ident_set *s, const uint8_t *b, size_t n,
			      const char *source, int *err)
{
	uint8_t v[8];

	if (n < 19)
		return 0;
	for (unsigned g = 0; g < 4; g++) {
		const uint8_t *p = b + g * 5;

		for (unsigned d = 0; d < 4; d++)
			if (!is_hex(p[d]))
				return 0;
		if (g < 3 && p[4] != ':')
			return 0;
		v[2 * g] = (uint8_t)(hexv(p[0]) << 4 | hexv(p[1]));
		v[2 * g + 1] = (uint8_t)(hexv(p[2]) << 4 | hexv(p[3]));
	}
	if (n > 19 && (is_hex(b[19]) || b[19] == ':'))
		return 0;
	if (guid_has_id(v))
		*err = ident_add_raw(s, ID_GUID, v, source);
	return 19;
}

/* 16 hex digits (after an optional 0x) are a GUID when "guid" is said
 * shortly before on the same line: a bare 64-bit number is too often a
 * pointer or a counter to be taken for one. */
static size_t try_guid_hex(struct ident_set *s, const uint8_t *b, size_t n, size_t before,
			   const char *source, int *err)
{
	const uint8_t *start = b;
	uint8_t v[8];
	size_t i = 0, look;
	bool said = false;

	if (n >= 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X'))
		i = 2;
	if (n < i + 16)
		return 0;
	for (unsigned d = 0; d < 16; d++)
		if (!is_hex(b[i + d]))
			return 0;
	if (n > i + 16 && is_hex(b[i + 16]))
		return 0;
	/* "node_guid 0x...", "GUID: 0x...", "port_guid=...": right before. */
	look = before < 12 ? before : 12;
	for (size_t k = 4; k <= look; k++) {
		const uint8_t *p = start - k;

		if (p[0] == '\n')
			break;
		if (lower((char)p[0]) == 'g' && lower((char)p[1]) == 'u' && lower((char)p[2]) == 'i' &&
		    lower((char)p[3]) == 'd') {
			said = true;
			break;
		}
	}
	if (!said)
		return 0;
	for (unsigned d = 0; d < 8; d++)
		v[d] = (uint8_t)(hexv(b[i + 2 * d]) << 4 | hexv(b[i + 2 * d + 1]));
	if (guid_has_id(v))
		*err = ident_add_raw(s, ID_GUID, v, source);
	return i + 16;
}

/* "/home/NAME" and "uid=N(NAME)": user names. */
static size_t try_user(struct ident_set *s, const uint8_t *b, size_t n, const char *source,
		       int *err)
{
	size_t i, start;

	if (n >= 6 && !memcmp(b, "/home/", 6)) {
		start = i = 6;
	} else if (n >= 5 && !memcmp(b, "uid=", 4) && is_digit(b[4])) {
		for (i = 4; i < n && is_digit(b[i]); i++)
			;
		if (i >= n || b[i] != '(')
			return 0;
		start = ++i;
	} else {
		return 0;
	}
	while (i < n && i - start < 64 &&
	       (is_alnum(b[i]) || b[i] == '.' || b[i] == '_' || b[i] == '-'))
		i++;
	if (i - start >= 2) {
		*err = ident_add_text(s, ID_USER, (const char *)b + start, i - start, source);
		if (*err == -ENOENT)
			*err = 0;
	}
	return i;
}

static bool word_at(const uint8_t *b, size_t n, const char *w)
{
	size_t k = strlen(w);

	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (lower((char)b[i]) != w[i])
			return false;
	return n == k || !is_alnum(b[k]);
}

/* Values a line names by a keyword: "serial number X", "serial=X",
 * "node description 'X'", "node_desc=X", "hostname X".  A serial must hold
 * a digit ("serial port" is no serial). */
static size_t try_keyword(struct ident_set *s, const uint8_t *b, size_t n, const char *source,
			  int *err)
{
	static const struct {
		const char *word;
		enum ident_type type;
	} kw[] = {
		{ "serial number", ID_SERIAL }, { "serial_number", ID_SERIAL }, { "serial", ID_SERIAL },
		{ "node description", ID_NODE_DESC }, { "node_description", ID_NODE_DESC },
		{ "node_desc", ID_NODE_DESC }, { "hostname", ID_HOST }, { "host name", ID_HOST },
		{ "nodename", ID_HOST },
	};
	size_t i = 0, start, k;
	enum ident_type type = ID_SERIAL;
	bool digit = false;
	uint8_t quote = 0;

	for (k = 0; k < sizeof(kw) / sizeof(kw[0]); k++)
		if (word_at(b, n, kw[k].word))
			break;
	if (k == sizeof(kw) / sizeof(kw[0]))
		return 0;
	type = kw[k].type;
	i = strlen(kw[k].word);
	while (i < n && i < 48 && (b[i] == ' ' || b[i] == '\t' || b[i] == ':' || b[i] == '=' ||
				   b[i] == '#'))
		i++;
	if (i < n && (b[i] == '\'' || b[i] == '"'))
		quote = b[i++];
	start = i;
	if (type == ID_NODE_DESC) {
		/* To the closing quote, or to the end of the item. */
		while (i < n && i - start < 64 && b[i] != '\n' && b[i] != '\r' &&
		       (quote ? b[i] != quote : b[i] != ',' && b[i] != ';'))
			i++;
	} else {
		while (i < n && i - start < 253 &&
		       (is_alnum(b[i]) || b[i] == '-' || b[i] == '.' || b[i] == '_')) {
			digit |= is_digit(b[i]);
			i++;
		}
		while (i > start && b[i - 1] == '.')
			i--;
		if (type == ID_SERIAL && (!digit || i - start < 4 || i - start > 32))
			return 0;
	}
	if (i - start < 2)
		return 0;
	if (type == ID_HOST)
		*err = ident_add_host(s, (const char *)b + start, i - start, source);
	else
		*err = ident_add_text(s, type, (const char *)b + start, i - start, source);
	if (*err == -ENOENT)
		*err = 0;
	return i;
}

void ident_set_simd(struct ident_set *s, bool on)
{
#ifdef IDENT_HAVE_AVX2
	__builtin_cpu_init();
	s->simd = on && __builtin_cpu_supports("avx2");
#else
	(void)on;
	s->simd = false;
#endif
}

bool ident_simd(const struct ident_set *s)
{
	return s->simd;
}

#ifdef IDENT_HAVE_AVX2
/*
 * Discovery's vector prefilter.  The loop below does something only at a
 * token start (a byte after one that is neither a letter, a digit nor a
 * '.') that begins one of the shapes it tries: "/h" or "ui" (a user), a
 * letter pair of a keyword ("se", "no", "ho", either case), "0x", or a hex
 * digit followed by six more of [0-9A-Fa-f:.-].  Every other position is
 * passed over by the loop without a try, so jumping to the next position
 * that passes this test finds the same identifiers.  32 positions per
 * step, from byte classes of 64 bytes turned into bit masks (bit j: byte
 * i + j).  Returns the first candidate, or where the vector steps stop
 * (fewer than 64 bytes left); the loop goes on from there byte by byte.
 */
#define V_RANGE(x, lo, hi)                                                              \
	_mm256_and_si256(_mm256_cmpeq_epi8(_mm256_max_epu8((x), _mm256_set1_epi8((char)(lo))), (x)), \
			 _mm256_cmpeq_epi8(_mm256_min_epu8((x), _mm256_set1_epi8((char)(hi))), (x)))
#define V_EQ(x, c) _mm256_cmpeq_epi8((x), _mm256_set1_epi8((char)(c)))

struct vcls {
	uint64_t span, hex, alnumdot, slash, h, u, i, zero, x, s, e, no_h, o;
};

static inline __attribute__((target("avx2"), always_inline)) void
classes32(const uint8_t *p, struct vcls *c, unsigned shift)
{
	__m256i v = _mm256_loadu_si256((const __m256i *)p);
	__m256i w = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
	__m256i digit = V_RANGE(v, '0', '9');
	__m256i hex = _mm256_or_si256(digit, V_RANGE(w, 'a', 'f'));
	__m256i alpha = V_RANGE(w, 'a', 'z');
	__m256i span = _mm256_or_si256(hex, _mm256_or_si256(V_EQ(v, ':'),
							    _mm256_or_si256(V_EQ(v, '.'), V_EQ(v, '-'))));
	__m256i ad = _mm256_or_si256(_mm256_or_si256(digit, alpha), V_EQ(v, '.'));
#define MASK(m) ((uint64_t)(uint32_t)_mm256_movemask_epi8(m) << shift)
	c->span |= MASK(span);
	c->hex |= MASK(hex);
	c->alnumdot |= MASK(ad);
	c->slash |= MASK(V_EQ(v, '/'));
	c->h |= MASK(V_EQ(v, 'h'));
	c->u |= MASK(V_EQ(v, 'u'));
	c->i |= MASK(V_EQ(v, 'i'));
	c->zero |= MASK(V_EQ(v, '0'));
	c->x |= MASK(V_EQ(w, 'x'));
	c->s |= MASK(V_EQ(w, 's'));
	c->e |= MASK(V_EQ(w, 'e'));
	c->no_h |= MASK(_mm256_or_si256(V_EQ(w, 'n'), V_EQ(w, 'h')));
	c->o |= MASK(V_EQ(w, 'o'));
#undef MASK
}

/* The candidates of the last step, kept: the loop asks again from the
 * position after each one, and the bytes do not change. */
struct vnext {
	size_t start;                  /* the step's first position */
	uint32_t cand;                 /* bit j: position start + j */
	bool valid;
};

__attribute__((target("avx2"))) static size_t discover_next_avx2(struct vnext *st,
								 const uint8_t *b, size_t i,
								 size_t n)
{
	for (;;) {
		struct vcls c = { 0 };
		uint64_t prev, run, cand;

		if (st->valid && i >= st->start && i - st->start < 32) {
			uint32_t m = st->cand & (0xffffffffu << (i - st->start));

			if (m)
				return st->start + (size_t)__builtin_ctz(m);
			i = st->start + 32;
		}
		if (n - i < 64)
			return i;
		classes32(b + i, &c, 0);
		classes32(b + i + 32, &c, 32);
		/* Bit j of prev: byte i + j - 1 is a letter, digit or '.'. */
		prev = c.alnumdot << 1 | (i && (ctype[b[i - 1]] & C_ALNUM || b[i - 1] == '.'));
		run = c.hex & c.span & c.span >> 1 & c.span >> 2 & c.span >> 3 & c.span >> 4 &
		      c.span >> 5 & c.span >> 6;
		cand = ~prev & (run | (c.zero & c.x >> 1) | (c.slash & c.h >> 1) | (c.u & c.i >> 1) |
				(c.s & c.e >> 1) | (c.no_h & c.o >> 1));
		st->start = i;
		st->cand = (uint32_t)cand;
		st->valid = true;
	}
}
#undef V_RANGE
#undef V_EQ
#endif

int ident_discover_text(struct ident_set *s, const uint8_t *b, size_t n, const char *source)
{
	size_t i = 0;
#ifdef IDENT_HAVE_AVX2
	struct vnext vn = { 0 };
#endif

	while (i < n) {
		uint8_t c, p;
		bool token_start;
		size_t used = 0, span = 0;
		int err = 0;

#ifdef IDENT_HAVE_AVX2
		if (s->simd) {
			i = discover_next_avx2(&vn, b, i, n);
			if (i >= n)
				break;
		}
#endif
		c = b[i];
		p = i ? b[i - 1] : ' ';
		token_start = !is_alnum(p) && p != '.';

		if (token_start && (c == '/' || c == 'u')) {
			used = try_user(s, b + i, n - i, source, &err);
		} else if (token_start && ((c | 0x20) == 's' || (c | 0x20) == 'n' || (c | 0x20) == 'h')) {
			used = try_keyword(s, b + i, n - i, source, &err);
		} else if (token_start && c == '0' && i + 1 < n && (b[i + 1] | 0x20) == 'x') {
			used = try_guid_hex(s, b + i, n - i, i, source, &err);
		} else if (token_start && is_hex(c)) {
			/* Nothing looked for is shorter than "fe80::1" or "1.2.3.4",
			 * or made of other bytes: most tokens end here. */
			while (i + span < n && span < 7 && (ctype[b[i + span]] & C_SPAN))
				span++;
		}
		if (span == 7) {
			/* After "<hex>:" this is the middle of a longer address: only
			 * a dotted quad can start there (::ffff:10.1.2.3). */
			bool inside = p == ':' && i >= 2 && is_hex(b[i - 2]);

			if (!inside) {
				/* Each shape, longest first. */
				used = try_pairs(s, b + i, n - i, source, &err);
				if (!used && !err)
					used = try_guid_groups(s, b + i, n - i, source, &err);
				if (!used && !err)
					used = try_ipv6(s, b + i, n - i, source, &err);
				if (!used && !err)
					used = try_cisco(s, b + i, n - i, source, &err);
				if (!used && !err)
					used = try_guid_hex(s, b + i, n - i, i, source, &err);
			}
			if (!used && !err && is_digit(c))
				used = try_ipv4(s, b + i, n - i, source, &err);
		}
		if (err < 0)
			return err;
		if (used) {
			i += used;
			continue;
		}
		/* Skip the rest of a token that did not start an identifier. */
		if (is_alnum(c))
			while (i + 1 < n && is_alnum(b[i + 1]))
				i++;
		i++;
	}
	return 0;
}

/* --------------------------------------------------------------- compile */

static int add_pair(struct scan *scan, const char *a, const char *b, unsigned flags, uint32_t tag)
{
	size_t n = strlen(a);

	if (n != strlen(b) || !strcmp(a, b))
		return 0; /* cannot happen by construction; never a length change */
	return scan_add(scan, a, n, b, flags, tag);
}

static void fmt_mac(const uint8_t m[6], unsigned style, char *out, size_t len)
{
	switch (style) {
	case 0:
		snprintf(out, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
		break;
	case 1:
		snprintf(out, len, "%02x-%02x-%02x-%02x-%02x-%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
		break;
	case 2:
		snprintf(out, len, "%02x%02x.%02x%02x.%02x%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
		break;
	default:
		snprintf(out, len, "%02x%02x%02x%02x%02x%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
		break;
	}
}

static void fmt_guid(const uint8_t g[8], unsigned style, char *out, size_t len)
{
	unsigned w[4];

	for (unsigned i = 0; i < 4; i++)
		w[i] = (unsigned)g[2 * i] << 8 | g[2 * i + 1];
	switch (style) {
	case 0:
		snprintf(out, len, "%02x%02x%02x%02x%02x%02x%02x%02x", g[0], g[1], g[2], g[3], g[4],
			 g[5], g[6], g[7]);
		break;
	case 1:
		snprintf(out, len, "%04x:%04x:%04x:%04x", w[0], w[1], w[2], w[3]);
		break;
	case 2:
		snprintf(out, len, "%x:%x:%x:%x", w[0], w[1], w[2], w[3]);
		break;
	case 3:
	case 4: {
		char sep = style == 3 ? ':' : '-';

		snprintf(out, len, "%02x%c%02x%c%02x%c%02x%c%02x%c%02x%c%02x%c%02x", g[0], sep, g[1],
			 sep, g[2], sep, g[3], sep, g[4], sep, g[5], sep, g[6], sep, g[7]);
		break;
	}
	}
}

static void fmt_ipv6(const uint8_t a[16], unsigned style, char *out, size_t len)
{
	unsigned w[8];

	for (unsigned i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	if (style == 0) {
		inet_ntop(AF_INET6, a, out, (socklen_t)len);
	} else if (style == 1) {
		snprintf(out, len, "%04x:%04x:%04x:%04x:%04x:%04x:%04x:%04x", w[0], w[1], w[2], w[3],
			 w[4], w[5], w[6], w[7]);
	} else {
		snprintf(out, len, "%x:%x:%x:%x:%x:%x:%x:%x", w[0], w[1], w[2], w[3], w[4], w[5], w[6],
			 w[7]);
	}
}

/* The pseudonym written in the shape of a spelling found in text: each
 * hex digit of group g becomes the same digit of the pseudonym's group g
 * (zero digits stay zero, so the shape holds). */
static bool render_ipv6_shape(const char *spelling, const uint8_t p[16], char *out, size_t len)
{
	size_t n = strlen(spelling), groups_before = 0, groups_after = 0;
	const char *dbl = strstr(spelling, "::");
	unsigned g;

	if (n >= len)
		return false;
	for (const char *q = spelling; *q; q++)
		if (is_hex((uint8_t)*q) && (q == spelling || q[-1] == ':'))
			*(dbl && q > dbl ? &groups_after : &groups_before) += 1;
	g = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;

		if (spelling[i] == ':') {
			out[i] = ':';
			if (dbl && spelling + i == dbl)
				g = (unsigned)(8 - groups_after);
			i++;
			continue;
		}
		while (j < n && is_hex((uint8_t)spelling[j]))
			j++;
		if (g > 7 || j - i > 4)
			return false;
		for (size_t d = 0; d < j - i; d++) {
			unsigned shift = (unsigned)(4 * (j - i - 1 - d));
			unsigned word = (unsigned)p[2 * g] << 8 | p[2 * g + 1];
			unsigned v = (word >> shift) & 0xf;

			out[i + d] = "0123456789abcdef"[v];
		}
		g++;
		i = j;
	}
	out[n] = '\0';
	redact_case_like(out, spelling, n);
	return true;
}

static int compile_one(struct ident *id, struct scan *scan, uint32_t tag)
{
	const unsigned hexf = SCAN_NOCASE | SCAN_HEXWORD;
	char a[128], b[128];
	int r = 0;

	switch (id->type) {
	case ID_MAC:
		for (unsigned st = 0; r >= 0 && st < 4; st++) {
			fmt_mac(id->raw, st, a, sizeof(a));
			fmt_mac(id->pseudo_raw, st, b, sizeof(b));
			r = add_pair(scan, a, b, hexf, tag);
		}
		if (r >= 0)
			r = scan_add(scan, id->raw, 6, id->pseudo_raw, 0, tag);
		break;
	case ID_GUID: {
		uint8_t le[8], ple[8];

		for (unsigned st = 0; r >= 0 && st < 5; st++) {
			fmt_guid(id->raw, st, a, sizeof(a));
			fmt_guid(id->pseudo_raw, st, b, sizeof(b));
			r = add_pair(scan, a, b, hexf, tag);
		}
		for (unsigned i = 0; i < 8; i++) {
			le[i] = id->raw[7 - i];
			ple[i] = id->pseudo_raw[7 - i];
		}
		if (r >= 0)
			r = scan_add(scan, id->raw, 8, id->pseudo_raw, 0, tag);
		if (r >= 0 && memcmp(le, id->raw, 8))
			r = scan_add(scan, le, 8, ple, 0, tag);
		break;
	}
	case ID_IPV4:
		snprintf(a, sizeof(a), "%u.%u.%u.%u", id->raw[0], id->raw[1], id->raw[2], id->raw[3]);
		snprintf(b, sizeof(b), "%u.%u.%u.%u", id->pseudo_raw[0], id->pseudo_raw[1],
			 id->pseudo_raw[2], id->pseudo_raw[3]);
		r = add_pair(scan, a, b, SCAN_NOCASE | SCAN_DECWORD, tag);
		if (r >= 0)
			r = scan_add(scan, id->raw, 4, id->pseudo_raw, 0, tag);
		break;
	case ID_IPV6:
		for (unsigned st = 0; r >= 0 && st < 3; st++) {
			fmt_ipv6(id->raw, st, a, sizeof(a));
			fmt_ipv6(id->pseudo_raw, st, b, sizeof(b));
			r = add_pair(scan, a, b, hexf, tag);
		}
		if (r >= 0 && id->spelling && render_ipv6_shape(id->spelling, id->pseudo_raw, b, sizeof(b)))
			r = add_pair(scan, id->spelling, b, hexf, tag);
		if (r >= 0)
			r = scan_add(scan, id->raw, 16, id->pseudo_raw, 0, tag);
		break;
	default:
		if (!id->searched || !memcmp(id->text, id->pseudo_text, id->text_len))
			break;
		r = scan_add(scan, id->text, id->text_len, id->pseudo_text,
			     SCAN_NOCASE | (id->type == ID_MASK || id->type == ID_REASON ||
							    id->type == ID_CMDLINE
						    ? 0
						    : SCAN_WORD),
			     tag);
		break;
	}
	return r;
}

int ident_compile(struct ident_set *s, struct scan *scan)
{
	for (size_t i = 0; i < s->n; i++) {
		int r = compile_one(&s->v[i], scan, (uint32_t)i);

		if (r < 0)
			return r;
	}
	return scan_build(scan);
}
