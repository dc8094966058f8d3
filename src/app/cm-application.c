/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-application.c: application actions, the about window, and which map to open first. */
#include "config.h"

#include "cm-application.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>

#include "cm-app-resources.h"
#include "cm-window.h"

struct _CmApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (CmApplication, cm_application, ADW_TYPE_APPLICATION)

/* The map to show when none is given: the last one, else the bundled demo map. */
static char *
first_map (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema =
      source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;
  if (schema)
    {
      g_autoptr (GSettings) settings = g_settings_new (APP_ID);
      g_autofree char *last = g_settings_get_string (settings, "last-map");
      if (last && *last && g_file_test (last, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&last);
    }
  const char *demo = g_getenv ("CM_DEMO_MAP");
  if (demo && g_file_test (demo, G_FILE_TEST_EXISTS))
    return g_strdup (demo);
  g_autofree char *installed = g_build_filename (PKGDATADIR, "demo.sqlite", NULL);
  if (g_file_test (installed, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&installed);
  return NULL;
}

static CmWindow *
new_window (CmApplication *self)
{
  return cm_window_new (ADW_APPLICATION (self));
}

static void
cm_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    {
      window = GTK_WINDOW (new_window (CM_APPLICATION (app)));
      g_autofree char *path = first_map ();
      g_autoptr (GError) error = NULL;
      if (path && !cm_window_open_map (CM_WINDOW (window), path, &error))
        g_warning ("%s", error->message);
    }
  gtk_window_present (window);
}

static void
cm_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  CmWindow *window = CM_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  if (window == NULL)
    window = new_window (CM_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);
      if (path == NULL)
        continue;
      g_autoptr (GError) error = NULL;
      if (g_str_has_suffix (path, ".sqlite") || g_str_has_suffix (path, ".db"))
        {
          if (!cm_window_open_map (window, path, &error))
            {
              AdwMessageDialog *d = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
                  GTK_WINDOW (window), _("Could Not Open the Map"), error->message));
              adw_message_dialog_add_response (d, "close", _("_Close"));
              gtk_window_present (GTK_WINDOW (d));
            }
        }
      else
        cm_window_import (window, path);
    }
}

static void
about_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = user_data;
  const char *developers[] = { "Community Map developers", NULL };
  GtkWidget *about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
      "transient-for", gtk_application_get_active_window (app),
      "application-name", _("Community Map"),
      "application-icon", APP_ID,
      "developer-name", _("Community Map developers"),
      "version", PACKAGE_VERSION,
      "comments", _("Residents, social workers and staff draw their community's resources "
                    "together, and planners see which buildings no service station or "
                    "volunteer team reaches."),
      "website", "https://github.com/communitymap/community-map",
      "license-type", GTK_LICENSE_GPL_3_0,
      "developers", developers,
      "translator-credits", _("translator-credits"),
      NULL);
  adw_about_window_add_legal_section (ADW_ABOUT_WINDOW (about), _("Map data"),
      "© OpenStreetMap contributors", GTK_LICENSE_CUSTOM,
      _("Map data from OpenStreetMap is available under the Open Database License (ODbL 1.0): "
        "https://www.openstreetmap.org/copyright"));
  adw_about_window_add_credit_section (ADW_ABOUT_WINDOW (about), _("Built with"),
      (const char *[]) { "GTK https://gtk.org", "libadwaita", "libshumate",
                         "SpatiaLite https://www.gaia-gis.it", "GEOS https://libgeos.org",
                         "SQLite https://sqlite.org", NULL });
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));
  for (GList *l = g_list_copy (windows); l; l = g_list_delete_link (l, l))
    gtk_window_close (l->data);
}

/* A logout's SIGTERM (or SIGHUP, or Ctrl+C in a terminal) closes the windows as Ctrl+Q does,
 * so every map is closed properly and no -wal is left beside it. */
static gboolean
quit_on_signal (gpointer app)
{
  quit_action (NULL, NULL, app);
  return G_SOURCE_CONTINUE;
}

static void
cm_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (cm_application_parent_class)->startup (app);
  g_unix_signal_add (SIGTERM, quit_on_signal, app);
  g_unix_signal_add (SIGHUP, quit_on_signal, app);
  g_unix_signal_add (SIGINT, quit_on_signal, app);
  static const GActionEntry entries[] = {
    { "about", about_action },
    { "quit", quit_action },
  };
  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay",
                                         (const char *[]) { "<Control>question", NULL });
}

static void
cm_application_class_init (CmApplicationClass *klass)
{
  /* before startup: GtkApplication looks for gtk/help-overlay.ui (Keyboard Shortcuts, Ctrl+?)
   * in the resources then, and the window class would register them only later */
  cm_app_register_resource ();
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  app_class->activate = cm_application_activate;
  app_class->open = cm_application_open;
  app_class->startup = cm_application_startup;
}

static void
cm_application_init (CmApplication *self)
{
}

CmApplication *
cm_application_new (void)
{
  return g_object_new (CM_TYPE_APPLICATION, "application-id", APP_ID, "flags",
                       G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/io/github/communitymap/CommunityMap", NULL);
}
