// SPDX-License-Identifier: GPL-2.0
/*
 * The fakes the virtnet KUnit suites share, and the module that holds
 * them (one registration for the four suites).
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

#include "helpers.h"

const u8 vt_peer_mac[ETH_ALEN] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
const u8 vt_mcast_mac[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };

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
	if (tap->hold && !tap->held)
		tap->held = skb;
	else
		consume_skb(skb);
	return NET_RX_SUCCESS;
}

void vt_tap_add(struct vt_tap *tap, struct net_device *dev)
{
	memset(tap, 0, sizeof(*tap));
	tap->pt.type = htons(ETH_P_ALL);
	tap->pt.dev = dev;
	tap->pt.func = vt_tap_rcv;
	tap->pt.ignore_outgoing = true;
	dev_add_pack(&tap->pt);
	tap->added = true;
}

void vt_tap_del(struct vt_tap *tap)
{
	if (!tap->added)
		return;
	dev_remove_pack(&tap->pt);
	tap->added = false;
	consume_skb(tap->held);
	tap->held = NULL;
}

/* A bridge, bond or macvlan port stand-in: takes every frame. */
rx_handler_result_t vt_foreign_handler(struct sk_buff **pskb)
{
	struct vt_ctx *ctx = rcu_dereference((*pskb)->dev->rx_handler_data);

	ctx->foreign_count++;
	ctx->foreign_skb = *pskb;
	consume_skb(*pskb);
	return RX_HANDLER_CONSUMED;
}

struct net_device *vt_lower_create(struct kunit *test,
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

void vt_lower_destroy(struct net_device *dev)
{
	struct vt_lower_priv *lp = netdev_priv(dev);

	unregister_netdev(dev);
	kfree_skb(lp->kept);
	free_netdev(dev);
}

struct nlattr *vt_put(struct sk_buff *msg, int type, const void *data,
		      int len)
{
	struct nlattr *nla = nla_reserve(msg, type, len);

	if (nla)
		memcpy(nla_data(nla), data, len);
	return nla;
}

struct nlattr *vt_put_u32(struct sk_buff *msg, int type, u32 value)
{
	return vt_put(msg, type, &value, sizeof(value));
}

/* rtnl_newlink() for virtnet: parse IFLA_INFO_DATA with the driver's
 * policy as rtnetlink does, validate, rtnl_create_link(), newlink and
 * rtnl_configure_link(); on error the device is freed as
 * rtnl_newlink_create() frees it.
 */
int vt_newlink(struct kunit *test, const struct vt_link_req *req,
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
void vt_dellink(struct net_device *dev)
{
	LIST_HEAD(list_kill);

	rtnl_lock();
	virtnet_link_ops.dellink(dev, &list_kill);
	unregister_netdevice_many(&list_kill);
	rtnl_unlock();
}

int vt_open(struct net_device *dev)
{
	int err;

	rtnl_lock();
	err = dev_open(dev, NULL);
	rtnl_unlock();
	return err;
}

void vt_close(struct net_device *dev)
{
	rtnl_lock();
	dev_close(dev);
	rtnl_unlock();
}

/* Stack a virtnet device on the lower, set it up, tap it. */
struct net_device *vt_add(struct kunit *test, enum virtnet_mode mode,
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

bool vt_is_upper(struct net_device *lower, struct net_device *upper)
{
	bool ret;

	rtnl_lock();
	ret = netdev_has_upper_dev(lower, upper);
	rtnl_unlock();
	return ret;
}

struct virtnet *vt_priv(struct net_device *dev)
{
	return netdev_priv(dev);
}

int vt_case_init(struct kunit *test)
{
	struct vt_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	test->priv = ctx;
	ctx->lower = vt_lower_create(test, ARPHRD_ETHER);
	KUNIT_ASSERT_NOT_NULL(test, ctx->lower);
	return 0;
}

void vt_case_exit(struct kunit *test)
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
struct sk_buff *vt_rx_frame(struct kunit *test, struct net_device *lower,
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

/* The rx_handler as __netif_receive_skb_core() runs it: BHs off, RCU.
 * Copies are received in the same call (netif_receive_skb()), so they
 * reach the taps before this returns.
 */
rx_handler_result_t vt_handle(struct sk_buff **pskb)
{
	rx_handler_result_t ret;

	local_bh_disable();
	rcu_read_lock();
	ret = virtnet_handle_frame(pskb);
	rcu_read_unlock();
	local_bh_enable();
	return ret;
}

void vt_receive(struct sk_buff *skb)
{
	local_bh_disable();
	netif_receive_skb(skb);
	local_bh_enable();
}

void vt_stats(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	dev_get_stats(dev, s);
}

void vt_expect_rx(struct kunit *test, struct net_device *dev,
		  u64 packets, u64 bytes, u64 dropped)
{
	struct rtnl_link_stats64 s;

	vt_stats(dev, &s);
	KUNIT_EXPECT_EQ(test, s.rx_packets, packets);
	KUNIT_EXPECT_EQ(test, s.rx_bytes, bytes);
	KUNIT_EXPECT_EQ(test, s.rx_dropped, dropped);
}

void vt_expect_msg(struct kunit *test, struct netlink_ext_ack *extack,
		   const char *part)
{
	KUNIT_ASSERT_NOT_NULL(test, extack->_msg);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(extack->_msg, part),
				  "extack \"%s\" lacks \"%s\"", extack->_msg,
				  part);
}

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

void vt_lower_state(struct net_device *lower, struct vt_lower_state *s)
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

kunit_test_suites(&virtnet_receive_test_suite,
		  &virtnet_send_test_suite,
		  &virtnet_netlink_test_suite,
		  &virtnet_lifecycle_test_suite);

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
MODULE_DESCRIPTION("KUnit tests for virtnet");
MODULE_LICENSE("GPL");
