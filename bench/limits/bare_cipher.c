/* The AEAD ciphers called bare through OpenSSL EVP, as filters/aead.c calls
 * them: one context per direction keyed once, then per chunk a 12-byte
 * nonce (the record number), 52 bytes of associated data (a 32-byte header
 * digest and the chunk's place), the update, the final and a 16-byte tag.
 * The key is a fixed test key; the plugin derives its own from a key file,
 * which costs nothing per chunk. */
#include "lim.h"

#include "core/bytes.h"

#include <limits.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define TAG_LEN 16
#define NONCE_LEN 12
#define AAD_LEN (32 + 8 + 8 + 4)

const uint8_t lim_test_key[LIM_KEY_LEN] = {
	0x68, 0x69, 0x62, 0x6c, 0x61, 0x62, 0x2d, 0x62, 0x65, 0x6e, 0x63, 0x68, 0x20, 0x74, 0x65,
	0x73, 0x74, 0x20, 0x6b, 0x65, 0x79, 0x2c, 0x20, 0x6e, 0x6f, 0x74, 0x20, 0x73, 0x65, 0x63,
	0x72, 0x65,
};

struct aead_ctx {
	EVP_CIPHER *cipher;
	EVP_CIPHER_CTX *enc, *dec;
	uint8_t header_digest[32];
};

static size_t aead_bound(size_t len)
{
	return len + TAG_LEN;
}

static void aead_destroy(void *ctx)
{
	struct aead_ctx *x = (struct aead_ctx *)ctx;

	if (!x)
		return;
	EVP_CIPHER_CTX_free(x->enc);
	EVP_CIPHER_CTX_free(x->dec);
	EVP_CIPHER_free(x->cipher);
	free(x);
}

static void *aead_create(const struct lim_codec *c)
{
	struct aead_ctx *x = (struct aead_ctx *)calloc(1, sizeof(*x));
	const char *evp = c->param == 1 ? "AES-256-GCM" : "ChaCha20-Poly1305";

	if (!x)
		return NULL;
	memset(x->header_digest, 0xa5, sizeof(x->header_digest));
	x->cipher = EVP_CIPHER_fetch(NULL, evp, NULL);
	x->enc = EVP_CIPHER_CTX_new();
	x->dec = EVP_CIPHER_CTX_new();
	if (!x->cipher || !x->enc || !x->dec ||
	    EVP_CipherInit_ex(x->enc, x->cipher, NULL, lim_test_key, NULL, 1) != 1 ||
	    EVP_CipherInit_ex(x->dec, x->cipher, NULL, lim_test_key, NULL, 0) != 1 ||
	    EVP_CIPHER_CTX_get_iv_length(x->enc) != NONCE_LEN) {
		ERR_clear_error();
		fprintf(stderr, "hiblab-bench: OpenSSL has no %s\n", evp);
		aead_destroy(x);
		return NULL;
	}
	return x;
}

static void nonce_aad(const struct aead_ctx *x, const struct lim_chunk *c,
		      uint8_t nonce[NONCE_LEN], uint8_t aad[AAD_LEN])
{
	memset(nonce, 0, NONCE_LEN);
	hb_put64(nonce + NONCE_LEN - 8, c->seq);
	memcpy(aad, x->header_digest, 32);
	hb_put64(aad + 32, c->seq);
	hb_put64(aad + 40, c->first_page);
	hb_put32(aad + 48, c->pages);
}

static int aead_encode(void *ctx, const struct lim_chunk *c, uint8_t *buf, size_t cap,
		       const uint8_t **out, size_t *out_len)
{
	struct aead_ctx *x = (struct aead_ctx *)ctx;
	uint8_t nonce[NONCE_LEN], aad[AAD_LEN];
	int n = 0, fin = 0;

	*out = buf;
	*out_len = 0;
	if (c->len > INT_MAX || cap < c->len + TAG_LEN)
		return -1;
	nonce_aad(x, c, nonce, aad);
	if (EVP_EncryptInit_ex(x->enc, NULL, NULL, NULL, nonce) != 1 ||
	    EVP_EncryptUpdate(x->enc, NULL, &n, aad, AAD_LEN) != 1 ||
	    EVP_EncryptUpdate(x->enc, buf, &n, c->orig, (int)c->len) != 1 ||
	    EVP_EncryptFinal_ex(x->enc, buf + n, &fin) != 1 ||
	    (size_t)n + (size_t)fin != c->len ||
	    EVP_CIPHER_CTX_ctrl(x->enc, EVP_CTRL_AEAD_GET_TAG, TAG_LEN, buf + c->len) != 1) {
		ERR_clear_error();
		return -1;
	}
	*out_len = c->len + TAG_LEN;
	return 0;
}

static int aead_decode(void *ctx, const struct lim_chunk *c, const uint8_t *in, size_t in_len,
		       uint8_t *buf, size_t cap, const uint8_t **out, size_t *out_len)
{
	struct aead_ctx *x = (struct aead_ctx *)ctx;
	uint8_t nonce[NONCE_LEN], aad[AAD_LEN];
	size_t len = in_len - TAG_LEN;
	int n = 0, fin = 0;

	*out = buf;
	*out_len = 0;
	if (in_len < TAG_LEN || len > cap || len > INT_MAX)
		return -1;
	nonce_aad(x, c, nonce, aad);
	if (EVP_DecryptInit_ex(x->dec, NULL, NULL, NULL, nonce) != 1 ||
	    EVP_CIPHER_CTX_ctrl(x->dec, EVP_CTRL_AEAD_SET_TAG, TAG_LEN,
				(void *)(uintptr_t)(in + len)) != 1 ||
	    EVP_DecryptUpdate(x->dec, NULL, &n, aad, AAD_LEN) != 1 ||
	    EVP_DecryptUpdate(x->dec, buf, &n, in, (int)len) != 1 ||
	    EVP_DecryptFinal_ex(x->dec, buf + n, &fin) != 1) {
		ERR_clear_error();
		return -1;
	}
	*out_len = len;
	return 0;
}

const struct lim_codec lim_aes_gcm = {
	.name = "aes-256-gcm",
	.chain = "aes-256-gcm",
	.call = "OpenSSL EVP AES-256-GCM, 12-byte nonce and 52-byte AAD per chunk, 16-byte tag",
	.param = 1,
	.bound = aead_bound,
	.create = aead_create,
	.ops = { .encode = aead_encode, .decode = aead_decode, .destroy = aead_destroy },
};

const struct lim_codec lim_chacha = {
	.name = "chacha20-poly1305",
	.chain = "chacha20-poly1305",
	.call = "OpenSSL EVP ChaCha20-Poly1305, 12-byte nonce and 52-byte AAD per chunk, "
		"16-byte tag",
	.param = 2,
	.bound = aead_bound,
	.create = aead_create,
	.ops = { .encode = aead_encode, .decode = aead_decode, .destroy = aead_destroy },
};
