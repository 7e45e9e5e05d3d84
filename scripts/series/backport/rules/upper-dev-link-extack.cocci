// SPDX-License-Identifier: GPL-2.0
/*
 * netdev_upper_dev_link() takes no extack before v4.15 (two arguments in
 * v4.14.325, three in v6.1.192).
 * Upstream: "net: Add extack to upper device linking" (v4.15).
 */
@@
expression L, U, E;
@@
- netdev_upper_dev_link(L, U, E)
+ netdev_upper_dev_link(L, U)
