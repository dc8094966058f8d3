/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-window-merge.c: Merge Another Map… — a copy carried on a USB stick merged into the open
 * map (docs/merge.md): asked first when it covers another area, a summary of what comes in
 * before anything is written, then one undoable step. */
#include "config.h"

#include <glib/gi18n.h>

#include "cm-category-ui.h"
#include "cm-conflict-review.h"
#include "cm-window-private.h"

/* A question asked about the map at @path; @rows: what the summary's dry run said the merge
 * changes (the undo step's features), once there was one. */
typedef struct
{
  CmWindow *window;
  char *path;
  GPtrArray *rows;
} Pending;

static void
pending_free (gpointer data, GClosure *closure)
{
  Pending *p = data;
  g_object_unref (p->window);
  g_free (p->path);
  g_clear_pointer (&p->rows, g_ptr_array_unref);
  g_free (p);
}

/* Asks @heading with @body, the responses ("id", "label", … NULL) after Cancel; @callback gets
 * the response and the question's Pending (which takes @rows). */
static AdwMessageDialog *
ask (CmWindow *self, const char *path, GPtrArray *rows, const char *heading, const char *body,
     GCallback callback, ...)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                                         heading, body));
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  va_list args;
  va_start (args, callback);
  for (const char *id; (id = va_arg (args, const char *));)
    adw_message_dialog_add_response (dialog, id, va_arg (args, const char *));
  va_end (args);
  adw_message_dialog_set_close_response (dialog, "cancel");
  Pending *p = g_new0 (Pending, 1);
  p->window = g_object_ref (self);
  p->path = g_strdup (path);
  p->rows = rows ? g_ptr_array_ref (rows) : NULL;
  g_signal_connect_data (dialog, "response", callback, p, pending_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

guint
_cm_window_count_conflicts (const CmMergeReport *r)
{
  guint n = 0;
  for (guint i = 0; i < r->tables->len; i++)
    n += g_array_index (r->tables, CmMergeCounts, i).conflicts;
  return n;
}

/* What a report brings, for people: "Buildings: 3 added, 1 changed" per line. */
static char *
summary (const CmMergeReport *r)
{
  GString *text = g_string_new (NULL);
  for (guint i = 0; i < r->tables->len; i++)
    {
      const CmMergeCounts *c = &g_array_index (r->tables, CmMergeCounts, i);
      if (c->added + c->changed + c->deleted == 0)
        continue;
      CmLayer layer = cm_layer_from_string (c->table);
      const char *title = layer != CM_LAYER_NONE ? cm_layer_title (layer) : c->table;
      /* TRANSLATORS: a layer, then what a merge brings to it */
      g_string_append_printf (text, _("%s: %u added, %u changed, %u deleted\n"), title, c->added,
                              c->changed, c->deleted);
    }
  return g_string_free (text, FALSE);
}

/* Merges, as one step of the history: @rows are the features the summary's dry run said it
 * changes (nothing else can change the map while the summary is asked: it is modal). */
static void
merge_now (CmWindow *self, const char *path, GPtrArray *rows)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dn = g_filename_display_basename (path);
  /* the features as they are now: the step's "before" */
  GPtrArray *before = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < rows->len; i++)
    {
      g_auto (GStrv) key = g_strsplit (rows->pdata[i], "\t", 2);
      CmFeature *f = cm_store_get_feature (self->store, cm_layer_from_string (key[0]), key[1],
                                           NULL);
      g_ptr_array_add (before, f); /* NULL: the merge adds it */
    }
  GPtrArray *conflicts_before = cm_history_save_conflicts (self->history, before);
  g_autoptr (CmMergeReport) r = cm_merge (self->store, path, FALSE, &error);
  if (r == NULL)
    {
      g_ptr_array_unref (before);
      g_clear_pointer (&conflicts_before, g_ptr_array_unref);
      _cm_window_toast_failure (self, error->message);
      return;
    }
  GPtrArray *after = g_ptr_array_new_with_free_func (g_object_unref);
  double box[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  for (guint i = 0; i < rows->len; i++)
    {
      g_auto (GStrv) key = g_strsplit (rows->pdata[i], "\t", 2);
      CmFeature *f = cm_store_get_feature (self->store, cm_layer_from_string (key[0]), key[1],
                                           NULL);
      if (f == NULL)
        f = cm_feature_copy (before->pdata[i]);
      if (before->pdata[i] == NULL)
        {
          /* undoing an add leaves a tombstone, as elsewhere */
          CmFeature *tomb = cm_feature_copy (f);
          _cm_feature_set_deleted (tomb, TRUE);
          before->pdata[i] = tomb;
        }
      for (int k = 0; k < 2; k++)
        {
          double b[4];
          cm_feature_get_bbox (k ? f : before->pdata[i], b);
          box[0] = MIN (box[0], b[0]), box[1] = MIN (box[1], b[1]);
          box[2] = MAX (box[2], b[2]), box[3] = MAX (box[3], b[3]);
        }
      g_ptr_array_add (after, f);
    }
  cm_history_record (self->history, before, after, conflicts_before);
  _cm_window_data_changed (self, CM_LAYER_NONE, box);
  guint conflicts = _cm_window_count_conflicts (r);
  g_autofree char *msg =
      r->nothing_new
          ? g_strdup_printf (_("%s: nothing new, this map has it all"), dn)
          : conflicts > 0
                ? g_strdup_printf (ngettext ("%s merged; %u feature was changed on both copies: "
                                             "both versions are kept for review (Ctrl+Z undoes "
                                             "the merge)",
                                             "%s merged; %u features were changed on both "
                                             "copies: both versions are kept for review (Ctrl+Z "
                                             "undoes the merge)",
                                             conflicts),
                                   dn, conflicts)
                : g_strdup_printf (_("%s merged (Ctrl+Z undoes it)"), dn);
  _cm_window_toast (self, msg);
}

static void
summary_response_cb (AdwMessageDialog *dialog, const char *response, Pending *p)
{
  if (g_str_equal (response, "merge") && p->window->store)
    merge_now (p->window, p->path, p->rows);
}

/* The summary: what comes in, then Merge or Cancel. */
static void
ask_summary (CmWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dn = g_filename_display_basename (path);
  g_autoptr (CmMergeReport) r = cm_merge (self->store, path, TRUE, &error);
  if (r == NULL)
    {
      _cm_window_toast_failure (self, error->message);
      return;
    }
  if (r->nothing_new)
    {
      g_autofree char *msg = g_strdup_printf (_("%s: nothing new, this map has it all"), dn);
      _cm_window_toast (self, msg);
      return;
    }
  guint conflicts = _cm_window_count_conflicts (r);
  g_autofree char *what = summary (r);
  g_autofree char *heading = g_strdup_printf (_("Merge “%s” into This Map?"), dn);
  GString *body = g_string_new (what);
  if (conflicts > 0)
    g_string_append_printf (body,
                            ngettext ("%u feature was changed on both copies: both versions "
                                      "will be kept for you to review.",
                                      "%u features were changed on both copies: both versions "
                                      "will be kept for you to review.",
                                      conflicts),
                            conflicts);
  else
    g_string_append (body, _("No feature was changed on both copies."));
  AdwMessageDialog *dialog = ask (self, path, r->rows, heading, body->str,
                                  G_CALLBACK (summary_response_cb), "merge", _("_Merge"), NULL);
  g_string_free (body, TRUE);
  adw_message_dialog_set_response_appearance (dialog, "merge", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "merge");
}

static void
area_response_cb (AdwMessageDialog *dialog, const char *response, Pending *p)
{
  if (g_str_equal (response, "merge") && p->window->store)
    ask_summary (p->window, p->path);
}

void
cm_window_merge_file (CmWindow *self, const char *path)
{
  if (self->store == NULL || self->history == NULL)
    return;
  g_autoptr (GError) error = NULL;
  gboolean meet = TRUE;
  if (!cm_merge_areas_meet (self->store, path, &meet, &error))
    {
      _cm_window_toast_failure (self, error->message);
      return;
    }
  if (meet)
    {
      ask_summary (self, path);
      return;
    }
  g_autofree char *dn = g_filename_display_basename (path);
  g_autofree char *body = g_strdup_printf (_("%s covers another area than this map: it is "
                                             "probably not a copy of it. Merge it anyway?"),
                                           dn);
  AdwMessageDialog *dialog = ask (self, path, NULL, _("Another Area"), body,
                                  G_CALLBACK (area_response_cb), "merge", _("_Merge Anyway"),
                                  NULL);
  adw_message_dialog_set_response_appearance (dialog, "merge", ADW_RESPONSE_DESTRUCTIVE);
}

static void
open_or_merge_cb (AdwMessageDialog *dialog, const char *response, Pending *p)
{
  if (g_str_equal (response, "merge") && p->window->store)
    cm_window_merge_file (p->window, p->path);
  else if (g_str_equal (response, "open"))
    _cm_window_open_dropped (p->window, p->path);
}

void
_cm_window_ask_open_or_merge (CmWindow *self, const char *path)
{
  g_autofree char *dn = g_filename_display_basename (path);
  g_autofree char *body = g_strdup_printf (_("%s is a map. Open it in place of this one, or merge "
                                             "it into this map (a copy from another laptop)?"),
                                           dn);
  AdwMessageDialog *dialog = ask (self, path, NULL, _("Open It, or Merge It into This Map?"),
                                  body, G_CALLBACK (open_or_merge_cb), "open", _("_Open"),
                                  "merge", _("_Merge"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "merge", ADW_RESPONSE_SUGGESTED);
}

static void
merge_response_cb (GtkNativeDialog *dialog, int response, CmWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      if (path)
        cm_window_merge_file (self, path);
    }
  g_object_unref (dialog);
}

static void
merge_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  if (self->store == NULL)
    return;
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
      _("Merge Another Copy of This Map"), GTK_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN,
      _("_Merge"), _("_Cancel"));
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Community maps (.sqlite)"));
  gtk_file_filter_add_pattern (filter, "*.sqlite");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  g_signal_connect (dialog, "response", G_CALLBACK (merge_response_cb), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- the review of conflicts (cm-conflict-review.c) --------------------------------------------- */

void
_cm_window_merge_data_changed (CmWindow *self)
{
  guint n = 0;
  if (self->store)
    {
      g_autoptr (GPtrArray) list = cm_merge_list_conflicts (self->store, NULL);
      n = list ? list->len : 0;
    }
  if (n > 0)
    {
      g_autofree char *label = g_strdup_printf (ngettext ("%u conflict to review",
                                                          "%u conflicts to review", n),
                                                n);
      gtk_button_set_label (self->conflicts_button, label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_button), n > 0);
  if (self->review)
    cm_conflict_review_refresh (self->review);
}

static void
review_show_cb (CmConflictReview *review, int layer, const char *uuid, GBytes *theirs,
                CmWindow *self)
{
  if (self->store == NULL || layer == CM_LAYER_NONE)
    return;
  g_autoptr (CmFeature) f = cm_store_get_feature (self->store, layer, uuid, NULL);
  if (f == NULL)
    return;
  _cm_window_select_feature (self, f);
  cm_selection_layer_set_theirs (self->selection_layer, theirs);
  /* both versions in view */
  double b[4];
  cm_feature_get_bbox (f, b);
  shumate_map_center_on (shumate_simple_map_get_map (self->map), (b[1] + b[3]) / 2,
                         (b[0] + b[2]) / 2);
}

static void
review_resolved_cb (CmConflictReview *review, const double *box, CmWindow *self)
{
  cm_selection_layer_set_theirs (self->selection_layer, NULL);
  _cm_window_data_changed (self, CM_LAYER_NONE, box);
}

CmConflictReview *
cm_window_review_conflicts (CmWindow *self)
{
  if (self->store == NULL || self->history == NULL)
    return NULL;
  if (self->review == NULL)
    {
      self->review = cm_conflict_review_new (GTK_WINDOW (self), self->store, self->history);
      g_object_add_weak_pointer (G_OBJECT (self->review), (gpointer *) &self->review);
      g_signal_connect_object (self->review, "show-conflict", G_CALLBACK (review_show_cb), self, 0);
      g_signal_connect_object (self->review, "resolved", G_CALLBACK (review_resolved_cb), self, 0);
    }
  gtk_window_present (GTK_WINDOW (self->review));
  return self->review;
}

static void
review_action (GtkWidget *widget, const char *name, GVariant *param)
{
  cm_window_review_conflicts (CM_WINDOW (widget));
}

void
_cm_window_merge_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.merge", NULL, merge_action);
  gtk_widget_class_install_action (widget_class, "win.review-conflicts", NULL, review_action);
}
