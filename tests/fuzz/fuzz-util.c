/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-util.c: what the harnesses share. */
#include "fuzz-harness.h"

#include <glib/gstdio.h>
#include <stdlib.h>

static char *folder;

static void
remove_folder (void)
{
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_unlink (path);
    }
  g_rmdir (folder);
}

char *
fuzz_write_file (const char *name, const uint8_t *data, size_t size)
{
  if (folder == NULL)
    {
      const char *base = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir ();
      folder = g_build_filename (base, "cm-fuzz-XXXXXX", NULL);
      if (g_mkdtemp (folder) == NULL)
        g_error ("cannot make %s", folder);
      atexit (remove_folder);
    }
  char *path = g_build_filename (folder, name, NULL);
  /* what a previous input left beside it (a -wal, a -journal) goes too */
  const char *const suffixes[] = { "", "-wal", "-shm", "-journal", ".partial" };
  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *old = g_strconcat (path, suffixes[i], NULL);
      g_unlink (old);
    }
  GError *error = NULL;
  if (!g_file_set_contents (path, (const char *) data, (gssize) size, &error))
    g_error ("%s", error->message);
  return path;
}
