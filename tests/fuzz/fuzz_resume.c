/* Fuzz target: a whole resume (core/resume.c) from an image in a file.
 *
 * Input: the image.  It is written to a scratch file and resumed through the
 * engine as a user would (hb_resume, target file:, sink null, one thread,
 * the fixed key file), so the header, the records, the filter chain, the
 * digest and the spend all run.  Any outcome but a crash, a leak or a hang is
 * fine: the engine decides what to refuse. */
#include "tests/fuzz/fuzz.h"

#include "core/engine.h"
#include "core/error.h"

#include <stdio.h>

static char target[400];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(target, sizeof(target), "file:%s", fuzz_path(0, "image"));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hb_resume_args a = {
		.target = target,
		.sink = "null",
		.threads = 1,
		.key_spec = fuzz_key_spec(),
	};
	struct hb_stats st;

	fuzz_write_file(target + 5, data, size);
	(void)hb_resume(&a, &st);
	hb_clear_detail();
	return 0;
}
