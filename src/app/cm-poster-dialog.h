/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-poster-dialog.h: Export Poster… — the paper, the orientation, the title and subtitle, the
 * area, the layers shown, an analysis as the subject, the grid and its index, with a live
 * preview; the poster (cm-poster.c) is written as PDF or PNG in a worker thread, with progress
 * and Cancel. The preview and the writing read the map on connections of their own. */
#pragma once

#include <adwaita.h>

#include "cm-core.h"

G_BEGIN_DECLS

#define CM_TYPE_POSTER_DIALOG (cm_poster_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CmPosterDialog, cm_poster_dialog, CM, POSTER_DIALOG, AdwWindow)

/* A dialog over @parent for the map at @path called @name. @boundary: the extent of the
 * community's boundary (else of the whole map), the area at first; @view: what the window shows,
 * the other area offered; the page is turned as the area is, until turned by hand. @hidden: a
 * bit per CmLayer the window does not show (left off at first); @analysis: the request of the
 * analysis the window shows and its @circle, or NULL. */
CmPosterDialog *cm_poster_dialog_new (GtkWindow *parent, const char *path, const char *name,
                                      const double boundary[4], const double view[4],
                                      guint hidden, const CmAnalysisRequest *analysis,
                                      guint circle);

/* For the tests: the choices as a person makes them in the dialog. */
void cm_poster_dialog_set_paper (CmPosterDialog *self, const char *paper, gboolean landscape);
void cm_poster_dialog_set_title (CmPosterDialog *self, const char *title);
void cm_poster_dialog_set_layer_shown (CmPosterDialog *self, CmLayer layer, gboolean shown);
void cm_poster_dialog_set_analysis_shown (CmPosterDialog *self, gboolean shown);
/* The preview shown (NULL until the first is drawn) and whether one is being drawn. */
GdkTexture *cm_poster_dialog_get_preview (CmPosterDialog *self);
gboolean cm_poster_dialog_is_busy (CmPosterDialog *self);
/* Writes the poster to @path (.pdf or .png) as Export… does after its Save dialog. */
void cm_poster_dialog_export_to (CmPosterDialog *self, const char *path);

G_END_DECLS
