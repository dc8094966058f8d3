/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-report-form.c: kind, urgency, words, who raised it and who is responsible for a report
 * just placed; the open reports of that kind nearby, to join instead. */
#include "config.h"

#include "cm-report-form.h"

#include <glib/gi18n.h>

#include "cm-category-ui.h"
#include "cm-reports.h"

struct _CmReportForm
{
  AdwWindow parent_instance;
  CmStore *store;
  double lon, lat;
  GtkFlowBox *category_box;
  GtkLabel *kind_hint;
  GtkCheckButton *urgent_check;
  GtkEntry *description_entry;
  GtkEntry *raised_by_entry;
  GtkDropDown *responsible_drop;
  GPtrArray *responsible_uuids; /* char*, NULL first ("no one yet") */
  GtkLabel *suggested_label;
  /* the open reports of the kind chosen within 30 m, and the box that offers them */
  GtkBox *duplicates_box;
  GtkLabel *duplicates_label;
  GtkBox *duplicates_list;
  GPtrArray *duplicates;        /* CmReportInfo */
  char *joined_uuid;
  GtkButton *save_button;
  gboolean finished;
};

G_DEFINE_FINAL_TYPE (CmReportForm, cm_report_form, ADW_TYPE_WINDOW)

enum
{
  FINISHED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
finish (CmReportForm *self, CmReportFormResponse response)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  g_object_ref (self);
  g_signal_emit (self, signals[FINISHED], 0, (int) response);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

void
cm_report_form_finish (CmReportForm *self, gboolean save)
{
  /* no kind chosen yet: ask for it rather than guess */
  if (save && cm_report_form_get_category (self) == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->kind_hint), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->category_box));
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  finish (self, save ? CM_REPORT_FORM_SAVE : CM_REPORT_FORM_DISCARD);
}

void
cm_report_form_join (CmReportForm *self, guint duplicate)
{
  g_return_if_fail (self->duplicates && duplicate < self->duplicates->len);
  const CmReportInfo *r = self->duplicates->pdata[duplicate];
  g_free (self->joined_uuid);
  self->joined_uuid = g_strdup (r->uuid);
  finish (self, CM_REPORT_FORM_JOIN);
}

static void
join_clicked_cb (GtkButton *button, CmReportForm *self)
{
  cm_report_form_join (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index")));
}

/* A duplicate as a line: its words (or kind), who raised it, when, how far. */
static GtkWidget *
duplicate_row (CmReportForm *self, const CmReportInfo *r, guint index)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  const char *words = r->description && *r->description ? r->description
                      : r->name && *r->name             ? r->name
                                                        : cm_category_label (r->category);
  /* TRANSLATORS: a report nearby: its words, its status, the residents who raised it, the day
   * it was raised, how far it is: "No light at night — Reported, 2 residents, 2026-12-01, 12 m
   * away" */
  g_autofree char *residents = g_strdup_printf (
      ngettext ("%d resident", "%d residents", (int) r->residents), (int) r->residents);
  g_autofree char *text = g_strdup_printf (_("%s — %s, %s, %s, %.0f m away"), words,
                                           cm_report_status_label (r->status), residents,
                                           r->reported_at ? r->reported_at : "",
                                           r->distance_m);
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (row), label);
  /* TRANSLATORS: add this resident to a report nearby (not the join of a table) */
  GtkWidget *join = gtk_button_new_with_mnemonic (C_("report", "_Join"));
  gtk_widget_set_tooltip_text (join, _("Add this resident's voice to that report instead of "
                                       "a new one"));
  gtk_widget_set_valign (join, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (join), "index", GUINT_TO_POINTER (index));
  g_signal_connect (join, "clicked", G_CALLBACK (join_clicked_cb), self);
  gtk_box_append (GTK_BOX (row), join);
  return row;
}

/* The open reports of the kind chosen within 30 m, offered to join. */
static void
update_duplicates (CmReportForm *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->duplicates_list))))
    gtk_box_remove (self->duplicates_list, child);
  g_clear_pointer (&self->duplicates, g_ptr_array_unref);
  const char *category = cm_report_form_get_category (self);
  if (category)
    {
      g_autoptr (GError) error = NULL;
      self->duplicates = cm_reports_find_nearby (self->store, self->lon, self->lat, category,
                                                 CM_REPORT_DUPLICATE_M, NULL, &error);
      if (error)
        g_warning ("reports nearby: %s", error->message);
    }
  guint n = self->duplicates ? self->duplicates->len : 0;
  gtk_widget_set_visible (GTK_WIDGET (self->duplicates_box), n > 0);
  if (n == 0)
    return;
  /* TRANSLATORS: "2 open reports of 路灯损坏 nearby": a report of the same kind within 30 m */
  g_autofree char *text = g_strdup_printf (ngettext ("%u open report of %s nearby",
                                                     "%u open reports of %s nearby", n),
                                           n, cm_category_label (category));
  gtk_label_set_text (self->duplicates_label, text);
  for (guint i = 0; i < n; i++)
    gtk_box_append (self->duplicates_list, duplicate_row (self, self->duplicates->pdata[i], i));
}

static void
category_chosen_cb (CmReportForm *self)
{
  if (cm_report_form_get_category (self))
    gtk_widget_set_visible (GTK_WIDGET (self->kind_hint), FALSE);
  update_duplicates (self);
}

static gboolean
close_request (GtkWindow *window)
{
  cm_report_form_finish (CM_REPORT_FORM (window), FALSE);
  return TRUE; /* finish destroys it */
}

static gboolean
escape_pressed (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  cm_report_form_finish (CM_REPORT_FORM (widget), FALSE);
  return TRUE;
}

static void
save_clicked_cb (CmReportForm *self)
{
  cm_report_form_finish (self, TRUE);
}

static void
discard_clicked_cb (CmReportForm *self)
{
  cm_report_form_finish (self, FALSE);
}

static void
cm_report_form_dispose (GObject *object)
{
  CmReportForm *self = CM_REPORT_FORM (object);
  g_clear_object (&self->store);
  g_clear_pointer (&self->duplicates, g_ptr_array_unref);
  g_clear_pointer (&self->responsible_uuids, g_ptr_array_unref);
  g_clear_pointer (&self->joined_uuid, g_free);
  G_OBJECT_CLASS (cm_report_form_parent_class)->dispose (object);
}

static void
cm_report_form_class_init (CmReportFormClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cm_report_form_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = close_request;
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  gtk_widget_class_add_binding (GTK_WIDGET_CLASS (klass), GDK_KEY_Escape, 0, escape_pressed,
                                NULL);
}

GtkWidget *
cm_report_form_heading (const char *mnemonic, GtkWidget *for_widget)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (mnemonic);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), for_widget);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_top (label, 8);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
cm_report_form_init (CmReportForm *self)
{
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_title (GTK_WINDOW (self), _("Report a Problem"));
  gtk_window_set_default_size (GTK_WINDOW (self), 640, 760);

  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  GtkWidget *discard = gtk_button_new_with_mnemonic (_("_Discard"));
  gtk_widget_set_tooltip_text (discard, _("Throw the report away (Escape)"));
  g_signal_connect_swapped (discard, "clicked", G_CALLBACK (discard_clicked_cb), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), discard);
  self->save_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Save")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->save_button),
                               _("Put the report on the map (Enter)"));
  gtk_widget_add_css_class (GTK_WIDGET (self->save_button), "suggested-action");
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (save_clicked_cb), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->save_button));
  gtk_box_append (GTK_BOX (outer), header);

  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (body, 18);
  gtk_widget_set_margin_end (body, 18);
  gtk_widget_set_margin_top (body, 12);
  gtk_widget_set_margin_bottom (body, 18);

  /* the reports of this kind nearby: shown only when there are some */
  self->duplicates_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 6));
  gtk_widget_add_css_class (GTK_WIDGET (self->duplicates_box), "card");
  gtk_widget_set_visible (GTK_WIDGET (self->duplicates_box), FALSE);
  self->duplicates_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->duplicates_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->duplicates_label), "heading");
  GtkWidget *why = gtk_label_new (_("The same problem may have been raised already. Join it to "
                                    "count this resident too, or save a new report."));
  gtk_label_set_wrap (GTK_LABEL (why), TRUE);
  gtk_label_set_xalign (GTK_LABEL (why), 0);
  gtk_widget_add_css_class (why, "dim-label");
  self->duplicates_list = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 6));
  gtk_box_append (self->duplicates_box, GTK_WIDGET (self->duplicates_label));
  gtk_box_append (self->duplicates_box, why);
  gtk_box_append (self->duplicates_box, GTK_WIDGET (self->duplicates_list));
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->duplicates_box)); c;
       c = gtk_widget_get_next_sibling (c))
    {
      gtk_widget_set_margin_start (c, 12);
      gtk_widget_set_margin_end (c, 12);
    }
  gtk_widget_set_margin_top (GTK_WIDGET (self->duplicates_label), 10);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->duplicates_list), 10);

  self->category_box = GTK_FLOW_BOX (gtk_flow_box_new ());
  gtk_flow_box_set_selection_mode (self->category_box, GTK_SELECTION_SINGLE);
  gtk_flow_box_set_homogeneous (self->category_box, TRUE);
  gtk_flow_box_set_min_children_per_line (self->category_box, 3);
  gtk_flow_box_set_max_children_per_line (self->category_box, 6);
  gtk_flow_box_set_row_spacing (self->category_box, 6);
  gtk_flow_box_set_column_spacing (self->category_box, 6);
  g_signal_connect_swapped (self->category_box, "selected-children-changed",
                            G_CALLBACK (category_chosen_cb), self);
  self->kind_hint = GTK_LABEL (gtk_label_new (_("Choose what the problem is: tap a kind below "
                                                "(or “Other”), then Save.")));
  gtk_label_set_wrap (self->kind_hint, TRUE);
  gtk_label_set_xalign (self->kind_hint, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->kind_hint), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->kind_hint), FALSE);
  gtk_box_append (GTK_BOX (body), cm_report_form_heading (_("_What is the problem?"),
                                           GTK_WIDGET (self->category_box)));
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->kind_hint));
  /* the problem kinds show at once, the others a scroll away: the rest of the form and the
   * reports nearby stay in view */
  GtkWidget *kinds = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (kinds), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (kinds), 180);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (kinds), 180);
  gtk_scrolled_window_set_has_frame (GTK_SCROLLED_WINDOW (kinds), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (kinds), GTK_WIDGET (self->category_box));
  gtk_box_append (GTK_BOX (body), kinds);
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->duplicates_box));

  self->urgent_check = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (
      _("_Urgent: a danger to people, to put first on the meeting's agenda")));
  gtk_widget_set_margin_top (GTK_WIDGET (self->urgent_check), 8);
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->urgent_check));

  self->description_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->description_entry,
                                  _("For example: dark at night since Monday"));
  gtk_entry_set_activates_default (self->description_entry, TRUE);
  gtk_box_append (GTK_BOX (body), cm_report_form_heading (_("A _few words"),
                                           GTK_WIDGET (self->description_entry)));
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->description_entry));

  self->raised_by_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->raised_by_entry,
                                  _("A name, “building 3's head”, or empty: anonymous"));
  gtk_entry_set_activates_default (self->raised_by_entry, TRUE);
  gtk_box_append (GTK_BOX (body), cm_report_form_heading (_("_Raised by"),
                                                          GTK_WIDGET (self->raised_by_entry)));
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->raised_by_entry));

  self->responsible_drop = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_box_append (GTK_BOX (body), cm_report_form_heading (_("_Responsible"),
                                           GTK_WIDGET (self->responsible_drop)));
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->responsible_drop));
  self->suggested_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->suggested_label, TRUE);
  gtk_label_set_xalign (self->suggested_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->suggested_label), "dim-label");
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->suggested_label));

  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), body);
  gtk_box_append (GTK_BOX (outer), scroller);
  adw_window_set_content (ADW_WINDOW (self), outer);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->save_button));
}

/* The problem kinds first, then the other point kinds, most used for reports first. */
static void
fill_categories (CmReportForm *self)
{
  g_autoptr (GHashTable) usage = cm_store_count_by_category (self->store, CM_LAYER_REPORTS,
                                                             NULL);
  g_autoptr (GPtrArray) choices = cm_categories_by_use (usage, "point");
  CmCategories *all = cm_categories_get_default ();
  for (guint p = 0; cm_report_problem_categories[p]; p++)
    {
      const CmCategory *c = cm_categories_lookup (all, cm_report_problem_categories[p]);
      if (c)
        gtk_flow_box_append (self->category_box, cm_category_tile (GTK_WIDGET (self), c));
    }
  for (guint i = 0; i < choices->len; i++)
    {
      const CmCategory *c = choices->pdata[i];
      if (!g_strv_contains (cm_report_problem_categories, c->key))
        gtk_flow_box_append (self->category_box, cm_category_tile (GTK_WIDGET (self), c));
    }
  gtk_flow_box_unselect_all (self->category_box);
}

/* No one yet, then the stations, then the teams; the suggested one chosen. */
static void
fill_responsible (CmReportForm *self)
{
  self->responsible_uuids = g_ptr_array_new_with_free_func (g_free);
  GtkStringList *names = gtk_string_list_new (NULL);
  gtk_string_list_append (names, _("No one yet"));
  g_ptr_array_add (self->responsible_uuids, NULL);
  static const double world[4] = { -180, -90, 180, 90 };
  const CmLayer layers[] = { CM_LAYER_STATIONS, CM_LAYER_TEAMS };
  for (guint l = 0; l < G_N_ELEMENTS (layers); l++)
    {
      g_autoptr (GListModel) features = cm_store_query_bbox (self->store, layers[l], world, NULL);
      for (guint i = 0; features && i < g_list_model_get_n_items (features); i++)
        {
          g_autoptr (CmFeature) f = g_list_model_get_item (features, i);
          const char *uuid = cm_feature_get_uuid (f);
          g_autofree char *name = cm_reports_responsible_name (self->store, uuid);
          /* TRANSLATORS: a choice of who is responsible: "Station: 东区连心站" */
          g_autofree char *text = g_strdup_printf (layers[l] == CM_LAYER_STATIONS
                                                       ? _("Station: %s")
                                                       : _("Team: %s"),
                                                   name ? name : "");
          gtk_string_list_append (names, text);
          g_ptr_array_add (self->responsible_uuids, g_strdup (uuid));
        }
    }
  gtk_drop_down_set_model (self->responsible_drop, G_LIST_MODEL (names));
  g_object_unref (names);

  g_autofree char *station = NULL, *team = NULL;
  g_autoptr (GError) error = NULL;
  if (!cm_reports_suggest_responsible (self->store, NULL, 0, self->lon, self->lat, &station,
                                       &team, &error))
    g_warning ("responsible: %s", error->message);
  g_autofree char *station_name = station ? cm_reports_responsible_name (self->store, station)
                                          : NULL;
  g_autofree char *team_name = team ? cm_reports_responsible_name (self->store, team) : NULL;
  cm_report_form_select_responsible (self, station ? station : team);
  g_autofree char *text = NULL;
  if (station_name && team_name)
    text = g_strdup_printf (_("Suggested: %s, whose service area holds this place; the team "
                              "working here is %s."), station_name, team_name);
  else if (station_name)
    text = g_strdup_printf (_("Suggested: %s, whose service area holds this place."),
                            station_name);
  else if (team_name)
    text = g_strdup_printf (_("Suggested: %s, the team working here; no station's service area "
                              "holds this place."), team_name);
  else
    text = g_strdup (_("No station's service area and no team's area holds this place: choose "
                       "who takes it, or leave it for the meeting."));
  gtk_label_set_text (self->suggested_label, text);
}

CmReportForm *
cm_report_form_new (GtkWindow *parent, CmStore *store, double lon, double lat,
                    const char *category)
{
  CmReportForm *self = g_object_new (CM_TYPE_REPORT_FORM, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->lon = lon, self->lat = lat;
  fill_categories (self);
  fill_responsible (self);
  if (category)
    cm_report_form_select_category (self, category);
  update_duplicates (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->category_box));
  return self;
}

const char *
cm_report_form_get_category (CmReportForm *self)
{
  return cm_category_grid_get (self->category_box);
}

const char *
cm_report_form_get_description (CmReportForm *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->description_entry));
}

const char *
cm_report_form_get_raised_by (CmReportForm *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->raised_by_entry));
}

gboolean
cm_report_form_get_urgent (CmReportForm *self)
{
  return gtk_check_button_get_active (self->urgent_check);
}

const char *
cm_report_form_get_responsible_uuid (CmReportForm *self)
{
  guint i = gtk_drop_down_get_selected (self->responsible_drop);
  return i < self->responsible_uuids->len ? self->responsible_uuids->pdata[i] : NULL;
}

const char *
cm_report_form_get_joined_uuid (CmReportForm *self)
{
  return self->joined_uuid;
}

const char *
cm_report_form_get_duplicates_text (CmReportForm *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->duplicates_box))
             ? gtk_label_get_text (self->duplicates_label)
             : NULL;
}

guint
cm_report_form_get_n_duplicates (CmReportForm *self)
{
  return self->duplicates ? self->duplicates->len : 0;
}

gboolean
cm_report_form_select_category (CmReportForm *self, const char *key)
{
  return cm_category_grid_select (self->category_box, key);
}

void
cm_report_form_set_description (CmReportForm *self, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->description_entry), text);
}

void
cm_report_form_set_raised_by (CmReportForm *self, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->raised_by_entry), text);
}

void
cm_report_form_set_urgent (CmReportForm *self, gboolean urgent)
{
  gtk_check_button_set_active (self->urgent_check, urgent);
}

gboolean
cm_report_form_select_responsible (CmReportForm *self, const char *uuid)
{
  for (guint i = 0; i < self->responsible_uuids->len; i++)
    if (g_strcmp0 (self->responsible_uuids->pdata[i], uuid) == 0)
      {
        gtk_drop_down_set_selected (self->responsible_drop, i);
        return TRUE;
      }
  return FALSE;
}
