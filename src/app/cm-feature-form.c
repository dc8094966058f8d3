/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-feature-form.c: name, kind and a few words for a feature just drawn. */
#include "config.h"

#include "cm-feature-form.h"

#include <glib/gi18n.h>

#include "cm-category-ui.h"

struct _CmFeatureForm
{
  AdwWindow parent_instance;
  GtkEntry *name_entry;
  GtkEntry *description_entry;
  GtkFlowBox *category_box;
  GtkLabel *kind_hint;
  GtkButton *save_button;
  gboolean finished;
};

G_DEFINE_FINAL_TYPE (CmFeatureForm, cm_feature_form, ADW_TYPE_WINDOW)

enum
{
  FINISHED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static gboolean
has_category (CmFeatureForm *self)
{
  g_autoptr (GList) selected = gtk_flow_box_get_selected_children (self->category_box);
  return selected != NULL;
}

void
cm_feature_form_finish (CmFeatureForm *self, gboolean save)
{
  if (self->finished)
    return;
  /* no kind chosen yet (a new resident): ask for it rather than guess */
  if (save && !has_category (self))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->kind_hint), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->category_box));
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  self->finished = TRUE;
  g_object_ref (self);
  g_signal_emit (self, signals[FINISHED], 0, save);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

static void
save_clicked_cb (CmFeatureForm *self)
{
  cm_feature_form_finish (self, TRUE);
}

static void
discard_clicked_cb (CmFeatureForm *self)
{
  cm_feature_form_finish (self, FALSE);
}

static void
category_activated_cb (CmFeatureForm *self, GtkFlowBoxChild *child)
{
  /* a double click or Enter on a kind chooses it and saves */
  gtk_flow_box_select_child (self->category_box, child);
  cm_feature_form_finish (self, TRUE);
}

static void
category_chosen_cb (CmFeatureForm *self)
{
  if (has_category (self))
    gtk_widget_set_visible (GTK_WIDGET (self->kind_hint), FALSE);
}

static gboolean
close_request (GtkWindow *window)
{
  cm_feature_form_finish (CM_FEATURE_FORM (window), FALSE);
  return TRUE; /* finish destroys it */
}

static gboolean
escape_pressed (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  cm_feature_form_finish (CM_FEATURE_FORM (widget), FALSE);
  return TRUE;
}

static void
cm_feature_form_class_init (CmFeatureFormClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GTK_WINDOW_CLASS (klass)->close_request = close_request;
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/communitymap/CommunityMap/cm-feature-form.ui");
  gtk_widget_class_bind_template_child (widget_class, CmFeatureForm, name_entry);
  gtk_widget_class_bind_template_child (widget_class, CmFeatureForm, description_entry);
  gtk_widget_class_bind_template_child (widget_class, CmFeatureForm, category_box);
  gtk_widget_class_bind_template_child (widget_class, CmFeatureForm, save_button);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, discard_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, category_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, category_chosen_cb);
  gtk_widget_class_bind_template_child (widget_class, CmFeatureForm, kind_hint);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_pressed, NULL);
}

static void
cm_feature_form_init (CmFeatureForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->save_button));
}

CmFeatureForm *
cm_feature_form_new (GtkWindow *parent, const char *geometry, GHashTable *usage,
                     const char *category, const char *name, const char *description)
{
  CmFeatureForm *self = g_object_new (CM_TYPE_FEATURE_FORM, "transient-for", parent, NULL);
  g_autoptr (GPtrArray) choices = cm_categories_by_use (usage, geometry);
  for (guint i = 0; i < choices->len; i++)
    gtk_flow_box_append (self->category_box, cm_category_tile (GTK_WIDGET (self), choices->pdata[i]));
  /* no kind given (the first shape of a resident): none chosen, Save asks for one */
  gtk_flow_box_unselect_all (self->category_box);
  if (category)
    cm_feature_form_select_category (self, category);
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), name ? name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->description_entry), description ? description : "");
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
  return self;
}

const char *
cm_feature_form_get_name (CmFeatureForm *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
}

const char *
cm_feature_form_get_description (CmFeatureForm *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->description_entry));
}

const char *
cm_feature_form_get_category (CmFeatureForm *self)
{
  return cm_category_grid_get (self->category_box);
}

void
cm_feature_form_set_name (CmFeatureForm *self, const char *name)
{
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), name);
}

void
cm_feature_form_set_description (CmFeatureForm *self, const char *description)
{
  gtk_editable_set_text (GTK_EDITABLE (self->description_entry), description);
}

gboolean
cm_feature_form_select_category (CmFeatureForm *self, const char *key)
{
  return cm_category_grid_select (self->category_box, key);
}

gboolean
cm_feature_form_is_asking_kind (CmFeatureForm *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->kind_hint));
}
