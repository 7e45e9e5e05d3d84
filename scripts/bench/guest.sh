#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/guest.sh - the guest half of `make bench` (scripts/bench/run boots the
# guest and runs this as root inside it; never run it on a machine you care
# about: it loads modules and creates namespaces and up to 3000 devices).
#
# pktgen in a peer network namespace sends through a veth pair into the
# "lower" (the veth end in the root namespace); the device under test sits
# on that lower and the frames are counted where they arrive. Every
# configuration has its own veth pair and all of them exist at the same
# time, so runs of different configurations alternate run by run and slow
# drift of the machine hits all of them alike.
#
# Results go to stdout as lines starting with "VNB " (key=value fields),
# which scripts/bench/report turns into BENCHMARKS.md; everything else is
# progress on stderr.
#
# This file has the arguments, the helpers every part uses (log, out, die)
# and the main flow; the rest is in files next to it, sourced below:
# guest-setup.sh (ip(8), the peer namespace, the meta records, the devices
# of every configuration), guest-pktgen.sh (one pktgen run, rounds of
# runs), guest-counts.sh (allocations and instructions per frame) and
# guest-scale.sh (the test with many devices) and guest-nic.sh (the runs on
# an emulated NIC).

set -euo pipefail

RUNS=5			# rounds; every configuration runs once per round and cell
SECS=			# target length of one run, seconds of guest time
# "icount" when QEMU runs with -icount (scripts/bench/run does that): the guest
# clock then counts instructions, one nanosecond each
CLOCK=${VIRTNET_BENCH_CLOCK:-real}
SCALE=1000		# devices for the scale test (0: skip it)
SMOKE=0
NIC_ONLY=0
PROFILE=1		# instruction counts per function (with scripts/bench/run's QEMU plugin)
CELLS=""		# default: all dir/size/flows combinations
CFGS="bare vall vmac ptyp ptmc ptbr mvpt mvbr ipvl mirr tbpf vxdp"
# on the emulated NIC of "scripts/bench/run --nics MODEL" (guest-nic.sh)
NIC_CELLS="in/60/1 in/1514/1 out/60/1 out/1514/1"
IP=${VIRTNET_IP:-}

usage()
{
	cat <<EOF
usage: $0 [--smoke] [--runs N] [--secs S] [--scale N] [--configs "LIST"] [--cells "LIST"]
  --smoke        one round of one cell per direction, 20-device scale test, no
                 allocation or instruction counts
  --runs N       rounds (default $RUNS); each configuration runs once per round and cell
  --secs S       target guest seconds per run (default 0.1 with -icount, else 0.4)
  --scale N      devices for the scale test, 0 to skip (default $SCALE)
  --configs L    subset of: $CFGS
  --cells L      subset of DIR/SIZE/FLOWS, e.g. "in/60/1 out/1514/many"
  --no-profile   skip the instruction counts per function (always skipped with --smoke)
  --nic-cells L  the cells of the runs on the emulated NIC (with scripts/bench/run --nics;
                 default "$NIC_CELLS")
  --nic-only     only the runs on the emulated NIC (a further NIC model's boot)
environment: VIRTNET_IP=path to an ip(8) that knows "type virtnet mode/filter"
EOF
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) SMOKE=1 ;;
	--runs) RUNS=$2; shift ;;
	--secs) SECS=$2; shift ;;
	--scale) SCALE=$2; shift ;;
	--configs) CFGS=$2; shift ;;
	--cells) CELLS=$2; shift ;;
	--no-profile) PROFILE=0 ;;
	--nic-cells) NIC_CELLS=$2; shift ;;
	--nic-only) NIC_ONLY=1 ;;
	-h|--help) usage ;;
	*) echo "bench/guest: unknown argument '$1'" >&2; usage ;;
	esac
	shift
done

if [ "$SMOKE" = 1 ]; then
	RUNS=1
	SECS=${SECS:-0.05}
	PROFILE=0
	[ "$SCALE" = 1000 ] && SCALE=20
	[ -z "$CELLS" ] && CELLS="in/60/1 out/60/1"
	NIC_CELLS="in/60/1 out/60/1"
fi
if [ -z "$SECS" ]; then
	SECS=0.4
	[ "$CLOCK" = icount ] && SECS=0.1
fi
[ -z "$CELLS" ] && CELLS="in/60/1 in/60/many in/1514/1 in/1514/many out/60/1 out/60/many out/1514/1 out/1514/many"

PEER=vnbpeer		# the namespace pktgen sends from (ingress) or to (egress)
PG=/proc/net/pktgen
PEERPID=
T0=$(date +%s)
# scratch space: the guest sees the host's filesystem read-only, /run is a tmpfs
WORKDIR=$(mktemp -d /run/vnbench.XXXXXX 2>/dev/null || mktemp -d)

log() { echo "bench/guest: $*" >&2; }
out() { echo "VNB $*"; }
die()
{
	echo "bench/guest: error: $1" >&2
	[ -n "${2:-}" ] && echo "bench/guest: what to do: $2" >&2
	out "error msg=\"$1\""
	exit 1
}

cleanup()
{
	[ -n "$PEERPID" ] && kill "$PEERPID" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$PEER" 2>/dev/null || true
	rm -rf "$WORKDIR"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || die "must run as root (inside the guest)" "run it through scripts/bench/run"

# shellcheck source=scripts/bench/guest-setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/guest-setup.sh"
# shellcheck source=scripts/bench/guest-pktgen.sh
. "$(dirname "${BASH_SOURCE[0]}")/guest-pktgen.sh"
# shellcheck source=scripts/bench/guest-counts.sh
. "$(dirname "${BASH_SOURCE[0]}")/guest-counts.sh"
# shellcheck source=scripts/bench/guest-scale.sh
. "$(dirname "${BASH_SOURCE[0]}")/guest-scale.sh"
# shellcheck source=scripts/bench/guest-nic.sh
. "$(dirname "${BASH_SOURCE[0]}")/guest-nic.sh"

find_ip

# udevd (started by virtme-ng's init) would work through every one of the
# thousands of devices created here, in the middle of the measurements:
# the guest is thrown away afterwards, so it goes now.
udevadm control --exit >/dev/null 2>&1 || true

# (built-in or missing ones are fine here; what is missing shows below)
modprobe -a -q pktgen virtnet veth macvlan ipvlan bridge dummy sch_ingress cls_matchall \
	act_mirred cls_bpf 2>/dev/null || true
[ -d "$PG" ] || die "no $PG in the guest" "the guest kernel needs CONFIG_NET_PKTGEN (configs/guest.config)"

start_peer
out_meta
if [ "$NIC_ONLY" = 0 ]; then
	setup_configs
	for cell in $CELLS; do
		cell_count "$cell" || die "calibration run for $cell failed" "see the pktgen messages above"
		out "cell cell=$cell count=${NCOUNT[$cell]}"
	done
	log "calibrated ($(( $(date +%s) - T0 )) s); $RUNS rounds of $(echo "$OKCFGS" | wc -w) configurations x $(echo "$CELLS" | wc -w) cells"
	run_matrix main "$RUNS" "$OKCFGS" "$CELLS"
fi
if [ -n "$NIC_MODEL" ]; then
	[ -n "${NETIF:-}" ] || die "VIRTNET_NICS is set but not NETIF" "run this through scripts/vm/nic-env"
	nic_phase "$RUNS" "$NIC_CELLS"
	log "$NIC_MODEL: done ($(( $(date +%s) - T0 )) s)"
fi

if [ "$NIC_ONLY" = 0 ]; then
	count_allocs
	count_insns
	[ "$SCALE" -gt 0 ] && scale_test
fi

out "done secs=$(( $(date +%s) - T0 ))"
log "done in $(( $(date +%s) - T0 )) s"
