/* SPDX-License-Identifier: MIT */
/*
 * store target: what a --db argument (or $FWBOX_DB) names.
 *
 *  - "postgresql://..." and "postgres://..." (libpq connection URIs) and
 *    "keyword=value ..." strings ("service=fwbox", "host=/run/pg
 *    dbname=fwbox") name a PostgreSQL database, read by libpq with its
 *    PG* variables, service file, .pgpass and sslmode.
 *  - Anything else that looks like a URI ("mysql://...", "file:x.db",
 *    "sqlite:x.db") is refused: it must never become a file name.
 *  - The rest is the path of a SQLite file (or ":memory:").
 *
 * A connection string may hold a password: store_target_display() gives
 * the form that may be printed, and no message of this file quotes a
 * connection string as given.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/buf.h"
#include "store/store-internal.h"

/* Schemes that name a database or a file somewhere else, written without
 * "//" (a plain "name:rest" is otherwise a file name with a colon). */
static const char *const uri_schemes[] = {
	"file", "sqlite", "sqlite3", "postgresql", "postgres", "pg", "pgsql",
	"mysql", "mariadb", "jdbc", "odbc", "http", "https", "ftp", "s3",
};

/* Length of a URI scheme at the start of t ("name:"), 0 if none. */
static size_t scheme_len(const char *t)
{
	size_t n = 0;

	if (!isalpha((unsigned char)t[0]))
		return 0;
	while (isalnum((unsigned char)t[n]) || t[n] == '+' || t[n] == '-' || t[n] == '.')
		n++;
	return t[n] == ':' ? n : 0;
}

static bool is_keyword_value(const char *t)
{
	while (isspace((unsigned char)*t))
		t++;
	if (!isalpha((unsigned char)*t) && *t != '_')
		return false;
	while (isalnum((unsigned char)*t) || *t == '_')
		t++;
	while (isspace((unsigned char)*t))
		t++;
	return *t == '=';
}

static bool has_password(const char *t)
{
	const char *at, *colon;

	if (strstr(t, "password") || strstr(t, "PASSWORD"))
		return true;
	/* URI user information "user:secret@" */
	if (!strncmp(t, "postgres", 8) && (colon = strstr(t, "://"))) {
		at = strchr(colon + 3, '@');
		colon = strchr(colon + 3, ':');
		return at && colon && colon < at;
	}
	return false;
}

int store_target_kind(struct fw_ctx *ctx, const char *target, enum store_target_kind *ret_kind)
{
	size_t n;

	if (!target || !*target)
		return fw_error(ctx, -EINVAL, "empty history database name: give a file path or a "
				"PostgreSQL connection string (postgresql://...)");
	n = scheme_len(target);
	if (n && (!strncmp(target, "postgresql://", 13) || !strncmp(target, "postgres://", 11))) {
		*ret_kind = STORE_TARGET_POSTGRESQL;
		return 0;
	}
	if (n && !strncmp(target + n, "://", 3))
		return fw_error(ctx, -EPROTONOSUPPORT, "'%.*s://' URIs are not a history fwbox can "
				"use: give a SQLite file path or a PostgreSQL connection string "
				"(postgresql://... or keyword=value)", (int)n, target);
	for (size_t i = 0; n && i < sizeof(uri_schemes) / sizeof(uri_schemes[0]); i++) {
		if (strlen(uri_schemes[i]) == n && !strncasecmp(target, uri_schemes[i], n))
			return fw_error(ctx, -EPROTONOSUPPORT, "'%.*s:' names look like a URI, which "
					"fwbox does not read as a history: give a SQLite file path "
					"(write './%s' for a file of that name) or a PostgreSQL "
					"connection string (postgresql://...)", (int)n, target,
					has_password(target) ? "NAME" : target);
	}
	if (is_keyword_value(target)) {
		*ret_kind = STORE_TARGET_POSTGRESQL;
		return 0;
	}
	*ret_kind = STORE_TARGET_SQLITE;
	return 0;
}

int store_conninfo_check(struct fw_ctx *ctx, const char *target)
{
	PQconninfoOption *opts;
	char *err = NULL;

	opts = PQconninfoParse(target, &err);
	if (opts) {
		PQconninfoFree(opts);
		return 0;
	}
	if (!err)
		return fw_error(ctx, -ENOMEM, "out of memory");
	/* libpq quotes the part it could not read, which may be a password:
	 * its words are only repeated for strings without one. */
	for (size_t l = strlen(err); l && isspace((unsigned char)err[l - 1]); l--)
		err[l - 1] = '\0';
	if (has_password(target))
		fw_error(ctx, -EINVAL, "malformed PostgreSQL connection string (the details are not "
			 "shown because it holds a password); see 'Connection Strings' in the libpq "
			 "manual, or put the password in ~/.pgpass");
	else
		fw_error(ctx, -EINVAL, "malformed PostgreSQL connection string: %s (a file whose "
			 "name has a '=' is written './NAME')", err);
	PQfreemem(err);
	return -EINVAL;
}

/* Append v to b, quoted for a keyword=value string when needed. */
static int put_value(struct fw_buf *b, const char *v)
{
	bool quote = !*v;
	int r = 0;

	for (const char *p = v; *p; p++)
		if (isspace((unsigned char)*p) || *p == '\'' || *p == '\\')
			quote = true;
	if (!quote)
		return fw_buf_puts(b, v);
	r |= fw_buf_putc(b, '\'');
	for (const char *p = v; *p; p++) {
		if (*p == '\'' || *p == '\\')
			r |= fw_buf_putc(b, '\\');
		r |= fw_buf_putc(b, (uint8_t)*p);
	}
	r |= fw_buf_putc(b, '\'');
	return r;
}

char *store_target_display(const char *target)
{
	enum store_target_kind kind;
	PQconninfoOption *opts;
	struct fw_buf b;
	bool any = false;
	char *out;

	if (store_target_kind(NULL, target, &kind) < 0)
		return strdup("(not a history database)");
	if (kind == STORE_TARGET_SQLITE)
		return strdup(target);
	opts = PQconninfoParse(target, NULL);
	if (!opts)
		return strdup("(malformed PostgreSQL connection string)");
	fw_buf_init(&b, 0);
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val || !strcmp(o->keyword, "password"))
			continue;
		if ((any && fw_buf_putc(&b, ' ') < 0) || fw_buf_puts(&b, o->keyword) < 0 ||
		    fw_buf_putc(&b, '=') < 0 || put_value(&b, o->val) < 0)
			goto oom;
		any = true;
	}
	PQconninfoFree(opts);
	/* Everything from the environment or the defaults. */
	if (!any && fw_buf_puts(&b, "postgresql://") < 0)
		goto oom_buf;
	out = fw_buf_steal(&b, NULL);
	return out ? out : strdup("");
oom:
	PQconninfoFree(opts);
oom_buf:
	fw_buf_release(&b);
	return NULL;
}
