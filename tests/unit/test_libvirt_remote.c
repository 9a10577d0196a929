/* libvirt through a remote URI, without libvirt: the user a URI names, a
 * virsh that never answers (a stand-in on PATH), what a failed remote
 * create says, and the files handed to the remote user.  The real run is
 * `make libvirt-remote-test`. */
#include "testutil.h"

#include "backends/libvirt.h"
#include "core/error.h"

#include <criterion/criterion.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dir[256], kernel[300], initrd[300], disk[300], console[300];

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
	tu_write_file(tu_path(kernel, sizeof(kernel), dir, "vmlinuz"), "k", 1);
	tu_write_file(tu_path(initrd, sizeof(initrd), dir, "initrd.img"), "i", 1);
	tu_write_file(tu_path(disk, sizeof(disk), dir, "run-0.disk"), "d", 1);
	tu_path(console, sizeof(console), dir, "console.log");
}

static void teardown(void)
{
	tu_rmdir(dir);
}

TestSuite(libvirt_remote, .init = setup, .fini = teardown);

/* A virsh on PATH, ahead of any real one, running the shell line body. */
static void fake_virsh(const char *body)
{
	char path[300], text[300], search[4096];

	snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", body);
	tu_write_file(tu_path(path, sizeof(path), dir, "virsh"), text, strlen(text));
	cr_assert_eq(chmod(path, 0755), 0);
	snprintf(search, sizeof(search), "%s:%s", dir, getenv("PATH") ? getenv("PATH") : "/bin");
	setenv("PATH", search, 1);
}

static int boot(const char *uri, unsigned timeout_s)
{
	const struct hb_qemu_machine m = {
		.kernel = kernel, .initrd = initrd, .disk = disk, .mem_mib = 64, .vcpus = 1,
		.accel = "tcg", .append = "", .console = console, .timeout_s = timeout_s,
	};
	struct hb_qemu_boot b;

	return hb_libvirt_boot(&m, uri, &b);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

Test(libvirt_remote, the_user_a_remote_uri_logs_in_as)
{
	static const struct {
		const char *uri, *user;  /* user NULL: none */
	} cases[] = {
		{ "qemu+ssh://hiblab-test@127.0.0.1:2222/session?keyfile=/k&no_tty=1", "hiblab-test" },
		{ "qemu+ssh://alice@host/session", "alice" },
		{ "qemu+libssh://bob@[::1]:22/system", "bob" },
		{ "qemu:///session", NULL },
		{ "qemu+ssh://host/session", NULL },         /* ssh's own default user */
		{ "qemu+ssh://@host/session", NULL },
		{ "qemu+ssh://alice@/session", NULL },       /* no host */
		{ "qemu:///session?socket=/a@b", NULL },     /* the '@' is not in the host part */
		{ "not a uri", NULL },
	};
	char user[16];
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = hb_libvirt_remote_user(cases[i].uri, user, sizeof(user));
		cr_assert_eq(got, cases[i].user != NULL, "%s", cases[i].uri);
		if (got)
			cr_assert_str_eq(user, cases[i].user, "%s", cases[i].uri);
	}
	cr_assert_not(hb_libvirt_remote_user("qemu+ssh://a-user-name-too-long@h/s", user, sizeof(user)),
		      "a user that does not fit is no user");
	cr_assert_not(hb_libvirt_remote_user(NULL, user, sizeof(user)));
}

/* Over ssh, virsh waits on a network and on a daemon elsewhere: a virsh
 * that never answers is killed at the phase limit and the boot fails in
 * one line, instead of the run hanging. */
Test(libvirt_remote, a_virsh_that_never_answers_is_cut_off, .timeout = 20)
{
	double start;
	int err;

	fake_virsh("exec sleep 60");
	start = now();
	err = boot("qemu+ssh://hiblab-no-such-user@192.0.2.1/session", 1);
	cr_assert_eq(err, HB_EIO);
	cr_assert_lt(now() - start, 5.0, "took %.1f s", now() - start);
	cr_assert(strstr(hb_detail(err), "virsh -c qemu+ssh://hiblab-no-such-user@192.0.2.1/session "
					 "create: no answer in 1 s"), "%s", hb_detail(err));
}

/* A remote create that fails says virsh's words, without the advice for
 * root at a local session URI (which a local URI still gets). */
Test(libvirt_remote, a_failed_remote_create_says_virshs_words)
{
	int err;

	fake_virsh("echo 'error: failed to connect to the hypervisor'; exit 1");
	err = boot("qemu+ssh://hiblab-no-such-user@127.0.0.1:1/session", 10);
	cr_assert_eq(err, HB_EIO);
	cr_assert(strstr(hb_detail(err), "create: error: failed to connect to the hypervisor"),
		  "%s", hb_detail(err));
	cr_assert_null(strstr(hb_detail(err), "unprivileged"), "%s", hb_detail(err));
	if (geteuid() != 0)
		return;
	err = boot("qemu:///session", 10);
	cr_assert(strstr(hb_detail(err), "(qemu:///session wants an unprivileged user"), "%s",
		  hb_detail(err));
}

/* As root, for a remote URI's user who exists here: the disk and a console
 * file become theirs, and their group may pass through the closed scratch
 * directory, nothing more (no write, nothing for others). */
Test(libvirt_remote, root_hands_the_disk_and_console_to_the_uris_user)
{
	const struct passwd *pw = getpwnam("nobody");
	char serial[320], uri[128];
	struct stat st;

	if (geteuid() != 0 || !pw)
		cr_skip_test("needs root and the user nobody");
	fake_virsh("echo 'error: no daemon here'; exit 1");
	cr_assert_eq(chmod(dir, 0700), 0);
	snprintf(uri, sizeof(uri), "qemu+ssh://%s@127.0.0.1:1/session", pw->pw_name);
	cr_assert_eq(boot(uri, 10), HB_EIO);
	cr_assert_eq(stat(disk, &st), 0);
	cr_assert(st.st_uid == pw->pw_uid && st.st_gid == pw->pw_gid, "disk %u:%u", st.st_uid, st.st_gid);
	snprintf(serial, sizeof(serial), "%s.console", disk);
	cr_assert_eq(stat(serial, &st), 0, "the console file is made for the user");
	cr_assert(st.st_uid == pw->pw_uid && (st.st_mode & 0777) == 0600);
	cr_assert_eq(stat(dir, &st), 0);
	cr_assert(st.st_uid == 0 && st.st_gid == pw->pw_gid, "dir %u:%u", st.st_uid, st.st_gid);
	cr_assert_eq(st.st_mode & 0777, 0710, "mode %o", st.st_mode & 0777);
}

/* Local URIs and users that do not exist here change nothing. */
Test(libvirt_remote, a_local_uri_hands_nothing_over)
{
	struct stat before, after;
	char serial[320];

	fake_virsh("exit 1");
	cr_assert_eq(stat(disk, &before), 0);
	cr_assert_eq(boot("qemu:///session", 10), HB_EIO);
	cr_assert_eq(boot("qemu+ssh://hiblab-no-such-user@h/session", 10), HB_EIO);
	cr_assert_eq(stat(disk, &after), 0);
	cr_assert(after.st_uid == before.st_uid && after.st_gid == before.st_gid);
	snprintf(serial, sizeof(serial), "%s.console", disk);
	cr_assert_not(tu_exists(serial), "no console file made ahead");
}
