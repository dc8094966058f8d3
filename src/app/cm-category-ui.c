/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-category-ui.c: labels, colours and icons of categories for widgets. */
#include "cm-category-ui.h"

#include <glib/gi18n.h>

#include "cm-i18n.h"

const char *
cm_layer_title (CmLayer layer)
{
  switch (layer)
    {
    case CM_LAYER_RESOURCES: return _("Resources");
    case CM_LAYER_STATIONS: return _("Service stations");
    case CM_LAYER_TEAMS: return _("Volunteer teams");
    case CM_LAYER_BUILDINGS: return _("Buildings");
    case CM_LAYER_PATHS: return _("Paths");
    case CM_LAYER_BARRIERS: return _("Barriers");
    case CM_LAYER_BOUNDARY: return _("Community boundary");
    case CM_LAYER_COMPOUNDS: return _("Compounds and grid cells");
    case CM_LAYER_REPORTS: return _("Residents' reports");
    default: return "";
    }
}

/* Category labels are data (zh_CN and English in the categories table): pick by language. */
const char *
cm_category_label (const char *key)
{
  const CmCategory *c = cm_categories_lookup (cm_categories_get_default (), key);
  return c ? cm_i18n_pick (c->label_zh, c->label_en) : key;
}

GtkWidget *
cm_category_swatch (const char *color, gboolean large)
{
  g_autofree char *markup = g_strdup_printf ("<span foreground=\"%s\" size=\"%s\">●</span>",
                                             color, large ? "xx-large" : "large");
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (label), markup);
  return label;
}

/* Each category's icon, looked up once and kept for the life of the process. GTK 4.8's icon
 * theme preloads an icon in a thread; when the image asking for it is gone before that thread
 * ends, the icon may be finalized there while the main thread finds it in the theme's cache
 * again (g_object_ref: '!object_already_finalized', then a crash): the long-session benchmark
 * met it within 2,000 edits, each form showing some 40 category icons anew. An icon we hold is
 * never finalized. Loaded at 24 px for two pixels a point: sharp at every size we show. */
static GdkPaintable *
category_paintable (GtkWidget *for_display, const char *icon)
{
  static GHashTable *kept; /* icon name → GtkIconPaintable */
  if (kept == NULL)
    kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  GdkPaintable *paintable = g_hash_table_lookup (kept, icon);
  if (paintable == NULL)
    {
      GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (for_display));
      paintable = GDK_PAINTABLE (gtk_icon_theme_lookup_icon (theme, icon, NULL, 24, 2,
                                                             GTK_TEXT_DIR_NONE, 0));
      g_hash_table_insert (kept, g_strdup (icon), paintable);
    }
  return paintable;
}

GtkWidget *
cm_category_icon (GtkWidget *for_display, const CmCategory *category)
{
  /* the category icons come with the icon set of issue #6: show one only if it exists */
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (for_display));
  if (category->icon == NULL || !gtk_icon_theme_has_icon (theme, category->icon))
    return NULL;
  /* symbolic: drawn in the text's colour, as an icon by name would be */
  GtkWidget *image = gtk_image_new_from_paintable (category_paintable (for_display, category->icon));
  gtk_image_set_pixel_size (GTK_IMAGE (image), 16);
  return image;
}

typedef struct
{
  const CmCategory *category;
  guint used;
  guint order;
} Choice;

static int
by_use (gconstpointer a, gconstpointer b)
{
  const Choice *x = a, *y = b;
  /* "other" always last; then most used first; then the table's order */
  gboolean xo = g_str_equal (x->category->key, CM_CATEGORY_OTHER);
  gboolean yo = g_str_equal (y->category->key, CM_CATEGORY_OTHER);
  if (xo != yo)
    return xo - yo;
  if (x->used != y->used)
    return x->used > y->used ? -1 : 1;
  return (int) x->order - (int) y->order;
}

GPtrArray *
cm_categories_by_use (GHashTable *usage, const char *geometry)
{
  CmCategories *set = cm_categories_get_default ();
  g_autoptr (GArray) choices = g_array_new (FALSE, FALSE, sizeof (Choice));
  for (guint i = 0; i < cm_categories_get_n (set); i++)
    {
      const CmCategory *c = cm_categories_get (set, i);
      if (geometry && !g_strv_contains ((const char *const *) c->geometry, geometry))
        continue;
      Choice choice = { c, usage ? GPOINTER_TO_UINT (g_hash_table_lookup (usage, c->key)) : 0,
                        i };
      g_array_append_val (choices, choice);
    }
  g_array_sort (choices, by_use);
  GPtrArray *sorted = g_ptr_array_sized_new (choices->len);
  for (guint i = 0; i < choices->len; i++)
    g_ptr_array_add (sorted, (gpointer) g_array_index (choices, Choice, i).category);
  return sorted;
}

GtkWidget *
cm_category_tile (GtkWidget *for_display, const CmCategory *c)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_size_request (box, 96, 64); /* a touch target, larger than 48 px */
  GtkWidget *icon = cm_category_icon (for_display, c);
  if (icon)
    gtk_image_set_pixel_size (GTK_IMAGE (icon), 24);
  gtk_box_append (GTK_BOX (box), icon ? icon : cm_category_swatch (c->color, TRUE));
  GtkWidget *label = gtk_label_new (cm_category_label (c->key));
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 10);
  gtk_box_append (GTK_BOX (box), label);
  GtkWidget *child = gtk_flow_box_child_new ();
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), box);
  g_object_set_data_full (G_OBJECT (child), "category", g_strdup (c->key), g_free);
  gtk_widget_set_tooltip_text (child, cm_category_label (c->key));
  return child;
}

gboolean
cm_category_grid_select (GtkFlowBox *grid, const char *key)
{
  for (int i = 0;; i++)
    {
      GtkFlowBoxChild *child = gtk_flow_box_get_child_at_index (grid, i);
      if (child == NULL)
        return FALSE;
      if (g_strcmp0 (g_object_get_data (G_OBJECT (child), "category"), key) == 0)
        {
          gtk_flow_box_select_child (grid, child);
          return TRUE;
        }
    }
}

const char *
cm_category_grid_get (GtkFlowBox *grid)
{
  g_autoptr (GList) selected = gtk_flow_box_get_selected_children (grid);
  return selected ? g_object_get_data (selected->data, "category") : NULL;
}
