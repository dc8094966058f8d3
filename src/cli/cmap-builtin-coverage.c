/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-coverage.c: cmap coverage: which buildings the sources reach, by radius or on
 * foot. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

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
append_metres_or_null (GString *out, const char *key, double m, int decimals)
{
  g_string_append_printf (out, ", \"%s\": ", key);
  if (isnan (m))
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "%.*f", decimals, m);
}

/* One row per building: the CSV's and the workbook's "Buildings" sheet (cm-sheet.c). */
static CmSheet *
buildings_sheet (CmCoverage *c)
{
  enum { UUID, NAME, LON, LAT, STATUS, NEAREST_UUID, NEAREST_NAME, NEAREST_M, WALK_M, ACCESS_M,
         SOURCE_ACCESS_M, DETOUR, COVERED, HOUSEHOLDS, POPULATION, N };
  const CmColumn all[N] = {
    { "uuid", _("ID"), CM_CELL_TEXT },
    { "name", _("Name"), CM_CELL_TEXT },
    { "lon", _("Longitude"), CM_CELL_DEGREES },
    { "lat", _("Latitude"), CM_CELL_DEGREES },
    { "status", _("On foot"), CM_CELL_TEXT },
    { "nearest_uuid", _("Nearest source ID"), CM_CELL_TEXT },
    { "nearest_name", _("Nearest source"), CM_CELL_TEXT },
    { "nearest_m", _("To the nearest, m"), CM_CELL_METRES },
    { "walk_m", _("Walk, m"), CM_CELL_METRES },
    { "access_m", _("To the path, m"), CM_CELL_METRES },
    { "source_access_m", _("Source to its path, m"), CM_CELL_METRES },
    { "detour", _("Detour"), CM_CELL_RATIO },
    { "covered", _("Covered"), CM_CELL_BOOL },
    { "households", _("Households"), CM_CELL_COUNT },
    { "population", _("Residents"), CM_CELL_COUNT },
  };
  /* the walking columns only for a walk */
  CmColumn columns[N];
  int at[N];
  guint n = 0;
  for (int k = 0; k < N; k++)
    {
      gboolean walk_only = k == STATUS || (k >= WALK_M && k <= DETOUR);
      at[k] = walk_only && !c->walking ? -1 : (int) n;
      if (at[k] >= 0)
        columns[n++] = all[k];
    }
  CmSheet *sheet = cm_sheet_new (_("Buildings"), columns, n);
  for (guint i = 0; i < c->buildings->len; i++)
    {
      CmCoverageBuilding *b = &g_array_index (c->buildings, CmCoverageBuilding, i);
      CmCoverageSource *s
          = b->nearest >= 0 ? &g_array_index (c->sources, CmCoverageSource, b->nearest) : NULL;
      cm_sheet_add_row (sheet);
      cm_sheet_set_text (sheet, at[UUID], b->uuid);
      cm_sheet_set_text (sheet, at[NAME], b->name);
      cm_sheet_set_number (sheet, at[LON], b->lon);
      cm_sheet_set_number (sheet, at[LAT], b->lat);
      cm_sheet_set_text (sheet, at[NEAREST_UUID], s ? s->uuid : "");
      cm_sheet_set_text (sheet, at[NEAREST_NAME], s ? s->name : NULL);
      cm_sheet_set_number (sheet, at[NEAREST_M], b->nearest_m);
      if (c->walking)
        {
          cm_sheet_set_text (sheet, at[STATUS], walk_status_name (b->walk_status));
          cm_sheet_set_number (sheet, at[WALK_M], b->walk_m);
          cm_sheet_set_number (sheet, at[ACCESS_M], b->access_m);
          cm_sheet_set_number (sheet, at[SOURCE_ACCESS_M], b->source_access_m);
          cm_sheet_set_number (sheet, at[DETOUR], b->detour);
        }
      cm_sheet_set_number (sheet, at[COVERED], b->covered);
      cm_sheet_set_number (sheet, at[HOUSEHOLDS], b->households >= 0 ? (double) b->households : NAN);
      cm_sheet_set_number (sheet, at[POPULATION], b->population >= 0 ? (double) b->population : NAN);
    }
  return sheet;
}

static void
coverage_csv (GString *out, CmCoverage *c)
{
  g_autoptr (CmSheet) sheet = buildings_sheet (c);
  cm_sheet_append_csv (sheet, out);
}

/* The workbook: the summary, the buildings, the sources and the compounds, each a sheet. */
static gboolean
coverage_xlsx (const char *path, CmCoverage *c, GError **error)
{
  g_autoptr (GPtrArray) sheets = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_sheet_free);
  const CmColumn summary_columns[] = {
    { "method", _("Measured"), CM_CELL_TEXT },
    { "within_m", _("Within, m"), CM_CELL_METRES },
    { "buildings", _("Buildings"), CM_CELL_COUNT },
    { "covered", _("Covered"), CM_CELL_COUNT },
    { "share_covered", _("Share covered"), CM_CELL_PERCENT },
    { "households_covered", _("Households covered"), CM_CELL_COUNT },
    { "households_uncovered", _("Households not covered"), CM_CELL_COUNT },
    { "population_covered", _("Residents covered"), CM_CELL_COUNT },
    { "population_uncovered", _("Residents not covered"), CM_CELL_COUNT },
  };
  CmSheet *summary = cm_sheet_new (_("Summary"), summary_columns, G_N_ELEMENTS (summary_columns));
  guint n = c->buildings->len;
  cm_sheet_add_row (summary);
  cm_sheet_set_text (summary, 0, c->walking ? _("on foot along the paths") : _("in a straight line"));
  cm_sheet_set_number (summary, 1, c->walking ? c->walk_max_m : NAN);
  cm_sheet_set_number (summary, 2, n);
  cm_sheet_set_number (summary, 3, c->covered);
  cm_sheet_set_number (summary, 4, n ? (double) c->covered / n : NAN);
  cm_sheet_set_number (summary, 5, (double) c->households_covered);
  cm_sheet_set_number (summary, 6, (double) c->households_uncovered);
  cm_sheet_set_number (summary, 7, (double) c->population_covered);
  cm_sheet_set_number (summary, 8, (double) c->population_uncovered);
  g_ptr_array_add (sheets, summary);
  g_ptr_array_add (sheets, buildings_sheet (c));

  const CmColumn source_columns[] = {
    { "uuid", _("ID"), CM_CELL_TEXT },
    { "name", _("Name"), CM_CELL_TEXT },
    { c->walking ? "access_m" : "radius_m",
      c->walking ? _("To the path, m") : _("Service radius, m"), CM_CELL_METRES },
    { "buildings", _("Buildings"), CM_CELL_COUNT },
    { "households", _("Households"), CM_CELL_COUNT },
    { "population", _("Residents"), CM_CELL_COUNT },
  };
  CmSheet *sources = cm_sheet_new (_("Sources"), source_columns, G_N_ELEMENTS (source_columns));
  for (guint i = 0; i < c->sources->len; i++)
    {
      CmCoverageSource *s = &g_array_index (c->sources, CmCoverageSource, i);
      cm_sheet_add_row (sources);
      cm_sheet_set_text (sources, 0, s->uuid);
      cm_sheet_set_text (sources, 1, s->name);
      cm_sheet_set_number (sources, 2, c->walking ? (s->tie.edge >= 0 ? s->tie.access_m : NAN)
                                                  : s->radius_m);
      cm_sheet_set_number (sources, 3, s->buildings);
      cm_sheet_set_number (sources, 4, (double) s->households);
      cm_sheet_set_number (sources, 5, (double) s->population);
    }
  g_ptr_array_add (sheets, sources);

  g_autoptr (GArray) sums = cm_compounds_sum (c);
  if (sums->len > 0)
    g_ptr_array_add (sheets, cmap_compounds_sheet (sums));
  return cm_sheets_write_xlsx (sheets, path, error);
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
      cmap_json_text_or_null (out, s->name);
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
      cmap_json_count_or_null (out, b->households);
      g_string_append (out, ", \"population\": ");
      cmap_json_count_or_null (out, b->population);
      g_string_append (out, ", \"compound\": ");
      cmap_json_text_or_null (out, b->compound >= 0
                                       ? ((CmCompound *) c->compounds->pdata[b->compound])->uuid
                                       : NULL);
      g_string_append_c (out, '}');
    }
  g_autoptr (GArray) sums = cm_compounds_sum (c);
  g_string_append (out, "], \"compounds\": ");
  cmap_compounds_json (out, sums);
  g_string_append (out, "}\n");
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
  g_autoptr (GArray) sums = cm_compounds_sum (c);
  cmap_compounds_text (out, sums, _("Covered"));
}

static gboolean opt_bom, opt_radius, opt_csv, opt_json, opt_at_night;
static char *opt_from, *opt_network, *opt_output;
static double opt_max = 0, opt_walk = NAN;
static CmNetworkMode mode;

static const GOptionEntry options[] = {
  { "radius", 0, 0, G_OPTION_ARG_NONE, &opt_radius,
    N_("Straight-line reach: each source's service_radius_m, or --max"), NULL },
  { "walk", 0, 0, G_OPTION_ARG_DOUBLE, &opt_walk,
    N_("Walking reach: buildings within this many metres on foot along the paths"),
    N_("METRES") },
  { "from", 0, 0, G_OPTION_ARG_STRING, &opt_from,
    N_("The sources: a layer (stations) or a layer and category (resources:kindergarten)"),
    N_("SELECTOR") },
  { "max", 0, 0, G_OPTION_ARG_DOUBLE, &opt_max,
    N_("With --radius: one reach in metres for every source"), N_("METRES") },
  CMAP_NETWORK_OPTIONS (opt_network, opt_at_night),
  { "csv", 0, 0, G_OPTION_ARG_NONE, &opt_csv, N_("One row per building, as CSV"), NULL },
  { "bom", 0, 0, G_OPTION_ARG_NONE, &opt_bom,
    N_("With --csv: begin with a byte order mark, so that Excel and WPS open the Chinese right"),
    NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
    N_("The summary, the sources and every building, as JSON"), NULL },
  CMAP_WORKBOOK_OPTION (opt_output),
  { NULL }
};

static int
check (char **args)
{
  gboolean walking = !isnan (opt_walk);
  if (opt_radius == walking)
    return cmap_usage_error (_("say how to measure: --radius or --walk METRES"));
  if (walking && !(opt_walk > 0))
    return cmap_usage_error (_("--walk must be a distance in metres, more than 0"));
  if (opt_csv && opt_json)
    return cmap_usage_error (_("choose one of --csv and --json"));
  if (opt_bom && !opt_csv)
    return cmap_usage_error (_("--bom goes with --csv"));
  int rc = cmap_check_workbook (opt_output, opt_csv || opt_json);
  if (rc >= 0)
    return rc;
  if (opt_max < 0 || isnan (opt_max))
    return cmap_usage_error (_("--max must be a distance in metres"));
  return cmap_check_network (opt_network, opt_at_night, &mode);
}

/* What would mislead, said on stderr: nothing to measure from; sources with no reach. */
static void
note_missing_sources (const CmCoverage *c, const char *selector, gboolean walking)
{
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
}

static int
run (CmStore *store, char **args)
{
  gboolean walking = !isnan (opt_walk);
  const char *selector = opt_from ? opt_from : "stations";
  g_autoptr (GError) error = NULL;
  g_autoptr (CmCoverage) c = cm_coverage_load (store, selector, walking ? 0 : opt_max, &error);
  if (c == NULL)
    return cmap_fail (error);
  note_missing_sources (c, selector, walking);
  CmNetworkStats stats = { 0 };
  if (walking)
    {
      g_autoptr (CmNetwork) net = cm_network_load (store, mode, &error);
      if (net == NULL)
        return cmap_fail (error);
      cm_network_get_stats (net, &stats);
      cm_coverage_compute_walk (c, net, opt_walk);
    }
  else
    cm_coverage_compute_radius (c);

  if (opt_output)
    return coverage_xlsx (opt_output, c, &error) ? cmap_wrote (opt_output) : cmap_fail (error);
  GString *out = g_string_new (NULL);
  if (opt_csv)
    {
      if (opt_bom)
        g_string_append (out, "\xEF\xBB\xBF"); /* UTF-8's byte order mark */
      coverage_csv (out, c);
    }
  else if (opt_json)
    coverage_json (out, c, &stats);
  else
    coverage_text (out, c, &stats);
  return cmap_print (out);
}

const CmapCommand cmap_command_coverage = {
  "coverage", "MAP (--radius | --walk METRES)", 1, options, check, run,
  N_("which buildings the service points reach"),
  N_("Which buildings the sources reach, in straight metres (--radius) or on foot along the paths "
     "(--walk), and what each source covers."),
};
