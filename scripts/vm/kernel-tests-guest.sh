#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm/kernel-tests-guest.sh - inside a guest of "scripts/vm/run --nics MODEL",
# run by scripts/vm/nic-env: the kernel's own drivers/net tests with vnet0
# as the device under test.
#
# usage: scripts/vm/kernel-tests-guest.sh [--ip IP] [--passes "P..."]
#                                         DIR TEST...
#   DIR       a tools/testing/selftests/drivers/net directory (with lib/py
#             and, two levels up, net/lib; ynl and its specs where the
#             kernel tree has them)
#   TEST      a test of DIR, e.g. ping.py, run as "python3 ./TEST" in DIR
#   --ip IP   an ip(8) that knows "type virtnet mode M filter F" (the
#             iproute2 series); without it vnet0 is created through the
#             tree's YNL library (rt-link.yaml has the virtnet attributes)
#   --passes  which vnet0 to test, in order (default "rxhandler-all"):
#             rxhandler-all (mode rxhandler filter all, vnet0 has the
#             lower's MAC) and ptype-mac (mode ptype filter mac, vnet0 has
#             a MAC of its own; the lower answers no ARP for vnet0's
#             address: arp_ignore=1)
#
# nic-env has given the lower NIC (NETIF) LOCAL_V4/LOCAL_V6 and put the
# remote NIC with REMOTE_V4/REMOTE_V6 in namespace REMOTE_ARGS. For each
# pass the addresses move from the lower to a new vnet0 on it, the tests
# run with NETIF=vnet0, and vnet0 is deleted. Output: "# kt-pass PASS
# DESCRIPTION", "# kt-setup-failed PASS REASON", "# kt-test TEST",
# the test's own KTAP output, "# kt-exit TEST STATUS".

set -u

PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
IPBIN=
PASSES=rxhandler-all
while [ $# -gt 0 ]; do
	case "$1" in
	--ip) IPBIN=$2; shift ;;
	--passes) PASSES=$2; shift ;;
	*) break ;;
	esac
	shift
done
[ $# -ge 2 ] || {
	sed -n '/^# usage:/,/^$/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
DIR=$1
shift
LOWER=${NETIF:?not run by scripts/vm/nic-env}
NS=$REMOTE_ARGS
KSRC=$(cd "$DIR/../../../../.." && pwd)
YNL=$KSRC/tools/net/ynl/pyynl/cli.py
SPEC=$KSRC/Documentation/netlink/specs/rt-link.yaml
export PYTHONDONTWRITEBYTECODE=1 NO_COLOR=1

modprobe virtnet || { echo "# kt-setup-failed all modprobe virtnet failed"; exit 1; }
# netpoll_basic.py wants the netconsole configfs (CONFIG_NETCONSOLE_DYNAMIC)
# mounted, as a distribution mounts it.
mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config

ynl()
{
	"$PY" "$YNL" --spec "$SPEC" --no-schema "$@"
}

# mkdev MODE FILTER: vnet0 on the lower
mkdev()
{
	local mode=$1 filter=$2 idx

	if [ -n "$IPBIN" ]; then
		"$IPBIN" link add link "$LOWER" name vnet0 type virtnet \
			mode "$mode" filter "$filter"
		return
	fi
	idx=$(cat "/sys/class/net/$LOWER/ifindex")
	ynl --do newlink --create --excl --json \
		"{\"ifname\": \"vnet0\", \"link\": $idx, \"linkinfo\":
		  {\"kind\": \"virtnet\",
		   \"data\": {\"mode\": \"$mode\", \"filter\": \"$filter\"}}}" \
		>/dev/null
}

# vnet0_mode: "mode M filter F" as the kernel reports it (fill_info)
vnet0_mode()
{
	ynl --do getlink --json '{"ifname": "vnet0"}' --output-json 2>/dev/null |
		"$PY" -c 'import json, sys
d = json.load(sys.stdin)["linkinfo"].get("data", {})
print("mode", d.get("mode"), "filter", d.get("filter"))'
}

# setup PASS: vnet0 holds LOCAL_V4/V6 and reaches the remote end
setup()
{
	local mode=${1%-*} filter=${1#*-}

	ip addr flush dev "$LOWER" || return 1
	if [ "$filter" = mac ]; then
		# The lower stays up without an address; it must not answer
		# ARP for vnet0's address with its own MAC (arp_ignore=0
		# answers for any local address on any device).
		sysctl -qw "net.ipv4.conf.$LOWER.arp_ignore=1" || return 1
	fi
	mkdev "$mode" "$filter" || return 1
	ip addr add "$LOCAL_V4/24" dev vnet0 &&
		ip addr add "$LOCAL_V6/64" dev vnet0 nodad &&
		ip link set vnet0 up || return 1
	ip neigh flush dev "$LOWER"
	ip -n "$NS" neigh flush all
	for _ in $(seq 50); do
		ping -c 1 -W 1 "$REMOTE_V4" >/dev/null 2>&1 &&
			ping -6 -c 1 -W 1 "$REMOTE_V6" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	echo "vnet0 does not reach $REMOTE_V4 and $REMOTE_V6" >&2
	return 1
}

teardown()
{
	ip link del vnet0 2>/dev/null
	sysctl -qw "net.ipv4.conf.$LOWER.arp_ignore=0"
	ip -n "$NS" neigh flush all
}

rc=0
for pass in $PASSES; do
	case "$pass" in
	rxhandler-all|ptype-mac) ;;
	*) echo "# kt-setup-failed $pass unknown pass"; rc=1; continue ;;
	esac
	echo "# kt-pass $pass ${pass%-*} ${pass#*-} on $LOWER" \
		"($(basename "$(readlink -f "/sys/class/net/$LOWER/device/driver")"))"
	if ! err=$(setup "$pass" 2>&1); then
		echo "# kt-setup-failed $pass $(echo "$err" | tr '\n' ' ')"
		teardown
		rc=1
		continue
	fi
	echo "# kt: vnet0 $(vnet0_mode), mac $(cat /sys/class/net/vnet0/address)," \
		"lower mac $(cat "/sys/class/net/$LOWER/address")"
	for t in "$@"; do
		echo "# kt-test $t"
		(cd "$DIR" && NETIF=vnet0 timeout -k 10 360 "$PY" "./$t" 2>&1)
		s=$?
		echo "# kt-exit $t $s"
	done
	ip -s link show vnet0 | sed 's/^/# kt: /'
	teardown
done
exit $rc
