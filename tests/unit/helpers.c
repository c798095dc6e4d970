/* helpers.c: see helpers.h. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>

const char *test_data_path(const char *name) {
  static char buf[4096];
  const char *dir = getenv("MMPATH_TESTDATA");
  snprintf(buf, sizeof buf, "%s/%s", dir ? dir : MMPATH_SOURCE_DIR "/tests/data", name);
  return buf;
}

const char *test_kb_dir(void) {
  const char *dir = getenv("MMPATH_KB");
  return dir ? dir : MMPATH_SOURCE_DIR "/kb";
}
