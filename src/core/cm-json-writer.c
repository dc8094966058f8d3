/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-json-writer.c: JSON string literals and numbers that read back exactly. */
#include "config.h"

#include "cm-json-writer.h"

#include <math.h>

void
cm_json_append_string (GString *out, const char *s, gsize len)
{
  static const char hex[] = "0123456789abcdef";
  g_string_append_c (out, '"');
  gsize run = 0;
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) s[i];
      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      g_string_append_len (out, s + run, i - run);
      run = i + 1;
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 15]);
        }
    }
  g_string_append_len (out, s + run, len - run);
  g_string_append_c (out, '"');
}

void
cm_json_append_double (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
  if (!isfinite (v))
    {
      g_string_append (out, "null"); /* JSON has no NaN or infinity */
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, sizeof buf, formats[i], v);
      if (i == G_N_ELEMENTS (formats) - 1 || g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_string_append (out, buf);
}
