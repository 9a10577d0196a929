/* The format's own checksums (hash.h): CRC-32C on ISA-L, the image digest on
 * libxxhash.  The crc32c and xxh3 filters call these too. */
#include "hash.h"
#include "xxhash_fast.h"

#include <isa-l/crc.h>
#include <stdlib.h>
#include <string.h>

uint32_t hb_crc32c(uint32_t crc, const void *buf, size_t len)
{
	/* ISA-L takes and returns the raw register; the standard CRC-32C
	 * inverts it on the way in and out */
	return ~crc32_iscsi((unsigned char *)(uintptr_t)buf, (int)len, ~crc);
}

void hb_chunk_digest(const void *buf, size_t len, uint8_t out[HB_DIGEST_LEN])
{
	XXH128_canonical_t c;

	XXH128_canonicalFromHash(&c, XXH3_128bits(buf, len));
	memcpy(out, c.digest, HB_DIGEST_LEN);
}

struct hb_digest {
	XXH3_state_t *state;
};

struct hb_digest *hb_digest_new(void)
{
	struct hb_digest *d = (struct hb_digest *)malloc(sizeof(*d));

	if (!d)
		return NULL;
	d->state = XXH3_createState();
	if (!d->state || XXH3_128bits_reset(d->state) != XXH_OK) {
		hb_digest_free(d);
		return NULL;
	}
	return d;
}

void hb_digest_add(struct hb_digest *d, const uint8_t chunk_digest[HB_DIGEST_LEN])
{
	XXH3_128bits_update(d->state, chunk_digest, HB_DIGEST_LEN);
}

void hb_digest_final(struct hb_digest *d, uint8_t out[HB_DIGEST_LEN])
{
	XXH128_canonical_t c;

	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(d->state));
	memcpy(out, c.digest, HB_DIGEST_LEN);
}

void hb_digest_free(struct hb_digest *d)
{
	if (!d)
		return;
	XXH3_freeState(d->state);
	free(d);
}

bool hb_sum_equal(const void *stored, const void *computed, size_t len)
{
#ifdef HB_FUZZ_NO_CHECKSUMS
	(void)stored;
	(void)computed;
	(void)len;
	return true;
#else
	return memcmp(stored, computed, len) == 0;
#endif
}
