/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-window-table.c: a layer's attribute table in the window (issue #13), under xvfb-run:
 * sorting, filtering, a cell changed, one field set for chosen rows, a column pasted from a
 * spreadsheet, refused values, undo of each step, rows chosen in the table and on the map —
 * each checked against the file; Export… of the rows shown; and a table of 57,020 buildings. */
#include <math.h>
#include <string.h>

#include "cm-core.h"
#include "cm-store-private.h"
#include "cm-test-util.h"
#include "cm-window-test-util.h"

static CmLayerTable *
open_table (const char *layer)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.table", "s", layer);
  spin (200);
  CmLayerTable *table = cm_window_get_table (window);
  g_assert_nonnull (table);
  return table;
}

/* A text the map file has, from @sql (one text column). */
static char *
query_text (const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (map_path, &error);
  g_assert_no_error (error);
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  char *text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

static gint64
row_id (CmLayerTable *table, guint row)
{
  g_autoptr (CmFeature) f = cm_layer_table_get_row (table, row);
  return cm_feature_get_id (f);
}

static gint64
households_of (CmLayerTable *table, guint row)
{
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce(households, -1) FROM buildings"
                                          " WHERE id = %" G_GINT64_FORMAT, row_id (table, row));
  return count_rows (sql);
}

/* The cell editor a double click opened, once it has (10 s at most: slower under the
 * sanitizers); NULL when none came. */
static GtkEntry *
wait_for_editor (CmLayerTable *table)
{
  for (int i = 0; i < 100 && cm_layer_table_get_editor (table) == NULL; i++)
    spin (100);
  spin (100);
  return cm_layer_table_get_editor (table);
}

/* Sorted by name both ways and filtered, as SQL orders and finds them. */
static void
test_sort_and_filter (void)
{
  CmLayerTable *table = open_table ("buildings");
  g_assert_cmpint (cm_layer_table_get_n_rows (table), ==,
                   count_rows ("SELECT count(*) FROM buildings WHERE deleted = 0"));
  cm_layer_table_sort (table, "name", FALSE);
  gboolean descending = TRUE;
  g_assert_cmpstr (cm_layer_table_get_sort (table, &descending), ==, "name");
  g_assert_false (descending);
  g_autofree char *first = query_text ("SELECT name FROM buildings WHERE deleted = 0 AND name"
                                       " <> '' ORDER BY name, id LIMIT 1");
  g_autofree char *cell = cm_layer_table_get_cell (table, 0, "name");
  g_assert_cmpstr (cell, ==, first);
  cm_layer_table_sort (table, "name", TRUE);
  g_assert_cmpstr (cm_layer_table_get_sort (table, &descending), ==, "name");
  g_assert_true (descending);
  g_autofree char *last = query_text ("SELECT name FROM buildings WHERE deleted = 0 AND name"
                                      " <> '' ORDER BY name DESC, id LIMIT 1");
  g_autofree char *top = cm_layer_table_get_cell (table, 0, "name");
  g_assert_cmpstr (top, ==, last);
  /* unnamed buildings last either way */
  g_autofree char *bottom = cm_layer_table_get_cell (table, cm_layer_table_get_n_rows (table) - 1,
                                                     "name");
  g_assert_null (bottom);

  cm_layer_table_set_filter (table, "楼");
  gint64 want = count_rows ("SELECT count(*) FROM buildings WHERE deleted = 0 AND (instr(name,"
                            " '楼') > 0 OR instr(description, '楼') > 0)");
  g_test_message ("filter 楼: %u rows, SQL %" G_GINT64_FORMAT, cm_layer_table_get_n_rows (table),
                  want);
  g_assert_cmpint (want, >, 0);
  g_assert_cmpint (cm_layer_table_get_n_rows (table), ==, want);
  cm_layer_table_set_filter (table, "");
  cm_layer_table_sort (table, "households", FALSE);
}

/* Export…: the rows shown (filtered, sorted) as a workbook and as CSV with a byte order mark,
 * the whole layer with its shapes as GeoJSON; read back with openpyxl and json: the rows, their
 * order, the households as numbers, the file's count of buildings. */
static void
test_export (void)
{
  CmLayerTable *table = open_table ("buildings");
  cm_layer_table_set_filter (table, "楼");
  cm_layer_table_sort (table, "households", TRUE);
  guint n = cm_layer_table_get_n_rows (table);
  g_assert_cmpuint (n, >, 0);
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *xlsx = g_build_filename (dir, "楼栋.xlsx", NULL);
  g_autofree char *csv = g_build_filename (dir, "楼栋.csv", NULL);
  g_autofree char *geojson = g_build_filename (dir, "楼栋.geojson", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_layer_table_export (table, xlsx, &error));
  g_assert_true (cm_layer_table_export (table, csv, &error));
  g_assert_true (cm_layer_table_export (table, geojson, &error));
  g_assert_no_error (error);
  /* the rows as the table shows them: uuid and households, one a line */
  GString *shown = g_string_new (NULL);
  for (guint r = 0; r < n; r++)
    {
      g_autoptr (CmFeature) f = cm_layer_table_get_row (table, r);
      g_string_append_printf (shown, "%s %" G_GINT64_FORMAT "\n", cm_feature_get_uuid (f),
                              households_of (table, r));
    }
  g_autofree char *list = g_build_filename (dir, "shown.txt", NULL);
  g_assert_true (g_file_set_contents (list, shown->str, -1, NULL));
  g_string_free (shown, TRUE);
  g_autofree char *all = g_strdup_printf ("%" G_GINT64_FORMAT,
                                          count_rows ("SELECT count(*) FROM buildings WHERE"
                                                      " deleted = 0"));
  const char *argv[] = { "/usr/bin/python3", "-c",
                         "import json, openpyxl, sys\n"
                         "x, listed, c, g, n = sys.argv[1:]\n"
                         "ws = openpyxl.load_workbook(x).active\n"
                         "head = [v.value for v in ws[1]]\n"
                         "h = head.index('Households')\n"
                         "rows = [(r[0], -1 if r[h] is None else r[h]) for r in ws.iter_rows(min_row=2, values_only=True)]\n"
                         "want = [(l.split()[0], int(l.split()[1])) for l in open(listed) if l.strip()]\n"
                         "assert rows == want, (rows[:3], want[:3])\n"
                         "assert ws.freeze_panes == 'A2'\n"
                         "raw = open(c, 'rb').read()\n"
                         "assert raw.startswith(b'\\xef\\xbb\\xbfuuid,name,'), raw[:30]\n"
                         "assert raw.count(b'\\n') == len(want) + 1\n"
                         "d = json.load(open(g))\n"
                         "assert len(d['features']) == int(n), len(d['features'])\n",
                         xlsx, list, csv, geojson, all, NULL };
  int status = 0;
  g_autofree char *err = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err,
                               &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("the exported table: %s", err);
  cm_layer_table_set_filter (table, "");
}

/* The cell widget of @row, @column in the table on screen. */
static GtkWidget *
cell_widget (GtkWidget *root, guint row, const char *column)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkListItem *item = g_object_get_data (G_OBJECT (c), "item");
      if (item && gtk_list_item_get_position (item) == row && gtk_widget_get_mapped (c) &&
          g_strcmp0 (g_object_get_data (G_OBJECT (c), "column"), column) == 0)
        return c;
      GtkWidget *found = cell_widget (c, row, column);
      if (found)
        return found;
    }
  return NULL;
}

/* The middle of the cell of @row, @column in @table's coordinates, once the cell is shown and
 * laid out (10 s at most: a row redrawn after a change gets its size later, much later under
 * the sanitizers). */
static graphene_point_t
cell_centre (CmLayerTable *table, guint row, const char *column)
{
  graphene_point_t p = GRAPHENE_POINT_INIT (0, 0);
  for (int i = 0; i < 100; i++)
    {
      GtkWidget *cell = cell_widget (GTK_WIDGET (table), row, column);
      if (cell && gtk_widget_get_width (cell) > 0 &&
          gtk_widget_compute_point (cell, GTK_WIDGET (table),
                                    &GRAPHENE_POINT_INIT (gtk_widget_get_width (cell) / 2.0,
                                                          gtk_widget_get_height (cell) / 2.0),
                                    &p) &&
          p.x > gtk_widget_get_width (cell) / 2.0) /* not the first column: laid out beside it */
        return p;
      spin (100);
    }
  g_error ("the cell of row %u, %s is not shown", row, column);
}

/* Whether a label under @root shows a text with @part in it. */
static gboolean
label_says (GtkWidget *root, const char *part)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    if ((GTK_IS_LABEL (c) && strstr (gtk_label_get_text (GTK_LABEL (c)), part)) ||
        label_says (c, part))
      return TRUE;
  return FALSE;
}

/* As a person does it: a double-click on a cell opens its editor; "abc" and Enter is refused
 * (the editor stays, the reason under the table, nothing stored); 52 and Enter is stored;
 * another double-click, 7 and Escape stores nothing; undone. */
static void
test_edit_cell_by_hand (void)
{
  CmLayerTable *table = open_table ("buildings");
  spin (300);
  guint row = 5;
  gint64 before = households_of (table, row), id = row_id (table, row);
  graphene_point_t p = cell_centre (table, row, "households");
  g_assert_null (cm_layer_table_get_editor (table));
  x_click_in (GTK_WINDOW (table), p.x, p.y, 2);
  GtkEntry *editor = wait_for_editor (table);
  g_assert_nonnull (editor);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (editor)));
  g_autofree char *shown = cm_layer_table_get_cell (table, row, "households");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editor)), ==, shown ? shown : "");
  /* the editor's text is chosen: typing replaces it */
  x_type_in (GTK_WINDOW (table), "abc");
  x_key_in (GTK_WINDOW (table), "Return");
  g_assert_nonnull (cm_layer_table_get_editor (table));
  g_assert_true (label_says (GTK_WIDGET (table), "not “abc”"));
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce(households, -1) FROM buildings"
                                          " WHERE id = %" G_GINT64_FORMAT, id);
  g_assert_cmpint (count_rows (sql), ==, before);
  x_type_in (GTK_WINDOW (table), "52");
  x_key_in (GTK_WINDOW (table), "Return");
  g_assert_null (cm_layer_table_get_editor (table));
  g_assert_cmpint (count_rows (sql), ==, 52);

  /* the stored value redraws the row: its cell again, once laid out */
  p = cell_centre (table, row, "households");
  x_click_in (GTK_WINDOW (table), p.x, p.y, 2);
  g_assert_nonnull (wait_for_editor (table));
  x_type_in (GTK_WINDOW (table), "7");
  x_key_in (GTK_WINDOW (table), "Escape");
  g_assert_null (cm_layer_table_get_editor (table));
  g_assert_cmpint (count_rows (sql), ==, 52);
  x_key ("ctrl+z");
  g_assert_cmpint (count_rows (sql), ==, before);
}

/* A cell typed: "abc" refused (the reason shown, nothing stored); 48 stored; undone. */
static void
test_edit_cell (void)
{
  CmLayerTable *table = open_table ("buildings");
  gint64 before = households_of (table, 3);
  g_autoptr (GError) error = NULL;
  g_assert_false (cm_layer_table_edit_cell (table, 3, "households", "abc", &error));
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "“abc”"));
  g_assert_cmpint (households_of (table, 3), ==, before);
  g_clear_error (&error);
  gint64 id = row_id (table, 3);
  g_assert_true (cm_layer_table_edit_cell (table, 3, "households", "48", &error));
  g_assert_no_error (error);
  g_autofree char *sql = g_strdup_printf ("SELECT households FROM buildings WHERE id = %"
                                          G_GINT64_FORMAT, id);
  g_assert_cmpint (count_rows (sql), ==, 48);
  g_autofree char *shown = cm_layer_table_get_cell (table, cm_layer_table_get_n_rows (table) - 1,
                                                    "households");
  (void) shown;
  x_key ("ctrl+z");
  g_autofree char *undone = g_strdup_printf ("SELECT coalesce(households, -1) FROM buildings"
                                             " WHERE id = %" G_GINT64_FORMAT, id);
  g_assert_cmpint (count_rows (undone), ==, before);
}

/* Five rows chosen, households set for all: one step; one undo gives all five back. */
static void
test_set_for_chosen (void)
{
  CmLayerTable *table = open_table ("buildings");
  cm_layer_table_sort (table, "name", FALSE);
  cm_layer_table_choose_rows (table, 10, 5);
  g_autoptr (GPtrArray) chosen = cm_layer_table_get_chosen (table);
  g_assert_cmpint (chosen->len, ==, 5);
  /* the map shows the first chosen, the details too */
  g_assert_nonnull (cm_window_get_selected (window));
  g_assert_cmpint (cm_feature_get_id (cm_window_get_selected (window)), ==, row_id (table, 10));
  g_autoptr (GError) error = NULL;
  g_assert_false (cm_layer_table_set_for_chosen (table, "households", "-1", &error));
  g_clear_error (&error);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM buildings WHERE households = 4321"), ==, 0);
  g_assert_true (cm_layer_table_set_for_chosen (table, "households", "4321", &error));
  g_assert_no_error (error);
  GString *ids = g_string_new (NULL);
  for (guint i = 0; i < chosen->len; i++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i ? "," : "",
                            cm_feature_get_id (chosen->pdata[i]));
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM buildings WHERE households = 4321"
                                          " AND id IN (%s)", ids->str);
  g_string_free (ids, TRUE);
  g_assert_cmpint (count_rows (sql), ==, 5);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM buildings WHERE households = 4321"), ==, 5);
  x_key ("ctrl+z");
  g_assert_cmpint (count_rows ("SELECT count(*) FROM buildings WHERE households = 4321"), ==, 0);
  x_key ("ctrl+shift+z");
  g_assert_cmpint (count_rows (sql), ==, 5);
  x_key ("ctrl+z");
}

/* A column copied from a spreadsheet (with a second column) pasted from the first chosen row:
 * households and residents of the next rows; a bad cell refuses the whole paste. */
static void
test_paste (void)
{
  CmLayerTable *table = open_table ("buildings");
  cm_layer_table_sort (table, "name", FALSE);
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (
      gtk_column_view_get_model (GTK_COLUMN_VIEW (find_widget (GTK_WIDGET (table),
                                                               GTK_TYPE_COLUMN_VIEW, NULL)))));
  cm_layer_table_choose_rows (table, 20, 1);
  gint64 was20 = households_of (table, 20), was21 = households_of (table, 21);
  g_autoptr (GError) error = NULL;
  g_assert_false (cm_layer_table_paste (table, "households", "7\t20\nx\t30\n", &error));
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Row 22"));
  g_clear_error (&error);
  g_assert_cmpint (households_of (table, 20), ==, was20);
  g_assert_true (cm_layer_table_paste (table, "households", "7\t20\r\n8\t22\r\n9\t24\r\n",
                                       &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT households * 1000 + population FROM"
                                              " buildings WHERE id = %" G_GINT64_FORMAT,
                                              row_id (table, 20 + i));
      g_assert_cmpint (count_rows (sql), ==, (7 + i) * 1000 + 20 + 2 * i);
    }
  x_key ("ctrl+z");
  g_assert_cmpint (households_of (table, 21), ==, was21);
}

/* A building clicked on the map is chosen in the table. */
static void
test_map_chooses_row (void)
{
  CmLayerTable *table = open_table ("buildings");
  CmFeature *b = select_lonely_building (FALSE);
  g_autoptr (GPtrArray) chosen = cm_layer_table_get_chosen (table);
  gboolean found = FALSE;
  for (guint i = 0; i < chosen->len; i++)
    found |= cm_feature_get_id (chosen->pdata[i]) == cm_feature_get_id (b);
  g_assert_true (found);
}

/* Import Table…: a GB18030 table of three buildings joined by source_id (one step, undone at
 * once); a table with a value that cannot be used joins nothing. */
static void
test_import_table (void)
{
  g_autofree char *ids = NULL;
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (CmStore) store = cm_store_open (map_path, &error);
    sqlite3_stmt *stmt = _cm_store_prepare (store, "SELECT group_concat(source_id, ' ') FROM"
                                                   " (SELECT source_id FROM buildings WHERE"
                                                   " deleted = 0 ORDER BY id LIMIT 3)", &error);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    ids = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
  }
  g_auto (GStrv) id = g_strsplit (ids, " ", 3);
  g_autofree char *utf8 = g_strdup_printf ("楼栋编号,户数,楼长,备注\r\n%s,4441,王一,甲\r\n"
                                           "%s,4442,王二,乙\r\n%s,4443,王三,丙\r\n",
                                           id[0], id[1], id[2]);
  gsize len;
  g_autofree char *gb = g_convert (utf8, -1, "GB18030", "UTF-8", NULL, &len, NULL);
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *csv = g_build_filename (dir, "楼栋.csv", NULL);
  g_assert_true (g_file_set_contents (csv, gb, (gssize) len, NULL));

  CmJoinDialog *dialog = cm_window_import_table (window, csv);
  g_assert_nonnull (dialog);
  cm_join_dialog_set_key (dialog, CM_LAYER_BUILDINGS, "楼栋编号", "source_id");
  const CmJoinPreview *p = cm_join_dialog_get_preview (dialog);
  g_test_message ("%s", cm_join_dialog_get_text (dialog));
  g_assert_cmpstr (p->encoding, ==, "GB18030");
  g_assert_cmpint (p->matched, ==, 3);
  g_assert_cmpint (p->after->len, ==, 3);
  g_assert_cmpint (p->left_out->len, ==, 1); /* 备注 */
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_join_dialog_apply (dialog, &error));
  g_assert_no_error (error);
  spin (100);
  const char *joined = "SELECT count(*) FROM buildings WHERE households BETWEEN 4441 AND 4443"
                       " AND building_head LIKE '王%'";
  g_assert_cmpint (count_rows (joined), ==, 3);
  x_key ("ctrl+z");
  g_assert_cmpint (count_rows (joined), ==, 0);
  x_key ("ctrl+shift+z");
  g_assert_cmpint (count_rows (joined), ==, 3);

  g_autofree char *bad = g_build_filename (dir, "bad.csv", NULL);
  g_autofree char *bad_text = g_strdup_printf ("楼栋编号,户数\n%s,5555\n%s,abc\n", id[0], id[1]);
  g_assert_true (g_file_set_contents (bad, bad_text, -1, NULL));
  dialog = cm_window_import_table (window, bad);
  cm_join_dialog_set_key (dialog, CM_LAYER_BUILDINGS, "楼栋编号", "source_id");
  g_assert_cmpint (cm_join_dialog_get_preview (dialog)->problems->len, ==, 1);
  g_assert_nonnull (strstr (cm_join_dialog_get_text (dialog), "row 3, 户数"));
  g_assert_false (cm_join_dialog_apply (dialog, &error));
  g_clear_error (&error);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM buildings WHERE households = 5555"), ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* 57,020 buildings: the table opens with them all, sorts, and its last row reads. */
static void
test_many_rows (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *big = g_build_filename (dir, "big.sqlite", NULL);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (CmStore) store = cm_store_create (big, "big", &error);
    g_assert_no_error (error);
    /* squares of 10 m in a grid, households 1 … 57020 */
    g_assert_true (_cm_store_exec (
        store,
        "BEGIN; WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 57019)"
        " INSERT INTO buildings (name, households, geom) SELECT 'B' || i, i + 1,"
        " CastToMulti(BuildMbr(116.3 + (i % 240) * 0.0002, 40.0 + (i / 240) * 0.0002,"
        " 116.3 + (i % 240) * 0.0002 + 0.0001, 40.0 + (i / 240) * 0.0002 + 0.0001, 4326))"
        " FROM n; COMMIT;",
        &error));
    g_assert_no_error (error);
  }
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_window_open_map (window, big, &error));
  gint64 t0 = g_get_monotonic_time ();
  CmLayerTable *table = open_table ("buildings");
  g_test_message ("57,020 rows: the table opened in %.0f ms (with 200 ms of waiting)",
                  (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpint (cm_layer_table_get_n_rows (table), ==, 57020);
  cm_layer_table_sort (table, "households", TRUE);
  g_autofree char *top = cm_layer_table_get_cell (table, 0, "households");
  g_assert_cmpstr (top, ==, "57,020");
  g_autofree char *bottom = cm_layer_table_get_cell (table, 57019, "households");
  g_assert_cmpstr (bottom, ==, "1");
}

int
main (int argc, char **argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  cm_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  map_path = copy_demo_map ("table.sqlite");
  open_window (map_path);
  wait_for_tiles ();
  g_test_add_func ("/table/sort-and-filter", test_sort_and_filter);
  g_test_add_func ("/table/export", test_export);
  g_test_add_func ("/table/edit-cell", test_edit_cell);
  g_test_add_func ("/table/edit-cell-by-hand", test_edit_cell_by_hand);
  g_test_add_func ("/table/set-for-chosen", test_set_for_chosen);
  g_test_add_func ("/table/paste", test_paste);
  g_test_add_func ("/table/map-chooses-row", test_map_chooses_row);
  g_test_add_func ("/table/import-table", test_import_table);
  g_test_add_func ("/table/many-rows", test_many_rows);
  return g_test_run ();
}
