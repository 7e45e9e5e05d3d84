// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz - a seeded, structure-aware rtnetlink fuzzer for kind virtnet.
 *
 * Every choice comes from one xorshift64* stream seeded with -s, and no
 * choice depends on what the kernel answered, so a seed replays the same
 * sequence of requests, frames and namespace changes. The requests mirror
 * the link attributes syzkaller describes for RTM_NEWLINK, RTM_SETLINK,
 * RTM_DELLINK and RTM_GETLINK: IFLA_IFNAME, IFLA_LINK and
 * IFLA_LINK_NETNSID to devices in other namespaces, IFLA_NET_NS_FD moves,
 * IFLA_MTU and IFLA_ADDRESS edge values, a nested IFLA_LINKINFO whose
 * IFLA_INFO_DATA holds attributes of random types and lengths, and
 * changelink on live devices. Between requests it sends frames both ways
 * through the lowers, flaps them, deletes and re-creates them, and creates
 * and destroys network namespaces.
 *
 * usage: nlfuzz -s SEED [-n COUNT] [-v]
 *   -n COUNT  requests to send (default 5000)
 *   -v        print every step ("#N what"), for a replay's log
 *
 * The guest side (fuzz-guest.sh) makes the lowers first: veth pairs
 * fz-l0/fz-p0 and fz-l1/fz-p1, fz-l1 a port of bridge fz-br0.
 * Prints one "FUZZ seed=... ..." line of counts at the end. Exit status
 * 0, or 2 when the fuzzer itself could not work (no socket).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/net_namespace.h>
#include <linux/veth.h>

#include "nl.h"

#define NNS	3		/* namespaces the fuzzer may hold */
#define NNAMES	6		/* virtnet device names fz-v0..fz-v5 */

static uint64_t rng;
static int verbose;
static int sk;			/* rtnetlink, in the initial namespace */
static int init_ns;
static int ns_fd[NNS] = { -1, -1, -1 };
static int ns_sk[NNS] = { -1, -1, -1 };

static struct {
	unsigned long sent, ok, created, deleted, frames, ns_made, ns_gone;
	unsigned long flaps, lowers_made;
	unsigned long err[160];
} st;

static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static unsigned int pick(unsigned int n)
{
	return next() % n;
}

static int chance(unsigned int percent)
{
	return pick(100) < percent;
}

static void step(const char *fmt, const char *what)
{
	if (verbose)
		printf("#%lu %s %s\n", st.sent, fmt, what);
}

static const char *lowers[] = { "fz-l0", "fz-l1", "fz-p0", "fz-br0", "lo" };

static void vname(char *buf)
{
	sprintf(buf, "fz-v%u", pick(NNAMES));
}

/* A device to act on: mostly a virtnet name, sometimes a lower. */
static void target(char *buf)
{
	if (chance(80))
		vname(buf);
	else
		strcpy(buf, lowers[pick(2)]);
}

static uint32_t edge_u32(void)
{
	static const uint32_t v[] = { 0, 1, 2, 3, 67, 68, 1279, 1280, 1500,
				      1501, 9000, 65535, 65536, 0x7fffffff,
				      0xffffffff };

	return chance(85) ? v[pick(sizeof(v) / sizeof(v[0]))] : (uint32_t)next();
}

static void put_address(struct nl_req *r)
{
	static const int lens[] = { 6, 6, 6, 6, 0, 1, 5, 7, 8, 32 };
	unsigned char a[32];
	int len = lens[pick(sizeof(lens) / sizeof(lens[0]))], i;

	for (i = 0; i < len; i++)
		a[i] = next();
	switch (pick(4)) {
	case 0: a[0] &= 0xfe; a[0] |= 2; break;	/* local unicast */
	case 1: memset(a, 0, len); break;	/* all zero */
	case 2: memset(a, 0xff, len); break;	/* broadcast */
	default: break;				/* anything, multicast too */
	}
	nl_put(r, IFLA_ADDRESS, a, len);
}

/* IFLA_INFO_DATA of random attributes: types 0..4, lengths 0..8. */
static void put_info_data(struct nl_req *r)
{
	static const int lens[] = { 4, 4, 4, 0, 1, 2, 3, 8 };
	struct rtattr *d;
	int n = pick(4), i;

	if (chance(10)) {	/* not a nest at all */
		uint32_t v = next();

		nl_put(r, IFLA_INFO_DATA, &v, pick(5));
		return;
	}
	d = nl_nest(r, IFLA_INFO_DATA);
	for (i = 0; i < n; i++) {
		int type = chance(80) ? 1 + pick(2) : pick(5);
		uint64_t v = chance(70) ? pick(3) : next();

		if (chance(10))
			v = 0xffffffff;
		nl_put(r, type, &v, lens[pick(sizeof(lens) / sizeof(lens[0]))]);
	}
	nl_nest_end(r, d);
}

static void put_linkinfo(struct nl_req *r)
{
	static const char *kinds[] = { "virtnet", "virtnet", "virtnet",
				       "virtnet", "virtne", "veth", "" };
	const char *kind = kinds[pick(sizeof(kinds) / sizeof(kinds[0]))];
	struct rtattr *li = nl_nest(r, IFLA_LINKINFO);

	/* sometimes without its NUL, as a fuzzer would send it */
	nl_put(r, IFLA_INFO_KIND, kind, strlen(kind) + !chance(10));
	if (chance(80))
		put_info_data(r);
	if (chance(5)) {
		uint32_t v = next();

		nl_put(r, IFLA_INFO_SLAVE_DATA, &v, sizeof(v));
	}
	nl_nest_end(r, li);
}

/* A namespace of the pool, or an fd that is none. */
static int some_ns_fd(void)
{
	int i = pick(NNS + 1);

	return i < NNS && ns_fd[i] >= 0 ? ns_fd[i] : (chance(50) ? 0 : 9999);
}

static int lower_index(void)
{
	int i;

	if (chance(10))
		return edge_u32();
	i = if_nametoindex(lowers[pick(sizeof(lowers) / sizeof(lowers[0]))]);
	return i ? i : 1;
}

static void put_common(struct nl_req *r)
{
	if (chance(30))
		nl_put_u32(r, IFLA_MTU, edge_u32());
	if (chance(25))
		put_address(r);
	if (chance(10))
		nl_put_u32(r, IFLA_NET_NS_FD, some_ns_fd());
	if (chance(15)) {
		r->ifi.ifi_change |= IFF_UP;
		if (chance(50))
			r->ifi.ifi_flags |= IFF_UP;
	}
}

/* send @r on @s and account for its ack */
static int request(int s, struct nl_req *r, const char *what)
{
	char buf[16384];
	const char *msg = "";
	int err;

	st.sent++;
	step(what, "");
	if (send(s, r, r->nh.nlmsg_len, 0) < 0)
		err = errno;
	else
		err = nl_ack(s, buf, sizeof(buf), &msg);
	if (err < 0)
		err = 159;
	if (!err)
		st.ok++;
	st.err[err < 159 ? err : 159]++;
	if (verbose)
		printf("   -> %s %s\n", nl_errname(err), err && err != 159 ? msg : "");
	return err;
}

/* The socket requests go on: mostly the initial namespace. */
static int some_socket(void)
{
	int i = pick(NNS * 3);

	return i < NNS && ns_sk[i] >= 0 ? ns_sk[i] : sk;
}

static void newlink(void)
{
	struct nl_req r;
	char name[IFNAMSIZ + 8];

	nl_init(&r, RTM_NEWLINK, chance(90) ? NLM_F_CREATE | NLM_F_EXCL : NLM_F_CREATE);
	vname(name);
	if (chance(3))
		strcpy(name, "fz-vvvvvvvvvvvvvvvvv");	/* longer than IFNAMSIZ */
	if (chance(97))
		nl_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	if (chance(95))
		nl_put_u32(&r, IFLA_LINK, lower_index());
	if (chance(10))
		nl_put_u32(&r, IFLA_LINK_NETNSID, chance(80) ? pick(NNS + 1) : edge_u32());
	put_common(&r);
	if (chance(97))
		put_linkinfo(&r);
	if (!request(some_socket(), &r, "newlink"))
		st.created++;
}

/* changelink: RTM_NEWLINK on a live device, by name */
static void changelink(void)
{
	struct nl_req r;
	char name[IFNAMSIZ];

	nl_init(&r, RTM_NEWLINK, 0);
	target(name);
	nl_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	put_common(&r);
	put_linkinfo(&r);
	request(some_socket(), &r, "changelink");
}

static void setlink(void)
{
	struct nl_req r;
	char name[IFNAMSIZ];

	nl_init(&r, RTM_SETLINK, 0);
	target(name);
	nl_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	put_common(&r);
	request(some_socket(), &r, "setlink");
}

static void dellink(void)
{
	struct nl_req r;
	char name[IFNAMSIZ];

	nl_init(&r, RTM_DELLINK, 0);
	vname(name);
	nl_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	if (!request(some_socket(), &r, "dellink"))
		st.deleted++;
}

static void getlink(void)
{
	struct nl_req r;
	char name[IFNAMSIZ];

	if (chance(50)) {
		nl_init(&r, RTM_GETLINK, NLM_F_DUMP);
		if (chance(50)) {
			struct rtattr *li = nl_nest(&r, IFLA_LINKINFO);

			nl_put(&r, IFLA_INFO_KIND, "virtnet", sizeof("virtnet"));
			nl_nest_end(&r, li);
		}
		request(some_socket(), &r, "getlink dump");
		return;
	}
	nl_init(&r, RTM_GETLINK, 0);
	target(name);
	nl_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	request(some_socket(), &r, "getlink");
}

/* The lowers: flap one, or delete one pair and make it again. */
static void lower_event(void)
{
	struct nl_req r;
	const char *name = lowers[pick(2)];

	if (chance(80)) {
		nl_init(&r, RTM_SETLINK, 0);
		nl_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
		r.ifi.ifi_change = IFF_UP;
		r.ifi.ifi_flags = chance(50) ? IFF_UP : 0;
		request(sk, &r, "flap lower");
		st.flaps++;
		return;
	}
	nl_init(&r, RTM_DELLINK, 0);
	nl_put(&r, IFLA_IFNAME, "fz-l0", sizeof("fz-l0"));
	request(sk, &r, "delete lower fz-l0");
}

static void up(const char *name)
{
	struct nl_req r;

	nl_init(&r, RTM_SETLINK, 0);
	nl_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	r.ifi.ifi_flags = r.ifi.ifi_change = IFF_UP;
	request(sk, &r, "up");
}

/* fz-l0/fz-p0 again after a deletion: a veth pair, both ends up */
static void lower_remake(void)
{
	struct rtattr *li, *data, *peer;
	struct ifinfomsg *pifi;
	struct nl_req r;

	if (if_nametoindex("fz-l0"))
		return;
	nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	nl_put(&r, IFLA_IFNAME, "fz-l0", sizeof("fz-l0"));
	li = nl_nest(&r, IFLA_LINKINFO);
	nl_put(&r, IFLA_INFO_KIND, "veth", sizeof("veth"));
	data = nl_nest(&r, IFLA_INFO_DATA);
	peer = nl_put(&r, VETH_INFO_PEER, NULL, sizeof(*pifi));
	pifi = RTA_DATA(peer);
	memset(pifi, 0, sizeof(*pifi));
	nl_put(&r, IFLA_IFNAME, "fz-p0", sizeof("fz-p0"));
	nl_nest_end(&r, peer);
	nl_nest_end(&r, data);
	nl_nest_end(&r, li);
	if (request(sk, &r, "remake lower fz-l0"))
		return;
	st.lowers_made++;
	/* up only now: veth cannot open an end whose peer is not set yet */
	up("fz-l0");
	up("fz-p0");
}

/* A few frames into a lower from its peer, or out of a virtnet device. */
static void traffic(void)
{
	static const char *from[] = { "fz-p0", "fz-p1", "fz-v0", "fz-v1", "fz-v2" };
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	unsigned char frame[128];
	int s, i, n = 1 + pick(16);

	/* Every choice is made whether or not the device exists, so that
	 * the stream stays the same for a replay.
	 */
	sa.sll_ifindex = if_nametoindex(from[pick(5)]);
	s = sa.sll_ifindex ? socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0) : -1;
	for (i = 0; i < n; i++) {
		int len = 60 + pick(sizeof(frame) - 60);

		for (int j = 0; j < len; j++)
			frame[j] = next();
		switch (pick(3)) {
		case 0: memset(frame, 0xff, ETH_ALEN); break;	/* broadcast */
		case 1: frame[0] = 2; break;			/* some unicast */
		default: frame[0] |= 1; break;			/* multicast */
		}
		frame[12] = 0x88;				/* a local EtherType */
		frame[13] = 0xb5;
		if (s >= 0 &&
		    sendto(s, frame, len, 0, (struct sockaddr *)&sa, sizeof(sa)) == len)
			st.frames++;
	}
	if (s >= 0)
	close(s);
}

/* A namespace of the pool: destroy it (with what was moved in), or make
 * one and give it an nsid in the initial namespace.
 */
static void ns_event(void)
{
	int i = pick(NNS);
	struct nl_req r;

	if (ns_fd[i] >= 0) {
		close(ns_sk[i]);
		close(ns_fd[i]);
		ns_fd[i] = ns_sk[i] = -1;
		st.ns_gone++;
		step("destroy netns", "");
		return;
	}
	if (unshare(CLONE_NEWNET))
		return;
	ns_fd[i] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ns_sk[i] = nl_socket();
	if (setns(init_ns, CLONE_NEWNET)) {
		perror("nlfuzz: back to the initial namespace");
		exit(2);
	}
	if (ns_fd[i] < 0 || ns_sk[i] < 0) {
		close(ns_fd[i]);
		close(ns_sk[i]);
		ns_fd[i] = ns_sk[i] = -1;
		return;
	}
	st.ns_made++;
	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtgenmsg));
	r.nh.nlmsg_type = RTM_NEWNSID;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nl_put_u32(&r, NETNSA_FD, ns_fd[i]);
	nl_put_u32(&r, NETNSA_NSID, i + 1);
	request(sk, &r, "new netns");
}

int main(int argc, char **argv)
{
	unsigned long count = 5000, seed = 0, i;
	int c, have_seed = 0;

	while ((c = getopt(argc, argv, "s:n:v")) != -1) {
		switch (c) {
		case 's': seed = strtoul(optarg, NULL, 0); have_seed = 1; break;
		case 'n': count = strtoul(optarg, NULL, 0); break;
		case 'v': verbose = 1; break;
		default: have_seed = 0; optind = argc; break;
		}
	}
	if (!have_seed) {
		fprintf(stderr, "usage: nlfuzz -s SEED [-n COUNT] [-v]\n");
		return 2;
	}
	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	sk = nl_socket();
	init_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (sk < 0 || init_ns < 0) {
		perror("nlfuzz: netlink socket");
		return 2;
	}

	while (st.sent < count) {
		unsigned int w = pick(100);

		if (w < 30)
			newlink();
		else if (w < 45)
			changelink();
		else if (w < 60)
			setlink();
		else if (w < 70)
			dellink();
		else if (w < 75)
			getlink();
		else if (w < 88)
			traffic();
		else if (w < 94)
			lower_event();
		else if (w < 97)
			lower_remake();
		else
			ns_event();
	}
	lower_remake();

	printf("FUZZ seed=%lu messages=%lu ok=%lu created=%lu deleted=%lu frames=%lu "
	       "flaps=%lu lowers_remade=%lu netns_made=%lu netns_destroyed=%lu errors:",
	       seed, st.sent, st.ok, st.created, st.deleted, st.frames, st.flaps,
	       st.lowers_made, st.ns_made, st.ns_gone);
	for (i = 1; i < 160; i++)
		if (st.err[i])
			printf(" %s=%lu", i == 159 ? "noack" : nl_errname(i), st.err[i]);
	printf("\n");
	return 0;
}
