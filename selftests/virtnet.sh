#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Functional tests of the virtnet driver: a virtual Ethernet device stacked
# on a lower device, "ip link add link LOWER name vnet0 type virtnet
# [mode rxhandler|ptype] [filter all|mac]".
#
# A veth pair stands in for the real NIC. Each case builds its own network
# namespaces (random names) and removes them when it ends:
#
#   NS_V                NS_A                     NS_B
#   vnet0 --stacked on--> lw0 <====== veth ======> pr0
#   10.0.1.1/24         10.0.2.1/24 (some cases)  10.0.1.2/24 10.0.2.2/24
#   fd00:1::1/64                                  fd00:1::2/64
#
# vnet0 usually lives in a namespace of its own, as a container's interface
# would, so that the lower's stack and vnet0's stack never answer for each
# other; some cases keep it next to its lower.
#
# Stock iproute2 creates the default device (mode rxhandler, filter all).
# The mode and filter keywords need a patched ip: set IP=/path/to/ip. Cases
# that need them are skipped when "$IP link help virtnet" does not
# mention them.
#
# Environment:
#   IP              ip binary for the mode/filter cases (default: ip)
#   VIRTNET_TESTS   extended regex: run only the cases whose name matches
#   VIRTNET_ITER    iterations of the create/delete case (default: 200)
#   VIRTNET_KO      load the driver with "insmod VIRTNET_KO" rather than
#                   "modprobe virtnet" (a build tree without modules_install)
#
# Exit status: 0 all passed, 1 a case failed, 4 everything skipped.

set -u

ksft_skip=4

IP=${IP:-ip}
VIRTNET_TESTS=${VIRTNET_TESTS:-}
VIRTNET_ITER=${VIRTNET_ITER:-200}
VIRTNET_KO=${VIRTNET_KO:-}

TEST_DIR=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")

##############################################################################
# TAP output: the kselftest helpers when this runs in a kernel tree or an
# installed kselftest directory, else a minimal printer of the same shape.

KTAP_HELPERS=""
for f in "$TEST_DIR/../../../kselftest/ktap_helpers.sh" \
	 "$TEST_DIR/ktap_helpers.sh"; do
	if [ -r "$f" ]; then
		KTAP_HELPERS=$f
		break
	fi
done

if [ -n "$KTAP_HELPERS" ]; then
	# shellcheck source=/dev/null
	. "$KTAP_HELPERS"
else
	KTAP_TESTNO=1
	KTAP_CNT_PASS=0
	KTAP_CNT_FAIL=0
	KTAP_CNT_SKIP=0
	KTAP_CNT_XFAIL=0

	ktap_print_header() { echo "TAP version 13"; }
	ktap_print_msg() { echo "# $*"; }
	ktap_set_plan() { echo "1..$1"; }
	ktap_skip_all() { echo "1..0 # SKIP $*"; }
	__ktap_test() {
		echo "$1 $KTAP_TESTNO $2${3:+ # $3}"
		KTAP_TESTNO=$((KTAP_TESTNO + 1))
	}
	ktap_test_pass() {
		__ktap_test ok "$1"
		KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1))
	}
	ktap_test_skip() {
		__ktap_test ok "$1" SKIP
		KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
	}
	ktap_test_fail() {
		__ktap_test "not ok" "$1"
		KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
	}
	ktap_print_totals() {
		echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL" \
			"xfail:$KTAP_CNT_XFAIL xpass:0 skip:$KTAP_CNT_SKIP" \
			"error:0"
	}
fi

##############################################################################
# Helpers

TMPD=""
NS_LIST=()
NS_SEQ=0
SYS_MOUNTS=()
BG_PIDS=()
CAP_PID=""
NAP_FD=""

log()
{
	printf '# %s\n' "$*"
}

# Print a reason and return 1, for "check || { fail ...; return; }".
fail()
{
	log "FAIL: $*"
	return 1
}

skip()
{
	log "SKIP: $*"
	return "$ksft_skip"
}

# Indent command output into TAP diagnostics.
show()
{
	sed 's/^/#   /'
}

# Run a command; on failure show it, its exit status and its output.
run()
{
	local out rc

	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ]; then
		log "command failed (exit $rc): $*"
		[ -n "$out" ] && printf '%s\n' "$out" | show
	fi
	return "$rc"
}

# The plumbing (namespaces, veth, addresses, other devices) runs $IP as
# well: a build of ip with few shared libraries starts in half the time of
# a distribution's, which counts where every exec is slow (a TCG guest).
# "command ip" is the stock ip, for what the stock ip has to do.
ip()
{
	command "$IP" "$@"
}

in_ns()
{
	local ns=$1

	shift
	ip netns exec "$ns" "$@"
}

# nap SECONDS: sleep without starting a process (a read that times out on
# a pipe nobody writes to): every exec counts in a slow (TCG) guest.
nap()
{
	if [ -n "$NAP_FD" ]; then
		read -r -t "$1" -u "$NAP_FD"
		return 0
	fi
	sleep "$1"
}

# wait_for SECONDS CMD...: poll CMD until it succeeds, for SECONDS at most.
wait_for()
{
	local deadline=$((SECONDS + $1))

	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -le "$deadline" ] || return 1
		nap 0.05
	done
}

# The sysctls of every namespace, "/proc/sys/net" path and value. No DAD
# and no router solicitations: addresses are usable at once and the links
# carry only the test's own traffic. arp_ignore keeps a device from
# answering for another device's address.
NS_SYSCTLS="ipv6/conf/all/accept_dad 0
ipv6/conf/default/accept_dad 0
ipv6/conf/all/router_solicitations 0
ipv6/conf/default/router_solicitations 0
ipv4/conf/all/rp_filter 0
ipv4/conf/default/rp_filter 0
ipv4/conf/all/arp_ignore 1"

# sh -c script run in a new namespace through nsenter (network namespace
# only): loopback up ($3 is ip), the sysctls ($2), and the namespace's
# sysfs mounted on directory $1 in this script's mount namespace, so that
# sys_read reads the namespace's devices without a process entering it.
# shellcheck disable=SC2016 # expanded by sh -c
NS_INIT='
"$3" link set lo up || exit 1
printf "%s\n" "$2" | while read -r f v; do
	echo "$v" >"/proc/sys/net/$f"
done 2>/dev/null
[ -z "$1" ] || mount -t sysfs none "$1"
'

# Mount points for the namespaces' sysfs, made once (mkdir is one more
# exec), reused by every case; a case's namespaces beyond those go without.
SYS_SLOTS=6
declare -A SYS_DIR=()

# ns_new VAR PREFIX: create a namespace, store its name in VAR.
ns_new()
{
	local name="vn-$2-$$-$((++NS_SEQ))-$RANDOM"
	local dir=$TMPD/sys/${#SYS_MOUNTS[@]}

	run ip netns add "$name" || return 1
	NS_LIST+=("$name")
	printf -v "$1" '%s' "$name"
	if [ -d "$dir" ] &&
	   nsenter "--net=/var/run/netns/$name" sh -c "$NS_INIT" - "$dir" \
		"$NS_SYSCTLS" "$IP" >/dev/null 2>&1; then
		SYS_MOUNTS+=("$dir")
		SYS_DIR[$name]=$dir
		return 0
	fi
	# No nsenter or no slot: the same through "ip netns exec", and
	# sys_read through it too.
	in_ns "$name" sh -c "$NS_INIT" - "" "$NS_SYSCTLS" "$IP" \
		>/dev/null 2>&1
	return 0
}

# sys_read NS PATH: the first line of /sys/PATH as NS sees it.
sys_read()
{
	local dir=${SYS_DIR[$1]:-} v

	if [ -n "$dir" ]; then
		read -r v <"$dir/$2" || return 1
		printf '%s\n' "$v"
	else
		in_ns "$1" cat "/sys/$2"
	fi
}

# sys_exists NS PATH: /sys/PATH exists in NS (PATH may be a glob).
sys_exists()
{
	local dir=${SYS_DIR[$1]:-}

	if [ -n "$dir" ]; then
		compgen -G "$dir/$2" >/dev/null
	else
		# shellcheck disable=SC2016 # expanded by the inner shell
		in_ns "$1" sh -c \
			'for f in /sys/$1; do [ -e "$f" ]; exit; done' - "$2"
	fi
}

# listening PID PORT: a TCP socket listens on PORT in the network
# namespace of process PID (read from /proc/PID/net, without a process).
listening()
{
	local f port laddr st

	printf -v port '%04X' "$2"
	for f in "/proc/$1/net/tcp" "/proc/$1/net/tcp6"; do
		[ -r "$f" ] || continue
		while read -r _ laddr _ st _; do
			[ "$st" = 0A ] && [ "${laddr##*:}" = "$port" ] &&
				return 0
		done <"$f"
	done
	return 1
}

# rx_from NS DEV N: DEV in NS has received N packets or more.
rx_from()
{
	[ "$(cnt "$1" "$2" rx_packets)" -ge "$3" ]
}

# has_text FILE TEXT: a line of FILE contains TEXT.
has_text()
{
	local line

	while IFS= read -r line; do
		[[ "$line" == *"$2"* ]] && return 0
	done <"$1"
	return 1
}

# Turn IPv6 off for the devices created or moved into NS from now on.
ns_no_ipv6()
{
	in_ns "$1" sysctl -q -e -w net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
}

# bg_ns NS CMD...: run CMD in NS in the background. "ip netns exec" execs
# CMD, so $! is CMD itself and a signal to it reaches CMD (the ip
# function would put a shell in between).
bg_ns()
{
	local ns=$1

	shift
	"$IP" netns exec "$ns" "$@" >/dev/null 2>&1 &
	BG_PIDS+=("$!")
}

# stop PID: SIGTERM, then SIGKILL if it has not gone after 5 s.
stop()
{
	kill "$1" 2>/dev/null || return 0
	wait_for 5 eval "! kill -0 $1" || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

bg_stop_all()
{
	local pid

	for pid in "${BG_PIDS[@]}"; do
		stop "$pid"
	done
	BG_PIDS=()
}

case_cleanup()
{
	local pids

	bg_stop_all
	[ "${#SYS_MOUNTS[@]}" -eq 0 ] || umount -l "${SYS_MOUNTS[@]}"
	SYS_MOUNTS=()
	SYS_DIR=()
	[ "${#NS_LIST[@]}" -gt 0 ] || return 0
	# One ip for all the namespaces: what still runs there, then the
	# namespaces themselves.
	pids=$(printf 'netns pids %s\n' "${NS_LIST[@]}" |
		ip -force -batch - 2>/dev/null)
	# shellcheck disable=SC2086 # a list of pids
	[ -z "$pids" ] || kill $pids 2>/dev/null
	printf 'netns del %s\n' "${NS_LIST[@]}" |
		ip -force -batch - >/dev/null 2>&1
	NS_LIST=()
}

cleanup()
{
	case_cleanup
	[ -n "$TMPD" ] && rm -rf --one-file-system "$TMPD"
}

# cnt NS DEV COUNTER: a counter of DEV, as "ip -s link" reports it.
cnt()
{
	sys_read "$1" "class/net/$2/statistics/$3" 2>/dev/null || echo 0
}

mac_of()
{
	sys_read "$1" "class/net/$2/address"
}

mtu_of()
{
	sys_read "$1" "class/net/$2/mtu"
}

# operstate_is NS DEV REGEX: REGEX in upper case, as "ip link" shows it.
operstate_is()
{
	local state

	state=$(sys_read "$1" "class/net/$2/operstate" 2>/dev/null)
	[[ "${state^^}" =~ ^($3)$ ]]
}

wait_oper()
{
	wait_for 20 operstate_is "$@" && return 0
	fail "$2 in $1: operstate" \
		"$(sys_read "$1" "class/net/$2/operstate" 2>&1)," \
		"expected $3"
}

dev_exists()
{
	ip -n "$1" link show dev "$2" >/dev/null 2>&1
}

# No virtnet device is left in NS.
no_virtnet_in()
{
	local left

	left=$(ip -n "$1" -o link show type virtnet 2>&1)
	[ -z "$left" ] && return 0
	fail "virtnet device left behind in $1: $left"
}

# The lower has no rx_handler left: a bridge can take it as a port.
lower_free()
{
	local ns=$1 lower=$2

	ip -n "$ns" link add vnchk0 type bridge 2>/dev/null || return 0
	if ! run ip -n "$ns" link set "$lower" master vnchk0; then
		ip -n "$ns" link del vnchk0
		fail "$lower cannot become a bridge port:" \
			"an rx_handler was left on it"
		return
	fi
	ip -n "$ns" link set "$lower" nomaster
	ip -n "$ns" link del vnchk0
}

# ping_ok NS ADDR COUNT [PING OPTIONS]: every request answered exactly once.
ping_ok()
{
	local ns=$1 addr=$2 n=$3 out rcv

	shift 3
	out=$(in_ns "$ns" ping -n -c "$n" -i 0.02 -W 2 "$@" "$addr" 2>&1)
	rcv=0
	[[ "$out" =~ \ ([0-9]+)\ received ]] && rcv=${BASH_REMATCH[1]}
	if [ "$rcv" -ne "$n" ] || [[ "$out" == *duplicates* ]]; then
		fail "ping $* $addr from $ns:" \
			"expected $n replies and no duplicates"
		tail -n 3 <<<"$out" | show
		return 1
	fi
}

# ping_none NS ADDR COUNT [PING OPTIONS]: no reply at all.
ping_none()
{
	local ns=$1 addr=$2 n=$3 out rcv

	shift 3
	out=$(in_ns "$ns" ping -n -c "$n" -i 0.02 -W 1 "$@" "$addr" 2>&1)
	rcv=0
	[[ "$out" =~ \ ([0-9]+)\ received ]] && rcv=${BASH_REMATCH[1]}
	if [ "$rcv" -ne 0 ]; then
		fail "ping $* $addr from $ns: expected no reply"
		tail -n 3 <<<"$out" | show
		return 1
	fi
}

# expect_eq WHAT GOT WANT
expect_eq()
{
	[ "$2" = "$3" ] && return 0
	fail "$1: got '$2', expected '$3'"
}

# expect_ge WHAT GOT MIN
expect_ge()
{
	[ "$2" -ge "$3" ] && return 0
	fail "$1: got $2, expected at least $3"
}

need()
{
	local tool

	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || {
			skip "$tool not installed"
			return
		}
	done
}

load_module()
{
	if [ -n "$VIRTNET_KO" ]; then
		insmod "$VIRTNET_KO"
	else
		modprobe virtnet
	fi
}

# Does $IP know the mode and filter keywords of virtnet?
HAVE_ATTRS=""
have_attrs()
{
	if [ -z "$HAVE_ATTRS" ]; then
		HAVE_ATTRS=no
		if "$IP" link help virtnet 2>&1 | grep -q ptype; then
			HAVE_ATTRS=yes
		fi
	fi
	[ "$HAVE_ATTRS" = yes ]
}

need_attrs()
{
	have_attrs && return 0
	skip "'$IP' does not know 'type virtnet mode ... filter ...'" \
		"(set IP= to a patched ip)"
}

# vnet_add NS LOWER NAME MODE FILTER [ip link add options]: the default
# device through the stock ip, anything else through $IP.
vnet_add()
{
	local ns=$1 lower=$2 name=$3 mode=$4 filter=$5

	shift 5
	if [ "$mode" = rxhandler ] && [ "$filter" = all ]; then
		run command ip -n "$ns" link add link "$lower" name "$name" \
			"$@" type virtnet
		return
	fi
	need_attrs || return
	run "$IP" -n "$ns" link add link "$lower" name "$name" "$@" \
		type virtnet mode "$mode" filter "$filter"
}

##############################################################################
# Topology

NS_A=""
NS_B=""
NS_V=""

# veth_pair NS_LOCAL LOCAL NS_PEER PEER
veth_pair()
{
	run ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" &&
	run ip -n "$1" link set "$2" up &&
	run ip -n "$3" link set "$4" up
}

# topo MODE FILTER [noipv6]: the picture at the top, vnet0 up in NS_V.
topo()
{
	local mode=$1 filter=$2 opt=${3:-}

	ns_new NS_A a && ns_new NS_B b && ns_new NS_V v || return 1
	if [ "$opt" = noipv6 ]; then
		ns_no_ipv6 "$NS_A"
		ns_no_ipv6 "$NS_B"
		ns_no_ipv6 "$NS_V"
	fi
	veth_pair "$NS_A" lw0 "$NS_B" pr0 || return 1
	vnet_add "$NS_A" lw0 vnet0 "$mode" "$filter" netns "$NS_V" || return
	run ip -n "$NS_B" addr add 10.0.1.2/24 dev pr0 &&
	run ip -n "$NS_B" addr add 10.0.2.2/24 dev pr0 &&
	run ip -n "$NS_V" addr add 10.0.1.1/24 dev vnet0 || return 1
	if [ "$opt" != noipv6 ]; then
		run ip -n "$NS_B" addr add fd00:1::2/64 dev pr0 nodad &&
		run ip -n "$NS_V" addr add fd00:1::1/64 dev vnet0 nodad ||
			return 1
	fi
	run ip -n "$NS_V" link set vnet0 up || return 1
	wait_oper "$NS_V" vnet0 UP
}

# Give the lower an address of its own, in another subnet.
lower_addr()
{
	run ip -n "$NS_A" addr add 10.0.2.1/24 dev lw0
}

##############################################################################
# Packet capture

# cap_start NS DEV FILE [FILTER]: capture received frames of DEV into FILE.
cap_start()
{
	local ns=$1 dev=$2 file=$3

	shift 3
	rm -f "$file" "$file.err"
	# --immediate-mode: without it the frames of the last second can
	# still be in the kernel's ring when tcpdump is stopped.
	"$IP" netns exec "$ns" tcpdump -i "$dev" -nn -U --immediate-mode \
		-s 128 -Q in -w "$file" "$@" 2>"$file.err" &
	CAP_PID=$!
	BG_PIDS+=("$CAP_PID")
	wait_for 30 has_text "$file.err" "listening on" && return 0
	fail "tcpdump did not start on $dev in $ns"
	show <"$file.err"
	return 1
}

cap_stop()
{
	nap 0.3
	stop "$CAP_PID"
	CAP_PID=""
}

# cap_count FILE [FILTER]: frames in FILE that match FILTER.
cap_count()
{
	local file=$1

	shift
	tcpdump -nn -r "$file" "$@" 2>/dev/null | wc -l
}

##############################################################################
# Kernel log: any warning during a case fails it.

KMSG=no
SPLAT_RE='WARNING:|BUG:|Oops|KASAN|UBSAN|general protection|refcount_t:'
SPLAT_RE+='|unregister_netdevice: waiting|possible circular locking'
SPLAT_RE+='|possible recursive locking|INFO: task .* blocked'
SPLAT_RE+='|rcu_.* detected stall|kmemleak'
KMSG_MARK=""

kmsg_mark()
{
	[ "$KMSG" = yes ] || return 0
	KMSG_MARK="virtnet.sh: case $1 $$-$RANDOM"
	echo "<7>$KMSG_MARK" >/dev/kmsg
}

kmsg_check()
{
	local splat

	[ "$KMSG" = yes ] || return 0
	splat=$(dmesg | awk -v m="$KMSG_MARK" -v re="$SPLAT_RE" \
		'f && $0 ~ re; index($0, m) { f = 1 }')
	[ -z "$splat" ] && return 0
	fail "kernel warning during this case (see dmesg):"
	head -n 20 <<<"$splat" | show
	return 1
}

##############################################################################
# Cases. Each returns 0 (pass), 1 (fail) or $ksft_skip.

# The default device: kind, lower, address, MTU, adjacency, iflink.
t_create_default()
{
	local out lmac lidx

	ns_new NS_A a && ns_new NS_B b || return 1
	veth_pair "$NS_A" lw0 "$NS_B" pr0 || return 1
	run ip -n "$NS_A" link set lw0 mtu 1400 || return 1
	vnet_add "$NS_A" lw0 vnet0 rxhandler all || return 1

	out=$(ip -n "$NS_A" -j -d link show dev vnet0)
	expect_eq "kind" "$(jq -r '.[0].linkinfo.info_kind' <<<"$out")" \
		virtnet || return
	expect_eq "lower" "$(jq -r '.[0].link' <<<"$out")" lw0 || return
	lmac=$(mac_of "$NS_A" lw0)
	expect_eq "vnet0 address (filter all takes the lower's)" \
		"$(mac_of "$NS_A" vnet0)" "$lmac" || return
	expect_eq "vnet0 MTU (the lower's)" "$(mtu_of "$NS_A" vnet0)" 1400 ||
		return
	lidx=$(sys_read "$NS_A" class/net/lw0/ifindex)
	expect_eq "vnet0 iflink" \
		"$(sys_read "$NS_A" class/net/vnet0/iflink)" "$lidx" ||
		return
	sys_exists "$NS_A" class/net/lw0/upper_vnet0 ||
		{ fail "no upper_vnet0 link in lw0's sysfs directory"; return; }
	sys_exists "$NS_A" class/net/vnet0/lower_lw0 ||
		{ fail "no lower_lw0 link in vnet0's sysfs directory"; return; }
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
	run ip -n "$NS_A" link set lw0 address 02:00:00:00:01:02 || return
	expect_eq "vnet0 address after the lower's changed" \
		"$(mac_of "$NS_A" vnet0)" 02:00:00:00:01:02
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
		[ "$(mac_of "$NS_V" vnet0)" != "$(mac_of "$NS_A" lw0)" ] ||
			fail "filter mac: vnet0 has the lower's address"
	else
		expect_eq "filter all: vnet0 address" \
			"$(mac_of "$NS_V" vnet0)" "$(mac_of "$NS_A" lw0)"
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

# The counters of vnet0, lw0 and pr0, one "DEV.COUNTER VALUE" a line.
snapshot()
{
	local ns_dev ns dev c

	for ns_dev in "$NS_V:vnet0" "$NS_A:lw0" "$NS_B:pr0"; do
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
# links carry only the pings.
t_counters()
{
	local mode=$1 filter=$2 n=20 size=100 len dev c v
	local -A before=() after=()

	topo "$mode" "$filter" noipv6 || return
	run ip -n "$NS_V" neigh replace 10.0.1.2 dev vnet0 nud permanent \
		lladdr "$(mac_of "$NS_B" pr0)" &&
	run ip -n "$NS_B" neigh replace 10.0.1.1 dev pr0 nud permanent \
		lladdr "$(mac_of "$NS_V" vnet0)" || return
	len=$((size + 8 + 20 + 14))
	nap 0.5

	while read -r c v; do before[$c]=$v; done < <(snapshot)
	ping_ok "$NS_B" 10.0.1.1 "$n" -s "$size" || return
	ping_ok "$NS_V" 10.0.1.2 "$n" -s "$size" || return
	while read -r c v; do after[$c]=$v; done < <(snapshot)

	# Each direction: n requests and n replies.
	for dev in vnet0 lw0 pr0; do
		for c in rx_packets tx_packets; do
			expect_eq "$dev $c delta" \
				$((${after[$dev.$c]} - ${before[$dev.$c]})) \
				$((2 * n)) || return
		done
		for c in rx_bytes tx_bytes; do
			expect_eq "$dev $c delta" \
				$((${after[$dev.$c]} - ${before[$dev.$c]})) \
				$((2 * n * len)) || return
		done
	done
	for c in rx_dropped tx_dropped; do
		v=$((${after[vnet0.$c]} - ${before[vnet0.$c]}))
		expect_eq "vnet0 $c delta" "$v" 0 || return
	done
	log "vnet0, lw0, pr0: $((2 * n)) packets," \
		"$((2 * n * len)) bytes each way"
	ip -n "$NS_V" -s link show dev vnet0 | show
}

# A TCP bulk transfer: "recv ADDR PORT" accepts one connection and reads
# it to the end; "send ADDR PORT BYTES" connects and sends BYTES bytes.
# Each prints the byte count and the MD5 of the data it saw.
PY_BULK='
import hashlib, os, socket, sys

role, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
h = hashlib.md5()
n = 0
if role == "recv":
    srv = socket.socket(fam, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    srv.settimeout(60)
    conn, _ = srv.accept()
    conn.settimeout(60)
    while True:
        buf = conn.recv(1 << 16)
        if not buf:
            break
        n += len(buf)
        h.update(buf)
else:
    total = int(sys.argv[4])
    block = os.urandom(1 << 16)
    conn = socket.create_connection((addr, port), timeout=60)
    while n < total:
        buf = block[:min(len(block), total - n)]
        conn.sendall(buf)
        n += len(buf)
        h.update(buf)
    conn.shutdown(socket.SHUT_WR)
    conn.recv(1)
conn.close()
print(n, h.hexdigest())
'

# bulk RECV_NS RECV_ADDR SEND_NS BYTES: one transfer, checked end to end.
bulk()
{
	local rns=$1 raddr=$2 sns=$3 bytes=$4 rfile=$TMPD/bulk.recv sent got pid

	"$IP" netns exec "$rns" python3 -S -c "$PY_BULK" recv "$raddr" 5201 \
		>"$rfile" 2>&1 &
	pid=$!
	BG_PIDS+=("$pid")
	if ! wait_for 30 listening "$pid" 5201; then
		fail "the receiver did not start listening in $rns"
		return
	fi
	sent=$(in_ns "$sns" timeout 120 python3 -S -c "$PY_BULK" send "$raddr" \
		5201 "$bytes" 2>&1)
	wait_for 20 eval "! kill -0 $pid"
	stop "$pid"
	got=$(cat "$rfile")
	if [ "$sent" != "$got" ] || [ "${sent%% *}" != "$bytes" ]; then
		fail "TCP to $raddr: sent '$sent', received '$got' (bytes md5)"
		return
	fi
	log "TCP to $raddr: $bytes bytes sent and received, md5 ${got#* }"
}

# TCP bulk transfers both ways with offloads on: bytes received equal bytes
# sent, and vnet0 carries GSO packets rather than segmenting them early.
t_tcp_bulk()
{
	local mode=$1 filter=$2 bytes=$((4 * 1024 * 1024))
	local feat f rxb rxp txb txp

	need python3 ethtool || return
	topo "$mode" "$filter" || return
	feat=$(in_ns "$NS_V" ethtool -k vnet0)
	for f in tcp-segmentation-offload generic-segmentation-offload \
		 tx-checksumming scatter-gather; do
		if ! grep -q "^$f: on" <<<"$feat"; then
			fail "vnet0: $f is not on"
			grep "^$f" <<<"$feat" | show
			return 1
		fi
	done
	rxb=$(cnt "$NS_V" vnet0 rx_bytes)
	rxp=$(cnt "$NS_V" vnet0 rx_packets)
	txb=$(cnt "$NS_V" vnet0 tx_bytes)
	txp=$(cnt "$NS_V" vnet0 tx_packets)
	bulk "$NS_V" 10.0.1.1 "$NS_B" "$bytes" || return
	bulk "$NS_B" 10.0.1.2 "$NS_V" "$bytes" || return
	rxb=$(($(cnt "$NS_V" vnet0 rx_bytes) - rxb))
	rxp=$(($(cnt "$NS_V" vnet0 rx_packets) - rxp))
	txb=$(($(cnt "$NS_V" vnet0 tx_bytes) - txb))
	txp=$(($(cnt "$NS_V" vnet0 tx_packets) - txp))
	log "vnet0 rx $rxb bytes in $rxp packets, tx $txb bytes in $txp packets"
	expect_ge "vnet0 rx_bytes" "$rxb" "$bytes" || return
	expect_ge "vnet0 tx_bytes" "$txb" "$bytes" || return
	# Segmented before vnet0, the average would be at most 1514 bytes.
	expect_ge "vnet0 tx bytes per packet (GSO through vnet0)" \
		$((txb / txp)) 1515
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
	lmac=$(mac_of "$NS_A" lw0)
	run ip -n "$NS_B" neigh replace 10.0.1.99 dev pr0 nud permanent \
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

# Mode ptype, filter mac, lower enslaved to a bridge br0 with a second port
# lw1 towards NS_C: the bridge still forwards between the wire and NS_C,
# vnet0 gets each of its frames exactly once.
topo_bridge()
{
	ns_new NS_A a && ns_new NS_B b && ns_new NS_V v && ns_new NS_C c ||
		return 1
	veth_pair "$NS_A" lw0 "$NS_B" pr0 &&
	veth_pair "$NS_A" lw1 "$NS_C" pc0 &&
	run ip -n "$NS_A" link add br0 type bridge &&
	run ip -n "$NS_A" link set br0 up &&
	run ip -n "$NS_A" link set lw0 master br0 &&
	run ip -n "$NS_A" link set lw1 master br0 || return 1
	vnet_add "$NS_A" lw0 vnet0 ptype mac netns "$NS_V" || return
	run ip -n "$NS_B" addr add 10.0.1.2/24 dev pr0 &&
	run ip -n "$NS_C" addr add 10.0.1.3/24 dev pc0 &&
	run ip -n "$NS_V" addr add 10.0.1.1/24 dev vnet0 &&
	run ip -n "$NS_V" link set vnet0 up || return 1
	wait_oper "$NS_V" vnet0 UP
}

NS_C=""

t_bridge_forward()
{
	local cap=$TMPD/br.pcap n

	need tcpdump || return
	topo_bridge || return
	ping_ok "$NS_B" 10.0.1.3 5 || return
	ping_ok "$NS_C" 10.0.1.2 5 || return
	cap_start "$NS_V" vnet0 "$cap" icmp || return
	ping_ok "$NS_B" 10.0.1.1 10 || return
	cap_stop
	n=$(cap_count "$cap" 'icmp[icmptype] == icmp-echo')
	expect_eq "echo requests received by vnet0 (10 sent)" "$n" 10 ||
		return
	# And the bridge still forwards, with vnet0 on its port.
	ping_ok "$NS_B" 10.0.1.3 5
}

# Unicast to vnet0's address is flooded by the bridge (it never learns
# that address on a port) unless the FDB pins it to the lower's port.
t_bridge_fdb()
{
	local cap=$TMPD/fdb.pcap vmac n

	need tcpdump bridge || return
	topo_bridge || return
	vmac=$(mac_of "$NS_V" vnet0)
	cap_start "$NS_C" pc0 "$cap" ether dst "$vmac" || return
	ping_ok "$NS_B" 10.0.1.1 10 || return
	cap_stop
	n=$(cap_count "$cap")
	expect_ge "frames to vnet0 flooded to the other port (no FDB entry)" \
		"$n" 10 || return
	log "without an FDB entry $n frames to vnet0 reached the other port"

	run bridge -n "$NS_A" fdb add "$vmac" dev lw0 master static || return
	cap_start "$NS_C" pc0 "$cap" ether dst "$vmac" || return
	ping_ok "$NS_B" 10.0.1.1 10 || return
	cap_stop
	n=$(cap_count "$cap")
	expect_eq "frames to vnet0 on the other port with the FDB entry" \
		"$n" 0
}

# vnet0 moves to another namespace: it keeps forwarding, and from there
# its lower can be neither seen, deleted nor changed.
t_netns()
{
	local rx0 rx1 out

	ns_new NS_A a && ns_new NS_B b && ns_new NS_V v || return 1
	veth_pair "$NS_A" lw0 "$NS_B" pr0 || return 1
	run ip -n "$NS_B" addr add 10.0.1.2/24 dev pr0 || return 1
	vnet_add "$NS_A" lw0 vnet0 rxhandler all || return 1
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

	dev_exists "$NS_V" lw0 &&
		{ fail "the lower is visible from $NS_V"; return; }
	ip -n "$NS_V" link del lw0 >/dev/null 2>&1 &&
		{ fail "the lower could be deleted from $NS_V"; return; }
	if have_attrs; then
		"$IP" -n "$NS_V" link set vnet0 type virtnet mode ptype \
			>/dev/null 2>&1 &&
			{ fail "mode changed from $NS_V"; return; }
	fi
	dev_exists "$NS_A" lw0 || { fail "lw0 gone from $NS_A"; return; }

	# Deleting vnet0 there releases the lower here.
	run ip -n "$NS_V" link del vnet0 || return
	lower_free "$NS_A" lw0 || return

	# So does deleting the namespace vnet0 lives in.
	vnet_add "$NS_A" lw0 vnet0 rxhandler all netns "$NS_V" || return
	run ip netns del "$NS_V" || return
	if ! wait_for 20 eval \
		"! sys_exists $NS_A class/net/lw0/upper_vnet0"; then
		fail "vnet0 still stacked on lw0" \
			"after its namespace was deleted"
		return
	fi
	lower_free "$NS_A" lw0
}

# The lower is deleted while traffic flows both ways: vnet0 goes with it.
t_lower_delete()
{
	local mode=$1 filter=$2 rx0 rx1 pid

	topo "$mode" "$filter" || return
	rx0=$(cnt "$NS_V" vnet0 rx_packets)
	bg_ns "$NS_B" ping -n -q -i 0.005 10.0.1.1
	bg_ns "$NS_V" ping -n -q -i 0.005 10.0.1.2
	if command -v iperf3 >/dev/null 2>&1; then
		bg_ns "$NS_V" iperf3 -s -B 10.0.1.1
		wait_for 10 listening "${BG_PIDS[-1]}" 5201
		bg_ns "$NS_B" iperf3 -c 10.0.1.1 -t 30
	fi
	wait_for 10 rx_from "$NS_V" vnet0 $((rx0 + 50))
	rx1=$(cnt "$NS_V" vnet0 rx_packets)
	expect_ge "vnet0 rx_packets while traffic flows" $((rx1 - rx0)) 50 ||
		return
	ip -n "$NS_A" link del lw0 &
	pid=$!
	wait_for 60 eval "! kill -0 $pid" || {
		fail "'ip link del lw0' still blocked after 60 s" \
			"(leaked reference?)"
		return
	}
	wait "$pid" || { fail "ip link del lw0 failed"; return; }
	wait_for 20 eval "! dev_exists $NS_V vnet0" || {
		fail "vnet0 still exists after its lower was deleted"
		return
	}
	no_virtnet_in "$NS_V"
}

# Carrier and operstate of vnet0 follow the lower.
t_carrier()
{
	topo rxhandler all || return
	run ip -n "$NS_B" link set pr0 down || return
	wait_oper "$NS_A" lw0 'DOWN|LOWERLAYERDOWN' || return
	wait_oper "$NS_V" vnet0 'DOWN|LOWERLAYERDOWN' || return
	expect_eq "vnet0 carrier, peer down" \
		"$(sys_read "$NS_V" class/net/vnet0/carrier)" 0 || return
	ping_none "$NS_V" 10.0.1.2 2 || return
	run ip -n "$NS_B" link set pr0 up || return
	wait_oper "$NS_V" vnet0 UP || return
	expect_eq "vnet0 carrier, peer up" \
		"$(sys_read "$NS_V" class/net/vnet0/carrier)" 1 || return
	ping_ok "$NS_V" 10.0.1.2 3 || return

	run ip -n "$NS_A" link set lw0 down || return
	wait_oper "$NS_V" vnet0 'DOWN|LOWERLAYERDOWN' || return
	run ip -n "$NS_A" link set lw0 up || return
	wait_oper "$NS_V" vnet0 UP || return
	ping_ok "$NS_V" 10.0.1.2 3
}

# Lowering the lower's MTU clamps vnet0's; vnet0 cannot go above it.
t_mtu()
{
	local out

	topo rxhandler all || return
	expect_eq "vnet0 MTU" "$(mtu_of "$NS_V" vnet0)" 1500 || return
	run ip -n "$NS_A" link set lw0 mtu 1400 || return
	expect_eq "vnet0 MTU after the lower's went to 1400" \
		"$(mtu_of "$NS_V" vnet0)" 1400 || return
	if ip -n "$NS_V" link set vnet0 mtu 1401 >/dev/null 2>&1; then
		fail "vnet0 MTU set above the lower's"
		return
	fi
	run ip -n "$NS_V" link set vnet0 mtu 1300 || return
	expect_eq "vnet0 MTU" "$(mtu_of "$NS_V" vnet0)" 1300 || return
	run ip -n "$NS_V" link set vnet0 mtu 1400 || return
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
	   ! grep -q '^bus-info: lw0$' <<<"$out"; then
		fail "ethtool -i vnet0: expected driver virtnet, bus-info lw0"
		show <<<"$out"
		return 1
	fi
	lspeed=$(in_ns "$NS_A" ethtool lw0 2>/dev/null |
		grep -E 'Speed:|Duplex:')
	out=$(in_ns "$NS_V" ethtool vnet0 2>/dev/null |
		grep -E 'Speed:|Duplex:')
	[ -n "$lspeed" ] || { fail "ethtool reports no speed for lw0"; return; }
	expect_eq "ethtool vnet0 speed/duplex" "$out" "$lspeed" || return
	log "vnet0:$(tr -s '\t\n' '  ' <<<"$out")"
}

# Create and delete in a loop: nothing left, no reference kept.
t_create_delete()
{
	local batch=$TMPD/batch ipb=ip i pid start

	ns_new NS_A a && ns_new NS_B b || return 1
	veth_pair "$NS_A" lw0 "$NS_B" pr0 || return 1
	: >"$batch"
	have_attrs && ipb=$IP
	for ((i = 0; i < VIRTNET_ITER; i++)); do
		if [ "$ipb" != ip ] && ((i % 2)); then
			echo "link add link lw0 name vnet0 type virtnet" \
				"mode ptype filter mac"
		else
			echo "link add link lw0 name vnet0 type virtnet"
		fi
		echo "link set vnet0 up"
		echo "link del vnet0"
	done >>"$batch"
	start=$SECONDS
	run "$ipb" -n "$NS_A" -batch "$batch" || return
	log "$VIRTNET_ITER creations and deletions in $((SECONDS - start)) s"
	no_virtnet_in "$NS_A" || return
	sys_exists "$NS_A" "class/net/lw0/upper_*" &&
		{ fail "lw0 still has an upper device"; return; }
	lower_free "$NS_A" lw0 || return
	# A leaked reference on lw0 blocks its unregistration.
	ip -n "$NS_A" link del lw0 &
	pid=$!
	wait_for 60 eval "! kill -0 $pid" || {
		fail "'ip link del lw0' still blocked after 60 s:" \
			"a reference to lw0 leaked"
		return
	}
	wait "$pid" || fail "ip link del lw0 failed"
}

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
	ns_new NS_A a && ns_new NS_B b || return 1
	veth_pair "$NS_A" lw0 "$NS_B" pr0
}

# After a refused creation: no device, and the lower is free.
bad_after()
{
	no_virtnet_in "$NS_A" || return
	dev_exists "$NS_A" vnet0 && { fail "vnet0 exists"; return; }
	lower_free "$NS_A" lw0
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
	local ns_e

	bad_setup || return
	# ip itself refuses a name it cannot find ...
	reject "Cannot find device" \
		ip -n "$NS_A" link add link nosuchdev name vnet0 type virtnet ||
		return
	# ... so ask for lw0's ifindex in an empty namespace, to reach the
	# driver's own check.
	ns_new ns_e e || return
	run ip -n "$NS_A" netns set "$ns_e" 7 || return
	reject "lower device not found" \
		ip -n "$NS_A" link add link lw0 link-netnsid 7 name vnet0 \
		type virtnet || return
	no_virtnet_in "$ns_e" || return
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
	vnet_add "$NS_A" lw0 vnet0 rxhandler all || return
	reject "must not be a virtnet device" \
		ip -n "$NS_A" link add link vnet0 name vnet1 type virtnet ||
		return
	dev_exists "$NS_A" vnet1 && { fail "vnet1 exists"; return; }
	run ip -n "$NS_A" link del vnet0 || return
	bad_after
}

t_bad_bridge_port()
{
	bad_setup || return
	run ip -n "$NS_A" link add br0 type bridge &&
	run ip -n "$NS_A" link set lw0 master br0 || return 1
	reject "use mode ptype" \
		ip -n "$NS_A" link add link lw0 name vnet0 type virtnet ||
		return
	no_virtnet_in "$NS_A" || return
	expect_eq "lw0's master" \
		"$(ip -n "$NS_A" -j link show dev lw0 | jq -r '.[0].master')" \
		br0 || return
	if have_attrs; then
		vnet_add "$NS_A" lw0 vnet0 ptype all || return
		run ip -n "$NS_A" link del vnet0 || return
	fi
	run ip -n "$NS_A" link set lw0 nomaster || return
	# A failed attempt left nothing: rxhandler works once lw0 is free.
	vnet_add "$NS_A" lw0 vnet0 rxhandler all || return
	run ip -n "$NS_A" link del vnet0 || return
	bad_after
}

t_bad_second()
{
	bad_setup || return
	vnet_add "$NS_A" lw0 vnet0 rxhandler all || return
	reject "already has a virtnet in mode rxhandler" \
		ip -n "$NS_A" link add link lw0 name vnet1 type virtnet ||
		return
	dev_exists "$NS_A" vnet1 && { fail "vnet1 exists"; return; }
	dev_exists "$NS_A" vnet0 || { fail "vnet0 went away"; return; }
	if have_attrs; then
		# A ptype device may share the lower.
		vnet_add "$NS_A" lw0 vnet1 ptype mac || return
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
		out=$("$IP" -n "$NS_A" link add link lw0 name vnet0 \
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
	out=$(in_ns "$NS_A" python3 -S -c "$PY_NEWLINK" vnet0 lw0 \
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
	[ "$(mac_of "$NS_A" vnet0)" != "$(mac_of "$NS_A" lw0)" ] || {
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
		ip -n "$NS_A" link add link lw0 name vnet0 mtu 1501 \
		type virtnet || return
	bad_after
}

t_bad_address()
{
	bad_setup || return
	reject "filter all uses the lower device's address" \
		ip -n "$NS_A" link add link lw0 name vnet0 \
		address 02:00:00:00:02:01 type virtnet || return
	bad_after || return
	reject "Invalid unicast hardware address" \
		ip -n "$NS_A" link add link lw0 name vnet0 \
		address 01:00:5e:00:00:01 type virtnet || return
	bad_after
}

t_bad_change_mode()
{
	local out

	need_attrs || return
	bad_setup || return
	vnet_add "$NS_A" lw0 vnet0 rxhandler all || return
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
	vnet_add "$NS_A" lw0 vnet0 rxhandler all || return
	run ip -n "$NS_A" link set vnet0 up || return
	reject "set the device down to change its filter" \
		"$IP" -n "$NS_A" link set vnet0 type virtnet filter mac ||
		return
	lmac=$(mac_of "$NS_A" lw0)
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
	ip -n "$NS_A" link add link lw0 name ipv0 type ipvlan mode l2 \
		>/dev/null 2>&1 || {
		skip "cannot create an ipvlan device (CONFIG_IPVLAN)"
		return
	}
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
		skip "no tools/net/ynl/pyynl/cli.py and rt-link.yaml around" \
			"this test (run it from a kernel tree)"
		return
	fi
	python3 -c 'import yaml' 2>/dev/null || {
		skip "python3 with the yaml module is needed"
		return
	}
	bad_setup || return
	idx=$(sys_read "$NS_A" class/net/lw0/ifindex) || return
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

# rmmod with devices present and traffic flowing.
t_rmmod()
{
	local rx0 rx1 pid ns

	grep -q '^virtnet ' /proc/modules ||
		{ skip "virtnet is not a loaded module"; return; }
	topo rxhandler all || return
	lower_addr || return
	veth_pair "$NS_A" lw1 "$NS_B" pr1 || return
	vnet_add "$NS_A" lw1 vnet1 rxhandler all || return
	run ip -n "$NS_A" link set vnet1 up || return
	if have_attrs; then
		vnet_add "$NS_A" lw0 vnet2 ptype mac || return
		run ip -n "$NS_A" link set vnet2 up || return
	fi
	rx0=$(cnt "$NS_V" vnet0 rx_packets)
	bg_ns "$NS_B" ping -n -q -i 0.005 10.0.1.1
	bg_ns "$NS_V" ping -n -q -i 0.005 10.0.1.2
	wait_for 10 rx_from "$NS_V" vnet0 $((rx0 + 50))
	rx1=$(cnt "$NS_V" vnet0 rx_packets)
	expect_ge "vnet0 rx_packets while traffic flows" $((rx1 - rx0)) 50 ||
		return
	rmmod virtnet &
	pid=$!
	wait_for 60 eval "! kill -0 $pid" ||
		{ fail "rmmod virtnet still blocked after 60 s"; return; }
	wait "$pid" || { fail "rmmod virtnet failed"; return; }
	bg_stop_all
	grep -q '^virtnet ' /proc/modules &&
		{ fail "virtnet still loaded"; return; }
	for ns in "$NS_A" "$NS_V"; do
		no_virtnet_in "$ns" || return
	done
	dev_exists "$NS_A" lw0 ||
		{ fail "lw0 went away with the module"; return; }
	# Without virtnet the lower's stack gets its frames again.
	ping_ok "$NS_B" 10.0.2.1 3 || return
	run load_module || return
	vnet_add "$NS_A" lw0 vnet0 rxhandler all || return
	run ip -n "$NS_A" link del vnet0
}

##############################################################################
# Case list

RUN=count
NCASES=0
CASENO=0

# tcase NAME FUNCTION [ARGS]
tcase()
{
	local name=$1 rc start

	shift
	if [ -n "$VIRTNET_TESTS" ] && ! [[ "$name" =~ $VIRTNET_TESTS ]]; then
		return 0
	fi
	if [ "$RUN" = count ]; then
		NCASES=$((NCASES + 1))
		return 0
	fi
	CASENO=$((CASENO + 1))
	log "--- $name"
	kmsg_mark "$CASENO"
	start=$SECONDS
	"$@"
	rc=$?
	case_cleanup
	if [ $rc -ne $ksft_skip ]; then
		kmsg_check || rc=1
	fi
	log "$name: $((SECONDS - start)) s"
	case $rc in
	0) ktap_test_pass "$name" ;;
	"$ksft_skip") ktap_test_skip "$name" ;;
	*) ktap_test_fail "$name" ;;
	esac
}

all_cases()
{
	local m f fam

	tcase "create: default device (stock ip)" t_create_default
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
	tcase "tcp bulk: mode rxhandler filter all" t_tcp_bulk rxhandler all
	tcase "tcp bulk: mode ptype filter mac" t_tcp_bulk ptype mac
	tcase "filter mac isolation: mode rxhandler" t_filter_mac rxhandler
	tcase "filter mac isolation: mode ptype" t_filter_mac ptype
	tcase "bridge: mode ptype, bridge forwards, no duplicates" \
		t_bridge_forward
	tcase "bridge: unicast flooded unless the FDB pins vnet0" t_bridge_fdb
	tcase "netns: vnet0 moved keeps forwarding, lower out of reach" t_netns
	tcase "lower deleted under traffic: mode rxhandler" \
		t_lower_delete rxhandler all
	tcase "lower deleted under traffic: mode ptype" \
		t_lower_delete ptype mac
	tcase "carrier: vnet0 operstate follows the lower" t_carrier
	tcase "mtu: lower's MTU decrease clamps vnet0" t_mtu
	tcase "ethtool: drvinfo and link settings" t_ethtool
	tcase "create/delete $VIRTNET_ITER times" t_create_delete
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
	tcase "rmmod with devices and traffic" t_rmmod
}

##############################################################################
# Main

# The plumbing this needs; skip everything if it is missing.
preflight()
{
	local ns out tool

	if [ "$(id -u)" -ne 0 ]; then
		echo "must run as root"
		return 1
	fi
	for tool in "$IP" ip ping jq; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "$tool not installed"
			return 1
		fi
	done
	ns="vn-probe-$(mktemp -u XXXXXXXX)"
	if ! ip netns add "$ns" 2>/dev/null; then
		echo "cannot create a network namespace (CONFIG_NET_NS)"
		return 1
	fi
	if ! ip -n "$ns" link add lw0 type veth peer name pr0 2>/dev/null; then
		ip netns del "$ns"
		echo "cannot create a veth pair (CONFIG_VETH)"
		return 1
	fi
	grep -q '^virtnet ' /proc/modules 2>/dev/null ||
		load_module >/dev/null 2>&1
	if ! out=$(ip -n "$ns" link add link lw0 name vnet0 type virtnet 2>&1)
	then
		ip netns del "$ns"
		local how="modprobe virtnet"

		[ -z "$VIRTNET_KO" ] || how="insmod $VIRTNET_KO"
		echo "cannot create a virtnet device" \
			"(CONFIG_VIRTNET; $how): $out"
		return 1
	fi
	ip netns del "$ns"
}

trap cleanup EXIT

ktap_print_header
if ! reason=$(preflight); then
	ktap_skip_all "$reason"
	exit $ksft_skip
fi
for d in "${TMPDIR:-/tmp}" /dev/shm /run; do
	TMPD=$(mktemp -d -p "$d" virtnet.XXXXXXXX 2>/dev/null) && break
done
if [ -z "$TMPD" ]; then
	ktap_skip_all "cannot create a temporary directory"
	exit $ksft_skip
fi
# Tools that need a scratch file (iperf3) find one even if /tmp is not
# writable.
export TMPDIR=$TMPD
for ((i = 0; i < SYS_SLOTS; i++)); do
	slots+=("$TMPD/sys/$i")
done
mkdir -p "${slots[@]}"
# A pipe that nobody writes to, for nap.
exec {NAP_FD}<> <(:) || NAP_FD=""
if [ -w /dev/kmsg ] && dmesg >/dev/null 2>&1; then
	KMSG=yes
else
	log "dmesg not readable: kernel warnings are not checked"
fi
if have_attrs; then
	log "mode/filter cases use $IP"
else
	log "'$IP' has no virtnet mode/filter support:" \
		"those cases are skipped (set IP=)"
fi

all_cases
ktap_set_plan "$NCASES"
RUN=run
all_cases

ktap_print_totals
if [ "$KTAP_CNT_FAIL" -gt 0 ]; then
	exit 1
elif [ "$KTAP_CNT_PASS" -eq 0 ] && [ "$KTAP_CNT_SKIP" -gt 0 ]; then
	exit $ksft_skip
fi
exit 0
