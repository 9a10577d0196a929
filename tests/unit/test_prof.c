/* .prof files (sim/prof_file.c): each mistake is one line, "FILE:LINE: what
 * is wrong", and HB_EUSAGE; a FIFO or directory is refused without waiting;
 * a huge file is refused; and the sim source's profile option takes a
 * file name (a '/' or a '.') but still refuses any other unknown name. */
#include "testutil.h"

#include "core/error.h"
#include "core/options.h"
#include "core/registry.h"
#include "sim/learned.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HEAD "hiblab-profile 1\npage-size 4096\n"

static void bad(const char *text, const char *detail)
{
	struct hb_prof *p = (struct hb_prof *)malloc(sizeof(*p));
	int err;

	cr_assert_not_null(p);
	hb_clear_detail();
	err = hb_prof_parse("t.prof", text, strlen(text), p);
	cr_expect_eq(err, HB_EUSAGE, "%s: accepted", text);
	cr_expect_str_eq(hb_detail(err), detail, "for:\n%s", text);
	free(p);
}

Test(prof, each_mistake_is_one_line_with_file_and_line)
{
	bad("hiblab-profile 3\n", "t.prof:1: profile format version not supported by this build "
				  "(it reads versions 1 and 2)");
	bad("hiblab-profile 0\n", "t.prof:1: profile format version not supported by this build "
				  "(it reads versions 1 and 2)");
	bad("zero 0.5\n", "t.prof:1: not a hiblab profile: the first line must be "
			  "'hiblab-profile 2'");
	bad("", "t.prof:1: empty first line: expected 'hiblab-profile 2'");
	bad(HEAD "zero 0.5\nsparkle 3\n", "t.prof:4: sparkle: unknown keyword");
	bad(HEAD "zero half\n", "t.prof:3: half: not a number");
	bad(HEAD "zero 1.5\n", "t.prof:3: 1.5: out of range 0..1");
	bad(HEAD "class 1 match 1.2 entropy 0.5\n", "t.prof:3: 1.2: out of range 0..1");
	bad(HEAD "class 1 match 0.5 entropy -0.1\n", "t.prof:3: -0.1: out of range 0..1");
	bad(HEAD "class 1 match 0.5\n",
	    "t.prof:3: expected: class SHARE match M entropy E [dense D] [lz4 R zstd-1 R lzo R]");
	bad(HEAD "class 1 match 0.5 entropy 0.5 dense 1.5\n", "t.prof:3: 1.5: out of range 0..1");
	bad(HEAD "class 1 match 0.5 entropy 0.5 colour 3\n", "t.prof:3: colour: unknown keyword");
	bad(HEAD "class 0 match 0.5 entropy 0.5\n",
	    "t.prof:3: shares do not sum to a positive total: the classes leave the pages "
	    "that are neither zero nor duplicate to no class");
	bad(HEAD "zero 0.7\nduplicate 0.5 templates 3 match 0 entropy 1\n",
	    "t.prof:4: zero and duplicate shares add up to more than 1");
	bad(HEAD "zero 0.1\nzero 0.2\n", "t.prof:4: zero: given twice (first on line 3)");
	bad("hiblab-profile 1\npage-size 3000\n", "t.prof:2: 3000: not a power of two");
	bad("hiblab-profile 1\nzero 1\n", "t.prof:2: no page-size line");
	bad(HEAD "duplicate 0.5 match 0 entropy 1\nclass 1 match 0 entropy 1\n",
	    "t.prof:3: duplicate: templates N is required");
}

Test(prof, more_than_16_classes)
{
	char text[2048] = HEAD;
	unsigned i;

	for (i = 0; i < 17; i++)
		strcat(text, "class 1 match 0.5 entropy 0.5\n");
	bad(text, "t.prof:19: more than 16 classes");
	/* zero and duplicate take two of the 16 shares */
	strcpy(text, HEAD "zero 0.1\nduplicate 0.1 templates 2 match 0 entropy 1\n");
	for (i = 0; i < 15; i++)
		strcat(text, "class 1 match 0.5 entropy 0.5\n");
	bad(text, "t.prof:19: more than 16 classes (zero and duplicate count as one each)");
}

Test(prof, a_good_profile_and_its_written_text_read_back)
{
	static const char text[] = HEAD "# a comment\nzero 0.25   # trailing\n"
				   "duplicate 0.1 templates 5 match 0.2 entropy 0.9\n"
				   "class 3 match 0.3 entropy 0.7 lz4 2 zstd-1 3 lzo 2.1\n"
				   "class 1 match 0.9 entropy 0.2\n"
				   "measured pages 100 zero 0.25 duplicate 0.05 lz4 2 zstd-1 3 lzo 2\n";
	struct hb_prof *p = (struct hb_prof *)malloc(sizeof(*p)), *q = (struct hb_prof *)malloc(sizeof(*q));
	char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	unsigned total = 0, i;

	cr_assert(p && q && f);
	cr_assert_eq(hb_prof_parse("t.prof", text, strlen(text), p), 0, "%s", hb_detail(HB_EUSAGE));
	cr_expect_eq(p->nclasses, 2u);
	cr_expect_eq(p->templates, 5u);
	cr_expect_eq(p->profile.nclasses, 4u);
	for (i = 0; i < p->profile.nclasses; i++)
		total += p->profile.share[i].weight;
	cr_expect(total > 999990 && total < 1000010, "weights add up to %u", total);
	/* class 3 of 4 of the 65% left */
	cr_expect_eq(p->profile.share[2].weight, 487500u);
	cr_assert_eq(hb_prof_write(p, "again", f), 0);
	fclose(f);
	cr_assert_eq(hb_prof_parse("w.prof", buf, strlen(buf), q), 0, "%s\n%s",
		     hb_detail(HB_EUSAGE), buf);
	for (i = 0; i < p->profile.nclasses; i++)
		cr_expect_eq(q->profile.share[i].weight, p->profile.share[i].weight);
	cr_expect(q->measured.set && q->cls[0].measured.set && !q->cls[1].measured.set);
	free(p);
	free(q);
}

/* Version 2 adds the dense knob; a version-1 file (HEAD) reads as dense 0,
 * and what is written carries the knob and reads back with it. */
Test(prof, version_2_dense_knob_and_version_1_still_read)
{
	static const char v2[] = "hiblab-profile 2\npage-size 4096\n"
				 "duplicate 0.1 templates 5 match 0.2 entropy 0.9 dense 0.25\n"
				 "class 1 match 0.3 entropy 0.7 dense 0.75\n";
	static const char v1[] = HEAD "class 1 match 0.3 entropy 0.7\n";
	struct hb_prof *p = (struct hb_prof *)malloc(sizeof(*p)), *q = (struct hb_prof *)malloc(sizeof(*q));
	char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	cr_assert(p && q && f);
	cr_assert_eq(hb_prof_parse("t.prof", v1, strlen(v1), q), 0, "%s", hb_detail(HB_EUSAGE));
	cr_expect_eq(q->gen[0].dense, 0.0);
	cr_expect_eq(q->gen[0].dense_below, 0u);
	cr_assert_eq(hb_prof_parse("t.prof", v2, strlen(v2), p), 0, "%s", hb_detail(HB_EUSAGE));
	cr_expect_eq(p->gen[0].dense, 0.75);
	cr_expect_eq(p->gen[HB_PROFILE_CLASSES_MAX].dense, 0.25);
	cr_assert_eq(hb_prof_write(p, NULL, f), 0);
	fclose(f);
	cr_expect(strncmp(buf, "hiblab-profile 2\n", 17) == 0, "%s", buf);
	cr_assert_eq(hb_prof_parse("w.prof", buf, strlen(buf), q), 0, "%s\n%s",
		     hb_detail(HB_EUSAGE), buf);
	cr_expect_eq(q->gen[0].dense, 0.75);
	cr_expect_eq(q->gen[HB_PROFILE_CLASSES_MAX].dense, 0.25);
	free(p);
	free(q);
}

static char dir[256];

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
}

static void teardown(void)
{
	tu_rmdir(dir);
}

static void refused(const char *path, const char *detail)
{
	struct hb_prof *p = (struct hb_prof *)malloc(sizeof(*p));
	int err = hb_prof_load(path, p);

	cr_expect_eq(err, HB_EUSAGE, "%s", path);
	cr_expect_str_eq(hb_detail(err), detail);
	free(p);
}

Test(prof, fifo_directory_and_huge_files_are_refused_at_once, .init = setup, .fini = teardown,
     .timeout = 10)
{
	char path[512], detail[700];
	uint8_t *big = (uint8_t *)calloc(1, HB_PROF_MAX_BYTES + 1);

	cr_assert_not_null(big);
	tu_path(path, sizeof(path), dir, "fifo.prof");
	cr_assert_eq(mkfifo(path, 0600), 0);
	snprintf(detail, sizeof(detail), "%s: a FIFO, not a profile file", path);
	refused(path, detail);
	snprintf(detail, sizeof(detail), "%s: a directory, not a profile file", dir);
	refused(dir, detail);
	tu_path(path, sizeof(path), dir, "big.prof");
	tu_write_file(path, big, HB_PROF_MAX_BYTES + 1);
	snprintf(detail, sizeof(detail), "%s: %u bytes: a profile is at most %u bytes", path,
		 HB_PROF_MAX_BYTES + 1, HB_PROF_MAX_BYTES);
	refused(path, detail);
	free(big);
}

Test(prof, sim_profile_option_takes_a_file_name_but_no_other_unknown_name)
{
	struct hb_instance in;
	int err;

	cr_expect_eq(hb_instance_from_text(&in, HB_KIND_SOURCE, "sim:mixed", "t"), 0);
	hb_instance_free(&in);
	cr_expect_eq(hb_instance_from_text(&in, HB_KIND_SOURCE, "sim:my.prof,size=1MiB", "t"), 0);
	hb_instance_free(&in);
	cr_expect_eq(hb_instance_from_text(&in, HB_KIND_SOURCE, "sim:/tmp/x", "t"), 0);
	hb_instance_free(&in);
	err = hb_instance_from_text(&in, HB_KIND_SOURCE, "sim:pink", "t");
	cr_expect_eq(err, HB_EUSAGE);
	cr_expect_str_eq(hb_detail(err), "t: sim: profile=pink: expected one of "
					 "zero|random|text|mixed|desktop|database|vmhost|duplicates");
}
