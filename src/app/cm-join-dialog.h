/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-join-dialog.h: "Import Table…" — a spreadsheet's table (CSV) joined to a layer's fields,
 * as `cmap join` does (cm-join.h): the layer, the column that names each row's feature and the
 * field it matches are chosen; the preview says how many rows match, which do not, which
 * columns are used or left out and which cells cannot be used; Join writes every change as one
 * undoable step, and is offered only while nothing is refused. */
#pragma once

#include <adwaita.h>

#include "cm-core.h"

G_BEGIN_DECLS

#define CM_TYPE_JOIN_DIALOG (cm_join_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CmJoinDialog, cm_join_dialog, CM, JOIN_DIALOG, AdwWindow)

/* NULL, with the reason, when @path is no table. Emits "joined" with the box of what changed
 * (minx, miny, maxx, maxy: a gpointer to 4 doubles) and the layer, then closes. */
CmJoinDialog *cm_join_dialog_new (GtkWindow *parent, CmStore *store, CmHistory *history,
                                  const char *path, GError **error);

/* As a person would: choose the layer, the key column (a header of the file) and the field it
 * matches (name, source_id, uuid); the preview follows. */
void cm_join_dialog_set_key (CmJoinDialog *self, CmLayer layer, const char *column,
                             const char *field);
const CmJoinPreview *cm_join_dialog_get_preview (CmJoinDialog *self);
/* What the dialog says of the preview. */
const char *cm_join_dialog_get_text (CmJoinDialog *self);
/* Join: FALSE (nothing written) while the preview has problems or when the store refuses. */
gboolean cm_join_dialog_apply (CmJoinDialog *self, GError **error);

G_END_DECLS
