// SPDX-License-Identifier: GPL-2.0
/*
 * net_device_ops::ndo_netpoll_setup takes (struct net_device *dev, struct
 * netpoll_info *info) before v7.x: two arguments in v6.12.117 (and in
 * v6.1.192, v5.10.223, v4.14.325), one in v7.3.4; __netpoll_setup() passes
 * the device's new netpoll_info, which virtnet, like macvlan and 8021q,
 * does not use. Upstream: the netpoll_info argument of ndo_netpoll_setup
 * was dropped after v6.12 (subject and release from memory, unverified).
 */
@ops@
identifier o, fn;
@@
 struct net_device_ops o = {
	.ndo_netpoll_setup = fn,
 };

@@
identifier ops.fn, dev;
@@
 int fn(struct net_device *dev
+	, struct netpoll_info *npinfo
 )
 {...}
