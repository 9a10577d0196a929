/* --config FILE (suspend, resume, invalidate): hibernate.conf read once and
 * its target, filters and key used where the command line gave none. */
#include "cli.h"

#include "core/error.h"

#include <stdio.h>

int cli_config_load(const char *cmd, const char *path, struct hb_hibconf *c,
		    const char **target, const char **key_spec)
{
	int err = hb_hibconf_read(path, c);

	if (err)
		return cli_fail(err);
	if (!c->enabled) {
		fprintf(stderr, "hiblab: %s: %s says enabled = no\n", cmd, path);
		return HB_EXIT_USAGE;
	}
	if (target && !*target)
		*target = c->target;
	/* a typed passphrase is the prompt's, not a key spec */
	if (key_spec && !*key_spec)
		*key_spec = hb_hibconf_key_file(c) ? c->key : NULL;
	return HB_EXIT_OK;
}
