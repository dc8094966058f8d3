/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-import.c: cmap import: GeoJSON or a SpatiaLite table into a map. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

static char *opt_layer, *opt_table;
static gboolean opt_json;
static CmLayer layer;

static const GOptionEntry options[] = {
  { "layer", 0, 0, G_OPTION_ARG_STRING, &opt_layer,
    N_("Put every feature in this layer (resources, stations, teams, buildings, paths, "
       "barriers, boundary); by default building areas go to buildings, highway lines to "
       "paths and the rest to resources"), N_("LAYER") },
  { "table", 0, 0, G_OPTION_ARG_STRING, &opt_table,
    N_("The table to read from a SpatiaLite/SQLite source"), N_("TABLE") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print the import report as JSON"), NULL },
  { NULL }
};

static int
check (char **args)
{
  return cmap_check_layer (opt_layer, &layer);
}

static void
print_report (const CmImportReport *report, const char *base)
{
  g_print (_("Imported %u of %u features from %s: %u new, %u updated, %u unchanged, %u "
             "repaired, %u skipped.\n"),
           report->created + report->updated + report->unchanged, report->read, base,
           report->created, report->updated, report->unchanged, report->repaired,
           report->skipped);
  for (int i = 0; i < CM_N_LAYERS; i++)
    if (report->per_layer[i] > 0)
      g_print ("  %-10s %u\n", cm_layer_to_string (i), report->per_layer[i]);
  if (report->dropped_z > 0)
    g_print (_("  %u features had heights (Z) or measures (M); the map keeps longitude and "
               "latitude only.\n"), report->dropped_z);
  for (guint i = 0; i < report->notes->len; i++)
    {
      CmImportNote *n = g_ptr_array_index (report->notes, i);
      g_print (_("  feature %u (line %u): %s: %s\n"), n->index + 1, n->line,
               n->action == CM_IMPORT_REPAIRED ? _("repaired") : _("skipped"), n->reason);
    }
}

static int
run (CmStore *store, char **args)
{
  const char *path = args[1];
  g_autoptr (GError) error = NULL;
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autofree char *base = g_path_get_basename (path);
  CmapProgress progress = { .label = base };
  gboolean tty = isatty (STDERR_FILENO);
  /* where the map's features were, to tell a GeoJSON file far from them (the window asks
   * before it writes; here the import goes on, so the box of what it wrote tells, without
   * reading the file twice) */
  double map_bbox[4];
  gboolean had_features = cm_import_map_extent (store, map_bbox);
  gboolean ok = cm_import_file (store, path, layer, opt_table, report,
                                tty ? cmap_show_progress : NULL, &progress, NULL, &error);
  cmap_end_progress (&progress);
  double far = ok && had_features && opt_table == NULL
                   ? cm_import_distance_between (map_bbox, report->bbox)
                   : 0;
  if (far > CM_IMPORT_FAR_M)
    g_printerr (_("cmap: warning: %s lies %.0f km from the map's features; imported all "
                  "the same (check that it is the file meant for this map)\n"),
                base, far / 1000);
  if (!ok && opt_table == NULL && g_error_matches (error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_NO_TABLE))
    {
      /* the window asks with a list; here the flag says it */
      g_autofree char *advice = g_strdup_printf (_("Choose it with --table TABLE (list the "
                                                   "tables with “ogrinfo %s”)"),
                                                 path);
      cm_store_error_add_advice (error, advice);
    }
  if (!ok)
    return cmap_fail (error);

  if (opt_json)
    {
      g_autofree char *text = cm_import_report_to_json (report);
      g_print ("%s\n", text);
    }
  else
    print_report (report, base);
  return CMAP_EXIT_OK;
}

const CmapCommand cmap_command_import = {
  "import", "MAP FILE", 2, options, check, run,
  N_("import GeoJSON or a SpatiaLite table into a map"),
  N_("Import a GeoJSON file (FeatureCollection, Feature, geometry, GeoJSON sequence) or a "
     "SpatiaLite table into a map."),
};
