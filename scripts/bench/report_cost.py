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


# fault injection's hooks in every slab allocation (CONFIG_FAILSLAB)
FAILSLAB_SYMS = ("should_failslab", "should_fail_ex")
# the clone of mode ptype, its allocation and its freeing
CLONE_SYMS = ("skb_clone", "__copy_skb_header", "kmem_cache_alloc_noprof",
              "kmem_cache_free", "skb_release_head_state", "kfree_skbmem")


def insn_per_frame(data, d, cell, cfg):
    s = stat(list(data.series("main", d, cell, cfg).values()))
    return 1e9 / s[0] if s and s[0] > 0 else None


def cost_section(data, w, before=None):
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
    analysis(data, before, w)
    if before:
        before_after(data, before, w)


def analysis(data, before, w):
    """the goals that were missed, and why, from the numbers of this run
    (and of the run before the rework, docs/bench-before.txt, if given)"""
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
        rare = sum(ins.get(("in", "vall"), {}).get(k, 0)
                   for k in ("virtnet_handle_copy", "virtnet_handle_unshare"))
        e_mac = extra("in", "vmac")
        def verdict(x):
            return "met" if x is not None and x <= 95 else "missed"
        w("**rxhandler ingress: %+.0f instructions per frame with filter all (goal ≤ +95: %s), %+.0f"
          % (e, verdict(e), e_mac or 0))
        w("with filter mac (%s).** Of those, %.0f are a second pass through"
          % (verdict(e_mac), core))
        w("`__netif_receive_skb_core()`, which `RX_HANDLER_ANOTHER` asks for and which macvlan and")
        w("ipvlan pay as well (%.0f and %.0f); %.0f are `virtnet_handle_frame()` itself (%.0f with filter"
          % (d_sym("in", "mvpt", "__netif_receive_skb_core.constprop.0"),
             d_sym("in", "ipvl", "__netif_receive_skb_core.constprop.0"), hook, hook_mac))
        w("mac, which tests the destination for multicast, compares it with the device's address and")
        w("sets `PACKET_HOST`), against %.0f in `macvlan_handle_frame()`. With filter mac the lower's"
          % ins.get(("in", "mvpt"), {}).get("macvlan_handle_frame", 0))
        w("`eth_type_trans()` also finds the frame is not for the lower's own address (%+.0f, as for"
          % d_sym("in", "vmac", "eth_type_trans"))
        w("macvlan bridge): that and the handler's compares are the distance to the goal, both what")
        w("the filter is.")
        w("The handler is the only part virtnet owns. Its common path is loads, compares and the")
        w("counters: the rare paths (the clone for broadcast and multicast with filter mac,")
        w("`skb_share_check()`'s clone and `skb_scrub_packet()` for a shared frame or one from another")
        w("namespace) are out of line in `virtnet_handle_copy()` and `virtnet_handle_unshare()` (%.0f"
          % rare)
        w("instructions per frame here), so the common path makes no call and saves no callee-saved")
        w("register; its data pointer is the virtual device itself, and one read of the receive state")
        w("that open and close keep (filter all, filter mac, or down) stands for the device's flags and")
        w("its filter. \"Before and after\" below compares with the handler as it was. Against the")
        w("bare lower, 0.97× allows %.0f instructions more (%s)."
          % (budget, "met" if e <= budget else "missed"))
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
        clone = sum(d_sym("in", "ptmc", n) for n in CLONE_SYMS)
        w("**ptype, 0.7× bare: met with filter mac (%.3f), missed with filter all (%.3f) and behind a"
          % (med(data.ratio("main", "in", cell, "ptmc")) or 0, med(data.ratio("main", "in", cell, "ptyp")) or 0))
        w("bridge (%.3f).** A tap gets a shared frame, so the virtual device's copy is a clone"
          % (med(data.ratio("main", "in", cell, "ptbr")) or 0))
        w("(one allocation per frame, counted above), received at once, in the same softirq pass,")
        w("with `netif_receive_skb()`: with filter mac that is %.0f instructions more than the bare"
          % e_mc)
        w("lower (goal ≤ +700: %s), about %.0f for the clone and its freeing, %.0f for the copy's own"
          % ("met" if e_mc <= 700 else "missed", clone,
             d_sym("in", "ptmc", "__netif_receive_skb_core.constprop.0")))
        w("pass through `__netif_receive_skb_core()`, the rest for `__dev_forward_skb()`,")
        w("`eth_type_trans()` and `virtnet_ptype_rcv()` (%.0f)."
          % ins.get(("in", "ptmc"), {}).get("virtnet_ptype_rcv", 0))
        fi = sum(d_sym("in", "ptmc", k) for k in FAILSLAB_SYMS)
        if fi >= 1:
            w("Of the clone's allocation, %.0f instructions are `should_failslab()` and"
              " `should_fail_ex()`:" % fi)
            w("this guest is built with fault injection (`CONFIG_FAILSLAB`, for `make check`'s short")
            w("fail-nth sweep), which a kernel without it does not pay (%+.0f without them)." % (e_mc - fi))
        w("The clone is the floor of this design:")
        w("the original goes on to the lower's own handlers (a bridge, a bond), which a tap cannot take")
        w("it from. With filter all the original frame is addressed to the lower's own MAC (the")
        w("virtual device shares it), so the lower's stack delivers it too: that costs another %.0f"
          % (e_all - e_mc))
        w("instructions (route lookup, UDP socket lookup, the ICMP error, all a second time), as the")
        w("design's copy semantics say: the benchmark's frames go to an address of the same namespace,")
        w("so both copies are delivered. What the original costs depends on what the lower's stack")
        w("does with it; with")
        w("filter mac it is addressed to another MAC and dropped at once. Behind a bridge (%+.0f) the"
          % (e_br or 0))
        w("bridge also looks up its FDB and delivers the original to itself. In ptype mode every")
        w("frame the lower *sends* also pays for the tap (`dev_queue_xmit_nit()`, %+.0f instructions:"
          % d_sym("out", "ptyp", "dev_queue_xmit_nit"))
        w("`ignore_outgoing` skips the tap, but only once the list is walked), whoever sent it.")
        w("")
        copy_path_alternatives(data, before, w)
    if data.allocs and "bare" in data.allocs:
        w("**Zero allocations per frame on the rxhandler unicast path: met.** SLUB's own counters")
        w("(`CONFIG_SLUB_STATS`: every allocation from a per-CPU sheaf or a slab, all caches) over two")
        w("runs of N and 2N frames: the rxhandler configurations allocate exactly what the bare lower")
        w("does (pktgen's skb and its data), the ptype ones one object more per frame (the clone).")
        w("")


def added(data, d, cfg):
    """median extra instructions per frame over the bare lower (64 B,
    1 flow), from pktgen's times, else from the plugin's totals"""
    s = stat(data.dinsn("main", d, "60/1", cfg))
    if s:
        return s[0]
    if (d, cfg) in data.insntot and (d, "bare") in data.insntot:
        return data.insntot[(d, cfg)] - data.insntot[(d, "bare")]
    return None


def share(data, d, cfg):
    """per function: what cfg costs per frame more than the bare lower"""
    cur, base = data.insn.get((d, cfg), {}), data.insn.get((d, "bare"), {})
    return {k: cur.get(k, 0) - base.get(k, 0) for k in set(cur) | set(base) if k != "(other)"}


def copy_path_alternatives(data, before, w):
    """why the copies are received with netif_receive_skb(): the backlog
    as measured before (docs/bench-before.txt), the batch not built"""
    now = added(data, "in", "ptmc")
    then = added(before, "in", "ptmc") if before else None
    w("**The copy's way into the stack: `netif_receive_skb()`, in the same pass.** The alternatives,")
    if then is not None and now is not None:
        t, n = share(before, "in", "ptmc"), share(data, "in", "ptmc")
        ch = {k: n.get(k, 0) - t.get(k, 0) for k in set(t) | set(n)}
        backlog = -sum(v for k, v in ch.items() if v < 0)
        more = sorted(((k, v) for k, v in ch.items() if v >= 3), key=lambda kv: (-kv[1], kv[0]))[:3]
        w("and why they lost: `netif_rx()` and the per-CPU backlog, which the driver used before, cost")
        w("%+.0f instructions per frame with filter mac in the run of %s (`docs/bench-before.txt`),"
          % (then, before.meta.get("date", "?")))
        w("against %+.0f in the same pass now. The backlog round (`enqueue_to_backlog()`," % now)
        w("`process_backlog()`, their locks) is %.0f instructions per frame that are gone; receiving at"
          % backlog)
        w("once costs %.0f of its own%s, so the copy is %.0f cheaper."
          % (backlog - (then - now),
             (" (" + ", ".join("`%s` %+.0f" % kv for kv in more) + ")") if more else "", then - now))
        fi = sum(ch.get(k, 0) for k in FAILSLAB_SYMS)
        if fi >= 1:
            w("Of those, %.0f are fault injection's hooks in the clone's allocation, new in this guest"
              % fi)
            w("since the run before (`CONFIG_FAILSLAB`), not the copy path's: without them the same")
            w("pass saves %.0f." % (then - now + fi))
    else:
        w("and why they lost: `netif_rx()` and the per-CPU backlog, which the driver used before, add")
        w("a round through the backlog per copy (no run of the old driver to compare with here:")
        w("`docs/bench-before.txt` is missing).")
    w("Both keep a flow in order (one per-CPU queue, or no queue at all) and count every frame they")
    w("hand on and every drop; the backlog could also drop a copy when full, the same pass")
    w("cannot. The backlog bounds recursion by deferring; the same pass nests one receive inside")
    w("the lower's, as the bridge does for the frames it passes up, and that nesting is bounded")
    w("by the device stack's depth limit (another virtnet device cannot be the lower). Not built: a")
    w("batch (`netif_receive_skb_list()`), since a tap is called frame by frame and nothing calls")
    w("it when the NAPI poll ends, so a batch would have to be flushed from a timer or from the")
    w("backlog, the round the same pass saves.")
    w("")


def before_after(data, before, w):
    """per configuration: what it adds to its run's bare lower, in the run
    before the rework and now, and the functions whose share changed"""
    rows = [c for c in ("vall", "vmac", "ptyp", "ptmc", "ptbr")
            if ("in", c) in data.insn and ("in", c) in before.insn]
    if not rows or ("in", "bare") not in data.insn or ("in", "bare") not in before.insn:
        return
    w("### Before and after the handler's rework")
    w("")
    w("The run of %s (`docs/bench-before.txt`) measured the driver before: the rare paths of"
      % before.meta.get("date", "?"))
    w("`virtnet_handle_frame()` inline, its data the private struct, the device's flags and filter")
    w("read one after the other, the copies of mode ptype queued with `netif_rx()`. Ingress, 64 B,")
    w("1 flow: what each configuration adds to the bare lower of its own run, then and now, and")
    w("where that changed: per function, now's share minus then's, each against its run's bare")
    w("lower (so changes of the kernel around cancel out).")
    w("")
    w("| configuration | then, insn/frame | now, insn/frame | where it changed (now − then) |")
    w("| --- | --- | --- | --- |")
    for c in rows:
        t, n = share(before, "in", c), share(data, "in", c)
        ch = {k: n.get(k, 0) - t.get(k, 0) for k in set(t) | set(n)}
        big = sorted((kv for kv in ch.items() if abs(kv[1]) >= 3), key=lambda kv: (-abs(kv[1]), kv[0]))[:10]
        big.sort(key=lambda kv: (kv[1], kv[0]))
        a, b = added(before, "in", c), added(data, "in", c)
        w("| %s | %s | %s | %s |" % (
            data.desc.get(c, c),
            "%+.0f" % a if a is not None else "–", "%+.0f" % b if b is not None else "–",
            ", ".join("`%s` %+.0f" % kv for kv in big) or "–"))
    w("")
