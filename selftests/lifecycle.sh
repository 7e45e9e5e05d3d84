#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# virtnet lifecycle: the lower going away under traffic (deleted, or on a
# NIC its driver unbound or the device hot-unplugged), carrier following
# the lower, create/delete loops, rmmod with devices. Topology and
# environment: virtnet_topo.sh, virtnet_lib.sh.

# shellcheck source=virtnet_lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/virtnet_lib.sh"

# Traffic both ways through vnet0 (ping floods, iperf3 when there is one)
# until the case ends; at least 50 frames reached vnet0.
traffic_start()
{
	local rx0 rx1

	rx0=$(cnt "$NS_V" vnet0 rx_packets)
	bg_ns "$NS_B" ping -n -q -i 0.005 10.0.1.1
	bg_ns "$NS_V" ping -n -q -i 0.005 10.0.1.2
	if command -v iperf3 >/dev/null 2>&1; then
		bg_ns "$NS_V" iperf3 -s -B 10.0.1.1
		wait_for 10 listening "${BG_PIDS[-1]}" 5201
		bg_ns "$NS_B" iperf3 -c 10.0.1.1 -t 30
	fi
	wait_for 10 rx_from "$NS_V" vnet0 $((rx0 + 50))
	rx1=$(cnt "$NS_V" vnet0 rx_packets)
	expect_ge "vnet0 rx_packets while traffic flows" $((rx1 - rx0)) 50
}

# vnet0_gone PID WHAT: the command PID (that removes the lower) returned,
# and vnet0 went with the lower.
vnet0_gone()
{
	local pid=$1 what=$2

	wait_for 60 eval "! kill -0 $pid" || {
		fail "$what still blocked after 60 s (leaked reference?)"
		return
	}
	wait "$pid" || { fail "$what failed"; return; }
	wait_for 20 eval "! dev_exists $NS_V vnet0" || {
		fail "vnet0 still exists after $what"
		return
	}
	no_virtnet_in "$NS_V"
}

# The lower is deleted while traffic flows both ways: vnet0 goes with it.
# On a NIC: its driver is unbound.
t_lower_delete()
{
	local what="ip link del $LW"

	[ "$HW" = no ] || what="unbinding $LW from $HW_DRV"
	topo "$1" "$2" || return
	traffic_start || return
	lower_remove
	vnet0_gone $! "$what"
}

# The NIC's driver unbound and bound again: the new netdev takes a new
# virtnet, which forwards.
t_rebind()
{
	need_hw "unbind/bind of the NIC's driver" || return
	topo rxhandler all || return
	lower_remove
	vnet0_gone $! "unbinding $LW from $HW_DRV" || return
	hw_nic_back || { fail "$NETIF did not come back after bind"; return; }
	log "$HW_DEV bound to $HW_DRV again: $NETIF"
	bg_stop_all
	case_cleanup
	topo_reset || return
	topo rxhandler all || return
	ping_ok "$NS_V" 10.0.1.2 5 && ping_ok "$NS_B" 10.0.1.1 5
}

# The NIC hot-unplugged under traffic (VIRTNET_PLUG_CMD): vnet0 goes; the
# NIC plugged back takes a new virtnet.
t_unplug()
{
	need_hw "hot-unplug of the NIC" || return
	if [ -z "$VIRTNET_PLUG_CMD" ]; then
		skip "VIRTNET_PLUG_CMD is not set (no way to unplug $LW)"
		return
	fi
	topo rxhandler all || return
	traffic_start || return
	bench_cmd "$VIRTNET_PLUG_CMD" off &
	vnet0_gone $! "hot-unplugging $LW" || return
	[ ! -e "$HW_BUS/devices/$HW_DEV" ] ||
		{ fail "$HW_DEV still there after the unplug"; return; }
	bg_stop_all
	hw_nic_back || { fail "$NETIF did not come back after plug"; return; }
	log "$NETIF plugged back at $(basename "$(readlink -f \
		"/sys/class/net/$NETIF/device")")"
	case_cleanup
	topo_reset || return
	topo rxhandler all || return
	ping_ok "$NS_V" 10.0.1.2 5 && ping_ok "$NS_B" 10.0.1.1 5
}

# Carrier and operstate of vnet0 follow the lower: the peer (software) or
# the wire (VIRTNET_LINK_CMD, hardware) down and up, then the lower
# itself set down and up.
t_carrier()
{
	local how="peer $PR down"

	if [ "$HW" = yes ] && [ -z "$VIRTNET_LINK_CMD" ]; then
		skip "VIRTNET_LINK_CMD is not set" \
			"(no way to drop $LW's carrier)"
		return
	fi
	[ "$HW" = no ] || how="'$VIRTNET_LINK_CMD off'"
	topo rxhandler all || return
	if [ "$HW" = yes ]; then
		run bench_cmd "$VIRTNET_LINK_CMD" off || return
		defer bench_cmd "$VIRTNET_LINK_CMD" on
	else
		run pip link set "$PR" down || return
	fi
	wait_oper "$NS_A" "$LW" 'DOWN|LOWERLAYERDOWN' || return
	wait_oper "$NS_V" vnet0 'DOWN|LOWERLAYERDOWN' || return
	expect_eq "vnet0 carrier after $how" \
		"$(sys_read "$NS_V" class/net/vnet0/carrier)" 0 || return
	ping_none "$NS_V" 10.0.1.2 2 || return
	if [ "$HW" = yes ]; then
		run bench_cmd "$VIRTNET_LINK_CMD" on || return
	else
		run pip link set "$PR" up || return
	fi
	wait_oper "$NS_V" vnet0 UP || return
	expect_eq "vnet0 carrier, link up again" \
		"$(sys_read "$NS_V" class/net/vnet0/carrier)" 1 || return
	reach || return

	run ip -n "$NS_A" link set "$LW" down || return
	wait_oper "$NS_V" vnet0 'DOWN|LOWERLAYERDOWN' || return
	run ip -n "$NS_A" link set "$LW" up || return
	wait_oper "$NS_V" vnet0 UP || return
	reach
}

# Create and delete in a loop: nothing left, no reference kept.
t_create_delete()
{
	local batch=$TMPD/batch ipb=ip i pid start what="ip link del $LW"

	topo_lower || return 1
	: >"$batch"
	have_attrs && ipb=$IP
	for ((i = 0; i < VIRTNET_ITER; i++)); do
		if [ "$ipb" != ip ] && ((i % 2)); then
			echo "link add link $LW name vnet0 type virtnet" \
				"mode ptype filter mac"
		else
			echo "link add link $LW name vnet0 type virtnet"
		fi
		echo "link set vnet0 up"
		echo "link del vnet0"
	done >>"$batch"
	start=$SECONDS
	run "$ipb" -n "$NS_A" -batch "$batch" || return
	log "$VIRTNET_ITER creations and deletions in $((SECONDS - start)) s"
	no_virtnet_in "$NS_A" || return
	sys_exists "$NS_A" "class/net/$LW/upper_*" &&
		{ fail "$LW still has an upper device"; return; }
	lower_free "$NS_A" "$LW" || return
	# A leaked reference on the lower blocks its unregistration.
	[ "$HW" = no ] || what="unbinding $LW from $HW_DRV"
	lower_remove
	pid=$!
	wait_for 60 eval "! kill -0 $pid" || {
		fail "$what still blocked after 60 s:" \
			"a reference to $LW leaked"
		return
	}
	wait "$pid" || fail "$what failed"
}

# rmmod with devices present and traffic flowing.
t_rmmod()
{
	local pid ns

	grep -q '^virtnet ' /proc/modules ||
		{ skip "virtnet is not a loaded module"; return; }
	topo rxhandler all || return
	lower_addr || return
	ns_new NS_C c || return
	veth_pair "$NS_A" lw1 "$NS_C" pr1 || return
	vnet_add "$NS_A" lw1 vnet1 rxhandler all || return
	run ip -n "$NS_A" link set vnet1 up || return
	if have_attrs; then
		vnet_add "$NS_A" "$LW" vnet2 ptype mac || return
		run ip -n "$NS_A" link set vnet2 up || return
	fi
	traffic_start || return
	rmmod virtnet &
	pid=$!
	wait_for 60 eval "! kill -0 $pid" ||
		{ fail "rmmod virtnet still blocked after 60 s"; return; }
	wait "$pid" || { fail "rmmod virtnet failed"; return; }
	bg_stop_all
	grep -q '^virtnet ' /proc/modules &&
		{ fail "virtnet still loaded"; return; }
	for ns in "$NS_A" "$NS_V"; do
		no_virtnet_in "$ns" || return
	done
	dev_exists "$NS_A" "$LW" ||
		{ fail "$LW went away with the module"; return; }
	# Without virtnet the lower's stack gets its frames again.
	ping_ok "$NS_B" 10.0.2.1 3 || return
	run load_module || return
	vnet_add "$NS_A" "$LW" vnet0 rxhandler all || return
	run ip -n "$NS_A" link del vnet0
}

all_cases()
{
	tcase "lower deleted under traffic: mode rxhandler" \
		t_lower_delete rxhandler all
	tcase "lower deleted under traffic: mode ptype" \
		t_lower_delete ptype mac
	tcase "lower's driver unbound, a new virtnet once it is bound again" \
		t_rebind
	tcase "lower hot-unplugged under traffic, a new virtnet on its return" \
		t_unplug
	tcase "carrier: vnet0 operstate follows the lower" t_carrier
	tcase "create/delete $VIRTNET_ITER times" t_create_delete
	tcase "rmmod with devices and traffic" t_rmmod
}

virtnet_main "$@"
