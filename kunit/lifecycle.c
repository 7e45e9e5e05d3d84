// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for virtnet: changes and teardown.
 *
 * the filter change, changelink, dellink and the lower going away.
 */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>

#include "helpers.h"

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

static struct kunit_case virtnet_lifecycle_test_cases[] = {
	KUNIT_CASE(virtnet_test_set_filter),
	KUNIT_CASE(virtnet_test_changelink_mode_refused),
	KUNIT_CASE(virtnet_test_dellink_restores_lower),
	KUNIT_CASE(virtnet_test_lower_unregister),
	{}
};

struct kunit_suite virtnet_lifecycle_test_suite = {
	.name = "virtnet_lifecycle",
	.init = vt_case_init,
	.exit = vt_case_exit,
	.test_cases = virtnet_lifecycle_test_cases,
};
