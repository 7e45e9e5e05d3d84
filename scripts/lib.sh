# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh - sourced by every harness script.
#
#   REPO            the repository root (derived from this file's location)
#   VIRTNET_CACHE   trees, builds, downloads, ccache (default ~/.cache/virtnet)
#   VIRTNET_RESULTS file that collects result lines (TAP-ish); if unset,
#                   results are only printed
#   VIRTNET_JOBS    make -j (default 2)
#
#   die "what failed" ["what to do"]    print both to stderr, exit 1
#   warn "message"                      print to stderr, continue
#   stage NAME                          "== NAME" now, "== NAME: ok|FAILED (Ns)"
#                                       when the next stage starts or the
#                                       script exits
#   result ok|fail|skip NAME [detail]   record and print one result line
#   on_exit "command"                   run at exit (before the stage end line)
#   lock NAME                           serialise on $VIRTNET_CACHE/locks/NAME
#   check_target TARGET                 die unless TARGET is known
#   guest_dir TARGET [debug|kcsan]      the guest's build directory
#   guest_frags TARGET TREE [debug|kcsan]
#                                       its config fragments, in order
#
# lib.sh installs an EXIT trap; scripts add their clean-ups with on_exit
# instead of a trap of their own.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VIRTNET_CACHE=${VIRTNET_CACHE:-$HOME/.cache/virtnet}
VIRTNET_JOBS=${VIRTNET_JOBS:-2}
export VIRTNET_CACHE VIRTNET_JOBS
export CCACHE_DIR=${CCACHE_DIR:-$VIRTNET_CACHE/ccache}
# Reproducible tools: C collation, English messages, no user git config.
export LC_ALL=C
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL=/dev/null

# Known targets. v5.10 is Debian bullseye's linux-source-5.10. v4.14 has
# no Debian package: it comes from the pinned tarball beside the
# repository (../shared/kernels/, sha256 in the README there) or from any
# tree by path (KSRC=/path).
VIRTNET_TARGETS="mainline v6.12 v6.1 v5.10 v4.14"
VIRTNET_V4_14_TARBALL=$(realpath -m "$REPO/../shared/kernels/linux-4.14.325.tar.xz")
# Targets CI fetches, patches, builds: v4.14 too when its tarball is there.
# shellcheck disable=SC2034 # for the scripts that source this file
VIRTNET_CI_TARGETS="mainline v6.12 v6.1 v5.10"
[ ! -f "$VIRTNET_V4_14_TARBALL" ] || VIRTNET_CI_TARGETS="$VIRTNET_CI_TARGETS v4.14"

_LIB_PROG=$(realpath -m --relative-to="$REPO/scripts" "$0" 2>/dev/null || basename "$0")
_LIB_STAGE=
_LIB_STAGE_T0=0
_LIB_EXIT_CMDS=()

die()
{
	echo "$_LIB_PROG: error: $1" >&2
	if [ $# -gt 1 ] && [ -n "$2" ]; then
		echo "$_LIB_PROG: to fix: $2" >&2
	fi
	exit 1
}

warn()
{
	echo "$_LIB_PROG: warning: $*" >&2
}

info()
{
	echo "$_LIB_PROG: $*" >&2
}

_lib_stage_end()
{
	local rc=$1 secs

	[ -n "$_LIB_STAGE" ] || return 0
	secs=$(( $(date +%s) - _LIB_STAGE_T0 ))
	if [ "$rc" -eq 0 ]; then
		echo "== $_LIB_STAGE: ok ($(fmt_secs "$secs"))"
	else
		echo "== $_LIB_STAGE: FAILED ($(fmt_secs "$secs"))"
	fi
	_LIB_STAGE=
}

stage()
{
	_lib_stage_end 0
	_LIB_STAGE=$1
	_LIB_STAGE_T0=$(date +%s)
	echo "== $_LIB_STAGE"
}

fmt_secs()
{
	if [ "$1" -ge 60 ]; then
		printf '%dm%02ds' $(( $1 / 60 )) $(( $1 % 60 ))
	else
		printf '%ds' "$1"
	fi
}

on_exit()
{
	_LIB_EXIT_CMDS+=("$1")
}

_lib_exit()
{
	local rc=$? cmd

	set +e
	for cmd in "${_LIB_EXIT_CMDS[@]}"; do
		eval "$cmd"
	done
	_lib_stage_end "$rc"
	return "$rc"
}
trap _lib_exit EXIT

# result ok|fail|skip NAME [detail]
# Appends "ok N - NAME # detail", "not ok N - NAME # detail" or
# "ok N - NAME # SKIP detail" to $VIRTNET_RESULTS and prints it.
result()
{
	local status=$1 name=$2 detail=${3:-} n=1 line

	case $status in
	ok|fail|skip) ;;
	*) die "result: bad status '$status' (want ok, fail or skip)" ;;
	esac
	if [ -n "${VIRTNET_RESULTS:-}" ]; then
		mkdir -p "$(dirname "$VIRTNET_RESULTS")"
		[ -f "$VIRTNET_RESULTS" ] &&
			n=$(( $(grep -c '^\(not \)\?ok ' "$VIRTNET_RESULTS" || true) + 1 ))
	fi
	case $status in
	ok) line="ok $n - $name${detail:+ # $detail}" ;;
	fail) line="not ok $n - $name${detail:+ # $detail}" ;;
	skip) line="ok $n - $name # SKIP${detail:+ $detail}" ;;
	esac
	if [ -n "${VIRTNET_RESULTS:-}" ]; then
		echo "$line" >> "$VIRTNET_RESULTS"
	fi
	echo "$line"
}

# summary [FILE]: prints "N passed, N failed" for the result lines in FILE
# (default $VIRTNET_RESULTS); returns 1 if any failed or none passed.
summary()
{
	local f=${1:-${VIRTNET_RESULTS:-}} pass=0 fail=0 skip=0

	if [ -n "$f" ] && [ -f "$f" ]; then
		skip=$(grep -c '^ok [0-9]* - .* # SKIP' "$f" || true)
		pass=$(( $(grep -c '^ok ' "$f" || true) - skip ))
		fail=$(grep -c '^not ok ' "$f" || true)
	fi
	[ "$skip" -eq 0 ] || echo "($skip skipped)"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
}

lock()
{
	local fd

	mkdir -p "$VIRTNET_CACHE/locks"
	exec {fd}>"$VIRTNET_CACHE/locks/$1.lock"
	if ! flock -n "$fd"; then
		info "waiting for another run holding $VIRTNET_CACHE/locks/$1.lock"
		flock "$fd"
	fi
}

check_target()
{
	case " $VIRTNET_TARGETS " in
	*" $1 "*) ;;
	*) die "unknown target '$1'" "use one of: $VIRTNET_TARGETS" ;;
	esac
}

need_cmd()
{
	local c

	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "'$c' is not installed" "run 'make deps' (scripts/deps) as root"
	done
}

# The Debian python with the distribution's modules (docutils, codespell);
# a python from pyenv or a venv first in PATH may lack them.
SYS_PYTHON=python3
[ -x /usr/bin/python3 ] && SYS_PYTHON=/usr/bin/python3
export SYS_PYTHON

# Fixed identity and dates: every generated commit is reproducible.
_lib_identity()
{
	local f=$REPO/scripts/series/identity line

	[ -r "$f" ] || die "$f is missing" "restore it from git"
	line=$(grep -v '^#' "$f" | grep -m1 .)
	VIRTNET_IDENT_NAME=${line% <*}
	VIRTNET_IDENT_EMAIL=${line##*<}
	VIRTNET_IDENT_EMAIL=${VIRTNET_IDENT_EMAIL%>}
	if [ -z "$VIRTNET_IDENT_NAME" ] || [ -z "$VIRTNET_IDENT_EMAIL" ]; then
		die "cannot read 'Name <email>' from $f" "write one line like 'Virtnet Developers <virtnet-devel@lists.invalid>'"
	fi
}

# git_ident DATE: export author and committer for git commit / git am.
git_ident()
{
	_lib_identity
	export GIT_AUTHOR_NAME="$VIRTNET_IDENT_NAME"
	export GIT_AUTHOR_EMAIL="$VIRTNET_IDENT_EMAIL"
	export GIT_COMMITTER_NAME="$VIRTNET_IDENT_NAME"
	export GIT_COMMITTER_EMAIL="$VIRTNET_IDENT_EMAIL"
	export GIT_AUTHOR_DATE="$1"
	export GIT_COMMITTER_DATE="$1"
}

# Paths in the cache.
tree_dir() { echo "$VIRTNET_CACHE/trees/$1"; }

# guest_dir TARGET [debug|kcsan]: build/guest (mainline) or build/guest-T,
# with -debug or -kcsan for those guests.
guest_dir()
{
	local d=$VIRTNET_CACHE/build/guest

	[ "$1" = mainline ] || d=$d-$1
	echo "$d${2:+-$2}"
}

# guest_frags TARGET TREE [debug|kcsan]: the guest's config fragments, one
# per line, in the order scripts/build/guest merges them: the common one,
# the selftests' own (when TREE has it), the debug or KCSAN one, then what
# the target names or defaults differently (configs/guest-T.config, with
# debug configs/debug-T.config).
guest_frags()
{
	local t=$1 st=$2/tools/testing/selftests/drivers/net/virtnet/config

	echo "$REPO/configs/guest.config"
	[ ! -f "$st" ] || echo "$st"
	[ -z "${3:-}" ] || echo "$REPO/configs/$3.config"
	[ ! -f "$REPO/configs/guest-$t.config" ] || echo "$REPO/configs/guest-$t.config"
	[ "${3:-}" != debug ] || [ ! -f "$REPO/configs/debug-$t.config" ] ||
		echo "$REPO/configs/debug-$t.config"
}
tree_stamp() { echo "$VIRTNET_CACHE/trees/$1/.git/virtnet-tree"; }

# tree_base TARGET: the base commit of a complete tree, or nothing.
tree_base()
{
	local s

	s=$(tree_stamp "$1")
	[ -f "$s" ] || return 0
	sed -n 's/^base=//p' "$s"
}

# worktree_ready DIR TREE: DIR is a live worktree of the git repo TREE.
worktree_ready()
{
	local common

	[ -e "$1/.git" ] || return 1
	common=$(git -C "$1" rev-parse --path-format=absolute --git-common-dir 2>/dev/null) ||
		return 1
	[ "$common" = "$(cd "$2/.git" && pwd -P)" ]
}

# SPLAT_RE: what in a guest kernel log is a kernel bug report, the lines
# netdev's runners and syzkaller look for (kernel splats, lockdep, RCU,
# KASAN/UBSAN/kmemleak, refcount and reference tracker reports, a device
# reference never released, hung tasks and stalls).
SPLAT_RE='BUG:|WARNING:|KASAN|UBSAN|Oops|general protection|Kernel panic|RIP:|Call Trace|'
SPLAT_RE+='possible circular locking|possible recursive locking|inconsistent lock state|'
SPLAT_RE+='suspicious RCU|sleeping function called from invalid context|'
SPLAT_RE+='unreferenced object|kmemleak: .*suspected memory leak|'
SPLAT_RE+='refcount_t:|ref_tracker|waiting for .* to become free|list_(add|del) corruption|'
SPLAT_RE+='blocked for more than|detected stall|self-detected stall|soft lockup|hard LOCKUP'
export SPLAT_RE

# --- names used by scripts written before this file settled ---------------
# shellcheck disable=SC2034 # for the scripts that source this file
JOBS=$VIRTNET_JOBS
log() { info "$@"; }
need_root()
{
	[ "$(id -u)" -eq 0 ] ||
		die "this needs root (it installs packages)" "run it as root, e.g. 'sudo $0'"
}
tree_of() { tree_dir "$1"; }
# series_identity: fixed identity and date for generated commits.
series_identity() { git_ident "2000-01-01T00:00:00+0000"; }
