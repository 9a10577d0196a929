/* The kernel's own hibernation image (swsusp, kernel/power/swap.c), read and
 * verified offline: the S1SUSPEND header at the end of the swap header page,
 * the chain of map pages, swsusp_info, the records (plain pages, or LZO/LZ4
 * compressed runs of up to 32 pages), the CRC32 the header carries and the
 * page-frame list.  Linux x86-64 layout, 4 KiB pages, as docs/FORMAT.md ("The
 * kernel's image (swsusp)") sets it down for 6.1 and 6.12.
 *
 * It opens its target read-only and never writes it: hiblab inspect may look
 * at an image the kernel is still to resume from. */
#ifndef HB_KERNEL_IMAGE_H
#define HB_KERNEL_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#define HB_KIMAGE_PAGE 4096u
#define HB_KIMAGE_SIG "S1SUSPEND"

/* The header's flags (kernel/power/power.h, SF_*). */
#define HB_KIMAGE_SF_PLATFORM 1u
#define HB_KIMAGE_SF_NOCOMPRESS 2u
#define HB_KIMAGE_SF_CRC32 4u
#define HB_KIMAGE_SF_HW_SIG 8u
#define HB_KIMAGE_SF_LZ4 16u  /* 6.9 on; without it a compressed image is LZO */

enum hb_kimage_comp { HB_KIMAGE_PLAIN, HB_KIMAGE_LZO, HB_KIMAGE_LZ4 };

/* Where the kernel release came from: swsusp_info's utsname (architectures
 * without their own header there), the "Linux version" banner in the saved
 * memory (x86-64 and arm64 put their restore record over the utsname). */
enum hb_kimage_release_from { HB_KIMAGE_REL_NONE, HB_KIMAGE_REL_UTSNAME, HB_KIMAGE_REL_BANNER };

struct hb_kimage_report {
	char release[65];          /* "6.1.0-56-cloud-amd64", "" if not found */
	char machine[65];          /* "x86_64", "" if the header does not say */
	enum hb_kimage_release_from release_from;
	uint64_t header_page;      /* the swap header's page in the file or device */
	uint32_t flags;            /* HB_KIMAGE_SF_* */
	uint32_t hw_sig;           /* with HB_KIMAGE_SF_HW_SIG */
	enum hb_kimage_comp comp;
	uint64_t first_map;        /* the header's image sector: the first map page */
	/* swsusp_info */
	uint64_t num_physpages;
	uint64_t pages;            /* in the image: 1 info page + meta + image pages */
	uint64_t image_pages;      /* data pages stored (nonzero pages) */
	uint64_t meta_pages;       /* pages of the page-frame list */
	/* the page-frame list */
	uint64_t pfns;             /* frames the image restores */
	uint64_t zero_pages;       /* of them flagged zero and not stored (6.8 on) */
	/* what the area holds */
	uint64_t map_pages;        /* pages of the map chain */
	uint64_t records;          /* compressed records (0 for a plain image) */
	uint64_t stored_bytes;     /* the map pages and the pages they list */
	uint64_t data_bytes;       /* the image as the kernel restores it: pages x 4096 */
	double ratio;              /* data_bytes / stored_bytes */
	uint32_t crc_stored, crc_computed;  /* with HB_KIMAGE_SF_CRC32 */
};

/* Read and verify the kernel's image at target, a swap: or block: spec as
 * the writers take them ("swap:PATH[,offset=N]": the swap header at page N,
 * the resume offset of a swap file; "block:PATH": at page 0).  0: a sound
 * image, r filled.  HB_ENOIMAGE without a detail line (the caller's own
 * reason stands) when target is not swap: or block: or holds no S1SUSPEND
 * signature.  HB_ECORRUPT with one detail line naming the part and what is
 * wrong; r then holds what was read before it.  Other errors (open, I/O)
 * as the raw layer gives them. */
int hb_kimage_read(const char *target, struct hb_kimage_report *r);

const char *hb_kimage_comp_name(enum hb_kimage_comp comp);

/* The kernel's crc32_le(): CRC-32 (reflected 0xEDB88320) with the running
 * value as it is, no inversion before or after; start from 0. */
uint32_t hb_kimage_crc32(uint32_t crc, const void *buf, uint64_t len);

#endif
