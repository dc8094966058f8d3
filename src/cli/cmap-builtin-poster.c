/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-poster.c: cmap poster: the map as a poster for the wall — title, legend, scale,
 * north arrow, credits — on A4 to A0, to PDF (vector, fonts embedded) or PNG. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cm-analysis-style.h"
#include "cm-json-writer.h"
#include "cm-poster.h"

static char *opt_output, *opt_paper, *opt_title, *opt_subtitle, *opt_organisation, *opt_bbox;
static gboolean opt_landscape, opt_json, opt_grid, opt_no_grid, pdf;
static int opt_dpi = 150;
static CmPosterOptions poster;
/* the analysis, with the options of cmap coverage, teams and lifecircle */
static char *opt_analysis, *opt_from, *opt_network, *opt_circle, *opt_table;
static gboolean opt_radius, opt_at_night;
static double opt_walk = NAN, opt_max = 0;
static CmAnalysisRequest request;

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
  { "analysis", 0, 0, G_OPTION_ARG_STRING, &opt_analysis,
    N_("An analysis as the poster's subject, drawn over the map with its legend and a summary:"
       " coverage (with --radius or --walk), teams or lifecircle"), N_("KIND") },
  { "radius", 0, 0, G_OPTION_ARG_NONE, &opt_radius,
    N_("Coverage: straight-line reach, each source's service_radius_m or --max"), NULL },
  { "walk", 0, 0, G_OPTION_ARG_DOUBLE, &opt_walk,
    N_("Coverage: walking reach in metres along the paths"), N_("METRES") },
  { "from", 0, 0, G_OPTION_ARG_STRING, &opt_from,
    N_("Coverage: the sources (default: stations), e.g. resources:kindergarten"),
    N_("SELECTOR") },
  { "max", 0, 0, G_OPTION_ARG_DOUBLE, &opt_max,
    N_("Coverage with --radius: one reach in metres for every source"), N_("METRES") },
  { "circle", 0, 0, G_OPTION_ARG_STRING, &opt_circle,
    N_("Life circle: the circle shown (15min, 10min, 5min or block; default: the first)"),
    N_("KEY") },
  { "table", 0, 0, G_OPTION_ARG_FILENAME, &opt_table,
    N_("Life circle: a corrected copy of the life-circle table"), N_("FILE.json") },
  CMAP_NETWORK_OPTIONS (opt_network, opt_at_night),
  { NULL }
};

/* The analysis options: -1 when right (into @request), else the exit status (said). */
static int
check_analysis (void)
{
  gboolean walking = !isnan (opt_walk);
  if (opt_analysis == NULL)
    {
      if (walking || opt_radius || opt_from || opt_max || opt_circle || opt_table || opt_network ||
          opt_at_night)
        return cmap_usage_error (_("--radius, --walk, --from, --max, --circle, --table, "
                                   "--network and --at-night go with --analysis"));
      return -1;
    }
  static const char *const kinds[] = { [CM_ANALYSIS_COVERAGE] = "coverage",
                                       [CM_ANALYSIS_TEAMS] = "teams",
                                       [CM_ANALYSIS_LIFE_CIRCLE] = "lifecircle" };
  G_STATIC_ASSERT (G_N_ELEMENTS (kinds) == CM_N_ANALYSIS_KINDS);
  guint kind = 0;
  while (kind < CM_N_ANALYSIS_KINDS && !g_str_equal (opt_analysis, kinds[kind]))
    kind++;
  if (kind == CM_N_ANALYSIS_KINDS)
    return cmap_usage_error (_("--analysis is coverage, teams or lifecircle"));
  request.kind = kind;
  gboolean coverage = kind == CM_ANALYSIS_COVERAGE, life = kind == CM_ANALYSIS_LIFE_CIRCLE;
  if (coverage && opt_radius == walking)
    return cmap_usage_error (_("say how to measure the coverage: --radius or --walk METRES"));
  if (!coverage && (walking || opt_radius || opt_from || opt_max))
    return cmap_usage_error (_("--radius, --walk, --from and --max go with --analysis coverage"));
  if (!life && (opt_circle || opt_table))
    return cmap_usage_error (_("--circle and --table go with --analysis lifecircle"));
  if (kind == CM_ANALYSIS_TEAMS && (opt_network || opt_at_night))
    return cmap_usage_error (_("--network and --at-night go with a walking analysis"));
  if (walking && !(opt_walk > 0))
    return cmap_usage_error (_("--walk must be a distance in metres, more than 0"));
  if (opt_max < 0 || isnan (opt_max))
    return cmap_usage_error (_("--max must be a distance in metres"));
  CmNetworkMode mode;
  int rc = cmap_check_network (opt_network, opt_at_night, &mode);
  if (rc >= 0)
    return rc;
  request.selector = g_strdup (opt_from ? opt_from : "stations");
  request.walking = walking;
  request.metres = walking ? opt_walk : opt_max;
  request.at_night = (mode & CM_NETWORK_AT_NIGHT) != 0;
  request.all_lines = (mode & CM_NETWORK_ALL) != 0;
  request.life_table = g_strdup (opt_table);
  return -1;
}

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
  return check_analysis ();
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
                               " \"index_entries\": %u, \"index_left_out\": %u",
                          l->legend_shown, l->legend_left_out, l->osm ? "true" : "false",
                          l->grid_columns, l->grid_rows, l->index_shown, l->index_left_out);
  if (poster.analysis)
    {
      g_autoptr (GString) summary = g_string_new (NULL);
      cm_analysis_append_summary (summary, poster.analysis, poster.circle);
      g_string_append_printf (out, ", \"analysis\": {\"kind\": \"%s\", \"legend_entries\": %u,"
                                   " \"summary\": ",
                              opt_analysis, l->analysis_legend);
      cmap_json_text_or_null (out, summary->str);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "}\n");
  cmap_print (out);
}

/* The life circle --circle names (an index into @life's circles), or -1 (said). */
static int
find_circle (const CmLifeReport *life)
{
  g_autoptr (GString) keys = g_string_new (NULL);
  for (guint i = 0; i < life->circles->len; i++)
    {
      const CmLifeCircle *c = &g_array_index (life->circles, CmLifeCircle, i);
      if (opt_circle == NULL || g_strcmp0 (c->key, opt_circle) == 0)
        return (int) i;
      g_string_append_printf (keys, "%s%s", i ? ", " : "", c->key);
    }
  cmap_usage_error (_("--circle: the table has no circle “%s”; its circles are: %s"), opt_circle,
                    keys->str);
  return -1;
}

static int
run (CmStore *store, char **args)
{
  g_autoptr (CmAnalysisResult) analysis = NULL;
  if (opt_analysis)
    {
      g_autoptr (GError) error = NULL;
      analysis = cm_analysis_run (cm_store_get_path (store), &request, NULL, NULL, &error);
      cm_analysis_request_clear (&request);
      if (analysis == NULL)
        return cmap_fail (error);
      if (analysis->life)
        {
          int circle = find_circle (analysis->life);
          if (circle < 0)
            return CMAP_EXIT_USAGE;
          poster.circle = (guint) circle;
        }
      poster.analysis = analysis;
    }
  CmPosterLayout layout;
  g_autoptr (GError) error = NULL;
  if (!cm_poster_write (store, &poster, opt_output, opt_dpi, &layout, &error))
    return cmap_fail (error);
  if (opt_json)
    print_layout (&layout);
  g_autofree char *scale = cm_format_count (layout.scale);
  g_printerr (_("Drew %s at 1:%s\n"), opt_output, scale);
  return CMAP_EXIT_OK;
}

const CmapCommand cmap_command_poster = {
  "poster", "MAP -o FILE", 1, options, check, run, N_("make a poster of a map (PDF or PNG)"),
  N_("Make a poster of a map for the wall: its title, the map at a round scale, a legend of what"
     " is shown, a scale bar, a north arrow and the credits, on A4 to A0 paper."),
};
