/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-layer-form.h: the form of a station, a team, a compound, a building or the boundary —
 * its name, its kind (a list the planner can extend), each of the layer's own fields
 * (cm-layer.c) and a few words.
 *
 * Every field is checked as it is typed: a value the field does not take shows the reason
 * under it, and Save then refuses (nothing is stored). Like CmFeatureForm it stores nothing
 * itself: it emits "finished" (TRUE: save) and the window stores, one undoable step. An area
 * layer's form also offers "Add a Part": it emits "add-part" and hides until the window shows
 * it again with cm_layer_form_set_n_parts. */
#pragma once

#include <adwaita.h>

#include "cm-core.h"

G_BEGIN_DECLS

#define CM_TYPE_LAYER_FORM (cm_layer_form_get_type ())
G_DECLARE_FINAL_TYPE (CmLayerForm, cm_layer_form, CM, LAYER_FORM, AdwWindow)

/* @feature: the feature being made or changed (its layer, and the values to start with); the
 * form keeps a reference but does not change it. @store: for the kinds and compounds. */
CmLayerForm *cm_layer_form_new (GtkWindow *parent, CmStore *store, CmFeature *feature);

CmLayer cm_layer_form_get_layer (CmLayerForm *self);
/* Copies the name, the words and every field into @target. FALSE, with the first refused
 * field's reason in @error, when a field holds a value it does not take; @target is then
 * unchanged. */
gboolean cm_layer_form_apply (CmLayerForm *self, CmFeature *target, GError **error);
/* The service radius typed so far (stations), or NAN when there is none or it is refused:
 * the window draws the ring with it. */
double cm_layer_form_get_radius (CmLayerForm *self);

/* As a person would: type into "name", "description" or a field (cm-layer.c's name), choose
 * a kind, add one, press Save or Discard. */
void cm_layer_form_set_text (CmLayerForm *self, const char *field, const char *text);
const char *cm_layer_form_get_text (CmLayerForm *self, const char *field);
/* The reason shown under @field, or NULL when what it holds is fine. */
const char *cm_layer_form_get_problem (CmLayerForm *self, const char *field);
gboolean cm_layer_form_select_kind (CmLayerForm *self, const char *key);
const char *cm_layer_form_get_kind (CmLayerForm *self);
/* "New kind…": adds @label to the map's kinds of this layer and chooses it. */
gboolean cm_layer_form_add_kind (CmLayerForm *self, const char *label, GError **error);
/* Save (TRUE) refuses, with the bell and the first refused field focused, while a field
 * holds a value it does not take. */
void cm_layer_form_finish (CmLayerForm *self, gboolean save);
/* Areas: how many parts are drawn so far (the one just finished included), shown in the
 * form; "Add a Part" is offered for layers that hold several. */
void cm_layer_form_set_n_parts (CmLayerForm *self, guint n);
void cm_layer_form_add_part (CmLayerForm *self);

G_END_DECLS
