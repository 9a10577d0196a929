/* Expanding a checked scenario into runs: the product of its axes, the
 * first axis outermost, each [part] on its own with the file's defaults. */
#include "scenario.h"
#include "scn_specs.h"

#include "core/error.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values of keys a scenario leaves out. */
static const char *const axis_default[SCN_AXES] = {
	[SCN_AX_KERNEL] = "default",
	[SCN_AX_MEMORY] = "mixed size=64MiB seed=1", [SCN_AX_DISK] = "instant",
	[SCN_AX_PAGES] = "none", [SCN_AX_COMPRESS] = "none", [SCN_AX_ENCRYPT] = "none",
	[SCN_AX_CHECKSUM] = "none", [SCN_AX_CHAIN] = "none", [SCN_AX_FAULT] = "none",
	[SCN_AX_CHUNK] = "32",
};

static bool is_filter_axis(unsigned a)
{
	return a == SCN_AX_PAGES || a == SCN_AX_COMPRESS || a == SCN_AX_ENCRYPT ||
	       a == SCN_AX_CHECKSUM;
}

/* The part's own setting, else the file's; a part's chain drops the file's
 * filter axes and a part's filter axis drops the file's chain. */
static const struct scn_list *effective(const struct scn_file *f, const struct scn_section *s,
					unsigned a)
{
	unsigned i;

	if (s->axis[a].line)
		return &s->axis[a];
	if (s == &f->top)
		return NULL;
	if (a == SCN_AX_CHAIN) {
		for (i = 0; i < SCN_AXES; i++) {
			if (is_filter_axis(i) && s->axis[i].line)
				return NULL;
		}
	} else if (is_filter_axis(a) && s->axis[SCN_AX_CHAIN].line) {
		return NULL;
	}
	return f->top.axis[a].line ? &f->top.axis[a] : NULL;
}

static const char *single(const struct scn_file *f, const struct scn_section *s,
			  enum scn_single k, const char *def)
{
	if (s->single[k].count)
		return s->single[k].items[0];
	if (f->top.single[k].count)
		return f->top.single[k].items[0];
	return def;
}

/* machine = qemu or libvirt: a real guest */
static bool guest_machine(const struct scn_file *f, const struct scn_section *s)
{
	const char *m = single(f, s, SCN_KEY_MACHINE, "sim");

	return strcmp(m, "qemu") == 0 || strcmp(m, "libvirt") == 0;
}

/* Room for at least need runs (need 0: one more, doubling). */
static int reserve(struct scn_runs *runs, unsigned need)
{
	struct scn_run *v;
	unsigned cap = need ? need : runs->cap ? runs->cap * 2 : 64;

	if (need ? need <= runs->cap : runs->count < runs->cap)
		return 0;
	v = (struct scn_run *)realloc(runs->v, cap * sizeof(*v));
	if (!v)
		return hb_fail(HB_ENOMEM, "out of memory");
	runs->v = v;
	runs->cap = cap;
	return 0;
}

static void join_chain(char *out, size_t cap, const char *add)
{
	size_t used = strlen(out);

	if (*add)
		snprintf(out + used, cap - used, "%s%s", used ? "," : "", add);
}

/* One combination: pick[a] is the item of each axis. */
static int make_run(const struct scn_file *f, const struct scn_section *s,
		    const char *const pick[SCN_AXES], struct scn_run *r)
{
	char msg[512], spec[HB_STR_MAX];
	unsigned a, e;
	int err;
	const char *expect = single(f, s, SCN_KEY_EXPECT, "restored");
	bool qemu = guest_machine(f, s);

	memset(r, 0, sizeof(*r));
	snprintf(r->scenario, sizeof(r->scenario), "%s", f->name);
	snprintf(r->part, sizeof(r->part), "%s", s->name);
	if (scn_memory_spec(pick[SCN_AX_MEMORY], f->dir, r->memory, sizeof(r->memory), msg,
			    sizeof(msg)) ||
	    (!qemu && scn_disk_spec(pick[SCN_AX_DISK], r->disk, sizeof(r->disk), &r->disk_file,
			  &r->disk_file_backing, msg, sizeof(msg))))
		return hb_fail(HB_EUSAGE, "%s: %s", f->path, msg);
	if (qemu && scn_kernel_chain(pick[SCN_AX_CHAIN], r->kernel_comp, sizeof(r->kernel_comp)) > 0)
		r->kernel = true;  /* checked: alone, with disk = swap */
	for (a = SCN_AX_PAGES; a <= SCN_AX_CHAIN && !r->kernel; a++) {
		int bad = a == SCN_AX_CHAIN ?
			scn_chain_spec(pick[a], spec, sizeof(spec), msg, sizeof(msg)) :
			scn_filters_spec(scn_axis_key((enum scn_axis)a), pick[a], spec,
					 sizeof(spec), msg, sizeof(msg));
		if (bad)
			return hb_fail(HB_EUSAGE, "%s: %s", f->path, msg);
		join_chain(r->chain, sizeof(r->chain), spec);
	}
	snprintf(r->fault, sizeof(r->fault), "%s", pick[SCN_AX_FAULT]);
	r->chunk_pages = (uint32_t)strtoul(pick[SCN_AX_CHUNK], NULL, 10);
	r->cycles = (unsigned)strtoul(single(f, s, SCN_KEY_CYCLES, "1"), NULL, 10);
	for (e = SCN_EXPECT_RESTORED; e < SCN_EXPECT_SAFE; e++) {
		if (strcmp(expect, scn_expect_name((enum scn_expect)e)) == 0)
			break;
	}
	r->expect = (enum scn_expect)e;
	r->verify = strcmp(single(f, s, SCN_KEY_VERIFY, "yes"), "yes") == 0;
	snprintf(r->key, sizeof(r->key), "%s", single(f, s, SCN_KEY_KEY, "auto"));
	if (strcmp(r->key, "auto") == 0)
		r->key[0] = '\0';
	if (hb_parse_size(single(f, s, SCN_KEY_MAX_RSS, "0"), &r->max_rss))
		r->max_rss = 0;
	r->qemu = qemu;
	if (qemu) {
		/* checked: swap or block, or no disk key (the sim default): swap */
		snprintf(r->disk, sizeof(r->disk), "%s",
			 strcmp(pick[SCN_AX_DISK], "block") == 0 ? "block" : "swap");
		if (hb_parse_size(single(f, s, SCN_KEY_GUEST_MEMORY, "512MiB"), &r->guest_mem))
			r->guest_mem = 512ull << 20;
		r->vcpus = (unsigned)strtoul(single(f, s, SCN_KEY_VCPUS, "2"), NULL, 10);
		snprintf(r->cpu, sizeof(r->cpu), "%s",
			 single(f, s, SCN_KEY_CPU, HB_GUEST_CPU_DEFAULT));
		if (strcmp(r->cpu, "default") == 0)
			r->cpu[0] = '\0';
		r->swapon = strcmp(single(f, s, SCN_KEY_SWAPON, "no"), "yes") == 0;
		r->threads = (unsigned)strtoul(single(f, s, SCN_KEY_THREADS, "0"), NULL, 10);
		snprintf(r->guest_kernel, sizeof(r->guest_kernel), "%s",
			 strcmp(pick[SCN_AX_KERNEL], "default") == 0 ? "" : pick[SCN_AX_KERNEL]);
		snprintf(r->kernel_args, sizeof(r->kernel_args), "%s",
			 single(f, s, SCN_KEY_KERNEL_ARGS, ""));
		r->kernel_threads =
			(unsigned)strtoul(single(f, s, SCN_KEY_KERNEL_THREADS, "0"), NULL, 10);
		if (scn_rate_parse(single(f, s, SCN_KEY_GUEST_DISK, "none"), &r->guest_disk_bps, msg,
				   sizeof(msg)))
			r->guest_disk_bps = 0;
		r->stress = strcmp(single(f, s, SCN_KEY_REBOOT, "yes"), "no") == 0;
		r->debian = strcmp(single(f, s, SCN_KEY_GUEST, "busybox"), "debian") == 0;
		if (hb_parse_size(single(f, s, SCN_KEY_ZERO_TOP, "0"), &r->zero_top_mib))
			r->zero_top_mib = 0;
		r->zero_top_mib >>= 20;
		r->libvirt = strcmp(single(f, s, SCN_KEY_MACHINE, "sim"), "libvirt") == 0;
		snprintf(r->uri, sizeof(r->uri), "%s", single(f, s, SCN_KEY_URI, "qemu:///session"));
		err = scn_workload_of(r->memory, &r->workload);
		if (err) {
			snprintf(msg, sizeof(msg), "%s", hb_detail(err));
			return hb_fail(err, "%s: %s", f->path, msg);
		}
	}
	snprintf(r->memory_label, sizeof(r->memory_label), "%s", pick[SCN_AX_MEMORY]);
	snprintf(r->disk_label, sizeof(r->disk_label), "%.200s", qemu ? r->disk : pick[SCN_AX_DISK]);
	if (r->kernel)
		snprintf(r->chain_label, sizeof(r->chain_label), "kernel:%s", r->kernel_comp);
	else
		snprintf(r->chain_label, sizeof(r->chain_label), "%s", r->chain[0] ? r->chain : "none");
	snprintf(r->combo, sizeof(r->combo), "%s%.200s%smemory=%.200s disk=%.200s chain=%.500s "
		 "fault=%.200s chunk=%u", qemu ? "kernel=" : "", qemu ? pick[SCN_AX_KERNEL] : "",
		 qemu ? " " : "", r->memory_label, r->disk_label, r->chain_label, r->fault,
		 r->chunk_pages);
	return 0;
}

/* baseline = kernel (machine = qemu or libvirt): per kernel and workload, one
 * more run in which the kernel hibernates by itself to the swap disk with its
 * default compressor: chain = kernel:lzo, no fault. */
static int expand_baseline(const struct scn_file *f, const struct scn_section *s,
			   const struct scn_list *kern, const struct scn_list *mem,
			   struct scn_runs *runs)
{
	const char *pick[SCN_AXES];
	unsigned a, i, n = mem ? mem->count : 1, nk = kern ? kern->count : 1;
	int err;

	if (!guest_machine(f, s) ||
	    strcmp(single(f, s, SCN_KEY_BASELINE, "none"), "kernel") != 0)
		return 0;
	for (i = 0; i < n * nk; i++) {
		struct scn_run *r;
		for (a = 0; a < SCN_AXES; a++)
			pick[a] = axis_default[a];
		pick[SCN_AX_KERNEL] = kern ? kern->items[i / n] : axis_default[SCN_AX_KERNEL];
		pick[SCN_AX_MEMORY] = mem ? mem->items[i % n] : axis_default[SCN_AX_MEMORY];
		pick[SCN_AX_DISK] = "swap";
		pick[SCN_AX_CHAIN] = "kernel:lzo";
		err = reserve(runs, 0);
		if (err)
			return err;
		r = &runs->v[runs->count];
		err = make_run(f, s, pick, r);
		if (err)
			return err;
		r->expect = SCN_EXPECT_RESTORED;
		r->index = runs->count++;
	}
	return 0;
}

static int expand_section(const struct scn_file *f, const struct scn_section *s,
			  struct scn_runs *runs)
{
	const struct scn_list *l[SCN_AXES];
	const char *pick[SCN_AXES];
	unsigned at[SCN_AXES] = { 0 }, a;
	int err;

	for (a = 0; a < SCN_AXES; a++)
		l[a] = effective(f, s, a);
	for (;;) {
		for (a = 0; a < SCN_AXES; a++)
			pick[a] = l[a] ? l[a]->items[at[a]] : axis_default[a];
		err = reserve(runs, 0);
		if (!err)
			err = make_run(f, s, pick, &runs->v[runs->count]);
		if (err)
			return err;
		runs->v[runs->count].index = runs->count;
		runs->count++;
		/* odometer: the last axis turns fastest */
		for (a = SCN_AXES; a-- > 0;) {
			if (l[a] && ++at[a] < l[a]->count)
				break;
			at[a] = 0;
		}
		if (a == (unsigned)-1)
			break;
	}
	return expand_baseline(f, s, l[SCN_AX_KERNEL], l[SCN_AX_MEMORY], runs);
}

/* a * b, or UINT64_MAX when it does not fit (a count that large is refused
 * anyway, so saturating loses nothing). */
static uint64_t mul_sat(uint64_t a, uint64_t b)
{
	return a && b > UINT64_MAX / a ? UINT64_MAX : a * b;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

/* What expand_section builds for s: the product of its axes, and a baseline
 * run per memory item. */
static uint64_t section_runs(const struct scn_file *f, const struct scn_section *s)
{
	const struct scn_list *l;
	uint64_t n = 1;
	unsigned a;

	for (a = 0; a < SCN_AXES; a++) {
		l = effective(f, s, a);
		if (l)
			n = mul_sat(n, l->count);
	}
	if (guest_machine(f, s) && strcmp(single(f, s, SCN_KEY_BASELINE, "none"), "kernel") == 0) {
		const struct scn_list *k = effective(f, s, SCN_AX_KERNEL);
		l = effective(f, s, SCN_AX_MEMORY);
		n = add_sat(n, mul_sat(l ? l->count : 1, k ? k->count : 1));
	}
	return n;
}

uint64_t scn_count_runs(const struct scn_file *f)
{
	uint64_t n = 0;
	unsigned i;

	if (f->nparts == 0)
		return section_runs(f, &f->top);
	for (i = 0; i < f->nparts; i++)
		n = add_sat(n, section_runs(f, &f->parts[i]));
	return n;
}

/* Counted before anything is built (a few lines of text can ask for
 * hundreds of millions of runs), then room made for exactly that many. */
static int room_for_file(const struct scn_file *f, struct scn_runs *runs)
{
	uint64_t n = scn_count_runs(f);

	if (n == UINT64_MAX)
		return hb_fail(HB_EUSAGE, "%s: expands to more than %" PRIu64 " runs; the limit is %u "
			       "(split it into several files)", f->path, UINT64_MAX - 1, SCN_RUNS_MAX);
	if (n > SCN_RUNS_MAX)
		return hb_fail(HB_EUSAGE, "%s: expands to %" PRIu64 " runs; the limit is %u (split it "
			       "into several files)", f->path, n, SCN_RUNS_MAX);
	if (runs->count + n > SCN_RUNS_MAX)
		return hb_fail(HB_EUSAGE, "%s: expands to %" PRIu64 " runs, %" PRIu64 " with the files "
			       "before it; the limit for one hiblab run is %u", f->path, n,
			       runs->count + n, SCN_RUNS_MAX);
	/* exactly what the file adds: no doubling past it */
	return reserve(runs, runs->count + (unsigned)n);
}

int scn_expand(const struct scn_file *f, struct scn_runs *runs)
{
	unsigned i;
	int err = room_for_file(f, runs);

	if (err)
		return err;
	if (f->nparts == 0)
		return expand_section(f, &f->top, runs);
	for (i = 0; i < f->nparts && !err; i++)
		err = expand_section(f, &f->parts[i], runs);
	return err;
}

void scn_runs_free(struct scn_runs *runs)
{
	free(runs->v);
	memset(runs, 0, sizeof(*runs));
}

void scn_run_id(const struct scn_run *r, char *buf, unsigned cap)
{
	snprintf(buf, cap, "%s%s%s", r->scenario, r->part[0] ? "/" : "", r->part);
}

bool scn_match(const struct scn_run *r, const char *pattern)
{
	char text[1400], glob[600];

	scn_run_id(r, text, 200);
	snprintf(text + strlen(text), sizeof(text) - strlen(text), " %s", r->combo);
	snprintf(glob, sizeof(glob), "*%s*", pattern);
	return fnmatch(glob, text, 0) == 0;
}
