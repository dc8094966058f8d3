/* cmap: the command line of Community Map, for scripts, tests and benchmarks.
 *
 * Results go to stdout, errors to stderr as one line saying what went wrong and what to do.
 * Exit status: 0 success, 1 bad input, 2 bad usage.
 */
#include "config.h"

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <unistd.h>

#include <cairo-pdf.h>

#include "cm-core.h"
#include "cm-render.h"
#include "cm-report.h"

enum
{
  EXIT_OK = 0,
  EXIT_BAD_INPUT = 1,
  EXIT_USAGE = 2,
};

static int
fail (GError *error)
{
  g_printerr ("cmap: %s\n", error->message);
  return EXIT_BAD_INPUT;
}

G_GNUC_PRINTF (1, 2) static int
usage_error (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("cmap: %s (see “cmap --help”)\n", msg);
  return EXIT_USAGE;
}

/* Parses the options of one command; returns -1 when parsing went well. */
static int
parse_options (const char *params, const char *summary,
               GOptionEntry *entries, int *argc, char ***argv)
{
  /* the program name is already "cmap COMMAND" (main sets it) */
  g_autoptr (GOptionContext) ctx = g_option_context_new (params);
  g_autoptr (GError) error = NULL;
  g_option_context_set_summary (ctx, summary);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, argc, argv, &error))
    return usage_error ("%s", error->message);
  return -1;
}

/* ---- progress on a terminal ---------------------------------------------------------------- */

typedef struct
{
  const char *label;
  gint64 last_shown;
  gboolean shown;
} Progress;

static void
show_progress (goffset done, goffset total, gpointer user_data)
{
  Progress *p = user_data;
  gint64 now = g_get_monotonic_time ();
  if (now - p->last_shown < 100000 || total <= 0)
    return;
  p->last_shown = now;
  p->shown = TRUE;
  int pct = (int) (100.0 * done / total);
  int width = 30, filled = pct * width / 100;
  char bar[64];
  memset (bar, '#', filled);
  memset (bar + filled, ' ', width - filled);
  bar[width] = '\0';
  fprintf (stderr, "\r%s [%s] %3d%%", p->label, bar, MIN (pct, 100));
  fflush (stderr);
}

static void
end_progress (Progress *p)
{
  if (p->shown)
    fprintf (stderr, "\r%*s\r", 60, "");
}

/* ---- commands ------------------------------------------------------------------------------ */

static int
cmd_new (int argc, char **argv)
{
  g_autofree char *name = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The map's name, e.g. the community's"),
      N_("NAME") },
    { NULL }
  };
  int rc = parse_options ("MAP", _("Create a new, empty community map file."), entries,
                          &argc, &argv);
  if (rc >= 0)
    return rc;
  if (argc != 2)
    return usage_error (_("“cmap new” takes one map file name"));

  g_autoptr (GError) error = NULL;
  g_autofree char *default_name = g_path_get_basename (argv[1]);
  g_autoptr (CmStore) store = cm_store_create (argv[1], name ? name : default_name, &error);
  if (store == NULL)
    return fail (error);
  g_print (_("Created %s\n"), argv[1]);
  return EXIT_OK;
}

/* Opens a map; a file that is no map gets cmap's advice (the window gives its own). */
static CmStore *
open_map (const char *path, GError **error)
{
  CmStore *store = cm_store_open (path, error);
  if (store == NULL && g_error_matches (*error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_SQLITE))
    cm_store_error_add_advice (*error, _("Open a .sqlite map, or import this file into one with "
                                         "“cmap import MAP FILE”"));
  else if (store == NULL && g_error_matches (*error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_A_MAP))
    cm_store_error_add_advice (*error, _("To bring its data in, create a map and run “cmap "
                                         "import MAP FILE --table TABLE”"));
  return store;
}

static int
cmd_import (int argc, char **argv)
{
  g_autofree char *layer_name = NULL, *table = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "layer", 0, 0, G_OPTION_ARG_STRING, &layer_name,
      N_("Put every feature in this layer (resources, stations, teams, buildings, paths, "
         "barriers, boundary); by default building areas go to buildings, highway lines to "
         "paths and the rest to resources"), N_("LAYER") },
    { "table", 0, 0, G_OPTION_ARG_STRING, &table,
      N_("The table to read from a SpatiaLite/SQLite source"), N_("TABLE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the import report as JSON"), NULL },
    { NULL }
  };
  int rc = parse_options ("MAP FILE",
                          _("Import a GeoJSON file (FeatureCollection, Feature, geometry, "
                            "GeoJSON sequence) or a SpatiaLite table into a map."),
                          entries, &argc, &argv);
  if (rc >= 0)
    return rc;
  if (argc != 3)
    return usage_error (_("“cmap import” takes a map and a file to import"));

  CmLayer layer = CM_LAYER_NONE;
  if (layer_name && (layer = cm_layer_from_string (layer_name)) == CM_LAYER_NONE)
    return usage_error (_("unknown layer “%s”; the layers are: %s"), layer_name,
                        cm_layer_names ());

  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = open_map (argv[1], &error);
  if (store == NULL)
    return fail (error);

  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autofree char *base = g_path_get_basename (argv[2]);
  Progress progress = { .label = base };
  gboolean tty = isatty (STDERR_FILENO);
  /* a GeoJSON file far from the map's features is probably the wrong one: say so first */
  double file_bbox[4];
  if (table == NULL && cm_import_scan_extent (argv[2], file_bbox, NULL, NULL))
    {
      double far = cm_import_distance_from_map (store, file_bbox);
      if (far > CM_IMPORT_FAR_M)
        g_printerr (_("cmap: warning: %s lies %.0f km from the map's features; importing it "
                      "anyway (check that it is the file meant for this map)\n"),
                    base, far / 1000);
    }
  gboolean ok = cm_import_file (store, argv[2], layer, table, report,
                                tty ? show_progress : NULL, &progress, NULL, &error);
  end_progress (&progress);
  if (!ok)
    return fail (error);

  if (json)
    {
      g_autofree char *text = cm_import_report_to_json (report);
      g_print ("%s\n", text);
      return EXIT_OK;
    }
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
  return EXIT_OK;
}

static int
cmd_export (int argc, char **argv)
{
  g_autofree char *layer_name = NULL, *output = NULL;
  GOptionEntry entries[] = {
    { "layer", 0, 0, G_OPTION_ARG_STRING, &layer_name,
      N_("The layer to export, or “all” (the default): every layer, each feature with its "
         "“map_layer”"), N_("LAYER") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write to this file instead of standard output"), N_("FILE") },
    { NULL }
  };
  int rc = parse_options ("MAP [--layer LAYER]",
                          _("Export a map, or one layer of it, as GeoJSON (RFC 7946): every "
                            "field of every feature — name, kind, description, who drew it in "
                            "which workshop, when, the layer's own fields, the source's tags "
                            "and the photos. Importing the file gives all of it back."),
                          entries, &argc, &argv);
  if (rc >= 0)
    return rc;
  if (argc != 2)
    return usage_error (_("“cmap export” takes one map"));
  gboolean all = layer_name == NULL || g_str_equal (layer_name, "all");
  CmLayer layer = all ? CM_LAYER_NONE : cm_layer_from_string (layer_name);
  if (!all && layer == CM_LAYER_NONE)
    return usage_error (_("unknown layer “%s”; the layers are: %s"), layer_name,
                        cm_layer_names ());

  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = open_map (argv[1], &error);
  if (store == NULL)
    return fail (error);

  g_autoptr (GOutputStream) out = NULL;
  if (output)
    {
      /* g_file_replace writes a temporary file and renames it: never a half-written export */
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (output);
      out = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                             &error));
    }
  else
    {
      out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
    }
  if (out == NULL)
    return fail (error);
  gint64 n = cm_export_geojson (store, layer, out, NULL, &error);
  if (n < 0 || !g_output_stream_close (out, NULL, &error))
    return fail (error);
  if (output)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, n);
      g_printerr (_("Exported %s features to %s\n"), count, output);
    }
  return EXIT_OK;
}

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

static int
cmd_info (int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print as JSON"), NULL },
    { NULL }
  };
  int rc = parse_options ("MAP",
                          _("Show a map's name, file format version, and per layer its feature "
                            "count and extent."), entries, &argc, &argv);
  if (rc >= 0)
    return rc;
  if (argc != 2)
    return usage_error (_("“cmap info” takes one map"));

  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = open_map (argv[1], &error);
  if (store == NULL)
    return fail (error);

  CmLayerStats stats[CM_N_LAYERS];
  for (int i = 0; i < CM_N_LAYERS; i++)
    if (!cm_store_get_layer_stats (store, i, &stats[i], &error))
      return fail (error);
  g_autofree char *name = cm_store_dup_name (store);

  GString *out = g_string_new (NULL);
  if (json)
    {
      g_string_append (out, "{\"name\": ");
      cm_json_append_string (out, name ? name : "", name ? strlen (name) : 0);
      g_string_append_printf (out, ", \"schema_version\": %d, \"layers\": {",
                              cm_store_get_schema_version (store));
      for (int i = 0; i < CM_N_LAYERS; i++)
        {
          g_string_append_printf (out, "%s\"%s\": {\"count\": %" G_GINT64_FORMAT ", \"bbox\": ",
                                  i ? ", " : "", cm_layer_to_string (i), stats[i].count);
          print_bbox_json (out, &stats[i]);
          g_string_append_c (out, '}');
        }
      g_string_append (out, "}}\n");
    }
  else
    {
      g_string_append_printf (out, _("Name: %s\nFile format: %d\n"), name ? name : "",
                              cm_store_get_schema_version (store));
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
  g_print ("%s", out->str);
  g_string_free (out, TRUE);
  return EXIT_OK;
}

static int
cmd_check (int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  int rc = parse_options ("MAP",
                          _("Check a map: SQLite's integrity check, every spatial index against "
                            "its table, invalid geometries. Exits 1 on any problem."),
                          entries, &argc, &argv);
  if (rc >= 0)
    return rc;
  if (argc != 2)
    return usage_error (_("“cmap check” takes one map"));

  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = open_map (argv[1], &error);
  if (store == NULL)
    return fail (error);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  if (!cm_store_check (store, problems, &error))
    return fail (error);
  if (problems->len == 0)
    {
      g_print (_("%s: no problems found\n"), argv[1]);
      return EXIT_OK;
    }
  for (guint i = 0; i < problems->len; i++)
    g_printerr ("%s: %s\n", argv[1], (char *) g_ptr_array_index (problems, i));
  g_printerr (_("cmap: %u problem(s) found in %s\n"), problems->len, argv[1]);
  return EXIT_BAD_INPUT;
}

static gboolean
parse_bbox (const char *text, double bbox[4])
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  if (g_strv_length (parts) != 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      char *end;
      bbox[i] = g_ascii_strtod (parts[i], &end);
      if (end == parts[i] || *end != '\0' || !isfinite (bbox[i]))
        return FALSE;
    }
  return bbox[0] < bbox[2] && bbox[1] < bbox[3] && bbox[0] >= -180 && bbox[2] <= 180 &&
         bbox[1] >= -90 && bbox[3] <= 90;
}

static int
cmd_render (int argc, char **argv)
{
  g_autofree char *output = NULL, *bbox_text = NULL, *size_text = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("The image to write: a .png or a .pdf file"), N_("FILE") },
    { "bbox", 0, 0, G_OPTION_ARG_STRING, &bbox_text,
      N_("The area to draw, in degrees (default: the whole map)"),
      N_("MINLON,MINLAT,MAXLON,MAXLAT") },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size_text,
      N_("The image size in pixels (PDF: points); default 1600x1200"), N_("WxH") },
    { NULL }
  };
  int rc = parse_options ("MAP -o FILE",
                          _("Draw a map to a PNG image or a PDF page, as the map window shows it."),
                          entries, &argc, &argv);
  if (rc >= 0)
    return rc;
  if (argc != 2)
    return usage_error (_("“cmap render” takes one map"));
  if (output == NULL)
    return usage_error (_("say where to write the image with -o FILE.png or -o FILE.pdf"));
  gboolean pdf = g_str_has_suffix (output, ".pdf");
  if (!pdf && !g_str_has_suffix (output, ".png"))
    return usage_error (_("the output must end in .png or .pdf"));
  int width = 1600, height = 1200;
  if (size_text)
    {
      char x;
      if (sscanf (size_text, "%d%c%d", &width, &x, &height) != 3 || (x != 'x' && x != 'X') ||
          width < 16 || height < 16 || width > 20000 || height > 20000)
        return usage_error (_("--size must be WIDTHxHEIGHT, each from 16 to 20000, e.g. 1600x1200"));
    }
  double bbox[4];
  if (bbox_text && !parse_bbox (bbox_text, bbox))
    return usage_error (_("--bbox must be MINLON,MINLAT,MAXLON,MAXLAT in degrees, min below max"));

  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = open_map (argv[1], &error);
  if (store == NULL)
    return fail (error);
  if (bbox_text == NULL && !cm_render_get_extent (store, bbox, &error))
    {
      if (error)
        return fail (error);
      g_printerr (_("cmap: %s is empty: there is nothing to draw; import data first\n"), argv[1]);
      return EXIT_BAD_INPUT;
    }

  CmRenderView view;
  cm_render_view_init_fit (&view, bbox, width, height, bbox_text ? 0 : 24);
  CmRenderOptions options;
  cm_render_options_init (&options);
  options.attribution = TRUE;

  /* draw into a temporary file beside the target, then rename: never a half-written image */
  g_autofree char *tmp = g_strdup_printf ("%s.partial", output);
  cairo_surface_t *surface = pdf ? cairo_pdf_surface_create (tmp, width, height)
                                 : cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  gboolean ok = cm_render_draw (store, cr, &view, &options, &error);
  cairo_destroy (cr);
  cairo_status_t status = CAIRO_STATUS_SUCCESS;
  if (ok && !pdf)
    status = cairo_surface_write_to_png (surface, tmp);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (!ok || status != CAIRO_STATUS_SUCCESS || g_rename (tmp, output) != 0)
    {
      g_unlink (tmp);
      if (ok)
        g_printerr (_("cmap: could not write %s: %s\n"), output,
                    status != CAIRO_STATUS_SUCCESS ? cairo_status_to_string (status)
                                                   : g_strerror (errno));
      return ok ? EXIT_BAD_INPUT : fail (error);
    }
  g_printerr (_("Drew %s\n"), output);
  return EXIT_OK;
}


/* ---- coverage ------------------------------------------------------------------------------ */

static void
csv_field (GString *out, const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\n\r") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
json_text_or_null (GString *out, const char *text)
{
  if (text)
    cm_json_append_string (out, text, strlen (text));
  else
    g_string_append (out, "null");
}

static void
json_count_or_null (GString *out, gint64 n)
{
  if (n < 0)
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT, n);
}

static const char *
walk_status_name (CmWalkStatus status)
{
  switch (status)
    {
    case CM_WALK_REACHED:
      return "reached";
    case CM_WALK_OFF_NETWORK:
      return "off_network";
    case CM_WALK_DISCONNECTED:
      return "disconnected";
    }
  return "";
}

static void
append_metres_or_empty (GString *out, const char *sep, double m)
{
  g_string_append (out, sep);
  if (!isnan (m))
    g_string_append_printf (out, "%.1f", m);
}

static void
append_metres_or_null (GString *out, const char *key, double m, int decimals)
{
  g_string_append_printf (out, ", \"%s\": ", key);
  if (isnan (m))
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "%.*f", decimals, m);
}

static void
coverage_csv (GString *out, CmCoverage *c)
{
  g_string_append (out, "uuid,name,lon,lat,");
  if (c->walking)
    g_string_append (out, "status,");
  g_string_append (out, "nearest_uuid,nearest_name,nearest_m,");
  if (c->walking)
    g_string_append (out, "walk_m,access_m,source_access_m,detour,");
  g_string_append (out, "covered,households,population\n");
  for (guint i = 0; i < c->buildings->len; i++)
    {
      CmCoverageBuilding *b = &g_array_index (c->buildings, CmCoverageBuilding, i);
      CmCoverageSource *s
          = b->nearest >= 0 ? &g_array_index (c->sources, CmCoverageSource, b->nearest) : NULL;
      g_string_append_printf (out, "%s,", b->uuid);
      csv_field (out, b->name);
      g_string_append_printf (out, ",%.7f,%.7f,", b->lon, b->lat);
      if (c->walking)
        g_string_append_printf (out, "%s,", walk_status_name (b->walk_status));
      g_string_append_printf (out, "%s,", s ? s->uuid : "");
      csv_field (out, s ? s->name : NULL);
      append_metres_or_empty (out, ",", b->nearest_m);
      if (c->walking)
        {
          append_metres_or_empty (out, ",", b->walk_m);
          append_metres_or_empty (out, ",", b->access_m);
          append_metres_or_empty (out, ",", b->source_access_m);
          g_string_append_c (out, ',');
          if (!isnan (b->detour))
            g_string_append_printf (out, "%.3f", b->detour);
        }
      g_string_append_printf (out, ",%d,", b->covered ? 1 : 0);
      if (b->households >= 0)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, b->households);
      g_string_append_c (out, ',');
      if (b->population >= 0)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, b->population);
      g_string_append_c (out, '\n');
    }
}

static void
coverage_json (GString *out, CmCoverage *c, const CmNetworkStats *net)
{
  g_string_append_printf (out, "{\"summary\": {\"method\": \"%s\", \"buildings\": %u,"
                               " \"covered\": %u,",
                          c->walking ? "walk" : "radius", c->buildings->len, c->covered);
  if (c->walking)
    g_string_append_printf (out, " \"walk_max_m\": %.1f, \"off_network\": %u,"
                                 " \"disconnected\": %u, \"sources_off_network\": %u,"
                                 " \"network\": {\"paths\": %u, \"paths_left_out\": %u,"
                                 " \"nodes\": %u, \"edges\": %u, \"components\": %u,"
                                 " \"barrier_cuts\": %u, \"length_m\": %.1f,"
                                 " \"shortcuts\": %u, \"gates_closed\": %u},",
                            c->walk_max_m, c->off_network, c->disconnected,
                            c->sources_off_network, net->paths, net->paths_left_out, net->nodes,
                            net->edges, net->components, net->cuts, net->length_m,
                            net->shortcuts, net->gates_placed);
  g_string_append_printf (out, " \"households_covered\": %" G_GINT64_FORMAT ","
                               " \"households_uncovered\": %" G_GINT64_FORMAT ","
                               " \"population_covered\": %" G_GINT64_FORMAT ","
                               " \"population_uncovered\": %" G_GINT64_FORMAT "},"
                               " \"sources\": [",
                          c->households_covered, c->households_uncovered,
                          c->population_covered, c->population_uncovered);
  for (guint i = 0; i < c->sources->len; i++)
    {
      CmCoverageSource *s = &g_array_index (c->sources, CmCoverageSource, i);
      g_string_append_printf (out, "%s{\"uuid\": \"%s\", \"name\": ", i ? ", " : "", s->uuid);
      json_text_or_null (out, s->name);
      append_metres_or_null (out, "radius_m", s->radius_m, 1);
      if (c->walking)
        {
          g_string_append_printf (out, ", \"on_network\": %s", s->tie.edge >= 0 ? "true" : "false");
          append_metres_or_null (out, "access_m", s->tie.edge >= 0 ? s->tie.access_m : NAN,
                                 1);
        }
      g_string_append_printf (out, ", \"buildings\": %u, \"households\": %" G_GINT64_FORMAT
                                   ", \"population\": %" G_GINT64_FORMAT "}",
                              s->buildings, s->households, s->population);
    }
  g_string_append (out, "], \"buildings\": [");
  for (guint i = 0; i < c->buildings->len; i++)
    {
      CmCoverageBuilding *b = &g_array_index (c->buildings, CmCoverageBuilding, i);
      g_string_append_printf (out, "%s\n{\"uuid\": \"%s\"", i ? "," : "", b->uuid);
      if (c->walking)
        g_string_append_printf (out, ", \"status\": \"%s\"", walk_status_name (b->walk_status));
      g_string_append (out, ", \"nearest\": ");
      if (b->nearest >= 0)
        g_string_append_printf (out, "\"%s\"",
                                g_array_index (c->sources, CmCoverageSource, b->nearest).uuid);
      else
        g_string_append (out, "null");
      append_metres_or_null (out, "nearest_m", b->nearest_m, 1);
      if (c->walking)
        {
          append_metres_or_null (out, "walk_m", b->walk_m, 1);
          append_metres_or_null (out, "access_m", b->access_m, 1);
          append_metres_or_null (out, "source_access_m", b->source_access_m, 1);
          append_metres_or_null (out, "detour", b->detour, 3);
        }
      g_string_append_printf (out, ", \"covered\": %s, \"households\": ",
                              b->covered ? "true" : "false");
      json_count_or_null (out, b->households);
      g_string_append (out, ", \"population\": ");
      json_count_or_null (out, b->population);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}\n");
}

static void
coverage_text (GString *out, CmCoverage *c, const CmNetworkStats *net)
{
  guint n = c->buildings->len;
  if (c->walking)
    g_string_append_printf (out, _("Walking network: %u paths (%u left out as not walkable), "
                                   "%.1f km in %u connected pieces, %u barrier cuts.\n"),
                            net->paths, net->paths_left_out, net->length_m / 1000,
                            net->components, net->cuts);
  if (c->walking && (net->shortcuts || net->gates))
    g_string_append_printf (out, _("Drawn by residents: %u short cuts walked like paths; %u of "
                                   "%u gates locked at night on a path, closed.\n"),
                            net->shortcuts, net->gates_placed, net->gates);
  if (c->walking)
    g_string_append_printf (out, _("%u of %u buildings are within %.0f m walk of a source "
                                   "(%.1f%%); %u are not.\n"),
                            c->covered, n, c->walk_max_m, n ? 100.0 * c->covered / n : 0.0,
                            n - c->covered);
  else
    g_string_append_printf (out, _("%u of %u buildings are within reach of a source (%.1f%%); "
                                   "%u are not.\n"),
                            c->covered, n, n ? 100.0 * c->covered / n : 0.0, n - c->covered);
  if (c->walking && (c->off_network || c->disconnected))
    g_string_append_printf (out, _("Of those, %u have no path within %.0f m and %u are on a "
                                   "piece of the network that no source is on.\n"),
                            c->off_network, CM_NETWORK_MAX_ACCESS_M, c->disconnected);
  if (c->walking && c->sources_off_network)
    g_string_append_printf (out, _("%u sources have no path within %.0f m and reach nothing "
                                   "on foot.\n"),
                            c->sources_off_network, CM_NETWORK_MAX_ACCESS_M);
  g_string_append_printf (out, _("Households covered: %lld, not covered: %lld; residents "
                                 "covered: %lld, not covered: %lld (where known).\n"),
                          (long long) c->households_covered, (long long) c->households_uncovered,
                          (long long) c->population_covered, (long long) c->population_uncovered);
  /* the name last: Chinese names are wider than their bytes */
  g_string_append_printf (out, "%9s %9s %10s %10s  %s\n", c->walking ? _("Access m") : _("Reach m"),
                          _("Buildings"), _("Households"), _("Residents"), _("Source"));
  for (guint i = 0; i < c->sources->len; i++)
    {
      CmCoverageSource *s = &g_array_index (c->sources, CmCoverageSource, i);
      double m = c->walking ? (s->tie.edge >= 0 ? s->tie.access_m : NAN) : s->radius_m;
      if (isnan (m))
        g_string_append_printf (out, "%9s", "-");
      else
        g_string_append_printf (out, "%9.0f", m);
      g_string_append_printf (out, " %9u %10" G_GINT64_FORMAT " %10" G_GINT64_FORMAT "  %s\n",
                              s->buildings, s->households, s->population,
                              s->name ? s->name : s->uuid);
    }
}

/* "walkable" (the default) or "all"; and the gates locked at night closed, or not */
static gboolean
parse_network_mode (const char *text, gboolean at_night, CmNetworkMode *mode)
{
  if (text == NULL || strcmp (text, "walkable") == 0)
    *mode = CM_NETWORK_WALKABLE;
  else if (strcmp (text, "all") == 0)
    *mode = CM_NETWORK_ALL;
  else
    return FALSE;
  if (at_night)
    *mode |= CM_NETWORK_AT_NIGHT;
  return TRUE;
}

#define AT_NIGHT_OPTION                                                                        \
  { "at-night", 0, 0, G_OPTION_ARG_NONE, &at_night,                                            \
    N_("At night: the gates residents marked as locked at night (locked_gate) close the way"), \
    NULL }

static int
cmd_coverage (int argc, char **argv)
{
  gboolean radius = FALSE, csv = FALSE, json = FALSE;
  g_autofree char *from = NULL, *network = NULL;
  gboolean at_night = FALSE;
  double max = 0, walk = NAN;
  GOptionEntry entries[] = {
    { "radius", 0, 0, G_OPTION_ARG_NONE, &radius,
      N_("Straight-line reach: each source's service_radius_m, or --max"), NULL },
    { "walk", 0, 0, G_OPTION_ARG_DOUBLE, &walk,
      N_("Walking reach: buildings within this many metres on foot along the paths"),
      N_("METRES") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      N_("The sources: a layer (stations) or a layer and category (resources:kindergarten)"),
      N_("SELECTOR") },
    { "max", 0, 0, G_OPTION_ARG_DOUBLE, &max, N_("With --radius: one reach in metres for every source"),
      N_("METRES") },
    { "network", 0, 0, G_OPTION_ARG_STRING, &network,
      N_("With --walk: “walkable” paths (the default) or “all” lines in paths"), N_("WHICH") },
    AT_NIGHT_OPTION,
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, N_("One row per building, as CSV"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("The summary, the sources and every building, as JSON"), NULL },
    { NULL }
  };
  int rc = parse_options ("MAP (--radius | --walk METRES)",
                          _("Which buildings the sources reach, from each building's "
                            "point-on-surface. --radius: the nearest source in straight metres "
                            "on the WGS 84 ellipsoid and whether its service radius covers the "
                            "building. --walk: the nearest source on foot along the walking "
                            "network, the walking metres with both access legs, the detour "
                            "ratio, and buildings that cannot reach any source. Per source: the "
                            "buildings, households and population it covers."),
                          entries, &argc, &argv);
  if (rc >= 0)
    return rc;
  if (argc != 2)
    return usage_error (_("“cmap coverage” takes one map"));
  gboolean walking = !isnan (walk);
  if (radius == walking)
    return usage_error (_("say how to measure: --radius or --walk METRES"));
  if (walking && !(walk > 0))
    return usage_error (_("--walk must be a distance in metres, more than 0"));
  if (csv && json)
    return usage_error (_("choose one of --csv and --json"));
  if (max < 0 || isnan (max))
    return usage_error (_("--max must be a distance in metres"));
  CmNetworkMode mode;
  if (!parse_network_mode (network, at_night, &mode))
    return usage_error (_("--network is “walkable” or “all”"));

  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = open_map (argv[1], &error);
  if (store == NULL)
    return fail (error);
  g_autoptr (CmCoverage) c = cm_coverage_load (store, from ? from : "stations",
                                               walking ? 0 : max, &error);
  if (c == NULL)
    return fail (error);
  /* what would mislead, said on stderr: nothing to measure from; sources with no reach */
  const char *selector = from ? from : "stations";
  if (c->sources->len == 0)
    g_printerr (_("cmap: note: the map has no %s: every building is uncovered. Import the "
                  "sources, or measure from others with --from\n"),
                g_str_equal (selector, "stations") ? _("service stations") : selector);
  guint no_radius = 0;
  for (guint i = 0; !walking && i < c->sources->len; i++)
    no_radius += isnan (g_array_index (c->sources, CmCoverageSource, i).radius_m);
  if (no_radius > 0)
    g_printerr (_("cmap: note: %u of %u sources have no service radius and reach nothing; give "
                  "every source one with --max METRES\n"),
                no_radius, c->sources->len);
  CmNetworkStats stats = { 0 };
  if (walking)
    {
      g_autoptr (CmNetwork) net = cm_network_load (store, mode, &error);
      if (net == NULL)
        return fail (error);
      cm_network_get_stats (net, &stats);
      cm_coverage_compute_walk (c, net, walk);
    }
  else
    cm_coverage_compute_radius (c);

  GString *out = g_string_new (NULL);
  if (csv)
    coverage_csv (out, c);
  else if (json)
    coverage_json (out, c, &stats);
  else
    coverage_text (out, c, &stats);
  fwrite (out->str, 1, out->len, stdout);
  g_string_free (out, TRUE);
  return EXIT_OK;
}

/* ---- walk-area --------------------------------------------------------------------------- */

static int
cmd_walk_area (int argc, char **argv)
{
  g_autofree char *from = NULL, *network = NULL, *output = NULL;
  gboolean at_night = FALSE;
  double max = NAN;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      N_("The sources: a layer (stations) or a layer and category (resources:kindergarten)"),
      N_("SELECTOR") },
    { "max", 0, 0, G_OPTION_ARG_DOUBLE, &max, N_("Metres of walking along the paths"),
      N_("METRES") },
    { "network", 0, 0, G_OPTION_ARG_STRING, &network,
      N_("“walkable” paths (the default) or “all” lines in paths"), N_("WHICH") },
    AT_NIGHT_OPTION,
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The GeoJSON file to write"),
      N_("FILE") },
    { NULL }
  };
  int rc = parse_options ("MAP --from SELECTOR --max METRES -o FILE.geojson",
                          _("The service area of each source: every part of the walking network "
                            "within --max metres of its tie point, a partly reached path cut at "
                            "exactly that distance. One MultiLineString feature per source, with "
                            "source_uuid, source_name and length_m (the reachable length; each "
                            "piece of path counted once)."),
                          entries, &argc, &argv);
  if (rc >= 0)
    return rc;
  if (argc != 2)
    return usage_error (_("“cmap walk-area” takes one map"));
  if (from == NULL)
    return usage_error (_("say which sources with --from (stations, or resources:kindergarten)"));
  if (!(max > 0))
    return usage_error (_("say how far with --max METRES (more than 0)"));
  if (output == NULL)
    return usage_error (_("say where to write the areas with -o FILE.geojson"));
  CmNetworkMode mode;
  if (!parse_network_mode (network, at_night, &mode))
    return usage_error (_("--network is “walkable” or “all”"));

  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = open_map (argv[1], &error);
  if (store == NULL)
    return fail (error);
  g_autoptr (CmCoverage) c = cm_coverage_load (store, from, 0, &error);
  if (c == NULL)
    return fail (error);
  g_autoptr (CmNetwork) net = cm_network_load (store, mode, &error);
  if (net == NULL)
    return fail (error);
  g_autoptr (CmNetworkSearch) search = cm_network_search_new (net);
  g_autoptr (GArray) pieces = g_array_new (FALSE, FALSE, sizeof (CmNetworkPiece));

  GString *out = g_string_new ("{\"type\": \"FeatureCollection\", \"features\": [");
  guint off_network = 0;
  for (guint i = 0; i < c->sources->len; i++)
    {
      CmCoverageSource *s = &g_array_index (c->sources, CmCoverageSource, i);
      CmNetworkTie tie;
      if (!cm_network_tie (net, s->lon, s->lat, CM_NETWORK_MAX_ACCESS_M, &tie))
        off_network++;
      g_array_set_size (pieces, 0);
      double length = cm_network_service_area (search, &tie, max, pieces);
      g_string_append_printf (out, "%s\n{\"type\": \"Feature\", \"properties\": "
                                   "{\"source_uuid\": \"%s\", \"source_name\": ",
                              i ? "," : "", s->uuid);
      json_text_or_null (out, s->name);
      g_string_append_printf (out, ", \"max_m\": %.1f, \"length_m\": %.1f, \"on_network\": %s},"
                                   " \"geometry\": ",
                              max, length, tie.edge >= 0 ? "true" : "false");
      if (pieces->len == 0)
        {
          g_string_append (out, "null}");
          continue;
        }
      g_autoptr (CmGeom) lines = cm_network_pieces_to_geom (net, pieces);
      cm_geom_append_geojson (out, lines);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "\n]}\n");

  /* written to a temporary file and renamed: never a half-written file */
  gboolean ok = g_file_set_contents (output, out->str, (gssize) out->len, &error);
  g_string_free (out, TRUE);
  if (!ok)
    return fail (error);
  g_printerr (_("Wrote the walking areas of %u sources within %.0f m to %s\n"), c->sources->len,
              max, output);
  if (off_network)
    g_printerr (_("%u sources have no path within %.0f m and reach nothing on foot.\n"),
                off_network, CM_NETWORK_MAX_ACCESS_M);
  return EXIT_OK;
}

/* ---- teams ------------------------------------------------------------------------------- */

static void
append_team_names (GString *out, CmTeams *t, const CmTeamOverlap *o, gboolean json)
{
  for (guint j = 0; j < o->teams->len; j++)
    {
      const CmTeam *team = &g_array_index (t->teams, CmTeam, g_array_index (o->teams, int, j));
      if (j)
        g_string_append (out, json ? ", " : " + ");
      if (json)
        json_text_or_null (out, team->name ? team->name : team->uuid);
      else
        g_string_append (out, team->name ? team->name : team->uuid);
    }
}

/* The gaps, overlaps and union as GeoJSON features, for QGIS or the map. */
static gboolean
write_teams_geojson (CmTeams *t, const char *path, GError **error)
{
  GString *out = g_string_new ("{\"type\": \"FeatureCollection\", \"features\": [");
  guint n = 0;
  if (t->covered)
    {
      g_string_append_printf (out, "%s\n{\"type\": \"Feature\", \"properties\": {\"kind\": "
                                   "\"covered\", \"area_m2\": %.0f}, \"geometry\": ",
                              n++ ? "," : "", t->covered_area_m2);
      cm_geom_append_geojson (out, t->covered);
      g_string_append_c (out, '}');
    }
  if (t->gaps)
    {
      g_string_append_printf (out, "%s\n{\"type\": \"Feature\", \"properties\": {\"kind\": "
                                   "\"gap\", \"area_m2\": %.0f}, \"geometry\": ",
                              n++ ? "," : "", t->gaps_area_m2);
      cm_geom_append_geojson (out, t->gaps);
      g_string_append_c (out, '}');
    }
  for (guint i = 0; i < t->overlaps->len; i++)
    {
      const CmTeamOverlap *o = g_ptr_array_index (t->overlaps, i);
      if (o->geom == NULL)
        continue;
      g_string_append_printf (out, "%s\n{\"type\": \"Feature\", \"properties\": {\"kind\": "
                                   "\"overlap\", \"area_m2\": %.0f, \"teams\": %u, \"names\": [",
                              n++ ? "," : "", o->area_m2, o->teams->len);
      append_team_names (out, t, o, TRUE);
      g_string_append (out, "]}, \"geometry\": ");
      cm_geom_append_geojson (out, o->geom);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "\n]}\n");
  gboolean ok = g_file_set_contents (path, out->str, (gssize) out->len, error);
  g_string_free (out, TRUE);
  return ok;
}

static int
cmd_teams (int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("The figures as JSON"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Also write the covered ground, the gaps and the overlaps as GeoJSON"), N_("FILE") },
    { NULL }
  };
  int rc = parse_options ("MAP",
                          _("Where volunteer teams work: the ground their areas cover, the gaps "
                            "(the community boundary minus that ground), the overlaps (where two "
                            "or more teams work, and which), and the buildings, households and "
                            "residents in each team's area and outside every one. Areas in "
                            "square metres; drawn areas that are slightly invalid are repaired "
                            "first."),
                          entries, &argc, &argv);
  if (rc >= 0)
    return rc;
  if (argc != 2)
    return usage_error (_("“cmap teams” takes one map"));
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = open_map (argv[1], &error);
  if (store == NULL)
    return fail (error);
  g_autoptr (CmTeams) t = cm_teams_load (store, &error);
  if (t == NULL)
    return fail (error);
  cm_teams_compute (t);
  if (output && !write_teams_geojson (t, output, &error))
    return fail (error);

  GString *out = g_string_new (NULL);
  if (json)
    {
      g_string_append_printf (out, "{\"summary\": {\"teams\": %u, \"repaired\": %u,"
                                   " \"boundary_m2\": %.0f, \"covered_m2\": %.0f,"
                                   " \"covered_in_boundary_m2\": %.0f, \"gaps_m2\": %.0f,"
                                   " \"overlap_m2\": %.0f, \"buildings\": %u,"
                                   " \"buildings_outside\": %u,"
                                   " \"households_outside\": %" G_GINT64_FORMAT ","
                                   " \"population_outside\": %" G_GINT64_FORMAT "},"
                                   " \"teams\": [",
                              t->teams->len, t->repaired, t->boundary_area_m2,
                              t->covered_area_m2, t->covered_in_boundary_m2, t->gaps_area_m2,
                              t->overlap_area_m2, t->buildings->buildings->len,
                              t->buildings_outside, t->households_outside,
                              t->population_outside);
      for (guint i = 0; i < t->teams->len; i++)
        {
          const CmTeam *team = &g_array_index (t->teams, CmTeam, i);
          g_string_append_printf (out, "%s\n{\"uuid\": \"%s\", \"name\": ", i ? "," : "",
                                  team->uuid);
          json_text_or_null (out, team->name);
          g_string_append (out, ", \"kind\": ");
          json_text_or_null (out, team->kind);
          g_string_append_printf (out, ", \"area_m2\": %.0f, \"repaired\": %s, \"buildings\": %u,"
                                       " \"households\": %" G_GINT64_FORMAT ","
                                       " \"population\": %" G_GINT64_FORMAT "}",
                                  team->area_m2, team->repaired ? "true" : "false",
                                  team->buildings, team->households, team->population);
        }
      g_string_append (out, "], \"overlaps\": [");
      for (guint i = 0; i < t->overlaps->len; i++)
        {
          const CmTeamOverlap *o = g_ptr_array_index (t->overlaps, i);
          g_string_append_printf (out, "%s\n{\"area_m2\": %.0f, \"teams\": [", i ? "," : "",
                                  o->area_m2);
          for (guint j = 0; j < o->teams->len; j++)
            g_string_append_printf (
                out, "%s\"%s\"", j ? ", " : "",
                g_array_index (t->teams, CmTeam, g_array_index (o->teams, int, j)).uuid);
          g_string_append (out, "], \"names\": [");
          append_team_names (out, t, o, TRUE);
          g_string_append (out, "]}");
        }
      g_string_append (out, "]}\n");
    }
  else
    {
      g_string_append_printf (out, _("%u teams; %u areas were repaired before counting.\n"),
                              t->teams->len, t->repaired);
      if (t->boundary_area_m2 > 0)
        g_string_append_printf (out, _("Community: %.0f m²; covered by a team: %.0f m² (%.1f%%); "
                                       "gaps: %.0f m².\n"),
                                t->boundary_area_m2, t->covered_in_boundary_m2,
                                100 * t->covered_in_boundary_m2 / t->boundary_area_m2,
                                t->gaps_area_m2);
      else
        g_string_append (out, _("No community boundary is drawn, so gaps cannot be shown: draw "
                                "the outline in the boundary layer.\n"));
      g_string_append_printf (out, _("Covered by two or more teams: %.0f m².\n"),
                              t->overlap_area_m2);
      g_string_append_printf (out, _("%u of %u buildings are outside every team (households: "
                                     "%lld, residents: %lld where known).\n"),
                              t->buildings_outside, t->buildings->buildings->len,
                              (long long) t->households_outside,
                              (long long) t->population_outside);
      g_string_append_printf (out, "%10s %9s %10s %10s  %s\n", _("Area m²"), _("Buildings"),
                              _("Households"), _("Residents"), _("Team"));
      for (guint i = 0; i < t->teams->len; i++)
        {
          const CmTeam *team = &g_array_index (t->teams, CmTeam, i);
          g_string_append_printf (out, "%10.0f %9u %10" G_GINT64_FORMAT " %10" G_GINT64_FORMAT
                                       "  %s%s\n",
                                  team->area_m2, team->buildings, team->households,
                                  team->population, team->name ? team->name : team->uuid,
                                  team->repaired ? _(" (repaired)") : "");
        }
      if (t->overlaps->len)
        g_string_append_printf (out, "%10s  %s\n", _("Overlap m²"), _("Teams"));
      for (guint i = 0; i < t->overlaps->len; i++)
        {
          const CmTeamOverlap *o = g_ptr_array_index (t->overlaps, i);
          g_string_append_printf (out, "%10.0f  ", o->area_m2);
          append_team_names (out, t, o, FALSE);
          g_string_append_c (out, '\n');
        }
    }
  fwrite (out->str, 1, out->len, stdout);
  g_string_free (out, TRUE);
  return EXIT_OK;
}

/* ---- lifecircle ------------------------------------------------------------------------- */

static double
share (gint64 part, gint64 whole)
{
  return whole > 0 ? 100.0 * (double) part / (double) whole : 0.0;
}

static void
append_walk (GString *out, float m)
{
  if (isnan (m))
    g_string_append (out, "null");
  else if (isinf (m))
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "%.1f", m);
}

static void
lifecircle_json (GString *out, CmLifeReport *r)
{
  GArray *bs = r->buildings->buildings;
  guint nb = bs->len;
  g_string_append_printf (out, "{\"buildings\": %u, \"buildings_with_population\": %u,"
                               " \"population_known\": %" G_GINT64_FORMAT ", \"circles\": [",
                          nb, r->buildings_with_population, r->population_known);
  for (guint c = 0; c < r->circles->len; c++)
    {
      const CmLifeCircle *ci = &g_array_index (r->circles, CmLifeCircle, c);
      g_string_append_printf (out, "%s\n{\"key\": \"%s\", \"name\": ", c ? "," : "", ci->key);
      json_text_or_null (out, ci->name_zh);
      g_string_append (out, ", \"en\": ");
      json_text_or_null (out, ci->name_en);
      g_string_append_printf (out, ", \"walk_m\": %.0f, \"facilities\": %u, \"buildings_met\": %u,"
                                   " \"buildings_share\": %.4f, \"population_met\": %" G_GINT64_FORMAT
                                   ", \"population_share\": ",
                              ci->walk_m, ci->facilities, ci->buildings_met,
                              nb ? (double) ci->buildings_met / nb : 0.0, ci->population_met);
      if (r->population_known > 0)
        g_string_append_printf (out, "%.4f", (double) ci->population_met / r->population_known);
      else
        g_string_append (out, "null");
      g_string_append (out, ", \"clause\": ");
      json_text_or_null (out, ci->clause);
      g_string_append (out, ", \"certainty\": ");
      json_text_or_null (out, ci->certainty);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "], \"facilities\": [");
  for (guint f = 0; f < r->facilities->len; f++)
    {
      const CmLifeFacility *fa = &g_array_index (r->facilities, CmLifeFacility, f);
      g_string_append_printf (out, "%s\n{\"key\": \"%s\", \"circle\": \"%s\", \"name\": ",
                              f ? "," : "", fa->key,
                              g_array_index (r->circles, CmLifeCircle, fa->circle).key);
      json_text_or_null (out, fa->name_zh);
      g_string_append (out, ", \"en\": ");
      json_text_or_null (out, fa->name_en);
      g_string_append (out, ", \"from\": [");
      for (guint k = 0; fa->from[k]; k++)
        {
          g_string_append (out, k ? ", " : "");
          json_text_or_null (out, fa->from[k]);
        }
      g_string_append_printf (out, "], \"max_m\": %.0f, \"found\": %u, \"off_network\": %u,"
                                   " \"buildings_pass\": %u, \"buildings_share\": %.4f,"
                                   " \"population_pass\": %" G_GINT64_FORMAT ", \"population_share\": ",
                              fa->max_m, fa->sources, fa->sources_off_network, fa->buildings_pass,
                              nb ? (double) fa->buildings_pass / nb : 0.0, fa->population_pass);
      if (r->population_known > 0)
        g_string_append_printf (out, "%.4f", (double) fa->population_pass / r->population_known);
      else
        g_string_append (out, "null");
      g_string_append (out, ", \"clause\": ");
      json_text_or_null (out, fa->clause);
      g_string_append (out, ", \"certainty\": ");
      json_text_or_null (out, fa->certainty);
      g_string_append_c (out, '}');
    }
  /* the failing buildings, with what each one lacks */
  g_string_append (out, "], \"failing\": [");
  guint n = 0;
  for (guint b = 0; b < nb; b++)
    {
      gboolean fails = FALSE;
      for (guint f = 0; f < r->facilities->len && !fails; f++)
        fails = !cm_life_report_passes (r, f, b);
      if (!fails)
        continue;
      const CmCoverageBuilding *bd = &g_array_index (bs, CmCoverageBuilding, b);
      g_string_append_printf (out, "%s\n{\"uuid\": \"%s\", \"name\": ", n++ ? "," : "", bd->uuid);
      json_text_or_null (out, bd->name);
      g_string_append (out, ", \"population\": ");
      json_count_or_null (out, bd->population);
      g_string_append (out, ", \"circles_unmet\": [");
      guint k = 0;
      for (guint c = 0; c < r->circles->len; c++)
        if (!cm_life_report_meets (r, c, b))
          g_string_append_printf (out, "%s\"%s\"", k++ ? ", " : "",
                                  g_array_index (r->circles, CmLifeCircle, c).key);
      g_string_append (out, "], \"lacks\": [");
      k = 0;
      for (guint f = 0; f < r->facilities->len; f++)
        if (!cm_life_report_passes (r, f, b))
          {
            const CmLifeFacility *fa = &g_array_index (r->facilities, CmLifeFacility, f);
            g_string_append_printf (out, "%s{\"facility\": \"%s\", \"walk_m\": ", k++ ? ", " : "",
                                    fa->key);
            append_walk (out, fa->walk_m[b]);
            g_string_append_c (out, '}');
          }
      g_string_append (out, "]}");
    }
  g_string_append (out, "]}\n");
}

static void
lifecircle_csv (GString *out, CmLifeReport *r)
{
  g_string_append (out, "uuid,name,lon,lat,households,population");
  for (guint c = 0; c < r->circles->len; c++)
    g_string_append_printf (out, ",%s_met", g_array_index (r->circles, CmLifeCircle, c).key);
  for (guint f = 0; f < r->facilities->len; f++)
    {
      const CmLifeFacility *fa = &g_array_index (r->facilities, CmLifeFacility, f);
      const char *circle = g_array_index (r->circles, CmLifeCircle, fa->circle).key;
      g_string_append_printf (out, ",%s.%s_m,%s.%s_pass", circle, fa->key, circle, fa->key);
    }
  g_string_append_c (out, '\n');
  GArray *bs = r->buildings->buildings;
  for (guint b = 0; b < bs->len; b++)
    {
      const CmCoverageBuilding *bd = &g_array_index (bs, CmCoverageBuilding, b);
      g_string_append_printf (out, "%s,", bd->uuid);
      csv_field (out, bd->name);
      g_string_append_printf (out, ",%.7f,%.7f,", bd->lon, bd->lat);
      if (bd->households >= 0)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, bd->households);
      g_string_append_c (out, ',');
      if (bd->population >= 0)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, bd->population);
      for (guint c = 0; c < r->circles->len; c++)
        g_string_append_printf (out, ",%d", cm_life_report_meets (r, c, b) ? 1 : 0);
      for (guint f = 0; f < r->facilities->len; f++)
        {
          float m = g_array_index (r->facilities, CmLifeFacility, f).walk_m[b];
          g_string_append_c (out, ',');
          if (isfinite (m))
            g_string_append_printf (out, "%.1f", m);
          g_string_append_printf (out, ",%d", cm_life_report_passes (r, f, b) ? 1 : 0);
        }
      g_string_append_c (out, '\n');
    }
}

static void
lifecircle_text (GString *out, CmLifeReport *r)
{
  guint nb = r->buildings->buildings->len;
  g_string_append_printf (out, _("%u buildings; population known for %u of them (%lld "
                                 "residents). Walking network: %.1f km.\n"),
                          nb, r->buildings_with_population, (long long) r->population_known,
                          r->network.length_m / 1000);
  for (guint c = 0; c < r->circles->len; c++)
    {
      const CmLifeCircle *ci = &g_array_index (r->circles, CmLifeCircle, c);
      g_string_append_printf (out, "\n%s (%.0f m): ", cm_i18n_pick (ci->name_zh, ci->name_en),
                              ci->walk_m);
      g_string_append_printf (out, _("%u of %u buildings have every facility (%.1f%%)"),
                              ci->buildings_met, nb, share (ci->buildings_met, nb));
      if (r->population_known > 0)
        g_string_append_printf (out, _(", %.1f%% of known residents"),
                                share (ci->population_met, r->population_known));
      g_string_append_c (out, '\n');
      g_string_append_printf (out, "  %6s %6s %7s %7s  %s\n", _("Found"), _("Max m"),
                              _("Bldg %"), _("Res %"), _("Facility"));
      for (guint f = 0; f < r->facilities->len; f++)
        {
          const CmLifeFacility *fa = &g_array_index (r->facilities, CmLifeFacility, f);
          if (fa->circle != c)
            continue;
          g_string_append_printf (out, "  %6u %6.0f %7.1f ", fa->sources, fa->max_m,
                                  share (fa->buildings_pass, nb));
          if (r->population_known > 0)
            g_string_append_printf (out, "%7.1f", share (fa->population_pass, r->population_known));
          else
            g_string_append_printf (out, "%7s", "-");
          g_string_append_printf (out, "  %s\n", cm_i18n_pick (fa->name_zh, fa->name_en));
        }
    }
}

static int
cmd_lifecircle (int argc, char **argv)
{
  gboolean csv = FALSE, json = FALSE;
  g_autofree char *table = NULL, *network = NULL, *pdf = NULL;
  gboolean at_night = FALSE, details = FALSE;
  GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv,
      N_("One row per building: each facility's walking metres and pass/fail, each circle met or not"),
      NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Shares per circle and facility, and the failing buildings, as JSON"), NULL },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf,
      N_("Also write a printable report in Chinese: summary, a map per circle, failing buildings "
         "grouped by what they lack"),
      N_("FILE.pdf") },
    { "details", 0, 0, G_OPTION_ARG_NONE, &details,
      N_("With --pdf: also list every failing building, with what it lacks and how far"), NULL },
    { "table", 0, 0, G_OPTION_ARG_FILENAME, &table,
      N_("A corrected copy of the circles and facilities table (default: the built-in "
         "data/lifecircle.json)"),
      N_("FILE.json") },
    { "network", 0, 0, G_OPTION_ARG_STRING, &network,
      N_("“walkable” paths (the default) or “all” lines in paths"), N_("WHICH") },
    AT_NIGHT_OPTION,
    { NULL }
  };
  int rc = parse_options ("MAP",
                          _("The 5/10/15-minute life circles of GB 50180-2018: for every "
                            "building and every facility the standard puts in a circle, the "
                            "walking distance to the nearest one and whether it is within the "
                            "table's distance; the share of buildings and residents served per "
                            "facility and per circle (a building meets a circle when it has "
                            "every facility of it); the buildings that fail."),
                          entries, &argc, &argv);
  if (rc >= 0)
    return rc;
  if (argc != 2)
    return usage_error (_("“cmap lifecircle” takes one map"));
  if (csv && json)
    return usage_error (_("choose one of --csv and --json"));
  CmNetworkMode mode;
  if (!parse_network_mode (network, at_night, &mode))
    return usage_error (_("--network is “walkable” or “all”"));

  g_autoptr (GError) error = NULL;
  g_autoptr (CmLifeReport) r = cm_life_report_new (table, &error);
  if (r == NULL)
    return fail (error);
  g_autoptr (CmStore) store = open_map (argv[1], &error);
  if (store == NULL)
    return fail (error);
  if (!cm_life_report_run (r, store, mode, NULL, NULL, NULL, &error))
    return fail (error);
  if (pdf && !cm_report_write_life_circle_pdf (r, store, pdf, details, &error))
    return fail (error);

  GString *out = g_string_new (NULL);
  if (csv)
    lifecircle_csv (out, r);
  else if (json)
    lifecircle_json (out, r);
  else
    lifecircle_text (out, r);
  fwrite (out->str, 1, out->len, stdout);
  g_string_free (out, TRUE);
  if (pdf)
    g_printerr (_("Wrote the report to %s\n"), pdf);
  return EXIT_OK;
}

/* ---- main ---------------------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "new", cmd_new, N_("create a new, empty map") },
  { "import", cmd_import, N_("import GeoJSON or a SpatiaLite table into a map") },
  { "export", cmd_export, N_("export a layer as GeoJSON") },
  { "info", cmd_info, N_("show a map's layers, counts and extents") },
  { "check", cmd_check, N_("check a map's integrity and spatial indexes") },
  { "render", cmd_render, N_("draw a map to a PNG or PDF") },
  { "coverage", cmd_coverage, N_("which buildings the service points reach") },
  { "lifecircle", cmd_lifecircle, N_("the GB 50180 5/10/15-minute life-circle check") },
  { "teams", cmd_teams, N_("where volunteer teams work, their gaps and overlaps") },
  { "walk-area", cmd_walk_area, N_("the paths reachable on foot from each service point") },
};

static void
print_help (FILE *to)
{
  fprintf (to, "%s\n\n", _("Usage: cmap COMMAND [OPTIONS…] MAP …"));
  fprintf (to, "%s\n\n", _("Community Map (社区资源图) on the command line."));
  fprintf (to, "%s\n", _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (to, "  %-11s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (to, "\n%s\n", _("“cmap COMMAND --help” shows a command's options. --version shows "
                           "the version."));
  fprintf (to, "%s\n", _("Exit status: 0 success, 1 bad input, 2 bad usage."));
}

int
main (int argc, char **argv)
{
  cm_i18n_init ();

  if (argc < 2)
    {
      print_help (stderr);
      return EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    {
      print_help (stdout);
      return EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      g_print ("cmap %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        g_autofree char *prgname = g_strdup_printf ("cmap %s", commands[i].name);
        g_set_prgname (prgname);
        return commands[i].run (argc - 1, argv + 1);
      }
  return usage_error (_("unknown command “%s”"), argv[1]);
}
