/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-join.c: cmap join: a spreadsheet's table (CSV, UTF-8 or GB18030) into a layer's
 * fields, matched by a key; all or nothing. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>

static char *opt_layer, *opt_key;
static gboolean opt_dry_run, opt_json;
static CmLayer layer;

static const GOptionEntry options[] = {
  { "layer", 0, 0, G_OPTION_ARG_STRING, &opt_layer,
    N_("The layer whose features the rows are (buildings by default)"), N_("LAYER") },
  { "key", 0, 0, G_OPTION_ARG_STRING, &opt_key,
    N_("The file's column that names each row's feature, and the field it matches: name "
       "(the default), source_id or uuid"),
    N_("COLUMN[=FIELD]") },
  { "dry-run", 0, 0, G_OPTION_ARG_NONE, &opt_dry_run,
    N_("Only say what the join would do; change nothing"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("The preview as JSON"), NULL },
  { NULL }
};

static int
check (char **args)
{
  if (opt_key == NULL || *opt_key == '\0')
    return cmap_usage_error (_("say which column names each row's feature: --key COLUMN "
                               "(or --key COLUMN=source_id)"));
  if (opt_layer == NULL)
    {
      layer = CM_LAYER_BUILDINGS;
      return -1;
    }
  return cmap_check_layer (opt_layer, &layer);
}

static void
json_strings (GString *out, const char *key, GPtrArray *strings)
{
  g_string_append_printf (out, ", \"%s\": [", key);
  for (guint i = 0; i < strings->len; i++)
    {
      if (i)
        g_string_append (out, ", ");
      cmap_json_text_or_null (out, strings->pdata[i]);
    }
  g_string_append_c (out, ']');
}

static void
preview_json (GString *out, const CmJoinPreview *p, gboolean applied)
{
  g_string_append_printf (out, "{\"encoding\": \"%s\", \"layer\": \"%s\", \"key_field\": \"%s\","
                               " \"rows\": %u, \"matched\": %u, \"changed\": %u,"
                               " \"applied\": %s",
                          p->encoding, cm_layer_to_string (p->layer), p->key_field, p->rows,
                          p->matched, p->after->len, applied ? "true" : "false");
  json_strings (out, "used", p->used);
  json_strings (out, "left_out", p->left_out);
  json_strings (out, "unmatched", p->unmatched);
  g_string_append (out, ", \"problems\": [");
  for (guint i = 0; i < p->problems->len; i++)
    {
      const CmJoinProblem *pr = p->problems->pdata[i];
      g_string_append_printf (out, "%s{\"row\": %u, \"column\": ", i ? ", " : "", pr->row);
      cmap_json_text_or_null (out, pr->column);
      g_string_append (out, ", \"value\": ");
      cmap_json_text_or_null (out, pr->value);
      g_string_append (out, ", \"reason\": ");
      cmap_json_text_or_null (out, pr->reason);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}\n");
}

static void
preview_text (GString *out, const CmJoinPreview *p, const char *file, gboolean applied)
{
  g_string_append_printf (out, _("%s (%s): %u rows; %u match a feature of %s by %s = %s.\n"),
                          file, p->encoding, p->rows, p->matched, cm_layer_to_string (p->layer),
                          (const char *) p->headers->pdata[p->key_column], p->key_field);
  for (guint i = 0; i < p->used->len; i++)
    g_string_append_printf (out, _("  column %s\n"), (const char *) p->used->pdata[i]);
  for (guint i = 0; i < p->left_out->len; i++)
    g_string_append_printf (out, _("  column %s names no field: left out\n"),
                            (const char *) p->left_out->pdata[i]);
  for (guint i = 0; i < p->unmatched->len; i++)
    g_string_append_printf (out, _("  %s matches no feature: left out\n"),
                            (const char *) p->unmatched->pdata[i]);
  if (applied)
    g_string_append_printf (out, _("%u features changed.\n"), p->after->len);
  else
    g_string_append_printf (out, _("%u features would change (nothing was written).\n"),
                            p->after->len);
}

static int
run (CmStore *store, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *file = g_filename_display_basename (args[1]);
  g_autoptr (CmJoinPreview) p = cm_join_preview (store, args[1], layer, opt_key, &error);
  if (p == NULL)
    return cmap_fail (error);
  if (p->problems->len > 0)
    {
      /* every cell that cannot be used, by row and column; then the one-line error */
      for (guint i = 0; i < p->problems->len; i++)
        {
          const CmJoinProblem *pr = p->problems->pdata[i];
          g_printerr (_("%s: row %u, column %s: %s\n"), file, pr->row, pr->column, pr->reason);
        }
      if (opt_json)
        {
          GString *out = g_string_new (NULL);
          preview_json (out, p, FALSE);
          cmap_print (out);
        }
      g_set_error (&error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                   ngettext ("%s has %u value that cannot be used (listed above); nothing was "
                             "joined. Correct it and join again",
                             "%s has %u values that cannot be used (listed above); nothing was "
                             "joined. Correct them and join again",
                             p->problems->len),
                   file, p->problems->len);
      return cmap_fail (error);
    }
  gboolean applied = FALSE;
  if (!opt_dry_run)
    {
      if (!cm_join_apply (store, p, &error))
        return cmap_fail (error);
      applied = TRUE;
    }
  GString *out = g_string_new (NULL);
  if (opt_json)
    preview_json (out, p, applied);
  else
    preview_text (out, p, file, applied);
  return cmap_print (out);
}

const CmapCommand cmap_command_join = {
  "join", "MAP FILE.xlsx|FILE.csv --key COLUMN[=FIELD]", 2, options, check, run,
  N_("set features' fields from a spreadsheet's table"),
  N_("Set a layer's fields (households, population, building heads …) from an Excel workbook "
     "(.xlsx) or a table saved as CSV, matching rows to features by --key; all rows or none."),
};
