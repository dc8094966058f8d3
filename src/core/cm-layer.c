/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-layer.c: the feature tables of a community map and the layers' own fields. */
#include "config.h"

#include "cm-layer.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
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

/* A report's status (issue #18), as FixMyStreet and Open311 know them; the transitions allowed
 * between them are in cm-reports.c. */
static const CmChoice report_statuses[] = {
  { "reported", N_("Reported"), "已上报" },
  { "acknowledged", N_("Acknowledged"), "已受理" },
  { "in_hand", N_("In hand"), "处理中" },
  { "resolved", N_("Resolved"), "已解决" },
  { "closed", N_("Closed"), "已关闭" },
  { "reopened", N_("Reopened"), "重新打开" },
  { NULL, NULL, NULL },
};
static const CmLayerField report_fields[] = {
  { "status", CM_VALUE_CHOICE, 0, N_("Status"), "状态|处理状态", 5, report_statuses },
  { "urgent", CM_VALUE_FLAG, 1, N_("Urgent"), "紧急|是否紧急", 5 },
  { "residents", CM_VALUE_COUNT, 100000, N_("Residents who raised it"),
    "反映人数|上报人数", 5 },
  { "responsible_uuid", CM_VALUE_UUID, 0, N_("Responsible"), "负责|负责站点", 5 },
  { "reported_at", CM_VALUE_DATE, 0, N_("Reported on"), "上报时间|反映时间|上报日期", 5 },
  { "raised_by", CM_VALUE_TEXT, 0, N_("Raised by"), "反映人|上报人", 5 },
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
  { CM_LAYER_REPORTS, "reports", "GEOMETRY", CM_GEOMETRY_KIND_ANY, FIELDS (report_fields), 5 },
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
  return "resources, stations, teams, buildings, paths, barriers, boundary, compounds, reports";
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
    case CM_VALUE_FLAG:
      return g_strdup_printf ("INTEGER CHECK (%s IS NULL OR %s IN (0, 1))", field->name,
                              field->name);
    case CM_VALUE_CHOICE:
      {
        GString *sql = g_string_new (NULL);
        g_string_append_printf (sql, "TEXT CHECK (%s IS NULL OR %s IN (", field->name,
                                field->name);
        for (const CmChoice *c = field->choices; c->key; c++)
          g_string_append_printf (sql, "%s'%s'", c == field->choices ? "" : ", ", c->key);
        g_string_append (sql, "))");
        return g_string_free (sql, FALSE);
      }
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

const CmChoice *
cm_layer_field_find_choice (const CmLayerField *field, const char *text)
{
  if (field->choices == NULL || text == NULL)
    return NULL;
  g_autofree char *t = g_strstrip (g_strdup (text));
  for (const CmChoice *c = field->choices; c->key; c++)
    if (same_header (t, c->key) || same_header (t, c->label) ||
        (c->label_zh && same_header (t, c->label_zh)) ||
        same_header (t, g_dgettext (GETTEXT_PACKAGE, c->label)))
      return c;
  return NULL;
}

static gboolean
parse_choice (const CmLayerField *field, const char *t, GVariant **value, GError **error)
{
  const CmChoice *c = cm_layer_field_find_choice (field, t);
  if (c == NULL)
    {
      GString *names = g_string_new (NULL);
      for (const CmChoice *o = field->choices; o->key; o++)
        g_string_append_printf (names, "%s%s", o == field->choices ? "" : _(", "),
                                g_dgettext (GETTEXT_PACKAGE, o->label));
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   /* TRANSLATORS: "Status is one of Reported, Acknowledged, …, not “done”" */
                   _("%s is one of %s, not “%s”"), g_dgettext (GETTEXT_PACKAGE, field->label),
                   names->str, t);
      g_string_free (names, TRUE);
      return FALSE;
    }
  *value = g_variant_ref_sink (g_variant_new_string (c->key));
  return TRUE;
}

static gboolean
parse_flag (const CmLayerField *field, const char *t, GVariant **value, GError **error)
{
  static const char *const yes[] = { "1", "yes", "y", "true", "是", "紧急", "urgent", NULL };
  static const char *const no[] = { "0", "no", "n", "false", "否", "不紧急", "not urgent", NULL };
  for (int i = 0; yes[i]; i++)
    if (same_header (t, yes[i]))
      {
        *value = g_variant_ref_sink (g_variant_new_int64 (1));
        return TRUE;
      }
  for (int i = 0; no[i]; i++)
    if (same_header (t, no[i]))
      {
        *value = g_variant_ref_sink (g_variant_new_int64 (0));
        return TRUE;
      }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               /* TRANSLATORS: "Urgent takes yes or no (是 or 否, 1 or 0), not “maybe”" */
               _("%s takes yes or no (是 or 否, 1 or 0), not “%s”"),
               g_dgettext (GETTEXT_PACKAGE, field->label), t);
  return FALSE;
}

char *
cm_layer_parse_date (const char *text)
{
  if (text == NULL)
    return NULL;
  g_autofree char *t = g_strstrip (g_strdup (text));
  /* a day: 2026-12-05, 2026/12/5, 2026.12.5 or 2026年12月5日 */
  int y, m, d, n = 0;
  if ((sscanf (t, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 ||
       sscanf (t, "%4d/%2d/%2d%n", &y, &m, &d, &n) == 3 ||
       sscanf (t, "%4d.%2d.%2d%n", &y, &m, &d, &n) == 3 ||
       sscanf (t, "%4d年%2d月%2d%n", &y, &m, &d, &n) == 3) &&
      (t[n] == '\0' || (strcmp (t + n, "日") == 0)))
    {
      if (y < 1900 || y > 2999 || !g_date_valid_dmy (d, m, y))
        return NULL;
      return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
    }
  /* a time: ISO 8601 with its offset (no offset: UTC), stored in UTC to the millisecond */
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) when = g_date_time_new_from_iso8601 (t, utc);
  if (when == NULL)
    return NULL;
  g_autoptr (GDateTime) in_utc = g_date_time_to_utc (when);
  if (g_date_time_get_year (in_utc) < 1900 || g_date_time_get_year (in_utc) > 2999)
    return NULL;
  g_autofree char *day = g_date_time_format (in_utc, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", day, g_date_time_get_microsecond (in_utc) / 1000);
}

static gboolean
parse_date_field (const CmLayerField *field, const char *t, GVariant **value, GError **error)
{
  g_autofree char *date = cm_layer_parse_date (t);
  if (date == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   /* TRANSLATORS: "Reported on takes a date such as 2026-12-05, not “soon”" */
                   _("%s takes a date such as 2026-12-05, not “%s”"),
                   g_dgettext (GETTEXT_PACKAGE, field->label), t);
      return FALSE;
    }
  *value = g_variant_ref_sink (g_variant_new_string (date));
  return TRUE;
}

gboolean
cm_layer_field_parse (const CmLayerField *field, const char *text, GVariant **value,
                      GError **error)
{
  *value = NULL;
  g_autofree char *t = g_strstrip (g_strdup (text ? text : ""));
  if (*t == '\0')
    return TRUE;
  switch (field->type)
    {
    case CM_VALUE_FLAG:
      return parse_flag (field, t, value, error);
    case CM_VALUE_CHOICE:
      return parse_choice (field, t, value, error);
    case CM_VALUE_DATE:
      return parse_date_field (field, t, value, error);
    case CM_VALUE_COUNT:
    case CM_VALUE_METRES:
      break;
    default:
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
  if (field->type == CM_VALUE_FLAG)
    {
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64) &&
          (g_variant_get_int64 (value) == 0 || g_variant_get_int64 (value) == 1))
        return TRUE;
      g_autoptr (GVariant) ignored = NULL;
      return parse_flag (field, text, &ignored, error);
    }
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s takes a text"),
                   g_dgettext (GETTEXT_PACKAGE, field->label));
      return FALSE;
    }
  /* a choice by its key, a date as stored: what parsing them gives back */
  if (field->type == CM_VALUE_CHOICE || field->type == CM_VALUE_DATE)
    {
      g_autoptr (GVariant) parsed = NULL;
      if (!cm_layer_field_parse (field, text, &parsed, error))
        return FALSE;
      if (parsed == NULL || !g_variant_equal (parsed, value))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       field->type == CM_VALUE_CHOICE ? _("%s takes a key such as “%s”, not “%s”")
                                                      : _("%s takes a date as “%s”, not “%s”"),
                       g_dgettext (GETTEXT_PACKAGE, field->label),
                       parsed ? g_variant_get_string (parsed, NULL) : "", text);
          return FALSE;
        }
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
