/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-export-dialog.h: the Save dialog of Export Table… (the analysis panel) and Export… (a
 * layer's table): a workbook, CSV for Excel and WPS, and optionally GeoJSON; a name without
 * one of those endings becomes a workbook; a failure is said with its reason. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Writes the export to @path (ending in .xlsx, .csv or, when offered, .geojson). */
typedef gboolean (*CmExportFunc) (GObject *owner, const char *path, GError **error);
/* Says @message (translated: "Could not export: …") where the owner shows such things. */
typedef void (*CmExportReportFunc) (GObject *owner, const char *message);

/* Shows the dialog over @parent offering @name; on Export calls @write with the path chosen,
 * and @report if it fails. Holds a reference on @owner while the dialog is open. */
void cm_export_dialog_show (GtkWindow *parent, const char *name, gboolean geojson,
                            GObject *owner, CmExportFunc write, CmExportReportFunc report);

G_END_DECLS
