/* SPDX-License-Identifier: MIT */
/*
 * collect-device: the glue between the collector engine and the rest of
 * the library: the device object (every command through fw_device_cmd and
 * its allowlist), discovery when no device is named, the mlx5 tracer calls
 * for the raw ring, and the bundle writer as the sink.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect/collect-steps.h"
#include "device/discovery.h"
#include "mlx5/mlx5.h"

struct glue {
	struct fw_ctx *ctx;
	struct fw_device *dev;
	bool emu;
	bool borrowed;          /* the caller keeps and closes dev */
};

static int g_info(void *p, struct fw_device_info *ret)
{
	struct glue *g = p;

	return fw_device_info(g->dev, ret);
}

static struct fw_device *g_device(void *p)
{
	struct glue *g = p;

	return g->dev;
}

static int g_health_buffer(void *p, void **ret, size_t *ret_len)
{
	struct glue *g = p;

	return fw_device_health_buffer(g->dev, ret, ret_len);
}

static int g_reporters(void *p, struct collect_reporter **ret, size_t *ret_n)
{
	struct glue *g = p;
	struct fw_health_reporter *hr = NULL;
	struct collect_reporter *cr;
	size_t n = 0;
	int r;

	r = fw_device_health_reporters(g->dev, &hr, &n);
	if (r < 0)
		return r;
	cr = calloc(n ? n : 1, sizeof(*cr));
	if (!cr) {
		free(hr);
		return fw_error(g->ctx, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(cr[i].name, sizeof(cr[i].name), "%s", hr[i].name);
		snprintf(cr[i].state, sizeof(cr[i].state), "%s",
			 hr[i].state == 0 ? "healthy" : "error");
		cr[i].error_count = hr[i].error_count;
		cr[i].recover_count = hr[i].recover_count;
		cr[i].has_dump = hr[i].has_dump;
		cr[i].dump_ts_ns = hr[i].dump_ts_ns;
	}
	free(hr);
	*ret = cr;
	*ret_n = n;
	return 0;
}

static int g_diagnose(void *p, const char *name, void **ret, size_t *ret_len)
{
	struct glue *g = p;

	return fw_device_health_diagnose(g->dev, name, ret, ret_len);
}

static int g_stored_dump(void *p, const char *name, void **ret, size_t *ret_len)
{
	struct glue *g = p;

	return fw_device_health_dump(g->dev, name, ret, ret_len);
}

static int g_tracefs_text(void *p, unsigned seconds, char **ret, size_t *ret_len)
{
	struct glue *g = p;

	/* The device reads the kernel's mlx5_fw lines for that long. */
	return fw_device_tracefs_gather(g->dev, seconds, ret, ret_len);
}

static int g_kernel_log(void *p, char **ret, size_t *ret_len)
{
	struct glue *g = p;

	return fw_device_kernel_log(g->dev, ret, ret_len);
}

#define RING_BYTES (256u << 10)          /* TRACE_BUFFER_SIZE_BYTE */
#define RING_LOG_PAGES 6u                /* 64 pages of 4 KiB, as the kernel */

/* Take the tracer, let it write into our memory, give it back.  Ownership
 * is released on every path once it was asked for. */
static int g_trace_ring(void *p, unsigned seconds, void **ret, size_t *ret_len)
{
	struct glue *g = p;
	struct mlx5_status st;
	uint8_t *ring;
	uint32_t id = 0;
	bool owner = false, reg = false, asked = false;
	int r;

	ring = aligned_alloc(4096, RING_BYTES);
	if (!ring)
		return fw_error(g->ctx, -ENOMEM, "out of memory");
	memset(ring, 0, RING_BYTES);
	r = fw_device_umem_reg(g->dev, ring, RING_BYTES, &id);
	if (r < 0)
		goto out;
	reg = true;
	fw_device_allow_trace_control(g->dev, true);
	asked = true;
	r = mlx5_tracer_set_owner(g->dev, true, &owner, &st);
	if (r < 0)
		goto out;
	if (!owner) {
		r = fw_error(g->ctx, -EBUSY,
			     "tracer is owned by another function (the kernel driver?), skipping");
		goto out;
	}
	r = mlx5_tracer_configure(g->dev, id, RING_LOG_PAGES, &st);
	if (r >= 0)
		r = mlx5_tracer_set_status(g->dev, true, true, &st);
	if (r < 0)
		goto out;
	/* On the emulator this is emulated firmware time too: the ring fills. */
	fw_device_wait(g->dev, seconds);
	r = mlx5_tracer_set_status(g->dev, false, false, &st);
out:
	if (asked) {
		int r2 = mlx5_tracer_set_owner(g->dev, false, NULL, &st);

		if (r >= 0 && r2 < 0)
			r = r2;
		fw_device_allow_trace_control(g->dev, false);
	}
	if (reg)
		fw_device_umem_unreg(g->dev, id);
	if (r < 0) {
		free(ring);
		return r;
	}
	*ret = ring;
	*ret_len = RING_BYTES;
	return 0;
}

static int g_umem_reg(void *p, void *addr, size_t len, uint32_t *ret_id)
{
	struct glue *g = p;

	return fw_device_umem_reg(g->dev, addr, len, ret_id);
}

static int g_umem_unreg(void *p, uint32_t id)
{
	struct glue *g = p;

	return fw_device_umem_unreg(g->dev, id);
}

static uint64_t g_command_count(void *p)
{
	struct glue *g = p;

	return fw_device_cmd_count(g->dev);
}

static void g_set_dry_run(void *p, bool on)
{
	struct glue *g = p;

	fw_device_set_dry_run(g->dev, on);
}

static const char *g_interface(void *p, const char *what)
{
	struct glue *g = p;

	if (g->emu)
		return "emu";
	if (!strcmp(what, "devlink") || !strcmp(what, "health"))
		return "devlink";
	if (!strcmp(what, "tracefs"))
		return "tracefs";
	if (!strcmp(what, "kernel_log"))
		return "kmsg";
	return NULL;            /* the command transport's name */
}

static void g_close(void *p)
{
	struct glue *g = p;

	if (!g->borrowed)
		fw_device_close(g->dev);
	free(g);
}

static const struct collect_dev_ops glue_ops = {
	.info = g_info,
	.device = g_device,
	.health_buffer = g_health_buffer,
	.reporters = g_reporters,
	.diagnose = g_diagnose,
	.stored_dump = g_stored_dump,
	.tracefs_text = g_tracefs_text,
	.kernel_log = g_kernel_log,
	.trace_ring = g_trace_ring,
	.umem_reg = g_umem_reg,
	.umem_unreg = g_umem_unreg,
	.command_count = g_command_count,
	.set_dry_run = g_set_dry_run,
	.interface = g_interface,
	.close = g_close,
};

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

int collect_device_wrap(struct fw_ctx *ctx, struct fw_device *dev, bool emu,
			const struct collect_dev_ops **ret_ops, void **ret_dev)
{
	struct glue *g = calloc(1, sizeof(*g));

	if (!g) {
		fw_device_close(dev);
		return fw_error(ctx, -ENOMEM, "out of memory");
	}
	g->ctx = ctx;
	g->dev = dev;
	g->emu = emu;
	*ret_ops = &glue_ops;
	*ret_dev = g;
	return 0;
}

int collect_device_open(struct fw_ctx *ctx, const char *spec, const char *sysroot,
			const struct collect_dev_ops **ret_ops, void **ret_dev)
{
	struct fw_device_open_opts oo = { .sysroot = sysroot };
	struct fw_device *dev;
	char picked[64];
	int r;

	if (!spec || !*spec) {
		r = pick_device(ctx, sysroot, picked, sizeof(picked));
		if (r < 0)
			return r;
		spec = picked;
	}
	r = fw_device_open_with(ctx, spec, &oo, &dev);
	if (r < 0)
		return r;
	return collect_device_wrap(ctx, dev,
				   !strncmp(spec, "emu", 3) &&
					   (spec[3] == '\0' || spec[3] == ':' || spec[3] == ','),
				   ret_ops, ret_dev);
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
	.free = s_free,
};

int collect_bundle_sink_new(struct fw_ctx *ctx, const char *path,
			    enum bundle_compression compression, const struct bundle_header *h,
			    const struct bundle_device *d, const struct collect_sink_ops **ret_ops,
			    void **ret_sink)
{
	struct bundle_writer_options wo = { .compression = compression };
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
	const struct collect_dev_ops *ops;
	void *dev;
	int r;

	r = collect_device_open(ctx, opts->device, opts->sysroot, &ops, &dev);
	if (r < 0)
		return r;
	r = collect_new_with(ctx, opts, ops, dev, ret);
	if (r < 0) {
		ops->close(dev);
		return r;
	}
	(*ret)->owns_dev = true;
	return 0;
}

int collect_new_on_device(struct fw_ctx *ctx, const struct collect_options *opts,
			  struct fw_device *dev, struct collect **ret)
{
	struct fw_device_info info;
	struct glue *g;
	int r;

	r = fw_device_info(dev, &info);
	if (r < 0)
		return r;
	g = calloc(1, sizeof(*g));
	if (!g)
		return fw_error(ctx, -ENOMEM, "out of memory");
	g->ctx = ctx;
	g->dev = dev;
	g->emu = !strcmp(info.transport, "emu");
	g->borrowed = true;
	r = collect_new_with(ctx, opts, &glue_ops, g, ret);
	if (r < 0) {
		free(g);
		return r;
	}
	(*ret)->owns_dev = true;   /* the glue, not the device */
	return 0;
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
	r = collect_bundle_sink_new(c->ctx, c->output, c->opts.compression, &h, &d, &sops, &sink);
	if (r < 0)
		return r;
	r = collect_run_sink(c, sops, sink, ret_path);
	sops->free(sink);
	return r;
}
