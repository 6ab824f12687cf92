/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * redact-internal: what the files of redact/ share, and what the unit tests
 * and the fuzz target reach below the public contract (redact.h).
 *
 *   scan.c     the second net: every spelling of every identifier found and
 *              overwritten in place (scan.h)
 *   key.c      the per-site key and map file; keyed pseudonyms
 *   cmdline.c  the pseudonym of a kernel command line
 *   ident.c    the identifier set: discovery in text, the spellings of each
 *              identifier and their pseudonyms
 *   rules.c    per kind: kept or dropped, structure rewrites (registers,
 *              host.info, the kernel command line), the trace time cut
 *   redact.c   the pipeline: read and check the bundle, stage, discover,
 *              rewrite, write a new bundle or a preview
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/sha256.h"
#include "redact/redact.h"
#include "redact/scan.h"

/* ------------------------------------------------------------------ key */

#define REDACT_KEY_LEN 32
#define REDACT_KEY_ID_HEX 17          /* 16 hex digits + NUL */

struct redact_key;

/*
 * Open the key/map file at path.  If it does not exist and create is set,
 * make it: a fresh random key, written to an unnamed file in the same
 * folder with mode 0600 and linked into place without replacing anything
 * (a racing creator wins, and its key is used).  An existing file must be
 * a regular file owned by this user and unreadable by group and others,
 * else it is refused with what to do.  If it does not exist and create is
 * not set, an ephemeral key is made and *ret_created is false and
 * redact_key_ephemeral() true.  make_parent creates a missing parent
 * folder (mode 0700): for the default location only.
 */
int redact_key_open(struct fw_ctx *ctx, const char *path, bool create, bool make_parent,
		    struct redact_key **ret, bool *ret_created);
/* A key from raw bytes (tests, fuzzing); never saved. */
int redact_key_from_bytes(struct fw_ctx *ctx, const uint8_t key[REDACT_KEY_LEN],
			  struct redact_key **ret);
void redact_key_free(struct redact_key *k);
const char *redact_key_id(const struct redact_key *k);
const char *redact_key_path(const struct redact_key *k);
bool redact_key_ephemeral(const struct redact_key *k);

/* Remember that pseudonym stands for original (both printable after
 * escaping); kept in memory until redact_key_save_map().  An entry the
 * file already holds is not added again; the caller notes each pair once. */
int redact_key_note(struct redact_key *k, const char *type, const char *pseudonym,
		    size_t pseudonym_len, const char *original, size_t original_len);
/* Append the entries noted since opening that the file does not hold yet,
 * under an exclusive lock, and fsync.  No-op for an ephemeral key. */
int redact_key_save_map(struct redact_key *k);

/* Keyed pseudonyms.  Same key and input, same output; each differs from
 * its input. */
/* MAC: the OUI (first three bytes) stays, the rest is keyed. */
void redact_pseudo_mac(const struct redact_key *k, const uint8_t in[6], uint8_t out[6]);
/* GUID (EUI-64): the OUI stays; of the other five bytes each hex digit
 * changes, zero digits stay zero (so every spelling keeps its length).
 * Returns false for a GUID whose last five bytes are zero (nothing to hide). */
bool redact_pseudo_guid(const struct redact_key *k, const uint8_t in[8], uint8_t out[8]);
/* IPv4: prefix-preserving by octet (two addresses share their first n
 * octets exactly when their pseudonyms do), each octet keeps its number of
 * decimal digits, so "10.1.2.3" is replaced by a dotted quad of the same
 * length. */
void redact_pseudo_ipv4(const struct redact_key *k, const uint8_t in[4], uint8_t out[4]);
/* IPv6: the first 16 bits stay (the address type stays readable); then
 * prefix-preserving by hex digit, zero digits stay zero, so every spelling
 * (compressed or not) keeps its length. */
void redact_pseudo_ipv6(const struct redact_key *k, const uint8_t in[16], uint8_t out[16]);
/* Text: each run of [A-Za-z0-9] is replaced by a keyed run of the same
 * length and character classes (digit for digit, letter for letter, in
 * lower case); other bytes stay.  Runs are pseudonymized on their own, so
 * "node7.example.com" and "example.com" agree where they overlap.  out has
 * len bytes. */
void redact_pseudo_text(const struct redact_key *k, const char *in, size_t len, char *out);
/* The kernel command line with the values of its parameters replaced
 * (cmdline.c): "key=value" keeps key (and the value, for plain numbers and
 * the keys that carry tuning only: iommu=, hugepages=, mlx5_core.* ...),
 * bare words stay.  out has len bytes. */
void redact_pseudo_cmdline(const struct redact_key *k, const char *in, size_t len, char *out);
/* The salt of one original bundle (by its UUID), and the digest a
 * redacted artifact records of its original: SHA-256(salt || sha256). */
void redact_original_salt(const struct redact_key *k, const uint8_t uuid[16],
			  uint8_t out[FW_SHA256_LEN]);
void redact_original_digest(const struct redact_key *k, const uint8_t uuid[16],
			    const uint8_t sha256[FW_SHA256_LEN], uint8_t out[FW_SHA256_LEN]);
/* Give out the case pattern of like (letters follow like's letters). */
void redact_case_like(char *out, const char *like, size_t len);

/* ----------------------------------------------------------- identifiers */

enum ident_type {
	ID_SERIAL = 0,
	ID_HOST,
	ID_DOMAIN,
	ID_USER,
	ID_NODE_DESC,
	ID_CMDLINE,
	ID_MASK,
	ID_REASON,
	ID_MAC,
	ID_GUID,
	ID_IPV4,
	ID_IPV6,
	ID__COUNT,
};
const char *ident_type_name(enum ident_type t);

/* Strings shorter than this are rewritten where the structure says, but
 * not searched for elsewhere (a two-letter host name would hit words). */
#define IDENT_MIN_SEARCH 3u

struct ident {
	enum ident_type type;
	uint8_t raw[16];             /* MAC 6, GUID 8, IPv4 4, IPv6 16 */
	uint8_t pseudo_raw[16];
	size_t raw_len;
	char *text;                  /* strings as found; NUL-terminated */
	size_t text_len;
	char *pseudo_text;           /* same length */
	char *spelling;              /* IPv6: the spelling found, if not a standard one */
	char sources[96];            /* "header,host.info,..." */
	uint64_t hits;
	bool searched;
};

struct ident_set;

int ident_set_new(struct fw_ctx *ctx, const struct redact_key *key, struct ident_set **ret);
void ident_set_free(struct ident_set *set);
size_t ident_count(const struct ident_set *set);
struct ident *ident_at(struct ident_set *set, size_t i);

/* Add one identifier (deduplicated); source names where it was seen.
 * Returns its index, or a negative errno (-EOVERFLOW past
 * FW_LIMIT_REDACT_IDENTIFIERS).  Text of length 0 is ignored (returns
 * -ENOENT without a message).  For ID_CMDLINE the pseudonym is the command
 * line with its values replaced (rules.c). */
int ident_add_raw(struct ident_set *set, enum ident_type type, const uint8_t *raw,
		  const char *source);
int ident_add_text(struct ident_set *set, enum ident_type type, const char *text, size_t len,
		   const char *source);
/* A host name: the name, its first label and its domain (if any). */
int ident_add_host(struct ident_set *set, const char *name, size_t len, const char *source);
/* The pseudonym of a raw identifier (MAC, GUID, IPv4, IPv6) already added
 * (NULL if absent). */
const uint8_t *ident_pseudo_raw(struct ident_set *set, enum ident_type type, const uint8_t *raw);
/* The pseudonym of a string identifier already added (NULL if absent). */
const char *ident_pseudo_for(struct ident_set *set, enum ident_type type, const char *text,
			     size_t len);

/* Find MAC addresses, GUIDs, IPv4/IPv6 addresses and user names (from
 * "/home/NAME") in text and add them.  Linear in len. */
int ident_discover_text(struct ident_set *set, const uint8_t *buf, size_t len,
			const char *source);

/* Discovery's vector prefilter (AVX2, on by default where the CPU has it)
 * on or off: the same identifiers either way (tests compare the two). */
void ident_set_simd(struct ident_set *set, bool on);
bool ident_simd(const struct ident_set *set);

/* Every spelling of every identifier with its pseudonym, into scan
 * (tag = identifier index). */
int ident_compile(struct ident_set *set, struct scan *scan);

/* ---------------------------------------------------------------- rules */

/* What happens to a kind when no option says otherwise. */
enum rule_class {
	RULE_UNKNOWN = 0,    /* dropped unless --keep */
	RULE_TEXT,           /* text: discovery, structure rules, second net */
	RULE_BINARY,         /* binary on the allowlist: structure rules, second net */
};
struct rule;
const struct rule *rule_for_kind(const char *kind);
enum rule_class rule_class(const struct rule *r);
const char *rule_describe(const struct rule *r);   /* "kernel log text", "register snapshot" */
/* A binary dump (registers, CR-space, resource dumps, the ring): searched
 * without word boundaries (SCAN_BINARY). */
bool rule_binary_dump(const struct rule *r);
/* Required for --max-size: never dropped to save space. */
bool rule_required(const char *kind);

/* Discovery by structure and in text, for one artifact's bytes.  iface is
 * the artifact's interface ("emu", "mlx5ctl", ...; NULL if unknown): a
 * layout known only from the emulator applies only to "emu". */
int rule_discover(const struct rule *r, const char *kind, const char *iface, const uint8_t *data,
		  size_t len, struct ident_set *set);
/* Structure rewrite in place (same length); returns the number of fields
 * rewritten, or a negative errno. */
int rule_rewrite(const struct rule *r, const char *kind, const char *iface, uint8_t *data,
		 size_t len, struct ident_set *set);

/* The --since/--until cut of trace events.  Ring: blocks outside the window
 * become all-zero blocks (never written), the size stays.  Text: lines
 * outside the window are removed; *ret_len is the new length.  Return the
 * number of blocks or lines removed. */
uint64_t rule_cut_ring(uint8_t *data, size_t len, bool have_since, uint64_t since,
		       bool have_until, uint64_t until);
uint64_t rule_cut_text(uint8_t *data, size_t len, bool have_since, uint64_t since,
		       bool have_until, uint64_t until, size_t *ret_len);
