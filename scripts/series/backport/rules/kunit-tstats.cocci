// SPDX-License-Identifier: GPL-2.0
/*
 * v6.1: the KUnit suite's per-CPU sum case presets the driver's counters
 * on every CPU. Before the dstats helpers (v6.12 has them, v6.1.192 does
 * not; see dstats-to-tstats.cocci) the driver counts in dev->tstats,
 * struct pcpu_sw_netstats, which has no drop counters: drops go to the
 * core's per-CPU core_stats, allocated on first use, which a test cannot
 * preset. On v6.1 the case presets and checks packets and bytes, and
 * checks that no drop was counted.
 */
@@
@@
- NETDEV_PCPU_STAT_DSTATS
+ NETDEV_PCPU_STAT_TSTATS

@@
identifier d;
expression V, C;
@@
- struct pcpu_dstats *d = per_cpu_ptr(V->dstats, C);
+ struct pcpu_sw_netstats *d = per_cpu_ptr(V->tstats, C);

@@
identifier d;
expression E;
@@
(
- u64_stats_add(&d->rx_drops, E);
|
- u64_stats_add(&d->tx_drops, E);
)

@@
identifier rxd = { rxd }, txd = { txd };
expression E;
@@
(
- rxd += E;
|
- txd += E;
)
