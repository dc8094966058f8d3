#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""qgis-poster.py MAP PAPER_W_MM PAPER_H_MM RUNS PDF: QGIS 3.22's print layout exporting a poster
of a community map (the same SpatiaLite file, read through GDAL) to a PDF, in-process (PyQGIS
QgsLayoutExporter.exportToPdf), for bench-poster to set beside `cm_poster_write`.

The layout is what a QGIS user would make for the same poster: a page of the paper's size, a
title, a map item over most of the page showing the map's paths, buildings and resources (their
default symbols) at the whole map's extent, a legend of those layers, a scale bar and a north
arrow label. QGIS is started, the layers loaded and the layout built once (not timed); one
export to warm up (not timed), then RUNS exports; prints one JSON line:
{"runs_ms": [...], "median_ms": M, "features": N}. With RUNS 0 it exports once, untimed (for
timing the whole process from outside)."""
import json, os, statistics, sys, time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsLayout, QgsLayoutExporter, QgsLayoutItemLabel,  # noqa: E402
                       QgsLayoutItemLegend, QgsLayoutItemMap, QgsLayoutItemPage,
                       QgsLayoutItemScaleBar, QgsLayoutPoint, QgsLayoutSize, QgsProject,
                       QgsRectangle, QgsUnitTypes, QgsVectorLayer)
from qgis.PyQt.QtGui import QFont  # noqa: E402

path, width_mm, height_mm, runs, pdf = (sys.argv[1], float(sys.argv[2]), float(sys.argv[3]),
                                        int(sys.argv[4]), sys.argv[5])
QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
layers = []
for name in ("paths", "buildings", "resources"):
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    if not layer.isValid():
        sys.exit(f"QGIS cannot read the {name} of {path}")
    layers.append(layer)
project.addMapLayers(layers)
project.setCrs(layers[0].crs())
project.setEllipsoid("EPSG:7030")  # WGS 84, for the scale bar's metres
extent = QgsRectangle(layers[0].extent())
for layer in layers[1:]:
    extent.combineExtentWith(layer.extent())

layout = QgsLayout(project)
layout.initializeDefaults()
page = layout.pageCollection().page(0)
page.setPageSize(QgsLayoutSize(width_mm, height_mm, QgsUnitTypes.LayoutMillimeters))
margin = min(width_mm, height_mm) * 0.035
title = QgsLayoutItemLabel(layout)
title.setText("Community map")
title.setFont(QFont("Noto Sans CJK SC", int(min(width_mm, height_mm) / 8)))
title.attemptMove(QgsLayoutPoint(margin, margin, QgsUnitTypes.LayoutMillimeters))
title.attemptResize(QgsLayoutSize(width_mm - 2 * margin, height_mm * 0.05, QgsUnitTypes.LayoutMillimeters))
layout.addLayoutItem(title)
item = QgsLayoutItemMap(layout)
item.attemptMove(QgsLayoutPoint(margin, height_mm * 0.08, QgsUnitTypes.LayoutMillimeters))
item.attemptResize(QgsLayoutSize(width_mm - 2 * margin, height_mm * 0.7, QgsUnitTypes.LayoutMillimeters))
item.setLayers(list(reversed(layers)))  # resources on top
item.setCrs(layers[0].crs())
layout.addLayoutItem(item)
item.setExtent(extent)
item.zoomToExtent(extent)
legend = QgsLayoutItemLegend(layout)
legend.setLinkedMap(item)
legend.attemptMove(QgsLayoutPoint(margin, height_mm * 0.8, QgsUnitTypes.LayoutMillimeters))
layout.addLayoutItem(legend)
bar = QgsLayoutItemScaleBar(layout)
bar.setStyle("Single Box")
bar.setLinkedMap(item)
bar.applyDefaultSize()
bar.attemptMove(QgsLayoutPoint(width_mm * 0.6, height_mm * 0.8, QgsUnitTypes.LayoutMillimeters))
layout.addLayoutItem(bar)
north = QgsLayoutItemLabel(layout)
north.setText("N ↑")
north.attemptMove(QgsLayoutPoint(width_mm * 0.9, height_mm * 0.8, QgsUnitTypes.LayoutMillimeters))
layout.addLayoutItem(north)

exporter = QgsLayoutExporter(layout)
settings = QgsLayoutExporter.PdfExportSettings()  # vector, as ours


def export():
    result = exporter.exportToPdf(pdf, settings)
    if result != QgsLayoutExporter.Success:
        sys.exit(f"QGIS could not export the layout: {result}")


export()
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    export()
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"runs_ms": times, "median_ms": statistics.median(times) if times else None,
                  "features": sum(layer.featureCount() for layer in layers)}), flush=True)
# QGIS 3.22 crashes in exitQgis() with layers of this kind still loaded: leave at once
os._exit(0)
