/* Result sets: growing, sorting, keys, verdict text, and writing every
 * report into a results directory. */
#include "results.h"

#include "core/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

void scn_result_key(const struct scn_result *r, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s%s: memory=%s disk=%s chain=%s fault=%s chunk=%u", r->scenario,
		 r->part[0] ? "/" : "", r->part, r->memory, r->disk, r->chain, r->fault,
		 r->chunk_pages);
}

void scn_result_verdict_text(const struct scn_result *r, char *buf, size_t cap)
{
	if (r->reason[0])
		snprintf(buf, cap, "%s: %s", r->verdict, r->reason);
	else
		snprintf(buf, cap, "%s", r->verdict);
}

int scn_mkdirs(const char *path)
{
	char buf[1024];
	size_t i, len = strlen(path);

	if (len >= sizeof(buf))
		return hb_fail(HB_EUSAGE, "%s: path too long", path);
	strcpy(buf, path);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return hb_fail(HB_EIO, "%s: %s", buf, strerror(errno));
		buf[i] = i < len ? '/' : '\0';
	}
	return 0;
}

int scn_write_all(const char *dir, const char *title, const struct scn_results *rs, FILE *log)
{
	char path[1200];
	int err = scn_mkdirs(dir);

	if (!err) {
		snprintf(path, sizeof(path), "%s/runs.csv", dir);
		err = scn_write_csv(path, rs);
	}
	if (!err) {
		snprintf(path, sizeof(path), "%s/runs.json", dir);
		err = scn_write_json(path, rs);
	}
	if (!err) {
		snprintf(path, sizeof(path), "%s/summary.md", dir);
		err = scn_write_summary(path, title, rs);
	}
	if (!err) {
		snprintf(path, sizeof(path), "%s/junit.xml", dir);
		err = scn_write_junit(path, rs);
	}
	if (!err && rs->count)
		err = scn_write_charts(dir, rs, log) < 0 ? HB_EIO : 0;
	return err;
}

int scn_load(const char *path, struct scn_results *rs)
{
	char csv[1200];
	struct stat st;

	if (stat(path, &st) != 0)
		return hb_fail(HB_EUSAGE, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		snprintf(csv, sizeof(csv), "%s/runs.csv", path);
	else
		snprintf(csv, sizeof(csv), "%s", path);
	return scn_read_csv(csv, rs);
}
