/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-window-sync.c: Sync with Server… — the open map pushed to or pulled from a PostgreSQL +
 * PostGIS server (cm-postgis.c, docs/postgis.md): the server's address or service name
 * (remembered), then the work in a thread with its progress and Cancel. A pull is one undoable
 * step, as a merge is; its conflicts go to the same review. */
#include "config.h"

#include <glib/gi18n.h>

#include "cm-window-private.h"

typedef struct
{
  CmWindow *window;  /* a reference */
  char *path;        /* the map: the thread opens its own connection to it */
  char *server;
  gboolean push;
  AdwMessageDialog *progress_dialog; /* while it is open (a weak pointer) */
  GtkProgressBar *bar;
  /* filled by the thread: the pull's features as they were, their conflicts */
  GPtrArray *before_keys, *before, *conflicts_before;
  CmPostgisReport *report;
} SyncJob;

static void
sync_job_free (SyncJob *job)
{
  if (job->progress_dialog)
    g_object_remove_weak_pointer (G_OBJECT (job->progress_dialog),
                                  (gpointer *) &job->progress_dialog);
  g_object_unref (job->window);
  g_free (job->path);
  g_free (job->server);
  g_clear_pointer (&job->before_keys, g_ptr_array_unref);
  g_clear_pointer (&job->before, g_ptr_array_unref);
  g_clear_pointer (&job->conflicts_before, g_ptr_array_unref);
  g_clear_pointer (&job->report, cm_postgis_report_free);
  g_free (job);
}

typedef struct
{
  GtkProgressBar *bar;
  double fraction;
} ProgressUpdate;

static gboolean
progress_idle_cb (gpointer data)
{
  ProgressUpdate *u = data;
  gtk_progress_bar_set_fraction (u->bar, u->fraction);
  g_object_unref (u->bar);
  g_free (u);
  return G_SOURCE_REMOVE;
}

/* on the thread */
static void
progress_cb (goffset done, goffset total, gpointer data)
{
  SyncJob *job = data;
  ProgressUpdate *u = g_new0 (ProgressUpdate, 1);
  u->bar = g_object_ref (job->bar);
  u->fraction = total > 0 ? (double) done / (double) total : 0;
  g_idle_add (progress_idle_cb, u);
}

/* on the thread, before the pull changes the map: the features it may change as they are */
static void
before_cb (CmStore *map, GPtrArray *keys, gpointer data)
{
  SyncJob *job = data;
  job->before_keys = g_ptr_array_new_with_free_func (g_free);
  job->before = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < keys->len; i++)
    {
      g_auto (GStrv) key = g_strsplit (keys->pdata[i], "\t", 2);
      CmLayer layer = cm_layer_from_string (key[0]);
      if (layer == CM_LAYER_NONE)
        continue; /* photos, workshops, contributors: not in the history */
      CmFeature *f = cm_store_get_feature (map, layer, key[1], NULL);
      if (f == NULL)
        continue;
      g_ptr_array_add (job->before_keys, g_strdup (keys->pdata[i]));
      g_ptr_array_add (job->before, f);
    }
  g_autoptr (CmHistory) history = cm_history_new (map);
  job->conflicts_before = cm_history_save_conflicts (history, job->before);
}

static void
sync_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  SyncJob *job = data;
  GError *error = NULL;
  g_autoptr (CmStore) store = cm_store_open (job->path, &error);
  if (store)
    job->report = job->push ? cm_postgis_push (store, job->server, NULL, progress_cb, job,
                                               cancellable, &error)
                            : cm_postgis_pull (store, job->server, NULL, progress_cb, job,
                                               before_cb, job, cancellable, &error);
  if (job->report)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static guint
count_changes (const CmMergeReport *r)
{
  guint n = 0;
  for (guint i = 0; i < r->tables->len; i++)
    {
      const CmMergeCounts *c = &g_array_index (r->tables, CmMergeCounts, i);
      n += c->added + c->changed + c->deleted;
    }
  return n;
}

/* The pull as one step of the history: the features it changed and added, before and after. */
static void
record_pull (CmWindow *self, SyncJob *job)
{
  const CmMergeReport *r = job->report->merge;
  GPtrArray *before = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *after = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) was = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; job->before_keys && i < job->before_keys->len; i++)
    g_hash_table_insert (was, job->before_keys->pdata[i], job->before->pdata[i]);
  double box[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  for (guint i = 0; i < r->rows->len; i++)
    {
      g_auto (GStrv) key = g_strsplit (r->rows->pdata[i], "\t", 2);
      CmFeature *f = cm_store_get_feature (self->store, cm_layer_from_string (key[0]), key[1],
                                           NULL);
      if (f == NULL)
        continue;
      CmFeature *old = g_hash_table_lookup (was, r->rows->pdata[i]);
      if (old)
        old = cm_feature_copy (old);
      else
        {
          /* undoing an add leaves a tombstone, as elsewhere */
          old = cm_feature_copy (f);
          _cm_feature_set_deleted (old, TRUE);
        }
      for (int k = 0; k < 2; k++)
        {
          double b[4];
          cm_feature_get_bbox (k ? f : old, b);
          box[0] = MIN (box[0], b[0]), box[1] = MIN (box[1], b[1]);
          box[2] = MAX (box[2], b[2]), box[3] = MAX (box[3], b[3]);
        }
      g_ptr_array_add (before, old);
      g_ptr_array_add (after, f);
    }
  cm_history_record (self->history, before, after, g_steal_pointer (&job->conflicts_before));
  _cm_window_data_changed (self, CM_LAYER_NONE, box);
}

static void
sync_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  CmWindow *self = CM_WINDOW (source);
  SyncJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  if (job->progress_dialog)
    gtk_window_destroy (GTK_WINDOW (job->progress_dialog));
  g_clear_object (&self->sync_cancellable);
  if (self->closing)
    {
      _cm_window_background_done (self);
      return;
    }
  if (!ok)
    {
      _cm_window_toast_failure (self, error->message);
      return;
    }
  const CmMergeReport *r = job->report->merge;
  if (!job->push && !r->nothing_new && self->store && self->history)
    record_pull (self, job);
  guint conflicts = _cm_window_count_conflicts (r), changes = count_changes (r);
  g_autofree char *msg = NULL;
  if (r->nothing_new)
    msg = g_strdup_printf (job->push ? _("The server %s had everything this map holds")
                                     : _("Nothing new on the server %s"),
                           job->report->server);
  else if (job->push)
    msg = conflicts > 0
              ? g_strdup_printf (ngettext ("Sent to %s; %u feature was changed there too: both "
                                           "versions are kept, pull to review them",
                                           "Sent to %s; %u features were changed there too: "
                                           "both versions are kept, pull to review them",
                                           conflicts),
                                 job->report->server, conflicts)
              : g_strdup_printf (ngettext ("Sent to %s: %u feature", "Sent to %s: %u features",
                                           changes),
                                 job->report->server, changes);
  else
    msg = conflicts > 0
              ? g_strdup_printf (ngettext ("Pulled from %s; %u feature was changed here and "
                                           "there: both versions are kept for review (Ctrl+Z "
                                           "undoes the pull)",
                                           "Pulled from %s; %u features were changed here and "
                                           "there: both versions are kept for review (Ctrl+Z "
                                           "undoes the pull)",
                                           conflicts),
                                 job->report->server, conflicts)
              : g_strdup_printf (ngettext ("Pulled from %s: %u feature (Ctrl+Z undoes it)",
                                           "Pulled from %s: %u features (Ctrl+Z undoes it)",
                                           changes),
                                 job->report->server, changes);
  _cm_window_toast (self, msg);
}

static void
progress_response_cb (AdwMessageDialog *dialog, const char *response, CmWindow *self)
{
  if (g_str_equal (response, "cancel") && self->sync_cancellable)
    g_cancellable_cancel (self->sync_cancellable);
}

static void
start_sync (CmWindow *self, const char *server, gboolean push)
{
  if (self->store == NULL || self->sync_cancellable)
    return;
  SyncJob *job = g_new0 (SyncJob, 1);
  job->window = g_object_ref (self);
  job->path = g_strdup (self->path);
  job->server = g_strdup (server);
  job->push = push;
  job->progress_dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
      GTK_WINDOW (self), push ? _("Pushing to the Server…") : _("Pulling from the Server…"),
      server));
  job->bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  adw_message_dialog_set_extra_child (job->progress_dialog, GTK_WIDGET (job->bar));
  adw_message_dialog_add_response (job->progress_dialog, "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (job->progress_dialog, "cancel");
  g_signal_connect_object (job->progress_dialog, "response", G_CALLBACK (progress_response_cb),
                           self, 0);
  /* gone when Cancel closes it */
  g_object_add_weak_pointer (G_OBJECT (job->progress_dialog), (gpointer *) &job->progress_dialog);
  gtk_window_present (GTK_WINDOW (job->progress_dialog));
  self->sync_cancellable = g_cancellable_new ();
  GTask *task = g_task_new (self, self->sync_cancellable, sync_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) sync_job_free);
  g_task_run_in_thread (task, sync_thread);
  g_object_unref (task);
}

static void
ask_response_cb (AdwMessageDialog *dialog, const char *response, CmWindow *self)
{
  if (!g_str_equal (response, "push") && !g_str_equal (response, "pull"))
    return;
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *server = _cm_window_stripped_or_null (gtk_editable_get_text (entry));
  if (server == NULL)
    {
      _cm_window_toast_failure (self, _("Give the server's address or service name"));
      return;
    }
  if (self->settings)
    g_settings_set_string (self->settings, "sync-server", server);
  start_sync (self, server, g_str_equal (response, "push"));
}

/* Sync with Server…: where, then Push or Pull. */
static void
sync_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  if (self->store == NULL || self->sync_cancellable)
    return;
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
      GTK_WINDOW (self), _("Sync with Server"),
      _("A PostgreSQL server with PostGIS that many offices share. Push sends this map's "
        "changes to it; Pull brings the others' here. A feature changed here and there keeps "
        "both versions for review. The password comes from ~/.pgpass or the service file, "
        "never from this box.")));
  GtkEntry *entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (entry, _("postgresql://user@host/database or a service name"));
  gtk_entry_set_activates_default (entry, TRUE);
  if (self->settings)
    {
      g_autofree char *last = g_settings_get_string (self->settings, "sync-server");
      gtk_editable_set_text (GTK_EDITABLE (entry), last);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Server"), -1);
  adw_message_dialog_set_extra_child (dialog, GTK_WIDGET (entry));
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  adw_message_dialog_add_response (dialog, "push", _("P_ush"));
  adw_message_dialog_add_response (dialog, "pull", _("_Pull"));
  adw_message_dialog_set_response_appearance (dialog, "pull", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "pull");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (ask_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_cm_window_sync_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.sync", NULL, sync_action);
}
