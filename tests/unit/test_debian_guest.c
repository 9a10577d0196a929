/* guest = debian without booting it (bench/run_debian.c): the guest's files,
 * the kernel command line of each boot, the swap file's place and the
 * guest's own checks, read from the lines it prints.  The real boots are
 * `make debian-test`. */
#include "swaputil.h"
#include "testutil.h"

#include "bench/run_qemu.h"
#include "core/error.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];
static struct scn_run run;
static struct qrun q;
static struct scn_result res;

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
	setenv("HIBLAB_DEBIAN_GUEST", dir, 1);
	run = (struct scn_run){ .kernel = true, .guest_mem = 512ull << 20, .debian = true,
				.workload = { .profile = "mixed", .mib = 64, .seed = 1 } };
	q = (struct qrun){ .r = &run };
	snprintf(q.console, sizeof(q.console), "/r/console/run-0-cycle-1.log");
	memset(&res, 0, sizeof(res));
}

static void teardown(void)
{
	unsetenv("HIBLAB_DEBIAN_GUEST");
	tu_rmdir(dir);
}

TestSuite(debian_guest, .init = setup, .fini = teardown);

/* what the runner gives a boot (bench/run_qemu.c): a qemu that does not
 * exist, so that a prime boot fails at once instead of booting */
static void setup_machine(void)
{
	snprintf(q.accel, sizeof(q.accel), "tcg");
	q.m = (struct hb_qemu_machine){ .qemu = "/nonexistent/qemu-system-x86_64", .kernel = q.kernel,
					.disk = q.disk, .mem_mib = 512, .vcpus = 1,
					.append = q.append, .console = q.console, .timeout_s = 5 };
}

static void put(const char *name, const char *text)
{
	char path[400];

	tu_write_file(tu_path(path, sizeof(path), dir, name), text, strlen(text));
}

Test(debian_guest, a_hiblab_chain_waits_for_the_package_with_its_initramfs_script)
{
	char why[200] = "", path[400];

	setup_machine();

	cr_assert_eq(scn_debian_setup(&q, why, sizeof(why)), HB_EUSAGE, "no image: make debian-guest");
	put("vmlinuz", "k");
	put("initrd.img", "i");
	put("root.img", "r");
	cr_assert_eq(scn_debian_setup(&q, why, sizeof(why)), 0, "the kernel's side needs no hiblab");
	cr_assert(strstr(q.root_img, "/root.img"));
	run.kernel = false;
	put("hiblab.txt", "binary build/hiblab in /usr/local/bin\n");
	cr_assert_eq(scn_debian_setup(&q, why, sizeof(why)), 1);
	cr_assert_str_eq(why, "needs the hiblab package with its systemd and initramfs integration "
			      "(make deb)");
	put("hiblab.txt", "package hiblab_0.1_amd64.deb\n");
	cr_assert_eq(scn_debian_setup(&q, why, sizeof(why)), 1, "a package without the script");
	put("hiblab.txt", "package hiblab_0.1_amd64.deb "
			  "/usr/share/initramfs-tools/scripts/local-premount/hiblab\n");
	/* with the package the image is primed first; a qemu that cannot
	 * start fails that whole, and leaves nothing that looks primed */
	cr_assert_eq(scn_debian_setup(&q, why, sizeof(why)), HB_EIO);
	cr_assert(strstr(hb_detail(HB_EIO), "cannot run /nonexistent/qemu-system-x86_64"), "%s",
		  hb_detail(HB_EIO));
	cr_assert_neq(access(tu_path(path, sizeof(path), dir, "primed.img"), F_OK), 0);
	cr_assert_neq(access(tu_path(path, sizeof(path), dir, "primed.img.tmp"), F_OK), 0);
	cr_assert_neq(access(tu_path(path, sizeof(path), dir, "primed.stamp"), F_OK), 0);
	cr_assert(strstr(q.root_img, "/root.img"), "%s", q.root_img);
}

Test(debian_guest, a_primed_image_is_used_while_its_stamp_names_the_image)
{
	char why[200] = "", stamp[160], path[400];

	setup_machine();
	put("vmlinuz", "k");
	put("initrd.img", "i");
	put("root.img", "r");
	put("hiblab.txt", "package hiblab_0.1_amd64.deb "
			  "/usr/share/initramfs-tools/scripts/local-premount/hiblab\n");
	put("primed.img", "p");
	put("primed-initrd.img", "pi");
	cr_assert_eq(scn_debian_prime_stamp(tu_path(path, sizeof(path), dir, "root.img"), stamp,
					    sizeof(stamp)), 0);
	cr_assert(strstr(stamp, "root.img 1 "), "%s", stamp);
	put("primed.stamp", stamp);
	cr_assert_eq(scn_debian_setup(&q, why, sizeof(why)), 0, "%s", hb_detail(HB_EIO));
	cr_assert(strstr(q.root_img, "/primed.img"), "%s", q.root_img);
	cr_assert(strstr(q.initrd, "/primed-initrd.img"), "%s", q.initrd);
	/* make debian-guest built another image: primed again (here: fails) */
	put("root.img", "r2");
	cr_assert_eq(scn_debian_setup(&q, why, sizeof(why)), HB_EIO);
	cr_assert_eq(scn_debian_prime_stamp("/nonexistent/root.img", stamp, sizeof(stamp)), HB_EIO);
}

Test(debian_guest, only_the_kernels_resume_boot_names_the_swap_file)
{
	q.swap_page = 102400;
	scn_debian_append(&q, "suspend");
	cr_assert(strstr(q.append, "root=/dev/vda rw hb_boot=suspend hb_role=kernel "));
	cr_assert(strstr(q.append, " hb_mib=64 hb_profile=mixed hb_seed=1 hb_swap_mib=512"));
	cr_assert_null(strstr(q.append, "resume="), "%s", q.append);
	scn_debian_append(&q, "resume");
	cr_assert(strstr(q.append, " resume=/dev/vda resume_offset=102400"), "%s", q.append);
	run.kernel = false;
	scn_debian_append(&q, "resume");
	cr_assert(strstr(q.append, "hb_role=hiblab"));
	cr_assert_null(strstr(q.append, "resume="), "hiblab finds its target in its configuration");
	cr_assert(strstr(q.append, " HIBLAB_PHASE_MARKS=/dev/console"), "%s", q.append);
}

Test(debian_guest, the_swap_file_is_where_the_guest_says)
{
	struct hb_qemu_boot b = { .start = 1 };

	cr_assert_neq(scn_debian_booted(&q, &b), 0, "no HIBLAB-BOOTED line");
	snprintf(b.text[HB_QM_BOOTED], sizeof(b.text[0]),
		 "HIBLAB-BOOTED boot=suspend role=kernel swapfile_offset=none");
	cr_assert_neq(scn_debian_booted(&q, &b), 0, "no swap file");
	snprintf(b.text[HB_QM_BOOTED], sizeof(b.text[0]),
		 "HIBLAB-BOOTED boot=suspend role=kernel swapfile_offset=102400");
	cr_assert_eq(scn_debian_booted(&q, &b), 0);
	cr_assert_eq(q.swap_page, 102400);
}

static int done(const char *line)
{
	struct hb_qemu_boot b = { .start = 1 };

	if (line) {
		b.seen[HB_QM_DONE] = 2;
		snprintf(b.text[HB_QM_DONE], sizeof(b.text[0]), "%s", line);
	}
	return scn_debian_done(&q, &b, &res);
}

Test(debian_guest, the_guests_checks_decide_the_verdict)
{
	cr_assert_eq(done("HIBLAB-DONE workload=ok sqlite=ok system=running failed=none"), 1);
	cr_assert_eq(done(NULL), 0);
	cr_assert_eq(res.verdict, SCN_VERDICT_CRASH);
	cr_assert(strstr(res.reason, "no HIBLAB-DONE line"));
	cr_assert_eq(done("HIBLAB-DONE workload=ok sqlite=mismatch:1|2/1|3 system=running "
			  "failed=none"), 0);
	cr_assert_eq(res.verdict, SCN_VERDICT_WRONG, "the database came back different");
	cr_assert_str_eq(res.reason, "the sqlite3 database after the resume: mismatch:1|2/1|3");
	cr_assert_eq(done("HIBLAB-DONE workload=ok sqlite=ok system=degraded "
			  "failed=systemd-journald.service"), 0);
	cr_assert_eq(res.verdict, SCN_VERDICT_CRASH, "the system did not come back whole");
	cr_assert_str_eq(res.reason, "after the resume systemctl is-system-running says degraded; "
				     "failed units: systemd-journald.service");
}

/* hiblab's resume boots the initrd the guest's hiblab setup wrote, read off
 * the cycle's disk (an ext4 image, as the guest's root is); the kernel's
 * side, and every suspend boot, the image's own. */
Test(debian_guest, hiblabs_resume_boots_the_initrd_its_setup_wrote)
{
	static const char release[] = "6.1.0-57-cloud-amd64";
	struct scn_runner rn = { .scratch = "" };
	struct hb_qemu_boot b = { .start = 1 };
	char tree[300], want_path[400];
	uint8_t *want, *got;
	size_t n, m;

	if (!su_have("mkfs.ext4") || !su_have("debugfs"))
		cr_skip("skipped: no mkfs.ext4 or debugfs (e2fsprogs)");
	tu_path(tree, sizeof(tree), dir, "tree");
	cr_assert_eq(su_sh("mkdir -p '%s/boot'", tree), 0);
	snprintf(want_path, sizeof(want_path), "%s/boot/initrd.img-%s", tree, release);
	tu_write_random(want_path, 3 * 4096 + 100, 7);
	tu_path(q.disk, sizeof(q.disk), dir, "run-0.disk");
	cr_assert_eq(su_sh("mkfs.ext4 -q -F -d '%s' '%s' 8M >/dev/null 2>&1", tree, q.disk), 0);
	snprintf(rn.scratch, sizeof(rn.scratch), "%s", dir);
	snprintf(q.initrd, sizeof(q.initrd), "%s/initrd.img", dir);
	q.rn = &rn;
	run.kernel = false;
	snprintf(b.text[HB_QM_BOOTED], sizeof(b.text[0]),
		 "HIBLAB-BOOTED boot=suspend role=hiblab swapfile_offset=102400");
	b.seen[HB_QM_SUSPEND_START] = 2;
	snprintf(b.kernel_release, sizeof(b.kernel_release), "%s", release);
	cr_assert_eq(scn_debian_booted(&q, &b), 0, "%s", hb_detail(HB_EIO));
	want = tu_read_file(want_path, &n);
	got = tu_read_file(q.own_initrd, &m);
	cr_assert(n == m && memcmp(want, got, n) == 0, "the guest's initrd, byte for byte");
	free(want);
	free(got);
	scn_debian_append(&q, "resume");
	cr_assert_str_eq(q.m.initrd, q.own_initrd);
	scn_debian_append(&q, "suspend");
	cr_assert_str_eq(q.m.initrd, q.initrd, "a suspend boot starts from the image's own");
	snprintf(b.kernel_release, sizeof(b.kernel_release), "6.1.0-99-cloud-amd64");
	cr_assert_eq(scn_debian_booted(&q, &b), HB_EIO);
	cr_assert(strstr(hb_detail(HB_EIO), "cannot read the guest's /boot/initrd.img-6.1.0-99"),
		  "%s", hb_detail(HB_EIO));
	run.kernel = true;
	cr_assert_eq(scn_debian_booted(&q, &b), 0, "the kernel's side reads nothing");
	scn_debian_append(&q, "resume");
	cr_assert_str_eq(q.m.initrd, q.initrd);
}

/* A resume boot that restored nothing must still come up whole. */
Test(debian_guest, a_refused_resume_boots_on_with_its_services)
{
	struct hb_qemu_boot b = { .start = 1 };

	res.verdict = SCN_VERDICT_REFUSED;
	snprintf(res.reason, sizeof(res.reason), "record 3: checksum mismatch");
	snprintf(b.text[HB_QM_SWAPON], sizeof(b.text[0]),
		 "HIBLAB-SWAPON ok system=running failed=none");
	cr_assert_eq(scn_debian_refused(&b, &res), 1);
	cr_assert_eq(res.verdict, SCN_VERDICT_REFUSED);
	snprintf(b.text[HB_QM_SWAPON], sizeof(b.text[0]),
		 "HIBLAB-SWAPON ok system=degraded failed=hiblab-sqlite.service");
	cr_assert_eq(scn_debian_refused(&b, &res), 0);
	cr_assert_eq(res.verdict, SCN_VERDICT_CRASH);
	cr_assert_str_eq(res.reason, "record 3: checksum mismatch; the boot after it did not come "
				     "up: systemctl is-system-running says degraded, failed units: "
				     "hiblab-sqlite.service");
}

Test(debian_guest, a_passphrase_is_typed_only_at_the_resume_and_the_prime_boot_is_plain)
{
	run.kernel = false;
	snprintf(run.chain, sizeof(run.chain), "lz4,aes-256-gcm");
	snprintf(run.fault, sizeof(run.fault), "passphrase");
	scn_debian_append(&q, "suspend");
	cr_assert(strstr(q.append, " hb_fault=passphrase hb_passphrase=hiblab-1-passphrase"), "%s",
		  q.append);
	cr_assert_null(q.m.prompt, "the suspend boot asks nothing");
	scn_debian_append(&q, "resume");
	cr_assert_str_eq(q.m.prompt, "Passphrase for the");
	cr_assert_str_eq(q.m.answers, "hiblab-1-passphrase\n");
	snprintf(run.fault, sizeof(run.fault), "wrong-passphrase");
	scn_debian_append(&q, "resume");
	cr_assert_str_eq(q.m.answers, "wrong-1\nwrong-2\nwrong-3\n");
	scn_debian_append(&q, "prime");
	cr_assert(strstr(q.append, "hb_boot=prime hb_role=hiblab hb_filters=lz4,crc32c "), "%s",
		  q.append);
	cr_assert(strstr(q.append, " hb_fault=none"), "%s", q.append);
	cr_assert_null(strstr(q.append, "hb_passphrase"), "%s", q.append);
	cr_assert_null(q.m.prompt);
}
