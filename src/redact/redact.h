/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * redact: bundles that can leave the site.  Reads a bundle through the
 * bundle reader, checking it completely as `fwbox verify` does (a damaged or
 * hostile bundle is refused the same way, and nothing is written), and
 * writes a new bundle (new UUID, new seal) through the bundle writer, in
 * which:
 *  - every identifier found (serial numbers, host, domain and user names,
 *    MAC addresses, GUIDs, IPv4/IPv6 addresses, the node description, the
 *    kernel command line, --mask words, the --reason text) is replaced by a
 *    keyed pseudonym of the same length, first where the structure of an
 *    artifact says it is (register fields, host.info lines, header and
 *    device fields), then, as a second net, wherever any of its spellings
 *    occurs in any kept artifact, binary ones included: offsets and sizes
 *    stay valid, so every decoder reads the result;
 *  - kinds fwbox does not know how to redact are dropped unless kept by
 *    --keep (an allowlist), and --drop/--only/--skip, --since/--until (trace
 *    events) and --max-size cut the bundle to what a ticket needs;
 *  - each artifact says whether it was redacted, kept verbatim or dropped.
 * Preview does everything but write, and reports every member that would
 * leave.  The library never prints: the report says what happened.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "bundle/bundle.h"

enum redact_action {
	REDACT_VERBATIM = 0,   /* kept, nothing in it changed */
	REDACT_REDACTED = 1,   /* kept, some bytes replaced (or trace events cut) */
	REDACT_DROPPED = 2,    /* left out: in the index with no data */
};
const char *redact_action_name(enum redact_action a);

struct redact_options {
	const char *map_path;          /* key/map file; NULL: redact_default_map_path() */
	const char *keep;              /* comma list of kind patterns kept though unknown */
	const char *drop;              /* comma list of kind patterns left out */
	const char *only;              /* comma list: the export holds only these kinds */
	const char *skip;              /* comma list: left out (ticket size) */
	const char *const *mask;       /* words replaced wherever they occur */
	size_t n_mask;
	bool have_since, have_until;   /* device timestamps bounding trace events */
	uint64_t since, until;
	uint64_t max_size;             /* bytes of the output file; 0: no limit */
	const char *case_id;           /* [A-Za-z0-9._-]{1,64}; header and default file name */
	bool preview;                  /* decide and report; write nothing (not even a key) */
	enum bundle_compression compression;
	int level;                     /* 0: the writer's default */
};

/* The default key/map file: $FWBOX_REDACT_MAP, else
 * $XDG_DATA_HOME/fwbox/redact.map, else ~/.local/share/fwbox/redact.map.
 * malloc'd; NULL when no home is known. */
char *redact_default_map_path(void);

struct redact_ident_info {
	const char *type;              /* "serial", "host", "mac", "ipv4" ... */
	const char *value;             /* as found */
	const char *pseudonym;         /* what replaces it */
	const char *sources;           /* where it was found: "header,host.info" */
	uint64_t hits;                 /* occurrences the second net replaced */
	bool searched;                 /* false: too short to search for everywhere */
};

struct redact_member_info {
	const char *kind;
	const char *path;              /* member name in the input */
	uint64_t size;                 /* bytes in the input */
	uint64_t out_size;             /* bytes in the output (0 if dropped) */
	enum redact_action action;
	const char *why;               /* what changed, or why it stays verbatim or is dropped */
	uint32_t fields;               /* fields rewritten by structure */
	uint64_t hits;                 /* occurrences replaced by the second net */
	uint64_t bytes_changed;
	uint64_t cut;                  /* trace blocks or lines removed by --since/--until */
	uint8_t sha256[32];            /* SHA-256 of the original artifact */
	bool size_cut;                 /* dropped by --max-size */
};

/* A header or device field of the index and what happened to it. */
struct redact_field_info {
	const char *field;             /* "header.host", "device.serial" ... */
	const char *change;            /* "replaced by a pseudonym", "removed" ... */
};

struct redact_report {
	const char *input;
	const char *output;            /* written (or, in a preview, the name it would get) */
	const char *map_path;
	char key_id[17];               /* names the key, never reveals it */
	bool key_created;              /* the map file was made by this run */
	bool key_ephemeral;            /* preview without a map file: throw-away key */
	const char *policy;            /* the options, as recorded */
	const char *case_id;
	uint8_t uuid[16];              /* of the new bundle (zero in a preview) */
	uint64_t out_bytes;            /* size of the file written (0 in a preview) */
	size_t n_idents;
	struct redact_ident_info *idents;
	size_t n_members;
	struct redact_member_info *members;
	size_t n_fields;
	struct redact_field_info *fields;
};

/*
 * Redact the bundle at input into output (a file that must not exist, or
 * an existing folder for the default name "fwbox-[CASE-]redacted-PCI-TIME"
 * plus the compression suffix; NULL: the current folder).  In a preview
 * output may be NULL and nothing is written.  On success *ret is the report
 * (free with redact_report_free).  Errors: as bundle_open/bundle_stream for
 * the input (-EBADMSG, -EOVERFLOW ...), -EINVAL for bad options, -EFBIG when
 * --max-size cannot be met with every optional artifact dropped.
 */
/*
 * Prove what was sent: check that every artifact note of the redacted
 * bundle commits to the matching artifact of original (which is verified
 * completely first), with the salt of original made from the key in
 * map_path (NULL: the default).  The salt is returned to be handed to
 * whoever checks: SHA-256(salt || SHA-256(original artifact)) equals each
 * note's original_digest.  Returns 0 when every digest matches, -EBADMSG
 * (with the report) when some do not; other errors without a report.
 */
struct redact_proof_item {
	const char *kind;
	const char *path;              /* member in the redacted bundle */
	bool match;
};
struct redact_proof {
	char salt[65];                 /* hex */
	size_t n_items;
	struct redact_proof_item *items;
	size_t matched;
};
int redact_prove(struct fw_ctx *ctx, const char *original, const char *redacted,
		 const char *map_path, struct redact_proof **ret);
void redact_proof_free(struct redact_proof *p);

/* The checks redact_bundle() makes on its options alone (-EINVAL). */
int redact_options_check(struct fw_ctx *ctx, const struct redact_options *opts);

int redact_bundle(struct fw_ctx *ctx, const char *input, const char *output,
		  const struct redact_options *opts, struct redact_report **ret);
void redact_report_free(struct redact_report *r);
