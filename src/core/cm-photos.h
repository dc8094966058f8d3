/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-photos.h: photos of features, stored inside the map file (the `photos` table).
 *
 * A photo is decoded, turned upright by its EXIF orientation, scaled to at most
 * CM_PHOTO_MAX_SIZE pixels on its longer side and encoded again (JPEG, or PNG when it has
 * transparency): the map holds no camera metadata (no GPS position of a resident's phone). */
#pragma once

#include "cm-store.h"

G_BEGIN_DECLS

#define CM_PHOTO_MAX_SIZE 2048
/* A picture claiming more pixels is refused before it is decoded: the largest phone cameras
 * make 200 megapixels, and decoding 220 takes up to 880 MB. */
#define CM_PHOTO_MAX_PIXELS 220000000

#define CM_PHOTO_ERROR (cm_photo_error_quark ())
GQuark cm_photo_error_quark (void);

typedef enum
{
  CM_PHOTO_ERROR_NOT_AN_IMAGE, /* not a JPEG or PNG that decodes */
  CM_PHOTO_ERROR_TOO_LARGE,    /* more than CM_PHOTO_MAX_PIXELS */
} CmPhotoError;

typedef struct
{
  char *uuid;
  char *feature_uuid;
  char *mime; /* image/jpeg or image/png */
  int width, height;
  GBytes *data;
  char *created_at;
} CmPhoto;

void cm_photo_free (CmPhoto *photo);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmPhoto, cm_photo_free)

/* Stores the photo at @path for @feature (one transaction). Returns the photo's uuid. */
char *cm_store_add_photo (CmStore *self, CmFeature *feature, const char *path, GError **error);
/* The live photos of the feature @feature_uuid, oldest first: an array of CmPhoto. */
GPtrArray *cm_store_list_photos (CmStore *self, const char *feature_uuid, GError **error);
gboolean cm_store_delete_photo (CmStore *self, const char *uuid, GError **error);

/* A photo from an image's bytes (a data: URI's, in an imported file), ready to store: kept
 * byte for byte when it is a JPEG or PNG within CM_PHOTO_MAX_SIZE without camera metadata
 * (what the map itself writes), else decoded, turned upright, scaled and encoded again. */
CmPhoto *cm_photo_from_bytes (GBytes *bytes, GError **error);
/* Stores @photo (mime, size, data; its uuid and created_at when set) for the feature
 * @feature_uuid, unless the map has a photo with that uuid, or the feature a live photo with
 * the same bytes; *@added says which. Inside the caller's transaction. */
gboolean _cm_store_add_photo_data (CmStore *self, const char *feature_uuid,
                                   const CmPhoto *photo, gboolean *added, GError **error);

G_END_DECLS
