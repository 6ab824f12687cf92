/* SPDX-License-Identifier: MIT */
/*
 * fwbox-read: a program outside the project that uses libfwbox the way any
 * other would, through <libfwbox.h> and `pkg-config fwbox` only (it is
 * built by tests/lib/run-libfwbox.sh, not by the project's makefiles).
 *
 *   fwbox-read info BUNDLE            header and one line per artifact
 *   fwbox-read verify BUNDLE          "ok", or each problem and exit 1
 *   fwbox-read read BUNDLE KIND       the artifact's bytes to stdout
 *   fwbox-read decode BUNDLE [KINDS]  one line per record:
 *                                     TYPE<TAB>KIND<TAB>name=value<TAB>...
 *   fwbox-read stop BUNDLE N          decode, stopping after N records
 *
 * Exit status: 0 success, 1 failure (the library's message on stderr),
 * 2 usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfwbox.h>

static int problems;

static void on_problem(void *ud, const char *member, const char *why)
{
	(void)ud;
	problems++;
	printf("problem\t%s\t%s\n", member ? member : "-", why);
}

static int on_record(void *ud, const struct fwbox_record *r)
{
	long *left = ud;

	if (left && (*left)-- == 0)
		return -ECANCELED;
	printf("%s\t%s", fwbox_record_type_name(fwbox_record_type(r)), fwbox_record_kind(r));
	for (size_t i = 0; i < fwbox_record_field_count(r); i++)
		printf("\t%s=%s", fwbox_record_field_name(r, i), fwbox_record_field_value(r, i));
	putchar('\n');
	return 0;
}

static void info(const struct fwbox_bundle *b)
{
	printf("uuid\t%s\n", fwbox_bundle_uuid(b));
	printf("created_ns\t%" PRIu64 "\n", fwbox_bundle_created_ns(b));
	printf("host\t%s\n", fwbox_bundle_host(b));
	printf("writer\t%s\n", fwbox_bundle_writer_version(b));
	printf("pci\t%s\n", fwbox_bundle_pci(b));
	printf("fw\t%s\n", fwbox_bundle_fw_version(b));
	for (size_t i = 0; i < fwbox_bundle_artifact_count(b); i++) {
		const struct fwbox_artifact *a = fwbox_bundle_artifact(b, i);

		printf("artifact\t%s\t%s\t%" PRIu64 "\t%s\t%s\t%s\n", fwbox_artifact_kind(a),
		       fwbox_artifact_path(a), fwbox_artifact_size(a), fwbox_artifact_outcome(a),
		       fwbox_artifact_sha256(a), fwbox_artifact_reason(a));
	}
	if (fwbox_bundle_artifact(b, fwbox_bundle_artifact_count(b)))
		printf("error\tan artifact past the end\n");
}

int main(int argc, char **argv)
{
	struct fwbox_ctx *ctx = NULL;
	struct fwbox_bundle *b = NULL;
	const char *verb = argc > 1 ? argv[1] : "";
	int r = 0, status = 0;

	if (argc < 3 || (strcmp(verb, "info") && strcmp(verb, "verify") && strcmp(verb, "read") &&
			 strcmp(verb, "decode") && strcmp(verb, "stop")) ||
	    (!strcmp(verb, "read") && argc != 4) || (!strcmp(verb, "stop") && argc != 4)) {
		fprintf(stderr, "usage: fwbox-read info|verify|read|decode|stop BUNDLE [ARG]\n");
		return 2;
	}
	if (fwbox_ctx_new(&ctx) < 0) {
		fprintf(stderr, "fwbox-read: out of memory\n");
		return 1;
	}
	r = fwbox_bundle_open(ctx, argv[2], &b);
	if (r < 0)
		goto fail;
	if (!strcmp(verb, "info")) {
		info(b);
	} else if (!strcmp(verb, "verify")) {
		r = fwbox_bundle_verify(b, on_problem, NULL);
		if (r < 0)
			goto fail;
		printf("ok\n");
	} else if (!strcmp(verb, "read")) {
		void *data;
		size_t len;

		r = fwbox_bundle_read(b, argv[3], 64u << 20, &data, &len);
		if (r < 0)
			goto fail;
		fwrite(data, 1, len, stdout);
		free(data);
	} else if (!strcmp(verb, "decode")) {
		r = fwbox_bundle_decode(b, argc > 3 ? argv[3] : NULL, on_record, NULL);
		if (r < 0)
			goto fail;
	} else {
		long left = strtol(argv[3], NULL, 10);

		r = fwbox_bundle_decode(b, NULL, on_record, &left);
		printf("stopped\t%d\n", r);
	}
	goto out;
fail:
	fprintf(stderr, "fwbox-read: %s (%d)\n", fwbox_ctx_errmsg(ctx), r);
	status = 1;
out:
	fwbox_bundle_close(b);
	fwbox_ctx_free(ctx);
	return status;
}
