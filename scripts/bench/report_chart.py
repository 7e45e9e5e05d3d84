# SPDX-License-Identifier: GPL-2.0
"""bench/report_chart - docs/bench.png: the paired ratios to the bare
lower, per direction and cell, drawn by gnuplot."""

import os
import shutil
import subprocess
import tempfile

from report_data import CELL_LABEL, DIR_LABEL, accel, die, stat


def chart(data, png):
    gp = shutil.which("gnuplot")
    if not gp:
        die("gnuplot is not installed", "apt-get install -y gnuplot-nox")
    dirs = data.dirs("main")
    cfgs = [c for c in data.cfgs if c != "bare"]
    tmp = tempfile.mkdtemp(prefix="vnbench.")
    script = [
        'set terminal pngcairo size 1100,%d font "sans,10"' % (330 * len(dirs) + 40),
        'set output "%s"' % png,
        "set multiplot layout %d,1 title \"virtnet pktgen benchmark: throughput relative to the bare lower "
        "(median of paired rounds, bars: min-max)\\n%s, %s guest CPUs, QEMU %s\" font \",11\""
        % (len(dirs), data.meta.get("kernel", "?"), data.meta.get("cpus", "?"), accel(data.meta)),
        "set style data histogram",
        "set style histogram errorbars gap 1 lw 1",
        "set style fill solid 0.85 border -1",
        "set boxwidth 0.9",
        "set grid ytics",
        "set yrange [0:1.4]",
        "set ytics 0,0.1,1.0",
        "set ylabel \"pps / bare pps\"",
        "set key top center horizontal samplen 2",
        "set xtics nomirror rotate by -20 scale 0",
    ]
    for d in dirs:
        cells = data.cells("main", d)
        fn = os.path.join(tmp, d + ".dat")
        with open(fn, "w") as f:
            for cfg in [c for c in cfgs if c in data.cfgs_for(d)]:
                row = ['"%s"' % data.desc.get(cfg, cfg).replace("virtnet ", "virtnet\\n", 1)]
                for cell in cells:
                    s = stat(data.ratio("main", d, cell, cfg)) or (0, 0, 0)
                    row += ["%.4f" % x for x in s]
                f.write(" ".join(row) + "\n")
        plots = []
        for i, cell in enumerate(cells):
            col = 2 + 3 * i
            plots.append('"%s" using %d:%d:%d:xtic(1) title "%s"'
                         % (fn, col, col + 1, col + 2, CELL_LABEL.get(cell, cell)))
        script.append('set title "%s"' % DIR_LABEL[d])
        goals = ', 0.97 with lines dt 3 lw 1.5 lc rgb "red" title "goal 0.97"'
        if d == "in":
            goals += ', 0.7 with lines dt 3 lw 1.5 lc rgb "dark-red" title "ptype goal 0.7"'
        script.append("plot " + ", \\\n     ".join(plots)
                      + ', 1 with lines dt 2 lc rgb "black" notitle' + goals)
    script.append("unset multiplot")
    gpf = os.path.join(tmp, "bench.gp")
    with open(gpf, "w") as f:
        f.write("\n".join(script) + "\n")
    r = subprocess.run([gp, gpf], capture_output=True, text=True)
    if r.returncode != 0:
        die("gnuplot failed: " + r.stderr.strip()[-500:], "look at " + gpf)
    shutil.rmtree(tmp)
