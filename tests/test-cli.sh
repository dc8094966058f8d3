#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test-cli.sh: cmap's words, exit codes (0 success, 1 bad input, 2 bad usage) and one-line errors.
set -uo pipefail
: "${CMAP:?}" "${CM_SHARED_DATA:?}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0
fail() { echo "not ok - $*"; exit 1; }
ok() { n=$((n + 1)); echo "ok $n - $*"; }

# expect CODE CMD...: runs CMD, checks the exit code; stderr is in $dir/err, stdout in $dir/out
expect() {
  local want=$1; shift
  "$@" >"$dir/out" 2>"$dir/err"
  local got=$?
  [ "$got" = "$want" ] || fail "$* exited $got, not $want: $(cat "$dir/err")"
}
one_line_error() {
  [ "$(wc -l <"$dir/err")" = 1 ] || fail "error is not one line: $(cat "$dir/err")"
  grep -q '^cmap: ' "$dir/err" || fail "error does not start with 'cmap: '"
}

expect 2 "$CMAP"; ok "no command: exit 2"
expect 2 "$CMAP" frobnicate; one_line_error; ok "unknown command: exit 2, one line"
expect 0 "$CMAP" --help; grep -q import "$dir/out" || fail "--help lists no commands"; ok "--help"
expect 0 "$CMAP" --version; grep -Eq '^cmap [0-9]+\.[0-9]+\.[0-9]+$' "$dir/out" || fail "--version"; ok "--version"
for c in new import export info check render poster coverage walk-area teams lifecircle; do
  expect 0 "$CMAP" "$c" --help; grep -q "cmap $c" "$dir/out" || fail "$c --help"
done
ok "every command has --help"

map="$dir/m.sqlite"
expect 0 "$CMAP" new "$map" --name "测试社区"; ok "new"
expect 1 "$CMAP" new "$map"; one_line_error; grep -q "already exists" "$dir/err" || fail "new over a file"; ok "new over an existing file: exit 1"
expect 2 "$CMAP" new; one_line_error; ok "new without a file: exit 2"
expect 1 "$CMAP" info "$dir/nope.sqlite"; one_line_error; ok "info on a missing file: exit 1"
expect 1 "$CMAP" info "$CM_SHARED_DATA/porto-centro/MANIFEST.json"; one_line_error
grep -q "not a SQLite database" "$dir/err" || fail "info on JSON: $(cat "$dir/err")"; ok "info on a JSON file: exit 1, says it is not SQLite"
"$CMAP" new "$dir/for-table.sqlite" >/dev/null || fail "new for --table"
expect 1 "$CMAP" import "$dir/for-table.sqlite" "$DEMO_MAP"; one_line_error
grep -q -- "--table TABLE" "$dir/err" && grep -q "ogrinfo" "$dir/err" || fail "import of a SQLite file without --table: $(cat "$dir/err")"
ok "import of a SQLite file without --table: exit 1, says to choose one with --table"

# a refused import: exit 1, one line naming the file and the line, map unchanged
before=$(sha256sum <"$map")
expect 1 "$CMAP" import "$map" "$CM_SHARED_DATA/bad-geojson/derived/truncated-64k.geojson"; one_line_error
grep -q 'truncated-64k.geojson.*line 156' "$dir/err" || fail "refusal message: $(cat "$dir/err")"
[ "$(sha256sum <"$map")" = "$before" ] || fail "a refused import changed the map"
ok "refused import: exit 1, names file and line, map byte-for-byte unchanged"

expect 2 "$CMAP" import "$map" "$CM_SHARED_DATA/porto-centro/pois.geojson" --layer streets
one_line_error; grep -q "resources, stations" "$dir/err" || fail "unknown layer message"; ok "unknown layer: exit 2, lists the layers"
expect 0 "$CMAP" import "$map" "$CM_SHARED_DATA/beijing-tsinghua/pois.geojson" --json
python3 - "$dir/out" <<'PY' || fail "import --json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["read"] == 244 and d["created"] == 244 and d["skipped"] == 0, d
assert d["layers"] == {"resources": 244}, d
PY
ok "import --json: 244 read, 244 created"

expect 0 "$CMAP" info "$map" --json
python3 - "$dir/out" <<'PY' || fail "info --json: $(cat "$dir/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["name"] == "测试社区" and d["schema_version"] == 5 and d["layers"]["compounds"]["count"] == 0 and d["layers"]["reports"]["count"] == 0, d
assert set(d["layers"]) == {"resources", "stations", "teams", "buildings", "paths", "barriers", "boundary", "compounds", "reports"}
r = d["layers"]["resources"]
assert r["count"] == 244, r
assert r["bbox"] == [116.3096233, 39.9933747, 116.3301754, 40.0117178], r
assert d["layers"]["stations"] == {"count": 0, "bbox": None}
PY
ok "info --json: name, schema_version, per layer count and bbox (= MANIFEST)"

expect 2 "$CMAP" export "$map" --layer roads; one_line_error; ok "export of an unknown layer: exit 2"
expect 0 "$CMAP" export "$map" --layer resources -o "$dir/r.geojson"
python3 -c "import json,sys; d=json.load(open('$dir/r.geojson')); assert len(d['features'])==244" || fail "export -o"
ok "export -o writes 244 features"
# the whole map (no --layer, or --layer all): every layer, each feature saying its layer; back
# into the same map it changes nothing, into a new map it brings every layer back
expect 0 "$CMAP" export "$DEMO_MAP" -o "$dir/all.geojson"
expect 0 "$CMAP" export "$DEMO_MAP" --layer all -o "$dir/all2.geojson"
cmp -s "$dir/all.geojson" "$dir/all2.geojson" || fail "--layer all differs from no --layer"
python3 - "$dir/all.geojson" <<'PY' || fail "the whole-map export"
import json, sys, collections
d = json.load(open(sys.argv[1]))
layers = collections.Counter(f["properties"]["map_layer"] for f in d["features"])
assert layers == {"resources": 244, "stations": 5, "teams": 3, "buildings": 626, "paths": 903, "boundary": 1, "compounds": 4, "reports": 7}, layers
st = [f for f in d["features"] if f["properties"]["map_layer"] == "stations"]
assert all("service_radius_m" in f["properties"] for f in st), st[0]
PY
cp "$DEMO_MAP" "$dir/demo-copy.sqlite"
before=$(sqlite3 "$dir/demo-copy.sqlite" "SELECT group_concat(uuid || updated_at) FROM (SELECT uuid, updated_at FROM buildings UNION ALL SELECT uuid, updated_at FROM stations ORDER BY 1)")
expect 0 "$CMAP" import "$dir/demo-copy.sqlite" "$dir/all.geojson"
grep -q ": 0 new, 0 updated, 1793 unchanged" "$dir/out" || fail "export imported into its own map: $(cat "$dir/out")"
after=$(sqlite3 "$dir/demo-copy.sqlite" "SELECT group_concat(uuid || updated_at) FROM (SELECT uuid, updated_at FROM buildings UNION ALL SELECT uuid, updated_at FROM stations ORDER BY 1)")
[ "$before" = "$after" ] || fail "importing a map's own export changed its rows"
expect 0 "$CMAP" new "$dir/fresh.sqlite"
expect 0 "$CMAP" import "$dir/fresh.sqlite" "$dir/all.geojson"
grep -q ": 1793 new, 0 updated" "$dir/out" || fail "export into a new map: $(cat "$dir/out")"
"$CMAP" info "$dir/fresh.sqlite" --json >"$dir/i1"; "$CMAP" info "$DEMO_MAP" --json >"$dir/i2"
python3 -c "import json,sys; a=json.load(open('$dir/i1'))['layers']; b=json.load(open('$dir/i2'))['layers']; assert a==b, (a,b)" || fail "layers differ after the round trip"
ok "export of a whole map: every layer; imported into its own map nothing changes, into a new one every layer comes back"
# coverage that would mislead says so: no stations; sources without a radius
cp "$DEMO_MAP" "$dir/nostations.sqlite"
spatialite -silent "$dir/nostations.sqlite" "UPDATE stations SET deleted = 1" >/dev/null 2>&1 || fail "spatialite"
expect 0 "$CMAP" coverage "$dir/nostations.sqlite" --walk 500
grep -q "cmap: note: the map has no service stations" "$dir/err" || fail "no stations: no note: $(cat "$dir/err")"
expect 0 "$CMAP" coverage "$DEMO_MAP" --radius --from resources:library
grep -Eq "cmap: note: [0-9]+ of [0-9]+ sources have no service radius" "$dir/err" || fail "sources without a radius: no note: $(cat "$dir/err")"
grep -q "^0 of 626 buildings" "$dir/out" || fail "libraries without a radius reach nothing: $(head -1 "$dir/out")"
ok "coverage says when there are no sources, and when sources have no radius"

# at night: a gate residents marked as locked at night closes the way
cp "$DEMO_MAP" "$dir/night.sqlite"
printf '%s\n' '{"type": "Feature", "properties": {"name": "north gate", "category": "locked_gate"},' \
  ' "geometry": {"type": "Point", "coordinates": [116.3132013, 40.0013323]}}' >"$dir/gate.geojson"
expect 0 "$CMAP" import "$dir/night.sqlite" "$dir/gate.geojson"
expect 0 "$CMAP" coverage "$dir/night.sqlite" --walk 500 --json
python3 -c "import json; n=json.load(open('$dir/out'))['summary']['network']; assert n['gates_closed']==0, n" || fail "by day a gate is open"
expect 0 "$CMAP" coverage "$dir/night.sqlite" --walk 500 --json --at-night
python3 -c "import json; n=json.load(open('$dir/out'))['summary']['network']; assert n['gates_closed']==1 and n['barrier_cuts']>=1, n" || fail "at night the gate closes: $(head -c 300 "$dir/out")"
ok "coverage --at-night closes the gates residents marked"

# a file thousands of kilometres from the map's features: imported, with a warning
expect 0 "$CMAP" import "$dir/demo-copy.sqlite" "$CM_SHARED_DATA/porto-centro/pois.geojson"
grep -Eq "^cmap: warning: pois.geojson lies 9[0-9]{3} km from the map's features" "$dir/err" || fail "no warning for a far file: $(cat "$dir/err")"
ok "a file 9,000 km from the map's features: a warning"

expect 0 "$CMAP" check "$map"; ok "check on a good map: exit 0"
# break the spatial index behind SpatiaLite's back: check must see it
sqlite3 "$map" "DELETE FROM idx_resources_geom WHERE pkid <= 3"
expect 1 "$CMAP" check "$map"
grep -q "resources: the spatial index does not match" "$dir/err" || fail "check: $(cat "$dir/err")"
ok "check finds a spatial index that does not match its table: exit 1"
# an invalid geometry written by another tool
sqlite3 "$map" "DELETE FROM idx_resources_geom"  # (keep the message about the index apart)
spatialite -silent "$map" "SELECT RecoverSpatialIndex('resources','geom'); INSERT INTO buildings (geom) VALUES (CastToMulti(GeomFromText('POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))', 4326)));" >/dev/null 2>&1
expect 1 "$CMAP" check "$map"
grep -q "buildings: 1 invalid geometries" "$dir/err" || fail "check invalid: $(cat "$dir/err")"
! grep -q "GEOS" "$dir/err" || fail "libspatialite's GEOS chatter reached stderr: $(cat "$dir/err")"
ok "check counts an invalid geometry: exit 1"

# zh_CN: the translation is complete and valid, and cmap speaks it
: "${CM_SOURCE_ROOT:?}"
msgfmt --check -o /dev/null "$CM_SOURCE_ROOT/po/zh_CN.po" || fail "msgfmt --check po/zh_CN.po"
# every file with translatable text is listed, or its text would never be translated
(cd "$CM_SOURCE_ROOT" && grep -l -e '_("' -e 'translatable="yes"' src/*/*.c ui/*.ui ui/gtk/*.ui) >"$dir/with-text"
[ -s "$dir/with-text" ] || fail "no source file with translatable text found"
while read -r f; do grep -qx "$f" "$CM_SOURCE_ROOT/po/POTFILES.in" || fail "$f has translatable text but is not in po/POTFILES.in"; done <"$dir/with-text"
(cd "$CM_SOURCE_ROOT" && xgettext --from-code=UTF-8 -k_ -kN_ -f po/POTFILES.in -o "$dir/all.pot") \
  || fail "xgettext on po/POTFILES.in"
msgcmp "$CM_SOURCE_ROOT/po/zh_CN.po" "$dir/all.pot" || fail "po/zh_CN.po lacks messages of po/POTFILES.in"
msgattrib --untranslated --no-obsolete "$CM_SOURCE_ROOT/po/zh_CN.po" >"$dir/untranslated.po" \
  || fail "msgattrib could not read po/zh_CN.po"
untranslated=$(grep -c '^msgid ' "$dir/untranslated.po" || true)
[ "$untranslated" -le 1 ] || fail "po/zh_CN.po has $((untranslated - 1)) untranslated messages"
LANGUAGE=zh_CN expect 0 "$CMAP" --help
grep -q "^用法：cmap 命令" "$dir/out" || fail "zh_CN --help: $(head -1 "$dir/out")"
LANGUAGE=zh_CN expect 2 "$CMAP" info; grep -q "需要一个地图" "$dir/err" || fail "zh_CN error: $(cat "$dir/err")"
# an error from the core library, in the user's language
LANGUAGE=zh_CN expect 1 "$CMAP" info "$CM_SHARED_DATA/porto-centro/MANIFEST.json"
grep -q "不是社区地图" "$dir/err" || fail "zh_CN core error: $(cat "$dir/err")"
LANGUAGE=zh_CN expect 1 "$CMAP" import "$map" "$CM_SHARED_DATA/bad-geojson/derived/truncated-64k.geojson"
grep -q "第 156 行：文件在 JSON 中途结束" "$dir/err" || fail "zh_CN import error: $(cat "$dir/err")"
ok "zh_CN: translation complete (msgfmt --check), --help, cmap's and core's errors in Chinese"

# the bundled demo map: built from data/demo/ at build time
: "${DEMO_MAP:?}"
expect 0 "$CMAP" check "$DEMO_MAP"
expect 0 "$CMAP" info "$DEMO_MAP" --json
python3 - "$dir/out" <<'PY' || fail "demo map: $(cat "$dir/out")"
import json, sys
d = json.load(open(sys.argv[1]))
counts = {k: v["count"] for k, v in d["layers"].items()}
assert counts == {"resources": 244, "stations": 5, "teams": 3, "buildings": 626, "paths": 903,
                  "barriers": 0, "boundary": 1, "compounds": 4, "reports": 7}, counts
PY
[ "$(sqlite3 "$DEMO_MAP" "SELECT group_concat(service_radius_m, ',') FROM (SELECT service_radius_m FROM stations ORDER BY id)")" = "300.0,500.0,300.0,500.0,300.0" ] \
  || fail "demo stations' service radii"
[ "$(sqlite3 "$DEMO_MAP" "SELECT group_concat(kind || ':' || members, ',') FROM (SELECT kind, members FROM teams ORDER BY id)")" = "self_governance:28,specialty:45,culture_sports:16" ] \
  || fail "demo teams' kinds"
ok "demo map: checks clean; 626 buildings, 903 paths, 244 resources, 5 stations with radii, 3 teams, 1 boundary, 4 compounds"

# residents' reports and the meeting's agenda (issue #18)
# the demo's layers without its own reports (all.geojson is its whole export, above): only these
agenda_map="$dir/agenda.sqlite"
python3 - "$dir/all.geojson" "$dir/no-reports.geojson" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["features"] = [f for f in d["features"] if f["properties"]["map_layer"] != "reports"]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect 0 "$CMAP" new "$agenda_map"
expect 0 "$CMAP" import "$agenda_map" "$dir/no-reports.geojson"
cat > "$dir/reports.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[116.3265,40.0033]},"properties":{"category":"broken_street_light","description":"路灯不亮","reported_at":"2026-11-20"}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[116.32655,40.0033]},"properties":{"category":"broken_street_light","description":"还是不亮","reported_at":"2026-11-28","residents":2}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[116.3175,39.9975]},"properties":{"category":"locked_gate","urgent":"是","status":"处理中","reported_at":"2026/12/1"}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[116.3120,40.0100]},"properties":{"category":"unsafe_spot","status":"resolved","reported_at":"2026-10-01"}}
]}
JSON
expect 0 "$CMAP" import "$agenda_map" "$dir/reports.geojson" --layer reports
expect 0 "$CMAP" agenda "$agenda_map" --json --meeting-day 2026-12-10
python3 - "$dir/out" <<'PY' || fail "agenda --json: $(cat "$dir/out")"
import json, sys
items = json.load(open(sys.argv[1]))["items"]
# the urgent gate first; the two street lights 4 m apart one item of 3 residents; the resolved
# one in none
assert [i["category"] for i in items] == ["locked_gate", "broken_street_light"], items
gate, light = items
assert gate["urgent"] and gate["residents"] == 1 and gate["days_open"] == 9, gate
assert not light["urgent"] and light["residents"] == 3 and len(light["reports"]) == 2, light
assert light["days_open"] == 20 and light["lon"] == 116.3265 and light["lat"] == 40.0033, light
assert light["responsible"] and light["responsible_suggested"], light
# per responsible: none of the imported reports names one
by = json.load(open(sys.argv[1]))["by_responsible"]
assert by == [{"uuid": None, "name": None, "open": 3, "resolved": 1, "median_days": None}], by
PY
LANGUAGE=zh_CN expect 0 "$CMAP" agenda "$agenda_map" --meeting-day 2026-12-10
grep -q "2 个议题，来自 3 条未解决的反映" "$dir/out" || fail "agenda in Chinese: $(cat "$dir/out")"
grep -q "【紧急】夜间锁闭的门" "$dir/out" || fail "agenda in Chinese: $(cat "$dir/out")"
expect 2 "$CMAP" agenda "$agenda_map" --since yesterday
grep -q "since takes a date" "$dir/err" || fail "agenda --since yesterday: $(cat "$dir/err")"
expect 1 "$CMAP" agenda "$agenda_map" --compound 没有这个小区
grep -q "no compound named" "$dir/err" || fail "agenda --compound: $(cat "$dir/err")"
ok "agenda: items in order (urgent, residents), duplicates within 30 m one item, days open, in Chinese; bad options said"

# the agenda as a PDF for the meeting: read back, items in order, counts, in Chinese
expect 0 "$CMAP" agenda "$agenda_map" --meeting-day 2026-12-10 -o "$dir/agenda.pdf"
pdfinfo "$dir/agenda.pdf" | grep -q "^Title: *议事会议程" || fail "the agenda PDF's title: $(pdfinfo "$dir/agenda.pdf")"
pdfinfo "$dir/agenda.pdf" | grep -q "^Page size: *595 x 842" || fail "the agenda PDF is not A4"
pdftotext -layout "$dir/agenda.pdf" "$dir/agenda.txt"
python3 - "$dir/agenda.txt" <<'PY' || fail "the agenda PDF's text: $(cat "$dir/agenda.txt")"
import re, sys, unicodedata
# lines joined (pdftotext breaks them where the page does); NFKC: some glyphs come back as
# their compatibility forms (⼤ for 大)
t = re.sub(r"\s*\n\s*", "", unicodedata.normalize("NFKC", open(sys.argv[1]).read()))
assert "会议日期 2026-12-10 · 共 2 个议题(紧急 1 个),来自 3 条未解决的居民反映、4 位居民" in t, t[:300]
first, second = t.index("1. 【紧急】夜间锁闭的门"), t.index("2. 路灯损坏")
assert first < second
assert "1 位居民反映 · 1 条反映 · 已 9 天" in t and "3 位居民反映 · 2 条反映 · 已 20 天" in t
assert "路灯不亮(已上报)" in t and "还是不亮(已上报)" in t and "(处理中)" in t
assert "各站点、服务队的居民反映" in t and "(无人负责)" in t
PY
pdftoppm -png -r 40 -f 1 -l 1 "$dir/agenda.pdf" "$dir/agenda-page"
[ -s "$dir/agenda-page-1.png" ] || fail "the agenda's first page does not draw"
expect 2 "$CMAP" agenda "$agenda_map" -o "$dir/agenda.txt"
grep -q "ending in .pdf" "$dir/err" || fail "agenda -o agenda.txt: $(cat "$dir/err")"
ok "agenda -o: an A4 PDF in Chinese, its items in order with their counts and history (pdftotext), a page drawn"

# Open311 GeoReport v2: every request field by the specification's names and types
expect 0 "$CMAP" export "$agenda_map" --layer reports --open311 -o "$dir/requests.json"
python3 - "$dir/requests.json" <<'PY' || fail "export --open311: $(cat "$dir/requests.json")"
import json, re, sys
reqs = json.load(open(sys.argv[1]))
assert isinstance(reqs, list) and len(reqs) == 4, reqs
# GeoReport v2's service request fields (GET requests.json); media_url left out: the photos
# are inside the map
spec = {"service_request_id": str, "status": str, "status_notes": str, "service_name": str,
        "service_code": str, "description": str, "agency_responsible": str,
        "service_notice": str, "requested_datetime": str, "updated_datetime": str,
        "expected_datetime": str, "address": str, "address_id": str, "zipcode": str,
        "lat": float, "long": float, "media_url": str}
w3c = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
for r in reqs:
    assert set(r) <= set(spec), set(r) - set(spec)
    for k, v in r.items():
        assert isinstance(v, spec[k]) or (spec[k] is float and isinstance(v, int)), (k, v)
    for k in ("service_request_id", "status", "service_code", "service_name", "description",
              "requested_datetime", "updated_datetime", "lat", "long"):
        assert k in r, (k, r)
    assert r["status"] in ("open", "closed"), r
    assert w3c.match(r["requested_datetime"]) and w3c.match(r["updated_datetime"]), r
    assert re.match(r"^[0-9a-f-]{36}$", r["service_request_id"]), r
    assert "media_url" not in r
by_code = {}
for r in reqs:
    by_code.setdefault(r["service_code"], []).append(r)
gate = by_code["locked_gate"][0]
assert gate["status"] == "open" and gate["service_name"] == "夜间锁闭的门", gate
assert gate["requested_datetime"] == "2026-12-01T00:00:00Z" and gate["lat"] == 39.9975 and gate["long"] == 116.3175, gate
assert by_code["unsafe_spot"][0]["status"] == "closed"
lights = sorted(by_code["broken_street_light"], key=lambda r: r["requested_datetime"])
assert [r["description"] for r in lights] == ["路灯不亮", "还是不亮"], lights
PY
expect 2 "$CMAP" export "$agenda_map" --open311
grep -q "open311 goes with --layer reports" "$dir/err" || fail "--open311 without --layer reports: $(cat "$dir/err")"
ok "export --open311: 4 GeoReport v2 requests, every field by the specification's name and type, statuses open/closed, W3C times"

# cmap render: a PNG of the given size, a PDF whose page size matches, clear usage errors
expect 0 "$CMAP" render "$DEMO_MAP" -o "$dir/demo.png" --size 640x480
python3 - "$dir/demo.png" <<'PY' || fail "render png"
import struct, sys
b = open(sys.argv[1], "rb").read(32)
assert b[:8] == b"\x89PNG\r\n\x1a\n", b[:8]
w, h = struct.unpack(">II", b[16:24])
assert (w, h) == (640, 480), (w, h)
PY
expect 0 "$CMAP" render "$DEMO_MAP" -o "$dir/demo.pdf" --size 842x595 --bbox 116.31,39.99,116.33,40.01
pdfinfo "$dir/demo.pdf" | grep -q "^Page size: *842 x 595 pts" || fail "pdf page size: $(pdfinfo "$dir/demo.pdf" | grep 'Page size')"
pdffonts "$dir/demo.pdf" | grep -qi "cjk" || fail "the PDF embeds no CJK font for the Chinese labels"
ok "render: PNG 640x480, PDF page 842x595 pt with a CJK font embedded"
expect 2 "$CMAP" render "$DEMO_MAP" -o "$dir/x.jpg"; one_line_error
expect 2 "$CMAP" render "$DEMO_MAP" -o "$dir/x.png" --bbox 1,2,3; one_line_error
expect 2 "$CMAP" render "$DEMO_MAP" -o "$dir/x.png" --size 10x10; one_line_error
[ ! -e "$dir/x.png" ] && [ ! -e "$dir/x.png.partial" ] || fail "a refused render left a file"
ok "render: bad -o, --bbox, --size are usage errors and write nothing"
# cmap coverage --radius: the covered count equals SpatiaLite's own geodesic distance check
expect 0 "$CMAP" coverage "$DEMO_MAP" --radius --json
want=$(spatialite "$DEMO_MAP" "SELECT count(*) FROM buildings b WHERE b.deleted = 0 AND EXISTS (SELECT 1 FROM stations s WHERE s.deleted = 0 AND ST_Distance(s.geom, ST_PointOnSurface(b.geom), 1) <= s.service_radius_m);" 2>/dev/null | tail -1)
"$CMAP" coverage "$DEMO_MAP" --radius --json | python3 -c "
import json, sys
d = json.load(sys.stdin)
s = d['summary']
assert s['buildings'] == 626 == len(d['buildings']), s
assert s['covered'] == int(sys.argv[1]), (s['covered'], sys.argv[1])
assert sum(b['covered'] for b in d['buildings']) == s['covered']
assert [x['radius_m'] for x in d['sources']] == [300.0, 500.0, 300.0, 500.0, 300.0], d['sources']
" "$want" || fail "coverage --json against SpatiaLite's ST_Distance (expected $want covered)"
# each building's nearest station and metres, against SpatiaLite's own geodesic distances
spatialite -silent "$DEMO_MAP" "SELECT b.uuid, s.uuid, ST_Distance(s.geom, ST_PointOnSurface(b.geom), 1) FROM buildings b, stations s WHERE b.deleted = 0 AND s.deleted = 0;" >"$dir/nearest.txt" 2>/dev/null
"$CMAP" coverage "$DEMO_MAP" --radius --json >"$dir/cov.json"
python3 - "$dir/cov.json" "$dir/nearest.txt" <<'PY' || fail "coverage --radius: nearest stations differ from SpatiaLite's"
import json, sys
d = json.load(open(sys.argv[1]))
ref = {}
for u, s, m in (l.strip().split('|') for l in open(sys.argv[2]) if l.strip()):
    if u not in ref or float(m) < ref[u][1]:
        ref[u] = (s, float(m))
assert len(ref) == 626, len(ref)
for b in d['buildings']:
    s, m = ref[b['uuid']]
    assert abs(b['nearest_m'] - m) < 0.051, (b, m)  # JSON gives 0.1 m
    assert b['nearest'] == s, (b, s)
PY
[ "$("$CMAP" coverage "$DEMO_MAP" --radius --csv | wc -l)" -eq 627 ] || fail "coverage --csv: a header and 626 rows"
ok "coverage --radius: $want of 626 demo buildings covered, as SpatiaLite's geodesic ST_Distance says; CSV has 626 rows"
expect 2 "$CMAP" coverage "$DEMO_MAP"; one_line_error
expect 2 "$CMAP" coverage "$DEMO_MAP" --radius --csv --json; one_line_error
expect 1 "$CMAP" coverage "$DEMO_MAP" --radius --from resources:school; one_line_error
ok "coverage: no measure or two formats are usage errors; an unknown category is bad input"

# cmap coverage --walk: the walkable filter (counted again here in SQL), the statuses add up,
# walking is never shorter than the straight line, and --network all takes every line
expect 0 "$CMAP" coverage "$DEMO_MAP" --walk 500 --json
left_out=$(sqlite3 "$DEMO_MAP" "SELECT count(*) FROM paths WHERE deleted = 0 AND (
  coalesce(json_extract(tags, '\$.foot'), '') NOT IN ('yes', 'designated', 'permissive') AND (
  coalesce(json_extract(tags, '\$.foot'), '') IN ('no', 'private')
  OR coalesce(json_extract(tags, '\$.access'), '') IN ('no', 'private')
  OR coalesce(json_extract(tags, '\$.highway'), '') IN ('motorway', 'motorway_link', 'trunk',
     'trunk_link', 'construction', 'proposed', 'raceway', 'bus_guideway', 'abandoned')))")
python3 - "$dir/out" "$left_out" <<'PY' || fail "coverage --walk --json"
import json, sys
d = json.load(open(sys.argv[1]))
s, bs = d['summary'], d['buildings']
assert s['method'] == 'walk' and s['walk_max_m'] == 500.0, s
assert s['network']['paths_left_out'] == int(sys.argv[2]), (s['network'], sys.argv[2])
assert s['network']['paths'] + s['network']['paths_left_out'] == 903, s['network']
assert len(bs) == 626
status = {k: sum(b['status'] == k for b in bs) for k in ('reached', 'off_network', 'disconnected')}
assert sum(status.values()) == 626
assert status['off_network'] == s['off_network'] and status['disconnected'] == s['disconnected']
for b in bs:
    if b['status'] == 'reached':
        assert b['walk_m'] + 0.15 >= b['nearest_m'], b
        assert b['walk_m'] + 0.15 >= b['access_m'] + b['source_access_m'], b
    else:
        assert b['walk_m'] is None and not b['covered'], b
assert sum(b['covered'] for b in bs) == s['covered'] > 0
assert sum(x['buildings'] for x in d['sources']) == s['covered']
PY
expect 0 "$CMAP" coverage "$DEMO_MAP" --walk 500 --network all --json
python3 -c "import json,sys; n=json.load(open(sys.argv[1]))['summary']['network']; assert n['paths'] == 903 and n['paths_left_out'] == 0, n" "$dir/out" || fail "--network all"
[ "$("$CMAP" coverage "$DEMO_MAP" --walk 500 --csv | head -1)" = "uuid,name,lon,lat,status,nearest_uuid,nearest_name,nearest_m,walk_m,access_m,source_access_m,detour,covered,households,population" ] || fail "coverage --walk --csv header"
expect 2 "$CMAP" coverage "$DEMO_MAP" --walk 0; one_line_error
expect 2 "$CMAP" coverage "$DEMO_MAP" --walk 500 --radius; one_line_error
expect 2 "$CMAP" coverage "$DEMO_MAP" --walk 500 --network some; one_line_error
ok "coverage --walk: $left_out paths left out as SQL counts them, statuses add up, walking >= straight line; bad options refused"

# cmap walk-area: one feature per station, length_m equals SpatiaLite's geodesic length of the
# geometry, and no piece is counted twice (the union is as long as the pieces)
expect 0 "$CMAP" walk-area "$DEMO_MAP" --from stations --max 500 -o "$dir/wa.geojson"
ogrinfo -q -dialect sqlite -sql "SELECT count(*) AS n, sum(abs(length_m - ST_Length(geometry, 1)) < 0.06) AS same, sum(abs(ST_Length(ST_UnaryUnion(geometry), 1) - ST_Length(geometry, 1)) < 0.01) AS once, min(length_m) AS shortest FROM wa" "$dir/wa.geojson" >"$dir/wa.txt" || fail "ogrinfo could not read walk-area output"
grep -q "n (Integer) = 5" "$dir/wa.txt" && grep -q "same (Integer) = 5" "$dir/wa.txt" && grep -q "once (Integer) = 5" "$dir/wa.txt" || fail "walk-area lengths: $(cat "$dir/wa.txt")"
expect 0 "$CMAP" walk-area "$DEMO_MAP" --from stations --max 100 -o "$dir/wa100.geojson"
python3 - "$dir/wa.geojson" "$dir/wa100.geojson" <<'PY' || fail "walk-area: 100 m inside 500 m"
import json, sys
a, b = (json.load(open(f))['features'] for f in sys.argv[1:])
for x, y in zip(a, b):
    assert x['properties']['source_uuid'] == y['properties']['source_uuid']
    assert 0 < y['properties']['length_m'] < x['properties']['length_m'], (x['properties'], y['properties'])
PY
expect 2 "$CMAP" walk-area "$DEMO_MAP" --from stations -o "$dir/x.geojson"; one_line_error
expect 1 "$CMAP" walk-area "$DEMO_MAP" --from nowhere --max 5 -o "$dir/x.geojson"; one_line_error
[ ! -e "$dir/x.geojson" ] || fail "a refused walk-area wrote a file"
ok "walk-area: 5 features, length_m = SpatiaLite's geodesic ST_Length, no piece twice; 100 m areas lie within 500 m ones"

# cmap teams: the covered ground, the gaps and the buildings outside every team against
# SpatiaLite's own geodesic ST_Area and ST_Intersects on the stored areas
expect 0 "$CMAP" teams "$DEMO_MAP" --json -o "$dir/teams.geojson"
spatialite -silent "$DEMO_MAP" "SELECT ST_Area(ST_Union(geom), 1) FROM teams WHERE deleted = 0;
SELECT ST_Area(ST_Difference((SELECT ST_Union(geom) FROM boundary WHERE deleted = 0), (SELECT ST_Union(geom) FROM teams WHERE deleted = 0)), 1);
SELECT count(*) FROM buildings b WHERE deleted = 0 AND NOT EXISTS (SELECT 1 FROM teams t WHERE t.deleted = 0 AND ST_Intersects(t.geom, ST_PointOnSurface(b.geom)));" >"$dir/teams-want.txt" 2>/dev/null
python3 - "$dir/out" "$dir/teams-want.txt" "$dir/teams.geojson" <<'PY' || fail "teams --json against SpatiaLite"
import json, sys
d = json.load(open(sys.argv[1]))
covered, gaps, outside = [float(x) for x in open(sys.argv[2]).read().split()[-3:]]
s = d['summary']
assert s['teams'] == 3 == len(d['teams'])
assert abs(s['covered_m2'] - covered) < 0.005 * covered, (s, covered)
assert abs(s['gaps_m2'] - gaps) < 0.005 * gaps, (s, gaps)
assert s['buildings_outside'] == int(outside), (s, outside)
assert abs(s['covered_m2'] - (sum(t['area_m2'] for t in d['teams']) - s['overlap_m2'])) <= 3, s
assert len(d['overlaps']) == 1 and len(d['overlaps'][0]['teams']) == 2, d['overlaps']
g = json.load(open(sys.argv[3]))
assert sorted(f['properties']['kind'] for f in g['features']) == ['covered', 'gap', 'overlap']
PY
ok "teams: covered, gap areas and buildings outside equal SpatiaLite's ST_Area/ST_Intersects; one two-team overlap; GeoJSON has the three kinds"

# per compound: coverage and teams recounted in SQL by SpatiaLite on a copy of the demo with
# households, and one building put by hand in another compound than the one it stands in
cp "$DEMO_MAP" "$dir/compounds.sqlite"
ne=$(sqlite3 "$dir/compounds.sqlite" "SELECT uuid FROM compounds WHERE name = '东北小区'")
moved=$(sqlite3 "$dir/compounds.sqlite" "SELECT uuid FROM buildings ORDER BY id LIMIT 1")
# 西南小区 made a triangle: a building in its box but not in it belongs to no compound
spatialite -silent "$dir/compounds.sqlite" "UPDATE buildings SET households = id % 7, population = id % 13 WHERE id % 5 <> 0;
UPDATE buildings SET compound_uuid = '$ne' WHERE uuid = '$moved';
UPDATE compounds SET geom = CastToMulti(GeomFromText('POLYGON((116.3092 39.9915, 116.3200 39.9915, 116.3092 40.0018, 116.3092 39.9915))', 4326)) WHERE name = '西南小区';" >/dev/null 2>&1 || fail "spatialite"
cat >"$dir/per-compound.sql" <<SQL
SELECT coalesce(cname, '-'), count(*), sum(covered), sum(coalesce(households, 0)),
       sum(CASE WHEN covered THEN coalesce(households, 0) ELSE 0 END), sum(in_team),
       sum(CASE WHEN in_team THEN coalesce(population, 0) ELSE 0 END)
FROM (SELECT b.households, b.population,
        coalesce((SELECT c.name FROM compounds c WHERE c.deleted = 0 AND c.uuid = b.compound_uuid),
                 (SELECT c.name FROM compounds c WHERE c.deleted = 0
                  AND ST_Intersects(c.geom, ST_PointOnSurface(b.geom)) ORDER BY c.id LIMIT 1)) AS cname,
        EXISTS (SELECT 1 FROM stations s WHERE s.deleted = 0
                AND ST_Distance(s.geom, ST_PointOnSurface(b.geom), 1) <= s.service_radius_m) AS covered,
        EXISTS (SELECT 1 FROM teams t WHERE t.deleted = 0
                AND ST_Intersects(t.geom, ST_PointOnSurface(b.geom))) AS in_team
      FROM buildings b WHERE b.deleted = 0)
GROUP BY cname;
SQL
spatialite -silent "$dir/compounds.sqlite" <"$dir/per-compound.sql" >"$dir/per-compound.txt" 2>/dev/null || fail "spatialite per compound"
"$CMAP" coverage "$dir/compounds.sqlite" --radius --json >"$dir/cov-compounds.json" || fail "coverage --json"
"$CMAP" teams "$dir/compounds.sqlite" --json >"$dir/teams-compounds.json" || fail "teams --json"
python3 - "$dir/per-compound.txt" "$dir/cov-compounds.json" "$dir/teams-compounds.json" "$moved" "$ne" <<'PY' || fail "coverage and teams per compound differ from SpatiaLite's recount"
import json, sys
want = {}
for line in open(sys.argv[1]):
    if line.strip():
        name, n, cov, hh, hh_cov, team, pop_team = line.strip().split('|')
        want[None if name == '-' else name] = [int(x) for x in (n, cov, hh, hh_cov, team, pop_team)]
cov = json.load(open(sys.argv[2]))
teams = json.load(open(sys.argv[3]))
rows = {r['name']: r for r in cov['compounds'] if not r['whole']}
trows = {r['name']: r for r in teams['compounds'] if not r['whole']}
assert set(rows) == set(want) == {'西南小区', '东南小区', '西北网格', '东北小区', None}, (rows.keys(), want.keys())
for name, (n, c, hh, hh_cov, team, pop_team) in want.items():
    r, t = rows[name], trows[name]
    assert (r['buildings'], r['covered'], r['households'], r['households_covered']) == (n, c, hh, hh_cov), (name, r, want[name])
    assert (t['buildings'], t['covered'], t['population_covered']) == (n, team, pop_team), (name, t, want[name])
whole = cov['compounds'][-1]
assert whole['whole'] and whole['buildings'] == 626 == sum(v[0] for v in want.values())
assert whole['covered'] == cov['summary']['covered'] and whole['households_covered'] == cov['summary']['households_covered']
# the building put in 东北小区 by hand is counted there, wherever it stands
b = next(b for b in cov['buildings'] if b['uuid'] == sys.argv[4])
assert b['compound'] == sys.argv[5], b
assert [r['kind'] for r in cov['compounds'][:4]] == ['compound', 'compound', 'grid', 'compound']
PY
"$CMAP" lifecircle "$dir/compounds.sqlite" --json >"$dir/lc-compounds.json" || fail "lifecircle --json"
python3 - "$dir/lc-compounds.json" <<'PY' || fail "lifecircle per compound"
import json, sys
d = json.load(open(sys.argv[1]))
rows = d['compounds']
assert len(rows) == 6 and rows[-1]['whole'], rows
for c in d['circles']:
    met = sum(r['circles'][c['key']]['buildings_met'] for r in rows[:-1])
    assert met == c['buildings_met'] == rows[-1]['circles'][c['key']]['buildings_met'], (c, met)
PY
"$CMAP" coverage "$dir/compounds.sqlite" --radius | grep -q "(whole community)" || fail "coverage's table per compound"
ok "per compound: coverage (buildings, covered, households) and teams equal SpatiaLite's recount; a compound set by hand wins; the life circle's per-compound counts add up"

# cmap join: a residents' committee's table of buildings in UTF-8, UTF-8 with a BOM and
# GB18030; matched by source_id; a key that matches nothing listed; 备注 left out; bad values,
# a repeated key and a missing key column refused with the map byte for byte unchanged;
# joining the same file again changes nothing
cp "$DEMO_MAP" "$dir/join.sqlite"
sqlite3 "$dir/join.sqlite" "SELECT source_id FROM buildings WHERE deleted = 0 AND households IS NULL ORDER BY id LIMIT 4" >"$dir/join-ids.txt"
known=$(sqlite3 "$dir/join.sqlite" "SELECT count(*) FROM buildings WHERE households IS NOT NULL")
python3 - "$dir" "$dir/join-ids.txt" <<'PY' || fail "writing the join tables"
import sys
d, ids = sys.argv[1], [l.strip() for l in open(sys.argv[2]) if l.strip()]
def table(households, heads, extra_rows=()):
    rows = ['楼栋编号,户数,常住人口,楼长,备注']
    for i, sid in enumerate(ids):
        rows.append(f'{sid},{households + i},{3 * (households + i)},"{heads}{i}",第{i}栋')
    rows += list(extra_rows)
    return '\r\n'.join(rows) + '\r\n'
open(f'{d}/utf8.csv', 'w', encoding='utf-8').write(table(40, '王阿姨', ['way/0,12,30,李四,拆了']))
open(f'{d}/bom.csv', 'w', encoding='utf-8-sig').write(table(50, '张伯'))
open(f'{d}/gb.csv', 'w', encoding='gb18030').write(table(60, '刘姐'))
open(f'{d}/bad.csv', 'w', encoding='utf-8').write(
    '楼栋编号,户数,人口\n' + f'{ids[0]},abc,10\n' + f'{ids[1]},20,-5\n' + f'{ids[2]},2.5,7\n')
open(f'{d}/dup.csv', 'w', encoding='utf-8').write(
    '楼栋编号,户数\n' + f'{ids[0]},10\n' + f'{ids[1]},20\n' + f'{ids[0]},11\n')
PY
first=$(head -1 "$dir/join-ids.txt")
expect 2 "$CMAP" join "$dir/join.sqlite" "$dir/utf8.csv"; one_line_error
expect 0 "$CMAP" join "$dir/join.sqlite" "$dir/utf8.csv" --key 楼栋编号=source_id
grep -q "UTF-8): 5 rows; 4 match" "$dir/out" || fail "join utf8: $(cat "$dir/out")"
grep -q "row 6: way/0 matches no feature" "$dir/out" || fail "join: the unmatched row is not listed: $(cat "$dir/out")"
grep -q "column 备注 names no field" "$dir/out" || fail "join: 备注 not said to be left out: $(cat "$dir/out")"
grep -q "4 features changed" "$dir/out" || fail "join: $(cat "$dir/out")"
[ "$(sqlite3 "$dir/join.sqlite" "SELECT households || '/' || population || '/' || building_head FROM buildings WHERE source_id = '$first'")" = "40/120/王阿姨0" ] \
  || fail "join: the first building's fields"
[ "$(sqlite3 "$dir/join.sqlite" "SELECT count(*) FROM buildings WHERE households IS NOT NULL")" = $((known + 4)) ] || fail "join: households set on other buildings"
before=$(sha256sum <"$dir/join.sqlite")
expect 0 "$CMAP" join "$dir/join.sqlite" "$dir/utf8.csv" --key 楼栋编号=source_id
grep -q "0 features changed" "$dir/out" || fail "join again: $(cat "$dir/out")"
[ "$(sha256sum <"$dir/join.sqlite")" = "$before" ] || fail "joining the same file again changed the map"
expect 0 "$CMAP" join "$dir/join.sqlite" "$dir/bom.csv" --key 楼栋编号=source_id --json
python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['encoding'] == 'UTF-8 with BOM' and d['matched'] == 4 and d['changed'] == 4 and d['applied'], d
assert d['used'] == ['户数 → households', '常住人口 → population', '楼长 → building_head'], d['used']
assert d['left_out'] == ['备注'] and d['problems'] == [], d
" "$dir/out" || fail "join bom --json: $(cat "$dir/out")"
expect 0 "$CMAP" join "$dir/join.sqlite" "$dir/gb.csv" --key 楼栋编号=source_id
grep -q "(GB18030)" "$dir/out" || fail "join GB18030: $(cat "$dir/out")"
[ "$(sqlite3 "$dir/join.sqlite" "SELECT households || '/' || building_head FROM buildings WHERE source_id = '$first'")" = "60/刘姐0" ] \
  || fail "join GB18030: the first building's fields"
before=$(sha256sum <"$dir/join.sqlite")
expect 1 "$CMAP" join "$dir/join.sqlite" "$dir/bad.csv" --key 楼栋编号=source_id
grep -q "row 2, column 户数: Households takes a whole number from 0 to 100,000, not “abc”" "$dir/err" || fail "join bad: $(cat "$dir/err")"
grep -q "row 3, column 人口: Residents takes a whole number" "$dir/err" || fail "join bad: $(cat "$dir/err")"
grep -q "row 4, column 户数: .*not “2.5”" "$dir/err" || fail "join bad: $(cat "$dir/err")"
tail -1 "$dir/err" | grep -q "3 values that cannot be used" || fail "join bad: the last line: $(tail -1 "$dir/err")"
expect 1 "$CMAP" join "$dir/join.sqlite" "$dir/dup.csv" --key 楼栋编号=source_id
grep -q "row 4, column 楼栋编号: the key is given again (first on row 2)" "$dir/err" || fail "join dup: $(cat "$dir/err")"
expect 1 "$CMAP" join "$dir/join.sqlite" "$dir/utf8.csv" --key 编号=source_id; one_line_error
grep -q "no column “编号”" "$dir/err" || fail "join: a missing key column: $(cat "$dir/err")"
expect 1 "$CMAP" join "$dir/join.sqlite" "$dir/utf8.csv" --key 楼栋编号=households; one_line_error
[ "$(sha256sum <"$dir/join.sqlite")" = "$before" ] || fail "a refused join changed the map"
ok "join: UTF-8, UTF-8 with BOM and GB18030 by source_id; unmatched listed, 备注 left out; again: no change (sha256); bad values, a repeated key, a missing column refused with every cell listed and the map unchanged (sha256)"

# the demo's reports were given their stations by name (data/demo/reports-responsible.csv);
# a report's station or team by its name, an unknown one and a status refused
[ "$(sqlite3 "$DEMO_MAP" "SELECT count(*) FROM reports r JOIN stations s ON s.uuid = r.responsible_uuid WHERE r.source_id = 'demo-report-3' AND s.name = '北区社区服务站'")" = 1 ] \
  || fail "the demo's report 3 is not 北区社区服务站's"
printf '编号,负责\r\ndemo-report-4,青年志愿服务队\r\n' >"$dir/resp.csv"
expect 0 "$CMAP" join "$dir/join.sqlite" "$dir/resp.csv" --layer reports --key 编号=source_id
[ "$(sqlite3 "$dir/join.sqlite" "SELECT t.name FROM reports r JOIN teams t ON t.uuid = r.responsible_uuid WHERE r.source_id = 'demo-report-4'")" = 青年志愿服务队 ] \
  || fail "join of a report's team by name: $(cat "$dir/out")"
before=$(sha256sum <"$dir/join.sqlite")
printf '编号,负责\r\ndemo-report-6,没有这个站\r\n' >"$dir/resp-bad.csv"
expect 1 "$CMAP" join "$dir/join.sqlite" "$dir/resp-bad.csv" --layer reports --key 编号=source_id
grep -q "row 2, column 负责: No station or team is called “没有这个站”: use one of 照澜院连心工作站, " "$dir/err" || fail "join of an unknown station: $(cat "$dir/err")"
printf '编号,状态\r\ndemo-report-6,已解决\r\n' >"$dir/status.csv"
expect 1 "$CMAP" join "$dir/join.sqlite" "$dir/status.csv" --layer reports --key 编号=source_id
grep -q "status changes only with a follow-up" "$dir/err" || fail "join of a report's status: $(cat "$dir/err")"
[ "$(sha256sum <"$dir/join.sqlite")" = "$before" ] || fail "a refused join of reports changed the map"
ok "join of reports: a team by its name; an unknown station and a status refused, saying why, the map unchanged"

# cmap join from .xlsx: a workbook Excel-style (openpyxl: shared strings, numbers, a title row
# and a blank row above the header, a second sheet not read), checked against GDAL's XLSX
# reader; one made by hand with what openpyxl does not write (inline strings, rich text with a
# phonetic guide that is not the text, a number written 1.2E2, namespace prefixes, the first
# sheet not being sheet1.xml); a bad value given its row as the spreadsheet numbers it; and a
# damaged, a bomb, a non-workbook and an .xls file refused with the map unchanged
/usr/bin/python3 - "$dir" "$dir/join-ids.txt" <<'PY' || fail "writing the join workbooks"
import sys, zipfile, openpyxl
d, ids = sys.argv[1], [l.strip() for l in open(sys.argv[2]) if l.strip()]
wb = openpyxl.Workbook(); ws = wb.active; ws.title = '楼栋'
ws.append(['金宁社区楼栋信息表']); ws.append([])
ws.append(['楼栋编号', '户数', '常住人口', '楼长', '备注'])
for i, sid in enumerate(ids):
    ws.append([sid, 70 + i, 210 + 3 * i, f'赵姐{i}', None if i else '东门'])
ws.append(['way/0', 1, 2, '无', None])
wb.create_sheet('其他').append(['楼栋编号', '户数']); wb['其他'].append([ids[0], 999])
wb.save(f'{d}/good.xlsx')
wb = openpyxl.Workbook(); ws = wb.active
ws.append(['楼栋编号', '户数']); ws.append([ids[0], 5]); ws.append([]); ws.append([ids[1], 'abc'])
wb.save(f'{d}/bad.xlsx')

N = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
parts = {
  'xl/workbook.xml': f'<?xml version="1.0"?><x:workbook {N}><x:sheets><x:sheet name="B" sheetId="7" r:id="rId9"/><x:sheet name="A" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>',
  'xl/_rels/workbook.xml.rels': '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="w"/><Relationship Id="rId9" Target="/xl/worksheets/sheet9.xml" Type="w"/></Relationships>',
  'xl/sharedStrings.xml': f'<?xml version="1.0"?><x:sst {N}><x:si><x:t>楼栋编号</x:t></x:si><x:si><x:r><x:t>王</x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t xml:space="preserve">秀英</x:t></x:r><x:rPh sb="0" eb="1"><x:t>wang</x:t></x:rPh></x:si><x:si><x:t>户数</x:t></x:si></x:sst>',
  'xl/worksheets/sheet1.xml': f'<x:worksheet {N}><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>not this sheet</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>',
  'xl/worksheets/sheet9.xml': f'<x:worksheet {N}><x:sheetData><x:row r="2"><x:c r="B2" t="s"><x:v>0</x:v></x:c><x:c r="C2" t="s"><x:v>2</x:v></x:c><x:c r="E2" t="inlineStr"><x:is><x:t>楼长</x:t></x:is></x:c></x:row>'
      f'<x:row r="3"><x:c r="B3" t="inlineStr"><x:is><x:t>{ids[2]}</x:t></x:is></x:c><x:c r="C3"><x:v>1.2E2</x:v></x:c><x:c r="D3" s="1"/><x:c r="E3" t="s"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>',
}
with zipfile.ZipFile(f'{d}/hand.xlsx', 'w', zipfile.ZIP_DEFLATED) as z:
    for name, text in parts.items():
        z.writestr(name, text, zipfile.ZIP_STORED if name.endswith('rels') else zipfile.ZIP_DEFLATED)
good = open(f'{d}/good.xlsx', 'rb').read()
open(f'{d}/cut.xlsx', 'wb').write(good[:len(good) // 2])
# a bomb: a sheet that says it is 2 kB but inflates to 2 MB
with zipfile.ZipFile(f'{d}/bomb.xlsx', 'w', zipfile.ZIP_DEFLATED) as z:
    for name in ('xl/workbook.xml', 'xl/_rels/workbook.xml.rels'):
        z.writestr(name, parts[name])
    z.writestr('xl/worksheets/sheet9.xml', '<a>' + ' ' * 2000000 + '</a>')
b = bytearray(open(f'{d}/bomb.xlsx', 'rb').read())
at = b.rfind(b'PK\x01\x02')  # the last member's entry in the central directory: its size
b[at + 24:at + 28] = (2048).to_bytes(4, 'little')
open(f'{d}/bomb.xlsx', 'wb').write(bytes(b))
# one letter of a stored part changed: its CRC-32 no longer holds
h = open(f'{d}/hand.xlsx', 'rb').read()
at = h.index(b'Target="worksheets/sheet1.xml"')
open(f'{d}/crc.xlsx', 'wb').write(h[:at] + b'X' + h[at + 1:])
with zipfile.ZipFile(f'{d}/notes.xlsx', 'w') as z:
    z.writestr('content.xml', '<office:document/>')
open(f'{d}/old.xls', 'wb').write(b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + bytes(504))
PY
ogr2ogr -f CSV "$dir/gdal.csv" "$dir/good.xlsx" 楼栋 -oo HEADERS=DISABLE 2>/dev/null || fail "GDAL cannot read the workbook"
[ "$(sed -n 5p "$dir/gdal.csv" | cut -d, -f1-4)" = "$first,\"70\",\"210\",赵姐0" ] || fail "GDAL reads the workbook otherwise: $(sed -n 5p "$dir/gdal.csv")"
expect 0 "$CMAP" join "$dir/join.sqlite" "$dir/good.xlsx" --key 楼栋编号=source_id
grep -q "(xlsx): 5 rows; 4 match" "$dir/out" || fail "join xlsx: $(cat "$dir/out")"
grep -q "row 8: way/0 matches no feature" "$dir/out" || fail "join xlsx: the unmatched row by its number in the sheet: $(cat "$dir/out")"
grep -q "4 features changed" "$dir/out" || fail "join xlsx: $(cat "$dir/out")"
[ "$(sqlite3 "$dir/join.sqlite" "SELECT households || '/' || population || '/' || building_head FROM buildings WHERE source_id = '$first'")" = "70/210/赵姐0" ] \
  || fail "join xlsx: the first building's fields are not those GDAL reads"
before=$(sha256sum <"$dir/join.sqlite")
expect 0 "$CMAP" join "$dir/join.sqlite" "$dir/good.xlsx" --key 楼栋编号=source_id
grep -q "0 features changed" "$dir/out" || fail "join xlsx again: $(cat "$dir/out")"
third=$(sed -n 3p "$dir/join-ids.txt")
expect 0 "$CMAP" join "$dir/join.sqlite" "$dir/hand.xlsx" --key 楼栋编号=source_id
grep -q "1 rows; 1 match" "$dir/out" || fail "join hand-made xlsx: $(cat "$dir/out")"
[ "$(sqlite3 "$dir/join.sqlite" "SELECT households || '/' || building_head FROM buildings WHERE source_id = '$third'")" = "120/王秀英" ] \
  || fail "join hand-made xlsx: $(sqlite3 "$dir/join.sqlite" "SELECT households || '/' || building_head FROM buildings WHERE source_id = '$third'")"
before=$(sha256sum <"$dir/join.sqlite")
expect 1 "$CMAP" join "$dir/join.sqlite" "$dir/bad.xlsx" --key 楼栋编号=source_id
grep -q "row 4, column 户数: .*not “abc”" "$dir/err" || fail "join bad xlsx: $(cat "$dir/err")"
for f in cut bomb notes; do
  expect 1 "$CMAP" join "$dir/join.sqlite" "$dir/$f.xlsx" --key 楼栋编号=source_id; one_line_error
done
expect 1 "$CMAP" join "$dir/join.sqlite" "$dir/bomb.xlsx" --key 楼栋编号=source_id
grep -q "damaged (a compressed part does not inflate to its size)" "$dir/err" || fail "join bomb: $(cat "$dir/err")"
expect 1 "$CMAP" join "$dir/join.sqlite" "$dir/crc.xlsx" --key 楼栋编号=source_id
grep -q "damaged (a part's checksum is wrong)" "$dir/err" || fail "join a changed part: $(cat "$dir/err")"
expect 1 "$CMAP" join "$dir/join.sqlite" "$dir/notes.xlsx" --key 楼栋编号=source_id
grep -q "not an Excel workbook" "$dir/err" || fail "join a zip: $(cat "$dir/err")"
expect 1 "$CMAP" join "$dir/join.sqlite" "$dir/old.xls" --key 楼栋编号=source_id; one_line_error
grep -q "Excel 97–2003 workbook (.xls)" "$dir/err" || fail "join .xls: $(cat "$dir/err")"
[ "$(sha256sum <"$dir/join.sqlite")" = "$before" ] || fail "a refused xlsx join changed the map"
ok "join .xlsx: openpyxl's workbook read as GDAL reads it (title row above the header, row numbers as the sheet's, second sheet not read), again no change; a hand-made one (inline and rich text without its phonetic guide, 1.2E2, prefixes, the first sheet by the workbook's order); a bad value, a cut file, a bomb, a changed part, a plain zip and an .xls refused, the map unchanged"

# cmap suggest: three sites, each counted after the ones before; put there as stations, cmap
# coverage --walk gains exactly what suggest said
expect 0 "$CMAP" suggest "$DEMO_MAP" --walk 300 --count 3 --json
cp "$dir/out" "$dir/suggest.json"
cp "$DEMO_MAP" "$dir/suggest.sqlite"
python3 - "$dir/suggest.json" "$dir/sites.geojson" <<'PY' || fail "suggest --json: $(cat "$dir/suggest.json")"
import json, sys
d = json.load(open(sys.argv[1]))
s = d['summary']
assert s['by'] == 'households' and s['buildings'] == 626 and len(d['sites']) == 3, d
assert all(set(x) >= {'lon', 'lat', 'households', 'residents', 'buildings', 'near'} for x in d['sites'])
gains = [x['households'] for x in d['sites']]
assert gains == sorted(gains, reverse=True) and gains[0] > 0, gains
assert all(x['near'] for x in d['sites']), d['sites']
json.dump({'type': 'FeatureCollection', 'features': [
    {'type': 'Feature', 'geometry': {'type': 'Point', 'coordinates': [x['lon'], x['lat']]},
     'properties': {'name': f'site {i}', 'map_layer': 'stations'}} for i, x in enumerate(d['sites'])]},
    open(sys.argv[2], 'w'))
PY
before=$("$CMAP" coverage "$dir/suggest.sqlite" --walk 300 --json | python3 -c "import json,sys; print(json.load(sys.stdin)['summary']['covered'])")
expect 0 "$CMAP" import "$dir/suggest.sqlite" "$dir/sites.geojson"
after=$("$CMAP" coverage "$dir/suggest.sqlite" --walk 300 --json | python3 -c "import json,sys; print(json.load(sys.stdin)['summary']['covered'])")
python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
before, after = int(sys.argv[2]), int(sys.argv[3])
assert d['summary']['covered_before'] == before, (d['summary'], before)
assert after - before == sum(x['buildings'] for x in d['sites']), (before, after, d['sites'])
" "$dir/suggest.json" "$before" "$after" || fail "suggest: coverage with the sites as stations gains $((after - before)), not what suggest said"
expect 2 "$CMAP" suggest "$DEMO_MAP"; one_line_error
expect 2 "$CMAP" suggest "$DEMO_MAP" --walk 300 --count 0; one_line_error
ok "suggest: 3 sites by households, each named by what is near; as stations, coverage --walk gains exactly what suggest said ($before → $after)"

# cmap lifecircle: the JSON's shares match its counts, the CSV has a row per building and a
# pair of columns per facility, the PDF is a Chinese report (text read back by pdftotext)
expect 0 "$CMAP" lifecircle "$DEMO_MAP" --json --pdf "$dir/lc.pdf"
python3 - "$dir/out" <<'PY' || fail "lifecircle --json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d['buildings'] == 626
assert [c['key'] for c in d['circles']] == ['15min', '10min', '5min', 'block']
assert [c['walk_m'] for c in d['circles']] == [1000, 500, 300, 150]
f = {x['key']: x for x in d['facilities']}
assert len(f) == 25
assert f['public_toilet']['buildings_pass'] == 13 and f['public_toilet']['found'] == 1
assert f['service_station']['found'] == 5 and f['service_station']['buildings_pass'] == 55
assert f['waste_point']['max_m'] == 70
assert all(abs(x['buildings_share'] - x['buildings_pass'] / 626) < 1e-4 for x in d['facilities'])
# every building lacks a kindergarten (there is none), so every building fails
assert len(d['failing']) == 626
assert all(any(l['facility'] == 'kindergarten' and l['walk_m'] is None for l in b['lacks']) for b in d['failing'])
PY
[ "$(pdfinfo "$dir/lc.pdf" | awk '/^Pages:/ {print $2}')" -ge 6 ] || fail "lifecircle --pdf: fewer than 6 pages"
# (to files, not pipes: grep -q closing a pipe early fails the pipeline under pipefail)
pdftotext "$dir/lc.pdf" "$dir/lc.txt" && pdftotext -f 2 -l 2 "$dir/lc.pdf" "$dir/lc2.txt" || fail "pdftotext could not read the report"
grep -q "社区生活圈评估报告" "$dir/lc.txt" || fail "the PDF has no Chinese title"
grep -q "十五分钟生活圈" "$dir/lc2.txt" || fail "page 2 is not the 15-minute map"
grep -q "未达标建筑" "$dir/lc.txt" || fail "the PDF has no list of failing buildings"
grep -q "OpenStreetMap contributors" "$dir/lc.txt" || fail "the PDF lacks the OSM attribution"
# failing buildings grouped per circle by what they lack: the counts in a circle's table add up
# to the circle's failing buildings (15-minute circle: all 626, the demo has no kindergarten)
grep -q "十五分钟生活圈（1000 米）：626 栋建筑未达标" "$dir/lc.txt" || fail "no table of the 15-minute circle's failing buildings"
grep -q "每栋建筑的清单" "$dir/lc.txt" || fail "the report does not say where the list of buildings is"
! grep -q "^1\. " "$dir/lc.txt" || fail "the report lists every building without --details"
expect 0 "$CMAP" lifecircle "$DEMO_MAP" --pdf "$dir/lc-details.pdf" --details
pdftotext "$dir/lc-details.pdf" "$dir/lcd.txt" || fail "pdftotext --details"
grep -q "未达标建筑清单" "$dir/lcd.txt" || fail "--details: no list of the failing buildings"
[ "$(grep -c "米" "$dir/lcd.txt")" -gt "$(grep -c "米" "$dir/lc.txt")" ] || fail "--details adds no distances"
expect 0 "$CMAP" lifecircle "$DEMO_MAP" --csv
[ "$(wc -l <"$dir/out")" -eq 627 ] || fail "lifecircle --csv: a header and 626 rows"
[ "$(head -1 "$dir/out" | tr ',' '\n' | wc -l)" -eq $((6 + 4 + 2 * 25)) ] || fail "lifecircle --csv columns"
echo '{"circles": [{"key": "a", "walk_m": 300}], "facilities": [{"key": "x", "circle": "a", "from": ["resources:school"]}]}' >"$dir/bad-table.json"
expect 1 "$CMAP" lifecircle "$DEMO_MAP" --table "$dir/bad-table.json" --pdf "$dir/bad.pdf"; one_line_error
grep -q "facility 1" "$dir/err" || fail "a bad table's error does not say which row"
[ ! -e "$dir/bad.pdf" ] && [ ! -e "$dir/bad.pdf.partial" ] || fail "a refused lifecircle wrote a PDF"
ok "lifecircle: JSON counts and shares, CSV 626 rows x 60 columns, a Chinese PDF with maps and the failing buildings; a bad table names its row and writes nothing"

# A map whose folder does not let us create files (the Flatpak document portal's case, or a
# read-only USB stick): refused with why and what to do, the file unchanged, nothing created.
# As root the folder's permissions do not bind, so the check runs as nobody (setpriv).
ro="$dir/ro"
mkdir -p "$ro/maps"
cp "$DEMO_MAP" "$ro/maps/m.sqlite"
chmod 0666 "$ro/maps/m.sqlite"
as_user=()
if [ "$(id -u)" = 0 ]; then
  chown -R 65534:65534 "$ro"
  chmod 0755 "$dir"
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
chmod 0555 "$ro/maps"
before=$(sha256sum <"$ro/maps/m.sqlite")
echo '{"type": "Feature", "properties": {"name": "x"}, "geometry": {"type": "Point", "coordinates": [116.32, 40.0]}}' >"$dir/pt.geojson"
chmod 0644 "$dir/pt.geojson"
expect 1 "${as_user[@]}" "$CMAP" import "$ro/maps/m.sqlite" "$dir/pt.geojson"; one_line_error
grep -q "does not let Community Map create files" "$dir/err" || fail "read-only folder: $(cat "$dir/err")"
grep -q "Copy the map to a folder you can write to" "$dir/err" || fail "read-only folder: no advice"
[ "$(sha256sum <"$ro/maps/m.sqlite")" = "$before" ] || fail "read-only folder: the map changed"
[ "$(ls -A "$ro/maps")" = "m.sqlite" ] || fail "read-only folder: files were left: $(ls -A "$ro/maps")"
chmod 0755 "$ro/maps"
ok "a map in a folder that does not allow new files is refused with why and what to do, unchanged"
# cmap merge, conflicts, resolve (docs/merge.md): two byte-identical copies of the demo, one
# renames a resource and deletes another, the other renames the first too and adds one; a
# dry run writes nothing; the merge brings 1 added, 1 deleted, 1 conflict; merging again is
# nothing new (not a byte written); the conflict listed whole in JSON and resolved by "theirs",
# which the other copy takes; a file that is not a map refused with one line, the map unchanged
cp "$DEMO_MAP" "$dir/ma.sqlite"; cp "$DEMO_MAP" "$dir/mb.sqlite"
u1=$(sqlite3 "$dir/ma.sqlite" "SELECT uuid FROM resources WHERE deleted = 0 ORDER BY id LIMIT 1")
u2=$(sqlite3 "$dir/ma.sqlite" "SELECT uuid FROM resources WHERE deleted = 0 ORDER BY id LIMIT 1 OFFSET 1")
spatialite -silent "$dir/ma.sqlite" "UPDATE resources SET name = '甲改的' WHERE uuid = '$u1'; UPDATE resources SET deleted = 1 WHERE uuid = '$u2';" >/dev/null 2>&1
spatialite -silent "$dir/mb.sqlite" "UPDATE resources SET name = '乙改的' WHERE uuid = '$u1';" >/dev/null 2>&1
printf '{"type":"Feature","geometry":{"type":"Point","coordinates":[116.32,40.0]},"properties":{"name":"乙加的"}}\n' >"$dir/add.geojson"
"$CMAP" import "$dir/mb.sqlite" "$dir/add.geojson" --layer resources >/dev/null || fail "import into mb"
"$CMAP" info "$dir/ma.sqlite" >/dev/null # opened for writing: spatialite's edits get their version
[ "$(sqlite3 "$dir/ma.sqlite" "SELECT count(*) FROM cm_pending")" = 0 ] || fail "cmap left spatialite's edits unversioned"
before=$(sha256sum <"$dir/ma.sqlite")
expect 0 "$CMAP" merge "$dir/ma.sqlite" "$dir/mb.sqlite" --dry-run
grep -q "would bring" "$dir/out" || fail "merge --dry-run: $(cat "$dir/out")"
[ "$(sha256sum <"$dir/ma.sqlite")" = "$before" ] || fail "merge --dry-run wrote to the map"
expect 0 "$CMAP" merge "$dir/mb.sqlite" "$dir/ma.sqlite" --json
python3 - "$dir/out" <<'PY' || fail "merge --json: $(cat "$dir/out")"
import json, sys
d = json.load(open(sys.argv[1]))['merged'][0]
r = d['tables']['resources']
assert d['applied'] and not d['nothing_new'], d
assert r['deleted'] == 1 and r['conflicts'] == 1 and r['changed'] <= 1 and r['added'] == 0, r  # the conflict's live name may be the other's
PY
live=$(sqlite3 "$dir/mb.sqlite" "SELECT count(*) FROM resources WHERE deleted = 0")
[ "$live" = 244 ] || fail "after the merge $live live resources, not 244 (244 + 1 added - 1 deleted)"
after=$(sha256sum <"$dir/mb.sqlite")
expect 0 "$CMAP" merge "$dir/mb.sqlite" "$dir/ma.sqlite"
grep -q "nothing new" "$dir/out" || fail "merge again: $(cat "$dir/out")"
[ "$(sha256sum <"$dir/mb.sqlite")" = "$after" ] || fail "merging again wrote to the map"
expect 0 "$CMAP" conflicts "$dir/mb.sqlite" --json
python3 - "$dir/out" "$u1" <<'PY' || fail "conflicts --json: $(cat "$dir/out")"
import json, sys
c = json.load(open(sys.argv[1]))['conflicts']
assert len(c) == 1 and c[0]['uuid'] == sys.argv[2] and c[0]['layer'] == 'resources', c
assert c[0]['fields'] == ['name'], c
assert sorted([c[0]['mine']['name'], c[0]['theirs']['name']]) == ['乙改的', '甲改的'], c
PY
theirs=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['conflicts'][0]['theirs']['name'])" "$dir/out")
expect 2 "$CMAP" resolve "$dir/mb.sqlite" "$u1" --keep nobody; one_line_error
expect 1 "$CMAP" resolve "$dir/mb.sqlite" not-a-uuid --keep mine; one_line_error
expect 0 "$CMAP" resolve "$dir/mb.sqlite" "$u1" --keep theirs
[ "$(sqlite3 "$dir/mb.sqlite" "SELECT name FROM resources WHERE uuid = '$u1'")" = "$theirs" ] || fail "resolve --keep theirs"
expect 0 "$CMAP" conflicts "$dir/mb.sqlite"; grep -q "No conflicts" "$dir/out" || fail "conflicts after resolve: $(cat "$dir/out")"
expect 0 "$CMAP" merge "$dir/ma.sqlite" "$dir/mb.sqlite"
[ "$(sqlite3 "$dir/ma.sqlite" "SELECT name FROM resources WHERE uuid = '$u1'")" = "$theirs" ] || fail "the resolution did not travel"
[ "$(sqlite3 "$dir/ma.sqlite" "SELECT count(*) FROM cm_conflicts")" = 0 ] || fail "the other copy keeps the conflict"
before=$(sha256sum <"$dir/ma.sqlite")
expect 1 "$CMAP" merge "$dir/ma.sqlite" "$dir/add.geojson"; one_line_error
expect 2 "$CMAP" merge "$dir/ma.sqlite"; one_line_error
[ "$(sha256sum <"$dir/ma.sqlite")" = "$before" ] || fail "a refused merge changed the map"
"$CMAP" check "$dir/ma.sqlite" >/dev/null || fail "cmap check after merging"
# a map of another place (Porto, not the Beijing demo) is probably the wrong file: refused
# without --force, merged with it
expect 0 "$CMAP" new "$dir/porto.sqlite" --name porto
expect 0 "$CMAP" import "$dir/porto.sqlite" "$CM_SHARED_DATA/porto-centro/pois.geojson"
before=$(sha256sum <"$dir/ma.sqlite")
expect 1 "$CMAP" merge "$dir/ma.sqlite" "$dir/porto.sqlite"; one_line_error
grep -q "covers another area than this map" "$dir/err" || fail "merge of another place: $(cat "$dir/err")"
[ "$(sha256sum <"$dir/ma.sqlite")" = "$before" ] || fail "a merge of another place changed the map"
expect 0 "$CMAP" merge "$dir/ma.sqlite" "$dir/porto.sqlite" --force --json
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['merged'][0]['tables']['resources']; assert r['added'] == 5096, r" "$dir/out" \
  || fail "merge --force: $(cat "$dir/out")"
ok "merge: dry run writes nothing; 1 added, 1 deleted, 1 conflict (JSON); again nothing new (sha256); conflicts --json whole; resolve --keep theirs travels to the other copy; a file not a map refused in one line, the map unchanged; a map of another place refused without --force"

# clocks that are wrong (docs/merge.md: no rule reads them): copy B's laptop runs an hour, then
# a year behind (faketime, real processes). A renames r3; B takes A's map in, then renames r3
# again — later, though its clock says earlier — and renames r2 alone; since then both renamed
# r1. Merged
# back into A: B's later r3 wins without a conflict (last-writer-wins by the clock would keep
# A's), r2 arrives, r1 is one conflict with both names; the same for every skew.
"$CMAP" export "$DEMO_MAP" --layer resources -o "$dir/all.geojson" >/dev/null || fail "export for the skew test"
edit() { # MAP SKEW UUID=NAME...: renames through cmap import, its clock set back by SKEW
  local map=$1 skew=$2; shift 2
  python3 - "$dir/all.geojson" "$dir/edit.geojson" "$@" <<'PY' || fail "edit file"
import json, sys
names = dict(a.split('=', 1) for a in sys.argv[3:])
feats = [f for f in json.load(open(sys.argv[1]))['features'] if f['properties']['uuid'] in names]
for f in feats:
    p = f['properties']; p['name'] = names[p['uuid']]; p.pop('created_at'); p.pop('updated_at')
json.dump({'type': 'FeatureCollection', 'features': feats}, open(sys.argv[2], 'w'), ensure_ascii=False)
PY
  faketime -f "$skew" "$CMAP" import "$map" "$dir/edit.geojson" >/dev/null || fail "import under faketime $skew"
}
mapfile -t r < <(sqlite3 "$DEMO_MAP" "SELECT uuid FROM resources WHERE deleted = 0 ORDER BY id LIMIT 3")
for skew in +0 -1h -1y; do
  cp "$DEMO_MAP" "$dir/sa.sqlite"; cp "$DEMO_MAP" "$dir/sb.sqlite"
  edit "$dir/sa.sqlite" +0 "${r[2]}=甲改三"
  faketime -f "$skew" "$CMAP" merge "$dir/sb.sqlite" "$dir/sa.sqlite" >/dev/null || fail "merge under faketime $skew"
  edit "$dir/sa.sqlite" +0 "${r[0]}=甲改一"
  edit "$dir/sb.sqlite" "$skew" "${r[2]}=乙后改三" "${r[1]}=乙改二" "${r[0]}=乙改一"
  a_at=$(sqlite3 "$dir/sa.sqlite" "SELECT updated_at FROM resources WHERE uuid = '${r[2]}'")
  b_at=$(sqlite3 "$dir/sb.sqlite" "SELECT updated_at FROM resources WHERE uuid = '${r[2]}'")
  if [ "$skew" != +0 ]; then [[ "$b_at" < "$a_at" ]] || fail "faketime $skew: B's later edit is not dated earlier ($b_at, $a_at)"; fi
  expect 0 "$CMAP" merge "$dir/sa.sqlite" "$dir/sb.sqlite" --json
  expect 0 "$CMAP" merge "$dir/sb.sqlite" "$dir/sa.sqlite"
  for m in sa sb; do
    got=$(sqlite3 "$dir/$m.sqlite" "SELECT group_concat(v, ';') FROM (SELECT name AS v FROM resources WHERE uuid IN ('${r[1]}', '${r[2]}') ORDER BY id) UNION ALL SELECT group_concat(v, ';') FROM (SELECT v FROM (SELECT name AS v FROM resources WHERE uuid = '${r[0]}' UNION ALL SELECT CAST(value AS TEXT) FROM cm_conflicts WHERE uuid = '${r[0]}' AND field = 'name') ORDER BY v) UNION ALL SELECT count(*) FROM cm_conflicts WHERE field <> 'deleted'")
    [ "$got" = "$(printf '乙改二;乙后改三\n乙改一;甲改一\n1')" ] || fail "faketime $skew, $m: $got"
  done
done
ok "clocks an hour and a year behind (faketime): a later edit dated earlier still wins, a lone edit arrives, a conflict keeps both names: the same result for every skew"

# cmap poster (issue #15): the demo on A1 as a PDF: the page is A1, every font embedded, the
# title, every team's name, the layers' and the categories' legend entries, the credits and the
# OpenStreetMap attribution in its text; a PNG at 150 dpi has the pixels of A1 at 150 dpi; in
# Chinese, the legend and the scale in Chinese; bad options and an empty map refused in one line
expect 0 "$CMAP" poster "$DEMO_MAP" -o "$dir/poster.pdf" --title "清华园社区资源图" --organisation "清华园街道" --json
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['scale'] == 5000 and d['legend_left_out'] == 0 and d['openstreetmap'], d" "$dir/out" \
  || fail "poster --json: $(cat "$dir/out")"
pdfinfo "$dir/poster.pdf" | grep -q "^Page size: *1683.78 x 2383.94 pts (A1)" || fail "poster page: $(pdfinfo "$dir/poster.pdf" | grep 'Page size')"
pdffonts "$dir/poster.pdf" | tail -n +3 >"$dir/fonts"
[ -s "$dir/fonts" ] && ! awk '{ if ($(NF-4) != "yes") bad = 1 } END { exit !bad }' "$dir/fonts" || fail "poster fonts not all embedded: $(cat "$dir/fonts")"
pdftotext -layout "$dir/poster.pdf" "$dir/poster.txt"
for want in "清华园社区资源图" "Legend" "Service station" "Community boundary" "Buildings" "Paths" "Parking" "Library" \
            "Scale 1:5,000" "500 m" "Made by 清华园街道" "Map data © OpenStreetMap contributors"; do
  grep -qF "$want" "$dir/poster.txt" || fail "the poster lacks “$want”"
done
while read -r team; do
  grep -qF "$team" "$dir/poster.txt" || fail "the poster's legend lacks the team $team"
done < <(sqlite3 "$DEMO_MAP" "SELECT name FROM teams WHERE deleted = 0")
# the reference grid and its index (on by default from A2 up): every station is listed in the
# cell where it lies, computed here from its coordinates, the map's scale and centre (Web
# Mercator on the WGS 84 ellipsoid), not asked of cmap
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['grid'][0] >= 2 and d['grid'][1] >= 2 and d['index_entries'] > 0, d" "$dir/out" || fail "poster grid: $(cat "$dir/out")"
cp "$dir/out" "$dir/poster.json"
spatialite -silent "$DEMO_MAP" "SELECT 'box', MbrMinX(e), MbrMinY(e), MbrMaxX(e), MbrMaxY(e) FROM (SELECT Extent(geom) AS e FROM boundary WHERE deleted = 0); SELECT 'station', name, X(geom), Y(geom) FROM stations WHERE deleted = 0;" 2>/dev/null >"$dir/stations.txt"
python3 - "$dir/poster.json" "$dir/stations.txt" "$dir/poster.txt" <<'PY' || fail "the index's cells"
import json, math, re, sys
d = json.load(open(sys.argv[1]))
rows = [l.rstrip('\n').split('|') for l in open(sys.argv[2]) if '|' in l]
box = [float(v) for v in next(r for r in rows if r[0] == 'box')[1:]]
text = open(sys.argv[3]).read()
lon0, lat0 = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
a, e2 = 6378137.0, 0.00669437999014
phi = math.radians(lat0)
kx = math.pi / 180 * a * math.cos(phi) / math.sqrt(1 - e2 * math.sin(phi) ** 2)  # metres per degree of longitude
ppm = 1 / (d['scale'] * 0.0254 / 72)  # points per metre on the paper
Y = lambda lat: math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))
fx, fy, fw, fh = d['frame_pt']
cols, nrows = d['grid']
checked = 0
for r in rows:
    if r[0] != 'station':
        continue
    name, lon, lat = r[1], float(r[2]), float(r[3])
    x = fw / 2 + (lon - lon0) * kx * ppm
    y = fh / 2 - (Y(lat) - Y(lat0)) * kx * ppm
    col, row = int(x // (fw / cols)), int(y // (fh / nrows))
    want = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[col] + str(row + 1)
    m = re.search(re.escape(name) + r'\s+([A-Z]+\d+)\s*$', text, re.M)
    assert m, (name, 'not in the index')
    assert m.group(1) == want, (name, m.group(1), want, x, y)
    checked += 1
assert checked == 5, checked
PY
grep -q "^ *Index" "$dir/poster.txt" || grep -q "Index" "$dir/poster.txt" || fail "the poster has no index heading"
expect 0 "$CMAP" poster "$DEMO_MAP" -o "$dir/nogrid.pdf" --no-grid --json
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['grid'] == [0, 0] and d['index_entries'] == 0, d" "$dir/out" || fail "--no-grid: $(cat "$dir/out")"
expect 2 "$CMAP" poster "$DEMO_MAP" -o "$dir/p.pdf" --grid --no-grid; one_line_error
expect 0 "$CMAP" poster "$DEMO_MAP" -o "$dir/poster.png" --dpi 150
size=$(python3 -c "import struct,sys; d=open(sys.argv[1],'rb').read(24); print('%dx%d' % struct.unpack('>II', d[16:24]))" "$dir/poster.png")
[ "$size" = 3508x4967 ] || fail "an A1 PNG at 150 dpi is $size, not 3508x4967"
LANGUAGE=zh_CN expect 0 "$CMAP" poster "$DEMO_MAP" -o "$dir/poster-zh.pdf" --paper A3 --landscape
pdftotext "$dir/poster-zh.pdf" "$dir/poster-zh.txt"
for want in "图例" "比例尺 1:" "社区边界" "停车场" "地图数据 © OpenStreetMap contributors"; do
  grep -qF "$want" "$dir/poster-zh.txt" || fail "the Chinese poster lacks “$want”"
done
pdfinfo "$dir/poster-zh.pdf" | grep -q "^Page size: *1190.55 x 841.89 pts (A3)" || fail "A3 landscape: $(pdfinfo "$dir/poster-zh.pdf" | grep 'Page size')"
expect 2 "$CMAP" poster "$DEMO_MAP" -o "$dir/p.pdf" --paper B5; one_line_error
expect 2 "$CMAP" poster "$DEMO_MAP" -o "$dir/p.jpg"; one_line_error
expect 2 "$CMAP" poster "$DEMO_MAP" -o "$dir/p.png" --paper A0 --dpi 600; one_line_error
grep -q "lower --dpi" "$dir/err" || fail "an A0 PNG at 600 dpi: $(cat "$dir/err")"
"$CMAP" new "$dir/empty.sqlite" >/dev/null
expect 1 "$CMAP" poster "$dir/empty.sqlite" -o "$dir/p.pdf"; one_line_error
[ ! -e "$dir/p.pdf" ] && [ ! -e "$dir/p.pdf.partial" ] || fail "a refused poster left a file"
ok "poster: A1 PDF with every font embedded, its title, legend, teams, scale and credits; the reference grid's index puts every station in the cell computed from its coordinates; --no-grid; an A1 PNG at 150 dpi of 3508x4967; A3 landscape in Chinese; bad paper, format, dpi and an empty map refused in one line"

# cmap poster --analysis (issue #15): the analysis's summary says what `cmap coverage|teams|
# lifecircle --json` count with the same options (--network all, a table of the planner's,
# --circle); its heading and legend are on the page; drawn over the map, it changes the frame's
# pixels (landscape: the same frame and scale with or without it); bad combinations refused
# (800 m: --network all reaches 493 buildings where the walkable paths reach 488; the share,
# 78.8%, is off at one decimal if a building is miscounted)
expect 0 "$CMAP" coverage "$DEMO_MAP" --walk 800 --network all --json; cp "$dir/out" "$dir/cov-all.json"
expect 0 "$CMAP" poster "$DEMO_MAP" -o "$dir/pa.pdf" --paper A3 --analysis coverage --walk 800 --network all --json
cp "$dir/out" "$dir/pa.json"
python3 - "$dir/pa.json" "$dir/cov-all.json" <<'PY' || fail "poster --analysis coverage: $(cat "$dir/pa.json")"
import json, sys
p = json.load(open(sys.argv[1]))["analysis"]
c = json.load(open(sys.argv[2]))["summary"]
want = "%d of %d buildings are within 800 m walk of a source (%.1f%%)" % (
    c["covered"], c["buildings"], 100.0 * c["covered"] / c["buildings"])
assert p["kind"] == "coverage" and want in p["summary"], (want, p)
assert p["legend_entries"] >= 4, p
PY
pdftotext -layout "$dir/pa.pdf" "$dir/pa.txt"
for want in "Service coverage" "Within the walking distance" "No way there on foot" "within 800 m walk of a source"; do
  grep -qF "$want" "$dir/pa.txt" || fail "the coverage poster lacks “$want”"
done
expect 0 "$CMAP" teams "$DEMO_MAP" --json; cp "$dir/out" "$dir/teams-sum.json"
expect 0 "$CMAP" poster "$DEMO_MAP" -o "$dir/pt.pdf" --paper A3 --analysis teams --json
python3 -c "
import json, sys
p = json.load(open(sys.argv[1]))['analysis']; t = json.load(open(sys.argv[2]))['summary']
want = '%d of %d buildings are outside every team' % (t['buildings_outside'], t['buildings'])
assert want in p['summary'], (want, p)" "$dir/out" "$dir/teams-sum.json" || fail "poster --analysis teams: $(cat "$dir/out")"
pdftotext -layout "$dir/pt.pdf" - | grep -qF "Gap: no team works here" || fail "the teams poster lacks its legend"
cat >"$dir/eat.json" <<'JSON'
{"circles": [{"key": "eat", "en": "Eating out", "zh_CN": "吃饭", "walk_m": 300}, {"key": "far", "en": "Far", "zh_CN": "远", "walk_m": 900}],
 "facilities": [{"circle": "eat", "key": "restaurant", "en": "Restaurant", "zh_CN": "餐馆", "from": ["resources:restaurant"], "max_m": 300},
                {"circle": "far", "key": "restaurant", "en": "Restaurant", "zh_CN": "餐馆", "from": ["resources:restaurant"], "max_m": 900}]}
JSON
expect 0 "$CMAP" lifecircle "$DEMO_MAP" --table "$dir/eat.json" --json; cp "$dir/out" "$dir/eat-life.json"
expect 0 "$CMAP" poster "$DEMO_MAP" -o "$dir/pl.pdf" --paper A3 --analysis lifecircle --table "$dir/eat.json" --circle far --json
python3 -c "
import json, sys
p = json.load(open(sys.argv[1]))['analysis']; c = [c for c in json.load(open(sys.argv[2]))['circles'] if c['key'] == 'far'][0]
assert 0 < c['buildings_met'] < 626, c
want = 'Far (900 m): %d of 626 buildings have every facility' % c['buildings_met']
assert want in p['summary'], (want, p)" "$dir/out" "$dir/eat-life.json" || fail "poster --analysis lifecircle --circle far: $(cat "$dir/out")"
# the analysis drawn: landscape keeps the frame; a tenth of the frame's pixels change
expect 0 "$CMAP" poster "$DEMO_MAP" -o "$dir/plain-l.pdf" --paper A4 --landscape --json; cp "$dir/out" "$dir/plain-l.json"
expect 0 "$CMAP" poster "$DEMO_MAP" -o "$dir/cov-l.pdf" --paper A4 --landscape --analysis coverage --radius
pdftoppm -r 72 -singlefile "$dir/plain-l.pdf" "$dir/plain-l" && pdftoppm -r 72 -singlefile "$dir/cov-l.pdf" "$dir/cov-l" || fail "pdftoppm"
python3 - "$dir/plain-l.ppm" "$dir/cov-l.ppm" "$dir/plain-l.json" <<'PY' || fail "the coverage poster's frame is not drawn over"
import json, sys
def ppm(path):  # P6: magic, width, height, maxval, then RGB bytes
    data = open(path, "rb").read()
    magic, w, h, maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255"
    return int(w), pixels
(W, a), (_, b) = ppm(sys.argv[1]), ppm(sys.argv[2])
assert W == 842 and len(a) == len(b)  # A4 landscape at 72 dpi
x, y, w, h = [int(v) for v in json.load(open(sys.argv[3]))["frame_pt"]]
changed = sum(1 for j in range(y + 2, y + h - 2) for i in range(x + 2, x + w - 2)
              if a[3 * (j * W + i):3 * (j * W + i) + 3] != b[3 * (j * W + i):3 * (j * W + i) + 3])
share = changed / ((w - 4) * (h - 4))
print("frame pixels changed by the analysis: %.1f%%" % (100 * share))
assert share > 0.1, share
PY
expect 2 "$CMAP" poster "$DEMO_MAP" -o "$dir/p.pdf" --analysis nothing; one_line_error
expect 2 "$CMAP" poster "$DEMO_MAP" -o "$dir/p.pdf" --walk 500; one_line_error
expect 2 "$CMAP" poster "$DEMO_MAP" -o "$dir/p.pdf" --analysis coverage; one_line_error
expect 2 "$CMAP" poster "$DEMO_MAP" -o "$dir/p.pdf" --analysis teams --walk 500; one_line_error
expect 2 "$CMAP" poster "$DEMO_MAP" -o "$dir/p.pdf" --analysis lifecircle --circle 20min; one_line_error
grep -qF "15min, 10min, 5min, block" "$dir/err" || fail "--circle: the error does not list the circles: $(cat "$dir/err")"
[ ! -e "$dir/p.pdf" ] && [ ! -e "$dir/p.pdf.partial" ] || fail "a refused poster left a file"
ok "poster --analysis: coverage, teams and lifecircle summaries equal their commands' --json with the same options; heading and legend on the page; the analysis drawn over the frame; bad combinations refused in one line"

# --bom (issue #15): the CSV for Excel and WPS begins with UTF-8's byte order mark, the rest the
# same bytes; read as utf-8-sig its header is the same; --bom without --csv is bad usage
for c in "coverage --radius" "lifecircle"; do
  expect 0 "$CMAP" $c "$DEMO_MAP" --csv; cp "$dir/out" "$dir/plain.csv"
  expect 0 "$CMAP" $c "$DEMO_MAP" --csv --bom
  [ "$(head -c 3 "$dir/out" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "$c --csv --bom: no byte order mark"
  cmp -s <(tail -c +4 "$dir/out") "$dir/plain.csv" || fail "$c --csv --bom: more than the mark differs"
  python3 -c "import csv,sys; a=next(csv.reader(open(sys.argv[1],encoding='utf-8-sig'))); b=next(csv.reader(open(sys.argv[2],encoding='utf-8'))); assert a == b and not a[0].startswith('\ufeff'), (a, b)" "$dir/out" "$dir/plain.csv" \
    || fail "$c --csv --bom: the header read as utf-8-sig differs"
  expect 2 "$CMAP" $c "$DEMO_MAP" --bom; one_line_error
done
ok "--csv --bom: the byte order mark, then the same CSV; --bom alone is bad usage"

# -o FILE.xlsx (issue #15): coverage, lifecircle and teams as workbooks, read back with openpyxl
# (Debian's python3-openpyxl): every value equals the --json output of the same command; the
# header row frozen and filtered; shares formatted as percentages, metres with one decimal; the
# headings and sheet names Chinese under zh_CN; a name not ending in .xlsx is bad usage
expect 0 "$CMAP" coverage "$DEMO_MAP" --walk 500 --json; cp "$dir/out" "$dir/cov.json"
expect 0 "$CMAP" coverage "$DEMO_MAP" --walk 500 -o "$dir/cov.xlsx"
expect 0 "$CMAP" lifecircle "$DEMO_MAP" --json; cp "$dir/out" "$dir/life.json"
expect 0 "$CMAP" lifecircle "$DEMO_MAP" -o "$dir/life.xlsx"
expect 0 "$CMAP" teams "$DEMO_MAP" --json; cp "$dir/out" "$dir/teams.json"
expect 0 "$CMAP" teams "$DEMO_MAP" -o "$dir/teams.xlsx"
LANGUAGE=zh_CN expect 0 "$CMAP" coverage "$DEMO_MAP" --radius -o "$dir/cov-zh.xlsx"
/usr/bin/python3 - "$dir" <<'PY' || fail "the workbooks do not match the JSON"
import json, sys, openpyxl
d = sys.argv[1]
def rows(ws):
    head = [c.value for c in ws[1]]
    return [dict(zip(head, [c.value for c in r])) for r in ws.iter_rows(min_row=2)]
def checked(ws):
    assert ws.freeze_panes == 'A2', (ws.title, ws.freeze_panes)
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith('A1:'), (ws.title, ws.auto_filter.ref)
    return ws
# coverage: the summary and every building
cov, wb = json.load(open(d + '/cov.json')), openpyxl.load_workbook(d + '/cov.xlsx')
assert wb.sheetnames == ['Summary', 'Buildings', 'Sources', 'Compounds'], wb.sheetnames
s, js = rows(checked(wb['Summary']))[0], cov['summary']
assert (s['Buildings'], s['Covered'], s['Households covered'], s['Residents not covered']) == \
       (js['buildings'], js['covered'], js['households_covered'], js['population_uncovered']), (s, js)
assert abs(s['Share covered'] - js['covered'] / js['buildings']) < 1e-12, s
assert wb['Summary']['E2'].number_format == '0.0%', wb['Summary']['E2'].number_format
bs = {b['uuid']: b for b in cov['buildings']}
xs = rows(checked(wb['Buildings']))
assert len(xs) == len(bs) == 626, len(xs)
for x in xs:
    b = bs[x['ID']]
    assert x['Covered'] == b['covered'] and x['On foot'] == b['status'], (x, b)
    for col, key in (('Walk, m', 'walk_m'), ('To the nearest, m', 'nearest_m'), ('To the path, m', 'access_m'), ('Detour', 'detour')):
        assert x[col] == b[key], (col, x[col], b[key])
    assert x['Households'] == b['households'] and x['Residents'] == b['population'], (x, b)
assert wb['Buildings']['I2'].number_format == '#,##0.0', wb['Buildings']['I2'].number_format
srcs = {r['ID']: r for r in rows(checked(wb['Sources']))}
assert len(srcs) == len(cov['sources'])
for j in cov['sources']:
    assert (srcs[j['uuid']]['Buildings'], srcs[j['uuid']]['Households']) == (j['buildings'], j['households']), j
comp = rows(checked(wb['Compounds']))
assert [(r['Buildings'], r['Covered'], r['Households covered']) for r in comp] == \
       [(c['buildings'], c['covered'], c['households_covered']) for c in cov['compounds']], (comp, cov['compounds'])
# the life circle: each circle, each facility, each building's pass and metres
life, wb = json.load(open(d + '/life.json')), openpyxl.load_workbook(d + '/life.xlsx')
circles = {r['Key']: r for r in rows(checked(wb['Summary']))}
for c in life['circles']:
    r = circles[c['key']]
    assert r['Buildings that meet it'] == c['buildings_met'] and abs(r['Share of buildings'] - c['buildings_share']) < 5e-5, (r, c)
fac = {(r['Key']): r for r in rows(checked(wb['Facilities']))}
for f in life['facilities']:
    assert fac[f['key']]['Found'] == f['found'] and fac[f['key']]['Buildings within'] == f['buildings_pass'], (fac[f['key']], f)
failing = {f['uuid']: f for f in life['failing']}
xs = rows(checked(wb['Buildings']))
assert len(xs) == life['buildings']
for x in xs:
    f = failing.get(x['ID'])
    lacks = {l['facility']: l['walk_m'] for l in f['lacks']} if f else {}
    for fa in life['facilities']:
        name = fa['en']
        assert x[name + ' within'] == (fa['key'] not in lacks), (x['ID'], fa['key'])
        if fa['key'] in lacks and lacks[fa['key']] is not None:
            assert x[name + ', m'] == lacks[fa['key']], (x['ID'], fa['key'], x[name + ', m'], lacks[fa['key']])
# teams
teams, wb = json.load(open(d + '/teams.json')), openpyxl.load_workbook(d + '/teams.xlsx')
s, js = rows(checked(wb['Summary']))[0], teams['summary']
assert (s['Teams'], s['Gaps, m²'], s['Buildings outside every team'], s['Residents outside']) == \
       (js['teams'], js['gaps_m2'], js['buildings_outside'], js['population_outside']), (s, js)
ts = {r['ID']: r for r in rows(checked(wb['Teams']))}
for t in teams['teams']:
    assert (ts[t['uuid']]['Area, m²'], ts[t['uuid']]['Buildings'], ts[t['uuid']]['Households']) == (t['area_m2'], t['buildings'], t['households']), (ts[t['uuid']], t)
assert [r['Overlap, m²'] for r in rows(checked(wb['Overlaps']))] == [o['area_m2'] for o in teams['overlaps']]
# Chinese
wb = openpyxl.load_workbook(d + '/cov-zh.xlsx')
assert wb.sheetnames[:3] == ['汇总', '楼栋', '服务点'], wb.sheetnames
head = [c.value for c in wb['楼栋'][1]]
assert head[:4] == ['编号', '名称', '经度', '纬度'] and '已覆盖' in head, head
PY
expect 2 "$CMAP" coverage "$DEMO_MAP" --radius -o "$dir/cov.csv"; one_line_error
expect 2 "$CMAP" lifecircle "$DEMO_MAP" --csv -o "$dir/life2.xlsx"; one_line_error
[ ! -e "$dir/life2.xlsx" ] || fail "a refused -o wrote a file"
ok "-o FILE.xlsx: coverage, lifecircle and teams workbooks equal their --json, header frozen and filtered, % and metres formatted, Chinese under zh_CN; a bad -o is bad usage"

echo "1..$n"
