#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""qgis-render.py MAP WIDTH HEIGHT RUNS PNG: QGIS drawing the buildings of a community map
(the same SpatiaLite file, read through GDAL) at full extent into an image, in-process
(PyQGIS QgsMapRendererSequentialJob), for bench-render to set beside its own drawing.

QGIS is started and the layer loaded once (not timed), one frame drawn to warm up (not timed),
then RUNS frames; prints one JSON line: {"runs_ms": [...], "median_ms": M, "features": N}.
QGIS's default symbol for polygons (a fill with an outline), antialiased, as it draws a layer
just added."""
import json, os, statistics, sys, time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsMapRendererSequentialJob, QgsMapSettings,  # noqa: E402
                       QgsVectorLayer)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

path, width, height, runs, png = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
layer = QgsVectorLayer(f"{path}|layername=buildings", "buildings", "ogr")
if not layer.isValid():
    sys.exit(f"QGIS cannot read the buildings of {path}")
settings = QgsMapSettings()
settings.setLayers([layer])
settings.setDestinationCrs(layer.crs())
settings.setOutputSize(QSize(width, height))
settings.setBackgroundColor(QColor(245, 243, 237))
settings.setExtent(layer.extent())


def frame():
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


frame().save(png)
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    frame()
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"runs_ms": times, "median_ms": statistics.median(times),
                  "features": layer.featureCount()}), flush=True)
# QGIS 3.22 crashes in exitQgis() with a layer of this kind still loaded: leave at once
os._exit(0)
