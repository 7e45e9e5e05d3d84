#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# Shared part of the virtnet selftests (forwarding.sh, bridge.sh, vlan.sh,
# offloads.sh, lifecycle.sh, netlink_errors.sh): TAP output, the plumbing
# helpers and the case runner. virtnet_topo.sh, sourced at the end, builds
# the topology in software or in hardware mode.
#
# Each script is one TAP block and runs on its own as root. Environment:
#   IP              ip binary for the mode/filter cases (default: ip);
#                   stock iproute2 knows only the default device
#   VIRTNET_TESTS   extended regex: run only the cases whose name matches
#   VIRTNET_ITER    iterations of the create/delete case (default: 200)
#   VIRTNET_KO      load the driver with "insmod VIRTNET_KO" rather than
#                   "modprobe virtnet" (a build tree without modules_install)
#   NETIF ...       hardware mode, see virtnet_topo.sh
#
# Exit status: 0 all passed, 1 a case failed, 4 everything skipped.
#
# Where the kernel tree has tools/testing/selftests/net/lib.sh (defer,
# busywait, the ksft_* codes) it is used; older trees and a copy of this
# directory alone get the minimal versions below. Namespaces are made by
# ns_new rather than setup_ns: one process sets loopback, the sysctls and
# a sysfs view of the namespace at once, where every exec counts (a TCG
# guest).

set -u

IP=${IP:-ip}
VIRTNET_TESTS=${VIRTNET_TESTS:-}
VIRTNET_ITER=${VIRTNET_ITER:-200}
VIRTNET_KO=${VIRTNET_KO:-}

TEST_DIR=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
TEST_NAME=$(basename "$0")

if [ -r "$TEST_DIR/../../../net/lib.sh" ]; then
	# shellcheck source=/dev/null
	. "$TEST_DIR/../../../net/lib.sh"
fi
ksft_skip=4
declare -F busywait >/dev/null ||
busywait()
{
	local deadline=$((SECONDS + ($1 + 999) / 1000))

	shift
	until "$@"; do
		[ "$SECONDS" -le "$deadline" ] || return 1
	done
}
declare -F slowwait >/dev/null ||
slowwait()
{
	wait_for "$@"
}
if ! declare -F defer >/dev/null; then
	DEFER_CMDS=()
	DEFER_SCOPES=()
	defer()
	{
		DEFER_CMDS+=("${*@Q}")
	}
	defer_scope_push()
	{
		DEFER_SCOPES+=("${#DEFER_CMDS[@]}")
	}
	defer_scope_pop()
	{
		local base=${DEFER_SCOPES[-1]} i

		for ((i = ${#DEFER_CMDS[@]} - 1; i >= base; i--)); do
			eval "${DEFER_CMDS[i]}"
			unset 'DEFER_CMDS[i]'
		done
		unset 'DEFER_SCOPES[-1]'
	}
fi

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

# ktap_skip_why NAME REASON: "ok N NAME # SKIP REASON" (ktap_test_skip
# has no reason).
ktap_skip_why()
{
	echo "ok $KTAP_TESTNO $1 # SKIP${2:+ $2}"
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
}

##############################################################################
# Helpers

TMPD=""
NS_LIST=()
NS_SEQ=0
SYS_MOUNTS=()
BG_PIDS=()
CAP_PID=""
NAP_FD=""
SKIP_WHY=""

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

# The reason goes on the case's TAP line too.
skip()
{
	SKIP_WHY=$*
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

# in_ns NS CMD...: CMD in namespace NS; "@remote" is the remote host of
# hardware mode with REMOTE_TYPE=ssh.
in_ns()
{
	local ns=$1

	shift
	if [ "$ns" = @remote ]; then
		ssh -n "$REMOTE_ARGS" "$(printf '%q ' "$@")"
		return
	fi
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

# sh -c script run in a namespace through nsenter (network namespace
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
SYS_SLOTS=8
declare -A SYS_DIR=()

# ns_sysfs NAME [SYSCTLS]: a sysfs view of existing namespace NAME (and
# the sysctls, loopback up) when a slot is free.
ns_sysfs()
{
	local dir=$TMPD/sys/${#SYS_MOUNTS[@]}

	if [ -d "$dir" ] &&
	   nsenter "--net=/var/run/netns/$1" sh -c "$NS_INIT" - "$dir" \
		"${2:-}" "$IP" >/dev/null 2>&1; then
		SYS_MOUNTS+=("$dir")
		SYS_DIR[$1]=$dir
		return 0
	fi
	return 1
}

# ns_new VAR PREFIX: create a namespace, store its name in VAR.
ns_new()
{
	local name="vn-$2-$$-$((++NS_SEQ))-$RANDOM"

	run ip netns add "$name" || return 1
	NS_LIST+=("$name")
	printf -v "$1" '%s' "$name"
	ns_sysfs "$name" "$NS_SYSCTLS" && return 0
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
# function would put a shell in between). On an ssh remote CMD ends by
# itself after 120 s.
bg_ns()
{
	local ns=$1

	shift
	if [ "$ns" = @remote ]; then
		ssh -n "$REMOTE_ARGS" timeout 120 "$(printf '%q ' "$@")" \
			>/dev/null 2>&1 &
	else
		"$IP" netns exec "$ns" "$@" >/dev/null 2>&1 &
	fi
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
	topo_exit
	[ -n "$TMPD" ] && rm -rf --one-file-system "$TMPD"
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
	KMSG_MARK="$TEST_NAME: case $1 $$-$RANDOM"
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
# The case runner. Each script defines all_cases, a list of
# "tcase NAME FUNCTION [ARGS]"; a case function returns 0 (pass), 1 (fail)
# or $ksft_skip (after "skip REASON").

RUN=count
NCASES=0
CASENO=0

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
	SKIP_WHY=""
	defer_scope_push
	"$@"
	rc=$?
	defer_scope_pop
	case_cleanup
	topo_reset || rc=1
	if [ $rc -ne $ksft_skip ]; then
		kmsg_check || rc=1
	fi
	log "$name: $((SECONDS - start)) s"
	case $rc in
	0) ktap_test_pass "$name" ;;
	"$ksft_skip") ktap_skip_why "$name" "$SKIP_WHY" ;;
	*) ktap_test_fail "$name" ;;
	esac
}

# The plumbing this needs; a reason on stdout when it is missing.
preflight()
{
	local ns out tool how="modprobe virtnet"

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
		[ -z "$VIRTNET_KO" ] || how="insmod $VIRTNET_KO"
		echo "cannot create a virtnet device" \
			"(CONFIG_VIRTNET; $how): $out"
		return 1
	fi
	ip netns del "$ns"
}

# virtnet_main: the TAP block of the calling script's all_cases.
virtnet_main()
{
	local reason d i slots=()

	trap cleanup EXIT
	ktap_print_header
	if ! reason=$(preflight); then
		ktap_skip_all "$reason"
		exit "$ksft_skip"
	fi
	for d in "${TMPDIR:-/tmp}" /dev/shm /run; do
		TMPD=$(mktemp -d -p "$d" virtnet.XXXXXXXX 2>/dev/null) && break
	done
	if [ -z "$TMPD" ]; then
		ktap_skip_all "cannot create a temporary directory"
		exit "$ksft_skip"
	fi
	# Tools that need a scratch file (iperf3) find one even if /tmp is
	# not writable.
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
	if ! topo_init; then
		ktap_skip_all "$(topo_why)"
		exit "$ksft_skip"
	fi

	all_cases
	ktap_set_plan "$NCASES"
	RUN=run
	all_cases

	ktap_print_totals
	if [ "$KTAP_CNT_FAIL" -gt 0 ]; then
		exit 1
	elif [ "$KTAP_CNT_PASS" -eq 0 ] && [ "$KTAP_CNT_SKIP" -gt 0 ]; then
		exit "$ksft_skip"
	fi
	exit 0
}

# shellcheck source=virtnet_topo.sh
. "$TEST_DIR/virtnet_topo.sh"
