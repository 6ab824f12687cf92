/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * device: one ConnectX function (or the emulated one) behind two narrow
 * method tables, as SQLite puts files behind sqlite3_io_methods:
 *
 *  - struct fw_cmd_methods: the command channel (raw mailbox RPC, user
 *    memory).  fwctl, mlx5ctl and the emulator implement it.
 *  - struct fw_health_methods: what the kernel (or the emulated driver)
 *    keeps about the device outside the command channel: devlink health
 *    reporters and their stored dumps, regions, the health buffer, the
 *    firmware trace text (tracefs), kernel log lines, and the passing of
 *    time.  The kernel's devlink/tracefs/kmsg side and the emulator
 *    implement it.
 *
 * A device has at most one of each; either may be missing (a kernel
 * without fwctl and mlx5ctl still has devlink; a test fake may have only
 * commands).  Back-ends are found through one table of transports
 * (device/transport.h): fw_device_open() asks it which transport serves a
 * spec, and the table's order decides between fwctl and mlx5ctl.
 *
 * The read-only rule: every mailbox command, whatever the transport, passes
 * through fw_device_cmd(), which parses opcode, op_mod and register id,
 * checks the allowlist (device/allowlist.h), checks the size against the
 * transport's largest RPC, and only then calls the command methods' rpc.
 * Refused commands get -EPERM and a message naming the command and why;
 * they never reach a back-end.  Tracer control is a separate opt-in list,
 * off until fw_device_allow_trace_control(dev, true).
 *
 * fw_device_cmd() returns the number of outbox bytes the transport filled
 * (16..outlen; outlen unless the reply was cut short) when an outbox came
 * back, whatever its status byte says: the mlx5 layer (mlx5/mlx5.h) reads
 * status and syndrome.
 *
 * Health diagnose and dump data are the raw netlink attribute bytes the
 * kernel sends (the fmsg attribute stream, ifc/devlink.h), and the
 * emulator produces the same bytes, so one decoder handles both.  A dump
 * is only ever READ: nothing here asks the kernel to take a new one.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

struct fw_device;

struct fw_device_info {
	char pci[32];
	uint16_t vendor_id, device_id, subsys_vendor_id, subsys_device_id;
	char fw_version[32];
	char psid[32];
	char board_id[64];
	char serial[64];
	char kernel[128];
	char driver[64];
	char model[128];
	char transport[16];            /* name of the command transport in use */
	char devlink[128];             /* devlink handle "BUS/DEV", "" when none */
	uint32_t uid;                  /* firmware UID of our user context */
	uint32_t uctx_caps;
	size_t max_rpc;                /* largest inbox/outbox the transport takes */
	bool can_umem;                 /* user-memory registration available */
};

#define FW_DEVLINK_NAME_MAX 64         /* reporter and region names, with NUL */

/* One devlink health reporter, as `devlink health show` lists it.  The one
 * reporter record of the library: the devlink back-end parses into it, the
 * emulator fills it, the collector stores it.  A name that does not fit is
 * an error where it is read, never cut short. */
struct fw_health_reporter {
	char name[FW_DEVLINK_NAME_MAX];    /* "fw", "fw_fatal", "tx" */
	uint8_t state;                     /* 0 healthy, 1 error (DEVLINK_ATTR_..._STATE) */
	uint64_t error_count;
	uint64_t recover_count;
	bool has_dump;                     /* a dump is stored (DUMP_TS present) */
	uint64_t dump_ts_ns;               /* when it was taken: CLOCK_REALTIME ns, or 0 */
	uint64_t dump_ts_ms;               /* devlink's jiffies-based DUMP_TS, or 0 */
	uint64_t grace_period_ms;
	bool auto_recover;
	bool auto_dump;
};

/* One devlink region snapshot; a region without snapshots has one row with
 * has_snapshot false. */
struct fw_region {
	char name[FW_DEVLINK_NAME_MAX];
	uint64_t size;
	bool has_snapshot;
	uint32_t snapshot_id;
};

/* One health event as it happened: a reporter reported an error (what
 * `devlink monitor health` shows, or a fault the emulator's schedule
 * fired).  Recoveries are not events. */
#define FW_HEALTH_EVENT_MSG 160
struct fw_health_event {
	const char *source;                /* static: "devlink", "emulator" (a trigger note's source) */
	struct fw_health_reporter rep;     /* the reporter as the event left it */
	char msg[FW_HEALTH_EVENT_MSG];     /* what happened, "" when the source does not say */
	uint64_t time_ns;                  /* CLOCK_REALTIME when it happened (or was read) */
	uint64_t mono_ns;                  /* CLOCK_MONOTONIC, the same moment */
};

/* The bytes of the health buffer of the initialization segment. */
#define FW_HEALTH_BUFFER_BYTES 64u

/*
 * The command channel.  Every member takes the priv the transport opened.
 * Versions: a table says which revision of this struct it was written for;
 * members added later are only called on tables of that version or newer,
 * so a back-end written for version 1 keeps working unchanged.
 */
#define FW_CMD_METHODS_VERSION 1
struct fw_cmd_methods {
	int version;                   /* FW_CMD_METHODS_VERSION it was written for */
	const char *name;              /* "fwctl", "mlx5ctl", "emu": the transport's name */
	void (*close)(void *priv);
	/* Complete *info with what this channel knows (transport, uid, caps,
	 * max_rpc, can_umem; the emulator: everything); optional. */
	int (*info)(void *priv, struct fw_device_info *info);
	/* Raw mailbox RPC; only ever called by fw_device_cmd().  Returns 0 when
	 * the whole outbox is valid, a count 16..outlen when the reply was
	 * shorter, or a negative errno. */
	int (*rpc)(void *priv, const void *in, size_t inlen, void *out, size_t outlen);
	/* Optional: user memory the firmware may write into (the trace ring,
	 * CORE_DUMP to memory). */
	int (*umem_reg)(void *priv, void *addr, size_t len, uint32_t *ret_id);
	int (*umem_unreg)(void *priv, uint32_t id);
};

/*
 * Health and regions: everything but mailbox commands.  Every member but
 * version, name and close is optional (missing is -EOPNOTSUPP with a
 * message, or the default noted).  Arrays and buffers are malloc'd and
 * freed by the caller; errors go to the context the back-end was opened
 * with.  Versioned like struct fw_cmd_methods.
 */
#define FW_HEALTH_METHODS_VERSION 4
struct fw_health_methods {
	int version;                   /* FW_HEALTH_METHODS_VERSION it was written for */
	const char *name;              /* interface of reporters, regions, health buffer: "devlink", "emu" */
	const char *trace_name;        /* interface of trace_text ("tracefs"); NULL: name */
	const char *log_name;          /* interface of kernel_log ("kmsg"); NULL: name */
	void (*close)(void *priv);     /* NULL when the command side owns a shared priv */
	int (*info)(void *priv, struct fw_device_info *info);
	int (*reporters)(void *priv, struct fw_health_reporter **ret, size_t *ret_n);
	int (*diagnose)(void *priv, const char *reporter, void **ret_data, size_t *ret_len);
	/* The dump the kernel already stored; -ENOENT if there is none.  Must
	 * never trigger a new dump. */
	int (*dump)(void *priv, const char *reporter, void **ret_data, size_t *ret_len);
	/* One row per existing snapshot; a region without snapshots has one
	 * row with has_snapshot false. */
	int (*regions)(void *priv, struct fw_region **ret, size_t *ret_n);
	/* The bytes of one existing snapshot (chunk framing removed). */
	int (*region_read)(void *priv, const char *region, uint32_t snapshot_id,
			   void **ret_data, size_t *ret_len);
	/* FW_HEALTH_BUFFER_BYTES of the initialization segment. */
	int (*health_buffer)(void *priv, void **ret_data, size_t *ret_len);
	/* The mlx5_fw tracepoint lines for this device: seconds == 0, what the
	 * trace buffer holds now; else the lines that arrive within that many
	 * seconds (on the emulator, of emulated firmware time). */
	int (*trace_text)(void *priv, unsigned seconds, char **ret_text, size_t *ret_len);
	/* The kernel log lines that concern this device, one a line. */
	int (*kernel_log)(void *priv, char **ret_text, size_t *ret_len);
	/* Let seconds pass on the device (the emulator advances its clock
	 * alongside the real wait); -EINTR once the context is cancelled.
	 * Default: wait in real time. */
	int (*wait)(void *priv, unsigned seconds);
	/*
	 * Members added in later versions go below, each under a comment
	 * naming its version; fw_device_*() call them only when version is at
	 * least that (FW_METHOD(m, member, version) in device.c).
	 */
	/* Version 2: clear a reporter's stored dump, the one write fwbox can
	 * make (fwbox watch --clear-dumps, fwbox-allowlist(7)); only called
	 * once fw_device_allow_dump_clear() allowed it. */
	int (*dump_clear)(void *priv, const char *reporter);
	/*
	 * Version 3: health events as they happen, for the watch daemon.
	 * events_open starts listening and returns a descriptor that polls
	 * readable (POLLIN) when events_read has something, or a negative
	 * errno (-EOPNOTSUPP: this device has no event source; the caller
	 * polls the reporters).  events_read hands over up to max events,
	 * oldest first, without blocking: the count, 0 when none, -ENOBUFS
	 * when some were lost (read the reporters to catch up).  events_close
	 * stops listening; only called after a successful events_open.
	 */
	const char *events_name;       /* how the events come, for people: "devlink notifications" */
	/* The reporters change only as events are read (the emulator fires its
	 * scheduled faults then), so polling them instead would see nothing. */
	bool events_only;
	int (*events_open)(void *priv);
	int (*events_read)(void *priv, struct fw_health_event *ev, size_t max);
	void (*events_close)(void *priv);
	/* Version 4: the name of the clock that stamps the trace_text lines
	 * (tracefs trace_clock, the bracketed one: "local", "mono", "boot"
	 * ...), so collect can tie those times to UTC; at most len - 1 bytes
	 * into buf. */
	int (*trace_clock)(void *priv, char *buf, size_t len);
};

/* The two halves of a device, as a transport opens them or a test builds
 * them.  When both share one object, health_priv == cmd_priv and the
 * health methods' close is NULL. */
struct fw_device_parts {
	const struct fw_cmd_methods *cmd;
	void *cmd_priv;
	const struct fw_health_methods *health;
	void *health_priv;
};

/* Options for fw_device_open_with(); zero-initialise, then set. */
struct fw_device_open_opts {
	const char *sysroot;           /* NULL or "" = "/"; every path is read under it */
};

/*
 * Open a device by spec.  The transport table (device/transport.h) decides:
 * "emu[:PROFILE][,key=value...]" is the emulated ConnectX in process (man
 * fwbox-emu.7); a PCI address such as "0000:08:00.0", a device node path or
 * its short name go to the kernel transports (fwctl before mlx5ctl, with
 * devlink, tracefs and the kernel log alongside).  A devlink handle
 * "BUS/DEV" names any devlink device: "pci/0000:08:00.0" is that PCI
 * function as above, any other bus ("netdevsim/netdevsim10") a device
 * with a health part only (reporters, dumps, regions), which must exist.
 */
int fw_device_open(struct fw_ctx *ctx, const char *spec, struct fw_device **ret);
int fw_device_open_with(struct fw_ctx *ctx, const char *spec,
			const struct fw_device_open_opts *opts, struct fw_device **ret);
/*
 * A device over parts already opened (tests' fakes, tools built on the
 * library).  The device owns them from here on: on failure and in
 * fw_device_close() it closes the health part, then the command part.
 * Either part may be missing, not both; a table of a version this library
 * does not know is -EINVAL.
 */
int fw_device_new_from_ops(struct fw_ctx *ctx, const struct fw_device_parts *parts,
			   struct fw_device **ret);
void fw_device_close(struct fw_device *dev);
int fw_device_info(struct fw_device *dev, struct fw_device_info *ret);
struct fw_ctx *fw_device_ctx(const struct fw_device *dev);
/* The parts behind a device (the emulator finds itself through them). */
const struct fw_device_parts *fw_device_parts(const struct fw_device *dev);

/* Which interface serves a part of the device, for outcome records:
 * "fwctl", "mlx5ctl", "devlink", "tracefs", "kmsg", "emu" ... (the command
 * transport's name where the device has no such part). */
enum fw_device_part {
	FW_PART_CMD,                   /* mailbox commands and user memory */
	FW_PART_HEALTH,                /* reporters, regions, health buffer */
	FW_PART_TRACE,                 /* the trace text */
	FW_PART_LOG,                   /* kernel log lines */
};
const char *fw_device_interface(const struct fw_device *dev, enum fw_device_part part);

/* The one function every command passes through: allowlist, size, transport.
 * Returns the outbox bytes filled (>= 16), or a negative errno. */
int fw_device_cmd(struct fw_device *dev, const void *in, size_t inlen, void *out, size_t outlen);

/* Clearing stored health dumps (fwbox watch --clear-dumps): off by
 * default; fw_device_health_dump_clear() is -EPERM until allowed. */
void fw_device_allow_dump_clear(struct fw_device *dev, bool allow);
int fw_device_health_dump_clear(struct fw_device *dev, const char *reporter);

/*
 * Health events (version 3 of the health methods): open returns the
 * descriptor to poll, or -EOPNOTSUPP with a message when the device has no
 * event source (a table older than version 3 included), and *ret_name
 * says how they come ("devlink notifications", "emulator schedule").
 * Read as the method: a count, 0, or -ENOBUFS when events were lost.
 * fw_device_close() closes an open subscription; close may also be called
 * earlier.  events_only: polling the reporters instead would miss them.
 */
int fw_device_health_events_open(struct fw_device *dev, const char **ret_name);
int fw_device_health_events_read(struct fw_device *dev, struct fw_health_event *ev, size_t max);
void fw_device_health_events_close(struct fw_device *dev);
bool fw_device_health_events_only(const struct fw_device *dev);

/* Let tracer-control writes (MTRC_CAP/MTRC_CONF/MTRC_CTRL) through; off by default. */
void fw_device_allow_trace_control(struct fw_device *dev, bool allow);
bool fw_device_trace_control(const struct fw_device *dev);

/*
 * What the gate saw for one command.  The observer is called for every
 * command that reached the gate: refused ones (refused = true, result
 * -EPERM or -EOVERFLOW), dry-run ones (dry_run = true, result 0) and sent
 * ones (result = the transport's return; status/syndrome valid when
 * fw_replied).
 */
struct fw_cmd_event {
	uint64_t seq;                  /* 1, 2, ... per device */
	uint16_t opcode;
	uint16_t op_mod;
	bool is_reg;
	uint16_t reg_id;
	size_t inlen, outlen;
	bool refused;
	bool dry_run;
	bool sent;                     /* the command part's rpc was called */
	int result;                    /* outbox bytes filled, or a negative errno */
	bool fw_replied;
	uint8_t status;
	uint32_t syndrome;
	const void *in;                /* the inbox (valid during the call only) */
	bool trace_control;            /* let through by the opt-in tracer-control list */
	/* In a dry run, the device's other operations are reported too,
	 * without being performed: side_op names one ("devlink health
	 * reporter list"; opcode 0, seq 0); fixed_size says the placeholder
	 * handed back has the size the real answer has (the health buffer). */
	const char *side_op;
	bool fixed_size;
};
typedef void (*fw_device_observer_fn)(void *userdata, const struct fw_cmd_event *ev);
void fw_device_set_observer(struct fw_device *dev, fw_device_observer_fn fn, void *userdata);

/*
 * Dry run: commands that pass the gate are recorded (observer, counter)
 * but not sent; fw_device_cmd() zeroes the outbox and returns outlen, so a
 * caller sees "status OK, no data" and loops that depend on the reply stop
 * after their first command.  Refused commands are still refused.
 *
 * The health part and user memory are not touched either: each call is
 * reported to the observer (side_op) and answered with a placeholder, so a
 * caller walks the path it would take on the device: a reporter list holds
 * one reporter named "<reporter>" with a stored dump, a region list one
 * region "<region>" with a snapshot; diagnose, dumps, region data, trace
 * text and the kernel log are empty; the health buffer is
 * FW_HEALTH_BUFFER_BYTES of zeros; user memory gets id 0 and nothing is
 * registered; a wait returns at once.  What the device does not have stays
 * -EOPNOTSUPP, as in a real run.
 */
void fw_device_set_dry_run(struct fw_device *dev, bool dry_run);
bool fw_device_dry_run(const struct fw_device *dev);

/* Commands that passed the gate (sent, or recorded in a dry run), and refused ones. */
uint64_t fw_device_cmd_count(const struct fw_device *dev);
uint64_t fw_device_refused_count(const struct fw_device *dev);

/* User memory the firmware may DMA into; -EOPNOTSUPP if the transport has none. */
int fw_device_umem_reg(struct fw_device *dev, void *addr, size_t len, uint32_t *ret_id);
int fw_device_umem_unreg(struct fw_device *dev, uint32_t id);

/* devlink / tracefs side; -EOPNOTSUPP when the transport does not have it.
 * Returned memory is malloc'd; free() it. */
int fw_device_health_reporters(struct fw_device *dev, struct fw_health_reporter **ret,
			       size_t *ret_n);
int fw_device_health_diagnose(struct fw_device *dev, const char *reporter, void **ret_data,
			      size_t *ret_len);
int fw_device_health_dump(struct fw_device *dev, const char *reporter, void **ret_data,
			  size_t *ret_len);
int fw_device_regions(struct fw_device *dev, struct fw_region **ret, size_t *ret_n);
int fw_device_region_read(struct fw_device *dev, const char *region, uint32_t snapshot_id,
			  void **ret_data, size_t *ret_len);
/* The mlx5_fw lines the trace buffer holds now. */
int fw_device_tracefs_text(struct fw_device *dev, char **ret_text, size_t *ret_len);
/* The name of the tracefs clock of the trace text lines into buf (at most
 * len - 1 bytes; "" in a dry run); -EOPNOTSUPP when the transport has none
 * (health methods before version 4). */
int fw_device_tracefs_clock(struct fw_device *dev, char *buf, size_t len);
/* The lines that arrive within seconds (on the emulator: that much emulated
 * firmware time; on a kernel: as the transport reads tracefs). */
int fw_device_tracefs_gather(struct fw_device *dev, unsigned seconds, char **ret_text,
			     size_t *ret_len);
int fw_device_health_buffer(struct fw_device *dev, void **ret_data, size_t *ret_len);

/*
 * Let `seconds` pass while the device works (a trace ring filling): real
 * time in 100 ms slices on a kernel transport; on the emulator, emulated
 * firmware time advances slice by slice alongside the real wait, so what
 * the emulated tracer writes matches the time waited and a Ctrl-C still
 * has a window.  Returns 0, or -EINTR when a cancellation ended the wait
 * early (what the slices before it produced stays).
 */
int fw_device_wait(struct fw_device *dev, unsigned seconds);

/*
 * The kernel log lines for this device, as text ("" when none): on kernel
 * transports the /dev/kmsg records that name its PCI address, read under
 * the sysroot it was opened with (-EPERM/-EACCES without CAP_SYSLOG); on
 * the emulator, the lines its emulated mlx5_core driver would have logged
 * (probe, firmware version, health events; man fwbox-emu.7).
 */
int fw_device_kernel_log(struct fw_device *dev, char **ret_text, size_t *ret_len);
