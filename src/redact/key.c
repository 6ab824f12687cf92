/* SPDX-License-Identifier: MIT */
/*
 * key: the per-site redaction key and map file, and the keyed pseudonyms.
 *
 * Pseudonyms are HMAC-SHA256 (OpenSSL libcrypto) under a 256-bit key that
 * never leaves the site: the same serial or MAC gives the same pseudonym in
 * every bundle redacted with one key (the vendor can still tell that two
 * captures come from one card), and a vendor without the key cannot
 * compute or check a guess.  Like sos clean's private map, the file also
 * lists what each pseudonym stands for, so the site can read the vendor's
 * answer ("card KQ8831R02957 ...") back.  The file is text:
 *
 *   # comment lines
 *   fwbox-redact-map 1
 *   key <64 hex digits>
 *   <type> <pseudonym> <original>      (bytes outside '!'..'~' and '%' as %XX)
 *
 * Every message is "fwbox-redact-1\0<domain>\0<counter, 4 bytes BE><input>",
 * so pseudonyms of different kinds never collide by construction.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/opensslv.h>
#if OPENSSL_VERSION_MAJOR >= 3
#include <openssl/core_names.h>
#include <openssl/params.h>
#define KEY_HAVE_EVP_MAC 1
#endif

#include "core/buf.h"
#include "core/sha256.h"
#include "core/limits.h"
#include "redact/redact-internal.h"

#define MAP_MAGIC "fwbox-redact-map 1"

struct redact_key {
	struct fw_ctx *ctx;
	uint8_t key[REDACT_KEY_LEN];
	char id[REDACT_KEY_ID_HEX];
	char *path;
	bool ephemeral;
	char **known;                  /* entry lines in the file, sorted */
	size_t n_known;
	char **noted;                  /* entry lines to append */
	size_t n_noted, cap_noted;
	/* Caches of the PRF (prf_state below): built on first use, dropped
	 * when the key bytes change.  Redaction is single-threaded. */
	struct prf_state *prf;
};

/* What makes the PRF cheap to call tens of thousands of times in one run
 * (a kernel log can name thousands of addresses, each pseudonym needs up
 * to 40 PRF blocks): the HMAC key schedule is done once, not per call as
 * HMAC() does (which also looks the algorithm up by name each time), and
 * the keyed permutations (keyed_perm) are remembered, as octets under a
 * common prefix share theirs.  The outputs are the same bit for bit. */
#define PERM_CACHE 512u
struct perm_entry {
	const char *domain;            /* a string literal: compared by address */
	uint8_t ctx[17];
	uint8_t ctx_len;
	uint16_t n;                    /* 0: empty */
	uint8_t perm[256];
};
struct prf_state {
	uint8_t key[REDACT_KEY_LEN];   /* the key the state below was built for */
#ifdef KEY_HAVE_EVP_MAC
	EVP_MAC *mac;
	EVP_MAC_CTX *keyed;            /* initialized with the key, never updated */
	EVP_MAC_CTX *work;
#endif
	struct perm_entry *perms;      /* PERM_CACHE entries, direct-mapped */
};

static void prf_state_free(struct prf_state *ps)
{
	if (!ps)
		return;
#ifdef KEY_HAVE_EVP_MAC
	EVP_MAC_CTX_free(ps->work);
	EVP_MAC_CTX_free(ps->keyed);
	EVP_MAC_free(ps->mac);
#endif
	free(ps->perms);
	explicit_bzero(ps->key, sizeof(ps->key));
	free(ps);
}

/* The caches for k's current key bytes, or NULL (no memory: the callers
 * fall back to the one-shot paths).  k is logically const: only caches
 * change. */
static struct prf_state *prf_state_get(const struct redact_key *k)
{
	struct redact_key *mk = (struct redact_key *)k;
	struct prf_state *ps = mk->prf;

	if (ps && !memcmp(ps->key, k->key, REDACT_KEY_LEN))
		return ps;
	prf_state_free(ps);
	mk->prf = ps = calloc(1, sizeof(*ps));
	if (!ps)
		return NULL;
	memcpy(ps->key, k->key, REDACT_KEY_LEN);
	ps->perms = calloc(PERM_CACHE, sizeof(*ps->perms));
#ifdef KEY_HAVE_EVP_MAC
	{
		OSSL_PARAM params[2] = {
			OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
			OSSL_PARAM_construct_end(),
		};

		ps->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
		ps->keyed = ps->mac ? EVP_MAC_CTX_new(ps->mac) : NULL;
		ps->work = ps->mac ? EVP_MAC_CTX_new(ps->mac) : NULL;
		if (!ps->keyed || !ps->work ||
		    !EVP_MAC_init(ps->keyed, ps->key, REDACT_KEY_LEN, params)) {
			EVP_MAC_CTX_free(ps->work);
			EVP_MAC_CTX_free(ps->keyed);
			EVP_MAC_free(ps->mac);
			ps->work = ps->keyed = NULL;
			ps->mac = NULL;
		}
	}
#endif
	return ps;
}

/* HMAC-SHA256(k, msg) into out. */
static void hmac(const struct redact_key *k, const uint8_t *msg, size_t n, uint8_t out[32])
{
	unsigned outlen = 32;
#ifdef KEY_HAVE_EVP_MAC
	struct prf_state *ps = prf_state_get(k);

	if (ps && ps->keyed) {
		size_t got = 0;

		/* A copy of the keyed context: the key schedule is not redone. */
		EVP_MAC_CTX_free(ps->work);
		ps->work = EVP_MAC_CTX_dup(ps->keyed);
		if (ps->work && EVP_MAC_update(ps->work, msg, n) &&
		    EVP_MAC_final(ps->work, out, &got, 32) && got == 32)
			return;
	}
#endif
	HMAC(EVP_sha256(), k->key, REDACT_KEY_LEN, msg, n, out, &outlen);
}

/* ------------------------------------------------------------- the PRF */

static void prf(const struct redact_key *k, const char *domain, uint32_t counter,
		const void *data, size_t len, uint8_t out[32])
{
	static const char tag[] = "fwbox-redact-1";
	uint8_t stack[256], *msg = stack;
	size_t dlen = strlen(domain), n = sizeof(tag) + dlen + 1 + 4 + len;

	if (n > sizeof(stack)) {
		msg = malloc(n);
		if (!msg) {
			/* No memory for the message: hash its parts instead, still
			 * keyed and still deterministic. */
			uint8_t d[32];

			EVP_Digest(data, len, d, NULL, EVP_sha256(), NULL);
			prf(k, domain, counter, d, sizeof(d), out);
			return;
		}
	}
	memcpy(msg, tag, sizeof(tag));
	memcpy(msg + sizeof(tag), domain, dlen + 1);
	msg[sizeof(tag) + dlen + 1] = (uint8_t)(counter >> 24);
	msg[sizeof(tag) + dlen + 2] = (uint8_t)(counter >> 16);
	msg[sizeof(tag) + dlen + 3] = (uint8_t)(counter >> 8);
	msg[sizeof(tag) + dlen + 4] = (uint8_t)counter;
	if (len)
		memcpy(msg + sizeof(tag) + dlen + 5, data, len);
	hmac(k, msg, n, out);
	if (msg != stack)
		free(msg);
}

/* A keyed byte stream for one input: block after block of the PRF. */
struct stream {
	const struct redact_key *k;
	const char *domain;
	const void *data;
	size_t len;
	uint32_t counter;
	uint8_t block[32];
	unsigned used;
};

static void stream_init(struct stream *s, const struct redact_key *k, const char *domain,
			const void *data, size_t len)
{
	s->k = k;
	s->domain = domain;
	s->data = data;
	s->len = len;
	s->counter = 0;
	s->used = 32;
}

static uint8_t stream_byte(struct stream *s)
{
	if (s->used == 32) {
		prf(s->k, s->domain, s->counter++, s->data, s->len, s->block);
		s->used = 0;
	}
	return s->block[s->used++];
}

static unsigned stream_u16(struct stream *s)
{
	unsigned hi = stream_byte(s);

	return hi << 8 | stream_byte(s);
}

/* Where v lands in a keyed shuffle of 0..n-1 (Fisher-Yates; n <= 256). */
static unsigned keyed_perm(const struct redact_key *k, const char *domain, const void *ctx,
			   size_t ctx_len, unsigned n, unsigned v)
{
	uint8_t perm[256];
	struct stream s;
	struct prf_state *ps = ctx_len <= sizeof(ps->perms->ctx) ? prf_state_get(k) : NULL;
	struct perm_entry *pe = NULL;

	if (ps && ps->perms) {
		uint64_t h = 0xcbf29ce484222325ull ^ n ^ (uintptr_t)domain;

		for (size_t i = 0; i < ctx_len; i++)
			h = (h ^ ((const uint8_t *)ctx)[i]) * 0x100000001b3ull;
		pe = &ps->perms[(h ^ h >> 29) % PERM_CACHE];
		if (pe->n == n && pe->domain == domain && pe->ctx_len == ctx_len &&
		    !memcmp(pe->ctx, ctx, ctx_len))
			return pe->perm[v];
	}
	for (unsigned i = 0; i < n; i++)
		perm[i] = (uint8_t)i;
	stream_init(&s, k, domain, ctx, ctx_len);
	for (unsigned i = n - 1; i > 0; i--) {
		unsigned j = stream_u16(&s) % (i + 1);
		uint8_t t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	if (pe) {
		pe->domain = domain;
		pe->n = (uint16_t)n;
		pe->ctx_len = (uint8_t)ctx_len;
		memcpy(pe->ctx, ctx, ctx_len);
		memcpy(pe->perm, perm, n);
	}
	return perm[v];
}

/* ------------------------------------------------------------ pseudonyms */

void redact_pseudo_mac(const struct redact_key *k, const uint8_t in[6], uint8_t out[6])
{
	uint8_t h[32];

	prf(k, "mac", 0, in, 6, h);
	memcpy(out, in, 3);
	memcpy(out + 3, h, 3);
	if (!memcmp(out, in, 6))
		out[5] ^= 0x01;
}

/* Hex digit i of a big-endian byte string (0 = high nibble of byte 0). */
static unsigned nib(const uint8_t *b, unsigned i)
{
	return i % 2 ? b[i / 2] & 0xf : b[i / 2] >> 4;
}
static void set_nib(uint8_t *b, unsigned i, unsigned v)
{
	if (i % 2)
		b[i / 2] = (uint8_t)((b[i / 2] & 0xf0) | v);
	else
		b[i / 2] = (uint8_t)((b[i / 2] & 0x0f) | v << 4);
}

/* A non-zero hex digit to a non-zero hex digit, keyed. */
static unsigned nonzero_nibble(unsigned v, unsigned r)
{
	return 1 + (v - 1 + r) % 15;
}

bool redact_pseudo_guid(const struct redact_key *k, const uint8_t in[8], uint8_t out[8])
{
	uint8_t h[32];
	int last = -1;

	prf(k, "guid", 0, in, 8, h);
	memcpy(out, in, 8);
	for (unsigned i = 6; i < 16; i++) {
		unsigned v = nib(in, i);

		if (!v)
			continue;
		/* r in 1..14: never the same digit. */
		set_nib(out, i, nonzero_nibble(v, 1 + h[i] % 14));
		last = (int)i;
	}
	return last >= 0;
}

void redact_pseudo_ipv4(const struct redact_key *k, const uint8_t in[4], uint8_t out[4])
{
	for (unsigned j = 0; j < 4; j++) {
		unsigned v = in[j], lo = v < 10 ? 0 : v < 100 ? 10 : 100;
		unsigned n = v < 10 ? 10 : v < 100 ? 90 : 156;
		uint8_t ctx[5];

		/* The permutation of octet j depends on octets 0..j-1 only: equal
		 * prefixes stay equal, different ones stay different. */
		ctx[0] = (uint8_t)j;
		memcpy(ctx + 1, in, j);
		out[j] = (uint8_t)(lo + keyed_perm(k, "ipv4", ctx, 1 + j, n, v - lo));
	}
	if (!memcmp(out, in, 4)) {
		unsigned v = out[3], lo = v < 10 ? 0 : v < 100 ? 10 : 100;
		unsigned n = v < 10 ? 10 : v < 100 ? 90 : 156;

		out[3] = (uint8_t)(lo + (v - lo + 1) % n);
	}
}

void redact_pseudo_ipv6(const struct redact_key *k, const uint8_t in[16], uint8_t out[16])
{
	int last = -1;

	memcpy(out, in, 16);
	for (unsigned i = 4; i < 32; i++) {
		unsigned v = nib(in, i);
		uint8_t ctx[17];

		if (!v)
			continue;
		/* Keyed by the digits before this one (prefix-preserving). */
		memset(ctx, 0, sizeof(ctx));
		ctx[0] = (uint8_t)i;
		for (unsigned j = 0; j < i; j++)
			set_nib(ctx + 1, j, nib(in, j));
		set_nib(out, i, 1 + keyed_perm(k, "ipv6", ctx, sizeof(ctx), 15, v - 1));
		last = (int)i;
	}
	if (last >= 0 && !memcmp(out, in, 16))
		set_nib(out, (unsigned)last, nonzero_nibble(nib(out, (unsigned)last), 1));
}

static bool alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
}

void redact_pseudo_text(const struct redact_key *k, const char *in, size_t len, char *out)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i, n;
		char tok[FW_LIMIT_REDACT_PATTERN];
		struct stream s;
		bool same = true;

		if (!alnum(in[i])) {
			out[i] = in[i];
			i++;
			continue;
		}
		while (j < len && alnum(in[j]))
			j++;
		n = j - i;
		for (size_t t = 0; t < n && t < sizeof(tok); t++)
			tok[t] = lower(in[i + t]);
		stream_init(&s, k, "text", tok, n < sizeof(tok) ? n : sizeof(tok));
		for (size_t t = 0; t < n; t++) {
			uint8_t r = stream_byte(&s);
			char c = lower(in[i + t]);

			out[i + t] = c >= '0' && c <= '9' ? (char)('0' + r % 10) : (char)('a' + r % 26);
			same &= out[i + t] == c;
		}
		if (same) {
			char c = out[i];

			out[i] = c >= '0' && c <= '9' ? (char)('0' + (c - '0' + 1) % 10)
						      : (char)('a' + (c - 'a' + 1) % 26);
		}
		i = j;
	}
	redact_case_like(out, in, len);
}

void redact_case_like(char *out, const char *like, size_t len)
{
	bool has_upper = false, has_lower = false, upper;

	for (size_t i = 0; i < len; i++) {
		has_upper |= like[i] >= 'A' && like[i] <= 'Z';
		has_lower |= like[i] >= 'a' && like[i] <= 'z';
	}
	upper = has_upper && !has_lower;
	for (size_t i = 0; i < len; i++) {
		bool up = (like[i] >= 'A' && like[i] <= 'Z') ||
			  (!(like[i] >= 'a' && like[i] <= 'z') && upper);

		if (up && out[i] >= 'a' && out[i] <= 'z')
			out[i] = (char)(out[i] - 0x20);
		else if (!up && out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] + 0x20);
	}
}

/*
 * What a redacted artifact records of its original: SHA-256(salt || the
 * original's SHA-256), salt = the PRF of the original bundle's UUID.  A
 * plain SHA-256 of a small artifact (a 64-byte NODE_DESC) could be found by
 * guessing its contents; with the salt secret it cannot, and the site can
 * still prove what it sent by giving the salt of that one bundle
 * (fwbox redact --prove), which says nothing about any other.
 */
void redact_original_salt(const struct redact_key *k, const uint8_t uuid[16],
			  uint8_t out[FW_SHA256_LEN])
{
	prf(k, "original", 0, uuid, 16, out);
}

void redact_original_digest(const struct redact_key *k, const uint8_t uuid[16],
			    const uint8_t sha256[FW_SHA256_LEN], uint8_t out[FW_SHA256_LEN])
{
	uint8_t buf[2 * FW_SHA256_LEN];

	redact_original_salt(k, uuid, buf);
	memcpy(buf + FW_SHA256_LEN, sha256, FW_SHA256_LEN);
	fw_sha256(buf, sizeof(buf), out);
}

/* ------------------------------------------------------------- the file */

static void key_set_id(struct redact_key *k)
{
	uint8_t h[32];

	/* An id that names the key without revealing it. */
	prf(k, "key-id", 0, NULL, 0, h);
	for (unsigned i = 0; i < 8; i++)
		snprintf(k->id + 2 * i, 3, "%02x", h[i]);
}

static struct redact_key *key_alloc(struct fw_ctx *ctx)
{
	struct redact_key *k = calloc(1, sizeof(*k));

	if (k)
		k->ctx = ctx;
	return k;
}

int redact_key_from_bytes(struct fw_ctx *ctx, const uint8_t key[REDACT_KEY_LEN],
			  struct redact_key **ret)
{
	struct redact_key *k = key_alloc(ctx);

	if (!k)
		return fw_error(ctx, -ENOMEM, "out of memory");
	memcpy(k->key, key, REDACT_KEY_LEN);
	k->ephemeral = true;
	key_set_id(k);
	*ret = k;
	return 0;
}

void redact_key_free(struct redact_key *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n_known; i++)
		free(k->known[i]);
	for (size_t i = 0; i < k->n_noted; i++)
		free(k->noted[i]);
	free(k->known);
	free(k->noted);
	free(k->path);
	prf_state_free(k->prf);
	/* The key does not outlive its use in this process's heap. */
	explicit_bzero(k->key, sizeof(k->key));
	free(k);
}

const char *redact_key_id(const struct redact_key *k)
{
	return k->id;
}

const char *redact_key_path(const struct redact_key *k)
{
	return k->path;
}

bool redact_key_ephemeral(const struct redact_key *k)
{
	return k->ephemeral;
}

static int random_key(struct fw_ctx *ctx, uint8_t key[REDACT_KEY_LEN])
{
	size_t got = 0;

	while (got < REDACT_KEY_LEN) {
		ssize_t n = getrandom(key + got, REDACT_KEY_LEN - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fw_error(ctx, -errno, "cannot get random bytes for a new key: %m");
		got += (size_t)n;
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The file's bytes: magic line, key line, entry lines. */
static int parse_map(struct redact_key *k, char *text, size_t len)
{
	bool magic = false, have_key = false;
	size_t lineno = 0, cap = 0;
	char *p = text, *end = text + len;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *line = p;

		if (!nl)
			nl = end;
		*nl = '\0';
		p = nl + 1;
		lineno++;
		if (memchr(line, '\0', (size_t)(nl - line)))
			return fw_error(k->ctx, -EBADMSG, "map file '%s', line %zu: a NUL byte",
					k->path, lineno);
		if (!line[0] || line[0] == '#')
			continue;
		if (!magic) {
			if (strcmp(line, MAP_MAGIC) != 0)
				return fw_error(k->ctx, -EBADMSG,
						"'%s' is not an fwbox redaction map (line %zu is not '"
						MAP_MAGIC "'): give --map another file",
						k->path, lineno);
			magic = true;
			continue;
		}
		if (!strncmp(line, "key ", 4)) {
			if (have_key || strlen(line + 4) != 2 * REDACT_KEY_LEN)
				return fw_error(k->ctx, -EBADMSG,
						"map file '%s', line %zu: a second key, or not 64 hex digits",
						k->path, lineno);
			for (unsigned i = 0; i < REDACT_KEY_LEN; i++) {
				int hi = hexval(line[4 + 2 * i]), lo = hexval(line[5 + 2 * i]);

				if (hi < 0 || lo < 0)
					return fw_error(k->ctx, -EBADMSG,
							"map file '%s', line %zu: the key is not hex",
							k->path, lineno);
				k->key[i] = (uint8_t)(hi << 4 | lo);
			}
			have_key = true;
			continue;
		}
		if (!strncmp(line, "id ", 3))
			continue;
		if (fw_grow((void **)&k->known, &cap, k->n_known + 1, sizeof(*k->known), 0) < 0)
			return fw_error(k->ctx, -ENOMEM, "out of memory");
		k->known[k->n_known] = strdup(line);
		if (!k->known[k->n_known])
			return fw_error(k->ctx, -ENOMEM, "out of memory");
		k->n_known++;
	}
	if (!magic || !have_key)
		return fw_error(k->ctx, -EBADMSG,
				"map file '%s' holds no key: it is not an fwbox redaction map, give --map "
				"another file",
				k->path);
	if (k->n_known)
		qsort(k->known, k->n_known, sizeof(*k->known), cmp_str);
	return 0;
}

/* The checks an existing key file must pass. */
static int check_file(struct redact_key *k, int fd, struct stat *st)
{
	if (fstat(fd, st) < 0)
		return fw_error(k->ctx, -errno, "cannot stat map file '%s': %m", k->path);
	if (!S_ISREG(st->st_mode))
		return fw_error(k->ctx, -EINVAL, "map file '%s' is not a regular file", k->path);
	if (st->st_uid != geteuid())
		return fw_error(k->ctx, -EPERM,
				"map file '%s' belongs to user %u, not to you: a key must be your own, "
				"give --map another file",
				k->path, (unsigned)st->st_uid);
	if (st->st_mode & 077)
		return fw_error(k->ctx, -EPERM,
				"map file '%s' can be read or written by others (mode %04o): it holds the "
				"key that undoes the redaction; run 'chmod 600 %s'",
				k->path, (unsigned)(st->st_mode & 07777), k->path);
	if ((uint64_t)st->st_size > FW_LIMIT_REDACT_MAP)
		return fw_error(k->ctx, -EOVERFLOW,
				"map file '%s' is %lld bytes, beyond FW_LIMIT_REDACT_MAP (%u)", k->path,
				(long long)st->st_size, FW_LIMIT_REDACT_MAP);
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int make_parents(struct redact_key *k, const char *dir)
{
	char buf[PATH_MAX];
	size_t n = strlen(dir);

	if (n >= sizeof(buf))
		return fw_error(k->ctx, -ENAMETOOLONG, "folder '%s': name too long", dir);
	memcpy(buf, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return fw_error(k->ctx, -errno, "cannot create folder '%s' for the map file: %m",
					buf);
		buf[i] = dir[i];
	}
	return 0;
}

/* A new map file: unnamed (or hidden) file with the key, fsync, link into
 * place without replacing, fsync the folder. */
static int create_map(struct redact_key *k, bool make_parent)
{
	char *dir = NULL, *tmpname = NULL, *text = NULL, proc[64];
	const char *slash = strrchr(k->path, '/');
	int fd = -1, dirfd = -1, r, n;
	char hex[2 * REDACT_KEY_LEN + 1];

	dir = slash ? strndup(k->path, (size_t)(slash - k->path) + (slash == k->path))
		    : strdup(".");
	if (!dir)
		return fw_error(k->ctx, -ENOMEM, "out of memory");
	if (make_parent) {
		r = make_parents(k, dir);
		if (r < 0)
			goto out;
	}
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		r = fw_error(k->ctx, -errno,
			     "cannot create map file '%s': folder '%s': %m (create the folder first)",
			     k->path, dir);
		goto out;
	}
	r = random_key(k->ctx, k->key);
	if (r < 0)
		goto out;
	for (unsigned i = 0; i < REDACT_KEY_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", k->key[i]);
	key_set_id(k);
	n = asprintf(&text,
		     "# fwbox redaction key and map, see fwbox-redact(1).\n"
		     "# Keep it private (mode 0600) and never send it: with it the pseudonyms\n"
		     "# in redacted bundles can be traced back to the values below.\n"
		     MAP_MAGIC "\nkey %s\nid %s\n",
		     hex, k->id);
	explicit_bzero(hex, sizeof(hex));
	if (n < 0) {
		r = fw_error(k->ctx, -ENOMEM, "out of memory");
		goto out;
	}
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
			r = fw_error(k->ctx, -errno, "cannot create map file '%s': %m", k->path);
			goto out;
		}
		if (asprintf(&tmpname, "%s/.fwbox-map.XXXXXX", dir) < 0) {
			tmpname = NULL;
			r = fw_error(k->ctx, -ENOMEM, "out of memory");
			goto out;
		}
		fd = mkostemp(tmpname, O_CLOEXEC);
		if (fd < 0) {
			r = fw_error(k->ctx, -errno, "cannot create map file '%s': %m", k->path);
			free(tmpname);
			tmpname = NULL;
			goto out;
		}
	}
	if (fchmod(fd, 0600) < 0 || write_all(fd, text, (size_t)n) < 0 || fsync(fd) < 0) {
		r = fw_error(k->ctx, -errno, "cannot write map file '%s': %m", k->path);
		goto out;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (tmpname)
		r = link(tmpname, k->path);
	else
		r = linkat(AT_FDCWD, proc, AT_FDCWD, k->path, AT_SYMLINK_FOLLOW);
	if (r < 0 && !tmpname && errno == ENOENT)
		r = linkat(fd, "", AT_FDCWD, k->path, AT_EMPTY_PATH);
	if (r < 0) {
		/* EEXIST: another run created it first; the caller reads theirs. */
		r = errno == EEXIST ? 1 : fw_error(k->ctx, -errno, "cannot create map file '%s': %m",
						   k->path);
		goto out;
	}
	if (fsync(dirfd) < 0) {
		r = fw_error(k->ctx, -errno, "fsync of folder '%s' failed: %m", dir);
		unlink(k->path);
		goto out;
	}
	r = 0;
out:
	if (tmpname) {
		unlink(tmpname);
		free(tmpname);
	}
	if (text) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0)
		close(dirfd);
	free(dir);
	return r;
}

int redact_key_open(struct fw_ctx *ctx, const char *path, bool create, bool make_parent,
		    struct redact_key **ret, bool *ret_created)
{
	struct redact_key *k = key_alloc(ctx);
	bool created = false;
	struct stat st;
	char *text = NULL;
	ssize_t got = 0;
	int fd = -1, r;

	if (!k)
		return fw_error(ctx, -ENOMEM, "out of memory");
	k->path = strdup(path);
	if (!k->path) {
		r = fw_error(ctx, -ENOMEM, "out of memory");
		goto fail;
	}
	for (int attempt = 0;; attempt++) {
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		if (fd >= 0 || errno != ENOENT || attempt > 0)
			break;
		if (!create) {
			/* Preview without a key yet: pseudonyms from a throw-away key. */
			r = random_key(ctx, k->key);
			if (r < 0)
				goto fail;
			k->ephemeral = true;
			key_set_id(k);
			*ret = k;
			if (ret_created)
				*ret_created = false;
			return 0;
		}
		r = create_map(k, make_parent);
		if (r < 0)
			goto fail;
		created = r == 0;
	}
	if (fd < 0) {
		r = fw_error(ctx, -errno,
			     errno == ELOOP ? "map file '%s' is a symbolic link: give its real path"
					    : "cannot open map file '%s': %m",
			     path);
		goto fail;
	}
	r = check_file(k, fd, &st);
	if (r < 0)
		goto fail;
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		r = fw_error(ctx, -ENOMEM, "out of memory");
		goto fail;
	}
	while (got < st.st_size) {
		ssize_t n = read(fd, text + got, (size_t)(st.st_size - got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = fw_error(ctx, -errno, "reading map file '%s': %m", path);
			goto fail;
		}
		if (n == 0)
			break;
		got += n;
	}
	text[got] = '\0';
	r = parse_map(k, text, (size_t)got);
	if (r < 0)
		goto fail;
	key_set_id(k);
	explicit_bzero(text, (size_t)got);
	free(text);
	close(fd);
	*ret = k;
	if (ret_created)
		*ret_created = created;
	return 0;
fail:
	if (text) {
		explicit_bzero(text, (size_t)got);
		free(text);
	}
	if (fd >= 0)
		close(fd);
	redact_key_free(k);
	return r;
}

static size_t escape(char *out, const char *in, size_t len)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)in[i];

		if (c < 0x21 || c > 0x7e || c == '%') {
			out[o++] = '%';
			out[o++] = hx[c >> 4];
			out[o++] = hx[c & 0xf];
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return o;
}

int redact_key_note(struct redact_key *k, const char *type, const char *pseudonym,
		    size_t pseudonym_len, const char *original, size_t original_len)
{
	size_t tl = strlen(type);
	char *line = malloc(tl + 2 + 3 * (pseudonym_len + original_len) + 2);
	size_t o;

	if (!line)
		return fw_error(k->ctx, -ENOMEM, "out of memory");
	memcpy(line, type, tl);
	line[tl] = ' ';
	o = tl + 1;
	o += escape(line + o, pseudonym, pseudonym_len);
	line[o++] = ' ';
	escape(line + o, original, original_len);
	if (k->n_known && bsearch(&line, k->known, k->n_known, sizeof(*k->known), cmp_str)) {
		free(line);
		return 0;
	}
	if (fw_grow((void **)&k->noted, &k->cap_noted, k->n_noted + 1, sizeof(*k->noted), 0) < 0) {
		free(line);
		return fw_error(k->ctx, -ENOMEM, "out of memory");
	}
	k->noted[k->n_noted++] = line;
	return 0;
}

int redact_key_save_map(struct redact_key *k)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, r;

	if (k->ephemeral || !k->n_noted)
		return 0;
	for (size_t i = 0; i < k->n_noted; i++)
		len += strlen(k->noted[i]) + 1;
	buf = malloc(len + 1);
	if (!buf)
		return fw_error(k->ctx, -ENOMEM, "out of memory");
	len = 0;
	for (size_t i = 0; i < k->n_noted; i++) {
		size_t n = strlen(k->noted[i]);

		memcpy(buf + len, k->noted[i], n);
		buf[len + n] = '\n';
		len += n + 1;
	}
	fd = open(k->path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		r = fw_error(k->ctx, -errno, "cannot open map file '%s' to add entries: %m", k->path);
		goto out;
	}
	r = check_file(k, fd, &st);
	if (r < 0)
		goto out;
	/* Concurrent runs append whole batches, one after the other. */
	if (flock(fd, LOCK_EX) < 0) {
		r = fw_error(k->ctx, -errno, "cannot lock map file '%s': %m", k->path);
		goto out;
	}
	if ((uint64_t)st.st_size + len > FW_LIMIT_REDACT_MAP) {
		r = fw_error(k->ctx, -EOVERFLOW,
			     "map file '%s' would grow beyond FW_LIMIT_REDACT_MAP (%u bytes): start a "
			     "new one for new sites",
			     k->path, FW_LIMIT_REDACT_MAP);
		goto out;
	}
	r = write_all(fd, buf, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r < 0)
		r = fw_error(k->ctx, r, "cannot add entries to map file '%s': %s", k->path,
			     strerror(-r));
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return r;
}
