/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-labels.c: greedy label placement with pango and cairo. */
#include "cm-labels.h"

#include <pango/pangocairo.h>

#include "cm-style.h"

#define LABEL_FONT "Noto Sans CJK SC, Noto Sans, sans-serif"

typedef struct
{
  char *text;
  double lon, lat, dy, size, min_zoom;
  int priority;
} Label;

struct _CmLabels
{
  GArray *labels; /* Label */
  gboolean sorted;
};

static void
label_clear (Label *l)
{
  g_free (l->text);
}

CmLabels *
cm_labels_new (void)
{
  CmLabels *self = g_new0 (CmLabels, 1);
  self->labels = g_array_new (FALSE, FALSE, sizeof (Label));
  g_array_set_clear_func (self->labels, (GDestroyNotify) label_clear);
  return self;
}

void
cm_labels_free (CmLabels *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->labels);
  g_free (self);
}

void
cm_labels_add (CmLabels *self, const char *text, double lon, double lat, double dy,
               int priority, double size, double min_zoom)
{
  if (text == NULL || *text == '\0')
    return;
  Label l = { g_strdup (text), lon, lat, dy, size, min_zoom, priority };
  g_array_append_val (self->labels, l);
  self->sorted = FALSE;
}

guint
cm_labels_get_n (CmLabels *self)
{
  return self->labels->len;
}

void
cm_labels_clear (CmLabels *self)
{
  g_array_set_size (self->labels, 0);
}

static int
by_priority (gconstpointer a, gconstpointer b)
{
  const Label *x = a, *y = b;
  return x->priority - y->priority;
}

static gboolean
overlaps (const GArray *placed, const cairo_rectangle_t *r)
{
  for (guint i = 0; i < placed->len; i++)
    {
      const cairo_rectangle_t *p = &g_array_index (placed, cairo_rectangle_t, i);
      if (r->x < p->x + p->width && p->x < r->x + r->width && r->y < p->y + p->height &&
          p->y < r->y + r->height)
        return TRUE;
    }
  return FALSE;
}

void
cm_labels_draw (CmLabels *self, cairo_t *cr, const CmRenderView *view)
{
  if (!self->sorted)
    {
      g_array_sort (self->labels, by_priority);
      self->sorted = TRUE;
    }
  g_autoptr (GArray) placed = g_array_new (FALSE, FALSE, sizeof (cairo_rectangle_t));
  PangoLayout *layout = pango_cairo_create_layout (cr);
  double size = 0;
  cairo_save (cr);
  for (guint i = 0; i < self->labels->len; i++)
    {
      Label *l = &g_array_index (self->labels, Label, i);
      if (view->zoom < l->min_zoom)
        continue;
      double x, y;
      cm_render_view_project (view, l->lon, l->lat, &x, &y);
      y += l->dy;
      if (x < -200 || y < -50 || x > view->width + 200 || y > view->height + 50)
        continue;
      if (l->size != size)
        {
          g_autofree char *font = g_strdup_printf ("%s %gpx", LABEL_FONT, l->size);
          PangoFontDescription *desc = pango_font_description_from_string (font);
          pango_layout_set_font_description (layout, desc);
          pango_font_description_free (desc);
          size = l->size;
        }
      pango_layout_set_text (layout, l->text, -1);
      int w, h;
      pango_layout_get_pixel_size (layout, &w, &h);
      cairo_rectangle_t box = { x - w / 2.0 - 2, y - h / 2.0 - 1, w + 4, h + 2 };
      if (overlaps (placed, &box))
        continue;
      g_array_append_val (placed, box);
      /* a white halo keeps names readable over any fill, also on a projector */
      cairo_move_to (cr, x - w / 2.0, y - h / 2.0);
      pango_cairo_layout_path (cr, layout);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_set_line_width (cr, 3.5);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
      cairo_stroke (cr);
      cairo_move_to (cr, x - w / 2.0, y - h / 2.0);
      cairo_set_source_rgb (cr, cm_style_label.r, cm_style_label.g, cm_style_label.b);
      pango_cairo_show_layout (cr, layout);
    }
  cairo_restore (cr);
  g_object_unref (layout);
}
