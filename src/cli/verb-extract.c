/* SPDX-License-Identifier: MIT */
/* fwbox extract: the raw bytes of one artifact, checked against the index. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/cli.h"

struct sink {
	int fd;
	int err;
};

static int on_data(void *userdata, const struct bundle_artifact *a, const void *buf, size_t len)
{
	struct sink *s = userdata;
	const char *p = buf;

	(void)a;
	while (len) {
		ssize_t n = write(s->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			s->err = errno;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * FILE gets its name only once the artifact and the whole archive check out:
 * the bytes go to a temporary file in FILE's folder, then link() (no FILE
 * yet: fails if one appeared meanwhile) or, with --force, rename() over the
 * old file (atomic), and a failure leaves any old FILE as it was.  The rule
 * is collect's: an existing FILE is refused unless --force.  A FIFO or a
 * device (/dev/null) is written in place; a symbolic link is refused.
 */
static int open_output(const char *out, bool force, char **ret_tmp, int *ret_fd)
{
	struct stat st;
	const char *slash = strrchr(out, '/');
	char *tmp = NULL;
	mode_t mask;
	int fd;

	if (lstat(out, &st) == 0 && S_ISLNK(st.st_mode))
		return -ELOOP;
	if (lstat(out, &st) == 0 && S_ISREG(st.st_mode) && !force)
		return -EEXIST;
	if (stat(out, &st) == 0 && !S_ISREG(st.st_mode)) {
		fd = open(out, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		*ret_tmp = NULL;
		*ret_fd = fd;
		return 0;
	}
	if (asprintf(&tmp, "%.*s.%s.XXXXXX", slash ? (int)(slash - out + 1) : 0, out,
		     slash ? slash + 1 : out) < 0)
		return -ENOMEM;
	fd = mkstemp(tmp);
	if (fd < 0) {
		int e = errno;

		free(tmp);
		return -e;
	}
	/* mkstemp makes 0600; the file gets what open(0644) would have given. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0644 & ~mask) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		int e = errno;

		close(fd);
		unlink(tmp);
		free(tmp);
		return -e;
	}
	*ret_tmp = tmp;
	*ret_fd = fd;
	return 0;
}

/* --json: what was written where, as the index describes it. */
static void print_json(const struct cli_json *json, struct bundle *b,
		       const struct bundle_artifact *a, const char *out)
{
	struct json_object *o = json_object_new_object();
	char uuid[37], sha[2 * FW_SHA256_LEN + 1];

	cli_bundle_uuid(b, uuid);
	for (size_t i = 0; i < FW_SHA256_LEN; i++)
		snprintf(sha + 2 * i, 3, "%02x", a->sha256[i]);
	json_object_object_add(o, "path", json_object_new_string(out));
	json_object_object_add(o, "bundle", json_object_new_string(uuid));
	json_object_object_add(o, "kind", json_object_new_string(a->kind));
	json_object_object_add(o, "bytes", cli_json_int((int64_t)a->size));
	json_object_object_add(o, "sha256", json_object_new_string(sha));
	json_object_object_add(o, "outcome", json_object_new_string(bundle_outcome_name(a->outcome)));
	json_object_object_add(o, "reason", cli_json_text_or_null(a->reason));
	cli_json_emit(json, o);
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		CLI_JSON_LONGOPTS,
		CLI_DB_LONGOPT,
		{ NULL, 0, NULL, 0 },
	};
	static const struct bundle_visitor v = { .data = on_data };
	struct sink s = { .fd = STDOUT_FILENO };
	const char *out = NULL;
	char *tmp = NULL;
	struct bundle *b = NULL;
	struct cli_json json = { 0 };
	bool force = false;
	int c, r;

	while ((c = cli_getopt(argc, argv, "o:f" CLI_JSON_SHORTOPTS, longopts, &json)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'f':
			force = true;
			break;
		default:
			return cli_option_error(&cli_verb_extract, argv, "o:f" CLI_JSON_SHORTOPTS);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(&cli_verb_extract, "expected BUNDLE and KIND");
	if (out && !strcmp(out, "-"))
		out = NULL; /* -o - is standard output */
	if (json.on && !out)
		return cli_usage_error(&cli_verb_extract, "--json describes the artifact on standard "
				       "output: give -o FILE for its bytes");
	r = cli_bundle_open(ctx, argv[optind], &b);
	if (r < 0)
		return cli_error(ctx, "extract");
	if (!bundle_find_kind(b, argv[optind + 1])) {
		bundle_close(b);
		fprintf(stderr, "fwbox extract: '%s' holds no artifact of kind '%s'\n", argv[optind],
			argv[optind + 1]);
		return CLI_EXIT_FAILURE;
	}
	if (out) {
		r = open_output(out, force, &tmp, &s.fd);
		if (r == -EEXIST || r == -ELOOP) {
			fprintf(stderr, "fwbox extract: '%s' already exists%s: %s\n", out,
				r == -ELOOP ? " as a symbolic link" : "",
				r == -ELOOP ? "not following or replacing it, give another FILE"
					    : "choose another FILE, remove it, or replace it with --force");
			bundle_close(b);
			return CLI_EXIT_FAILURE;
		}
		if (r < 0) {
			fprintf(stderr, "fwbox extract: cannot create '%s': %s\n", out, strerror(-r));
			bundle_close(b);
			return CLI_EXIT_FAILURE;
		}
	}
	r = bundle_stream_kind(b, argv[optind + 1], &v, &s);
	if (r < 0) {
		if (s.err)
			fprintf(stderr, "fwbox extract: writing %s: %s\n", out ? out : "standard output",
				strerror(s.err));
		else
			cli_fail(ctx, "extract", "'%s' in '%s'", argv[optind + 1], argv[optind]);
	}
	if (out) {
		if (close(s.fd) < 0 && r >= 0) {
			fprintf(stderr, "fwbox extract: writing '%s': %s\n", out, strerror(errno));
			r = -EIO;
		}
		if (tmp && r >= 0 && force && rename(tmp, out) < 0) {
			fprintf(stderr, "fwbox extract: cannot replace '%s': %s\n", out, strerror(errno));
			r = -EIO;
		} else if (tmp && r >= 0 && !force) {
			/* link() never replaces: a FILE that appeared meanwhile stays. */
			if (link(tmp, out) < 0) {
				fprintf(stderr, "fwbox extract: cannot create '%s': %s\n", out,
					errno == EEXIST ? "it appeared while the artifact was written; "
							  "not replacing it" : strerror(errno));
				r = -EIO;
			}
			unlink(tmp);
		}
		/* Damaged or partial bytes never stay behind; an old FILE stays. */
		if (tmp && r < 0)
			unlink(tmp);
		free(tmp);
	}
	if (r >= 0 && json.on)
		print_json(&json, b, bundle_find_kind(b, argv[optind + 1]), out);
	bundle_close(b);
	return r < 0 ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}

const struct cli_verb cli_verb_extract = {
	.name = "extract",
	.summary = "write the raw bytes of one artifact",
	.usage = "Usage: fwbox extract [-o|--output FILE] [-f|--force] [--db PATH] [-j|--json]\n"
		 "                     [-p|--pretty] BUNDLE KIND\n"
		 "\n"
		 "Write the raw bytes of the first artifact of KIND (e.g. reg.MGIR,\n"
		 "trace.strings.0, crspace) to standard output, or to FILE.  The bytes\n"
		 "are checked against the index's size and SHA-256, and the headers of\n"
		 "every other member against the index; on a mismatch the exit status\n"
		 "is 1 and FILE is left as it was (standard output may already have\n"
		 "received the bytes).\n"
		 "\n"
		 "Options:\n"
		 "  -o, --output FILE  write to FILE instead of standard output ('-': standard\n"
		 "                     output); an existing FILE is refused without --force\n"
		 "  -f, --force        replace an existing FILE (atomically, once the bytes\n"
		 "                     checked out)\n"
		 "  --db PATH          history for UUID arguments (fwbox(1) CAPTURES)\n"
		 "  -j, --json         with -o FILE: print one JSON object describing what was\n"
		 "                     written (fields: fwbox-extract(1))\n"
		 "  -p, --pretty       indented JSON; implies --json\n"
		 "  -h, --help         show this help\n",
	.run = run,
};
