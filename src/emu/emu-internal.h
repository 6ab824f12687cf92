/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * emu-internal: what the emulator's files share.  emu.c owns the device
 * (spec, profiles, command dispatch, faults, capabilities), emu-regs.c the
 * register file, emu-tracer.c the firmware tracer and the emulated
 * driver's decoder, emu-crspace.c CR-space, CORE_DUMP and RESOURCE_DUMP,
 * emu-health.c the health buffer and the devlink reporters, emu-base.c
 * what they all use.  Calls go one way: emu.c -> emu-health.c and
 * emu-regs.c -> emu-tracer.c and emu-crspace.c -> emu-base.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "emu/emu.h"
#include "ifc/ifc.h"
#include "ifc/regcat.h"

#define EMU_MAX_FAULTS 16u
#define EMU_MAX_UMEMS 64u
#define EMU_TRACE_RING_BYTES MLX5_TRACE_RING_BYTES
#define EMU_TRACE_BLOCK_BYTES MLX5_TRACE_BLOCK_BYTES
#define EMU_TRACE_BLOCKS (EMU_TRACE_RING_BYTES / EMU_TRACE_BLOCK_BYTES)
#define EMU_TRACES_PER_BLOCK 32u
#define EMU_SAVED_TRACES 8192u               /* SAVED_TRACES_NUM */
#define EMU_SAVED_MSG 256u                   /* TRACE_STR_MSG */
#define EMU_STRINGS_SECTIONS 4u
#define EMU_FIRST_STRING_TRACE 0x10u
#define EMU_NUM_STRING_TRACE 0x30u

enum emu_fault_kind { EMU_FAULT_FAIL, EMU_FAULT_TIMEOUT, EMU_FAULT_BUSY, EMU_FAULT_SHORT };

struct emu_fault {
	enum emu_fault_kind kind;
	char name[32];          /* upper case: a command, register or group */
	uint8_t status;
	uint32_t syndrome;
};

struct emu_profile {
	const char *name, *model, *part, *csv;
	uint16_t device_id, subsys_vendor_id, subsys_device_id, hw_dev_id;
	uint8_t fw_major, fw_minor;
	uint16_t fw_sub;
	const char *psid;
	uint8_t technology, num_ports;
	uint32_t freq_khz, uctx_cap, ini_version;
	uint16_t max_mtu;
	uint32_t eth_proto_cap, ext_eth_proto_cap, ext_eth_proto_oper;
	uint16_t data_rate_oper;   /* 100 Mb/s units */
};

struct emu_umem {
	uint32_t id;
	uint8_t *addr;
	size_t len;
};

struct emu_cr_range {
	uint32_t addr;          /* byte address */
	uint32_t ndw;           /* dwords */
};

/* Identifiers the spec plants (emu-plant.c, fwbox-emu(7)). */
#define EMU_PLANT_WORDS 13
#define EMU_SEG_QUERY_VNIC_ENV 0x4008
enum {
	EMU_PLANT_SERIAL = 1u << 0,
	EMU_PLANT_MAC = 1u << 1,
	EMU_PLANT_GUID = 1u << 2,
	EMU_PLANT_NODE_DESC = 1u << 3,
	EMU_PLANT_IP = 1u << 4,
	EMU_PLANT_IP6 = 1u << 5,
};
struct emu_plant {
	unsigned set;                   /* EMU_PLANT_* bits */
	char serial[17];
	char node_desc[64];
	uint8_t mac[6], guid[8], ip[4], ip6[16];
	uint32_t cr_addr;               /* where the CR-space words are; 0: nowhere */
	uint32_t cr_words[EMU_PLANT_WORDS];
	uint32_t cr_mask;               /* the words that hold a planted value */
};

struct emu_format {
	uint32_t off;           /* offset in its section */
	uint8_t nparams;        /* after %llx -> %x%x */
	uint8_t section;
};

struct emu_pending {
	bool used;
	uint8_t event_id;
	bool lost;
	uint8_t ts7;
	uint8_t nparams, have;
	const char *fmt;        /* rewritten format; "0x%08x%08x" for a raw event */
	uint32_t params[7];
};

struct emu_saved {
	uint64_t ts;
	bool lost;
	uint8_t event_id;
	char msg[EMU_SAVED_MSG];
};

/* One generator of firmware trace events: the message state machine and
 * the block being filled.  The ring and emu_trace_stream() each have one. */
struct emu_gen {
	uint64_t rng;
	uint64_t tick;          /* device clock of the last event */
	uint32_t tmsn;
	uint64_t msgs;
	const struct emu_format *cur;
	uint8_t cur_next;       /* next tdsn to emit; 0 = string event next */
	uint8_t cur_event_id;
	bool cur_lost;
	uint32_t cur_params[7];
	uint8_t blk[EMU_TRACE_BLOCK_BYTES];
	unsigned nev;           /* events in blk */
};

#define EMU_READY_MAX 1024u

struct emu_tracer {
	/* Strings database. */
	uint8_t *db[EMU_STRINGS_SECTIONS];
	uint32_t db_len[EMU_STRINGS_SECTIONS];
	uint32_t db_base[EMU_STRINGS_SECTIONS];
	char *rewritten[EMU_STRINGS_SECTIONS];  /* %llx -> %x%x copies, as the kernel renders */
	struct emu_format *formats;
	size_t nformats;

	/* Firmware side. */
	int owner;              /* 0 none, 1 emulated kernel, 2 user */
	bool active;
	uint32_t mkey;          /* umem id when user-configured, 0 = the kernel's ring */
	uint8_t log_buf;
	uint8_t *internal_ring;
	uint32_t write_block;   /* next block index to write */
	uint64_t blocks_written;
	uint64_t clock;         /* device clock (ticks) */
	uint64_t events_frac;   /* rate * ns remainder, in 1e-9 events */
	uint64_t streams;
	struct emu_gen gen;

	/* Emulated driver (kernel) side. */
	struct emu_pending pending[8192];
	struct emu_pending ready[EMU_READY_MAX];
	size_t nready;
	char *text;
	size_t text_len, text_cap;
	uint64_t text_lines;
	struct emu_saved *saved;
	size_t saved_next;
	uint64_t saved_total;
};

struct emu_resdump_cache {
	bool valid;
	uint16_t segment_type;
	uint32_t index1, index2;
	uint16_t num1, num2;
	uint8_t *data;
	size_t len;
};

struct emu {
	struct fw_ctx *ctx;
	const struct emu_profile *prof;
	struct emu_identity id;
	char pci[32];
	char serial[32];
	char fw_version[32];
	char branch_tag[32];    /* MGIR dev_branch_tag: rel-<maj>_<min>_<sub> */
	char kernel[65];        /* the host's release: host.info reads the same */
	/* The profile's firmware version unless the spec says fw=: the same
	 * card (serial, PSID) with new firmware. */
	uint8_t fw_major, fw_minor;
	uint16_t fw_sub;
	bool fw_set;
	uint64_t seed;
	uint64_t rate;          /* trace events per second */
	uint32_t lost_every;    /* one message in N carries the lost flag; 0 = never */
	uint64_t tracefs_max;   /* lines the emulated driver keeps */
	struct emu_fault faults[EMU_MAX_FAULTS];
	size_t nfaults;
	uint64_t fatal_after;   /* 0 = never */
	uint8_t fatal_synd;
	bool fatal;
	uint64_t fw_error_after; /* 0 = never: a non-fatal syndrome for the fw reporter */
	bool fw_error;
	bool no_devlink;        /* devlink=none: no health reporters, no notifications */
	bool events_opened;     /* someone takes the schedule's events (fwbox watch) */
	uint64_t ncmds;
	uint64_t now_ns;        /* emulated time since emu_new */
	uint64_t wall_base_ns;  /* emulated wall clock at emu_new */
	uint64_t boot_uptime_s;
	uint32_t last_outlen;

	struct emu_umem umems[EMU_MAX_UMEMS];
	uint32_t next_umem_id;
	uint32_t uid;

	struct emu_tracer tr;

	struct emu_cr_range *cr;
	size_t ncr;
	uint32_t cr_end;        /* highest byte address + 4 */
	char cr_source[256];

	struct emu_resdump_cache rd;
	uint8_t mrtc[16];

	struct emu_reporter rep[2];
	void *dump_data[2];
	size_t dump_len[2];
	uint32_t fw_miss_counter;
	/* The fw_fatal dump of the failure, built when first read: what it
	 * holds of the moment of the failure. */
	bool fatal_dump_pending;
	uint8_t fatal_dump_synd;
	uint32_t fatal_dump_miss;
	uint8_t health[64];
	struct emu_schedule *sched;     /* fatal-at=, burst= (emu-schedule.c); NULL: none */
	struct emu_plant plant;         /* serial=, mac=, ... (emu-plant.c) */
};

/* emu-base.c: below every other part. */
uint64_t emu_hash(uint64_t seed, uint64_t v);
struct emu_umem *emu_umem_find(struct emu *e, uint32_t id);
/* Resolve [addr, addr + len) inside umem id; NULL if it does not fit. */
uint8_t *emu_umem_ptr(struct emu *e, uint32_t id, uint64_t addr, size_t len);
uint64_t emu_wall_ns(const struct emu *e);
uint64_t emu_device_tick(const struct emu *e);
/* Register fields by name through the catalog (UINT fields; strings for
 * set_str); an unknown name reads 0 and writes nothing. */
void emu_reg_set(const struct regcat_reg *r, uint8_t *buf, const char *field, uint32_t v);
uint32_t emu_reg_get(const struct regcat_reg *r, const uint8_t *buf, const char *field);
void emu_reg_set_str(const struct regcat_reg *r, uint8_t *buf, const char *field, const char *s);

/* emu-regs.c: register file.  Fills out (size bytes, zeroed by the caller)
 * for a read or write of r with input data in (inlen bytes); returns an
 * mlx5 status and sets *syndrome when not OK. */
uint8_t emu_reg_access(struct emu *e, const struct regcat_reg *r, bool write, const uint8_t *in,
		       size_t inlen, uint8_t *out, size_t outlen, uint32_t *syndrome);

/* emu-tracer.c */
int emu_tracer_init(struct emu *e);
void emu_tracer_release(struct emu *e);
uint8_t emu_tracer_reg(struct emu *e, const struct regcat_reg *r, bool write, const uint8_t *in,
		       size_t inlen, uint8_t *out, size_t outlen, uint32_t *syndrome);
void emu_tracer_advance(struct emu *e, uint64_t ns);
/* Emit n extra messages now (CORE_DUMP general writes its dump into the tracer). */
void emu_tracer_burst(struct emu *e, unsigned nmsgs);
/* The fw reporter's "dump fw traces" content, oldest first. */
size_t emu_tracer_saved(const struct emu *e, size_t i, const struct emu_saved **ret);

/* emu-crspace.c */
int emu_crspace_init(struct emu *e, const char *path);
/* Parse an mstflint dword-list CSV ("addr,len_dwords,enable_addr"). */
int emu_crspace_parse_csv(struct fw_ctx *ctx, const char *name, const char *data, size_t len,
			  struct emu_cr_range **ret_ranges, size_t *ret_n);
uint32_t emu_crspace_dword(const struct emu *e, uint32_t addr);
/* Flat image of [0, cr_end) with holes 0xBADACCE5 (the kernel's crdump). */
int emu_crspace_image(struct emu *e, uint8_t **ret, size_t *ret_len);
uint8_t emu_core_dump(struct emu *e, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen,
		      uint32_t *syndrome);
uint8_t emu_resource_dump(struct emu *e, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen,
			  uint32_t *syndrome);

/* emu-health.c */
void emu_health_init(struct emu *e);
/* emu-schedule.c: time-scheduled faults. */
struct emu_schedule;
int emu_schedule_parse(struct emu *e, const char *key, const char *val);
int emu_schedule_start(struct emu *e);
int emu_schedule_arm(struct emu *e);
void emu_schedule_run(struct emu *e);
void emu_schedule_release(struct emu *e);
void emu_health_fatal(struct emu *e);
void emu_health_fw_error(struct emu *e);
void emu_health_release(struct emu *e);

/* emu-plant.c: identifiers planted by the spec.  parse: 1 if key is one of
 * serial, mac, guid, node_desc, ip, ip6 (stored), 0 if not, < 0 on a bad
 * value.  place: put the CR-space words into the first range that holds
 * them.  crspace: the planted word at addr, if any.  segment: write them
 * into a resource-dump object's payload.  klog: kernel log lines naming them. */
int emu_plant_parse(struct fw_ctx *ctx, struct emu_plant *p, const char *key, const char *val);
void emu_plant_place(struct emu_plant *p, const struct emu_cr_range *cr, size_t ncr);
bool emu_plant_crspace(const struct emu_plant *p, uint32_t addr, uint32_t *ret);
void emu_plant_segment(const struct emu_plant *p, uint16_t type, uint8_t *payload, size_t len);
void emu_plant_klog(const struct emu_plant *p, FILE *f, const char *pfx);
