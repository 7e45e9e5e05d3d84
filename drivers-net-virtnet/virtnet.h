/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtnet: a virtual Ethernet device that forwards traffic between itself
 * and one lower (real) device.
 */

#ifndef _VIRTNET_H
#define _VIRTNET_H

#include <linux/if_link.h>
#include <linux/netdevice.h>
#include <net/net_trackers.h>

/* What the receive path does with a frame of the lower (struct virtnet's
 * @rx); the most common case is 0, the one a single test finds.
 */
enum virtnet_rx {
	VIRTNET_RX_ALL,		/* filter all, the virtual device is up */
	VIRTNET_RX_MAC,		/* filter mac, the virtual device is up */
	VIRTNET_RX_OFF,		/* the virtual device is down: nothing */
};

/**
 * struct virtnet - private data of a virtnet device
 * @dev: the virtnet device itself
 * @lower: the device virtnet is stacked on; held through @lower_tracker
 * @lower_tracker: tracks the reference held on @lower
 * @ptype: ETH_P_ALL tap bound to @lower, used in %VIRTNET_MODE_PTYPE only
 * @mode: how ingress of @lower reaches @dev, fixed at creation
 * @filter: which frames of @lower go to @dev; written under RTNL while
 *	@dev is down, read locklessly by fill_info (RTM_GETLINK may run
 *	without RTNL)
 * @rx: what the receive path does with the frames of @lower: @filter's
 *	while @dev is open (from ndo_open to ndo_stop), nothing otherwise;
 *	written under RTNL, read locklessly on the receive path, where it
 *	stands for @dev's flags and @filter in one read
 * @netpoll: netpoll of @lower that the netpoll users of @dev (netconsole)
 *	send through; set and cleared under RTNL by ndo_netpoll_setup and
 *	ndo_netpoll_cleanup, read locklessly on the transmit path
 */
struct virtnet {
	struct net_device *dev;
	struct net_device *lower;
	netdevice_tracker lower_tracker;
	struct packet_type ptype;
	enum virtnet_mode mode;
	enum virtnet_filter filter;
	enum virtnet_rx rx;
#ifdef CONFIG_NET_POLL_CONTROLLER
	struct netpoll *netpoll;
#endif
};

extern struct rtnl_link_ops virtnet_link_ops;

/* device.c */
void virtnet_setup(struct net_device *dev);
int virtnet_create(struct net_device *dev, struct net_device *lower,
		   enum virtnet_mode mode, enum virtnet_filter filter,
		   struct netlink_ext_ack *extack);
int virtnet_set_filter(struct net_device *dev, enum virtnet_filter filter,
		       struct netlink_ext_ack *extack);
bool netif_is_virtnet(const struct net_device *dev);
int virtnet_notifier_register(void);
void virtnet_notifier_unregister(void);

/* receive.c */
rx_handler_result_t virtnet_handle_frame(struct sk_buff **pskb);
int virtnet_ptype_rcv(struct sk_buff *skb, struct net_device *lower,
		      struct packet_type *pt, struct net_device *orig_dev);

/* send.c */
netdev_tx_t virtnet_start_xmit(struct sk_buff *skb, struct net_device *dev);

#if IS_ENABLED(CONFIG_KUNIT)
/* netlink.c */
int virtnet_validate(struct nlattr *tb[], struct nlattr *data[],
		     struct netlink_ext_ack *extack);
#endif

#endif /* _VIRTNET_H */
