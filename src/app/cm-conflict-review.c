/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-conflict-review.c: the features a merge found changed on two copies, reviewed. */
#include "config.h"

#include "cm-conflict-review.h"

#include <glib/gi18n.h>

#include "cm-category-ui.h"

struct _CmConflictReview
{
  AdwWindow parent_instance;
  CmStore *store;
  CmHistory *history;
  GtkListBox *list;
  GtkLabel *status; /* how many are left, or why a choice was refused */
  GPtrArray *conflicts; /* CmConflict*, one per row */
};

G_DEFINE_FINAL_TYPE (CmConflictReview, cm_conflict_review, ADW_TYPE_WINDOW)

enum
{
  SHOW,
  RESOLVED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* A field's name for people. */
static const char *
field_label (const char *table, const char *field)
{
  if (g_str_equal (field, "name"))
    return _("Name");
  if (g_str_equal (field, "category"))
    return _("Category");
  if (g_str_equal (field, "geom"))
    return _("Place and shape");
  if (g_str_equal (field, "description"))
    return _("Description");
  if (g_str_equal (field, "deleted"))
    return _("Deleted");
  const CmLayerField *f = cm_layer_find_field (cm_layer_from_string (table), field);
  return f ? _(f->label) : field;
}

/* A value for people: the deletion said in words, a long one cut. */
static char *
value_words (const char *field, const char *value)
{
  if (g_str_equal (field, "deleted"))
    return g_strdup (g_str_equal (value, "1") ? _("deleted") : _("kept"));
  if (g_utf8_strlen (value, -1) > 40)
    {
      g_autofree char *head = g_utf8_substring (value, 0, 40);
      return g_strconcat (head, "…", NULL);
    }
  return g_strdup (*value ? value : _("(empty)"));
}

static void
resolve (CmConflictReview *self, guint index, CmResolve keep)
{
  if (index >= self->conflicts->len)
    return;
  const CmConflict *c = self->conflicts->pdata[index];
  CmLayer layer = cm_layer_from_string (c->table);
  g_autoptr (GError) error = NULL;
  CmFeature *before = layer != CM_LAYER_NONE
                          ? cm_store_get_feature (self->store, layer, c->uuid, NULL)
                          : NULL;
  g_autofree char *fresh = NULL;
  /* the decision's conflicts, which undoing it brings back to review */
  GPtrArray *conflicts_before = NULL;
  if (before)
    {
      g_autoptr (GPtrArray) one = g_ptr_array_new ();
      g_ptr_array_add (one, before);
      conflicts_before = cm_history_save_conflicts (self->history, one);
    }
  if (!cm_merge_resolve (self->store, c->uuid, keep, &fresh, &error))
    {
      g_clear_object (&before);
      g_clear_pointer (&conflicts_before, g_ptr_array_unref);
      gtk_label_set_text (self->status, error->message);
      return;
    }
  double box[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  if (before)
    {
      /* one step of the history: the feature, and the copy "keep both" made */
      GPtrArray *b = g_ptr_array_new_with_free_func (g_object_unref);
      GPtrArray *a = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (b, before);
      g_ptr_array_add (a, cm_store_get_feature (self->store, layer, c->uuid, NULL));
      CmFeature *made = fresh ? cm_store_get_feature (self->store, layer, fresh, NULL) : NULL;
      if (made)
        {
          CmFeature *tomb = cm_feature_copy (made);
          _cm_feature_set_deleted (tomb, TRUE);
          g_ptr_array_add (b, tomb);
          g_ptr_array_add (a, made);
        }
      for (guint i = 0; i < a->len; i++)
        for (int k = 0; k < 2; k++)
          {
            double fb[4];
            cm_feature_get_bbox ((k ? a : b)->pdata[i], fb);
            box[0] = MIN (box[0], fb[0]), box[1] = MIN (box[1], fb[1]);
            box[2] = MAX (box[2], fb[2]), box[3] = MAX (box[3], fb[3]);
          }
      cm_history_record (self->history, b, a, conflicts_before);
    }
  g_signal_emit (self, signals[RESOLVED], 0, box);
  cm_conflict_review_refresh (self);
}

static void
keep_clicked_cb (GtkButton *button, CmConflictReview *self)
{
  resolve (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index")),
           (CmResolve) GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "keep")));
}

static void
row_activated_cb (GtkListBox *list, GtkListBoxRow *row, CmConflictReview *self)
{
  guint i = (guint) gtk_list_box_row_get_index (row);
  if (i >= self->conflicts->len)
    return;
  const CmConflict *c = self->conflicts->pdata[i];
  g_signal_emit (self, signals[SHOW], 0, (int) cm_layer_from_string (c->table), c->uuid,
                 c->theirs_wkb);
}

static GtkWidget *
conflict_row (CmConflictReview *self, const CmConflict *c, guint index)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  CmLayer layer = cm_layer_from_string (c->table);
  g_autofree char *title = g_strdup_printf ("%s · %s", c->name && *c->name ? c->name : _("(no name)"),
                                            layer != CM_LAYER_NONE ? cm_layer_title (layer)
                                                                   : c->table);
  GtkWidget *heading = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (box), heading);
  for (guint f = 0; f < c->fields->len; f++)
    {
      const char *field = c->fields->pdata[f];
      g_autofree char *mine = value_words (field, c->mine->pdata[f]);
      g_autofree char *theirs = value_words (field, c->theirs->pdata[f]);
      g_autofree char *line =
          g_str_equal (field, "geom")
              ? g_strdup_printf (_("%s: differs on the two copies (the other dashed on the map)"),
                                 field_label (c->table, field))
              /* TRANSLATORS: a field, this map's value, the other copy's */
              : g_strdup_printf (_("%s: here “%s” · other copy “%s”"),
                                 field_label (c->table, field), mine, theirs);
      GtkWidget *label = gtk_label_new (line);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_box_append (GTK_BOX (box), label);
    }
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_top (buttons, 4);
  const struct
  {
    const char *label;
    CmResolve keep;
  } choices[] = { { N_("Keep _This"), CM_RESOLVE_MINE },
                  { N_("Keep _Other"), CM_RESOLVE_THEIRS },
                  { N_("Keep _Both"), CM_RESOLVE_BOTH } };
  for (gsize k = 0; k < G_N_ELEMENTS (choices); k++)
    {
      GtkWidget *b = gtk_button_new_with_mnemonic (_(choices[k].label));
      g_object_set_data (G_OBJECT (b), "index", GUINT_TO_POINTER (index));
      g_object_set_data (G_OBJECT (b), "keep", GINT_TO_POINTER (choices[k].keep));
      g_signal_connect (b, "clicked", G_CALLBACK (keep_clicked_cb), self);
      gtk_box_append (GTK_BOX (buttons), b);
    }
  gtk_box_append (GTK_BOX (box), buttons);
  return box;
}

void
cm_conflict_review_refresh (CmConflictReview *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))))
    gtk_list_box_remove (self->list, child);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);
  g_autoptr (GError) error = NULL;
  self->conflicts = cm_merge_list_conflicts (self->store, &error);
  if (self->conflicts == NULL)
    {
      self->conflicts = g_ptr_array_new ();
      gtk_label_set_text (self->status, error->message);
      return;
    }
  for (guint i = 0; i < self->conflicts->len; i++)
    gtk_list_box_append (self->list, conflict_row (self, self->conflicts->pdata[i], i));
  g_autofree char *status =
      self->conflicts->len == 0
          ? g_strdup (_("No conflicts left: every copy's changes are in the map."))
          : g_strdup_printf (ngettext ("%u feature was changed on two copies. Choose a row to "
                                       "see it on the map, then keep one version or both.",
                                       "%u features were changed on two copies. Choose a row to "
                                       "see it on the map, then keep one version or both.",
                                       self->conflicts->len),
                             self->conflicts->len);
  gtk_label_set_text (self->status, status);
}

guint
cm_conflict_review_get_n_conflicts (CmConflictReview *self)
{
  return self->conflicts ? self->conflicts->len : 0;
}

static void
cm_conflict_review_dispose (GObject *object)
{
  CmConflictReview *self = CM_CONFLICT_REVIEW (object);
  g_clear_object (&self->store);
  g_clear_object (&self->history);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);
  G_OBJECT_CLASS (cm_conflict_review_parent_class)->dispose (object);
}

static void
cm_conflict_review_class_init (CmConflictReviewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = cm_conflict_review_dispose;
  /* the layer, the feature's uuid, the other copy's shape (GBytes WKB, or NULL) */
  signals[SHOW] = g_signal_new ("show-conflict", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_STRING,
                                G_TYPE_POINTER);
  /* the box of what changed (minx, miny, maxx, maxy) */
  signals[RESOLVED] = g_signal_new ("resolved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cm_conflict_review_init (CmConflictReview *self)
{
}

CmConflictReview *
cm_conflict_review_new (GtkWindow *parent, CmStore *store, CmHistory *history)
{
  CmConflictReview *self = g_object_new (CM_TYPE_CONFLICT_REVIEW, "transient-for", parent,
                                         "default-width", 520, "default-height", 560, NULL);
  self->store = g_object_ref (store);
  self->history = g_object_ref (history);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status, TRUE);
  gtk_label_set_xalign (self->status, 0);
  gtk_widget_set_margin_start (GTK_WIDGET (self->status), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->status), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->status), 8);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->status), 8);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status));
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_SINGLE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_widget_set_margin_start (GTK_WIDGET (self->list), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->list), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->list), 12);
  g_signal_connect (self->list, "row-activated", G_CALLBACK (row_activated_cb), self);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->list));
  gtk_box_append (GTK_BOX (box), scroller);
  adw_window_set_content (ADW_WINDOW (self), box);
  gtk_window_set_title (GTK_WINDOW (self), _("Conflicts to Review"));
  cm_conflict_review_refresh (self);
  return self;
}
