# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# bench/guest-setup.sh - sourced by bench/guest.sh: everything before the
# first run: which ip(8) creates the virtnet devices, the peer namespace
# and the shell kept running in it, the meta records (kernel, CPU, the
# guest's .config) and the devices of every configuration.

# shellcheck disable=SC2034 # tables for guest-pktgen.sh (DST_IN_MAC, SUBNET)

# ---------------------------------------------------------------- tools

# ip(8): a patched one knows mode/filter; stock iproute2 creates a virtnet
# device with the defaults only, so the other modes go through a few lines
# of rtnetlink in Python instead.
find_ip()	# sets IP, IP_KNOWS_VIRTNET
{
	if [ -z "$IP" ]; then
		for c in "${VIRTNET_CACHE:-$HOME/.cache/virtnet}/build/iproute2/ip/ip" /root/.cache/virtnet/build/iproute2/ip/ip; do
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
}

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

start_peer()	# the peer namespace and its shell; sets PEERPID, PEERPG
{
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
	for _ in $(seq 50); do
		[ "$(readlink "/proc/$PEERPID/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.1
	done
	PEERPG=/proc/$PEERPID/net/pktgen
	[ -d "$PEERPG" ] || die "no pktgen directory in the peer namespace ($PEERPG)" "check that pktgen supports network namespaces"
}

# ---------------------------------------------------------------- meta

out_meta()	# the "meta" records: kernel, CPUs, memory, the guest's .config
{
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
	for o in SLUB_TINY SLUB_STATS CC_OPTIMIZE_FOR_SIZE PREEMPT_NONE PREEMPT_LAZY PERF_EVENTS HZ FAILSLAB; do
		v="?"
		if [ -n "$KCONFIG" ] && [ -r "$KCONFIG" ]; then
			v=$(sed -n "s/^CONFIG_$o=//p;T;q" "$KCONFIG")
			v=${v:-n}
		fi
		out "meta config_$o=$v"
	done
}

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
	[mirr]="tc matchall + mirred redirect" [tbpf]="tc BPF redirect (bpf_redirect)"
	[vxdp]="virtnet rxhandler + generic XDP (XDP_PASS)")

# tc's filters (mirred's, the BPF redirect's) exist only while their
# configuration runs: a clsact qdisc anywhere turns on the static keys that
# make every device's receive (and transmit) path look for tc hooks, which
# would cost every other configuration, and virtnet's second receive pass
# twice. tc_on_X and tc_off_X are configuration X's tc batches.
tc_on() { tc -force -batch "$WORKDIR/tc_on_$1" || log "tc setup of $1 failed (see above)"; }
tc_off() { tc -force -batch "$WORKDIR/tc_off_$1" 2>/dev/null || true; }

# The BPF anchors, built on the host by scripts/bench/run (clang -target
# bpf) into $VIRTNET_BENCH_BPF_DIR with the ifindexes in its file
# "ifindex"; attached, like mirred's filters, only while their
# configuration runs (generic XDP has a static key of its own). ip(8) and
# tc here are the system's, which load BPF objects (libbpf).
BPFDIR=${VIRTNET_BENCH_BPF_DIR:-}
TBPF_TARGET=0 TBPF_LOWER=0
if [ -n "$BPFDIR" ] && [ -r "$BPFDIR/ifindex" ]; then
	read -r TBPF_TARGET TBPF_LOWER < "$BPFDIR/ifindex"
fi
vxdp_on() { ip link set dev t_vxdp xdpgeneric obj "$BPFDIR/xdp-pass.o" sec xdp || log "attaching XDP to t_vxdp failed (see above)"; }
vxdp_off() { ip link set dev t_vxdp xdpgeneric off 2>/dev/null || true; }

cfg_on()	# CFG: attach what exists only while CFG runs
{
	case "$1" in
	mirr|tbpf) tc_on "$1" ;;
	vxdp) vxdp_on ;;
	n_*) nic_on "$1" ;;
	esac
}
cfg_off()
{
	case "$1" in
	mirr|tbpf) tc_off "$1" ;;
	vxdp) vxdp_off ;;
	n_*) nic_off "$1" ;;
	esac
}

# Everything goes through a few batches: under TCG every exec of ip(8)
# costs about as much as a whole run.
setup_configs()	# the devices of every configuration in CFGS; sets OKCFGS
{
	k=0
	for c in $CFGS; do
		k=$((k + 1))
		[ -n "${DESC[$c]:-}" ] || die "unknown configuration '$c'" "use some of: ${!DESC[*]}"
		case "$c" in
		tbpf|vxdp)
			if [ ! -r "$BPFDIR/xdp-pass.o" ] || [ "$TBPF_TARGET" = 0 ]; then
				log "configuration $c: no BPF objects (scripts/bench/run builds them with clang): skipped"
				out "skip cfg=$c reason=\"no BPF objects: clang -target bpf failed or is missing on the host\""
				continue
			fi ;;
		esac
		SUBNET[$c]=$k
		l=l_$c p=p_$c t=t_$c
		TGT[$c]=$t
		if [ "$c" = tbpf ]; then
			echo "link add $l index $TBPF_LOWER type veth peer name $p netns $PEER"
		else
			echo "link add $l type veth peer name $p netns $PEER"
		fi >> "$WORKDIR/b1"
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
			cat > "$WORKDIR/tc_on_$c" <<-EOF
			qdisc add dev $l clsact
			filter add dev $l ingress matchall action mirred ingress redirect dev $t
			qdisc add dev $t clsact
			filter add dev $t egress matchall action mirred egress redirect dev $l
			EOF
			cat > "$WORKDIR/tc_off_$c" <<-EOF
			qdisc del dev $l clsact
			qdisc del dev $t clsact
			EOF
			;;
		tbpf)	echo "link add $t index $TBPF_TARGET type dummy"
			cat > "$WORKDIR/tc_on_$c" <<-EOF
			qdisc add dev $l clsact
			filter add dev $l ingress bpf da obj $BPFDIR/tc-redirect-ingress.o sec tc
			qdisc add dev $t clsact
			filter add dev $t egress bpf da obj $BPFDIR/tc-redirect-egress.o sec tc
			EOF
			cat > "$WORKDIR/tc_off_$c" <<-EOF
			qdisc del dev $l clsact
			qdisc del dev $t clsact
			EOF
			;;
		vxdp)	virtnet_line "$t" "$l" rxhandler all ;;
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
	# attached once here to see that they can be
	for c in mirr tbpf vxdp; do
		[ -n "${SUBNET[$c]:-}" ] && [ -e "/sys/class/net/t_$c" ] && cfg_on "$c"
	done

	# MAC addresses of the peers
	while read -r name _ mac _; do
		name=${name%@*}
		DST_OUT_MAC[${name#p_}]=$mac
	done < <(ip -n "$PEER" -br link show type veth)

	for c in $CFGS; do
		t=${TGT[$c]}
		[ -n "${SUBNET[$c]:-}" ] || continue	# skipped above
		if [ ! -e "/sys/class/net/$t" ] || [ -z "${DST_OUT_MAC[$c]:-}" ] ||
		   { [ "$c" = mirr ] && ! tc filter show dev l_mirr ingress | grep -q mirred; } ||
		   { [ "$c" = tbpf ] && ! tc filter show dev l_tbpf ingress | grep -q "direct-action"; } ||
		   { [ "$c" = vxdp ] && ! ip link show dev t_vxdp | grep -q xdpgeneric; }; then
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
	for c in mirr tbpf vxdp; do
		[ -n "${SUBNET[$c]:-}" ] && cfg_off "$c"
	done
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
}
