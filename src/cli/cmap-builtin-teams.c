/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-teams.c: cmap teams: where volunteer teams work, their gaps and overlaps. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

static void
append_team_names (GString *out, CmTeams *t, const CmTeamOverlap *o, gboolean json)
{
  for (guint j = 0; j < o->teams->len; j++)
    {
      const CmTeam *team = &g_array_index (t->teams, CmTeam, g_array_index (o->teams, int, j));
      if (j)
        g_string_append (out, json ? ", " : " + ");
      if (json)
        cmap_json_text_or_null (out, team->name ? team->name : team->uuid);
      else
        g_string_append (out, team->name ? team->name : team->uuid);
    }
}

/* The gaps, overlaps and union as GeoJSON features, for QGIS or the map. */
static gboolean
write_teams_geojson (CmTeams *t, const char *path, GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  cm_teams_append_geojson (t, out);
  return g_file_set_contents (path, out->str, (gssize) out->len, error);
}

static void
teams_json (GString *out, CmTeams *t)
{
  g_string_append_printf (out, "{\"summary\": {\"teams\": %u, \"repaired\": %u,"
                               " \"boundary_m2\": %.0f, \"covered_m2\": %.0f,"
                               " \"covered_in_boundary_m2\": %.0f, \"gaps_m2\": %.0f,"
                               " \"overlap_m2\": %.0f, \"buildings\": %u,"
                               " \"buildings_outside\": %u,"
                               " \"households_outside\": %" G_GINT64_FORMAT ","
                               " \"population_outside\": %" G_GINT64_FORMAT "},"
                               " \"teams\": [",
                          t->teams->len, t->repaired, t->boundary_area_m2, t->covered_area_m2,
                          t->covered_in_boundary_m2, t->gaps_area_m2, t->overlap_area_m2,
                          t->buildings->buildings->len, t->buildings_outside,
                          t->households_outside, t->population_outside);
  for (guint i = 0; i < t->teams->len; i++)
    {
      const CmTeam *team = &g_array_index (t->teams, CmTeam, i);
      g_string_append_printf (out, "%s\n{\"uuid\": \"%s\", \"name\": ", i ? "," : "",
                              team->uuid);
      cmap_json_text_or_null (out, team->name);
      g_string_append (out, ", \"kind\": ");
      cmap_json_text_or_null (out, team->kind);
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
  /* per compound, "covered": buildings inside some team's area */
  g_autoptr (GArray) sums = cm_compounds_sum (t->buildings);
  g_string_append (out, "], \"compounds\": ");
  cmap_compounds_json (out, sums);
  g_string_append (out, "}\n");
}

static void
teams_text (GString *out, CmTeams *t)
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
  g_string_append_printf (out, _("Covered by two or more teams: %.0f m².\n"), t->overlap_area_m2);
  g_string_append_printf (out, _("%u of %u buildings are outside every team (households: "
                                 "%lld, residents: %lld where known).\n"),
                          t->buildings_outside, t->buildings->buildings->len,
                          (long long) t->households_outside, (long long) t->population_outside);
  g_string_append_printf (out, "%10s %9s %10s %10s  %s\n", _("Area m²"), _("Buildings"),
                          _("Households"), _("Residents"), _("Team"));
  for (guint i = 0; i < t->teams->len; i++)
    {
      const CmTeam *team = &g_array_index (t->teams, CmTeam, i);
      g_string_append_printf (out, "%10.0f %9u %10" G_GINT64_FORMAT " %10" G_GINT64_FORMAT
                                   "  %s%s\n",
                              team->area_m2, team->buildings, team->households, team->population,
                              team->name ? team->name : team->uuid,
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
  g_autoptr (GArray) sums = cm_compounds_sum (t->buildings);
  cmap_compounds_text (out, sums, _("In a team"));
}

static gboolean opt_json;
static char *opt_output;

static const GOptionEntry options[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("The figures as JSON"), NULL },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    N_("Also write the covered ground, the gaps and the overlaps as GeoJSON (FILE.geojson), or "
       "the figures as a workbook for Excel, WPS or LibreOffice (FILE.xlsx)"),
    N_("FILE") },
  { NULL }
};

static int
run (CmStore *store, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmTeams) t = cm_teams_load (store, &error);
  if (t == NULL)
    return cmap_fail (error);
  cm_teams_compute (t);
  if (opt_output && g_str_has_suffix (opt_output, ".xlsx"))
    {
      g_autoptr (GPtrArray) sheets = cm_teams_sheets (store, t);
      return cm_sheets_write_xlsx (sheets, opt_output, &error) ? cmap_wrote (opt_output)
                                                              : cmap_fail (error);
    }
  if (opt_output && !write_teams_geojson (t, opt_output, &error))
    return cmap_fail (error);

  GString *out = g_string_new (NULL);
  if (opt_json)
    teams_json (out, t);
  else
    teams_text (out, t);
  return cmap_print (out);
}

const CmapCommand cmap_command_teams = {
  "teams", "MAP", 1, options, NULL, run, N_("where volunteer teams work, their gaps and overlaps"),
  N_("Where volunteer teams work: the ground they cover, the gaps, the overlaps, and the buildings "
     "and residents in and outside them."),
};
