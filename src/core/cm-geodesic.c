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
