// SPDX-License-Identifier: GPL-2.0
/*
 * virtnet: forward traffic between a lower (real) Ethernet device and a
 * virtual one. Ingress of the lower reaches the virtual device through an
 * rx_handler returning RX_HANDLER_ANOTHER, or through an ETH_P_ALL tap and
 * dev_forward_skb() so a bridge can keep the lower; egress of the virtual
 * device leaves through the lower with dev_queue_xmit().
 */

#include <linux/module.h>
#include <net/rtnetlink.h>

#include "virtnet.h"

static int __init virtnet_module_init(void)
{
	int err;

	err = virtnet_notifier_register();
	if (err)
		return err;

	err = rtnl_link_register(&virtnet_link_ops);
	if (err)
		virtnet_notifier_unregister();
	return err;
}

static void __exit virtnet_module_exit(void)
{
	rtnl_link_unregister(&virtnet_link_ops);
	virtnet_notifier_unregister();
}

module_init(virtnet_module_init);
module_exit(virtnet_module_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Virtual device forwarding to and from a lower Ethernet device");
MODULE_ALIAS_RTNL_LINK("virtnet");
