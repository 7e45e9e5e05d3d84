# SPDX-License-Identifier: GPL-2.0
#
# The harness: see README.md. Kernel trees, builds and downloads live in
# $(VIRTNET_CACHE) (default ~/.cache/virtnet), never in this repository.

SHELL := /bin/bash
S := scripts

# v4.14 has no Debian package: the pinned tarball in ../shared/kernels/
# when it is there, or a tree given with KSRC_V4_14=/path.
V4_14_TARBALL := $(CURDIR)/../shared/kernels/linux-4.14.325.tar.xz
PATCH_TARGETS := mainline v6.12 v6.1 v5.10 $(if $(or $(KSRC_V4_14),$(wildcard $(V4_14_TARBALL))),v4.14)

# TARGET=T: what runs in a guest (vmtest, soak, bench) runs on target T's
# kernel with its series (default mainline, v7.3).
TARGET ?= mainline
# get-kernel of TARGET (v4.14: KSRC_V4_14 when given).
GET_TARGET = $(if $(filter v4.14,$(TARGET)),KSRC=$(KSRC_V4_14)) $(S)/trees/get-kernel $(TARGET) >/dev/null

# The iproute2 series: upstream 7.1.0 (iproute2-next) and Debian's 6.1.0-3.
IPROUTE2_TARGETS := iproute2 iproute2-6.1

.PHONY: all deps check demo patches mbox kunit vmtest kernel-tests v414-vmtest kcsan soak faults fuzz bench clean-cache

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
	@set -e; for t in $(IPROUTE2_TARGETS); do \
		$(S)/trees/get-iproute2 $$t >/dev/null; \
		$(S)/series/generate $$t; \
	done

# Each series as mail in out/mbox/ (TARGET.mbox, TARGET/*.patch for git
# send-email), To/Cc from the MAINTAINERS of its patched tree.
mbox:
	@KSRC=$(KSRC_V4_14) $(S)/series/mbox $(PATCH_TARGETS) $(IPROUTE2_TARGETS)

kunit:
	@$(S)/deps
	@$(S)/trees/get-kernel mainline >/dev/null
	@$(S)/trees/apply-series mainline >/dev/null
	@$(S)/check/kunit mainline

vmtest:
	@$(S)/deps
	@$(GET_TARGET)
	@$(S)/trees/apply-series $(TARGET) >/dev/null
	@$(S)/vm/selftests --target $(TARGET) $(if $(filter undefined,$(origin NICS)),,--nics "$(NICS)")

# The kernel's own drivers/net tests (ping.py, stats.py, netpoll_basic.py)
# with vnet0 as the device under test, on igb (NICS=e1000e|virtio); the
# patched ip creates the mode ptype filter mac vnet0 (else YNL does).
kernel-tests:
	@$(S)/deps
	@$(S)/trees/get-kernel mainline >/dev/null
	@$(S)/trees/apply-series mainline >/dev/null
	@set -o pipefail; ip=$$($(S)/build/iproute2 iproute2 | tail -n1) || ip=; \
	$(S)/vm/kernel-tests $(if $(NICS),--nics $(NICS)) $${ip:+--ip "$$ip"}

# The selftests on the KCSAN guest (two vCPUs): kcsan_test at boot, then
# software mode and hardware mode on igb (NICS= to change); no KCSAN
# report may name virtnet. Writes results/kcsan.txt.
kcsan:
	@$(S)/deps
	@$(S)/trees/get-kernel mainline >/dev/null
	@$(S)/trees/apply-series mainline >/dev/null
	@$(S)/vm/selftests --kcsan --nics "$(if $(filter undefined,$(origin NICS)),igb,$(NICS))"

# The v4.14 series on the pinned 4.14 tree (or one given by path), in a
# QEMU guest, software mode: make vmtest TARGET=v4.14 NICS="".
v414-vmtest:
	@$(MAKE) --no-print-directory vmtest TARGET=v4.14 NICS=

# Faults under traffic in the debug guest; NIC=igb adds a real NIC's
# faults, KCSAN=1 runs it on the KCSAN guest instead (v7.3).
soak:
	@$(S)/deps
	@$(GET_TARGET)
	@$(S)/soak/run --target $(TARGET) $(if $(DURATION),--duration $(DURATION)) $(if $(TREE),--tree $(TREE)) \
		$(if $(NIC),--nic $(NIC)) $(if $(filter 1,$(KCSAN)),--kcsan)

# fail-nth sweeps of every control operation in the debug guest.
faults:
	@$(S)/deps
	@$(S)/trees/get-kernel mainline >/dev/null
	@$(S)/faults/sweep $(if $(OPS),--ops "$(OPS)") $(if $(RECORD),--record $(RECORD))

# The seeded rtnetlink fuzzer in the debug guest, seed after seed.
fuzz:
	@$(S)/deps
	@$(S)/trees/get-kernel mainline >/dev/null
	@$(S)/faults/fuzz $(if $(SEED),--seed $(SEED)) $(if $(COUNT),--count $(COUNT)) \
		$(if $(DURATION),--duration $(DURATION))

# make bench NICS="...": the emulated NIC models whose runs (pktgen and
# TCP, bench/guest-nic.sh) join the benchmark's; NICS= for none.
BENCH_NICS ?= igb e1000e
bench:
	@$(S)/deps
	@$(GET_TARGET)
	@$(S)/bench/run --target $(TARGET) --nics "$(if $(filter undefined,$(origin NICS)),$(BENCH_NICS),$(NICS))"

clean-cache:
	rm -rf "$${VIRTNET_CACHE:-$$HOME/.cache/virtnet}"
