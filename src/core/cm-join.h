/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-join.h: a spreadsheet's table joined to a layer's features — the residents' committee's
 * list of buildings (楼栋) with their households, residents and building heads.
 *
 * Rows are matched to features by a key: a column of the file and a field of the layer (the
 * name, source_id or uuid). The other columns set the fields they name — by the field's name
 * (households), its label in English or Chinese (户数) or another header it is known by
 * (常住人口): cm_layer_field_for_header. Columns that name no field are listed and left out.
 *
 * First a preview: how many rows matched, which did not, which cells hold values a field does
 * not take, which keys the file repeats with other values or that name several features. Then
 * all or nothing: cm_join_apply writes every changed feature in one transaction, and refuses
 * while the preview has problems. Empty cells leave a field as it is; a feature whose values
 * are already those of its row is not written (joining the same file again changes nothing).
 *
 * Files: an Excel workbook's first sheet (.xlsx, cm-xlsx.h), and CSV (comma or tab separated,
 * RFC 4180 quoting) in UTF-8 with or without a byte-order mark or in GB18030, what Chinese Excel
 * and WPS write. The header is the first row (of the first ten) that has the key column. */
#pragma once

#include "cm-store.h"

G_BEGIN_DECLS

typedef struct
{
  guint row;    /* in the file, from 1 (the header is row 1) */
  char *column; /* its header */
  char *value;
  char *reason; /* for people: what is wrong and what is taken */
} CmJoinProblem;

typedef struct
{
  CmLayer layer;
  char *encoding;          /* "xlsx", "UTF-8", "UTF-8 with BOM" or "GB18030" */
  GPtrArray *headers;      /* char*: the file's columns */
  guint key_column;        /* its index in headers */
  char *key_field;         /* "name", "source_id" or "uuid" */
  GPtrArray *used;         /* char*: "户数 → households" for each column that sets a field */
  GPtrArray *left_out;     /* char*: the headers that name no field */
  guint rows;              /* data rows (blank lines not counted) */
  guint matched;           /* rows whose key names one feature */
  GPtrArray *unmatched;    /* char*: "row 7: 9号楼" — listed, they do not stop the join */
  GPtrArray *problems;     /* CmJoinProblem*: cells, repeated and ambiguous keys */
  /* the features the join changes: as they are, and as they will be (same order) */
  GPtrArray *before;       /* CmFeature */
  GPtrArray *after;        /* CmFeature */
} CmJoinPreview;

void cm_join_preview_free (CmJoinPreview *preview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmJoinPreview, cm_join_preview_free)

/* Reads @path and matches it to @layer's live features. @key: "COLUMN" or "COLUMN=FIELD"
 * (FIELD: name, source_id or uuid; name when not given). Fails (NULL) only when the file cannot
 * be read at all, or the key names no column or field; bad cells are problems in the preview. */
CmJoinPreview *cm_join_preview (CmStore *store, const char *path, CmLayer layer, const char *key,
                                GError **error);

/* Writes the preview's changes in one transaction (nothing when there are none). Refuses,
 * writing nothing, while the preview lists problems. */
gboolean cm_join_apply (CmStore *store, CmJoinPreview *preview, GError **error);

/* Reads a table file: the rows (a GPtrArray of GStrv, the header first) and which encoding it
 * was in. For the join and for pasting a column. */
GPtrArray *cm_join_read_table (const char *path, char **encoding, GError **error);
/* Splits @text (already UTF-8) into rows of cells: tab-separated when the first line has a tab
 * and no comma, else comma-separated, with RFC 4180 quotes either way. */
GPtrArray *cm_join_split_table (const char *text);

G_END_DECLS
