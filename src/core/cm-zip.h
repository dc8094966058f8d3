/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-zip.h: the members of a ZIP archive, read — an .xlsx workbook is one.
 *
 * Stored and deflated members (all Excel, WPS and LibreOffice write); not ZIP64, not encrypted,
 * not split over several files. Archives come from anywhere, so every offset and size is checked
 * against the file, every member's CRC-32 is checked, and a member that would inflate beyond the
 * size the caller allows is refused before it is (a small file that inflates to gigabytes). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CmZip CmZip;

/* Maps @path and reads its central directory. Fails when it is not a ZIP archive, or one of a
 * kind this reader does not take (the message says which). */
CmZip *cm_zip_open (const char *path, GError **error);
void cm_zip_free (CmZip *zip);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmZip, cm_zip_free)

gboolean cm_zip_has (CmZip *zip, const char *name);

/* The member @name, uncompressed, with a '\0' after its last byte (not counted in the size).
 * G_IO_ERROR_NOT_FOUND when there is no such member; G_IO_ERROR_NO_SPACE when it is larger than
 * @max_size; G_IO_ERROR_INVALID_DATA when it is damaged. */
GBytes *cm_zip_read (CmZip *zip, const char *name, gsize max_size, GError **error);

G_END_DECLS
