/* SPDX-License-Identifier: MIT */
/*
 * config: fwbox-watch.conf(5).  Strict: every unknown key or bad value is
 * an error naming the file, line and key, because a daemon that silently
 * fell back to a default would keep or delete what the operator did not ask.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "watch/policy.h"

void watch_config_defaults(struct watch_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->spool, sizeof(cfg->spool), "%s", WATCH_DEFAULT_SPOOL);
	cfg->card_interval_ms = 10u * 60 * 1000;       /* 10 min */
	cfg->global_interval_ms = 1000;                /* 1 s */
	cfg->incident_gap_ms = 60u * 60 * 1000;        /* 1 h */
	cfg->poll_interval_ms = 1000;
	cfg->max_use = 0;
	cfg->max_use_pct = 10;                         /* as systemd-coredump */
	cfg->keep_free = 0;
	cfg->keep_free_pct = 15;
	cfg->max_age_ms = 0;
	cfg->max_per_card = 20;
	cfg->trace_seconds = 0;
}

int watch_parse_size(const char *s, uint64_t *ret_bytes, unsigned *ret_pct)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (!strcmp(end, "%")) {
		if (v > 100)
			return -EINVAL;
		*ret_pct = (unsigned)v;
		*ret_bytes = 0;
		return 0;
	}
	if (!*end || !strcmp(end, "B"))
		mul = 1;
	else if (!strcmp(end, "K"))
		mul = 1ull << 10;
	else if (!strcmp(end, "M"))
		mul = 1ull << 20;
	else if (!strcmp(end, "G"))
		mul = 1ull << 30;
	else if (!strcmp(end, "T"))
		mul = 1ull << 40;
	else
		return -EINVAL;
	if (v > UINT64_MAX / mul)
		return -EINVAL;
	*ret_bytes = v * mul;
	*ret_pct = 0;
	return 0;
}

int watch_parse_time_ms(const char *s, uint64_t *ret_ms)
{
	static const struct {
		const char *unit;
		uint64_t ms;
	} units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "sec", 1000 }, { "min", 60000 },
		{ "m", 60000 }, { "h", 3600000 }, { "d", 86400000 }, { "w", 604800000 },
	};
	char *end;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		if (v > UINT64_MAX / units[i].ms)
			return -EINVAL;
		*ret_ms = v * units[i].ms;
		return 0;
	}
	return -EINVAL;
}

static int parse_bool(const char *v, bool *ret)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "on"))
		*ret = true;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0") ||
		 !strcasecmp(v, "off"))
		*ret = false;
	else
		return -EINVAL;
	return 0;
}

static int set_string(char *dst, size_t size, const char *v)
{
	if (strlen(v) >= size)
		return -EOVERFLOW;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int apply(struct watch_config *cfg, const char *key, const char *v, const char **ret_what)
{
	uint64_t u;
	unsigned pct;
	int r;

	*ret_what = "a value";
	if (!strcasecmp(key, "Spool")) {
		*ret_what = "an absolute path";
		if (v[0] != '/')
			return -EINVAL;
		return set_string(cfg->spool, sizeof(cfg->spool), v);
	}
	if (!strcasecmp(key, "Database")) {
		*ret_what = "a path";
		return set_string(cfg->db, sizeof(cfg->db), v);
	}
	if (!strcasecmp(key, "Device")) {
		*ret_what = "a device spec";
		if (!*v)
			return -EINVAL;
		if (cfg->ndevices >= WATCH_MAX_DEVICES)
			return -EOVERFLOW;
		r = set_string(cfg->devices[cfg->ndevices], sizeof(cfg->devices[0]), v);
		if (r == 0)
			cfg->ndevices++;
		return r;
	}
	if (!strcasecmp(key, "Load")) {
		*ret_what = "yes or no";
		return parse_bool(v, &cfg->load);
	}
	if (!strcasecmp(key, "CaptureExisting")) {
		*ret_what = "yes or no";
		return parse_bool(v, &cfg->capture_existing);
	}
	if (!strcasecmp(key, "ClearDumps")) {
		*ret_what = "yes or no";
		return parse_bool(v, &cfg->clear_dumps);
	}
	if (!strcasecmp(key, "MaxUse") || !strcasecmp(key, "KeepFree")) {
		bool use = !strcasecmp(key, "MaxUse");

		*ret_what = "a size (10G, 512M, 15%) or 0";
		r = watch_parse_size(v, &u, &pct);
		if (r < 0)
			return r;
		if (use) {
			cfg->max_use = u;
			cfg->max_use_pct = pct;
		} else {
			cfg->keep_free = u;
			cfg->keep_free_pct = pct;
		}
		return 0;
	}
	if (!strcasecmp(key, "MaxPerCard") || !strcasecmp(key, "TraceSeconds")) {
		char *end;
		unsigned long n;

		*ret_what = "a count";
		errno = 0;
		n = strtoul(v, &end, 10);
		if (errno || end == v || *end || n > 100000 || !isdigit((unsigned char)*v))
			return -EINVAL;
		if (!strcasecmp(key, "MaxPerCard"))
			cfg->max_per_card = (unsigned)n;
		else
			cfg->trace_seconds = (unsigned)n;
		return 0;
	}
	*ret_what = "a time (250ms, 30s, 5min, 2h, 7d) or 0";
	if (!strcasecmp(key, "MinIntervalCard"))
		return watch_parse_time_ms(v, &cfg->card_interval_ms);
	if (!strcasecmp(key, "MinIntervalGlobal"))
		return watch_parse_time_ms(v, &cfg->global_interval_ms);
	if (!strcasecmp(key, "IncidentGap"))
		return watch_parse_time_ms(v, &cfg->incident_gap_ms);
	if (!strcasecmp(key, "MaxAge"))
		return watch_parse_time_ms(v, &cfg->max_age_ms);
	if (!strcasecmp(key, "PollInterval")) {
		r = watch_parse_time_ms(v, &cfg->poll_interval_ms);
		if (r == 0 && cfg->poll_interval_ms < 10)
			return -EINVAL;
		return r;
	}
	return -ENOENT;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int watch_config_parse(struct fw_ctx *ctx, const char *text, size_t len, const char *origin,
		       struct watch_config *cfg)
{
	struct watch_config next = *cfg;
	char line[4096];
	size_t pos = 0;
	unsigned lineno = 0;

	if (len > WATCH_CONFIG_MAX_BYTES)
		return fw_error(ctx, -EOVERFLOW, "%s: larger than %u bytes", origin,
				WATCH_CONFIG_MAX_BYTES);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *s, *eq, *key, *val, *what;
		int r;

		lineno++;
		if (l >= sizeof(line))
			return fw_error(ctx, -EOVERFLOW, "%s:%u: line longer than %zu bytes", origin,
					lineno, sizeof(line) - 1);
		memcpy(line, text + pos, l);
		line[l] = '\0';
		pos += l + (nl ? 1 : 0);
		if (memchr(line, '\0', l))
			return fw_error(ctx, -EBADMSG, "%s:%u: NUL byte in the line", origin, lineno);
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			if (strcasecmp(s, "[Watch]"))
				return fw_error(ctx, -EINVAL,
						"%s:%u: unknown section '%s' (the only one is [Watch])",
						origin, lineno, s);
			continue;
		}
		eq = strchr(s, '=');
		if (!eq)
			return fw_error(ctx, -EINVAL, "%s:%u: '%s' is not Key=value", origin, lineno, s);
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		r = apply(&next, key, val, (const char **)&what);
		if (r == -ENOENT)
			return fw_error(ctx, -EINVAL,
					"%s:%u: unknown key '%s' (fwbox-watch.conf(5) lists the keys)",
					origin, lineno, key);
		if (r == -EOVERFLOW)
			return fw_error(ctx, -EOVERFLOW, "%s:%u: %s='%s' is too long or too many",
					origin, lineno, key, val);
		if (r < 0)
			return fw_error(ctx, -EINVAL, "%s:%u: %s='%s' is not %s", origin, lineno, key,
					val, what);
	}
	*cfg = next;
	return 0;
}

int watch_config_load(struct fw_ctx *ctx, const char *path, struct watch_config *cfg)
{
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		return fw_error(ctx, r, "cannot open config '%s': %s", path, strerror(-r));
	}
	buf = malloc(WATCH_CONFIG_MAX_BYTES + 1);
	if (!buf) {
		close(fd);
		return fw_error(ctx, -ENOMEM, "out of memory");
	}
	while ((n = read(fd, buf + len, WATCH_CONFIG_MAX_BYTES + 1 - len)) > 0) {
		len += (size_t)n;
		if (len > WATCH_CONFIG_MAX_BYTES)
			break;
	}
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0) {
		free(buf);
		return fw_error(ctx, r, "cannot read config '%s': %s", path, strerror(-r));
	}
	r = watch_config_parse(ctx, buf, len, path, cfg);
	free(buf);
	return r;
}
