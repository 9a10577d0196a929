/* The kernel's /dev/snapshot (kernel/power/user.c): the system calls it
 * takes, behind a table so the tests can inject every failure, and the one
 * suspend session a process can hold, which the block and swap writers use
 * (swap slots from the kernel, power off after the commit).
 *
 * The device admits one opener at a time, system-wide, so one session per
 * process is all there can be. */
#ifndef HB_SNAPSHOT_H
#define HB_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Each call returns what the system call returns (-1 with errno set on
 * failure).  The real table calls open(2), ioctl(2), read(2), write(2),
 * close(2), mlockall(2) and reboot(2). */
struct hb_snapshot_sys {
	int (*open)(const char *path, int flags);
	int (*ioctl)(int fd, unsigned long request, void *arg);
	ssize_t (*read)(int fd, void *buf, size_t len);
	ssize_t (*write)(int fd, const void *buf, size_t len);
	int (*close)(int fd);
	int (*mlockall)(int flags);
	int (*reboot)(int how);
};

/* Install another table (tests); NULL puts the real one back. */
void hb_snapshot_set_sys(const struct hb_snapshot_sys *sys);

/* The open suspend session (a `snapshot` source holding an image), or NULL. */
struct hb_snapshot;
struct hb_snapshot *hb_snapshot_current(void);

/* A writer that will call hb_snapshot_committed() after its commit says so
 * when it opens for save; the source refuses to hand out pages otherwise,
 * since only a committed image may power the machine off. */
void hb_snapshot_attach_writer(struct hb_snapshot *s);

/* The image is durable: power off now (or reboot, per the source's
 * options).  Returns only if that failed (the error line says why; the
 * writer then drops its image and the system is thawed), or under a test
 * table whose reboot returns 0. */
int hb_snapshot_committed(struct hb_snapshot *s);

/* Swap slots from the kernel, so none in use is overwritten.  dev is the
 * block device of the swap area (st_rdev), offset its header in pages. */
int hb_snapshot_set_swap_area(struct hb_snapshot *s, dev_t dev, uint64_t offset);
/* A free page of the area: its byte offset on the device.  HB_ENOSPACE when full. */
int hb_snapshot_alloc_swap_page(struct hb_snapshot *s, uint64_t *byte_off);
/* Free swap the kernel can still give, in bytes. */
int hb_snapshot_avail_swap(struct hb_snapshot *s, uint64_t *bytes);
/* Give back every page taken (a failed suspend). */
void hb_snapshot_free_swap_pages(struct hb_snapshot *s);

#endif
