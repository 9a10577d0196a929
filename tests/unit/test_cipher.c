/* The cipher filters (aes-256-gcm, chacha20-poly1305): round trips with a
 * key file, a passphrase file and a typed passphrase; wrong keys refused
 * before the image is spent (and a typed one spending it after 3 tries);
 * tampering refused with the exact code; no plaintext and no secret on disk. */
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

/* low scrypt costs: tests prove the plumbing, not the cost */
#define FAST_KDF "kdf-n=1024,kdf-r=8,kdf-p=1"
#define PASSPHRASE "correct horse battery staple"
#define SOURCE "sim:text,size=512KiB,seed=3"  /* 128 pages: 4 records of 32 */
#define AUTH_FAILED "image header: authentication failed (edited without the key, or damaged)"

static const char *const ciphers[] = { "aes-256-gcm", "chacha20-poly1305" };
#define NCIPHERS 2

static char dir[256], img[512], target[600], out[512], sink[600];
static char keyfile[512], hexfile[512], wrongkey[512], passfile[512], wrongpass[512];
static char spec_key[600], spec_hex[600], spec_wrongkey[600], spec_pass[600],
	spec_wrongpass[600];
static uint8_t key[32];

static void setup(void)
{
	char hex[80];
	uint8_t other[32];
	unsigned i;

	tu_mkdir(dir, sizeof(dir));
	tu_path(img, sizeof(img), dir, "a.img");
	tu_path(out, sizeof(out), dir, "pages.raw");
	snprintf(target, sizeof(target), "file:%s", img);
	snprintf(sink, sizeof(sink), "file:%s", out);
	for (i = 0; i < 32; i++) {
		key[i] = (uint8_t)(i * 37 + 11);
		other[i] = (uint8_t)(i * 37 + 12);
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	}
	hex[64] = '\n';
	tu_write_file(tu_path(keyfile, sizeof(keyfile), dir, "key.bin"), key, 32);
	tu_write_file(tu_path(hexfile, sizeof(hexfile), dir, "key.hex"), hex, 65);
	tu_write_file(tu_path(wrongkey, sizeof(wrongkey), dir, "wrong.bin"), other, 32);
	tu_write_file(tu_path(passfile, sizeof(passfile), dir, "pass.txt"),
		      PASSPHRASE "\nsecond line ignored\n", strlen(PASSPHRASE) + 21);
	tu_write_file(tu_path(wrongpass, sizeof(wrongpass), dir, "wrongpass.txt"),
		      "incorrect horse\n", 16);
	snprintf(spec_key, sizeof(spec_key), "keyfile=%s", keyfile);
	snprintf(spec_hex, sizeof(spec_hex), "keyfile=%s", hexfile);
	snprintf(spec_wrongkey, sizeof(spec_wrongkey), "keyfile=%s", wrongkey);
	snprintf(spec_pass, sizeof(spec_pass), "passfile=%s", passfile);
	snprintf(spec_wrongpass, sizeof(spec_wrongpass), "passfile=%s", wrongpass);
}

static void teardown(void)
{
	tu_rmdir(dir);
}

TestSuite(cipher, .init = setup, .fini = teardown);

/* ---- helpers ------------------------------------------------------------------- */

/* A scripted typist: answers[i] for the i-th question, the last one after. */
struct typist {
	const char *answers[4];
	unsigned nanswers;
	unsigned calls;
	unsigned attempts[8];
};

static int type_answer(void *ctx, const char *prompt, char *buf, size_t cap, unsigned attempt)
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

static int suspend_with(const char *source, const char *filters, const char *key_spec,
			struct typist *t)
{
	struct hb_suspend_args a = { .source = source, .filters = filters, .target = target,
				     .key_spec = key_spec };
	struct hb_stats st;

	if (t) {
		a.ask_passphrase = type_answer;
		a.ask_ctx = t;
	}
	return hb_suspend(&a, &st);
}

/* "aes-256-gcm:kdf-n=1024,..." */
static const char *fast(const char *cipher)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s:" FAST_KDF, cipher);
	return buf;
}

static void make_image(const char *cipher, const char *key_spec)
{
	int err = suspend_with(SOURCE, fast(cipher), key_spec, NULL);

	cr_assert_eq(err, 0, "suspend %s: %s", cipher, hb_detail(err));
}

/* make_image, then the whole image file (malloc'd). */
static uint8_t *image_file(const char *cipher, const char *key_spec, size_t *size)
{
	make_image(cipher, key_spec);
	return tu_read_file(img, size);
}

static int resume_verify(const char *key_spec, struct typist *t)
{
	struct hb_resume_args a = { .target = target, .verify = true, .key_spec = key_spec };
	struct hb_stats st;

	if (t) {
		a.ask_passphrase = type_answer;
		a.ask_ctx = t;
	}
	return hb_resume(&a, &st);
}

/* Resume into a file sink: refused images must leave no file. */
static int resume_to_sink(const char *key_spec)
{
	struct hb_resume_args a = { .target = target, .sink = sink, .key_spec = key_spec };
	struct hb_stats st;

	return hb_resume(&a, &st);
}

static bool is_spent(void)
{
	struct hb_header h;
	int err = hb_inspect(target, &h);

	cr_assert_eq(err, 0, "%s", hb_detail(err));
	return h.spent;
}

static bool detail_has(int err, const char *text)
{
	return strstr(hb_detail(err), text) != NULL;
}

/* resume --verify with key_spec: every page comes back. */
static void expect_resumes(const char *cipher, const char *key_spec)
{
	int err = resume_verify(key_spec, NULL);

	cr_assert_eq(err, 0, "%s: %s", cipher, hb_detail(err));
}

/* An image made with key `good`, resumed with `wrong`: refused (HB_EKEY, why
 * in the detail), nothing restored, the image not spent, and `good` still
 * opens it.  Returns the refusal's code. */
static int wrong_key_keeps_image(const char *cipher, const char *good, const char *wrong,
				 const char *why)
{
	int err;

	make_image(cipher, good);
	err = resume_to_sink(wrong);
	cr_assert_eq(err, HB_EKEY, "%s: %d %s", cipher, err, hb_detail(err));
	cr_assert(detail_has(err, why), "%s", hb_detail(err));
	cr_assert_not(tu_exists(out), "nothing restored");
	cr_assert_not(is_spent(), "a wrong key does not spend the image");
	expect_resumes(cipher, good);
	return err;
}

/* file (size bytes) written back as the image: its resume must fail the
 * AEAD check of record `record`. */
static void expect_auth_failed(const char *cipher, const uint8_t *file, size_t size,
			       unsigned record)
{
	char want[80];
	int err;

	tu_write_file(img, file, size);
	err = resume_to_sink(spec_key);
	cr_assert_eq(err, HB_ECORRUPT, "%s: %d %s", cipher, err, hb_detail(err));
	snprintf(want, sizeof(want), "record %u: authentication failed (corrupt or tampered)",
		 record);
	cr_assert_str_eq(hb_detail(err), want);
}

/* Where the records end: the file itself may be padded past them (the file
 * writer rounds its tail up for direct I/O). */
static size_t data_end(const uint8_t *file, size_t size)
{
	size_t end = HB_HEADER_AREA + (size_t)hb_get64(file + 32);

	cr_assert_leq(end, size);
	return end;
}

/* The records of the image file: offsets of their 24-byte headers. */
static size_t record_offsets(const uint8_t *file, size_t size, size_t *offs, size_t max)
{
	size_t off = HB_HEADER_AREA, n = 0, end = data_end(file, size);

	while (off + HB_RECORD_HDR <= end && n < max) {
		offs[n++] = off;
		off += HB_RECORD_HDR + hb_get32(file + off + 4);
	}
	return n;
}

/* Recompute a record's crc, as a forger would: then only the AEAD stands. */
static void fix_record_crc(uint8_t *file, size_t off, uint64_t image_id)
{
	uint8_t *h = file + off;

	hb_record_encode(h, image_id, hb_get64(h + 8), hb_get32(h + 16), h + HB_RECORD_HDR,
			 hb_get32(h + 4));
}

static void fix_header_crc(uint8_t *file)
{
	uint32_t total = hb_get32(file + 16);

	hb_put32(file + 12, hb_crc32c(0, file + 16, total - 16));
}

/* A header edited as a forger would (its checksum fixed), written back and
 * resumed. */
static int resume_forged(uint8_t *file, size_t size, const char *key_spec)
{
	fix_header_crc(file);
	tu_write_file(img, file, size);
	return resume_to_sink(key_spec);
}

static uint64_t image_id(void)
{
	struct hb_header h;

	cr_assert_eq(hb_inspect(target, &h), 0);
	return h.image_id;
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
		const struct hb_registered *r = hb_find_plugin(HB_KIND_FILTER, ciphers[i]);
		const struct hb_filter *f;

		cr_assert_not_null(r, "%s not registered", ciphers[i]);
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
		make_image(ciphers[i], spec_key);
		expect_resumes(ciphers[i], spec_key);
		cr_assert(is_spent());
	}
}

Test(cipher, hex_keyfile_is_the_same_key)
{
	unsigned i;

	for (i = 0; i < NCIPHERS; i++) {
		make_image(ciphers[i], spec_key);
		expect_resumes(ciphers[i], spec_hex);
	}
}

Test(cipher, passfile_round_trip_bit_exact)
{
	unsigned i;

	for (i = 0; i < NCIPHERS; i++) {
		make_image(ciphers[i], spec_pass);
		expect_resumes(ciphers[i], spec_pass);
	}
}

Test(cipher, chained_with_zero_mixed_profile)
{
	char filters[160];
	unsigned i;
	int err;

	for (i = 0; i < NCIPHERS; i++) {
		snprintf(filters, sizeof(filters), "zero,%s", fast(ciphers[i]));
		err = suspend_with("sim:mixed,size=2MiB,seed=9", filters, spec_key, NULL);
		cr_assert_eq(err, 0, "%s", hb_detail(err));
		expect_resumes(ciphers[i], spec_key);
	}
}

Test(cipher, typed_passphrase_asked_twice_then_once)
{
	struct typist s = { .answers = { PASSPHRASE }, .nanswers = 1 };
	struct typist r = { .answers = { PASSPHRASE }, .nanswers = 1 };
	int err = suspend_with(SOURCE, fast("aes-256-gcm"), NULL, &s);

	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(s.calls, 2, "suspend asks and confirms");
	err = resume_verify(NULL, &r);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(r.calls, 1);
	cr_assert_eq(r.attempts[0], 1);
	/* the same passphrase from a file opens it too (a fresh image) */
	err = suspend_with(SOURCE, fast("chacha20-poly1305"), NULL, &s);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	err = resume_verify(spec_pass, NULL);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
}

Test(cipher, typed_confirmation_mismatch_writes_no_image)
{
	struct typist t = { .answers = { "one", "two" }, .nanswers = 2 };
	int err = suspend_with(SOURCE, fast("aes-256-gcm"), NULL, &t);

	/* "one", "two", then "two", "two": the second try agrees */
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(t.calls, 4);
	unlink(img);
	t = (struct typist){ .answers = { "", "" }, .nanswers = 2 };
	err = suspend_with(SOURCE, fast("aes-256-gcm"), NULL, &t);
	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
	cr_assert_eq(t.calls, 3, "empty answers are not confirmed");
	cr_assert_not(tu_exists(img));
}

Test(cipher, typed_passphrase_right_on_second_try)
{
	struct typist t = { .answers = { "nope", PASSPHRASE }, .nanswers = 2 };
	int err;

	make_image("chacha20-poly1305", spec_pass);
	err = resume_verify(NULL, &t);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(t.calls, 2);
	cr_assert_eq(t.attempts[0], 1);
	cr_assert_eq(t.attempts[1], 2);
}

/* ---- keys refused ------------------------------------------------------------------ */

Test(cipher, no_key_is_a_usage_error)
{
	int err = suspend_with(SOURCE, "aes-256-gcm", NULL, NULL);

	cr_assert_eq(err, HB_EUSAGE);
	cr_assert_str_eq(hb_detail(err),
			 "aes-256-gcm needs a key: --key keyfile=PATH or passfile=PATH");
	cr_assert_not(tu_exists(img));
	make_image("aes-256-gcm", spec_key);
	err = resume_verify(NULL, NULL);
	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
	cr_assert_not(is_spent());
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

	tu_path(path, sizeof(path), dir, "bad.key");
	snprintf(spec, sizeof(spec), "keyfile=%s", path);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tu_write_file(path, bad[i], strlen(bad[i]));
		err = suspend_with(SOURCE, "aes-256-gcm", spec, NULL);
		cr_assert_eq(err, HB_EUSAGE, "case %u: %d %s", i, err, hb_detail(err));
		cr_assert(detail_has(err, "expected exactly 32 raw bytes or 64 hex digits"), "%s",
			  hb_detail(err));
		cr_assert_not(detail_has(err, "0123456789abcdef"), "key bytes in a message");
	}
	/* 64 hex digits with a CRLF are fine */
	tu_write_file(path, "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF\r\n",
		      66);
	err = suspend_with(SOURCE, "aes-256-gcm", spec, NULL);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	/* a missing file and a key spec that is not one: the spec is not echoed */
	err = suspend_with(SOURCE, "aes-256-gcm", "keyfile=/nonexistent/key", NULL);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert(detail_has(err, "/nonexistent/key"), "%s", hb_detail(err));
	err = suspend_with(SOURCE, "aes-256-gcm", "hunter2", NULL);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert_not(detail_has(err, "hunter2"), "%s", hb_detail(err));
	tu_write_file(passfile, "\nlater\n", 7);
	err = suspend_with(SOURCE, "aes-256-gcm", spec_pass, NULL);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert(detail_has(err, "empty"), "%s", hb_detail(err));
}

Test(cipher, bad_kdf_costs_refused)
{
	int err = suspend_with(SOURCE, "aes-256-gcm:kdf-n=3000", spec_pass, NULL);

	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
	cr_assert(detail_has(err, "power of two"), "%s", hb_detail(err));
	err = suspend_with(SOURCE, "aes-256-gcm:kdf-n=16777216,kdf-r=64", spec_pass, NULL);
	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
	cr_assert(detail_has(err, "MiB"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(img));
}

Test(cipher, wrong_key_file_refused_image_kept)
{
	unsigned i;
	int err;

	for (i = 0; i < NCIPHERS; i++) {
		err = wrong_key_keeps_image(ciphers[i], spec_key, spec_wrongkey, "wrong key");
		cr_assert_eq(hb_exit_code(err), HB_EXIT_REFUSED);
	}
}

Test(cipher, wrong_passphrase_file_refused_image_kept)
{
	unsigned i;

	for (i = 0; i < NCIPHERS; i++)
		wrong_key_keeps_image(ciphers[i], spec_pass, spec_wrongpass, "wrong passphrase");
}

Test(cipher, key_of_the_other_kind_refused_image_kept)
{
	int err;

	make_image("aes-256-gcm", spec_key);
	err = resume_to_sink(spec_pass);
	cr_assert_eq(err, HB_EKEY, "%s", hb_detail(err));
	cr_assert(detail_has(err, "key file, not a passphrase"), "%s", hb_detail(err));
	make_image("aes-256-gcm", spec_pass);
	err = resume_to_sink(spec_key);
	cr_assert_eq(err, HB_EKEY, "%s", hb_detail(err));
	cr_assert_not(is_spent());
}

Test(cipher, typed_wrong_three_times_spends_image)
{
	struct typist t = { .answers = { "wrong" }, .nanswers = 1 };
	int err;

	make_image("aes-256-gcm", spec_pass);
	err = resume_to_sink(NULL);  /* no key, no prompt: not a try */
	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
	err = resume_verify(NULL, &t);
	cr_assert_eq(err, HB_EKEY, "%d %s", err, hb_detail(err));
	cr_assert_eq(t.calls, 3);
	cr_assert_eq(t.attempts[0], 1);
	cr_assert_eq(t.attempts[1], 2);
	cr_assert_eq(t.attempts[2], 3);
	cr_assert(is_spent(), "three wrong typed passphrases spend the image");
	cr_assert_not(tu_exists(out));
}

/* ---- tampering ------------------------------------------------------------------------ */

Test(cipher, flipped_ciphertext_bit_refused)
{
	size_t size, offs[8], n;
	uint8_t *file;
	unsigned i;

	for (i = 0; i < NCIPHERS; i++) {
		file = image_file(ciphers[i], spec_key, &size);
		n = record_offsets(file, size, offs, 8);
		cr_assert_eq(n, 4);
		/* a bit in the middle of record 2's ciphertext, crc made to match:
		 * the record crc cannot catch it, the AEAD must */
		file[offs[2] + HB_RECORD_HDR + 5000] ^= 0x20;
		fix_record_crc(file, offs[2], image_id());
		expect_auth_failed(ciphers[i], file, size, 2);
		cr_assert_not(tu_exists(out));
		/* a flipped tag bit too */
		free(file);
		file = image_file(ciphers[i], spec_key, &size);
		file[offs[1] - 1] ^= 0x01;  /* the last byte of record 0: its tag */
		fix_record_crc(file, offs[0], image_id());
		expect_auth_failed(ciphers[i], file, size, 0);
		free(file);
	}
}

Test(cipher, flipped_bit_without_crc_fix_refused)
{
	size_t size = 0, end;
	uint8_t *file;
	int err;

	file = image_file("aes-256-gcm", spec_key, &size);
	end = data_end(file, size);
	free(file);
	tu_flip(img, end - 7, 0x04);
	err = resume_to_sink(spec_key);
	cr_assert_eq(err, HB_ECORRUPT, "%s", hb_detail(err));
	cr_assert(detail_has(err, "record 3"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(out));
}

Test(cipher, swapped_records_refused)
{
	size_t size, offs[8], len;
	uint8_t *file, *tmp;
	unsigned i;
	int err;

	for (i = 0; i < NCIPHERS; i++) {
		file = image_file(ciphers[i], spec_key, &size);
		cr_assert_eq(record_offsets(file, size, offs, 8), 4);
		len = offs[2] - offs[1];
		cr_assert_eq(offs[3] - offs[2], len, "equal records without zero/compression");
		tmp = malloc(len);
		/* whole records swapped: the engine sees the numbers out of place */
		memcpy(tmp, file + offs[1], len);
		memcpy(file + offs[1], file + offs[2], len);
		memcpy(file + offs[2], tmp, len);
		tu_write_file(img, file, size);
		err = resume_to_sink(spec_key);
		cr_assert_eq(err, HB_ECORRUPT, "%s", hb_detail(err));
		cr_assert(detail_has(err, "record 1: found record 2"), "%s", hb_detail(err));
		/* payloads swapped under renumbered headers with good crcs: only the
		 * nonce and the associated data tell */
		free(file);
		file = image_file(ciphers[i], spec_key, &size);
		memcpy(tmp, file + offs[1] + HB_RECORD_HDR, len - HB_RECORD_HDR);
		memcpy(file + offs[1] + HB_RECORD_HDR, file + offs[2] + HB_RECORD_HDR,
		       len - HB_RECORD_HDR);
		memcpy(file + offs[2] + HB_RECORD_HDR, tmp, len - HB_RECORD_HDR);
		fix_record_crc(file, offs[1], image_id());
		fix_record_crc(file, offs[2], image_id());
		expect_auth_failed(ciphers[i], file, size, 1);
		cr_assert_not(tu_exists(out));
		free(tmp);
		free(file);
	}
}

Test(cipher, record_from_another_image_refused)
{
	size_t size, size2, offs[8];
	uint8_t *a, *b;

	/* same key, same pages, two images: the per-image salt makes every
	 * record differ, and one image's record does not open in the other */
	a = image_file("aes-256-gcm", spec_key, &size);
	b = image_file("aes-256-gcm", spec_key, &size2);
	cr_assert_eq(size, size2);
	cr_assert_eq(record_offsets(b, size2, offs, 8), 4);
	cr_assert_neq(memcmp(a + offs[0] + HB_RECORD_HDR, b + offs[0] + HB_RECORD_HDR, 4096), 0,
		      "same key and pages, yet different ciphertext");
	memcpy(b + offs[1], a + offs[1], offs[2] - offs[1]);
	fix_record_crc(b, offs[1], image_id());
	expect_auth_failed("aes-256-gcm", b, size2, 1);
	free(a);
	free(b);
}

Test(cipher, truncated_image_refused)
{
	size_t size, offs[8];
	uint8_t *file;
	int err;

	file = image_file("chacha20-poly1305", spec_key, &size);
	cr_assert_eq(record_offsets(file, size, offs, 8), 4);
	tu_write_file(img, file, data_end(file, size) - 10);  /* the last tag cut short */
	err = resume_to_sink(spec_key);
	cr_assert_eq(err, HB_ETRUNCATED, "%d %s", err, hb_detail(err));
	cr_assert_not(tu_exists(out));
	tu_write_file(img, file, offs[3]);  /* the last record gone */
	err = resume_to_sink(spec_key);
	cr_assert_eq(err, HB_ETRUNCATED, "%d %s", err, hb_detail(err));
	cr_assert(detail_has(err, "record 4 of 4 is missing"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(out));
	free(file);
}

Test(cipher, edited_static_header_refused)
{
	size_t size;
	uint8_t *file;
	unsigned i;
	int err;

	for (i = 0; i < NCIPHERS; i++) {
		file = image_file(ciphers[i], spec_key, &size);
		/* "created" (static section offset 32): a plain edit fails the header crc */
		file[HB_FIXED_LEN + 32] ^= 0x01;
		tu_write_file(img, file, size);
		err = resume_to_sink(spec_key);
		cr_assert_eq(err, HB_ECORRUPT, "%s", hb_detail(err));
		cr_assert(detail_has(err, "image header: checksum mismatch"), "%s", hb_detail(err));
		free(file);
		file = tu_read_file(img, &size);
		/* a damaged header is resumable by no build: spent at once */
		cr_assert_eq(memcmp(file, HB_MAGIC_SPENT, HB_MAGIC_LEN), 0, "not spent");
		memcpy(file, HB_MAGIC_VALID, HB_MAGIC_LEN);
		/* with the crc fixed, the header tag catches it before any record */
		err = resume_forged(file, size, spec_key);
		cr_assert_eq(err, HB_ECORRUPT, "%s: %d %s", ciphers[i], err, hb_detail(err));
		cr_assert_str_eq(hb_detail(err), AUTH_FAILED);
		cr_assert_not(tu_exists(out));
		cr_assert(is_spent(), "a forged header is spent");
		free(file);
	}
}

Test(cipher, edited_cipher_params_refused)
{
	struct hb_header h;
	size_t size;
	uint8_t *file, *p;
	int err;

	file = image_file("aes-256-gcm", spec_pass, &size);
	cr_assert_eq(hb_inspect(target, &h), 0);
	p = memmem(file + HB_FIXED_LEN, HB_HEADER_AREA - HB_FIXED_LEN, h.filters[0].params.data,
		   h.filters[0].params.len);
	cr_assert_not_null(p);
	/* a salt changed: the key check fails, before any record is read */
	p[40] ^= 0x01;
	err = resume_forged(file, size, spec_pass);
	cr_assert_eq(err, HB_EKEY, "%d %s", err, hb_detail(err));
	cr_assert_not(is_spent());
	/* a layout this build does not know, or a KDF asking for 64 GiB */
	p[40] ^= 0x01;
	p[0] = 9;
	err = resume_forged(file, size, spec_pass);
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	cr_assert(detail_has(err, "bad parameters"), "%s", hb_detail(err));
	p[0] = 1;
	p[2] = 30;
	err = resume_forged(file, size, spec_pass);
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	cr_assert_not(is_spent());
	free(file);
	/* a key-file image has no KDF: a salt byte set there is not ours */
	file = image_file("aes-256-gcm", spec_key, &size);
	cr_assert_eq(hb_inspect(target, &h), 0);
	p = memmem(file + HB_FIXED_LEN, HB_HEADER_AREA - HB_FIXED_LEN, h.filters[0].params.data,
		   h.filters[0].params.len);
	cr_assert_not_null(p);
	p[12] = 0x01;
	err = resume_forged(file, size, spec_key);
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	cr_assert(detail_has(err, "bad parameters"), "%s", hb_detail(err));
	free(file);
}

/* A forged header, checked with the key (the verify source it names is
 * never opened: a sink that opened first would fail on it instead). */
static void expect_forged_header_refused(uint8_t *file, size_t size, const char *what)
{
	struct hb_resume_args a = { .target = target, .verify = true, .key_spec = spec_key };
	struct hb_stats st;
	int err;

	fix_header_crc(file);
	tu_write_file(img, file, size);
	err = hb_resume(&a, &st);
	cr_assert_eq(err, HB_ECORRUPT, "%s: %d %s", what, err, hb_detail(err));
	cr_assert_str_eq(hb_detail(err), AUTH_FAILED, "%s", what);
	cr_assert(is_spent(), "%s: spent", what);
}

Test(cipher, header_tag_covers_every_header_field)
{
	static const struct {
		size_t off;
		const char *what;
	} fields[] = {
		{ 24, "record count" },         { 32, "data length" },
		{ 40, "digest" },               { HB_FIXED_LEN + 28, "chunk pages" },
		{ HB_FIXED_LEN + 0, "image id" },
	};
	uint8_t *file, *pristine;
	size_t size, n;
	unsigned i, c;

	for (c = 0; c < NCIPHERS; c++) {
		pristine = image_file(ciphers[c], spec_key, &size);
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			file = (uint8_t *)malloc(size);
			cr_assert_not_null(file);
			memcpy(file, pristine, size);
			file[fields[i].off] ^= 0x01;
			expect_forged_header_refused(file, size, fields[i].what);
			free(file);
		}
		/* the source the image names (a --verify would open it) */
		file = (uint8_t *)malloc(size);
		cr_assert_not_null(file);
		memcpy(file, pristine, size);
		n = HB_HEADER_AREA - HB_FIXED_LEN;
		cr_assert_not_null(memmem(file + HB_FIXED_LEN, n, "seed=3", 6));
		memcpy(memmem(file + HB_FIXED_LEN, n, "seed=3", 6), "seed=4", 6);
		expect_forged_header_refused(file, size, "source");
		/* the tag itself */
		memcpy(file, pristine, size);
		file[hb_get32(file + 16) - 1] ^= 0x80;
		expect_forged_header_refused(file, size, "tag");
		free(file);
		free(pristine);
	}
}

Test(cipher, header_tag_stripped_or_added_refused)
{
	struct hb_resume_args a = { .target = target, .sink = sink };
	struct hb_stats st;
	uint8_t *file;
	uint32_t total;
	size_t size;
	int err;

	/* the tag cut off, the length and crc fixed: a forger without the key */
	file = image_file("aes-256-gcm", spec_key, &size);
	total = hb_get32(file + 16);
	memset(file + total - HB_HEADER_TAG_LEN, 0, HB_HEADER_TAG_LEN);
	hb_put32(file + 16, total - HB_HEADER_TAG_LEN);
	err = resume_forged(file, size, spec_key);
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	cr_assert_str_eq(hb_detail(err), "image header: a cipher but no header tag (tampered or "
					 "damaged)");
	cr_assert(is_spent());
	/* ... and made to look like format 1, which had no tag: refused too */
	memcpy(file, HB_MAGIC_VALID, HB_MAGIC_LEN);
	hb_put32(file + 8, 1);
	err = resume_forged(file, size, spec_key);
	cr_assert_eq(err, HB_EVERSION, "%d %s", err, hb_detail(err));
	cr_assert(detail_has(err, "header is not authenticated"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(out));
	free(file);
	/* a tag on an image without a cipher: not one this build wrote */
	cr_assert_eq(suspend_with(SOURCE, "lz4", NULL, NULL), 0);
	file = tu_read_file(img, &size);
	total = hb_get32(file + 16);
	memset(file + total, 0xa5, HB_HEADER_TAG_LEN);
	hb_put32(file + 16, total + HB_HEADER_TAG_LEN);
	fix_header_crc(file);
	tu_write_file(img, file, size);
	err = hb_resume(&a, &st);
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	cr_assert_str_eq(hb_detail(err), "image header: a header tag but no cipher (tampered or "
					 "damaged)");
	cr_assert(is_spent());
	cr_assert_not(tu_exists(out));
	free(file);
}

Test(cipher, key_given_refuses_an_image_without_cipher)
{
	struct hb_resume_args a = { .target = target, .sink = sink, .key_spec = spec_key,
				    .require_sealed = true };
	struct hb_stats st;
	int err;

	/* an image anyone could have written where an encrypted one is expected */
	cr_assert_eq(suspend_with(SOURCE, "lz4", NULL, NULL), 0);
	err = hb_resume(&a, &st);
	cr_assert_eq(err, HB_EKEY, "%d %s", err, hb_detail(err));
	cr_assert(detail_has(err, "is not encrypted, but a key was given"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(out));
	cr_assert_not(is_spent(), "a policy refusal does not spend the image");
	/* the same demand met by a sealed image */
	make_image("chacha20-poly1305", spec_key);
	err = hb_resume(&a, &st);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert(tu_exists(out));
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
	err = suspend_with("sim:text,size=4MiB,seed=3", "crc32c", NULL, NULL);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert(image_holds_plaintext(img, 1024, 3));
	for (i = 0; i < NCIPHERS; i++) {
		char filters[160];

		snprintf(filters, sizeof(filters), "zero,%s", fast(ciphers[i]));
		err = suspend_with("sim:text,size=4MiB,seed=3", filters, spec_pass, NULL);
		cr_assert_eq(err, 0, "%s", hb_detail(err));
		cr_assert_not(image_holds_plaintext(img, 1024, 3), "%s: plaintext on disk",
			      ciphers[i]);
	}
}

Test(cipher, no_secret_on_disk)
{
	char hex[65];
	size_t size;
	uint8_t *file;
	unsigned i;

	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	file = image_file("aes-256-gcm", spec_key, &size);
	cr_assert_not(contains(file, size, key, 32));
	cr_assert_not(contains(file, size, hex, 64));
	cr_assert_not(contains(file, size, keyfile, strlen(keyfile)));
	cr_assert_not(contains(file, size, "key.bin", 7));
	free(file);
	file = image_file("chacha20-poly1305", spec_pass, &size);
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

	err = suspend_with(SOURCE, "zero,aes-256-gcm:kdf-n=2048,kdf-r=4,kdf-p=2", spec_pass, NULL);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(hb_inspect(target, &h), 0);
	cr_assert_eq(h.filter_count, 2);
	d.params = &h.filters[1].params;
	cr_assert_eq(f->ctl(NULL, HB_CTL_DESCRIBE_PARAMS, &d), 0);
	cr_assert_str_eq(buf, "key: passphrase, scrypt N=2^11 r=4 p=2");
	make_image("aes-256-gcm", spec_key);
	cr_assert_eq(hb_inspect(target, &h), 0);
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
	t->img.key_spec = spec_key;
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

		open_keyed(&e, ciphers[c], NULL);
		cr_assert_gt(e.params.len, 0);
		open_keyed(&d, ciphers[c], &e.params);
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
