// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for virtnet: creation and the netlink attributes.
 *
 * the newlink path with each of its checks (a rejected creation leaves
 * the lower as it found it), the policy and validate.
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
			    (void *)vnet);
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
	/* the copies are delivered one after the other: keep both alive */
	ctx->vtap.hold = true;
	KUNIT_ASSERT_EQ(test, vt_newlink(test, &req, &extack, &second), 0);
	ctx->vnet2 = second;
	KUNIT_EXPECT_TRUE(test, vt_is_upper(ctx->lower, second));
	KUNIT_EXPECT_PTR_EQ(test,
			    rcu_access_pointer(ctx->lower->rx_handler),
			    (rx_handler_func_t *)virtnet_handle_frame);
	KUNIT_ASSERT_EQ(test, vt_open(second), 0);
	vt_tap_add(&ctx->vtap2, second);
	ctx->vtap2.hold = true;

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
			    (void *)vnet);
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
	union {
		u8 u8;
		u16 u16;
		u32 u32;
		u64 u64;
	} v = {};
	int err;

	/* The value as an integer of the attribute's own size, in host
	 * order, as userspace puts it: the first bytes of a u64 are its
	 * high ones on a big-endian machine.
	 */
	switch (c->len) {
	case 1:
		v.u8 = c->value;
		break;
	case 2:
		v.u16 = c->value;
		break;
	case 4:
		v.u32 = c->value;
		break;
	default:
		v.u64 = c->value;
		break;
	}
	msg = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	nest = vt_one_attr(test, msg, c->type, &v, c->len, &nla);

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

/* What "ip -d link show" gets: fill_info puts each attribute as a u32 in
 * host byte order, within what get_size reserved. A put of another width
 * or byte order, or from a field of another size, reads back as another
 * value: a byte swap shows on a little-endian machine, a narrower put on
 * a big-endian one (the suite runs on s390 too).
 */
static void virtnet_test_fill_info(struct kunit *test)
{
	unsigned long seen = 0;
	struct net_device *vnet;
	struct sk_buff *skb;
	struct nlattr *nla;
	size_t size;
	int rem;

	vnet = vt_add(test, VIRTNET_MODE_PTYPE, VIRTNET_FILTER_MAC);
	size = virtnet_link_ops.get_size(vnet);
	skb = alloc_skb(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, virtnet_link_ops.fill_info(skb, vnet), 0);
	KUNIT_EXPECT_LE(test, (size_t)skb->len, size);

	nla_for_each_attr(nla, (struct nlattr *)skb->data, skb->len, rem) {
		KUNIT_EXPECT_EQ(test, nla_len(nla), (int)sizeof(u32));
		switch (nla_type(nla)) {
		case IFLA_VIRTNET_MODE:
			KUNIT_EXPECT_EQ(test, nla_get_u32(nla),
					(u32)VIRTNET_MODE_PTYPE);
			break;
		case IFLA_VIRTNET_FILTER:
			KUNIT_EXPECT_EQ(test, nla_get_u32(nla),
					(u32)VIRTNET_FILTER_MAC);
			break;
		default:
			KUNIT_FAIL(test, "unexpected attribute %d",
				   nla_type(nla));
			continue;
		}
		seen |= BIT(nla_type(nla));
	}
	KUNIT_EXPECT_EQ(test, rem, 0);
	KUNIT_EXPECT_EQ(test, seen,
			BIT(IFLA_VIRTNET_MODE) | BIT(IFLA_VIRTNET_FILTER));
	kfree_skb(skb);
}

static struct kunit_case virtnet_netlink_test_cases[] = {
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
	KUNIT_CASE(virtnet_test_fill_info),
	{}
};

struct kunit_suite virtnet_netlink_test_suite = {
	.name = "virtnet_netlink",
	.init = vt_case_init,
	.exit = vt_case_exit,
	.test_cases = virtnet_netlink_test_cases,
};
