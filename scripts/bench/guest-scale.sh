# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# bench/guest-scale.sh - sourced by bench/guest.sh: the scale test. SCALE
# veth pairs and a virtnet device on each, created, set up and deleted in
# batches, timed; the memory per device; ingress runs with all of them
# present.

meminfo()	# the fields that grow with devices, kB
{
	sync
	echo 3 > /proc/sys/vm/drop_caches
	awk '/^(MemFree|Slab|SUnreclaim|Percpu|KernelStack|PageTables):/ { printf "%s=%s ", $1, $2 }' /proc/meminfo |
		tr -d :
}

usec_now() { echo $(( $(date +%s%N) / 1000 )); }

slab_bytes()	# FILE: "cache bytes" per slab cache (objects in use x object size)
{
	local d o z

	for d in /sys/kernel/slab/*/; do
		[ -L "${d%/}" ] && continue	# alias of a merged cache
		read -r o _ < "$d/objects" || continue
		read -r z < "$d/object_size" || continue
		d=${d%/}
		echo "${d##*/} $((o * z))"
	done > "$1"
}
scale_test()	# the "scale" and "scaleslab" records, the runs with SCALE devices
{
	log "scale: $SCALE veth pairs, then $SCALE virtnet devices ($(( $(date +%s) - T0 )) s)"
	B=$WORKDIR/batch
	for i in $(seq "$SCALE"); do echo "link add sa$i type veth peer name sb$i"; done > "$B"
	mv=$(meminfo)
	u0=$(usec_now)
	ip -batch "$B" || die "creating $SCALE veth pairs failed" "give the guest more memory"
	u1=$(usec_now)
	out "scale op=veth_create n=$SCALE usec=$((u1 - u0))"

	m0=$(meminfo)
	slab_bytes "$WORKDIR/slab0"
	for i in $(seq "$SCALE"); do echo "link add link sa$i name sv$i type virtnet"; done > "$B"
	u0=$(usec_now)
	ip -batch "$B" || die "creating $SCALE virtnet devices failed" "see dmesg in the guest"
	u1=$(usec_now)
	m1=$(meminfo)
	slab_bytes "$WORKDIR/slab1"
	# where the slab memory of a device goes: the caches that grew most;
	# a merged cache (":0004096") is shown with the names merged into it
	find /sys/kernel/slab -maxdepth 1 -type l -printf '%f %l\n' |
		awk '{ n = $2; sub(".*/", "", n); print $1, n }' > "$WORKDIR/slabalias" || true
	awk -v n="$SCALE" 'NR == FNR { b[$1] = $2; next }
		{ d = $2 - b[$1]; if (d > 0) printf "%d %s\n", d, $1 }' \
		"$WORKDIR/slab0" "$WORKDIR/slab1" | sort -rn |
		awk -v n="$SCALE" -v al="$WORKDIR/slabalias" '
			BEGIN {
				while ((getline l < al) > 0) {
					split(l, f, " ")
					if (length(names[f[2]]) < 60)
						names[f[2]] = names[f[2]] (names[f[2]] == "" ? "" : ",") f[1]
				}
			}
			NR <= 10 {
				printf "VNB scaleslab cache=%s aliases=%s bytes_per_dev=%.0f\n",
					$2, (names[$2] == "" ? "-" : names[$2]), $1 / n
			}'
	out "scale op=create n=$SCALE usec=$((u1 - u0))"
	out "scale op=mem_veth_before n=$SCALE $mv"
	out "scale op=mem_before n=$SCALE $m0"
	out "scale op=mem_after n=$SCALE $m1"

	for i in $(seq "$SCALE"); do echo "link set sv$i up"; done > "$B"
	u0=$(usec_now)
	ip -batch "$B"
	u1=$(usec_now)
	out "scale op=up n=$SCALE usec=$((u1 - u0))"

	# ingress with all of them present: bare vs rxhandler, alternating
	fc=""
	for c in bare vall ptmc mvbr; do
		case " $OKCFGS " in *" $c "*) fc="$fc $c" ;; esac
	done
	srounds=$RUNS
	run_matrix scale "$srounds" "$fc" "in/60/1"

	for i in $(seq "$SCALE"); do echo "link del sv$i"; done > "$B"
	u0=$(usec_now)
	ip -batch "$B"
	u1=$(usec_now)
	m2=$(meminfo)
	out "scale op=delete n=$SCALE usec=$((u1 - u0))"
	out "scale op=mem_deleted n=$SCALE $m2"

	for i in $(seq "$SCALE"); do echo "link del sa$i"; done > "$B"
	u0=$(usec_now)
	ip -batch "$B"
	u1=$(usec_now)
	out "scale op=veth_delete n=$SCALE usec=$((u1 - u0))"
	rm -f "$B"
}
