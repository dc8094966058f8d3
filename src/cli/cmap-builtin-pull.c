/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-pull.c: cmap pull: the map on a PostGIS server, or part of it, merged into a map
 * (docs/postgis.md). */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static char **opt_communities, *opt_bbox;
static gboolean opt_json;
static double bbox[4];

static const GOptionEntry options[] = {
  { "community", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_communities,
    N_("Only this community's features (again for several: a street office, a district)"),
    N_("NAME") },
  { "bbox", 0, 0, G_OPTION_ARG_STRING, &opt_bbox,
    N_("Only the features within this box: min lon, min lat, max lon, max lat"),
    N_("W,S,E,N") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("What came in, as JSON"), NULL },
  { NULL }
};

static int
check (char **args)
{
  if (opt_bbox && !cmap_parse_bbox (opt_bbox, bbox))
    return cmap_usage_error (_("--bbox takes min lon,min lat,max lon,max lat, not “%s”"),
                             opt_bbox);
  return -1;
}

static int
run (CmStore *unused, char **args)
{
  g_autoptr (GError) error = NULL;
  const char *path = args[1];
  gboolean created = !g_file_test (path, G_FILE_TEST_EXISTS);
  g_autofree char *name = NULL;
  if (created)
    name = opt_communities && opt_communities[0] && !opt_communities[1]
               ? g_strdup (opt_communities[0])
               : g_path_get_basename (path);
  g_autoptr (CmStore) store = created ? cm_store_create (path, name, &error)
                                      : cm_store_open (path, &error);
  if (store == NULL)
    return cmap_fail (error);
  CmPostgisScope scope = { (const char *const *) opt_communities, opt_bbox != NULL };
  memcpy (scope.bbox, bbox, sizeof bbox);
  CmapProgress progress = { _("Pulling") };
  g_autoptr (CmPostgisReport) r = cm_postgis_pull (store, args[0], &scope,
                                                   isatty (2) ? cmap_show_progress : NULL,
                                                   &progress, NULL, NULL, NULL, &error);
  cmap_end_progress (&progress);
  if (r == NULL)
    {
      if (created)
        {
          /* a map made for a pull that failed holds nothing: not left behind */
          g_clear_object (&store);
          cm_store_remove_file (path);
        }
      return cmap_fail (error);
    }
  GString *out = g_string_new (NULL);
  g_autofree char *dn = g_filename_display_basename (path);
  /* TRANSLATORS: after a pull: "city.sqlite took from planner@db.example:5432/city:" */
  g_autofree char *done = g_strdup_printf (_("%s took from %s:"), dn, r->server);
  cmap_sync_report (out, r, opt_json, done, _("see “cmap conflicts”."));
  return cmap_print (out);
}

const CmapCommand cmap_command_pull = {
  "pull", "SERVER MAP", 2, options, check, run,
  N_("bring the map on a PostgreSQL + PostGIS server into a map"),
  N_("Merge the map on a PostgreSQL + PostGIS server, or the features of some communities "
     "(--community) or of a box (--bbox), into MAP, made when it does not exist, by the rules of "
     "merging copies. The features MAP already holds always come up to date. A map holding "
     "part of the server's map meets other copies only through the server. SERVER as for "
     "“cmap push”. See docs/postgis.md."),
  TRUE,
};
