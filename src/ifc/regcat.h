/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * regcat: the register catalog, as data.  Each register is a name, an ID,
 * a size and a list of fields (name, bit offset in the mlx5_ifc convention,
 * width, type, enum names), kept in regcat.def as X-macro rows so a new
 * register is a table edit, not code.  Used by the command layer (sizes),
 * the emulator (plausible contents) and the register decoder (names).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum regcat_type {
	REGCAT_UINT = 0,    /* width <= 32 bits inside one big-endian dword */
	REGCAT_STRING,      /* byte-aligned ASCII, width a multiple of 8 bits */
	REGCAT_BYTES,       /* byte-aligned opaque bytes, printed as hex */
};

struct regcat_enum {
	uint32_t value;
	const char *name;
};

/* How people read an unsigned field (one base per field, whatever the
 * verb): decimal counts and versions, hexadecimal identifiers, masks and
 * addresses, temperatures in degrees C. */
enum regcat_show {
	REGCAT_SHOW_DEC = 0,
	REGCAT_SHOW_HEX,
	REGCAT_SHOW_CELSIUS8,       /* signed 16-bit count of 0.125 degC (MTMP) */
};

struct regcat_field {
	const char *name;
	uint32_t bit_off;           /* bit 0 = MSB of dword 0 (mlx5_ifc.h) */
	uint32_t width;             /* bits */
	enum regcat_type type;
	const struct regcat_enum *enums;   /* NULL if none */
	size_t n_enums;
	enum regcat_show show;      /* REGCAT_UINT only */
};

struct regcat_reg {
	const char *name;           /* "MGIR" */
	uint16_t id;                /* ACCESS_REG register_id */
	uint32_t size;              /* bytes of register data */
	const char *summary;        /* one line */
	const struct regcat_field *fields;
	size_t n_fields;
};

/* A field (or part of one) that holds an identifier: regcat.def's
 * REGCAT_MARK rows, read by fwbox redact. */
enum regcat_ident {
	REGCAT_IDENT_SERIAL = 1,    /* text */
	REGCAT_IDENT_NODE_DESC,     /* text */
	REGCAT_IDENT_MAC,           /* field is the *_47_32 half; *_31_0 is the rest */
	REGCAT_IDENT_GUID,          /* field is the *_63_32 half; *_31_0 is the rest */
	REGCAT_IDENT_IPV4,          /* a 32-bit field */
	REGCAT_IDENT_IPV6,          /* 16 bytes (segment marks only) */
};

struct regcat_mark {
	const char *reg;            /* "MGIR" */
	const char *field;
	enum regcat_ident what;
	const char *sel;            /* NULL: the whole field; else only when field sel == value */
	uint32_t value;
	uint32_t byte, nbytes;      /* with sel: the bytes of field that hold it */
};

size_t regcat_mark_count(void);
const struct regcat_mark *regcat_mark_at(size_t i);

/* Bytes of a resource-dump segment that hold a raw identifier (MAC, GUID,
 * IPv4, IPv6 in network order): regcat.def's REGCAT_SEGMENT_MARK rows. */
struct regcat_segment_mark {
	const char *segment;        /* menu name: "QUERY_VNIC_ENV" */
	uint32_t byte, nbytes;      /* from the segment header */
	enum regcat_ident what;
	bool emu_only;              /* a layout known only from fwbox's emulator */
};

size_t regcat_segment_mark_count(void);
const struct regcat_segment_mark *regcat_segment_mark_at(size_t i);

size_t regcat_count(void);
const struct regcat_reg *regcat_at(size_t i);
const struct regcat_reg *regcat_by_id(uint16_t id);
const struct regcat_reg *regcat_by_name(const char *name);   /* case-insensitive */
/* Enum name of value for this field, or NULL. */
const char *regcat_enum_name(const struct regcat_field *f, uint32_t value);

/* Lookups by name, for the emulator, which fills registers field by field. */
/* Field of r named name (exact match), or NULL. */
const struct regcat_field *regcat_field(const struct regcat_reg *r, const char *name);
/* Value of an enum name for this field; 0 and *ret_value set if found, else -ENOENT. */
int regcat_enum_value(const struct regcat_field *f, const char *name, uint32_t *ret_value);
