/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-json-writer.h: writing JSON text into a GString — the exports, cmap's output, the tags
 * an import keeps. (Reading is cm-geojson-reader.c, streaming with yajl.) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends @s (@len bytes, UTF-8) to @out as a JSON string literal (quotes and escapes). */
void cm_json_append_string (GString *out, const char *s, gsize len);
/* Appends @v as a JSON number: the shortest text that reads back as the same double; null
 * for NaN and infinity, which JSON lacks. */
void cm_json_append_double (GString *out, double v);

G_END_DECLS
