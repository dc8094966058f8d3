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

GtkWidget *
cm_category_icon (GtkWidget *for_display, const CmCategory *category)
{
  /* the category icons come with the icon set of issue #6: show one only if it exists */
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (for_display));
  if (category->icon == NULL || !gtk_icon_theme_has_icon (theme, category->icon))
    return NULL;
  return gtk_image_new_from_icon_name (category->icon);
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
