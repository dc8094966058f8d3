#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# make-seed-map.sh CMAP DEMO-DATA-DIR OUT: the map harness's seed, a small real map (the demo's
# boundary, compounds, stations and teams; no buildings: fuzzing wants a small file), made by
# cmap itself so that it is always of the current format.
set -eu
cmap=$1 demo=$2 out=$3
rm -f "$out" "$out-wal" "$out-shm"
"$cmap" new "$out" >/dev/null
for layer in boundary compounds stations teams; do
  "$cmap" import "$out" "$demo/$layer.geojson" >/dev/null
done
