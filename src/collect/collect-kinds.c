/* SPDX-License-Identifier: MIT */
/*
 * collect-kinds: kind patterns, as --only and --skip take them: a comma
 * list of shell patterns, each also matching everything under it
 * ("reg" selects "reg.MGIR").
 */
#include "config.h"

#include <fnmatch.h>
#include <string.h>

#include "collect/collect-internal.h"

static bool token_matches(const char *tok, size_t toklen, const char *kind)
{
	char pat[128];

	if (toklen == 0 || toklen >= sizeof(pat))
		return false;
	memcpy(pat, tok, toklen);
	pat[toklen] = '\0';
	if (fnmatch(pat, kind, 0) == 0)
		return true;
	/* "reg" selects "reg.MGIR"; "trace.strings" selects "trace.strings.3". */
	return strncmp(kind, pat, toklen) == 0 && kind[toklen] == '.';
}

bool collect_kind_matches(const char *patterns, const char *kind)
{
	const char *p = patterns;

	if (!patterns || !kind)
		return false;
	while (*p) {
		size_t n = strcspn(p, ",");

		if (token_matches(p, n, kind))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

/* Could anything under family ("health", "resdump") be selected?  Used for
 * steps whose kinds are only known once the device has answered. */
bool collect_family_may_match(const char *patterns, const char *family)
{
	const char *p = patterns;
	size_t flen = strlen(family);

	if (collect_kind_matches(patterns, family))
		return true;
	while (*p) {
		size_t n = strcspn(p, ",");

		/* "health.fw*" or "resdump.menu": the token names something under it. */
		if (n > flen && strncmp(p, family, flen) == 0 && p[flen] == '.')
			return true;
		/* A token made of pattern characters only ("*"). */
		if (n == 1 && p[0] == '*')
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

/* Is kind one of the comma-separated tokens, literally? */
bool collect_exact_token(const char *patterns, const char *kind)
{
	size_t klen = strlen(kind);

	for (const char *p = patterns; *p;) {
		size_t n = strcspn(p, ",");

		if (n == klen && !strncmp(p, kind, n))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}
