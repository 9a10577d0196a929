/* hibernate.conf (bench/hibconf.c): the values a good file gives, and every
 * file that could let someone else choose what runs as root at boot, or
 * that says something hiblab cannot do, refused with its exact line. */
#include "swaputil.h"
#include "testutil.h"

#include "bench/hibconf.h"
#include "core/error.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256], conf_path[512];
static struct hb_hibconf conf;

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
	chmod(dir, 0700);
	tu_path(conf_path, sizeof(conf_path), dir, "hibernate.conf");
}

static void teardown(void)
{
	tu_rmdir(dir);
}

TestSuite(hibconf, .init = setup, .fini = teardown);

static void write_conf(const char *text, mode_t mode)
{
	tu_write_file(conf_path, text, strlen(text));
	cr_assert_eq(chmod(conf_path, mode), 0);
}

static void expect_refused(const char *text, const char *why)
{
	char want[700];
	int err;

	write_conf(text, 0644);
	err = hb_hibconf_read(conf_path, &conf);
	cr_assert_eq(err, HB_EUSAGE, "%d %s", err, hb_detail(err));
	snprintf(want, sizeof(want), "%s%s", conf_path, why);
	cr_assert_str_eq(hb_detail(err), want);
}

Test(hibconf, values)
{
	int err;

	write_conf("# hiblab\n\n  target = swap:/dev/vda2 \nfilters=zstd:level=1,aes-256-gcm\r\n"
		   "key = keyfile=/etc/hiblab/key\nenabled = yes\n", 0600);
	err = hb_hibconf_read(conf_path, &conf);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert(conf.enabled);
	cr_assert_str_eq(conf.target, "swap:/dev/vda2");
	cr_assert_str_eq(conf.swapfile, "");
	cr_assert_str_eq(conf.filters, "zstd:level=1,aes-256-gcm");
	cr_assert(conf.seals);
	cr_assert_str_eq(hb_hibconf_key_file(&conf), "/etc/hiblab/key");
}

Test(hibconf, disabled_and_passphrase)
{
	int err;

	write_conf("enabled = no\ntarget = swap:/dev/vdb\nfilters = lz4,aes-256-gcm\n"
		   "key = passphrase\n", 0644);
	err = hb_hibconf_read(conf_path, &conf);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert(!conf.enabled);
	cr_assert_null(hb_hibconf_key_file(&conf));
}

Test(hibconf, swapfile_resolved)
{
	char swapfile[600], text[800], want[1400];
	struct su_swap s = { .pages = 64, .fill = 1 };
	int err, fd;

	tu_path(swapfile, sizeof(swapfile), dir, "swapfile");
	su_make_swap(swapfile, &s);
	fd = open(swapfile, O_RDONLY);
	cr_assert(fd >= 0 && fsync(fd) == 0);
	close(fd);
	chmod(swapfile, 0600);
	snprintf(text, sizeof(text), "swapfile = %s\n", swapfile);
	write_conf(text, 0600);
	err = hb_hibconf_read(conf_path, &conf);
	if (err == HB_EUSAGE && strstr(hb_detail(err), "whose extent map"))
		cr_skip_test("%s", hb_detail(err));
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert(strncmp(conf.target, "swap:/dev/", 10) == 0, "%s", conf.target);
	cr_assert(strstr(conf.target, ",offset="), "%s", conf.target);
	/* the finder's refusal, behind the configuration's name */
	cr_assert_eq(truncate(swapfile, 1 << 20), 0);
	err = hb_hibconf_read(conf_path, &conf);
	snprintf(want, sizeof(want), "%s: swapfile = %s: has holes", conf_path, swapfile);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert(strncmp(hb_detail(err), want, strlen(want)) == 0, "%s", hb_detail(err));
}

Test(hibconf, unknown_key_names_its_line)
{
	expect_refused("target = swap:/dev/vda\n# a comment\n\nresume = /dev/vda\n",
		       ":4: unknown key 'resume' (known: enabled, target, swapfile, filters, key)");
}

Test(hibconf, line_without_equals)
{
	expect_refused("target swap:/dev/vda\n", ":1: expected 'key = value'");
}

Test(hibconf, key_set_twice)
{
	expect_refused("target = swap:/dev/vda\nfilters = lz4\ntarget = swap:/dev/vdb\n",
		       ":3: target set again (first on line 1)");
}

Test(hibconf, both_targets)
{
	expect_refused("target = swap:/dev/vda\nswapfile = /swapfile\n",
		       ": both target and swapfile: name one");
}

Test(hibconf, no_target)
{
	expect_refused("filters = lz4\n",
		       ": no target: set target = swap:/dev/DEV or swapfile = PATH");
}

Test(hibconf, bad_enabled)
{
	expect_refused("enabled = maybe\ntarget = swap:/dev/vda\n",
		       ": enabled = maybe: expected yes or no");
}

Test(hibconf, cipher_without_key)
{
	expect_refused("target = swap:/dev/vda\nfilters = aes-256-gcm\n",
		       ": the filters encrypt but no key is set: key = keyfile=PATH, "
		       "passfile=PATH or passphrase");
}

Test(hibconf, key_without_cipher)
{
	expect_refused("target = swap:/dev/vda\nkey = keyfile=/k\n",
		       ": a key but no cipher in the filters (add aes-256-gcm)");
}

Test(hibconf, bad_key_form)
{
	expect_refused("target = swap:/dev/vda\nfilters = aes-256-gcm\nkey = /etc/key\n",
		       ": key = /etc/key: expected keyfile=PATH, passfile=PATH or passphrase");
}

Test(hibconf, unknown_filter)
{
	int err;

	write_conf("target = swap:/dev/vda\nfilters = lz4,pink\n", 0644);
	err = hb_hibconf_read(conf_path, &conf);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert(strstr(hb_detail(err), ": filters: --filters: unknown filter 'pink'"), "%s",
		  hb_detail(err));
}

Test(hibconf, writable_by_others)
{
	int err;

	write_conf("target = swap:/dev/vda\n", 0646);
	err = hb_hibconf_read(conf_path, &conf);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert(strstr(hb_detail(err), ": writable by group or others, and it decides what "
					 "runs as root at boot: chmod go-w it"), "%s", hb_detail(err));
}

Test(hibconf, directory_writable_by_others)
{
	int err;

	write_conf("target = swap:/dev/vda\n", 0644);
	cr_assert_eq(chmod(dir, 0777), 0);
	err = hb_hibconf_read(conf_path, &conf);
	chmod(dir, 0700);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert(strstr(hb_detail(err), "is writable by group or others (without the sticky "
					 "bit): anyone there can replace it"), "%s", hb_detail(err));
}

Test(hibconf, symlink_refused)
{
	char link[600];
	int err;

	write_conf("target = swap:/dev/vda\n", 0644);
	tu_path(link, sizeof(link), dir, "link.conf");
	cr_assert_eq(symlink(conf_path, link), 0);
	err = hb_hibconf_read(link, &conf);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert(strstr(hb_detail(err), "link.conf: a symlink: name the configuration file "
					 "itself"), "%s", hb_detail(err));
}

Test(hibconf, huge_refused)
{
	static char big[HB_HIBCONF_MAX_BYTES + 2];
	int err;

	memset(big, '#', sizeof(big) - 1);
	tu_write_file(conf_path, big, sizeof(big) - 1);
	err = hb_hibconf_read(conf_path, &conf);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert(strstr(hb_detail(err), ": 65537 bytes, more than a configuration's 65536"),
		  "%s", hb_detail(err));
}

Test(hibconf, nul_byte_refused)
{
	int err;

	tu_write_file(conf_path, "target = swap:/dev/vda\n\0x\n", 26);
	err = hb_hibconf_read(conf_path, &conf);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert(strstr(hb_detail(err), ": holds a NUL byte: not a text file"), "%s",
		  hb_detail(err));
}

Test(hibconf, missing_file)
{
	char none[600];
	int err;

	tu_path(none, sizeof(none), dir, "none.conf");
	err = hb_hibconf_read(none, &conf);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert(strstr(hb_detail(err), "none.conf: No such file or directory"), "%s",
		  hb_detail(err));
}

Test(hibconf, initramfs_target_checked)
{
	char boot[600], want[1400];
	int err;

	write_conf("target = swap:/dev/vda,offset=200\n", 0644);
	cr_assert_eq(hb_hibconf_read(conf_path, &conf), 0);
	tu_path(boot, sizeof(boot), dir, "initramfs.conf");
	cr_assert_eq(hb_hibconf_check_initramfs(&conf, boot), 0, "no initramfs configuration");
	tu_write_file(boot, "target = swap:/dev/vda,offset=200\n", 34);
	chmod(boot, 0644);
	err = hb_hibconf_check_initramfs(&conf, boot);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	tu_write_file(boot, "target = swap:/dev/vda,offset=100\n", 34);
	err = hb_hibconf_check_initramfs(&conf, boot);
	cr_assert_eq(err, HB_EUSAGE);
	snprintf(want, sizeof(want), "%s: the initramfs resumes from swap:/dev/vda,offset=100, but "
		 "the image would go to swap:/dev/vda,offset=200: run hiblab setup", boot);
	cr_assert_str_eq(hb_detail(err), want);
}
