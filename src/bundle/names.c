/* SPDX-License-Identifier: MIT */
/* Names of outcomes and compressions, and the member path rules. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle-internal.h"
#include "core/limits.h"

static const char *const outcome_names[] = {
	[BUNDLE_OUTCOME_OK] = "ok",
	[BUNDLE_OUTCOME_PARTIAL] = "partial",
	[BUNDLE_OUTCOME_FAILED] = "failed",
	[BUNDLE_OUTCOME_SKIPPED] = "skipped",
};

const char *bundle_outcome_name(enum bundle_outcome o)
{
	if ((unsigned)o < sizeof(outcome_names) / sizeof(outcome_names[0]))
		return outcome_names[o];
	return "unknown";
}

int bundle_outcome_parse(const char *s, enum bundle_outcome *ret)
{
	for (unsigned i = 0; i < sizeof(outcome_names) / sizeof(outcome_names[0]); i++)
		if (s && !strcmp(s, outcome_names[i])) {
			*ret = (enum bundle_outcome)i;
			return 0;
		}
	return -EINVAL;
}

static const struct {
	const char *name;
	const char *suffix;
} compressions[] = {
	[BUNDLE_COMPRESS_ZSTD] = { "zstd", ".tar.zst" },
	[BUNDLE_COMPRESS_GZIP] = { "gzip", ".tar.gz" },
	[BUNDLE_COMPRESS_XZ] = { "xz", ".tar.xz" },
	[BUNDLE_COMPRESS_NONE] = { "none", ".tar" },
};

int bundle_compression_parse(const char *s, enum bundle_compression *ret)
{
	for (unsigned i = 0; i < sizeof(compressions) / sizeof(compressions[0]); i++)
		if (s && !strcmp(s, compressions[i].name)) {
			*ret = (enum bundle_compression)i;
			return 0;
		}
	return -EINVAL;
}

const char *bundle_compression_suffix(enum bundle_compression c)
{
	if ((unsigned)c < sizeof(compressions) / sizeof(compressions[0]))
		return compressions[c].suffix;
	return ".tar";
}

bool bundle_kind_ok(const char *kind)
{
	size_t n;

	if (!kind)
		return false;
	n = strlen(kind);
	if (n == 0 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = kind[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

const char *bundle_path_problem(const char *path)
{
	size_t n, start = 0;

	if (!path || !path[0])
		return "empty member name";
	n = strlen(path);
	if (n > FW_LIMIT_MEMBER_NAME)
		return "member name longer than FW_LIMIT_MEMBER_NAME";
	if (path[0] == '/')
		return "absolute member name";
	if (!strcmp(path, BUNDLE_INDEX_NAME))
		return "member name is the index's";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)path[i];

		/* Control bytes would let a name forge lines in listings. */
		if (c < 0x20 || c == 0x7f)
			return "control character in member name";
		if (c == '\\')
			return "backslash in member name";
	}
	for (size_t i = 0; i <= n; i++) {
		if (i == n || path[i] == '/') {
			size_t len = i - start;

			if (len == 0)
				return "empty component in member name";
			if (len == 1 && path[start] == '.')
				return "'.' component in member name";
			if (len == 2 && path[start] == '.' && path[start + 1] == '.')
				return "'..' component in member name";
			start = i + 1;
		}
	}
	return NULL;
}

const char *bundle_redaction_name(enum bundle_redaction r)
{
	switch (r) {
	case BUNDLE_REDACTION_VERBATIM:
		return "verbatim";
	case BUNDLE_REDACTION_REDACTED:
		return "redacted";
	case BUNDLE_REDACTION_DROPPED:
		return "dropped";
	case BUNDLE_REDACTION_NONE:
		break;
	}
	return NULL;
}
