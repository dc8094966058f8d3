# SPDX-License-Identifier: GPL-3.0-or-later
# The two commands a newcomer runs on a fresh Debian 12 machine:
#   make run    installs what is missing, builds, opens the demo map
#   make test   installs what is missing, builds, runs every test
# Everything else is meson; see README.md.

BUILD ?= build

# To build and run.
BUILD_PACKAGES = gcc libc6-dev pkg-config meson ninja-build gettext \
	libglib2.0-dev libsqlite3-dev libspatialite-dev libproj-dev libgeos-dev libyajl-dev libjson-glib-dev zlib1g-dev libxlsxwriter-dev \
	libcairo2-dev libpango1.0-dev librsvg2-dev fonts-noto-cjk \
	libgtk-4-dev libgdk-pixbuf-2.0-dev libadwaita-1-dev libshumate-dev dconf-gsettings-backend libpq-dev
# To test: the real clients the tests check our files with, valgrind, and a PostgreSQL + PostGIS
# server (tests/pg-cluster.sh starts a throwaway cluster of its own).
TEST_PACKAGES = gdal-bin spatialite-bin sqlite3 valgrind python3 python3-openpyxl poppler-utils xvfb xauth xdotool faketime \
	desktop-file-utils appstream flatpak-builder postgresql-15-postgis-3
# To fuzz (tests/fuzz/README.md): clang with libFuzzer and the sanitizers.
FUZZ_PACKAGES = clang-14 libclang-rt-14-dev
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_HARNESSES = geojson map tables mbtiles photo
# To run the benchmarks (bench/README.md).
BENCH_PACKAGES = gdal-bin hyperfine time bc qgis

.PHONY: all run test test-asan bench mutants fuzz deps test-deps bench-deps fuzz-deps build clean

all: build

deps:
	@build-aux/install-deps.sh $(BUILD_PACKAGES)

test-deps: deps
	@build-aux/install-deps.sh $(TEST_PACKAGES)

bench-deps: deps
	@build-aux/install-deps.sh $(BENCH_PACKAGES)

fuzz-deps: test-deps
	@build-aux/install-deps.sh $(FUZZ_PACKAGES)

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	meson compile -C $(BUILD)

# The window on the demo map (or the last map opened). With no display, say so and show
# `cmap info` of the demo map instead.
RUN_ENV = GSETTINGS_SCHEMA_DIR=$(BUILD)/data CM_DEMO_MAP=$(BUILD)/data/demo.sqlite \
	CM_LOCALEDIR=$(BUILD)/po

run: build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  $(RUN_ENV) $(BUILD)/src/app/community-map $(BUILD)/data/demo.sqlite; \
	else \
	  echo "No display (neither DISPLAY nor WAYLAND_DISPLAY is set): showing the demo map with cmap info."; \
	  echo "Run 'make run' in a desktop session to open the window."; \
	  $(BUILD)/src/cli/cmap info $(BUILD)/data/demo.sqlite; \
	fi

test: test-deps build
	meson test -C $(BUILD) --print-errorlogs --num-processes 2

# Every test under AddressSanitizer and UndefinedBehaviorSanitizer, in a build of its own
# (build-asan); the valgrind runs are left out (valgrind and ASan do not mix). Leaks of libraries
# we do not own are suppressed in tests/lsan.supp, each with why. Slow: test-merge's 200 seeded
# runs alone take over 15 minutes under the sanitizers on two cores.
ASAN_BUILD ?= build-asan
# The windows draw with GTK's cairo renderer and no OpenGL (GDK_DEBUG=gl-disable): Mesa's
# llvmpipe, a library we do not own, allocates from its JIT code, which LeakSanitizer cannot
# name, and its registered unwind tables deadlock ASan's full unwinder (fast_unwind_on_malloc=0,
# which gives the whole stack of each leak). make test draws with GL as a laptop does.
# verify_asan_link_order=0: test-cli runs cmap under faketime, whose library is preloaded
# before ASan's runtime.
test-asan: test-deps
	@[ -f $(ASAN_BUILD)/build.ninja ] || meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false
	meson compile -C $(ASAN_BUILD)
	GDK_DEBUG=gl-disable GSK_RENDERER=cairo CM_TEST_WAIT_SCALE=4 \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0:verify_asan_link_order=0 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C $(ASAN_BUILD) --print-errorlogs --num-processes 2 --no-suite memcheck \
		--timeout-multiplier 10

# One-line bugs put into a scratch copy, one at a time: every one must make a test fail
# (tests/mutants.txt; about a minute each; not part of make test).
mutants: test-deps build
	tests/mutants.sh

# Every libFuzzer harness of tests/fuzz for FUZZ_SECONDS each (make fuzz FUZZ_SECONDS=3600), in a
# clang build of its own with ASan and UBSan; what it finds is listed (tests/fuzz/run-fuzz.sh).
fuzz: fuzz-deps
	@[ -f $(FUZZ_BUILD)/build.ninja ] || CC=clang-14 meson setup $(FUZZ_BUILD) -Dfuzzing=true \
		-Db_sanitize=address,undefined -Db_lundef=false
	ninja -C $(FUZZ_BUILD) $(addprefix tests/fuzz/fuzz-,$(FUZZ_HARNESSES)) tests/fuzz/seed-map.sqlite
	tests/fuzz/run-fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: bench-deps build
	meson test -C $(BUILD) --benchmark --verbose

clean:
	rm -rf $(BUILD)
