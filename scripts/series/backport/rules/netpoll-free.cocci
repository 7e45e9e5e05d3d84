// SPDX-License-Identifier: GPL-2.0
/*
 * __netpoll_free() is absent in v4.14.325 (present in v5.10.223), which
 * has only __netpoll_free_async(): a work item that takes RTNL later and
 * cleans up then. For a netpoll a stacked device set up on its lower that
 * is too late: the lower may be gone by then (virtnet drops its reference
 * when vnet0 is freed, in the same unregistration). What v5.1 made of
 * __netpoll_free() is written out instead, with v4.14's API: wait for the
 * senders (interrupts off, an RCU-bh reader), clean up, free; RTNL is
 * held (ndo_netpoll_cleanup runs under it) and nothing here sleeps in
 * atomic context.
 * Upstream: "netpoll: allow cleanup to be synchronous" (v5.1; subject
 * and release from memory, unverified).
 */
@@
expression N;
@@
- __netpoll_free(N);
+ synchronize_rcu_bh();
+ __netpoll_cleanup(N);
+ kfree(N);
