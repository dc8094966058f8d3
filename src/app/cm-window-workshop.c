/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-window-workshop.c: the workshop and the contributor that every drawn feature records —
 * the Workshop dialog, who is drawing, the button that says both, the map's last workshop
 * remembered between sessions, and Who Drew What. (The full-screen window for a workshop is
 * cm-window-workshop-mode.c.) */
#include "config.h"

#include <glib/gi18n.h>

#include "cm-category-ui.h"
#include "cm-window-private.h"
#include "cm-workshops.h"

void
_cm_window_workshop_update_button (CmWindow *self)
{
  g_autoptr (CmRecord) w = self->store ? cm_store_get_workshop (self->store,
                                                                self->workshop_uuid, NULL)
                                       : NULL;
  g_autoptr (CmRecord) c = self->store ? cm_store_get_contributor (self->store,
                                                                   self->contributor_uuid, NULL)
                                       : NULL;
  g_autofree char *label = NULL;
  if (w && c)
    /* TRANSLATORS: who is drawing · in which workshop */
    label = g_strdup_printf (_("%s · %s"), c->name, w->name);
  else if (w)
    label = g_strdup (w->name);
  else
    label = g_strdup (_("Start a Workshop…"));
  gtk_button_set_label (self->workshop_button, label);
  _cm_window_drawing_update_actions (self);
}

/* The map's workshop and who is drawing, remembered for the next time it is opened. */
static void
save_workshop (CmWindow *self)
{
  if (self->settings == NULL || self->path == NULL)
    return;
  g_autoptr (GVariant) old = g_settings_get_value (self->settings, "map-workshops");
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{s(ss)}"));
  GVariantIter iter;
  const char *key, *w, *c;
  guint kept = 0;
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "{&s(&s&s)}", &key, &w, &c))
    if (g_strcmp0 (key, self->path) != 0 && kept++ < 50)
      g_variant_builder_add (&b, "{s(ss)}", key, w, c);
  if (self->workshop_uuid)
    g_variant_builder_add (&b, "{s(ss)}", self->path, self->workshop_uuid,
                           self->contributor_uuid ? self->contributor_uuid : "");
  g_settings_set_value (self->settings, "map-workshops", g_variant_builder_end (&b));
}

static void
restore_workshop (CmWindow *self)
{
  if (self->settings == NULL || self->path == NULL)
    return;
  g_autoptr (GVariant) all = g_settings_get_value (self->settings, "map-workshops");
  const char *w, *c;
  if (!g_variant_lookup (all, self->path, "(&s&s)", &w, &c))
    return;
  /* only what this map really holds */
  g_autoptr (CmRecord) workshop = cm_store_get_workshop (self->store, w, NULL);
  g_autoptr (CmRecord) who = cm_store_get_contributor (self->store, c, NULL);
  if (workshop)
    self->workshop_uuid = g_strdup (workshop->uuid);
  if (who)
    self->contributor_uuid = g_strdup (who->uuid);
}

gboolean
cm_window_start_workshop (CmWindow *self, const char *name, const char *date, const char *place,
                          GError **error)
{
  g_return_val_if_fail (self->store != NULL, FALSE);
  g_autofree char *uuid = cm_store_add_workshop (self->store, name, date, place, error);
  if (uuid == NULL)
    return FALSE;
  g_free (self->workshop_uuid);
  self->workshop_uuid = g_steal_pointer (&uuid);
  g_clear_pointer (&self->contributor_uuid, g_free);
  save_workshop (self);
  _cm_window_workshop_update_button (self);
  return TRUE;
}

gboolean
cm_window_set_contributor (CmWindow *self, const char *name, GError **error)
{
  g_return_val_if_fail (self->store != NULL, FALSE);
  g_autofree char *wanted = _cm_window_stripped_or_null (name);
  g_autofree char *uuid = NULL;
  if (wanted)
    {
      /* the same name in the same workshop is the same person */
      g_autoptr (GPtrArray) people = cm_store_list_contributors (self->store,
                                                                 self->workshop_uuid, NULL);
      for (guint i = 0; people && i < people->len && uuid == NULL; i++)
        {
          CmRecord *r = g_ptr_array_index (people, i);
          if (g_strcmp0 (r->name, wanted) == 0 &&
              g_strcmp0 (r->workshop_uuid, self->workshop_uuid) == 0)
            uuid = g_strdup (r->uuid);
        }
      if (uuid == NULL)
        uuid = cm_store_add_contributor (self->store, wanted, self->workshop_uuid, error);
    }
  else
    uuid = cm_store_add_anonymous_contributor (self->store, self->workshop_uuid, error);
  if (uuid == NULL)
    return FALSE;
  /* another person: the kind the last one chose is not theirs (they choose their own) */
  if (g_strcmp0 (uuid, self->contributor_uuid) != 0)
    {
      g_clear_pointer (&self->last_category, g_free);
      _cm_window_workshop_mode_refresh (self);
    }
  g_free (self->contributor_uuid);
  self->contributor_uuid = g_steal_pointer (&uuid);
  save_workshop (self);
  _cm_window_workshop_update_button (self);
  return TRUE;
}

typedef struct
{
  CmWindow *window;
  GtkEditable *name, *date, *place, *who;
} WorkshopDialog;

static GtkEditable *
labelled_entry (GtkBox *box, const char *label, const char *text, const char *placeholder)
{
  GtkWidget *l = gtk_label_new_with_mnemonic (label);
  gtk_label_set_xalign (GTK_LABEL (l), 0);
  GtkWidget *entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), text ? text : "");
  if (placeholder)
    gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_label_set_mnemonic_widget (GTK_LABEL (l), entry);
  gtk_box_append (box, l);
  gtk_box_append (box, entry);
  return GTK_EDITABLE (entry);
}

static void
workshop_entry_activate_cb (GtkEntry *entry, AdwMessageDialog *dialog)
{
  adw_message_dialog_response (dialog, "start"); /* Enter in any field starts it */
}

static void
workshop_response_cb (AdwMessageDialog *dialog, const char *response, WorkshopDialog *d)
{
  CmWindow *self = d->window;
  if (g_strcmp0 (response, "start") != 0 || self->store == NULL)
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (CmRecord) current = cm_store_get_workshop (self->store, self->workshop_uuid, NULL);
  const char *name = gtk_editable_get_text (d->name);
  g_autofree char *stripped = _cm_window_stripped_or_null (name);
  /* the same workshop, unless its name was changed */
  gboolean same = current && g_strcmp0 (stripped, current->name) == 0;
  if (!same && !cm_window_start_workshop (self, name, gtk_editable_get_text (d->date),
                                          gtk_editable_get_text (d->place), &error))
    {
      _cm_window_toast_failure (self, error->message);
      return;
    }
  if (!cm_window_set_contributor (self, gtk_editable_get_text (d->who), &error))
    _cm_window_toast_failure (self, error->message);
}

static void
workshop_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  if (self->store == NULL)
    return;
  g_autoptr (CmRecord) w = cm_store_get_workshop (self->store, self->workshop_uuid, NULL);
  g_autoptr (CmRecord) c = cm_store_get_contributor (self->store, self->contributor_uuid, NULL);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
      GTK_WINDOW (self), _("Workshop"),
      _("Everything drawn from now on records the workshop and who drew it.")));
  GtkBox *box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 6));
  WorkshopDialog *d = g_new0 (WorkshopDialog, 1);
  d->window = self;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  d->name = labelled_entry (box, _("Workshop _name"), w ? w->name : NULL,
                            _("For example: resource map workshop"));
  d->date = labelled_entry (box, _("_Date"), w ? w->date : today, "YYYY-MM-DD");
  d->place = labelled_entry (box, _("_Place"), w ? w->place : NULL, NULL);
  d->who = labelled_entry (box, _("_Who is drawing"), c ? c->name : NULL,
                           _("A name or nickname; empty: an anonymous resident"));
  adw_message_dialog_set_extra_child (dialog, GTK_WIDGET (box));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "start", _("_Start Drawing"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "start", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "start");
  adw_message_dialog_set_close_response (dialog, "cancel");
  GtkEditable *entries[] = { d->name, d->date, d->place, d->who };
  for (gsize i = 0; i < G_N_ELEMENTS (entries); i++)
    g_signal_connect (entries[i], "activate", G_CALLBACK (workshop_entry_activate_cb), dialog);
  g_signal_connect_data (dialog, "response", G_CALLBACK (workshop_response_cb), d,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

char *
cm_window_dup_workshop_summary (CmWindow *self)
{
  g_autoptr (GPtrArray) rows = self->store && self->workshop_uuid
                                   ? cm_store_workshop_summary (self->store, self->workshop_uuid,
                                                                NULL)
                                   : NULL;
  if (rows == NULL || rows->len == 0)
    return g_strdup (_("Nothing has been drawn in this workshop yet."));
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < rows->len; i++)
    {
      CmSummaryRow *r = g_ptr_array_index (rows, i);
      g_string_append_printf (out, "%s%s — %s: %u", i ? "\n" : "",
                              r->contributor ? r->contributor : _("not recorded"),
                              cm_category_label (r->category), r->count);
    }
  return g_string_free (out, FALSE);
}

static void
workshop_summary_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmWindow *self = CM_WINDOW (widget);
  g_autofree char *text = cm_window_dup_workshop_summary (self);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_WINDOW (self), _("Who Drew What"), text));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_cm_window_workshop_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.workshop", NULL, workshop_action);
  gtk_widget_class_install_action (widget_class, "win.workshop-summary", NULL,
                                   workshop_summary_action);
}

void
_cm_window_workshop_map_opened (CmWindow *self)
{
  /* workshops belong to a map: this map's last one, if any */
  g_clear_pointer (&self->workshop_uuid, g_free);
  g_clear_pointer (&self->contributor_uuid, g_free);
  restore_workshop (self);
  _cm_window_workshop_update_button (self);
}

void
_cm_window_workshop_dispose (CmWindow *self)
{
  g_clear_pointer (&self->workshop_uuid, g_free);
  g_clear_pointer (&self->contributor_uuid, g_free);
}
