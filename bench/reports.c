/* Writing every report of a run into its results directory. */
#include "reports.h"

#include "core/error.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

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

void scn_xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			/* XML 1.0 has no other control characters */
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				fputc(*s, f);
		}
	}
}

int scn_write_all(const char *dir, const char *title, char *const *scenarios,
		  unsigned scenario_count, const struct scn_results *rs, FILE *log)
{
	char path[1200];
	int drawn = 1, err = scn_mkdirs(dir);

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
	if (!err && rs->count) {
		drawn = scn_write_charts(dir, rs, log);
		err = drawn < 0 ? HB_EIO : 0;
	}
	/* last: it embeds the charts */
	if (!err)
		err = scn_write_html(dir, title, scenarios, scenario_count, rs, drawn == 0);
	return err;
}
