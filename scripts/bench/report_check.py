# SPDX-License-Identifier: GPL-2.0
"""bench/report_check - report --check: validate a (smoke) run and print a
summary of it."""

from report_data import kpps, stat


def check(data):
    bad = []
    if data.errors:
        bad += ["guest error: " + e for e in data.errors]
    if not data.done:
        bad.append("the guest part did not finish (no 'done' line)")
    if not data.cfgs:
        bad.append("no configuration was set up")
    for s in data.skips:
        if s.get("cfg") == "all" and "phase" in s:
            # a NIC model this QEMU does not have: reported, not failed
            print("bench: skip: the runs on %s: %s" % (s["phase"], s.get("reason")))
            continue
        bad.append("configuration %s%s skipped: %s" % (s.get("cfg"), " on " + s["phase"] if "phase" in s else "",
                                                      s.get("reason")))
    for f in data.fails:
        bad.append("run failed: %s %s/%s/%s %s" % (f.get("phase"), f.get("dir"), f.get("size"),
                                                  f.get("flows"), f.get("cfg")))
    phases = ["main"] + sorted(data.niccfgs)
    for ph in phases:
        for d in data.dirs(ph):
            for cell in data.cells(ph, d):
                for cfg in data.cfgs_for(d, ph):
                    v = data.series(ph, d, cell, cfg)
                    if not v or max(v.values()) <= 0:
                        bad.append("%s%s %s %s: no frames arrived"
                                   % ("" if ph == "main" else ph + " ", d, cell, cfg))
    if not data.pps:
        bad.append("no pktgen run produced a result")
    for ph in phases:
        for d in data.dirs(ph):
            for cell in data.cells(ph, d):
                line = []
                for cfg in data.cfgs_for(d, ph):
                    s = stat(list(data.series(ph, d, cell, cfg).values()))
                    line.append("%s=%s" % (cfg, kpps(s[0]) if s else "-"))
                print("bench: %s%s %s pps: %s" % ("" if ph == "main" else ph + " ", d, cell, " ".join(line)))
    if "create" in data.scale:
        sc = data.scale["create"]
        print("bench: scale: %s virtnet devices created in %.2f s" % (sc["n"], int(sc["usec"]) / 1e6))
    for b in bad:
        print("bench: FAIL: " + b)
    if bad:
        return 1
    print("bench: smoke run OK: %d configurations passed frames (%s s in the guest)"
          % (len(data.cfgs), data.done.get("secs", "?")))
    return 0
