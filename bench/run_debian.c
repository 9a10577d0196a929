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
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The initramfs-tools script the hiblab package ships (dist/, issue 16): a
 * hiblab chain resumes through it; guest/debian.sh notes it in hiblab.txt. */
#define HIBLAB_PREMOUNT "/usr/share/initramfs-tools/scripts/local-premount/hiblab"

/* The words the guest reads for what a skipped hiblab run lacks. */
#define NEEDS_PACKAGE "needs the hiblab package with its systemd and initramfs integration " \
		      "(make deb)"

/* The prime boot (prime() below): the chain hiblab is configured for, the
 * swap file's size (the default guest memory: a run with another makes its
 * swap file again, and runs hiblab setup), the longest silence (hiblab
 * setup's update-initramfs: minutes under TCG), and the recipe's number,
 * raised when what the prime boot does changes. */
#define PRIME_FILTERS "lz4,crc32c"
#define PRIME_SWAP_MIB 512u
#define PRIME_TIMEOUT_S 900u
#define PRIME_RECIPE 1u

/* hiblab's own passphrase prompt (filters/key.c), typed at by the host */
#define HIBLAB_PROMPT "Passphrase for the"

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

/* The guest's /boot/initrd.img-RELEASE read off disk with debugfs into out.
 * The guest froze its root after writing it, so ext4's journal is
 * checkpointed and debugfs, which does not replay the journal, finds the
 * file where it lies. */
static int read_initrd(const char *disk, const char *release, const char *out)
{
	char cmd[900];
	struct stat st;
	pid_t pid;
	int status = 0;

	snprintf(cmd, sizeof(cmd), "dump /boot/initrd.img-%.100s %s", release, out);
	unlink(out);
	pid = fork();
	if (pid < 0)
		return hb_fail(HB_EIO, "qemu: fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execlp("debugfs", "debugfs", "-R", cmd, disk, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* debugfs exits 0 whatever its command did: the file says */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || stat(out, &st) != 0 ||
	    st.st_size < 4096)
		return hb_fail(HB_EIO, "qemu: cannot read the guest's /boot/initrd.img-%s off %s with "
				       "debugfs (%s)", release, disk,
			       WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
			       "debugfs not found: install e2fsprogs" : "nothing read");
	return 0;
}

/* The file's whole text (at most cap - 1 bytes) into buf; "" when absent. */
static void slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, cap - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

/* what, whole, into path */
static int write_stamp(const char *path, const char *what)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(what, f) >= 0;

	if (f && fclose(f) != 0)
		ok = false;
	return ok ? 0 : hb_fail(HB_EIO, "qemu: %s: cannot write it", path);
}

/* The prime boot's disk and initrd from q->root_img, into img and initrd
 * (their final names: written under .tmp, renamed when whole). */
static int prime_boot(struct qrun *q, const char *img, const char *initrd, const char *log)
{
	char tmp_img[620], tmp_initrd[620], disk[sizeof(q->disk)], console[sizeof(q->console)];
	unsigned timeout = q->m.timeout_s;
	struct hb_qemu_boot b;
	int err;

	snprintf(tmp_img, sizeof(tmp_img), "%s.tmp", img);
	snprintf(tmp_initrd, sizeof(tmp_initrd), "%s.tmp", initrd);
	memcpy(disk, q->disk, sizeof(disk));
	memcpy(console, q->console, sizeof(console));
	unlink(tmp_img);
	unlink(log);
	err = scn_copy_sparse(q->root_img, tmp_img);
	if (err)
		return err;
	snprintf(q->disk, sizeof(q->disk), "%s", tmp_img);
	snprintf(q->console, sizeof(q->console), "%s", log);
	/* hiblab setup is silent for minutes under TCG (update-initramfs) */
	q->m.timeout_s = q->m.timeout_s > PRIME_TIMEOUT_S ? q->m.timeout_s : PRIME_TIMEOUT_S;
	err = scn_qemu_boot(q, "prime", &b);
	q->m.timeout_s = timeout;
	memcpy(q->disk, disk, sizeof(disk));
	memcpy(q->console, console, sizeof(console));
	if (!err && !strstr(b.text[HB_QM_DONE], "primed=ok"))
		err = hb_fail(HB_EIO, "qemu: the Debian guest's prime boot: %.200s (console: %s)",
			      b.text[HB_QM_DONE][0] ? b.text[HB_QM_DONE] :
			      b.error[0] ? b.error : "it never said HIBLAB-DONE primed=ok", log);
	if (!err)
		err = read_initrd(tmp_img, b.kernel_release, tmp_initrd);
	if (!err && (rename(tmp_img, img) != 0 || rename(tmp_initrd, initrd) != 0))
		err = hb_fail(HB_EIO, "qemu: %s: %s", img, strerror(errno));
	if (err) {
		unlink(tmp_img);
		unlink(tmp_initrd);
	}
	return err;
}

int scn_debian_prime_stamp(const char *root_img, char *buf, size_t cap)
{
	struct stat st;

	if (stat(root_img, &st) != 0)
		return hb_fail(HB_EIO, "qemu: %s: %s", root_img, strerror(errno));
	snprintf(buf, cap, "root.img %lld %lld.%09ld swap %u MiB, recipe %u\n",
		 (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		 PRIME_SWAP_MIB, PRIME_RECIPE);
	return 0;
}

/* Once per image (guest/debian/hiblab-guest prime): a boot that makes the
 * swap file and runs hiblab setup, kept beside the image as primed.img and
 * primed-initrd.img; primed.stamp names the root.img it came from.  Every
 * cycle of either side then starts from that disk and boots that initrd. */
static int prime(struct qrun *q, const char *dir)
{
	char lock[600], stamp[600], img[600], initrd[600], log[600], want[160], have[160];
	int fd, err;

	snprintf(lock, sizeof(lock), "%.500s/prime.lock", dir);
	snprintf(stamp, sizeof(stamp), "%.500s/primed.stamp", dir);
	snprintf(img, sizeof(img), "%.500s/primed.img", dir);
	snprintf(initrd, sizeof(initrd), "%.500s/primed-initrd.img", dir);
	snprintf(log, sizeof(log), "%.500s/prime-console.log", dir);
	err = scn_debian_prime_stamp(q->root_img, want, sizeof(want));
	if (err)
		return err;
	/* two runs at once (shards): one primes, the other waits and uses it */
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		err = hb_fail(HB_EIO, "qemu: %s: %s", lock, strerror(errno));
		goto out;
	}
	slurp(stamp, have, sizeof(have));
	if (strcmp(have, want) != 0 || access(img, R_OK) != 0 || access(initrd, R_OK) != 0) {
		fprintf(stderr, "debian guest: priming %s once for this image: one boot makes its "
				"swap file and runs hiblab setup (minutes under TCG; console: %s)\n",
			img, log);
		unlink(stamp);
		err = prime_boot(q, img, initrd, log);
		if (!err)
			err = write_stamp(stamp, want);
	}
	if (!err) {
		snprintf(q->root_img, sizeof(q->root_img), "%s", img);
		snprintf(q->initrd, sizeof(q->initrd), "%s", initrd);
	}
out:
	if (fd >= 0)
		close(fd);
	return err;
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
	if (!has_integration(dir)) {
		if (q->r->kernel)
			return 0;  /* the kernel's side alone, from the image as built */
		snprintf(why, cap, "%s", NEEDS_PACKAGE);
		return 1;
	}
	return prime(q, dir);
}

int scn_debian_fresh_disk(const struct qrun *q)
{
	if (unlink(q->disk) != 0 && errno != ENOENT)
		return hb_fail(HB_EIO, "qemu: disk %s: %s", q->disk, strerror(errno));
	/* a sparse copy: the image's holes stay holes, a cycle costs its used blocks */
	return scn_copy_sparse(q->root_img, q->disk);
}

static bool passphrase_fault(const struct scn_run *r)
{
	return strcmp(r->fault, "passphrase") == 0 || strcmp(r->fault, "wrong-passphrase") == 0;
}

void scn_debian_append(struct qrun *q, const char *what)
{
	const struct scn_run *r = q->r;
	bool priming = strcmp(what, "prime") == 0, resume = strcmp(what, "resume") == 0;
	char resume_at[80] = "", pass[64] = "";

	/* the kernel resumes from the initramfs (local-premount) when told where;
	 * hiblab's own script finds its target in its configuration */
	if (resume && r->kernel)
		snprintf(resume_at, sizeof(resume_at), " resume=/dev/vda resume_offset=%llu",
			 (unsigned long long)q->swap_page);
	/* hiblab's own phase marks in the initramfs (init passes a word with = on
	 * as its environment): the script keeps hiblab's stderr, so the console */
	else if (resume)
		snprintf(resume_at, sizeof(resume_at), " HIBLAB_PHASE_MARKS=/dev/console");
	/* the passphrase the guest seals its image with, and the host types at
	 * the initramfs's prompt (wrong-passphrase: three wrong ones) */
	q->m.prompt = NULL;
	q->m.answers = NULL;
	if (!priming && passphrase_fault(r)) {
		snprintf(pass, sizeof(pass), " hb_passphrase=hiblab-%llu-passphrase",
			 (unsigned long long)r->workload.seed);
		if (strcmp(r->fault, "passphrase") == 0)
			snprintf(q->answers, sizeof(q->answers), "%s\n", pass + 15);
		else
			snprintf(q->answers, sizeof(q->answers), "wrong-1\nwrong-2\nwrong-3\n");
		if (resume) {
			q->m.prompt = HIBLAB_PROMPT;
			q->m.answers = q->answers;
		}
	}
	/* a swap file as large as the guest's memory: room for any image */
	snprintf(q->append, sizeof(q->append),
		 "root=/dev/vda rw hb_boot=%s hb_role=%s hb_filters=%.400s hb_mib=%llu hb_profile=%s "
		 "hb_seed=%llu hb_swap_mib=%llu hb_fault=%.40s%s%s%s%.400s", what,
		 r->kernel && !priming ? "kernel" : "hiblab",
		 priming ? PRIME_FILTERS : r->chain[0] ? r->chain : "none",
		 (unsigned long long)r->workload.mib, r->workload.profile,
		 (unsigned long long)r->workload.seed,
		 priming ? (unsigned long long)PRIME_SWAP_MIB : (unsigned long long)(r->guest_mem >> 20),
		 priming ? "none" : r->fault, pass, resume_at,
		 r->kernel_args[0] && !priming ? " " : "", priming ? "" : r->kernel_args);
	q->m.initrd = resume && q->own_initrd[0] ? q->own_initrd : q->initrd;
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
	/* hiblab's suspend boot may have run hiblab setup: its initrd resumes */
	q->own_initrd[0] = '\0';
	if (!q->r->kernel && b->seen[HB_QM_SUSPEND_START] > 0) {
		snprintf(q->own_initrd, sizeof(q->own_initrd), "%.600s/run-%u.initrd", q->rn->scratch,
			 q->r->index);
		return read_initrd(q->disk, b->kernel_release, q->own_initrd);
	}
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
