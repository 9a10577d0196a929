/* libvirt: one boot of the test guest as a transient domain, its console
 * timed line by line.  See backends/libvirt.h. */
#include "backends/libvirt.h"
#include "backends/guest_console.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VIRSH "virsh"

/* Appends to a fixed buffer; full once anything did not fit. */
struct text {
	char *p;
	size_t used, cap;
	bool full;
};

static void put(struct text *t, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->p + t->used, t->cap - t->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->cap - t->used)
		t->full = true;
	else
		t->used += (size_t)n;
}

/* s with XML's five special characters escaped: paths and the command line
 * are the user's. */
static void put_escaped(struct text *t, const char *s)
{
	for (; *s && !t->full; s++) {
		switch (*s) {
		case '&': put(t, "&amp;"); break;
		case '<': put(t, "&lt;"); break;
		case '>': put(t, "&gt;"); break;
		case '\'': put(t, "&apos;"); break;
		case '"': put(t, "&quot;"); break;
		default: put(t, "%c", *s); break;
		}
	}
}

static void put_element(struct text *t, const char *indent, const char *name, const char *value)
{
	put(t, "%s<%s>", indent, name);
	put_escaped(t, value);
	put(t, "</%s>\n", name);
}

/* qemu's -cpu in libvirt's words */
static void put_cpu(struct text *t, const char *cpu)
{
	if (!cpu || !*cpu)
		return;
	if (strcmp(cpu, "host") == 0) {
		put(t, "  <cpu mode='host-passthrough'/>\n");
	} else if (strcmp(cpu, "max") == 0) {
		put(t, "  <cpu mode='maximum'/>\n");
	} else {
		put(t, "  <cpu mode='custom' match='exact'><model fallback='forbid'>");
		put_escaped(t, cpu);
		put(t, "</model></cpu>\n");
	}
}

/* The machine of backends/qemu.c's command line, in libvirt's words: q35,
 * ACPI (the guest powers off through it), the same memory and CPUs, one
 * virtio disk, the serial console and nothing else (no USB, no balloon, no
 * graphics: libvirt refuses <graphics type='none'/>, so none at all). */
int hb_libvirt_xml(const struct hb_qemu_machine *m, const char *name, const char *serial,
		   char *xml, size_t cap)
{
	struct text t = { .p = xml, .cap = cap };
	char cmdline[2048];

	snprintf(cmdline, sizeof(cmdline), "console=ttyS0 panic=-1 edd=off %s",
		 m->append ? m->append : "");
	put(&t, "<domain type='%s'>\n", strcmp(m->accel, "kvm") == 0 ? "kvm" : "qemu");
	put_element(&t, "  ", "name", name);
	put(&t, "  <memory unit='MiB'>%llu</memory>\n", (unsigned long long)m->mem_mib);
	put(&t, "  <vcpu>%u</vcpu>\n", m->vcpus ? m->vcpus : 1);
	put_cpu(&t, m->cpu);
	put(&t, "  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n");
	put_element(&t, "    ", "kernel", m->kernel);
	put_element(&t, "    ", "initrd", m->initrd);
	put_element(&t, "    ", "cmdline", cmdline);
	put(&t, "  </os>\n  <features><acpi/></features>\n");
	/* like qemu -no-reboot: a reboot or a panic ends the boot */
	put(&t, "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>destroy</on_reboot>\n"
		"  <on_crash>destroy</on_crash>\n  <devices>\n");
	if (m->qemu)
		put_element(&t, "    ", "emulator", m->qemu);
	put(&t, "    <disk type='file' device='disk'>\n      <driver name='qemu' type='raw'/>\n"
		"      <source file='");
	put_escaped(&t, m->disk);
	put(&t, "'/>\n      <target dev='vda' bus='virtio'/>\n");
	if (m->disk_bps)
		put(&t, "      <iotune><total_bytes_sec>%llu</total_bytes_sec></iotune>\n",
		    (unsigned long long)m->disk_bps);
	put(&t, "    </disk>\n"
		"    <serial type='file'>\n      <source path='");
	put_escaped(&t, serial);
	/* append: libvirt opens the console file where it is; without it libvirt
	 * deletes and makes it again, in a directory a remote URI's user cannot
	 * write (share_with_remote_user makes the file for that user) */
	put(&t, "' append='on'/>\n      <target port='0'/>\n    </serial>\n"
		"    <controller type='usb' model='none'/>\n    <memballoon model='none'/>\n"
		"  </devices>\n</domain>\n");
	if (t.full)
		return hb_fail(HB_EUSAGE, "libvirt: domain XML longer than %zu bytes", cap);
	return 0;
}

/* Starts `virsh -c uri ARGS...` with its output to fd out (-1: /dev/null).
 * The pid, or -1 with errno. */
static pid_t virsh_start(const char *uri, int out, const char *const *args)
{
	const char *argv[12];
	unsigned n = 0;
	pid_t pid;

	argv[n++] = VIRSH;
	argv[n++] = "-q";
	argv[n++] = "-c";
	argv[n++] = uri;
	while (*args && n < 11)
		argv[n++] = *args++;
	argv[n] = NULL;
	pid = fork();
	if (pid != 0)
		return pid;
	if (out < 0)
		out = open("/dev/null", O_WRONLY);
	if (out >= 0) {
		dup2(out, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
	}
	execvp(argv[0], (char *const *)(uintptr_t)argv);
	_exit(127);
}

/* The n bytes of virsh's output in raw, its lines joined with "; ", into
 * said (cap bytes). */
static void one_line(const char *raw, size_t n, char *said, size_t cap)
{
	size_t i, o = 0;

	while (n && (raw[n - 1] == '\n' || raw[n - 1] == ' '))
		n--;
	for (i = 0; i < n && o + 3 < cap; i++) {
		if (raw[i] != '\n') {
			said[o++] = raw[i];
		} else {
			said[o++] = ';';
			said[o++] = ' ';
		}
	}
	said[o] = '\0';
}

/* Runs virsh to its end, or kills it after limit_s seconds: over a remote
 * URI it waits on ssh and on a daemon elsewhere, which may never answer.
 * Its exit status (127: not installed, -1: killed) and what it said, on one
 * line ("error: a; error: b"), in said. */
static int virsh_run(const char *uri, const char *const *args, unsigned limit_s, char *said,
		     size_t cap)
{
	const double deadline = hb_qemu_now() + limit_s;
	char raw[1024], rest[256];
	int fds[2], status = 0;
	bool late = false;
	size_t used = 0;
	ssize_t n = 1;
	pid_t pid;

	said[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	pid = virsh_start(uri, fds[1], args);
	close(fds[1]);
	/* read to the end, keeping the start: a full pipe would stop virsh */
	while (n != 0) {
		struct pollfd ready = { .fd = fds[0], .events = POLLIN };
		double left = deadline - hb_qemu_now();

		if (left <= 0) {
			late = true;
			break;
		}
		if (poll(&ready, 1, (int)(left * 1000) + 1) <= 0)
			continue;  /* EINTR, or the deadline: asked again above */
		n = used < sizeof(raw) ? read(fds[0], raw + used, sizeof(raw) - used)
				       : read(fds[0], rest, sizeof(rest));
		if (n < 0 && errno != EINTR)
			break;
		used += n > 0 && used < sizeof(raw) ? (size_t)n : 0;
	}
	close(fds[0]);
	one_line(raw, used, said, cap);
	if (pid < 0)
		return -1;
	if (late) {
		/* the ssh it started ends with it: its end of the connection closes */
		kill(pid, SIGKILL);
		snprintf(said, cap, "no answer in %u s", limit_s);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return !late && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void sleep_s(double s)
{
	struct timespec ts = { .tv_sec = (time_t)s, .tv_nsec = (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Reads what the serial file gained since the last call. */
static void drain(int fd, struct hb_console *con)
{
	char buf[4096];
	ssize_t n;

	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		hb_console_feed(con, buf, (size_t)n, hb_qemu_now());
}

/* Resolves path to an absolute one: libvirt wants nothing else. */
static int absolute(const char *path, char *out)
{
	if (realpath(path, out))
		return 0;
	return hb_fail(HB_EIO, "libvirt: %s: %s", path, strerror(errno));
}

struct domain {
	const char *uri;
	unsigned limit_s;  /* for one virsh command */
	char name[64], xml_path[PATH_MAX + 8], serial[PATH_MAX + 8];
	char kernel[PATH_MAX], initrd[PATH_MAX], disk[PATH_MAX];
};

bool hb_libvirt_remote_user(const char *uri, char *user, size_t cap)
{
	const char *host = uri ? strstr(uri, "://") : NULL;
	const char *at;
	size_t authority;

	if (!host)
		return false;
	host += 3;
	authority = strcspn(host, "/?");
	at = (const char *)memchr(host, '@', authority);
	/* local ("qemu:///session"), no user, no host, or too long */
	if (!at || at == host || at + 1 == host + authority || (size_t)(at - host) >= cap)
		return false;
	memcpy(user, host, (size_t)(at - host));
	user[at - host] = '\0';
	return true;
}

/* A remote URI's user, not we, opens the domain's disk and console file.
 * When we are root and that user exists here too (this host over loopback,
 * or hosts that share their accounts, as a shared directory needs), the disk
 * and a fresh console file become the user's, and when the disk's directory
 * is ours and closed (the runner's scratch, 0700) the user's group may pass
 * through it.  Otherwise access is the operator's: docs/QEMU.md ("A fleet"). */
static int share_with_remote_user(const struct domain *d)
{
	char user[64], dir[PATH_MAX], *slash;
	const struct passwd *pw;
	struct stat st;
	int fd, err = 0;

	if (geteuid() != 0 || !hb_libvirt_remote_user(d->uri, user, sizeof(user)))
		return 0;
	pw = getpwnam(user);
	if (!pw || pw->pw_uid == 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s", d->disk);
	slash = strrchr(dir, '/');  /* d->disk is absolute */
	*(slash == dir ? slash + 1 : slash) = '\0';
	fd = open(d->serial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || fchown(fd, pw->pw_uid, pw->pw_gid) != 0 ||
	    chown(d->disk, pw->pw_uid, pw->pw_gid) != 0 || stat(dir, &st) != 0)
		err = -1;
	else if (st.st_uid == 0 && !(st.st_mode & S_IXOTH) &&
		 (chown(dir, (uid_t)-1, pw->pw_gid) != 0 ||
		  chmod(dir, (st.st_mode & 07777) | S_IXGRP) != 0))
		err = -1;
	if (err)
		err = hb_fail(HB_EIO, "libvirt: handing %s to %s, the URI's user: %s", d->disk, user,
			      strerror(errno));
	if (fd >= 0)
		close(fd);
	return err;
}

/* Names, absolute paths, the XML file beside the disk, and the files a
 * remote URI's user opens. */
static int prepare(const struct hb_qemu_machine *m, struct domain *d, struct hb_qemu_machine *abs)
{
	static unsigned boots;
	char xml[8192];
	FILE *f;
	int err;

	snprintf(d->name, sizeof(d->name), "hiblab-%ld-%u", (long)getpid(), boots++);
	err = absolute(m->kernel, d->kernel);
	if (!err)
		err = absolute(m->initrd, d->initrd);
	if (!err)
		err = absolute(m->disk, d->disk);
	if (err)
		return err;
	snprintf(d->xml_path, sizeof(d->xml_path), "%s.xml", d->disk);
	snprintf(d->serial, sizeof(d->serial), "%s.console", d->disk);
	*abs = *m;
	abs->kernel = d->kernel;
	abs->initrd = d->initrd;
	abs->disk = d->disk;
	err = hb_libvirt_xml(abs, d->name, d->serial, xml, sizeof(xml));
	if (err)
		return err;
	f = fopen(d->xml_path, "w");
	if (!f || fputs(xml, f) < 0 || fclose(f) != 0)
		return hb_fail(HB_EIO, "libvirt: %s: %s", d->xml_path, strerror(errno));
	unlink(d->serial);
	return share_with_remote_user(d);
}

/* Watches the running domain until it is gone or the console says to stop.
 * The domain's state is asked in the background (virsh takes tens of
 * milliseconds) so that console lines keep their host times. */
static void watch(struct domain *d, struct hb_console *con, struct hb_qemu_boot *b)
{
	const char *const state[] = { "domstate", d->name, NULL };
	double next_ask = hb_qemu_now() + 1.0, t;
	pid_t asking = -1;
	int fd = -1, status;
	bool gone = false;

	while (!gone) {
		if (fd < 0)
			fd = open(d->serial, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		drain(fd, con);
		t = hb_qemu_now();
		if (hb_console_expired(con, t)) {
			const char *const destroy[] = { "destroy", d->name, NULL };
			char said[256];
			if (asking > 0) {
				kill(asking, SIGKILL);  /* its answer no longer matters */
				waitpid(asking, &status, 0);
			}
			virsh_run(d->uri, destroy, d->limit_s, said, sizeof(said));
			b->status = -1;
			break;
		}
		if (asking > 0 && waitpid(asking, &status, WNOHANG) == asking) {
			/* a transient domain is undefined once it stops */
			gone = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
			asking = -1;
		}
		/* once the kernel said "Power down", the end is near: ask often */
		if (b->powered_off > 0 && next_ask > t + 0.05)
			next_ask = t;
		if (asking < 0 && !gone && t >= next_ask) {
			asking = virsh_start(d->uri, -1, state);
			next_ask = t + (b->powered_off > 0 ? 0.05 : 1.0);
		}
		sleep_s(0.01);
	}
	drain(fd, con);
	if (fd >= 0)
		close(fd);
}

int hb_libvirt_boot(const struct hb_qemu_machine *m, const char *uri, struct hb_qemu_boot *b)
{
	struct domain d = {
		.uri = uri && *uri ? uri : HB_LIBVIRT_DEFAULT_URI,
		.limit_s = m->timeout_s ? m->timeout_s : 120,
	};
	struct hb_qemu_machine abs;
	struct hb_console con;
	const char *create[] = { "create", d.xml_path, NULL };
	char how[PATH_MAX + 300], said[512], user[64];
	int err, rc;

	memset(b, 0, sizeof(*b));
	err = prepare(m, &d, &abs);
	if (err)
		return err;
	snprintf(how, sizeof(how), VIRSH " -c %s create %s", d.uri, d.xml_path);
	err = hb_console_begin(&con, &abs, b, how);
	if (err)
		return err;
	rc = virsh_run(d.uri, create, d.limit_s, said, sizeof(said));
	if (rc == 127) {
		err = hb_fail(HB_EIO, "libvirt: cannot run " VIRSH " (install libvirt-clients)");
	} else if (rc != 0 && strcmp(abs.accel, "kvm") == 0 && strcasestr(said, "kvm")) {
		/* libvirt says KVM cannot be had: the caller boots again on TCG */
		fprintf(con.log, "# %s\n", said);
		b->kvm_failed = true;
	} else if (rc != 0) {
		err = hb_fail(HB_EIO, "libvirt: " VIRSH " -c %s create: %s%s", d.uri,
			      said[0] ? said : "failed",
			      geteuid() == 0 && strstr(d.uri, "/session") &&
			      !hb_libvirt_remote_user(d.uri, user, sizeof(user)) ?
			      " (qemu:///session wants an unprivileged user: docs/QEMU.md)" : "");
	} else {
		watch(&d, &con, b);
	}
	b->end = hb_qemu_now();
	hb_console_end(&con);
	if (!err) {
		unlink(d.serial);
		unlink(d.xml_path);
	}
	return err;
}
