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
	REGCAT_SHOW_CELSIUS256,     /* signed 16-bit count of 1/256 degC (SFF-8636 modules) */
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

/* The fields of one page of a paged register: regcat.def's REGCAT_PAGE
 * rows.  They apply when field sel holds value, and stand for field
 * instead (the page's raw bytes), inside which they all lie.  Positions
 * are the register's, like the base fields'. */
struct regcat_page {
	uint16_t reg_id;            /* the register this page belongs to */
	const char *sel;            /* "page_select" */
	uint32_t value;
	const char *instead;        /* "page_data" */
	const char *summary;        /* one line */
	const struct regcat_field *fields;
	size_t n_fields;
};

struct regcat_reg {
	const char *name;           /* "MGIR" */
	uint16_t id;                /* ACCESS_REG register_id */
	uint32_t size;              /* bytes of register data */
	const char *summary;        /* one line */
	const struct regcat_field *fields;
	size_t n_fields;
	/* The catalog's page table, shared by every register: the entries
	 * whose reg_id is this register's are its pages (none for most).
	 * Data, so a decoder needs no call into the catalog to use it. */
	const struct regcat_page *pages;
	size_t n_pages;
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

/* The page of r that applies when its selector holds value, or NULL. */
const struct regcat_page *regcat_page(const struct regcat_reg *r, uint32_t value);
/* The page of r that data (len bytes of it) selects: NULL when r has no
 * pages, the selector lies past len, or its value has no page. */
const struct regcat_page *regcat_page_of(const struct regcat_reg *r, const void *data, size_t len);

/* Lookups by name, for the emulator, which fills registers field by field. */
/* Field of r named name (exact match), or NULL.  A page field is found
 * too (page field names are unique in their register). */
const struct regcat_field *regcat_field(const struct regcat_reg *r, const char *name);
/* The page a field of r found by regcat_field() belongs to, or NULL for a
 * base field (or no such field). */
const struct regcat_page *regcat_field_page(const struct regcat_reg *r, const char *name);
/* Value of an enum name for this field; 0 and *ret_value set if found, else -ENOENT. */
int regcat_enum_value(const struct regcat_field *f, const char *name, uint32_t *ret_value);
