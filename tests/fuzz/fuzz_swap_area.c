/* Fuzz target: the swap-area reader (backends/swap_area.c).
 *
 * Input:
 *   [0]        the page size: 4096 << ([0] % 5), up to 64 KiB
 *   [1, 9)     the device's size in bytes (u64, little-endian)
 *   then       the header page (zero-padded to the page size when shorter;
 *              a longer input lets it name a header made for larger pages)
 * A header that parses is then walked by the whole-area allocator for up to
 * FUZZ_TAKES pages, which must all lie inside the area and skip its header
 * page and every bad page. */
#include "tests/fuzz/fuzz.h"

#include "backends/swap_area.h"
#include "core/bytes.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

#define FUZZ_TAKES 4096u

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static bool is_bad(const struct hb_swap_area *a, uint64_t page)
{
	uint32_t i;

	for (i = 0; i < a->nr_bad; i++)
		if (a->bad[i] == page)
			return true;
	return false;
}

static void walk_area(const struct hb_swap_area *a)
{
	struct hb_area_alloc aa;
	struct hb_swap_alloc alloc;
	uint64_t page, left = 0, taken = 0;
	bool exhausted = false;

	hb_area_alloc_init(&aa, a, &alloc);
	if (alloc.ops->left(alloc.ctx, &left) != 0 || left != hb_swap_area_slots(a))
		abort();
	while (taken < FUZZ_TAKES && !exhausted) {
		uint64_t rel;

		if (alloc.ops->take(alloc.ctx, &page) != 0) {
			exhausted = true;
			break;
		}
		rel = page - a->base;
		if (page < a->base || rel == 0 || rel > a->last_page || is_bad(a, rel))
			abort();
		taken++;
	}
	if (exhausted && taken != left)
		abort();  /* it gave fewer or more pages than it said it had */
	if (alloc.ops->release)
		alloc.ops->release(alloc.ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hb_swap_area a;
	uint32_t page_size;
	uint64_t dev_bytes;
	uint8_t *page;
	size_t len;

	if (size < 9)
		return 0;
	page_size = 4096u << (data[0] % 5);
	dev_bytes = hb_get64(data + 1);
	len = size - 9 > page_size ? size - 9 : page_size;
	page = (uint8_t *)calloc(1, len);
	if (!page)
		abort();
	memcpy(page, data + 9, size - 9);
	if (hb_swap_area_parse(&a, "fuzz", page, len, page_size, 0, dev_bytes) == 0) {
		walk_area(&a);
	}
	hb_swap_area_free(&a);
	free(page);
	hb_clear_detail();
	return 0;
}
