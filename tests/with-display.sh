#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# with-display.sh [--screen WxHxD] PROGRAM ARGS…: runs a window test under a virtual display
# (xvfb-run; 1400x900x24 unless told). Without xvfb-run the test fails, saying so, rather than
# being left out of the summary.
screen=1400x900x24
if [ "$1" = --screen ]; then
  screen=$2
  shift 2
fi
if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "Bail out! xvfb-run is missing (Debian packages xvfb and xauth): make test-deps installs it"
  exit 1
fi
exec xvfb-run -a -s "-screen 0 $screen" "$@"
