/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-result-sheets.c: the analyses' results as sheets (cm-sheet.c) — what `cmap … -o FILE.xlsx`
 * and --csv write, and the window's Export Table…: the same columns and values as the JSON. */
#include "config.h"

#include "cm-result-sheets.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "cm-i18n.h"
#include "cm-kinds.h"

const char *
cm_walk_status_name (CmWalkStatus status)
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

const char *
cm_compound_sum_name (const CmCompoundSum *sum)
{
  if (sum->whole)
    return _("(whole community)");
  if (sum->compound == NULL)
    return _("(in no compound)");
  return sum->compound->name ? sum->compound->name : sum->compound->uuid;
}

CmSheet *
cm_compounds_sheet (GArray *sums)
{
  const CmColumn columns[] = {
    { "compound", _("Compound ID"), CM_CELL_TEXT },
    { "name", _("Compound"), CM_CELL_TEXT },
    { "buildings", _("Buildings"), CM_CELL_COUNT },
    { "covered", _("Covered"), CM_CELL_COUNT },
    { "share", _("Share"), CM_CELL_PERCENT },
    { "households", _("Households"), CM_CELL_COUNT },
    { "households_covered", _("Households covered"), CM_CELL_COUNT },
    { "population", _("Residents"), CM_CELL_COUNT },
    { "population_covered", _("Residents covered"), CM_CELL_COUNT },
  };
  CmSheet *sheet = cm_sheet_new (_("Compounds"), columns, G_N_ELEMENTS (columns));
  for (guint i = 0; i < sums->len; i++)
    {
      const CmCompoundSum *s = &g_array_index (sums, CmCompoundSum, i);
      cm_sheet_add_row (sheet);
      cm_sheet_set_text (sheet, 0, s->compound ? s->compound->uuid : NULL);
      cm_sheet_set_text (sheet, 1, cm_compound_sum_name (s));
      cm_sheet_set_number (sheet, 2, s->buildings);
      cm_sheet_set_number (sheet, 3, s->covered);
      cm_sheet_set_number (sheet, 4, s->buildings ? (double) s->covered / s->buildings : NAN);
      cm_sheet_set_number (sheet, 5, (double) s->households);
      cm_sheet_set_number (sheet, 6, (double) s->households_covered);
      cm_sheet_set_number (sheet, 7, (double) s->population);
      cm_sheet_set_number (sheet, 8, (double) s->population_covered);
    }
  return sheet;
}

/* One row per building: the CSV's and the workbook's "Buildings" sheet (cm-sheet.c). */
CmSheet *
cm_coverage_buildings_sheet (CmCoverage *c)
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
          cm_sheet_set_text (sheet, at[STATUS], cm_walk_status_name (b->walk_status));
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

/* The workbook: the summary, the buildings, the sources and the compounds, each a sheet. */
GPtrArray *
cm_coverage_sheets (CmCoverage *c)
{
  GPtrArray *sheets = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_sheet_free);
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
  g_ptr_array_add (sheets, cm_coverage_buildings_sheet (c));

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
    g_ptr_array_add (sheets, cm_compounds_sheet (sums));
  return sheets;
}

/* One row per building: the CSV's and the workbook's "Buildings" sheet. */
CmSheet *
cm_life_report_buildings_sheet (CmLifeReport *r)
{
  GArray *columns = g_array_new (FALSE, TRUE, sizeof (CmColumn));
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free); /* the columns' strings */
  const CmColumn fixed[] = {
    { "uuid", _("ID"), CM_CELL_TEXT },
    { "name", _("Name"), CM_CELL_TEXT },
    { "lon", _("Longitude"), CM_CELL_DEGREES },
    { "lat", _("Latitude"), CM_CELL_DEGREES },
    { "households", _("Households"), CM_CELL_COUNT },
    { "population", _("Residents"), CM_CELL_COUNT },
  };
  g_array_append_vals (columns, fixed, G_N_ELEMENTS (fixed));
  for (guint c = 0; c < r->circles->len; c++)
    {
      const CmLifeCircle *ci = &g_array_index (r->circles, CmLifeCircle, c);
      char *key = g_strdup_printf ("%s_met", ci->key);
      /* TRANSLATORS: a column: whether a building meets this life circle */
      char *heading = g_strdup_printf (_("%s met"), cm_i18n_pick (ci->name_zh, ci->name_en));
      CmColumn col = { key, heading, CM_CELL_BOOL };
      g_array_append_val (columns, col);
      g_ptr_array_add (names, key);
      g_ptr_array_add (names, heading);
    }
  for (guint f = 0; f < r->facilities->len; f++)
    {
      const CmLifeFacility *fa = &g_array_index (r->facilities, CmLifeFacility, f);
      const char *circle = g_array_index (r->circles, CmLifeCircle, fa->circle).key;
      const char *name = cm_i18n_pick (fa->name_zh, fa->name_en);
      char *key_m = g_strdup_printf ("%s.%s_m", circle, fa->key);
      char *key_pass = g_strdup_printf ("%s.%s_pass", circle, fa->key);
      /* TRANSLATORS: columns: the walk to a facility, and whether it is within its distance */
      char *heading_m = g_strdup_printf (_("%s, m"), name);
      char *heading_pass = g_strdup_printf (_("%s within"), name);
      CmColumn m = { key_m, heading_m, CM_CELL_METRES }, pass = { key_pass, heading_pass, CM_CELL_BOOL };
      g_array_append_val (columns, m);
      g_array_append_val (columns, pass);
      g_ptr_array_add (names, key_m);
      g_ptr_array_add (names, key_pass);
      g_ptr_array_add (names, heading_m);
      g_ptr_array_add (names, heading_pass);
    }
  CmSheet *sheet = cm_sheet_new (_("Buildings"), (CmColumn *) columns->data, columns->len);
  g_array_unref (columns);
  g_ptr_array_unref (names);
  GArray *bs = r->buildings->buildings;
  for (guint b = 0; b < bs->len; b++)
    {
      const CmCoverageBuilding *bd = &g_array_index (bs, CmCoverageBuilding, b);
      cm_sheet_add_row (sheet);
      cm_sheet_set_text (sheet, 0, bd->uuid);
      cm_sheet_set_text (sheet, 1, bd->name);
      cm_sheet_set_number (sheet, 2, bd->lon);
      cm_sheet_set_number (sheet, 3, bd->lat);
      cm_sheet_set_number (sheet, 4, bd->households >= 0 ? (double) bd->households : NAN);
      cm_sheet_set_number (sheet, 5, bd->population >= 0 ? (double) bd->population : NAN);
      guint col = 6;
      for (guint c = 0; c < r->circles->len; c++)
        cm_sheet_set_number (sheet, col++, cm_life_report_meets (r, c, b));
      for (guint f = 0; f < r->facilities->len; f++)
        {
          float m = g_array_index (r->facilities, CmLifeFacility, f).walk_m[b];
          cm_sheet_set_number (sheet, col++, isfinite (m) ? m : NAN);
          cm_sheet_set_number (sheet, col++, cm_life_report_passes (r, f, b));
        }
    }
  return sheet;
}

/* The workbook: the circles, the facilities, the buildings. */
GPtrArray *
cm_life_report_sheets (CmLifeReport *r)
{
  GPtrArray *sheets = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_sheet_free);
  guint nb = r->buildings->buildings->len;
  const CmColumn circle_columns[] = {
    { "key", _("Key"), CM_CELL_TEXT },
    { "name", _("Life circle"), CM_CELL_TEXT },
    { "walk_m", _("Walk, m"), CM_CELL_METRES },
    { "facilities", _("Facilities"), CM_CELL_COUNT },
    { "buildings_met", _("Buildings that meet it"), CM_CELL_COUNT },
    { "buildings_share", _("Share of buildings"), CM_CELL_PERCENT },
    { "population_met", _("Residents who meet it"), CM_CELL_COUNT },
    { "population_share", _("Share of known residents"), CM_CELL_PERCENT },
  };
  CmSheet *circles = cm_sheet_new (_("Summary"), circle_columns, G_N_ELEMENTS (circle_columns));
  for (guint c = 0; c < r->circles->len; c++)
    {
      const CmLifeCircle *ci = &g_array_index (r->circles, CmLifeCircle, c);
      cm_sheet_add_row (circles);
      cm_sheet_set_text (circles, 0, ci->key);
      cm_sheet_set_text (circles, 1, cm_i18n_pick (ci->name_zh, ci->name_en));
      cm_sheet_set_number (circles, 2, ci->walk_m);
      cm_sheet_set_number (circles, 3, ci->facilities);
      cm_sheet_set_number (circles, 4, ci->buildings_met);
      cm_sheet_set_number (circles, 5, nb ? (double) ci->buildings_met / nb : NAN);
      cm_sheet_set_number (circles, 6, (double) ci->population_met);
      cm_sheet_set_number (circles, 7, r->population_known > 0
                                           ? (double) ci->population_met / r->population_known
                                           : NAN);
    }
  g_ptr_array_add (sheets, circles);

  const CmColumn facility_columns[] = {
    { "circle", _("Life circle"), CM_CELL_TEXT },
    { "key", _("Key"), CM_CELL_TEXT },
    { "name", _("Facility"), CM_CELL_TEXT },
    { "max_m", _("Within, m"), CM_CELL_METRES },
    { "found", _("Found"), CM_CELL_COUNT },
    { "buildings_pass", _("Buildings within"), CM_CELL_COUNT },
    { "buildings_share", _("Share of buildings"), CM_CELL_PERCENT },
    { "population_pass", _("Residents within"), CM_CELL_COUNT },
    { "population_share", _("Share of known residents"), CM_CELL_PERCENT },
  };
  CmSheet *facilities = cm_sheet_new (_("Facilities"), facility_columns,
                                      G_N_ELEMENTS (facility_columns));
  for (guint f = 0; f < r->facilities->len; f++)
    {
      const CmLifeFacility *fa = &g_array_index (r->facilities, CmLifeFacility, f);
      const CmLifeCircle *ci = &g_array_index (r->circles, CmLifeCircle, fa->circle);
      cm_sheet_add_row (facilities);
      cm_sheet_set_text (facilities, 0, cm_i18n_pick (ci->name_zh, ci->name_en));
      cm_sheet_set_text (facilities, 1, fa->key);
      cm_sheet_set_text (facilities, 2, cm_i18n_pick (fa->name_zh, fa->name_en));
      cm_sheet_set_number (facilities, 3, fa->max_m);
      cm_sheet_set_number (facilities, 4, fa->sources);
      cm_sheet_set_number (facilities, 5, fa->buildings_pass);
      cm_sheet_set_number (facilities, 6, nb ? (double) fa->buildings_pass / nb : NAN);
      cm_sheet_set_number (facilities, 7, (double) fa->population_pass);
      cm_sheet_set_number (facilities, 8, r->population_known > 0
                                              ? (double) fa->population_pass / r->population_known
                                              : NAN);
    }
  g_ptr_array_add (sheets, facilities);
  g_ptr_array_add (sheets, cm_life_report_buildings_sheet (r));
  return sheets;
}

/* The workbook: the summary, the teams, the overlaps and the compounds, each a sheet. */
GPtrArray *
cm_teams_sheets (CmStore *store, CmTeams *t)
{
  GPtrArray *sheets = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_sheet_free);
  const CmColumn summary_columns[] = {
    { "teams", _("Teams"), CM_CELL_COUNT },
    { "boundary_m2", _("Community, m²"), CM_CELL_COUNT },
    { "covered_in_boundary_m2", _("Covered by a team, m²"), CM_CELL_COUNT },
    { "share_covered", _("Share covered"), CM_CELL_PERCENT },
    { "gaps_m2", _("Gaps, m²"), CM_CELL_COUNT },
    { "overlap_m2", _("Covered by two or more, m²"), CM_CELL_COUNT },
    { "buildings", _("Buildings"), CM_CELL_COUNT },
    { "buildings_outside", _("Buildings outside every team"), CM_CELL_COUNT },
    { "households_outside", _("Households outside"), CM_CELL_COUNT },
    { "population_outside", _("Residents outside"), CM_CELL_COUNT },
  };
  CmSheet *summary = cm_sheet_new (_("Summary"), summary_columns, G_N_ELEMENTS (summary_columns));
  cm_sheet_add_row (summary);
  gboolean bounded = t->boundary_area_m2 > 0;
  cm_sheet_set_number (summary, 0, t->teams->len);
  cm_sheet_set_number (summary, 1, bounded ? round (t->boundary_area_m2) : NAN);
  cm_sheet_set_number (summary, 2, bounded ? round (t->covered_in_boundary_m2) : NAN);
  cm_sheet_set_number (summary, 3, bounded ? t->covered_in_boundary_m2 / t->boundary_area_m2 : NAN);
  cm_sheet_set_number (summary, 4, bounded ? round (t->gaps_area_m2) : NAN);
  cm_sheet_set_number (summary, 5, round (t->overlap_area_m2));
  cm_sheet_set_number (summary, 6, t->buildings->buildings->len);
  cm_sheet_set_number (summary, 7, t->buildings_outside);
  cm_sheet_set_number (summary, 8, (double) t->households_outside);
  cm_sheet_set_number (summary, 9, (double) t->population_outside);
  g_ptr_array_add (sheets, summary);

  const CmColumn team_columns[] = {
    { "uuid", _("ID"), CM_CELL_TEXT },
    { "name", _("Team"), CM_CELL_TEXT },
    { "kind", _("Type"), CM_CELL_TEXT },
    { "area_m2", _("Area, m²"), CM_CELL_COUNT },
    { "repaired", _("Repaired"), CM_CELL_BOOL },
    { "buildings", _("Buildings"), CM_CELL_COUNT },
    { "households", _("Households"), CM_CELL_COUNT },
    { "population", _("Residents"), CM_CELL_COUNT },
  };
  CmSheet *teams = cm_sheet_new (_("Teams"), team_columns, G_N_ELEMENTS (team_columns));
  for (guint i = 0; i < t->teams->len; i++)
    {
      const CmTeam *team = &g_array_index (t->teams, CmTeam, i);
      cm_sheet_add_row (teams);
      cm_sheet_set_text (teams, 0, team->uuid);
      cm_sheet_set_text (teams, 1, team->name);
      g_autoptr (CmKind) kind = team->kind ? cm_store_get_kind (store, CM_LAYER_TEAMS, team->kind,
                                                                NULL)
                                           : NULL;
      cm_sheet_set_text (teams, 2, kind ? cm_kind_label (kind) : team->kind);
      cm_sheet_set_number (teams, 3, round (team->area_m2));
      cm_sheet_set_number (teams, 4, team->repaired);
      cm_sheet_set_number (teams, 5, team->buildings);
      cm_sheet_set_number (teams, 6, (double) team->households);
      cm_sheet_set_number (teams, 7, (double) team->population);
    }
  g_ptr_array_add (sheets, teams);

  const CmColumn overlap_columns[] = {
    { "area_m2", _("Overlap, m²"), CM_CELL_COUNT },
    { "teams", _("Teams"), CM_CELL_TEXT },
  };
  CmSheet *overlaps = cm_sheet_new (_("Overlaps"), overlap_columns, G_N_ELEMENTS (overlap_columns));
  for (guint i = 0; i < t->overlaps->len; i++)
    {
      const CmTeamOverlap *o = g_ptr_array_index (t->overlaps, i);
      g_autoptr (GString) names = g_string_new (NULL);
      for (guint j = 0; j < o->teams->len; j++)
        {
          const CmTeam *member = &g_array_index (t->teams, CmTeam, g_array_index (o->teams, int, j));
          g_string_append (names, j ? " + " : "");
          g_string_append (names, member->name ? member->name : member->uuid);
        }
      cm_sheet_add_row (overlaps);
      cm_sheet_set_number (overlaps, 0, round (o->area_m2));
      cm_sheet_set_text (overlaps, 1, names->str);
    }
  g_ptr_array_add (sheets, overlaps);
  g_autoptr (GArray) sums = cm_compounds_sum (t->buildings);
  if (sums->len > 0)
    g_ptr_array_add (sheets, cm_compounds_sheet (sums));
  return sheets;
}

GPtrArray *
cm_analysis_result_sheets (CmStore *store, const CmAnalysisResult *result)
{
  if (result->coverage && result->request.kind == CM_ANALYSIS_COVERAGE)
    return cm_coverage_sheets (result->coverage);
  if (result->teams)
    return cm_teams_sheets (store, result->teams);
  if (result->life)
    return cm_life_report_sheets (result->life);
  return g_ptr_array_new_with_free_func ((GDestroyNotify) cm_sheet_free);
}

gboolean
cm_analysis_result_write_geojson (const CmAnalysisResult *result, const char *path,
                                  GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  if (result->teams)
    cm_teams_append_geojson (result->teams, out);
  else
    {
      /* the buildings' rows are in the order of the result's buildings, as are its shapes */
      g_autoptr (CmSheet) sheet = result->life ? cm_life_report_buildings_sheet (result->life)
                                               : cm_coverage_buildings_sheet (result->coverage);
      g_string_append (out, "{\"type\": \"FeatureCollection\", \"features\": [");
      guint n = 0;
      for (guint i = 0; i < cm_sheet_get_n_rows (sheet); i++)
        {
          const CmGeom *shape = result->shapes && i < result->shapes->len
                                    ? g_ptr_array_index (result->shapes, i)
                                    : NULL;
          if (shape == NULL)
            continue; /* a building without a readable footprint: in the workbook only */
          g_string_append (out, n++ ? ",\n" : "\n");
          g_string_append (out, "{\"type\": \"Feature\", \"properties\": ");
          cm_sheet_append_json_row (sheet, i, out);
          g_string_append (out, ", \"geometry\": ");
          cm_geom_append_geojson (out, shape);
          g_string_append_c (out, '}');
        }
      g_string_append (out, "\n]}\n");
    }
  return g_file_set_contents (path, out->str, (gssize) out->len, error);
}

