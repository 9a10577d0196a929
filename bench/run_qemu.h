/* One machine = qemu or libvirt run (bench/run_qemu.c) and its Debian guest
 * (bench/run_debian.c, guest = debian): the run's state, shared by both. */
#ifndef HB_BENCH_RUN_QEMU_H
#define HB_BENCH_RUN_QEMU_H

#include "runner.h"

#include "backends/qemu.h"
#include "core/options.h"

#include <stddef.h>
#include <stdint.h>

struct qrun {
	const struct scn_runner *rn;
	const struct scn_run *r;
	struct hb_qemu_machine m;
	char disk[700], console[800], accel_file[700], append[HB_STR_MAX * 3];
	char kernel[600], initrd[600], accel[8];
	char root_img[600];  /* guest = debian: the disk image each cycle starts from */
	uint64_t swap_page;  /* guest = debian: the swap file's first page on the disk
			      * (the kernel's resume_offset); 0: the swap area is the disk */
	char own_initrd[700];  /* guest = debian, hiblab: the initrd its hiblab setup wrote,
				* read off the cycle's disk; the resume boots it */
	char answers[256];   /* guest = debian, a passphrase fault: typed at the prompt */
	unsigned timeout;
	unsigned restored;  /* cycles that came back verified */
	struct hb_qemu_boot boots[2];  /* the boot that hibernated, the one that restored */
	/* why this cycle's refusal, from the guest's words (set with the verdict) */
	bool no_image;       /* there was no image to restore */
	bool swapon_failed;  /* and the area did not come back as swap */
};

/* verdict, and the reason: a, b and c joined (bench/run_qemu.c) */
void scn_qemu_verdict(struct scn_result *res, enum scn_verdict verdict, const char *a,
		      const char *b, const char *c);

/* One boot of q's guest (what: "suspend", "resume", the Debian guest's
 * "prime"); a KVM that cannot run it is said once and the boot runs again
 * on TCG.  0, or an error naming the boot (a timeout among them). */
int scn_qemu_boot(struct qrun *q, const char *what, struct hb_qemu_boot *b);

/* ---- guest = debian (bench/run_debian.c) ------------------------------------ */

/* The Debian guest's files (HIBLAB_DEBIAN_GUEST, else build/debian-guest)
 * into q.  With hiblab's package in the image, the image primed once
 * first (one boot: the swap file, hiblab setup; kept beside it), and q
 * pointed at the primed disk and initrd.  0; 1 when the run cannot be made
 * yet, with its reason in why (a hiblab chain without hiblab's integration
 * in the image); HB_EUSAGE when the guest is not built; HB_EIO when the
 * prime boot failed (its console log named). */
int scn_debian_setup(struct qrun *q, char *why, size_t cap);

/* What primed.stamp holds for the image root_img (its size and time, the
 * prime recipe): a stamp that differs means the prime boot runs again.  0,
 * or HB_EIO when root_img cannot be read. */
int scn_debian_prime_stamp(const char *root_img, char *buf, size_t cap);

/* The cycle's disk: a sparse copy of the image.  0, or HB_EIO. */
int scn_debian_fresh_disk(const struct qrun *q);

/* q->append for the boot what ("suspend", "resume"): root, the hb_* words
 * guest/debian/hiblab-guest reads and, to resume, the kernel's resume= and
 * resume_offset= at the swap file; and the initrd the boot starts (a hiblab
 * resume: the guest's own, q->own_initrd). */
void scn_debian_append(struct qrun *q, const char *what);

/* After the suspend boot b: the swap file's page from its HIBLAB-BOOTED line
 * into q->swap_page and, for hiblab, the initrd its setup wrote off the disk
 * into q->own_initrd.  0, or HB_EIO when the guest did not say or the initrd
 * cannot be read. */
int scn_debian_booted(struct qrun *q, const struct hb_qemu_boot *b);

/* After a resume boot b that restored and verified the page workload: the
 * guest's own checks on its HIBLAB-DONE line (the sqlite3 database, the
 * system not degraded).  1 all passed; 0 with the verdict set. */
int scn_debian_done(const struct qrun *q, const struct hb_qemu_boot *b, struct scn_result *res);

/* After a resume boot b that restored nothing (the verdict refused is set):
 * the boot must have gone on, the system up (its HIBLAB-SWAPON line).  1 it
 * did; 0 with the verdict turned to crash. */
int scn_debian_refused(const struct hb_qemu_boot *b, struct scn_result *res);

#endif
