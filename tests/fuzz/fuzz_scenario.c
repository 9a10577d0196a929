/* Fuzz target: the scenario parser (bench/scn_parse.c, bench/scn_check.c).
 *
 * Input: a scenario file's text.  It is parsed and checked against this
 * build's plugins (scn_parse_text), never expanded or run: how many runs a
 * matrix makes is the runner's concern.  Every message must end in its
 * buffer; a file that parses must have named every section it holds. */
#include "tests/fuzz/fuzz.h"

#include "bench/scenario.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scn_file f;
	static struct scn_diag d;
	char *text = (char *)malloc(size + 1);
	unsigned i;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	(void)scn_parse_text("fuzz/in.scn", text, &f, &d);
	if (d.count > SCN_DIAG_MAX)
		abort();
	for (i = 0; i < d.count; i++)
		if (!memchr(d.msg[i], '\0', sizeof(d.msg[i])))
			abort();
	scn_free(&f);
	free(text);
	hb_clear_detail();
	return 0;
}
