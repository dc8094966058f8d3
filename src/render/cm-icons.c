/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-icons.c: the categories' symbolic icons (compiled in from data/icons) drawn with librsvg. */
#include "cm-icons.h"

#include <gio/gio.h>
#include <librsvg/rsvg.h>
#include <math.h>

#include "cm-categories.h"
#include "cm-style.h"

#define ICON_RESOURCES "/io/github/communitymap/render/icons/"
/* the icon's square is this much of the disc's diameter: its corners stay inside the disc */
#define ICON_SHARE 0.68
#define EDGE_SHARE 0.2

/* The icons are one colour (#2e3436, as GNOME's symbolic icons); on a map they are white. */
static const char white_css[] = "path, circle, ellipse, rect, polygon { fill: #ffffff; }"
                                " [stroke] { stroke: #ffffff; }";

static GMutex lock;         /* librsvg's handles are not to be used by two threads at once */
static GHashTable *handles; /* icon name → RsvgHandle, or NULL when it cannot be drawn */
static GHashTable *bitmaps; /* "category size" → cairo image surface of the whole symbol */

void cm_render_register_resource (void); /* cm-render-resources.c (--manual-register) */

static const CmCategory *
category_of (const char *category)
{
  CmCategories *set = cm_categories_get_default ();
  const CmCategory *c = category ? cm_categories_lookup (set, category) : NULL;
  return c ? c : cm_categories_lookup (set, CM_CATEGORY_OTHER);
}

const char *
cm_icons_get_name (const char *category)
{
  const CmCategory *c = category_of (category);
  return c && c->icon && *c->icon ? c->icon : NULL;
}

/* The caches, made on first use. Call with @lock held. */
static void
tables_locked (void)
{
  if (handles == NULL)
    {
      /* registered by hand: a static library's constructor may never be linked in */
      cm_render_register_resource ();
      handles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      bitmaps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) cairo_surface_destroy);
    }
}

/* @icon's handle, loaded once, white; NULL when there is no such icon. Call with @lock held. */
static RsvgHandle *
handle_locked (const char *icon)
{
  gpointer found;
  if (g_hash_table_lookup_extended (handles, icon, NULL, &found))
    return found;
  g_autofree char *path = g_strconcat (ICON_RESOURCES, icon, ".svg", NULL);
  g_autoptr (GBytes) bytes = g_resources_lookup_data (path, 0, NULL);
  RsvgHandle *handle = NULL;
  if (bytes)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      g_autoptr (GError) error = NULL;
      handle = rsvg_handle_new_from_data (data, len, &error);
      if (handle &&
          !rsvg_handle_set_stylesheet (handle, (const guint8 *) white_css, sizeof white_css - 1,
                                       &error))
        g_clear_object (&handle);
      if (error)
        g_warning ("The icon %s cannot be drawn: %s", icon, error->message);
    }
  g_hash_table_insert (handles, g_strdup (icon), handle);
  return handle;
}

/* The symbol as vector shapes. Call with @lock held. */
static void
draw_vector_locked (cairo_t *cr, const CmCategory *c, double x, double y, double r)
{
  CmColor colour = cm_style_category (c ? c->key : NULL);
  cairo_save (cr);
  cairo_new_path (cr);
  cairo_arc (cr, x, y, r * (1 + EDGE_SHARE), 0, 2 * G_PI);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  cairo_arc (cr, x, y, r, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, colour.r, colour.g, colour.b);
  cairo_fill (cr);
  RsvgHandle *handle = c && c->icon && *c->icon ? handle_locked (c->icon) : NULL;
  if (handle)
    {
      double side = 2 * r * ICON_SHARE;
      RsvgRectangle viewport = { x - side / 2, y - side / 2, side, side };
      rsvg_handle_render_document (handle, cr, &viewport, NULL);
    }
  cairo_restore (cr);
}

/* The symbol as a bitmap of @device_r pixels' radius, drawn once. Call with @lock held. */
static cairo_surface_t *
bitmap_locked (const CmCategory *c, double device_r)
{
  int quarters = (int) round (device_r * 4);
  g_autofree char *key = g_strdup_printf ("%s %d", c ? c->key : "", quarters);
  cairo_surface_t *s = g_hash_table_lookup (bitmaps, key);
  if (s)
    return s;
  double r = quarters / 4.0;
  int side = (int) ceil (2 * r * (1 + EDGE_SHARE)) + 2;
  s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, side, side);
  cairo_t *cr = cairo_create (s);
  draw_vector_locked (cr, c, side / 2.0, side / 2.0, r);
  cairo_destroy (cr);
  g_hash_table_insert (bitmaps, g_steal_pointer (&key), s);
  return s;
}

void
cm_icons_draw_symbol (cairo_t *cr, const char *category, double x, double y, double r)
{
  const CmCategory *c = category_of (category);
  g_mutex_lock (&lock);
  tables_locked ();
  cairo_surface_t *target = cairo_get_target (cr);
  double scale_x, scale_y;
  cairo_surface_get_device_scale (target, &scale_x, &scale_y);
  if (cairo_surface_get_type (target) != CAIRO_SURFACE_TYPE_IMAGE || scale_x != 1 || scale_y != 1)
    {
      draw_vector_locked (cr, c, x, y, r);
      g_mutex_unlock (&lock);
      return;
    }
  /* pixels: the same bitmap for every symbol of this category and size (thousands on a tile
   * cost one librsvg render), placed on whole pixels so that it stays sharp */
  double rx = r, ry = 0;
  cairo_user_to_device_distance (cr, &rx, &ry);
  cairo_surface_t *bitmap = bitmap_locked (c, hypot (rx, ry));
  cairo_surface_reference (bitmap);
  g_mutex_unlock (&lock);
  double dx = x, dy = y;
  cairo_user_to_device (cr, &dx, &dy);
  int side = cairo_image_surface_get_width (bitmap);
  cairo_save (cr);
  cairo_identity_matrix (cr);
  cairo_set_source_surface (cr, bitmap, round (dx - side / 2.0), round (dy - side / 2.0));
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (bitmap);
}
