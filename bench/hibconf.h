/* /etc/hiblab/hibernate.conf: what `systemctl hibernate` and the initramfs
 * run hiblab with (docs/DEBIAN.md, "Configure").  A `key = value` file:
 *
 *   enabled  = yes | no              (default yes)
 *   target   = swap:/dev/DEV[,offset=N]
 *   swapfile = /swapfile             (instead of target: found by its extent map)
 *   filters  = lz4  |  zstd:level=1,aes-gcm   (default none)
 *   key      = keyfile=PATH | passfile=PATH | passphrase   (typed at resume)
 *
 * It decides what runs as root at every hibernation and boot, so it is read
 * only from a regular file (not a symlink) that no one but its owner (root,
 * or whoever runs hiblab) can write, in a directory others cannot swap it
 * in; every line is a known key, once.  This is the CLI's file, kept here
 * (bench/) so the unit tests link it. */
#ifndef HB_HIBCONF_H
#define HB_HIBCONF_H

#include "core/options.h"

#include <stdbool.h>

#define HB_HIBCONF_PATH "/etc/hiblab/hibernate.conf"
/* what hiblab setup writes for the initramfs (the target resolved) */
#define HB_HIBCONF_INITRAMFS_PATH "/etc/hiblab/initramfs.conf"
#define HB_HIBCONF_MAX_BYTES 65536
/* key = passphrase: typed at resume, no file */
#define HB_HIBCONF_PASSPHRASE "passphrase"

struct hb_hibconf {
	bool enabled;
	char target[HB_STR_MAX];    /* as written, or resolved from swapfile */
	char swapfile[HB_STR_MAX];  /* "" when target was given */
	char filters[HB_STR_MAX];   /* "" for none */
	char key[HB_STR_MAX];       /* keyfile=PATH, passfile=PATH, passphrase, or "" */
	bool seals;                 /* the filters hold a cipher: key is set */
};

/* Read and check path; a swapfile is resolved into target (swap_file.h).
 * Every refusal is HB_EUSAGE with one line that begins with path (and
 * ":LINE" for a line's fault); HB_EIO when it cannot be read. */
int hb_hibconf_read(const char *path, struct hb_hibconf *c);

/* Does the initramfs configuration at initramfs_path (when there is one)
 * resume from c's target?  A swap file recreated since hiblab setup lies
 * elsewhere: an image written there would never be found.  0 when it
 * matches or there is no such file; else HB_EUSAGE saying so. */
int hb_hibconf_check_initramfs(const struct hb_hibconf *c, const char *initramfs_path);

/* The key file the key names (keyfile= or passfile=), or NULL. */
const char *hb_hibconf_key_file(const struct hb_hibconf *c);

#endif
