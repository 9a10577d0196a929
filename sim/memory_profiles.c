/* Memory profiles: mixes of page classes (reasoning in docs/SIMULATION.md). */
#include "memory.h"

#include <string.h>

#define ZERO(w) { &hb_sim_builtin[HB_PAGE_ZERO], (w) }
#define TEXT(w) { &hb_sim_builtin[HB_PAGE_TEXT], (w) }
#define CODE(w) { &hb_sim_builtin[HB_PAGE_CODE], (w) }
#define HEAP(w) { &hb_sim_builtin[HB_PAGE_HEAP], (w) }
#define RANDOM(w) { &hb_sim_builtin[HB_PAGE_RANDOM], (w) }
#define DUP(w) { &hb_sim_builtin[HB_PAGE_DUP], (w) }
#define TABLE(w) { &hb_sim_builtin[HB_PAGE_TABLE], (w) }

/* Shares are listed in enum hb_page_class order: the order picks which
 * pages a class gets, and this one keeps the pages of issue 11's before
 * figures. */
static const struct hb_profile profiles[] = {
	{ .name = "zero", .help = "all pages zero (a freshly booted, idle machine)",
	  .nclasses = 1, .share = { ZERO(1) } },
	{ .name = "random", .help = "incompressible pages (encrypted or compressed data)",
	  .nclasses = 1, .share = { RANDOM(1) } },
	{ .name = "text", .help = "English-like text (page cache of documents and logs)",
	  .nclasses = 1, .share = { TEXT(1) } },
	{ .name = "mixed",
	  .help = "a used workstation: 30% zero, 20% heap, 20% text, 10% code, 15% random, 5% duplicate",
	  .nclasses = 6,
	  .share = { ZERO(30), TEXT(20), CODE(10), HEAP(20), RANDOM(15), DUP(5) } },
	{ .name = "desktop",
	  .help = "a desktop session: 15% zero, 25% heap, 15% text, 20% code, 15% random, 10% duplicate",
	  .nclasses = 6,
	  .share = { ZERO(15), TEXT(15), CODE(20), HEAP(25), RANDOM(15), DUP(10) } },
	{ .name = "database",
	  .help = "a database server: 55% table pages, 15% heap, 10% zero, 10% random, 5% text, 5% code",
	  .nclasses = 6,
	  .share = { ZERO(10), TEXT(5), CODE(5), HEAP(15), RANDOM(10), TABLE(55) } },
	{ .name = "vmhost",
	  .help = "a host of idle guests: 45% zero, 25% duplicate, 10% heap, 8% code, 7% text, 5% random",
	  .nclasses = 6,
	  .share = { ZERO(45), TEXT(7), CODE(8), HEAP(10), RANDOM(5), DUP(25) } },
	{ .name = "duplicates",
	  .help = "dedup's best case: 85% duplicate, 10% heap, 5% random",
	  .nclasses = 3, .share = { HEAP(10), RANDOM(5), DUP(85) } },
};

#define NPROFILES (sizeof(profiles) / sizeof(profiles[0]))

const struct hb_profile *hb_profile_find(const char *name)
{
	size_t i;

	for (i = 0; i < NPROFILES; i++) {
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	}
	return NULL;
}

const struct hb_profile *hb_profile_at(unsigned index)
{
	return index < NPROFILES ? &profiles[index] : NULL;
}

const char *hb_profile_names(void)
{
	return HB_PROFILE_NAMES;
}

const struct hb_sim_class *hb_sim_class_of(const struct hb_profile *p, uint64_t seed,
					   uint64_t page)
{
	uint64_t h = hb_mix64(seed * 0x2545f4914f6cdd1dull ^ (page >> HB_SIM_RUN_SHIFT));
	unsigned total = 0, pick, c;

	for (c = 0; c < p->nclasses; c++)
		total += p->share[c].weight;
	if (p->spread) {
		/* run r at r * 2^64 / golden ratio, shifted by the seed: any stretch
		 * of runs samples [0, 1) evenly (Weyl), so shares hold exactly */
		uint64_t u = (page >> HB_SIM_RUN_SHIFT) * 0x9e3779b97f4a7c15ull + hb_mix64(seed);

		pick = (unsigned)(((u >> 32) * total) >> 32);
	} else {
		pick = (unsigned)(h % total);
	}
	for (c = 0; c < p->nclasses; c++) {
		if (pick < p->share[c].weight)
			return p->share[c].cls;
		pick -= p->share[c].weight;
	}
	return &hb_sim_builtin[HB_PAGE_ZERO];
}
