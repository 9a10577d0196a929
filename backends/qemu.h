/* qemu: boot the test guest (guest/, docs/QEMU.md) once with
 * qemu-system-x86_64 and watch its serial console (backends/guest_console.h).
 * The machine and boot records here serve the libvirt machine too.  The cycle
 * logic (which boots, which checks) is the caller's. */
#ifndef HB_BACKENDS_QEMU_H
#define HB_BACKENDS_QEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The lines the guest prints, in the order they can come. */
enum hb_qemu_mark {
	HB_QM_BOOTED,         /* /init runs, the disk is there */
	HB_QM_FILLED,         /* the workload filled its memory */
	HB_QM_SUSPEND_START,  /* hiblab suspend / echo disk > /sys/power/state */
	HB_QM_RESTORE_START,  /* hiblab resume / echo DEV > /sys/power/resume */
	HB_QM_RESUME_FAILED,  /* no restore: the guest carries on booting */
	HB_QM_UNSUPPORTED,    /* the guest kernel lacks what the run asks for */
	HB_QM_SWAPON,         /* after a failed resume: swapon of the area */
	HB_QM_RESUMED,        /* back in the hibernated system (or thawed) */
	HB_QM_VERIFY,         /* the workload checked every byte */
	HB_QM_DONE,
	HB_QM_POWEROFF,
	HB_QM_COUNT
};

/* Phase boundaries on the console (docs/QEMU.md, "Where the seconds go"):
 * the kernel's own lines and hiblab's "HIBLAB-PHASE name" lines. */
enum hb_qemu_event {
	HB_QE_PREALLOC,    /* "PM: hibernation: Preallocating image memory": the snapshot */
	HB_QE_K_WRITE,     /* the kernel writes its image: "PM: Compressing and saving image
			    * data" or "PM: Saving image data pages" */
	HB_QE_K_SAVED,     /* "PM: Image saving done": its header next */
	HB_QE_K_SIGNED,    /* "PM: S|": the signature is on the disk */
	HB_QE_H_WRITE,     /* HIBLAB-PHASE write: the image exists, hiblab writes it */
	HB_QE_H_COMMIT,    /* HIBLAB-PHASE commit: the last record is out */
	HB_QE_H_POWEROFF,  /* HIBLAB-PHASE poweroff: committed */
	HB_QE_H_RESTORE,   /* HIBLAB-PHASE restore: every page in, SNAPSHOT_ATOMIC_RESTORE */
	HB_QE_K_LOADED,    /* "PM: Image loading done": the kernel read its image */
	HB_QE_THAW,        /* "OOM killer enabled.": back in the image, thawing */
	HB_QE_COUNT
};

struct hb_qemu_machine {
	const char *qemu;        /* NULL: qemu-system-x86_64 */
	const char *kernel;      /* bzImage */
	const char *initrd;
	const char *disk;        /* raw disk image: the guest's /dev/vda */
	uint64_t mem_mib;
	unsigned vcpus;
	const char *cpu;         /* -cpu: "max", "host", a model; NULL: QEMU's default */
	const char *accel;       /* "kvm" or "tcg" */
	const char *append;      /* hb_* words for the guest's /init */
	const char *console;     /* the console log, appended to */
	unsigned timeout_s;      /* per phase */
	uint64_t disk_bps;       /* the disk throttled to this many bytes/s; 0: not */
	/* Typed at the console, as a user at the machine would: each time a line
	 * that is not finished yet (a prompt waits for its answer) holds
	 * prompt, the next '\n'-ended line of answers goes to the guest's serial
	 * input, with Enter.  NULL: the guest's input is empty (/dev/null). */
	const char *prompt;
	const char *answers;
};

struct hb_qemu_boot {
	double start, end;             /* host CLOCK_MONOTONIC seconds */
	double seen[HB_QM_COUNT];      /* when each mark came, 0: never */
	char text[HB_QM_COUNT][160];   /* the mark's line */
	double seen2[HB_QM_COUNT];     /* the second time it came (reboot = no: a boot that
					  * restores, then hibernates again), 0: never */
	char text2[HB_QM_COUNT][160];
	char error[256];               /* the last "hiblab: ..." line the guest printed */
	char kernel_said[160];         /* the kernel's first PM: line of a failure */
	uint64_t kernel_pages;         /* "Image created (N pages copied)" */
	char kernel_release[80];       /* "Linux version RELEASE ...": the banner */
	double powered_off;            /* "reboot: Power down" came, 0: never */
	double event[HB_QE_COUNT];     /* when each came first, 0: never */
	bool kvm_failed;               /* KVM cannot run this guest: try TCG */
	bool timed_out;
	char phase[32];                /* where it timed out */
	int status;                    /* qemu's exit status, -1: killed */
	unsigned prompts;              /* how many times the prompt came */
	unsigned answered;             /* of them, how many got an answer typed */
};

/* The argv for one boot: argv[] gets at most HB_QEMU_ARGV entries pointing
 * into store (cap bytes).  0, or HB_EUSAGE when it does not fit. */
#define HB_QEMU_ARGV 40
int hb_qemu_argv(const struct hb_qemu_machine *m, char **argv, char *store, size_t cap);

/* A cycle's phases, suspend then resume (docs/QEMU.md, "Where the seconds go"). */
enum hb_guest_phase {
	HB_GP_FREEZE,    /* the trigger to the snapshot: sync, freeze */
	HB_GP_SNAPSHOT,  /* preallocate, copy the image, devices back for the write */
	HB_GP_WRITE,     /* compress (or hiblab's chain) and write */
	HB_GP_COMMIT,    /* the header or signature, the last sync */
	HB_GP_POWEROFF,  /* to the kernel's "reboot: Power down" */
	HB_GP_BOOT,      /* the machine started to the restore's start in /init */
	HB_GP_READ,      /* read (and decompress) the image */
	HB_GP_RESTORE,   /* the jump back into the image, devices resumed */
	HB_GP_THAW,      /* tasks thawed, the hibernating command returns */
	HB_GP_VERIFY,    /* the workload checks every byte */
	HB_GP_COUNT
};

/* "freeze", "snapshot" ... */
const char *hb_guest_phase_name(enum hb_guest_phase p);

/* The phases of one cycle from its two boots: seconds, or -1 where a
 * boundary did not come (an older kernel, a boot that failed). */
void hb_guest_phases(const struct hb_qemu_boot *sus, const struct hb_qemu_boot *res, bool kernel,
		     double out[HB_GP_COUNT]);

/* Boot m until qemu exits (the guest powers off) or a phase times out.
 * 0 when qemu ran (whatever the guest did: see b), HB_EIO when it could not
 * start, HB_ETIMEOUT-like failures come back as 0 with b->timed_out. */
int hb_qemu_boot(const struct hb_qemu_machine *m, struct hb_qemu_boot *b);

/* "kvm" when /dev/kvm opens read-write, else "tcg": a first guess; a boot
 * that reports kvm_failed says KVM cannot run the guest after all. */
const char *hb_qemu_guess_accel(void);

double hb_qemu_now(void);

#endif
