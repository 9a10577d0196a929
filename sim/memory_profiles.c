/* Memory profiles: mixes of page classes (reasoning in docs/SIMULATION.md). */
#include "memory.h"

#include <string.h>

/* Pages come in runs of this many of one class, as allocations do. */
#define RUN_SHIFT 3

static const struct hb_profile profiles[] = {
	{ .name = "zero", .help = "all pages zero (a freshly booted, idle machine)",
	  .weight = { [HB_PAGE_ZERO] = 1 } },
	{ .name = "random", .help = "incompressible pages (encrypted or compressed data)",
	  .weight = { [HB_PAGE_RANDOM] = 1 } },
	{ .name = "text", .help = "English-like text (page cache of documents and logs)",
	  .weight = { [HB_PAGE_TEXT] = 1 } },
	{ .name = "mixed",
	  .help = "a used workstation: 30% zero, 20% heap, 20% text, 10% code, 15% random, 5% duplicate",
	  .weight = { [HB_PAGE_ZERO] = 30, [HB_PAGE_HEAP] = 20, [HB_PAGE_TEXT] = 20,
		      [HB_PAGE_CODE] = 10, [HB_PAGE_RANDOM] = 15, [HB_PAGE_DUP] = 5 } },
	{ .name = "desktop",
	  .help = "a desktop session: 15% zero, 25% heap, 15% text, 20% code, 15% random, 10% duplicate",
	  .weight = { [HB_PAGE_ZERO] = 15, [HB_PAGE_HEAP] = 25, [HB_PAGE_TEXT] = 15,
		      [HB_PAGE_CODE] = 20, [HB_PAGE_RANDOM] = 15, [HB_PAGE_DUP] = 10 } },
	{ .name = "database",
	  .help = "a database server: 55% table pages, 15% heap, 10% zero, 10% random, 5% text, 5% code",
	  .weight = { [HB_PAGE_TABLE] = 55, [HB_PAGE_HEAP] = 15, [HB_PAGE_ZERO] = 10,
		      [HB_PAGE_RANDOM] = 10, [HB_PAGE_TEXT] = 5, [HB_PAGE_CODE] = 5 } },
	{ .name = "vmhost",
	  .help = "a host of idle guests: 45% zero, 25% duplicate, 10% heap, 8% code, 7% text, 5% random",
	  .weight = { [HB_PAGE_ZERO] = 45, [HB_PAGE_DUP] = 25, [HB_PAGE_HEAP] = 10,
		      [HB_PAGE_CODE] = 8, [HB_PAGE_TEXT] = 7, [HB_PAGE_RANDOM] = 5 } },
	{ .name = "duplicates",
	  .help = "dedup's best case: 85% duplicate, 10% heap, 5% random",
	  .weight = { [HB_PAGE_DUP] = 85, [HB_PAGE_HEAP] = 10, [HB_PAGE_RANDOM] = 5 } },
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

enum hb_page_class hb_page_class_of(const struct hb_profile *p, uint64_t seed, uint64_t page)
{
	uint64_t h = hb_mix64(seed * 0x2545f4914f6cdd1dull ^ (page >> RUN_SHIFT));
	unsigned total = 0, pick, c;

	for (c = 0; c < HB_PAGE_CLASSES; c++)
		total += p->weight[c];
	pick = (unsigned)(h % total);
	for (c = 0; c < HB_PAGE_CLASSES; c++) {
		if (pick < p->weight[c])
			return (enum hb_page_class)c;
		pick -= p->weight[c];
	}
	return HB_PAGE_ZERO;
}

void hb_sim_page(const struct hb_profile *p, uint64_t seed, uint64_t page, uint8_t *out,
		 size_t page_size)
{
	enum hb_page_class cls = hb_page_class_of(p, seed, page);
	uint64_t key = hb_mix64(seed ^ hb_mix64(page));

	/* a duplicate's content depends on the template only, not on the page */
	if (cls == HB_PAGE_DUP)
		key = hb_mix64(seed) + hb_mix64(page) % 509;
	hb_page_fill(cls, key, out, page_size);
}
