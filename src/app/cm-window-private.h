/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-window-private.h: the window's state, shared by the files that make the window:
 *
 *   cm-window.c               the map and its layers, the sidebar (layers, legend, details),
 *                             search, opening, closing and importing maps, the properties
 *   cm-window-drawing.c       the drawing tools, the form after a shape, editing the selected
 *                             feature, delete, undo and redo
 *   cm-window-workshop.c      the workshop and who is drawing, Who Drew What
 *   cm-window-workshop-mode.c the full-screen window for a workshop, the long-press menu
 *   cm-window-photos.c        the selected feature's photos
 *   cm-window-merge.c         Merge Another Map… (docs/merge.md)
 *   cm-window-reports.c       residents' reports: the Report tool's form, a report's timeline
 *                             and Add Follow-up…, Residents' Reports… (docs/reports.md)
 *
 * and the widgets it holds: CmAnalysisPanel (cm-analysis-panel.c), CmFeatureForm, the map
 * layers (cm-*-layer.c) and tile sources. */
#pragma once

#include <shumate/shumate.h>

#include "cm-analysis-panel.h"
#include "cm-core.h"
#include "cm-feature-form.h"
#include "cm-history.h"
#include "cm-label-layer.h"
#include "cm-layer-form.h"
#include "cm-layer-table.h"
#include "cm-report-form.h"
#include "cm-reports-list.h"
#include "cm-selection-layer.h"
#include "cm-sketch-layer.h"
#include "cm-store.h"
#include "cm-store-pool.h"
#include "cm-tile-cache.h"
#include "cm-tile-source.h"
#include "cm-window.h"

G_BEGIN_DECLS

struct _CmWindow
{
  AdwApplicationWindow parent_instance;

  /* template */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkToggleButton *sidebar_button;
  GtkToggleButton *search_button;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkRevealer *import_revealer;
  GtkLabel *import_label;
  GtkProgressBar *import_progress;
  GtkListBox *results_list;
  GtkListBox *layers_list;
  GtkListBox *legend_list;
  GtkBox *details_box;
  GtkLabel *details_placeholder;
  GtkButton *conflicts_button; /* "3 conflicts to review", while there are any */
  ShumateSimpleMap *map;

  /* state */
  CmStore *store;
  struct _CmConflictReview *review; /* open (cm-window-merge.c), or NULL */
  CmStorePool *readers;        /* the open map's connections for drawing threads */
  char *path;
  guint checkpoint_timer;      /* after a save: copy the -wal into the map file */
  gboolean closing;            /* closed while work ran: closes when it ends */
  guint hidden; /* a bit per CmLayer */
  CmFeature *selected;
  CmSelectionLayer *selection_layer;
  CmLabelLayer *label_layer;
  ShumateMapLayer *data_layer; /* our tiles over a basemap; NULL when ours are the base */
  char *basemap;               /* an MBTiles file, or NULL */
  CmTileSource *tiles;         /* the map's own tiles, base or over a basemap */
  CmTileCache *tile_cache;     /* the open map's drawn tiles, across tile sources */
  CmOverview *overview;        /* what the tiles draw low zooms from (cm-overview.h) */
  ShumateMapSource *overlay_source; /* ours, when over a basemap: in the licence widget */
  gboolean online;             /* OpenStreetMap's online tiles as the basemap */
  gboolean online_unreachable; /* … asked for, but none could be had: paper instead */
  GCancellable *import_cancellable;
  GCancellable *sync_cancellable; /* while a push or pull runs (cm-window-sync.c) */
  guint import_tick; /* the progress bar follows while an import runs */
  /* the analysis panel beside the map (cm-analysis-panel.c) and its toggle */
  GtkToggleButton *panel_button;
  CmAnalysisPanel *panel;
  GtkLabel *layer_counts[CM_N_LAYERS];
  CmLayerTable *table;         /* a layer's attribute table while it is open (weak) */
  gboolean table_choosing;     /* the selection comes from the table's chosen rows */
  GPtrArray *chosen;           /* CmFeature chosen together: Shift+click, a Shift+drag box, the
                                * table's rows (a team's area from buildings) */
  gboolean shift_choosing;     /* the selection comes from a Shift+click or box */
  GSettings *settings; /* NULL when the schema is not installed */
  guint sidebar_idle;   /* counts and legend to update after an edit */
  guint sidebar_layers; /* a bit per CmLayer whose count changed */

  /* drawing (cm-window-drawing.c) */
  AdwHeaderBar *header_bar;
  GtkBox *draw_toolbar;
  GtkBox *category_strip;              /* workshop mode: the most used kinds */
  GtkWidget *category_strip_scroller;
  GtkWidget *toolbar_spacer;
  GtkWidget *planner_tools;            /* station, team, compound, boundary: not in workshops */
  gboolean workshop_mode;
  double touch_scale;                  /* edit handles' hit radius: 1, larger in workshop mode */
  GtkButton *workshop_button;
  CmSketchLayer *sketch_layer;
  CmHistory *history;           /* the open map's undo and redo */
  char *tool;                   /* "select", "point", "line", "area" */
  char *last_category;          /* preselected in the next form */
  char *workshop_uuid;          /* the workshop being drawn in, or NULL */
  char *contributor_uuid;       /* who is drawing, or NULL */
  CmFeatureForm *form;          /* while asking about a shape just drawn */
  CmReportForm *report_form;    /* while asking about a report just placed */
  GtkWidget *followup_dialog;   /* Add Follow-up… while it is open */
  CmReportsList *reports_list;  /* Residents' Reports… while it is open (weak) */
  /* the form of a station, team, compound, building or the boundary (cm-layer-form.c): a
   * shape drawn with a planner's tool, or the selected feature's details */
  CmLayerForm *layer_form;
  CmFeature *layer_form_feature; /* the feature whose details it shows; NULL: a new one */
  CmGeom *parts;                /* an area's parts finished before the one being drawn */
  CmGeom *preset_shape;         /* a team's area made from chosen buildings, while its form is open */
  double station_radius;        /* the ring around the pointer with the station tool */
  gboolean snap;                /* snapping to vertices and lines (Shift: not this time) */

  /* editing the selected feature (select tool) */
  guint active_vertex;          /* the vertex Delete removes, or G_MAXUINT */
  int drag;                     /* what the drag in progress moves (cm-window-drawing.c) */
  guint drag_position;          /* the vertex dragged */
  gboolean drag_inserted;       /* the drag began on a segment's middle: a new vertex */
  double drag_start[2];         /* where the drag began, map widget pixels */
  guint press_timer;            /* a press on the selected feature held still: a long press */
  GtkWidget *press_menu;        /* the long press's menu while it is open */
  double press_at[2];
  CmGeom *drag_origin;          /* the shape as it was when the drag began */
};

/* cm-window.c, for the other parts */
/* Background work (import, analysis) ended: a window closed meanwhile closes now. */
void _cm_window_background_done (CmWindow *self);
void _cm_window_toast (CmWindow *self, const char *message);
/* A line of the selected feature's details: "<b>@title</b> @value" (nothing when @value is
 * NULL or empty), or @value as their heading. */
void _cm_window_details_add (CmWindow *self, const char *title, const char *value,
                             gboolean heading);
/* A failure: shown before any other message waiting, for longer. */
void _cm_window_toast_failure (CmWindow *self, const char *message);
/* @text without white space at either end; NULL when nothing is left. */
char *_cm_window_stripped_or_null (const char *text);
void _cm_window_select_feature (CmWindow *self, CmFeature *feature);
/* Draws again what changed in @layer (CM_LAYER_NONE: any) inside @bbox, and the counts,
 * legend and labels. */
void _cm_window_data_changed (CmWindow *self, CmLayer layer, const double bbox[4]);
/* cm-window-merge.c */
void _cm_window_merge_class_init (GtkWidgetClass *widget_class);
/* cm-window-merge.c: the features a merge (or a pull) gave a conflict. */
guint _cm_window_count_conflicts (const CmMergeReport *r);
/* cm-window-sync.c: Sync with Server… */
void _cm_window_sync_class_init (GtkWidgetClass *widget_class);
/* The conflicts' button and review follow the map's data (after an edit, a merge, an undo). */
void _cm_window_merge_data_changed (CmWindow *self);
/* A map dropped on the open one: asks whether to open it or merge it into this map. */
void _cm_window_ask_open_or_merge (CmWindow *self, const char *path);
/* cm-window.c: opens a dropped map, saying why when it cannot. */
void _cm_window_open_dropped (CmWindow *self, const char *path);
ShumateViewport *_cm_window_get_viewport (CmWindow *self);
/* Between the map widget's pixels and longitude/latitude. */
/* The box the map shows now (minx, miny, maxx, maxy). */
void _cm_window_view_bbox (CmWindow *self, double b[4]);
void _cm_window_to_location (CmWindow *self, double x, double y, double *lon, double *lat);
void _cm_window_to_widget (CmWindow *self, double lon, double lat, double *x, double *y);
/* @pixels at the current zoom as degrees of latitude, near @lat: hit and snap tolerances. */
double _cm_window_pixels_as_degrees (CmWindow *self, double pixels, double lat);

/* The buildings among the chosen features; their shapes (CmGeom) appended to @shapes. */
guint _cm_window_chosen_buildings (CmWindow *self, GPtrArray *shapes);
/* Adds @features (CmFeature) to the chosen ones (or, @toggle, takes out those already there),
 * then selects the last chosen. */
void _cm_window_choose (CmWindow *self, GPtrArray *features, gboolean toggle);

/* cm-window-drawing.c */
void _cm_window_drawing_class_init (GtkWidgetClass *widget_class);
void _cm_window_drawing_init (CmWindow *self);
void _cm_window_drawing_dispose (CmWindow *self);
/* A map was opened: a new history, no shape in progress. */
void _cm_window_drawing_map_opened (CmWindow *self);
/* The map is being closed: its history lets go of it. */
void _cm_window_drawing_map_closed (CmWindow *self);
void _cm_window_drawing_update_actions (CmWindow *self);
/* The selection changed: edit handles on it (with the select tool), no vertex chosen. */
void _cm_window_drawing_selection_changed (CmWindow *self);
/* The "tool" property: "select", "point", "line", "area" (resources), "station", "team",
 * "compound" or "boundary". */
void _cm_window_drawing_set_tool (CmWindow *self, const char *tool);
/* The layer @tool draws into: resources for point, line and area; CM_LAYER_NONE for select. */
CmLayer _cm_window_drawing_tool_layer (const char *tool);
/* A new station at @lon, @lat (a suggested site): the station tool with the point placed there
 * and its form open. */
void _cm_window_drawing_place_station (CmWindow *self, double lon, double lat);
/* A click on the map with a drawing tool: TRUE when it was taken. @no_snap: Shift was held. */
gboolean _cm_window_drawing_click (CmWindow *self, double x, double y, gboolean no_snap);

/* Draws the sketch again from nothing with the current tool (after a form closed). */
void _cm_window_drawing_restart_sketch (CmWindow *self);

/* cm-window-reports.c */
void _cm_window_reports_class_init (GtkWidgetClass *widget_class);
/* The Report tool placed its point: the report's form. */
void _cm_window_reports_ask (CmWindow *self);
/* The selected report's residents, timeline and Add Follow-up…, appended to the details
 * (nothing for another feature). */
void _cm_window_reports_append_details (CmWindow *self);
/* The reports window follows the map's data. */
void _cm_window_reports_data_changed (CmWindow *self, CmLayer layer);
/* The map is being closed: the report's form, follow-up and list close with it. */
void _cm_window_reports_map_closed (CmWindow *self);

/* cm-window-workshop.c */
void _cm_window_workshop_class_init (GtkWidgetClass *widget_class);
/* A map was opened: its last workshop and contributor, if it still holds them. */
void _cm_window_workshop_map_opened (CmWindow *self);
void _cm_window_workshop_dispose (CmWindow *self);
/* The header's workshop button says who is drawing in which workshop. */
void _cm_window_workshop_update_button (CmWindow *self);

/* cm-window-workshop-mode.c */
void _cm_window_workshop_mode_init (CmWindow *self);
void _cm_window_set_workshop_mode (CmWindow *self, gboolean on);
/* The kinds strip again (another resident: none chosen). */
void _cm_window_workshop_mode_refresh (CmWindow *self);
/* What a long press (or right click) at @x, @y of the map offers: a menu there. */
void _cm_window_show_press_menu (CmWindow *self, double x, double y);

/* cm-window-print.c */
void _cm_window_print_class_init (GtkWidgetClass *widget_class);
/* Print… : the print dialog, or with @export_path a PDF of an A4 page written there. */
void _cm_window_print (CmWindow *self, const char *export_path);

/* cm-window-photos.c */
void _cm_window_photos_class_init (GtkWidgetClass *widget_class);
/* The selected feature's photos and an Add Photo button, appended to @box; returns how many
 * photos. */
guint _cm_window_photos_append (CmWindow *self, GtkBox *box);

G_END_DECLS
