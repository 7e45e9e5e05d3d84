// SPDX-License-Identifier: GPL-2.0
/*
 * nlstate - print, in one process, the state a failed virtnet request
 * must leave as it found it, for the fault sweep (faults/sweep-guest.sh)
 * to compare before and after: a shell snapshot of the same costs a dozen
 * processes, each a third of a second in the debug guest under TCG.
 *
 * usage: nlstate [-p] LOWER NS PREFIX
 *   LOWER   the lower device
 *   NS      a namespace under /run/netns that devices may be moved to
 *   PREFIX  the name prefix of the virtnet devices to describe
 *   -p      also probe whether a new virtnet in mode rxhandler can take
 *           LOWER's rx_handler (creates and deletes a device "fx-probe")
 *
 * Prints, one fact per line: the devices of this namespace and of NS,
 * LOWER's upper devices, promiscuity and allmulti counts, its unicast
 * and multicast lists (the fdb dump), the virtnet taps in /proc/net/ptype,
 * each PREFIX* device's flags, MTU and address, and with -p the probe.
 * Exit status: 0, or 2 when the state could not be read.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>

#include "nl.h"

#define MAXDEV 64

struct link {
	char name[IFNAMSIZ];
	unsigned int flags, mtu, promisc, allmulti;
	unsigned char addr[32];
	int alen, index;
};

static void die(const char *what)
{
	fprintf(stderr, "nlstate: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct link *)a)->name, ((const struct link *)b)->name);
}

/* Send a dump request of @type (@hdr, @hlen: its family header). */
static void dump_req(int sk, int type, const void *hdr, int hlen)
{
	struct {
		struct nlmsghdr nh;
		char hdr[64];
	} r = { .nh = { .nlmsg_len = NLMSG_LENGTH(hlen), .nlmsg_type = type,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP } };

	memcpy(r.hdr, hdr, hlen);
	if (send(sk, &r, r.nh.nlmsg_len, 0) < 0)
		die("netlink dump request");
}

/* RTM_GETLINK dump of @sk's namespace into @l; returns the count. */
static int links(int sk, struct link *l)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	static char buf[65536];
	int n = 0;

	dump_req(sk, RTM_GETLINK, &ifi, sizeof(ifi));
	for (;;) {
		ssize_t len = recv(sk, buf, sizeof(buf), 0);
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;

		if (len < 0)
			die("netlink dump");
		for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
			struct ifinfomsg *m = NLMSG_DATA(nh);
			struct rtattr *a = IFLA_RTA(m);
			int rem = IFLA_PAYLOAD(nh);

			if (nh->nlmsg_type == NLMSG_DONE)
				goto done;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				errno = -((struct nlmsgerr *)m)->error;
				die("netlink link dump");
			}
			if (nh->nlmsg_type != RTM_NEWLINK || n == MAXDEV)
				continue;
			memset(&l[n], 0, sizeof(l[n]));
			l[n].flags = m->ifi_flags;
			l[n].index = m->ifi_index;
			for (; RTA_OK(a, rem); a = RTA_NEXT(a, rem)) {
				void *d = RTA_DATA(a);

				switch (a->rta_type) {
				case IFLA_IFNAME:
					snprintf(l[n].name, IFNAMSIZ, "%s", (char *)d);
					break;
				case IFLA_MTU:
					l[n].mtu = *(uint32_t *)d;
					break;
				case IFLA_PROMISCUITY:
					l[n].promisc = *(uint32_t *)d;
					break;
				case IFLA_ALLMULTI:
					l[n].allmulti = *(uint32_t *)d;
					break;
				case IFLA_ADDRESS:
					l[n].alen = RTA_PAYLOAD(a) < sizeof(l[n].addr) ?
						    RTA_PAYLOAD(a) : sizeof(l[n].addr);
					memcpy(l[n].addr, d, l[n].alen);
					break;
				}
			}
			n++;
		}
	}
done:
	qsort(l, n, sizeof(*l), by_name);
	return n;
}

static void print_addr(const unsigned char *a, int len)
{
	int i;

	for (i = 0; i < len; i++)
		printf("%s%02x", i ? ":" : "", a[i]);
}

/* The fdb dump's entries of @ifindex: a plain device's uc and mc lists. */
static void fdb(int sk, int ifindex)
{
	struct ndmsg ndm = { .ndm_family = AF_BRIDGE };
	static char buf[65536];

	dump_req(sk, RTM_GETNEIGH, &ndm, sizeof(ndm));
	for (;;) {
		ssize_t len = recv(sk, buf, sizeof(buf), 0);
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;

		if (len < 0)
			die("netlink fdb dump");
		for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
			struct ndmsg *m = NLMSG_DATA(nh);
			struct rtattr *a = (void *)((char *)m + NLMSG_ALIGN(sizeof(*m)));
			int rem = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*m));

			if (nh->nlmsg_type == NLMSG_DONE)
				return;
			if (nh->nlmsg_type != RTM_NEWNEIGH || m->ndm_ifindex != ifindex)
				continue;
			for (; RTA_OK(a, rem); a = RTA_NEXT(a, rem)) {
				if (a->rta_type != NDA_LLADDR)
					continue;
				printf("fdb: ");
				print_addr(RTA_DATA(a), RTA_PAYLOAD(a));
				printf(" state %#x flags %#x\n", m->ndm_state, m->ndm_flags);
			}
		}
	}
}

/* Lines of @path that contain @word: printed (@print) or counted. */
static int grep(const char *path, const char *word, int print)
{
	char line[512];
	int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, word)) {
			n++;
			if (print)
				printf("%s: %s", path, line);
		}
	fclose(f);
	return n;
}

static void uppers(const char *lower)
{
	char path[64], *names[MAXDEV];
	struct dirent *e;
	int n = 0, i;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/class/net/%s", lower);
	d = opendir(path);
	if (!d)
		die(path);
	while ((e = readdir(d)) && n < MAXDEV)
		if (!strncmp(e->d_name, "upper_", 6))
			names[n++] = strdup(e->d_name);
	closedir(d);
	printf("uppers:");
	for (i = 0; i < n; i++) {
		int j, k = i;

		for (j = i + 1; j < n; j++)	/* a handful: selection sort */
			if (strcmp(names[j], names[k]) < 0)
				k = j;
		printf(" %s", names[k]);
		names[k] = names[i];
	}
	printf("\n");
}

/* Can a new virtnet in mode rxhandler take @ifindex's rx_handler? */
static void probe(int sk, int ifindex)
{
	struct rtattr *li;
	struct nl_req r;
	const char *msg;
	char ack[4096];
	int err;

	nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	nl_put(&r, IFLA_IFNAME, "fx-probe", sizeof("fx-probe"));
	nl_put_u32(&r, IFLA_LINK, ifindex);
	li = nl_nest(&r, IFLA_LINKINFO);
	nl_put(&r, IFLA_INFO_KIND, "virtnet", sizeof("virtnet"));
	nl_nest_end(&r, li);
	if (send(sk, &r, r.nh.nlmsg_len, 0) < 0)
		die("probe request");
	err = nl_ack(sk, ack, sizeof(ack), &msg);
	if (err) {
		printf("rx_handler: taken (%s: %s)\n", nl_errname(err), msg);
		return;
	}
	nl_init(&r, RTM_DELLINK, 0);
	r.ifi.ifi_index = if_nametoindex("fx-probe");
	if (!r.ifi.ifi_index || send(sk, &r, r.nh.nlmsg_len, 0) < 0 ||
	    nl_ack(sk, ack, sizeof(ack), &msg))
		die("deleting fx-probe");
	printf("rx_handler: free\n");
}

/* A netlink socket in the namespace /run/netns/@ns. */
static int socket_in(const char *ns)
{
	char path[256];
	int self, fd, sk;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || fd < 0)
		die(path);
	if (setns(fd, CLONE_NEWNET))
		die("setns");
	sk = nl_socket();
	if (setns(self, CLONE_NEWNET))
		die("setns back");
	close(fd);
	close(self);
	return sk;
}

int main(int argc, char **argv)
{
	static struct link l[MAXDEV], o[MAXDEV];
	int sk, osk, n, no, i, lower = -1, do_probe = 0;
	const char *pfx;

	if (argc > 1 && !strcmp(argv[1], "-p")) {
		do_probe = 1;
		argv++;
		argc--;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: nlstate [-p] LOWER NS PREFIX\n");
		return 2;
	}
	pfx = argv[3];
	sk = nl_socket();
	osk = socket_in(argv[2]);
	if (sk < 0 || osk < 0)
		die("netlink socket");

	n = links(sk, l);
	no = links(osk, o);
	printf("devices:");
	for (i = 0; i < n; i++) {
		printf(" %s", l[i].name);
		if (!strcmp(l[i].name, argv[1]))
			lower = i;
	}
	printf("\nin %s:", argv[2]);
	for (i = 0; i < no; i++)
		printf(" %s", o[i].name);
	printf("\n");
	if (lower < 0) {
		printf("no lower\n");
		return 0;
	}
	uppers(argv[1]);
	printf("promiscuity %u allmulti %u\n", l[lower].promisc, l[lower].allmulti);
	fdb(sk, l[lower].index);
	grep("/proc/net/dev_mcast", argv[1], 1);
	printf("taps: %d\n", grep("/proc/net/ptype", "virtnet", 0));
	for (i = 0; i < n; i++) {
		if (strncmp(l[i].name, pfx, strlen(pfx)))
			continue;
		/* dev->flags as sysfs has them: IFF_RUNNING, IFF_LOWER_UP
		 * and IFF_DORMANT follow the operstate, which linkwatch
		 * sets later.
		 */
		printf("%s: flags %#x mtu %u address ", l[i].name,
		       l[i].flags & ~(IFF_RUNNING | 1u << 16 | 1u << 17), l[i].mtu);
		print_addr(l[i].addr, l[i].alen);
		printf("\n");
	}
	if (do_probe)
		probe(sk, l[lower].index);
	return 0;
}
