#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""qgis-table.py MAP RUNS: QGIS opening the attribute table of a community map's buildings (the
same SpatiaLite file, read through GDAL), in-process: the model of QGIS's attribute table
(QgsVectorLayerCache + QgsAttributeTableModel.loadLayer, as the dialog does before it shows
rows) built RUNS times after one warm-up; the first 40 rows' cells read, as a first screen
would. Prints one JSON line: {"runs_ms": [...], "median_ms": M, "rows": N}."""
import json, os, statistics, sys, time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsVectorLayer, QgsVectorLayerCache  # noqa: E402
from qgis.gui import QgsAttributeTableModel  # noqa: E402
from qgis.PyQt.QtCore import Qt  # noqa: E402

path, runs = sys.argv[1], int(sys.argv[2])
QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], True)
app.initQgis()
layer = QgsVectorLayer(f"{path}|layername=buildings", "buildings", "ogr")
if not layer.isValid():
    sys.exit(f"QGIS cannot read the buildings of {path}")


def open_table():
    cache = QgsVectorLayerCache(layer, 10000)
    model = QgsAttributeTableModel(cache)
    model.loadLayer()
    for row in range(min(40, model.rowCount())):
        for col in range(model.columnCount()):
            model.data(model.index(row, col), Qt.DisplayRole)
    return model.rowCount()


open_table()  # warm-up
times = []
rows = 0
for _ in range(runs):
    t0 = time.perf_counter()
    rows = open_table()
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"runs_ms": times, "median_ms": statistics.median(times), "rows": rows}))
sys.stdout.flush()
os._exit(0)  # QGIS 3.22 crashes in exitQgis with a layer loaded
