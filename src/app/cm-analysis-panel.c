/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-analysis-panel.c: the analysis panel. Its widgets are ui/cm-analysis-panel.ui; this file
 * fills them from the map and the result, runs the analysis in a worker thread (GTask) and
 * keeps the result fresh. What differs between kinds of analysis is in the table `kinds` at the
 * end of the rows section: the rows, columns and summary of each kind. */
#include "config.h"

#include "cm-analysis-panel.h"
#include "cm-export-dialog.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cm-analysis-style.h"
#include "cm-category-ui.h"

struct _CmAnalysisPanel
{
  GtkWidget parent_instance;

  /* the template's */
  GtkDropDown *kind, *source, *method, *circle;
  GtkBox *coverage_box, *circle_box;
  GtkCheckButton *own_radius, *at_night;
  GtkSpinButton *metres;
  GtkButton *run, *cancel;
  GtkProgressBar *progress;
  GtkLabel *summary;
  GtkLabel *compounds;     /* the result per compound, when the map has compounds */
  GArray *compound_sums;   /* CmCompoundSum of the result shown, or NULL */
  GtkButton *baseline_button;
  GtkButton *forget_baseline_button;
  GtkLabel *comparison;
  GtkButton *suggest_button;
  GtkButton *export_button;
  GtkListBox *sites;      /* the sites suggested with the result shown */
  CmAnalysisResult *baseline; /* kept by "Keep as Baseline"; may be the result shown too */
  guint baseline_circle;
  CmComparison *compared;  /* the result shown against the baseline, or NULL */
  GtkListBox *legend;
  GtkColumnView *table;
  GtkSortListModel *sorted;
  GtkSingleSelection *selection;
  GListStore *rows;
  GPtrArray *adding;  /* while a result is shown: its rows, put in the table at once */

  CmStore *store;
  CmAnalysisLayer *layer;
  GPtrArray *selectors;      /* the selector of each source offered */
  CmAnalysisResult *result;  /* shown */
  GCancellable *cancellable; /* while one runs */
  GTask *task;
  guint tick;     /* the progress bar follows while it runs */
  gboolean stale; /* the data changed while it ran */
  guint rerun;    /* timeout before running again after an edit */
};

G_DEFINE_FINAL_TYPE (CmAnalysisPanel, cm_analysis_panel, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_BUSY,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum
{
  GO_TO,
  ADD_STATION,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* The life circle shown first: the 5-minute one, the smallest (the table lists 15, 10, 5). */
#define FIRST_CIRCLE 2

/* ---- the rows, columns and summary of each kind --------------------------------------------- */

static void
set_columns (CmAnalysisPanel *self, const char *name, const char *detail, const char *value,
             const char *status)
{
  const char *titles[CM_N_ANALYSIS_COLUMNS] = { name, detail, value, status };
  GListModel *columns = gtk_column_view_get_columns (self->table);
  for (guint i = 0; i < CM_N_ANALYSIS_COLUMNS; i++)
    {
      g_autoptr (GtkColumnViewColumn) col = g_list_model_get_item (columns, i);
      gtk_column_view_column_set_title (col, titles[i]);
    }
}

static void
add_row (CmAnalysisPanel *self, const char *name, const char *detail, double value,
         const char *status, CmLayer layer, const char *uuid, double lon, double lat)
{
  CmAnalysisRow *row = cm_analysis_row_new (name, detail, value, status, layer, uuid, lon, lat);
  if (self->adding)
    g_ptr_array_add (self->adding, row);
  else
    {
      g_list_store_append (self->rows, row);
      g_object_unref (row);
    }
}

static char *
building_name (const CmCoverageBuilding *b)
{
  return b->name && *b->name ? g_strdup (b->name)
                             : g_strdup_printf (_("Building %.8s"), b->uuid);
}

/* nothing to measure from: say so, not "every building is on paths to no source" */
static void
show_no_sources (CmAnalysisPanel *self, const CmAnalysisResult *r, GString *summary)
{
  if (g_str_equal (r->request.selector, "stations"))
    g_string_append (summary, _("This map has no service stations yet, so nothing can be "
                                "measured from them. Choose another source under “From” (a "
                                "kind of resource the map has), or bring the stations in with "
                                "Import…."));
  else
    g_string_append (summary, _("The map has nothing of this kind: choose another source under "
                                "“From”."));
  set_columns (self, _("Building"), _("Nearest source"), _("Metres"), _("Status"));
}

static void
show_coverage (CmAnalysisPanel *self, const CmAnalysisResult *r, guint circle, GString *summary)
{
  const CmCoverage *c = r->coverage;
  if (c->sources->len == 0)
    {
      show_no_sources (self, r, summary);
      return;
    }
  GArray *buildings = c->buildings;
  cm_analysis_append_summary (summary, r, circle);
  set_columns (self, _("Building"), _("Nearest source"), c->walking ? _("Walk m") : _("Metres"),
               _("Status"));
  for (guint b = 0; b < buildings->len; b++)
    {
      const CmCoverageBuilding *bd = &g_array_index (buildings, CmCoverageBuilding, b);
      const CmCoverageSource *s = bd->nearest >= 0
                                      ? &g_array_index (c->sources, CmCoverageSource, bd->nearest)
                                      : NULL;
      const char *status = bd->covered ? _("Covered") : _("Not covered");
      if (c->walking && bd->walk_status == CM_WALK_OFF_NETWORK)
        status = _("No path nearby");
      else if (c->walking && bd->walk_status == CM_WALK_DISCONNECTED)
        status = _("Cut off");
      g_autofree char *name = building_name (bd);
      add_row (self, name, s ? (s->name ? s->name : s->uuid) : NULL,
               c->walking ? bd->walk_m : bd->nearest_m, status, CM_LAYER_BUILDINGS, bd->uuid,
               bd->lon, bd->lat);
    }
}

static void
bbox_centre (const CmGeom *geom, double *lon, double *lat)
{
  double bbox[4] = { 0 };
  if (geom)
    cm_geom_get_bbox (geom, bbox);
  *lon = (bbox[0] + bbox[2]) / 2;
  *lat = (bbox[1] + bbox[3]) / 2;
}

static void
show_teams (CmAnalysisPanel *self, const CmAnalysisResult *r, guint circle, GString *summary)
{
  const CmTeams *t = r->teams;
  cm_analysis_append_summary (summary, r, circle);
  set_columns (self, _("Team or overlap"), _("Kind"), _("Area m²"), _("Buildings"));
  double lon, lat;
  for (guint i = 0; i < t->teams->len; i++)
    {
      const CmTeam *team = &g_array_index (t->teams, CmTeam, i);
      g_autofree char *count = g_strdup_printf ("%u", team->buildings);
      bbox_centre (team->geom, &lon, &lat);
      /* the kind by its label in the map's list, as the details show it */
      g_autoptr (CmKind) kind = team->kind && self->store
                                    ? cm_store_get_kind (self->store, CM_LAYER_TEAMS, team->kind,
                                                         NULL)
                                    : NULL;
      add_row (self, team->name ? team->name : team->uuid,
               kind ? cm_kind_label (kind) : team->kind, team->area_m2, count,
               CM_LAYER_TEAMS, team->uuid, lon, lat);
    }
  for (guint i = 0; i < t->overlaps->len; i++)
    {
      const CmTeamOverlap *o = g_ptr_array_index (t->overlaps, i);
      g_autoptr (GString) names = g_string_new (NULL);
      for (guint j = 0; j < o->teams->len; j++)
        {
          const CmTeam *team = &g_array_index (t->teams, CmTeam, g_array_index (o->teams, int, j));
          g_string_append_printf (names, "%s%s", j ? " + " : "",
                                  team->name ? team->name : team->uuid);
        }
      bbox_centre (o->geom, &lon, &lat);
      add_row (self, names->str, _("Overlap"), o->area_m2, NULL, CM_LAYER_NONE, NULL, lon, lat);
    }
}

/* What building @b lacks of @circle, each missing facility with how far its own nearest one
 * is; the walk to the farthest facility it has into @farthest. */
static char *
life_lacks (const CmLifeReport *life, guint circle, guint b, double *farthest)
{
  GString *lacks = g_string_new (NULL);
  *farthest = NAN;
  for (guint f = 0; f < life->facilities->len; f++)
    {
      const CmLifeFacility *fa = &g_array_index (life->facilities, CmLifeFacility, f);
      if (fa->circle != circle)
        continue;
      if (isfinite (fa->walk_m[b]) && !(fa->walk_m[b] <= *farthest))
        *farthest = fa->walk_m[b];
      if (cm_life_report_passes (life, f, b))
        continue;
      g_autofree char *metres = isfinite (fa->walk_m[b]) ? cm_format_count (fa->walk_m[b]) : NULL;
      g_autofree char *how_far = metres ? g_strdup_printf (_("%s m"), metres)
                                        : g_strdup (_("none reachable"));
      g_string_append_printf (lacks, "%s%s (%s)", lacks->len ? _(", ") : "",
                              cm_i18n_pick (fa->name_zh, fa->name_en), how_far);
    }
  return g_string_free (lacks, FALSE);
}

static void
show_life_circle (CmAnalysisPanel *self, const CmAnalysisResult *r, guint circle,
                  GString *summary)
{
  const CmLifeReport *life = r->life;
  GArray *buildings = life->buildings->buildings;
  guint nb = buildings->len;
  if (circle >= life->circles->len)
    circle = 0;
  cm_analysis_append_summary (summary, r, circle);
  set_columns (self, _("Building"), _("Lacks"), _("Farthest m"), _("Status"));
  for (guint b = 0; b < nb; b++)
    {
      const CmCoverageBuilding *bd = &g_array_index (buildings, CmCoverageBuilding, b);
      double farthest;
      g_autofree char *lacks = life_lacks (life, circle, b, &farthest);
      g_autofree char *name = building_name (bd);
      gboolean meets = cm_life_report_meets (life, circle, b);
      add_row (self, name, lacks, farthest, meets ? _("Has every facility") : _("Lacks some"),
               CM_LAYER_BUILDINGS, bd->uuid, bd->lon, bd->lat);
    }
}

typedef enum
{
  NIGHT_NEVER,
  NIGHT_WHEN_WALKING,
  NIGHT_ALWAYS,
} NightOption;

typedef struct
{
  /* the rows and columns of @result, and its summary into @summary */
  void (*show) (CmAnalysisPanel *self, const CmAnalysisResult *result, guint circle,
                GString *summary);
  gboolean chooses_source; /* From, Measured by, the radius and the distance */
  NightOption at_night;    /* when "At night" applies */
  const char *covered;     /* what "covered" is, for people (N_): per compound, compared */
} KindPanel;

/* One line per kind, in the order of CmAnalysisKind (see cm-analysis.h). */
static const KindPanel kinds[] = {
  [CM_ANALYSIS_COVERAGE] = { show_coverage, TRUE, NIGHT_WHEN_WALKING, N_("covered") },
  [CM_ANALYSIS_TEAMS] = { show_teams, FALSE, NIGHT_NEVER, N_("in a team") },
  [CM_ANALYSIS_LIFE_CIRCLE] = { show_life_circle, FALSE, NIGHT_ALWAYS,
                                N_("with every facility") },
};
G_STATIC_ASSERT (G_N_ELEMENTS (kinds) == CM_N_ANALYSIS_KINDS);

/* ---- the controls --------------------------------------------------------------------------- */

static CmAnalysisKind
chosen_kind (CmAnalysisPanel *self)
{
  return (CmAnalysisKind) MIN (gtk_drop_down_get_selected (self->kind), CM_N_ANALYSIS_KINDS - 1);
}

static gboolean
stations_chosen (CmAnalysisPanel *self)
{
  guint source = gtk_drop_down_get_selected (self->source);
  return source < self->selectors->len &&
         g_str_equal (g_ptr_array_index (self->selectors, source), "stations");
}

static void
update_controls (CmAnalysisPanel *self)
{
  const KindPanel *kind = &kinds[chosen_kind (self)];
  gboolean running = self->cancellable != NULL;
  gboolean walking = gtk_drop_down_get_selected (self->method) == 0;
  gtk_widget_set_visible (GTK_WIDGET (self->coverage_box), kind->chooses_source);
  gtk_widget_set_visible (GTK_WIDGET (self->own_radius), kind->chooses_source && !walking);
  /* only stations have a radius of their own: for anything else it cannot be chosen */
  gboolean stations = stations_chosen (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->own_radius), stations);
  gtk_widget_set_tooltip_text (
      GTK_WIDGET (self->own_radius),
      stations ? _("Each station reaches as far as its own service radius; stations without "
                   "one use the distance below")
               : _("Only service stations have a radius of their own: the distance below is "
                   "used"));
  gtk_widget_set_visible (GTK_WIDGET (self->at_night),
                          kind->at_night == NIGHT_ALWAYS ||
                              (kind->at_night == NIGHT_WHEN_WALKING && walking));
  gtk_widget_set_visible (GTK_WIDGET (self->circle_box), self->result && self->result->life);
  gtk_widget_set_visible (GTK_WIDGET (self->run), !running);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel), running);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->run), self->store != NULL);
  /* sites for new stations: from walking coverage */
  gtk_widget_set_visible (GTK_WIDGET (self->suggest_button),
                          chosen_kind (self) == CM_ANALYSIS_COVERAGE && walking);
  gtk_widget_set_sensitive (GTK_WIDGET (self->suggest_button), self->store != NULL && !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->baseline_button), self->result != NULL && !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), self->result != NULL && !running);
}

/* The sources offered: stations, then each category the map has resources of, most first. */
static void
fill_sources (CmAnalysisPanel *self)
{
  guint old = gtk_drop_down_get_selected (self->source);
  g_autofree char *was = old < self->selectors->len
                             ? g_strdup (g_ptr_array_index (self->selectors, old))
                             : NULL;
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  g_ptr_array_set_size (self->selectors, 0);
  CmLayerStats stations = { 0 };
  if (self->store)
    cm_store_get_layer_stats (self->store, CM_LAYER_STATIONS, &stations, NULL);
  g_autofree char *stations_label =
      stations.count ? g_strdup_printf ("%s (%" G_GINT64_FORMAT ")", _("Service stations"),
                                        stations.count)
                     : g_strdup_printf ("%s (%s)", _("Service stations"), _("none yet"));
  gtk_string_list_append (names, stations_label);
  g_ptr_array_add (self->selectors, g_strdup ("stations"));
  g_autoptr (GHashTable) counts = self->store ? cm_store_count_by_category (
                                                    self->store, CM_LAYER_RESOURCES, NULL)
                                              : NULL;
  g_autoptr (GPtrArray) by_use = counts ? cm_categories_by_use (counts, NULL) : NULL;
  for (guint i = 0; by_use && i < by_use->len; i++)
    {
      const CmCategory *c = g_ptr_array_index (by_use, i);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, c->key));
      /* only what can serve people: not a broken street light or a short cut */
      if (n == 0 || !c->serves)
        continue;
      g_autofree char *label = g_strdup_printf ("%s (%u)", cm_category_label (c->key), n);
      gtk_string_list_append (names, label);
      g_ptr_array_add (self->selectors, g_strconcat ("resources:", c->key, NULL));
    }
  gtk_drop_down_set_model (self->source, G_LIST_MODEL (names));
  for (guint i = 0; was && i < self->selectors->len; i++)
    if (g_str_equal (g_ptr_array_index (self->selectors, i), was))
      gtk_drop_down_set_selected (self->source, i);
}

/* The circle chooser offers the circles of @table (the built-in one, or the one a run read). */
static void
fill_circles (CmAnalysisPanel *self, const CmLifeReport *table)
{
  GListModel *old = gtk_drop_down_get_model (self->circle);
  guint selected = gtk_drop_down_get_selected (self->circle);
  if (old && g_list_model_get_n_items (old) == table->circles->len)
    return; /* the same table as before */
  g_autoptr (GtkStringList) circles = gtk_string_list_new (NULL);
  for (guint i = 0; i < table->circles->len; i++)
    {
      const CmLifeCircle *c = &g_array_index (table->circles, CmLifeCircle, i);
      g_autofree char *label = g_strdup_printf ("%s (%.0f m)",
                                                cm_i18n_pick (c->name_zh, c->name_en), c->walk_m);
      gtk_string_list_append (circles, label);
    }
  /* quietly: the caller shows the result */
  g_signal_handlers_block_matched (self->circle, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_drop_down_set_model (self->circle, G_LIST_MODEL (circles));
  gtk_drop_down_set_selected (self->circle,
                              MIN (old ? selected : FIRST_CIRCLE, table->circles->len - 1));
  g_signal_handlers_unblock_matched (self->circle, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
}

static void
fill_legend (CmAnalysisPanel *self, const CmAnalysisResult *r)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->legend))))
    gtk_list_box_remove (self->legend, child);
  if (r == NULL)
    return;
  g_autoptr (GArray) legend = cm_analysis_legend (r);
  for (guint i = 0; i < legend->len; i++)
    {
      const CmAnalysisLegendItem *item = &g_array_index (legend, CmAnalysisLegendItem, i);
      g_autofree char *markup = g_strdup_printf (
          "<span foreground=\"#%02x%02x%02x\" size=\"large\">%s</span>  %s",
          (int) (item->rgba[0] * 255), (int) (item->rgba[1] * 255), (int) (item->rgba[2] * 255),
          item->hatch == 1 ? "▨" : item->hatch == 2 ? "▧" : item->outline ? "▣" : "■",
          item->label);
      GtkWidget *label = gtk_label_new (NULL);
      gtk_label_set_markup (GTK_LABEL (label), markup);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_start (label, 6);
      gtk_list_box_append (self->legend, label);
    }
}

/* A per-compound row's name: the compound's, the buildings in none, or the whole. */
static const char *
compound_row_name (const CmCompound *compound, gboolean whole)
{
  if (whole)
    return _("Whole community");
  if (compound == NULL)
    return _("In no compound");
  return compound->name ? compound->name : _("(no name)");
}

/* One line per compound (and for the buildings in none, and the whole): how many of its
 * buildings and households are covered, as the kind means it. */
static void
show_compounds (CmAnalysisPanel *self, const CmAnalysisResult *r, guint circle)
{
  self->compound_sums = cm_analysis_result_sum_compounds (r, circle);
  if (self->compound_sums->len == 0)
    return;
  GString *text = g_string_new (NULL);
  const char *covered = _(kinds[r->request.kind].covered);
  for (guint i = 0; i < self->compound_sums->len; i++)
    {
      const CmCompoundSum *s = &g_array_index (self->compound_sums, CmCompoundSum, i);
      const char *name = compound_row_name (s->compound, s->whole);
      g_autofree char *households = cm_format_count ((double) s->households_covered);
      /* TRANSLATORS: "金宁花园: 40 of 52 buildings covered (76.9%), 812 households" */
      g_string_append_printf (text, _("%s: %u of %u buildings %s (%.1f%%), %s households"),
                              name, s->covered, s->buildings, covered,
                              s->buildings ? 100.0 * s->covered / s->buildings : 0.0,
                              households);
      g_string_append_c (text, '\n');
    }
  g_string_truncate (text, text->len - 1);
  gtk_label_set_text (self->compounds, text->str);
  g_string_free (text, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->compounds), TRUE);
}

static void show_result (CmAnalysisPanel *self);

static void
add_station_clicked_cb (GtkButton *button, CmAnalysisPanel *self)
{
  guint i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "site"));
  cm_analysis_panel_add_station (self, i);
}

/* One row per site suggested: where, near what, what it would newly cover. */
static void
show_sites (CmAnalysisPanel *self, const CmAnalysisResult *r)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sites))))
    gtk_list_box_remove (self->sites, child);
  const CmSuggestion *s = r ? r->suggestion : NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->sites), s != NULL);
  if (s == NULL)
    return;
  if (s->sites->len == 0)
    {
      GtkWidget *none = gtk_label_new (_("No site would cover anything more within this walk."));
      gtk_label_set_wrap (GTK_LABEL (none), TRUE);
      gtk_list_box_append (self->sites, none);
      return;
    }
  for (guint i = 0; i < s->sites->len; i++)
    {
      const CmSuggestSite *site = &g_array_index (s->sites, CmSuggestSite, i);
      g_autofree char *households = cm_format_count ((double) site->households);
      g_autofree char *buildings = cm_format_count ((double) site->buildings);
      /* TRANSLATORS: "1. near 清华路: +212 households, +14 buildings" */
      g_autofree char *text = site->near
          ? g_strdup_printf (_("%u. near %s: +%s households, +%s buildings"), i + 1, site->near,
                             households, buildings)
          : g_strdup_printf (_("%u. +%s households, +%s buildings"), i + 1, households,
                             buildings);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      gtk_widget_set_margin_start (row, 6);
      gtk_widget_set_margin_end (row, 6);
      gtk_widget_set_margin_top (row, 4);
      gtk_widget_set_margin_bottom (row, 4);
      GtkWidget *label = gtk_label_new (text);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      GtkWidget *add = gtk_button_new_with_label (_("Add a Station Here"));
      g_object_set_data (G_OBJECT (add), "site", GUINT_TO_POINTER (i));
      g_signal_connect (add, "clicked", G_CALLBACK (add_station_clicked_cb), self);
      gtk_box_append (GTK_BOX (row), label);
      gtk_box_append (GTK_BOX (row), add);
      gtk_list_box_append (self->sites, row);
    }
}

/* "+212 households": what the result shown changes against the baseline, in words, per
 * compound; the buildings newly covered outlined on the map. */
static void
show_comparison (CmAnalysisPanel *self, const CmAnalysisResult *r, guint circle)
{
  g_clear_pointer (&self->compared, cm_comparison_free);
  gtk_widget_set_visible (GTK_WIDGET (self->comparison), self->baseline != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->forget_baseline_button), self->baseline != NULL);
  if (self->baseline == NULL)
    return;
  if (self->baseline->request.kind != r->request.kind)
    {
      gtk_label_set_text (self->comparison, _("The baseline is another kind of analysis: run "
                                              "that kind to compare, or keep this one"));
      return;
    }
  if (self->baseline == r && self->baseline_circle == circle)
    {
      gtk_label_set_text (self->comparison, _("This is the baseline. Change the map (add a "
                                              "station, say) and the next result is compared "
                                              "with it."));
      return;
    }
  self->compared = cm_analysis_compare (self->baseline, self->baseline_circle, r, circle);
  if (self->layer)
    cm_analysis_layer_set_gained (self->layer, self->compared->gained);
  const char *covered = _(kinds[r->request.kind].covered);
  GString *text = g_string_new (_("Against the baseline:"));
  for (guint i = 0; i < self->compared->rows->len; i++)
    {
      const CmCompareRow *c = &g_array_index (self->compared->rows, CmCompareRow, i);
      if (!c->whole && c->gained == 0 && c->lost == 0)
        continue;
      const char *name = compound_row_name (c->compound, c->whole);
      g_autofree char *hg = cm_format_count ((double) c->households_gained);
      g_autofree char *hl = cm_format_count ((double) c->households_lost);
      g_autofree char *pg = cm_format_count ((double) c->population_gained);
      /* TRANSLATORS: "Whole community: +14 buildings covered (+212 households, +530
       * residents); −0 buildings no longer (−0 households)" */
      g_string_append_printf (text, _("\n%s: +%u buildings %s (+%s households, +%s residents); "
                                      "−%u no longer (−%s households)"),
                              name, c->gained, covered, hg, pg, c->lost, hl);
    }
  gtk_label_set_text (self->comparison, text->str);
  g_string_free (text, TRUE);
}

static void
baseline_clicked_cb (CmAnalysisPanel *self)
{
  if (self->result == NULL)
    return;
  if (self->baseline && self->baseline != self->result)
    cm_analysis_result_free (self->baseline);
  self->baseline = self->result; /* shared with the result shown until the next one */
  self->baseline_circle = gtk_drop_down_get_selected (self->circle);
  show_result (self);
}

static void
forget_baseline (CmAnalysisPanel *self)
{
  if (self->baseline && self->baseline != self->result)
    cm_analysis_result_free (self->baseline);
  self->baseline = NULL;
  g_clear_pointer (&self->compared, cm_comparison_free);
  if (self->layer)
    cm_analysis_layer_set_gained (self->layer, NULL);
}

static void
forget_baseline_clicked_cb (CmAnalysisPanel *self)
{
  forget_baseline (self);
  show_result (self);
}

/* The rows, legend, summary and map layer of the result shown. */
static void
show_result (CmAnalysisPanel *self)
{
  const CmAnalysisResult *r = self->result;
  g_list_store_remove_all (self->rows);
  if (r && r->life)
    fill_circles (self, r->life);
  guint circle = gtk_drop_down_get_selected (self->circle);
  if (self->layer)
    cm_analysis_layer_set_result (self->layer, r, circle);
  fill_legend (self, r);
  g_clear_pointer (&self->compound_sums, g_array_unref);
  gtk_widget_set_visible (GTK_WIDGET (self->compounds), FALSE);
  if (r == NULL)
    {
      gtk_label_set_text (self->summary, "");
      update_controls (self);
      return;
    }
  g_autoptr (GString) summary = g_string_new (NULL);
  /* the rows into the table in one change: one by one, a district's 558,796 buildings took
   * the list's views minutes (each addition told them apart) */
  self->adding = g_ptr_array_new_with_free_func (g_object_unref);
  kinds[r->request.kind].show (self, r, circle, summary);
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       self->adding->pdata, self->adding->len);
  g_clear_pointer (&self->adding, g_ptr_array_unref);
  g_string_append_printf (summary, _(" (%.0f ms)"), r->elapsed_ms);
  gtk_label_set_text (self->summary, summary->str);
  show_compounds (self, r, circle);
  show_comparison (self, r, circle);
  show_sites (self, r);
  update_controls (self);
}

/* Lets go of the result: the map layer first, which draws from it. */
static void
drop_result (CmAnalysisPanel *self)
{
  if (self->layer)
    cm_analysis_layer_set_result (self->layer, NULL, 0);
  g_clear_pointer (&self->compound_sums, g_array_unref); /* it points into the result */
  g_clear_pointer (&self->compared, cm_comparison_free);
  if (self->result == self->baseline)
    self->result = NULL; /* the baseline keeps it */
  g_clear_pointer (&self->result, cm_analysis_result_free);
}

/* ---- running -------------------------------------------------------------------------------- */

typedef struct
{
  char *path;
  CmAnalysisRequest request;
  gint progress; /* per mille, written by the worker */
} Job;

static void
job_free (Job *job)
{
  g_free (job->path);
  cm_analysis_request_clear (&job->request);
  g_free (job);
}

static void
job_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  CmAnalysisResult *r = cm_analysis_run (job->path, &job->request, &job->progress, cancellable,
                                         &error);
  if (r)
    g_task_return_pointer (task, r, (GDestroyNotify) cm_analysis_result_free);
  else
    g_task_return_error (task, error);
}

static gboolean
progress_tick_cb (gpointer data)
{
  CmAnalysisPanel *self = data;
  if (self->task == NULL)
    {
      self->tick = 0;
      return G_SOURCE_REMOVE;
    }
  Job *job = g_task_get_task_data (self->task);
  gtk_progress_bar_set_fraction (self->progress, g_atomic_int_get (&job->progress) / 1000.0);
  return G_SOURCE_CONTINUE;
}

static void start (CmAnalysisPanel *self, const CmAnalysisRequest *request);

static void
job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CmAnalysisPanel *self = CM_ANALYSIS_PANEL (source);
  g_autoptr (GError) error = NULL;
  CmAnalysisResult *r = g_task_propagate_pointer (G_TASK (result), &error);
  self->task = NULL;
  g_clear_handle_id (&self->tick, g_source_remove);
  g_clear_object (&self->cancellable);
  if (self->rows == NULL) /* disposed while it ran */
    {
      cm_analysis_result_free (r);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BUSY]);
      return;
    }
  if (r)
    {
      drop_result (self);
      self->result = r;
      show_result (self);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_label_set_text (self->summary, _("Cancelled."));
  else
    {
      g_autofree char *text = g_strdup_printf (_("Could not analyse: %s"), error->message);
      gtk_label_set_text (self->summary, text);
    }
  update_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BUSY]);
  /* the data changed while it ran: once more */
  if (self->stale && self->result && self->store &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->stale = FALSE;
      start (self, &self->result->request);
    }
}

static void
start (CmAnalysisPanel *self, const CmAnalysisRequest *request)
{
  if (self->store == NULL || self->cancellable)
    return;
  Job *job = g_new0 (Job, 1);
  job->path = g_strdup (cm_store_get_path (self->store));
  cm_analysis_request_copy (&job->request, request);
  self->cancellable = g_cancellable_new ();
  self->stale = FALSE;
  GTask *task = g_task_new (self, self->cancellable, job_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  self->task = task;
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_label_set_text (self->summary, _("Analysing…"));
  self->tick = g_timeout_add (100, progress_tick_cb, self);
  update_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BUSY]);
  g_task_run_in_thread (task, job_thread);
  g_object_unref (task);
}

static void
read_request (CmAnalysisPanel *self, CmAnalysisRequest *request)
{
  request->kind = chosen_kind (self);
  guint source = gtk_drop_down_get_selected (self->source);
  request->selector = g_strdup (source < self->selectors->len
                                    ? g_ptr_array_index (self->selectors, source)
                                    : "stations");
  request->walking = gtk_drop_down_get_selected (self->method) == 0;
  request->metres = gtk_spin_button_get_value (self->metres);
  request->fallback_m = request->metres;
  request->at_night = gtk_check_button_get_active (self->at_night);
  if (!request->walking && gtk_check_button_get_active (self->own_radius) &&
      g_str_equal (request->selector, "stations"))
    request->metres = 0;
}

static gboolean
rerun_cb (gpointer data)
{
  CmAnalysisPanel *self = data;
  self->rerun = 0;
  if (self->result == NULL)
    return G_SOURCE_REMOVE;
  if (self->cancellable)
    self->stale = TRUE; /* after the run in progress */
  else
    start (self, &self->result->request);
  return G_SOURCE_REMOVE;
}

/* ---- signal handlers ------------------------------------------------------------------------ */

static void
run_clicked_cb (CmAnalysisPanel *self)
{
  CmAnalysisRequest request = { 0 };
  read_request (self, &request);
  start (self, &request);
  cm_analysis_request_clear (&request);
}

static void
suggest_clicked_cb (CmAnalysisPanel *self)
{
  CmAnalysisRequest request = { 0 };
  read_request (self, &request);
  request.suggest = 3;
  start (self, &request);
  cm_analysis_request_clear (&request);
}

static void
cancel_clicked_cb (CmAnalysisPanel *self)
{
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
}

static void
controls_changed_cb (CmAnalysisPanel *self)
{
  update_controls (self);
}

static void
circle_changed_cb (CmAnalysisPanel *self)
{
  if (self->result && self->result->life)
    show_result (self);
}

/* Choosing a row (a click, or the arrow keys) goes to its building or team. */
static void
row_chosen_cb (CmAnalysisPanel *self)
{
  CmAnalysisRow *row = gtk_single_selection_get_selected_item (self->selection);
  if (row)
    g_signal_emit (self, signals[GO_TO], 0, row);
}

/* ---- the widget ----------------------------------------------------------------------------- */

static void
cm_analysis_panel_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  CmAnalysisPanel *self = CM_ANALYSIS_PANEL (object);
  switch (id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, cm_analysis_panel_is_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
cm_analysis_panel_dispose (GObject *object)
{
  CmAnalysisPanel *self = CM_ANALYSIS_PANEL (object);
  cm_analysis_panel_stop (self);
  g_clear_handle_id (&self->tick, g_source_remove);
  drop_result (self);
  forget_baseline (self);
  g_clear_object (&self->layer);
  g_clear_object (&self->store);
  g_clear_pointer (&self->selectors, g_ptr_array_unref);
  /* a plain GtkWidget unparents its children itself (GTK 4.8 leaves them) */
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  gtk_widget_dispose_template (GTK_WIDGET (self), CM_TYPE_ANALYSIS_PANEL);
  self->rows = NULL; /* the template's: job_done_cb knows the panel is gone */
  G_OBJECT_CLASS (cm_analysis_panel_parent_class)->dispose (object);
}

static void export_clicked_cb (CmAnalysisPanel *self);

static void
cm_analysis_panel_class_init (CmAnalysisPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = cm_analysis_panel_dispose;
  object_class->get_property = cm_analysis_panel_get_property;

  props[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  /* a row was chosen: go to it on the map (and select its building or team) */
  signals[GO_TO] = g_signal_new ("go-to", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, CM_TYPE_ANALYSIS_ROW);
  /* "Add a Station Here": where (longitude, latitude) */
  signals[ADD_STATION] = g_signal_new ("add-station", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                       G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  g_type_ensure (CM_TYPE_ANALYSIS_ROW);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/communitymap/CommunityMap/cm-analysis-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, kind);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, source);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, method);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, circle);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, coverage_box);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, circle_box);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, own_radius);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, at_night);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, metres);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, run);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, cancel);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, progress);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, summary);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, compounds);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, baseline_button);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, forget_baseline_button);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, comparison);
  gtk_widget_class_bind_template_callback (widget_class, baseline_clicked_cb);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, suggest_button);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, export_button);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, sites);
  gtk_widget_class_bind_template_callback (widget_class, suggest_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, forget_baseline_clicked_cb);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, legend);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, table);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, sorted);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, selection);
  gtk_widget_class_bind_template_child (widget_class, CmAnalysisPanel, rows);
  gtk_widget_class_bind_template_callback (widget_class, run_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, controls_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, circle_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_chosen_cb);
}

static void
cm_analysis_panel_init (CmAnalysisPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->selectors = g_ptr_array_new_with_free_func (g_free);

  /* the kinds, named by their table */
  g_autoptr (GtkStringList) kind_names = gtk_string_list_new (NULL);
  for (guint k = 0; k < CM_N_ANALYSIS_KINDS; k++)
    gtk_string_list_append (kind_names, _(cm_analysis_kind_info (k)->name));
  gtk_drop_down_set_model (self->kind, G_LIST_MODEL (kind_names));

  /* each column sorts by its own order (no value last: cm_analysis_row_compare) */
  GListModel *columns = gtk_column_view_get_columns (self->table);
  for (guint i = 0; i < CM_N_ANALYSIS_COLUMNS; i++)
    {
      g_autoptr (GtkColumnViewColumn) col = g_list_model_get_item (columns, i);
      g_autoptr (GtkSorter) sorter = GTK_SORTER (
          gtk_custom_sorter_new (cm_analysis_row_compare, GINT_TO_POINTER (i), NULL));
      gtk_column_view_column_set_sorter (col, sorter);
    }
  gtk_sort_list_model_set_sorter (self->sorted, gtk_column_view_get_sorter (self->table));

  /* the circles of the built-in table until a run reads its own */
  g_autoptr (CmLifeReport) table = cm_life_report_new (NULL, NULL);
  if (table)
    fill_circles (self, table);
  set_columns (self, _("Building"), _("Nearest source"), _("Metres"), _("Status"));
  fill_sources (self);
  update_controls (self);
}

/* ---- for the window and the tests ----------------------------------------------------------- */

void
cm_analysis_panel_set_map (CmAnalysisPanel *self, CmStore *store)
{
  cm_analysis_panel_stop (self);
  drop_result (self);
  forget_baseline (self); /* another map's buildings */
  g_set_object (&self->store, store);
  fill_sources (self);
  show_result (self);
  gtk_label_set_text (self->summary, _("Choose what to analyse, then Analyse."));
}

void
cm_analysis_panel_set_layer (CmAnalysisPanel *self, CmAnalysisLayer *layer)
{
  g_set_object (&self->layer, layer);
}

CmAnalysisLayer *
cm_analysis_panel_get_layer (CmAnalysisPanel *self)
{
  return self->layer;
}

void
cm_analysis_panel_data_changed (CmAnalysisPanel *self, CmLayer layer)
{
  if (layer == CM_LAYER_RESOURCES || layer == CM_LAYER_STATIONS || layer == CM_LAYER_NONE)
    fill_sources (self);
  if (self->result == NULL)
    return;
  /* only what the analysis reads; a moment's wait gathers a burst of edits into one run */
  guint uses = cm_analysis_kind_info (self->result->request.kind)->uses;
  if (layer != CM_LAYER_NONE && !(uses & (1u << layer)))
    return;
  g_clear_handle_id (&self->rerun, g_source_remove);
  self->rerun = g_timeout_add (500, rerun_cb, self);
}

const GPtrArray *
cm_analysis_panel_get_sources (CmAnalysisPanel *self)
{
  return self->selectors;
}

void
cm_analysis_panel_run (CmAnalysisPanel *self, const CmAnalysisRequest *request)
{
  gtk_drop_down_set_selected (self->kind, request->kind);
  start (self, request);
}

void
cm_analysis_panel_stop (CmAnalysisPanel *self)
{
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->rerun, g_source_remove);
  self->stale = FALSE;
}

gboolean
cm_analysis_panel_is_busy (CmAnalysisPanel *self)
{
  return self->task != NULL;
}

gboolean
cm_analysis_panel_is_pending (CmAnalysisPanel *self)
{
  return self->cancellable != NULL || self->rerun != 0;
}

const CmAnalysisResult *
cm_analysis_panel_get_result (CmAnalysisPanel *self)
{
  return self->result;
}

const char *
cm_analysis_panel_get_summary (CmAnalysisPanel *self)
{
  return gtk_label_get_text (self->summary);
}

const GArray *
cm_analysis_panel_get_compounds (CmAnalysisPanel *self)
{
  return self->compound_sums;
}

void
cm_analysis_panel_add_station (CmAnalysisPanel *self, guint site)
{
  const CmSuggestion *s = self->result ? self->result->suggestion : NULL;
  if (s == NULL || site >= s->sites->len)
    return;
  const CmSuggestSite *where = &g_array_index (s->sites, CmSuggestSite, site);
  g_signal_emit (self, signals[ADD_STATION], 0, where->lon, where->lat);
}

gboolean
cm_analysis_panel_export (CmAnalysisPanel *self, const char *path, GError **error)
{
  if (self->result == NULL || self->store == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("there is no result to export: run the analysis first"));
      return FALSE;
    }
  if (g_str_has_suffix (path, ".geojson"))
    return cm_analysis_result_write_geojson (self->result, path, error);
  g_autoptr (GPtrArray) sheets = cm_analysis_result_sheets (self->store, self->result);
  if (!g_str_has_suffix (path, ".csv"))
    return cm_sheets_write_xlsx (sheets, path, error);
  /* CSV from the window is for people: with the byte order mark Excel and WPS need; the table
   * of buildings (of teams, for the teams) */
  return cm_sheet_write_csv (sheets->pdata[MIN (1u, sheets->len - 1)], path, TRUE, error);
}

static gboolean
export_write (GObject *owner, const char *path, GError **error)
{
  return cm_analysis_panel_export (CM_ANALYSIS_PANEL (owner), path, error);
}

static void
export_report (GObject *owner, const char *message)
{
  CmAnalysisPanel *self = CM_ANALYSIS_PANEL (owner);
  gtk_label_set_text (self->comparison, message);
  gtk_widget_set_visible (GTK_WIDGET (self->comparison), TRUE);
}

static void
export_clicked_cb (CmAnalysisPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  /* TRANSLATORS: the file name Export Table… offers */
  cm_export_dialog_show (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("results.xlsx"), TRUE,
                         G_OBJECT (self), export_write, export_report);
}

void
cm_analysis_panel_keep_baseline (CmAnalysisPanel *self)
{
  baseline_clicked_cb (self);
}

const CmComparison *
cm_analysis_panel_get_comparison (CmAnalysisPanel *self)
{
  return self->compared;
}

const char *
cm_analysis_panel_get_comparison_text (CmAnalysisPanel *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->comparison))
             ? gtk_label_get_text (self->comparison)
             : NULL;
}

guint
cm_analysis_panel_get_n_rows (CmAnalysisPanel *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->selection));
}

CmAnalysisRow *
cm_analysis_panel_get_row (CmAnalysisPanel *self, guint position)
{
  g_autoptr (CmAnalysisRow) row = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  return row; /* the model keeps it */
}

void
cm_analysis_panel_sort (CmAnalysisPanel *self, CmAnalysisColumn column, gboolean descending)
{
  g_autoptr (GtkColumnViewColumn) col = g_list_model_get_item (
      gtk_column_view_get_columns (self->table), column);
  gtk_column_view_sort_by_column (self->table, col,
                                  descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
}

void
cm_analysis_panel_choose_row (CmAnalysisPanel *self, guint position)
{
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
}

void
cm_analysis_panel_set_circle (CmAnalysisPanel *self, guint circle)
{
  gtk_drop_down_set_selected (self->circle, circle);
}

guint
cm_analysis_panel_get_circle (CmAnalysisPanel *self)
{
  guint circle = gtk_drop_down_get_selected (self->circle);
  return circle == GTK_INVALID_LIST_POSITION ? 0 : circle;
}
