/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-categories.c: the category list and OSM tag matching. */
#include "config.h"

#include "cm-categories.h"

#include <glib/gi18n-lib.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cm-core-resources.h"
#include "cm-json-members.h"

struct _CmCategories
{
  GPtrArray *items;     /* CmCategory* */
  GHashTable *by_key;   /* key → CmCategory* */
  GHashTable *by_tag;   /* "k=v" or "k=*" → index + 1 */
};

static void
category_free (CmCategory *c)
{
  g_free (c->key);
  g_free (c->label_zh);
  g_free (c->label_en);
  g_free (c->icon);
  g_free (c->color);
  g_strfreev (c->geometry);
  g_strfreev (c->osm);
  g_free (c);
}

void
cm_categories_free (CmCategories *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->items);
  g_hash_table_unref (self->by_key);
  g_hash_table_unref (self->by_tag);
  g_free (self);
}

CmCategories *
cm_categories_new_from_data (const char *json, gssize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, len, error))
    return NULL;

  JsonNode *root = json_parser_get_root (parser);
  JsonObject *obj = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *list = obj ? cm_json_member_array (obj, "categories") : NULL;
  if (list == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the category list has no \"categories\" array"));
      return NULL;
    }

  CmCategories *self = g_new0 (CmCategories, 1);
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) category_free);
  self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_tag = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *o = cm_json_element_object (list, i);
      CmCategory *c = g_new0 (CmCategory, 1);
      if (o)
        {
          c->key = cm_json_member_string (o, "key");
          c->label_zh = cm_json_member_string (o, "zh_CN");
          c->label_en = cm_json_member_string (o, "en");
          c->icon = cm_json_member_string (o, "icon");
          c->color = cm_json_member_string (o, "color");
          c->geometry = cm_json_member_strings (o, "geometry");
          c->osm = cm_json_member_strings (o, "osm");
          JsonNode *serves = json_object_get_member (o, "serves");
          c->serves = serves && JSON_NODE_HOLDS_VALUE (serves) &&
                              json_node_get_value_type (serves) == G_TYPE_BOOLEAN
                          ? json_node_get_boolean (serves)
                          : TRUE;
        }
      /* not an object: no key, refused below */
      if (c->key == NULL || g_hash_table_contains (self->by_key, c->key))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("category %u has no key or repeats one"), i + 1);
          category_free (c);
          cm_categories_free (self);
          return NULL;
        }
      g_ptr_array_add (self->items, c);
      g_hash_table_insert (self->by_key, c->key, c);
      for (char **t = c->osm; *t; t++)
        if (!g_hash_table_contains (self->by_tag, *t))
          g_hash_table_insert (self->by_tag, g_strdup (*t), GUINT_TO_POINTER (i + 1));
    }
  return self;
}

CmCategories *
cm_categories_get_default (void)
{
  static CmCategories *defaults;
  if (g_once_init_enter (&defaults))
    {
      /* registered by hand: a static library's constructor may never be linked in */
      cm_core_register_resource ();
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) bytes = g_resources_lookup_data (
          "/io/github/communitymap/core/categories.json", 0, &error);
      g_assert_no_error (error);
      gsize len;
      const char *data = g_bytes_get_data (bytes, &len);
      CmCategories *set = cm_categories_new_from_data (data, len, &error);
      g_assert_no_error (error);
      g_once_init_leave (&defaults, set);
    }
  return defaults;
}

guint
cm_categories_get_n (CmCategories *self)
{
  return self->items->len;
}

const CmCategory *
cm_categories_get (CmCategories *self, guint index)
{
  return index < self->items->len ? g_ptr_array_index (self->items, index) : NULL;
}

const CmCategory *
cm_categories_lookup (CmCategories *self, const char *key)
{
  return key ? g_hash_table_lookup (self->by_key, key) : NULL;
}

/* Writes "key=value" into buf; FALSE when it does not fit (no category has such a long tag). */
static gboolean
join_tag (char *buf, gsize size, const char *k, const char *v)
{
  gsize kl = strlen (k), vl = strlen (v);
  if (kl + vl + 2 > size)
    return FALSE;
  memcpy (buf, k, kl);
  buf[kl] = '=';
  memcpy (buf + kl + 1, v, vl + 1);
  return TRUE;
}

const char *
cm_categories_match_tags (CmCategories *self, const GPtrArray *tags)
{
  guint best = G_MAXUINT;
  char buf[256];

  for (guint i = 0; i + 1 < tags->len; i += 2)
    {
      const char *k = g_ptr_array_index (tags, i), *v = g_ptr_array_index (tags, i + 1);
      if (join_tag (buf, sizeof buf, k, v))
        best = MIN (best, GPOINTER_TO_UINT (g_hash_table_lookup (self->by_tag, buf)) - 1);
      if (strcmp (v, "no") != 0 && join_tag (buf, sizeof buf, k, "*"))
        best = MIN (best, GPOINTER_TO_UINT (g_hash_table_lookup (self->by_tag, buf)) - 1);
    }
  if (best == G_MAXUINT)
    return CM_CATEGORY_OTHER;
  return ((CmCategory *) g_ptr_array_index (self->items, best))->key;
}
