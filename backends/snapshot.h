/* The kernel's /dev/snapshot (kernel/power/user.c): the system calls the
 * snapshot plugins take, behind a table so the tests can inject every
 * failure.  Nothing else includes this: a writer reaches the source only
 * through the core (struct hb_slot_alloc, the source's committed()). */
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

#endif
