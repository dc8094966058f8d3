/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-lifecircle.c: cmap lifecircle: the GB 50180 life-circle check and its report. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "cm-report.h"

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

/* The population share (null when no population is known), then where the figure comes from
 * in the standard and how sure it is; closes the object. */
static void
append_share_and_source (GString *out, gint64 population, gint64 population_known,
                         const char *clause, const char *certainty)
{
  if (population_known > 0)
    g_string_append_printf (out, "%.4f", (double) population / population_known);
  else
    g_string_append (out, "null");
  g_string_append (out, ", \"clause\": ");
  cmap_json_text_or_null (out, clause);
  g_string_append (out, ", \"certainty\": ");
  cmap_json_text_or_null (out, certainty);
  g_string_append_c (out, '}');
}

typedef struct
{
  const CmLifeReport *report;
  guint circle;
} Meets;

static gboolean
meets_circle (guint building, gpointer data)
{
  const Meets *m = data;
  return cm_life_report_meets (m->report, m->circle, building);
}

/* Per compound, for circle @c: "covered" is the buildings that meet it. */
static GArray *
sum_circle (CmLifeReport *r, guint c)
{
  Meets m = { r, c };
  return cm_compounds_sum_by (r->buildings, meets_circle, &m);
}

/* "compounds": one object per compound (and those in none, and the whole) with, per circle,
 * the buildings and known residents that meet it. */
static void
compounds_json (GString *out, CmLifeReport *r)
{
  g_autoptr (GPtrArray) per_circle = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint c = 0; c < r->circles->len; c++)
    g_ptr_array_add (per_circle, sum_circle (r, c));
  guint rows = per_circle->len ? ((GArray *) per_circle->pdata[0])->len : 0;
  g_string_append (out, ", \"compounds\": [");
  for (guint i = 0; i < rows; i++)
    {
      const CmCompoundSum *s = &g_array_index ((GArray *) per_circle->pdata[0], CmCompoundSum, i);
      g_string_append_printf (out, "%s\n{\"compound\": ", i ? "," : "");
      cmap_json_text_or_null (out, s->compound ? s->compound->uuid : NULL);
      g_string_append (out, ", \"name\": ");
      cmap_json_text_or_null (out, s->compound ? s->compound->name : NULL);
      g_string_append_printf (out, ", \"whole\": %s, \"buildings\": %u,"
                                   " \"households\": %" G_GINT64_FORMAT ","
                                   " \"population\": %" G_GINT64_FORMAT ", \"circles\": {",
                              s->whole ? "true" : "false", s->buildings, s->households,
                              s->population);
      for (guint c = 0; c < r->circles->len; c++)
        {
          const CmCompoundSum *sc = &g_array_index ((GArray *) per_circle->pdata[c],
                                                    CmCompoundSum, i);
          g_string_append_printf (out, "%s\"%s\": {\"buildings_met\": %u,"
                                       " \"population_met\": %" G_GINT64_FORMAT "}",
                                  c ? ", " : "", g_array_index (r->circles, CmLifeCircle, c).key,
                                  sc->covered, sc->population_covered);
        }
      g_string_append (out, "}}");
    }
  g_string_append_c (out, ']');
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
      cmap_json_text_or_null (out, ci->name_zh);
      g_string_append (out, ", \"en\": ");
      cmap_json_text_or_null (out, ci->name_en);
      g_string_append_printf (out, ", \"walk_m\": %.0f, \"facilities\": %u, \"buildings_met\": %u,"
                                   " \"buildings_share\": %.4f, \"population_met\": %" G_GINT64_FORMAT
                                   ", \"population_share\": ",
                              ci->walk_m, ci->facilities, ci->buildings_met,
                              nb ? (double) ci->buildings_met / nb : 0.0, ci->population_met);
      append_share_and_source (out, ci->population_met, r->population_known, ci->clause,
                               ci->certainty);
    }
  g_string_append (out, "], \"facilities\": [");
  for (guint f = 0; f < r->facilities->len; f++)
    {
      const CmLifeFacility *fa = &g_array_index (r->facilities, CmLifeFacility, f);
      g_string_append_printf (out, "%s\n{\"key\": \"%s\", \"circle\": \"%s\", \"name\": ",
                              f ? "," : "", fa->key,
                              g_array_index (r->circles, CmLifeCircle, fa->circle).key);
      cmap_json_text_or_null (out, fa->name_zh);
      g_string_append (out, ", \"en\": ");
      cmap_json_text_or_null (out, fa->name_en);
      g_string_append (out, ", \"from\": [");
      for (guint k = 0; fa->from[k]; k++)
        {
          g_string_append (out, k ? ", " : "");
          cmap_json_text_or_null (out, fa->from[k]);
        }
      g_string_append_printf (out, "], \"max_m\": %.0f, \"found\": %u, \"off_network\": %u,"
                                   " \"buildings_pass\": %u, \"buildings_share\": %.4f,"
                                   " \"population_pass\": %" G_GINT64_FORMAT ", \"population_share\": ",
                              fa->max_m, fa->sources, fa->sources_off_network, fa->buildings_pass,
                              nb ? (double) fa->buildings_pass / nb : 0.0, fa->population_pass);
      append_share_and_source (out, fa->population_pass, r->population_known, fa->clause,
                               fa->certainty);
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
      cmap_json_text_or_null (out, bd->name);
      g_string_append (out, ", \"population\": ");
      cmap_json_count_or_null (out, bd->population);
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
  g_string_append_c (out, ']');
  compounds_json (out, r);
  g_string_append (out, "}\n");
}

static void
lifecircle_csv (GString *out, CmLifeReport *r)
{
  g_autoptr (CmSheet) sheet = cm_life_report_buildings_sheet (r);
  cm_sheet_append_csv (sheet, out);
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
      g_autoptr (GArray) sums = sum_circle (r, c);
      cmap_compounds_text (out, sums, _("Meet it"));
    }
}

static gboolean opt_bom, opt_csv, opt_json, opt_at_night, opt_details;
static char *opt_table, *opt_network, *opt_pdf, *opt_output;
static CmNetworkMode mode;
static CmLifeReport *report;

static const GOptionEntry options[] = {
  { "csv", 0, 0, G_OPTION_ARG_NONE, &opt_csv,
    N_("One row per building: each facility's walking metres and pass/fail, each circle met or not"),
    NULL },
  { "bom", 0, 0, G_OPTION_ARG_NONE, &opt_bom,
    N_("With --csv: begin with a byte order mark, so that Excel and WPS open the Chinese right"),
    NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
    N_("Shares per circle and facility, and the failing buildings, as JSON"), NULL },
  CMAP_WORKBOOK_OPTION (opt_output),
  { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &opt_pdf,
    N_("Also write a printable report in Chinese: summary, a map per circle, failing buildings "
       "grouped by what they lack"),
    N_("FILE.pdf") },
  { "details", 0, 0, G_OPTION_ARG_NONE, &opt_details,
    N_("With --pdf: also list every failing building, with what it lacks and how far"), NULL },
  { "table", 0, 0, G_OPTION_ARG_FILENAME, &opt_table,
    N_("A corrected copy of the life-circle table (default: the built-in data/lifecircle.json)"),
    N_("FILE.json") },
  CMAP_NETWORK_OPTIONS (opt_network, opt_at_night),
  { NULL }
};

/* the options, and the table of circles (a file of the user's when --table) */
static int
check (char **args)
{
  if (opt_csv && opt_json)
    return cmap_usage_error (_("choose one of --csv and --json"));
  if (opt_bom && !opt_csv)
    return cmap_usage_error (_("--bom goes with --csv"));
  int rc = cmap_check_workbook (opt_output, opt_csv || opt_json);
  if (rc >= 0)
    return rc;
  rc = cmap_check_network (opt_network, opt_at_night, &mode);
  if (rc >= 0)
    return rc;
  g_autoptr (GError) error = NULL;
  report = cm_life_report_new (opt_table, &error);
  return report ? -1 : cmap_fail (error);
}

static int
run (CmStore *store, char **args)
{
  g_autoptr (CmLifeReport) r = g_steal_pointer (&report);
  g_autoptr (GError) error = NULL;
  if (!cm_life_report_run (r, store, mode, NULL, NULL, NULL, &error))
    return cmap_fail (error);
  if (opt_pdf && !cm_report_write_life_circle_pdf (r, store, opt_pdf, opt_details, &error))
    return cmap_fail (error);
  if (opt_output)
    {
      g_autoptr (GPtrArray) sheets = cm_life_report_sheets (r);
      return cm_sheets_write_xlsx (sheets, opt_output, &error) ? cmap_wrote (opt_output)
                                                              : cmap_fail (error);
    }

  GString *out = g_string_new (NULL);
  if (opt_csv)
    {
      if (opt_bom)
        g_string_append (out, "\xEF\xBB\xBF"); /* UTF-8's byte order mark */
      lifecircle_csv (out, r);
    }
  else if (opt_json)
    lifecircle_json (out, r);
  else
    lifecircle_text (out, r);
  cmap_print (out);
  if (opt_pdf)
    g_printerr (_("Wrote the report to %s\n"), opt_pdf);
  return CMAP_EXIT_OK;
}

const CmapCommand cmap_command_lifecircle = {
  "lifecircle", "MAP", 1, options, check, run, N_("the GB 50180 5/10/15-minute life-circle check"),
  N_("The 5/10/15-minute life circles of GB 50180-2018: per building and facility, the walk to the "
     "nearest one and whether it is near enough."),
};
