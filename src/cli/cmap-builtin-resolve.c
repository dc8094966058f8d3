/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-resolve.c: cmap resolve: one feature's conflict ended — keep mine, theirs or
 * both (docs/merge.md, rule 8). */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>

static char *opt_keep;
static CmResolve keep;

static const GOptionEntry resolve_options[] = {
  { "keep", 0, 0, G_OPTION_ARG_STRING, &opt_keep,
    N_("mine (the values shown), theirs (the other copy's) or both (the other as a new "
       "feature)"),
    N_("WHICH") },
  { NULL }
};

static int
check_resolve (char **args)
{
  if (g_strcmp0 (opt_keep, "mine") == 0)
    keep = CM_RESOLVE_MINE;
  else if (g_strcmp0 (opt_keep, "theirs") == 0)
    keep = CM_RESOLVE_THEIRS;
  else if (g_strcmp0 (opt_keep, "both") == 0)
    keep = CM_RESOLVE_BOTH;
  else
    return cmap_usage_error (_("say which version to keep: --keep mine, --keep theirs or --keep "
                               "both"));
  return -1;
}

static int
run_resolve (CmStore *store, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *fresh = NULL;
  if (!cm_merge_resolve (store, args[1], keep, &fresh, &error))
    return cmap_fail (error);
  GString *out = g_string_new (NULL);
  if (fresh)
    g_string_append_printf (out, _("Resolved: both kept; the other version is the new feature "
                                   "%s.\n"),
                            fresh);
  else
    g_string_append (out, _("Resolved.\n"));
  return cmap_print (out);
}

const CmapCommand cmap_command_resolve = {
  "resolve", "MAP UUID --keep mine|theirs|both", 2, resolve_options, check_resolve, run_resolve,
  N_("end a conflict: keep mine, theirs or both"),
  N_("End the conflict of one feature (its uuid, from cmap conflicts): keep the values this map "
     "shows, the other copy's, or both (the other becomes a new feature). The choice is an edit "
     "that travels with the map to the other copies."),
};
