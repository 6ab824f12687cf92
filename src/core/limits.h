/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * limits: every named limit on sizes and counts of outside input lives here,
 * so a reader of the code can see at once what a hostile file can make us do.
 * Hitting one is -EOVERFLOW with a message naming the limit.
 */

/* --- Bundles (tar archive) --- */
#define FW_LIMIT_MEMBERS              10000u               /* members in one bundle */
#define FW_LIMIT_MEMBER_NAME          4096u                /* bytes in a member path */
#define FW_LIMIT_MEMBER_SIZE          (4ull << 30)         /* one member, uncompressed */
#define FW_LIMIT_BUNDLE_SIZE          (16ull << 30)        /* all members, uncompressed */
#define FW_LIMIT_RATIO                1000u                /* uncompressed / compressed file size */
#define FW_LIMIT_RATIO_FLOOR          (64ull << 20)        /* ratio is not applied below this many bytes */
#define FW_LIMIT_INDEX_SIZE           (64u << 20)          /* index.elf */
#define FW_LIMIT_STAGE_MEMORY         (64u << 20)          /* writer: staged in memory before spilling to a temp file */
#define FW_LIMIT_READ_CHUNK           (1u << 20)           /* streaming read block */

/* --- ELF note index --- */
#define FW_LIMIT_NOTES                (FW_LIMIT_MEMBERS + 16u)
#define FW_LIMIT_NOTE_DESC            (1u << 20)           /* one note's payload */
#define FW_LIMIT_NOTE_STRING          65536u               /* one string inside a note */
#define FW_LIMIT_REQUEST_BYTES        4096u                /* request bytes kept per artifact */

/* --- Device commands --- */
#define FW_LIMIT_MLX5CTL_RPC          (256u << 10)         /* MLX5CTL_MAX_RPC_SIZE (V4) */
#define FW_LIMIT_FWCTL_RPC            (2u << 20)           /* fwctl mlx5 RPC limit */
#define FW_LIMIT_RESDUMP_PAGES        65536u               /* more_dump iterations per segment */
#define FW_LIMIT_STRINGS_DB_SECTIONS  8u                   /* STRINGS_DB_SECTIONS_NUM */
#define FW_LIMIT_STRINGS_DB_SECTION   (4u << 20)           /* one strings-DB section */
#define FW_LIMIT_CRSPACE              (256u << 20)         /* one CR-space image */

/* --- Decoders --- */
#define FW_LIMIT_TRACE_PARAMS         7u                   /* TRACER_MAX_PARAMS */
#define FW_LIMIT_TRACE_PENDING        8192u                /* messages waiting for params */
#define FW_LIMIT_TRACE_DEDUP          4000000u             /* text/saved events of one bundle compared with its other sources */
#define FW_LIMIT_TRACE_MESSAGE        512u                 /* rendered message, like the kernel's tmp[512] */
#define FW_LIMIT_MATCH_STEPS          64u                  /* trace matcher steps per message byte (plus 4096) before it gives up */
#define FW_LIMIT_TEXT_LINE            65536u               /* one line of text input */
#define FW_LIMIT_SEGMENTS             1000000u             /* resource-dump segments per artifact */
#define FW_LIMIT_FMSG_DEPTH           32u                  /* nesting of devlink fmsg */

/* --- Kernel transports (device/) --- */
#define FW_LIMIT_TRACEFS_TEXT         (64u << 20)          /* mlx5_fw lines kept from one tracefs read */
#define FW_LIMIT_NETLINK_REPLY        (64u << 20)          /* one devlink reply reassembled (fmsg dump, region) */
#define FW_LIMIT_DEVLINK_OBJECTS      4096u                /* devices, reporters or regions in one listing */
#define FW_LIMIT_DEVLINK_SNAPSHOTS    256u                 /* snapshot ids of one region */

/* --- Parsers --- */
#define FW_LIMIT_TRACE_RING           (4u << 20)           /* ring look-ahead: input up to this is a ring snapshot */
#define FW_LIMIT_FMSG_ITEMS           10000000u            /* fmsg items in one dump */
#define FW_LIMIT_FMSG_NAME            1024u                /* one fmsg object name, bytes */
#define FW_LIMIT_JSON_INPUT           (64u << 20)          /* iproute2 JSON health dump */
#define FW_LIMIT_MENU_RECORDS         65536u               /* resource-dump menu records */
#define FW_LIMIT_PROBLEMS             1000u                /* problems reported per artifact before summarising */
#define FW_LIMIT_REG_DATA             65536u               /* one register snapshot (reg.NAME) decoded */
#define FW_LIMIT_HEALTH_BUFFER        4096u                /* health.buffer artifact decoded */

/* --- Other tools' archives and captures (bundle/archive.c, import/) --- */
#define FW_LIMIT_ARCHIVE_ENTRIES      200000u              /* entries in one sysinfo/sos archive */
#define FW_LIMIT_ARCHIVE_ENTRY        (1ull << 30)         /* one entry, uncompressed */
#define FW_LIMIT_ARCHIVE_TOTAL        (32ull << 30)        /* all entries, uncompressed */
#define FW_LIMIT_ARCHIVE_NAME         4096u                /* bytes in an entry name */
#define FW_LIMIT_IMPORT_FILE          (512ull << 20)       /* one capture file read whole for import */
#define FW_LIMIT_IMPORT_DEPTH         16u                  /* folder levels walked below an import argument */

/* --- Redaction (redact/) --- */
#define FW_LIMIT_REDACT_IDENTIFIERS   65536u               /* distinct identifiers found in one bundle */
#define FW_LIMIT_REDACT_PATTERNS      65536u               /* spellings searched by the second net */
#define FW_LIMIT_REDACT_PATTERN       4096u                /* bytes in one spelling (a kernel command line) */
#define FW_LIMIT_REDACT_TABLE         (128u << 20)         /* the second net's compiled automaton, bytes */
#define FW_LIMIT_REDACT_MAP           (64u << 20)          /* the key/map file */
