/* Error code table and the per-thread detail line. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const messages[HB_ERROR_COUNT_] = {
	[0] = "success",
	[-HB_ENOMEM] = "out of memory",
	[-HB_EIO] = "I/O error",
	[-HB_EUSAGE] = "bad usage",
	[-HB_ENOIMAGE] = "no image found",
	[-HB_ECORRUPT] = "image refused: checksum mismatch",
	[-HB_ETRUNCATED] = "image refused: truncated",
	[-HB_EFOREIGN] = "image refused: not a hiblab image",
	[-HB_EVERSION] = "image refused: format version newer than this build",
	[-HB_ENOPLUGIN] = "image refused: needs a plugin this build lacks",
	[-HB_EDIGEST] = "image refused: digest of the restored pages differs",
	[-HB_EKEY] = "image refused: wrong key",
	[-HB_ENOSPACE] = "no space left on the target",
	[-HB_EMISMATCH] = "restored pages differ from the source",
	[-HB_EINTERNAL] = "internal error",
	[-HB_ERESUMED] = "resumed: this system was restored from its image",
	[-HB_EBUSY] = "target in use by another hiblab",
};

/* Thread-local so that parallel workers never clobber each other's detail;
 * the pipeline hands a worker's line to the caller with hb_set_detail(). */
static _Thread_local char detail[512];

const char *hb_strerror(int code)
{
	if (code > 0 || code <= -HB_ERROR_COUNT_)
		return "unknown error";
	return messages[-code];
}

int hb_exit_code(int code)
{
	switch ((enum hb_error)code) {
	case HB_OK:
	case HB_ERESUMED:
		return HB_EXIT_OK;
	case HB_EUSAGE:
		return HB_EXIT_USAGE;
	case HB_ENOIMAGE:
		return HB_EXIT_NOIMAGE;
	case HB_ECORRUPT:
	case HB_ETRUNCATED:
	case HB_EFOREIGN:
	case HB_EVERSION:
	case HB_ENOPLUGIN:
	case HB_EDIGEST:
	case HB_EKEY:
		return HB_EXIT_REFUSED;
	case HB_EMISMATCH:
		return HB_EXIT_WRONG;
	case HB_ENOMEM:
	case HB_EIO:
	case HB_ENOSPACE:
	case HB_EINTERNAL:
	case HB_EBUSY:
	case HB_ERROR_COUNT_:
		return HB_EXIT_RUNTIME;
	}
	return HB_EXIT_RUNTIME;
}

int hb_fail(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return code;
}

const char *hb_detail(int code)
{
	return detail[0] ? detail : hb_strerror(code);
}

void hb_clear_detail(void)
{
	detail[0] = '\0';
}

void hb_set_detail(const char *text)
{
	snprintf(detail, sizeof(detail), "%s", text);
}

static hb_note_fn *note_handler;

void hb_set_note_handler(hb_note_fn *fn)
{
	note_handler = fn;
}

void hb_note(const char *fmt, ...)
{
	char text[512];
	va_list ap;

	if (!note_handler)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	note_handler(text);
}
