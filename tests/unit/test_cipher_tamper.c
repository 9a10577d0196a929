/* Tampering with a cipher's image: flipped, swapped, foreign or missing
 * records, an edited static section or cipher parameters, and the header
 * tag (format 2): every header field covered, the tag stripped or added,
 * a key given for an image without a cipher.  Each is refused with its exact
 * code and line, before anything is restored. */
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

TestSuite(cipher_tamper, .init = cx_setup, .fini = cx_teardown);

/* file (size bytes) written back as the image: its resume must fail the
 * AEAD check of record `record`. */
static void expect_auth_failed(const char *cipher, const uint8_t *file, size_t size,
			       unsigned record)
{
	char want[80];
	int err;

	tu_write_file(cx_img, file, size);
	err = cx_resume_to_sink(cx_spec_key);
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
static void fix_record_crc(uint8_t *file, size_t off, uint64_t id)
{
	uint8_t *h = file + off;

	hb_record_encode(h, id, hb_get64(h + 8), hb_get32(h + 16), h + HB_RECORD_HDR,
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
	tu_write_file(cx_img, file, size);
	return cx_resume_to_sink(key_spec);
}

static uint64_t image_id(void)
{
	struct hb_header h;

	cr_assert_eq(hb_inspect(cx_target, &h), 0);
	return h.image_id;
}

/* ---- tampering ------------------------------------------------------------------------ */

Test(cipher_tamper, flipped_ciphertext_bit_refused)
{
	size_t size, offs[8], n;
	uint8_t *file;
	unsigned i;

	for (i = 0; i < NCIPHERS; i++) {
		file = cx_image_file(cx_ciphers[i], cx_spec_key, &size);
		n = record_offsets(file, size, offs, 8);
		cr_assert_eq(n, 4);
		/* a bit in the middle of record 2's ciphertext, crc made to match:
		 * the record crc cannot catch it, the AEAD must */
		file[offs[2] + HB_RECORD_HDR + 5000] ^= 0x20;
		fix_record_crc(file, offs[2], image_id());
		expect_auth_failed(cx_ciphers[i], file, size, 2);
		cr_assert_not(tu_exists(cx_out));
		/* a flipped tag bit too */
		free(file);
		file = cx_image_file(cx_ciphers[i], cx_spec_key, &size);
		file[offs[1] - 1] ^= 0x01;  /* the last byte of record 0: its tag */
		fix_record_crc(file, offs[0], image_id());
		expect_auth_failed(cx_ciphers[i], file, size, 0);
		free(file);
	}
}

Test(cipher_tamper, flipped_bit_without_crc_fix_refused)
{
	size_t size = 0, end;
	uint8_t *file;
	int err;

	file = cx_image_file("aes-256-gcm", cx_spec_key, &size);
	end = data_end(file, size);
	free(file);
	tu_flip(cx_img, end - 7, 0x04);
	err = cx_resume_to_sink(cx_spec_key);
	cr_assert_eq(err, HB_ECORRUPT, "%s", hb_detail(err));
	cr_assert(cx_detail_has(err, "record 3"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(cx_out));
}

Test(cipher_tamper, swapped_records_refused)
{
	size_t size, offs[8], len;
	uint8_t *file, *tmp;
	unsigned i;
	int err;

	for (i = 0; i < NCIPHERS; i++) {
		file = cx_image_file(cx_ciphers[i], cx_spec_key, &size);
		cr_assert_eq(record_offsets(file, size, offs, 8), 4);
		len = offs[2] - offs[1];
		cr_assert_eq(offs[3] - offs[2], len, "equal records without zero/compression");
		tmp = malloc(len);
		/* whole records swapped: the engine sees the numbers out of place */
		memcpy(tmp, file + offs[1], len);
		memcpy(file + offs[1], file + offs[2], len);
		memcpy(file + offs[2], tmp, len);
		tu_write_file(cx_img, file, size);
		err = cx_resume_to_sink(cx_spec_key);
		cr_assert_eq(err, HB_ECORRUPT, "%s", hb_detail(err));
		cr_assert(cx_detail_has(err, "record 1: found record 2"), "%s", hb_detail(err));
		/* payloads swapped under renumbered headers with good crcs: only the
		 * nonce and the associated data tell */
		free(file);
		file = cx_image_file(cx_ciphers[i], cx_spec_key, &size);
		memcpy(tmp, file + offs[1] + HB_RECORD_HDR, len - HB_RECORD_HDR);
		memcpy(file + offs[1] + HB_RECORD_HDR, file + offs[2] + HB_RECORD_HDR,
		       len - HB_RECORD_HDR);
		memcpy(file + offs[2] + HB_RECORD_HDR, tmp, len - HB_RECORD_HDR);
		fix_record_crc(file, offs[1], image_id());
		fix_record_crc(file, offs[2], image_id());
		expect_auth_failed(cx_ciphers[i], file, size, 1);
		cr_assert_not(tu_exists(cx_out));
		free(tmp);
		free(file);
	}
}

Test(cipher_tamper, record_from_another_image_refused)
{
	size_t size, size2, offs[8];
	uint8_t *a, *b;

	/* same key, same pages, two images: the per-image salt makes every
	 * record differ, and one image's record does not open in the other */
	a = cx_image_file("aes-256-gcm", cx_spec_key, &size);
	b = cx_image_file("aes-256-gcm", cx_spec_key, &size2);
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

Test(cipher_tamper, truncated_image_refused)
{
	size_t size, offs[8];
	uint8_t *file;
	int err;

	file = cx_image_file("chacha20-poly1305", cx_spec_key, &size);
	cr_assert_eq(record_offsets(file, size, offs, 8), 4);
	tu_write_file(cx_img, file, data_end(file, size) - 10);  /* the last tag cut short */
	err = cx_resume_to_sink(cx_spec_key);
	cr_assert_eq(err, HB_ETRUNCATED, "%d %s", err, hb_detail(err));
	cr_assert_not(tu_exists(cx_out));
	tu_write_file(cx_img, file, offs[3]);  /* the last record gone */
	err = cx_resume_to_sink(cx_spec_key);
	cr_assert_eq(err, HB_ETRUNCATED, "%d %s", err, hb_detail(err));
	cr_assert(cx_detail_has(err, "record 4 of 4 is missing"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(cx_out));
	free(file);
}

Test(cipher_tamper, edited_static_header_refused)
{
	size_t size;
	uint8_t *file;
	unsigned i;
	int err;

	for (i = 0; i < NCIPHERS; i++) {
		file = cx_image_file(cx_ciphers[i], cx_spec_key, &size);
		/* "created" (static section offset 32): a plain edit fails the header crc */
		file[HB_FIXED_LEN + 32] ^= 0x01;
		tu_write_file(cx_img, file, size);
		err = cx_resume_to_sink(cx_spec_key);
		cr_assert_eq(err, HB_ECORRUPT, "%s", hb_detail(err));
		cr_assert(cx_detail_has(err, "image header: checksum mismatch"), "%s", hb_detail(err));
		free(file);
		file = tu_read_file(cx_img, &size);
		/* a damaged header is resumable by no build: spent at once */
		cr_assert_eq(memcmp(file, HB_MAGIC_SPENT, HB_MAGIC_LEN), 0, "not spent");
		memcpy(file, HB_MAGIC_VALID, HB_MAGIC_LEN);
		/* with the crc fixed, the header tag catches it before any record */
		err = resume_forged(file, size, cx_spec_key);
		cr_assert_eq(err, HB_ECORRUPT, "%s: %d %s", cx_ciphers[i], err, hb_detail(err));
		cr_assert_str_eq(hb_detail(err), AUTH_FAILED);
		cr_assert_not(tu_exists(cx_out));
		cr_assert(cx_is_spent(), "a forged header is spent");
		free(file);
	}
}

Test(cipher_tamper, edited_cipher_params_refused)
{
	struct hb_header h;
	size_t size;
	uint8_t *file, *p;
	int err;

	file = cx_image_file("aes-256-gcm", cx_spec_pass, &size);
	cr_assert_eq(hb_inspect(cx_target, &h), 0);
	p = memmem(file + HB_FIXED_LEN, HB_HEADER_AREA - HB_FIXED_LEN, h.filters[0].params.data,
		   h.filters[0].params.len);
	cr_assert_not_null(p);
	/* a salt changed: the key check fails, before any record is read */
	p[40] ^= 0x01;
	err = resume_forged(file, size, cx_spec_pass);
	cr_assert_eq(err, HB_EKEY, "%d %s", err, hb_detail(err));
	cr_assert_not(cx_is_spent());
	/* a layout this build does not know, or a KDF asking for 64 GiB */
	p[40] ^= 0x01;
	p[0] = 9;
	err = resume_forged(file, size, cx_spec_pass);
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	cr_assert(cx_detail_has(err, "bad parameters"), "%s", hb_detail(err));
	p[0] = 1;
	p[2] = 30;
	err = resume_forged(file, size, cx_spec_pass);
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	cr_assert_not(cx_is_spent());
	free(file);
	/* a key-file image has no KDF: a salt byte set there is not ours */
	file = cx_image_file("aes-256-gcm", cx_spec_key, &size);
	cr_assert_eq(hb_inspect(cx_target, &h), 0);
	p = memmem(file + HB_FIXED_LEN, HB_HEADER_AREA - HB_FIXED_LEN, h.filters[0].params.data,
		   h.filters[0].params.len);
	cr_assert_not_null(p);
	p[12] = 0x01;
	err = resume_forged(file, size, cx_spec_key);
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	cr_assert(cx_detail_has(err, "bad parameters"), "%s", hb_detail(err));
	free(file);
}

/* A forged header, checked with the key (the verify source it names is
 * never opened: a sink that opened first would fail on it instead). */
static void expect_forged_header_refused(uint8_t *file, size_t size, const char *what)
{
	struct hb_resume_args a = { .target = cx_target, .verify = true, .key_spec = cx_spec_key };
	struct hb_stats st;
	int err;

	fix_header_crc(file);
	tu_write_file(cx_img, file, size);
	err = hb_resume(&a, &st);
	cr_assert_eq(err, HB_ECORRUPT, "%s: %d %s", what, err, hb_detail(err));
	cr_assert_str_eq(hb_detail(err), AUTH_FAILED, "%s", what);
	cr_assert(cx_is_spent(), "%s: spent", what);
}

Test(cipher_tamper, header_tag_covers_every_header_field)
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
		pristine = cx_image_file(cx_ciphers[c], cx_spec_key, &size);
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

Test(cipher_tamper, header_tag_stripped_or_added_refused)
{
	struct hb_resume_args a = { .target = cx_target, .sink = cx_sink };
	struct hb_stats st;
	uint8_t *file;
	uint32_t total;
	size_t size;
	int err;

	/* the tag cut off, the length and crc fixed: a forger without the key */
	file = cx_image_file("aes-256-gcm", cx_spec_key, &size);
	total = hb_get32(file + 16);
	memset(file + total - HB_HEADER_TAG_LEN, 0, HB_HEADER_TAG_LEN);
	hb_put32(file + 16, total - HB_HEADER_TAG_LEN);
	err = resume_forged(file, size, cx_spec_key);
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	cr_assert_str_eq(hb_detail(err), "image header: a cipher but no header tag (tampered or "
					 "damaged)");
	cr_assert(cx_is_spent());
	/* ... and made to look like format 1, which had no tag: refused too */
	memcpy(file, HB_MAGIC_VALID, HB_MAGIC_LEN);
	hb_put32(file + 8, 1);
	err = resume_forged(file, size, cx_spec_key);
	cr_assert_eq(err, HB_EVERSION, "%d %s", err, hb_detail(err));
	cr_assert(cx_detail_has(err, "header is not authenticated"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(cx_out));
	free(file);
	/* a tag on an image without a cipher: not one this build wrote */
	cr_assert_eq(cx_suspend_with(SOURCE, "lz4", NULL, NULL), 0);
	file = tu_read_file(cx_img, &size);
	total = hb_get32(file + 16);
	memset(file + total, 0xa5, HB_HEADER_TAG_LEN);
	hb_put32(file + 16, total + HB_HEADER_TAG_LEN);
	fix_header_crc(file);
	tu_write_file(cx_img, file, size);
	err = hb_resume(&a, &st);
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	cr_assert_str_eq(hb_detail(err), "image header: a header tag but no cipher (tampered or "
					 "damaged)");
	cr_assert(cx_is_spent());
	cr_assert_not(tu_exists(cx_out));
	free(file);
}

Test(cipher_tamper, key_given_refuses_an_image_without_cipher)
{
	struct hb_resume_args a = { .target = cx_target, .sink = cx_sink, .key_spec = cx_spec_key,
				    .require_sealed = true };
	struct hb_stats st;
	int err;

	/* an image anyone could have written where an encrypted one is expected */
	cr_assert_eq(cx_suspend_with(SOURCE, "lz4", NULL, NULL), 0);
	err = hb_resume(&a, &st);
	cr_assert_eq(err, HB_EKEY, "%d %s", err, hb_detail(err));
	cr_assert(cx_detail_has(err, "is not encrypted, but a key was given"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(cx_out));
	cr_assert_not(cx_is_spent(), "a policy refusal does not spend the image");
	/* the same demand met by a sealed image */
	cx_make_image("chacha20-poly1305", cx_spec_key);
	err = hb_resume(&a, &st);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert(tu_exists(cx_out));
}
