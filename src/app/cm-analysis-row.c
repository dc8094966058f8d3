/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-analysis-row.c: a row of the analysis table; its texts are properties for the columns'
 * list-item templates (ui/cm-analysis-panel.ui) to bind. */
#include "config.h"

#include "cm-analysis-row.h"

#include <math.h>

struct _CmAnalysisRow
{
  GObject parent_instance;
  char *name, *detail, *status;
  double value;
  CmLayer layer;
  char *uuid;
  double lon, lat;
};

G_DEFINE_FINAL_TYPE (CmAnalysisRow, cm_analysis_row, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_NAME,
  PROP_DETAIL,
  PROP_VALUE_TEXT,
  PROP_STATUS,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

static void
cm_analysis_row_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  CmAnalysisRow *self = CM_ANALYSIS_ROW (object);
  static const CmAnalysisColumn columns[N_PROPS] = {
    [PROP_NAME] = CM_ANALYSIS_COLUMN_NAME,
    [PROP_DETAIL] = CM_ANALYSIS_COLUMN_DETAIL,
    [PROP_VALUE_TEXT] = CM_ANALYSIS_COLUMN_VALUE,
    [PROP_STATUS] = CM_ANALYSIS_COLUMN_STATUS,
  };
  if (id == 0 || id >= N_PROPS)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      return;
    }
  g_value_take_string (value, cm_analysis_row_dup_text (self, columns[id]));
}

static void
cm_analysis_row_finalize (GObject *object)
{
  CmAnalysisRow *self = CM_ANALYSIS_ROW (object);
  g_free (self->name);
  g_free (self->detail);
  g_free (self->status);
  g_free (self->uuid);
  G_OBJECT_CLASS (cm_analysis_row_parent_class)->finalize (object);
}

static void
cm_analysis_row_class_init (CmAnalysisRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = cm_analysis_row_finalize;
  object_class->get_property = cm_analysis_row_get_property;
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  props[PROP_DETAIL] = g_param_spec_string ("detail", NULL, NULL, NULL, flags);
  props[PROP_VALUE_TEXT] = g_param_spec_string ("value-text", NULL, NULL, NULL, flags);
  props[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
cm_analysis_row_init (CmAnalysisRow *self)
{
  self->value = NAN;
}

CmAnalysisRow *
cm_analysis_row_new (const char *name, const char *detail, double value, const char *status,
                     CmLayer layer, const char *uuid, double lon, double lat)
{
  CmAnalysisRow *self = g_object_new (CM_TYPE_ANALYSIS_ROW, NULL);
  self->name = g_strdup (name);
  self->detail = g_strdup (detail);
  self->status = g_strdup (status);
  self->value = value;
  self->layer = layer;
  self->uuid = g_strdup (uuid);
  self->lon = lon, self->lat = lat;
  return self;
}

const char *
cm_analysis_row_get_name (CmAnalysisRow *self)
{
  return self->name;
}

const char *
cm_analysis_row_get_uuid (CmAnalysisRow *self)
{
  return self->uuid;
}

CmLayer
cm_analysis_row_get_layer (CmAnalysisRow *self)
{
  return self->layer;
}

double
cm_analysis_row_get_value (CmAnalysisRow *self)
{
  return self->value;
}

void
cm_analysis_row_get_position (CmAnalysisRow *self, double *lon, double *lat)
{
  *lon = self->lon;
  *lat = self->lat;
}

char *
cm_analysis_row_dup_text (CmAnalysisRow *self, CmAnalysisColumn column)
{
  switch (column)
    {
    case CM_ANALYSIS_COLUMN_NAME:
      return g_strdup (self->name ? self->name : "");
    case CM_ANALYSIS_COLUMN_DETAIL:
      return g_strdup (self->detail ? self->detail : "");
    case CM_ANALYSIS_COLUMN_VALUE:
      return isnan (self->value) ? g_strdup ("—") : g_strdup_printf ("%.0f", self->value);
    default:
      return g_strdup (self->status ? self->status : "");
    }
}

int
cm_analysis_row_compare (gconstpointer a, gconstpointer b, gpointer column)
{
  const CmAnalysisRow *x = a, *y = b;
  switch (GPOINTER_TO_INT (column))
    {
    case CM_ANALYSIS_COLUMN_VALUE:
      if (isnan (x->value) || isnan (y->value))
        return isnan (x->value) - isnan (y->value);
      return (x->value > y->value) - (x->value < y->value);
    case CM_ANALYSIS_COLUMN_NAME:
      return g_utf8_collate (x->name ? x->name : "", y->name ? y->name : "");
    case CM_ANALYSIS_COLUMN_DETAIL:
      return g_utf8_collate (x->detail ? x->detail : "", y->detail ? y->detail : "");
    default:
      return g_utf8_collate (x->status ? x->status : "", y->status ? y->status : "");
    }
}
