/* What the cipher suites share (test_cipher.c, test_cipher_tamper.c): a
 * directory with key and pass files made at setup, one image target in it,
 * and the calls that make, resume and inspect that image. */
#ifndef HB_CIPHERFX_H
#define HB_CIPHERFX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* low scrypt costs: tests prove the plumbing, not the cost */
#define FAST_KDF "kdf-n=1024,kdf-r=8,kdf-p=1"
#define PASSPHRASE "correct horse battery staple"
#define SOURCE "sim:text,size=512KiB,seed=3"  /* 128 pages: 4 records of 32 */
#define AUTH_FAILED "image header: authentication failed (edited without the key, or damaged)"

#define NCIPHERS 2
extern const char *const cx_ciphers[NCIPHERS];

/* set up by cx_setup: the target file:cx_img, a file: sink at cx_out, and
 * key specs: the right key file (also in hex), a wrong one, the right and a
 * wrong pass file */
extern char cx_dir[256], cx_img[512], cx_target[600], cx_out[512], cx_sink[600];
extern char cx_keyfile[512], cx_hexfile[512], cx_wrongkey[512], cx_passfile[512],
	cx_wrongpass[512];
extern char cx_spec_key[600], cx_spec_hex[600], cx_spec_wrongkey[600], cx_spec_pass[600],
	cx_spec_wrongpass[600];
extern uint8_t cx_key[32];

void cx_setup(void);
void cx_teardown(void);

/* A scripted typist: answers[i] for the i-th question, the last one after. */
struct typist {
	const char *answers[4];
	unsigned nanswers;
	unsigned calls;
	unsigned attempts[8];
};

int cx_type_answer(void *ctx, const char *prompt, char *buf, size_t cap, unsigned attempt);
/* suspend source through filters into cx_target; t answers a prompt */
int cx_suspend_with(const char *source, const char *filters, const char *key_spec,
		    struct typist *t);
/* "aes-256-gcm:kdf-n=1024,..." */
const char *cx_fast(const char *cipher);
/* an image of SOURCE through cipher at low KDF costs; asserts it worked */
void cx_make_image(const char *cipher, const char *key_spec);
/* cx_make_image, then the whole image file (malloc'd) */
uint8_t *cx_image_file(const char *cipher, const char *key_spec, size_t *size);
int cx_resume_verify(const char *key_spec, struct typist *t);
/* resume into the file sink: refused images must leave no file */
int cx_resume_to_sink(const char *key_spec);
bool cx_is_spent(void);
bool cx_detail_has(int err, const char *text);

#endif
