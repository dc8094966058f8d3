/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap: the command line of Community Map, for scripts, tests and benchmarks.
 *
 * One command per file (cmap-builtin-*.c), what they share in cmap-util.c; this file has main
 * and the list of commands. Results go to stdout, errors to stderr as one line saying what
 * went wrong and what to do. Exit status: 0 success, 1 bad input, 2 bad usage. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "cm-core.h"

static const CmapCommand *const commands[] = {
  &cmap_command_new,      &cmap_command_import,   &cmap_command_export,
  &cmap_command_info,     &cmap_command_check,    &cmap_command_render,   &cmap_command_poster,
  &cmap_command_coverage, &cmap_command_lifecircle, &cmap_command_teams,
  &cmap_command_walk_area, &cmap_command_suggest, &cmap_command_join, &cmap_command_merge,
  &cmap_command_conflicts, &cmap_command_resolve, &cmap_command_agenda,
#if HAVE_POSTGIS
  &cmap_command_push,     &cmap_command_pull,
#endif
};

static void
print_help (FILE *to)
{
  fprintf (to, "%s\n\n", _("Usage: cmap COMMAND [OPTIONS…] MAP …"));
  fprintf (to, "%s\n\n", _("Community Map (社区资源图) on the command line."));
  fprintf (to, "%s\n", _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (to, "  %-11s %s\n", commands[i]->name, _(commands[i]->summary));
  fprintf (to, "\n%s\n", _("“cmap COMMAND --help” shows a command's options. --version shows "
                           "the version."));
  fprintf (to, "%s\n", _("Exit status: 0 success, 1 bad input, 2 bad usage."));
}

int
main (int argc, char **argv)
{
  cm_i18n_init ();

  if (argc < 2)
    {
      print_help (stderr);
      return CMAP_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    {
      print_help (stdout);
      return CMAP_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      g_print ("cmap %s\n", PACKAGE_VERSION);
      return CMAP_EXIT_OK;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i]->name) == 0)
      return cmap_run_command (commands[i], argc - 1, argv + 1);
  return cmap_usage_error (_("unknown command “%s”"), argv[1]);
}
