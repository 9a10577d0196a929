/* sim: a simulated memory model as a page source. */
#include "learned.h"
#include "memory.h"

#include "core/error.h"
#include "core/plugin.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sim_conf {
	char profile[HB_STR_MAX];  /* a built-in name, or a .prof file */
	uint64_t size;
	int64_t seed;
	uint64_t page_size;
};

struct sim_priv {
	const struct sim_conf *conf;
	struct hb_prof *learned;  /* a profile read from a file, or NULL */
	struct hb_sim *pages;     /* the profile's pools, shared read-only by every reader */
};

/* Where the installed profiles are (Makefile: PROFDIR); HIBLAB_PROFILES
 * overrides it. */
#ifndef HIBLAB_PROFDIR
#define HIBLAB_PROFDIR "/usr/local/share/hiblab/profiles"
#endif

/* A relative profile path that is not there (a packaged hiblab running
 * scenarios/bench.scn's sim/profiles/NAME.prof from any directory): the
 * installed profile of the same file name; else the error names the path
 * given. */
static int load_profile(const char *name, struct hb_prof *p)
{
	const char *dir = getenv("HIBLAB_PROFILES"), *base = strrchr(name, '/');
	char installed[1024];

	if (name[0] == '/' || access(name, F_OK) == 0)
		return hb_prof_load(name, p);
	snprintf(installed, sizeof(installed), "%s/%s", dir && *dir ? dir : HIBLAB_PROFDIR,
		 base ? base + 1 : name);
	if (access(installed, F_OK) != 0)
		return hb_prof_load(name, p);
	return hb_prof_load(installed, p);
}

/* The profile the spec names: a built-in, or (a value with '/' or '.', as
 * the option accepts) a file read now; `resume --verify` reads it again
 * from the path the image header records. */
static int find_profile(struct sim_priv *s, const struct hb_profile **out)
{
	const char *name = s->conf->profile;
	int err;

	*out = hb_profile_find(name);
	if (*out)
		return 0;
	s->learned = (struct hb_prof *)malloc(sizeof(*s->learned));
	if (!s->learned)
		return hb_fail(HB_ENOMEM, "sim: out of memory for %s", name);
	err = load_profile(name, s->learned);
	if (err)
		return err;
	if (s->learned->page_size != s->conf->page_size)
		return hb_fail(HB_EUSAGE, "sim: %s was learned with %u-byte pages: give page-size=%u",
			       name, s->learned->page_size, s->learned->page_size);
	*out = &s->learned->profile;
	return 0;
}

static int sim_open(void *priv, const void *conf, struct hb_source_info *info)
{
	struct sim_priv *s = (struct sim_priv *)priv;
	const struct hb_profile *profile;
	int err;

	s->conf = (const struct sim_conf *)conf;
	if (s->conf->page_size & (s->conf->page_size - 1))
		return hb_fail(HB_EUSAGE, "sim: page-size=%llu: not a power of two",
			       (unsigned long long)s->conf->page_size);
	/* size=256 meant 256MiB: a unit left out, not a memory of 256 bytes */
	if (s->conf->size && s->conf->size < s->conf->page_size)
		return hb_fail(HB_EUSAGE, "sim: size=%llu: %llu bytes is less than a page; did you "
					  "mean %lluMiB?", (unsigned long long)s->conf->size,
			       (unsigned long long)s->conf->size, (unsigned long long)s->conf->size);
	if (s->conf->size % s->conf->page_size)
		return hb_fail(HB_EUSAGE, "sim: size=%llu: not a whole number of %llu-byte pages",
			       (unsigned long long)s->conf->size,
			       (unsigned long long)s->conf->page_size);
	err = find_profile(s, &profile);
	if (err)
		return err;
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
	free(s->learned);
	s->learned = NULL;
}

static const struct hb_option sim_options[] = {
	{ .name = "profile", .type = HB_OPT_STRING, .def = "mixed",
	  .flags = HB_OPT_POSITIONAL | HB_OPT_OR_FILE, .choices = HB_PROFILE_NAMES,
	  .help = "memory profile, or a learned FILE.prof (docs/SIMULATION.md)",
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
