/* cm-import.c: GeoJSON and SpatiaLite sources into a community map, in one transaction. */
#include "config.h"

#include "cm-import.h"

#include <glib/gi18n-lib.h>

#include <sqlite3.h>
#include <spatialite.h>
#include <string.h>

#include "cm-categories.h"
#include "cm-rtree.h"
#include "cm-store-private.h"

G_DEFINE_QUARK (cm-import-error-quark, cm_import_error)

typedef struct
{
  sqlite3_stmt *insert;
  sqlite3_stmt *find;
  sqlite3_stmt *update;
  sqlite3_stmt *index_delete;
  sqlite3_stmt *index_insert;
  GPtrArray *suspended_triggers; /* CREATE TRIGGER statements to run again before COMMIT */
  GArray *bulk; /* CmRtreeEntry: when the layer started empty, its index is packed at the end */
} LayerStatements;

typedef struct
{
  CmStore *store;
  sqlite3 *db;
  CmLayer layer; /* CM_LAYER_NONE: infer per feature */
  CmImportReport *report;
  CmCategories *categories;
  GEOSContextHandle_t geos;
  GEOSMakeValidParams *make_valid;
  LayerStatements stmts[CM_N_LAYERS];
  GHashTable *seen_ids; /* source ids met in this import → times */
  char *now;
  GCancellable *cancellable;
} Import;

static void
note_free (CmImportNote *note)
{
  g_free (note->reason);
  g_free (note);
}

static void report_reset (CmImportReport *report);

CmImportReport *
cm_import_report_new (void)
{
  CmImportReport *report = g_new0 (CmImportReport, 1);
  report->notes = g_ptr_array_new_with_free_func ((GDestroyNotify) note_free);
  report_reset (report);
  return report;
}

void
cm_import_report_free (CmImportReport *report)
{
  if (report == NULL)
    return;
  g_ptr_array_unref (report->notes);
  g_free (report);
}

static void
report_reset (CmImportReport *report)
{
  GPtrArray *notes = report->notes;
  g_ptr_array_set_size (notes, 0);
  memset (report, 0, sizeof *report);
  report->notes = notes;
  report->bbox[0] = report->bbox[1] = G_MAXDOUBLE;
  report->bbox[2] = report->bbox[3] = -G_MAXDOUBLE;
}

static void
add_note (Import *imp, const CmGeoJsonFeature *f, CmImportAction action, const char *reason)
{
  CmImportNote *note = g_new0 (CmImportNote, 1);
  note->index = f->index;
  note->line = f->line;
  note->action = action;
  note->reason = g_strdup (reason);
  g_ptr_array_add (imp->report->notes, note);
}

char *
cm_import_report_to_json (const CmImportReport *r)
{
  GString *out = g_string_new (NULL);
  g_string_append_printf (out,
                          "{\"read\": %u, \"created\": %u, \"updated\": %u, \"repaired\": %u, "
                          "\"skipped\": %u, \"dropped_z\": %u, \"layers\": {",
                          r->read, r->created, r->updated, r->repaired, r->skipped, r->dropped_z);
  gboolean first = TRUE;
  for (int i = 0; i < CM_N_LAYERS; i++)
    if (r->per_layer[i] > 0)
      {
        g_string_append_printf (out, "%s\"%s\": %u", first ? "" : ", ", cm_layer_to_string (i),
                                r->per_layer[i]);
        first = FALSE;
      }
  g_string_append (out, "}, \"notes\": [");
  for (guint i = 0; i < r->notes->len; i++)
    {
      CmImportNote *n = g_ptr_array_index (r->notes, i);
      g_string_append_printf (out, "%s{\"feature\": %u, \"line\": %u, \"action\": \"%s\", "
                              "\"reason\": ", i ? ", " : "", n->index + 1, n->line,
                              n->action == CM_IMPORT_REPAIRED ? "repaired" : "skipped");
      cm_json_append_string (out, n->reason, strlen (n->reason));
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

/* ---- GEOS ---------------------------------------------------------------------------------- */

static void
geos_message (const char *message, void *user_data)
{
  /* GEOS reports construction problems here; the caller sees a NULL result and says why. */
  (void) message;
  (void) user_data;
}

/* ---- one feature --------------------------------------------------------------------------- */

static const char *
tag_value (const GPtrArray *tags, const char *key)
{
  for (guint i = 0; i + 1 < tags->len; i += 2)
    if (strcmp (g_ptr_array_index (tags, i), key) == 0)
      return g_ptr_array_index (tags, i + 1);
  return NULL;
}

static CmLayer
infer_layer (const CmGeoJsonFeature *f)
{
  const char *building = tag_value (f->string_tags, "building");
  const char *highway = tag_value (f->string_tags, "highway");
  CmGeomType t = f->geom->type;
  if (building && strcmp (building, "no") != 0 &&
      (t == CM_GEOM_POLYGON || t == CM_GEOM_MULTIPOLYGON))
    return CM_LAYER_BUILDINGS;
  if (highway && (t == CM_GEOM_LINESTRING || t == CM_GEOM_MULTILINESTRING))
    return CM_LAYER_PATHS;
  return CM_LAYER_RESOURCES;
}

/* Whether @layer can hold @geom; if not, says why. */
static gboolean
layer_accepts (CmLayer layer, const CmGeom *geom, const char **reason)
{
  switch (cm_layer_get_info (layer)->kind)
    {
    case CM_GEOMETRY_KIND_POINT:
      *reason = _("the stations layer holds single points");
      return geom->type == CM_GEOM_POINT;
    case CM_GEOMETRY_KIND_LINES:
      *reason = _("this layer holds lines");
      return geom->type == CM_GEOM_LINESTRING || geom->type == CM_GEOM_MULTILINESTRING;
    case CM_GEOMETRY_KIND_AREAS:
      *reason = _("this layer holds areas (polygons)");
      return geom->type == CM_GEOM_POLYGON || geom->type == CM_GEOM_MULTIPOLYGON;
    case CM_GEOMETRY_KIND_ANY:
    default:
      return TRUE;
    }
}

/* Checks an area-holding geometry with GEOS and repairs it when invalid.
 * Returns FALSE (with a reason) when it cannot be stored; *repaired tells if it changed. */
static gboolean
validate_areas (Import *imp, CmLayer layer, CmGeom **geom, gboolean *repaired, char **reason)
{
  GEOSGeometry *g = cm_geom_to_geos (imp->geos, *geom);
  if (g == NULL)
    {
      *reason = g_strdup ("the geometry cannot be built (a ring is not closed or too short)");
      return FALSE;
    }
  char valid = GEOSisValid_r (imp->geos, g);
  if (valid == 1)
    {
      GEOSGeom_destroy_r (imp->geos, g);
      return TRUE;
    }
  char *why = GEOSisValidReason_r (imp->geos, g);
  GEOSGeometry *fixed = GEOSMakeValidWithParams_r (imp->geos, g, imp->make_valid);
  GEOSGeom_destroy_r (imp->geos, g);

  CmGeom *result = NULL;
  if (fixed != NULL && !GEOSisEmpty_r (imp->geos, fixed))
    result = cm_geom_from_geos (imp->geos, fixed);
  if (fixed)
    GEOSGeom_destroy_r (imp->geos, fixed);

  const char *not_accepted = NULL;
  if (result == NULL || cm_geom_is_empty (result) ||
      !layer_accepts (layer, result, &not_accepted))
    {
      *reason = not_accepted
                    ? g_strdup_printf (_("invalid geometry (%s) that cannot be repaired into an "
                                         "area"), why ? why : "?")
                    : g_strdup_printf (_("invalid geometry (%s) that cannot be repaired"),
                                       why ? why : "?");
      GEOSFree_r (imp->geos, why);
      cm_geom_free (result);
      return FALSE;
    }
  *reason = g_strdup_printf (_("invalid geometry (%s) repaired"), why ? why : "?");
  GEOSFree_r (imp->geos, why);
  cm_geom_free (*geom);
  *geom = result;
  *repaired = TRUE;
  return TRUE;
}

/* SpatiaLite's triggers on a geometry table check each row's geometry type, stamp
 * geometry_columns_time and re-prepare an R*Tree insert for every row: most of an import's
 * time. Inside the import's transaction we drop them, keep the R*Tree up to date ourselves
 * (our BLOBs are built with the column's type and SRID), and create them again before COMMIT.
 * A failed or cancelled import rolls all of it back, triggers included.
 * Only SpatiaLite's own triggers (by their names) are suspended: any other trigger stays and
 * fires as usual. */
static const char *const spatialite_trigger_prefixes[] = {
  "ggi_", "ggu_", "gii_", "giu_", "gid_", "tmi_", "tmu_", "tmd_",
};

static gboolean
suspend_triggers (Import *imp, CmLayer layer, LayerStatements *s, GError **error)
{
  const char *table = cm_layer_to_string (layer);
  s->suspended_triggers = g_ptr_array_new_with_free_func (g_free);
  for (gsize i = 0; i < G_N_ELEMENTS (spatialite_trigger_prefixes); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s%s_geom", spatialite_trigger_prefixes[i], table);
      sqlite3_stmt *stmt = _cm_store_prepare (
          imp->store, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1"
                      " AND tbl_name = ?2", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, table, -1, SQLITE_STATIC);
      char *sql = NULL;
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0))
        sql = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      if (sql == NULL)
        continue;
      g_ptr_array_add (s->suspended_triggers, sql);
      g_autofree char *drop = g_strdup_printf ("DROP TRIGGER \"%s\"", name);
      if (!_cm_store_exec (imp->store, drop, error))
        return FALSE;
    }
  return TRUE;
}

/* Runs one stored CREATE TRIGGER statement again: exactly one statement, never a list, since
 * the text comes from the file. */
static gboolean
recreate_trigger (Import *imp, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  const char *tail = NULL;
  if (sqlite3_prepare_v2 (imp->db, sql, -1, &stmt, &tail) != SQLITE_OK)
    {
      _cm_store_set_sqlite_error (imp->store, error, _("restore a spatial index trigger"));
      return FALSE;
    }
  while (tail && g_ascii_isspace (*tail))
    tail++;
  gboolean ok = tail && *tail == '\0' && g_str_has_prefix (sqlite3_sql (stmt), "CREATE TRIGGER");
  if (!ok)
    g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_CORRUPT,
                 _("a spatial index trigger of this map is not what SpatiaLite writes"));
  else if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (imp->store, error, _("restore a spatial index trigger"));
      ok = FALSE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
restore_triggers (Import *imp, GError **error)
{
  for (int i = 0; i < CM_N_LAYERS; i++)
    {
      LayerStatements *s = &imp->stmts[i];
      if (s->suspended_triggers == NULL)
        continue;
      if (s->bulk != NULL)
        {
          g_autofree char *index = g_strdup_printf ("idx_%s_geom", cm_layer_to_string (i));
          if (!_cm_rtree_bulk_load (imp->db, index, s->bulk, error))
            return FALSE;
        }
      for (guint t = 0; t < s->suspended_triggers->len; t++)
        if (!recreate_trigger (imp, g_ptr_array_index (s->suspended_triggers, t), error))
          return FALSE;
      g_autofree char *stamp = g_strdup_printf (
          "UPDATE geometry_columns_time SET last_insert = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ',"
          " 'now'), last_update = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now')"
          " WHERE lower(f_table_name) = '%s'", cm_layer_to_string (i));
      if (!_cm_store_exec (imp->store, stamp, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
index_feature (Import *imp, LayerStatements *s, gint64 id, const double bbox[4],
               gboolean replace, GError **error)
{
  if (s->bulk)
    {
      CmRtreeEntry e = { .id = id, .bbox = { bbox[0], bbox[1], bbox[2], bbox[3] } };
      g_array_append_val (s->bulk, e);
      return TRUE;
    }
  if (replace)
    {
      sqlite3_bind_int64 (s->index_delete, 1, id);
      int rc = sqlite3_step (s->index_delete);
      sqlite3_reset (s->index_delete);
      if (rc != SQLITE_DONE)
        {
          _cm_store_set_sqlite_error (imp->store, error, _("update the spatial index"));
          return FALSE;
        }
    }
  sqlite3_bind_int64 (s->index_insert, 1, id);
  sqlite3_bind_double (s->index_insert, 2, bbox[0]);
  sqlite3_bind_double (s->index_insert, 3, bbox[2]);
  sqlite3_bind_double (s->index_insert, 4, bbox[1]);
  sqlite3_bind_double (s->index_insert, 5, bbox[3]);
  int rc = sqlite3_step (s->index_insert);
  sqlite3_reset (s->index_insert);
  if (rc != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (imp->store, error, _("update the spatial index"));
      return FALSE;
    }
  return TRUE;
}

static LayerStatements *
statements (Import *imp, CmLayer layer, GError **error)
{
  LayerStatements *s = &imp->stmts[layer];
  if (s->insert)
    return s;
  const char *t = cm_layer_to_string (layer);
  /* the layer's own columns (service_radius_m, households, …) come from properties of the
   * same name, which also stay in the tags */
  GString *cols = g_string_new (NULL), *vals = g_string_new (NULL), *sets = g_string_new (NULL);
  for (const char *const *e = cm_layer_get_info (layer)->extra_names; *e; e++)
    {
      g_string_append_printf (cols, ", %s", *e);
      g_string_append_printf (vals, ", json_extract(?5, '$.%s')", *e);
      g_string_append_printf (sets, ", %s = json_extract(?5, '$.%s')", *e, *e);
    }
  g_autofree char *insert = g_strdup_printf (
      "INSERT INTO %s (uuid, source_id, category, name, tags, created_at, updated_at, geom%s)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7%s)", t, cols->str, vals->str);
  g_autofree char *find = g_strdup_printf (
      "SELECT id FROM %s WHERE source_id = ?1 ORDER BY deleted LIMIT 1", t);
  g_autofree char *update = g_strdup_printf (
      "UPDATE %s SET category = ?3, name = ?4, tags = ?5, updated_at = ?6, geom = ?7,"
      " deleted = 0%s WHERE id = ?8", t, sets->str);
  g_string_free (cols, TRUE);
  g_string_free (vals, TRUE);
  g_string_free (sets, TRUE);
  g_autofree char *index_delete = g_strdup_printf (
      "DELETE FROM idx_%s_geom WHERE pkid = ?1", t);
  g_autofree char *index_insert = g_strdup_printf (
      "INSERT INTO idx_%s_geom (pkid, xmin, xmax, ymin, ymax) VALUES (?1, ?2, ?3, ?4, ?5)", t);
  if (!suspend_triggers (imp, layer, s, error))
    return NULL;
  /* a layer with no rows at all gets its spatial index packed in one go at the end */
  g_autofree char *index = g_strdup_printf ("idx_%s_geom", t);
  g_autofree char *any_rows = g_strdup_printf ("SELECT EXISTS (SELECT 1 FROM %s)", t);
  sqlite3_stmt *probe = _cm_store_prepare (imp->store, any_rows, error);
  if (probe == NULL)
    return NULL;
  gboolean has_rows = sqlite3_step (probe) == SQLITE_ROW && sqlite3_column_int (probe, 0);
  sqlite3_finalize (probe);
  if (!has_rows && _cm_rtree_is_empty (imp->db, index, NULL))
    s->bulk = g_array_new (FALSE, FALSE, sizeof (CmRtreeEntry));
  if (!(s->insert = _cm_store_prepare (imp->store, insert, error)) ||
      !(s->find = _cm_store_prepare (imp->store, find, error)) ||
      !(s->update = _cm_store_prepare (imp->store, update, error)) ||
      !(s->index_delete = _cm_store_prepare (imp->store, index_delete, error)) ||
      !(s->index_insert = _cm_store_prepare (imp->store, index_insert, error)))
    return NULL;
  return s;
}

/* The source id to store: the input's own id, with "#2", "#3" … for repeats within one
 * input, so that every feature is kept and importing the same file again matches each one. */
static char *
unique_source_id (Import *imp, const char *source_id)
{
  if (source_id == NULL)
    return NULL;
  guint times = GPOINTER_TO_UINT (g_hash_table_lookup (imp->seen_ids, source_id)) + 1;
  g_hash_table_replace (imp->seen_ids, g_strdup (source_id), GUINT_TO_POINTER (times));
  if (times == 1)
    return g_strdup (source_id);
  return g_strdup_printf ("%s#%u", source_id, times);
}

/* ---- one feature: prepared on the reading thread, written on the calling thread ------------ */

/* A feature ready to be written: everything but the database work is done. */
typedef struct
{
  CmLayer layer;
  guint index;
  guint8 *blob;
  gsize blob_size;
  double bbox[4];
  char *source_id;
  char *uuid;
  const char *category; /* owned by the category set */
  char *name;
  char *properties;
} Row;

static void
row_free (Row *row)
{
  g_free (row->blob);
  g_free (row->source_id);
  g_free (row->uuid);
  g_free (row->name);
  g_free (row->properties);
  g_free (row);
}

/* Checks, repairs and encodes one feature. Returns NULL when it is skipped (and noted). */
static Row *
prepare_row (Import *imp, CmGeoJsonFeature *f)
{
  CmImportReport *report = imp->report;
  const char *reason = NULL;
  g_autofree char *repair_reason = NULL;
  gboolean repaired = FALSE;

  report->read++;
  if (f->dropped_z)
    report->dropped_z++;

  if (f->geom == NULL)
    {
      add_note (imp, f, CM_IMPORT_SKIPPED, _("no geometry (null)"));
      report->skipped++;
      return NULL;
    }
  guint closed = cm_geom_close_rings (f->geom);
  if (!cm_geom_check_structure (f->geom, &reason))
    {
      add_note (imp, f, CM_IMPORT_SKIPPED, reason);
      report->skipped++;
      return NULL;
    }

  CmLayer layer = imp->layer != CM_LAYER_NONE ? imp->layer : infer_layer (f);
  if (!layer_accepts (layer, f->geom, &reason))
    {
      g_autofree char *why = g_strdup_printf (_("a %s cannot go into the %s layer: %s"),
                                              cm_geom_type_name (f->geom->type),
                                              cm_layer_to_string (layer), reason);
      add_note (imp, f, CM_IMPORT_SKIPPED, why);
      report->skipped++;
      return NULL;
    }

  if (cm_geom_has_areas (f->geom) &&
      !validate_areas (imp, layer, &f->geom, &repaired, &repair_reason))
    {
      add_note (imp, f, CM_IMPORT_SKIPPED, repair_reason);
      report->skipped++;
      return NULL;
    }

  if (closed > 0 || repaired)
    {
      g_autofree char *why = NULL;
      if (closed > 0 && repaired)
        why = g_strdup_printf (_("%u unclosed ring(s) closed; %s"), closed, repair_reason);
      else if (closed > 0)
        why = g_strdup_printf (_("%u unclosed ring(s) closed"), closed);
      add_note (imp, f, CM_IMPORT_REPAIRED, why ? why : repair_reason);
      report->repaired++;
    }

  Row *row = g_new0 (Row, 1);
  row->layer = layer;
  row->index = f->index;
  gboolean multi = cm_layer_get_info (layer)->kind == CM_GEOMETRY_KIND_LINES ||
                   cm_layer_get_info (layer)->kind == CM_GEOMETRY_KIND_AREAS;
  row->blob = cm_geom_to_spatialite (f->geom, multi, &row->blob_size);
  cm_geom_get_bbox (f->geom, row->bbox);
  row->source_id = unique_source_id (imp, f->source_id);
  row->uuid = g_strdup (f->uuid);
  row->category = f->category;
  if (row->category == NULL || cm_categories_lookup (imp->categories, row->category) == NULL)
    row->category = cm_categories_match_tags (imp->categories, f->string_tags);
  else
    row->category = cm_categories_lookup (imp->categories, row->category)->key;
  row->name = g_strdup (f->name);
  row->properties = g_strdup (f->properties);
  return row;
}

static gboolean
write_row (Import *imp, Row *row, GError **error)
{
  LayerStatements *s = statements (imp, row->layer, error);
  if (s == NULL)
    return FALSE;

  gint64 existing = 0;
  if (row->source_id != NULL)
    {
      sqlite3_bind_text (s->find, 1, row->source_id, -1, SQLITE_STATIC);
      if (sqlite3_step (s->find) == SQLITE_ROW)
        existing = sqlite3_column_int64 (s->find, 0);
      sqlite3_reset (s->find);
    }

  sqlite3_stmt *stmt = existing ? s->update : s->insert;
  g_autofree char *uuid = NULL;
  if (!existing)
    {
      uuid = row->uuid ? g_strdup (row->uuid) : g_uuid_string_random ();
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, row->source_id, -1, SQLITE_STATIC);
    }
  else
    {
      sqlite3_bind_int64 (stmt, 8, existing);
    }
  sqlite3_bind_text (stmt, 3, row->category, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, row->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, row->properties, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, imp->now, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 7, row->blob, (int) row->blob_size, SQLITE_STATIC);
  int rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (imp->store, error, _("store a feature"));
      g_prefix_error (error, _("feature %u: "), row->index + 1);
      return FALSE;
    }
  gint64 id = existing ? existing : sqlite3_last_insert_rowid (imp->db);
  if (!index_feature (imp, s, id, row->bbox, existing != 0, error))
    return FALSE;
  if (existing)
    imp->report->updated++;
  else
    imp->report->created++;
  imp->report->per_layer[row->layer]++;
  double *b = imp->report->bbox;
  b[0] = MIN (b[0], row->bbox[0]);
  b[1] = MIN (b[1], row->bbox[1]);
  b[2] = MAX (b[2], row->bbox[2]);
  b[3] = MAX (b[3], row->bbox[3]);
  return TRUE;
}

/* ---- the import as a whole ----------------------------------------------------------------- */

static void
import_init (Import *imp, CmStore *store, CmLayer layer, CmImportReport *report,
             GCancellable *cancellable)
{
  memset (imp, 0, sizeof *imp);
  imp->store = store;
  imp->db = _cm_store_get_db (store);
  imp->layer = layer;
  imp->report = report;
  imp->categories = cm_categories_get_default ();
  imp->geos = GEOS_init_r ();
  GEOSContext_setErrorMessageHandler_r (imp->geos, geos_message, NULL);
  GEOSContext_setNoticeMessageHandler_r (imp->geos, geos_message, NULL);
  imp->make_valid = GEOSMakeValidParams_create_r (imp->geos);
  GEOSMakeValidParams_setMethod_r (imp->geos, imp->make_valid, GEOS_MAKE_VALID_STRUCTURE);
  GEOSMakeValidParams_setKeepCollapsed_r (imp->geos, imp->make_valid, 0);
  imp->seen_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp->now = _cm_now_utc ();
  imp->cancellable = cancellable;
  report_reset (report);
}

static void
import_clear (Import *imp)
{
  for (int i = 0; i < CM_N_LAYERS; i++)
    {
      sqlite3_finalize (imp->stmts[i].insert);
      sqlite3_finalize (imp->stmts[i].find);
      sqlite3_finalize (imp->stmts[i].update);
      sqlite3_finalize (imp->stmts[i].index_delete);
      sqlite3_finalize (imp->stmts[i].index_insert);
      g_clear_pointer (&imp->stmts[i].suspended_triggers, g_ptr_array_unref);
      g_clear_pointer (&imp->stmts[i].bulk, g_array_unref);
    }
  GEOSMakeValidParams_destroy_r (imp->geos, imp->make_valid);
  GEOS_finish_r (imp->geos);
  g_hash_table_unref (imp->seen_ids);
  g_free (imp->now);
}

/* ---- GeoJSON: a reading thread and a writing thread ------------------------------------------
 * The reading thread parses, checks, repairs and encodes features (yajl, GEOS); the calling
 * thread writes them (SQLite). Batches of rows pass between them through a short queue, so
 * both cores work and memory stays bounded. Only the calling thread touches the database and
 * calls the progress function. */

#define BATCH_ROWS 256
#define MAX_QUEUED_BATCHES 8

typedef struct
{
  Import *imp;
  GInputStream *in;
  goffset total;

  GMutex lock;
  GCond cond;
  GQueue batches;     /* Batch*, oldest first */
  GPtrArray *filling; /* the rows the reader is filling (reader only) */
  gboolean stop;      /* the writer gave up: the reader stops too */
  gboolean done;      /* the reader has finished */
  GError *error;      /* why the reader failed */
  goffset read_bytes;
} Pipe;

/* Rows with the number of bytes the reader had parsed when it handed them over, so progress
 * reports what is written, whatever the two threads' timing. */
typedef struct
{
  GPtrArray *rows;
  goffset read_bytes;
} Batch;

static void
batch_free (Batch *batch)
{
  g_ptr_array_unref (batch->rows);
  g_free (batch);
}

static gboolean
pipe_push (Pipe *pipe, gboolean last)
{
  g_mutex_lock (&pipe->lock);
  while (!pipe->stop && !last && g_queue_get_length (&pipe->batches) >= MAX_QUEUED_BATCHES)
    g_cond_wait (&pipe->cond, &pipe->lock);
  gboolean stop = pipe->stop;
  if (!stop && pipe->filling->len > 0)
    {
      Batch *batch = g_new0 (Batch, 1);
      batch->rows = g_steal_pointer (&pipe->filling);
      batch->read_bytes = pipe->read_bytes;
      g_queue_push_tail (&pipe->batches, batch);
    }
  g_clear_pointer (&pipe->filling, g_ptr_array_unref);
  pipe->filling = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  g_cond_broadcast (&pipe->cond);
  g_mutex_unlock (&pipe->lock);
  return !stop;
}

static gboolean
reader_feature (CmGeoJsonFeature *f, gpointer user_data, GError **error)
{
  Pipe *pipe = user_data;
  Row *row = prepare_row (pipe->imp, f);
  if (row)
    g_ptr_array_add (pipe->filling, row);
  if (pipe->filling->len >= BATCH_ROWS && !pipe_push (pipe, FALSE))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("stopped by the writer"));
      return FALSE;
    }
  return TRUE;
}

static void
reader_progress (goffset done, goffset total, gpointer user_data)
{
  Pipe *pipe = user_data;
  g_mutex_lock (&pipe->lock);
  pipe->read_bytes = done;
  g_mutex_unlock (&pipe->lock);
}

static gpointer
reader_thread (gpointer data)
{
  Pipe *pipe = data;
  GError *error = NULL;
  gboolean ok = cm_geojson_read (pipe->in, pipe->total, reader_feature, pipe, reader_progress,
                                 pipe, pipe->imp->cancellable, &error);
  if (ok)
    pipe_push (pipe, TRUE);
  g_mutex_lock (&pipe->lock);
  pipe->done = TRUE;
  pipe->error = error;
  g_cond_broadcast (&pipe->cond);
  g_mutex_unlock (&pipe->lock);
  return NULL;
}

static gboolean
import_geojson (Import *imp, const char *path, CmProgressFunc progress, gpointer progress_data,
                GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) in = g_file_read (file, imp->cancellable, error);
  if (in == NULL)
    return FALSE;
  g_autoptr (GFileInfo) info = g_file_input_stream_query_info (
      in, G_FILE_ATTRIBUTE_STANDARD_SIZE, imp->cancellable, NULL);

  Pipe pipe = { 0 };
  pipe.imp = imp;
  pipe.in = G_INPUT_STREAM (in);
  pipe.total = info ? g_file_info_get_size (info) : -1;
  pipe.filling = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  g_mutex_init (&pipe.lock);
  g_cond_init (&pipe.cond);
  GThread *thread = g_thread_new ("cm-import-reader", reader_thread, &pipe);

  GError *write_error = NULL;
  goffset reported = 0;
  for (;;)
    {
      g_mutex_lock (&pipe.lock);
      while (g_queue_is_empty (&pipe.batches) && !pipe.done)
        g_cond_wait (&pipe.cond, &pipe.lock);
      Batch *batch = g_queue_pop_head (&pipe.batches);
      gboolean finished = batch == NULL && pipe.done;
      goffset read_bytes = batch ? batch->read_bytes : pipe.read_bytes;
      g_cond_broadcast (&pipe.cond);
      g_mutex_unlock (&pipe.lock);

      for (guint i = 0; batch && i < batch->rows->len && !write_error; i++)
        write_row (imp, g_ptr_array_index (batch->rows, i), &write_error);
      g_clear_pointer (&batch, batch_free);
      /* at the end, report the last bytes only if the reader finished well */
      if (!write_error && progress && read_bytes > reported && !(finished && pipe.error))
        {
          progress (read_bytes, pipe.total, progress_data);
          reported = read_bytes;
        }
      if (finished || write_error || g_cancellable_is_cancelled (imp->cancellable))
        break;
    }

  /* stop the reader (if it is still going) and wait for it */
  g_mutex_lock (&pipe.lock);
  pipe.stop = TRUE;
  g_cond_broadcast (&pipe.cond);
  g_mutex_unlock (&pipe.lock);
  g_thread_join (thread);

  gboolean ok = FALSE;
  if (write_error)
    g_propagate_error (error, write_error);
  else if (pipe.error && !g_cancellable_is_cancelled (imp->cancellable))
    g_propagate_error (error, g_steal_pointer (&pipe.error));
  else if (!g_cancellable_set_error_if_cancelled (imp->cancellable, error))
    ok = TRUE;

  g_clear_error (&pipe.error);
  g_queue_clear_full (&pipe.batches, (GDestroyNotify) batch_free);
  g_ptr_array_unref (pipe.filling);
  g_mutex_clear (&pipe.lock);
  g_cond_clear (&pipe.cond);
  return ok;
}

/* ---- SpatiaLite / SQLite sources (what ogr2ogr or QGIS wrote) ------------------------------ */

static gboolean
import_sqlite_table (Import *imp, const char *path, const char *table, CmProgressFunc progress,
                     gpointer progress_data, GError **error)
{
  g_autofree char *dn = g_filename_display_name (path);
  sqlite3 *src = NULL;
  void *cache = NULL;
  gboolean ok = FALSE;
  sqlite3_stmt *stmt = NULL;
  GString *props = g_string_new (NULL);
  g_autoptr (GPtrArray) string_tags = g_ptr_array_new_with_free_func (g_free);
  GEOSWKBReader *wkb_reader = GEOSWKBReader_create_r (imp->geos);
  /* declared before the first goto, so that cleanup never meets an unset pointer */
  g_autofree char *geom_col = NULL, *quoted_table = NULL, *quoted_geom = NULL, *sql = NULL;
  int srid = 0;

  _cm_spatialite_prepare ();
  if (sqlite3_open_v2 (path, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      g_set_error (error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_SOURCE, _("could not open “%s”: %s"),
                   dn, sqlite3_errmsg (src));
      goto out;
    }
  sqlite3_db_config (src, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  cache = spatialite_alloc_connection ();
  spatialite_set_silent_mode (cache);
  spatialite_init_ex (src, cache, 0);

  /* the table's geometry column and SRID, from SpatiaLite's registry */
  sqlite3_prepare_v2 (src,
                      "SELECT f_geometry_column, srid FROM geometry_columns"
                      " WHERE lower(f_table_name) = lower(?1)",
                      -1, &stmt, NULL);
  if (stmt)
    {
      sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          geom_col = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          srid = sqlite3_column_int (stmt, 1);
        }
      sqlite3_finalize (stmt);
      stmt = NULL;
    }
  if (geom_col == NULL)
    {
      g_set_error (error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_NO_TABLE,
                   _("“%s” has no SpatiaLite table “%s” with a registered geometry column. "
                   "List its tables with “ogrinfo %s”"), dn, table, path);
      goto out;
    }

  quoted_table = g_strdup_printf ("\"%s\"", table);
  quoted_geom = g_strdup_printf ("\"%s\"", geom_col);
  sql = g_strdup_printf (
      "SELECT AsBinary(%s(%s%s)), (SELECT count(*) FROM %s), * FROM %s",
      srid == 4326 ? "" : "Transform", quoted_geom, srid == 4326 ? "" : ", 4326", quoted_table,
      quoted_table);
  if (strchr (table, '"') || strchr (geom_col, '"') ||
      sqlite3_prepare_v2 (src, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_SOURCE,
                   _("could not read table “%s” of “%s”: %s"), table, dn, sqlite3_errmsg (src));
      goto out;
    }

  int n_cols = sqlite3_column_count (stmt);
  guint index = 0;
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 total = sqlite3_column_int64 (stmt, 1);
      g_string_assign (props, "{");
      g_ptr_array_set_size (string_tags, 0);
      const char *name = NULL, *at_id = NULL, *at_type = NULL, *category = NULL;
      gint64 pk = 0;
      for (int c = 2; c < n_cols; c++)
        {
          const char *col = sqlite3_column_name (stmt, c);
          int type = sqlite3_column_type (stmt, c);
          if (g_ascii_strcasecmp (col, geom_col) == 0 || type == SQLITE_BLOB)
            continue;
          if (c == 2 && type == SQLITE_INTEGER)
            pk = sqlite3_column_int64 (stmt, c); /* ogr2ogr's first column is the FID */
          if (props->len > 1)
            g_string_append_c (props, ',');
          cm_json_append_string (props, col, strlen (col));
          g_string_append_c (props, ':');
          const char *text = (const char *) sqlite3_column_text (stmt, c);
          if (type == SQLITE_NULL)
            g_string_append (props, "null");
          else if (type == SQLITE_INTEGER || type == SQLITE_FLOAT)
            g_string_append (props, text);
          else
            {
              cm_json_append_string (props, text, strlen (text));
              g_ptr_array_add (string_tags, g_strdup (col));
              g_ptr_array_add (string_tags, g_strdup (text));
              if (strcmp (col, "name") == 0)
                name = text;
              else if (strcmp (col, "category") == 0)
                category = text;
              else if (strcmp (col, "@type") == 0)
                at_type = text;
            }
          if (strcmp (col, "@id") == 0 && type != SQLITE_NULL)
            at_id = text;
        }
      g_string_append_c (props, '}');

      g_autofree char *source_id = at_id && at_type ? g_strdup_printf ("%s/%s", at_type, at_id)
                                   : at_id          ? g_strdup (at_id)
                                                    : g_strdup_printf ("%s/%" G_GINT64_FORMAT,
                                                                       table, pk);
      CmGeoJsonFeature f = { 0 };
      f.index = index++;
      f.properties = props->str;
      f.name = name;
      f.category = category;
      f.source_id = source_id;
      f.string_tags = string_tags;
      if (sqlite3_column_type (stmt, 0) == SQLITE_BLOB)
        {
          GEOSGeometry *g = GEOSWKBReader_read_r (imp->geos, wkb_reader,
                                                  sqlite3_column_blob (stmt, 0),
                                                  sqlite3_column_bytes (stmt, 0));
          if (g)
            {
              f.geom = cm_geom_from_geos (imp->geos, g);
              GEOSGeom_destroy_r (imp->geos, g);
            }
        }
      Row *row = prepare_row (imp, &f);
      cm_geom_free (f.geom);
      gboolean fine = row == NULL || write_row (imp, row, error);
      g_clear_pointer (&row, row_free);
      if (!fine)
        goto out;
      if (progress && index % 256 == 0)
        progress (index, total, progress_data);
      if (index % 256 == 0 && g_cancellable_set_error_if_cancelled (imp->cancellable, error))
        goto out;
    }
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_SOURCE,
                   _("could not read table “%s” of “%s”: %s"), table, dn, sqlite3_errmsg (src));
      goto out;
    }
  ok = TRUE;

out:
  sqlite3_finalize (stmt);
  if (src)
    sqlite3_close_v2 (src);
  if (cache)
    spatialite_cleanup_ex (cache);
  GEOSWKBReader_destroy_r (imp->geos, wkb_reader);
  g_string_free (props, TRUE);
  return ok;
}

static gboolean
is_sqlite_file (const char *path)
{
  char header[16] = { 0 };
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    return FALSE;
  size_t n = fread (header, 1, sizeof header, f);
  fclose (f);
  return n == sizeof header && memcmp (header, "SQLite format 3", 16) == 0;
}

gboolean
cm_import_file (CmStore *store, const char *path, CmLayer layer, const char *table,
                CmImportReport *report, CmProgressFunc progress, gpointer progress_data,
                GCancellable *cancellable, GError **error)
{
  g_autofree char *dn = g_filename_display_name (path);
  gboolean sqlite = is_sqlite_file (path);
  Import imp;

  if (sqlite && table == NULL)
    {
      g_set_error (error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_NO_TABLE,
                   _("“%s” is a SQLite database: say which table to import with --table "
                   "(list them with “ogrinfo %s”)"), dn, path);
      return FALSE;
    }

  import_init (&imp, store, layer, report, cancellable);
  gboolean ok = _cm_store_exec (store, "BEGIN IMMEDIATE", error);
  if (ok)
    {
      if (sqlite)
        ok = import_sqlite_table (&imp, path, table, progress, progress_data, error);
      else
        ok = import_geojson (&imp, path, progress, progress_data, error);
    }
  ok = ok && restore_triggers (&imp, error);
  import_clear (&imp);

  if (ok)
    ok = _cm_store_exec (store, "COMMIT", error);
  if (!ok)
    {
      sqlite3_exec (_cm_store_get_db (store), "ROLLBACK", NULL, NULL, NULL);
      report_reset (report);
      if (error && *error && !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (error, _("“%s”: "), dn);
    }
  return ok;
}
