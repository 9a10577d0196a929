/* Refusals: every damaged, foreign, stale or uncommitted image is refused
 * with the right code and a message that names the cause, and a refused
 * image restores nothing. */
#include "testutil.h"

#include "core/bytes.h"
#include "core/engine.h"
#include "core/error.h"
#include "core/format.h"
#include "core/hash.h"
#include "core/target.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256], img[512], pristine[512], target[600], out[512], sink[600];

/* A small image (64 pages, 2 full records of 32) kept pristine. */
static void setup(void)
{
	struct hb_suspend_args s = { .source = "sim:mixed,size=256KiB,seed=3",
				     .filters = "zero,crc32c" };
	struct hb_stats st;
	int err;

	tu_mkdir(dir, sizeof(dir));
	tu_path(img, sizeof(img), dir, "a.img");
	tu_path(pristine, sizeof(pristine), dir, "pristine.img");
	tu_path(out, sizeof(out), dir, "pages.raw");
	snprintf(target, sizeof(target), "file:%s", img);
	snprintf(sink, sizeof(sink), "file:%s", out);
	s.target = target;
	err = hb_suspend(&s, &st);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	tu_copy_file(img, pristine);
}

static void teardown(void)
{
	tu_rmdir(dir);
}

static int resume_to_sink(void)
{
	struct hb_resume_args r = { .target = target, .sink = sink };
	struct hb_stats st;

	return hb_resume(&r, &st);
}

static void restore_pristine(void)
{
	tu_copy_file(pristine, img);
}

/* Where the records end: the file may go on with alignment padding. */
static size_t image_end(void)
{
	struct hb_header h;

	cr_assert_eq(hb_inspect(target, &h), 0, "%s", hb_detail(0));
	return HB_HEADER_AREA + (size_t)h.data_bytes;
}

/* Rewrite a header field and fix the header checksum, as a forger would. */
static void edit_header(size_t off, const void *bytes, size_t len)
{
	size_t size;
	uint8_t *file = tu_read_file(img, &size);
	uint32_t total = hb_get32(file + 16);

	memcpy(file + off, bytes, len);
	hb_put32(file + 12, hb_crc32c(0, file + 16, total - 16));
	tu_write_file(img, file, size);
	free(file);
}

TestSuite(refuse, .init = setup, .fini = teardown);

Test(refuse, pristine_image_restores)
{
	int err = resume_to_sink();

	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(tu_file_size(out), 256 * 1024);
}

Test(refuse, uncommitted_image_is_no_image)
{
	struct hb_target t;
	uint8_t junk[4096];
	int err;

	/* records written, then the "power cut": no commit */
	memset(junk, 0x5a, sizeof(junk));
	cr_assert_eq(hb_target_open(&t, target, HB_OPEN_SAVE), 0);
	cr_assert_eq(t.writer->write(t.inst.priv, junk, sizeof(junk)), 0);
	hb_target_close(&t);
	err = resume_to_sink();
	cr_assert_eq(err, HB_ENOIMAGE, "got %d: %s", err, hb_detail(err));
	cr_assert_eq(hb_exit_code(err), 3);
	cr_assert(strstr(hb_detail(err), "no image"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(out));
}

Test(refuse, missing_file_is_no_image)
{
	int err;

	unlink(img);
	err = resume_to_sink();
	cr_assert_eq(err, HB_ENOIMAGE, "%s", hb_detail(err));
}

/* A flipped bit anywhere in the records: every one refused, nothing restored. */
Test(refuse, flipped_byte_in_any_record)
{
	size_t size = image_end(), off, tried = 0;
	int err;

	for (off = HB_HEADER_AREA; off < size; off += 127, tried++) {
		restore_pristine();
		tu_flip(img, off, (uint8_t)(1u << (off % 8)));
		err = resume_to_sink();
		cr_assert_eq(err, HB_ECORRUPT, "flip at %zu: got %d: %s", off, err, hb_detail(err));
		cr_assert(strstr(hb_detail(err), "record"), "%s", hb_detail(err));
		cr_assert_not(tu_exists(out), "flip at %zu: pages were restored", off);
	}
	cr_assert_gt(tried, 100);
}

Test(refuse, flipped_byte_in_header)
{
	size_t off;
	int err;

	/* every byte of the used header except the magic (its own test) */
	for (off = HB_MAGIC_LEN; off < 160; off++) {
		restore_pristine();
		tu_flip(img, off, 0x10);
		err = resume_to_sink();
		cr_assert(err == HB_ECORRUPT || err == HB_EVERSION, "flip at %zu: got %d: %s", off,
			  err, hb_detail(err));
		cr_assert_not(tu_exists(out));
	}
}

Test(refuse, truncated_image)
{
	size_t size = image_end();
	size_t cuts[] = { size - 1, size - 100, size / 2, HB_HEADER_AREA + 10, HB_HEADER_AREA };
	size_t i, len;
	uint8_t *data = tu_read_file(pristine, &len);
	int err;

	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		tu_write_file(img, data, cuts[i]);
		err = resume_to_sink();
		cr_assert_eq(err, HB_ETRUNCATED, "cut at %zu: got %d: %s", cuts[i], err,
			     hb_detail(err));
		cr_assert(strstr(hb_detail(err), "truncated"), "%s", hb_detail(err));
		cr_assert_not(tu_exists(out));
	}
	free(data);
}

/* The line names the target and shows what is there instead, unprintable
 * bytes as \xNN. */
Test(refuse, wrong_magic)
{
	char want[800];
	int err;

	edit_header(0, "NOTHIBER", 8);
	err = resume_to_sink();
	cr_assert_eq(err, HB_EFOREIGN, "%s", hb_detail(err));
	cr_assert_eq(hb_exit_code(err), 4);
	snprintf(want, sizeof(want), "%s: not a hiblab image (magic \"NOTHIBER\", a hiblab "
		 "image begins \"HIBLABOK\")", target);
	cr_assert_str_eq(hb_detail(err), want);
	edit_header(0, "\033[2J\"\\\xffO", 8);
	err = resume_to_sink();
	snprintf(want, sizeof(want), "%s: not a hiblab image (magic \"\\x1b[2J\\x22\\x5c\\xffO\", "
		 "a hiblab image begins \"HIBLABOK\")", target);
	cr_assert_str_eq(hb_detail(err), want);
}

Test(refuse, newer_version_is_refused_untouched)
{
	uint8_t v2[4];
	struct hb_header h;
	char want[32];
	int err;

	hb_put32(v2, HB_FORMAT_VERSION + 1);
	edit_header(8, v2, 4);
	err = resume_to_sink();
	cr_assert_eq(err, HB_EVERSION, "%s", hb_detail(err));
	snprintf(want, sizeof(want), "version %u", HB_FORMAT_VERSION + 1);
	cr_assert(strstr(hb_detail(err), want), "%s", hb_detail(err));
	/* a newer build may still restore it: this one must not spend it */
	hb_put32(v2, HB_FORMAT_VERSION);
	edit_header(8, v2, 4);
	cr_assert_eq(hb_inspect(target, &h), 0);
	cr_assert_not(h.spent);
}

Test(refuse, unknown_filter_is_named)
{
	size_t size, i;
	uint8_t *file = tu_read_file(img, &size);
	int err;

	/* find the stored name "crc32c" and rename it "crc99x" */
	for (i = HB_FIXED_LEN; i + 6 < HB_HEADER_AREA; i++) {
		if (memcmp(file + i, "crc32c", 6) == 0)
			break;
	}
	cr_assert_lt(i + 6, HB_HEADER_AREA);
	free(file);
	edit_header(i, "crc99x", 6);
	err = resume_to_sink();
	cr_assert_eq(err, HB_ENOPLUGIN, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "image needs crc99x"), "%s", hb_detail(err));
}

/* Records from another image, spliced in whole: the image id seeds each
 * record's checksum, so they do not pass. */
Test(refuse, records_of_another_image)
{
	struct hb_suspend_args s = { .source = "sim:mixed,size=256KiB,seed=3",
				     .filters = "zero,crc32c", .target = target };
	struct hb_stats st;
	size_t len_a, len_b;
	uint8_t *a, *b;
	int err;

	a = tu_read_file(pristine, &len_a);
	cr_assert_eq(hb_suspend(&s, &st), 0);  /* same content, new image id */
	b = tu_read_file(img, &len_b);
	cr_assert_eq(len_a, len_b);
	memcpy(b + HB_HEADER_AREA, a + HB_HEADER_AREA, len_a - HB_HEADER_AREA);
	tu_write_file(img, b, len_b);
	err = resume_to_sink();
	cr_assert_eq(err, HB_ECORRUPT, "%s", hb_detail(err));
	free(a);
	free(b);
}

Test(refuse, second_resume_finds_no_image)
{
	struct hb_header h;
	int err;

	cr_assert_eq(hb_inspect(target, &h), 0);
	cr_assert_not(h.spent);
	cr_assert_eq(resume_to_sink(), 0);
	cr_assert_eq(hb_inspect(target, &h), 0);
	cr_assert(h.spent);
	unlink(out);
	err = resume_to_sink();
	cr_assert_eq(err, HB_ENOIMAGE, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "already resumed"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(out));
}

Test(refuse, refused_image_is_spent)
{
	struct hb_header h;

	tu_flip(img, image_end() - 3, 1);
	cr_assert_eq(resume_to_sink(), HB_ECORRUPT);
	cr_assert_eq(hb_inspect(target, &h), 0);
	cr_assert(h.spent, "a refused image must never be restored later");
}

Test(refuse, invalidate)
{
	struct hb_header h;

	cr_assert_eq(hb_invalidate(target), 0);
	cr_assert_eq(hb_inspect(target, &h), 0);
	cr_assert(h.spent);
	cr_assert_eq(hb_invalidate(target), HB_ENOIMAGE);
	cr_assert_eq(resume_to_sink(), HB_ENOIMAGE);
}

/* Spending is a check-and-set: an image that changed on the target after
 * its header was loaded (another program wrote it) is neither spent nor
 * overwritten with the stale header; it stays whole and resumable. */
Test(refuse, spend_checks_the_header_is_still_the_one_loaded)
{
	struct hb_suspend_args s = { .source = "sim:mixed,size=256KiB,seed=4",
				     .filters = "zero,crc32c", .target = target };
	struct hb_resume_args r = { .target = target, .verify = true };
	struct hb_target t;
	struct hb_stats st;
	uint8_t *newer, *after;
	size_t newer_len, after_len;
	int err;

	/* a second image, of other pages, is what the target will hold */
	cr_assert_eq(hb_suspend(&s, &st), 0, "%s", hb_detail(-1));
	newer = tu_read_file(img, &newer_len);
	restore_pristine();
	cr_assert_eq(hb_target_load(&t, target), 0, "%s", hb_detail(-1));
	tu_write_file(img, newer, newer_len);
	err = hb_target_invalidate(&t);
	hb_target_close(&t);
	cr_assert_eq(err, HB_EBUSY, "%d: %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "changed on the target"), "%s", hb_detail(err));
	after = tu_read_file(img, &after_len);
	cr_assert(after_len == newer_len && memcmp(after, newer, newer_len) == 0,
		  "the newer image was written over");
	err = hb_resume(&r, &st);
	cr_assert_eq(err, 0, "the newer image no longer resumes: %s", hb_detail(err));
	free(newer);
	free(after);
}

/* Sizes a header gives are bounded by what a writer makes: a forged header
 * claiming 65536 chunks of 64 KiB pages (4 GiB a slot) is refused at once,
 * before anything is allocated for it, and so is one that holds no page. */
Test(refuse, forged_sizes_refused_before_use)
{
	uint8_t b[8];
	int err;

	hb_put32(b, 65536);
	/* the static section starts at 64: image_id, image_bytes (72), page_count
	 * (80), page_size (88), chunk_pages (92) */
	edit_header(88, b, 4);
	edit_header(92, b, 4);
	err = resume_to_sink();
	cr_assert_eq(err, HB_ECORRUPT, "%d: %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "bad chunk size 65536 pages of 65536 bytes"), "%s",
		  hb_detail(err));
	restore_pristine();
	hb_put64(b, 0);
	edit_header(72, b, 8);
	edit_header(80, b, 8);
	err = resume_to_sink();
	cr_assert_eq(err, HB_ECORRUPT, "%d: %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "no pages"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(out), "pages were restored from an empty image");
}

/* An empty source makes no image (no reader would take one), and the
 * target is not touched. */
Test(refuse, empty_source_makes_no_image)
{
	char empty[512], source[600], other[600];
	struct hb_suspend_args s = { .source = source, .target = other };
	struct hb_stats st;
	int err;

	tu_write_file(tu_path(empty, sizeof(empty), dir, "empty.raw"), "", 0);
	snprintf(source, sizeof(source), "file:%s", empty);
	snprintf(other, sizeof(other), "file:%s/other.img", dir);
	err = hb_suspend(&s, &st);
	cr_assert_eq(err, HB_EUSAGE, "%d: %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "is empty: nothing to suspend"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(other + 5), "a target was made for an empty source");
}

/* Reserved bytes and the unused rest of the header area are zero in what
 * this build writes; set, they mean a newer or foreign writer, whose image
 * would be misread: refused, inside the checksum (a reserved field) or past
 * it (the unused rest). */
Test(refuse, reserved_header_bytes_refused)
{
	static const size_t where[] = { 60, 4000 };
	uint8_t one = 1;
	size_t i;
	int err;

	for (i = 0; i < 2; i++) {
		restore_pristine();
		edit_header(where[i], &one, 1);
		err = resume_to_sink();
		cr_assert_eq(err, HB_EVERSION, "byte %zu: %d: %s", where[i], err, hb_detail(err));
		cr_assert(strstr(hb_detail(err), "reserved bytes are set"), "%s", hb_detail(err));
		cr_assert_not(tu_exists(out), "pages were restored");
	}
}
