// SPDX-License-Identifier: GPL-2.0
/*
 * bench-insn.c - a QEMU TCG plugin for scripts/bench/run: exact counts of the
 * guest instructions executed per translation block, dumped each time the
 * guest passes a marker.
 *
 * scripts/bench/run builds it (gcc -shared -fPIC) and loads it into the QEMU
 * that runs the benchmark guest:
 *
 *   -plugin bench-insn.so,mark=0xADDR,out=FILE
 *
 * ADDR is the guest (kernel) address of a function the guest calls only to
 * mark a measurement window (the benchmark writes /proc/sys/vm/stat_refresh,
 * so it is vmstat_refresh(), found in System.map). Each time the guest
 * enters it, FILE gets "mark N" and then one line "VADDR INSNS COUNT" per
 * kernel translation block that ran since the previous mark (COUNT times,
 * INSNS instructions each); the counts start again from zero.
 *
 * Only for -icount runs: QEMU then runs all vCPUs on one thread, so the
 * counters need no atomics. Distributions do not ship qemu-plugin.h, so
 * the few declarations used are repeated here, for both plugin APIs:
 * version 1 (QEMU 7.2-8.2) counts with an inline add to a plain counter;
 * version 2 (QEMU 9 and later, built with -DINSN_API=2) counts in a
 * callback, because QEMU 10 aborts with "Bad icount read" when its
 * per-vCPU inline adds run under -icount.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef INSN_API
#define INSN_API 1
#endif

/* --- from QEMU's include/qemu/qemu-plugin.h --- */
typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
#if INSN_API < 2
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
#endif
enum qemu_plugin_cb_flags {
	QEMU_PLUGIN_CB_NO_REGS,
	QEMU_PLUGIN_CB_R_REGS,
	QEMU_PLUGIN_CB_RW_REGS,
};
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index,
					    void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
					  qemu_plugin_vcpu_udata_cb_t cb,
					  enum qemu_plugin_cb_flags flags,
					  void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
				    qemu_plugin_udata_cb_t cb, void *userdata);
/* --- end of the API declarations --- */

__attribute__((visibility("default"))) int qemu_plugin_version = INSN_API;

/* kernel text: the upper half of the address space */
#define KERNEL_START 0xffff800000000000ULL

struct tb_count {
	uint64_t vaddr;
	uint64_t count;
	uint32_t insns;
};

/*
 * Counters live in chunks that never move (the translated code holds their
 * addresses); a retranslated block gets a new counter.
 */
#define CHUNK 65536
static struct tb_count **chunks;
static size_t nr_chunks, used;
static uint64_t mark_addr;
static FILE *out;
static unsigned int marks;

static struct tb_count *new_count(void)
{
	if (used == nr_chunks * CHUNK) {
		struct tb_count **c = realloc(chunks, (nr_chunks + 1) * sizeof(*c));

		if (!c)
			return NULL;
		chunks = c;
		chunks[nr_chunks] = calloc(CHUNK, sizeof(struct tb_count));
		if (!chunks[nr_chunks])
			return NULL;
		nr_chunks++;
	}
	used++;
	return &chunks[(used - 1) / CHUNK][(used - 1) % CHUNK];
}

#if INSN_API >= 2
static void count(unsigned int vcpu_index, void *userdata)
{
	struct tb_count *t = userdata;

	t->count++;
}
#endif

static void dump(unsigned int vcpu_index, void *userdata)
{
	size_t i;

	fprintf(out, "mark %u\n", marks++);
	for (i = 0; i < used; i++) {
		struct tb_count *t = &chunks[i / CHUNK][i % CHUNK];

		if (!t->count)
			continue;
		fprintf(out, "%" PRIx64 " %" PRIu32 " %" PRIu64 "\n",
			t->vaddr, t->insns, t->count);
		t->count = 0;
	}
	fflush(out);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	struct tb_count *t;

	if (vaddr < KERNEL_START)
		return;
	if (vaddr == mark_addr)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, dump,
						     QEMU_PLUGIN_CB_NO_REGS, NULL);
	t = new_count();
	if (!t)
		return;
	t->vaddr = vaddr;
	t->insns = qemu_plugin_tb_n_insns(tb);
#if INSN_API >= 2
	qemu_plugin_register_vcpu_tb_exec_cb(tb, count, QEMU_PLUGIN_CB_NO_REGS, t);
#else
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &t->count, 1);
#endif
}

static void at_exit(qemu_plugin_id_t id, void *userdata)
{
	if (out)
		fclose(out);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info,
			int argc, char **argv)
{
	const char *path = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "mark=", 5))
			mark_addr = strtoull(argv[i] + 5, NULL, 16);
		else if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
	}
	if (!mark_addr || !path) {
		fprintf(stderr, "bench-insn: usage: -plugin bench-insn.so,mark=0xADDR,out=FILE\n");
		return -1;
	}
	out = fopen(path, "w");
	if (!out) {
		perror(path);
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
