/* summary.md: what a person reads after a run, a table and what missed. */
#include "reports.h"

#include "core/error.h"

#include <errno.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* An engine MB/s cell: "-" where there is none (a guest run, or no cycle
 * that succeeded). */
static void rate_cell(FILE *f, double mbps)
{
	if (mbps > 0)
		fprintf(f, "| %.1f ", mbps);
	else
		fputs("| - ", f);
}

/* A figure the run may not have measured: "—" and the verdict's word
 * instead of a 0.0 that reads as measured. */
static void figure_cell(FILE *f, bool measured, int decimals, double v,
			const struct scn_result *r)
{
	if (measured)
		fprintf(f, "| %.*f ", decimals, v);
	else
		fprintf(f, "| — %s ", scn_report_unmeasured(r));
}

/* A speed: the median, with the slowest and fastest cycle from two cycles. */
static void speed_cell(FILE *f, const struct scn_result *r, bool resume)
{
	struct scn_speed s;

	scn_report_speed(r, resume, &s);
	if (s.measured && s.cycles >= 2)
		fprintf(f, "| %.1f (%.1f–%.1f) ", s.mbps, s.min, s.max);
	else
		figure_cell(f, s.measured, 1, s.mbps, r);
}

static void cell(FILE *f, const char *s)
{
	fputs("| ", f);
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
	fputc(' ', f);
}

/* machine = qemu runs: hiblab and the kernel's own hibernation side by side,
 * each hiblab run against the kernel run of the same scenario, guest kernel
 * and workload, its default compressor (kernel:lzo) first (the ratio:
 * hiblab / kernel, below 1 is hiblab faster or smaller). */
static const struct scn_result *kernel_peer(const struct scn_results *rs,
					    const struct scn_result *r)
{
	const struct scn_result *any = NULL;
	unsigned i;

	for (i = 0; i < rs->count; i++) {
		const struct scn_result *k = &rs->v[i];
		if (k->kernel && strcmp(k->scenario, r->scenario) == 0 &&
		    strcmp(k->machine, r->machine) == 0 &&
		    strcmp(k->guest_kernel, r->guest_kernel) == 0 &&
		    strcmp(k->part, r->part) == 0 && strcmp(k->memory, r->memory) == 0 &&
		    k->verdict == SCN_VERDICT_RESTORED) {
			if (strcmp(k->chain, "kernel:lzo") == 0)
				return k;
			any = any ? any : k;
		}
	}
	return any;
}

static double over(double a, double b)
{
	return b > 0 ? a / b : 0.0;
}

static void qemu_section(FILE *f, const struct scn_results *rs)
{
	unsigned i, n = 0;

	for (i = 0; i < rs->count; i++)
		n += rs->v[i].qemu;
	if (!n)
		return;
	fputs("\n## Real hibernation in QEMU: hiblab vs the kernel\n\n"
	      "| # | who | kernel | disk | chain | machine | pages | image MiB | suspend s | resume s | "
	      "restore s | suspend+resume s | vs kernel: suspend+resume | vs kernel: image | "
	      "verdict |\n|---:|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n", f);
	for (i = 0; i < rs->count; i++) {
		const struct scn_result *r = &rs->v[i], *k;
		double total = r->suspend_s + r->resume_s;
		struct scn_speed sus, res;
		char ratio_t[32] = "", ratio_i[32] = "";
		if (!r->qemu)
			continue;
		k = r->kernel ? NULL : kernel_peer(rs, r);
		if (k && r->verdict == SCN_VERDICT_RESTORED) {
			snprintf(ratio_t, sizeof(ratio_t), "%.2f",
				 over(total, k->suspend_s + k->resume_s));
			snprintf(ratio_i, sizeof(ratio_i), "%.2f",
				 over((double)r->bytes_out, (double)k->bytes_out));
		}
		scn_report_speed(r, false, &sus);
		scn_report_speed(r, true, &res);
		fprintf(f, "| %u | %s | %s | %s | %s | %s/%s ", r->index, r->kernel ? "kernel" : "hiblab",
			r->kernel_release[0] ? r->kernel_release : r->guest_kernel, r->disk, r->chain,
			r->machine, r->accel);
		figure_cell(f, r->pages > 0, 0, (double)r->pages, r);
		figure_cell(f, scn_report_has_ratio(r), 1, (double)r->bytes_out / 1048576.0, r);
		figure_cell(f, sus.measured, 2, r->suspend_s, r);
		figure_cell(f, res.measured, 2, r->resume_s, r);
		figure_cell(f, res.measured && r->restore_s > 0, 2, r->restore_s, r);
		figure_cell(f, sus.measured && res.measured, 2, total, r);
		fprintf(f, "| %s | %s | %s |\n", ratio_t, ratio_i, scn_verdict_name(r->verdict));
	}
	fputs("\nSuspend: the trigger (hiblab suspend, or echo disk > /sys/power/state) to "
	      "the guest's power-off, timed on the host from its serial console.  Resume: "
	      "the machine started to the workload's HIBLAB-VERIFY line; restore: the resume step "
	      "alone (hiblab resume or /sys/power/resume to back in the image).  Image: "
	      "hiblab's header and records; the kernel's, its map pages and the pages they list, as the "
	      "host read them between the boots.  "
	      "Kernel: the release the guest booted.  "
	      "Means over the cycles.  Ratios: hiblab / kernel on the same machine.  Machine: "
	      "qemu or libvirt, and the accelerator (kvm, tcg).\n", f);
}

/* The guest cycles' phases, from cycles.csv beside the summary at path. */
static void phases_of_dir(FILE *f, const char *path)
{
	struct scn_cycle_rows rows;
	char dir[1200];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	if (scn_cycle_rows_load(dir, &rows) == 0)
		scn_phase_section(f, &rows);
	scn_cycle_rows_free(&rows);
}

int scn_write_summary(const char *path, const char *title, const struct scn_results *rs)
{
	FILE *f = fopen(path, "w");
	struct utsname u;
	char when[64], verdict[700], text[600];
	time_t now = time(NULL);
	unsigned i, missed = 0, wrong = 0;

	if (!f)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	for (i = 0; i < rs->count; i++) {
		missed += !rs->v[i].met;
		wrong += rs->v[i].verdict == SCN_VERDICT_WRONG;
	}
	fprintf(f, "# hiblab: %s\n\n%s on %s %s %s, %ld CPUs.  %u runs: %u as expected, %u not%s.\n\n",
		title, when, u.sysname, u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN),
		rs->count, rs->count - missed, missed, wrong ? ", some WRONG" : "");
	fputs("| # | scenario | memory | disk | chain | fault | ratio | suspend MB/s "
	      "| suspend engine MB/s | resume MB/s | resume engine MB/s | peak RSS MiB | verdict "
	      "| as expected |\n", f);
	fputs("|---:|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---|---|\n", f);
	for (i = 0; i < rs->count; i++) {
		const struct scn_result *r = &rs->v[i];
		fprintf(f, "| %u ", r->index);
		snprintf(text, sizeof(text), "%s%s%s", r->scenario, r->part[0] ? "/" : "", r->part);
		cell(f, text);
		cell(f, r->memory);
		cell(f, r->disk);
		cell(f, r->chain);
		cell(f, r->fault);
		figure_cell(f, scn_report_has_ratio(r), 2, r->ratio, r);
		speed_cell(f, r, false);
		rate_cell(f, r->suspend_engine_mbps);
		speed_cell(f, r, true);
		rate_cell(f, r->resume_engine_mbps);
		fprintf(f, "| %.1f ", (double)r->rss_kib / 1024.0);
		scn_result_verdict_text(r, verdict, sizeof(verdict));
		if (strlen(verdict) > 72)
			strcpy(verdict + 69, "...");
		cell(f, verdict);
		fprintf(f, "| %s |\n", r->met ? "yes" : "**no**");
	}
	if (missed)
		fputs("\n## Not as expected\n\n", f);
	for (i = 0; i < rs->count; i++) {
		const struct scn_result *r = &rs->v[i];
		if (r->met)
			continue;
		scn_result_verdict_text(r, verdict, sizeof(verdict));
		scn_result_key(r, text, sizeof(text));
		fprintf(f, "- #%u %s: %s (expected %s)%s%s\n", r->index, text, verdict, r->expect,
			r->suspend_error[0] ? "; suspend: " : "", r->suspend_error);
	}
	fputs("\nSuspend: source pages generated or read, filters, writes to the (simulated) "
	      "disk and the commit.  Resume: reads, record checks, filters undone, the digest, "
	      "and with verify every page compared with its source.  MB/s = source bytes / "
	      "seconds: the median over the cycles, the slowest and the fastest cycle in "
	      "brackets; \"—\" and the verdict where the run measured none.  Engine MB/s: "
	      "the same bytes over the seconds "
	      "not spent producing the source pages (suspend) or handing pages to the sink, "
	      "with verify comparing them with the source (resume): what the chain, the "
	      "digest and the disk cost (docs/BENCHMARKS.md, \"Where the time went\").  "
	      "Peak RSS: the run's own process.\n", f);
	qemu_section(f, rs);
	phases_of_dir(f, path);
	if (fclose(f) != 0)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	return 0;
}
