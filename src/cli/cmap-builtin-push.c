/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-push.c: cmap push: a map merged into the map on a PostGIS server
 * (docs/postgis.md). */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>
#include <unistd.h>

static char *opt_community;
static gboolean opt_json;

static const GOptionEntry options[] = {
  { "community", 0, 0, G_OPTION_ARG_STRING, &opt_community,
    N_("The community the map's new features belong to on the server (default: the map's "
       "name)"),
    N_("NAME") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("What the server took, as JSON"), NULL },
  { NULL }
};

/* The report of a push or a pull, for people or as JSON. */
void
cmap_sync_report (GString *out, const CmPostgisReport *r, gboolean json, const char *done,
                  const char *conflicts_advice)
{
  const CmMergeReport *m = r->merge;
  if (json)
    {
      g_string_append (out, "{\"server\": ");
      cmap_json_text_or_null (out, r->server);
      g_string_append_printf (out, ", \"rows_exchanged\": %u, \"created_schema\": %s,"
                                   " \"nothing_new\": %s, \"tables\": ",
                              r->rows_exchanged, r->created_schema ? "true" : "false",
                              m->nothing_new ? "true" : "false");
      cmap_merge_counts_json (out, m);
      g_string_append (out, "}\n");
      return;
    }
  if (r->created_schema)
    g_string_append_printf (out, _("%s had no community map: made its schema community_map.\n"),
                            r->server);
  if (m->nothing_new)
    {
      g_string_append_printf (out, _("%s: nothing new.\n"), r->server);
      return;
    }
  g_string_append_printf (out, "%s\n", done);
  guint conflicts = cmap_merge_counts_text (out, m);
  if (conflicts > 0)
    g_string_append_printf (out,
                            ngettext ("%u feature was changed here and on the server: both "
                                      "versions are kept; %s\n",
                                      "%u features were changed here and on the server: both "
                                      "versions are kept; %s\n",
                                      conflicts),
                            conflicts, conflicts_advice);
}

static int
run (CmStore *store, char **args)
{
  g_autoptr (GError) error = NULL;
  CmapProgress progress = { _("Pushing") };
  gboolean show = isatty (2);
  g_autoptr (CmPostgisReport) r = cm_postgis_push (store, args[1], opt_community,
                                                   show ? cmap_show_progress : NULL, &progress,
                                                   NULL, &error);
  cmap_end_progress (&progress);
  if (r == NULL)
    return cmap_fail (error);
  GString *out = g_string_new (NULL);
  /* TRANSLATORS: after a push: "planner@db.example:5432/city took:" */
  g_autofree char *done = g_strdup_printf (_("%s took:"), r->server);
  cmap_sync_report (out, r, opt_json, done,
                    _("“cmap pull” brings them here to review with “cmap conflicts”."));
  return cmap_print (out);
}

const CmapCommand cmap_command_push = {
  "push", "MAP SERVER", 2, options, NULL, run,
  N_("send a map to a PostgreSQL + PostGIS server"),
  N_("Merge the map into the map on a PostgreSQL + PostGIS server, by the rules of merging "
     "copies: a change made here only is taken, a feature changed here and on the server keeps "
     "both versions as a conflict, recorded on the server. SERVER is postgresql://USER@HOST:PORT/"
     "DATABASE or a service name of ~/.pg_service.conf; the password comes from ~/.pgpass, the "
     "service file or PGPASSWORD, never from the command line. One transaction: a lost "
     "connection leaves the server as it was; push again. The first push makes the schema "
     "community_map. See docs/postgis.md."),
};
