/* Round trips: every memory profile x every filter (and some chains) must
 * come back bit-exact through a file image, verified against the model. */
#include "testutil.h"

#include "core/engine.h"
#include "core/error.h"
#include "core/registry.h"
#include "sim/memory.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct case_ {
	char profile[16];
	char chain[160];
};

/* Chains that combine plugins, used when every filter they name exists. */
static const char *const combos[] = {
	"zero,crc32c",
	"crc32c,zero",
	"zero,dedup,zstd:level=3,aes-256-gcm,xxh3",
	"zero,lz4,crc32c",
	"zero,dedup,lzo,chacha20-poly1305,sha256",
	"zero,deflate:level=3,xxh3:bits=128",
};

static int chain_available(const char *chain)
{
	char copy[160], *tok, *save = NULL;

	snprintf(copy, sizeof(copy), "%s", chain);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok[strcspn(tok, ":")] = '\0';
		if (!hb_find_plugin(HB_KIND_FILTER, tok))
			return 0;
	}
	return 1;
}

ParameterizedTestParameters(roundtrip, sim)
{
	const struct hb_registered *r;
	struct case_ *cases;
	size_t n = 0, cap = 0, i, p;

	for (r = hb_registry(HB_KIND_FILTER); r->plugin; r++)
		cap++;
	cap = (cap + 1 + sizeof(combos) / sizeof(combos[0])) * 8;
	cases = cr_malloc(cap * sizeof(*cases));
	for (p = 0; hb_profile_at((unsigned)p); p++) {
		const char *prof = hb_profile_at((unsigned)p)->name;
		/* no filter at all */
		snprintf(cases[n].profile, sizeof(cases[n].profile), "%s", prof);
		cases[n++].chain[0] = '\0';
		for (r = hb_registry(HB_KIND_FILTER); r->plugin; r++) {
			snprintf(cases[n].profile, sizeof(cases[n].profile), "%s", prof);
			snprintf(cases[n++].chain, sizeof(cases[n].chain), "%s", r->plugin->name);
		}
		for (i = 0; i < sizeof(combos) / sizeof(combos[0]); i++) {
			if (!chain_available(combos[i]))
				continue;
			snprintf(cases[n].profile, sizeof(cases[n].profile), "%s", prof);
			snprintf(cases[n++].chain, sizeof(cases[n].chain), "%s", combos[i]);
		}
	}
	return cr_make_param_array(struct case_, cases, n);
}

/* A 32-byte key file, for chains with a cipher (ignored by the others). */
static void make_key(const char *dir, char *spec, size_t cap)
{
	uint8_t key[32];
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 1);
	tu_write_file(tu_path(path, sizeof(path), dir, "key"), key, sizeof(key));
	snprintf(spec, cap, "keyfile=%s", path);
}

ParameterizedTest(struct case_ *c, roundtrip, sim)
{
	char dir[256], img[512], target[600], source[128], key[600];
	struct hb_suspend_args s = { .filters = c->chain };
	struct hb_resume_args r = { .verify = true };
	struct hb_stats st;
	int err;

	tu_mkdir(dir, sizeof(dir));
	make_key(dir, key, sizeof(key));
	snprintf(target, sizeof(target), "file:%s", tu_path(img, sizeof(img), dir, "a.img"));
	/* 259 pages: the last chunk is a partial one */
	snprintf(source, sizeof(source), "sim:%s,size=%u,seed=11", c->profile, 259 * 4096);
	s.source = source;
	s.target = target;
	s.key_spec = key;
	err = hb_suspend(&s, &st);
	cr_assert_eq(err, 0, "suspend %s [%s]: %s", c->profile, c->chain, hb_detail(err));
	cr_assert_eq(st.pages, 259);
	cr_assert_eq(st.records, 9);
	r.target = target;
	r.key_spec = key;
	err = hb_resume(&r, &st);
	cr_assert_eq(err, 0, "resume %s [%s]: %s", c->profile, c->chain, hb_detail(err));
	cr_assert_eq(st.pages, 259);
	tu_rmdir(dir);
}

/* file: source -> image -> file: sink gives back the same bytes, for a
 * length that is not a whole number of pages. */
Test(roundtrip, file_source_to_file_sink)
{
	char dir[256], raw[512], out[512], img[512], src[600], target[600], sink[600];
	struct hb_suspend_args s = { .filters = "zero,crc32c" };
	struct hb_resume_args r = { .sink = NULL };
	struct hb_stats st;
	size_t len = 3 * 4096 * 32 + 1234, got, i;
	uint8_t *data = malloc(len), *back;
	int err;

	tu_mkdir(dir, sizeof(dir));
	for (i = 0; i < len; i++)
		data[i] = (i / 4096) % 3 == 0 ? 0 : (uint8_t)(i * 2654435761u >> 13);
	tu_write_file(tu_path(raw, sizeof(raw), dir, "mem.raw"), data, len);
	snprintf(src, sizeof(src), "file:%s", raw);
	snprintf(target, sizeof(target), "file:%s", tu_path(img, sizeof(img), dir, "a.img"));
	snprintf(sink, sizeof(sink), "file:%s", tu_path(out, sizeof(out), dir, "back.raw"));
	s.source = src;
	s.target = target;
	err = hb_suspend(&s, &st);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(st.bytes, len);
	r.target = target;
	r.sink = sink;
	err = hb_resume(&r, &st);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	back = tu_read_file(out, &got);
	cr_assert_eq(got, len);
	cr_assert_arr_eq(back, data, len);
	free(back);
	free(data);
	tu_rmdir(dir);
}

/* --verify against a dump file that changed since the suspend: WRONG. */
Test(roundtrip, verify_catches_changed_source)
{
	char dir[256], raw[512], img[512], src[600], target[600];
	struct hb_suspend_args s = { .filters = "zero" };
	struct hb_resume_args r = { .verify = true };
	struct hb_stats st;
	uint8_t data[4 * 4096];
	size_t i;
	int err;

	tu_mkdir(dir, sizeof(dir));
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	tu_write_file(tu_path(raw, sizeof(raw), dir, "mem.raw"), data, sizeof(data));
	snprintf(src, sizeof(src), "file:%s", raw);
	snprintf(target, sizeof(target), "file:%s", tu_path(img, sizeof(img), dir, "a.img"));
	s.source = src;
	s.target = target;
	cr_assert_eq(hb_suspend(&s, &st), 0, "%s", hb_detail(-1));
	data[2 * 4096 + 5] ^= 1;
	tu_write_file(raw, data, sizeof(data));
	r.target = target;
	err = hb_resume(&r, &st);
	cr_assert_eq(err, HB_EMISMATCH, "got %d: %s", err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), "page 2"), "%s", hb_detail(err));
	tu_rmdir(dir);
}

/* Chunk sizes from one page to more than the image. */
Test(roundtrip, chunk_sizes)
{
	static const uint32_t sizes[] = { 1, 2, 7, 32, 100, 4096 };
	char dir[256], img[512], target[600];
	struct hb_suspend_args s = { .source = "sim:mixed,size=1MiB,seed=5",
				     .filters = "zero,crc32c" };
	struct hb_resume_args r = { .verify = true };
	struct hb_stats st;
	size_t i;
	int err;

	tu_mkdir(dir, sizeof(dir));
	snprintf(target, sizeof(target), "file:%s", tu_path(img, sizeof(img), dir, "a.img"));
	s.target = r.target = target;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		s.chunk_pages = sizes[i];
		err = hb_suspend(&s, &st);
		cr_assert_eq(err, 0, "chunk %u: %s", sizes[i], hb_detail(err));
		cr_assert_eq(st.records, (256 + sizes[i] - 1) / sizes[i]);
		err = hb_resume(&r, &st);
		cr_assert_eq(err, 0, "chunk %u: %s", sizes[i], hb_detail(err));
	}
	tu_rmdir(dir);
}
