/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-window-drawing.c: the window's drawing tools, the form after a shape, editing the selected
 * feature, delete, undo and redo.
 *
 * A click with a drawing tool adds a vertex to the sketch (CmSketchLayer); Enter or a click on
 * the finishing vertex checks the shape and asks about it (CmFeatureForm); Save stores it
 * through the history (CmHistory), one transaction, and the tiles it touches are drawn again.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cm-category-ui.h"
#include "cm-geom-edit.h"
#include "cm-snap.h"
#include "cm-teams.h"
#include "cm-window-private.h"
#include "cm-workshops.h"

#define FINISH_RADIUS 12 /* px: a click this near the finishing vertex finishes the shape */
#define SAME_SPOT 4      /* px: a second click this near the last vertex adds nothing */
#define SNAP_RADIUS 10   /* px: snapping reaches this far */
#define GRAB_RADIUS 10   /* px: a press this near a vertex handle grabs it */
#define MOVED 2          /* px: a drag shorter than this is a click */
#define LONG_PRESS_MS 500 /* held this long without moving: a long press */
#define TEAM_OUTLINE_MARGIN_M 15 /* buildings this near share a team's area made from them */

enum
{
  DRAG_NONE,
  DRAG_VERTEX,
  DRAG_FEATURE,
  DRAG_BOX, /* Shift+drag with the select tool: the buildings in the box are chosen */
};

/* The drawing tools: what each draws, and into which layer. */
static const struct
{
  const char *tool;
  CmSketchKind kind;
  CmLayer layer;
} tools[] = {
  { "point", CM_SKETCH_POINT, CM_LAYER_RESOURCES },
  { "line", CM_SKETCH_LINE, CM_LAYER_RESOURCES },
  { "area", CM_SKETCH_AREA, CM_LAYER_RESOURCES },
  { "station", CM_SKETCH_POINT, CM_LAYER_STATIONS },
  { "team", CM_SKETCH_AREA, CM_LAYER_TEAMS },
  { "compound", CM_SKETCH_AREA, CM_LAYER_COMPOUNDS },
  { "boundary", CM_SKETCH_AREA, CM_LAYER_BOUNDARY },
  { "report", CM_SKETCH_POINT, CM_LAYER_REPORTS },
};

static CmSketchKind
kind_of (const char *tool)
{
  for (gsize i = 0; i < G_N_ELEMENTS (tools); i++)
    if (g_strcmp0 (tool, tools[i].tool) == 0)
      return tools[i].kind;
  return CM_SKETCH_NONE;
}

CmLayer
_cm_window_drawing_tool_layer (const char *tool)
{
  for (gsize i = 0; i < G_N_ELEMENTS (tools); i++)
    if (g_strcmp0 (tool, tools[i].tool) == 0)
      return tools[i].layer;
  return CM_LAYER_NONE;
}

/* A form is asking about a shape or a feature: the map takes no drawing clicks. A layer form
 * hidden while another part is drawn does not count. */
static gboolean
form_open (CmWindow *self)
{
  return self->form != NULL || self->report_form != NULL ||
         (self->layer_form != NULL && gtk_widget_get_visible (GTK_WIDGET (self->layer_form)));
}

static const char *
geometry_name (CmSketchKind kind)
{
  switch (kind)
    {
    case CM_SKETCH_POINT: return "point";
    case CM_SKETCH_LINE: return "line";
    case CM_SKETCH_AREA: return "area";
    default: return NULL;
    }
}

void
_cm_window_drawing_update_actions (CmWindow *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  CmSketchKind kind = cm_sketch_layer_get_kind (self->sketch_layer);
  guint n = cm_sketch_layer_get_n_vertices (self->sketch_layer);
  gboolean has_map = self->store != NULL;
  gtk_widget_action_set_enabled (w, "win.tool", has_map);
  gtk_widget_action_set_enabled (w, "win.finish-shape",
                                 (kind == CM_SKETCH_LINE || kind == CM_SKETCH_AREA) && n > 0);
  gtk_widget_action_set_enabled (w, "win.remove-vertex", kind != CM_SKETCH_NONE && n > 0);
  gtk_widget_action_set_enabled (w, "win.undo", self->history && cm_history_can_undo (self->history));
  gtk_widget_action_set_enabled (w, "win.redo", self->history && cm_history_can_redo (self->history));
  gtk_widget_action_set_enabled (w, "win.delete", self->selected != NULL);
  gtk_widget_action_set_enabled (w, "win.edit-details", self->selected != NULL);
  gtk_widget_action_set_enabled (w, "win.workshop", has_map);
  gtk_widget_action_set_enabled (w, "win.reports", has_map);
  gtk_widget_action_set_enabled (w, "win.add-followup",
                                 self->selected &&
                                     cm_feature_get_layer (self->selected) == CM_LAYER_REPORTS);
  gtk_widget_action_set_enabled (w, "win.workshop-summary", self->workshop_uuid != NULL);
}

/* ---- tools ---------------------------------------------------------------------------------- */

/* The station tool shows the radius the next station starts with around the pointer; the
 * other tools no ring. */
static void
show_station_ring (CmWindow *self)
{
  gboolean station = _cm_window_drawing_tool_layer (self->tool) == CM_LAYER_STATIONS;
  cm_sketch_layer_set_ring (self->sketch_layer, station ? self->station_radius : NAN);
}

void
_cm_window_drawing_set_tool (CmWindow *self, const char *tool)
{
  CmSketchKind kind = kind_of (tool);
  if (kind == CM_SKETCH_NONE)
    tool = "select";
  if (g_strcmp0 (self->tool, tool) != 0)
    {
      g_free (self->tool);
      self->tool = g_strdup (tool);
      g_object_notify (G_OBJECT (self), "tool");
    }
  if (self->layer_form)
    cm_layer_form_finish (self->layer_form, FALSE); /* a team's parts belong to its tool */
  cm_sketch_layer_start (self->sketch_layer, kind);
  show_station_ring (self); /* around the pointer, before the station is placed */
  GtkWidget *map = GTK_WIDGET (shumate_simple_map_get_map (self->map));
  gtk_widget_set_cursor_from_name (map, kind == CM_SKETCH_NONE ? NULL : "crosshair");
  if (kind != CM_SKETCH_NONE)
    {
      _cm_window_select_feature (self, NULL);
      /* Enter and Backspace must reach the window, not a focused button */
      gtk_widget_grab_focus (map);
    }
  else
    _cm_window_drawing_selection_changed (self); /* the selection gets its edit handles */
  _cm_window_drawing_update_actions (self);
}

/* ---- the form and storing --------------------------------------------------------------------- */

void
_cm_window_drawing_restart_sketch (CmWindow *self)
{
  cm_sketch_layer_start (self->sketch_layer, kind_of (self->tool));
  _cm_window_drawing_update_actions (self);
}

static void open_shape_form (CmWindow *self, const char *category, const char *name,
                             const char *description);

static void
form_finished_cb (CmFeatureForm *form, gboolean save, CmWindow *self)
{
  self->form = NULL;
  if (!save)
    {
      _cm_window_drawing_restart_sketch (self);
      _cm_window_toast (self, _("The shape was discarded"));
      return;
    }
  g_autoptr (CmGeom) geom = cm_sketch_layer_to_geom (self->sketch_layer);
  g_autoptr (GBytes) wkb = geom ? cm_geom_to_wkb (geom) : NULL;
  g_autoptr (CmFeature) feature = cm_feature_new (CM_LAYER_RESOURCES);
  g_autofree char *name = _cm_window_stripped_or_null (cm_feature_form_get_name (form));
  g_autofree char *description = _cm_window_stripped_or_null (cm_feature_form_get_description (form));
  const char *category = cm_feature_form_get_category (form);
  cm_feature_set_wkb (feature, wkb);
  cm_feature_set_name (feature, name);
  cm_feature_set_description (feature, description);
  cm_feature_set_category (feature, category);
  cm_feature_set_contributor_uuid (feature, self->contributor_uuid);
  cm_feature_set_workshop_uuid (feature, self->workshop_uuid);
  g_autoptr (GError) error = NULL;
  if (!cm_history_add (self->history, feature, &error))
    {
      /* the store refused it (a full disk, a read-only file, the map busy): say why, keep the
       * shape and what was typed, the form open again to save once the cause is gone */
      g_autofree char *msg = g_strdup_printf (_("Could not save the shape: %s"), error->message);
      _cm_window_toast_failure (self, msg);
      open_shape_form (self, category, name, description);
      _cm_window_drawing_update_actions (self);
      return;
    }
  g_free (self->last_category);
  self->last_category = g_strdup (category);
  double bbox[4];
  cm_feature_get_bbox (feature, bbox);
  _cm_window_drawing_restart_sketch (self);
  _cm_window_data_changed (self, CM_LAYER_RESOURCES, bbox);
  _cm_window_select_feature (self, feature);
}

/* ---- the planner's layers: stations, teams, compounds, the boundary, buildings ---------------- */

static void
clear_parts (CmWindow *self)
{
  g_clear_pointer (&self->parts, cm_geom_free);
  cm_sketch_layer_set_parts (self->sketch_layer, NULL);
}

/* The shape drawn with a planner's tool: the parts drawn before and the sketch. */
static CmGeom *
drawn_shape (CmWindow *self)
{
  g_autoptr (CmGeom) sketch = cm_sketch_layer_to_geom (self->sketch_layer);
  if (sketch == NULL || sketch->type != CM_GEOM_POLYGON)
    return g_steal_pointer (&sketch);
  CmGeom *multi = cm_geom_new (CM_GEOM_MULTIPOLYGON);
  if (self->parts)
    cm_geom_add_parts (multi, self->parts);
  cm_geom_add_parts (multi, sketch);
  return multi;
}

static void open_layer_form (CmWindow *self, CmFeature *feature, gboolean editing);

/* Saved: a new feature from the shape drawn, or the feature whose details were open. */
static void
layer_form_finished_cb (CmLayerForm *form, gboolean save, CmWindow *self)
{
  g_autoptr (CmFeature) editing = g_steal_pointer (&self->layer_form_feature);
  g_autoptr (CmGeom) preset = g_steal_pointer (&self->preset_shape); /* a team's from buildings */
  self->layer_form = NULL;
  show_station_ring (self);
  if (!save)
    {
      if (editing == NULL)
        {
          clear_parts (self);
          _cm_window_drawing_restart_sketch (self);
          _cm_window_toast (self, _("The shape was discarded"));
        }
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (CmFeature) before = editing ? cm_feature_copy (editing) : NULL;
  g_autoptr (CmFeature) feature = editing ? cm_feature_copy (editing)
                                          : cm_feature_new (cm_layer_form_get_layer (form));
  if (editing == NULL)
    {
      g_autoptr (CmGeom) geom = preset ? cm_geom_copy (preset) : drawn_shape (self);
      g_autoptr (GBytes) wkb = geom ? cm_geom_to_wkb (geom) : NULL;
      cm_feature_set_wkb (feature, wkb);
      cm_feature_set_contributor_uuid (feature, self->contributor_uuid);
      cm_feature_set_workshop_uuid (feature, self->workshop_uuid);
    }
  gboolean ok = cm_layer_form_apply (form, feature, &error) &&
                (editing ? cm_history_update (self->history, before, feature, &error)
                         : cm_history_add (self->history, feature, &error));
  if (!ok)
    {
      /* the store refused it (two parts that overlap, a full disk, the map busy): say why,
       * keep the shape and the form as filled in, to save again once the cause is gone */
      g_autofree char *msg = g_strdup_printf (_("It was not saved: %s"), error->message);
      _cm_window_toast_failure (self, msg);
      self->preset_shape = g_steal_pointer (&preset);
      open_layer_form (self, feature, FALSE);
      if (editing)
        self->layer_form_feature = g_steal_pointer (&editing);
      _cm_window_drawing_update_actions (self);
      return;
    }
  double bbox[4];
  cm_feature_get_bbox (feature, bbox);
  if (editing)
    {
      double b0[4];
      cm_feature_get_bbox (before, b0);
      bbox[0] = MIN (bbox[0], b0[0]), bbox[1] = MIN (bbox[1], b0[1]);
      bbox[2] = MAX (bbox[2], b0[2]), bbox[3] = MAX (bbox[3], b0[3]);
    }
  GVariant *radius = cm_feature_get_field (feature, "service_radius_m");
  if (editing == NULL && radius)
    self->station_radius = g_variant_get_double (radius); /* the next station starts with it */
  clear_parts (self);
  _cm_window_drawing_restart_sketch (self);
  show_station_ring (self); /* with the radius just stored */
  _cm_window_data_changed (self, cm_feature_get_layer (feature), bbox);
  _cm_window_select_feature (self, feature);
}

/* "Add a Part": the area just finished is kept, drawn faintly, and the next is drawn. */
static void
layer_form_add_part_cb (CmLayerForm *form, CmWindow *self)
{
  g_autoptr (CmGeom) sketch = cm_sketch_layer_to_geom (self->sketch_layer);
  if (sketch)
    {
      if (self->parts == NULL)
        self->parts = cm_geom_new (CM_GEOM_MULTIPOLYGON);
      cm_geom_add_parts (self->parts, sketch);
      cm_sketch_layer_set_parts (self->sketch_layer, self->parts);
    }
  _cm_window_drawing_restart_sketch (self);
  _cm_window_toast (self, _("Draw the next part: click each corner, then press Enter"));
}

/* The form follows the radius typed: the ring around the placed station with it. */
static void
layer_form_radius_cb (CmLayerForm *form, CmWindow *self)
{
  double r = cm_layer_form_get_radius (form);
  if (self->layer_form_feature == NULL ||
      cm_feature_get_layer (self->layer_form_feature) == CM_LAYER_STATIONS)
    cm_sketch_layer_set_ring (self->sketch_layer, r);
  if (self->layer_form_feature)
    cm_selection_layer_set_ring (self->selection_layer, r);
}

static void
open_layer_form (CmWindow *self, CmFeature *feature, gboolean editing)
{
  self->layer_form = cm_layer_form_new (GTK_WINDOW (self), self->store, feature);
  self->layer_form_feature = editing ? g_object_ref (feature) : NULL;
  g_signal_connect (self->layer_form, "finished", G_CALLBACK (layer_form_finished_cb), self);
  g_signal_connect (self->layer_form, "add-part", G_CALLBACK (layer_form_add_part_cb), self);
  g_signal_connect (self->layer_form, "radius-changed", G_CALLBACK (layer_form_radius_cb), self);
  if (self->workshop_mode)
    gtk_widget_add_css_class (GTK_WIDGET (self->layer_form), "workshop-mode");
  gtk_window_present (GTK_WINDOW (self->layer_form));
}

/* A shape drawn with a planner's tool: its form, or (another part drawn) the form again. */
static void
ask_about_layer_feature (CmWindow *self, CmLayer layer)
{
  guint n_parts = (self->parts ? self->parts->part_len->len : 0) + 1;
  if (self->layer_form == NULL)
    {
      g_autoptr (CmFeature) f = cm_feature_new (layer);
      /* a new station or compound starts as the first kind of the map's list */
      g_autoptr (GPtrArray) kinds = layer == CM_LAYER_TEAMS
                                        ? NULL
                                        : cm_store_list_kinds (self->store, layer, NULL);
      if (kinds && kinds->len > 0)
        cm_feature_set_field (f, "kind",
                              g_variant_new_string (((CmKind *) kinds->pdata[0])->key));
      if (layer == CM_LAYER_STATIONS && !isnan (self->station_radius))
        cm_feature_set_field (f, "service_radius_m", g_variant_new_double (self->station_radius));
      open_layer_form (self, f, FALSE);
    }
  if (cm_layer_get_info (layer)->kind == CM_GEOMETRY_KIND_AREAS)
    cm_layer_form_set_n_parts (self->layer_form, n_parts);
  gtk_widget_set_visible (GTK_WIDGET (self->layer_form), TRUE);
  gtk_window_present (GTK_WINDOW (self->layer_form));
  if (layer == CM_LAYER_STATIONS)
    cm_sketch_layer_set_ring (self->sketch_layer, cm_layer_form_get_radius (self->layer_form));
}

/* The form for the resource just drawn, with @category, @name and @description filled in. */
static void
open_shape_form (CmWindow *self, const char *category, const char *name,
                 const char *description)
{
  CmSketchKind kind = cm_sketch_layer_get_kind (self->sketch_layer);
  g_autoptr (GHashTable) usage = cm_store_count_by_category (self->store, CM_LAYER_RESOURCES,
                                                             NULL);
  self->form = cm_feature_form_new (GTK_WINDOW (self), geometry_name (kind), usage, category,
                                    name, description);
  g_signal_connect (self->form, "finished", G_CALLBACK (form_finished_cb), self);
  if (self->workshop_mode)
    gtk_widget_add_css_class (GTK_WIDGET (self->form), "workshop-mode");
  gtk_window_present (GTK_WINDOW (self->form));
}

static void
ask_about_shape (CmWindow *self)
{
  CmLayer layer = _cm_window_drawing_tool_layer (self->tool);
  if (layer == CM_LAYER_REPORTS)
    {
      _cm_window_reports_ask (self);
      return;
    }
  if (layer != CM_LAYER_RESOURCES && layer != CM_LAYER_NONE)
    {
      ask_about_layer_feature (self, layer);
      return;
    }
  open_shape_form (self, self->last_category, NULL, NULL);
}

void
_cm_window_drawing_place_station (CmWindow *self, double lon, double lat)
{
  if (self->store == NULL || form_open (self))
    return;
  _cm_window_drawing_set_tool (self, "station");
  cm_sketch_layer_add_vertex (self->sketch_layer, lon, lat);
  ask_about_shape (self);
}

/* "Make a Team Area from Them": the chosen buildings' outline, the team's form for it. */
static void
team_from_chosen_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  if (self->store == NULL || form_open (self))
    return;
  g_autoptr (GPtrArray) shapes = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_geom_free);
  _cm_window_chosen_buildings (self, shapes);
  g_autoptr (CmGeom) outline = cm_teams_outline_buildings (shapes, TEAM_OUTLINE_MARGIN_M);
  if (outline == NULL)
    return;
  g_clear_pointer (&self->preset_shape, cm_geom_free);
  self->preset_shape = g_steal_pointer (&outline);
  cm_sketch_layer_set_parts (self->sketch_layer, self->preset_shape);
  g_autoptr (CmFeature) team = cm_feature_new (CM_LAYER_TEAMS);
  open_layer_form (self, team, FALSE);
}

/* ---- changing a feature's name, kind and words ------------------------------------------------ */

static const char *
geometry_of_feature (CmFeature *f)
{
  GBytes *wkb = cm_feature_get_wkb (f);
  g_autoptr (CmGeom) g = wkb ? cm_geom_from_wkb (g_bytes_get_data (wkb, NULL),
                                                 g_bytes_get_size (wkb))
                             : NULL;
  if (g == NULL || g->type == CM_GEOM_COLLECTION)
    return NULL;
  switch (cm_geom_type_single (g->type))
    {
    case CM_GEOM_POINT: return "point";
    case CM_GEOM_LINESTRING: return "line";
    default: return "area";
    }
}

static void details_form_finished_cb (CmFeatureForm *form, gboolean save, CmWindow *self);

/* The form for the selected resource, filled in with @f's name, kind and words. */
static void
open_details_form (CmWindow *self, CmFeature *f)
{
  g_autoptr (GHashTable) usage = cm_store_count_by_category (self->store, CM_LAYER_RESOURCES,
                                                             NULL);
  self->form = cm_feature_form_new (GTK_WINDOW (self), geometry_of_feature (f), usage,
                                    cm_feature_get_category (f), cm_feature_get_name (f),
                                    cm_feature_get_description (f));
  g_signal_connect (self->form, "finished", G_CALLBACK (details_form_finished_cb), self);
  if (self->workshop_mode)
    gtk_widget_add_css_class (GTK_WIDGET (self->form), "workshop-mode");
  gtk_window_present (GTK_WINDOW (self->form));
}

static void
details_form_finished_cb (CmFeatureForm *form, gboolean save, CmWindow *self)
{
  self->form = NULL;
  if (!save || self->selected == NULL)
    return;
  g_autoptr (CmFeature) before = cm_feature_copy (self->selected);
  g_autoptr (CmFeature) after = cm_feature_copy (self->selected);
  g_autofree char *name = _cm_window_stripped_or_null (cm_feature_form_get_name (form));
  g_autofree char *description = _cm_window_stripped_or_null (cm_feature_form_get_description (form));
  cm_feature_set_name (after, name);
  cm_feature_set_description (after, description);
  cm_feature_set_category (after, cm_feature_form_get_category (form));
  g_autoptr (GError) error = NULL;
  if (!cm_history_update (self->history, before, after, &error))
    {
      /* say why and open the form again as it was filled in */
      g_autofree char *msg = g_strdup_printf (_("The change was not made: %s"), error->message);
      _cm_window_toast_failure (self, msg);
      open_details_form (self, after);
      return;
    }
  double bbox[4];
  cm_feature_get_bbox (after, bbox);
  _cm_window_data_changed (self, cm_feature_get_layer (after), bbox);
  _cm_window_select_feature (self, after);
}

/* The form again, for the selected feature: its name, kind and words, one undoable step. */
static void
edit_details_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  if (self->selected == NULL || form_open (self))
    return;
  CmFeature *f = self->selected;
  if (cm_feature_get_layer (f) != CM_LAYER_RESOURCES)
    {
      open_layer_form (self, f, TRUE);
      return;
    }
  open_details_form (self, f);
}

/* Enter, or a click on the finishing vertex: a shape that can be stored goes to the form; one
 * that cannot says why and stays for the person to fix. */
static void
finish_shape (CmWindow *self)
{
  CmSketchKind kind = cm_sketch_layer_get_kind (self->sketch_layer);
  if (kind == CM_SKETCH_NONE || form_open (self))
    return;
  g_autoptr (CmGeom) geom = cm_sketch_layer_to_geom (self->sketch_layer);
  if (geom == NULL)
    {
      _cm_window_toast (self, kind == CM_SKETCH_LINE
                                  ? _("A line needs at least two points: click another point, "
                                      "or press Escape to stop")
                                  : _("An area needs at least three corners: click another "
                                      "corner, or press Escape to stop"));
      return;
    }
  double where[2];
  g_autofree char *reason = NULL;
  if (cm_geom_find_problem (geom, where, &reason))
    {
      const char *msg = _("The outline crosses itself here. Press Backspace to take back "
                          "corners, or Escape to start again.");
      g_debug ("refused shape: %s at %f, %f", reason, where[0], where[1]);
      cm_sketch_layer_set_problem (self->sketch_layer, where[0], where[1], msg);
      _cm_window_toast (self, msg);
      return;
    }
  ask_about_shape (self);
}

/* The pixel position of sketch vertex @i in the map widget. */
static void
vertex_position (CmWindow *self, guint i, double *x, double *y)
{
  double lon, lat;
  cm_sketch_layer_get_vertex (self->sketch_layer, i, &lon, &lat);
  _cm_window_to_widget (self, lon, lat, x, y);
}

static gboolean
near_vertex (CmWindow *self, guint i, double x, double y, double radius)
{
  double vx, vy;
  vertex_position (self, i, &vx, &vy);
  return hypot (vx - x, vy - y) <= radius;
}

/* @lon, @lat snapped to what is near (unless snapping is off or Shift is held). */
static void
snap_location (CmWindow *self, double *lon, double *lat, gboolean no_snap,
               const char *exclude_uuid)
{
  if (!self->snap || no_snap || self->store == NULL)
    return;
  double tolerance = _cm_window_pixels_as_degrees (self, SNAP_RADIUS, *lat);
  double snapped[2];
  if (cm_store_snap (self->store, *lon, *lat, tolerance, exclude_uuid, self->hidden, snapped))
    {
      *lon = snapped[0];
      *lat = snapped[1];
    }
}

gboolean
_cm_window_drawing_click (CmWindow *self, double x, double y, gboolean no_snap)
{
  CmSketchKind kind = cm_sketch_layer_get_kind (self->sketch_layer);
  if (kind == CM_SKETCH_NONE || self->store == NULL)
    return FALSE;
  if (form_open (self))
    return TRUE;
  GtkWidget *map = GTK_WIDGET (shumate_simple_map_get_map (self->map));
  if (!gtk_widget_has_focus (map))
    gtk_widget_grab_focus (map);
  double lat, lon;
  _cm_window_to_location (self, x, y, &lon, &lat);
  snap_location (self, &lon, &lat, no_snap, NULL);
  guint n = cm_sketch_layer_get_n_vertices (self->sketch_layer);
  if (kind == CM_SKETCH_POINT)
    {
      cm_sketch_layer_start (self->sketch_layer, kind);
      cm_sketch_layer_add_vertex (self->sketch_layer, lon, lat);
      finish_shape (self);
    }
  else if (kind == CM_SKETCH_AREA && n >= 3 && near_vertex (self, 0, x, y, FINISH_RADIUS * self->touch_scale))
    finish_shape (self);
  else if (kind == CM_SKETCH_LINE && n >= 2 && near_vertex (self, n - 1, x, y, FINISH_RADIUS * self->touch_scale))
    finish_shape (self);
  else if (n > 0 && near_vertex (self, n - 1, x, y, SAME_SPOT))
    ; /* the second click of a double click: libshumate zooms; we add nothing */
  else
    cm_sketch_layer_add_vertex (self->sketch_layer, lon, lat);
  _cm_window_drawing_update_actions (self);
  return TRUE;
}

static void
pointer_moved_cb (GtkEventControllerMotion *motion, double x, double y, CmWindow *self)
{
  if (cm_sketch_layer_get_kind (self->sketch_layer) == CM_SKETCH_NONE)
    return;
  double lat, lon;
  _cm_window_to_location (self, x, y, &lon, &lat);
  cm_sketch_layer_set_pointer (self->sketch_layer, lon, lat);
}

static gboolean
map_key_pressed_cb (GtkEventControllerKey *keys, guint keyval, guint keycode, GdkModifierType state,
                 CmWindow *self)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter) &&
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) == 0 &&
      cm_sketch_layer_get_n_vertices (self->sketch_layer) > 0)
    {
      finish_shape (self);
      return TRUE;
    }
  return FALSE;
}

static void
pointer_left_cb (GtkEventControllerMotion *motion, CmWindow *self)
{
  cm_sketch_layer_set_pointer (self->sketch_layer, NAN, NAN);
}

/* ---- editing the selected feature ----------------------------------------------------------- */

void
_cm_window_drawing_selection_changed (CmWindow *self)
{
  self->active_vertex = G_MAXUINT;
  gboolean editing = self->selected != NULL && kind_of (self->tool) == CM_SKETCH_NONE;
  cm_selection_layer_set_handles (self->selection_layer, editing, G_MAXUINT);
  _cm_window_drawing_update_actions (self);
}

/* The vertex handle at @x, @y (the nearest within GRAB_RADIUS), or G_MAXUINT. */
static guint
vertex_at (CmWindow *self, const CmGeom *g, double x, double y)
{
  if (cm_geom_type_single (g->type) == CM_GEOM_POINT)
    return G_MAXUINT; /* a point moves as a whole */
  const double *xy = (const double *) g->xy->data;
  guint best = G_MAXUINT;
  double best_d = GRAB_RADIUS * self->touch_scale;
  for (guint i = 0; i < cm_geom_n_positions (g); i++)
    {
      if (cm_geom_is_closing (g, i))
        continue;
      double vx, vy;
      _cm_window_to_widget (self, xy[2 * i], xy[2 * i + 1], &vx, &vy);
      double d = hypot (vx - x, vy - y);
      if (d <= best_d)
        best = i, best_d = d;
    }
  return best;
}

/* The segment whose middle handle is at @x, @y: its first vertex, or G_MAXUINT. */
static guint
segment_middle_at (CmWindow *self, const CmGeom *g, double x, double y, double mid[2])
{
  if (cm_geom_type_single (g->type) == CM_GEOM_POINT)
    return G_MAXUINT;
  const double *xy = (const double *) g->xy->data;
  for (guint i = 0; i < cm_geom_n_positions (g); i++)
    {
      guint next = cm_geom_next_in_ring (g, i);
      if (cm_geom_is_closing (g, i) || next == G_MAXUINT)
        continue;
      double ax, ay, bx, by;
      _cm_window_to_widget (self, xy[2 * i], xy[2 * i + 1], &ax, &ay);
      _cm_window_to_widget (self, xy[2 * next], xy[2 * next + 1], &bx, &by);
      if (hypot ((ax + bx) / 2 - x, (ay + by) / 2 - y) <= (CM_SELECTION_MID_RADIUS + 3) * self->touch_scale)
        {
          mid[0] = (xy[2 * i] + xy[2 * next]) / 2;
          mid[1] = (xy[2 * i + 1] + xy[2 * next + 1]) / 2;
          return i;
        }
    }
  return G_MAXUINT;
}

/* Stores @geom as the selected feature's new shape (one undoable step), or says why not and
 * shows the stored shape again. */
static gboolean
commit_shape (CmWindow *self, const CmGeom *geom)
{
  double where[2];
  g_autofree char *reason = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CmFeature) before = cm_feature_copy (self->selected);
  g_autoptr (CmFeature) after = cm_feature_copy (self->selected);
  g_autoptr (GBytes) wkb = cm_geom_to_wkb (geom);
  cm_feature_set_wkb (after, wkb);
  if (cm_geom_find_problem (geom, where, &reason))
    g_set_error_literal (&error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                         _("the outline would cross itself"));
  else
    cm_history_update (self->history, before, after, &error);
  if (error)
    {
      g_autofree char *msg = g_strdup_printf (_("The change was not made: %s"), error->message);
      _cm_window_toast_failure (self, msg);
      cm_selection_layer_set_feature (self->selection_layer, self->selected);
      return FALSE;
    }
  double b0[4], b1[4];
  cm_feature_get_bbox (before, b0);
  cm_feature_get_bbox (after, b1);
  double touched[4] = { MIN (b0[0], b1[0]), MIN (b0[1], b1[1]), MAX (b0[2], b1[2]),
                        MAX (b0[3], b1[3]) };
  _cm_window_data_changed (self, cm_feature_get_layer (after), touched);
  _cm_window_select_feature (self, after);
  return TRUE;
}

/* Claims or denies the press for the gesture (not for the tests' unattached one). */
static void
set_claim (GtkGestureDrag *gesture, GtkEventSequenceState state)
{
  if (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture)))
    gtk_gesture_set_state (GTK_GESTURE (gesture), state);
}

/* The drag of the selected feature's vertex or middle handle ends without a change: the
 * handles as they were. */
static void
drag_cancelled (CmWindow *self)
{
  if (self->drag_inserted)
    {
      cm_selection_layer_set_feature (self->selection_layer, self->selected);
      self->active_vertex = G_MAXUINT;
    }
  cm_selection_layer_set_handles (self->selection_layer, TRUE, self->active_vertex);
}

/* A press held still on the selected feature: the menu a long press shows elsewhere. */
static gboolean
press_held_cb (gpointer data)
{
  CmWindow *self = data;
  self->press_timer = 0;
  if (self->drag != DRAG_NONE)
    {
      drag_cancelled (self);
      self->drag = DRAG_NONE;
      g_clear_pointer (&self->drag_origin, cm_geom_free);
    }
  _cm_window_show_press_menu (self, self->press_at[0], self->press_at[1]);
  return G_SOURCE_REMOVE;
}

static gboolean
shift_held (GtkGesture *gesture)
{
  return gesture && (gtk_event_controller_get_current_event_state (
                         GTK_EVENT_CONTROLLER (gesture)) & GDK_SHIFT_MASK) != 0;
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, CmWindow *self)
{
  self->drag = DRAG_NONE;
  if (self->store && kind_of (self->tool) == CM_SKETCH_NONE && !form_open (self) &&
      shift_held (GTK_GESTURE (gesture)))
    {
      /* Shift+drag: a box; the buildings in it are chosen */
      self->drag = DRAG_BOX;
      self->drag_start[0] = x;
      self->drag_start[1] = y;
      set_claim (gesture, GTK_EVENT_SEQUENCE_CLAIMED);
      return;
    }
  const CmGeom *g = cm_selection_layer_get_geom (self->selection_layer);
  if (self->selected == NULL || g == NULL || g->type == CM_GEOM_COLLECTION || self->form ||
      kind_of (self->tool) != CM_SKETCH_NONE)
    {
      set_claim (gesture, GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  g_autoptr (CmGeom) origin = cm_geom_copy (g);
  double mid[2];
  guint v = vertex_at (self, origin, x, y);
  guint segment = v == G_MAXUINT ? segment_middle_at (self, origin, x, y, mid) : G_MAXUINT;
  if (v != G_MAXUINT)
    {
      self->drag = DRAG_VERTEX;
      self->drag_position = v;
      self->drag_inserted = FALSE;
    }
  else if (segment != G_MAXUINT)
    {
      self->drag = DRAG_VERTEX;
      self->drag_position = cm_geom_insert_after (origin, segment, mid[0], mid[1]);
      self->drag_inserted = TRUE;
    }
  else
    {
      /* on the feature itself: move it whole */
      double lon, lat;
      _cm_window_to_location (self, x, y, &lon, &lat);
      g_autoptr (CmFeature) hit = cm_store_feature_at (
          self->store, lon, lat, _cm_window_pixels_as_degrees (self, 8, lat), self->hidden, NULL);
      if (hit && g_strcmp0 (cm_feature_get_uuid (hit), cm_feature_get_uuid (self->selected)) == 0)
        self->drag = DRAG_FEATURE;
    }
  if (self->drag == DRAG_NONE)
    {
      set_claim (gesture, GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  /* ours, not libshumate's pan; held still, it is a long press (the long-press gesture does
   * not see a sequence this one claimed) */
  set_claim (gesture, GTK_EVENT_SEQUENCE_CLAIMED);
  g_clear_handle_id (&self->press_timer, g_source_remove);
  self->press_at[0] = x;
  self->press_at[1] = y;
  self->press_timer = g_timeout_add (LONG_PRESS_MS, press_held_cb, self);
  g_clear_pointer (&self->drag_origin, cm_geom_free);
  self->drag_origin = g_steal_pointer (&origin);
  self->drag_start[0] = x;
  self->drag_start[1] = y;
  if (self->drag == DRAG_VERTEX)
    {
      self->active_vertex = self->drag_position;
      cm_selection_layer_set_geom (self->selection_layer, self->drag_origin);
      cm_selection_layer_set_handles (self->selection_layer, TRUE, self->active_vertex);
      _cm_window_drawing_update_actions (self);
    }
}

/* The shape as the drag has it now, pointer at offset @dx, @dy from where it began. */
static CmGeom *
dragged_shape (CmWindow *self, double dx, double dy, gboolean no_snap)
{
  CmGeom *g = cm_geom_copy (self->drag_origin);
  double lon, lat;
  if (self->drag == DRAG_VERTEX)
    {
      /* the vertex follows the pointer's movement, without jumping to the pointer */
      const double *xy = (const double *) g->xy->data;
      double vx, vy;
      _cm_window_to_widget (self, xy[2 * self->drag_position], xy[2 * self->drag_position + 1], &vx, &vy);
      _cm_window_to_location (self, vx + dx, vy + dy, &lon, &lat);
      snap_location (self, &lon, &lat, no_snap, cm_feature_get_uuid (self->selected));
      cm_geom_move_position (g, self->drag_position, lon, lat);
    }
  else
    {
      double lon0, lat0;
      _cm_window_to_location (self, self->drag_start[0] + dx, self->drag_start[1] + dy, &lon, &lat);
      _cm_window_to_location (self, self->drag_start[0], self->drag_start[1], &lon0, &lat0);
      cm_geom_translate (g, lon - lon0, lat - lat0);
    }
  return g;
}


static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, CmWindow *self)
{
  if (self->drag == DRAG_NONE)
    return;
  if (self->drag == DRAG_BOX)
    {
      cm_selection_layer_set_box (self->selection_layer, self->drag_start[0], self->drag_start[1],
                                  self->drag_start[0] + dx, self->drag_start[1] + dy);
      return;
    }
  if (hypot (dx, dy) >= MOVED)
    g_clear_handle_id (&self->press_timer, g_source_remove);
  g_autoptr (CmGeom) g = dragged_shape (self, dx, dy, shift_held (GTK_GESTURE (gesture)));
  cm_selection_layer_set_geom (self->selection_layer, g);
}

/* The buildings whose box meets the box from @x0, @y0 to @x1, @y1 (map widget pixels) join the
 * chosen ones. */
static void
choose_in_box (CmWindow *self, double x0, double y0, double x1, double y1)
{
  double a[2], b[2];
  _cm_window_to_location (self, MIN (x0, x1), MAX (y0, y1), &a[0], &a[1]);
  _cm_window_to_location (self, MAX (x0, x1), MIN (y0, y1), &b[0], &b[1]);
  const double bbox[4] = { a[0], a[1], b[0], b[1] };
  g_autoptr (GListModel) found = cm_store_query_bbox (self->store, CM_LAYER_BUILDINGS, bbox, NULL);
  g_autoptr (GPtrArray) features = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; found && i < g_list_model_get_n_items (found); i++)
    g_ptr_array_add (features, g_list_model_get_item (found, i));
  _cm_window_choose (self, features, FALSE); /* one selection update for the whole box */
}

void
cm_window_choose_box (CmWindow *self, double x0, double y0, double x1, double y1)
{
  choose_in_box (self, x0, y0, x1, y1);
}

static void
drag_end_cb (GtkGestureDrag *gesture, double dx, double dy, CmWindow *self)
{
  g_clear_handle_id (&self->press_timer, g_source_remove);
  if (self->drag == DRAG_NONE)
    return;
  if (self->drag == DRAG_BOX)
    {
      self->drag = DRAG_NONE;
      cm_selection_layer_set_box (self->selection_layer, NAN, NAN, NAN, NAN);
      choose_in_box (self, self->drag_start[0], self->drag_start[1], self->drag_start[0] + dx,
                     self->drag_start[1] + dy);
      return;
    }
  /* a click without a drag changes nothing, on a middle handle too */
  gboolean moved = hypot (dx, dy) >= MOVED;
  g_autoptr (CmGeom) g = moved ? dragged_shape (self, dx, dy, shift_held (GTK_GESTURE (gesture)))
                               : NULL;
  int drag = self->drag;
  self->drag = DRAG_NONE;
  if (g)
    {
      guint vertex = self->drag_position;
      if (commit_shape (self, g) && drag == DRAG_VERTEX)
        {
          /* the vertex just moved stays chosen: Delete removes it */
          self->active_vertex = vertex;
          cm_selection_layer_set_handles (self->selection_layer, TRUE, vertex);
        }
    }
  else if (drag == DRAG_VERTEX)
    drag_cancelled (self);
  g_clear_pointer (&self->drag_origin, cm_geom_free);
  _cm_window_drawing_update_actions (self);
}

void
cm_window_drag_map (CmWindow *self, double x, double y, double dx, double dy)
{
  /* what the drag gesture does, for tests: begin, one update, end */
  GtkGesture *gesture = gtk_gesture_drag_new ();
  g_object_ref_sink (gesture);
  drag_begin_cb (GTK_GESTURE_DRAG (gesture), x, y, self);
  if (self->drag != DRAG_NONE)
    {
      drag_update_cb (GTK_GESTURE_DRAG (gesture), dx / 2, dy / 2, self);
      drag_update_cb (GTK_GESTURE_DRAG (gesture), dx, dy, self);
      drag_end_cb (GTK_GESTURE_DRAG (gesture), dx, dy, self);
    }
  g_object_unref (gesture);
}

/* Delete on a chosen vertex removes it (when enough remain); else the feature goes. */
static gboolean
delete_vertex (CmWindow *self)
{
  const CmGeom *shown = cm_selection_layer_get_geom (self->selection_layer);
  if (self->active_vertex == G_MAXUINT || shown == NULL)
    return FALSE;
  g_autoptr (CmGeom) g = cm_geom_copy (shown);
  const char *reason = NULL;
  if (!cm_geom_remove_position (g, self->active_vertex, &reason))
    {
      g_autofree char *msg = g_strdup_printf (_("The corner stays: %s"), reason);
      _cm_window_toast (self, msg);
      return TRUE;
    }
  commit_shape (self, g);
  return TRUE;
}

/* ---- actions -------------------------------------------------------------------------------- */

static void
finish_shape_action (GtkWidget *widget, const char *name, GVariant *param)
{
  finish_shape (CM_WINDOW (widget));
}

static void
remove_vertex_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  cm_sketch_layer_remove_last (self->sketch_layer);
  _cm_window_drawing_update_actions (self);
}

/* Escape: first the shape in progress, then the selection. */
static void
escape_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  if (cm_sketch_layer_get_n_vertices (self->sketch_layer) > 0)
    _cm_window_drawing_restart_sketch (self);
  else if (self->layer_form)
    cm_layer_form_finish (self->layer_form, FALSE); /* the parts drawn go with it */
  else
    _cm_window_select_feature (self, NULL);
}

static void
after_replay (CmWindow *self, const double touched[4], CmFeature *now)
{
  _cm_window_drawing_restart_sketch (self);
  _cm_window_data_changed (self, now ? cm_feature_get_layer (now) : CM_LAYER_NONE, touched);
  _cm_window_select_feature (self, now && !cm_feature_get_deleted (now) ? now : NULL);
}

static void
undo_redo_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  if (self->history == NULL)
    return;
  double touched[4];
  g_autoptr (CmFeature) now = NULL;
  g_autoptr (GError) error = NULL;
  gboolean undo = g_str_equal (name, "win.undo");
  gboolean ok = undo ? cm_history_undo (self->history, touched, &now, &error)
                     : cm_history_redo (self->history, touched, &now, &error);
  if (!ok)
    {
      if (error)
        {
          g_autofree char *msg = g_strdup_printf (undo ? _("Could not undo: %s")
                                                       : _("Could not redo: %s"),
                                                  error->message);
          _cm_window_toast_failure (self, msg);
        }
      return;
    }
  after_replay (self, touched, now);
}

static void
delete_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  if (self->selected == NULL || self->history == NULL || delete_vertex (self))
    return;
  g_autoptr (CmFeature) feature = g_object_ref (self->selected);
  g_autoptr (GError) error = NULL;
  if (!cm_history_delete (self->history, feature, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("Could not delete: %s"), error->message);
      _cm_window_toast_failure (self, msg);
      return;
    }
  double bbox[4];
  cm_feature_get_bbox (feature, bbox);
  _cm_window_select_feature (self, NULL);
  _cm_window_data_changed (self, cm_feature_get_layer (feature), bbox);
  const char *fname = cm_feature_get_name (feature);
  g_autofree char *msg = fname ? g_strdup_printf (_("“%s” was deleted"), fname)
                               : g_strdup (_("The feature was deleted"));
  AdwToast *toast = adw_toast_new (msg);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo");
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* ---- for tests ------------------------------------------------------------------------------ */

CmFeatureForm *
cm_window_get_form (CmWindow *self)
{
  return self->form;
}

CmLayerForm *
cm_window_get_layer_form (CmWindow *self)
{
  return self->layer_form;
}

guint
cm_window_get_sketch_size (CmWindow *self)
{
  return cm_sketch_layer_get_n_vertices (self->sketch_layer);
}

/* ---- setting up ----------------------------------------------------------------------------- */

void
_cm_window_drawing_class_init (GtkWidgetClass *widget_class)
{
  /* the "tool" and "snap" properties are cm-window.c's */
  gtk_widget_class_install_property_action (widget_class, "win.tool", "tool");
  gtk_widget_class_install_property_action (widget_class, "win.snap", "snap");
  gtk_widget_class_install_action (widget_class, "win.finish-shape", NULL, finish_shape_action);
  gtk_widget_class_install_action (widget_class, "win.remove-vertex", NULL,
                                   remove_vertex_action);
  gtk_widget_class_install_action (widget_class, "win.escape", NULL, escape_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_redo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, undo_redo_action);
  gtk_widget_class_install_action (widget_class, "win.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "win.edit-details", NULL, edit_details_action);
  gtk_widget_class_install_action (widget_class, "win.team-from-chosen", NULL,
                                   team_from_chosen_action);

  /* single keys reach the window only when no text field took them */
  static const struct
  {
    guint key;
    const char *tool;
  } keys[] = { { GDK_KEY_s, "select" },  { GDK_KEY_p, "point" },    { GDK_KEY_l, "line" },
               { GDK_KEY_a, "area" },    { GDK_KEY_t, "station" },  { GDK_KEY_v, "team" },
               { GDK_KEY_c, "compound" }, { GDK_KEY_b, "boundary" },
               { GDK_KEY_r, "report" } };
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_widget_class_add_binding_action (widget_class, keys[i].key, 0, "win.tool", "s",
                                         keys[i].tool);
  /* Enter: GtkWindow binds it to "activate-default" before any subclass binding, so the map
   * (focused while drawing) takes it: see map_key_pressed_cb */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "win.remove-vertex",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.escape", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "win.redo",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "win.delete", NULL);
}

void
_cm_window_drawing_init (CmWindow *self)
{
  self->active_vertex = G_MAXUINT;
  self->station_radius = 300; /* GB 50180's 5-minute circle, until a station says otherwise */
  self->sketch_layer = cm_sketch_layer_new (_cm_window_get_viewport (self));
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->sketch_layer));
  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (pointer_moved_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (pointer_left_cb), self);
  GtkWidget *map = GTK_WIDGET (shumate_simple_map_get_map (self->map));
  gtk_widget_add_controller (map, motion);
  /* the map takes the keyboard focus, so that drawing keys are not taken by a button */
  GtkGesture *drag = gtk_gesture_drag_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (map, GTK_EVENT_CONTROLLER (drag));
  gtk_widget_set_focusable (map, TRUE);
  GtkEventController *keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (map_key_pressed_cb), self);
  gtk_widget_add_controller (map, keys);
  gtk_widget_set_focus_on_click (map, TRUE);
  _cm_window_drawing_update_actions (self);
}

void
_cm_window_drawing_map_opened (CmWindow *self)
{
  _cm_window_drawing_map_closed (self);
  self->history = cm_history_new (self->store);
  g_signal_connect_object (self->history, "changed",
                           G_CALLBACK (_cm_window_drawing_update_actions), self,
                           G_CONNECT_SWAPPED);
  _cm_window_drawing_set_tool (self, "select");
}

void
_cm_window_drawing_map_closed (CmWindow *self)
{
  if (self->form)
    cm_feature_form_finish (self->form, FALSE);
  if (self->layer_form)
    cm_layer_form_finish (self->layer_form, FALSE);
  clear_parts (self);
  g_clear_object (&self->history);
}

void
_cm_window_drawing_dispose (CmWindow *self)
{
  g_clear_handle_id (&self->press_timer, g_source_remove);
  g_clear_object (&self->history);
  g_clear_pointer (&self->drag_origin, cm_geom_free);
  g_clear_pointer (&self->parts, cm_geom_free);
  g_clear_pointer (&self->preset_shape, cm_geom_free);
  g_clear_object (&self->layer_form_feature);
  g_clear_pointer (&self->tool, g_free);
  g_clear_pointer (&self->last_category, g_free);
}
