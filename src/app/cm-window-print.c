/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-window-print.c: Print… (Ctrl+P): what the map shows, on the page the print dialog sets up,
 * as a poster (cm-poster.c): title, the map at a round scale, legend, scale bar, north arrow
 * and credits. GTK's own dialog chooses the printer, the paper and the orientation.
 * Export Poster…: the poster's own dialog (cm-poster-dialog.c), for PDF and PNG files.
 * Prepare Meeting Agenda…: the residents' open reports as the deliberation meeting's agenda, a
 * PDF in Chinese (cm_report_write_agenda_pdf, as `cmap agenda -o`), written on a connection of
 * its own in a worker thread. */
#include "config.h"

#include "cm-window-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cm-poster-dialog.h"
#include "cm-poster.h"
#include "cm-render.h"
#include "cm-report.h"

typedef struct
{
  CmWindow *window;
  double bbox[4]; /* what the map showed when Print… was chosen */
  GError *error;
} PrintJob;

static void
begin_print_cb (GtkPrintOperation *op, GtkPrintContext *context, gpointer data)
{
  gtk_print_operation_set_n_pages (op, 1);
}

static void
draw_page_cb (GtkPrintOperation *op, GtkPrintContext *context, int page, gpointer data)
{
  PrintJob *job = data;
  CmPosterOptions options;
  cm_poster_options_init (&options);
  /* the unit is points (set below): the page's printable part in millimetres */
  options.width_mm = gtk_print_context_get_width (context) * CM_POSTER_MM_PER_PT;
  options.height_mm = gtk_print_context_get_height (context) * CM_POSTER_MM_PER_PT;
  options.has_bbox = TRUE;
  memcpy (options.bbox, job->bbox, sizeof job->bbox);
  options.hidden = job->window->hidden; /* the layers the window shows, no others */
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  if (!cm_poster_draw (job->window->store, cr, &options, NULL, &job->error) && job->error == NULL)
    g_set_error_literal (&job->error, G_IO_ERROR, G_IO_ERROR_FAILED, _("nothing to print"));
}

void
_cm_window_print (CmWindow *self, const char *export_path)
{
  if (self->store == NULL)
    return;
  PrintJob job = { self };
  _cm_window_view_bbox (self, job.bbox);
  g_autoptr (GtkPrintOperation) op = gtk_print_operation_new ();
  gtk_print_operation_set_unit (op, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (op, FALSE);
  g_autofree char *name = cm_store_dup_name (self->store);
  gtk_print_operation_set_job_name (op, name && *name ? name : _("Community map"));
  /* the page turned as the map is: a wide window prints across the page */
  g_autoptr (GtkPageSetup) setup = gtk_page_setup_new ();
  int w = gtk_widget_get_width (GTK_WIDGET (self->map)), h = gtk_widget_get_height (GTK_WIDGET (self->map));
  gtk_page_setup_set_orientation (setup, w > h ? GTK_PAGE_ORIENTATION_LANDSCAPE
                                               : GTK_PAGE_ORIENTATION_PORTRAIT);
  if (export_path)
    {
      g_autoptr (GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
      gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
      gtk_print_operation_set_export_filename (op, export_path);
    }
  gtk_print_operation_set_default_page_setup (op, setup);
  g_signal_connect (op, "begin-print", G_CALLBACK (begin_print_cb), &job);
  g_signal_connect (op, "draw-page", G_CALLBACK (draw_page_cb), &job);
  g_autoptr (GError) error = NULL;
  GtkPrintOperationResult result = gtk_print_operation_run (
      op, export_path ? GTK_PRINT_OPERATION_ACTION_EXPORT : GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
      GTK_WINDOW (self), &error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR || job.error)
    {
      g_autofree char *message = g_strdup_printf (_("Could not print: %s"),
                                                  (job.error ? job.error : error)->message);
      _cm_window_toast (self, message);
    }
  g_clear_error (&job.error);
}

void
cm_window_print_to_file (CmWindow *self, const char *path)
{
  _cm_window_print (self, path);
}

static void
print_action (GtkWidget *widget, const char *name, GVariant *param)
{
  _cm_window_print (CM_WINDOW (widget), NULL);
}

static void
poster_written_cb (CmPosterDialog *dialog, const char *path, CmWindow *self)
{
  g_autofree char *base = g_filename_display_basename (path);
  g_autofree char *message = g_strdup_printf (_("Wrote the poster %s"), base);
  _cm_window_toast (self, message);
}

CmPosterDialog *
cm_window_export_poster (CmWindow *self)
{
  if (self->store == NULL)
    return NULL;
  double view[4], boundary[4];
  _cm_window_view_bbox (self, view);
  /* the area at first: the boundary, else the whole map (as cmap poster) */
  CmLayerStats stats;
  if (cm_store_get_layer_stats (self->store, CM_LAYER_BOUNDARY, &stats, NULL) && stats.count > 0)
    memcpy (boundary, stats.bbox, sizeof boundary);
  else if (!cm_render_get_extent (self->store, boundary, NULL))
    memcpy (boundary, view, sizeof boundary);
  /* the analysis the panel shows, offered as the subject (run again on the dialog's own
   * connection, so that the panel may go on) */
  const CmAnalysisResult *result = cm_analysis_panel_get_result (self->panel);
  g_autofree char *name = cm_store_dup_name (self->store);
  CmPosterDialog *dialog = cm_poster_dialog_new (GTK_WINDOW (self), cm_store_get_path (self->store),
                                                 name, boundary, view, self->hidden,
                                                 result ? &result->request : NULL,
                                                 cm_analysis_panel_get_circle (self->panel));
  g_signal_connect_object (dialog, "written", G_CALLBACK (poster_written_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
export_poster_action (GtkWidget *widget, const char *name, GVariant *param)
{
  cm_window_export_poster (CM_WINDOW (widget));
}

/* ---- Prepare Meeting Agenda… ------------------------------------------------------------- */

typedef struct
{
  char *map;  /* the map's file, opened again in the thread */
  char *path; /* the PDF */
  guint items;
} AgendaJob;

static void
agenda_job_free (AgendaJob *job)
{
  g_free (job->map);
  g_free (job->path);
  g_free (job);
}

static void
write_agenda_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AgendaJob *job = data;
  GError *error = NULL;
  g_autoptr (CmStore) store = cm_store_open_reader (job->map, &error);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  CmAgendaOptions options = { .today = today };
  g_autoptr (GPtrArray) items = store ? cm_reports_agenda (store, &options, &error) : NULL;
  g_autoptr (GPtrArray) counts = items ? cm_reports_count_by_responsible (store, &error) : NULL;
  if (counts && cm_report_write_agenda_pdf (items, counts, store, today, job->path, &error))
    {
      job->items = items->len;
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

static void
agenda_written_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  CmWindow *self = CM_WINDOW (source);
  AgendaJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = g_strdup_printf (_("The agenda was not written: %s"),
                                                  error->message);
      _cm_window_toast_failure (self, message);
      return;
    }
  g_autofree char *base = g_filename_display_basename (job->path);
  g_autofree char *message =
      job->items ? g_strdup_printf (
                       g_dngettext (GETTEXT_PACKAGE, "Wrote the meeting's agenda, %u item, to %s",
                                    "Wrote the meeting's agenda, %u items, to %s", job->items),
                       job->items, base)
                 : g_strdup_printf (_("Wrote the meeting's agenda to %s: no open reports"), base);
  _cm_window_toast (self, message);
}

static void
agenda_response_cb (GtkNativeDialog *dialog, int response, CmWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->store)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      AgendaJob *job = g_new0 (AgendaJob, 1);
      job->map = g_strdup (cm_store_get_path (self->store));
      job->path = g_file_get_path (file);
      if (!g_str_has_suffix (job->path, ".pdf"))
        {
          char *with = g_strconcat (job->path, ".pdf", NULL);
          g_free (job->path);
          job->path = with;
        }
      g_autoptr (GTask) task = g_task_new (self, NULL, agenda_written_cb, NULL);
      g_task_set_task_data (task, job, (GDestroyNotify) agenda_job_free);
      g_task_run_in_thread (task, write_agenda_thread);
    }
  g_object_unref (dialog);
}

/* Prepare Meeting Agenda…: where to write the PDF, then written in the background. */
static void
agenda_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  if (self->store == NULL)
    return;
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
      _("Prepare the Meeting's Agenda"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
      _("_Save"), _("_Cancel"));
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");
  /* TRANSLATORS: the agenda's file name; %s is the meeting's day */
  g_autofree char *file = g_strdup_printf (_("agenda-%s.pdf"), day);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), file);
  g_signal_connect (dialog, "response", G_CALLBACK (agenda_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

void
_cm_window_print_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.agenda", NULL, agenda_action);
  gtk_widget_class_install_action (widget_class, "win.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "win.export-poster", NULL, export_poster_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.export-poster", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.print",
                                       NULL);
}
