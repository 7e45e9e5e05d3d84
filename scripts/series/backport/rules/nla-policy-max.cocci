// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink policies are only { .type, .len } before v4.20 and have no
 * strict_start_type before v5.2 (both absent in v4.14.325, present in
 * v6.1.192). The range check moves from the policy into ->validate, with
 * the error nla_validate() would give (-ERANGE); attributes are parsed
 * liberally in any case, so strict_start_type just goes.
 * Upstream: "netlink: add attribute range validation to policy" (v4.20,
 * NLA_POLICY_MAX) and "netlink: add strict parsing for future
 * attributes" (v5.2, strict_start_type).
 */
@pol@
identifier p;
expression A, T, M;
@@
 struct nla_policy p[...] = {
	...,
-	[A] = NLA_POLICY_MAX(T, M),
+	[A] = { .type = T },
	...,
 };

@@
identifier pol.p;
expression A, S;
@@
 struct nla_policy p[...] = {
	...,
-	[A] = { .strict_start_type = S },
	...,
 };

@lops@
identifier o, pol.p, v;
@@
 struct rtnl_link_ops o = {
	.policy = p,
	.validate = v,
 };

// One check per attribute (pol binds once per entry), all in front of the
// first statement of ->validate; "++" lets the additions of several
// bindings accumulate at one place.
@@
identifier lops.v, tb, data, extack;
expression pol.A, pol.M;
statement S, S1;
@@
 v(struct nlattr *tb[], struct nlattr *data[],
   struct netlink_ext_ack *extack)
 {
	... when != S
++	if (data && data[A] && nla_get_u32(data[A]) > M) {
++		NL_SET_ERR_MSG_ATTR(extack, data[A], "integer out of range");
++		return -ERANGE;
++	}
	S1
	...
 }
