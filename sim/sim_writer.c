/* sim: an image target on a simulated disk (sim/disk.h).  Writes go out in
 * sector-aligned requests of io bytes, as the block layer would merge them;
 * the commit is flush, then the header with FUA (or write + flush on a disk
 * without FUA), then the at-rest bit flips of the fault spec. */
#include "disk.h"

#include "core/error.h"
#include "core/plugin.h"
#include "core/stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct simw_conf {
	unsigned profile;
	uint64_t size, sector, io, span;
	int64_t read_mbps, write_mbps, latency_us, flush_us, qd, cache_mib;
	unsigned fua;         /* profile|yes|no */
	bool throttle;
	char backing[HB_STR_MAX];
	char name[HB_STR_MAX];
	char fault[HB_STR_MAX];
	int64_t seed, keep, spike_ms;
};

struct simw_priv {
	struct hb_disk *disk;
	bool saving, fua;
	uint32_t sector;
	uint8_t *stage;
	struct hb_stream stream;  /* the data area, from HB_HEADER_AREA on */
};

static uint32_t pick(int64_t set, uint32_t profile_value)
{
	return set < 0 ? profile_value : (uint32_t)set;
}

/* The disk's configuration: the profile, with every option given on top. */
static int simw_config(const struct simw_conf *c, struct hb_disk_config *cfg, const char **name)
{
	const struct hb_disk_profile *p = hb_disk_profile_at(c->profile);
	int err;

	if (!p)
		return hb_fail(HB_EINTERNAL, "sim: no disk profile %u", c->profile);
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = c->size ? c->size : p->size;
	cfg->sector = c->sector ? (uint32_t)c->sector : p->sector;
	cfg->read_mbps = pick(c->read_mbps, p->read_mbps);
	cfg->write_mbps = pick(c->write_mbps, p->write_mbps);
	cfg->latency_us = pick(c->latency_us, p->latency_us);
	cfg->flush_us = pick(c->flush_us, p->flush_us);
	cfg->qd = pick(c->qd, p->qd);
	cfg->cache_mib = pick(c->cache_mib, p->cache_mib);
	cfg->fua = c->fua == 0 ? p->fua : c->fua == 1;
	cfg->throttle = c->throttle && p->throttle;
	snprintf(cfg->backing, sizeof(cfg->backing), "%s", c->backing);
	cfg->seed = (uint64_t)c->seed;
	cfg->span = c->span;
	cfg->keep = (unsigned)c->keep;
	cfg->spike_ms = (unsigned)c->spike_ms;
	err = hb_fault_parse(c->fault, &cfg->faults);
	if (err) {
		char why[400];
		snprintf(why, sizeof(why), "%s", hb_detail(err));
		return hb_fail(err, "sim: %s", why);
	}
	/* one disk per backing file; memory disks are "sim" unless named */
	*name = c->name[0] ? c->name : strchr(c->backing, '/') ? c->backing : "sim";
	return 0;
}

/* One request of the data area. */
static int put_block(void *ctx, uint8_t **buf, size_t len, uint64_t off)
{
	struct simw_priv *s = (struct simw_priv *)ctx;

	return hb_disk_write(s->disk, HB_HEADER_AREA + off, *buf, len, false);
}

/* The next request of the data area, up to the end of the disk. */
static int get_block(void *ctx, uint8_t **buf, size_t cap, uint64_t off, size_t *len)
{
	struct simw_priv *s = (struct simw_priv *)ctx;
	uint64_t size = hb_disk_size(s->disk), pos = HB_HEADER_AREA + off;

	*len = 0;
	if (pos >= size)
		return 0;
	*len = size - pos < cap ? (size_t)(size - pos) : cap;
	return hb_disk_read(s->disk, pos, *buf, *len);
}

/* The header area, zero-padded, made durable on its own. */
static int put_header(struct simw_priv *s, const void *header, size_t len)
{
	uint8_t *area = (uint8_t *)calloc(1, HB_HEADER_AREA);
	int err;

	if (!area)
		return hb_fail(HB_ENOMEM, "out of memory");
	if (header)
		memcpy(area, header, len);
	err = hb_disk_write(s->disk, 0, area, HB_HEADER_AREA, s->fua);
	if (!err && !s->fua)
		err = hb_disk_flush(s->disk);
	free(area);
	return err;
}

static int simw_open(void *priv, const void *conf, enum hb_open_mode mode)
{
	struct simw_priv *s = (struct simw_priv *)priv;
	const struct simw_conf *c = (const struct simw_conf *)conf;
	struct hb_disk_config cfg;
	const char *name = "sim";
	int err = simw_config(c, &cfg, &name);

	if (err)
		return err;
	if (c->io % cfg.sector)
		return hb_fail(HB_EUSAGE, "sim: io=%llu: not a whole number of %u-byte sectors",
			       (unsigned long long)c->io, cfg.sector);
	err = hb_disk_get(name, &cfg, &s->disk);
	if (err)
		return err;
	s->saving = mode == HB_OPEN_SAVE;
	s->fua = hb_disk_has_fua(s->disk);
	s->sector = hb_disk_sector(s->disk);
	s->stage = (uint8_t *)malloc((size_t)c->io);
	if (!s->stage)
		return hb_fail(HB_ENOMEM, "out of memory");
	hb_stream_init(&s->stream, s->stage, (size_t)c->io, s, put_block, get_block);
	hb_disk_arm(s->disk, s->saving);
	/* a new image: the old signature goes first, durably */
	return s->saving ? put_header(s, NULL, 0) : 0;
}

static int simw_write(void *priv, const void *buf, size_t len)
{
	return hb_stream_write(&((struct simw_priv *)priv)->stream, buf, len);
}

static int simw_read(void *priv, void *buf, size_t len)
{
	return hb_stream_read(&((struct simw_priv *)priv)->stream, buf, len);
}

static int simw_read_header(void *priv, void *buf)
{
	struct simw_priv *s = (struct simw_priv *)priv;

	return hb_disk_read(s->disk, 0, buf, HB_HEADER_AREA);
}

static int simw_commit(void *priv, const void *header, size_t len)
{
	struct simw_priv *s = (struct simw_priv *)priv;
	int err = hb_stream_flush(&s->stream, s->sector);  /* whole sectors */

	if (!err)
		err = hb_disk_flush(s->disk);  /* records durable before the signature */
	if (!err)
		err = put_header(s, header, len);
	if (!err)
		err = hb_disk_rot(s->disk);
	return err;
}

static int simw_invalidate(void *priv, const void *header, size_t len)
{
	return put_header((struct simw_priv *)priv, header, len);
}

static void simw_abort(void *priv)
{
	struct simw_priv *s = (struct simw_priv *)priv;

	/* after a power cut nothing runs; otherwise make sure no header is left */
	if (s->disk && hb_disk_powered(s->disk))
		put_header(s, NULL, 0);
}

static int simw_capacity(void *priv, uint64_t *bytes)
{
	const struct simw_priv *s = (const struct simw_priv *)priv;

	*bytes = hb_disk_size(s->disk) - HB_HEADER_AREA;
	return 0;
}

static void simw_close(void *priv)
{
	struct simw_priv *s = (struct simw_priv *)priv;

	hb_disk_put(s->disk);
	s->disk = NULL;
	free(s->stage);
	s->stage = NULL;
}

static const struct hb_option simw_options[] = {
	{ .name = "profile", .type = HB_OPT_CHOICE, .def = "ssd", .flags = HB_OPT_POSITIONAL,
	  .choices = HB_DISK_PROFILE_NAMES, .help = "disk profile (docs/SIMULATION.md)",
	  .offset = offsetof(struct simw_conf, profile) },
	{ .name = "size", .type = HB_OPT_SIZE, .def = "0", .min = 0, .max = INT64_MAX,
	  .help = "capacity (0: the profile's)", .offset = offsetof(struct simw_conf, size) },
	{ .name = "sector", .type = HB_OPT_SIZE, .def = "0", .min = 0, .max = 4096,
	  .help = "logical sector size, 512..4096 (0: the profile's)",
	  .offset = offsetof(struct simw_conf, sector) },
	{ .name = "read-mbps", .type = HB_OPT_INT, .def = "-1", .min = -1, .max = 1000000,
	  .help = "read bandwidth, MB/s (0: unlimited, -1: the profile's)",
	  .offset = offsetof(struct simw_conf, read_mbps) },
	{ .name = "write-mbps", .type = HB_OPT_INT, .def = "-1", .min = -1, .max = 1000000,
	  .help = "write bandwidth, MB/s (0: unlimited, -1: the profile's)",
	  .offset = offsetof(struct simw_conf, write_mbps) },
	{ .name = "latency-us", .type = HB_OPT_INT, .def = "-1", .min = -1, .max = 10000000,
	  .help = "latency of one I/O, microseconds (-1: the profile's)",
	  .offset = offsetof(struct simw_conf, latency_us) },
	{ .name = "flush-us", .type = HB_OPT_INT, .def = "-1", .min = -1, .max = 10000000,
	  .help = "time of a cache flush, microseconds (-1: the profile's)",
	  .offset = offsetof(struct simw_conf, flush_us) },
	{ .name = "qd", .type = HB_OPT_INT, .def = "-1", .min = -1, .max = 4096,
	  .help = "queue depth (-1: the profile's)", .offset = offsetof(struct simw_conf, qd) },
	{ .name = "cache-mib", .type = HB_OPT_INT, .def = "-1", .min = -1, .max = 65536,
	  .help = "volatile write cache, MiB (0: write-through, -1: the profile's)",
	  .offset = offsetof(struct simw_conf, cache_mib) },
	{ .name = "fua", .type = HB_OPT_CHOICE, .def = "profile", .choices = "profile|yes|no",
	  .help = "the disk honours FUA writes", .offset = offsetof(struct simw_conf, fua) },
	{ .name = "throttle", .type = HB_OPT_BOOL, .def = "yes",
	  .help = "sleep as the real disk would (no: as fast as memory)",
	  .offset = offsetof(struct simw_conf, throttle) },
	{ .name = "io", .type = HB_OPT_SIZE, .def = "1MiB", .min = 4096, .max = 64 << 20,
	  .help = "largest request the writer sends", .offset = offsetof(struct simw_conf, io) },
	{ .name = "backing", .type = HB_OPT_STRING, .def = "memory",
	  .help = "memory, none (count only) or a sparse file path (kept across processes)",
	  .offset = offsetof(struct simw_conf, backing) },
	{ .name = "name", .type = HB_OPT_STRING, .def = "",
	  .help = "registry name: suspend and resume in one process share a named disk",
	  .offset = offsetof(struct simw_conf, name) },
	{ .name = "fault", .type = HB_OPT_STRING, .def = "none",
	  .help = "faults joined by +: powercut@40%, powercut@flush2, eio@1MiB, eio-after@N, "
		  "enospc@50%, bitflip@rand, spike@N",
	  .offset = offsetof(struct simw_conf, fault) },
	{ .name = "seed", .type = HB_OPT_INT, .def = "1", .min = 0, .max = INT64_MAX,
	  .help = "fault seed: same seed, same faults", .offset = offsetof(struct simw_conf, seed) },
	{ .name = "span", .type = HB_OPT_SIZE, .def = "0", .min = 0, .max = INT64_MAX,
	  .help = "what 100% means in fault positions (0: the capacity)",
	  .offset = offsetof(struct simw_conf, span) },
	{ .name = "keep", .type = HB_OPT_INT, .def = "0", .min = 0, .max = 100,
	  .help = "% of unflushed cached sectors that survive a power cut",
	  .offset = offsetof(struct simw_conf, keep) },
	{ .name = "spike-ms", .type = HB_OPT_INT, .def = "100", .min = 0, .max = 60000,
	  .help = "length of a latency spike", .offset = offsetof(struct simw_conf, spike_ms) },
	{ .name = NULL },
};

const struct hb_writer hb_writer_sim = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "sim",
		.help = "a simulated disk: speed, cache, FUA and seeded faults",
		.options = simw_options,
		.conf_size = sizeof(struct simw_conf),
		.priv_size = sizeof(struct simw_priv),
	},
	.open = simw_open,
	.write = simw_write,
	.read = simw_read,
	.read_header = simw_read_header,
	.commit = simw_commit,
	.invalidate = simw_invalidate,
	.abort = simw_abort,
	.close = simw_close,
	.capacity = simw_capacity,
};
