/* SPDX-License-Identifier: MIT */
/*
 * collect-table: the steps of a collection, as data.  One row per step,
 * {kind, run}, in the order they run: most volatile first (what a reset
 * destroys), then the firmware trace, registers and capabilities, the
 * large dumps, and the host context last (host.info carries the kernel
 * taint after the run).  A new step is a function in the file of its
 * family and a row here; --only, --skip, the plan and the outcomes all
 * follow from the row.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "collect/collect-internal.h"
#include "ifc/regcat.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The default register set: what says which firmware, which state, which
 * port condition.  Ids and sizes come from the register catalog. */
static const char *const default_regs[] = {
	"MGIR",      /* firmware/hardware identity, uptime */
	"MCAM",      /* which management registers exist */
	"MCQS",      /* firmware component update state */
	"MFRL",      /* pending firmware reset level */
	"MTRC_CONF", /* tracer mode, ring size */
	"MTRC_CTRL", /* tracer state and timestamp */
	"MTCAP",     /* temperature sensors present */
	"MTMP",      /* temperature of sensor 0 (ASIC) */
	"MRTC",      /* real-time clock as seen by firmware */
	"DTOR",      /* firmware-recommended timeouts */
	"NODE_DESC", /* node description */
	"PAOS",      /* port admin/oper status */
	"PMAOS",     /* module admin/oper status */
	"PTYS",      /* port speeds */
	"PMLP",      /* port to module lanes */
	"PMTU",      /* port MTU */
	"PDDR",      /* port diagnostics (operational page) */
	"PPCNT",     /* port counters (IEEE 802.3 group) */
};

/* The capability pages read by default. */
static const struct {
	const char *name;
	uint16_t type;
} cap_types[] = {
	{ "GENERAL", MLX5_CAP_GENERAL },
	{ "ETHERNET_OFFLOADS", MLX5_CAP_ETHERNET_OFFLOADS },
	{ "ROCE", MLX5_CAP_ROCE },
	{ "DEBUG", MLX5_CAP_DEBUG },
	{ "GENERAL_2", MLX5_CAP_GENERAL_2 },
};

/* Every catalog register is a possible step; the default set is read
 * unless --only names others. */
static int reg_instances(collect_instance_fn add, void *u)
{
	char kind[COLLECT_KIND_MAX];
	int r;

	for (size_t i = 0; i < regcat_count(); i++) {
		const struct regcat_reg *reg = regcat_at(i);
		bool dflt = false;

		for (size_t k = 0; k < N_ELEM(default_regs); k++)
			dflt = dflt || !strcmp(default_regs[k], reg->name);
		snprintf(kind, sizeof(kind), "reg.%s", reg->name);
		r = add(u, kind, reg->id, reg->size, dflt);
		if (r < 0)
			return r;
	}
	return 0;
}

static int cap_instances(collect_instance_fn add, void *u)
{
	char kind[COLLECT_KIND_MAX];
	int r;

	for (size_t i = 0; i < N_ELEM(cap_types); i++) {
		snprintf(kind, sizeof(kind), "hca.caps.%s", cap_types[i].name);
		r = add(u, kind, cap_types[i].type, 0, true);
		if (r < 0)
			return r;
	}
	return 0;
}

/* {kind, family, again_after_fatal, run, instances, mailbox}: mailbox
 * steps send mlx5 commands, which stop once the firmware is fatal. */
const struct collect_step_desc collect_step_table[] = {
	/* 1. Health: what a reset destroys first. */
	{ "health.buffer", false, true, collect_step_health_buffer, NULL },
	{ "health", true, true, collect_step_health_reporters, NULL },
	/* 2. Firmware trace: the strings DB is always wanted with any trace. */
	{ "trace.cap", false, false, collect_step_trace_cap, NULL, true },
	{ "trace.strings", true, false, collect_step_trace_strings, NULL, true },
	{ "trace.ring", false, false, collect_step_trace_ring, NULL, true },
	{ "trace.text", false, false, collect_step_trace_text, NULL },
	/* The device tick and the host clocks together, once the lines are in. */
	{ "trace.clock", false, false, collect_step_trace_clock, NULL, true },
	/* 3. Registers and capabilities. */
	{ "reg", true, false, collect_step_reg, reg_instances, true },
	{ "hca.caps", true, false, collect_step_hca_cap, cap_instances, true },
	/* 4. CR-space and resource dumps: large, but not volatile. */
	{ "crspace", false, false, collect_step_crspace, NULL, true },
	{ "resdump.menu", false, false, collect_step_resdump_menu, NULL, true },
	{ "resdump", true, false, collect_step_resdump_segments, NULL, true },
	/* 5. Context; host.info last so it can carry the taint after the run. */
	{ "kernel.log", false, false, collect_step_kernel_log, NULL },
	{ "host.info", false, false, collect_step_host_info, NULL },
};
const size_t collect_step_table_len = N_ELEM(collect_step_table);
