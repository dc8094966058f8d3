#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test-killed-window.sh: the real community-map program, driven by real X events (xdotool) under
# xvfb-run, killed with SIGKILL at random moments (issue #16), CM_KILLS times (100 unless told).
# In each run a driver draws points, drags them, undoes, runs the walking analysis and, in some
# runs, imports (a file given to the window, or `cmap import` beside it) or works in a second
# window on the same map. After each kill: the map passes `cmap check`, opens (`cmap info`), and
# holds every change whose save had returned — a change counts as returned once another reader
# sees it committed; changes in flight may be there or not, but never half (an import: all of
# its features or none). CM_KILL_SEED repeats a run; CM_TEST_WAIT_SCALE stretches every wait and
# the kill moments (make test-asan: 4, the window being that much slower there).
set -uo pipefail
: "${CMAP:?}" "${COMMUNITY_MAP:?}" "${DEMO_MAP:?}"
kills=${CM_KILLS:-100}
scale=${CM_TEST_WAIT_SCALE:-1}
seed=${CM_KILL_SEED:-$$}
RANDOM=$seed
dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$dir"
}
trap cleanup EXIT
n=0
fail() {
  echo "not ok - $* (seed $seed)"
  # what the run left, to look into: the map, what was expected of it, the windows' output
  local keep=${CM_BUILD_ROOT:-/tmp}/meson-logs/killed-window-failure
  rm -rf "$keep" && mkdir -p "$keep" && cp -r "$dir"/. "$keep"/ 2>/dev/null
  echo "# the map, its -wal, the expected changes and the windows' output: $keep"
  exit 1
}
ok() { n=$((n + 1)); echo "ok $n - $*"; }

[ -n "${DISPLAY:-}" ] || fail "no X display: run this test under xvfb-run"
command -v xdotool >/dev/null || fail "xdotool is missing: make test-deps installs it"
command -v sqlite3 >/dev/null || fail "sqlite3 is missing: make test-deps installs it"

export HOME=$dir/home GSETTINGS_BACKEND=memory GTK_A11Y=none NO_AT_BRIDGE=1
mkdir -p "$HOME"
map=$dir/map.sqlite
cp "$DEMO_MAP" "$map"
log=$dir/expected # what the map must hold, one line per change: the last line of a name counts

# what another program reading the map sees now (SQLite's normal reading: the -wal included)
live() { sqlite3 -cmd ".timeout 5000" "file:$map?mode=ro" "$1" 2>/dev/null; }
geom_of() { live "SELECT hex(geom) FROM resources WHERE name = '$1' AND deleted = 0"; }
count_like() { live "SELECT count(*) FROM resources WHERE name LIKE '$1-%' AND deleted = 0"; }
# near NAME: the points drawn here within about 50 m of NAME (NAME too): a drag there may take
# any of them (a point drawn onto another snaps to it; a click picks one of the two)
near() {
  python3 - "$map" "$1" <<'EOF'
import sqlite3, struct, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=5)
rows = db.execute("SELECT name, geom FROM resources WHERE deleted = 0 AND name LIKE 'k%'").fetchall()
corner = lambda g: struct.unpack("<dd", bytes(g)[6:22])  # the blob's MBR: min x, min y
me = [corner(g) for n, g in rows if n == sys.argv[2]]
for n, g in rows:
    if me and abs(corner(g)[0] - me[0][0]) < 0.0005 and abs(corner(g)[1] - me[0][1]) < 0.0005:
        print(n)
EOF
}
# wait_for SQL VALUE: until another reader sees VALUE (10 s at most)
wait_for() {
  for _ in $(seq $((50 * scale))); do [ "$(live "$1")" = "$2" ] && return 0; sleep 0.2; done
  return 1
}

# points FILE PREFIX N: a GeoJSON FeatureCollection of N points named PREFIX-k in the demo's area
points() {
  awk -v prefix="$2" -v n="$3" -v seed="$RANDOM" 'BEGIN {
    srand(seed); printf "{\"type\": \"FeatureCollection\", \"features\": [\n";
    for (k = 1; k <= n; k++)
      printf "%s{\"type\": \"Feature\", \"properties\": {\"name\": \"%s-%d\", \"amenity\": \"bench\"}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [%.7f, %.7f]}}\n",
        (k > 1 ? "," : ""), prefix, k, 116.3215 + rand() * 0.01, 39.9995 + rand() * 0.008;
    printf "]}\n" }' >"$1"
}

# ---- the driver: what a person at the window does, in a subshell the kill cuts short ----------

# The window is 1280 × 800 at the top left of the virtual screen (its default size); with the
# analysis panel open the map lies between x 330 and 790. Points are drawn inside it.
driver() { # CYCLE PID [PID2]
  local cycle=$1 wid wid2= stack=() owner= j=0 pid=$2 pid2=${3:-}
  wid=$(timeout $((20 * scale)) xdotool search --sync --onlyvisible --pid "$2" 2>/dev/null | head -1)
  [ -n "$wid" ] || exit 0
  if [ -n "${3:-}" ]; then
    wid2=$(timeout $((20 * scale)) xdotool search --sync --onlyvisible --pid "$3" 2>/dev/null | head -1)
  fi
  xdotool windowfocus --sync "$wid" 2>/dev/null
  if [ -n "${window_import:-}" ]; then
    # the window imports the file it was given: one step, its features all at once
    echo "pending-import $window_import 20" >>"$log"
    wait_for "SELECT count(*) FROM resources WHERE name LIKE '$window_import-%' AND deleted = 0" 20 \
      || exit 0
    echo "import $window_import 20" >>"$log"
    echo import >>"$dir/done"
    stack+=("import $window_import 20")
    sleep 1 # the window flies to what it imported
  fi
  xdotool key F8 # the analysis panel
  sleep 0.3
  while :; do
    local w=$wid p=$pid
    if [ -n "$wid2" ] && [ $((RANDOM % 2)) = 0 ]; then
      w=$wid2 p=$pid2
    fi
    # each window undoes its own steps: the stack is of the window that made them
    [ "$owner" = "$w" ] || stack=() owner=$w
    xdotool windowfocus --sync "$w" 2>/dev/null || exit 0
    case $((RANDOM % 10)) in
      0 | 1 | 2 | 3) # draw a point: P, a click, its name, Tab to the kinds, Enter
        j=$((j + 1))
        local name="k$cycle-$j" x=$((360 + RANDOM % 400)) y=$((160 + RANDOM % 560))
        echo "pending $name" >>"$log"
        xdotool key Escape key p sleep 0.2 mousemove --window "$w" $x $y click 1
        # type only into the form: keys sent to the window itself would be its shortcuts
        # (Tab and Enter on a toolbar button could delete the point selected before)
        local form=
        for _ in $(seq 25); do
          for f in $(xdotool search --onlyvisible --pid "$p" 2>/dev/null); do
            [ "$f" != "$wid" ] && [ "$f" != "$wid2" ] && form=$f
          done
          [ -n "$form" ] && break
          sleep 0.2
        done
        if [ -z "$form" ]; then
          stack=() owner= # what the click did is not known here
          continue
        fi
        xdotool windowfocus --sync "$form" type --delay 20 "$name"
        xdotool key Tab sleep 0.2 key Return
        wait_for "SELECT count(*) FROM resources WHERE name = '$name' AND deleted = 0" 1 || exit 0
        echo "feature $name $(geom_of "$name")" >>"$log"
        echo draw >>"$dir/done"
        stack+=("draw $name $x $y")
        ;;
      4 | 5) # drag the last point drawn to another place
        [ ${#stack[@]} -gt 0 ] || continue
        local top=(${stack[-1]})
        [ "${top[0]}" = draw ] || continue
        local name=${top[1]} x=${top[2]} y=${top[3]} before others
        before=$(geom_of "$name")
        others=$(near "$name")
        for o in $others; do echo "pending $o" >>"$log"; done
        xdotool key Escape key s sleep 0.2 mousemove --window "$w" "$x" "$y" click 1 sleep 0.3 \
          mousedown 1 sleep 0.1
        for k in 1 2 3 4 5 6; do
          xdotool mousemove --window "$w" $((x + k * 6)) $((y + k * 4)) sleep 0.03
        done
        xdotool mouseup 1
        for _ in $(seq 25); do [ "$(geom_of "$name")" != "$before" ] && break; sleep 0.2; done
        local after
        after=$(geom_of "$name")
        for o in $others; do echo "feature $o $(geom_of "$o")" >>"$log"; done
        if [ "$after" != "$before" ]; then
          echo drag >>"$dir/done"
          stack+=("drag $name $before") # a step of its own, above the drawing
        else
          stack=() # the drag missed: what Ctrl+Z takes back is no longer known here
        fi
        ;;
      6 | 7) # undo the last step this window made
        [ ${#stack[@]} -gt 0 ] || continue
        local top=(${stack[-1]})
        unset 'stack[-1]'
        case ${top[0]} in
          draw)
            echo "pending ${top[1]}" >>"$log"
            xdotool key Escape key ctrl+z
            wait_for "SELECT count(*) FROM resources WHERE name = '${top[1]}' AND deleted = 0" 0 \
              || exit 0
            echo "gone ${top[1]}" >>"$log" ;;
          drag)
            echo "pending ${top[1]}" >>"$log"
            xdotool key Escape key ctrl+z
            wait_for "SELECT hex(geom) FROM resources WHERE name = '${top[1]}' AND deleted = 0" \
              "${top[2]}" || exit 0
            echo "feature ${top[1]} ${top[2]}" >>"$log" ;;
          import)
            echo "pending-import ${top[1]} ${top[2]}" >>"$log"
            xdotool key Escape key ctrl+z
            wait_for "SELECT count(*) FROM resources WHERE name LIKE '${top[1]}-%' AND deleted = 0" 0 \
              || exit 0
            echo "import ${top[1]} 0" >>"$log" ;;
        esac
        echo undo >>"$dir/done"
        ;;
      8 | 9) # run the analysis (the panel's Analyse button) while the map is written
        xdotool mousemove --window "$w" 852 435 click 1
        echo analyse >>"$dir/done"
        sleep 0.$((RANDOM % 10))
        ;;
    esac
  done
}

# ---- the check after each kill ---------------------------------------------------------------

check_map() { # CYCLE
  local cycle=$1
  "$CMAP" check "$map" >"$dir/check.out" 2>&1 || fail "run $cycle: cmap check: $(cat "$dir/check.out")"
  "$CMAP" info "$map" >/dev/null 2>"$dir/info.err" || fail "run $cycle: the map does not open: $(cat "$dir/info.err")"
  # the last line for each name is what the map must hold
  declare -A state=()
  while read -r what name rest; do
    state[$name]="$what $rest"
  done <"$log"
  local name s
  for name in "${!state[@]}"; do
    s=(${state[$name]})
    case ${s[0]} in
      pending) # in flight at the kill: either way, but say how often each
        if [ -n "$(geom_of "$name")" ]; then echo "in-flight-kept" >>"$dir/done"
        else echo "in-flight-not" >>"$dir/done"; fi
        echo "pending-seen $name" >>"$log" ;;
      feature)
        [ "$(geom_of "$name")" = "${s[1]}" ] \
          || fail "run $cycle: $name, saved, is $( [ -z "$(geom_of "$name")" ] && echo missing || echo elsewhere) after the kill" ;;
      gone)
        [ -z "$(geom_of "$name")" ] || fail "run $cycle: $name, undone, is back after the kill" ;;
      import)
        [ "$(count_like "$name")" = "${s[1]}" ] \
          || fail "run $cycle: import $name held ${s[1]} features, now $(count_like "$name")" ;;
      pending-import)
        local c
        c=$(count_like "$name")
        [ "$c" = 0 ] || [ "$c" = "${s[1]}" ] \
          || fail "run $cycle: import $name half there after the kill: $c features" ;;
    esac
  done
}

# ---- the runs --------------------------------------------------------------------------------

app_log=$dir/app.log
for cycle in $(seq "$kills"); do
  kind=plain
  case $((RANDOM % 20)) in
    0 | 1 | 2) kind=window-import ;;
    3 | 4 | 5) kind=cmap-import ;;
    6 | 7) kind=two-windows ;;
  esac
  window_import=
  args=("$map")
  if [ $kind = window-import ]; then
    window_import=w$cycle
    points "$dir/$window_import.geojson" "$window_import" 20
    args+=("$dir/$window_import.geojson")
  fi
  "$COMMUNITY_MAP" "${args[@]}" >>"$app_log" 2>&1 &
  app=$!
  pids=("$app")
  app2=
  if [ $kind = two-windows ]; then
    "$COMMUNITY_MAP" "$map" >>"$app_log" 2>&1 &
    app2=$!
    pids+=("$app2")
  fi
  driver "$cycle" "$app" $app2 &
  drv=$!
  pids+=("$drv")
  cmap_pid=
  if [ $kind = cmap-import ]; then
    # cmap import of 2,000 points beside the window, started at a random moment
    points "$dir/c$cycle.geojson" "c$cycle" 2000
    echo "pending-import c$cycle 2000" >>"$log"
    (sleep 0.$((RANDOM % 10))$((RANDOM % 10)); sleep $((RANDOM % 3))
     "$CMAP" import "$map" "$dir/c$cycle.geojson" >"$dir/cmap.out" 2>&1 \
       && echo "import c$cycle 2000" >>"$log") &
    cmap_pid=$!
    pids+=("$cmap_pid")
  fi
  # the moment: anywhere from the window's start to well into the driver's work
  sleep "$(((RANDOM % 8) * scale)).$((RANDOM % 10))$((RANDOM % 10))"
  kill -9 "$app" $app2 2>/dev/null
  kill -9 "$drv" 2>/dev/null
  pkill -9 -P "$drv" 2>/dev/null
  { wait "$drv" "$app" $app2; } 2>/dev/null # (bash's "Killed" notices)
  if [ -n "$cmap_pid" ]; then
    wait "$cmap_pid" # cmap import is not killed: it finishes (or says the map is busy)
    grep -q "busy" "$dir/cmap.out" && echo busy >>"$dir/done"
  fi
  echo "$kind" >>"$dir/done"
  check_map "$cycle"
done
ok "$kills kills of the window (seed $seed): each time the map passes cmap check, opens, and holds every change whose save had returned"

# every kind of work was done, or the test would prove nothing
for what in draw drag undo analyse import window-import cmap-import two-windows; do
  c=$(grep -cx "$what" "$dir/done")
  echo "# $what: $c"
  [ "$c" -gt 0 ] || fail "no $what was done in $kills runs: the driver is not reaching the window"
done
echo "# changes whose save had returned, checked after each later kill: $(grep -c '^feature' "$log")"
echo "# changes in flight at a kill: $(grep -cx in-flight-kept "$dir/done") found saved," \
  "$(grep -cx in-flight-not "$dir/done") not"
ok "the runs drew, dragged, undid, imported (window and cmap) and analysed, in one and two windows"

# the map opens in the window once more: no "Could Not Open the Map"
"$COMMUNITY_MAP" "$map" >"$dir/last.log" 2>&1 &
app=$!
pids=("$app")
wid=$(timeout $((20 * scale)) xdotool search --sync --onlyvisible --pid "$app" 2>/dev/null | head -1)
[ -n "$wid" ] || fail "the window did not open after the kills"
sleep 1
wins=$(xdotool search --onlyvisible --pid "$app" 2>/dev/null | wc -l)
[ "$wins" = 1 ] || fail "the window opened with a message beside it: $(cat "$dir/last.log")"
kill -TERM "$app"
wait "$app"
[ "$(sqlite3 "$map" "PRAGMA integrity_check")" = ok ] || fail "integrity_check after the last close"
ok "after the kills the window opens the map and closes it intact"
echo "1..$n"
