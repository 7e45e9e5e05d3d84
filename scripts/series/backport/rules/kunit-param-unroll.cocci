// SPDX-License-Identifier: GPL-2.0
/*
 * Parameterised KUnit cases are newer than v5.10: v5.10.223 has no
 * KUNIT_CASE_PARAM(), KUNIT_ARRAY_PARAM() or kunit_case::generate_params
 * (include/kunit/test.h: struct kunit_case at :141-148 has run_case and
 * name only); v6.1.192 has them (test.h:148, :1309), and so has v5.15.215
 * (test.h:210, :1872 by ../shared/research/v5.10-and-selftest-style.md).
 * Upstream: "kunit: Support for Parameterized Testing" (v5.11; release
 * from memory, unverified).
 *
 * The parameterised case is unrolled, after kunit-param-desc wrote out
 * its description function: the case function takes the parameter as an
 * argument instead of test->param_value, and each element of the array
 * becomes a case of its own, named after the case and the element's
 * description ("mode max" of virtnet_test_policy:
 * virtnet_test_policy_mode_max), so results map to the mainline ones.
 * The description function and KUNIT_ARRAY_PARAM() go.
 *
 * Coccinelle orders what several bindings add at one place by the values
 * bound, not by their place in the source; to keep the elements' order,
 * each application adds one case (the first without one), and lib.sh
 * applies this rule until it changes nothing (RULES_REPEAT): n elements
 * take n + 2 passes.
 */

// The array, its generator and description, the member the description
// is taken from (its position in the struct), the parameterised case.
@gen@
declarer name KUNIT_ARRAY_PARAM;
identifier pn, array, desc;
@@
 KUNIT_ARRAY_PARAM(pn, array, desc);

@descfn@
identifier gen.desc, p, s, member;
type T;
@@
 static void desc(T *p, char *s)
 {
 	strscpy(s, p->member, KUNIT_PARAM_DESC_SIZE);
 }

@st@
identifier descfn.member, tag;
field list[k] before;
@@
 struct tag {
 	before
 	const char *member;
 	...
 };

@pcase@
identifier cases, fn, g;
@@
 struct kunit_case cases[] = {
 	...,
 	KUNIT_CASE_PARAM(fn, g),
 	...
 };

// Only the case that uses this array's generator.
@script:python check@
fn << pcase.fn;
g << pcase.g;
pn << gen.pn;
cfn;
@@
if g != pn + "_gen_params":
	cocci.include_match(False)
else:
	coccinelle.cfn = cocci.make_ident(fn)

// The case function takes its parameter as an argument.
@param@
identifier check.cfn, test, c;
type T;
@@
 static void cfn(struct kunit *test
+	, T *c
 )
 {
-	T *c = test->param_value;
 	...
 }

// The elements: index and description; the wrappers already written.
@initialize:python@
@@
import re
elems = {}
done = set()

@elem@
identifier gen.array;
type T;
initializer list[n] prev;
initializer list[st.k] pre;
constant char[] S;
@@
 T array[] = { prev, { pre, S, ... }, ... };

@script:python names@
s << elem.S;
n << elem.n;
fn << check.cfn;
array << gen.array;
w;
@@
name = fn + "_" + re.sub(r'[^a-z0-9]+', '_', s.strip('"').lower()).strip('_')
if any(e[0] == name for i, e in elems.items() if i != int(n)):
	raise SystemExit("kunit-param-unroll: two parameters named %s" % name)
elems[int(n)] = (name, "&%s[%s]" % (array, n))
coccinelle.w = cocci.make_ident(name)

@wrapped@
identifier names.w, test;
@@
 static void w(struct kunit *test)
 {
 	...
 }

@script:python seen@
w << names.w;
t << wrapped.test;
@@
done.add(w)

// All elements unrolled (the last one's case is in the list): the
// parameterised case, its generator and description go.
@script:python lastname@
fn << check.cfn;
lw;
@@
coccinelle.lw = cocci.make_ident(elems[max(elems)][0])

@rmcase@
identifier pcase.cases, pcase.g, check.cfn, lastname.lw;
@@
 struct kunit_case cases[] = {
 	...,
 	KUNIT_CASE(lw),
-	KUNIT_CASE_PARAM(cfn, g),
 	...
 };

@depends on rmcase@
identifier gen.pn, gen.array, gen.desc;
@@
- KUNIT_ARRAY_PARAM(pn, array, desc);

@depends on rmcase@
identifier gen.desc, p, s, descfn.member;
type T;
@@
- static void desc(T *p, char *s)
- {
- 	strscpy(s, p->member, KUNIT_PARAM_DESC_SIZE);
- }

// Otherwise the first element without a case gets one, after the
// previous element's (or the case function).
@script:python pick@
fn << check.cfn;
pw;
nw;
narg;
@@
todo = [i for i in sorted(elems) if elems[i][0] not in done]
if not todo:
	cocci.include_match(False)
else:
	i = todo[0]
	coccinelle.pw = cocci.make_ident(elems[i - 1][0] if i else fn)
	coccinelle.nw = cocci.make_ident(elems[i][0])
	coccinelle.narg = cocci.make_expr(elems[i][1])

@@
identifier pick.pw, pick.nw, check.cfn;
expression pick.narg;
@@
 static void pw(...)
 {
 	...
 }
+
+static void nw(struct kunit *test)
+{
+	cfn(test, narg);
+}

@@
identifier pcase.cases, pcase.g, pick.nw, check.cfn;
@@
 struct kunit_case cases[] = {
 	...,
+	KUNIT_CASE(nw),
 	KUNIT_CASE_PARAM(cfn, g),
 	...
 };
