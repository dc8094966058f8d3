/* cm-window-analysis.c: the analysis panel — choose what to analyse, run it off the main
 * thread with progress and cancel, show the answer as a map layer with a legend and a sortable
 * table (activate a row to go to the building), and run it again when the data it depends on
 * changes. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cm-analysis-layer.h"
#include "cm-category-ui.h"
#include "cm-window-private.h"

/* ---- table rows ------------------------------------------------------------------------------ */

#define CM_TYPE_ANALYSIS_ROW (cm_analysis_row_get_type ())
G_DECLARE_FINAL_TYPE (CmAnalysisRow, cm_analysis_row, CM, ANALYSIS_ROW, GObject)

struct _CmAnalysisRow
{
  GObject parent_instance;
  char *name, *detail, *status;
  double value;      /* metres or m²; NAN: none (sorted last) */
  CmLayer layer;     /* what activating the row selects */
  char *uuid;
  double lon, lat;
};

G_DEFINE_FINAL_TYPE (CmAnalysisRow, cm_analysis_row, G_TYPE_OBJECT)

static void
cm_analysis_row_finalize (GObject *object)
{
  CmAnalysisRow *row = CM_ANALYSIS_ROW (object);
  g_free (row->name);
  g_free (row->detail);
  g_free (row->status);
  g_free (row->uuid);
  G_OBJECT_CLASS (cm_analysis_row_parent_class)->finalize (object);
}

static void
cm_analysis_row_class_init (CmAnalysisRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cm_analysis_row_finalize;
}

static void
cm_analysis_row_init (CmAnalysisRow *row)
{
  row->value = NAN;
}

static CmAnalysisRow *
row_new (const char *name, const char *detail, double value, const char *status, CmLayer layer,
         const char *uuid, double lon, double lat)
{
  CmAnalysisRow *row = g_object_new (CM_TYPE_ANALYSIS_ROW, NULL);
  row->name = g_strdup (name);
  row->detail = g_strdup (detail);
  row->status = g_strdup (status);
  row->value = value;
  row->layer = layer;
  row->uuid = g_strdup (uuid);
  row->lon = lon, row->lat = lat;
  return row;
}

/* ---- columns -------------------------------------------------------------------------------- */

enum
{
  COL_NAME,
  COL_DETAIL,
  COL_VALUE,
  COL_STATUS,
  N_COLS
};

static void
cell_setup (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer column)
{
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_INT (column) == COL_VALUE ? 1 : 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
cell_bind (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer column)
{
  CmAnalysisRow *row = gtk_list_item_get_item (item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  switch (GPOINTER_TO_INT (column))
    {
    case COL_NAME:
      gtk_label_set_text (label, row->name);
      break;
    case COL_DETAIL:
      gtk_label_set_text (label, row->detail ? row->detail : "");
      break;
    case COL_VALUE:
      {
        g_autofree char *text = isnan (row->value) ? g_strdup ("—")
                                                   : g_strdup_printf ("%.0f", row->value);
        gtk_label_set_text (label, text);
        break;
      }
    case COL_STATUS:
      gtk_label_set_text (label, row->status ? row->status : "");
      break;
    }
}

static int
compare_rows (gconstpointer a, gconstpointer b, gpointer column)
{
  const CmAnalysisRow *x = a, *y = b;
  switch (GPOINTER_TO_INT (column))
    {
    case COL_VALUE:
      /* no value (no way there) counts as farther than any: last going up, first going down */
      if (isnan (x->value) || isnan (y->value))
        return isnan (x->value) - isnan (y->value);
      return (x->value > y->value) - (x->value < y->value);
    case COL_NAME:
      return g_utf8_collate (x->name ? x->name : "", y->name ? y->name : "");
    case COL_DETAIL:
      return g_utf8_collate (x->detail ? x->detail : "", y->detail ? y->detail : "");
    default:
      return g_utf8_collate (x->status ? x->status : "", y->status ? y->status : "");
    }
}

/* ---- the panel ------------------------------------------------------------------------------ */

static const char *const KINDS[] = { N_("Service coverage"), N_("Volunteer teams"),
                                     N_("Life circle (GB 50180)"), NULL };

static CmAnalysisKind
chosen_kind (CmWindow *self)
{
  return (CmAnalysisKind) gtk_drop_down_get_selected (self->analysis_kind);
}

static void
update_controls (CmWindow *self)
{
  CmAnalysisKind kind = chosen_kind (self);
  gboolean running = self->analysis_cancellable != NULL;
  gboolean coverage = kind == CM_ANALYSIS_COVERAGE;
  gboolean walking = gtk_drop_down_get_selected (self->analysis_method) == 0;
  gtk_widget_set_visible (GTK_WIDGET (self->analysis_coverage_box), coverage);
  gtk_widget_set_visible (GTK_WIDGET (self->analysis_own_radius), coverage && !walking);
  /* only stations have a radius of their own: for anything else it cannot be chosen */
  guint source = gtk_drop_down_get_selected (self->analysis_source);
  gboolean stations = source < self->analysis_selectors->len &&
                      g_str_equal (g_ptr_array_index (self->analysis_selectors, source),
                                   "stations");
  gtk_widget_set_sensitive (GTK_WIDGET (self->analysis_own_radius), stations);
  gtk_widget_set_tooltip_text (
      GTK_WIDGET (self->analysis_own_radius),
      stations ? _("Each station reaches as far as its own service radius; stations without "
                   "one use the distance below")
               : _("Only service stations have a radius of their own: the distance below is "
                   "used"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->analysis_metres), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->analysis_at_night),
                          (coverage && walking) || kind == CM_ANALYSIS_LIFE_CIRCLE);
  gtk_widget_set_visible (GTK_WIDGET (self->analysis_circle_box),
                          self->analysis_result && self->analysis_result->life);
  gtk_widget_set_visible (GTK_WIDGET (self->analysis_run), !running);
  gtk_widget_set_visible (GTK_WIDGET (self->analysis_cancel), running);
  gtk_widget_set_visible (GTK_WIDGET (self->analysis_progress), running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->analysis_run), self->store != NULL);
}

/* The sources offered: stations, then each category the map has resources of, most first. */
static void
fill_sources (CmWindow *self)
{
  guint old = gtk_drop_down_get_selected (self->analysis_source);
  g_autofree char *was = old < self->analysis_selectors->len
                             ? g_strdup (g_ptr_array_index (self->analysis_selectors, old))
                             : NULL;
  GtkStringList *names = gtk_string_list_new (NULL);
  g_ptr_array_set_size (self->analysis_selectors, 0);
  CmLayerStats stations = { 0 };
  if (self->store)
    cm_store_get_layer_stats (self->store, CM_LAYER_STATIONS, &stations, NULL);
  g_autofree char *stations_label =
      stations.count ? g_strdup_printf ("%s (%" G_GINT64_FORMAT ")", _("Service stations"),
                                        stations.count)
                     : g_strdup_printf ("%s (%s)", _("Service stations"), _("none yet"));
  gtk_string_list_append (names, stations_label);
  g_ptr_array_add (self->analysis_selectors, g_strdup ("stations"));
  if (self->store)
    {
      g_autoptr (GHashTable) counts = cm_store_count_by_category (self->store,
                                                                  CM_LAYER_RESOURCES, NULL);
      g_autoptr (GPtrArray) by_use = cm_categories_by_use (counts, NULL);
      for (guint i = 0; counts && i < by_use->len; i++)
        {
          const CmCategory *c = g_ptr_array_index (by_use, i);
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, c->key));
          /* only what can serve people: not a broken street light or a short cut */
          if (n == 0 || !c->serves)
            continue;
          g_autofree char *label = g_strdup_printf ("%s (%u)", cm_category_label (c->key), n);
          gtk_string_list_append (names, label);
          g_ptr_array_add (self->analysis_selectors, g_strconcat ("resources:", c->key, NULL));
        }
    }
  gtk_drop_down_set_model (self->analysis_source, G_LIST_MODEL (names));
  g_object_unref (names);
  for (guint i = 0; was && i < self->analysis_selectors->len; i++)
    if (g_str_equal (g_ptr_array_index (self->analysis_selectors, i), was))
      gtk_drop_down_set_selected (self->analysis_source, i);
}

/* The circle chooser offers the circles of @table (the built-in one, or the one a run read). */
static void
fill_circles (CmWindow *self, const CmLifeReport *table)
{
  GListModel *old = gtk_drop_down_get_model (self->analysis_circle);
  guint selected = gtk_drop_down_get_selected (self->analysis_circle);
  if (old && g_list_model_get_n_items (old) == table->circles->len)
    return; /* the same table as before */
  GtkStringList *circles = gtk_string_list_new (NULL);
  for (guint i = 0; i < table->circles->len; i++)
    {
      const CmLifeCircle *c = &g_array_index (table->circles, CmLifeCircle, i);
      g_autofree char *label = g_strdup_printf ("%s (%.0f m)", cm_i18n_pick (c->name_zh, c->name_en),
                                                c->walk_m);
      gtk_string_list_append (circles, label);
    }
  /* quietly: the caller shows the result */
  g_signal_handlers_block_matched (self->analysis_circle, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                   self);
  gtk_drop_down_set_model (self->analysis_circle, G_LIST_MODEL (circles));
  g_object_unref (circles);
  gtk_drop_down_set_selected (self->analysis_circle, MIN (selected, table->circles->len - 1));
  g_signal_handlers_unblock_matched (self->analysis_circle, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                     self);
}

static void
set_columns (CmWindow *self, const char *const titles[N_COLS])
{
  GListModel *columns = gtk_column_view_get_columns (self->analysis_table);
  for (guint i = 0; i < N_COLS; i++)
    {
      g_autoptr (GtkColumnViewColumn) col = g_list_model_get_item (columns, i);
      gtk_column_view_column_set_title (col, titles[i]);
    }
}

static char *
building_name (const CmCoverageBuilding *b)
{
  return b->name && *b->name ? g_strdup (b->name)
                             : g_strdup_printf (_("Building %.8s"), b->uuid);
}

/* The rows, legend and summary of the result shown. */
static void
show_result (CmWindow *self)
{
  const CmAnalysisResult *r = self->analysis_result;
  g_list_store_remove_all (self->analysis_rows);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->analysis_legend))))
    gtk_list_box_remove (self->analysis_legend, child);
  if (r && r->life)
    fill_circles (self, r->life);
  guint circle = gtk_drop_down_get_selected (self->analysis_circle);
  cm_analysis_layer_set_result (self->analysis_layer, r, circle);
  if (r == NULL)
    {
      gtk_label_set_text (self->analysis_summary, "");
      update_controls (self);
      return;
    }

  GString *summary = g_string_new (NULL);
  GArray *buildings = cm_analysis_result_get_buildings (r);
  guint nb = buildings ? buildings->len : 0;
  if (r->coverage && r->coverage->sources->len == 0)
    {
      /* nothing to measure from: say so, not "every building is on paths to no source" */
      if (g_str_equal (r->request.selector, "stations"))
        g_string_append (summary, _("This map has no service stations yet, so nothing can be "
                                    "measured from them. Choose another source under “From” "
                                    "(a kind of resource the map has), or bring the stations "
                                    "in with Import…."));
      else
        g_string_append (summary, _("The map has nothing of this kind: choose another source "
                                    "under “From”."));
      const char *titles[N_COLS] = { _("Building"), _("Nearest source"), _("Metres"),
                                     _("Status") };
      set_columns (self, titles);
    }
  else if (r->coverage)
    {
      const CmCoverage *c = r->coverage;
      if (r->without_radius > 0)
        g_string_append_printf (summary,
                                ngettext ("%u station has no service radius of its own: "
                                          "%.0f m is used for it. ",
                                          "%u stations have no service radius of their own: "
                                          "%.0f m is used for them. ",
                                          r->without_radius),
                                r->without_radius, r->request.fallback_m);
      if (c->walking)
        g_string_append_printf (summary,
                                _("%u of %u buildings are within %.0f m walk of a source "
                                  "(%.1f%%)."),
                                c->covered, nb, r->request.metres,
                                nb ? 100.0 * c->covered / nb : 0.0);
      else
        g_string_append_printf (summary,
                                _("%u of %u buildings are within a service radius (%.1f%%)."),
                                c->covered, nb, nb ? 100.0 * c->covered / nb : 0.0);
      if (c->walking && (c->off_network || c->disconnected))
        g_string_append_printf (summary,
                                _(" %u have no path within %.0f m; %u are on paths that lead "
                                  "to no source."),
                                c->off_network, CM_NETWORK_MAX_ACCESS_M, c->disconnected);
      if (c->population_covered + c->population_uncovered > 0)
        g_string_append_printf (summary, _(" Residents not covered: %lld."),
                                (long long) c->population_uncovered);
      const char *titles[N_COLS] = { _("Building"), _("Nearest source"),
                                     c->walking ? _("Walk m") : _("Metres"), _("Status") };
      set_columns (self, titles);
      for (guint b = 0; b < nb; b++)
        {
          const CmCoverageBuilding *bd = &g_array_index (buildings, CmCoverageBuilding, b);
          const CmCoverageSource *s = bd->nearest >= 0
                                          ? &g_array_index (c->sources, CmCoverageSource,
                                                            bd->nearest)
                                          : NULL;
          const char *status = bd->covered ? _("Covered") : _("Not covered");
          if (c->walking && bd->walk_status == CM_WALK_OFF_NETWORK)
            status = _("No path nearby");
          else if (c->walking && bd->walk_status == CM_WALK_DISCONNECTED)
            status = _("Cut off");
          g_autofree char *name = building_name (bd);
          g_autoptr (CmAnalysisRow) row = row_new (
              name, s ? (s->name ? s->name : s->uuid) : NULL,
              c->walking ? bd->walk_m : bd->nearest_m, status, CM_LAYER_BUILDINGS, bd->uuid,
              bd->lon, bd->lat);
          g_list_store_append (self->analysis_rows, row);
        }
    }
  else if (r->teams)
    {
      const CmTeams *t = r->teams;
      if (t->boundary_area_m2 > 0)
        g_string_append_printf (summary,
                                _("Teams cover %.1f%% of the community; gaps: %.0f m²; "
                                  "overlaps: %.0f m²."),
                                100 * t->covered_in_boundary_m2 / t->boundary_area_m2,
                                t->gaps_area_m2, t->overlap_area_m2);
      else
        g_string_append_printf (summary,
                                _("No community boundary is drawn, so gaps cannot be shown; "
                                  "overlaps: %.0f m²."),
                                t->overlap_area_m2);
      g_string_append_printf (summary, _(" %u of %u buildings are outside every team."),
                              t->buildings_outside, nb);
      const char *titles[N_COLS] = { _("Team or overlap"), _("Kind"), _("Area m²"),
                                     _("Buildings") };
      set_columns (self, titles);
      for (guint i = 0; i < t->teams->len; i++)
        {
          const CmTeam *team = &g_array_index (t->teams, CmTeam, i);
          double bbox[4];
          cm_geom_get_bbox (team->geom, bbox);
          g_autofree char *count = g_strdup_printf ("%u", team->buildings);
          g_autoptr (CmAnalysisRow) row = row_new (
              team->name ? team->name : team->uuid, team->kind, team->area_m2, count,
              CM_LAYER_TEAMS, team->uuid, (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2);
          g_list_store_append (self->analysis_rows, row);
        }
      for (guint i = 0; i < t->overlaps->len; i++)
        {
          const CmTeamOverlap *o = g_ptr_array_index (t->overlaps, i);
          GString *names = g_string_new (NULL);
          for (guint j = 0; j < o->teams->len; j++)
            {
              const CmTeam *team = &g_array_index (t->teams, CmTeam,
                                                   g_array_index (o->teams, int, j));
              g_string_append_printf (names, "%s%s", j ? " + " : "",
                                      team->name ? team->name : team->uuid);
            }
          double bbox[4] = { 0 };
          if (o->geom)
            cm_geom_get_bbox (o->geom, bbox);
          g_autoptr (CmAnalysisRow) row = row_new (names->str, _("Overlap"), o->area_m2, NULL,
                                                   CM_LAYER_NONE, NULL, (bbox[0] + bbox[2]) / 2,
                                                   (bbox[1] + bbox[3]) / 2);
          g_string_free (names, TRUE);
          g_list_store_append (self->analysis_rows, row);
        }
    }
  else if (r->life)
    {
      const CmLifeReport *life = r->life;
      if (circle >= life->circles->len)
        circle = 0;
      const CmLifeCircle *ci = &g_array_index (life->circles, CmLifeCircle, circle);
      g_string_append_printf (summary, _("%s (%.0f m): %u of %u buildings have every facility "
                                         "(%.1f%%)."),
                              cm_i18n_pick (ci->name_zh, ci->name_en), ci->walk_m,
                              ci->buildings_met, nb, nb ? 100.0 * ci->buildings_met / nb : 0.0);
      const char *titles[N_COLS] = { _("Building"), _("Lacks"), _("Farthest m"), _("Status") };
      set_columns (self, titles);
      for (guint b = 0; b < nb; b++)
        {
          const CmCoverageBuilding *bd = &g_array_index (buildings, CmCoverageBuilding, b);
          GString *lacks = g_string_new (NULL);
          double farthest = NAN;
          for (guint f = 0; f < life->facilities->len; f++)
            {
              const CmLifeFacility *fa = &g_array_index (life->facilities, CmLifeFacility, f);
              if (fa->circle != circle)
                continue;
              if (isfinite (fa->walk_m[b]) && !(fa->walk_m[b] <= farthest))
                farthest = fa->walk_m[b];
              if (!cm_life_report_passes (life, f, b))
                {
                  /* each missing facility with how far its own nearest one is */
                  g_autofree char *metres = isfinite (fa->walk_m[b])
                                                ? cm_format_count (fa->walk_m[b])
                                                : NULL;
                  g_autofree char *how_far = metres ? g_strdup_printf (_("%s m"), metres)
                                                    : g_strdup (_("none reachable"));
                  g_string_append_printf (lacks, "%s%s (%s)", lacks->len ? _(", ") : "",
                                          cm_i18n_pick (fa->name_zh, fa->name_en), how_far);
                }
            }
          gboolean meets = cm_life_report_meets (life, circle, b);
          g_autofree char *name = building_name (bd);
          g_autoptr (CmAnalysisRow) row = row_new (
              name, lacks->str, farthest, meets ? _("Has every facility") : _("Lacks some"),
              CM_LAYER_BUILDINGS, bd->uuid, bd->lon, bd->lat);
          g_string_free (lacks, TRUE);
          g_list_store_append (self->analysis_rows, row);
        }
    }
  g_string_append_printf (summary, _(" (%.0f ms)"), r->elapsed_ms);
  gtk_label_set_text (self->analysis_summary, summary->str);
  g_string_free (summary, TRUE);

  g_autoptr (GArray) legend = cm_analysis_legend (r);
  for (guint i = 0; i < legend->len; i++)
    {
      const CmAnalysisLegendItem *item = &g_array_index (legend, CmAnalysisLegendItem, i);
      g_autofree char *color = g_strdup_printf (
          "#%02x%02x%02x", (int) (item->rgba[0] * 255), (int) (item->rgba[1] * 255),
          (int) (item->rgba[2] * 255));
      g_autofree char *markup = g_strdup_printf (
          "<span foreground=\"%s\" size=\"large\">%s</span>  %s", color,
          item->hatch == 1 ? "▨" : item->hatch == 2 ? "▧" : item->outline ? "▣" : "■",
          item->label);
      GtkWidget *label = gtk_label_new (NULL);
      gtk_label_set_markup (GTK_LABEL (label), markup);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_start (label, 6);
      gtk_list_box_append (self->analysis_legend, label);
    }
  update_controls (self);
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
progress_tick (gpointer data)
{
  CmWindow *self = data;
  GTask *task = self->analysis_task;
  if (task == NULL)
    return G_SOURCE_REMOVE;
  Job *job = g_task_get_task_data (task);
  gtk_progress_bar_set_fraction (self->analysis_progress,
                                 g_atomic_int_get (&job->progress) / 1000.0);
  return G_SOURCE_CONTINUE;
}

static void start_analysis (CmWindow *self, const CmAnalysisRequest *request);

static void
job_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CmWindow *self = CM_WINDOW (source);
  g_autoptr (GError) error = NULL;
  CmAnalysisResult *r = g_task_propagate_pointer (G_TASK (result), &error);
  self->analysis_task = NULL;
  g_clear_handle_id (&self->analysis_tick, g_source_remove);
  g_clear_object (&self->analysis_cancellable);
  if (self->analysis_rows == NULL || self->closing) /* the window was closed while it ran */
    {
      cm_analysis_result_free (r);
      _cm_window_background_done (self);
      return;
    }
  if (r)
    {
      /* the layer lets go of the old result before it is freed */
      cm_analysis_layer_set_result (self->analysis_layer, NULL, 0);
      g_clear_pointer (&self->analysis_result, cm_analysis_result_free);
      self->analysis_result = r;
      show_result (self);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_label_set_text (self->analysis_summary, _("Cancelled."));
  else
    {
      g_autofree char *text = g_strdup_printf (_("Could not analyse: %s"), error->message);
      gtk_label_set_text (self->analysis_summary, text);
    }
  update_controls (self);
  /* the data changed while it ran: once more */
  if (self->analysis_stale && self->analysis_result && !g_error_matches (error, G_IO_ERROR,
                                                                          G_IO_ERROR_CANCELLED))
    {
      self->analysis_stale = FALSE;
      start_analysis (self, &self->analysis_result->request);
    }
}

static void
start_analysis (CmWindow *self, const CmAnalysisRequest *request)
{
  if (self->store == NULL || self->analysis_cancellable)
    return;
  Job *job = g_new0 (Job, 1);
  job->path = g_strdup (self->path);
  job->request = *request;
  job->request.selector = g_strdup (request->selector);
  self->analysis_cancellable = g_cancellable_new ();
  self->analysis_stale = FALSE;
  GTask *task = g_task_new (self, self->analysis_cancellable, job_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  self->analysis_task = task;
  gtk_progress_bar_set_fraction (self->analysis_progress, 0);
  gtk_label_set_text (self->analysis_summary, _("Analysing…"));
  self->analysis_tick = g_timeout_add (100, progress_tick, self);
  update_controls (self);
  g_task_run_in_thread (task, job_thread);
  g_object_unref (task);
}

static void
read_request (CmWindow *self, CmAnalysisRequest *request)
{
  request->kind = chosen_kind (self);
  guint source = gtk_drop_down_get_selected (self->analysis_source);
  request->selector = g_strdup (source < self->analysis_selectors->len
                                    ? g_ptr_array_index (self->analysis_selectors, source)
                                    : "stations");
  request->walking = gtk_drop_down_get_selected (self->analysis_method) == 0;
  request->metres = gtk_spin_button_get_value (self->analysis_metres);
  request->fallback_m = request->metres;
  request->at_night = gtk_check_button_get_active (self->analysis_at_night);
  if (!request->walking && gtk_check_button_get_active (self->analysis_own_radius) &&
      g_str_equal (request->selector, "stations"))
    request->metres = 0;
}

static void
run_clicked (GtkButton *button, CmWindow *self)
{
  CmAnalysisRequest request = { 0 };
  read_request (self, &request);
  start_analysis (self, &request);
  cm_analysis_request_clear (&request);
}

static void
cancel_clicked (GtkButton *button, CmWindow *self)
{
  if (self->analysis_cancellable)
    g_cancellable_cancel (self->analysis_cancellable);
}

static void
controls_changed (CmWindow *self)
{
  update_controls (self);
}

static void
circle_changed (CmWindow *self)
{
  if (self->analysis_result && self->analysis_result->life)
    show_result (self);
}

/* Choosing a row (a click, or the arrow keys) goes to its building (or team) and selects it
 * on the map. */
static void
go_to_row (GtkColumnView *view, guint position, CmWindow *self)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (view));
  g_autoptr (CmAnalysisRow) row = g_list_model_get_item (model, position);
  if (row == NULL)
    return;
  double zoom = MAX (shumate_viewport_get_zoom_level (_cm_window_get_viewport (self)), 17);
  shumate_map_go_to_full (shumate_simple_map_get_map (self->map), row->lat, row->lon, zoom);
  if (row->uuid && row->layer != CM_LAYER_NONE)
    {
      g_autoptr (CmFeature) f = cm_store_get_feature (self->store, row->layer, row->uuid, NULL);
      if (f)
        _cm_window_select_feature (self, f);
    }
}

static void
row_chosen (CmWindow *self)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (self->analysis_table));
  guint position = gtk_single_selection_get_selected (selection);
  if (position != GTK_INVALID_LIST_POSITION)
    go_to_row (self->analysis_table, position, self);
}

static gboolean
rerun_timeout (gpointer data)
{
  CmWindow *self = data;
  self->analysis_rerun = 0;
  if (self->analysis_result == NULL)
    return G_SOURCE_REMOVE;
  if (self->analysis_cancellable)
    self->analysis_stale = TRUE; /* after the run in progress */
  else
    start_analysis (self, &self->analysis_result->request);
  return G_SOURCE_REMOVE;
}

/* ---- for the window ------------------------------------------------------------------------- */

void
_cm_window_analysis_data_changed (CmWindow *self, CmLayer layer)
{
  if (layer == CM_LAYER_RESOURCES || layer == CM_LAYER_NONE)
    fill_sources (self);
  if (self->analysis_result == NULL)
    return;
  /* what each analysis depends on; a moment's wait gathers a burst of edits into one run */
  guint uses = 1u << CM_LAYER_BUILDINGS;
  switch (self->analysis_result->request.kind)
    {
    case CM_ANALYSIS_COVERAGE:
      uses |= 1u << CM_LAYER_PATHS | 1u << CM_LAYER_BARRIERS | 1u << CM_LAYER_STATIONS
              | 1u << CM_LAYER_RESOURCES;
      break;
    case CM_ANALYSIS_TEAMS:
      uses |= 1u << CM_LAYER_TEAMS | 1u << CM_LAYER_BOUNDARY;
      break;
    case CM_ANALYSIS_LIFE_CIRCLE:
      uses |= 1u << CM_LAYER_PATHS | 1u << CM_LAYER_BARRIERS | 1u << CM_LAYER_STATIONS
              | 1u << CM_LAYER_RESOURCES;
      break;
    }
  if (layer != CM_LAYER_NONE && !(uses & (1u << layer)))
    return;
  if (self->analysis_rerun)
    g_source_remove (self->analysis_rerun);
  self->analysis_rerun = g_timeout_add (500, rerun_timeout, self);
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static GtkWidget *
caption (const char *text, GtkWidget *for_widget)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), for_widget);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static GtkDropDown *
drop_down (const char *const *strings, gboolean translate)
{
  GtkStringList *list = gtk_string_list_new (NULL);
  for (; strings && *strings; strings++)
    gtk_string_list_append (list, translate ? _(*strings) : *strings);
  return GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (list), NULL));
}

static void
toggle_analysis_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  gtk_toggle_button_set_active (self->analysis_button,
                                !gtk_toggle_button_get_active (self->analysis_button));
}

void
_cm_window_analysis_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, CmWindow, analysis_button);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, analysis_pane);
  gtk_widget_class_install_action (widget_class, "win.toggle-analysis", NULL,
                                   toggle_analysis_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F8, 0, "win.toggle-analysis", NULL);
}

void
_cm_window_analysis_init (CmWindow *self)
{
  self->analysis_selectors = g_ptr_array_new_with_free_func (g_free);
  self->analysis_rows = g_list_store_new (CM_TYPE_ANALYSIS_ROW);
  self->analysis_layer = cm_analysis_layer_new (_cm_window_get_viewport (self));
  /* under the labels and the selection (refresh_tiles keeps it there) */
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->analysis_layer));

  /* the controls, summary and legend scroll when the screen is short (a 1024 × 768
   * projector): the window must never be forced taller than the screen */
  GtkBox *outer = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 6));
  gtk_widget_set_margin_start (GTK_WIDGET (outer), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (outer), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (outer), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (outer), 12);
  gtk_widget_set_vexpand (GTK_WIDGET (outer), TRUE);
  gtk_box_append (self->analysis_pane, GTK_WIDGET (outer));
  GtkWidget *controls = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (controls), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (controls), TRUE);
  gtk_box_append (outer, controls);
  GtkBox *box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 6));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (controls), GTK_WIDGET (box));

  gtk_box_append (box, heading (_("Analysis")));
  self->analysis_kind = drop_down (KINDS, TRUE);
  gtk_box_append (box, caption (_("_What"), GTK_WIDGET (self->analysis_kind)));
  gtk_box_append (box, GTK_WIDGET (self->analysis_kind));

  self->analysis_coverage_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 6));
  self->analysis_source = drop_down (NULL, FALSE);
  gtk_box_append (self->analysis_coverage_box,
                  caption (_("_From"), GTK_WIDGET (self->analysis_source)));
  gtk_box_append (self->analysis_coverage_box, GTK_WIDGET (self->analysis_source));
  static const char *const methods[] = { N_("Walking along the paths"), N_("Straight line"),
                                         NULL };
  self->analysis_method = drop_down (methods, TRUE);
  gtk_box_append (self->analysis_coverage_box,
                  caption (_("_Measured by"), GTK_WIDGET (self->analysis_method)));
  gtk_box_append (self->analysis_coverage_box, GTK_WIDGET (self->analysis_method));
  self->analysis_own_radius = GTK_CHECK_BUTTON (
      gtk_check_button_new_with_mnemonic (_("Each station's own service _radius")));
  gtk_check_button_set_active (self->analysis_own_radius, TRUE);
  gtk_box_append (self->analysis_coverage_box, GTK_WIDGET (self->analysis_own_radius));
  self->analysis_at_night = GTK_CHECK_BUTTON (
      gtk_check_button_new_with_mnemonic (_("At _night: gates locked at night are closed")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->analysis_at_night),
                               _("The gates residents marked as locked at night (夜间锁闭的门) "
                                 "close the way"));
  self->analysis_metres = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (50, 5000, 50));
  gtk_spin_button_set_value (self->analysis_metres, 500);
  gtk_box_append (self->analysis_coverage_box,
                  caption (_("_Distance in metres"), GTK_WIDGET (self->analysis_metres)));
  gtk_box_append (self->analysis_coverage_box, GTK_WIDGET (self->analysis_metres));
  gtk_box_append (box, GTK_WIDGET (self->analysis_coverage_box));
  gtk_box_append (box, GTK_WIDGET (self->analysis_at_night));

  GtkBox *buttons = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6));
  self->analysis_run = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Analyse")));
  gtk_widget_add_css_class (GTK_WIDGET (self->analysis_run), "suggested-action");
  self->analysis_cancel = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Cancel")));
  self->analysis_progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->analysis_progress), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->analysis_progress), GTK_ALIGN_CENTER);
  gtk_box_append (buttons, GTK_WIDGET (self->analysis_run));
  gtk_box_append (buttons, GTK_WIDGET (self->analysis_progress));
  gtk_box_append (buttons, GTK_WIDGET (self->analysis_cancel));
  gtk_widget_set_margin_top (GTK_WIDGET (buttons), 6);
  gtk_box_append (box, GTK_WIDGET (buttons));

  self->analysis_summary = GTK_LABEL (gtk_label_new (_("Choose what to analyse, then Analyse.")));
  gtk_label_set_wrap (self->analysis_summary, TRUE);
  gtk_label_set_xalign (self->analysis_summary, 0);
  gtk_label_set_selectable (self->analysis_summary, TRUE);
  gtk_box_append (box, GTK_WIDGET (self->analysis_summary));

  /* the circles of the built-in table until a run reads its own */
  self->analysis_circle_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 6));
  self->analysis_circle = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  g_autoptr (CmLifeReport) table = cm_life_report_new (NULL, NULL);
  if (table)
    fill_circles (self, table);
  gtk_drop_down_set_selected (self->analysis_circle, 2); /* the 5-minute circle */
  gtk_box_append (self->analysis_circle_box,
                  caption (_("_Circle shown"), GTK_WIDGET (self->analysis_circle)));
  gtk_box_append (self->analysis_circle_box, GTK_WIDGET (self->analysis_circle));
  gtk_box_append (box, GTK_WIDGET (self->analysis_circle_box));

  self->analysis_legend = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->analysis_legend, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->analysis_legend), "boxed-list");
  gtk_box_append (box, GTK_WIDGET (self->analysis_legend));

  /* the table: sortable by any column; choosing a row goes there */
  GtkSortListModel *sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->analysis_rows)),
                                                      NULL);
  GtkSingleSelection *selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  /* nothing chosen until someone chooses: a new result must not fly the map anywhere */
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  self->analysis_table = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (selection)));
  for (int i = 0; i < N_COLS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), GINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), GINT_TO_POINTER (i));
      GtkColumnViewColumn *col = gtk_column_view_column_new ("", factory);
      GtkSorter *sorter = GTK_SORTER (gtk_custom_sorter_new (compare_rows, GINT_TO_POINTER (i),
                                                             NULL));
      gtk_column_view_column_set_sorter (col, sorter);
      g_object_unref (sorter);
      gtk_column_view_column_set_resizable (col, TRUE);
      gtk_column_view_column_set_expand (col, i == COL_NAME || i == COL_DETAIL);
      gtk_column_view_append_column (self->analysis_table, col);
      g_object_unref (col);
    }
  gtk_sort_list_model_set_sorter (sorted, gtk_column_view_get_sorter (self->analysis_table));
  g_signal_connect_swapped (selection, "notify::selected", G_CALLBACK (row_chosen), self);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->analysis_table));
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_widget_set_size_request (scroller, -1, 120);
  gtk_box_append (outer, scroller);

  g_signal_connect (self->analysis_run, "clicked", G_CALLBACK (run_clicked), self);
  g_signal_connect (self->analysis_cancel, "clicked", G_CALLBACK (cancel_clicked), self);
  g_signal_connect_swapped (self->analysis_kind, "notify::selected", G_CALLBACK (controls_changed), self);
  g_signal_connect_swapped (self->analysis_method, "notify::selected", G_CALLBACK (controls_changed), self);
  g_signal_connect_swapped (self->analysis_own_radius, "toggled", G_CALLBACK (controls_changed), self);
  g_signal_connect_swapped (self->analysis_source, "notify::selected", G_CALLBACK (controls_changed), self);
  g_signal_connect_swapped (self->analysis_circle, "notify::selected", G_CALLBACK (circle_changed), self);
  fill_sources (self);
  update_controls (self);
}

void
_cm_window_analysis_dispose (CmWindow *self)
{
  if (self->analysis_cancellable)
    g_cancellable_cancel (self->analysis_cancellable);
  g_clear_handle_id (&self->analysis_rerun, g_source_remove);
  g_clear_handle_id (&self->analysis_tick, g_source_remove);
  if (self->analysis_layer)
    cm_analysis_layer_set_result (self->analysis_layer, NULL, 0);
  g_clear_pointer (&self->analysis_result, cm_analysis_result_free);
  g_clear_pointer (&self->analysis_selectors, g_ptr_array_unref);
  g_clear_object (&self->analysis_rows);
}

void
_cm_window_analysis_map_opened (CmWindow *self)
{
  if (self->analysis_cancellable)
    g_cancellable_cancel (self->analysis_cancellable);
  g_clear_handle_id (&self->analysis_rerun, g_source_remove);
  cm_analysis_layer_set_result (self->analysis_layer, NULL, 0);
  g_clear_pointer (&self->analysis_result, cm_analysis_result_free);
  fill_sources (self);
  show_result (self);
  gtk_label_set_text (self->analysis_summary, _("Choose what to analyse, then Analyse."));
}

/* ---- for tests ------------------------------------------------------------------------------ */

void
cm_window_run_analysis (CmWindow *self, int kind, const char *selector, gboolean walking,
                        double metres)
{
  CmAnalysisRequest request = { kind, (char *) selector, walking, metres };
  gtk_toggle_button_set_active (self->analysis_button, TRUE);
  gtk_drop_down_set_selected (self->analysis_kind, (guint) kind);
  start_analysis (self, &request);
}

void
cm_window_cancel_analysis (CmWindow *self)
{
  cancel_clicked (NULL, self);
}

gboolean
cm_window_is_analysing (CmWindow *self)
{
  return self->analysis_cancellable != NULL || self->analysis_rerun != 0;
}

gconstpointer
cm_window_get_analysis (CmWindow *self)
{
  return self->analysis_result;
}

const char *
cm_window_get_analysis_summary (CmWindow *self)
{
  return gtk_label_get_text (self->analysis_summary);
}

guint
cm_window_get_analysis_rows (CmWindow *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (self->analysis_table)));
}

void
cm_window_sort_analysis (CmWindow *self, guint column, gboolean descending)
{
  g_autoptr (GtkColumnViewColumn) col = g_list_model_get_item (
      gtk_column_view_get_columns (self->analysis_table), column);
  gtk_column_view_sort_by_column (self->analysis_table, col,
                                  descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
}

double
cm_window_get_analysis_row (CmWindow *self, guint position, const char **name,
                            const char **uuid)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (self->analysis_table));
  g_autoptr (CmAnalysisRow) row = g_list_model_get_item (model, position);
  if (name)
    *name = row->name;
  if (uuid)
    *uuid = row->uuid;
  return row->value;
}

char *
cm_window_dup_analysis_row_text (CmWindow *self, guint position, guint column)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (self->analysis_table));
  g_autoptr (CmAnalysisRow) row = g_list_model_get_item (model, position);
  switch (column)
    {
    case COL_NAME: return g_strdup (row->name);
    case COL_DETAIL: return g_strdup (row->detail);
    case COL_STATUS: return g_strdup (row->status);
    default: return g_strdup_printf ("%.1f", row->value);
    }
}

void
cm_window_activate_analysis_row (CmWindow *self, guint position)
{
  /* as a click does: the row becomes the chosen one */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (gtk_column_view_get_model (self->analysis_table)),
                                   position, TRUE);
}

void
cm_window_set_analysis_circle (CmWindow *self, guint circle)
{
  gtk_drop_down_set_selected (self->analysis_circle, circle);
}
