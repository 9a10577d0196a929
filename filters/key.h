/* Keys for the cipher filters (aes-256-gcm, chacha20-poly1305): where the
 * master key comes from (a key file, a passphrase file, a typed passphrase
 * through scrypt), the per-image key derivation (HKDF-SHA256), the bytes the
 * ciphers keep in the image header, and locked memory for secrets.
 *
 * Nothing here ever writes key material, a passphrase or a key file's path
 * into the header or into a message. */
#ifndef HB_FILTER_KEY_H
#define HB_FILTER_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "core/plugin.h"

#define HB_KEY_LEN 32         /* master and derived keys: 256 bits */
#define HB_KEY_SALT_LEN 16    /* scrypt salt */
#define HB_KEY_IMAGE_SALT 32  /* HKDF salt: one per image */
#define HB_KEY_CHECK_LEN 32   /* key-check value */
#define HB_PASS_MAX 1024      /* longest passphrase, with room for the NUL */

/* scrypt costs: defaults and what a header may ask for on resume (an edited
 * header must not make resume allocate unbounded memory) */
#define HB_SCRYPT_N_DEFAULT 131072  /* 2^17: 128 MiB with r=8, ~0.45 s here */
#define HB_SCRYPT_R_DEFAULT 8
#define HB_SCRYPT_P_DEFAULT 1
#define HB_SCRYPT_N_MIN 1024
#define HB_SCRYPT_N_MAX (1 << 24)
#define HB_SCRYPT_R_MAX 64
#define HB_SCRYPT_P_MAX 16
#define HB_SCRYPT_MEM_MAX (2ull << 30)  /* bytes of the big array, 128*N*r */

/* Where the master key came from (stored in the header). */
enum hb_key_source {
	HB_KEY_FROM_FILE = 1,       /* 32 raw bytes: the master key itself */
	HB_KEY_FROM_PASSPHRASE = 2  /* scrypt(passphrase, salt, N, r, p) */
};

/* What a cipher keeps in its hb_params: docs/FORMAT.md, "Ciphers". */
struct hb_key_params {
	enum hb_key_source source;
	unsigned log2n;             /* scrypt N = 2^log2n (passphrase only) */
	uint32_t r, p;
	uint8_t kdf_salt[HB_KEY_SALT_LEN];
	uint8_t image_salt[HB_KEY_IMAGE_SALT];
	uint8_t check[HB_KEY_CHECK_LEN];
};

/* params <-> bytes.  decode refuses a malformed or out-of-bounds layout with
 * HB_ECORRUPT ("who: bad parameters in the image header"). */
void hb_key_params_encode(const struct hb_key_params *kp, struct hb_params *out);
int hb_key_params_decode(const char *who, const struct hb_params *in, struct hb_key_params *kp);

/* "key: passphrase, scrypt N=2^17 r=8 p=1" or "key: key file".  0, or
 * HB_ECORRUPT if params do not parse. */
int hb_key_params_describe(const struct hb_params *in, char *buf, size_t cap);

/* Check scrypt costs (N a power of two, memory within bounds): 0 or
 * HB_EUSAGE (suspend options) / HB_ECORRUPT (image header) with a detail. */
int hb_key_check_costs(const char *who, uint64_t n, uint64_t r, uint64_t p, int code);

/* The master key for this image, into master (HB_KEY_LEN bytes, locked
 * memory from the caller), from img->key_spec or, without one, a typed
 * passphrase.  Saving: kp->source is filled in; for a passphrase the caller
 * set log2n/r/p, and kdf_salt is drawn here.  Loading: kp is the image's. */
int hb_key_master(const char *who, const struct hb_image_info *img, struct hb_key_params *kp,
		  uint8_t *master);

/* HKDF-SHA256(master, salt = kp->image_salt, info = "hiblab/1 <who> <use>"):
 * a key for one use (record encryption, key check) in one image.  The
 * filter name in info keeps two ciphers under one master key apart. */
int hb_key_derive(const uint8_t *master, const struct hb_key_params *kp, const char *who,
		  const char *use, uint8_t *out, size_t len);

/* Memory for secrets: page-aligned, mlock'ed where allowed (silently not
 * where not: a key in swappable memory beats no key), excluded from core
 * dumps where the system can, zeroed.  Freed with a wipe. */
void *hb_secret_alloc(size_t size);
void hb_secret_free(void *p, size_t size);

#endif
