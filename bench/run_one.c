/* One run, inside its child process: build the target, calibrate fault
 * positions given in percent, then suspend and resume `cycles` times and
 * judge what came back. */
#include "runner.h"

#include "core/engine.h"
#include "core/error.h"
#include "sim/disk.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

struct progress_ctx {
	const struct scn_runner *rn;
	const struct scn_run *r;
	struct progress_show show;  /* the runner's, carried on in this child */
	double start;
};

static void progress(void *ctx, const struct hb_progress *p)
{
	struct progress_ctx *c = (struct progress_ctx *)ctx;
	char label[64];
	struct progress_view v = { .label = label, .done = p->done, .total = p->total,
				   .seconds = progress_now() - c->start,
				   .extra = c->rn->all_eta, .note = c->r->combo };

	snprintf(label, sizeof(label), "run %u/%u %s", c->rn->done + 1, c->rn->total, p->phase);
	progress_show(&c->show, &v);
}

static bool needs_span(const char *fault)
{
	struct hb_fault_set set;
	unsigned i;

	if (hb_fault_parse(fault, &set))
		return false;
	for (i = 0; i < set.count; i++) {
		if (set.f[i].pos == HB_POS_PERCENT || set.f[i].pos == HB_POS_RANDOM)
			return true;
	}
	return false;
}

/* Percent positions mean "of what a fault-free suspend of this run writes":
 * count it on a disk that keeps nothing and never sleeps. */
static int calibrate(const struct scn_run *r, const char *key, uint64_t *span)
{
	char target[HB_STR_MAX * 2], name[64];
	struct hb_suspend_args a = { .source = r->memory, .filters = r->chain, .key_spec = key,
				     .chunk_pages = r->chunk_pages };
	struct hb_disk_stats st;
	struct hb_stats hs;
	int err;

	snprintf(name, sizeof(name), "calibrate-%u", r->index);
	/* as large as it takes: a disk too small is a fault of the real run */
	snprintf(target, sizeof(target), "%s,name=%s,backing=none,throttle=no,fault=none,size=1PiB",
		 r->disk, name);
	a.target = target;
	err = hb_suspend(&a, &hs);
	if (!err)
		err = hb_disk_stats_by_name(name, &st);
	if (!err)
		*span = st.submitted;
	hb_disk_forget(name);
	return err;
}

static int build_target(const struct scn_runner *rn, const struct scn_run *r, const char *key,
			char *target, size_t cap, char *disk_name, size_t ncap)
{
	char scratch[sizeof(rn->scratch)];
	uint64_t span = 0;
	size_t used;
	int err;

	/* a path in a spec: $TMPDIR may hold a comma */
	if (hb_spec_escape(rn->scratch, scratch, sizeof(scratch)) >= sizeof(scratch))
		return hb_fail(HB_EUSAGE, "run: scratch directory %s: path too long", rn->scratch);
	snprintf(disk_name, ncap, "run-%u", r->index);
	if (r->disk_file) {
		snprintf(target, cap, "file:%s/run-%u.img%s", scratch, r->index, r->disk + 4);
		disk_name[0] = '\0';
		return 0;
	}
	snprintf(target, cap, "%s,name=%s", r->disk, disk_name);
	used = strlen(target);
	if (r->disk_file_backing)
		used += (size_t)snprintf(target + used, cap - used, ",backing=%s/run-%u.disk",
					 scratch, r->index);
	if (strcmp(r->fault, "none") != 0)
		used += (size_t)snprintf(target + used, cap - used, ",fault=%s", r->fault);
	if (needs_span(r->fault)) {
		err = calibrate(r, key, &span);
		if (err)
			return err;
		snprintf(target + used, cap - used, ",span=%llu", (unsigned long long)span);
	}
	return 0;
}

/* One cycle's phase times and engine seconds, added to the run's sums. */
static void add_times(double phase[HB_PHASES], double *engine, const struct hb_stats *st)
{
	unsigned p;

	for (p = 0; p < HB_PHASES; p++)
		phase[p] += st->phase_seconds[p];
	*engine += st->engine_seconds;
}

/* The sums of n cycles made means, and the engine's MB/s of bytes. */
static void mean_times(double phase[HB_PHASES], double *engine, double *mbps, unsigned n,
		       uint64_t bytes)
{
	unsigned p;

	for (p = 0; p < HB_PHASES; p++)
		phase[p] /= n;
	*engine /= n;
	*mbps = *engine > 0 ? (double)bytes / *engine / 1e6 : 0;
}

static bool meets(enum scn_expect e, int err)
{
	switch (e) {
	case SCN_EXPECT_RESTORED:
		return err == 0;
	case SCN_EXPECT_REFUSED:
		return err != 0 && err != HB_EMISMATCH;
	case SCN_EXPECT_NO_IMAGE:
		return err == HB_ENOIMAGE;
	case SCN_EXPECT_SAFE:
		return err != HB_EMISMATCH;
	}
	return false;
}

static void fired(const char *name, unsigned *count)
{
	struct hb_disk_stats st;

	if (name[0] && hb_disk_stats_by_name(name, &st) == 0)
		*count += st.fired;
}

void scn_run_here(const struct scn_runner *rn, const struct scn_run *r, struct scn_result *res)
{
	char target[HB_STR_MAX * 2], key[700], name[64];
	const char *key_spec = key;
	struct progress_ctx pc = { .rn = rn, .r = r, .show = rn->show };
	struct hb_suspend_args sa = { .source = r->memory, .filters = r->chain,
				      .chunk_pages = r->chunk_pages, .progress = progress,
				      .progress_ctx = &pc };
	struct hb_resume_args ra = { .verify = r->verify, .progress = progress,
				     .progress_ctx = &pc };
	struct hb_stats st;
	struct rusage ru;
	unsigned c, ok_s = 0, ok_r = 0;
	bool decided = false;
	int err;

	if (r->key[0])
		snprintf(key, sizeof(key), "%s", r->key);
	else
		snprintf(key, sizeof(key), "keyfile=%s", rn->keyfile);
	err = build_target(rn, r, key_spec, target, sizeof(target), name, sizeof(name));
	if (err) {
		res->verdict = SCN_VERDICT_REFUSED;
		snprintf(res->reason, sizeof(res->reason), "calibration failed: %s", hb_detail(err));
		return;
	}
	sa.target = ra.target = target;
	sa.key_spec = ra.key_spec = key_spec;
	for (c = 0; c < r->cycles; c++) {
		double t0 = progress_now();
		pc.start = t0;
		err = hb_suspend(&sa, &st);
		if (err) {
			snprintf(res->suspend_error, sizeof(res->suspend_error), "%s", hb_detail(err));
		} else {
			double took = progress_now() - t0;
			res->suspend_s += took;
			scn_samples_add(&res->suspend_cycle_s, took);
			res->bytes_in = st.bytes;
			res->bytes_out = st.image_bytes;
			res->threads = st.threads;
			add_times(res->suspend_phase_s, &res->suspend_engine_s, &st);
			ok_s++;
		}
		fired(name, &res->fired);
		t0 = pc.start = progress_now();
		err = hb_resume(&ra, &st);
		fired(name, &res->fired);
		if (!err) {
			double took = progress_now() - t0;
			res->resume_s += took;
			scn_samples_add(&res->resume_cycle_s, took);
			add_times(res->resume_phase_s, &res->resume_engine_s, &st);
			ok_r++;
		}
		if (decided)
			continue;
		/* the verdict is the first cycle that misses, else the last */
		res->met = meets(r->expect, err);
		res->verdict = err == 0 ? SCN_VERDICT_RESTORED : err == HB_EMISMATCH ?
			       SCN_VERDICT_WRONG : SCN_VERDICT_REFUSED;
		snprintf(res->reason, sizeof(res->reason), "%s", err ? hb_detail(err) : "");
		decided = !res->met;
	}
	if (ok_s) {
		res->suspend_s /= ok_s;
		res->suspend_mbps = res->suspend_s > 0 ? (double)res->bytes_in / res->suspend_s / 1e6 : 0;
		res->ratio = res->bytes_out ? (double)res->bytes_in / (double)res->bytes_out : 0;
		mean_times(res->suspend_phase_s, &res->suspend_engine_s, &res->suspend_engine_mbps,
			   ok_s, res->bytes_in);
	}
	if (ok_r) {
		res->resume_s /= ok_r;
		res->resume_mbps = res->resume_s > 0 ? (double)res->bytes_in / res->resume_s / 1e6 : 0;
		mean_times(res->resume_phase_s, &res->resume_engine_s, &res->resume_engine_mbps,
			   ok_r, res->bytes_in);
	}
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		res->rss_kib = (uint64_t)ru.ru_maxrss;  /* KiB on Linux and the BSDs */
	if (r->max_rss && res->rss_kib * 1024 > r->max_rss) {
		size_t used = strlen(res->reason);
		res->met = false;
		snprintf(res->reason + used, sizeof(res->reason) - used, "%speak RSS %.1f MiB is over "
			 "max-rss %.1f MiB", used ? "; " : "", (double)res->rss_kib / 1024.0,
			 (double)r->max_rss / 1048576.0);
	}
}
