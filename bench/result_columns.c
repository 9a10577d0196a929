/* The columns of a result, once: runs.csv's header and cells, runs.json's
 * keys and values, and reading runs.csv back all walk this table, so a new
 * column is one line here. */
#include "results.h"

#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define COL(nm, kd, field, digits)                                                        \
	{ .name = nm, .kind = kd, .offset = offsetof(struct scn_result, field),              \
	  .size = sizeof(((struct scn_result *)0)->field), .decimals = digits }

const struct scn_column scn_columns[] = {
	COL("index", SCN_COL_UINT, index, 0),
	COL("scenario", SCN_COL_TEXT, scenario, 0),
	COL("part", SCN_COL_TEXT, part, 0),
	COL("memory", SCN_COL_TEXT, memory, 0),
	COL("disk", SCN_COL_TEXT, disk, 0),
	COL("chain", SCN_COL_TEXT, chain, 0),
	COL("fault", SCN_COL_TEXT, fault, 0),
	COL("chunk_pages", SCN_COL_UINT, chunk_pages, 0),
	COL("cycles", SCN_COL_UINT, cycles, 0),
	COL("expect", SCN_COL_TEXT, expect, 0),
	COL("bytes_in", SCN_COL_U64, bytes_in, 0),
	COL("bytes_out", SCN_COL_U64, bytes_out, 0),
	COL("ratio", SCN_COL_REAL, ratio, 4),
	COL("suspend_s", SCN_COL_REAL, suspend_s, 6),
	COL("suspend_MBps", SCN_COL_REAL, suspend_mbps, 2),
	COL("resume_s", SCN_COL_REAL, resume_s, 6),
	COL("resume_MBps", SCN_COL_REAL, resume_mbps, 2),
	COL("peak_rss_KiB", SCN_COL_U64, rss_kib, 0),
	COL("verdict", SCN_COL_VERDICT, verdict, 0),
	COL("reason", SCN_COL_TEXT, reason, 0),
	COL("met", SCN_COL_YESNO, met, 0),
	COL("faults_fired", SCN_COL_UINT, fired, 0),
	COL("suspend_error", SCN_COL_TEXT, suspend_error, 0),
	/* guest runs (docs/QEMU.md) */
	COL("machine", SCN_COL_TEXT, machine, 0),
	COL("accel", SCN_COL_TEXT, accel, 0),
	COL("who", SCN_COL_WHO, kernel, 0),
	COL("pages", SCN_COL_U64, pages, 0),
	COL("restore_s", SCN_COL_REAL, restore_s, 6),
	/* where the time went (docs/BENCHMARKS.md, docs/SCENARIOS.md) */
	COL("threads", SCN_COL_UINT, threads, 0),
	COL("suspend_source_s", SCN_COL_REAL, suspend_phase_s[HB_PHASE_SOURCE], 6),
	COL("suspend_filters_s", SCN_COL_REAL, suspend_phase_s[HB_PHASE_FILTERS], 6),
	COL("suspend_digest_s", SCN_COL_REAL, suspend_phase_s[HB_PHASE_DIGEST], 6),
	COL("suspend_target_s", SCN_COL_REAL, suspend_phase_s[HB_PHASE_TARGET], 6),
	COL("suspend_commit_s", SCN_COL_REAL, suspend_phase_s[HB_PHASE_COMMIT], 6),
	COL("suspend_setup_s", SCN_COL_REAL, suspend_phase_s[HB_PHASE_SETUP], 6),
	COL("suspend_engine_s", SCN_COL_REAL, suspend_engine_s, 6),
	COL("suspend_engine_MBps", SCN_COL_REAL, suspend_engine_mbps, 2),
	COL("resume_read_s", SCN_COL_REAL, resume_phase_s[HB_PHASE_TARGET], 6),
	COL("resume_filters_s", SCN_COL_REAL, resume_phase_s[HB_PHASE_FILTERS], 6),
	COL("resume_digest_s", SCN_COL_REAL, resume_phase_s[HB_PHASE_DIGEST], 6),
	COL("resume_sink_s", SCN_COL_REAL, resume_phase_s[HB_PHASE_SINK], 6),
	COL("resume_invalidate_s", SCN_COL_REAL, resume_phase_s[HB_PHASE_COMMIT], 6),
	COL("resume_setup_s", SCN_COL_REAL, resume_phase_s[HB_PHASE_SETUP], 6),
	COL("resume_engine_s", SCN_COL_REAL, resume_engine_s, 6),
	COL("resume_engine_MBps", SCN_COL_REAL, resume_engine_mbps, 2),
	/* guest runs: which kernel (docs/QEMU.md) */
	COL("guest_kernel", SCN_COL_TEXT, guest_kernel, 0),
	COL("kernel_release", SCN_COL_TEXT, kernel_release, 0),
	/* which build on which machine */
	COL("hiblab_version", SCN_COL_TEXT, hiblab_version, 0),
	COL("commit", SCN_COL_TEXT, commit, 0),
	COL("host", SCN_COL_TEXT, host, 0),
	COL("kernel", SCN_COL_TEXT, host_kernel, 0),
	COL("cpu", SCN_COL_TEXT, cpu, 0),
	/* the spread over cycles: MB/s at the median, fastest and slowest cycle, how
	 * many cycles, and each cycle's seconds (what compare tests) */
	COL("suspend_MBps_median", SCN_COL_REAL, suspend_mbps_median, 2),
	COL("suspend_MBps_min", SCN_COL_REAL, suspend_mbps_min, 2),
	COL("suspend_MBps_max", SCN_COL_REAL, suspend_mbps_max, 2),
	COL("suspend_cycles", SCN_COL_UINT, suspend_cycle_s.count, 0),
	COL("resume_MBps_median", SCN_COL_REAL, resume_mbps_median, 2),
	COL("resume_MBps_min", SCN_COL_REAL, resume_mbps_min, 2),
	COL("resume_MBps_max", SCN_COL_REAL, resume_mbps_max, 2),
	COL("resume_cycles", SCN_COL_UINT, resume_cycle_s.count, 0),
	COL("suspend_cycle_s", SCN_COL_SAMPLES, suspend_cycle_s, 6),
	COL("resume_cycle_s", SCN_COL_SAMPLES, resume_cycle_s, 6),
};

const unsigned scn_column_count = sizeof(scn_columns) / sizeof(scn_columns[0]);

/* "0.012000 0.013100": every figure, or none where cap runs out (a cell
 * never holds half a number). */
static void samples_text(const struct scn_samples *s, int decimals, char *buf, size_t cap)
{
	size_t used = 0;
	unsigned i;
	int n;

	buf[0] = '\0';
	for (i = 0; i < s->count && i < SCN_SAMPLES_MAX; i++) {
		n = snprintf(buf + used, cap - used, "%s%.*f", i ? " " : "", decimals, s->v[i]);
		if (n < 0 || (size_t)n >= cap - used) {
			buf[used] = '\0';
			return;
		}
		used += (size_t)n;
	}
}

/* Figures up to the first that does not parse or is not a time (a crafted
 * file's nan, inf, 0 or negative would upset the ranks); at most
 * SCN_SAMPLES_MAX. */
static void samples_parse(const char *text, struct scn_samples *s)
{
	char *end;

	s->count = 0;
	while (s->count < SCN_SAMPLES_MAX) {
		double v = strtod(text, &end);
		if (end == text || !isfinite(v) || !(v > 0))
			break;
		s->v[s->count++] = v;
		text = end;
	}
}

const struct scn_column *scn_column_find(const char *name)
{
	unsigned i;

	for (i = 0; i < scn_column_count; i++) {
		if (strcmp(scn_columns[i].name, name) == 0)
			return &scn_columns[i];
	}
	return NULL;
}

void scn_column_text(const struct scn_column *c, const struct scn_result *r, char *buf,
		     size_t cap)
{
	const void *field = (const char *)r + c->offset;

	switch (c->kind) {
	case SCN_COL_UINT:
		snprintf(buf, cap, "%u", *(const unsigned *)field);
		return;
	case SCN_COL_U64:
		snprintf(buf, cap, "%llu", (unsigned long long)*(const uint64_t *)field);
		return;
	case SCN_COL_REAL:
		snprintf(buf, cap, "%.*f", c->decimals, *(const double *)field);
		return;
	case SCN_COL_TEXT:
		snprintf(buf, cap, "%s", (const char *)field);
		return;
	case SCN_COL_YESNO:
		snprintf(buf, cap, "%s", *(const bool *)field ? "yes" : "no");
		return;
	case SCN_COL_VERDICT:
		snprintf(buf, cap, "%s", scn_verdict_name(*(const enum scn_verdict *)field));
		return;
	case SCN_COL_WHO:
		snprintf(buf, cap, "%s", *(const bool *)field ? "kernel" : "hiblab");
		return;
	case SCN_COL_SAMPLES:
		samples_text((const struct scn_samples *)field, c->decimals, buf, cap);
		return;
	}
	buf[0] = '\0';
}

int scn_column_set(const struct scn_column *c, struct scn_result *r, const char *text)
{
	void *field = (char *)r + c->offset;

	switch (c->kind) {
	case SCN_COL_UINT:
		*(unsigned *)field = (unsigned)strtoul(text, NULL, 10);
		return 0;
	case SCN_COL_U64:
		*(uint64_t *)field = strtoull(text, NULL, 10);
		return 0;
	case SCN_COL_REAL:
		*(double *)field = strtod(text, NULL);
		return 0;
	case SCN_COL_TEXT:
		snprintf((char *)field, c->size, "%s", text);
		return 0;
	case SCN_COL_YESNO:
		*(bool *)field = strcmp(text, "yes") == 0;
		return 0;
	case SCN_COL_VERDICT:
		return scn_verdict_parse(text, (enum scn_verdict *)field);
	case SCN_COL_WHO:
		*(bool *)field = strcmp(text, "kernel") == 0;
		return 0;
	case SCN_COL_SAMPLES:
		samples_parse(text, (struct scn_samples *)field);
		return 0;
	}
	return HB_EINTERNAL;
}
