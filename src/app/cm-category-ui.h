/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-category-ui.h: how the window shows a category — its label in the user's language, its
 * colour, its icon where the icon theme has one — and a layer's name for people. */
#pragma once

#include <gtk/gtk.h>

#include "cm-categories.h"
#include "cm-layer.h"

G_BEGIN_DECLS

/* A layer's name for people, translated: "Service stations", "Buildings" … */
const char *cm_layer_title (CmLayer layer);

/* zh_CN or English, from the categories table, by the user's language. */
const char *cm_category_label (const char *key);
/* A dot in the category's colour ("#rrggbb"); @large for touch grids. */
GtkWidget *cm_category_swatch (const char *color, gboolean large);
/* The category's symbolic icon, or NULL when the icon theme lacks it. */
GtkWidget *cm_category_icon (GtkWidget *for_display, const CmCategory *category);

/* A tile of a form's grid of kinds: the icon (or a dot) over the label, a touch target; the
 * key in its "category" data. */
GtkWidget *cm_category_tile (GtkWidget *for_display, const CmCategory *category);
/* In a grid of such tiles: chooses the tile of @key (FALSE when there is none), and the key of
 * the tile chosen (NULL while none is). */
gboolean cm_category_grid_select (GtkFlowBox *grid, const char *key);
const char *cm_category_grid_get (GtkFlowBox *grid);
/* The categories drawn as @geometry ("point", "line", "area"; NULL: all) as const CmCategory*,
 * most used first (@usage: key → count, or NULL), the table's order among equals, "other"
 * last: what the form's grid and workshop mode's strip offer. */
GPtrArray *cm_categories_by_use (GHashTable *usage, const char *geometry);

G_END_DECLS
