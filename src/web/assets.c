/* assets.c: finds a file of the web page among the ones embedded at build
 * time (the generated server_assets.c, see assets.cmake). */
#include <string.h>

#include "web/assets.h"

/* generated; each ends with a NULL path */
extern const mm_asset mm_assets[], mm_demo_files[], mm_example_patients_table[];

static const mm_asset *find(const mm_asset *table, const char *path) {
  for (const mm_asset *a = table; a->path; a++)
    if (strcmp(a->path, path) == 0) return a;
  return NULL;
}

const mm_asset *mm_asset_find(const char *path) {
  return find(mm_assets, strcmp(path, "/") == 0 ? "/index.html" : path);
}

const mm_asset *mm_demo_find(const char *path) { return find(mm_demo_files, path); }

const mm_asset *mm_example_patients(void) { return mm_example_patients_table; }
