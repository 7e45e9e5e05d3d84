# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# soak/faults.sh - sourced by soak/guest.sh: the faults, one function per
# kind (fault_KIND, KIND as in FAULT_KINDS with "-" as "_"), each with the
# checks of what the driver promises for it.

# The faults are called indirectly ("fault_$kind"); LOWER is topology.sh's.
# shellcheck disable=SC2317,SC2153

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
		bank_vn "$v"
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

# --- a real NIC (scripts/vm/nic-env: VIRTNET_LINK_CMD, VIRTNET_PLUG_CMD) ---

fault_nic_link()
{
	# shellcheck disable=SC2086 # the command is a word list
	check "carrier of $NIC off (QMP set_link)" $VIRTNET_LINK_CMD off || return
	check "$NIC_VN loses carrier with $NIC" wait_for 10 carrier_is "$NIC_VN" 0
	sleep 0.3
	# shellcheck disable=SC2086
	check "carrier of $NIC on (QMP set_link)" $VIRTNET_LINK_CMD on
	check "$NIC_VN regains carrier with $NIC" wait_for 20 carrier_is "$NIC_VN" 1
}

# nic_again WHAT: the NIC is back after WHAT; sk-vn3 on it again
nic_again()
{
	check "$NIC is back after $1" wait_for 60 nic_name || return
	nic_found || { check "set up the NIC again after $1" false; return 1; }
	check "$NIC has carrier after $1" wait_for 30 carrier_is "$NIC" 1
	check "re-create $NIC_VN on $NIC" make_vn "$NIC_VN"
}

fault_nic_rebind()
{
	local drv=/sys/bus/pci/drivers/$NIC_DRV

	bank_vn "$NIC_VN"
	bank_queues
	check "unbind $NIC ($NIC_PCI) from $NIC_DRV under traffic" \
		sh -c "echo $NIC_PCI >$drv/unbind" || return
	check "$NIC_VN goes with its lower's driver" wait_for 30 gone "$NIC_VN"
	check "bind $NIC_PCI to $NIC_DRV again" sh -c "echo $NIC_PCI >$drv/bind"
	nic_again "the rebind"
}

fault_nic_plug()
{
	bank_vn "$NIC_VN"
	bank_queues
	# shellcheck disable=SC2086 # the command is a word list
	check "hot-unplug $NIC under traffic (QMP device_del)" $VIRTNET_PLUG_CMD off || return
	check "$NIC_VN goes with the unplugged NIC" wait_for 30 gone "$NIC_VN"
	check "$NIC is gone" _not nic_name
	# shellcheck disable=SC2086
	check "plug the NIC back (QMP device_add)" $VIRTNET_PLUG_CMD on
	nic_again "the re-plug"
}
