#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Derive the v5.10 version of the virtnet driver in a kernel worktree:
#   scripts/series/backport/v5.10.sh WORKTREE
# The series generator runs it after copying drivers/net/virtnet/ and the
# other files into WORKTREE. The rules and their order are in lib.sh.
set -eu
. "$(dirname "$0")/lib.sh"
backport v5.10 "${1:-}"
