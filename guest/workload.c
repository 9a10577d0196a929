/* hiblab-workload: the guest's memory to hibernate.  Fills --mib MiB with
 * the pages of a sim memory profile (sim/memory.h: the same generators as
 * the sim source), says so (--ready FILE), stays resident until SIGUSR1 (sent
 * after the resume, or after a suspend that failed and thawed), then checks
 * every byte against a fresh copy of the profile and prints one line.
 * SIGUSR2 checks the same way and stays resident (the stress cycles of one
 * running guest, docs/QEMU.md: a check after every resume):
 *   HIBLAB-VERIFY ok pages=N digest=HEX
 *   HIBLAB-VERIFY mismatch page=N offset=O expected=XX got=YY
 * Exit 0 when every byte matched, 1 on a mismatch, 2 on a usage error. */
#include "sim/memory.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <unistd.h>
#include <xxhash.h>

#define PAGE 4096u
#define BATCH 32u  /* pages regenerated at a time to verify */

static void usage(void)
{
	fprintf(stderr, "usage: hiblab-workload --mib N [--profile %s] [--seed S] [--ready FILE] "
		"[--zero-top MIB]\n",
		HB_PROFILE_NAMES);
	exit(2);
}

/* The digest of the whole area: each page's XXH3 folded in order, so it
 * names the content, not where it sits. */
static uint64_t digest_of(const uint8_t *mem, uint64_t pages)
{
	uint64_t d = 0, i;

	for (i = 0; i < pages; i++)
		d = hb_mix64(d ^ XXH3_64bits(mem + i * PAGE, PAGE));
	return d;
}

/* Every byte against a fresh copy of the profile: one HIBLAB-VERIFY line;
 * 0 when all matched. */
static int verify(const uint8_t *mem, uint64_t pages, const struct hb_sim *sim)
{
	static uint8_t expect[BATCH * PAGE];
	uint64_t i, k, n;

	for (i = 0; i < pages; i += n) {
		n = pages - i < BATCH ? pages - i : BATCH;
		hb_sim_fill(sim, i, n, expect);
		if (memcmp(mem + i * PAGE, expect, n * PAGE) == 0)
			continue;
		for (k = 0; k < n * PAGE && mem[i * PAGE + k] == expect[k]; k++)
			;
		printf("HIBLAB-VERIFY mismatch page=%llu offset=%u expected=%02x got=%02x\n",
		       (unsigned long long)(i + k / PAGE), (unsigned)(k % PAGE), expect[k],
		       mem[i * PAGE + k]);
		fflush(stdout);
		return 1;
	}
	printf("HIBLAB-VERIFY ok pages=%llu digest=%016llx\n", (unsigned long long)pages,
	       (unsigned long long)digest_of(mem, pages));
	fflush(stdout);
	return 0;
}


static int by_pfn_desc(const void *a, const void *b)
{
	uint64_t x = ((const uint64_t *)a)[0], y = ((const uint64_t *)b)[0];

	return (x < y) - (x > y);
}

/* --zero-top N: end the machine's memory with N MiB of zero pages (issue 12,
 * part 5: a kernel from 6.8 on fails SNAPSHOT_ATOMIC_RESTORE for an image
 * whose last pages are zero pages).  Take the free memory but spare MiB
 * (hibernation needs room for its copy), keep the N MiB whose frames are
 * highest, zero as they came, and give the rest back.  Frame numbers come
 * from /proc/self/pagemap (root). */
static int zero_top(uint64_t keep, uint64_t spare)
{
	struct sysinfo si;
	uint64_t grab, i, n, *pfn = NULL, kept_low = 0, run;
	static uint64_t entry[4096];  /* pagemap entries read at a time */
	uint8_t *area, *kept = NULL;
	int fd = -1, rc = 1;

	if (sysinfo(&si) != 0)
		return 1;
	grab = (uint64_t)si.freeram * si.mem_unit / PAGE;
	if (grab <= spare + keep) {
		fprintf(stderr, "hiblab-workload: --zero-top: only %llu pages free\n",
			(unsigned long long)grab);
		return 1;
	}
	grab -= spare;
	area = (uint8_t *)mmap(NULL, grab * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	pfn = (uint64_t *)calloc(grab, 2 * sizeof(*pfn));
	kept = (uint8_t *)calloc(grab, 1);
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (area == MAP_FAILED || !pfn || !kept || fd < 0)
		goto out;
	for (i = 0; i < grab; i += n) {
		off_t at = (off_t)(((uintptr_t)area / PAGE + i) * sizeof(entry[0]));
		uint64_t j;
		n = grab - i < 4096 ? grab - i : 4096;
		if (pread(fd, entry, n * sizeof(entry[0]), at) != (ssize_t)(n * sizeof(entry[0])))
			goto out;
		for (j = 0; j < n; j++) {
			pfn[2 * (i + j)] = entry[j] >> 63 ? entry[j] & ((1ull << 55) - 1) : 0;
			pfn[2 * (i + j) + 1] = i + j;
		}
	}
	qsort(pfn, grab, 2 * sizeof(*pfn), by_pfn_desc);
	for (i = 0; i < keep; i++)
		kept[pfn[2 * i + 1]] = 1;
	/* the highest frames stay (zero); every other page goes back, in runs */
	for (i = 0; i < grab; i += run) {
		for (run = 1; i + run < grab && kept[i + run] == kept[i]; run++)
			;
		if (!kept[i])
			madvise(area + i * PAGE, run * PAGE, MADV_DONTNEED);
	}
	kept_low = keep ? pfn[2 * (keep - 1)] : 0;
	printf("HIBLAB-ZERO-TOP pages=%llu frames=0x%llx..0x%llx\n", (unsigned long long)keep,
	       (unsigned long long)kept_low, (unsigned long long)pfn[0]);
	fflush(stdout);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "hiblab-workload: --zero-top: %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
	free(pfn);
	free(kept);
	return rc;
}

/* --ready FILE: made when the memory is filled, and again after each check
 * that SIGUSR2 asked for and passed. */
static void say_ready(const char *ready)
{
	int fd;

	if (!ready)
		return;
	fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	const struct hb_profile *prof = hb_profile_find("mixed");
	const char *ready = NULL;
	unsigned long long mib = 0, seed = 1, zero_mib = 0;
	struct hb_sim *sim;
	uint8_t *mem;
	uint64_t pages;
	sigset_t set;
	int a, sig = 0, rc;

	for (a = 1; a < argc; a++) {
		if (a + 1 >= argc)
			usage();
		if (strcmp(argv[a], "--mib") == 0)
			mib = strtoull(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--seed") == 0)
			seed = strtoull(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--ready") == 0)
			ready = argv[++a];
		else if (strcmp(argv[a], "--zero-top") == 0)
			zero_mib = strtoull(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--profile") == 0) {
			prof = hb_profile_find(argv[++a]);
			if (!prof) {
				fprintf(stderr, "hiblab-workload: unknown profile '%s' (%s)\n", argv[a],
					HB_PROFILE_NAMES);
				return 2;
			}
		} else
			usage();
	}
	if (!mib || !prof)
		usage();
	/* block both before anyone can send them: sigwait takes them later */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);

	pages = mib * 1048576ull / PAGE;
	mem = (uint8_t *)mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "hiblab-workload: mmap %llu MiB: %s\n", mib, strerror(errno));
		return 1;
	}
	sim = hb_sim_new(prof, seed, PAGE);
	if (!sim) {
		fprintf(stderr, "hiblab-workload: out of memory for the page pools\n");
		return 1;
	}
	hb_sim_fill(sim, 0, pages, mem);
	printf("HIBLAB-FILLED pages=%llu profile=%s seed=%llu digest=%016llx\n",
	       (unsigned long long)pages, prof->name, seed,
	       (unsigned long long)digest_of(mem, pages));
	fflush(stdout);
	if (zero_mib && zero_top(zero_mib * 1048576ull / PAGE, 48ull * 1048576 / PAGE)) {
		hb_sim_free(sim);
		return 1;
	}
	say_ready(ready);
	/* SIGUSR2: check and stay (a stress cycle); SIGUSR1: check and exit */
	do {
		if (sigwait(&set, &sig) != 0) {
			hb_sim_free(sim);
			return 1;
		}
		rc = verify(mem, pages, sim);
		if (sig == SIGUSR2 && rc == 0)
			say_ready(ready);  /* checked: the guest may hibernate again */
	} while (sig == SIGUSR2 && rc == 0);
	hb_sim_free(sim);
	return rc;
}
