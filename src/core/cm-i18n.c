/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-i18n.c: translations for the programs. */
#include "config.h"

#include "cm-i18n.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <locale.h>

void
cm_i18n_init (void)
{
  setlocale (LC_ALL, "");
  /* numbers in CSV, JSON and GeoJSON always use a decimal point, whatever the locale */
  setlocale (LC_NUMERIC, "C");
  const char *localedir = g_getenv ("CM_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

const char *
cm_i18n_pick (const char *zh, const char *en)
{
  const char *choice = en;
  for (const char *const *langs = g_get_language_names (); *langs; langs++)
    {
      if (g_str_has_prefix (*langs, "zh"))
        {
          choice = zh;
          break;
        }
      if (g_str_has_prefix (*langs, "en") || g_str_equal (*langs, "C"))
        break;
    }
  return choice ? choice : (zh ? zh : en);
}

char *
cm_format_count (double n)
{
  g_autofree char *digits = g_strdup_printf ("%.0f", fabs (n));
  GString *out = g_string_new (n <= -0.5 ? "-" : "");
  gsize len = strlen (digits);
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

char *
cm_format_area (double square_metres)
{
  g_autofree char *m2 = cm_format_count (square_metres);
  char ha[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (ha, sizeof ha, "%.1f", square_metres / 10000);
  /* TRANSLATORS: an area in square metres and hectares */
  return g_strdup_printf (_("%s m² (%s ha)"), m2, ha);
}
