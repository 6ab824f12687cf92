/* SPDX-License-Identifier: MIT */
/*
 * store load-bundle: verify, decode and insert one bundle file.
 *
 * Order of work, and why:
 *  1. bundle_open() checks the index (bounded memory) and the file hash is
 *     taken: the bundle's identity.
 *  2. BEGIN IMMEDIATE + insert the bundle row ON CONFLICT DO NOTHING: an
 *     already loaded bundle costs one hash and one insert attempt.
 *  3. Stream the members once, inserting records as they are decoded,
 *     inside the transaction.  bundle_stream() returns 0 only when every
 *     member matched the index; anything else rolls the whole bundle back,
 *     so verification and loading are one pass over the file yet nothing of
 *     a bad bundle is ever committed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "store/store-internal.h"

struct load_walk {
	struct store *s;
	struct store_load *l;
	unsigned member, members;
	uint64_t bytes;
};

static int walk_begin(void *userdata, const struct bundle_artifact *a)
{
	struct load_walk *w = userdata;

	(void)a;
	w->member++;
	if (fw_ctx_cancelled(w->s->ctx))
		return fw_error(w->s->ctx, -EINTR, "load interrupted");
	/* No decoder is wired for the member yet: its bytes are still read,
	 * hashed and checked by the reader, but not handed to us. */
	return 1;
}

static int walk_data(void *userdata, const struct bundle_artifact *a, const void *buf,
		     size_t len)
{
	struct load_walk *w = userdata;

	(void)a;
	(void)buf;
	w->bytes += len;
	return 0;
}

static int walk_end(void *userdata, const struct bundle_artifact *a)
{
	struct load_walk *w = userdata;

	fw_progress(w->s->ctx, a->kind, w->member, w->members, w->bytes);
	return 0;
}

static void format_uuid(const uint8_t u[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

int store_load_bundle(struct store *s, const char *path, struct store_load_result *ret)
{
	static const struct bundle_visitor visitor = {
		.begin = walk_begin,
		.data = walk_data,
		.end = walk_end,
	};
	struct store_load_result res = { 0 };
	struct store_bundle_info info = { 0 };
	struct load_walk walk = { .s = s };
	struct bundle *b = NULL;
	struct store_load *l = NULL;
	size_t n;
	int r;

	r = bundle_open(s->ctx, path, &b);
	if (r < 0)
		return r;
	info.header = bundle_get_header(b);
	info.device = bundle_get_device(b);
	info.file = path;
	r = bundle_file_sha256(b, info.sha256);
	if (r < 0)
		goto close_bundle;
	format_uuid(info.header->uuid, res.uuid);

	r = store_load_begin(s, &info, &l);
	if (r < 0)
		goto close_bundle;
	if (r == STORE_LOAD_ALREADY) {
		res.status = STORE_LOAD_ALREADY;
		*ret = res;
		r = 0;
		goto close_bundle;
	}
	n = bundle_artifact_count(b);
	walk.l = l;
	walk.members = (unsigned)n;
	for (size_t i = 0; i < n; i++) {
		r = store_load_artifact(l, bundle_artifact_at(b, i));
		if (r < 0)
			goto free_load;
	}
	r = bundle_stream(b, &visitor, &walk);
	if (r < 0) {
		fw_error_prefix(s->ctx, r, "bundle '%s' failed verification, nothing of it was loaded",
				path);
		goto free_load;
	}
	r = store_load_commit(l, &res.stats);
	l = NULL;
	if (r < 0)
		goto close_bundle;
	res.status = STORE_LOAD_NEW;
	*ret = res;

free_load:
	store_load_free(l);
close_bundle:
	bundle_close(b);
	return r;
}
