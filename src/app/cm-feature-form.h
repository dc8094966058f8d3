/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-feature-form.h: the small form after drawing — a name (focused), the kind as a grid of
 * categories (most used first; the one this resident used last chosen, none for a new one),
 * a few words. Enter saves, Escape
 * discards. It stores nothing itself: it emits "finished" (TRUE: save) and the window stores. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CM_TYPE_FEATURE_FORM (cm_feature_form_get_type ())
G_DECLARE_FINAL_TYPE (CmFeatureForm, cm_feature_form, CM, FEATURE_FORM, AdwWindow)

/* @geometry: "point", "line" or "area": only categories drawn that way are offered.
 * @usage: category key → how many features use it (GUINT_TO_POINTER), or NULL.
 * @category, @name, @description: what to start with (NULL: nothing; no category: none is
 * chosen, and Save asks for one instead of saving). */
CmFeatureForm *cm_feature_form_new (GtkWindow *parent, const char *geometry, GHashTable *usage,
                                    const char *category, const char *name,
                                    const char *description);

const char *cm_feature_form_get_name (CmFeatureForm *self);
const char *cm_feature_form_get_description (CmFeatureForm *self);
/* The kind chosen, or NULL while none is. */
const char *cm_feature_form_get_category (CmFeatureForm *self);
/* As a person would: type, choose, press Save or Discard. */
void cm_feature_form_set_name (CmFeatureForm *self, const char *name);
void cm_feature_form_set_description (CmFeatureForm *self, const char *description);
gboolean cm_feature_form_select_category (CmFeatureForm *self, const char *key);
/* Save (TRUE) does nothing but ask for a kind while none is chosen. */
void cm_feature_form_finish (CmFeatureForm *self, gboolean save);
/* Whether the form is asking for a kind (Save was pressed with none chosen). */
gboolean cm_feature_form_is_asking_kind (CmFeatureForm *self);

G_END_DECLS
