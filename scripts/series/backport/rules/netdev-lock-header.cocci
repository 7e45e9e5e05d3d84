// SPDX-License-Identifier: GPL-2.0
/*
 * <net/netdev_lock.h> came with the netdev instance lock work after v6.12
 * (absent in v6.12.117, present in v7.3.4); before it,
 * netdev_lockdep_set_classes() lives in <linux/netdevice.h>, which the
 * driver includes anyway.
 */
@@
@@
- #include <net/netdev_lock.h>
