/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-layer-table.c: a layer's attribute table. */
#include "config.h"

#include "cm-layer-table.h"
#include "cm-export-dialog.h"

#include <glib/gi18n.h>

#include "cm-table-model.h"

struct _CmLayerTable
{
  AdwWindow parent_instance;
  CmStore *store;
  CmHistory *history;
  CmLayer layer;
  CmTableModel *model;
  GtkMultiSelection *selection;
  GtkColumnView *view;
  GtkSearchEntry *filter;
  GtkDropDown *field_drop; /* the column "Set" and "Paste" write to */
  GtkEntry *value_entry;
  GtkButton *set_button;
  GtkLabel *status;        /* the rows, the chosen, or why a value was refused */
  GPtrArray *editable;     /* char*: the columns that can be changed, as in field_drop */
  char *sort_column;
  gboolean sort_descending;
  const char *probed;      /* the column whose sorter a probe reached first */
  gboolean reporting;      /* the status says why a value was refused: keep it a moment */
  /* the small editor a double-clicked cell opens */
  GtkPopover *editor;
  GtkEntry *editor_entry;
  guint editing_row;
  const char *editing_column; /* NULL: not editing */
  char *layer_title;
};

G_DEFINE_FINAL_TYPE (CmLayerTable, cm_layer_table, ADW_TYPE_WINDOW)

enum
{
  ROWS_CHOSEN,
  CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* ---- the status line ------------------------------------------------------------------------- */

static void
update_status (CmLayerTable *self)
{
  if (self->reporting)
    return;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autoptr (GtkBitset) chosen = gtk_selection_model_get_selection (
      GTK_SELECTION_MODEL (self->selection));
  guint k = (guint) gtk_bitset_get_size (chosen);
  g_autofree char *rows = cm_format_count (n);
  g_autofree char *text = k ? g_strdup_printf (ngettext ("%s rows, %u chosen", "%s rows, %u chosen", k),
                                               rows, k)
                            : g_strdup_printf (_("%s rows"), rows);
  gtk_label_set_text (self->status, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status), "error");
  gtk_widget_set_sensitive (GTK_WIDGET (self->set_button), k > 0);
}

/* Says why a value was refused, under the table, until the next change of rows. */
static void
report (CmLayerTable *self, const char *message)
{
  self->reporting = FALSE;
  update_status (self);
  gtk_label_set_text (self->status, message);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "error");
  gtk_widget_error_bell (GTK_WIDGET (self));
  self->reporting = TRUE;
}

/* ---- storing: one undoable step ---------------------------------------------------------------- */

static gboolean
store_changes (CmLayerTable *self, GPtrArray *before, GPtrArray *after, GError **error)
{
  if (after->len == 0)
    return TRUE;
  if (!cm_history_update_many (self->history, before, after, error))
    return FALSE;
  double bbox[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  for (guint i = 0; i < after->len; i++)
    {
      double b[4];
      cm_feature_get_bbox (after->pdata[i], b);
      bbox[0] = MIN (bbox[0], b[0]), bbox[1] = MIN (bbox[1], b[1]);
      bbox[2] = MAX (bbox[2], b[2]), bbox[3] = MAX (bbox[3], b[3]);
    }
  self->reporting = FALSE;
  /* the window draws again and refreshes this table (cm_layer_table_refresh) */
  g_signal_emit (self, signals[CHANGED], 0, bbox);
  return TRUE;
}

/* Sets @column of each of @features from @texts[i] (or @texts[0] for all when @one_text), and
 * stores the changed ones as one step; refused, nothing is stored and @error says which row. */
static gboolean
set_cells (CmLayerTable *self, GPtrArray *features, const guint *rows, const char *column,
           const char *const *texts, gboolean one_text, GError **error)
{
  g_autoptr (GPtrArray) before = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) after = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < features->len; i++)
    {
      CmFeature *f = features->pdata[i];
      g_autoptr (CmFeature) changed = cm_feature_copy (f);
      g_autoptr (GError) local = NULL;
      const char *text = texts[one_text ? 0 : i];
      if (!cm_table_set_cell (self->store, changed, column, text, &local))
        {
          /* TRANSLATORS: "Row 12: Households takes a whole number …; nothing was changed" */
          g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                       _("Row %u: %s; nothing was changed"), rows[i] + 1, local->message);
          return FALSE;
        }
      g_autofree char *was = cm_table_cell_text (self->store, f, column);
      g_autofree char *now = cm_table_cell_text (self->store, changed, column);
      if (g_strcmp0 (was, now) == 0)
        continue;
      g_ptr_array_add (before, g_object_ref (f));
      g_ptr_array_add (after, g_steal_pointer (&changed));
    }
  return store_changes (self, before, after, error);
}

gboolean
cm_layer_table_edit_cell (CmLayerTable *self, guint row, const char *column, const char *text,
                          GError **error)
{
  g_autoptr (CmFeature) f = g_list_model_get_item (G_LIST_MODEL (self->model), row);
  g_return_val_if_fail (f != NULL, FALSE);
  g_autoptr (GPtrArray) one = g_ptr_array_new ();
  g_ptr_array_add (one, f);
  const char *texts[] = { text };
  gboolean ok = set_cells (self, one, &row, column, texts, TRUE, error);
  if (!ok && error && *error)
    report (self, (*error)->message);
  return ok;
}

/* The chosen rows' positions, in order. */
static GArray *
chosen_rows (CmLayerTable *self)
{
  g_autoptr (GtkBitset) chosen = gtk_selection_model_get_selection (
      GTK_SELECTION_MODEL (self->selection));
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (guint));
  GtkBitsetIter it;
  guint row;
  for (gboolean more = gtk_bitset_iter_init_first (&it, chosen, &row); more;
       more = gtk_bitset_iter_next (&it, &row))
    g_array_append_val (rows, row);
  return rows;
}

GPtrArray *
cm_layer_table_get_chosen (CmLayerTable *self)
{
  g_autoptr (GArray) rows = chosen_rows (self);
  GPtrArray *features = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (features, g_list_model_get_item (G_LIST_MODEL (self->model),
                                                      g_array_index (rows, guint, i)));
  return features;
}

gboolean
cm_layer_table_set_for_chosen (CmLayerTable *self, const char *column, const char *text,
                               GError **error)
{
  g_autoptr (GArray) rows = chosen_rows (self);
  g_autoptr (GPtrArray) features = cm_layer_table_get_chosen (self);
  const char *texts[] = { text };
  gboolean ok = set_cells (self, features, (const guint *) rows->data, column, texts, TRUE,
                           error);
  if (!ok && error && *error)
    report (self, (*error)->message);
  return ok;
}

gboolean
cm_layer_table_paste (CmLayerTable *self, const char *column, const char *text, GError **error)
{
  g_autoptr (GArray) chosen = chosen_rows (self);
  guint first = chosen->len ? g_array_index (chosen, guint, 0) : 0;
  g_autoptr (GPtrArray) lines = cm_join_split_table (text ? text : "");
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  gboolean ok = TRUE;
  if (lines->len == 0)
    ok = FALSE, g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                             _("Nothing to paste: copy a column of cells first"));
  else if (first + lines->len > n)
    ok = FALSE, g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                             _("%u values were pasted but only %u rows follow; nothing was "
                               "changed"),
                             lines->len, n - first);
  /* the first pasted column goes into @column, the next into the editable column after it */
  guint start = 0;
  while (start < self->editable->len && g_strcmp0 (self->editable->pdata[start], column) != 0)
    start++;
  g_autoptr (GPtrArray) before = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) after = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint r = 0; ok && r < lines->len; r++)
    {
      char **cells = lines->pdata[r];
      g_autoptr (CmFeature) f = g_list_model_get_item (G_LIST_MODEL (self->model), first + r);
      g_autoptr (CmFeature) changed = cm_feature_copy (f);
      for (guint c = 0; ok && cells[c]; c++)
        {
          if (start + c >= self->editable->len)
            {
              ok = FALSE;
              g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                           _("The pasted table is wider than the columns that follow; nothing "
                             "was changed"));
              break;
            }
          g_autoptr (GError) local = NULL;
          if (!cm_table_set_cell (self->store, changed, self->editable->pdata[start + c],
                                  cells[c], &local))
            {
              ok = FALSE;
              g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                           _("Row %u: %s; nothing was changed"), first + r + 1, local->message);
            }
        }
      if (ok)
        {
          g_ptr_array_add (before, g_steal_pointer (&f));
          g_ptr_array_add (after, g_steal_pointer (&changed));
        }
    }
  ok = ok && store_changes (self, before, after, error);
  if (!ok && error && *error)
    report (self, (*error)->message);
  return ok;
}

/* ---- the cells -------------------------------------------------------------------------------- */

static gboolean
is_editable (CmLayerTable *self, const char *column)
{
  for (guint i = 0; i < self->editable->len; i++)
    if (g_str_equal (self->editable->pdata[i], column))
      return TRUE;
  return FALSE;
}

/* Cells are GtkInscriptions, the lightest text GTK has: a table shows a few hundred at once,
 * and an editable label in each (a label, an entry and a stack) doubled the time the table
 * took to open. A double-click (or Enter on a row) opens one editor over the cell instead. */
static void
setup_cell_cb (GtkSignalListItemFactory *factory, GtkListItem *item, CmLayerTable *self)
{
  GtkWidget *cell = gtk_inscription_new (NULL);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), 0);
  g_object_set_data (G_OBJECT (cell), "item", item);
  g_object_set_data (G_OBJECT (cell), "column", g_object_get_data (G_OBJECT (factory), "column"));
  gtk_list_item_set_child (item, cell);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory, GtkListItem *item, CmLayerTable *self)
{
  gint64 t0 = g_get_monotonic_time ();
  const char *column = g_object_get_data (G_OBJECT (factory), "column");
  g_autofree char *text = cm_table_cell_text (self->store, gtk_list_item_get_item (item), column);
  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (item)), text);
  cm_table_model_add_work (self->model, g_get_monotonic_time () - t0);
}

/* ---- the cell editor --------------------------------------------------------------------------- */

/* What was typed is stored (one step) and the editor closes; a value the field does not take
 * keeps it open, the reason in the status line. */
static void
editor_commit (CmLayerTable *self)
{
  if (self->editing_column == NULL)
    return;
  const char *column = self->editing_column;
  g_autofree char *was = cm_layer_table_get_cell (self, self->editing_row, column);
  g_autofree char *typed = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->editor_entry)));
  g_autoptr (GError) error = NULL;
  if (g_strcmp0 (was ? was : "", typed) != 0 &&
      !cm_layer_table_edit_cell (self, self->editing_row, column, typed, &error))
    {
      gtk_editable_select_region (GTK_EDITABLE (self->editor_entry), 0, -1);
      return;
    }
  self->editing_column = NULL;
  gtk_popover_popdown (self->editor);
}

/* Closed by a click elsewhere: what was typed is kept, as a spreadsheet does. */
static void
editor_closed_cb (CmLayerTable *self)
{
  editor_commit (self);
  self->editing_column = NULL;
}

static void
editor_escape_cb (CmLayerTable *self)
{
  self->editing_column = NULL; /* nothing stored */
  gtk_popover_popdown (self->editor);
}

static gboolean
editor_key_cb (GtkEventControllerKey *keys, guint keyval, guint keycode, GdkModifierType state,
               CmLayerTable *self)
{
  if (keyval != GDK_KEY_Escape)
    return FALSE;
  editor_escape_cb (self);
  return TRUE;
}

/* The cell widget showing @row's @column, if it is on screen. */
static GtkWidget *
find_cell (GtkWidget *root, guint row, const char *column)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkListItem *item = g_object_get_data (G_OBJECT (c), "item");
      if (item && gtk_list_item_get_position (item) == row &&
          g_strcmp0 (g_object_get_data (G_OBJECT (c), "column"), column) == 0 &&
          gtk_widget_get_mapped (c))
        return c;
      GtkWidget *found = find_cell (c, row, column);
      if (found)
        return found;
    }
  return NULL;
}

gboolean
cm_layer_table_start_editing (CmLayerTable *self, guint row, const char *column)
{
  if (column == NULL || !is_editable (self, column) || row >= cm_layer_table_get_n_rows (self))
    return FALSE;
  GtkWidget *cell = find_cell (GTK_WIDGET (self->view), row, column);
  graphene_rect_t bounds;
  if (cell == NULL || !gtk_widget_compute_bounds (cell, GTK_WIDGET (self->view), &bounds))
    return FALSE;
  self->editing_row = row;
  self->editing_column = NULL; /* the old editor (if any) closes without storing twice */
  gtk_popover_popdown (self->editor);
  g_autofree char *text = cm_layer_table_get_cell (self, row, column);
  gtk_editable_set_text (GTK_EDITABLE (self->editor_entry), text ? text : "");
  gtk_widget_set_size_request (GTK_WIDGET (self->editor_entry), MAX (120, (int) bounds.size.width), -1);
  gtk_popover_set_pointing_to (self->editor, &(GdkRectangle) { (int) bounds.origin.x,
                                                               (int) bounds.origin.y,
                                                               (int) bounds.size.width,
                                                               (int) bounds.size.height });
  self->editing_column = column;
  gtk_popover_popup (self->editor);
  gtk_widget_grab_focus (GTK_WIDGET (self->editor_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->editor_entry), 0, -1);
  return TRUE;
}

GtkEntry *
cm_layer_table_get_editor (CmLayerTable *self)
{
  return self->editing_column ? self->editor_entry : NULL;
}

/* A double-click on a cell: its editor. (Seen on the way down, before the row takes the click
 * to choose itself, which it still does.) */
static void
view_pressed_cb (GtkGestureClick *click, int n_press, double x, double y, CmLayerTable *self)
{
  if (n_press != 2)
    return;
  GtkWidget *w = gtk_widget_pick (GTK_WIDGET (self->view), x, y, GTK_PICK_DEFAULT);
  while (w && g_object_get_data (G_OBJECT (w), "item") == NULL)
    w = gtk_widget_get_parent (w);
  if (w == NULL)
    return;
  GtkListItem *item = g_object_get_data (G_OBJECT (w), "item");
  const char *column = g_object_get_data (G_OBJECT (w), "column");
  if (!is_editable (self, column))
    {
      report (self, _("The category is changed in the feature's details, not in the table"));
      return;
    }
  cm_layer_table_start_editing (self, gtk_list_item_get_position (item), column);
}

static const char *chosen_field (CmLayerTable *self);

/* Enter on a row: the editor of the column chosen under the table. */
static void
view_activate_cb (GtkColumnView *view, guint position, CmLayerTable *self)
{
  if (self->editing_column == NULL)
    cm_layer_table_start_editing (self, position, chosen_field (self));
}

/* ---- sorting and filtering ------------------------------------------------------------------- */

/* Each column's sorter only says that it was asked (first: the column sorted by); the rows are
 * ordered by SQL, not by GTK, since they are not all loaded. */
static int
probe_compare (gconstpointer a, gconstpointer b, gpointer data)
{
  const char *column = data;
  CmLayerTable *self = g_object_get_data (G_OBJECT (a), "table");
  if (self && self->probed == NULL)
    self->probed = column;
  return GTK_ORDERING_SMALLER;
}

static void
reload (CmLayerTable *self)
{
  g_autoptr (GError) error = NULL;
  const char *filter = gtk_editable_get_text (GTK_EDITABLE (self->filter));
  if (!cm_table_model_reload (self->model, filter, self->sort_column, self->sort_descending,
                              &error))
    report (self, error->message);
  self->reporting = FALSE;
  update_status (self);
}

static void
sorter_changed_cb (GtkSorter *sorter, GtkSorterChange change, CmLayerTable *self)
{
  if (self->model == NULL)
    return;
  /* which column, and which way: ask the view's sorter about two probes */
  g_autoptr (GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr (GObject) b = g_object_new (G_TYPE_OBJECT, NULL);
  g_object_set_data (a, "table", self);
  self->probed = NULL;
  GtkOrdering order = gtk_sorter_compare (sorter, a, b);
  g_free (self->sort_column);
  self->sort_column = g_strdup (self->probed);
  self->sort_descending = order == GTK_ORDERING_LARGER;
  reload (self);
}

static void
filter_changed_cb (CmLayerTable *self)
{
  reload (self);
}

/* ---- choosing rows ---------------------------------------------------------------------------- */

static void
selection_changed_cb (CmLayerTable *self)
{
  self->reporting = FALSE;
  update_status (self);
  g_signal_emit (self, signals[ROWS_CHOSEN], 0);
}

void
cm_layer_table_choose_rows (CmLayerTable *self, guint first, guint n)
{
  gtk_selection_model_select_range (GTK_SELECTION_MODEL (self->selection), first, n, TRUE);
}

/* Scrolls so that @row shows (GTK 4.8 has no gtk_column_view_scroll_to: rows are all as high,
 * so the row's place is its share of the whole height). */
static void
scroll_to_row (CmLayerTable *self, guint row)
{
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->view));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  if (adj == NULL || n == 0)
    return;
  double height = gtk_adjustment_get_upper (adj) / n;
  double page = gtk_adjustment_get_page_size (adj);
  gtk_adjustment_set_value (adj, MAX (0, row * height - page / 2));
}

void
cm_layer_table_show_feature (CmLayerTable *self, CmFeature *feature)
{
  if (feature == NULL || cm_feature_get_layer (feature) != self->layer)
    return;
  guint row = cm_table_model_find (self->model, cm_feature_get_id (feature));
  if (row == G_MAXUINT)
    return;
  g_autoptr (GtkBitset) chosen = gtk_selection_model_get_selection (
      GTK_SELECTION_MODEL (self->selection));
  if (!gtk_bitset_contains (chosen, row))
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), row, TRUE);
  scroll_to_row (self, row);
}

/* ---- the controls under the table ------------------------------------------------------------ */

static const char *
chosen_field (CmLayerTable *self)
{
  guint i = gtk_drop_down_get_selected (self->field_drop);
  return i < self->editable->len ? self->editable->pdata[i] : NULL;
}

static void
set_clicked_cb (CmLayerTable *self)
{
  g_autoptr (GError) error = NULL;
  cm_layer_table_set_for_chosen (self, chosen_field (self),
                                 gtk_editable_get_text (GTK_EDITABLE (self->value_entry)),
                                 &error);
}

static void
clipboard_read_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (CmLayerTable) self = data;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  g_autoptr (GError) error = NULL;
  if (text)
    cm_layer_table_paste (self, chosen_field (self), text, &error);
}

static void
paste_action (GtkWidget *widget, const char *name, GVariant *param)
{
  CmLayerTable *self = CM_LAYER_TABLE (widget);
  /* a text field being typed in takes its own paste */
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));
  if (focus && GTK_IS_TEXT (focus))
    {
      gtk_widget_activate_action (focus, "clipboard.paste", NULL);
      return;
    }
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, clipboard_read_cb,
                                 g_object_ref (self));
}

/* ---- building it ------------------------------------------------------------------------------ */

static void
cm_layer_table_dispose (GObject *object)
{
  CmLayerTable *self = CM_LAYER_TABLE (object);
  /* the view removes its columns as it goes, which changes its sorter: not ours to hear */
  if (self->editor)
    {
      g_signal_handlers_disconnect_by_data (self->editor, self);
      gtk_widget_unparent (GTK_WIDGET (self->editor));
      self->editor = NULL;
    }
  if (self->view)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->view), self);
  self->view = NULL;
  g_clear_object (&self->store);
  g_clear_object (&self->history);
  g_clear_object (&self->model);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->editable, g_ptr_array_unref);
  g_clear_pointer (&self->sort_column, g_free);
  g_clear_pointer (&self->layer_title, g_free);
  G_OBJECT_CLASS (cm_layer_table_parent_class)->dispose (object);
}

static void
cm_layer_table_class_init (CmLayerTableClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = cm_layer_table_dispose;
  signals[ROWS_CHOSEN] = g_signal_new ("rows-chosen", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* the box of what changed (minx, miny, maxx, maxy) */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  gtk_widget_class_install_action (widget_class, "table.paste", NULL, paste_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "table.paste",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cm_layer_table_init (CmLayerTable *self)
{
  self->editable = g_ptr_array_new_with_free_func (g_free);
}

static void
add_column (CmLayerTable *self, const char *column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_object_set_data (G_OBJECT (factory), "column", (gpointer) column);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), self);
  GtkColumnViewColumn *col = gtk_column_view_column_new (
      cm_table_column_title (self->layer, column), factory);
  gtk_column_view_column_set_resizable (col, TRUE);
  gtk_column_view_column_set_expand (col, g_str_equal (column, "description"));
  gtk_column_view_column_set_fixed_width (col, g_str_equal (column, "name")             ? 180
                                                   : g_str_equal (column, "compound_uuid") ? 170
                                                                                          : 110);
  GtkSorter *probe = GTK_SORTER (gtk_custom_sorter_new (probe_compare, (gpointer) column, NULL));
  gtk_column_view_column_set_sorter (col, probe);
  g_object_unref (probe);
  g_object_set_data_full (G_OBJECT (col), "column", g_strdup (column), g_free);
  gtk_column_view_append_column (self->view, col);
  g_object_unref (col);
}

gboolean
cm_layer_table_export (CmLayerTable *self, const char *path, GError **error)
{
  if (g_str_has_suffix (path, ".geojson"))
    {
      /* every feature of the layer, every field, as `cmap export --layer` writes it */
      g_autoptr (GFile) file = g_file_new_for_path (path);
      g_autoptr (GFileOutputStream) out = g_file_replace (file, NULL, FALSE,
                                                         G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                                         error);
      if (out == NULL)
        return FALSE;
      gint64 n = cm_export_geojson (self->store, self->layer, G_OUTPUT_STREAM (out), NULL, error);
      return g_output_stream_close (G_OUTPUT_STREAM (out), NULL, n >= 0 ? error : NULL) && n >= 0;
    }
  /* the rows shown, in their order */
  g_autoptr (CmSheet) sheet = cm_table_sheet (self->store, self->layer,
                                              cm_table_model_get_ids (self->model),
                                              self->layer_title, error);
  if (sheet == NULL)
    return FALSE;
  if (g_str_has_suffix (path, ".csv"))
    return cm_sheet_write_csv (sheet, path, TRUE, error); /* for people: Excel and WPS */
  g_autoptr (GPtrArray) sheets = g_ptr_array_new ();
  g_ptr_array_add (sheets, sheet);
  return cm_sheets_write_xlsx (sheets, path, error);
}

static gboolean
export_write (GObject *owner, const char *path, GError **error)
{
  return cm_layer_table_export (CM_LAYER_TABLE (owner), path, error);
}

static void
export_report (GObject *owner, const char *message)
{
  report (CM_LAYER_TABLE (owner), message);
}

static void
export_clicked_cb (CmLayerTable *self)
{
  g_autofree char *name = g_strconcat (self->layer_title, ".xlsx", NULL);
  cm_export_dialog_show (GTK_WINDOW (self), name, TRUE, G_OBJECT (self), export_write,
                         export_report);
}

CmLayerTable *
cm_layer_table_new (GtkWindow *parent, CmStore *store, CmHistory *history, CmLayer layer,
                    const char *layer_title)
{
  CmLayerTable *self = g_object_new (CM_TYPE_LAYER_TABLE, "transient-for", parent,
                                     "default-width", 900, "default-height", 560, NULL);
  self->store = g_object_ref (store);
  self->history = g_object_ref (history);
  self->layer = layer;
  self->model = cm_table_model_new (store, layer);
  const char *const *columns = cm_table_columns (layer);
  for (const char *const *c = columns; *c; c++)
    if (!g_str_equal (*c, "category"))
      g_ptr_array_add (self->editable, g_strdup (*c));

  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  /* TRANSLATORS: the attribute table's window: "Table: Buildings" */
  g_autofree char *title = g_strdup_printf (_("Table: %s"), layer_title);
  self->filter = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->filter), _("Show the rows with this text"));
  g_object_set (self->filter, "placeholder-text", _("Filter rows"), NULL);
  g_signal_connect_swapped (self->filter, "search-changed", G_CALLBACK (filter_changed_cb), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), GTK_WIDGET (self->filter));
  self->layer_title = g_strdup (layer_title);
  GtkWidget *export = gtk_button_new_with_mnemonic (_("_Export…"));
  gtk_widget_set_tooltip_text (export, _("Save the rows shown as a workbook (.xlsx) or CSV, or the "
                                         "whole layer with its shapes as GeoJSON"));
  g_signal_connect_swapped (export, "clicked", G_CALLBACK (export_clicked_cb), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), export);
  gtk_box_append (GTK_BOX (box), header);

  /* the rows read before anything listens: 57,000 rows added to a view already showing cost
   * GTK ten times what reading them does */
  g_autoptr (GError) error = NULL;
  if (!cm_table_model_reload (self->model, NULL, NULL, FALSE, &error))
    g_warning ("%s", error->message);
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->model)));
  g_signal_connect_swapped (self->selection, "selection-changed",
                            G_CALLBACK (selection_changed_cb), self);
  self->view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (
      g_object_ref (self->selection))));
  gtk_column_view_set_show_column_separators (self->view, TRUE);
  gtk_column_view_set_show_row_separators (self->view, TRUE);
  for (const char *const *c = columns; *c; c++)
    add_column (self, *c);
  g_signal_connect (gtk_column_view_get_sorter (self->view), "changed",
                    G_CALLBACK (sorter_changed_cb), self);
  GtkGesture *click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (view_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->view), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (self->view, "activate", G_CALLBACK (view_activate_cb), self);

  /* the cell editor: an entry in a popover over the cell; Enter stores, Escape does not */
  self->editor_entry = GTK_ENTRY (gtk_entry_new ());
  g_signal_connect_swapped (self->editor_entry, "activate", G_CALLBACK (editor_commit), self);
  GtkEventController *keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (editor_key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->editor_entry), keys);
  self->editor = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (self->editor, GTK_WIDGET (self->editor_entry));
  gtk_popover_set_position (self->editor, GTK_POS_BOTTOM);
  gtk_widget_set_parent (GTK_WIDGET (self->editor), GTK_WIDGET (self->view));
  g_signal_connect_swapped (self->editor, "closed", G_CALLBACK (editor_closed_cb), self);

  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->view));
  gtk_box_append (GTK_BOX (box), scroller);

  /* under the table: the rows, and one field set for every chosen row */
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (bar, 8);
  gtk_widget_set_margin_end (bar, 8);
  gtk_widget_set_margin_top (bar, 6);
  gtk_widget_set_margin_bottom (bar, 6);
  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status, 0);
  gtk_label_set_ellipsize (self->status, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (self->status), TRUE);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->status));
  GtkStringList *fields = gtk_string_list_new (NULL);
  for (guint i = 0; i < self->editable->len; i++)
    gtk_string_list_append (fields, cm_table_column_title (layer, self->editable->pdata[i]));
  self->field_drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (fields), NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->field_drop),
                               _("The column to set, or to paste into (Ctrl+V) from the first "
                                 "chosen row"));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->field_drop));
  self->value_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->value_entry, _("Value"));
  g_signal_connect_swapped (self->value_entry, "activate", G_CALLBACK (set_clicked_cb), self);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->value_entry));
  self->set_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Set for Chosen Rows")));
  g_signal_connect_swapped (self->set_button, "clicked", G_CALLBACK (set_clicked_cb), self);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->set_button));
  gtk_box_append (GTK_BOX (box), bar);
  adw_window_set_content (ADW_WINDOW (self), box);
  gtk_window_set_title (GTK_WINDOW (self), title);

  update_status (self);
  return self;
}

gint64
cm_layer_table_get_work_us (CmLayerTable *self)
{
  return cm_table_model_get_work_us (self->model);
}

CmLayer
cm_layer_table_get_layer (CmLayerTable *self)
{
  return self->layer;
}

void
cm_layer_table_refresh (CmLayerTable *self, gboolean rows_changed)
{
  if (rows_changed)
    {
      /* keep the chosen features chosen when their rows move */
      reload (self);
      return;
    }
  cm_table_model_features_changed (self->model);
  update_status (self);
}

void
cm_layer_table_set_filter (CmLayerTable *self, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->filter), text);
  reload (self); /* at once, not after the search entry's pause */
}

void
cm_layer_table_sort (CmLayerTable *self, const char *column, gboolean descending)
{
  GListModel *cols = gtk_column_view_get_columns (self->view);
  for (guint i = 0; i < g_list_model_get_n_items (cols); i++)
    {
      g_autoptr (GtkColumnViewColumn) col = g_list_model_get_item (cols, i);
      if (g_strcmp0 (g_object_get_data (G_OBJECT (col), "column"), column) == 0)
        gtk_column_view_sort_by_column (self->view, col,
                                        descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
    }
}

const char *
cm_layer_table_get_sort (CmLayerTable *self, gboolean *descending)
{
  if (descending)
    *descending = self->sort_descending;
  return self->sort_column;
}

guint
cm_layer_table_get_n_rows (CmLayerTable *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->model));
}

CmFeature *
cm_layer_table_get_row (CmLayerTable *self, guint row)
{
  return g_list_model_get_item (G_LIST_MODEL (self->model), row);
}

char *
cm_layer_table_get_cell (CmLayerTable *self, guint row, const char *column)
{
  g_autoptr (CmFeature) f = cm_layer_table_get_row (self, row);
  return f ? cm_table_cell_text (self->store, f, column) : NULL;
}
