/* What the snapshot source and sink (snapshot.c) share with the device
 * session (snapshot_session.c): the system calls, the message lines, and the
 * one suspend session a process can hold.
 *
 * The device admits one opener at a time, system-wide, so one session per
 * process is all there can be. */
#ifndef HB_SNAPSHOT_SESSION_H
#define HB_SNAPSHOT_SESSION_H

#include "backends/snapshot.h"
#include "core/plugin.h"

#include <stdbool.h>
#include <stdint.h>

/* What happens next, ending each failure line. */
#define NOTHING_FROZEN "nothing was frozen; the system carries on"
#define THAWED "the system was thawed and carries on"
#define LEFT_ALONE "nothing was restored and the image is left as it was"
#define SPENT "nothing was restored; the image is spent and the system carries on booting"

/* The system calls in force (the real ones, or a test's). */
const struct hb_snapshot_sys *hb_snap_sys(void);

/* "SNAPSHOT_CREATE_IMAGE: ENOMEM — not enough free memory for the image;
 * the system was thawed and carries on": the call, errno by name, why, and
 * `next`.  Returns code. */
int hb_snap_fail(int code, const char *call, int e, const char *next);

/* HB_ENOMEM, HB_ENOSPACE or HB_EIO for errno e. */
int hb_snap_code(int e);

/* ioctl(fd, req, arg): 0 or the errno. */
int hb_snap_ioctl(int fd, unsigned long req, void *arg);

/* ---- the suspend session -------------------------------------------------- */

enum hb_snap_after { HB_SNAP_POWEROFF, HB_SNAP_REBOOT, HB_SNAP_PLATFORM };

struct hb_snap_session {
	int fd;
	unsigned after;      /* enum hb_snap_after */
	uint32_t page_size;
	uint64_t pages, next;
	bool frozen;         /* FREEZE done, not yet UNFREEZE */
	bool ready;          /* the kernel holds an image (FREE before UNFREEZE) */
	bool paired;         /* a raw target will report its commit */
	bool committed;
	bool swap_set;
	bool claimed;        /* this session holds the process's one /dev/snapshot */
};

/* mlockall, open device, FREEZE, CREATE_IMAGE, GET_IMAGE_SIZE.  HB_ERESUMED
 * in the system restored from the image.  Call hb_snap_session_close after
 * a failed open too. */
int hb_snap_session_open(struct hb_snap_session *s, const char *device, unsigned after,
			 uint64_t image_size);

/* The next count pages of the image, in order (zeros past its end). */
int hb_snap_session_read(struct hb_snap_session *s, uint8_t *buf, uint32_t count);

/* The image is durable: power off now (or reboot, per after).  Returns only
 * if that failed (the line says why), or under a test's reboot. */
int hb_snap_session_committed(struct hb_snap_session *s);

/* Not committed (or the power-off failed): give the swap pages back and thaw;
 * then close the device. */
void hb_snap_session_close(struct hb_snap_session *s);

/* The kernel's free swap slots, ctx a struct hb_snap_session. */
extern const struct hb_slot_ops hb_snap_slot_ops;

#endif
