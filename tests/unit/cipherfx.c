/* The cipher suites' shared fixture (cipherfx.h). */
#include "cipherfx.h"
#include "testutil.h"

#include "core/bytes.h"
#include "core/engine.h"
#include "core/error.h"
#include "core/format.h"
#include "core/hash.h"
#include "core/registry.h"
#include "sim/memory.h"

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const cx_ciphers[NCIPHERS] = { "aes-256-gcm", "chacha20-poly1305" };


char cx_dir[256], cx_img[512], cx_target[600], cx_out[512], cx_sink[600];
char cx_keyfile[512], cx_hexfile[512], cx_wrongkey[512], cx_passfile[512], cx_wrongpass[512];
char cx_spec_key[600], cx_spec_hex[600], cx_spec_wrongkey[600], cx_spec_pass[600],
	cx_spec_wrongpass[600];
uint8_t cx_key[32];

void cx_setup(void)
{
	char hex[80];
	uint8_t other[32];
	unsigned i;

	tu_mkdir(cx_dir, sizeof(cx_dir));
	tu_path(cx_img, sizeof(cx_img), cx_dir, "a.img");
	tu_path(cx_out, sizeof(cx_out), cx_dir, "pages.raw");
	snprintf(cx_target, sizeof(cx_target), "file:%s", cx_img);
	snprintf(cx_sink, sizeof(cx_sink), "file:%s", cx_out);
	for (i = 0; i < 32; i++) {
		cx_key[i] = (uint8_t)(i * 37 + 11);
		other[i] = (uint8_t)(i * 37 + 12);
		snprintf(hex + 2 * i, 3, "%02x", cx_key[i]);
	}
	hex[64] = '\n';
	tu_write_file(tu_path(cx_keyfile, sizeof(cx_keyfile), cx_dir, "key.bin"), cx_key, 32);
	tu_write_file(tu_path(cx_hexfile, sizeof(cx_hexfile), cx_dir, "key.hex"), hex, 65);
	tu_write_file(tu_path(cx_wrongkey, sizeof(cx_wrongkey), cx_dir, "wrong.bin"), other, 32);
	tu_write_file(tu_path(cx_passfile, sizeof(cx_passfile), cx_dir, "pass.txt"),
		      PASSPHRASE "\nsecond line ignored\n", strlen(PASSPHRASE) + 21);
	tu_write_file(tu_path(cx_wrongpass, sizeof(cx_wrongpass), cx_dir, "wrongpass.txt"),
		      "incorrect horse\n", 16);
	snprintf(cx_spec_key, sizeof(cx_spec_key), "keyfile=%s", cx_keyfile);
	snprintf(cx_spec_hex, sizeof(cx_spec_hex), "keyfile=%s", cx_hexfile);
	snprintf(cx_spec_wrongkey, sizeof(cx_spec_wrongkey), "keyfile=%s", cx_wrongkey);
	snprintf(cx_spec_pass, sizeof(cx_spec_pass), "passfile=%s", cx_passfile);
	snprintf(cx_spec_wrongpass, sizeof(cx_spec_wrongpass), "passfile=%s", cx_wrongpass);
}

void cx_teardown(void)
{
	tu_rmdir(cx_dir);
}

int cx_type_answer(void *ctx, const char *prompt, char *buf, size_t cap, unsigned attempt)
{
	struct typist *t = (struct typist *)ctx;
	const char *a = t->answers[t->calls < t->nanswers ? t->calls : t->nanswers - 1];
	size_t n = strlen(a);

	cr_assert_not_null(prompt);
	cr_assert_lt(n, cap);
	if (t->calls < 8)
		t->attempts[t->calls] = attempt;
	t->calls++;
	memcpy(buf, a, n);
	return (int)n;
}

int cx_suspend_with(const char *source, const char *filters, const char *key_spec,
			struct typist *t)
{
	struct hb_suspend_args a = { .source = source, .filters = filters, .target = cx_target,
				     .key_spec = key_spec };
	struct hb_stats st;

	if (t) {
		a.ask_passphrase = cx_type_answer;
		a.ask_ctx = t;
	}
	return hb_suspend(&a, &st);
}

/* "aes-256-gcm:kdf-n=1024,..." */
const char *cx_fast(const char *cipher)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s:" FAST_KDF, cipher);
	return buf;
}

void cx_make_image(const char *cipher, const char *key_spec)
{
	int err = cx_suspend_with(SOURCE, cx_fast(cipher), key_spec, NULL);

	cr_assert_eq(err, 0, "suspend %s: %s", cipher, hb_detail(err));
}

/* make_image, then the whole image file (malloc'd). */
uint8_t *cx_image_file(const char *cipher, const char *key_spec, size_t *size)
{
	cx_make_image(cipher, key_spec);
	return tu_read_file(cx_img, size);
}

int cx_resume_verify(const char *key_spec, struct typist *t)
{
	struct hb_resume_args a = { .target = cx_target, .verify = true, .key_spec = key_spec };
	struct hb_stats st;

	if (t) {
		a.ask_passphrase = cx_type_answer;
		a.ask_ctx = t;
	}
	return hb_resume(&a, &st);
}

/* Resume into a file sink: refused images must leave no file. */
int cx_resume_to_sink(const char *key_spec)
{
	struct hb_resume_args a = { .target = cx_target, .sink = cx_sink, .key_spec = key_spec };
	struct hb_stats st;

	return hb_resume(&a, &st);
}

bool cx_is_spent(void)
{
	struct hb_header h;
	int err = hb_inspect(cx_target, &h);

	cr_assert_eq(err, 0, "%s", hb_detail(err));
	return h.spent;
}

bool cx_detail_has(int err, const char *text)
{
	return strstr(hb_detail(err), text) != NULL;
}
