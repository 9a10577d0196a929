/* sha256 (OpenSSL libcrypto): a checksum filter that appends the SHA-256 of
 * its input and strips it again after verifying.  Slower than crc32c or
 * xxh3, but collision resistant: for images whose integrity must hold
 * against someone who can write the disk (without encryption, that is all it
 * can promise; an AEAD cipher authenticates with a key).
 *
 * Encoded: the input, then its 32-byte SHA-256 (the standard byte string,
 * as sha256sum prints it). */
#include "core/error.h"
#include "core/plugin.h"
#include "filters/checksum_frame.h"

#include <openssl/evp.h>

#define SHA256_LEN 32

/* One digest context per worker: libcrypto contexts are not thread-safe,
 * and reusing one avoids an allocation and an algorithm fetch per record. */
struct sha256_priv {
	struct hb_sum_priv sum;  /* first: the frame's */
	EVP_MD *md;
	EVP_MD_CTX *ctx;
};

static int sha256_sum(void *priv, const uint8_t *buf, size_t len, uint8_t *out)
{
	const struct sha256_priv *p = (const struct sha256_priv *)priv;
	unsigned int n = 0;

	if (EVP_DigestInit_ex(p->ctx, p->md, NULL) != 1 ||
	    EVP_DigestUpdate(p->ctx, buf, len) != 1 ||
	    EVP_DigestFinal_ex(p->ctx, out, &n) != 1 || n != SHA256_LEN)
		return hb_fail(HB_EINTERNAL, "sha256: libcrypto failed to digest %zu bytes", len);
	return 0;
}

static int sha256_create(const struct hb_filter *self, void *priv, const void *conf,
			 const void *state, const struct hb_image_info *img)
{
	struct sha256_priv *p = (struct sha256_priv *)priv;
	int err = hb_sum_create(self, priv, conf, state, img);

	if (err)
		return err;
	/* fetched once: EVP_sha256() would look the algorithm up on every init */
	p->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	p->ctx = EVP_MD_CTX_new();
	if (!p->md || !p->ctx) {
		EVP_MD_CTX_free(p->ctx);
		EVP_MD_free(p->md);
		p->ctx = NULL;
		p->md = NULL;
		return hb_fail(HB_ENOMEM, "sha256: libcrypto has no SHA-256 context");
	}
	return 0;
}

static void sha256_destroy(void *priv)
{
	struct sha256_priv *p = (struct sha256_priv *)priv;

	EVP_MD_CTX_free(p->ctx);
	EVP_MD_free(p->md);
	p->ctx = NULL;
	p->md = NULL;
}

static const struct hb_checksum sha256 = {
	.digest_len = SHA256_LEN,
	.sum = sha256_sum,
};

const struct hb_filter hb_filter_sha256 = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "sha256",
		.help = "SHA-256 of each record's data at this point of the chain (OpenSSL)",
		.priv_size = sizeof(struct sha256_priv),
	},
	.exact_size = true,  /* its input, then the digest */
	.family = &sha256,
	.bound = hb_sum_bound,
	.create = sha256_create,
	.destroy = sha256_destroy,
	.encode = hb_sum_encode,
	.decode = hb_sum_decode,
};
