// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for virtnet.
 *
 * Each case gets a fake lower: a registered Ethernet device without a
 * queue whose ndo_start_xmit records what it is handed and keeps it, drops
 * it or refuses it. virtnet devices are created the way rtnl_newlink()
 * creates them (policy parse, validate, rtnl_create_link(), newlink,
 * rtnl_configure_link()) and deleted the way rtnl_dellink() deletes them.
 * Frames are built in the test with a chosen destination MAC, EtherType and
 * pkt_type, then handed to the rx_handler, to the ETH_P_ALL tap or to
 * netif_receive_skb() on the lower; an ETH_P_ALL tap bound to the virtnet
 * device records what reaches it.
 */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>

#include "virtnet.h"

#define VT_PROTO	htons(ETH_P_802_EX1)
#define VT_PAYLOAD	100
#define VT_FRAME_LEN	(ETH_HLEN + VT_PAYLOAD)

static const u8 vt_peer_mac[ETH_ALEN] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
static const u8 vt_mcast_mac[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };

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

/* State of an skb the driver must leave alone. */
struct vt_snap {
	struct net_device *dev;
	unsigned char *data;
	unsigned int len;
	u8 pkt_type;
	__be16 protocol;
	u16 mac_header;
	unsigned int users;
};

static netdev_tx_t vt_lower_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vt_lower_priv *lp = netdev_priv(dev);

	lp->xmit_count++;
	lp->seen_dev = skb->dev;
	lp->seen_len = skb->len;

	switch (lp->action) {
	case VT_TX_DROP:
		kfree_skb(skb);
		return NET_XMIT_DROP;
	case VT_TX_BUSY:
		return NETDEV_TX_BUSY;
	case VT_TX_KEEP:
	default:
		kfree_skb(lp->kept);
		lp->kept = skb;
		return NETDEV_TX_OK;
	}
}

static const struct net_device_ops vt_lower_ops = {
	.ndo_start_xmit	= vt_lower_xmit,
};

static void vt_lower_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &vt_lower_ops;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->lltx = true;
}

static int vt_tap_rcv(struct sk_buff *skb, struct net_device *dev,
		      struct packet_type *pt, struct net_device *orig_dev)
{
	struct vt_tap *tap = container_of(pt, struct vt_tap, pt);

	tap->count++;
	tap->skb = skb;
	tap->dev = skb->dev;
	tap->pkt_type = skb->pkt_type;
	tap->len = skb->len;
	tap->protocol = skb->protocol;
	ether_addr_copy(tap->dest, eth_hdr(skb)->h_dest);
	consume_skb(skb);
	return NET_RX_SUCCESS;
}

static void vt_tap_add(struct vt_tap *tap, struct net_device *dev)
{
	memset(tap, 0, sizeof(*tap));
	tap->pt.type = htons(ETH_P_ALL);
	tap->pt.dev = dev;
	tap->pt.func = vt_tap_rcv;
	tap->pt.ignore_outgoing = true;
	dev_add_pack(&tap->pt);
	tap->added = true;
}

static void vt_tap_del(struct vt_tap *tap)
{
	if (!tap->added)
		return;
	dev_remove_pack(&tap->pt);
	tap->added = false;
}

/* A bridge, bond or macvlan port stand-in: takes every frame. */
static rx_handler_result_t vt_foreign_handler(struct sk_buff **pskb)
{
	struct vt_ctx *ctx = rcu_dereference((*pskb)->dev->rx_handler_data);

	ctx->foreign_count++;
	ctx->foreign_skb = *pskb;
	consume_skb(*pskb);
	return RX_HANDLER_CONSUMED;
}

static struct net_device *vt_lower_create(struct kunit *test,
					  unsigned short type)
{
	struct net_device *dev;
	int err;

	dev = alloc_netdev(sizeof(struct vt_lower_priv), "vtlow%d",
			   NET_NAME_ENUM, vt_lower_setup);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->type = type;
	eth_hw_addr_random(dev);

	rtnl_lock();
	err = register_netdevice(dev);
	if (!err)
		err = dev_open(dev, NULL);
	rtnl_unlock();
	if (err) {
		if (dev->reg_state == NETREG_REGISTERED)
			unregister_netdev(dev);
		free_netdev(dev);
		KUNIT_FAIL(test, "cannot set up the fake lower: %d", err);
		return NULL;
	}
	return dev;
}

static void vt_lower_destroy(struct net_device *dev)
{
	struct vt_lower_priv *lp = netdev_priv(dev);

	unregister_netdev(dev);
	kfree_skb(lp->kept);
	free_netdev(dev);
}

static struct nlattr *vt_put(struct sk_buff *msg, int type, const void *data,
			     int len)
{
	struct nlattr *nla = nla_reserve(msg, type, len);

	if (nla)
		memcpy(nla_data(nla), data, len);
	return nla;
}

static struct nlattr *vt_put_u32(struct sk_buff *msg, int type, u32 value)
{
	return vt_put(msg, type, &value, sizeof(value));
}

/* Attributes of one "ip link add ... type virtnet"; < 0 leaves one out. */
struct vt_link_req {
	int link;		/* IFLA_LINK ifindex, 0: none */
	int mode;		/* IFLA_VIRTNET_MODE */
	int filter;		/* IFLA_VIRTNET_FILTER */
	const u8 *addr;		/* IFLA_ADDRESS */
	unsigned int mtu;	/* IFLA_MTU, 0: none */
};

/* rtnl_newlink() for virtnet: parse IFLA_INFO_DATA with the driver's
 * policy as rtnetlink does, validate, rtnl_create_link(), newlink and
 * rtnl_configure_link(); on error the device is freed as
 * rtnl_newlink_create() frees it.
 */
static int vt_newlink(struct kunit *test, const struct vt_link_req *req,
		      struct netlink_ext_ack *extack, struct net_device **pdev)
{
	struct rtnl_newlink_params params = { .src_net = &init_net };
	struct nlattr **tb, **data;
	struct net_device *dev;
	struct sk_buff *msg;
	struct nlattr *nest;
	int err;

	*pdev = NULL;
	tb = kunit_kcalloc(test, IFLA_MAX + 1, sizeof(*tb), GFP_KERNEL);
	data = kunit_kcalloc(test, virtnet_link_ops.maxtype + 1,
			     sizeof(*data), GFP_KERNEL);
	msg = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tb);
	KUNIT_ASSERT_NOT_NULL(test, data);
	KUNIT_ASSERT_NOT_NULL(test, msg);

	nest = nla_nest_start(msg, IFLA_INFO_DATA);
	if (req->mode >= 0)
		vt_put_u32(msg, IFLA_VIRTNET_MODE, req->mode);
	if (req->filter >= 0)
		vt_put_u32(msg, IFLA_VIRTNET_FILTER, req->filter);
	nla_nest_end(msg, nest);
	if (req->link)
		tb[IFLA_LINK] = vt_put_u32(msg, IFLA_LINK, req->link);
	if (req->addr)
		tb[IFLA_ADDRESS] = vt_put(msg, IFLA_ADDRESS, req->addr,
					  ETH_ALEN);
	if (req->mtu)
		tb[IFLA_MTU] = vt_put_u32(msg, IFLA_MTU, req->mtu);

	err = nla_parse_nested_deprecated(data, virtnet_link_ops.maxtype, nest,
					  virtnet_link_ops.policy, extack);
	if (!err)
		err = virtnet_link_ops.validate(tb, data, extack);
	if (err)
		goto out;
	params.tb = tb;
	params.data = data;

	rtnl_lock();
	dev = rtnl_create_link(&init_net, "vnt%d", NET_NAME_ENUM,
			       &virtnet_link_ops, tb, extack);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
	} else {
		err = virtnet_link_ops.newlink(dev, &params, extack);
		if (err)
			free_netdev(dev);
		else
			err = rtnl_configure_link(dev, NULL, 0, NULL);
		if (!err)
			*pdev = dev;
	}
	rtnl_unlock();
out:
	kfree_skb(msg);
	return err;
}

/* rtnl_dellink() for virtnet. */
static void vt_dellink(struct net_device *dev)
{
	LIST_HEAD(list_kill);

	rtnl_lock();
	virtnet_link_ops.dellink(dev, &list_kill);
	unregister_netdevice_many(&list_kill);
	rtnl_unlock();
}

static int vt_open(struct net_device *dev)
{
	int err;

	rtnl_lock();
	err = dev_open(dev, NULL);
	rtnl_unlock();
	return err;
}

static void vt_close(struct net_device *dev)
{
	rtnl_lock();
	dev_close(dev);
	rtnl_unlock();
}

/* Stack a virtnet device on the lower, set it up, tap it. */
static struct net_device *vt_add(struct kunit *test, enum virtnet_mode mode,
				 enum virtnet_filter filter)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_link_req req = {
		.link = ctx->lower->ifindex,
		.mode = mode,
		.filter = filter,
	};
	struct netlink_ext_ack extack = {};
	struct net_device *dev;
	int err;

	err = vt_newlink(test, &req, &extack, &dev);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "newlink: %s",
			    extack._msg ?: "(no message)");
	ctx->vnet = dev;
	ctx->vnet_ifindex = dev->ifindex;
	KUNIT_ASSERT_EQ(test, vt_open(dev), 0);
	vt_tap_add(&ctx->vtap, dev);
	return dev;
}

static bool vt_is_upper(struct net_device *lower, struct net_device *upper)
{
	bool ret;

	rtnl_lock();
	ret = netdev_has_upper_dev(lower, upper);
	rtnl_unlock();
	return ret;
}

static struct virtnet *vt_priv(struct net_device *dev)
{
	return netdev_priv(dev);
}

static int vt_init(struct kunit *test)
{
	struct vt_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	test->priv = ctx;
	ctx->lower = vt_lower_create(test, ARPHRD_ETHER);
	KUNIT_ASSERT_NOT_NULL(test, ctx->lower);
	return 0;
}

static void vt_exit(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;

	vt_tap_del(&ctx->vtap);
	vt_tap_del(&ctx->vtap2);
	if (ctx->vnet2)
		vt_dellink(ctx->vnet2);
	if (ctx->vnet)
		vt_dellink(ctx->vnet);
	if (!ctx->lower)
		return;
	if (ctx->foreign) {
		rtnl_lock();
		netdev_rx_handler_unregister(ctx->lower);
		rtnl_unlock();
	}
	vt_lower_destroy(ctx->lower);
}

/* A received frame as a NIC driver hands it up: data past the Ethernet
 * header, mac header set, pkt_type from the lower's address.
 */
static struct sk_buff *vt_rx_frame(struct kunit *test, struct net_device *lower,
				   const u8 *dest)
{
	struct sk_buff *skb;
	struct ethhdr *eth;

	skb = netdev_alloc_skb(lower, VT_FRAME_LEN);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	eth = skb_put(skb, ETH_HLEN);
	ether_addr_copy(eth->h_dest, dest);
	ether_addr_copy(eth->h_source, vt_peer_mac);
	eth->h_proto = VT_PROTO;
	memset(skb_put(skb, VT_PAYLOAD), 0xa5, VT_PAYLOAD);
	skb->protocol = eth_type_trans(skb, lower);
	return skb;
}

/* A frame the stack on the virtual device sends. */
static struct sk_buff *vt_tx_frame(struct kunit *test, struct net_device *dev)
{
	struct sk_buff *skb;
	struct ethhdr *eth;

	skb = netdev_alloc_skb(dev, VT_FRAME_LEN);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reset_mac_header(skb);
	eth = skb_put(skb, ETH_HLEN);
	ether_addr_copy(eth->h_dest, vt_peer_mac);
	ether_addr_copy(eth->h_source, dev->dev_addr);
	eth->h_proto = VT_PROTO;
	memset(skb_put(skb, VT_PAYLOAD), 0x5a, VT_PAYLOAD);
	skb->protocol = VT_PROTO;
	return skb;
}

/* pkt_type is a bit-field, which the KUNIT_EXPECT macros cannot take. */
static u8 vt_pkt_type(const struct sk_buff *skb)
{
	return skb->pkt_type;
}

static void vt_snap(struct vt_snap *s, const struct sk_buff *skb)
{
	s->dev = skb->dev;
	s->data = skb->data;
	s->len = skb->len;
	s->pkt_type = skb->pkt_type;
	s->protocol = skb->protocol;
	s->mac_header = skb->mac_header;
	s->users = refcount_read(&skb->users);
}

static void vt_expect_untouched(struct kunit *test, const struct sk_buff *skb,
				const struct vt_snap *s)
{
	KUNIT_EXPECT_PTR_EQ(test, skb->dev, s->dev);
	KUNIT_EXPECT_PTR_EQ(test, skb->data, s->data);
	KUNIT_EXPECT_EQ(test, skb->len, s->len);
	KUNIT_EXPECT_EQ(test, vt_pkt_type(skb), s->pkt_type);
	KUNIT_EXPECT_TRUE(test, skb->protocol == s->protocol);
	KUNIT_EXPECT_EQ(test, skb->mac_header, s->mac_header);
	KUNIT_EXPECT_EQ(test, refcount_read(&skb->users), s->users);
}

/* The rx_handler as __netif_receive_skb_core() runs it: BHs off, RCU.
 * Enabling BHs again runs the backlog, so copies queued with netif_rx()
 * reach the taps before this returns.
 */
static rx_handler_result_t vt_handle(struct sk_buff **pskb)
{
	rx_handler_result_t ret;

	local_bh_disable();
	rcu_read_lock();
	ret = virtnet_handle_frame(pskb);
	rcu_read_unlock();
	local_bh_enable();
	return ret;
}

/* The ETH_P_ALL tap as __netif_receive_skb_core() runs it. @shared: as
 * deliver_skb() does for all but the last handler, the tap gets a
 * reference of its own and the caller keeps one; otherwise the tap gets
 * the caller's only reference.
 */
static int vt_ptype(struct net_device *dev, struct sk_buff *skb, bool shared)
{
	struct virtnet *vn = vt_priv(dev);
	int ret;

	local_bh_disable();
	rcu_read_lock();
	if (shared)
		refcount_inc(&skb->users);
	ret = virtnet_ptype_rcv(skb, vn->lower, &vn->ptype, vn->lower);
	rcu_read_unlock();
	local_bh_enable();
	return ret;
}

static void vt_receive(struct sk_buff *skb)
{
	local_bh_disable();
	netif_receive_skb(skb);
	local_bh_enable();
}

static netdev_tx_t vt_xmit(struct net_device *dev, struct sk_buff *skb)
{
	netdev_tx_t ret;

	local_bh_disable();
	ret = virtnet_start_xmit(skb, dev);
	local_bh_enable();
	return ret;
}

static void vt_stats(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	dev_get_stats(dev, s);
}

static void vt_expect_rx(struct kunit *test, struct net_device *dev,
			 u64 packets, u64 bytes, u64 dropped)
{
	struct rtnl_link_stats64 s;

	vt_stats(dev, &s);
	KUNIT_EXPECT_EQ(test, s.rx_packets, packets);
	KUNIT_EXPECT_EQ(test, s.rx_bytes, bytes);
	KUNIT_EXPECT_EQ(test, s.rx_dropped, dropped);
}

static void vt_expect_tx(struct kunit *test, struct net_device *dev,
			 u64 packets, u64 bytes, u64 dropped)
{
	struct rtnl_link_stats64 s;

	vt_stats(dev, &s);
	KUNIT_EXPECT_EQ(test, s.tx_packets, packets);
	KUNIT_EXPECT_EQ(test, s.tx_bytes, bytes);
	KUNIT_EXPECT_EQ(test, s.tx_dropped, dropped);
}

static void vt_expect_msg(struct kunit *test, struct netlink_ext_ack *extack,
			  const char *part)
{
	KUNIT_ASSERT_NOT_NULL(test, extack->_msg);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(extack->_msg, part),
				  "extack \"%s\" lacks \"%s\"", extack->_msg,
				  part);
}

/* --- receive, mode rxhandler: virtnet_handle_frame() --- */

/* filter all: the frame moves to the virtual device, no copy. */
static void virtnet_test_rx_all_another(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb, *orig;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_ALL);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->dev_addr);
	orig = skb;

	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_ANOTHER);
	KUNIT_EXPECT_PTR_EQ(test, skb, orig);
	KUNIT_EXPECT_PTR_EQ(test, skb->dev, vnet);
	KUNIT_EXPECT_EQ(test, vt_pkt_type(skb), PACKET_HOST);
	KUNIT_EXPECT_EQ(test, refcount_read(&skb->users), 1);
	KUNIT_EXPECT_EQ(test, skb->len, VT_PAYLOAD);
	vt_expect_rx(test, vnet, 1, VT_FRAME_LEN, 0);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 0);
	kfree_skb(skb);
}

/* filter all takes frames for any address, pkt_type as the lower saw it. */
static void virtnet_test_rx_all_otherhost(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_ALL);
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(vnet->dev_addr,
						 ctx->lower->dev_addr));
	skb = vt_rx_frame(test, ctx->lower, vt_peer_mac);
	KUNIT_ASSERT_EQ(test, vt_pkt_type(skb), PACKET_OTHERHOST);

	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_ANOTHER);
	KUNIT_EXPECT_PTR_EQ(test, skb->dev, vnet);
	KUNIT_EXPECT_EQ(test, vt_pkt_type(skb), PACKET_OTHERHOST);
	vt_expect_rx(test, vnet, 1, VT_FRAME_LEN, 0);
	kfree_skb(skb);
}

/* filter all: broadcast is moved too, not copied. */
static void virtnet_test_rx_all_broadcast(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb, *orig;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_ALL);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->broadcast);
	orig = skb;

	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_ANOTHER);
	KUNIT_EXPECT_PTR_EQ(test, skb, orig);
	KUNIT_EXPECT_PTR_EQ(test, skb->dev, vnet);
	KUNIT_EXPECT_EQ(test, vt_pkt_type(skb), PACKET_BROADCAST);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 0);
	vt_expect_rx(test, vnet, 1, VT_FRAME_LEN, 0);
	kfree_skb(skb);
}

/* filter mac, frame for the virtual MAC: ours, and for this host. */
static void virtnet_test_rx_mac_own(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb, *orig;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_MAC);
	skb = vt_rx_frame(test, ctx->lower, vnet->dev_addr);
	orig = skb;
	KUNIT_ASSERT_EQ(test, vt_pkt_type(skb), PACKET_OTHERHOST);

	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_ANOTHER);
	KUNIT_EXPECT_PTR_EQ(test, skb, orig);
	KUNIT_EXPECT_PTR_EQ(test, skb->dev, vnet);
	KUNIT_EXPECT_EQ(test, vt_pkt_type(skb), PACKET_HOST);
	KUNIT_EXPECT_EQ(test, refcount_read(&skb->users), 1);
	vt_expect_rx(test, vnet, 1, VT_FRAME_LEN, 0);
	kfree_skb(skb);
}

/* filter mac, unicast to the lower's MAC: stays with the lower. */
static void virtnet_test_rx_mac_other_unicast(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb, *orig;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_MAC);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->dev_addr);
	orig = skb;
	vt_snap(&snap, skb);

	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_PASS);
	KUNIT_EXPECT_PTR_EQ(test, skb, orig);
	vt_expect_untouched(test, skb, &snap);
	KUNIT_EXPECT_EQ(test, vt_pkt_type(skb), PACKET_HOST);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 0);
	vt_expect_rx(test, vnet, 0, 0, 0);
	kfree_skb(skb);
}

/* filter mac, broadcast: the virtual device gets a copy, the lower keeps
 * the original as it was.
 */
static void virtnet_test_rx_mac_broadcast(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb, *orig;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_MAC);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->broadcast);
	orig = skb;
	vt_snap(&snap, skb);

	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_PASS);
	KUNIT_EXPECT_PTR_EQ(test, skb, orig);
	vt_expect_untouched(test, skb, &snap);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 1);
	KUNIT_EXPECT_PTR_NE(test, ctx->vtap.skb, (const struct sk_buff *)orig);
	KUNIT_EXPECT_PTR_EQ(test, ctx->vtap.dev, vnet);
	KUNIT_EXPECT_EQ(test, ctx->vtap.pkt_type, PACKET_BROADCAST);
	KUNIT_EXPECT_EQ(test, ctx->vtap.len, VT_PAYLOAD);
	KUNIT_EXPECT_TRUE(test, ctx->vtap.protocol == VT_PROTO);
	vt_expect_rx(test, vnet, 1, VT_FRAME_LEN, 0);
	kfree_skb(skb);
}

/* filter mac, multicast: likewise a copy. */
static void virtnet_test_rx_mac_multicast(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb, *orig;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_MAC);
	skb = vt_rx_frame(test, ctx->lower, vt_mcast_mac);
	orig = skb;
	vt_snap(&snap, skb);
	KUNIT_ASSERT_EQ(test, vt_pkt_type(skb), PACKET_MULTICAST);

	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_PASS);
	KUNIT_EXPECT_PTR_EQ(test, skb, orig);
	vt_expect_untouched(test, skb, &snap);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 1);
	KUNIT_EXPECT_PTR_EQ(test, ctx->vtap.dev, vnet);
	KUNIT_EXPECT_EQ(test, ctx->vtap.pkt_type, PACKET_MULTICAST);
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(ctx->vtap.dest, vt_mcast_mac));
	vt_expect_rx(test, vnet, 1, VT_FRAME_LEN, 0);
	kfree_skb(skb);
}

/* A looped-back frame belongs to the lower. */
static void virtnet_test_rx_loopback_pass(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb, *orig;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_ALL);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->dev_addr);
	skb->pkt_type = PACKET_LOOPBACK;
	orig = skb;
	vt_snap(&snap, skb);

	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_PASS);
	KUNIT_EXPECT_PTR_EQ(test, skb, orig);
	vt_expect_untouched(test, skb, &snap);
	vt_expect_rx(test, vnet, 0, 0, 0);
	kfree_skb(skb);
}

/* While the virtual device is down, the lower keeps its frames. */
static void virtnet_test_rx_vnet_down_pass(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb, *orig;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_ALL);
	vt_close(vnet);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->dev_addr);
	orig = skb;
	vt_snap(&snap, skb);

	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_PASS);
	KUNIT_EXPECT_PTR_EQ(test, skb, orig);
	vt_expect_untouched(test, skb, &snap);
	vt_expect_rx(test, vnet, 0, 0, 0);
	kfree_skb(skb);
}

/* A tap still holds the frame: the virtual device gets an unshared clone,
 * the tap's reference to the original is left alone.
 */
static void virtnet_test_rx_shared_skb(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb, *orig;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_ALL);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->dev_addr);
	orig = skb_get(skb);
	vt_snap(&snap, skb);

	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_ANOTHER);
	KUNIT_EXPECT_PTR_NE(test, skb, orig);
	KUNIT_EXPECT_PTR_EQ(test, skb->dev, vnet);
	KUNIT_EXPECT_EQ(test, refcount_read(&skb->users), 1);
	/* the handler gave up its reference and nothing else */
	snap.users = 1;
	vt_expect_untouched(test, orig, &snap);
	vt_expect_rx(test, vnet, 1, VT_FRAME_LEN, 0);
	kfree_skb(skb);
	kfree_skb(orig);
}

/* A cloned (data-shared) but unshared frame is moved as it is; its
 * sibling clone is not affected.
 */
static void virtnet_test_rx_cloned_skb(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb, *orig, *sibling;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_MAC);
	skb = vt_rx_frame(test, ctx->lower, vnet->dev_addr);
	sibling = skb_clone(skb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sibling);
	orig = skb;
	vt_snap(&snap, sibling);

	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_ANOTHER);
	KUNIT_EXPECT_PTR_EQ(test, skb, orig);
	KUNIT_EXPECT_PTR_EQ(test, skb->dev, vnet);
	KUNIT_EXPECT_EQ(test, vt_pkt_type(skb), PACKET_HOST);
	vt_expect_untouched(test, sibling, &snap);
	KUNIT_EXPECT_EQ(test, vt_pkt_type(sibling), PACKET_OTHERHOST);
	vt_expect_rx(test, vnet, 1, VT_FRAME_LEN, 0);
	kfree_skb(skb);
	kfree_skb(sibling);
}

/* A copy that cannot be handed over as a received Ethernet frame is
 * dropped and counted, the original still goes to the lower.
 */
static void virtnet_test_rx_mac_bad_copy_dropped(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_MAC);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->broadcast);
	skb_pull(skb, 4);	/* as if a tag had been taken off */
	vt_snap(&snap, skb);

	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_PASS);
	vt_expect_untouched(test, skb, &snap);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 0);
	vt_expect_rx(test, vnet, 0, 0, 1);
	kfree_skb(skb);
}

/* A copy larger than the virtual device's MTU is dropped and counted. */
static void virtnet_test_rx_mac_copy_too_big(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb;
	int err;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_MAC);
	rtnl_lock();
	err = dev_set_mtu(vnet, VT_PAYLOAD - 10);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->broadcast);

	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_PASS);
	KUNIT_EXPECT_PTR_EQ(test, skb->dev, ctx->lower);
	KUNIT_EXPECT_EQ(test, refcount_read(&skb->users), 1);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 0);
	vt_expect_rx(test, vnet, 0, 0, 1);
	kfree_skb(skb);
}

/* --- receive, mode ptype: virtnet_ptype_rcv() --- */

/* The tap gets a shared frame: it must copy it, drop exactly its own
 * reference and leave the original to the lower's other handlers.
 */
static void virtnet_test_ptype_all_shared(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_PTYPE, VIRTNET_FILTER_ALL);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->dev_addr);
	vt_snap(&snap, skb);

	KUNIT_EXPECT_EQ(test, vt_ptype(vnet, skb, true), NET_RX_SUCCESS);
	vt_expect_untouched(test, skb, &snap);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 1);
	KUNIT_EXPECT_PTR_NE(test, ctx->vtap.skb, (const struct sk_buff *)skb);
	KUNIT_EXPECT_PTR_EQ(test, ctx->vtap.dev, vnet);
	KUNIT_EXPECT_EQ(test, ctx->vtap.pkt_type, PACKET_HOST);
	KUNIT_EXPECT_EQ(test, ctx->vtap.len, VT_PAYLOAD);
	vt_expect_rx(test, vnet, 1, VT_FRAME_LEN, 0);
	kfree_skb(skb);
}

/* The only reference: the frame itself goes to the virtual device. */
static void virtnet_test_ptype_all_unshared(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb;

	vnet = vt_add(test, VIRTNET_MODE_PTYPE, VIRTNET_FILTER_ALL);
	skb = vt_rx_frame(test, ctx->lower, vt_peer_mac);

	KUNIT_EXPECT_EQ(test, vt_ptype(vnet, skb, false), NET_RX_SUCCESS);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 1);
	KUNIT_EXPECT_PTR_EQ(test, ctx->vtap.skb, (const struct sk_buff *)skb);
	KUNIT_EXPECT_PTR_EQ(test, ctx->vtap.dev, vnet);
	/* filter all: the virtual device has the lower's MAC */
	KUNIT_EXPECT_EQ(test, ctx->vtap.pkt_type, PACKET_OTHERHOST);
	vt_expect_rx(test, vnet, 1, VT_FRAME_LEN, 0);
}

static void virtnet_test_ptype_mac_own(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_PTYPE, VIRTNET_FILTER_MAC);
	skb = vt_rx_frame(test, ctx->lower, vnet->dev_addr);
	vt_snap(&snap, skb);

	KUNIT_EXPECT_EQ(test, vt_ptype(vnet, skb, true), NET_RX_SUCCESS);
	vt_expect_untouched(test, skb, &snap);
	KUNIT_EXPECT_EQ(test, vt_pkt_type(skb), PACKET_OTHERHOST);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 1);
	KUNIT_EXPECT_PTR_EQ(test, ctx->vtap.dev, vnet);
	KUNIT_EXPECT_EQ(test, ctx->vtap.pkt_type, PACKET_HOST);
	vt_expect_rx(test, vnet, 1, VT_FRAME_LEN, 0);
	kfree_skb(skb);
}

static void virtnet_test_ptype_mac_other_unicast(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_PTYPE, VIRTNET_FILTER_MAC);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->dev_addr);
	vt_snap(&snap, skb);

	KUNIT_EXPECT_EQ(test, vt_ptype(vnet, skb, true), NET_RX_SUCCESS);
	vt_expect_untouched(test, skb, &snap);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 0);
	vt_expect_rx(test, vnet, 0, 0, 0);
	kfree_skb(skb);
}

static void virtnet_test_ptype_mac_broadcast(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_PTYPE, VIRTNET_FILTER_MAC);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->broadcast);
	vt_snap(&snap, skb);

	KUNIT_EXPECT_EQ(test, vt_ptype(vnet, skb, true), NET_RX_SUCCESS);
	vt_expect_untouched(test, skb, &snap);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 1);
	KUNIT_EXPECT_PTR_EQ(test, ctx->vtap.dev, vnet);
	KUNIT_EXPECT_EQ(test, ctx->vtap.pkt_type, PACKET_BROADCAST);
	vt_expect_rx(test, vnet, 1, VT_FRAME_LEN, 0);
	kfree_skb(skb);
}

/* The lower's own egress and looped-back frames are not received. */
static void virtnet_test_ptype_outgoing_loopback(struct kunit *test)
{
	static const u8 types[] = { PACKET_OUTGOING, PACKET_LOOPBACK };
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb;
	struct vt_snap snap;
	unsigned int i;

	vnet = vt_add(test, VIRTNET_MODE_PTYPE, VIRTNET_FILTER_ALL);
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		skb = vt_rx_frame(test, ctx->lower, ctx->lower->dev_addr);
		skb->pkt_type = types[i];
		vt_snap(&snap, skb);
		KUNIT_EXPECT_EQ(test, vt_ptype(vnet, skb, true),
				NET_RX_SUCCESS);
		vt_expect_untouched(test, skb, &snap);
		kfree_skb(skb);
	}
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 0);
	vt_expect_rx(test, vnet, 0, 0, 0);
}

static void virtnet_test_ptype_vnet_down(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_PTYPE, VIRTNET_FILTER_ALL);
	vt_close(vnet);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->dev_addr);
	vt_snap(&snap, skb);

	KUNIT_EXPECT_EQ(test, vt_ptype(vnet, skb, true), NET_RX_SUCCESS);
	vt_expect_untouched(test, skb, &snap);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 0);
	vt_expect_rx(test, vnet, 0, 0, 0);
	kfree_skb(skb);
}

/* --- receive through the core: netif_receive_skb() on the lower --- */

static void virtnet_test_receive_rxhandler(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_MAC);
	skb = vt_rx_frame(test, ctx->lower, vnet->dev_addr);
	vt_receive(skb);

	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 1);
	KUNIT_EXPECT_PTR_EQ(test, ctx->vtap.skb, (const struct sk_buff *)skb);
	KUNIT_EXPECT_PTR_EQ(test, ctx->vtap.dev, vnet);
	KUNIT_EXPECT_EQ(test, ctx->vtap.pkt_type, PACKET_HOST);
	vt_expect_rx(test, vnet, 1, VT_FRAME_LEN, 0);
}

/* mode ptype next to a bridge-like rx_handler owner of the lower: the
 * owner still gets every frame, the virtual device a copy of its own.
 */
static void virtnet_test_receive_ptype_with_rx_handler(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb;
	int err;

	rtnl_lock();
	err = netdev_rx_handler_register(ctx->lower, vt_foreign_handler, ctx);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	ctx->foreign = true;

	vnet = vt_add(test, VIRTNET_MODE_PTYPE, VIRTNET_FILTER_MAC);
	skb = vt_rx_frame(test, ctx->lower, vnet->dev_addr);
	vt_receive(skb);

	KUNIT_EXPECT_EQ(test, ctx->foreign_count, 1);
	KUNIT_EXPECT_PTR_EQ(test, ctx->foreign_skb, skb);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 1);
	KUNIT_EXPECT_PTR_NE(test, ctx->vtap.skb, (const struct sk_buff *)skb);
	KUNIT_EXPECT_PTR_EQ(test, ctx->vtap.dev, vnet);
	KUNIT_EXPECT_EQ(test, ctx->vtap.pkt_type, PACKET_HOST);
	vt_expect_rx(test, vnet, 1, VT_FRAME_LEN, 0);
}

/* --- transmit: virtnet_start_xmit() --- */

static void virtnet_test_tx_ok(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_lower_priv *lp = netdev_priv(ctx->lower);
	struct net_device *vnet;
	struct sk_buff *skb;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_ALL);
	skb = vt_tx_frame(test, vnet);

	KUNIT_EXPECT_EQ(test, vt_xmit(vnet, skb), NETDEV_TX_OK);
	KUNIT_EXPECT_EQ(test, lp->xmit_count, 1);
	KUNIT_EXPECT_PTR_EQ(test, lp->kept, skb);
	KUNIT_EXPECT_PTR_EQ(test, lp->seen_dev, ctx->lower);
	KUNIT_EXPECT_EQ(test, lp->seen_len, VT_FRAME_LEN);
	KUNIT_EXPECT_EQ(test, refcount_read(&skb->users), 1);
	vt_expect_tx(test, vnet, 1, VT_FRAME_LEN, 0);
}

/* Through the core on both devices: dev_queue_xmit() on the virtual one. */
static void virtnet_test_tx_dev_queue_xmit(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_lower_priv *lp = netdev_priv(ctx->lower);
	struct net_device *vnet;
	struct sk_buff *skb;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_MAC);
	skb = vt_tx_frame(test, vnet);

	KUNIT_EXPECT_EQ(test, dev_queue_xmit(skb), NET_XMIT_SUCCESS);
	KUNIT_EXPECT_EQ(test, lp->xmit_count, 1);
	KUNIT_EXPECT_PTR_EQ(test, lp->kept, skb);
	KUNIT_EXPECT_PTR_EQ(test, lp->seen_dev, ctx->lower);
	vt_expect_tx(test, vnet, 1, VT_FRAME_LEN, 0);
}

/* The lower drops the frame: counted as a drop, freed once (by the lower). */
static void virtnet_test_tx_lower_drops(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_lower_priv *lp = netdev_priv(ctx->lower);
	struct net_device *vnet;
	struct sk_buff *skb;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_ALL);
	lp->action = VT_TX_DROP;
	skb = skb_get(vt_tx_frame(test, vnet));

	KUNIT_EXPECT_EQ(test, vt_xmit(vnet, skb), NETDEV_TX_OK);
	KUNIT_EXPECT_EQ(test, lp->xmit_count, 1);
	KUNIT_EXPECT_EQ(test, refcount_read(&skb->users), 1);
	vt_expect_tx(test, vnet, 0, 0, 1);
	kfree_skb(skb);
}

/* The lower refuses (NETDEV_TX_BUSY without a queue): the core frees it,
 * virtnet counts the drop and does not free it again.
 */
static void virtnet_test_tx_lower_busy(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_lower_priv *lp = netdev_priv(ctx->lower);
	struct net_device *vnet;
	struct sk_buff *skb;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_ALL);
	lp->action = VT_TX_BUSY;
	skb = skb_get(vt_tx_frame(test, vnet));

	KUNIT_EXPECT_EQ(test, vt_xmit(vnet, skb), NETDEV_TX_OK);
	KUNIT_EXPECT_EQ(test, lp->xmit_count, 1);
	KUNIT_EXPECT_EQ(test, refcount_read(&skb->users), 1);
	vt_expect_tx(test, vnet, 0, 0, 1);
	kfree_skb(skb);
}

/* The lower is down: dropped and counted by virtnet, freed once. */
static void virtnet_test_tx_lower_down(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_lower_priv *lp = netdev_priv(ctx->lower);
	struct net_device *vnet;
	struct sk_buff *skb;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_ALL);
	vt_close(ctx->lower);
	skb = skb_get(vt_tx_frame(test, vnet));

	KUNIT_EXPECT_EQ(test, vt_xmit(vnet, skb), NETDEV_TX_OK);
	KUNIT_EXPECT_EQ(test, lp->xmit_count, 0);
	KUNIT_EXPECT_EQ(test, refcount_read(&skb->users), 1);
	vt_expect_tx(test, vnet, 0, 0, 1);
	kfree_skb(skb);
}

/* mode ptype: what the virtual device sends does not come back to it. */
static void virtnet_test_tx_ptype_no_loop(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_lower_priv *lp = netdev_priv(ctx->lower);
	struct net_device *vnet;
	struct sk_buff *skb;

	vnet = vt_add(test, VIRTNET_MODE_PTYPE, VIRTNET_FILTER_ALL);
	skb = vt_tx_frame(test, vnet);

	KUNIT_EXPECT_EQ(test, dev_queue_xmit(skb), NET_XMIT_SUCCESS);
	KUNIT_EXPECT_EQ(test, lp->xmit_count, 1);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 0);
	vt_expect_rx(test, vnet, 0, 0, 0);
	vt_expect_tx(test, vnet, 1, VT_FRAME_LEN, 0);
}

/* --- counters --- */

/* dev_get_stats() sums every CPU's counters, the driver's included. */
static void virtnet_test_stats_percpu_sum(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct rtnl_link_stats64 s;
	u64 rx = 0, rxb = 0, tx = 0, txb = 0, rxd = 0, txd = 0;
	struct net_device *vnet;
	struct sk_buff *skb;
	int cpu;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_ALL);
	KUNIT_ASSERT_TRUE(test,
			  vnet->pcpu_stat_type == NETDEV_PCPU_STAT_DSTATS);
	for_each_possible_cpu(cpu) {
		struct pcpu_dstats *d = per_cpu_ptr(vnet->dstats, cpu);
		u64 n = cpu + 1;

		u64_stats_update_begin(&d->syncp);
		u64_stats_add(&d->rx_packets, n);
		u64_stats_add(&d->rx_bytes, n * 1000);
		u64_stats_add(&d->tx_packets, n * 2);
		u64_stats_add(&d->tx_bytes, n * 3000);
		u64_stats_add(&d->rx_drops, n * 4);
		u64_stats_add(&d->tx_drops, n * 5);
		u64_stats_update_end(&d->syncp);
		rx += n;
		rxb += n * 1000;
		tx += n * 2;
		txb += n * 3000;
		rxd += n * 4;
		txd += n * 5;
	}

	skb = vt_rx_frame(test, ctx->lower, ctx->lower->dev_addr);
	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_ANOTHER);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, vt_xmit(vnet, vt_tx_frame(test, vnet)),
			NETDEV_TX_OK);

	vt_stats(vnet, &s);
	KUNIT_EXPECT_EQ(test, s.rx_packets, rx + 1);
	KUNIT_EXPECT_EQ(test, s.rx_bytes, rxb + VT_FRAME_LEN);
	KUNIT_EXPECT_EQ(test, s.tx_packets, tx + 1);
	KUNIT_EXPECT_EQ(test, s.tx_bytes, txb + VT_FRAME_LEN);
	KUNIT_EXPECT_EQ(test, s.rx_dropped, rxd);
	KUNIT_EXPECT_EQ(test, s.tx_dropped, txd);
}

/* Counters add up over many frames of each kind. */
static void virtnet_test_stats_accumulate(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_lower_priv *lp = netdev_priv(ctx->lower);
	struct net_device *vnet;
	struct sk_buff *skb;
	unsigned int i;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_MAC);
	for (i = 0; i < 10; i++) {
		skb = vt_rx_frame(test, ctx->lower, vnet->dev_addr);
		KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_ANOTHER);
		kfree_skb(skb);
		skb = vt_rx_frame(test, ctx->lower, ctx->lower->dev_addr);
		KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_PASS);
		kfree_skb(skb);
	}
	for (i = 0; i < 7; i++)
		vt_xmit(vnet, vt_tx_frame(test, vnet));
	lp->action = VT_TX_DROP;
	for (i = 0; i < 3; i++)
		vt_xmit(vnet, vt_tx_frame(test, vnet));

	vt_expect_rx(test, vnet, 10, 10 * VT_FRAME_LEN, 0);
	vt_expect_tx(test, vnet, 7, 7 * VT_FRAME_LEN, 3);
	KUNIT_EXPECT_EQ(test, lp->xmit_count, 10);
}

/* --- creation: the newlink path and its checks --- */

static void virtnet_test_create_rxhandler(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct virtnet *vn;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_ALL);
	vn = vt_priv(vnet);
	KUNIT_EXPECT_TRUE(test, netif_is_virtnet(vnet));
	KUNIT_EXPECT_FALSE(test, netif_is_virtnet(ctx->lower));
	KUNIT_EXPECT_PTR_EQ(test, vn->dev, vnet);
	KUNIT_EXPECT_PTR_EQ(test, vn->lower, ctx->lower);
	KUNIT_EXPECT_EQ(test, vn->mode, VIRTNET_MODE_RXHANDLER);
	KUNIT_EXPECT_EQ(test, vn->filter, VIRTNET_FILTER_ALL);
	KUNIT_EXPECT_PTR_EQ(test,
			    rcu_access_pointer(ctx->lower->rx_handler),
			    (rx_handler_func_t *)virtnet_handle_frame);
	KUNIT_EXPECT_PTR_EQ(test,
			    rcu_access_pointer(ctx->lower->rx_handler_data),
			    (void *)vn);
	KUNIT_EXPECT_NULL(test, vn->ptype.func);
	KUNIT_EXPECT_TRUE(test, vt_is_upper(ctx->lower, vnet));
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(vnet->dev_addr,
						 ctx->lower->dev_addr));
	KUNIT_EXPECT_EQ(test, vnet->mtu, ctx->lower->mtu);
	KUNIT_EXPECT_EQ(test, dev_get_iflink(vnet), ctx->lower->ifindex);
	KUNIT_EXPECT_TRUE(test, netif_running(vnet));
	KUNIT_EXPECT_TRUE(test, vnet->netdev_ops->ndo_start_xmit ==
			  virtnet_start_xmit);
}

static void virtnet_test_create_ptype_mac(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct virtnet *vn;

	vnet = vt_add(test, VIRTNET_MODE_PTYPE, VIRTNET_FILTER_MAC);
	vn = vt_priv(vnet);
	KUNIT_EXPECT_EQ(test, vn->mode, VIRTNET_MODE_PTYPE);
	KUNIT_EXPECT_EQ(test, vn->filter, VIRTNET_FILTER_MAC);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(ctx->lower->rx_handler));
	KUNIT_EXPECT_TRUE(test, vn->ptype.func == virtnet_ptype_rcv);
	KUNIT_EXPECT_PTR_EQ(test, vn->ptype.dev, ctx->lower);
	KUNIT_EXPECT_TRUE(test, vn->ptype.type == htons(ETH_P_ALL));
	KUNIT_EXPECT_TRUE(test, vn->ptype.ignore_outgoing);
	KUNIT_EXPECT_TRUE(test, is_valid_ether_addr(vnet->dev_addr));
	KUNIT_EXPECT_FALSE(test, ether_addr_equal(vnet->dev_addr,
						  ctx->lower->dev_addr));
	KUNIT_EXPECT_EQ(test, vnet->addr_assign_type, NET_ADDR_RANDOM);
	KUNIT_EXPECT_TRUE(test, vt_is_upper(ctx->lower, vnet));
}

/* filter mac keeps an address given with IFLA_ADDRESS. */
static void virtnet_test_create_mac_address(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_link_req req = {
		.link = ctx->lower->ifindex,
		.mode = VIRTNET_MODE_PTYPE,
		.filter = VIRTNET_FILTER_MAC,
		.addr = vt_peer_mac,
	};
	struct netlink_ext_ack extack = {};
	struct net_device *vnet;

	KUNIT_ASSERT_EQ(test, vt_newlink(test, &req, &extack, &vnet), 0);
	ctx->vnet = vnet;
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(vnet->dev_addr, vt_peer_mac));
}

/* Devices in mode ptype share a lower, also with one in mode rxhandler. */
static void virtnet_test_create_ptype_shares_lower(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_link_req req = {
		.link = ctx->lower->ifindex,
		.mode = VIRTNET_MODE_PTYPE,
		.filter = VIRTNET_FILTER_MAC,
	};
	struct netlink_ext_ack extack = {};
	struct net_device *second;
	struct sk_buff *skb;

	vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_MAC);
	KUNIT_ASSERT_EQ(test, vt_newlink(test, &req, &extack, &second), 0);
	ctx->vnet2 = second;
	KUNIT_EXPECT_TRUE(test, vt_is_upper(ctx->lower, second));
	KUNIT_EXPECT_PTR_EQ(test,
			    rcu_access_pointer(ctx->lower->rx_handler),
			    (rx_handler_func_t *)virtnet_handle_frame);
	KUNIT_ASSERT_EQ(test, vt_open(second), 0);
	vt_tap_add(&ctx->vtap2, second);

	/* broadcast reaches both, each with its own copy */
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->broadcast);
	vt_receive(skb);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 1);
	KUNIT_EXPECT_PTR_EQ(test, ctx->vtap.dev, ctx->vnet);
	KUNIT_EXPECT_EQ(test, ctx->vtap2.count, 1);
	KUNIT_EXPECT_PTR_EQ(test, ctx->vtap2.dev, second);
	KUNIT_EXPECT_PTR_NE(test, ctx->vtap.skb, ctx->vtap2.skb);
	vt_expect_rx(test, ctx->vnet, 1, VT_FRAME_LEN, 0);
	vt_expect_rx(test, second, 1, VT_FRAME_LEN, 0);
}

/* A failed creation leaves the lower as it found it. */
struct vt_lower_state {
	rx_handler_func_t *rx_handler;
	int refcnt;
	bool has_upper;
	unsigned int ndevs;
};

static unsigned int vt_count_netdevs(void)
{
	struct net_device *dev;
	unsigned int n = 0;

	rtnl_lock();
	for_each_netdev(&init_net, dev)
		n++;
	rtnl_unlock();
	return n;
}

static void vt_lower_state(struct net_device *lower, struct vt_lower_state *s)
{
	rtnl_lock();
	/* A pending link state event holds a reference: settle it first,
	 * as ETHTOOL_GLINK does.
	 */
	ethtool_op_get_link(lower);
	s->refcnt = netdev_refcnt_read(lower);
	s->rx_handler = rcu_access_pointer(lower->rx_handler);
	s->has_upper = netdev_has_any_upper_dev(lower);
	rtnl_unlock();
	s->ndevs = vt_count_netdevs();
}

static void vt_expect_rejected(struct kunit *test, struct vt_link_req *req,
			       struct net_device *lower, int err,
			       const char *msg)
{
	struct netlink_ext_ack extack = {};
	struct vt_lower_state before, after;
	struct net_device *dev;

	vt_lower_state(lower, &before);
	KUNIT_EXPECT_EQ(test, vt_newlink(test, req, &extack, &dev), err);
	KUNIT_EXPECT_NULL(test, dev);
	vt_expect_msg(test, &extack, msg);
	vt_lower_state(lower, &after);
	KUNIT_EXPECT_PTR_EQ(test, after.rx_handler, before.rx_handler);
	KUNIT_EXPECT_EQ(test, after.refcnt, before.refcnt);
	KUNIT_EXPECT_EQ(test, after.has_upper, before.has_upper);
	KUNIT_EXPECT_EQ(test, after.ndevs, before.ndevs);
}

static void virtnet_test_reject_loopback(struct kunit *test)
{
	struct vt_link_req req = {
		.link = init_net.loopback_dev->ifindex,
		.mode = VIRTNET_MODE_PTYPE,
		.filter = -1,
	};

	vt_expect_rejected(test, &req, init_net.loopback_dev, -EINVAL,
			   "loopback");
}

static void virtnet_test_reject_not_ethernet(struct kunit *test)
{
	struct vt_link_req req = { .mode = -1, .filter = -1 };
	struct net_device *other;

	other = vt_lower_create(test, ARPHRD_NONE);
	KUNIT_ASSERT_NOT_NULL(test, other);
	req.link = other->ifindex;
	vt_expect_rejected(test, &req, other, -EINVAL, "Ethernet");
	vt_lower_destroy(other);
}

static void virtnet_test_reject_virtnet_lower(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_link_req req = {
		.mode = VIRTNET_MODE_PTYPE,
		.filter = VIRTNET_FILTER_MAC,
	};
	struct net_device *vnet;

	vnet = vt_add(test, VIRTNET_MODE_PTYPE, VIRTNET_FILTER_MAC);
	req.link = vnet->ifindex;
	vt_expect_rejected(test, &req, vnet, -EINVAL, "virtnet");
	KUNIT_EXPECT_PTR_EQ(test, vt_priv(vnet)->lower, ctx->lower);
}

/* mode rxhandler on a lower whose rx_handler is taken: -EBUSY, and the
 * message points at mode ptype.
 */
static void virtnet_test_reject_rx_handler_busy(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_link_req req = {
		.link = ctx->lower->ifindex,
		.mode = VIRTNET_MODE_RXHANDLER,
		.filter = VIRTNET_FILTER_MAC,
	};
	int err;

	rtnl_lock();
	err = netdev_rx_handler_register(ctx->lower, vt_foreign_handler, ctx);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	ctx->foreign = true;

	vt_expect_rejected(test, &req, ctx->lower, -EBUSY, "mode ptype");
	KUNIT_EXPECT_PTR_EQ(test,
			    rcu_access_pointer(ctx->lower->rx_handler_data),
			    (void *)ctx);
}

/* The default mode is rxhandler: a second default device is refused. */
static void virtnet_test_reject_second_rxhandler(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_link_req req = {
		.link = ctx->lower->ifindex,
		.mode = -1,
		.filter = VIRTNET_FILTER_MAC,
	};
	struct net_device *vnet;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_MAC);
	vt_expect_rejected(test, &req, ctx->lower, -EBUSY, "virtnet");
	KUNIT_EXPECT_PTR_EQ(test,
			    rcu_access_pointer(ctx->lower->rx_handler_data),
			    (void *)vt_priv(vnet));
}

static void virtnet_test_reject_mtu_above_lower(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_link_req req = {
		.link = ctx->lower->ifindex,
		.mode = -1,
		.filter = -1,
		.mtu = ctx->lower->mtu + 1,
	};

	vt_expect_rejected(test, &req, ctx->lower, -EINVAL, "MTU");
}

static void virtnet_test_reject_no_link(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_link_req req = { .mode = -1, .filter = -1 };

	vt_expect_rejected(test, &req, ctx->lower, -EINVAL, "lower device");
}

static void virtnet_test_reject_link_not_found(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_link_req req = { .link = INT_MAX, .mode = -1, .filter = -1 };

	vt_expect_rejected(test, &req, ctx->lower, -ENODEV, "not found");
}

/* filter all uses the lower's address: an address of its own is refused. */
static void virtnet_test_reject_address_filter_all(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct vt_link_req req = {
		.link = ctx->lower->ifindex,
		.mode = -1,
		.filter = VIRTNET_FILTER_ALL,
		.addr = vt_peer_mac,
	};

	vt_expect_rejected(test, &req, ctx->lower, -EINVAL, "address");
}

/* --- netlink attributes: policy and validate --- */

/* Parse IFLA_INFO_DATA as rtnl_newlink() does and run validate. */
static int vt_parse(const struct nlattr *nest, struct nlattr **tb,
		    struct netlink_ext_ack *extack)
{
	struct nlattr *data[IFLA_VIRTNET_MAX + 1];
	int err;

	err = nla_parse_nested_deprecated(data, virtnet_link_ops.maxtype,
					  nest, virtnet_link_ops.policy,
					  extack);
	if (err)
		return err;
	return virtnet_link_ops.validate(tb, data, extack);
}

/* IFLA_INFO_DATA holding one attribute of @len bytes, returned in @pnla. */
static struct nlattr *vt_one_attr(struct kunit *test, struct sk_buff *msg,
				  int type, const void *value, int len,
				  struct nlattr **pnla)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, IFLA_INFO_DATA);
	*pnla = vt_put(msg, type, value, len);
	KUNIT_ASSERT_NOT_NULL(test, nest);
	KUNIT_ASSERT_NOT_NULL(test, *pnla);
	nla_nest_end(msg, nest);
	return nest;
}

struct vt_attr_case {
	const char *name;
	int type;
	u64 value;
	int len;
	int err;
	const char *msg;
};

static const struct vt_attr_case vt_attr_cases[] = {
	{ "mode max", IFLA_VIRTNET_MODE, VIRTNET_MODE_MAX, 4, 0, NULL },
	{ "mode out of range", IFLA_VIRTNET_MODE, VIRTNET_MODE_MAX + 1, 4,
	  -ERANGE, "integer out of range" },
	{ "mode huge", IFLA_VIRTNET_MODE, U32_MAX, 4,
	  -ERANGE, "integer out of range" },
	{ "mode as u8", IFLA_VIRTNET_MODE, 1, 1,
	  -EINVAL, "invalid attribute length" },
	{ "mode as u64", IFLA_VIRTNET_MODE, 1, 8,
	  -EINVAL, "invalid attribute length" },
	{ "filter max", IFLA_VIRTNET_FILTER, VIRTNET_FILTER_MAX, 4, 0, NULL },
	{ "filter out of range", IFLA_VIRTNET_FILTER, VIRTNET_FILTER_MAX + 1,
	  4, -ERANGE, "integer out of range" },
	{ "filter as u16", IFLA_VIRTNET_FILTER, 1, 2,
	  -EINVAL, "invalid attribute length" },
	{ "filter empty", IFLA_VIRTNET_FILTER, 0, 0,
	  -EINVAL, "invalid attribute length" },
};

KUNIT_ARRAY_PARAM_DESC(vt_attr, vt_attr_cases, name);

/* Each IFLA_VIRTNET_* attribute: in range accepted; out of range or of
 * the wrong size rejected with the error, message and offending
 * attribute reported through extack.
 */
static void virtnet_test_policy(struct kunit *test)
{
	const struct vt_attr_case *c = test->param_value;
	struct nlattr *tb[IFLA_MAX + 1] = {};
	struct netlink_ext_ack extack = {};
	struct nlattr *nest, *nla;
	struct sk_buff *msg;
	int err;

	msg = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	nest = vt_one_attr(test, msg, c->type, &c->value, c->len, &nla);

	err = vt_parse(nest, tb, &extack);
	KUNIT_EXPECT_EQ(test, err, c->err);
	if (c->msg) {
		KUNIT_EXPECT_NOT_NULL(test, extack._msg);
		if (extack._msg)
			KUNIT_EXPECT_STREQ(test, extack._msg, c->msg);
		KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr,
				    (const struct nlattr *)nla);
	} else {
		KUNIT_EXPECT_NULL(test, extack._msg);
	}
	kfree_skb(msg);
}

/* rtnetlink parses IFLA_INFO_DATA liberally: attribute types the driver
 * does not know are skipped, not refused, whatever the policy says.
 */
static void virtnet_test_policy_unknown_attr_ignored(struct kunit *test)
{
	struct nlattr *tb[IFLA_MAX + 1] = {};
	struct netlink_ext_ack extack = {};
	struct nlattr *nest, *nla;
	struct sk_buff *msg;
	u32 value = 7;

	msg = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	nest = vt_one_attr(test, msg, IFLA_VIRTNET_MAX + 1, &value,
			   sizeof(value), &nla);
	KUNIT_EXPECT_EQ(test, vt_parse(nest, tb, &extack), 0);
	KUNIT_EXPECT_NULL(test, extack._msg);
	kfree_skb(msg);
}

static void virtnet_test_validate_address(struct kunit *test)
{
	static const u8 zero[ETH_ALEN];
	struct nlattr *tb[IFLA_MAX + 1] = {};
	struct netlink_ext_ack extack = {};
	struct sk_buff *msg;

	msg = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);

	KUNIT_EXPECT_EQ(test, virtnet_validate(tb, NULL, &extack), 0);

	tb[IFLA_ADDRESS] = vt_put(msg, IFLA_ADDRESS, vt_peer_mac, ETH_ALEN);
	KUNIT_EXPECT_EQ(test, virtnet_validate(tb, NULL, &extack), 0);
	KUNIT_EXPECT_NULL(test, extack._msg);

	tb[IFLA_ADDRESS] = vt_put(msg, IFLA_ADDRESS, vt_peer_mac, 4);
	KUNIT_EXPECT_EQ(test, virtnet_validate(tb, NULL, &extack), -EINVAL);
	vt_expect_msg(test, &extack, "length");
	KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr,
			    (const struct nlattr *)tb[IFLA_ADDRESS]);

	memset(&extack, 0, sizeof(extack));
	tb[IFLA_ADDRESS] = vt_put(msg, IFLA_ADDRESS, vt_mcast_mac, ETH_ALEN);
	KUNIT_EXPECT_EQ(test, virtnet_validate(tb, NULL, &extack),
			-EADDRNOTAVAIL);
	vt_expect_msg(test, &extack, "unicast");
	KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr,
			    (const struct nlattr *)tb[IFLA_ADDRESS]);

	memset(&extack, 0, sizeof(extack));
	tb[IFLA_ADDRESS] = vt_put(msg, IFLA_ADDRESS, zero, ETH_ALEN);
	KUNIT_EXPECT_EQ(test, virtnet_validate(tb, NULL, &extack),
			-EADDRNOTAVAIL);
	vt_expect_msg(test, &extack, "unicast");
	kfree_skb(msg);
}

/* --- changes and teardown --- */

static void virtnet_test_set_filter(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct netlink_ext_ack extack = {};
	struct net_device *vnet;
	int err;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_ALL);
	rtnl_lock();
	err = virtnet_set_filter(vnet, VIRTNET_FILTER_MAC, &extack);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, err, -EBUSY);
	vt_expect_msg(test, &extack, "down");
	KUNIT_EXPECT_EQ(test, vt_priv(vnet)->filter, VIRTNET_FILTER_ALL);

	vt_close(vnet);
	rtnl_lock();
	err = virtnet_set_filter(vnet, VIRTNET_FILTER_MAC, NULL);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, vt_priv(vnet)->filter, VIRTNET_FILTER_MAC);
	KUNIT_EXPECT_TRUE(test, is_valid_ether_addr(vnet->dev_addr));
	KUNIT_EXPECT_FALSE(test, ether_addr_equal(vnet->dev_addr,
						  ctx->lower->dev_addr));

	rtnl_lock();
	err = virtnet_set_filter(vnet, VIRTNET_FILTER_ALL, NULL);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(vnet->dev_addr,
						 ctx->lower->dev_addr));
}

static void virtnet_test_changelink_mode_refused(struct kunit *test)
{
	struct nlattr *data[IFLA_VIRTNET_MAX + 1] = {};
	struct nlattr *tb[IFLA_MAX + 1] = {};
	struct netlink_ext_ack extack = {};
	struct net_device *vnet;
	struct sk_buff *msg;
	int err;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_ALL);
	msg = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	data[IFLA_VIRTNET_MODE] = vt_put_u32(msg, IFLA_VIRTNET_MODE,
					     VIRTNET_MODE_PTYPE);
	rtnl_lock();
	err = virtnet_link_ops.changelink(vnet, tb, data, &extack);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, err, -EOPNOTSUPP);
	vt_expect_msg(test, &extack, "mode");
	KUNIT_EXPECT_EQ(test, vt_priv(vnet)->mode, VIRTNET_MODE_RXHANDLER);
	kfree_skb(msg);
}

/* Deleting the virtual device gives the lower back as it was. */
static void virtnet_test_dellink_restores_lower(struct kunit *test)
{
	static const int modes[] = { VIRTNET_MODE_RXHANDLER,
				     VIRTNET_MODE_PTYPE };
	struct vt_ctx *ctx = test->priv;
	struct vt_lower_state before, after;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		vt_lower_state(ctx->lower, &before);
		vt_add(test, modes[i], VIRTNET_FILTER_MAC);
		vt_tap_del(&ctx->vtap);
		vt_dellink(ctx->vnet);
		ctx->vnet = NULL;
		vt_lower_state(ctx->lower, &after);
		KUNIT_EXPECT_NULL(test, after.rx_handler);
		KUNIT_EXPECT_FALSE(test, after.has_upper);
		KUNIT_EXPECT_EQ(test, after.refcnt, before.refcnt);
		KUNIT_EXPECT_EQ(test, after.ndevs, before.ndevs);
		rtnl_lock();
		KUNIT_EXPECT_NULL(test,
				  __dev_get_by_index(&init_net,
						     ctx->vnet_ifindex));
		rtnl_unlock();
	}
}

/* The lower goes away: the virtual device goes with it. */
static void virtnet_test_lower_unregister(struct kunit *test)
{
	static const int modes[] = { VIRTNET_MODE_RXHANDLER,
				     VIRTNET_MODE_PTYPE };
	struct vt_ctx *ctx = test->priv;
	struct net_device *lower = ctx->lower;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		if (!ctx->lower) {
			ctx->lower = vt_lower_create(test, ARPHRD_ETHER);
			KUNIT_ASSERT_NOT_NULL(test, ctx->lower);
		}
		lower = ctx->lower;
		vt_add(test, modes[i], VIRTNET_FILTER_ALL);
		vt_tap_del(&ctx->vtap);
		ctx->vnet = NULL;	/* from here on it may be gone */
		ctx->lower = NULL;
		vt_lower_destroy(lower);
		rtnl_lock();
		KUNIT_EXPECT_NULL(test,
				  __dev_get_by_index(&init_net,
						     ctx->vnet_ifindex));
		rtnl_unlock();
	}
}

static struct kunit_case virtnet_test_cases[] = {
	KUNIT_CASE(virtnet_test_rx_all_another),
	KUNIT_CASE(virtnet_test_rx_all_otherhost),
	KUNIT_CASE(virtnet_test_rx_all_broadcast),
	KUNIT_CASE(virtnet_test_rx_mac_own),
	KUNIT_CASE(virtnet_test_rx_mac_other_unicast),
	KUNIT_CASE(virtnet_test_rx_mac_broadcast),
	KUNIT_CASE(virtnet_test_rx_mac_multicast),
	KUNIT_CASE(virtnet_test_rx_loopback_pass),
	KUNIT_CASE(virtnet_test_rx_vnet_down_pass),
	KUNIT_CASE(virtnet_test_rx_shared_skb),
	KUNIT_CASE(virtnet_test_rx_cloned_skb),
	KUNIT_CASE(virtnet_test_rx_mac_bad_copy_dropped),
	KUNIT_CASE(virtnet_test_rx_mac_copy_too_big),
	KUNIT_CASE(virtnet_test_ptype_all_shared),
	KUNIT_CASE(virtnet_test_ptype_all_unshared),
	KUNIT_CASE(virtnet_test_ptype_mac_own),
	KUNIT_CASE(virtnet_test_ptype_mac_other_unicast),
	KUNIT_CASE(virtnet_test_ptype_mac_broadcast),
	KUNIT_CASE(virtnet_test_ptype_outgoing_loopback),
	KUNIT_CASE(virtnet_test_ptype_vnet_down),
	KUNIT_CASE(virtnet_test_receive_rxhandler),
	KUNIT_CASE(virtnet_test_receive_ptype_with_rx_handler),
	KUNIT_CASE(virtnet_test_tx_ok),
	KUNIT_CASE(virtnet_test_tx_dev_queue_xmit),
	KUNIT_CASE(virtnet_test_tx_lower_drops),
	KUNIT_CASE(virtnet_test_tx_lower_busy),
	KUNIT_CASE(virtnet_test_tx_lower_down),
	KUNIT_CASE(virtnet_test_tx_ptype_no_loop),
	KUNIT_CASE(virtnet_test_stats_percpu_sum),
	KUNIT_CASE(virtnet_test_stats_accumulate),
	KUNIT_CASE(virtnet_test_create_rxhandler),
	KUNIT_CASE(virtnet_test_create_ptype_mac),
	KUNIT_CASE(virtnet_test_create_mac_address),
	KUNIT_CASE(virtnet_test_create_ptype_shares_lower),
	KUNIT_CASE(virtnet_test_reject_loopback),
	KUNIT_CASE(virtnet_test_reject_not_ethernet),
	KUNIT_CASE(virtnet_test_reject_virtnet_lower),
	KUNIT_CASE(virtnet_test_reject_rx_handler_busy),
	KUNIT_CASE(virtnet_test_reject_second_rxhandler),
	KUNIT_CASE(virtnet_test_reject_mtu_above_lower),
	KUNIT_CASE(virtnet_test_reject_no_link),
	KUNIT_CASE(virtnet_test_reject_link_not_found),
	KUNIT_CASE(virtnet_test_reject_address_filter_all),
	KUNIT_CASE_PARAM(virtnet_test_policy, vt_attr_gen_params),
	KUNIT_CASE(virtnet_test_policy_unknown_attr_ignored),
	KUNIT_CASE(virtnet_test_validate_address),
	KUNIT_CASE(virtnet_test_set_filter),
	KUNIT_CASE(virtnet_test_changelink_mode_refused),
	KUNIT_CASE(virtnet_test_dellink_restores_lower),
	KUNIT_CASE(virtnet_test_lower_unregister),
	{}
};

static struct kunit_suite virtnet_test_suite = {
	.name = "virtnet",
	.init = vt_init,
	.exit = vt_exit,
	.test_cases = virtnet_test_cases,
};

kunit_test_suite(virtnet_test_suite);

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
MODULE_DESCRIPTION("KUnit tests for virtnet");
MODULE_LICENSE("GPL");
