/* SPDX-License-Identifier: MIT */
/*
 * fuzz-selftest: a deliberately buggy target for run-fuzz-selftest.sh, which
 * proves that the corpus replay reports what it exists to catch.  Never in
 * FW_FUZZ_TARGETS: its bad inputs live only in the self-test's scratch folder.
 *   "ABORT..."  crashes in any build
 *   "OVER..."   reads one byte past the input (ASan, given an exact-size block)
 *   "LEAK..."   leaks a block (LeakSanitizer)
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;
static void *volatile leaked;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 5 && memcmp(data, "ABORT", 5) == 0)
		abort();
	if (size >= 4 && memcmp(data, "OVER", 4) == 0)
		sink = data[size];
	if (size >= 4 && memcmp(data, "LEAK", 4) == 0) {
		leaked = malloc(64);
		leaked = NULL;
	}
	return 0;
}
