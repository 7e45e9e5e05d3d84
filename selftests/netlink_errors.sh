#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# virtnet's netlink errors: each refused "ip link add ... type virtnet" (or
# change) gets the driver's extack message and leaves nothing behind; the
# YNL spec's view of the attributes. Topology and environment:
# virtnet_topo.sh, virtnet_lib.sh.

# shellcheck source=virtnet_lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/virtnet_lib.sh"

# bad input: ip link add fails with the driver's extack message and leaves
# nothing behind.
#
# reject MESSAGE CMD...: CMD fails and prints MESSAGE.
reject()
{
	local msg=$1 out rc

	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		fail "accepted: $*"
		return
	fi
	if ! grep -qF -- "$msg" <<<"$out"; then
		fail "'$*' failed (exit $rc) without the message '$msg':"
		show <<<"$out"
		return 1
	fi
	log "rejected (exit $rc): $(head -n 1 <<<"$out")"
}

bad_setup()
{
	topo_lower
}

# After a refused creation: no device, and the lower is free.
bad_after()
{
	no_virtnet_in "$NS_A" || return
	dev_exists "$NS_A" vnet0 && { fail "vnet0 exists"; return; }
	lower_free "$NS_A" "$LW"
}

t_bad_nolink()
{
	bad_setup || return
	reject "lower device required" \
		ip -n "$NS_A" link add name vnet0 type virtnet || return
	bad_after
}

t_bad_missing()
{
	local idx

	bad_setup || return
	# ip itself refuses a name it cannot find ...
	reject "Cannot find device" \
		ip -n "$NS_A" link add link nosuchdev name vnet0 type virtnet ||
		return
	# ... but takes "ifN" as ifindex N: one that nothing in the namespace
	# has reaches the driver's own check.
	idx=$(ip -n "$NS_A" -o link show | awk -F: '$1 > n { n = $1 }
		END { print n + 100 }')
	reject "lower device not found" \
		ip -n "$NS_A" link add link "if$idx" name vnet0 type virtnet ||
		return
	bad_after
}

t_bad_loopback()
{
	bad_setup || return
	reject "must not be a loopback device" \
		ip -n "$NS_A" link add link lo name vnet0 type virtnet || return
	bad_after
}

t_bad_not_ether()
{
	local dev="" try

	bad_setup || return
	for try in "tuntap add dev ne0 mode tun" \
		   "link add ne0 type ipip local 10.9.9.1 remote 10.9.9.2" \
		   "link add ne0 type sit local 10.9.9.1 remote 10.9.9.2" \
		   "link add ne0 type gre local 10.9.9.1 remote 10.9.9.2"; do
		# shellcheck disable=SC2086 # $try is a list of words
		if ip -n "$NS_A" $try >/dev/null 2>&1; then
			dev=ne0
			log "non-Ethernet device: ip $try"
			break
		fi
	done
	[ -n "$dev" ] || {
		skip "cannot create a non-Ethernet device (CONFIG_TUN," \
			"CONFIG_NET_IPIP, CONFIG_IPV6_SIT" \
			"or CONFIG_NET_IPGRE)"
		return
	}
	reject "must be an Ethernet device" \
		ip -n "$NS_A" link add link "$dev" name vnet0 type virtnet ||
		return
	bad_after
}

t_bad_stacked()
{
	bad_setup || return
	vnet_add "$NS_A" "$LW" vnet0 rxhandler all || return
	reject "must not be a virtnet device" \
		ip -n "$NS_A" link add link vnet0 name vnet1 type virtnet ||
		return
	dev_exists "$NS_A" vnet1 && { fail "vnet1 exists"; return; }
	run ip -n "$NS_A" link del vnet0 || return
	bad_after
}

t_bad_bridge_port()
{
	local out

	bad_setup || return
	run ip -n "$NS_A" link add br0 type bridge &&
	run ip -n "$NS_A" link set "$LW" master br0 || return 1
	reject "use mode ptype" \
		ip -n "$NS_A" link add link "$LW" name vnet0 type virtnet ||
		return
	no_virtnet_in "$NS_A" || return
	out=$(ip -n "$NS_A" -j link show dev "$LW" | jq -r '.[0].master')
	expect_eq "$LW's master" "$out" br0 || return
	if have_attrs; then
		vnet_add "$NS_A" "$LW" vnet0 ptype all || return
		run ip -n "$NS_A" link del vnet0 || return
	fi
	run ip -n "$NS_A" link set "$LW" nomaster || return
	# A failed attempt left nothing: rxhandler works once the lower is free.
	vnet_add "$NS_A" "$LW" vnet0 rxhandler all || return
	run ip -n "$NS_A" link del vnet0 || return
	bad_after
}

t_bad_second()
{
	bad_setup || return
	vnet_add "$NS_A" "$LW" vnet0 rxhandler all || return
	reject "already has a virtnet in mode rxhandler" \
		ip -n "$NS_A" link add link "$LW" name vnet1 type virtnet ||
		return
	dev_exists "$NS_A" vnet1 && { fail "vnet1 exists"; return; }
	dev_exists "$NS_A" vnet0 || { fail "vnet0 went away"; return; }
	if have_attrs; then
		# A ptype device may share the lower.
		vnet_add "$NS_A" "$LW" vnet1 ptype mac || return
		run ip -n "$NS_A" link del vnet1 || return
	fi
	run ip -n "$NS_A" link del vnet0 || return
	bad_after
}

# $IP refuses an unknown keyword value: non-zero exit, an error printed,
# nothing created.
t_bad_attr_value()
{
	local what out rc msg

	need_attrs || return
	bad_setup || return
	for what in "mode bogus" "filter bogus"; do
		case $what in
		mode*) msg='mode must be "rxhandler" or "ptype"' ;;
		*) msg='filter must be "all" or "mac"' ;;
		esac
		# shellcheck disable=SC2086 # $what is two words
		out=$("$IP" -n "$NS_A" link add link "$LW" name vnet0 \
			type virtnet $what 2>&1)
		rc=$?
		[ "$rc" -ne 0 ] ||
			{ fail "accepted: type virtnet $what"; return; }
		grep -qF -- "$msg" <<<"$out" || {
			fail "type virtnet $what: exit $rc without '$msg':"
			show <<<"$out"
			return 1
		}
		log "rejected (exit $rc): $(head -n 1 <<<"$out")"
		bad_after || return
	done
}

# RTM_NEWLINK for "link LOWER name NAME type virtnet" with raw IFLA_VIRTNET
# values (-1: attribute left out), whatever ip accepts, once for each MODE
# FILTER pair, in one process (python starts slowly in a TCG guest). Prints
# a line per request: "MODE FILTER: created", or "MODE FILTER: Error: " the
# extack message and the errno, and " (NAME left behind)" if a refused
# request left a device named NAME.
PY_NEWLINK='
import os, socket, struct, sys

name, lower = sys.argv[1], sys.argv[2]

def attr(kind, data):
    length = 4 + len(data)
    return struct.pack("HH", length, kind) + data + bytes(-length % 4)

def newlink(mode, filt):
    data = b""
    if mode >= 0:
        data += attr(1, struct.pack("I", mode))     # IFLA_VIRTNET_MODE
    if filt >= 0:
        data += attr(2, struct.pack("I", filt))     # IFLA_VIRTNET_FILTER
    # IFLA_INFO_KIND, IFLA_INFO_DATA
    linkinfo = attr(1, b"virtnet\0") + attr(2, data)
    body = struct.pack("BBHiII", 0, 0, 0, 0, 0, 0)  # struct ifinfomsg
    body += attr(3, name.encode() + b"\0")          # IFLA_IFNAME
    index = socket.if_nametoindex(lower)
    body += attr(5, struct.pack("I", index))        # IFLA_LINK
    body += attr(18, linkinfo)                      # IFLA_LINKINFO
    # RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE
    flags = 0x1 | 0x4 | 0x200 | 0x400
    msg = struct.pack("IHHII", 16 + len(body), 16, flags, 1, 0)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                         socket.NETLINK_ROUTE)
    sock.setsockopt(270, 11, 1)                 # SOL_NETLINK, NETLINK_EXT_ACK
    sock.send(msg + body)
    resp = sock.recv(65536)
    sock.close()
    length, kind, flags = struct.unpack_from("IHH", resp)
    err = -struct.unpack_from("i", resp, 16)[0]
    if not err:
        return "created"
    off = 20 + (16 if flags & 0x100 else struct.unpack_from("I", resp, 20)[0])
    text = ""
    while flags & 0x200 and off + 4 <= length:  # NLM_F_ACK_TLVS
        alen, akind = struct.unpack_from("HH", resp, off)
        if alen < 4:
            break
        if akind == 1:                           # NLMSGERR_ATTR_MSG
            text = resp[off + 4:off + alen].rstrip(b"\0").decode()
        off += (alen + 3) & ~3
    out = "Error: %s (%s)" % (text, os.strerror(err))
    try:
        socket.if_nametoindex(name)
        out += " (%s left behind)" % name
    except OSError:
        pass
    return out

args = sys.argv[3:]
for mode, filt in zip(args[0::2], args[1::2]):
    print("%s %s: %s" % (mode, filt, newlink(int(mode), int(filt))))
'

# Out-of-range attribute values straight to the kernel: its policy refuses
# them with an extack message and creates nothing.
t_bad_range()
{
	local out line n=0

	need python3 || return
	bad_setup || return
	# Four refused requests, then one that the same path gets accepted.
	out=$(in_ns "$NS_A" python3 -S -c "$PY_NEWLINK" vnet0 "$LW" \
		2 -1 -1 2 4294967295 0 0 4294967295 1 1 2>&1)
	while IFS= read -r line; do
		n=$((n + 1))
		if [ "$n" -eq 5 ]; then
			expect_eq "raw request" "$line" "1 1: created" || return
		elif [[ "$line" != *"out of range"* ]] ||
		     [[ "$line" == *"left behind"* ]]; then
			fail "raw request not refused as out of range," \
				"or not cleanly: $line"
			return
		else
			log "rejected: $line"
		fi
	done <<<"$out"
	if [ "$n" -ne 5 ]; then
		fail "$n answers to 5 requests:"
		show <<<"$out"
		return 1
	fi
	dev_exists "$NS_A" vnet0 ||
		{ fail "vnet0 (mode 1 filter 1) missing"; return; }
	[ "$(mac_of "$NS_A" vnet0)" != "$(mac_of "$NS_A" "$LW")" ] || {
		fail "raw mode ptype filter mac:" \
			"vnet0 has the lower's address"
		return
	}
	run ip -n "$NS_A" link del vnet0 || return
	bad_after
}

t_bad_mtu()
{
	bad_setup || return
	reject "MTU exceeds the lower device's MTU" \
		ip -n "$NS_A" link add link "$LW" name vnet0 mtu 1501 \
		type virtnet || return
	bad_after
}

t_bad_address()
{
	bad_setup || return
	reject "filter all uses the lower device's address" \
		ip -n "$NS_A" link add link "$LW" name vnet0 \
		address 02:00:00:00:02:01 type virtnet || return
	bad_after || return
	reject "Invalid unicast hardware address" \
		ip -n "$NS_A" link add link "$LW" name vnet0 \
		address 01:00:5e:00:00:01 type virtnet || return
	bad_after
}

t_bad_change_mode()
{
	local out

	need_attrs || return
	bad_setup || return
	vnet_add "$NS_A" "$LW" vnet0 rxhandler all || return
	reject "mode cannot be changed after creation" \
		"$IP" -n "$NS_A" link set vnet0 type virtnet mode ptype ||
		return
	out=$("$IP" -n "$NS_A" -d link show dev vnet0)
	grep -Eq '\bmode rxhandler\b' <<<"$out" || {
		fail "vnet0 is no longer in mode rxhandler"
		show <<<"$out"
		return 1
	}
	# Setting the mode it has is no change.
	run "$IP" -n "$NS_A" link set vnet0 type virtnet mode rxhandler
}

t_bad_change_filter()
{
	local lmac

	need_attrs || return
	bad_setup || return
	vnet_add "$NS_A" "$LW" vnet0 rxhandler all || return
	run ip -n "$NS_A" link set vnet0 up || return
	reject "set the device down to change its filter" \
		"$IP" -n "$NS_A" link set vnet0 type virtnet filter mac ||
		return
	lmac=$(mac_of "$NS_A" "$LW")
	expect_eq "vnet0 address" "$(mac_of "$NS_A" vnet0)" "$lmac" || return
	run ip -n "$NS_A" link set vnet0 down &&
	run "$IP" -n "$NS_A" link set vnet0 type virtnet filter mac || return
	[ "$(mac_of "$NS_A" vnet0)" != "$lmac" ] ||
		fail "filter mac: vnet0 kept the lower's address"
}

# An ipvlan device refuses rx_handlers (IFF_NO_RX_HANDLER): the core, not
# virtnet's own checks, refuses mode rxhandler, after the device was
# registered and linked to its lower; that unwinding leaves nothing.
t_bad_no_rx_handler()
{
	bad_setup || return
	ip -n "$NS_A" link add link "$LW" name ipv0 type ipvlan mode l2 \
		>/dev/null 2>&1 || {
		skip "cannot create an ipvlan device (CONFIG_IPVLAN)"
		return
	}
	# Kernels before IFF_NO_RX_HANDLER (4.14 has none) give an ipvlan
	# device an rx_handler like any other: it can be a bridge port.
	if ip -n "$NS_A" link add nrx0 type bridge >/dev/null 2>&1; then
		if ip -n "$NS_A" link set ipv0 master nrx0 >/dev/null 2>&1; then
			ip -n "$NS_A" link del nrx0
			ip -n "$NS_A" link del ipv0
			skip "this kernel lets an ipvlan device have an" \
				"rx_handler (no IFF_NO_RX_HANDLER)"
			return
		fi
		ip -n "$NS_A" link del nrx0
	fi
	reject "cannot register an rx_handler on the lower device" \
		ip -n "$NS_A" link add link ipv0 name vnet0 type virtnet ||
		return
	no_virtnet_in "$NS_A" || return
	if have_attrs; then
		# Mode ptype needs no rx_handler.
		vnet_add "$NS_A" ipv0 vnet0 ptype mac || return
		run ip -n "$NS_A" link del vnet0 || return
	fi
	run ip -n "$NS_A" link del ipv0 || return
	bad_after
}

# The attributes as Documentation/netlink/specs/rt-link.yaml describes
# them: the kernel's YNL CLI creates a mode ptype, filter mac device and
# reads both back. Needs the kernel tree around this directory.
t_ynl()
{
	local top=$TEST_DIR/../../../../../.. cli spec idx req out

	cli=$top/tools/net/ynl/pyynl/cli.py
	spec=$top/Documentation/netlink/specs/rt-link.yaml
	if [ ! -r "$cli" ] || [ ! -r "$spec" ]; then
		skip "no YNL CLI and rt-link spec in the kernel tree around" \
			"this test (tools/net/ynl/pyynl/cli.py," \
			"Documentation/netlink/specs/rt-link.yaml)"
		return
	fi
	grep -q virtnet "$spec" || {
		skip "this tree's rt-link spec does not describe virtnet"
		return
	}
	python3 -c 'import yaml' 2>/dev/null || {
		skip "python3 with the yaml module is needed"
		return
	}
	bad_setup || return
	idx=$(sys_read "$NS_A" "class/net/$LW/ifindex") || return
	req='{"ifname": "vnet0", "link": '$idx', "linkinfo": {"kind":'
	req+=' "virtnet", "data": {"mode": "ptype", "filter": "mac"}}}'
	run in_ns "$NS_A" python3 "$cli" --no-schema --spec "$spec" \
		--do newlink --create --json "$req" || return
	out=$(in_ns "$NS_A" python3 "$cli" --no-schema --spec "$spec" \
		--do getlink --json '{"ifname": "vnet0"}' --output-json) || {
		fail "YNL getlink vnet0"
		return
	}
	expect_eq "linkinfo kind" \
		"$(jq -r '.linkinfo.kind' <<<"$out")" virtnet || return
	expect_eq "mode" "$(jq -r '.linkinfo.data.mode' <<<"$out")" ptype ||
		return
	expect_eq "filter" "$(jq -r '.linkinfo.data.filter' <<<"$out")" mac ||
		return
	expect_eq "link" "$(jq -r '.link' <<<"$out")" "$idx" || return
	run ip -n "$NS_A" link del vnet0 || return
	bad_after
}

all_cases()
{
	tcase "bad input: no lower" t_bad_nolink
	tcase "bad input: lower missing" t_bad_missing
	tcase "bad input: lower is loopback" t_bad_loopback
	tcase "bad input: lower not Ethernet" t_bad_not_ether
	tcase "bad input: lower is a virtnet" t_bad_stacked
	tcase "bad input: lower is a bridge port (mode rxhandler)" \
		t_bad_bridge_port
	tcase "bad input: second mode rxhandler device on a lower" t_bad_second
	tcase "bad input: unknown mode or filter" t_bad_attr_value
	tcase "bad input: out-of-range mode or filter (raw netlink)" \
		t_bad_range
	tcase "bad input: MTU above the lower's" t_bad_mtu
	tcase "bad input: address with filter all, multicast address" \
		t_bad_address
	tcase "bad input: mode changed after creation" t_bad_change_mode
	tcase "bad input: filter changed while up" t_bad_change_filter
	tcase "bad input: lower refuses rx_handlers (ipvlan)" \
		t_bad_no_rx_handler
	tcase "ynl: rt-link spec creates and reads mode ptype filter mac" t_ynl
}

virtnet_main "$@"
