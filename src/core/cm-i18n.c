/* cm-i18n.c: translations for the programs. */
#include "config.h"

#include "cm-i18n.h"

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
