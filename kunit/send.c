// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for virtnet: the transmit path and the counters.
 *
 * virtnet_start_xmit() with a lower that keeps, drops or refuses the
 * frame, and the per-CPU counters as dev_get_stats() sums them.
 */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "helpers.h"

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

static netdev_tx_t vt_xmit(struct net_device *dev, struct sk_buff *skb)
{
	netdev_tx_t ret;

	local_bh_disable();
	ret = virtnet_start_xmit(skb, dev);
	local_bh_enable();
	return ret;
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

static struct kunit_case virtnet_send_test_cases[] = {
	KUNIT_CASE(virtnet_test_tx_ok),
	KUNIT_CASE(virtnet_test_tx_dev_queue_xmit),
	KUNIT_CASE(virtnet_test_tx_lower_drops),
	KUNIT_CASE(virtnet_test_tx_lower_busy),
	KUNIT_CASE(virtnet_test_tx_lower_down),
	KUNIT_CASE(virtnet_test_tx_ptype_no_loop),
	KUNIT_CASE(virtnet_test_stats_percpu_sum),
	KUNIT_CASE(virtnet_test_stats_accumulate),
	{}
};

struct kunit_suite virtnet_send_test_suite = {
	.name = "virtnet_send",
	.init = vt_case_init,
	.exit = vt_case_exit,
	.test_cases = virtnet_send_test_cases,
};
