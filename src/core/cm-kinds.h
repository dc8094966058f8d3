/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-kinds.h: the kinds of stations, teams and compounds a map offers (the `kinds` table).
 *
 * Every map starts with the common ones (社区服务站, 连心工作站 …; 自治服务队, 特色服务队,
 * 文体服务队; 小区, 网格); planners add their own in the map, and a kind added is kept in the
 * map's list (undoing the feature that used it first leaves the kind in the list, as a
 * category stays). */
#pragma once

#include "cm-layer.h"
#include "cm-store.h"

G_BEGIN_DECLS

typedef struct
{
  CmLayer layer;
  char *key;
  char *label_zh;
  char *label_en;
  double service_radius_m; /* stations: the radius a new station of this kind starts with; NAN */
  char *category;          /* stations: the resource category whose icon it has, or NULL */
} CmKind;

void cm_kind_free (CmKind *kind);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmKind, cm_kind_free)

/* The kinds of @layer in the map, in their order: a GPtrArray of CmKind. */
GPtrArray *cm_store_list_kinds (CmStore *store, CmLayer layer, GError **error);
/* The kind @key of @layer, or NULL (no error) when the map has none. */
CmKind *cm_store_get_kind (CmStore *store, CmLayer layer, const char *key, GError **error);
/* Adds a kind named @label (in the language the planner typed it, used for both) at the end
 * of @layer's list, or returns the one already so named. Returns its key. */
char *cm_store_add_kind (CmStore *store, CmLayer layer, const char *label,
                         double service_radius_m, GError **error);
/* The label of @kind for the person's language. */
const char *cm_kind_label (const CmKind *kind);

G_END_DECLS
