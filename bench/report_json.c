/* runs.json: the same rows as runs.csv, for machines that prefer JSON. */
#include "results.h"

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

static void key_string(FILE *f, const char *key, const char *value)
{
	fprintf(f, "\"%s\": ", key);
	put_string(f, value);
	fputs(", ", f);
}

int scn_write_json(const char *path, const struct scn_results *rs)
{
	FILE *f = fopen(path, "w");
	unsigned i;

	if (!f)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	fputs("[\n", f);
	for (i = 0; i < rs->count; i++) {
		const struct scn_result *r = &rs->v[i];
		fprintf(f, "  {\"index\": %u, ", r->index);
		key_string(f, "scenario", r->scenario);
		key_string(f, "part", r->part);
		key_string(f, "memory", r->memory);
		key_string(f, "disk", r->disk);
		key_string(f, "chain", r->chain);
		key_string(f, "fault", r->fault);
		fprintf(f, "\"chunk_pages\": %u, \"cycles\": %u, ", r->chunk_pages, r->cycles);
		key_string(f, "expect", r->expect);
		fprintf(f, "\"bytes_in\": %llu, \"bytes_out\": %llu, \"ratio\": %.4f, "
			   "\"suspend_s\": %.6f, \"suspend_MBps\": %.2f, \"resume_s\": %.6f, "
			   "\"resume_MBps\": %.2f, \"peak_rss_KiB\": %llu, ",
			(unsigned long long)r->bytes_in, (unsigned long long)r->bytes_out, r->ratio,
			r->suspend_s, r->suspend_mbps, r->resume_s, r->resume_mbps,
			(unsigned long long)r->rss_kib);
		key_string(f, "verdict", r->verdict);
		key_string(f, "reason", r->reason);
		fprintf(f, "\"met\": %s, \"faults_fired\": %u, ", r->met ? "true" : "false",
			r->fired);
		key_string(f, "suspend_error", r->suspend_error);
		key_string(f, "machine", r->machine);
		key_string(f, "accel", r->accel);
		key_string(f, "who", r->kernel ? "kernel" : "hiblab");
		fprintf(f, "\"pages\": %llu, \"restore_s\": %.6f", (unsigned long long)r->pages,
			r->restore_s);
		fprintf(f, "}%s\n", i + 1 < rs->count ? "," : "");
	}
	fputs("]\n", f);
	if (fclose(f) != 0)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	return 0;
}
