# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# faults/lib.sh - the host side that faults/sweep and faults/fuzz share:
# build a tool of this folder, boot the debug guest with a command, and
# turn the guest's exit status and kernel log into result lines. Sourced
# after scripts/lib.sh.
#
#   faults_tool NAME        build NAME.c into $VIRTNET_CACHE/build/NAME, print it
#   faults_logdir NAME      the log folder of a run (made; writable in the guest)
#   faults_guest NAME CMD   build the debug guest (on $TREE, or the applied
#                           v7.3), run CMD in it; output and kernel log in
#                           $VIRTNET_CACHE/NAME/; sets FAULTS_RC, FAULTS_OUT.
#                           FAULTS_DEBUG=0 (--plain): the selftests' guest,
#                           which has fail-nth but no KASAN or kmemleak
#   faults_res ok|fail ...  result(), counting failures in FAULTS_NFAIL
#   faults_exit_status NAME what the guest's exit status says, a result line
#   faults_klog NAME        the kernel log has no splat, a result line
#   faults_record NAME RUN  results/NAME.txt from the result lines (what
#                           the cover letters quote once it is committed)

FAULTS_NFAIL=0
FAULTS_FIGS=()
# The commit the run starts on: others commit during an hour-long run.
FAULTS_REC=$("$REPO/scripts/series/record-result" --begin || true)
TREE=${TREE:-}
TIMEOUT=${TIMEOUT:-5400}
FAULTS_DEBUG=${FAULTS_DEBUG:-1}

faults_tool()
{
	local bin=$VIRTNET_CACHE/build/$1

	mkdir -p "$(dirname "$bin")"
	gcc -O2 -Wall -Wextra -Werror -o "$bin" "$REPO/scripts/faults/$1.c" ||
		die "scripts/faults/$1.c did not build" "read the compiler's message above"
	echo "$bin"
}

faults_logdir()
{
	local d=$VIRTNET_CACHE/$1

	[ "$FAULTS_DEBUG" != 0 ] || d=$d-plain
	mkdir -p "$d"
	echo "$d"
}

faults_guest()
{
	local name=$1 cmd=$2 build logdir kind=debug
	local -a dbg=(--debug)

	if [ "$FAULTS_DEBUG" = 0 ]; then
		kind=plain
		dbg=()
	fi
	logdir=$(faults_logdir "$1")
	FAULTS_OUT=$logdir/output.log
	FAULTS_KLOG=$logdir/kernel.log
	if [ -z "$TREE" ]; then
		stage "$name: apply the series to v7.3"
		TREE=$("$REPO/scripts/trees/apply-series" mainline | tail -n1) ||
			die "could not apply patches/mainline to v7.3" \
				"read trees/apply-series' message above"
	fi
	stage "$name: build the $kind guest kernel"
	build=$("$REPO/scripts/build/guest" "${dbg[@]}" "$TREE" | tail -n1) ||
		die "the $kind guest kernel did not build" "read the build errors above"
	grep -q '^CONFIG_FAULT_INJECTION_DEBUG_FS=y' "$build/.config" ||
		die "$build has no fault injection" \
			"configs/debug.config and configs/guest.config must have CONFIG_FAULT_INJECTION_DEBUG_FS=y"

	stage "$name: in the $kind guest (log: $FAULTS_OUT)"
	set +e
	(cd "$REPO" && "$REPO/scripts/vm/run" "${dbg[@]}" --build "$build" --timeout "$TIMEOUT" \
		--rwdir "$logdir" --console-log "$FAULTS_KLOG" -- "$cmd") 2>&1 | tee "$FAULTS_OUT"
	FAULTS_RC=${PIPESTATUS[0]}
	set -e
	stage "$name: results"
}

faults_res()
{
	[ "$1" != fail ] || FAULTS_NFAIL=$((FAULTS_NFAIL + 1))
	result "$@"
	FAULTS_FIGS+=("$1: $2${3:+: $3}")
}

faults_record()
{
	local name=$1

	[ "$FAULTS_DEBUG" != 0 ] || name=$1-plain
	"$REPO/scripts/series/record-result" --at "$FAULTS_REC" "$name" "$TREE" \
		"$2" "${FAULTS_FIGS[@]}"
}

faults_exit_status()
{
	local what="$1: module unload, kmemleak"

	case "$FAULTS_RC" in
	0) faults_res ok "$what" "$(grep -o "$1: result: .*" "$FAULTS_OUT" | tail -n1)" ;;
	1) faults_res fail "$what" "see the '$1: FAIL' lines in $FAULTS_OUT" ;;
	4) faults_res fail "$what" "the setup in the guest failed: see $FAULTS_OUT" ;;
	124) faults_res fail "$what" "the guest did not finish within ${TIMEOUT}s: see $FAULTS_KLOG" ;;
	125) faults_res fail "$what" "vm/run could not start the guest (see above)" ;;
	*) faults_res fail "$what" "exit $FAULTS_RC; see $FAULTS_OUT and $FAULTS_KLOG" ;;
	esac
}

# An injected page allocator failure dumps the stack of the failing call
# (warn_alloc(), up to "</TASK>"): expected here, not a kernel bug. So is
# ref_tracker's one line when its own allocation is the one failed (the
# reference is then counted untracked; a leak still shows at unregister).
# And so is the core's WARN_ON(err) after device_rename() in
# __dev_change_net_namespace() (net/core/dev.c): a netns move whose
# kobject rename fails to allocate warns there for any device, veth
# lowers too. Such a report, "cut here" to "end trace", is counted apart
# (the console may garble its first lines: the WARNING or the RIP line
# names the function).
faults_klog()
{
	local klog=${FAULTS_KLOG%.log}-without-injected.log injected netns

	netns=$(awk '
	     function flush() { if (!core) printf "%s", blk; else n++; blk = ""; inblk = core = 0 }
	     /page allocation failure:/ { skip = 1 }
	     /ref_tracker: memory allocation failure, unreliable refcount tracker/ { next }
	     /cut here \]-|here \]-----|WARNING: / && !skip { inblk = 1 }
	     inblk && /(at |RIP: 0010:)__dev_change_net_namespace\+/ { core = 1 }
	     !skip { if (inblk) blk = blk $0 "\n"; else print > "/dev/stderr" }
	     inblk && /---\[ end trace/ { flush() }
	     /<\/TASK>/ { skip = 0 }
	     END { if (inblk) flush(); print n + 0 }' \
		"$FAULTS_KLOG" 2> "$klog") || netns=0
	injected=$(grep -c 'page allocation failure:' "$FAULTS_KLOG" 2>/dev/null || true)
	if [ ! -s "$FAULTS_KLOG" ]; then
		faults_res fail "$1: guest kernel log has no splat" \
			"the log is empty: did the guest boot? ($FAULTS_KLOG)"
	elif grep -E -q "$SPLAT_RE" "$klog"; then
		grep -E -m 20 -A 14 "$SPLAT_RE" "$klog" | head -n 120 >&2 || true
		faults_res fail "$1: guest kernel log has no splat" \
			"first: '$(grep -E -m1 "$SPLAT_RE" "$klog" | cut -c1-160)'; see $FAULTS_KLOG"
	else
		faults_res ok "$1: guest kernel log has no splat" \
			"$(wc -l <"$FAULTS_KLOG") lines checked, ${injected:-0} dumps of injected page allocation failures and ${netns:-0} core WARNs of a failed device_rename() in a netns move left out"
	fi
}
