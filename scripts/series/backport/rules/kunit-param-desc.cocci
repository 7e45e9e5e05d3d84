// SPDX-License-Identifier: GPL-2.0
/*
 * KUNIT_ARRAY_PARAM_DESC(name, array, member), a parameter generator that
 * takes each case's description from a string member, is newer than v6.1:
 * v6.12.117 has it, v6.1.192 does not. v6.1 has KUNIT_ARRAY_PARAM(name,
 * array, get_desc), so the description function is written out.
 */
@arr@
identifier array;
type T;
initializer list I;
@@
 T array[] = { I };

@depends on arr@
declarer name KUNIT_ARRAY_PARAM_DESC;
declarer name KUNIT_ARRAY_PARAM;
identifier pn, member;
identifier arr.array;
type arr.T;
fresh identifier desc = pn ## "_desc";
@@
- KUNIT_ARRAY_PARAM_DESC(pn, array, member);
+ static void desc(T *p, char *s)
+ {
+ 	strscpy(s, p->member, KUNIT_PARAM_DESC_SIZE);
+ }
+ 
+ KUNIT_ARRAY_PARAM(pn, array, desc);
