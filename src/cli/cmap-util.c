/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-util.c: what every cmap command shares — errors and usage, parsing the options and
 * opening the map, progress on a terminal, CSV and JSON output, a few option parsers. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <cairo-pdf.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Opens a map; a file that is no map gets cmap's advice (the window gives its own). */
static CmStore *
open_map (const char *path, GError **error)
{
  CmStore *store = cm_store_open (path, error);
  if (store == NULL && g_error_matches (*error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_SQLITE))
    cm_store_error_add_advice (*error, _("Open a .sqlite map, or import this file into one with "
                                         "“cmap import MAP FILE”"));
  else if (store == NULL && g_error_matches (*error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_A_MAP))
    cm_store_error_add_advice (*error, _("To bring its data in, create a map and run “cmap "
                                         "import MAP FILE --table TABLE”"));
  return store;
}

int
cmap_run_command (const CmapCommand *command, int argc, char **argv)
{
  /* the program name, in messages and --help, is “cmap COMMAND” */
  g_autofree char *prgname = g_strdup_printf ("cmap %s", command->name);
  g_set_prgname (prgname);
  g_autoptr (GOptionContext) ctx = g_option_context_new (command->params);
  g_autoptr (GError) error = NULL;
  g_option_context_set_summary (ctx, _(command->description));
  g_option_context_add_main_entries (ctx, command->options, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return cmap_usage_error ("%s", error->message);
  if (command->n_args < 0 && argc < 1 - command->n_args)
    return cmap_usage_error (_("“cmap %s” takes a map and one or more others"), command->name);
  if (command->n_args > 0 && argc != command->n_args + 1)
    return command->n_args == 1
               ? cmap_usage_error (_("“cmap %s” takes one map"), command->name)
               : cmap_usage_error (_("“cmap %s” takes %s"), command->name, command->params);
  char **args = argv + 1;
  int rc = command->check ? command->check (args) : -1;
  if (rc >= 0)
    return rc;
  if (command->creates_map)
    return command->run (NULL, args);
  g_autoptr (CmStore) store = open_map (args[0], &error);
  if (store == NULL)
    return cmap_fail (error);
  return command->run (store, args);
}

int
cmap_fail (GError *error)
{
  g_printerr ("cmap: %s\n", error->message);
  return CMAP_EXIT_BAD_INPUT;
}

int
cmap_usage_error (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("cmap: %s (see “cmap --help”)\n", msg);
  return CMAP_EXIT_USAGE;
}

void
cmap_show_progress (goffset done, goffset total, gpointer user_data)
{
  CmapProgress *p = user_data;
  gint64 now = g_get_monotonic_time ();
  if (now - p->last_shown < 100000 || total <= 0)
    return;
  p->last_shown = now;
  p->shown = TRUE;
  int pct = (int) (100.0 * done / total);
  int width = 30, filled = pct * width / 100;
  char bar[64];
  memset (bar, '#', filled);
  memset (bar + filled, ' ', width - filled);
  bar[width] = '\0';
  fprintf (stderr, "\r%s [%s] %3d%%", p->label, bar, MIN (pct, 100));
  fflush (stderr);
}

void
cmap_end_progress (CmapProgress *p)
{
  if (p->shown)
    fprintf (stderr, "\r%*s\r", 60, "");
}

gboolean
cmap_parse_bbox (const char *text, double bbox[4])
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  if (g_strv_length (parts) != 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      char *end;
      bbox[i] = g_ascii_strtod (parts[i], &end);
      if (end == parts[i] || *end != '\0' || !isfinite (bbox[i]))
        return FALSE;
    }
  return bbox[0] < bbox[2] && bbox[1] < bbox[3] && bbox[0] >= -180 && bbox[2] <= 180 &&
         bbox[1] >= -90 && bbox[3] <= 90;
}


void
cmap_json_text_or_null (GString *out, const char *text)
{
  if (text)
    cm_json_append_string (out, text, strlen (text));
  else
    g_string_append (out, "null");
}

void
cmap_json_count_or_null (GString *out, gint64 n)
{
  if (n < 0)
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT, n);
}

void
cmap_compounds_json (GString *out, GArray *sums)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < sums->len; i++)
    {
      const CmCompoundSum *s = &g_array_index (sums, CmCompoundSum, i);
      g_string_append_printf (out, "%s{\"compound\": ", i ? ", " : "");
      cmap_json_text_or_null (out, s->compound ? s->compound->uuid : NULL);
      g_string_append (out, ", \"name\": ");
      cmap_json_text_or_null (out, s->compound ? s->compound->name : NULL);
      g_string_append (out, ", \"kind\": ");
      cmap_json_text_or_null (out, s->compound ? s->compound->kind : NULL);
      g_string_append_printf (out, ", \"whole\": %s, \"buildings\": %u, \"covered\": %u,"
                                   " \"households\": %" G_GINT64_FORMAT ","
                                   " \"households_covered\": %" G_GINT64_FORMAT ","
                                   " \"population\": %" G_GINT64_FORMAT ","
                                   " \"population_covered\": %" G_GINT64_FORMAT "}",
                              s->whole ? "true" : "false", s->buildings, s->covered,
                              s->households, s->households_covered, s->population,
                              s->population_covered);
    }
  g_string_append_c (out, ']');
}

void
cmap_compounds_text (GString *out, GArray *sums, const char *covered)
{
  if (sums->len == 0)
    return;
  g_string_append_printf (out, _("Per compound (households and residents: covered / where "
                                 "known):\n"));
  /* the name last: Chinese names are wider than their bytes */
  g_string_append_printf (out, "%9s %9s %7s %15s %15s  %s\n", _("Buildings"), covered, "%",
                          _("Households"), _("Residents"), _("Compound"));
  for (guint i = 0; i < sums->len; i++)
    {
      const CmCompoundSum *s = &g_array_index (sums, CmCompoundSum, i);
      g_autofree char *h = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                            s->households_covered, s->households);
      g_autofree char *p = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                            s->population_covered, s->population);
      g_string_append_printf (out, "%9u %9u %6.1f%% %15s %15s  %s\n", s->buildings, s->covered,
                              s->buildings ? 100.0 * s->covered / s->buildings : 0.0, h, p,
                              cm_compound_sum_name (s));
    }
}

int
cmap_check_network (const char *text, gboolean at_night, CmNetworkMode *mode)
{
  if (text == NULL || strcmp (text, "walkable") == 0)
    *mode = CM_NETWORK_WALKABLE;
  else if (strcmp (text, "all") == 0)
    *mode = CM_NETWORK_ALL;
  else
    return cmap_usage_error (_("--network is “walkable” or “all”"));
  if (at_night)
    *mode |= CM_NETWORK_AT_NIGHT;
  return -1;
}

int
cmap_check_layer (const char *name, CmLayer *layer)
{
  *layer = CM_LAYER_NONE;
  if (name && (*layer = cm_layer_from_string (name)) == CM_LAYER_NONE)
    return cmap_usage_error (_("unknown layer “%s”; the layers are: %s"), name,
                             cm_layer_names ());
  return -1;
}

int
cmap_print (GString *out)
{
  fwrite (out->str, 1, out->len, stdout);
  g_string_free (out, TRUE);
  return CMAP_EXIT_OK;
}


int
cmap_draw_to_file (const char *output, double width, double height, double png_scale,
                   CmRenderPageFunc draw, gpointer data)
{
  g_autoptr (GError) error = NULL;
  return cm_render_page_to_file (output, width, height, png_scale, draw, data, &error)
             ? CMAP_EXIT_OK
             : cmap_fail (error);
}

int
cmap_check_workbook (const char *output, gboolean other_output)
{
  if (output == NULL)
    return -1;
  if (!g_str_has_suffix (output, ".xlsx"))
    return cmap_usage_error (_("-o writes a workbook: its name must end in .xlsx (for CSV, use"
                               " --csv)"));
  if (other_output)
    return cmap_usage_error (_("choose one of -o FILE.xlsx, --csv and --json"));
  return -1;
}

int
cmap_wrote (const char *path)
{
  g_printerr (_("Wrote %s\n"), path);
  return CMAP_EXIT_OK;
}

/* end */

guint
cmap_merge_counts_text (GString *out, const CmMergeReport *r)
{
  guint conflicts = 0;
  for (guint i = 0; i < r->tables->len; i++)
    {
      const CmMergeCounts *c = &g_array_index (r->tables, CmMergeCounts, i);
      conflicts += c->conflicts;
      if (c->added + c->changed + c->deleted + c->conflicts == 0)
        continue;
      /* TRANSLATORS: a table of the map, then counts: "buildings: 3 added, 1 changed, …" */
      g_string_append_printf (out, _("  %s: %u added, %u changed, %u deleted, %u conflicts\n"),
                              c->table, c->added, c->changed, c->deleted, c->conflicts);
    }
  return conflicts;
}

void
cmap_merge_counts_json (GString *out, const CmMergeReport *r)
{
  g_string_append_c (out, '{');
  for (guint i = 0; i < r->tables->len; i++)
    {
      const CmMergeCounts *c = &g_array_index (r->tables, CmMergeCounts, i);
      g_string_append_printf (out,
                              "%s\"%s\": {\"added\": %u, \"changed\": %u, \"deleted\": %u,"
                              " \"conflicts\": %u}",
                              i ? ", " : "", c->table, c->added, c->changed, c->deleted,
                              c->conflicts);
    }
  g_string_append_c (out, '}');
}
