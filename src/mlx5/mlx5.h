/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * mlx5: the command layer.  Builds mailboxes (big-endian, 16-byte headers),
 * sends them through fw_device_cmd() (the allowlist gate), parses the
 * outbox status and syndrome, and implements the multi-command reads:
 * ACCESS_REG, QUERY_HCA_CAP, the RESOURCE_DUMP loop, CORE_DUMP, the tracer
 * capability register and the strings database.
 *
 * Contract:
 *  - Every call returns raw bytes (the register data, the capability page,
 *    the concatenated dump stream, a strings-DB section) and never decodes
 *    them beyond what the protocol needs (more_dump, seq_num, sizes):
 *    decoding is the parsers' job.
 *  - "Firmware ran it but said no" (outbox status != 0) is -EREMOTEIO, as
 *    in the kernel's mlx5_cmd_do(); the status, syndrome and their text are
 *    in the struct mlx5_status the caller passes (may be NULL), which is
 *    filled on every return, success or not, so the collector can store an
 *    outcome note.  Other errors come from the gate (-EPERM: not on the
 *    read-only allowlist; -EOVERFLOW: larger than the transport's RPC) or
 *    the transport (-EIO, -ETIMEDOUT, -EBUSY...).
 *  - Register sizes come from mlx5_reg_size(), which reads the register
 *    catalog (ifc/regcat.def).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "ifc/ifc.h"
#include "ifc/names.h"

struct fw_device;

/* ---- Status ---- */

/* 0 for OK, -EREMOTEIO for every other status (the kernel's rule).  Names
 * and status text are in ifc/names.h. */
int mlx5_status_to_errno(uint8_t status);

/* ---- Outcome record ---- */

#define MLX5_STATUS_TEXT_MAX 96

struct mlx5_status {
	int err;                  /* 0, -EREMOTEIO, or the gate/transport error */
	uint16_t opcode;          /* the last command sent */
	uint16_t op_mod;
	uint16_t reg_id;          /* when the command was an ACCESS_REG */
	uint8_t status;           /* outbox status (valid when an outbox came back) */
	uint32_t syndrome;
	bool fw_replied;          /* an outbox came back */
	size_t out_len;           /* outbox bytes it carried (< asked: cut short) */
	unsigned commands;        /* commands this operation sent */
	char text[MLX5_STATUS_TEXT_MAX];   /* status text, or the errno text */
};

/* ---- Mailboxes ---- */

/* Write the 16-byte inbox header (other bytes untouched). */
void mlx5_mbox_in_hdr(void *in, uint16_t opcode, uint16_t op_mod);
/* Read status and syndrome from an outbox; -EBADMSG if shorter than 16. */
int mlx5_mbox_out_parse(struct fw_ctx *ctx, const void *out, size_t outlen,
			uint8_t *ret_status, uint32_t *ret_syndrome);

/* Send one mailbox and check its status.  st may be NULL.  An outbox cut
 * short by the transport (fewer than outlen bytes) is -EBADMSG after the
 * status check. */
int mlx5_cmd_exec(struct fw_device *dev, const void *in, size_t inlen, void *out,
		  size_t outlen, struct mlx5_status *st);

/* ---- ACCESS_REG ---- */

/*
 * One ACCESS_REG: in_len bytes of register data (in_data, or zeros when
 * NULL) go out after the 16-byte header, out_len bytes come back into out.
 * op_mod is MLX5_REG_OP_READ (1) or MLX5_REG_OP_WRITE (0); the "write"
 * form is what the kernel uses for MTRC_STDB, RESOURCE_DUMP and CORE_DUMP
 * reads, and the only writes the allowlist lets through.
 */
/*
 * A reply the transport cut short (the firmware said OK, fewer outbox bytes
 * came than asked) is -EBADMSG with st->out_len the bytes that came; out
 * then still holds the register bytes that arrived (st->out_len - 16 of
 * them, zeros after), so a caller can keep a partial read.  The same holds
 * for mlx5_query_hca_cap().
 */
int mlx5_access_reg(struct fw_device *dev, uint16_t reg_id, uint16_t op_mod, uint32_t argument,
		    const void *in_data, size_t in_len, void *out, size_t out_len,
		    struct mlx5_status *st);
int mlx5_access_reg_read(struct fw_device *dev, uint16_t reg_id, uint32_t argument,
			 const void *in_data, size_t in_len, void *out, size_t out_len,
			 struct mlx5_status *st);
int mlx5_access_reg_write_read(struct fw_device *dev, uint16_t reg_id, uint32_t argument,
			       const void *in_data, size_t in_len, void *out, size_t out_len,
			       struct mlx5_status *st);

/* ---- QUERY_HCA_CAP ---- */

/* Read the capability page of cap_type (current or max) into out (<= 4096 bytes). */
int mlx5_query_hca_cap(struct fw_device *dev, uint16_t cap_type, bool current, void *out,
		       size_t out_len, struct mlx5_status *st);

/* ---- RESOURCE_DUMP ---- */

struct mlx5_resdump_req {
	uint16_t segment_type;    /* MLX5_RESDUMP_SEG_MENU for the menu */
	uint16_t vhca_id;
	uint32_t index1, index2;
	uint16_t num_of_obj1, num_of_obj2;   /* MLX5_RESDUMP_ALL = all */
	bool read_op;             /* op_mod 1 (mlx5ctl tool) instead of the kernel's write */
	unsigned max_calls;       /* 0 = FW_LIMIT_RESDUMP_PAGES */
};

/*
 * Run the more_dump loop in inline mode (208 bytes per call) and return the
 * concatenated segment stream (malloc'd, *ret_len bytes).  Each call sends
 * back what the firmware returned (seq_num, device_opaque, indexes), checks
 * that seq_num is 0 or the previous one plus 1, and stops at
 * max_calls with -EOVERFLOW.  st->commands counts the calls made.
 */
int mlx5_resdump(struct fw_device *dev, const struct mlx5_resdump_req *req, void **ret_data,
		 size_t *ret_len, struct mlx5_status *st);
/*
 * The same loop, handing each call's inline bytes to fn as they come
 * (len may be 0), for callers that keep what came before a failure.  A
 * negative return from fn stops the loop and is returned as is.
 */
typedef int (*mlx5_resdump_fn)(void *userdata, const void *data, size_t len);
int mlx5_resdump_each(struct fw_device *dev, const struct mlx5_resdump_req *req,
		      mlx5_resdump_fn fn, void *userdata, struct mlx5_status *st);

/* ---- CORE_DUMP ---- */

struct mlx5_core_dump {
	bool more_dump;
	uint8_t core_dump_type;
	uint16_t vhca_id;
	uint32_t qpn;
	uint32_t mkey;
	uint32_t size;
	uint64_t address;
	uint64_t cookie;
};

/*
 * One CORE_DUMP register access: req is packed into the 64-byte register,
 * the reply is returned raw (out, 64 bytes) and parsed (ret).  read_op
 * picks op_mod 1 (the tool's read) over the kernel's write form.
 */
int mlx5_core_dump(struct fw_device *dev, const struct mlx5_core_dump *req, bool read_op,
		   void *out, size_t out_len, struct mlx5_core_dump *ret, struct mlx5_status *st);
void mlx5_core_dump_pack(const struct mlx5_core_dump *d, void *reg);
int mlx5_core_dump_parse(struct fw_ctx *ctx, const void *reg, size_t len, struct mlx5_core_dump *ret);

/*
 * CR-space through CORE_DUMP type CR_DUMP_TO_MEM: register buf_len bytes of
 * user memory, ask the firmware to write (address, value) pairs into it
 * (big-endian, 8 bytes a pair), hand each call's pairs to fn, and go on at
 * the firmware's cookie until more_dump is clear.  more tells fn whether
 * another call follows; a negative return from fn stops the loop and is
 * returned as is.  Checks cancellation before every call (-EINTR) and stops
 * after max_calls calls (0: FW_LIMIT_RESDUMP_PAGES) with -EOVERFLOW.  A
 * reply claiming more bytes than the memory holds, or not whole pairs, is
 * -EBADMSG.  -EOPNOTSUPP (the device's message) when user memory cannot be
 * registered, so a caller can read CR-space another way.  The memory is
 * unregistered and freed on every path; st->commands counts the calls.
 */
typedef int (*mlx5_crdump_fn)(void *userdata, const uint8_t *pairs, size_t len, bool more);
int mlx5_crdump_each(struct fw_device *dev, size_t buf_len, unsigned max_calls,
		     mlx5_crdump_fn fn, void *userdata, struct mlx5_status *st);

/* ---- Firmware tracer ---- */

struct mlx5_strings_db {
	uint32_t base_address;
	uint32_t size;
};

struct mlx5_tracer_caps {
	bool trace_owner;
	bool trace_to_memory;
	uint8_t trc_ver;
	uint8_t num_string_db;
	uint8_t first_string_trace;
	uint8_t num_string_trace;
	uint8_t log_max_trace_buffer_size;
	struct mlx5_strings_db db[MLX5_STRINGS_DB_SECTIONS];
};

/* Parse MTRC_CAP register data; -EBADMSG if short, -EOVERFLOW if more than 8 DBs. */
int mlx5_tracer_caps_parse(struct fw_ctx *ctx, const void *reg, size_t len,
			   struct mlx5_tracer_caps *ret);
/* Read MTRC_CAP (op_mod 1); raw (MLX5_MTRC_CAP_SIZE bytes) may be NULL. */
int mlx5_tracer_query_caps(struct fw_device *dev, struct mlx5_tracer_caps *ret, void *raw,
			   size_t raw_len, struct mlx5_status *st);

/*
 * Read strings-DB section i with MTRC_STDB write-for-read commands.  The
 * kernel reads 256 bytes per command; read_size is 24 bits, so we ask for
 * the largest multiple of 64 bytes that fits the transport's max RPC
 * (minus the 16-byte header and 8-byte MTRC_STDB header) and the rest of
 * the section, which makes one command per section on mlx5ctl (256 KiB)
 * and fwctl (2 MiB) for every real DB size.  If the firmware rejects a
 * large read (status BAD_PARAM, BAD_INP_LEN, BAD_OUTP_LEN or LIM_ERR), we
 * fall back to the kernel's 256-byte chunks for the rest of the section.
 * Returns the section bytes (malloc'd).  chunk_max != 0 caps the chunk.
 */
int mlx5_strings_db_read(struct fw_device *dev, const struct mlx5_tracer_caps *caps,
			 unsigned section, size_t chunk_max, void **ret_data, size_t *ret_len,
			 struct mlx5_status *st);
/*
 * Read every section (0..num_string_db-1) in one operation; sections past
 * num_string_db come back NULL/0.  A firmware refusal of large reads is
 * remembered across sections, so it costs one extra command, not one per
 * section.  On failure nothing is returned (st says where it stopped).
 */
int mlx5_strings_db_read_all(struct fw_device *dev, const struct mlx5_tracer_caps *caps,
			     void *ret_data[MLX5_STRINGS_DB_SECTIONS],
			     size_t ret_len[MLX5_STRINGS_DB_SECTIONS], struct mlx5_status *st);

/*
 * Tracer control (needs fw_device_allow_trace_control(dev, true), else the
 * gate refuses with -EPERM): take or release ownership (MTRC_CAP write;
 * *ret_owner says whether the firmware granted it), configure the ring
 * (MTRC_CONF: trace-to-memory, log size, mkey), start/stop and arm
 * (MTRC_CTRL).  The mkey names memory the firmware writes the ring to: on
 * the emulator, a umem id from fw_device_umem_reg(); on a real card it
 * would take CREATE_MKEY over a umem, which the allowlist refuses (the
 * fwctl driver refuses it too), so a raw ring is an emulator-only path and
 * real cards give their trace through tracefs and devlink.
 */
int mlx5_tracer_set_owner(struct fw_device *dev, bool own, bool *ret_owner,
			  struct mlx5_status *st);
int mlx5_tracer_configure(struct fw_device *dev, uint32_t mkey, uint8_t log_buffer_size,
			  struct mlx5_status *st);
int mlx5_tracer_set_status(struct fw_device *dev, bool enable, bool arm, struct mlx5_status *st);

/*
 * Capture the firmware's raw trace ring (tracer control, emulator-only in
 * practice, see above): register MLX5_TRACE_RING_BYTES of user memory,
 * take tracer ownership (-EBUSY with a message when the firmware leaves it
 * with another owner, normally the kernel driver), point the tracer at the
 * memory and start it, let `seconds` pass on the device (fw_device_wait()),
 * stop it, and give ownership and the memory back on every path once they
 * were taken.  Trace control is allowed on the device only for the
 * duration.  *ret_data is the ring (malloc'd, MLX5_TRACE_RING_BYTES).
 */
int mlx5_tracer_capture_ring(struct fw_device *dev, unsigned seconds, void **ret_data,
			     size_t *ret_len, struct mlx5_status *st);
