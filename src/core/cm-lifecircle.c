/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-lifecircle.c: the table, and one multi-source walk per facility row. */
#include "config.h"

#include "cm-lifecircle.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "cm-categories.h"
#include "cm-json-members.h"

static void
circle_clear (gpointer p)
{
  CmLifeCircle *c = p;
  g_free (c->key);
  g_free (c->name_zh);
  g_free (c->name_en);
  g_free (c->clause);
  g_free (c->certainty);
}

static void
facility_clear (gpointer p)
{
  CmLifeFacility *f = p;
  g_free (f->key);
  g_free (f->name_zh);
  g_free (f->name_en);
  g_free (f->clause);
  g_free (f->certainty);
  g_strfreev (f->from);
  g_free (f->walk_m);
}

void
cm_life_report_free (CmLifeReport *r)
{
  if (r == NULL)
    return;
  g_array_unref (r->circles);
  g_array_unref (r->facilities);
  cm_coverage_free (r->buildings);
  g_free (r);
}

static gboolean
table_error (GError **error, const char *where, const char *message)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", where, message);
  return FALSE;
}

static gboolean
parse_table (CmLifeReport *r, JsonNode *root, const char *name, GError **error)
{
  /* an empty file parses to no root at all */
  JsonObject *top = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *circles = top ? json_object_get_member (top, "circles") : NULL;
  JsonNode *facilities = top ? json_object_get_member (top, "facilities") : NULL;
  if (circles == NULL || !JSON_NODE_HOLDS_ARRAY (circles) || facilities == NULL
      || !JSON_NODE_HOLDS_ARRAY (facilities))
    return table_error (error, name,
                        _("a life-circle table needs a \"circles\" and a \"facilities\" array "
                          "(see data/lifecircle.json)"));
  JsonArray *list = json_node_get_array (circles);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *n = json_array_get_element (list, i);
      g_autofree char *where = g_strdup_printf (_("%s, circle %u"), name, i + 1);
      if (!JSON_NODE_HOLDS_OBJECT (n))
        return table_error (error, where, _("each circle is an object"));
      JsonObject *o = json_node_get_object (n);
      CmLifeCircle c = { 0 };
      c.key = cm_json_member_string (o, "key");
      c.walk_m = cm_json_member_number (o, "walk_m");
      c.name_zh = cm_json_member_string (o, "zh_CN");
      c.name_en = cm_json_member_string (o, "en");
      c.clause = cm_json_member_string (o, "clause");
      c.certainty = cm_json_member_string (o, "certainty");
      g_array_append_val (r->circles, c);
      if (c.key == NULL)
        return table_error (error, where, _("it has no \"key\""));
      if (!(c.walk_m > 0))
        return table_error (error, where, _("\"walk_m\" must be a distance in metres, more than 0"));
    }
  list = json_node_get_array (facilities);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *n = json_array_get_element (list, i);
      g_autofree char *where = g_strdup_printf (_("%s, facility %u"), name, i + 1);
      if (!JSON_NODE_HOLDS_OBJECT (n))
        return table_error (error, where, _("each facility is an object"));
      JsonObject *o = json_node_get_object (n);
      CmLifeFacility f = { 0 };
      f.key = cm_json_member_string (o, "key");
      f.name_zh = cm_json_member_string (o, "zh_CN");
      f.name_en = cm_json_member_string (o, "en");
      f.clause = cm_json_member_string (o, "clause");
      f.certainty = cm_json_member_string (o, "certainty");
      g_autofree char *circle = cm_json_member_string (o, "circle");
      f.circle = G_MAXUINT;
      for (guint k = 0; circle && k < r->circles->len; k++)
        if (g_strcmp0 (g_array_index (r->circles, CmLifeCircle, k).key, circle) == 0)
          f.circle = k;
      f.max_m = cm_json_member_number (o, "max_m");
      if (isnan (f.max_m) && f.circle != G_MAXUINT) /* no distance of its own: the circle's */
        f.max_m = g_array_index (r->circles, CmLifeCircle, f.circle).walk_m;
      f.from = cm_json_member_strings (o, "from");
      g_array_append_val (r->facilities, f);
      if (f.key == NULL)
        return table_error (error, where, _("it has no \"key\""));
      if (f.circle == G_MAXUINT)
        return table_error (error, where, _("its \"circle\" is none of the table's circles"));
      if (!(f.max_m > 0))
        return table_error (error, where, _("\"max_m\" must be a distance in metres, more than 0"));
      if (f.from[0] == NULL)
        return table_error (error, where,
                            _("\"from\" must list where the facilities are, as in "
                              "[\"resources:kindergarten\"]"));
      for (char **s = f.from; *s; s++)
        {
          g_autoptr (GError) bad = NULL;
          if (!cm_coverage_check_selector (*s, &bad))
            return table_error (error, where, bad->message);
        }
      g_array_index (r->circles, CmLifeCircle, f.circle).facilities++;
    }
  return TRUE;
}

CmLifeReport *
cm_life_report_new (const char *path, GError **error)
{
  g_autoptr (CmLifeReport) r = g_new0 (CmLifeReport, 1);
  r->circles = g_array_new (FALSE, TRUE, sizeof (CmLifeCircle));
  g_array_set_clear_func (r->circles, circle_clear);
  r->facilities = g_array_new (FALSE, TRUE, sizeof (CmLifeFacility));
  g_array_set_clear_func (r->facilities, facility_clear);
  r->buildings = cm_coverage_new ();

  g_autoptr (JsonParser) parser = json_parser_new ();
  if (path)
    {
      g_autoptr (GError) bad = NULL;
      if (!json_parser_load_from_file (parser, path, &bad))
        {
          table_error (error, path, bad->message);
          return NULL;
        }
    }
  else
    {
      cm_categories_get_default (); /* registers the core resources */
      g_autoptr (GBytes) bytes = g_resources_lookup_data (
          "/io/github/communitymap/core/lifecircle.json", 0, error);
      if (bytes == NULL)
        return NULL;
      gsize len;
      const char *data = g_bytes_get_data (bytes, &len);
      if (!json_parser_load_from_data (parser, data, (gssize) len, error))
        return NULL;
    }
  if (!parse_table (r, json_parser_get_root (parser), path ? path : "lifecircle.json", error))
    return NULL;
  return g_steal_pointer (&r);
}

gboolean
cm_life_report_passes (const CmLifeReport *r, guint f, guint b)
{
  const CmLifeFacility *fac = &g_array_index (r->facilities, CmLifeFacility, f);
  return fac->walk_m && fac->walk_m[b] <= fac->max_m; /* NAN and INFINITY fail */
}

gboolean
cm_life_report_meets (const CmLifeReport *r, guint c, guint b)
{
  for (guint f = 0; f < r->facilities->len; f++)
    if (g_array_index (r->facilities, CmLifeFacility, f).circle == c
        && !cm_life_report_passes (r, f, b))
      return FALSE;
  return TRUE;
}

gboolean
cm_life_report_run (CmLifeReport *r, CmStore *store, CmNetworkMode mode,
                    CmLifeProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                    GError **error)
{
  g_array_set_size (r->buildings->buildings, 0);
  if (!cm_coverage_load_buildings (r->buildings, store, error))
    return FALSE;
  g_autoptr (CmNetwork) net = cm_network_load (store, mode, error);
  if (net == NULL)
    return FALSE;
  cm_network_get_stats (net, &r->network);

  /* every building is tied once */
  GArray *buildings = r->buildings->buildings;
  guint nb = buildings->len;
  g_autofree CmNetworkTie *ties = g_new0 (CmNetworkTie, MAX (nb, 1));
  r->population_known = 0, r->buildings_with_population = 0;
  for (guint b = 0; b < nb; b++)
    {
      CmCoverageBuilding *bd = &g_array_index (buildings, CmCoverageBuilding, b);
      cm_network_tie (net, bd->lon, bd->lat, CM_NETWORK_MAX_ACCESS_M, &ties[b]);
      if (bd->population >= 0)
        r->population_known += bd->population, r->buildings_with_population++;
    }

  g_autoptr (CmNetworkSearch) search = cm_network_search_new (net);
  for (guint f = 0; f < r->facilities->len; f++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (progress)
        progress (f, r->facilities->len, user_data);
      CmLifeFacility *fac = &g_array_index (r->facilities, CmLifeFacility, f);
      g_autoptr (CmCoverage) sources = cm_coverage_new ();
      for (char **s = fac->from; *s; s++)
        if (!cm_coverage_load_sources (sources, store, *s, 0, error))
          return FALSE;
      fac->sources = sources->sources->len;
      fac->sources_off_network = 0;
      g_autofree CmNetworkTie *source_ties = g_new0 (CmNetworkTie, MAX (fac->sources, 1));
      for (guint i = 0; i < fac->sources; i++)
        {
          CmCoverageSource *s = &g_array_index (sources->sources, CmCoverageSource, i);
          if (!cm_network_tie (net, s->lon, s->lat, CM_NETWORK_MAX_ACCESS_M, &source_ties[i]))
            fac->sources_off_network++;
        }
      cm_network_search_run (search, source_ties, fac->sources, TRUE, INFINITY);
      g_free (fac->walk_m);
      fac->walk_m = g_new (float, MAX (nb, 1));
      fac->buildings_pass = 0, fac->population_pass = 0;
      for (guint b = 0; b < nb; b++)
        {
          if (ties[b].edge < 0)
            {
              fac->walk_m[b] = NAN;
              continue;
            }
          double d = cm_network_search_distance_to (search, &ties[b], NULL);
          fac->walk_m[b] = (float) (d + ties[b].access_m);
          if (fac->walk_m[b] <= fac->max_m)
            {
              const CmCoverageBuilding *bd = &g_array_index (buildings, CmCoverageBuilding, b);
              fac->buildings_pass++;
              fac->population_pass += MAX (bd->population, 0);
            }
        }
    }
  for (guint c = 0; c < r->circles->len; c++)
    {
      CmLifeCircle *circle = &g_array_index (r->circles, CmLifeCircle, c);
      circle->buildings_met = 0, circle->population_met = 0;
      for (guint b = 0; b < nb; b++)
        if (cm_life_report_meets (r, c, b))
          {
            circle->buildings_met++;
            circle->population_met
                += MAX (g_array_index (buildings, CmCoverageBuilding, b).population, 0);
          }
    }
  if (progress)
    progress (r->facilities->len, r->facilities->len, user_data);
  return TRUE;
}
