/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-layer.c: the feature tables of a community map and the layers' own fields. */
#include "config.h"

#include "cm-layer.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cm-i18n.h"

/* Limits: a radius beyond 5 km serves no community on foot (GB 50180's widest circle is
 * 15 minutes, about 1 km); a building or team beyond these counts is a typing mistake. */
static const CmLayerField station_fields[] = {
  { "service_radius_m", CM_VALUE_METRES, 5000, N_("Service radius"), "服务半径|半径", 1 },
  { "kind", CM_VALUE_KIND, 0, N_("Kind"), "类型|种类|站点类型", 3 },
  { "opening_hours", CM_VALUE_TEXT, 0, N_("Opening hours"), "开放时间|服务时间", 3 },
  { "phone", CM_VALUE_TEXT, 0, N_("Phone"), "电话|联系电话", 3 },
};
static const CmLayerField team_fields[] = {
  { "kind", CM_VALUE_KIND, 0, N_("Team type"), "类型|队伍类型|服务队类型", 1 },
  { "members", CM_VALUE_COUNT, 100000, N_("Members"), "队员|队员数|人数|成员数", 1 },
  { "leader", CM_VALUE_TEXT, 0, N_("Leader"), "队长|负责人", 3 },
  { "contact", CM_VALUE_TEXT, 0, N_("Contact"), "联系方式|联系电话|电话", 3 },
  { "activities", CM_VALUE_TEXT, 0, N_("What it does"), "服务内容|活动内容", 3 },
  { "meeting_place", CM_VALUE_TEXT, 0, N_("Where it meets"), "活动地点|集合地点", 3 },
};
static const CmLayerField building_fields[] = {
  { "households", CM_VALUE_COUNT, 100000, N_("Households"), "户数|住户|住户数|总户数", 1 },
  { "population", CM_VALUE_COUNT, 1000000, N_("Residents"),
    "人口|常住人口|居民|居民数|人数|总人口", 1 },
  { "building_head", CM_VALUE_TEXT, 0, N_("Building head"), "楼长|楼栋长", 3 },
  { "head_contact", CM_VALUE_TEXT, 0, N_("Building head's phone"),
    "楼长电话|楼长联系方式|联系电话", 3 },
  { "compound_uuid", CM_VALUE_UUID, 0, N_("Compound"), NULL, 3 },
};
static const CmLayerField compound_fields[] = {
  { "kind", CM_VALUE_KIND, 0, N_("Kind"), "类型", 3 },
};

#define FIELDS(a) a, G_N_ELEMENTS (a)

static const CmLayerInfo layers[CM_N_LAYERS] = {
  { CM_LAYER_RESOURCES, "resources", "GEOMETRY", CM_GEOMETRY_KIND_ANY, NULL, 0, 1 },
  { CM_LAYER_STATIONS, "stations", "POINT", CM_GEOMETRY_KIND_POINT, FIELDS (station_fields), 1 },
  { CM_LAYER_TEAMS, "teams", "MULTIPOLYGON", CM_GEOMETRY_KIND_AREAS, FIELDS (team_fields), 1 },
  { CM_LAYER_BUILDINGS, "buildings", "MULTIPOLYGON", CM_GEOMETRY_KIND_AREAS,
    FIELDS (building_fields), 1 },
  { CM_LAYER_PATHS, "paths", "MULTILINESTRING", CM_GEOMETRY_KIND_LINES, NULL, 0, 1 },
  { CM_LAYER_BARRIERS, "barriers", "MULTILINESTRING", CM_GEOMETRY_KIND_LINES, NULL, 0, 1 },
  { CM_LAYER_BOUNDARY, "boundary", "MULTIPOLYGON", CM_GEOMETRY_KIND_AREAS, NULL, 0, 1 },
  { CM_LAYER_COMPOUNDS, "compounds", "MULTIPOLYGON", CM_GEOMETRY_KIND_AREAS,
    FIELDS (compound_fields), 3 },
};

const CmLayerInfo *
cm_layer_get_info (CmLayer layer)
{
  g_return_val_if_fail (layer >= 0 && layer < CM_N_LAYERS, NULL);
  return &layers[layer];
}

const char *
cm_layer_to_string (CmLayer layer)
{
  if (layer < 0 || layer >= CM_N_LAYERS)
    return "none";
  return layers[layer].table;
}

CmLayer
cm_layer_from_string (const char *name)
{
  if (name == NULL)
    return CM_LAYER_NONE;
  for (int i = 0; i < CM_N_LAYERS; i++)
    if (strcmp (layers[i].table, name) == 0)
      return (CmLayer) i;
  return CM_LAYER_NONE;
}

const char *
cm_layer_names (void)
{
  return "resources, stations, teams, buildings, paths, barriers, boundary, compounds";
}

const CmLayerField *
cm_layer_find_field (CmLayer layer, const char *name)
{
  const CmLayerInfo *info = cm_layer_get_info (layer);
  for (guint i = 0; name && i < info->n_fields; i++)
    if (strcmp (info->fields[i].name, name) == 0)
      return &info->fields[i];
  return NULL;
}

static gboolean
same_header (const char *a, const char *b)
{
  g_autofree char *fa = g_utf8_casefold (a, -1), *fb = g_utf8_casefold (b, -1);
  return strcmp (fa, fb) == 0;
}

const CmLayerField *
cm_layer_field_for_header (CmLayer layer, const char *header)
{
  if (header == NULL)
    return NULL;
  g_autofree char *h = g_strstrip (g_strdup (header));
  const CmLayerInfo *info = cm_layer_get_info (layer);
  for (guint i = 0; i < info->n_fields; i++)
    {
      const CmLayerField *f = &info->fields[i];
      if (same_header (h, f->name) || same_header (h, f->label) ||
          same_header (h, g_dgettext (GETTEXT_PACKAGE, f->label)))
        return f;
    }
  /* aliases after every name, so that 联系电话 on buildings is the head's phone only when no
   * field has it as its own label */
  for (guint i = 0; i < info->n_fields; i++)
    {
      const CmLayerField *f = &info->fields[i];
      g_auto (GStrv) aliases = f->aliases ? g_strsplit (f->aliases, "|", -1) : NULL;
      for (char **a = aliases; a && *a; a++)
        if (same_header (h, *a))
          return f;
    }
  return NULL;
}

char *
cm_layer_field_sql (const CmLayerField *field)
{
  switch (field->type)
    {
    case CM_VALUE_COUNT:
      return g_strdup_printf ("INTEGER CHECK (%s IS NULL OR %s >= 0)", field->name, field->name);
    case CM_VALUE_METRES:
      return g_strdup_printf ("REAL CHECK (%s IS NULL OR %s >= 0)", field->name, field->name);
    default:
      return g_strdup ("TEXT");
    }
}

static gboolean
refuse_number (const CmLayerField *field, const char *text, GError **error)
{
  g_autofree char *max = cm_format_count (field->max);
  const char *label = g_dgettext (GETTEXT_PACKAGE, field->label);
  if (field->type == CM_VALUE_COUNT)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 /* TRANSLATORS: "Households takes a whole number from 0 to 100,000, not “-5”" */
                 _("%s takes a whole number from 0 to %s, not “%s”"), label, max, text);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 /* TRANSLATORS: "Service radius (m) takes metres from 0 to 5,000, not “abc”" */
                 _("%s takes metres from 0 to %s, not “%s”"), label, max, text);
  return FALSE;
}

gboolean
cm_layer_field_parse (const CmLayerField *field, const char *text, GVariant **value,
                      GError **error)
{
  *value = NULL;
  g_autofree char *t = g_strstrip (g_strdup (text ? text : ""));
  if (*t == '\0')
    return TRUE;
  if (field->type != CM_VALUE_COUNT && field->type != CM_VALUE_METRES)
    {
      *value = g_variant_ref_sink (g_variant_new_string (t));
      return TRUE;
    }
  /* digits as people type them: thousands separators and full-width digits (２０) too */
  g_autofree char *plain = g_utf8_normalize (t, -1, G_NORMALIZE_ALL_COMPOSE);
  GString *digits = g_string_new (NULL);
  for (const char *p = plain; p && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c != ',' && c != ' ')
        g_string_append_unichar (digits, c);
    }
  g_autofree char *number = g_string_free (digits, FALSE);
  char *end = NULL;
  double v = g_ascii_strtod (number, &end);
  if (*number == '\0' || *end != '\0' || !isfinite (v) || v < 0 || v > field->max ||
      (field->type == CM_VALUE_COUNT && v != floor (v)))
    return refuse_number (field, t, error);
  *value = g_variant_ref_sink (field->type == CM_VALUE_COUNT ? g_variant_new_int64 ((gint64) v)
                                                             : g_variant_new_double (v));
  return TRUE;
}

gboolean
cm_layer_field_check (const CmLayerField *field, GVariant *value, GError **error)
{
  if (value == NULL)
    return TRUE;
  g_autofree char *text = cm_layer_field_format (field, value);
  if (field->type == CM_VALUE_COUNT || field->type == CM_VALUE_METRES)
    {
      double v = g_variant_is_of_type (value, G_VARIANT_TYPE_INT64)
                     ? (double) g_variant_get_int64 (value)
                 : g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE) ? g_variant_get_double (value)
                                                                       : NAN;
      if (!isfinite (v) || v < 0 || v > field->max ||
          (field->type == CM_VALUE_COUNT && v != floor (v)))
        return refuse_number (field, text, error);
      return TRUE;
    }
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s takes a text"),
                   g_dgettext (GETTEXT_PACKAGE, field->label));
      return FALSE;
    }
  return TRUE;
}

char *
cm_layer_field_format (const CmLayerField *field, GVariant *value)
{
  if (value == NULL)
    return NULL;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.15g", g_variant_get_double (value)));
    }
  return g_variant_print (value, FALSE);
}
