/* guest_console: the test guest's serial console, line by line, for both
 * machines that boot it (qemu and libvirt).  Every "HIBLAB-..." line the
 * guest's /init prints is timed on the host as it arrives, the kernel lines
 * that matter are picked out (its banner, "Image created", KVM failures,
 * "reboot: Power down"), each phase has a time limit, and the console is kept
 * in a log stamped with host seconds. */
#ifndef HB_BACKENDS_GUEST_CONSOLE_H
#define HB_BACKENDS_GUEST_CONSOLE_H

#include "backends/qemu.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Under KVM the guest kernel prints its banner within a second; silence this
 * long means KVM cannot run the guest (here it fails only after a minute). */
#define HB_KVM_SILENT_S 5.0

struct hb_console {
	struct hb_qemu_boot *b;
	const struct hb_qemu_machine *m;
	FILE *log;
	char line[1024];
	size_t len;
	int last;          /* the last mark seen, -1: none */
	bool kernel;       /* the guest kernel printed its banner */
	double last_t;     /* when the guest last spoke (a HIBLAB- line): the silence clock */
	bool asked;        /* the unfinished line held the prompt: counted once */
	const char *next;  /* the next answer in m->answers */
};

/* Resets b, opens m->console for appending and writes the header line.
 * 0, or HB_EIO naming the log. */
int hb_console_begin(struct hb_console *c, const struct hb_qemu_machine *m,
		     struct hb_qemu_boot *b, const char *how);

/* n bytes of console output that arrived at host time t. */
void hb_console_feed(struct hb_console *c, const char *buf, size_t n, double t);

/* true when the boot must be stopped at host time t: its phase ran past
 * m->timeout_s (b->timed_out, b->phase), or KVM cannot run the guest
 * (b->kvm_failed). */
bool hb_console_expired(struct hb_console *c, double t);

/* The line to type now (m->prompt, m->answers), into buf without its
 * newline: true once for each unfinished line that holds the prompt, while
 * answers are left.  Counts b->prompts and b->answered. */
bool hb_console_answer(struct hb_console *c, char *buf, size_t cap);

/* The last partial line, the footer with how the boot ended, and closes the
 * log.  b->end and b->status must be set. */
void hb_console_end(struct hb_console *c);

#endif
