#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test-postgis.sh: cmap push and pull against a real PostgreSQL 15 + PostGIS 3 server, a
# throwaway cluster this test starts (tests/pg-cluster.sh) and stops. The demo map pushed:
# ogrinfo PG: shows every layer with its count; pulled back into a new map, every feature equal
# number by number; two communities pushed, one pulled, both pulled as a district, a box
# pulled; two pushes at once; a feature changed in two maps and pushed: one conflict, recorded
# on the server and reviewed after a pull; the server killed in the middle of a push: nothing
# half-written, and the retry completes; a read-only role pulls and is refused a push; a
# password on the command line is refused; a service name and sslmode work as libpq's.
set -euo pipefail
: "${CMAP:?}" "${DEMO_MAP:?}" "${CM_SHARED_DATA:?}" "${CM_TESTS_DIR:?}"
dir=$(mktemp -d)
source "$CM_TESTS_DIR/pg-cluster.sh"
trap 'pg_cluster_stop; rm -rf "$dir"' EXIT
n=0
fail() { echo "not ok - $*"; [ -f "${PG_LOG:-}" ] && tail -5 "$PG_LOG"; exit 1; }
ok() { n=$((n + 1)); echo "ok $n - $*"; }

pg_cluster_start "$dir"
pg_admin -c "CREATE ROLE planner LOGIN PASSWORD 'planner-pw'" \
  -c "CREATE ROLE reader LOGIN PASSWORD 'reader-pw'" -c "CREATE DATABASE city OWNER planner"
PG_ADMIN_DB=city pg_admin -c "CREATE EXTENSION postgis"
# the passwords where libpq looks for them, never on a command line
export PGPASSFILE=$dir/pgpass
printf '127.0.0.1:%s:*:planner:planner-pw\n127.0.0.1:%s:*:reader:reader-pw\n' "$PG_PORT" "$PG_PORT" >"$PGPASSFILE"
chmod 600 "$PGPASSFILE"
server="postgresql://planner@127.0.0.1:$PG_PORT/city"
reader="postgresql://reader@127.0.0.1:$PG_PORT/city"
ogr="PG:host=127.0.0.1 port=$PG_PORT dbname=city user=planner"
on_server() { PG_ADMIN_DB=city pg_admin -c "$1"; }
layers="resources stations teams buildings paths barriers boundary compounds reports"
count_in() { sqlite3 "$1" "SELECT count(*) FROM $2"; }

# ---- the demo map pushed: every layer in PostGIS, with its count, as GDAL sees it -------------
demo="$dir/demo.sqlite"
cp "$DEMO_MAP" "$demo"
# residents' reports with their timelines go to the server and come back (issue #18)
cat > "$dir/reports.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[116.3265,40.0033]},"properties":{"category":"broken_street_light","description":"路灯不亮","status":"acknowledged","urgent":true,"reported_at":"2026-11-20","timeline":[{"uuid":"5e0f6a53-8f43-4b6f-9a83-0a4c5a7e1001","at":"2026-11-21","who":"王社工","what":"已联系物业","status":"acknowledged","status_before":"reported"},{"uuid":"5e0f6a53-8f43-4b6f-9a83-0a4c5a7e1002","at":"2026-11-22","who":"5号楼居民","kind":"raised"}]}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[116.3275,40.0043]},"properties":{"category":"locked_gate","status":"resolved","reported_at":"2026-11-02","timeline":[{"uuid":"5e0f6a53-8f43-4b6f-9a83-0a4c5a7e1003","at":"2026-11-09","what":"已改为夜间开放","status":"resolved","status_before":"reported"}]}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[116.3285,40.0053]},"properties":{"category":"unsafe_spot","residents":4}}
]}
JSON
"$CMAP" import "$demo" "$dir/reports.geojson" --layer reports >/dev/null || fail "import of the reports"
"$CMAP" push "$demo" "$server" >"$dir/out" 2>&1 || fail "push of the demo map: $(cat "$dir/out")"
grep -q "made its schema community_map" "$dir/out" || fail "the first push did not say it made the schema: $(cat "$dir/out")"
grep -q "buildings: 626 added" "$dir/out" || fail "push said: $(cat "$dir/out")"
for layer in $layers; do
  want=$(count_in "$demo" "$layer")
  got=$(ogrinfo -ro -so "$ogr" "community_map.$layer" | sed -n 's/^Feature Count: //p')
  [ "$got" = "$want" ] || fail "ogrinfo PG: community_map.$layer has '$got' features, the map $want"
done
ogrinfo -ro -so "$ogr" community_map.buildings | grep -q '^Geometry: Multi Polygon$' || fail "buildings are not Multi Polygon in PostGIS"
ogrinfo -ro -so "$ogr" community_map.stations | grep -q '^service_radius_m: Real' || fail "stations lack service_radius_m in PostGIS"
[ "$(on_server "SELECT count(*) FROM pg_indexes WHERE schemaname = 'community_map' AND indexdef LIKE '%USING gist%'")" = 9 ] \
  || fail "not every layer has a GiST index: $(on_server "SELECT string_agg(indexname, ' ') FROM pg_indexes WHERE schemaname = 'community_map' AND indexdef LIKE '%USING gist%'")"
# every index the schema makes is there after the first push (it builds those of empty tables
# after their rows), each valid
want_indexes=$(cat "$CM_SOURCE_ROOT"/data/postgis/0*.sql | grep -cE '^CREATE (UNIQUE )?INDEX')
[ "$(on_server "SELECT count(*) FROM pg_indexes WHERE schemaname = 'community_map' AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'")" = "$want_indexes" ] \
  || fail "not every index of the schema is there after the push: $(on_server "SELECT string_agg(indexname, ' ') FROM pg_indexes WHERE schemaname = 'community_map'")"
[ "$(on_server "SELECT count(*) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'community_map' AND NOT x.indisvalid")" = 0 ] \
  || fail "an index of the server is not valid"
# the keys compared byte by byte, whatever the database's collation (schema 3)
not_c_keys="SELECT string_agg(c.relname || '.' || a.attname, ' ') FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'community_map' AND c.relkind = 'r' AND a.attname IN ('uuid', 'community', 'layer', 'field', 'site') AND a.attcollation <> (SELECT oid FROM pg_collation WHERE collname = 'C') AND c.relname NOT IN ('kinds')"
[ "$(on_server "$not_c_keys")" = "" ] || fail "keys not compared byte by byte: $(on_server "$not_c_keys")"
# their keys too (an empty table's are dropped during its first rows and made again)
[ "$(on_server "SELECT string_agg(tablename, ' ') FROM pg_tables t WHERE schemaname = 'community_map' AND tablename <> 'cm_schema' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = ('community_map.' || quote_ident(t.tablename))::regclass AND c.contype = 'p')")" = "" ] \
  || fail "tables without their primary key after the push"
[ "$(on_server "SELECT DISTINCT community FROM community_map.buildings")" = "$(sqlite3 "$demo" "SELECT value FROM cm_meta WHERE key = 'name'")" ] \
  || fail "the buildings do not belong to the map's community"
[ "$(on_server "SELECT count(*) FROM community_map.report_followups")" = "$(count_in "$demo" report_followups)" ] \
  || fail "the reports' timelines did not reach the server"
ok "push: ogrinfo PG: shows the 9 layers with the demo map's counts (its 7 reports and 3 more, their follow-ups), GiST indexes, the map's community"

"$CMAP" push "$demo" "$server" | grep -q "nothing new" || fail "a second push of the same map was not 'nothing new'"
"$CMAP" push "$demo" "$server" --json | python3 -c 'import json, sys; d = json.load(sys.stdin); assert d["nothing_new"] and d["rows_exchanged"] == 0 and not d["created_schema"], d' \
  || fail "push --json of a map the server has"
ok "push again: nothing new, nothing sent"

# ---- pulled back into a new map: the same features, number by number --------------------------
"$CMAP" pull "$server" "$dir/back.sqlite" --json >"$dir/out" 2>&1 || fail "pull: $(cat "$dir/out")"
# the demo's 1,793 features and 5 follow-ups, the 3 reports added and their 3 follow-ups
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["rows_exchanged"] == 1793 + 5 + 3 + 3 and d["tables"]["buildings"]["added"] == 626, d' "$dir/out" \
  || fail "pull --json said: $(cat "$dir/out")"
# written under a rollback journal (a new map), then back to WAL like every map
[ "$(sqlite3 "$dir/back.sqlite" "PRAGMA journal_mode")" = wal ] || fail "the pulled map was left out of WAL mode"
[ ! -e "$dir/back.sqlite-journal" ] || fail "the pulled map's rollback journal was left behind"
"$CMAP" export "$demo" -o "$dir/a.geojson" 2>/dev/null
"$CMAP" export "$dir/back.sqlite" -o "$dir/b.geojson" 2>/dev/null
same=$(python3 "$CM_TESTS_DIR/same-features.py" "$dir/a.geojson" "$dir/b.geojson") || fail "pulled map differs: $same"
[ "$same" = "$(sqlite3 "$demo" "SELECT (SELECT count(*) FROM resources) + (SELECT count(*) FROM stations) + (SELECT count(*) FROM teams) + (SELECT count(*) FROM buildings) + (SELECT count(*) FROM paths) + (SELECT count(*) FROM barriers) + (SELECT count(*) FROM boundary) + (SELECT count(*) FROM compounds) + (SELECT count(*) FROM reports)")" ] \
  || fail "the export compared $same features"
for t in kinds categories cm_versions cm_clock report_followups; do
  [ "$(count_in "$demo" "$t")" = "$(count_in "$dir/back.sqlite" "$t")" ] || fail "$t: $(count_in "$demo" "$t") pushed, $(count_in "$dir/back.sqlite" "$t") pulled"
done
"$CMAP" pull "$server" "$dir/back.sqlite" | grep -q "nothing new" || fail "a second pull was not 'nothing new'"
# the geometries byte for byte, the spatial indexes sound (the new features are written in bulk)
for layer in $layers; do
  [ "$(sqlite3 "$demo" "ATTACH '$dir/back.sqlite' AS b; SELECT count(*) FROM $layer m JOIN b.$layer p USING (uuid) WHERE m.geom IS NOT p.geom")" = 0 ] \
    || fail "pulled $layer geometries differ from the pushed ones, byte for byte"
  [ "$(spatialite -silent "$dir/back.sqlite" "SELECT CheckSpatialIndex('$layer', 'geom')" 2>/dev/null | tail -n 1)" = 1 ] \
    || fail "the pulled map's spatial index of $layer is not sound"
done
"$CMAP" check "$dir/back.sqlite" >/dev/null || fail "cmap check of the pulled map"
ok "pull into a new map: cmap export equal to the original's, feature by feature ($same), versions and clock too, geometries byte for byte, spatial indexes sound"

# ---- a map holding a damaged geometry: its push refused, nothing written ----------------------
# damage BLOB_OF MAP: the polygon's first ring in MAP's bytes claims 0xFFFFFFFF points (byte 47:
# SpatiaLite's header of 39, the class, the rings), as a damaged file holds it
damage() {
  python3 - "$@" <<'PY' || fail "could not damage the geometry"
import sqlite3, sys
path, uuid = sys.argv[1:]
db = sqlite3.connect(path)
blob = db.execute("SELECT geom FROM buildings WHERE uuid = ?", (uuid,)).fetchone()[0]
db.close()
data = bytearray(open(path, "rb").read())
at = data.find(blob)
assert at >= 0, "the geometry is not in the file"
while at >= 0:
    data[at + 47:at + 51] = b"\xff\xff\xff\xff"
    at = data.find(blob, at + 1)
open(path, "wb").write(data)
PY
}
server_state() { on_server "SELECT (SELECT count(*) FROM community_map.buildings) || ' ' || (SELECT string_agg(site || counter, ',' ORDER BY site) FROM community_map.cm_clock) || ' ' || (SELECT count(*) FROM community_map.cm_versions)"; }
cat > "$dir/one.geojson" <<'JSON'
{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"损坏的楼"},"geometry":{"type":"Polygon","coordinates":[[[116.3261,40.0031],[116.3263,40.0031],[116.3263,40.0033],[116.3261,40.0031]]]}}]}
JSON
before=$(server_state)
# a map the server has never seen (all of it new), one the server has (a new feature), and a
# feature the server holds, changed here (the merge reads it)
"$CMAP" new "$dir/stranger.sqlite" --name 陌生社区 >/dev/null
"$CMAP" import "$dir/stranger.sqlite" "$dir/one.geojson" --layer buildings >/dev/null
cp "$demo" "$dir/new-feature.sqlite"
"$CMAP" import "$dir/new-feature.sqlite" "$dir/one.geojson" --layer buildings >/dev/null
cp "$demo" "$dir/held.sqlite"
held=$(sqlite3 "$demo" "SELECT uuid FROM buildings ORDER BY uuid LIMIT 1")
sqlite3 "$dir/held.sqlite" "UPDATE buildings SET name = '改过的楼' WHERE uuid = '$held'"  # versioned by the push, as an edit of another program
for case in stranger new-feature held; do
  map="$dir/$case.sqlite"
  uuid=$held
  [ "$case" = held ] || uuid=$(sqlite3 "$map" "SELECT uuid FROM buildings WHERE name = '损坏的楼'")
  damage "$map" "$uuid"
  "$CMAP" push "$map" "$server" >"$dir/out" 2>&1 && fail "$case: a map with a damaged geometry was pushed"
  grep -q "damaged geometries" "$dir/out" || fail "$case: the refusal did not say why: $(cat "$dir/out")"
  grep -q "cmap check" "$dir/out" || fail "$case: the refusal did not say what to do: $(cat "$dir/out")"
  [ "$(server_state)" = "$before" ] || fail "$case: the refused push changed the server: $before → $(server_state)"
done
ok "a damaged geometry refuses the push, saying why and what to do, and the server is unchanged: in a map the server never saw, in a feature new to it, in a feature it holds"

# ---- a second community; one pulled, both as a district, a box -------------------------------
porto="$dir/porto.sqlite"
"$CMAP" new "$porto" --name Porto >/dev/null
for layer in buildings roads pois; do "$CMAP" import "$porto" "$CM_SHARED_DATA/porto-centro/$layer.geojson" >/dev/null; done
# one building deleted (as another program would: versioned when the push opens the map): it
# goes to the server as deleted, and is not counted as added
sqlite3 "$porto" "UPDATE buildings SET deleted = 1 WHERE id = 1"
"$CMAP" push "$porto" "$server" >"$dir/out" 2>&1 || fail "push of Porto: $(cat "$dir/out")"
grep -q "buildings: 11403 added" "$dir/out" || fail "push of Porto said: $(cat "$dir/out")"
[ "$(on_server "SELECT count(*) FROM community_map.buildings WHERE community = 'Porto' AND deleted = 1")" = 1 ] \
  || fail "the deleted building did not reach the server as deleted"
demo_name=$(sqlite3 "$demo" "SELECT value FROM cm_meta WHERE key = 'name'")
"$CMAP" pull "$server" "$dir/one.sqlite" --community Porto >/dev/null || fail "pull --community Porto"
[ "$(count_in "$dir/one.sqlite" buildings)" = 11404 ] && [ "$(count_in "$dir/one.sqlite" stations)" = 0 ] \
  || fail "--community Porto brought $(count_in "$dir/one.sqlite" buildings) buildings, $(count_in "$dir/one.sqlite" stations) stations"
"$CMAP" pull "$server" "$dir/district.sqlite" --community Porto --community "$demo_name" >/dev/null || fail "district pull"
for layer in buildings paths resources stations; do
  want=$(($(count_in "$demo" "$layer") + $(count_in "$porto" "$layer")))
  [ "$(count_in "$dir/district.sqlite" "$layer")" = "$want" ] || fail "district $layer: $(count_in "$dir/district.sqlite" "$layer"), want $want"
done
# the demo's box: the demo community only (Porto is 8,000 km away)
"$CMAP" pull "$server" "$dir/box.sqlite" --bbox 116.30,39.99,116.34,40.02 >/dev/null || fail "pull --bbox"
[ "$(count_in "$dir/box.sqlite" buildings)" = 626 ] || fail "--bbox brought $(count_in "$dir/box.sqlite" buildings) buildings, not the demo's 626"
ok "two communities pushed (Porto's deleted building not counted as added): one pulled (11404 buildings), a district with both, a box with the demo's only"

# a map holding part of the server's map meets other copies only through it
"$CMAP" pull "$server" "$dir/part.sqlite" --community "$demo_name" >/dev/null || fail "pull --community $demo_name"
# the reports of that community come with their timelines; Porto's box brings none of either
[ "$(count_in "$dir/part.sqlite" reports)" = "$(count_in "$demo" reports)" ] &&
  [ "$(count_in "$dir/part.sqlite" report_followups)" = "$(count_in "$demo" report_followups)" ] \
  || fail "pull --community: $(count_in "$dir/part.sqlite" reports) reports, $(count_in "$dir/part.sqlite" report_followups) follow-ups"
[ "$(count_in "$dir/one.sqlite" report_followups)" = 0 ] || fail "Porto's pull brought the demo's follow-ups"
if "$CMAP" merge "$dir/back.sqlite" "$dir/part.sqlite" 2>"$dir/err"; then fail "a part of the server's map was merged"; fi
grep -q "only part of a server's map" "$dir/err" || fail "merge of a part said: $(cat "$dir/err")"
if "$CMAP" merge "$dir/part.sqlite" "$dir/back.sqlite" 2>"$dir/err"; then fail "a copy was merged into a part of the server's map"; fi
grep -q "only part of a server's map" "$dir/err" || fail "merge into a part said: $(cat "$dir/err")"
"$CMAP" pull "$server" "$dir/part.sqlite" >/dev/null
"$CMAP" merge "$dir/back.sqlite" "$dir/part.sqlite" >/dev/null || fail "a map pulled whole could not be merged"
ok "a map with part of the server's map is refused by cmap merge, saying why; pulled whole, it merges"

# a box's map: a feature that enters the box arrives whole with its versions as the server has
# them (its other fields' versions the map had "seen" without holding it); one that leaves the
# box, held by the map, still comes up to date
enters=$(sqlite3 "$porto" "SELECT uuid FROM buildings WHERE name IS NOT NULL ORDER BY uuid LIMIT 1")
leaves=$(sqlite3 "$demo" "SELECT uuid FROM buildings ORDER BY uuid LIMIT 1")
spatialite -silent "$porto" "UPDATE buildings SET geom = GeomFromText('MULTIPOLYGON(((116.3100 40.0000, 116.3102 40.0000, 116.3102 40.0002, 116.3100 40.0000)))', 4326) WHERE uuid = '$enters'" >/dev/null
spatialite -silent "$demo" "UPDATE buildings SET geom = GeomFromText('MULTIPOLYGON(((-8.6100 41.1500, -8.6098 41.1500, -8.6098 41.1502, -8.6100 41.1500)))', 4326) WHERE uuid = '$leaves'" >/dev/null
"$CMAP" push "$porto" "$server" >/dev/null && "$CMAP" push "$demo" "$server" >/dev/null || fail "pushing the moves"
"$CMAP" pull "$server" "$dir/box.sqlite" --bbox 116.30,39.99,116.34,40.02 >"$dir/out" || fail "pull --bbox again"
[ "$(sqlite3 "$dir/box.sqlite" "SELECT name FROM buildings WHERE uuid = '$enters'")" = "$(sqlite3 "$porto" "SELECT name FROM buildings WHERE uuid = '$enters'")" ] \
  || fail "the building that entered the box arrived without its name"
[ "$(sqlite3 "$dir/box.sqlite" "SELECT field, site, counter FROM cm_versions WHERE uuid = '$enters' ORDER BY 1")" = \
  "$(on_server "SELECT field, site, counter FROM community_map.cm_versions WHERE uuid = '$enters' ORDER BY 1" | tr -d ' ')" ] \
  || fail "the building that entered the box has other versions than on the server"
[ "$(sqlite3 "$dir/box.sqlite" "SELECT count(*) FROM buildings")" = 627 ] || fail "box after the moves: $(sqlite3 "$dir/box.sqlite" "SELECT count(*) FROM buildings")"
[ "$(sqlite3 "$dir/box.sqlite" "SELECT hex(geom) FROM buildings WHERE uuid = '$leaves'")" = "$(sqlite3 "$demo" "SELECT hex(geom) FROM buildings WHERE uuid = '$leaves'")" ] \
  || fail "the building that left the box was not brought up to date"
ok "a box's map: a building entering the box arrives whole, with the server's versions; one leaving it is brought up to date"

# ---- two pushes at once ---------------------------------------------------------------------
before=$(on_server "SELECT count(*) FROM community_map.resources")
for side in east west; do
  "$CMAP" new "$dir/$side.sqlite" --name "$side" >/dev/null
  "$CMAP" import "$dir/$side.sqlite" "$CM_SHARED_DATA/porto-centro/pois.geojson" >/dev/null
done
"$CMAP" push "$dir/east.sqlite" "$server" >"$dir/east.out" 2>&1 &
east=$!
"$CMAP" push "$dir/west.sqlite" "$server" >"$dir/west.out" 2>&1 &
west=$!
wait $east || fail "east's push: $(cat "$dir/east.out")"
wait $west || fail "west's push: $(cat "$dir/west.out")"
after=$(on_server "SELECT count(*) FROM community_map.resources")
[ "$after" = $((before + 2 * 5096)) ] || fail "after two pushes at once: $after resources, want $((before + 2 * 5096))"
for side in east west; do
  [ "$(on_server "SELECT count(*) FROM community_map.resources WHERE community = '$side'")" = 5096 ] || fail "$side's resources"
  site=$(sqlite3 "$dir/$side.sqlite" "SELECT site || '|' || counter FROM cm_clock ORDER BY counter DESC LIMIT 1")
  [ "$(on_server "SELECT site || '|' || counter FROM community_map.cm_clock WHERE site = '${site%|*}'")" = "$site" ] || fail "the server's clock lacks $side's session"
done
# two maps that renamed the same building, pushed at once: the second merges into what the
# first wrote (the lock), so both names are kept, one of them as a conflict
cp "$dir/back.sqlite" "$dir/c1.sqlite"
cp "$dir/back.sqlite" "$dir/c2.sqlite"
building=$(sqlite3 "$dir/c1.sqlite" "SELECT uuid FROM buildings ORDER BY uuid DESC LIMIT 1")
sqlite3 "$dir/c1.sqlite" "UPDATE buildings SET name = '甲楼' WHERE uuid = '$building'"
sqlite3 "$dir/c2.sqlite" "UPDATE buildings SET name = '乙楼' WHERE uuid = '$building'"
"$CMAP" push "$dir/c1.sqlite" "$server" >"$dir/c1.out" 2>&1 &
c1=$!
"$CMAP" push "$dir/c2.sqlite" "$server" >"$dir/c2.out" 2>&1 &
c2=$!
wait $c1 || fail "c1's push: $(cat "$dir/c1.out")"
wait $c2 || fail "c2's push: $(cat "$dir/c2.out")"
names=$(on_server "SELECT name FROM community_map.buildings WHERE uuid = '$building' UNION ALL SELECT convert_from(value, 'UTF8') FROM community_map.cm_conflicts WHERE uuid = '$building' AND field = 'name'" | sort | tr '\n' ' ')
[ "$names" = "乙楼 甲楼 " ] || fail "after two pushes of one building at once the server has the names: $names"
ok "two pushes at once from two processes: both complete (2 × 5096 resources), both sessions in the server's clock; one building renamed in both: both names kept"

# ---- the same feature changed in two maps, both pushed: one conflict ------------------------
cp "$dir/back.sqlite" "$dir/m1.sqlite"
cp "$dir/back.sqlite" "$dir/m2.sqlite"
station=$(sqlite3 "$dir/m1.sqlite" "SELECT uuid FROM stations ORDER BY uuid LIMIT 1")
sqlite3 "$dir/m1.sqlite" "UPDATE stations SET name = '连心站一', service_radius_m = 333.12345678901234 WHERE uuid = '$station'"
sqlite3 "$dir/m2.sqlite" "UPDATE stations SET name = '连心站二', service_radius_m = 444.98765432109876 WHERE uuid = '$station'"
"$CMAP" push "$dir/m1.sqlite" "$server" >"$dir/out" || fail "push m1"
grep -q "stations: 0 added, 1 changed, 0 deleted, 0 conflicts" "$dir/out" || fail "push m1 said: $(cat "$dir/out")"
"$CMAP" push "$dir/m2.sqlite" "$server" >"$dir/out" || fail "push m2"
grep -Eq "stations: 0 added, [01] changed, 0 deleted, 1 conflicts" "$dir/out" || fail "push m2 said: $(cat "$dir/out")"
grep -q "1 feature was changed here and on the server" "$dir/out" || fail "push m2 did not tell of the conflict: $(cat "$dir/out")"
[ "$(on_server "SELECT count(*) FROM community_map.cm_conflicts WHERE uuid = '$station' AND field = 'name'")" = 1 ] \
  || fail "the server does not record the conflict"
"$CMAP" pull "$server" "$dir/m1.sqlite" >/dev/null || fail "pull into m1"
# Porto's 11,404 buildings came into a map that had the demo's: indexed row by row
[ "$(spatialite -silent "$dir/m1.sqlite" "SELECT CheckSpatialIndex('buildings', 'geom')" 2>/dev/null | tail -n 1)" = 1 ] \
  || fail "the spatial index of a map pulled into is not sound"
"$CMAP" conflicts "$dir/m1.sqlite" --json >"$dir/conflicts.json"
python3 - "$dir/conflicts.json" "$station" <<'PY' || fail "cmap conflicts after the pull: $(cat "$dir/conflicts.json")"
import json, sys
c = json.load(open(sys.argv[1]))
items = [i for i in c["conflicts"] if i["uuid"] == sys.argv[2]]
assert len(items) == 1, items
text = json.dumps(items[0], ensure_ascii=False)
assert sys.argv[2] in text and "连心站一" in text and "连心站二" in text, text
PY
# the radius's two values, every digit of both (a conflict's real value crosses as 17 digits)
radii() { sqlite3 "$1" "SELECT printf('%.17g', service_radius_m) FROM stations WHERE uuid = '$station' UNION SELECT printf('%.17g', value) FROM cm_conflicts WHERE uuid = '$station' AND field = 'service_radius_m'" | sort | tr '\n' ' '; }
want="$(sqlite3 "$dir/m1.sqlite" "SELECT printf('%.17g', 333.12345678901234)") $(sqlite3 "$dir/m1.sqlite" "SELECT printf('%.17g', 444.98765432109876)") "
"$CMAP" pull "$server" "$dir/m2.sqlite" >/dev/null || fail "pull into m2"
for m in m1 m2; do
  [ "$(radii "$dir/$m.sqlite")" = "$want" ] || fail "the radius's values after the pull into $m: $(radii "$dir/$m.sqlite"), want $want"
done
ok "a station renamed (and its radius changed) in two maps, both pushed: one conflict, recorded on the server, reviewed in a map after a pull with every digit"

# ---- the server killed in the middle of a push: nothing half-written, the retry completes ---
big="$dir/big.sqlite"
"$CMAP" new "$big" --name Big >/dev/null
"$CMAP" import "$big" "$CM_SHARED_DATA/porto-centro/buildings.geojson" >/dev/null
"$CMAP" import "$big" "$CM_SHARED_DATA/porto-centro/pois.geojson" >/dev/null
before=$(on_server "SELECT (SELECT count(*) FROM community_map.buildings) || '/' || (SELECT count(*) FROM community_map.cm_versions) || '/' || (SELECT count(*) FROM community_map.cm_clock)")
"$CMAP" push "$big" "$server" >"$dir/out" 2>&1 &
push=$!
killed=
for _ in $(seq 1 400); do
  pid=$(on_server "SELECT pid FROM pg_stat_activity WHERE application_name = 'community-map' AND state = 'active' AND query LIKE 'COPY %FROM STDIN%' LIMIT 1" 2>/dev/null || true)
  if [ -n "$pid" ]; then kill -9 "$pid"; killed=$pid; break; fi
  sleep 0.02
done
[ -n "$killed" ] || fail "the push was never seen sending rows"
if wait $push; then fail "a push whose server was killed said it succeeded"; fi
grep -q "connection to the server .* was lost" "$dir/out" || fail "the killed push said: $(cat "$dir/out")"
pg_wait
after=$(on_server "SELECT (SELECT count(*) FROM community_map.buildings) || '/' || (SELECT count(*) FROM community_map.cm_versions) || '/' || (SELECT count(*) FROM community_map.cm_clock)")
[ "$after" = "$before" ] || fail "after the kill the server holds $after (buildings/versions/sessions), before $before"
"$CMAP" push "$big" "$server" >"$dir/out" 2>&1 || fail "the retry: $(cat "$dir/out")"
grep -q "buildings: 11404 added" "$dir/out" || fail "the retry said: $(cat "$dir/out")"
[ "$(on_server "SELECT count(*) FROM community_map.buildings WHERE community = 'Big'")" = 11404 ] || fail "after the retry"
ok "the server killed during a push (backend $killed, kill -9): nothing half-written ($before), the retry completes"

# ---- another program edits the server's layers (as QGIS would, here GDAL) --------------------
qb=$(sqlite3 "$demo" "SELECT uuid FROM buildings ORDER BY uuid LIMIT 1 OFFSET 5")
qp=$(sqlite3 "$demo" "SELECT uuid FROM paths ORDER BY uuid LIMIT 1")
ogrinfo "$ogr" -sql "UPDATE community_map.buildings SET name = 'QGIS改的楼' WHERE uuid = '$qb'" >/dev/null
ogrinfo "$ogr" -sql "INSERT INTO community_map.resources (category, name, geom) VALUES ('other', 'QGIS画的', ST_SetSRID(ST_MakePoint(116.32, 40.0), 4326))" >/dev/null
ogrinfo "$ogr" -sql "DELETE FROM community_map.paths WHERE uuid = '$qp'" >/dev/null
qd=$(sqlite3 "$demo" "SELECT uuid FROM buildings ORDER BY uuid LIMIT 1 OFFSET 6")
ogrinfo "$ogr" -sql "UPDATE community_map.buildings SET households = 77 WHERE uuid = '$qd'" >/dev/null
[ "$(on_server "SELECT count(*) FROM community_map.cm_pending")" -ge 3 ] || fail "the server's triggers noted no edit"
# a map renamed the same building meanwhile, and pushes: the other program's name is kept too
cp "$dir/back.sqlite" "$dir/q.sqlite"
sqlite3 "$dir/q.sqlite" "UPDATE buildings SET name = '地图改的楼' WHERE uuid = '$qb'"
# and deleted a building GDAL changed: deleted here, changed there, a conflict (rule 4), live
sqlite3 "$dir/q.sqlite" "UPDATE buildings SET deleted = 1 WHERE uuid = '$qd'"
"$CMAP" push "$dir/q.sqlite" "$server" >"$dir/out" || fail "push after GDAL's edits: $(cat "$dir/out")"
grep -Eq "buildings: 0 added, [012] changed, 0 deleted, 2 conflicts" "$dir/out" || fail "push after GDAL's edits said: $(cat "$dir/out")"
[ "$(on_server "SELECT deleted || '/' || households || '/' || (SELECT count(*) FROM community_map.cm_conflicts WHERE uuid = '$qd' AND field = 'deleted') FROM community_map.buildings WHERE uuid = '$qd'")" = 0/77/1 ] \
  || fail "a building changed by GDAL and deleted in a map is not live with a conflict on its deletion"
[ "$(on_server "SELECT count(*) FROM community_map.cm_pending")" = 0 ] || fail "the push left edits unversioned"
# a fresh pull: the new resource (with a uuid, its defaults), the path deleted, both names
"$CMAP" pull "$server" "$dir/q2.sqlite" >/dev/null || fail "pull after GDAL's edits"
[ "$(sqlite3 "$dir/q2.sqlite" "SELECT count(*) FROM resources WHERE name = 'QGIS画的' AND category = 'other' AND deleted = 0 AND length(uuid) = 36")" = 1 ] \
  || fail "the resource GDAL added did not come with a pull"
[ "$(sqlite3 "$dir/q2.sqlite" "SELECT count(*) FROM paths WHERE uuid = '$qp' AND deleted = 0")" = 0 ] \
  || fail "the path GDAL deleted is live after a pull"
[ "$(sqlite3 "$dir/q2.sqlite" "SELECT count(*) FROM cm_versions WHERE uuid = '$qp' AND field = 'deleted'")" = 1 ] \
  || fail "the path GDAL deleted has no tombstone"
qnames=$(sqlite3 "$dir/q2.sqlite" "SELECT name FROM buildings WHERE uuid = '$qb' UNION SELECT value FROM cm_conflicts WHERE uuid = '$qb' AND field = 'name'" | sort | tr '\n' ' ')
[ "$qnames" = "QGIS改的楼 地图改的楼 " ] || fail "the building renamed by GDAL and by a map: $qnames"
ok "another program's edits on the server (GDAL: a rename, an insert, a delete) are versioned by the next push: a rename in a map too is a conflict, the insert and the deletion arrive with a pull"

# ---- a read-only role -----------------------------------------------------------------------
on_server "GRANT USAGE ON SCHEMA community_map TO reader; GRANT SELECT ON ALL TABLES IN SCHEMA community_map TO reader"
"$CMAP" pull "$reader" "$dir/read.sqlite" --community "$demo_name" >/dev/null || fail "the read-only role could not pull"
[ "$(count_in "$dir/read.sqlite" buildings)" = 626 ] || fail "the read-only pull"
sqlite3 "$dir/read.sqlite" "UPDATE buildings SET name = 'x' WHERE id = 1"
before=$(on_server "SELECT count(*) FROM community_map.cm_versions")
if "$CMAP" push "$dir/read.sqlite" "$reader" 2>"$dir/err"; then fail "a read-only role pushed"; fi
grep -q "may read the map on the server but not change it" "$dir/err" || fail "the read-only push said: $(cat "$dir/err")"
[ "$(on_server "SELECT count(*) FROM community_map.cm_versions")" = "$before" ] || fail "the refused push changed the server"
ok "a read-only role pulls, and its push is refused with what to ask for"

# ---- credentials and connections as libpq's ---------------------------------------------------
if "$CMAP" push "$demo" "postgresql://planner:planner-pw@127.0.0.1:$PG_PORT/city" 2>"$dir/err"; then fail "a password on the command line was used"; fi
grep -q "holds a password" "$dir/err" || fail "password in the address: $(cat "$dir/err")"
grep -q "planner-pw" "$dir/err" && fail "the error repeats the password"
if PGPASSFILE=/dev/null PGPASSWORD=wrong-pw "$CMAP" pull "$server" "$dir/none.sqlite" 2>"$dir/err"; then fail "a wrong password pulled"; fi
grep -q "password authentication failed" "$dir/err" || fail "wrong password: $(cat "$dir/err")"
[ -e "$dir/none.sqlite" ] && fail "a failed pull left a map behind"
printf '[city]\nhost=127.0.0.1\nport=%s\ndbname=city\nuser=planner\n' "$PG_PORT" >"$dir/services"
PGSERVICEFILE="$dir/services" "$CMAP" pull city "$dir/service.sqlite" --community "$demo_name" >/dev/null || fail "pull by service name"
[ "$(count_in "$dir/service.sqlite" buildings)" = 626 ] || fail "pull by service name"
if "$CMAP" pull "$server?sslmode=require" "$dir/ssl.sqlite" 2>"$dir/err"; then fail "sslmode=require to a server without SSL connected"; fi
grep -qi "ssl" "$dir/err" || fail "sslmode=require said: $(cat "$dir/err")"
if "$CMAP" pull "postgresql://planner@127.0.0.1:$PG_PORT/nowhere" "$dir/x.sqlite" 2>"$dir/err"; then fail "a missing database"; fi
PG_ADMIN_DB=postgres pg_admin -c "CREATE DATABASE empty OWNER planner"
if "$CMAP" pull "postgresql://planner@127.0.0.1:$PG_PORT/empty" "$dir/x.sqlite" 2>"$dir/err"; then fail "pull from a database with no map"; fi
grep -q "no community map on the server" "$dir/err" || fail "pull from an empty database said: $(cat "$dir/err")"
ok "a password in the address refused (and not repeated), a wrong one said, a service name, sslmode honoured, an empty database said"

# ---- a server's map of schema 1 (before residents' reports) brought up to date ---------------
PG_ADMIN_DB=postgres pg_admin -c "CREATE DATABASE oldcity OWNER planner"
PG_ADMIN_DB=oldcity pg_admin -c "CREATE EXTENSION postgis"
# on standard input: the server's user may not read the source tree (CI's clone is root's only)
PG_ADMIN_DB=oldcity pg_admin -c "SET ROLE planner" -f - <"$CM_SOURCE_ROOT/data/postgis/001-schema.sql"
PG_ADMIN_DB=oldcity pg_admin -c "GRANT USAGE ON SCHEMA community_map TO reader; GRANT SELECT ON ALL TABLES IN SCHEMA community_map TO reader"
old_server="postgresql://planner@127.0.0.1:$PG_PORT/oldcity"
if "$CMAP" pull "postgresql://reader@127.0.0.1:$PG_PORT/oldcity" "$dir/old-read.sqlite" 2>"$dir/err"; then fail "a read-only pull from a schema-1 server"; fi
grep -q "older schema (1; this program needs 2)" "$dir/err" || fail "a read-only pull from a schema-1 server said: $(cat "$dir/err")"
[ -e "$dir/old-read.sqlite" ] && fail "the refused pull left a map behind"
"$CMAP" push "$demo" "$old_server" >"$dir/out" 2>&1 || fail "push to a schema-1 server: $(cat "$dir/out")"
[ "$(PG_ADMIN_DB=oldcity pg_admin -c "SELECT max(version) FROM community_map.cm_schema")" = 3 ] || fail "the push did not bring the server's schema to 3"
[ "$(PG_ADMIN_DB=oldcity pg_admin -c "$not_c_keys")" = "" ] || fail "keys of the upgraded server not compared byte by byte: $(PG_ADMIN_DB=oldcity pg_admin -c "$not_c_keys")"
[ "$(PG_ADMIN_DB=oldcity pg_admin -c "SELECT count(*) FROM community_map.reports")" = "$(count_in "$demo" reports)" ] \
  || fail "the reports did not reach the upgraded server"
if PG_ADMIN_DB=oldcity pg_admin -c "UPDATE community_map.report_followups SET what = 'x'" 2>"$dir/err"; then fail "the server let a follow-up be rewritten"; fi
grep -q "never rewritten" "$dir/err" || fail "rewriting a follow-up on the server said: $(cat "$dir/err")"
ok "a schema-1 server: a read-only pull refused saying why, a push brings it to schema 3 with the reports and byte-compared keys; its follow-ups cannot be rewritten"

# ---- a server's map of schema 2 (keys under the database's collation) read as it is ---------
PG_ADMIN_DB=postgres pg_admin -c "CREATE DATABASE v2city OWNER planner"
PG_ADMIN_DB=v2city pg_admin -c "CREATE EXTENSION postgis"
cat "$CM_SOURCE_ROOT/data/postgis/001-schema.sql" "$CM_SOURCE_ROOT/data/postgis/002-reports.sql" \
  | PG_ADMIN_DB=v2city pg_admin -c "SET ROLE planner" -f -
PG_ADMIN_DB=v2city pg_admin -c "GRANT USAGE ON SCHEMA community_map TO reader; GRANT SELECT ON ALL TABLES IN SCHEMA community_map TO reader"
v2_reader="postgresql://reader@127.0.0.1:$PG_PORT/v2city"
"$CMAP" pull "$v2_reader" "$dir/v2-read.sqlite" >"$dir/out" 2>&1 || fail "a read-only pull from a schema-2 server: $(cat "$dir/out")"
"$CMAP" push "$demo" "postgresql://planner@127.0.0.1:$PG_PORT/v2city" >"$dir/out" 2>&1 || fail "push to a schema-2 server: $(cat "$dir/out")"
[ "$(PG_ADMIN_DB=v2city pg_admin -c "SELECT max(version) FROM community_map.cm_schema")" = 3 ] || fail "the push did not bring the schema-2 server to 3"
PG_ADMIN_DB=v2city pg_admin -c "GRANT SELECT ON ALL TABLES IN SCHEMA community_map TO reader"
"$CMAP" pull "$v2_reader" "$dir/v2-read.sqlite" >"$dir/out" 2>&1 || fail "a read-only pull after the upgrade: $(cat "$dir/out")"
[ "$(count_in "$dir/v2-read.sqlite" buildings)" = 626 ] || fail "the pull from the upgraded server brought $(count_in "$dir/v2-read.sqlite" buildings) buildings"
ok "a schema-2 server: a read-only role pulls from it as it is; a push brings it to 3, and the reader pulls the demo's 626 buildings"
echo "1..$n"
