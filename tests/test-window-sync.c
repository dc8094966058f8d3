/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-window-sync.c: Sync with Server… against a real PostgreSQL + PostGIS server, which
 * tests/test-window-sync.sh starts and fills (CM_TEST_SERVER: its address; the password in
 * PGPASSFILE; CM_TEST_RENAMED: a resource another office renamed there). Run under xvfb-run.
 * Here the same resource is renamed too; Pull (the dialog, the server's address typed in)
 * brings the other office's new resource and the name as a conflict, in one step: the sidebar
 * says "1 conflict to review", Ctrl+Z undoes the pull, Ctrl+Shift+Z redoes it; the address is
 * remembered; a pull cancelled at once leaves the map as it was; Push sends this map; the pull
 * undone and pushed again, the server takes this session's next version (the script checks the
 * server afterwards, with the map copied to CM_TEST_KEEP). */
#include <string.h>

#include "cm-core.h"
#include "cm-store-private.h"
#include "cm-test-util.h"
#include "cm-window-test-util.h"

/* The Sync dialog: @server typed in, then @response ("pull", "push"). */
static void
sync_with (const char *server, const char *response)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sync", NULL);
  GtkWindow *ask = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, "Sync with Server");
  g_assert_nonnull (ask);
  GtkWidget *entry = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (ask));
  g_assert_true (GTK_IS_ENTRY (entry));
  if (server)
    gtk_editable_set_text (GTK_EDITABLE (entry), server);
  if (g_getenv ("CM_TEST_SHOTS"))
    {
      /* to look at: the whole screen with the dialog */
      spin (500);
      g_autofree char *cmd = g_strdup_printf ("import -window root %s/sync-dialog.png",
                                              g_getenv ("CM_TEST_SHOTS"));
      g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
    }
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (ask), response);
  gtk_window_close (ask); /* as a click on a response does */
}

/* Whether a push's or pull's progress dialog is shown. */
static gboolean
syncing (void)
{
  GListModel *all = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (all, i);
      if (!ADW_IS_MESSAGE_DIALOG (w) || !gtk_widget_get_visible (GTK_WIDGET (w)))
        continue;
      const char *heading = adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (w));
      if (g_strcmp0 (heading, "Pulling from the Server…") == 0 ||
          g_strcmp0 (heading, "Pushing to the Server…") == 0)
        return TRUE;
    }
  return FALSE;
}

/* Waits until no push or pull runs (the progress dialog gone). */
static void
wait_for_sync (void)
{
  for (int i = 0; i < 600; i++)
    {
      spin (100);
      if (!syncing ())
        {
          spin (200);
          return;
        }
    }
  g_error ("the push or pull did not end in 60 s");
}

static void
test_sync (void)
{
  const char *server = g_getenv ("CM_TEST_SERVER"), *renamed = g_getenv ("CM_TEST_RENAMED");
  g_assert_nonnull (server);
  g_assert_nonnull (renamed);
  g_autofree char *path = copy_demo_map ("sync-here.sqlite");
  map_path = path;
  g_autoptr (GError) error = NULL;
  {
    /* this office renames the same resource, before the window opens */
    g_autoptr (CmStore) store = cm_store_open (path, &error);
    g_assert_no_error (error);
    g_autoptr (CmFeature) f = cm_store_get_feature (store, CM_LAYER_RESOURCES, renamed, &error);
    g_assert_nonnull (f);
    cm_feature_set_name (f, "这个办公室改的名字");
    g_assert_true (cm_store_update_feature (store, f, &error));
  }
  open_window (path);
  wait_for_tiles ();
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE deleted = 0"), ==, 244);

  /* a pull cancelled at once: nothing changes */
  sync_with (server, "pull");
  GtkWindow *progress = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, "Pulling from the Server…");
  g_assert_nonnull (progress);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (progress), "cancel");
  wait_for_sync ();
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE deleted = 0"), ==, 244);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM cm_conflicts"), ==, 0);

  /* the pull: the address remembered, so the dialog has it already */
  sync_with (NULL, "pull");
  wait_for_sync ();
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE deleted = 0"), ==, 245);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE name = '另一个办公室画的'"),
                   ==, 1);
  g_autofree char *conflict = g_strdup_printf ("SELECT count(*) FROM cm_conflicts WHERE uuid ="
                                               " '%s' AND field = 'name'", renamed);
  g_assert_cmpint (count_rows (conflict), ==, 1);
  spin (300);
  GtkWidget *button = find_widget (GTK_WIDGET (window), GTK_TYPE_BUTTON, "1 conflict to review");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  if (g_getenv ("CM_TEST_SHOTS"))
    {
      /* to look at: the window after the pull */
      g_autoptr (GdkTexture) shot = screenshot ();
      g_autofree char *png = g_build_filename (g_getenv ("CM_TEST_SHOTS"), "after-pull.png", NULL);
      gdk_texture_save_to_png (shot, png);
    }

  /* one step: undone, the new resource goes and no conflict is left; redone, both are back */
  x_key ("ctrl+z");
  spin (300);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE deleted = 0"), ==, 244);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM cm_conflicts"), ==, 0);
  g_assert_false (gtk_widget_get_visible (button));
  x_key ("ctrl+shift+z");
  spin (300);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE deleted = 0"), ==, 245);
  g_assert_cmpint (count_rows (conflict), ==, 1);
  g_assert_true (gtk_widget_get_visible (button));

  /* push: the server takes this map's name too, as a conflict: both names in a map pulled
   * from it afresh */
  sync_with (NULL, "push");
  wait_for_sync ();
  {
    g_autofree char *fresh = g_build_filename (g_getenv ("CM_TEST_KEEP"), NULL);
    g_autofree char *fresh_path = g_strconcat (fresh, ".fresh.sqlite", NULL);
    g_autoptr (CmStore) store = cm_store_create (fresh_path, "fresh", &error);
    g_assert_no_error (error);
    g_autoptr (CmPostgisReport) r = cm_postgis_pull (store, server, NULL, NULL, NULL, NULL, NULL,
                                                     NULL, &error);
    g_assert_no_error (error);
    g_autofree char *names = g_strdup_printf (
        "SELECT group_concat(name, ' ') FROM (SELECT name FROM resources WHERE uuid = '%s' UNION"
        " SELECT value FROM cm_conflicts WHERE uuid = '%s' AND field = 'name' ORDER BY 1)",
        renamed, renamed);
    sqlite3_stmt *stmt = _cm_store_prepare (store, names, &error);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==,
                     "另一个办公室改的名字 这个办公室改的名字");
    sqlite3_finalize (stmt);
  }
  /* meanwhile a third office renames the other office's new resource on the server */
  g_autofree char *third_out = NULL, *third_err = NULL;
  int status = -1;
  g_assert_true (g_spawn_command_line_sync (g_getenv ("CM_TEST_THIRD_PUSH"), &third_out,
                                            &third_err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("the third office's push: %s%s", third_out, third_err);
  g_assert_cmpint (status, ==, 0);
  /* this session edits again (the pull undone: that resource deleted here) and pushes again:
   * the server takes its next version too, and keeps the third office's name (the script
   * checks it) */
  x_key ("ctrl+z");
  spin (300);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE deleted = 0"), ==, 244);
  sync_with (NULL, "push");
  wait_for_sync ();
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for_window_gone (10000));
  /* the map as the window left it, for the script */
  g_autoptr (GFile) from = g_file_new_for_path (path);
  g_autoptr (GFile) to = g_file_new_for_path (g_getenv ("CM_TEST_KEEP"));
  g_assert_true (g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
}

int
main (int argc, char **argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  cm_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/sync/pull-push-undo-cancel", test_sync);
  return g_test_run ();
}
