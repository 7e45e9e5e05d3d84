// SPDX-License-Identifier: GPL-2.0
/*
 * No TSO limits of their own before v6.0: netif_inherit_tso_max() is
 * absent in v4.14.325 (present in v6.1.192); a stacked device copies the
 * GSO limits of its lower instead, as macvlan does in v4.14.
 * Upstream: "net: add netif_inherit_tso_max()" (v6.0).
 */
@@
expression To, From;
@@
- netif_inherit_tso_max(To, From);
+ To->gso_max_size = From->gso_max_size;
+ To->gso_max_segs = From->gso_max_segs;
