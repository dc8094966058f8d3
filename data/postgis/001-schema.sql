-- SPDX-License-Identifier: GPL-3.0-or-later
-- Community Map on a PostgreSQL + PostGIS server, schema 1 (docs/postgis.md).
--
-- One schema, community_map, for every community a city pushes: a table per layer as in a map
-- file (src/core/cm-schema.c), with the community each feature was first pushed from, its
-- geometry as geometry(…, 4326) with a GiST index, so that QGIS and `ogrinfo PG:` open them as
-- ordinary PostGIS layers; and the versions, the clock (what the server has seen) and the
-- conflicts, as in a map file (docs/merge.md): a push is a merge into the server's copy, a pull
-- a merge from it. Values are kept as the map holds them (times as the map's ISO text, tags as
-- JSON text), so a map pulled back is the map pushed, number by number.
--
-- `cmap push` applies this file, in its transaction, to a database that has no community_map
-- schema yet (it needs the postgis extension, or the right to create it).

CREATE EXTENSION IF NOT EXISTS postgis;
CREATE SCHEMA community_map;

CREATE TABLE community_map.cm_schema (version integer NOT NULL);
INSERT INTO community_map.cm_schema VALUES (1);

-- A time as a map file writes it: 2026-12-05T15:04:05.123Z
CREATE FUNCTION community_map.cm_now() RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- The layers. Every one has the columns of every feature, then its own. The defaults let
-- another program (QGIS on these layers) add a feature as a map file's defaults do.
CREATE TABLE community_map.resources (
  uuid text PRIMARY KEY DEFAULT gen_random_uuid()::text, community text NOT NULL DEFAULT '',
  created_at text NOT NULL DEFAULT community_map.cm_now(),
  updated_at text NOT NULL DEFAULT community_map.cm_now(),
  source_id text, category text NOT NULL DEFAULT 'other', name text, description text,
  tags text NOT NULL DEFAULT '{}', contributor_uuid text, workshop_uuid text,
  deleted bigint NOT NULL DEFAULT 0,
  geom geometry(Geometry, 4326));
CREATE TABLE community_map.stations (LIKE community_map.resources INCLUDING ALL);
ALTER TABLE community_map.stations
  ALTER COLUMN geom TYPE geometry(Point, 4326),
  ADD COLUMN service_radius_m double precision, ADD COLUMN kind text,
  ADD COLUMN opening_hours text, ADD COLUMN phone text;
CREATE TABLE community_map.teams (LIKE community_map.resources INCLUDING ALL);
ALTER TABLE community_map.teams
  ALTER COLUMN geom TYPE geometry(MultiPolygon, 4326),
  ADD COLUMN kind text, ADD COLUMN members bigint, ADD COLUMN leader text,
  ADD COLUMN contact text, ADD COLUMN activities text, ADD COLUMN meeting_place text;
CREATE TABLE community_map.buildings (LIKE community_map.resources INCLUDING ALL);
ALTER TABLE community_map.buildings
  ALTER COLUMN geom TYPE geometry(MultiPolygon, 4326),
  ADD COLUMN households bigint, ADD COLUMN population bigint, ADD COLUMN building_head text,
  ADD COLUMN head_contact text, ADD COLUMN compound_uuid text;
CREATE TABLE community_map.paths (LIKE community_map.resources INCLUDING ALL);
ALTER TABLE community_map.paths ALTER COLUMN geom TYPE geometry(MultiLineString, 4326);
CREATE TABLE community_map.barriers (LIKE community_map.resources INCLUDING ALL);
ALTER TABLE community_map.barriers ALTER COLUMN geom TYPE geometry(MultiLineString, 4326);
CREATE TABLE community_map.boundary (LIKE community_map.resources INCLUDING ALL);
ALTER TABLE community_map.boundary ALTER COLUMN geom TYPE geometry(MultiPolygon, 4326);
CREATE TABLE community_map.compounds (LIKE community_map.resources INCLUDING ALL);
ALTER TABLE community_map.compounds
  ALTER COLUMN geom TYPE geometry(MultiPolygon, 4326), ADD COLUMN kind text;

CREATE INDEX resources_geom ON community_map.resources USING gist (geom);
CREATE INDEX stations_geom ON community_map.stations USING gist (geom);
CREATE INDEX teams_geom ON community_map.teams USING gist (geom);
CREATE INDEX buildings_geom ON community_map.buildings USING gist (geom);
CREATE INDEX paths_geom ON community_map.paths USING gist (geom);
CREATE INDEX barriers_geom ON community_map.barriers USING gist (geom);
CREATE INDEX boundary_geom ON community_map.boundary USING gist (geom);
CREATE INDEX compounds_geom ON community_map.compounds USING gist (geom);
CREATE INDEX resources_community ON community_map.resources (community);
CREATE INDEX stations_community ON community_map.stations (community);
CREATE INDEX teams_community ON community_map.teams (community);
CREATE INDEX buildings_community ON community_map.buildings (community);
CREATE INDEX paths_community ON community_map.paths (community);
CREATE INDEX barriers_community ON community_map.barriers (community);
CREATE INDEX boundary_community ON community_map.boundary (community);
CREATE INDEX compounds_community ON community_map.compounds (community);

-- Photos (inside the map: bytea here), workshops and who drew what.
CREATE TABLE community_map.photos (
  uuid text PRIMARY KEY DEFAULT gen_random_uuid()::text, community text NOT NULL DEFAULT '',
  created_at text NOT NULL DEFAULT community_map.cm_now(),
  updated_at text NOT NULL DEFAULT community_map.cm_now(),
  tags text NOT NULL DEFAULT '{}', deleted bigint NOT NULL DEFAULT 0,
  feature_uuid text NOT NULL, mime text NOT NULL, width bigint NOT NULL, height bigint NOT NULL,
  data bytea NOT NULL);
CREATE INDEX photos_feature ON community_map.photos (feature_uuid);
CREATE TABLE community_map.workshops (
  uuid text PRIMARY KEY DEFAULT gen_random_uuid()::text, community text NOT NULL DEFAULT '',
  created_at text NOT NULL DEFAULT community_map.cm_now(),
  updated_at text NOT NULL DEFAULT community_map.cm_now(),
  tags text NOT NULL DEFAULT '{}', deleted bigint NOT NULL DEFAULT 0, name text NOT NULL, date text, place text);
CREATE TABLE community_map.contributors (
  uuid text PRIMARY KEY DEFAULT gen_random_uuid()::text, community text NOT NULL DEFAULT '',
  created_at text NOT NULL DEFAULT community_map.cm_now(),
  updated_at text NOT NULL DEFAULT community_map.cm_now(),
  tags text NOT NULL DEFAULT '{}', deleted bigint NOT NULL DEFAULT 0, name text NOT NULL, workshop_uuid text);

-- Categories and kinds: a union by key, as merging maps does.
CREATE TABLE community_map.categories (
  key text PRIMARY KEY, label_zh text NOT NULL, label_en text NOT NULL, geometry text NOT NULL,
  icon text, color text, osm text NOT NULL, sort_order bigint NOT NULL);
CREATE TABLE community_map.kinds (
  layer text NOT NULL, key text NOT NULL, label_zh text NOT NULL, label_en text NOT NULL,
  service_radius_m double precision, category text, sort_order bigint NOT NULL,
  PRIMARY KEY (layer, key));

-- What the server has seen, each field's version, and the other values of conflicts
-- (docs/merge.md, "Versions in the file"). A conflict's value keeps its SQLite type.
CREATE TABLE community_map.cm_clock (site text PRIMARY KEY, counter bigint NOT NULL);
CREATE TABLE community_map.cm_versions (
  layer text NOT NULL, uuid text NOT NULL, field text NOT NULL,
  site text NOT NULL, counter bigint NOT NULL,
  PRIMARY KEY (layer, uuid, field));
CREATE INDEX cm_versions_by_version ON community_map.cm_versions (site, counter);
-- Edits of other programs (QGIS editing these layers, psql), noted by triggers as a map file's
-- are, and versioned by the next push under a session of their own (docs/postgis.md). Community
-- Map's own writes set community_map.syncing and are not noted.
CREATE TABLE community_map.cm_pending (
  layer text NOT NULL, uuid text NOT NULL, field text NOT NULL,
  PRIMARY KEY (layer, uuid, field));
CREATE FUNCTION community_map.cm_note_edit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_row jsonb;
  new_row jsonb;
  col text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO community_map.cm_pending VALUES (TG_TABLE_NAME, NEW.uuid, '')
      ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO community_map.cm_pending VALUES (TG_TABLE_NAME, OLD.uuid, 'deleted')
      ON CONFLICT DO NOTHING;
  ELSE
    old_row := to_jsonb(OLD);
    new_row := to_jsonb(NEW);
    FOR col IN SELECT jsonb_object_keys(new_row) LOOP
      IF col NOT IN ('uuid', 'community', 'created_at', 'updated_at')
         AND old_row -> col IS DISTINCT FROM new_row -> col THEN
        INSERT INTO community_map.cm_pending VALUES (TG_TABLE_NAME, NEW.uuid, col)
          ON CONFLICT DO NOTHING;
      END IF;
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['resources', 'stations', 'teams', 'buildings', 'paths', 'barriers',
                           'boundary', 'compounds', 'photos', 'workshops', 'contributors'] LOOP
    EXECUTE format('CREATE TRIGGER cm_note_edit AFTER INSERT OR UPDATE OR DELETE ON'
                   ' community_map.%I FOR EACH ROW WHEN (current_setting(''community_map.syncing'','
                   ' true) IS DISTINCT FROM ''on'') EXECUTE FUNCTION community_map.cm_note_edit()',
                   t);
  END LOOP;
END $$;

CREATE TABLE community_map.cm_conflicts (
  layer text NOT NULL, uuid text NOT NULL, field text NOT NULL,
  site text NOT NULL, counter bigint NOT NULL,
  value_type text NOT NULL CHECK (value_type IN ('null', 'integer', 'real', 'text', 'blob')),
  value bytea,
  PRIMARY KEY (layer, uuid, field, site, counter));
