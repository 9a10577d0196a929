/* The plugin registry and configured plugin instances. */
#include "registry.h"
#include "alloc.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Plugins live in filters/, backends/ and sim/; listing them here is what
 * links them in. */
extern const struct hb_filter hb_filter_zero;
extern const struct hb_filter hb_filter_dedup;
extern const struct hb_filter hb_filter_lz4;
extern const struct hb_filter hb_filter_lz4hc;
extern const struct hb_filter hb_filter_zstd;
extern const struct hb_filter hb_filter_lzo;
extern const struct hb_filter hb_filter_deflate;
extern const struct hb_filter hb_filter_aes_256_gcm;
extern const struct hb_filter hb_filter_chacha20_poly1305;
extern const struct hb_filter hb_filter_crc32c;
extern const struct hb_filter hb_filter_xxh3;
extern const struct hb_filter hb_filter_sha256;
extern const struct hb_writer hb_writer_file;
extern const struct hb_writer hb_writer_block;
extern const struct hb_writer hb_writer_swap;
extern const struct hb_source hb_source_snapshot;
extern const struct hb_sink hb_sink_snapshot;
extern const struct hb_writer hb_writer_sim;
extern const struct hb_source hb_source_sim;
extern const struct hb_source hb_source_file;
extern const struct hb_source hb_source_proc;
extern const struct hb_sink hb_sink_file;
extern const struct hb_sink hb_sink_null;
extern const struct hb_sink hb_sink_verify;

static const struct hb_registered filters[] = {
	{ .plugin = &hb_filter_zero.base, .ops = &hb_filter_zero },
	{ .plugin = &hb_filter_dedup.base, .ops = &hb_filter_dedup },
	{ .plugin = &hb_filter_lz4.base, .ops = &hb_filter_lz4 },
	{ .plugin = &hb_filter_lz4hc.base, .ops = &hb_filter_lz4hc },
	{ .plugin = &hb_filter_zstd.base, .ops = &hb_filter_zstd },
	{ .plugin = &hb_filter_lzo.base, .ops = &hb_filter_lzo },
	{ .plugin = &hb_filter_deflate.base, .ops = &hb_filter_deflate },
	{ .plugin = &hb_filter_aes_256_gcm.base, .ops = &hb_filter_aes_256_gcm },
	{ .plugin = &hb_filter_chacha20_poly1305.base, .ops = &hb_filter_chacha20_poly1305 },
	{ .plugin = &hb_filter_crc32c.base, .ops = &hb_filter_crc32c },
	{ .plugin = &hb_filter_xxh3.base, .ops = &hb_filter_xxh3 },
	{ .plugin = &hb_filter_sha256.base, .ops = &hb_filter_sha256 },
	{ .plugin = NULL },
};

static const struct hb_registered writers[] = {
	{ .plugin = &hb_writer_file.base, .ops = &hb_writer_file },
	{ .plugin = &hb_writer_block.base, .ops = &hb_writer_block },
	{ .plugin = &hb_writer_swap.base, .ops = &hb_writer_swap },
	{ .plugin = &hb_writer_sim.base, .ops = &hb_writer_sim },
	{ .plugin = NULL },
};

static const struct hb_registered sources[] = {
	{ .plugin = &hb_source_sim.base, .ops = &hb_source_sim },
	{ .plugin = &hb_source_file.base, .ops = &hb_source_file },
	{ .plugin = &hb_source_proc.base, .ops = &hb_source_proc },
	{ .plugin = &hb_source_snapshot.base, .ops = &hb_source_snapshot },
	{ .plugin = NULL },
};

static const struct hb_registered sinks[] = {
	{ .plugin = &hb_sink_file.base, .ops = &hb_sink_file },
	{ .plugin = &hb_sink_snapshot.base, .ops = &hb_sink_snapshot },
	{ .plugin = &hb_sink_null.base, .ops = &hb_sink_null },
	{ .plugin = &hb_sink_verify.base, .ops = &hb_sink_verify },
	{ .plugin = NULL },
};

const struct hb_registered *hb_registry(enum hb_kind kind)
{
	switch (kind) {
	case HB_KIND_FILTER:
		return filters;
	case HB_KIND_WRITER:
		return writers;
	case HB_KIND_SOURCE:
		return sources;
	case HB_KIND_SINK:
		return sinks;
	}
	return NULL;
}

const char *hb_kind_name(enum hb_kind kind)
{
	switch (kind) {
	case HB_KIND_FILTER:
		return "filter";
	case HB_KIND_WRITER:
		return "writer";
	case HB_KIND_SOURCE:
		return "source";
	case HB_KIND_SINK:
		return "sink";
	}
	return "plugin";
}

const struct hb_registered *hb_find_plugin(enum hb_kind kind, const char *name)
{
	const struct hb_registered *r;

	for (r = hb_registry(kind); r && r->plugin; r++) {
		if (strcmp(r->plugin->name, name) == 0)
			return r;
	}
	return NULL;
}

static void list_names(enum hb_kind kind, char *buf, size_t cap)
{
	const struct hb_registered *r;
	size_t used = 0;

	buf[0] = '\0';
	for (r = hb_registry(kind); r && r->plugin && used < cap; r++) {
		int n = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", r->plugin->name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

int hb_instance_init(struct hb_instance *in, enum hb_kind kind, const struct hb_spec *spec,
		     const char *what)
{
	const struct hb_registered *r = hb_find_plugin(kind, spec->name);
	const struct hb_plugin *p;
	char names[256];
	int err;

	memset(in, 0, sizeof(*in));
	if (!r) {
		list_names(kind, names, sizeof(names));
		return hb_fail(HB_EUSAGE, "%s: unknown %s '%s' (this build has: %s)", what,
			       hb_kind_name(kind), spec->name, names);
	}
	p = in->plugin = r->plugin;
	in->ops = r->ops;
	in->conf = hb_zalloc(p->conf_size);
	in->priv = hb_zalloc(p->priv_size);
	if (!in->conf || !in->priv) {
		hb_instance_free(in);
		return hb_fail(HB_ENOMEM, "%s: out of memory", p->name);
	}
	err = hb_options_apply(p->options, in->conf, spec);
	if (err) {
		char why[512];
		snprintf(why, sizeof(why), "%s", hb_detail(err));
		hb_instance_free(in);
		return hb_fail(err, "%s: %s", what, why);
	}
	return 0;
}

/* "/tmp/a.img" or "a.img" where "TYPE:..." belongs: a path without its type
 * (a plugin name never holds a slash or a dot). */
static bool path_without_type(const char *text)
{
	size_t name_len = strcspn(text, ":,");

	return memchr(text, '/', name_len) || memchr(text, '.', name_len);
}

int hb_instance_from_text(struct hb_instance *in, enum hb_kind kind, const char *text,
			  const char *what)
{
	struct hb_spec spec;
	int err;

	memset(in, 0, sizeof(*in));
	/* the kinds that take a path have a file plugin: that is what was meant */
	if (text && path_without_type(text) && hb_find_plugin(kind, "file"))
		return hb_fail(HB_EUSAGE, "%s %s: no type given: did you mean file:%s?", what, text,
			       text);
	err = hb_spec_parse(text, what, &spec);
	if (err)
		return err;
	return hb_instance_init(in, kind, &spec, what);
}

void hb_instance_free(struct hb_instance *in)
{
	if (in->plugin) {
		hb_wipe_free(in->conf, in->plugin->conf_size);
		hb_wipe_free(in->priv, in->plugin->priv_size);
	}
	memset(in, 0, sizeof(*in));
}

/* ---- the start-up check ------------------------------------------------------- */

static bool name_ok(const char *name)
{
	const char *c;

	if (!name || !*name)
		return false;
	for (c = name; *c; c++) {
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' ||
		      *c == '-'))
			return false;
	}
	return true;
}

/* The first required method of kind that ops lacks, or NULL. */
static const char *missing_method(enum hb_kind kind, const void *ops)
{
	const struct hb_filter *f = (const struct hb_filter *)ops;
	const struct hb_writer *w = (const struct hb_writer *)ops;
	const struct hb_source *so = (const struct hb_source *)ops;
	const struct hb_sink *si = (const struct hb_sink *)ops;

	switch (kind) {
	case HB_KIND_FILTER:
		return !f->encode ? "encode" : !f->decode ? "decode" : NULL;
	case HB_KIND_WRITER:
		return !w->open ? "open" : !w->write ? "write" : !w->read ? "read" :
		       !w->read_header ? "read_header" : !w->commit ? "commit" :
		       !w->invalidate ? "invalidate" : NULL;
	case HB_KIND_SOURCE:
		return !so->open ? "open" : !so->read ? "read" : NULL;
	case HB_KIND_SINK:
		return !si->open ? "open" : !si->write ? "write" : NULL;
	}
	return NULL;
}

int hb_registry_check_table(enum hb_kind kind, const struct hb_registered *table)
{
	const char *kn = hb_kind_name(kind);
	const struct hb_registered *r, *q;
	const char *method;

	for (r = table; r->plugin; r++) {
		const struct hb_plugin *p = r->plugin;
		unsigned n = (unsigned)(r - table);

		/* every table starts with its struct hb_plugin: they are one object */
		if (p != (const struct hb_plugin *)r->ops)
			return hb_fail(HB_EINTERNAL, "%s #%u: its entry names another table's base",
				       kn, n);
		if (!name_ok(p->name))
			return hb_fail(HB_EINTERNAL, "%s #%u: name '%s' is not [a-z0-9_-]+", kn, n,
				       p->name ? p->name : "");
		if (p->version != HB_PLUGIN_VERSION)
			return hb_fail(HB_EINTERNAL, "%s %s: plugin API version %u, this build "
						     "has %u", kn, p->name, p->version,
				       HB_PLUGIN_VERSION);
		method = missing_method(kind, r->ops);
		if (method)
			return hb_fail(HB_EINTERNAL, "%s %s: required method %s is missing", kn,
				       p->name, method);
		for (q = table; q != r; q++) {
			if (strcmp(q->plugin->name, p->name) == 0)
				return hb_fail(HB_EINTERNAL, "%s %s: the name is registered twice",
					       kn, p->name);
		}
	}
	return 0;
}

int hb_registry_check(void)
{
	static const enum hb_kind kinds[] = { HB_KIND_FILTER, HB_KIND_WRITER, HB_KIND_SOURCE,
					      HB_KIND_SINK };
	size_t i;
	int err = 0;

	for (i = 0; !err && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		err = hb_registry_check_table(kinds[i], hb_registry(kinds[i]));
	return err;
}
