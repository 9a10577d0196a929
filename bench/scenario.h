/* Scenario files (docs/SCENARIOS.md): parsing, checking and expanding the
 * matrix into runs.  Every mistake is reported as "file:line: message"
 * before anything runs. */
#ifndef HB_BENCH_SCENARIO_H
#define HB_BENCH_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/options.h"

/* Keys that take a list and so make a matrix axis, outermost first. */
enum scn_axis {
	SCN_AX_KERNEL,      /* guest runs: the guest kernel (debian-6.1, debian-6.12, a bzImage) */
	SCN_AX_MEMORY,
	SCN_AX_DISK,
	SCN_AX_PAGES,
	SCN_AX_COMPRESS,
	SCN_AX_ENCRYPT,
	SCN_AX_CHECKSUM,
	SCN_AX_CHAIN,
	SCN_AX_FAULT,
	SCN_AX_CHUNK,
	SCN_AXES
};

/* Keys with one value. */
enum scn_single {
	SCN_KEY_CYCLES,
	SCN_KEY_EXPECT,
	SCN_KEY_KEY,
	SCN_KEY_VERIFY,
	SCN_KEY_DESCRIPTION,
	SCN_KEY_MAX_RSS,
	SCN_KEY_MACHINE,       /* sim | qemu | libvirt */
	SCN_KEY_GUEST_MEMORY,  /* qemu: the guest's RAM */
	SCN_KEY_VCPUS,
	SCN_KEY_BASELINE,      /* none | kernel */
	SCN_KEY_URI,           /* libvirt: the connection, qemu:///session */
	SCN_KEY_CPU,           /* qemu, libvirt: the guest CPU model */
	SCN_KEY_SWAPON,        /* qemu, libvirt: hiblab's swap area is active swap */
	SCN_KEY_THREADS,       /* qemu, libvirt: hiblab --threads in the guest */
	SCN_KEY_KERNEL_ARGS,   /* qemu, libvirt: words appended to the guest command line */
	SCN_KEY_KERNEL_THREADS, /* kernel runs: /sys/power/hibernate_compression_threads */
	SCN_KEY_GUEST_DISK,    /* qemu, libvirt: the guest disk throttled to RATE (200MB/s) */
	SCN_KEY_REBOOT,        /* qemu, libvirt: no: every cycle in one running guest */
	SCN_KEY_ZERO_TOP,      /* qemu, libvirt: the workload ends memory with SIZE of zero pages */
	SCN_KEY_GUEST,         /* qemu: busybox (the initramfs guest) | debian (guest/debian.sh) */
	SCN_SINGLES
};

/* cpu = ... when a guest scenario does not say */
#define HB_GUEST_CPU_DEFAULT "default"

enum scn_expect {
	SCN_EXPECT_RESTORED,  /* restored bit-exact */
	SCN_EXPECT_REFUSED,   /* refused, for any reason */
	SCN_EXPECT_NO_IMAGE,  /* refused because there is no image */
	SCN_EXPECT_SAFE       /* restored or refused: never WRONG */
};

/* One key's value in one section: its items and their lines. */
struct scn_list {
	int line;        /* 0: not set in this section */
	unsigned count;
	char **items;
	int *lines;
};

struct scn_section {
	char name[64];   /* "" for the part before any [section] */
	int line;
	struct scn_list axis[SCN_AXES];
	struct scn_list single[SCN_SINGLES];
};

struct scn_file {
	char path[1024];
	char dir[1024];        /* relative memory files are found from here */
	char name[64];         /* name = ..., or the file name without .scn */
	struct scn_section top;
	struct scn_section *parts;
	unsigned nparts;
};

#define SCN_DIAG_MAX 32

/* Bounds on what a scenario file may ask for (docs/SCENARIOS.md, "Limits"):
 * everything the parser and the expansion allocate grows with these, never
 * with the file alone. */
#define SCN_FILE_MAX (1u << 20)  /* bytes in one file */
#define SCN_LINE_MAX 4096        /* bytes in one line */
#define SCN_ITEM_MAX 500         /* bytes in one item or value (specs hold 511) */
#define SCN_ITEMS_MAX 1000       /* items in one key's list */
#define SCN_PARTS_MAX 1000       /* [parts] in one file */
#define SCN_RUNS_MAX 100000u     /* runs of one hiblab run, all its files together */

/* Mistakes found, each "file:line: message". */
struct scn_diag {
	unsigned count;
	char msg[SCN_DIAG_MAX][640];
};

/* Parse and check text (named path in messages).  Returns 0, or HB_EUSAGE
 * with every mistake in d; f is filled either way (scn_free it). */
int scn_parse_text(const char *path, const char *text, struct scn_file *f, struct scn_diag *d);
int scn_parse_file(const char *path, struct scn_file *f, struct scn_diag *d);
void scn_free(struct scn_file *f);

/* Check every value of every section of a parsed file against this build's
 * plugins (bench/scn_check.c); adds to d.  scn_parse_text ends with it. */
void scn_check(const struct scn_file *f, struct scn_diag *d);

/* The names of keys and expectations (bench/scn_keys.c). */

const char *scn_axis_key(enum scn_axis a);
const char *scn_single_key(enum scn_single k);
const char *scn_expect_name(enum scn_expect e);

/* ---- expansion -------------------------------------------------------------- */

/* What a guest fills its memory with (guest/workload.c): the sim: memory
 * spec's profile, size and seed. */
struct scn_workload {
	char profile[32];
	uint64_t mib;
	uint64_t seed;
};

struct scn_run {
	unsigned index;              /* position among all runs of the files, from 0 */
	char scenario[64];
	char part[64];
	char memory[HB_STR_MAX];     /* source spec: "sim:mixed,size=1GiB,seed=1" */
	char disk[HB_STR_MAX];       /* target spec without scratch paths and faults */
	bool disk_file;              /* the file writer: the runner adds the path */
	bool disk_file_backing;      /* sim with backing=file: the runner adds a path */
	char chain[HB_STR_MAX];      /* --filters text, "" for none */
	char fault[256];             /* "none" or a fault spec */
	uint32_t chunk_pages;
	unsigned cycles;
	enum scn_expect expect;
	bool verify;
	char key[HB_STR_MAX];        /* "" : a random key file made by the runner */
	uint64_t max_rss;            /* bytes; 0: no limit on the run's peak RSS */
	/* machine = qemu or libvirt: a real guest; memory is its workload, disk is
	 * swap|block */
	bool qemu;
	bool libvirt;                /* booted through libvirt at uri */
	char uri[256];
	bool kernel;                 /* the kernel's own hibernation (chain kernel:X, baseline) */
	char kernel_comp[8];         /* and its compressor: lzo, lz4 */
	unsigned kernel_threads;     /* kernel-threads; 0: the kernel's default */
	char guest_kernel[HB_STR_MAX]; /* the kernel axis: "" the default guest */
	char kernel_args[SCN_ITEM_MAX + 1]; /* kernel-args, "" none */
	uint64_t guest_disk_bps;     /* guest-disk in bytes/s; 0: not throttled */
	bool stress;                 /* reboot = no: cycles in one running guest */
	bool debian;                 /* guest = debian: the Debian 12 disk image, systemctl hibernate */
	uint64_t zero_top_mib;       /* zero-top: MiB of zero pages at the highest frames */
	uint64_t guest_mem;          /* bytes */
	unsigned vcpus;
	char cpu[64];                /* "" : QEMU's default model */
	bool swapon;                 /* disk = swap in use (swapon) while hiblab hibernates */
	unsigned threads;            /* hiblab --threads in the guest; 0: its default */
	struct scn_workload workload;  /* from memory */
	/* labels, as written in the scenario */
	char memory_label[256];
	char disk_label[256];
	char chain_label[HB_STR_MAX];
	char combo[1200];            /* all of the above on one line: --only and keys */
};

struct scn_runs {
	struct scn_run *v;
	unsigned count, cap;
};

/* How many runs f expands to, counted from its axes without building any;
 * UINT64_MAX when the count does not fit. */
uint64_t scn_count_runs(const struct scn_file *f);

/* Append the runs of f to runs (indexes continue from runs->count).  A file
 * that would take runs past SCN_RUNS_MAX is refused (HB_EUSAGE) before any
 * run is built. */
int scn_expand(const struct scn_file *f, struct scn_runs *runs);
void scn_runs_free(struct scn_runs *runs);

/* "scenario[/part] combo" contains pattern, a glob allowed ("*lz4*ssd*"). */
bool scn_match(const struct scn_run *r, const char *pattern);

/* The name --only matches: "scenario[/part]". */
void scn_run_id(const struct scn_run *r, char *buf, unsigned cap);

#endif
