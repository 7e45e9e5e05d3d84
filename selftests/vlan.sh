#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# virtnet and 802.1Q: a VLAN device on vnet0, with the lower's rx VLAN
# offload on and off (the tag stripped by the NIC or parsed in software;
# the VLAN id passed to the lower's VLAN filter through vnet0), and vnet0
# stacked on a VLAN device of the lower. Topology and environment:
# virtnet_topo.sh, virtnet_lib.sh.

# shellcheck source=virtnet_lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/virtnet_lib.sh"

# vlan_ok: the kernel has 802.1Q; the reason otherwise.
vlan_ok()
{
	ip -n "$NS_A" link add link "$LW" name vnvlchk type vlan id 4000 \
		>/dev/null 2>&1 ||
		{ skip "cannot create a VLAN device (VLAN_8021Q)"; return; }
	ip -n "$NS_A" link del vnvlchk
}

# set_rxvlan on|off: the lower's rx-vlan-offload, or a skip when it is
# fixed in the other state.
set_rxvlan()
{
	local cur

	need ethtool || return
	cur=$(in_ns "$NS_A" ethtool -k "$LW" 2>/dev/null |
		sed -n 's/^rx-vlan-offload: //p')
	case "$cur" in
	"$1"*) ;;
	*fixed*) skip "rx-vlan-offload is $cur on $LW"; return ;;
	*) run in_ns "$NS_A" ethtool -K "$LW" rxvlan "$1" || return ;;
	esac
	log "$LW rx-vlan-offload: $1 (was $cur)"
}

# A VLAN device vnet0.10 on vnet0 talks to one on the peer: ping both
# ways, vnet0.10 and vnet0 count the frames.
t_vlan_upper()
{
	local mode=$1 filter=$2 offload=$3 rx0 rx1 vrx0 vrx1

	topo "$mode" "$filter" || return
	vlan_ok || return
	set_rxvlan "$offload" || return
	run pip link add link "$PR" name "$PR.10" type vlan id 10 &&
	run pip addr add 10.0.10.2/24 dev "$PR.10" &&
	run pip link set "$PR.10" up || return 1
	defer pip link del "$PR.10"
	run ip -n "$NS_V" link add link vnet0 name vnet0.10 type vlan id 10 &&
	run ip -n "$NS_V" addr add 10.0.10.1/24 dev vnet0.10 &&
	run ip -n "$NS_V" link set vnet0.10 up || return 1
	wait_oper "$NS_V" vnet0.10 UP || return
	rx0=$(cnt "$NS_V" vnet0.10 rx_packets)
	vrx0=$(cnt "$NS_V" vnet0 rx_packets)
	ping_ok "$NS_V" 10.0.10.2 5 || return
	ping_ok "$NS_B" 10.0.10.1 5 || return
	rx1=$(cnt "$NS_V" vnet0.10 rx_packets)
	vrx1=$(cnt "$NS_V" vnet0 rx_packets)
	expect_ge "vnet0.10 rx_packets (5 replies, 5 requests)" \
		$((rx1 - rx0)) 10 || return
	expect_ge "vnet0 rx_packets (the tagged frames)" \
		$((vrx1 - vrx0)) 10 || return
	# Untagged traffic still reaches vnet0 itself.
	ping_ok "$NS_V" 10.0.1.2 3
}

# vnet0 stacked on vl20, a VLAN device of the lower: its frames leave
# tagged, tagged frames of the peer reach it.
t_vlan_lower()
{
	local mode=$1 filter=$2 rx0 rx1

	topo_lower && ns_new NS_V v || return 1
	vlan_ok || return
	run ip -n "$NS_A" link add link "$LW" name vl20 type vlan id 20 &&
	run ip -n "$NS_A" link set vl20 up || return 1
	vnet_add "$NS_A" vl20 vnet0 "$mode" "$filter" netns "$NS_V" || return
	run pip link add link "$PR" name "$PR.20" type vlan id 20 &&
	run pip addr add 10.0.20.2/24 dev "$PR.20" &&
	run pip link set "$PR.20" up || return 1
	defer pip link del "$PR.20"
	run ip -n "$NS_V" addr add 10.0.20.1/24 dev vnet0 &&
	run ip -n "$NS_V" link set vnet0 up || return 1
	wait_oper "$NS_V" vnet0 UP || return
	rx0=$(cnt "$NS_V" vnet0 rx_packets)
	ping_ok "$NS_V" 10.0.20.2 5 || return
	ping_ok "$NS_B" 10.0.20.1 5 || return
	rx1=$(cnt "$NS_V" vnet0 rx_packets)
	expect_ge "vnet0 rx_packets on VLAN 20" $((rx1 - rx0)) 10 || return
	expect_ge "vl20 rx_packets" "$(cnt "$NS_A" vl20 rx_packets)" 10
}

all_cases()
{
	local o up

	for o in on off; do
		up="vlan: 802.1Q on vnet0, lower rx-vlan-offload $o"
		tcase "$up: mode rxhandler filter all" \
			t_vlan_upper rxhandler all "$o"
		tcase "$up: mode ptype filter mac" t_vlan_upper ptype mac "$o"
	done
	tcase "vlan: vnet0 on an 802.1Q device: mode rxhandler filter all" \
		t_vlan_lower rxhandler all
	tcase "vlan: vnet0 on an 802.1Q device: mode ptype filter mac" \
		t_vlan_lower ptype mac
}

virtnet_main "$@"
