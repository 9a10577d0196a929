/* Which build on which machine made a result set (docs/SCENARIOS.md): the
 * hiblab version and the commit it was built from, the host, its kernel and
 * its CPU, in every row of runs.csv and runs.json. */
#include "results.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#ifndef HIBLAB_VERSION
#define HIBLAB_VERSION "unknown"
#endif
/* the Makefile passes git describe --always --dirty of the tree it built */
#ifndef HIBLAB_COMMIT
#define HIBLAB_COMMIT "unknown"
#endif

/* The first "model name" of /proc/cpuinfo, or the machine's architecture. */
static void cpu_model(char *buf, size_t cap, const char *machine)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");
	const char *p;

	snprintf(buf, cap, "%s", machine);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10) != 0 || !(p = strchr(line, ':')))
			continue;
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		snprintf(buf, cap, "%.*s", (int)strcspn(p, "\n"), p);
		break;
	}
	fclose(f);
}

void scn_run_meta(struct scn_result *r)
{
	/* read once: a run set may hold 100000 runs */
	static struct scn_result meta;
	static bool known;
	struct utsname u;

	if (!known) {
		if (uname(&u) != 0)
			memset(&u, 0, sizeof(u));
		snprintf(meta.hiblab_version, sizeof(meta.hiblab_version), "%s", HIBLAB_VERSION);
		snprintf(meta.commit, sizeof(meta.commit), "%s", scn_build_commit());
		snprintf(meta.host, sizeof(meta.host), "%s", u.nodename);
		snprintf(meta.host_kernel, sizeof(meta.host_kernel), "%s", u.release);
		cpu_model(meta.cpu, sizeof(meta.cpu), u.machine);
		known = true;
	}
	memcpy(r->hiblab_version, meta.hiblab_version, sizeof(meta.hiblab_version));
	memcpy(r->commit, meta.commit, sizeof(meta.commit));
	memcpy(r->host, meta.host, sizeof(meta.host));
	memcpy(r->host_kernel, meta.host_kernel, sizeof(meta.host_kernel));
	memcpy(r->cpu, meta.cpu, sizeof(meta.cpu));
}

const char *scn_build_commit(void)
{
	return HIBLAB_COMMIT;
}
