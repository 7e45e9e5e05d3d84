// SPDX-License-Identifier: GPL-2.0
/*
 * netpoll_send_skb() returns void in v4.14.325 and does not accept a NULL
 * netpoll; in v5.10.223 it returns netdev_tx_t and frees the frame with
 * NET_XMIT_DROP for a NULL one. The check is written out and, as there
 * is nothing to report otherwise, a frame handed over counts as sent (the
 * lower's netpoll drops it, uncounted, if the lower is down), as macvlan
 * of v4.14 does it.
 * Upstream: "netpoll: accept NULL np argument in netpoll_send_skb()" and
 * "net: netpoll: netpoll_send_skb() returns transmit status" (v5.9;
 * subjects and release from memory, unverified).
 */
@@
expression R, N, S;
@@
- R = netpoll_send_skb(N, S);
+ R = N ? NETDEV_TX_OK : NET_XMIT_DROP;
+ if (likely(N))
+	netpoll_send_skb(N, S);
+ else
+	dev_kfree_skb_irq(S);
