// SPDX-License-Identifier: GPL-2.0
/*
 * No reference trackers before v5.17: <net/net_trackers.h>,
 * netdevice_tracker and netdev_hold()/netdev_put() are absent in
 * v4.14.325 (present in v6.1.192); the reference is a plain
 * dev_hold()/dev_put().
 * Upstream: "net: add net device refcount tracker" (v5.17) and "net:
 * rename reference+tracking helpers" (v6.0, netdev_hold/netdev_put).
 */
@@
@@
- #include <net/net_trackers.h>

@track@
expression D, T, G;
@@
(
- netdev_hold(D, &T, G)
+ dev_hold(D)
|
- netdev_put(D, &T)
+ dev_put(D)
)

@@
identifier s, t;
@@
 struct s {
	...
-	netdevice_tracker t;
	...
 };
