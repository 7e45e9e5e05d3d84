// SPDX-License-Identifier: GPL-2.0
/*
 * nlreq - send exactly one rtnetlink request for a virtnet device and
 * print its outcome, optionally with the N-th fault-injectable call of the
 * request failed (/proc/thread-self/fail-nth, as syzkaller's executor arms
 * it). One run is one request, so a fault sweep is N = 1, 2, ... until a
 * run reports injected=0.
 *
 * usage: nlreq [-f N] OP ARGS...
 *   newlink NAME LOWER [mode rxhandler|ptype] [filter all|mac]
 *           [address MAC] [mtu N]
 *   setlink NAME [up|down] [mtu N] [address MAC] [netns NS]
 *   change  NAME filter all|mac         (RTM_NEWLINK, the changelink path)
 *   dellink NAME
 *
 * NS is a name under /run/netns (ip netns add NS). Prints one line:
 *   ok injected=0|1
 *   error=ERRNAME injected=0|1 msg="extack message"
 * Exit status: 0 when the kernel accepted the request, 1 when it refused
 * it, 2 when the request could not be sent (bad arguments, no socket).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

/* The virtnet attributes (uapi/if_link-virtnet.h), for hosts whose
 * if_link.h predates them.
 */
#define NLREQ_VIRTNET_MODE	1
#define NLREQ_VIRTNET_FILTER	2

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK		10
#endif

struct req {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char buf[1024];
};

static void die_usage(const char *why)
{
	fprintf(stderr, "nlreq: %s\n"
		"usage: nlreq [-f N] newlink NAME LOWER [mode rxhandler|ptype] [filter all|mac] [address MAC] [mtu N]\n"
		"       nlreq [-f N] setlink NAME [up|down] [mtu N] [address MAC] [netns NS]\n"
		"       nlreq [-f N] change NAME filter all|mac\n"
		"       nlreq [-f N] dellink NAME\n", why);
	exit(2);
}

static struct rtattr *put(struct req *r, int type, const void *data, int len)
{
	struct rtattr *rta = (void *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));
	int total = RTA_LENGTH(len);

	if (NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(total) > sizeof(*r))
		die_usage("request too long");
	rta->rta_type = type;
	rta->rta_len = total;
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(total);
	return rta;
}

static void put_u32(struct req *r, int type, uint32_t v)
{
	put(r, type, &v, sizeof(v));
}

static struct rtattr *nest(struct req *r, int type)
{
	return put(r, type, NULL, 0);
}

static void nest_end(struct req *r, struct rtattr *n)
{
	n->rta_len = (char *)r + r->nh.nlmsg_len - (char *)n;
}

static int ifindex(const char *name)
{
	int i = if_nametoindex(name);

	if (!i) {
		fprintf(stderr, "nlreq: no device '%s'\n", name);
		exit(2);
	}
	return i;
}

static uint32_t word(const char *v, const char *a, const char *b)
{
	if (!strcmp(v, a))
		return 0;
	if (!strcmp(v, b))
		return 1;
	fprintf(stderr, "nlreq: '%s' is neither %s nor %s\n", v, a, b);
	exit(2);
}

static void put_mac(struct req *r, const char *s)
{
	unsigned int m[6];
	unsigned char mac[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
		   &m[4], &m[5]) != 6)
		die_usage("bad MAC address");
	for (i = 0; i < 6; i++)
		mac[i] = m[i];
	put(r, IFLA_ADDRESS, mac, sizeof(mac));
}

static void put_netns(struct req *r, const char *ns)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "nlreq: cannot open %s: %s\n", path, strerror(errno));
		exit(2);
	}
	put_u32(r, IFLA_NET_NS_FD, fd);	/* left open until exit */
}

/* The options after NAME [LOWER]: mode, filter, address, mtu, up, down, netns. */
static void options(struct req *r, char **av, int ac, int newlink)
{
	struct rtattr *li = NULL, *data = NULL;
	int i;

	for (i = 0; i < ac; i++) {
		const char *k = av[i], *v = i + 1 < ac ? av[i + 1] : NULL;

		if (!strcmp(k, "up") || !strcmp(k, "down")) {
			r->ifi.ifi_change |= IFF_UP;
			if (!strcmp(k, "up"))
				r->ifi.ifi_flags |= IFF_UP;
			continue;
		}
		if (!v)
			die_usage("an option lacks its value");
		i++;
		if (!strcmp(k, "mtu")) {
			put_u32(r, IFLA_MTU, strtoul(v, NULL, 0));
		} else if (!strcmp(k, "address")) {
			put_mac(r, v);
		} else if (!strcmp(k, "netns") && !newlink) {
			put_netns(r, v);
		} else if (!strcmp(k, "mode") || !strcmp(k, "filter")) {
			if (!li) {
				li = nest(r, IFLA_LINKINFO);
				put(r, IFLA_INFO_KIND, "virtnet", sizeof("virtnet"));
				data = nest(r, IFLA_INFO_DATA);
			}
			if (!strcmp(k, "mode"))
				put_u32(r, NLREQ_VIRTNET_MODE, word(v, "rxhandler", "ptype"));
			else
				put_u32(r, NLREQ_VIRTNET_FILTER, word(v, "all", "mac"));
		} else {
			die_usage("unknown option");
		}
	}
	if (li) {
		nest_end(r, data);
		nest_end(r, li);
	} else if (newlink) {
		li = nest(r, IFLA_LINKINFO);
		put(r, IFLA_INFO_KIND, "virtnet", sizeof("virtnet"));
		nest_end(r, li);
	}
}

static const char *errname(int e)
{
	static char other[16];

	switch (e) {
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
	}
	snprintf(other, sizeof(other), "E%d", e);
	return other;
}

/* Arm fail-nth with @n; returns its fd, or -1 when @n is 0. */
static int arm(int n)
{
	char s[16];
	int fd, len;

	if (!n)
		return -1;
	fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "nlreq: /proc/thread-self/fail-nth: %s (CONFIG_FAULT_INJECTION?)\n",
			strerror(errno));
		exit(2);
	}
	len = snprintf(s, sizeof(s), "%d", n);
	if (write(fd, s, len) != len) {
		fprintf(stderr, "nlreq: cannot arm fail-nth: %s\n", strerror(errno));
		exit(2);
	}
	return fd;
}

/* Read back and disarm: "0" means the N-th call did fail. */
static int injected(int fd)
{
	char s[16] = "";

	if (fd < 0)
		return 0;
	if (pread(fd, s, sizeof(s) - 1, 0) < 0)
		s[0] = '?';
	if (write(fd, "0", 1) != 1)
		exit(2);
	close(fd);
	return atoi(s) == 0 && s[0] == '0';
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fail = 0, one = 1, sk, fd, inj, err;
	const char *msg = "";
	struct req r = {};
	char ack[4096];
	struct nlmsghdr *nh;
	ssize_t len;

	if (argc > 2 && !strcmp(argv[1], "-f")) {
		fail = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc < 3)
		die_usage("no operation");

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.ifi));
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r.ifi.ifi_family = AF_UNSPEC;
	if (!strcmp(argv[1], "newlink")) {
		if (argc < 4)
			die_usage("newlink needs NAME and LOWER");
		r.nh.nlmsg_type = RTM_NEWLINK;
		r.nh.nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
		put(&r, IFLA_IFNAME, argv[2], strlen(argv[2]) + 1);
		put_u32(&r, IFLA_LINK, ifindex(argv[3]));
		options(&r, argv + 4, argc - 4, 1);
	} else if (!strcmp(argv[1], "setlink")) {
		r.nh.nlmsg_type = RTM_SETLINK;
		r.ifi.ifi_index = ifindex(argv[2]);
		options(&r, argv + 3, argc - 3, 0);
	} else if (!strcmp(argv[1], "change")) {
		r.nh.nlmsg_type = RTM_NEWLINK;
		r.ifi.ifi_index = ifindex(argv[2]);
		options(&r, argv + 3, argc - 3, 0);
	} else if (!strcmp(argv[1], "dellink")) {
		r.nh.nlmsg_type = RTM_DELLINK;
		r.ifi.ifi_index = ifindex(argv[2]);
	} else {
		die_usage("unknown operation");
	}

	sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sk < 0 || bind(sk, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(sk, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(sk, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		perror("nlreq: netlink socket");
		return 2;
	}

	/* Nothing between arming and disarming but the request itself. */
	fd = arm(fail);
	len = send(sk, &r, r.nh.nlmsg_len, 0);
	err = len < 0 ? errno : 0;
	inj = injected(fd);
	if (len < 0) {
		printf("error=%s injected=%d msg=\"send failed\"\n", errname(err), inj);
		return 1;
	}

	len = recv(sk, ack, sizeof(ack), 0);
	if (len < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
		perror("nlreq: no ack");
		return 2;
	}
	nh = (struct nlmsghdr *)ack;
	if (nh->nlmsg_type != NLMSG_ERROR) {
		fprintf(stderr, "nlreq: unexpected reply type %d\n", nh->nlmsg_type);
		return 2;
	}
	err = -((struct nlmsgerr *)NLMSG_DATA(nh))->error;
	if (nh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* NETLINK_CAP_ACK: the attributes follow the bare header. */
		struct rtattr *a = (void *)((char *)NLMSG_DATA(nh) + sizeof(struct nlmsgerr));
		int rem = nh->nlmsg_len - ((char *)a - (char *)nh);

		for (; RTA_OK(a, rem); a = RTA_NEXT(a, rem))
			if (a->rta_type == NLMSGERR_ATTR_MSG)
				msg = RTA_DATA(a);
	}
	if (!err) {
		printf("ok injected=%d\n", inj);
		return 0;
	}
	printf("error=%s injected=%d msg=\"%s\"\n", errname(err), inj, msg);
	return 1;
}
