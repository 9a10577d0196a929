/* hiblab setup: wire `systemctl hibernate` and the initramfs to hiblab, from
 * hibernate.conf, or (--disable) give both back to the kernel.
 *
 * What it writes (docs/DEBIAN.md, "Configure"):
 *   /etc/systemd/system/systemd-hibernate.service.d/hiblab.conf
 *       a drop-in that replaces systemd-sleep's ExecStart with hiblab suspend
 *   /etc/hiblab/initramfs.conf
 *       the configuration as the initramfs needs it: the target resolved (no
 *       root file system to find a swap file in yet), and a passfile turned
 *       into a typed passphrase (the file is not there before root is mounted);
 *       the initramfs-tools hook copies it, and only it
 * then runs `systemctl daemon-reload` and `update-initramfs -u`. */
#include "cli.h"

#include "core/error.h"
#include "core/options.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DROPIN_DIR "/etc/systemd/system/systemd-hibernate.service.d"
#define DROPIN DROPIN_DIR "/hiblab.conf"
#define INITRAMFS_CONF HB_HIBCONF_INITRAMFS_PATH
#define KERNEL_RESUME "/etc/initramfs-tools/conf.d/resume"
/* systemd-sleep runs these hooks around a hibernation; hiblab keeps them */
#define SLEEP_HOOKS "/usr/lib/systemd/system-sleep"

struct setup {
	const char *config;   /* as the running system names it */
	const char *root;     /* "" or --root DIR */
	bool dry_run;
	bool run_tools;       /* daemon-reload, update-initramfs */
};

static void help(void)
{
	printf("usage: hiblab setup [--config FILE] [--disable] [--dry-run] [--root DIR]\n\n"
	       "Check hibernate.conf and make `systemctl hibernate` write its image with\n"
	       "hiblab, and the initramfs resume it (docs/DEBIAN.md):\n"
	       "  %s\n"
	       "      ExecStart=hiblab suspend --source snapshot --config FILE\n"
	       "  %s\n"
	       "      what the initramfs reads (the target resolved from a swapfile)\n"
	       "then `systemctl daemon-reload` and `update-initramfs -u`.  Run it again after\n"
	       "editing the configuration or recreating the swap file.\n\n"
	       "      --config FILE   the configuration (default %s)\n"
	       "      --disable       remove both files: the kernel hibernates again\n"
	       "      --dry-run       check and say what would be written; write nothing\n"
	       "      --root DIR      write under DIR instead of /, run nothing (image builders)\n"
	       "  -h, --help          this help\n\n"
	       "exit status: 0 done, 1 a file or a tool failed, 2 refused (the line says why).\n",
	       DROPIN, INITRAMFS_CONF, HB_HIBCONF_PATH);
}

/* A path systemd takes as one word in ExecStart, as it stands: no blanks,
 * quotes, backslashes, $ or % (systemd's specifiers). */
static bool plain_path(const char *path)
{
	return path[strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789/._+-@:,")] == '\0';
}

static void rooted(const struct setup *s, const char *path, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s", s->root, path);
}

static int make_dirs(const char *path)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return hb_fail(HB_EIO, "mkdir %s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return hb_fail(HB_EIO, "mkdir %s: %s", buf, strerror(errno));
	return 0;
}

/* Whole or not at all: a new file beside it, synced, renamed over it. */
static int write_file(const char *path, const char *text, mode_t mode)
{
	char tmp[PATH_MAX + 16];
	size_t len = strlen(text);
	int fd, err = 0;

	snprintf(tmp, sizeof(tmp), "%s.hiblab-new", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return hb_fail(HB_EIO, "%s: %s", tmp, strerror(errno));
	if (write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) != 0 || fsync(fd) != 0)
		err = hb_fail(HB_EIO, "%s: %s", tmp, strerror(errno));
	if (close(fd) != 0 && !err)
		err = hb_fail(HB_EIO, "%s: %s", tmp, strerror(errno));
	if (!err && rename(tmp, path) != 0)
		err = hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	if (err)
		unlink(tmp);
	return err;
}

/* A tool of the running system; one that is not installed is a note. */
static int run_tool(const struct setup *s, const char *tool, const char *arg)
{
	char *const argv[] = { (char *)(uintptr_t)tool, (char *)(uintptr_t)arg, NULL };
	pid_t pid;
	int status, rc;

	if (!s->run_tools) {
		printf("skipped: %s %s (%s)\n", tool, arg,
		       s->dry_run ? "--dry-run" : s->root[0] ? "--root" : "not root");
		return 0;
	}
	rc = posix_spawnp(&pid, tool, NULL, NULL, argv, environ);
	if (rc == ENOENT) {
		printf("skipped: %s %s (not installed)\n", tool, arg);
		return 0;
	}
	if (rc != 0)
		return hb_fail(HB_EIO, "%s: %s", tool, strerror(rc));
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return hb_fail(HB_EIO, "%s %s failed (status %d)", tool, arg, status);
	printf("ran: %s %s\n", tool, arg);
	return 0;
}

static int run_tools(const struct setup *s)
{
	int err = run_tool(s, "systemctl", "daemon-reload");

	return err ? err : run_tool(s, "update-initramfs", "-u");
}

/* The kernel's own resume from the same initramfs would read the same area
 * first: the two are exclusive (docs/DEBIAN.md, "Resume"). */
static int check_kernel_resume(const struct setup *s, const char *device)
{
	char path[PATH_MAX], line[512], *v;
	FILE *f;
	int err = 0;

	rooted(s, KERNEL_RESUME, path, sizeof(path));
	f = fopen(path, "re");
	while (f && !err && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "RESUME=", 7) != 0)
			continue;
		v = line + 7;
		v[strcspn(v, "\n")] = '\0';
		if (strcmp(v, device) == 0)
			err = hb_fail(HB_EUSAGE, "setup: %s says RESUME=%s, the device hiblab "
						 "hibernates to: the kernel's resume and hiblab's are "
						 "exclusive; set RESUME=none there", KERNEL_RESUME, v);
		else if (*v && strcmp(v, "none") != 0)
			hb_note("%s says RESUME=%s: the kernel resumes from there first; hiblab's "
				"images go to %s", KERNEL_RESUME, v, device);
	}
	if (f)
		fclose(f);
	return err;
}

/* What `systemctl hibernate` can use: a swap target, a key it can read
 * without a terminal, a key file only root reads. */
static int check_config(const struct setup *s, const struct hb_hibconf *c)
{
	char path[PATH_MAX];
	const char *key_file = hb_hibconf_key_file(c);
	struct hb_spec spec;
	struct stat st;
	int err = hb_spec_parse(c->target, "target", &spec);

	if (err)
		return err;
	if (strcmp(spec.name, "swap") != 0 || spec.nargs == 0)
		return hb_fail(HB_EUSAGE, "setup: %s: target %s is not a swap area: systemctl "
					  "hibernate needs active swap, so hiblab's target is "
					  "swap:/dev/DEV[,offset=N] or swapfile = PATH", s->config,
			       c->target);
	if (strcmp(c->key, HB_HIBCONF_PASSPHRASE) == 0)
		return hb_fail(HB_EUSAGE, "setup: %s: key = passphrase: systemctl hibernate runs "
					  "hiblab with no terminal to type it on; use passfile=PATH "
					  "(typed at resume) or keyfile=PATH", s->config);
	if (key_file) {
		rooted(s, key_file, path, sizeof(path));
		if (stat(path, &st) != 0)
			return hb_fail(HB_EUSAGE, "setup: %s: key file %s: %s", s->config, key_file,
				       strerror(errno));
		if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IRWXG | S_IRWXO)))
			return hb_fail(HB_EUSAGE, "setup: %s: key file %s: %s", s->config,
				       key_file, S_ISREG(st.st_mode) ?
				       "others can read it: chmod 600 it" : "not a regular file");
	}
	return check_kernel_resume(s, spec.args[0].value);
}

/* file (in dir) under the root, mode 0644, whole or not at all */
static int install_file(const struct setup *s, const char *dir, const char *file,
			const char *text)
{
	char path[PATH_MAX];
	int err;

	rooted(s, dir, path, sizeof(path));
	err = make_dirs(path);
	rooted(s, file, path, sizeof(path));
	if (!err)
		err = write_file(path, text, 0644);
	if (!err)
		printf("wrote %s\n", path);
	return err;
}

static int enable(const struct setup *s, const struct hb_hibconf *c, const char *self)
{
	char dropin[3 * PATH_MAX], initramfs[3 * PATH_MAX];
	int err;

	snprintf(dropin, sizeof(dropin),
		 "# Written by hiblab setup (docs/DEBIAN.md); `hiblab setup --disable` removes it.\n"
		 "# systemctl hibernate writes its image with hiblab, configured in %s.\n"
		 "[Service]\n"
		 "ExecStart=\n"
		 "ExecStartPre=-/bin/run-parts --arg=pre --arg=hibernate " SLEEP_HOOKS "\n"
		 "ExecStart=%s suspend --source snapshot --config %s --quiet\n"
		 "ExecStartPost=-/bin/run-parts --reverse --arg=post --arg=hibernate " SLEEP_HOOKS "\n",
		 s->config, self, s->config);
	snprintf(initramfs, sizeof(initramfs),
		 "# Written by hiblab setup from %s: what the initramfs resumes from.\n"
		 "# Edit that file and run hiblab setup again, not this one.\n"
		 "enabled = yes\n"
		 "target = %s\n"
		 "%s%s%s"
		 "%s%s%s",
		 s->config, c->target, c->filters[0] ? "filters = " : "", c->filters,
		 c->filters[0] ? "\n" : "", c->key[0] ? "key = " : "",
		 /* a passfile is not in the initramfs: the passphrase is typed there */
		 strncmp(c->key, "passfile=", 9) == 0 ? HB_HIBCONF_PASSPHRASE : c->key,
		 c->key[0] ? "\n" : "");
	if (s->dry_run) {
		printf("would write %s:\n%s\nwould write %s:\n%s\n", DROPIN, dropin, INITRAMFS_CONF,
		       initramfs);
		return run_tools(s);
	}
	err = install_file(s, DROPIN_DIR, DROPIN, dropin);
	if (!err)
		err = install_file(s, "/etc/hiblab", INITRAMFS_CONF, initramfs);
	return err ? err : run_tools(s);
}

static int remove_file(const struct setup *s, const char *file)
{
	char path[PATH_MAX];

	rooted(s, file, path, sizeof(path));
	if (s->dry_run) {
		printf("would remove %s\n", path);
		return 0;
	}
	if (unlink(path) == 0)
		printf("removed %s\n", path);
	else if (errno == ENOENT)
		printf("not there: %s\n", path);
	else
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	return 0;
}

static int disable(const struct setup *s)
{
	char path[PATH_MAX];
	int err = remove_file(s, DROPIN);

	if (!err)
		err = remove_file(s, INITRAMFS_CONF);
	rooted(s, DROPIN_DIR, path, sizeof(path));
	if (!err && !s->dry_run)
		rmdir(path);  /* only when empty: another drop-in stays */
	return err ? err : run_tools(s);
}

int cmd_setup(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "disable", no_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct setup s = { .config = HB_HIBCONF_PATH, .root = "" };
	char path[PATH_MAX], self[PATH_MAX];
	struct hb_hibconf conf;
	bool off = false;
	int c, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			s.config = optarg;
			break;
		case 'd':
			off = true;
			break;
		case 'n':
			s.dry_run = true;
			break;
		case 'r':
			s.root = optarg;
			break;
		case 'h':
			help();
			return HB_EXIT_OK;
		case ':':
			return cli_usage_error("setup", "%s needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("setup", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("setup", "unexpected argument '%s'", argv[optind]);
	if (s.config[0] != '/')
		return cli_usage_error("setup", "--config %s: an absolute path (systemd runs "
				       "hiblab with it)", s.config);
	if (s.root[0] && (s.root[0] != '/' || strcmp(s.root, "/") == 0))
		return cli_usage_error("setup", "--root %s: an absolute directory other than /",
				       s.root);
	s.run_tools = !s.dry_run && !s.root[0] && geteuid() == 0;
	if (!realpath("/proc/self/exe", self))
		return cli_fail(hb_fail(HB_EIO, "/proc/self/exe: %s", strerror(errno)));
	if (!plain_path(self) || !plain_path(s.config))
		return cli_fail(hb_fail(HB_EUSAGE, "setup: %s: a character systemd would read "
						   "as more than a path (blank, quote, \\, $, %%)",
					plain_path(self) ? s.config : self));
	if (off)
		return disable(&s) ? cli_fail(HB_EIO) : HB_EXIT_OK;
	rooted(&s, s.config, path, sizeof(path));
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return cli_fail(hb_fail(HB_EUSAGE, "setup: no %s: start from hibernate.conf.example "
						   "(in /usr/share/hiblab with the package): copy it "
						   "there and name your swap", path));
	err = hb_hibconf_read(path, &conf);
	if (!err && !conf.enabled) {
		printf("%s says enabled = no: disabling\n", path);
		return disable(&s) ? cli_fail(HB_EIO) : HB_EXIT_OK;
	}
	if (!err)
		err = check_config(&s, &conf);
	if (err)
		return cli_fail(err);
	printf("%s: target %s%s%s%s, filters %s, key %s\n", path, conf.target,
	       conf.swapfile[0] ? " (swap file " : "", conf.swapfile, conf.swapfile[0] ? ")" : "",
	       conf.filters[0] ? conf.filters : "none", conf.key[0] ? conf.key : "none");
	err = enable(&s, &conf, self);
	return err ? cli_fail(err) : HB_EXIT_OK;
}
