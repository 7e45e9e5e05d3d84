#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# virtnet forwarding: frames through vnet0 both ways in each mode and
# filter, what the lower's own stack still gets, counters, the MAC filter,
# a vnet0 moved to another namespace, MTU and ethtool. Topology and
# environment: virtnet_topo.sh, virtnet_lib.sh.

# shellcheck source=virtnet_lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/virtnet_lib.sh"

# The default device: kind, lower, address, MTU, adjacency, iflink.
t_create_default()
{
	local out lmac lidx

	topo_lower || return 1
	run ip -n "$NS_A" link set "$LW" mtu 1400 || return 1
	vnet_add "$NS_A" "$LW" vnet0 rxhandler all || return 1

	out=$(ip -n "$NS_A" -j -d link show dev vnet0)
	expect_eq "kind" "$(jq -r '.[0].linkinfo.info_kind' <<<"$out")" \
		virtnet || return
	expect_eq "lower" "$(jq -r '.[0].link' <<<"$out")" "$LW" || return
	lmac=$(mac_of "$NS_A" "$LW")
	expect_eq "vnet0 address (filter all takes the lower's)" \
		"$(mac_of "$NS_A" vnet0)" "$lmac" || return
	expect_eq "vnet0 MTU (the lower's)" "$(mtu_of "$NS_A" vnet0)" 1400 ||
		return
	lidx=$(sys_read "$NS_A" "class/net/$LW/ifindex")
	expect_eq "vnet0 iflink" \
		"$(sys_read "$NS_A" class/net/vnet0/iflink)" "$lidx" ||
		return
	sys_exists "$NS_A" "class/net/$LW/upper_vnet0" ||
		{ fail "no upper_vnet0 link in $LW's sysfs directory"; return; }
	sys_exists "$NS_A" "class/net/vnet0/lower_$LW" ||
		{ fail "no lower_$LW link in vnet0's sysfs directory"; return; }
	if have_attrs; then
		out=$("$IP" -n "$NS_A" -d link show dev vnet0)
		if ! grep -Eq '\bmode rxhandler\b' <<<"$out" ||
		   ! grep -Eq '\bfilter all\b' <<<"$out"; then
			fail "ip -d link does not show" \
				"mode rxhandler filter all:"
			show <<<"$out"
			return 1
		fi
	fi

	operstate_is "$NS_A" vnet0 DOWN ||
		{ fail "vnet0 not DOWN before it is set up"; return; }
	run ip -n "$NS_A" link set vnet0 up || return
	wait_oper "$NS_A" vnet0 UP || return

	# filter all: the address is the lower's, and follows it.
	if ip -n "$NS_A" link set vnet0 address 02:00:00:00:01:01 \
		>/dev/null 2>&1; then
		fail "filter all: vnet0's address could be changed"
		return
	fi
	run ip -n "$NS_A" link set "$LW" address 02:00:00:00:01:02 || return
	expect_eq "vnet0 address after the lower's changed" \
		"$(mac_of "$NS_A" vnet0)" 02:00:00:00:01:02
}

# has_lines WHAT OUTPUT STRING...: OUTPUT has a line with each STRING.
has_lines()
{
	local what=$1 out=$2 str

	shift 2
	for str in "$@"; do
		grep -qF -- "$str" <<<"$out" && continue
		fail "$what: no '$str' in:"
		show <<<"$out"
		return 1
	done
}

# json_info_is WHEN MODE FILTER: "ip -d -j" shows vnet0 in NS_A with
# info_data.mode MODE and info_data.filter FILTER.
json_info_is()
{
	local out

	out=$("$IP" -n "$NS_A" -d -j link show dev vnet0)
	expect_eq "JSON info_data.mode$1" \
		"$(jq -r '.[0].linkinfo.info_data.mode' <<<"$out")" "$2" &&
	expect_eq "JSON info_data.filter$1" \
		"$(jq -r '.[0].linkinfo.info_data.filter' <<<"$out")" "$3"
}

# What ip shows of a device it made with the mode and filter keywords:
# its help, "ip -d link show" and the JSON keys, a filter change; an
# unknown keyword gets ip's message and the usage.
t_create_ptype_mac()
{
	local out lmac

	need_attrs || return
	out=$("$IP" link help virtnet 2>&1)
	has_lines "ip link help virtnet" "$out" \
		'Usage: ... virtnet [ mode MODE ] [ filter FILTER ]' \
		'MODE: rxhandler | ptype' 'FILTER: all | mac' || return
	topo_lower || return
	out=$("$IP" -n "$NS_A" link add link "$LW" name vnet0 type virtnet \
		bogus 2>&1) && { fail "accepted: type virtnet bogus"; return; }
	has_lines "type virtnet bogus" "$out" \
		'virtnet: unknown option "bogus"?' 'Usage: ... virtnet' ||
		return
	no_virtnet_in "$NS_A" || return

	vnet_add "$NS_A" "$LW" vnet0 ptype mac || return
	out=$("$IP" -n "$NS_A" -d link show dev vnet0)
	grep -q '\bvirtnet mode ptype filter mac\b' <<<"$out" || {
		fail "ip -d link show does not say 'virtnet mode ptype" \
			"filter mac':"
		show <<<"$out"
		return 1
	}
	json_info_is "" ptype mac || return
	lmac=$(mac_of "$NS_A" "$LW")
	[ "$(mac_of "$NS_A" vnet0)" != "$lmac" ] ||
		{ fail "filter mac: vnet0 has the lower's address"; return; }

	# Down, the filter changes; filter all takes the lower's address.
	run "$IP" -n "$NS_A" link set vnet0 type virtnet filter all || return
	json_info_is " after the change" ptype all || return
	expect_eq "filter all: vnet0 address" "$(mac_of "$NS_A" vnet0)" "$lmac"
}

# IPv4 or IPv6 ping through vnet0, both ways.
t_ping()
{
	local fam=$1 mode=$2 filter=$3 me peer rx0 rx1

	topo "$mode" "$filter" || return
	if [ "$fam" = 4 ]; then
		me=10.0.1.1
		peer=10.0.1.2
	else
		me=fd00:1::1
		peer=fd00:1::2
	fi
	rx0=$(cnt "$NS_V" vnet0 rx_packets)
	ping_ok "$NS_V" "$peer" 5 "-$fam" || return
	ping_ok "$NS_B" "$me" 5 "-$fam" || return
	rx1=$(cnt "$NS_V" vnet0 rx_packets)
	expect_ge "vnet0 rx_packets after 5 replies and 5 requests" \
		$((rx1 - rx0)) 10 || return
	if [ "$filter" = mac ]; then
		[ "$(mac_of "$NS_V" vnet0)" != "$(mac_of "$NS_A" "$LW")" ] ||
			fail "filter mac: vnet0 has the lower's address"
	else
		expect_eq "filter all: vnet0 address" \
			"$(mac_of "$NS_V" vnet0)" "$(mac_of "$NS_A" "$LW")"
	fi
}

# What the lower's own stack gets: in rxhandler/all nothing, in ptype/all
# a copy of everything (and vnet0 too), with filter mac its own traffic.
t_lower_stack()
{
	local mode=$1 filter=$2 rx0 rx1

	topo "$mode" "$filter" || return
	lower_addr || return
	rx0=$(cnt "$NS_V" vnet0 rx_packets)
	case "$mode/$filter" in
	rxhandler/all)
		ping_none "$NS_B" 10.0.2.1 5 || return
		rx1=$(cnt "$NS_V" vnet0 rx_packets)
		# The peer's ARP requests for 10.0.2.1 all went to vnet0.
		expect_ge "vnet0 rx_packets (frames taken from the lower)" \
			$((rx1 - rx0)) 1 || return
		;;
	ptype/all)
		ping_ok "$NS_B" 10.0.2.1 10 || return
		rx1=$(cnt "$NS_V" vnet0 rx_packets)
		# vnet0 got copies of the 10 requests (and of ARP).
		expect_ge "vnet0 rx_packets (copies of the lower's frames)" \
			$((rx1 - rx0)) 10 || return
		;;
	*/mac)
		ping_ok "$NS_B" 10.0.2.1 10 || return
		rx1=$(cnt "$NS_V" vnet0 rx_packets)
		# At most the broadcast ARP request reached vnet0.
		[ $((rx1 - rx0)) -lt 10 ] || {
			fail "vnet0 got $((rx1 - rx0)) frames" \
				"of the lower's unicast traffic"
			return
		}
		;;
	esac
	# vnet0 itself still works next to the lower.
	ping_ok "$NS_B" 10.0.1.1 3
}

# The counters of vnet0, the lower and the peer, "DEV.COUNTER VALUE" lines.
snapshot()
{
	local ns_dev ns dev c

	for ns_dev in "$NS_V:vnet0" "$NS_A:$LW" "$NS_B:$PR"; do
		ns=${ns_dev%%:*}
		dev=${ns_dev#*:}
		for c in rx_packets tx_packets rx_bytes tx_bytes \
			 rx_dropped tx_dropped; do
			echo "$dev.$c $(cnt "$ns" "$dev" "$c")"
		done
	done
}

# Counters of vnet0, the lower and the peer agree, packet for packet and
# byte for byte, in both directions. Static neighbours and no IPv6: the
# links carry only the pings. On a NIC the lower and the peer may see
# other frames (the stacks of both ends, which keep IPv6) and count bytes
# their driver's way (with the FCS, say): there they, and what filter all
# gives vnet0 from the wire, must be at least as much, vnet0's transmit
# side and what filter mac gives it exact.
t_counters()
{
	local mode=$1 filter=$2 n=20 size=100 len dev c v d want loose
	local -A before=() after=()

	topo "$mode" "$filter" noipv6 || return
	run ip -n "$NS_V" neigh replace 10.0.1.2 dev vnet0 nud permanent \
		lladdr "$(mac_of "$NS_B" "$PR")" &&
	run pip neigh replace 10.0.1.1 dev "$PR" nud permanent \
		lladdr "$(mac_of "$NS_V" vnet0)" || return
	len=$((size + 8 + 20 + 14))
	nap 0.5

	while read -r c v; do before[$c]=$v; done < <(snapshot)
	ping_ok "$NS_B" 10.0.1.1 "$n" -s "$size" || return
	ping_ok "$NS_V" 10.0.1.2 "$n" -s "$size" || return
	while read -r c v; do after[$c]=$v; done < <(snapshot)

	# Each direction: n requests and n replies.
	for dev in vnet0 "$LW" "$PR"; do
		for c in rx_packets tx_packets rx_bytes tx_bytes; do
			d=$((${after[$dev.$c]} - ${before[$dev.$c]}))
			want=$((2 * n))
			[[ "$c" != *bytes ]] || want=$((2 * n * len))
			# on a NIC, other frames on the wire count too
			loose=no
			[ "$dev" != vnet0 ] && loose=yes
			[ "$filter" = all ] && [[ "$c" == rx* ]] && loose=yes
			if [ "$HW" = yes ] && [ "$loose" = yes ]; then
				expect_ge "$dev $c delta" "$d" "$want" || return
				log "$dev $c delta $d (sent: $want)"
			else
				expect_eq "$dev $c delta" "$d" "$want" || return
			fi
		done
	done
	for c in rx_dropped tx_dropped; do
		v=$((${after[vnet0.$c]} - ${before[vnet0.$c]}))
		expect_eq "vnet0 $c delta" "$v" 0 || return
	done
	log "vnet0, $LW, $PR: $((2 * n)) packets," \
		"$((2 * n * len)) bytes each way"
	ip -n "$NS_V" -s link show dev vnet0 | show
}

# filter mac: frames for other addresses never reach vnet0, even with
# vnet0 promiscuous (tcpdump makes it so).
t_filter_mac()
{
	local mode=$1 vmac lmac cap=$TMPD/fmac.pcap n

	need tcpdump || return
	topo "$mode" mac || return
	lower_addr || return
	vmac=$(mac_of "$NS_V" vnet0)
	lmac=$(mac_of "$NS_A" "$LW")
	run pip neigh replace 10.0.1.99 dev "$PR" nud permanent \
		lladdr 02:00:00:00:99:99 || return
	cap_start "$NS_V" vnet0 "$cap" || return
	ping_ok "$NS_B" 10.0.2.1 10 || return
	ping_ok "$NS_B" 10.0.1.1 10 || return
	ping_none "$NS_B" 10.0.1.99 5 || return
	cap_stop
	n=$(cap_count "$cap" ether dst "$lmac")
	expect_eq "frames to the lower's address captured on vnet0" "$n" 0 ||
		return
	n=$(cap_count "$cap" ether dst 02:00:00:00:99:99)
	expect_eq "frames to a foreign address captured on vnet0" "$n" 0 ||
		return
	n=$(cap_count "$cap" ether dst "$vmac" and icmp)
	expect_eq "ICMP frames to vnet0's address captured on vnet0" "$n" 10
}

# promisc NS DEV: DEV's promiscuity count.
promisc()
{
	ip -n "$1" -j -d link show dev "$2" | jq -r '.[0].promiscuity'
}

# filter mac on the lower's own unicast filter: vnet0's address is in the
# lower's address list, a NIC stays non-promiscuous (veth has no unicast
# filter, IFF_UNICAST_FLT, so the core makes it promiscuous), frames to
# vnet0 arrive; a NIC drops frames to an address nobody gave it (veth has
# no filter, so there that last check is only logged).
t_filter_mac_uc()
{
	local mode=$1 vmac rx0 rx1 lrx0 lrx1 p0 p1

	need bridge || return
	p0=0
	[ "$HW" = no ] || p0=$(promisc "$HOST_NS" "$NETIF")
	topo "$mode" mac || return
	vmac=$(mac_of "$NS_V" vnet0)
	bridge -n "$NS_A" fdb show dev "$LW" 2>/dev/null |
		grep -q "^$vmac .*self permanent" || {
		fail "vnet0's address $vmac is not in $LW's unicast list"
		bridge -n "$NS_A" fdb show dev "$LW" | show
		return 1
	}
	p1=$(promisc "$NS_A" "$LW")
	if [ "$HW" = no ]; then
		expect_eq "veth $LW promiscuity with vnet0 up" "$p1" 1 || return
	elif [ "$p1" != "$p0" ]; then
		skip "$LW has no unicast address filter (IFF_UNICAST_FLT):" \
			"vnet0's address made it promiscuous"
		return
	fi
	log "$LW promiscuity $p0 before vnet0, $p1 with vnet0 up"
	rx0=$(cnt "$NS_V" vnet0 rx_packets)
	ping_ok "$NS_B" 10.0.1.1 10 || return
	rx1=$(cnt "$NS_V" vnet0 rx_packets)
	expect_ge "vnet0 rx_packets (10 requests to its address)" \
		$((rx1 - rx0)) 10 || return
	run pip neigh replace 10.0.1.99 dev "$PR" nud permanent \
		lladdr 02:00:00:00:99:99 || return
	rx0=$(cnt "$NS_V" vnet0 rx_packets)
	lrx0=$(cnt "$NS_A" "$LW" rx_packets)
	ping_none "$NS_B" 10.0.1.99 20 || return
	rx1=$(cnt "$NS_V" vnet0 rx_packets)
	lrx1=$(cnt "$NS_A" "$LW" rx_packets)
	[ $((rx1 - rx0)) -lt 20 ] ||
		{ fail "vnet0 received frames to a foreign address"; return; }
	if [ "$HW" = yes ]; then
		[ $((lrx1 - lrx0)) -lt 20 ] || {
			fail "$LW received $((lrx1 - lrx0)) frames to a" \
				"foreign address: no unicast filter?"
			return
		}
	fi
	log "20 frames to a foreign address: $LW received $((lrx1 - lrx0))"
}

# vnet0 moves to another namespace: it keeps forwarding, and from there
# its lower can be neither seen, deleted nor changed.
t_netns()
{
	local rx0 rx1 out

	topo_lower && ns_new NS_V v || return 1
	run pip addr add 10.0.1.2/24 dev "$PR" || return 1
	vnet_add "$NS_A" "$LW" vnet0 rxhandler all || return 1
	run ip -n "$NS_A" addr add 10.0.1.1/24 dev vnet0 &&
	run ip -n "$NS_A" link set vnet0 up || return 1
	wait_oper "$NS_A" vnet0 UP || return
	ping_ok "$NS_A" 10.0.1.2 3 || return

	run ip -n "$NS_A" link set vnet0 netns "$NS_V" || return
	dev_exists "$NS_A" vnet0 && { fail "vnet0 still in $NS_A"; return; }
	run ip -n "$NS_V" addr add 10.0.1.1/24 dev vnet0 &&
	run ip -n "$NS_V" link set vnet0 up || return 1
	wait_oper "$NS_V" vnet0 UP || return
	rx0=$(cnt "$NS_V" vnet0 rx_packets)
	ping_ok "$NS_V" 10.0.1.2 5 || return
	ping_ok "$NS_B" 10.0.1.1 5 || return
	rx1=$(cnt "$NS_V" vnet0 rx_packets)
	expect_ge "vnet0 rx_packets in its new namespace" $((rx1 - rx0)) 10 ||
		return
	out=$(ip -n "$NS_V" -j -d link show dev vnet0)
	[ "$(jq -r '.[0].link_netnsid // empty' <<<"$out")" != "" ] || {
		fail "vnet0 does not report its lower's namespace" \
			"(link_netnsid)"
		return
	}

	dev_exists "$NS_V" "$LW" &&
		{ fail "the lower is visible from $NS_V"; return; }
	ip -n "$NS_V" link del "$LW" >/dev/null 2>&1 &&
		{ fail "the lower could be deleted from $NS_V"; return; }
	if have_attrs; then
		"$IP" -n "$NS_V" link set vnet0 type virtnet mode ptype \
			>/dev/null 2>&1 &&
			{ fail "mode changed from $NS_V"; return; }
	fi
	dev_exists "$NS_A" "$LW" || { fail "$LW gone from $NS_A"; return; }

	# Deleting vnet0 there releases the lower here.
	run ip -n "$NS_V" link del vnet0 || return
	lower_free "$NS_A" "$LW" || return

	# So does deleting the namespace vnet0 lives in.
	vnet_add "$NS_A" "$LW" vnet0 rxhandler all netns "$NS_V" || return
	run ip netns del "$NS_V" || return
	if ! wait_for 20 eval \
		"! sys_exists $NS_A class/net/$LW/upper_vnet0"; then
		fail "vnet0 still stacked on $LW" \
			"after its namespace was deleted"
		return
	fi
	lower_free "$NS_A" "$LW"
}

# Lowering the lower's MTU clamps vnet0's; vnet0 cannot go above it.
t_mtu()
{
	local out

	topo rxhandler all || return
	expect_eq "vnet0 MTU" "$(mtu_of "$NS_V" vnet0)" 1500 || return
	run ip -n "$NS_A" link set "$LW" mtu 1400 || return
	expect_eq "vnet0 MTU after the lower's went to 1400" \
		"$(mtu_of "$NS_V" vnet0)" 1400 || return
	if ip -n "$NS_V" link set vnet0 mtu 1401 >/dev/null 2>&1; then
		fail "vnet0 MTU set above the lower's"
		return
	fi
	run ip -n "$NS_V" link set vnet0 mtu 1300 || return
	expect_eq "vnet0 MTU" "$(mtu_of "$NS_V" vnet0)" 1300 || return
	run ip -n "$NS_V" link set vnet0 mtu 1400 || return
	# A real NIC resets on an MTU change (e1000e, igb): its link goes
	# down and comes back, so wait until the peer answers again.
	reach || return
	ping_ok "$NS_V" 10.0.1.2 3 -s 1372 -M "do" || return
	out=$(in_ns "$NS_V" ping -n -c 1 -W 1 -s 1373 -M "do" 10.0.1.2 2>&1) &&
		{ fail "a 1401-byte packet left vnet0 with DF set"; return; }
	grep -qi "too long\|mtu" <<<"$out" || {
		fail "ping of 1401 bytes: unexpected error"
		show <<<"$out"
		return 1
	}
}

# ethtool: driver and bus-info, and the lower's link settings.
t_ethtool()
{
	local out lspeed

	need ethtool || return
	topo rxhandler all || return
	out=$(in_ns "$NS_V" ethtool -i vnet0 2>&1)
	if ! grep -q '^driver: virtnet$' <<<"$out" ||
	   ! grep -q "^bus-info: $LW\$" <<<"$out"; then
		fail "ethtool -i vnet0: expected driver virtnet, bus-info $LW"
		show <<<"$out"
		return 1
	fi
	lspeed=$(in_ns "$NS_A" ethtool "$LW" 2>/dev/null |
		grep -E 'Speed:|Duplex:')
	out=$(in_ns "$NS_V" ethtool vnet0 2>/dev/null |
		grep -E 'Speed:|Duplex:')
	[ -n "$lspeed" ] ||
		{ fail "ethtool reports no speed for $LW"; return; }
	expect_eq "ethtool vnet0 speed/duplex" "$out" "$lspeed" || return
	log "vnet0:$(tr -s '\t\n' '  ' <<<"$out")"
}

all_cases()
{
	local m f fam

	tcase "create: default device (stock ip)" t_create_default
	tcase "create: mode ptype filter mac, as ip shows it" \
		t_create_ptype_mac
	for m in rxhandler ptype; do
		for f in all mac; do
			for fam in 4 6; do
				tcase "ping$fam: mode $m filter $f" \
					t_ping "$fam" "$m" "$f"
			done
			tcase "lower stack: mode $m filter $f" \
				t_lower_stack "$m" "$f"
		done
	done
	tcase "counters: mode rxhandler filter all" t_counters rxhandler all
	tcase "counters: mode ptype filter mac" t_counters ptype mac
	tcase "filter mac isolation: mode rxhandler" t_filter_mac rxhandler
	tcase "filter mac isolation: mode ptype" t_filter_mac ptype
	tcase "filter mac: unicast filter, lower not promisc: mode rxhandler" \
		t_filter_mac_uc rxhandler
	tcase "filter mac: unicast filter, lower not promisc: mode ptype" \
		t_filter_mac_uc ptype
	tcase "netns: vnet0 moved keeps forwarding, lower out of reach" t_netns
	tcase "mtu: lower's MTU decrease clamps vnet0" t_mtu
	tcase "ethtool: drvinfo and link settings" t_ethtool
}

virtnet_main "$@"
