/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-export.c: cmap export: a map, or a layer of it, as GeoJSON with every field. */
#include "config.h"

#include "cmap-builtins.h"

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

static char *opt_layer, *opt_output;
static gboolean opt_open311;
static CmLayer layer;

static const GOptionEntry options[] = {
  { "layer", 0, 0, G_OPTION_ARG_STRING, &opt_layer,
    N_("The layer to export, or “all” (the default): every layer, each feature with its "
       "“map_layer”"), N_("LAYER") },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    N_("Write to this file instead of standard output"), N_("FILE") },
  { "open311", 0, 0, G_OPTION_ARG_NONE, &opt_open311,
    N_("With --layer reports: the residents' reports as Open311 GeoReport v2 service requests "
       "(JSON), for a city platform"),
    NULL },
  { NULL }
};

static int
check (char **args)
{
  if (opt_open311 && g_strcmp0 (opt_layer, "reports") != 0)
    return cmap_usage_error (_("--open311 goes with --layer reports"));
  if (opt_layer && g_str_equal (opt_layer, "all"))
    {
      layer = CM_LAYER_NONE;
      return -1;
    }
  return cmap_check_layer (opt_layer, &layer);
}

static int
run (CmStore *store, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOutputStream) out = NULL;
  if (opt_output)
    {
      /* g_file_replace writes a temporary file and renames it: never a half-written export */
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (opt_output);
      out = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                             &error));
    }
  else
    {
      out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
    }
  if (out == NULL)
    return cmap_fail (error);
  gint64 n = opt_open311 ? cm_reports_write_open311 (store, out, &error)
                         : cm_export_geojson (store, layer, out, NULL, &error);
  if (n < 0 || !g_output_stream_close (out, NULL, &error))
    return cmap_fail (error);
  if (opt_output)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, n);
      g_printerr (opt_open311 ? _("Exported %s service requests to %s\n")
                              : _("Exported %s features to %s\n"),
                  count, opt_output);
    }
  return CMAP_EXIT_OK;
}

const CmapCommand cmap_command_export = {
  "export", "MAP [--layer LAYER]", 1, options, check, run, N_("export a layer as GeoJSON"),
  N_("Export a map, or one layer of it, as GeoJSON (RFC 7946) with every field of every feature: "
     "importing the file gives all of it back."),
};
