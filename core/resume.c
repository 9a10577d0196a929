/* Resume: target -> records -> filter chain reversed -> sink, and the
 * one-attempt rule: the image is spent before its first page is handed on,
 * and the sink commits only after every record and the digest verified. */
#include "engine.h"
#include "chain.h"
#include "error.h"
#include "pipeline.h"
#include "target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct resume_job {
	struct hb_target target;
	const struct hb_header *h;
	struct hb_chain chain;
	struct hb_image_info img;
	struct hb_instance snk;
	const struct hb_sink *sink;
	bool sink_open;
	struct hb_digest *digest;
	size_t payload_cap;
	uint64_t read, pages_done;
	const struct hb_resume_args *args;
	struct hb_progress progress;
	double outside[HB_PHASES];  /* phases booked outside the pipeline */
	struct hb_pipe_times times;
};

static int open_sink(struct resume_job *j, const struct hb_resume_args *a)
{
	const char *text = a->sink ? a->sink : "null";
	struct hb_sink_info info = {
		.page_size = j->h->page_size,
		.bytes = j->h->image_bytes,
		.source = j->h->source,
	};
	int err;

	if (a->verify && a->sink)
		return hb_fail(HB_EUSAGE, "--verify and --sink exclude each other (--verify is "
					  "--sink verify)");
	if (a->verify)
		text = "verify";
	err = hb_instance_from_text(&j->snk, HB_KIND_SINK, text, "--sink");
	if (err)
		return err;
	j->sink = (const struct hb_sink *)j->snk.ops;
	j->sink_open = true;  /* close() after any open(), a failed one too */
	return j->sink->open(j->snk.priv, j->snk.conf, &info);
}

/* A typed passphrase gets three tries; then the image is spent like any
 * refused one, since the system has now booted without it. */
static int prepare_chain(struct resume_job *j)
{
	int err;

	for (j->img.key_attempt = 1;; j->img.key_attempt++) {
		err = hb_chain_prepare(&j->chain, &j->img);
		if (err != HB_EKEY || !j->img.ask_passphrase)
			return err;
		hb_chain_unprepare(&j->chain);
		if (j->img.key_attempt == 3)
			break;
	}
	err = hb_target_invalidate(&j->target);
	if (err)
		return err;
	return hb_fail(HB_EKEY, "wrong key (3 tries): the image is invalidated");
}

/* A damaged header is resumable by no build, and the system now boots
 * without the image: spend it (a swap area is swap again), and report why
 * it was refused. */
static int spend_damaged(struct resume_job *j, int err)
{
	char why[512];

	snprintf(why, sizeof(why), "%s", hb_detail(err));
	if (hb_target_spend_as_is(&j->target) == 0)
		hb_set_detail(why);
	return err;
}

/* A sealed image (one with a cipher) carries a header tag, and only it: a
 * tag stripped, or an image rewritten as format 1 to drop it, is refused
 * before anything of the header is used.  With require_sealed, an image
 * anyone could have written (no cipher) is refused as well. */
static int check_sealing(struct resume_job *j, const struct hb_resume_args *a)
{
	bool seals = hb_chain_seals(&j->chain);

	if (seals && j->h->tag_len == 0 && j->h->version < 2)
		return hb_fail(HB_EVERSION, "image format %u holds a cipher but its header is not "
					    "authenticated; resume it with the hiblab that wrote it",
			       j->h->version);
	if (seals && j->h->tag_len == 0)
		return spend_damaged(j, hb_fail(HB_ECORRUPT, "image header: a cipher but no "
							     "header tag (tampered or damaged)"));
	if (!seals && j->h->tag_len != 0)
		return spend_damaged(j, hb_fail(HB_ECORRUPT, "image header: a header tag but no "
							     "cipher (tampered or damaged)"));
	if (a->require_sealed && !seals)
		return hb_fail(HB_EKEY, "the image at %s is not encrypted, but a key was given: "
					"refused (anyone who can write the target can make such an "
					"image)", a->target);
	return 0;
}

static int setup(struct resume_job *j, const struct hb_resume_args *a)
{
	const struct hb_header *h;
	double t;
	int err = hb_target_load(&j->target, a->target);

	if (err == HB_ECORRUPT && j->target.area)
		return spend_damaged(j, err);
	if (err)
		return err;
	h = j->h = j->target.header;
	if (h->spent)
		return hb_fail(HB_ENOIMAGE, "no image: the image at %s was already resumed or "
					    "invalidated", a->target);
	err = hb_chain_from_header(&j->chain, h);
	if (!err)
		err = check_sealing(j, a);
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
		.saving = false,
	};
	err = prepare_chain(j);
	if (err)
		return err;
	/* the key is known: trust the header before acting on any field */
	if (hb_chain_seals(&j->chain)) {
		err = hb_header_check_tag(j->target.area, h, hb_chain_header_tag, &j->chain);
		if (err)
			return spend_damaged(j, err);
	}
	j->img.aad = j->target.area + j->target.static_off;
	j->img.aad_len = j->target.static_len;
	j->payload_cap = j->chain.stage_cap[j->chain.count];
	j->digest = hb_digest_new();
	if (!j->digest)
		return hb_fail(HB_ENOMEM, "out of memory");
	t = hb_clock();
	err = open_sink(j, a);
	hb_lap(j->outside, HB_PHASE_SINK, &t);
	if (err)
		return err;
	/* one attempt: from here on, whatever happens, this image is spent */
	err = hb_target_invalidate(&j->target);
	hb_lap(j->outside, HB_PHASE_COMMIT, &t);
	return err;
}

static int read_failed(int err, uint64_t seq, uint64_t records)
{
	if (err == HB_ETRUNCATED)
		return hb_fail(HB_ETRUNCATED, "image truncated: record %llu of %llu is missing",
			       (unsigned long long)seq + 1, (unsigned long long)records);
	return err;
}

/* In order: the next record's header and payload, checked for place and size. */
static int read_record(void *ctx, struct hb_slot *s)
{
	struct resume_job *j = (struct resume_job *)ctx;
	const struct hb_writer *w = j->target.writer;
	unsigned long long n = (unsigned long long)s->seq;
	uint64_t first = s->seq * j->h->chunk_pages, left;
	struct hb_record r;
	double t;
	int err;

	if (s->seq == j->h->record_count)
		return 1;
	if (first >= j->h->page_count)
		return hb_fail(HB_ECORRUPT, "header lists %llu records for %llu pages",
			       (unsigned long long)j->h->record_count,
			       (unsigned long long)j->h->page_count);
	left = j->h->page_count - first;
	s->first_page = first;
	s->pages = left < j->h->chunk_pages ? (uint32_t)left : j->h->chunk_pages;
	t = hb_clock();  /* the header and the payload: one lap */
	err = w->read(j->target.inst.priv, s->record, HB_RECORD_HDR);
	if (err)
		return read_failed(err, s->seq, j->h->record_count);
	if (hb_record_decode(s->record, &r))
		return hb_fail(HB_ECORRUPT, "record %llu: bad record marker", n);
	if (r.seq != s->seq)
		return hb_fail(HB_ECORRUPT, "record %llu: found record %llu in its place", n,
			       (unsigned long long)r.seq);
	if (r.pages != s->pages)
		return hb_fail(HB_ECORRUPT, "record %llu: holds %u pages, expected %u", n, r.pages,
			       s->pages);
	if (r.payload_len > j->payload_cap)
		return hb_fail(HB_ECORRUPT, "record %llu: length %u exceeds the largest possible %zu",
			       n, r.payload_len, j->payload_cap);
	err = w->read(j->target.inst.priv, s->in, r.payload_len);
	hb_lap(s->phase, HB_PHASE_TARGET, &t);
	if (err)
		return read_failed(err, s->seq, j->h->record_count);
	s->in_len = r.payload_len;
	j->read += HB_RECORD_HDR + r.payload_len;
	return 0;
}

/* In parallel: check the record, undo the chain (both booked under
 * filters), digest the pages. */
static int decode_record(void *ctx, struct hb_slot *s)
{
	struct resume_job *j = (struct resume_job *)ctx;
	struct hb_chunk_ref ref = { .seq = s->seq, .first_page = s->first_page, .pages = s->pages };
	size_t expect = (size_t)s->pages * j->h->page_size;
	unsigned long long n = (unsigned long long)s->seq;
	double t = hb_clock();
	int err;

	if (!hb_record_crc_ok(s->record, j->h->image_id, s->in, (uint32_t)s->in_len))
		return hb_fail(HB_ECORRUPT, "record %llu: checksum mismatch", n);
	err = hb_worker_run(&s->worker, &ref, false, s->in, s->in_len, s->in_cap, &s->out,
			    &s->out_len);
	if (err)
		return err;
	if (s->out_len != expect)
		return hb_fail(HB_ECORRUPT, "record %llu: decodes to %zu bytes, expected %zu", n,
			       s->out_len, expect);
	hb_lap(s->phase, HB_PHASE_FILTERS, &t);
	hb_chunk_digest(s->out, s->out_len, s->digest);
	hb_lap(s->phase, HB_PHASE_DIGEST, &t);
	return 0;
}

/* In order: fold the digest, hand the pages to the sink (uncommitted). */
static int emit_pages(void *ctx, struct hb_slot *s)
{
	struct resume_job *j = (struct resume_job *)ctx;
	const struct hb_resume_args *a = j->args;
	double t;
	int err;

	/* the fold (16 bytes a chunk) is too small to time */
	hb_digest_add(j->digest, s->digest);
	t = hb_clock();
	err = j->sink->write(j->snk.priv, s->first_page, s->pages, s->out);
	hb_lap(s->phase, HB_PHASE_SINK, &t);
	if (err)
		return err;
	j->pages_done = s->first_page + s->pages;
	if (a->progress) {
		uint64_t done = j->pages_done * j->h->page_size;
		j->progress.done = done < j->progress.total ? done : j->progress.total;
		a->progress(a->progress_ctx, &j->progress);
	}
	return 0;
}

static const struct hb_pipe_ops resume_ops = {
	.read = read_record,
	.work = decode_record,
	.emit = emit_pages,
};


static int finish(struct resume_job *j)
{
	uint8_t digest[HB_DIGEST_LEN];
	double t;
	int err;

	hb_digest_final(j->digest, digest);
	if (j->read != j->h->data_bytes)
		return hb_fail(HB_ECORRUPT, "image holds %llu bytes of records, header says %llu",
			       (unsigned long long)j->read, (unsigned long long)j->h->data_bytes);
	if (!hb_sum_equal(j->h->digest, digest, HB_DIGEST_LEN))
		return hb_fail(HB_EDIGEST, "digest of the restored pages differs from the image's "
					   "(a filter or the image is faulty)");
	t = hb_clock();
	err = j->sink->commit ? j->sink->commit(j->snk.priv) : 0;
	hb_lap(j->outside, HB_PHASE_SINK, &t);
	return err;
}

static void teardown(struct resume_job *j)
{
	if (j->sink_open && j->sink->close)
		j->sink->close(j->snk.priv);
	hb_instance_free(&j->snk);
	hb_chain_free(&j->chain);
	hb_target_close(&j->target);
	hb_digest_free(j->digest);
}

int hb_resume(const struct hb_resume_args *a, struct hb_stats *st)
{
	struct resume_job j;
	double start = hb_clock();
	int err;

	memset(&j, 0, sizeof(j));
	memset(st, 0, sizeof(*st));
	hb_clear_detail();
	err = setup(&j, a);
	if (err)
		goto out;
	j.args = a;
	j.progress = (struct hb_progress){ .phase = "resume", .total = j.h->image_bytes };
	err = hb_pipe_run(&(struct hb_pipe_args){
		.ops = &resume_ops,
		.ctx = &j,
		.threads = a->threads,
		.in_cap = j.payload_cap,
		.chain = &j.chain,
		.img = &j.img,
		.times = &j.times,
		.excluded = HB_PHASE_SINK,
	});
	if (err)
		goto out;
	if (j.pages_done != j.h->page_count) {
		err = hb_fail(HB_ECORRUPT, "records hold %llu pages, header says %llu",
			      (unsigned long long)j.pages_done, (unsigned long long)j.h->page_count);
		goto out;
	}
	err = finish(&j);
	if (err)
		goto out;
	hb_stats_times(st, start, j.outside, &j.times, HB_PHASE_SINK);
	st->pages = j.h->page_count;
	st->bytes = j.h->image_bytes;
	st->records = j.h->record_count;
	st->image_bytes = HB_HEADER_AREA + j.read;
out:
	teardown(&j);
	return err;
}
