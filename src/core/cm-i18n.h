/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-i18n.h: translations for the programs (community-map, cmap). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets the locale and binds the message catalogue: the installed one, or the build tree's when
 * CM_LOCALEDIR says where (for tests before installing). */
void cm_i18n_init (void);

/* @zh or @en, by the user's language (g_get_language_names): for names kept as data in both
 * languages (categories, life circles). Falls back to whichever is not NULL. */
const char *cm_i18n_pick (const char *zh, const char *en);

/* @n with a comma between thousands, whatever the locale: 1,716,614 (Chinese groups the
 * same way in writing). */
char *cm_format_count (double n);
/* An area for people: "1,716,614 m² (171.7 ha)" (in Chinese 平方米, 公顷). */
char *cm_format_area (double square_metres);

G_END_DECLS
