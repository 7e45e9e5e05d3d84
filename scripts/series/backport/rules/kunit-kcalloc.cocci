// SPDX-License-Identifier: GPL-2.0
/*
 * kunit_kcalloc() and kunit_kmalloc_array() are newer than v5.10:
 * v5.10.223 has kunit_kmalloc(), kunit_kzalloc() and kunit_kfree() only
 * (include/kunit/test.h:559-576); v6.1.192 has both (test.h:323, :367).
 * kcalloc() is a zeroed allocation of n * size that fails on overflow:
 * kunit_kzalloc() of array_size(), which saturates on overflow so that
 * the allocation fails (include/linux/overflow.h:316-326), is the same.
 * Upstream: "kunit: Add kunit_kmalloc_array() and wire up kunit_kmalloc()"
 * (v5.12; subject and release from memory, unverified).
 */
// Token by token, so that the arguments keep their lines.
@@
expression T, N, S, G;
@@
- kunit_kcalloc
+ kunit_kzalloc
  (T,
- N
+ array_size(N
  , S
+ )
  , G)
