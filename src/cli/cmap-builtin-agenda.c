/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtin-agenda.c: cmap agenda: the deliberation meeting's agenda from residents' open
 * reports (issue #18). */
#include "config.h"

#include "cmap-builtins.h"

#include "cm-report.h"

#include <glib/gi18n.h>
#include <math.h>

static char *opt_since, *opt_compound, *opt_meeting_day, *opt_output;
static gboolean opt_json;

static const GOptionEntry options[] = {
  { "since", 0, 0, G_OPTION_ARG_STRING, &opt_since,
    N_("Only reports raised on or after this day"), N_("YYYY-MM-DD") },
  { "compound", 0, 0, G_OPTION_ARG_STRING, &opt_compound,
    N_("Only the items in the compound (or grid cell) of this name"), N_("NAME") },
  { "meeting-day", 0, 0, G_OPTION_ARG_STRING, &opt_meeting_day,
    N_("Count the days each item has been open up to this day (default: today)"),
    N_("YYYY-MM-DD") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("The items as JSON, in agenda order"), NULL },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    N_("Write the agenda as a PDF to print for the meeting (A4, in Chinese: an overview map with "
       "the numbered items, a small map and the history of each)"),
    N_("FILE.pdf") },
  { NULL }
};

static int
check (char **args)
{
  if (opt_since)
    {
      g_autofree char *day = cm_layer_parse_date (opt_since);
      if (day == NULL)
        return cmap_usage_error (_("--since takes a date such as 2026-12-01"));
    }
  if (opt_output && !g_str_has_suffix (opt_output, ".pdf"))
    return cmap_usage_error (_("-o writes a PDF: give a file name ending in .pdf"));
  if (opt_output && opt_json)
    return cmap_usage_error (_("choose one of --json and -o"));
  if (opt_meeting_day)
    {
      g_autofree char *day = cm_layer_parse_date (opt_meeting_day);
      if (day == NULL)
        return cmap_usage_error (_("--meeting-day takes a date such as 2026-12-10"));
    }
  return -1;
}

static void
agenda_text (GString *out, GPtrArray *items)
{
  guint reports = 0;
  for (guint i = 0; i < items->len; i++)
    reports += ((CmAgendaItem *) items->pdata[i])->reports->len;
  if (items->len == 0)
    {
      g_string_append (out, _("No open reports: nothing for the agenda.\n"));
      return;
    }
  g_string_append_printf (out, _("%u items from %u open reports, urgent ones first, then by "
                                 "residents, then the oldest:\n"),
                          items->len, reports);
  for (guint i = 0; i < items->len; i++)
    {
      const CmAgendaItem *item = items->pdata[i];
      g_string_append_printf (out, "\n%2u. %s%s — ", i + 1, item->urgent ? _("[urgent] ") : "",
                              item->category_label);
      guint residents = (guint) MIN (item->residents, G_MAXUINT);
      guint days = (guint) MIN (item->days_open, G_MAXUINT);
      g_string_append_printf (out, ngettext ("%u resident", "%u residents", residents),
                              residents);
      g_string_append_printf (out, ngettext (", %u report", ", %u reports", item->reports->len),
                              item->reports->len);
      g_string_append_printf (out, ngettext (", open %u day\n", ", open %u days\n", days), days);
      if (item->place)
        g_string_append_printf (out, _("    Where: near %s (%.0f m)"), item->place, item->place_m);
      else
        g_string_append_printf (out, _("    Where: %.6f, %.6f"), item->lon, item->lat);
      if (item->compound)
        g_string_append_printf (out, _(", in %s"), item->compound);
      g_string_append_c (out, '\n');
      if (item->responsible)
        g_string_append_printf (out,
                                item->suggested ? _("    Responsible: %s (suggested: its service "
                                                    "area holds the place)\n")
                                                : _("    Responsible: %s\n"),
                                item->responsible);
      else
        g_string_append (out, _("    Responsible: no station's or team's area holds the place\n"));
      for (guint k = 0; k < item->reports->len; k++)
        {
          const CmReportInfo *r = item->reports->pdata[k];
          const char *words = r->description ? r->description : r->name;
          g_string_append_printf (out, "    - %.10s %s%s%s\n", r->reported_at,
                                  cm_report_status_label (r->status), words ? ": " : "",
                                  words ? words : "");
        }
    }
}

/* @text right-aligned in @width columns of a terminal (a Chinese character takes two). */
static void
append_right (GString *out, const char *text, guint width)
{
  guint used = 0;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    used += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  for (; used < width; used++)
    g_string_append_c (out, ' ');
  g_string_append (out, text);
}

/* Per station or team: open, resolved, median days to resolve. */
static void
responsible_text (GString *out, GPtrArray *counts)
{
  if (counts->len == 0)
    return;
  const char *headers[] = { _("Unresolved"), _("Resolved"), _("Median days") };
  const guint widths[] = { 10, 10, 12 };
  g_string_append_c (out, '\n');
  for (int k = 0; k < 3; k++)
    append_right (out, headers[k], widths[k]);
  g_string_append_printf (out, "  %s\n", _("Responsible"));
  for (guint i = 0; i < counts->len; i++)
    {
      const CmResponsibleCounts *c = counts->pdata[i];
      g_autofree char *open = g_strdup_printf ("%u", c->open);
      g_autofree char *done = g_strdup_printf ("%u", c->done);
      g_autofree char *median = isnan (c->median_days) ? g_strdup ("–")
                                                       : g_strdup_printf ("%.1f", c->median_days);
      append_right (out, open, widths[0]);
      append_right (out, done, widths[1]);
      append_right (out, median, widths[2]);
      g_string_append_printf (out, "  %s\n",
                              c->uuid ? (c->name ? c->name : c->uuid) : _("(no one)"));
    }
}

static int
run (CmStore *store, char **args)
{
  g_autoptr (GError) error = NULL;
  CmAgendaOptions o = { opt_since, opt_compound, opt_meeting_day };
  g_autoptr (GPtrArray) items = cm_reports_agenda (store, &o, &error);
  if (items == NULL)
    return cmap_fail (error);
  g_autoptr (GPtrArray) counts = cm_reports_count_by_responsible (store, &error);
  if (counts == NULL)
    return cmap_fail (error);
  if (opt_output)
    {
      g_autofree char *day = opt_meeting_day ? cm_layer_parse_date (opt_meeting_day) : NULL;
      if (day == NULL)
        {
          g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
          day = g_date_time_format (now, "%Y-%m-%d");
        }
      if (!cm_report_write_agenda_pdf (items, counts, store, day, opt_output, &error))
        return cmap_fail (error);
      g_printerr (_("Wrote the agenda (%u items) to %s\n"), items->len, opt_output);
      return CMAP_EXIT_OK;
    }
  GString *out = g_string_new (NULL);
  if (opt_json)
    {
      g_autofree char *json = cm_reports_agenda_to_json (items, counts);
      g_string_append (out, json);
    }
  else
    {
      agenda_text (out, items);
      responsible_text (out, counts);
    }
  return cmap_print (out);
}

const CmapCommand cmap_command_agenda = {
  "agenda", "MAP", 1, options, check, run,
  N_("the deliberation meeting's agenda from residents' open reports"),
  N_("Open reports grouped into items — the same category within 30 m is one item, with how many "
     "residents raised it — urgent items first, then by residents, then the oldest; each with its "
     "place, compound, the responsible station or team and the days it has been open; then, per "
     "station or team, its open and resolved reports and the median days to resolve one."),
};
