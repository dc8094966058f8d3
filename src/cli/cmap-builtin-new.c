/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-new.c: cmap new: a new, empty map. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>

static char *opt_name;

static const GOptionEntry options[] = {
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name, N_("The map's name, e.g. the community's"),
    N_("NAME") },
  { NULL }
};

static int
run (CmStore *unused, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *default_name = g_path_get_basename (args[0]);
  g_autoptr (CmStore) store = cm_store_create (args[0], opt_name ? opt_name : default_name,
                                               &error);
  if (store == NULL)
    return cmap_fail (error);
  g_print (_("Created %s\n"), args[0]);
  return CMAP_EXIT_OK;
}

const CmapCommand cmap_command_new = {
  "new", "MAP", 1, options, NULL, run, N_("create a new, empty map"),
  N_("Create a new, empty community map file."),
  .creates_map = TRUE,
};
