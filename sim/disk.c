/* The simulated disk: a registry of named disks, the volatile write cache,
 * real-time throttling and fault injection.  The power-cut model follows
 * the idea of SQLite's crash VFS: what was not flushed may be lost (each
 * cached sector survives with probability keep%, seeded), and the write in
 * flight is torn at a sector boundary. */
#include "disk.h"
#include "disk_store.h"
#include "memory.h"

#include "core/error.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NONE UINT64_MAX

struct cache_entry {
	uint64_t off;
	size_t len;
	uint8_t *data;
};

struct hb_disk {
	struct hb_disk *next;
	char name[512];
	unsigned refs;
	struct hb_disk_config cfg;
	struct hb_store store;
	/* volatile write cache, oldest first */
	struct cache_entry *cache;
	unsigned ncache, cache_slots;
	uint64_t cached;
	/* time: when the media is done with everything accepted so far */
	double busy_until;
	/* faults */
	bool saving, off;
	uint64_t cut_at, cut_flush, eio_after, enospc_at, spike_every;
	uint64_t bad[HB_FAULTS_MAX];
	unsigned nbad;
	uint64_t ios, cuts;
	struct hb_disk_stats st;
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hb_disk *registry;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0.0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0)
		;
}

static void free_disk(struct hb_disk *d)
{
	unsigned i;

	for (i = 0; i < d->ncache; i++)
		free(d->cache[i].data);
	free(d->cache);
	hb_store_close(&d->store);
	free(d);
}

static int create_disk(const char *name, const struct hb_disk_config *cfg, struct hb_disk **out)
{
	struct hb_disk *d = (struct hb_disk *)calloc(1, sizeof(*d));
	int err;

	if (!d)
		return hb_fail(HB_ENOMEM, "sim: out of memory");
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->cfg = *cfg;
	err = hb_store_open(&d->store, cfg->backing, cfg->size);
	if (err) {
		free_disk(d);
		return err;
	}
	*out = d;
	return 0;
}

int hb_disk_get(const char *name, const struct hb_disk_config *cfg, struct hb_disk **out)
{
	struct hb_disk *d;
	int err = 0;

	*out = NULL;
	if (cfg->sector < 512 || cfg->sector > 4096 || (cfg->sector & (cfg->sector - 1)))
		return hb_fail(HB_EUSAGE, "sim: sector=%u: expected 512, 1024, 2048 or 4096",
			       cfg->sector);
	/* size=256 meant 256MiB: a unit left out, not a disk of 256 bytes */
	if (cfg->size && cfg->size < 2 * 4096)
		return hb_fail(HB_EUSAGE, "sim: size=%llu: %llu bytes is less than the 8 KiB a disk "
					  "needs; did you mean %lluMiB?", (unsigned long long)cfg->size,
			       (unsigned long long)cfg->size, (unsigned long long)cfg->size);
	if (cfg->size < 2 * 4096 || cfg->size % cfg->sector)
		return hb_fail(HB_EUSAGE, "sim: size=%llu: at least 8 KiB, a whole number of "
					  "%u-byte sectors", (unsigned long long)cfg->size, cfg->sector);
	pthread_mutex_lock(&registry_lock);
	for (d = registry; d; d = d->next) {
		if (strcmp(d->name, name) == 0)
			break;
	}
	if (d && (d->cfg.size != cfg->size || d->cfg.sector != cfg->sector ||
		  strcmp(d->cfg.backing, cfg->backing) != 0)) {
		err = hb_fail(HB_EUSAGE, "sim: disk '%s' exists with size=%llu sector=%u "
					 "backing=%s (use another name=)", name,
			      (unsigned long long)d->cfg.size, d->cfg.sector, d->cfg.backing);
	} else if (!d) {
		err = create_disk(name, cfg, &d);
		if (!err) {
			d->next = registry;
			registry = d;
		}
	}
	if (!err) {
		d->cfg = *cfg;
		d->off = false;  /* power is back */
		d->refs++;
		*out = d;
	}
	pthread_mutex_unlock(&registry_lock);
	return err;
}

static void unlink_disk(struct hb_disk *d)
{
	struct hb_disk **p;

	for (p = &registry; *p; p = &(*p)->next) {
		if (*p == d) {
			*p = d->next;
			return;
		}
	}
}

void hb_disk_put(struct hb_disk *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&registry_lock);
	d->refs--;
	pthread_mutex_unlock(&registry_lock);
}

void hb_disk_forget(const char *name)
{
	struct hb_disk *d;

	pthread_mutex_lock(&registry_lock);
	for (d = registry; d; d = d->next) {
		if (strcmp(d->name, name) == 0 && d->refs == 0) {
			unlink_disk(d);
			free_disk(d);
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
}

void hb_disk_arm(struct hb_disk *d, bool saving)
{
	uint64_t span = d->cfg.span ? d->cfg.span : d->cfg.size;
	unsigned i;

	memset(&d->st, 0, sizeof(d->st));
	d->st.cached = d->cached;
	d->saving = saving;
	d->cut_at = d->cut_flush = d->eio_after = d->enospc_at = d->spike_every = NONE;
	d->nbad = 0;
	d->ios = 0;
	for (i = 0; i < d->cfg.faults.count; i++) {
		const struct hb_fault *f = &d->cfg.faults.f[i];
		uint64_t at = hb_fault_offset(f, span, d->cfg.seed, i);

		switch (f->kind) {
		case HB_FAULT_POWERCUT:
			d->cut_at = at < d->cut_at ? at : d->cut_at;
			break;
		case HB_FAULT_POWERCUT_FLUSH:
			d->cut_flush = at < d->cut_flush ? at : d->cut_flush;
			break;
		case HB_FAULT_EIO:
			d->bad[d->nbad++] = at / d->cfg.sector;
			break;
		case HB_FAULT_EIO_AFTER:
			d->eio_after = at;
			break;
		case HB_FAULT_ENOSPC:
			d->enospc_at = at < d->enospc_at ? at : d->enospc_at;
			break;
		case HB_FAULT_SPIKE:
			d->spike_every = at;
			break;
		case HB_FAULT_BITFLIP:
			break;
		}
	}
}

/* Time an I/O takes: it starts when the media is free, costs latency/QD
 * (QD requests overlap their latency) plus len/bandwidth.  The caller waits
 * only for what does not fit in the cache plus QD-1 requests in flight. */
static void throttle(struct hb_disk *d, size_t len, uint32_t mbps, uint64_t ahead)
{
	double now, start, cost, slack;

	if (!d->cfg.throttle)
		return;
	now = now_s();
	start = d->busy_until > now ? d->busy_until : now;
	cost = (double)d->cfg.latency_us / 1e6 / (d->cfg.qd ? d->cfg.qd : 1);
	if (mbps)
		cost += (double)len / ((double)mbps * 1e6);
	if (d->spike_every != NONE && hb_mix64(d->cfg.seed ^ (d->ios * 0x9e37u)) % d->spike_every == 0) {
		cost += (double)d->cfg.spike_ms / 1e3;
		d->st.fired++;
	}
	d->busy_until = start + cost;
	ahead += (uint64_t)(d->cfg.qd > 1 ? d->cfg.qd - 1 : 0) * len;
	slack = mbps ? (double)ahead / ((double)mbps * 1e6) : 0.0;
	sleep_s(d->busy_until - now - slack);
}

static int write_back_one(struct hb_disk *d)
{
	struct cache_entry e = d->cache[0];
	int err = hb_store_write(&d->store, e.off, e.data, e.len);

	free(e.data);
	d->cached -= e.len;
	d->ncache--;
	memmove(d->cache, d->cache + 1, d->ncache * sizeof(*d->cache));
	return err;
}

static int write_back_all(struct hb_disk *d)
{
	int err = 0;

	while (d->ncache && !err)
		err = write_back_one(d);
	return err;
}

static int cache_push(struct hb_disk *d, uint64_t off, const uint8_t *buf, size_t len)
{
	uint64_t cap = (uint64_t)d->cfg.cache_mib << 20;
	struct cache_entry *e;
	int err = 0;

	if (d->ncache == d->cache_slots) {
		unsigned slots = d->cache_slots ? d->cache_slots * 2 : 16;
		e = (struct cache_entry *)realloc(d->cache, slots * sizeof(*e));
		if (!e)
			return hb_fail(HB_ENOMEM, "sim: out of memory");
		d->cache = e;
		d->cache_slots = slots;
	}
	e = &d->cache[d->ncache];
	e->data = (uint8_t *)malloc(len);
	if (!e->data)
		return hb_fail(HB_ENOMEM, "sim: out of memory");
	memcpy(e->data, buf, len);
	e->off = off;
	e->len = len;
	d->ncache++;
	d->cached += len;
	/* a full cache writes back its oldest data first */
	while (d->cached > cap && !err)
		err = write_back_one(d);
	return err;
}

/* Lands on the media now: older cached copies of the range go first, so
 * they can never overwrite it later. */
static int write_through(struct hb_disk *d, uint64_t off, const uint8_t *buf, size_t len)
{
	unsigned i;
	int err = 0;

	for (i = 0; i < d->ncache && !err; i++) {
		const struct cache_entry *e = &d->cache[i];
		if (e->off < off + len && off < e->off + e->len)
			err = write_back_all(d);
	}
	return err ? err : hb_store_write(&d->store, off, buf, len);
}

static int place(struct hb_disk *d, uint64_t off, const uint8_t *buf, size_t len, bool fua)
{
	if (fua || d->cfg.cache_mib == 0)
		return write_through(d, off, buf, len);
	return cache_push(d, off, buf, len);
}

/* The power goes: each cached sector survives with probability keep%. */
static void power_cut(struct hb_disk *d)
{
	uint32_t sec = d->cfg.sector;
	unsigned i;

	for (i = 0; i < d->ncache; i++) {
		const struct cache_entry *e = &d->cache[i];
		size_t s;

		for (s = 0; d->cfg.keep && s < e->len; s += sec) {
			uint64_t h = hb_mix64(d->cfg.seed ^ hb_mix64((e->off + s) / sec) ^ d->cuts);
			if (h % 100 < d->cfg.keep)
				hb_store_write(&d->store, e->off + s, e->data + s, sec);
		}
		free(e->data);
	}
	d->ncache = 0;
	d->cached = 0;
	d->off = true;
	d->cuts++;
	d->st.power_cut = true;
	d->st.fired++;
}

static int check_io(struct hb_disk *d, uint64_t off, size_t len, const char *what)
{
	unsigned i;

	if (d->off)
		return hb_fail(HB_EIO, "sim: %s at %llu: the power is off", what,
			       (unsigned long long)off);
	if (off % d->cfg.sector || len % d->cfg.sector)
		return hb_fail(HB_EINTERNAL, "sim: %s of %zu bytes at %llu: not aligned to %u-byte "
					     "sectors", what, len, (unsigned long long)off, d->cfg.sector);
	if (off > d->cfg.size || len > d->cfg.size - off)
		return hb_fail(HB_ENOSPACE, "sim: %s at %llu: past the disk's capacity of %llu "
					    "bytes", what, (unsigned long long)off,
			       (unsigned long long)d->cfg.size);
	for (i = 0; i < d->nbad; i++) {
		uint64_t s = d->bad[i];
		if (s >= off / d->cfg.sector && s < (off + len) / d->cfg.sector) {
			d->st.fired++;
			return hb_fail(HB_EIO, "sim: %s: I/O error at sector %llu (fault eio)", what,
				       (unsigned long long)s);
		}
	}
	d->ios++;
	return 0;
}

int hb_disk_write(struct hb_disk *d, uint64_t off, const void *buf, size_t len, bool fua)
{
	const uint8_t *p = (const uint8_t *)buf;
	int err = check_io(d, off, len, "write");

	if (err)
		return err;
	if (d->saving && d->enospc_at != NONE && off + len > d->enospc_at) {
		d->st.fired++;
		return hb_fail(HB_ENOSPACE, "sim: write at %llu: no space left after %llu bytes "
					    "(fault enospc)", (unsigned long long)off,
			       (unsigned long long)d->enospc_at);
	}
	if (d->saving && d->eio_after != NONE && d->st.writes >= d->eio_after) {
		d->st.fired++;
		return hb_fail(HB_EIO, "sim: write %llu: I/O error (fault eio-after@%llu)",
			       (unsigned long long)d->st.writes + 1, (unsigned long long)d->eio_after);
	}
	if (d->saving && d->cut_at != NONE && d->st.submitted + len > d->cut_at) {
		/* torn: whole sectors up to the cut point got out, the rest never did */
		size_t got = (size_t)(d->cut_at - d->st.submitted) / d->cfg.sector * d->cfg.sector;
		if (got)
			err = place(d, off, p, got, fua);
		d->st.submitted += got;
		power_cut(d);
		return err ? err : hb_fail(HB_EIO, "sim: power cut after %llu bytes (fault powercut)",
					   (unsigned long long)d->st.submitted);
	}
	throttle(d, len, d->cfg.write_mbps, (uint64_t)d->cfg.cache_mib << 20);
	err = place(d, off, p, len, fua);
	if (fua && !err)
		sleep_s(d->cfg.throttle ? d->busy_until - now_s() : 0.0);
	d->st.submitted += len;
	d->st.writes++;
	d->st.cached = d->cached;
	return err;
}

int hb_disk_read(struct hb_disk *d, uint64_t off, void *buf, size_t len)
{
	uint8_t *p = (uint8_t *)buf;
	unsigned i;
	int err = check_io(d, off, len, "read");

	if (err)
		return err;
	throttle(d, len, d->cfg.read_mbps, 0);
	err = hb_store_read(&d->store, off, p, len);
	/* what the cache holds is newer than the media */
	for (i = 0; i < d->ncache && !err; i++) {
		const struct cache_entry *e = &d->cache[i];
		uint64_t lo = e->off > off ? e->off : off;
		uint64_t hi = e->off + e->len < off + len ? e->off + e->len : off + len;
		if (lo < hi)
			memcpy(p + (lo - off), e->data + (lo - e->off), (size_t)(hi - lo));
	}
	return err;
}

int hb_disk_flush(struct hb_disk *d)
{
	int err;

	if (d->off)
		return hb_fail(HB_EIO, "sim: flush: the power is off");
	d->st.flushes++;
	if (d->saving && d->st.flushes == d->cut_flush) {
		power_cut(d);
		return hb_fail(HB_EIO, "sim: power cut at flush %llu (fault powercut@flush%llu)",
			       (unsigned long long)d->st.flushes, (unsigned long long)d->cut_flush);
	}
	err = write_back_all(d);
	if (d->cfg.throttle) {
		d->busy_until = (d->busy_until > now_s() ? d->busy_until : now_s()) +
				(double)d->cfg.flush_us / 1e6;
		sleep_s(d->busy_until - now_s());
	}
	d->st.cached = 0;
	return err;
}

int hb_disk_rot(struct hb_disk *d)
{
	uint64_t span = d->cfg.span ? d->cfg.span : d->cfg.size;
	unsigned i;
	int err = write_back_all(d);

	for (i = 0; i < d->cfg.faults.count && !err; i++) {
		const struct hb_fault *f = &d->cfg.faults.f[i];
		uint64_t at;
		uint8_t byte;

		if (f->kind != HB_FAULT_BITFLIP)
			continue;
		at = hb_fault_offset(f, span, d->cfg.seed, i);
		if (at >= d->cfg.size)
			continue;
		err = hb_store_read(&d->store, at, &byte, 1);
		byte ^= (uint8_t)(1u << (hb_mix64(d->cfg.seed + at) & 7));
		if (!err)
			err = hb_store_write(&d->store, at, &byte, 1);
		d->st.fired++;
	}
	return err;
}

uint64_t hb_disk_size(const struct hb_disk *d)
{
	return d->cfg.size;
}

uint32_t hb_disk_sector(const struct hb_disk *d)
{
	return d->cfg.sector;
}

bool hb_disk_powered(const struct hb_disk *d)
{
	return !d->off;
}

bool hb_disk_has_fua(const struct hb_disk *d)
{
	return d->cfg.fua;
}

void hb_disk_get_stats(const struct hb_disk *d, struct hb_disk_stats *st)
{
	*st = d->st;
}

int hb_disk_stats_by_name(const char *name, struct hb_disk_stats *st)
{
	struct hb_disk *d;
	int err = HB_ENOIMAGE;

	pthread_mutex_lock(&registry_lock);
	for (d = registry; d; d = d->next) {
		if (strcmp(d->name, name) == 0) {
			*st = d->st;
			err = 0;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	return err;
}
