/* The parallel pipeline: ordering and completeness under many chunk sizes,
 * thread counts and chains, and a clean stop when the writer fails midway. */
#include "testutil.h"

#include "core/bytes.h"
#include "core/engine.h"
#include "core/error.h"
#include "core/registry.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static int have(const char *filter)
{
	return hb_find_plugin(HB_KIND_FILTER, filter) != NULL;
}

Test(threads, chunk_sizes_by_thread_counts)
{
	static const uint32_t chunks[] = { 1, 3, 32, 333 };
	static const unsigned threads[] = { 1, 2, 3, 8 };
	const char *chains[] = { "", "zero,crc32c", "zero,dedup,lz4,xxh3" };
	char dir[256], img[512], target[600];
	struct hb_suspend_args s = { .source = "sim:mixed,size=2052KiB,seed=9" };
	struct hb_resume_args r = { .verify = true };
	struct hb_stats st;
	size_t c, t, k;
	int err;

	tu_mkdir(dir, sizeof(dir));
	snprintf(target, sizeof(target), "file:%s", tu_path(img, sizeof(img), dir, "a.img"));
	s.target = r.target = target;
	for (k = 0; k < sizeof(chains) / sizeof(chains[0]); k++) {
		if (k == 2 && !(have("dedup") && have("lz4") && have("xxh3")))
			continue;
		s.filters = chains[k];
		for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
				s.chunk_pages = chunks[c];
				s.threads = threads[t];
				/* resume with another thread count than suspend */
				r.threads = threads[(t + 1) % 4];
				err = hb_suspend(&s, &st);
				cr_assert_eq(err, 0, "[%s] chunk %u threads %u: %s", chains[k],
					     chunks[c], threads[t], hb_detail(err));
				cr_assert_eq(st.pages, 513);
				cr_assert_eq(st.records, (513 + chunks[c] - 1) / chunks[c]);
				err = hb_resume(&r, &st);
				cr_assert_eq(err, 0, "[%s] chunk %u threads %u/%u: %s", chains[k],
					     chunks[c], threads[t], r.threads, hb_detail(err));
				cr_assert_eq(st.pages, 513);
			}
		}
	}
	tu_rmdir(dir);
}

/* The file system refuses writes past 1 MiB (RLIMIT_FSIZE) in the middle of
 * a 16 MiB parallel suspend: it stops with the error, leaves no image, and
 * does not hang (Criterion's timeout) or leak (the SAN build). */
Test(threads, writer_error_midway_stops_cleanly, .timeout = 60)
{
	char dir[256], img[512], target[600];
	struct hb_suspend_args s = { .source = "sim:random,size=16MiB,seed=2", .threads = 4 };
	struct rlimit lim = { .rlim_cur = 1 << 20, .rlim_max = RLIM_INFINITY };
	struct hb_stats st;
	int err;

	tu_mkdir(dir, sizeof(dir));
	snprintf(target, sizeof(target), "file:%s", tu_path(img, sizeof(img), dir, "a.img"));
	s.target = target;
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	err = hb_suspend(&s, &st);
	lim.rlim_cur = RLIM_INFINITY;
	setrlimit(RLIMIT_FSIZE, &lim);
	cr_assert_eq(err, HB_ENOSPACE, "got %d: %s", err, hb_detail(err));
	cr_assert_eq(hb_exit_code(err), 1);
	cr_assert(strstr(hb_detail(err), "a.img"), "%s", hb_detail(err));
	cr_assert_not(tu_exists(img), "a failed suspend left an image file");
	tu_rmdir(dir);
}

/* A source error midway: the same clean stop. */
Test(threads, source_error_midway_stops_cleanly, .timeout = 60)
{
	char dir[256], img[512], raw[512], target[600], source[600];
	struct hb_suspend_args s = { .filters = "zero,crc32c", .threads = 3, .chunk_pages = 2 };
	struct hb_stats st;
	uint8_t page[4096];
	size_t i;
	FILE *f;
	int err;

	tu_mkdir(dir, sizeof(dir));
	snprintf(target, sizeof(target), "file:%s", tu_path(img, sizeof(img), dir, "a.img"));
	snprintf(source, sizeof(source), "file:%s", tu_path(raw, sizeof(raw), dir, "mem.raw"));
	memset(page, 0x33, sizeof(page));
	f = fopen(raw, "wb");
	for (i = 0; i < 64; i++)
		fwrite(page, 1, sizeof(page), f);
	fclose(f);
	s.source = source;
	s.target = target;
	/* a directory cannot be read as pages: the first read fails */
	snprintf(source, sizeof(source), "file:%s", dir);
	err = hb_suspend(&s, &st);
	cr_assert_neq(err, 0);
	cr_assert_not(tu_exists(img));
	tu_rmdir(dir);
}

/* Several damaged records, found by workers racing each other: the line
 * always names the earliest (record 3), never whichever worker lost the race
 * or a chunk that was only waiting for its turn (dedup is ordered).  The
 * payloads are changed under good record checksums, so the chain's own
 * crc32c finds them in the parallel stage. */
Test(threads, earliest_damaged_record_is_named, .timeout = 120)
{
	char dir[256], img[512], target[600];
	struct hb_suspend_args s = { .source = "sim:random,size=256KiB,seed=4",
				     .filters = "dedup,crc32c", .chunk_pages = 1, .threads = 2 };
	struct hb_resume_args r = { .verify = true, .threads = 4 };
	struct hb_header h;
	struct hb_stats st;
	uint8_t *file;
	size_t size, off;
	uint64_t seq;
	int round, err;

	if (!have("dedup") || !have("crc32c"))
		return;
	tu_mkdir(dir, sizeof(dir));
	snprintf(target, sizeof(target), "file:%s", tu_path(img, sizeof(img), dir, "a.img"));
	s.target = r.target = target;
	cr_assert_eq(hb_suspend(&s, &st), 0, "%s", hb_detail(-1));
	cr_assert_eq(hb_inspect(target, &h), 0);
	file = tu_read_file(img, &size);
	for (off = HB_HEADER_AREA, seq = 0; seq < h.record_count; seq++) {
		cr_assert_leq(off + HB_RECORD_HDR, size);
		uint8_t *rec = file + off;
		uint32_t len = hb_get32(rec + 4);
		if (seq >= 3) {
			rec[HB_RECORD_HDR + len / 2] ^= 0x40;
			hb_record_encode(rec, h.image_id, seq, hb_get32(rec + 16),
					 rec + HB_RECORD_HDR, len);
		}
		off += HB_RECORD_HDR + len;
	}
	cr_assert_eq(h.record_count, 64);
	for (round = 0; round < 40; round++) {
		/* the image is spent by each refusal: put the damaged one back */
		tu_write_file(img, file, size);
		err = hb_resume(&r, &st);
		cr_assert_eq(err, HB_ECORRUPT, "round %d: %s", round, hb_detail(err));
		cr_assert_str_eq(hb_detail(err), "record 3: crc32c mismatch", "round %d", round);
	}
	free(file);
	tu_rmdir(dir);
}
