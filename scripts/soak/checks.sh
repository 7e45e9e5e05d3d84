# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# soak/checks.sh - sourced by soak/guest.sh: the check helpers, the
# predicates they run, and the counters of faults, failed checks and
# frames that the summary prints.

# The predicates are called indirectly (check DESCRIPTION CMD...).
# shellcheck disable=SC2317

CHECKS=0
FAILS=0
declare -A FAULT=() FAULT_FAIL=() TOT=()
FAULT_KINDS=(flap recreate rmmod netns mtu lower-netns filter)
# shellcheck disable=SC2034 # guest.sh prints it in the summary
declare -A FAULT_NAME=(
	[flap]="carrier flap of the lower (peer down/up)"
	[mtu]="MTU change of the lower (1400, back)"
	[netns]="virtnet device to netns sk-mv and back"
	[filter]="filter change while down (all/mac)"
	[lower-netns]="lower to netns sk-mv and back"
	[recreate]="lower deleted and re-created"
	[rmmod]="rmmod virtnet + reload, devices up"
	[nic-link]="NIC carrier flap (QMP set_link off/on)"
	[nic-rebind]="NIC driver unbound and bound again"
	[nic-plug]="NIC hot-unplugged and plugged (QMP)"
)
for k in "${FAULT_KINDS[@]}"; do
	FAULT[$k]=0
	FAULT_FAIL[$k]=0
done
for k in vn_rx vn_tx vn_rxdrop vn_txdrop peer_rx peer_tx peer_rxdrop peer_txdrop \
	 nic_vn_rx nic_vn_tx nic_vn_rxdrop nic_vn_txdrop nic_q0 nic_q1; do
	TOT[$k]=0
done
CUR=setup

# check DESCRIPTION COMMAND...: run COMMAND; a failure is counted against
# the current fault and printed with what was expected.
check()
{
	local what=$1 out
	shift

	CHECKS=$((CHECKS + 1))
	if out=$("$@" 2>&1); then
		return 0
	fi
	FAILS=$((FAILS + 1))
	[ -z "${FAULT_FAIL[$CUR]+x}" ] || FAULT_FAIL[$CUR]=$((FAULT_FAIL[$CUR] + 1))
	echo "soak: FAIL [$CUR #${FAULT[$CUR]:-0}]: $what${out:+ ($(echo "$out" | tr '\n' ' ' | cut -c1-300))}" >&2
	return 1
}

# check_fails DESCRIPTION COMMAND...: COMMAND must fail.
check_fails()
{
	local what=$1
	shift

	check "$what" _not "$@"
}

_not()
{
	! "$@"
}

# wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s until it succeeds.
wait_for()
{
	local end=$((SECONDS + $1))
	shift

	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

exists() { [ -e "/sys/class/net/$1" ]; }
gone() { [ ! -e "/sys/class/net/$1" ]; }
exists_in() { "$IP" -n "$1" link show dev "$2" >/dev/null 2>&1; }
gone_in() { ! "$IP" -n "$1" link show dev "$2" >/dev/null 2>&1; }
carrier_is() { [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = "$2" ]; }
mtu_le() { [ "$(cat "/sys/class/net/$1/mtu")" -le "$2" ]; }
mtu_is() { [ "$(cat "/sys/class/net/$1/mtu")" = "$2" ]; }
mac_of() { cat "/sys/class/net/$1/address"; }
same_mac() { [ "$(mac_of "$1")" = "$(mac_of "$2")" ]; }
other_mac() { [ "$(mac_of "$1")" != "$(mac_of "$2")" ]; }
bank_vn() { bank "$([ "$1" = "$NIC_VN" ] && echo nic_vn || echo vn)" "$1"; }
no_virtnet_in() { [ -z "$("$IP" ${1:+-n "$1"} -o link show type virtnet 2>&1)" ]; }

# bank_queues: add the NIC's rx packets of queues 0 and 1 (ethtool -S) to
# the totals, before its driver goes (the counters start again at 0).
bank_queues()
{
	local q n k

	while read -r q n; do
		k=nic_q$q
		[ -z "${TOT[$k]+x}" ] || TOT[$k]=$((TOT[$k] + n))
	done < <(ethtool -S "$NIC" 2>/dev/null |
		sed -n 's/^ *rx_queue_\([0-9]*\)_packets: \([0-9]*\)/\1 \2/p')
}

# bank CLASS DEV [NETNS]: add DEV's counters to the totals (before DEV is
# destroyed; frames between this read and the deletion are not counted).
# The virtnet devices are CLASS "vn", "nic_vn" for the one on the NIC
# (bank_vn).
bank()
{
	local class=$1 dev=$2 ns=${3:-} s v
	local -A map=([rx_packets]=rx [tx_packets]=tx [rx_dropped]=rxdrop [tx_dropped]=txdrop)

	for s in "${!map[@]}"; do
		if [ -n "$ns" ]; then
			v=$(ip netns exec "$ns" cat "/sys/class/net/$dev/statistics/$s" 2>/dev/null)
		else
			v=$(cat "/sys/class/net/$dev/statistics/$s" 2>/dev/null)
		fi
		[ -n "$v" ] || continue
		TOT[${class}_${map[$s]}]=$((TOT[${class}_${map[$s]}] + v))
	done
}
