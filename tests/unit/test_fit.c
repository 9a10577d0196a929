/* hb_filter.exact_size, the flag the core trusts to refuse an image that
 * cannot fit before writing it: every filter that sets it writes exactly its
 * bound for any input, and every filter that does not can shrink a chunk (so
 * the flag is missing from none that could have it). */
#include "filterfx.h"
#include "testutil.h"

#include "core/error.h"
#include "core/registry.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[256], keyfile[512], key_spec[600];

static void setup(void)
{
	uint8_t key[32];
	unsigned i;

	tu_mkdir(dir, sizeof(dir));
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 29 + 3);
	tu_write_file(tu_path(keyfile, sizeof(keyfile), dir, "key.bin"), key, sizeof(key));
	snprintf(key_spec, sizeof(key_spec), "keyfile=%s", keyfile);
}

static void teardown(void)
{
	tu_rmdir(dir);
}

TestSuite(fit, .init = setup, .fini = teardown);

/* A filter set up to encode, with a key for those that want one. */
static void open_encoder(struct filterfx *t, const char *name)
{
	static const uint8_t aad[16] = { 1, 2, 3 };

	fx_init(t, name, true);
	t->img.key_spec = key_spec;
	t->img.aad = aad;
	t->img.aad_len = sizeof(aad);
	fx_prepare(t);
	fx_create(t);
}

static size_t encoded_len(struct filterfx *t, const uint8_t *in, size_t len)
{
	size_t cap = fx_bound(t, len), out_len = 0;
	uint8_t *out = malloc(cap ? cap : 1);
	int err;

	cr_assert_not_null(out);
	err = fx_encode(t, 0, in, len, out, cap, &out_len);
	cr_assert_eq(err, 0, "%s: encode %zu bytes: %s", t->spec, len, hb_detail(err));
	free(out);
	return out_len;
}

Test(fit, exact_size_filters_write_exactly_their_bound)
{
	static const size_t lens[] = { 1, 100, 4096, 4097, 32 * 4096 };
	const struct hb_registered *r;
	uint8_t *in = calloc(1, 32 * 4096);
	unsigned flagged = 0, i;

	cr_assert_not_null(in);
	for (i = 0; i < 32 * 4096; i++)
		in[i] = (uint8_t)(i % 251 ? i * 7 : 0);
	for (r = hb_registry(HB_KIND_FILTER); r->plugin; r++) {
		const struct hb_filter *f = (const struct hb_filter *)r->ops;
		struct filterfx t;
		unsigned k;

		if (!f->exact_size)
			continue;
		flagged++;
		open_encoder(&t, r->plugin->name);
		for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++)
			cr_assert_eq(encoded_len(&t, in, lens[k]), fx_bound(&t, lens[k]),
				     "%s: %zu bytes in: output is not its bound", r->plugin->name,
				     lens[k]);
		fx_close(&t);
	}
	/* crc32c, xxh3, sha256, aes-256-gcm, chacha20-poly1305 */
	cr_assert_geq(flagged, 5, "only %u filters flagged exact_size", flagged);
	free(in);
}

Test(fit, filters_that_shrink_are_not_exact)
{
	const struct hb_registered *r;
	size_t len = 32 * 4096;
	uint8_t *zeros = calloc(1, len);

	cr_assert_not_null(zeros);
	for (r = hb_registry(HB_KIND_FILTER); r->plugin; r++) {
		const struct hb_filter *f = (const struct hb_filter *)r->ops;
		struct filterfx t;
		size_t out_len;

		open_encoder(&t, r->plugin->name);
		out_len = encoded_len(&t, zeros, len);
		if (f->exact_size)
			cr_assert_eq(out_len, fx_bound(&t, len), "%s", r->plugin->name);
		else
			cr_assert_lt(out_len, len, "%s: not exact_size, yet a zero chunk of %zu "
						   "bytes took %zu", r->plugin->name, len, out_len);
		fx_close(&t);
	}
	free(zeros);
}
