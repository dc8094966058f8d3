/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmap-builtins.h: cmap's commands (one file each, cmap-builtin-*.c) and what they share
 * (cmap-util.c). A new command gets its own file, a line in cmap.c's table, and a
 * declaration here. */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "cm-core.h"
#include "cm-render.h"

G_BEGIN_DECLS

enum
{
  CMAP_EXIT_OK = 0,
  CMAP_EXIT_BAD_INPUT = 1,
  CMAP_EXIT_USAGE = 2,
};

/* A command: what --help says of it, what it takes, and what it does. cmap.c lists them;
 * cmap_run_command() parses the options, checks the arguments and the options, opens the map
 * and runs it, so that no command repeats that preamble. */
typedef struct
{
  const char *name;
  const char *params; /* after “cmap NAME” in the command's --help */
  int n_args;         /* the arguments after the name, the map first; -N: N or more */
  const GOptionEntry *options;
  /* Checks the options (kept in the command file's statics) before the map is opened;
   * returns -1 when they are right, else the exit status, said with cmap_usage_error() or
   * cmap_fail(). NULL: nothing to check. */
  int (*check) (char **args);
  /* Does the work with the map (args[0]) open. */
  int (*run) (CmStore *store, char **args);
  const char *summary;     /* one line in “cmap --help” */
  const char *description; /* the paragraph of the command's --help */
  gboolean creates_map;    /* the command creates the map: run() gets no store */
} CmapCommand;

extern const CmapCommand cmap_command_new;
extern const CmapCommand cmap_command_import;
extern const CmapCommand cmap_command_export;
extern const CmapCommand cmap_command_info;
extern const CmapCommand cmap_command_check;
extern const CmapCommand cmap_command_render;
extern const CmapCommand cmap_command_poster;
extern const CmapCommand cmap_command_coverage;
extern const CmapCommand cmap_command_walk_area;
extern const CmapCommand cmap_command_teams;
extern const CmapCommand cmap_command_agenda;
extern const CmapCommand cmap_command_lifecircle;
extern const CmapCommand cmap_command_join;
extern const CmapCommand cmap_command_merge;
extern const CmapCommand cmap_command_conflicts;
extern const CmapCommand cmap_command_resolve;
extern const CmapCommand cmap_command_suggest;
extern const CmapCommand cmap_command_push;
extern const CmapCommand cmap_command_pull;

/* ---- cmap-util.c --------------------------------------------------------------------------- */

/* Runs @command on the arguments after its name (argv[0] is the name); returns the exit
 * status. */
int cmap_run_command (const CmapCommand *command, int argc, char **argv);
/* Says @error on stderr as one line; returns CMAP_EXIT_BAD_INPUT. */
int cmap_fail (GError *error);
/* Says what is wrong with the usage on stderr as one line; returns CMAP_EXIT_USAGE. */
G_GNUC_PRINTF (1, 2) int cmap_usage_error (const char *format, ...);
/* Writes @out to stdout and frees it; returns CMAP_EXIT_OK. */
int cmap_print (GString *out);

/* Progress on a terminal (stderr), for CmProgressFunc. */
typedef struct
{
  const char *label;
  gint64 last_shown;
  gboolean shown;
} CmapProgress;

void cmap_show_progress (goffset done, goffset total, gpointer user_data);
void cmap_end_progress (CmapProgress *p);

/* Writes @output, a .pdf page of @width × @height points or a .png of as many pixels times
 * @png_scale (drawn scaled by it), with @draw, through a temporary file beside it renamed at
 * the end (cm_render_page_to_file): never a half-written image. Returns the exit status, an
 * error said on stderr. */
int cmap_draw_to_file (const char *output, double width, double height, double png_scale,
                       CmRenderPageFunc draw, gpointer data);

/* -o FILE.xlsx: the results as a workbook (cm-sheet.c), for coverage, teams and lifecircle. */
#define CMAP_WORKBOOK_OPTION(var)                                                              \
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &(var),                                          \
    N_("Write the results to a workbook for Excel, WPS or LibreOffice: a summary, then a sheet "\
       "per table"),                                                                           \
    N_("FILE.xlsx") }
/* Checks -o: an .xlsx, and not with @other_output (--csv, --json); -1 when right. */
int cmap_check_workbook (const char *output, gboolean other_output);
/* Says on stderr that @path was written; returns CMAP_EXIT_OK. */
int cmap_wrote (const char *path);

/* "minlon,minlat,maxlon,maxlat" within ±180, ±90. */
gboolean cmap_parse_bbox (const char *text, double bbox[4]);
/* --network ("walkable", the default, or "all") and --at-night; returns -1 when right, else
 * the exit status (said). */
int cmap_check_network (const char *text, gboolean at_night, CmNetworkMode *mode);
/* --layer: NULL (CM_LAYER_NONE) or a layer's name; returns -1 when right, else the exit
 * status (said). */
int cmap_check_layer (const char *name, CmLayer *layer);
/* The options that choose the walking network: --network and --at-night. */
#define CMAP_NETWORK_OPTIONS(network, at_night)                                                \
  { "network", 0, 0, G_OPTION_ARG_STRING, &network,                                            \
    N_("“walkable” paths (the default) or “all” lines in paths"), N_("WHICH") },               \
  { "at-night", 0, 0, G_OPTION_ARG_NONE, &at_night,                                            \
    N_("At night: the gates residents marked as locked at night (locked_gate) close the way"), \
    NULL }

/* JSON output. */
void cmap_json_text_or_null (GString *out, const char *text);
void cmap_json_count_or_null (GString *out, gint64 n);

/* Per compound (cm-compounds.h), for coverage, teams and the life circle: the rows of
 * cm_compounds_sum as a JSON array (after "compounds": ), and as a table for people whose
 * second column is headed @covered ("Covered", "With a team"). Nothing when there are none. */
void cmap_compounds_json (GString *out, GArray *sums);
void cmap_compounds_text (GString *out, GArray *sums, const char *covered);

/* A merge's counts, a line per table that changed ("  buildings: 3 added, …"); returns the
 * features that got a conflict. For merge, push and pull. */
guint cmap_merge_counts_text (GString *out, const CmMergeReport *r);
/* The same as a JSON object: {"buildings": {"added", "changed", "deleted", "conflicts"}, …}. */
void cmap_merge_counts_json (GString *out, const CmMergeReport *r);

/* cmap-builtin-push.c: the report of a push or a pull: @done heads the counts; @conflicts_advice
 * ends the sentence about conflicts. */
void cmap_sync_report (GString *out, const CmPostgisReport *r, gboolean json, const char *done,
                       const char *conflicts_advice);

G_END_DECLS
