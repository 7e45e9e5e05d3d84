#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# virtnet next to a bridge: mode ptype on a lower that is a bridge port.
# Topology and environment: virtnet_topo.sh, virtnet_lib.sh.

# shellcheck source=virtnet_lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/virtnet_lib.sh"

# Mode ptype, filter mac, lower enslaved to a bridge br0 with a second port
# lw1 towards NS_C: the bridge still forwards between the wire and NS_C,
# vnet0 gets each of its frames exactly once.
topo_bridge()
{
	topo_lower && ns_new NS_V v && ns_new NS_C c || return 1
	veth_pair "$NS_A" lw1 "$NS_C" pc0 &&
	run ip -n "$NS_A" link add br0 type bridge &&
	run ip -n "$NS_A" link set br0 up &&
	run ip -n "$NS_A" link set "$LW" master br0 &&
	run ip -n "$NS_A" link set lw1 master br0 || return 1
	vnet_add "$NS_A" "$LW" vnet0 ptype mac netns "$NS_V" || return
	run pip addr add 10.0.1.2/24 dev "$PR" &&
	run ip -n "$NS_C" addr add 10.0.1.3/24 dev pc0 &&
	run ip -n "$NS_V" addr add 10.0.1.1/24 dev vnet0 &&
	run ip -n "$NS_V" link set vnet0 up || return 1
	wait_oper "$NS_V" vnet0 UP
}

t_bridge_forward()
{
	local cap=$TMPD/br.pcap n

	need tcpdump || return
	topo_bridge || return
	ping_ok "$NS_B" 10.0.1.3 5 || return
	ping_ok "$NS_C" 10.0.1.2 5 || return
	cap_start "$NS_V" vnet0 "$cap" icmp || return
	ping_ok "$NS_B" 10.0.1.1 10 || return
	cap_stop
	n=$(cap_count "$cap" 'icmp[icmptype] == icmp-echo')
	expect_eq "echo requests received by vnet0 (10 sent)" "$n" 10 ||
		return
	# And the bridge still forwards, with vnet0 on its port.
	ping_ok "$NS_B" 10.0.1.3 5
}

# Unicast to vnet0's address is flooded by the bridge (it never learns
# that address on a port) unless the FDB pins it to the lower's port.
t_bridge_fdb()
{
	local cap=$TMPD/fdb.pcap vmac n

	need tcpdump bridge || return
	topo_bridge || return
	vmac=$(mac_of "$NS_V" vnet0)
	cap_start "$NS_C" pc0 "$cap" ether dst "$vmac" || return
	ping_ok "$NS_B" 10.0.1.1 10 || return
	cap_stop
	n=$(cap_count "$cap")
	expect_ge "frames to vnet0 flooded to the other port (no FDB entry)" \
		"$n" 10 || return
	log "without an FDB entry $n frames to vnet0 reached the other port"

	run bridge -n "$NS_A" fdb add "$vmac" dev "$LW" master static ||
		return
	cap_start "$NS_C" pc0 "$cap" ether dst "$vmac" || return
	ping_ok "$NS_B" 10.0.1.1 10 || return
	cap_stop
	n=$(cap_count "$cap")
	expect_eq "frames to vnet0 on the other port with the FDB entry" \
		"$n" 0
}

all_cases()
{
	tcase "bridge: mode ptype, bridge forwards, no duplicates" \
		t_bridge_forward
	tcase "bridge: unicast flooded unless the FDB pins vnet0" t_bridge_fdb
}

virtnet_main "$@"
