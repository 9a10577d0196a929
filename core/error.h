/* hiblab error codes: negative ints, a message table, and one line of detail.
 *
 * Every function that can fail returns 0 or a negative HB_E* code.  Where the
 * code alone does not say enough ("which record? which plugin?") the failing
 * function also records a detail line with hb_fail(); the CLI prints
 * "hiblab: <detail>" and exits with hb_exit_code(code). */
#ifndef HB_ERROR_H
#define HB_ERROR_H

enum hb_error {
	HB_OK = 0,
	HB_ENOMEM = -1,      /* out of memory */
	HB_EIO = -2,         /* I/O error on a target, source or sink */
	HB_EUSAGE = -3,      /* bad command line, option or spec */
	HB_ENOIMAGE = -4,    /* no (valid) image at the target */
	HB_ECORRUPT = -5,    /* a record or the header fails its checksum */
	HB_ETRUNCATED = -6,  /* the image ends before its last record */
	HB_EFOREIGN = -7,    /* not a hiblab image (wrong magic) */
	HB_EVERSION = -8,    /* image format newer than this build */
	HB_ENOPLUGIN = -9,   /* image needs a plugin this build lacks */
	HB_EDIGEST = -10,    /* end-to-end digest of the pages differs */
	HB_EKEY = -11,       /* wrong key or passphrase */
	HB_ENOSPACE = -12,   /* target too small / full */
	HB_EMISMATCH = -13,  /* restored pages differ from the source */
	HB_EINTERNAL = -14,  /* a bug: a plugin broke its contract */
	/* not a failure: the suspend's process runs again in the system restored
	 * from its image (the snapshot source); the CLI exits 0 */
	HB_ERESUMED = -15,
	HB_EBUSY = -16,     /* the target is in use by another hiblab */
	HB_ERROR_COUNT_ = 17
};

/* Exit codes of the hiblab CLI (documented in hiblab --help and README). */
enum hb_exit {
	HB_EXIT_OK = 0,
	HB_EXIT_RUNTIME = 1,   /* I/O error, out of memory or space, busy target */
	HB_EXIT_USAGE = 2,     /* bad command line, option or scenario */
	HB_EXIT_NOIMAGE = 3,   /* no image found at the target */
	HB_EXIT_REFUSED = 4,   /* image refused: corrupt, truncated, foreign, stale, wrong key */
	HB_EXIT_WRONG = 5      /* restored pages differ from the source (--verify) */
};

/* Static text for a code ("image refused: checksum mismatch" style). */
const char *hb_strerror(int code);

/* CLI exit code for an error code. */
int hb_exit_code(int code);

/* Record a detail line for the calling thread and return code, so a failure
 * site reads: return hb_fail(HB_ECORRUPT, "record %llu: crc32c mismatch", n); */
int hb_fail(int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* The calling thread's last detail line, or hb_strerror(code) if none was set
 * since the last hb_clear_detail(). */
const char *hb_detail(int code);
void hb_clear_detail(void);

/* Copy a detail line from another thread (a worker) into the calling one. */
void hb_set_detail(const char *text);

/* Notes: what a user should know that is not an error ("O_DIRECT refused;
 * using the page cache").  Dropped unless a handler is set (the CLI prints
 * them on stderr). */
typedef void hb_note_fn(const char *text);
void hb_set_note_handler(hb_note_fn *fn);
void hb_note(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

#endif
