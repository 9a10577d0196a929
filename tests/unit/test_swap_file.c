/* hb_swap_file_locate: a swap file made like `dd; mkswap` on this machine's
 * file system is found at the device offset where its bytes really are;
 * symlinks, directories, holes, files without a swap header and files on
 * a file system without a device are refused with one line saying why. */
#include "swaputil.h"
#include "testutil.h"

#include "backends/swap_file.h"
#include "core/error.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define PS 4096u
#define PAGES 256u

static char dir[256], swapfile[512];

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
	tu_path(swapfile, sizeof(swapfile), dir, "swapfile");
}

static void teardown(void)
{
	tu_rmdir(dir);
}

TestSuite(swap_file, .init = setup, .fini = teardown);

static void make_swapfile(const char *path)
{
	struct su_swap s = { .pages = PAGES, .fill = 0x5a };
	int fd;

	su_make_swap(path, &s);
	fd = open(path, O_RDONLY);
	cr_assert(fd >= 0 && fsync(fd) == 0);
	close(fd);
	chmod(path, 0600);
}

static void expect_refused(const char *path, const char *why)
{
	struct hb_swap_file sf;
	int err;

	hb_clear_detail();
	err = hb_swap_file_locate(path, &sf);
	cr_assert_eq(err, HB_EUSAGE, "%s: %d %s", path, err, hb_detail(err));
	cr_assert(strncmp(hb_detail(err), path, strlen(path)) == 0, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), why), "expected '%s' in: %s", why, hb_detail(err));
}

/* ext2/3/4 and xfs are where the finder works; elsewhere the test skips. */
static int on_trusted_fs(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 &&
	       ((unsigned long)sf.f_type == 0xEF53ul || (unsigned long)sf.f_type == 0x58465342ul);
}

Test(swap_file, found_where_its_bytes_are)
{
	struct hb_swap_file sf;
	uint8_t *mine, dev_page[PS];
	int err, fd;

	if (!on_trusted_fs(dir))
		cr_skip_test("%s is not on ext2/3/4 or xfs", dir);
	make_swapfile(swapfile);
	err = hb_swap_file_locate(swapfile, &sf);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert(strncmp(sf.device, "/dev/", 5) == 0, "%s", sf.device);
	cr_assert_eq(sf.pages, PAGES);
	cr_assert_eq(sf.page_size, PS);
	cr_assert(sf.offset > 0);
	/* where the device can be read (root), its page there is the header */
	fd = open(sf.device, O_RDONLY);
	if (fd < 0)
		return;
	cr_assert_eq(pread(fd, dev_page, PS, (off_t)(sf.offset * PS)), (ssize_t)PS);
	close(fd);
	mine = su_page(swapfile, 0, PS);
	cr_assert(memcmp(mine, dev_page, PS) == 0, "page %llu of %s is not the swap header",
		  (unsigned long long)sf.offset, sf.device);
	free(mine);
}

Test(swap_file, symlink_refused)
{
	char link[600];

	make_swapfile(swapfile);
	tu_path(link, sizeof(link), dir, "link");
	cr_assert_eq(symlink(swapfile, link), 0);
	expect_refused(link, "a symlink: name the swap file itself");
}

Test(swap_file, directory_refused)
{
	expect_refused(dir, "not a regular file");
}

Test(swap_file, holes_refused)
{
	uint8_t *page;

	if (!on_trusted_fs(dir))
		cr_skip_test("%s is not on ext2/3/4 or xfs", dir);
	make_swapfile(swapfile);
	page = su_page(swapfile, 0, PS);
	/* the header page alone, then a sparse tail: truncate's kind of file */
	cr_assert_eq(truncate(swapfile, 0), 0);
	tu_write_file(swapfile, page, PS);
	cr_assert_eq(truncate(swapfile, (off_t)PAGES * PS), 0);
	free(page);
	expect_refused(swapfile, "has holes (bytes from 4096 on are not allocated)");
}

Test(swap_file, no_swap_header_refused)
{
	su_fill_file(swapfile, (size_t)PAGES * PS, 0);
	expect_refused(swapfile, "no SWAPSPACE2 signature; run mkswap");
}

Test(swap_file, missing_refused)
{
	char none[600];

	tu_path(none, sizeof(none), dir, "none");
	expect_refused(none, "No such file or directory");
}

Test(swap_file, tmpfs_refused)
{
	char path[128];
	struct statfs sf;
	struct hb_swap_file found;
	int err;

	if (statfs("/dev/shm", &sf) != 0 || (unsigned long)sf.f_type != 0x01021994ul)
		cr_skip_test("no tmpfs at /dev/shm");
	snprintf(path, sizeof(path), "/dev/shm/hiblab-swapfile-%d", (int)getpid());
	make_swapfile(path);
	err = hb_swap_file_locate(path, &found);
	unlink(path);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert(strstr(hb_detail(err), "on tmpfs or ramfs, which has no device"), "%s",
		  hb_detail(err));
}
