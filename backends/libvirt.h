/* libvirt: boot the test guest once as a transient libvirt domain
 * (`virsh -c URI create`), the same machine as backends/qemu.c describes,
 * and watch its serial console, which libvirt writes to a file.  docs/QEMU.md
 * ("libvirt").  As root there is no system daemon here: qemu:///session, the
 * default, runs as an unprivileged user and spawns its own daemon. */
#ifndef HB_BACKENDS_LIBVIRT_H
#define HB_BACKENDS_LIBVIRT_H

#include "backends/qemu.h"

#include <stddef.h>

#define HB_LIBVIRT_DEFAULT_URI "qemu:///session"

/* The domain XML for one boot of m, named name, its serial console written
 * to serial.  Paths in m must be absolute.  0, or HB_EUSAGE when it does not
 * fit in cap bytes. */
int hb_libvirt_xml(const struct hb_qemu_machine *m, const char *name, const char *serial,
		   char *xml, size_t cap);

/* Boot m through libvirt at uri (NULL: qemu:///session) until the guest
 * powers off or a phase times out (the domain is then destroyed).  Same
 * contract as hb_qemu_boot(); HB_EIO with virsh's own words when the domain
 * cannot be created, or "no answer in N s" when virsh ran past m->timeout_s.
 * With a remote uri naming a user who exists here too, run as root, the
 * disk and console file are handed to that user (docs/QEMU.md). */
int hb_libvirt_boot(const struct hb_qemu_machine *m, const char *uri, struct hb_qemu_boot *b);

/* The user a remote uri logs in as ("qemu+ssh://USER@host:22/session"),
 * into user (cap bytes).  false for a local uri ("qemu:///session"), one
 * without a user or a host, or a user of cap bytes or more. */
bool hb_libvirt_remote_user(const char *uri, char *user, size_t cap);

#endif
