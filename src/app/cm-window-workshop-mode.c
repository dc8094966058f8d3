/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-window-workshop-mode.c: the window for a workshop — full screen, no sidebar or header,
 * large high-contrast buttons (ui/workshop.css), the most used kinds one tap away, larger edit
 * handles for fingers, and a long press for what a right click would offer. */
#include "config.h"

#include <glib/gi18n.h>

#include "cm-category-ui.h"
#include "cm-window-private.h"

#define MAX_STRIP_CATEGORIES 8

static void
load_css_once (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done))
    {
      GtkCssProvider *css = gtk_css_provider_new ();
      gtk_css_provider_load_from_resource (css, "/io/github/communitymap/CommunityMap/workshop.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_object_unref (css);
      g_once_init_leave (&done, 1);
    }
}

static void
category_chosen_cb (GtkToggleButton *button, CmWindow *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  g_free (self->last_category);
  self->last_category = g_strdup (g_object_get_data (G_OBJECT (button), "category"));
}

/* The kinds residents use most, as big buttons: the next shape's form starts with the one
 * chosen. */
static void
fill_category_strip (CmWindow *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->category_strip))))
    gtk_box_remove (self->category_strip, child);
  if (self->store == NULL)
    return;
  g_autoptr (GHashTable) usage = cm_store_count_by_category (self->store, CM_LAYER_RESOURCES,
                                                             NULL);
  g_autoptr (GPtrArray) order = cm_categories_by_use (usage, NULL);
  GtkToggleButton *group = NULL;
  for (guint i = 0; i < MIN (order->len, MAX_STRIP_CATEGORIES); i++)
    {
      const CmCategory *c = order->pdata[i];
      GtkWidget *button = gtk_toggle_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      gtk_box_append (GTK_BOX (box), cm_category_swatch (c->color, TRUE));
      gtk_box_append (GTK_BOX (box), gtk_label_new (cm_category_label (c->key)));
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "category");
      g_object_set_data_full (G_OBJECT (button), "category", g_strdup (c->key), g_free);
      gtk_widget_set_tooltip_text (button, cm_category_label (c->key));
      if (group)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);
      else
        group = GTK_TOGGLE_BUTTON (button);
      if (g_strcmp0 (self->last_category, c->key) == 0)
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
      g_signal_connect (button, "toggled", G_CALLBACK (category_chosen_cb), self);
      gtk_box_append (self->category_strip, button);
    }
}

void
_cm_window_workshop_mode_refresh (CmWindow *self)
{
  if (self->workshop_mode)
    fill_category_strip (self);
}

void
_cm_window_set_workshop_mode (CmWindow *self, gboolean on)
{
  if (self->workshop_mode == on)
    return;
  self->workshop_mode = on;
  load_css_once ();
  if (on)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "workshop-mode");
      fill_category_strip (self);
      gtk_window_fullscreen (GTK_WINDOW (self));
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "workshop-mode");
      gtk_window_unfullscreen (GTK_WINDOW (self));
    }
  /* the map, the tools and the kinds: nothing else */
  gtk_widget_set_visible (GTK_WIDGET (self->header_bar), !on);
  gtk_toggle_button_set_active (self->sidebar_button, !on);
  gtk_widget_set_visible (GTK_WIDGET (self->category_strip_scroller), on);
  gtk_widget_set_visible (GTK_WIDGET (self->toolbar_spacer), !on);
  gtk_widget_set_visible (self->planner_tools, !on);
  CmLayer drawing = _cm_window_drawing_tool_layer (self->tool);
  if (on && drawing != CM_LAYER_RESOURCES && drawing != CM_LAYER_NONE)
    _cm_window_drawing_set_tool (self, "select");
  /* handles for fingers: 48 px targets */
  self->touch_scale = on ? 2.4 : 1.0;
  cm_selection_layer_set_scale (self->selection_layer, on ? 1.8 : 1.0);
  cm_sketch_layer_set_scale (self->sketch_layer, on ? 1.6 : 1.0);
  g_object_notify (G_OBJECT (self), "workshop-mode");
}

/* ---- long press: what a right click would offer ------------------------------------------- */

static void
long_pressed_cb (GtkGestureLongPress *gesture, double x, double y, CmWindow *self)
{
  if (g_strcmp0 (self->tool, "select") == 0 && self->store && !self->form)
    cm_window_select_at (self, x, y);
  _cm_window_show_press_menu (self, x, y);
}

void
_cm_window_show_press_menu (CmWindow *self, double x, double y)
{
  if (self->store == NULL || self->form)
    return;
  GMenu *menu = g_menu_new ();
  if (self->selected)
    {
      g_menu_append (menu, _("_Edit Name and Kind…"), "win.edit-details");
      g_menu_append (menu, _("Delete"), "win.delete");
      g_menu_append (menu, _("Add _Photo…"), "win.add-photo");
    }
  if (cm_window_get_sketch_size (self) > 0)
    {
      g_menu_append (menu, _("Finish the Shape"), "win.finish-shape");
      g_menu_append (menu, _("Take Back the Last Point"), "win.remove-vertex");
    }
  g_menu_append (menu, _("Undo"), "win.undo");
  GtkWidget *map = GTK_WIDGET (shumate_simple_map_get_map (self->map));
  GtkWidget *popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  if (self->workshop_mode)
    gtk_widget_add_css_class (popover, "workshop-mode"); /* finger-sized items */
  gtk_widget_set_parent (popover, map);
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  g_signal_connect (popover, "closed", G_CALLBACK (gtk_widget_unparent), NULL);
  gtk_popover_popup (GTK_POPOVER (popover));
  g_object_unref (menu);
  self->press_menu = popover;
  g_object_add_weak_pointer (G_OBJECT (popover), (gpointer *) &self->press_menu);
}

GtkWidget *
cm_window_get_press_menu (CmWindow *self)
{
  return self->press_menu;
}

void
_cm_window_workshop_mode_init (CmWindow *self)
{
  self->touch_scale = 1.0;
  GtkGesture *press = gtk_gesture_long_press_new ();
  g_signal_connect (press, "pressed", G_CALLBACK (long_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (shumate_simple_map_get_map (self->map)),
                             GTK_EVENT_CONTROLLER (press));
}
