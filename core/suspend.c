/* Suspend: source pages -> chunks -> filter chain -> records -> target,
 * then the commit (header with signature, written last). */
#include "engine.h"
#include "chain.h"
#include "error.h"
#include "target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The pipeline state of one suspend.  The parallel pipeline keeps this shape:
 * a producer filling chunks, workers encoding them, an ordered emitter. */
struct suspend_job {
	struct hb_instance src;
	const struct hb_source *source;
	bool source_open;
	struct hb_source_info info;
	struct hb_chain chain;
	struct hb_target target;
	struct hb_header *header;
	uint8_t *static_bytes;
	size_t static_len;
	struct hb_image_info img;
	struct hb_worker worker;
	struct hb_digest *digest;
	uint8_t *pages;
	uint64_t written;
};

/* Unique enough to tell images apart (it seeds record checksums so a stale
 * record from an earlier image fails); not a secret. */
static uint64_t new_image_id(const void *salt)
{
	static unsigned counter;
	struct timespec ts = { 0 };
	uint64_t x;

	timespec_get(&ts, TIME_UTC);
	x = (uint64_t)ts.tv_sec * 1000000007ull ^ (uint64_t)ts.tv_nsec ^
	    (uint64_t)(uintptr_t)salt ^ ((uint64_t)++counter << 48) ^ (uint64_t)clock();
	/* splitmix64 finalizer: spread the bits */
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* "sim:profile=mixed,size=268435456,seed=1": defaults made explicit, so a
 * later build with other defaults still regenerates the same pages. */
static int canonical_source(const struct hb_instance *src, char *buf, size_t cap)
{
	char opts[HB_STR_MAX];
	int err = hb_options_format(src->plugin->options, src->conf, opts, sizeof(opts));
	int n;

	if (err)
		return err;
	n = snprintf(buf, cap, "%s%s%s", src->plugin->name, opts[0] ? ":" : "", opts);
	if (n < 0 || (size_t)n >= cap)
		return hb_fail(HB_EUSAGE, "--source: description too long to store");
	return 0;
}

static int setup(struct suspend_job *j, const struct hb_suspend_args *a)
{
	struct hb_header *h;
	uint32_t chunk_pages = a->chunk_pages ? a->chunk_pages : HB_DEFAULT_CHUNK_PAGES;
	int err;

	if (chunk_pages > 4096)
		return hb_fail(HB_EUSAGE, "--chunk-pages %u: at most 4096", chunk_pages);
	if (!a->source || !*a->source)
		return hb_fail(HB_EUSAGE, "--source is required (for example --source sim:mixed,size=256MiB)");
	err = hb_instance_from_text(&j->src, HB_KIND_SOURCE, a->source, "--source");
	if (err)
		return err;
	j->source = (const struct hb_source *)j->src.ops;
	err = hb_chain_from_text(&j->chain, a->filters);
	if (err)
		return err;
	if (!a->target || !*a->target)
		return hb_fail(HB_EUSAGE, "--target is required (for example --target file:/tmp/a.img)");
	j->source_open = true;  /* close() after any open(), a failed one too */
	err = j->source->open(j->src.priv, j->src.conf, &j->info);
	if (err)
		return err;

	h = j->header = (struct hb_header *)hb_zalloc(sizeof(*h));
	j->static_bytes = (uint8_t *)malloc(HB_HEADER_AREA);
	j->pages = (uint8_t *)malloc((size_t)j->info.page_size * chunk_pages);
	j->digest = hb_digest_new();
	if (!h || !j->static_bytes || !j->pages || !j->digest)
		return hb_fail(HB_ENOMEM, "out of memory");
	h->version = HB_FORMAT_VERSION;
	h->image_id = new_image_id(j);
	h->image_bytes = j->info.bytes;
	h->page_size = j->info.page_size;
	h->page_count = j->info.bytes / h->page_size + (j->info.bytes % h->page_size != 0);
	h->chunk_pages = chunk_pages;
	h->created = (uint64_t)time(NULL);
	h->digest_alg = HB_DIGEST_XXH3_CHUNKS;
	err = canonical_source(&j->src, h->source, sizeof(h->source));
	if (err)
		return err;

	j->img = (struct hb_image_info){
		.page_size = h->page_size,
		.chunk_pages = h->chunk_pages,
		.page_count = h->page_count,
		.image_id = h->image_id,
		.key_spec = a->key_spec,
		.ask_passphrase = a->key_spec ? NULL : a->ask_passphrase,
		.ask_ctx = a->ask_ctx,
		.key_attempt = 1,
		.saving = true,
	};
	err = hb_chain_prepare(&j->chain, &j->img);
	if (!err)
		err = hb_chain_describe(&j->chain, h);
	if (!err)
		err = hb_header_static_encode(h, j->static_bytes, HB_HEADER_AREA - HB_FIXED_LEN,
					      &j->static_len);
	if (err)
		return err;
	j->img.aad = j->static_bytes;
	j->img.aad_len = j->static_len;
	err = hb_worker_init(&j->worker, &j->chain, &j->img);
	if (err)
		return err;
	/* the target last: opening it for save destroys any image it held */
	return hb_target_open(&j->target, a->target, HB_OPEN_SAVE);
}

/* One chunk: read, digest, encode, append as a record. */
static int process_chunk(struct suspend_job *j, uint64_t seq, uint64_t first, uint32_t pages)
{
	const struct hb_writer *w = j->target.writer;
	struct hb_chunk_ref ref = { .seq = seq, .first_page = first, .pages = pages };
	size_t len = (size_t)pages * j->info.page_size;
	uint8_t digest[HB_DIGEST_LEN];
	uint8_t rec[HB_RECORD_HDR];
	const uint8_t *payload;
	size_t payload_len;
	int err;

	err = j->source->read(j->src.priv, first, pages, j->pages);
	if (err)
		return err;
	hb_chunk_digest(j->pages, len, digest);
	hb_digest_add(j->digest, digest);
	err = hb_worker_encode(&j->worker, &ref, j->pages, len, &payload, &payload_len);
	if (err)
		return err;
	hb_record_encode(rec, j->img.image_id, seq, pages, payload, (uint32_t)payload_len);
	err = w->write(j->target.inst.priv, rec, sizeof(rec));
	if (!err)
		err = w->write(j->target.inst.priv, payload, payload_len);
	j->written += sizeof(rec) + payload_len;
	return err;
}

static int commit(struct suspend_job *j, uint64_t records)
{
	uint8_t *area = (uint8_t *)malloc(HB_HEADER_AREA);
	size_t len;
	int err;

	if (!area)
		return hb_fail(HB_ENOMEM, "out of memory");
	j->header->record_count = records;
	j->header->data_bytes = j->written;
	hb_digest_final(j->digest, j->header->digest);
	err = hb_header_encode(j->header, j->static_bytes, j->static_len, area, &len);
	if (!err)
		err = j->target.writer->commit(j->target.inst.priv, area, len);
	free(area);
	return err;
}

static void teardown(struct suspend_job *j, int err)
{
	if (err && j->target.is_open && j->target.writer->abort)
		j->target.writer->abort(j->target.inst.priv);
	hb_target_close(&j->target);
	hb_worker_fini(&j->worker);
	hb_chain_free(&j->chain);
	if (j->source_open && j->source->close)
		j->source->close(j->src.priv);
	hb_instance_free(&j->src);
	hb_digest_free(j->digest);
	free(j->header);
	free(j->static_bytes);
	free(j->pages);
}

int hb_suspend(const struct hb_suspend_args *a, struct hb_stats *st)
{
	struct suspend_job j;
	struct hb_progress prog = { .phase = "suspend" };
	uint64_t first = 0, seq = 0;
	int err;

	memset(&j, 0, sizeof(j));
	memset(st, 0, sizeof(*st));
	hb_clear_detail();
	err = setup(&j, a);
	if (err)
		goto out;
	prog.total = j.info.bytes;
	while (first < j.header->page_count) {
		uint64_t left = j.header->page_count - first;
		uint32_t pages = left < j.header->chunk_pages ? (uint32_t)left : j.header->chunk_pages;

		err = process_chunk(&j, seq, first, pages);
		if (err)
			goto out;
		first += pages;
		seq++;
		if (a->progress) {
			uint64_t done = first * j.header->page_size;
			prog.done = done < prog.total ? done : prog.total;
			a->progress(a->progress_ctx, &prog);
		}
	}
	err = commit(&j, seq);
	if (err)
		goto out;
	st->pages = j.header->page_count;
	st->bytes = j.header->image_bytes;
	st->records = seq;
	st->image_bytes = HB_HEADER_AREA + j.written;
out:
	teardown(&j, err);
	return err;
}
