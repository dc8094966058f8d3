/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-export-dialog.c: the Save dialog the exports share. */
#include "config.h"

#include "cm-export-dialog.h"

#include <glib/gi18n.h>

typedef struct
{
  GObject *owner;
  CmExportFunc write;
  CmExportReportFunc report;
  gboolean geojson;
} Export;

static void
response_cb (GtkNativeDialog *dialog, int response, Export *e)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      /* a name without an ending it knows becomes a workbook */
      gboolean known = path && (g_str_has_suffix (path, ".xlsx") || g_str_has_suffix (path, ".csv") ||
                                (e->geojson && g_str_has_suffix (path, ".geojson")));
      g_autofree char *named = path && !known ? g_strconcat (path, ".xlsx", NULL) : g_strdup (path);
      g_autoptr (GError) error = NULL;
      if (named && !e->write (e->owner, named, &error))
        {
          g_autofree char *message = g_strdup_printf (_("Could not export: %s"), error->message);
          e->report (e->owner, message);
        }
    }
  g_object_unref (e->owner);
  g_free (e);
  g_object_unref (dialog);
}

void
cm_export_dialog_show (GtkWindow *parent, const char *name, gboolean geojson, GObject *owner,
                       CmExportFunc write, CmExportReportFunc report)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
      _("Export Table"), parent, GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  const struct
  {
    const char *name, *pattern;
  } filters[] = {
    { N_("Workbook for Excel, WPS or LibreOffice (.xlsx)"), "*.xlsx" },
    { N_("CSV for Excel and WPS (.csv)"), "*.csv" },
    { N_("GeoJSON with the shapes, for QGIS (.geojson)"), "*.geojson" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (filters) - (geojson ? 0 : 1); i++)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _(filters[i].name));
      gtk_file_filter_add_pattern (filter, filters[i].pattern);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
      g_object_unref (filter);
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  Export *e = g_new0 (Export, 1);
  e->owner = g_object_ref (owner);
  e->write = write;
  e->report = report;
  e->geojson = geojson;
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), e);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}
