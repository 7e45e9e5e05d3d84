/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl.h - the rtnetlink plumbing nlreq.c and nlfuzz.c share: a request
 * buffer, attribute builders, a socket with extended acks, and the ack.
 */
#ifndef VIRTNET_FAULTS_NL_H
#define VIRTNET_FAULTS_NL_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

/* The virtnet attributes (uapi/if_link-virtnet.h), for hosts whose
 * if_link.h predates them.
 */
#define NL_VIRTNET_MODE		1
#define NL_VIRTNET_FILTER	2

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK		10
#endif

struct nl_req {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char buf[2048];
};

/* nl_put: append one attribute; 0, or -1 when it does not fit. */
static inline struct rtattr *nl_put(struct nl_req *r, int type,
				    const void *data, int len)
{
	struct rtattr *rta = (void *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));
	int total = RTA_LENGTH(len);

	if (NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(total) > sizeof(*r))
		return NULL;
	rta->rta_type = type;
	rta->rta_len = total;
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(total);
	return rta;
}

static inline void nl_put_u32(struct nl_req *r, int type, uint32_t v)
{
	nl_put(r, type, &v, sizeof(v));
}

static inline struct rtattr *nl_nest(struct nl_req *r, int type)
{
	return nl_put(r, type, NULL, 0);
}

static inline void nl_nest_end(struct nl_req *r, struct rtattr *n)
{
	if (n)
		n->rta_len = (char *)r + r->nh.nlmsg_len - (char *)n;
}

static inline void nl_init(struct nl_req *r, int type, int flags)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(sizeof(r->ifi));
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->ifi.ifi_family = AF_UNSPEC;
}

/* nl_socket: a NETLINK_ROUTE socket with extended acks; -1 on error. */
static inline int nl_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, sk;

	sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sk < 0)
		return -1;
	if (bind(sk, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(sk, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(sk, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		close(sk);
		return -1;
	}
	return sk;
}

/*
 * nl_ack: read replies until the ack of the request (a dump ends with
 * NLMSG_DONE); returns its errno (0: accepted), or -1 when no ack came.
 * @msg gets the extack message, if any, for as long as @buf lives.
 */
static inline int nl_ack(int sk, char *buf, size_t size, const char **msg)
{
	*msg = "";
	for (;;) {
		ssize_t len = recv(sk, buf, size, 0);
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;

		if (len < 0)
			return -1;
		for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
			struct nlmsgerr *e = NLMSG_DATA(nh);
			struct rtattr *a;
			int rem;

			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nh->nlmsg_type != NLMSG_ERROR)
				continue;
			if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
				return -e->error;
			/* NETLINK_CAP_ACK: the attributes follow the bare header. */
			a = (void *)((char *)e + sizeof(*e));
			rem = nh->nlmsg_len - ((char *)a - (char *)nh);
			for (; RTA_OK(a, rem); a = RTA_NEXT(a, rem))
				if (a->rta_type == NLMSGERR_ATTR_MSG)
					*msg = RTA_DATA(a);
			return -e->error;
		}
	}
}

static inline const char *nl_errname(int e)
{
	static char other[16];

	switch (e) {
	case 0: return "ok";
	case ENOMEM: return "ENOMEM";
	case ENOBUFS: return "ENOBUFS";
	case EINVAL: return "EINVAL";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case ERANGE: return "ERANGE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EPERM: return "EPERM";
	case EFAULT: return "EFAULT";
	case EBADF: return "EBADF";
	case ENOENT: return "ENOENT";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case ENFILE: return "ENFILE";
	case E2BIG: return "E2BIG";
	case EMSGSIZE: return "EMSGSIZE";
	case ENOSPC: return "ENOSPC";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	}
	snprintf(other, sizeof(other), "E%d", e);
	return other;
}

#endif /* VIRTNET_FAULTS_NL_H */
