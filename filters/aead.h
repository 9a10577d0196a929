/* One AEAD filter implementation on OpenSSL EVP, shared by aes-256-gcm.c and
 * chacha20_poly1305.c: each of those is a table whose .family names its
 * cipher (struct hb_aead_desc) and sets .exact_size (output = input + tag).
 *
 * A record: ciphertext (as long as the input) + a 16-byte tag.  The record
 * key is HKDF(master key, per-image salt), so the nonce can simply be the
 * record number: a key is never used in two images, and a record number
 * never twice in one.  The associated data binds the record to its place
 * (number, first page, page count) and to the header's static section (the
 * filter chain and its parameters, page counts, image id): an edited header,
 * a swapped or moved record fails authentication.  The header as a whole
 * carries an HMAC-SHA256 under a third derived key (hb_aead_header_tag), so
 * a resume trusts it before it acts on it.  Layout: docs/FORMAT.md. */
#ifndef HB_FILTER_AEAD_H
#define HB_FILTER_AEAD_H

#include <openssl/types.h>
#include <stdint.h>

#include "core/plugin.h"

#define HB_AEAD_TAG 16
#define HB_AEAD_NONCE 12

/* Which cipher: a filter's .family (its name is the filter's). */
struct hb_aead_desc {
	const char *evp_name;  /* "AES-256-GCM" */
};

/* conf: the options. */
struct hb_aead_conf {
	int64_t kdf_n, kdf_r, kdf_p;  /* scrypt costs for a new passphrase */
};

/* The core's per-image state block, set by prepare. */
struct hb_aead_state {
	uint8_t *key;         /* record key, locked memory; NULL if unprepared */
	uint8_t *header_key;  /* HMAC key of the header tag, locked memory */
};

/* priv: one worker's cipher context, keyed once in create. */
struct hb_aead_priv {
	const char *name;  /* the filter's, for messages */
	EVP_CIPHER *cipher;
	EVP_CIPHER_CTX *ctx;
	uint8_t header_digest[32];  /* SHA-256 of the static section */
};

extern const struct hb_option hb_aead_options[];

/* The hb_filter methods of both ciphers. */
size_t hb_aead_bound(const struct hb_filter *self, const void *conf, size_t in_len);
int hb_aead_prepare(const struct hb_filter *self, const void *conf, void *state,
		    const struct hb_image_info *img, struct hb_params *params);
void hb_aead_release(void *state);
int hb_aead_create(const struct hb_filter *self, void *priv, const void *conf, const void *state,
		   const struct hb_image_info *img);
void hb_aead_destroy(void *priv);
int hb_aead_encode(const struct hb_filter *self, void *priv, struct hb_xfer *x);
int hb_aead_decode(const struct hb_filter *self, void *priv, struct hb_xfer *x);
int hb_aead_header_tag(const struct hb_filter *self, const void *state, const uint8_t *bytes,
		       size_t len, uint8_t tag[HB_HEADER_TAG_LEN]);
int hb_aead_ctl(const void *conf, int op, void *arg);

#endif
