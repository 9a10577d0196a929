/* runs.json: the same rows as runs.csv (the one column table), for
 * machines that prefer JSON.  An object: format_version, then the rows
 * as "runs" (docs/SCENARIOS.md) */
#include "reports.h"

#include "core/error.h"

#include <errno.h>
#include <string.h>

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* "0.1 0.2" as [0.1, 0.2]. */
static void put_array(FILE *f, const char *cell)
{
	fputc('[', f);
	for (; *cell; cell++) {
		if (*cell == ' ')
			fputs(", ", f);
		else
			fputc(*cell, f);
	}
	fputc(']', f);
}

/* Numbers bare, yes/no as true/false, everything else a string. */
static void put_value(FILE *f, const struct scn_column *c, const struct scn_result *r)
{
	char cell[1024];

	scn_column_text(c, r, cell, sizeof(cell));
	switch (c->kind) {
	case SCN_COL_UINT:
	case SCN_COL_U64:
	case SCN_COL_REAL:
		fputs(cell, f);
		return;
	case SCN_COL_YESNO:
		fputs(strcmp(cell, "yes") == 0 ? "true" : "false", f);
		return;
	case SCN_COL_TEXT:
	case SCN_COL_VERDICT:
	case SCN_COL_WHO:
		put_string(f, cell);
		return;
	case SCN_COL_SAMPLES:
		put_array(f, cell);
		return;
	}
}

int scn_write_json(const char *path, const struct scn_results *rs)
{
	FILE *f = fopen(path, "w");
	unsigned i, c;

	if (!f)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	fprintf(f, "{\"format_version\": %d,\n \"runs\": [\n", SCN_JSON_FORMAT_VERSION);
	for (i = 0; i < rs->count; i++) {
		fputs("  {", f);
		for (c = 0; c < scn_column_count; c++) {
			fprintf(f, "%s\"%s\": ", c ? ", " : "", scn_columns[c].name);
			put_value(f, &scn_columns[c], &rs->v[i]);
		}
		fprintf(f, "}%s\n", i + 1 < rs->count ? "," : "");
	}
	fputs(" ]}\n", f);
	if (fclose(f) != 0)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	return 0;
}
