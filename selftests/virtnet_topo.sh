#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Topology of the virtnet selftests, sourced by virtnet_lib.sh: the lower
# device and the peer at the other end of its wire, in one of the two
# modes of tools/testing/selftests/drivers/net/README.rst.
#
# Software mode (NETIF unset): a veth pair stands in for the NIC. Each case
# builds its own namespaces (random names) and removes them when it ends:
#
#   NS_V                NS_A                     NS_B
#   vnet0 --stacked on--> lw0 <====== veth ======> pr0
#   10.0.1.1/24         10.0.2.1/24 (some cases)  10.0.1.2/24 10.0.2.2/24
#   fd00:1::1/64                                  fd00:1::2/64
#
# Hardware mode: the lower is the real NIC NETIF, where the script runs
# (NS_A names that namespace); the peer is the interface that has
# REMOTE_V4 (or REMOTE_V6) at the remote end: REMOTE_TYPE=netns with
# REMOTE_ARGS a namespace on this machine, or REMOTE_TYPE=ssh with
# REMOTE_ARGS a host ("ssh REMOTE_ARGS cmd" must work without a password).
# NETIF must be up, with LOCAL_V4 (or LOCAL_V6), and reach the remote.
# The variables come from the environment or from drivers/net/net.config.
# A case adds the test subnets above to the remote's interface and takes
# them away again; after each case NETIF gets back its name, addresses,
# MTU, MAC, master and offloads, devices the case created next to it are
# deleted, and a NIC the case unbound or unplugged is bound or plugged
# again. Cases that delete the lower unbind NETIF's driver instead.
#
# Hardware mode only, hooks of a test bench (the QEMU harness sets them):
#   VIRTNET_LINK_CMD   "$VIRTNET_LINK_CMD off|on" drops or raises the
#                      carrier of NETIF's wire (the carrier case)
#   VIRTNET_PLUG_CMD   "$VIRTNET_PLUG_CMD off|on" hot-unplugs NETIF's
#                      device or plugs it back (the hot-unplug case)

NS_A=""
NS_B=""
# shellcheck disable=SC2034 # a third namespace, for the scripts' cases
NS_C=""
NS_V=""
LW=lw0
PR=pr0
HW=no
HOST_NS=""
HW_MAC=""
HW_MTU=""
HW_DEV=""
HW_BUS=""
HW_DRV=""
HW_ADDRS=""
HW_LINKS=""
HW_FEATS=""
# "ethtool -K" names of the features "ethtool -k" shows under other ones.
declare -A HW_TOGGLES=([tcp-segmentation-offload]=tso
	[generic-segmentation-offload]=gso [generic-receive-offload]=gro
	[rx-vlan-offload]=rxvlan [tx-vlan-offload]=txvlan
	[rx-checksumming]=rx [tx-checksumming]=tx [scatter-gather]=sg)

# cnt NS DEV COUNTER: a counter of DEV, as "ip -s link" reports it.
cnt()
{
	sys_read "$1" "class/net/$2/statistics/$3" 2>/dev/null || echo 0
}

mac_of()
{
	sys_read "$1" "class/net/$2/address"
}

mtu_of()
{
	sys_read "$1" "class/net/$2/mtu"
}

# operstate_is NS DEV REGEX: REGEX in upper case, as "ip link" shows it.
operstate_is()
{
	local state

	state=$(sys_read "$1" "class/net/$2/operstate" 2>/dev/null)
	[[ "${state^^}" =~ ^($3)$ ]]
}

wait_oper()
{
	wait_for 20 operstate_is "$@" && return 0
	fail "$2 in $1: operstate" \
		"$(sys_read "$1" "class/net/$2/operstate" 2>&1)," \
		"expected $3"
}

dev_exists()
{
	ip -n "$1" link show dev "$2" >/dev/null 2>&1
}

# No virtnet device is left in NS.
no_virtnet_in()
{
	local left

	left=$(ip -n "$1" -o link show type virtnet 2>&1)
	[ -z "$left" ] && return 0
	fail "virtnet device left behind in $1: $left"
}

# The lower has no rx_handler left: a bridge can take it as a port.
lower_free()
{
	local ns=$1 lower=$2

	ip -n "$ns" link add vnchk0 type bridge 2>/dev/null || return 0
	if ! run ip -n "$ns" link set "$lower" master vnchk0; then
		ip -n "$ns" link del vnchk0
		fail "$lower cannot become a bridge port:" \
			"an rx_handler was left on it"
		return
	fi
	ip -n "$ns" link set "$lower" nomaster
	ip -n "$ns" link del vnchk0
}

# ping_ok NS ADDR COUNT [PING OPTIONS]: every request answered exactly once.
ping_ok()
{
	local ns=$1 addr=$2 n=$3 out rcv

	shift 3
	out=$(in_ns "$ns" ping -n -c "$n" -i 0.02 -W 2 "$@" "$addr" 2>&1)
	rcv=0
	[[ "$out" =~ \ ([0-9]+)\ received ]] && rcv=${BASH_REMATCH[1]}
	if [ "$rcv" -ne "$n" ] || [[ "$out" == *duplicates* ]]; then
		fail "ping $* $addr from $ns:" \
			"expected $n replies and no duplicates"
		tail -n 3 <<<"$out" | show
		return 1
	fi
}

# reach: vnet0 reaches the peer again within 15 s of its carrier (a NIC
# may report the link before it passes frames), then every ping is
# answered.
reach()
{
	local t=$SECONDS

	wait_for 15 in_ns "$NS_V" ping -n -c 1 -W 1 10.0.1.2 ||
		{ fail "vnet0 does not reach 10.0.1.2 15 s after up"; return; }
	log "10.0.1.2 answers $((SECONDS - t)) s after vnet0's carrier"
	ping_ok "$NS_V" 10.0.1.2 3
}

# ping_none NS ADDR COUNT [PING OPTIONS]: no reply at all.
ping_none()
{
	local ns=$1 addr=$2 n=$3 out rcv

	shift 3
	out=$(in_ns "$ns" ping -n -c "$n" -i 0.02 -W 1 "$@" "$addr" 2>&1)
	rcv=0
	[[ "$out" =~ \ ([0-9]+)\ received ]] && rcv=${BASH_REMATCH[1]}
	if [ "$rcv" -ne 0 ]; then
		fail "ping $* $addr from $ns: expected no reply"
		tail -n 3 <<<"$out" | show
		return 1
	fi
}

# expect_eq WHAT GOT WANT
expect_eq()
{
	[ "$2" = "$3" ] && return 0
	fail "$1: got '$2', expected '$3'"
}

# expect_ge WHAT GOT MIN
expect_ge()
{
	[ "$2" -ge "$3" ] && return 0
	fail "$1: got $2, expected at least $3"
}

need()
{
	local tool

	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || {
			skip "$tool not installed"
			return
		}
	done
}

load_module()
{
	if [ -n "$VIRTNET_KO" ]; then
		insmod "$VIRTNET_KO"
	else
		modprobe virtnet
	fi
}

# Does $IP know the mode and filter keywords of virtnet?
HAVE_ATTRS=""
have_attrs()
{
	if [ -z "$HAVE_ATTRS" ]; then
		HAVE_ATTRS=no
		if "$IP" link help virtnet 2>&1 | grep -q ptype; then
			HAVE_ATTRS=yes
		fi
	fi
	[ "$HAVE_ATTRS" = yes ]
}

need_attrs()
{
	have_attrs && return 0
	skip "'$IP' does not know 'type virtnet mode ... filter ...'" \
		"(set IP= to a patched ip)"
}

# vnet_add NS LOWER NAME MODE FILTER [ip link add options]: the default
# device through the stock ip, anything else through $IP.
vnet_add()
{
	local ns=$1 lower=$2 name=$3 mode=$4 filter=$5

	shift 5
	if [ "$mode" = rxhandler ] && [ "$filter" = all ]; then
		run command ip -n "$ns" link add link "$lower" name "$name" \
			"$@" type virtnet
		return
	fi
	need_attrs || return
	run "$IP" -n "$ns" link add link "$lower" name "$name" "$@" \
		type virtnet mode "$mode" filter "$filter"
}

##############################################################################
# Software or hardware mode

# pip ARGS: ip on the peer's side.
pip()
{
	if [ "$NS_B" = @remote ]; then
		in_ns @remote ip "$@"
	else
		ip -n "$NS_B" "$@"
	fi
}

# drivers/net/net.config, then the environment.
if [ -r "$TEST_DIR/../net.config" ]; then
	# shellcheck source=/dev/null
	. "$TEST_DIR/../net.config"
fi
NETIF=${NETIF:-}
LOCAL_V4=${LOCAL_V4:-}
LOCAL_V6=${LOCAL_V6:-}
REMOTE_V4=${REMOTE_V4:-}
REMOTE_V6=${REMOTE_V6:-}
REMOTE_TYPE=${REMOTE_TYPE:-}
REMOTE_ARGS=${REMOTE_ARGS:-}
VIRTNET_LINK_CMD=${VIRTNET_LINK_CMD:-}
VIRTNET_PLUG_CMD=${VIRTNET_PLUG_CMD:-}

# The reason hardware mode cannot run, on stdout.
hw_env_ok()
{
	[ -n "$NETIF" ] || return 0
	if ! { [ -n "$LOCAL_V4" ] && [ -n "$REMOTE_V4" ]; } &&
	   ! { [ -n "$LOCAL_V6" ] && [ -n "$REMOTE_V6" ]; }; then
		echo "NETIF=$NETIF without LOCAL_V4/REMOTE_V4 or" \
			"LOCAL_V6/REMOTE_V6 (drivers/net/README.rst)"
		return 1
	fi
	case "$REMOTE_TYPE" in
	netns|ssh) ;;
	*) echo "REMOTE_TYPE must be netns or ssh, not '$REMOTE_TYPE'"
	   return 1 ;;
	esac
	[ -n "$REMOTE_ARGS" ] || { echo "REMOTE_ARGS is not set"; return 1; }
	[ -e "/sys/class/net/$NETIF" ] ||
		{ echo "NETIF=$NETIF: no such device here"; return 1; }
}

# topo_init: once per script; topo_why says why nothing can run.
TOPO_WHY=""
topo_why()
{
	echo "$TOPO_WHY"
}

topo_init()
{
	TOPO_WHY=$(hw_env_ok) || return 1
	[ -n "$NETIF" ] || { log "software mode: veth lowers"; return 0; }
	HW=yes
	LW=$NETIF
	HOST_NS=vn-host-$$
	ip netns attach "$HOST_NS" $$ 2>/dev/null || {
		HOST_NS=""
		TOPO_WHY="ip netns attach failed (iproute2 too old?)"
		return 1
	}
	hw_init || return 1
	hw_info
}

# The remote end and NETIF's state; TOPO_WHY when it fails.
hw_init()
{
	local raddr

	if [ "$REMOTE_TYPE" = ssh ]; then
		NS_B=@remote
	else
		NS_B=$REMOTE_ARGS
	fi
	raddr=${REMOTE_V4:-$REMOTE_V6}
	PR=$(pip -j addr show to "$raddr" 2>/dev/null | jq -r '.[0].ifname')
	if [ -z "$PR" ] || [ "$PR" = null ]; then
		TOPO_WHY="no interface with $raddr at the remote end"
		return 1
	fi
	if ! ping -c 1 -W 5 "$raddr" >/dev/null 2>&1; then
		TOPO_WHY="NETIF=$NETIF does not reach $raddr"
		return 1
	fi
	HW_MAC=$(<"/sys/class/net/$NETIF/address")
	HW_MTU=$(<"/sys/class/net/$NETIF/mtu")
	if [ -e "/sys/class/net/$NETIF/device/driver" ]; then
		# The device on its bus (pci; virtio for virtio-net).
		HW_DEV=$(readlink -f "/sys/class/net/$NETIF/device")
		HW_DEV=${HW_DEV##*/}
		HW_BUS=$(readlink -f "/sys/class/net/$NETIF/device/subsystem")
		HW_BUS=/sys/bus/${HW_BUS##*/}
		HW_DRV=$(readlink -f "/sys/class/net/$NETIF/device/driver")
		HW_DRV=${HW_DRV##*/}
	fi
}

hw_info()
{
	local f

	HW_ADDRS=$(hw_addrs)
	HW_LINKS=$(hw_links)
	HW_FEATS=$(hw_feats)
	log "hardware mode: lower $NETIF (driver ${HW_DRV:-?} at" \
		"${HW_DEV:-?}, $HW_MAC), peer $PR at $REMOTE_TYPE:$REMOTE_ARGS"
	f=$(compgen -G "/sys/class/net/$NETIF/queues/rx-*" | wc -l)
	log "$NETIF: $f rx queue(s); offloads on:" \
		"$(ethtool -k "$NETIF" 2>/dev/null | awk -F': ' \
			'$2 ~ /^on/ { printf "%s ", $1 }')"
}

topo_exit()
{
	[ -z "$HOST_NS" ] || ip netns del "$HOST_NS" 2>/dev/null
	HOST_NS=""
}

# NETIF's global addresses ("ADDR/LEN" a line), the links next to it, the
# state of the features a case may toggle.
hw_addrs()
{
	ip -j addr show dev "$NETIF" scope global 2>/dev/null |
		jq -r '.[0].addr_info[]? | select(.local) |
			"\(.local)/\(.prefixlen)"' | sort
}

hw_links()
{
	ip -o link show 2>/dev/null | awk '{ sub(":", "", $2);
		sub("@.*", "", $2); print $2 }' | sort
}

hw_feats()
{
	local f v fixed

	ethtool -k "$NETIF" 2>/dev/null | while IFS=': ' read -r f v fixed; do
		[ "$fixed" != "[fixed]" ] || continue
		case "$v" in on|off) echo "${HW_TOGGLES[$f]:-$f} $v" ;; esac
	done
}

hw_feats_back()
{
	local f v

	[ "$(hw_feats)" != "$HW_FEATS" ] || return 0
	while read -r f v; do
		ethtool -K "$NETIF" "$f" "$v" 2>/dev/null
	done < <(comm -23 <(sort <<<"$HW_FEATS") <(hw_feats | sort))
}

# The NIC, whatever it is called now: the netdev of its PCI device (the
# same address after a re-plug into the same slot), else the one with
# HW_MAC.
hw_nic_name()
{
	local d

	for d in "$HW_BUS/devices/$HW_DEV/net/"*; do
		[ -e "$d" ] || break
		basename "$d"
		return 0
	done
	for d in /sys/class/net/*; do
		[ "$(cat "$d/address" 2>/dev/null)" = "$HW_MAC" ] || continue
		[ -e "$d/device" ] || continue
		basename "$d"
		return 0
	done
	return 1
}

# hw_nic_back: NETIF is there again (bound, plugged in, named, up).
hw_nic_back()
{
	local name

	if ! hw_nic_name >/dev/null; then
		if [ -e "$HW_BUS/devices/$HW_DEV" ]; then
			[ -e "$HW_BUS/devices/$HW_DEV/driver" ] ||
				echo "$HW_DEV" >"$HW_BUS/drivers/$HW_DRV/bind"
		elif [ -n "$VIRTNET_PLUG_CMD" ]; then
			bench_cmd "$VIRTNET_PLUG_CMD" on || return 1
		fi
		wait_for 60 hw_nic_name || return 1
		# udev may be renaming it right now.
		if command -v udevadm >/dev/null; then
			udevadm settle -t 10 >/dev/null 2>&1
		else
			nap 2
		fi
	fi
	name=$(hw_nic_name)
	if [ "$name" != "$NETIF" ]; then
		ip link set dev "$name" down &&
		ip link set dev "$name" name "$NETIF" || return 1
	fi
	# A re-plugged virtio-net is another virtioN.
	HW_DEV=$(readlink -f "/sys/class/net/$NETIF/device")
	HW_DEV=${HW_DEV##*/}
	ip link set dev "$NETIF" up
}

# topo_reset: after each case, NETIF and the peer as they were.
topo_reset()
{
	local l a now

	[ "$HW" = yes ] || return 0
	for a in 10.0.1.2/24 10.0.2.2/24 fd00:1::2/64; do
		pip addr del "$a" dev "$PR" >/dev/null 2>&1
	done
	pip neigh flush dev "$PR" nud all >/dev/null 2>&1
	hw_nic_back || { fail "$NETIF did not come back"; return 1; }
	for l in $(comm -13 <(echo "$HW_LINKS") <(hw_links)); do
		ip link del dev "$l" 2>/dev/null
	done
	[ ! -e "/sys/class/net/$NETIF/master" ] ||
		ip link set dev "$NETIF" nomaster
	[ "$(<"/sys/class/net/$NETIF/mtu")" = "$HW_MTU" ] ||
		ip link set dev "$NETIF" mtu "$HW_MTU" || return 1
	[ "$(<"/sys/class/net/$NETIF/address")" = "$HW_MAC" ] ||
		ip link set dev "$NETIF" address "$HW_MAC" || return 1
	ip link set dev "$NETIF" up || return 1
	# The features that differ, twice: a top-level one set back may
	# have changed those under it.
	hw_feats_back
	hw_feats_back
	now=$(hw_addrs)
	for a in $(comm -13 <(echo "$HW_ADDRS") <(echo "$now")); do
		ip addr del "$a" dev "$NETIF"
	done
	for a in $(comm -23 <(echo "$HW_ADDRS") <(echo "$now")); do
		if [[ "$a" == *:* ]]; then
			ip addr add "$a" dev "$NETIF" nodad
		else
			ip addr add "$a" dev "$NETIF"
		fi
	done
	wait_for 30 operstate_is "$HOST_NS" "$NETIF" UP ||
		{ fail "$NETIF is not up after the case"; return 1; }
}

# bench_cmd "CMD [ARG...]" on|off: a test bench hook (VIRTNET_LINK_CMD,
# VIRTNET_PLUG_CMD), its words split.
bench_cmd()
{
	local -a cmd

	read -r -a cmd <<<"$1"
	"${cmd[@]}" "$2"
}

# need_hw WHY: skip unless in hardware mode; need_sw the other way.
need_hw()
{
	[ "$HW" = yes ] || skip "needs a real NIC (hardware mode, NETIF=): $*"
}

# topo_lower: NS_A and LW, the lower's namespace and name; in software
# mode a new veth pair to a new NS_B, in hardware mode NETIF and the peer.
topo_lower()
{
	if [ "$HW" = yes ]; then
		NS_A=$HOST_NS
		ns_sysfs "$NS_A"
		[ "$NS_B" = @remote ] || ns_sysfs "$NS_B"
		return 0
	fi
	ns_new NS_A a && ns_new NS_B b || return 1
	veth_pair "$NS_A" lw0 "$NS_B" pr0
}

# veth_pair NS_LOCAL LOCAL NS_PEER PEER
veth_pair()
{
	run ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" &&
	run ip -n "$1" link set "$2" up &&
	run ip -n "$3" link set "$4" up
}

# topo MODE FILTER [noipv6]: the picture at the top, vnet0 up in NS_V.
topo()
{
	local mode=$1 filter=$2 opt=${3:-}

	topo_lower && ns_new NS_V v || return 1
	if [ "$opt" = noipv6 ]; then
		[ "$HW" = yes ] || ns_no_ipv6 "$NS_A"
		[ "$HW" = yes ] || ns_no_ipv6 "$NS_B"
		ns_no_ipv6 "$NS_V"
	fi
	vnet_add "$NS_A" "$LW" vnet0 "$mode" "$filter" netns "$NS_V" || return
	run pip addr add 10.0.1.2/24 dev "$PR" &&
	run pip addr add 10.0.2.2/24 dev "$PR" &&
	run ip -n "$NS_V" addr add 10.0.1.1/24 dev vnet0 || return 1
	if [ "$opt" != noipv6 ]; then
		run pip addr add fd00:1::2/64 dev "$PR" nodad &&
		run ip -n "$NS_V" addr add fd00:1::1/64 dev vnet0 nodad ||
			return 1
	fi
	run ip -n "$NS_V" link set vnet0 up || return 1
	wait_oper "$NS_V" vnet0 UP
}

# Give the lower an address of its own, in another subnet.
lower_addr()
{
	run ip -n "$NS_A" addr add 10.0.2.1/24 dev "$LW"
}

# lower_remove: take the lower away, in the background ($! to wait for):
# "ip link del" in software mode, the driver unbound in hardware mode.
lower_remove()
{
	if [ "$HW" = yes ]; then
		echo "$HW_DEV" >"$HW_BUS/drivers/$HW_DRV/unbind" &
	else
		ip -n "$NS_A" link del "$LW" &
	fi
}

##############################################################################
# Packet capture

# cap_start NS DEV FILE [FILTER]: capture received frames of DEV into FILE.
cap_start()
{
	local ns=$1 dev=$2 file=$3

	shift 3
	rm -f "$file" "$file.err"
	# --immediate-mode: without it the frames of the last second can
	# still be in the kernel's ring when tcpdump is stopped.
	"$IP" netns exec "$ns" tcpdump -i "$dev" -nn -U --immediate-mode \
		-s 128 -Q in -w "$file" "$@" 2>"$file.err" &
	CAP_PID=$!
	BG_PIDS+=("$CAP_PID")
	wait_for 30 has_text "$file.err" "listening on" && return 0
	fail "tcpdump did not start on $dev in $ns"
	show <"$file.err"
	return 1
}

cap_stop()
{
	nap 0.3
	stop "$CAP_PID"
	CAP_PID=""
}

# cap_count FILE [FILTER]: frames in FILE that match FILTER.
cap_count()
{
	local file=$1

	shift
	tcpdump -nn -r "$file" "$@" 2>/dev/null | wc -l
}
