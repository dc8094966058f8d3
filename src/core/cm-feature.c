/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-feature.c: one feature of a community map. */
#include "cm-feature.h"

struct _CmFeature
{
  GObject parent_instance;
  CmLayer layer;
  gint64 id;
  char *uuid;
  char *category;
  char *name;
  char *description;
  char *tags;
  char *contributor_uuid;
  char *workshop_uuid;
  char *created_at;
  char *updated_at;
  gboolean deleted;
  GBytes *wkb;
  double bbox[4];
  GHashTable *fields; /* the layer's own columns: name → GVariant; NULL when none is set */
};

G_DEFINE_FINAL_TYPE (CmFeature, cm_feature, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_LAYER,
  PROP_UUID,
  PROP_CATEGORY,
  PROP_NAME,
  PROP_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cm_feature_finalize (GObject *object)
{
  CmFeature *self = CM_FEATURE (object);
  g_free (self->uuid);
  g_free (self->category);
  g_free (self->name);
  g_free (self->description);
  g_free (self->tags);
  g_free (self->contributor_uuid);
  g_free (self->workshop_uuid);
  g_free (self->created_at);
  g_free (self->updated_at);
  g_clear_pointer (&self->wkb, g_bytes_unref);
  g_clear_pointer (&self->fields, g_hash_table_unref);
  G_OBJECT_CLASS (cm_feature_parent_class)->finalize (object);
}

static void
cm_feature_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CmFeature *self = CM_FEATURE (object);
  switch (prop_id)
    {
    case PROP_LAYER: g_value_set_int (value, self->layer); break;
    case PROP_UUID: g_value_set_string (value, self->uuid); break;
    case PROP_CATEGORY: g_value_set_string (value, self->category); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_feature_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CmFeature *self = CM_FEATURE (object);
  switch (prop_id)
    {
    case PROP_LAYER: self->layer = g_value_get_int (value); break;
    case PROP_CATEGORY: cm_feature_set_category (self, g_value_get_string (value)); break;
    case PROP_NAME: cm_feature_set_name (self, g_value_get_string (value)); break;
    case PROP_DESCRIPTION: cm_feature_set_description (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_feature_class_init (CmFeatureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = cm_feature_finalize;
  object_class->get_property = cm_feature_get_property;
  object_class->set_property = cm_feature_set_property;

  properties[PROP_LAYER] = g_param_spec_int ("layer", NULL, NULL, 0, CM_N_LAYERS - 1, 0,
                                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                 G_PARAM_STATIC_STRINGS);
  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATEGORY] = g_param_spec_string ("category", NULL, NULL, NULL,
                                                   G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                       G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                   G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL,
                                                      G_PARAM_READWRITE |
                                                          G_PARAM_EXPLICIT_NOTIFY |
                                                          G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cm_feature_init (CmFeature *self)
{
  self->tags = g_strdup ("{}");
}

CmFeature *
cm_feature_new (CmLayer layer)
{
  return g_object_new (CM_TYPE_FEATURE, "layer", layer, NULL);
}

CmLayer
cm_feature_get_layer (CmFeature *self)
{
  return self->layer;
}

gint64
cm_feature_get_id (CmFeature *self)
{
  return self->id;
}

const char *
cm_feature_get_uuid (CmFeature *self)
{
  return self->uuid;
}

#define STRING_SETTER(field, prop)                                                             \
  void cm_feature_set_##field (CmFeature *self, const char *value)                             \
  {                                                                                            \
    if (g_strcmp0 (self->field, value) == 0)                                                   \
      return;                                                                                  \
    g_free (self->field);                                                                      \
    self->field = g_strdup (value);                                                            \
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);                              \
  }                                                                                            \
  const char *cm_feature_get_##field (CmFeature *self)                                         \
  {                                                                                            \
    return self->field;                                                                        \
  }

STRING_SETTER (category, PROP_CATEGORY)
STRING_SETTER (name, PROP_NAME)
STRING_SETTER (description, PROP_DESCRIPTION)

const char *
cm_feature_get_contributor_uuid (CmFeature *self)
{
  return self->contributor_uuid;
}

void
cm_feature_set_contributor_uuid (CmFeature *self, const char *uuid)
{
  g_free (self->contributor_uuid);
  self->contributor_uuid = g_strdup (uuid);
}

const char *
cm_feature_get_workshop_uuid (CmFeature *self)
{
  return self->workshop_uuid;
}

void
cm_feature_set_workshop_uuid (CmFeature *self, const char *uuid)
{
  g_free (self->workshop_uuid);
  self->workshop_uuid = g_strdup (uuid);
}

CmFeature *
cm_feature_copy (CmFeature *self)
{
  CmFeature *copy = cm_feature_new (self->layer);
  copy->id = self->id;
  copy->uuid = g_strdup (self->uuid);
  copy->category = g_strdup (self->category);
  copy->name = g_strdup (self->name);
  copy->description = g_strdup (self->description);
  cm_feature_set_tags (copy, self->tags);
  copy->contributor_uuid = g_strdup (self->contributor_uuid);
  copy->workshop_uuid = g_strdup (self->workshop_uuid);
  copy->created_at = g_strdup (self->created_at);
  copy->updated_at = g_strdup (self->updated_at);
  copy->deleted = self->deleted;
  copy->wkb = self->wkb ? g_bytes_ref (self->wkb) : NULL; /* immutable: shared */
  for (int i = 0; i < 4; i++)
    copy->bbox[i] = self->bbox[i];
  if (self->fields)
    {
      /* the values are immutable GVariants: shared; the table is the copy's own */
      GHashTableIter it;
      gpointer key, value;
      g_hash_table_iter_init (&it, self->fields);
      while (g_hash_table_iter_next (&it, &key, &value))
        cm_feature_set_field (copy, key, value);
    }
  return copy;
}

void
_cm_feature_set_deleted (CmFeature *self, gboolean deleted)
{
  self->deleted = deleted;
}

const char *
cm_feature_get_tags (CmFeature *self)
{
  return self->tags;
}

void
cm_feature_set_tags (CmFeature *self, const char *tags_json)
{
  g_free (self->tags);
  self->tags = g_strdup (tags_json ? tags_json : "{}");
}

const char *
cm_feature_get_created_at (CmFeature *self)
{
  return self->created_at;
}

const char *
cm_feature_get_updated_at (CmFeature *self)
{
  return self->updated_at;
}

gboolean
cm_feature_get_deleted (CmFeature *self)
{
  return self->deleted;
}

GBytes *
cm_feature_get_wkb (CmFeature *self)
{
  return self->wkb;
}

void
cm_feature_set_wkb (CmFeature *self, GBytes *wkb)
{
  g_clear_pointer (&self->wkb, g_bytes_unref);
  self->wkb = wkb ? g_bytes_ref (wkb) : NULL;
}

void
cm_feature_get_bbox (CmFeature *self, double bbox[4])
{
  for (int i = 0; i < 4; i++)
    bbox[i] = self->bbox[i];
}

void
_cm_feature_set_stored (CmFeature *self, gint64 id, const char *uuid, const char *created_at,
                        const char *updated_at, gboolean deleted, const double bbox[4])
{
  self->id = id;
  if (g_strcmp0 (self->uuid, uuid) != 0)
    {
      g_free (self->uuid);
      self->uuid = g_strdup (uuid);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UUID]);
    }
  g_free (self->created_at);
  self->created_at = g_strdup (created_at);
  g_free (self->updated_at);
  self->updated_at = g_strdup (updated_at);
  self->deleted = deleted;
  if (bbox)
    for (int i = 0; i < 4; i++)
      self->bbox[i] = bbox[i];
}

GVariant *
cm_feature_get_field (CmFeature *self, const char *column)
{
  return self->fields ? g_hash_table_lookup (self->fields, column) : NULL;
}

void
cm_feature_set_field (CmFeature *self, const char *column, GVariant *value)
{
  if (self->fields == NULL)
    self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_variant_unref);
  if (value)
    g_hash_table_replace (self->fields, g_strdup (column), g_variant_ref_sink (value));
  else
    g_hash_table_remove (self->fields, column);
}
