/* SPDX-License-Identifier: MIT */
/* Helpers shared by the verbs: messages, progress, signals, JSON output. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <uuid/uuid.h>

#include "cli/cli.h"
#include "core/text.h"

/* "fwbox VERB: " and the message on standard error, no line end: every
 * message of the command starts so. */
__attribute__((format(printf, 3, 0))) static void say(const char *verb, const char *what,
						      const char *fmt, va_list ap)
{
	fprintf(stderr, "fwbox %s: %s", verb, what);
	vfprintf(stderr, fmt, ap);
}

int cli_fail(struct fw_ctx *ctx, const char *verb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(verb, "", fmt, ap);
	va_end(ap);
	if (ctx && fw_ctx_errcode(ctx))
		fprintf(stderr, ": %s", fw_ctx_errmsg(ctx));
	fputc('\n', stderr);
	return CLI_EXIT_FAILURE;
}

int cli_error(struct fw_ctx *ctx, const char *verb)
{
	fprintf(stderr, "fwbox %s: %s\n", verb,
		fw_ctx_errcode(ctx) ? fw_ctx_errmsg(ctx) : "failed (no reason recorded)");
	return CLI_EXIT_FAILURE;
}

int cli_usage_error(const struct cli_verb *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(v->name, "", fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'fwbox %s --help'.\n", v->name);
	return CLI_EXIT_USAGE;
}

int cli_option_error(const struct cli_verb *v, char **argv, const char *optstring)
{
	const char *arg = optind > 0 ? argv[optind - 1] : NULL;

	if (arg && !strncmp(arg, "--", 2)) {
		int n = (int)strcspn(arg, "=");

		if (optopt && arg[n] == '=')
			return cli_usage_error(v, "option '%.*s' takes no argument", n, arg);
		if (optopt)
			return cli_usage_error(v, "option '%.*s' needs an argument", n, arg);
		return cli_usage_error(v, "unknown option '%.*s'", n, arg);
	}
	if (optopt && optopt != ':' && strchr(optstring, optopt))
		return cli_usage_error(v, "option '-%c' needs an argument", optopt);
	if (optopt)
		return cli_usage_error(v, "unknown option '-%c'", optopt);
	return cli_usage_error(v, "unknown option '%s'", arg ? arg : "?");
}

void cli_warn(const char *verb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(verb, "warning: ", fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_nothing(const char *verb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(verb, "", fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_EXIT_NOTHING;
}

int cli_help(const struct cli_verb *v)
{
	fputs(v->usage, stdout);
	return CLI_EXIT_OK;
}

/* FWBOX_PROGRESS=lines: progress as plain lines even when stderr is no
 * terminal (logs, and scripts that wait for a step to start). */
static bool progress_lines;

bool cli_progress_wanted(bool quiet)
{
	const char *e = getenv("FWBOX_PROGRESS");

	progress_lines = e && strcmp(e, "lines") == 0;
	return !quiet && (progress_lines || isatty(STDERR_FILENO));
}

static bool progress_on_screen;

void cli_progress_clear(void)
{
	if (progress_on_screen) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	progress_on_screen = false;
}

static void progress_print(void *userdata, const char *what, unsigned step, unsigned nsteps,
			   uint64_t bytes)
{
	(void)userdata;
	if (progress_lines) {
		if (nsteps)
			fprintf(stderr, "[%u/%u] %s (%llu bytes)\n", step, nsteps, what,
				(unsigned long long)bytes);
		else
			fprintf(stderr, "%s (%llu bytes)\n", what, (unsigned long long)bytes);
		fflush(stderr);
		return;
	}
	progress_on_screen = true;
	if (nsteps)
		fprintf(stderr, "\r\033[K[%u/%u] %s (%llu bytes)", step, nsteps, what,
			(unsigned long long)bytes);
	else
		fprintf(stderr, "\r\033[K%s (%llu bytes)", what, (unsigned long long)bytes);
	if (nsteps && step >= nsteps) {
		fputc('\n', stderr);
		progress_on_screen = false;
	}
	fflush(stderr);
}

void cli_enable_progress(struct fw_ctx *ctx)
{
	fw_ctx_set_progress(ctx, progress_print, NULL);
}

static struct fw_ctx *signal_ctx;

static void on_signal(int sig)
{
	(void)sig;
	if (signal_ctx)
		fw_ctx_request_cancel(signal_ctx);
}

void cli_on_signals(void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking read returns EINTR so the step can stop. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void cli_catch_signals(struct fw_ctx *ctx)
{
	signal_ctx = ctx;
	cli_on_signals(on_signal);
}

/* json-c escapes control characters but copies invalid UTF-8 through
 * (a --reason, a firmware string): replace it with U+FFFD so the output
 * is always valid JSON. Quotes and backslashes are ASCII and already
 * escaped, so this cannot change the document's structure. */
void cli_put_json_text(const char *s, size_t len)
{
	char *clean = fw_utf8_sanitize(s, len);

	fputs(clean ? clean : s, stdout);
	free(clean);
}

bool cli_json_option(struct cli_json *j, int c)
{
	if (c == 'j') {
		j->on = true;
		return true;
	}
	if (c == 'p') {
		j->on = j->pretty = true;
		return true;
	}
	return false;
}

void cli_json_emit(const struct cli_json *j, struct json_object *o)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;
	const char *s;
	size_t len;

	if (j->pretty)
		flags |= JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED;
	s = json_object_to_json_string_length(o, flags, &len);
	cli_put_json_text(s, len);
	fputc('\n', stdout);
	json_object_put(o);
}

struct json_object *cli_json_text(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

struct json_object *cli_json_text_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

struct json_object *cli_json_int(int64_t v)
{
	return json_object_new_int64(v);
}

struct json_object *cli_json_u64(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_object_new_string(buf);
}

void cli_format_time(uint64_t ns, char *buf, size_t len)
{
	time_t secs = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char day[32];

	if (!gmtime_r(&secs, &tm) || !strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(day, sizeof(day), "@%llu", (unsigned long long)secs);
	snprintf(buf, len, "%s.%09uZ", day, (unsigned)(ns % 1000000000ull));
}

void cli_json_add_time(struct json_object *o, const char *name, uint64_t ns)
{
	char key[64], when[48];

	snprintf(key, sizeof(key), "%s_us", name);
	if (!ns) {
		json_object_object_add(o, name, NULL);
		json_object_object_add(o, key, NULL);
		return;
	}
	cli_format_time(ns, when, sizeof(when));
	json_object_object_add(o, name, json_object_new_string(when));
	json_object_object_add(o, key, json_object_new_int64((int64_t)(ns / 1000)));
}

void cli_json_add_step(struct json_object *o, int32_t err, uint32_t status, uint32_t syndrome,
		       uint64_t start_ns, uint64_t end_ns, const char *interface)
{
	json_object_object_add(o, "errno", err ? cli_json_int(err < 0 ? -err : err) : NULL);
	/* A step without a failed mlx5 command has no status or syndrome. */
	json_object_object_add(o, "mlx5_status", status ? cli_json_int(status) : NULL);
	json_object_object_add(o, "syndrome", status || syndrome ? cli_json_int(syndrome) : NULL);
	cli_json_add_time(o, "start", start_ns);
	cli_json_add_time(o, "end", end_ns);
	json_object_object_add(o, "interface", cli_json_text_or_null(interface));
}

/* Damerau-free Levenshtein distance, bounded: names are short. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[65], cur[65];

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(*cur));
	}
	return prev[lb];
}

const char *cli_closest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX;

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, cands[i]);

		/* A prefix of one name ("fw-hist") is that name. */
		if (strlen(word) >= 3 && !strncmp(cands[i], word, strlen(word)))
			d = 1;
		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	/* Close enough to be a slip: a third of the word, at least one edit. */
	if (best && best_d <= 1 + strlen(word) / 3)
		return best;
	return NULL;
}

static const char *history_db;  /* --db of the verb, else the default */

void cli_set_db(const char *path)
{
	history_db = path;
}

int cli_open_history(struct fw_ctx *ctx, struct store **ret, char **ret_dbpath)
{
	char *dbpath = NULL;
	int r;

	if (history_db) {
		dbpath = strdup(history_db);
		if (!dbpath)
			return fw_error(ctx, -ENOMEM, "out of memory");
	} else {
		r = store_default_path(ctx, false, &dbpath);
		if (r < 0)
			return r;
	}
	r = store_open(ctx, dbpath, STORE_OPEN_READONLY, ret);
	if (r < 0) {
		free(dbpath);
		return r;
	}
	if (ret_dbpath)
		*ret_dbpath = dbpath;
	else
		free(dbpath);
	return 0;
}

/*
 * A file is opened as it is.  An argument that is no file but has the
 * shape of a bundle UUID (or a unique prefix of 8 or more characters, or
 * a SHA-256) is looked up in the history, and the file it was loaded from
 * is opened, as coredumpctl finds a core by PID.
 */
int cli_bundle_open(struct fw_ctx *ctx, const char *arg, struct bundle **ret)
{
	struct store *s = NULL;
	char *path = NULL;
	struct stat st;
	int r;

	if (stat(arg, &st) == 0 || !store_is_capture_key(arg))
		return bundle_open(ctx, arg, ret);
	r = cli_open_history(ctx, &s, NULL);
	if (r < 0)
		return fw_error_prefix(ctx, r, "'%s' is not a file, and as a bundle UUID", arg);
	r = store_capture_file(s, arg, &path);
	store_close(s);
	if (r < 0)
		return fw_error_prefix(ctx, r, "'%s' is not a file, and as a bundle UUID", arg);
	if (stat(path, &st) < 0) {
		r = fw_error(ctx, -errno, "capture '%s' was loaded from '%s', which is gone: %s",
			     arg, path, strerror(errno));
		free(path);
		return r;
	}
	r = bundle_open(ctx, path, ret);
	free(path);
	return r;
}

void cli_bundle_uuid(struct bundle *b, char uuid[37])
{
	uuid_unparse_lower(bundle_get_header(b)->uuid, uuid);
}

int cli_analyze(struct fw_ctx *ctx, const char *arg, const char *only_prefix,
		const struct analyze_sink *sink, void *ud, char uuid[37])
{
	struct bundle *b = NULL;
	struct analyze *an = NULL;
	int r;

	r = cli_bundle_open(ctx, arg, &b);
	if (r < 0)
		return r;
	cli_bundle_uuid(b, uuid);
	r = analyze_new(ctx, sink, ud, &an);
	if (r >= 0)
		r = analyze_bundle(an, b, only_prefix);
	analyze_free(an);
	bundle_close(b);
	return r;
}

void cli_decode_problem(void *ud, const char *kind, uint64_t off, int err, const char *msg)
{
	struct cli_decode *d = ud;

	(void)err;
	cli_warn(d->verb, "'%s': '%s' at offset %" PRIu64 ": %s", d->path, kind, off, msg);
}

int cli_decode_pass(struct fw_ctx *ctx, struct cli_decode *d, struct bundle *b, const char *only,
		    const struct analyze_sink *sink)
{
	struct analyze *an = NULL;
	int r = analyze_new(ctx, sink, d, &an);

	if (r >= 0)
		r = analyze_bundle(an, b, only);
	analyze_free(an);
	return r;
}

void cli_decode_bundles(struct fw_ctx *ctx, struct cli_decode *d, char **args, int n,
			const char *only, const struct analyze_sink *sink, struct cli_tally *t)
{
	cli_catch_signals(ctx);
	d->stop = false;
	for (int i = 0; i < n && !fw_ctx_cancelled(ctx); i++) {
		struct bundle *b = NULL;
		int r;

		fw_ctx_clear_error(ctx);
		d->path = args[i];
		r = cli_bundle_open(ctx, args[i], &b);
		if (r >= 0) {
			cli_bundle_uuid(b, d->uuid);
			r = d->decode ? d->decode(d, ctx, b, only, sink)
				      : cli_decode_pass(ctx, d, b, only, sink);
			bundle_close(b);
		}
		if (d->stop) {
			t->failed++;
			break;
		}
		if (r < 0) {
			cli_error(ctx, d->verb);
			t->failed++;
		} else {
			t->ok++;
		}
		if (d->after)
			d->after(d, ctx, r);
	}
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
	       struct cli_json *json)
{
	for (;;) {
		int c = getopt_long(argc, argv, shortopts, longopts, NULL);

		if (c == -1)
			return -1;
		if (json && cli_json_option(json, c))
			continue;
		if (c == CLI_OPT_DB) {
			cli_set_db(optarg);
			continue;
		}
		return c;
	}
}

int cli_parse_u64(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s || *end || *s == '-')
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	if (errno)
		return -EINVAL;
	*ret = v;
	return 0;
}

int cli_tally_exit(const struct cli_tally *t, const char *verb, const char *what, int argc,
		   char **args)
{
	if (!t->ok)
		return CLI_EXIT_FAILURE;
	if (t->failed)
		return CLI_EXIT_PARTIAL;
	if (t->records)
		return CLI_EXIT_OK;
	if (argc == 1)
		return cli_nothing(verb, "no %s in '%s'", what, args[0]);
	return cli_nothing(verb, "no %s in the %d bundles", what, argc);
}

/* Seconds since the epoch of a UTC calendar time, or -1. */
static int64_t utc_seconds(int year, int mon, int day, int h, int m, int sec)
{
	struct tm tm = { 0 };
	time_t t;

	if (year < 1970 || year > 9999 || mon < 1 || mon > 12 || day < 1 || day > 31 || h < 0 ||
	    h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60)
		return -1;
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	t = timegm(&tm);
	/* timegm() normalizes Feb 30 to Mar 2: a date that moved was wrong. */
	if (t < 0 || tm.tm_mday != day || tm.tm_mon != mon - 1)
		return -1;
	return (int64_t)t;
}

int cli_parse_time(const char *s, uint64_t now_ns, uint64_t *ret_ns)
{
	int year, mon, day, h = 0, m = 0, sec = 0, n = 0, k = 0;
	uint64_t frac = 0, scale = 100000000ull;
	int64_t t, off = 0;
	char *end;

	if (!strcmp(s, "now")) {
		*ret_ns = now_ns;
		return 0;
	}
	if (!strcmp(s, "today") || !strcmp(s, "yesterday")) {
		uint64_t day_ns = 86400ull * 1000000000ull;
		uint64_t midnight = now_ns - now_ns % day_ns;

		*ret_ns = s[0] == 't' ? midnight : midnight - day_ns;
		return 0;
	}
	if (s[0] == '@' || s[0] == '-') {
		unsigned long long v;
		uint64_t unit = 1;

		errno = 0;
		v = strtoull(s + 1, &end, 10);
		if (end == s + 1 || errno || s[1] == '-' || s[1] == '+')
			return -EINVAL;
		if (s[0] == '@') {
			if (*end || v > UINT64_MAX / 1000000000ull)
				return -EINVAL;
			*ret_ns = v * 1000000000ull;
			return 0;
		}
		if (!strcmp(end, "d"))
			unit = 86400;
		else if (!strcmp(end, "h"))
			unit = 3600;
		else if (!strcmp(end, "m") || !strcmp(end, "min"))
			unit = 60;
		else if (strcmp(end, "s"))
			return -EINVAL;
		if (v > now_ns / 1000000000ull / unit)
			return -EINVAL;
		*ret_ns = now_ns - v * unit * 1000000000ull;
		return 0;
	}
	if (sscanf(s, "%4d-%2d-%2d%n", &year, &mon, &day, &n) != 3 || n != 10)
		return -EINVAL;
	if (s[n] == ' ' || s[n] == 'T') {
		if (sscanf(s + n + 1, "%2d:%2d%n", &h, &m, &k) != 2 || k != 5)
			return -EINVAL;
		n += 1 + k;
		if (s[n] == ':') {
			if (sscanf(s + n + 1, "%2d%n", &sec, &k) != 1 || k != 2)
				return -EINVAL;
			n += 3;
			if (s[n] == '.') {
				for (n++; s[n] >= '0' && s[n] <= '9'; n++) {
					frac += (uint64_t)(s[n] - '0') * scale;
					scale /= 10;
				}
			}
		}
		/* ISO 8601's zone: Z, or an offset from UTC (+01:00, -0530). */
		if (s[n] == 'Z') {
			n++;
		} else if (s[n] == '+' || s[n] == '-') {
			int oh, om = 0;

			if (!isdigit((unsigned char)s[n + 1]) || !isdigit((unsigned char)s[n + 2]))
				return -EINVAL;
			oh = (s[n + 1] - '0') * 10 + s[n + 2] - '0';
			if (oh > 23)
				return -EINVAL;
			k = n + 3 + (s[n + 3] == ':');
			if ((s[k] || s[k - 1] == ':') &&
			    (!isdigit((unsigned char)s[k]) || !isdigit((unsigned char)s[k + 1]) ||
			     s[k + 2] || (om = (s[k] - '0') * 10 + s[k + 1] - '0') > 59))
				return -EINVAL;
			off = (s[n] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
			n = k + (s[k] ? 2 : 0);
		}
	}
	if (s[n])
		return -EINVAL;
	t = utc_seconds(year, mon, day, h, m, sec);
	if (t < 0 || t - off < 0)
		return -EINVAL;
	*ret_ns = (uint64_t)(t - off) * 1000000000ull + frac;
	return 0;
}

/*
 * -o FILE's extension names a compression: .tar.gz is gzip, whatever the
 * default.  --compress that disagrees with it is refused rather than
 * writing a gzip file named .tar.zst.  Other names keep --compress (or
 * zstd).
 */
static const struct {
	const char *ext;
	enum bundle_compression comp;
} extensions[] = {
	{ ".tar.zst", BUNDLE_COMPRESS_ZSTD }, { ".tzst", BUNDLE_COMPRESS_ZSTD },
	{ ".tar.gz", BUNDLE_COMPRESS_GZIP },  { ".tgz", BUNDLE_COMPRESS_GZIP },
	{ ".tar.xz", BUNDLE_COMPRESS_XZ },    { ".txz", BUNDLE_COMPRESS_XZ },
	{ ".tar", BUNDLE_COMPRESS_NONE },
};

static const char *compression_name(enum bundle_compression c)
{
	switch (c) {
	case BUNDLE_COMPRESS_GZIP: return "gzip";
	case BUNDLE_COMPRESS_XZ:   return "xz";
	case BUNDLE_COMPRESS_NONE: return "none";
	case BUNDLE_COMPRESS_ZSTD: break;
	}
	return "zstd";
}

int cli_pick_compression(const struct cli_verb *v, const char *out, bool given,
			 enum bundle_compression *comp)
{
	size_t len = out ? strlen(out) : 0;
	struct stat st;

	if (!out || !strcmp(out, "-") || (stat(out, &st) == 0 && S_ISDIR(st.st_mode)) ||
	    (len && out[len - 1] == '/'))
		return 0;
	for (size_t i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++) {
		size_t n = strlen(extensions[i].ext);

		if (len <= n || strcmp(out + len - n, extensions[i].ext))
			continue;
		if (given && *comp != extensions[i].comp)
			return cli_usage_error(v,
					       "-o '%s' names %s compression but --compress is %s: "
					       "change one of them", out,
					       compression_name(extensions[i].comp),
					       compression_name(*comp));
		*comp = extensions[i].comp;
		return 0;
	}
	return 0;
}

/* -o -: the bundle is written complete into a private folder, then copied
 * to standard output, so a reader never sees half a bundle. */
int cli_copy_to_stdout(const char *path)
{
	char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(STDOUT_FILENO, buf + off, (size_t)(n - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				int e = errno;

				close(fd);
				return -e;
			}
			off += w;
		}
	}
	close(fd);
	return 0;
}

/* Repeated list options accumulate as one comma list. */
int cli_append_list(char **list, const char *item)
{
	char *n;

	if (!*item)
		return -EINVAL;
	if (asprintf(&n, "%s%s%s", *list ? *list : "", *list ? "," : "", item) < 0)
		return -ENOMEM;
	free(*list);
	*list = n;
	return 0;
}

/* "1048576", "512K", "10M", "2G" (powers of 1024; "10MB", "10MiB" too). */
int cli_parse_size(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || *s == '-' || errno)
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	case 't':
	case 'T':
		shift = 40;
		end++;
		break;
	}
	if (shift && (!strcmp(end, "iB") || !strcmp(end, "B")))
		end += strlen(end);
	if (*end || !v || v > (UINT64_MAX >> shift))
		return -EINVAL;
	*ret = (uint64_t)v << shift;
	return 0;
}
