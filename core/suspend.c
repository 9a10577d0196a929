/* Suspend: source pages -> chunks -> filter chain -> records -> target,
 * then the commit (header with signature, written last). */
#include "engine.h"
#include "alloc.h"
#include "chain.h"
#include "error.h"
#include "pipeline.h"
#include "target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One suspend: what read_chunk (in order), encode_chunk (in parallel) and
 * emit_record (in order) share while core/pipeline.c runs them. */
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
	struct hb_digest *digest;
	uint64_t written, records;
	const struct hb_suspend_args *args;
	struct hb_progress progress;
	double outside[HB_PHASES];  /* phases booked outside the pipeline */
	struct hb_pipe_times times;
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

/* One record's bytes on the target for a chunk of len bytes, when every
 * filter of the chain writes exactly its bound. */
static uint64_t exact_record_bytes(const struct hb_chain *c, size_t len)
{
	unsigned i;

	for (i = 0; i < c->count; i++) {
		const struct hb_filter *f = (const struct hb_filter *)c->filters[i].ops;

		len = f->bound ? f->bound(f, c->filters[i].conf, len) : len;
	}
	return HB_RECORD_HDR + (uint64_t)len;
}

/* When no filter can shrink the image (none, or only checksums and AEADs:
 * exact_size) its size is known exactly: refuse one that cannot fit before
 * writing it.  A filter that may shrink it (a compressor, zero, dedup) leaves
 * the writer to report an overflow if it happens. */
static int check_room(struct suspend_job *j, const char *target)
{
	const struct hb_writer *w = j->target.writer;
	const struct hb_header *h = j->header;
	size_t chunk_bytes = (size_t)h->chunk_pages * h->page_size;
	uint64_t full = h->page_count / h->chunk_pages;
	uint32_t tail_pages = (uint32_t)(h->page_count % h->chunk_pages);
	uint64_t room, need;
	char needs[32], has[32];
	unsigned i;
	int err;

	if (!w->capacity)
		return 0;
	for (i = 0; i < j->chain.count; i++)
		if (!((const struct hb_filter *)j->chain.filters[i].ops)->exact_size)
			return 0;
	err = w->capacity(j->target.inst.priv, &room);
	if (err)
		return err;
	need = full * exact_record_bytes(&j->chain, chunk_bytes);
	if (tail_pages)
		need += exact_record_bytes(&j->chain, (size_t)tail_pages * h->page_size);
	if (need <= room)
		return 0;
	hb_format_size(HB_HEADER_AREA + need, needs, sizeof(needs));
	hb_format_size(HB_HEADER_AREA + room, has, sizeof(has));
	return hb_fail(HB_ENOSPACE, "image needs %s, %s has room for %s", needs, target, has);
}

static int setup(struct suspend_job *j, const struct hb_suspend_args *a)
{
	struct hb_header *h;
	uint32_t chunk_pages = a->chunk_pages ? a->chunk_pages : HB_DEFAULT_CHUNK_PAGES;
	double t;
	int err;

	if (chunk_pages > HB_MAX_CHUNK_PAGES)
		return hb_fail(HB_EUSAGE, "--chunk-pages %u: at most %u", chunk_pages, HB_MAX_CHUNK_PAGES);
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
	t = hb_clock();
	err = j->source->open(j->src.priv, j->src.conf, &j->info);
	hb_lap(j->outside, HB_PHASE_SOURCE, &t);
	if (err)
		return err;
	if (j->info.bytes == 0)
		return hb_fail(HB_EUSAGE, "--source %s is empty: nothing to suspend", a->source);
	if ((uint64_t)chunk_pages * j->info.page_size > HB_MAX_CHUNK_BYTES)
		return hb_fail(HB_EUSAGE, "--chunk-pages %u of %u-byte pages: at most %u MiB a chunk",
			       chunk_pages, j->info.page_size, HB_MAX_CHUNK_BYTES >> 20);

	h = j->header = (struct hb_header *)hb_zalloc(sizeof(*h));
	j->static_bytes = (uint8_t *)malloc(HB_HEADER_AREA);
	j->digest = hb_digest_new();
	if (!h || !j->static_bytes || !j->digest)
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
		err = hb_header_static_encode(h, j->static_bytes,
					      HB_HEADER_AREA - HB_FIXED_LEN - HB_HEADER_TAG_LEN,
					      &j->static_len);
	if (err)
		return err;
	j->img.aad = j->static_bytes;
	j->img.aad_len = j->static_len;
	/* the target last: opening it for save destroys any image it held */
	err = hb_target_open_save(&j->target, a->target, &j->src);
	return err ? err : check_room(j, a->target);
}

/* In order: claim the next chunk, and read it unless the source reads in
 * parallel. */
static int read_chunk(void *ctx, struct hb_slot *s)
{
	struct suspend_job *j = (struct suspend_job *)ctx;
	uint64_t first = s->seq * j->header->chunk_pages;
	uint64_t left;
	double t;
	int err;

	if (first >= j->header->page_count)
		return 1;
	left = j->header->page_count - first;
	s->first_page = first;
	s->pages = left < j->header->chunk_pages ? (uint32_t)left : j->header->chunk_pages;
	s->in_len = (size_t)s->pages * j->info.page_size;
	if (j->source->parallel_read)
		return 0;  /* encode_chunk reads, in parallel */
	t = hb_clock();
	err = j->source->read(j->src.priv, first, s->pages, s->in);
	hb_lap(s->phase, HB_PHASE_SOURCE, &t);
	return err;
}

/* In parallel: (read,) digest the original pages, run the chain, frame the
 * record.  Framing is booked under filters. */
static int encode_chunk(void *ctx, struct hb_slot *s)
{
	struct suspend_job *j = (struct suspend_job *)ctx;
	struct hb_chunk_ref ref = { .seq = s->seq, .first_page = s->first_page, .pages = s->pages };
	double t = hb_clock();
	int err;

	if (j->source->parallel_read) {
		err = j->source->read(j->src.priv, s->first_page, s->pages, s->in);
		hb_lap(s->phase, HB_PHASE_SOURCE, &t);
		if (err)
			return err;
	}
	hb_chunk_digest(s->in, s->in_len, s->digest);
	hb_lap(s->phase, HB_PHASE_DIGEST, &t);
	err = hb_worker_run(&s->worker, &ref, true, s->in, s->in_len, s->in_cap, &s->out,
			    &s->out_len);
	if (err)
		return err;
	hb_record_encode(s->record, j->img.image_id, s->seq, s->pages, s->out,
			 (uint32_t)s->out_len);
	hb_lap(s->phase, HB_PHASE_FILTERS, &t);
	return 0;
}

/* In order: fold the digest, append the record to the target. */
static int emit_record(void *ctx, struct hb_slot *s)
{
	struct suspend_job *j = (struct suspend_job *)ctx;
	const struct hb_writer *w = j->target.writer;
	const struct hb_suspend_args *a = j->args;
	double t;
	int err;

	/* the fold (16 bytes a chunk) is too small to time */
	hb_digest_add(j->digest, s->digest);
	t = hb_clock();
	err = w->write(j->target.inst.priv, s->record, HB_RECORD_HDR);
	if (!err)
		err = w->write(j->target.inst.priv, s->out, s->out_len);
	hb_lap(s->phase, HB_PHASE_TARGET, &t);
	if (err)
		return err;
	j->written += HB_RECORD_HDR + s->out_len;
	j->records++;
	if (a->progress) {
		uint64_t done = (s->first_page + s->pages) * j->info.page_size;
		j->progress.done = done < j->info.bytes ? done : j->info.bytes;
		a->progress(a->progress_ctx, &j->progress);
	}
	return 0;
}

static const struct hb_pipe_ops suspend_ops = {
	.read = read_chunk,
	.work = encode_chunk,
	.emit = emit_record,
};


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
	err = hb_header_encode(j->header, j->static_bytes, j->static_len,
			       hb_chain_seals(&j->chain) ? hb_chain_header_tag : NULL, &j->chain,
			       area, &len);
	if (!err)
		err = j->target.writer->commit(j->target.inst.priv, area, len);
	/* the image is durable: a source may end this machine's run here */
	if (!err && j->source->committed)
		err = j->source->committed(j->src.priv);
	free(area);
	return err;
}

static void teardown(struct suspend_job *j, int err)
{
	if (err && j->target.ready && j->target.writer->abort)
		j->target.writer->abort(j->target.inst.priv);
	hb_target_close(&j->target);
	hb_chain_free(&j->chain);
	if (j->source_open && j->source->close)
		j->source->close(j->src.priv);
	hb_instance_free(&j->src);
	hb_digest_free(j->digest);
	free(j->header);
	free(j->static_bytes);
}

int hb_suspend(const struct hb_suspend_args *a, struct hb_stats *st)
{
	struct suspend_job j;
	double start = hb_clock(), t;
	int err;

	memset(&j, 0, sizeof(j));
	memset(st, 0, sizeof(*st));
	hb_clear_detail();
	err = setup(&j, a);
	if (err)
		goto out;
	j.args = a;
	j.progress = (struct hb_progress){ .phase = "suspend", .total = j.info.bytes };
	err = hb_pipe_run(&(struct hb_pipe_args){
		.ops = &suspend_ops,
		.ctx = &j,
		.threads = a->threads,
		.in_cap = (size_t)j.header->page_size * j.header->chunk_pages,
		.chain = &j.chain,
		.img = &j.img,
		.times = &j.times,
		.excluded = HB_PHASE_SOURCE,
	});
	if (err)
		goto out;
	t = hb_clock();
	hb_phase_mark("commit");  /* the last record is out */
	err = commit(&j, j.records);
	hb_lap(j.outside, HB_PHASE_COMMIT, &t);
	if (err)
		goto out;
	hb_stats_times(st, start, j.outside, &j.times, HB_PHASE_SOURCE);
	st->pages = j.header->page_count;
	st->bytes = j.header->image_bytes;
	st->records = j.records;
	st->image_bytes = HB_HEADER_AREA + j.written;
out:
	teardown(&j, err);
	return err;
}
