/* The cipher filters (aes-256-gcm, chacha20-poly1305): round trips with a
 * key file, a passphrase file and a typed passphrase; wrong keys refused
 * before the image is spent (and a typed one spending it after 3 tries); no
 * plaintext and no secret on disk.  Tampering: test_cipher_tamper.c. */
#include "cipherfx.h"
#include "filterfx.h"
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

TestSuite(cipher, .init = cx_setup, .fini = cx_teardown);

/* resume --verify with key_spec: every page comes back. */
static void expect_resumes(const char *cipher, const char *key_spec)
{
	int err = cx_resume_verify(key_spec, NULL);

	cr_assert_eq(err, 0, "%s: %s", cipher, hb_detail(err));
}

/* An image made with key `good`, resumed with `wrong`: refused (HB_EKEY, why
 * in the detail), nothing restored, the image not spent, and `good` still
 * opens it.  Returns the refusal's code. */
static int wrong_key_keeps_image(const char *cipher, const char *good, const char *wrong,
				 const char *why)
{
	int err;

	cx_make_image(cipher, good);
	err = cx_resume_to_sink(wrong);
	cr_assert_eq(err, HB_EKEY, "%s: %d %s", cipher, err, hb_detail(err));
	cr_assert(cx_detail_has(err, why), "%s", hb_detail(err));
	cr_assert_not(tu_exists(cx_out), "nothing restored");
	cr_assert_not(cx_is_spent(), "a wrong key does not spend the image");
	expect_resumes(cipher, good);
	return err;
}

static bool contains(const uint8_t *hay, size_t n, const void *needle, size_t m)
{
	return memmem(hay, n, needle, m) != NULL;
}


/* ---- round trips ------------------------------------------------------------------ */

Test(cipher, registered_with_kdf_options)
{
	unsigned i;

	for (i = 0; i < NCIPHERS; i++) {
		const struct hb_registered *r = hb_find_plugin(HB_KIND_FILTER, cx_ciphers[i]);
		const struct hb_filter *f;

		cr_assert_not_null(r, "%s not registered", cx_ciphers[i]);
		f = (const struct hb_filter *)r->ops;
		cr_assert(f->prepare && f->release && f->create && f->destroy && f->ctl);
		cr_assert_str_eq(f->base.options[0].name, "kdf-n");
		cr_assert_str_eq(f->base.options[1].name, "kdf-r");
		cr_assert_str_eq(f->base.options[2].name, "kdf-p");
	}
}

Test(cipher, keyfile_round_trip_bit_exact)
{
	unsigned i;

	for (i = 0; i < NCIPHERS; i++) {
		cx_make_image(cx_ciphers[i], cx_spec_key);
		expect_resumes(cx_ciphers[i], cx_spec_key);
		cr_assert(cx_is_spent());
	}
}

Test(cipher, hex_keyfile_is_the_same_key)
{
	unsigned i;

	for (i = 0; i < NCIPHERS; i++) {
		cx_make_image(cx_ciphers[i], cx_spec_key);
		expect_resumes(cx_ciphers[i], cx_spec_hex);
	}
}

Test(cipher, passfile_round_trip_bit_exact)
{
	unsigned i;

	for (i = 0; i < NCIPHERS; i++) {
		cx_make_image(cx_ciphers[i], cx_spec_pass);
		expect_resumes(cx_ciphers[i], cx_spec_pass);
	}
}

Test(cipher, chained_with_zero_mixed_profile)
{
	char filters[160];
	unsigned i;
	int err;

	for (i = 0; i < NCIPHERS; i++) {
		snprintf(filters, sizeof(filters), "zero,%s", cx_fast(cx_ciphers[i]));
		err = cx_suspend_with("sim:mixed,size=2MiB,seed=9", filters, cx_spec_key, NULL);
		cr_assert_eq(err, 0, "%s", hb_detail(err));
		expect_resumes(cx_ciphers[i], cx_spec_key);
	}
}

Test(cipher, typed_passphrase_asked_twice_then_once)
{
	struct typist s = { .answers = { PASSPHRASE }, .nanswers = 1 };
	struct typist r = { .answers = { PASSPHRASE }, .nanswers = 1 };
	int err = cx_suspend_with(SOURCE, cx_fast("aes-256-gcm"), NULL, &s);

	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(s.calls, 2, "suspend asks and confirms");
	err = cx_resume_verify(NULL, &r);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(r.calls, 1);
	cr_assert_eq(r.attempts[0], 1);
	/* the same passphrase from a file opens it too (a fresh image) */
	err = cx_suspend_with(SOURCE, cx_fast("chacha20-poly1305"), NULL, &s);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	err = cx_resume_verify(cx_spec_pass, NULL);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
}

Test(cipher, typed_confirmation_mismatch_writes_no_image)
{
	struct typist t = { .answers = { "one", "two" }, .nanswers = 2 };
	int err = cx_suspend_with(SOURCE, cx_fast("aes-256-gcm"), NULL, &t);

	/* "one", "two", then "two", "two": the second try agrees */
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(t.calls, 4);
	unlink(cx_img);
	t = (struct typist){ .answers = { "", "" }, .nanswers = 2 };
	err = cx_suspend_with(SOURCE, cx_fast("aes-256-gcm"), NULL, &t);
	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
	cr_assert_eq(t.calls, 3, "empty answers are not confirmed");
	cr_assert_not(tu_exists(cx_img));
}

Test(cipher, typed_passphrase_right_on_second_try)
{
	struct typist t = { .answers = { "nope", PASSPHRASE }, .nanswers = 2 };
	int err;

	cx_make_image("chacha20-poly1305", cx_spec_pass);
	err = cx_resume_verify(NULL, &t);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(t.calls, 2);
	cr_assert_eq(t.attempts[0], 1);
	cr_assert_eq(t.attempts[1], 2);
}

/* ---- keys refused ------------------------------------------------------------------ */

Test(cipher, no_key_is_a_usage_error)
{
	int err = cx_suspend_with(SOURCE, "aes-256-gcm", NULL, NULL);

	cr_assert_eq(err, HB_EUSAGE);
	cr_assert_str_eq(hb_detail(err),
			 "aes-256-gcm needs a key: --key keyfile=PATH or passfile=PATH");
	cr_assert_not(tu_exists(cx_img));
	cx_make_image("aes-256-gcm", cx_spec_key);
	err = cx_resume_verify(NULL, NULL);
	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
	cr_assert_not(cx_is_spent());
}

Test(cipher, bad_key_files_refused)
{
	static const char *const bad[] = {
		"0123456789abcdef0123456789abcde",       /* 31 bytes */
		"0123456789abcdef0123456789abcdef\n",    /* 33 bytes */
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg\n",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n",
		"",
	};
	char path[600], spec[620];
	unsigned i;
	int err;

	tu_path(path, sizeof(path), cx_dir, "bad.key");
	snprintf(spec, sizeof(spec), "keyfile=%s", path);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tu_write_file(path, bad[i], strlen(bad[i]));
		err = cx_suspend_with(SOURCE, "aes-256-gcm", spec, NULL);
		cr_assert_eq(err, HB_EUSAGE, "case %u: %d %s", i, err, hb_detail(err));
		cr_assert(cx_detail_has(err, "expected exactly 32 raw bytes or 64 hex digits"), "%s",
			  hb_detail(err));
		cr_assert_not(cx_detail_has(err, "0123456789abcdef"), "key bytes in a message");
	}
	/* 64 hex digits with a CRLF are fine */
	tu_write_file(path, "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF\r\n",
		      66);
	err = cx_suspend_with(SOURCE, "aes-256-gcm", spec, NULL);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	/* a missing file and a key spec that is not one: the spec is not echoed */
	err = cx_suspend_with(SOURCE, "aes-256-gcm", "keyfile=/nonexistent/key", NULL);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert(cx_detail_has(err, "/nonexistent/key"), "%s", hb_detail(err));
	err = cx_suspend_with(SOURCE, "aes-256-gcm", "hunter2", NULL);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert_not(cx_detail_has(err, "hunter2"), "%s", hb_detail(err));
	tu_write_file(cx_passfile, "\nlater\n", 7);
	err = cx_suspend_with(SOURCE, "aes-256-gcm", cx_spec_pass, NULL);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert(cx_detail_has(err, "empty"), "%s", hb_detail(err));
}

Test(cipher, bad_kdf_costs_refused)
{
	int err = cx_suspend_with(SOURCE, "aes-256-gcm:kdf-n=3000", cx_spec_pass, NULL);

	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
	cr_assert(cx_detail_has(err, "power of two"), "%s", hb_detail(err));
	err = cx_suspend_with(SOURCE, "aes-256-gcm:kdf-n=16777216,kdf-r=64", cx_spec_pass, NULL);
	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
	cr_assert(cx_detail_has(err, "MiB"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(cx_img));
}

Test(cipher, wrong_key_file_refused_image_kept)
{
	unsigned i;
	int err;

	for (i = 0; i < NCIPHERS; i++) {
		err = wrong_key_keeps_image(cx_ciphers[i], cx_spec_key, cx_spec_wrongkey, "wrong key");
		cr_assert_eq(hb_exit_code(err), HB_EXIT_REFUSED);
	}
}

Test(cipher, wrong_passphrase_file_refused_image_kept)
{
	unsigned i;

	for (i = 0; i < NCIPHERS; i++)
		wrong_key_keeps_image(cx_ciphers[i], cx_spec_pass, cx_spec_wrongpass, "wrong passphrase");
}

Test(cipher, key_of_the_other_kind_refused_image_kept)
{
	int err;

	cx_make_image("aes-256-gcm", cx_spec_key);
	err = cx_resume_to_sink(cx_spec_pass);
	cr_assert_eq(err, HB_EKEY, "%s", hb_detail(err));
	cr_assert(cx_detail_has(err, "key file, not a passphrase"), "%s", hb_detail(err));
	cx_make_image("aes-256-gcm", cx_spec_pass);
	err = cx_resume_to_sink(cx_spec_key);
	cr_assert_eq(err, HB_EKEY, "%s", hb_detail(err));
	cr_assert_not(cx_is_spent());
}

Test(cipher, typed_wrong_three_times_spends_image)
{
	struct typist t = { .answers = { "wrong" }, .nanswers = 1 };
	int err;

	cx_make_image("aes-256-gcm", cx_spec_pass);
	err = cx_resume_to_sink(NULL);  /* no key, no prompt: not a try */
	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
	err = cx_resume_verify(NULL, &t);
	cr_assert_eq(err, HB_EKEY, "%d %s", err, hb_detail(err));
	cr_assert_eq(t.calls, 3);
	cr_assert_eq(t.attempts[0], 1);
	cr_assert_eq(t.attempts[1], 2);
	cr_assert_eq(t.attempts[2], 3);
	cr_assert(cx_is_spent(), "three wrong typed passphrases spend the image");
	cr_assert_not(tu_exists(cx_out));
}

/* ---- what the disk and inspect show ------------------------------------------------------- */

/* A set of every 16-byte window of a buffer (open addressing, positions
 * stored, windows compared for real): one pass to build, one to query. */
struct windows {
	const uint8_t *data;
	uint32_t *slot;  /* position + 1; 0 = empty */
	size_t mask;
};

static uint64_t window_hash(const uint8_t *p)
{
	uint64_t a, b, x;

	memcpy(&a, p, 8);
	memcpy(&b, p + 8, 8);
	x = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull) * 0xc2b2ae3d27d4eb4full;
	return x ^ (x >> 29);
}

static void windows_build(struct windows *w, const uint8_t *data, size_t len)
{
	size_t cap = 1, i;

	while (cap < 2 * len)
		cap <<= 1;
	w->data = data;
	w->mask = cap - 1;
	w->slot = calloc(cap, sizeof(*w->slot));
	cr_assert_not_null(w->slot);
	for (i = 0; i + 16 <= len; i++) {
		size_t s = (size_t)window_hash(data + i) & w->mask;
		while (w->slot[s] && memcmp(data + w->slot[s] - 1, data + i, 16) != 0)
			s = (s + 1) & w->mask;
		if (!w->slot[s])
			w->slot[s] = (uint32_t)i + 1;
	}
}

static bool windows_has(const struct windows *w, const uint8_t *p)
{
	size_t s = (size_t)window_hash(p) & w->mask;

	for (; w->slot[s]; s = (s + 1) & w->mask) {
		if (memcmp(w->data + w->slot[s] - 1, p, 16) == 0)
			return true;
	}
	return false;
}

/* Does any 16-byte run of any page of the text model appear in the image? */
static bool image_holds_plaintext(const char *path, uint64_t pages, uint64_t seed)
{
	const struct hb_profile *prof = hb_profile_find("text");
	uint8_t page[4096];
	struct windows w;
	size_t size, off;
	uint8_t *file = tu_read_file(path, &size);
	uint64_t n;
	bool found = false;

	cr_assert_not_null(prof);
	windows_build(&w, file, size);
	for (n = 0; n < pages && !found; n++) {
		hb_sim_page(prof, seed, n, page, sizeof(page));
		for (off = 0; off + 16 <= sizeof(page) && !found; off++)
			found = windows_has(&w, page + off);
	}
	free(w.slot);
	free(file);
	return found;
}

Test(cipher, no_plaintext_on_disk, .timeout = 120)
{
	unsigned i;
	int err;

	/* the detector works: without a cipher the text is there */
	err = cx_suspend_with("sim:text,size=4MiB,seed=3", "crc32c", NULL, NULL);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert(image_holds_plaintext(cx_img, 1024, 3));
	for (i = 0; i < NCIPHERS; i++) {
		char filters[160];

		snprintf(filters, sizeof(filters), "zero,%s", cx_fast(cx_ciphers[i]));
		err = cx_suspend_with("sim:text,size=4MiB,seed=3", filters, cx_spec_pass, NULL);
		cr_assert_eq(err, 0, "%s", hb_detail(err));
		cr_assert_not(image_holds_plaintext(cx_img, 1024, 3), "%s: plaintext on disk",
			      cx_ciphers[i]);
	}
}

Test(cipher, no_secret_on_disk)
{
	char hex[65];
	size_t size;
	uint8_t *file;
	unsigned i;

	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", cx_key[i]);
	file = cx_image_file("aes-256-gcm", cx_spec_key, &size);
	cr_assert_not(contains(file, size, cx_key, 32));
	cr_assert_not(contains(file, size, hex, 64));
	cr_assert_not(contains(file, size, cx_keyfile, strlen(cx_keyfile)));
	cr_assert_not(contains(file, size, "key.bin", 7));
	free(file);
	file = cx_image_file("chacha20-poly1305", cx_spec_pass, &size);
	cr_assert_not(contains(file, size, PASSPHRASE, strlen(PASSPHRASE)));
	cr_assert_not(contains(file, size, "pass.txt", 8));
	free(file);
}

Test(cipher, describe_params_for_inspect)
{
	const struct hb_registered *r = hb_find_plugin(HB_KIND_FILTER, "aes-256-gcm");
	const struct hb_filter *f = (const struct hb_filter *)r->ops;
	struct hb_header h;
	char buf[256];
	struct hb_ctl_describe d = { .buf = buf, .cap = sizeof(buf) };
	int err;

	err = cx_suspend_with(SOURCE, "zero,aes-256-gcm:kdf-n=2048,kdf-r=4,kdf-p=2", cx_spec_pass, NULL);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(hb_inspect(cx_target, &h), 0);
	cr_assert_eq(h.filter_count, 2);
	d.params = &h.filters[1].params;
	cr_assert_eq(f->ctl(NULL, HB_CTL_DESCRIBE_PARAMS, &d), 0);
	cr_assert_str_eq(buf, "key: passphrase, scrypt N=2^11 r=4 p=2");
	cx_make_image("aes-256-gcm", cx_spec_key);
	cr_assert_eq(hb_inspect(cx_target, &h), 0);
	d.params = &h.filters[0].params;
	cr_assert_eq(f->ctl(NULL, HB_CTL_DESCRIBE_PARAMS, &d), 0);
	cr_assert_str_eq(buf, "key: key file");
	/* params of another layout are not described (inspect prints their size) */
	h.filters[0].params.len = 3;
	cr_assert_neq(f->ctl(NULL, HB_CTL_DESCRIBE_PARAMS, &d), 0);
}

/* One cipher worker as the engine sets it up with key file spec_key: on load
 * with the params the saving side wrote; the AAD only after prepare. */
static void open_keyed(struct filterfx *t, const char *cipher, const struct hb_params *saved)
{
	static const uint8_t aad[] = "static section stand-in";

	fx_init(t, cipher, saved == NULL);
	t->img.page_count = 32;
	t->img.key_spec = cx_spec_key;
	t->img.key_attempt = 1;
	if (saved)
		t->params = *saved;
	fx_prepare(t);
	t->img.aad = aad;
	t->img.aad_len = sizeof(aad);
	fx_create(t);
}

/* The filter on its own: any input length (it may sit anywhere in a chain),
 * a record of another length or position refused. */
Test(cipher, any_length_through_the_filter_api)
{
	static const size_t lens[] = { 0, 1, 15, 16, 17, 4095, 4096, 131072 };
	uint8_t *in = malloc(131072), *enc = malloc(131072 + 16), *dec = malloc(131072);
	unsigned c, i;

	cr_assert(in && enc && dec);
	for (i = 0; i < 131072; i++)
		in[i] = (uint8_t)(i * 7 + i / 251);
	for (c = 0; c < NCIPHERS; c++) {
		struct filterfx e, d;

		open_keyed(&e, cx_ciphers[c], NULL);
		cr_assert_gt(e.params.len, 0);
		open_keyed(&d, cx_ciphers[c], &e.params);
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			struct hb_chunk_ref moved = fx_chunk(&d, i);
			size_t enc_len, dec_len;
			int err;

			moved.seq = i + 1;  /* the same pages under another record number */
			err = fx_encode(&e, i, in, lens[i], enc, fx_bound(&e, lens[i]), &enc_len);
			cr_assert_eq(err, 0, "%s", hb_detail(err));
			cr_assert_eq(enc_len, lens[i] + 16);
			err = fx_decode(&d, i, enc, enc_len, dec, 131072, &dec_len);
			cr_assert_eq(err, 0, "%s", hb_detail(err));
			cr_assert_eq(dec_len, lens[i]);
			cr_assert_eq(memcmp(dec, in, lens[i]), 0);
			err = fx_xfer(&d, false, &moved, enc, enc_len, dec, 131072, NULL);
			cr_assert_eq(err, HB_ECORRUPT);
			cr_assert_eq(fx_decode(&d, i, enc, enc_len - 1, dec, 131072, NULL), HB_ECORRUPT);
			cr_assert_eq(fx_decode(&d, i, enc, 15, dec, 131072, NULL), HB_ECORRUPT);
		}
		fx_close(&d);
		fx_close(&e);
	}
	free(in);
	free(enc);
	free(dec);
}
