/* compare --junit FILE: one test case per compared run, so a CI page lists
 * each run a gate judged; a failure per run that regressed, its table rows
 * and notes as the message.  Runs on one side only are skipped cases. */
#include "reports.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void failure(FILE *f, const struct scn_comparison *cmp, unsigned run)
{
	char line[300];
	unsigned i;

	fputs(">\n      <failure message=\"", f);
	for (i = 0; i < cmp->row_count; i++) {
		const struct scn_compare_row *w = &cmp->rows[i];
		if (w->run != run || w->change != SCN_CHANGE_WORSE)
			continue;
		if (w->old_text)
			snprintf(line, sizeof(line), "%s %s -> %s; ", w->metric, w->old_text,
				 w->cur_text);
		else
			snprintf(line, sizeof(line), "%s %.2f -> %.2f (%+.1f%%%s); ", w->metric,
				 w->old, w->cur, w->change_pct, w->p >= 0 ? ", significant" : "");
		scn_xml_text(f, line);
	}
	fputs("\" type=\"regression\">", f);
	scn_xml_text(f, cmp->runs[run].notes);
	fputs("</failure>\n    </testcase>\n", f);
}

/* --junit FILE, opened without waiting (a FIFO) or following a symlink,
 * and emptied only when it is a JUnit file already or empty: never one of
 * the runs.csv files being compared, nor another file named by mistake. */
static FILE *open_junit(const char *path, int *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
		      0644);
	static const char magic[] = "<?xml";
	char head[sizeof(magic) - 1];
	struct stat st;
	int rfd;
	FILE *f;

	if (fd < 0) {
		/* ENXIO: a FIFO without a reader, which O_NONBLOCK refused to wait on */
		*err = hb_fail(errno == ELOOP || errno == ENXIO ? HB_EUSAGE : HB_EIO, "--junit %s: %s",
			       path, errno == ELOOP ? "a symbolic link" : errno == ENXIO ?
			       "not a regular file" : strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*err = hb_fail(HB_EUSAGE, "--junit %s: not a regular file", path);
		close(fd);
		return NULL;
	}
	rfd = st.st_size > 0 ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (st.st_size > 0 && (rfd < 0 || read(rfd, head, sizeof(head)) != (ssize_t)sizeof(head) ||
			       memcmp(head, magic, sizeof(head)) != 0)) {
		*err = hb_fail(HB_EUSAGE, "--junit %s: holds something that is not a JUnit file; "
					 "remove it first", path);
		f = NULL;
	} else {
		f = ftruncate(fd, 0) == 0 ? fdopen(fd, "w") : NULL;
		if (!f)
			*err = hb_fail(HB_EIO, "--junit %s: %s", path, strerror(errno));
	}
	if (rfd >= 0)
		close(rfd);
	if (!f)
		close(fd);
	return f;
}

int scn_compare_junit(const char *path, const struct scn_comparison *cmp)
{
	unsigned i, failures = 0, skipped = 0;
	int err = 0;
	FILE *f = open_junit(path, &err);

	if (!f)
		return err;
	for (i = 0; i < cmp->run_count; i++) {
		failures += cmp->runs[i].regression;
		skipped += cmp->runs[i].side != SCN_SIDE_BOTH;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"hiblab compare\" "
		   "tests=\"%u\" failures=\"%u\" skipped=\"%u\">\n  <testsuite name=\"compare\" "
		   "tests=\"%u\" failures=\"%u\" skipped=\"%u\" errors=\"0\">\n", cmp->run_count,
		failures, skipped, cmp->run_count, failures, skipped);
	for (i = 0; i < cmp->run_count; i++) {
		const struct scn_compare_run *r = &cmp->runs[i];
		fputs("    <testcase classname=\"hiblab.compare\" name=\"", f);
		scn_xml_text(f, r->key);
		fprintf(f, "\" time=\"%.3f\"", r->seconds);
		if (r->regression)
			failure(f, cmp, i);
		else if (r->side != SCN_SIDE_BOTH)
			fprintf(f, ">\n      <skipped message=\"only in %s\"/>\n    </testcase>\n",
				r->side == SCN_SIDE_BASE ? "BASE" : "NEW");
		else
			fputs("/>\n", f);
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
	if (fclose(f) != 0)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	return 0;
}
