#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# soak/guest.sh - the guest side of "make soak": full-rate traffic through
# virtnet devices while a fault loop flaps, deletes, moves and unloads
# everything under them. Run by scripts/soak/run inside the debug guest (as
# root, in a throw-away VM: it loads and unloads the virtnet module and
# creates and deletes network namespaces and devices named sk-*).
#
# usage: soak/guest.sh SECONDS
#
# Environment:
#   IP          a patched ip(8) that knows "type virtnet mode/filter"
#               (scripts/build/iproute2); without it only mode rxhandler,
#               filter all devices are created and the filter fault is
#               skipped
#   VIRTNET_KO  load the driver with "insmod VIRTNET_KO" rather than
#               "modprobe virtnet"
#   SOAK_ROUND  seconds per pktgen round (default 4)
#
# Topology (init netns = the "host"; sk-peer = the other end of the wire):
#
#   sk-vn0 (rxhandler, all) --+-- sk-l0 ==veth== sk-p0 [sk-peer] 10.70.0.2
#   sk-vn2 (ptype, mac)     --+                          10.70.2.2
#   sk-vn1 (ptype, mac) ------ sk-l1 ==veth== sk-p1 [sk-peer] 10.70.1.2
#                              (a port of bridge sk-br0)
#
# Without a patched ip: sk-vn0 and sk-vn1 in mode rxhandler, filter all, no
# sk-vn2, no bridge. Traffic: pktgen from the virtnet devices to the peers
# (egress) and from the peers to the virtnet devices (ingress), one flood
# ping per virtnet device. Faults, round robin: carrier flap of the lower,
# MTU change of the lower, virtnet device to netns sk-mv and back, filter
# change while down, lower to netns sk-mv and back, lower deleted and
# re-created, "rmmod virtnet" and reload with the devices up and traffic
# flowing. Each fault checks what the driver promises (devices go with
# their lower, carrier and MTU follow it, filter changes are refused while
# up, ...); a failed check is counted and printed.
#
# At the end: the table of faults, frames sent/received/dropped, a check
# that no virtnet device, module or namespace is left (and, with the
# ref_tracker debugfs, that the namespaces were freed), and a kmemleak
# scan. Exit status: 0 when every check passed and nothing leaked, 1
# otherwise, 2 for a usage error, 4 when the setup itself failed.

# The checks and faults are called indirectly (check CMD..., "fault_$kind").
# shellcheck disable=SC2317

DURATION=${1:-}
case "$DURATION" in
''|*[!0-9]*)
	echo "usage: soak/guest.sh SECONDS" >&2
	exit 2
	;;
esac

IP=${IP:-ip}
ROUND=${SOAK_ROUND:-4}
ME=$(readlink -f "$0")
PEER=sk-peer
MV=sk-mv
KLEAK=/sys/kernel/debug/kmemleak
REFT=/sys/kernel/debug/ref_tracker

log() { echo "soak: $*"; }

# --- internal entry points (run in a netns through "ip netns exec") --------

# pktgen_loop STATE NAME SPEC...: until STATE/stop exists, run pktgen in
# rounds of ROUND seconds on every SPEC ("dev[@tag],dst_ip,dst_mac") whose
# device exists and has carrier. pktgen drops a device that goes away or
# loses carrier mid-round; the next round picks it up again. Sums what
# pktgen reports it sent into STATE/NAME.
pktgen_loop()
{
	local state=$1 name=$2 pg=/proc/net/pktgen
	local threads=() sent=0 errors=0 rounds=0 n spec dev dip dmac base t pid
	local used v
	shift 2

	for t in "$pg"/kpktgend_*; do
		[ -e "$t" ] && threads+=("${t##*/}")
	done
	if [ ${#threads[@]} = 0 ]; then
		echo "no pktgen threads in $pg" >"$state/$name.err"
		return 1
	fi
	while [ ! -e "$state/stop" ]; do
		for t in "${threads[@]}"; do
			echo rem_device_all 2>/dev/null >"$pg/$t"
		done
		# The threads remove their devices asynchronously; until they
		# have, add_device of the same name fails ("already used").
		for v in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			cat "${threads[@]/#/$pg/}" 2>/dev/null |
				grep -q -E '^(Running|Stopped): [^ ]' || break
			sleep 0.1
		done
		n=0
		used=()
		for spec in "$@"; do
			IFS=, read -r dev dip dmac <<<"$spec"
			base=${dev%@*}
			[ "$(cat "/sys/class/net/$base/carrier" 2>/dev/null)" = 1 ] ||
				continue
			t=${threads[$((n % ${#threads[@]}))]}
			echo "add_device $dev" 2>/dev/null >"$pg/$t" || continue
			{
				echo "count 0"
				echo "clone_skb 0"
				echo "pkt_size 60"
				echo "delay 0"
				echo "dst $dip"
				echo "dst_mac $dmac"
				echo "udp_dst_min 9"
				echo "udp_dst_max 9"
			} | while read -r v; do
				echo "$v" 2>/dev/null >"$pg/$dev" || break
			done
			used+=("$dev")
			n=$((n + 1))
		done
		if [ "$n" = 0 ]; then
			sleep 0.5
			continue
		fi
		echo start 2>/dev/null >"$pg/pgctrl" &
		pid=$!
		sleep "$ROUND"
		echo stop 2>/dev/null >"$pg/pgctrl"
		wait "$pid"
		rounds=$((rounds + 1))
		for dev in "${used[@]}"; do
			[ -r "$pg/$dev" ] || continue
			v=$(sed -n 's/.*pkts-sofar: \([0-9]*\).*errors: \([0-9]*\).*/\1 \2/p' \
				"$pg/$dev" 2>/dev/null)
			[ -n "$v" ] || continue
			sent=$((sent + ${v% *}))
			errors=$((errors + ${v#* }))
		done
		echo "$rounds $sent $errors" >"$state/$name"
	done
	for t in "${threads[@]}"; do
		echo rem_device_all 2>/dev/null >"$pg/$t"
	done
	return 0
}

if [ "${SOAK_INTERNAL:-}" = pktgen ]; then
	shift
	pktgen_loop "$@"
	exit
fi

# --- checks and counters ----------------------------------------------------

STATE=$(mktemp -d /tmp/soak.XXXXXX 2>/dev/null) || STATE=$(mktemp -d /run/soak.XXXXXX) || {
	echo "soak: error: cannot create a state directory in /tmp or /run" >&2
	exit 4
}
CHECKS=0
FAILS=0
declare -A FAULT=() FAULT_FAIL=() TOT=()
FAULT_KINDS=(flap recreate rmmod netns mtu lower-netns filter)
declare -A FAULT_NAME=(
	[flap]="carrier flap of the lower (peer down/up)"
	[mtu]="MTU change of the lower (1400, back)"
	[netns]="virtnet device to netns sk-mv and back"
	[filter]="filter change while down (all/mac)"
	[lower-netns]="lower to netns sk-mv and back"
	[recreate]="lower deleted and re-created"
	[rmmod]="rmmod virtnet + reload, devices up"
)
for k in "${FAULT_KINDS[@]}"; do
	FAULT[$k]=0
	FAULT_FAIL[$k]=0
done
for k in vn_rx vn_tx vn_rxdrop vn_txdrop peer_rx peer_tx peer_rxdrop peer_txdrop; do
	TOT[$k]=0
done
CUR=setup

# check DESCRIPTION COMMAND...: run COMMAND; a failure is counted against
# the current fault and printed with what was expected.
check()
{
	local what=$1 out
	shift

	CHECKS=$((CHECKS + 1))
	if out=$("$@" 2>&1); then
		return 0
	fi
	FAILS=$((FAILS + 1))
	[ -z "${FAULT_FAIL[$CUR]+x}" ] || FAULT_FAIL[$CUR]=$((FAULT_FAIL[$CUR] + 1))
	echo "soak: FAIL [$CUR #${FAULT[$CUR]:-0}]: $what${out:+ ($(echo "$out" | tr '\n' ' ' | cut -c1-300))}" >&2
	return 1
}

# check_fails DESCRIPTION COMMAND...: COMMAND must fail.
check_fails()
{
	local what=$1
	shift

	check "$what" _not "$@"
}

_not()
{
	! "$@"
}

# wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s until it succeeds.
wait_for()
{
	local end=$((SECONDS + $1))
	shift

	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

exists() { [ -e "/sys/class/net/$1" ]; }
gone() { [ ! -e "/sys/class/net/$1" ]; }
exists_in() { "$IP" -n "$1" link show dev "$2" >/dev/null 2>&1; }
gone_in() { ! "$IP" -n "$1" link show dev "$2" >/dev/null 2>&1; }
carrier_is() { [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = "$2" ]; }
mtu_le() { [ "$(cat "/sys/class/net/$1/mtu")" -le "$2" ]; }
mtu_is() { [ "$(cat "/sys/class/net/$1/mtu")" = "$2" ]; }
mac_of() { cat "/sys/class/net/$1/address"; }
same_mac() { [ "$(mac_of "$1")" = "$(mac_of "$2")" ]; }
other_mac() { [ "$(mac_of "$1")" != "$(mac_of "$2")" ]; }
no_virtnet_in() { [ -z "$("$IP" ${1:+-n "$1"} -o link show type virtnet 2>&1)" ]; }

# bank CLASS DEV [NETNS]: add DEV's counters to the totals (before DEV is
# destroyed; frames between this read and the deletion are not counted).
bank()
{
	local class=$1 dev=$2 ns=${3:-} s v
	local -A map=([rx_packets]=rx [tx_packets]=tx [rx_dropped]=rxdrop [tx_dropped]=txdrop)

	for s in "${!map[@]}"; do
		if [ -n "$ns" ]; then
			v=$(ip netns exec "$ns" cat "/sys/class/net/$dev/statistics/$s" 2>/dev/null)
		else
			v=$(cat "/sys/class/net/$dev/statistics/$s" 2>/dev/null)
		fi
		[ -n "$v" ] || continue
		TOT[${class}_${map[$s]}]=$((TOT[${class}_${map[$s]}] + v))
	done
}

# --- the topology -------------------------------------------------------------

PATCHED=0
VNS=(sk-vn0 sk-vn1)
declare -A LOWER=([sk-vn0]=sk-l0 [sk-vn1]=sk-l1 [sk-vn2]=sk-l0)
declare -A VADDR=([sk-vn0]=10.70.0.1 [sk-vn1]=10.70.1.1 [sk-vn2]=10.70.2.1)
declare -A PADDR=([sk-vn0]=10.70.0.2 [sk-vn1]=10.70.1.2 [sk-vn2]=10.70.2.2)
declare -A VMAC=([sk-vn1]=02:5a:00:00:02:01 [sk-vn2]=02:5a:00:00:02:02)
declare -A LMAC=([0]=02:5a:00:00:00:00 [1]=02:5a:00:00:00:01)
declare -A PMAC=([0]=02:5a:00:00:01:00 [1]=02:5a:00:00:01:01)
declare -A VMODE=() VFILTER=()

load_module()
{
	if [ -n "${VIRTNET_KO:-}" ]; then
		insmod "$VIRTNET_KO"
	else
		modprobe virtnet
	fi
}

vns_on() # PAIR: the virtnet devices stacked on lower sk-lPAIR
{
	local v

	for v in "${VNS[@]}"; do
		[ "${LOWER[$v]}" != "sk-l$1" ] || echo "$v"
	done
}

# the peer's end and the lower of pair N; N=1 gets the bridge
make_pair()
{
	local n=$1

	"$IP" link add "sk-l$n" address "${LMAC[$n]}" type veth \
		peer name "sk-p$n" address "${PMAC[$n]}" netns "$PEER" || return 1
	"$IP" -n "$PEER" link set "sk-p$n" up || return 1
	if [ "$n" = 0 ]; then
		"$IP" -n "$PEER" addr add 10.70.0.2/24 dev sk-p0 || return 1
		"$IP" -n "$PEER" addr add 10.70.2.2/24 dev sk-p0 || return 1
	else
		"$IP" -n "$PEER" addr add 10.70.1.2/24 dev sk-p1 || return 1
		if [ "$PATCHED" = 1 ]; then
			"$IP" link set "sk-l$n" master sk-br0 || return 1
		fi
	fi
	"$IP" link set "sk-l$n" up
}

# (re)configure virtnet device V in the init netns: address, up
config_vn()
{
	local v=$1

	[ -z "${VMAC[$v]:-}" ] || [ "${VFILTER[$v]}" != mac ] ||
		"$IP" link set "$v" address "${VMAC[$v]}" || return 1
	"$IP" addr replace "${VADDR[$v]}/24" dev "$v" || return 1
	"$IP" link set "$v" up
}

make_vn()
{
	local v=$1 args=()

	if [ "$PATCHED" = 1 ]; then
		args=(type virtnet mode "${VMODE[$v]}" filter "${VFILTER[$v]}")
		[ "${VFILTER[$v]}" != mac ] || args=(address "${VMAC[$v]}" "${args[@]}")
	else
		args=(type virtnet)
	fi
	"$IP" link add link "${LOWER[$v]}" name "$v" "${args[@]}" || return 1
	config_vn "$v"
}

setup()
{
	local v n

	load_module || { echo "soak: error: cannot load virtnet (${VIRTNET_KO:+insmod $VIRTNET_KO}${VIRTNET_KO:-modprobe virtnet})" >&2; return 1; }
	modprobe pktgen 2>/dev/null
	[ -d /proc/net/pktgen ] || { echo "soak: error: no /proc/net/pktgen (CONFIG_NET_PKTGEN)" >&2; return 1; }
	"$IP" netns add "$PEER" || return 1
	"$IP" netns add "$MV" || return 1
	# Several devices in one netns, each on its own subnet: answer ARP only
	# on the device that has the address, no reverse-path drops.
	sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.default.arp_ignore=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 || return 1
	"$IP" -n "$PEER" link set lo up
	"$IP" -n "$MV" link set lo up
	if "$IP" link help virtnet 2>&1 | grep -q ptype; then
		PATCHED=1
		VNS=(sk-vn0 sk-vn1 sk-vn2)
		VMODE=([sk-vn0]=rxhandler [sk-vn1]=ptype [sk-vn2]=ptype)
		VFILTER=([sk-vn0]=all [sk-vn1]=mac [sk-vn2]=mac)
		"$IP" link add sk-br0 type bridge || return 1
		"$IP" link set sk-br0 up || return 1
	else
		VMODE=([sk-vn0]=rxhandler [sk-vn1]=rxhandler)
		VFILTER=([sk-vn0]=all [sk-vn1]=all)
	fi
	for n in 0 1; do
		make_pair "$n" || return 1
	done
	for v in "${VNS[@]}"; do
		make_vn "$v" || return 1
	done
	PEER_INUM=$(stat -L -c %i "/run/netns/$PEER")
	MV_INUM=$(stat -L -c %i "/run/netns/$MV")
	# pktgen's threads (one per CPU and netns) spin at full rate. At nice
	# 19 they still take every idle cycle, but the fault loop is not
	# starved: at nice 0, under TCG with KASAN, it got about one fault
	# a minute done.
	for p in $(pgrep -x 'kpktgend_[0-9]+'); do
		renice -n 19 -p "$p" >/dev/null
	done
}

# --- traffic --------------------------------------------------------------------

# The peer side sends to the virtnet devices: a filter all device has the
# lower's MAC; a filter mac device has its fixed one (config_vn restores it).
peer_specs()
{
	local v n

	for v in "${VNS[@]}"; do
		n=${LOWER[$v]#sk-l}
		if [ "${VFILTER[$v]}" = mac ]; then
			echo "sk-p$n@${v#sk-},${VADDR[$v]},${VMAC[$v]}"
		else
			echo "sk-p$n@${v#sk-},${VADDR[$v]},${LMAC[$n]}"
		fi
	done
}

vn_specs()
{
	local v n

	for v in "${VNS[@]}"; do
		n=${LOWER[$v]#sk-l}
		echo "$v,${PADDR[$v]},${PMAC[$n]}"
	done
}

ping_loop() # V: flood ping from V's address, counting the rounds that got replies
{
	local v=$1 ok=0 bad=0

	while [ ! -e "$STATE/stop" ]; do
		if nice -n 19 ping -q -f -w 3 -I "${VADDR[$v]}" "${PADDR[$v]}" >/dev/null 2>&1; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
			sleep 0.2
		fi
		echo "$ok $bad" >"$STATE/ping-$v"
	done
}

TRAFFIC_PIDS=()
start_traffic()
{
	local v specs

	mapfile -t specs < <(vn_specs)
	SOAK_INTERNAL=pktgen bash "$ME" "$DURATION" "$STATE" pg-egress "${specs[@]}" &
	TRAFFIC_PIDS+=($!)
	mapfile -t specs < <(peer_specs)
	ip netns exec "$PEER" env SOAK_INTERNAL=pktgen SOAK_ROUND="$ROUND" \
		bash "$ME" "$DURATION" "$STATE" pg-ingress "${specs[@]}" &
	TRAFFIC_PIDS+=($!)
	for v in "${VNS[@]}"; do
		ping_loop "$v" &
		TRAFFIC_PIDS+=($!)
	done
}

stop_traffic()
{
	local p end=$((SECONDS + ROUND + 30))

	touch "$STATE/stop"
	for p in "${TRAFFIC_PIDS[@]}"; do
		while kill -0 "$p" 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do
			sleep 0.2
		done
		kill "$p" 2>/dev/null
	done
	wait
	echo stop 2>/dev/null >/proc/net/pktgen/pgctrl
	ip netns exec "$PEER" sh -c 'echo stop >/proc/net/pktgen/pgctrl' 2>/dev/null
}

# --- faults ---------------------------------------------------------------------

NEXT_PAIR=0
NEXT_VN=0
pick_pair() { PAIR=$NEXT_PAIR; NEXT_PAIR=$(((NEXT_PAIR + 1) % 2)); }
pick_vn() { VN=${VNS[$NEXT_VN]}; NEXT_VN=$(((NEXT_VN + 1) % ${#VNS[@]})); }

fault_flap()
{
	local v

	pick_pair
	check "peer sk-p$PAIR down" "$IP" -n "$PEER" link set "sk-p$PAIR" down
	for v in $(vns_on "$PAIR"); do
		check "$v loses carrier with its lower sk-l$PAIR" wait_for 5 carrier_is "$v" 0
	done
	sleep 0.3
	check "peer sk-p$PAIR up" "$IP" -n "$PEER" link set "sk-p$PAIR" up
	for v in $(vns_on "$PAIR"); do
		check "$v regains carrier with its lower sk-l$PAIR" wait_for 5 carrier_is "$v" 1
	done
}

fault_mtu()
{
	local v

	pick_pair
	check "MTU 1400 on lower sk-l$PAIR" "$IP" link set "sk-l$PAIR" mtu 1400
	for v in $(vns_on "$PAIR"); do
		check "$v MTU follows its lower down to <= 1400" mtu_le "$v" 1400
		check_fails "$v refuses an MTU above its lower's (1450 > 1400)" \
			"$IP" link set "$v" mtu 1450
	done
	sleep 0.3
	check "MTU 1500 on lower sk-l$PAIR" "$IP" link set "sk-l$PAIR" mtu 1500
	for v in $(vns_on "$PAIR"); do
		check "$v takes MTU 1500 again" "$IP" link set "$v" mtu 1500
		check "$v has MTU 1500" mtu_is "$v" 1500
	done
}

fault_netns()
{
	pick_vn
	check "move $VN to netns $MV" "$IP" link set "$VN" netns "$MV" || return
	check "$VN is in $MV" exists_in "$MV" "$VN"
	check "$VN left the init netns" gone "$VN"
	# The lower stayed behind: the device still reaches the peer from there.
	if "$IP" -n "$MV" addr add "${VADDR[$VN]}/24" dev "$VN" &&
	   "$IP" -n "$MV" link set "$VN" up &&
	   ip netns exec "$MV" ping -q -c 3 -i 0.2 -w 4 "${PADDR[$VN]}" >/dev/null 2>&1; then
		MV_PING_OK=$((MV_PING_OK + 1))
	else
		MV_PING_BAD=$((MV_PING_BAD + 1))
	fi
	check "move $VN back to the init netns" "$IP" -n "$MV" link set "$VN" netns "$$"
	check "$VN is back in the init netns" exists "$VN"
	check "$VN left $MV" gone_in "$MV" "$VN"
	check "reconfigure $VN" config_vn "$VN"
}

fault_filter()
{
	local v lower other

	if [ "$PATCHED" = 0 ]; then
		return
	fi
	pick_vn
	v=$VN
	lower=${LOWER[$v]}
	other=mac
	[ "${VFILTER[$v]}" = mac ] && other=all
	check_fails "$v refuses a filter change while up" \
		"$IP" link set "$v" type virtnet filter "$other"
	check "$v down" "$IP" link set "$v" down
	check "$v filter $other while down" "$IP" link set "$v" type virtnet filter "$other"
	if [ "$other" = all ]; then
		check "$v takes its lower's MAC with filter all" same_mac "$v" "$lower"
	else
		check "$v gets a MAC of its own with filter mac" other_mac "$v" "$lower"
	fi
	check "$v back to filter ${VFILTER[$v]}" "$IP" link set "$v" type virtnet filter "${VFILTER[$v]}"
	if [ "${VFILTER[$v]}" = all ]; then
		check "$v has its lower's MAC again" same_mac "$v" "$lower"
	fi
	check "reconfigure $v" config_vn "$v"
}

fault_lower_netns()
{
	local v

	pick_pair
	check "move lower sk-l$PAIR to netns $MV" "$IP" link set "sk-l$PAIR" netns "$MV" || return
	for v in $(vns_on "$PAIR"); do
		check "$v stays when its lower changes netns" exists "$v"
	done
	sleep 0.3
	check "move lower sk-l$PAIR back" "$IP" -n "$MV" link set "sk-l$PAIR" netns "$$"
	if [ "$PAIR" = 1 ] && [ "$PATCHED" = 1 ]; then
		check "sk-l1 back into bridge sk-br0" "$IP" link set sk-l1 master sk-br0
	fi
	check "lower sk-l$PAIR up" "$IP" link set "sk-l$PAIR" up
	for v in $(vns_on "$PAIR"); do
		check "$v regains carrier with its lower" wait_for 5 carrier_is "$v" 1
	done
}

fault_recreate()
{
	local v

	pick_pair
	for v in $(vns_on "$PAIR"); do
		bank vn "$v"
	done
	bank peer "sk-p$PAIR" "$PEER"
	check "delete lower sk-l$PAIR" "$IP" link del "sk-l$PAIR" || return
	for v in $(vns_on "$PAIR"); do
		check "$v goes with its lower" gone "$v"
	done
	check "re-create pair $PAIR" make_pair "$PAIR" || return
	for v in $(vns_on "$PAIR"); do
		check "re-create $v" make_vn "$v"
	done
}

fault_rmmod()
{
	local v n

	for v in "${VNS[@]}"; do
		bank vn "$v"
	done
	check "rmmod virtnet with ${#VNS[@]} devices up" rmmod virtnet || return
	check "no virtnet module after rmmod" test ! -e /sys/module/virtnet
	for v in "${VNS[@]}"; do
		check "$v went with the module" gone "$v"
	done
	check "no virtnet device left after rmmod" no_virtnet_in ""
	for n in 0 1; do
		check "lower sk-l$n survives rmmod" exists "sk-l$n"
	done
	check "reload virtnet" load_module || return
	for v in "${VNS[@]}"; do
		check "re-create $v" make_vn "$v"
	done
}

# --- the run ----------------------------------------------------------------------

MV_PING_OK=0
MV_PING_BAD=0
T0=$SECONDS
# kmemleak and the ref_tracker directories live in debugfs.
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug 2>/dev/null
if [ -w "$KLEAK" ]; then
	# What leaked before the soak (boot, virtme-ng's setup) is not ours:
	# a scan marks it reported and "clear" has kmemleak ignore it.
	echo scan >"$KLEAK"
	echo clear >"$KLEAK"
else
	log "warning: no $KLEAK (not the debug guest?): no kmemleak scan"
fi
if ! setup; then
	echo "soak: error: the setup failed (see the message above); nothing was soaked" >&2
	echo "soak: what to do: run the selftests first (make vmtest DEBUG=1)" >&2
	exit 4
fi
if [ "$PATCHED" = 1 ]; then
	log "devices: sk-vn0 rxhandler/all on sk-l0, sk-vn1 ptype/mac on bridge port sk-l1, sk-vn2 ptype/mac on sk-l0"
else
	log "devices: sk-vn0, sk-vn1 rxhandler/all ('$IP' has no virtnet mode/filter: set IP= to scripts/build/iproute2's ip for mode ptype, filter mac and the filter fault)"
fi
log "traffic: pktgen both ways in ${ROUND}s rounds, flood ping per device; faults for ${DURATION}s"
start_traffic
sleep 2

END=$((SECONDS + DURATION))
i=0
while [ "$SECONDS" -lt "$END" ]; do
	CUR=${FAULT_KINDS[$((i % ${#FAULT_KINDS[@]}))]}
	i=$((i + 1))
	if [ "$CUR" = filter ] && [ "$PATCHED" = 0 ]; then
		continue
	fi
	FAULT[$CUR]=$((FAULT[$CUR] + 1))
	"fault_${CUR//-/_}"
	sleep "0.$((RANDOM % 10))"
done
CUR=teardown
FAULT[teardown]=0
FAULT_FAIL[teardown]=0
log "faults done after $((SECONDS - T0))s; stopping the traffic"
stop_traffic

# --- teardown and leak checks --------------------------------------------------

for v in "${VNS[@]}"; do
	if exists "$v"; then
		bank vn "$v"
	else
		check "$v exists at the end of the run" false
	fi
done
for n in 0 1; do
	bank peer "sk-p$n" "$PEER"
done
pe_rounds=0 pe_sent=0 pe_err=0 pi_rounds=0 pi_sent=0 pi_err=0
[ ! -r "$STATE/pg-egress" ] || read -r pe_rounds pe_sent pe_err <"$STATE/pg-egress"
[ ! -r "$STATE/pg-ingress" ] || read -r pi_rounds pi_sent pi_err <"$STATE/pg-ingress"
for f in "$STATE"/*.err; do
	[ ! -r "$f" ] || echo "soak: traffic generator ${f##*/}: $(cat "$f")" >&2
done
ping_ok=0
ping_bad=0
for v in "${VNS[@]}"; do
	a=0 b=0
	[ ! -r "$STATE/ping-$v" ] || read -r a b <"$STATE/ping-$v"
	ping_ok=$((ping_ok + a))
	ping_bad=$((ping_bad + b))
done

for n in 0 1; do
	check "delete lower sk-l$n" "$IP" link del "sk-l$n"
done
[ "$PATCHED" = 0 ] || check "delete bridge sk-br0" "$IP" link del sk-br0
check "no virtnet device left in the init netns" no_virtnet_in ""
check "no virtnet device left in $MV" no_virtnet_in "$MV"
refcnt_zero() { [ "$(cat /sys/module/virtnet/refcnt)" = 0 ]; }
check "virtnet module refcount is 0 with no device left" refcnt_zero
check "rmmod virtnet at the end" rmmod virtnet
check "no virtnet module left" test ! -e /sys/module/virtnet
check "delete netns $PEER" "$IP" netns del "$PEER"
check "delete netns $MV" "$IP" netns del "$MV"
no_soak_netns() { ! "$IP" netns list | grep -q '^sk-'; }
check "no sk-* netns left" no_soak_netns
nsleak="not checked (no $REFT)"
if [ -d "$REFT" ]; then
	# The namespaces are freed by a work item; their ref_tracker symlinks
	# (netns-COOKIE-INUM-refcnt) go some time after that.
	ns_left() { compgen -G "$REFT/netns-*-$PEER_INUM-refcnt" || compgen -G "$REFT/netns-*-$MV_INUM-refcnt"; }
	ns_freed() { ! ns_left >/dev/null; }
	if check "netns $PEER and $MV are freed (ref_tracker debugfs)" wait_for 60 ns_freed; then
		nsleak=none
	else
		nsleak="not freed: $(ns_left | tr '\n' ' ')"
	fi
fi

leaks="not scanned (no $KLEAK)"
if [ -w "$KLEAK" ]; then
	# kmemleak reports objects older than 5 s that nothing points to;
	# the second scan confirms the first.
	sleep 6
	echo scan >"$KLEAK"
	sleep 6
	echo scan >"$KLEAK"
	cat "$KLEAK" >"$STATE/kmemleak"
	leaks=$(grep -c 'unreferenced object' "$STATE/kmemleak")
	if [ "$leaks" != 0 ]; then
		check "kmemleak: no unreferenced object" false
		echo "soak: ---- kmemleak report ($leaks objects, first 5) ----"
		awk '/unreferenced object/ { n++ } n <= 5' "$STATE/kmemleak"
		echo "soak: ---- end of kmemleak report ----"
	fi
fi

# --- summary --------------------------------------------------------------------

total=0
echo
echo "soak: ==== summary: ${DURATION}s of faults, $((SECONDS - T0))s in all, $(nproc) vCPUs, $(uname -r) ===="
printf 'soak: %-44s %9s %14s\n' "fault" "injected" "failed checks"
for k in "${FAULT_KINDS[@]}" teardown; do
	if [ "$k" = filter ] && [ "$PATCHED" = 0 ]; then
		printf 'soak: %-44s %9s %14s\n' "${FAULT_NAME[$k]}" "skipped" "-"
		continue
	fi
	[ "$k" = teardown ] &&
		printf 'soak: %-44s %9s %14s\n' "teardown and leak checks" "-" "${FAULT_FAIL[$k]}" &&
		continue
	printf 'soak: %-44s %9s %14s\n' "${FAULT_NAME[$k]}" "${FAULT[$k]}" "${FAULT_FAIL[$k]}"
	total=$((total + FAULT[$k]))
done
printf 'soak: %-44s %9s %14s\n' "all faults" "$total" "$FAILS of $CHECKS"
echo "soak:"
printf 'soak: %-44s %14s %14s\n' "frames" "packets" "dropped"
printf 'soak: %-44s %14s %14s\n' "sent by pktgen to the virtnet devices" "$pi_sent" "$pi_err"
printf 'soak: %-44s %14s %14s\n' "received by the virtnet devices (rx)" "${TOT[vn_rx]}" "${TOT[vn_rxdrop]}"
printf 'soak: %-44s %14s %14s\n' "sent by pktgen through the virtnet devices" "$pe_sent" "$pe_err"
printf 'soak: %-44s %14s %14s\n' "sent by the virtnet devices (tx)" "${TOT[vn_tx]}" "${TOT[vn_txdrop]}"
printf 'soak: %-44s %14s %14s\n' "peers rx (sk-p*)" "${TOT[peer_rx]}" "${TOT[peer_rxdrop]}"
printf 'soak: %-44s %14s %14s\n' "peers tx (sk-p*)" "${TOT[peer_tx]}" "${TOT[peer_txdrop]}"
echo "soak: pktgen rounds: $pe_rounds egress, $pi_rounds ingress; flood ping rounds with replies: $ping_ok ok, $ping_bad without"
echo "soak: ping from netns $MV through a moved device: $MV_PING_OK ok, $MV_PING_BAD failed"
echo "soak: kmemleak unreferenced objects: $leaks; namespaces left behind: $nsleak"

rc=0
# Traffic must really have flowed, both ways, or the soak proved nothing.
if [ "${TOT[vn_rx]}" -lt 1000 ] || [ "${TOT[vn_tx]}" -lt 1000 ]; then
	echo "soak: FAIL: too little traffic through the virtnet devices (rx ${TOT[vn_rx]}, tx ${TOT[vn_tx]}): pktgen or the datapath did not work" >&2
	rc=1
fi
if [ "$ping_ok" = 0 ]; then
	echo "soak: FAIL: no flood ping round got replies: the virtnet devices never carried a round trip" >&2
	rc=1
fi
[ "$FAILS" = 0 ] || rc=1
if [ "$rc" = 0 ]; then
	echo "soak: result: PASS ($CHECKS checks)"
else
	echo "soak: result: FAIL ($FAILS of $CHECKS checks failed; see the 'soak: FAIL' lines)"
fi
rm -rf "$STATE"
exit "$rc"
