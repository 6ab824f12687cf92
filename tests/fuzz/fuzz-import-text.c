/* SPDX-License-Identifier: MIT */
/*
 * fuzz-import-text: the input through every text parser of fwbox import
 * (CR-space pairs, devlink JSON, text and regions, trace text,
 * resourcedump --bin, register tables, flint q) and through the classifier.
 * The first byte picks the register for the table parser and the name the
 * classifier sees.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "import/import-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"firmware/mstdump_000008000_run_1", "devlink/devlink_pci000008000_diagnose_fw.txt",
	"sos_commands/devlink_health/devlink_health_dump_show_pci.0000_08_00.0_reporter_fw",
	"mstreg_0000_08_00.0_--reg_name_PAOS_--get", "flint_000008000_q", "fwtrace.txt",
	"resourcedump_08:00.0_--segment_BASIC_DEBUG", "unknown", "hostname",
};
static const char *const regs[] = { "PAOS", "MGIR", "MTMP", "PPCNT", "NOPE" };

typedef int (*parse_fn)(const void *data, size_t len, struct imp_parse *p);

static void one(parse_fn fn, const uint8_t *data, size_t size)
{
	struct imp_parse p;

	imp_parse_init(&p, 1u << 26);
	fn(data, size, &p);
	imp_parse_release(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imp_parse p;
	struct imp_class c;
	unsigned sel = size ? data[0] : 0;
	char pci[16];

	one(imp_crspace_text, data, size);
	one(imp_devlink_json, data, size);
	one(imp_devlink_text, data, size);
	one(imp_devlink_region, data, size);
	one(imp_resdump_bin, data, size);
	one(imp_flint_query, data, size);
	imp_parse_init(&p, 1u << 26);
	imp_trace_text(data, size, (sel & 1) ? "0000:08:00.0" : NULL, &p);
	imp_parse_release(&p);
	imp_parse_init(&p, 1u << 26);
	imp_regtable(data, size, regs[sel % (sizeof(regs) / sizeof(regs[0]))], &p);
	imp_parse_release(&p);
	imp_classify(names[sel % (sizeof(names) / sizeof(names[0]))], data, size, &c);
	imp_find_pci((const char *)data, size, pci);
	return 0;
}
