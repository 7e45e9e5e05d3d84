// SPDX-License-Identifier: GPL-2.0
/*
 * virtnet receive path: frames of the lower device enter the virtual device
 * here, either through the lower's rx_handler (mode rxhandler) or through an
 * ETH_P_ALL tap bound to the lower (mode ptype).
 */

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <kunit/visibility.h>

#include "virtnet.h"

/* What becomes of a frame seen on the lower. */
enum virtnet_verdict {
	VIRTNET_PASS,	/* not ours: the lower keeps it */
	VIRTNET_COPY,	/* multicast in filter mac: a copy is ours */
	VIRTNET_TAKE,	/* ours (filter all) */
	VIRTNET_HOST,	/* ours, addressed to the virtual device's own MAC */
};

static __always_inline enum virtnet_verdict
virtnet_classify(const struct net_device *dev, const struct sk_buff *skb)
{
	const struct virtnet *vn = netdev_priv(dev);
	const u8 *dest;

	switch (READ_ONCE(vn->rx)) {
	case VIRTNET_RX_ALL:
		return VIRTNET_TAKE;
	case VIRTNET_RX_MAC:
		break;
	default:
		return VIRTNET_PASS;
	}
	dest = eth_hdr(skb)->h_dest;
	if (is_multicast_ether_addr(dest))
		return VIRTNET_COPY;
	if (ether_addr_equal_64bits(dest, dev->dev_addr))
		return VIRTNET_HOST;
	return VIRTNET_PASS;
}

/* Hand a private copy of a received frame to the virtual device. @skb must
 * not be shared and its data must start at the network header, with the
 * Ethernet header right in front of it in the linear part, as after
 * eth_type_trans(); anything else is dropped rather than guessed at.
 * __dev_forward_skb() counts and frees what it refuses (device down, frame
 * too big). The copy is received at once, in this softirq pass, as the
 * bridge passes frames up: no backlog round, and a flow keeps its order.
 * Nesting is bounded by the device stack's (another virtnet cannot be the
 * lower, and the upper/lower links refuse cycles and limit the depth).
 */
static void virtnet_forward(struct net_device *dev, struct sk_buff *skb)
{
	if (unlikely(!skb_mac_header_was_set(skb) ||
		     skb_mac_offset(skb) != -ETH_HLEN)) {
		dev_dstats_rx_dropped(dev);
		kfree_skb(skb);
		return;
	}
	skb_push(skb, ETH_HLEN);
	if (__dev_forward_skb(dev, skb))
		return;

	dev_dstats_rx_add(dev, skb->len + ETH_HLEN);
	netif_receive_skb(skb);
}

/* A frame the virtual device takes from the lower: what both paths of
 * virtnet_handle_frame() end with.
 */
static __always_inline rx_handler_result_t
virtnet_take(struct net_device *dev, struct sk_buff *skb,
	     enum virtnet_verdict verdict)
{
	if (verdict == VIRTNET_HOST)
		skb->pkt_type = PACKET_HOST;
	skb->dev = dev;
	dev_dstats_rx_add(dev, skb->len + ETH_HLEN);
	return RX_HANDLER_ANOTHER;
}

/* The rare cases of virtnet_handle_frame(), out of line so that its
 * common path makes no call and saves no register.
 */
static noinline rx_handler_result_t
virtnet_handle_copy(struct net_device *dev, struct sk_buff *skb)
{
	struct sk_buff *nskb = skb_clone(skb, GFP_ATOMIC);

	if (nskb)
		virtnet_forward(dev, nskb);
	else
		dev_dstats_rx_dropped(dev);
	return RX_HANDLER_PASS;
}

static noinline rx_handler_result_t
virtnet_handle_unshare(struct sk_buff **pskb, struct net_device *dev,
		       enum virtnet_verdict verdict)
{
	struct sk_buff *skb = skb_share_check(*pskb, GFP_ATOMIC);

	if (unlikely(!skb)) {
		dev_dstats_rx_dropped(dev);
		return RX_HANDLER_CONSUMED;
	}
	if (!net_eq(dev_net(dev), dev_net(skb->dev)))
		skb_scrub_packet(skb, true);
	*pskb = skb;
	return virtnet_take(dev, skb, verdict);
}

/**
 * virtnet_handle_frame - rx_handler of the lower device (mode rxhandler)
 * @pskb: the received frame; may be replaced by an unshared copy
 *
 * Frames for the virtual device are retargeted to it and go another round
 * through __netif_receive_skb_core(); this costs no allocation, copy or
 * lock unless a tap still holds a reference to the frame. Frames while the
 * virtual device is down and looped-back frames are left to the lower.
 * Every frame of the lower passes here: the common case (an unshared frame
 * of the same namespace) is kept to loads, compares and the counters.
 *
 * Return: %RX_HANDLER_ANOTHER when the frame now belongs to the virtual
 * device, %RX_HANDLER_CONSUMED when it had to be dropped, otherwise
 * %RX_HANDLER_PASS.
 */
rx_handler_result_t virtnet_handle_frame(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct net_device *dev = rcu_dereference(skb->dev->rx_handler_data);
	enum virtnet_verdict verdict;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	verdict = virtnet_classify(dev, skb);
	if (verdict == VIRTNET_PASS)
		return RX_HANDLER_PASS;
	if (unlikely(verdict == VIRTNET_COPY))
		return virtnet_handle_copy(dev, skb);
	if (unlikely(skb_shared(skb) ||
		     !net_eq(dev_net(dev), dev_net(skb->dev))))
		return virtnet_handle_unshare(pskb, dev, verdict);
	return virtnet_take(dev, skb, verdict);
}
EXPORT_SYMBOL_IF_KUNIT(virtnet_handle_frame);

/**
 * virtnet_ptype_rcv - ETH_P_ALL tap on the lower device (mode ptype)
 * @skb: a shared reference to the received frame
 * @lower: the lower device
 * @pt: the tap, embedded in struct virtnet
 * @orig_dev: the device the frame arrived on
 *
 * Taps run before the lower's rx_handler, so a bridge or bond owning the
 * lower still processes the original frame; the virtual device gets its own
 * clone. The lower's outgoing frames are not ours: the tap is registered
 * with ignore_outgoing, and the check below keeps it that way for a
 * caller that delivers them anyway.
 *
 * Return: %NET_RX_SUCCESS, or %NET_RX_DROP when the copy could not be made.
 */
int virtnet_ptype_rcv(struct sk_buff *skb, struct net_device *lower,
		      struct packet_type *pt, struct net_device *orig_dev)
{
	struct virtnet *vn = container_of(pt, struct virtnet, ptype);
	struct net_device *dev = vn->dev;

	if (skb->pkt_type == PACKET_OUTGOING ||
	    skb->pkt_type == PACKET_LOOPBACK ||
	    virtnet_classify(dev, skb) == VIRTNET_PASS) {
		consume_skb(skb);
		return NET_RX_SUCCESS;
	}

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb)) {
		dev_dstats_rx_dropped(dev);
		return NET_RX_DROP;
	}
	virtnet_forward(dev, skb);
	return NET_RX_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(virtnet_ptype_rcv);
