/* A Linux swap area: its SWAPSPACE2 header (the kernel's union swap_header,
 * include/linux/swap.h), and where a swap writer may put its pages.
 *
 * Header page, native byte order (the kernel's own):
 *   [0, 1024)      bootbits, left alone
 *   1024  u32      version (1)
 *   1028  u32      last_page: the last usable page; the area is last_page + 1 pages
 *   1032  u32      nr_badpages
 *   1036  16 bytes uuid
 *   1052  16 bytes volume label (NUL-padded)
 *   1536  u32[]    the bad pages, nr_badpages of them
 *   page_size - 10 "SWAPSPACE2"
 */
#ifndef HB_SWAP_AREA_H
#define HB_SWAP_AREA_H

#include "core/plugin.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HB_SWAP_MAGIC "SWAPSPACE2"
#define HB_SWAP_MAGIC_LEN 10
#define HB_SWAP_BAD_OFF 1536u

struct hb_swap_area {
	uint32_t page_size;
	uint64_t base;        /* the header's page in the file or device (offset=N) */
	uint32_t last_page;   /* pages 1..last_page are the area's slots */
	uint32_t nr_bad;
	uint32_t *bad;        /* sorted, deduplicated; malloc'ed (hb_swap_area_free) */
	uint8_t uuid[16];
	char label[17];
};


/* Parse and check the header in page (page_size bytes; more, up to 64 KiB,
 * lets it name a header made for larger pages).  dev_bytes is the size of
 * the file or device.  Errors are HB_EUSAGE lines that begin with name. */
int hb_swap_area_parse(struct hb_swap_area *a, const char *name, const uint8_t *page,
		       size_t len, uint32_t page_size, uint64_t base, uint64_t dev_bytes);
void hb_swap_area_free(struct hb_swap_area *a);

/* "uuid 1b4e28ba-2fa1-11d2-883f-0016d3cca427, label "swap1"" for messages. */
void hb_swap_area_describe(const struct hb_swap_area *a, char *buf, size_t cap);

/* Slots the area can give: last_page minus the bad pages. */
uint64_t hb_swap_area_slots(const struct hb_swap_area *a);

/* ---- where the pages go: the allocator seam ------------------------------
 * A swap writer takes its pages one at a time from an allocator.  Pages are
 * absolute page numbers in the file or device the writer opened. */
struct hb_swap_alloc_ops {
	const char *name;
	/* the next page to write; HB_ENOSPACE when none is left */
	int (*take)(void *ctx, uint64_t *page);
	/* how many more take() can give (at least) */
	int (*left)(void *ctx, uint64_t *pages);
	/* the suspend failed: give every page back */
	void (*release)(void *ctx);
};

struct hb_swap_alloc {
	const struct hb_swap_alloc_ops *ops;
	void *ctx;
};

/* The whole area, in order, skipping the header page and the bad pages: for
 * an area no one else uses (not active swap). */
struct hb_area_alloc {
	const struct hb_swap_area *area;
	uint64_t next;       /* relative page */
	uint32_t bad_i;      /* first bad page >= next */
};
void hb_area_alloc_init(struct hb_area_alloc *aa, const struct hb_swap_area *area,
			struct hb_swap_alloc *out);

/* The source's: pages the source gives from an active swap area (the
 * kernel's free slots through /dev/snapshot: SNAPSHOT_SET_SWAP_AREA,
 * SNAPSHOT_ALLOC_SWAP_PAGE), so no page in use is ever overwritten. */
struct hb_kernel_alloc {
	struct hb_slot_alloc slots;
	uint32_t page_size;
	uint64_t header_page;  /* absolute: never given out */
	uint64_t dev_pages;    /* pages of the device */
	const char *name;      /* for messages */
};
int hb_kernel_alloc_init(struct hb_kernel_alloc *ka, const struct hb_slot_alloc *slots,
			 dev_t dev, const struct hb_swap_area *area, uint64_t dev_bytes,
			 const char *name, struct hb_swap_alloc *out);

/* Is path (a device, or a file) an active swap area per swaps_file
 * ("/proc/swaps")?  For a device, a swap file inside a filesystem on it
 * counts too.  Unreadable swaps_file: false. */
bool hb_swap_is_active(const char *swaps_file, dev_t rdev, dev_t dev, ino_t ino, bool is_blk);

#endif
