/* SPDX-License-Identifier: MIT */
/*
 * store-mktrace: write a synthetic firmware trace (MTRC_CAP, one strings-DB
 * section, ring blocks) for the store's end-to-end tests and benchmark, to
 * be packed into a bundle with tests/mkbundle as trace.cap,
 * trace.strings.0 and trace.ring.
 *
 * Usage: store-mktrace OUTDIR MESSAGES [SEED [NFORMATS]]
 * Writes OUTDIR/cap.bin, OUTDIR/strings.bin, OUTDIR/ring.bin.  Messages use
 * the first NFORMATS (default all) formats below with 0-3 parameters, pack into 256-byte blocks of 31
 * events closed by a timestamp event, with increasing timestamps; the same
 * SEED gives the same bytes.  Streams longer than the decoder's snapshot
 * size (FW_LIMIT_TRACE_RING) are decoded as a stream, in order.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

#define BASE 0x4000u
#define FIRST_STR 0x20
#define NUM_STR 0x20

static const char *const formats[] = {
	"link up on port %d",
	"link down on port %d, reason 0x%x",
	"cmd 0x%x done, status 0x%x, syndrome 0x%x",
	"health poll ok",
	"QP 0x%x moved to state %d",
	"CQ 0x%x overrun",
	"FW assert at 0x%08x",
	"steering rule %d added to table %d",
	"pci link speed %d width x%d",
	"thermal sensor %d at %d C",
	"page request for %d pages",
	"command interface ready",
};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

static unsigned nparams(const char *f)
{
	unsigned n = 0;

	for (; *f; f++)
		if (*f == '%')
			n++;
	return n;
}

static uint64_t rng;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		fprintf(stderr, "store-mktrace: cannot create '%s': %s\n", path, strerror(errno));
	return f;
}

int main(int argc, char **argv)
{
	uint32_t offs[NFORMATS];
	uint8_t sec[4096], cap_raw[128], blk[TRACE_BLOCK_SIZE];
	struct trace_cap cap;
	uint64_t nmsg, ts = 0x1000000000ull, done = 0;
	size_t seclen = 1;
	unsigned slot = 0;
	uint16_t tmsn = 0;
	unsigned nformats = NFORMATS;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "Usage: store-mktrace OUTDIR MESSAGES [SEED [NFORMATS]]\n");
		return 2;
	}
	nmsg = strtoull(argv[2], NULL, 0);
	rng = argc > 3 ? strtoull(argv[3], NULL, 0) | 1 : 0x2545f4914f6cdd1dull;
	if (argc > 4)
		nformats = (unsigned)strtoul(argv[4], NULL, 0);
	if (nformats < 1 || nformats > NFORMATS)
		nformats = NFORMATS;

	/* The strings section: a NUL, then each format NUL-terminated (a
	 * pointer equal to the base is never valid, as in the kernel). */
	memset(sec, 0, sizeof(sec));
	for (size_t i = 0; i < NFORMATS; i++) {
		size_t n = strlen(formats[i]) + 1;

		offs[i] = (uint32_t)seclen;
		memcpy(sec + seclen, formats[i], n);
		seclen += n;
	}
	memset(&cap, 0, sizeof(cap));
	cap.trace_to_memory = true;
	cap.num_string_db = 1;
	cap.first_string_trace = FIRST_STR;
	cap.num_string_trace = NUM_STR;
	cap.log_max_trace_buffer_size = 6;
	cap.db_base[0] = BASE;
	cap.db_size[0] = (uint32_t)seclen;
	trace_cap_encode(&cap, cap_raw);

	f = open_out(argv[1], "cap.bin");
	if (!f || fwrite(cap_raw, 1, sizeof(cap_raw), f) != sizeof(cap_raw) || fclose(f))
		return 1;
	f = open_out(argv[1], "strings.bin");
	if (!f || fwrite(sec, 1, seclen, f) != seclen || fclose(f))
		return 1;
	f = open_out(argv[1], "ring.bin");
	if (!f)
		return 1;

	memset(blk, 0, sizeof(blk));
	while (done < nmsg) {
		uint64_t r = next_rand();
		unsigned fi = (unsigned)(r % nformats), np = nparams(formats[fi]);
		uint8_t event_id = (uint8_t)(FIRST_STR + (r >> 8) % NUM_STR);

		/* A message never straddles a block: pad and close the block. */
		if (slot + 1 + np > TRACE_EVENTS_PER_BLOCK - 1) {
			while (slot < TRACE_EVENTS_PER_BLOCK - 1)
				trace_encode_string_event(blk + 8 * slot++, false, 0, 0x01, 0, 0, 0);
			trace_encode_timestamp_event(blk + 8 * slot, ts, 0);
			if (fwrite(blk, 1, sizeof(blk), f) != sizeof(blk))
				return 1;
			memset(blk, 0, sizeof(blk));
			slot = 0;
			ts += 128 + (r >> 40) % 64;
		}
		tmsn = (uint16_t)((tmsn + 1) & 0x1fff);
		/* ts7 = the low bits of the block's timestamp: every event of the
		 * block gets the block's timestamp, keeping the stream monotonic. */
		trace_encode_string_event(blk + 8 * slot++, false, (uint8_t)(ts & 0x7f), event_id,
					  tmsn, 0, BASE + offs[fi]);
		for (unsigned k = 0; k < np; k++)
			trace_encode_string_event(blk + 8 * slot++, false, (uint8_t)(ts & 0x7f),
						  event_id, tmsn, (uint8_t)(k + 1),
						  (uint32_t)(next_rand() & 0xffff));
		done++;
	}
	if (slot) {
		while (slot < TRACE_EVENTS_PER_BLOCK - 1)
			trace_encode_string_event(blk + 8 * slot++, false, 0, 0x01, 0, 0, 0);
		trace_encode_timestamp_event(blk + 8 * slot, ts, 0);
		if (fwrite(blk, 1, sizeof(blk), f) != sizeof(blk))
			return 1;
	}
	return fclose(f) ? 1 : 0;
}
