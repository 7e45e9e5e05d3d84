// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for virtnet: the receive paths.
 *
 * virtnet_handle_frame() (mode rxhandler), virtnet_ptype_rcv() (mode
 * ptype) and both behind netif_receive_skb() on the lower.
 */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/skbuff.h>

#include "helpers.h"

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

#if IS_ENABLED(CONFIG_FAILSLAB)
/* The receive paths allocate in softirq (GFP_ATOMIC), where no fail-nth
 * sweep of a netlink request reaches. The test's own task runs them
 * here, so its fail-nth fails their first slab allocation.
 */
static void vt_fail_first_alloc(void)
{
	WRITE_ONCE(current->fail_nth, 1);
}

/* Whether the armed fault was hit; disarms it either way. */
static bool vt_fault_hit(void)
{
	unsigned int left = READ_ONCE(current->fail_nth);

	WRITE_ONCE(current->fail_nth, 0);
	return !left;
}
#endif

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

/* The receive path's state follows open and close, and a filter changed
 * while the device is down applies once it is up again.
 */
static void virtnet_test_rx_follows_open(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb;
	int err;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_MAC);
	KUNIT_EXPECT_EQ(test, vt_priv(vnet)->rx, VIRTNET_RX_MAC);
	vt_close(vnet);
	KUNIT_EXPECT_EQ(test, vt_priv(vnet)->rx, VIRTNET_RX_OFF);

	rtnl_lock();
	err = virtnet_set_filter(vnet, VIRTNET_FILTER_ALL, NULL);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, vt_priv(vnet)->rx, VIRTNET_RX_OFF);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->dev_addr);
	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_PASS);
	kfree_skb(skb);

	KUNIT_ASSERT_EQ(test, vt_open(vnet), 0);
	KUNIT_EXPECT_EQ(test, vt_priv(vnet)->rx, VIRTNET_RX_ALL);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->dev_addr);
	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_ANOTHER);
	KUNIT_EXPECT_PTR_EQ(test, skb->dev, vnet);
	kfree_skb(skb);
	vt_expect_rx(test, vnet, 1, VT_FRAME_LEN, 0);
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

#if IS_ENABLED(CONFIG_FAILSLAB)
/* No memory for the unshared copy of a frame a tap still holds: the
 * handler's reference is dropped and counted, the tap's is left alone.
 */
static void virtnet_test_rx_unshare_fails(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb, *orig;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_ALL);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->dev_addr);
	orig = skb_get(skb);
	vt_snap(&snap, skb);

	vt_fail_first_alloc();
	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_CONSUMED);
	KUNIT_ASSERT_TRUE(test, vt_fault_hit());
	snap.users = 1;
	vt_expect_untouched(test, orig, &snap);
	vt_expect_rx(test, vnet, 0, 0, 1);
	kfree_skb(orig);
}

/* filter mac: no memory for the copy of a broadcast. The copy is counted
 * as dropped and the original still goes to the lower, as it was.
 */
static void virtnet_test_rx_mac_copy_fails(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb, *orig;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_RXHANDLER, VIRTNET_FILTER_MAC);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->broadcast);
	orig = skb;
	vt_snap(&snap, skb);

	vt_fail_first_alloc();
	KUNIT_EXPECT_EQ(test, vt_handle(&skb), RX_HANDLER_PASS);
	KUNIT_ASSERT_TRUE(test, vt_fault_hit());
	KUNIT_EXPECT_PTR_EQ(test, skb, orig);
	vt_expect_untouched(test, skb, &snap);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 0);
	vt_expect_rx(test, vnet, 0, 0, 1);
	kfree_skb(skb);
}
#endif

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

#if IS_ENABLED(CONFIG_FAILSLAB)
/* No memory for the tap's copy: the tap drops its own reference, counts
 * the drop and leaves the original to the lower's other handlers.
 */
static void virtnet_test_ptype_copy_fails(struct kunit *test)
{
	struct vt_ctx *ctx = test->priv;
	struct net_device *vnet;
	struct sk_buff *skb;
	struct vt_snap snap;

	vnet = vt_add(test, VIRTNET_MODE_PTYPE, VIRTNET_FILTER_ALL);
	skb = vt_rx_frame(test, ctx->lower, ctx->lower->dev_addr);
	vt_snap(&snap, skb);

	vt_fail_first_alloc();
	KUNIT_EXPECT_EQ(test, vt_ptype(vnet, skb, true), NET_RX_DROP);
	KUNIT_ASSERT_TRUE(test, vt_fault_hit());
	vt_expect_untouched(test, skb, &snap);
	KUNIT_EXPECT_EQ(test, ctx->vtap.count, 0);
	vt_expect_rx(test, vnet, 0, 0, 1);
	kfree_skb(skb);
}
#endif

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

static struct kunit_case virtnet_receive_test_cases[] = {
	KUNIT_CASE(virtnet_test_rx_all_another),
	KUNIT_CASE(virtnet_test_rx_all_otherhost),
	KUNIT_CASE(virtnet_test_rx_all_broadcast),
	KUNIT_CASE(virtnet_test_rx_mac_own),
	KUNIT_CASE(virtnet_test_rx_mac_other_unicast),
	KUNIT_CASE(virtnet_test_rx_mac_broadcast),
	KUNIT_CASE(virtnet_test_rx_mac_multicast),
	KUNIT_CASE(virtnet_test_rx_loopback_pass),
	KUNIT_CASE(virtnet_test_rx_vnet_down_pass),
	KUNIT_CASE(virtnet_test_rx_follows_open),
	KUNIT_CASE(virtnet_test_rx_shared_skb),
	KUNIT_CASE(virtnet_test_rx_cloned_skb),
#if IS_ENABLED(CONFIG_FAILSLAB)
	KUNIT_CASE(virtnet_test_rx_unshare_fails),
	KUNIT_CASE(virtnet_test_rx_mac_copy_fails),
#endif
	KUNIT_CASE(virtnet_test_rx_mac_bad_copy_dropped),
	KUNIT_CASE(virtnet_test_rx_mac_copy_too_big),
	KUNIT_CASE(virtnet_test_ptype_all_shared),
	KUNIT_CASE(virtnet_test_ptype_all_unshared),
#if IS_ENABLED(CONFIG_FAILSLAB)
	KUNIT_CASE(virtnet_test_ptype_copy_fails),
#endif
	KUNIT_CASE(virtnet_test_ptype_mac_own),
	KUNIT_CASE(virtnet_test_ptype_mac_other_unicast),
	KUNIT_CASE(virtnet_test_ptype_mac_broadcast),
	KUNIT_CASE(virtnet_test_ptype_outgoing_loopback),
	KUNIT_CASE(virtnet_test_ptype_vnet_down),
	KUNIT_CASE(virtnet_test_receive_rxhandler),
	KUNIT_CASE(virtnet_test_receive_ptype_with_rx_handler),
	{}
};

struct kunit_suite virtnet_receive_test_suite = {
	.name = "virtnet_receive",
	.init = vt_case_init,
	.exit = vt_case_exit,
	.test_cases = virtnet_receive_test_cases,
};
