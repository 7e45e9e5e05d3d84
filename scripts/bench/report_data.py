# SPDX-License-Identifier: GPL-2.0
"""bench/report_data - the VNB records of scripts/bench/guest.sh's output,
parsed into one Data, and the statistics and number formats that the
check, the chart and BENCHMARKS.md share."""

import shlex
import statistics
import sys

CELL_ORDER = ["60/1", "60/many", "1514/1", "1514/many"]
CELL_LABEL = {
    "60/1": "64 B, 1 flow",
    "60/many": "64 B, many flows",
    "1514/1": "1518 B, 1 flow",
    "1514/many": "1518 B, many flows",
}
DIR_LABEL = {"in": "Ingress", "out": "Egress"}
# configurations with nothing to measure on egress (bench/guest-pktgen.sh
# does not run them there): XDP has no transmit side
INGRESS_ONLY = {"vxdp"}


def die(what, todo):
    sys.stderr.write("bench/report: error: %s\nbench/report: what to do: %s\n" % (what, todo))
    sys.exit(1)


def parse(path):
    """the VNB records of the guest's output"""
    recs = []
    done = False
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            i = line.find("VNB ")
            if i < 0:
                continue
            try:
                words = shlex.split(line[i + 4:])
            except ValueError:
                continue
            if not words:
                continue
            rec = {"kind": words[0]}
            for w in words[1:]:
                if "=" in w:
                    k, v = w.split("=", 1)
                    rec[k] = v
            # after the guest's "done" only scripts/bench/run's own records
            # (instruction counts): a console that echoes the guest's
            # output would repeat the others
            if done and not rec["kind"].startswith("insn"):
                continue
            done = done or rec["kind"] == "done"
            recs.append(rec)
    return recs


class Data:
    def __init__(self, recs):
        self.meta = {}
        self.desc = {}
        self.cfgs = []
        self.skips = []
        self.fails = []
        self.allocs = {}
        self.scale = {}
        self.errors = []
        self.done = None
        # (phase, dir, cell, cfg) -> {round: pps}
        self.pps = {}
        self.loss = {}
        self.insn = {}
        self.host = {}
        self.scaleslab = []
        self.insntot = {}
        # the runs on emulated NICs: phase (the NIC model) -> its
        # configurations, in order, and the "nic" record (netif, driver)
        self.niccfgs = {}
        self.nics = {}
        # TCP bulk on a NIC: (phase, dir, cfg) -> {round: (bytes, usec)}
        self.tcp = {}
        self.tcpmeta = {}
        for r in recs:
            k = r["kind"]
            if k == "meta":
                self.meta.update({a: b for a, b in r.items() if a != "kind"})
            elif k == "cfg":
                self.cfgs.append(r["name"])
                self.desc[r["name"]] = r.get("desc", r["name"])
            elif k == "niccfg":
                self.niccfgs.setdefault(r["phase"], []).append(r["name"])
                self.desc.setdefault(r["name"], r.get("desc", r["name"]))
            elif k == "nic":
                self.nics[r["phase"]] = r
            elif k == "tcpmeta":
                self.tcpmeta[r["phase"]] = r
            elif k == "tcp":
                if int(r["usec"]) > 0:
                    self.tcp.setdefault((r["phase"], r["dir"], r["cfg"]), {})[int(r["round"])] = (
                        int(r["bytes"]), int(r["usec"]))
            elif k == "skip":
                self.skips.append(r)
            elif k == "fail":
                self.fails.append(r)
            elif k == "error":
                self.errors.append(r.get("msg", "?"))
            elif k == "done":
                self.done = r
            elif k == "alloc":
                self.allocs[r["cfg"]] = (int(r["frames"]), int(r["allocs"]))
            elif k == "insn":
                self.insn.setdefault((r["dir"], r["cfg"]), {})[r["sym"]] = float(r["ipf"])
            elif k == "insnhost":
                self.host.update({a: v for a, v in r.items() if a != "kind"})
            elif k == "insntot":
                self.insntot[(r["dir"], r["cfg"])] = float(r["ipf"])
            elif k == "scaleslab":
                name = r["cache"]
                if r.get("aliases", "-") != "-":
                    name += " (" + r["aliases"].replace(",", ", ") + ")"
                self.scaleslab.append((name, int(r["bytes_per_dev"])))
            elif k == "scale":
                self.scale[r["op"]] = r
            elif k == "run":
                usec = int(r["usec"])
                rx = int(r["rx"])
                sent = int(r["sent"])
                if usec <= 0:
                    continue
                cell = "%s/%s" % (r["size"], r["flows"])
                key = (r["phase"], r["dir"], cell, r["cfg"])
                self.pps.setdefault(key, {})[int(r["round"])] = rx * 1e6 / usec
                lo = self.loss.setdefault(key, [0, 0])
                lo[0] += max(0, sent - rx)
                lo[1] += sent

    def cells(self, phase, d):
        have = {k[2] for k in self.pps if k[0] == phase and k[1] == d}
        return [c for c in CELL_ORDER if c in have] + sorted(have - set(CELL_ORDER))

    def cfgs_for(self, d, phase="main"):
        """the configurations measured in direction d (of a NIC phase)"""
        cfgs = self.cfgs if phase == "main" else self.niccfgs.get(phase, [])
        return [c for c in cfgs if d == "in" or c not in INGRESS_ONLY]

    def dirs(self, phase):
        have = {k[1] for k in self.pps if k[0] == phase}
        return [d for d in ("in", "out") if d in have]

    def series(self, phase, d, cell, cfg):
        return self.pps.get((phase, d, cell, cfg), {})

    def icount(self):
        return self.meta.get("clock") == "icount"

    def dinsn(self, phase, d, cell, cfg, ref="bare"):
        """per-round extra guest instructions per frame against ref (icount:
        1 ns of guest time = 1 instruction)"""
        a = self.series(phase, d, cell, cfg)
        b = self.series(phase, d, cell, ref)
        return [1e9 / a[r] - 1e9 / b[r] for r in sorted(a) if r in b and a[r] > 0 and b[r] > 0]

    def tcp_ratio(self, phase, d, cfg, ref="bare"):
        """per-round throughput ratios of TCP bulk, cfg/ref (paired)"""
        a = self.tcp.get((phase, d, cfg), {})
        b = self.tcp.get((phase, d, ref), {})
        return [(a[r][0] / a[r][1]) / (b[r][0] / b[r][1]) for r in sorted(a) if r in b and b[r][0] > 0]

    def ratio(self, phase, d, cell, cfg, ref="bare"):
        """per-round ratios cfg/ref (paired: same round, run back to back)"""
        a = self.series(phase, d, cell, cfg)
        b = self.series(phase, d, cell, ref)
        return [a[r] / b[r] for r in sorted(a) if r in b and b[r] > 0]


def stat(v):
    if not v:
        return None
    return statistics.median(v), min(v), max(v)


def kpps(x):
    if x >= 1e6:
        return "%.2fM" % (x / 1e6)
    if x >= 1e4:
        return "%.0fk" % (x / 1e3)
    return "%.1fk" % (x / 1e3)


def fmt_pps(v):
    s = stat(v)
    if not s:
        return "–"
    return "%s (%s–%s)" % (kpps(s[0]), kpps(s[1]), kpps(s[2]))


def fmt_ratio(v, digits=2):
    s = stat(v)
    if not s:
        return "–"
    f = "%%.%df" % digits
    return ("**" + f + "** (" + f + "–" + f + ")") % s


def spread(v):
    """(max - min) / median, the run-to-run spread of one series"""
    s = stat(v)
    if not s or s[0] == 0:
        return None
    return (s[2] - s[1]) / s[0]


def accel(m):
    a = m.get("accel", "")
    return "with KVM" if "KVM" in a else "TCG (no KVM)" if a.startswith("none") else (a or "?")
