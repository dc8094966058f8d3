#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the demo community map from the GeoJSON beside this script.
# Usage: build-demo.sh CMAP SOURCE_DIR OUTPUT
set -eu
cmap=$1 src=$2 out=$3
tmp="$out.building"
rm -f "$tmp" "$tmp-wal" "$tmp-shm"
"$cmap" new "$tmp" --name "清华园示例社区 (demo)" >/dev/null
"$cmap" import "$tmp" "$src/buildings.geojson" --layer buildings >/dev/null
"$cmap" import "$tmp" "$src/roads.geojson" --layer paths >/dev/null
"$cmap" import "$tmp" "$src/pois.geojson" --layer resources >/dev/null
"$cmap" import "$tmp" "$src/stations.geojson" --layer stations >/dev/null
"$cmap" import "$tmp" "$src/teams.geojson" --layer teams >/dev/null
"$cmap" import "$tmp" "$src/boundary.geojson" --layer boundary >/dev/null
"$cmap" import "$tmp" "$src/compounds.geojson" --layer compounds >/dev/null
# residents' reports with their follow-ups (invented), for the Reports list and the agenda
"$cmap" import "$tmp" "$src/reports.geojson" --layer reports >/dev/null
# who took them: the stations by name, as a station's own list would say (invented)
"$cmap" join "$tmp" "$src/reports-responsible.csv" --layer reports --key 编号=source_id >/dev/null
# households and residents of the homes, as a residents' committee keeps them (invented)
"$cmap" join "$tmp" "$src/households.csv" --layer buildings --key 楼栋编号=source_id >/dev/null
"$cmap" check "$tmp" >/dev/null
mv "$tmp" "$out"
