#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test-interop.sh: the map file is real SpatiaLite. ogrinfo lists each layer with the right
# feature count and geometry type; spatialite answers CheckSpatialIndex() = 1 for every geometry
# column; ogr2ogr appends a feature to resources and cmap then reads it; edits made with GDAL
# and spatialite on two copies are merged.
set -euo pipefail
: "${CMAP:?}" "${CM_SHARED_DATA:?}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
map="$dir/porto.sqlite"
n=0
fail() { echo "not ok - $*"; exit 1; }
ok() { n=$((n + 1)); echo "ok $n - $*"; }

"$CMAP" new "$map" --name Porto >/dev/null
for layer in buildings roads pois; do
  "$CMAP" import "$map" "$CM_SHARED_DATA/porto-centro/$layer.geojson" >/dev/null
done

check_layer() { # table count geometry-type
  local out
  out=$(ogrinfo -ro -so "$map" "$1")
  grep -q "^Feature Count: $2\$" <<<"$out" || fail "ogrinfo $1: $(grep 'Feature Count' <<<"$out")"
  grep -q "^Geometry: $3\$" <<<"$out" || fail "ogrinfo $1: $(grep '^Geometry' <<<"$out")"
  ok "ogrinfo: $1 has $2 features of type $3"
}
check_layer buildings 11404 "Multi Polygon"
check_layer paths 3462 "Multi Line String"
check_layer resources 5096 "Unknown (any)"
check_layer stations 0 "Point"
check_layer teams 0 "Multi Polygon"
check_layer boundary 0 "Multi Polygon"
check_layer barriers 0 "Multi Line String"
check_layer compounds 0 "Multi Polygon"

# the layers' own fields, as GDAL sees them
ogrinfo -ro -so "$map" stations | grep -q '^service_radius_m: Real' || fail "ogrinfo: stations lack service_radius_m"
ogrinfo -ro -so "$map" stations | grep -q '^opening_hours: String' || fail "ogrinfo: stations lack opening_hours"
ogrinfo -ro -so "$map" buildings | grep -q '^households: Integer' || fail "ogrinfo: buildings lack households"
ogrinfo -ro -so "$map" buildings | grep -q '^building_head: String' || fail "ogrinfo: buildings lack building_head"
ogrinfo -ro -so "$map" reports | grep -q '^status: String' || fail "ogrinfo: reports lack status"
ogrinfo -ro -so "$map" reports | grep -q '^urgent: Integer' || fail "ogrinfo: reports lack urgent"
ok "ogrinfo: stations, buildings and reports have their own fields with their types"

# ogrinfo sees the tags, uuid and category columns as fields
ogrinfo -ro -so "$map" resources | grep -q '^tags: String' || fail "ogrinfo: no tags field"
ogrinfo -ro -so "$map" resources | grep -q '^uuid: String' || fail "ogrinfo: no uuid field"
ok "ogrinfo: resources has uuid and tags fields"

# spatialite: CheckSpatialIndex() = 1 for every geometry column (all nine: none skipped)
sqlite3 "$map" "SELECT f_table_name, f_geometry_column FROM geometry_columns ORDER BY 1" >"$dir/columns" \
  || fail "sqlite3 could not list the geometry columns"
checked=0
while IFS='|' read -r table column; do
  r=$(spatialite -silent "$map" "SELECT CheckSpatialIndex('$table', '$column');" 2>/dev/null | tail -n 1)
  [ "$r" = 1 ] || fail "CheckSpatialIndex($table, $column) = '$r'"
  checked=$((checked + 1))
  ok "spatialite: CheckSpatialIndex('$table', '$column') = 1"
done <"$dir/columns"
[ "$checked" = 9 ] || fail "CheckSpatialIndex checked $checked geometry columns, not the map's 9"

# ogr2ogr appends a feature to resources; cmap reads it
cat > "$dir/new.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[-8.6100001,41.1450002]},
 "properties":{"name":"Posto de saúde do bairro","category":"health_station"}}]}
JSON
ogr2ogr -append -update -f SQLite "$map" "$dir/new.geojson" -nln resources
count=$("$CMAP" info "$map" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["layers"]["resources"]["count"])')
[ "$count" = 5097 ] || fail "after ogr2ogr -append, cmap counts $count resources"
ok "ogr2ogr -append: cmap info counts 5097 resources"
"$CMAP" export "$map" --layer resources | grep -q '"coordinates":\[-8.6100001,41.1450002\].*"name":"Posto de saúde do bairro"' \
  || fail "cmap export does not show the appended feature"
uuid=$(sqlite3 "$map" "SELECT uuid FROM resources WHERE name = 'Posto de saúde do bairro'")
[[ "$uuid" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] || fail "uuid '$uuid'"
ok "the appended feature got a UUID v4 from the column default: $uuid"
"$CMAP" check "$map" >/dev/null || fail "cmap check after ogr2ogr -append"
ok "cmap check passes after ogr2ogr -append"

# what other programs write is noted for versioning (docs/merge.md): ogr2ogr's new row as a whole,
# spatialite's rename and delete by their fields; the next session of ours gives them a version
# (cmap check above opened the map for writing: ogr2ogr's row has its version as a whole)
[ "$(sqlite3 "$map" "SELECT count(*) FROM cm_versions WHERE uuid = '$uuid' AND field = ''")" = 1 ] || fail "ogr2ogr's row has no version"
gone=$(sqlite3 "$map" "SELECT uuid FROM resources WHERE id = 1")
spatialite -silent "$map" "UPDATE resources SET name = 'Centro de saúde', geom = MakePoint(-8.61, 41.146, 4326) WHERE uuid = '$uuid'; DELETE FROM resources WHERE uuid = '$gone';" >/dev/null 2>&1 \
  || fail "spatialite cannot write to the map"
noted=$(sqlite3 "$map" "SELECT group_concat(field, ',') FROM (SELECT field FROM cm_pending WHERE uuid IN ('$uuid', '$gone') ORDER BY uuid = '$gone', field)")
[ "$noted" = "geom,name,deleted" ] || fail "spatialite's writes noted as '$noted'"
ok "ogr2ogr's appended row versioned as a whole when cmap opened the map; spatialite's rename, move and delete noted in cm_pending"
printf '{"type":"Feature","geometry":{"type":"Point","coordinates":[-8.6,41.15]},"properties":{"name":"x"}}\n' >"$dir/one.geojson"
"$CMAP" import "$map" "$dir/one.geojson" --layer resources >/dev/null || fail "cmap import after spatialite"
[ "$(sqlite3 "$map" "SELECT count(*) FROM cm_pending")" = 0 ] || fail "cmap's session left writes without a version"
site=$(sqlite3 "$map" "SELECT site FROM cm_versions WHERE uuid = '$uuid' AND field = 'name'")
[ "$(sqlite3 "$map" "SELECT count(*) FROM cm_versions WHERE uuid = '$gone' AND field = 'deleted' AND site = '$site'")" = 1 ] \
  || fail "the row spatialite deleted has no tombstone version"
[ "$(sqlite3 "$map" "SELECT count(*) FROM cm_clock WHERE site = '$site'")" = 1 ] || fail "the clock lacks the session"
"$CMAP" check "$map" >/dev/null || fail "cmap check after spatialite"
ok "the next cmap session versions them (the deleted row as a tombstone by its uuid); cmap check passes"
# edits made by GDAL on one copy are merged (docs/merge.md): two byte-identical copies; on B,
# ogr2ogr -update -append adds a feature and ogrinfo's SQL renames one and DELETEs another; on
# A, spatialite moves a third. Merged both ways with cmap (no cmap session opened B before):
# both copies hold all four edits, the deleted row as a tombstone, with no conflict.
cp "$map" "$dir/a.sqlite"; cp "$map" "$dir/b.sqlite"
mapfile -t r < <(sqlite3 "$map" "SELECT uuid FROM resources WHERE deleted = 0 ORDER BY id LIMIT 3")
cat > "$dir/b-new.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[-8.612,41.147]},
 "properties":{"name":"Horta comunitária","category":"other"}}]}
JSON
ogr2ogr -update -append -f SQLite "$dir/b.sqlite" "$dir/b-new.geojson" -nln resources
ogrinfo -q "$dir/b.sqlite" -sql "UPDATE resources SET name = 'Renomeado com o GDAL' WHERE uuid = '${r[0]}'" >/dev/null
ogrinfo -q "$dir/b.sqlite" -sql "DELETE FROM resources WHERE uuid = '${r[1]}'" >/dev/null
spatialite -silent "$dir/a.sqlite" "UPDATE resources SET geom = MakePoint(-8.6111, 41.1411, 4326) WHERE uuid = '${r[2]}';" >/dev/null 2>&1 \
  || fail "spatialite cannot write to copy A"
sha_b=$(sha256sum <"$dir/b.sqlite")
"$CMAP" merge "$dir/a.sqlite" "$dir/b.sqlite" --json >"$dir/merged.json" || fail "cmap merge of GDAL's edits"
python3 - "$dir/merged.json" <<'PY' || fail "merge of GDAL's edits: $(cat "$dir/merged.json")"
import json, sys
t = json.load(open(sys.argv[1]))['merged'][0]['tables']['resources']
assert (t['added'], t['changed'], t['deleted'], t['conflicts']) == (1, 1, 1, 0), t
PY
[ "$(sha256sum <"$dir/b.sqlite")" = "$sha_b" ] || fail "the merge wrote to the other copy"
"$CMAP" merge "$dir/b.sqlite" "$dir/a.sqlite" >/dev/null || fail "cmap merge back into B"
for m in a b; do
  got=$(spatialite -silent "$dir/$m.sqlite" "SELECT (SELECT name FROM resources WHERE uuid = '${r[0]}'), (SELECT count(*) FROM resources WHERE uuid = '${r[1]}' AND deleted = 0), (SELECT count(*) FROM resources WHERE name = 'Horta comunitária' AND deleted = 0), (SELECT round(X(geom), 4) || ' ' || round(Y(geom), 4) FROM resources WHERE uuid = '${r[2]}'), (SELECT count(*) FROM cm_conflicts);" 2>/dev/null | tail -n 1)
  [ "$got" = "Renomeado com o GDAL|0|1|-8.6111 41.1411|0" ] || fail "copy $m after merging GDAL's edits: $got"
  "$CMAP" check "$dir/$m.sqlite" >/dev/null || fail "cmap check of copy $m"
done
ok "GDAL's edits on one copy (ogr2ogr -update -append, ogrinfo SQL UPDATE and DELETE) and spatialite's on the other merge both ways: each copy holds all four, the deleted row a tombstone, no conflict"

echo "1..$n"
