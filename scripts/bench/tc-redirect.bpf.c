// SPDX-License-Identifier: GPL-2.0
/*
 * tc-redirect.bpf.c - the benchmark's tc BPF anchor: a direct-action
 * classifier that sends every frame to another device with bpf_redirect(),
 * the way BPF datapaths move frames between a NIC and a container's device.
 *
 * scripts/bench/run builds it twice with clang -target bpf:
 *   -DREDIRECT_IFINDEX=T -DREDIRECT_FLAGS=1 (BPF_F_INGRESS): the lower's
 *	ingress hook hands the frame to the receive path of target T;
 *   -DREDIRECT_IFINDEX=L -DREDIRECT_FLAGS=0: the target's egress hook
 *	transmits the frame on lower L.
 * The ifindexes are fixed because tc cannot fill in a program's constants;
 * bench/guest-setup.sh creates both devices with them.
 *
 * No libbpf headers: the one helper used is declared here by its number.
 */

typedef unsigned int __u32;
typedef unsigned long long __u64;

struct __sk_buff;

/* BPF_FUNC_redirect in include/uapi/linux/bpf.h */
static long (*bpf_redirect)(__u32 ifindex, __u64 flags) = (void *)23;

__attribute__((section("tc"), used))
int redirect(struct __sk_buff *skb)
{
	/* TC_ACT_REDIRECT, or TC_ACT_SHOT for a bad ifindex */
	return bpf_redirect(REDIRECT_IFINDEX, REDIRECT_FLAGS);
}

__attribute__((section("license"), used))
char _license[] = "GPL";
