# The two commands a newcomer runs on a fresh Debian 12 machine:
#   make run    installs what is missing, builds, opens the demo map
#   make test   installs what is missing, builds, runs every test
# Everything else is meson; see README.md.

BUILD ?= build

# To build and run.
BUILD_PACKAGES = gcc libc6-dev pkg-config meson ninja-build gettext \
	libglib2.0-dev libsqlite3-dev libspatialite-dev libgeos-dev libyajl-dev libjson-glib-dev \
	libcairo2-dev libpango1.0-dev fonts-noto-cjk \
	libgtk-4-dev libadwaita-1-dev libshumate-dev dconf-gsettings-backend
# To test: the real clients the tests check our files with, and valgrind.
TEST_PACKAGES = gdal-bin spatialite-bin sqlite3 valgrind python3 poppler-utils xvfb xauth
# To run the benchmarks (bench/README.md).
BENCH_PACKAGES = gdal-bin hyperfine time bc

.PHONY: all run test bench deps test-deps bench-deps build clean

all: build

deps:
	@build-aux/install-deps.sh $(BUILD_PACKAGES)

test-deps: deps
	@build-aux/install-deps.sh $(TEST_PACKAGES)

bench-deps: deps
	@build-aux/install-deps.sh $(BENCH_PACKAGES)

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	meson compile -C $(BUILD)

# Until the map window exists (issue #3), the main job is `cmap info` of the demo map.
run: build
	@echo
	$(BUILD)/src/cli/cmap info $(BUILD)/data/demo.sqlite

test: test-deps build
	meson test -C $(BUILD) --print-errorlogs --num-processes 2

bench: bench-deps build
	meson test -C $(BUILD) --benchmark --verbose

clean:
	rm -rf $(BUILD)
