// SPDX-License-Identifier: GPL-2.0
/*
 * xdp-pass.bpf.c - the benchmark's XDP anchor: a program that lets every
 * frame pass. Attached to vnet0 in generic (skb) mode, it shows what XDP on
 * the virtual device adds to each frame: the program runs in the second
 * pass of __netif_receive_skb_core() that RX_HANDLER_ANOTHER asks for.
 * Built by scripts/bench/run with clang -target bpf.
 */

struct xdp_md;

__attribute__((section("xdp"), used))
int pass(struct xdp_md *ctx)
{
	return 2;	/* XDP_PASS */
}

__attribute__((section("license"), used))
char _license[] = "GPL";
