/* Spec and option parsing: sizes, lists, positional values, bounds, and the
 * canonical text stored in image headers. */
#include "core/error.h"
#include "core/options.h"
#include "core/registry.h"

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

Test(options, sizes)
{
	static const struct {
		const char *text;
		uint64_t value;
	} good[] = {
		{ "0", 0 }, { "4096", 4096 }, { "64KiB", 65536 }, { "64K", 65536 },
		{ "2GiB", 2ull << 30 }, { "1TB", 1000000000000ull }, { "3MB", 3000000 },
		{ "16TiB", 16ull << 40 },
	};
	static const char *const bad[] = { "12XB", "", "GiB", "1.5GiB", "-1", "12 GiB",
					   "99999999999999999999", "20000PiB" };
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		cr_assert_eq(hb_parse_size(good[i].text, &v), 0, "%s", good[i].text);
		cr_assert_eq(v, good[i].value, "%s", good[i].text);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(hb_parse_size(bad[i], &v), HB_EUSAGE, "'%s' accepted", bad[i]);
	hb_parse_size("12XB", &v);
	cr_assert(strstr(hb_detail(HB_EUSAGE), "unknown unit 'XB'"), "%s", hb_detail(0));
}

Test(options, list_with_continuations)
{
	struct hb_spec items[4];
	unsigned n = 0;

	cr_assert_eq(hb_spec_parse_list("zero,zstd:level=3,window=20,crc32c", "--filters",
					items, 4, &n), 0, "%s", hb_detail(0));
	cr_assert_eq(n, 3);
	cr_assert_str_eq(items[0].name, "zero");
	cr_assert_eq(items[0].nargs, 0);
	cr_assert_str_eq(items[1].name, "zstd");
	cr_assert_eq(items[1].nargs, 2);
	cr_assert_str_eq(items[1].args[0].key, "level");
	cr_assert_str_eq(items[1].args[0].value, "3");
	cr_assert_str_eq(items[1].args[1].key, "window");
	cr_assert_str_eq(items[2].name, "crc32c");
}

Test(options, positional_value)
{
	struct hb_spec s;

	cr_assert_eq(hb_spec_parse("file:/tmp/a=b.img", "--target", &s), 0);
	cr_assert_str_eq(s.name, "file");
	cr_assert_eq(s.nargs, 1);
	cr_assert_str_eq(s.args[0].key, "");
	cr_assert_str_eq(s.args[0].value, "/tmp/a=b.img");
	cr_assert_eq(hb_spec_parse("sim:text,size=1GiB,seed=7", "--source", &s), 0);
	cr_assert_eq(s.nargs, 3);
	cr_assert_str_eq(s.args[0].value, "text");
	cr_assert_str_eq(s.args[2].key, "seed");
}

Test(options, malformed_lists)
{
	static const char *const bad[] = { "", ",zero", "zero,,crc32c", "level=3,zero", "zst d",
					   "zero:", "a,b,c,d,e" };
	struct hb_spec items[4];
	unsigned n;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(hb_spec_parse_list(bad[i], "--filters", items, 4, &n), HB_EUSAGE,
			     "'%s' accepted", bad[i]);
}

struct conf {
	int64_t level;
	uint64_t size;
	bool flag;
	unsigned mode;
	char name[HB_STR_MAX];
};

static const struct hb_option opts[] = {
	{ .name = "mode", .type = HB_OPT_CHOICE, .def = "fast", .choices = "fast|slow|off",
	  .flags = HB_OPT_POSITIONAL, .help = "mode", .offset = offsetof(struct conf, mode) },
	{ .name = "level", .type = HB_OPT_INT, .def = "3", .min = 1, .max = 19, .help = "level",
	  .offset = offsetof(struct conf, level) },
	{ .name = "size", .type = HB_OPT_SIZE, .def = "1MiB", .min = 4096, .max = 1 << 30,
	  .help = "size", .offset = offsetof(struct conf, size) },
	{ .name = "flag", .type = HB_OPT_BOOL, .def = "no", .help = "flag",
	  .offset = offsetof(struct conf, flag) },
	{ .name = "name", .type = HB_OPT_STRING, .def = "x", .help = "name",
	  .offset = offsetof(struct conf, name) },
	{ .name = NULL },
};

static int apply(const char *text, struct conf *c)
{
	struct hb_spec s;
	int err = hb_spec_parse(text, "test", &s);

	memset(c, 0, sizeof(*c));
	return err ? err : hb_options_apply(opts, c, &s);
}

Test(options, apply_defaults_and_values)
{
	struct conf c;

	cr_assert_eq(apply("p", &c), 0);
	cr_assert_eq(c.level, 3);
	cr_assert_eq(c.size, 1 << 20);
	cr_assert_eq(c.mode, 0);
	cr_assert_not(c.flag);
	cr_assert_eq(apply("p:slow,level=19,size=64KiB,flag=yes,name=abc", &c), 0, "%s",
		     hb_detail(0));
	cr_assert_eq(c.mode, 1);
	cr_assert_eq(c.level, 19);
	cr_assert_eq(c.size, 65536);
	cr_assert(c.flag);
	cr_assert_str_eq(c.name, "abc");
}

Test(options, apply_refusals_name_the_option)
{
	struct conf c;

	cr_assert_eq(apply("p:level=25", &c), HB_EUSAGE);
	cr_assert_str_eq(hb_detail(0), "p: level=25: out of range 1..19");
	cr_assert_eq(apply("p:level=3x", &c), HB_EUSAGE);
	cr_assert_eq(apply("p:size=12XB", &c), HB_EUSAGE);
	cr_assert(strstr(hb_detail(0), "size"), "%s", hb_detail(0));
	cr_assert_eq(apply("p:size=1KiB", &c), HB_EUSAGE);
	cr_assert_eq(apply("p:flag=maybe", &c), HB_EUSAGE);
	cr_assert_eq(apply("p:medium", &c), HB_EUSAGE);
	cr_assert(strstr(hb_detail(0), "fast|slow|off"), "%s", hb_detail(0));
	cr_assert_eq(apply("p:colour=red", &c), HB_EUSAGE);
	cr_assert(strstr(hb_detail(0), "unknown option 'colour'"), "%s", hb_detail(0));
}

Test(options, canonical_text_parses_back_the_same)
{
	struct conf a, b;
	char text[HB_STR_MAX], spec[HB_STR_MAX + 8];

	cr_assert_eq(apply("p:off,level=7,size=2MiB,flag=on,name=q", &a), 0);
	cr_assert_eq(hb_options_format(opts, &a, text, sizeof(text)), 0);
	cr_assert_str_eq(text, "mode=off,level=7,size=2097152,flag=yes,name=q");
	snprintf(spec, sizeof(spec), "p:%s", text);
	cr_assert_eq(apply(spec, &b), 0, "%s", hb_detail(0));
	cr_assert_eq(memcmp(&a, &b, sizeof(a)), 0);
}

/* "\," is a comma and "\\" a backslash in a value; any other backslash is
 * itself, and a name never takes an escape. */
Test(options, escaped_commas_in_values)
{
	struct hb_spec items[4];
	struct hb_spec s;
	unsigned n = 0;

	cr_assert_eq(hb_spec_parse("file:/tmp/a\\,b.img", "--target", &s), 0, "%s", hb_detail(0));
	cr_assert_eq(s.nargs, 1);
	cr_assert_str_eq(s.args[0].value, "/tmp/a,b.img");
	cr_assert_eq(hb_spec_parse("file:/tmp/a\\b\\\\\\,c\\", "--target", &s), 0, "%s",
		     hb_detail(0));
	cr_assert_str_eq(s.args[0].value, "/tmp/a\\b\\,c\\");
	cr_assert_eq(hb_spec_parse("sim:mixed,path=x\\,y,seed=3", "--source", &s), 0);
	cr_assert_eq(s.nargs, 3);
	cr_assert_str_eq(s.args[1].key, "path");
	cr_assert_str_eq(s.args[1].value, "x,y");
	cr_assert_str_eq(s.args[2].value, "3");
	/* "\\," is an escaped backslash, then a separator */
	cr_assert_eq(hb_spec_parse_list("file:/a\\\\,zero", "--filters", items, 4, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(items[0].args[0].value, "/a\\");
	cr_assert_str_eq(items[1].name, "zero");
	/* the bug: a comma in a path made it two items */
	cr_assert_eq(hb_spec_parse("file:/tmp/a,b.img", "--target", &s), HB_EUSAGE);
	cr_assert_eq(hb_spec_parse("fi\\,le:/tmp/a", "--target", &s), HB_EUSAGE);
}

/* Text without a comma, and without a backslash before one or last, is
 * written exactly as before the escape existed: images made before parse
 * the same. */
Test(options, escape_leaves_plain_text_alone)
{
	static const struct {
		const char *value, *text;
	} cases[] = {
		{ "/tmp/a.img", "/tmp/a.img" }, { "a\\b", "a\\b" }, { "a,b", "a\\,b" },
		{ "a\\,b", "a\\\\\\,b" }, { "a\\\\b", "a\\\\\\b" }, { "end\\", "end\\\\" },
		{ "", "" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(hb_spec_escape(cases[i].value, buf, sizeof(buf)), strlen(cases[i].text));
		cr_assert_str_eq(buf, cases[i].text, "escape of '%s'", cases[i].value);
	}
	/* what does not fit is cut, NUL-terminated, and the whole length told */
	cr_assert_eq(hb_spec_escape(",,,,", buf, 5), 8);
	cr_assert_str_eq(buf, "\\,\\,");
}

/* Canonical text (what image headers hold) escapes again: every value comes
 * back the same, commas and backslashes anywhere in it. */
Test(options, canonical_text_round_trips_commas_and_backslashes)
{
	static const char *const names[] = { "/tmp/a,b.img", "a\\b", "a\\,b", ",", "\\", "\\\\",
					     ",,\\\\,,", "x\\y\\", "trail\\", "\\,lead",
					     "a=b,c=d" };
	struct conf a, b;
	char text[2 * HB_STR_MAX], spec[2 * HB_STR_MAX + 8];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		memset(&a, 0, sizeof(a));
		cr_assert_eq(apply("p", &a), 0);
		snprintf(a.name, sizeof(a.name), "%s", names[i]);
		cr_assert_eq(hb_options_format(opts, &a, text, sizeof(text)), 0);
		snprintf(spec, sizeof(spec), "p:%s", text);
		cr_assert_eq(apply(spec, &b), 0, "%s: %s", spec, hb_detail(0));
		cr_assert_str_eq(b.name, names[i], "through '%s'", text);
		cr_assert_eq(memcmp(&a, &b, sizeof(a)), 0);
	}
}

Test(options, unknown_plugin_lists_the_known)
{
	struct hb_instance in;
	int err = hb_instance_from_text(&in, HB_KIND_FILTER, "zzip:level=3", "--filters");

	cr_assert_eq(err, HB_EUSAGE);
	cr_assert(strstr(hb_detail(err), "unknown filter 'zzip'"), "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "crc32c"), "%s", hb_detail(err));
}
