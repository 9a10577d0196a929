/* The AEAD filter shared by aes-256-gcm and chacha20-poly1305 (aead.h). */
#include "aead.h"
#include "key.h"

#include "core/bytes.h"
#include "core/error.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#define AAD_LEN (32 + 8 + 8 + 4)  /* header digest, record number, first page, pages */

const struct hb_option hb_aead_options[] = {
	{ .name = "kdf-n", .type = HB_OPT_INT, .def = "131072", .min = HB_SCRYPT_N_MIN,
	  .max = HB_SCRYPT_N_MAX,
	  .help = "scrypt N for a passphrase (a power of two; memory 128*N*r bytes)",
	  .offset = offsetof(struct hb_aead_conf, kdf_n) },
	{ .name = "kdf-r", .type = HB_OPT_INT, .def = "8", .min = 1, .max = HB_SCRYPT_R_MAX,
	  .help = "scrypt block size r for a passphrase",
	  .offset = offsetof(struct hb_aead_conf, kdf_r) },
	{ .name = "kdf-p", .type = HB_OPT_INT, .def = "1", .min = 1, .max = HB_SCRYPT_P_MAX,
	  .help = "scrypt parallelism p for a passphrase (runs serially: time grows with p)",
	  .offset = offsetof(struct hb_aead_conf, kdf_p) },
	{ .name = NULL },
};

size_t hb_aead_bound(const struct hb_filter *self, const void *conf, size_t in_len)
{
	(void)self;
	(void)conf;
	return in_len + HB_AEAD_TAG;
}

static unsigned log2_of(uint64_t n)
{
	unsigned l = 0;

	while (n > 1) {
		n >>= 1;
		l++;
	}
	return l;
}

int hb_aead_prepare(const struct hb_filter *self, const void *conf, void *state,
		    const struct hb_image_info *img, struct hb_params *params)
{
	const struct hb_aead_conf *c = (const struct hb_aead_conf *)conf;
	struct hb_aead_state *st = (struct hb_aead_state *)state;
	const char *name = self->base.name;
	uint8_t check[HB_KEY_CHECK_LEN];
	struct hb_key_params kp;
	uint8_t *master = NULL;
	int err;

	memset(&kp, 0, sizeof(kp));
	if (img->saving) {
		err = hb_key_check_costs(name, (uint64_t)c->kdf_n, (uint64_t)c->kdf_r,
					 (uint64_t)c->kdf_p, HB_EUSAGE);
		kp.log2n = log2_of((uint64_t)c->kdf_n);
		kp.r = (uint32_t)c->kdf_r;
		kp.p = (uint32_t)c->kdf_p;
	} else {
		/* the image's own KDF costs and salts rule, not the options */
		err = hb_key_params_decode(name, params, &kp);
	}
	if (err)
		goto out;
	master = (uint8_t *)hb_secret_alloc(HB_KEY_LEN);
	st->key = (uint8_t *)hb_secret_alloc(HB_KEY_LEN);
	st->header_key = (uint8_t *)hb_secret_alloc(HB_KEY_LEN);
	if (!master || !st->key || !st->header_key) {
		err = hb_fail(HB_ENOMEM, "%s: out of memory for keys", name);
		goto out;
	}
	err = hb_key_master(name, img, &kp, master);
	if (!err && img->saving && RAND_bytes(kp.image_salt, HB_KEY_IMAGE_SALT) != 1) {
		ERR_clear_error();
		err = hb_fail(HB_EINTERNAL, "%s: no random bytes for a salt", name);
	}
	if (!err)
		err = hb_key_derive(master, &kp, name, "record key", st->key, HB_KEY_LEN);
	if (!err)
		err = hb_key_derive(master, &kp, name, "header key", st->header_key, HB_KEY_LEN);
	/* HKDF-Expand is an HMAC of a constant under a key derived for the
	 * purpose: it tells a wrong key without decrypting a record, and says
	 * nothing about the record key */
	if (!err)
		err = hb_key_derive(master, &kp, name, "key check", check, sizeof(check));
	if (err)
		goto out;
	if (img->saving) {
		memcpy(kp.check, check, sizeof(check));
		hb_key_params_encode(&kp, params);
	} else if (CRYPTO_memcmp(check, kp.check, sizeof(check)) != 0) {
		err = hb_fail(HB_EKEY, "%s: wrong %s", name,
			      kp.source == HB_KEY_FROM_FILE ? "key (the key file does not open this "
			      "image)" : "passphrase");
	}
out:
	hb_secret_free(master, HB_KEY_LEN);
	if (err)
		hb_aead_release(state);
	return err;
}

void hb_aead_release(void *state)
{
	struct hb_aead_state *st = (struct hb_aead_state *)state;

	hb_secret_free(st->key, HB_KEY_LEN);
	st->key = NULL;
	hb_secret_free(st->header_key, HB_KEY_LEN);
	st->header_key = NULL;
}

void hb_aead_destroy(void *priv)
{
	struct hb_aead_priv *w = (struct hb_aead_priv *)priv;

	EVP_CIPHER_CTX_free(w->ctx);  /* cleanses its key schedule */
	EVP_CIPHER_free(w->cipher);
	w->ctx = NULL;
	w->cipher = NULL;
}

int hb_aead_create(const struct hb_filter *self, void *priv, const void *conf, const void *state,
		   const struct hb_image_info *img)
{
	const struct hb_aead_desc *desc = (const struct hb_aead_desc *)self->family;
	const struct hb_aead_state *st = (const struct hb_aead_state *)state;
	struct hb_aead_priv *w = (struct hb_aead_priv *)priv;
	int err = 0;

	(void)conf;
	if (!st->key || !img->aad)
		return hb_fail(HB_EINTERNAL, "aead: worker created before prepare or without AAD");
	w->name = self->base.name;
	w->cipher = EVP_CIPHER_fetch(NULL, desc->evp_name, NULL);
	w->ctx = EVP_CIPHER_CTX_new();
	/* the key schedule once per worker; each record then sets only its
	 * nonce.  The static section is hashed once: its digest, not the whole
	 * section, goes into every record's associated data */
	if (!w->cipher || !w->ctx ||
	    EVP_CipherInit_ex(w->ctx, w->cipher, NULL, st->key, NULL, img->saving ? 1 : 0) != 1 ||
	    EVP_CIPHER_CTX_get_iv_length(w->ctx) != HB_AEAD_NONCE ||
	    EVP_Digest(img->aad, img->aad_len, w->header_digest, NULL, EVP_sha256(), NULL) != 1) {
		ERR_clear_error();
		err = hb_fail(HB_EINTERNAL, "%s: cannot set up %s in OpenSSL", w->name,
			      desc->evp_name);
		hb_aead_destroy(priv);  /* the core frees priv without destroy() */
	}
	return err;
}

/* Nonce: the record number (unique within the image, and the key is the
 * image's own).  AAD: the header digest and the record's place. */
static void record_nonce_aad(const struct hb_aead_priv *w, const struct hb_chunk_ref *ref,
			     uint8_t nonce[HB_AEAD_NONCE], uint8_t aad[AAD_LEN])
{
	memset(nonce, 0, HB_AEAD_NONCE);
	hb_put64(nonce + HB_AEAD_NONCE - 8, ref->seq);
	memcpy(aad, w->header_digest, 32);
	hb_put64(aad + 32, ref->seq);
	hb_put64(aad + 40, ref->first_page);
	hb_put32(aad + 48, ref->pages);
}

int hb_aead_encode(const struct hb_filter *self, void *priv, struct hb_xfer *x)
{
	struct hb_aead_priv *w = (struct hb_aead_priv *)priv;
	uint8_t nonce[HB_AEAD_NONCE], aad[AAD_LEN];
	int n = 0, fin = 0;

	(void)self;
	if (x->in_len > INT_MAX)
		return hb_fail(HB_EINTERNAL, "%s: chunk of %zu bytes too large", w->name,
			       x->in_len);
	record_nonce_aad(w, x->chunk, nonce, aad);
	if (EVP_EncryptInit_ex(w->ctx, NULL, NULL, NULL, nonce) != 1 ||
	    EVP_EncryptUpdate(w->ctx, NULL, &n, aad, AAD_LEN) != 1 ||
	    EVP_EncryptUpdate(w->ctx, x->out, &n, x->in, (int)x->in_len) != 1 ||
	    EVP_EncryptFinal_ex(w->ctx, x->out + n, &fin) != 1 ||
	    (size_t)n + (size_t)fin != x->in_len ||
	    EVP_CIPHER_CTX_ctrl(w->ctx, EVP_CTRL_AEAD_GET_TAG, HB_AEAD_TAG, x->out + x->in_len) != 1) {
		ERR_clear_error();
		return hb_fail(HB_EINTERNAL, "record %llu: %s: encryption failed",
			       (unsigned long long)x->chunk->seq, w->name);
	}
	x->out_len = x->in_len + HB_AEAD_TAG;
	return 0;
}

int hb_aead_decode(const struct hb_filter *self, void *priv, struct hb_xfer *x)
{
	struct hb_aead_priv *w = (struct hb_aead_priv *)priv;
	unsigned long long seq = (unsigned long long)x->chunk->seq;
	uint8_t nonce[HB_AEAD_NONCE], aad[AAD_LEN];
	size_t len = x->in_len - HB_AEAD_TAG;
	int n = 0, fin = 0;

	(void)self;
	if (x->in_len < HB_AEAD_TAG || len > x->out_cap || len > INT_MAX)
		return hb_fail(HB_ECORRUPT, "record %llu: %s: %zu bytes cannot hold a record", seq,
			       w->name, x->in_len);
	record_nonce_aad(w, x->chunk, nonce, aad);
	if (EVP_DecryptInit_ex(w->ctx, NULL, NULL, NULL, nonce) != 1 ||
	    EVP_CIPHER_CTX_ctrl(w->ctx, EVP_CTRL_AEAD_SET_TAG, HB_AEAD_TAG,
				(void *)(uintptr_t)(x->in + len)) != 1 ||
	    EVP_DecryptUpdate(w->ctx, NULL, &n, aad, AAD_LEN) != 1 ||
	    EVP_DecryptUpdate(w->ctx, x->out, &n, x->in, (int)len) != 1) {
		ERR_clear_error();
		return hb_fail(HB_EINTERNAL, "record %llu: %s: decryption failed", seq,
			       w->name);
	}
	if (EVP_DecryptFinal_ex(w->ctx, x->out + n, &fin) != 1) {
		ERR_clear_error();
		/* unauthenticated plaintext goes no further, not even in a buffer */
		OPENSSL_cleanse(x->out, len);
		return hb_fail(HB_ECORRUPT, "record %llu: authentication failed (corrupt or "
					    "tampered)", seq);
	}
	x->out_len = len;
	return 0;
}

int hb_aead_ctl(const void *conf, int op, void *arg)
{
	const struct hb_ctl_describe *d = (const struct hb_ctl_describe *)arg;

	(void)conf;  /* NULL from inspect: everything comes from the params */
	if (op != HB_CTL_DESCRIBE_PARAMS)
		return HB_EUSAGE;
	return hb_key_params_describe(d->params, d->buf, d->cap);
}

/* HMAC-SHA256 under the header key: a key of its own, so the tag says
 * nothing about the record key, and a cipher's tag cannot stand in for it. */
int hb_aead_header_tag(const struct hb_filter *self, const void *state, const uint8_t *bytes,
		       size_t len, uint8_t tag[HB_HEADER_TAG_LEN])
{
	const struct hb_aead_state *st = (const struct hb_aead_state *)state;
	char digest[] = "SHA256";
	OSSL_PARAM params[2];
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	size_t out = 0;
	int err = 0;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!st->header_key) {
		err = hb_fail(HB_EINTERNAL, "%s: header tag before prepare", self->base.name);
	} else if (!ctx || EVP_MAC_init(ctx, st->header_key, HB_KEY_LEN, params) != 1 ||
		   EVP_MAC_update(ctx, bytes, len) != 1 ||
		   EVP_MAC_final(ctx, tag, &out, HB_HEADER_TAG_LEN) != 1 ||
		   out != HB_HEADER_TAG_LEN) {
		ERR_clear_error();
		err = hb_fail(HB_EINTERNAL, "%s: HMAC-SHA256 failed", self->base.name);
	}
	EVP_MAC_CTX_free(ctx);  /* cleanses the key it copied */
	EVP_MAC_free(mac);
	return err;
}
