// SPDX-License-Identifier: GPL-2.0
/*
 * No KUnit in v4.14 (<kunit/visibility.h> is absent in v4.14.325, present
 * in v6.1.192): what VISIBLE_IF_KUNIT and EXPORT_SYMBOL_IF_KUNIT() expand
 * to without CONFIG_KUNIT is written out, static and nothing.
 * Upstream: "kunit: add macro to allow conditionally exposing static
 * symbols to tests" (v6.2, in 6.1.y through stable).
 * The "#if IS_ENABLED(CONFIG_KUNIT)" prototypes in the header are
 * preprocessor blocks, which Coccinelle does not transform: post.py
 * removes them.
 */
@@
@@
- #include <kunit/visibility.h>

@@
declarer name EXPORT_SYMBOL_IF_KUNIT;
identifier f;
@@
- EXPORT_SYMBOL_IF_KUNIT(f);

@@
attribute name VISIBLE_IF_KUNIT;
identifier f;
type T;
@@
- VISIBLE_IF_KUNIT
+ static
  T f(...) {...}
