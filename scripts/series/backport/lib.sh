# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Shared part of scripts/series/backport/TARGET.sh: derive the driver for an older
# kernel from the mainline source with Coccinelle, the way the kernel's
# backports project does it. Sourced, not run.
#
# Each target applies an ordered list of semantic patches from rules/, one
# per API change, each commented with the kernel version that made the
# change. Older targets apply the lists of the newer ones first:
#	v6.12 = RULES_V6_12
#	v6.1  = RULES_V6_12 + RULES_V6_1
#	v5.10 = RULES_V6_12 + RULES_V6_1 + RULES_V5_10
#	v4.14 = RULES_V6_12 + RULES_V6_1 + RULES_V5_10 + RULES_V4_14
# A target between two of these (5.15, 6.6) takes the lists of the next
# newer one and the rules of the next older list that its tree needs:
# notes/backport.md. After the rules, post.py lays out what Coccinelle
# added in kernel style (whitespace only, checked) and does the edits
# Coccinelle cannot express (comments, preprocessor blocks), each keyed to
# the rule that calls for it; see post.py.

# 7.3 -> 6.12
RULES_V6_12="
	netdev-lock-header
	newlink-params
	module-import-ns
	netpoll-setup-info
"
# 6.12 -> 6.1
RULES_V6_1="
	lltx
	dstats-to-tstats
	kunit-tstats
	kunit-param-desc
	kzalloc-obj
"
# 6.1 -> 5.10
RULES_V5_10="
	pcpu-stat-type
	sw-netstats
	core-stats
	netdev-tracker
	tso-max
	kunit-visibility-header
	kunit-configure-link
	kunit-pcpu-stats
	kunit-null-macros
	kunit-kcalloc
	kunit-param-unroll
	kunit-typecheck
"
# 5.10 -> 4.14
RULES_V4_14="
	eth-hw-addr-set
	upper-dev-link-extack
	ptype-ignore-outgoing
	nla-policy-max
	netpoll-free
	netpoll-send-void
	kunit-visibility
"
# Rules applied again until they change nothing: each application does
# one step, where several bindings adding at one place would come out in
# no fixed order (kunit-param-unroll: one case per element of the array).
RULES_REPEAT="
	kunit-param-unroll
"
# Rules that need the types of kernel expressions (sk_buff::len, say):
# spatch reads the tree's headers for types (not to change them), which
# takes seconds instead of a fraction of one.
RULES_TYPED="
	kunit-typecheck
"

backport_die() {
	echo "backport: $*" >&2
	exit 1
}

# backport TARGET WORKTREE: apply TARGET's rules to the driver in WORKTREE.
backport() {
	target=$1
	tree=$2
	here=$(cd "$(dirname "$0")" && pwd)

	case $target in
	v6.12) rules=$RULES_V6_12 ;;
	v6.1) rules="$RULES_V6_12 $RULES_V6_1" ;;
	v5.10) rules="$RULES_V6_12 $RULES_V6_1 $RULES_V5_10" ;;
	v4.14) rules="$RULES_V6_12 $RULES_V6_1 $RULES_V5_10 $RULES_V4_14" ;;
	*) backport_die "unknown target '$target'" ;;
	esac

	[ -n "$tree" ] || backport_die "usage: $0 WORKTREE (a kernel tree with drivers/net/virtnet/ in it)"
	tree=$(cd "$tree" && pwd) || backport_die "no directory $2"
	dir=$tree/drivers/net/virtnet
	[ -f "$dir/virtnet.h" ] ||
		backport_die "$dir/virtnet.h not found: copy the driver into the tree first"
	command -v spatch >/dev/null ||
		backport_die "spatch not found: install coccinelle (apt-get install coccinelle)"
	command -v python3 >/dev/null ||
		backport_die "python3 not found"

	# Fixed file order, no includes, one job: the same input always
	# gives the same output. spatch takes the files of one run as one
	# program ("depends on" a match in any of them), so the driver's
	# files go together and the KUnit suites (tests/) together: a rule
	# keyed to the driver's own ops must not fire on a test's fake
	# device.
	driver=$(cd "$dir" && printf '%s\n' *.h *.c | LC_ALL=C sort)
	tests=
	if [ -d "$dir/tests" ]; then
		tests=$(cd "$dir" && printf '%s\n' tests/*.h tests/*.c | LC_ALL=C sort)
	fi
	for rule in $rules; do
		sp=$here/rules/$rule.cocci
		[ -f "$sp" ] || backport_die "missing rule file $sp"
		passes=1
		case " $(echo $RULES_REPEAT) " in
		*" $rule "*) passes=64 ;;
		esac
		incs=--no-includes
		case " $(echo $RULES_TYPED) " in
		*" $rule "*)
			[ -f "$tree/include/linux/netdevice.h" ] ||
				backport_die "$rule needs the headers of $tree (include/, arch/x86/include/)"
			incs="--all-includes --recursive-includes --include-headers-for-types"
			for i in include include/uapi arch/x86/include arch/x86/include/uapi; do
				incs="$incs -I $tree/$i"
			done
			;;
		esac
		for group in "$driver" "$tests"; do
			[ -n "$group" ] || continue
			pass=0
			while :; do
				pass=$((pass + 1))
				# shellcheck disable=SC2086 # a list of file names
				[ $passes -eq 1 ] || sum=$(cd "$dir" && cat $group | cksum)
				# shellcheck disable=SC2086 # a list of file names
				# shellcheck disable=SC2086 # $incs is a list of options
				log=$(cd "$dir" && spatch --very-quiet --no-show-diff \
					$incs --jobs 1 --in-place --sp-file "$sp" \
					$group 2>&1) ||
					backport_die "spatch failed with $sp on $dir: $log"
				# spatch reports some failures (an unparsable
				# file, a conflict between two matches) on
				# stderr and still exits 0.
				if [ -n "$log" ]; then
					backport_die "spatch complained with $sp on $dir: $log"
				fi
				[ $passes -gt 1 ] || break
				# shellcheck disable=SC2086 # a list of file names
				[ "$(cd "$dir" && cat $group | cksum)" != "$sum" ] || break
				[ $pass -lt $passes ] ||
					backport_die "$sp still changes $dir after $passes passes"
			done
		done
	done

	# post.py's edits are keyed to the rules that call for them.
	# shellcheck disable=SC2086 # a list of rule names
	python3 "$here/post.py" "$target" "$dir" $rules ||
		backport_die "post.py $target failed on $dir"
}
