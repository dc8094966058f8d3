/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-walk-area.c: cmap walk-area: the paths reachable on foot from each source. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

static char *opt_from, *opt_network, *opt_output;
static gboolean opt_at_night;
static double opt_max = NAN;
static CmNetworkMode mode;

static const GOptionEntry options[] = {
  { "from", 0, 0, G_OPTION_ARG_STRING, &opt_from,
    N_("The sources: a layer (stations) or a layer and category (resources:kindergarten)"),
    N_("SELECTOR") },
  { "max", 0, 0, G_OPTION_ARG_DOUBLE, &opt_max, N_("Metres of walking along the paths"),
    N_("METRES") },
  CMAP_NETWORK_OPTIONS (opt_network, opt_at_night),
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, N_("The GeoJSON file to write"),
    N_("FILE") },
  { NULL }
};

static int
check (char **args)
{
  if (opt_from == NULL)
    return cmap_usage_error (_("say which sources with --from (stations, or resources:kindergarten)"));
  if (!(opt_max > 0))
    return cmap_usage_error (_("say how far with --max METRES (more than 0)"));
  if (opt_output == NULL)
    return cmap_usage_error (_("say where to write the areas with -o FILE.geojson"));
  return cmap_check_network (opt_network, opt_at_night, &mode);
}

/* One MultiLineString feature per source; returns how many sources are off the network. */
static guint
append_walk_areas (GString *out, CmCoverage *c, CmNetwork *net)
{
  g_autoptr (CmNetworkSearch) search = cm_network_search_new (net);
  g_autoptr (GArray) pieces = g_array_new (FALSE, FALSE, sizeof (CmNetworkPiece));
  guint off_network = 0;
  for (guint i = 0; i < c->sources->len; i++)
    {
      CmCoverageSource *s = &g_array_index (c->sources, CmCoverageSource, i);
      CmNetworkTie tie;
      if (!cm_network_tie (net, s->lon, s->lat, CM_NETWORK_MAX_ACCESS_M, &tie))
        off_network++;
      g_array_set_size (pieces, 0);
      double length = cm_network_service_area (search, &tie, opt_max, pieces);
      g_string_append_printf (out, "%s\n{\"type\": \"Feature\", \"properties\": "
                                   "{\"source_uuid\": \"%s\", \"source_name\": ",
                              i ? "," : "", s->uuid);
      cmap_json_text_or_null (out, s->name);
      g_string_append_printf (out, ", \"max_m\": %.1f, \"length_m\": %.1f, \"on_network\": %s},"
                                   " \"geometry\": ",
                              opt_max, length, tie.edge >= 0 ? "true" : "false");
      if (pieces->len == 0)
        {
          g_string_append (out, "null}");
          continue;
        }
      g_autoptr (CmGeom) lines = cm_network_pieces_to_geom (net, pieces);
      cm_geom_append_geojson (out, lines);
      g_string_append_c (out, '}');
    }
  return off_network;
}

static int
run (CmStore *store, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmCoverage) c = cm_coverage_load (store, opt_from, 0, &error);
  if (c == NULL)
    return cmap_fail (error);
  g_autoptr (CmNetwork) net = cm_network_load (store, mode, &error);
  if (net == NULL)
    return cmap_fail (error);

  GString *out = g_string_new ("{\"type\": \"FeatureCollection\", \"features\": [");
  guint off_network = append_walk_areas (out, c, net);
  g_string_append (out, "\n]}\n");

  /* written to a temporary file and renamed: never a half-written file */
  gboolean ok = g_file_set_contents (opt_output, out->str, (gssize) out->len, &error);
  g_string_free (out, TRUE);
  if (!ok)
    return cmap_fail (error);
  g_printerr (_("Wrote the walking areas of %u sources within %.0f m to %s\n"), c->sources->len,
              opt_max, opt_output);
  if (off_network)
    g_printerr (_("%u sources have no path within %.0f m and reach nothing on foot.\n"),
                off_network, CM_NETWORK_MAX_ACCESS_M);
  return CMAP_EXIT_OK;
}

const CmapCommand cmap_command_walk_area = {
  "walk-area", "MAP --from SELECTOR --max METRES -o FILE.geojson", 1, options, check, run,
  N_("the paths reachable on foot from each service point"),
  N_("The paths within --max metres on foot of each source, one GeoJSON feature per source."),
};
