/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-check.c: cmap check: integrity, spatial indexes, invalid geometries. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>

static const GOptionEntry options[] = { { NULL } };

static int
run (CmStore *store, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  if (!cm_store_check (store, problems, &error))
    return cmap_fail (error);
  if (problems->len == 0)
    {
      g_print (_("%s: no problems found\n"), args[0]);
      return CMAP_EXIT_OK;
    }
  for (guint i = 0; i < problems->len; i++)
    g_printerr ("%s: %s\n", args[0], (char *) g_ptr_array_index (problems, i));
  g_printerr (_("cmap: %u problem(s) found in %s\n"), problems->len, args[0]);
  return CMAP_EXIT_BAD_INPUT;
}

const CmapCommand cmap_command_check = {
  "check", "MAP", 1, options, NULL, run, N_("check a map's integrity and spatial indexes"),
  N_("Check a map: SQLite's integrity check, every spatial index against its table, invalid "
     "geometries. Exits 1 on any problem."),
};
