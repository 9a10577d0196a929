/* guest = debian: the Debian 12 guest of guest/debian.sh in a machine = qemu
 * run.  bench/run_qemu.c runs the cycle as for the busybox guest; here is
 * what differs: the disk each cycle starts from (a copy of the image), the
 * kernel command line (root=, the hb_* words guest/debian/hiblab-guest
 * reads, resume= at the swap file to resume), the swap file's place, and the
 * guest's own checks after the resume.  docs/QEMU.md, "A real Debian guest". */
#include "qemu_kimage.h"
#include "run_qemu.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The initramfs-tools script the hiblab package ships (dist/, issue 16): a
 * hiblab chain resumes through it; guest/debian.sh notes it in hiblab.txt. */
#define HIBLAB_PREMOUNT "/usr/share/initramfs-tools/scripts/local-premount/hiblab"

/* The words the guest reads for what a skipped hiblab run lacks. */
#define NEEDS_PACKAGE "needs the hiblab package with its systemd and initramfs integration " \
		      "(make deb)"

/* Whether the image holds hiblab's initramfs integration: guest/debian.sh
 * writes "package NAME" and the script's path when it installed both. */
static bool has_integration(const char *dir)
{
	char path[700], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%.650s/hiblab.txt", dir);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strncmp(line, "package ", 8) == 0 && strstr(line, HIBLAB_PREMOUNT);
	fclose(f);
	return found;
}

int scn_debian_setup(struct qrun *q, char *why, size_t cap)
{
	const char *dir = getenv("HIBLAB_DEBIAN_GUEST");

	dir = dir && *dir ? dir : "build/debian-guest";
	snprintf(q->kernel, sizeof(q->kernel), "%.500s/vmlinuz", dir);
	snprintf(q->initrd, sizeof(q->initrd), "%.500s/initrd.img", dir);
	snprintf(q->root_img, sizeof(q->root_img), "%.500s/root.img", dir);
	if (access(q->kernel, R_OK) != 0 || access(q->initrd, R_OK) != 0 ||
	    access(q->root_img, R_OK) != 0)
		return hb_fail(HB_EUSAGE, "qemu: no Debian guest in %s (run make debian-guest)", dir);
	if (!q->r->kernel && !has_integration(dir)) {
		snprintf(why, cap, "%s", NEEDS_PACKAGE);
		return 1;
	}
	return 0;
}

int scn_debian_fresh_disk(const struct qrun *q)
{
	if (unlink(q->disk) != 0 && errno != ENOENT)
		return hb_fail(HB_EIO, "qemu: disk %s: %s", q->disk, strerror(errno));
	/* a sparse copy: the image's holes stay holes, a cycle costs its used blocks */
	return scn_copy_sparse(q->root_img, q->disk);
}

void scn_debian_append(struct qrun *q, const char *what)
{
	const struct scn_run *r = q->r;
	char resume[80] = "";

	/* the kernel resumes from the initramfs (local-premount) when told where;
	 * hiblab's own script finds its target in its configuration */
	if (strcmp(what, "resume") == 0 && r->kernel)
		snprintf(resume, sizeof(resume), " resume=/dev/vda resume_offset=%llu",
			 (unsigned long long)q->swap_page);
	/* a swap file as large as the guest's memory: room for any image */
	snprintf(q->append, sizeof(q->append),
		 "root=/dev/vda rw hb_boot=%s hb_role=%s hb_filters=%.400s hb_mib=%llu hb_profile=%s "
		 "hb_seed=%llu hb_swap_mib=%llu hb_fault=%.40s%s%s%.400s", what,
		 r->kernel ? "kernel" : "hiblab", r->chain[0] ? r->chain : "none",
		 (unsigned long long)r->workload.mib, r->workload.profile,
		 (unsigned long long)r->workload.seed, (unsigned long long)(r->guest_mem >> 20),
		 r->fault, resume, r->kernel_args[0] ? " " : "", r->kernel_args);
	q->m.initrd = strcmp(what, "resume") == 0 && q->own_initrd[0] ? q->own_initrd : q->initrd;
}


/* The initrd the guest's hiblab setup wrote (update-initramfs -u, holding
 * hiblab's hook and configuration), read off the cycle's disk with debugfs:
 * the resume boots it, as a machine boots its own /boot.  The guest froze
 * its root after writing it, so ext4's journal is checkpointed and debugfs,
 * which does not replay the journal, finds the file where it lies. */
static int read_own_initrd(struct qrun *q, const char *release)
{
	char cmd[900];
	struct stat st;
	pid_t pid;
	int status = 0;

	snprintf(q->own_initrd, sizeof(q->own_initrd), "%.600s/run-%u.initrd", q->rn->scratch,
		 q->r->index);
	snprintf(cmd, sizeof(cmd), "dump /boot/initrd.img-%.100s %s", release, q->own_initrd);
	unlink(q->own_initrd);
	pid = fork();
	if (pid < 0)
		return hb_fail(HB_EIO, "qemu: fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execlp("debugfs", "debugfs", "-R", cmd, q->disk, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* debugfs exits 0 whatever its command did: the file says */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || stat(q->own_initrd, &st) != 0 ||
	    st.st_size < 4096)
		return hb_fail(HB_EIO, "qemu: cannot read the guest's /boot/initrd.img-%s off %s with "
				       "debugfs (%s)", release, q->disk,
			       WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
			       "debugfs not found: install e2fsprogs" : "nothing read");
	return 0;
}

int scn_debian_booted(struct qrun *q, const struct hb_qemu_boot *b)
{
	const char *at = strstr(b->text[HB_QM_BOOTED], "swapfile_offset=");
	char *end;
	unsigned long long page;

	if (!at)
		return hb_fail(HB_EIO, "qemu: the Debian guest did not say where its swap file is "
				       "(no HIBLAB-BOOTED ... swapfile_offset=N; console: %.300s)",
			       q->console);
	page = strtoull(at + strlen("swapfile_offset="), &end, 10);
	if (end == at + strlen("swapfile_offset=") || page == 0)
		return hb_fail(HB_EIO, "qemu: the Debian guest's swap file: %.100s (console: %.300s)",
			       at, q->console);
	q->swap_page = page;
	/* hiblab's suspend boot ran hiblab setup: its initrd resumes */
	q->own_initrd[0] = '\0';
	if (!q->r->kernel && b->seen[HB_QM_SUSPEND_START] > 0)
		return read_own_initrd(q, b->kernel_release);
	return 0;
}

/* The value of word key=VALUE in line, into buf; "" when absent. */
static void word(const char *line, const char *key, char *buf, size_t cap)
{
	const char *at = strstr(line, key);
	size_t n;

	buf[0] = '\0';
	if (!at)
		return;
	at += strlen(key);
	n = strcspn(at, " ");
	snprintf(buf, cap, "%.*s", (int)n, at);
}

int scn_debian_done(const struct qrun *q, const struct hb_qemu_boot *b, struct scn_result *res)
{
	const char *done = b->text[HB_QM_DONE];
	char sql[120], state[40], failed[120], units[160];

	if (b->seen[HB_QM_DONE] <= 0) {
		scn_qemu_verdict(res, SCN_VERDICT_CRASH, "no HIBLAB-DONE line after the resume "
				 "(console: ", q->console, ")");
		return 0;
	}
	word(done, "sqlite=", sql, sizeof(sql));
	word(done, "system=", state, sizeof(state));
	word(done, "failed=", failed, sizeof(failed));
	/* the database in memory came back different: what came back is wrong */
	if (strcmp(sql, "ok") != 0) {
		scn_qemu_verdict(res, SCN_VERDICT_WRONG, "the sqlite3 database after the resume: ", sql,
				 "");
		return 0;
	}
	/* memory is right, but the system did not come back whole */
	if (strcmp(state, "running") != 0) {
		snprintf(units, sizeof(units), "; failed units: %s", failed[0] ? failed : "none");
		scn_qemu_verdict(res, SCN_VERDICT_CRASH, "after the resume systemctl "
				 "is-system-running says ", state[0] ? state : "nothing", units);
		return 0;
	}
	return 1;
}

int scn_debian_refused(const struct hb_qemu_boot *b, struct scn_result *res)
{
	const char *line = b->text[HB_QM_SWAPON];
	char state[40], failed[120], why[sizeof(res->reason)];

	word(line, "system=", state, sizeof(state));
	if (strcmp(state, "running") == 0)
		return 1;
	word(line, "failed=", failed, sizeof(failed));
	snprintf(why, sizeof(why), "%.250s; the boot after it did not come up: systemctl "
		 "is-system-running says %.39s, failed units: %.100s", res->reason,
		 state[0] ? state : "nothing", failed[0] ? failed : "none");
	scn_qemu_verdict(res, SCN_VERDICT_CRASH, why, "", "");
	return 0;
}
