#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# same-features.py A.geojson B.geojson: the two exports (cmap export) hold the same features,
# matched by uuid, every property and every coordinate equal number by number (row ids, which
# differ between copies, left out). Prints the count; exits 1 naming the first difference.
import json
import sys


def features(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    out = {}
    for feat in data["features"]:
        props = dict(feat["properties"])
        props.pop("id", None)
        out[props["uuid"]] = (props, feat["geometry"])
    return out


a, b = features(sys.argv[1]), features(sys.argv[2])
if a.keys() != b.keys():
    only_a, only_b = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
    sys.exit(f"not the same features: {len(only_a)} only in the first ({only_a[:3]}), "
             f"{len(only_b)} only in the second ({only_b[:3]})")
for uuid in sorted(a):
    if a[uuid] != b[uuid]:
        pa, pb = a[uuid][0], b[uuid][0]
        diff = [k for k in set(pa) | set(pb) if pa.get(k) != pb.get(k)]
        sys.exit(f"feature {uuid} differs: {diff or 'geometry'}")
print(len(a))
