/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-result-sheets.h: the analyses' results as sheets for a workbook or CSV (cm-sheet.h), the
 * same columns and values as `cmap … --json` gives: for `cmap … -o FILE.xlsx` and --csv, and for
 * the window's Export Table…. Those returning a GPtrArray return new sheets (it frees them). */
#pragma once

#include "cm-analysis.h"
#include "cm-compounds.h"
#include "cm-coverage.h"
#include "cm-lifecircle.h"
#include "cm-sheet.h"
#include "cm-teams.h"

G_BEGIN_DECLS

/* "reached", "off_network", "disconnected": a building's walk, in the JSON and the CSV. */
const char *cm_walk_status_name (CmWalkStatus status);
/* A per-compound row's name for people: the compound's, or "(whole community)" … */
const char *cm_compound_sum_name (const CmCompoundSum *sum);

/* The per-compound sums (cm_compounds_sum) as a sheet "Compounds". */
CmSheet *cm_compounds_sheet (GArray *sums);

/* Coverage: one row per building (the CSV), and the workbook: Summary, Buildings, Sources,
 * Compounds. */
CmSheet *cm_coverage_buildings_sheet (CmCoverage *coverage);
GPtrArray *cm_coverage_sheets (CmCoverage *coverage);
/* The life circle: one row per building (the CSV), and the workbook: Summary (the circles),
 * Facilities, Buildings. */
CmSheet *cm_life_report_buildings_sheet (CmLifeReport *report);
GPtrArray *cm_life_report_sheets (CmLifeReport *report);
/* The teams: Summary, Teams (their type by its label in @store's kinds), Overlaps, Compounds. */
GPtrArray *cm_teams_sheets (CmStore *store, CmTeams *teams);
/* Whichever of those @result holds. */
GPtrArray *cm_analysis_result_sheets (CmStore *store, const CmAnalysisResult *result);

/* The result as GeoJSON at @path, for QGIS: coverage and the life circle, a feature per building
 * with its footprint and the columns of its row in the buildings' sheet; the teams, their
 * covered ground, gaps and overlaps (cm_teams_append_geojson). */
gboolean cm_analysis_result_write_geojson (const CmAnalysisResult *result, const char *path,
                                           GError **error);

G_END_DECLS
