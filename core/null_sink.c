/* null: decode and verify the image, keep no page. */
#include "plugin.h"

static int null_open(void *priv, const void *conf, const struct hb_sink_info *info)
{
	(void)priv;
	(void)conf;
	(void)info;
	return 0;
}

static int null_write(void *priv, uint64_t first, uint32_t count, const uint8_t *buf)
{
	(void)priv;
	(void)first;
	(void)count;
	(void)buf;
	return 0;
}

const struct hb_sink hb_sink_null = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "null",
		.help = "discard the pages (the image is still fully read and verified)",
	},
	.open = null_open,
	.write = null_write,
};
