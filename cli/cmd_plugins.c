/* hiblab plugins: every plugin of this build with its options. */
#include "cli.h"

#include "core/error.h"
#include "core/registry.h"

#include <stdio.h>
#include <string.h>

static const char *type_hint(const struct hb_option *o)
{
	switch (o->type) {
	case HB_OPT_INT:
		return "integer";
	case HB_OPT_SIZE:
		return "size";
	case HB_OPT_BOOL:
		return "yes|no";
	case HB_OPT_CHOICE:
		return o->choices;
	case HB_OPT_STRING:
		return (o->flags & HB_OPT_OR_FILE) ? o->choices : "text";
	}
	return "?";
}

static void print_option(const struct hb_option *o)
{
	char head[96], range[64] = "";

	if (o->def)
		snprintf(head, sizeof(head), "%s=%s", o->name, o->def);
	else
		snprintf(head, sizeof(head), "%s=(required)", o->name);
	if ((o->type == HB_OPT_INT) && (o->min || o->max))
		snprintf(range, sizeof(range), " %lld..%lld", (long long)o->min, (long long)o->max);
	if (o->flags & HB_OPT_OR_FILE)
		snprintf(range, sizeof(range), "|FILE");
	printf("      %-24s %s [%s%s]%s\n", head, o->help, type_hint(o), range,
	       (o->flags & HB_OPT_POSITIONAL) ? " (also NAME:VALUE)" : "");
}

static void print_kind(enum hb_kind kind, const char *title)
{
	const struct hb_registered *r;
	const struct hb_option *o;

	printf("%s\n", title);
	for (r = hb_registry(kind); r->plugin; r++) {
		printf("  %-12s %s\n", r->plugin->name, r->plugin->help);
		for (o = r->plugin->options; o && o->name; o++)
			print_option(o);
	}
}

int cmd_plugins(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: hiblab plugins\n\nList every plugin of this build: its kind, one "
		       "line of help, and its options\nwith defaults.  Set options as "
		       "NAME:key=value,key=value (e.g. sim:text,size=1GiB).\n");
		return HB_EXIT_OK;
	}
	if (argc != 1)
		return cli_usage_error("plugins", "takes no arguments");
	print_kind(HB_KIND_FILTER, "filters (--filters, applied in order on suspend):");
	print_kind(HB_KIND_WRITER, "writers (--target):");
	print_kind(HB_KIND_SOURCE, "sources (--source):");
	print_kind(HB_KIND_SINK, "sinks (--sink):");
	return HB_EXIT_OK;
}
