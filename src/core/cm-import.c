/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-import.c: GeoJSON and SpatiaLite sources into a community map, in one transaction. */
#include "config.h"

#include "cm-import.h"

#include <glib/gi18n-lib.h>

#include <sqlite3.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "cm-categories.h"
#include "cm-geodesic.h"
#include "cm-json-writer.h"
#include "cm-kinds.h"
#include "cm-photos.h"
#include "cm-reports.h"
#include "cm-workshops.h"
#include "cm-import-private.h"
#include "cm-store-private.h"

G_DEFINE_QUARK (cm-import-error-quark, cm_import_error)

#define MAX_EXTRAS 8   /* the most own columns a layer has (cm-layer.c) */
#define EXTRA_PARAM 20 /* the parameter of the first of them in the insert and update */

typedef struct
{
  sqlite3_stmt *insert;
  sqlite3_stmt *find;         /* by source id */
  sqlite3_stmt *find_uuid;    /* by uuid */
  sqlite3_stmt *update;
  CmBulkLayer *bulk; /* the layer's triggers suspended, its spatial index kept here */
} LayerStatements;

struct _CmImport
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
  GHashTable *records;  /* contributor and workshop uuids known to be in the map */
  GRand *uuids;         /* the random numbers of new features' uuids (reading thread only) */
  char *now;
  GCancellable *cancellable;
};
typedef CmImport Import;

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
                          "{\"read\": %u, \"created\": %u, \"updated\": %u, \"unchanged\": %u, "
                          "\"repaired\": %u, \"skipped\": %u, \"dropped_z\": %u, \"layers\": {",
                          r->read, r->created, r->updated, r->unchanged, r->repaired, r->skipped,
                          r->dropped_z);
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

/* Checks an area-holding geometry (the quick proof first, then GEOS) and repairs it when
 * invalid. Returns FALSE (with a reason) when it cannot be stored; *repaired tells if it changed. */
static gboolean
validate_areas (Import *imp, CmLayer layer, CmGeom **geom, gboolean *repaired, char **reason)
{
  if (cm_geom_is_surely_valid_polygon (*geom))
    return TRUE; /* 99% of buildings: no GEOS geometry built, a fifth of the reading thread */
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

static gboolean
restore_triggers (Import *imp, GError **error)
{
  for (int i = 0; i < CM_N_LAYERS; i++)
    if (imp->stmts[i].bulk && !_cm_bulk_layer_end (g_steal_pointer (&imp->stmts[i].bulk), error))
      return FALSE;
  return TRUE;
}

static LayerStatements *
statements (Import *imp, CmLayer layer, GError **error)
{
  LayerStatements *s = &imp->stmts[layer];
  if (s->insert)
    return s;
  const char *t = cm_layer_to_string (layer);
  /* the layer's own columns (service_radius_m, households, …) are ?EXTRA_PARAM on; a field
   * the file does not give (NULL) keeps what the map has */
  GString *cols = g_string_new (NULL), *vals = g_string_new (NULL), *sets = g_string_new (NULL);
  GString *now = g_string_new (NULL);
  const CmLayerInfo *info = cm_layer_get_info (layer);
  g_assert (info->n_fields <= MAX_EXTRAS);
  for (guint i = 0; i < info->n_fields; i++)
    {
      const char *e = info->fields[i].name;
      int param = EXTRA_PARAM + (int) i;
      g_string_append_printf (cols, ", %s", e);
      g_string_append_printf (vals, ", ?%d", param);
      g_string_append_printf (sets, ", %s = coalesce(?%d, %s)", e, param, e);
      g_string_append_printf (now, ", %s", e);
    }
  g_autofree char *insert = g_strdup_printf (
      "INSERT INTO %s (uuid, source_id, category, name, tags, created_at, updated_at, geom,"
      " description, contributor_uuid, workshop_uuid%s)"
      " VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?9, ?6), coalesce(?16, ?6), ?7, ?10, ?11, ?12%s)",
      t, cols->str, vals->str);
  /* what is there now, to tell an unchanged feature (?2: the new geometry) */
  g_autofree char *current = g_strdup_printf (
      "SELECT id, deleted, geom = ?2 OR AsBinary(CmGeom(geom)) = AsBinary(?2), category, name, tags,"
      " description, contributor_uuid, workshop_uuid%s FROM %s", now->str, t);
  g_autofree char *find = g_strdup_printf (
      "%s WHERE source_id = ?1 ORDER BY deleted LIMIT 1", current);
  g_autofree char *find_uuid = g_strdup_printf ("%s WHERE uuid = ?1", current);
  g_autofree char *update = g_strdup_printf (
      "UPDATE %s SET category = ?3, name = coalesce(?4, name), tags = ?5, updated_at = ?6,"
      " geom = ?7, description = coalesce(?10, description),"
      " contributor_uuid = coalesce(?11, contributor_uuid),"
      " workshop_uuid = coalesce(?12, workshop_uuid), deleted = 0%s WHERE id = ?8",
      t, sets->str);
  g_string_free (now, TRUE);
  g_string_free (cols, TRUE);
  g_string_free (vals, TRUE);
  g_string_free (sets, TRUE);
  if (!(s->bulk = _cm_bulk_layer_begin (imp->store, layer, error)))
    return NULL;
  if (!(s->insert = _cm_store_prepare (imp->store, insert, error)) ||
      !(s->find = _cm_store_prepare (imp->store, find, error)) ||
      !(s->find_uuid = _cm_store_prepare (imp->store, find_uuid, error)) ||
      !(s->update = _cm_store_prepare (imp->store, update, error)))
    return NULL;
  return s;
}

/* The source id to store: the input's own id, with "#2", "#3" … for repeats within one
 * input and layer, so that every feature is kept and importing the same file again matches
 * each one. (One OSM way can be a building and a resource: one in each layer.) */
static char *
unique_source_id (Import *imp, CmLayer layer, const char *source_id)
{
  if (source_id == NULL)
    return NULL;
  g_autofree char *key = g_strconcat (cm_layer_to_string (layer), " ", source_id, NULL);
  guint times = GPOINTER_TO_UINT (g_hash_table_lookup (imp->seen_ids, key)) + 1;
  g_hash_table_replace (imp->seen_ids, g_steal_pointer (&key), GUINT_TO_POINTER (times));
  if (times == 1)
    return g_strdup (source_id);
  return g_strdup_printf ("%s#%u", source_id, times);
}

/* ---- one feature: prepared on the reading thread, written on the calling thread ------------ */

/* A random UUID (version 4), as g_uuid_string_random makes one, from the import's own
 * generator: GLib's takes a lock shared with every thread and formats with printf, 6 % of
 * the reading thread's time in a district's import. */
static char *
random_uuid (Import *imp)
{
  static const char hex[] = "0123456789abcdef";
  guint8 bytes[16];
  for (int i = 0; i < 16; i += 4)
    {
      guint32 r = g_rand_int (imp->uuids);
      memcpy (bytes + i, &r, 4);
    }
  bytes[6] = (bytes[6] & 0x0f) | 0x40; /* version 4 */
  bytes[8] = (bytes[8] & 0x3f) | 0x80; /* the variant of RFC 4122 */
  char *text = g_malloc (37), *out = text;
  for (int i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        *out++ = '-';
      *out++ = hex[bytes[i] >> 4];
      *out++ = hex[bytes[i] & 0x0f];
    }
  *out = '\0';
  return text;
}


/* A feature ready to be written: everything but the database work is done. Fields the file
 * does not give are NULL (or unset): an update keeps what the map has. */
typedef struct
{
  CmLayer layer;
  guint index;
  guint8 *blob;
  gsize blob_size;
  double bbox[4];
  char *source_id;
  char *uuid;           /* the file's, or NULL */
  char *fresh_uuid;     /* when the file gives none: the one a new feature gets (made here, on
                         * the reading thread, off the writer's path) */
  const char *category; /* owned by the category set */
  char *name;
  char *properties;     /* the tags: the other properties, and fields that could not be used */
  char *description;
  char *created_at, *updated_at;
  CmRecord *contributor; /* uuid, name; @anonymous its number, or 0 */
  gint64 anonymous;
  CmRecord *workshop;    /* uuid, name, date, place */
  gboolean extra_set[MAX_EXTRAS];
  double extra_number[MAX_EXTRAS];
  char *extra_text[MAX_EXTRAS];
  GPtrArray *photos;     /* CmPhoto */
  char *timeline;        /* a report's follow-ups, as JSON (cm-reports.c) */
} Row;

static void
row_free (Row *row)
{
  g_free (row->blob);
  g_free (row->source_id);
  g_free (row->uuid);
  g_free (row->fresh_uuid);
  g_free (row->name);
  g_free (row->properties);
  g_free (row->description);
  g_free (row->created_at);
  g_free (row->updated_at);
  g_clear_pointer (&row->contributor, cm_record_free);
  g_clear_pointer (&row->workshop, cm_record_free);
  for (int i = 0; i < MAX_EXTRAS; i++)
    g_free (row->extra_text[i]);
  g_clear_pointer (&row->photos, g_ptr_array_unref);
  g_free (row->timeline);
  g_free (row);
}

/* ---- our own fields (what cmap export writes) ---------------------------------------------- */

/* A timestamp as stored (2026-11-23T18:50:09.123Z), from any ISO 8601 time with a zone. */
static char *
timestamp (const char *text)
{
  if (text == NULL)
    return NULL;
  g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (text, NULL);
  if (t == NULL)
    return NULL;
  g_autoptr (GDateTime) utc = g_date_time_to_utc (t);
  g_autofree char *base = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (utc) / 1000);
}

static const char *
member_string (JsonObject *o, const char *key)
{
  JsonNode *n = json_object_get_member (o, key);
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
             ? json_node_get_string (n)
             : NULL;
}

static JsonObject *
parse_object (JsonParser *parser, const char *json)
{
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return NULL;
  JsonNode *root = json_parser_get_root (parser); /* NULL for empty text */
  return root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

/* A record ({"uuid", "name", …}) read from @json: NULL when it has no valid uuid; its object
 * (owned by @parser) into @object for the record's own members. */
static CmRecord *
read_record (JsonParser *parser, const char *json, JsonObject **object)
{
  JsonObject *o = parse_object (parser, json);
  const char *uuid = o ? member_string (o, "uuid") : NULL;
  if (uuid == NULL || !g_uuid_string_is_valid (uuid))
    return NULL;
  const char *name = member_string (o, "name");
  CmRecord *record = g_new0 (CmRecord, 1);
  record->uuid = g_ascii_strdown (uuid, -1);
  record->name = g_strdup (name && *name ? name : "?");
  *object = o;
  return record;
}

/* {"uuid", "name", "anonymous"}: who drew it. */
static gboolean
read_contributor (Row *row, const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o;
  row->contributor = read_record (parser, json, &o);
  if (row->contributor == NULL)
    return FALSE;
  JsonNode *anon = json_object_get_member (o, "anonymous");
  if (anon && JSON_NODE_HOLDS_VALUE (anon) && json_node_get_value_type (anon) == G_TYPE_INT64)
    row->anonymous = MAX (0, json_node_get_int (anon));
  return TRUE;
}

/* {"uuid", "name", "date", "place"}: the workshop it was drawn in. */
static gboolean
read_workshop (Row *row, const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o;
  row->workshop = read_record (parser, json, &o);
  if (row->workshop == NULL)
    return FALSE;
  row->workshop->date = g_strdup (member_string (o, "date"));
  row->workshop->place = g_strdup (member_string (o, "place"));
  return TRUE;
}

/* [{"uuid", "created_at", "data": "data:image/jpeg;base64,…"}, …] (or bare data: URIs): the
 * photos, each checked and cleaned as any photo. */
static gboolean
read_photos (Row *row, const char *json, char **reason)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return FALSE;
  JsonArray *a = json_node_get_array (json_parser_get_root (parser));
  g_autoptr (GPtrArray) photos = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_photo_free);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      const char *uri = o ? member_string (o, "data")
                      : JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
                          ? json_node_get_string (n)
                          : NULL;
      const char *comma = uri ? strchr (uri, ',') : NULL;
      if (uri == NULL || !g_str_has_prefix (uri, "data:image/") || comma == NULL ||
          comma - uri < 7 || strncmp (comma - 7, ";base64", 7) != 0)
        return FALSE;
      gsize len;
      guchar *bytes = g_base64_decode (comma + 1, &len);
      g_autoptr (GBytes) data = g_bytes_new_take (bytes, len);
      g_autoptr (GError) error = NULL;
      CmPhoto *photo = cm_photo_from_bytes (data, &error);
      if (photo == NULL)
        {
          g_free (*reason);
          *reason = g_strdup_printf (_("photo %u left out: %s"), i + 1, error->message);
          continue;
        }
      const char *uuid = o ? member_string (o, "uuid") : NULL;
      if (uuid && g_uuid_string_is_valid (uuid))
        photo->uuid = g_ascii_strdown (uuid, -1);
      photo->created_at = timestamp (o ? member_string (o, "created_at") : NULL);
      g_ptr_array_add (photos, photo);
    }
  row->photos = g_steal_pointer (&photos);
  return TRUE;
}

/* A layer's own column from its property, when it is what the field takes (cm-layer.c): a
 * count (a whole number) or a distance in metres as a JSON number within the field's limits,
 * a text as a JSON string, a compound as a uuid. */
static gboolean
read_extra (Row *row, guint i, const CmLayerField *column, const CmGeoJsonFeature *f,
            CmField field)
{
  const char *json = f->field_json[field], *text = f->field_text[field];
  gboolean number = column->type == CM_VALUE_COUNT || column->type == CM_VALUE_METRES ||
                    column->type == CM_VALUE_FLAG;
  /* a yes or no: JSON's true and false, 1 and 0, or a word (是, yes) */
  if (column->type == CM_VALUE_FLAG && (g_str_equal (json, "true") || g_str_equal (json, "false")))
    text = json;
  else if (column->type == CM_VALUE_FLAG && json[0] == '"')
    number = FALSE;
  if (text == NULL || (json[0] == '"') == number)
    return FALSE;
  if (column->type == CM_VALUE_UUID && !g_uuid_string_is_valid (text))
    return FALSE;
  g_autoptr (GVariant) value = NULL;
  if (!cm_layer_field_parse (column, text, &value, NULL) || value == NULL)
    return FALSE;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64) ||
      g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    row->extra_number[i] = g_variant_is_of_type (value, G_VARIANT_TYPE_INT64)
                               ? (double) g_variant_get_int64 (value)
                               : g_variant_get_double (value);
  else if (column->type == CM_VALUE_CHOICE || column->type == CM_VALUE_DATE)
    row->extra_text[i] = g_variant_dup_string (value, NULL); /* the key, the date as stored */
  else
    row->extra_text[i] = g_strdup (text);
  row->extra_set[i] = TRUE;
  return TRUE;
}

/* Reads our fields from @f into @row; a field that cannot be used as one (a text where a count
 * belongs, a contributor without a uuid, households on a station) goes back into the tags, so
 * nothing in the file is lost. */
static void
read_fields (Import *imp, Row *row, const CmGeoJsonFeature *f, char **reason)
{
  GString *tags = g_string_new (f->properties);
  const CmLayerInfo *info = cm_layer_get_info (row->layer);
  for (int field = 0; field < CM_N_FIELDS; field++)
    {
      const char *json = f->field_json[field], *text = f->field_text[field];
      if (json == NULL)
        continue;
      gboolean string = json[0] == '"', used = TRUE;
      switch ((CmField) field)
        {
        case CM_FIELD_UUID:
          used = f->uuid != NULL;
          break;
        case CM_FIELD_LAYER:
          used = string && cm_layer_from_string (text) != CM_LAYER_NONE;
          break;
        case CM_FIELD_CATEGORY:
          used = f->category && cm_categories_lookup (imp->categories, f->category);
          break;
        case CM_FIELD_NAME:
          used = string;
          break;
        case CM_FIELD_DESCRIPTION:
          if ((used = string))
            row->description = g_strdup (text);
          break;
        case CM_FIELD_CREATED_AT:
          used = string && (row->created_at = timestamp (text)) != NULL;
          break;
        case CM_FIELD_UPDATED_AT:
          used = string && (row->updated_at = timestamp (text)) != NULL;
          break;
        case CM_FIELD_CONTRIBUTOR:
          used = json[0] == '{' && read_contributor (row, json);
          break;
        case CM_FIELD_WORKSHOP:
          used = json[0] == '{' && read_workshop (row, json);
          break;
        case CM_FIELD_PHOTOS:
          used = json[0] == '[' && read_photos (row, json, reason);
          break;
        case CM_FIELD_TIMELINE:
          used = row->layer == CM_LAYER_REPORTS && json[0] == '[' &&
                 _cm_reports_timeline_is_valid (json);
          if (used)
            row->timeline = g_strdup (json);
          break;
        default: /* a layer's own column */
          used = FALSE;
          for (guint i = 0; i < info->n_fields; i++)
            if (g_str_equal (info->fields[i].name, cm_field_name (field)))
              used = read_extra (row, i, &info->fields[i], f, field);
          break;
        }
      if (used)
        continue;
      g_string_truncate (tags, tags->len - 1); /* the closing brace */
      if (tags->len > 1)
        g_string_append_c (tags, ',');
      cm_json_append_string (tags, cm_field_name (field), strlen (cm_field_name (field)));
      g_string_append_printf (tags, ":%s}", json);
    }
  row->properties = g_string_free (tags, FALSE);
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

  /* the layer named on the command line, else the one the file names (an export of a whole
   * map), else the one the feature's tags suggest */
  CmLayer layer = imp->layer;
  if (layer == CM_LAYER_NONE && f->field_json[CM_FIELD_LAYER] &&
      f->field_json[CM_FIELD_LAYER][0] == '"')
    layer = cm_layer_from_string (f->field_text[CM_FIELD_LAYER]);
  if (layer == CM_LAYER_NONE)
    layer = infer_layer (f);
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
  row->source_id = unique_source_id (imp, layer, f->source_id);
  row->uuid = g_strdup (f->uuid);
  if (row->uuid == NULL)
    row->fresh_uuid = random_uuid (imp);
  row->category = f->category;
  if (row->category == NULL || cm_categories_lookup (imp->categories, row->category) == NULL)
    row->category = cm_categories_match_tags (imp->categories, f->string_tags);
  else
    row->category = cm_categories_lookup (imp->categories, row->category)->key;
  row->name = g_strdup (f->name);
  g_autofree char *photo_note = NULL;
  read_fields (imp, row, f, &photo_note);
  if (photo_note)
    add_note (imp, f, CM_IMPORT_REPAIRED, photo_note);
  return row;
}

/* Makes sure the contributor and workshop a feature names are in the map (once per import). */
static gboolean
ensure_records (Import *imp, Row *row, GError **error)
{
  CmRecord *records[2] = { row->workshop, row->contributor };
  for (int i = 0; i < 2; i++)
    {
      CmRecord *r = records[i];
      if (r == NULL || g_hash_table_contains (imp->records, r->uuid))
        continue;
      gboolean person = r == row->contributor;
      sqlite3_stmt *stmt = _cm_store_prepare (
          imp->store,
          person ? "INSERT OR IGNORE INTO contributors (uuid, name, workshop_uuid, tags)"
                   " VALUES (?1, ?2, ?3, ?4)"
                 : "INSERT OR IGNORE INTO workshops (uuid, name, date, place) VALUES (?1, ?2, ?3, ?4)",
          error);
      if (stmt == NULL)
        return FALSE;
      g_autofree char *tags = row->anonymous > 0
                                  ? g_strdup_printf ("{\"anonymous\": %" G_GINT64_FORMAT "}",
                                                     row->anonymous)
                                  : g_strdup ("{}");
      sqlite3_bind_text (stmt, 1, r->uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, r->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, person ? (row->workshop ? row->workshop->uuid : NULL) : r->date,
                         -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, person ? tags : r->place, -1, SQLITE_STATIC);
      int rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        {
          _cm_store_set_sqlite_error (imp->store, error, _("store who drew the features"));
          return FALSE;
        }
      g_hash_table_add (imp->records, g_strdup (r->uuid));
    }
  return TRUE;
}

static gboolean
same_text (sqlite3_stmt *stmt, int col, const char *wanted)
{
  /* NULL wanted: the file does not say, so the map's value stays: the same */
  return wanted == NULL || g_strcmp0 ((const char *) sqlite3_column_text (stmt, col), wanted) == 0;
}

/* Whether the feature @find has found is already what @row would write. */
static gboolean
unchanged (Import *imp, Row *row, sqlite3_stmt *find)
{
  if (sqlite3_column_int (find, 1) != 0 || sqlite3_column_int (find, 2) != 1 ||
      !same_text (find, 3, row->category) || !same_text (find, 4, row->name) ||
      !same_text (find, 5, row->properties) || !same_text (find, 6, row->description) ||
      !same_text (find, 7, row->contributor ? row->contributor->uuid : NULL) ||
      !same_text (find, 8, row->workshop ? row->workshop->uuid : NULL))
    return FALSE;
  for (guint i = 0; i < cm_layer_get_info (row->layer)->n_fields; i++)
    {
      if (!row->extra_set[i])
        continue;
      if (row->extra_text[i] ? !same_text (find, 9 + i, row->extra_text[i])
                             : sqlite3_column_type (find, 9 + i) == SQLITE_NULL ||
                                   sqlite3_column_double (find, 9 + i) != row->extra_number[i])
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_row (Import *imp, Row *row, GError **error)
{
  LayerStatements *s = statements (imp, row->layer, error);
  if (s == NULL)
    return FALSE;
  if (!ensure_records (imp, row, error))
    return FALSE;

  /* the same feature: by its uuid first (an export of a map coming back), else by the
   * source's own id (the same source imported again) */
  gint64 existing = 0;
  gboolean same = FALSE;
  /* (into a layer that was empty, a source id cannot match: each is unique within the input,
   * unique_source_id) */
  gboolean by_source = row->source_id && !_cm_bulk_layer_started_empty (s->bulk);
  sqlite3_stmt *finds[2] = { row->uuid ? s->find_uuid : NULL, by_source ? s->find : NULL };
  const char *keys[2] = { row->uuid, row->source_id };
  for (int k = 0; k < 2 && existing == 0; k++)
    {
      if (finds[k] == NULL)
        continue;
      sqlite3_bind_text (finds[k], 1, keys[k], -1, SQLITE_STATIC);
      sqlite3_bind_blob (finds[k], 2, row->blob, (int) row->blob_size, SQLITE_STATIC);
      if (sqlite3_step (finds[k]) == SQLITE_ROW)
        {
          existing = sqlite3_column_int64 (finds[k], 0);
          same = unchanged (imp, row, finds[k]);
        }
      sqlite3_reset (finds[k]);
    }

  g_autofree char *uuid = NULL;
  if (!existing || !same)
    {
      sqlite3_stmt *stmt = existing ? s->update : s->insert;
      if (!existing)
        {
          uuid = g_strdup (row->uuid ? row->uuid : row->fresh_uuid);
          sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 2, row->source_id, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 9, row->created_at, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 16, row->updated_at, -1, SQLITE_STATIC);
        }
      else
        sqlite3_bind_int64 (stmt, 8, existing);
      sqlite3_bind_text (stmt, 3, row->category, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, row->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, row->properties, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, imp->now, -1, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 7, row->blob, (int) row->blob_size, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 10, row->description, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 11, row->contributor ? row->contributor->uuid : NULL, -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (stmt, 12, row->workshop ? row->workshop->uuid : NULL, -1,
                         SQLITE_STATIC);
      for (guint i = 0; i < cm_layer_get_info (row->layer)->n_fields; i++)
        {
          int param = EXTRA_PARAM + (int) i;
          if (!row->extra_set[i])
            sqlite3_bind_null (stmt, param);
          else if (row->extra_text[i])
            sqlite3_bind_text (stmt, param, row->extra_text[i], -1, SQLITE_STATIC);
          else if (row->extra_number[i] == floor (row->extra_number[i]))
            sqlite3_bind_int64 (stmt, param, (gint64) row->extra_number[i]);
          else
            sqlite3_bind_double (stmt, param, row->extra_number[i]);
        }
      int rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (rc != SQLITE_DONE)
        {
          _cm_store_set_sqlite_error (imp->store, error, _("store a feature"));
          g_prefix_error (error, _("feature %u: "), row->index + 1);
          return FALSE;
        }
    }
  gint64 id = existing ? existing : sqlite3_last_insert_rowid (imp->db);
  if (!same && !_cm_bulk_layer_index (s->bulk, id, row->bbox, existing != 0, error))
    return FALSE;

  /* photos and a report's timeline: the feature's uuid, whichever way it was found */
  gboolean photo_added = FALSE;
  if ((row->photos && row->photos->len > 0) || row->timeline)
    {
      g_autofree char *feature_uuid = uuid ? g_strdup (uuid) : NULL;
      if (feature_uuid == NULL)
        {
          g_autofree char *sql = g_strdup_printf ("SELECT uuid FROM %s WHERE id = %" G_GINT64_FORMAT,
                                                  cm_layer_to_string (row->layer), id);
          sqlite3_stmt *q = _cm_store_prepare (imp->store, sql, error);
          if (q == NULL)
            return FALSE;
          if (sqlite3_step (q) == SQLITE_ROW)
            feature_uuid = g_strdup ((const char *) sqlite3_column_text (q, 0));
          sqlite3_finalize (q);
        }
      for (guint i = 0; feature_uuid && row->photos && i < row->photos->len; i++)
        {
          gboolean added;
          if (!_cm_store_add_photo_data (imp->store, feature_uuid,
                                         g_ptr_array_index (row->photos, i), &added, error))
            return FALSE;
          photo_added |= added;
        }
      gboolean added = FALSE;
      if (feature_uuid && row->timeline &&
          !_cm_reports_add_timeline (imp->store, feature_uuid, row->timeline, &added, error))
        return FALSE;
      photo_added |= added;
    }

  if (same && !photo_added)
    imp->report->unchanged++;
  else if (existing)
    imp->report->updated++;
  else
    imp->report->created++;
  if (same && !photo_added)
    return TRUE;
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
  imp->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp->uuids = g_rand_new (); /* seeded from /dev/urandom, as g_random_int's */
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
      sqlite3_finalize (imp->stmts[i].find_uuid);
      sqlite3_finalize (imp->stmts[i].update);
      g_clear_pointer (&imp->stmts[i].bulk, _cm_bulk_layer_free);
    }
  GEOSMakeValidParams_destroy_r (imp->geos, imp->make_valid);
  GEOS_finish_r (imp->geos);
  g_hash_table_unref (imp->seen_ids);
  g_hash_table_unref (imp->records);
  g_rand_free (imp->uuids);
  g_free (imp->now);
}

GEOSContextHandle_t
_cm_import_get_geos (CmImport *imp)
{
  return imp->geos;
}

GCancellable *
_cm_import_get_cancellable (CmImport *imp)
{
  return imp->cancellable;
}

gboolean
_cm_import_feature (CmImport *imp, CmGeoJsonFeature *feature, GError **error)
{
  Row *row = prepare_row (imp, feature);
  gboolean fine = row == NULL || write_row (imp, row, error);
  g_clear_pointer (&row, row_free);
  return fine;
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
  GQueue spent;       /* Batch*, written: freed by the reader, which allocated them (glibc's
                       * free of another thread's memory takes that thread's arena lock, and
                       * the two threads then wait on each other) */
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
  GQueue spent = pipe->spent;
  g_queue_init (&pipe->spent);
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
  g_queue_clear_full (&spent, (GDestroyNotify) batch_free);
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
reader_thread_cb (gpointer data)
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
  GThread *thread = g_thread_new ("cm-import-reader", reader_thread_cb, &pipe);

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
      if (batch)
        {
          g_mutex_lock (&pipe.lock);
          g_queue_push_tail (&pipe.spent, batch);
          g_mutex_unlock (&pipe.lock);
        }
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
  g_queue_clear_full (&pipe.spent, (GDestroyNotify) batch_free);
  g_ptr_array_unref (pipe.filling);
  g_mutex_clear (&pipe.lock);
  g_cond_clear (&pipe.cond);
  return ok;
}

typedef struct
{
  double *bbox;
} Extent;

static gboolean
extent_feature (CmGeoJsonFeature *f, gpointer user_data, GError **error)
{
  Extent *e = user_data;
  if (f->geom == NULL || cm_geom_is_empty (f->geom))
    return TRUE;
  double b[4];
  cm_geom_get_bbox (f->geom, b);
  e->bbox[0] = MIN (e->bbox[0], b[0]);
  e->bbox[1] = MIN (e->bbox[1], b[1]);
  e->bbox[2] = MAX (e->bbox[2], b[2]);
  e->bbox[3] = MAX (e->bbox[3], b[3]);
  return TRUE;
}

gboolean
cm_import_scan_extent (const char *path, double bbox[4], GCancellable *cancellable,
                       GError **error)
{
  bbox[0] = bbox[1] = G_MAXDOUBLE;
  bbox[2] = bbox[3] = -G_MAXDOUBLE;
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) in = g_file_read (file, cancellable, error);
  if (in == NULL)
    return FALSE;
  Extent e = { bbox };
  if (!cm_geojson_read (G_INPUT_STREAM (in), -1, extent_feature, &e, NULL, NULL, cancellable,
                        error))
    {
      g_autofree char *dn = g_filename_display_name (path);
      g_prefix_error (error, _("“%s”: "), dn);
      return FALSE;
    }
  return bbox[0] <= bbox[2];
}

gboolean
cm_import_map_extent (CmStore *store, double bbox[4])
{
  bbox[0] = bbox[1] = G_MAXDOUBLE;
  bbox[2] = bbox[3] = -G_MAXDOUBLE;
  for (int i = 0; i < CM_N_LAYERS; i++)
    {
      CmLayerStats s;
      if (!cm_store_get_layer_stats (store, i, &s, NULL) || s.count == 0)
        continue;
      bbox[0] = MIN (bbox[0], s.bbox[0]);
      bbox[1] = MIN (bbox[1], s.bbox[1]);
      bbox[2] = MAX (bbox[2], s.bbox[2]);
      bbox[3] = MAX (bbox[3], s.bbox[3]);
    }
  return bbox[0] <= bbox[2];
}

double
cm_import_distance_between (const double map[4], const double bbox[4])
{
  if (map[0] > map[2] || bbox[0] > bbox[2])
    return 0;
  return cm_geodesic_bbox_distance (map, bbox);
}

gboolean
cm_import_is_sqlite (const char *path)
{
  /* through SQLite's file layer: the file may be the open map itself */
  guint8 header[16];
  gint64 size = 0;
  return _cm_store_read_file_start (path, header, sizeof header, &size) &&
         size >= (gint64) sizeof header && memcmp (header, "SQLite format 3", 16) == 0;
}

gboolean
cm_import_file (CmStore *store, const char *path, CmLayer layer, const char *table,
                CmImportReport *report, CmProgressFunc progress, gpointer progress_data,
                GCancellable *cancellable, GError **error)
{
  g_autofree char *dn = g_filename_display_name (path);
  gboolean sqlite = cm_import_is_sqlite (path);
  Import imp;

  if (sqlite && table == NULL)
    {
      g_set_error (error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_NO_TABLE,
                   _("“%s” is a SQLite database: one of its tables must be chosen to import"), dn);
      return FALSE;
    }

  import_init (&imp, store, layer, report, cancellable);
  gboolean ok = _cm_store_begin_write (store, error);
  if (ok)
    {
      if (sqlite)
        ok = _cm_import_sqlite_table (&imp, path, table, progress, progress_data, error);
      else
        ok = import_geojson (&imp, path, progress, progress_data, error);
    }
  ok = ok && restore_triggers (&imp, error) && _cm_kinds_adopt (store, error);
  import_clear (&imp);

  if (ok)
    ok = _cm_versions_stamp (store, error) && _cm_store_exec (store, "COMMIT", error);
  if (!ok)
    {
      sqlite3_exec (_cm_store_get_db (store), "ROLLBACK", NULL, NULL, NULL);
      report_reset (report);
      if (error && *error && !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (error, _("“%s”: "), dn);
    }
  return ok;
}
