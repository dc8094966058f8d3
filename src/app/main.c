/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: community-map, the map window. */
#include "config.h"

#include <glib/gi18n.h>

#include "cm-application.h"
#include "cm-i18n.h"

int
main (int argc, char **argv)
{
  cm_i18n_init ();

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--version"))
      {
        g_print ("community-map %s\n", PACKAGE_VERSION);
        return 0;
      }
  g_set_application_name (_("Community Map"));
  g_autoptr (CmApplication) app = cm_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
