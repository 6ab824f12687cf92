/* SPDX-License-Identifier: MIT */
/*
 * devlink-monitor: health notifications from the devlink family's
 * "config" multicast group (devlink-monitor.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "device/devlink-monitor.h"
#include "device/kerror.h"
#include "ifc/devlink.h"

/* enum devlink_command: DEVLINK_CMD_HEALTH_REPORTER_RECOVER, what
 * devlink_recover_notify() sends (include/uapi/linux/devlink.h). */
#define CMD_HEALTH_REPORTER_RECOVER 54
#define RX_SIZE (64u << 10)
/* Room for a burst of notifications while the daemon captures. */
#define RCVBUF_BYTES (4 << 20)

struct fw_devlink_monitor {
	struct fw_ctx *ctx;
	struct mnl_socket *nl;
	uint16_t family;
	uint32_t group;
	uint8_t *rx;
};

struct family_info {
	uint16_t id;
	uint32_t group;
	bool has_group;
};

static int grp_cb(const struct nlattr *attr, void *data)
{
	struct family_info *fi = data;
	const struct nlattr *a;
	const char *name = NULL;
	uint32_t id = 0;
	bool has_id = false;

	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(a, attr) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			 mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			id = mnl_attr_get_u32(a);
			has_id = true;
		}
	}
	if (name && has_id && !strcmp(name, FW_DEVLINK_MCGRP_CONFIG)) {
		fi->group = id;
		fi->has_group = true;
	}
	return MNL_CB_OK;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct family_info *fi = data;

	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
		fi->id = mnl_attr_get_u16(attr);
	else if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GROUPS &&
		 mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
		mnl_attr_parse_nested(attr, grp_cb, fi);
	return MNL_CB_OK;
}

static int resolve(struct fw_devlink_monitor *m, struct family_info *fi)
{
	struct fw_devlink_req req = { .family = GENL_ID_CTRL, .cmd = CTRL_CMD_GETFAMILY, .seq = 1 };
	uint8_t tx[FW_DEVLINK_MSG_MIN];
	ssize_t n;
	int r, left;
	const struct nlmsghdr *nlh;

	req.seq = (uint32_t)time(NULL);
	r = fw_devlink_build(m->ctx, &req, tx, sizeof(tx));
	if (r < 0)
		return r;
	if (mnl_socket_sendto(m->nl, tx, (size_t)r) < 0)
		return fw_kernel_error(m->ctx, -errno, "devlink", "send", "genetlink");
	n = mnl_socket_recvfrom(m->nl, m->rx, RX_SIZE);
	if (n < 0)
		return fw_kernel_error(m->ctx, -errno, "devlink", "receive", "genetlink");
	nlh = (const struct nlmsghdr *)m->rx;
	left = (int)n;
	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_seq != req.seq)
			continue;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
				return fw_error(m->ctx, -EBADMSG, "devlink: truncated error message");
			if (e->error == -ENOENT)
				return fw_error(m->ctx, -ENOENT,
						"devlink: the kernel has no 'devlink' generic netlink family (built without CONFIG_NET_DEVLINK?)");
			if (e->error)
				return fw_kernel_error(m->ctx, e->error, "devlink", "family lookup", "genetlink");
			continue;
		}
		if (nlh->nlmsg_type != GENL_ID_CTRL ||
		    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
			continue;
		mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb, fi);
	}
	if (!fi->id)
		return fw_error(m->ctx, -EBADMSG, "devlink: no family id in the controller's reply");
	if (!fi->has_group)
		return fw_error(m->ctx, -ENOENT,
				"devlink: the family has no '%s' multicast group; poll the reporters instead",
				FW_DEVLINK_MCGRP_CONFIG);
	return 0;
}

int fw_devlink_monitor_open(struct fw_ctx *ctx, struct fw_devlink_monitor **ret)
{
	struct fw_devlink_monitor *m;
	struct family_info fi = { 0 };
	int r, sz = RCVBUF_BYTES;

	m = calloc(1, sizeof(*m));
	if (!m)
		return fw_error(ctx, -ENOMEM, "devlink: out of memory");
	m->ctx = ctx;
	m->rx = malloc(RX_SIZE);
	if (!m->rx) {
		r = fw_error(ctx, -ENOMEM, "devlink: out of memory");
		goto err;
	}
	m->nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!m->nl) {
		r = fw_kernel_error(ctx, -errno, "devlink", "socket", "NETLINK_GENERIC");
		goto err;
	}
	if (mnl_socket_bind(m->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = fw_kernel_error(ctx, -errno, "devlink", "bind", "NETLINK_GENERIC");
		goto err;
	}
	r = resolve(m, &fi);
	if (r < 0)
		goto err;
	m->family = fi.id;
	m->group = fi.group;
	/* A bigger buffer where allowed (SO_RCVBUFFORCE needs CAP_NET_ADMIN). */
	if (setsockopt(mnl_socket_get_fd(m->nl), SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(mnl_socket_get_fd(m->nl), SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (mnl_socket_setsockopt(m->nl, NETLINK_ADD_MEMBERSHIP, &m->group, sizeof(m->group)) < 0) {
		r = fw_kernel_error(ctx, -errno, "devlink", "join the multicast group",
				    FW_DEVLINK_MCGRP_CONFIG);
		goto err;
	}
	*ret = m;
	return 0;
err:
	fw_devlink_monitor_close(m);
	return r;
}

void fw_devlink_monitor_close(struct fw_devlink_monitor *m)
{
	if (!m)
		return;
	if (m->nl)
		mnl_socket_close(m->nl);
	free(m->rx);
	free(m);
}

int fw_devlink_monitor_fd(const struct fw_devlink_monitor *m)
{
	return mnl_socket_get_fd(m->nl);
}

int fw_devlink_monitor_parse(struct fw_ctx *ctx, const void *buf, size_t len, uint16_t family,
			     int (*cb)(void *ud, const struct fw_devlink_event *ev), void *ud)
{
	const struct nlmsghdr *nlh = buf;
	int left = len > (size_t)INT32_MAX ? INT32_MAX : (int)len;
	int count = 0;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		const struct genlmsghdr *g;
		struct fw_devlink_event ev;
		size_t plen = mnl_nlmsg_get_payload_len(nlh);
		int r;

		if (nlh->nlmsg_type != family || plen < sizeof(*g))
			continue;
		g = mnl_nlmsg_get_payload(nlh);
		if (g->cmd != CMD_HEALTH_REPORTER_RECOVER)
			continue;
		memset(&ev, 0, sizeof(ev));
		r = fw_devlink_parse_dev(ctx, (const uint8_t *)g + sizeof(*g), plen - sizeof(*g), ev.bus,
					 sizeof(ev.bus), ev.dev, sizeof(ev.dev));
		if (r < 0)
			return r;
		r = fw_devlink_parse_reporter(ctx, (const uint8_t *)g + sizeof(*g), plen - sizeof(*g),
					      &ev.rep);
		if (r < 0)
			return r;
		r = cb(ud, &ev);
		if (r < 0)
			return r;
		count++;
	}
	if (left != 0)
		return fw_error(ctx, -EBADMSG, "devlink: %d stray bytes after the last notification",
				left);
	return count;
}

struct read_state {
	struct fw_devlink_event *ev;
	size_t max, n;
	uint64_t time_ns, mono_ns;
};

static int keep(void *ud, const struct fw_devlink_event *ev)
{
	struct read_state *st = ud;

	if (st->n >= st->max)
		return 0;
	st->ev[st->n] = *ev;
	st->ev[st->n].time_ns = st->time_ns;
	st->ev[st->n].mono_ns = st->mono_ns;
	st->n++;
	return 0;
}

int fw_devlink_monitor_read(struct fw_devlink_monitor *m, struct fw_devlink_event *ev, size_t max)
{
	struct read_state st = { .ev = ev, .max = max };
	int fd = mnl_socket_get_fd(m->nl);

	/* One datagram holds one notification; stop while there is room for
	 * more, so none is read and then dropped. */
	while (st.n < max) {
		ssize_t n = recv(fd, m->rx, RX_SIZE, MSG_DONTWAIT);
		int r;

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				break;
			if (errno == ENOBUFS)
				return fw_error(m->ctx, -ENOBUFS,
						"devlink: the kernel dropped health notifications (we fell behind); re-reading the reporters");
			return fw_kernel_error(m->ctx, -errno, "devlink", "receive", "notifications");
		}
		st.time_ns = fw_now_ns();
		st.mono_ns = fw_monotonic_ns();
		r = fw_devlink_monitor_parse(m->ctx, m->rx, (size_t)n, m->family, keep, &st);
		if (r < 0)
			return r;
	}
	return (int)st.n;
}
