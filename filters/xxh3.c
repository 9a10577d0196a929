/* XXH3 (libxxhash): the image's end-to-end digest of the original pages. */
#include "core/hash.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

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
