/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-photo.c: a photo from a phone or in an imported file, damaged anywhere: what the map
 * does with its bytes (cm_photo_from_bytes: kept as it is when small and plain, else decoded
 * with gdk-pixbuf, turned upright by its EXIF orientation, scaled down and encoded again). */
#include "fuzz-harness.h"

#include "cm-core.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmPhoto) photo = cm_photo_from_bytes (bytes, &error);
  if (photo == NULL && error == NULL)
    g_error ("a photo refused without a reason");
  return 0;
}
