/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-render.c: cmap render: the bare map as the window draws it, to PNG or PDF. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cm-render.h"

static char *opt_output, *opt_bbox, *opt_size;
static gboolean pdf;
static int width = 1600, height = 1200;
static double bbox[4];

static const GOptionEntry options[] = {
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    N_("The image to write: a .png or a .pdf file"), N_("FILE") },
  { "bbox", 0, 0, G_OPTION_ARG_STRING, &opt_bbox,
    N_("The area to draw, in degrees (default: the whole map)"),
    N_("MINLON,MINLAT,MAXLON,MAXLAT") },
  { "size", 0, 0, G_OPTION_ARG_STRING, &opt_size,
    N_("The image size in pixels (PDF: points); default 1600x1200"), N_("WxH") },
  { NULL }
};

static int
check (char **args)
{
  if (opt_output == NULL)
    return cmap_usage_error (_("say where to write the image with -o FILE.png or -o FILE.pdf"));
  pdf = g_str_has_suffix (opt_output, ".pdf");
  if (!pdf && !g_str_has_suffix (opt_output, ".png"))
    return cmap_usage_error (_("the output must end in .png or .pdf"));
  char x;
  if (opt_size &&
      (sscanf (opt_size, "%d%c%d", &width, &x, &height) != 3 || (x != 'x' && x != 'X') ||
       width < 16 || height < 16 || width > 20000 || height > 20000))
    return cmap_usage_error (_("--size must be WIDTHxHEIGHT, each from 16 to 20000, e.g. 1600x1200"));
  if (opt_bbox && !cmap_parse_bbox (opt_bbox, bbox))
    return cmap_usage_error (_("--bbox must be MINLON,MINLAT,MAXLON,MAXLAT in degrees, min below max"));
  return -1;
}

typedef struct
{
  CmStore *store;
  const CmRenderView *view;
  const CmRenderOptions *options;
} Drawing;

static gboolean
draw (cairo_t *cr, gpointer data, GError **error)
{
  Drawing *d = data;
  return cm_render_draw (d->store, cr, d->view, d->options, error);
}

static int
run (CmStore *store, char **args)
{
  g_autoptr (GError) error = NULL;
  if (opt_bbox == NULL && !cm_render_get_extent (store, bbox, &error))
    {
      if (error)
        return cmap_fail (error);
      g_printerr (_("cmap: %s is empty: there is nothing to draw; import data first\n"), args[0]);
      return CMAP_EXIT_BAD_INPUT;
    }

  CmRenderView view;
  cm_render_view_init_fit (&view, bbox, width, height, opt_bbox ? 0 : 24);
  CmRenderOptions render_options;
  cm_render_options_init (&render_options);
  render_options.attribution = TRUE;

  Drawing drawing = { store, &view, &render_options };
  int rc = cmap_draw_to_file (opt_output, width, height, 1, draw, &drawing);
  if (rc != CMAP_EXIT_OK)
    return rc;
  g_printerr (_("Drew %s\n"), opt_output);
  return CMAP_EXIT_OK;
}

const CmapCommand cmap_command_render = {
  "render", "MAP -o FILE", 1, options, check, run, N_("draw a map to a PNG or PDF"),
  N_("Draw a map to a PNG image or a PDF page, as the map window shows it."),
};
