/* block: a preallocated file and, where the machine allows, a loop device:
 * round trips, the size limit (refused up front when no filter can shrink
 * the image, or an overflow that keeps no image), an old image dropped at
 * open, a target that is not ours left untouched, and one holding a file
 * system or partition table (libblkid) refused unless forced. */
#include "swaputil.h"
#include "testutil.h"

#include "core/engine.h"
#include "core/error.h"
#include "core/format.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256], img[512], target[600], rnd[512], rnd_src[600];

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
	tu_path(img, sizeof(img), dir, "b.img");
	tu_path(rnd, sizeof(rnd), dir, "random.raw");
	snprintf(target, sizeof(target), "block:%s", img);
	snprintf(rnd_src, sizeof(rnd_src), "file:%s", rnd);
}

static void teardown(void)
{
	tu_rmdir(dir);
}

TestSuite(block, .init = setup, .fini = teardown);

static int suspend(const char *source, const char *filters, const char *to)
{
	struct hb_suspend_args a = { .source = source, .filters = filters, .target = to };
	struct hb_stats st;

	return hb_suspend(&a, &st);
}

static int resume_verify(const char *from)
{
	struct hb_resume_args a = { .target = from, .verify = true };
	struct hb_stats st;

	return hb_resume(&a, &st);
}

/* Random (incompressible) pages: filters cannot shrink them. */
static void random_source(size_t bytes)
{
	tu_write_random(rnd, bytes, 88172645463325252ull);
}

static void roundtrip_on(const char *to)
{
	struct hb_header h;
	int err;

	err = suspend("sim:mixed,size=2MiB,seed=4", "zero,crc32c", to);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(hb_inspect(to, &h), 0, "%s", hb_detail(HB_EIO));
	cr_assert_not(h.spent);
	err = resume_verify(to);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	err = resume_verify(to);
	cr_assert_eq(err, HB_ENOIMAGE, "second resume: %d %s", err, hb_detail(err));
	/* raw pages: exactly the size the header announces */
	err = suspend("sim:text,size=1MiB,seed=5", NULL, to);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	err = resume_verify(to);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
}

Test(block, preallocated_file)
{
	su_fill_file(img, 8u << 20, 0);
	roundtrip_on(target);
	cr_assert_eq(tu_file_size(img), 8u << 20, "block: must never grow a file");
}

Test(block, file_of_odd_size)
{
	su_fill_file(img, (8u << 20) + 1234, 0);
	roundtrip_on(target);
	cr_assert_eq(tu_file_size(img), (8u << 20) + 1234);
}

Test(block, loop_device)
{
	char dev[64], to[80];

	su_fill_file(img, 8u << 20, 0);
	if (su_loop_attach(img, 0, dev, sizeof(dev)) != 0)
		cr_skip("skipped: no loop devices");
	snprintf(to, sizeof(to), "block:%s", dev);
	roundtrip_on(to);
	su_loop_detach(dev);
}

Test(block, loop_device_4k_sectors)
{
	char dev[64], to[80];

	su_fill_file(img, 8u << 20, 0);
	if (su_loop_attach(img, 4096, dev, sizeof(dev)) != 0)
		cr_skip("skipped: no loop devices");
	snprintf(to, sizeof(to), "block:%s", dev);
	roundtrip_on(to);
	su_loop_detach(dev);
}

/* Without filters the size is exact: refused before anything is written. */
Test(block, too_small_refused_up_front_untouched)
{
	size_t len_before, len_after;
	uint8_t *before, *after;
	int err;

	random_source(1u << 20);
	tu_copy_file(rnd, img);  /* a target full of someone's bytes */
	before = tu_read_file(img, &len_before);
	err = suspend("sim:mixed,size=2MiB,seed=1", NULL, target);
	cr_assert_eq(err, HB_ENOSPACE, "%d %s", err, hb_detail(err));
	cr_assert_eq(hb_exit_code(err), 1);
	cr_assert(strstr(hb_detail(err), "image needs 2.0 MiB"), "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "has room for 1.0 MiB"), "%s", hb_detail(err));
	after = tu_read_file(img, &len_after);
	cr_assert_eq(len_before, len_after);
	cr_assert_eq(memcmp(before, after, len_before), 0, "a refused target was written");
	free(before);
	free(after);
}

Test(block, exact_fit)
{
	/* 512 pages + 16 record headers, rounded up to 4 KiB, plus the header area */
	size_t need = 4096 + ((512u * 4096 + 16 * 24 + 4095) / 4096) * 4096;
	int err;

	su_fill_file(img, need, 0);
	err = suspend("sim:mixed,size=2MiB,seed=1", NULL, target);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(resume_verify(target), 0);
	su_fill_file(img, need - 4096, 0);
	err = suspend("sim:mixed,size=2MiB,seed=1", NULL, target);
	cr_assert_eq(err, HB_ENOSPACE, "%s", hb_detail(err));
}

/* Filters that cannot shrink anything (checksums: exact_size) leave the size
 * known too: 64 MiB is refused by an 8 MiB target before a byte is written. */
Test(block, checksum_only_chain_refused_up_front_untouched)
{
	static const char *const chains[] = { "crc32c", "crc32c,sha256" };
	size_t len_before, len_after;
	uint8_t *before, *after;
	unsigned i;
	int err;

	random_source(8u << 20);
	tu_copy_file(rnd, img);
	before = tu_read_file(img, &len_before);
	for (i = 0; i < 2; i++) {
		err = suspend("sim:mixed,size=64MiB,seed=1", chains[i], target);
		cr_assert_eq(err, HB_ENOSPACE, "%s: %d %s", chains[i], err, hb_detail(err));
		cr_assert_eq(hb_exit_code(err), 1);
		cr_assert(strstr(hb_detail(err), "image needs 64."), "%s", hb_detail(err));
		cr_assert(strstr(hb_detail(err), "has room for 8.0 MiB"), "%s", hb_detail(err));
		after = tu_read_file(img, &len_after);
		cr_assert_eq(len_before, len_after);
		cr_assert_eq(memcmp(before, after, len_before), 0, "%s: a refused target was "
			     "written", chains[i]);
		free(after);
	}
	free(before);
}

/* A filter that may shrink the image: the suspend is attempted, and either
 * fits or overflows (keeping no image). */
Test(block, shrinking_chain_still_attempted)
{
	int err;

	su_fill_file(img, 8u << 20, 0);
	err = suspend("sim:zero,size=64MiB,seed=1", "zero,crc32c", target);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(resume_verify(target), 0);
	err = suspend("sim:mixed,size=64MiB,seed=1", "lz4,crc32c", target);
	cr_assert_eq(err, HB_ENOSPACE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "does not fit"), "attempted, then overflowed: %s",
		  hb_detail(err));
}

/* With filters the size is not known until written: an overflow keeps no image. */
Test(block, overflow_keeps_no_image)
{
	struct hb_header h;
	int err;

	random_source(3u << 20);
	su_fill_file(img, 2u << 20, 0);
	err = suspend(rnd_src, "zero,crc32c", target);
	cr_assert_eq(err, HB_ENOSPACE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "does not fit"), "%s", hb_detail(err));
	err = hb_inspect(target, &h);
	cr_assert_eq(err, HB_ENOIMAGE, "%d %s", err, hb_detail(err));
	cr_assert_eq(tu_file_size(img), 2u << 20);
}

/* Opening for a new image drops the old one: a failed suspend never leaves a
 * stale image to be resumed. */
Test(block, old_image_gone_after_failed_suspend)
{
	struct hb_header h;
	int err;

	su_fill_file(img, 2u << 20, 0);
	cr_assert_eq(suspend("sim:mixed,size=1MiB,seed=1", "zero", target), 0);
	cr_assert_eq(hb_inspect(target, &h), 0);
	random_source(3u << 20);
	err = suspend(rnd_src, "zero", target);
	cr_assert_eq(err, HB_ENOSPACE, "%s", hb_detail(err));
	err = resume_verify(target);
	cr_assert_eq(err, HB_ENOIMAGE, "%d %s", err, hb_detail(err));
}

Test(block, too_small_for_a_header)
{
	int err;

	su_fill_file(img, 4096, 0x11);
	err = suspend("sim:mixed,size=64KiB", NULL, target);
	cr_assert_eq(err, HB_ENOSPACE, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "too small"), "%s", hb_detail(err));
	cr_assert(su_page_is(img, 0, 4096, 0x11));
}

Test(block, missing_and_wrong_targets)
{
	char to[600];
	int err;

	snprintf(to, sizeof(to), "block:%s/none", dir);
	err = suspend("sim:mixed,size=64KiB", NULL, to);
	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "does not exist"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(to + 6), "block: must not create files");
	err = resume_verify(to);
	cr_assert_eq(err, HB_ENOIMAGE, "%s", hb_detail(err));
	snprintf(to, sizeof(to), "block:%s", dir);
	err = suspend("sim:mixed,size=64KiB", NULL, to);
	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "not a block device or a regular file"), "%s",
		  hb_detail(err));
	err = suspend("sim:mixed,size=64KiB", NULL, "block:/dev/null");
	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
}

/* file: and block: are one writer that differs in open and abort: file:
 * takes only a regular file, on save and on load, and a failed save removes
 * the file it made, where block: only wipes its header. */
Test(block, file_takes_regular_files_only)
{
	struct hb_header h;
	char to[600];
	int err;

	err = suspend("sim:mixed,size=64KiB", NULL, "file:/dev/null");
	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "not a regular file (for a device use block:)"), "%s",
		  hb_detail(err));
	err = hb_inspect("file:/dev/null", &h);
	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "not a regular file (for a device use block:)"), "%s",
		  hb_detail(err));
	snprintf(to, sizeof(to), "file:%s,direct=no", img);
	cr_assert_eq(suspend("sim:mixed,size=64KiB", NULL, to), 0, "%s", hb_detail(HB_EIO));
	/* the header area, then one record padded to 4 KiB */
	cr_assert_eq(tu_file_size(img), 4096 + 69632, "%lld", (long long)tu_file_size(img));
	cr_assert_eq(hb_inspect(to, &h), 0, "%s", hb_detail(HB_EIO));
	snprintf(to, sizeof(to), "file:%s,buffer=5000", img);
	err = suspend("sim:mixed,size=64KiB", NULL, to);
	cr_assert_eq(err, HB_EUSAGE, "%s", hb_detail(err));
	cr_assert(tu_exists(img), "a refused open removes nothing");
}

Test(block, foreign_content_is_not_an_image)
{
	int err;

	su_fill_file(img, 1u << 20, 0x5a);
	err = resume_verify(target);
	cr_assert_eq(err, HB_EFOREIGN, "%d %s", err, hb_detail(err));
	cr_assert(su_page_is(img, 0, 4096, 0x5a));
	err = hb_invalidate(target);
	cr_assert_eq(err, HB_EFOREIGN, "%d %s", err, hb_detail(err));
	cr_assert(su_page_is(img, 0, 4096, 0x5a), "invalidate touched a foreign header");
}

Test(block, invalidate_and_damaged_header)
{
	struct hb_header h;
	int err;

	su_fill_file(img, 4u << 20, 0);
	cr_assert_eq(suspend("sim:mixed,size=1MiB,seed=2", "zero", target), 0);
	cr_assert_eq(hb_invalidate(target), 0);
	cr_assert_eq(hb_inspect(target, &h), 0);
	cr_assert(h.spent);
	cr_assert_eq(hb_invalidate(target), HB_ENOIMAGE);
	/* a damaged header behind hiblab's signature: invalidate still spends it */
	cr_assert_eq(suspend("sim:mixed,size=1MiB,seed=2", "zero", target), 0);
	tu_flip(img, 100, 0x04);
	err = resume_verify(target);
	cr_assert_eq(err, HB_ECORRUPT, "%d %s", err, hb_detail(err));
	err = hb_invalidate(target);
	cr_assert_eq(err, 0, "%d %s", err, hb_detail(err));
	tu_flip(img, 100, 0x04);  /* repaired: it must still never resume */
	err = resume_verify(target);
	cr_assert_eq(err, HB_ENOIMAGE, "%d %s", err, hb_detail(err));
}

Test(block, direct_no)
{
	char to[600];

	su_fill_file(img, 4u << 20, 0);
	snprintf(to, sizeof(to), "block:%s,direct=no", img);
	roundtrip_on(to);
}

/* tmpfs refused O_DIRECT before Linux 6.6; either way the image is right. */
Test(block, on_tmpfs)
{
	char path[64] = "/dev/shm/hiblab-block-XXXXXX", to[80];
	int fd = mkstemp(path);

	if (fd < 0)
		cr_skip("skipped: no /dev/shm");
	close(fd);
	su_fill_file(path, 4u << 20, 0);
	snprintf(to, sizeof(to), "block:%s", path);
	roundtrip_on(to);
	unlink(path);
}

/* ---- signatures block: did not write (libblkid) --------------------------- */

/* A preallocated file with an ext4 file system on it (mkfs.ext4). */
static void make_ext4(const char *path)
{
	su_fill_file(path, 8u << 20, 0);
	if (!su_have("mkfs.ext4"))
		cr_skip("skipped: no mkfs.ext4 (e2fsprogs; scripts/deps.sh installs it)");
	cr_assert_eq(su_sh("mkfs.ext4 -q -F '%s' >/dev/null 2>&1", path), 0, "mkfs.ext4 failed");
}

/* A preallocated file with an MBR (dos) partition table, written by hand:
 * one Linux partition over the whole 8 MiB from sector 2048. */
static void make_mbr(const char *path)
{
	uint8_t sector[512] = { 0 };
	uint8_t *entry = sector + 446;
	FILE *f;

	su_fill_file(path, 8u << 20, 0);
	entry[4] = 0x83;  /* type: Linux */
	entry[8 + 1] = 0x08;  /* first LBA: 2048, little-endian */
	entry[12 + 1] = 0x38;  /* sectors: 14336 = 0x3800 */
	sector[510] = 0x55;
	sector[511] = 0xaa;
	f = fopen(path, "r+b");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(sector, 1, sizeof(sector), f), sizeof(sector));
	cr_assert_eq(fclose(f), 0);
}

/* A suspend to a target holding what, refused (exit 2, naming it) with the
 * target byte for byte as it was; then with force=yes, it goes on. */
static void refused_unless_forced(const char *what)
{
	char forced[640];
	size_t len_before, len_after;
	uint8_t *before, *after;
	int err;

	before = tu_read_file(img, &len_before);
	err = suspend("sim:mixed,size=1MiB,seed=6", "zero,crc32c", target);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert_eq(hb_exit_code(err), 2);
	cr_assert(strstr(hb_detail(err), what), "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "(blkid); use force=yes to overwrite it"), "%s",
		  hb_detail(err));
	after = tu_read_file(img, &len_after);
	cr_assert_eq(len_before, len_after);
	cr_assert_eq(memcmp(before, after, len_before), 0, "a refused target was written");
	free(before);
	free(after);

	snprintf(forced, sizeof(forced), "%s,force=yes", target);
	err = suspend("sim:mixed,size=1MiB,seed=6", "zero,crc32c", forced);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	err = resume_verify(target);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
}

Test(block, ext4_refused_unless_forced)
{
	make_ext4(img);
	refused_unless_forced("holds an ext4 file system");
}

Test(block, partition_table_refused_unless_forced)
{
	make_mbr(img);
	refused_unless_forced("holds a dos partition table");
}

/* The same on a device, opened O_DIRECT: blkid still reads it. */
Test(block, ext4_on_loop_device_refused)
{
	char dev[64], to[96];
	int err;

	make_ext4(img);
	if (su_loop_attach(img, 0, dev, sizeof(dev)) != 0)
		cr_skip("skipped: no loop devices");
	snprintf(to, sizeof(to), "block:%s,direct=yes", dev);
	err = suspend("sim:mixed,size=1MiB,seed=6", NULL, to);
	su_loop_detach(dev);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "holds an ext4 file system (blkid)"), "%s",
		  hb_detail(err));
}

/* What block: wrote itself, or nothing blkid knows, is written over as before:
 * zeros, random bytes, an image (valid or spent). */
Test(block, own_image_and_unrecognised_bytes_go_on)
{
	int err;

	su_fill_file(img, 4u << 20, 0);
	err = suspend("sim:mixed,size=1MiB,seed=7", "zero", target);
	cr_assert_eq(err, 0, "zeros: %s", hb_detail(err));
	err = suspend("sim:mixed,size=1MiB,seed=8", "zero", target);
	cr_assert_eq(err, 0, "over a valid image: %s", hb_detail(err));
	cr_assert_eq(resume_verify(target), 0);
	err = suspend("sim:mixed,size=1MiB,seed=9", "zero", target);
	cr_assert_eq(err, 0, "over a spent image: %s", hb_detail(err));
	cr_assert_eq(resume_verify(target), 0);
	random_source(4u << 20);
	tu_copy_file(rnd, img);
	err = suspend("sim:mixed,size=1MiB,seed=10", "zero", target);
	cr_assert_eq(err, 0, "random bytes: %s", hb_detail(err));
	cr_assert_eq(resume_verify(target), 0);
}
