/* Checking a parsed scenario: every value against this build's plugins and
 * the rules of docs/SCENARIOS.md, each mistake at the line it is on. */
#include "scenario.h"
#include "scn_specs.h"

#include "core/chain.h"
#include "core/options.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add(struct scn_diag *d, const struct scn_file *f, int line, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static void add(struct scn_diag *d, const struct scn_file *f, int line, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	if (d->count == SCN_DIAG_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(d->msg[d->count++], sizeof(d->msg[0]), "%.300s:%d: %.320s", f->path, line, text);
}

static bool whole_number(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return false;
	v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi)
		return false;
	if (out)
		*out = v;
	return true;
}

static const char *const qemu_faults[] = { "none", "flip", "truncate", "zero-header", "enomem",
					   "twice", "wrong-key", "passphrase",
					   "wrong-passphrase", "sparse-swapfile", NULL };
/* guest = debian: hiblab's image damaged on the disk, a second resume, the
 * key file changed in the guest before it hibernates, a passphrase typed
 * right or wrong at the initramfs's prompt, a swap file hiblab setup must
 * refuse (docs/QEMU.md) */
static const char *const debian_faults[] = { "none", "flip", "twice", "wrong-key", "passphrase",
					     "wrong-passphrase", "sparse-swapfile", NULL };
/* the faults only the Debian guest makes (it has hiblab's configuration),
 * and why */
static const struct {
	const char *fault, *why;
	bool sealed;  /* the image must be encrypted: every chain has a cipher */
} debian_only[] = {
	{ "wrong-key", "its key file, changed before it hibernates", true },
	{ "passphrase", "its initramfs asks for the passphrase on the console", true },
	{ "wrong-passphrase", "its initramfs asks for the passphrase on the console", true },
	{ "sparse-swapfile", "its hiblab setup, given a swap file with holes", false },
};

/* "a, b or c" of a NULL-ended set, into buf */
static void set_words(const char *const *set, char *buf, size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	for (; *set && n < cap; set++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%s", n == 0 ? "" : set[1] ? ", " : " or ",
				      *set);
}

static bool one_of(const char *v, const char *const *set)
{
	for (; *set; set++) {
		if (strcmp(v, *set) == 0)
			return true;
	}
	return false;
}

/* chain = kernel:lzo | kernel:lz4: the kernel hibernates by itself (guest runs
 * only).  1 for such a chain, 0 for any other, -1 with msg for a bad one. */
static int kernel_chain(const char *item, const char *guest, char *msg, size_t mcap)
{
	char comp[8];
	int k = scn_kernel_chain(item, comp, sizeof(comp));

	if (k < 0)
		snprintf(msg, mcap, "chain: '%s': the kernel compresses with lzo or lz4 "
			 "(kernel:lzo, kernel:lz4)", item);
	else if (k > 0 && !guest)
		snprintf(msg, mcap, "chain: '%s': only with machine = qemu or libvirt", item);
	return k > 0 && !guest ? -1 : k;
}

static void check_axis(const struct scn_file *f, enum scn_axis a, const struct scn_list *l,
		       const char *guest, struct scn_diag *d)
{
	char spec[HB_STR_MAX * 2], msg[512];
	unsigned i;
	bool is_file, backing;
	int bad;

	for (i = 0; i < l->count; i++) {
		const char *item = l->items[i];
		switch (a) {
		case SCN_AX_KERNEL:
			bad = guest ? scn_guest_kernel_check(item, msg, sizeof(msg)) : -1;
			if (!guest)
				snprintf(msg, sizeof(msg), "kernel: only with machine = qemu or "
					 "libvirt");
			break;
		case SCN_AX_MEMORY:
			bad = scn_memory_spec(item, f->dir, spec, sizeof(spec), msg, sizeof(msg));
			break;
		case SCN_AX_DISK:
			if (guest) {
				bad = strcmp(item, "swap") && strcmp(item, "block");
				snprintf(msg, sizeof(msg), "disk: '%s': with machine = %s, expected "
					 "swap or block", item, guest);
				break;
			}
			bad = scn_disk_spec(item, spec, sizeof(spec), &is_file, &backing, msg,
					    sizeof(msg));
			break;
		case SCN_AX_PAGES:
		case SCN_AX_COMPRESS:
		case SCN_AX_ENCRYPT:
		case SCN_AX_CHECKSUM:
			bad = scn_filters_spec(scn_axis_key(a), item, spec, sizeof(spec), msg,
					       sizeof(msg));
			break;
		case SCN_AX_CHAIN:
			bad = kernel_chain(item, guest, msg, sizeof(msg));
			if (bad > 0)
				bad = 0;
			else if (bad == 0)
				bad = scn_chain_spec(item, spec, sizeof(spec), msg, sizeof(msg));
			break;
		case SCN_AX_FAULT:
			if (guest) {
				char words[200];
				bad = !one_of(item, qemu_faults);
				set_words(qemu_faults, words, sizeof(words));
				snprintf(msg, sizeof(msg), "fault: '%s': with machine = %s, expected %s",
					 item, guest, words);
				break;
			}
			bad = scn_fault_check(item, msg, sizeof(msg));
			break;
		case SCN_AX_CHUNK:
			bad = whole_number(item, 1, 4096, NULL) ? 0 : -1;
			snprintf(msg, sizeof(msg), "chunk-pages: '%s': expected 1..4096", item);
			break;
		case SCN_AXES:
		default:
			bad = 0;
			break;
		}
		if (bad)
			add(d, f, l->lines[i], "%s", msg);
	}
}

static void check_single(const struct scn_file *f, enum scn_single k, const struct scn_list *l,
			 struct scn_diag *d)
{
	const char *v;
	unsigned e;
	uint64_t size;
	char msg[512];

	if (!l->count)
		return;
	v = l->items[0];
	switch (k) {
	case SCN_KEY_CYCLES:
		if (!whole_number(v, 1, 1000, NULL))
			add(d, f, l->line, "cycles: '%s': expected 1..1000", v);
		return;
	case SCN_KEY_EXPECT:
		for (e = 0; e <= SCN_EXPECT_SAFE; e++) {
			if (strcmp(v, scn_expect_name((enum scn_expect)e)) == 0)
				return;
		}
		add(d, f, l->line, "expect: '%s': expected restored, refused, no-image or safe", v);
		return;
	case SCN_KEY_VERIFY:
		if (strcmp(v, "yes") && strcmp(v, "no"))
			add(d, f, l->line, "verify: '%s': expected yes or no", v);
		return;
	case SCN_KEY_KEY:
		if (strcmp(v, "auto") && strncmp(v, "keyfile=", 8) && strncmp(v, "passfile=", 9))
			add(d, f, l->line, "key: '%s': expected auto, keyfile=PATH or passfile=PATH",
			    v);
		return;
	case SCN_KEY_MAX_RSS:
		if (hb_parse_size(v, &size) || size == 0)
			add(d, f, l->line, "max-rss: '%s': expected a size like 64MiB", v);
		return;
	case SCN_KEY_MACHINE:
		if (strcmp(v, "sim") && strcmp(v, "qemu") && strcmp(v, "libvirt"))
			add(d, f, l->line, "machine: '%s': expected sim, qemu or libvirt", v);
		return;
	case SCN_KEY_GUEST_MEMORY:
		if (hb_parse_size(v, &size) || size < (64u << 20) || size % (1u << 20))
			add(d, f, l->line, "guest-memory: '%s': expected whole MiB, at least 64MiB", v);
		return;
	case SCN_KEY_VCPUS:
		if (!whole_number(v, 1, 64, NULL))
			add(d, f, l->line, "vcpus: '%s': expected 1..64", v);
		return;
	case SCN_KEY_BASELINE:
		if (strcmp(v, "none") && strcmp(v, "kernel"))
			add(d, f, l->line, "baseline: '%s': expected none or kernel", v);
		return;
	case SCN_KEY_THREADS:
		if (!whole_number(v, 0, 64, NULL))
			add(d, f, l->line, "threads: '%s': expected 0..64 (0: hiblab's default)", v);
		return;
	case SCN_KEY_SWAPON:
		if (strcmp(v, "yes") && strcmp(v, "no"))
			add(d, f, l->line, "swapon: '%s': expected yes or no", v);
		return;
	case SCN_KEY_CPU:
		/* it ends up on qemu's command line and in libvirt's XML: a name only */
		if (!*v || strlen(v) >= 64 ||
		    strspn(v, "abcdefghijklmnopqrstuvwxyz"
			      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != strlen(v))
			add(d, f, l->line, "cpu: '%s': expected default, max, host or a QEMU CPU model "
			    "(qemu-system-x86_64 -cpu help)", v);
		return;
	case SCN_KEY_URI:
		/* virsh -c takes driver[+transport]://[user@host]/path[?a=b&c=d];
		 * only virsh's argv sees it, so '&' (joining parameters) is fine */
		if (!strstr(v, ":/") || strpbrk(v, " \t'\"<>"))
			add(d, f, l->line, "uri: '%s': expected a libvirt URI like qemu:///session "
			    "or qemu+ssh://user@host/session", v);
		return;
	case SCN_KEY_KERNEL_ARGS:
		if (scn_kernel_args_check(v, msg, sizeof(msg)))
			add(d, f, l->line, "%s", msg);
		return;
	case SCN_KEY_KERNEL_THREADS:
		if (!whole_number(v, 1, 64, NULL))
			add(d, f, l->line, "kernel-threads: '%s': expected 1..64", v);
		return;
	case SCN_KEY_GUEST_DISK:
		if (scn_rate_parse(v, &size, msg, sizeof(msg)))
			add(d, f, l->line, "%s", msg);
		return;
	case SCN_KEY_ZERO_TOP:
		if (hb_parse_size(v, &size) || size == 0 || size % (1u << 20))
			add(d, f, l->line, "zero-top: '%s': expected whole MiB, like 4MiB", v);
		return;
	case SCN_KEY_GUEST:
		if (strcmp(v, "busybox") && strcmp(v, "debian"))
			add(d, f, l->line, "guest: '%s': expected busybox or debian", v);
		return;
	case SCN_KEY_REBOOT:
		if (strcmp(v, "yes") && strcmp(v, "no"))
			add(d, f, l->line, "reboot: '%s': expected yes or no", v);
		return;
	case SCN_KEY_DESCRIPTION:
	case SCN_SINGLES:
		return;
	}
}

/* A one-value key as it applies to section s: its own, else the file's. */
static const struct scn_list *in_effect(const struct scn_file *f, const struct scn_section *s,
					enum scn_single k)
{
	return s->single[k].count ? &s->single[k] : &f->top.single[k];
}

/* An axis as it applies to section s: its own list, else the file's. */
static const struct scn_list *axis_in_effect(const struct scn_file *f,
					     const struct scn_section *s, enum scn_axis a)
{
	return s->axis[a].count ? &s->axis[a] : &f->top.axis[a];
}

/* Whether the one-value key k in effect for s is value. */
static bool single_is(const struct scn_file *f, const struct scn_section *s, enum scn_single k,
		      const char *value)
{
	const struct scn_list *l = in_effect(f, s, k);

	return l->count && strcmp(l->items[0], value) == 0;
}

/* Where value is in l, or -1. */
static int item_index(const struct scn_list *l, const char *value)
{
	unsigned i;

	for (i = 0; i < l->count; i++) {
		if (strcmp(l->items[i], value) == 0)
			return (int)i;
	}
	return -1;
}

/* The faults for which the host damages the image by its place on the disk. */
static const char *const damaging_faults[] = { "flip", "truncate", "zero-header", NULL };

/* Every chain of s is the kernel's own hibernation (kernel:X). */
static bool kernel_chains_only(const struct scn_file *f, const struct scn_section *s)
{
	const struct scn_list *chains = axis_in_effect(f, s, SCN_AX_CHAIN);
	char comp[8];
	unsigned i;

	for (i = 0; i < chains->count; i++) {
		if (scn_kernel_chain(chains->items[i], comp, sizeof(comp)) <= 0)
			return false;
	}
	return chains->count > 0;
}

/* Some chain of s is the kernel's own hibernation (kernel:X). */
static bool any_kernel_chain(const struct scn_file *f, const struct scn_section *s)
{
	const struct scn_list *chains = axis_in_effect(f, s, SCN_AX_CHAIN);
	char comp[8];
	unsigned i;

	for (i = 0; i < chains->count; i++) {
		if (scn_kernel_chain(chains->items[i], comp, sizeof(comp)) > 0)
			return true;
	}
	return false;
}

/* Whether the hiblab chain text encrypts (a cipher among its filters). */
static bool chain_seals(const char *text)
{
	struct hb_chain chain;
	bool seals;

	if (hb_chain_from_text(&chain, text) != 0)
		return false;
	seals = hb_chain_seals(&chain);
	hb_chain_free(&chain);
	return seals;
}

/* The Debian guest's own faults (debian_only): only with guest = debian,
 * and those of a key only with chains that encrypt. */
static void debian_only_faults(const struct scn_file *f, const struct scn_section *s,
			       struct scn_diag *d)
{
	const struct scn_list *faults = axis_in_effect(f, s, SCN_AX_FAULT);
	const struct scn_list *chains = axis_in_effect(f, s, SCN_AX_CHAIN);
	char comp[8];
	unsigned i, c;
	int at;

	for (i = 0; i < sizeof(debian_only) / sizeof(debian_only[0]); i++) {
		at = item_index(faults, debian_only[i].fault);
		if (at < 0)
			continue;
		if (!single_is(f, s, SCN_KEY_GUEST, "debian")) {
			add(d, f, faults->lines[at], "fault: '%s': only with guest = debian (%s)",
			    debian_only[i].fault, debian_only[i].why);
			return;
		}
		for (c = 0; debian_only[i].sealed && c < chains->count; c++) {
			if (scn_kernel_chain(chains->items[c], comp, sizeof(comp)) > 0 ||
			    chain_seals(chains->items[c]))
				continue;
			add(d, f, faults->lines[at], "fault: '%s': chain '%s' does not encrypt (add "
			    "aes-256-gcm: the fault is about its key)", debian_only[i].fault,
			    chains->items[c]);
			return;
		}
	}
}

/* swapon = yes: the kernel places the image's pages among its own, so the
 * host cannot find the records to damage.  The kernel's own image it finds
 * through the kernel's map pages: a part of kernel: chains only may. */
static void swapon_faults(const struct scn_file *f, const struct scn_section *s,
			  struct scn_diag *d)
{
	const struct scn_list *faults = axis_in_effect(f, s, SCN_AX_FAULT);
	unsigned i;

	if (!single_is(f, s, SCN_KEY_SWAPON, "yes") || kernel_chains_only(f, s))
		return;
	for (i = 0; i < faults->count; i++) {
		if (one_of(faults->items[i], damaging_faults))
			add(d, f, faults->lines[i], "fault: '%s': not with swapon = yes (the kernel "
			    "places the image among its swap pages; the host cannot find the "
			    "records)", faults->items[i]);
	}
}

/* The kernel hibernates only to swap, and resumes an image once by its own
 * rules: a kernel:X chain with disk = block, or with fault = twice, would be
 * a run that cannot be made. */
static void kernel_chain_limits(const struct scn_file *f, const struct scn_section *s,
				struct scn_diag *d)
{
	const struct scn_list *chains = axis_in_effect(f, s, SCN_AX_CHAIN);
	const struct scn_list *disks = axis_in_effect(f, s, SCN_AX_DISK);
	const struct scn_list *faults = axis_in_effect(f, s, SCN_AX_FAULT);
	int block = item_index(disks, "block"), twice = item_index(faults, "twice");
	char comp[8];
	unsigned i;

	for (i = 0; i < chains->count; i++) {
		if (scn_kernel_chain(chains->items[i], comp, sizeof(comp)) <= 0)
			continue;
		if (block >= 0)
			add(d, f, chains->lines[i], "chain: '%s': the kernel hibernates to swap only; "
			    "not with disk = block (line %d)", chains->items[i], disks->lines[block]);
		else if (twice >= 0)
			add(d, f, chains->lines[i], "chain: '%s': not with fault = twice (line %d; "
			    "hiblab's rule, not the kernel's)", chains->items[i], faults->lines[twice]);
		if (block >= 0 || twice >= 0)
			return;
	}
}

/* reboot = no runs every cycle in one guest and stops at the first failure:
 * a fault, which makes one, belongs in a run of its own. */
static void reboot_faults(const struct scn_file *f, const struct scn_section *s,
			  struct scn_diag *d)
{
	const struct scn_list *faults = axis_in_effect(f, s, SCN_AX_FAULT);
	unsigned i;

	if (!single_is(f, s, SCN_KEY_REBOOT, "no"))
		return;
	for (i = 0; i < faults->count; i++) {
		if (strcmp(faults->items[i], "none") != 0) {
			add(d, f, faults->lines[i], "fault: '%s': not with reboot = no (its "
			    "cycles run in one guest; a fault is a run of its own)", faults->items[i]);
			return;
		}
	}
}

/* guest = debian boots one disk image whose kernel is its own, hibernates to
 * its swap file with systemctl hibernate, and is booted by qemu itself: the
 * keys that shape the busybox guest's cycle do not apply. */
static void debian_limits(const struct scn_file *f, const struct scn_section *s,
			  const char *machine, struct scn_diag *d)
{
	static const enum scn_single busybox_only[] = { SCN_KEY_REBOOT, SCN_KEY_ZERO_TOP,
							SCN_KEY_SWAPON };
	const struct scn_list *guest = in_effect(f, s, SCN_KEY_GUEST);
	const struct scn_list *kern = axis_in_effect(f, s, SCN_AX_KERNEL);
	const struct scn_list *disks = axis_in_effect(f, s, SCN_AX_DISK);
	const struct scn_list *faults = axis_in_effect(f, s, SCN_AX_FAULT);
	int block = item_index(disks, "block");
	unsigned i;

	if (!single_is(f, s, SCN_KEY_GUEST, "debian"))
		return;
	/* machine = sim: the line every guest key gets says it */
	if (strcmp(machine, "qemu") != 0) {
		if (strcmp(machine, "libvirt") == 0)
			add(d, f, guest->line, "guest: 'debian': only with machine = qemu (this is "
			    "machine = libvirt)");
		return;
	}
	if (kern->count)
		add(d, f, kern->lines[0], "kernel: not with guest = debian (it boots its own kernel, "
		    "linux-image-cloud-amd64)");
	if (block >= 0)
		add(d, f, disks->lines[block], "disk: 'block': not with guest = debian (it hibernates "
		    "to its swap file: disk = swap)");
	for (i = 0; i < faults->count; i++) {
		if (!one_of(faults->items[i], debian_faults)) {
			char words[200];
			set_words(debian_faults, words, sizeof(words));
			add(d, f, faults->lines[i], "fault: '%s': not with guest = debian (%s)",
			    faults->items[i], words);
			break;
		}
		/* the kernel's image in the swap file is not damaged by the host yet */
		if (strcmp(faults->items[i], "none") != 0 && any_kernel_chain(f, s)) {
			add(d, f, faults->lines[i], "fault: '%s': not with guest = debian and a "
			    "kernel: chain (hiblab's chains only)", faults->items[i]);
			break;
		}
	}
	for (i = 0; i < sizeof(busybox_only) / sizeof(busybox_only[0]); i++) {
		const struct scn_list *l = in_effect(f, s, busybox_only[i]);
		if (l->count)
			add(d, f, l->line, "%s: not with guest = debian (the busybox guest's key; the "
			    "Debian guest's swap file is always on)", scn_single_key(busybox_only[i]));
	}
}

static void check_section(const struct scn_file *f, const struct scn_section *s,
			  struct scn_diag *d)
{
	static const enum scn_axis filter_axes[] = { SCN_AX_PAGES, SCN_AX_COMPRESS,
						     SCN_AX_ENCRYPT, SCN_AX_CHECKSUM };
	static const enum scn_single guest_keys[] = {
		SCN_KEY_CPU, SCN_KEY_SWAPON, SCN_KEY_THREADS, SCN_KEY_KERNEL_ARGS,
		SCN_KEY_KERNEL_THREADS, SCN_KEY_GUEST_DISK, SCN_KEY_REBOOT, SCN_KEY_ZERO_TOP,
		SCN_KEY_GUEST,
	};
	const struct scn_list *mach = in_effect(f, s, SCN_KEY_MACHINE);
	const char *machine = mach->count ? mach->items[0] : "sim";
	const char *guest = strcmp(machine, "qemu") == 0 || strcmp(machine, "libvirt") == 0 ?
			    machine : NULL;
	unsigned i;

	for (i = 0; i < SCN_AXES; i++)
		check_axis(f, (enum scn_axis)i, &s->axis[i], guest, d);
	swapon_faults(f, s, d);
	kernel_chain_limits(f, s, d);
	reboot_faults(f, s, d);
	debian_limits(f, s, machine, d);
	if (guest)
		debian_only_faults(f, s, d);
	for (i = 0; i < sizeof(guest_keys) / sizeof(guest_keys[0]) && !guest; i++) {
		const struct scn_list *l = &s->single[guest_keys[i]];
		if (l->count)
			add(d, f, l->line, "%s: only with machine = qemu or libvirt (this is "
			    "machine = %s)", scn_single_key(guest_keys[i]), machine);
	}
	if (s->single[SCN_KEY_URI].count && strcmp(machine, "libvirt") != 0)
		add(d, f, s->single[SCN_KEY_URI].line, "uri: only with machine = libvirt (this is "
		    "machine = %s)", machine);
	for (i = 0; i < SCN_SINGLES; i++)
		check_single(f, (enum scn_single)i, &s->single[i], d);
	for (i = 0; s->axis[SCN_AX_CHAIN].line && i < 4; i++) {
		const struct scn_list *l = &s->axis[filter_axes[i]];
		if (l->line) {
			add(d, f, s->axis[SCN_AX_CHAIN].line, "chain: excludes pages, compress, "
			    "encrypt and checksum (%s is set on line %d)", scn_axis_key(filter_axes[i]),
			    l->line);
			break;
		}
	}
}

void scn_check(const struct scn_file *f, struct scn_diag *d)
{
	unsigned i;

	check_section(f, &f->top, d);
	for (i = 0; i < f->nparts; i++)
		check_section(f, &f->parts[i], d);
}
