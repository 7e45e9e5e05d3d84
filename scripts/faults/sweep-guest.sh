#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# faults/sweep-guest.sh - the guest side of "make faults": every control operation
# of virtnet run once per fault point, with the N-th fault-injectable call
# (slab, page allocator) of the request failed through
# /proc/thread-self/fail-nth, for N = 1, 2, ... until a run no longer hits
# a fault. Run by scripts/faults/sweep inside the debug guest (as root, in a
# throw-away VM: it loads the virtnet module and creates devices fx-* and a
# namespace fx-other).
#
# usage: faults/sweep-guest.sh [OP...]        (default: every operation below)
#
# Environment:
#   NLREQ       the request tool (scripts/faults/nlreq.c, built by run)
#   VIRTNET_KO  load the driver with "insmod VIRTNET_KO" rather than
#               "modprobe virtnet"
#   NLSTATE     the state snapshot tool (scripts/faults/nlstate.c)
#   MAXN        give up an operation after this many points (default 1000)
#   BUDGET      seconds: an operation that would start after this many
#               seconds of sweeping is left out, with a "SKIPPED" line
#               (default: no limit)
#   PROGRESS    a file that gets the PLAN line, a START line per operation,
#               every FAULTS and SKIPPED line and the FAIL lines as soon as
#               they are known, for a run that is killed at its timeout
#
# After every N the request either succeeded (and did what it asks), or it
# failed and left nothing: the lower's state (upper links, whether a new
# rxhandler virtnet can take its rx_handler, virtnet taps in
# /proc/net/ptype, promiscuity and allmulti counts, unicast and multicast
# lists) and the virtnet devices are as before the request. After the
# clean-up of every N the state is the baseline again. At the end the
# module must unload with no reference left, and kmemleak must be clean.
#
# Output: one "FAULTS op=OP points=K succeeded=A failed=B dirty=D" line per
# operation (or "SKIPPED op=OP" when the budget is spent), "faults: FAIL ..." lines for what differed, and
# "faults: result: ..." last. Exit status: 0 all clean, 1 a check failed,
# 4 the setup failed.

set -u

NLREQ=${NLREQ:?NLREQ must name the nlreq binary}
NLSTATE=${NLSTATE:?NLSTATE must name the nlstate binary}
MAXN=${MAXN:-1000}
BUDGET=${BUDGET:-0}
PROGRESS=${PROGRESS:-/dev/null}
L=fx-l0			# the lower (a veth end) and its peer, fixed addresses:
P=fx-p0			# the devices in filter all take the lower's
L_MAC=02:00:00:00:fb:01
P_MAC=02:00:00:00:fb:02
NS=fx-other		# the namespace devices are moved to
MAC_A=02:00:00:00:fa:01
MAC_B=02:00:00:00:fa:02
FAILS=0

# Cheap and distinct first: with a BUDGET, what is left out is the
# newlink modes, whose 320-350 points are mostly the core's
# register_netdevice().
OPS_ALL="up-rx-all up-pt-mac down-rx-all down-pt-mac filter mtu address
dellink newlink-pt-mac netns-vnet netns-lower dellink-lower newlink-rx-all
newlink-addr newlink-mtu newlink-rx-mac newlink-pt-all"

log() { echo "faults: $*" | tee -a "$PROGRESS"; }
fail() { FAILS=$((FAILS + 1)); log "FAIL $*"; }

# --- state -------------------------------------------------------------------

# snap [-p]: everything a failed request must leave as it found it
# (scripts/faults/nlstate.c); -p adds whether a new rxhandler virtnet can
# take the lower's rx_handler, which costs a device's creation and
# deletion.
snap() { "$NLSTATE" "$@" "$L" "$NS" fx-v; }

# --- the baseline and the pre-states of each operation ------------------------

baseline()
{
	ip link add "$L" address "$L_MAC" type veth peer name "$P" address "$P_MAC" || return 1
	ip link set "$P" up && ip link set "$L" up
}

# reset OP: delete every virtnet device and bring the lower back to the
# baseline; only what OP can have changed, each process costs here.
reset()
{
	local d flags

	for d in /sys/class/net/fx-v*; do
		[ -e "$d" ] && "$NLREQ" dellink "${d##*/}" >/dev/null
	done
	case $1 in
	netns-*|dellink-lower)
		ip -n "$NS" link del fx-v0 2>/dev/null
		ip -n "$NS" link del fx-v1 2>/dev/null
		ip -n "$NS" link set "$L" netns 1 2>/dev/null
		if [ ! -e "/sys/class/net/$L" ]; then
			ip link del "$P" 2>/dev/null
			baseline
		fi ;;
	esac
	read -r flags <"/sys/class/net/$L/flags"
	[ $((flags & 1)) = 1 ] || ip link set "$L" up
}

vn() { "$NLREQ" newlink "$@" >/dev/null; }	# NAME LOWER [options]
up() { "$NLREQ" setlink "$1" up >/dev/null; }

# pre OP: create the state OP starts from
pre()
{
	case $1 in
	newlink-*) ;;
	up-rx-all|filter) vn fx-v0 "$L" mode rxhandler filter all ;;
	up-pt-mac) vn fx-v0 "$L" mode ptype filter mac address "$MAC_A" ;;
	down-rx-all|mtu|netns-vnet) vn fx-v0 "$L" mode rxhandler filter all && up fx-v0 ;;
	down-pt-mac|address|dellink)
		vn fx-v0 "$L" mode ptype filter mac address "$MAC_A" && up fx-v0 ;;
	netns-lower|dellink-lower)
		vn fx-v0 "$L" mode rxhandler filter all && up fx-v0 &&
		vn fx-v1 "$L" mode ptype filter mac address "$MAC_B" && up fx-v1 ;;
	*) return 1 ;;
	esac
}

# request OP: the arguments of nlreq for OP
request()
{
	case $1 in
	newlink-rx-all) echo "newlink fx-v0 $L mode rxhandler filter all" ;;
	newlink-rx-mac) echo "newlink fx-v0 $L mode rxhandler filter mac" ;;
	newlink-pt-all) echo "newlink fx-v0 $L mode ptype filter all" ;;
	newlink-pt-mac) echo "newlink fx-v0 $L mode ptype filter mac" ;;
	newlink-addr) echo "newlink fx-v0 $L mode ptype filter mac address $MAC_A" ;;
	newlink-mtu) echo "newlink fx-v0 $L mtu 1400" ;;
	up-*) echo "setlink fx-v0 up" ;;
	down-*) echo "setlink fx-v0 down" ;;
	filter) echo "change fx-v0 filter mac" ;;
	mtu) echo "setlink fx-v0 mtu 1280" ;;
	address) echo "setlink fx-v0 address $MAC_B" ;;
	dellink) echo "dellink fx-v0" ;;
	netns-vnet) echo "setlink fx-v0 netns $NS" ;;
	netns-lower) echo "setlink $L netns $NS" ;;
	dellink-lower) echo "dellink $L" ;;
	esac
}

here() { ip link show "$1" >/dev/null 2>&1; }	# in the init netns
flag_up() { [ $(( $(<"/sys/class/net/$1/flags") & 1 )) = 1 ]; }

# done_ OP: the request succeeded; did it do what it asks?
done_()
{
	case $1 in
	newlink-mtu) [ "$(<"/sys/class/net/fx-v0/mtu")" = 1400 ] ;;
	newlink-addr) [ "$(<"/sys/class/net/fx-v0/address")" = "$MAC_A" ] ;;
	newlink-*) [ -e /sys/class/net/fx-v0/upper_"$L" ] || [ -e "/sys/class/net/$L/upper_fx-v0" ] ;;
	up-*) flag_up fx-v0 ;;
	down-*) ! flag_up fx-v0 ;;
	filter) [ -e /sys/class/net/fx-v0 ] ;;
	mtu) [ "$(<"/sys/class/net/fx-v0/mtu")" = 1280 ] ;;
	address) [ "$(<"/sys/class/net/fx-v0/address")" = "$MAC_B" ] ;;
	dellink) [ ! -e /sys/class/net/fx-v0 ] ;;
	# Asked of rtnetlink, not sysfs: when the core's device_rename()
	# fails in a netns move, the device has moved but its sysfs entry
	# stays behind (and the core WARNs; scripts/faults/lib.sh).
	netns-vnet) ! here fx-v0 && ip -n "$NS" link show fx-v0 >/dev/null 2>&1 ;;
	netns-lower|dellink-lower) ! here "$L" && ! here fx-v0 && ! here fx-v1 ;;
	esac
}

# --- one operation ---------------------------------------------------------------

sweep()
{
	local op=$1 n=0 out rc ok=0 err=0 lost=0 dirty=0 before after points=0 errs
	local t=$SECONDS

	echo "START op=$op" >>"$PROGRESS"
	declare -A errs=()
	while [ "$n" -lt "$MAXN" ]; do
		n=$((n + 1))
		pre "$op" || { fail "$op: its pre-state could not be set up"; return; }
		# The pre-state is the same at every N (fixed addresses): it
		# is taken once, with the probe.
		[ "$n" -gt 1 ] || before=$(snap -p)
		# shellcheck disable=SC2046 # the request is a word list
		out=$("$NLREQ" -f "$n" $(request "$op"))
		rc=$?
		case $out in
		*injected=1*) points=$n ;;
		esac
		if [ "$rc" = 0 ]; then
			ok=$((ok + 1))
			if ! done_ "$op"; then
				dirty=$((dirty + 1))
				fail "$op N=$n: the request succeeded but did not take effect"
			fi
		elif [ "$rc" = 1 ]; then
			err=$((err + 1))
			# The first point of each error, with its extack message.
			[ -n "${errs[${out%% *}]:-}" ] ||
				log "$op N=$n: first ${out%% *}: $out"
			errs[${out%% *}]=1
			after=$(snap -p)
			if [ "$after" != "$before" ]; then
				dirty=$((dirty + 1))
				fail "$op N=$n: '$out' left the state changed:"
				diff <(echo "$before") <(echo "$after") | sed 's/^/faults:   /'
			fi
		elif [ "$rc" = 3 ]; then
			# the ack was lost: the request is either done or not at all
			lost=$((lost + 1))
			after=$(snap -p)
			if [ "$after" != "$before" ] && ! done_ "$op"; then
				dirty=$((dirty + 1))
				fail "$op N=$n: '$out' left a state that is neither before nor after:"
				diff <(echo "$before") <(echo "$after") | sed 's/^/faults:   /'
			fi
		else
			fail "$op N=$n: nlreq could not send the request: $out"
			return
		fi
		reset "$op"
		# The probe's device costs a creation and deletion: after the
		# clean-up, the rx_handler is checked once, at the end.
		after=$(snap)
		if [ "$after" != "$BASE_NP" ]; then
			dirty=$((dirty + 1))
			fail "$op N=$n: the clean-up did not restore the baseline:"
			diff <(echo "$BASE_NP") <(echo "$after") | sed 's/^/faults:   /'
			rebaseline
		fi
		[ $((n % 50)) != 0 ] || echo "PROGRESS op=$op n=$n time=$((SECONDS - t))s" >>"$PROGRESS"
		case $out in
		*injected=1*) ;;
		*) break ;;
		esac
	done
	[ "$n" -lt "$MAXN" ] || fail "$op: still hitting faults after $MAXN points"
	after=$(snap -p)
	if [ "$after" != "$BASE" ]; then
		dirty=$((dirty + 1))
		fail "$op: after the sweep, the baseline is not restored:"
		diff <(echo "$BASE") <(echo "$after") | sed 's/^/faults:   /'
		rebaseline
	fi
	TOTAL=$((TOTAL + points))
	echo "FAULTS op=$op points=$points succeeded=$ok failed=$err acks_lost=$lost dirty=$dirty time=$((SECONDS - t))s errors=${!errs[*]}" |
		tee -a "$PROGRESS"
}

# rebaseline: go on from a fresh lower after a check found it changed
rebaseline()
{
	ip link del "$L" 2>/dev/null
	baseline
	BASE=$(snap -p)
	BASE_NP=$(snap)
}

# --- the run ---------------------------------------------------------------------

# shellcheck disable=SC2206 # a word list
OPS=(${*:-$OPS_ALL})
for op in "${OPS[@]}"; do
	request "$op" | grep -q . || { echo "usage: faults/sweep-guest.sh [OP...]; OP one of:" $OPS_ALL >&2; exit 2; }
done

FI=/sys/kernel/debug
[ -d "$FI/failslab" ] || mount -t debugfs none "$FI" 2>/dev/null
if [ ! -w /proc/thread-self/fail-nth ] || [ ! -d "$FI/failslab" ]; then
	log "setup: no fail-nth or no failslab in debugfs: is CONFIG_FAULT_INJECTION_DEBUG_FS=y?"
	exit 4
fi
# As syzkaller sets them: GFP_KERNEL and order-0 allocations count too,
# and an injected fault prints nothing (the kernel log stays for splats).
for f in failslab/ignore-gfp-wait fail_page_alloc/ignore-gfp-wait \
	 fail_page_alloc/ignore-gfp-highmem; do
	echo N > "$FI/$f"
done
echo 0 > "$FI/fail_page_alloc/min-order"
echo 0 > "$FI/failslab/verbose"
echo 0 > "$FI/fail_page_alloc/verbose"
# udevd would run its rules for every device created and deleted, a good
# part of each point's time under TCG; nothing here needs them.
udevadm control --exit 2>/dev/null
# A device reference never released shows within a second, not ten.
sysctl -qw net.core.netdev_unregister_timeout_secs=1 2>/dev/null
# IPv6 would join multicast groups on the lower and on the virtnet
# devices at its own pace, and the address lists are part of the state.
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 2>/dev/null

if [ -n "${VIRTNET_KO:-}" ]; then
	insmod "$VIRTNET_KO" || { log "setup: insmod $VIRTNET_KO failed"; exit 4; }
else
	modprobe virtnet || { log "setup: modprobe virtnet failed"; exit 4; }
fi
ip netns add "$NS" || { log "setup: ip netns add $NS failed"; exit 4; }
baseline || { log "setup: the veth lower could not be created"; exit 4; }
BASE=$(snap -p)
BASE_NP=$(snap)
case $BASE in
*"rx_handler: free"*) ;;
*) log "setup: a new virtnet cannot take the lower's rx_handler:"; echo "$BASE"; exit 4 ;;
esac

echo "PLAN ${OPS[*]}" >>"$PROGRESS"
t0=$(date +%s)
TOTAL=0
SKIPPED=0
for op in "${OPS[@]}"; do
	if [ "$BUDGET" -gt 0 ] && [ $(($(date +%s) - t0)) -ge "$BUDGET" ]; then
		echo "SKIPPED op=$op budget=${BUDGET}s" | tee -a "$PROGRESS"
		SKIPPED=$((SKIPPED + 1))
		continue
	fi
	sweep "$op"
done

# --- teardown and leak checks --------------------------------------------------------
ip link del "$L" 2>/dev/null
ip netns del "$NS"
if ! rmmod virtnet; then
	fail "rmmod virtnet: $(cat /sys/module/virtnet/refcnt 2>/dev/null) references left"
fi
if [ -w "$FI/kmemleak" ]; then
	echo scan > "$FI/kmemleak"
	sleep 5
	echo scan > "$FI/kmemleak"
	leaks=$(grep -c '^unreferenced object' "$FI/kmemleak")
	[ "$leaks" = 0 ] || { fail "kmemleak: $leaks unreferenced objects"; head -40 "$FI/kmemleak"; }
else
	leaks="not scanned"
fi
log "result: $((${#OPS[@]} - SKIPPED)) operations swept ($SKIPPED left out by the budget), $TOTAL fault points, $FAILS failed checks, kmemleak $leaks, $(( $(date +%s) - t0 ))s" |
	tee -a "$PROGRESS"
[ "$FAILS" = 0 ]
