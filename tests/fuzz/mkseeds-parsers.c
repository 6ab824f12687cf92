/* SPDX-License-Identifier: MIT */
/*
 * mkseeds-parsers: the recipe of the seed corpora of fuzz-trace,
 * fuzz-trace-match, fuzz-regs, fuzz-crspace, fuzz-resdump and fuzz-health,
 * and of the decode fixtures of
 * the end-to-end tests.  Run from the source tree (build dir B):
 *   make -C B tests/fuzz/mkseeds-parsers
 *   B/tests/fuzz/mkseeds-parsers tests/fuzz/corpus
 *   B/tests/fuzz/mkseeds-parsers --fixtures tests/fixtures/decode
 * It writes small synthetic inputs made with the unit tests' encoders.
 * Crashers found by fuzzing are added to the corpus folders by hand and kept.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "fmsg-enc.h"
#include "resdump-enc.h"
#include "trace-enc.h"

static const char *root;

static void put(const char *dir, const char *name, const void *data, size_t len)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", root, dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len) {
		fprintf(stderr, "mkseeds-parsers: cannot write '%s'\n", path);
		exit(1);
	}
	fclose(f);
}

/* fuzz-trace layout: cap(128) | be16 L | section | ring */
static size_t trace_input(uint8_t *out, const uint8_t *ring, size_t rlen)
{
	struct trace_cap cap;
	const void *sec;
	size_t slen, o = 0;

	tenc_cap(&cap);
	sec = tenc_strings(&slen);
	trace_cap_encode(&cap, out);
	o = 128;
	fw_put_be16(out + o, (uint16_t)slen);
	o += 2;
	memcpy(out + o, sec, slen);
	o += slen;
	memcpy(out + o, ring, rlen);
	return o + rlen;
}

/* Artifacts for tests/cli/run-decode-*.sh (one file per bundle kind). */
static int fixtures(void)
{
	static uint8_t buf[65536];
	static struct fenc e;
	struct trace_cap cap;
	struct tenc_block b;
	const void *sec;
	size_t len, i;
	static const char text[] =
		"# tracer: nop\n"
		"  kworker/0:1-12 [000] .... 5.000001: mlx5_fw: 0000:08:00.0 [0x1a2b] 0 [0x20] link up\n"
		"  kworker/0:1-12 [000] .... 5.000002: mlx5_fw: 0000:08:00.0 [0x1a2c] 1 [0x21] queue stall\n";

	tenc_cap(&cap);
	trace_cap_encode(&cap, buf);
	put(".", "trace.cap", buf, 128);
	sec = tenc_strings(&len);
	put(".", "trace.strings.0", sec, len);
	/* The golden block of test-trace.c, test_block_golden. */
	tenc_block_init(&b);
	tenc_str(&b, false, 0x10, 0x20, 1, 0, TENC_BASE + TENC_OFF_LINK);
	tenc_str(&b, false, 0x11, 0x21, 2, 0, TENC_BASE + TENC_OFF_VALUE);
	tenc_str(&b, false, 0x10, 0x20, 1, 1, 3);
	tenc_str(&b, false, 0x11, 0x21, 2, 1, 0x1);
	tenc_str(&b, false, 0x10, 0x20, 1, 2, 100000);
	tenc_str(&b, false, 0x11, 0x21, 2, 2, 0x2345);
	tenc_str(&b, true, 0x50, 0x22, 3, 0, TENC_BASE + TENC_OFF_NOPARAM);
	tenc_str(&b, false, 0x01, 0x23, 4, 0, TENC_BASE);
	tenc_str(&b, false, 0x02, 0x24, 5, 3, 0xdeadbeef);
	tenc_str(&b, false, 0x03, 0x25, 6, 0, TENC_BASE + TENC_OFF_PCT);
	tenc_str(&b, false, 0x03, 0x25, 6, 1, 7);
	tenc_str(&b, false, 0x03, 0x25, 6, 2, 8);
	tenc_str(&b, false, 0x03, 0x25, 6, 3, 9);
	tenc_str(&b, false, 0x03, 0x25, 6, 4, 10);
	tenc_str(&b, false, 0x04, TENC_FIRST_STR + TENC_NUM_STR, 7, 0, TENC_BASE + TENC_OFF_NOPARAM);
	tenc_block_finish(&b, 0x123456789abull);
	put(".", "trace.ring", b.data, sizeof(b.data));
	put(".", "trace.text", text, strlen(text));
	len = fenc_fw_dump(&e);
	put(".", "health.fw.dump", e.buf, len);
	memset(buf, 0, 160);
	fw_put_be32(buf, 0x00a1101d);
	memcpy(buf + 0x30, "MT_0000000009", 13);
	put(".", "reg.MGIR", buf, 160);
	for (i = 0; i < 16; i++)
		fw_put_be32(buf + 4 * i, (uint32_t)(0xc0de0000 + i));
	put(".", "crspace", buf, 64);
	len = rdenc_sample(buf, sizeof(buf));
	put(".", "resdump.menu", buf, len);
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t buf[65536], ring[4 * 256];
	static struct fenc e;
	struct tenc_block b;
	size_t len, i;
	static const char text[] =
		"# tracer: nop\n"
		"  kworker/0:1-12 [000] .... 5.000001: mlx5_fw: 0000:08:00.0 [0x1a2b] 0 [0x20] link up\n"
		"0000:08:00.0 [0x1a2c] 1 [0x21] raw line\n";
	static const char json[] =
		"{\"syndrome\":1,\"health buffer\":{\"assert_var\":[1,2,3,4,5,6],\"synd\":1},"
		"\"dump fw traces\":[{\"timestamp\":4096,\"lost\":false,\"event_id\":32,\"msg\":\"m\"}]}";

	if (argc == 3 && !strcmp(argv[1], "--fixtures")) {
		root = argv[2];
		return fixtures();
	}
	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds-parsers CORPUS-DIR | --fixtures DIR\n");
		return 2;
	}
	root = argv[1];

	/* trace: one block with every rule, a wrapped ring, text lines */
	tenc_block_init(&b);
	tenc_str(&b, false, 0x10, 0x20, 1, 0, TENC_BASE + TENC_OFF_LINK);
	tenc_str(&b, false, 0x11, 0x21, 2, 0, TENC_BASE + TENC_OFF_VALUE);
	tenc_str(&b, false, 0x10, 0x20, 1, 1, 3);
	tenc_str(&b, false, 0x11, 0x21, 2, 1, 1);
	tenc_str(&b, false, 0x10, 0x20, 1, 2, 100000);
	tenc_str(&b, false, 0x11, 0x21, 2, 2, 0x2345);
	tenc_str(&b, true, 0x50, 0x22, 3, 0, TENC_BASE + TENC_OFF_NOPARAM);
	tenc_str(&b, false, 0x01, 0x23, 4, 0, TENC_BASE);
	tenc_str(&b, false, 0x02, 0x24, 5, 3, 0xdeadbeef);
	tenc_str(&b, false, 0x03, 0x25, 6, 0, TENC_BASE + TENC_OFF_PCT);
	tenc_str(&b, false, 0x03, 0x25, 6, 0, TENC_BASE + TENC_OFF_NINE);
	tenc_block_finish(&b, 0x123456789abull);
	len = trace_input(buf, b.data, sizeof(b.data));
	put("trace", "block", buf, len);
	for (i = 0; i < 4; i++) {
		tenc_block_init(&b);
		tenc_str(&b, false, (uint8_t)i, 0x20, (uint16_t)(10 + i), 0, TENC_BASE + TENC_OFF_LINK);
		tenc_str(&b, false, 0, 0x20, (uint16_t)(10 + i), 1, (uint32_t)i);
		if (i)
			tenc_str(&b, false, 0, 0x20, (uint16_t)(9 + i), 2, 1000);
		tenc_block_finish(&b, 0x100000 + 0x100 * i);
		memcpy(ring + ((i + 2) % 4) * 256, b.data, 256);
	}
	len = trace_input(buf, ring, sizeof(ring));
	put("trace", "ring-wrap", buf, len);
	put("trace", "text", text, strlen(text));

	/* trace-match: be16 L | section | lines.  Formats shaped like firmware
	 * ones (module prefixes, %llx, widths, %%), the lines they render,
	 * near misses, and an adjacent-conversion format against a long run
	 * of digits (the walk's bound). */
	{
		static const char sec[] =
			"\0[irisc1] port %u: link up, speed %u Mb/s\0[irisc1] port %u: link down\0"
			"cmdif: mailbox 0x%llx token 0x%x\0pad [%5d] [%-5d] [%08x]\0"
			"load %u%% of %s\0%x%x%x%x%x%x%x\0burst: %u %u %u %u %u %u %u %u\0";
		static const char lines[] =
			"[irisc1] port 1: link up, speed 100000 Mb/s\n"
			"[irisc1] port 4294967295: link down\n"
			"cmdif: mailbox 0x0ffee token 0x1\n"
			"cmdif: mailbox 0x123456789abcdef0 token 0x0\n"
			"pad [   -3] [12   ] [0000beef]\n"
			"load 50% of (null)\n"
			"burst: 1 2 3 4 5 6 7 0\n"
			"0x0123456789abcdef\n"
			"[irisc1] port 1: link sideways\n"
			"  kworker/u16:2-213     [002] ..... 85472.000001: mlx5_fw: 0000:08:00.0 "
			"[0x650e0ce2e96d] 0 [0x18] [irisc1] port 2: link down\n"
			"fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
			"fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n";

		fw_put_be16(buf, (uint16_t)(sizeof(sec) - 1));
		memcpy(buf + 2, sec, sizeof(sec) - 1);
		memcpy(buf + 2 + sizeof(sec) - 1, lines, sizeof(lines) - 1);
		put("trace-match", "formats", buf, 2 + sizeof(sec) - 1 + sizeof(lines) - 1);
	}

	/* regs: an MGIR-sized register with some bits set */
	memset(buf, 0, 160);
	fw_put_be32(buf, 0x00a1101d);
	memcpy(buf + 0x30, "MT_0000000009", 13);
	put("regs", "mgir", buf, 160);
	put("regs", "short", buf, 6);

	/* resdump */
	len = rdenc_sample(buf, sizeof(buf));
	put("resdump", "sample", buf, len);

	/* crspace: flat and resource-dump layouts */
	for (i = 0; i < 16; i++)
		fw_put_be32(buf + 4 * i, (uint32_t)(0xc0de0000 + i));
	put("crspace", "flat", buf, 64);
	len = 0;
	len += rdenc_hdr(buf + len, 16, 0xfffe);
	len += rdenc_hdr(buf + len, 20, 0xfffa);
	rdenc_hdr(buf + len, 24, 0x0008);
	fw_put_be32(buf + len + 8, 0x500000);
	fw_put_be32(buf + len + 16, 1);
	fw_put_be32(buf + len + 20, 2);
	len += 24;
	len += rdenc_hdr(buf + len, 4, 0xfffb);
	put("crspace", "resdump", buf, len);

	/* health: fmsg of the fw reporter, JSON, a health buffer */
	len = fenc_fw_dump(&e);
	put("health", "fmsg-fw", e.buf, len);
	put("health", "json", json, strlen(json));
	memset(buf, 0, 64);
	buf[0x3d] = 1;
	buf[0x38] = 0x8b;
	put("health", "buffer", buf, 64);
	return 0;
}
