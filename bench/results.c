/* Result sets: growing, sorting, merging, keys, and verdicts by name. */
#include "results.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

static const char *const verdict_names[SCN_VERDICTS] = {
	[SCN_VERDICT_NONE] = "", [SCN_VERDICT_RESTORED] = "restored",
	[SCN_VERDICT_REFUSED] = "refused", [SCN_VERDICT_WRONG] = "WRONG",
	[SCN_VERDICT_CRASH] = "CRASH", [SCN_VERDICT_SKIPPED] = "skipped",
};

const char *scn_verdict_name(enum scn_verdict v)
{
	return (unsigned)v < SCN_VERDICTS ? verdict_names[v] : "?";
}

int scn_verdict_parse(const char *name, enum scn_verdict *v)
{
	unsigned i;

	for (i = 0; i < SCN_VERDICTS; i++) {
		if (strcmp(name, verdict_names[i]) == 0) {
			*v = (enum scn_verdict)i;
			return 0;
		}
	}
	return HB_EUSAGE;
}

int scn_results_add(struct scn_results *rs, const struct scn_result *r)
{
	if (rs->count == rs->cap) {
		unsigned cap = rs->cap ? rs->cap * 2 : 64;
		struct scn_result *v = (struct scn_result *)realloc(rs->v, cap * sizeof(*v));
		if (!v)
			return hb_fail(HB_ENOMEM, "out of memory");
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->count++] = *r;
	return 0;
}

void scn_results_free(struct scn_results *rs)
{
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}

static int by_scenario_index(const void *a, const void *b)
{
	const struct scn_result *x = (const struct scn_result *)a;
	const struct scn_result *y = (const struct scn_result *)b;
	int c = strcmp(x->scenario, y->scenario);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

void scn_results_sort(struct scn_results *rs)
{
	if (rs->count)
		qsort(rs->v, rs->count, sizeof(*rs->v), by_scenario_index);
}

static bool holds(const struct scn_results *rs, const struct scn_result *r)
{
	unsigned i;

	for (i = 0; i < rs->count; i++) {
		if (rs->v[i].index == r->index && strcmp(rs->v[i].scenario, r->scenario) == 0)
			return true;
	}
	return false;
}

int scn_results_merge(struct scn_results *all, const struct scn_results *more, unsigned *dups)
{
	unsigned i;
	int err = 0;

	for (i = 0; i < more->count && !err; i++) {
		if (holds(all, &more->v[i]))
			(*dups)++;
		else
			err = scn_results_add(all, &more->v[i]);
	}
	return err;
}

void scn_result_key(const struct scn_result *r, char *buf, size_t cap)
{
	/* the guest kernel only where a run names one: older results keep their keys */
	bool k = r->guest_kernel[0] && strcmp(r->guest_kernel, "default") != 0;

	snprintf(buf, cap, "%s%s%s: %s%s%smemory=%s disk=%s chain=%s fault=%s chunk=%u", r->scenario,
		 r->part[0] ? "/" : "", r->part, k ? "kernel=" : "", k ? r->guest_kernel : "",
		 k ? " " : "", r->memory, r->disk, r->chain, r->fault, r->chunk_pages);
}

void scn_result_verdict_text(const struct scn_result *r, char *buf, size_t cap)
{
	const char *name = scn_verdict_name(r->verdict);

	if (r->reason[0])
		snprintf(buf, cap, "%s: %s", name, r->reason);
	else
		snprintf(buf, cap, "%s", name);
}
