/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * device: one interface to a ConnectX function, several transports behind a
 * vtable (mlx5ctl, fwctl, devlink, tracefs, emu).  Only device/ opens device
 * nodes or netlink sockets.
 *
 * The read-only rule: every mailbox command, whatever the transport, passes
 * through fw_device_cmd(), which parses opcode, op_mod and register id,
 * checks the allowlist (device/allowlist.h), checks the size against the
 * transport's largest RPC, and only then calls the transport.  Refused
 * commands get -EPERM and a message naming the command and why; they never
 * reach ops->rpc.  Tracer control is a separate opt-in list, off until
 * fw_device_allow_trace_control(dev, true).
 *
 * fw_device_cmd() returns the number of outbox bytes the transport filled
 * (16..outlen; outlen unless the reply was cut short) when an outbox came
 * back, whatever its status byte says: the mlx5 layer (mlx5/mlx5.h) reads
 * status and syndrome.
 *
 * The devlink/tracefs side (health reporters, regions, tracefs text, the
 * health buffer) is optional in the vtable; missing ops are -EOPNOTSUPP.
 * Health diagnose and dump data are the raw netlink attribute bytes the
 * kernel sends (the fmsg attribute stream fw_devlink_diagnose() hands back,
 * see device/transports.h), and the emulator produces the same bytes
 * (emu_reporter_diagnose()), so one decoder handles both.  A dump is only
 * ever READ: nothing here asks the kernel to take a new one.
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
	uint32_t uid;                  /* firmware UID of our user context */
	uint32_t uctx_caps;
	size_t max_rpc;                /* largest inbox/outbox the transport takes */
	bool can_umem;                 /* user-memory registration available */
};

#define FW_DEVLINK_NAME_MAX 64         /* reporter and region names, with NUL */

/* One devlink health reporter, as `devlink health show` lists it. */
struct fw_health_reporter {
	char name[FW_DEVLINK_NAME_MAX];    /* "fw", "fw_fatal", "tx" */
	uint8_t state;                     /* 0 healthy, 1 error (DEVLINK_ATTR_..._STATE) */
	uint64_t error_count;
	uint64_t recover_count;
	bool has_dump;                     /* a dump is stored (DUMP_TS present) */
	uint64_t dump_ts_ns;               /* when it was taken, if has_dump */
};

/* One devlink region snapshot; a region without snapshots has one row with
 * has_snapshot false. */
struct fw_region {
	char name[FW_DEVLINK_NAME_MAX];
	uint64_t size;
	bool has_snapshot;
	uint32_t snapshot_id;
};

struct fw_device_ops {
	const char *name;
	int (*open)(struct fw_ctx *ctx, const char *spec, void **ret_priv);
	int (*info)(void *priv, struct fw_device_info *ret);
	/* Raw mailbox RPC; only ever called by fw_device_cmd().  Returns 0 when
	 * the whole outbox is valid, a count 16..outlen when the reply was
	 * shorter, or a negative errno. */
	int (*rpc)(void *priv, const void *in, size_t inlen, void *out, size_t outlen);
	int (*umem_reg)(void *priv, void *addr, size_t len, uint32_t *ret_id);   /* optional */
	int (*umem_unreg)(void *priv, uint32_t id);                              /* optional */
	void (*close)(void *priv);
	/*
	 * Optional devlink/tracefs reads.  Arrays and buffers are malloc'd and
	 * freed by the caller with free().  Errors are reported on the ctx the
	 * transport was opened with.
	 */
	int (*health_reporters)(void *priv, struct fw_health_reporter **ret, size_t *ret_n);
	int (*health_diagnose)(void *priv, const char *reporter, void **ret_data, size_t *ret_len);
	/* Read the dump the kernel already stored; -ENOENT if there is none.
	 * Must never trigger a new dump. */
	int (*health_dump)(void *priv, const char *reporter, void **ret_data, size_t *ret_len);
	int (*regions)(void *priv, struct fw_region **ret, size_t *ret_n);
	/* The bytes of one existing snapshot (chunk framing removed). */
	int (*region_read)(void *priv, const char *region, uint32_t snapshot_id,
			   void **ret_data, size_t *ret_len);
	/* The mlx5_fw tracepoint lines for this device that the trace buffer
	 * holds now, as text. */
	int (*tracefs_text)(void *priv, char **ret_text, size_t *ret_len);
	/* The 64-byte health buffer of the initialization segment. */
	int (*health_buffer)(void *priv, void **ret_data, size_t *ret_len);
	/* Optional: let `seconds` of tracing happen, then read the text (the
	 * emulator advances its firmware clock).  Without it,
	 * fw_device_tracefs_gather() waits in real time, then reads. */
	int (*tracefs_gather)(void *priv, unsigned seconds, char **ret_text, size_t *ret_len);
	/* Optional: let `seconds` pass on the device (the emulator advances
	 * its firmware clock as well).  Must end early, returning -EINTR, once
	 * the context is cancelled.  Without it, fw_device_wait() waits in
	 * real time. */
	int (*wait)(void *priv, unsigned seconds);
	/* Optional: the kernel log lines that concern this device (kernel
	 * transports: /dev/kmsg lines naming the PCI address; the emulator:
	 * its emulated driver's lines), as text, one line each. */
	int (*kernel_log)(void *priv, char **ret_text, size_t *ret_len);
};

/* Options for fw_device_open_with(); zero-initialise, then set. */
struct fw_device_open_opts {
	const char *sysroot;           /* NULL or "" = "/"; every path is read under it */
};

/*
 * Open a device by spec: "emu[:PROFILE][,key=value...]" is the emulated
 * ConnectX in process (man fwbox-emu.7); anything else (a PCI address such
 * as "0000:08:00.0", a device node path) goes to the kernel transports.
 */
int fw_device_open(struct fw_ctx *ctx, const char *spec, struct fw_device **ret);
int fw_device_open_with(struct fw_ctx *ctx, const char *spec,
			const struct fw_device_open_opts *opts, struct fw_device **ret);
/*
 * Wrap an already opened transport object (tests' fake transports, tools
 * built on the library).  The device owns priv from here on: on failure
 * and in fw_device_close() it calls ops->close(priv).
 */
int fw_device_new_from_ops(struct fw_ctx *ctx, const struct fw_device_ops *ops, void *priv,
			   struct fw_device **ret);
void fw_device_close(struct fw_device *dev);
int fw_device_info(struct fw_device *dev, struct fw_device_info *ret);
struct fw_ctx *fw_device_ctx(const struct fw_device *dev);

/* The one function every command passes through: allowlist, size, transport.
 * Returns the outbox bytes filled (>= 16), or a negative errno. */
int fw_device_cmd(struct fw_device *dev, const void *in, size_t inlen, void *out, size_t outlen);

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
	int result;                    /* outbox bytes filled, or a negative errno */
	bool fw_replied;
	uint8_t status;
	uint32_t syndrome;
	const void *in;                /* the inbox (valid during the call only) */
};
typedef void (*fw_device_observer_fn)(void *userdata, const struct fw_cmd_event *ev);
void fw_device_set_observer(struct fw_device *dev, fw_device_observer_fn fn, void *userdata);

/*
 * Dry run: commands that pass the gate are recorded (observer, counter)
 * but not sent; fw_device_cmd() zeroes the outbox and returns outlen, so a
 * caller sees "status OK, no data" and loops that depend on the reply stop
 * after their first command.  Refused commands are still refused.
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
