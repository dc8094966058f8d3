/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-layer-form.c: the form of a station, team, compound, building or the boundary. */
#include "config.h"

#include "cm-layer-form.h"

#include <glib/gi18n.h>
#include <math.h>

/* One line of the form: an entry, and the reason under it when what it holds is refused. */
typedef struct
{
  const char *key;            /* "name", "description" or the field's name */
  const CmLayerField *field;  /* NULL for the name and the words */
  GtkEntry *entry;
  GtkLabel *problem;
  char *problem_text;         /* NULL while the value is fine */
} Line;

struct _CmLayerForm
{
  AdwWindow parent_instance;
  CmStore *store;
  CmFeature *feature;
  CmLayer layer;
  GtkBox *body;
  GtkButton *save_button;
  GtkButton *part_button;
  GtkLabel *parts_label;
  GPtrArray *lines;           /* Line* */
  /* the kind: a list of the map's kinds and "New kind…" at the end */
  GtkDropDown *kind_drop;
  GPtrArray *kinds;           /* CmKind*, in the list's order */
  GtkWidget *new_kind_box;
  GtkEntry *new_kind_entry;
  /* a building's compound: "where it stands" first, then each compound */
  GtkDropDown *compound_drop;
  GPtrArray *compound_uuids;  /* char*, NULL first */
  gboolean radius_typed;      /* the radius was typed: choosing a kind leaves it */
  gboolean finished;
};

G_DEFINE_FINAL_TYPE (CmLayerForm, cm_layer_form, ADW_TYPE_WINDOW)

enum
{
  FINISHED,
  ADD_PART,
  RADIUS_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
line_free (Line *line)
{
  g_free (line->problem_text);
  g_free (line);
}

static Line *
find_line (CmLayerForm *self, const char *key)
{
  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = self->lines->pdata[i];
      if (g_strcmp0 (line->key, key) == 0)
        return line;
    }
  return NULL;
}

static const char *
form_title (CmLayer layer)
{
  switch (layer)
    {
    case CM_LAYER_STATIONS: return _("Service Station");
    case CM_LAYER_TEAMS: return _("Volunteer Team");
    case CM_LAYER_COMPOUNDS: return _("Compound or Grid Cell");
    case CM_LAYER_BUILDINGS: return _("Building");
    case CM_LAYER_BOUNDARY: return _("Community Boundary");
    case CM_LAYER_REPORTS: return _("Resident's Report");
    default: return _("Feature");
    }
}

/* ---- checking as it is typed -------------------------------------------------------------- */

/* Checks @line's text; shows the reason under it when refused. */
static gboolean
check_line (CmLayerForm *self, Line *line)
{
  g_clear_pointer (&line->problem_text, g_free);
  if (line->field)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) value = NULL;
      if (!cm_layer_field_parse (line->field,
                                 gtk_editable_get_text (GTK_EDITABLE (line->entry)), &value,
                                 &error))
        line->problem_text = g_strdup (error->message);
    }
  gtk_label_set_text (line->problem, line->problem_text ? line->problem_text : "");
  gtk_widget_set_visible (GTK_WIDGET (line->problem), line->problem_text != NULL);
  if (line->problem_text)
    gtk_widget_add_css_class (GTK_WIDGET (line->entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (line->entry), "error");
  return line->problem_text == NULL;
}

static void
entry_changed_cb (GtkEditable *editable, CmLayerForm *self)
{
  Line *line = g_object_get_data (G_OBJECT (editable), "line");
  check_line (self, line);
  if (g_strcmp0 (line->key, "service_radius_m") == 0)
    g_signal_emit (self, signals[RADIUS_CHANGED], 0);
}

static void
entry_typed_cb (GtkEventControllerKey *keys, guint keyval, guint keycode,
                GdkModifierType state, CmLayerForm *self)
{
  self->radius_typed = TRUE;
}

/* ---- finishing ---------------------------------------------------------------------------- */

void
cm_layer_form_finish (CmLayerForm *self, gboolean save)
{
  if (self->finished)
    return;
  if (save)
    for (guint i = 0; i < self->lines->len; i++)
      {
        Line *line = self->lines->pdata[i];
        if (!check_line (self, line))
          {
            gtk_widget_grab_focus (GTK_WIDGET (line->entry));
            gtk_widget_error_bell (GTK_WIDGET (self));
            return;
          }
      }
  self->finished = TRUE;
  g_object_ref (self);
  g_signal_emit (self, signals[FINISHED], 0, save);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

static void
save_clicked_cb (CmLayerForm *self)
{
  cm_layer_form_finish (self, TRUE);
}

static void
discard_clicked_cb (CmLayerForm *self)
{
  cm_layer_form_finish (self, FALSE);
}

void
cm_layer_form_add_part (CmLayerForm *self)
{
  if (self->finished || !gtk_widget_get_visible (GTK_WIDGET (self->part_button)))
    return;
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  g_signal_emit (self, signals[ADD_PART], 0);
}

static void
part_clicked_cb (CmLayerForm *self)
{
  cm_layer_form_add_part (self);
}

static gboolean
close_request (GtkWindow *window)
{
  cm_layer_form_finish (CM_LAYER_FORM (window), FALSE);
  return TRUE;
}

static gboolean
escape_pressed (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  cm_layer_form_finish (CM_LAYER_FORM (widget), FALSE);
  return TRUE;
}

/* ---- the kind ----------------------------------------------------------------------------- */

static guint
kind_index (CmLayerForm *self, const char *key)
{
  for (guint i = 0; key && i < self->kinds->len; i++)
    if (g_str_equal (((CmKind *) self->kinds->pdata[i])->key, key))
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static void
fill_kinds (CmLayerForm *self, const char *selected)
{
  g_clear_pointer (&self->kinds, g_ptr_array_unref);
  self->kinds = cm_store_list_kinds (self->store, self->layer, NULL);
  if (self->kinds == NULL)
    self->kinds = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_kind_free);
  GtkStringList *labels = gtk_string_list_new (NULL);
  for (guint i = 0; i < self->kinds->len; i++)
    gtk_string_list_append (labels, cm_kind_label (self->kinds->pdata[i]));
  gtk_string_list_append (labels, _("New kind…"));
  gtk_drop_down_set_model (self->kind_drop, G_LIST_MODEL (labels));
  g_object_unref (labels);
  guint i = kind_index (self, selected);
  gtk_drop_down_set_selected (self->kind_drop, i);
}

static void
kind_chosen_cb (GtkDropDown *drop, GParamSpec *pspec, CmLayerForm *self)
{
  guint i = gtk_drop_down_get_selected (drop);
  gboolean adding = i != GTK_INVALID_LIST_POSITION && i == self->kinds->len;
  gtk_widget_set_visible (self->new_kind_box, adding);
  if (adding)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->new_kind_entry));
      return;
    }
  /* a station's radius follows its kind until one is typed */
  Line *radius = find_line (self, "service_radius_m");
  const CmKind *kind = i < self->kinds->len ? self->kinds->pdata[i] : NULL;
  if (radius && kind && !self->radius_typed && !isnan (kind->service_radius_m))
    {
      g_autofree char *text = g_strdup_printf ("%.0f", kind->service_radius_m);
      gtk_editable_set_text (GTK_EDITABLE (radius->entry), text);
    }
}

gboolean
cm_layer_form_add_kind (CmLayerForm *self, const char *label, GError **error)
{
  Line *radius = find_line (self, "service_radius_m");
  g_autoptr (GVariant) r = NULL;
  if (radius)
    cm_layer_field_parse (radius->field, gtk_editable_get_text (GTK_EDITABLE (radius->entry)), &r,
                          NULL);
  g_autofree char *key = cm_store_add_kind (self->store, self->layer, label,
                                            r ? g_variant_get_double (r) : NAN, error);
  if (key == NULL)
    return FALSE;
  fill_kinds (self, key);
  gtk_editable_set_text (GTK_EDITABLE (self->new_kind_entry), "");
  gtk_widget_set_visible (self->new_kind_box, FALSE);
  return TRUE;
}

static void
add_kind_cb (CmLayerForm *self)
{
  g_autoptr (GError) error = NULL;
  if (!cm_layer_form_add_kind (self, gtk_editable_get_text (GTK_EDITABLE (self->new_kind_entry)),
                               &error))
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->new_kind_entry), error->message);
    }
}

gboolean
cm_layer_form_select_kind (CmLayerForm *self, const char *key)
{
  guint i = self->kind_drop ? kind_index (self, key) : GTK_INVALID_LIST_POSITION;
  if (i == GTK_INVALID_LIST_POSITION)
    return FALSE;
  gtk_drop_down_set_selected (self->kind_drop, i);
  return TRUE;
}

const char *
cm_layer_form_get_kind (CmLayerForm *self)
{
  if (self->kind_drop == NULL)
    return NULL;
  guint i = gtk_drop_down_get_selected (self->kind_drop);
  return i < self->kinds->len ? ((CmKind *) self->kinds->pdata[i])->key : NULL;
}

/* ---- building the form -------------------------------------------------------------------- */

static GtkWidget *
heading (const char *text, GtkWidget *for_widget)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 6);
  if (for_widget)
    gtk_label_set_mnemonic_widget (GTK_LABEL (label), for_widget);
  return label;
}

static void
add_line (CmLayerForm *self, const char *key, const CmLayerField *field, const char *title,
          const char *text)
{
  Line *line = g_new0 (Line, 1);
  line->key = key;
  line->field = field;
  line->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_activates_default (line->entry, TRUE);
  if (field && (field->type == CM_VALUE_COUNT || field->type == CM_VALUE_METRES))
    {
      gtk_entry_set_input_purpose (line->entry, field->type == CM_VALUE_COUNT
                                                    ? GTK_INPUT_PURPOSE_DIGITS
                                                    : GTK_INPUT_PURPOSE_NUMBER);
      g_autofree char *max = cm_format_count (field->max);
      g_autofree char *hint = field->type == CM_VALUE_COUNT
                                  ? g_strdup_printf (_("A whole number, 0 to %s"), max)
                                  : g_strdup_printf (_("Metres, 0 to %s"), max);
      gtk_entry_set_placeholder_text (line->entry, hint);
    }
  gtk_editable_set_text (GTK_EDITABLE (line->entry), text ? text : "");
  g_object_set_data (G_OBJECT (line->entry), "line", line);
  gtk_widget_set_name (GTK_WIDGET (line->entry), key); /* tests and accessibility find it */
  g_signal_connect (line->entry, "changed", G_CALLBACK (entry_changed_cb), self);
  if (g_strcmp0 (key, "service_radius_m") == 0)
    {
      GtkEventController *keys = gtk_event_controller_key_new ();
      g_signal_connect (keys, "key-pressed", G_CALLBACK (entry_typed_cb), self);
      gtk_widget_add_controller (GTK_WIDGET (line->entry), keys);
    }
  line->problem = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (line->problem, TRUE);
  gtk_label_set_xalign (line->problem, 0);
  gtk_widget_add_css_class (GTK_WIDGET (line->problem), "error");
  gtk_widget_set_visible (GTK_WIDGET (line->problem), FALSE);
  gtk_box_append (self->body, heading (title, GTK_WIDGET (line->entry)));
  gtk_box_append (self->body, GTK_WIDGET (line->entry));
  gtk_box_append (self->body, GTK_WIDGET (line->problem));
  g_ptr_array_add (self->lines, line);
}

static void
add_kind_chooser (CmLayerForm *self, const CmLayerField *field, const char *selected)
{
  self->kind_drop = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_widget_set_name (GTK_WIDGET (self->kind_drop), "kind");
  gtk_box_append (self->body, heading (g_dgettext (GETTEXT_PACKAGE, field->label),
                                       GTK_WIDGET (self->kind_drop)));
  gtk_box_append (self->body, GTK_WIDGET (self->kind_drop));
  self->new_kind_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (self->new_kind_box, "linked");
  self->new_kind_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->new_kind_entry, _("Name of the new kind"));
  gtk_widget_set_hexpand (GTK_WIDGET (self->new_kind_entry), TRUE);
  g_signal_connect_swapped (self->new_kind_entry, "activate", G_CALLBACK (add_kind_cb), self);
  GtkWidget *add = gtk_button_new_with_mnemonic (_("_Add Kind"));
  g_signal_connect_swapped (add, "clicked", G_CALLBACK (add_kind_cb), self);
  gtk_box_append (GTK_BOX (self->new_kind_box), GTK_WIDGET (self->new_kind_entry));
  gtk_box_append (GTK_BOX (self->new_kind_box), add);
  gtk_widget_set_visible (self->new_kind_box, FALSE);
  gtk_box_append (self->body, self->new_kind_box);
  fill_kinds (self, selected);
  g_signal_connect (self->kind_drop, "notify::selected", G_CALLBACK (kind_chosen_cb), self);
}

/* A building's compound: "where it stands" (the compound that contains it, found when the
 * analyses run) or one chosen by hand. */
static void
add_compound_chooser (CmLayerForm *self, const CmLayerField *field, const char *selected)
{
  self->compound_uuids = g_ptr_array_new_with_free_func (g_free);
  GtkStringList *labels = gtk_string_list_new (NULL);
  gtk_string_list_append (labels, _("The compound it stands in"));
  g_ptr_array_add (self->compound_uuids, NULL);
  const double world[4] = { -180, -90, 180, 90 };
  g_autoptr (GListModel) compounds = cm_store_query_bbox (self->store, CM_LAYER_COMPOUNDS,
                                                          world, NULL);
  guint chosen = 0;
  for (guint i = 0; compounds && i < g_list_model_get_n_items (compounds); i++)
    {
      g_autoptr (CmFeature) c = g_list_model_get_item (compounds, i);
      const char *name = cm_feature_get_name (c);
      gtk_string_list_append (labels, name ? name : _("(no name)"));
      g_ptr_array_add (self->compound_uuids, g_strdup (cm_feature_get_uuid (c)));
      if (g_strcmp0 (selected, cm_feature_get_uuid (c)) == 0)
        chosen = self->compound_uuids->len - 1;
    }
  self->compound_drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (labels), NULL));
  gtk_drop_down_set_selected (self->compound_drop, chosen);
  gtk_widget_set_name (GTK_WIDGET (self->compound_drop), field->name);
  gtk_box_append (self->body, heading (g_dgettext (GETTEXT_PACKAGE, field->label),
                                       GTK_WIDGET (self->compound_drop)));
  gtk_box_append (self->body, GTK_WIDGET (self->compound_drop));
}

static void
cm_layer_form_dispose (GObject *object)
{
  CmLayerForm *self = CM_LAYER_FORM (object);
  g_clear_object (&self->store);
  g_clear_object (&self->feature);
  g_clear_pointer (&self->lines, g_ptr_array_unref);
  g_clear_pointer (&self->kinds, g_ptr_array_unref);
  g_clear_pointer (&self->compound_uuids, g_ptr_array_unref);
  G_OBJECT_CLASS (cm_layer_form_parent_class)->dispose (object);
}

static void
cm_layer_form_class_init (CmLayerFormClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = cm_layer_form_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = close_request;
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[ADD_PART] = g_signal_new ("add-part", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[RADIUS_CHANGED] = g_signal_new ("radius-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_pressed, NULL);
}

static void
cm_layer_form_init (CmLayerForm *self)
{
  self->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) line_free);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 460, 620);

  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  GtkWidget *discard = gtk_button_new_with_mnemonic (_("_Discard"));
  gtk_widget_set_tooltip_text (discard, _("Keep nothing of it (Escape)"));
  g_signal_connect_swapped (discard, "clicked", G_CALLBACK (discard_clicked_cb), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), discard);
  self->save_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Save")));
  gtk_widget_add_css_class (GTK_WIDGET (self->save_button), "suggested-action");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->save_button), _("Put it on the map (Enter)"));
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (save_clicked_cb), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->save_button));
  gtk_box_append (GTK_BOX (box), header);

  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  self->body = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 4));
  gtk_widget_set_margin_start (GTK_WIDGET (self->body), 18);
  gtk_widget_set_margin_end (GTK_WIDGET (self->body), 18);
  gtk_widget_set_margin_top (GTK_WIDGET (self->body), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->body), 18);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->body));
  gtk_box_append (GTK_BOX (box), scroller);
  adw_window_set_content (ADW_WINDOW (self), box);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->save_button));
}

CmLayerForm *
cm_layer_form_new (GtkWindow *parent, CmStore *store, CmFeature *feature)
{
  CmLayerForm *self = g_object_new (CM_TYPE_LAYER_FORM, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->feature = g_object_ref (feature);
  self->layer = cm_feature_get_layer (feature);
  gtk_window_set_title (GTK_WINDOW (self), form_title (self->layer));

  add_line (self, "name", NULL, _("_Name"), cm_feature_get_name (feature));
  const CmLayerInfo *info = cm_layer_get_info (self->layer);
  /* the kind first, so that a station's radius can follow it */
  for (guint i = 0; i < info->n_fields; i++)
    if (info->fields[i].type == CM_VALUE_KIND)
      {
        GVariant *v = cm_feature_get_field (feature, info->fields[i].name);
        add_kind_chooser (self, &info->fields[i], v ? g_variant_get_string (v, NULL) : NULL);
      }
  for (guint i = 0; i < info->n_fields; i++)
    {
      const CmLayerField *field = &info->fields[i];
      GVariant *v = cm_feature_get_field (feature, field->name);
      /* a report's status changes by a follow-up, and its responsible is a station or a team
       * (the report's own form, issue #18): neither is a line of this form */
      if (self->layer == CM_LAYER_REPORTS &&
          (field->type == CM_VALUE_CHOICE || field->type == CM_VALUE_UUID))
        continue;
      if (field->type == CM_VALUE_UUID)
        add_compound_chooser (self, field, v ? g_variant_get_string (v, NULL) : NULL);
      else if (field->type != CM_VALUE_KIND)
        {
          g_autofree char *text = cm_layer_field_format (field, v);
          /* TRANSLATORS: a field in metres: "Service radius (m)" */
          g_autofree char *title = field->type == CM_VALUE_METRES
                                       ? g_strdup_printf (_("%s (m)"),
                                                          g_dgettext (GETTEXT_PACKAGE, field->label))
                                       : g_strdup (g_dgettext (GETTEXT_PACKAGE, field->label));
          add_line (self, field->name, field, title, text);
        }
    }
  add_line (self, "description", NULL, _("A _few words"), cm_feature_get_description (feature));
  /* a new station starts with its kind's radius; one stored keeps its own */
  self->radius_typed = cm_feature_get_field (feature, "service_radius_m") != NULL;

  self->parts_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->parts_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->parts_label), "dim-label");
  gtk_widget_set_margin_top (GTK_WIDGET (self->parts_label), 12);
  self->part_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("Add a _Part")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->part_button),
                               _("Draw another area that belongs to it"));
  g_signal_connect_swapped (self->part_button, "clicked", G_CALLBACK (part_clicked_cb), self);
  gtk_widget_set_halign (GTK_WIDGET (self->part_button), GTK_ALIGN_START);
  gtk_widget_set_visible (GTK_WIDGET (self->parts_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->part_button), FALSE);
  gtk_box_append (self->body, GTK_WIDGET (self->parts_label));
  gtk_box_append (self->body, GTK_WIDGET (self->part_button));

  Line *name = find_line (self, "name");
  gtk_widget_grab_focus (GTK_WIDGET (name->entry));
  return self;
}

CmLayer
cm_layer_form_get_layer (CmLayerForm *self)
{
  return self->layer;
}

void
cm_layer_form_set_n_parts (CmLayerForm *self, guint n)
{
  g_autofree char *text = g_strdup_printf (ngettext ("%u part drawn", "%u parts drawn", n), n);
  gtk_label_set_text (self->parts_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->parts_label), n > 1);
  gtk_widget_set_visible (GTK_WIDGET (self->part_button), TRUE);
}

gboolean
cm_layer_form_apply (CmLayerForm *self, CmFeature *target, GError **error)
{
  /* every field checked before any is set: refused, the target stays as it was */
  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = self->lines->pdata[i];
      if (line->field == NULL)
        continue;
      g_autoptr (GVariant) v = NULL;
      if (!cm_layer_field_parse (line->field, gtk_editable_get_text (GTK_EDITABLE (line->entry)),
                                 &v, error))
        return FALSE;
    }
  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = self->lines->pdata[i];
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (line->entry))));
      if (line->field == NULL)
        {
          if (g_str_equal (line->key, "name"))
            cm_feature_set_name (target, *text ? text : NULL);
          else
            cm_feature_set_description (target, *text ? text : NULL);
          continue;
        }
      g_autoptr (GVariant) v = NULL;
      cm_layer_field_parse (line->field, text, &v, NULL);
      cm_feature_set_field (target, line->field->name, v);
    }
  if (self->kind_drop)
    {
      const char *kind = cm_layer_form_get_kind (self);
      cm_feature_set_field (target, "kind", kind ? g_variant_new_string (kind) : NULL);
    }
  if (self->compound_drop)
    {
      guint i = gtk_drop_down_get_selected (self->compound_drop);
      const char *uuid = i < self->compound_uuids->len ? self->compound_uuids->pdata[i] : NULL;
      cm_feature_set_field (target, "compound_uuid", uuid ? g_variant_new_string (uuid) : NULL);
    }
  return TRUE;
}

double
cm_layer_form_get_radius (CmLayerForm *self)
{
  Line *line = find_line (self, "service_radius_m");
  g_autoptr (GVariant) v = NULL;
  if (line == NULL ||
      !cm_layer_field_parse (line->field, gtk_editable_get_text (GTK_EDITABLE (line->entry)), &v,
                             NULL) ||
      v == NULL)
    return NAN;
  return g_variant_get_double (v);
}

void
cm_layer_form_set_text (CmLayerForm *self, const char *field, const char *text)
{
  Line *line = find_line (self, field);
  g_return_if_fail (line != NULL);
  if (g_strcmp0 (field, "service_radius_m") == 0)
    self->radius_typed = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (line->entry), text);
}

const char *
cm_layer_form_get_text (CmLayerForm *self, const char *field)
{
  Line *line = find_line (self, field);
  return line ? gtk_editable_get_text (GTK_EDITABLE (line->entry)) : NULL;
}

const char *
cm_layer_form_get_problem (CmLayerForm *self, const char *field)
{
  Line *line = find_line (self, field);
  return line ? line->problem_text : NULL;
}
