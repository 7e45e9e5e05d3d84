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
#   NETIF, VIRTNET_LINK_CMD, VIRTNET_PLUG_CMD
#               set by scripts/vm/nic-env: soak a real NIC too (below)
#
# Topology (init netns = the "host"; sk-peer = the other end of the wire):
#
#   sk-vn0 (rxhandler, all) --+-- sk-l0 ==veth== sk-p0 [sk-peer] 10.70.0.2
#   sk-vn2 (ptype, mac)     --+                          10.70.2.2
#   sk-vn1 (ptype, mac) ------ sk-l1 ==veth== sk-p1 [sk-peer] 10.70.1.2
#                              (a port of bridge sk-br0)
#
# With a real NIC (run under scripts/vm/nic-env, "make soak NIC=igb"):
# sk-vn3 (rxhandler, all) on the NIC, 10.70.3.1, the remote NIC in netns
# vn-remote 10.70.3.2, pktgen from there with random source addresses
# (the NIC's RSS spreads them over its rx queues), and three more faults:
# the NIC's carrier off and on (QMP set_link), its driver unbound and
# bound again, the NIC hot-unplugged and plugged back (QMP device_del and
# device_add), each under traffic, sk-vn3 re-created on it after.
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
#
# This file has the arguments, the main flow, the teardown with its leak
# checks and the summary; the rest is in files next to it, sourced below:
# checks.sh (check, predicates, counters), topology.sh (devices and
# namespaces), traffic.sh (pktgen, ping) and faults.sh (one function per
# fault). pktgen_loop runs in the peer netns through "ip netns exec", so
# this script re-runs itself ("$ME") for it: the libraries are found next
# to the script from there too.

# The teardown's predicates are called indirectly (check CMD..., wait_for).
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

# shellcheck source=scripts/soak/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
# shellcheck source=scripts/soak/topology.sh
. "$(dirname "${BASH_SOURCE[0]}")/topology.sh"
# shellcheck source=scripts/soak/traffic.sh
. "$(dirname "${BASH_SOURCE[0]}")/traffic.sh"
# shellcheck source=scripts/soak/faults.sh
. "$(dirname "${BASH_SOURCE[0]}")/faults.sh"

# --- internal entry points (run in a netns through "ip netns exec") --------

# pktgen_loop (traffic.sh): start_traffic runs it as SOAK_INTERNAL=pktgen bash
# "$ME" SECONDS STATE NAME SPEC...
if [ "${SOAK_INTERNAL:-}" = pktgen ]; then
	shift
	pktgen_loop "$@"
	exit
fi

# --- the run ----------------------------------------------------------------------

STATE=$(mktemp -d /tmp/soak.XXXXXX 2>/dev/null) || STATE=$(mktemp -d /run/soak.XXXXXX) || {
	echo "soak: error: cannot create a state directory in /tmp or /run" >&2
	exit 4
}
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
		bank_vn "$v"
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
if [ -n "$NIC_VN" ]; then
	bank_queues
	pr_rounds=0 pr_sent=0 pr_err=0
	[ ! -r "$STATE/pg-remote" ] || read -r pr_rounds pr_sent pr_err <"$STATE/pg-remote"
	check "delete $NIC_VN (the NIC stays)" "$IP" link del "$NIC_VN"
	check "$NIC survives its virtnet device" exists "$NIC"
fi
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
if [ -n "$NIC_VN" ]; then
	printf 'soak: %-44s %14s %14s\n' "sent by pktgen on the remote NIC to $NIC_VN" "$pr_sent" "$pr_err"
	printf 'soak: %-44s %14s %14s\n' "received by $NIC_VN on $NIC_DRV (rx)" "${TOT[nic_vn_rx]}" "${TOT[nic_vn_rxdrop]}"
	printf 'soak: %-44s %14s %14s\n' "sent by $NIC_VN on $NIC_DRV (tx)" "${TOT[nic_vn_tx]}" "${TOT[nic_vn_txdrop]}"
	echo "soak: $NIC rx packets per queue: q0 ${TOT[nic_q0]}, q1 ${TOT[nic_q1]}"
	echo "soak: pktgen rounds of the remote NIC: $pr_rounds"
fi
echo "soak: pktgen rounds: $pe_rounds egress, $pi_rounds ingress; flood ping rounds with replies: $ping_ok ok, $ping_bad without"
echo "soak: ping from netns $MV through a moved device: $MV_PING_OK ok, $MV_PING_BAD failed"
echo "soak: kmemleak unreferenced objects: $leaks; namespaces left behind: $nsleak"

rc=0
# Traffic must really have flowed, both ways, or the soak proved nothing.
if [ "${TOT[vn_rx]}" -lt 1000 ] || [ "${TOT[vn_tx]}" -lt 1000 ]; then
	echo "soak: FAIL: too little traffic through the virtnet devices (rx ${TOT[vn_rx]}, tx ${TOT[vn_tx]}): pktgen or the datapath did not work" >&2
	rc=1
fi
# On a NIC: traffic reached sk-vn3 and the lower's RSS used both queues.
if [ -n "$NIC_VN" ]; then
	if [ "${TOT[nic_vn_rx]}" -lt 1000 ]; then
		echo "soak: FAIL: too little traffic through $NIC_VN on the NIC (rx ${TOT[nic_vn_rx]})" >&2
		rc=1
	fi
	# Every frame sk-vn3 received came in through the NIC.
	if [ "${TOT[nic_vn_rx]}" -gt $((TOT[nic_q0] + TOT[nic_q1])) ]; then
		echo "soak: FAIL: $NIC_VN received ${TOT[nic_vn_rx]} frames, more than the NIC's rx queues counted ($((TOT[nic_q0] + TOT[nic_q1])))" >&2
		rc=1
	fi
	if [ "${TOT[nic_q0]}" -lt 100 ] || [ "${TOT[nic_q1]}" -lt 100 ]; then
		echo "soak: FAIL: the NIC's rx queues 0 and 1 did not both carry traffic (${TOT[nic_q0]}, ${TOT[nic_q1]} packets)" >&2
		rc=1
	fi
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
