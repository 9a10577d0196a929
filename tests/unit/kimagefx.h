/* Kernel hibernation images built byte by byte to the layout of
 * docs/FORMAT.md ("The kernel's image (swsusp)"), written the way the
 * kernel's swap writer lays them out: the first map page, then the pages it
 * lists, a new map page each time 511 entries are full. */
#ifndef HB_KIMAGEFX_H
#define HB_KIMAGEFX_H

#include "backends/kernel_image.h"

#include <stdbool.h>
#include <stdint.h>

#define KFX_MAX_MAPS 16u
#define KFX_MAX_RECORDS 256u

struct kfx_spec {
	enum hb_kimage_comp comp;
	uint64_t data_pages;   /* stored (nonzero) pages */
	uint32_t zero_every;   /* every Nth frame is a zero page, flagged (6.8 on); 0: none */
	bool noise;            /* data pages of xorshift noise (they do not compress) */
	bool utsname;          /* swsusp_info keeps the utsname (no x86-64 record) */
	uint64_t dev_pages;    /* the file's size in pages */
};

/* Where the builder put things (sectors are page numbers in the file). */
struct kfx_layout {
	uint64_t maps[KFX_MAX_MAPS];
	uint32_t nmaps;
	uint64_t info;                      /* swsusp_info's page */
	uint64_t record[KFX_MAX_RECORDS];   /* each record's first page (or each plain page's, up to the cap) */
	uint32_t nrecords;
	uint64_t entries;                   /* pages the map lists */
	uint64_t frames, zero, meta;
	uint32_t crc;
};

/* Write the image to path; aborts the test on failure. */
void kfx_build(const char *path, const struct kfx_spec *s, struct kfx_layout *out);

/* Put v at byte off of page in path (little-endian, 8 bytes). */
void kfx_put64(const char *path, uint64_t page, uint32_t off, uint64_t v);

#endif
