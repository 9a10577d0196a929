/* The image format's own checksums (core/hash.c): CRC-32C for headers and
 * records (ISA-L), XXH3 for the end-to-end digest (libxxhash).  The crc32c
 * and xxh3 filters use them as well. */
#ifndef HB_HASH_H
#define HB_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Standard CRC-32C (Castagnoli).  crc: the value so far (0 to start), so
 * hb_crc32c(hb_crc32c(0, a, n), b, m) == crc of a then b. */
uint32_t hb_crc32c(uint32_t crc, const void *buf, size_t len);

/* The image digest: XXH3-128 of each chunk's original bytes, folded in
 * record order into a running XXH3-128 (docs/FORMAT.md, "Digest"). */
#define HB_DIGEST_LEN 16

void hb_chunk_digest(const void *buf, size_t len, uint8_t out[HB_DIGEST_LEN]);

struct hb_digest;  /* the running fold */
struct hb_digest *hb_digest_new(void);
void hb_digest_add(struct hb_digest *d, const uint8_t chunk_digest[HB_DIGEST_LEN]);
void hb_digest_final(struct hb_digest *d, uint8_t out[HB_DIGEST_LEN]);
void hb_digest_free(struct hb_digest *d);

/* Whether a checksum read from an image equals the one computed (every
 * compare of a record or header crc, a checksum filter's digest and the
 * image digest goes through here).  The fuzz build (HB_FUZZ_NO_CHECKSUMS,
 * tests/fuzz/ only) says yes to all, so a fuzzer reaches what an attacker
 * who recomputes checksums reaches. */
bool hb_sum_equal(const void *stored, const void *computed, size_t len);

#endif
