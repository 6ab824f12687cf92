/* SPDX-License-Identifier: MIT */
/*
 * collect: the engine.  Builds the plan (an ordered list of steps, most
 * volatile first), filters it with --only/--skip, runs each step under a
 * time box, turns every result into an artifact with its outcome and hands
 * it to the sink.  The device steps themselves live in collect-steps.c.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collect/collect-steps.h"
#include "ifc/regcat.h"

/* ------------------------------------------------------------ kind patterns */

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
static bool family_may_match(const char *patterns, const char *family)
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
static bool exact_token(const char *patterns, const char *kind)
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

/* ------------------------------------------------------------ plan building */

static int plan_add(struct collect *c, enum collect_step_type type, const char *kind,
		    uint32_t arg, uint32_t size)
{
	struct collect_step *s;

	if (c->n_steps == c->cap_steps) {
		size_t cap = c->cap_steps ? c->cap_steps * 2 : 32;
		struct collect_step *ns = realloc(c->steps, cap * sizeof(*ns));

		if (!ns)
			return fw_error(c->ctx, -ENOMEM, "out of memory building the plan");
		c->steps = ns;
		c->cap_steps = cap;
	}
	s = &c->steps[c->n_steps++];
	memset(s, 0, sizeof(*s));
	s->type = type;
	snprintf(s->kind, sizeof(s->kind), "%s", kind);
	s->arg = arg;
	s->size = size;
	return 0;
}

/* Is this step in the plan, and if not, should its absence be recorded?
 * --only removes silently (the operator asked for a subset); --skip
 * records "skipped" so the bundle says what was left out on purpose. */
static bool selected(const struct collect *c, const char *kind, bool family)
{
	const char *only = c->opts.only;

	if (only && *only)
		return family ? family_may_match(only, kind) : collect_kind_matches(only, kind);
	return true;
}

static int plan_maybe(struct collect *c, enum collect_step_type type, const char *kind,
		      uint32_t arg, uint32_t size, bool family)
{
	const char *skip = c->opts.skip;

	if (!selected(c, kind, family))
		return 0;
	if (skip && *skip && collect_kind_matches(skip, kind))
		return plan_add(c, COLLECT_ST_EXCLUDED, kind, 0, 0);
	return plan_add(c, type, kind, arg, size);
}

/*
 * Does one --skip token name anything fwbox could collect?  A typo
 * ("crpsace") would otherwise leave the step in without a word.
 */
static bool token_known(const char *tok)
{
	static const char *const fixed[] = {
		"health.buffer", "trace.cap", "trace.ring", "trace.text", "crspace",
		"resdump.menu", "kernel.log", "host.info",
	};
	static const char *const families[] = { "health", "trace.strings", "resdump" };
	char kind[COLLECT_KIND_MAX];

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (collect_kind_matches(tok, fixed[i]))
			return true;
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (family_may_match(tok, families[i]))
			return true;
	for (size_t i = 0; i < regcat_count(); i++) {
		snprintf(kind, sizeof(kind), "reg.%s", regcat_at(i)->name);
		if (collect_kind_matches(tok, kind))
			return true;
	}
	for (size_t i = 0; i < collect_cap_types_count; i++) {
		snprintf(kind, sizeof(kind), "hca.caps.%s", collect_cap_types[i].name);
		if (collect_kind_matches(tok, kind))
			return true;
	}
	return false;
}

#define COLLECT_KIND_LIST "health, trace, reg, hca.caps, crspace, resdump, kernel.log, host.info"

/* --only '' and --skip '' are mistakes, and every --skip token must
 * name a kind: usage errors (-EINVAL), before the device is asked anything. */
static int check_filters(struct collect *c)
{
	const char *skip = c->opts.skip;
	char tok[128];

	if (c->opts.only && !*c->opts.only)
		return fw_error(c->ctx, -EINVAL,
				"'--only' is empty: give a comma list of kinds (%s); "
				"see fwbox-collect(1)", COLLECT_KIND_LIST);
	if (!skip)
		return 0;
	if (!*skip)
		return fw_error(c->ctx, -EINVAL,
				"'--skip' is empty: give a comma list of kinds (%s); "
				"see fwbox-collect(1)", COLLECT_KIND_LIST);
	for (const char *p = skip;;) {
		size_t n = strcspn(p, ",");

		snprintf(tok, sizeof(tok), "%.*s", (int)n, p);
		if (n == 0 || n >= sizeof(tok) || !token_known(tok))
			return fw_error(c->ctx, -EINVAL,
					"'--skip %s': '%.*s' names no kind; kinds are %s "
					"(see fwbox-collect(1))", skip, (int)(n > 64 ? 64 : n), p,
					COLLECT_KIND_LIST);
		p += n;
		if (!*p)
			break;
		p++;
	}
	return 0;
}

static int build_plan(struct collect *c)
{
	char kind[COLLECT_KIND_MAX];
	int r;

	/* 1. Health: what a reset destroys first. */
	if ((r = plan_maybe(c, COLLECT_ST_HEALTH_BUFFER, "health.buffer", 0, 0, false)) < 0 ||
	    (r = plan_maybe(c, COLLECT_ST_HEALTH_REPORTERS, "health", 0, 0, true)) < 0)
		return r;
	/* 2. Firmware trace: the strings DB is always wanted with any trace. */
	if ((r = plan_maybe(c, COLLECT_ST_TRACE_CAP, "trace.cap", 0, 0, false)) < 0 ||
	    (r = plan_maybe(c, COLLECT_ST_TRACE_STRINGS, "trace.strings", 0, 0, true)) < 0 ||
	    (r = plan_maybe(c, COLLECT_ST_TRACE_RING, "trace.ring", 0, 0, false)) < 0 ||
	    (r = plan_maybe(c, COLLECT_ST_TRACE_TEXT, "trace.text", 0, 0, false)) < 0)
		return r;
	/* 3. Registers and capabilities. */
	for (size_t i = 0; i < regcat_count(); i++) {
		const struct regcat_reg *reg = regcat_at(i);
		bool dflt = false;

		for (size_t k = 0; k < collect_default_regs_count; k++)
			dflt = dflt || !strcmp(collect_default_regs[k], reg->name);
		snprintf(kind, sizeof(kind), "reg.%s", reg->name);
		/* Outside the default set, only a register named exactly. */
		if (!dflt && !(c->opts.only && exact_token(c->opts.only, kind)))
			continue;
		if ((r = plan_maybe(c, COLLECT_ST_REG, kind, reg->id, reg->size, false)) < 0)
			return r;
	}
	for (size_t i = 0; i < collect_cap_types_count; i++) {
		snprintf(kind, sizeof(kind), "hca.caps.%s", collect_cap_types[i].name);
		if ((r = plan_maybe(c, COLLECT_ST_HCA_CAP, kind, collect_cap_types[i].type, 0,
				    false)) < 0)
			return r;
	}
	/* 4. CR-space and resource dumps: large, but not volatile. */
	if ((r = plan_maybe(c, COLLECT_ST_CRSPACE, "crspace", 0, 0, false)) < 0 ||
	    (r = plan_maybe(c, COLLECT_ST_RESDUMP_MENU, "resdump.menu", 0, 0, false)) < 0 ||
	    (r = plan_maybe(c, COLLECT_ST_RESDUMP_SEGMENTS, "resdump", 0, 0, true)) < 0)
		return r;
	/* 5. Context; host.info last so it can carry the taint after the run. */
	if ((r = plan_maybe(c, COLLECT_ST_KERNEL_LOG, "kernel.log", 0, 0, false)) < 0 ||
	    (r = plan_maybe(c, COLLECT_ST_HOST_INFO, "host.info", 0, 0, false)) < 0)
		return r;
	if (c->n_steps == 0)
		return fw_error(c->ctx, -EINVAL,
				"'--only %s' selects nothing; kinds are health, trace, reg, "
				"hca.caps, crspace, resdump, kernel.log, host.info",
				c->opts.only ? c->opts.only : "");
	return 0;
}

/* ------------------------------------------------------------ output naming */

static const char *suffix(enum bundle_compression comp)
{
	switch (comp) {
	case BUNDLE_COMPRESS_GZIP: return ".tar.gz";
	case BUNDLE_COMPRESS_XZ:   return ".tar.xz";
	case BUNDLE_COMPRESS_NONE: return ".tar";
	case BUNDLE_COMPRESS_ZSTD: break;
	}
	return ".tar.zst";
}

static void sanitize(char *s)
{
	/* ':' would make GNU tar read "host:file" as a remote archive. */
	for (; *s; s++)
		if (*s == ':' || *s == '/' || *s == ' ')
			*s = '-';
}

/*
 * The default name has one-second resolution and every emulator profile
 * shares one PCI address, so two runs can want the same name: the first
 * free one of NAME, NAME-2, NAME-3, ... (before the suffix) is taken.  An
 * explicit file name is the operator's choice and is never changed.
 */
static int pick_free_name(struct collect *c, const char *dir, const char *stem,
			  const char *ext)
{
	struct stat st;
	char *p;
	size_t len = strlen(dir) + 1 + strlen(stem) + 16 + strlen(ext) + 1;
	const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";

	p = malloc(len);
	if (!p)
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	for (unsigned n = 1; n <= COLLECT_NAME_TRIES; n++) {
		if (n == 1)
			snprintf(p, len, "%s%s%s%s", dir, sep, stem, ext);
		else
			snprintf(p, len, "%s%s%s-%u%s", dir, sep, stem, n, ext);
		if (lstat(p, &st) < 0 && errno == ENOENT) {
			free(c->output);
			c->output = p;
			return 0;
		}
	}
	free(p);
	return fw_error(c->ctx, -EEXIST,
			"'%s%s%s%s' and %u numbered variants already exist: remove old "
			"bundles or give -o another folder",
			dir, sep, stem, ext, COLLECT_NAME_TRIES - 1);
}

/*
 * -o PATH is not an existing folder: say what is really wrong with it
 * before anything is collected.  "dir/" is meant as a folder; "dir/file"
 * needs its folder to exist.
 */
static int check_output_folder(struct collect *c, const char *out)
{
	size_t len = strlen(out);
	const char *slash = strrchr(out, '/');
	struct stat st;
	char *dir;
	int r = 0;

	if (out[len - 1] == '/') {
		if (stat(out, &st) < 0 && errno == ENOENT)
			return fw_error(c->ctx, -ENOENT,
					"output folder '%s' does not exist: create it first "
					"(mkdir -p '%s') or give an existing folder or a file name",
					out, out);
		return fw_error(c->ctx, -ENOTDIR,
				"'%s' ends in '/' but is not a folder: give a folder or a file name",
				out);
	}
	if (!slash || slash == out)
		return 0;
	dir = strndup(out, (size_t)(slash - out));
	if (!dir)
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	if (stat(dir, &st) < 0 && errno == ENOENT)
		r = fw_error(c->ctx, -ENOENT,
			     "folder '%s' of bundle '%s' does not exist: create it first "
			     "(mkdir -p '%s') or write the bundle elsewhere",
			     dir, out, dir);
	else if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		r = fw_error(c->ctx, -ENOTDIR, "'%s' in bundle path '%s' is not a folder", dir,
			     out);
	free(dir);
	return r;
}

/*
 * The bundle is written into its folder only at the end (an O_TMPFILE
 * there, then linkat): a read-only or foreign folder must fail here,
 * before the first device command, not after the whole collection.
 * access() also reports EROFS for a read-only mount, even for root.
 */
static int check_writable(struct collect *c)
{
	const char *slash = strrchr(c->output, '/');
	char *dir;
	int r = 0;

	if (!slash)
		dir = strdup(".");
	else if (slash == c->output)
		dir = strdup("/");
	else
		dir = strndup(c->output, (size_t)(slash - c->output));
	if (!dir)
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	if (access(dir, W_OK | X_OK) < 0) {
		int e = errno;

		r = fw_error(c->ctx, -e,
			     "cannot write bundle '%s' into folder '%s': %s; nothing was "
			     "collected: give -o a writable folder", c->output, dir, strerror(e));
	}
	free(dir);
	return r;
}

static int make_output_path(struct collect *c)
{
	char host[128], pci[64], stamp[32], stem[256];
	const char *dir = ".";
	const char *out = c->opts.output;
	struct stat st;
	time_t t = (time_t)(c->created_ns / 1000000000ull);
	struct tm tm;
	int r;

	if (out && *out && !(stat(out, &st) == 0 && S_ISDIR(st.st_mode))) {
		c->default_name = false;
		r = check_output_folder(c, out);
		if (r < 0)
			return r;
		/* Fail before collecting, not after: the writer replaces only a
		 * regular file, and only when asked to (--force). */
		if (lstat(out, &st) == 0 && !c->opts.replace)
			return fw_error(c->ctx, -EEXIST,
					"'%s' already exists: remove it, choose another file name, "
					"give -o a folder to get a fresh default name, or replace it "
					"with --force", out);
		if (lstat(out, &st) == 0 && !S_ISREG(st.st_mode))
			return fw_error(c->ctx, -EEXIST,
					"'%s' exists and is not a regular file: not replacing it, "
					"even with --force", out);
		free(c->output);
		c->output = strdup(out);
		if (!c->output)
			return fw_error(c->ctx, -ENOMEM, "out of memory");
		return check_writable(c);
	}
	c->default_name = true;
	collect_host_name(host, sizeof(host));
	sanitize(host);
	snprintf(pci, sizeof(pci), "%s", c->info.pci[0] ? c->info.pci : "unknown");
	sanitize(pci);
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(stem, sizeof(stem), "fwbox-%s-%s-%s", host, pci, stamp);
	if (out && *out)
		dir = out;
	r = pick_free_name(c, dir, stem, suffix(c->opts.compression));
	return r < 0 ? r : check_writable(c);
}

int collect_refresh_output(struct collect *c)
{
	struct stat st;

	/* Another run may have taken the default name since collect_new(). */
	if (c->default_name && lstat(c->output, &st) == 0)
		return make_output_path(c);
	return 0;
}

/* ------------------------------------------------------------ lifecycle */

static int copy_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

static void observe_cmd(void *userdata, const struct fw_cmd_event *ev);

int collect_new_with(struct fw_ctx *ctx, const struct collect_options *opts,
		     struct fw_device *dev, struct collect **ret)
{
	struct collect *c;
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return fw_error(ctx, -ENOMEM, "out of memory");
	c->ctx = ctx;
	c->dev = dev;
	c->opts = *opts;
	if (copy_opt(&c->s_output, opts->output) < 0 || copy_opt(&c->s_reason, opts->reason) < 0 ||
	    copy_opt(&c->s_only, opts->only) < 0 || copy_opt(&c->s_skip, opts->skip) < 0 ||
	    copy_opt(&c->s_cmdline, opts->cmdline) < 0 || copy_opt(&c->s_sysroot, opts->sysroot) < 0) {
		r = fw_error(ctx, -ENOMEM, "out of memory");
		goto fail;
	}
	c->opts.output = c->s_output;
	c->opts.reason = c->s_reason;
	c->opts.only = c->s_only;
	c->opts.skip = c->s_skip;
	c->opts.cmdline = c->s_cmdline;
	c->opts.sysroot = c->s_sysroot;
	if (!c->opts.step_timeout_ms)
		c->opts.step_timeout_ms = COLLECT_STEP_TIMEOUT_MS;
	/* The observer sees every command the mlx5 layer sends for us: it
	 * keeps the first inbox of each artifact and counts. */
	fw_device_set_observer(dev, observe_cmd, c);
	r = fw_device_info(dev, &c->info);
	if (r < 0)
		goto fail;
	c->max_rpc = c->info.max_rpc ? c->info.max_rpc : FW_LIMIT_MLX5CTL_RPC;
	c->created_ns = fw_now_ns();
	r = check_filters(c);
	if (r < 0)
		goto fail;
	r = build_plan(c);
	if (r < 0)
		goto fail;
	r = make_output_path(c);
	if (r < 0)
		goto fail;
	*ret = c;
	return 0;
fail:
	c->owns_dev = false;    /* the caller still owns it on failure */
	collect_free(c);
	return r;
}

static void outcomes_clear(struct collect *c)
{
	for (size_t i = 0; i < c->n_out; i++) {
		free((char *)c->out[i].kind);
		free((char *)c->out[i].reason);
	}
	free(c->out);
	c->out = NULL;
	c->n_out = c->cap_out = 0;
}

void collect_free(struct collect *c)
{
	if (!c)
		return;
	if (c->dev)
		fw_device_set_observer(c->dev, NULL, NULL);
	if (c->owns_dev)
		fw_device_close(c->dev);
	outcomes_clear(c);
	free(c->steps);
	free(c->output);
	free(c->s_output);
	free(c->s_reason);
	free(c->s_only);
	free(c->s_skip);
	free(c->s_cmdline);
	free(c->s_sysroot);
	free(c->trace_cap);
	free(c->menu);
	free(c);
}

size_t collect_step_count(const struct collect *c)
{
	return c->n_steps;
}

const char *collect_output_path(const struct collect *c)
{
	return c->output;
}

size_t collect_outcome_count(const struct collect *c)
{
	return c->n_out;
}

const struct collect_outcome *collect_outcome_at(const struct collect *c, size_t i)
{
	return i < c->n_out ? &c->out[i] : NULL;
}

enum bundle_outcome collect_worst(const struct collect *c)
{
	enum bundle_outcome w = BUNDLE_OUTCOME_OK;

	for (size_t i = 0; i < c->n_out; i++) {
		enum bundle_outcome o = c->out[i].outcome;

		if (o == BUNDLE_OUTCOME_SKIPPED) {
			/* Skipped because the run was interrupted is not "all well". */
			if (c->out[i].err == -EINTR && w == BUNDLE_OUTCOME_OK)
				w = BUNDLE_OUTCOME_PARTIAL;
			continue;
		}
		if (o == BUNDLE_OUTCOME_FAILED)
			w = BUNDLE_OUTCOME_FAILED;
		else if (o == BUNDLE_OUTCOME_PARTIAL && w == BUNDLE_OUTCOME_OK)
			w = BUNDLE_OUTCOME_PARTIAL;
	}
	return w;
}

uint64_t collect_device_commands(const struct collect *c)
{
	return fw_device_cmd_count(c->dev) - c->commands_before;
}

/* ------------------------------------------------------------ recording */

void collect_art_init(struct collect_art *a, const char *kind, const char *interface)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->kind, sizeof(a->kind), "%s", kind);
	a->interface = interface;
	a->start_ns = fw_now_ns();
	a->start_mono = fw_monotonic_ns();
}

void collect_art_fail(struct collect_art *a, enum bundle_outcome o, int err, const char *fmt, ...)
{
	char reason[sizeof(a->reason)];
	va_list ap;

	a->outcome = o;
	a->err = err;
	/* Through a copy: callers wrap the old reason ("... unavailable: %s",
	 * a->reason), and formatting into the buffer being read repeated
	 * the prefix and lost the start of the message. */
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	memcpy(a->reason, reason, sizeof(reason));
}

void collect_art_reset(struct collect_art *a)
{
	a->outcome = BUNDLE_OUTCOME_OK;
	a->reason[0] = '\0';
	a->err = 0;
	a->status = 0;
	a->syndrome = 0;
	a->request_len = 0;     /* the retry's request is the one that counts */
}

bool collect_skipped(const struct collect *c, const char *kind)
{
	return c->opts.skip && *c->opts.skip && collect_kind_matches(c->opts.skip, kind);
}

int collect_emit_excluded(struct collect *c, const char *kind)
{
	struct collect_art a;

	collect_art_init(&a, kind, "host");
	collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, 0, "excluded by --skip");
	return collect_emit(c, &a, NULL, 0);
}

static int outcome_push(struct collect *c, const struct collect_art *a, uint64_t bytes,
			uint64_t dur)
{
	struct collect_outcome *o;

	if (c->n_out == c->cap_out) {
		size_t cap = c->cap_out ? c->cap_out * 2 : 64;
		struct collect_outcome *no = realloc(c->out, cap * sizeof(*no));

		if (!no)
			return fw_error(c->ctx, -ENOMEM, "out of memory");
		c->out = no;
		c->cap_out = cap;
	}
	o = &c->out[c->n_out];
	memset(o, 0, sizeof(*o));
	o->kind = strdup(a->kind);
	o->reason = strdup(a->reason);
	if (!o->kind || !o->reason) {
		free((char *)o->kind);
		free((char *)o->reason);
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	}
	o->outcome = a->outcome;
	o->err = a->err;
	o->status = a->status;
	o->syndrome = a->syndrome;
	o->bytes = bytes;
	o->duration_ns = dur;
	o->interface = a->interface;
	c->n_out++;
	return 0;
}

int collect_emit(struct collect *c, struct collect_art *a, const void *data, size_t len)
{
	struct bundle_artifact meta;
	uint64_t dur = fw_monotonic_ns() - a->start_mono;
	int r;

	/* Kinds that only appear once the device answered are filtered here. */
	if (c->opts.only && *c->opts.only && !collect_kind_matches(c->opts.only, a->kind))
		return 0;
	if (c->opts.skip && *c->opts.skip && collect_kind_matches(c->opts.skip, a->kind) &&
	    a->outcome != BUNDLE_OUTCOME_SKIPPED) {
		collect_art_fail(a, BUNDLE_OUTCOME_SKIPPED, 0, "excluded by --skip");
		data = NULL;
		len = 0;
	}
	if (c->kind_suffix && strlen(a->kind) + strlen(c->kind_suffix) < sizeof(a->kind))
		strcat(a->kind, c->kind_suffix);
	if (a->outcome == BUNDLE_OUTCOME_OK && a->reason[0] == '\0')
		a->err = 0;
	/* One rule for the step a signal cut short, whichever step it was:
	 * partial if it kept bytes, failed if it kept none (fwbox-collect(1)). */
	if (a->err == -EINTR && (a->outcome == BUNDLE_OUTCOME_FAILED ||
				 a->outcome == BUNDLE_OUTCOME_PARTIAL))
		a->outcome = data && len ? BUNDLE_OUTCOME_PARTIAL : BUNDLE_OUTCOME_FAILED;
	memset(&meta, 0, sizeof(meta));
	meta.kind = a->kind;
	meta.outcome = a->outcome;
	meta.reason = a->reason;
	meta.err = a->err;
	meta.status = a->status;
	meta.syndrome = a->syndrome;
	meta.start_ns = a->start_ns;
	meta.end_ns = a->start_ns + dur;
	meta.interface = a->interface ? a->interface : "host";
	meta.request = a->request_len ? a->request : NULL;
	meta.request_len = a->request_len;
	r = c->sops->add(c->sink, &meta, data, data ? len : 0);
	if (r < 0)
		return fw_error_prefix(c->ctx, r, "staging '%s'", a->kind);
	c->bytes += data ? len : 0;
	return outcome_push(c, a, data ? len : 0, dur);
}

/* ------------------------------------------------------------ device commands */

static const char *const status_names[] = {
	[0x00] = "ok", [0x01] = "internal error", [0x02] = "bad operation",
	[0x03] = "bad parameter", [0x04] = "bad system state", [0x05] = "bad resource",
	[0x06] = "resource busy", [0x08] = "limits exceeded", [0x09] = "bad resource state",
	[0x0a] = "bad index", [0x0f] = "no resources", [0x10] = "bad QP state",
	[0x30] = "bad packet", [0x40] = "bad size of outstanding CQEs",
	[0x50] = "bad input length", [0x51] = "bad output length",
};

const char *collect_status_name(uint32_t status)
{
	if (status < sizeof(status_names) / sizeof(status_names[0]) && status_names[status])
		return status_names[status];
	return "unknown status";
}

/* Every command the device gate saw while a step ran: count it, and keep
 * the first inbox of the artifact in progress as its request bytes. */
static void observe_cmd(void *userdata, const struct fw_cmd_event *ev)
{
	struct collect *c = userdata;
	struct collect_art *a = c->cur;

	if (!ev->refused)
		c->commands_sent++;
	if (a && !a->request_len && ev->in) {
		a->request_len = ev->inlen < sizeof(a->request) ? ev->inlen : sizeof(a->request);
		memcpy(a->request, ev->in, a->request_len);
	}
}

int collect_cmd_begin(struct collect *c, struct collect_art *a)
{
	if (fw_ctx_cancelled(c->ctx)) {
		collect_art_fail(a, BUNDLE_OUTCOME_FAILED, -EINTR, "interrupted by a signal");
		return -EINTR;
	}
	if (fw_monotonic_ns() > c->deadline) {
		collect_art_fail(a, BUNDLE_OUTCOME_FAILED, -ETIMEDOUT,
				 "step ran out of its %u ms time box", c->opts.step_timeout_ms);
		return -ETIMEDOUT;
	}
	fw_ctx_clear_error(c->ctx);
	c->cur = a;
	return 0;
}

bool collect_cmd_cut_short(const struct mlx5_status *st, size_t asked)
{
	return st->err == -EBADMSG && st->fw_replied && st->status == 0 &&
	       st->out_len >= MLX5_MBOX_HDR_LEN && st->out_len < asked;
}

int collect_cmd_end(struct collect *c, struct collect_art *a, int r, const struct mlx5_status *st)
{
	char ebuf[128];

	c->cur = NULL;
	if (r >= 0)
		return r;
	if (st->fw_replied && st->status) {
		a->status = st->status;
		a->syndrome = st->syndrome;
		collect_art_fail(a, BUNDLE_OUTCOME_FAILED, -EREMOTEIO,
				 "firmware returned status 0x%x (%s), syndrome 0x%08x", a->status,
				 collect_status_name(a->status), a->syndrome);
		return -EREMOTEIO;
	}
	{
		const char *msg = fw_ctx_errcode(c->ctx) ? fw_ctx_errmsg(c->ctx) : "";

		collect_art_fail(a, BUNDLE_OUTCOME_FAILED, r, "%s%s%s",
				 fw_strerror(r, ebuf, sizeof(ebuf)), *msg ? ": " : "", msg);
	}
	return r;
}

/* ------------------------------------------------------------ running */

static int record_interrupted(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;

	collect_art_init(&a, s->kind, c->info.transport);
	collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, -EINTR, "not run: interrupted by a signal");
	return collect_emit(c, &a, NULL, 0);
}

/* Did a device step after the health steps fail with EIO (firmware fatal)?
 * Only a failed step counts: a short reply is recorded as partial with EIO
 * too, and that is the transport, not the firmware going down. */
static bool went_fatal(const struct collect *c)
{
	for (size_t i = 0; i < c->n_out; i++) {
		const struct collect_outcome *o = &c->out[i];

		if (o->outcome == BUNDLE_OUTCOME_FAILED && o->err == -EIO &&
		    strncmp(o->kind, "health", 6) != 0 &&
		    !(o->interface && !strcmp(o->interface, "host")))
			return true;
	}
	return false;
}

int collect_run_sink(struct collect *c, const struct collect_sink_ops *sops, void *sink,
		     char **ret_path)
{
	char *path = NULL;
	int r = 0;

	outcomes_clear(c);
	c->sops = sops;
	c->sink = sink;
	c->bytes = 0;
	c->commands_sent = 0;
	c->commands_before = fw_device_cmd_count(c->dev);
	if (collect_host_taint(c->opts.sysroot, &c->taint_before) < 0)
		c->taint_before = UINT64_MAX;

	for (size_t i = 0; i < c->n_steps; i++) {
		const struct collect_step *s = &c->steps[i];

		/* Progress names a step only once it is sure to run, so a
		 * "[k/n] KIND" line means KIND is under way. */
		if (fw_ctx_cancelled(c->ctx)) {
			r = record_interrupted(c, s);
		} else {
			fw_progress(c->ctx, s->kind, (unsigned)i + 1, (unsigned)c->n_steps, c->bytes);
			c->deadline = fw_monotonic_ns() +
				      (uint64_t)c->opts.step_timeout_ms * 1000000ull;
			r = collect_step_run(c, s);
		}
		/* Only a failure to stage (disk, memory) stops the run: the
		 * bundle could not hold the evidence anyway. */
		if (r < 0)
			goto out;
	}
	/* A fatal error during the run (the device answers EIO) leaves its
	 * dump in the health buffer and the fw_fatal reporter, which were
	 * read before it: read them once more, as KIND.after. */
	if (went_fatal(c) && !fw_ctx_cancelled(c->ctx)) {
		c->kind_suffix = ".after";
		for (size_t i = 0; r >= 0 && i < c->n_steps; i++) {
			const struct collect_step *s = &c->steps[i];

			if (s->type != COLLECT_ST_HEALTH_BUFFER && s->type != COLLECT_ST_HEALTH_REPORTERS)
				continue;
			c->deadline = fw_monotonic_ns() +
				      (uint64_t)c->opts.step_timeout_ms * 1000000ull;
			r = collect_step_run(c, s);
		}
		c->kind_suffix = NULL;
		if (r < 0)
			goto out;
	}
	fw_progress(c->ctx, "publishing", (unsigned)c->n_steps, (unsigned)c->n_steps, c->bytes);
	r = sops->commit(sink, &path);
	if (r < 0)
		goto out;
	if (ret_path)
		*ret_path = path;
	else
		free(path);
	r = 0;
out:
	c->sops = NULL;
	c->sink = NULL;
	return r;
}

