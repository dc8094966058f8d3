/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-json-members.c: JSON members read by their type, none assumed. */
#include "cm-json-members.h"

#include <math.h>

static gboolean
holds_string (JsonNode *n)
{
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING;
}

char *
cm_json_member_string (JsonObject *object, const char *name)
{
  JsonNode *n = json_object_get_member (object, name);
  return holds_string (n) ? g_strdup (json_node_get_string (n)) : NULL;
}

double
cm_json_member_number (JsonObject *object, const char *name)
{
  JsonNode *n = json_object_get_member (object, name);
  if (n && JSON_NODE_HOLDS_VALUE (n) &&
      (json_node_get_value_type (n) == G_TYPE_INT64 || json_node_get_value_type (n) == G_TYPE_DOUBLE))
    return json_node_get_double (n);
  return NAN;
}

JsonArray *
cm_json_member_array (JsonObject *object, const char *name)
{
  JsonNode *n = json_object_get_member (object, name);
  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

char **
cm_json_member_strings (JsonObject *object, const char *name)
{
  GPtrArray *out = g_ptr_array_new ();
  JsonArray *array = cm_json_member_array (object, name);
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonNode *n = json_array_get_element (array, i);
      if (holds_string (n))
        g_ptr_array_add (out, g_strdup (json_node_get_string (n)));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

JsonObject *
cm_json_element_object (JsonArray *array, guint index)
{
  JsonNode *n = json_array_get_element (array, index);
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}
