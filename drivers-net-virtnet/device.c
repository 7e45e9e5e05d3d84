// SPDX-License-Identifier: GPL-2.0
/*
 * virtnet device: creation, attachment to the lower device, the state the
 * virtual device inherits from it, and teardown.
 */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/netpoll.h>
#include <linux/rtnetlink.h>
#include <net/netdev_lock.h>
#include <net/rtnetlink.h>
#include <kunit/visibility.h>

#include "virtnet.h"

/* Offloads taken from the lower when it has them ... */
#define VIRTNET_FEATURES \
	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | NETIF_F_FRAGLIST | \
	 NETIF_F_GSO | NETIF_F_ALL_TSO | NETIF_F_GSO_ROBUST | \
	 NETIF_F_GRO | NETIF_F_RXCSUM | \
	 NETIF_F_HW_VLAN_CTAG_FILTER | NETIF_F_HW_VLAN_STAG_FILTER)

/* ... and those that are always on, since the lower segments and checksums
 * in software whatever it cannot offload.
 */
#define VIRTNET_ALWAYS_ON \
	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_GSO_ROBUST | \
	 NETIF_F_GSO_SOFTWARE | NETIF_F_GSO_ENCAP_ALL)

#define VIRTNET_STATE_MASK \
	((1 << __LINK_STATE_NOCARRIER) | (1 << __LINK_STATE_DORMANT))

bool netif_is_virtnet(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &virtnet_link_ops;
}
EXPORT_SYMBOL_IF_KUNIT(netif_is_virtnet);

/* Offloads, TSO limits and headroom come from the lower. */
static void virtnet_inherit(struct net_device *dev, struct net_device *lower)
{
	netif_inherit_tso_max(dev, lower);
	dev->hard_header_len = lower->hard_header_len;
	dev->needed_headroom = lower->needed_headroom;
	dev->needed_tailroom = lower->needed_tailroom;
}

static int virtnet_init(struct net_device *dev)
{
	struct virtnet *vn = netdev_priv(dev);
	struct net_device *lower = vn->lower;

	dev->state = (dev->state & ~VIRTNET_STATE_MASK) |
		     (lower->state & VIRTNET_STATE_MASK);
	dev->features = lower->features & VIRTNET_FEATURES;
	dev->features |= VIRTNET_ALWAYS_ON;
	dev->vlan_features = lower->vlan_features & VIRTNET_FEATURES;
	dev->vlan_features |= VIRTNET_ALWAYS_ON;
	dev->hw_enc_features |= dev->features;
	virtnet_inherit(dev, lower);

	netdev_lockdep_set_classes(dev);
	netdev_hold(lower, &vn->lower_tracker, GFP_KERNEL);
	return 0;
}

/* Undo what virtnet_create() attached to the lower. Runs for every way a
 * virtnet device goes away: dellink, the lower's unregistration, netns
 * teardown, module unload and a failed creation.
 */
static void virtnet_uninit(struct net_device *dev)
{
	struct virtnet *vn = netdev_priv(dev);
	struct net_device *lower = vn->lower;

	if (vn->ptype.func) {
		dev_remove_pack(&vn->ptype);
		vn->ptype.func = NULL;
	} else if (rtnl_dereference(lower->rx_handler_data) == dev) {
		netdev_rx_handler_unregister(lower);
	}
}

static void virtnet_free(struct net_device *dev)
{
	struct virtnet *vn = netdev_priv(dev);

	netdev_put(vn->lower, &vn->lower_tracker);
}

static bool virtnet_own_addr(const struct net_device *dev)
{
	const struct virtnet *vn = netdev_priv(dev);

	return !ether_addr_equal(dev->dev_addr, vn->lower->dev_addr);
}

static int virtnet_open(struct net_device *dev)
{
	struct virtnet *vn = netdev_priv(dev);
	struct net_device *lower = vn->lower;
	int err;

	if (virtnet_own_addr(dev)) {
		err = dev_uc_add(lower, dev->dev_addr);
		if (err)
			return err;
	}
	if (dev->flags & IFF_ALLMULTI) {
		err = dev_set_allmulti(lower, 1);
		if (err)
			goto del_unicast;
	}
	if (dev->flags & IFF_PROMISC) {
		err = dev_set_promiscuity(lower, 1);
		if (err)
			goto clear_multi;
	}
	WRITE_ONCE(vn->rx, vn->filter == VIRTNET_FILTER_ALL ?
		   VIRTNET_RX_ALL : VIRTNET_RX_MAC);
	return 0;

clear_multi:
	if (dev->flags & IFF_ALLMULTI)
		dev_set_allmulti(lower, -1);
del_unicast:
	if (virtnet_own_addr(dev))
		dev_uc_del(lower, dev->dev_addr);
	return err;
}

static int virtnet_stop(struct net_device *dev)
{
	struct virtnet *vn = netdev_priv(dev);
	struct net_device *lower = vn->lower;

	WRITE_ONCE(vn->rx, VIRTNET_RX_OFF);
	dev_uc_unsync(lower, dev);
	dev_mc_unsync(lower, dev);
	if (dev->flags & IFF_ALLMULTI)
		dev_set_allmulti(lower, -1);
	if (dev->flags & IFF_PROMISC)
		dev_set_promiscuity(lower, -1);
	if (virtnet_own_addr(dev))
		dev_uc_del(lower, dev->dev_addr);
	return 0;
}

static void virtnet_change_rx_flags(struct net_device *dev, int change)
{
	struct virtnet *vn = netdev_priv(dev);

	if (!(dev->flags & IFF_UP))
		return;
	if (change & IFF_ALLMULTI)
		dev_set_allmulti(vn->lower, dev->flags & IFF_ALLMULTI ? 1 : -1);
	if (change & IFF_PROMISC)
		dev_set_promiscuity(vn->lower,
				    dev->flags & IFF_PROMISC ? 1 : -1);
}

/* The lower must accept what the stack on the virtual device listens to. */
static void virtnet_set_rx_mode(struct net_device *dev)
{
	struct virtnet *vn = netdev_priv(dev);

	dev_uc_sync(vn->lower, dev);
	dev_mc_sync(vn->lower, dev);
}

static int virtnet_set_mac_address(struct net_device *dev, void *p)
{
	struct virtnet *vn = netdev_priv(dev);
	struct sockaddr *addr = p;
	int err;

	if (vn->filter == VIRTNET_FILTER_ALL)
		return -EOPNOTSUPP;	/* the lower's address is ours */
	if (!is_valid_ether_addr(addr->sa_data))
		return -EADDRNOTAVAIL;
	if (ether_addr_equal(dev->dev_addr, addr->sa_data))
		return 0;

	if (dev->flags & IFF_UP) {
		err = dev_uc_add(vn->lower, addr->sa_data);
		if (err)
			return err;
		if (virtnet_own_addr(dev))
			dev_uc_del(vn->lower, dev->dev_addr);
	}
	eth_hw_addr_set(dev, addr->sa_data);
	return 0;
}

static int virtnet_change_mtu(struct net_device *dev, int new_mtu)
{
	struct virtnet *vn = netdev_priv(dev);

	if (new_mtu > READ_ONCE(vn->lower->mtu))
		return -EINVAL;
	WRITE_ONCE(dev->mtu, new_mtu);
	return 0;
}

static netdev_features_t virtnet_fix_features(struct net_device *dev,
					      netdev_features_t features)
{
	struct virtnet *vn = netdev_priv(dev);

	features |= NETIF_F_ALL_FOR_ALL;
	features = netdev_increment_features(vn->lower->features, features,
					     features);
	features |= VIRTNET_ALWAYS_ON;
	features &= VIRTNET_FEATURES | VIRTNET_ALWAYS_ON;
	return features;
}

/* VLANs stacked on the virtual device must pass the lower's VLAN filter. */
static int virtnet_vlan_rx_add_vid(struct net_device *dev, __be16 proto,
				   u16 vid)
{
	struct virtnet *vn = netdev_priv(dev);

	return vlan_vid_add(vn->lower, proto, vid);
}

static int virtnet_vlan_rx_kill_vid(struct net_device *dev, __be16 proto,
				    u16 vid)
{
	struct virtnet *vn = netdev_priv(dev);

	vlan_vid_del(vn->lower, proto, vid);
	return 0;
}

static int virtnet_get_iflink(const struct net_device *dev)
{
	const struct virtnet *vn = netdev_priv(dev);

	return READ_ONCE(vn->lower->ifindex);
}

#ifdef CONFIG_NET_POLL_CONTROLLER
/* netpoll on the virtual device sends through a netpoll of the lower,
 * which polls the lower: there is nothing of our own to poll.
 */
static void virtnet_poll_controller(struct net_device *dev)
{
}

/* The first netpoll user (netconsole, say) binds to the virtual device:
 * __netpoll_setup() calls this under RTNL. A lower that cannot do netpoll
 * (one with IFF_DISABLE_NETPOLL) refuses it, and so the virtual device
 * does, with the lower's error. netpoll transmits only; receive through
 * the rx_handler or the tap is unaffected.
 */
static int virtnet_netpoll_setup(struct net_device *dev)
{
	struct virtnet *vn = netdev_priv(dev);
	struct netpoll *np;
	int err;

	ASSERT_RTNL();

	np = kzalloc_obj(*np);
	if (!np)
		return -ENOMEM;

	err = __netpoll_setup(np, vn->lower);
	if (err) {
		kfree(np);
		return err;
	}
	WRITE_ONCE(vn->netpoll, np);
	return 0;
}

/* The last netpoll user of the virtual device is gone, under RTNL: it was
 * disabled, or the device is unregistering (dellink, the lower's
 * unregistration, netns teardown), which netpoll users handle on
 * NETDEV_UNREGISTER, before ndo_uninit and while the lower is still held.
 * The netpoll is freed only once no sender can still see the old pointer.
 */
static void virtnet_netpoll_cleanup(struct net_device *dev)
{
	struct virtnet *vn = netdev_priv(dev);
	struct netpoll *np = vn->netpoll;

	ASSERT_RTNL();

	if (!np)
		return;
	WRITE_ONCE(vn->netpoll, NULL);
	__netpoll_free(np);
}
#endif /* CONFIG_NET_POLL_CONTROLLER */

static const struct net_device_ops virtnet_netdev_ops = {
	.ndo_init		= virtnet_init,
	.ndo_uninit		= virtnet_uninit,
	.ndo_open		= virtnet_open,
	.ndo_stop		= virtnet_stop,
	.ndo_start_xmit		= virtnet_start_xmit,
	.ndo_features_check	= passthru_features_check,
	.ndo_change_rx_flags	= virtnet_change_rx_flags,
	.ndo_set_rx_mode	= virtnet_set_rx_mode,
	.ndo_set_mac_address	= virtnet_set_mac_address,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_change_mtu		= virtnet_change_mtu,
	.ndo_fix_features	= virtnet_fix_features,
	.ndo_vlan_rx_add_vid	= virtnet_vlan_rx_add_vid,
	.ndo_vlan_rx_kill_vid	= virtnet_vlan_rx_kill_vid,
	.ndo_get_iflink		= virtnet_get_iflink,
#ifdef CONFIG_NET_POLL_CONTROLLER
	.ndo_poll_controller	= virtnet_poll_controller,
	.ndo_netpoll_setup	= virtnet_netpoll_setup,
	.ndo_netpoll_cleanup	= virtnet_netpoll_cleanup,
#endif
};

static void virtnet_get_drvinfo(struct net_device *dev,
				struct ethtool_drvinfo *info)
{
	const struct virtnet *vn = netdev_priv(dev);

	strscpy(info->driver, "virtnet", sizeof(info->driver));
	strscpy(info->bus_info, vn->lower->name, sizeof(info->bus_info));
}

static int virtnet_get_link_ksettings(struct net_device *dev,
				      struct ethtool_link_ksettings *cmd)
{
	const struct virtnet *vn = netdev_priv(dev);

	return __ethtool_get_link_ksettings(vn->lower, cmd);
}

static const struct ethtool_ops virtnet_ethtool_ops = {
	.get_drvinfo		= virtnet_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= virtnet_get_link_ksettings,
};

void virtnet_setup(struct net_device *dev)
{
	struct virtnet *vn = netdev_priv(dev);

	/* down until ndo_open: the lower keeps its frames */
	vn->rx = VIRTNET_RX_OFF;
	ether_setup(dev);
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_UNICAST_FLT | IFF_NO_QUEUE;
	netif_keep_dst(dev);
	dev->lltx = true;
	dev->max_mtu = ETH_MAX_MTU;
	dev->hw_features = VIRTNET_FEATURES;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_DSTATS;
	dev->needs_free_netdev = true;
	dev->priv_destructor = virtnet_free;
	dev->netdev_ops = &virtnet_netdev_ops;
	dev->ethtool_ops = &virtnet_ethtool_ops;
	/* netif_is_virtnet() must hold however the device was allocated. */
	dev->rtnl_link_ops = &virtnet_link_ops;
}
EXPORT_SYMBOL_IF_KUNIT(virtnet_setup);

/* Ingress of the lower starts reaching the virtual device from here on. */
static int virtnet_attach(struct virtnet *vn, struct netlink_ext_ack *extack)
{
	int err;

	if (vn->mode == VIRTNET_MODE_PTYPE) {
		vn->ptype.type = htons(ETH_P_ALL);
		vn->ptype.dev = vn->lower;
		vn->ptype.func = virtnet_ptype_rcv;
		vn->ptype.ignore_outgoing = true;
		dev_add_pack(&vn->ptype);
		return 0;
	}

	err = netdev_rx_handler_register(vn->lower, virtnet_handle_frame,
					 vn->dev);
	if (err)
		NL_SET_ERR_MSG_MOD(extack,
				   "cannot register an rx_handler on the lower device: use mode ptype");
	return err;
}

/* The checks that need RTNL and the lower, before anything is changed. */
static int virtnet_check_lower(struct net_device *dev, struct net_device *lower,
			       enum virtnet_mode mode,
			       struct netlink_ext_ack *extack)
{
	if (lower->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG_MOD(extack,
				   "lower device must not be a loopback device");
		return -EINVAL;
	}
	if (lower->type != ARPHRD_ETHER || lower->addr_len != ETH_ALEN) {
		NL_SET_ERR_MSG_MOD(extack,
				   "lower device must be an Ethernet device");
		return -EINVAL;
	}
	if (netif_is_virtnet(lower)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "lower device must not be a virtnet device");
		return -EINVAL;
	}
	if (mode == VIRTNET_MODE_RXHANDLER) {
		if (rcu_access_pointer(lower->rx_handler) ==
		    virtnet_handle_frame) {
			NL_SET_ERR_MSG_MOD(extack,
					   "lower device already has a virtnet in mode rxhandler: use mode ptype");
			return -EBUSY;
		}
		if (netdev_is_rx_handler_busy(lower)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "lower device already has an rx_handler (bridge port, bond or macvlan?): use mode ptype");
			return -EBUSY;
		}
	}
	if (dev->mtu > lower->mtu) {
		NL_SET_ERR_MSG_MOD(extack,
				   "MTU exceeds the lower device's MTU");
		return -EINVAL;
	}
	return 0;
}

/**
 * virtnet_create - stack a new virtnet device on a lower device
 * @dev: the new device, allocated with virtnet_setup() and not registered
 * @lower: the device to stack on
 * @mode: how the lower's ingress reaches @dev
 * @filter: which of the lower's frames go to @dev
 * @extack: netlink extended ACK for error messages
 *
 * Context: RTNL held.
 * Return: 0 on success. On error nothing is left attached to @lower and
 * @dev is either unregistered or queued for unregistration; the caller
 * frees it with free_netdev() as it would after a failed newlink.
 */
int virtnet_create(struct net_device *dev, struct net_device *lower,
		   enum virtnet_mode mode, enum virtnet_filter filter,
		   struct netlink_ext_ack *extack)
{
	struct virtnet *vn = netdev_priv(dev);
	int err;

	ASSERT_RTNL();

	err = virtnet_check_lower(dev, lower, mode, extack);
	if (err)
		return err;

	vn->dev = dev;
	vn->lower = lower;
	vn->mode = mode;
	vn->filter = filter;
	dev->max_mtu = lower->max_mtu;
	if (filter == VIRTNET_FILTER_ALL)
		eth_hw_addr_set(dev, lower->dev_addr);
	else if (!is_valid_ether_addr(dev->dev_addr))
		eth_hw_addr_random(dev);

	err = register_netdevice(dev);
	if (err)
		return err;

	err = netdev_upper_dev_link(lower, dev, extack);
	if (err)
		goto unregister;

	err = virtnet_attach(vn, extack);
	if (err)
		goto unlink;

	netif_stacked_transfer_operstate(lower, dev);
	linkwatch_fire_event(dev);
	return 0;

unlink:
	netdev_upper_dev_unlink(lower, dev);
unregister:
	unregister_netdevice(dev);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(virtnet_create);

/**
 * virtnet_set_filter - change the filter of a virtnet device
 * @dev: the virtnet device; must be down unless @filter is its filter
 * @filter: the new filter
 * @extack: netlink extended ACK for error messages
 *
 * Switching to filter all takes the lower's address; switching to filter
 * mac gives @dev a random address of its own.
 *
 * Context: RTNL held.
 * Return: 0 or a negative errno.
 */
int virtnet_set_filter(struct net_device *dev, enum virtnet_filter filter,
		       struct netlink_ext_ack *extack)
{
	struct virtnet *vn = netdev_priv(dev);

	ASSERT_RTNL();

	if (filter == vn->filter)
		return 0;
	if (dev->flags & IFF_UP) {
		NL_SET_ERR_MSG_MOD(extack,
				   "set the device down to change its filter");
		return -EBUSY;
	}

	WRITE_ONCE(vn->filter, filter);
	if (filter == VIRTNET_FILTER_ALL)
		eth_hw_addr_set(dev, vn->lower->dev_addr);
	else
		eth_hw_addr_random(dev);
	call_netdevice_notifiers(NETDEV_CHANGEADDR, dev);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(virtnet_set_filter);

/* The first virtnet device stacked on @lower. RTNL, which the callers
 * hold, keeps the adjacency lists stable.
 */
static struct net_device *virtnet_first_upper(struct net_device *lower)
{
	struct net_device *upper;
	struct list_head *iter;

	netdev_for_each_upper_dev_rcu(lower, upper, iter)
		if (netif_is_virtnet(upper))
			return upper;
	return NULL;
}

/* The lower goes away: so do the devices stacked on it, in the same
 * unregistration batch. Each dellink unlinks a device from the lower, so
 * the search starts over rather than walking a list it changes.
 */
static void virtnet_lower_unregister(struct net_device *lower)
{
	struct net_device *upper;
	LIST_HEAD(list_kill);

	while ((upper = virtnet_first_upper(lower)))
		virtnet_link_ops.dellink(upper, &list_kill);
	unregister_netdevice_many(&list_kill);
}

/* Carry an event of the lower over to one virtnet device stacked on it.
 * Nothing here may take the lower's instance lock: for an ops-locked lower,
 * several of these events arrive with it held.
 */
static void virtnet_lower_event(struct net_device *lower,
				struct net_device *dev, unsigned long event)
{
	struct virtnet *vn = netdev_priv(dev);

	switch (event) {
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
		netif_stacked_transfer_operstate(lower, dev);
		break;
	case NETDEV_CHANGEMTU:
		if (dev->mtu > lower->mtu)
			dev_set_mtu(dev, lower->mtu);
		break;
	case NETDEV_FEAT_CHANGE:
		virtnet_inherit(dev, lower);
		netdev_update_features(dev);
		break;
	case NETDEV_CHANGEADDR:
		if (vn->filter != VIRTNET_FILTER_ALL)
			break;
		eth_hw_addr_set(dev, lower->dev_addr);
		call_netdevice_notifiers(NETDEV_CHANGEADDR, dev);
		break;
	case NETDEV_NOTIFY_PEERS:
	case NETDEV_RESEND_IGMP:
		call_netdevice_notifiers(event, dev);
		break;
	}
}

static int virtnet_device_event(struct notifier_block *unused,
				unsigned long event, void *ptr)
{
	struct net_device *lower = netdev_notifier_info_to_dev(ptr);
	struct net_device *upper;
	struct list_head *iter;

	switch (event) {
	case NETDEV_PRE_TYPE_CHANGE:
		/* The lower must stay Ethernet while virtnet is on it. */
		return virtnet_first_upper(lower) ? NOTIFY_BAD : NOTIFY_DONE;
	case NETDEV_UNREGISTER:
		/* A netns move of the lower unregisters it too: stay. */
		if (lower->reg_state == NETREG_UNREGISTERING)
			virtnet_lower_unregister(lower);
		return NOTIFY_DONE;
	}

	netdev_for_each_upper_dev_rcu(lower, upper, iter)
		if (netif_is_virtnet(upper))
			virtnet_lower_event(lower, upper, event);
	return NOTIFY_DONE;
}

static struct notifier_block virtnet_notifier_block = {
	.notifier_call = virtnet_device_event,
};

int virtnet_notifier_register(void)
{
	return register_netdevice_notifier(&virtnet_notifier_block);
}

void virtnet_notifier_unregister(void)
{
	unregister_netdevice_notifier(&virtnet_notifier_block);
}
