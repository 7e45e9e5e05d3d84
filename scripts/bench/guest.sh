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

set -euo pipefail

RUNS=5			# rounds; every configuration runs once per round and cell
SECS=			# target length of one run, seconds of guest time
# "icount" when QEMU runs with -icount (scripts/bench/run does that): the guest
# clock then counts instructions, one nanosecond each
CLOCK=${VIRTNET_BENCH_CLOCK:-real}
SCALE=1000		# devices for the scale test (0: skip it)
SMOKE=0
PROFILE=1		# instruction counts per function (with scripts/bench/run's QEMU plugin)
CELLS=""		# default: all dir/size/flows combinations
CFGS="bare vall vmac ptyp ptmc ptbr mvpt mvbr ipvl mirr"
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

# ---------------------------------------------------------------- tools

# ip(8): a patched one knows mode/filter; stock iproute2 creates a virtnet
# device with the defaults only, so the other modes go through a few lines
# of rtnetlink in Python instead.
if [ -z "$IP" ]; then
	for c in "${VIRTNET_CACHE:-$HOME/.cache/virtnet}/iproute2/ip" /root/.cache/virtnet/iproute2/ip; do
		if [ -x "$c" ]; then IP=$c; break; fi
	done
fi
# (ip's help exits non-zero: no pipe into grep under pipefail)
iphelp=$( [ -z "$IP" ] || "$IP" link add type virtnet help 2>&1 || true)
if [[ $iphelp == *rxhandler* ]]; then
	IP_KNOWS_VIRTNET=1
else
	IP=ip
	IP_KNOWS_VIRTNET=0
fi
command -v "$IP" >/dev/null || die "no ip(8) found" "install iproute2 on the host (the guest uses the host's root filesystem)"

nl_virtnet()	# {NAME LOWER MODE FILTER}... (numbers), through raw rtnetlink
{
	python3 - "$@" <<'EOF'
import os, socket, struct, sys
def attr(t, data):
    hdr = struct.pack("HH", 4 + len(data), t)
    return hdr + data + b"\0" * ((4 - len(data) % 4) % 4)
def create(name, lower, mode, flt):
    idx = socket.if_nametoindex(lower)
    data = attr(1, struct.pack("I", mode)) + attr(2, struct.pack("I", flt))
    info = attr(1, b"virtnet\0") + attr(0x8000 | 2, data)
    body = struct.pack("BxHiII", 0, 0, 0, 0, 0)
    body += attr(3, name.encode() + b"\0") + attr(5, struct.pack("I", idx))
    body += attr(0x8000 | 18, info)
    # RTM_NEWLINK, NLM_F_REQUEST|ACK|EXCL|CREATE
    msg = struct.pack("IHHII", 16 + len(body), 16, 0x1 | 0x4 | 0x200 | 0x400, 1, 0) + body
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.setsockopt(270, 11, 1)	# SOL_NETLINK, NETLINK_EXT_ACK
    s.send(msg)
    r = s.recv(65536)
    err = struct.unpack_from("i", r, 16)[0]
    if err:
        text = ""
        off = 16 + 4 + struct.unpack_from("I", r, 20)[0]
        while off + 4 <= len(r):
            ln, t = struct.unpack_from("HH", r, off)
            if ln < 4:
                break
            if t == 1:
                text = r[off + 4:off + ln].rstrip(b"\0").decode()
            off += (ln + 3) & ~3
        print("creating %s failed: %s%s" % (name, os.strerror(-err), ": " + text if text else ""),
              file=sys.stderr)
        return 1
    return 0
a = sys.argv[1:]
sys.exit(max([0] + [create(a[i], a[i + 1], int(a[i + 2]), int(a[i + 3])) for i in range(0, len(a), 4)]))
EOF
}

NLV=()		# virtnet devices left to nl_virtnet: NAME LOWER MODE FILTER...

virtnet_line()	# NAME LOWER MODE(rxhandler|ptype) FILTER(all|mac): for the batch
{
	if [ "$IP_KNOWS_VIRTNET" = 1 ]; then
		echo "link add link $2 name $1 type virtnet mode $3 filter $4"
	elif [ "$3" = rxhandler ] && [ "$4" = all ]; then
		echo "link add link $2 name $1 type virtnet"
	else
		NLV+=("$1" "$2" "$([ "$3" = ptype ] && echo 1 || echo 0)" "$([ "$4" = mac ] && echo 1 || echo 0)")
	fi
}

sysw()	# write a sysctl if it exists
{
	if [ -e "$1" ]; then
		echo "$2" 2>/dev/null > "$1" || echo "bench/guest: cannot set $1 to $2" >&2
	fi
	return 0
}

# udevd (started by virtme-ng's init) would work through every one of the
# thousands of devices created here, in the middle of the measurements:
# the guest is thrown away afterwards, so it goes now.
udevadm control --exit >/dev/null 2>&1 || true

# (built-in or missing ones are fine here; what is missing shows below)
modprobe -a -q pktgen virtnet veth macvlan ipvlan bridge dummy sch_ingress cls_matchall \
	act_mirred 2>/dev/null || true
[ -d "$PG" ] || die "no $PG in the guest" "the guest kernel needs CONFIG_NET_PKTGEN (configs/guest.config)"

# Nothing but pktgen's frames: no IPv6 autoconfiguration, no ICMP errors
# for the closed UDP port the frames are sent to (each one would be an
# extra transmit in the middle of the measurement), no reverse path filter.
ns_quiet()
{
	sysw /proc/sys/net/ipv6/conf/all/disable_ipv6 1
	sysw /proc/sys/net/ipv6/conf/default/disable_ipv6 1
	sysw /proc/sys/net/ipv4/icmp_msgs_per_sec 0
	sysw /proc/sys/net/ipv4/icmp_msgs_burst 0
	sysw /proc/sys/net/ipv4/icmp_ratelimit 1000000
	sysw /proc/sys/net/ipv4/conf/all/rp_filter 0
	sysw /proc/sys/net/ipv4/conf/default/rp_filter 0
	sysw /proc/sys/net/ipv4/ip_forward 0
}
ns_quiet
ip netns add "$PEER"
ip netns exec "$PEER" bash -c "$(declare -f sysw ns_quiet); ns_quiet"
ip -n "$PEER" link set lo up
# A shell in the peer namespace, kept running: it starts pktgen there
# (pgctrl acts on the writer's namespace) without a fork per run, and
# /proc/PID/net/pktgen is the peer's pktgen directory, whose files act on
# the peer's pktgen threads whoever writes them.
coproc PEERSH { exec ip netns exec "$PEER" bash; }
PEERPID=$PEERSH_PID
peer_do()	# run a command line in the peer shell and wait for it
{
	local line

	echo "$1; echo __done" >&"${PEERSH[1]}"
	while read -r line <&"${PEERSH[0]}"; do
		[ "$line" = __done ] && return 0
		log "peer: $line"
	done
	die "the shell in the peer namespace died" "see the messages above"
}
for _ in $(seq 50); do
	[ "$(readlink "/proc/$PEERPID/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
	sleep 0.1
done
PEERPG=/proc/$PEERPID/net/pktgen
[ -d "$PEERPG" ] || die "no pktgen directory in the peer namespace ($PEERPG)" "check that pktgen supports network namespaces"

# ---------------------------------------------------------------- meta

out "meta kernel=$(uname -r) cpus=$(nproc) date=$(date -u +%Y-%m-%dT%H:%MZ)" \
	"ip=$([ "$IP_KNOWS_VIRTNET" = 1 ] && echo patched || echo stock+rtnetlink)" \
	"runs=$RUNS secs=$SECS smoke=$SMOKE clock=$CLOCK"
out "meta cpu=\"$(sed -n 's/^model name[[:space:]]*: //p;T;q' /proc/cpuinfo)\""
accel=$(dmesg 2>/dev/null | sed -n 's/.*Hypervisor detected: //p;T;q' || true)
out "meta accel=\"${accel:-none (TCG)}\""
out "meta mem_kb=$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)" \
	"hz_clock=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo ?)"
# the guest's .config: scripts/bench/run passes the build's (the host's file
# system is visible read-only in the guest)
KCONFIG=${VIRTNET_GUEST_CONFIG:-}
for o in SLUB_TINY SLUB_STATS CC_OPTIMIZE_FOR_SIZE PREEMPT_NONE PREEMPT_LAZY PERF_EVENTS HZ; do
	v="?"
	if [ -n "$KCONFIG" ] && [ -r "$KCONFIG" ]; then
		v=$(sed -n "s/^CONFIG_$o=//p;T;q" "$KCONFIG")
		v=${v:-n}
	fi
	out "meta config_$o=$v"
done

# ---------------------------------------------------------------- setup

# Each configuration X: l_X (lower, root ns) <-> p_X (peer ns), and the
# target t_X on l_X that carries 10.77.K.1/24; p_X has 10.77.K.2/24.
# Frames go to a closed UDP port on the target's address: delivered
# locally, found no socket, freed; the same sink for every configuration.
declare -A TGT DST_IN_MAC DST_OUT_MAC SUBNET DESC
OKCFGS=""
DESC=([bare]="bare lower (veth)" [vall]="virtnet rxhandler, filter all"
	[vmac]="virtnet rxhandler, filter mac" [ptyp]="virtnet ptype, filter all"
	[ptmc]="virtnet ptype, filter mac" [ptbr]="virtnet ptype, lower in a bridge"
	[mvpt]="macvlan passthru" [mvbr]="macvlan bridge" [ipvl]="ipvlan l2"
	[mirr]="tc matchall + mirred redirect")

# Everything goes through a few batches: under TCG every exec of ip(8)
# costs about as much as a whole run.
k=0
for c in $CFGS; do
	k=$((k + 1))
	[ -n "${DESC[$c]:-}" ] || die "unknown configuration '$c'" "use some of: bare vall vmac ptyp ptmc ptbr mvpt mvbr ipvl mirr"
	SUBNET[$c]=$k
	l=l_$c p=p_$c t=t_$c
	TGT[$c]=$t
	echo "link add $l type veth peer name $p netns $PEER" >> "$WORKDIR/b1"
	echo "link set $l up" >> "$WORKDIR/b1"
	echo "link set $p up" >> "$WORKDIR/bp"
	echo "addr add 10.77.$k.2/24 dev $p" >> "$WORKDIR/bp"
	case "$c" in
	bare)	TGT[$c]=$l ;;
	vall)	virtnet_line "$t" "$l" rxhandler all ;;
	vmac)	virtnet_line "$t" "$l" rxhandler mac ;;
	ptyp)	virtnet_line "$t" "$l" ptype all ;;
	ptmc)	virtnet_line "$t" "$l" ptype mac ;;
	ptbr)	echo "link add br_$c type bridge stp_state 0 forward_delay 0"
		echo "link set $l master br_$c"
		echo "link set br_$c up"
		virtnet_line "$t" "$l" ptype all ;;
	mvpt)	echo "link add link $l name $t type macvlan mode passthru" ;;
	mvbr)	echo "link add link $l name $t type macvlan mode bridge" ;;
	ipvl)	echo "link add link $l name $t type ipvlan mode l2" ;;
	mirr)	echo "link add $t type dummy"
		cat > "$WORKDIR/bt" <<-EOF
		qdisc add dev $l clsact
		filter add dev $l ingress matchall action mirred ingress redirect dev $t
		qdisc add dev $t clsact
		filter add dev $t egress matchall action mirred egress redirect dev $l
		EOF
		cat > "$WORKDIR/bt_off" <<-EOF
		qdisc del dev $l clsact
		qdisc del dev $t clsact
		EOF
		;;
	esac >> "$WORKDIR/b1"
	echo "link set ${TGT[$c]} up" >> "$WORKDIR/b2"
	echo "addr add 10.77.$k.1/24 dev ${TGT[$c]}" >> "$WORKDIR/b2"
done
# -force: go on after an error; what is missing afterwards is skipped
"$IP" -force -batch "$WORKDIR/b1" || log "some devices could not be created (see above)"
if [ ${#NLV[@]} -gt 0 ]; then
	if command -v python3 >/dev/null; then
		nl_virtnet "${NLV[@]}" || log "some virtnet devices could not be created (see above)"
	else
		log "neither a patched ip(8) nor python3: virtnet devices with mode/filter are skipped"
	fi
fi
"$IP" -force -batch "$WORKDIR/b2" 2>/dev/null || true
ip -n "$PEER" -force -batch "$WORKDIR/bp" || die "setting up the peer namespace failed" "see the messages above"
# tc's filters exist only while the mirred configuration runs: a clsact
# qdisc anywhere turns on the static keys that make every device's receive
# (and transmit) path look for tc hooks, which would cost every other
# configuration, and virtnet's second receive pass twice
mirr_on() { tc -force -batch "$WORKDIR/bt" || log "tc setup failed (see above)"; }
mirr_off() { tc -force -batch "$WORKDIR/bt_off" 2>/dev/null || true; }
[ -f "$WORKDIR/bt" ] && mirr_on

# MAC addresses of the peers
while read -r name _ mac _; do
	name=${name%@*}
	DST_OUT_MAC[${name#p_}]=$mac
done < <(ip -n "$PEER" -br link show type veth)

for c in $CFGS; do
	t=${TGT[$c]}
	if [ ! -e "/sys/class/net/$t" ] || [ -z "${DST_OUT_MAC[$c]:-}" ] ||
	   { [ "$c" = mirr ] && ! tc filter show dev l_mirr ingress | grep -q mirred; }; then
		log "configuration $c could not be set up: skipped"
		out "skip cfg=$c reason=\"setup failed (missing kernel feature?)\""
		continue
	fi
	# frames for the target: its own MAC (filter mac, macvlan bridge);
	# with mirred the lower's MAC, which the stack there accepts
	if [ "$c" = mirr ]; then
		read -r "DST_IN_MAC[$c]" < "/sys/class/net/l_$c/address"
	else
		read -r "DST_IN_MAC[$c]" < "/sys/class/net/$t/address"
	fi
	OKCFGS="$OKCFGS $c"
	out "cfg name=$c desc=\"${DESC[$c]}\""
done
[ -f "$WORKDIR/bt" ] && mirr_off
[ -n "$OKCFGS" ] || die "no configuration could be set up" "see the messages above"
case " $OKCFGS " in
*" bare "*) ;;
*) die "the bare lower could not be set up" "see the messages above" ;;
esac
case " $OKCFGS " in
*" vall "*) ;;
*) die "no virtnet device could be created" \
	"build the guest with CONFIG_VIRTNET=m (scripts/build/guest) and look at the guest's dmesg" ;;
esac
# a bridge port starts forwarding at once with STP off; wait for it anyway
for _ in $(seq 50); do
	[ ! -e /sys/class/net/l_ptbr/brport/state ] && break
	[ "$(cat /sys/class/net/l_ptbr/brport/state)" = 3 ] && break
	sleep 0.1
done

# ---------------------------------------------------------------- one run

# CNT = the counter that moves by one per frame of configuration C in
# direction D (builtins only: a fork costs more than a run under TCG)
count()	# DIR CFG
{
	local c=$2
	if [ "$1" = out ]; then
		read -r CNT < "/sys/class/net/l_$c/statistics/tx_packets"	# = rx of p_$c
	elif [ "$c" = mirr ]; then
		# mirred does not count at the target: use the action's stats
		CNT=$(tc -s filter show dev l_mirr ingress |
			awk '/Sent/ { for (i = 1; i < NF; i++) if ($(i + 1) == "pkt") { print $i; exit } }')
	else
		read -r CNT < "/sys/class/net/${TGT[$c]}/statistics/rx_packets"
	fi
}

pgset() { echo "$2" > "$1"; }

# pg_run DIR SIZE FLOWS CFG COUNT: configure pktgen (one device on the
# thread of CPU 0), run it; sets PG_SENT, PG_USEC (pktgen's time), PG_RX
pg_run()
{
	local dir=$1 size=$2 flows=$3 c=$4 n=$5 base dev odev dmac dip sip0 sip1 mode
	local before line ok=0 try

	if [ "$dir" = in ]; then
		base=$PEERPG odev=p_$c dmac=${DST_IN_MAC[$c]}
		dip=10.77.${SUBNET[$c]}.1 sip0=10.77.${SUBNET[$c]}.2
		mode=start_xmit
	else
		base=$PG odev=${TGT[$c]} dmac=${DST_OUT_MAC[$c]}
		dip=10.77.${SUBNET[$c]}.2 sip0=10.77.${SUBNET[$c]}.1
		# through dev_queue_xmit() like a socket's frames, so that
		# the target's qdisc/tc layer and its xmit are both measured
		mode=queue_xmit
	fi
	sip1=$sip0
	[ "$flows" = many ] && sip1=10.77.${SUBNET[$c]}.250 && sip0=10.77.${SUBNET[$c]}.10

	pgset "$base/kpktgend_0" rem_device_all
	pgset "$base/kpktgend_0" "add_device $odev"
	while IFS= read -r line; do
		case "$line" in "Result: OK"*) ok=1 ;; esac
	done < "$base/kpktgend_0"
	[ "$ok" = 1 ] || { log "pktgen: add_device $odev failed: $(grep Result "$base/kpktgend_0")"; return 1; }
	dev=$base/$odev
	pgset "$dev" "xmit_mode $mode"
	pgset "$dev" "flag !SHARED"	# a shared skb would be cloned by every rx_handler
	pgset "$dev" "count $n"
	pgset "$dev" "pkt_size $size"
	pgset "$dev" "delay 0"
	pgset "$dev" "dst_mac $dmac"
	pgset "$dev" "dst $dip"
	pgset "$dev" "src_min $sip0"
	pgset "$dev" "src_max $sip1"
	pgset "$dev" "udp_dst_min 9"
	pgset "$dev" "udp_dst_max 9"
	if [ "$flows" = many ]; then
		pgset "$dev" "udp_src_min 1024"
		pgset "$dev" "udp_src_max 2047"
		pgset "$dev" "flag IPSRC_RND"
		pgset "$dev" "flag UDPSRC_RND"
	else
		pgset "$dev" "udp_src_min 9"
		pgset "$dev" "udp_src_max 9"
	fi

	[ "$c" = mirr ] && mirr_on
	count "$dir" "$c"
	before=$CNT
	pg_start "$dir"
	# pgctrl's start returns when the thread is no longer running; if it
	# looked before the thread had even started (rarely, under load), the
	# result is not there yet: wait for it, or start again if it never ran
	for try in $(seq 100); do
		pg_result "$dev" && break
		case "$try:$PG_LINE" in
		30:*Starting*|30:*Running*) ;;
		30:*) log "pktgen on $odev did not run ($PG_LINE): starting it again"
			pg_start "$dir" ;;
		esac
		sleep 0.1
	done
	count "$dir" "$c"
	PG_RX=$((CNT - before))
	[ "$c" = mirr ] && mirr_off
	[ -n "$PG_USEC" ] || { log "pktgen on $odev gave no result: $PG_LINE"; return 1; }
}

pg_start()	# DIR: start the pktgen threads of the sending namespace, wait for them
{
	if [ "$1" = in ]; then
		peer_do "echo start > $PG/pgctrl"
	else
		echo start > "$PG/pgctrl"
	fi
}

# pg_result DEVFILE: PG_USEC, PG_SENT from a finished run's result line
# "Result: OK: 123456(c123000+d456) usec, 100000 (60byte,0frags)"; the
# line as it is in PG_LINE
pg_result()
{
	local line re='^Result: OK: ([0-9]+)\(c[0-9]+\+d[0-9]+\) usec, ([0-9]+) '

	PG_USEC='' PG_SENT='' PG_LINE=''
	while IFS= read -r line; do
		case "$line" in Result:*) PG_LINE=$line ;; esac
		if [[ $line =~ $re ]]; then
			PG_USEC=${BASH_REMATCH[1]}
			PG_SENT=${BASH_REMATCH[2]}
		fi
	done < "$1"
	[ -n "$PG_USEC" ]
}

# ---------------------------------------------------------------- matrix

declare -A NCOUNT
cell_count()	# CELL -> frames per run, from a calibration run on the bare lower
{
	local dir size flows pps
	IFS=/ read -r dir size flows <<<"$1"
	pg_run "$dir" "$size" "$flows" bare 3000 || return 1
	pps=$(( PG_RX * 1000000 / (PG_USEC > 0 ? PG_USEC : 1) ))
	NCOUNT[$1]=$(awk -v p="$pps" -v s="$SECS" 'BEGIN { n = int(p * s); if (n < 2000) n = 2000; print n }')
}

run_matrix()	# PHASE ROUNDS CFGS CELLS
{
	local phase=$1 rounds=$2 cells=$4 round cell i j c n nc dir size flows
	local -a cfgs

	read -r -a cfgs <<<"$3"
	nc=${#cfgs[@]}

	for round in $(seq "$rounds"); do
		for cell in $cells; do
			n=${NCOUNT[$cell]}
			IFS=/ read -r dir size flows <<<"$cell"
			# rotate the order every round: no configuration
			# always runs first or right after the same neighbour
			for ((j = 0; j < nc; j++)); do
				i=$(( (j + round - 1) % nc ))
				c=${cfgs[$i]}
				pg_run "$dir" "$size" "$flows" "$c" "$n" || {
					out "fail phase=$phase round=$round dir=$dir size=$size flows=$flows cfg=$c"
					continue
				}
				out "run phase=$phase round=$round dir=$dir size=$size flows=$flows cfg=$c sent=$PG_SENT usec=$PG_USEC rx=$PG_RX"
			done
		done
		log "$phase: round $round/$rounds done ($(( $(date +%s) - T0 )) s)"
	done
}

for cell in $CELLS; do
	cell_count "$cell" || die "calibration run for $cell failed" "see the pktgen messages above"
	out "cell cell=$cell count=${NCOUNT[$cell]}"
done
log "calibrated ($(( $(date +%s) - T0 )) s); $RUNS rounds of $(echo "$OKCFGS" | wc -w) configurations x $(echo "$CELLS" | wc -w) cells"
run_matrix main "$RUNS" "$OKCFGS" "$CELLS"

# ---------------------------------------------------------------- allocations

# Slab allocations per frame, bare lower against each receive path, with
# whatever the guest kernel offers: SLUB statistics or kmem tracepoints.
allocs_total()
{
	local f s=0 v
	case "$ALLOC_METHOD" in
	slub_stats)
		for f in /sys/kernel/slab/*/alloc_fastpath /sys/kernel/slab/*/alloc_slowpath; do
			[ -L "${f%/*}" ] && continue	# alias of a merged cache
			read -r v _ < "$f"
			s=$((s + v))
		done
		echo "$s" ;;
	tracing)
		awk '/^entries:|^overrun:/ { s += $2 } END { print s }' "$TR"/per_cpu/cpu*/stats ;;
	esac
}
ALLOC_METHOD=none
TR=/sys/kernel/tracing
[ -d $TR/events ] || mount -t tracefs nodev $TR 2>/dev/null || true
if [ -e /sys/kernel/slab/skbuff_head_cache/alloc_fastpath ]; then
	ALLOC_METHOD=slub_stats
elif [ -e $TR/events/kmem/kmem_cache_alloc/enable ]; then
	ALLOC_METHOD=tracing
	echo 0 > $TR/tracing_on
	echo 1 > $TR/events/kmem/kmem_cache_alloc/enable
	echo 1 > $TR/events/kmem/kmalloc/enable
	echo 4096 > $TR/buffer_size_kb || true
fi
out "meta alloc_method=$ALLOC_METHOD"
if [ "$ALLOC_METHOD" != none ] && [ "$SMOKE" = 0 ]; then
	# two runs per configuration, N and 2N frames: the difference of
	# their counts is N frames' worth, without what a run costs once
	# (pktgen's setup, reading the counters, tc for mirred's count)
	n=20000
	for c in $OKCFGS; do
		[ "$ALLOC_METHOD" = tracing ] && { echo > $TR/trace; echo 1 > $TR/tracing_on; }
		a0=$(allocs_total)
		pg_run in 60 1 "$c" "$n" || continue
		a1=$(allocs_total)
		f1=$PG_RX
		pg_run in 60 1 "$c" $((2 * n)) || continue
		a2=$(allocs_total)
		f2=$PG_RX
		[ "$ALLOC_METHOD" = tracing ] && echo 0 > $TR/tracing_on
		out "alloc cfg=$c frames=$((f2 - f1)) allocs=$(( (a2 - a1) - (a1 - a0) ))" \
			"frames1=$f1 allocs1=$((a1 - a0)) frames2=$f2 allocs2=$((a2 - a1))"
	done
	[ "$ALLOC_METHOD" = tracing ] && echo 0 > $TR/events/kmem/enable
fi

# ---------------------------------------------------------------- instruction counts

# Where the instructions go: with scripts/bench/run's QEMU plugin loaded
# (VIRTNET_BENCH_INSN_DIR set), every write to /proc/sys/vm/stat_refresh
# makes QEMU dump the instruction counts of each kernel code block since
# the previous one. Two ingress or egress runs of 64-byte frames per
# configuration, N and 2N frames, each between two such marks: the
# difference of the two counts is N frames' worth, without what a run costs
# once. scripts/bench/run turns the counts into instructions per frame and
# kernel function (bench/report --insn) with the symbols saved here.
INSN_DIR=${VIRTNET_BENCH_INSN_DIR:-}
MARKS=0
insn_mark() { echo 1 > /proc/sys/vm/stat_refresh; MARKS=$((MARKS + 1)); }
insn_window()	# DIR CFG
{
	local dir=$1 c=$2 n f1 f2 m1

	n=$(( ${NCOUNT[$dir/60/1]:-20000} ))
	insn_mark
	pg_run "$dir" 60 1 "$c" "$n" || return 0
	f1=$PG_RX
	insn_mark
	m1=$((MARKS - 1))	# the plugin numbers its dumps from 0
	pg_run "$dir" 60 1 "$c" $((2 * n)) || return 0
	f2=$PG_RX
	insn_mark
	out "insnwin dir=$dir cfg=$c mark1=$m1 mark2=$((m1 + 1)) frames1=$f1 frames2=$f2"
}
if [ "$PROFILE" = 1 ] && [ -n "$INSN_DIR" ] && [ -w /proc/sys/vm/stat_refresh ]; then
	log "instruction counts ($(( $(date +%s) - T0 )) s)"
	for c in bare vall vmac ptyp ptmc ptbr mvpt mvbr ipvl mirr; do
		case " $OKCFGS " in *" $c "*) insn_window in "$c" ;; esac
	done
	for c in bare vall vmac ptyp mvpt mvbr ipvl mirr; do
		case " $OKCFGS " in *" $c "*) insn_window out "$c" ;; esac
	done
	# the kernel's text symbols, modules included, for the addresses
	awk '$2 ~ /^[tTwW]$/ { print $1, $3, $4 }' /proc/kallsyms > "$INSN_DIR/kallsyms" ||
		log "cannot write $INSN_DIR/kallsyms"
fi

# ---------------------------------------------------------------- scale

meminfo()	# the fields that grow with devices, kB
{
	sync
	echo 3 > /proc/sys/vm/drop_caches
	awk '/^(MemFree|Slab|SUnreclaim|Percpu|KernelStack|PageTables):/ { printf "%s=%s ", $1, $2 }' /proc/meminfo |
		tr -d :
}

usec_now() { echo $(( $(date +%s%N) / 1000 )); }

slab_bytes()	# FILE: "cache bytes" per slab cache (objects in use x object size)
{
	local d o z

	for d in /sys/kernel/slab/*/; do
		[ -L "${d%/}" ] && continue	# alias of a merged cache
		read -r o _ < "$d/objects" || continue
		read -r z < "$d/object_size" || continue
		d=${d%/}
		echo "${d##*/} $((o * z))"
	done > "$1"
}

if [ "$SCALE" -gt 0 ]; then
	log "scale: $SCALE veth pairs, then $SCALE virtnet devices ($(( $(date +%s) - T0 )) s)"
	B=$WORKDIR/batch
	for i in $(seq "$SCALE"); do echo "link add sa$i type veth peer name sb$i"; done > "$B"
	mv=$(meminfo)
	u0=$(usec_now)
	ip -batch "$B" || die "creating $SCALE veth pairs failed" "give the guest more memory"
	u1=$(usec_now)
	out "scale op=veth_create n=$SCALE usec=$((u1 - u0))"

	m0=$(meminfo)
	slab_bytes "$WORKDIR/slab0"
	for i in $(seq "$SCALE"); do echo "link add link sa$i name sv$i type virtnet"; done > "$B"
	u0=$(usec_now)
	ip -batch "$B" || die "creating $SCALE virtnet devices failed" "see dmesg in the guest"
	u1=$(usec_now)
	m1=$(meminfo)
	slab_bytes "$WORKDIR/slab1"
	# where the slab memory of a device goes: the caches that grew most;
	# a merged cache (":0004096") is shown with the names merged into it
	find /sys/kernel/slab -maxdepth 1 -type l -printf '%f %l\n' |
		awk '{ n = $2; sub(".*/", "", n); print $1, n }' > "$WORKDIR/slabalias" || true
	awk -v n="$SCALE" 'NR == FNR { b[$1] = $2; next }
		{ d = $2 - b[$1]; if (d > 0) printf "%d %s\n", d, $1 }' \
		"$WORKDIR/slab0" "$WORKDIR/slab1" | sort -rn |
		awk -v n="$SCALE" -v al="$WORKDIR/slabalias" '
			BEGIN {
				while ((getline l < al) > 0) {
					split(l, f, " ")
					if (length(names[f[2]]) < 60)
						names[f[2]] = names[f[2]] (names[f[2]] == "" ? "" : ",") f[1]
				}
			}
			NR <= 10 {
				printf "VNB scaleslab cache=%s aliases=%s bytes_per_dev=%.0f\n",
					$2, (names[$2] == "" ? "-" : names[$2]), $1 / n
			}'
	out "scale op=create n=$SCALE usec=$((u1 - u0))"
	out "scale op=mem_veth_before n=$SCALE $mv"
	out "scale op=mem_before n=$SCALE $m0"
	out "scale op=mem_after n=$SCALE $m1"

	for i in $(seq "$SCALE"); do echo "link set sv$i up"; done > "$B"
	u0=$(usec_now)
	ip -batch "$B"
	u1=$(usec_now)
	out "scale op=up n=$SCALE usec=$((u1 - u0))"

	# ingress with all of them present: bare vs rxhandler, alternating
	fc=""
	for c in bare vall ptmc mvbr; do
		case " $OKCFGS " in *" $c "*) fc="$fc $c" ;; esac
	done
	srounds=$RUNS
	run_matrix scale "$srounds" "$fc" "in/60/1"

	for i in $(seq "$SCALE"); do echo "link del sv$i"; done > "$B"
	u0=$(usec_now)
	ip -batch "$B"
	u1=$(usec_now)
	m2=$(meminfo)
	out "scale op=delete n=$SCALE usec=$((u1 - u0))"
	out "scale op=mem_deleted n=$SCALE $m2"

	for i in $(seq "$SCALE"); do echo "link del sa$i"; done > "$B"
	u0=$(usec_now)
	ip -batch "$B"
	u1=$(usec_now)
	out "scale op=veth_delete n=$SCALE usec=$((u1 - u0))"
	rm -f "$B"
fi

out "done secs=$(( $(date +%s) - T0 ))"
log "done in $(( $(date +%s) - T0 )) s"
