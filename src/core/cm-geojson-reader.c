/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-geojson-reader.c: a streaming GeoJSON reader on top of yajl's event parser.
 *
 * yajl calls us for every token. We keep an explicit stack of frames (GeoJSON objects, the
 * features and geometries arrays, coordinate arrays, captured and skipped values), so a deeply
 * nested file costs heap, not C stack, and is refused past CM_GEOJSON_MAX_DEPTH.
 */
#include "config.h"

#include "cm-geojson-reader.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "cm-json-writer.h"

G_DEFINE_QUARK (cm-geojson-error-quark, cm_geojson_error)

#define CHUNK_SIZE (256 * 1024)

typedef enum
{
  FRAME_OBJECT,     /* a GeoJSON object: the top level, a feature or a geometry */
  FRAME_FEATURES,   /* the "features" array */
  FRAME_GEOMETRIES, /* the "geometries" array of a collection */
  FRAME_COORDS,     /* the "coordinates" value */
  FRAME_CAPTURE,    /* "properties" or "crs", re-serialised as compact JSON */
  FRAME_SKIP,       /* any other member's container value */
} FrameKind;

typedef enum
{
  ROLE_TOP,
  ROLE_FEATURE,
  ROLE_GEOMETRY,
} Role;

typedef enum
{
  MEMBER_OTHER,
  MEMBER_TYPE,
  MEMBER_FEATURES,
  MEMBER_GEOMETRY,
  MEMBER_PROPERTIES,
  MEMBER_ID,
  MEMBER_COORDINATES,
  MEMBER_GEOMETRIES,
  MEMBER_CRS,
} Member;

/* One open array inside "coordinates". height: 1 holds numbers (a position), 2 holds
 * positions, …; -1 while unknown (no non-empty child seen yet). */
typedef struct
{
  int height;
  guint count;
  guint numbers;
  double pos[2];
} NestLevel;

typedef struct
{
  FrameKind kind;
  Role role;
  Member pending;  /* FRAME_OBJECT: the member whose value comes next */
  int depth;       /* FRAME_CAPTURE / FRAME_SKIP: containers open inside the value */
  gboolean capture_props; /* FRAME_CAPTURE: properties (else crs) */

  /* FRAME_OBJECT */
  char *type;
  gboolean has_features;
  gboolean has_coordinates;
  gboolean has_geometries;
  CmGeom *geometry;     /* from a "geometry" member */
  GPtrArray *children;  /* from a "geometries" member */
  GArray *xy;           /* from "coordinates": positions in document order */
  GArray *lens[5];      /* lens[h]: child counts of closed arrays of height h (2..4) */
  int coords_height;    /* height of the coordinates array; 0 when it is empty */
  gboolean empty_inner; /* an empty array inside the coordinates */
  gboolean dropped_z;
  guint line;
} Frame;

/* A member of the "properties" object while it is captured: where its text is in the buffer. */
typedef struct
{
  char *key;
  gsize start; /* offset of the member (its comma, if any) in props */
  gsize end;
} PropMember;

typedef struct
{
  yajl_handle yajl;
  GArray *frames;   /* Frame */
  GArray *nest;     /* NestLevel, while inside coordinates */
  int total_depth;
  GError *error;    /* set when a callback stops the parse */
  gboolean seen_value;

  /* line counting: lines before the current chunk, and how far into it we have counted */
  const guint8 *chunk;
  gsize chunk_scanned;
  guint line_base;

  /* the feature being read */
  guint n_features;
  GString *props;
  GArray *prop_members;     /* PropMember */
  GArray *capture_first;    /* gboolean per open container in the capture: no member yet */
  gboolean capture_after_key;
  gboolean props_seen;
  char *at_id, *at_type, *feature_id;
  char *field_text[CM_N_FIELDS];  /* scalar string or number values of our fields */
  char *field_json[CM_N_FIELDS];  /* our fields' values as JSON text (props_finish) */
  GPtrArray *string_tags;
  GString *crs;

  CmGeoJsonFeatureFunc func;
  gpointer user_data;
} Reader;

/* ---- helpers ------------------------------------------------------------------------------- */

static guint
reader_line (Reader *r)
{
  gsize consumed = yajl_get_bytes_consumed (r->yajl);
  const guint8 *p = r->chunk + r->chunk_scanned, *end = r->chunk + consumed;
  while (p < end && (p = memchr (p, '\n', end - p)) != NULL)
    {
      r->line_base++;
      p++;
    }
  if (consumed > r->chunk_scanned)
    r->chunk_scanned = consumed;
  return r->line_base + 1;
}

G_GNUC_PRINTF (3, 4) static int
fail (Reader *r, CmGeoJsonError code, const char *format, ...)
{
  va_list args;
  if (r->error != NULL)
    return 0;
  va_start (args, format);
  g_autofree char *msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (&r->error, CM_GEOJSON_ERROR, code, _("line %u: %s"), reader_line (r), msg);
  return 0;
}

static Frame *
top_frame (Reader *r)
{
  return r->frames->len ? &g_array_index (r->frames, Frame, r->frames->len - 1) : NULL;
}

static void
frame_clear (Frame *f)
{
  g_free (f->type);
  g_clear_pointer (&f->geometry, cm_geom_free);
  g_clear_pointer (&f->children, g_ptr_array_unref);
  g_clear_pointer (&f->xy, g_array_unref);
  for (int i = 0; i < 5; i++)
    g_clear_pointer (&f->lens[i], g_array_unref);
}

static Frame *
push_frame (Reader *r, FrameKind kind)
{
  Frame f = { 0 };
  f.kind = kind;
  g_array_append_val (r->frames, f);
  return top_frame (r);
}

static void
pop_frame (Reader *r)
{
  frame_clear (top_frame (r));
  g_array_set_size (r->frames, r->frames->len - 1);
}

static const char *
describe_feature (Reader *r, char *buf, gsize size)
{
  g_snprintf (buf, size, _("feature %u"), r->n_features + 1);
  return buf;
}

/* Forgets what the feature's properties said: a feature given "properties" twice counts by the
 * last (as any key given twice), and nothing of the first may remain (its members' offsets
 * point into text that is gone). */
static void
props_state_reset (Reader *r)
{
  g_string_truncate (r->props, 0);
  for (guint i = 0; i < r->prop_members->len; i++)
    g_free (g_array_index (r->prop_members, PropMember, i).key);
  g_array_set_size (r->prop_members, 0);
  r->props_seen = FALSE;
  for (int i = 0; i < CM_N_FIELDS; i++)
    {
      g_clear_pointer (&r->field_text[i], g_free);
      g_clear_pointer (&r->field_json[i], g_free);
    }
  g_clear_pointer (&r->at_id, g_free);
  g_clear_pointer (&r->at_type, g_free);
  g_ptr_array_set_size (r->string_tags, 0);
}

static void
feature_state_reset (Reader *r)
{
  props_state_reset (r);
  g_clear_pointer (&r->feature_id, g_free);
}

/* ---- capture (properties, crs) ------------------------------------------------------------- */

static GString *
capture_buffer (Reader *r, Frame *f)
{
  return f->capture_props ? r->props : r->crs;
}

/* Writes the separator a new value needs at the current capture position. */
static void
capture_before_value (Reader *r, Frame *f)
{
  if (r->capture_after_key)
    {
      r->capture_after_key = FALSE;
      return;
    }
  if (r->capture_first->len == 0)
    return;
  gboolean *first = &g_array_index (r->capture_first, gboolean, r->capture_first->len - 1);
  if (!*first)
    g_string_append_c (capture_buffer (r, f), ',');
  *first = FALSE;
}

static const char *const field_names[CM_N_FIELDS] = {
  [CM_FIELD_UUID] = "uuid",
  [CM_FIELD_LAYER] = "map_layer",
  [CM_FIELD_CATEGORY] = "category",
  [CM_FIELD_NAME] = "name",
  [CM_FIELD_DESCRIPTION] = "description",
  [CM_FIELD_CONTRIBUTOR] = "contributor",
  [CM_FIELD_WORKSHOP] = "workshop",
  [CM_FIELD_CREATED_AT] = "created_at",
  [CM_FIELD_UPDATED_AT] = "updated_at",
  [CM_FIELD_PHOTOS] = "photos",
  [CM_FIELD_SERVICE_RADIUS_M] = "service_radius_m",
  [CM_FIELD_KIND] = "kind",
  [CM_FIELD_MEMBERS] = "members",
  [CM_FIELD_HOUSEHOLDS] = "households",
  [CM_FIELD_POPULATION] = "population",
  [CM_FIELD_OPENING_HOURS] = "opening_hours",
  [CM_FIELD_PHONE] = "phone",
  [CM_FIELD_LEADER] = "leader",
  [CM_FIELD_CONTACT] = "contact",
  [CM_FIELD_ACTIVITIES] = "activities",
  [CM_FIELD_MEETING_PLACE] = "meeting_place",
  [CM_FIELD_BUILDING_HEAD] = "building_head",
  [CM_FIELD_HEAD_CONTACT] = "head_contact",
  [CM_FIELD_COMPOUND_UUID] = "compound_uuid",
  [CM_FIELD_STATUS] = "status",
  [CM_FIELD_URGENT] = "urgent",
  [CM_FIELD_RESIDENTS] = "residents",
  [CM_FIELD_RESPONSIBLE_UUID] = "responsible_uuid",
  [CM_FIELD_REPORTED_AT] = "reported_at",
  [CM_FIELD_RAISED_BY] = "raised_by",
  [CM_FIELD_TIMELINE] = "timeline",
};

const char *
cm_field_name (CmField field)
{
  return field_names[field];
}

/* Which of our fields @key names, or -1: asked for every property of every feature (a
 * district's buildings: 28 strcmp each were a tenth of the reading thread's time). */
static int
field_of_key (const char *key)
{
  static GHashTable *fields; /* name → field + 1 */
  if (g_once_init_enter (&fields))
    {
      GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);
      for (int i = 0; i < CM_N_FIELDS; i++)
        g_hash_table_insert (t, (gpointer) field_names[i], GINT_TO_POINTER (i + 1));
      g_once_init_leave (&fields, t);
    }
  return GPOINTER_TO_INT (g_hash_table_lookup (fields, key)) - 1;
}

/* Remembers the top-level scalar properties the importer looks at. */
static void
capture_top_scalar (Reader *r, const char *text, gsize len, gboolean is_string)
{
  if (r->prop_members->len == 0)
    return;
  PropMember *m = &g_array_index (r->prop_members, PropMember, r->prop_members->len - 1);
  char **slot = NULL;
  int field = field_of_key (m->key);
  if (field >= 0)
    slot = &r->field_text[field];
  else if (strcmp (m->key, "@id") == 0)
    slot = &r->at_id;
  else if (strcmp (m->key, "@type") == 0 && is_string)
    slot = &r->at_type;
  if (slot)
    {
      g_free (*slot);
      *slot = g_strndup (text, len);
    }
  /* a key given again replaces its earlier value (the last wins, as in the rewritten tags) */
  GPtrArray *tags = r->string_tags;
  for (guint i = 0; i + 1 < tags->len; i += 2)
    if (strcmp (g_ptr_array_index (tags, i), m->key) == 0)
      {
        g_ptr_array_remove_range (tags, i, 2);
        break;
      }
  if (is_string)
    {
      g_ptr_array_add (tags, g_strdup (m->key));
      g_ptr_array_add (tags, g_strndup (text, len));
    }
}

static void
capture_scalar (Reader *r, Frame *f, const char *text, gsize len, gboolean is_string)
{
  GString *buf = capture_buffer (r, f);
  capture_before_value (r, f);
  if (is_string)
    cm_json_append_string (buf, text, len);
  else
    g_string_append_len (buf, text, len);
  if (f->capture_props && f->depth == 1)
    {
      capture_top_scalar (r, text, len, is_string);
      g_array_index (r->prop_members, PropMember, r->prop_members->len - 1).end = buf->len;
    }
}

static void
capture_open (Reader *r, Frame *f, char c)
{
  capture_before_value (r, f);
  g_string_append_c (capture_buffer (r, f), c);
  gboolean first = TRUE;
  g_array_append_val (r->capture_first, first);
  f->depth++;
}

/* Rewrites the captured properties with duplicate keys removed (the last value wins, at the
 * place of the first), and our own fields taken out into field_json. */
static void
props_finish (Reader *r)
{
  GArray *members = r->prop_members;
  gboolean rewrite = FALSE;
  for (guint i = 0; i < members->len && !rewrite; i++)
    rewrite = field_of_key (g_array_index (members, PropMember, i).key) >= 0;
  for (guint i = 0; i < members->len && !rewrite; i++)
    for (guint j = i + 1; j < members->len && !rewrite; j++)
      rewrite = strcmp (g_array_index (members, PropMember, i).key,
                        g_array_index (members, PropMember, j).key) == 0;
  if (!rewrite)
    return;

  GString *out = g_string_new ("{");
  for (guint i = 0; i < members->len; i++)
    {
      PropMember *m = &g_array_index (members, PropMember, i);
      gboolean earlier = FALSE;
      for (guint j = 0; j < i && !earlier; j++)
        earlier = strcmp (g_array_index (members, PropMember, j).key, m->key) == 0;
      if (earlier)
        continue;
      PropMember *last = m;
      for (guint j = i + 1; j < members->len; j++)
        if (strcmp (g_array_index (members, PropMember, j).key, m->key) == 0)
          last = &g_array_index (members, PropMember, j);
      /* A member's text is [start, end): an optional comma, the key, a colon, the value. */
      const char *text = r->props->str + last->start;
      gsize len = last->end - last->start;
      if (*text == ',')
        text++, len--;
      int field = field_of_key (m->key);
      if (field >= 0)
        {
          /* the value: after the key's closing quote and the colon */
          const char *colon = text + 1;
          while (*colon != '"')
            colon += *colon == '\\' ? 2 : 1;
          colon++;
          g_free (r->field_json[field]);
          r->field_json[field] = g_strndup (colon + 1, len - (colon + 1 - text));
          /* a scalar remembered from an earlier duplicate is not the value any more */
          if (*r->field_json[field] == '{' || *r->field_json[field] == '[' ||
              *r->field_json[field] == 't' || *r->field_json[field] == 'f' ||
              *r->field_json[field] == 'n')
            g_clear_pointer (&r->field_text[field], g_free);
          continue;
        }
      if (out->len > 1)
        g_string_append_c (out, ',');
      g_string_append_len (out, text, len);
    }
  g_string_append_c (out, '}');
  g_string_assign (r->props, out->str);
  g_string_free (out, TRUE);
}

/* ---- coordinates --------------------------------------------------------------------------- */

static int
nest_open (Reader *r)
{
  NestLevel level = { .height = -1 };
  g_array_append_val (r->nest, level);
  return 1;
}

static int
nest_number (Reader *r, const char *text, gsize len)
{
  if (r->nest->len == 0)
    return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON, _("\"coordinates\" must be an array"));
  NestLevel *level = &g_array_index (r->nest, NestLevel, r->nest->len - 1);
  if (level->height == -1)
    level->height = 1;
  else if (level->height != 1)
    return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                 _("coordinates mix numbers and arrays at the same level"));
  char buf[64];
  len = MIN (len, sizeof buf - 1);
  memcpy (buf, text, len);
  buf[len] = '\0';
  double v = g_ascii_strtod (buf, NULL);
  if (level->numbers < 2)
    level->pos[level->numbers] = v;
  else /* Z or M: this is a 2-D map; the owning object (below the COORDS frame) notes it */
    g_array_index (r->frames, Frame, r->frames->len - 2).dropped_z = TRUE;
  level->numbers++;
  return 1;
}

static int
nest_close (Reader *r)
{
  NestLevel level = g_array_index (r->nest, NestLevel, r->nest->len - 1);
  g_array_set_size (r->nest, r->nest->len - 1);
  /* the COORDS frame is on top; the geometry object below it holds the results */
  Frame *obj = &g_array_index (r->frames, Frame, r->frames->len - 2);

  if (level.height == 1)
    {
      if (level.numbers < 2)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                     _("a position needs at least two numbers (longitude, latitude), found %u"),
                     level.numbers);
      double lon = level.pos[0], lat = level.pos[1];
      if (!(lon >= -180.0 && lon <= 180.0 && lat >= -90.0 && lat <= 90.0))
        return fail (r, CM_GEOJSON_ERROR_OUT_OF_RANGE,
                     _("position [%.7g, %.7g] is out of range: longitude must be within ±180 "
                     "and latitude within ±90 (is the file in another coordinate system?)"),
                     lon, lat);
      g_array_append_vals (obj->xy, level.pos, 2);
    }
  else if (level.height >= 2)
    {
      if (level.height > 4)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON, _("coordinates are nested too deep"));
      g_array_append_val (obj->lens[level.height], level.count);
    }
  else if (r->nest->len > 0)
    {
      obj->empty_inner = TRUE; /* an empty array inside the coordinates */
    }

  if (r->nest->len == 0)
    {
      obj->coords_height = MAX (level.height, 0);
      return 1;
    }

  NestLevel *parent = &g_array_index (r->nest, NestLevel, r->nest->len - 1);
  if (level.height > 0)
    {
      if (parent->height == -1)
        parent->height = level.height + 1;
      else if (parent->height != level.height + 1)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                     _("coordinates are nested unevenly (positions and arrays of positions mixed)"));
      parent->count++;
    }
  else if (parent->height == 1)
    {
      return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON, _("a position must hold numbers only"));
    }
  return 1;
}

static gboolean
expected_height (CmGeomType type, int *height)
{
  switch (type)
    {
    case CM_GEOM_POINT: *height = 1; return TRUE;
    case CM_GEOM_LINESTRING:
    case CM_GEOM_MULTIPOINT: *height = 2; return TRUE;
    case CM_GEOM_POLYGON:
    case CM_GEOM_MULTILINESTRING: *height = 3; return TRUE;
    case CM_GEOM_MULTIPOLYGON: *height = 4; return TRUE;
    default: return FALSE;
    }
}

static void
append_ones (GArray *a, guint n)
{
  guint one = 1;
  for (guint i = 0; i < n; i++)
    g_array_append_val (a, one);
}

/* Builds the geometry of a finished geometry object, or fails with a reason. */
static CmGeom *
build_geometry (Reader *r, Frame *f, CmGeomType type)
{
  if (type == CM_GEOM_COLLECTION)
    {
      if (!f->has_geometries)
        return (fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                      _("a GeometryCollection needs a \"geometries\" array")), NULL);
      CmGeom *geom = cm_geom_new (CM_GEOM_COLLECTION);
      for (guint i = 0; i < f->children->len; i++)
        g_ptr_array_add (geom->children, g_steal_pointer (&g_ptr_array_index (f->children, i)));
      g_ptr_array_set_size (f->children, 0);
      return geom;
    }

  int want = 0;
  expected_height (type, &want);
  if (!f->has_coordinates)
    return (fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON, _("a %s needs a \"coordinates\" array"),
                  cm_geom_type_name (type)), NULL);

  CmGeom *geom = cm_geom_new (type);
  if (f->coords_height == 0 || f->empty_inner)
    {
      /* An empty geometry (or one with an empty ring or part): the importer skips it. The
       * importer tells both apart by the empty xy array. */
      return geom;
    }
  if (f->coords_height != want)
    {
      cm_geom_free (geom);
      return (fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                    _("the coordinates of a %s must be nested %d deep, not %d"),
                    cm_geom_type_name (type), want, f->coords_height), NULL);
    }

  g_array_append_vals (geom->xy, f->xy->data, f->xy->len);
  guint n_pos = f->xy->len / 2;
  switch (type)
    {
    case CM_GEOM_POINT:
      append_ones (geom->ring_len, 1);
      append_ones (geom->part_len, 1);
      break;
    case CM_GEOM_MULTIPOINT:
      append_ones (geom->ring_len, n_pos);
      append_ones (geom->part_len, n_pos);
      break;
    case CM_GEOM_LINESTRING:
      g_array_append_vals (geom->ring_len, f->lens[2]->data, f->lens[2]->len);
      append_ones (geom->part_len, 1);
      break;
    case CM_GEOM_MULTILINESTRING:
      g_array_append_vals (geom->ring_len, f->lens[2]->data, f->lens[2]->len);
      append_ones (geom->part_len, f->lens[2]->len);
      break;
    case CM_GEOM_POLYGON:
      g_array_append_vals (geom->ring_len, f->lens[2]->data, f->lens[2]->len);
      g_array_append_vals (geom->part_len, f->lens[3]->data, f->lens[3]->len);
      break;
    case CM_GEOM_MULTIPOLYGON:
      g_array_append_vals (geom->ring_len, f->lens[2]->data, f->lens[2]->len);
      g_array_append_vals (geom->part_len, f->lens[3]->data, f->lens[3]->len);
      break;
    default:
      g_assert_not_reached ();
    }
  return geom;
}

/* ---- finishing objects --------------------------------------------------------------------- */

static int
emit_feature (Reader *r, CmGeom *geom, guint line, gboolean dropped_z)
{
  CmGeoJsonFeature feature = { 0 };
  g_autofree char *source_id = NULL;

  if (!r->props_seen)
    g_string_assign (r->props, "{}");
  else
    props_finish (r);

  if (r->at_id && r->at_type)
    source_id = g_strdup_printf ("%s/%s", r->at_type, r->at_id);
  else if (r->at_id)
    source_id = g_strdup (r->at_id);
  else if (r->feature_id)
    source_id = g_strdup (r->feature_id);

  feature.index = r->n_features;
  feature.line = line;
  feature.geom = geom;
  feature.properties = r->props->str;
  for (int i = 0; i < CM_N_FIELDS; i++)
    {
      feature.field_json[i] = r->field_json[i];
      feature.field_text[i] = r->field_json[i] ? r->field_text[i] : NULL;
    }
  gboolean is_string[CM_N_FIELDS];
  for (int i = 0; i < CM_N_FIELDS; i++)
    is_string[i] = r->field_json[i] && r->field_json[i][0] == '"';
  feature.name = is_string[CM_FIELD_NAME] ? r->field_text[CM_FIELD_NAME] : NULL;
  feature.category = is_string[CM_FIELD_CATEGORY] ? r->field_text[CM_FIELD_CATEGORY] : NULL;
  feature.uuid = is_string[CM_FIELD_UUID] && g_uuid_string_is_valid (r->field_text[CM_FIELD_UUID])
                     ? r->field_text[CM_FIELD_UUID]
                     : NULL;
  feature.source_id = source_id;
  feature.string_tags = r->string_tags;
  feature.dropped_z = dropped_z;

  gboolean ok = r->func (&feature, r->user_data, &r->error);
  cm_geom_free (feature.geom);
  r->n_features++;
  feature_state_reset (r);
  return ok ? 1 : 0;
}

/* Called when a FRAME_OBJECT closes. */
static int
finish_object (Reader *r)
{
  Frame *f = top_frame (r);
  char what[64];

  if (f->type == NULL)
    {
      if (f->role == ROLE_FEATURE)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON, _("%s has no \"type\" member"),
                     describe_feature (r, what, sizeof what));
      return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                   _("a GeoJSON object has no \"type\" member"));
    }

  if (f->role == ROLE_TOP && strcmp (f->type, "FeatureCollection") == 0)
    {
      if (!f->has_features)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                     _("the FeatureCollection has no \"features\" array"));
      pop_frame (r);
      return 1;
    }

  if (f->role != ROLE_GEOMETRY && strcmp (f->type, "Feature") == 0)
    {
      /* "coordinates" or "geometries" on a Feature are foreign members: ignored */
      CmGeom *geom = g_steal_pointer (&f->geometry);
      guint line = f->line;
      gboolean dropped_z = f->dropped_z;
      pop_frame (r);
      return emit_feature (r, geom, line, dropped_z);
    }

  CmGeomType type = cm_geom_type_from_geojson (f->type);
  if (type == 0 || (f->role == ROLE_FEATURE))
    {
      if (f->role == ROLE_FEATURE)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                     _("%s has type \"%s\"; each member of \"features\" must be a Feature"),
                     describe_feature (r, what, sizeof what), f->type);
      if (f->role == ROLE_TOP && g_ascii_strcasecmp (f->type, "FeatureCollection") == 0)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                     _("unknown type \"%s\" (GeoJSON type names are case-sensitive: "
                     "\"FeatureCollection\")"), f->type);
      return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                   _("unknown GeoJSON type \"%s\""), f->type);
    }

  CmGeom *geom = build_geometry (r, f, type);
  if (geom == NULL)
    return 0;
  gboolean dropped_z = f->dropped_z;

  if (f->role == ROLE_TOP)
    {
      /* a bare geometry: one feature without properties */
      guint line = f->line;
      pop_frame (r);
      feature_state_reset (r);
      return emit_feature (r, geom, line, dropped_z);
    }

  /* a geometry inside a Feature, or inside a GeometryCollection */
  pop_frame (r);
  Frame *parent = top_frame (r);
  if (parent->kind == FRAME_GEOMETRIES)
    {
      Frame *owner = &g_array_index (r->frames, Frame, r->frames->len - 2);
      g_ptr_array_add (owner->children, geom);
      owner->dropped_z |= dropped_z;
    }
  else
    {
      g_clear_pointer (&parent->geometry, cm_geom_free);
      parent->geometry = geom;
      parent->dropped_z |= dropped_z;
    }
  return 1;
}

/* ---- member dispatch ----------------------------------------------------------------------- */

static Member
member_from_key (Role role, const char *key, gsize len)
{
#define IS(s) (len == sizeof (s) - 1 && memcmp (key, s, len) == 0)
  if (IS ("type"))
    return MEMBER_TYPE;
  if (role == ROLE_TOP && IS ("features"))
    return MEMBER_FEATURES;
  if (role == ROLE_TOP && IS ("crs"))
    return MEMBER_CRS;
  if (role != ROLE_GEOMETRY && IS ("geometry"))
    return MEMBER_GEOMETRY;
  if (role != ROLE_GEOMETRY && IS ("properties"))
    return MEMBER_PROPERTIES;
  if (role != ROLE_GEOMETRY && IS ("id"))
    return MEMBER_ID;
  if (role != ROLE_FEATURE && IS ("coordinates"))
    return MEMBER_COORDINATES;
  if (role != ROLE_FEATURE && IS ("geometries"))
    return MEMBER_GEOMETRIES;
  return MEMBER_OTHER;
#undef IS
}

typedef enum
{
  VALUE_NULL,
  VALUE_BOOL,
  VALUE_NUMBER,
  VALUE_STRING,
  VALUE_MAP,
  VALUE_ARRAY,
} ValueKind;

static const char *
value_kind_name (ValueKind kind)
{
  static const char *names[] = { N_("null"), N_("a boolean"), N_("a number"), N_("a string"),
                                 N_("an object"), N_("an array") };
  return _(names[kind]);
}

static Frame *
push_object (Reader *r, Role role)
{
  guint line = reader_line (r);
  Frame *f = push_frame (r, FRAME_OBJECT);
  f->role = role;
  f->line = line;
  f->xy = g_array_new (FALSE, FALSE, sizeof (double));
  for (int i = 2; i <= 4; i++)
    f->lens[i] = g_array_new (FALSE, FALSE, sizeof (guint));
  f->children = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_geom_free);
  if (role != ROLE_GEOMETRY)
    feature_state_reset (r);
  return f;
}

/* A value arrives where the frame on top expects one. Containers push their frame here. */
static int
on_value (Reader *r, ValueKind kind, const char *text, gsize len)
{
  Frame *f = top_frame (r);
  char what[64];

  if (f == NULL)
    {
      r->seen_value = TRUE;
      if (kind != VALUE_MAP)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                     _("the file holds %s where a GeoJSON object was expected"),
                     value_kind_name (kind));
      push_object (r, ROLE_TOP);
      return 1;
    }

  switch (f->kind)
    {
    case FRAME_FEATURES:
    case FRAME_GEOMETRIES:
      if (kind != VALUE_MAP)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON, _("\"%s\" holds %s where an object "
                     "was expected"), f->kind == FRAME_FEATURES ? "features" : "geometries",
                     value_kind_name (kind));
      push_object (r, f->kind == FRAME_FEATURES ? ROLE_FEATURE : ROLE_GEOMETRY);
      return 1;

    case FRAME_COORDS:
      if (kind == VALUE_ARRAY)
        return nest_open (r);
      if (kind == VALUE_NUMBER)
        return nest_number (r, text, len);
      return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                   _("coordinates must be numbers, found %s"), value_kind_name (kind));

    case FRAME_CAPTURE:
      if (kind == VALUE_MAP)
        capture_open (r, f, '{');
      else if (kind == VALUE_ARRAY)
        capture_open (r, f, '[');
      else
        capture_scalar (r, f, text, len, kind == VALUE_STRING);
      return 1;

    case FRAME_SKIP:
      if (kind == VALUE_MAP || kind == VALUE_ARRAY)
        f->depth++;
      return 1;

    case FRAME_OBJECT:
      break;
    }

  Member member = f->pending;
  f->pending = MEMBER_OTHER;
  switch (member)
    {
    case MEMBER_TYPE:
      if (kind != VALUE_STRING)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON, _("\"type\" must be a string, not %s"),
                     value_kind_name (kind));
      g_free (f->type);
      f->type = g_strndup (text, len);
      return 1;

    case MEMBER_FEATURES:
      if (kind != VALUE_ARRAY)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON, _("\"features\" must be an array, not %s"),
                     value_kind_name (kind));
      f->has_features = TRUE;
      push_frame (r, FRAME_FEATURES);
      return 1;

    case MEMBER_GEOMETRIES:
      if (kind != VALUE_ARRAY)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON, _("\"geometries\" must be an array, not %s"),
                     value_kind_name (kind));
      f->has_geometries = TRUE;
      push_frame (r, FRAME_GEOMETRIES);
      return 1;

    case MEMBER_GEOMETRY:
      if (kind == VALUE_NULL)
        return 1;
      if (kind != VALUE_MAP)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                     _("the geometry of %s must be an object or null, not %s"),
                     describe_feature (r, what, sizeof what), value_kind_name (kind));
      push_object (r, ROLE_GEOMETRY);
      return 1;

    case MEMBER_PROPERTIES:
      if (kind == VALUE_NULL)
        return 1;
      if (kind != VALUE_MAP)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                     _("the properties of %s must be an object or null, not %s"),
                     describe_feature (r, what, sizeof what), value_kind_name (kind));
      {
        Frame *c = push_frame (r, FRAME_CAPTURE);
        c->capture_props = TRUE;
        props_state_reset (r);
        r->props_seen = TRUE;
        r->capture_after_key = FALSE;
        capture_open (r, c, '{');
      }
      return 1;

    case MEMBER_CRS:
      if (kind == VALUE_NULL)
        return 1;
      {
        Frame *c = push_frame (r, FRAME_CAPTURE);
        c->capture_props = FALSE;
        g_string_truncate (r->crs, 0);
        r->capture_after_key = FALSE;
        if (kind == VALUE_MAP || kind == VALUE_ARRAY)
          capture_open (r, c, kind == VALUE_MAP ? '{' : '[');
        else
          return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON, _("\"crs\" must be an object"));
      }
      return 1;

    case MEMBER_ID:
      if (kind != VALUE_STRING && kind != VALUE_NUMBER)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                     _("the \"id\" of %s must be a string or a number, not %s"),
                     describe_feature (r, what, sizeof what), value_kind_name (kind));
      g_free (r->feature_id);
      r->feature_id = g_strndup (text, len);
      return 1;

    case MEMBER_COORDINATES:
      if (kind != VALUE_ARRAY)
        return fail (r, CM_GEOJSON_ERROR_NOT_GEOJSON,
                     _("\"coordinates\" must be an array, not %s"), value_kind_name (kind));
      f->has_coordinates = TRUE;
      push_frame (r, FRAME_COORDS);
      return nest_open (r);

    case MEMBER_OTHER:
    default:
      if (kind == VALUE_MAP || kind == VALUE_ARRAY)
        push_frame (r, FRAME_SKIP)->depth = 1;
      return 1;
    }
}

/* Checks an old-style "crs" member: only WGS 84 longitude/latitude is accepted. */
static int
check_crs (Reader *r)
{
  static const char *const ok[] = { "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84",
                                     "urn:ogc:def:crs:EPSG::4326", "EPSG:4326", "CRS84",
                                     "urn:ogc:def:crs:EPSG:6.6:4326", NULL };
  const char *s = r->crs->str;
  const char *name = strstr (s, "\"name\":\"");
  g_autofree char *value = NULL;
  if (name != NULL)
    {
      name += 8;
      const char *end = strchr (name, '"');
      if (end)
        value = g_strndup (name, end - name);
    }
  if (value != NULL)
    for (int i = 0; ok[i]; i++)
      if (g_ascii_strcasecmp (value, ok[i]) == 0)
        return 1;
  return fail (r, CM_GEOJSON_ERROR_UNSUPPORTED_CRS,
               _("the file declares the coordinate system %s; Community Map reads WGS 84 "
               "longitude/latitude only. Convert it first, for example with "
               "\"ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson\""),
               value ? value : s);
}

/* ---- yajl callbacks ------------------------------------------------------------------------ */

static int
cb_null (void *ctx)
{
  return on_value (ctx, VALUE_NULL, "null", 4);
}

static int
cb_boolean (void *ctx, int b)
{
  return on_value (ctx, VALUE_BOOL, b ? "true" : "false", b ? 4 : 5);
}

static int
cb_number (void *ctx, const char *s, size_t len)
{
  return on_value (ctx, VALUE_NUMBER, s, len);
}

static int
cb_string (void *ctx, const unsigned char *s, size_t len)
{
  return on_value (ctx, VALUE_STRING, (const char *) s, len);
}

static int
depth_in (Reader *r)
{
  if (++r->total_depth > CM_GEOJSON_MAX_DEPTH)
    return fail (r, CM_GEOJSON_ERROR_TOO_DEEP, _("the JSON is nested deeper than %d levels"),
                 CM_GEOJSON_MAX_DEPTH);
  return 1;
}

static int
cb_start_map (void *ctx)
{
  Reader *r = ctx;
  return depth_in (r) && on_value (r, VALUE_MAP, NULL, 0);
}

static int
cb_start_array (void *ctx)
{
  Reader *r = ctx;
  return depth_in (r) && on_value (r, VALUE_ARRAY, NULL, 0);
}

static int
cb_map_key (void *ctx, const unsigned char *key, size_t len)
{
  Reader *r = ctx;
  Frame *f = top_frame (r);

  if (f->kind == FRAME_OBJECT)
    {
      f->pending = member_from_key (f->role, (const char *) key, len);
      return 1;
    }
  if (f->kind == FRAME_CAPTURE)
    {
      GString *buf = capture_buffer (r, f);
      gsize start = buf->len;
      gboolean *first = &g_array_index (r->capture_first, gboolean, r->capture_first->len - 1);
      if (!*first)
        g_string_append_c (buf, ',');
      *first = FALSE;
      cm_json_append_string (buf, (const char *) key, len);
      g_string_append_c (buf, ':');
      r->capture_after_key = TRUE;
      if (f->capture_props && f->depth == 1)
        {
          PropMember m = { g_strndup ((const char *) key, len), start, buf->len };
          g_array_append_val (r->prop_members, m);
        }
    }
  return 1; /* FRAME_SKIP: nothing to do */
}

static int
close_container (Reader *r, char c)
{
  Frame *f = top_frame (r);
  r->total_depth--;

  switch (f->kind)
    {
    case FRAME_CAPTURE:
      g_string_append_c (capture_buffer (r, f), c);
      g_array_set_size (r->capture_first, r->capture_first->len - 1);
      if (--f->depth > 0)
        {
          if (f->capture_props && f->depth == 1 && r->prop_members->len > 0)
            g_array_index (r->prop_members, PropMember, r->prop_members->len - 1).end =
                r->props->len;
          return 1;
        }
      {
        gboolean props = f->capture_props;
        pop_frame (r);
        return props ? 1 : check_crs (r);
      }

    case FRAME_SKIP:
      if (--f->depth == 0)
        pop_frame (r);
      return 1;

    case FRAME_COORDS:
      if (!nest_close (r))
        return 0;
      if (r->nest->len == 0)
        pop_frame (r);
      return 1;

    case FRAME_FEATURES:
    case FRAME_GEOMETRIES:
      pop_frame (r);
      return 1;

    case FRAME_OBJECT:
      return finish_object (r);
    }
  return 1;
}

static int
cb_end_map (void *ctx)
{
  return close_container (ctx, '}');
}

static int
cb_end_array (void *ctx)
{
  return close_container (ctx, ']');
}

static const yajl_callbacks callbacks = {
  cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
  cb_start_map, cb_map_key, cb_end_map, cb_start_array, cb_end_array,
};

/* ---- driver -------------------------------------------------------------------------------- */

static void
reader_free (Reader *r)
{
  while (r->frames->len > 0)
    pop_frame (r);
  g_array_unref (r->frames);
  g_array_unref (r->nest);
  feature_state_reset (r);
  g_array_unref (r->prop_members);
  g_array_unref (r->capture_first);
  g_ptr_array_unref (r->string_tags);
  g_string_free (r->props, TRUE);
  g_string_free (r->crs, TRUE);
  if (r->yajl)
    yajl_free (r->yajl);
  g_clear_error (&r->error);
}

/* Turns a yajl error into ours, with the line it happened on. */
static void
set_yajl_error (Reader *r, const guint8 *data, gsize len, gboolean at_end, GError **error)
{
  unsigned char *text = yajl_get_error (r->yajl, 0, data, len);
  g_autofree char *reason = g_strstrip (g_strdup ((const char *) text));
  yajl_free_error (r->yajl, text);
  guint line = reader_line (r);

  if (at_end && (strstr (reason, "premature EOF") != NULL))
    g_set_error (error, CM_GEOJSON_ERROR, CM_GEOJSON_ERROR_TRUNCATED,
                 _("line %u: the file ends in the middle of the JSON (it is truncated; copy it "
                 "again from the original)"), line);
  else if (strstr (reason, "UTF8") != NULL)
    g_set_error (error, CM_GEOJSON_ERROR, CM_GEOJSON_ERROR_NOT_UTF8,
                 _("line %u: the text is not UTF-8 (GeoJSON must be UTF-8; save the file as "
                 "UTF-8 and try again)"), line);
  else
    g_set_error (error, CM_GEOJSON_ERROR, CM_GEOJSON_ERROR_INVALID_JSON,
                 _("line %u: not valid JSON (%s)"), line, reason);
}

gboolean
cm_geojson_read (GInputStream *in, goffset total, CmGeoJsonFeatureFunc func, gpointer user_data,
                 CmProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
                 GError **error)
{
  Reader r = { 0 };
  g_autofree guint8 *buf = g_malloc (CHUNK_SIZE);
  goffset done = 0;
  gboolean first = TRUE, ok = TRUE;

  r.frames = g_array_new (FALSE, FALSE, sizeof (Frame));
  r.nest = g_array_new (FALSE, FALSE, sizeof (NestLevel));
  r.props = g_string_new (NULL);
  r.crs = g_string_new (NULL);
  r.prop_members = g_array_new (FALSE, FALSE, sizeof (PropMember));
  r.capture_first = g_array_new (FALSE, FALSE, sizeof (gboolean));
  r.string_tags = g_ptr_array_new_with_free_func (g_free);
  r.func = func;
  r.user_data = user_data;
  r.yajl = yajl_alloc (&callbacks, NULL, &r);
  yajl_config (r.yajl, yajl_allow_multiple_values, 1);

  for (;;)
    {
      gssize n = g_input_stream_read (in, buf, CHUNK_SIZE, cancellable, error);
      if (n < 0)
        {
          ok = FALSE;
          break;
        }
      if (n == 0)
        break;
      done += n;

      guint8 *data = buf;
      if (first && n >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
        data += 3, n -= 3; /* UTF-8 byte order mark */
      first = FALSE;
      for (gssize i = 0; i < n; i++)
        if (data[i] == 0x1E)
          data[i] = ' '; /* RFC 8142 record separator */
        else if (!r.seen_value && !g_ascii_isspace (data[i]))
          r.seen_value = TRUE;

      r.chunk = data;
      r.chunk_scanned = 0;
      yajl_status st = yajl_parse (r.yajl, data, n);
      if (st != yajl_status_ok)
        {
          if (r.error)
            g_propagate_error (error, g_steal_pointer (&r.error));
          else
            set_yajl_error (&r, data, n, FALSE, error);
          ok = FALSE;
          break;
        }
      /* count the rest of this chunk's lines before moving on */
      r.chunk_scanned = MIN (r.chunk_scanned, (gsize) n);
      for (const guint8 *p = data + r.chunk_scanned; (p = memchr (p, '\n', data + n - p)); p++)
        r.line_base++;
      r.chunk = NULL;

      if (progress)
        progress (done, total, progress_data);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
    }

  if (ok)
    {
      static const guint8 nothing[1] = { 0 };
      r.chunk = nothing;
      r.chunk_scanned = 0;
      if (!r.seen_value)
        {
          g_set_error (error, CM_GEOJSON_ERROR, CM_GEOJSON_ERROR_EMPTY,
                       _("the file is empty: there is no GeoJSON in it"));
          ok = FALSE;
        }
      else if (yajl_complete_parse (r.yajl) != yajl_status_ok)
        {
          if (r.error)
            g_propagate_error (error, g_steal_pointer (&r.error));
          else
            set_yajl_error (&r, nothing, 0, TRUE, error);
          ok = FALSE;
        }
      else if (r.frames->len > 0)
        {
          g_set_error (error, CM_GEOJSON_ERROR, CM_GEOJSON_ERROR_TRUNCATED,
                       _("the file ends in the middle of the JSON (it is truncated)"));
          ok = FALSE;
        }
    }

  reader_free (&r);
  return ok;
}
