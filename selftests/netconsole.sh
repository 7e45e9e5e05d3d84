#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# virtnet and netpoll: netconsole bound to vnet0 (dynamic netconsole,
# configured through configfs) sends through the lower's netpoll. A
# message written to /dev/kmsg reaches a UDP listener on the peer and
# vnet0's tx counters move; vnet0 deleted, or its lower taken away, while
# netconsole is bound releases netpoll cleanly; a lower that refuses
# netpoll (veth since v6.x) makes vnet0 refuse it too. Topology and
# environment: virtnet_topo.sh, virtnet_lib.sh. In software mode the veth
# lower carries the message to the peer only where veth still does
# netpoll; a dummy lower (or that veth, where the dummy cannot) stands
# in for the cases that need no peer.

# shellcheck source=virtnet_lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/virtnet_lib.sh"

NC_PORT=6666
NC_CFG=""
NC_SEQ=0

# nc_avail: configfs mounted on a directory of this case (an "ip netns
# exec" shell sees it there, not under its own /sys) with netconsole's
# targets in it; the reason otherwise.
nc_avail()
{
	NC_CFG=$TMPD/cfg
	mkdir -p "$NC_CFG" || return 1
	if ! mount -t configfs none "$NC_CFG" 2>/dev/null; then
		skip "cannot mount configfs (CONFIG_CONFIGFS_FS)"
		return
	fi
	defer umount "$NC_CFG"
	[ -d "$NC_CFG/netconsole" ] || modprobe netconsole >/dev/null 2>&1
	[ -d "$NC_CFG/netconsole" ] && return 0
	skip "no dynamic netconsole (CONFIG_NETCONSOLE," \
		"CONFIG_NETCONSOLE_DYNAMIC)"
}

# nc_target VAR DEV LOCAL REMOTE MAC: a netconsole target for DEV, from
# LOCAL to REMOTE:NC_PORT (MAC), not yet enabled; its directory in VAR
# (not "d"). It is disabled and removed when the case ends.
nc_target()
{
	local d="$NC_CFG/netconsole/vn-$$-$((++NC_SEQ))"

	run mkdir "$d" || return 1
	defer nc_remove "$d"
	# shellcheck disable=SC2016 # expanded by sh -c
	run sh -c 'echo "$2" >"$1/dev_name" && echo "$3" >"$1/local_ip" &&
		echo "$4" >"$1/remote_ip" && echo "$5" >"$1/remote_port" &&
		echo "$6" >"$1/remote_mac"' - \
		"$d" "$2" "$3" "$4" "$NC_PORT" "$5" || return 1
	printf -v "$1" '%s' "$d"
	# Runs before the rmdir: a target must be disabled to go.
	defer nc_disable "$d"
}

# nc_enable NS TARGET: bind the target to its device, which netpoll looks
# up in the namespace of the writer.
nc_enable()
{
	# shellcheck disable=SC2016 # expanded by sh -c
	in_ns "$1" sh -c 'echo 1 >"$1/enabled"' - "$2"
}

# nc_remove TARGET: the target's directory goes, if it is still there.
nc_remove()
{
	[ ! -d "$1" ] || rmdir "$1"
}

nc_disable()
{
	[ "$(cat "$1/enabled" 2>/dev/null)" != 1 ] ||
		echo 0 >"$1/enabled"
}

nc_enabled()
{
	expect_eq "netconsole target $3 enabled" \
		"$(cat "$1/enabled" 2>/dev/null)" "$2"
}

# nc_log MSG: MSG in the kernel log at a level the consoles print (the
# console loglevel raised for the case if it is below warnings).
nc_log()
{
	local lvl

	read -r lvl _ </proc/sys/kernel/printk
	if [ "$lvl" -le 4 ]; then
		defer nc_loglevel "$lvl"
		nc_loglevel 5
	fi
	echo "<4>$1" >/dev/kmsg
}

nc_loglevel()
{
	echo "$1" >/proc/sys/kernel/printk
}

# tx_from NS DEV N: DEV in NS has sent more than N packets.
tx_from()
{
	[ "$(cnt "$1" "$2" tx_packets)" -gt "$3" ]
}

# udp_bound NS PORT: a UDP socket is bound to PORT in NS.
udp_bound()
{
	local port

	printf -v port '%04X' "$2"
	in_ns "$1" cat /proc/net/udp /proc/net/udp6 2>/dev/null |
		awk -v p=":$port" '$2 ~ p "$" { f = 1 } END { exit !f }'
}

# peer_mac: the MAC of the peer's interface.
peer_mac()
{
	pip -j link show dev "$PR" | jq -r '.[0].address'
}

# netpoll_ok NS DEV LOCAL: the device takes netpoll (a netconsole target
# binds to it); the target is disabled again.
netpoll_ok()
{
	local t

	nc_target t "$2" "$3" 10.0.1.2 02:00:00:00:00:02 || return 1
	if ! nc_enable "$1" "$t" >/dev/null 2>&1; then
		# v4.14's and v5.10's __netpoll_setup() set np->dev before
		# they can fail (v7.3's only on success), and netconsole
		# drops a reference it never took when that device
		# unregisters, which then waits forever: the failed target
		# goes first.
		nc_remove "$t"
		return 1
	fi
	nc_disable "$t"
}

# The lower's wire takes netpoll, or a skip: software mode's veth refuses
# it on newer kernels (IFF_DISABLE_NETPOLL).
need_lower_netpoll()
{
	netpoll_ok "$NS_A" "$LW" 10.0.2.1 && return 0
	skip "$LW (${HW_DRV:-veth}) refuses netpoll on this kernel:" \
		"nothing to send through; the dummy-lower cases and" \
		"hardware mode cover vnet0"
}

# sw_np_lower [dummy]: software mode, LW in NS_A is a lower that takes
# netpoll: a dummy device, or where the dummy does not (v4.14: no
# ndo_poll_controller) and unless "dummy" is asked for, a veth pair to
# PR in NS_B.
sw_np_lower()
{
	ns_new NS_A a || return 1
	if ip -n "$NS_A" link add "$LW" type dummy 2>/dev/null; then
		run ip -n "$NS_A" link set "$LW" up || return 1
		netpoll_ok "$NS_A" "$LW" 10.0.2.1 && return 0
		run ip -n "$NS_A" link del "$LW" || return 1
	fi
	if [ "${1:-}" = dummy ]; then
		skip "no dummy device that takes netpoll (CONFIG_DUMMY;" \
			"v4.14's has no ndo_poll_controller)"
		return
	fi
	ns_new NS_B b && veth_pair "$NS_A" "$LW" "$NS_B" "$PR" || return 1
	netpoll_ok "$NS_A" "$LW" 10.0.2.1 && return 0
	skip "neither a dummy nor a veth device takes netpoll here"
}

# topo_np [dummy]: vnet0 up in NS_V on a lower that takes netpoll: the
# NIC in hardware mode, sw_np_lower's in software mode.
topo_np()
{
	if [ "$HW" = yes ]; then
		topo rxhandler all noipv6 && need_lower_netpoll
		return
	fi
	sw_np_lower "$@" || return
	ns_new NS_V v || return 1
	ns_no_ipv6 "$NS_V"
	vnet_add "$NS_A" "$LW" vnet0 rxhandler all netns "$NS_V" &&
	run ip -n "$NS_V" addr add 10.0.1.1/24 dev vnet0 &&
	run ip -n "$NS_V" link set vnet0 up || return 1
	wait_oper "$NS_V" vnet0 UP
}

# nc_on_vnet0 VAR MAC: a netconsole target bound to vnet0, its directory
# in VAR (not "nt").
nc_on_vnet0()
{
	local nt

	nc_target nt vnet0 10.0.1.1 10.0.1.2 "$2" || return 1
	run nc_enable "$NS_V" "$nt" || return 1
	nc_enabled "$nt" 1 "on vnet0" || return
	printf -v "$1" '%s' "$nt"
}

# peer_listen: a receiver of UDP port NC_PORT at the peer, into NC_RX:
# socat, or without it tcpdump on the peer's interface (a namespace of
# this machine only).
NC_RX=""
NC_HOW=""
peer_listen()
{
	if command -v socat >/dev/null 2>&1; then
		NC_HOW=socat
		NC_RX=/tmp/virtnet-netcons-$$-$RANDOM
		defer in_ns "$NS_B" rm -f "$NC_RX"
		bg_ns "$NS_B" socat -u "UDP4-RECV:$NC_PORT" \
			"OPEN:$NC_RX,creat,append"
		wait_for 10 udp_bound "$NS_B" "$NC_PORT" && return 0
		fail "socat does not listen on UDP port $NC_PORT at the peer"
		return
	fi
	[ "$NS_B" != @remote ] || { skip "socat not installed"; return; }
	need tcpdump || return
	NC_HOW=tcpdump
	NC_RX=$TMPD/netcons.pcap
	cap_start "$NS_B" "$PR" "$NC_RX" udp dst port "$NC_PORT"
}

# peer_got MSG: the peer received MSG.
peer_got()
{
	if [ "$NC_HOW" = socat ]; then
		in_ns "$NS_B" grep -qF "$1" "$NC_RX"
		return
	fi
	tcpdump -nn -A -r "$NC_RX" 2>/dev/null | grep -qF "$1"
}

# A message written to /dev/kmsg goes out through vnet0 and the lower's
# netpoll and reaches the peer's UDP port; vnet0 and the lower count it.
t_netcons_peer()
{
	local mode=$1 filter=$2 t msg tx0 tx1 txb0 txb1 ltx0 ltx1

	nc_avail || return
	topo "$mode" "$filter" noipv6 || return
	need_lower_netpoll || return
	peer_listen || return
	nc_on_vnet0 t "$(peer_mac)" || return
	tx0=$(cnt "$NS_V" vnet0 tx_packets)
	txb0=$(cnt "$NS_V" vnet0 tx_bytes)
	ltx0=$(cnt "$NS_A" "$LW" tx_packets)
	msg="virtnet netconsole $$-$RANDOM"
	nc_log "$msg"
	if ! wait_for 10 peer_got "$msg"; then
		fail "the message did not reach the peer's UDP port $NC_PORT" \
			"($NC_HOW)"
		return
	fi
	tx1=$(cnt "$NS_V" vnet0 tx_packets)
	txb1=$(cnt "$NS_V" vnet0 tx_bytes)
	ltx1=$(cnt "$NS_A" "$LW" tx_packets)
	expect_ge "vnet0 tx_packets (the message)" $((tx1 - tx0)) 1 &&
	expect_ge "vnet0 tx_bytes (the message)" $((txb1 - txb0)) \
		$((${#msg} + 42)) &&
	expect_ge "$LW tx_packets (the message)" $((ltx1 - ltx0)) 1 &&
	expect_eq "vnet0 tx_dropped" "$(cnt "$NS_V" vnet0 tx_dropped)" 0 ||
		return
	# Normal traffic still goes through the lower's qdisc.
	ping_ok "$NS_V" 10.0.1.2 3
}

# Software mode: netconsole on vnet0 over a dummy lower; the dummy counts
# what the lower's netpoll handed to it.
t_netcons_dummy()
{
	local t msg tx0 tx1 ltx0 ltx1

	[ "$HW" = no ] || { skip "software mode case (dummy lower)"; return; }
	nc_avail || return
	topo_np dummy || return
	nc_on_vnet0 t 02:00:00:00:00:02 || return
	tx0=$(cnt "$NS_V" vnet0 tx_packets)
	ltx0=$(cnt "$NS_A" "$LW" tx_packets)
	msg="virtnet netconsole $$-$RANDOM"
	nc_log "$msg"
	wait_for 5 tx_from "$NS_A" "$LW" "$ltx0"
	tx1=$(cnt "$NS_V" vnet0 tx_packets)
	ltx1=$(cnt "$NS_A" "$LW" tx_packets)
	expect_ge "vnet0 tx_packets (the message)" $((tx1 - tx0)) 1 &&
	expect_ge "$LW tx_packets (the message)" $((ltx1 - ltx0)) 1 &&
	expect_eq "vnet0 tx_dropped" "$(cnt "$NS_V" vnet0 tx_dropped)" 0
}

# vnet0 deleted while netconsole is bound to it: netconsole lets go on
# NETDEV_UNREGISTER (vnet0's netpoll of the lower is freed then), the
# lower stays usable and takes netpoll again.
t_netcons_dellink()
{
	local t

	nc_avail || return
	topo_np || return
	nc_on_vnet0 t 02:00:00:00:00:02 || return
	nc_log "virtnet netconsole: vnet0 goes away"
	run ip -n "$NS_V" link del vnet0 || return 1
	wait_for 10 eval "! dev_exists $NS_V vnet0" ||
		{ fail "vnet0 still exists"; return; }
	nc_enabled "$t" 0 "after vnet0 was deleted" || return
	nc_log "virtnet netconsole: vnet0 gone"
	lower_free "$NS_A" "$LW" || return
	netpoll_ok "$NS_A" "$LW" 10.0.2.1 ||
		fail "$LW refuses netpoll after vnet0 went away"
}

# The lower goes away (deleted; on a NIC its driver unbound) while
# netconsole is bound to vnet0: vnet0 goes with it and netconsole lets
# go of vnet0 in the same unregistration.
t_netcons_lower_gone()
{
	local t pid

	nc_avail || return
	topo_np || return
	nc_on_vnet0 t 02:00:00:00:00:02 || return
	nc_log "virtnet netconsole: the lower goes away"
	lower_remove
	pid=$!
	wait_for 60 eval "! kill -0 $pid" ||
		{ fail "removing $LW still blocked after 60 s"; return; }
	wait "$pid" || { fail "removing $LW failed"; return; }
	wait_for 20 eval "! dev_exists $NS_V vnet0" ||
		{ fail "vnet0 still exists after its lower went"; return; }
	no_virtnet_in "$NS_V" || return
	nc_enabled "$t" 0 "after the lower went" || return
	nc_log "virtnet netconsole: the lower gone"
}

# A lower that refuses netpoll (veth, IFF_DISABLE_NETPOLL): netconsole
# cannot bind to vnet0 either, and vnet0 works as before.
t_netcons_refused()
{
	local t

	[ "$HW" = no ] || { skip "software mode case (veth lower)"; return; }
	nc_avail || return
	topo rxhandler all noipv6 || return
	if netpoll_ok "$NS_A" "$LW" 10.0.2.1; then
		skip "veth takes netpoll on this kernel"
		return
	fi
	nc_target t vnet0 10.0.1.1 10.0.1.2 "$(peer_mac)" || return
	if nc_enable "$NS_V" "$t" 2>/dev/null; then
		fail "netconsole bound to vnet0 on a lower that refuses netpoll"
		return
	fi
	nc_enabled "$t" 0 "on vnet0 over veth" || return
	nc_remove "$t"
	ping_ok "$NS_V" 10.0.1.2 3
}

all_cases()
{
	tcase "netconsole: message to the peer: mode rxhandler filter all" \
		t_netcons_peer rxhandler all
	tcase "netconsole: message to the peer: mode ptype filter mac" \
		t_netcons_peer ptype mac
	tcase "netconsole: dummy lower: vnet0 and the lower count it" \
		t_netcons_dummy
	tcase "netconsole: vnet0 deleted while bound" t_netcons_dellink
	tcase "netconsole: lower gone while bound to vnet0" \
		t_netcons_lower_gone
	tcase "netconsole: a lower without netpoll refuses it through vnet0" \
		t_netcons_refused
}

virtnet_main "$@"
