/* cm-i18n.h: translations for the programs (community-map, cmap). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets the locale and binds the message catalogue: the installed one, or the build tree's when
 * CM_LOCALEDIR says where (for tests before installing). */
void cm_i18n_init (void);

G_END_DECLS
