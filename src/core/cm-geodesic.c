/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-geodesic.c: WGS 84 distances through the radii of curvature at the mean latitude. */
#include "cm-geodesic.h"

#include <math.h>

#define WGS84_A 6378137.0
#define WGS84_F (1.0 / 298.257223563)
#define WGS84_E2 (WGS84_F * (2.0 - WGS84_F))
#define DEG (G_PI / 180.0)

void
cm_geodesic_scale (double lat, double *metres_per_deg_lon, double *metres_per_deg_lat)
{
  double s = sin (lat * DEG);
  double w = sqrt (1.0 - WGS84_E2 * s * s);
  double n = WGS84_A / w;                        /* prime vertical radius */
  double m = WGS84_A * (1.0 - WGS84_E2) / (w * w * w); /* meridian radius */
  *metres_per_deg_lon = n * cos (lat * DEG) * DEG;
  *metres_per_deg_lat = m * DEG;
}

double
cm_geodesic_distance (double lon1, double lat1, double lon2, double lat2)
{
  double kx, ky;
  cm_geodesic_scale ((lat1 + lat2) / 2.0, &kx, &ky);
  double dlon = lon2 - lon1;
  if (dlon > 180)
    dlon -= 360;
  else if (dlon < -180)
    dlon += 360;
  return hypot (dlon * kx, (lat2 - lat1) * ky);
}

double
cm_geodesic_great_circle (double lon1, double lat1, double lon2, double lat2)
{
  /* haversine on the sphere of the ellipsoid's mean radius: within 0.5% anywhere */
  const double r = (2 * WGS84_A + WGS84_A * (1 - WGS84_F)) / 3;
  double dlat = (lat2 - lat1) * DEG, dlon = (lon2 - lon1) * DEG;
  double h = sin (dlat / 2) * sin (dlat / 2) +
             cos (lat1 * DEG) * cos (lat2 * DEG) * sin (dlon / 2) * sin (dlon / 2);
  return 2 * r * asin (MIN (1.0, sqrt (h)));
}

/* The point of [lo, hi] nearest to the interval [olo, ohi]. */
static double
nearest_in (double lo, double hi, double olo, double ohi)
{
  if (hi < olo)
    return hi;
  if (lo > ohi)
    return lo;
  return MAX (lo, olo); /* they overlap */
}

double
cm_geodesic_bbox_distance (const double a[4], const double b[4])
{
  double ax = nearest_in (a[0], a[2], b[0], b[2]), bx = nearest_in (b[0], b[2], a[0], a[2]);
  double ay = nearest_in (a[1], a[3], b[1], b[3]), by = nearest_in (b[1], b[3], a[1], a[3]);
  return cm_geodesic_great_circle (ax, ay, bx, by);
}
