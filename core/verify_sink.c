/* verify: compare every restored page with the source the image was made
 * from (a simulated model is regenerated; a dump file is read again). */
#include "error.h"
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct verify_priv {
	struct hb_instance src;
	const struct hb_source *source;
	bool source_open;
	uint32_t page_size;
	uint8_t *expect;
	size_t expect_cap;
	const char *name;
};

static int verify_open(void *priv, const void *conf, const struct hb_sink_info *info)
{
	struct verify_priv *v = (struct verify_priv *)priv;
	struct hb_source_info si;
	int err;

	(void)conf;
	v->name = info->source;
	v->page_size = info->page_size;
	err = hb_instance_from_text(&v->src, HB_KIND_SOURCE, info->source, "image source");
	if (err)
		return err;
	v->source = (const struct hb_source *)v->src.ops;
	/* the header names the source, and nothing it names is run unless it is
	 * harmless to read again: never /dev/snapshot (it would freeze this
	 * system), whatever a crafted header says */
	if (!v->source->replayable)
		return hb_fail(HB_EUSAGE, "--verify: the image was made from %s, which cannot be "
					  "read again to compare (give --sink instead)",
			       v->src.plugin->name);
	v->source_open = true;
	err = v->source->open(v->src.priv, v->src.conf, &si);
	if (err)
		return err;
	if (si.page_size != info->page_size || si.bytes != info->bytes)
		return hb_fail(HB_EMISMATCH, "source %s now has %llu bytes in %u-byte pages; the "
					     "image has %llu bytes in %u-byte pages",
			       info->source, (unsigned long long)si.bytes, si.page_size,
			       (unsigned long long)info->bytes, info->page_size);
	return 0;
}

static int verify_write(void *priv, uint64_t first, uint32_t count, const uint8_t *buf)
{
	struct verify_priv *v = (struct verify_priv *)priv;
	size_t len = (size_t)count * v->page_size;
	uint32_t i;
	int err;

	if (len > v->expect_cap) {
		free(v->expect);
		v->expect = (uint8_t *)malloc(len);
		v->expect_cap = v->expect ? len : 0;
		if (!v->expect)
			return hb_fail(HB_ENOMEM, "out of memory");
	}
	err = v->source->read(v->src.priv, first, count, v->expect);
	if (err)
		return err;
	if (memcmp(v->expect, buf, len) == 0)
		return 0;
	for (i = 0; i < count; i++) {
		size_t off = (size_t)i * v->page_size;
		if (memcmp(v->expect + off, buf + off, v->page_size) != 0)
			break;
	}
	return hb_fail(HB_EMISMATCH, "WRONG: restored page %llu differs from %s",
		       (unsigned long long)(first + i), v->name);
}

static void verify_close(void *priv)
{
	struct verify_priv *v = (struct verify_priv *)priv;

	if (v->source_open && v->source->close)
		v->source->close(v->src.priv);
	hb_instance_free(&v->src);
	free(v->expect);
	v->expect = NULL;
}

const struct hb_sink hb_sink_verify = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "verify",
		.help = "compare every restored page with the image's recorded source",
		.priv_size = sizeof(struct verify_priv),
	},
	.open = verify_open,
	.write = verify_write,
	.close = verify_close,
};
