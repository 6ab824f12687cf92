/* SPDX-License-Identifier: MIT */
/* The note stream (note.c) and its ELF wrapping (index.c). */
#include "config.h"

#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle-internal.h"
#include "core/bytes.h"
#include "core/sha256.h"
#include "testutil.h"

static struct fw_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
}

static void teardown(void)
{
	fw_ctx_free(ctx);
}

static const uint8_t request[] = { 0x08, 0x05, 0x00, 0x00, 0x90, 0x20 };

/* A stream with every note type, the way the writer builds it. */
static void build(struct fw_buf *out, bool seal)
{
	struct bundle_header h = {
		.format_version = BUNDLE_FORMAT_VERSION,
		.uuid = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 },
		.created_ns = 1795580226895587702ull,
		.host = "node7",
		.fwbox_version = "0.1.0",
		.reason = "link flap",
		.cmdline = "fwbox collect -d emu:cx6dx",
	};
	struct bundle_device d = {
		.pci = "0000:08:00.0",
		.vendor_id = 0x15b3,
		.device_id = 0x101d,
		.fw_version = "28.39.1002",
		.psid = "MT_0000000838",
		.serial = "MT2231X00000",
		.sensitive = BUNDLE_DEV_SERIAL,
	};
	struct bundle_artifact a = {
		.path = "reg/MGIR.bin",
		.kind = "reg.MGIR",
		.size = 160,
		.sha256 = { 0xaa, 0xbb },
		.outcome = BUNDLE_OUTCOME_PARTIAL,
		.reason = "short read",
		.err = -EIO,
		.status = 0x5,
		.syndrome = 0x1234abcd,
		.start_ns = 10,
		.end_ns = 20,
		.interface = "emu",
		.request = request,
		.request_len = sizeof(request),
	};

	memset(out, 0, sizeof(*out));
	ck_assert_int_eq(bundle_notes_add_header(ctx, out, &h), 0);
	ck_assert_int_eq(bundle_notes_add_device(ctx, out, &d), 0);
	ck_assert_int_eq(bundle_notes_add_artifact(ctx, out, &a), 0);
	a.path = "crspace.bin";
	a.kind = "crspace";
	a.outcome = BUNDLE_OUTCOME_SKIPPED;
	a.request = NULL;
	a.request_len = 0;
	ck_assert_int_eq(bundle_notes_add_artifact(ctx, out, &a), 0);
	if (seal)
		ck_assert_int_eq(bundle_notes_seal(ctx, out), 0);
}

static int decode(const struct fw_buf *b, struct bundle_index **ret)
{
	fw_ctx_clear_error(ctx);
	return bundle_index_decode(ctx, b->data, b->len, ret);
}

static void expect_reject(const struct fw_buf *b, int err, const char *msg_part)
{
	struct bundle_index *idx = NULL;
	int r = decode(b, &idx);

	ck_assert_msg(r == err, "expected %d, got %d (%s)", err, r, fw_ctx_errmsg(ctx));
	ck_assert_ptr_null(idx);
	ck_assert_msg(strstr(fw_ctx_errmsg(ctx), msg_part), "message '%s' lacks '%s'",
		      fw_ctx_errmsg(ctx), msg_part);
}

START_TEST(test_round_trip)
{
	struct fw_buf b;
	struct bundle_index *idx = NULL;
	const struct bundle_artifact *a;

	build(&b, true);
	tu_assert_ok(ctx, decode(&b, &idx));
	ck_assert_uint_eq(idx->header.format_version, 1);
	ck_assert_uint_eq(idx->header.created_ns, 1795580226895587702ull);
	ck_assert_uint_eq(idx->header.uuid[15], 16);
	ck_assert_str_eq(idx->header.host, "node7");
	ck_assert_str_eq(idx->header.reason, "link flap");
	ck_assert_str_eq(idx->header.cmdline, "fwbox collect -d emu:cx6dx");
	ck_assert(idx->has_device);
	ck_assert_str_eq(idx->device.pci, "0000:08:00.0");
	ck_assert_uint_eq(idx->device.device_id, 0x101d);
	ck_assert_str_eq(idx->device.serial, "MT2231X00000");
	ck_assert_ptr_null(idx->device.board_id);
	/* Serial as asked, host always. */
	ck_assert_uint_eq(idx->device.sensitive, BUNDLE_DEV_SERIAL | BUNDLE_DEV_HOST);
	ck_assert_uint_eq(idx->n_artifacts, 2);
	a = &idx->artifacts[0];
	ck_assert_str_eq(a->path, "reg/MGIR.bin");
	ck_assert_str_eq(a->kind, "reg.MGIR");
	ck_assert_uint_eq(a->size, 160);
	ck_assert_uint_eq(a->sha256[1], 0xbb);
	ck_assert_int_eq(a->outcome, BUNDLE_OUTCOME_PARTIAL);
	ck_assert_str_eq(a->reason, "short read");
	ck_assert_int_eq(a->err, -EIO);
	ck_assert_uint_eq(a->status, 5);
	ck_assert_uint_eq(a->syndrome, 0x1234abcd);
	ck_assert_uint_eq(a->start_ns, 10);
	ck_assert_uint_eq(a->end_ns, 20);
	ck_assert_str_eq(a->interface, "emu");
	ck_assert_uint_eq(a->request_len, sizeof(request));
	ck_assert_mem_eq(a->request, request, sizeof(request));
	ck_assert_int_eq(idx->artifacts[1].outcome, BUNDLE_OUTCOME_SKIPPED);
	ck_assert_uint_eq(idx->artifacts[1].request_len, 0);
	ck_assert_uint_eq(idx->total_size, 320);
	ck_assert_uint_eq(idx->n_notes, 5);
	bundle_index_free(idx);
	fw_buf_release(&b);
}
END_TEST

START_TEST(test_layout_golden)
{
	/* The first note's header, name and first field, byte for byte. */
	static const uint8_t golden[] = {
		0x06, 0, 0, 0,                 /* namesz */
		0, 0, 0, 0,                    /* descsz, checked below */
		0x01, 0x00, 0x57, 0x46,        /* type 0x46570001 */
		'f', 'w', 'b', 'o', 'x', 0, 0, 0,
		0x01, 0x00, 0x00, 0x00,        /* tag 1, flags 0 */
		0x04, 0, 0, 0, 0x01, 0, 0, 0,  /* length 4, version 1 */
	};
	struct fw_buf b;

	build(&b, true);
	ck_assert_uint_ge(b.len, sizeof(golden));
	ck_assert_mem_eq(b.data, golden, 4);
	ck_assert_mem_eq(b.data + 8, golden + 8, sizeof(golden) - 8);
	ck_assert_uint_eq(b.len % 4, 0);
	/* Seal: last 32 bytes are SHA-256 of everything before its note. */
	{
		uint8_t d[FW_SHA256_LEN];

		fw_sha256(b.data, b.len - 12 - 8 - FW_SHA256_LEN, d);
		ck_assert_mem_eq(b.data + b.len - FW_SHA256_LEN, d, FW_SHA256_LEN);
		ck_assert_uint_eq(fw_get_le32(b.data + b.len - FW_SHA256_LEN - 8 - 4), BUNDLE_NOTE_SEAL);
	}
	fw_buf_release(&b);
}
END_TEST

/*
 * Every field of every note type, set and unset, against the SHA-256 of the
 * bytes the encoder wrote before the notes were driven by field tables: the
 * on-disk format must not move when the code does.
 */
START_TEST(test_encoding_frozen)
{
	struct bundle_header h = {
		.format_version = BUNDLE_FORMAT_VERSION,
		.uuid = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 },
		.created_ns = 1795580226895587702ull,
		.host = "node7", .fwbox_version = "0.1.0", .reason = "link flap",
		.cmdline = "fwbox collect -d emu:cx6dx",
	};
	struct bundle_device d = {
		.pci = "0000:08:00.0", .vendor_id = 0x15b3, .device_id = 0x101d,
		.subsys_vendor_id = 0x1234, .subsys_device_id = 0x5678, .model = "ConnectX-6 Dx",
		.fw_version = "28.39.1002", .psid = "MT_0000000838", .board_id = "MT_1",
		.serial = "MT2231X00000", .kernel = "6.1.0", .driver = "mlx5_core",
		.sensitive = BUNDLE_DEV_SERIAL | BUNDLE_DEV_PCI | BUNDLE_DEV_BOARD_ID,
	};
	struct bundle_artifact a = {
		.path = "reg/MGIR.bin", .kind = "reg.MGIR", .size = 160, .sha256 = { 0xaa, 0xbb },
		.outcome = BUNDLE_OUTCOME_PARTIAL, .reason = "short read", .err = -EIO,
		.status = 0x5, .syndrome = 0x1234abcd, .start_ns = 10, .end_ns = 20,
		.interface = "emu", .request = request, .request_len = sizeof(request),
	};
	struct bundle_header h0 = { 0 };
	struct bundle_device d0 = { 0 };
	struct bundle_artifact a0 = { .path = "x", .kind = "y" };
	struct bundle_index *idx = NULL;
	struct fw_buf b = { 0 };
	uint8_t digest[FW_SHA256_LEN];
	char hex[FW_SHA256_HEX];

	tu_assert_ok(ctx, bundle_notes_add_header(ctx, &b, &h));
	tu_assert_ok(ctx, bundle_notes_add_device(ctx, &b, &d));
	tu_assert_ok(ctx, bundle_notes_add_artifact(ctx, &b, &a));
	tu_assert_ok(ctx, bundle_notes_add_header(ctx, &b, &h0));
	tu_assert_ok(ctx, bundle_notes_add_device(ctx, &b, &d0));
	tu_assert_ok(ctx, bundle_notes_add_artifact(ctx, &b, &a0));
	tu_assert_ok(ctx, bundle_notes_seal(ctx, &b));
	ck_assert_uint_eq(b.len, 1004);
	ck_assert_int_eq(fw_sha256(b.data, b.len, digest), 0);
	fw_sha256_hex(digest, hex);
	ck_assert_str_eq(hex, "6937eedc0267f4854a82a441943306ea8ddcf4118bd80f7b6a0769d16a4dfe37");
	fw_buf_release(&b);

	/* And every field comes back, the sensitive bits included. */
	tu_assert_ok(ctx, bundle_notes_add_header(ctx, &b, &h));
	tu_assert_ok(ctx, bundle_notes_add_device(ctx, &b, &d));
	tu_assert_ok(ctx, bundle_notes_add_artifact(ctx, &b, &a));
	tu_assert_ok(ctx, bundle_notes_seal(ctx, &b));
	tu_assert_ok(ctx, decode(&b, &idx));
	ck_assert_mem_eq(idx->header.uuid, h.uuid, 16);
	ck_assert_uint_eq(idx->header.created_ns, h.created_ns);
	ck_assert_str_eq(idx->header.fwbox_version, "0.1.0");
	ck_assert_uint_eq(idx->device.subsys_vendor_id, 0x1234);
	ck_assert_uint_eq(idx->device.subsys_device_id, 0x5678);
	ck_assert_str_eq(idx->device.model, "ConnectX-6 Dx");
	ck_assert_str_eq(idx->device.board_id, "MT_1");
	ck_assert_str_eq(idx->device.kernel, "6.1.0");
	ck_assert_str_eq(idx->device.driver, "mlx5_core");
	ck_assert_uint_eq(idx->device.sensitive, BUNDLE_DEV_SERIAL | BUNDLE_DEV_PCI |
							 BUNDLE_DEV_BOARD_ID | BUNDLE_DEV_HOST);
	ck_assert_int_eq(idx->artifacts[0].err, -EIO);
	ck_assert_uint_eq(idx->artifacts[0].outcome, BUNDLE_OUTCOME_PARTIAL);
	ck_assert_uint_eq(idx->artifacts[0].request_len, sizeof(request));
	ck_assert_mem_eq(idx->artifacts[0].request, request, sizeof(request));
	bundle_index_free(idx);
	fw_buf_release(&b);
}
END_TEST

/* The encoder names the field it cannot write, and writes nothing of it. */
START_TEST(test_encode_errors)
{
	struct bundle_artifact a = { .path = "a.bin", .kind = "reg.MGIR" };
	uint8_t big_request[FW_LIMIT_REQUEST_BYTES + 10] = { 0 };
	struct bundle_index *idx = NULL;
	struct bundle_header h = { .host = "x" };
	struct fw_buf b = { 0 };
	char *big = malloc(FW_LIMIT_NOTE_STRING + 2);

	ck_assert_ptr_nonnull(big);
	memset(big, 'i', FW_LIMIT_NOTE_STRING + 1);
	big[FW_LIMIT_NOTE_STRING + 1] = '\0';
	a.interface = big;
	ck_assert_int_eq(bundle_notes_add_artifact(ctx, &b, &a), -EOVERFLOW);
	ck_assert_str_eq(fw_ctx_errmsg(ctx),
			 "the artifact field 'interface' (kind 'reg.MGIR') is longer than "
			 "FW_LIMIT_NOTE_STRING (65536 bytes): shorten it");
	ck_assert_uint_eq(b.len, 0);
	free(big);

	/* A request longer than FW_LIMIT_REQUEST_BYTES is cut, not refused. */
	a.interface = NULL;
	a.request = big_request;
	a.request_len = sizeof(big_request);
	tu_assert_ok(ctx, bundle_notes_add_header(ctx, &b, &h));
	tu_assert_ok(ctx, bundle_notes_add_artifact(ctx, &b, &a));
	tu_assert_ok(ctx, bundle_notes_seal(ctx, &b));
	tu_assert_ok(ctx, decode(&b, &idx));
	ck_assert_uint_eq(idx->artifacts[0].request_len, FW_LIMIT_REQUEST_BYTES);
	ck_assert_str_eq(idx->artifacts[0].reason, ""); /* absent reason reads as "" */
	bundle_index_free(idx);
	fw_buf_release(&b);

	ck_assert_int_eq(bundle_notes_add_raw(ctx, &b, "fwbox", 0x1234, big_request,
					      FW_LIMIT_NOTE_DESC + 1), -EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "FW_LIMIT_NOTE_DESC"));
	fw_buf_release(&b);
}
END_TEST

/* The writer's copies follow the field tables: every string is its own,
 * an absent reason becomes "", a long request is cut to its limit. */
START_TEST(test_copy_release)
{
	uint8_t big_request[FW_LIMIT_REQUEST_BYTES + 10];
	char host[] = "node7", serial[] = "MT2231X00000", iface[] = "emu";
	struct bundle_header h = { .host = host, .created_ns = 5 }, hc;
	struct bundle_device d = { .serial = serial, .vendor_id = 0x15b3 }, dc;
	struct bundle_artifact a = { .path = "a.bin", .kind = "crspace", .interface = iface,
				     .request = big_request, .request_len = sizeof(big_request) },
			       ac;

	memset(big_request, 0x5a, sizeof(big_request));
	ck_assert_int_eq(bundle_header_copy(&hc, &h), 0);
	ck_assert_int_eq(bundle_device_copy(&dc, &d), 0);
	ck_assert_int_eq(bundle_artifact_copy(&ac, &a), 0);
	host[0] = serial[0] = iface[0] = 'X';
	ck_assert_str_eq(hc.host, "node7");
	ck_assert_uint_eq(hc.created_ns, 5);
	ck_assert_ptr_null(hc.reason);
	ck_assert_str_eq(dc.serial, "MT2231X00000");
	ck_assert_uint_eq(dc.vendor_id, 0x15b3);
	ck_assert_str_eq(ac.interface, "emu");
	ck_assert_str_eq(ac.reason, "");
	ck_assert_ptr_ne(ac.path, a.path);
	ck_assert_uint_eq(ac.request_len, FW_LIMIT_REQUEST_BYTES);
	ck_assert_ptr_ne(ac.request, a.request);
	ck_assert_uint_eq(ac.request[FW_LIMIT_REQUEST_BYTES - 1], 0x5a);
	bundle_header_release(&hc);
	bundle_device_release(&dc);
	bundle_artifact_release(&ac);
	ck_assert_ptr_null(ac.kind);
	ck_assert_uint_eq(ac.request_len, 0);
}
END_TEST

START_TEST(test_unknown_skipped)
{
	struct fw_buf b = { 0 }, hdr;
	struct bundle_index *idx = NULL;
	struct bundle_header h = { .host = "x" };
	uint8_t field[16] = { 0x63, 0x00, 0, 0, 4, 0, 0, 0, 'a', 'b', 'c', 'd' };

	(void)hdr;
	ck_assert_int_eq(bundle_notes_add_header(ctx, &b, &h), 0);
	/* A foreign owner, an unknown fwbox type, an unknown field in a device note. */
	ck_assert_int_eq(bundle_notes_add_raw(ctx, &b, "GNU", 3, "abcd", 4), 0);
	ck_assert_int_eq(bundle_notes_add_raw(ctx, &b, "fwbox", 0x1234, "xyz", 3), 0);
	ck_assert_int_eq(bundle_notes_add_raw(ctx, &b, "fwbox", BUNDLE_NOTE_DEVICE, field, 12), 0);
	ck_assert_int_eq(bundle_notes_seal(ctx, &b), 0);
	tu_assert_ok(ctx, decode(&b, &idx));
	ck_assert_uint_eq(idx->n_unknown, 2);
	ck_assert(idx->has_device);
	ck_assert_ptr_null(idx->device.pci);
	bundle_index_free(idx);
	fw_buf_release(&b);
}
END_TEST

START_TEST(test_reject_seal)
{
	struct fw_buf b;

	build(&b, true);
	/* A changed byte inside the reason string. */
	b.data[40] ^= 1;
	expect_reject(&b, -EBADMSG, "seal does not match");
	b.data[40] ^= 1;
	/* Missing seal. */
	b.len -= 12 + 8 + FW_SHA256_LEN;
	expect_reject(&b, -EBADMSG, "no seal");
	/* Something after the seal. */
	b.len += 12 + 8 + FW_SHA256_LEN;
	ck_assert_int_eq(bundle_notes_add_raw(ctx, &b, "fwbox", 0x1234, "x", 1), 0);
	expect_reject(&b, -EBADMSG, "after the seal");
	fw_buf_release(&b);
}
END_TEST

START_TEST(test_reject_lengths)
{
	struct fw_buf b;
	size_t len;

	build(&b, true);
	len = b.len;
	/* Every truncation of the stream is refused, none overreads (ASan). */
	for (size_t cut = 0; cut < len; cut += 3) {
		struct bundle_index *idx = NULL;

		b.len = cut;
		ck_assert_int_lt(decode(&b, &idx), 0);
		ck_assert_ptr_null(idx);
	}
	b.len = len;
	/* namesz past the section. */
	fw_put_le32(b.data, 0xfffffff0u);
	expect_reject(&b, -EBADMSG, "runs past");
	fw_put_le32(b.data, 6);
	/* descsz past the section. */
	fw_put_le32(b.data + 4, (uint32_t)len);
	expect_reject(&b, -EBADMSG, "runs past");
	fw_buf_release(&b);
}
END_TEST

START_TEST(test_reject_fields)
{
	struct fw_buf b = { 0 };
	struct bundle_header h = { .host = "x" };
	/* field length 100 inside a 12-byte desc */
	uint8_t longf[12] = { 0x01, 0, 0, 0, 100, 0, 0, 0, 1, 0, 0, 0 };
	/* size field of width 4 instead of 8 */
	uint8_t badw[12] = { BUNDLE_ART_SIZE, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0 };
	/* the same tag twice */
	uint8_t twice[24] = { 1, 0, 0, 0, 4, 0, 0, 0, 'a', 'b', 'c', 'd',
			      1, 0, 0, 0, 4, 0, 0, 0, 'a', 'b', 'c', 'd' };
	/* a string with a NUL */
	uint8_t nul[12] = { 1, 0, 0, 0, 4, 0, 0, 0, 'a', 0, 'c', 'd' };

	ck_assert_int_eq(bundle_notes_add_header(ctx, &b, &h), 0);
	ck_assert_int_eq(bundle_notes_add_raw(ctx, &b, "fwbox", BUNDLE_NOTE_DEVICE, longf, 12), 0);
	ck_assert_int_eq(bundle_notes_seal(ctx, &b), 0);
	expect_reject(&b, -EBADMSG, "runs past the note");
	fw_buf_release(&b);

	ck_assert_int_eq(bundle_notes_add_header(ctx, &b, &h), 0);
	ck_assert_int_eq(bundle_notes_add_raw(ctx, &b, "fwbox", BUNDLE_NOTE_ARTIFACT, badw, 12), 0);
	ck_assert_int_eq(bundle_notes_seal(ctx, &b), 0);
	expect_reject(&b, -EBADMSG, "expected 8");
	fw_buf_release(&b);

	ck_assert_int_eq(bundle_notes_add_header(ctx, &b, &h), 0);
	ck_assert_int_eq(bundle_notes_add_raw(ctx, &b, "fwbox", BUNDLE_NOTE_DEVICE, twice, 24), 0);
	ck_assert_int_eq(bundle_notes_seal(ctx, &b), 0);
	expect_reject(&b, -EBADMSG, "twice");
	fw_buf_release(&b);

	ck_assert_int_eq(bundle_notes_add_header(ctx, &b, &h), 0);
	ck_assert_int_eq(bundle_notes_add_raw(ctx, &b, "fwbox", BUNDLE_NOTE_DEVICE, nul, 12), 0);
	ck_assert_int_eq(bundle_notes_seal(ctx, &b), 0);
	expect_reject(&b, -EBADMSG, "NUL");
	fw_buf_release(&b);

	/* An artifact without its required fields. */
	ck_assert_int_eq(bundle_notes_add_header(ctx, &b, &h), 0);
	ck_assert_int_eq(bundle_notes_add_raw(ctx, &b, "fwbox", BUNDLE_NOTE_ARTIFACT, nul, 0), 0);
	ck_assert_int_eq(bundle_notes_seal(ctx, &b), 0);
	expect_reject(&b, -EBADMSG, "required field");
	fw_buf_release(&b);
}
END_TEST

START_TEST(test_reject_structure)
{
	struct fw_buf b = { 0 };
	struct bundle_header h = { .host = "x" };
	struct bundle_artifact a = { .path = "a.bin", .kind = "a" };

	/* The first fwbox note must be the header. */
	ck_assert_int_eq(bundle_notes_add_artifact(ctx, &b, &a), 0);
	ck_assert_int_eq(bundle_notes_seal(ctx, &b), 0);
	expect_reject(&b, -EBADMSG, "not the bundle header");
	fw_buf_release(&b);
	/* Two headers. */
	ck_assert_int_eq(bundle_notes_add_header(ctx, &b, &h), 0);
	ck_assert_int_eq(bundle_notes_add_header(ctx, &b, &h), 0);
	ck_assert_int_eq(bundle_notes_seal(ctx, &b), 0);
	expect_reject(&b, -EBADMSG, "second header");
	fw_buf_release(&b);
	/* Duplicate member paths. */
	ck_assert_int_eq(bundle_notes_add_header(ctx, &b, &h), 0);
	ck_assert_int_eq(bundle_notes_add_artifact(ctx, &b, &a), 0);
	ck_assert_int_eq(bundle_notes_add_artifact(ctx, &b, &a), 0);
	ck_assert_int_eq(bundle_notes_seal(ctx, &b), 0);
	expect_reject(&b, -EBADMSG, "twice");
	fw_buf_release(&b);
	/* Hostile paths in the index. */
	{
		static const char *const bad[] = { "/etc/passwd", "../x", "a/../../x", "a//b", "./a",
						   "index.elf", "" };

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			a.path = bad[i];
			ck_assert_int_eq(bundle_notes_add_header(ctx, &b, &h), 0);
			ck_assert_int_eq(bundle_notes_add_artifact(ctx, &b, &a), 0);
			ck_assert_int_eq(bundle_notes_seal(ctx, &b), 0);
			expect_reject(&b, -EBADMSG, "artifact path");
			fw_buf_release(&b);
		}
	}
	/* A future format version. */
	h.format_version = 2;
	ck_assert_int_eq(bundle_notes_add_header(ctx, &b, &h), 0);
	ck_assert_int_eq(bundle_notes_seal(ctx, &b), 0);
	expect_reject(&b, -EBADMSG, "not supported");
	fw_buf_release(&b);
}
END_TEST

START_TEST(test_reject_limits)
{
	struct fw_buf b = { 0 };
	struct bundle_header h = { .host = "x" };
	struct bundle_artifact a = { .path = "a.bin", .kind = "a", .size = FW_LIMIT_MEMBER_SIZE + 1 };

	ck_assert_int_eq(bundle_notes_add_header(ctx, &b, &h), 0);
	ck_assert_int_eq(bundle_notes_add_artifact(ctx, &b, &a), 0);
	ck_assert_int_eq(bundle_notes_seal(ctx, &b), 0);
	expect_reject(&b, -EOVERFLOW, "FW_LIMIT_MEMBER_SIZE");
	fw_buf_release(&b);

	/* Five members of 4 GiB: past FW_LIMIT_BUNDLE_SIZE. */
	ck_assert_int_eq(bundle_notes_add_header(ctx, &b, &h), 0);
	for (int i = 0; i < 5; i++) {
		char p[16];

		snprintf(p, sizeof(p), "a%d", i);
		a.path = p;
		a.size = FW_LIMIT_MEMBER_SIZE;
		ck_assert_int_eq(bundle_notes_add_artifact(ctx, &b, &a), 0);
	}
	ck_assert_int_eq(bundle_notes_seal(ctx, &b), 0);
	expect_reject(&b, -EOVERFLOW, "FW_LIMIT_BUNDLE_SIZE");
	fw_buf_release(&b);

	/* More notes than FW_LIMIT_NOTES (small unknown notes). */
	ck_assert_int_eq(bundle_notes_add_header(ctx, &b, &h), 0);
	for (unsigned i = 0; i < FW_LIMIT_NOTES + 1; i++)
		ck_assert_int_eq(bundle_notes_add_raw(ctx, &b, "fwbox", 0x1234, NULL, 0), 0);
	ck_assert_int_eq(bundle_notes_seal(ctx, &b), 0);
	expect_reject(&b, -EOVERFLOW, "FW_LIMIT_NOTES");
	fw_buf_release(&b);
}
END_TEST

START_TEST(test_elf_round_trip)
{
	struct fw_buf b;
	struct bundle_index *idx = NULL;
	uint8_t *elf = NULL, *owner = NULL;
	const uint8_t *notes;
	size_t elf_len = 0, n = 0;

	build(&b, true);
	tu_assert_ok(ctx, bundle_elf_build(ctx, b.data, b.len, &elf, &elf_len));
	ck_assert_mem_eq(elf, ELFMAG, SELFMAG);
	ck_assert_uint_eq(elf[EI_CLASS], ELFCLASS64);
	ck_assert_uint_eq(elf[EI_DATA], ELFDATA2LSB);
	tu_assert_ok(ctx, bundle_elf_notes(ctx, elf, elf_len, &owner, &notes, &n));
	ck_assert_uint_eq(n, b.len);
	ck_assert_mem_eq(notes, b.data, n);
	free(owner);
	tu_assert_ok(ctx, bundle_index_parse(ctx, elf, elf_len, &idx));
	ck_assert_uint_eq(idx->n_artifacts, 2);
	bundle_index_free(idx);
	free(elf);
	fw_buf_release(&b);
}
END_TEST

static int parse_elf(uint8_t *elf, size_t len)
{
	struct bundle_index *idx = NULL;
	int r;

	fw_ctx_clear_error(ctx);
	r = bundle_index_parse(ctx, elf, len, &idx);
	bundle_index_free(idx);
	return r;
}

START_TEST(test_elf_reject)
{
	struct fw_buf b;
	uint8_t *elf = NULL;
	size_t len = 0;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;

	build(&b, true);
	tu_assert_ok(ctx, bundle_elf_build(ctx, b.data, b.len, &elf, &len));
	eh = (Elf64_Ehdr *)elf;
	ph = (Elf64_Phdr *)(elf + eh->e_phoff);

	/* Segment and section must agree. */
	ph->p_filesz -= 4;
	ck_assert_int_eq(parse_elf(elf, len), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "disagree"));
	ph->p_filesz += 4;
	ph->p_offset += 4;
	ck_assert_int_eq(parse_elf(elf, len), -EBADMSG);
	ph->p_offset -= 4;
	/* No PT_NOTE. */
	ph->p_type = PT_LOAD;
	ck_assert_int_eq(parse_elf(elf, len), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "PT_NOTE"));
	ph->p_type = PT_NOTE;
	ck_assert_int_eq(parse_elf(elf, len), 0);
	/* Wrong class / byte order / magic. */
	elf[EI_DATA] = ELFDATA2MSB;
	ck_assert_int_eq(parse_elf(elf, len), -EBADMSG);
	elf[EI_DATA] = ELFDATA2LSB;
	elf[0] = 0;
	ck_assert_int_eq(parse_elf(elf, len), -EBADMSG);
	elf[0] = ELFMAG0;
	/* Every truncation fails cleanly. */
	for (size_t cut = 0; cut < len; cut += 7)
		ck_assert_int_lt(parse_elf(elf, cut), 0);
	/* A flipped note byte breaks the seal. */
	elf[eh->e_phoff + sizeof(*ph) + 40] ^= 0x20;
	ck_assert_int_lt(parse_elf(elf, len), 0);
	free(elf);
	fw_buf_release(&b);
}
END_TEST

START_TEST(test_names)
{
	enum bundle_outcome o;
	enum bundle_compression c;

	ck_assert_int_eq(bundle_outcome_parse("partial", &o), 0);
	ck_assert_int_eq(o, BUNDLE_OUTCOME_PARTIAL);
	ck_assert_int_eq(bundle_outcome_parse("bogus", &o), -EINVAL);
	ck_assert_str_eq(bundle_outcome_name(BUNDLE_OUTCOME_SKIPPED), "skipped");
	ck_assert_int_eq(bundle_compression_parse("xz", &c), 0);
	ck_assert_str_eq(bundle_compression_suffix(c), ".tar.xz");
	ck_assert_str_eq(bundle_compression_suffix(BUNDLE_COMPRESS_ZSTD), ".tar.zst");
	ck_assert_ptr_null(bundle_path_problem("reg/MGIR.bin"));
	ck_assert_ptr_nonnull(bundle_path_problem("a/./b"));
	ck_assert_ptr_nonnull(bundle_path_problem("a/.."));
	ck_assert_ptr_nonnull(bundle_path_problem("a\nb"));
	ck_assert(bundle_kind_ok("trace.strings.0"));
	ck_assert(!bundle_kind_ok("a/b"));
	ck_assert(!bundle_kind_ok(""));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("note");
	TCase *tc = tcase_create("notes");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_layout_golden);
	tcase_add_test(tc, test_encoding_frozen);
	tcase_add_test(tc, test_encode_errors);
	tcase_add_test(tc, test_copy_release);
	tcase_add_test(tc, test_unknown_skipped);
	tcase_add_test(tc, test_reject_seal);
	tcase_add_test(tc, test_reject_lengths);
	tcase_add_test(tc, test_reject_fields);
	tcase_add_test(tc, test_reject_structure);
	tcase_add_test(tc, test_reject_limits);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("elf");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_elf_round_trip);
	tcase_add_test(tc, test_elf_reject);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
