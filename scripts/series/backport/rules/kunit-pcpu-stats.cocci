// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite, after kunit-tstats: the per-CPU sum case presets
 * dev->tstats. Before v6.1.y's core-allocated stats (pcpu-stat-type) and
 * u64_stats_t counters, struct pcpu_sw_netstats has plain u64 counters
 * (v5.10.223 include/linux/netdevice.h:2589-2595, u64_stats_t in
 * v6.1.192 :2692-2693) and no dev->pcpu_stat_type: the driver allocates
 * dev->tstats in ndo_init. The case presets the counters with plain
 * additions inside the u64_stats_update_begin()/_end() section, as v5.10's
 * own drivers update them (dev_sw_netstats_rx_add(), netdevice.h:2605),
 * and checks that the driver's counters exist instead of their type (as
 * a truth value: sparse refuses a __percpu pointer as a const void *).
 * Upstream: "net: Move {l,t,d}stats allocation to core and convert veth &
 * vrf" (v6.7) and "net: use u64_stats_t in struct pcpu_sw_netstats"
 * (v6.2; both from memory, unverified).
 */
@@
expression T, D;
@@
- KUNIT_ASSERT_TRUE(T, D->pcpu_stat_type == NETDEV_PCPU_STAT_TSTATS);
+ KUNIT_ASSERT_TRUE(T, D->tstats);

@@
identifier d, f;
expression E;
@@
- u64_stats_add(&d->f, E);
+ d->f += E;
