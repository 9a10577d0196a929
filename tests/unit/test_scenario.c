/* The scenario parser: every bad input gives its exact "file:line: message"
 * and no runs; good files expand into the expected matrix. */
#include "bench/scenario.h"
#include "core/error.h"

#include <criterion/criterion.h>
#include <string.h>

static struct scn_file f;
static struct scn_diag d;

static void fini(void)
{
	scn_free(&f);
}

TestSuite(scenario, .fini = fini);

/* text must fail with exactly msg as its first (and only) mistake */
static void bad(const char *text, const char *msg)
{
	int err = scn_parse_text("t.scn", text, &f, &d);

	cr_assert_eq(err, HB_EUSAGE, "accepted: %s", text);
	cr_assert_geq(d.count, 1);
	cr_assert_str_eq(d.msg[0], msg, "for: %s", text);
	cr_assert_eq(d.count, 1, "more than one mistake for %s: %s", text, d.msg[1]);
	scn_free(&f);
}

Test(scenario, unknown_key)
{
	bad("name = x\ncompres = lz4\n", "t.scn:2: unknown key 'compres'");
}

Test(scenario, bad_size)
{
	bad("memory = mixed size=12XB\n",
	    "t.scn:1: memory: sim: size: '12XB' is not a size: unknown unit 'XB' (use B, KiB, MiB, "
	    "GiB, TiB)");
}

Test(scenario, unknown_plugin)
{
	bad("compress = lz4, zzip\n", "t.scn:1: compress: unknown filter 'zzip' (see: hiblab plugins)");
	bad("chain = zero,zzip,crc32c\n", "t.scn:1: chain: unknown filter 'zzip' (see: hiblab plugins)");
	bad("memory = sam:x\n", "t.scn:1: memory: unknown source 'sam' (see: hiblab plugins)");
	bad("disk = floppy\n",
	    "t.scn:1: disk: sim: profile=floppy: expected one of nvme|ssd|hdd|usb2|sd|instant");
	bad("memory = bogus\n", "t.scn:1: memory: sim: profile=bogus: expected one of "
	    "zero|random|text|mixed|desktop|database|vmhost|duplicates");
}

Test(scenario, empty_axis)
{
	bad("compress =\n", "t.scn:1: compress: empty value");
	bad("compress = lz4,,zstd\n", "t.scn:1: compress: empty item in the list");
	bad("compress = ,\n", "t.scn:1: compress: empty item in the list");
	bad("# c\ncompress = lz4,\n", "t.scn:2: compress: empty item at the end of the list");
	bad("compress = lz4,\n\ncycles = 1\n", "t.scn:1: compress: empty item at the end of the list");
	bad("chain = zero,lz4 |\n", "t.scn:1: chain: empty item at the end of the list");
}

Test(scenario, bad_values)
{
	bad("expect = maybe\n", "t.scn:1: expect: 'maybe': expected restored, refused, no-image or safe");
	bad("cycles = 0\n", "t.scn:1: cycles: '0': expected 1..1000");
	bad("cycles = 1, 2\n", "t.scn:1: cycles: takes one value, not a list");
	bad("chunk-pages = 32, 5000\n", "t.scn:1: chunk-pages: '5000': expected 1..4096");
	bad("verify = maybe\n", "t.scn:1: verify: 'maybe': expected yes or no");
	bad("key = hunter2\n", "t.scn:1: key: 'hunter2': expected auto, keyfile=PATH or passfile=PATH");
	bad("compress = zstd:25\n", "t.scn:1: compress: zstd: level=25: out of range 1..19");
	bad("compress = zstd level\n", "t.scn:1: compress: 'level': expected key=value");
	bad("memory = mixed size=1MiB page-size=3000\n",
	    "t.scn:1: memory: sim: page-size=3000: not a power of two");
	bad("memory = file:does-not-exist.raw\n",
	    "t.scn:1: memory: source ./does-not-exist.raw: No such file or directory");
}

Test(scenario, bad_faults)
{
	bad("fault = powercut@200%\n",
	    "t.scn:1: fault: fault powercut@200%: '200%' is not a percentage 0..100%");
	bad("fault = meteor@1%\n", "t.scn:1: fault: fault 'meteor@1%': unknown kind (powercut, "
	    "eio, eio-after, enospc, bitflip, spike)");
	bad("fault = powercut@flush0\n",
	    "t.scn:1: fault: fault powercut@flush0: expected powercut@flushN, N from 1");
	bad("disk = ssd fault=eio\n",
	    "t.scn:1: disk: fault 'eio': expected KIND@WHERE (e.g. powercut@40%)");
}

Test(scenario, bad_structure)
{
	bad("just words\n", "t.scn:1: expected key = value");
	bad("compress = lz4\ncompress = zstd\n", "t.scn:2: compress: already set on line 1");
	bad("[a b]\n", "t.scn:1: section name 'a b': use letters, digits, '_', '-', '.'");
	bad("[a]\n[a]\n", "t.scn:2: section [a] already defined on line 1");
	bad("[a]\nname = x\n", "t.scn:2: name: set it before the first [section]");
	bad("compress = lz4\nchain = zero,lz4\n",
	    "t.scn:2: chain: excludes pages, compress, encrypt and checksum (compress is set on "
	    "line 1)");
}

Test(scenario, every_mistake_is_reported)
{
	int err = scn_parse_text("t.scn", "compres = lz4\ncycles = x\n\ncompress = zzip\n", &f, &d);

	cr_assert_eq(err, HB_EUSAGE);
	cr_assert_eq(d.count, 3);
	cr_assert_str_eq(d.msg[0], "t.scn:1: unknown key 'compres'");
	cr_assert_str_eq(d.msg[1], "t.scn:4: compress: unknown filter 'zzip' (see: hiblab plugins)");
	cr_assert_str_eq(d.msg[2], "t.scn:2: cycles: 'x': expected 1..1000");
}

Test(scenario, matrix)
{
	struct scn_runs runs = { .v = NULL };
	int err = scn_parse_text("dir/m.scn",
				 "# comment\nmemory = mixed size=1MiB, text size=1MiB # two\n"
				 "pages = zero\ncompress = lz4, zstd:1,\n   zstd level=19\n"
				 "checksum = crc32c\nfault = none, powercut@flush1\n",
				 &f, &d);

	cr_assert_eq(err, 0, "%s", d.msg[0]);
	cr_assert_str_eq(f.name, "m");
	cr_assert_eq(scn_expand(&f, &runs), 0);
	cr_assert_eq(runs.count, 2 * 3 * 2);
	cr_assert_str_eq(runs.v[0].memory, "sim:mixed,size=1MiB");
	cr_assert_str_eq(runs.v[0].chain, "zero,lz4,crc32c");
	cr_assert_str_eq(runs.v[0].fault, "none");
	cr_assert_str_eq(runs.v[1].fault, "powercut@flush1");
	cr_assert_str_eq(runs.v[4].chain, "zero,zstd,level=19,crc32c");
	cr_assert_str_eq(runs.v[6].memory, "sim:text,size=1MiB");
	cr_assert_str_eq(runs.v[0].disk, "sim:instant");
	cr_assert_eq(runs.v[11].index, 11);
	cr_assert(scn_match(&runs.v[4], "level=19"));
	cr_assert(scn_match(&runs.v[10], "m memory=text*level=19"));
	cr_assert_not(scn_match(&runs.v[4], "lz4"));
	scn_runs_free(&runs);
}

Test(scenario, parts_inherit)
{
	struct scn_runs runs = { .v = NULL };
	int err = scn_parse_text("p.scn",
				 "name = parts\ndisk = ssd keep=50\ncompress = lz4\nexpect = safe\n"
				 "[one]\nchain = zero | zero,crc32c\n"
				 "[two]\ndisk = file sync=no\nexpect = restored\ncycles = 3\n",
				 &f, &d);

	cr_assert_eq(err, 0, "%s", d.msg[0]);
	cr_assert_eq(scn_expand(&f, &runs), 0);
	cr_assert_eq(runs.count, 3);
	cr_assert_str_eq(runs.v[0].part, "one");
	cr_assert_str_eq(runs.v[0].chain, "zero");   /* a part's chain drops the file's compress */
	cr_assert_str_eq(runs.v[1].chain, "zero,crc32c");
	cr_assert_str_eq(runs.v[0].disk, "sim:ssd,keep=50");
	cr_assert_eq(runs.v[0].expect, SCN_EXPECT_SAFE);
	cr_assert_str_eq(runs.v[2].chain, "lz4");
	cr_assert(runs.v[2].disk_file);
	cr_assert_str_eq(runs.v[2].disk, "file,sync=no");
	cr_assert_eq(runs.v[2].cycles, 3);
	cr_assert_eq(runs.v[2].expect, SCN_EXPECT_RESTORED);
	scn_runs_free(&runs);
}

/* A guest's workload comes from the memory spec as the sim source reads it:
 * the positional profile too (not only profile=), the whole size, and the
 * guest's 64 MiB where the scenario gives no size. */
Test(scenario, guest_workload_from_the_memory_spec)
{
	struct scn_runs runs = { .v = NULL };
	int err = scn_parse_text("g.scn",
				 "machine = qemu\nmemory = random size=160MiB seed=4, "
				 "mixed page-size=4096, sim:profile=text size=1GiB\n",
				 &f, &d);

	cr_assert_eq(err, 0, "%s", d.msg[0]);
	cr_assert_eq(scn_expand(&f, &runs), 0);
	cr_assert_eq(runs.count, 3);
	cr_assert_str_eq(runs.v[0].workload.profile, "random");
	cr_assert_eq(runs.v[0].workload.mib, 160);
	cr_assert_eq(runs.v[0].workload.seed, 4);
	cr_assert_str_eq(runs.v[1].workload.profile, "mixed");
	cr_assert_eq(runs.v[1].workload.mib, 64);   /* page-size= is not size= */
	cr_assert_eq(runs.v[1].workload.seed, 1);
	cr_assert_str_eq(runs.v[2].workload.profile, "text");
	cr_assert_eq(runs.v[2].workload.mib, 1024);
	scn_runs_free(&runs);
}
