/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-conflicts.c: cmap conflicts: what merging found changed on two copies
 * (docs/merge.md); cmap resolve ends one. */
#include "config.h"

#include "cmap-builtins.h"

#include <glib/gi18n.h>

static gboolean opt_json;

static const GOptionEntry conflicts_options[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("The conflicts as JSON"), NULL },
  { NULL }
};

static void
json_fields (GString *out, const CmConflict *c, GPtrArray *values)
{
  g_string_append (out, "{");
  for (guint i = 0; i < c->fields->len; i++)
    {
      g_string_append_printf (out, "%s\"%s\": ", i ? ", " : "", (const char *) c->fields->pdata[i]);
      cmap_json_text_or_null (out, values->pdata[i]);
    }
  g_string_append (out, "}");
}

static int
run_conflicts (CmStore *store, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = cm_merge_list_conflicts (store, &error);
  if (list == NULL)
    return cmap_fail (error);
  GString *out = g_string_new (NULL);
  if (opt_json)
    g_string_append (out, "{\"conflicts\": [");
  for (guint i = 0; i < list->len; i++)
    {
      const CmConflict *c = list->pdata[i];
      if (opt_json)
        {
          g_string_append_printf (out, "%s{\"uuid\": \"%s\", \"layer\": \"%s\", \"name\": ",
                                  i ? ", " : "", c->uuid, c->table);
          cmap_json_text_or_null (out, c->name);
          g_string_append (out, ", \"fields\": [");
          for (guint f = 0; f < c->fields->len; f++)
            g_string_append_printf (out, "%s\"%s\"", f ? ", " : "",
                                    (const char *) c->fields->pdata[f]);
          g_string_append (out, "], \"mine\": ");
          json_fields (out, c, c->mine);
          g_string_append (out, ", \"theirs\": ");
          json_fields (out, c, c->theirs);
          g_string_append (out, "}");
          continue;
        }
      g_string_append_printf (out, "%s %s «%s»\n", c->table, c->uuid, c->name ? c->name : "");
      for (guint f = 0; f < c->fields->len; f++)
        /* TRANSLATORS: a field changed on two copies: its value here, the other's */
        g_string_append_printf (out, _("  %s: here “%s”, other “%s”\n"),
                                (const char *) c->fields->pdata[f],
                                (const char *) c->mine->pdata[f],
                                (const char *) c->theirs->pdata[f]);
    }
  if (opt_json)
    g_string_append (out, "]}");
  else if (list->len == 0)
    g_string_append (out, _("No conflicts.\n"));
  else
    g_string_append_printf (out,
                            ngettext ("%u feature to review: cmap resolve MAP UUID --keep "
                                      "mine|theirs|both\n",
                                      "%u features to review: cmap resolve MAP UUID --keep "
                                      "mine|theirs|both\n",
                                      list->len),
                            list->len);
  return cmap_print (out);
}

const CmapCommand cmap_command_conflicts = {
  "conflicts", "MAP", 1, conflicts_options, NULL, run_conflicts,
  N_("list the features merging found changed on two copies"),
  N_("List the features a merge found changed on two copies since they last met: each field "
     "that differs, the value this map shows and the other copy's. See docs/merge.md."),
};
