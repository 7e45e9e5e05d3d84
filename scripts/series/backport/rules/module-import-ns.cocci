// SPDX-License-Identifier: GPL-2.0
/*
 * Before v6.13 a symbol namespace is a bare token that the macros
 * stringify: MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING), not
 * MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING") (v6.12.117 stringifies,
 * v7.3.4 takes the string).
 * Upstream: "module: Convert symbol namespace to string literal" (v6.13).
 */
@ns@
declarer name MODULE_IMPORT_NS;
constant c;
@@
 MODULE_IMPORT_NS(c);

@script:python unquote@
c << ns.c;
i;
@@
coccinelle.i = cocci.make_ident(c.strip('"'))

@@
declarer name MODULE_IMPORT_NS;
constant ns.c;
identifier unquote.i;
@@
- MODULE_IMPORT_NS(c);
+ MODULE_IMPORT_NS(i);
