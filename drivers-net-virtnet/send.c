// SPDX-License-Identifier: GPL-2.0
/*
 * virtnet transmit path: frames of the virtual device leave through the
 * lower device.
 */

#include <linux/netdevice.h>
#include <linux/netpoll.h>
#include <linux/skbuff.h>
#include <kunit/visibility.h>

#include "virtnet.h"

#ifdef CONFIG_NET_POLL_CONTROLLER
/* A netpoll user of the virtual device (netconsole) sends with interrupts
 * off: the frame goes straight to the lower's driver through the lower's
 * netpoll, not through its qdisc. It is dropped when the lower is down,
 * and when ndo_netpoll_cleanup has just cleared the pointer (the netpoll
 * is freed only once no sender can still see it).
 */
static netdev_tx_t virtnet_netpoll_xmit(struct sk_buff *skb,
					struct net_device *dev)
{
	struct virtnet *vn = netdev_priv(dev);
	struct netpoll *np = READ_ONCE(vn->netpoll);
	unsigned int len = skb->len;
	netdev_tx_t ret;

	ret = netpoll_send_skb(np, skb);
	if (likely(ret == NETDEV_TX_OK))
		dev_dstats_tx_add(dev, len);
	else
		dev_dstats_tx_dropped(dev);
	return NETDEV_TX_OK;
}
#else
static netdev_tx_t virtnet_netpoll_xmit(struct sk_buff *skb,
					struct net_device *dev)
{
	/* Not reached: netpoll_tx_running() is false without netpoll. */
	dev_kfree_skb_any(skb);
	dev_dstats_tx_dropped(dev);
	return NETDEV_TX_OK;
}
#endif

/**
 * virtnet_start_xmit - ndo_start_xmit of the virtual device
 * @skb: frame to send, with the virtual device's Ethernet header
 * @dev: the virtual device
 *
 * The frame is retargeted to the lower and queued there, so the lower's
 * qdisc and driver see it as their own; GSO frames are segmented by the
 * lower only if it cannot offload them. A stacking loop cannot form
 * (virtnet refuses another virtnet as its lower, and the upper/lower links
 * refuse cycles), and dev_queue_xmit() bounds recursion through other
 * stacked devices. Frames of netpoll (netconsole), sent with interrupts
 * off, go out through the lower's netpoll instead, counted the same way.
 *
 * Return: %NETDEV_TX_OK always; the frame is sent or counted as dropped.
 */
netdev_tx_t virtnet_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct virtnet *vn = netdev_priv(dev);
	struct net_device *lower = vn->lower;
	unsigned int len = skb->len;
	int ret;

	if (unlikely(netpoll_tx_running(dev)))
		return virtnet_netpoll_xmit(skb, dev);

	/* A lower that is down would silently eat the frame in its noop
	 * qdisc and report congestion, not loss: count it as ours.
	 */
	if (unlikely(!netif_running(lower))) {
		dev_dstats_tx_dropped(dev);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}

	if (unlikely(!net_eq(dev_net(dev), dev_net(lower))))
		skb_scrub_packet(skb, true);
	skb->dev = lower;
	ret = dev_queue_xmit(skb);
	if (likely(ret == NET_XMIT_SUCCESS || ret == NET_XMIT_CN))
		dev_dstats_tx_add(dev, len);
	else
		dev_dstats_tx_dropped(dev);

	return NETDEV_TX_OK;
}
EXPORT_SYMBOL_IF_KUNIT(virtnet_start_xmit);
