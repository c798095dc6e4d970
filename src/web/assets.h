/* assets.h: the files `mmpath serve` carries inside the binary, embedded
 * as C arrays at build time (assets.cmake, embed_assets.cmake): the web
 * page (src/web/www), the demo data a new database gets
 * (src/server/demo) and the demo patients (demo/patients).
 *
 * Everything here is static and read-only: the pointers stay valid for
 * the program's life and are never freed. */
#ifndef MM_WEB_ASSETS_H
#define MM_WEB_ASSETS_H
#include <stddef.h>

typedef struct mm_asset {
  const char *path;         /* "/index.html" */
  const char *content_type;
  const unsigned char *data;
  size_t len;
} mm_asset;

/* The asset served at `path` ("/" is "/index.html"), or NULL. */
const mm_asset *mm_asset_find(const char *path);
/* A file of the demo data (src/server/demo), e.g. "/referrals.json"; NULL. */
const mm_asset *mm_demo_find(const char *path);
/* The demo patients (the .json files of demo/patients), ending with a NULL path. */
const mm_asset *mm_example_patients(void);

#endif
