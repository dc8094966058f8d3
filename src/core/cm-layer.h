/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-layer.h: the feature tables of a community map, what each one holds, and the layers' own
 * fields (a station's radius, a building's households …) with what each accepts.
 *
 * The table and column names are part of the file format (docs/file-format.md): other tools
 * and tests rely on them. The field table below is the one place that says what a field is;
 * the schema, the store, import, export, the forms and the join all read it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CM_LAYER_RESOURCES,
  CM_LAYER_STATIONS,
  CM_LAYER_TEAMS,
  CM_LAYER_BUILDINGS,
  CM_LAYER_PATHS,
  CM_LAYER_BARRIERS,
  CM_LAYER_BOUNDARY,
  CM_LAYER_COMPOUNDS, /* named sub-areas: compounds (小区) and grid cells (网格); schema 3 */
  CM_LAYER_REPORTS,   /* residents' reports of problems, with a status and a timeline; schema 5 */
  CM_N_LAYERS,
  CM_LAYER_NONE = -1
} CmLayer;

/* Which geometries a layer accepts. */
typedef enum
{
  CM_GEOMETRY_KIND_ANY,     /* resources: points, lines or areas */
  CM_GEOMETRY_KIND_POINT,   /* one point */
  CM_GEOMETRY_KIND_LINES,   /* (multi)linestring, stored as MULTILINESTRING */
  CM_GEOMETRY_KIND_AREAS,   /* (multi)polygon, stored as MULTIPOLYGON */
} CmGeometryKind;

/* What a layer field holds. */
typedef enum
{
  CM_VALUE_TEXT,   /* any text */
  CM_VALUE_COUNT,  /* a whole number, 0 … max */
  CM_VALUE_METRES, /* a distance in metres, 0 … max */
  CM_VALUE_KIND,   /* a key of the map's kinds for this layer (`kinds` table) */
  CM_VALUE_UUID,   /* the uuid of a feature of another layer (a building's compound) */
  CM_VALUE_FLAG,   /* yes (1) or no (0): a report is urgent */
  CM_VALUE_DATE,   /* a day (2026-12-05) or a UTC time (2026-12-05T08:30:00.000Z) */
  CM_VALUE_CHOICE, /* one of the field's choices, by its key: a report's status */
} CmValueType;

/* One value a CM_VALUE_CHOICE field takes: its key (stored) and its label for people. */
typedef struct
{
  const char *key;
  const char *label;    /* untranslated (N_) */
  const char *label_zh; /* in Chinese, accepted whatever the user's language */
} CmChoice;

typedef struct
{
  const char *name;  /* the column, and the GeoJSON property and table header that fill it */
  CmValueType type;
  double max;        /* counts and metres: the largest value accepted */
  const char *label; /* for people, untranslated (N_): "Households" */
  /* other headers a spreadsheet may give it, '|'-separated: "户数|住户数" */
  const char *aliases;
  int since;         /* the schema version that added the column */
  const CmChoice *choices; /* CM_VALUE_CHOICE: the values it takes, ended by a NULL key */
} CmLayerField;

typedef struct
{
  CmLayer layer;
  const char *table;          /* SQL table name */
  const char *spatialite_type; /* the type given to AddGeometryColumn */
  CmGeometryKind kind;
  const CmLayerField *fields; /* the layer's own columns, in order */
  guint n_fields;
  int since;                  /* the schema version that added the table */
} CmLayerInfo;

const CmLayerInfo *cm_layer_get_info (CmLayer layer);
const char *cm_layer_to_string (CmLayer layer);
CmLayer cm_layer_from_string (const char *name);
/* "resources, stations, …" for messages. */
const char *cm_layer_names (void);

/* The field @name of @layer, or NULL. */
const CmLayerField *cm_layer_find_field (CmLayer layer, const char *name);
/* The field of @layer a table's @header names: its column name, its label in English or
 * Chinese, or an alias, ignoring case and white space at either end. NULL when none. */
const CmLayerField *cm_layer_field_for_header (CmLayer layer, const char *header);
/* The SQL type and check of @field's column: "INTEGER CHECK (households >= 0)". */
char *cm_layer_field_sql (const CmLayerField *field);

/* Reads @text, typed by a person or read from a file, as a value of @field: NULL for empty
 * text (the field is cleared), else a GVariant (int64 for counts, double for metres, string
 * otherwise). On refusal returns FALSE and sets @error to a sentence that says what is wrong
 * and what is accepted ("-5 is not a number of households: give a whole number from 0 to
 * 100,000"). Kinds and uuids are checked against the map by the store, not here. */
gboolean cm_layer_field_parse (const CmLayerField *field, const char *text, GVariant **value,
                               GError **error);
/* Whether @value fits @field (the same rules, for values that come as numbers). */
gboolean cm_layer_field_check (const CmLayerField *field, GVariant *value, GError **error);
/* A date as a person or a file gives it — 2026-12-05, 2026/12/5, 2026年12月5日, or an ISO 8601
 * time — as stored: the day as YYYY-MM-DD, a time in UTC to the millisecond. NULL when it is
 * none. */
char *cm_layer_parse_date (const char *text);
/* The choice of @field whose key, English or Chinese label is @text (ignoring case and white
 * space at either end), or NULL. */
const CmChoice *cm_layer_field_find_choice (const CmLayerField *field, const char *text);
/* @value as text for a person or a table cell; NULL for NULL. */
char *cm_layer_field_format (const CmLayerField *field, GVariant *value);

G_END_DECLS
