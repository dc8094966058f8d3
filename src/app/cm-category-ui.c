/* cm-category-ui.c: labels, colours and icons of categories for widgets. */
#include "cm-category-ui.h"

/* Category labels are data (zh_CN and English in the categories table): pick by language. */
const char *
cm_category_label (const char *key)
{
  const CmCategory *c = cm_categories_lookup (cm_categories_get_default (), key);
  if (c == NULL)
    return key;
  const char *const *langs = g_get_language_names ();
  for (; *langs; langs++)
    {
      if (g_str_has_prefix (*langs, "zh"))
        return c->label_zh;
      if (g_str_has_prefix (*langs, "en") || g_str_equal (*langs, "C"))
        return c->label_en;
    }
  return c->label_en;
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
