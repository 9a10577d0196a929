/* The start-up check of plugin tables (hb_registry_check): this build's
 * registry passes, and each kind of broken table is refused with a detail
 * line that names the plugin and the fault. */
#include "core/error.h"
#include "core/registry.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static int stub_code(const struct hb_filter *self, void *priv, struct hb_xfer *x)
{
	(void)self;
	(void)priv;
	(void)x;
	return 0;
}

#define GOOD_FILTER(n) { .base = { .version = HB_PLUGIN_VERSION, .name = n }, \
			 .encode = stub_code, .decode = stub_code }

static const struct hb_filter good_a = GOOD_FILTER("good-a");
static const struct hb_filter good_b = GOOD_FILTER("good_b2");
static const struct hb_filter twin_a = GOOD_FILTER("good-a");
static const struct hb_filter old_version = {
	.base = { .version = HB_PLUGIN_VERSION + 1, .name = "old" },
	.encode = stub_code,
	.decode = stub_code,
};
static const struct hb_filter no_encode = {
	.base = { .version = HB_PLUGIN_VERSION, .name = "halfway" },
	.decode = stub_code,
};
static const struct hb_filter upper_name = GOOD_FILTER("Zstd");
static const struct hb_filter space_name = GOOD_FILTER("z std");
static const struct hb_filter empty_name = GOOD_FILTER("");
static const struct hb_filter no_name = GOOD_FILTER(NULL);

#define ENTRY(f) { .plugin = &(f).base, .ops = &(f) }
#define END { .plugin = NULL }

/* Checks table and, when it must fail, that the detail says want. */
static void expect(const struct hb_registered *table, const char *want)
{
	int err = hb_registry_check_table(HB_KIND_FILTER, table);

	if (!want) {
		cr_assert_eq(err, 0, "%s", hb_detail(err));
		return;
	}
	cr_assert_eq(err, HB_EINTERNAL, "want HB_EINTERNAL for '%s', got %d", want, err);
	cr_assert(strstr(hb_detail(err), want), "detail '%s' lacks '%s'", hb_detail(err), want);
}

Test(registry, this_build_passes)
{
	int err = hb_registry_check();

	cr_assert_eq(err, 0, "%s", hb_detail(err));
}

Test(registry, good_table_passes)
{
	const struct hb_registered t[] = { ENTRY(good_a), ENTRY(good_b), END };

	expect(t, NULL);
}

Test(registry, refuses_wrong_version)
{
	const struct hb_registered t[] = { ENTRY(good_a), ENTRY(old_version), END };
	char want[80];

	snprintf(want, sizeof(want), "filter old: plugin API version %u, this build has %u",
		 HB_PLUGIN_VERSION + 1, HB_PLUGIN_VERSION);
	expect(t, want);
}

Test(registry, refuses_missing_method)
{
	const struct hb_registered t[] = { ENTRY(no_encode), END };

	expect(t, "filter halfway: required method encode is missing");
}

Test(registry, refuses_bad_names)
{
	const struct hb_registered upper[] = { ENTRY(upper_name), END };
	const struct hb_registered space[] = { ENTRY(good_a), ENTRY(space_name), END };
	const struct hb_registered empty[] = { ENTRY(empty_name), END };
	const struct hb_registered none[] = { ENTRY(no_name), END };

	expect(upper, "filter #0: name 'Zstd' is not [a-z0-9_-]+");
	expect(space, "filter #1: name 'z std'");
	expect(empty, "filter #0: name ''");
	expect(none, "filter #0: name ''");
}

Test(registry, refuses_duplicate_name)
{
	const struct hb_registered t[] = { ENTRY(good_a), ENTRY(good_b), ENTRY(twin_a), END };

	expect(t, "filter good-a: the name is registered twice");
}

Test(registry, refuses_entry_of_another_table)
{
	const struct hb_registered t[] = { { .plugin = &good_a.base, .ops = &good_b }, END };

	expect(t, "filter #0: its entry names another table's base");
}

static int stub_open(void *priv, const void *conf, enum hb_open_mode mode)
{
	(void)priv;
	(void)conf;
	(void)mode;
	return 0;
}

static int stub_write(void *priv, const void *buf, size_t len)
{
	(void)priv;
	(void)buf;
	(void)len;
	return 0;
}

static int stub_read(void *priv, void *buf, size_t len)
{
	(void)priv;
	(void)buf;
	(void)len;
	return 0;
}

static int stub_read_header(void *priv, void *buf)
{
	(void)priv;
	(void)buf;
	return 0;
}

/* Each kind has its own required methods: a writer that cannot invalidate
 * could restore an image twice. */
Test(registry, refuses_writer_without_invalidate)
{
	static const struct hb_writer w = {
		.base = { .version = HB_PLUGIN_VERSION, .name = "w" },
		.open = stub_open,
		.write = stub_write,
		.read = stub_read,
		.read_header = stub_read_header,
		.commit = stub_write,
	};
	const struct hb_registered t[] = { { .plugin = &w.base, .ops = &w }, END };
	int err = hb_registry_check_table(HB_KIND_WRITER, t);

	cr_assert_eq(err, HB_EINTERNAL);
	cr_assert_str_eq(hb_detail(err), "writer w: required method invalidate is missing");
}
