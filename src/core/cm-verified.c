/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-verified.c: the record of map files found sound, a key file in the user's cache folder
 * (community-map/verified.ini): one group per file, by its canonical path, with how it looked
 * on disk. Losing the record costs one whole check per map, nothing else. */
#include "cm-verified.h"

#include <glib/gstdio.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/file.h>
#include <unistd.h>
#include <sys/stat.h>

#define MAX_FILES 200 /* the oldest records go beyond this */

static GMutex lock;

/* Takes the record for writing across processes (several cmap commands, windows and tests at
 * once: without it, two that read, change and write the record together lose one's entry).
 * The descriptor to give to unlock_record; -1 when there is no lock to be had (then the entry
 * may be lost, which costs one whole check). */
static int
lock_record (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "community-map", NULL);
  g_autofree char *file = g_build_filename (dir, "verified.lock", NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return -1;
  int fd = open (file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0 && flock (fd, LOCK_EX) != 0)
    {
      close (fd);
      fd = -1;
    }
  return fd;
}

static void
unlock_record (int fd)
{
  if (fd >= 0)
    close (fd); /* releases the lock */
}

static char *
record_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "community-map", "verified.ini", NULL);
}

/* How @path looks on disk, as text; NULL when it cannot be looked at. */
static char *
fingerprint (const char *path)
{
  struct stat st;
  if (stat (path, &st) != 0)
    return NULL;
  return g_strdup_printf ("%ju %ju %jd %jd.%09ld", (uintmax_t) st.st_dev, (uintmax_t) st.st_ino,
                          (intmax_t) st.st_size, (intmax_t) st.st_mtim.tv_sec,
                          (long) st.st_mtim.tv_nsec);
}

static GKeyFile *
load (void)
{
  g_autofree char *file = record_path ();
  GKeyFile *kf = g_key_file_new ();
  g_key_file_load_from_file (kf, file, G_KEY_FILE_NONE, NULL); /* none yet: empty */
  return kf;
}

static void
save (GKeyFile *kf)
{
  g_autofree char *file = record_path ();
  g_autofree char *dir = g_path_get_dirname (file);
  gsize n = 0;
  g_auto (GStrv) groups = g_key_file_get_groups (kf, &n);
  /* the oldest go first: each group's "at" is when it was recorded */
  while (n > MAX_FILES)
    {
      gsize oldest = 0;
      for (gsize i = 1; i < n; i++)
        if (g_key_file_get_int64 (kf, groups[i], "at", NULL) <
            g_key_file_get_int64 (kf, groups[oldest], "at", NULL))
          oldest = i;
      g_key_file_remove_group (kf, groups[oldest], NULL);
      g_strfreev (groups);
      groups = g_key_file_get_groups (kf, &n);
    }
  g_autofree char *data = g_key_file_to_data (kf, NULL, NULL);
  /* a cache: when it cannot be written, the next open checks the whole map again */
  if (g_mkdir_with_parents (dir, 0700) == 0)
    g_file_set_contents (file, data, -1, NULL);
}

gboolean
_cm_verified_matches (const char *path)
{
  g_autofree char *key = g_canonicalize_filename (path, NULL);
  g_autofree char *now = fingerprint (path);
  if (now == NULL)
    return FALSE;
  g_mutex_lock (&lock);
  g_autoptr (GKeyFile) kf = load ();
  g_autofree char *then = g_key_file_get_string (kf, key, "file", NULL);
  g_mutex_unlock (&lock);
  return g_strcmp0 (now, then) == 0;
}

void
_cm_verified_remember (const char *path)
{
  g_autofree char *key = g_canonicalize_filename (path, NULL);
  g_autofree char *now = fingerprint (path);
  if (now == NULL)
    return;
  g_mutex_lock (&lock);
  int fd = lock_record ();
  g_autoptr (GKeyFile) kf = load ();
  g_key_file_set_string (kf, key, "file", now);
  g_key_file_set_int64 (kf, key, "at", g_get_real_time ());
  save (kf);
  unlock_record (fd);
  g_mutex_unlock (&lock);
}

void
_cm_verified_forget (const char *path)
{
  g_autofree char *key = g_canonicalize_filename (path, NULL);
  g_mutex_lock (&lock);
  int fd = lock_record ();
  g_autoptr (GKeyFile) kf = load ();
  if (g_key_file_remove_group (kf, key, NULL))
    save (kf);
  unlock_record (fd);
  g_mutex_unlock (&lock);
}
