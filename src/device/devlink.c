/* SPDX-License-Identifier: MIT */
/*
 * devlink: health reporters and regions over generic netlink (libmnl).
 *
 * Read-only by construction: fw_devlink_build() refuses every command
 * outside GET, REGION_GET, REGION_READ, HEALTH_REPORTER_GET, _DIAGNOSE and
 * _DUMP_GET.  The kernel's DUMP_GET takes a new dump when none is stored,
 * so fw_devlink_dump_get() first reads the reporter and sends DUMP_GET only
 * when a dump timestamp says one is stored (a dump cleared between the two
 * requests would be re-taken by the kernel: a window we cannot close from
 * user space, and the same one iproute2 has).
 *
 * Every reply is walked with the bounded iterator of core/nlwalk.h (libmnl
 * builds requests and runs the socket, but its signed length checks never
 * judge a reply), every attribute is size-checked before use, and
 * reassembled data is bounded by FW_LIMIT_NETLINK_REPLY.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/nlwalk.h"
#include "device/transports.h"

/* Receive buffer: the kernel sizes dump messages up to 32 KiB; MSG_TRUNC
 * (ENOSPC from libmnl) tells us if that ever changes. */
#define RX_SIZE (128u << 10)

struct fw_devlink {
	struct fw_ctx *ctx;
	struct mnl_socket *nl;
	uint16_t family;
	uint32_t seq;
	uint32_t portid;
	uint8_t tx[FW_DEVLINK_MSG_MIN];
	uint8_t *rx;
};

static bool cmd_is_read_only(uint16_t family, uint8_t cmd)
{
	if (family == GENL_ID_CTRL)
		return cmd == CTRL_CMD_GETFAMILY;
	switch (cmd) {
	case FW_DEVLINK_CMD_GET:
	case FW_DEVLINK_CMD_REGION_GET:
	case FW_DEVLINK_CMD_REGION_READ:
	case FW_DEVLINK_CMD_HEALTH_REPORTER_GET:
	case FW_DEVLINK_CMD_HEALTH_REPORTER_DIAGNOSE:
	case FW_DEVLINK_CMD_HEALTH_REPORTER_DUMP_GET:
		return true;
	default:
		return false;
	}
}

int fw_devlink_build(struct fw_ctx *ctx, const struct fw_devlink_req *req, void *buf, size_t size)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;
	bool ok = true;

	if (!cmd_is_read_only(req->family, req->cmd) &&
	    !(req->clear_dump_opt_in && req->family != GENL_ID_CTRL &&
	      req->cmd == FW_DEVLINK_CMD_HEALTH_REPORTER_DUMP_CLEAR))
		return fw_error(ctx, -EPERM,
				"devlink: command %u changes device state; fwbox only reads devlink",
				req->cmd);
	if (size < FW_DEVLINK_MSG_MIN)
		return fw_error(ctx, -EINVAL, "devlink: message buffer of %zu bytes is too small", size);
	memset(buf, 0, FW_DEVLINK_MSG_MIN);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = req->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | (req->dump ? NLM_F_DUMP : 0);
	/* A write answers nothing on success unless asked for an ACK. */
	if (req->cmd == FW_DEVLINK_CMD_HEALTH_REPORTER_DUMP_CLEAR && req->family != GENL_ID_CTRL)
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = req->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = req->cmd;
	genl->version = req->family == GENL_ID_CTRL ? 1 : FW_DEVLINK_GENL_VERSION;
	if (req->family == GENL_ID_CTRL) {
		ok = mnl_attr_put_strz_check(nlh, FW_DEVLINK_MSG_MIN, CTRL_ATTR_FAMILY_NAME,
					     FW_DEVLINK_GENL_NAME);
		goto done;
	}
	if (req->bus)
		ok = ok && mnl_attr_put_strz_check(nlh, FW_DEVLINK_MSG_MIN, FW_DEVLINK_ATTR_BUS_NAME, req->bus);
	if (req->dev)
		ok = ok && mnl_attr_put_strz_check(nlh, FW_DEVLINK_MSG_MIN, FW_DEVLINK_ATTR_DEV_NAME, req->dev);
	if (req->reporter)
		ok = ok && mnl_attr_put_strz_check(nlh, FW_DEVLINK_MSG_MIN,
						   FW_DEVLINK_ATTR_HEALTH_REPORTER_NAME, req->reporter);
	if (req->region)
		ok = ok && mnl_attr_put_strz_check(nlh, FW_DEVLINK_MSG_MIN, FW_DEVLINK_ATTR_REGION_NAME,
						   req->region);
	if (req->has_snapshot)
		ok = ok && mnl_attr_put_u32_check(nlh, FW_DEVLINK_MSG_MIN,
						  FW_DEVLINK_ATTR_REGION_SNAPSHOT_ID, req->snapshot_id);
done:
	if (!ok)
		return fw_error(ctx, -EOVERFLOW, "devlink: request does not fit %u bytes (names too long)",
				FW_DEVLINK_MSG_MIN);
	return (int)nlh->nlmsg_len;
}

/* --- reply walking --- */

/*
 * Messages and attributes are walked with core/nlwalk.h, never with libmnl's
 * iterators: mnl_nlmsg_ok() takes nlmsg_len as a signed int, so a reply
 * claiming 2^31 bytes or more sent the walk gigabytes past the buffer or
 * round for ever.  nlwalk checks every length as unsigned against the bytes
 * left before it reads anything.
 */
int fw_devlink_walk(struct fw_ctx *ctx, const void *buf, size_t len, uint32_t seq,
		    int (*cb)(void *userdata, const void *attrs, size_t len), void *userdata)
{
	struct fw_nlwalk w;
	struct fw_nlmsg m;
	int r;

	fw_nlwalk_init(&w, buf, len);
	while ((r = fw_nlmsg_next(&w, &m)) > 0) {
		if (m.seq != seq)
			return fw_error(ctx, -EBADMSG, "devlink: reply sequence %u, expected %u",
					m.seq, seq);
		if (m.type == NLMSG_ERROR) {
			int32_t err;

			if (m.payload_len < sizeof(err))
				return fw_error(ctx, -EBADMSG, "devlink: truncated error message");
			memcpy(&err, m.payload, sizeof(err));
			if (err == 0)
				return 1;          /* an ACK */
			if (err > 0 || err < -4095)
				return fw_error(ctx, -EBADMSG, "devlink: error code %d out of range", err);
			return err;
		}
		if (m.type == NLMSG_DONE) {
			int32_t err = 0;

			if (m.payload_len >= sizeof(err))
				memcpy(&err, m.payload, sizeof(err));
			if (err < 0 && err >= -4095)
				return err;
			return 1;
		}
		if (m.type == NLMSG_NOOP || m.type == NLMSG_OVERRUN)
			continue;
		if (m.payload_len < sizeof(struct genlmsghdr))
			return fw_error(ctx, -EBADMSG, "devlink: message of %zu bytes has no genetlink header",
					m.payload_len);
		r = cb(userdata, m.payload + sizeof(struct genlmsghdr),
		       m.payload_len - sizeof(struct genlmsghdr));
		if (r < 0)
			return r;
		if (!(m.flags & NLM_F_MULTI))
			return 1;
	}
	if (r < 0)
		return fw_error(ctx, -EBADMSG,
				"devlink: malformed netlink message at byte %zu of a %zu-byte reply (length below its header or past the reply)",
				w.off, len);
	return 0;
}

/* Collect the attributes of one level into a table indexed by type. */
#define MAX_ATTR 200
struct attr_tab {
	const struct fw_nlattr *a[MAX_ATTR + 1];
	struct fw_nlattr store[MAX_ATTR + 1];
};

static int tab_parse(struct attr_tab *t, const void *attrs, size_t len)
{
	struct fw_nlwalk w;
	struct fw_nlattr at;
	int r;

	memset(t->a, 0, sizeof(t->a));
	fw_nlwalk_init(&w, attrs, len);
	while ((r = fw_nlattr_next(&w, &at)) > 0) {
		if (at.type <= MAX_ATTR) {
			t->store[at.type] = at;
			t->a[at.type] = &t->store[at.type];
		}
	}
	return r < 0 ? -EBADMSG : 0;
}

static int tab_nested(struct attr_tab *t, const struct fw_nlattr *nest)
{
	return tab_parse(t, nest->data, nest->len);
}

/* Typed getters: false if absent or not exactly of the type's size (as
 * libmnl's mnl_attr_validate() for fixed-size types). */
static bool get_str(const struct fw_nlattr *a, char *dst, size_t size)
{
	const char *s;
	size_t n;

	if (!a || a->len == 0)
		return false;
	s = (const char *)a->data;
	if (s[a->len - 1] != '\0')
		return false;
	n = strlen(s);
	if (n >= size)
		return false;
	memcpy(dst, s, n + 1);
	return true;
}

static bool get_u64(const struct fw_nlattr *a, uint64_t *v)
{
	if (!a || a->len != sizeof(*v))
		return false;
	memcpy(v, a->data, sizeof(*v));
	return true;
}

static bool get_u32(const struct fw_nlattr *a, uint32_t *v)
{
	if (!a || a->len != sizeof(*v))
		return false;
	memcpy(v, a->data, sizeof(*v));
	return true;
}

static bool get_u16(const struct fw_nlattr *a, uint16_t *v)
{
	if (!a || a->len != sizeof(*v))
		return false;
	memcpy(v, a->data, sizeof(*v));
	return true;
}

static bool get_u8(const struct fw_nlattr *a, uint8_t *v)
{
	if (!a || a->len != sizeof(*v))
		return false;
	*v = a->data[0];
	return true;
}

/* A nest is empty or holds at least one attribute header. */
static bool is_nest(const struct fw_nlattr *a)
{
	return a && (a->len == 0 || a->len >= FW_NLA_HDRLEN);
}

int fw_devlink_parse_dev(struct fw_ctx *ctx, const void *attrs, size_t len,
			 char *ret_bus, size_t bus_size, char *ret_dev, size_t dev_size)
{
	struct attr_tab t;
	char bus[64], dev[64];

	if (tab_parse(&t, attrs, len) < 0)
		return fw_error(ctx, -EBADMSG, "devlink: malformed attributes in a device message");
	if (!get_str(t.a[FW_DEVLINK_ATTR_BUS_NAME], bus, sizeof(bus)) ||
	    !get_str(t.a[FW_DEVLINK_ATTR_DEV_NAME], dev, sizeof(dev)))
		return fw_error(ctx, -EBADMSG, "devlink: device message without a valid bus/device name");
	if (strlen(bus) >= bus_size || strlen(dev) >= dev_size)
		return fw_error(ctx, -EOVERFLOW, "devlink: device name '%s/%s' is too long", bus, dev);
	strcpy(ret_bus, bus);
	strcpy(ret_dev, dev);
	return 0;
}

int fw_devlink_parse_reporter(struct fw_ctx *ctx, const void *attrs, size_t len,
			      struct fw_health_reporter *ret)
{
	struct attr_tab t, n;
	struct fw_health_reporter rep;
	uint8_t b;

	memset(&rep, 0, sizeof(rep));
	if (tab_parse(&t, attrs, len) < 0 || !is_nest(t.a[FW_DEVLINK_ATTR_HEALTH_REPORTER]) ||
	    tab_nested(&n, t.a[FW_DEVLINK_ATTR_HEALTH_REPORTER]) < 0)
		return fw_error(ctx, -EBADMSG, "devlink: health reporter message without a valid reporter nest");
	if (!get_str(n.a[FW_DEVLINK_ATTR_HEALTH_REPORTER_NAME], rep.name, sizeof(rep.name)))
		return fw_error(ctx, -EBADMSG, "devlink: health reporter without a valid name");
	if (!get_u8(n.a[FW_DEVLINK_ATTR_HEALTH_REPORTER_STATE], &rep.state))
		return fw_error(ctx, -EBADMSG, "devlink: health reporter '%s' without a state", rep.name);
	get_u64(n.a[FW_DEVLINK_ATTR_HEALTH_REPORTER_ERR_COUNT], &rep.error_count);
	get_u64(n.a[FW_DEVLINK_ATTR_HEALTH_REPORTER_RECOVER_COUNT], &rep.recover_count);
	rep.has_dump = get_u64(n.a[FW_DEVLINK_ATTR_HEALTH_REPORTER_DUMP_TS], &rep.dump_ts_ms);
	if (get_u64(n.a[FW_DEVLINK_ATTR_HEALTH_REPORTER_DUMP_TS_NS], &rep.dump_ts_ns))
		rep.has_dump = true;
	get_u64(n.a[FW_DEVLINK_ATTR_HEALTH_REPORTER_GRACEFUL_PERIOD], &rep.grace_period_ms);
	if (get_u8(n.a[FW_DEVLINK_ATTR_HEALTH_REPORTER_AUTO_RECOVER], &b))
		rep.auto_recover = b != 0;
	if (get_u8(n.a[FW_DEVLINK_ATTR_HEALTH_REPORTER_AUTO_DUMP], &b))
		rep.auto_dump = b != 0;
	*ret = rep;
	return 0;
}

int fw_devlink_parse_fmsg(struct fw_ctx *ctx, const void *attrs, size_t len, struct fw_buf *out)
{
	struct attr_tab t;
	const struct fw_nlattr *f;
	int r;

	if (tab_parse(&t, attrs, len) < 0)
		return fw_error(ctx, -EBADMSG, "devlink: malformed attributes in an fmsg message");
	f = t.a[FW_DEVLINK_ATTR_FMSG];
	if (!is_nest(f))
		return fw_error(ctx, -EBADMSG, "devlink: reply without a DEVLINK_ATTR_FMSG nest");
	/* The nest's items, without the nest header: concatenated over the
	 * reply messages they form one attribute stream, the same bytes
	 * emu_reporter_diagnose()/_dump() produce. */
	r = fw_buf_put(out, f->data, f->len);
	if (r == -EOVERFLOW)
		return fw_error(ctx, r, "devlink: reply exceeds %zu bytes (FW_LIMIT_NETLINK_REPLY)",
				out->max ? out->max : (size_t)FW_BUF_MAX);
	if (r < 0)
		return fw_error(ctx, r, "devlink: out of memory reassembling a %zu-byte reply",
				out->len);
	return 0;
}

int fw_devlink_parse_region(struct fw_ctx *ctx, const void *attrs, size_t len,
			    struct fw_devlink_region *ret)
{
	struct attr_tab t, st;
	struct fw_devlink_region reg;
	const struct fw_nlattr *snaps;
	struct fw_nlwalk w;
	struct fw_nlattr at;
	uint32_t *ids = NULL, id;
	size_t n = 0;
	int r = 0;

	memset(&reg, 0, sizeof(reg));
	if (tab_parse(&t, attrs, len) < 0)
		return fw_error(ctx, -EBADMSG, "devlink: malformed attributes in a region message");
	if (!get_str(t.a[FW_DEVLINK_ATTR_REGION_NAME], reg.name, sizeof(reg.name)) ||
	    !get_u64(t.a[FW_DEVLINK_ATTR_REGION_SIZE], &reg.size))
		return fw_error(ctx, -EBADMSG, "devlink: region message without a valid name and size");
	snaps = t.a[FW_DEVLINK_ATTR_REGION_SNAPSHOTS];
	if (snaps) {
		if (!is_nest(snaps))
			return fw_error(ctx, -EBADMSG, "devlink: region '%s': snapshots are not a nest", reg.name);
		ids = calloc(FW_LIMIT_DEVLINK_SNAPSHOTS, sizeof(*ids));
		if (!ids)
			return fw_error(ctx, -ENOMEM, "devlink: out of memory");
		fw_nlwalk_nested(&w, snaps);
		while ((r = fw_nlattr_next(&w, &at)) > 0) {
			if (at.type != FW_DEVLINK_ATTR_REGION_SNAPSHOT)
				continue;
			if (!is_nest(&at) || tab_nested(&st, &at) < 0 ||
			    !get_u32(st.a[FW_DEVLINK_ATTR_REGION_SNAPSHOT_ID], &id) ||
			    n >= FW_LIMIT_DEVLINK_SNAPSHOTS) {
				r = -EBADMSG;
				break;
			}
			ids[n++] = id;
		}
		if (r < 0) {
			free(ids);
			return fw_error(ctx, -EBADMSG,
					"devlink: region '%s': malformed snapshot list (or more than FW_LIMIT_DEVLINK_SNAPSHOTS)",
					reg.name);
		}
	}
	reg.snapshots = ids;
	reg.nsnapshots = n;
	*ret = reg;
	return 0;
}

int fw_devlink_parse_chunks(struct fw_ctx *ctx, const void *attrs, size_t len,
			    uint8_t *image, size_t size, size_t *ret_high)
{
	struct attr_tab t, ct;
	const struct fw_nlattr *data;
	struct fw_nlwalk w;
	struct fw_nlattr at;
	size_t high = *ret_high;
	uint64_t addr;
	int r;

	if (tab_parse(&t, attrs, len) < 0)
		return fw_error(ctx, -EBADMSG, "devlink: malformed attributes in a region read reply");
	if (!is_nest(t.a[FW_DEVLINK_ATTR_REGION_CHUNKS]))
		return fw_error(ctx, -EBADMSG, "devlink: region read reply without chunks");
	fw_nlwalk_nested(&w, t.a[FW_DEVLINK_ATTR_REGION_CHUNKS]);
	while ((r = fw_nlattr_next(&w, &at)) > 0) {
		if (at.type != FW_DEVLINK_ATTR_REGION_CHUNK)
			continue;
		if (!is_nest(&at) || tab_nested(&ct, &at) < 0 ||
		    !(data = ct.a[FW_DEVLINK_ATTR_REGION_CHUNK_DATA]) ||
		    !get_u64(ct.a[FW_DEVLINK_ATTR_REGION_CHUNK_ADDR], &addr))
			return fw_error(ctx, -EBADMSG, "devlink: malformed region chunk");
		if (addr > size || data->len > size - addr)
			return fw_error(ctx, -EBADMSG,
					"devlink: region chunk at 0x%llx (%zu bytes) runs past the region size %zu",
					(unsigned long long)addr, data->len, size);
		if (data->len)
			memcpy(image + addr, data->data, data->len);
		if (addr + data->len > high)
			high = addr + data->len;
	}
	if (r < 0)
		return fw_error(ctx, -EBADMSG, "devlink: malformed region chunks");
	*ret_high = high;
	return 0;
}

/* --- the socket side --- */

static int transact(struct fw_devlink *dl, struct fw_devlink_req *req,
		    int (*cb)(void *userdata, const void *attrs, size_t len), void *userdata)
{
	ssize_t n;
	int r;

	req->seq = ++dl->seq;
	r = fw_devlink_build(dl->ctx, req, dl->tx, sizeof(dl->tx));
	if (r < 0)
		return r;
	if (mnl_socket_sendto(dl->nl, dl->tx, (size_t)r) < 0)
		return fw_kernel_error(dl->ctx, -errno, "devlink", "send", "genetlink");
	for (;;) {
		if (fw_ctx_cancelled(dl->ctx))
			return fw_error(dl->ctx, -EINTR, "devlink: interrupted");
		n = mnl_socket_recvfrom(dl->nl, dl->rx, RX_SIZE);
		if (n < 0)
			return fw_kernel_error(dl->ctx, -errno, "devlink", "receive", "genetlink");
		/* A kernel error comes back from the walk as a bare errno with
		 * no message: clear first so it can be told apart. */
		fw_ctx_clear_error(dl->ctx);
		r = fw_devlink_walk(dl->ctx, dl->rx, (size_t)n, req->seq, cb, userdata);
		if (r < 0) {
			if (fw_ctx_errcode(dl->ctx) == 0)
				return fw_kernel_error(dl->ctx, r, "devlink", "request",
						       req->dev ? req->dev : "devlink");
			return r;
		}
		if (r == 1)
			return 0;
	}
}

static int family_cb(void *userdata, const void *attrs, size_t len)
{
	struct fw_devlink *dl = userdata;
	struct attr_tab t;

	if (tab_parse(&t, attrs, len) < 0 || !get_u16(t.a[CTRL_ATTR_FAMILY_ID], &dl->family))
		return fw_error(dl->ctx, -EBADMSG, "devlink: malformed generic netlink family reply");
	return 0;
}

int fw_devlink_open(struct fw_ctx *ctx, struct fw_devlink **ret)
{
	struct fw_devlink *dl;
	struct fw_devlink_req req = { .family = GENL_ID_CTRL, .cmd = CTRL_CMD_GETFAMILY };
	int r;

	dl = calloc(1, sizeof(*dl));
	if (!dl)
		return fw_error(ctx, -ENOMEM, "devlink: out of memory");
	dl->ctx = ctx;
	dl->seq = (uint32_t)time(NULL);
	dl->rx = malloc(RX_SIZE);
	if (!dl->rx) {
		r = fw_error(ctx, -ENOMEM, "devlink: out of memory");
		goto err;
	}
	dl->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!dl->nl) {
		r = fw_kernel_error(ctx, -errno, "devlink", "socket", "NETLINK_GENERIC");
		goto err;
	}
	if (mnl_socket_bind(dl->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = fw_kernel_error(ctx, -errno, "devlink", "bind", "NETLINK_GENERIC");
		goto err;
	}
	dl->portid = mnl_socket_get_portid(dl->nl);
	r = transact(dl, &req, family_cb, dl);
	if (r == -ENOENT) {
		r = fw_error(ctx, -ENOENT,
			     "devlink: the kernel has no 'devlink' generic netlink family (built without CONFIG_NET_DEVLINK?)");
		goto err;
	}
	if (r < 0)
		goto err;
	if (!dl->family) {
		r = fw_error(ctx, -EBADMSG, "devlink: no family id in the controller's reply");
		goto err;
	}
	*ret = dl;
	return 0;
err:
	fw_devlink_close(dl);
	return r;
}

void fw_devlink_close(struct fw_devlink *dl)
{
	if (!dl)
		return;
	if (dl->nl)
		mnl_socket_close(dl->nl);
	free(dl->rx);
	free(dl);
}

void fw_devlink_free_names(char **names, size_t n)
{
	if (!names)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

struct dev_list {
	struct fw_ctx *ctx;
	char **names;
	size_t n, cap;
};

static int dev_cb(void *userdata, const void *attrs, size_t len)
{
	struct dev_list *l = userdata;
	char bus[64], dev[64], *s;
	int r;

	r = fw_devlink_parse_dev(l->ctx, attrs, len, bus, sizeof(bus), dev, sizeof(dev));
	if (r < 0)
		return r;
	r = fw_grow((void **)&l->names, &l->cap, l->n + 1, sizeof(*l->names),
		    FW_LIMIT_DEVLINK_OBJECTS);
	if (r == -EOVERFLOW)
		return fw_error(l->ctx, r, "devlink: more than FW_LIMIT_DEVLINK_OBJECTS devices");
	if (r < 0)
		return fw_error(l->ctx, r, "devlink: out of memory listing devices");
	s = malloc(strlen(bus) + strlen(dev) + 2);
	if (!s)
		return fw_error(l->ctx, -ENOMEM, "devlink: out of memory");
	strcpy(s, bus);
	strcat(s, "/");
	strcat(s, dev);
	l->names[l->n++] = s;
	return 0;
}

int fw_devlink_dev_list(struct fw_devlink *dl, char ***ret_names, size_t *ret_n)
{
	struct fw_devlink_req req = { .family = dl->family, .cmd = FW_DEVLINK_CMD_GET, .dump = true };
	struct dev_list l = { .ctx = dl->ctx };
	int r;

	r = transact(dl, &req, dev_cb, &l);
	if (r < 0) {
		fw_devlink_free_names(l.names, l.n);
		return r;
	}
	*ret_names = l.names;
	*ret_n = l.n;
	return 0;
}

/* Does a message belong to bus/dev (and not to one of its ports)? */
static bool msg_is_for(const void *attrs, size_t len, const char *bus, const char *dev)
{
	struct attr_tab t;
	char b[64], d[64];

	if (tab_parse(&t, attrs, len) < 0)
		return false;
	if (t.a[FW_DEVLINK_ATTR_PORT_INDEX])
		return false;
	return get_str(t.a[FW_DEVLINK_ATTR_BUS_NAME], b, sizeof(b)) &&
	       get_str(t.a[FW_DEVLINK_ATTR_DEV_NAME], d, sizeof(d)) && strcmp(b, bus) == 0 &&
	       strcmp(d, dev) == 0;
}

struct rep_list {
	struct fw_ctx *ctx;
	const char *bus, *dev;
	struct fw_health_reporter *v;
	size_t n, cap;
};

static int rep_cb(void *userdata, const void *attrs, size_t len)
{
	struct rep_list *l = userdata;
	int r;

	if (!msg_is_for(attrs, len, l->bus, l->dev))
		return 0;
	r = fw_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v), FW_LIMIT_DEVLINK_OBJECTS);
	if (r == -EOVERFLOW)
		return fw_error(l->ctx, r, "devlink: more than FW_LIMIT_DEVLINK_OBJECTS reporters");
	if (r < 0)
		return fw_error(l->ctx, r, "devlink: out of memory listing reporters");
	r = fw_devlink_parse_reporter(l->ctx, attrs, len, &l->v[l->n]);
	if (r < 0)
		return r;
	l->n++;
	return 0;
}

int fw_devlink_reporters(struct fw_devlink *dl, const char *bus, const char *dev,
			 struct fw_health_reporter **ret, size_t *ret_n)
{
	/* Dump all and filter: older kernels ignore a device filter on dumps. */
	struct fw_devlink_req req = { .family = dl->family,
				      .cmd = FW_DEVLINK_CMD_HEALTH_REPORTER_GET, .dump = true,
				      .bus = bus, .dev = dev };
	struct rep_list l = { .ctx = dl->ctx, .bus = bus, .dev = dev };
	int r;

	r = transact(dl, &req, rep_cb, &l);
	if (r < 0) {
		free(l.v);
		return r;
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

struct fmsg_acc {
	struct fw_ctx *ctx;
	struct fw_buf buf;
};

static int fmsg_cb(void *userdata, const void *attrs, size_t len)
{
	struct fmsg_acc *a = userdata;

	return fw_devlink_parse_fmsg(a->ctx, attrs, len, &a->buf);
}

static int fmsg_request(struct fw_devlink *dl, uint8_t cmd, bool dump, const char *bus,
			const char *dev, const char *reporter, void **ret_data, size_t *ret_len)
{
	struct fw_devlink_req req = { .family = dl->family, .cmd = cmd, .dump = dump,
				      .bus = bus, .dev = dev, .reporter = reporter };
	struct fmsg_acc a = { .ctx = dl->ctx, .buf = { .max = FW_LIMIT_NETLINK_REPLY } };
	void *data;
	int r;

	r = transact(dl, &req, fmsg_cb, &a);
	/* An empty reply is still a result: a valid pointer to no bytes. */
	if (r >= 0 && fw_buf_reserve(&a.buf, 0) < 0)
		r = fw_error(dl->ctx, -ENOMEM, "devlink: out of memory");
	if (r < 0) {
		fw_buf_release(&a.buf);
		return fw_error_prefix(dl->ctx, r, "health reporter '%s' of '%s/%s'", reporter, bus, dev);
	}
	data = fw_buf_steal(&a.buf, ret_len);
	*ret_data = data;
	return 0;
}

int fw_devlink_diagnose(struct fw_devlink *dl, const char *bus, const char *dev,
			const char *reporter, void **ret_data, size_t *ret_len)
{
	return fmsg_request(dl, FW_DEVLINK_CMD_HEALTH_REPORTER_DIAGNOSE, false, bus, dev, reporter,
			    ret_data, ret_len);
}

int fw_devlink_dump_get(struct fw_devlink *dl, const char *bus, const char *dev,
			const char *reporter, void **ret_data, size_t *ret_len)
{
	struct fw_health_reporter *v;
	size_t n;
	bool found = false, stored = false;
	int r;

	r = fw_devlink_reporters(dl, bus, dev, &v, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].name, reporter) == 0) {
			found = true;
			stored = v[i].has_dump;
		}
	}
	free(v);
	if (!found)
		return fw_error(dl->ctx, -ENOENT, "devlink: '%s/%s' has no health reporter '%s'", bus, dev,
				reporter);
	/* Without a stored dump the kernel's DUMP_GET would take a new one. */
	if (!stored)
		return fw_error(dl->ctx, -ENOENT,
				"devlink: health reporter '%s' of '%s/%s': no stored dump, skipping (fwbox never triggers one)",
				reporter, bus, dev);
	return fmsg_request(dl, FW_DEVLINK_CMD_HEALTH_REPORTER_DUMP_GET, true, bus, dev, reporter,
			    ret_data, ret_len);
}

static int ack_cb(void *userdata, const void *attrs, size_t len)
{
	(void)userdata;
	(void)attrs;
	(void)len;
	return 0;
}

int fw_devlink_dump_clear(struct fw_devlink *dl, const char *bus, const char *dev,
			  const char *reporter)
{
	struct fw_devlink_req req = { .family = dl->family,
				      .cmd = FW_DEVLINK_CMD_HEALTH_REPORTER_DUMP_CLEAR,
				      .bus = bus, .dev = dev, .reporter = reporter,
				      .clear_dump_opt_in = true };

	return transact(dl, &req, ack_cb, NULL);
}

void fw_devlink_free_regions(struct fw_devlink_region *r, size_t n)
{
	if (!r)
		return;
	for (size_t i = 0; i < n; i++)
		free(r[i].snapshots);
	free(r);
}

struct reg_list {
	struct fw_ctx *ctx;
	const char *bus, *dev;
	struct fw_devlink_region *v;
	size_t n, cap;
};

static int reg_cb(void *userdata, const void *attrs, size_t len)
{
	struct reg_list *l = userdata;
	int r;

	if (!msg_is_for(attrs, len, l->bus, l->dev))
		return 0;
	r = fw_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v), FW_LIMIT_DEVLINK_OBJECTS);
	if (r == -EOVERFLOW)
		return fw_error(l->ctx, r, "devlink: more than FW_LIMIT_DEVLINK_OBJECTS regions");
	if (r < 0)
		return fw_error(l->ctx, r, "devlink: out of memory listing regions");
	r = fw_devlink_parse_region(l->ctx, attrs, len, &l->v[l->n]);
	if (r < 0)
		return r;
	l->n++;
	return 0;
}

int fw_devlink_regions(struct fw_devlink *dl, const char *bus, const char *dev,
		       struct fw_devlink_region **ret, size_t *ret_n)
{
	struct fw_devlink_req req = { .family = dl->family, .cmd = FW_DEVLINK_CMD_REGION_GET,
				      .dump = true, .bus = bus, .dev = dev };
	struct reg_list l = { .ctx = dl->ctx, .bus = bus, .dev = dev };
	int r;

	r = transact(dl, &req, reg_cb, &l);
	if (r < 0) {
		fw_devlink_free_regions(l.v, l.n);
		return r;
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

struct read_acc {
	struct fw_ctx *ctx;
	uint8_t *image;
	size_t size, high;
};

static int read_cb(void *userdata, const void *attrs, size_t len)
{
	struct read_acc *a = userdata;

	return fw_devlink_parse_chunks(a->ctx, attrs, len, a->image, a->size, &a->high);
}

int fw_devlink_region_read(struct fw_devlink *dl, const char *bus, const char *dev,
			   const char *region, uint32_t snapshot_id, void **ret_data, size_t *ret_len)
{
	struct fw_devlink_region *v;
	struct fw_devlink_req req = { .family = dl->family, .cmd = FW_DEVLINK_CMD_REGION_READ,
				      .dump = true, .bus = bus, .dev = dev, .region = region,
				      .has_snapshot = true, .snapshot_id = snapshot_id };
	struct read_acc a = { .ctx = dl->ctx };
	bool found = false, snap = false;
	size_t n;
	int r;

	r = fw_devlink_regions(dl, bus, dev, &v, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].name, region) != 0)
			continue;
		found = true;
		a.size = v[i].size;
		for (size_t j = 0; j < v[i].nsnapshots; j++)
			snap |= v[i].snapshots[j] == snapshot_id;
	}
	fw_devlink_free_regions(v, n);
	if (!found)
		return fw_error(dl->ctx, -ENOENT, "devlink: '%s/%s' has no region '%s'", bus, dev, region);
	/* Only existing snapshots are read: taking one (REGION_NEW) changes state. */
	if (!snap)
		return fw_error(dl->ctx, -ENOENT,
				"devlink: region '%s' of '%s/%s' has no snapshot %u, skipping (fwbox never takes one)",
				region, bus, dev, snapshot_id);
	if (a.size > FW_LIMIT_NETLINK_REPLY)
		return fw_error(dl->ctx, -EOVERFLOW,
				"devlink: region '%s' is %zu bytes, over FW_LIMIT_NETLINK_REPLY", region, a.size);
	a.image = calloc(1, a.size ? a.size : 1);
	if (!a.image)
		return fw_error(dl->ctx, -ENOMEM, "devlink: out of memory");
	r = transact(dl, &req, read_cb, &a);
	if (r < 0) {
		free(a.image);
		return fw_error_prefix(dl->ctx, r, "region '%s' snapshot %u", region, snapshot_id);
	}
	*ret_data = a.image;
	*ret_len = a.high;
	return 0;
}
