/* The scenario parser: every bad input gives its exact "file:line: message"
 * and no runs; good files expand into the expected matrix. */
#include "bench/scenario.h"
#include "bench/scn_specs.h"
#include "core/error.h"
#include "testutil.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct scn_file f;
static struct scn_diag d;

static void fini(void)
{
	scn_free(&f);
}

TestSuite(scenario, .fini = fini);

/* text parses with no mistake and expands to count runs */
static void expand_to(const char *text, struct scn_runs *runs, unsigned count)
{
	cr_assert_eq(scn_parse_text("x.scn", text, &f, &d), 0, "%s", d.msg[0]);
	cr_assert_eq(scn_expand(&f, runs), 0);
	cr_assert_eq(runs->count, count);
}

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

/* ---- limits (docs/SCENARIOS.md, "Limits") ------------------------------------- */

/* "key = " and then n copies of item joined by sep */
static char *repeat(const char *head, const char *item, const char *sep, unsigned n)
{
	size_t cap = strlen(head) + n * (strlen(item) + strlen(sep)) + 2;
	char *s = malloc(cap);
	unsigned i;

	cr_assert_not_null(s);
	strcpy(s, head);
	for (i = 0; i < n; i++)
		strcat(strcat(s, i ? sep : ""), item);
	strcat(s, "\n");
	return s;
}

Test(scenario, bounded_lines_items_and_parts)
{
	unsigned i;
	char *text = repeat("description = ", "x", "", SCN_LINE_MAX + 1);

	bad(text, "t.scn:1: line longer than 4096 bytes");
	free(text);
	text = repeat("compress = ", "x", "", SCN_ITEM_MAX + 1);
	bad(text, "t.scn:1: compress: an item longer than 500 bytes");
	free(text);
	text = repeat("key = passfile=", "x", "", SCN_ITEM_MAX);
	bad(text, "t.scn:1: key: a value longer than 500 bytes");
	free(text);
	text = repeat("chunk-pages = ", "1", ",", SCN_ITEMS_MAX + 1);
	bad(text, "t.scn:1: chunk-pages: more than 1000 items in the list");
	free(text);
	/* the 1001st part stops the parser: nothing after it is looked at */
	text = calloc(SCN_PARTS_MAX + 1, 16);
	cr_assert_not_null(text);
	for (i = 0; i <= SCN_PARTS_MAX; i++)
		sprintf(text + strlen(text), "[p%u]\n", i);
	cr_assert_eq(scn_parse_text("t.scn", text, &f, &d), HB_EUSAGE);
	cr_assert_eq(f.nparts, SCN_PARTS_MAX);
	cr_assert_str_eq(d.msg[d.count - 1], "t.scn:1001: more than 1000 parts in one file");
	free(text);
}

/* The count comes from the axes alone and is what the expansion builds,
 * parts and a kernel baseline included. */
Test(scenario, count_is_what_expands)
{
	static const char *const texts[] = {
		"memory = mixed size=1MiB, text size=1MiB\ncompress = lz4, zstd:1\n"
		"fault = none, powercut@flush1, powercut@50%\n",
		"compress = lz4, zstd\n[a]\nchain = zero | crc32c | zero,lz4\n[b]\n"
		"chunk-pages = 1, 2\n",
		"machine = qemu\nbaseline = kernel\nmemory = random size=160MiB, text size=64MiB\n"
		"compress = lz4, zstd\n",
	};
	static const unsigned expect[] = { 12, 3 + 4, 2 * 2 + 2 };
	unsigned i;

	for (i = 0; i < 3; i++) {
		struct scn_runs runs = { .v = NULL };
		cr_assert_eq(scn_parse_text("c.scn", texts[i], &f, &d), 0, "%s", d.msg[0]);
		cr_assert_eq(scn_count_runs(&f), expect[i], "text %u", i);
		cr_assert_eq(scn_expand(&f, &runs), 0);
		cr_assert_eq(runs.count, expect[i], "text %u", i);
		scn_runs_free(&runs);
		scn_free(&f);
	}
}

/* Six lines asking for 10^9 runs: refused with the count before one run is
 * built (it used to take gigabytes first). */
Test(scenario, too_many_runs_refused_before_building, .timeout = 10)
{
	struct scn_runs runs = { .v = NULL };
	char *lines[4];
	size_t len = 0;
	char *text;
	unsigned i;

	lines[0] = repeat("chunk-pages = ", "7", ",\n", 1000);
	lines[1] = repeat("fault = ", "none", ",\n", 1000);
	lines[2] = repeat("compress = ", "lz4", ",", 100);
	lines[3] = repeat("checksum = ", "crc32c", ",", 10);
	for (i = 0; i < 4; i++)
		len += strlen(lines[i]);
	text = calloc(1, len + 1);
	cr_assert_not_null(text);
	for (i = 0; i < 4; i++) {
		strcat(text, lines[i]);
		free(lines[i]);
	}
	cr_assert_eq(scn_parse_text("huge.scn", text, &f, &d), 0, "%s", d.msg[0]);
	free(text);
	cr_assert_eq(scn_count_runs(&f), 1000000000u);
	cr_assert_eq(scn_expand(&f, &runs), HB_EUSAGE);
	cr_assert_str_eq(hb_detail(HB_EUSAGE), "huge.scn: expands to 1000000000 runs; the limit is "
			 "100000 (split it into several files)");
	cr_assert_eq(runs.count, 0);
	cr_assert_null(runs.v);
}

/* A count past 2^64 saturates instead of wrapping to a small number. */
Test(scenario, count_saturates)
{
	struct scn_file big;
	struct scn_runs runs = { .v = NULL };
	unsigned a;

	memset(&big, 0, sizeof(big));
	snprintf(big.path, sizeof(big.path), "big.scn");
	for (a = 0; a < SCN_AXES; a++) {
		big.top.axis[a].line = 1;
		big.top.axis[a].count = SCN_ITEMS_MAX;   /* 1000^9 = 10^27 */
	}
	cr_assert_eq(scn_count_runs(&big), UINT64_MAX);
	cr_assert_eq(scn_expand(&big, &runs), HB_EUSAGE);
	cr_assert_str_eq(hb_detail(HB_EUSAGE), "big.scn: expands to more than "
			 "18446744073709551614 runs; the limit is 100000 (split it into several "
			 "files)");
	cr_assert_null(runs.v);
}

/* A second file is refused when the files together would pass the limit. */
Test(scenario, limit_is_for_all_files_together)
{
	struct scn_runs runs = { .v = NULL, .count = SCN_RUNS_MAX - 1 };

	cr_assert_eq(scn_parse_text("two.scn", "compress = lz4, zstd\n", &f, &d), 0);
	cr_assert_eq(scn_expand(&f, &runs), HB_EUSAGE);
	cr_assert_str_eq(hb_detail(HB_EUSAGE), "two.scn: expands to 2 runs, 100001 with the files "
			 "before it; the limit for one hiblab run is 100000");
	cr_assert_null(runs.v);
}

/* Files that are not regular are refused at once, never waited on. */
Test(scenario, only_regular_files, .timeout = 10)
{
	char dir[256], path[512], want[700];

	tu_mkdir(dir, sizeof(dir));
	tu_path(path, sizeof(path), dir, "fifo.scn");
	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_assert_eq(scn_parse_file(path, &f, &d), HB_EUSAGE);
	snprintf(want, sizeof(want), "%s: a FIFO, not a regular file", path);
	cr_assert_str_eq(d.msg[0], want);
	cr_assert_eq(scn_parse_file(dir, &f, &d), HB_EUSAGE);
	snprintf(want, sizeof(want), "%s: a directory, not a regular file", dir);
	cr_assert_str_eq(d.msg[0], want);
	tu_path(path, sizeof(path), dir, "big.scn");
	tu_write_random(path, SCN_FILE_MAX + 1, 1);
	cr_assert_eq(scn_parse_file(path, &f, &d), HB_EUSAGE);
	snprintf(want, sizeof(want), "%s: larger than 1048576 bytes, the most a scenario file may "
		 "hold", path);
	cr_assert_str_eq(d.msg[0], want);
	tu_rmdir(dir);
}

/* The kernel as a contender (issue 12): the guest kernel is an axis, the
 * kernel's own hibernation a chain, and each mistake is named. */
Test(scenario, guest_kernel_keys_refused_where_wrong)
{
	bad("kernel = debian-6.12\n", "t.scn:1: kernel: only with machine = qemu or libvirt");
	bad("machine = qemu\nkernel = debian-5.10\n",
	    "t.scn:2: kernel: 'debian-5.10': expected default, debian-6.1, debian-6.12, debian-6.12.74 or "
	    "PATH/bzImage[:MODULES_DIR] (a path holds a '/'; letters, digits and ._-/+=,@ only)");
	bad("machine = qemu\nkernel = /boot/vmlinuz'x\n",
	    "t.scn:2: kernel: '/boot/vmlinuz'x': expected default, debian-6.1, debian-6.12, debian-6.12.74 or "
	    "PATH/bzImage[:MODULES_DIR] (a path holds a '/'; letters, digits and ._-/+=,@ only)");
	bad("chain = kernel:lzo\n", "t.scn:1: chain: 'kernel:lzo': only with machine = qemu or libvirt");
	bad("machine = qemu\nchain = kernel:zstd\n",
	    "t.scn:2: chain: 'kernel:zstd': the kernel compresses with lzo or lz4 (kernel:lzo, "
	    "kernel:lz4)");
	bad("machine = qemu\ndisk = swap, block\nchain = kernel:lz4 | lz4\n",
	    "t.scn:3: chain: 'kernel:lz4': the kernel hibernates to swap only; not with disk = "
	    "block (line 2)");
	bad("machine = qemu\nguest-disk = 200MB\n",
	    "t.scn:2: guest-disk: '200MB': expected a rate like 200MB/s, 50MiB/s or none");
	bad("machine = qemu\nguest-disk = 0MB/s\n", "t.scn:2: guest-disk: '0MB/s': a rate above 0");
	bad("guest-disk = 50MB/s\n",
	    "t.scn:1: guest-disk: only with machine = qemu or libvirt (this is machine = sim)");
	bad("machine = qemu\nkernel-args = hb_boot=resume\n",
	    "t.scn:2: kernel-args: hb_* words are the runner's own");
	bad("machine = qemu\nkernel-args = quiet <x>\n",
	    "t.scn:2: kernel-args: '<' is not allowed (words of letters, digits and ._-/+:=,@ only)");
	bad("machine = qemu\nkernel-threads = 0\n", "t.scn:2: kernel-threads: '0': expected 1..64");
}

Test(scenario, guest_kernel_axis_and_kernel_chains_expand)
{
	struct scn_runs runs = { .v = NULL };
	const char *text = "machine = qemu\nkernel = debian-6.1, debian-6.12\nbaseline = kernel\n"
			   "chain = kernel:lz4 | lz4,crc32c\nkernel-args = loglevel=4 console=ttyS0,115200\n"
			   "kernel-threads = 2\nguest-disk = 50MB/s\n";
	const struct scn_run *r;

	cr_assert_eq(scn_parse_text("k.scn", text, &f, &d), 0, "%s", d.msg[0]);
	/* 2 kernels x 2 chains, and a baseline per kernel */
	cr_assert_eq(scn_count_runs(&f), 6);
	cr_assert_eq(scn_expand(&f, &runs), 0);
	cr_assert_eq(runs.count, 6);
	r = &runs.v[0];
	cr_assert_str_eq(r->guest_kernel, "debian-6.1");
	cr_assert(r->kernel);
	cr_assert_str_eq(r->kernel_comp, "lz4");
	cr_assert_str_eq(r->chain, "");
	cr_assert_str_eq(r->chain_label, "kernel:lz4");
	cr_assert_str_eq(r->disk, "swap");
	cr_assert_str_eq(r->kernel_args, "loglevel=4 console=ttyS0,115200");
	cr_assert_eq(r->kernel_threads, 2);
	cr_assert_eq(r->guest_disk_bps, 50000000u);
	cr_assert(strstr(r->combo, "kernel=debian-6.1 memory="), "%s", r->combo);
	r = &runs.v[1];
	cr_assert_not(r->kernel);
	cr_assert_str_eq(r->chain, "lz4,crc32c");
	cr_assert_str_eq(runs.v[2].guest_kernel, "debian-6.12");
	/* the baselines come last: the kernel's default compressor, per kernel */
	cr_assert(runs.v[4].kernel && runs.v[5].kernel);
	cr_assert_str_eq(runs.v[4].chain_label, "kernel:lzo");
	cr_assert_str_eq(runs.v[4].guest_kernel, "debian-6.1");
	cr_assert_str_eq(runs.v[5].guest_kernel, "debian-6.12");
	scn_runs_free(&runs);
}

Test(scenario, guest_disk_rates)
{
	static const struct {
		const char *text;
		uint64_t bps;
	} ok[] = { { "200MB/s", 200000000u }, { "50MiB/s", 50u << 20 }, { "1GB/s", 1000000000u },
		   { "4096/s", 4096u }, { "none", 0 } };
	char msg[256];
	unsigned i;
	uint64_t bps;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cr_assert_eq(scn_rate_parse(ok[i].text, &bps, msg, sizeof(msg)), 0, "%s", ok[i].text);
		cr_assert_eq(bps, ok[i].bps, "%s", ok[i].text);
	}
	cr_assert_eq(scn_rate_parse("MB/s", &bps, msg, sizeof(msg)), -1);
	cr_assert_eq(scn_rate_parse("99999999999999999999GB/s", &bps, msg, sizeof(msg)), -1);
	cr_assert_eq(scn_rate_parse("5 MB/s", &bps, msg, sizeof(msg)), -1);
}

Test(scenario, guest_kernel_dir_names_only_safe_characters)
{
	char dir[64];

	scn_guest_kernel_dir("debian-6.12", dir, sizeof(dir));
	cr_assert_str_eq(dir, "debian-6.12");
	scn_guest_kernel_dir("/boot/vmlinuz-7.0:/lib/modules/7.0", dir, sizeof(dir));
	cr_assert_str_eq(dir, "_boot_vmlinuz-7.0__lib_modules_7.0");
	scn_guest_kernel_dir("../../etc", dir, sizeof(dir));
	cr_assert_str_eq(dir, ".._.._etc");  /* one name: never a path out of kernels/ */
	scn_guest_kernel_dir("abcdefgh", dir, 4);
	cr_assert_str_eq(dir, "abc");
}

/* reboot = no: the stress cycles of one running guest (issue 12, part 3). */
Test(scenario, reboot_no_is_stress_and_takes_no_fault)
{
	struct scn_runs runs = { .v = NULL };

	bad("reboot = no\n", "t.scn:1: reboot: only with machine = qemu or libvirt (this is "
			      "machine = sim)");
	bad("machine = qemu\nreboot = never\n", "t.scn:2: reboot: 'never': expected yes or no");
	bad("machine = qemu\nreboot = no\nfault = none, flip\n",
	    "t.scn:3: fault: 'flip': not with reboot = no (its cycles run in one guest; a fault is "
	    "a run of its own)");
	bad("machine = qemu\nchain = kernel:lzo\nfault = twice\n",
	    "t.scn:2: chain: 'kernel:lzo': not with fault = twice (line 3; hiblab's rule, not the "
	    "kernel's)");
	expand_to("machine = qemu\nreboot = no\ncycles = 20\nchain = lz4,crc32c | kernel:lzo\n", &runs,
		  2);
	cr_assert(runs.v[0].stress && runs.v[1].stress);
	cr_assert_eq(runs.v[1].cycles, 20);
	scn_runs_free(&runs);
}

Test(scenario, zero_top_is_whole_mib_in_a_guest)
{
	struct scn_runs runs = { .v = NULL };

	bad("zero-top = 4MiB\n", "t.scn:1: zero-top: only with machine = qemu or libvirt (this is "
				  "machine = sim)");
	bad("machine = qemu\nzero-top = 4KiB\n",
	    "t.scn:2: zero-top: '4KiB': expected whole MiB, like 4MiB");
	cr_assert_eq(scn_parse_text("z.scn", "machine = qemu\nzero-top = 8MiB\n", &f, &d), 0, "%s",
		     d.msg[0]);
	cr_assert_eq(scn_expand(&f, &runs), 0);
	cr_assert_eq(runs.v[0].zero_top_mib, 8);
	scn_runs_free(&runs);
}

/* With swapon = yes the host cannot find hiblab's records among the kernel's
 * swap pages, but finds the kernel's own image through its map pages. */
Test(scenario, damaging_faults_with_swapon_only_for_kernel_chains)
{
	cr_assert_eq(scn_parse_text("k.scn", "machine = qemu\nswapon = yes\nchain = kernel:lzo\n"
				    "fault = flip, truncate\n", &f, &d), 0, "%s", d.msg[0]);
	scn_free(&f);
	bad("machine = qemu\nswapon = yes\nchain = kernel:lzo | lz4\nfault = flip\n",
	    "t.scn:4: fault: 'flip': not with swapon = yes (the kernel places the image among its "
	    "swap pages; the host cannot find the records)");
}

/* guest = debian (issue 16): the Debian disk image, machine = qemu only, its
 * own kernel and swap file; busybox stays the default. */
Test(scenario, guest_debian_is_a_qemu_run_of_its_own_disk)
{
	struct scn_runs runs = { .v = NULL };

	bad("guest = debian\n", "t.scn:1: guest: only with machine = qemu or libvirt (this is "
				 "machine = sim)");
	bad("machine = qemu\nguest = ubuntu\n", "t.scn:2: guest: 'ubuntu': expected busybox or debian");
	bad("machine = libvirt\nguest = debian\n",
	    "t.scn:2: guest: 'debian': only with machine = qemu (this is machine = libvirt)");
	bad("machine = qemu\nguest = debian\nkernel = debian-6.12\n",
	    "t.scn:3: kernel: not with guest = debian (it boots its own kernel, "
	    "linux-image-cloud-amd64)");
	bad("machine = qemu\nguest = debian\ndisk = swap, block\n",
	    "t.scn:3: disk: 'block': not with guest = debian (it hibernates to its swap file: "
	    "disk = swap)");
	bad("machine = qemu\nguest = debian\nfault = none, truncate\n",
	    "t.scn:3: fault: 'truncate': not with guest = debian (none, flip, twice, wrong-key, "
	    "passphrase, wrong-passphrase or sparse-swapfile)");
	bad("machine = qemu\nguest = debian\nchain = kernel:lzo\nfault = flip\n",
	    "t.scn:4: fault: 'flip': not with guest = debian and a kernel: chain (hiblab's chains "
	    "only)");
	bad("machine = qemu\nchain = lz4,aes-256-gcm\nfault = wrong-key\n",
	    "t.scn:3: fault: 'wrong-key': only with guest = debian (its key file, changed before it "
	    "hibernates)");
	bad("machine = qemu\nfault = sparse-swapfile\n",
	    "t.scn:2: fault: 'sparse-swapfile': only with guest = debian (its hiblab setup, given a "
	    "swap file with holes)");
	bad("machine = qemu\nguest = debian\nchain = lz4,aes-256-gcm | lz4\nfault = wrong-passphrase\n",
	    "t.scn:4: fault: 'wrong-passphrase': chain 'lz4' does not encrypt (add aes-256-gcm: the "
	    "fault is about its key)");
	bad("machine = qemu\nguest = debian\nchain = lz4\nfault = wrong-key\n",
	    "t.scn:4: fault: 'wrong-key': chain 'lz4' does not encrypt (add aes-256-gcm: the fault "
	    "is about its key)");
	expand_to("machine = qemu\nguest = debian\nchain = lz4,aes-256-gcm\n"
		  "fault = flip, twice, wrong-key, passphrase, wrong-passphrase, sparse-swapfile\n",
		  &runs, 6);
	cr_assert_str_eq(runs.v[2].fault, "wrong-key");
	cr_assert_str_eq(runs.v[5].fault, "sparse-swapfile");
	scn_runs_free(&runs);
	scn_free(&f);
	bad("machine = qemu\nguest = debian\nreboot = no\n",
	    "t.scn:3: reboot: not with guest = debian (the busybox guest's key; the Debian guest's "
	    "swap file is always on)");
	expand_to("machine = qemu\nchain = kernel:lzo\n[busybox]\n[debian]\nguest = debian\n", &runs, 2);
	cr_assert(!runs.v[0].debian, "busybox is the default");
	cr_assert(runs.v[1].debian);
	scn_runs_free(&runs);
}
