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
 *   ok injected=0|1 [calls=C]            (C: the calls fail-nth counted
 *                                        when it did not reach N)
 *   error=ERRNAME injected=0|1 msg="extack message"
 *   noack=ERRNAME injected=0|1          (the ack was lost, see below)
 * Exit status: 0 when the kernel accepted the request, 1 when it refused
 * it, 2 when the request could not be sent (bad arguments, no socket),
 * 3 when no ack came back (an injected fault can hit the ack's own
 * allocation after the request was done).
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

#include "nl.h"

static void die_usage(const char *why)
{
	fprintf(stderr, "nlreq: %s\n"
		"usage: nlreq [-f N] newlink NAME LOWER [mode rxhandler|ptype] [filter all|mac] [address MAC] [mtu N]\n"
		"       nlreq [-f N] setlink NAME [up|down] [mtu N] [address MAC] [netns NS]\n"
		"       nlreq [-f N] change NAME filter all|mac\n"
		"       nlreq [-f N] dellink NAME\n", why);
	exit(2);
}

static void put(struct nl_req *r, int type, const void *data, int len)
{
	if (!nl_put(r, type, data, len))
		die_usage("request too long");
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

static void put_mac(struct nl_req *r, const char *s)
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

static void put_netns(struct nl_req *r, const char *ns)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "nlreq: cannot open %s: %s\n", path, strerror(errno));
		exit(2);
	}
	nl_put_u32(r, IFLA_NET_NS_FD, fd);	/* left open until exit */
}

/*
 * The options after NAME [LOWER]: mode, filter, address, mtu, up, down,
 * netns. IFLA_LINKINFO goes last, so that no top-level attribute ends up
 * inside its IFLA_INFO_DATA.
 */
static void options(struct nl_req *r, char **av, int ac, int newlink)
{
	int i, mode = -1, filter = -1;
	struct rtattr *li, *data;

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
		if (!strcmp(k, "mtu"))
			nl_put_u32(r, IFLA_MTU, strtoul(v, NULL, 0));
		else if (!strcmp(k, "address"))
			put_mac(r, v);
		else if (!strcmp(k, "netns") && !newlink)
			put_netns(r, v);
		else if (!strcmp(k, "mode"))
			mode = word(v, "rxhandler", "ptype");
		else if (!strcmp(k, "filter"))
			filter = word(v, "all", "mac");
		else
			die_usage("unknown option");
	}
	if (!newlink && mode < 0 && filter < 0)
		return;
	li = nl_nest(r, IFLA_LINKINFO);
	put(r, IFLA_INFO_KIND, "virtnet", sizeof("virtnet"));
	if (mode >= 0 || filter >= 0) {
		data = nl_nest(r, IFLA_INFO_DATA);
		if (mode >= 0)
			nl_put_u32(r, NL_VIRTNET_MODE, mode);
		if (filter >= 0)
			nl_put_u32(r, NL_VIRTNET_FILTER, filter);
		nl_nest_end(r, data);
	}
	nl_nest_end(r, li);
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

/*
 * Read back and disarm: "0" means the N-th call did fail; otherwise the
 * count left says how many fault-injectable calls the request made
 * (@calls, with fail-nth armed high: the number of points to sweep).
 */
static int injected(int fd, int armed, int *calls)
{
	char s[16] = "";

	*calls = 0;
	if (fd < 0)
		return 0;
	if (pread(fd, s, sizeof(s) - 1, 0) < 0)
		s[0] = '?';
	if (write(fd, "0", 1) != 1)
		exit(2);
	close(fd);
	if (atoi(s) == 0 && s[0] == '0')
		return 1;
	*calls = armed - atoi(s);
	return 0;
}

int main(int argc, char **argv)
{
	int fail = 0, sk, fd, inj, err, calls;
	const char *msg;
	struct nl_req r;
	char ack[8192];
	ssize_t len;

	if (argc > 2 && !strcmp(argv[1], "-f")) {
		fail = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc < 3)
		die_usage("no operation");

	if (!strcmp(argv[1], "newlink")) {
		if (argc < 4)
			die_usage("newlink needs NAME and LOWER");
		nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
		put(&r, IFLA_IFNAME, argv[2], strlen(argv[2]) + 1);
		nl_put_u32(&r, IFLA_LINK, ifindex(argv[3]));
		options(&r, argv + 4, argc - 4, 1);
	} else if (!strcmp(argv[1], "setlink")) {
		nl_init(&r, RTM_SETLINK, 0);
		r.ifi.ifi_index = ifindex(argv[2]);
		options(&r, argv + 3, argc - 3, 0);
	} else if (!strcmp(argv[1], "change")) {
		nl_init(&r, RTM_NEWLINK, 0);
		r.ifi.ifi_index = ifindex(argv[2]);
		options(&r, argv + 3, argc - 3, 0);
	} else if (!strcmp(argv[1], "dellink")) {
		nl_init(&r, RTM_DELLINK, 0);
		r.ifi.ifi_index = ifindex(argv[2]);
	} else {
		die_usage("unknown operation");
	}

	sk = nl_socket();
	if (sk < 0) {
		perror("nlreq: netlink socket");
		return 2;
	}

	/* Nothing between arming and disarming but the request itself. */
	fd = arm(fail);
	len = send(sk, &r, r.nh.nlmsg_len, 0);
	err = len < 0 ? errno : 0;
	inj = injected(fd, fail, &calls);
	if (len < 0) {
		printf("error=%s injected=%d msg=\"send failed\"\n", nl_errname(err), inj);
		return 1;
	}

	err = nl_ack(sk, ack, sizeof(ack), &msg);
	if (err < 0) {
		/* The ack itself could not be allocated (the fault hit it):
		 * the request may or may not have been done.
		 */
		printf("noack=%s injected=%d\n", nl_errname(errno), inj);
		return 3;
	}
	if (!err) {
		if (fail && !inj)
			printf("ok injected=0 calls=%d\n", calls);
		else
			printf("ok injected=%d\n", inj);
		return 0;
	}
	printf("error=%s injected=%d msg=\"%s\"\n", nl_errname(err), inj, msg);
	return 1;
}
