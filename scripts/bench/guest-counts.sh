# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# bench/guest-counts.sh - sourced by bench/guest.sh: what a frame costs
# beyond its time, slab allocations (count_allocs) and, with
# scripts/bench/run's QEMU plugin, guest instructions per kernel function
# (count_insns).

# ---------------------------------------------------------------- allocations

# Slab allocations per frame, bare lower against each receive path, with
# whatever the guest kernel offers: SLUB statistics or kmem tracepoints.
allocs_total()
{
	local f s=0 v
	case "$ALLOC_METHOD" in
	slub_stats)
		for f in /sys/kernel/slab/*/alloc_fastpath /sys/kernel/slab/*/alloc_slowpath; do
			[ -L "${f%/*}" ] && continue	# alias of a merged cache
			read -r v _ < "$f"
			s=$((s + v))
		done
		echo "$s" ;;
	tracing)
		awk '/^entries:|^overrun:/ { s += $2 } END { print s }' "$TR"/per_cpu/cpu*/stats ;;
	esac
}
ALLOC_METHOD=none
TR=/sys/kernel/tracing

count_allocs()	# the "alloc" records: slab allocations per frame
{
	[ -d $TR/events ] || mount -t tracefs nodev $TR 2>/dev/null || true
	if [ -e /sys/kernel/slab/skbuff_head_cache/alloc_fastpath ]; then
		ALLOC_METHOD=slub_stats
	elif [ -e $TR/events/kmem/kmem_cache_alloc/enable ]; then
		ALLOC_METHOD=tracing
		echo 0 > $TR/tracing_on
		echo 1 > $TR/events/kmem/kmem_cache_alloc/enable
		echo 1 > $TR/events/kmem/kmalloc/enable
		echo 4096 > $TR/buffer_size_kb || true
	fi
	out "meta alloc_method=$ALLOC_METHOD"
	if [ "$ALLOC_METHOD" != none ] && [ "$SMOKE" = 0 ]; then
		# two runs per configuration, N and 2N frames: the difference of
		# their counts is N frames' worth, without what a run costs once
		# (pktgen's setup, reading the counters, tc for mirred's count)
		n=20000
		for c in $OKCFGS; do
			[ "$ALLOC_METHOD" = tracing ] && { echo > $TR/trace; echo 1 > $TR/tracing_on; }
			a0=$(allocs_total)
			pg_run in 60 1 "$c" "$n" || continue
			a1=$(allocs_total)
			f1=$PG_RX
			pg_run in 60 1 "$c" $((2 * n)) || continue
			a2=$(allocs_total)
			f2=$PG_RX
			[ "$ALLOC_METHOD" = tracing ] && echo 0 > $TR/tracing_on
			out "alloc cfg=$c frames=$((f2 - f1)) allocs=$(( (a2 - a1) - (a1 - a0) ))" \
				"frames1=$f1 allocs1=$((a1 - a0)) frames2=$f2 allocs2=$((a2 - a1))"
		done
		[ "$ALLOC_METHOD" = tracing ] && echo 0 > $TR/events/kmem/enable
	fi
	# (not the status of the last test above: set -e)
	return 0
}

# ---------------------------------------------------------------- instruction counts

# Where the instructions go: with scripts/bench/run's QEMU plugin loaded
# (VIRTNET_BENCH_INSN_DIR set), every write to /proc/sys/vm/stat_refresh
# makes QEMU dump the instruction counts of each kernel code block since
# the previous one. Two ingress or egress runs of 64-byte frames per
# configuration, N and 2N frames, each between two such marks: the
# difference of the two counts is N frames' worth, without what a run costs
# once. scripts/bench/run turns the counts into instructions per frame and
# kernel function (bench/report --insn) with the symbols saved here.
INSN_DIR=${VIRTNET_BENCH_INSN_DIR:-}
MARKS=0
insn_mark() { echo 1 > /proc/sys/vm/stat_refresh; MARKS=$((MARKS + 1)); }
insn_window()	# DIR CFG
{
	local dir=$1 c=$2 n f1 f2 m1

	n=$(( ${NCOUNT[$dir/60/1]:-20000} ))
	insn_mark
	pg_run "$dir" 60 1 "$c" "$n" || return 0
	f1=$PG_RX
	insn_mark
	m1=$((MARKS - 1))	# the plugin numbers its dumps from 0
	pg_run "$dir" 60 1 "$c" $((2 * n)) || return 0
	f2=$PG_RX
	insn_mark
	out "insnwin dir=$dir cfg=$c mark1=$m1 mark2=$((m1 + 1)) frames1=$f1 frames2=$f2"
}

count_insns()	# the "insnwin" records and the symbols for bench/report --insn
{
	if [ "$PROFILE" = 1 ] && [ -n "$INSN_DIR" ] && [ -w /proc/sys/vm/stat_refresh ]; then
		log "instruction counts ($(( $(date +%s) - T0 )) s)"
		for c in bare vall vmac ptyp ptmc ptbr mvpt mvbr ipvl mirr tbpf vxdp; do
			case " $OKCFGS " in *" $c "*) insn_window in "$c" ;; esac
		done
		for c in bare vall vmac ptyp mvpt mvbr ipvl mirr tbpf; do
			case " $OKCFGS " in *" $c "*) insn_window out "$c" ;; esac
		done
		# the kernel's text symbols, modules included, for the addresses
		awk '$2 ~ /^[tTwW]$/ { print $1, $3, $4 }' /proc/kallsyms > "$INSN_DIR/kallsyms" ||
			log "cannot write $INSN_DIR/kallsyms"
	fi
}
