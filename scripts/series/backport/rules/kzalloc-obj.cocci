// SPDX-License-Identifier: GPL-2.0
/*
 * kzalloc_obj() (the typed allocators of <linux/slab.h>) is absent in
 * v6.1.192 and present in v6.12.117 (a stable backport) and v7.3.4,
 * whose checkpatch asks for it: allocate with kzalloc(sizeof()) and
 * GFP_KERNEL, which is kzalloc_obj()'s default.
 * Upstream: "slab: Introduce kmalloc_obj() and family" (v7.0; subject and
 * release from memory, unverified).
 */
@@
expression E;
@@
- kzalloc_obj(E)
+ kzalloc(sizeof(E), GFP_KERNEL)
