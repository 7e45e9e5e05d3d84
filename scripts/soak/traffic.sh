# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# soak/traffic.sh - sourced by soak/guest.sh: pktgen both ways and a flood
# ping per virtnet device, started before the faults and stopped after.
# pktgen_loop is also guest.sh's internal entry point: guest.sh re-runs
# itself with SOAK_INTERNAL=pktgen, in the peer netns through "ip netns
# exec", so this file is sourced before that check.

# STATE is guest.sh's, the rest topology.sh's.
# shellcheck disable=SC2153

# pktgen_loop STATE NAME SPEC...: until STATE/stop exists, run pktgen in
# rounds of ROUND seconds on every SPEC ("dev[@tag],dst_ip,dst_mac", and
# ",src_min-src_max" for random source addresses, flows a NIC's RSS
# spreads over its rx queues) whose
# device exists and has carrier. pktgen drops a device that goes away or
# loses carrier mid-round; the next round picks it up again. Sums what
# pktgen reports it sent into STATE/NAME.
pktgen_loop()
{
	local state=$1 name=$2 pg=/proc/net/pktgen
	local threads=() sent=0 errors=0 rounds=0 n spec dev dip dmac base t pid
	local used v srange
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
			IFS=, read -r dev dip dmac srange <<<"$spec"
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
				if [ -n "$srange" ]; then
					echo "src_min ${srange%-*}"
					echo "src_max ${srange#*-}"
					echo "flag IPSRC_RND"
				fi
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

# The peer side sends to the virtnet devices: a filter all device has the
# lower's MAC; a filter mac device has its fixed one (config_vn restores it).
peer_specs()
{
	local v n

	for v in "${VNS[@]}"; do
		[ "$v" != "$NIC_VN" ] || continue	# remote_specs
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
		if [ "$v" = "$NIC_VN" ]; then
			echo "$v,${PADDR[$v]},$REM_MAC"
			continue
		fi
		n=${LOWER[$v]#sk-l}
		echo "$v,${PADDR[$v]},${PMAC[$n]}"
	done
}

# The remote NIC sends to sk-vn3 (filter all: the lower NIC's MAC) from
# 240 source addresses, so that the NIC's RSS uses both its rx queues.
remote_specs()
{
	echo "$REM@vn3,${VADDR[$NIC_VN]},$NIC_MAC,10.70.3.10-10.70.3.250"
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
	if [ -n "$NIC_VN" ]; then
		ip netns exec "$REM_NS" env SOAK_INTERNAL=pktgen SOAK_ROUND="$ROUND" \
			bash "$ME" "$DURATION" "$STATE" pg-remote "$(remote_specs)" &
		TRAFFIC_PIDS+=($!)
	fi
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
	[ -z "$NIC_VN" ] ||
		ip netns exec "$REM_NS" sh -c 'echo stop >/proc/net/pktgen/pgctrl' 2>/dev/null
}
