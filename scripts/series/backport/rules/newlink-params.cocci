// SPDX-License-Identifier: GPL-2.0
/*
 * rtnl_link_ops::newlink before v6.14 takes
 *	(struct net *src_net, struct net_device *dev, struct nlattr *tb[],
 *	 struct nlattr *data[], struct netlink_ext_ack *extack)
 * instead of (dev, struct rtnl_newlink_params *params, extack); the core
 * passes link_net ?: src_net as src_net, which is what
 * rtnl_newlink_link_net(params) returns.
 * Upstream: "rtnetlink: Pack newlink() params into struct" (v6.14).
 *
 * The three locals that unpack params become the parameters of the same
 * names, so the rest of the body stays as it is. The locals are found
 * first (in any order); only if all three exist is anything changed.
 */
@ops@
identifier o, fn;
@@
 struct rtnl_link_ops o = {
	.newlink = fn,
 };

@has_net@
identifier ops.fn, params, lnet;
@@
 fn(..., struct rtnl_newlink_params *params, ...)
 {
	...
	struct net *lnet = rtnl_newlink_link_net(params);
	...
 }

@has_tb@
identifier ops.fn, params, t;
@@
 fn(..., struct rtnl_newlink_params *params, ...)
 {
	...
	struct nlattr **t = params->tb;
	...
 }

@has_data@
identifier ops.fn, params, d;
@@
 fn(..., struct rtnl_newlink_params *params, ...)
 {
	...
	struct nlattr **d = params->data;
	...
 }

@depends on has_net && has_tb && has_data@
identifier ops.fn, params;
identifier has_net.lnet;
@@
 fn(..., struct rtnl_newlink_params *params, ...)
 {
	...
-	struct net *lnet = rtnl_newlink_link_net(params);
	...
 }

@depends on has_net && has_tb && has_data@
identifier ops.fn, params;
identifier has_tb.t;
@@
 fn(..., struct rtnl_newlink_params *params, ...)
 {
	...
-	struct nlattr **t = params->tb;
	...
 }

@depends on has_net && has_tb && has_data@
identifier ops.fn, params;
identifier has_data.d;
@@
 fn(..., struct rtnl_newlink_params *params, ...)
 {
	...
-	struct nlattr **d = params->data;
	...
 }

@depends on has_net && has_tb && has_data@
identifier ops.fn, dev, params, extack;
identifier has_net.lnet, has_tb.t, has_data.d;
@@
 int fn(
-	struct net_device *dev, struct rtnl_newlink_params *params,
+	struct net *lnet, struct net_device *dev,
+	struct nlattr *t[], struct nlattr *d[],
	struct netlink_ext_ack *extack)
 {...}

// A caller of ->newlink (the KUnit suite does what rtnl_newlink() does):
// the struct it fills becomes the argument list.
@caller exists@
identifier p, o;
expression N, T, D, Dev, E;
@@
-	struct rtnl_newlink_params p = { .src_net = N };
	...
-	p.tb = T;
	...
-	p.data = D;
	...
-	o.newlink(Dev, &p, E)
+	o.newlink(N, Dev, T, D, E)
