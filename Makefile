# aimx: one static musl multicall binary. `make` builds ./aimx, `make check` tests it.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man

DEPS     = build/deps
MUSL_CC ?= musl-gcc
HOST_CC ?= gcc

# build/gen/build_version.h is rewritten only when the tag or commit changes.
VERSION_STAMP := $(shell scripts/mkversion build/gen/build_version.h)

WARN     = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wno-format-nonliteral
CSTD     = -std=c11 -D_GNU_SOURCE
INCS     = -I. -Ilib -Ibuild/gen -I$(DEPS)/include
LIBS     = -lbearssl -lmd4c -lcjson -linih -lsodium

MUSL_CFLAGS = $(CSTD) $(WARN) -Os -fno-strict-aliasing -ffunction-sections -fdata-sections $(INCS)
MUSL_LDFLAGS = -static -Wl,--gc-sections -s -L$(DEPS)/lib
ASAN_CFLAGS = $(CSTD) $(WARN) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=all $(INCS)
ASAN_LDFLAGS = -fsanitize=address,undefined -Wl,--gc-sections -L$(DEPS)/asan/lib

LIB_SRC     := $(sort $(wildcard lib/*/*.c))
APPLET_SRC  := $(sort $(wildcard applets/*.c))
UNIT_SRC    := $(sort $(wildcard tests/unit/*.c))
TOOL_SRC    := $(sort $(wildcard tests/tools/*.c))
FUZZ_SRC    := $(sort $(wildcard tests/fuzz/*.c))
FUZZ_SUPPORT_SRC := $(sort $(wildcard tests/fuzz/support/*.c))
TOOLS       := $(TOOL_SRC:tests/tools/%.c=build/tools/%)
APPLETS     := $(basename $(notdir $(APPLET_SRC)))
FUZZERS     := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

MUSL_LIB_OBJ    := $(LIB_SRC:%.c=build/musl/%.o)
MUSL_APPLET_OBJ := $(APPLET_SRC:%.c=build/musl/%.o)
ASAN_LIB_OBJ    := $(LIB_SRC:%.c=build/asan/%.o)
MUSL_UNIT_OBJ   := $(UNIT_SRC:%.c=build/musl/%.o)
ASAN_UNIT_OBJ   := $(UNIT_SRC:%.c=build/asan/%.o)
MUSL_FUZZ_OBJ   := $(FUZZ_SRC:%.c=build/musl/%.o) $(FUZZ_SUPPORT_SRC:%.c=build/musl/%.o)
ASAN_FUZZ_OBJ   := $(FUZZ_SRC:%.c=build/asan/%.o) $(FUZZ_SUPPORT_SRC:%.c=build/asan/%.o)
FUZZ_LIB_OBJ    := $(LIB_SRC:%.c=build/fuzz/obj/%.o)

.PHONY: all deps bootstrap check layout unit fuzz fuzz-build fuzz-replay integration run install clean bench

all: aimx

bootstrap:
	scripts/bootstrap

deps: $(DEPS)/.built-v3

$(DEPS)/.built-v3: scripts/deps
	scripts/deps

build/gen/usage.h: scripts/mkusage $(APPLET_SRC)
	@mkdir -p build/gen
	scripts/mkusage $@ $(APPLET_SRC)

# The Public Suffix List (Debian's publicsuffix package), compiled in for DMARC.
PSL_DAT ?= /usr/share/publicsuffix/public_suffix_list.dat

build/mkpsl: scripts/mkpsl.c
	@mkdir -p build
	$(HOST_CC) -O2 -Wall -Wextra -Werror -o $@ $<

build/gen/psl_data.h: build/mkpsl $(PSL_DAT)
	@mkdir -p build/gen
	build/mkpsl $(PSL_DAT) $@.tmp && mv $@.tmp $@

build/musl/lib/trust/psl.o build/asan/lib/trust/psl.o build/fuzz/obj/lib/trust/psl.o: \
		build/gen/psl_data.h

# The service unit and OpenRC script setup installs, compiled in from scripts/.
build/gen/service_units.h: scripts/mkembed scripts/aimx.service scripts/aimx.openrc
	@mkdir -p build/gen && scripts/mkembed $@ scripts/aimx.service scripts/aimx.openrc
build/musl/lib/cli/service.o build/asan/lib/cli/service.o build/fuzz/obj/lib/cli/service.o: \
		build/gen/service_units.h

build/gen/unit_suites.h: $(UNIT_SRC)
	@mkdir -p build/gen
	{ echo '/* Generated from the unit test sources; do not edit. */'; \
	  sed -n 's/^void \(suite_[a-z0-9_]*\)(void)$$/SUITE(\1)/p' $(UNIT_SRC); } > $@.tmp && mv $@.tmp $@

build/musl/%.o: %.c | $(DEPS)/.built-v3 build/gen/usage.h build/gen/unit_suites.h
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(MUSL_CFLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: %.c | $(DEPS)/.built-v3 build/gen/usage.h build/gen/unit_suites.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(ASAN_CFLAGS) -MMD -MP -c $< -o $@

aimx: build/musl/aimx.o $(MUSL_APPLET_OBJ) $(MUSL_LIB_OBJ)
	$(MUSL_CC) $(MUSL_LDFLAGS) -o $@ $^ $(LIBS)

build/musl/libaimx.a: $(MUSL_LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# Test tools (tests/tools/*.c) link only the lib objects they use, from the archive.
build/tools/%: build/musl/tests/tools/%.o build/musl/libaimx.a
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(MUSL_LDFLAGS) -o $@ $^ $(LIBS)

# Bench helpers (bench/*.c), like the test tools.
build/bench/%: build/musl/bench/%.o build/musl/libaimx.a
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(MUSL_LDFLAGS) -o $@ $^ $(LIBS)

# The unit runner links the fuzz targets' check functions too (tests/fuzz/*.c without their
# libFuzzer entry point), so every `make unit` runs them.
build/unit-musl: $(MUSL_UNIT_OBJ) $(MUSL_FUZZ_OBJ) $(MUSL_LIB_OBJ)
	$(MUSL_CC) $(MUSL_LDFLAGS) -o $@ $^ $(LIBS)

build/unit-asan: $(ASAN_UNIT_OBJ) $(ASAN_FUZZ_OBJ) $(ASAN_LIB_OBJ)
	$(HOST_CC) $(ASAN_LDFLAGS) -o $@ $^ $(LIBS)

unit: build/unit-musl build/unit-asan
	cd tests/unit && ../../build/unit-musl
	cd tests/unit && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ../../build/unit-asan

# libFuzzer targets (tests/fuzz/README.md): build/fuzz/NAME from tests/fuzz/NAME.c, built with
# clang over a clang build of lib/. Not part of `make check`.
FUZZ_CC    ?= clang
FUZZ_SAN    = -fsanitize=fuzzer,address,undefined
FUZZ_CFLAGS = $(CSTD) $(WARN) -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -DFUZZ_LIBFUZZER $(INCS)

# `make fuzz` builds them and runs each for FUZZ_SECONDS (default 60), FUZZ_JOBS at a time
# (default 1), printing CPU seconds, executions, executions/s, coverage and findings per target;
# `make fuzz-build` only builds. scripts/bootstrap-fuzz installs clang.
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) scripts/fuzz-run $(FUZZ_TARGETS)

fuzz-build:
	@command -v $(FUZZ_CC) >/dev/null || { echo "$(FUZZ_CC) not found; run scripts/bootstrap-fuzz" >&2; exit 1; }
	$(MAKE) $(FUZZERS)

build/fuzz/obj/%.o: %.c | $(DEPS)/.built-v3 build/gen/usage.h build/gen/unit_suites.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

build/fuzz/libaimx.a: $(FUZZ_LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(FUZZERS): build/fuzz/%: build/fuzz/obj/tests/fuzz/%.o \
		$(FUZZ_SUPPORT_SRC:%.c=build/fuzz/obj/%.o) build/fuzz/libaimx.a
	$(FUZZ_CC) $(FUZZ_SAN) -Wl,--gc-sections -o $@ $^ -L$(DEPS)/asan/lib $(LIBS)

# Every corpus file and past crash reproducer through every fuzz target, in `make check`: the
# targets built with gcc's ASan/UBSan and tests/fuzz/replay/replay_main.c in libFuzzer's place
# (no clang, no new fuzzing; seconds).
REPLAYERS := $(FUZZ_SRC:tests/fuzz/%.c=build/replay/%)

build/replay/obj/%.o: %.c | $(DEPS)/.built-v3 build/gen/usage.h build/gen/unit_suites.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(ASAN_CFLAGS) -DFUZZ_LIBFUZZER -MMD -MP -c $< -o $@

$(REPLAYERS): build/replay/%: build/replay/obj/tests/fuzz/%.o \
		build/replay/obj/tests/fuzz/replay/replay_main.o \
		$(FUZZ_SUPPORT_SRC:%.c=build/replay/obj/%.o) $(ASAN_LIB_OBJ)
	$(HOST_CC) $(ASAN_LDFLAGS) -o $@ $^ $(LIBS)

fuzz-replay: $(REPLAYERS)
	@for t in $(FUZZ_SRC:tests/fuzz/%.c=%); do \
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		build/replay/$$t tests/fuzz/corpus/$$t tests/fuzz/crashes/$$t || exit 1; \
	done

# lib/README.md's folder rules: no upward include, no circle, names prefixed by their module.
layout: aimx
	scripts/check-layout

integration: aimx $(TOOLS)
	AIMX_BIN=$(CURDIR)/aimx /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration

check: bootstrap
	$(MAKE) deps
	$(MAKE) all
	$(MAKE) build/bench/dkim_verify build/bench/dkim_sign # built so that they cannot rot
	$(MAKE) layout
	$(MAKE) unit
	$(MAKE) fuzz-replay
	$(MAKE) integration

run: aimx
	./aimx serve --dev run

# Measurements (root; installs postfix for smtp-source). Not part of `make check`.
bench: aimx build/bench/dkim_verify build/bench/dkim_sign
	bench/inbound
	bench/control
	bench/dkim
	bench/send
	bench/mcp

# The binary, one relative symlink aimx-APPLET per applet, and the man pages by section.
install: aimx
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8
	install -m 0755 aimx $(DESTDIR)$(BINDIR)/aimx
	for a in $(APPLETS); do ln -sf aimx $(DESTDIR)$(BINDIR)/aimx-$$a; done
	for s in 1 5 8; do install -m 0644 man/*.$$s $(DESTDIR)$(MANDIR)/man$$s/; done

clean:
	rm -rf build/musl build/asan build/fuzz build/gen build/tools build/bench build/mkpsl build/unit-musl \
		build/unit-asan aimx

-include $(shell find build/musl build/asan build/fuzz build/replay -name '*.d' 2>/dev/null)
