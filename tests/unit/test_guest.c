/* The guest machines without a guest: the serial console watcher (marks,
 * kernel lines, phase time limits), qemu's command line and libvirt's domain
 * XML.  Real boots are `make qemu-test` and `make libvirt-test`. */
#include "swaputil.h"
#include "testutil.h"

#include "backends/guest_console.h"
#include "backends/libvirt.h"
#include "backends/qemu.h"
#include "backends/swap_writer.h"
#include "core/bytes.h"
#include "core/engine.h"
#include "core/error.h"
#include "core/format.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256], log_path[300];

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
	tu_path(log_path, sizeof(log_path), dir, "console.log");
}

static void teardown(void)
{
	tu_rmdir(dir);
}

static struct hb_qemu_machine machine(const char *accel)
{
	return (struct hb_qemu_machine){
		.kernel = "/g/vmlinuz", .initrd = "/g/initrd.img", .disk = "/s/run-0.disk",
		.mem_mib = 512, .vcpus = 2, .accel = accel, .append = "hb_boot=suspend",
		.console = log_path, .timeout_s = 120,
	};
}

static void feed(struct hb_console *c, const char *text, double t)
{
	hb_console_feed(c, text, strlen(text), t);
}

TestSuite(guest, .init = setup, .fini = teardown);

Test(guest, console_times_each_mark_once_and_picks_the_kernel_lines)
{
	struct hb_qemu_machine m = machine("tcg");
	struct hb_qemu_boot b;
	struct hb_console c;
	size_t len;
	char *log;

	cr_assert_eq(hb_console_begin(&c, &m, &b, "qemu-system-x86_64"), 0);
	feed(&c, "[    0.0] Linux version 6.1.0\r\n\x1b[0mHIBLAB-BOOTED boot=suspend role=hiblab\n", 10.0);
	/* a line split across reads is one line, timed when it ends */
	feed(&c, "HIBLAB-SUSPEND-ST", 11.0);
	feed(&c, "ART role=hiblab\n", 12.0);
	feed(&c, "hiblab: swap: /dev/vda: no room\n", 12.5);
	feed(&c, "PM: hibernation: Image created (44758 pages copied)\n", 13.0);
	feed(&c, "HIBLAB-BOOTED again\n", 14.0);
	feed(&c, "[    9.9] reboot: Power down\n", 15.0);
	b.end = 15.1;
	hb_console_end(&c);
	cr_assert_float_eq(b.seen[HB_QM_BOOTED], 10.0, 1e-9, "the first BOOTED counts");
	cr_assert_str_eq(b.text[HB_QM_BOOTED], "HIBLAB-BOOTED boot=suspend role=hiblab");
	cr_assert_float_eq(b.seen[HB_QM_SUSPEND_START], 12.0, 1e-9);
	cr_assert_str_eq(b.text[HB_QM_SUSPEND_START], "HIBLAB-SUSPEND-START role=hiblab");
	cr_assert_str_eq(b.error, "swap: /dev/vda: no room");
	cr_assert_eq(b.kernel_pages, 44758);
	cr_assert_float_eq(b.powered_off, 15.0, 1e-9);
	cr_assert_eq(b.seen[HB_QM_VERIFY], 0);
	cr_assert_not(b.kvm_failed);
	log = (char *)tu_read_file(log_path, &len);
	cr_assert(strstr(log, "# qemu-system-x86_64 -append 'hb_boot=suspend' (accel tcg)\n"));
	cr_assert(strstr(log, "] HIBLAB-SUSPEND-START role=hiblab\n"), "%s", log);
	cr_assert(strstr(log, "# exit 0 after"));
	free(log);
}


Test(guest, a_prompt_gets_the_next_answer_once_and_the_log_keeps_no_secret)
{
	struct hb_qemu_machine m = machine("tcg");
	struct hb_qemu_boot b;
	struct hb_console c;
	char typed[64];
	size_t len;
	char *log;

	m.prompt = "Passphrase for the";
	m.answers = "not-it\nopen sesame\n";
	cr_assert_eq(hb_console_begin(&c, &m, &b, "qemu"), 0);
	cr_assert_not(hb_console_answer(&c, typed, sizeof(typed)), "nothing asked yet");
	feed(&c, "Begin: Running /scripts/local-premount ... \n", 1.0);
	feed(&c, "\x1b[0mPassphrase for the aes-256-gcm", 2.0);
	cr_assert(hb_console_answer(&c, typed, sizeof(typed)), "the unfinished line holds the prompt");
	/* the prompt split across reads: asked once, answered once */
	cr_assert_eq(b.prompts, 1);
	cr_assert_str_eq(typed, "not-it");
	feed(&c, " image: ", 2.1);
	cr_assert_not(hb_console_answer(&c, typed, sizeof(typed)), "the same line asks once");
	feed(&c, "\nWrong passphrase. Passphrase for the aes-256-gcm image (2 of 3): ", 3.0);
	cr_assert(hb_console_answer(&c, typed, sizeof(typed)));
	cr_assert_str_eq(typed, "open sesame");
	feed(&c, "\nWrong passphrase. Passphrase for the aes-256-gcm image (3 of 3): ", 4.0);
	cr_assert_not(hb_console_answer(&c, typed, sizeof(typed)), "no answer left");
	cr_assert_eq(b.prompts, 3);
	cr_assert_eq(b.answered, 2);
	feed(&c, "\n", 5.0);
	b.end = 5.0;
	hb_console_end(&c);
	log = (char *)tu_read_file(log_path, &len);
	cr_assert(strstr(log, "# typed answer 2 at the prompt"), "%s", log);
	cr_assert(strstr(log, "no answer left to type"), "%s", log);
	cr_assert_null(strstr(log, "sesame"), "what was typed stays out of the log: %s", log);
	cr_assert_null(strstr(log, "not-it"), "%s", log);
	free(log);
}

Test(guest, without_a_prompt_nothing_is_typed)
{
	struct hb_qemu_machine m = machine("tcg");
	struct hb_qemu_boot b;
	struct hb_console c;
	char typed[16];

	cr_assert_eq(hb_console_begin(&c, &m, &b, "qemu"), 0);
	feed(&c, "Passphrase for the aes-256-gcm image: ", 1.0);
	cr_assert_not(hb_console_answer(&c, typed, sizeof(typed)));
	cr_assert_eq(b.prompts, 0);
	b.end = 2.0;
	hb_console_end(&c);
}
Test(guest, a_quiet_phase_times_out_naming_the_phase)
{
	struct hb_qemu_machine m = machine("tcg");
	struct hb_qemu_boot b;
	struct hb_console c;
	double t0;

	m.timeout_s = 5;
	cr_assert_eq(hb_console_begin(&c, &m, &b, "qemu"), 0);
	t0 = b.start;
	cr_assert_not(hb_console_expired(&c, t0 + 4.0), "quiet for 4 s of 5: not yet");
	feed(&c, "HIBLAB-BOOTED boot=resume\nHIBLAB-RESTORE-START\n", t0 + 4.0);
	cr_assert_not(hb_console_expired(&c, t0 + 8.0), "the phase clock restarts at each mark");
	feed(&c, "HIBLAB-SETUP running 30s (hiblab setup: update-initramfs -u)\n", t0 + 8.0);
	cr_assert_not(hb_console_expired(&c, t0 + 12.0), "any HIBLAB- line says the guest is alive");
	feed(&c, "[   12.0] a kernel line\n", t0 + 12.5);
	cr_assert(hb_console_expired(&c, t0 + 13.5));
	cr_assert(b.timed_out);
	cr_assert_str_eq(b.phase, "restore");
	cr_assert_not(b.kvm_failed);
	b.end = t0 + 13.5;
	hb_console_end(&c);
}

Test(guest, a_silent_kvm_guest_means_kvm_cannot_run_it)
{
	struct hb_qemu_machine m = machine("kvm");
	struct hb_qemu_boot b;
	struct hb_console c;

	cr_assert_eq(hb_console_begin(&c, &m, &b, "qemu"), 0);
	cr_assert_not(hb_console_expired(&c, b.start + HB_KVM_SILENT_S - 0.5));
	cr_assert(hb_console_expired(&c, b.start + HB_KVM_SILENT_S + 0.5));
	cr_assert(b.kvm_failed);
	cr_assert_not(b.timed_out, "not a timeout: the caller boots again on TCG");
	hb_console_end(&c);

	/* the same silence under TCG is only slow */
	m = machine("tcg");
	cr_assert_eq(hb_console_begin(&c, &m, &b, "qemu"), 0);
	cr_assert_not(hb_console_expired(&c, b.start + HB_KVM_SILENT_S + 0.5));
	feed(&c, "error: KVM internal error. Suberror: 1\n", b.start + HB_KVM_SILENT_S + 1.0);
	cr_assert(b.kvm_failed);
	hb_console_end(&c);
}

Test(guest, qemu_command_line_is_the_machine)
{
	struct hb_qemu_machine m = machine("tcg");
	char store[4096], *argv[HB_QEMU_ARGV], joined[4096] = "";
	unsigned i;

	cr_assert_eq(hb_qemu_argv(&m, argv, store, sizeof(store)), 0);
	for (i = 0; argv[i]; i++) {
		strcat(joined, argv[i]);
		strcat(joined, " ");
	}
	cr_assert_str_eq(joined, "qemu-system-x86_64 -accel tcg -M q35 -m 512 -smp 2 -nodefaults "
				 "-display none -no-reboot -serial stdio -kernel /g/vmlinuz -initrd "
				 "/g/initrd.img -append console=ttyS0 panic=-1 edd=off hb_boot=suspend "
				 "-drive file=/s/run-0.disk,format=raw,if=virtio ");
	cr_assert_eq(hb_qemu_argv(&m, argv, store, 64), HB_EUSAGE, "a store too small is said");

	m.cpu = "max";
	cr_assert_eq(hb_qemu_argv(&m, argv, store, sizeof(store)), 0);
	cr_assert_str_eq(argv[9], "-cpu");
	cr_assert_str_eq(argv[10], "max");
}

Test(guest, libvirt_domain_is_the_same_machine)
{
	static const struct {
		const char *accel, *cpu, *want;
	} cases[] = {
		{ "kvm", NULL, "<domain type='kvm'>\n" },
		{ "kvm", "host", "<cpu mode='host-passthrough'/>" },
		{ "tcg", "max", "<cpu mode='maximum'/>" },
		{ "tcg", "Skylake-Client", "<model fallback='forbid'>Skylake-Client</model>" },
	};
	struct hb_qemu_machine m = machine("tcg");
	char xml[8192];
	unsigned i;

	cr_assert_eq(hb_libvirt_xml(&m, "hiblab-1-0", "/s/run-0.console", xml, sizeof(xml)), 0);
	cr_assert(strstr(xml, "<domain type='qemu'>\n"), "TCG is libvirt's type qemu");
	cr_assert(strstr(xml, "<name>hiblab-1-0</name>"));
	cr_assert(strstr(xml, "<memory unit='MiB'>512</memory>"));
	cr_assert(strstr(xml, "<vcpu>2</vcpu>"));
	cr_assert(strstr(xml, "<type arch='x86_64' machine='q35'>hvm</type>"));
	cr_assert(strstr(xml, "<kernel>/g/vmlinuz</kernel>"));
	cr_assert(strstr(xml, "<initrd>/g/initrd.img</initrd>"));
	cr_assert(strstr(xml, "<cmdline>console=ttyS0 panic=-1 edd=off hb_boot=suspend</cmdline>"));
	cr_assert(strstr(xml, "<acpi/>"), "the guest powers off through ACPI");
	cr_assert(strstr(xml, "<on_reboot>destroy</on_reboot>"), "qemu -no-reboot");
	cr_assert(strstr(xml, "<source file='/s/run-0.disk'/>"));
	cr_assert(strstr(xml, "<target dev='vda' bus='virtio'/>"));
	cr_assert(strstr(xml, "<serial type='file'>\n      <source path='/s/run-0.console' "
			       "append='on'/>"), "the console file is opened, not made again");
	cr_assert_null(strstr(xml, "<graphics"), "libvirt refuses graphics type none: none at all");
	cr_assert_null(strstr(xml, "<emulator>"), "libvirt's own qemu unless one is named");
	cr_assert_null(strstr(xml, "<cpu"), "QEMU's default CPU model unless one is named");

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m.accel = cases[i].accel;
		m.cpu = cases[i].cpu;
		cr_assert_eq(hb_libvirt_xml(&m, "d", "/s/c", xml, sizeof(xml)), 0);
		cr_assert(strstr(xml, cases[i].want), "%s: %s", cases[i].want, xml);
	}
	cr_assert_eq(hb_libvirt_xml(&m, "d", "/s/c", xml, 300), HB_EUSAGE);
}

Test(guest, libvirt_domain_escapes_what_the_user_wrote)
{
	struct hb_qemu_machine m = machine("tcg");
	char xml[8192];

	m.disk = "/s/a&b's <disk>.raw";
	m.append = "hb_filters=\"x\"";
	cr_assert_eq(hb_libvirt_xml(&m, "d", "/s/c", xml, sizeof(xml)), 0);
	cr_assert(strstr(xml, "<source file='/s/a&amp;b&apos;s &lt;disk&gt;.raw'/>"), "%s", xml);
	cr_assert(strstr(xml, "hb_filters=&quot;x&quot;</cmdline>"));
}

/* libvirt's own schema accepts the domain (virt-xml-validate, from
 * libvirt-clients, which make deps installs). */
Test(guest, libvirt_domain_validates_against_libvirts_schema)
{
	struct hb_qemu_machine m = machine("tcg");
	char xml[8192], path[300], cmd[700];

	if (system("command -v virt-xml-validate >/dev/null 2>&1") != 0)
		cr_skip_test("virt-xml-validate is not installed (libvirt-clients)");
	cr_assert_eq(hb_libvirt_xml(&m, "hiblab-1-0", "/s/run-0.console", xml, sizeof(xml)), 0);
	tu_write_file(tu_path(path, sizeof(path), dir, "domain.xml"), xml, strlen(xml));
	snprintf(cmd, sizeof(cmd), "virt-xml-validate %s domain >/dev/null 2>&1", path);
	cr_assert_eq(system(cmd), 0, "virt-xml-validate refused:\n%s", xml);
	/* and refuses what libvirt refuses (why the domain has no <graphics>):
	 * the check is real */
	snprintf(xml, sizeof(xml), "<domain type='qemu'><name>x</name><devices>"
				   "<graphics type='none'/></devices></domain>");
	tu_write_file(path, xml, strlen(xml));
	cr_assert_neq(system(cmd), 0);
}

/* The host damages a guest's image where run_qemu.c looks for it: in an
 * idle swap area the image header and the first record sit at the pages
 * swap_writer.h names; on a block disk, at 0 and after the header area. */
Test(guest, the_image_is_where_the_fault_injector_looks)
{
	static const char *const kinds[] = { "swap", "file" };
	char disk[320], target[400];
	struct su_swap area = { .pages = 1024 };
	struct hb_suspend_args a = { .source = "sim:mixed,size=1MiB", .filters = "lz4,crc32c",
				     .target = target };
	struct hb_stats st;
	unsigned k;

	tu_path(disk, sizeof(disk), dir, "run.disk");
	for (k = 0; k < 2; k++) {
		uint64_t head = k == 0 ? SWAP_IDLE_HEAD_PAGE * 4096u : 0;
		uint64_t data = k == 0 ? SWAP_IDLE_DATA_PAGE * 4096u : HB_HEADER_AREA;
		uint8_t *h, *r;
		if (k == 0)
			su_make_swap(disk, &area);
		else
			su_fill_file(disk, 4u << 20, 0);
		snprintf(target, sizeof(target), "%s:%s", kinds[k], disk);
		cr_assert_eq(hb_suspend(&a, &st), 0, "%s: %s", kinds[k], hb_detail(-1));
		h = su_page(disk, head / 4096u, 4096);
		r = su_page(disk, data / 4096u, 4096);
		cr_assert_eq(memcmp(h, HB_MAGIC_VALID, HB_MAGIC_LEN), 0, "%s: no image header",
			     kinds[k]);
		cr_assert_eq(hb_get32(r), HB_RECORD_MAGIC, "%s: no record", kinds[k]);
		free(h);
		free(r);
		unlink(disk);
	}
}

/* One boot fed the given lines, each at its time. */
static void boot_of(struct hb_qemu_boot *b, const char *const *lines, const double *at,
		    unsigned n, double start)
{
	struct hb_qemu_machine m = machine("tcg");
	struct hb_console c;
	unsigned i;

	cr_assert_eq(hb_console_begin(&c, &m, b, "qemu-system-x86_64"), 0);
	b->start = start;
	for (i = 0; i < n; i++)
		feed(&c, lines[i], at[i]);
	b->end = at[n - 1] + 0.1;
	hb_console_end(&c);
}

/* The phases of a cycle, from the kernel's own lines (its hibernation) and
 * from hiblab's HIBLAB-PHASE lines, each boundary the first of its kind. */
Test(guest, phases_from_both_sides_lines)
{
	static const char *const ksus[] = {
		"HIBLAB-SUSPEND-START role=kernel\n",
		"[ 5.6] PM: hibernation: Preallocating image memory\n",
		"[ 6.7] PM: Compressing and saving image data (16232 pages)...\n",
		"[ 7.5] PM: Image saving done\n",
		"[ 7.6] PM: S|\n",
		"[ 7.7] reboot: Power down\n",
	};
	static const double ksus_t[] = { 10.0, 10.5, 12.0, 15.0, 15.25, 15.5 };
	static const char *const kres[] = {
		"HIBLAB-RESTORE-START\n", "[ 4.9] PM: Image loading done\n",
		"[ 6.9] OOM killer enabled.\n", "HIBLAB-RESUMED rc=0\n", "HIBLAB-VERIFY ok pages=1\n",
	};
	static const double kres_t[] = { 105.0, 108.0, 109.0, 109.5, 111.0 };
	static const char *const hsus[] = {
		"HIBLAB-SUSPEND-START role=hiblab\n",
		"PM: hibernation: Preallocating image memory\n", "HIBLAB-PHASE write\n",
		/* the kernel's words do not count for hiblab's own phases */
		"PM: Image saving done\n", "HIBLAB-PHASE commit\n", "HIBLAB-PHASE poweroff\n",
		"reboot: Power down\n",
	};
	static const double hsus_t[] = { 1.0, 1.25, 2.0, 2.5, 4.0, 4.5, 4.75 };
	static const char *const hres[] = {
		"HIBLAB-RESTORE-START\n", "HIBLAB-PHASE restore\n", "OOM killer enabled.\n",
		"HIBLAB-RESUMED rc=0\n",
	};
	static const double hres_t[] = { 52.0, 54.0, 55.0, 55.25 };
	static const double kexpect[HB_GP_COUNT] = { 0.5, 1.5, 3.0, 0.25, 0.25, 5.0, 3.0, 1.0, 0.5, 1.5 };
	static const double hexpect[HB_GP_COUNT] = { 0.25, 0.75, 2.0, 0.5, 0.25, 2.0, 2.0, 1.0, 0.25, -1.0 };
	struct hb_qemu_boot s, r;
	double out[HB_GP_COUNT];
	unsigned i;

	boot_of(&s, ksus, ksus_t, 6, 0.0);
	boot_of(&r, kres, kres_t, 5, 100.0);
	hb_guest_phases(&s, &r, true, out);
	for (i = 0; i < HB_GP_COUNT; i++)
		cr_assert_float_eq(out[i], kexpect[i], 1e-9, "kernel %s: %f",
				   hb_guest_phase_name((enum hb_guest_phase)i), out[i]);
	boot_of(&s, hsus, hsus_t, 7, 0.0);
	boot_of(&r, hres, hres_t, 4, 50.0);
	hb_guest_phases(&s, &r, false, out);
	/* no HIBLAB-VERIFY: the verify phase is unknown (-1), not 0 */
	for (i = 0; i < HB_GP_COUNT; i++)
		cr_assert_float_eq(out[i], hexpect[i], 1e-9, "hiblab %s: %f",
				   hb_guest_phase_name((enum hb_guest_phase)i), out[i]);
	cr_assert_str_eq(hb_guest_phase_name(HB_GP_RESTORE), "restore");
}

/* reboot = no: a boot that restores one cycle and then hibernates again
 * holds two RESUMED lines when the second suspend is refused; the second is
 * kept apart, so the host can tell "restored" from "refused next". */
Test(guest, a_mark_seen_twice_keeps_its_second)
{
	static const char *const lines[] = {
		"HIBLAB-RESTORE-START\n", "HIBLAB-RESUMED rc=0 cycle=3\n",
		"HIBLAB-VERIFY ok pages=8\n", "HIBLAB-SUSPEND-START role=hiblab cycle=4\n",
		"hiblab: snapshot: SNAPSHOT_CREATE_IMAGE: ENOMEM\n", "HIBLAB-RESUMED rc=1 cycle=4\n",
		"HIBLAB-RESUMED rc=9 a third\n",
	};
	static const double at[] = { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0 };
	struct hb_qemu_boot b;

	boot_of(&b, lines, at, 7, 0.0);
	cr_assert_float_eq(b.seen[HB_QM_RESUMED], 2.0, 1e-9);
	cr_assert_str_eq(b.text[HB_QM_RESUMED], "HIBLAB-RESUMED rc=0 cycle=3");
	cr_assert_float_eq(b.seen2[HB_QM_RESUMED], 6.0, 1e-9);
	cr_assert_str_eq(b.text2[HB_QM_RESUMED], "HIBLAB-RESUMED rc=1 cycle=4");
	cr_assert_eq(b.seen2[HB_QM_VERIFY], 0);
	cr_assert_str_eq(b.error, "snapshot: SNAPSHOT_CREATE_IMAGE: ENOMEM");
}
