/* SPDX-License-Identifier: MIT */
/*
 * collect-device: what the collector needs from around it: the device
 * named by -d (or the only ConnectX discovery finds) and the bundle writer
 * as the sink.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect/collect-internal.h"
#include "device/discovery.h"

/* No -d: the only ConnectX present, else say what there is. */
static int pick_device(struct fw_ctx *ctx, const char *sysroot, char *buf, size_t len)
{
	struct fw_pci_function *f = NULL;
	size_t n = 0;
	int r;

	r = fw_discover(ctx, sysroot, &f, &n);
	if (r < 0)
		return r;
	if (n == 1) {
		snprintf(buf, len, "%s", f[0].pci);
		fw_discover_free(f);
		return 0;
	}
	if (n == 0) {
		fw_discover_free(f);
		return fw_error(ctx, -ENOENT,
				"no ConnectX function found; name one with -d, or try '-d emu:cx7' "
				"for the emulator");
	}
	{
		char list[1024] = "";
		size_t off = 0;

		for (size_t i = 0; i < n && off < sizeof(list) - 40; i++)
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s'%s' (%s)",
						i ? ", " : "", f[i].pci, f[i].model);
		fw_discover_free(f);
		return fw_error(ctx, -EINVAL, "%zu ConnectX functions found: %s; pick one with -d",
				n, list);
	}
}

int collect_device_open(struct fw_ctx *ctx, const char *spec, const char *sysroot,
			struct fw_device **ret)
{
	struct fw_device_open_opts oo = { .sysroot = sysroot };
	char picked[64];
	int r;

	if (!spec || !*spec) {
		r = pick_device(ctx, sysroot, picked, sizeof(picked));
		if (r < 0)
			return r;
		spec = picked;
	}
	return fw_device_open_with(ctx, spec, &oo, ret);
}

/* ------------------------------------------------------------ bundle sink */

/*
 * The writer gets a context of its own: a SIGINT cancels the collection
 * (the front-end's context) and the partial bundle must still be
 * published, which a writer polling the same cancelled context would
 * refuse.  Its errors are copied back to the caller's context.
 */
struct sink {
	struct fw_ctx *ctx;
	struct fw_ctx *wctx;
	struct bundle_writer *w;
};

static int sink_err(struct sink *s, int r)
{
	return fw_error(s->ctx, r, "%s", fw_ctx_errmsg(s->wctx));
}

static int s_add(void *p, const struct bundle_artifact *meta, const void *data, size_t len)
{
	struct sink *s = p;
	int r = bundle_writer_add(s->w, meta, data, len);

	return r < 0 ? sink_err(s, r) : r;
}

static int s_commit(void *p, char **ret_path)
{
	struct sink *s = p;
	int r = bundle_writer_commit(s->w, ret_path);

	return r < 0 ? sink_err(s, r) : r;
}

static int s_set_trigger(void *p, const struct bundle_trigger *t)
{
	struct sink *s = p;
	int r = bundle_writer_set_trigger(s->w, t);

	return r < 0 ? sink_err(s, r) : r;
}

static void s_free(void *p)
{
	struct sink *s = p;

	if (!s)
		return;
	bundle_writer_free(s->w);
	fw_ctx_free(s->wctx);
	free(s);
}

static const struct collect_sink_ops bundle_sink_ops = {
	.add = s_add,
	.commit = s_commit,
	.set_trigger = s_set_trigger,
	.free = s_free,
};

int collect_bundle_sink_new(struct fw_ctx *ctx, const char *path,
			    enum bundle_compression compression, bool replace,
			    const struct bundle_header *h,
			    const struct bundle_device *d, const struct collect_sink_ops **ret_ops,
			    void **ret_sink)
{
	struct bundle_writer_options wo = { .compression = compression, .replace = replace };
	struct sink *s;
	int r;

	s = calloc(1, sizeof(*s));
	if (!s || fw_ctx_new(&s->wctx) < 0) {
		free(s);
		return fw_error(ctx, -ENOMEM, "out of memory");
	}
	s->ctx = ctx;
	r = bundle_writer_new(s->wctx, path, &wo, &s->w);
	if (r >= 0)
		r = bundle_writer_set_header(s->w, h);
	if (r >= 0)
		r = bundle_writer_set_device(s->w, d);
	if (r < 0) {
		r = sink_err(s, r);
		s_free(s);
		return r;
	}
	*ret_ops = &bundle_sink_ops;
	*ret_sink = s;
	return 0;
}

/* ------------------------------------------------------------ public entry points */

int collect_new(struct fw_ctx *ctx, const struct collect_options *opts, struct collect **ret)
{
	struct fw_device *dev;
	int r;

	r = collect_device_open(ctx, opts->device, opts->sysroot, &dev);
	if (r < 0)
		return r;
	r = collect_new_with(ctx, opts, dev, ret);
	if (r < 0) {
		fw_device_close(dev);
		return r;
	}
	(*ret)->owns_dev = true;
	return 0;
}

int collect_new_on_device(struct fw_ctx *ctx, const struct collect_options *opts,
			  struct fw_device *dev, struct collect **ret)
{
	return collect_new_with(ctx, opts, dev, ret);
}

static void fill_header_device(struct collect *c, struct bundle_header *h,
			       struct bundle_device *d, char *host, size_t hostlen)
{
	collect_host_name(host, hostlen);
	memset(h, 0, sizeof(*h));
	h->format_version = BUNDLE_FORMAT_VERSION;
	collect_uuid(h->uuid);
	h->created_ns = c->created_ns;
	h->host = host;
	h->fwbox_version = fw_version();
	h->reason = c->opts.reason ? c->opts.reason : "";
	h->cmdline = c->opts.cmdline ? c->opts.cmdline : "";

	memset(d, 0, sizeof(*d));
	d->pci = c->info.pci;
	d->vendor_id = c->info.vendor_id;
	d->device_id = c->info.device_id;
	d->subsys_vendor_id = c->info.subsys_vendor_id;
	d->subsys_device_id = c->info.subsys_device_id;
	d->model = c->info.model[0] ? c->info.model : NULL;
	d->fw_version = c->info.fw_version;
	d->psid = c->info.psid;
	d->board_id = c->info.board_id;
	d->serial = c->info.serial;
	d->kernel = c->info.kernel;
	d->driver = c->info.driver;
	d->sensitive = BUNDLE_DEV_SERIAL | BUNDLE_DEV_HOST;
}

int collect_run(struct collect *c, char **ret_path)
{
	const struct collect_sink_ops *sops;
	struct bundle_header h;
	struct bundle_device d;
	char host[256];
	void *sink;
	int r;

	r = collect_refresh_output(c);
	if (r < 0)
		return r;
	fill_header_device(c, &h, &d, host, sizeof(host));
	r = collect_bundle_sink_new(c->ctx, c->output, c->opts.compression, c->opts.replace, &h,
				    &d, &sops, &sink);
	if (r < 0)
		return r;
	r = collect_run_sink(c, sops, sink, ret_path);
	sops->free(sink);
	return r;
}
