/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-verified.h: which map files this machine has read whole and found sound, and how each
 * looked on disk then (device, inode, size, modification time). A map that looks the same
 * again need not be read whole on every open: only a copy that arrived, a file changed by
 * something other than SQLite, or one left by a crash is checked again (issue #17). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether @path looks on disk exactly as it did when it was last found sound. */
gboolean _cm_verified_matches (const char *path);

/* Records that @path, as it is on disk now, is sound (a whole check passed, or our own
 * connections were the last to write it). */
void _cm_verified_remember (const char *path);

/* Forgets @path (a check found it damaged). */
void _cm_verified_forget (const char *path);

G_END_DECLS
