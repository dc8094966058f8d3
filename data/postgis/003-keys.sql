-- SPDX-License-Identifier: GPL-3.0-or-later
-- Community Map on a PostgreSQL + PostGIS server, schema 2 → 3 (docs/postgis.md): the keys
-- compared byte by byte (COLLATE "C"), whatever the database's locale.
--
-- A uuid, a layer's name, a field's name and a session id are never sorted for people, only
-- matched; a map file compares them byte by byte too. Under a locale's collation each key
-- comparison goes through strcoll, and PostgreSQL sorts without abbreviated keys: building the
-- buildings' primary key after a district's first push took 390–500 ms under C.UTF-8, 160–280
-- ms with "C" (bench/postgis). Other tables' text, with the database's collation, compare with
-- these as "C" (a column's collation wins over the default), so nothing else changes.
--
-- `cmap push` (and a pull by a role that may write) applies it, in its transaction, to a server
-- whose community_map schema is version 2; a new server gets 001, 002 and then this file. A pull
-- reads a server of schema 2 as it is.

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['resources', 'stations', 'teams', 'buildings', 'paths', 'barriers',
                           'boundary', 'compounds', 'reports', 'photos', 'workshops',
                           'contributors', 'report_followups'] LOOP
    EXECUTE format('ALTER TABLE community_map.%I ALTER COLUMN uuid TYPE text COLLATE "C",'
                   ' ALTER COLUMN community TYPE text COLLATE "C"', t);
  END LOOP;
END $$;
ALTER TABLE community_map.photos ALTER COLUMN feature_uuid TYPE text COLLATE "C";
ALTER TABLE community_map.report_followups ALTER COLUMN report_uuid TYPE text COLLATE "C";
ALTER TABLE community_map.cm_clock ALTER COLUMN site TYPE text COLLATE "C";
ALTER TABLE community_map.cm_versions
  ALTER COLUMN layer TYPE text COLLATE "C", ALTER COLUMN uuid TYPE text COLLATE "C",
  ALTER COLUMN field TYPE text COLLATE "C", ALTER COLUMN site TYPE text COLLATE "C";
ALTER TABLE community_map.cm_pending
  ALTER COLUMN layer TYPE text COLLATE "C", ALTER COLUMN uuid TYPE text COLLATE "C",
  ALTER COLUMN field TYPE text COLLATE "C";
ALTER TABLE community_map.cm_conflicts
  ALTER COLUMN layer TYPE text COLLATE "C", ALTER COLUMN uuid TYPE text COLLATE "C",
  ALTER COLUMN field TYPE text COLLATE "C", ALTER COLUMN site TYPE text COLLATE "C";

INSERT INTO community_map.cm_schema VALUES (3);
