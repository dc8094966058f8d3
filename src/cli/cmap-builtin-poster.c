/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-poster.c: cmap poster: the map as a poster for the wall — title, legend, scale,
 * north arrow, credits — on A4 to A0, to PDF (vector, fonts embedded) or PNG. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>

#include "cm-json-writer.h"
#include "cm-poster.h"

static char *opt_output, *opt_paper, *opt_title, *opt_subtitle, *opt_organisation, *opt_bbox;
static gboolean opt_landscape, opt_json, opt_grid, opt_no_grid, pdf;
static int opt_dpi = 150;
static CmPosterOptions poster;

static const GOptionEntry options[] = {
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    N_("The poster to write: a .pdf (vector) or a .png file"), N_("FILE") },
  { "paper", 0, 0, G_OPTION_ARG_STRING, &opt_paper,
    N_("A4, A3, A2, A1 or A0, or a size in millimetres (default: A1)"), N_("A1|WxH") },
  { "landscape", 0, 0, G_OPTION_ARG_NONE, &opt_landscape, N_("The longer side across"), NULL },
  { "title", 0, 0, G_OPTION_ARG_STRING, &opt_title, N_("The title (default: the map's name)"),
    N_("TEXT") },
  { "subtitle", 0, 0, G_OPTION_ARG_STRING, &opt_subtitle,
    N_("The line under the title (default: the date and the workshops)"), N_("TEXT") },
  { "organisation", 0, 0, G_OPTION_ARG_STRING, &opt_organisation,
    N_("Who made the poster, in the credits"), N_("TEXT") },
  { "bbox", 0, 0, G_OPTION_ARG_STRING, &opt_bbox,
    N_("The area to show, in degrees (default: the boundary, else the whole map)"),
    N_("MINLON,MINLAT,MAXLON,MAXLAT") },
  { "grid", 0, 0, G_OPTION_ARG_NONE, &opt_grid,
    N_("A reference grid (A, B, C … × 1, 2, 3 …) and an index of the named places (the default"
       " from A2 up)"), NULL },
  { "no-grid", 0, 0, G_OPTION_ARG_NONE, &opt_no_grid, N_("No reference grid and no index"), NULL },
  { "dpi", 0, 0, G_OPTION_ARG_INT, &opt_dpi, N_("Pixels per inch of a PNG (default: 150)"),
    N_("N") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
    N_("Print the scale, the map's frame and the scale bar as JSON"), NULL },
  { NULL }
};

/* A PNG's pixels at most: an A0 at 300 dpi (about 140 million) */
#define MAX_PIXELS 150e6

static int
check (char **args)
{
  if (opt_output == NULL)
    return cmap_usage_error (_("say where to write the poster with -o FILE.pdf or -o FILE.png"));
  pdf = g_str_has_suffix (opt_output, ".pdf");
  if (!pdf && !g_str_has_suffix (opt_output, ".png"))
    return cmap_usage_error (_("the poster must end in .pdf or .png"));
  cm_poster_options_init (&poster);
  if (!cm_poster_parse_paper (opt_paper ? opt_paper : "A1", opt_landscape, &poster.width_mm,
                              &poster.height_mm))
    return cmap_usage_error (_("--paper must be A4, A3, A2, A1, A0 or WIDTHxHEIGHT in millimetres"
                               " (each 50 to 5000), e.g. A1 or 500x700"));
  if (opt_dpi < 36 || opt_dpi > 600)
    return cmap_usage_error (_("--dpi must be from 36 to 600"));
  double pixels = (poster.width_mm / 25.4 * opt_dpi) * (poster.height_mm / 25.4 * opt_dpi);
  if (!pdf && pixels > MAX_PIXELS)
    return cmap_usage_error (_("a PNG that large would need gigabytes of memory: choose a lower"
                               " --dpi, a smaller --paper, or write a .pdf"));
  if (opt_bbox && !cmap_parse_bbox (opt_bbox, poster.bbox))
    return cmap_usage_error (_("--bbox must be MINLON,MINLAT,MAXLON,MAXLAT in degrees, min below max"));
  poster.has_bbox = opt_bbox != NULL;
  if (opt_grid && opt_no_grid)
    return cmap_usage_error (_("choose one of --grid and --no-grid"));
  poster.grid = opt_grid ? CM_POSTER_GRID_ON : opt_no_grid ? CM_POSTER_GRID_OFF : CM_POSTER_GRID_AUTO;
  poster.title = opt_title;
  poster.subtitle = opt_subtitle;
  poster.organisation = opt_organisation;
  return -1;
}

static void
print_layout (const CmPosterLayout *l)
{
  GString *out = g_string_new ("{\"scale\": ");
  cm_json_append_double (out, l->scale);
  g_string_append (out, ", \"paper_mm\": [");
  cm_json_append_double (out, poster.width_mm);
  g_string_append (out, ", ");
  cm_json_append_double (out, poster.height_mm);
  g_string_append (out, "], \"frame_pt\": [");
  for (int i = 0; i < 4; i++)
    {
      g_string_append (out, i ? ", " : "");
      cm_json_append_double (out, l->frame[i]);
    }
  g_string_append (out, "], \"scale_bar\": {\"metres\": ");
  cm_json_append_double (out, l->bar_metres);
  g_string_append (out, ", \"points\": ");
  cm_json_append_double (out, l->bar_points);
  g_string_append (out, ", \"x_pt\": ");
  cm_json_append_double (out, l->bar_origin[0]);
  g_string_append (out, ", \"y_pt\": ");
  cm_json_append_double (out, l->bar_origin[1]);
  g_string_append_printf (out, "}, \"legend_entries\": %u, \"legend_left_out\": %u,"
                               " \"openstreetmap\": %s, \"grid\": [%u, %u],"
                               " \"index_entries\": %u, \"index_left_out\": %u}\n",
                          l->legend_shown, l->legend_left_out, l->osm ? "true" : "false",
                          l->grid_columns, l->grid_rows, l->index_shown, l->index_left_out);
  cmap_print (out);
}

typedef struct
{
  CmStore *store;
  CmPosterLayout layout;
} Drawing;

static gboolean
draw (cairo_t *cr, gpointer data, GError **error)
{
  Drawing *d = data;
  return cm_poster_draw (d->store, cr, &poster, &d->layout, error);
}

static int
run (CmStore *store, char **args)
{
  Drawing drawing = { store };
  int rc = cmap_draw_to_file (opt_output, poster.width_mm / CM_POSTER_MM_PER_PT,
                              poster.height_mm / CM_POSTER_MM_PER_PT, opt_dpi / 72.0, draw,
                              &drawing);
  if (rc != CMAP_EXIT_OK)
    return rc;
  if (opt_json)
    print_layout (&drawing.layout);
  g_autofree char *scale = cm_format_count (drawing.layout.scale);
  g_printerr (_("Drew %s at 1:%s\n"), opt_output, scale);
  return CMAP_EXIT_OK;
}

const CmapCommand cmap_command_poster = {
  "poster", "MAP -o FILE", 1, options, check, run, N_("make a poster of a map (PDF or PNG)"),
  N_("Make a poster of a map for the wall: its title, the map at a round scale, a legend of what"
     " is shown, a scale bar, a north arrow and the credits, on A4 to A0 paper."),
};
