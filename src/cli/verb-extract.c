/* SPDX-License-Identifier: MIT */
/* fwbox extract: the raw bytes of one artifact, checked against the index. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct bundle_visitor v = { .data = on_data };
	struct sink s = { .fd = STDOUT_FILENO };
	const char *out = NULL;
	struct bundle *b = NULL;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		default:
			return cli_usage_error(&cli_verb_extract, "unknown option");
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(&cli_verb_extract, "expected BUNDLE and KIND");
	r = bundle_open(ctx, argv[optind], &b);
	if (r < 0)
		return cli_fail(ctx, "extract", "cannot read the bundle");
	if (!bundle_find_kind(b, argv[optind + 1])) {
		bundle_close(b);
		fprintf(stderr, "fwbox extract: '%s' holds no artifact of kind '%s'\n", argv[optind],
			argv[optind + 1]);
		return CLI_EXIT_FAILURE;
	}
	if (out) {
		s.fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (s.fd < 0) {
			fprintf(stderr, "fwbox extract: cannot create '%s': %s\n", out, strerror(errno));
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
		/* Damaged or partial bytes never stay behind under the asked name. */
		if (r < 0)
			unlink(out);
	}
	bundle_close(b);
	return r < 0 ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}

const struct cli_verb cli_verb_extract = {
	.name = "extract",
	.summary = "write the raw bytes of one artifact",
	.usage = "Usage: fwbox extract [-o FILE] BUNDLE KIND\n"
		 "\n"
		 "Write the raw bytes of the first artifact of KIND (e.g. reg.MGIR,\n"
		 "trace.strings.0, crspace) to standard output, or to FILE.  The bytes\n"
		 "are checked against the index's size and SHA-256; on a mismatch the\n"
		 "exit status is 1 and FILE is removed (standard output may already\n"
		 "have received the damaged bytes).\n"
		 "\n"
		 "Options:\n"
		 "  -o, --output FILE  write to FILE instead of standard output\n"
		 "  -h, --help         show this help\n",
	.run = run,
};
