/* Image format v2: header area and record headers (docs/FORMAT.md). */
#ifndef HB_FORMAT_H
#define HB_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "options.h"
#include "plugin.h"

/* 2 added the header tag of sealed (encrypted) images; 1 is still read, but
 * not with a sealing filter: its header is not authenticated. */
#define HB_FORMAT_VERSION 2u
#define HB_MAGIC_VALID "HIBLABOK"   /* a committed, resumable image */
#define HB_MAGIC_SPENT "HIBLABNO"   /* resumed or invalidated: never again */
#define HB_MAGIC_LEN 8
#define HB_FIXED_LEN 64u            /* fixed fields before the static section */
#define HB_RECORD_HDR 24u
#define HB_RECORD_MAGIC 0x43524248u /* "HBRC" little-endian */
#define HB_MAX_FILTERS 16
/* The largest chunk a suspend makes, and so the largest a reader accepts: a
 * header cannot make a resume allocate more than this per slot. */
#define HB_MAX_CHUNK_PAGES 4096u
#define HB_MAX_CHUNK_BYTES (16u << 20)
#define HB_DIGEST_XXH3_CHUNKS 1u    /* digest algorithm id */

struct hb_header_filter {
	char name[HB_NAME_MAX];
	char options[HB_STR_MAX];   /* canonical "key=value,..." text */
	struct hb_params params;
};

struct hb_header {
	bool spent;
	uint32_t version;
	/* final section: known only at commit */
	uint64_t record_count;
	uint64_t data_bytes;        /* record headers + payloads */
	uint8_t digest[HB_DIGEST_LEN];
	/* after the static section: the header tag of a sealed image */
	uint32_t tag_len;           /* 0 or HB_HEADER_TAG_LEN */
	uint8_t tag[HB_HEADER_TAG_LEN];
	/* static section: known before the first record; a cipher's AAD */
	uint64_t image_id;
	uint64_t image_bytes;       /* exact byte length of the source */
	uint64_t page_count;
	uint32_t page_size;
	uint32_t chunk_pages;
	uint64_t created;           /* seconds since the epoch, UTC */
	uint32_t digest_alg;
	char source[HB_STR_MAX];
	unsigned filter_count;
	struct hb_header_filter filters[HB_MAX_FILTERS];
};

/* Serialize the static section into buf (for AAD and the header). */
int hb_header_static_encode(const struct hb_header *h, uint8_t *buf, size_t cap, size_t *len);

/* Computes a header tag of bytes (a sealing filter's header_tag). */
typedef int hb_header_tag_fn(void *ctx, const uint8_t *bytes, size_t len,
			     uint8_t tag[HB_HEADER_TAG_LEN]);

/* The whole header area (HB_HEADER_AREA bytes, zero-padded) from h and its
 * already-encoded static section.  With tag, the area ends in the header tag
 * it computes; without, in h's own tag_len bytes (none, or a decoded one). */
int hb_header_encode(const struct hb_header *h, const uint8_t *static_bytes, size_t static_len,
		     hb_header_tag_fn *tag, void *tag_ctx, uint8_t area[HB_HEADER_AREA],
		     size_t *len);

/* Check the tag of a header area that hb_header_decode accepted into h: 0,
 * or HB_ECORRUPT (no tag, or not the one tag computes). */
int hb_header_check_tag(const uint8_t area[HB_HEADER_AREA], const struct hb_header *h,
			hb_header_tag_fn *tag, void *tag_ctx);

/* Parse a header area.  Refuses a foreign magic, a newer version, a bad
 * checksum or malformed fields (with a detail line).  An all-zero area is
 * HB_ENOIMAGE.  A spent image parses with h->spent set.  static_off/len give
 * the static section inside area (for AAD). */
int hb_header_decode(const uint8_t area[HB_HEADER_AREA], struct hb_header *h,
		     size_t *static_off, size_t *static_len);

/* Turn a valid header area into the spent one (magic replaced). */
void hb_header_mark_spent(uint8_t area[HB_HEADER_AREA]);

struct hb_record {
	uint32_t payload_len;
	uint64_t seq;
	uint32_t pages;
	uint32_t crc;
};

/* Write a record header for payload; computes the crc (seeded by image_id). */
void hb_record_encode(uint8_t out[HB_RECORD_HDR], uint64_t image_id, uint64_t seq,
		      uint32_t pages, const uint8_t *payload, uint32_t payload_len);

/* Parse a record header's fields (no crc check: the payload is not read yet). */
int hb_record_decode(const uint8_t in[HB_RECORD_HDR], struct hb_record *r);

/* Check a record's crc against its payload. */
bool hb_record_crc_ok(const uint8_t hdr[HB_RECORD_HDR], uint64_t image_id,
		      const uint8_t *payload, uint32_t payload_len);

#endif
