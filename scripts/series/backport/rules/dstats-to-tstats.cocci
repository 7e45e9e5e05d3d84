// SPDX-License-Identifier: GPL-2.0
/*
 * The dev_dstats_*() helpers, and the core's summing of dstats in
 * dev_get_stats() for a driver without ndo_get_stats64, are newer than
 * the core allocation of per-CPU stats: v6.1.192 has pcpu_stat_type (and
 * struct pcpu_dstats, with plain u64 counters) but neither; v6.12.117 has
 * both. Upstream: Jeremy Kerr's dstats series ("net: core: add
 * dev_dstats helpers"-like subjects; the exact subjects and release are
 * from memory, unverified).
 *
 * v6.1 has the equivalent for tstats, so the driver uses that, as the
 * tunnel drivers of v6.1 do: the core allocates dev->tstats, the
 * dev_sw_netstats_*() helpers count, dev_get_tstats64() sums, and drops go
 * to the core's per-CPU drop counters, which dev_get_stats() adds.
 */
@tstats@
identifier d;
@@
-	d->pcpu_stat_type = NETDEV_PCPU_STAT_DSTATS;
+	d->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;

@@
expression D, L;
@@
(
- dev_dstats_rx_add(D, L)
+ dev_sw_netstats_rx_add(D, L)
|
- dev_dstats_tx_add(D, L)
+ dev_sw_netstats_tx_add(D, 1, L)
|
- dev_dstats_rx_dropped(D)
+ dev_core_stats_rx_dropped_inc(D)
|
- dev_dstats_tx_dropped(D)
+ dev_core_stats_tx_dropped_inc(D)
)

@depends on tstats@
identifier o, xmit;
@@
 struct net_device_ops o = {
	...,
	.ndo_start_xmit = xmit,
+	.ndo_get_stats64 = dev_get_tstats64,
	...
 };
