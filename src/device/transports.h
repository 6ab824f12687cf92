/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * transports: the kernel interfaces to a ConnectX function, one object per
 * interface, and the three rows they put in the transport table
 * (registry.c): fwctl and mlx5ctl as command parts, and the kernel's
 * health part (kernel-health.c: devlink, tracefs and the kernel log).
 * Private to src/device/ (not in fwbox.h).
 *
 *  - mlx5ctl: /dev/mlx5ctl-mlx5_core.ctl.N, V4 ioctl ABI (uapi-mlx5ctl.h).
 *  - fwctl:   /dev/fwctl/fwctlN, FWCTL_INFO + FWCTL_RPC, scope
 *             DEBUG_READ_ONLY only (uapi-fwctl.h).
 *  - devlink: generic netlink through libmnl; health reporters, diagnose,
 *             dumps already stored, region snapshots already taken.  It
 *             never sends a command that changes state (no DUMP_CLEAR, no
 *             RECOVER, no REGION_NEW, no TEST, no SET).
 *  - tracefs: the kernel's decoded mlx5_fw tracepoint lines for one device;
 *             reads only, never changes tracing settings.
 *
 * Every raw RPC is reached only through fw_device_cmd() (the allowlist gate
 * in device.c): these functions do not check the allowlist themselves.
 *
 * Kernel errors are turned into messages that say what to do by
 * fw_kernel_error() (kerror.h); paths are read under a sysroot (sysroot.h).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "device/device-internal.h"
#include "device/kerror.h"
#include "device/sysroot.h"
#include "device/transport.h"
#include "ifc/devlink.h"

/* --- mlx5ctl --- */
struct fw_mlx5ctl;
struct fw_mlx5ctl_ident {
	uint16_t uid;
	uint32_t uctx_cap, dev_uctx_cap, ucap;
};
int fw_mlx5ctl_open(struct fw_ctx *ctx, const char *path, struct fw_mlx5ctl **ret);
void fw_mlx5ctl_close(struct fw_mlx5ctl *m);
/* MLX5CTL_IOCTL_INFO (done once at open; cached). */
int fw_mlx5ctl_ident(struct fw_mlx5ctl *m, struct fw_mlx5ctl_ident *ret);
/* MLX5CTL_IOCTL_CMDRPC: 16 <= inlen, outlen <= 256 KiB. */
int fw_mlx5ctl_rpc(struct fw_mlx5ctl *m, const void *in, size_t inlen, void *out, size_t outlen);
int fw_mlx5ctl_umem_reg(struct fw_mlx5ctl *m, void *addr, size_t len, uint32_t *ret_id);
int fw_mlx5ctl_umem_unreg(struct fw_mlx5ctl *m, uint32_t id);

/* --- fwctl --- */
struct fw_fwctl;
int fw_fwctl_open(struct fw_ctx *ctx, const char *path, struct fw_fwctl **ret);
void fw_fwctl_close(struct fw_fwctl *f);
/* UID and uctx_caps from FWCTL_INFO (done once at open; cached). */
void fw_fwctl_ident(const struct fw_fwctl *f, uint32_t *ret_uid, uint32_t *ret_uctx_caps);
/* FWCTL_RPC with scope DEBUG_READ_ONLY: 16 <= inlen, outlen <= 2 MiB.
 * Returns 0 for a full outbox, or the reply length if the kernel says it
 * was shorter (the rest of out is zeroed). */
int fw_fwctl_rpc(struct fw_fwctl *f, const void *in, size_t inlen, void *out, size_t outlen);

/* --- devlink (generic netlink) --- */

struct fw_devlink_region {
	char name[64];
	uint64_t size;
	uint32_t *snapshots;           /* existing snapshot ids */
	size_t nsnapshots;
};

struct fw_devlink;
/* Open a generic netlink socket and resolve the "devlink" family. */
int fw_devlink_open(struct fw_ctx *ctx, struct fw_devlink **ret);
void fw_devlink_close(struct fw_devlink *dl);
/* "pci/0000:08:00.0" handles, malloc'd array of malloc'd strings. */
int fw_devlink_dev_list(struct fw_devlink *dl, char ***ret_names, size_t *ret_n);
void fw_devlink_free_names(char **names, size_t n);
int fw_devlink_reporters(struct fw_devlink *dl, const char *bus, const char *dev,
			 struct fw_health_reporter **ret, size_t *ret_n);
/* The items inside the DEVLINK_ATTR_FMSG nest of every reply message,
 * concatenated (an attribute stream of OBJ/PAIR/ARR_NEST_START, NEST_END,
 * OBJ_NAME, OBJ_VALUE_TYPE, OBJ_VALUE_DATA), malloc'd.  The same bytes
 * emu_reporter_diagnose() and emu_reporter_dump() return, so one fmsg
 * decoder (parsers/health.c) serves both. */
int fw_devlink_diagnose(struct fw_devlink *dl, const char *bus, const char *dev,
			const char *reporter, void **ret_data, size_t *ret_len);
/* Read a dump the kernel already stored; -ENOENT "no stored dump" when the
 * reporter has none.  Never clears it and never triggers a new one. */
int fw_devlink_dump_get(struct fw_devlink *dl, const char *bus, const char *dev,
			const char *reporter, void **ret_data, size_t *ret_len);
int fw_devlink_regions(struct fw_devlink *dl, const char *bus, const char *dev,
		       struct fw_devlink_region **ret, size_t *ret_n);
/* Clear a reporter's stored dump (DEVLINK_CMD_HEALTH_REPORTER_DUMP_CLEAR) so
 * the kernel can store the next one: the one write fwbox can make, only
 * for fwbox watch --clear-dumps, after the dump was captured. */
int fw_devlink_dump_clear(struct fw_devlink *dl, const char *bus, const char *dev,
			  const char *reporter);
void fw_devlink_free_regions(struct fw_devlink_region *r, size_t n);
/* Read an existing snapshot of a region (chunks reassembled by address). */
int fw_devlink_region_read(struct fw_devlink *dl, const char *bus, const char *dev,
			   const char *region, uint32_t snapshot_id,
			   void **ret_data, size_t *ret_len);

/*
 * The pure halves of devlink, exposed for tests and fuzzing: build a request
 * into buf (at least FW_DEVLINK_MSG_MIN bytes) and parse one reply message.
 */
#define FW_DEVLINK_MSG_MIN 1024u
struct fw_devlink_req {
	uint16_t family;
	uint8_t cmd;
	bool dump;                     /* NLM_F_DUMP */
	uint32_t seq;
	const char *bus, *dev;         /* NULL: not sent */
	const char *reporter;          /* HEALTH_REPORTER_NAME */
	const char *region;            /* REGION_NAME */
	bool has_snapshot;
	uint32_t snapshot_id;
	/* HEALTH_REPORTER_DUMP_CLEAR is built only with this set: the one
	 * write, asked for with fwbox watch --clear-dumps. */
	bool clear_dump_opt_in;
};
/* Returns the message length, or a negative errno. */
int fw_devlink_build(struct fw_ctx *ctx, const struct fw_devlink_req *req, void *buf, size_t size);
/* Parse the attributes of one genetlink message payload (after genlmsghdr). */
int fw_devlink_parse_reporter(struct fw_ctx *ctx, const void *attrs, size_t len,
			      struct fw_health_reporter *ret);
int fw_devlink_parse_dev(struct fw_ctx *ctx, const void *attrs, size_t len,
			 char *ret_bus, size_t bus_size, char *ret_dev, size_t dev_size);
/* Append the items of the message's FMSG nest to out; out's ceiling is the
 * reassembly limit (-EOVERFLOW past it). */
int fw_devlink_parse_fmsg(struct fw_ctx *ctx, const void *attrs, size_t len, struct fw_buf *out);
int fw_devlink_parse_region(struct fw_ctx *ctx, const void *attrs, size_t len,
			    struct fw_devlink_region *ret);
/* Copy every chunk of a REGION_READ reply into image (size bytes). */
int fw_devlink_parse_chunks(struct fw_ctx *ctx, const void *attrs, size_t len,
			    uint8_t *image, size_t size, size_t *ret_high);
/* Walk a whole receive buffer (several netlink messages), checking seq,
 * errors and DONE; calls cb for each genetlink payload.  Returns 1 when DONE
 * (or a non-multipart reply) was seen, 0 when more data is expected. */
int fw_devlink_walk(struct fw_ctx *ctx, const void *buf, size_t len, uint32_t seq,
		    int (*cb)(void *userdata, const void *attrs, size_t len), void *userdata);

/* --- tracefs --- */

/* The tracefs folder under sysroot (/sys/kernel/tracing, else
 * /sys/kernel/debug/tracing) that has events/mlx5/mlx5_fw, malloc'd. */
int fw_tracefs_find(struct fw_ctx *ctx, const char *sysroot, char **ret_dir);
/*
 * Lines of the mlx5_fw tracepoint for one PCI device, kept whole
 * (task, cpu, flags, time, "mlx5_fw: <pci> ...").  Reads the
 * `trace` file (a snapshot; seconds == 0) or trace_pipe for `seconds`
 * (consuming: what we read is gone for other readers).  Never writes to
 * tracefs.  Result is malloc'd NUL-terminated text, one line per event.
 */
int fw_tracefs_read(struct fw_ctx *ctx, const char *dir, const char *pci, unsigned seconds,
		    char **ret_text, size_t *ret_len);
/* The clock in use of the tracefs folder dir: the bracketed name in its
 * trace_clock file ("[local] global counter ..." -> "local"). */
int fw_tracefs_clock(struct fw_ctx *ctx, const char *dir, char *buf, size_t len);
/* Filter: keep the mlx5_fw lines of pci from a tracefs text; pure, fuzzed. */
int fw_tracefs_filter(struct fw_ctx *ctx, const char *text, size_t len, const char *pci,
		      char **ret_text, size_t *ret_len);

/* --- kmsg --- */

/* The /dev/kmsg messages (text after ';') that name pci, one a line, read
 * under sysroot without blocking ("" when none); kmsg.c. */
int fw_kmsg_device_lines(struct fw_ctx *ctx, const char *sysroot, const char *pci,
			 char **ret_text, size_t *ret_len);

/* --- the transport table's kernel rows --- */
extern const struct fw_transport fw_fwctl_transport;
extern const struct fw_transport fw_mlx5ctl_transport;
extern const struct fw_transport fw_kernel_health_transport;
