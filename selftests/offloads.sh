#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# virtnet offloads: TCP bulk both ways with the content checked, with the
# lower's segmentation and receive offloads on and off, vnet0's features
# following the lower's, and flows spread by the lower's RSS over several
# rx queues. Topology and environment: virtnet_topo.sh, virtnet_lib.sh.

# shellcheck source=virtnet_lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/virtnet_lib.sh"

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

# feat NS DEV NAME: "on" or "off" (with " [fixed]"), as ethtool -k shows it.
feat()
{
	in_ns "$1" ethtool -k "$2" 2>/dev/null | sed -n "s/^$3: //p"
}

# vnet0's TSO, tx checksumming and scatter-gather are always on (as
# macvlan's: the lower segments and checksums in software what it cannot
# offload, virtio-net on a QEMU hub everything); its generic segmentation
# and rx checksumming follow the lower's.
check_feats()
{
	local f want got summary=""

	for f in tcp-segmentation-offload tx-checksumming scatter-gather \
		 generic-segmentation-offload rx-checksumming; do
		case "$f" in
		generic-*|rx-*) want=$(feat "$NS_A" "$LW" "$f") ;;
		*) want=on ;;
		esac
		got=$(feat "$NS_V" vnet0 "$f")
		[ "${got%% *}" = "${want%% *}" ] || {
			fail "vnet0 $f: $got, expected ${want%% *}" \
				"($LW: $(feat "$NS_A" "$LW" "$f"))"
			return 1
		}
		summary+=" $f ${got%% *} ($LW $(feat "$NS_A" "$LW" "$f"));"
	done
	log "vnet0:$summary"
}

# Bulk both ways; vnet0 carries GSO packets rather than segmenting early.
bulk_both()
{
	local bytes=$((4 * 1024 * 1024)) rxb rxp txb txp

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

# TCP bulk transfers both ways with the lower's offloads as they are.
t_tcp_bulk()
{
	need python3 ethtool || return
	topo "$1" "$2" || return
	check_feats || return
	bulk_both
}

# The lower's TSO, GSO and GRO off: vnet0's GSO follows, its TSO stays
# (the lower segments in software), bulk both ways still arrives intact;
# back on, vnet0's GSO follows again.
t_tcp_bulk_off()
{
	local was got

	need python3 ethtool || return
	topo "$1" "$2" || return
	was=$(feat "$NS_A" "$LW" tcp-segmentation-offload)
	run in_ns "$NS_A" ethtool -K "$LW" tso off gso off gro off || return
	defer in_ns "$NS_A" ethtool -K "$LW" tso "${was%% *}" gso on gro on
	check_feats || return
	got=$(feat "$NS_V" vnet0 generic-segmentation-offload)
	expect_eq "vnet0 gso with $LW's off" "${got%% *}" off || return
	bulk_both || return
	[[ "$was" != *fixed* ]] || return 0
	run in_ns "$NS_A" ethtool -K "$LW" tso "${was%% *}" gso on gro on ||
		return
	check_feats
}

# rx_queues NS DEV: the rx queues DEV uses now (its sysfs queues/rx-N;
# e1000e, for one, has no "ethtool -l").
rx_queues()
{
	# shellcheck disable=SC2016 # expanded by the inner shell
	in_ns "$1" sh -c 'set -- /sys/class/net/$1/queues/rx-*; echo $#' - "$2"
}

# queue_pkts NS DEV: "QUEUE PACKETS" per rx queue, from ethtool -S.
queue_pkts()
{
	in_ns "$1" ethtool -S "$2" 2>/dev/null |
		sed -n 's/^ *rx_queue_\([0-9]*\)_packets: \([0-9]*\)/\1 \2/p'
}

# Many TCP flows from the peer: the lower's RSS spreads them over at least
# two rx queues (their counters move), vnet0 receives them all.
t_rss()
{
	local nq out got rxb q n moved=0 spread=""
	local -A before=()

	need iperf3 ethtool jq || return
	topo rxhandler all || return
	nq=$(rx_queues "$NS_A" "$LW")
	[ "$nq" -ge 2 ] ||
		{ skip "$LW has $nq rx queue(s): no RSS"; return; }
	[ -n "$(queue_pkts "$NS_A" "$LW")" ] ||
		{ skip "$LW has no per-queue counters (ethtool -S)"; return; }
	while read -r q n; do before[$q]=$n; done < <(queue_pkts "$NS_A" "$LW")
	bg_ns "$NS_V" iperf3 -s -1 -B 10.0.1.1
	wait_for 10 listening "${BG_PIDS[-1]}" 5201 ||
		{ fail "iperf3 server did not start"; return; }
	rxb=$(cnt "$NS_V" vnet0 rx_bytes)
	if ! out=$(in_ns "$NS_B" iperf3 -c 10.0.1.1 -P 8 -t 3 -J 2>&1); then
		fail "iperf3 -P 8 to vnet0 failed"
		show <<<"$out"
		return 1
	fi
	got=$(jq -r '.end.sum_received.bytes' <<<"$out")
	rxb=$(($(cnt "$NS_V" vnet0 rx_bytes) - rxb))
	while read -r q n; do
		n=$((n - ${before[$q]:-0}))
		spread+=" q$q:$n"
		[ "$n" -lt 100 ] || moved=$((moved + 1))
	done < <(queue_pkts "$NS_A" "$LW")
	log "8 flows, $got bytes received; $LW rx packets per queue:$spread"
	expect_ge "rx queues of $LW with 100 packets or more" "$moved" 2 ||
		return
	expect_ge "vnet0 rx_bytes (all 8 flows)" "$rxb" "$got"
}

all_cases()
{
	tcase "tcp bulk: mode rxhandler filter all" t_tcp_bulk rxhandler all
	tcase "tcp bulk: mode ptype filter mac" t_tcp_bulk ptype mac
	tcase "tcp bulk, lower's tso/gso/gro off: mode rxhandler filter all" \
		t_tcp_bulk_off rxhandler all
	tcase "tcp bulk, lower's tso/gso/gro off: mode ptype filter mac" \
		t_tcp_bulk_off ptype mac
	tcase "rss: flows over several rx queues of the lower all reach vnet0" \
		t_rss
}

virtnet_main "$@"
