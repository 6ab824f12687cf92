/* SPDX-License-Identifier: MIT */
/* Check suite for src/redact: scanner, key and pseudonyms, discovery, rules,
 * and the whole pipeline on bundles made here with planted identifiers. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/bundle-internal.h"
#include "core/bytes.h"
#include "ifc/regcat.h"
#include "redact/redact-internal.h"
#include "testutil.h"
#include "trace.h"

static struct fw_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	tu_tmpdir_enter();
}

static void teardown(void)
{
	tu_tmpdir_leave();
	fw_ctx_free(ctx);
}

static size_t count(const void *hay, size_t n, const void *needle, size_t m)
{
	size_t c = 0;

	for (size_t i = 0; m && i + m <= n; i++)
		c += !memcmp((const uint8_t *)hay + i, needle, m);
	return c;
}

static size_t count_nocase(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle), c = 0;

	for (size_t i = 0; m && i + m <= n; i++)
		c += !strncasecmp(hay + i, needle, m);
	return c;
}

/* --------------------------------------------------------------- scanner */

static struct scan *scanner(void)
{
	struct scan *s;

	tu_assert_ok(ctx, scan_new(ctx, &s));
	return s;
}

START_TEST(test_scan_text_case_and_bounds)
{
	struct scan *s = scanner();
	char buf[] = "Host NODE17 and node17, node170 xnode17 Node17. aa:BB:cc:dd:ee:ff";
	struct scan_result res;

	tu_assert_ok(ctx, scan_add(s, "node17", 6, "qwer42", SCAN_NOCASE | SCAN_WORD, 1));
	tu_assert_ok(ctx, scan_add(s, "aa:bb:cc:dd:ee:ff", 17, "aa:bb:cc:12:3f:0e",
				   SCAN_NOCASE | SCAN_HEXWORD, 2));
	tu_assert_ok(ctx, scan_build(s));
	scan_apply(s, (uint8_t *)buf, strlen(buf), SCAN_TEXT, NULL, NULL, &res);
	ck_assert_str_eq(buf, "Host QWER42 and qwer42, node170 xnode17 Qwer42. aa:BB:cc:12:3f:0e");
	ck_assert_uint_eq(res.hits, 4);
	scan_free(s);
}
END_TEST

START_TEST(test_scan_decimal_bounds)
{
	struct scan *s = scanner();
	char buf[] = "10.1.2.3 110.1.2.3 10.1.2.30 10.1.2.3.4 at 10.1.2.3. x=10.1.2.3:80";

	tu_assert_ok(ctx, scan_add(s, "10.1.2.3", 8, "77.4.9.1", SCAN_NOCASE | SCAN_DECWORD, 0));
	tu_assert_ok(ctx, scan_build(s));
	scan_apply(s, (uint8_t *)buf, strlen(buf), SCAN_TEXT, NULL, NULL, NULL);
	ck_assert_str_eq(buf, "77.4.9.1 110.1.2.3 10.1.2.30 10.1.2.3.4 at 77.4.9.1. x=77.4.9.1:80");
	scan_free(s);
}
END_TEST

START_TEST(test_scan_longest_and_suffix)
{
	struct scan *s = scanner();
	char buf[] = "a.example.com example.com";

	/* Both end at the same byte: only the longer is applied there. */
	tu_assert_ok(ctx, scan_add(s, "a.example.com", 13, "b.xxxxxxx.yyy", SCAN_NOCASE | SCAN_WORD, 0));
	tu_assert_ok(ctx, scan_add(s, "example.com", 11, "zzzzzzz.www", SCAN_NOCASE | SCAN_WORD, 1));
	tu_assert_ok(ctx, scan_build(s));
	scan_apply(s, (uint8_t *)buf, strlen(buf), SCAN_TEXT, NULL, NULL, NULL);
	ck_assert_str_eq(buf, "b.xxxxxxx.yyy zzzzzzz.www");
	scan_free(s);
}
END_TEST

START_TEST(test_scan_raw_edges_and_overlap)
{
	struct scan *s = scanner();
	const uint8_t mac[6] = { 0x0c, 0x42, 0xa1, 0x12, 0x34, 0x56 };
	const uint8_t pm[6] = { 0x0c, 0x42, 0xa1, 0xee, 0xdd, 0xcc };
	const uint8_t ip[4] = { 0x34, 0x56, 0x0a, 0x0b };  /* overlaps the MAC's tail */
	const uint8_t pi[4] = { 0x99, 0x98, 0x97, 0x96 };
	uint8_t buf[64] = { 0 };
	struct scan_result res;

	memcpy(buf, mac, 6);                  /* at the start */
	memcpy(buf + 20, mac, 6);             /* MAC then the IP sharing two bytes */
	memcpy(buf + 24, ip, 4);
	memcpy(buf + 58, mac, 6);             /* at the very end */
	tu_assert_ok(ctx, scan_add(s, mac, 6, pm, 0, 0));
	tu_assert_ok(ctx, scan_add(s, ip, 4, pi, 0, 1));
	tu_assert_ok(ctx, scan_build(s));
	scan_apply(s, buf, sizeof(buf), SCAN_BINARY, NULL, NULL, &res);
	ck_assert_uint_eq(res.hits, 4);
	ck_assert_uint_eq(count(buf, sizeof(buf), mac, 6), 0);
	ck_assert_uint_eq(count(buf, sizeof(buf), ip, 4), 0);
	ck_assert_mem_eq(buf, pm, 6);
	ck_assert_mem_eq(buf + 58, pm, 6);
	/* Both found in the original bytes; the later one wins the overlap. */
	ck_assert_mem_eq(buf + 20, pm, 4);
	ck_assert_mem_eq(buf + 24, pi, 4);
	scan_free(s);
}
END_TEST

START_TEST(test_scan_limits)
{
	struct scan *s = scanner();

	ck_assert_int_eq(scan_add(s, "abc", 3, "xyz", 0, 0), -EINVAL); /* exact: >= 4 bytes */
	ck_assert_int_eq(scan_add(s, "", 0, "", SCAN_NOCASE, 0), -EINVAL);
	for (unsigned l = 4; l < 4 + SCAN_EXACT_LENGTHS; l++) {
		char p[16] = "0123456789abcde", q[16] = "ABCDEFGHIJKLMNO";

		tu_assert_ok(ctx, scan_add(s, p, l, q, 0, 0));
	}
	tu_assert_ok(ctx, scan_add(s, "zzzzzzzzzzzzzzzzzz", 18, "yyyyyyyyyyyyyyyyyy", 0, 0));
	ck_assert_int_eq(scan_build(s), -EOVERFLOW); /* a ninth length */
	scan_free(s);
}
END_TEST

START_TEST(test_scan_duplicates_loosest_bounds)
{
	struct scan *s = scanner();
	char buf[] = "xcorpx corp";

	tu_assert_ok(ctx, scan_add(s, "corp", 4, "abcd", SCAN_NOCASE | SCAN_WORD, 0));
	tu_assert_ok(ctx, scan_add(s, "CORP", 4, "efgh", SCAN_NOCASE, 1));
	tu_assert_ok(ctx, scan_build(s));
	scan_apply(s, (uint8_t *)buf, strlen(buf), SCAN_TEXT, NULL, NULL, NULL);
	ck_assert_str_eq(buf, "xabcdx abcd");
	scan_free(s);
}
END_TEST

/* Every position of a long random buffer against many patterns: the
 * result equals a naive search (no boundary rules, no overlaps). */
START_TEST(test_scan_against_naive)
{
	struct scan *s = scanner();
	enum { N = 1 << 16 };
	uint8_t *buf = malloc(N);
	uint32_t x = 12345;
	char pats[40][8];

	for (size_t i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)('a' + (x >> 16) % 6);
	}
	for (unsigned k = 0; k < 40; k++) {
		for (unsigned j = 0; j < 7; j++) {
			x = x * 1103515245u + 12345u;
			pats[k][j] = (char)('a' + (x >> 16) % 6);
		}
		pats[k][7] = '\0';
		tu_assert_ok(ctx, scan_add(s, pats[k], 7, "ZZZZZZZ", SCAN_NOCASE, k));
	}
	tu_assert_ok(ctx, scan_build(s));
	scan_apply(s, buf, N, SCAN_TEXT, NULL, NULL, NULL);
	for (unsigned k = 0; k < 40; k++)
		ck_assert_uint_eq(count(buf, N, pats[k], 7), 0);
	free(buf);
	scan_free(s);
}
END_TEST

/* The vector prefilter and the scalar filters give the same bytes, hits
 * and counts: text and raw patterns sharing prefixes (more than eight, so
 * buckets are shared), patterns that differ only in their first byte,
 * patterns of one and two bytes, upper-case occurrences, occurrences
 * straddling a 32-byte step and at the very end of buffers of every
 * length from 0 to 300. */
START_TEST(test_scan_simd_same_as_scalar)
{
	static const char *const text[] = { "0c:42:a1:5a:6b:7c", "0c42.a15a.6b7c", "10.99.1.2", "10.99.17.23",
					    "gpu-node-17", "x", "q7", "lab.example.org", "c42:a103:5a:6b7c" };
	static const uint8_t mac[6] = { 0x0c, 0x42, 0xa1, 0x5a, 0x6b, 0x7c }, ip[4] = { 10, 99, 17, 23 };
	struct scan *on = scanner(), *off = scanner();
	enum { N = 1 << 14 };
	uint8_t *buf = malloc(N), *a = malloc(N), *b = malloc(N);
	uint32_t x = 777;

	ck_assert(buf && a && b);
	for (int w = 0; w < 2; w++) {
		struct scan *s = w ? off : on;
		uint8_t le[8], r8[8];

		for (unsigned i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
			char repl[32];
			size_t n = strlen(text[i]);

			memset(repl, 'Z', n);
			tu_assert_ok(ctx, scan_add(s, text[i], n, repl, SCAN_NOCASE | (i == 4 ? SCAN_WORD : 0),
						   i));
		}
		memset(r8, 0xee, sizeof(r8));
		tu_assert_ok(ctx, scan_add(s, mac, 6, r8, 0, 100));
		tu_assert_ok(ctx, scan_add(s, ip, 4, r8, 0, 101));
		/* 40 little-endian GUIDs under one OUI: 40 first bytes. */
		for (unsigned g = 0; g < 40; g++) {
			static const uint8_t tail[7] = { 0x6b, 0x5a, 0x00, 0x03, 0xa1, 0x42, 0x0c };

			le[0] = (uint8_t)(g * 6);
			memcpy(le + 1, tail, 7);
			tu_assert_ok(ctx, scan_add(s, le, 8, r8, 0, 200 + g));
		}
		tu_assert_ok(ctx, scan_build(s));
	}
	scan_set_simd(off, false);
	ck_assert(!scan_simd(off));
	/* A machine without AVX2 compares the scalar path with itself. */
	for (size_t len = 0; len <= N; len = len < 300 ? len + 1 : len * 2) {
		struct scan_result ra, rb;

		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = (uint8_t)(x >> 24);
			if (buf[i] < 0x40)
				buf[i] = (uint8_t)"0c:42.a16b5g-x Q7\n"[buf[i] % 18];
		}
		/* Plant the patterns at spots that cross steps and the end. */
		for (size_t at = 29; at + 20 <= len; at += 61) {
			x = x * 1103515245u + 12345u;
			switch ((x >> 16) % 5) {
			case 0:
				memcpy(buf + at, "0C:42:A1:5A:6B:7C", 17);
				break;
			case 1:
				memcpy(buf + at, mac, 6);
				break;
			case 2:
				buf[at] = (uint8_t)(((x >> 8) % 40) * 6);
				memcpy(buf + at + 1, "\x6b\x5a\x00\x03\xa1\x42\x0c", 7);
				break;
			case 3:
				memcpy(buf + at, " 10.99.17.23 ", 13);
				break;
			default:
				memcpy(buf + at, " gpu-node-17 ", 13);
				break;
			}
		}
		if (len >= 6)
			memcpy(buf + len - 6, mac, 6);
		for (int mode = 0; mode < 2; mode++) {
			memcpy(a, buf, len);
			memcpy(b, buf, len);
			scan_apply(on, a, len, mode ? SCAN_BINARY : SCAN_TEXT, NULL, NULL, &ra);
			scan_apply(off, b, len, mode ? SCAN_BINARY : SCAN_TEXT, NULL, NULL, &rb);
			ck_assert_msg(!memcmp(a, b, len), "length %zu mode %d: outputs differ", len, mode);
			ck_assert_uint_eq(ra.hits, rb.hits);
			ck_assert_uint_eq(ra.bytes_changed, rb.bytes_changed);
			if (len >= 6)
				ck_assert(memcmp(a + len - 6, mac, 6) != 0);
		}
	}
	free(buf);
	free(a);
	free(b);
	scan_free(on);
	scan_free(off);
}
END_TEST

/* ---------------------------------------------------------- key, pseudo */

static struct redact_key *fixed_key(uint8_t fill)
{
	uint8_t raw[REDACT_KEY_LEN];
	struct redact_key *k;

	memset(raw, fill, sizeof(raw));
	tu_assert_ok(ctx, redact_key_from_bytes(ctx, raw, &k));
	return k;
}

START_TEST(test_key_file_lifecycle)
{
	struct redact_key *k1, *k2, *k3;
	bool created;
	struct stat st;
	char *text;
	size_t len;

	/* No file and no permission to create: an ephemeral key, no file. */
	tu_assert_ok(ctx, redact_key_open(ctx, "map", false, false, &k1, &created));
	ck_assert(!created && redact_key_ephemeral(k1));
	ck_assert_int_ne(access("map", F_OK), 0);
	redact_key_free(k1);

	tu_assert_ok(ctx, redact_key_open(ctx, "map", true, false, &k1, &created));
	ck_assert(created && !redact_key_ephemeral(k1));
	ck_assert_int_eq(stat("map", &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	tu_assert_ok(ctx, redact_key_open(ctx, "map", true, false, &k2, &created));
	ck_assert(!created);
	ck_assert_str_eq(redact_key_id(k1), redact_key_id(k2));

	/* Entries: appended once, escaped, never the reason. */
	tu_assert_ok(ctx, redact_key_note(k2, "host", "qwer", 4, "node 7", 6));
	tu_assert_ok(ctx, redact_key_save_map(k2));
	redact_key_free(k2);
	tu_assert_ok(ctx, redact_key_open(ctx, "map", true, false, &k2, NULL));
	tu_assert_ok(ctx, redact_key_note(k2, "host", "qwer", 4, "node 7", 6));
	tu_assert_ok(ctx, redact_key_save_map(k2));
	text = tu_read_file("map", &len);
	ck_assert_uint_eq(count(text, len, "host qwer node%207\n", 19), 1);
	free(text);
	redact_key_free(k2);

	/* Readable by others: refused with what to do. */
	chmod("map", 0644);
	ck_assert_int_eq(redact_key_open(ctx, "map", true, false, &k3, NULL), -EPERM);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "chmod 600"));
	chmod("map", 0600);
	/* A symbolic link is not followed. */
	ck_assert_int_eq(symlink("map", "link"), 0);
	ck_assert_int_lt(redact_key_open(ctx, "link", true, false, &k3, NULL), 0);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "symbolic link"));
	/* Not a map. */
	tu_write_file("other", "hello\n", 6);
	chmod("other", 0600);
	ck_assert_int_eq(redact_key_open(ctx, "other", true, false, &k3, NULL), -EBADMSG);
	/* A missing folder is created only when asked (the default place). */
	ck_assert_int_lt(redact_key_open(ctx, "a/b/map", true, false, &k3, NULL), 0);
	tu_assert_ok(ctx, redact_key_open(ctx, "a/b/map", true, true, &k3, &created));
	ck_assert(created);
	ck_assert_int_eq(stat("a/b", &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	redact_key_free(k3);
	redact_key_free(k1);
}
END_TEST

START_TEST(test_pseudo_mac_guid)
{
	struct redact_key *k = fixed_key(1), *k2 = fixed_key(2);
	const uint8_t mac[6] = { 0x0c, 0x42, 0xa1, 0x12, 0x34, 0x56 };
	const uint8_t guid[8] = { 0x0c, 0x42, 0xa1, 0x03, 0x00, 0x12, 0x34, 0x50 };
	uint8_t a[8], b[8], c[8];

	redact_pseudo_mac(k, mac, a);
	redact_pseudo_mac(k, mac, b);
	redact_pseudo_mac(k2, mac, c);
	ck_assert_mem_eq(a, mac, 3);          /* the OUI stays */
	ck_assert(memcmp(a, mac, 6) != 0);
	ck_assert_mem_eq(a, b, 6);            /* stable */
	ck_assert(memcmp(a, c, 6) != 0);      /* keyed */
	ck_assert(redact_pseudo_guid(k, guid, a));
	ck_assert_mem_eq(a, guid, 3);
	for (unsigned i = 6; i < 16; i++) {
		unsigned o = i % 2 ? guid[i / 2] & 15 : guid[i / 2] >> 4;
		unsigned p = i % 2 ? a[i / 2] & 15 : a[i / 2] >> 4;

		ck_assert((o == 0) == (p == 0));      /* zero digits stay zero */
		if (o)
			ck_assert_uint_ne(o, p);
	}
	{
		const uint8_t bare[8] = { 0x0c, 0x42, 0xa1 };

		ck_assert(!redact_pseudo_guid(k, bare, a)); /* nothing but the OUI */
	}
	redact_key_free(k);
	redact_key_free(k2);
}
END_TEST

START_TEST(test_pseudo_ipv4_prefix)
{
	struct redact_key *k = fixed_key(3);
	const uint8_t ips[][4] = { { 10, 1, 2, 3 }, { 10, 1, 2, 200 }, { 10, 1, 9, 3 },
				   { 10, 77, 2, 3 }, { 192, 168, 0, 1 }, { 8, 8, 8, 8 } };
	uint8_t p[6][4];

	for (unsigned i = 0; i < 6; i++) {
		redact_pseudo_ipv4(k, ips[i], p[i]);
		ck_assert(memcmp(ips[i], p[i], 4) != 0);
		for (unsigned o = 0; o < 4; o++) /* same number of decimal digits */
			ck_assert_uint_eq(ips[i][o] < 10 ? 1 : ips[i][o] < 100 ? 2 : 3,
					  p[i][o] < 10 ? 1 : p[i][o] < 100 ? 2 : 3);
	}
	/* Shared prefixes stay shared, different ones stay different. */
	for (unsigned i = 0; i < 6; i++)
		for (unsigned j = 0; j < 6; j++) {
			unsigned a = 0, b = 0;

			while (a < 4 && ips[i][a] == ips[j][a])
				a++;
			while (b < 4 && p[i][b] == p[j][b])
				b++;
			ck_assert_uint_eq(a, b);
		}
	redact_key_free(k);
}
END_TEST

START_TEST(test_pseudo_ipv6_shape)
{
	struct redact_key *k = fixed_key(4);
	uint8_t a[16], b[16], pa[16], pb[16];
	char sa[64], sp[64];

	inet_pton(AF_INET6, "2001:db8:0:12::7", a);
	inet_pton(AF_INET6, "2001:db8:0:12::8", b);
	redact_pseudo_ipv6(k, a, pa);
	redact_pseudo_ipv6(k, b, pb);
	ck_assert_mem_eq(pa, a, 2);                 /* the first 16 bits stay */
	ck_assert_mem_eq(pa, pb, 14);               /* the common prefix stays common */
	ck_assert(memcmp(pa, pb, 16) != 0);
	inet_ntop(AF_INET6, a, sa, sizeof(sa));
	inet_ntop(AF_INET6, pa, sp, sizeof(sp));
	ck_assert_uint_eq(strlen(sa), strlen(sp));  /* same spelling length */
	ck_assert(strcmp(sa, sp) != 0);
	redact_key_free(k);
}
END_TEST

START_TEST(test_pseudo_text)
{
	struct redact_key *k = fixed_key(5), *k2 = fixed_key(6);
	char a[32], b[32], c[32];

	redact_pseudo_text(k, "MT2106X39270", 12, a);
	a[12] = '\0';
	ck_assert_uint_eq(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 2);
	ck_assert_uint_eq(strspn(a + 2, "0123456789"), 4);
	ck_assert(strcmp(a, "MT2106X39270") != 0);
	/* Run by run: a host, its first label and its domain agree. */
	redact_pseudo_text(k, "Node7.Example.com", 17, b);
	redact_pseudo_text(k, "example.com", 11, c);
	b[17] = c[11] = '\0';
	ck_assert(!strncasecmp(b + 6, c, 11));
	ck_assert(b[0] >= 'A' && b[0] <= 'Z' && b[5] == '.');
	redact_pseudo_text(k2, "MT2106X39270", 12, c);
	c[12] = '\0';
	ck_assert(strcmp(a, c) != 0);
	redact_key_free(k);
	redact_key_free(k2);
}
END_TEST

/* ------------------------------------------------------------- discovery */

static bool has_ident(struct ident_set *set, enum ident_type t, const char *display)
{
	for (size_t i = 0; i < ident_count(set); i++) {
		struct ident *id = ident_at(set, i);
		char buf[64];

		if (id->type != t)
			continue;
		if (t == ID_MAC)
			snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", id->raw[0], id->raw[1],
				 id->raw[2], id->raw[3], id->raw[4], id->raw[5]);
		else if (t == ID_GUID)
			snprintf(buf, sizeof(buf), "%02x%02x%02x%02x%02x%02x%02x%02x", id->raw[0],
				 id->raw[1], id->raw[2], id->raw[3], id->raw[4], id->raw[5], id->raw[6],
				 id->raw[7]);
		else if (t == ID_IPV4)
			snprintf(buf, sizeof(buf), "%u.%u.%u.%u", id->raw[0], id->raw[1], id->raw[2],
				 id->raw[3]);
		else if (t == ID_IPV6)
			inet_ntop(AF_INET6, id->raw, buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "%s", id->text);
		if (!strcmp(buf, display))
			return true;
	}
	return false;
}

START_TEST(test_discover_text)
{
	static const char text[] =
		"mlx5_core 0000:08:00.0 eth2: link up, mac 0C:42:A1:12:34:56\n"
		"cisco 0c42.a112.3457 dash 0c-42-a1-12-34-58 bcast ff:ff:ff:ff:ff:ff mc 01:00:5e:00:00:01\n"
		"inet 10.20.30.40/24 brd 10.20.30.255 ver 6.1.0 lo 127.0.0.1 any 0.0.0.0 v1.2.3.4\n"
		"inet6 2001:db8::1:2/64 scope global, fe80::e42:a1ff:fe12:3456 ::ffff:172.16.5.4\n"
		"node_guid 0c42:a103:0012:3456 port GUID 0x0c42a10300123457 counter 0x0123456789abcdef\n"
		"ipoib 00:00:10:49:fe:80:00:00:00:00:00:00:0c:42:a1:03:00:12:34:58 user /home/alice/x "
		"uid=1001(bob) time 12:34:56\n";
	struct redact_key *k = fixed_key(7);
	struct ident_set *set;

	tu_assert_ok(ctx, ident_set_new(ctx, k, &set));
	tu_assert_ok(ctx, ident_discover_text(set, (const uint8_t *)text, strlen(text), "t"));
	ck_assert(has_ident(set, ID_MAC, "0c:42:a1:12:34:56"));
	ck_assert(has_ident(set, ID_MAC, "0c:42:a1:12:34:57"));
	ck_assert(has_ident(set, ID_MAC, "0c:42:a1:12:34:58"));
	ck_assert(!has_ident(set, ID_MAC, "ff:ff:ff:ff:ff:ff"));
	ck_assert(!has_ident(set, ID_MAC, "01:00:5e:00:00:01"));
	ck_assert(has_ident(set, ID_IPV4, "10.20.30.40"));
	ck_assert(has_ident(set, ID_IPV4, "10.20.30.255"));
	ck_assert(has_ident(set, ID_IPV4, "172.16.5.4"));
	ck_assert(!has_ident(set, ID_IPV4, "127.0.0.1"));
	ck_assert(!has_ident(set, ID_IPV4, "0.0.0.0"));
	ck_assert(!has_ident(set, ID_IPV4, "1.2.3.4"));
	ck_assert(has_ident(set, ID_IPV6, "2001:db8::1:2"));
	ck_assert(has_ident(set, ID_IPV6, "fe80::e42:a1ff:fe12:3456"));
	ck_assert(has_ident(set, ID_GUID, "0c42a10300123456"));
	ck_assert(has_ident(set, ID_GUID, "0c42a10300123457"));
	ck_assert(has_ident(set, ID_GUID, "0c42a10300123458"));
	ck_assert(!has_ident(set, ID_GUID, "0123456789abcdef"));
	ck_assert(has_ident(set, ID_USER, "alice"));
	ck_assert(has_ident(set, ID_USER, "bob"));
	ident_set_free(set);
	redact_key_free(k);
}
END_TEST

/* Every spelling the issue lists is replaced, and nothing else moves. */
/* Discovery's vector prefilter finds the same identifiers, in the same
 * order, as the byte loop: every shape at every offset of a 64-byte
 * step, near misses, and shapes cut by the end of the text. */
START_TEST(test_discover_simd_same_as_scalar)
{
	static const char *const shapes[] = {
		"0c:42:a1:5a:6b:7c", "0C-42-A1-5A-6B-7D", "0c42.a15a.6b7e", "10.99.17.23", "fe80::c42:a1ff:fe5a:6b7c",
		"2001:db8::17", "::ffff:10.1.2.3", "0x0c42a103005a6b7c", "0c42:a103:005a:6b7c", "/home/alice",
		"uid=1000(bob)", "serial number MT1234X00001", "Hostname gpu-node-17.lab", "node_desc='HCA-1'",
		"0000:08:00.0", "52654.000000:", "10.99.17", "0c:42:a1:5a:6b", "x10.1.2.3", "a.10.1.2.4",
	};
	struct redact_key *k = fixed_key(13);
	enum { N = 6000 };
	char *text = malloc(N + 64);
	size_t len = 0;
	uint32_t x = 99;

	ck_assert_ptr_nonnull(text);
	while (len < N) {
		const char *sh = shapes[(x >> 16) % (sizeof(shapes) / sizeof(shapes[0]))];
		unsigned pad;

		x = x * 1103515245u + 12345u;
		pad = (x >> 16) % 9;
		for (unsigned p = 0; p < pad; p++)
			text[len++] = " [(,=guid"[(x >> (p + 3)) % 9];
		memcpy(text + len, sh, strlen(sh));
		len += strlen(sh);
	}
	for (size_t cut = len - 40; cut <= len; cut++) {
		struct ident_set *a, *b;

		tu_assert_ok(ctx, ident_set_new(ctx, k, &a));
		tu_assert_ok(ctx, ident_set_new(ctx, k, &b));
		ident_set_simd(b, false);
		tu_assert_ok(ctx, ident_discover_text(a, (const uint8_t *)text, cut, "t"));
		tu_assert_ok(ctx, ident_discover_text(b, (const uint8_t *)text, cut, "t"));
		ck_assert_uint_gt(ident_count(a), 10);
		ck_assert_uint_eq(ident_count(a), ident_count(b));
		for (size_t i = 0; i < ident_count(a); i++) {
			const struct ident *p = ident_at(a, i), *q = ident_at(b, i);

			ck_assert_int_eq(p->type, q->type);
			ck_assert_uint_eq(p->raw_len, q->raw_len);
			ck_assert(!memcmp(p->raw, q->raw, p->raw_len));
			ck_assert_uint_eq(p->text_len, q->text_len);
			ck_assert(!p->text_len || !memcmp(p->text, q->text, p->text_len));
		}
		ident_set_free(a);
		ident_set_free(b);
	}
	free(text);
	redact_key_free(k);
}
END_TEST

START_TEST(test_compile_every_spelling)
{
	struct redact_key *k = fixed_key(8);
	const uint8_t mac[6] = { 0x0c, 0x42, 0xa1, 0x12, 0x34, 0x56 };
	const uint8_t guid[8] = { 0x0c, 0x42, 0xa1, 0x03, 0x00, 0x12, 0x34, 0x56 };
	const uint8_t ip4[4] = { 10, 20, 30, 40 };
	uint8_t ip6[16], guid_le[8];
	struct ident_set *set;
	struct scan *scan = scanner();
	char text[] = "A 0c:42:a1:12:34:56 0C-42-A1-12-34-56 0c42.a112.3456 0c42a1123456 "
		      "0x0c42a10300123456 0c42:a103:0012:3456 c42:a103:12:3456 "
		      "0c:42:a1:03:00:12:34:56 10.20.30.40 2001:db8::7 2001:0db8:0000:0000:0000:0000:0000:0007 "
		      "2001:db8:0:0:0:0:0:7 fe80::c42:a103:12:3456 SN MT2106X39270 end";
	uint8_t bin[96] = { 0 };
	size_t len = strlen(text);

	inet_pton(AF_INET6, "2001:db8::7", ip6);
	for (unsigned i = 0; i < 8; i++)
		guid_le[i] = guid[7 - i];
	memcpy(bin, mac, 6);
	memcpy(bin + 10, guid, 8);
	memcpy(bin + 20, guid_le, 8);
	memcpy(bin + 30, ip4, 4);
	memcpy(bin + 40, ip6, 16);
	memcpy(bin + 60, "MT2106X39270", 12);
	tu_assert_ok(ctx, ident_set_new(ctx, k, &set));
	ck_assert_int_ge(ident_add_raw(set, ID_MAC, mac, "t"), 0);
	ck_assert_int_ge(ident_add_raw(set, ID_GUID, guid, "t"), 0);
	ck_assert_int_ge(ident_add_raw(set, ID_IPV4, ip4, "t"), 0);
	ck_assert_int_ge(ident_add_raw(set, ID_IPV6, ip6, "t"), 0);
	ck_assert_int_ge(ident_add_text(set, ID_SERIAL, "MT2106X39270", 12, "t"), 0);
	tu_assert_ok(ctx, ident_compile(set, scan));
	scan_apply(scan, (uint8_t *)text, len, SCAN_TEXT, NULL, NULL, NULL);
	scan_apply(scan, bin, sizeof(bin), SCAN_BINARY, NULL, NULL, NULL);
	ck_assert_uint_eq(strlen(text), len);
	ck_assert(!strncmp(text, "A 0c:42:a1:", 11));  /* the OUI stays */
	ck_assert(!strcmp(text + len - 4, " end"));
	for (const char *const *p = (const char *const[]){ "12:34:56", "12-34-56", "a112.3456",
							    "a1123456", "0300123456", "a103:0012:3456",
							    "a103:12:3456", "03:00:12:34:56", "10.20.30.40",
							    "::7", "0000:0007", "0:0:7", "MT2106X39270",
							    NULL };
	     *p; p++)
		ck_assert_msg(count_nocase(text, len, *p) == 0, "'%s' left in: %s", *p, text);
	ck_assert_uint_eq(count(bin, sizeof(bin), mac, 6), 0);
	ck_assert_uint_eq(count(bin, sizeof(bin), guid, 8), 0);
	ck_assert_uint_eq(count(bin, sizeof(bin), guid_le, 8), 0);
	ck_assert_uint_eq(count(bin, sizeof(bin), ip4, 4), 0);
	ck_assert_uint_eq(count(bin, sizeof(bin), ip6, 16), 0);
	ck_assert_uint_eq(count(bin, sizeof(bin), "MT2106X39270", 12), 0);
	scan_free(scan);
	ident_set_free(set);
	redact_key_free(k);
}
END_TEST

/* ----------------------------------------------------------------- rules */

START_TEST(test_rules_cmdline)
{
	struct redact_key *k = fixed_key(9);
	const char in[] = "BOOT_IMAGE=/vmlinuz root=UUID=1234-abcd ro quiet iommu=pt "
			  "mlx5_core.debug=1 hugepages=64 nfsroot=10.1.2.3:/srv/node7 x=\"a b\"";
	char out[sizeof(in)];

	redact_pseudo_cmdline(k, in, sizeof(in) - 1, out);
	out[sizeof(in) - 1] = '\0';
	ck_assert_uint_eq(strlen(out), strlen(in));
	ck_assert_ptr_nonnull(strstr(out, " ro quiet iommu=pt mlx5_core.debug=1 hugepages=64 "));
	ck_assert_ptr_null(strstr(out, "vmlinuz"));
	ck_assert_ptr_null(strstr(out, "1234-abcd"));
	ck_assert_ptr_null(strstr(out, "node7"));
	ck_assert_ptr_nonnull(strstr(out, "BOOT_IMAGE=/"));
	ck_assert_ptr_nonnull(strstr(out, "nfsroot="));
	redact_key_free(k);
}
END_TEST

START_TEST(test_rules_kinds)
{
	ck_assert_int_eq(rule_class(rule_for_kind("reg.MGIR")), RULE_BINARY);
	ck_assert_int_eq(rule_class(rule_for_kind("reg.MGIR.after")), RULE_BINARY);
	ck_assert_int_eq(rule_class(rule_for_kind("reg.NOSUCH")), RULE_UNKNOWN);
	ck_assert_int_eq(rule_class(rule_for_kind("kernel.log")), RULE_TEXT);
	ck_assert_int_eq(rule_class(rule_for_kind("health.fw_fatal.after")), RULE_BINARY);
	ck_assert_int_eq(rule_class(rule_for_kind("vendor.blob")), RULE_UNKNOWN);
	ck_assert(rule_required("trace.strings.3"));
	ck_assert(!rule_required("crspace"));
}
END_TEST

static void ring_block(uint8_t *blk, uint64_t ts)
{
	memset(blk, 0, TRACE_BLOCK_SIZE);
	for (unsigned i = 0; i < TRACE_EVENTS_PER_BLOCK - 1; i++)
		trace_encode_string_event(blk + i * 8, false, (uint8_t)(ts & 0x7f), 0x14, 1, 0, 0x1234);
	trace_encode_timestamp_event(blk + (TRACE_EVENTS_PER_BLOCK - 1) * 8, ts, 0);
}

/* The catalog's identifier marks name real registers and fields, split
 * values have both halves, and page-selected bytes lie inside the field. */
START_TEST(test_rules_catalog_marks)
{
	ck_assert_uint_ge(regcat_mark_count(), 3);
	for (size_t i = 0; i < regcat_mark_count(); i++) {
		const struct regcat_mark *m = regcat_mark_at(i);
		const struct regcat_reg *r = regcat_by_name(m->reg);
		const struct regcat_field *f = regcat_field(r, m->field);

		ck_assert_msg(r && f, "mark %zu: %s.%s is not in the catalog", i, m->reg, m->field);
		if (m->what == REGCAT_IDENT_MAC || m->what == REGCAT_IDENT_GUID) {
			char lo[96];
			size_t n = strlen(m->field);

			ck_assert_uint_gt(n, 6);
			snprintf(lo, sizeof(lo), "%.*s_31_0", (int)(n - 6), m->field);
			ck_assert_msg(regcat_field(r, lo), "%s.%s has no %s", m->reg, m->field, lo);
		}
		if (m->sel) {
			ck_assert_ptr_nonnull(regcat_field(r, m->sel));
			ck_assert_uint_le((uint64_t)m->byte + m->nbytes, f->width / 8);
		}
	}
}
END_TEST

/* resdump.QUERY_VNIC_ENV: regcat.def's segment marks find the addresses
 * in every resource segment and rewrite them as fields; the menu-type
 * segments, other dumps and a truncated segment are left alone. */
START_TEST(test_rules_segment_marks)
{
	static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 },
			     guid[8] = { 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 },
			     ip[4] = { 172, 16, 5, 9 },
			     ip6[16] = { 0xfd, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x09 };
	struct redact_key *k = fixed_key(11);
	struct ident_set *set;
	const struct rule *rule = rule_for_kind("resdump.QUERY_VNIC_ENV");
	uint8_t d[80 + 80 + 16 + 40], other[sizeof(d)];
	size_t o2 = 80, o3 = 160, o4 = 176;

	memset(d, 0, sizeof(d));
	/* Two resource segments of 80 bytes (20 dwords, type 0x4008), a
	 * 16-byte NOTICE segment (0xfff9), then a segment that claims more
	 * than is there. */
	for (size_t o = 0; o <= o2; o += o2) {
		fw_put_be32(d + o, 20u << 16 | 0x4008);
		memcpy(d + o + 0x22, mac, 6);
		memcpy(d + o + 0x28, guid, 8);
		memcpy(d + o + 0x30, ip, 4);
		memcpy(d + o + 0x40, ip6, 16);
	}
	fw_put_be32(d + o3, 4u << 16 | 0xfff9);
	fw_put_be32(d + o4, 20u << 16 | 0x4008);
	memcpy(d + o4 + 0x22, mac, 6);   /* inside the claimed length, which runs past the end */
	memcpy(other, d, sizeof(d));
	tu_assert_ok(ctx, ident_set_new(ctx, k, &set));
	tu_assert_ok(ctx, rule_discover(rule_for_kind("resdump.SHARED_BUFFER"), "resdump.SHARED_BUFFER",
					"emu", other, sizeof(other), set));
	ck_assert_uint_eq(ident_count(set), 0);
	/* The layout is the emulator's: a real card's dump is not read by it. */
	tu_assert_ok(ctx, rule_discover(rule, "resdump.QUERY_VNIC_ENV", "mlx5ctl", d, sizeof(d), set));
	ck_assert_uint_eq(ident_count(set), 0);
	ck_assert_int_eq(rule_rewrite(rule, "resdump.QUERY_VNIC_ENV", NULL, d, sizeof(d), set), 0);
	tu_assert_ok(ctx, rule_discover(rule, "resdump.QUERY_VNIC_ENV", "emu", d, sizeof(d), set));
	ck_assert(has_ident(set, ID_MAC, "02:11:22:33:44:55"));
	ck_assert(has_ident(set, ID_GUID, "021122fffe334455"));
	ck_assert(has_ident(set, ID_IPV4, "172.16.5.9"));
	ck_assert(has_ident(set, ID_IPV6, "fd00::9"));
	ck_assert_int_eq(rule_rewrite(rule, "resdump.QUERY_VNIC_ENV", "emu", d, sizeof(d), set), 8);
	for (size_t o = 0; o <= o2; o += o2) {
		ck_assert(memcmp(d + o + 0x22, mac, 6) != 0);
		ck_assert(!memcmp(d + o + 0x22, mac, 3));        /* the OUI stays */
		ck_assert(memcmp(d + o + 0x28, guid, 8) != 0);
		ck_assert(memcmp(d + o + 0x30, ip, 4) != 0);
		ck_assert(memcmp(d + o + 0x40, ip6, 16) != 0);
		ck_assert_uint_eq(fw_get_be32(d + o), 20u << 16 | 0x4008);  /* framing stays */
	}
	ck_assert(!memcmp(d + o4 + 0x22, mac, 6));   /* the walk stopped before it */
	ck_assert(!memcmp(d + o2 + 80, other + o2 + 80, sizeof(d) - o2 - 80));
	ident_set_free(set);
	redact_key_free(k);
}
END_TEST

/* PDDR's module-info page: the module serial is found and rewritten; the
 * other pages are left alone. */
START_TEST(test_rules_pddr_module_serial)
{
	struct redact_key *k = fixed_key(10);
	struct ident_set *set;
	const struct rule *rule = rule_for_kind("reg.PDDR");
	uint8_t pddr[256] = { 0 }, page0[256] = { 0 };

	fw_put_be32(pddr + 4, 3);                     /* page_select: MODULE_INFO */
	memcpy(pddr + 0x1c, "NVIDIA          ", 16);      /* vendor_name */
	memcpy(pddr + 0x44, "MT2201VS07654   ", 16);      /* vendor_sn */
	memcpy(page0 + 0x44, "MT2201VS07654   ", 16); /* page 0: not a serial there */
	tu_assert_ok(ctx, ident_set_new(ctx, k, &set));
	tu_assert_ok(ctx, rule_discover(rule, "reg.PDDR", "mlx5ctl", page0, sizeof(page0), set));
	ck_assert_uint_eq(ident_count(set), 0);
	tu_assert_ok(ctx, rule_discover(rule, "reg.PDDR", "mlx5ctl", pddr, sizeof(pddr), set));
	ck_assert(has_ident(set, ID_SERIAL, "MT2201VS07654"));
	ck_assert_int_eq(rule_rewrite(rule, "reg.PDDR", "mlx5ctl", pddr, sizeof(pddr), set), 1);
	ck_assert(memcmp(pddr + 0x44, "MT2201VS07654", 13) != 0);
	ck_assert(!memcmp(pddr + 0x44 + 13, "   ", 3));          /* the padding stays */
	ck_assert(!memcmp(pddr + 0x1c, "NVIDIA", 6));            /* the vendor too */
	ident_set_free(set);
	redact_key_free(k);
}
END_TEST

/* Issue 10: a marked register cut short (a read that returned less, a
 * hostile bundle) is read and rewritten only inside its bytes.  Every
 * length from 0 to the full size, each in a heap block of exactly that
 * size, so the ASan build fails on a read or write past the end; the
 * MAC is found exactly when both of its halves are there. */
START_TEST(test_rules_short_artifacts)
{
	static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const char *const kinds[] = { "reg.MGIR", "reg.NODE_DESC", "reg.PDDR" };
	const struct regcat_reg *mgir = regcat_by_name("MGIR");
	const struct regcat_field *hi = regcat_field(mgir, "manufacturing_base_mac_47_32"),
				  *lo = regcat_field(mgir, "manufacturing_base_mac_31_0");
	struct redact_key *k = fixed_key(12);
	size_t need;

	ck_assert_ptr_nonnull(hi);
	ck_assert_ptr_nonnull(lo);
	ck_assert_uint_eq(hi->width, 16);
	need = (lo->bit_off + lo->width) / 8;
	for (size_t ki = 0; ki < sizeof(kinds) / sizeof(kinds[0]); ki++) {
		const struct regcat_reg *reg = regcat_by_name(kinds[ki] + 4);
		const struct rule *rule = rule_for_kind(kinds[ki]);
		uint8_t *full;

		ck_assert_ptr_nonnull(reg);
		full = calloc(1, reg->size);
		ck_assert_ptr_nonnull(full);
		memset(full, 'A', reg->size);  /* text marks: a 'serial' everywhere */
		if (reg == mgir) {
			memcpy(full + hi->bit_off / 8, mac, 6);
		} else if (!strcmp(reg->name, "PDDR")) {
			fw_put_be32(full + 4, 3);  /* page_select: MODULE_INFO */
		}
		for (size_t len = 0; len <= reg->size; len++) {
			uint8_t *d = malloc(len ? len : 1);
			struct ident_set *set;
			int r;

			ck_assert_ptr_nonnull(d);
			memcpy(d, full, len);
			tu_assert_ok(ctx, ident_set_new(ctx, k, &set));
			tu_assert_ok(ctx, rule_discover(rule, kinds[ki], "mlx5ctl", d, len, set));
			r = rule_rewrite(rule, kinds[ki], "mlx5ctl", d, len, set);
			ck_assert_int_ge(r, 0);
			if (reg == mgir) {
				ck_assert_msg(has_ident(set, ID_MAC, "02:11:22:33:44:55") == (len >= need),
					      "MGIR cut to %zu bytes", len);
				ck_assert_int_eq(r, len >= need);
				if (len >= need)
					ck_assert(memcmp(d + hi->bit_off / 8, mac, 6) != 0);
			}
			ident_set_free(set);
			free(d);
		}
		free(full);
	}
	redact_key_free(k);
}
END_TEST

START_TEST(test_rules_time_cut)
{
	uint8_t ring[4 * TRACE_BLOCK_SIZE];
	char text[] = "# tracer: nop\n"
		      "  kw-1 [000] ..... 1.0: mlx5_fw: 0000:08:00.0 [0x100] 0 [0x14] early\n"
		      "  kw-1 [000] ..... 2.0: mlx5_fw: 0000:08:00.0 [0x200] 0 [0x14] middle\n"
		      "  kw-1 [000] ..... 3.0: mlx5_fw: 0000:08:00.0 [0x300] 0 [0x14] late\n";
	size_t nl;

	/* Ring order wraps: block 2 is the oldest. */
	ring_block(ring + 0 * TRACE_BLOCK_SIZE, 3000);
	ring_block(ring + 1 * TRACE_BLOCK_SIZE, 4000);
	ring_block(ring + 2 * TRACE_BLOCK_SIZE, 1000);
	ring_block(ring + 3 * TRACE_BLOCK_SIZE, 2000);
	ck_assert_uint_eq(rule_cut_ring(ring, sizeof(ring), true, 1500, true, 2500), 2);
	ck_assert_uint_ne(ring[3 * TRACE_BLOCK_SIZE + 1], 0);  /* 2000: in */
	ck_assert_uint_ne(ring[2 * TRACE_BLOCK_SIZE + 1], 0);  /* 1000: the block before */
	for (unsigned i = 0; i < TRACE_BLOCK_SIZE; i++) {
		ck_assert_uint_eq(ring[0 * TRACE_BLOCK_SIZE + i], 0);   /* 3000: after */
		ck_assert_uint_eq(ring[1 * TRACE_BLOCK_SIZE + i], 0);   /* 4000 */
	}
	/* Events of the block with timestamp 2000 (0x7d0) are rebuilt up to
	 * 0x7ff = 2047: a window from 2040 keeps it, one from 2048 does not. */
	ring_block(ring + 0 * TRACE_BLOCK_SIZE, 3000);
	ring_block(ring + 1 * TRACE_BLOCK_SIZE, 4000);
	ring_block(ring + 2 * TRACE_BLOCK_SIZE, 1000);
	ring_block(ring + 3 * TRACE_BLOCK_SIZE, 2000);
	ck_assert_uint_eq(rule_cut_ring(ring, sizeof(ring), true, 2040, true, 2045), 2);
	ck_assert_uint_ne(ring[3 * TRACE_BLOCK_SIZE + 1], 0);
	ring_block(ring + 0 * TRACE_BLOCK_SIZE, 3000);
	ring_block(ring + 1 * TRACE_BLOCK_SIZE, 4000);
	ring_block(ring + 2 * TRACE_BLOCK_SIZE, 1000);
	ring_block(ring + 3 * TRACE_BLOCK_SIZE, 2000);
	ck_assert_uint_eq(rule_cut_ring(ring, sizeof(ring), true, 2048, true, 2060), 4);
	ck_assert_uint_eq(rule_cut_text((uint8_t *)text, strlen(text), true, 0x200, true, 0x200, &nl),
			  2);
	text[nl] = '\0';
	ck_assert_ptr_nonnull(strstr(text, "# tracer"));
	ck_assert_ptr_nonnull(strstr(text, "middle"));
	ck_assert_ptr_null(strstr(text, "early"));
	ck_assert_ptr_null(strstr(text, "late"));
}
END_TEST

/* -------------------------------------------------------------- pipeline */

static const uint8_t P_MAC[6] = { 0x0c, 0x42, 0xa1, 0x5a, 0x6b, 0x7c };
static const uint8_t P_GUID[8] = { 0x0c, 0x42, 0xa1, 0x03, 0x00, 0x5a, 0x6b, 0x7c };
static const uint8_t P_IP[4] = { 10, 99, 17, 23 };
#define P_SERIAL "MT9988X77665"
#define P_HOST "gpu-node-17.lab.example.org"
#define P_DESC "MT4129 ConnectX7 gpu-node-17 HCA-1"

/* A bundle with the planted values in the places collect puts them, and
 * in binary dumps where only the second net can find them. */
static void make_planted(const char *path, const char *serial, const char *reason)
{
	struct bundle_writer *w;
	struct bundle_header h = { .host = P_HOST, .reason = reason,
				   .cmdline = "fwbox collect -o /home/carol/bundles" };
	struct bundle_device d = { .pci = "0000:08:00.0", .serial = serial, .psid = "MT_0000000838",
				   .fw_version = "28.39.1002", .sensitive = BUNDLE_DEV_SERIAL };
	struct bundle_artifact a = { .outcome = BUNDLE_OUTCOME_OK, .interface = "emu" };
	uint8_t mgir[160] = { 0 }, node[64] = { 0 }, ring[2 * TRACE_BLOCK_SIZE];
	static uint8_t crs[65536];
	uint32_t x = 77;
	char hostinfo[512], klog[512];
	int n;

	/* Incompressible, and with letters and digits around the planted
	 * strings: binary dumps have no word boundaries to rely on. */
	for (size_t i = 0; i < sizeof(crs); i++) {
		x = x * 1103515245u + 12345u;
		crs[i] = (uint8_t)(x >> 16);
	}
	crs[899] = 'x';
	crs[911] = '7';
	memcpy(crs + 100, P_MAC, 6);
	memcpy(crs + 300, P_GUID, 8);
	memcpy(crs + 500, P_IP, 4);
	memcpy(crs + 700, serial, strlen(serial));
	memcpy(crs + 900, "gpu-node-17", 11);
	memcpy(mgir + 0x12, P_MAC, 6);
	memcpy(node, P_DESC, strlen(P_DESC));
	ring_block(ring, 1000);
	ring_block(ring + TRACE_BLOCK_SIZE, 2000);
	n = snprintf(hostinfo, sizeof(hostinfo),
		     "hostname=%s\nkernel.cmdline=BOOT_IMAGE=/vmlinuz root=/dev/sda1 ip=10.99.17.23 ro\n"
		     "device.pci=0000:08:00.0\n", P_HOST);
	tu_assert_ok(ctx, bundle_writer_new(ctx, path, NULL, &w));
	tu_assert_ok(ctx, bundle_writer_set_header(w, &h));
	tu_assert_ok(ctx, bundle_writer_set_device(w, &d));
	{
		/* As fwbox watch records it: the driver's text may name things. */
		struct bundle_trigger t = { .source = "devlink", .reporter = "fw_fatal", .state = 1,
					    .message = "fatal on gpu-node-17 via 10.99.17.23" };

		tu_assert_ok(ctx, bundle_writer_set_trigger(w, &t));
	}
	a.kind = "reg.MGIR";
	tu_assert_ok(ctx, bundle_writer_add(w, &a, mgir, sizeof(mgir)));
	a.kind = "reg.NODE_DESC";
	tu_assert_ok(ctx, bundle_writer_add(w, &a, node, sizeof(node)));
	a.kind = "crspace";
	tu_assert_ok(ctx, bundle_writer_add(w, &a, crs, sizeof(crs)));
	a.kind = "trace.ring";
	tu_assert_ok(ctx, bundle_writer_add(w, &a, ring, sizeof(ring)));
	n = snprintf(klog, sizeof(klog),
		     "mlx5_core 0000:08:00.0 ens1: Link up, MAC 0C:42:A1:5A:6B:7C\n"
		     "IPoIB GUID 0x0c42a103005a6b7c via 10.99.17.23 on %s\n", P_HOST);
	a.kind = "kernel.log";
	tu_assert_ok(ctx, bundle_writer_add(w, &a, klog, (size_t)n));
	a.kind = "vendor.blob";
	tu_assert_ok(ctx, bundle_writer_add(w, &a, "opaque", 6));
	a.kind = "host.info";
	tu_assert_ok(ctx, bundle_writer_add(w, &a, hostinfo, strlen(hostinfo)));
	tu_assert_ok(ctx, bundle_writer_commit(w, NULL));
	bundle_writer_free(w);
}

struct all_members {
	uint8_t *data;
	size_t len;
};

static int collect_data(void *ud, const struct bundle_artifact *a, const void *buf, size_t len)
{
	struct all_members *m = ud;

	(void)a;
	m->data = realloc(m->data, m->len + len);
	memcpy(m->data + m->len, buf, len);
	m->len += len;
	return 0;
}

/* Every member's bytes and every index string, concatenated. */
static void read_everything(const char *path, struct all_members *m)
{
	static const struct bundle_visitor v = { .data = collect_data };
	struct bundle *b;
	const struct bundle_header *h;
	const struct bundle_device *d;

	memset(m, 0, sizeof(*m));
	tu_assert_ok(ctx, bundle_open(ctx, path, &b));
	tu_assert_ok(ctx, bundle_stream(b, &v, m));
	h = bundle_get_header(b);
	d = bundle_get_device(b);
	{
		const struct bundle_trigger *t = bundle_get_trigger(b);
		const char *s[] = { h->host, h->reason, h->cmdline, d->serial, d->board_id,
				    t ? t->message : NULL };

		for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
			if (s[i])
				collect_data(m, NULL, s[i], strlen(s[i]));
	}
	for (size_t i = 0; i < bundle_artifact_count(b); i++)
		collect_data(m, NULL, bundle_artifact_at(b, i)->reason,
			     strlen(bundle_artifact_at(b, i)->reason));
	bundle_close(b);
}

static struct redact_options opts(void)
{
	struct redact_options o = { .map_path = "site.map", .compression = BUNDLE_COMPRESS_ZSTD };

	return o;
}

START_TEST(test_pipeline_zero_hits)
{
	struct redact_options o = opts();
	struct redact_report *rep;
	struct all_members m;
	const char *blob_why = NULL;
	struct bundle *b;

	make_planted("in.tar.zst", P_SERIAL, "link flap on rack 12");
	tu_assert_ok(ctx, redact_bundle(ctx, "in.tar.zst", "out.tar.zst", &o, &rep));
	ck_assert(rep->key_created);
	for (size_t i = 0; i < rep->n_members; i++)
		if (!strcmp(rep->members[i].kind, "vendor.blob")) {
			ck_assert_int_eq(rep->members[i].action, REDACT_DROPPED);
			blob_why = rep->members[i].why;
		}
	ck_assert_ptr_nonnull(blob_why);
	ck_assert_ptr_nonnull(strstr(blob_why, "--keep"));
	read_everything("out.tar.zst", &m);
	ck_assert_uint_eq(count(m.data, m.len, P_MAC, 6), 0);
	ck_assert_uint_eq(count(m.data, m.len, P_GUID, 8), 0);
	ck_assert_uint_eq(count(m.data, m.len, P_IP, 4), 0);
	for (const char *const *p = (const char *const[]){ P_SERIAL, "gpu-node-17", "example.org",
							    "5a:6b:7c", "0c42a103005a6b7c",
							    "10.99.17.23", "carol", "rack 12",
							    "vmlinuz", "opaque", NULL };
	     *p; p++)
		ck_assert_msg(count_nocase((char *)m.data, m.len, *p) == 0, "'%s' left", *p);
	free(m.data);
	/* A new bundle that verifies, with the trace still decodable. */
	tu_assert_ok(ctx, bundle_open(ctx, "out.tar.zst", &b));
	tu_assert_ok(ctx, bundle_verify(b, NULL, NULL));
	ck_assert_ptr_nonnull(bundle_find_kind(b, "vendor.blob"));
	ck_assert_uint_eq(bundle_find_kind(b, "vendor.blob")->size, 0);
	ck_assert_int_eq(bundle_find_kind(b, "vendor.blob")->outcome, BUNDLE_OUTCOME_SKIPPED);
	ck_assert_uint_eq(bundle_find_kind(b, "crspace")->size, 65536);
	ck_assert_str_eq(bundle_get_header(b)->reason, "(redacted)");
	ck_assert_ptr_nonnull(bundle_get_trigger(b));
	ck_assert_str_eq(bundle_get_trigger(b)->reporter, "fw_fatal");
	ck_assert_ptr_null(strstr(bundle_get_trigger(b)->message, "10.99.17.23"));
	bundle_close(b);
	redact_report_free(rep);
}
END_TEST

static char *pseudonym_of(const struct redact_report *rep, const char *type, const char *value)
{
	for (size_t i = 0; i < rep->n_idents; i++)
		if (!strcmp(rep->idents[i].type, type) && !strcmp(rep->idents[i].value, value))
			return strdup(rep->idents[i].pseudonym);
	return NULL;
}

START_TEST(test_pipeline_stable_pseudonyms)
{
	struct redact_options o = opts(), o2 = opts();
	struct redact_report *r1, *r2, *r3;
	char *s1, *s2, *s3, *m1, *m2, *m3;

	make_planted("a.tar.zst", P_SERIAL, "");
	make_planted("b.tar.zst", P_SERIAL, "");
	tu_assert_ok(ctx, redact_bundle(ctx, "a.tar.zst", "a.out", &o, &r1));
	tu_assert_ok(ctx, redact_bundle(ctx, "b.tar.zst", "b.out", &o, &r2));
	o2.map_path = "other.map";
	tu_assert_ok(ctx, redact_bundle(ctx, "a.tar.zst", "c.out", &o2, &r3));
	ck_assert_str_eq(r1->key_id, r2->key_id);
	ck_assert_str_ne(r1->key_id, r3->key_id);
	s1 = pseudonym_of(r1, "serial", P_SERIAL);
	s2 = pseudonym_of(r2, "serial", P_SERIAL);
	s3 = pseudonym_of(r3, "serial", P_SERIAL);
	m1 = pseudonym_of(r1, "mac", "0c:42:a1:5a:6b:7c");
	m2 = pseudonym_of(r2, "mac", "0c:42:a1:5a:6b:7c");
	m3 = pseudonym_of(r3, "mac", "0c:42:a1:5a:6b:7c");
	ck_assert_ptr_nonnull(s1);
	ck_assert_ptr_nonnull(m1);
	ck_assert_str_eq(s1, s2);
	ck_assert_str_eq(m1, m2);
	ck_assert_str_ne(s1, s3);
	ck_assert_str_ne(m1, m3);
	ck_assert(!strncmp(m1, "0c:42:a1:", 9));
	/* Different bundles, different UUIDs. */
	ck_assert(memcmp(r1->uuid, r2->uuid, 16) != 0);
	free(s1), free(s2), free(s3), free(m1), free(m2), free(m3);
	redact_report_free(r1);
	redact_report_free(r2);
	redact_report_free(r3);
}
END_TEST

START_TEST(test_pipeline_preview_writes_nothing)
{
	struct redact_options o = opts();
	struct redact_report *rep;

	make_planted("in.tar.zst", P_SERIAL, "x");
	o.preview = true;
	o.max_size = 1; /* forces the size probe too */
	ck_assert_int_eq(redact_bundle(ctx, "in.tar.zst", "out.tar.zst", &o, &rep), -EFBIG);
	o.max_size = 0;
	tu_assert_ok(ctx, redact_bundle(ctx, "in.tar.zst", "out.tar.zst", &o, &rep));
	ck_assert(rep->key_ephemeral);
	ck_assert_int_ne(access("out.tar.zst", F_OK), 0);
	ck_assert_int_ne(access("site.map", F_OK), 0);
	ck_assert_uint_eq(rep->n_members, 7);
	redact_report_free(rep);
}
END_TEST

START_TEST(test_pipeline_options)
{
	struct redact_options o = opts();
	struct redact_report *rep;
	struct bundle *b;
	const char *masks[] = { "opaque" };

	make_planted("in.tar.zst", P_SERIAL, "");
	o.keep = "vendor.*";
	o.mask = masks;
	o.n_mask = 1;
	o.skip = "crspace";
	o.have_until = true;   /* the ring: blocks 1000 (kept) and 2000 (cut) */
	o.until = 1500;
	o.case_id = "SR-1234";
	tu_assert_ok(ctx, redact_bundle(ctx, "in.tar.zst", ".", &o, &rep));
	ck_assert_ptr_nonnull(strstr(rep->output, "/fwbox-SR-1234-redacted-0000-08-00.0-"));
	tu_assert_ok(ctx, bundle_open(ctx, rep->output, &b));
	ck_assert_uint_eq(bundle_find_kind(b, "vendor.blob")->size, 6);
	ck_assert_uint_eq(bundle_find_kind(b, "crspace")->size, 0);
	for (size_t i = 0; i < rep->n_members; i++) {
		const struct redact_member_info *m = &rep->members[i];

		if (!strcmp(m->kind, "trace.ring"))
			ck_assert_uint_eq(m->cut, 1);
		if (!strcmp(m->kind, "vendor.blob"))
			ck_assert_int_eq(m->action, REDACT_REDACTED); /* the mask hit it */
	}
	bundle_close(b);
	redact_report_free(rep);
	/* Bad options are refused before anything is read. */
	o.case_id = "../x";
	ck_assert_int_eq(redact_options_check(ctx, &o), -EINVAL);
	o.case_id = NULL;
	masks[0] = "ab";
	ck_assert_int_eq(redact_options_check(ctx, &o), -EINVAL);
}
END_TEST

START_TEST(test_pipeline_max_size)
{
	struct redact_options o = opts();
	struct redact_report *rep;
	struct stat st;
	bool crspace_cut = false;

	make_planted("in.tar.zst", P_SERIAL, "");
	ck_assert_int_eq(stat("in.tar.zst", &st), 0);
	o.max_size = (uint64_t)st.st_size - 1024;
	tu_assert_ok(ctx, redact_bundle(ctx, "in.tar.zst", "out.tar.zst", &o, &rep));
	ck_assert_int_eq(stat("out.tar.zst", &st), 0);
	ck_assert_uint_le((uint64_t)st.st_size, o.max_size);
	ck_assert_uint_eq(rep->out_bytes, (uint64_t)st.st_size);
	for (size_t i = 0; i < rep->n_members; i++)
		if (!strcmp(rep->members[i].kind, "crspace"))
			crspace_cut = rep->members[i].size_cut;
	ck_assert(crspace_cut); /* the largest optional artifact went first */
	redact_report_free(rep);
	o.max_size = 100;
	ck_assert_int_eq(redact_bundle(ctx, "in.tar.zst", "small.tar.zst", &o, &rep), -EFBIG);
	ck_assert_int_ne(access("small.tar.zst", F_OK), 0);
}
END_TEST

START_TEST(test_pipeline_hostile_refused)
{
	struct redact_options o = opts();
	struct redact_report *rep = NULL;
	const char *fx[] = { "flipped.tar", "duplicate.tar", "dotdot.tar", "missing.tar",
			     "symlink.tar", "cut-mid.tar" };

	for (size_t i = 0; i < sizeof(fx) / sizeof(fx[0]); i++) {
		char rel[128];

		snprintf(rel, sizeof(rel), "tests/fixtures/bundle/%s", fx[i]);
		ck_assert_msg(redact_bundle(ctx, tu_srcpath(rel), "out.tar.zst", &o, &rep) < 0,
			      "%s accepted", fx[i]);
		ck_assert_int_ne(access("out.tar.zst", F_OK), 0);
		ck_assert_int_ne(access("site.map", F_OK), 0); /* no key made for it */
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("redact");
	TCase *tc;

	tc = tcase_create("scan");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_scan_text_case_and_bounds);
	tcase_add_test(tc, test_scan_decimal_bounds);
	tcase_add_test(tc, test_scan_longest_and_suffix);
	tcase_add_test(tc, test_scan_raw_edges_and_overlap);
	tcase_add_test(tc, test_scan_limits);
	tcase_add_test(tc, test_scan_duplicates_loosest_bounds);
	tcase_add_test(tc, test_scan_against_naive);
	tcase_add_test(tc, test_scan_simd_same_as_scalar);
	suite_add_tcase(s, tc);

	tc = tcase_create("key");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_key_file_lifecycle);
	tcase_add_test(tc, test_pseudo_mac_guid);
	tcase_add_test(tc, test_pseudo_ipv4_prefix);
	tcase_add_test(tc, test_pseudo_ipv6_shape);
	tcase_add_test(tc, test_pseudo_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("ident");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_discover_text);
	tcase_add_test(tc, test_compile_every_spelling);
	tcase_add_test(tc, test_discover_simd_same_as_scalar);
	suite_add_tcase(s, tc);

	tc = tcase_create("rules");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_rules_cmdline);
	tcase_add_test(tc, test_rules_kinds);
	tcase_add_test(tc, test_rules_time_cut);
	tcase_add_test(tc, test_rules_catalog_marks);
	tcase_add_test(tc, test_rules_pddr_module_serial);
	tcase_add_test(tc, test_rules_segment_marks);
	tcase_add_test(tc, test_rules_short_artifacts);
	suite_add_tcase(s, tc);

	tc = tcase_create("pipeline");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pipeline_zero_hits);
	tcase_add_test(tc, test_pipeline_stable_pseudonyms);
	tcase_add_test(tc, test_pipeline_preview_writes_nothing);
	tcase_add_test(tc, test_pipeline_options);
	tcase_add_test(tc, test_pipeline_max_size);
	tcase_add_test(tc, test_pipeline_hostile_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
