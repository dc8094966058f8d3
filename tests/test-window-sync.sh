#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test-window-sync.sh: the window's Sync with Server… (tests/test-window-sync.c) against a
# throwaway PostgreSQL + PostGIS cluster (tests/pg-cluster.sh): the demo map pushed as one
# office, a copy with a resource renamed and one added pushed as another; the window pulls and
# pushes, undoes the pull and pushes again; afterwards the server holds what the window did.
set -euo pipefail
: "${CMAP:?}" "${DEMO_MAP:?}" "${CM_TESTS_DIR:?}" "${TEST_WINDOW_SYNC:?}" "${WITH_DISPLAY:?}"
dir=$(mktemp -d)
source "$CM_TESTS_DIR/pg-cluster.sh"
trap 'pg_cluster_stop; rm -rf "$dir"' EXIT
fail() { echo "Bail out! $*"; exit 1; }

pg_cluster_start "$dir"
pg_admin -c "CREATE ROLE planner LOGIN PASSWORD 'planner-pw'" -c "CREATE DATABASE city OWNER planner"
PG_ADMIN_DB=city pg_admin -c "CREATE EXTENSION postgis"
export PGPASSFILE=$dir/pgpass
printf '127.0.0.1:%s:*:planner:planner-pw\n' "$PG_PORT" >"$PGPASSFILE"
chmod 600 "$PGPASSFILE"
export CM_TEST_SERVER="postgresql://planner@127.0.0.1:$PG_PORT/city"

# the other office: the demo map, a resource renamed, one added
cp "$DEMO_MAP" "$dir/office.sqlite"
"$CMAP" push "$dir/office.sqlite" "$CM_TEST_SERVER" >/dev/null || fail "push of the demo map"
CM_TEST_RENAMED=$(sqlite3 "$dir/office.sqlite" "SELECT uuid FROM resources WHERE deleted = 0 ORDER BY id LIMIT 1")
export CM_TEST_RENAMED
sqlite3 "$dir/office.sqlite" "UPDATE resources SET name = '另一个办公室改的名字' WHERE uuid = '$CM_TEST_RENAMED'"
spatialite -silent "$dir/office.sqlite" "INSERT INTO resources (category, name, geom) VALUES ('other', '另一个办公室画的', MakePoint(116.32, 40.0, 4326))" >/dev/null
"$CMAP" push "$dir/office.sqlite" "$CM_TEST_SERVER" >/dev/null || fail "push of the other office"

# a third office, which the window's test pushes between its two pushes: the other office's new
# resource renamed
cp "$dir/office.sqlite" "$dir/third.sqlite"
sqlite3 "$dir/third.sqlite" "UPDATE resources SET name = '第三个办公室改的' WHERE name = '另一个办公室画的'"
export CM_TEST_THIRD_PUSH="$CMAP push $dir/third.sqlite $CM_TEST_SERVER"
export CM_TEST_KEEP=$dir/window.sqlite
"$WITH_DISPLAY" "$TEST_WINDOW_SYNC" --tap || exit $?

# the second push (same session, its next versions): the pull undone is an edit that has seen
# both names (the conflict ended, this office's name kept) and deletes the other office's
# resource; the server has seen all the window's map has
names=$(PG_ADMIN_DB=city pg_admin -c "SELECT name FROM community_map.resources WHERE uuid = '$CM_TEST_RENAMED' UNION ALL SELECT convert_from(value, 'UTF8') FROM community_map.cm_conflicts WHERE uuid = '$CM_TEST_RENAMED' AND field = 'name'" | sort | tr '\n' ' ')
[ "$names" = "这个办公室改的名字 " ] || fail "after the window's second push the server has: $names"

# the window deleted the resource the third office renamed, neither having seen the other: the
# deletion and the rename are a conflict, the feature live with the third office's name
third=$(sqlite3 "$dir/third.sqlite" "SELECT uuid FROM resources WHERE name = '第三个办公室改的'")
[ "$(PG_ADMIN_DB=city pg_admin -c "SELECT count(*) FROM community_map.cm_conflicts WHERE uuid = '$third' AND field = 'deleted'")" = 1 ] \
  || fail "the window's second push did not reach the server as a conflict on the deletion"
[ "$(PG_ADMIN_DB=city pg_admin -c "SELECT name FROM community_map.resources WHERE uuid = '$third' UNION ALL SELECT convert_from(value, 'UTF8') FROM community_map.cm_conflicts WHERE uuid = '$third' AND field = 'name'" | grep -c '第三个办公室改的')" -ge 1 ] \
  || fail "the window's second push lost the third office's name"
while IFS='|' read -r site counter; do
  got=$(PG_ADMIN_DB=city pg_admin -c "SELECT counter FROM community_map.cm_clock WHERE site = '$site'")
  [ -n "$got" ] && [ "$got" -ge "$counter" ] || fail "the server has seen $site up to '$got', the map up to $counter"
done < <(sqlite3 "$CM_TEST_KEEP" "SELECT site, counter FROM cm_clock")
echo "# the window's next versions reached the server; the server's clock covers the map's"
