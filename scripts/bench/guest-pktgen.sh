# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# bench/guest-pktgen.sh - sourced by bench/guest.sh: one pktgen run of a
# configuration, the calibration of a cell and the rounds of runs
# (run_matrix), each run printed as a "VNB run" record.

# ---------------------------------------------------------------- one run

# CNT = the counter that moves by one per frame of configuration C in
# direction D (builtins only: a fork costs more than a run under TCG)
count()	# DIR CFG
{
	local c=$2
	if [ -n "${NICCFG[$c]:-}" ]; then
		count_settled "$@"
	elif [ "$1" = out ]; then
		read -r CNT < "/sys/class/net/l_$c/statistics/tx_packets"	# = rx of p_$c
	elif [ "$c" = mirr ]; then
		# mirred does not count at the target: use the action's stats
		CNT=$(tc -s filter show dev l_mirr ingress |
			awk '/Sent/ { for (i = 1; i < NF; i++) if ($(i + 1) == "pkt") { print $i; exit } }')
	elif [ "$c" = tbpf ]; then
		# a dummy device counts no receive, nor does bpf_redirect():
		# the frames' end, UDP's NoPorts (no other traffic meanwhile)
		local tag a b
		while read -r tag a b _; do
			[ "$tag" = Udp: ] && [ "$a" != InDatagrams ] && CNT=$b
		done < /proc/net/snmp
	else
		read -r CNT < "/sys/class/net/${TGT[$c]}/statistics/rx_packets"
	fi
}

# On a NIC the counters move after pktgen is done (a ring still being
# drained, counted at its interrupt): read until they stand still.
count_settled()	# DIR CFG
{
	local f prev=-1 same=0

	if [ "$1" = out ]; then
		f=/sys/class/net/${LOW[$2]}/statistics/tx_packets
	else
		f=/sys/class/net/${TGT[$2]}/statistics/rx_packets
	fi
	for _ in $(seq 100); do
		read -r CNT < "$f"
		if [ "$CNT" = "$prev" ]; then
			same=$((same + 1))
			[ "$same" -ge 3 ] && return 0
		else
			same=0
		fi
		prev=$CNT
		sleep 0.02
	done
}

pgset() { echo "$2" > "$1"; }

# pg_run DIR SIZE FLOWS CFG COUNT: configure pktgen (one device on the
# thread of CPU 0), run it; sets PG_SENT, PG_USEC (pktgen's time), PG_RX
pg_run()
{
	local dir=$1 size=$2 flows=$3 c=$4 n=$5 base dev odev dmac dip sip0 sip1 mode
	local before line ok=0 try

	# what exists only while C runs is there before pktgen looks for it
	cfg_on "$c"
	if [ "$dir" = in ]; then
		base=$PEERPG odev=${PDEV[$c]:-p_$c} dmac=${DST_IN_MAC[$c]}
		dip=10.77.${SUBNET[$c]}.1 sip0=10.77.${SUBNET[$c]}.2
		mode=start_xmit
	else
		base=$PG odev=${TGT[$c]} dmac=${DST_OUT_MAC[$c]}
		dip=10.77.${SUBNET[$c]}.2 sip0=10.77.${SUBNET[$c]}.1
		# through dev_queue_xmit() like a socket's frames, so that
		# the target's qdisc/tc layer and its xmit are both measured
		mode=queue_xmit
	fi
	sip1=$sip0
	[ "$flows" = many ] && sip1=10.77.${SUBNET[$c]}.250 && sip0=10.77.${SUBNET[$c]}.10

	pgset "$base/kpktgend_0" rem_device_all
	pgset "$base/kpktgend_0" "add_device $odev"
	while IFS= read -r line; do
		case "$line" in "Result: OK"*) ok=1 ;; esac
	done < "$base/kpktgend_0"
	[ "$ok" = 1 ] || { log "pktgen: add_device $odev failed: $(grep Result "$base/kpktgend_0")"; cfg_off "$c"; return 1; }
	dev=$base/$odev
	pgset "$dev" "xmit_mode $mode"
	pgset "$dev" "flag !SHARED"	# a shared skb would be cloned by every rx_handler
	pgset "$dev" "count $n"
	pgset "$dev" "pkt_size $size"
	pgset "$dev" "delay 0"
	pgset "$dev" "dst_mac $dmac"
	pgset "$dev" "dst $dip"
	pgset "$dev" "src_min $sip0"
	pgset "$dev" "src_max $sip1"
	pgset "$dev" "udp_dst_min 9"
	pgset "$dev" "udp_dst_max 9"
	if [ "$flows" = many ]; then
		pgset "$dev" "udp_src_min 1024"
		pgset "$dev" "udp_src_max 2047"
		pgset "$dev" "flag IPSRC_RND"
		pgset "$dev" "flag UDPSRC_RND"
	else
		pgset "$dev" "udp_src_min 9"
		pgset "$dev" "udp_src_max 9"
	fi

	count "$dir" "$c"
	before=$CNT
	pg_start "$dir"
	# pgctrl's start returns when the thread is no longer running; if it
	# looked before the thread had even started (rarely, under load), the
	# result is not there yet: wait for it, or start again if it never ran
	for try in $(seq 100); do
		pg_result "$dev" && break
		case "$try:$PG_LINE" in
		30:*Starting*|30:*Running*) ;;
		30:*) log "pktgen on $odev did not run ($PG_LINE): starting it again"
			pg_start "$dir" ;;
		esac
		sleep 0.1
	done
	count "$dir" "$c"
	PG_RX=$((CNT - before))
	# (a device that goes in cfg_off leaves pktgen's list with it)
	cfg_off "$c"
	[ -n "$PG_USEC" ] || { log "pktgen on $odev gave no result: $PG_LINE"; return 1; }
}

pg_start()	# DIR: start the pktgen threads of the sending namespace, wait for them
{
	if [ "$1" = in ]; then
		peer_do "echo start > $PG/pgctrl"
	else
		echo start > "$PG/pgctrl"
	fi
}

# pg_result DEVFILE: PG_USEC, PG_SENT from a finished run's result line
# "Result: OK: 123456(c123000+d456) usec, 100000 (60byte,0frags)"; the
# line as it is in PG_LINE
pg_result()
{
	local line re='^Result: OK: ([0-9]+)\(c[0-9]+\+d[0-9]+\) usec, ([0-9]+) '

	PG_USEC='' PG_SENT='' PG_LINE=''
	while IFS= read -r line; do
		case "$line" in Result:*) PG_LINE=$line ;; esac
		if [[ $line =~ $re ]]; then
			PG_USEC=${BASH_REMATCH[1]}
			PG_SENT=${BASH_REMATCH[2]}
		fi
	done < "$1"
	[ -n "$PG_USEC" ]
}

# ---------------------------------------------------------------- matrix

declare -A NCOUNT
# CELL [REF] -> NCOUNT[CELL] (NCOUNT[REF:CELL] with REF), frames per run,
# from a calibration run on REF (default the bare lower)
cell_count()
{
	local dir size flows pps ref=${2:-bare} key=${2:+$2:}$1
	IFS=/ read -r dir size flows <<<"$1"
	pg_run "$dir" "$size" "$flows" "$ref" 3000 || return 1
	pps=$(( PG_RX * 1000000 / (PG_USEC > 0 ? PG_USEC : 1) ))
	NCOUNT[$key]=$(awk -v p="$pps" -v s="$SECS" 'BEGIN { n = int(p * s); if (n < 2000) n = 2000; print n }')
}

# PHASE ROUNDS CFGS CELLS [REF]: every configuration once per round and
# cell, "run" records of phase PHASE; frames per run from NCOUNT[REF:CELL]
# with REF (see cell_count), and the configurations' names printed without
# a prefix "REF_" has too (n_vall of the NIC runs is "vall" of phase igb)
run_matrix()
{
	local phase=$1 rounds=$2 cells=$4 round cell i j c n nc dir size flows
	local ref=${5:-} pre=
	local -a cfgs

	read -r -a cfgs <<<"$3"
	nc=${#cfgs[@]}
	[ -z "$ref" ] || pre=${ref%%_*}_

	for round in $(seq "$rounds"); do
		for cell in $cells; do
			n=${NCOUNT[${ref:+$ref:}$cell]}
			IFS=/ read -r dir size flows <<<"$cell"
			# rotate the order every round: no configuration
			# always runs first or right after the same neighbour
			for ((j = 0; j < nc; j++)); do
				i=$(( (j + round - 1) % nc ))
				c=${cfgs[$i]}
				# XDP has no transmit side
				[ "$dir:$c" = out:vxdp ] && continue
				pg_run "$dir" "$size" "$flows" "$c" "$n" || {
					out "fail phase=$phase round=$round dir=$dir size=$size flows=$flows cfg=${c#"$pre"}"
					continue
				}
				out "run phase=$phase round=$round dir=$dir size=$size flows=$flows cfg=${c#"$pre"} sent=$PG_SENT usec=$PG_USEC rx=$PG_RX"
			done
		done
		log "$phase: round $round/$rounds done ($(( $(date +%s) - T0 )) s)"
	done
}
