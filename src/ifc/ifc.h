/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * ifc.h: mlx5 command opcodes, register IDs and status codes, as numbers.
 * Shared by the command layer, the allowlist (device/) and the emulator, so
 * the three never disagree.  Values from the kernel's
 * include/linux/mlx5/mlx5_ifc.h and include/linux/mlx5/driver.h.  Only
 * constants here: layouts live in the register catalog (regcat.def).
 */
#include "ifc/regcat-layout.h"

/* Command opcodes. */
enum mlx5_opcode {
	MLX5_CMD_QUERY_HCA_CAP              = 0x100,
	MLX5_CMD_QUERY_ADAPTER              = 0x101,
	MLX5_CMD_QUERY_ISSI                 = 0x10a,
	MLX5_CMD_QUERY_DRIVER_VERSION       = 0x10c,
	MLX5_CMD_QUERY_OTHER_HCA_CAP        = 0x10e,
	MLX5_CMD_QUERY_PAGES                = 0x107,
	MLX5_CMD_SET_HCA_CAP                = 0x109,
	MLX5_CMD_QUERY_VPORT_STATE          = 0x750,
	MLX5_CMD_QUERY_NIC_VPORT_CONTEXT    = 0x754,
	MLX5_CMD_QUERY_VNIC_ENV             = 0x76f,
	MLX5_CMD_QUERY_VPORT_COUNTER        = 0x770,
	MLX5_CMD_QUERY_Q_COUNTER            = 0x773,
	MLX5_CMD_ACCESS_REG                 = 0x805,
	MLX5_CMD_NOP                        = 0x80d,
	MLX5_CMD_QUERY_DIAGNOSTIC_PARAMS    = 0x819,
	MLX5_CMD_SET_DIAGNOSTIC_PARAMS      = 0x820,
	MLX5_CMD_QUERY_DIAGNOSTIC_COUNTERS  = 0x821,
	MLX5_CMD_CREATE_UCTX                = 0xa04,
	MLX5_CMD_QUERY_UCTX                 = 0xa05,
	MLX5_CMD_DESTROY_UCTX               = 0xa06,
	MLX5_CMD_CREATE_UMEM                = 0xa08,
	MLX5_CMD_QUERY_UMEM                 = 0xa09,
	MLX5_CMD_ACCESS_REGISTER_USER       = 0xb0c,
};

/* ACCESS_REG op_mod: the kernel sets op_mod = !write. */
enum mlx5_reg_op {
	MLX5_REG_OP_WRITE = 0,
	MLX5_REG_OP_READ  = 1,
};

/* Register IDs (ACCESS_REG register_id). */
enum mlx5_reg_id {
	MLX5_REG_QPTS          = 0x4002,
	MLX5_REG_QETCR         = 0x4005,
	MLX5_REG_QTCT          = 0x400a,
	MLX5_REG_QPDPM         = 0x4013,
	MLX5_REG_QCAM          = 0x4019,
	MLX5_REG_DCBX_PARAM    = 0x4020,
	MLX5_REG_DCBX_APP      = 0x4021,
	MLX5_REG_CORE_DUMP     = REGCAT_ID_CORE_DUMP,      /* 0x402e */
	MLX5_REG_PCAP          = 0x5001,
	MLX5_REG_PMLP          = 0x5002,
	MLX5_REG_PMTU          = 0x5003,
	MLX5_REG_PTYS          = 0x5004,
	MLX5_REG_PAOS          = 0x5006,
	MLX5_REG_PFCC          = 0x5007,
	MLX5_REG_PPCNT         = 0x5008,
	MLX5_REG_PUDE          = 0x5009,
	MLX5_REG_PPTB          = 0x500b,
	MLX5_REG_PBMC          = 0x500c,
	MLX5_REG_PELC          = 0x500e,
	MLX5_REG_PVLC          = 0x500f,
	MLX5_REG_PMPE          = 0x5010,
	MLX5_REG_PMAOS         = 0x5012,
	MLX5_REG_PPLM          = 0x5023,
	MLX5_REG_PDDR          = 0x5031,
	MLX5_REG_PCMR          = 0x5041,
	MLX5_REG_PCAM          = 0x507f,
	MLX5_REG_NODE_DESC     = 0x6001,
	MLX5_REG_HOST_ENDIANNESS = 0x7004,
	MLX5_REG_MTCAP         = 0x9009,
	MLX5_REG_MTMP          = 0x900a,
	MLX5_REG_MCIA          = 0x9014,
	MLX5_REG_MGIR          = 0x9020,
	MLX5_REG_MFRL          = 0x9028,
	MLX5_REG_MLCR          = 0x902b,
	MLX5_REG_MRTC          = 0x902d,
	MLX5_REG_MTRC_CAP      = 0x9040,
	MLX5_REG_MTRC_CONF     = 0x9041,
	MLX5_REG_MTRC_STDB     = 0x9042,
	MLX5_REG_MTRC_CTRL     = 0x9043,
	MLX5_REG_MPEIN         = 0x9050,
	MLX5_REG_MPCNT         = 0x9051,
	MLX5_REG_MTPPS         = 0x9053,
	MLX5_REG_MTPPSE        = 0x9054,
	MLX5_REG_MTUTC         = 0x9055,
	MLX5_REG_MPEGC         = 0x9056,
	MLX5_REG_MCQS          = 0x9060,
	MLX5_REG_MCQI          = 0x9061,
	MLX5_REG_MCC           = 0x9062,
	MLX5_REG_MCDA          = 0x9063,
	MLX5_REG_MCAM          = 0x907f,
	MLX5_REG_MIRC          = 0x9162,
	MLX5_REG_RESOURCE_DUMP = REGCAT_ID_RESOURCE_DUMP,  /* 0xc000 */
	MLX5_REG_DTOR          = 0xc00e,
};

/* Outbox status byte. */
enum mlx5_cmd_status {
	MLX5_STAT_OK               = 0x00,
	MLX5_STAT_INT_ERR          = 0x01,
	MLX5_STAT_BAD_OP           = 0x02,
	MLX5_STAT_BAD_PARAM        = 0x03,
	MLX5_STAT_BAD_SYS_STATE    = 0x04,
	MLX5_STAT_BAD_RES          = 0x05,
	MLX5_STAT_RES_BUSY         = 0x06,
	MLX5_STAT_LIM_ERR          = 0x08,
	MLX5_STAT_BAD_RES_STATE    = 0x09,
	MLX5_STAT_IX_ERR           = 0x0a,
	MLX5_STAT_NO_RES           = 0x0f,
	MLX5_STAT_BAD_QP_STATE     = 0x10,
	MLX5_STAT_BAD_PKT          = 0x30,
	MLX5_STAT_BAD_SIZE_OUTS_CQES = 0x40,
	MLX5_STAT_BAD_INP_LEN      = 0x50,
	MLX5_STAT_BAD_OUTP_LEN     = 0x51,
};

#define MLX5_MBOX_HDR_LEN 16   /* inbox and outbox headers */

/* Commands the allowlist names only to refuse them (tests and messages). */
enum mlx5_opcode_refused {
	MLX5_CMD_CREATE_MKEY                = 0x200,
	MLX5_CMD_QUERY_MKEY                 = 0x201,
	MLX5_CMD_ALLOC_PD                   = 0x800,
	MLX5_CMD_DESTROY_UMEM               = 0xa0a,
};

/* QUERY_HCA_CAP: op_mod = (cap_type << 1) | mode. */
enum mlx5_cap_mode {
	MLX5_CAP_MODE_MAX = 0,
	MLX5_CAP_MODE_CUR = 1,
};
enum mlx5_cap_type {
	MLX5_CAP_GENERAL                 = 0x00,
	MLX5_CAP_ETHERNET_OFFLOADS       = 0x01,
	MLX5_CAP_ODP                     = 0x02,
	MLX5_CAP_ATOMIC                  = 0x03,
	MLX5_CAP_ROCE                    = 0x04,
	MLX5_CAP_IPOIB_OFFLOADS          = 0x05,
	MLX5_CAP_IPOIB_ENHANCED_OFFLOADS = 0x06,
	MLX5_CAP_FLOW_TABLE              = 0x07,
	MLX5_CAP_ESWITCH_FLOW_TABLE      = 0x08,
	MLX5_CAP_ESWITCH                 = 0x09,
	MLX5_CAP_QOS                     = 0x0c,
	MLX5_CAP_DEBUG                   = 0x0d,
	MLX5_CAP_DEV_MEM                 = 0x0f,
	MLX5_CAP_TLS                     = 0x11,
	MLX5_CAP_VDPA_EMULATION          = 0x13,
	MLX5_CAP_DEV_EVENT               = 0x14,
	MLX5_CAP_IPSEC                   = 0x15,
	MLX5_CAP_CRYPTO                  = 0x1a,
	MLX5_CAP_MACSEC                  = 0x1f,
	MLX5_CAP_GENERAL_2               = 0x20,
	MLX5_CAP_PORT_SELECTION          = 0x25,
	MLX5_CAP_ADV_VIRTUALIZATION      = 0x26,
};
#define MLX5_HCA_CAP_SIZE 4096u   /* capability union in the QUERY_HCA_CAP outbox */

/* RESOURCE_DUMP register (0xc000), from its row in regcat.def. */
#define MLX5_RESDUMP_REG_SIZE        ((unsigned)REGCAT_SIZE_RESOURCE_DUMP)
#define MLX5_RESDUMP_INLINE_OFF      ((unsigned)REGCAT_FIELD_BYTE(RESOURCE_DUMP, inline_data))
#define MLX5_RESDUMP_INLINE_MAX      ((unsigned)REGCAT_FIELD_BYTES(RESOURCE_DUMP, inline_data))
#define MLX5_RESDUMP_SEG_MENU        0xffffu
#define MLX5_RESDUMP_SEG_INFO        0xfffeu
#define MLX5_RESDUMP_SEG_REFERENCE   0xfffdu
#define MLX5_RESDUMP_SEG_ERROR       0xfffcu
#define MLX5_RESDUMP_SEG_TERMINATE   0xfffbu
#define MLX5_RESDUMP_SEG_COMMAND     0xfffau
#define MLX5_RESDUMP_SEG_NOTICE      0xfff9u
#define MLX5_RESDUMP_ALL             0xffffu   /* num_of_obj "all" */

/* CORE_DUMP register (0x402e), from its row in regcat.def. */
#define MLX5_CORE_DUMP_REG_SIZE      ((unsigned)REGCAT_SIZE_CORE_DUMP)
enum mlx5_core_dump_type {
	MLX5_CORE_DUMP_GENERAL        = 0,
	MLX5_CORE_DUMP_QP             = 1,
	MLX5_CORE_DUMP_CR_DUMP_TO_MEM = 2,
};

/* Firmware tracer registers. */
#define MLX5_MTRC_CAP_SIZE           128u
#define MLX5_MTRC_CONF_SIZE          128u
#define MLX5_MTRC_CTRL_SIZE          64u
#define MLX5_MTRC_STDB_IN_SIZE       128u   /* what the kernel sends */
#define MLX5_MTRC_STDB_HDR           8u     /* string data starts at byte 8 */
#define MLX5_MTRC_STDB_KERNEL_CHUNK  256u   /* STRINGS_DB_READ_SIZE_BYTES */
#define MLX5_MTRC_STDB_ALIGN         64u    /* STRINGS_DB_LEFTOVER_SIZE_BYTES */
#define MLX5_MTRC_STDB_READ_SIZE_MAX 0xffffffu   /* read_size is 24 bits */
#define MLX5_STRINGS_DB_SECTIONS     8u
#define MLX5_TRACE_MODE_TO_MEMORY    1u
#define MLX5_TRACER_LOG_BUFFER_SIZE  6u     /* 64 pages, as the kernel writes */
#define MLX5_TRACE_RING_BYTES        (256u << 10)   /* TRACE_BUFFER_SIZE_BYTE */
#define MLX5_TRACE_BLOCK_BYTES       256u           /* TRACER_BLOCK_SIZE_BYTE */
