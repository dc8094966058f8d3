/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-poster-dialog.c: Export Poster… — the choices on the left, the live preview on the right,
 * Export… below; every drawing in a worker thread. */
#include "config.h"

#include "cm-poster-dialog.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cm-category-ui.h"
#include "cm-poster.h"

#define PREVIEW_PIXELS 560 /* the preview's longer side */
#define PREVIEW_DELAY_MS 150 /* a change waits this long for the next before the preview follows */
#define PNG_DPI 150

static const char *const papers[] = { "A4", "A3", "A2", "A1", "A0", NULL };
#define DEFAULT_PAPER 3 /* A1, as cmap poster */

struct _CmPosterDialog
{
  AdwWindow parent_instance;
  char *path, *name;
  double boundary[4], view[4];
  CmAnalysisRequest request; /* the window's analysis (has_request), run again here */
  gboolean has_request;
  guint circle;
  CmAnalysisResult *result; /* its result, once a job has computed it */

  GtkWidget *choices; /* insensitive while writing */
  GtkDropDown *paper, *orientation, *area, *analysis;
  GtkEntry *title, *subtitle;
  GtkCheckButton *layers[CM_N_LAYERS], *grid;
  gboolean grid_touched; /* the grid was set by hand: the paper no longer sets it */
  gboolean orientation_touched; /* turned by hand: the area no longer turns it */
  GtkPicture *picture;
  GdkTexture *preview;
  GtkLabel *status;
  GtkProgressBar *progress_bar;
  GtkButton *export_button, *cancel_button;

  guint preview_timer;
  gboolean previewing, preview_again;
  GCancellable *writing; /* while a poster is written */
  volatile gint progress;
  guint progress_tick;
  gboolean close_when_done;
};

G_DEFINE_FINAL_TYPE (CmPosterDialog, cm_poster_dialog, ADW_TYPE_WINDOW)

enum
{
  WRITTEN,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* ---- one drawing: a preview or the poster's file -------------------------------------------- */

typedef struct
{
  char *map;    /* the map's path */
  char *output; /* NULL: a preview */
  CmPosterOptions options;
  char *title, *subtitle; /* owned: options point at them */
  gboolean want_analysis;
  CmAnalysisRequest request;
  const CmAnalysisResult *given; /* the dialog's, when it had one */
  CmAnalysisResult *computed;    /* else computed here, handed to the dialog */
  cairo_surface_t *surface;      /* the preview */
} Job;

static void
job_free (Job *job)
{
  g_free (job->map);
  g_free (job->output);
  g_free (job->title);
  g_free (job->subtitle);
  cm_analysis_request_clear (&job->request);
  g_clear_pointer (&job->computed, cm_analysis_result_free);
  g_clear_pointer (&job->surface, cairo_surface_destroy);
  g_free (job);
}

static void
job_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  g_autoptr (CmStore) store = cm_store_open (job->map, &error);
  if (store && job->want_analysis && job->given == NULL)
    job->computed = cm_analysis_run (job->map, &job->request, NULL, cancellable, &error);
  if (error)
    {
      g_task_return_error (task, error);
      return;
    }
  job->options.analysis = job->want_analysis ? (job->given ? job->given : job->computed) : NULL;
  job->options.cancellable = cancellable;
  gboolean ok;
  if (job->output)
    ok = cm_poster_write (store, &job->options, job->output, PNG_DPI, NULL, &error);
  else
    {
      double w = job->options.width_mm, h = job->options.height_mm;
      double scale = PREVIEW_PIXELS / (MAX (w, h) / CM_POSTER_MM_PER_PT);
      job->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                 (int) (w / CM_POSTER_MM_PER_PT * scale + 0.5),
                                                 (int) (h / CM_POSTER_MM_PER_PT * scale + 0.5));
      cairo_t *cr = cairo_create (job->surface);
      cairo_scale (cr, scale, scale);
      ok = cm_poster_draw (store, cr, &job->options, NULL, &error);
      cairo_destroy (cr);
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* The poster as the choices stand. */
static Job *
job_new (CmPosterDialog *self, const char *output)
{
  Job *job = g_new0 (Job, 1);
  job->map = g_strdup (self->path);
  job->output = g_strdup (output);
  CmPosterOptions *o = &job->options;
  cm_poster_options_init (o);
  guint paper = gtk_drop_down_get_selected (self->paper);
  cm_poster_parse_paper (papers[MIN (paper, G_N_ELEMENTS (papers) - 2)],
                         gtk_drop_down_get_selected (self->orientation) == 1, &o->width_mm,
                         &o->height_mm);
  const char *title = gtk_editable_get_text (GTK_EDITABLE (self->title));
  const char *subtitle = gtk_editable_get_text (GTK_EDITABLE (self->subtitle));
  job->title = *title ? g_strdup (title) : NULL;
  job->subtitle = *subtitle ? g_strdup (subtitle) : NULL;
  o->title = job->title;
  o->subtitle = job->subtitle;
  if (gtk_drop_down_get_selected (self->area) == 1)
    {
      o->has_bbox = TRUE;
      memcpy (o->bbox, self->view, sizeof o->bbox);
    }
  for (int l = 0; l < CM_N_LAYERS; l++)
    if (self->layers[l] && !gtk_check_button_get_active (self->layers[l]))
      o->hidden |= 1u << l;
  o->grid = gtk_check_button_get_active (self->grid) ? CM_POSTER_GRID_ON : CM_POSTER_GRID_OFF;
  job->want_analysis = self->has_request && gtk_drop_down_get_selected (self->analysis) == 1;
  if (job->want_analysis)
    {
      cm_analysis_request_copy (&job->request, &self->request);
      job->given = self->result;
      o->circle = self->circle;
    }
  return job;
}

/* A result a job computed becomes the dialog's, for the next ones. */
static void
keep_result (CmPosterDialog *self, Job *job)
{
  if (job->computed && self->result == NULL)
    self->result = g_steal_pointer (&job->computed);
}

/* ---- the preview ------------------------------------------------------------------------------ */

static void start_preview (CmPosterDialog *self);

static void
preview_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  CmPosterDialog *self = CM_POSTER_DIALOG (source);
  Job *job = g_task_get_task_data (G_TASK (res));
  g_autoptr (GError) error = NULL;
  self->previewing = FALSE;
  keep_result (self, job);
  if (g_task_propagate_boolean (G_TASK (res), &error))
    {
      cairo_surface_t *s = job->surface;
      cairo_surface_flush (s);
      int height = cairo_image_surface_get_height (s), stride = cairo_image_surface_get_stride (s);
      g_autoptr (GBytes) bytes = g_bytes_new (cairo_image_surface_get_data (s),
                                              (gsize) height * stride);
      g_clear_object (&self->preview);
      /* cairo's ARGB32 is GDK's default memory format (premultiplied, native endian) */
      self->preview = gdk_memory_texture_new (cairo_image_surface_get_width (s), height,
                                              GDK_MEMORY_DEFAULT, bytes, stride);
      gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->preview));
      if (self->writing == NULL)
        gtk_label_set_text (self->status, "");
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("The preview cannot be drawn: %s"),
                                               error->message);
      gtk_label_set_text (self->status, text);
    }
  if (self->preview_again)
    start_preview (self);
}

static void
start_preview (CmPosterDialog *self)
{
  self->preview_again = FALSE;
  if (self->previewing)
    {
      self->preview_again = TRUE;
      return;
    }
  self->previewing = TRUE;
  GTask *task = g_task_new (self, NULL, preview_done_cb, NULL);
  g_task_set_task_data (task, job_new (self, NULL), (GDestroyNotify) job_free);
  g_task_run_in_thread (task, job_thread);
  g_object_unref (task);
}

static gboolean
preview_timer_cb (gpointer data)
{
  CmPosterDialog *self = data;
  self->preview_timer = 0;
  start_preview (self);
  return G_SOURCE_REMOVE;
}

/* Something was chosen: the preview follows once the choosing pauses. */
static void
changed (CmPosterDialog *self)
{
  g_clear_handle_id (&self->preview_timer, g_source_remove);
  self->preview_timer = g_timeout_add (PREVIEW_DELAY_MS, preview_timer_cb, self);
}

static void
changed_cb (GObject *object, GParamSpec *pspec, CmPosterDialog *self)
{
  changed (self);
}

static void
paper_changed_cb (GObject *object, GParamSpec *pspec, CmPosterDialog *self)
{
  /* the grid and its index from A2 up, as cmap poster, until set by hand */
  if (!self->grid_touched)
    {
      g_signal_handlers_block_matched (self->grid, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
      gtk_check_button_set_active (self->grid, gtk_drop_down_get_selected (self->paper) >= 2);
      g_signal_handlers_unblock_matched (self->grid, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
    }
  changed (self);
}

/* Whether @bbox is wider than tall on the ground. */
static gboolean
is_wide (const double bbox[4])
{
  double k = cos ((bbox[1] + bbox[3]) / 2 * G_PI / 180);
  return (bbox[2] - bbox[0]) * k > bbox[3] - bbox[1];
}

static void
orientation_changed_cb (GObject *object, GParamSpec *pspec, CmPosterDialog *self)
{
  self->orientation_touched = TRUE;
  changed (self);
}

static void
area_changed_cb (GObject *object, GParamSpec *pspec, CmPosterDialog *self)
{
  /* the page turned as the area is, until turned by hand */
  if (!self->orientation_touched)
    {
      gboolean view = gtk_drop_down_get_selected (self->area) == 1;
      g_signal_handlers_block_by_func (self->orientation, orientation_changed_cb, self);
      gtk_drop_down_set_selected (self->orientation, is_wide (view ? self->view : self->boundary));
      g_signal_handlers_unblock_by_func (self->orientation, orientation_changed_cb, self);
    }
  changed (self);
}

static void
grid_toggled_cb (GtkCheckButton *button, CmPosterDialog *self)
{
  self->grid_touched = TRUE;
  changed (self);
}

/* ---- writing the poster ------------------------------------------------------------------- */

static gboolean
progress_tick_cb (gpointer data)
{
  CmPosterDialog *self = data;
  gtk_progress_bar_set_fraction (self->progress_bar, g_atomic_int_get (&self->progress) / 1000.0);
  return G_SOURCE_CONTINUE;
}

static void
set_writing (CmPosterDialog *self, gboolean writing)
{
  gtk_widget_set_sensitive (self->choices, !writing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), !writing);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), writing);
  gtk_button_set_label (self->cancel_button, writing ? _("_Stop") : _("_Close"));
  if (writing)
    self->progress_tick = g_timeout_add (100, progress_tick_cb, self);
  else
    g_clear_handle_id (&self->progress_tick, g_source_remove);
}

static void
write_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  CmPosterDialog *self = CM_POSTER_DIALOG (source);
  Job *job = g_task_get_task_data (G_TASK (res));
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (res), &error);
  keep_result (self, job);
  g_clear_object (&self->writing);
  set_writing (self, FALSE);
  if (ok)
    {
      g_signal_emit (self, signals[WRITTEN], 0, job->output);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  if (self->close_when_done)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_label_set_text (self->status, _("Stopped: no poster was written."));
  else
    {
      g_autofree char *text = g_strdup_printf (_("Could not write the poster: %s"),
                                               error->message);
      gtk_label_set_text (self->status, text);
    }
}

void
cm_poster_dialog_export_to (CmPosterDialog *self, const char *path)
{
  g_return_if_fail (self->writing == NULL);
  self->writing = g_cancellable_new ();
  g_atomic_int_set (&self->progress, 0);
  g_autofree char *base = g_filename_display_basename (path);
  g_autofree char *text = g_strdup_printf (_("Writing %s…"), base);
  gtk_label_set_text (self->status, text);
  set_writing (self, TRUE);
  Job *job = job_new (self, path);
  job->options.progress = &self->progress;
  GTask *task = g_task_new (self, self->writing, write_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, job_thread);
  g_object_unref (task);
}

static void
save_response_cb (GtkNativeDialog *chooser, int response, CmPosterDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      /* a name without an ending it knows becomes a PDF */
      if (path && !g_str_has_suffix (path, ".pdf") && !g_str_has_suffix (path, ".png"))
        {
          char *pdf = g_strconcat (path, ".pdf", NULL);
          g_free (path);
          path = pdf;
        }
      if (path)
        cm_poster_dialog_export_to (self, path);
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
export_clicked_cb (GtkButton *button, CmPosterDialog *self)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      _("Export Poster"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
      _("_Cancel"));
  const struct
  {
    const char *name, *pattern;
  } filters[] = {
    { N_("PDF for printing (.pdf)"), "*.pdf" },
    { N_("PNG image for screens and phones (.png)"), "*.png" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _(filters[i].name));
      gtk_file_filter_add_pattern (filter, filters[i].pattern);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
      g_object_unref (filter);
    }
  g_autofree char *name = g_strdup_printf ("%s.pdf", self->name && *self->name ? self->name
                                                                             : _("poster"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cancel_clicked_cb (GtkButton *button, CmPosterDialog *self)
{
  if (self->writing)
    g_cancellable_cancel (self->writing);
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* Closed while writing: stop, and close when the worker has stopped. */
static gboolean
close_request_cb (GtkWindow *window, CmPosterDialog *self)
{
  if (self->writing == NULL)
    return FALSE;
  self->close_when_done = TRUE;
  g_cancellable_cancel (self->writing);
  return TRUE;
}

/* ---- the widgets ----------------------------------------------------------------------------- */

static GtkDropDown *
drop_down (const char *const *items, guint selected)
{
  GtkDropDown *d = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (items));
  gtk_drop_down_set_selected (d, selected);
  gtk_widget_set_hexpand (GTK_WIDGET (d), TRUE);
  return d;
}

static void
add_row (GtkGrid *grid, int *row, const char *label, GtkWidget *widget)
{
  GtkWidget *l = gtk_label_new_with_mnemonic (label);
  gtk_label_set_xalign (GTK_LABEL (l), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (l), widget);
  gtk_widget_add_css_class (l, "dim-label");
  gtk_grid_attach (grid, l, 0, *row, 1, 1);
  gtk_grid_attach (grid, widget, 1, *row, 1, 1);
  (*row)++;
}

static void
build (CmPosterDialog *self, guint hidden, gboolean landscape)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);

  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  gtk_widget_set_margin_start (body, 18);
  gtk_widget_set_margin_end (body, 18);
  gtk_widget_set_margin_top (body, 12);
  gtk_widget_set_vexpand (body, TRUE);
  gtk_box_append (GTK_BOX (box), body);

  GtkGrid *grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (grid, 8);
  gtk_grid_set_column_spacing (grid, 12);
  gtk_widget_set_size_request (GTK_WIDGET (grid), 300, -1);
  self->choices = GTK_WIDGET (grid);
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (grid));
  int row = 0;

  self->paper = drop_down (papers, DEFAULT_PAPER);
  add_row (grid, &row, _("_Paper"), GTK_WIDGET (self->paper));
  const char *orientations[] = { _("Portrait"), _("Landscape"), NULL };
  self->orientation = drop_down (orientations, landscape ? 1 : 0);
  add_row (grid, &row, _("_Orientation"), GTK_WIDGET (self->orientation));
  self->title = GTK_ENTRY (gtk_entry_new ());
  gtk_editable_set_text (GTK_EDITABLE (self->title), self->name ? self->name : "");
  add_row (grid, &row, _("_Title"), GTK_WIDGET (self->title));
  self->subtitle = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->subtitle, _("The date and the workshops"));
  add_row (grid, &row, _("_Subtitle"), GTK_WIDGET (self->subtitle));
  const char *areas[] = { _("The community boundary"), _("What the window shows"), NULL };
  self->area = drop_down (areas, 0);
  add_row (grid, &row, _("_Area"), GTK_WIDGET (self->area));
  g_autofree char *analysis_name =
      self->has_request ? g_strdup (_(cm_analysis_kind_info (self->request.kind)->name)) : NULL;
  const char *analyses[] = { _("None"), analysis_name, NULL };
  self->analysis = drop_down (analyses, self->has_request ? 1 : 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->analysis), self->has_request);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->analysis),
                               _("The analysis the map shows, drawn over it with its legend and a "
                                 "summary; run one in the analysis panel to offer it here"));
  add_row (grid, &row, _("A_nalysis"), GTK_WIDGET (self->analysis));

  GtkWidget *layers = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  for (int l = 0; l < CM_N_LAYERS; l++)
    {
      self->layers[l] = GTK_CHECK_BUTTON (gtk_check_button_new_with_label (cm_layer_title (l)));
      gtk_check_button_set_active (self->layers[l], !(hidden & (1u << l)));
      g_signal_connect (self->layers[l], "notify::active", G_CALLBACK (changed_cb), self);
      gtk_box_append (GTK_BOX (layers), GTK_WIDGET (self->layers[l]));
    }
  add_row (grid, &row, _("Show"), layers);
  self->grid = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (_("Reference _grid and index")));
  gtk_check_button_set_active (self->grid, DEFAULT_PAPER >= 2);
  gtk_grid_attach (grid, GTK_WIDGET (self->grid), 1, row++, 1, 1);

  /* the preview: the page as it will print, on a grey desk */
  self->picture = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (self->picture, TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->picture), 420, 460);
  gtk_widget_set_hexpand (GTK_WIDGET (self->picture), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->picture), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Preview of the poster"), -1);
  GtkWidget *frame = gtk_frame_new (NULL);
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (self->picture));
  gtk_box_append (GTK_BOX (body), frame);

  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (bar, 18);
  gtk_widget_set_margin_end (bar, 18);
  gtk_widget_set_margin_top (bar, 12);
  gtk_widget_set_margin_bottom (bar, 18);
  self->status = GTK_LABEL (gtk_label_new (_("Drawing the preview…")));
  gtk_label_set_xalign (self->status, 0);
  gtk_label_set_wrap (self->status, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->status), TRUE);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->status));
  self->progress_bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->progress_bar), GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (GTK_WIDGET (self->progress_bar), 160, -1);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->progress_bar));
  self->cancel_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Close")));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->cancel_button));
  self->export_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Export…")));
  gtk_widget_add_css_class (GTK_WIDGET (self->export_button), "suggested-action");
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->export_button));
  gtk_box_append (GTK_BOX (box), bar);
  adw_window_set_content (ADW_WINDOW (self), box);

  g_signal_connect (self->paper, "notify::selected", G_CALLBACK (paper_changed_cb), self);
  g_signal_connect (self->orientation, "notify::selected", G_CALLBACK (orientation_changed_cb), self);
  g_signal_connect (self->area, "notify::selected", G_CALLBACK (area_changed_cb), self);
  g_signal_connect (self->analysis, "notify::selected", G_CALLBACK (changed_cb), self);
  g_signal_connect (self->title, "notify::text", G_CALLBACK (changed_cb), self);
  g_signal_connect (self->subtitle, "notify::text", G_CALLBACK (changed_cb), self);
  g_signal_connect (self->grid, "toggled", G_CALLBACK (grid_toggled_cb), self);
  g_signal_connect (self->export_button, "clicked", G_CALLBACK (export_clicked_cb), self);
  g_signal_connect (self->cancel_button, "clicked", G_CALLBACK (cancel_clicked_cb), self);
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), self);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->export_button));
}

static void
cm_poster_dialog_dispose (GObject *object)
{
  CmPosterDialog *self = CM_POSTER_DIALOG (object);
  g_clear_handle_id (&self->preview_timer, g_source_remove);
  g_clear_handle_id (&self->progress_tick, g_source_remove);
  G_OBJECT_CLASS (cm_poster_dialog_parent_class)->dispose (object);
}

static void
cm_poster_dialog_finalize (GObject *object)
{
  CmPosterDialog *self = CM_POSTER_DIALOG (object);
  g_free (self->path);
  g_free (self->name);
  cm_analysis_request_clear (&self->request);
  g_clear_pointer (&self->result, cm_analysis_result_free);
  g_clear_object (&self->preview);
  g_clear_object (&self->writing);
  G_OBJECT_CLASS (cm_poster_dialog_parent_class)->finalize (object);
}

static void
cm_poster_dialog_class_init (CmPosterDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cm_poster_dialog_dispose;
  G_OBJECT_CLASS (klass)->finalize = cm_poster_dialog_finalize;
  /* the poster was written to the path given */
  signals[WRITTEN] = g_signal_new ("written", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
cm_poster_dialog_init (CmPosterDialog *self)
{
}

CmPosterDialog *
cm_poster_dialog_new (GtkWindow *parent, const char *path, const char *name,
                      const double boundary[4], const double view[4], guint hidden,
                      const CmAnalysisRequest *analysis, guint circle)
{
  CmPosterDialog *self = g_object_new (CM_TYPE_POSTER_DIALOG, "transient-for", parent,
                                       "modal", TRUE, "title", _("Export Poster"),
                                       "default-width", 860, "default-height", 640, NULL);
  self->path = g_strdup (path);
  self->name = g_strdup (name);
  memcpy (self->boundary, boundary, sizeof self->boundary);
  memcpy (self->view, view, sizeof self->view);
  if (analysis)
    {
      self->has_request = TRUE;
      cm_analysis_request_copy (&self->request, analysis);
      self->circle = circle;
    }
  build (self, hidden, is_wide (boundary));
  start_preview (self);
  return self;
}

/* ---- for the tests -------------------------------------------------------------------------- */

void
cm_poster_dialog_set_paper (CmPosterDialog *self, const char *paper, gboolean landscape)
{
  for (guint i = 0; papers[i]; i++)
    if (g_ascii_strcasecmp (papers[i], paper) == 0)
      gtk_drop_down_set_selected (self->paper, i);
  if (gtk_drop_down_get_selected (self->orientation) != (landscape ? 1u : 0u))
    gtk_drop_down_set_selected (self->orientation, landscape ? 1 : 0);
}

void
cm_poster_dialog_set_title (CmPosterDialog *self, const char *title)
{
  gtk_editable_set_text (GTK_EDITABLE (self->title), title);
}

void
cm_poster_dialog_set_layer_shown (CmPosterDialog *self, CmLayer layer, gboolean shown)
{
  gtk_check_button_set_active (self->layers[layer], shown);
}

void
cm_poster_dialog_set_analysis_shown (CmPosterDialog *self, gboolean shown)
{
  gtk_drop_down_set_selected (self->analysis, shown && self->has_request ? 1 : 0);
}

GdkTexture *
cm_poster_dialog_get_preview (CmPosterDialog *self)
{
  return self->preview;
}

gboolean
cm_poster_dialog_is_busy (CmPosterDialog *self)
{
  return self->previewing || self->preview_again || self->preview_timer || self->writing;
}
