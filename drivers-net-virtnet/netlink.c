// SPDX-License-Identifier: GPL-2.0
/*
 * virtnet netlink interface: "ip link add link DEV name NAME type virtnet
 * [mode rxhandler|ptype] [filter all|mac]".
 */

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>
#include <kunit/visibility.h>

#include "virtnet.h"

static const struct nla_policy virtnet_policy[IFLA_VIRTNET_MAX + 1] = {
	[IFLA_VIRTNET_UNSPEC]	= {
		.strict_start_type = IFLA_VIRTNET_UNSPEC + 1
	},
	[IFLA_VIRTNET_MODE]	= NLA_POLICY_MAX(NLA_U32, VIRTNET_MODE_MAX),
	[IFLA_VIRTNET_FILTER]	= NLA_POLICY_MAX(NLA_U32, VIRTNET_FILTER_MAX),
};

/* Runs without RTNL: only checks that need no device. */
VISIBLE_IF_KUNIT int virtnet_validate(struct nlattr *tb[],
				      struct nlattr *data[],
				      struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Invalid hardware address length");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Invalid unicast hardware address");
			return -EADDRNOTAVAIL;
		}
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(virtnet_validate);

static int virtnet_newlink(struct net_device *dev,
			   struct rtnl_newlink_params *params,
			   struct netlink_ext_ack *extack)
{
	struct net *link_net = rtnl_newlink_link_net(params);
	enum virtnet_filter filter = VIRTNET_FILTER_ALL;
	enum virtnet_mode mode = VIRTNET_MODE_RXHANDLER;
	struct nlattr **data = params->data;
	struct nlattr **tb = params->tb;
	struct net_device *lower;

	if (!tb[IFLA_LINK]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "lower device required (ip link add link DEV ...)");
		return -EINVAL;
	}
	lower = __dev_get_by_index(link_net, nla_get_u32(tb[IFLA_LINK]));
	if (!lower) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_LINK],
				    "lower device not found");
		return -ENODEV;
	}

	if (data && data[IFLA_VIRTNET_MODE])
		mode = nla_get_u32(data[IFLA_VIRTNET_MODE]);
	if (data && data[IFLA_VIRTNET_FILTER])
		filter = nla_get_u32(data[IFLA_VIRTNET_FILTER]);
	if (tb[IFLA_ADDRESS] && filter == VIRTNET_FILTER_ALL) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "filter all uses the lower device's address");
		return -EINVAL;
	}
	if (!tb[IFLA_MTU])
		dev->mtu = lower->mtu;

	return virtnet_create(dev, lower, mode, filter, extack);
}

static int virtnet_changelink(struct net_device *dev, struct nlattr *tb[],
			      struct nlattr *data[],
			      struct netlink_ext_ack *extack)
{
	struct virtnet *vn = netdev_priv(dev);
	u32 filter;

	if (!data)
		return 0;
	if (data[IFLA_VIRTNET_MODE] &&
	    nla_get_u32(data[IFLA_VIRTNET_MODE]) != vn->mode) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VIRTNET_MODE],
				    "mode cannot be changed after creation");
		return -EOPNOTSUPP;
	}
	if (!data[IFLA_VIRTNET_FILTER])
		return 0;
	filter = nla_get_u32(data[IFLA_VIRTNET_FILTER]);
	return virtnet_set_filter(dev, filter, extack);
}

static void virtnet_dellink(struct net_device *dev, struct list_head *head)
{
	struct virtnet *vn = netdev_priv(dev);

	unregister_netdevice_queue(dev, head);
	netdev_upper_dev_unlink(vn->lower, dev);
}

static size_t virtnet_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u32)) +	/* IFLA_VIRTNET_MODE */
	       nla_total_size(sizeof(u32));	/* IFLA_VIRTNET_FILTER */
}

static int virtnet_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct virtnet *vn = netdev_priv(dev);

	if (nla_put_u32(skb, IFLA_VIRTNET_MODE, vn->mode) ||
	    nla_put_u32(skb, IFLA_VIRTNET_FILTER, READ_ONCE(vn->filter)))
		return -EMSGSIZE;
	return 0;
}

static struct net *virtnet_get_link_net(const struct net_device *dev)
{
	const struct virtnet *vn = netdev_priv(dev);

	return dev_net(vn->lower);
}

struct rtnl_link_ops virtnet_link_ops __read_mostly = {
	.kind		= "virtnet",
	.priv_size	= sizeof(struct virtnet),
	.setup		= virtnet_setup,
	.maxtype	= IFLA_VIRTNET_MAX,
	.policy		= virtnet_policy,
	.validate	= virtnet_validate,
	.newlink	= virtnet_newlink,
	.changelink	= virtnet_changelink,
	.dellink	= virtnet_dellink,
	.get_size	= virtnet_get_size,
	.fill_info	= virtnet_fill_info,
	.get_link_net	= virtnet_get_link_net,
};
EXPORT_SYMBOL_IF_KUNIT(virtnet_link_ops);
