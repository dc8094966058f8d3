/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-reports-list.c: the map's reports, filtered and sorted by age, and the counts per station. */
#include "config.h"

#include "cm-reports-list.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cm-category-ui.h"
#include "cm-reports.h"

/* A filter: a drop-down and the key of each of its choices (NULL first: any). */
typedef struct
{
  GtkDropDown *drop;
  GPtrArray *keys; /* char*; NULL: any */
} Filter;

struct _CmReportsList
{
  AdwWindow parent_instance;
  CmStore *store;
  GPtrArray *reports;      /* CmReportInfo, oldest first, with their compounds */
  GHashTable *names;       /* responsible uuid → name */
  GPtrArray *shown;        /* CmReportInfo (borrowed from reports), as listed */
  Filter status, category, responsible, compound;
  GtkCheckButton *urgent_check;
  GtkDropDown *sort_drop;  /* oldest first, newest first */
  GtkGrid *counts_grid;
  GtkListBox *list;
  GtkLabel *summary;
  gboolean filling;        /* the filters' choices being filled: no listing meanwhile */
};

G_DEFINE_FINAL_TYPE (CmReportsList, cm_reports_list, ADW_TYPE_WINDOW)

enum
{
  REPORT_ACTIVATED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static const char *
filter_key (const Filter *f)
{
  guint i = gtk_drop_down_get_selected (f->drop);
  return i < f->keys->len ? f->keys->pdata[i] : NULL;
}

/* Gives @f the choices @labels with @keys (both taken; "any" first), keeping the one chosen
 * when it is still there. */
static void
filter_fill (Filter *f, GPtrArray *labels, GPtrArray *keys)
{
  g_autofree char *was = g_strdup (filter_key (f));
  g_clear_pointer (&f->keys, g_ptr_array_unref);
  f->keys = keys;
  g_ptr_array_add (labels, NULL);
  GtkStringList *model = gtk_string_list_new ((const char *const *) labels->pdata);
  g_ptr_array_unref (labels);
  gtk_drop_down_set_model (f->drop, G_LIST_MODEL (model));
  g_object_unref (model);
  guint chosen = 0;
  for (guint i = 1; was && i < f->keys->len; i++)
    if (g_strcmp0 (f->keys->pdata[i], was) == 0)
      chosen = i;
  gtk_drop_down_set_selected (f->drop, chosen);
}

static gboolean
filter_choose (CmReportsList *self, Filter *f, const char *key)
{
  for (guint i = 0; i < f->keys->len; i++)
    if (g_strcmp0 (f->keys->pdata[i], key) == 0)
      {
        gtk_drop_down_set_selected (f->drop, i);
        return TRUE;
      }
  return FALSE;
}

static gboolean
matches (CmReportsList *self, const CmReportInfo *r)
{
  const char *status = filter_key (&self->status);
  if (g_strcmp0 (status, "open") == 0 && !cm_report_status_is_open (r->status))
    return FALSE;
  if (status && g_strcmp0 (status, "open") != 0 &&
      g_strcmp0 (cm_report_status_to_string (r->status), status) != 0)
    return FALSE;
  const char *category = filter_key (&self->category);
  if (category && g_strcmp0 (r->category, category) != 0)
    return FALSE;
  const char *responsible = filter_key (&self->responsible);
  if (responsible && g_strcmp0 (r->responsible_uuid ? r->responsible_uuid : "", responsible) != 0)
    return FALSE;
  const char *compound = filter_key (&self->compound);
  if (compound && g_strcmp0 (r->compound ? r->compound : "", compound) != 0)
    return FALSE;
  if (gtk_check_button_get_active (self->urgent_check) && !r->urgent)
    return FALSE;
  return TRUE;
}

static GtkWidget *
report_row (CmReportsList *self, const CmReportInfo *r)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  const char *words = r->description && *r->description ? r->description
                      : r->name && *r->name             ? r->name
                                                        : NULL;
  g_autofree char *title = g_markup_printf_escaped ("%s<b>%s</b>%s%s",
                                                    r->urgent ? _("[Urgent] ") : "",
                                                    cm_category_label (r->category),
                                                    words ? " — " : "", words ? words : "");
  GtkWidget *first = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (first), title);
  gtk_label_set_xalign (GTK_LABEL (first), 0);
  gtk_label_set_ellipsize (GTK_LABEL (first), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), first);

  GString *line = g_string_new (cm_report_status_label (r->status));
  if (cm_report_status_is_open (r->status))
    {
      gint64 days = cm_report_days_since (r->reported_at, NULL);
      /* TRANSLATORS: how long a report has been open */
      g_autofree char *d = g_strdup_printf (ngettext ("open %d day", "open %d days", (int) days),
                                            (int) days);
      g_string_append_printf (line, " · %s", d);
    }
  g_autofree char *residents = g_strdup_printf (
      ngettext ("%d resident", "%d residents", (int) r->residents), (int) r->residents);
  g_string_append_printf (line, " · %s", residents);
  const char *who = r->responsible_uuid ? g_hash_table_lookup (self->names, r->responsible_uuid)
                                        : NULL;
  g_string_append_printf (line, " · %s", who ? who : _("no one responsible yet"));
  if (r->compound)
    g_string_append_printf (line, " · %s", r->compound);
  if (r->reported_at)
    g_string_append_printf (line, " · %s", r->reported_at);
  GtkWidget *second = gtk_label_new (line->str);
  g_string_free (line, TRUE);
  gtk_label_set_xalign (GTK_LABEL (second), 0);
  gtk_label_set_ellipsize (GTK_LABEL (second), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (second, "dim-label");
  gtk_box_append (GTK_BOX (box), second);
  GtkWidget *row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "uuid", g_strdup (r->uuid), g_free);
  return row;
}

/* The reports the filters keep, in the order chosen. */
static void
refresh_rows (CmReportsList *self)
{
  if (self->filling)
    return;
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))))
    gtk_list_box_remove (self->list, child);
  g_ptr_array_set_size (self->shown, 0);
  gboolean oldest_first = gtk_drop_down_get_selected (self->sort_drop) == 0;
  for (guint k = 0; k < self->reports->len; k++)
    {
      guint i = oldest_first ? k : self->reports->len - 1 - k;
      CmReportInfo *r = self->reports->pdata[i];
      if (matches (self, r))
        g_ptr_array_add (self->shown, r);
    }
  for (guint i = 0; i < self->shown->len && i < CM_REPORTS_LIST_MAX_ROWS; i++)
    gtk_list_box_append (self->list, report_row (self, self->shown->pdata[i]));
  g_autofree char *text = NULL;
  if (self->shown->len > CM_REPORTS_LIST_MAX_ROWS)
    text = g_strdup_printf (_("%u reports match; the first %u are listed: choose filters to see "
                              "the others"), self->shown->len, CM_REPORTS_LIST_MAX_ROWS);
  else
    text = g_strdup_printf (ngettext ("%u report of %u", "%u reports of %u", self->shown->len),
                            self->shown->len, self->reports->len);
  gtk_label_set_text (self->summary, text);
}

static int
by_string (gconstpointer a, gconstpointer b)
{
  return g_utf8_collate (*(const char *const *) a, *(const char *const *) b);
}

/* The keys of @set (borrowed), sorted. */
static GPtrArray *
sorted_keys (GHashTable *set)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, by_string);
  return keys;
}

/* The choices of @f: @any (every report), @none (the key "": the reports without one; NULL: not
 * offered), then each key of @set, sorted, shown as @label_of says (NULL: as itself). */
static void
filter_fill_set (CmReportsList *self, Filter *f, const char *any, const char *none,
                 GHashTable *set, const char *(*label_of) (CmReportsList *, const char *))
{
  GPtrArray *labels = g_ptr_array_new (), *keys = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (labels, (gpointer) any), g_ptr_array_add (keys, NULL);
  if (none)
    g_ptr_array_add (labels, (gpointer) none), g_ptr_array_add (keys, g_strdup (""));
  g_autoptr (GPtrArray) sorted = sorted_keys (set);
  for (guint i = 0; i < sorted->len; i++)
    {
      const char *key = sorted->pdata[i];
      g_ptr_array_add (labels, (gpointer) (label_of ? label_of (self, key) : key));
      g_ptr_array_add (keys, g_strdup (key));
    }
  filter_fill (f, labels, keys);
}

static const char *
category_label (CmReportsList *self, const char *key)
{
  return cm_category_label (key);
}

static const char *
responsible_name (CmReportsList *self, const char *uuid)
{
  const char *name = g_hash_table_lookup (self->names, uuid);
  return name ? name : uuid;
}

/* Per station or team: open, resolved, median days. */
static void
fill_counts (CmReportsList *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->counts_grid))))
    gtk_grid_remove (self->counts_grid, child);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) counts = cm_reports_count_by_responsible (self->store, &error);
  if (counts == NULL)
    {
      g_warning ("reports per station: %s", error->message);
      return;
    }
  const char *titles[] = { _("Responsible"), _("Open"), _("Resolved"),
                           _("Median days to resolve") };
  for (int c = 0; c < 4; c++)
    {
      GtkWidget *label = gtk_label_new (titles[c]);
      gtk_label_set_xalign (GTK_LABEL (label), c == 0 ? 0 : 1);
      gtk_widget_add_css_class (label, "heading");
      gtk_grid_attach (self->counts_grid, label, c, 0, 1, 1);
    }
  for (guint i = 0; i < counts->len; i++)
    {
      const CmResponsibleCounts *n = counts->pdata[i];
      g_autofree char *open = g_strdup_printf ("%u", n->open);
      g_autofree char *done = g_strdup_printf ("%u", n->done);
      g_autofree char *median = isnan (n->median_days) ? g_strdup ("—")
                                                       : g_strdup_printf ("%.1f", n->median_days);
      const char *cells[] = { n->uuid ? (n->name ? n->name : "") : _("No one responsible yet"),
                              open, done, median };
      for (int c = 0; c < 4; c++)
        {
          GtkWidget *label = gtk_label_new (cells[c]);
          gtk_label_set_xalign (GTK_LABEL (label), c == 0 ? 0 : 1);
          gtk_widget_set_hexpand (label, c == 0);
          gtk_grid_attach (self->counts_grid, label, c, i + 1, 1, 1);
        }
    }
}

void
cm_reports_list_reload (CmReportsList *self)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *reports = cm_reports_list (self->store, FALSE, &error);
  if (reports && !cm_reports_set_compounds (self->store, reports, &error))
    g_clear_pointer (&reports, g_ptr_array_unref);
  if (reports == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The reports could not be read: %s"),
                                               error->message);
      gtk_label_set_text (self->summary, text);
      return;
    }
  g_ptr_array_set_size (self->shown, 0);
  g_clear_pointer (&self->reports, g_ptr_array_unref);
  self->reports = reports;

  /* the choices: what the reports have */
  g_autoptr (GHashTable) categories = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) compounds = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) responsible = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < reports->len; i++)
    {
      CmReportInfo *r = reports->pdata[i];
      if (r->category)
        g_hash_table_add (categories, r->category);
      if (r->compound)
        g_hash_table_add (compounds, r->compound);
      if (r->responsible_uuid)
        {
          g_hash_table_add (responsible, r->responsible_uuid);
          if (!g_hash_table_contains (self->names, r->responsible_uuid))
            g_hash_table_insert (self->names, g_strdup (r->responsible_uuid),
                                 cm_reports_responsible_name (self->store, r->responsible_uuid));
        }
    }
  self->filling = TRUE;

  GPtrArray *labels = g_ptr_array_new (), *keys = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (labels, _("Any status")), g_ptr_array_add (keys, NULL);
  g_ptr_array_add (labels, _("Open")), g_ptr_array_add (keys, g_strdup ("open"));
  for (int s = 0; s < CM_N_REPORT_STATUSES; s++)
    {
      g_ptr_array_add (labels, (gpointer) cm_report_status_label (s));
      g_ptr_array_add (keys, g_strdup (cm_report_status_to_string (s)));
    }
  filter_fill (&self->status, labels, keys);

  filter_fill_set (self, &self->category, _("Any kind"), NULL, categories, category_label);
  filter_fill_set (self, &self->responsible, _("Anyone responsible"), _("No one responsible yet"),
                   responsible, responsible_name);
  filter_fill_set (self, &self->compound, _("Any compound"), _("In no compound"), compounds,
                   NULL);

  self->filling = FALSE;
  fill_counts (self);
  refresh_rows (self);
}

static void
row_activated_cb (GtkListBox *list, GtkListBoxRow *row, CmReportsList *self)
{
  const char *uuid = g_object_get_data (G_OBJECT (row), "uuid");
  g_signal_emit (self, signals[REPORT_ACTIVATED], 0, uuid);
}

static void
cm_reports_list_dispose (GObject *object)
{
  CmReportsList *self = CM_REPORTS_LIST (object);
  g_clear_object (&self->store);
  g_clear_pointer (&self->shown, g_ptr_array_unref);
  g_clear_pointer (&self->reports, g_ptr_array_unref);
  g_clear_pointer (&self->names, g_hash_table_unref);
  Filter *filters[] = { &self->status, &self->category, &self->responsible, &self->compound };
  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    g_clear_pointer (&filters[i]->keys, g_ptr_array_unref);
  G_OBJECT_CLASS (cm_reports_list_parent_class)->dispose (object);
}

static void
cm_reports_list_class_init (CmReportsListClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cm_reports_list_dispose;
  signals[REPORT_ACTIVATED] = g_signal_new ("report-activated", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                            1, G_TYPE_STRING);
  gtk_widget_class_add_binding_action (GTK_WIDGET_CLASS (klass), GDK_KEY_Escape, 0,
                                       "window.close", NULL);
}

static GtkDropDown *
filter_drop (Filter *f, CmReportsList *self, GtkBox *into)
{
  f->drop = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  f->keys = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect_swapped (f->drop, "notify::selected", G_CALLBACK (refresh_rows), self);
  gtk_box_append (into, GTK_WIDGET (f->drop));
  return f->drop;
}

static void
cm_reports_list_init (CmReportsList *self)
{
  self->shown = g_ptr_array_new ();
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->reports = g_ptr_array_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Residents' Reports"));
  gtk_window_set_default_size (GTK_WINDOW (self), 760, 720);

  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (outer), adw_header_bar_new ());
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (body, 12);
  gtk_widget_set_margin_end (body, 12);
  gtk_widget_set_margin_top (body, 8);
  gtk_widget_set_margin_bottom (body, 12);

  GtkWidget *per_station = gtk_label_new (_("Per station or team"));
  gtk_label_set_xalign (GTK_LABEL (per_station), 0);
  gtk_widget_add_css_class (per_station, "title-4");
  gtk_box_append (GTK_BOX (body), per_station);
  self->counts_grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_spacing (self->counts_grid, 18);
  gtk_grid_set_row_spacing (self->counts_grid, 2);
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->counts_grid));

  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_top (row, 8);
  filter_drop (&self->status, self, GTK_BOX (row));
  filter_drop (&self->category, self, GTK_BOX (row));
  filter_drop (&self->responsible, self, GTK_BOX (row));
  filter_drop (&self->compound, self, GTK_BOX (row));
  gtk_box_append (GTK_BOX (body), row);
  GtkWidget *row2 = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  self->urgent_check = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (_("_Urgent only")));
  g_signal_connect_swapped (self->urgent_check, "toggled", G_CALLBACK (refresh_rows), self);
  gtk_box_append (GTK_BOX (row2), GTK_WIDGET (self->urgent_check));
  const char *orders[] = { _("Oldest first"), _("Newest first"), NULL };
  self->sort_drop = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (orders));
  g_signal_connect_swapped (self->sort_drop, "notify::selected", G_CALLBACK (refresh_rows), self);
  gtk_box_append (GTK_BOX (row2), GTK_WIDGET (self->sort_drop));
  self->summary = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_hexpand (GTK_WIDGET (self->summary), TRUE);
  gtk_label_set_xalign (self->summary, 1);
  gtk_widget_add_css_class (GTK_WIDGET (self->summary), "dim-label");
  gtk_box_append (GTK_BOX (row2), GTK_WIDGET (self->summary));
  gtk_box_append (GTK_BOX (body), row2);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_SINGLE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  g_signal_connect (self->list, "row-activated", G_CALLBACK (row_activated_cb), self);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->list));
  gtk_box_append (GTK_BOX (body), scroller);
  gtk_box_append (GTK_BOX (outer), body);
  adw_window_set_content (ADW_WINDOW (self), outer);
}

CmReportsList *
cm_reports_list_new (GtkWindow *parent, CmStore *store)
{
  CmReportsList *self = g_object_new (CM_TYPE_REPORTS_LIST, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  cm_reports_list_reload (self);
  return self;
}

gboolean
cm_reports_list_filter_status (CmReportsList *self, const char *status)
{
  return filter_choose (self, &self->status, status);
}

gboolean
cm_reports_list_filter_category (CmReportsList *self, const char *category)
{
  return filter_choose (self, &self->category, category);
}

gboolean
cm_reports_list_filter_responsible (CmReportsList *self, const char *responsible)
{
  return filter_choose (self, &self->responsible, responsible);
}

gboolean
cm_reports_list_filter_compound (CmReportsList *self, const char *compound)
{
  return filter_choose (self, &self->compound, compound);
}

void
cm_reports_list_filter_urgent (CmReportsList *self, gboolean urgent_only)
{
  gtk_check_button_set_active (self->urgent_check, urgent_only);
}

void
cm_reports_list_sort_oldest_first (CmReportsList *self, gboolean oldest_first)
{
  gtk_drop_down_set_selected (self->sort_drop, oldest_first ? 0 : 1);
}

guint
cm_reports_list_get_n_shown (CmReportsList *self)
{
  return self->shown->len;
}

const char *
cm_reports_list_get_shown_uuid (CmReportsList *self, guint i)
{
  g_return_val_if_fail (i < self->shown->len, NULL);
  return ((CmReportInfo *) self->shown->pdata[i])->uuid;
}

char *
cm_reports_list_get_counts_text (CmReportsList *self)
{
  GString *out = g_string_new (NULL);
  for (int r = 1;; r++)
    {
      if (gtk_grid_get_child_at (self->counts_grid, 0, r) == NULL)
        break;
      for (int c = 0; c < 4; c++)
        {
          GtkWidget *cell = gtk_grid_get_child_at (self->counts_grid, c, r);
          g_string_append_printf (out, "%s%s", c ? "\t" : "",
                                  gtk_label_get_text (GTK_LABEL (cell)));
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

void
cm_reports_list_activate (CmReportsList *self, guint i)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);
  g_return_if_fail (row != NULL);
  g_signal_emit_by_name (self->list, "row-activated", row);
}
