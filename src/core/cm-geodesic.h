/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-geodesic.h: distances in metres on the WGS 84 ellipsoid, fast enough for every building
 * against every station.
 *
 * Method: the ellipsoid's own radii of curvature at the pair's mean latitude (meridian M and
 * prime vertical N) turn degrees into metres, as a plane tangent there. For the distances of a
 * community (up to tens of kilometres) this is within 0.01% of the exact geodesic; test-analysis
 * checks it against PROJ's geod_inverse. Far apart points (hundreds of km) need PROJ itself. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Metres between two longitude/latitude points (degrees). */
double cm_geodesic_distance (double lon1, double lat1, double lon2, double lat2);
/* Metres per degree of longitude and of latitude at @lat. */
void cm_geodesic_scale (double lat, double *metres_per_deg_lon, double *metres_per_deg_lat);

/* Metres along the great circle (a sphere of the mean radius, within 0.5%): for points far
 * apart, where a map's data and a file meant for it should not be. */
double cm_geodesic_great_circle (double lon1, double lat1, double lon2, double lat2);
/* Metres between the nearest points of two boxes (minx, miny, maxx, maxy); 0 when they meet. */
double cm_geodesic_bbox_distance (const double a[4], const double b[4]);

G_END_DECLS
