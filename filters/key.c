/* Keys for the cipher filters: key files, passphrases through scrypt, HKDF,
 * the header parameters, and locked memory (see key.h). */
#include "key.h"

#include "core/bytes.h"
#include "core/error.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PARAMS_VERSION 1u
#define PARAMS_LEN (12 + HB_KEY_SALT_LEN + HB_KEY_IMAGE_SALT + HB_KEY_CHECK_LEN)
#define KEYFILE_READ 128  /* enough to tell 32 raw bytes from 64 hex digits */

enum spec_kind { SPEC_KEYFILE, SPEC_PASSFILE };

/* ---- locked memory ----------------------------------------------------------- */

static size_t secret_span(size_t size)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t page = pg > 0 ? (size_t)pg : 4096;

	return (size + page - 1) / page * page;
}

void *hb_secret_alloc(size_t size)
{
	size_t len = secret_span(size ? size : 1);
	/* a mapping of its own, so locking and the no-dump flag touch no
	 * malloc'ed neighbour, and munmap returns it whole */
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	(void)mlock(p, len);  /* EPERM / RLIMIT_MEMLOCK: carry on unlocked */
#ifdef MADV_DONTDUMP
	(void)madvise(p, len, MADV_DONTDUMP);
#endif
	return p;
}

void hb_secret_free(void *p, size_t size)
{
	size_t len = secret_span(size ? size : 1);

	if (!p)
		return;
	OPENSSL_cleanse(p, len);
	(void)munlock(p, len);
	(void)munmap(p, len);
}

/* ---- header parameters ------------------------------------------------------- */

void hb_key_params_encode(const struct hb_key_params *kp, struct hb_params *out)
{
	uint8_t *d = out->data;

	memset(out, 0, sizeof(*out));
	d[0] = PARAMS_VERSION;
	d[1] = (uint8_t)kp->source;
	d[2] = (uint8_t)kp->log2n;
	d[3] = 0;
	hb_put32(d + 4, kp->r);
	hb_put32(d + 8, kp->p);
	memcpy(d + 12, kp->kdf_salt, HB_KEY_SALT_LEN);
	memcpy(d + 12 + HB_KEY_SALT_LEN, kp->image_salt, HB_KEY_IMAGE_SALT);
	memcpy(d + 12 + HB_KEY_SALT_LEN + HB_KEY_IMAGE_SALT, kp->check, HB_KEY_CHECK_LEN);
	out->len = PARAMS_LEN;
}

/* The layout alone, without bounds: shared by decode and describe. */
static bool params_parse(const struct hb_params *in, struct hb_key_params *kp)
{
	const uint8_t *d = in->data;
	uint8_t salt_bits = 0;
	size_t i;

	memset(kp, 0, sizeof(*kp));
	if (in->len != PARAMS_LEN || d[0] != PARAMS_VERSION || d[3] != 0)
		return false;
	if (d[1] != HB_KEY_FROM_FILE && d[1] != HB_KEY_FROM_PASSPHRASE)
		return false;
	kp->source = d[1] == HB_KEY_FROM_FILE ? HB_KEY_FROM_FILE : HB_KEY_FROM_PASSPHRASE;
	kp->log2n = d[2];
	kp->r = hb_get32(d + 4);
	kp->p = hb_get32(d + 8);
	memcpy(kp->kdf_salt, d + 12, HB_KEY_SALT_LEN);
	memcpy(kp->image_salt, d + 12 + HB_KEY_SALT_LEN, HB_KEY_IMAGE_SALT);
	memcpy(kp->check, d + 12 + HB_KEY_SALT_LEN + HB_KEY_IMAGE_SALT, HB_KEY_CHECK_LEN);
	for (i = 0; i < HB_KEY_SALT_LEN; i++)
		salt_bits |= kp->kdf_salt[i];
	/* a key file has no KDF: its costs and salt are zero, as written */
	return kp->source == HB_KEY_FROM_PASSPHRASE ? kp->log2n < 63
						    : kp->log2n == 0 && kp->r == 0 && kp->p == 0 &&
						      salt_bits == 0;
}

int hb_key_params_decode(const char *who, const struct hb_params *in, struct hb_key_params *kp)
{
	if (!params_parse(in, kp))
		return hb_fail(HB_ECORRUPT, "%s: bad parameters in the image header", who);
	if (kp->source == HB_KEY_FROM_FILE)
		return 0;
	return hb_key_check_costs(who, 1ull << kp->log2n, kp->r, kp->p, HB_ECORRUPT);
}

int hb_key_params_describe(const struct hb_params *in, char *buf, size_t cap)
{
	struct hb_key_params kp;

	if (!params_parse(in, &kp))
		return HB_ECORRUPT;
	if (kp.source == HB_KEY_FROM_FILE)
		snprintf(buf, cap, "key: key file");
	else
		snprintf(buf, cap, "key: passphrase, scrypt N=2^%u r=%u p=%u", kp.log2n,
			 (unsigned)kp.r, (unsigned)kp.p);
	return 0;
}

int hb_key_check_costs(const char *who, uint64_t n, uint64_t r, uint64_t p, int code)
{
	if (n < HB_SCRYPT_N_MIN || n > HB_SCRYPT_N_MAX || (n & (n - 1)))
		return hb_fail(code, "%s: scrypt N=%llu: must be a power of two from %d to %d", who,
			       (unsigned long long)n, HB_SCRYPT_N_MIN, HB_SCRYPT_N_MAX);
	if (r < 1 || r > HB_SCRYPT_R_MAX)
		return hb_fail(code, "%s: scrypt r=%llu: must be 1..%d", who,
			       (unsigned long long)r, HB_SCRYPT_R_MAX);
	if (p < 1 || p > HB_SCRYPT_P_MAX)
		return hb_fail(code, "%s: scrypt p=%llu: must be 1..%d", who,
			       (unsigned long long)p, HB_SCRYPT_P_MAX);
	if (128 * n * r > HB_SCRYPT_MEM_MAX)
		return hb_fail(code, "%s: scrypt N=%llu r=%llu needs %llu MiB; at most %llu MiB",
			       who, (unsigned long long)n, (unsigned long long)r,
			       (unsigned long long)(128 * n * r >> 20),
			       (unsigned long long)(HB_SCRYPT_MEM_MAX >> 20));
	return 0;
}

/* ---- reading key material ---------------------------------------------------- */

/* The key spec, without ever echoing it: a user who typed the secret itself
 * after --key must not find it in a message. */
static int parse_spec(const char *who, const char *spec, enum spec_kind *kind, const char **path)
{
	if (strncmp(spec, "keyfile=", 8) == 0 && spec[8]) {
		*kind = SPEC_KEYFILE;
		*path = spec + 8;
		return 0;
	}
	if (strncmp(spec, "passfile=", 9) == 0 && spec[9]) {
		*kind = SPEC_PASSFILE;
		*path = spec + 9;
		return 0;
	}
	return hb_fail(HB_EUSAGE, "%s: --key: expected keyfile=PATH or passfile=PATH", who);
}

/* Up to cap bytes of a file into buf (locked memory: read(2), not stdio,
 * whose buffer would keep a copy).  *len < cap means the whole file. */
static int read_secret_file(const char *who, const char *what, const char *path, uint8_t *buf,
			    size_t cap, size_t *len)
{
	/* O_NONBLOCK: a FIFO is refused below instead of waiting for a writer */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	int err = 0;

	*len = 0;
	if (fd < 0)
		return hb_fail(HB_EUSAGE, "%s: %s %s: %s", who, what, path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return hb_fail(HB_EUSAGE, "%s: %s %s: not a regular file", who, what, path);
	}
	if (st.st_mode & (S_IRGRP | S_IROTH))
		hb_note("%s: %s %s can be read by other users: chmod 600 it", who, what, path);
	while (*len < cap) {
		ssize_t n = read(fd, buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = hb_fail(HB_EIO, "%s: %s %s: %s", who, what, path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	close(fd);
	return err;
}

static int hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 32 raw bytes, or 64 hex digits with an optional newline. */
static int read_keyfile(const char *who, const char *path, uint8_t *master)
{
	uint8_t *buf = (uint8_t *)hb_secret_alloc(KEYFILE_READ);
	size_t len = 0, i;
	bool hex = true;
	int err;

	if (!buf)
		return hb_fail(HB_ENOMEM, "%s: out of memory", who);
	err = read_secret_file(who, "key file", path, buf, KEYFILE_READ, &len);
	if (err)
		goto out;
	if (len == HB_KEY_LEN) {
		memcpy(master, buf, HB_KEY_LEN);
		goto out;
	}
	if (len == 2 * HB_KEY_LEN + 1 && buf[len - 1] == '\n')
		len--;
	else if (len == 2 * HB_KEY_LEN + 2 && buf[len - 2] == '\r' && buf[len - 1] == '\n')
		len -= 2;
	for (i = 0; i < len && hex; i++)
		hex = hex_value(buf[i]) >= 0;
	if (len != 2 * HB_KEY_LEN || !hex) {
		err = hb_fail(HB_EUSAGE, "%s: key file %s: expected exactly 32 raw bytes or 64 hex "
					 "digits (a key from: head -c 32 /dev/urandom)", who, path);
		goto out;
	}
	for (i = 0; i < HB_KEY_LEN; i++)
		master[i] = (uint8_t)(hex_value(buf[2 * i]) << 4 | hex_value(buf[2 * i + 1]));
out:
	hb_secret_free(buf, KEYFILE_READ);
	return err;
}

/* The first line of the file, without its newline (nor a \r before it). */
static int read_passfile(const char *who, const char *path, char *pass, size_t *pass_len)
{
	uint8_t *nl;
	size_t len;
	int err = read_secret_file(who, "passphrase file", path, (uint8_t *)pass, HB_PASS_MAX, &len);

	if (err)
		return err;
	nl = (uint8_t *)memchr(pass, '\n', len);
	if (!nl && len == HB_PASS_MAX)
		return hb_fail(HB_EUSAGE, "%s: passphrase file %s: the first line is longer than "
					  "%d bytes", who, path, HB_PASS_MAX - 1);
	if (nl)
		len = (size_t)(nl - (uint8_t *)pass);
	if (len && pass[len - 1] == '\r')
		len--;
	OPENSSL_cleanse(pass + len, HB_PASS_MAX - len);  /* the rest of the file is not ours */
	if (len == 0)
		return hb_fail(HB_EUSAGE, "%s: passphrase file %s: the first line is empty", who,
			       path);
	*pass_len = len;
	return 0;
}

/* One answer from the prompt: its length, or a negative code. */
static int ask_once(const struct hb_image_info *img, const char *prompt, char *buf,
		    unsigned attempt)
{
	int n = img->ask_passphrase(img->ask_ctx, prompt, buf, HB_PASS_MAX, attempt);

	if (n >= HB_PASS_MAX)
		return hb_fail(HB_EUSAGE, "passphrase longer than %d bytes", HB_PASS_MAX - 1);
	return n;
}

/* Suspend: a new passphrase, typed twice; three chances to agree. */
static int ask_new(const char *who, const struct hb_image_info *img, char *pass, size_t *pass_len)
{
	char *again = (char *)hb_secret_alloc(HB_PASS_MAX);
	const char *why = "";
	char prompt[128];
	unsigned attempt;
	int n = 0, m, err = 0;

	if (!again)
		return hb_fail(HB_ENOMEM, "%s: out of memory", who);
	for (attempt = 1; attempt <= 3; attempt++) {
		snprintf(prompt, sizeof(prompt), "%sNew passphrase for %s: ", why, who);
		n = ask_once(img, prompt, pass, attempt);
		if (n < 0)
			break;
		why = "Empty passphrase. ";
		if (n == 0)
			continue;
		m = ask_once(img, "Repeat the passphrase: ", again, attempt);
		if (m < 0) {
			n = m;
			break;
		}
		if (m == n && CRYPTO_memcmp(pass, again, (size_t)n) == 0)
			break;
		why = "Passphrases differ. ";
	}
	if (n < 0)
		err = n;
	else if (attempt > 3)
		err = hb_fail(HB_EUSAGE, "%s: no passphrase set (empty or not repeated alike, "
					 "3 times)", who);
	else
		*pass_len = (size_t)n;
	hb_secret_free(again, HB_PASS_MAX);
	return err;
}

/* Resume: one try of the engine's three (img->key_attempt). */
static int ask_existing(const char *who, const struct hb_image_info *img, char *pass,
			size_t *pass_len)
{
	char prompt[128];
	int n;

	if (img->key_attempt > 1)
		snprintf(prompt, sizeof(prompt), "Wrong passphrase. Passphrase for the %s image "
			 "(try %u of 3): ", who, img->key_attempt);
	else
		snprintf(prompt, sizeof(prompt), "Passphrase for the %s image: ", who);
	n = ask_once(img, prompt, pass, img->key_attempt);
	if (n < 0)
		return n;
	if (n == 0)  /* suspend never accepts an empty one: spare the KDF */
		return hb_fail(HB_EKEY, "%s: wrong passphrase", who);
	*pass_len = (size_t)n;
	return 0;
}

static int scrypt(const char *who, const char *pass, size_t pass_len,
		  const struct hb_key_params *kp, uint8_t *master)
{
	uint64_t n = 1ull << kp->log2n;
	/* what OpenSSL's scrypt allocates: 128*r*(N+2) plus 128*r*p */
	uint64_t maxmem = 128ull * kp->r * (n + 2 + kp->p);

	if (EVP_PBE_scrypt(pass, pass_len, kp->kdf_salt, HB_KEY_SALT_LEN, n, kp->r, kp->p, maxmem,
			   master, HB_KEY_LEN) != 1) {
		ERR_clear_error();
		return hb_fail(HB_ENOMEM, "%s: scrypt failed (N=2^%u r=%u p=%u: out of memory?)",
			       who, kp->log2n, (unsigned)kp->r, (unsigned)kp->p);
	}
	return 0;
}

int hb_key_master(const char *who, const struct hb_image_info *img, struct hb_key_params *kp,
		  uint8_t *master)
{
	enum hb_key_source want = HB_KEY_FROM_PASSPHRASE;
	enum spec_kind kind = SPEC_PASSFILE;
	const char *path = NULL;
	size_t pass_len = 0;
	char *pass = NULL;
	int err = 0;

	if (img->key_spec) {
		err = parse_spec(who, img->key_spec, &kind, &path);
		if (err)
			goto out;
		want = kind == SPEC_KEYFILE ? HB_KEY_FROM_FILE : HB_KEY_FROM_PASSPHRASE;
	} else if (!img->ask_passphrase) {
		err = hb_fail(HB_EUSAGE, "%s needs a key: --key keyfile=PATH or passfile=PATH", who);
		goto out;
	}
	if (!img->saving && kp->source != want) {
		/* a typed passphrase cannot stand in for a key file: not a try */
		if (!img->key_spec)
			err = hb_fail(HB_EUSAGE, "%s: the image was encrypted with a key file: "
						 "--key keyfile=PATH", who);
		else
			err = hb_fail(HB_EKEY, "%s: wrong key: the image was encrypted with %s",
				      who, kp->source == HB_KEY_FROM_FILE ? "a key file, not a "
				      "passphrase" : "a passphrase, not a key file");
		goto out;
	}
	kp->source = want;
	if (want == HB_KEY_FROM_FILE) {
		/* no KDF: no costs, no salt in the header */
		kp->log2n = 0;
		kp->r = kp->p = 0;
		memset(kp->kdf_salt, 0, sizeof(kp->kdf_salt));
		err = read_keyfile(who, path, master);
		goto out;
	}
	pass = (char *)hb_secret_alloc(HB_PASS_MAX);
	if (!pass) {
		err = hb_fail(HB_ENOMEM, "%s: out of memory", who);
		goto out;
	}
	if (path)
		err = read_passfile(who, path, pass, &pass_len);
	else if (img->saving)
		err = ask_new(who, img, pass, &pass_len);
	else
		err = ask_existing(who, img, pass, &pass_len);
	if (!err && img->saving && RAND_bytes(kp->kdf_salt, HB_KEY_SALT_LEN) != 1) {
		ERR_clear_error();
		err = hb_fail(HB_EINTERNAL, "%s: no random bytes for a salt", who);
	}
	if (!err)
		err = scrypt(who, pass, pass_len, kp, master);
out:
	hb_secret_free(pass, HB_PASS_MAX);
	return err;
}

/* ---- per-image keys ---------------------------------------------------------- */

int hb_key_derive(const uint8_t *master, const struct hb_key_params *kp, const char *who,
		  const char *use, uint8_t *out, size_t len)
{
	char digest[] = "SHA256";
	char info[96];
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[5];
	int n = snprintf(info, sizeof(info), "hiblab/1 %s %s", who, use);
	int err = 0;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						      (void *)(uintptr_t)master, HB_KEY_LEN);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
						      (void *)(uintptr_t)kp->image_salt,
						      HB_KEY_IMAGE_SALT);
	params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, (size_t)n);
	params[4] = OSSL_PARAM_construct_end();
	if (!ctx || n < 0 || (size_t)n >= sizeof(info) ||
	    EVP_KDF_derive(ctx, out, len, params) != 1) {
		ERR_clear_error();
		err = hb_fail(HB_EINTERNAL, "%s: HKDF-SHA256 failed", who);
	}
	EVP_KDF_CTX_free(ctx);  /* cleanses the key it copied */
	EVP_KDF_free(kdf);
	return err;
}
