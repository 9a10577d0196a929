/* Simulated disks: capacity, sector size, bandwidth, latency, queue depth,
 * a volatile write cache, FUA, and deterministic faults (docs/SIMULATION.md).
 *
 * Data follows the order of the I/O, never the clock, so every fault replays
 * exactly; time is real (the caller sleeps), so wall time shows the overlap
 * of CPU and disk.  A disk lives in a process-wide registry under its name,
 * so a resume in the same process sees what a suspend (and a power cut) left;
 * with a file backing it also outlives the process. */
#ifndef HB_SIM_DISK_H
#define HB_SIM_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- named profiles ------------------------------------------------------ */

struct hb_disk_profile {
	const char *name;
	const char *help;
	uint64_t size;          /* default capacity */
	uint32_t sector;        /* logical sector size */
	uint32_t read_mbps;     /* MB/s (10^6 bytes), 0: unlimited */
	uint32_t write_mbps;
	uint32_t latency_us;    /* per I/O */
	uint32_t flush_us;      /* a cache flush */
	uint32_t qd;            /* queue depth */
	uint32_t cache_mib;     /* volatile write cache, 0: write-through */
	bool fua;               /* honours Force Unit Access */
	bool throttle;          /* false: no sleeping at all (instant) */
};

/* "nvme|ssd|hdd|usb2|sd|instant", in index order. */
#define HB_DISK_PROFILE_NAMES "nvme|ssd|hdd|usb2|sd|instant"

const struct hb_disk_profile *hb_disk_profile_at(unsigned index);
const struct hb_disk_profile *hb_disk_profile_find(const char *name);

/* ---- faults ---------------------------------------------------------------- */

enum hb_fault_kind {
	HB_FAULT_POWERCUT,        /* power lost once `at` bytes were submitted */
	HB_FAULT_POWERCUT_FLUSH,  /* power lost at the count-th flush */
	HB_FAULT_EIO,             /* the sector holding byte `at` fails every I/O */
	HB_FAULT_EIO_AFTER,       /* write I/Os after the first count fail */
	HB_FAULT_ENOSPC,          /* writes reaching past byte `at` fail: no space */
	HB_FAULT_BITFLIP,         /* one bit of byte `at` flips at rest after commit */
	HB_FAULT_SPIKE            /* one I/O in count stalls spike-ms */
};

enum hb_fault_pos {
	HB_POS_BYTES,    /* value: bytes */
	HB_POS_PERCENT,  /* value: millionths of a percent of the span */
	HB_POS_RANDOM,   /* seeded, uniform in [0, span) */
	HB_POS_COUNT     /* value: a count (flushes, writes, I/Os) */
};

struct hb_fault {
	enum hb_fault_kind kind;
	enum hb_fault_pos pos;
	uint64_t value;
};

#define HB_FAULTS_MAX 8

struct hb_fault_set {
	unsigned count;
	struct hb_fault f[HB_FAULTS_MAX];
};

/* "none", or items joined by '+': powercut@40%, powercut@1MiB, powercut@flush2,
 * eio@10%, eio-after@100, enospc@50%, bitflip@rand, spike@20.  HB_EUSAGE with
 * a detail line naming the bad item. */
int hb_fault_parse(const char *text, struct hb_fault_set *set);

/* The byte offset a positional fault means for a span of bytes; index
 * tells apart several random faults of one seed. */
uint64_t hb_fault_offset(const struct hb_fault *f, uint64_t span, uint64_t seed, unsigned index);

/* ---- disks ----------------------------------------------------------------- */

struct hb_disk_config {
	uint64_t size;
	uint32_t sector;
	uint32_t read_mbps, write_mbps, latency_us, flush_us, qd, cache_mib;
	bool fua;
	bool throttle;
	char backing[512];      /* "memory", "none" (discard: counts only) or a file path */
	struct hb_fault_set faults;
	uint64_t seed;
	uint64_t span;          /* what 100% means for fault positions (0: size) */
	unsigned keep;          /* % of cached sectors that survive a power cut */
	unsigned spike_ms;
};

struct hb_disk;

struct hb_disk_stats {
	uint64_t submitted;     /* bytes written since the last arm */
	uint64_t writes;        /* write I/Os since the last arm */
	uint64_t flushes;
	uint64_t cached;        /* bytes in the volatile cache now */
	unsigned fired;         /* faults that took effect since the last arm */
	bool power_cut;         /* the last power cut is in this arm period */
};

/* Find the disk called name, or create it from cfg; take a reference.  An
 * existing disk must have the same size, sector and backing; it takes cfg's
 * timing and faults, and its power comes back on. */
int hb_disk_get(const char *name, const struct hb_disk_config *cfg, struct hb_disk **out);

/* Drop a reference.  The disk stays in the registry until forgotten (or the
 * process ends): a resume later in the process finds it as it was left. */
void hb_disk_put(struct hb_disk *d);

/* Remove a disk nobody holds from the registry, freeing its memory (a file
 * backing keeps what reached the media). */
void hb_disk_forget(const char *name);

/* A suspend starts (saving) or a resume (not): reset the counters; write
 * faults fire only while saving. */
void hb_disk_arm(struct hb_disk *d, bool saving);

/* Sector-aligned I/O.  fua: durable on return, whatever the cache holds. */
int hb_disk_write(struct hb_disk *d, uint64_t off, const void *buf, size_t len, bool fua);
int hb_disk_read(struct hb_disk *d, uint64_t off, void *buf, size_t len);
int hb_disk_flush(struct hb_disk *d);

/* Apply the bit-flip faults to the media (at rest, after a commit). */
int hb_disk_rot(struct hb_disk *d);

uint64_t hb_disk_size(const struct hb_disk *d);
uint32_t hb_disk_sector(const struct hb_disk *d);
bool hb_disk_powered(const struct hb_disk *d);
bool hb_disk_has_fua(const struct hb_disk *d);
void hb_disk_get_stats(const struct hb_disk *d, struct hb_disk_stats *st);

/* Stats of the registered disk called name; HB_ENOIMAGE if there is none. */
int hb_disk_stats_by_name(const char *name, struct hb_disk_stats *st);

#endif
