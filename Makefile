# SPDX-License-Identifier: GPL-2.0
#
# The harness: see README.md. Kernel trees, builds and downloads live in
# $(VIRTNET_CACHE) (default ~/.cache/virtnet), never in this repository.

SHELL := /bin/bash
S := scripts

# v4.14 has no Debian package: pass a tree with KSRC_V4_14=/path.
PATCH_TARGETS := mainline v6.12 v6.1 $(if $(KSRC_V4_14),v4.14)

.PHONY: all deps check demo patches kunit vmtest v414-vmtest soak bench clean-cache

all: check

deps:
	@$(S)/deps

check:
	@$(S)/check

demo:
	@$(S)/deps
	@$(S)/demo

patches:
	@set -e; for t in $(PATCH_TARGETS); do \
		if [ $$t = v4.14 ]; then KSRC=$(KSRC_V4_14) $(S)/get-kernel $$t >/dev/null; \
		else $(S)/get-kernel $$t >/dev/null; fi; \
		$(S)/gen-series $$t; \
	done

kunit:
	@$(S)/deps
	@$(S)/get-kernel mainline >/dev/null
	@$(S)/apply-series mainline >/dev/null
	@$(S)/run-kunit mainline

vmtest:
	@$(S)/deps
	@$(S)/get-kernel mainline >/dev/null
	@$(S)/apply-series mainline >/dev/null
	@$(S)/vmtest

# The v4.14 series on a 4.14 tree given by path, in a QEMU guest.
v414-vmtest:
	@test -n "$(KSRC_V4_14)" || \
		{ echo "usage: make v414-vmtest KSRC_V4_14=/path/to/linux-4.14.y" >&2; exit 1; }
	@KSRC=$(KSRC_V4_14) $(S)/run-v4.14-vm

soak:
	@$(S)/deps
	@$(S)/soak $(if $(DURATION),--duration $(DURATION)) $(if $(TREE),--tree $(TREE))

bench:
	@$(S)/deps
	@$(S)/bench

clean-cache:
	rm -rf "$${VIRTNET_CACHE:-$$HOME/.cache/virtnet}"
