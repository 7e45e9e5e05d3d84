#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# faults/fuzz-guest.sh - the guest side of "make fuzz": nlfuzz with seed
# after seed on the lowers it needs, until the time is up, then the
# teardown and leak checks. Run by scripts/faults/fuzz inside the debug
# guest (as root, in a throw-away VM: it creates devices fz-* and
# namespaces, and loads the virtnet module).
#
# usage: faults/fuzz-guest.sh SEED COUNT SECONDS
#   runs seeds SEED, SEED+1, ... of COUNT requests each while less than
#   SECONDS have passed (at least one seed)
#
# Environment: NLFUZZ (the fuzzer, built by scripts/faults/fuzz),
# VIRTNET_KO (insmod it rather than "modprobe virtnet").
#
# Output: the fuzzer's "FUZZ seed=..." line per seed, "fuzz: SPLAT
# seed=S" when the kernel log grew a splat during seed S (its replay:
# nlfuzz -s S -n COUNT -v), "fuzz: FAIL ..." for a failed check and
# "fuzz: result: ..." last. Exit status: 0 all clean, 1 a check failed,
# 4 the setup failed.

set -u

NLFUZZ=${NLFUZZ:?NLFUZZ must name the nlfuzz binary}
[ $# = 3 ] || { echo "usage: faults/fuzz-guest.sh SEED COUNT SECONDS" >&2; exit 2; }
SEED=$1
COUNT=$2
SECS=$3
FAILS=0
SPLAT_RE=$(bash -c '. scripts/lib.sh && echo "$SPLAT_RE"') ||
	{ echo "fuzz: setup: run from the repository (scripts/lib.sh)"; exit 4; }

log() { echo "fuzz: $*"; }
fail() { FAILS=$((FAILS + 1)); log "FAIL $*"; }

lowers()
{
	ip link add fz-l0 type veth peer name fz-p0 &&
	ip link add fz-l1 type veth peer name fz-p1 &&
	ip link add fz-br0 type bridge &&
	ip link set fz-l1 master fz-br0 &&
	for d in fz-l0 fz-p0 fz-l1 fz-p1 fz-br0; do
		ip link set "$d" up || return 1
	done
}

if [ -n "${VIRTNET_KO:-}" ]; then
	insmod "$VIRTNET_KO" || { log "setup: insmod $VIRTNET_KO failed"; exit 4; }
else
	modprobe virtnet || { log "setup: modprobe virtnet failed"; exit 4; }
fi
# udevd would run its rules for every device the fuzzer makes; nothing
# here needs them, and under TCG they cost a good part of the time.
udevadm control --exit 2>/dev/null
sysctl -qw net.core.netdev_unregister_timeout_secs=1 2>/dev/null
lowers || { log "setup: the lowers could not be created"; exit 4; }

t0=$SECONDS
seed=$SEED
seeds=0
msgs=0
splats=0
while :; do
	before=$(dmesg | grep -E -c "$SPLAT_RE")
	line=$("$NLFUZZ" -s "$seed" -n "$COUNT")
	rc=$?
	echo "$line"
	[ "$rc" = 0 ] || fail "nlfuzz -s $seed exited $rc"
	n=${line#*messages=}
	msgs=$((msgs + ${n%% *}))
	seeds=$((seeds + 1))
	if [ "$(dmesg | grep -E -c "$SPLAT_RE")" != "$before" ]; then
		splats=$((splats + 1))
		log "SPLAT seed=$seed (replay: nlfuzz -s $seed -n $COUNT -v)"
		dmesg | grep -E -A 14 "$SPLAT_RE" | tail -n 40
	fi
	seed=$((seed + 1))
	[ $((SECONDS - t0)) -lt "$SECS" ] || break
done

# --- teardown and leak checks --------------------------------------------------
for d in /sys/class/net/fz-*; do
	[ -e "$d" ] && ip link del "${d##*/}" 2>/dev/null
done
# namespaces the fuzzer made went with it; their cleanup is asynchronous
for _ in $(seq 1 30); do
	[ "$(cat /sys/module/virtnet/refcnt)" = 0 ] && break
	sleep 1
done
left=$(ip -o link show type virtnet | wc -l)
[ "$left" = 0 ] || fail "$left virtnet devices left after the teardown"
rmmod virtnet || fail "rmmod virtnet: $(cat /sys/module/virtnet/refcnt 2>/dev/null) references left"
FI=/sys/kernel/debug
[ -e "$FI/kmemleak" ] || mount -t debugfs none "$FI" 2>/dev/null
if [ -w "$FI/kmemleak" ]; then
	echo scan > "$FI/kmemleak"
	sleep 5
	echo scan > "$FI/kmemleak"
	leaks=$(grep -c '^unreferenced object' "$FI/kmemleak")
	[ "$leaks" = 0 ] || { fail "kmemleak: $leaks unreferenced objects"; head -40 "$FI/kmemleak"; }
else
	leaks="not scanned"
fi
[ "$splats" = 0 ] || fail "$splats seeds made the kernel log a splat"
log "result: $seeds seeds from $SEED, $msgs messages, $splats seeds with a splat, kmemleak $leaks, $((SECONDS - t0))s"
[ "$FAILS" = 0 ]
