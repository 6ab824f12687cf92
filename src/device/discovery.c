/* SPDX-License-Identifier: MIT */
/*
 * discovery: walk sysfs (under a sysroot) for ConnectX functions and the
 * kernel interfaces each one offers.  Read-only: nothing here opens a
 * device node; the one socket is ethtool's information query (see
 * discovery.h).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>

#include <pci/pci.h>

#include "core/buf.h"
#include "device/discovery.h"
#include "device/sysroot.h"

static const char *const iface_names[FW_IFACE_COUNT] = {
	"mlx5ctl", "fwctl", "devlink", "tracefs",
};

const char *fw_iface_name(unsigned bit)
{
	for (unsigned i = 0; i < FW_IFACE_COUNT; i++)
		if (bit == (1u << i))
			return iface_names[i];
	return NULL;
}

/* Read a small sysfs attribute ("0x15b3\n") as a hex number.  ctx NULL:
 * an attribute that may be missing, so no message. */
static int read_hex_attr(struct fw_ctx *ctx, const char *dir, const char *name, uint16_t *ret)
{
	char path[PATH_MAX], buf[32], *end;
	FILE *f;
	size_t n;
	unsigned long v;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return fw_error(ctx, -ENAMETOOLONG, "path '%s/%s' is too long", dir, name);
	f = fopen(path, "re");
	if (!f)
		return fw_error(ctx, -errno, "cannot open '%s': %m", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	errno = 0;
	v = strtoul(buf, &end, 16);
	if (errno || end == buf || v > 0xffff || (*end && *end != '\n'))
		return fw_error(ctx, -EBADMSG, "'%s' holds no 16-bit hex number", path);
	*ret = (uint16_t)v;
	return 0;
}

static bool path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Copy src into a fixed field, refusing (not truncating) what does not fit. */
static bool copy_field(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

static void pci_silent(char *msg, ...)
{
	(void)msg;
}

/* libpci's error hook must not return; only allocation failure calls it
 * during name lookups, and then there is nothing better to do. */
static __attribute__((noreturn)) void pci_fatal(char *msg, ...)
{
	(void)msg;
	abort();
}

static void lookup_model(const char *sysroot, struct fw_pci_function *fn)
{
	struct pci_access *pacc;
	char *ids = fw_sysroot_path(sysroot, "/usr/share/misc/pci.ids");
	char buf[sizeof(fn->model)];
	const char *name = NULL;

	pacc = pci_alloc();
	if (pacc) {
		pacc->warning = pci_silent;
		pacc->debug = pci_silent;
		pacc->error = pci_fatal;
		if (ids && sysroot && *sysroot && path_exists(ids))
			pci_set_name_list_path(pacc, ids, 0);
		name = pci_lookup_name(pacc, buf, sizeof(buf),
				       PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
				       fn->vendor_id, fn->device_id);
	}
	if (name)
		snprintf(fn->model, sizeof(fn->model), "%s", name);
	else
		snprintf(fn->model, sizeof(fn->model), "device %04x:%04x", fn->vendor_id,
			 fn->device_id);
	if (pacc)
		pci_cleanup(pacc);
	free(ids);
}

static void find_mlx5ctl(const char *sysroot, const char *devdir, struct fw_pci_function *fn)
{
	DIR *d = opendir(devdir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char misc[PATH_MAX], node[sizeof(fn->mlx5ctl_node)], *real;

		if (strncmp(de->d_name, "mlx5_core.ctl.", 14) != 0)
			continue;
		if (snprintf(node, sizeof(node), "/dev/mlx5ctl-%s", de->d_name) >= (int)sizeof(node))
			continue;
		if (snprintf(misc, sizeof(misc), "%s/%s/misc/mlx5ctl-%s", devdir, de->d_name,
			     de->d_name) >= (int)sizeof(misc))
			continue;
		real = fw_sysroot_path(sysroot, node);
		if (path_exists(misc) || (real && path_exists(real))) {
			copy_field(fn->mlx5ctl_node, sizeof(fn->mlx5ctl_node), node);
			fn->interfaces |= FW_IFACE_MLX5CTL;
		}
		free(real);
		if (fn->interfaces & FW_IFACE_MLX5CTL)
			break;
	}
	closedir(d);
}

static void find_fwctl(const char *sysroot, const char *devreal, struct fw_pci_function *fn)
{
	char *cls = fw_sysroot_path(sysroot, "/sys/class/fwctl");
	DIR *d = cls ? opendir(cls) : NULL;
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char link[PATH_MAX], real[PATH_MAX];

		if (strncmp(de->d_name, "fwctl", 5) != 0)
			continue;
		if (snprintf(link, sizeof(link), "%s/%s/device", cls, de->d_name) >= (int)sizeof(link))
			continue;
		if (!realpath(link, real) || strcmp(real, devreal) != 0)
			continue;
		if (snprintf(fn->fwctl_node, sizeof(fn->fwctl_node), "/dev/fwctl/%s", de->d_name) >=
		    (int)sizeof(fn->fwctl_node)) {
			fn->fwctl_node[0] = '\0';
			continue;
		}
		fn->interfaces |= FW_IFACE_FWCTL;
		break;
	}
	if (d)
		closedir(d);
	free(cls);
}

static void find_tracefs(const char *sysroot, struct fw_pci_function *fn)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char rel[128], *p;
		bool ok;

		snprintf(rel, sizeof(rel), "%s/events/mlx5/mlx5_fw", dirs[i]);
		p = fw_sysroot_path(sysroot, rel);
		ok = p && path_exists(p);
		free(p);
		if (ok) {
			char en[8] = "";
			FILE *f;

			copy_field(fn->tracefs_dir, sizeof(fn->tracefs_dir), dirs[i]);
			fn->interfaces |= FW_IFACE_TRACEFS;
			/* Enabled or not is the administrator's choice; we only
			 * report it, since a disabled tracepoint prints nothing. */
			snprintf(rel, sizeof(rel), "%s/events/mlx5/mlx5_fw/enable", dirs[i]);
			p = fw_sysroot_path(sysroot, rel);
			f = p ? fopen(p, "re") : NULL;
			if (f) {
				if (fgets(en, sizeof(en), f))
					fn->tracefs_enabled = en[0] == '1';
				fclose(f);
			}
			free(p);
			return;
		}
	}
}

/* A one-line sysfs text attribute without its newline; false if absent. */
static bool read_text_attr(const char *dir, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX];
	FILE *f;
	size_t n;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return false;
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] != '\0';
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The entries of DIR/SUB (net/, infiniband/), sorted; how many there are. */
static unsigned list_names(const char *dir, const char *sub, char (*names)[16], unsigned max)
{
	char path[PATH_MAX];
	struct dirent *de;
	unsigned n = 0;
	DIR *d;

	if (snprintf(path, sizeof(path), "%s/%s", dir, sub) >= (int)sizeof(path))
		return 0;
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(names[0]))
			continue;
		if (n < max)
			memcpy(names[n], de->d_name, strlen(de->d_name) + 1);
		n++;
	}
	closedir(d);
	qsort(names, n < max ? n : max, sizeof(names[0]), cmp_name);
	return n;
}

/* "28.39.2048 (MT_0000000838)" from ethtool into version and PSID. */
static void ethtool_fw(const char *ifname, struct fw_pci_function *fn)
{
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr;
	char *open_paren;
	int fd;

	memset(&ifr, 0, sizeof(ifr));
	if (!copy_field(ifr.ifr_name, sizeof(ifr.ifr_name), ifname))
		return;
	ifr.ifr_data = (void *)&di;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) {
		close(fd);
		return;
	}
	close(fd);
	di.fw_version[sizeof(di.fw_version) - 1] = '\0';
	open_paren = strchr(di.fw_version, '(');
	if (open_paren) {
		char *close_paren = strchr(open_paren, ')');

		if (close_paren) {
			*close_paren = '\0';
			copy_field(fn->psid, sizeof(fn->psid), open_paren + 1);
		}
		*open_paren = '\0';
	}
	di.fw_version[strcspn(di.fw_version, " ")] = '\0';
	copy_field(fn->fw_version, sizeof(fn->fw_version), di.fw_version);
}

/* Network interfaces, RDMA device, firmware version and PSID of a function. */
static void find_names(const char *sysroot, const char *real, struct fw_pci_function *fn)
{
	char rdma[1][16];
	char ibdir[PATH_MAX];

	fn->n_netdevs = list_names(real, "net", fn->netdevs, FW_DISCOVER_MAX_NETDEVS);
	if (list_names(real, "infiniband", rdma, 1)) {
		copy_field(fn->rdma, sizeof(fn->rdma), rdma[0]);
		if (snprintf(ibdir, sizeof(ibdir), "%s/infiniband/%s", real, rdma[0]) <
		    (int)sizeof(ibdir)) {
			read_text_attr(ibdir, "fw_ver", fn->fw_version, sizeof(fn->fw_version));
			read_text_attr(ibdir, "board_id", fn->psid, sizeof(fn->psid));
		}
	}
	/* A captured tree has no live interfaces to ask. */
	if (!fn->fw_version[0] && fn->n_netdevs && (!sysroot || !*sysroot) &&
	    strcmp(fn->driver, "mlx5_core") == 0)
		ethtool_fw(fn->netdevs[0], fn);
}

/*
 * Fill fn for one entry of /sys/bus/pci/devices.  Returns 1 for a
 * ConnectX, 0 for another vendor, negative for an unreadable entry.
 */
static int probe_function(struct fw_ctx *ctx, const char *sysroot, const char *busdir,
			  const char *name, struct fw_pci_function *fn)
{
	char link[PATH_MAX], real[PATH_MAX], drv[PATH_MAX];
	ssize_t n;
	int r;

	memset(fn, 0, sizeof(*fn));
	if (!copy_field(fn->pci, sizeof(fn->pci), name))
		return fw_error(ctx, -ENAMETOOLONG, "the name is longer than a PCI address");
	if (snprintf(link, sizeof(link), "%s/%s", busdir, name) >= (int)sizeof(link))
		return fw_error(ctx, -ENAMETOOLONG, "path '%s/%s' is too long", busdir, name);
	if (!realpath(link, real))
		return fw_error(ctx, -errno, "cannot resolve '%s': %m", link);
	r = read_hex_attr(ctx, real, "vendor", &fn->vendor_id);
	if (r < 0)
		return r;
	if (fn->vendor_id != FW_PCI_VENDOR_MELLANOX)
		return 0;
	r = read_hex_attr(ctx, real, "device", &fn->device_id);
	if (r < 0)
		return r;
	/* Subsystem IDs are informative; a tree without them still lists. */
	read_hex_attr(NULL, real, "subsystem_vendor", &fn->subsys_vendor_id);
	read_hex_attr(NULL, real, "subsystem_device", &fn->subsys_device_id);

	if (snprintf(link, sizeof(link), "%s/driver", real) >= (int)sizeof(link))
		return fw_error(ctx, -ENAMETOOLONG, "path '%s/driver' is too long", real);
	n = readlink(link, drv, sizeof(drv) - 1);
	if (n > 0) {
		const char *base;

		drv[n] = '\0';
		base = strrchr(drv, '/');
		copy_field(fn->driver, sizeof(fn->driver), base ? base + 1 : drv);
	}
	lookup_model(sysroot, fn);
	find_mlx5ctl(sysroot, real, fn);
	find_fwctl(sysroot, real, fn);
	if (strcmp(fn->driver, "mlx5_core") == 0) {
		fn->interfaces |= FW_IFACE_DEVLINK;
		find_tracefs(sysroot, fn);
	}
	find_names(sysroot, real, fn);
	return 1;
}

static int cmp_fn(const void *a, const void *b)
{
	return strcmp(((const struct fw_pci_function *)a)->pci,
		      ((const struct fw_pci_function *)b)->pci);
}

int fw_discover(struct fw_ctx *ctx, const char *sysroot, struct fw_pci_function **ret,
		size_t *ret_n)
{
	struct fw_pci_function *list = NULL;
	size_t n = 0, cap = 0;
	char *busdir;
	DIR *d;
	struct dirent *de;
	int r = 0;

	busdir = fw_sysroot_path(sysroot, "/sys/bus/pci/devices");
	if (!busdir)
		return fw_error(ctx, -ENOMEM, "discovery: out of memory");
	d = opendir(busdir);
	if (!d) {
		/* No PCI bus in the tree (a container, an empty capture):
		 * nothing to list, which is not an error. */
		if (errno == ENOENT)
			goto done;
		r = fw_error(ctx, -errno, "discovery: cannot read '%s': %m", busdir);
		goto out;
	}
	while ((de = readdir(d))) {
		struct fw_pci_function fn;

		if (de->d_name[0] == '.')
			continue;
		r = probe_function(ctx, sysroot, busdir, de->d_name, &fn);
		if (r < 0) {
			fw_log(ctx, FW_LOG_WARNING, "PCI function '%s': %s, skipping", de->d_name,
			       fw_ctx_errmsg(ctx));
			fw_ctx_clear_error(ctx);
			continue;
		}
		if (r == 0)
			continue;
		r = fw_grow((void **)&list, &cap, n + 1, sizeof(*list), 0);
		if (r < 0) {
			r = fw_error(ctx, r, "discovery: out of memory listing PCI functions");
			closedir(d);
			goto out;
		}
		list[n++] = fn;
	}
	closedir(d);
	if (n)
		qsort(list, n, sizeof(*list), cmp_fn);
done:
	*ret = list;
	*ret_n = n;
	list = NULL;
	r = 0;
out:
	free(list);
	free(busdir);
	return r;
}

int fw_discover_check_sysroot(struct fw_ctx *ctx, const char *sysroot)
{
	struct stat st;
	char *busdir;
	int r = 0;

	if (!sysroot || !*sysroot)
		return 0;
	busdir = fw_sysroot_path(sysroot, "/sys/bus/pci/devices");
	if (!busdir)
		return fw_error(ctx, -ENOMEM, "discovery: out of memory");
	if (stat(busdir, &st) < 0)
		r = fw_error(ctx, -ENOENT, "'%s' does not exist: is '%s' a sysfs copy?", busdir,
			     sysroot);
	else if (!S_ISDIR(st.st_mode))
		r = fw_error(ctx, -ENOTDIR, "'%s' is not a folder: is '%s' a sysfs copy?", busdir,
			     sysroot);
	free(busdir);
	return r;
}

void fw_discover_free(struct fw_pci_function *f)
{
	free(f);
}

int fw_discover_one(struct fw_ctx *ctx, const char *sysroot, const char *pci,
		    struct fw_pci_function *ret)
{
	struct fw_pci_function *list;
	char full[32];
	size_t n;
	int r;

	/* Accept the short form "08:00.0" for domain 0000, as lspci prints it. */
	if (strlen(pci) == 7)
		snprintf(full, sizeof(full), "0000:%s", pci);
	else
		snprintf(full, sizeof(full), "%s", pci);
	r = fw_discover(ctx, sysroot, &list, &n);
	if (r < 0)
		return r;
	r = fw_error(ctx, -ENOENT,
		     "PCI function '%s': no ConnectX (vendor 0x15b3) function with that address in sysfs; run 'fwbox devices' to list them",
		     pci);
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(list[i].pci, full) == 0) {
			*ret = list[i];
			fw_ctx_clear_error(ctx);
			r = 0;
			break;
		}
	}
	fw_discover_free(list);
	return r;
}
