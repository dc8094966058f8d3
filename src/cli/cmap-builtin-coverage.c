/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-coverage.c: cmap coverage: which buildings the sources reach, by radius or on
 * foot. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>


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
  g_autoptr (CmSheet) sheet = cm_coverage_buildings_sheet (c);
  cm_sheet_append_csv (sheet, out);
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
        g_string_append_printf (out, ", \"status\": \"%s\"", cm_walk_status_name (b->walk_status));
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
    {
      g_autoptr (GPtrArray) sheets = cm_coverage_sheets (c);
      return cm_sheets_write_xlsx (sheets, opt_output, &error) ? cmap_wrote (opt_output)
                                                              : cmap_fail (error);
    }
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
