/* guest_console: the test guest's console, timed line by line.
 * See backends/guest_console.h. */
#include "backends/guest_console.h"
#include "core/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const mark_text[HB_QM_COUNT] = {
	[HB_QM_BOOTED] = "HIBLAB-BOOTED", [HB_QM_FILLED] = "HIBLAB-FILLED",
	[HB_QM_SUSPEND_START] = "HIBLAB-SUSPEND-START",
	[HB_QM_RESTORE_START] = "HIBLAB-RESTORE-START",
	[HB_QM_RESUME_FAILED] = "HIBLAB-RESUME-FAILED", [HB_QM_SWAPON] = "HIBLAB-SWAPON",
	[HB_QM_UNSUPPORTED] = "HIBLAB-UNSUPPORTED",
	[HB_QM_RESUMED] = "HIBLAB-RESUMED", [HB_QM_VERIFY] = "HIBLAB-VERIFY",
	[HB_QM_DONE] = "HIBLAB-DONE", [HB_QM_POWEROFF] = "HIBLAB-POWEROFF",
};

/* The console lines that bound phases; the first of each counts. */
static const struct {
	const char *text;
	enum hb_qemu_event ev;
} event_text[] = {
	{ "PM: hibernation: Preallocating image memory", HB_QE_PREALLOC },
	{ "PM: Compressing and saving image data", HB_QE_K_WRITE },
	{ "PM: Saving image data pages", HB_QE_K_WRITE },
	{ "PM: Image saving done", HB_QE_K_SAVED },
	{ "PM: S|", HB_QE_K_SIGNED },
	{ "HIBLAB-PHASE write", HB_QE_H_WRITE },
	{ "HIBLAB-PHASE commit", HB_QE_H_COMMIT },
	{ "HIBLAB-PHASE poweroff", HB_QE_H_POWEROFF },
	{ "HIBLAB-PHASE restore", HB_QE_H_RESTORE },
	{ "PM: Image loading done", HB_QE_K_LOADED },
	{ "OOM killer enabled", HB_QE_THAW },
};

/* The phase a boot is in once mark m was the last seen: named in timeouts. */
static const char *const phase_after[HB_QM_COUNT] = {
	[HB_QM_BOOTED] = "workload fill", [HB_QM_FILLED] = "suspend trigger",
	[HB_QM_SUSPEND_START] = "suspend (until power-off)",
	[HB_QM_RESTORE_START] = "restore",
	[HB_QM_RESUME_FAILED] = "boot after a refused resume", [HB_QM_SWAPON] = "power-off",
	[HB_QM_UNSUPPORTED] = "power-off",
	[HB_QM_RESUMED] = "workload verify", [HB_QM_VERIFY] = "power-off",
	[HB_QM_DONE] = "power-off", [HB_QM_POWEROFF] = "power-off",
};

int hb_console_begin(struct hb_console *c, const struct hb_qemu_machine *m,
		     struct hb_qemu_boot *b, const char *how)
{
	memset(b, 0, sizeof(*b));
	*c = (struct hb_console){ .b = b, .m = m, .last = -1, .next = m->answers };
	c->log = fopen(m->console, "a");
	if (!c->log)
		return hb_fail(HB_EIO, "console log %s: %s", m->console, strerror(errno));
	fprintf(c->log, "# %s -append '%s' (accel %s)\n", how, m->append, m->accel);
	b->start = c->last_t = hb_qemu_now();
	return 0;
}

static void on_line(struct hb_console *c, double t)
{
	struct hb_qemu_boot *b = c->b;
	const char *p;
	unsigned i;

	c->line[c->len] = '\0';
	if (c->log)
		fprintf(c->log, "[host %8.3f] %s\n", t - b->start, c->line);
	/* the guest's console may prefix a line with terminal escapes */
	for (i = 0; i < HB_QM_COUNT; i++) {
		p = strstr(c->line, mark_text[i]);
		if (!p || b->seen2[i] > 0)
			continue;
		if (b->seen[i] > 0) {
			b->seen2[i] = t;
			snprintf(b->text2[i], sizeof(b->text2[i]), "%s", p);
		} else {
			b->seen[i] = t;
			snprintf(b->text[i], sizeof(b->text[i]), "%s", p);
		}
		c->last = (int)i;
	}
	/* any word of the guest's, a mark or not (HIBLAB-SETUP running ...), says
	 * it is alive: the time limit is for silence, not for a long phase */
	if (strstr(c->line, "HIBLAB-"))
		c->last_t = t;
	for (i = 0; i < sizeof(event_text) / sizeof(event_text[0]); i++) {
		if (b->event[event_text[i].ev] <= 0 && strstr(c->line, event_text[i].text))
			b->event[event_text[i].ev] = t;
	}
	/* what the kernel says when it will not (or cannot) restore */
	if (!b->kernel_said[0] && (p = strstr(c->line, "PM: ")) != NULL &&
	    (strstr(p, "Invalid") || strstr(p, "Failed") || strstr(p, "not found") ||
	     strstr(p, "rror")))
		snprintf(b->kernel_said, sizeof(b->kernel_said), "%s", p);
	if ((p = strstr(c->line, "hiblab: ")) != NULL)
		snprintf(b->error, sizeof(b->error), "%s", p + 8);
	if ((p = strstr(c->line, "Linux version ")) != NULL) {
		c->kernel = true;
		sscanf(p + 14, "%79s", b->kernel_release);
	}
	if ((p = strstr(c->line, "Image created (")) != NULL)
		b->kernel_pages = strtoull(p + 15, NULL, 10);
	/* the kernel's last word, whoever powered it off: hiblab's reboot() or
	 * the kernel's own hibernation */
	if (strstr(c->line, "reboot: Power down") && b->powered_off <= 0)
		b->powered_off = t;
	if (strstr(c->line, "KVM internal error") || strstr(c->line, "failed to initialize kvm") ||
	    strstr(c->line, "failed to initialize KVM"))
		b->kvm_failed = true;
	c->len = 0;
	c->asked = false;
}

void hb_console_feed(struct hb_console *c, const char *buf, size_t n, double t)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			on_line(c, t);
		} else if (buf[i] != '\r' && c->len < sizeof(c->line) - 1) {
			c->line[c->len++] = buf[i];
		}
	}
}

bool hb_console_expired(struct hb_console *c, double t)
{
	struct hb_qemu_boot *b = c->b;

	if (strcmp(c->m->accel, "kvm") == 0 && !c->kernel && t - b->start > HB_KVM_SILENT_S)
		b->kvm_failed = true;
	if (b->kvm_failed)
		return true;
	if (t - c->last_t <= (double)c->m->timeout_s)
		return false;
	b->timed_out = true;
	snprintf(b->phase, sizeof(b->phase), "%s", c->last < 0 ? "boot" : phase_after[c->last]);
	return true;
}

bool hb_console_answer(struct hb_console *c, char *buf, size_t cap)
{
	const char *end;
	size_t n;

	if (!c->m->prompt || c->asked || c->len == 0)
		return false;
	c->line[c->len] = '\0';
	if (!strstr(c->line, c->m->prompt))
		return false;
	c->asked = true;
	c->b->prompts++;
	if (!c->next || !*c->next) {
		fprintf(c->log, "[host %8.3f] # the prompt came again: no answer left to type\n",
			hb_qemu_now() - c->b->start);
		return false;
	}
	end = strchr(c->next, '\n');
	n = end ? (size_t)(end - c->next) : strlen(c->next);
	snprintf(buf, cap, "%.*s", (int)n, c->next);
	c->next += end ? n + 1 : n;
	c->b->answered++;
	/* what was typed stays out of the log: it may be a passphrase */
	fprintf(c->log, "[host %8.3f] # typed answer %u at the prompt\n", hb_qemu_now() - c->b->start,
		c->b->answered);
	return true;
}

void hb_console_end(struct hb_console *c)
{
	struct hb_qemu_boot *b = c->b;

	if (c->len)
		on_line(c, hb_qemu_now());
	fprintf(c->log, "# exit %d after %.3f s%s%s\n", b->status, b->end - b->start,
		b->timed_out ? ", timed out in phase " : "", b->timed_out ? b->phase : "");
	fclose(c->log);
	c->log = NULL;
}

static const char *const guest_phase_names[HB_GP_COUNT] = {
	[HB_GP_FREEZE] = "freeze", [HB_GP_SNAPSHOT] = "snapshot", [HB_GP_WRITE] = "write",
	[HB_GP_COMMIT] = "commit", [HB_GP_POWEROFF] = "poweroff", [HB_GP_BOOT] = "boot",
	[HB_GP_READ] = "read", [HB_GP_RESTORE] = "restore", [HB_GP_THAW] = "thaw",
	[HB_GP_VERIFY] = "verify",
};

const char *hb_guest_phase_name(enum hb_guest_phase p)
{
	return (unsigned)p < HB_GP_COUNT ? guest_phase_names[p] : "?";
}

/* b - a when both came, in order; else -1 */
static double span(double a, double b)
{
	return a > 0 && b >= a ? b - a : -1.0;
}

void hb_guest_phases(const struct hb_qemu_boot *sus, const struct hb_qemu_boot *res, bool kernel,
		     double out[HB_GP_COUNT])
{
	/* where the two sides print their own boundaries */
	double write = sus->event[kernel ? HB_QE_K_WRITE : HB_QE_H_WRITE];
	double commit = sus->event[kernel ? HB_QE_K_SAVED : HB_QE_H_COMMIT];
	double off = sus->event[kernel ? HB_QE_K_SIGNED : HB_QE_H_POWEROFF];
	double loaded = res->event[kernel ? HB_QE_K_LOADED : HB_QE_H_RESTORE];

	out[HB_GP_FREEZE] = span(sus->seen[HB_QM_SUSPEND_START], sus->event[HB_QE_PREALLOC]);
	out[HB_GP_SNAPSHOT] = span(sus->event[HB_QE_PREALLOC], write);
	out[HB_GP_WRITE] = span(write, commit);
	out[HB_GP_COMMIT] = span(commit, off);
	out[HB_GP_POWEROFF] = span(off, sus->powered_off);
	out[HB_GP_BOOT] = span(res->start, res->seen[HB_QM_RESTORE_START]);
	out[HB_GP_READ] = span(res->seen[HB_QM_RESTORE_START], loaded);
	out[HB_GP_RESTORE] = span(loaded, res->event[HB_QE_THAW]);
	out[HB_GP_THAW] = span(res->event[HB_QE_THAW], res->seen[HB_QM_RESUMED]);
	out[HB_GP_VERIFY] = span(res->seen[HB_QM_RESUMED], res->seen[HB_QM_VERIFY]);
}
