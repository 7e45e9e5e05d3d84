// SPDX-License-Identifier: GPL-2.0
/*
 * Before the per-CPU core drop counters (dev->core_stats, absent in
 * v4.14.325, present in v6.1.192) the core kept them as atomic_long_t in
 * struct net_device, and dev_get_stats() adds those the same way.
 * Upstream: "net: add per-cpu storage and net->core_stats" (v5.18).
 */
@@
expression D;
@@
(
- dev_core_stats_rx_dropped_inc(D)
+ atomic_long_inc(&D->rx_dropped)
|
- dev_core_stats_tx_dropped_inc(D)
+ atomic_long_inc(&D->tx_dropped)
)
