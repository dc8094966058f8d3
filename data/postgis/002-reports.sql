-- SPDX-License-Identifier: GPL-3.0-or-later
-- Community Map on a PostgreSQL + PostGIS server, schema 1 → 2 (docs/postgis.md): residents'
-- reports (issue #18) and their timelines, as in a map file of format 5 (src/core/cm-schema.c).
--
-- `cmap push` (and a pull by a role that may write) applies it, in its transaction, to a server
-- whose community_map schema is version 1; a new server gets 001 and then this file.

-- (the resources' indexes are not copied: they are made below, named as 001 names them)
CREATE TABLE community_map.reports (LIKE community_map.resources INCLUDING ALL EXCLUDING INDEXES);
ALTER TABLE community_map.reports
  ADD PRIMARY KEY (uuid), ADD COLUMN status text, ADD COLUMN urgent bigint, ADD COLUMN residents bigint,
  ADD COLUMN responsible_uuid text, ADD COLUMN reported_at text, ADD COLUMN raised_by text;
CREATE INDEX reports_geom ON community_map.reports USING gist (geom);
CREATE INDEX reports_community ON community_map.reports (community);

-- A report's timeline: an entry is never rewritten (undo withdraws one: `deleted`).
CREATE TABLE community_map.report_followups (
  uuid text PRIMARY KEY DEFAULT gen_random_uuid()::text, community text NOT NULL DEFAULT '',
  created_at text NOT NULL DEFAULT community_map.cm_now(),
  updated_at text NOT NULL DEFAULT community_map.cm_now(),
  tags text NOT NULL DEFAULT '{}', deleted bigint NOT NULL DEFAULT 0,
  report_uuid text NOT NULL, at text NOT NULL, who text, what text,
  kind text NOT NULL DEFAULT 'followup', status text, status_before text);
CREATE INDEX report_followups_report ON community_map.report_followups (report_uuid);
CREATE FUNCTION community_map.cm_followup_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'a follow-up of a report is never removed: undo withdraws it';
  END IF;
  IF (OLD.report_uuid, OLD.at, OLD.who, OLD.what, OLD.kind, OLD.status, OLD.status_before)
     IS DISTINCT FROM
     (NEW.report_uuid, NEW.at, NEW.who, NEW.what, NEW.kind, NEW.status, NEW.status_before) THEN
    RAISE EXCEPTION 'a follow-up of a report is never rewritten: add another';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER cm_followup_kept BEFORE UPDATE OR DELETE ON community_map.report_followups
  FOR EACH ROW EXECUTE FUNCTION community_map.cm_followup_kept();

-- Edits of other programs noted, as on every other table (001).
CREATE TRIGGER cm_note_edit AFTER INSERT OR UPDATE OR DELETE ON community_map.reports
  FOR EACH ROW WHEN (current_setting('community_map.syncing', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION community_map.cm_note_edit();
CREATE TRIGGER cm_note_edit AFTER INSERT OR UPDATE OR DELETE ON community_map.report_followups
  FOR EACH ROW WHEN (current_setting('community_map.syncing', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION community_map.cm_note_edit();

INSERT INTO community_map.cm_schema VALUES (2);
