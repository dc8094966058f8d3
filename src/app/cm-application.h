/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-application.h: the Community Map application. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CM_TYPE_APPLICATION (cm_application_get_type ())
G_DECLARE_FINAL_TYPE (CmApplication, cm_application, CM, APPLICATION, AdwApplication)

CmApplication *cm_application_new (void);

G_END_DECLS
