// SPDX-License-Identifier: GPL-2.0
/*
 * dev->dev_addr is writable and eth_hw_addr_set() does not exist before
 * v5.15 (absent in v4.14.325, present in v6.1.192): copy the address in.
 * Upstream: the v5.15 series that made dev->dev_addr const (Jakub
 * Kicinski); exact subject from memory, unverified.
 */
@@
expression D, A;
@@
- eth_hw_addr_set(D, A)
+ ether_addr_copy(D->dev_addr, A)
