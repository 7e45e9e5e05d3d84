// SPDX-License-Identifier: GPL-2.0
/*
 * v4.14 has struct pcpu_sw_netstats (plain u64 counters) but none of the
 * helpers around it: dev_sw_netstats_rx_add(), dev_sw_netstats_tx_add()
 * and dev_get_tstats64() are absent in v4.14.325 and present in v6.1.192.
 * Upstream (subjects from memory, unverified): Heiner Kallweit's v5.10
 * series adding dev_fetch_sw_netstats(), dev_sw_netstats_rx_add() and
 * dev_sw_netstats_tx_add(), and "net: add dev_get_tstats64 as a
 * ndo_get_stats64 implementation" (v5.11).
 *
 * The driver gets them as its own functions, written the 4.14 way: static
 * inlines in its header for the two counters, and an ndo_get_stats64
 * that sums dev->tstats with u64_stats_fetch_begin_irq(), as v4.14's
 * dummy and vrf drivers do.
 */
@calls@
expression D, L;
@@
(
- dev_sw_netstats_rx_add(D, L)
+ virtnet_tstats_rx_add(D, L)
|
- dev_sw_netstats_tx_add(D, 1, L)
+ virtnet_tstats_tx_add(D, L)
)

// The header: one rule per function, so each keeps its blank line. Only
// when calls were converted (all files are one unit for spatch), so that
// a second run adds nothing.
@depends on calls@
identifier o;
@@
+/* Per-CPU counters in dev->tstats, allocated in ndo_init and summed by
+ * ndo_get_stats64.
+ */
+static inline void virtnet_tstats_rx_add(struct net_device *dev,
+					 unsigned int len)
+{
+	struct pcpu_sw_netstats *tstats = this_cpu_ptr(dev->tstats);
+
+	u64_stats_update_begin(&tstats->syncp);
+	tstats->rx_packets++;
+	tstats->rx_bytes += len;
+	u64_stats_update_end(&tstats->syncp);
+}
+
 extern struct rtnl_link_ops o;

@depends on calls@
identifier o;
@@
+static inline void virtnet_tstats_tx_add(struct net_device *dev,
+					 unsigned int len)
+{
+	struct pcpu_sw_netstats *tstats = this_cpu_ptr(dev->tstats);
+
+	u64_stats_update_begin(&tstats->syncp);
+	tstats->tx_packets++;
+	tstats->tx_bytes += len;
+	u64_stats_update_end(&tstats->syncp);
+}
+
 extern struct rtnl_link_ops o;

// The reader, where dev_get_tstats64 was the ndo.
@nops@
identifier o;
symbol dev_get_tstats64;
@@
 struct net_device_ops o = {
	.ndo_get_stats64 =
-	dev_get_tstats64
+	virtnet_get_stats64
	,
 };

@depends on nops@
identifier nops.o;
iterator name for_each_possible_cpu;
@@
+static void virtnet_get_stats64(struct net_device *dev,
+				struct rtnl_link_stats64 *s)
+{
+	int cpu;
+
+	netdev_stats_to_stats64(s, &dev->stats);
+	for_each_possible_cpu(cpu) {
+		const struct pcpu_sw_netstats *tstats;
+		u64 rx_packets;
+		u64 rx_bytes;
+		u64 tx_packets;
+		u64 tx_bytes;
+		unsigned int start;
+
+		tstats = per_cpu_ptr(dev->tstats, cpu);
+		do {
+			start = u64_stats_fetch_begin_irq(&tstats->syncp);
+			rx_packets = tstats->rx_packets;
+			rx_bytes = tstats->rx_bytes;
+			tx_packets = tstats->tx_packets;
+			tx_bytes = tstats->tx_bytes;
+		} while (u64_stats_fetch_retry_irq(&tstats->syncp, start));
+
+		s->rx_packets += rx_packets;
+		s->rx_bytes += rx_bytes;
+		s->tx_packets += tx_packets;
+		s->tx_bytes += tx_bytes;
+	}
+}
+
 struct net_device_ops o = { ... };
