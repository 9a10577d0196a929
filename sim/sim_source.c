/* sim: a simulated memory model as a page source. */
#include "memory.h"

#include "core/error.h"
#include "core/plugin.h"

struct sim_conf {
	unsigned profile;
	uint64_t size;
	int64_t seed;
	uint64_t page_size;
};

struct sim_priv {
	const struct sim_conf *conf;
	struct hb_sim *pages;  /* the profile's pools, shared read-only by every reader */
};

static int sim_open(void *priv, const void *conf, struct hb_source_info *info)
{
	struct sim_priv *s = (struct sim_priv *)priv;
	const struct hb_profile *profile;

	s->conf = (const struct sim_conf *)conf;
	profile = hb_profile_at(s->conf->profile);
	if (!profile)
		return hb_fail(HB_EINTERNAL, "sim: no profile %u", s->conf->profile);
	if (s->conf->page_size & (s->conf->page_size - 1))
		return hb_fail(HB_EUSAGE, "sim: page-size=%llu: not a power of two",
			       (unsigned long long)s->conf->page_size);
	if (s->conf->size % s->conf->page_size)
		return hb_fail(HB_EUSAGE, "sim: size=%llu: not a whole number of %llu-byte pages",
			       (unsigned long long)s->conf->size,
			       (unsigned long long)s->conf->page_size);
	s->pages = hb_sim_new(profile, (uint64_t)s->conf->seed, s->conf->page_size);
	if (!s->pages)
		return hb_fail(HB_ENOMEM, "sim: out of memory for the page pools");
	info->page_size = (uint32_t)s->conf->page_size;
	info->bytes = s->conf->size;
	return 0;
}

static int sim_read(void *priv, uint64_t first, uint32_t count, uint8_t *buf)
{
	const struct sim_priv *s = (const struct sim_priv *)priv;

	hb_sim_fill(s->pages, first, count, buf);
	return 0;
}

static void sim_close(void *priv)
{
	struct sim_priv *s = (struct sim_priv *)priv;

	hb_sim_free(s->pages);
	s->pages = NULL;
}

static const struct hb_option sim_options[] = {
	{ .name = "profile", .type = HB_OPT_CHOICE, .def = "mixed", .flags = HB_OPT_POSITIONAL,
	  .choices = HB_PROFILE_NAMES, .help = "memory profile (docs/SIMULATION.md)",
	  .offset = offsetof(struct sim_conf, profile) },
	{ .name = "size", .type = HB_OPT_SIZE, .def = "256MiB", .min = 0, .max = INT64_MAX,
	  .help = "memory size (up to petabytes; costs no memory)",
	  .offset = offsetof(struct sim_conf, size) },
	{ .name = "seed", .type = HB_OPT_INT, .def = "1", .min = 0, .max = INT64_MAX,
	  .help = "content seed: same seed, same pages",
	  .offset = offsetof(struct sim_conf, seed) },
	{ .name = "page-size", .type = HB_OPT_SIZE, .def = "4096", .min = 512, .max = 65536,
	  .help = "page size", .offset = offsetof(struct sim_conf, page_size) },
	{ .name = NULL },
};

const struct hb_source hb_source_sim = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "sim",
		.help = "simulated memory: deterministic pages of a profile, any size",
		.options = sim_options,
		.conf_size = sizeof(struct sim_conf),
		.priv_size = sizeof(struct sim_priv),
	},
	.parallel_read = true,
	.replayable = true,
	.open = sim_open,
	.read = sim_read,
	.close = sim_close,
};
