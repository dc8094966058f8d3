/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-window-reports.c: residents' reports in the window (issue #18, docs/reports.md).
 *
 * The Report tool places a point and asks about it (CmReportForm): a new report, or this
 * resident's voice added to an open report of the same kind nearby (Join). A report's details
 * show its residents and timeline, with Add Follow-up… offering only the statuses the report
 * may go to. Residents' Reports… lists them with filters and the counts per station
 * (CmReportsList). Every change goes through the window's history: one undoable step each. */
#include "config.h"

#include <glib/gi18n.h>

#include "cm-category-ui.h"
#include "cm-report-form.h"
#include "cm-reports-list.h"
#include "cm-reports.h"
#include "cm-window-private.h"

/* ---- raising a report ----------------------------------------------------------------------- */

static void report_form_finished_cb (CmReportForm *form, int response, CmWindow *self);

/* The form for the report placed at the sketch's point; NULL when there is none. */
static CmReportForm *
open_report_form (CmWindow *self)
{
  g_autoptr (CmGeom) geom = cm_sketch_layer_to_geom (self->sketch_layer);
  if (geom == NULL || geom->xy->len < 2)
    return NULL;
  double lon = g_array_index (geom->xy, double, 0);
  double lat = g_array_index (geom->xy, double, 1);
  self->report_form = cm_report_form_new (GTK_WINDOW (self), self->store, lon, lat, NULL);
  g_signal_connect (self->report_form, "finished", G_CALLBACK (report_form_finished_cb), self);
  if (self->workshop_mode)
    gtk_widget_add_css_class (GTK_WIDGET (self->report_form), "workshop-mode");
  gtk_window_present (GTK_WINDOW (self->report_form));
  return self->report_form;
}

/* The store refused (the map busy, a full disk): the form again as it was filled in, the point
 * still placed, to save once the cause is gone. */
static void
ask_again (CmWindow *self, CmReportForm *was, const char *message)
{
  _cm_window_toast_failure (self, message);
  CmReportForm *form = open_report_form (self);
  if (form == NULL)
    return;
  cm_report_form_select_category (form, cm_report_form_get_category (was));
  cm_report_form_set_description (form, cm_report_form_get_description (was));
  cm_report_form_set_raised_by (form, cm_report_form_get_raised_by (was));
  cm_report_form_set_urgent (form, cm_report_form_get_urgent (was));
  cm_report_form_select_responsible (form, cm_report_form_get_responsible_uuid (was));
}

/* @report was just changed (added, joined, followed up): its tiles drawn again (the symbol
 * shows the status), the lists follow, and it is selected. */
static void
show_changed_report (CmWindow *self, CmFeature *report)
{
  double bbox[4];
  cm_feature_get_bbox (report, bbox);
  _cm_window_data_changed (self, CM_LAYER_REPORTS, bbox);
  _cm_window_select_feature (self, report);
}

/* Another resident's voice added to the report @joined: TRUE when stored. */
static gboolean
join_report (CmWindow *self, const char *joined, const char *who, const char *words,
             GError **error)
{
  g_autofree char *entry = cm_history_add_resident (self->history, joined, who, words, error);
  g_autoptr (CmFeature) report = entry ? cm_store_get_feature (self->store, CM_LAYER_REPORTS,
                                                               joined, error)
                                       : NULL;
  if (report == NULL)
    return FALSE;
  gint64 residents = cm_reports_count_residents (self->store, joined, NULL);
  g_autofree char *msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "Joined: %d resident raised it",
                                                       "Joined: %d residents raised it",
                                                       (int) residents),
                                          (int) residents);
  _cm_window_toast (self, msg);
  show_changed_report (self, report);
  return TRUE;
}

/* A new report from the form, at the sketch's point: TRUE when stored. */
static gboolean
add_report (CmWindow *self, CmReportForm *form, const char *who, const char *words,
            GError **error)
{
  g_autoptr (CmGeom) geom = cm_sketch_layer_to_geom (self->sketch_layer);
  g_autoptr (GBytes) wkb = cm_geom_to_wkb (geom);
  g_autoptr (CmFeature) report = cm_feature_new (CM_LAYER_REPORTS);
  cm_feature_set_wkb (report, wkb);
  cm_feature_set_category (report, cm_report_form_get_category (form));
  cm_feature_set_description (report, words);
  cm_feature_set_field (report, "urgent", g_variant_new_int64 (cm_report_form_get_urgent (form)));
  if (who)
    cm_feature_set_field (report, "raised_by", g_variant_new_string (who));
  const char *responsible = cm_report_form_get_responsible_uuid (form);
  if (responsible)
    cm_feature_set_field (report, "responsible_uuid", g_variant_new_string (responsible));
  cm_feature_set_contributor_uuid (report, self->contributor_uuid);
  cm_feature_set_workshop_uuid (report, self->workshop_uuid);
  if (!cm_history_add (self->history, report, error))
    return FALSE;
  show_changed_report (self, report);
  return TRUE;
}

static void
report_form_finished_cb (CmReportForm *form, int response, CmWindow *self)
{
  self->report_form = NULL;
  if (response == CM_REPORT_FORM_DISCARD ||
      cm_sketch_layer_get_n_vertices (self->sketch_layer) == 0)
    {
      _cm_window_drawing_restart_sketch (self);
      _cm_window_toast (self, _("The report was discarded"));
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autofree char *who = _cm_window_stripped_or_null (cm_report_form_get_raised_by (form));
  g_autofree char *words = _cm_window_stripped_or_null (cm_report_form_get_description (form));
  gboolean joining = response == CM_REPORT_FORM_JOIN;
  if (joining ? join_report (self, cm_report_form_get_joined_uuid (form), who, words, &error)
              : add_report (self, form, who, words, &error))
    {
      _cm_window_drawing_restart_sketch (self);
      return;
    }
  g_autofree char *msg = g_strdup_printf (joining ? _("This resident was not added: %s")
                                                  : _("The report was not saved: %s"),
                                          error->message);
  ask_again (self, form, msg);
  _cm_window_drawing_update_actions (self);
}

void
_cm_window_reports_ask (CmWindow *self)
{
  open_report_form (self);
}

/* ---- a report's details: residents, timeline, Add Follow-up… ------------------------------- */

/* One timeline entry as a line: "2026-12-05 王社工: 已联系物业 → 处理中". */
static char *
followup_text (const CmFollowup *e)
{
  GString *s = g_string_new (NULL);
  g_string_append_len (s, e->at ? e->at : "", e->at ? MIN (strlen (e->at), 10) : 0);
  if (e->who)
    g_string_append_printf (s, " %s", e->who);
  if (e->raised)
    g_string_append (s, e->who ? _(": raised it too") : _(" another resident raised it"));
  if (e->what)
    g_string_append_printf (s, "%s %s", e->raised || e->who ? ":" : "", e->what);
  if (e->status != CM_REPORT_NO_STATUS)
    g_string_append_printf (s, " → %s", cm_report_status_label (e->status));
  return g_string_free (s, FALSE);
}

void
_cm_window_reports_append_details (CmWindow *self)
{
  CmFeature *f = self->selected;
  if (f == NULL || cm_feature_get_layer (f) != CM_LAYER_REPORTS)
    return;
  GtkBox *box = self->details_box;
  const char *uuid = cm_feature_get_uuid (f);
  g_autoptr (GError) error = NULL;
  /* no one responsible is said, not left out: the meeting will have to choose someone */
  if (cm_feature_get_field (f, "responsible_uuid") == NULL)
    _cm_window_details_add (self, _("Responsible:"), _("no one responsible yet"), FALSE);
  gint64 residents = cm_reports_count_residents (self->store, uuid, NULL);
  if (residents > 0)
    {
      g_autofree char *count = g_strdup_printf ("%d", (int) residents);
      _cm_window_details_add (self, _("Residents who raised it:"), count, FALSE);
    }
  g_autoptr (GPtrArray) timeline = cm_reports_get_timeline (self->store, uuid, FALSE, &error);
  GtkWidget *title = gtk_label_new (_("Timeline"));
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_margin_top (title, 6);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (box, title);
  GtkWidget *list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_name (list, "details-timeline");
  if (timeline == NULL || timeline->len == 0)
    {
      GtkWidget *none = gtk_label_new (timeline ? _("No follow-up yet") : error->message);
      gtk_label_set_xalign (GTK_LABEL (none), 0);
      gtk_widget_add_css_class (none, "dim-label");
      gtk_box_append (GTK_BOX (list), none);
    }
  for (guint i = 0; timeline && i < timeline->len; i++)
    {
      g_autofree char *text = followup_text (timeline->pdata[i]);
      GtkWidget *line = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (line), 0);
      gtk_label_set_wrap (GTK_LABEL (line), TRUE);
      gtk_label_set_selectable (GTK_LABEL (line), TRUE);
      gtk_box_append (GTK_BOX (list), line);
    }
  gtk_box_append (box, list);
  GtkWidget *add = gtk_button_new_with_mnemonic (_("Add _Follow-up…"));
  gtk_widget_set_tooltip_text (add, _("What was done, by whom, and the report's new status"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "win.add-followup");
  gtk_widget_set_halign (add, GTK_ALIGN_START);
  gtk_box_append (box, add);
}

/* The follow-up dialog's fields, kept on it. */
typedef struct
{
  char *report_uuid;
  GtkDropDown *status_drop;
  GPtrArray *statuses; /* GINT_TO_POINTER (CmReportStatus), "no change" first */
  GtkEntry *who_entry;
  GtkEntry *what_entry;
} FollowupFields;

static void
followup_fields_free (FollowupFields *fields)
{
  g_free (fields->report_uuid);
  g_ptr_array_unref (fields->statuses);
  g_free (fields);
}

static void open_followup (CmWindow *self, CmFeature *f, CmReportStatus status, const char *who,
                           const char *what);

static void
followup_response_cb (AdwMessageDialog *dialog, const char *response, CmWindow *self)
{
  FollowupFields *fields = g_object_get_data (G_OBJECT (dialog), "fields");
  self->followup_dialog = NULL;
  if (g_strcmp0 (response, "add") != 0)
    return;
  guint i = gtk_drop_down_get_selected (fields->status_drop);
  CmReportStatus status = i < fields->statuses->len
                              ? GPOINTER_TO_INT (fields->statuses->pdata[i])
                              : CM_REPORT_NO_STATUS;
  g_autofree char *who = _cm_window_stripped_or_null (
      gtk_editable_get_text (GTK_EDITABLE (fields->who_entry)));
  g_autofree char *what = _cm_window_stripped_or_null (
      gtk_editable_get_text (GTK_EDITABLE (fields->what_entry)));
  g_autoptr (GError) error = NULL;
  g_autofree char *entry = cm_history_add_followup (self->history, fields->report_uuid, who, what,
                                                    status, &error);
  g_autoptr (CmFeature) report = entry ? cm_store_get_feature (self->store, CM_LAYER_REPORTS,
                                                               fields->report_uuid, &error)
                                       : NULL;
  if (report == NULL)
    {
      /* refused (nothing said and no status changed), or the map busy: the dialog again as
       * it was filled in */
      g_autofree char *msg = g_strdup_printf (_("The follow-up was not added: %s"),
                                              error->message);
      _cm_window_toast_failure (self, msg);
      g_autoptr (CmFeature) again = cm_store_get_feature (self->store, CM_LAYER_REPORTS,
                                                          fields->report_uuid, NULL);
      if (again)
        open_followup (self, again, status, who, what);
      return;
    }
  show_changed_report (self, report);
}

/* Add Follow-up… for the report @f, with @status (chosen when offered), @who and @what filled
 * in (may be NULL). */
static void
open_followup (CmWindow *self, CmFeature *f, CmReportStatus status, const char *who,
               const char *what)
{
  CmReportStatus now = cm_report_get_status (f);
  FollowupFields *fields = g_new0 (FollowupFields, 1);
  fields->report_uuid = g_strdup (cm_feature_get_uuid (f));
  fields->statuses = g_ptr_array_new ();
  GtkStringList *labels = gtk_string_list_new (NULL);
  /* TRANSLATORS: a follow-up that leaves the report's status as it is: "No change (In hand)" */
  g_autofree char *same = g_strdup_printf (_("No change (%s)"), cm_report_status_label (now));
  gtk_string_list_append (labels, same);
  g_ptr_array_add (fields->statuses, GINT_TO_POINTER (CM_REPORT_NO_STATUS));
  /* only where the report may go from here */
  for (int s = 0; s < CM_N_REPORT_STATUSES; s++)
    if (cm_report_status_can_change (now, s))
      {
        gtk_string_list_append (labels, cm_report_status_label (s));
        g_ptr_array_add (fields->statuses, GINT_TO_POINTER (s));
      }
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  /* the drop-down takes the list */
  fields->status_drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (labels), NULL));
  fields->who_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (fields->who_entry, _("For example: the social worker Wang"));
  fields->what_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (fields->what_entry, _("For example: called the property office"));
  gtk_entry_set_activates_default (fields->what_entry, TRUE);
  gtk_box_append (GTK_BOX (box), cm_report_form_heading (_("_What was done"),
                                                         GTK_WIDGET (fields->what_entry)));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fields->what_entry));
  gtk_box_append (GTK_BOX (box), cm_report_form_heading (_("_By whom"),
                                                         GTK_WIDGET (fields->who_entry)));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fields->who_entry));
  gtk_box_append (GTK_BOX (box), cm_report_form_heading (_("_Status"),
                                                         GTK_WIDGET (fields->status_drop)));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fields->status_drop));

  const char *words = cm_feature_get_description (f);
  g_autofree char *body = g_strdup_printf ("%s%s%s — %s",
                                           cm_category_label (cm_feature_get_category (f)),
                                           words ? ": " : "", words ? words : "",
                                           cm_report_status_label (now));
  AdwMessageDialog *dialog =
      ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Add a Follow-up"), body));
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "add", _("_Add"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "add");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "fields", fields,
                          (GDestroyNotify) followup_fields_free);
  g_signal_connect (dialog, "response", G_CALLBACK (followup_response_cb), self);
  self->followup_dialog = GTK_WIDGET (dialog);
  for (guint i = 0; i < fields->statuses->len; i++)
    if (GPOINTER_TO_INT (fields->statuses->pdata[i]) == (int) status)
      gtk_drop_down_set_selected (fields->status_drop, i);
  gtk_editable_set_text (GTK_EDITABLE (fields->who_entry), who ? who : "");
  gtk_editable_set_text (GTK_EDITABLE (fields->what_entry), what ? what : "");
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (GTK_WIDGET (fields->what_entry));
}

static void
add_followup_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  CmFeature *f = self->selected;
  if (f == NULL || cm_feature_get_layer (f) != CM_LAYER_REPORTS || self->followup_dialog)
    return;
  open_followup (self, f, CM_REPORT_NO_STATUS, NULL, NULL);
}

/* ---- the Reports window ---------------------------------------------------------------------- */

static void
report_activated_cb (CmReportsList *list, const char *uuid, CmWindow *self)
{
  g_autoptr (CmFeature) f = cm_store_get_feature (self->store, CM_LAYER_REPORTS, uuid, NULL);
  if (f == NULL)
    return;
  double b[4];
  cm_feature_get_bbox (f, b);
  shumate_map_center_on (shumate_simple_map_get_map (self->map), (b[1] + b[3]) / 2,
                         (b[0] + b[2]) / 2);
  _cm_window_select_feature (self, f);
}

static void
reports_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  if (self->store == NULL)
    return;
  if (self->reports_list == NULL)
    {
      self->reports_list = cm_reports_list_new (GTK_WINDOW (self), self->store);
      g_object_add_weak_pointer (G_OBJECT (self->reports_list), (gpointer *) &self->reports_list);
      g_signal_connect_object (self->reports_list, "report-activated",
                               G_CALLBACK (report_activated_cb), self, 0);
    }
  gtk_window_present (GTK_WINDOW (self->reports_list));
}

void
_cm_window_reports_data_changed (CmWindow *self, CmLayer layer)
{
  if (self->reports_list && (layer == CM_LAYER_NONE || layer == CM_LAYER_REPORTS))
    cm_reports_list_reload (self->reports_list);
}

void
_cm_window_reports_map_closed (CmWindow *self)
{
  if (self->report_form)
    cm_report_form_finish (self->report_form, FALSE);
  if (self->followup_dialog)
    gtk_window_destroy (GTK_WINDOW (self->followup_dialog));
  if (self->reports_list)
    gtk_window_destroy (GTK_WINDOW (self->reports_list));
}

void
_cm_window_reports_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.add-followup", NULL, add_followup_action);
  gtk_widget_class_install_action (widget_class, "win.reports", NULL, reports_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.reports", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_R, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.reports", NULL);
}

/* ---- for tests ------------------------------------------------------------------------------- */

CmReportForm *
cm_window_get_report_form (CmWindow *self)
{
  return self->report_form;
}

CmReportsList *
cm_window_get_reports_list (CmWindow *self)
{
  return self->reports_list;
}

gboolean
cm_window_fill_followup (CmWindow *self, const char *status, const char *who, const char *what)
{
  if (self->followup_dialog == NULL)
    return FALSE;
  FollowupFields *fields = g_object_get_data (G_OBJECT (self->followup_dialog), "fields");
  gboolean found = status == NULL;
  CmReportStatus want = cm_report_status_from_string (status);
  for (guint i = 0; status && i < fields->statuses->len; i++)
    if (GPOINTER_TO_INT (fields->statuses->pdata[i]) == (int) want)
      {
        gtk_drop_down_set_selected (fields->status_drop, i);
        found = TRUE;
      }
  gtk_editable_set_text (GTK_EDITABLE (fields->who_entry), who ? who : "");
  gtk_editable_set_text (GTK_EDITABLE (fields->what_entry), what ? what : "");
  return found;
}

void
cm_window_finish_followup (CmWindow *self, gboolean add)
{
  GtkWidget *dialog = self->followup_dialog;
  if (dialog == NULL)
    return;
  /* as its button: the response, then the dialog closes */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), add ? "add" : "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
}
