# hiblab: one non-recursive Makefile.  `make V=1` shows the commands.
# Variants: `make CC=clang`, `make SAN=1` (ASan+UBSan, in build/san),
# `make SAN=thread` (TSan, in build/tsan), `make fuzz` (libFuzzer, in build/fuzz).

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(PREFIX)/bin
LIBDIR := $(PREFIX)/lib
INCDIR := $(PREFIX)/include/hiblab
MANDIR := $(PREFIX)/share/man
# learned memory profiles (sim/profiles/*.prof): sim:$(PROFDIR)/NAME.prof
PROFDIR := $(PREFIX)/share/hiblab/profiles
PCDIR := $(LIBDIR)/pkgconfig
# the Debian integration (docs/DEBIAN.md): initramfs-tools reads $(ITDIR) when
# PREFIX=/usr; the example configuration, which `hiblab setup` never
# installs by itself, goes beside the profiles
ITDIR := $(PREFIX)/share/initramfs-tools
CONF_EXAMPLE := $(PREFIX)/share/hiblab/hibernate.conf.example
VERSION := 0.1

CC ?= cc
AR ?= ar
SAN ?=
BUILD ?= $(if $(filter thread,$(SAN)),build/tsan,$(if $(SAN),build/san,build))

LIBS_PC := libisal libxxhash liblz4 libzstd lzo2 libcrypto liburing blkid
PKG_CFLAGS := $(shell pkg-config --cflags $(LIBS_PC) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(LIBS_PC) 2>/dev/null || echo -lisal -lxxhash -llz4 -lzstd -llzo2 -lcrypto -luring -lblkid)

# zstd's warning set, on top of -Wall -Wextra -Werror
WARN := -Wall -Wextra -Werror -Wcast-qual -Wcast-align -Wshadow -Wstrict-aliasing=1 \
	-Wswitch-enum -Wdeclaration-after-statement -Wstrict-prototypes -Wundef \
	-Wpointer-arith -Wvla -Wformat=2 -Winit-self -Wfloat-equal -Wwrite-strings \
	-Wredundant-decls -Wmissing-prototypes -Wc++-compat
ASAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
TSAN := -fsanitize=thread -fno-omit-frame-pointer
# SAN=fuzz: only `make fuzz` builds with it (clang, build/fuzz); its
# HB_FUZZ_NO_CHECKSUMS makes hb_sum_equal() accept every checksum
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -fsanitize-coverage-ignorelist=tests/fuzz/coverage-ignore.txt
SANFLAGS := $(if $(filter thread,$(SAN)),$(TSAN),$(if $(filter fuzz,$(SAN)),$(FUZZ_SAN),$(if $(SAN),$(ASAN))))
OPT ?= -O2 -g
CPPFLAGS += -I. -D_GNU_SOURCE $(PKG_CFLAGS) -DHIBLAB_VERSION='"$(VERSION)"'
CPPFLAGS += $(if $(filter fuzz,$(SAN)),-DHB_FUZZ_NO_CHECKSUMS)
CFLAGS += -std=c11 $(OPT) $(WARN) $(SANFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)
LDLIBS += $(PKG_LIBS) -lpthread -lm

ifeq ($(V),1)
Q :=
else
Q := @
endif

# libhiblab.a: the engine and its plugins; libhiblab-bench.a: the harness
# (scenarios, runners, reports), linked into the CLI and the tests only.
LIB_SRC := $(wildcard core/*.c filters/*.c backends/*.c sim/*.c)
BENCH_SRC := $(wildcard bench/*.c)
CLI_SRC := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/unit/*.c)

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
BENCH_OBJ := $(BENCH_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)

LIB := $(BUILD)/libhiblab.a
BENCH_LIB := $(BUILD)/libhiblab-bench.a
BIN := $(BUILD)/hiblab
UNIT := $(BUILD)/unit-tests

.PHONY: all deps test unit cli-test valgrind san-test scenario-test vectors-test threads-test layers-test install-test check bench faults big install uninstall clean help guest guest-kernel qemu-kernels qemu-matrix qemu-test libvirt-test libvirt-remote-test fuzz fuzz-smoke fuzz-bins deb deb-test report-test debian-guest debian-test
.DEFAULT_GOAL := all

all: $(BIN) $(LIB)

help:
	@echo "targets: all test check valgrind vectors-test layers-test install-test report-test bench faults big fuzz fuzz-smoke guest guest-kernel debian-guest debian-test qemu-kernels qemu-test libvirt-test libvirt-remote-test qemu-matrix install uninstall deb deb-test clean deps"
	@echo "vars: V=1 CC=clang SAN=1 FUZZ_SECONDS=60 PREFIX=$(PREFIX) DESTDIR="

deps:
	$(Q)sh scripts/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# the commit a build came from goes into every result row (bench/run_meta.c):
# its object is rebuilt when the commit (or the tree's dirtiness) changes
COMMIT := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
$(BUILD)/commit.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(COMMIT)' | cmp -s - $@ || echo '$(COMMIT)' >$@
$(BUILD)/obj/bench/run_meta.o: $(BUILD)/commit.stamp
$(BUILD)/obj/bench/run_meta.o: CPPFLAGS += -DHIBLAB_COMMIT='"$(COMMIT)"'
# a relative profile path not found falls back to the installed profiles
$(BUILD)/obj/sim/sim_source.o: CPPFLAGS += -DHIBLAB_PROFDIR='"$(PROFDIR)"'
.PHONY: FORCE
FORCE:

# Criterion's macros do not pass zstd's strictest warnings; tests keep the rest.
$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) -std=gnu11 $(OPT) -Wall -Wextra -Werror $(SANFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BENCH_LIB): $(BENCH_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(BENCH_LIB) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BENCH_LIB) $(LIB) $(LDLIBS)

# hiblab-bench: the limits (memcpy, bare libraries, plugin layer, N threads)
LIM_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard bench/limits/*.c))
LIM_BENCH := $(BUILD)/hiblab-bench
all: $(LIM_BENCH)
$(LIM_BENCH): $(LIM_OBJ) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(LIM_OBJ) $(LIB) $(LDLIBS)
-include $(LIM_OBJ:.o=.d)

# the QEMU guest (docs/QEMU.md): its workload is built like hiblab
WORKLOAD := $(BUILD)/hiblab-workload
GUEST ?= build/guest
$(WORKLOAD): $(BUILD)/obj/guest/workload.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)
-include $(BUILD)/obj/guest/workload.d

# kernel, modules and initramfs into $(GUEST); downloads are cached there
guest: $(BIN) $(WORKLOAD)
	$(Q)sh guest/build.sh $(BUILD) $(GUEST)

# a guest for a scenario's kernel = value: make guest-kernel KERNEL=debian-6.12
# (or debian-6.1, or PATH/bzImage:MODULES_DIR), into $(GUEST)/kernels/
guest-kernel: $(BIN) $(WORKLOAD)
	$(Q)sh guest/build.sh $(BUILD) $(GUEST) "$(KERNEL)"

# Debian 12's and Debian 13's kernels, each hibernating by itself (LZO, LZ4) and
# through hiblab (docs/QEMU.md)
qemu-kernels: $(BIN) $(WORKLOAD)
	$(Q)sh guest/build.sh $(BUILD) $(GUEST) debian-6.1
	$(Q)sh guest/build.sh $(BUILD) $(GUEST) debian-6.12
	$(Q)HIBLAB_GUEST=$(GUEST) $(BIN) run scenarios/qemu-kernels.scn

# a real Debian 12 guest (mmdebstrap, systemd, the cloud kernel) into
# $(DEBIAN_GUEST), cached there (docs/QEMU.md, "A real Debian guest")
DEBIAN_GUEST ?= build/debian-guest
debian-guest: $(BIN) $(WORKLOAD)
	$(Q)sh guest/debian.sh $(BUILD) $(DEBIAN_GUEST)

# one cycle of the kernel's hibernation of it (and hiblab's, once its
# package is built): not part of `make test`, a few minutes under TCG
debian-test: debian-guest
	$(Q)HIBLAB_DEBIAN_GUEST=$(DEBIAN_GUEST) HIBLAB_QEMU_TIMEOUT=$${HIBLAB_QEMU_TIMEOUT:-300} \
		$(BIN) run scenarios/debian-smoke.scn --out $(BUILD)/debian-smoke

# every compressor x encryption x swap/block, with the kernel baseline
qemu-matrix: guest
	$(Q)$(BIN) run scenarios/qemu-matrix.scn

$(UNIT): $(TEST_OBJ) $(BENCH_LIB) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(TEST_OBJ) $(BENCH_LIB) $(LIB) $(LDLIBS) -lcriterion

# The README's test command: unit tests, CLI tests, then both again under
# ASan+UBSan.  Installs missing packages first.
test: deps
	$(Q)$(MAKE) --no-print-directory unit cli-test scenario-test report-test vectors-test layers-test install-test deb-test
	$(Q)$(MAKE) --no-print-directory SAN=1 BUILD=$(BUILD)/san unit cli-test
	$(Q)$(MAKE) --no-print-directory SAN=thread BUILD=$(BUILD)/tsan threads-test THREADS_TEST=quick
	$(Q)$(MAKE) --no-print-directory fuzz-smoke
	$(Q)$(MAKE) --no-print-directory qemu-test libvirt-test libvirt-remote-test

# one real hibernation cycle in a QEMU guest, when QEMU is installed, and
# hiblab inspect on an image the guest's kernel writes itself (~40 s)
qemu-test:
	$(Q)if command -v qemu-system-x86_64 >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory guest && \
		$(BIN) run scenarios/qemu-smoke.scn --quiet --out $(BUILD)/qemu-smoke && \
		HIBLAB=$(BIN) GUEST=$(GUEST) sh tests/kimage.sh; \
	else echo "qemu-test: qemu-system-x86_64 is not installed: skipped"; fi

# the same cycle through libvirt (qemu:///session, as an unprivileged user)
libvirt-test:
	$(Q)if command -v virsh >/dev/null 2>&1 && command -v qemu-system-x86_64 >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory guest && \
		HIBLAB=$(BIN) GUEST=$(GUEST) sh tests/libvirt.sh; \
	else echo "libvirt-test: virsh or qemu-system-x86_64 is not installed: skipped"; fi

# the same cycle through a remote URI: qemu+ssh:// to an sshd of its own on
# 127.0.0.1 (as root; one cycle, 30-45 s here)
libvirt-remote-test:
	$(Q)if command -v virsh >/dev/null 2>&1 && command -v qemu-system-x86_64 >/dev/null 2>&1 && \
	    { command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ]; }; then \
		$(MAKE) --no-print-directory guest && \
		HIBLAB=$(BIN) GUEST=$(GUEST) sh tests/libvirt-remote.sh; \
	else echo "libvirt-remote-test: virsh, qemu-system-x86_64 or sshd is not installed: skipped"; fi

# The pipeline under ThreadSanitizer, through the CLI (Criterion cannot start
# under TSan).  `make check` runs the full matrix.
threads-test: $(BIN)
	$(Q)HIBLAB=$(BIN) sh tests/threads.sh $(THREADS_TEST)

# Everything under the sanitizers: ASan+UBSan unit and CLI tests, the whole
# thread matrix under TSan, the CLI suite under Valgrind.
check: deps
	$(Q)$(MAKE) --no-print-directory SAN=1 BUILD=$(BUILD)/san unit cli-test scenario-test
	$(Q)$(MAKE) --no-print-directory SAN=thread BUILD=$(BUILD)/tsan threads-test
	$(Q)$(MAKE) --no-print-directory SAN= valgrind

unit: $(UNIT)
	$(Q)$(UNIT) --jobs 2

cli-test: $(BIN)
	$(Q)HIBLAB=$(BIN) sh tests/cli.sh
	$(Q)HIBLAB=$(BIN) sh tests/dist.sh

# The CLI suite with every hiblab run under Valgrind's memcheck: an error or
# a definite leak fails it (tests/valgrind.sh; tests/valgrind.supp holds what
# is not ours).  Minutes, not seconds: part of `make check`, not `make test`.
valgrind: $(BIN)
	$(Q)command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed (make deps)" >&2; exit 1; }
	$(Q)HIBLAB=$(CURDIR)/tests/valgrind.sh VALGRIND_HIBLAB=$(abspath $(BIN)) HIBLAB_TIMEOUT=900 sh tests/cli.sh

# the layering rule of docs/PLUGINS.md, on the sources and the objects
layers-test: $(BIN)
	$(Q)LAYERS_OBJ=$(BUILD)/obj sh tests/layers.sh

# make install into a scratch prefix: a program builds on it alone
install-test: $(BIN) $(LIB)
	$(Q)rm -rf $(BUILD)/install-test
	$(Q)$(MAKE) --no-print-directory install PREFIX=$(CURDIR)/$(BUILD)/install-test >/dev/null
	$(Q)PREFIX=$(CURDIR)/$(BUILD)/install-test sh tests/install.sh
	$(Q)$(MAKE) --no-print-directory uninstall PREFIX=$(CURDIR)/$(BUILD)/install-test >/dev/null
	$(Q)if [ -n "$$(find $(BUILD)/install-test -type f)" ]; then \
		echo "install-test: make uninstall left files behind" >&2; exit 1; fi

# the committed images of tests/vectors/ (docs/FORMAT.md): this build still reads them
vectors-test: $(BIN)
	$(Q)HIBLAB=$(BIN) sh tests/vectors.sh

# scenarios/smoke.scn, the parser's bad inputs, --shard, merge and compare
scenario-test: $(BIN)
	$(Q)HIBLAB=$(BIN) sh tests/scenario.sh

# report.html of the smoke scenario in headless Chromium (make deps installs it)
report-test: $(BIN)
	$(Q)HIBLAB=$(BIN) sh tests/report.sh

# hiblab run scenarios/bench.scn, then its summary.md
bench: deps
	$(Q)$(MAKE) --no-print-directory $(BIN) $(LIM_BENCH)
	$(Q)HIBLAB=$(BIN) sh bench/bench.sh
	$(Q)HIBLAB=$(BIN) HIBLAB_BENCH=$(LIM_BENCH) sh bench/targets.sh

# In-process fuzz targets (tests/fuzz/README.md), built with clang's
# libFuzzer, ASan and UBSan in build/fuzz.  `make fuzz` runs each for
# FUZZ_SECONDS; fuzz-smoke replays the seeds and every kept regression, then
# fuzzes each target for a few seconds (part of `make test`).
FUZZ_BUILD ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 4
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_TARGETS:%=$(BUILD)/fuzz-%)
FUZZ_UTIL := $(BUILD)/obj/tests/fuzz/util.o

fuzz-bins: $(FUZZ_BINS)
.SECONDARY: $(FUZZ_TARGETS:%=$(BUILD)/obj/tests/fuzz/fuzz_%.o) $(FUZZ_UTIL)
$(BUILD)/fuzz-%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_UTIL) $(BENCH_LIB) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_UTIL) $(BENCH_LIB) $(LIB) $(LDLIBS)
-include $(FUZZ_TARGETS:%=$(BUILD)/obj/tests/fuzz/fuzz_%.d) $(FUZZ_UTIL:.o=.d)

fuzz:
	$(Q)$(MAKE) --no-print-directory SAN=fuzz CC=clang BUILD=$(FUZZ_BUILD) fuzz-bins
	$(Q)sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)
fuzz-smoke:
	$(Q)if command -v clang >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory SAN=fuzz CC=clang BUILD=$(FUZZ_BUILD) fuzz-bins && \
		FUZZ_SMOKE=1 sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS); \
	else echo "fuzz-smoke: clang is not installed: skipped"; fi

# the Debian package (debian/, docs/DEBIAN.md) into build/deb/, checked by
# lintian; installs the packaging tools and Build-Depends first
deb:
	$(Q)sh scripts/deps.sh deb
	$(Q)HIBLAB_COMMIT='$(COMMIT)' sh scripts/deb.sh

# make deb, then what the .deb holds, declares and runs (tests/deb.sh)
deb-test: deb
	$(Q)HIBLAB_COMMIT='$(COMMIT)' sh tests/deb.sh

# the long ones: every fault at several positions; a 64 GiB image
faults: $(BIN)
	$(Q)$(BIN) run scenarios/faults.scn
big: $(BIN)
	$(Q)$(BIN) run scenarios/big.scn

# The headers a program using libhiblab.a includes (<hiblab/engine.h>); the
# rest of core/ is private to the library.
PUBLIC_HEADERS := core/engine.h core/error.h core/format.h core/hash.h core/options.h core/plugin.h

install: $(BIN) $(LIB)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PCDIR) $(DESTDIR)$(INCDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PROFDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/hiblab
	install -m 0644 $(LIB) $(DESTDIR)$(LIBDIR)/libhiblab.a
	@# the pkg-config file names the libraries a program linking libhiblab.a needs
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@REQUIRES@|$(LIBS_PC)|' \
		hiblab.pc.in > $(DESTDIR)$(PCDIR)/hiblab.pc
	install -m 0644 $(PUBLIC_HEADERS) $(DESTDIR)$(INCDIR)/
	install -m 0644 docs/hiblab.1 $(DESTDIR)$(MANDIR)/man1/hiblab.1
	install -m 0644 sim/profiles/*.prof $(DESTDIR)$(PROFDIR)/
	install -d $(DESTDIR)$(ITDIR)/hooks $(DESTDIR)$(ITDIR)/scripts/local-premount
	install -m 0755 dist/initramfs-tools/hooks/hiblab $(DESTDIR)$(ITDIR)/hooks/hiblab
	install -m 0755 dist/initramfs-tools/scripts/local-premount/hiblab \
		$(DESTDIR)$(ITDIR)/scripts/local-premount/hiblab
	install -m 0644 dist/hibernate.conf $(DESTDIR)$(CONF_EXAMPLE)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/hiblab $(DESTDIR)$(LIBDIR)/libhiblab.a $(DESTDIR)$(PCDIR)/hiblab.pc \
		$(DESTDIR)$(MANDIR)/man1/hiblab.1
	rm -f $(DESTDIR)$(ITDIR)/hooks/hiblab $(DESTDIR)$(ITDIR)/scripts/local-premount/hiblab \
		$(DESTDIR)$(CONF_EXAMPLE)
	rm -rf $(DESTDIR)$(INCDIR) $(DESTDIR)$(PROFDIR)
	@# only where empty: on a system these hold other packages' files
	-rmdir $(DESTDIR)$(ITDIR)/scripts/local-premount $(DESTDIR)$(ITDIR)/scripts \
		$(DESTDIR)$(ITDIR)/hooks $(DESTDIR)$(ITDIR) 2>/dev/null
	-rmdir $(DESTDIR)$(PREFIX)/share/hiblab 2>/dev/null

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(BENCH_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
