/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fakes the virtnet KUnit suites share: a lower device, taps, the
 * rtnetlink calls as the core makes them, frames, counter checks.
 */
#ifndef _VIRTNET_KUNIT_HELPERS_H
#define _VIRTNET_KUNIT_HELPERS_H

#include <kunit/test.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/netlink.h>

#include "../virtnet.h"

#define VT_PROTO	htons(ETH_P_802_EX1)
#define VT_PAYLOAD	100
#define VT_FRAME_LEN	(ETH_HLEN + VT_PAYLOAD)

/* What the fake lower does with a frame it is asked to send. */
enum vt_tx_action {
	VT_TX_KEEP,	/* keep it (consumed): NETDEV_TX_OK */
	VT_TX_DROP,	/* free it: NET_XMIT_DROP */
	VT_TX_BUSY,	/* leave it to the caller: NETDEV_TX_BUSY */
};

struct vt_lower_priv {
	enum vt_tx_action action;
	unsigned int xmit_count;
	struct sk_buff *kept;
	struct net_device *seen_dev;
	unsigned int seen_len;
};

/* An ETH_P_ALL tap bound to one device, recording the frames it gets. */
struct vt_tap {
	struct packet_type pt;
	bool added;
	unsigned int count;
	const struct sk_buff *skb;	/* identity only, the skb is freed */
	bool hold;		/* keep the first skb until vt_tap_del() */
	struct sk_buff *held;
	struct net_device *dev;
	u8 pkt_type;
	unsigned int len;
	__be16 protocol;
	u8 dest[ETH_ALEN];
};

struct vt_ctx {
	struct net_device *lower;
	struct net_device *vnet;
	int vnet_ifindex;
	struct vt_tap vtap;		/* on vnet */
	struct net_device *vnet2;	/* a second one, when a case needs it */
	struct vt_tap vtap2;		/* on vnet2 */
	bool foreign;			/* vt_foreign_handler on lower */
	unsigned int foreign_count;
	struct sk_buff *foreign_skb;
};

/* Attributes of one "ip link add ... type virtnet"; < 0 leaves one out. */
struct vt_link_req {
	int link;		/* IFLA_LINK ifindex, 0: none */
	int mode;		/* IFLA_VIRTNET_MODE */
	int filter;		/* IFLA_VIRTNET_FILTER */
	const u8 *addr;		/* IFLA_ADDRESS */
	unsigned int mtu;	/* IFLA_MTU, 0: none */
};

/* What a failed creation must leave as it found it on the lower. */
struct vt_lower_state {
	rx_handler_func_t *rx_handler;
	int refcnt;
	bool has_upper;
	unsigned int ndevs;
};

extern const u8 vt_peer_mac[ETH_ALEN];
extern const u8 vt_mcast_mac[ETH_ALEN];
void vt_tap_add(struct vt_tap *tap, struct net_device *dev);
void vt_tap_del(struct vt_tap *tap);
rx_handler_result_t vt_foreign_handler(struct sk_buff **pskb);
struct net_device *vt_lower_create(struct kunit *test,
				   unsigned short type);
void vt_lower_destroy(struct net_device *dev);
struct nlattr *vt_put(struct sk_buff *msg, int type, const void *data,
		      int len);
struct nlattr *vt_put_u32(struct sk_buff *msg, int type, u32 value);
int vt_newlink(struct kunit *test, const struct vt_link_req *req,
	       struct netlink_ext_ack *extack, struct net_device **pdev);
void vt_dellink(struct net_device *dev);
int vt_open(struct net_device *dev);
void vt_close(struct net_device *dev);
struct net_device *vt_add(struct kunit *test, enum virtnet_mode mode,
			  enum virtnet_filter filter);
bool vt_is_upper(struct net_device *lower, struct net_device *upper);
struct virtnet *vt_priv(struct net_device *dev);
int vt_case_init(struct kunit *test);
void vt_case_exit(struct kunit *test);
struct sk_buff *vt_rx_frame(struct kunit *test, struct net_device *lower,
			    const u8 *dest);
rx_handler_result_t vt_handle(struct sk_buff **pskb);
void vt_receive(struct sk_buff *skb);
void vt_stats(struct net_device *dev, struct rtnl_link_stats64 *s);
void vt_expect_rx(struct kunit *test, struct net_device *dev,
		  u64 packets, u64 bytes, u64 dropped);
void vt_lower_state(struct net_device *lower, struct vt_lower_state *s);
void vt_expect_msg(struct kunit *test, struct netlink_ext_ack *extack,
		   const char *part);

extern struct kunit_suite virtnet_receive_test_suite;
extern struct kunit_suite virtnet_send_test_suite;
extern struct kunit_suite virtnet_netlink_test_suite;
extern struct kunit_suite virtnet_lifecycle_test_suite;

#endif /* _VIRTNET_KUNIT_HELPERS_H */
