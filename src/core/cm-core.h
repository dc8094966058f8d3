/* cm-core.h: the core library of Community Map (no GTK, no drawing). */
#pragma once

#include "cm-categories.h"
#include "cm-export.h"
#include "cm-feature.h"
#include "cm-geojson-reader.h"
#include "cm-geom.h"
#include "cm-geom-edit.h"
#include "cm-history.h"
#include "cm-i18n.h"
#include "cm-import.h"
#include "cm-layer.h"
#include "cm-mbtiles.h"
#include "cm-photos.h"
#include "cm-snap.h"
#include "cm-store.h"
#include "cm-workshops.h"
