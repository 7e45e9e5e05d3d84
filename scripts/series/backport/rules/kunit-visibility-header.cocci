// SPDX-License-Identifier: GPL-2.0
/*
 * <kunit/visibility.h> is newer than v5.10: absent in v5.10.223 (its
 * include/kunit/ has only assert.h, test.h and try-catch.h) and in
 * v5.15.215, present in v6.1.192 (include/kunit/visibility.h:15-33).
 * Upstream: "kunit: add macro to allow conditionally exposing static
 * symbols to tests" (v6.2, in 6.1.y through stable).
 *
 * The KUnit suite needs what it gives (virtnet_validate() visible, the
 * driver's symbols exported to the test module), and v5.10 has all it is
 * made of: EXPORT_SYMBOL_NS() (include/linux/export.h:161) and
 * MODULE_IMPORT_NS() (include/linux/module.h:290). So the include goes
 * here, and post.py writes the header's two macros into virtnet.h
 * (Coccinelle cannot add "#define VISIBLE_IF_KUNIT static"), only while
 * the driver still uses them: kunit-visibility, for a kernel without
 * KUnit, writes out their no-KUnit meaning instead.
 */
@@
@@
- #include <kunit/visibility.h>
