/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-faults.c: faults a laptop meets (issue #16). The disk full: on an 8 MB tmpfs (mounted
 * here, so it needs root; skipped with the reason otherwise), with the disk filled to the last
 * byte, a drawn feature, a photo, an import, a merge and a poster each fail with a message that
 * says the disk is full and what to do; afterwards the map passes its check and holds every
 * feature saved before, and no half-written file is left. */
#include <errno.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cm-core.h"
#include "cm-poster.h"
#include "cm-test-util.h"

#define SAVED 40 /* features saved before the disk fills */

static char *disk;        /* the small disk's mount point, or NULL … */
static char *disk_reason; /* … and why */

static gboolean
run (const char *command)
{
  int status = 0;
  g_autoptr (GError) error = NULL;
  return g_spawn_command_line_sync (command, NULL, NULL, &status, &error) &&
         g_spawn_check_wait_status (status, NULL);
}

/* An 8 MB tmpfs of our own; NULL with the reason when this cannot be. */
static char *
mount_small_disk (char **reason)
{
  if (getuid () != 0)
    {
      *reason = g_strdup ("mounting a small tmpfs needs root (CI runs the tests as root)");
      return NULL;
    }
  g_autofree char *dir = g_build_filename (cm_test_tmpdir (), "small-disk", NULL);
  g_mkdir_with_parents (dir, 0755);
  g_autofree char *cmd = g_strdup_printf ("mount -t tmpfs -o size=8m cm-test-small %s", dir);
  if (!run (cmd))
    {
      *reason = g_strdup_printf ("“%s” failed (in a container without CAP_SYS_ADMIN?)", cmd);
      return NULL;
    }
  return g_steal_pointer (&dir);
}

/* Writes a filler file until the disk refuses another byte. */
static void
fill_disk (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "filler", NULL);
  FILE *f = fopen (path, "ab");
  g_assert_nonnull (f);
  static char block[4096];
  for (size_t size = sizeof block; size > 0; size /= 2)
    while (fwrite (block, 1, size, f) == size && fflush (f) == 0)
      ;
  fclose (f);
  errno = 0;
}

static void
empty_disk (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "filler", NULL);
  g_unlink (path);
}

/* A building: a ring of @n vertices round @lon, @lat (about 30 m across). */
static CmFeature *
building (double lon, double lat, guint n)
{
  g_autoptr (CmGeom) g = cm_geom_new (CM_GEOM_POLYGON);
  for (guint i = 0; i <= n; i++)
    {
      double a = 2 * G_PI * (i % n) / n;
      double xy[2] = { lon + 0.0002 * cos (a), lat + 0.00015 * sin (a) };
      g_array_append_vals (g->xy, xy, 2);
    }
  guint len = n + 1, parts = 1;
  g_array_append_val (g->ring_len, len);
  g_array_append_val (g->part_len, parts);
  g_autoptr (GBytes) wkb = cm_geom_to_wkb (g);
  CmFeature *f = cm_feature_new (CM_LAYER_BUILDINGS);
  cm_feature_set_wkb (f, wkb);
  return f;
}

/* A photo as a phone takes it, on the roomy disk: 2048 × 1536 of noise at quality 95 (some
 * megabytes, which no free page of the map holds), kept as it is by the map. */
static char *
noisy_jpeg (void)
{
  g_autoptr (GdkPixbuf) p = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 2048, 1536);
  guchar *pixels = gdk_pixbuf_get_pixels (p);
  GRand *rand = g_rand_new_with_seed (16);
  for (gsize i = 0; i < (gsize) gdk_pixbuf_get_rowstride (p) * 1536; i++)
    pixels[i] = (guchar) g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
  char *path = g_build_filename (cm_test_tmpdir (), "noise.jpg", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (gdk_pixbuf_save (p, path, "jpeg", &error, "quality", "95", NULL));
  return path;
}

static void
assert_disk_full (GError *error, const char *what)
{
  g_assert_nonnull (error);
  g_test_message ("%s: %s", what, error->message);
  if (strstr (error->message, "the disk is full") == NULL)
    g_error ("%s: the message does not say the disk is full: %s", what, error->message);
}

/* The map reopened with room again: it passes its check and holds the SAVED buildings. */
static void
assert_map_intact (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_assert_true (cm_store_check (store, problems, &error));
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("problem: %s", (char *) problems->pdata[i]);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM buildings WHERE deleted = 0"),
                   ==, SAVED);
}

static void
test_disk_full (void)
{
  if (disk == NULL)
    {
      g_test_skip (disk_reason);
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (disk, "map.sqlite", NULL);
  {
    g_autoptr (CmStore) store = cm_store_create (path, "满盘", &error);
    g_assert_no_error (error);
    for (int i = 0; i < SAVED; i++)
      {
        g_autoptr (CmFeature) f = building (116.31 + 0.0005 * (i % 8), 40.0 + 0.0005 * (i / 8), 16);
        g_assert_true (cm_store_add_feature (store, f, &error));
      }
  }
  /* another map, on the roomy disk, with features of its own, to merge */
  g_autofree char *other = g_build_filename (cm_test_tmpdir (), "other.sqlite", NULL);
  {
    g_autoptr (CmStore) o = cm_store_create (other, "另一份", &error);
    g_assert_no_error (error);
    for (int i = 0; i < 200; i++)
      {
        g_autoptr (CmFeature) f = building (116.32 + 0.0005 * (i % 20), 40.0 + 0.0005 * (i / 20), 64);
        g_assert_true (cm_store_add_feature (o, f, &error));
      }
  }

  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_no_error (error);
  fill_disk (disk);

  /* a drawn feature (a large one: a free page or two in the file must not hold it) */
  g_autoptr (CmFeature) drawn = building (116.33, 40.01, 20000);
  g_assert_false (cm_store_add_feature (store, drawn, &error));
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_DISK_FULL);
  assert_disk_full (error, "a drawn feature");
  g_clear_error (&error);

  /* a photo of one of the saved buildings */
  g_autoptr (CmFeature) first = cm_store_get_feature_by_id (store, CM_LAYER_BUILDINGS, 1, &error);
  g_assert_no_error (error);
  g_autofree char *jpeg = noisy_jpeg ();
  g_autofree char *photo = cm_store_add_photo (store, first, jpeg, &error);
  g_assert_null (photo);
  assert_disk_full (error, "a photo");
  g_clear_error (&error);

  /* an import */
  g_autofree char *porto = g_build_filename (g_getenv ("CM_SHARED_DATA"), "porto-centro",
                                             "buildings.geojson", NULL);
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_assert_false (cm_import_file (store, porto, CM_LAYER_BUILDINGS, NULL, report, NULL, NULL,
                                  NULL, &error));
  assert_disk_full (error, "an import");
  g_clear_error (&error);

  /* a merge */
  g_autoptr (CmMergeReport) merged = cm_merge (store, other, FALSE, &error);
  g_assert_null (merged);
  assert_disk_full (error, "a merge");
  g_clear_error (&error);

  /* a poster, beside the map (the disk filled again: what the failed writes gave back) */
  fill_disk (disk);
  g_autofree char *pdf = g_build_filename (disk, "poster.pdf", NULL);
  g_autofree char *partial = g_strconcat (pdf, ".partial", NULL);
  CmPosterOptions options;
  cm_poster_options_init (&options);
  cm_poster_parse_paper ("A3", FALSE, &options.width_mm, &options.height_mm);
  g_assert_false (cm_poster_write (store, &options, pdf, 150, NULL, &error));
  assert_disk_full (error, "a poster");
  g_clear_error (&error);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));

  /* the map as it was, with room again */
  g_clear_object (&store);
  empty_disk (disk);
  assert_map_intact (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cm_i18n_init ();
  disk = mount_small_disk (&disk_reason);
  g_test_add_func ("/faults/disk-full", test_disk_full);
  int rc = g_test_run ();
  if (disk)
    {
      g_autofree char *cmd = g_strdup_printf ("umount %s", disk);
      run (cmd);
    }
  return rc;
}
