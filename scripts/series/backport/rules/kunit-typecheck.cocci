// SPDX-License-Identifier: GPL-2.0
/*
 * v5.10's binary KUnit checks type-check their two sides:
 * KUNIT_BASE_BINARY_ASSERTION() does ((void)__typecheck(__left,
 * __right)) (include/kunit/test.h:748), which warns "comparison of
 * distinct pointer types lacks a cast" (include/linux/minmax.h:19-20)
 * unless both have one type; v6.1.192's test.h has no __typecheck (nor
 * v5.15.215's, by the research notes). Upstream: the check went with a
 * rework of the assertion macros between v5.10 and v5.15 (the change
 * itself not identified here).
 *
 * A constant compared with a value of another type gets that type, as
 * v5.10's own tests write it ((size_t)0 in kernel/sysctl-test.c:52, 0U
 * in drivers/base/test/property-entry-test.c:405): an integer literal
 * the suffix of an unsigned int, unsigned long or 64-bit type, anything
 * else a cast. Constants are int (literals without suffix, enumerators,
 * -E, the suite's macros), so values of int and of types compatible with
 * int are left alone: netdev_tx_t is signed (__NETDEV_TX_MIN = INT_MIN,
 * include/linux/netdevice.h:115-116). The value's type comes from the
 * headers (lib.sh runs this rule with the tree's include/ for types):
 * sk_buff::len is unsigned int (skbuff.h:764), refcount_read() returns
 * one (refcount.h:145), net_device::addr_assign_type is unsigned char
 * (netdevice.h:1997), rx_handler_result_t is an enum without negative
 * values (netdevice.h:432).
 *
 * The checks' struct kunit * is "test", as in every KUnit suite: with
 * that token spatch skips the files without it (the driver's) instead of
 * parsing them with all their headers.
 */
@r@
identifier M =~ "^KUNIT_(EXPECT|ASSERT)_(EQ|NE|LT|LE|GT|GE)(_MSG)?$";
symbol test;
type TL;
TL L;
expression C;
@@
(
 M(test, L, C, ...)
|
 M(test, C, L, ...)
)

@script:python typed@
tl << r.TL;
c << r.C;
nc;
@@
import re
INT_LIKE = ('int', 'signed int', 's32', '__s32', 'netdev_tx_t')
SUFFIX = {
	'unsigned int': 'U', 'unsigned': 'U', 'u32': 'U', '__u32': 'U',
	'unsigned long': 'UL',
	'u64': 'ULL', '__u64': 'ULL', 'unsigned long long': 'ULL',
}
c = c.strip()
literal = re.fullmatch(r'(0x[0-9a-fA-F]+|[0-9]+)', c)
constant = literal or re.fullmatch(r'-?\s*[A-Z][A-Z0-9_]*|-\s*[0-9]+', c)
tl = ' '.join(tl.split())
if not constant or tl in INT_LIKE:
	cocci.include_match(False)
elif literal and tl in SUFFIX:
	coccinelle.nc = cocci.make_expr(c + SUFFIX[tl])
else:
	coccinelle.nc = cocci.make_expr('(%s)%s' % (tl, c.replace(' ', '')))

@@
identifier r.M;
symbol test;
type r.TL;
TL r.L;
expression r.C;
expression typed.nc;
@@
(
 M(test, L,
-	C
+	nc
 , ...)
|
 M(test,
-	C
+	nc
 , L, ...)
)
