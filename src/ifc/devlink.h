/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * devlink: the numbers of the kernel's devlink generic-netlink interface
 * that fwbox speaks or reads, written once for the three places that meet
 * them: the devlink back-end (device/devlink.c) builds requests and reads
 * replies, the emulator (emu/emu-health.c) produces the same fmsg bytes,
 * and the health decoder (parsers/health.c) reads them.
 *
 * Values are those of the kernel's include/uapi/linux/devlink.h (enum
 * devlink_command, enum devlink_attr) and include/net/netlink.h (the
 * netlink attribute types that a devlink fmsg uses as value types); they
 * are ABI and never change.
 */

/* Generic netlink family and the multicast group of health and region
 * notifications. */
#define FW_DEVLINK_GENL_NAME "devlink"
#define FW_DEVLINK_GENL_VERSION 1
#define FW_DEVLINK_MCGRP_CONFIG "config"

/* enum devlink_command */
enum {
	FW_DEVLINK_CMD_GET = 1,
	FW_DEVLINK_CMD_REGION_GET = 42,
	FW_DEVLINK_CMD_REGION_READ = 46,
	FW_DEVLINK_CMD_HEALTH_REPORTER_GET = 52,
	/* What devlink_recover_notify() multicasts on a report and a recovery. */
	FW_DEVLINK_CMD_HEALTH_REPORTER_RECOVER = 54,
	FW_DEVLINK_CMD_HEALTH_REPORTER_DIAGNOSE = 55,
	FW_DEVLINK_CMD_HEALTH_REPORTER_DUMP_GET = 56,
	/* The one write: only with --clear-dumps (fwbox-allowlist(7)). */
	FW_DEVLINK_CMD_HEALTH_REPORTER_DUMP_CLEAR = 57,
};
/* enum devlink_attr */
enum {
	FW_DEVLINK_ATTR_BUS_NAME = 1,
	FW_DEVLINK_ATTR_DEV_NAME = 2,
	FW_DEVLINK_ATTR_PORT_INDEX = 3,
	FW_DEVLINK_ATTR_REGION_NAME = 88,
	FW_DEVLINK_ATTR_REGION_SIZE = 89,
	FW_DEVLINK_ATTR_REGION_SNAPSHOTS = 90,
	FW_DEVLINK_ATTR_REGION_SNAPSHOT = 91,
	FW_DEVLINK_ATTR_REGION_SNAPSHOT_ID = 92,
	FW_DEVLINK_ATTR_REGION_CHUNKS = 93,
	FW_DEVLINK_ATTR_REGION_CHUNK = 94,
	FW_DEVLINK_ATTR_REGION_CHUNK_DATA = 95,
	FW_DEVLINK_ATTR_REGION_CHUNK_ADDR = 96,
	FW_DEVLINK_ATTR_REGION_CHUNK_LEN = 97,
	FW_DEVLINK_ATTR_FMSG = 106,
	FW_DEVLINK_ATTR_FMSG_OBJ_NEST_START = 107,
	FW_DEVLINK_ATTR_FMSG_PAIR_NEST_START = 108,
	FW_DEVLINK_ATTR_FMSG_ARR_NEST_START = 109,
	FW_DEVLINK_ATTR_FMSG_NEST_END = 110,
	FW_DEVLINK_ATTR_FMSG_OBJ_NAME = 111,
	FW_DEVLINK_ATTR_FMSG_OBJ_VALUE_TYPE = 112,
	FW_DEVLINK_ATTR_FMSG_OBJ_VALUE_DATA = 113,
	FW_DEVLINK_ATTR_HEALTH_REPORTER = 114,
	FW_DEVLINK_ATTR_HEALTH_REPORTER_NAME = 115,
	FW_DEVLINK_ATTR_HEALTH_REPORTER_STATE = 116,
	FW_DEVLINK_ATTR_HEALTH_REPORTER_ERR_COUNT = 117,
	FW_DEVLINK_ATTR_HEALTH_REPORTER_RECOVER_COUNT = 118,
	FW_DEVLINK_ATTR_HEALTH_REPORTER_DUMP_TS = 119,
	FW_DEVLINK_ATTR_HEALTH_REPORTER_GRACEFUL_PERIOD = 120,
	FW_DEVLINK_ATTR_HEALTH_REPORTER_AUTO_RECOVER = 121,
	FW_DEVLINK_ATTR_HEALTH_REPORTER_DUMP_TS_NS = 137,
	FW_DEVLINK_ATTR_HEALTH_REPORTER_AUTO_DUMP = 141,
};

/* Netlink attribute types, as DEVLINK_ATTR_FMSG_OBJ_VALUE_TYPE carries them. */
enum {
	FW_NLA_U8 = 1,
	FW_NLA_U16 = 2,
	FW_NLA_U32 = 3,
	FW_NLA_U64 = 4,
	FW_NLA_FLAG = 6,
	FW_NLA_NUL_STRING = 10,
	FW_NLA_BINARY = 11,
};
