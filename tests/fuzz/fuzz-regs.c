/* SPDX-License-Identifier: MIT */
/* fuzz-regs: the input decoded as every register of the catalog. */
#include "config.h"

#include <stdint.h>

#include "ifc/regcat.h"
#include "regs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_field(void *ud, const struct regs_field *f)
{
	char buf[512];

	(void)ud;
	regs_field_value_text(f, buf, sizeof(buf));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; i < regcat_count(); i++)
		regs_decode(regcat_at(i), data, size, on_field, NULL, NULL);
	return 0;
}
