/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-window.c: the map window — a map of the open community map, a sidebar with layers, legend
 * and the selected feature's details, search, and import with progress. */
#include "config.h"

#include "cm-window.h"
#include "cm-window-private.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <shumate/shumate.h>

#include "cm-app-resources.h"
#include "cm-categories.h"
#include "cm-category-ui.h"
#include "cm-import.h"
#include "cm-join-dialog.h"
#include "cm-label-layer.h"
#include "cm-mbtiles-source.h"
#include "cm-online-source.h"
#include "cm-render.h"
#include "cm-selection-layer.h"
#include "cm-store.h"
#include "cm-teams.h"
#include "cm-tile-source.h"
#include "cm-workshops.h"

G_DEFINE_FINAL_TYPE (CmWindow, cm_window, ADW_TYPE_APPLICATION_WINDOW)

static void
toast (CmWindow *self, const char *message)
{
  AdwToast *t = adw_toast_new (message);
  adw_toast_set_timeout (t, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

/* A failure (a save refused, the map busy, the disk full) is shown at once, before any
 * message already waiting, and stays longer: the person must see why their work was not kept. */
static void
toast_failure (CmWindow *self, const char *message)
{
  AdwToast *t = adw_toast_new (message);
  adw_toast_set_timeout (t, 10);
  adw_toast_set_priority (t, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void
show_error (CmWindow *self, const char *heading, GError *error)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_WINDOW (self), heading, error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- the map ------------------------------------------------------------------------------- */

static ShumateViewport *
viewport (CmWindow *self)
{
  return shumate_simple_map_get_viewport (self->map);
}

void
_cm_window_to_location (CmWindow *self, double x, double y, double *lon, double *lat)
{
  GtkWidget *map = GTK_WIDGET (shumate_simple_map_get_map (self->map));
  shumate_viewport_widget_coords_to_location (viewport (self), map, x, y, lat, lon);
}

void
_cm_window_to_widget (CmWindow *self, double lon, double lat, double *x, double *y)
{
  GtkWidget *map = GTK_WIDGET (shumate_simple_map_get_map (self->map));
  shumate_viewport_location_to_widget_coords (viewport (self), map, lat, lon, x, y);
}

double
_cm_window_pixels_as_degrees (CmWindow *self, double pixels, double lat)
{
  /* a Web-Mercator pixel spans 360° / (256 · 2^zoom) of longitude, × cos(lat) of latitude */
  double zoom = shumate_viewport_get_zoom_level (viewport (self));
  return pixels * 360.0 / (256.0 * exp2 (zoom)) * cos (lat * G_PI / 180.0);
}

static void refresh_tiles (CmWindow *self);

/* No network: say so, and draw the map's own layers on paper rather than on white. */
static void
online_unreachable_cb (CmWindow *self, const char *why)
{
  if (!self->online || self->online_unreachable)
    return;
  self->online_unreachable = TRUE;
  g_debug ("online tiles: %s", why);
  AdwToast *t = adw_toast_new (_("OpenStreetMap's online tiles cannot be loaded: there seems to "
                                 "be no network. The map's own layers are drawn on paper; turn "
                                 "Online Tiles off and on again to retry."));
  adw_toast_set_timeout (t, 0); /* until dismissed: it is not a passing remark */
  adw_toast_overlay_add_toast (self->toast_overlay, t);
  refresh_tiles (self);
}

/* The base layer (online OSM tiles, an MBTiles file, or the map's own tiles on paper) and,
 * over a basemap, the map's own tiles transparent on top; then labels and selection. */
static void
refresh_tiles (CmWindow *self)
{
  if (self->path == NULL)
    return;
  g_autoptr (ShumateMapSource) base = NULL;
  if (self->online && !self->online_unreachable)
    {
      base = SHUMATE_MAP_SOURCE (cm_online_source_new ());
      g_signal_connect_object (base, "unreachable", G_CALLBACK (online_unreachable_cb), self,
                               G_CONNECT_SWAPPED);
    }
  else if (self->basemap)
    {
      g_autoptr (GError) error = NULL;
      base = SHUMATE_MAP_SOURCE (cm_mbtiles_source_new (self->basemap, &error));
      if (base == NULL)
        {
          toast_failure (self, error->message);
          g_clear_pointer (&self->basemap, g_free);
        }
    }

  g_autoptr (CmTileSource) ours = cm_tile_source_new (self->readers, self->hidden, base == NULL,
                                                      self->tile_cache, self->overview);
  g_set_object (&self->tiles, ours);
  ShumateLicense *license = shumate_simple_map_get_license (self->map);
  if (self->data_layer)
    {
      shumate_simple_map_remove_overlay_layer (self->map, SHUMATE_LAYER (self->data_layer));
      self->data_layer = NULL;
    }
  if (self->overlay_source)
    {
      shumate_license_remove_map_source (license, self->overlay_source);
      g_clear_object (&self->overlay_source);
    }
  if (base)
    {
      shumate_simple_map_set_map_source (self->map, base);
      self->data_layer = shumate_map_layer_new (SHUMATE_MAP_SOURCE (ours), viewport (self));
      shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->data_layer));
      /* the map data's attribution shows whatever the basemap is */
      self->overlay_source = g_object_ref (SHUMATE_MAP_SOURCE (ours));
      shumate_license_append_map_source (license, self->overlay_source);
    }
  else
    shumate_simple_map_set_map_source (self->map, SHUMATE_MAP_SOURCE (ours));

  /* libshumate 1.0.3 puts the first base layer on top of the overlays ("behind NULL"): stack
   * the analysis, the labels and the selection above the tiles again */
  ShumateLayer *overlays[] = { SHUMATE_LAYER (cm_analysis_panel_get_layer (self->panel)),
                               SHUMATE_LAYER (self->label_layer),
                               SHUMATE_LAYER (self->selection_layer),
                               SHUMATE_LAYER (self->sketch_layer) };
  for (gsize i = 0; i < G_N_ELEMENTS (overlays); i++)
    {
      g_object_ref (overlays[i]);
      shumate_simple_map_remove_overlay_layer (self->map, overlays[i]);
      shumate_simple_map_add_overlay_layer (self->map, overlays[i]);
      g_object_unref (overlays[i]);
    }
  cm_label_layer_load (self->label_layer, self->store, self->hidden);
}

static void
go_to (CmWindow *self, double lat, double lon, double zoom)
{
  ShumateViewport *vp = viewport (self);
  shumate_location_set_location (SHUMATE_LOCATION (vp), lat, lon);
  shumate_viewport_set_zoom_level (vp, zoom);
}

/* Shows @bbox (minx, miny, maxx, maxy) as large as the map's size lets it. */
static void
fit_bbox (CmWindow *self, const double bbox[4])
{
  int w = gtk_widget_get_width (GTK_WIDGET (self->map));
  int h = gtk_widget_get_height (GTK_WIDGET (self->map));
  if (w < 100 || h < 100)
    w = 960, h = 700; /* not yet allocated: the default window's map area */
  CmRenderView view;
  cm_render_view_init_fit (&view, bbox, w, h, 24);
  double lat, lon;
  cm_render_view_unproject (&view, w / 2.0, h / 2.0, &lon, &lat);
  go_to (self, lat, lon, MIN (floor (view.zoom * 4) / 4, 19));
}

/* Shows the whole map: every layer's features. */
static void
show_extent (CmWindow *self)
{
  double bbox[4];
  if (self->store && cm_render_get_extent (self->store, bbox, NULL))
    fit_bbox (self, bbox);
}

/* Where a map starts when it has no view of its own: its boundary, else all its features. */
static void
show_start (CmWindow *self)
{
  CmLayerStats boundary;
  if (self->store && cm_store_get_layer_stats (self->store, CM_LAYER_BOUNDARY, &boundary, NULL) &&
      boundary.count > 0)
    fit_bbox (self, boundary.bbox);
  else
    show_extent (self);
}

void
_cm_window_view_bbox (CmWindow *self, double b[4])
{
  int w = MAX (gtk_widget_get_width (GTK_WIDGET (self->map)), 1);
  int h = MAX (gtk_widget_get_height (GTK_WIDGET (self->map)), 1);
  _cm_window_to_location (self, 0, 0, &b[0], &b[3]);
  _cm_window_to_location (self, w, h, &b[2], &b[1]);
}

static gboolean
boxes_meet (const double a[4], const double b[4])
{
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

static void
show_whole_map_action (GtkWidget *widget, const char *name, GVariant *param)
{
  show_extent (CM_WINDOW (widget));
}

/* ---- sidebar: layers, legend, details ------------------------------------------------------ */

static void
layer_toggled_cb (GtkCheckButton *check, CmWindow *self)
{
  CmLayer layer = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (check), "layer"));
  if (gtk_check_button_get_active (check))
    self->hidden &= ~(1u << layer);
  else
    self->hidden |= 1u << layer;
  refresh_tiles (self);
}

/* Space or Enter on a focused row (the keyboard's way) toggles its layer, as a click on the
 * check does. */
static void
layer_row_activated_cb (GtkListBox *list, GtkListBoxRow *row, CmWindow *self)
{
  GtkWidget *box = gtk_list_box_row_get_child (row);
  GtkWidget *check = box ? gtk_widget_get_first_child (box) : NULL;
  if (GTK_IS_CHECK_BUTTON (check))
    gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                 !gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
}

static void
build_layers_list (CmWindow *self)
{
  g_signal_connect (self->layers_list, "row-activated", G_CALLBACK (layer_row_activated_cb), self);
  for (int i = 0; i < CM_N_LAYERS; i++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      gtk_widget_set_margin_start (row, 8);
      gtk_widget_set_margin_end (row, 8);
      gtk_widget_set_margin_top (row, 6);
      gtk_widget_set_margin_bottom (row, 6);
      GtkWidget *check = gtk_check_button_new_with_label (cm_layer_title (i));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      gtk_widget_set_hexpand (check, TRUE);
      g_object_set_data (G_OBJECT (check), "layer", GINT_TO_POINTER (i));
      g_signal_connect (check, "toggled", G_CALLBACK (layer_toggled_cb), self);
      GtkWidget *count = gtk_label_new ("0");
      gtk_widget_add_css_class (count, "dim-label");
      gtk_widget_add_css_class (count, "numeric");
      /* the layer's attribute table */
      GtkWidget *table = gtk_button_new_from_icon_name ("x-office-spreadsheet-symbolic");
      gtk_widget_add_css_class (table, "flat");
      gtk_widget_set_tooltip_text (table, _("Open this layer's table: every feature a row"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (table), "win.table");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (table), "s", cm_layer_to_string (i));
      gtk_box_append (GTK_BOX (row), check);
      gtk_box_append (GTK_BOX (row), count);
      gtk_box_append (GTK_BOX (row), table);
      gtk_list_box_append (self->layers_list, row);
      self->layer_counts[i] = GTK_LABEL (count);
    }
}

static void
update_counts (CmWindow *self, CmLayer only)
{
  for (int i = 0; i < CM_N_LAYERS; i++)
    {
      /* counting 50,000 buildings takes 30 ms: count only the layer that changed */
      if (only != CM_LAYER_NONE && i != (int) only)
        continue;
      CmLayerStats s = { 0 };
      if (self->store)
        cm_store_get_layer_stats (self->store, i, &s, NULL);
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, s.count);
      gtk_label_set_text (self->layer_counts[i], text);
    }
}

/* The categories the map's resources use, with their colours and counts. */
static void
update_legend (CmWindow *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->legend_list))))
    gtk_list_box_remove (self->legend_list, child);
  if (self->store == NULL)
    return;

  CmCategories *set = cm_categories_get_default ();
  GHashTable *counts = cm_store_count_by_category (self->store, CM_LAYER_RESOURCES, NULL);
  if (counts == NULL)
    return;
  for (guint i = 0; i < cm_categories_get_n (set); i++)
    {
      const CmCategory *c = cm_categories_get (set, i);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, c->key));
      if (n == 0)
        continue;
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      gtk_widget_set_margin_start (row, 8);
      gtk_widget_set_margin_end (row, 8);
      gtk_widget_set_margin_top (row, 4);
      gtk_widget_set_margin_bottom (row, 4);
      GtkWidget *icon = cm_category_icon (row, c);
      GtkWidget *label = gtk_label_new (cm_category_label (c->key));
      gtk_widget_set_hexpand (label, TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      g_autofree char *num = g_strdup_printf ("%u", n);
      GtkWidget *count = gtk_label_new (num);
      gtk_widget_add_css_class (count, "dim-label");
      gtk_box_append (GTK_BOX (row), cm_category_swatch (c->color, FALSE));
      if (icon)
        gtk_box_append (GTK_BOX (row), icon);
      gtk_box_append (GTK_BOX (row), label);
      gtk_box_append (GTK_BOX (row), count);
      gtk_list_box_append (self->legend_list, row);
    }
  g_hash_table_unref (counts);
}

void
_cm_window_details_add (CmWindow *self, const char *title, const char *value, gboolean heading)
{
  if (value == NULL || *value == '\0')
    return;
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (heading)
    {
      gtk_label_set_text (GTK_LABEL (label), value);
      gtk_widget_add_css_class (label, "title-3");
    }
  else
    {
      g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b> %s", title, value);
      gtk_label_set_markup (GTK_LABEL (label), markup);
    }
  gtk_widget_set_name (label, heading ? "details-name" : "details-line");
  gtk_box_append (self->details_box, label);
}

/* Tags as "key: value" lines (top-level string and number values). */
static char *
tags_text (const char *tags)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, tags, -1, NULL))
    return NULL;
  JsonNode *root = json_parser_get_root (parser); /* NULL for empty text */
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  GString *out = g_string_new (NULL);
  JsonObject *o = json_node_get_object (root);
  g_autoptr (GList) members = json_object_get_members (o);
  for (GList *m = members; m; m = m->next)
    {
      JsonNode *v = json_object_get_member (o, m->data);
      g_autofree char *text = JSON_NODE_HOLDS_VALUE (v) &&
                                      json_node_get_value_type (v) == G_TYPE_STRING
                                  ? g_strdup (json_node_get_string (v))
                                  : json_to_string (v, FALSE);
      g_string_append_printf (out, "%s%s = %s", out->len ? "\n" : "", (char *) m->data, text);
    }
  return g_string_free (out, FALSE);
}

/* The layer's own fields (a station's radius, a team's members, a building's households …)
 * and an area's size: in words, not as column names. */
static void
details_add_fields (CmWindow *self, CmFeature *f)
{
  const CmLayerInfo *info = cm_layer_get_info (cm_feature_get_layer (f));
  for (guint i = 0; i < info->n_fields; i++)
    {
      const CmLayerField *field = &info->fields[i];
      /* as the table shows it: a kind by its label, a building's compound chosen by hand or
       * the one it stands in */
      g_autofree char *cell = cm_table_cell_text (self->store, f, field->name);
      if (cell == NULL)
        continue;
      /* TRANSLATORS: a distance in metres */
      g_autofree char *text = field->type == CM_VALUE_METRES ? g_strdup_printf (_("%s m"), cell)
                                                             : g_strdup (cell);
      /* TRANSLATORS: a field's label before its value in the details: "Households:" */
      g_autofree char *title = g_strdup_printf (_("%s:"), g_dgettext (GETTEXT_PACKAGE,
                                                                      field->label));
      _cm_window_details_add (self, title, text, FALSE);
    }
  GBytes *wkb = cm_feature_get_wkb (f);
  g_autoptr (CmGeom) g = wkb ? cm_geom_from_wkb (g_bytes_get_data (wkb, NULL),
                                                 g_bytes_get_size (wkb))
                             : NULL;
  double area = g ? cm_geom_area_m2 (g) : 0;
  if (area > 0)
    {
      g_autofree char *text = cm_format_area (area);
      _cm_window_details_add (self, _("Area:"), text, FALSE);
    }
}

static void
update_details (CmWindow *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->details_box));
  while (child)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);
      if (child != GTK_WIDGET (self->details_placeholder))
        gtk_box_remove (self->details_box, child);
      child = next;
    }
  CmFeature *f = self->selected;
  guint chosen = self->chosen ? _cm_window_chosen_buildings (self, NULL) : 0;
  gtk_widget_set_visible (GTK_WIDGET (self->details_placeholder), f == NULL && chosen == 0);
  if (chosen > 0)
    {
      /* buildings chosen with Shift (or rows of the table): a team's area from them */
      g_autofree char *text = g_strdup_printf (ngettext ("%u building chosen",
                                                         "%u buildings chosen", chosen),
                                               chosen);
      _cm_window_details_add (self, NULL, text, TRUE);
      GtkWidget *team = gtk_button_new_with_mnemonic (_("Make a _Team Area from Them…"));
      gtk_widget_set_tooltip_text (team, _("A volunteer team serving these buildings: its area "
                                           "is their outline"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (team), "win.team-from-chosen");
      gtk_box_append (self->details_box, team);
    }
  if (f == NULL)
    return;
  _cm_window_details_add (self, NULL,
                          cm_feature_get_name (f) ? cm_feature_get_name (f) : _("(no name)"),
                          TRUE);
  _cm_window_details_add (self, _("Category:"),
                          cm_category_label (cm_feature_get_category (f)), FALSE);
  _cm_window_details_add (self, _("Layer:"), cm_layer_title (cm_feature_get_layer (f)), FALSE);
  _cm_window_details_add (self, _("Description:"), cm_feature_get_description (f), FALSE);
  details_add_fields (self, f);
  _cm_window_reports_append_details (self);
  g_autoptr (CmRecord) who = cm_store_get_contributor (self->store,
                                                      cm_feature_get_contributor_uuid (f), NULL);
  g_autoptr (CmRecord) where = cm_store_get_workshop (self->store,
                                                     cm_feature_get_workshop_uuid (f), NULL);
  if (who)
    _cm_window_details_add (self, _("Drawn by:"), who->name, FALSE);
  else
    _cm_window_details_add (self, _("Drawn by:"),
                            g_strcmp0 (cm_feature_get_tags (f), "{}") != 0 ? _("imported data")
                                                                           : _("not recorded"),
                            FALSE);
  if (where)
    {
      /* name, date, place: the ones given */
      const char *parts[4] = { where->name };
      int n = 1;
      if (where->date)
        parts[n++] = where->date;
      if (where->place)
        parts[n++] = where->place;
      g_autofree char *text = g_strjoinv (", ", (char **) parts);
      _cm_window_details_add (self, _("Workshop:"), text, FALSE);
    }
  _cm_window_details_add (self, _("Added:"), cm_feature_get_created_at (f), FALSE);
  _cm_window_details_add (self, _("Changed:"), cm_feature_get_updated_at (f), FALSE);
  _cm_window_photos_append (self, self->details_box);
  g_autofree char *tags = tags_text (cm_feature_get_tags (f));
  if (tags && *tags)
    {
      GtkWidget *expander = gtk_expander_new (_("Source attributes"));
      GtkWidget *label = gtk_label_new (tags);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "caption");
      gtk_expander_set_child (GTK_EXPANDER (expander), label);
      gtk_box_append (self->details_box, expander);
    }
}

static void
select_feature (CmWindow *self, CmFeature *feature)
{
  if (self->chosen && !self->table_choosing && !self->shift_choosing)
    g_ptr_array_set_size (self->chosen, 0); /* a plain click lets the chosen ones go */
  g_set_object (&self->selected, feature);
  cm_selection_layer_set_feature (self->selection_layer, feature);
  update_details (self);
  _cm_window_drawing_selection_changed (self);
  if (self->table && !self->table_choosing)
    {
      /* chosen on the map: chosen in the table, the others let go */
      cm_selection_layer_set_others (self->selection_layer,
                                     self->chosen && self->chosen->len ? self->chosen : NULL);
      cm_layer_table_show_feature (self->table, feature);
    }
}

/* ---- the attribute table (cm-layer-table.c) --------------------------------------------------- */

/* Rows chosen in the table: the first is the map's selection, the others are outlined, and
 * the map goes to them when they are not in view. */
static void
table_rows_chosen_cb (CmLayerTable *table, CmWindow *self)
{
  g_autoptr (GPtrArray) chosen = cm_layer_table_get_chosen (table);
  g_ptr_array_set_size (self->chosen, 0);
  for (guint i = 0; i < chosen->len; i++)
    g_ptr_array_add (self->chosen, g_object_ref (chosen->pdata[i]));
  self->table_choosing = TRUE;
  select_feature (self, chosen->len ? chosen->pdata[0] : NULL);
  self->table_choosing = FALSE;
  cm_selection_layer_set_others (self->selection_layer, chosen->len > 1 ? chosen : NULL);
  if (chosen->len == 0 || chosen->len > 500)
    return;
  double bbox[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE }, view[4];
  for (guint i = 0; i < chosen->len; i++)
    {
      double b[4];
      cm_feature_get_bbox (chosen->pdata[i], b);
      bbox[0] = MIN (bbox[0], b[0]), bbox[1] = MIN (bbox[1], b[1]);
      bbox[2] = MAX (bbox[2], b[2]), bbox[3] = MAX (bbox[3], b[3]);
    }
  _cm_window_view_bbox (self, view);
  if (bbox[0] < view[0] || bbox[1] < view[1] || bbox[2] > view[2] || bbox[3] > view[3])
    fit_bbox (self, bbox);
}

static void
table_changed_cb (CmLayerTable *table, const double *bbox, CmWindow *self)
{
  _cm_window_data_changed (self, cm_layer_table_get_layer (table), bbox);
  if (self->selected)
    {
      /* the details show what the table wrote */
      g_autoptr (CmFeature) now = cm_store_get_feature (self->store,
                                                        cm_feature_get_layer (self->selected),
                                                        cm_feature_get_uuid (self->selected),
                                                        NULL);
      if (now)
        {
          g_set_object (&self->selected, now);
          update_details (self);
        }
    }
}

static void
table_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  CmLayer layer = cm_layer_from_string (g_variant_get_string (param, NULL));
  if (self->store == NULL || self->history == NULL || layer == CM_LAYER_NONE)
    return;
  if (self->table && cm_layer_table_get_layer (self->table) != layer)
    gtk_window_destroy (GTK_WINDOW (self->table));
  if (self->table == NULL)
    {
      self->table = cm_layer_table_new (GTK_WINDOW (self), self->store, self->history, layer,
                                        cm_layer_title (layer));
      g_object_add_weak_pointer (G_OBJECT (self->table), (gpointer *) &self->table);
      g_signal_connect_object (self->table, "rows-chosen", G_CALLBACK (table_rows_chosen_cb),
                               self, 0);
      g_signal_connect_object (self->table, "changed", G_CALLBACK (table_changed_cb), self, 0);
      if (self->selected)
        cm_layer_table_show_feature (self->table, self->selected);
    }
  gtk_window_present (GTK_WINDOW (self->table));
}

/* Ctrl+T: the table of the selected feature's layer, or of the buildings. */
static gboolean
table_here_pressed (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  CmWindow *self = CM_WINDOW (widget);
  CmLayer layer = self->selected ? cm_feature_get_layer (self->selected) : CM_LAYER_BUILDINGS;
  gtk_widget_activate_action (widget, "win.table", "s", cm_layer_to_string (layer));
  return TRUE;
}

CmLayerTable *
cm_window_get_table (CmWindow *self)
{
  return self->table;
}

CmFeature *
cm_window_get_selected (CmWindow *self)
{
  return self->selected;
}

void
cm_window_select_at (CmWindow *self, double x, double y)
{
  if (self->store == NULL)
    return;
  double lat, lon;
  _cm_window_to_location (self, x, y, &lon, &lat);
  /* 8 pixels of slack (close enough for a touch target) */
  g_autoptr (GError) error = NULL;
  g_autoptr (CmFeature) f = cm_store_feature_at (self->store, lon, lat,
                                                 _cm_window_pixels_as_degrees (self, 8, lat),
                                                 self->hidden, &error);
  if (error)
    toast_failure (self, error->message);
  select_feature (self, f);
}

static void
map_clicked_cb (GtkGestureClick *gesture, int n_press, double x, double y, CmWindow *self)
{
  GdkModifierType state =
      gesture ? gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture)) : 0;
  if (_cm_window_drawing_click (self, x, y, (state & GDK_SHIFT_MASK) != 0))
    return;
  if (n_press == 1 && (state & GDK_SHIFT_MASK))
    cm_window_choose_at (self, x, y);
  else if (n_press == 1)
    cm_window_select_at (self, x, y);
}

guint
_cm_window_chosen_buildings (CmWindow *self, GPtrArray *shapes)
{
  guint n = 0;
  for (guint i = 0; i < self->chosen->len; i++)
    {
      CmFeature *f = self->chosen->pdata[i];
      if (cm_feature_get_layer (f) != CM_LAYER_BUILDINGS)
        continue;
      n++;
      GBytes *wkb = cm_feature_get_wkb (f);
      if (shapes && wkb)
        g_ptr_array_add (shapes, cm_geom_from_wkb (g_bytes_get_data (wkb, NULL),
                                                   g_bytes_get_size (wkb)));
    }
  return n;
}

void
_cm_window_choose (CmWindow *self, GPtrArray *features, gboolean toggle)
{
  for (guint k = 0; k < features->len; k++)
    {
      CmFeature *feature = features->pdata[k];
      for (guint i = 0; i < self->chosen->len; i++)
        if (g_strcmp0 (cm_feature_get_uuid (self->chosen->pdata[i]),
                       cm_feature_get_uuid (feature)) == 0)
          {
            if (toggle)
              g_ptr_array_remove_index (self->chosen, i);
            feature = NULL;
            break;
          }
      if (feature)
        g_ptr_array_add (self->chosen, g_object_ref (feature));
    }
  /* the last one chosen is the selection; all of them outlined */
  self->shift_choosing = TRUE;
  select_feature (self, self->chosen->len ? self->chosen->pdata[self->chosen->len - 1] : NULL);
  self->shift_choosing = FALSE;
  cm_selection_layer_set_others (self->selection_layer, self->chosen);
}

void
cm_window_choose_at (CmWindow *self, double x, double y)
{
  if (self->store == NULL)
    return;
  double lat, lon;
  _cm_window_to_location (self, x, y, &lon, &lat);
  g_autoptr (CmFeature) f = cm_store_feature_at (self->store, lon, lat,
                                                 _cm_window_pixels_as_degrees (self, 8, lat),
                                                 self->hidden, NULL);
  if (f)
    {
      g_autoptr (GPtrArray) one = g_ptr_array_new ();
      g_ptr_array_add (one, f);
      _cm_window_choose (self, one, TRUE);
    }
}

void
cm_window_click_map (CmWindow *self, double x, double y)
{
  map_clicked_cb (NULL, 1, x, y, self);
}

/* ---- search -------------------------------------------------------------------------------- */

static void
result_activated_cb (GtkListBox *list, GtkListBoxRow *row, CmWindow *self)
{
  CmFeature *f = g_object_get_data (G_OBJECT (row), "feature");
  double b[4];
  cm_feature_get_bbox (f, b);
  double zoom = MAX (shumate_viewport_get_zoom_level (viewport (self)), 17);
  shumate_map_go_to_full (shumate_simple_map_get_map (self->map), (b[1] + b[3]) / 2,
                          (b[0] + b[2]) / 2, zoom);
  select_feature (self, f);
}

static void
search_changed_cb (GtkSearchEntry *entry, CmWindow *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_list))))
    gtk_list_box_remove (self->results_list, child);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  gboolean searching = self->store && text && *text;
  gtk_widget_set_visible (GTK_WIDGET (self->results_list), searching);
  if (!searching)
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) found = cm_store_search (self->store, text, 50, &error);
  if (error)
    toast_failure (self, error->message);
  guint n = found ? g_list_model_get_n_items (found) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CmFeature) f = g_list_model_get_item (found, i);
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cm_feature_get_name (f));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      g_autofree char *sub = g_strdup_printf ("%s · %s", cm_layer_title (cm_feature_get_layer (f)),
                                              cm_category_label (cm_feature_get_category (f)));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "feature", g_object_ref (f), g_object_unref);
      gtk_list_box_append (self->results_list, row);
    }
  if (n == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Nothing found"));
      gtk_list_box_append (self->results_list, row);
    }
}

static void
search_activate_cb (GtkSearchEntry *entry, CmWindow *self)
{
  GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->results_list, 0);
  if (first && g_object_get_data (G_OBJECT (first), "feature"))
    result_activated_cb (self->results_list, first, self);
}

/* ---- remembering ---------------------------------------------------------------------------- */

static void
save_view (CmWindow *self)
{
  if (self->settings == NULL || self->path == NULL)
    return;
  ShumateViewport *vp = viewport (self);
  g_autoptr (GVariant) old = g_settings_get_value (self->settings, "map-views");
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{s(ddd)}"));
  GVariantIter iter;
  const char *key;
  double lat, lon, zoom;
  g_variant_iter_init (&iter, old);
  guint kept = 0;
  while (g_variant_iter_next (&iter, "{&s(ddd)}", &key, &lat, &lon, &zoom))
    if (g_strcmp0 (key, self->path) != 0 && kept++ < 50)
      g_variant_builder_add (&b, "{s(ddd)}", key, lat, lon, zoom);
  g_variant_builder_add (&b, "{s(ddd)}", self->path,
                         shumate_location_get_latitude (SHUMATE_LOCATION (vp)),
                         shumate_location_get_longitude (SHUMATE_LOCATION (vp)),
                         shumate_viewport_get_zoom_level (vp));
  g_settings_set_value (self->settings, "map-views", g_variant_builder_end (&b));
  g_settings_set_string (self->settings, "last-map", self->path);
}

/* The view this map had when it was last closed, unless it shows none of the map's features
 * (it was saved while the map was empty, say, or an import went elsewhere). */
static gboolean
restore_view (CmWindow *self)
{
  if (self->settings == NULL)
    return FALSE;
  g_autoptr (GVariant) views = g_settings_get_value (self->settings, "map-views");
  double lat, lon, zoom, extent[4];
  if (!g_variant_lookup (views, self->path, "(ddd)", &lat, &lon, &zoom))
    return FALSE;
  if (self->store && cm_render_get_extent (self->store, extent, NULL))
    {
      /* the view's half width and height in degrees, for the default map area at that zoom */
      double half = 360.0 / (256.0 * exp2 (zoom)) * 480;
      double seen[4] = { lon - half, lat - half * 0.7, lon + half, lat + half * 0.7 };
      if (!boxes_meet (seen, extent))
        return FALSE;
    }
  go_to (self, lat, lon, zoom);
  return TRUE;
}

/* ---- opening, closing and importing ------------------------------------------------------- */

/* The .sqlite file alone must be the map: people copy it, not its -wal. So what a save put in
 * the -wal is copied into the file half a second later (again until no reader holds it back),
 * and closing a map closes every connection to it, the last of which removes the -wal. */
#define CHECKPOINT_DELAY_MS 500

static gboolean
checkpoint_now_cb (gpointer data)
{
  CmWindow *self = data;
  gboolean complete = TRUE;
  g_autoptr (GError) error = NULL;
  if (self->store && !cm_store_checkpoint (self->store, &complete, &error))
    toast_failure (self, error->message);
  if (!complete)
    return G_SOURCE_CONTINUE;
  self->checkpoint_timer = 0;
  return G_SOURCE_REMOVE;
}

static void
schedule_checkpoint (CmWindow *self)
{
  if (self->checkpoint_timer == 0)
    self->checkpoint_timer = g_timeout_add (CHECKPOINT_DELAY_MS, checkpoint_now_cb, self);
}

static void
store_committed (CmStore *store, gpointer data)
{
  schedule_checkpoint (data);
}

/* Lets go of the open map: the drawing threads' connections (waiting for tiles being drawn),
 * the history's and the window's own. */
static void
close_map (CmWindow *self)
{
  g_clear_handle_id (&self->checkpoint_timer, g_source_remove);
  if (self->table)
    gtk_window_destroy (GTK_WINDOW (self->table));
  if (self->review)
    gtk_window_destroy (GTK_WINDOW (self->review));
  if (self->readers)
    cm_store_pool_close (self->readers);
  g_clear_pointer (&self->readers, cm_store_pool_unref);
  _cm_window_reports_map_closed (self);
  _cm_window_drawing_map_closed (self);
  if (self->panel)
    cm_analysis_panel_set_map (self->panel, NULL); /* it holds the store too */
  if (self->store)
    cm_store_set_commit_func (self->store, NULL, NULL);
  g_clear_object (&self->store);
}

gboolean
cm_window_open_map (CmWindow *self, const char *path, GError **error)
{
  g_autoptr (CmStore) store = cm_store_open (path, error);
  if (store == NULL && error && g_error_matches (*error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_SQLITE))
    cm_store_error_add_advice (*error, _("Open a map (a .sqlite file), or bring this file into "
                                         "the open map with Import… (Ctrl+I)"));
  else if (store == NULL && error &&
           g_error_matches (*error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_A_MAP))
    cm_store_error_add_advice (*error, _("To bring its data in, import it into the open map "
                                         "with Import… (Ctrl+I) and choose its table"));
  if (store == NULL)
    return FALSE;
  save_view (self);
  close_map (self);
  self->store = g_object_ref (store);
  cm_store_set_commit_func (store, store_committed, self);
  self->readers = cm_store_pool_new (cm_store_get_path (store));
  g_free (self->path);
  self->path = g_strdup (cm_store_get_path (store));
  /* a new map: none of the drawn tiles are its own */
  g_clear_pointer (&self->tile_cache, cm_tile_cache_unref);
  self->tile_cache = cm_tile_cache_new (128); /* 256 px tiles: at most 32 MB (and GTK's copies) */
  /* read by the first tile zoomed out, on its thread */
  g_clear_pointer (&self->overview, cm_overview_unref);
  self->overview = cm_overview_new ();
  select_feature (self, NULL);
  _cm_window_drawing_map_opened (self);
  _cm_window_workshop_map_opened (self);
  _cm_window_merge_data_changed (self);
  cm_analysis_panel_set_map (self->panel, store);

  g_autofree char *name = cm_store_dup_name (store);
  g_autofree char *base = g_path_get_basename (path);
  adw_window_title_set_title (self->window_title, name && *name ? name : base);
  adw_window_title_set_subtitle (self->window_title, base);
  refresh_tiles (self);
  update_counts (self, CM_LAYER_NONE);
  update_legend (self);
  if (!restore_view (self))
    show_start (self);

  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
  if (self->settings)
    {
      g_settings_set_string (self->settings, "last-map", self->path);
      /* newest first, each map once, at most ten */
      g_auto (GStrv) recent = g_settings_get_strv (self->settings, "recent-maps");
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
      g_strv_builder_add (builder, self->path);
      guint n = 1;
      for (char **p = recent; *p && n < 10; p++)
        if (!g_str_equal (*p, self->path))
          g_strv_builder_add (builder, *p), n++;
      g_auto (GStrv) updated = g_strv_builder_end (builder);
      g_settings_set_strv (self->settings, "recent-maps", (const char *const *) updated);
    }
  return TRUE;
}

typedef struct
{
  CmWindow *window;
  char *map_path;
  char *file;
  char *table;     /* of a SpatiaLite file, or NULL */
  CmImportReport *report;
  gint progress;   /* per mille, written by the worker, read on the main thread */
  gboolean far_ok; /* the person said to import it although it is far from the map */
  double far_m;    /* set instead of importing: how far the file is from the map */
} ImportJob;

static void
import_job_free (ImportJob *job)
{
  g_free (job->map_path);
  g_free (job->file);
  g_free (job->table);
  cm_import_report_free (job->report);
  g_free (job);
}

static void
import_progress (goffset done, goffset total, gpointer user_data)
{
  ImportJob *job = user_data;
  if (total > 0)
    g_atomic_int_set (&job->progress, (gint) (1000 * done / total));
}

static gboolean
import_tick_cb (gpointer user_data)
{
  CmWindow *self = user_data;
  if (self->import_cancellable == NULL)
    {
      self->import_tick = 0;
      return G_SOURCE_REMOVE;
    }
  ImportJob *job = g_object_get_data (G_OBJECT (self->import_cancellable), "job");
  if (job)
    gtk_progress_bar_set_fraction (self->import_progress, g_atomic_int_get (&job->progress) / 1000.0);
  return G_SOURCE_CONTINUE;
}

static void
import_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ImportJob *job = data;
  GError *error = NULL;
  /* its own connection: the window's stays free for drawing and reading */
  g_autoptr (CmStore) store = cm_store_open (job->map_path, &error);
  if (store && job->table)
    cm_import_file (store, job->file, CM_LAYER_NONE, job->table, job->report, import_progress,
                    job, cancellable, &error);
  else if (store && !job->table)
    {
      /* a file far from the map's features is probably the wrong one: ask before writing */
      double bbox[4], map_bbox[4];
      if (!job->far_ok && cm_import_map_extent (store, map_bbox) &&
          cm_import_scan_extent (job->file, bbox, cancellable, NULL))
        job->far_m = cm_import_distance_between (map_bbox, bbox);
      if (job->far_m <= CM_IMPORT_FAR_M)
        {
          job->far_m = 0;
          cm_import_file (store, job->file, CM_LAYER_NONE, NULL, job->report, import_progress,
                          job, cancellable, &error);
        }
    }
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void ask_far_import (CmWindow *self, const char *path, double metres);

static void
import_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CmWindow *self = CM_WINDOW (source);
  ImportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  gtk_revealer_set_reveal_child (self->import_revealer, FALSE);
  g_clear_object (&self->import_cancellable);
  g_clear_handle_id (&self->import_tick, g_source_remove);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", TRUE);
  if (self->closing)
    {
      _cm_window_background_done (self);
      return;
    }
  /* the import's connection put what it could into the map file as it closed; the rest,
   * held back by a drawing thread then, goes now */
  schedule_checkpoint (self);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, _("Import cancelled: the map is unchanged"));
      else
        {
          AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
              adw_message_dialog_new (GTK_WINDOW (self), _("Could Not Import"), error->message));
          adw_message_dialog_add_response (dialog, "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (dialog));
        }
      return;
    }
  if (job->far_m > 0)
    {
      ask_far_import (self, job->file, job->far_m);
      return;
    }
  CmImportReport *r = job->report;
  g_autofree char *base = g_path_get_basename (job->file);
  g_autofree char *msg = g_strdup_printf (_("Imported %u features from %s (%u repaired, %u skipped)"),
                                          r->created + r->updated + r->unchanged, base,
                                          r->repaired, r->skipped);
  toast (self, msg);
  /* only the tiles the imported features touch are drawn again; the map goes to them when
   * none of them is in view */
  if (r->bbox[0] <= r->bbox[2])
    {
      cm_overview_invalidate (self->overview, r->bbox);
      cm_tile_cache_invalidate (self->tile_cache, r->bbox, 24);
      double seen[4];
      _cm_window_view_bbox (self, seen);
      if (!boxes_meet (seen, r->bbox))
        fit_bbox (self, r->bbox);
    }
  refresh_tiles (self);
  update_counts (self, CM_LAYER_NONE);
  update_legend (self);
  cm_analysis_panel_data_changed (self->panel, CM_LAYER_NONE);
}

gpointer
cm_window_get_tiles (CmWindow *self)
{
  return self->tiles;
}

gboolean
cm_window_is_importing (CmWindow *self)
{
  return self->import_cancellable != NULL;
}

static void start_import (CmWindow *self, const char *path, const char *table,
                          gboolean far_ok);

static void
far_import_response_cb (AdwMessageDialog *dialog, const char *response, CmWindow *self)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "path");
  if (g_str_equal (response, "import"))
    start_import (self, path, NULL, TRUE);
  else
    toast (self, _("Not imported: the map is unchanged"));
}

static void
ask_far_import (CmWindow *self, const char *path, double metres)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *km = g_strdup_printf ("%'.0f", metres / 1000);
  g_autofree char *body = g_strdup_printf (
      _("The features in “%s” are %s km from this map's features. It is probably the file of "
        "another place. Import it into this map anyway?"), base, km);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_WINDOW (self), _("This File Is Far from the Map"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "import",
                                    _("_Import Anyway"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "import", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (path), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (far_import_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
table_response_cb (AdwMessageDialog *dialog, const char *response, CmWindow *self)
{
  GtkDropDown *choice = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog));
  GtkStringObject *table = gtk_drop_down_get_selected_item (choice);
  if (g_str_equal (response, "import") && table)
    start_import (self, g_object_get_data (G_OBJECT (dialog), "path"),
                  gtk_string_object_get_string (table), FALSE);
}

/* A SQLite file: a community map is opened, not imported; from any other (what QGIS or
 * ogr2ogr wrote) one of its tables is imported, chosen here when it has several. */
static void
import_sqlite (CmWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  gboolean is_map;
  g_autoptr (GPtrArray) tables = cm_import_list_tables (path, &is_map, &error);
  g_autofree char *base = g_path_get_basename (path);
  if (tables && is_map)
    g_set_error (&error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_NO_TABLE,
                 _("“%s” is a community map itself: open it with Open Map… (Ctrl+O)"), base);
  else if (tables && tables->len == 0)
    g_set_error (&error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_NO_TABLE,
                 _("“%s” is a SQLite database without a table of shapes (a SpatiaLite geometry "
                   "column): there is nothing in it to put on the map"), base);
  if (error)
    {
      show_error (self, _("Could Not Import"), error);
      return;
    }
  if (tables->len == 1)
    {
      start_import (self, path, g_ptr_array_index (tables, 0), FALSE);
      return;
    }
  g_ptr_array_add (tables, NULL);
  GtkWidget *choice = gtk_drop_down_new_from_strings ((const char *const *) tables->pdata);
  g_autofree char *body = g_strdup_printf (_("“%s” holds several tables of shapes. Which one "
                                             "should come into the map?"), base);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_WINDOW (self), _("Choose a Table"), body));
  adw_message_dialog_set_extra_child (dialog, choice);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "import", _("_Import"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "import", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "import");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (path), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (table_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
cm_window_import (CmWindow *self, const char *path)
{
  if (self->store && cm_import_is_sqlite (path))
    import_sqlite (self, path);
  else
    start_import (self, path, NULL, FALSE);
}

static void
start_import (CmWindow *self, const char *path, const char *table, gboolean far_ok)
{
  if (self->store == NULL)
    {
      toast (self, _("Open or create a map first, then import into it"));
      return;
    }
  if (self->import_cancellable)
    return;
  ImportJob *job = g_new0 (ImportJob, 1);
  job->window = self;
  job->map_path = g_strdup (self->path);
  job->file = g_strdup (path);
  job->table = g_strdup (table);
  job->report = cm_import_report_new ();
  job->far_ok = far_ok;
  self->import_cancellable = g_cancellable_new ();
  g_object_set_data (G_OBJECT (self->import_cancellable), "job", job);

  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *label = g_strdup_printf (_("Importing %s…"), base);
  gtk_label_set_text (self->import_label, label);
  gtk_progress_bar_set_fraction (self->import_progress, 0);
  gtk_revealer_set_reveal_child (self->import_revealer, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", FALSE);
  g_clear_handle_id (&self->import_tick, g_source_remove);
  self->import_tick = g_timeout_add (100, import_tick_cb, self);

  GTask *task = g_task_new (self, self->import_cancellable, import_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) import_job_free);
  g_task_run_in_thread (task, import_thread);
  g_object_unref (task);
}

/* ---- actions -------------------------------------------------------------------------------- */


static void
open_response_cb (GtkNativeDialog *dialog, int response, CmWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;
      if (path && !cm_window_open_map (self, path, &error))
        show_error (self, _("Could Not Open the Map"), error);
    }
  g_object_unref (dialog);
}

static void
add_filter (GtkFileChooser *chooser, const char *name, const char *const *patterns)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, name);
  for (; *patterns; patterns++)
    gtk_file_filter_add_pattern (filter, *patterns);
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

static void
open_action (GtkWidget *widget, const char *name, GVariant *param)
{
  static const char *const maps[] = { "*.sqlite", "*.db", NULL };
  static const char *const any[] = { "*", NULL };
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
      _("Open Map"), GTK_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  add_filter (GTK_FILE_CHOOSER (dialog), _("Community maps"), maps);
  add_filter (GTK_FILE_CHOOSER (dialog), _("All files"), any);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response_cb), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

gboolean
cm_window_new_map (CmWindow *self, const char *path, const char *name, GError **error)
{
  g_autoptr (CmStore) store = cm_store_create (path, name, error);
  return store && cm_window_open_map (self, path, error);
}

static void
new_file_response_cb (GtkNativeDialog *dialog, int response, CmWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "name");
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      if (path && !g_str_has_suffix (path, ".sqlite"))
        {
          char *with = g_strconcat (path, ".sqlite", NULL);
          g_free (path);
          path = with;
        }
      g_autoptr (GError) error = NULL;
      if (path && !cm_window_new_map (self, path, name, &error))
        show_error (self, _("Could Not Create the Map"), error);
    }
  g_object_unref (dialog);
}

/* The community's name first (it is the map's title), then where to keep the file. */
static void
new_name_response_cb (AdwMessageDialog *dialog, const char *response, CmWindow *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  if (!g_str_equal (response, "create") || *name == '\0')
    return;
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      _("Save the New Map"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Create"),
      _("_Cancel"));
  g_autofree char *file = g_strdup_printf ("%s.sqlite", name);
  g_strdelimit (file, "/\\:", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), file);
  g_object_set_data_full (G_OBJECT (chooser), "name", g_steal_pointer (&name), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (new_file_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
new_name_changed_cb (GtkEditable *entry, AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  adw_message_dialog_set_response_enabled (dialog, "create", *name != '\0');
}

static void
new_name_activate_cb (GtkEntry *entry, AdwMessageDialog *dialog)
{
  if (adw_message_dialog_get_response_enabled (dialog, "create"))
    adw_message_dialog_response (dialog, "create");
}

static void
new_action (GtkWidget *widget, const char *name, GVariant *param)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
      GTK_WINDOW (widget), _("New Community Map"),
      _("Which community is the map of? Its name is the map's title, in the window and on "
        "posters.")));
  GtkWidget *entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("For example: 清华园社区"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Community name"), -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "create",
                                    _("_Choose Where to Save…"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "create", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "create", FALSE);
  adw_message_dialog_set_default_response (dialog, "create");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (entry, "changed", G_CALLBACK (new_name_changed_cb), dialog);
  g_signal_connect (entry, "activate", G_CALLBACK (new_name_activate_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (new_name_response_cb), widget);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
import_response_cb (GtkNativeDialog *dialog, int response, CmWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      if (path)
        cm_window_import (self, path);
    }
  g_object_unref (dialog);
}

static void
import_action (GtkWidget *widget, const char *name, GVariant *param)
{
  static const char *const geojson[] = { "*.geojson", "*.json", "*.geojsons", "*.geojsonl",
                                         "*.ndjson", NULL };
  static const char *const sqlite[] = { "*.sqlite", "*.db", NULL };
  static const char *const any[] = { "*", NULL };
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
      _("Import into the Map"), GTK_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"),
      _("_Cancel"));
  add_filter (GTK_FILE_CHOOSER (dialog), _("GeoJSON files"), geojson);
  add_filter (GTK_FILE_CHOOSER (dialog), _("SpatiaLite files (QGIS, ogr2ogr)"), sqlite);
  add_filter (GTK_FILE_CHOOSER (dialog), _("All files"), any);
  g_signal_connect (dialog, "response", G_CALLBACK (import_response_cb), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- Import Table… (cm-join-dialog.c) ------------------------------------------------------ */

static void
table_joined_cb (CmJoinDialog *dialog, const double *bbox, int layer, CmWindow *self)
{
  const CmJoinPreview *p = cm_join_dialog_get_preview (dialog);
  _cm_window_data_changed (self, (CmLayer) layer, bbox);
  g_autofree char *msg = g_strdup_printf (ngettext ("%u feature changed (Ctrl+Z undoes it)",
                                                    "%u features changed (Ctrl+Z undoes them)",
                                                    p->after->len),
                                          p->after->len);
  toast (self, msg);
}

CmJoinDialog *
cm_window_import_table (CmWindow *self, const char *path)
{
  if (self->store == NULL || self->history == NULL)
    return NULL;
  g_autoptr (GError) error = NULL;
  CmJoinDialog *dialog = cm_join_dialog_new (GTK_WINDOW (self), self->store, self->history, path,
                                             &error);
  if (dialog == NULL)
    {
      toast_failure (self, error->message);
      return NULL;
    }
  g_signal_connect_object (dialog, "joined", G_CALLBACK (table_joined_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
import_table_response_cb (GtkNativeDialog *dialog, int response, CmWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      if (path)
        cm_window_import_table (self, path);
    }
  g_object_unref (dialog);
}

static void
import_table_action (GtkWidget *widget, const char *name, GVariant *param)
{
  static const char *const tables[] = { "*.xlsx", "*.csv", "*.tsv", "*.txt", NULL };
  static const char *const any[] = { "*", NULL };
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
      _("Import a Table into the Map's Fields"), GTK_WINDOW (widget),
      GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  add_filter (GTK_FILE_CHOOSER (dialog), _("Tables: Excel workbooks (.xlsx) and CSV (UTF-8 or GB18030)"), tables);
  add_filter (GTK_FILE_CHOOSER (dialog), _("All files"), any);
  g_signal_connect (dialog, "response", G_CALLBACK (import_table_response_cb), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
basemap_response_cb (GtkNativeDialog *dialog, int response, CmWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_free (self->basemap);
      self->basemap = g_file_get_path (file);
      self->online = FALSE;
      refresh_tiles (self);
      if (self->settings)
        {
          g_settings_set_string (self->settings, "basemap", self->basemap ? self->basemap : "");
          g_settings_set_boolean (self->settings, "online-tiles", FALSE);
        }
    }
  g_object_unref (dialog);
}

static void
basemap_action (GtkWidget *widget, const char *name, GVariant *param)
{
  static const char *const mbtiles[] = { "*.mbtiles", NULL };
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
      _("Choose an Offline Basemap"), GTK_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN,
      _("_Choose"), _("_Cancel"));
  add_filter (GTK_FILE_CHOOSER (dialog), _("MBTiles basemaps"), mbtiles);
  g_signal_connect (dialog, "response", G_CALLBACK (basemap_response_cb), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
no_basemap_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  g_clear_pointer (&self->basemap, g_free);
  self->online = FALSE;
  refresh_tiles (self);
  if (self->settings)
    {
      g_settings_set_string (self->settings, "basemap", "");
      g_settings_set_boolean (self->settings, "online-tiles", FALSE);
    }
}

static void
online_tiles_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  self->online = !self->online;
  self->online_unreachable = FALSE;
  refresh_tiles (self);
  if (self->settings)
    g_settings_set_boolean (self->settings, "online-tiles", self->online);
  if (self->online)
    toast (self, _("Online OpenStreetMap tiles are on: the map now uses the internet"));
}

void
cm_window_set_basemap (CmWindow *self, const char *mbtiles_path)
{
  g_free (self->basemap);
  self->basemap = g_strdup (mbtiles_path);
  self->online = FALSE;
  refresh_tiles (self);
}

static void
cancel_import_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  if (self->import_cancellable)
    g_cancellable_cancel (self->import_cancellable);
}

static void
toggle_sidebar_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  gtk_toggle_button_set_active (self->sidebar_button,
                                !gtk_toggle_button_get_active (self->sidebar_button));
}

static void
search_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  gtk_toggle_button_set_active (self->search_button, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
zoom_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  ShumateMap *map = shumate_simple_map_get_map (self->map);
  if (g_str_equal (name, "win.zoom-in"))
    shumate_map_zoom_in (map);
  else
    shumate_map_zoom_out (map);
}

static void
clear_selection_action (GtkWidget *widget, const char *name, GVariant *param)
{
  select_feature (CM_WINDOW (widget), NULL);
}

/* ---- drag and drop -------------------------------------------------------------------------- */

void
_cm_window_open_dropped (CmWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  if (!cm_window_open_map (self, path, &error))
    show_error (self, _("Could Not Open the Map"), error);
}

void
cm_window_drop_file (CmWindow *self, const char *path)
{
  if (g_str_has_suffix (path, ".sqlite") || g_str_has_suffix (path, ".db"))
    {
      /* a map dropped on a map: open it, or merge it (a copy from another laptop) */
      if (self->store)
        _cm_window_ask_open_or_merge (self, path);
      else
        _cm_window_open_dropped (self, path);
    }
  else
    cm_window_import (self, path);
}

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, CmWindow *self)
{
  GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);
      if (path)
        cm_window_drop_file (self, path);
    }
  g_slist_free (files);
  return TRUE;
}

/* ---- the window ----------------------------------------------------------------------------- */

/* Closing (the close button, Ctrl+Q, a logout's SIGTERM) never leaves work in the -wal: an
 * import or analysis still running is cancelled and waited for, window hidden, then every
 * connection to the map is closed. */
static gboolean
on_close_request (GtkWindow *window)
{
  CmWindow *self = CM_WINDOW (window);
  if (!self->closing)
    {
      save_view (self);
      if (self->settings)
        {
          int w, h;
          gtk_window_get_default_size (window, &w, &h);
          g_settings_set (self->settings, "window-size", "(ii)", w, h);
          g_settings_set_boolean (self->settings, "window-maximized",
                                  gtk_window_is_maximized (window));
        }
    }
  if (self->import_cancellable)
    g_cancellable_cancel (self->import_cancellable);
  if (self->sync_cancellable)
    g_cancellable_cancel (self->sync_cancellable);
  cm_analysis_panel_stop (self->panel);
  if (self->import_cancellable || self->sync_cancellable ||
      cm_analysis_panel_is_busy (self->panel))
    {
      self->closing = TRUE;
      gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
      return TRUE; /* _cm_window_background_done closes it */
    }
  close_map (self);
  return FALSE;
}

void
_cm_window_background_done (CmWindow *self)
{
  if (self->closing && self->import_cancellable == NULL && self->sync_cancellable == NULL &&
      !cm_analysis_panel_is_busy (self->panel))
    gtk_window_close (GTK_WINDOW (self));
}

/* the analysis panel started or ended a run */
static void
background_changed_cb (CmWindow *self)
{
  _cm_window_background_done (self);
}

/* A row of the analysis table was chosen: go there, and select its building or team. */
/* "Add a Station Here" on a suggested site: the station's form, placed there. */
static void
analysis_add_station_cb (CmWindow *self, double lon, double lat)
{
  _cm_window_drawing_place_station (self, lon, lat);
}

static void
analysis_go_to_cb (CmWindow *self, CmAnalysisRow *row)
{
  double lon, lat;
  cm_analysis_row_get_position (row, &lon, &lat);
  double zoom = MAX (shumate_viewport_get_zoom_level (_cm_window_get_viewport (self)), 17);
  shumate_map_go_to_full (shumate_simple_map_get_map (self->map), lat, lon, zoom);
  const char *uuid = cm_analysis_row_get_uuid (row);
  CmLayer layer = cm_analysis_row_get_layer (row);
  if (self->store && uuid && layer != CM_LAYER_NONE)
    {
      g_autoptr (CmFeature) f = cm_store_get_feature (self->store, layer, uuid, NULL);
      if (f)
        _cm_window_select_feature (self, f);
    }
}

static void
toggle_analysis_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  gtk_toggle_button_set_active (self->panel_button,
                                !gtk_toggle_button_get_active (self->panel_button));
}

CmAnalysisPanel *
cm_window_get_analysis_panel (CmWindow *self)
{
  return self->panel;
}

static void
cm_window_dispose (GObject *object)
{
  CmWindow *self = CM_WINDOW (object);
  close_map (self);
  g_clear_object (&self->selected);
  g_clear_pointer (&self->chosen, g_ptr_array_unref);
  g_clear_object (&self->tiles);
  g_clear_object (&self->overlay_source);
  g_clear_pointer (&self->tile_cache, cm_tile_cache_unref);
  g_clear_pointer (&self->overview, cm_overview_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->import_cancellable);
  g_clear_handle_id (&self->import_tick, g_source_remove);
  _cm_window_drawing_dispose (self);
  _cm_window_workshop_dispose (self);
  g_clear_handle_id (&self->sidebar_idle, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CM_TYPE_WINDOW);
  G_OBJECT_CLASS (cm_window_parent_class)->dispose (object);
}

/* The properties: the drawing tool, snapping, and workshop mode (each also an action). */
enum
{
  PROP_0,
  PROP_TOOL,
  PROP_SNAP,
  PROP_WORKSHOP_MODE,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

static void
cm_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  if (prop_id == PROP_TOOL)
    g_value_set_string (value, CM_WINDOW (object)->tool);
  else if (prop_id == PROP_SNAP)
    g_value_set_boolean (value, CM_WINDOW (object)->snap);
  else if (prop_id == PROP_WORKSHOP_MODE)
    g_value_set_boolean (value, CM_WINDOW (object)->workshop_mode);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
cm_window_set_property (GObject *object, guint prop_id, const GValue *value,
                        GParamSpec *pspec)
{
  if (prop_id == PROP_TOOL)
    _cm_window_drawing_set_tool (CM_WINDOW (object), g_value_get_string (value));
  else if (prop_id == PROP_SNAP)
    {
      CM_WINDOW (object)->snap = g_value_get_boolean (value);
      g_object_notify (object, "snap");
    }
  else if (prop_id == PROP_WORKSHOP_MODE)
    _cm_window_set_workshop_mode (CM_WINDOW (object), g_value_get_boolean (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
cm_window_finalize (GObject *object)
{
  g_free (CM_WINDOW (object)->path);
  g_free (CM_WINDOW (object)->basemap);
  G_OBJECT_CLASS (cm_window_parent_class)->finalize (object);
}

static void
cm_window_class_init (CmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = cm_window_dispose;
  object_class->finalize = cm_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = on_close_request;
  object_class->get_property = cm_window_get_property;
  object_class->set_property = cm_window_set_property;
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  props[PROP_TOOL] = g_param_spec_string ("tool", NULL, NULL, "select", flags);
  props[PROP_SNAP] = g_param_spec_boolean ("snap", NULL, NULL, TRUE, flags);
  props[PROP_WORKSHOP_MODE] = g_param_spec_boolean ("workshop-mode", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
  gtk_widget_class_install_property_action (widget_class, "win.workshop-mode", "workshop-mode");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "win.workshop-mode", NULL);

  /* registered by hand: a static library's constructor may never be linked in */
  cm_app_register_resource ();
  g_type_ensure (SHUMATE_TYPE_SIMPLE_MAP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/communitymap/CommunityMap/cm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, import_revealer);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, import_label);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, import_progress);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, results_list);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, layers_list);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, legend_list);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, details_box);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, conflicts_button);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, details_placeholder);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, map);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, draw_toolbar);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, category_strip);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, category_strip_scroller);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, toolbar_spacer);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, planner_tools);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, workshop_button);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, result_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.import-table", NULL, import_table_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-import", NULL, cancel_import_action);
  gtk_widget_class_install_action (widget_class, "win.basemap", NULL, basemap_action);
  gtk_widget_class_install_action (widget_class, "win.no-basemap", NULL, no_basemap_action);
  gtk_widget_class_install_action (widget_class, "win.online-tiles", NULL, online_tiles_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL, toggle_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.table", "s", table_action);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, table_here_pressed,
                                NULL);
  gtk_widget_class_install_action (widget_class, "win.show-whole-map", NULL,
                                   show_whole_map_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "win.show-whole-map", NULL);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.clear-selection", NULL,
                                   clear_selection_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-sidebar", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "win.zoom-out", NULL);
  _cm_window_drawing_class_init (widget_class);
  _cm_window_workshop_class_init (widget_class);
  _cm_window_merge_class_init (widget_class);
#if HAVE_POSTGIS
  _cm_window_sync_class_init (widget_class);
#endif
  _cm_window_photos_class_init (widget_class);
  _cm_window_print_class_init (widget_class);
  _cm_window_reports_class_init (widget_class);
  g_type_ensure (CM_TYPE_ANALYSIS_PANEL);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, panel_button);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, panel);
  gtk_widget_class_bind_template_callback (widget_class, analysis_go_to_cb);
  gtk_widget_class_bind_template_callback (widget_class, analysis_add_station_cb);
  gtk_widget_class_bind_template_callback (widget_class, background_changed_cb);
  gtk_widget_class_install_action (widget_class, "win.toggle-analysis", NULL,
                                   toggle_analysis_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F8, 0, "win.toggle-analysis", NULL);
}

static void
cm_window_init (CmWindow *self)
{
  self->chosen = g_ptr_array_new_with_free_func (g_object_unref);
  /* the win.tool and win.snap actions read these from the template on */
  self->tool = g_strdup ("select");
  self->snap = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));

  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema =
      source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;
  if (schema)
    {
      self->settings = g_settings_new (APP_ID);
      int w, h;
      g_settings_get (self->settings, "window-size", "(ii)", &w, &h);
      gtk_window_set_default_size (GTK_WINDOW (self), w, h);
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      g_autofree char *basemap = g_settings_get_string (self->settings, "basemap");
      if (basemap && *basemap && g_file_test (basemap, G_FILE_TEST_EXISTS))
        self->basemap = g_steal_pointer (&basemap);
      self->online = g_settings_get_boolean (self->settings, "online-tiles");
    }

  /* our icons (the app's and the categories'), also when no CmApplication added them */
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (self)));
  const char *icons = "/io/github/communitymap/CommunityMap/icons";
  g_auto (GStrv) paths = gtk_icon_theme_get_resource_path (theme);
  if (paths == NULL || !g_strv_contains ((const char *const *) paths, icons))
    gtk_icon_theme_add_resource_path (theme, icons);

  build_layers_list (self);
  ShumateMap *map = shumate_simple_map_get_map (self->map);
  shumate_map_set_go_to_duration (map, 400);
  shumate_scale_set_unit (shumate_simple_map_get_scale (self->map), SHUMATE_UNIT_METRIC);
  self->label_layer = cm_label_layer_new (viewport (self));
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->label_layer));
  self->selection_layer = cm_selection_layer_new (viewport (self));
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->selection_layer));

  GtkGesture *click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (map_clicked_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (map), GTK_EVENT_CONTROLLER (click));

  /* no key capture for the search bar: single keys choose the drawing tools (Ctrl+F searches) */
  _cm_window_drawing_init (self);
  _cm_window_workshop_mode_init (self);
  /* the analysis under the labels and the selection (refresh_tiles keeps it there) */
  CmAnalysisLayer *analysis_layer = cm_analysis_layer_new (_cm_window_get_viewport (self));
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (analysis_layer));
  cm_analysis_panel_set_layer (self->panel, analysis_layer);
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

CmWindow *
cm_window_new (AdwApplication *app)
{
  return g_object_new (CM_TYPE_WINDOW, "application", app, NULL);
}

/* ---- for the window's other parts ----------------------------------------------------------- */

void
_cm_window_toast (CmWindow *self, const char *message)
{
  toast (self, message);
}

void
_cm_window_toast_failure (CmWindow *self, const char *message)
{
  toast_failure (self, message);
}

char *
_cm_window_stripped_or_null (const char *text)
{
  char *s = g_strstrip (g_strdup (text ? text : ""));
  if (*s == '\0')
    g_clear_pointer (&s, g_free);
  return s;
}

void
_cm_window_select_feature (CmWindow *self, CmFeature *feature)
{
  select_feature (self, feature);
}

ShumateViewport *
_cm_window_get_viewport (CmWindow *self)
{
  return viewport (self);
}

/* After an edit, the counts and the legend once the map has asked for its tiles: the tiles
 * drawn again come first, the sidebar a moment later. */
static gboolean
sidebar_changed_idle_cb (gpointer data)
{
  CmWindow *self = data;
  self->sidebar_idle = 0;
  for (int i = 0; i < CM_N_LAYERS; i++)
    if (self->sidebar_layers & (1u << i))
      update_counts (self, i);
  if (self->sidebar_layers & (1u << CM_LAYER_RESOURCES))
    update_legend (self);
  self->sidebar_layers = 0;
  return G_SOURCE_REMOVE;
}

void
_cm_window_data_changed (CmWindow *self, CmLayer layer, const double bbox[4])
{
  /* only the tiles the change touches are drawn again (symbols reach 24 px beyond a shape),
   * and only that box of the overview is read again (without a box: all of it) */
  if (self->overview)
    cm_overview_invalidate (self->overview, bbox);
  if (bbox && bbox[0] <= bbox[2])
    cm_tile_cache_invalidate (self->tile_cache, bbox, 24);
  refresh_tiles (self);
  self->sidebar_layers |= layer == CM_LAYER_NONE ? (1u << CM_N_LAYERS) - 1 : 1u << layer;
  if (self->sidebar_idle == 0)
    self->sidebar_idle = g_idle_add_full (G_PRIORITY_LOW, sidebar_changed_idle_cb, self, NULL);
  cm_analysis_panel_data_changed (self->panel, layer);
  _cm_window_merge_data_changed (self);
  _cm_window_reports_data_changed (self, layer);
  if (self->table && (layer == CM_LAYER_NONE || layer == cm_layer_table_get_layer (self->table)))
    {
      /* features added or deleted: the rows are read again; else only those shown */
      CmLayerStats stats = { 0 };
      cm_store_get_layer_stats (self->store, cm_layer_table_get_layer (self->table), &stats, NULL);
      cm_layer_table_refresh (self->table,
                              stats.count != (gint64) cm_layer_table_get_n_rows (self->table));
    }
}
