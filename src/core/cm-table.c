/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-table.c: which rows an attribute table shows, in which order. */
#include "config.h"

#include "cm-table.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cm-categories.h"
#include "cm-compounds.h"
#include "cm-i18n.h"
#include "cm-kinds.h"
#include "cm-reports.h"
#include "cm-store-private.h"

const char *const *
cm_table_columns (CmLayer layer)
{
  static const char **columns[CM_N_LAYERS];
  if (columns[layer] == NULL)
    {
      /* built once per layer from the field table, kept for the program's life */
      const CmLayerInfo *info = cm_layer_get_info (layer);
      GPtrArray *c = g_ptr_array_new ();
      g_ptr_array_add (c, (gpointer) "name");
      if (layer == CM_LAYER_RESOURCES || layer == CM_LAYER_REPORTS)
        g_ptr_array_add (c, (gpointer) "category");
      for (guint i = 0; i < info->n_fields; i++)
        g_ptr_array_add (c, (gpointer) info->fields[i].name);
      g_ptr_array_add (c, (gpointer) "description");
      g_ptr_array_add (c, NULL);
      columns[layer] = (const char **) g_ptr_array_free (c, FALSE);
    }
  return columns[layer];
}

static gboolean
is_column (CmLayer layer, const char *column)
{
  for (const char *const *c = cm_table_columns (layer); *c; c++)
    if (strcmp (*c, column) == 0)
      return TRUE;
  return FALSE;
}

GArray *
cm_table_ids (CmStore *store, CmLayer layer, const char *filter, const char *column,
              gboolean descending, GError **error)
{
  const char *t = cm_layer_to_string (layer);
  GString *sql = g_string_new (NULL);
  g_string_append_printf (sql, "SELECT id FROM %s WHERE deleted = 0", t);
  gboolean filtering = filter && *filter;
  if (filtering)
    {
      /* any column's text, as shown */
      g_string_append (sql, " AND instr(lower(");
      gboolean first = TRUE;
      for (const char *const *c = cm_table_columns (layer); *c; c++, first = FALSE)
        g_string_append_printf (sql, "%scoalesce(CAST(%s AS TEXT), '')", first ? "" : " || ' ' || ",
                                *c);
      g_string_append (sql, "), lower(?1)) > 0");
    }
  if (column && is_column (layer, column))
    g_string_append_printf (sql, " ORDER BY (%s IS NULL OR %s = ''), %s%s, id", column, column,
                            column, descending ? " DESC" : "");
  else
    g_string_append (sql, " ORDER BY id");
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql->str, error);
  g_string_free (sql, TRUE);
  if (stmt == NULL)
    return NULL;
  if (filtering)
    sqlite3_bind_text (stmt, 1, filter, -1, SQLITE_STATIC);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (store, error, _("read the table"));
      g_array_unref (ids);
      return NULL;
    }
  return ids;
}

const char *
cm_table_column_title (CmLayer layer, const char *column)
{
  if (strcmp (column, "name") == 0)
    return _("Name");
  if (strcmp (column, "category") == 0)
    return _("Kind");
  if (strcmp (column, "description") == 0)
    return _("A few words");
  const CmLayerField *field = cm_layer_find_field (layer, column);
  return field ? g_dgettext (GETTEXT_PACKAGE, field->label) : column;
}

/* The name of the compound @uuid, or NULL. */
static char *
compound_name (CmStore *store, const char *uuid)
{
  g_autoptr (CmFeature) c = cm_store_get_feature (store, CM_LAYER_COMPOUNDS, uuid, NULL);
  return c ? g_strdup (cm_feature_get_name (c)) : NULL;
}


char *
cm_table_cell_text (CmStore *store, CmFeature *feature, const char *column)
{
  CmLayer layer = cm_feature_get_layer (feature);
  if (strcmp (column, "name") == 0)
    return g_strdup (cm_feature_get_name (feature));
  if (strcmp (column, "description") == 0)
    return g_strdup (cm_feature_get_description (feature));
  if (strcmp (column, "category") == 0)
    {
      const CmCategory *c = cm_categories_lookup (cm_categories_get_default (),
                                                  cm_feature_get_category (feature));
      return g_strdup (c ? cm_i18n_pick (c->label_zh, c->label_en)
                         : cm_feature_get_category (feature));
    }
  const CmLayerField *field = cm_layer_find_field (layer, column);
  GVariant *v = field ? cm_feature_get_field (feature, column) : NULL;
  if (v == NULL && field && field->type == CM_VALUE_UUID && layer == CM_LAYER_BUILDINGS)
    return cm_table_compound_text (store, feature);
  /* a report without a status (another program added it) is reported (docs/reports.md) */
  if (v == NULL && field && field->type == CM_VALUE_CHOICE && field->choices)
    return g_strdup (g_dgettext (GETTEXT_PACKAGE, field->choices[0].label));
  if (v == NULL)
    return NULL;
  switch (field->type)
    {
    case CM_VALUE_COUNT:
      return cm_format_count ((double) g_variant_get_int64 (v));
    case CM_VALUE_METRES:
      return cm_layer_field_format (field, v);
    case CM_VALUE_KIND:
      {
        g_autoptr (CmKind) kind = cm_store_get_kind (store, layer, g_variant_get_string (v, NULL),
                                                     NULL);
        return g_strdup (kind ? cm_kind_label (kind) : g_variant_get_string (v, NULL));
      }
    case CM_VALUE_UUID:
      {
        char *name = layer == CM_LAYER_REPORTS
                         ? cm_reports_responsible_name (store, g_variant_get_string (v, NULL))
                         : compound_name (store, g_variant_get_string (v, NULL));
        return name ? name : g_variant_dup_string (v, NULL);
      }
    case CM_VALUE_CHOICE:
      {
        const CmChoice *c = cm_layer_field_find_choice (field, g_variant_get_string (v, NULL));
        return g_strdup (c ? g_dgettext (GETTEXT_PACKAGE, c->label) : g_variant_get_string (v, NULL));
      }
    case CM_VALUE_FLAG:
      return g_strdup (g_variant_get_int64 (v) ? _("yes") : _("no"));
    default:
      return g_variant_dup_string (v, NULL);
    }
}

char *
cm_table_compound_text (CmStore *store, CmFeature *building)
{
  GVariant *chosen = cm_feature_get_field (building, "compound_uuid");
  if (chosen)
    return cm_table_cell_text (store, building, "compound_uuid");
  g_autoptr (CmFeature) in = cm_compounds_containing (store, building);
  if (in == NULL || cm_feature_get_name (in) == NULL)
    return NULL;
  /* TRANSLATORS: a building's compound found from where it stands, not chosen by hand */
  return g_strdup_printf (_("%s (where it stands)"), cm_feature_get_name (in));
}

/* The key of @layer's kind named @text (its key, or its label in either language), or NULL. */
static char *
find_kind (CmStore *store, CmLayer layer, const char *text, GString *known)
{
  g_autoptr (GPtrArray) kinds = cm_store_list_kinds (store, layer, NULL);
  for (guint i = 0; kinds && i < kinds->len; i++)
    {
      const CmKind *k = kinds->pdata[i];
      if (g_str_equal (text, k->key) || g_str_equal (text, k->label_zh) ||
          g_str_equal (text, k->label_en))
        return g_strdup (k->key);
      g_string_append_printf (known, "%s%s", i ? _(", ") : "", cm_kind_label (k));
    }
  return NULL;
}

/* The uuid of the compound named @text (or with that uuid), or NULL. */
static char *
find_compound (CmStore *store, const char *text, GString *known)
{
  const double world[4] = { -180, -90, 180, 90 };
  g_autoptr (GListModel) all = cm_store_query_bbox (store, CM_LAYER_COMPOUNDS, world, NULL);
  for (guint i = 0; all && i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr (CmFeature) c = g_list_model_get_item (all, i);
      if (g_strcmp0 (cm_feature_get_name (c), text) == 0 ||
          g_str_equal (cm_feature_get_uuid (c), text))
        return g_strdup (cm_feature_get_uuid (c));
      if (cm_feature_get_name (c))
        g_string_append_printf (known, "%s%s", known->len ? _(", ") : "",
                                cm_feature_get_name (c));
    }
  return NULL;
}

/* The uuid of the station or team named @text (or with that uuid), or NULL. */
static char *
find_responsible (CmStore *store, const char *text, GString *known)
{
  const double world[4] = { -180, -90, 180, 90 };
  const CmLayer layers[] = { CM_LAYER_STATIONS, CM_LAYER_TEAMS };
  for (gsize l = 0; l < G_N_ELEMENTS (layers); l++)
    {
      g_autoptr (GListModel) all = cm_store_query_bbox (store, layers[l], world, NULL);
      for (guint i = 0; all && i < g_list_model_get_n_items (all); i++)
        {
          g_autoptr (CmFeature) f = g_list_model_get_item (all, i);
          if (g_strcmp0 (cm_feature_get_name (f), text) == 0 ||
              g_str_equal (cm_feature_get_uuid (f), text))
            return g_strdup (cm_feature_get_uuid (f));
          if (cm_feature_get_name (f))
            g_string_append_printf (known, "%s%s", known->len ? _(", ") : "",
                                    cm_feature_get_name (f));
        }
    }
  return NULL;
}

gboolean
cm_table_set_cell (CmStore *store, CmFeature *feature, const char *column, const char *text,
                   GError **error)
{
  CmLayer layer = cm_feature_get_layer (feature);
  g_autofree char *t = g_strstrip (g_strdup (text ? text : ""));
  if (strcmp (column, "name") == 0 || strcmp (column, "description") == 0)
    {
      if (column[0] == 'n')
        cm_feature_set_name (feature, *t ? t : NULL);
      else
        cm_feature_set_description (feature, *t ? t : NULL);
      return TRUE;
    }
  const CmLayerField *field = cm_layer_find_field (layer, column);
  if (field == NULL)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                   _("“%s” cannot be changed here"), cm_table_column_title (layer, column));
      return FALSE;
    }
  g_autoptr (GVariant) v = NULL;
  if (!cm_table_parse_cell (store, layer, field, t, &v, error))
    return FALSE;
  cm_feature_set_field (feature, column, v);
  return TRUE;
}

gboolean
cm_table_parse_cell (CmStore *store, CmLayer layer, const CmLayerField *field, const char *text,
                     GVariant **value, GError **error)
{
  g_autofree char *t = g_strstrip (g_strdup (text ? text : ""));
  *value = NULL;
  /* a report's status changes by a follow-up, so that its timeline says who changed it, when
   * and why (docs/reports.md) */
  if (field->type == CM_VALUE_CHOICE && layer == CM_LAYER_REPORTS)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                   _("a report's status changes only with a follow-up, so that its timeline "
                     "says who changed it and when"));
      return FALSE;
    }
  if (*t && (field->type == CM_VALUE_KIND || field->type == CM_VALUE_UUID))
    {
      g_autoptr (GString) known = g_string_new (NULL);
      g_autofree char *key = field->type == CM_VALUE_KIND ? find_kind (store, layer, t, known)
                             : layer == CM_LAYER_REPORTS  ? find_responsible (store, t, known)
                                                          : find_compound (store, t, known);
      if (key == NULL && layer == CM_LAYER_REPORTS && field->type == CM_VALUE_UUID)
        g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                     _("No station or team is called “%s”: use one of %s"), t, known->str);
      else if (key == NULL)
        g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                     /* TRANSLATORS: "No Team type is called “X”: use one of A, B, C" */
                     _("No %s is called “%s”: use one of %s"),
                     g_dgettext (GETTEXT_PACKAGE, field->label), t, known->str);
      if (key == NULL)
        return FALSE;
      *value = g_variant_ref_sink (g_variant_new_string (key));
      return TRUE;
    }
  return cm_layer_field_parse (field, t, value, error);
}

CmSheet *
cm_table_sheet (CmStore *store, CmLayer layer, GArray *ids, const char *name, GError **error)
{
  /* the uuid, then the table's columns: counts and metres as numbers, the rest as shown */
  GArray *columns = g_array_new (FALSE, TRUE, sizeof (CmColumn));
  CmColumn uuid = { "uuid", _("ID"), CM_CELL_TEXT };
  g_array_append_val (columns, uuid);
  const char *const *names = cm_table_columns (layer);
  for (const char *const *c = names; *c; c++)
    {
      const CmLayerField *field = cm_layer_find_field (layer, *c);
      CmColumn col = { *c, cm_table_column_title (layer, *c),
                       field && field->type == CM_VALUE_COUNT    ? CM_CELL_COUNT
                       : field && field->type == CM_VALUE_METRES ? CM_CELL_METRES
                                                                 : CM_CELL_TEXT };
      g_array_append_val (columns, col);
    }
  CmSheet *sheet = cm_sheet_new (name, (CmColumn *) columns->data, columns->len);
  for (guint r = 0; r < ids->len; r++)
    {
      g_autoptr (CmFeature) f = cm_store_get_feature_by_id (store, layer,
                                                            g_array_index (ids, gint64, r), error);
      if (f == NULL)
        {
          cm_sheet_free (sheet);
          g_array_unref (columns);
          return NULL;
        }
      cm_sheet_add_row (sheet);
      cm_sheet_set_text (sheet, 0, cm_feature_get_uuid (f));
      for (guint c = 1; c < columns->len; c++)
        {
          const CmColumn *col = &g_array_index (columns, CmColumn, c);
          if (col->kind == CM_CELL_TEXT)
            {
              g_autofree char *text = cm_table_cell_text (store, f, col->key);
              cm_sheet_set_text (sheet, c, text);
              continue;
            }
          GVariant *v = cm_feature_get_field (f, col->key);
          if (v)
            cm_sheet_set_number (sheet, c, col->kind == CM_CELL_COUNT
                                               ? (double) g_variant_get_int64 (v)
                                               : g_variant_get_double (v));
        }
    }
  g_array_unref (columns);
  return sheet;
}
