/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-tables.c: the tables a planner hands over. The input's first byte chooses the reader, the
 * rest is the file: 0 a life-circle table (JSON, `--table`), 1 a categories file (JSON), 2 a
 * table to join (CSV or TSV in UTF-8, with a byte order mark, or GB18030), 3 a workbook to join
 * (.xlsx: our ZIP and XML reading). */
#include "fuzz-harness.h"

#include "cm-core.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

static void
read_table (const char *name, const uint8_t *data, size_t size)
{
  g_autofree char *path = fuzz_write_file (name, data, size);
  g_autofree char *encoding = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = cm_join_read_table (path, &encoding, &error);
  if (rows == NULL && error == NULL)
    g_error ("a table refused without a reason");
  for (guint i = 0; rows && i < rows->len; i++)
    {
      g_autofree char *line = g_strjoinv ("\t", rows->pdata[i]);
      if (!g_utf8_validate (line, -1, NULL))
        g_error ("row %u is not UTF-8", i);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  const uint8_t *rest = data + 1;
  size_t len = size - 1;
  g_autoptr (GError) error = NULL;
  switch (data[0] % 4)
    {
    case 0:
      {
        g_autofree char *path = fuzz_write_file ("lifecircle.json", rest, len);
        g_autoptr (CmLifeReport) report = cm_life_report_new (path, &error);
        if (report == NULL && error == NULL)
          g_error ("a life-circle table refused without a reason");
        break;
      }
    case 1:
      {
        g_autoptr (CmCategories) set = cm_categories_new_from_data ((const char *) rest,
                                                                    (gssize) len, &error);
        for (guint i = 0; set && i < cm_categories_get_n (set); i++)
          if (cm_categories_lookup (set, cm_categories_get (set, i)->key) == NULL)
            g_error ("category %u cannot be looked up by its key", i);
        break;
      }
    case 2:
      read_table ("table.csv", rest, len);
      break;
    case 3:
      read_table ("table.xlsx", rest, len);
      break;
    }
  return 0;
}
