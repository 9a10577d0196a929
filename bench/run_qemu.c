/* One machine = qemu run, inside its child process: per cycle a fresh disk,
 * a boot that fills memory and hibernates (through hiblab, or the kernel's
 * own code for the baseline), the host's fault if any, a boot that restores
 * and lets the workload verify every byte.  docs/QEMU.md. */
#include "reports.h"
#include "run_qemu.h"
#include "runner.h"
#include "scn_specs.h"
#include "qemu_himage.h"
#include "qemu_kimage.h"

#include "backends/libvirt.h"
#include "backends/qemu.h"
#include "backends/swap_writer.h"
#include "core/engine.h"
#include "core/error.h"
#include "core/options.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096u  /* the guest's page (x86-64) */

static int fresh_disk(const struct qrun *q)
{
	int fd;

	if (q->r->debian)
		return scn_debian_fresh_disk(q);
	unlink(q->disk);
	fd = open(q->disk, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	/* room for an uncompressed image of all memory */
	if (fd < 0 || ftruncate(fd, (off_t)(q->r->guest_mem + (64ull << 20))) != 0) {
		if (fd >= 0)
			close(fd);
		return hb_fail(HB_EIO, "qemu: disk %s: %s", q->disk, strerror(errno));
	}
	close(fd);
	return 0;
}

/* One boot, by qemu itself or through libvirt. */
static int machine_boot(const struct qrun *q, struct hb_qemu_boot *b)
{
	return q->r->libvirt ? hb_libvirt_boot(&q->m, q->r->uri, b) : hb_qemu_boot(&q->m, b);
}

/* The busybox guest's command line: the hb_* words guest/init.sh reads. */
static void busybox_append(struct qrun *q, const char *what)
{
	snprintf(q->append, sizeof(q->append),
		 "hb_boot=%s hb_role=%s hb_target=%.16s:/dev/vda hb_filters=%.400s hb_mib=%llu "
		 "hb_profile=%s hb_seed=%llu%s hb_threads=%u hb_kcomp=%s hb_kthreads=%u hb_stress=%u "
		 "hb_zero_top=%llu%s%.400s", what,
		 q->r->kernel ? "kernel" : "hiblab",
		 q->r->kernel ? "swap" : q->r->disk, q->r->chain[0] ? q->r->chain : "none",
		 (unsigned long long)q->r->workload.mib, q->r->workload.profile,
		 (unsigned long long)q->r->workload.seed,
		 q->r->swapon && !q->r->kernel ? " hb_swapon=1" : "", q->r->threads,
		 q->r->kernel ? q->r->kernel_comp : "none", q->r->kernel_threads,
		 q->r->stress ? q->r->cycles : 1u, (unsigned long long)q->r->zero_top_mib,
		 q->r->kernel_args[0] ? " " : "", q->r->kernel_args);
}

/* The KVM verdict is kept in the scratch directory, for the runs after this one. */
int scn_qemu_boot(struct qrun *q, const char *what, struct hb_qemu_boot *b)
{
	int err;

	if (q->r->debian)
		scn_debian_append(q, what);
	else
		busybox_append(q, what);
	q->m.accel = q->accel;
	err = machine_boot(q, b);
	if (!err && b->kvm_failed && strcmp(q->accel, "kvm") == 0) {
		FILE *f = fopen(q->accel_file, "w");
		if (f) {
			fputs("tcg\n", f);
			fclose(f);
		}
		snprintf(q->accel, sizeof(q->accel), "tcg");
		q->m.accel = q->accel;
		err = machine_boot(q, b);
	}
	if (!err && b->timed_out)
		err = hb_fail(HB_EIO, "qemu: %s boot: nothing new on the console for %u s in phase "
				      "'%s' (console: %s)", what, q->timeout, b->phase, q->console);
	return err;
}

/* The host corrupts the image between the two boots. */
static int inject(const struct qrun *q, uint64_t data_bytes)
{
	bool swap = strcmp(q->r->disk, "swap") == 0;
	/* the layouts of docs/WRITERS.md: the swap area is idle while hiblab
	 * writes it (faults that damage it are refused with swapon = yes) */
	off_t header = swap ? SWAP_IDLE_HEAD_PAGE * PAGE : 0;
	off_t records = swap ? SWAP_IDLE_DATA_PAGE * PAGE : HB_HEADER_AREA;
	const char *f = q->r->fault;
	uint8_t buf[PAGE];
	int fd = open(q->disk, O_RDWR | O_CLOEXEC), err = 0;

	if (fd >= 0 && q->swap_page) {
		/* the Debian guest's active swap file: the kernel placed the pages
		 * (its other faults act in the guest, on the key) */
		close(fd);
		return strcmp(f, "flip") == 0 ? scn_himage_flip(q->disk, q->swap_page) : 0;
	}
	if (fd < 0)
		return hb_fail(HB_EIO, "qemu: fault: %s: %s", q->disk, strerror(errno));
	if (strcmp(f, "flip") == 0) {
		off_t at = records + (off_t)(data_bytes / 2);
		if (pread(fd, buf, 1, at) != 1)
			err = -1;
		buf[0] ^= 0x10;
		if (!err && pwrite(fd, buf, 1, at) != 1)
			err = -1;
	} else if (strcmp(f, "zero-header") == 0) {
		memset(buf, 0, sizeof(buf));
		if (pwrite(fd, buf, PAGE, header) != (ssize_t)PAGE)
			err = -1;
	} else if (strcmp(f, "truncate") == 0) {
		/* the second half of the records never reached the disk */
		off_t at = records + (off_t)(data_bytes / 2), end = records + (off_t)data_bytes;
		memset(buf, 0, sizeof(buf));
		for (; at < end && !err; at += PAGE)
			if (pwrite(fd, buf, PAGE, at) != (ssize_t)PAGE)
				err = -1;
	}
	if (err)
		err = hb_fail(HB_EIO, "qemu: fault %s on %s: %s", f, q->disk, strerror(errno));
	close(fd);
	return err;
}

/* A kernel run's image, read and verified on the host before the resume
 * boot: its exact size, and what is wrong with it if anything (the resume
 * then shows what the kernel does with it); then the run's fault, if any. */
static int check_kernel_image(const struct qrun *q, const struct hb_qemu_boot *b1,
			      struct scn_result *res)
{
	struct scn_kimage k;
	struct stat st;

	res->pages = b1->kernel_pages;
	if (scn_kimage_check_at(q->disk, q->swap_page, &k) == 0) {
		res->bytes_out = k.report.stored_bytes;
	} else {
		/* still a figure, if a rough one: the blocks the suspend wrote */
		res->bytes_out = stat(q->disk, &st) == 0 ? (uint64_t)st.st_blocks * 512u : 0;
		snprintf(res->suspend_error, sizeof(res->suspend_error),
			 "the host's check of the kernel's image: %.400s", k.why);
	}
	if (strcmp(q->r->fault, "none") == 0 || strcmp(q->r->fault, "enomem") == 0)
		return 0;
	return scn_kimage_damage(q->disk, q->r->fault);
}

/* --keep-disks: the disk as the suspend left it, for hiblab inspect by hand. */
static int keep_disk(const struct qrun *q, unsigned c)
{
	char dir[700], path[800];

	snprintf(dir, sizeof(dir), "%.600s/disks", q->rn->outdir);
	if (scn_mkdirs(dir) != 0)
		return hb_fail(HB_EIO, "qemu: cannot make %s", dir);
	snprintf(path, sizeof(path), "%s/run-%u-cycle-%u.disk", dir, q->r->index, c + 1);
	unlink(path);  /* a run again into the same --out */
	return scn_copy_sparse(q->disk, path);
}

/* hiblab in the guest refused for want of an image: none, a spent one, no
 * valid one (its words on the console). */
static bool says_no_image(const char *text)
{
	return strstr(text, "no image") || strstr(text, "spent") || strstr(text, "no valid");
}

/* verdict, and the reason: a, b and c joined */
void scn_qemu_verdict(struct scn_result *res, enum scn_verdict verdict, const char *a,
		      const char *b, const char *c)
{
	res->verdict = verdict;
	snprintf(res->reason, sizeof(res->reason), "%.200s%.200s%.100s", a, b, c);
}

/* What one cycle measured; resume_s > 0 once the workload verified. */
struct qcycle {
	double suspend_s, resume_s, restore_s;
	double phase[HB_GP_COUNT];  /* seconds, -1: not seen (hb_guest_phases) */
};

/* A cycle not measured yet: no seconds, no phase seen. */
static struct qcycle qcycle_none(void)
{
	struct qcycle fig = { 0 };
	unsigned p;

	for (p = 0; p < HB_GP_COUNT; p++)
		fig.phase[p] = -1.0;
	return fig;
}

/* One row of cycles.csv (beside runs.csv): every cycle of every guest run,
 * where runs.csv has their means.  Runs are children one after another, so
 * appending is safe. */
static void cycle_row(const struct qrun *q, unsigned c, const struct scn_result *res,
		      const struct qcycle *fig)
{
	char path[800];
	FILE *f;
	double mb = (double)res->bytes_in / 1e6;
	unsigned i;

	snprintf(path, sizeof(path), "%.700s/cycles.csv", q->rn->outdir);
	f = fopen(path, "a");
	if (!f)
		return;
	if (ftell(f) == 0) {
		fputs("index,scenario,machine,accel,who,disk,chain,fault,cycle,verdict,reason,pages,"
		      "bytes_out,suspend_s,suspend_MBps,resume_s,resume_MBps,restore_s,guest_kernel,"
		      "kernel_release", f);
		for (i = 0; i < HB_GP_COUNT; i++)
			fprintf(f, ",phase_%s_s", hb_guest_phase_name((enum hb_guest_phase)i));
		fputc('\n', f);
	}
	fprintf(f, "%u,", res->index);
	scn_csv_field(f, res->scenario);
	fprintf(f, ",%s,%s,%s,%s,", res->machine, q->accel, res->kernel ? "kernel" : "hiblab",
		res->disk);
	scn_csv_field(f, res->chain);
	fputc(',', f);
	scn_csv_field(f, res->fault);
	fprintf(f, ",%u,%s,", c + 1, scn_verdict_name(res->verdict));
	scn_csv_field(f, res->reason);
	fprintf(f, ",%llu,%llu,%.6f,%.2f,%.6f,%.2f,%.6f", (unsigned long long)res->pages,
		(unsigned long long)res->bytes_out, fig->suspend_s,
		fig->suspend_s > 0 ? mb / fig->suspend_s : 0.0, fig->resume_s,
		fig->resume_s > 0 ? mb / fig->resume_s : 0.0, fig->restore_s);
	fputc(',', f);
	scn_csv_field(f, res->guest_kernel);
	fputc(',', f);
	scn_csv_field(f, res->kernel_release);
	/* a phase whose boundary did not come stays empty */
	for (i = 0; i < HB_GP_COUNT; i++) {
		if (fig->phase[i] >= 0)
			fprintf(f, ",%.6f", fig->phase[i]);
		else
			fputc(',', f);
	}
	fputc('\n', f);
	fclose(f);
}

/* The half of a cycle that hibernates, after the boot b that ran it: did
 * the suspend start and end in a power-off (1), or was it refused and the
 * guest thawed (0, the verdict set)?  again: b restored the cycle before
 * first (reboot = no), so this suspend's own words come second. */
static int suspend_half(struct qrun *q, unsigned c, const struct hb_qemu_boot *b, bool again,
			struct scn_result *res, struct qcycle *fig)
{
	const char *verify = again ? b->text2[HB_QM_VERIFY] : b->text[HB_QM_VERIFY];
	struct hb_header h;
	char target[800];
	int err;

	if (b->kernel_release[0])
		snprintf(res->kernel_release, sizeof(res->kernel_release), "%s", b->kernel_release);
	if (b->seen[HB_QM_UNSUPPORTED] > 0) {
		const char *what = b->text[HB_QM_UNSUPPORTED] + strlen("HIBLAB-UNSUPPORTED");
		scn_qemu_verdict(res, SCN_VERDICT_SKIPPED, "not supported by ",
				 res->kernel_release[0] ? res->kernel_release : "this kernel", "");
		snprintf(res->reason + strlen(res->reason), sizeof(res->reason) - strlen(res->reason),
			 ":%.300s", what);
		return 0;
	}
	if (b->seen[HB_QM_SUSPEND_START] <= 0)
		return hb_fail(HB_EIO, "qemu: cycle %u: the guest never started its suspend (%.200s; "
				       "console: %.300s)", c + 1, b->error[0] ? b->error : "no hiblab error",
			       q->console);
	if ((again ? b->seen2[HB_QM_RESUMED] : b->seen[HB_QM_RESUMED]) > 0) {
		/* the suspend failed and the guest thawed: it must carry on intact */
		bool ok = strstr(verify, "VERIFY ok") != NULL;
		q->no_image = says_no_image(b->error);
		scn_qemu_verdict(res, ok ? SCN_VERDICT_REFUSED : SCN_VERDICT_WRONG, "suspend refused: ",
				 b->error, ok ? "; the guest thawed and its memory verified" : verify);
		/* the Debian guest checks its database and services too */
		if (ok && q->r->debian && b->seen[HB_QM_DONE] > 0)
			scn_debian_done(q, b, res);
		return 0;
	}
	/* to the kernel's "Power down": qemu's and libvirt's own teardown apart */
	fig->suspend_s = (b->powered_off > 0 ? b->powered_off : b->end) - b->seen[HB_QM_SUSPEND_START];
	if (q->rn->keep_disks) {
		err = keep_disk(q, c);
		if (err)
			return err;
	}
	if (q->r->kernel) {
		err = check_kernel_image(q, b, res);
		if (err)
			return err;
	} else {
		snprintf(target, sizeof(target), "%s:%s", strcmp(q->r->disk, "swap") == 0 ? "swap" :
			 "file", q->disk);
		/* the Debian guest's swap file, at its place on the disk */
		if (q->swap_page)
			snprintf(target + strlen(target), sizeof(target) - strlen(target),
				 ",offset=%llu", (unsigned long long)q->swap_page);
		err = hb_inspect(target, &h);
		if (err)
			return hb_fail(err, "qemu: cycle %u: the image after the suspend: %s", c + 1,
				       hb_detail(err));
		res->pages = h.page_count;
		res->bytes_out = HB_HEADER_AREA + h.data_bytes;
		err = inject(q, h.data_bytes);
		if (err)
			return err;
	}
	res->bytes_in = res->pages * PAGE;
	return 1;
}

/* The half that restores, after the boot b that ran it (sus: the boot that
 * hibernated): 1 restored and verified, 0 the verdict set. */
static int resume_half(struct qrun *q, const struct hb_qemu_boot *sus, const struct hb_qemu_boot *b,
		       struct scn_result *res, struct qcycle *fig)
{
	if (b->seen[HB_QM_RESUME_FAILED] > 0) {
		const char *why = b->error[0] ? b->error :
				  q->r->kernel && b->kernel_said[0] ? b->kernel_said : "no image restored";
		q->swapon_failed = strcmp(q->r->disk, "swap") == 0 &&
				   !strstr(b->text[HB_QM_SWAPON], "SWAPON ok");
		q->no_image = says_no_image(why);
		scn_qemu_verdict(res, SCN_VERDICT_REFUSED, "", why,
				 q->swapon_failed ? "; swapon of the area failed" : "");
		if (q->r->debian)
			scn_debian_refused(b, res);
		return 0;
	}
	if (b->seen[HB_QM_VERIFY] <= 0) {
		scn_qemu_verdict(res, SCN_VERDICT_CRASH,
				 "no HIBLAB-VERIFY line after the resume (console: ", q->console, ")");
		return 0;
	}
	if (!strstr(b->text[HB_QM_VERIFY], "VERIFY ok")) {
		scn_qemu_verdict(res, SCN_VERDICT_WRONG, "", b->text[HB_QM_VERIFY], "");
		return 0;
	}
	if (!strstr(b->text[HB_QM_RESUMED], " rc=0")) {
		/* memory came back, but the command that hibernated says it failed */
		scn_qemu_verdict(res, SCN_VERDICT_CRASH, "after the restore the suspend command ended "
				 "with ", b->text[HB_QM_RESUMED], "");
		return 0;
	}
	if (q->r->debian && !scn_debian_done(q, b, res))
		return 0;
	fig->resume_s = b->seen[HB_QM_VERIFY] - b->start;
	fig->restore_s = b->seen[HB_QM_RESUMED] - b->seen[HB_QM_RESTORE_START];
	hb_guest_phases(sus, b, q->r->kernel, fig->phase);
	q->restored++;
	scn_qemu_verdict(res, SCN_VERDICT_RESTORED, "", "", "");
	return 1;
}

static void console_of(struct qrun *q, unsigned c)
{
	snprintf(q->console, sizeof(q->console), "%.600s/console/run-%u-cycle-%u.log", q->rn->outdir,
		 q->r->index, c + 1);
}

/* One cycle; 0 with res's verdict set, or an error for the run. */
static int cycle(struct qrun *q, unsigned c, struct scn_result *res, struct qcycle *fig)
{
	struct hb_qemu_boot *b1 = &q->boots[0], *b2 = &q->boots[1];
	int err;

	console_of(q, c);
	q->no_image = q->swapon_failed = false;
	err = fresh_disk(q);
	if (!err)
		err = scn_qemu_boot(q, "suspend", b1);
	if (!err && q->r->debian)
		err = scn_debian_booted(q, b1);
	if (!err)
		err = suspend_half(q, c, b1, false, res, fig);
	if (err <= 0)
		return err;
	err = scn_qemu_boot(q, "resume", b2);
	if (!err)
		err = resume_half(q, b1, b2, res, fig);
	if (err <= 0)
		return err;
	if (strcmp(q->r->fault, "twice") == 0) {
		/* the image was spent by the first resume: a second finds none */
		err = scn_qemu_boot(q, "resume", b2);
		if (err)
			return err;
		if (b2->seen[HB_QM_RESUME_FAILED] > 0) {
			const char *why = b2->error[0] ? b2->error : "no image";
			q->no_image = says_no_image(why);
			scn_qemu_verdict(res, SCN_VERDICT_REFUSED, "second resume: ", why, "");
			if (q->r->debian)
				scn_debian_refused(b2, res);
		} else {
			scn_qemu_verdict(res, SCN_VERDICT_WRONG, "second resume of one image: ",
					 b2->seen[HB_QM_RESUMED] > 0 ? "restored again" : "no answer", "");
		}
	}
	return 0;
}

/* reboot = no: the guest boots once and hibernates and resumes r->cycles
 * times in that one running system, its workload checked after every
 * resume.  Each resume boot holds one cycle's restore and check, then the
 * next cycle's suspend.  A failure ends the run, its cycle named. */
static int stress(struct qrun *q, struct scn_result *res, double sums[3])
{
	struct hb_qemu_boot *sus = &q->boots[0], *cur = &q->boots[1], *t;
	struct qcycle fig;
	unsigned c;
	char why[sizeof(res->reason)];
	int err;

	console_of(q, 0);
	err = fresh_disk(q);
	if (!err)
		err = scn_qemu_boot(q, "suspend", sus);
	for (c = 0; !err && c < q->r->cycles; c++) {
		fig = qcycle_none();
		err = suspend_half(q, c, sus, c > 0, res, &fig);
		if (err == 1) {
			console_of(q, c);
			err = scn_qemu_boot(q, "resume", cur);
			if (!err)
				err = resume_half(q, sus, cur, res, &fig);
		}
		if (err < 0)
			break;
		cycle_row(q, c, res, &fig);
		if (err == 0) {
			if (res->verdict != SCN_VERDICT_SKIPPED) {
				snprintf(why, sizeof(why), "cycle %u of %u: %.450s", c + 1, q->r->cycles,
					 res->reason);
				snprintf(res->reason, sizeof(res->reason), "%s", why);
			}
			return 0;
		}
		sums[0] += fig.suspend_s;
		sums[1] += fig.resume_s;
		scn_samples_add(&res->suspend_cycle_s, fig.suspend_s);
		scn_samples_add(&res->resume_cycle_s, fig.resume_s);
		sums[2] += fig.restore_s;
		err = 0;
		t = sus;
		sus = cur;
		cur = t;
	}
	if (err)
		return hb_fail(err, "cycle %u of %u: %s", c + 1, q->r->cycles, hb_detail(err));
	return 0;
}

static bool meets(const struct qrun *q, const struct scn_result *res)
{
	bool refused = res->verdict == SCN_VERDICT_REFUSED;

	if (res->verdict == SCN_VERDICT_SKIPPED)
		return true;  /* the reason says what the kernel lacks */
	switch (q->r->expect) {
	case SCN_EXPECT_RESTORED:
		return res->verdict == SCN_VERDICT_RESTORED;
	case SCN_EXPECT_REFUSED:
		return refused && !q->swapon_failed;
	case SCN_EXPECT_NO_IMAGE:
		return refused && q->no_image;
	case SCN_EXPECT_SAFE:
		return res->verdict != SCN_VERDICT_WRONG && res->verdict != SCN_VERDICT_CRASH;
	}
	return false;
}

/* The guest's directory: the default one, or kernels/NAME in it for a run
 * that names its kernel (guest/build.sh makes both). */
static void guest_dir(const struct scn_run *r, const char *guest, char *buf, size_t cap)
{
	char name[HB_STR_MAX];

	if (!r->guest_kernel[0]) {
		snprintf(buf, cap, "%s", guest);
		return;
	}
	scn_guest_kernel_dir(r->guest_kernel, name, sizeof(name));
	snprintf(buf, cap, "%.200s/kernels/%.200s", guest, name);
}

void scn_run_qemu(const struct scn_runner *rn, const struct scn_run *r, struct scn_result *res)
{
	const char *guest = getenv("HIBLAB_GUEST"), *tmo = getenv("HIBLAB_QEMU_TIMEOUT");
	struct qrun q = { .rn = rn, .r = r };
	double sus = 0, rsm = 0, rst = 0;
	unsigned c, ok;
	char dir[700], gdir[500], why[sizeof(res->reason)];
	FILE *f;
	int err = 0;

	guest = guest && *guest ? guest : "build/guest";
	guest_dir(r, guest, gdir, sizeof(gdir));
	snprintf(q.kernel, sizeof(q.kernel), "%s/vmlinuz", gdir);
	snprintf(q.initrd, sizeof(q.initrd), "%s/initrd.img", gdir);
	snprintf(q.disk, sizeof(q.disk), "%s/run-%u.disk", rn->scratch, r->index);
	snprintf(q.accel_file, sizeof(q.accel_file), "%s/accel", rn->scratch);
	snprintf(dir, sizeof(dir), "%s/console", rn->outdir);
	q.timeout = tmo && atoi(tmo) > 0 ? (unsigned)atoi(tmo) : 120;
	snprintf(q.accel, sizeof(q.accel), "%s", hb_qemu_guess_accel());
	f = fopen(q.accel_file, "r");
	if (f) {
		if (fscanf(f, "%7s", q.accel) != 1)
			snprintf(q.accel, sizeof(q.accel), "tcg");
		fclose(f);
	}
	q.m = (struct hb_qemu_machine){
		.kernel = q.kernel, .initrd = q.initrd, .disk = q.disk,
		.mem_mib = r->guest_mem >> 20, .vcpus = r->vcpus, .cpu = r->cpu, .append = q.append,
		.console = q.console, .timeout_s = q.timeout, .disk_bps = r->guest_disk_bps,
	};
	if (r->debian)
		err = scn_debian_setup(&q, why, sizeof(why));
	else if ((access(q.kernel, R_OK) != 0 || access(q.initrd, R_OK) != 0) && r->guest_kernel[0])
		err = hb_fail(HB_EUSAGE, "qemu: no guest for kernel %s in %s (run make guest-kernel "
					 "KERNEL=%s)", r->guest_kernel, gdir, r->guest_kernel);
	else if (access(q.kernel, R_OK) != 0 || access(q.initrd, R_OK) != 0)
		err = hb_fail(HB_EUSAGE, "qemu: no guest in %s (run make guest)", guest);
	if (err == 1) {
		/* a run this guest cannot make yet: nothing is wrong, the reason says why */
		scn_qemu_verdict(res, SCN_VERDICT_SKIPPED, why, "", "");
		snprintf(res->accel, sizeof(res->accel), "%s", q.accel);
		res->met = true;
		return;
	}
	if (!err && scn_mkdirs(dir) != 0)
		err = hb_fail(HB_EIO, "qemu: cannot make %s", dir);
	if (!err && r->stress) {
		double sums[3] = { 0, 0, 0 };
		err = stress(&q, res, sums);
		sus = sums[0];
		rsm = sums[1];
		rst = sums[2];
	}
	for (c = 0; c < r->cycles && !err && !r->stress; c++) {
		struct qcycle fig = qcycle_none();

		err = cycle(&q, c, res, &fig);
		if (!err && fig.resume_s > 0) {
			sus += fig.suspend_s;
			rsm += fig.resume_s;
			scn_samples_add(&res->suspend_cycle_s, fig.suspend_s);
			scn_samples_add(&res->resume_cycle_s, fig.resume_s);
			rst += fig.restore_s;
		}
		if (!err)
			cycle_row(&q, c, res, &fig);
		if (!err && res->verdict == SCN_VERDICT_SKIPPED)
			break;
		if (!err && !meets(&q, res))
			break;
	}
	snprintf(res->accel, sizeof(res->accel), "%s", q.accel);
	if (err) {
		res->verdict = SCN_VERDICT_CRASH;
		snprintf(res->reason, sizeof(res->reason), "%s", hb_detail(err));
	}
	res->met = !err && meets(&q, res);
	ok = q.restored;
	if (ok) {
		res->suspend_s = sus / ok;
		res->resume_s = rsm / ok;
		res->restore_s = rst / ok;
		res->suspend_mbps = res->suspend_s > 0 ? (double)res->bytes_in / res->suspend_s / 1e6 : 0;
		res->resume_mbps = res->resume_s > 0 ? (double)res->bytes_in / res->resume_s / 1e6 : 0;
	}
	res->ratio = res->bytes_out ? (double)res->bytes_in / (double)res->bytes_out : 0;
	unlink(q.disk);
	if (q.own_initrd[0])
		unlink(q.own_initrd);
}
