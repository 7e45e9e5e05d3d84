// SPDX-License-Identifier: GPL-2.0
/*
 * Before v6.12 lockless transmit is the feature bit NETIF_F_LLTX, not the
 * dev->lltx flag (dev->lltx: present in v6.12.117, absent in v6.1.192).
 * Upstream: "netdev_features: convert NETIF_F_LLTX to dev->lltx" (v6.12).
 *
 * As a feature bit it must survive the ndo_init of a device that
 * overwrites dev->features there, and its ndo_fix_features: for such a
 * device it goes into the always-on mask that ndo_init ORs into
 * dev->features, as macvlan did before v6.12. Elsewhere (a device without
 * such an ndo_init, e.g. a test's fake lower) it is set in dev->features.
 */
@ops@
identifier o, init;
@@
 struct net_device_ops o = {
	.ndo_init = init,
 };

@always_on@
identifier ops.init, d, M;
@@
 init(struct net_device *d)
 {
	...
	d->features |= M;
	...
 }

@uses_ops@
identifier s, d, ops.o;
@@
 void s(struct net_device *d)
 {
	...
	d->netdev_ops = &o;
	...
 }

@setup depends on always_on@
identifier uses_ops.s, d;
symbol true;
@@
 void s(struct net_device *d)
 {
	...
-	d->lltx = true;
	...
 }

@depends on setup@
identifier always_on.M;
expression E;
@@
 #define M
 (E
+ | NETIF_F_LLTX
 )

@@
expression D;
symbol true;
@@
- D->lltx = true;
+ D->features |= NETIF_F_LLTX;
