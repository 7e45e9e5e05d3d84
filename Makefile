# SPDX-License-Identifier: GPL-2.0
#
# The harness: see README.md. Kernel trees, builds and downloads live in
# $(VIRTNET_CACHE) (default ~/.cache/virtnet), never in this repository.

SHELL := /bin/bash
S := scripts

# v4.14 has no Debian package: pass a tree with KSRC_V4_14=/path.
PATCH_TARGETS := mainline v6.12 v6.1 $(if $(KSRC_V4_14),v4.14)

.PHONY: all deps check demo patches kunit vmtest v414-vmtest soak faults fuzz bench clean-cache

all: check

deps:
	@$(S)/deps

check:
	@$(S)/check/run

demo:
	@$(S)/deps
	@$(S)/vm/demo

patches:
	@set -e; for t in $(PATCH_TARGETS); do \
		if [ $$t = v4.14 ]; then KSRC=$(KSRC_V4_14) $(S)/trees/get-kernel $$t >/dev/null; \
		else $(S)/trees/get-kernel $$t >/dev/null; fi; \
		$(S)/series/generate $$t; \
	done

kunit:
	@$(S)/deps
	@$(S)/trees/get-kernel mainline >/dev/null
	@$(S)/trees/apply-series mainline >/dev/null
	@$(S)/check/kunit mainline

vmtest:
	@$(S)/deps
	@$(S)/trees/get-kernel mainline >/dev/null
	@$(S)/trees/apply-series mainline >/dev/null
	@$(S)/vm/selftests

# The v4.14 series on a 4.14 tree given by path, in a QEMU guest.
v414-vmtest:
	@test -n "$(KSRC_V4_14)" || \
		{ echo "usage: make v414-vmtest KSRC_V4_14=/path/to/linux-4.14.y" >&2; exit 1; }
	@KSRC=$(KSRC_V4_14) $(S)/vm/run-v4.14

soak:
	@$(S)/deps
	@$(S)/soak/run $(if $(DURATION),--duration $(DURATION)) $(if $(TREE),--tree $(TREE))

# fail-nth sweeps of every control operation in the debug guest.
faults:
	@$(S)/deps
	@$(S)/faults/sweep $(if $(OPS),--ops "$(OPS)")

# The seeded rtnetlink fuzzer in the debug guest, seed after seed.
fuzz:
	@$(S)/deps
	@$(S)/faults/fuzz $(if $(SEED),--seed $(SEED)) $(if $(COUNT),--count $(COUNT)) \
		$(if $(DURATION),--duration $(DURATION))

bench:
	@$(S)/deps
	@$(S)/bench/run

clean-cache:
	rm -rf "$${VIRTNET_CACHE:-$$HOME/.cache/virtnet}"
