/* Named disk profiles.  Figures are typical of each class of device (vendor
 * sheets and common measurements, rounded); caches are scaled down to keep a
 * simulated machine's own memory small.  Reasoning: docs/SIMULATION.md. */
#include "disk.h"

#include <string.h>

#define GiB (1024ull * 1024 * 1024)

/* Order matches HB_DISK_PROFILE_NAMES. */
static const struct hb_disk_profile profiles[] = {
	{ .name = "nvme", .help = "PCIe 3.0 x4 NVMe SSD: 3.5/3.0 GB/s, 20 us, QD 32, FUA",
	  .size = 1024 * GiB, .sector = 512, .read_mbps = 3500, .write_mbps = 3000,
	  .latency_us = 20, .flush_us = 200, .qd = 32, .cache_mib = 16, .fua = true,
	  .throttle = true },
	{ .name = "ssd", .help = "SATA SSD: 550/500 MB/s, 60 us, NCQ 32, no FUA (libata default)",
	  .size = 512 * GiB, .sector = 512, .read_mbps = 550, .write_mbps = 500,
	  .latency_us = 60, .flush_us = 1000, .qd = 32, .cache_mib = 16, .fua = false,
	  .throttle = true },
	{ .name = "hdd", .help = "7200 rpm 4Kn hard disk: 180/160 MB/s, 2 ms, 15 ms flush",
	  .size = 2048 * GiB, .sector = 4096, .read_mbps = 180, .write_mbps = 160,
	  .latency_us = 2000, .flush_us = 15000, .qd = 32, .cache_mib = 16, .fua = false,
	  .throttle = true },
	{ .name = "usb2", .help = "USB 2.0 flash stick: 35/15 MB/s, 1 ms, QD 1, no cache",
	  .size = 64 * GiB, .sector = 512, .read_mbps = 35, .write_mbps = 15,
	  .latency_us = 1000, .flush_us = 5000, .qd = 1, .cache_mib = 0, .fua = false,
	  .throttle = true },
	{ .name = "sd", .help = "SD card (class 10): 80/20 MB/s, 2 ms, QD 1, no cache",
	  .size = 32 * GiB, .sector = 512, .read_mbps = 80, .write_mbps = 20,
	  .latency_us = 2000, .flush_us = 10000, .qd = 1, .cache_mib = 0, .fua = false,
	  .throttle = true },
	{ .name = "instant", .help = "no delay at all, write-through: measures the CPU side",
	  .size = 1024 * GiB, .sector = 512, .qd = 1, .fua = true, .throttle = false },
};

#define NPROFILES (sizeof(profiles) / sizeof(profiles[0]))

const struct hb_disk_profile *hb_disk_profile_at(unsigned index)
{
	return index < NPROFILES ? &profiles[index] : NULL;
}

const struct hb_disk_profile *hb_disk_profile_find(const char *name)
{
	size_t i;

	for (i = 0; i < NPROFILES; i++) {
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	}
	return NULL;
}
