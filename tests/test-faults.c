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
#include <sqlite3.h>
#include <sys/wait.h>
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
  g_autofree char *tmp = cm_test_tmpdir ();
  g_autofree char *dir = g_build_filename (tmp, "small-disk", NULL);
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
  g_autofree char *tmp = cm_test_tmpdir ();
  char *path = g_build_filename (tmp, "noise.jpg", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (gdk_pixbuf_save (p, path, "jpeg", &error, "quality", "95", NULL));
  return path;
}

/* The SAVED buildings, on a grid of eight across, each saved as the window saves a shape. */
static void
save_buildings (CmStore *store)
{
  for (int i = 0; i < SAVED; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CmFeature) f = building (116.31 + 0.0005 * (i % 8), 40.0 + 0.0005 * (i / 8), 16);
      g_assert_true (cm_store_add_feature (store, f, &error));
    }
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
    save_buildings (store);
  }
  /* another map, on the roomy disk, with features of its own, to merge */
  g_autofree char *tmp = cm_test_tmpdir ();
  g_autofree char *other = g_build_filename (tmp, "other.sqlite", NULL);
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

/* `cmap import` of @file into @map started as a whole process: its pid, and its stderr to read. */
static void
cmap_import (const char *map, const char *file, GPid *pid, int *err_fd)
{
  const char *argv[] = { g_getenv ("CMAP"), "import", map, file, NULL };
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                                           G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, pid, NULL,
                                           NULL, err_fd, &error));
}

/* Waits for @pid; its exit status, its stderr (read from @fd) into @err. */
static int
wait_import (GPid pid, int fd, char **err)
{
  GString *text = g_string_new (NULL);
  char buf[4096];
  ssize_t n;
  while ((n = read (fd, buf, sizeof buf)) > 0)
    g_string_append_len (text, buf, n);
  close (fd);
  int status;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_free (*err); /* the text of an earlier wait */
  *err = g_string_free (text, FALSE);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static gint64
count_live (const char *map, const char *table)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open_to_read (map, &error);
  g_assert_no_error (error);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE deleted = 0", table);
  return cm_test_query_int (store, sql);
}

/* Two writers. Two `cmap import`s into one map at once: both finish, and the map holds every
 * feature of both (as many as each alone). A writer that keeps the map longer than the wait
 * (5 s): the import fails saying the map is busy, writes nothing, and succeeds once the other
 * has finished. */
static void
test_two_writers (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *map = g_build_filename (dir, "together.sqlite", NULL);
  g_autofree char *pois_only = g_build_filename (dir, "pois.sqlite", NULL);
  g_autofree char *roads_only = g_build_filename (dir, "roads.sqlite", NULL);
  const char *shared = g_getenv ("CM_SHARED_DATA");
  g_autofree char *pois = g_build_filename (shared, "porto-centro", "pois.geojson", NULL);
  g_autofree char *roads = g_build_filename (shared, "porto-centro", "roads.geojson", NULL);
  for (const char *const *m = (const char *const[]) { map, pois_only, roads_only, NULL }; *m; m++)
    {
      g_autoptr (CmStore) s = cm_store_create (*m, "two", &error);
      g_assert_no_error (error);
    }
  GPid a, b;
  int a_err, b_err;
  g_autofree char *a_text = NULL, *b_text = NULL;
  cmap_import (map, pois, &a, &a_err);
  cmap_import (map, roads, &b, &b_err);
  int a_status = wait_import (a, a_err, &a_text), b_status = wait_import (b, b_err, &b_text);
  g_test_message ("together: %d %s / %d %s", a_status, a_text, b_status, b_text);
  g_assert_cmpint (a_status, ==, 0);
  g_assert_cmpint (b_status, ==, 0);
  cmap_import (pois_only, pois, &a, &a_err);
  g_assert_cmpint (wait_import (a, a_err, &a_text), ==, 0);
  cmap_import (roads_only, roads, &b, &b_err);
  g_assert_cmpint (wait_import (b, b_err, &b_text), ==, 0);
  gint64 n_pois = count_live (pois_only, "resources"), n_roads = count_live (roads_only, "paths");
  g_test_message ("alone: %" G_GINT64_FORMAT " resources, %" G_GINT64_FORMAT " paths", n_pois, n_roads);
  g_assert_cmpint (n_pois, >, 1000);
  g_assert_cmpint (n_roads, >, 1000);
  g_assert_cmpint (count_live (map, "resources"), ==, n_pois);
  g_assert_cmpint (count_live (map, "paths"), ==, n_roads);

  /* a writer that holds the map longer than the 5 s an import waits */
  g_autofree char *held = g_build_filename (dir, "held.sqlite", NULL);
  {
    g_autoptr (CmStore) s = cm_store_create (held, "held", &error);
    g_assert_no_error (error);
  }
  sqlite3 *other;
  g_assert_cmpint (sqlite3_open (held, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  cmap_import (held, pois, &a, &a_err);
  int status = wait_import (a, a_err, &a_text);
  g_test_message ("while held: %d %s", status, a_text);
  g_assert_cmpint (status, ==, 1);
  if (strstr (a_text, "the map is busy") == NULL)
    g_error ("the refusal does not say the map is busy: %s", a_text);
  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  g_assert_cmpint (count_live (held, "resources"), ==, 0);
  cmap_import (held, pois, &a, &a_err);
  g_assert_cmpint (wait_import (a, a_err, &a_text), ==, 0);
  g_assert_cmpint (count_live (held, "resources"), ==, n_pois);
}

/* The stick pulled out while the map is open: its folder gone (moved away, as when unmounted),
 * then its file deleted, then (as root, on the small disk) its disk turned read-only. Each
 * write after fails with a message that says so, nothing is written where the map was, and the
 * map, back in its place, opens, passes its check and holds every feature saved before. */
static void
test_stick_pulled_out (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *base = cm_test_tmpdir ();
  g_autofree char *stick = g_build_filename (base, "stick", NULL);
  g_autofree char *away = g_build_filename (base, "stick-away", NULL);
  g_mkdir (stick, 0755);
  g_autofree char *path = g_build_filename (stick, "map.sqlite", NULL);
  g_autoptr (CmStore) store = cm_store_create (path, "U 盘", &error);
  g_assert_no_error (error);
  save_buildings (store);

  /* the folder gone */
  g_assert_cmpint (g_rename (stick, away), ==, 0);
  g_autoptr (CmFeature) late = building (116.33, 40.01, 16);
  g_assert_false (cm_store_add_feature (store, late, &error));
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_GONE);
  g_test_message ("folder gone: %s", error->message);
  g_assert_nonnull (strstr (error->message, "no longer where it was opened"));
  g_clear_error (&error);
  g_assert_false (g_file_test (stick, G_FILE_TEST_EXISTS)); /* nothing written where it was */
  g_assert_cmpint (g_rename (away, stick), ==, 0);
  g_clear_object (&store);
  assert_map_intact (path);

  /* the file deleted while open (a copy kept aside, as the stick still has it) */
  store = cm_store_open (path, &error);
  g_assert_no_error (error);
  g_autofree char *kept = g_build_filename (base, "kept.sqlite", NULL);
  {
    g_autoptr (GFile) from = g_file_new_for_path (path), to = g_file_new_for_path (kept);
    g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
  }
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_false (cm_store_add_feature (store, late, &error));
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_GONE);
  g_clear_error (&error);
  g_clear_object (&store);
  assert_map_intact (kept);

  /* the disk turned read-only under the open map */
  if (disk == NULL)
    {
      g_test_message ("the read-only disk part skipped: %s", disk_reason);
      return;
    }
  empty_disk (disk);
  g_autofree char *ro = g_build_filename (disk, "ro.sqlite", NULL);
  {
    g_autoptr (GFile) from = g_file_new_for_path (kept), to = g_file_new_for_path (ro);
    g_assert_true (g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  }
  /* (Linux refuses to turn a disk read-only while a file on it is open for writing, so the
   * stick's write-protect switch is set before the map is opened) */
  g_autofree char *remount = g_strdup_printf ("mount -o remount,ro %s", disk);
  g_assert_true (run (remount));
  store = cm_store_open (ro, &error);
  if (store)
    {
      g_assert_false (cm_store_add_feature (store, late, &error));
      g_clear_object (&store);
    }
  g_test_message ("read-only: %s", error->message);
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "to a folder you can write")); /* what to do */
  g_clear_error (&error);
  g_autofree char *rw = g_strdup_printf ("mount -o remount,rw %s", disk);
  g_assert_true (run (rw));
  assert_map_intact (ro);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cm_i18n_init ();
  disk = mount_small_disk (&disk_reason);
  g_test_add_func ("/faults/disk-full", test_disk_full);
  g_test_add_func ("/faults/two-writers", test_two_writers);
  g_test_add_func ("/faults/stick-pulled-out", test_stick_pulled_out);
  int rc = g_test_run ();
  if (disk)
    {
      g_autofree char *cmd = g_strdup_printf ("umount %s", disk);
      run (cmd);
    }
  return rc;
}
