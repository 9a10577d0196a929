/* The swap writer's private parts, shared by swap_writer.c (open, save,
 * commit, invalidate) and swap_load.c (reading an image back).  Layout in
 * docs/WRITERS.md. */
#ifndef HB_SWAP_WRITER_H
#define HB_SWAP_WRITER_H

#include "backends/rawio.h"
#include "backends/swap_area.h"
#include "core/options.h"
#include "core/stream.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRAILER_LEN 64u
#define SIGNATURE "HIBLABSWP1"   /* at ps - 10, where SWAPSPACE2 was */
#define TRAILER_VERSION 1u
#define DESC_MAGIC "HBSWDESC"
#define DESC_TAIL_OFF 128u
#define MAP_MAGIC "HBSWMAP1"
#define MAP_HDR 40u
#define EXT_LEN 16u
#define STAGE_PAGES 256u         /* 1 MiB of 4 KiB pages per write burst */
#define PROBE_LEN 65536u         /* enough to recognize headers for 64 KiB pages */

enum swap_alloc_mode { ALLOC_AUTO, ALLOC_AREA, ALLOC_KERNEL };

/* Pages from the swap header of an image in an idle area without bad pages
 * (alloc=area takes them in order): descriptor 1, image header 2, first map
 * 3, records from 4.  The host finds the image there (bench/run_qemu.c). */
#define SWAP_IDLE_HEAD_PAGE 2u
#define SWAP_IDLE_DATA_PAGE 4u

struct swap_conf {
	char path[HB_STR_MAX];
	int64_t offset;
	unsigned alloc;   /* enum swap_alloc_mode */
	unsigned direct;  /* enum hb_direct */
};

/* What an image's trailer and descriptor say (load, and save over an old image). */
struct swap_image {
	uint64_t desc_page;
	uint64_t session;
	uint32_t orig_crc;
	bool desc_ok;
	uint64_t head_page, map_page, data_pages, data_bytes;
	uint8_t tail[TRAILER_LEN];
};

struct swap_priv {
	const struct swap_conf *conf;
	struct hb_raw raw;
	uint32_t ps;
	uint64_t base;               /* the header page, absolute */
	uint64_t dev_pages;
	uint8_t *page0;              /* the header page as on disk */
	uint8_t *orig;               /* the original swap header page */
	struct hb_swap_area area;
	bool saving;
	bool active;                 /* save: the area is active swap */
	/* save */
	struct hb_swap_alloc alloc;
	struct hb_area_alloc aa;
	struct hb_kernel_alloc ka;
	bool have_alloc;
	bool kernel;                 /* pages from the kernel (active swap) */
	struct hb_slot_alloc src_slots;  /* the source's (ops NULL: none) */
	uint64_t session;
	uint64_t desc_page, head_page, first_map;
	uint8_t *map;                /* the map page being filled (save) or read (load) */
	uint64_t map_page, map_seq;
	uint64_t data_pages, data_bytes;
	uint8_t *stage;              /* STAGE_PAGES pages */
	struct hb_stream stream;     /* the data area through stage */
	uint64_t *slots;
	bool page0_written;
	/* load */
	struct swap_image img;
	uint32_t ext_i, ext_n;
	uint64_t ext_first, ext_left;
	uint64_t pages_read, bytes_read;
};

/* Extents a map page holds. */
uint32_t hb_swap_map_cap(const struct swap_priv *s);

/* One page of the device, absolute page number; past the end is damage. */
int hb_swap_read_page(struct swap_priv *s, uint8_t *buf, uint64_t page);

/* The writer's read_header and read methods (swap_load.c). */
int hb_swap_read_header(void *priv, void *buf);
int hb_swap_read(void *priv, void *buf, size_t len);

/* The stream's fill: the next run of data pages (swap_load.c). */
hb_stream_fill_fn hb_swap_fill;

#endif
