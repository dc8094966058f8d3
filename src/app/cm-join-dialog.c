/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-join-dialog.c: Import Table… — the preview of a join, then one undoable step. */
#include "config.h"

#include "cm-join-dialog.h"

#include <glib/gi18n.h>

#include "cm-category-ui.h"

#define LISTED 20 /* unmatched rows and refused cells listed, the rest counted */

/* The layers a table can set fields of. */
static const CmLayer layers[] = { CM_LAYER_BUILDINGS, CM_LAYER_STATIONS, CM_LAYER_TEAMS,
                                  CM_LAYER_COMPOUNDS };
static const char *const key_fields[] = { "name", "source_id", "uuid" };

struct _CmJoinDialog
{
  AdwWindow parent_instance;
  CmStore *store;
  CmHistory *history;
  char *path;
  GPtrArray *headers; /* char* */
  GtkDropDown *layer_drop, *column_drop, *field_drop;
  GtkLabel *text;
  GtkButton *join_button;
  CmJoinPreview *preview;
};

G_DEFINE_FINAL_TYPE (CmJoinDialog, cm_join_dialog, ADW_TYPE_WINDOW)

enum
{
  JOINED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
append_list (GString *text, const char *title, GPtrArray *items)
{
  if (items->len == 0)
    return;
  g_string_append_printf (text, "\n\n%s", title);
  for (guint i = 0; i < items->len && i < LISTED; i++)
    g_string_append_printf (text, "\n  %s", (const char *) items->pdata[i]);
  if (items->len > LISTED)
    g_string_append_printf (text, _("\n  … and %u more"), items->len - LISTED);
}

/* The preview again, for the key chosen. */
static void
update_preview (CmJoinDialog *self)
{
  g_clear_pointer (&self->preview, cm_join_preview_free);
  guint li = gtk_drop_down_get_selected (self->layer_drop);
  guint ci = gtk_drop_down_get_selected (self->column_drop);
  guint fi = gtk_drop_down_get_selected (self->field_drop);
  if (li >= G_N_ELEMENTS (layers) || ci >= self->headers->len || fi >= G_N_ELEMENTS (key_fields))
    return;
  g_autofree char *key = g_strdup_printf ("%s=%s", (const char *) self->headers->pdata[ci],
                                          key_fields[fi]);
  g_autoptr (GError) error = NULL;
  self->preview = cm_join_preview (self->store, self->path, layers[li], key, &error);
  GString *text = g_string_new (NULL);
  if (self->preview == NULL)
    g_string_append (text, error->message);
  else
    {
      const CmJoinPreview *p = self->preview;
      g_autofree char *file = g_filename_display_basename (self->path);
      g_string_append_printf (text, _("%s (%s): %u rows; %u match a feature; %u features "
                                      "will change."),
                              file, p->encoding, p->rows, p->matched, p->after->len);
      append_list (text, _("Columns used:"), p->used);
      append_list (text, _("Columns that name no field, left out:"), p->left_out);
      append_list (text, _("Rows that match no feature, left out:"), p->unmatched);
      if (p->problems->len)
        {
          g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
          for (guint i = 0; i < p->problems->len; i++)
            {
              const CmJoinProblem *pr = p->problems->pdata[i];
              g_ptr_array_add (cells, g_strdup_printf (_("row %u, %s: %s"), pr->row, pr->column,
                                                       pr->reason));
            }
          append_list (text, _("Values that cannot be used — correct the file and import it "
                               "again; nothing is joined until they are right:"),
                       cells);
        }
    }
  gtk_label_set_text (self->text, text->str);
  g_string_free (text, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->join_button),
                            self->preview && self->preview->problems->len == 0 &&
                                self->preview->after->len > 0);
}

gboolean
cm_join_dialog_apply (CmJoinDialog *self, GError **error)
{
  if (self->preview == NULL || self->preview->problems->len > 0)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                   _("the table has values that cannot be used: nothing was joined"));
      return FALSE;
    }
  if (!cm_history_update_many (self->history, self->preview->before, self->preview->after,
                               error))
    return FALSE;
  double bbox[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  for (guint i = 0; i < self->preview->after->len; i++)
    {
      double b[4];
      cm_feature_get_bbox (self->preview->after->pdata[i], b);
      bbox[0] = MIN (bbox[0], b[0]), bbox[1] = MIN (bbox[1], b[1]);
      bbox[2] = MAX (bbox[2], b[2]), bbox[3] = MAX (bbox[3], b[3]);
    }
  g_object_ref (self);
  g_signal_emit (self, signals[JOINED], 0, bbox, (int) self->preview->layer);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
  return TRUE;
}

static void
join_clicked_cb (CmJoinDialog *self)
{
  g_autoptr (GError) error = NULL;
  if (!cm_join_dialog_apply (self, &error))
    {
      gtk_label_set_text (self->text, error->message);
      gtk_widget_error_bell (GTK_WIDGET (self));
    }
}

static void
key_changed_cb (CmJoinDialog *self)
{
  update_preview (self);
}

static void
cm_join_dialog_dispose (GObject *object)
{
  CmJoinDialog *self = CM_JOIN_DIALOG (object);
  g_clear_object (&self->store);
  g_clear_object (&self->history);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->headers, g_ptr_array_unref);
  g_clear_pointer (&self->preview, cm_join_preview_free);
  G_OBJECT_CLASS (cm_join_dialog_parent_class)->dispose (object);
}

static void
cm_join_dialog_class_init (CmJoinDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cm_join_dialog_dispose;
  signals[JOINED] = g_signal_new ("joined", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_INT);
  gtk_widget_class_add_binding_action (GTK_WIDGET_CLASS (klass), GDK_KEY_Escape, 0,
                                       "window.close", NULL);
}

static void
cm_join_dialog_init (CmJoinDialog *self)
{
}

static GtkWidget *
labelled (GtkWidget *box, const char *title, GtkWidget *widget)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), widget);
  return widget;
}

/* The field a key column most likely holds: OSM ids are source_id, uuids are uuid. */
static guint
guess_field (GPtrArray *rows, guint column)
{
  char **first = rows->len > 1 ? rows->pdata[1] : NULL;
  const char *value = first && column < g_strv_length (first) ? first[column] : "";
  if (g_uuid_string_is_valid (value))
    return 2;
  if (strchr (value, '/') || g_str_has_prefix (value, "table/"))
    return 1;
  return 0;
}

CmJoinDialog *
cm_join_dialog_new (GtkWindow *parent, CmStore *store, CmHistory *history, const char *path,
                    GError **error)
{
  g_autoptr (GPtrArray) rows = cm_join_read_table (path, NULL, error);
  if (rows == NULL)
    return NULL;
  CmJoinDialog *self = g_object_new (CM_TYPE_JOIN_DIALOG, "transient-for", parent, "modal", TRUE,
                                     "default-width", 560, "default-height", 560, NULL);
  gtk_window_set_title (GTK_WINDOW (self), _("Import Table"));
  self->store = g_object_ref (store);
  self->history = g_object_ref (history);
  self->path = g_strdup (path);
  self->headers = g_ptr_array_new_with_free_func (g_free);
  char **header = rows->pdata[0];
  for (guint i = 0; header[i]; i++)
    g_ptr_array_add (self->headers, g_strdup (header[i]));

  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *bar = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (bar), FALSE);
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (bar), cancel);
  self->join_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Join")));
  gtk_widget_add_css_class (GTK_WIDGET (self->join_button), "suggested-action");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->join_button),
                               _("Set the fields of every matching feature: one step to undo"));
  g_signal_connect_swapped (self->join_button, "clicked", G_CALLBACK (join_clicked_cb), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (bar), GTK_WIDGET (self->join_button));
  gtk_box_append (GTK_BOX (box), bar);

  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (body, 18);
  gtk_widget_set_margin_end (body, 18);
  gtk_widget_set_margin_top (body, 12);
  gtk_widget_set_margin_bottom (body, 12);
  GtkStringList *layer_names = gtk_string_list_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (layers); i++)
    gtk_string_list_append (layer_names, cm_layer_title (layers[i]));
  self->layer_drop = GTK_DROP_DOWN (labelled (body, _("The rows are _features of"),
                                              gtk_drop_down_new (G_LIST_MODEL (layer_names),
                                                                 NULL)));
  GtkStringList *columns = gtk_string_list_new ((const char *const *) header);
  self->column_drop = GTK_DROP_DOWN (labelled (body, _("The _column that names each row's "
                                                       "feature"),
                                               gtk_drop_down_new (G_LIST_MODEL (columns), NULL)));
  const char *fields[] = { _("its name"), _("its id in the source (source_id)"),
                           _("its uuid"), NULL };
  self->field_drop = GTK_DROP_DOWN (labelled (body, _("… and _matches"),
                                              gtk_drop_down_new_from_strings (fields)));
  gtk_drop_down_set_selected (self->field_drop, guess_field (rows, 0));
  self->text = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->text, TRUE);
  gtk_label_set_xalign (self->text, 0);
  gtk_label_set_yalign (self->text, 0);
  gtk_label_set_selectable (self->text, TRUE);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_widget_set_margin_top (scroller, 12);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->text));
  gtk_box_append (GTK_BOX (body), scroller);
  gtk_box_append (GTK_BOX (box), body);
  adw_window_set_content (ADW_WINDOW (self), box);

  g_signal_connect_swapped (self->layer_drop, "notify::selected", G_CALLBACK (key_changed_cb),
                            self);
  g_signal_connect_swapped (self->column_drop, "notify::selected", G_CALLBACK (key_changed_cb),
                            self);
  g_signal_connect_swapped (self->field_drop, "notify::selected", G_CALLBACK (key_changed_cb),
                            self);
  update_preview (self);
  return self;
}

void
cm_join_dialog_set_key (CmJoinDialog *self, CmLayer layer, const char *column, const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (layers); i++)
    if (layers[i] == layer)
      gtk_drop_down_set_selected (self->layer_drop, i);
  for (guint i = 0; i < self->headers->len; i++)
    if (g_strcmp0 (self->headers->pdata[i], column) == 0)
      gtk_drop_down_set_selected (self->column_drop, i);
  for (guint i = 0; i < G_N_ELEMENTS (key_fields); i++)
    if (g_strcmp0 (key_fields[i], field) == 0)
      gtk_drop_down_set_selected (self->field_drop, i);
  update_preview (self);
}

const CmJoinPreview *
cm_join_dialog_get_preview (CmJoinDialog *self)
{
  return self->preview;
}

const char *
cm_join_dialog_get_text (CmJoinDialog *self)
{
  return gtk_label_get_text (self->text);
}
