/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-window-photos.c: the selected feature's photos in the details panel, and adding one. */
#include "config.h"

#include <glib/gi18n.h>

#include "cm-photos.h"
#include "cm-window-private.h"

gboolean
cm_window_add_photo (CmWindow *self, const char *path, GError **error)
{
  g_return_val_if_fail (self->selected != NULL, FALSE);
  g_autofree char *uuid = cm_store_add_photo (self->store, self->selected, path, error);
  if (uuid == NULL)
    return FALSE;
  /* the details panel shows it */
  _cm_window_select_feature (self, self->selected);
  return TRUE;
}

static void
add_photo_response_cb (GtkNativeDialog *dialog, int response, CmWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->selected)
    {
      g_autoptr (GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr (GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);
          g_autoptr (GError) error = NULL;
          if (path && !cm_window_add_photo (self, path, &error))
            _cm_window_toast_failure (self, error->message);
        }
    }
  g_object_unref (dialog);
}

static void
add_photo_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  if (self->selected == NULL)
    return;
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      _("Add Photos"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"), NULL);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Photos (JPEG, PNG)"));
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_suffix (filter, "jpg");
  gtk_file_filter_add_suffix (filter, "jpeg");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  g_signal_connect (chooser, "response", G_CALLBACK (add_photo_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

guint
_cm_window_photos_append (CmWindow *self, GtkBox *box)
{
  g_autoptr (GPtrArray) photos = cm_store_list_photos (
      self->store, cm_feature_get_uuid (self->selected), NULL);
  guint shown = 0;
  for (guint i = 0; photos && i < photos->len; i++)
    {
      CmPhoto *p = g_ptr_array_index (photos, i);
      g_autoptr (GdkTexture) texture = gdk_texture_new_from_bytes (p->data, NULL);
      if (texture == NULL)
        continue;
      GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_widget_set_size_request (picture, -1, 180);
      gtk_widget_set_name (picture, "details-photo");
      gtk_box_append (box, picture);
      shown++;
    }
  /* a flow box: side by side when they fit, else one under the other, so that the sidebar
   * keeps its width and the map does not jump sideways when a feature is selected */
  GtkWidget *buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 2);
  GtkWidget *edit = gtk_button_new_with_mnemonic (_("_Edit Name and Kind…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (edit), "win.edit-details");
  GtkWidget *add = gtk_button_new_with_mnemonic (_("Add _Photo…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "win.add-photo");
  gtk_flow_box_append (GTK_FLOW_BOX (buttons), edit);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons), add);
  gtk_box_append (box, buttons);
  return shown;
}

void
_cm_window_photos_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.add-photo", NULL, add_photo_action);
}
