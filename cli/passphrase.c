/* Typing a passphrase: read from /dev/tty (not stdin, which may carry data)
 * with echo off.  The terminal's settings come back on every path: after
 * Enter, end of input, an error, or a signal (Ctrl-C, Ctrl-Z: caught while
 * echo is off, then delivered again once the terminal is restored). */
#include "cli.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static const int watched[] = { SIGINT, SIGHUP, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU };
#define NWATCHED (sizeof(watched) / sizeof(watched[0]))

static void note_signal(int sig)
{
	caught = sig;
}

static int write_all(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len) {
		ssize_t n = write(fd, s, len);
		if (n < 0 && errno == EINTR && !caught)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One prompt and one line.  Returns the length or a negative code; caught
 * says whether a signal cut it short. */
static int prompt_once(int fd, const char *prompt, char *buf, size_t cap)
{
	struct sigaction sa, old[NWATCHED];
	struct termios saved, quiet;
	bool echo_off = false, too_long = false, eof = false;
	size_t len = 0, i;
	ssize_t n;
	char c = 0;
	int err = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = note_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a signal must end read() at once, so that the
	 * terminal is restored before the signal takes its course */
	for (i = 0; i < NWATCHED; i++)
		sigaction(watched[i], &sa, &old[i]);
	if (tcgetattr(fd, &saved) == 0) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (!echo_off) {
		err = hb_fail(HB_EIO, "cannot turn off echo on the terminal: use --key "
				      "keyfile=PATH or passfile=PATH");
		goto out;
	}
	if (write_all(fd, prompt) != 0) {
		err = hb_fail(HB_EIO, "cannot write the passphrase prompt to the terminal");
		goto out;
	}
	while (!caught) {
		n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = hb_fail(HB_EIO, "reading the passphrase: %s", strerror(errno));
			break;
		}
		eof = n == 0;
		if (eof || c == '\n' || c == '\r')
			break;
		if (len + 1 < cap)
			buf[len++] = c;
		else
			too_long = true;
	}
	(void)write_all(fd, "\n");  /* the Enter that was not echoed */
	if (!err && caught)
		err = hb_fail(HB_EUSAGE, "passphrase prompt interrupted");
	else if (!err && eof && len == 0)
		err = hb_fail(HB_EUSAGE, "no passphrase typed (end of input at the prompt)");
	else if (!err && too_long)
		err = hb_fail(HB_EUSAGE, "passphrase longer than %zu bytes", cap - 1);
out:
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &saved);
	for (i = 0; i < NWATCHED; i++)
		sigaction(watched[i], &old[i], NULL);
	explicit_bzero(&c, sizeof(c));
	if (err)
		explicit_bzero(buf, cap);
	else if (len < cap)
		buf[len] = '\0';
	return err ? err : (int)len;
}

int cli_passphrase(void *ctx, const char *prompt, char *buf, size_t cap, unsigned attempt)
{
	int fd, n;

	(void)ctx;
	(void)attempt;  /* the prompt text already says which try this is */
	if (!buf || cap == 0 || cap > 65536)
		return hb_fail(HB_EINTERNAL, "passphrase prompt: bad buffer");
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return hb_fail(HB_EUSAGE, "no terminal to type a passphrase on (%s): use --key "
					  "keyfile=PATH or passfile=PATH", strerror(errno));
	do {
		caught = 0;
		n = prompt_once(fd, prompt, buf, cap);
		/* deliver it as if we had not been in the way: Ctrl-C ends the
		 * program, Ctrl-Z stops it and, once continued, asks again */
		if (caught)
			raise(caught);
	} while (caught == SIGTSTP || caught == SIGTTIN || caught == SIGTTOU);
	close(fd);
	return n;
}

hb_passphrase_fn *cli_passphrase_prompt(void)
{
	FILE *tty = fopen("/dev/tty", "r+e");

	if (!tty)
		return NULL;
	fclose(tty);
	return cli_passphrase;
}
