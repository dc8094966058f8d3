/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-suggest.c: cmap suggest: where more service stations would cover the most. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>
#include <math.h>

static char *opt_from, *opt_network, *opt_candidates;
static double opt_walk = NAN;
static int opt_count = 3;
static gboolean opt_json, opt_at_night;
static CmNetworkMode mode;

static const GOptionEntry options[] = {
  { "walk", 0, 0, G_OPTION_ARG_DOUBLE, &opt_walk,
    N_("A station reaches the buildings within this many metres on foot"), N_("METRES") },
  { "count", 0, 0, G_OPTION_ARG_INT, &opt_count, N_("How many sites (3 by default)"),
    N_("N") },
  { "from", 0, 0, G_OPTION_ARG_STRING, &opt_from,
    N_("What already serves: a layer (stations, the default) or a layer and category"),
    N_("SELECTOR") },
  { "candidates", 0, 0, G_OPTION_ARG_STRING, &opt_candidates,
    N_("Also consider these features as sites (resources:community_centre, say)"),
    N_("SELECTOR") },
  CMAP_NETWORK_OPTIONS (opt_network, opt_at_night),
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("The sites as JSON"), NULL },
  { NULL }
};

static int
check (char **args)
{
  if (!(opt_walk > 0) || opt_walk > 5000)
    return cmap_usage_error (_("say how far a station reaches on foot: --walk METRES (up to "
                               "5000)"));
  if (opt_count < 1 || opt_count > 100)
    return cmap_usage_error (_("--count must be a number of sites from 1 to 100"));
  return cmap_check_network (opt_network, opt_at_night, &mode);
}

static void
sites_json (GString *out, const CmSuggestion *s)
{
  g_string_append_printf (out, "{\"summary\": {\"walk_m\": %.1f, \"buildings\": %u,"
                               " \"covered_before\": %u, \"households_before\": %" G_GINT64_FORMAT
                               ", \"residents_before\": %" G_GINT64_FORMAT ", \"candidates\": %u,"
                               " \"by\": \"%s\"}, \"sites\": [",
                          s->walk_m, s->buildings, s->covered_before, s->households_before,
                          s->population_before, s->candidates->len,
                          s->by_households ? "households" : "buildings");
  for (guint i = 0; i < s->sites->len; i++)
    {
      const CmSuggestSite *site = &g_array_index (s->sites, CmSuggestSite, i);
      g_string_append (out, i ? ",\n{\"lon\": " : "\n{\"lon\": ");
      cm_json_append_double (out, site->lon);
      g_string_append (out, ", \"lat\": ");
      cm_json_append_double (out, site->lat);
      g_string_append_printf (out, ", \"households\": %" G_GINT64_FORMAT ", \"residents\": %"
                                   G_GINT64_FORMAT ", \"buildings\": %u, \"near\": ",
                              site->households, site->population, site->buildings);
      cmap_json_text_or_null (out, site->near);
      g_string_append (out, ", \"name\": ");
      cmap_json_text_or_null (out, site->name);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}\n");
}

static void
sites_text (GString *out, const CmSuggestion *s)
{
  g_string_append_printf (out, _("Now %u of %u buildings are within %.0f m walk of a station; "
                                 "%u candidate sites on the paths were weighed by the %s they "
                                 "would newly cover.\n"),
                          s->covered_before, s->buildings, s->walk_m, s->candidates->len,
                          s->by_households ? _("households") : _("buildings"));
  if (s->sites->len == 0)
    g_string_append (out, _("No site would cover anything more within that walk.\n"));
  for (guint i = 0; i < s->sites->len; i++)
    {
      const CmSuggestSite *site = &g_array_index (s->sites, CmSuggestSite, i);
      g_string_append_printf (out, _("%u. %.6f, %.6f"), i + 1, site->lon, site->lat);
      if (site->name)
        g_string_append_printf (out, " %s", site->name);
      if (site->near)
        g_string_append_printf (out, _(" (near %s)"), site->near);
      g_string_append_printf (out, _(": %u more buildings, %lld households, %lld residents\n"),
                              site->buildings, (long long) site->households,
                              (long long) site->population);
    }
}

static int
run (CmStore *store, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmSuggestion) s = cm_suggest (store, opt_from, opt_walk, (guint) opt_count, mode,
                                           opt_candidates, NULL, &error);
  if (s == NULL)
    return cmap_fail (error);
  GString *out = g_string_new (NULL);
  if (opt_json)
    sites_json (out, s);
  else
    sites_text (out, s);
  return cmap_print (out);
}

const CmapCommand cmap_command_suggest = {
  "suggest", "MAP --walk METRES", 1, options, check, run,
  N_("where another station would cover the most"),
  N_("Where more service stations would newly cover the most households (or buildings) within "
     "a walk, one site after another along the paths."),
};
