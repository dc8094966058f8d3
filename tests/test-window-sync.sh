#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test-window-sync.sh: the window's Sync with Server… (tests/test-window-sync.c) against a
# throwaway PostgreSQL + PostGIS cluster (tests/pg-cluster.sh): the demo map pushed as one
# office, a copy with a resource renamed and one added pushed as another; the window pulls and
# pushes; afterwards the server holds this window's name too, as a conflict.
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

"$WITH_DISPLAY" "$TEST_WINDOW_SYNC" --tap || exit $?

# the window's push: the server has both names of the resource, one live, one a conflict
names=$(PG_ADMIN_DB=city pg_admin -c "SELECT name FROM community_map.resources WHERE uuid = '$CM_TEST_RENAMED' UNION ALL SELECT convert_from(value, 'UTF8') FROM community_map.cm_conflicts WHERE uuid = '$CM_TEST_RENAMED' AND field = 'name'" | sort | tr '\n' ' ')
[ "$names" = "另一个办公室改的名字 这个办公室改的名字 " ] || fail "after the window's push the server has: $names"
echo "# the server holds both names after the window's push"
