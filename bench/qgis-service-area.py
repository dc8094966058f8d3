#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""qgis-service-area.py ROADS POINTS RUNS OUTPUT: QGIS's own service area in-process (PyQGIS),
for bench-analysis to set beside ours, like with like.

QGIS is started once (not timed), its processing providers loaded, the algorithm run once to
warm up (not timed), then RUNS times; prints one JSON line: {"runs_ms": [...], "median_ms": M}.
The project's ellipsoid is WGS 84 and its CRS EPSG:4326, so travel cost is in metres, as
bench-analysis's qgis_process run does with its project file."""
import json, os, statistics, sys, time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsCoordinateReferenceSystem, QgsProject  # noqa: E402

roads, points, runs, output = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
sys.path.append("/usr/share/qgis/python/plugins")
import processing  # noqa: E402
from processing.core.Processing import Processing  # noqa: E402
Processing.initialize()  # QGIS's own algorithms (native:…) come with it
project = QgsProject.instance()
project.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
project.setEllipsoid("EPSG:7030")
params = {"INPUT": roads, "START_POINTS": points, "STRATEGY": 0, "TRAVEL_COST": 500,
          "OUTPUT_LINES": output}


def run():
    if os.path.exists(output):
        os.remove(output)
    processing.run("native:serviceareafromlayer", params)


run()  # warm up: caches, first-use work
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    run()
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"runs_ms": times, "median_ms": statistics.median(times)}))
app.exitQgis()
