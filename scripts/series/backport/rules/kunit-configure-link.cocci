// SPDX-License-Identifier: GPL-2.0
/*
 * rtnl_configure_link() takes the portid and the request's netlink header
 * (for the notification) since v6.3; before, it is
 * rtnl_configure_link(dev, ifm): v5.10.223 include/net/rtnetlink.h:167
 * (and v4.14.325 :171) against v6.1.192 :207, where stable brought the
 * new form. The KUnit suite's rtnl_newlink() stand-in passes neither.
 * Upstream: "rtnetlink: pass netlink message header and portid to
 * rtnl_configure_link()" (v6.3; subject from memory, unverified).
 */
@@
expression D, I;
@@
- rtnl_configure_link(D, I, 0, NULL)
+ rtnl_configure_link(D, I)
