/* A fake kernel behind /dev/snapshot (struct hb_snapshot_sys) for the
 * snapshot suites: every call logged, any call made to fail with any errno
 * on its n-th use, an image of numbered pages to read and a sink to write
 * them back to, swap slots handed out one by one, and the kernel's
 * system_transition_mutex (an ioctl during a read fails with EBUSY).  Plus
 * the fixture and helpers the suites share. */
#ifndef HB_SNAPFAKE_H
#define HB_SNAPFAKE_H

#include <linux/suspend_ioctls.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PS 4096u
#define FD 77

enum call {
	C_NONE, C_MLOCK, C_OPEN, C_CLOSE, C_READ, C_WRITE, C_REBOOT, C_FREEZE, C_UNFREEZE,
	C_CREATE, C_GETSIZE, C_FREE, C_RESTORE, C_PLATFORM, C_POWEROFF, C_PREF, C_SETSWAP,
	C_AVAIL, C_ALLOC, C_FREESWAP
};

extern const char *const call_names[];

/* What the fake kernel holds and does; reset_kernel() clears it. */
struct snap_kernel {
	enum call fail;          /* this call fails ... */
	int fail_errno;          /* ... with this errno ... */
	unsigned fail_at;        /* ... on its fail_at-th use (0: the first) */
	unsigned used[32];
	int in_suspend;
	uint64_t pages;          /* the kernel's image */
	uint64_t short_at;       /* read returns 0 at this page (0: never) */
	uint64_t next_read;
	uint8_t *sink;           /* pages written back */
	uint64_t written;
	uint64_t write_stop;     /* write returns 0 at this page (0: never) */
	enum call log[4096];
	unsigned nlog;
	int open_flags, reboot_how;
	uintptr_t pref_size;
	struct resume_swap_area area;
	const uint64_t *slots;   /* ALLOC_SWAP_PAGE's answers, in pages */
	unsigned nslots;
	uint64_t avail_pages;
	unsigned read_delay_us;  /* each read takes this long: widens the window for k_busy */
};
extern struct snap_kernel kern;

/* The kernel's system_transition_mutex: a read of /dev/snapshot holds it, an
 * ioctl only tries it and fails with EBUSY when it is taken (user.c).  Reads
 * in flight, and the ioctls that came while one was. */
extern atomic_uint k_reading, k_busy;

/* The content of the kernel's page n. */
void page_content(uint64_t n, uint8_t *p);
/* Position of call c in the log (-1: never), and the log as text. */
int at(enum call c);
const char *log_text(void);
#define assert_before(a, b)                                                              \
	cr_assert(at(a) >= 0 && at(b) > at(a), "%s must come before %s: %s", call_names[a], \
		  call_names[b], log_text())
/* A fresh kernel holding an image of pages pages, in_suspend = 1. */
void reset_kernel(uint64_t pages);

/* The fixture: the fake in place, a 300-page kernel image, a scratch dir
 * with a 4 MiB file img, and target = "block:" img. */
extern char dir[256], img[512], target[600];
void snap_setup(void);
void snap_teardown(void);

int suspend_to(const char *source, const char *filters, const char *to);
/* The same with the pipeline's threads set: reading and writing run apart */
int suspend_threads(const char *source, const char *filters, const char *to,
		    unsigned threads);
int resume_from(const char *from, const char *sink);
/* Every page the kernel gave came back, in order. */
void assert_pages_back(void);
/* Thawed (FREE before UNFREEZE where the kernel held an image), closed, and
 * never powered off without an image. */
void assert_thawed(bool kernel_held_image);
/* The image at target: 0 committed, 1 spent, or the error inspecting it. */
int image_state(void);

#endif
