/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-info.c: cmap info: a map's name, format and layers. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>
#include <string.h>

static void
print_bbox_json (GString *out, const CmLayerStats *s)
{
  if (s->count == 0)
    {
      g_string_append (out, "null");
      return;
    }
  char a[4][G_ASCII_DTOSTR_BUF_SIZE];
  for (int i = 0; i < 4; i++)
    g_ascii_formatd (a[i], sizeof a[i], "%.7f", s->bbox[i]);
  g_string_append_printf (out, "[%s, %s, %s, %s]", a[0], a[1], a[2], a[3]);
}

static void
info_json (GString *out, const char *name, int version, const CmLayerStats *stats)
{
  g_string_append (out, "{\"name\": ");
  cm_json_append_string (out, name, strlen (name));
  g_string_append_printf (out, ", \"schema_version\": %d, \"layers\": {", version);
  for (int i = 0; i < CM_N_LAYERS; i++)
    {
      g_string_append_printf (out, "%s\"%s\": {\"count\": %" G_GINT64_FORMAT ", \"bbox\": ",
                              i ? ", " : "", cm_layer_to_string (i), stats[i].count);
      print_bbox_json (out, &stats[i]);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "}}\n");
}

static void
info_text (GString *out, const char *name, int version, const CmLayerStats *stats)
{
  g_string_append_printf (out, _("Name: %s\nFile format: %d\n"), name, version);
  g_string_append_printf (out, "%-10s %9s  %s\n", _("Layer"), _("Features"),
                          _("Extent (min lon, min lat, max lon, max lat)"));
  for (int i = 0; i < CM_N_LAYERS; i++)
    {
      g_string_append_printf (out, "%-10s %9" G_GINT64_FORMAT "  ", cm_layer_to_string (i),
                              stats[i].count);
      if (stats[i].count > 0)
        g_string_append_printf (out, "%.7f, %.7f, %.7f, %.7f", stats[i].bbox[0],
                                stats[i].bbox[1], stats[i].bbox[2], stats[i].bbox[3]);
      else
        g_string_append (out, "-");
      g_string_append_c (out, '\n');
    }
}

static gboolean opt_json;

static const GOptionEntry options[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print as JSON"), NULL },
  { NULL }
};

static int
run (CmStore *store, char **args)
{
  g_autoptr (GError) error = NULL;
  CmLayerStats stats[CM_N_LAYERS];
  for (int i = 0; i < CM_N_LAYERS; i++)
    if (!cm_store_get_layer_stats (store, i, &stats[i], &error))
      return cmap_fail (error);
  g_autofree char *name = cm_store_dup_name (store);
  int version = cm_store_get_schema_version (store);

  GString *out = g_string_new (NULL);
  if (opt_json)
    info_json (out, name ? name : "", version, stats);
  else
    info_text (out, name ? name : "", version, stats);
  return cmap_print (out);
}

const CmapCommand cmap_command_info = {
  "info", "MAP", 1, options, NULL, run, N_("show a map's layers, counts and extents"),
  N_("Show a map's name, file format version, and per layer its feature count and extent."),
};
