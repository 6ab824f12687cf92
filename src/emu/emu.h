/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * emu: a software ConnectX that speaks the mlx5 command protocol, so every
 * path of fwbox runs without the card.  It implements the device layer's
 * two method tables itself (emu-device.c) and registers in the transport
 * table, so fw_device_open("emu:...") reaches it behind the same gate as a
 * real card and the read-only allowlist is checked on the emulator exactly
 * as on hardware.  The emulator itself never checks the allowlist: it answers any
 * well-formed command like firmware would (that is how tests prove the
 * allowlist, not the device, stops writes).
 *
 * Selected by a device spec: "emu[:PROFILE][,key=value...]" (man fwbox-emu.7).
 * Deterministic for a given seed.  Unknown keys are an error.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

struct emu;
struct fw_device;
struct fw_transport;

/* The emulator's row of the transport table (emu-device.c; registered at
 * load time). */
extern const struct fw_transport fw_emu_transport;
/* The emulator behind a device opened from an "emu" spec, NULL for any
 * other device (tests count what arrived). */
struct emu *emu_of_device(const struct fw_device *dev);

struct emu_identity {
	const char *profile;           /* "cx5", "cx6dx", "cx7" */
	const char *pci;               /* emulated PCI address, "0000:08:00.0" */
	uint16_t vendor_id, device_id, subsys_vendor_id, subsys_device_id;
	const char *model;
	const char *fw_version;
	const char *psid;
	const char *board_id;
	const char *serial;
	const char *driver;            /* "mlx5_core" */
	const char *kernel;            /* emulated kernel release */
	uint32_t uid;                  /* UID of the emulated user context */
	uint32_t uctx_caps;
};

/* Parse spec and build the device; -EINVAL with a message naming the key
 * on a bad spec; crspace=PATH can also fail to open (-ENOENT...) or parse
 * (-EBADMSG, -EOVERFLOW).  With the driver owning the tracer (the default),
 * history=MS of tracing (default 0) has already happened when this returns. */
int emu_new(struct fw_ctx *ctx, const char *spec, struct emu **ret);
void emu_free(struct emu *e);
const struct emu_identity *emu_identity(const struct emu *e);

/* Run one mailbox command as the firmware would.  Returns 0 when a whole
 * outbox was produced (its status byte may be non-zero: bad status /
 * syndrome injection), the byte count (16..outlen-1) when short=NAME cut
 * it (the command methods' "shorter reply" convention; the rest is zero),
 * or a negative errno for failures below the firmware (-EINVAL for an
 * outbox under 16 bytes, -ETIMEDOUT for timeout=NAME, -EBUSY for
 * busy=NAME, -EIO after fatal-after=N has fired). */
int emu_cmd(struct emu *e, const void *in, size_t inlen, void *out, size_t outlen);

/* User memory the firmware may write into: its id is the mkey of
 * MTRC_CONF (the trace ring, 256 KiB), CORE_DUMP CR_DUMP_TO_MEM and
 * RESOURCE_DUMP (with address = a virtual address inside it). 1 B..64 MiB. */
int emu_umem_reg(struct emu *e, void *addr, size_t len, uint32_t *ret_id);
int emu_umem_unreg(struct emu *e, uint32_t id);

/* Emulated time: the tracer produces events at its configured rate into
 * the ring (at most four laps of the ring per call), counters grow. */
void emu_advance(struct emu *e, uint64_t ns);

/* Generate n tracer events as a stream of 256-byte ring blocks, exactly as
 * the hardware writes them (for benchmarks and decoder tests).  The
 * callback gets whole blocks; returns 0 or the callback's error.  Each
 * block has up to 31 string/parameter events, then timestamp events
 * (event_id 0xFF) fill it: the last block of a stream may close early.
 * The emulated driver decodes these blocks into emu_tracefs_text() too,
 * while it holds fewer than tracefs=N lines (default 65536). */
int emu_trace_stream(struct emu *e, uint64_t nevents,
		     int (*block)(void *userdata, const void *blk, size_t len), void *userdata);

/* Copy of the strings database section i (0..n-1), as MTRC_STDB would
 * return it concatenated; for tests that need the raw DB. */
int emu_strings_db(struct emu *e, unsigned section, const void **ret_data, size_t *ret_len);
unsigned emu_strings_db_sections(const struct emu *e);

/* devlink side of the emulated card.  Health reporter state, a diagnose
 * and a stored dump are returned as the netlink attribute stream the
 * kernel sends: the items inside the DEVLINK_ATTR_FMSG nest of every reply
 * message, concatenated (fw_devlink_diagnose()/fw_devlink_dump_get() return
 * the same stream), so one fmsg decoder serves both.  Items are flat
 * attributes: OBJ_NEST_START/PAIR_NEST_START/ARR_NEST_START/NEST_END flags,
 * OBJ_NAME strings, OBJ_VALUE_TYPE u8 + OBJ_VALUE_DATA pairs.  The emulator
 * splits long fmsgs into 4 KiB messages like the kernel, which is invisible
 * in the concatenated stream.  -ENOENT when a reporter
 * has no stored dump; -EOPNOTSUPP for a fw_fatal diagnose (mlx5 has none). */
struct emu_reporter {
	const char *name;              /* "fw", "fw_fatal" */
	const char *state;             /* "healthy", "error" */
	uint64_t error_count;
	uint64_t recover_count;
	bool has_dump;
	uint64_t dump_ts_ns;
};
size_t emu_reporter_count(const struct emu *e);

/*
 * Health events of the scheduled faults (fatal-at=SECONDS,
 * burst=COUNT@SECONDS; emu-schedule.c): what a devlink health
 * notification carries (reporter, state, counts), the driver's message,
 * and the real time the fault fired.  emu_events_fd() becomes readable
 * when a scheduled fault is due (a timerfd; -1 without a schedule);
 * emu_events_read() fires what is due and hands over up to max queued
 * events, oldest first.
 */
struct emu_health_event {
	char reporter[16];
	bool error;                    /* reporter state after the event */
	uint64_t error_count;
	uint64_t recover_count;
	bool has_dump;
	const char *msg;               /* static text */
	uint64_t time_ns;              /* CLOCK_REALTIME when it fired */
	uint64_t mono_ns;              /* CLOCK_MONOTONIC when it fired */
};
int emu_events_fd(struct emu *e);
int emu_events_read(struct emu *e, struct emu_health_event *ev, size_t max);
/* Events lost because nobody read 100,000 queued ones. */
uint64_t emu_events_dropped(const struct emu *e);
const struct emu_reporter *emu_reporter_at(const struct emu *e, size_t i);
int emu_reporter_diagnose(struct emu *e, const char *name, void **ret_data, size_t *ret_len);
int emu_reporter_dump(struct emu *e, const char *name, void **ret_data, size_t *ret_len);
/* Clear a reporter's stored dump (fwbox watch --clear-dumps). */
int emu_reporter_dump_clear(struct emu *e, const char *name);

/* The lines the kernel's mlx5_fw tracepoint would have printed in tracefs
 * for this device (decoded by the emulated driver from its own ring). */
int emu_tracefs_text(struct emu *e, char **ret_text, size_t *ret_len);

/* The health buffer of the initialization segment (BAR0 + 0x200): 64 bytes,
 * big-endian as the kernel reads it (assert_var[6] @0x00, assert_exit_ptr
 * @0x20, assert_callra @0x24, time @0x2c, fw_ver @0x30, hw_id @0x34,
 * rfr_severity @0x38, irisc_index @0x3c, synd @0x3d, ext_synd be16 @0x3e).
 * All zero but fw_ver/hw_id while healthy; filled after fatal-after=N. */
int emu_health_buffer(struct emu *e, void **ret_data, size_t *ret_len);

/* The lines the emulated mlx5_core driver has logged for this device, as
 * the collector keeps kernel log lines (message text, one a line): probe
 * and firmware version always, then the health report (each health
 * buffer field) after fw-error-after=N, the fatal-error lines after
 * fatal-after=N.  Deterministic for a spec and command count. */
int emu_kernel_log(struct emu *e, char **ret_text, size_t *ret_len);

/* Number of commands executed so far (benchmarks count device commands). */
uint64_t emu_command_count(const struct emu *e);

/* What the emulator did and was built from, for tests and listings. */

/* Bytes of the last outbox that carry data: the outlen given, or less
 * after short=NAME truncated it. */
uint32_t emu_last_outlen(const struct emu *e);
/* Profile names, i = 0.. until NULL ("cx5", "cx6dx", "cx7"). */
const char *emu_profile_name(size_t i);
/* Where CR-space was shaped from: a CSV path or "builtin". */
const char *emu_crspace_source(const struct emu *e);
/* Dwords of emulated CR-space (the mstdump dword count). */
uint64_t emu_crspace_dwords(const struct emu *e);
