/* SPDX-License-Identifier: MIT */
/* Check suite for src/core: context errors, bounded reader, growable buffer, SHA-256. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/bytes.h"
#include "core/nlwalk.h"
#include "core/text.h"
#include "testutil.h"

START_TEST(test_error_message)
{
	struct fw_ctx *ctx;

	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	ck_assert_int_eq(fw_ctx_errcode(ctx), 0);
	ck_assert_int_eq(fw_error(ctx, -EBADMSG, "note %u: bad size %u", 3u, 9u), -EBADMSG);
	ck_assert_str_eq(fw_ctx_errmsg(ctx), "note 3: bad size 9");
	ck_assert_int_eq(fw_error_prefix(ctx, -EBADMSG, "'%s'", "x.tar"), -EBADMSG);
	ck_assert_str_eq(fw_ctx_errmsg(ctx), "'x.tar': note 3: bad size 9");
	fw_ctx_clear_error(ctx);
	ck_assert_int_eq(fw_ctx_errcode(ctx), 0);
	ck_assert(!fw_ctx_cancelled(ctx));
	fw_ctx_request_cancel(ctx);
	ck_assert(fw_ctx_cancelled(ctx));
	fw_ctx_free(ctx);
}
END_TEST

START_TEST(test_cursor_bounds)
{
	const uint8_t buf[6] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc };
	struct fw_cursor c;

	fw_cursor_init(&c, buf, sizeof(buf));
	ck_assert_uint_eq(fw_cursor_be32(&c), 0x12345678u);
	ck_assert_uint_eq(fw_cursor_left(&c), 2);
	ck_assert(!c.error);
	ck_assert_uint_eq(fw_cursor_be32(&c), 0); /* only 2 left */
	ck_assert(c.error);
	ck_assert_uint_eq(fw_cursor_left(&c), 0);
	ck_assert_ptr_null(fw_cursor_take(&c, 1)); /* sticky */

	fw_cursor_init(&c, buf, sizeof(buf));
	ck_assert(!fw_cursor_skip(&c, SIZE_MAX)); /* no wrap-around */
	ck_assert(!fw_range_ok(6, 4, SIZE_MAX - 1));
	ck_assert(fw_range_ok(6, 6, 0));
	ck_assert(!fw_range_ok(6, 7, 0));
}
END_TEST

START_TEST(test_mlx5_bits)
{
	uint8_t buf[8] = { 0 };

	fw_mlx5_set(buf, 0, 16, 0x0805);      /* opcode in the top half of dword 0 */
	fw_mlx5_set(buf, 48, 16, 0x0001);     /* op_mod: low half of dword 1 */
	ck_assert_uint_eq(fw_get_be32(buf), 0x08050000u);
	ck_assert_uint_eq(fw_get_be32(buf + 4), 0x00000001u);
	ck_assert_uint_eq(fw_mlx5_get(buf, 0, 16), 0x0805);
	ck_assert_uint_eq(fw_mlx5_get(buf, 63, 1), 1);
	fw_mlx5_set(buf, 32, 32, 0xdeadbeef);
	ck_assert_uint_eq(fw_mlx5_get(buf, 32, 32), 0xdeadbeefu);
}
END_TEST

START_TEST(test_mlx5_get_in)
{
	static const uint8_t bytes[6] = { 0x00, 0xa1, 0x10, 0x1d, 0x0a, 0xbc };
	uint8_t *b = malloc(sizeof(bytes));     /* exact size: ASan sees byte 6 */
	uint32_t v = 7;

	ck_assert_ptr_nonnull(b);
	memcpy(b, bytes, sizeof(bytes));
	ck_assert(fw_mlx5_get_in(b, 6, 0, 16, &v));
	ck_assert_uint_eq(v, 0xa1);
	ck_assert(fw_mlx5_get_in(b, 6, 0, 32, &v));
	ck_assert_uint_eq(v, 0x00a1101du);
	ck_assert(fw_mlx5_get_in(b, 6, 36, 12, &v));     /* bytes 4-5 of dword 1 */
	ck_assert_uint_eq(v, 0xabc);
	ck_assert(fw_mlx5_get_in(b, 6, 47, 1, &v));
	ck_assert_uint_eq(v, 0);
	ck_assert(!fw_mlx5_get_in(b, 6, 44, 5, &v));     /* reaches byte 6 */
	ck_assert_uint_eq(v, 0);
	ck_assert(!fw_mlx5_get_in(b, 6, 32, 32, &v));
	ck_assert(!fw_mlx5_get_in(b, 6, 30, 4, &v));     /* crosses a dword */
	ck_assert(!fw_mlx5_get_in(b, 6, 0, 0, &v));
	ck_assert(!fw_mlx5_get_in(b, 6, 0, 33, &v));
	ck_assert(!fw_mlx5_get_in(b, 6, SIZE_MAX - 7, 8, &v));
	ck_assert(!fw_mlx5_get_in(b, 0, 0, 1, &v));
	free(b);
}
END_TEST

/* One netlink message header (host order) into buf at off. */
static size_t put_nlmsg(uint8_t *buf, size_t off, uint32_t len, uint16_t type, uint16_t flags,
			uint32_t seq)
{
	memcpy(buf + off, &len, 4);
	memcpy(buf + off + 4, &type, 2);
	memcpy(buf + off + 6, &flags, 2);
	memcpy(buf + off + 8, &seq, 4);
	memset(buf + off + 12, 0, 4);
	return off + 16;
}

static size_t put_nla(uint8_t *buf, size_t off, uint16_t len, uint16_t type)
{
	memcpy(buf + off, &len, 2);
	memcpy(buf + off + 2, &type, 2);
	return off + 4;
}

START_TEST(test_nlwalk_messages)
{
	uint8_t buf[64] = { 0 };
	struct fw_nlwalk w;
	struct fw_nlmsg m;
	uint8_t *ff;

	/* Two messages, the first 21 bytes long (padded to 24). */
	put_nlmsg(buf, 0, 21, 0x14, 2, 7);
	put_nlmsg(buf, 24, 20, 3, 2, 7);
	fw_nlwalk_init(&w, buf, 44);
	ck_assert_int_eq(fw_nlmsg_next(&w, &m), 1);
	ck_assert_uint_eq(m.len, 21);
	ck_assert_uint_eq(m.type, 0x14);
	ck_assert_uint_eq(m.seq, 7);
	ck_assert_uint_eq(m.payload_len, 5);
	ck_assert_ptr_eq(m.payload, buf + 16);
	ck_assert_int_eq(fw_nlmsg_next(&w, &m), 1);
	ck_assert_uint_eq(m.offset, 24);
	ck_assert_uint_eq(m.type, 3);
	ck_assert_int_eq(fw_nlmsg_next(&w, &m), 0);
	/* The last message's padding may be missing. */
	fw_nlwalk_init(&w, buf, 21);
	ck_assert_int_eq(fw_nlmsg_next(&w, &m), 1);
	ck_assert_int_eq(fw_nlmsg_next(&w, &m), 0);

	/* Issue 10: nlmsg_len of 2^31 passed libmnl's signed check. */
	put_nlmsg(buf, 0, 0x80000000u, 0x14, 2, 7);
	fw_nlwalk_init(&w, buf, 64);
	ck_assert_int_eq(fw_nlmsg_next(&w, &m), -EBADMSG);
	ck_assert(w.bad);
	ck_assert_int_eq(fw_nlmsg_next(&w, &m), -EBADMSG);     /* sticky */
	/* 0xb0000000 is the length that made libmnl's walk SEGV: the signed
	 * "bytes left" minus it wraps back to positive, and the next header
	 * was read 2.9 GB past the buffer (a probe of main's walker before
	 * core/nlwalk crashed in mnl_nlmsg_ok on exactly this). */
	put_nlmsg(buf, 0, 0xb0000000u, 0x14, 2, 7);
	fw_nlwalk_init(&w, buf, 64);
	ck_assert_int_eq(fw_nlmsg_next(&w, &m), -EBADMSG);
	/* ... and 68 bytes of 0xff (length 2^32-1) made it spin for ever. */
	ff = malloc(68);
	ck_assert_ptr_nonnull(ff);
	memset(ff, 0xff, 68);
	fw_nlwalk_init(&w, ff, 68);
	ck_assert_int_eq(fw_nlmsg_next(&w, &m), -EBADMSG);
	free(ff);
	/* Below the header, one past the end, a cut header. */
	put_nlmsg(buf, 0, 15, 0x14, 2, 7);
	fw_nlwalk_init(&w, buf, 64);
	ck_assert_int_eq(fw_nlmsg_next(&w, &m), -EBADMSG);
	put_nlmsg(buf, 0, 33, 0x14, 2, 7);
	fw_nlwalk_init(&w, buf, 32);
	ck_assert_int_eq(fw_nlmsg_next(&w, &m), -EBADMSG);
	fw_nlwalk_init(&w, buf, 15);
	ck_assert_int_eq(fw_nlmsg_next(&w, &m), -EBADMSG);
	fw_nlwalk_init(&w, NULL, 0);
	ck_assert_int_eq(fw_nlmsg_next(&w, &m), 0);
}
END_TEST

START_TEST(test_nlwalk_attrs)
{
	uint8_t buf[32] = { 0 };
	struct fw_nlwalk w, in;
	struct fw_nlattr a, b;

	/* A nest (type 114 | NLA_F_NESTED) holding a 5-byte string attribute. */
	put_nla(buf, 0, 4 + 12, 114 | 0x8000);
	put_nla(buf, 4, 9, 115);
	memcpy(buf + 8, "abcd", 5);
	put_nla(buf, 16, 8, 116);
	fw_nlwalk_init(&w, buf, 24);
	ck_assert_int_eq(fw_nlattr_next(&w, &a), 1);
	ck_assert_uint_eq(a.type, 114);
	ck_assert_uint_eq(a.raw_type, 114 | 0x8000);
	ck_assert_uint_eq(a.len, 12);
	fw_nlwalk_nested(&in, &a);
	ck_assert_int_eq(fw_nlattr_next(&in, &b), 1);
	ck_assert_uint_eq(b.type, 115);
	ck_assert_uint_eq(b.len, 5);
	ck_assert_str_eq((const char *)b.data, "abcd");
	ck_assert_int_eq(fw_nlattr_next(&in, &b), 0);
	ck_assert_int_eq(fw_nlattr_next(&w, &a), 1);
	ck_assert_uint_eq(a.type, 116);
	ck_assert_int_eq(fw_nlattr_next(&w, &a), 0);
	/* nla_len past what is left, below the header, a cut header. */
	put_nla(buf, 16, 12, 116);
	fw_nlwalk_init(&w, buf, 24);
	ck_assert_int_eq(fw_nlattr_next(&w, &a), 1);
	ck_assert_int_eq(fw_nlattr_next(&w, &a), -EBADMSG);
	put_nla(buf, 0, 3, 1);
	fw_nlwalk_init(&w, buf, 24);
	ck_assert_int_eq(fw_nlattr_next(&w, &a), -EBADMSG);
	fw_nlwalk_init(&w, buf, 3);
	ck_assert_int_eq(fw_nlattr_next(&w, &a), -EBADMSG);
	memset(buf, 0xff, sizeof(buf));
	fw_nlwalk_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(fw_nlattr_next(&w, &a), -EBADMSG);
}
END_TEST

START_TEST(test_sha256_vectors)
{
	uint8_t d[FW_SHA256_LEN];
	char hex[FW_SHA256_HEX];
	struct fw_sha256 *h;

	/* FIPS 180-2 test vectors. */
	ck_assert_int_eq(fw_sha256("abc", 3, d), 0);
	fw_sha256_hex(d, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_int_eq(fw_sha256("", 0, d), 0);
	fw_sha256_hex(d, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

	ck_assert_int_eq(fw_sha256_new(&h), 0);
	ck_assert_int_eq(fw_sha256_update(h, "a", 1), 0);
	ck_assert_int_eq(fw_sha256_update(h, "bc", 2), 0);
	ck_assert_int_eq(fw_sha256_final(h, d), 0);
	fw_sha256_hex(d, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	fw_sha256_free(h);
}
END_TEST

START_TEST(test_format_utc)
{
	char buf[40];

	fw_format_utc(1764043174123000000ull, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2025-11-25T03:59:34.123Z");
}
END_TEST

START_TEST(test_utf8_sanitize)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} v[] = {
		{ "plain \x01\x1b[31m", 12, "plain \x01\x1b[31m" },	/* controls are valid UTF-8 */
		{ "bad\xff\xfe\x80 text", 12, "bad\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd text" },
		{ "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" },
		{ "\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd" },		/* overlong '/' */
		{ "\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* surrogate */
		{ "\xf4\x90\x80\x80", 4, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "x\xe2\x82", 3, "x\xef\xbf\xbd\xef\xbf\xbd" },		/* truncated at the end */
		{ "a\0b", 3, "a" },						/* NUL ends the C string */
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *o = fw_utf8_sanitize(v[i].in, v[i].len);

		ck_assert_ptr_nonnull(o);
		ck_assert_msg(strcmp(o, v[i].out) == 0, "case %zu", i);
		free(o);
	}
	ck_assert_uint_eq(fw_utf8_valid_len((const unsigned char *)"\xe2\x82\xac", 3), 3);
	ck_assert_uint_eq(fw_utf8_valid_len((const unsigned char *)"\xe2\x82\xac", 2), 0);
}
END_TEST

START_TEST(test_buf_grow)
{
	struct fw_buf b = { 0 };
	size_t len;
	char *s;

	ck_assert_str_eq(fw_buf_str(&b), "");
	for (unsigned i = 0; i < 10000; i++)
		ck_assert_int_eq(fw_buf_putc(&b, (uint8_t)('a' + i % 26)), 0);
	ck_assert_uint_eq(b.len, 10000);
	ck_assert_uint_gt(b.cap, b.len); /* the spare byte for the NUL */
	ck_assert_uint_le(b.cap, 2 * 10001);
	ck_assert_int_eq(b.data[9999], 'a' + 9999 % 26);
	ck_assert_int_eq(fw_buf_zeros(&b, 3), 0);
	ck_assert_int_eq(fw_buf_puts(&b, "tail"), 0);
	ck_assert_uint_eq(b.len, 10007);
	ck_assert_int_eq(b.data[10001], 0);
	ck_assert_str_eq(fw_buf_str(&b) + 10003, "tail");
	s = fw_buf_steal(&b, &len);
	ck_assert_uint_eq(len, 10007);
	ck_assert_str_eq(s + 10003, "tail");
	free(s);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_null(fw_buf_steal(&b, &len));
	ck_assert_uint_eq(len, 0);
	fw_buf_release(&b);
	fw_buf_release(&b); /* twice is fine */
}
END_TEST

START_TEST(test_buf_ceiling)
{
	struct fw_buf b;

	fw_buf_init(&b, 8);
	ck_assert_int_eq(fw_buf_put(&b, "12345678", 8), 0);
	ck_assert_int_eq(fw_buf_putc(&b, '9'), -EOVERFLOW);
	ck_assert_int_eq(fw_buf_put(&b, "9", 1), -EOVERFLOW);
	ck_assert_int_eq(fw_buf_printf(&b, "%d", 9), -EOVERFLOW);
	ck_assert_int_eq(fw_buf_zeros(&b, 1), -EOVERFLOW);
	ck_assert_int_eq(fw_buf_put(&b, "", 0), 0);
	/* A refused put leaves the contents alone. */
	ck_assert_uint_eq(b.len, 8);
	ck_assert_str_eq(fw_buf_str(&b), "12345678");
	/* Sizes that would wrap are refused before any arithmetic. */
	fw_buf_reset(&b);
	ck_assert_int_eq(fw_buf_reserve(&b, SIZE_MAX), -EOVERFLOW);
	ck_assert_int_eq(fw_buf_reserve(&b, SIZE_MAX - 1), -EOVERFLOW);
	fw_buf_release(&b);
	fw_buf_init(&b, 0);
	ck_assert_int_eq(fw_buf_put(&b, "x", 1), 0);
	ck_assert_int_eq(fw_buf_reserve(&b, FW_BUF_MAX), -EOVERFLOW);
	ck_assert_uint_eq(b.len, 1);
	fw_buf_release(&b);
}
END_TEST

START_TEST(test_buf_printf)
{
	struct fw_buf b = { 0 };
	char big[300];

	ck_assert_int_eq(fw_buf_printf(&b, "%s=%u", "a", 1u), 0);
	ck_assert_int_eq(fw_buf_printf(&b, ",%s=%u", "bb", 22u), 0);
	ck_assert_str_eq(fw_buf_str(&b), "a=1,bb=22");
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(fw_buf_printf(&b, "[%s]", big), 0); /* grows mid-format */
	ck_assert_uint_eq(b.len, 9 + 301);
	ck_assert_int_eq(fw_buf_str(&b)[b.len - 1], ']');
	ck_assert_int_eq(fw_buf_str(&b)[b.len], '\0');
	fw_buf_release(&b);
}
END_TEST

START_TEST(test_grow_array)
{
	struct rec {
		uint64_t a, b;
	} *v = NULL;
	size_t cap = 0;

	for (size_t n = 0; n < 1000; n++) {
		ck_assert_int_eq(fw_grow((void **)&v, &cap, n + 1, sizeof(*v), 0), 0);
		v[n].a = n;
	}
	ck_assert_uint_ge(cap, 1000);
	ck_assert_uint_lt(cap, 2048);
	ck_assert_uint_eq(v[999].a, 999);
	/* The ceiling is in elements; the array is unchanged when refused. */
	ck_assert_int_eq(fw_grow((void **)&v, &cap, 1001, sizeof(*v), 1000), 0); /* fits cap */
	ck_assert_int_eq(fw_grow((void **)&v, &cap, cap + 1, sizeof(*v), cap), -EOVERFLOW);
	/* need * elem would wrap size_t. */
	ck_assert_int_eq(fw_grow((void **)&v, &cap, SIZE_MAX / 8, sizeof(*v), 0), -EOVERFLOW);
	ck_assert_int_eq(fw_grow((void **)&v, &cap, cap + 1, 0, 0), -EINVAL);
	ck_assert_uint_eq(v[999].a, 999);
	free(v);
}
END_TEST

START_TEST(test_hex)
{
	static const uint8_t in[] = { 0x00, 0x0f, 0xa5, 0xff };
	char out[2 * sizeof(in) + 1];

	memset(out, 'x', sizeof(out));
	fw_hex(in, sizeof(in), out);
	ck_assert_str_eq(out, "000fa5ff");
	fw_hex(in, 0, out);
	ck_assert_str_eq(out, "");
}
END_TEST

struct problems {
	unsigned n;
	uint64_t off;
	int err;
	char msg[FW_PROBLEM_MAX + 8];
};

static void on_problem(void *ud, uint64_t off, int err, const char *msg)
{
	struct problems *p = ud;

	p->n++;
	p->off = off;
	p->err = err;
	snprintf(p->msg, sizeof(p->msg), "%s", msg);
}

START_TEST(test_problemf)
{
	struct problems p = { 0 };
	char big[2 * FW_PROBLEM_MAX];

	fw_problemf(on_problem, &p, 42, -EBADMSG, "field '%s' at %u", "len", 7u);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(p.off, 42);
	ck_assert_int_eq(p.err, -EBADMSG);
	ck_assert_str_eq(p.msg, "field 'len' at 7");
	/* No callback: nothing happens. */
	fw_problemf(NULL, &p, 1, -EIO, "ignored");
	ck_assert_uint_eq(p.n, 1);
	/* A long message is cut at FW_PROBLEM_MAX - 1 characters. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fw_problemf(on_problem, &p, 0, -EBADMSG, "%s", big);
	ck_assert_uint_eq(strlen(p.msg), FW_PROBLEM_MAX - 1);
}
END_TEST

static Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("ctx");

	tcase_add_test(tc, test_error_message);
	suite_add_tcase(s, tc);
	tc = tcase_create("bytes");
	tcase_add_test(tc, test_cursor_bounds);
	tcase_add_test(tc, test_mlx5_bits);
	tcase_add_test(tc, test_mlx5_get_in);
	tcase_add_test(tc, test_nlwalk_messages);
	tcase_add_test(tc, test_nlwalk_attrs);
	suite_add_tcase(s, tc);
	tc = tcase_create("buf");
	tcase_add_test(tc, test_buf_grow);
	tcase_add_test(tc, test_buf_ceiling);
	tcase_add_test(tc, test_buf_printf);
	tcase_add_test(tc, test_grow_array);
	suite_add_tcase(s, tc);
	tc = tcase_create("sha256");
	tcase_add_test(tc, test_sha256_vectors);
	tcase_add_test(tc, test_format_utc);
	tcase_add_test(tc, test_utf8_sanitize);
	tcase_add_test(tc, test_hex);
	tcase_add_test(tc, test_problemf);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(core_suite());
}
