/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-merge.c: cmap merge: other copies of the map merged into it (docs/merge.md). */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>

static gboolean opt_dry_run, opt_json, opt_force;

static const GOptionEntry options[] = {
  { "dry-run", 0, 0, G_OPTION_ARG_NONE, &opt_dry_run,
    N_("Only say what would come in; change nothing"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("What came in, as JSON"), NULL },
  { "force", 0, 0, G_OPTION_ARG_NONE, &opt_force,
    N_("Merge a map even when its area and this map's do not meet"), NULL },
  { NULL }
};

static void
report_text (GString *out, const char *file, const CmMergeReport *r)
{
  if (r->nothing_new)
    {
      g_string_append_printf (out, _("%s: nothing new (this map has seen all it holds).\n"),
                              file);
      return;
    }
  g_string_append_printf (out, r->applied ? _("%s merged:\n") : _("%s would bring (nothing was "
                                                                   "written):\n"),
                          file);
  guint conflicts = cmap_merge_counts_text (out, r);
  if (conflicts > 0)
    g_string_append_printf (out,
                            ngettext ("%u feature was changed on both copies: both versions are "
                                      "kept; see “cmap conflicts”.\n",
                                      "%u features were changed on both copies: both versions "
                                      "are kept; see “cmap conflicts”.\n",
                                      conflicts),
                            conflicts);
}

static void
report_json (GString *out, const char *path, const CmMergeReport *r)
{
  g_string_append (out, "{\"other\": ");
  cmap_json_text_or_null (out, path);
  g_string_append_printf (out, ", \"applied\": %s, \"nothing_new\": %s, \"tables\": ",
                          r->applied ? "true" : "false", r->nothing_new ? "true" : "false");
  cmap_merge_counts_json (out, r);
  g_string_append (out, "}");
}

static int
run (CmStore *store, char **args)
{
  GString *out = g_string_new (opt_json ? "{\"merged\": [" : NULL);
  for (guint i = 1; args[i]; i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean meet = TRUE;
      if (!opt_force && !cm_merge_areas_meet (store, args[i], &meet, &error))
        {
          g_string_free (out, TRUE);
          return cmap_fail (error);
        }
      if (!meet)
        {
          g_autofree char *dn = g_filename_display_basename (args[i]);
          g_string_free (out, TRUE);
          g_set_error (&error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                       _("%s covers another area than this map: it is probably not a copy of "
                         "it. Nothing was merged; to merge it anyway, add --force"),
                       dn);
          return cmap_fail (error);
        }
      g_autoptr (CmMergeReport) r = cm_merge (store, args[i], opt_dry_run, &error);
      if (r == NULL)
        {
          g_string_free (out, TRUE);
          return cmap_fail (error);
        }
      g_autofree char *file = g_filename_display_basename (args[i]);
      if (opt_json)
        {
          if (i > 1)
            g_string_append (out, ", ");
          report_json (out, args[i], r);
        }
      else
        report_text (out, file, r);
    }
  if (opt_json)
    g_string_append (out, "]}");
  return cmap_print (out);
}

const CmapCommand cmap_command_merge = {
  "merge", "MAP OTHER…", -2, options, NULL, run,
  N_("merge other copies of the map into it"),
  N_("Merge copies of this map carried on other laptops into it, one after another: features "
     "are matched by uuid, a change made on one copy only is taken, a feature changed on both "
     "copies keeps both versions as a conflict to review. Each merge is one transaction; the "
     "other files are only read. See docs/merge.md."),
};
