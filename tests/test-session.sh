#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test-session.sh: the .sqlite file alone is the map. The real community-map program, driven by
# real X events (xdotool) under xvfb-run: a point drawn and saved is in the map file itself a
# moment later, while the window is still open (a copy of the .sqlite alone holds it); after
# Ctrl+Q, the window's close button or a logout's SIGTERM no -wal or -shm is left and the file
# alone holds everything; the same for `cmap import`, alone and beside an open window.
set -uo pipefail
: "${CMAP:?}" "${COMMUNITY_MAP:?}" "${DEMO_MAP:?}" "${CM_SHARED_DATA:?}"
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
n=0
fail() { echo "not ok - $*"; exit 1; }
ok() { n=$((n + 1)); echo "ok $n - $*"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }

[ -n "${DISPLAY:-}" ] || fail "no X display: run this test under xvfb-run"
command -v xdotool >/dev/null || fail "xdotool is missing: make test-deps installs it"
command -v sqlite3 >/dev/null || fail "sqlite3 is missing: make test-deps installs it"

export HOME=$dir/home GSETTINGS_BACKEND=memory GTK_A11Y=none NO_AT_BRIDGE=1
mkdir -p "$HOME"

# count MAP NAME: features named NAME in the map file alone (immutable: SQLite reads the main
# file and ignores any -wal, as a copy of just the .sqlite would be read)
count() { sqlite3 "file:$1?immutable=1" "SELECT count(*) FROM resources WHERE name = '$2' AND deleted = 0"; }
# count_live MAP NAME: the same through SQLite's normal reading (the -wal included)
count_live() { sqlite3 "file:$1?mode=ro" "SELECT count(*) FROM resources WHERE name = '$2' AND deleted = 0" 2>/dev/null; }
no_wal() { [ ! -e "$1-wal" ] && [ ! -e "$1-shm" ] || fail "$2: $(ls "$(dirname "$1")") — a -wal or -shm was left"; }

wid=
start_app() {
  "$COMMUNITY_MAP" "$1" >"$dir/app.log" 2>&1 &
  pid=$!
  wid=$(timeout 30 xdotool search --sync --onlyvisible --pid "$pid" 2>/dev/null | head -1)
  [ -n "$wid" ] || fail "the window did not appear: $(cat "$dir/app.log")"
  sleep 2 # the first tiles
  xdotool windowfocus --sync "$wid"
}

# draw_point MAP NAME: the point tool (P), a click in the map, the name typed, Tab to the kinds,
# Enter (Enter alone would ask for a kind). (Names
# in ASCII: xdotool types other characters through a borrowed key and may drop the last one.)
draw_point() {
  eval "$(xdotool getwindowgeometry --shell "$wid")"
  xdotool key p
  sleep 0.5
  xdotool mousemove --window "$wid" $((WIDTH * 2 / 3)) $((HEIGHT / 2)) click 1
  sleep 1
  xdotool type --delay 30 "$2"
  # a new resident chooses the kind: Tab to the kinds, Enter on the first
  xdotool key Tab
  sleep 0.3
  xdotool key Return
  for _ in $(seq 50); do [ "$(count_live "$1" "$2")" = 1 ] && return; sleep 0.2; done
  fail "the point $2 was not saved: $(cat "$dir/app.log")"
}

# wait_exit WHAT: the program ends by itself within 20 s, with status 0
wait_exit() {
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && fail "$1: the program did not end"
  wait "$pid"; local rc=$?
  pid=
  [ "$rc" = 0 ] || fail "$1: the program exited with $rc: $(cat "$dir/app.log")"
}

map=$dir/map.sqlite
cp "$DEMO_MAP" "$map"

# 1. Saved, then a quiet moment: the .sqlite alone holds it while the window is open.
start_app "$map"
draw_point "$map" "dark-corner"
sleep 2
cp "$map" "$dir/copy.sqlite"
[ "$(count "$dir/copy.sqlite" "dark-corner")" = 1 ] || fail "a copy of the .sqlite alone, 2 s after the save, lacks the point"
"$CMAP" info "$dir/copy.sqlite" >/dev/null || fail "the copy does not open"
ok "2 s after a save, a copy of the .sqlite alone holds the point (window still open)"

# 2. cmap import beside the open window: in the file itself once cmap has ended.
cat >"$dir/bench.geojson" <<'EOF'
{"type": "Feature", "properties": {"name": "新长椅", "amenity": "bench"},
 "geometry": {"type": "Point", "coordinates": [116.3265, 40.0035]}}
EOF
"$CMAP" import "$map" "$dir/bench.geojson" >/dev/null || fail "cmap import beside the window"
[ "$(count "$map" "新长椅")" = 1 ] || fail "cmap import beside the open window: not in the map file itself"
ok "cmap import beside the open window: the file alone holds it"
# cmap must not have taken the map for unused: had the window's process lost its locks on the
# file (a descriptor of it closed outside SQLite drops them all), cmap's close would have
# removed the -wal and -shm the window still writes to, and the two would part ways.
[ -e "$map-shm" ] || fail "cmap removed the -shm of the map the window has open: the window lost its lock on the file"
draw_point "$map" "after-import"
sed 's/新长椅/second-bench/' "$dir/bench.geojson" >"$dir/bench2.geojson"
"$CMAP" import "$map" "$dir/bench2.geojson" >/dev/null || fail "a second cmap import beside the window"
[ "$(count_live "$map" "after-import")" = 1 ] || fail "the window's point is gone after a second cmap import"
ok "the window keeps its hold on the file: its -shm stays, and a point drawn between two cmap imports stays"

# Keyboard Shortcuts (Ctrl+?) opens its window (it needs the app's resources at start-up).
xdotool key ctrl+question
shortcuts=
for _ in $(seq 50); do
  for w in $(xdotool search --onlyvisible --pid "$pid" 2>/dev/null); do
    [ "$w" != "$wid" ] && shortcuts=$w
  done
  [ -n "$shortcuts" ] && break; sleep 0.2
done
[ -n "$shortcuts" ] || fail "Ctrl+? opened no Shortcuts window"
xdotool windowfocus --sync "$shortcuts"; xdotool key Escape; sleep 0.5
xdotool windowfocus --sync "$wid"
ok "Ctrl+? shows the keyboard shortcuts"

# 3. Ctrl+Q: no -wal or -shm, everything in the file.
xdotool key ctrl+q
wait_exit "Ctrl+Q"
no_wal "$map" "after Ctrl+Q"
[ "$(count "$map" "dark-corner")" = 1 ] || fail "after Ctrl+Q the file lacks the point"
[ "$(count "$map" "新长椅")" = 1 ] || fail "after Ctrl+Q the file lacks the import"
[ "$(count "$map" "after-import")" = 1 ] || fail "after Ctrl+Q the file lacks the point drawn between the imports"
[ "$(count "$map" "second-bench")" = 1 ] || fail "after Ctrl+Q the file lacks the second import"
[ "$(sqlite3 "$map" "PRAGMA integrity_check")" = ok ] || fail "after Ctrl+Q the file is damaged"
ok "Ctrl+Q: no -wal or -shm left, the file alone holds the points and the imports, intact"

# 4. A logout's SIGTERM.
start_app "$map"
draw_point "$map" "before-logout"
kill -TERM "$pid"
wait_exit "SIGTERM"
no_wal "$map" "after SIGTERM"
[ "$(count "$map" "before-logout")" = 1 ] || fail "after SIGTERM the file lacks the point"
ok "SIGTERM: no -wal or -shm left, the file alone holds the point"

# 5. The window's close button (top right of the header bar, drawn by GTK itself).
start_app "$map"
draw_point "$map" "before-close"
eval "$(xdotool getwindowgeometry --shell "$wid")"
xdotool mousemove --window "$wid" $((WIDTH - 24)) 24 click 1
wait_exit "the close button"
no_wal "$map" "after the close button"
[ "$(count "$map" "before-close")" = 1 ] || fail "after the close button the file lacks the point"
ok "the close button: no -wal or -shm left, the file alone holds the point"

# 6. cmap import alone.
m2=$dir/new.sqlite
"$CMAP" new "$m2" >/dev/null || fail "cmap new"
"$CMAP" import "$m2" "$dir/bench.geojson" >/dev/null || fail "cmap import"
no_wal "$m2" "after cmap import"
[ "$(count "$m2" "新长椅")" = 1 ] || fail "after cmap import the file alone lacks the feature"
ok "cmap import: no -wal or -shm left, the file alone holds the import"
echo "1..$n"
