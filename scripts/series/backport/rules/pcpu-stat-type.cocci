// SPDX-License-Identifier: GPL-2.0
/*
 * Before the core allocated per-CPU stats (dev->pcpu_stat_type, absent in
 * v4.14.325, present in v6.1.192), a driver allocated dev->tstats itself
 * in ndo_init and freed it when the device was freed.
 * Upstream: "net: Move {l,t,d}stats allocation to core and convert veth &
 * vrf" (v6.7, in 6.1.y through stable).
 *
 * Allocation first in ndo_init, so a failure leaves nothing to undo;
 * freeing in the priv_destructor, which runs once both after a failed
 * register_netdevice() and in netdev_run_todo().
 */
@setup@
identifier d;
@@
-	d->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;

@ops depends on setup@
identifier o, init;
@@
 struct net_device_ops o = {
	.ndo_init = init,
 };

@depends on setup@
identifier ops.init, d;
statement S, S1;
@@
 int init(struct net_device *d)
 {
	... when != S
+	d->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
+	if (!d->tstats)
+		return -ENOMEM;
+
	S1
	...
 }

@destructor depends on setup@
identifier d, fn;
@@
	d->priv_destructor = fn;

@depends on setup@
identifier destructor.fn, d;
@@
 void fn(struct net_device *d)
 {
	...
+	free_percpu(d->tstats);
 }
