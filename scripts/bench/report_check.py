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
        bad.append("configuration %s skipped: %s" % (s.get("cfg"), s.get("reason")))
    for f in data.fails:
        bad.append("run failed: %s %s/%s/%s %s" % (f.get("phase"), f.get("dir"), f.get("size"),
                                                  f.get("flows"), f.get("cfg")))
    for d in data.dirs("main"):
        for cell in data.cells("main", d):
            for cfg in data.cfgs_for(d):
                v = data.series("main", d, cell, cfg)
                if not v or max(v.values()) <= 0:
                    bad.append("%s %s %s: no frames arrived" % (d, cell, cfg))
    if not data.pps:
        bad.append("no pktgen run produced a result")
    for d in data.dirs("main"):
        for cell in data.cells("main", d):
            line = []
            for cfg in data.cfgs_for(d):
                s = stat(list(data.series("main", d, cell, cfg).values()))
                line.append("%s=%s" % (cfg, kpps(s[0]) if s else "-"))
            print("bench: %s %s pps: %s" % (d, cell, " ".join(line)))
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
