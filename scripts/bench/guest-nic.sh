# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# bench/guest-nic.sh - sourced by bench/guest.sh: the runs on an emulated
# NIC. scripts/bench/run --nics MODEL boots the guest with two NICs of
# MODEL on a QEMU hub, and scripts/vm/nic-env has set them up: NETIF here,
# the remote NIC in namespace vn-remote. The remote NIC moves into the
# peer namespace, where pktgen sends from; NETIF is the lower.
#
# Only one configuration can own the NIC's rx_handler at a time, so each
# one's device is created before each of its runs and deleted after it
# (cfg_on, cfg_off): configuration n_X is X on the NIC, reported as X of
# phase MODEL.

# shellcheck disable=SC2034 # tables for guest-pktgen.sh

NIC_MODEL=${VIRTNET_NICS:-}
NIC_CFGS="n_bare n_vall n_vmac n_mvpt"
NIC_OKCFGS=""
NIC_SUBNET=200
NIC_VMAC=02:77:c8:00:00:01	# the address of n_vmac's virtnet device
declare -A LOW PDEV NICCFG
declare -A TGT SUBNET DST_IN_MAC DST_OUT_MAC	# guest-setup.sh's (for shellcheck)

nic_on() { "$IP" -batch "$WORKDIR/non_$1" || log "setting up $1 on $NETIF failed (see above)"; }
nic_off() { "$IP" -force -batch "$WORKDIR/noff_$1" 2>/dev/null || true; }

setup_nic()	# the n_X configurations on NETIF; sets NIC_OKCFGS
{
	local rem c t k=$NIC_SUBNET lmac

	rem=$(ip -n vn-remote -o link show | awk -F': ' '$2 != "lo" { print $2; exit }')
	rem=${rem%@*}
	[ -n "$rem" ] || die "no remote NIC in namespace vn-remote" "run the guest through scripts/vm/nic-env"
	if ! ip -n vn-remote link set "$rem" netns "$PEER" ||
	   ! ip -n "$PEER" addr add "10.77.$k.2/24" dev "$rem" ||
	   ! ip -n "$PEER" link set "$rem" up; then
		die "cannot move the remote NIC $rem into $PEER" "see the messages above"
	fi
	# the NIC as nic-env left it, without its test addresses
	ip addr flush dev "$NETIF"
	read -r lmac < "/sys/class/net/$NETIF/address"
	for c in $NIC_CFGS; do
		t=t_$c
		LOW[$c]=$NETIF PDEV[$c]=$rem SUBNET[$c]=$k NICCFG[$c]=1 TGT[$c]=$t
		DST_IN_MAC[$c]=$lmac
		read -r "DST_OUT_MAC[$c]" < <(ip -n "$PEER" -br link show dev "$rem" | awk '{ print $3 }')
		case "$c" in
		n_bare)	TGT[$c]=$NETIF ;;
		n_vall)	virtnet_line "$t" "$NETIF" rxhandler all ;;
		n_vmac)	DST_IN_MAC[$c]=$NIC_VMAC
			virtnet_line "$t" "$NETIF" rxhandler mac | sed "s/ name $t / name $t address $NIC_VMAC /" ;;
		n_mvpt)	echo "link add link $NETIF name $t type macvlan mode passthru" ;;
		esac > "$WORKDIR/non_$c"
		if [ "$c" = n_bare ]; then
			echo "addr del 10.77.$k.1/24 dev $NETIF" > "$WORKDIR/noff_$c"
		else
			echo "link set $t up" >> "$WORKDIR/non_$c"
			echo "link del $t" > "$WORKDIR/noff_$c"
		fi
		echo "addr add 10.77.$k.1/24 dev ${TGT[$c]}" >> "$WORKDIR/non_$c"
		# once here, to see that it can be set up
		if nic_on "$c" && [ -e "/sys/class/net/${TGT[$c]}" ]; then
			NIC_OKCFGS="$NIC_OKCFGS $c"
			out "niccfg phase=$NIC_MODEL name=${c#n_} desc=\"${DESC[${c#n_}]}\""
		else
			out "skip phase=$NIC_MODEL cfg=${c#n_} reason=\"setup on $NETIF failed\""
		fi
		nic_off "$c"
	done
	case " $NIC_OKCFGS " in
	*" n_bare "*) ;;
	*) die "the bare NIC could not be set up" "see the messages above" ;;
	esac
	out "nic phase=$NIC_MODEL netif=$NETIF driver=$(basename "$(readlink -f "/sys/class/net/$NETIF/device/driver")")"
}

# ---------------------------------------------------------------- TCP

# TCP bulk through the configuration, with the NIC's offloads as they are
# (TSO, GRO on): iperf3's server on the target's address, its client in
# the peer namespace (dir in) or the other way round with -R (dir out).
# The time is iperf3's, on the guest clock: under -icount a count of
# instructions, both sides' (one guest runs both ends).
NIC_TCP_CFGS="n_bare n_vall n_mvpt"
NIC_TCP_SECS=1

tcp_run()	# DIR CFG: sets TCP_BYTES, TCP_USEC
{
	local dir=$1 c=$2 rev=() srv json

	TCP_BYTES='' TCP_USEC=''
	[ "$dir" = out ] && rev=(-R)
	json=$WORKDIR/iperf3.json
	cfg_on "$c"
	iperf3 -s -1 -B "10.77.$NIC_SUBNET.1" >/dev/null 2>&1 &
	srv=$!
	for _ in $(seq 50); do
		ss -Hltn "sport = 5201" | grep -q . && break
		sleep 0.1
	done
	ip netns exec "$PEER" iperf3 -c "10.77.$NIC_SUBNET.1" -t "$NIC_TCP_SECS" -J "${rev[@]}" >"$json" 2>&1 ||
		log "iperf3 through ${c#n_} ($dir) failed: $(head -c 300 "$json")"
	wait "$srv" 2>/dev/null
	cfg_off "$c"
	read -r TCP_BYTES TCP_USEC < <(python3 -c '
import json, sys
try:
    e = json.load(open(sys.argv[1]))["end"]["sum_received"]
    print(int(e["bytes"]), int(e["seconds"] * 1e6))
except Exception:
    print("- -")' "$json")
	[ "$TCP_BYTES" != - ] && [ "$TCP_USEC" -gt 0 ]
}

tcp_matrix()	# ROUNDS
{
	local round c d

	command -v iperf3 >/dev/null ||
		{ out "skip phase=$NIC_MODEL cfg=tcp reason=\"no iperf3 (scripts/deps installs it)\""; return 0; }
	out "tcpmeta phase=$NIC_MODEL secs=$NIC_TCP_SECS" \
		"tso=$(ethtool -k "$NETIF" 2>/dev/null | awk '/^tcp-segmentation-offload:/ { print $2 }')" \
		"gro=$(ethtool -k "$NETIF" 2>/dev/null | awk '/^generic-receive-offload:/ { print $2 }')"
	for round in $(seq "$1"); do
		for d in in out; do
			for c in $NIC_TCP_CFGS; do
				case " $NIC_OKCFGS " in *" $c "*) ;; *) continue ;; esac
				if tcp_run "$d" "$c"; then
					out "tcp phase=$NIC_MODEL round=$round dir=$d cfg=${c#n_} bytes=$TCP_BYTES usec=$TCP_USEC"
				else
					out "fail phase=$NIC_MODEL-tcp round=$round dir=$d cfg=${c#n_}"
				fi
			done
		done
		log "$NIC_MODEL TCP: round $round/$1 done ($(( $(date +%s) - T0 )) s)"
	done
}

nic_phase()	# ROUNDS CELLS: calibrate on the bare NIC, then the rounds, then TCP
{
	local cell

	setup_nic
	for cell in $2; do
		cell_count "$cell" n_bare || die "calibration run for $cell on $NETIF failed" "see the pktgen messages above"
		out "cell phase=$NIC_MODEL cell=$cell count=${NCOUNT[n_bare:$cell]}"
	done
	run_matrix "$NIC_MODEL" "$1" "$NIC_OKCFGS" "$2" n_bare
	tcp_matrix "$1"
}
