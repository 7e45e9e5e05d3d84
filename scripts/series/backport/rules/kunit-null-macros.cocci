// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit's NULL checks are newer than v5.10: KUNIT_EXPECT_NULL(),
 * KUNIT_EXPECT_NOT_NULL(_MSG)() and KUNIT_ASSERT_NOT_NULL() are absent in
 * v5.10.223 (and v5.15.215, by the research notes), present in v6.1.192
 * (include/kunit/test.h:939, :960, :965, :1269). Upstream: "kunit:
 * Introduce _NULL and _NOT_NULL macros" (v5.18; release from memory,
 * unverified).
 *
 * v5.10 has KUNIT_{EXPECT,ASSERT}_NOT_ERR_OR_NULL(_MSG)() (test.h:1458,
 * :1461, :1735), which its own tests use for the same purpose
 * (lib/kunit/kunit-test.c:83); none of the pointers checked here can be
 * an ERR_PTR(). "Is NULL" is KUNIT_EXPECT_PTR_EQ() (test.h:1255), whose
 * __typecheck() (test.h:748) warns unless both sides have one type: the
 * pointer is compared as a void *, the type of NULL. (v5.10's own tests
 * cast NULL to the pointer's type instead, lib/kunit/kunit-test.c:435;
 * Coccinelle does not type function pointer members reliably, which
 * the suite checks too.)
 */
@@
expression T, P;
@@
(
- KUNIT_ASSERT_NOT_NULL(T, P)
+ KUNIT_ASSERT_NOT_ERR_OR_NULL(T, P)
|
- KUNIT_EXPECT_NOT_NULL(T, P)
+ KUNIT_EXPECT_NOT_ERR_OR_NULL(T, P)
)

// Token by token, so that the pointer keeps its lines; post.py takes
// out the space Coccinelle leaves after the cast.
@@
expression T, P;
@@
- KUNIT_EXPECT_NULL(T,
+ KUNIT_EXPECT_PTR_EQ(T, (void *)
  P
- )
+ , NULL)

@@
expression T, P, F;
expression list A;
@@
- KUNIT_EXPECT_NOT_NULL_MSG(T, P, F, A)
+ KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(T, P, F, A)
