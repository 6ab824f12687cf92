/* SPDX-License-Identifier: MIT */
/* The umockdev-backed fake mlx5ctl / fwctl node (see mockdev.h). */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <umockdev.h>

#include "core/bytes.h"
#include "device/uapi-fwctl.h"
#include "device/uapi-mlx5ctl.h"
#include "mockdev.h"

struct mockdev {
	enum mockdev_kind kind;
	UMockdevTestbed *tb;
	UMockdevIoctlBase *handler;
	char node[256];
	mockdev_fw_fn fw;
	void *userdata;
	int fail_next;
	char fail_node[64];            /* every ioctl on nodes containing this fails */
	int fail_node_err;
	uint32_t device_type;
	struct mockdev_log log;
};

void mockdev_reexec(int argc, char **argv)
{
	const char *old = getenv("LD_PRELOAD");
	Dl_info dli;
	char *pre, *dir, *slash;

	(void)argc;
	if (getenv("FWBOX_MOCKDEV_REEXEC")) {
		/* umockdev tells whether its preload works only once a testbed
		 * (UMOCKDEV_DIR) exists: make a throw-away one to ask. */
		UMockdevTestbed *probe = umockdev_testbed_new();
		bool ok = umockdev_in_mock_environment();

		g_object_unref(probe);
		if (!ok) {
			fprintf(stderr, "SKIP: libumockdev-preload did not take effect\n");
			exit(77);
		}
		return;
	}
	/* umockdev recognises its preload by a path ending in
	 * "/libumockdev-preload.so"; it sits next to libumockdev.so.0. */
	if (!dladdr((void *)umockdev_testbed_new, &dli) || !dli.dli_fname) {
		fprintf(stderr, "SKIP: cannot locate libumockdev\n");
		exit(77);
	}
	dir = strdup(dli.dli_fname);
	slash = dir ? strrchr(dir, '/') : NULL;
	if (!slash) {
		fprintf(stderr, "SKIP: cannot locate libumockdev in '%s'\n", dli.dli_fname);
		exit(77);
	}
	*slash = '\0';
	{
		const char *first = "";
#if defined(__SANITIZE_ADDRESS__)
		/* ASan insists on being first in the library list: preload
		 * its runtime ahead of umockdev's. */
		extern void __asan_init(void);
		Dl_info ai;

		if (dladdr((void *)__asan_init, &ai) && ai.dli_fname)
			first = ai.dli_fname;
#endif
		if (asprintf(&pre, "%s%s%s/libumockdev-preload.so.0%s%s", first, *first ? ":" : "",
			     dir, old ? ":" : "", old ? old : "") < 0)
			exit(99);
	}
	free(dir);
#if defined(__SANITIZE_ADDRESS__)
	{
		const char *top = getenv("top_srcdir");
		const char *lsan = getenv("LSAN_OPTIONS");
		char *opt;

		if (asprintf(&opt, "%s%ssuppressions=%s/tests/unit/lsan-umockdev.supp",
			     lsan ? lsan : "", lsan ? ":" : "", top ? top : ".") >= 0) {
			setenv("LSAN_OPTIONS", opt, 1);
			free(opt);
		}
	}
#endif
	setenv("LD_PRELOAD", pre, 1);
	setenv("FWBOX_MOCKDEV_REEXEC", "1", 1);
	/* umockdev runs GLib worker threads; Check's fork-per-test then forks
	 * a threaded process, and under ASan the child's leak check hung once
	 * stopping those threads (a CI timeout in test_abi_values).  One
	 * process for the whole suite avoids forking with threads alive. */
	setenv("CK_FORK", "no", 1);
	free(pre);
	execv("/proc/self/exe", argv);
	fprintf(stderr, "SKIP: cannot re-execute under libumockdev-preload: %s\n", strerror(errno));
	exit(77);
}

/* Resolve the pointer at offset off inside d to len bytes of client memory. */
static uint8_t *resolve(UMockdevIoctlData *d, size_t off, size_t len)
{
	GError *err = NULL;
	UMockdevIoctlData *c = umockdev_ioctl_data_resolve(d, off, len, &err);

	if (!c) {
		g_clear_error(&err);
		return NULL;
	}
	return c->data;
}

/* Firmware side of one RPC.  Like the drivers, stamp the fd's UID into
 * bytes 2-3 of a kernel copy of the inbox; the caller's inbox is untouched. */
static int run_fw(struct mockdev *m, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	uint8_t *kin = malloc(inlen);
	int r;

	if (!kin)
		return ENOMEM;
	memcpy(kin, in, inlen);
	fw_put_be16(kin + 2, MOCKDEV_UID);
	m->log.rpcs++;
	m->log.last_opcode = fw_get_be16(kin);
	m->log.last_uid = fw_get_be16(kin + 2);
	r = m->fw(m->userdata, kin, inlen, out, outlen);
	free(kin);
	return r;
}

static int mlx5ctl_ioctl(struct mockdev *m, unsigned long req, UMockdevIoctlData *arg)
{
	uint8_t *p, *in, *out;
	struct fw_mlx5ctl_cmdrpc rpc;

	switch (req) {
	case FW_MLX5CTL_IOCTL_INFO: {
		struct fw_mlx5ctl_info info = {
			.uctx_uid = MOCKDEV_UID, .uctx_cap = MOCKDEV_UCTX_CAPS,
			.dev_uctx_cap = 0x7, .ucap = 0x1d,
		};

		p = resolve(arg, 0, sizeof(info));
		if (!p)
			return EFAULT;
		memcpy(p, &info, sizeof(info));
		return 0;
	}
	case FW_MLX5CTL_IOCTL_CMDRPC: {
		UMockdevIoctlData *c;
		GError *err = NULL;

		c = umockdev_ioctl_data_resolve(arg, 0, sizeof(rpc), &err);
		if (!c)
			return EFAULT;
		memcpy(&rpc, c->data, sizeof(rpc));
		/* The V4 driver's checks. */
		if (rpc.inlen < 16 || rpc.outlen < 16 || rpc.inlen > FW_MLX5CTL_MAX_RPC_SIZE ||
		    rpc.outlen > FW_MLX5CTL_MAX_RPC_SIZE)
			return EINVAL;
		in = resolve(c, offsetof(struct fw_mlx5ctl_cmdrpc, in), rpc.inlen);
		out = resolve(c, offsetof(struct fw_mlx5ctl_cmdrpc, out), rpc.outlen);
		if (!in || !out)
			return EFAULT;
		return run_fw(m, in, rpc.inlen, out, rpc.outlen);
	}
	case FW_MLX5CTL_IOCTL_UMEM_REG:
	case FW_MLX5CTL_IOCTL_UMEM_UNREG:
		return EOPNOTSUPP;
	default:
		return ENOTTY;
	}
}

static int fwctl_ioctl(struct mockdev *m, unsigned long req, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *c;
	GError *err = NULL;
	uint8_t *in, *out;

	switch (req) {
	case FW_FWCTL_INFO: {
		struct fw_fwctl_info *info;
		struct fw_fwctl_info_mlx5 mlx5 = { .uid = MOCKDEV_UID, .uctx_caps = MOCKDEV_UCTX_CAPS };
		uint8_t *data;

		c = umockdev_ioctl_data_resolve(arg, 0, sizeof(*info), &err);
		if (!c)
			return EFAULT;
		info = (struct fw_fwctl_info *)c->data;
		if (info->size < sizeof(*info))
			return EINVAL;
		if (info->flags)
			return EOPNOTSUPP;
		info->out_device_type = m->device_type;
		if (info->device_data_len) {
			size_t n = info->device_data_len;

			data = resolve(c, offsetof(struct fw_fwctl_info, out_device_data), n);
			if (!data)
				return EFAULT;
			memset(data, 0, n);
			memcpy(data, &mlx5, n < sizeof(mlx5) ? n : sizeof(mlx5));
			info->device_data_len = sizeof(mlx5);
		}
		return 0;
	}
	case FW_FWCTL_RPC: {
		struct fw_fwctl_rpc *rpc;
		int r;

		c = umockdev_ioctl_data_resolve(arg, 0, sizeof(*rpc), &err);
		if (!c)
			return EFAULT;
		rpc = (struct fw_fwctl_rpc *)c->data;
		if (rpc->size < sizeof(*rpc))
			return EINVAL;
		/* fwctl core, then the mlx5 driver. */
		if (rpc->in_len > FW_FWCTL_MAX_RPC_LEN || rpc->out_len > FW_FWCTL_MAX_RPC_LEN)
			return EMSGSIZE;
		m->log.last_scope = rpc->scope;
		if (rpc->scope > FW_FWCTL_RPC_DEBUG_WRITE_FULL)
			return EOPNOTSUPP;
		if (rpc->in_len < 16 || rpc->out_len < 16)
			return EMSGSIZE;
		in = resolve(c, offsetof(struct fw_fwctl_rpc, in), rpc->in_len);
		out = resolve(c, offsetof(struct fw_fwctl_rpc, out), rpc->out_len);
		if (!in || !out)
			return EFAULT;
		r = run_fw(m, in, rpc->in_len, out, rpc->out_len);
		return r;
	}
	default:
		return ENOTTY;
	}
}

static gboolean on_ioctl(UMockdevIoctlBase *base, UMockdevIoctlClient *client, gpointer userdata)
{
	struct mockdev *m = userdata;
	unsigned long req = umockdev_ioctl_client_get_request(client);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	int err;

	const char *devnode = umockdev_ioctl_client_get_devnode(client);

	(void)base;
	m->log.ioctls++;
	m->log.last_request = req;
	if (m->fail_next) {
		err = m->fail_next;
		m->fail_next = 0;
	} else if (m->fail_node_err && devnode && strstr(devnode, m->fail_node)) {
		err = m->fail_node_err;
	} else if (devnode && strstr(devnode, "mlx5ctl-")) {
		err = mlx5ctl_ioctl(m, req, arg);
	} else {
		err = fwctl_ioctl(m, req, arg);
	}
	umockdev_ioctl_client_complete(client, err ? -1 : 0, err);
	return TRUE;
}

/* The node itself: an empty file the preload redirects /dev/... to; its
 * ioctls go to the handler. */
static bool add_node(struct mockdev *m, const char *node)
{
	char *root = umockdev_testbed_get_root_dir(m->tb);
	char *path = g_build_filename(root, node, NULL);
	char *dir = g_path_get_dirname(path);
	GError *err = NULL;
	bool ok;

	g_mkdir_with_parents(dir, 0755);
	g_file_set_contents(path, "", 0, NULL);
	g_free(dir);
	g_free(path);
	g_free(root);
	ok = umockdev_testbed_attach_ioctl(m->tb, node, m->handler, &err);
	if (!ok) {
		fprintf(stderr, "mockdev: attach_ioctl '%s': %s\n", node, err ? err->message : "?");
		g_clear_error(&err);
	}
	return ok;
}

static struct mockdev *mockdev_alloc(mockdev_fw_fn fw, void *userdata)
{
	struct mockdev *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->fw = fw;
	m->userdata = userdata;
	m->device_type = FW_FWCTL_DEVICE_TYPE_MLX5;
	m->tb = umockdev_testbed_new();
	m->handler = g_object_new(UMOCKDEV_TYPE_IOCTL_BASE, NULL);
	g_signal_connect(m->handler, "handle-ioctl", G_CALLBACK(on_ioctl), m);
	return m;
}

struct mockdev *mockdev_new(enum mockdev_kind kind, const char *node, mockdev_fw_fn fw,
			    void *userdata)
{
	struct mockdev *m = mockdev_alloc(fw, userdata);
	char *sys;
	const char *name = strrchr(node, '/') + 1;

	if (!m)
		return NULL;
	m->kind = kind;
	snprintf(m->node, sizeof(m->node), "%s", node);
	sys = umockdev_testbed_add_device(m->tb, kind == MOCKDEV_FWCTL ? "fwctl" : "misc", name, NULL,
					  /* attributes */ "dev", kind == MOCKDEV_FWCTL ? "241:0" : "10:123", NULL,
					  /* properties */ "DEVNAME", node, NULL);
	g_free(sys);
	if (!add_node(m, node)) {
		mockdev_free(m);
		return NULL;
	}
	return m;
}

struct mockdev *mockdev_new_pci(const char *pci, uint16_t device_id, unsigned nodes,
				mockdev_fw_fn fw, void *userdata)
{
	struct mockdev *m = mockdev_alloc(fw, userdata);
	char devid[16];
	char *pcisys, *sys;
	bool ok = true;

	if (!m)
		return NULL;
	snprintf(devid, sizeof(devid), "0x%04x", device_id);
	pcisys = umockdev_testbed_add_device(m->tb, "pci", pci, NULL,
					     "vendor", "0x15b3", "device", devid,
					     "subsystem_vendor", "0x15b3", "subsystem_device", "0x0040", NULL,
					     "PCI_SLOT_NAME", pci, NULL);
	umockdev_testbed_set_attribute_link(m->tb, pcisys, "driver", "../../bus/pci/drivers/mlx5_core");
	if (nodes & MOCKDEV_NODE_FWCTL) {
		sys = umockdev_testbed_add_device(m->tb, "fwctl", "fwctl0", pcisys, "dev", "241:0", NULL,
						  "DEVNAME", "/dev/fwctl/fwctl0", NULL);
		umockdev_testbed_set_attribute_link(m->tb, sys, "device", "..");
		g_free(sys);
		ok = ok && add_node(m, "/dev/fwctl/fwctl0");
	}
	if (nodes & MOCKDEV_NODE_MLX5CTL) {
		char *aux = umockdev_testbed_add_device(m->tb, "auxiliary", "mlx5_core.ctl.0", pcisys,
							NULL, NULL);

		sys = umockdev_testbed_add_device(m->tb, "misc", "mlx5ctl-mlx5_core.ctl.0", aux, "dev",
						  "10:123", NULL, "DEVNAME",
						  "/dev/mlx5ctl-mlx5_core.ctl.0", NULL);
		g_free(sys);
		g_free(aux);
		ok = ok && add_node(m, "/dev/mlx5ctl-mlx5_core.ctl.0");
	}
	g_free(pcisys);
	if (!ok) {
		mockdev_free(m);
		return NULL;
	}
	return m;
}

void mockdev_fail_node(struct mockdev *m, const char *node_part, int err)
{
	snprintf(m->fail_node, sizeof(m->fail_node), "%s", node_part);
	m->fail_node_err = err;
}

void mockdev_free(struct mockdev *m)
{
	if (!m)
		return;
	if (m->tb)
		g_object_unref(m->tb);
	if (m->handler)
		g_object_unref(m->handler);
	free(m);
}

void mockdev_fail_next(struct mockdev *m, int err)
{
	m->fail_next = err;
}

const struct mockdev_log *mockdev_log(const struct mockdev *m)
{
	return &m->log;
}

void mockdev_set_device_type(struct mockdev *m, uint32_t type)
{
	m->device_type = type;
}
