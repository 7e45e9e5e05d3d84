# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# soak/topology.sh - sourced by soak/guest.sh: the devices and namespaces
# of the soak (drawn in guest.sh's header) and how to (re)create them.

PATCHED=0
VNS=(sk-vn0 sk-vn1)
declare -A LOWER=([sk-vn0]=sk-l0 [sk-vn1]=sk-l1 [sk-vn2]=sk-l0)
declare -A VADDR=([sk-vn0]=10.70.0.1 [sk-vn1]=10.70.1.1 [sk-vn2]=10.70.2.1)
# shellcheck disable=SC2034 # for traffic.sh and faults.sh
declare -A PADDR=([sk-vn0]=10.70.0.2 [sk-vn1]=10.70.1.2 [sk-vn2]=10.70.2.2)
declare -A VMAC=([sk-vn1]=02:5a:00:00:02:01 [sk-vn2]=02:5a:00:00:02:02)
declare -A LMAC=([0]=02:5a:00:00:00:00 [1]=02:5a:00:00:00:01)
declare -A PMAC=([0]=02:5a:00:00:01:00 [1]=02:5a:00:00:01:01)
declare -A VMODE=() VFILTER=()
# With a real NIC (scripts/vm/nic-env's NETIF): sk-vn3 (rxhandler, all) on
# it, the remote NIC in netns vn-remote; MACs as scripts/vm/run gives them.
NIC=
NIC_VN=
NIC_DRV=
NIC_PCI=
NIC_MAC=52:54:00:56:00:01
REM_MAC=52:54:00:56:00:02
REM_NS=vn-remote
REM=

load_module()
{
	if [ -n "${VIRTNET_KO:-}" ]; then
		insmod "$VIRTNET_KO"
	else
		modprobe virtnet
	fi
}

vns_on() # PAIR: the virtnet devices stacked on lower sk-lPAIR
{
	local v

	for v in "${VNS[@]}"; do
		[ "${LOWER[$v]}" != "sk-l$1" ] || echo "$v"
	done
}

# the peer's end and the lower of pair N; N=1 gets the bridge
make_pair()
{
	local n=$1

	"$IP" link add "sk-l$n" address "${LMAC[$n]}" type veth \
		peer name "sk-p$n" address "${PMAC[$n]}" netns "$PEER" || return 1
	"$IP" -n "$PEER" link set "sk-p$n" up || return 1
	if [ "$n" = 0 ]; then
		"$IP" -n "$PEER" addr add 10.70.0.2/24 dev sk-p0 || return 1
		"$IP" -n "$PEER" addr add 10.70.2.2/24 dev sk-p0 || return 1
	else
		"$IP" -n "$PEER" addr add 10.70.1.2/24 dev sk-p1 || return 1
		if [ "$PATCHED" = 1 ]; then
			"$IP" link set "sk-l$n" master sk-br0 || return 1
		fi
	fi
	"$IP" link set "sk-l$n" up
}

# nic_name: the NIC with the lower's MAC (not sk-vn3, which takes it with
# filter all: only a NIC has a device link)
nic_name()
{
	local d

	for d in /sys/class/net/*; do
		[ -e "$d/device" ] && [ "$(cat "$d/address")" = "$NIC_MAC" ] &&
			{ echo "${d##*/}"; return 0; }
	done
	return 1
}

# The NIC_* variables, PADDR and FAULT* are for the faults, traffic and
# summary in the files next to this one.
# shellcheck disable=SC2034
# nic_found: after a rebind or a re-plug, the NIC's name, driver and PCI
# address again, set up; sk-vn3 is re-created by the caller. udev may
# rename the NIC (eth0 to enp1s0) after its settle gave up: under TCG and
# traffic that took longer than 10 s once, and the name found was gone
# when it was used. So: the name the NIC's address has now, again until
# it is still there once the NIC is up (udev does not rename an up one).
nic_found()
{
	local d n

	for n in 1 2 3 4 5 6; do
		command -v udevadm >/dev/null && udevadm settle -t 20 >/dev/null 2>&1
		NIC=$(nic_name) || return 1
		"$IP" addr flush dev "$NIC" 2>/dev/null &&
			"$IP" link set "$NIC" up 2>/dev/null &&
			[ "$(nic_name)" = "$NIC" ] && break
		[ "$n" -lt 6 ] || return 1
		sleep 1
	done
	LOWER[$NIC_VN]=$NIC
	d=$(readlink -f "/sys/class/net/$NIC/device")
	NIC_PCI=${d##*/}
	d=$(readlink -f "/sys/class/net/$NIC/device/driver")
	NIC_DRV=${d##*/}
}

# shellcheck disable=SC2034
# nic_setup: sk-vn3 on the NIC, 10.70.3.2 on the remote end
nic_setup()
{
	local d

	NIC_VN=sk-vn3
	VNS+=("$NIC_VN")
	VMODE[$NIC_VN]=rxhandler
	VFILTER[$NIC_VN]=all
	VADDR[$NIC_VN]=10.70.3.1
	PADDR[$NIC_VN]=10.70.3.2
	nic_found || { echo "soak: error: no NIC with MAC $NIC_MAC" >&2; return 1; }
	for d in $(ip netns exec "$REM_NS" ls /sys/class/net); do
		[ "$(ip netns exec "$REM_NS" cat "/sys/class/net/$d/address")" = "$REM_MAC" ] &&
			REM=$d
	done
	[ -n "$REM" ] || { echo "soak: error: no remote NIC ($REM_MAC) in $REM_NS" >&2; return 1; }
	"$IP" -n "$REM_NS" addr add 10.70.3.2/24 dev "$REM" || return 1
	FAULT_KINDS+=(nic-link nic-rebind nic-plug)
	for d in nic-link nic-rebind nic-plug; do
		FAULT[$d]=0
		FAULT_FAIL[$d]=0
	done
	[ "$(compgen -G "/sys/class/net/$NIC/queues/rx-*" | wc -l)" -ge 2 ] ||
		echo "soak: warning: $NIC has one rx queue: no RSS spread" >&2
}

# (re)configure virtnet device V in the init netns: address, up
config_vn()
{
	local v=$1

	[ -z "${VMAC[$v]:-}" ] || [ "${VFILTER[$v]}" != mac ] ||
		"$IP" link set "$v" address "${VMAC[$v]}" || return 1
	"$IP" addr replace "${VADDR[$v]}/24" dev "$v" || return 1
	"$IP" link set "$v" up
}

make_vn()
{
	local v=$1 args=()

	if [ "$PATCHED" = 1 ]; then
		args=(type virtnet mode "${VMODE[$v]}" filter "${VFILTER[$v]}")
		[ "${VFILTER[$v]}" != mac ] || args=(address "${VMAC[$v]}" "${args[@]}")
	else
		args=(type virtnet)
	fi
	"$IP" link add link "${LOWER[$v]}" name "$v" "${args[@]}" || return 1
	config_vn "$v"
}

# PEER_INUM and MV_INUM are for the leak check at the end of guest.sh.
# shellcheck disable=SC2034
setup()
{
	local v n

	load_module || { echo "soak: error: cannot load virtnet (${VIRTNET_KO:+insmod $VIRTNET_KO}${VIRTNET_KO:-modprobe virtnet})" >&2; return 1; }
	modprobe pktgen 2>/dev/null
	[ -d /proc/net/pktgen ] || { echo "soak: error: no /proc/net/pktgen (CONFIG_NET_PKTGEN)" >&2; return 1; }
	"$IP" netns add "$PEER" || return 1
	"$IP" netns add "$MV" || return 1
	# Several devices in one netns, each on its own subnet: answer ARP only
	# on the device that has the address, no reverse-path drops.
	sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.default.arp_ignore=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 || return 1
	"$IP" -n "$PEER" link set lo up
	"$IP" -n "$MV" link set lo up
	if "$IP" link help virtnet 2>&1 | grep -q ptype; then
		PATCHED=1
		VNS=(sk-vn0 sk-vn1 sk-vn2)
		VMODE=([sk-vn0]=rxhandler [sk-vn1]=ptype [sk-vn2]=ptype)
		VFILTER=([sk-vn0]=all [sk-vn1]=mac [sk-vn2]=mac)
		"$IP" link add sk-br0 type bridge || return 1
		"$IP" link set sk-br0 up || return 1
	else
		VMODE=([sk-vn0]=rxhandler [sk-vn1]=rxhandler)
		VFILTER=([sk-vn0]=all [sk-vn1]=all)
	fi
	for n in 0 1; do
		make_pair "$n" || return 1
	done
	[ -z "${NETIF:-}" ] || nic_setup || return 1
	for v in "${VNS[@]}"; do
		make_vn "$v" || return 1
	done
	PEER_INUM=$(stat -L -c %i "/run/netns/$PEER")
	MV_INUM=$(stat -L -c %i "/run/netns/$MV")
	# pktgen's threads (one per CPU and netns) spin at full rate. At nice
	# 19 they still take every idle cycle, but the fault loop is not
	# starved: at nice 0, under TCG with KASAN, it got about one fault
	# a minute done.
	for p in $(pgrep -x 'kpktgend_[0-9]+'); do
		renice -n 19 -p "$p" >/dev/null
	done
}
