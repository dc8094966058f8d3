/* SPDX-License-Identifier: GPL-3.0-or-later */
/* replay-main.c: a harness's inputs replayed through the normal build (no clang, no libFuzzer):
 * every file under the folders given, each once, through LLVMFuzzerTestOneInput. `make test`
 * runs it on each harness's seeds and regression corpus, so that a bug fuzzing found stays
 * fixed. Says how many inputs ran; a crash or a failed check fails the test. */
#include <glib.h>
#include <stdint.h>

#include "fuzz-harness.h"

static guint replay_dir (const char *path);

static void
replay_file (const char *file)
{
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (file, &data, &len, &error))
    g_error ("%s", error->message);
  g_print ("%s (%" G_GSIZE_FORMAT " bytes)\n", file, len);
  LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
}

/* Every file under @path (or @path itself, a file); a folder that is not there has none. */
static guint
replay_dir (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      replay_file (path);
      return 1;
    }
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return 0;
  guint n = 0;
  const char *name;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)))
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    {
      const char *file = names->pdata[i];
      n += replay_dir (file);
    }
  return n;
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      g_printerr ("usage: %s CORPUS-FOLDER…\n", argv[0]);
      return 2;
    }
  LLVMFuzzerInitialize (&argc, &argv);
  guint n = 0;
  for (int i = 1; i < argc; i++)
    n += replay_dir (argv[i]);
  g_print ("%u inputs replayed\n", n);
  return n > 0 ? 0 : 1;
}
