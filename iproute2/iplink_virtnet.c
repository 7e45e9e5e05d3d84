// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iplink_virtnet.c	virtnet device support
 *
 * Authors:	Virtnet Developers <virtnet-devel@lists.invalid>
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>

#include "utils.h"
#include "ip_common.h"

static const char * const virtnet_mode_names[] = {
	[VIRTNET_MODE_RXHANDLER]	= "rxhandler",
	[VIRTNET_MODE_PTYPE]		= "ptype",
};

static const char * const virtnet_filter_names[] = {
	[VIRTNET_FILTER_ALL]		= "all",
	[VIRTNET_FILTER_MAC]		= "mac",
};

static void print_explain(struct link_util *lu, FILE *f)
{
	fprintf(f,
		"Usage: ... %s [ mode MODE ] [ filter FILTER ]\n"
		"\n"
		"MODE: rxhandler | ptype\n"
		"FILTER: all | mac\n"
		"(first values are the defaults if nothing is specified;\n"
		" the mode is fixed when the device is created)\n",
		lu->id);
}

static int virtnet_name_to_val(const char * const *names, unsigned int n,
			       const char *word)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], word) == 0)
			return i;
	return -1;
}

static const char *virtnet_val_to_name(const char * const *names,
				       unsigned int n, __u32 val)
{
	if (val >= n || !names[val])
		return "unknown";
	return names[val];
}

static int virtnet_parse_opt(struct link_util *lu, int argc, char **argv,
			     struct nlmsghdr *n)
{
	bool mode_seen = false, filter_seen = false;
	int val;

	while (argc > 0) {
		if (strcmp(*argv, "mode") == 0) {
			NEXT_ARG();
			if (mode_seen)
				duparg("mode", *argv);
			mode_seen = true;
			val = virtnet_name_to_val(virtnet_mode_names,
						  ARRAY_SIZE(virtnet_mode_names),
						  *argv);
			if (val < 0)
				invarg("mode must be \"rxhandler\" or \"ptype\"",
				       *argv);
			addattr32(n, 1024, IFLA_VIRTNET_MODE, val);
		} else if (strcmp(*argv, "filter") == 0) {
			NEXT_ARG();
			if (filter_seen)
				duparg("filter", *argv);
			filter_seen = true;
			val = virtnet_name_to_val(virtnet_filter_names,
						  ARRAY_SIZE(virtnet_filter_names),
						  *argv);
			if (val < 0)
				invarg("filter must be \"all\" or \"mac\"",
				       *argv);
			addattr32(n, 1024, IFLA_VIRTNET_FILTER, val);
		} else {
			if (strcmp(*argv, "help") != 0)
				fprintf(stderr, "%s: unknown option \"%s\"?\n",
					lu->id, *argv);
			print_explain(lu, stderr);
			return -1;
		}
		argc--;
		argv++;
	}

	return 0;
}

static void virtnet_print_opt(struct link_util *lu, FILE *f,
			      struct rtattr *tb[])
{
	if (!tb)
		return;

	if (tb[IFLA_VIRTNET_MODE] &&
	    RTA_PAYLOAD(tb[IFLA_VIRTNET_MODE]) >= sizeof(__u32)) {
		__u32 mode = rta_getattr_u32(tb[IFLA_VIRTNET_MODE]);

		print_string(PRINT_ANY, "mode", "mode %s ",
			     virtnet_val_to_name(virtnet_mode_names,
						 ARRAY_SIZE(virtnet_mode_names),
						 mode));
	}

	if (tb[IFLA_VIRTNET_FILTER] &&
	    RTA_PAYLOAD(tb[IFLA_VIRTNET_FILTER]) >= sizeof(__u32)) {
		__u32 filter = rta_getattr_u32(tb[IFLA_VIRTNET_FILTER]);

		print_string(PRINT_ANY, "filter", "filter %s ",
			     virtnet_val_to_name(virtnet_filter_names,
						 ARRAY_SIZE(virtnet_filter_names),
						 filter));
	}
}

static void virtnet_print_help(struct link_util *lu, int argc, char **argv,
			       FILE *f)
{
	print_explain(lu, f);
}

struct link_util virtnet_link_util = {
	.id		= "virtnet",
	.maxattr	= IFLA_VIRTNET_MAX,
	.parse_opt	= virtnet_parse_opt,
	.print_opt	= virtnet_print_opt,
	.print_help	= virtnet_print_help,
};
