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

#include "core/nlwalk.h"
#include "device/devlink-monitor.h"
#include "device/kerror.h"
#include "ifc/devlink.h"

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

/*
 * Replies and notifications are walked with core/nlwalk.h, never with
 * libmnl's iterators: mnl_nlmsg_ok() takes nlmsg_len as a signed int, so a
 * length of 2^31 or more walked far past the buffer and 0xffffffff made the
 * walk spin for ever (as in devlink.c).
 */
static void group_attrs(struct family_info *fi, const struct fw_nlattr *grp)
{
	struct fw_nlwalk w;
	struct fw_nlattr a;
	const char *name = NULL;
	uint32_t id = 0;
	bool has_id = false;

	fw_nlwalk_nested(&w, grp);
	while (fw_nlattr_next(&w, &a) > 0) {
		if (a.type == CTRL_ATTR_MCAST_GRP_NAME && a.len && a.data[a.len - 1] == '\0')
			name = (const char *)a.data;
		else if (a.type == CTRL_ATTR_MCAST_GRP_ID && a.len == sizeof(id)) {
			memcpy(&id, a.data, sizeof(id));
			has_id = true;
		}
	}
	if (name && has_id && !strcmp(name, FW_DEVLINK_MCGRP_CONFIG)) {
		fi->group = id;
		fi->has_group = true;
	}
}

static void family_attrs(struct family_info *fi, const uint8_t *attrs, size_t len)
{
	struct fw_nlwalk w, gw;
	struct fw_nlattr a, g;

	fw_nlwalk_init(&w, attrs, len);
	while (fw_nlattr_next(&w, &a) > 0) {
		if (a.type == CTRL_ATTR_FAMILY_ID && a.len == sizeof(fi->id)) {
			memcpy(&fi->id, a.data, sizeof(fi->id));
		} else if (a.type == CTRL_ATTR_MCAST_GROUPS) {
			fw_nlwalk_nested(&gw, &a);
			while (fw_nlattr_next(&gw, &g) > 0)
				group_attrs(fi, &g);
		}
	}
}

static int resolve(struct fw_devlink_monitor *m, struct family_info *fi)
{
	struct fw_devlink_req req = { .family = GENL_ID_CTRL, .cmd = CTRL_CMD_GETFAMILY, .seq = 1 };
	uint8_t tx[FW_DEVLINK_MSG_MIN];
	ssize_t n;
	int r;
	struct fw_nlwalk w;
	struct fw_nlmsg msg;

	req.seq = (uint32_t)time(NULL);
	r = fw_devlink_build(m->ctx, &req, tx, sizeof(tx));
	if (r < 0)
		return r;
	if (mnl_socket_sendto(m->nl, tx, (size_t)r) < 0)
		return fw_kernel_error(m->ctx, -errno, "devlink", "send", "genetlink");
	n = mnl_socket_recvfrom(m->nl, m->rx, RX_SIZE);
	if (n < 0)
		return fw_kernel_error(m->ctx, -errno, "devlink", "receive", "genetlink");
	fw_nlwalk_init(&w, m->rx, (size_t)n);
	while ((r = fw_nlmsg_next(&w, &msg)) > 0) {
		if (msg.seq != req.seq)
			continue;
		if (msg.type == NLMSG_ERROR) {
			int32_t err;

			if (msg.payload_len < sizeof(struct nlmsgerr))
				return fw_error(m->ctx, -EBADMSG, "devlink: truncated error message");
			memcpy(&err, msg.payload, sizeof(err));
			if (err == -ENOENT)
				return fw_error(m->ctx, -ENOENT,
						"devlink: the kernel has no 'devlink' generic netlink family (built without CONFIG_NET_DEVLINK?)");
			if (err)
				return fw_kernel_error(m->ctx, err, "devlink", "family lookup", "genetlink");
			continue;
		}
		if (msg.type != GENL_ID_CTRL || msg.payload_len < sizeof(struct genlmsghdr))
			continue;
		family_attrs(fi, msg.payload + sizeof(struct genlmsghdr),
			     msg.payload_len - sizeof(struct genlmsghdr));
	}
	if (r < 0)
		return fw_error(m->ctx, -EBADMSG,
				"devlink: malformed netlink message at byte %zu of the family reply", w.off);
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
	struct fw_nlwalk w;
	struct fw_nlmsg msg;
	int count = 0, more;

	fw_nlwalk_init(&w, buf, len);
	while ((more = fw_nlmsg_next(&w, &msg)) > 0) {
		const struct genlmsghdr *g;
		struct fw_devlink_event ev;
		size_t plen = msg.payload_len;
		int r;

		if (msg.type != family || plen < sizeof(*g))
			continue;
		g = (const struct genlmsghdr *)msg.payload;
		/* cmd is the header's first byte: no alignment needed. */
		if (msg.payload[0] != FW_DEVLINK_CMD_HEALTH_REPORTER_RECOVER)
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
	if (more < 0)
		return fw_error(ctx, -EBADMSG,
				"devlink: malformed notification at byte %zu of a %zu-byte buffer (length below its header or past the buffer)",
				w.off, len);
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
