/* kb_dir.c: the installed knowledge base, found without a path from the
 * user (kb_dir.h). */
#define _GNU_SOURCE /* dladdr */
#include "lib/kb_dir.h"

#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* MMPATH_KB_INSTALLED, MMPATH_KB_FROM_BINDIR, MMPATH_KB_FROM_LIBDIR: set by
 * CMakeLists.txt from GNUInstallDirs. */

static void set(char *buf, size_t cap, const char *s) {
  if (cap) snprintf(buf, cap, "%s", s);
}

/* dir/rel holds a manifest.yaml: its real path into buf. */
static int try_dir(char *buf, size_t cap, const char *dir, const char *rel) {
  char cand[PATH_MAX], real[PATH_MAX];
  struct stat st;
  if (snprintf(cand, sizeof cand, "%s/%s/manifest.yaml", dir, rel) >= (int)sizeof cand) return -1;
  if (stat(cand, &st) != 0 || !realpath(cand, real)) return -1;
  *strrchr(real, '/') = '\0';
  if (strlen(real) >= cap) return -1;
  set(buf, cap, real);
  return 0;
}

/* The folder of object file `path`, then dir/FROM_LIBDIR and dir/FROM_BINDIR:
 * the code runs from a shared library in LIBDIR or a program in BINDIR. */
static int try_object(char *buf, size_t cap, const char *path) {
  char real[PATH_MAX];
  if (!path || !strchr(path, '/') || !realpath(path, real)) return -1;
  const char *dir = dirname(real);
  return try_dir(buf, cap, dir, MMPATH_KB_FROM_LIBDIR) == 0 ||
                 try_dir(buf, cap, dir, MMPATH_KB_FROM_BINDIR) == 0
             ? 0
             : -1;
}

int mm_lib_kb_relocated(char *buf, size_t cap) {
  set(buf, cap, "");
  /* the object holding this function: libmmpath.so, or the program that
   * linked libmmpath.a (dladdr then may say argv[0]: /proc/self/exe is
   * the program's true path) */
  Dl_info info;
  if (dladdr((void *)&mm_lib_kb_relocated, &info) && try_object(buf, cap, info.dli_fname) == 0)
    return 0;
  if (try_object(buf, cap, "/proc/self/exe") == 0) return 0;
  set(buf, cap, "");
  return -1;
}

void mm_lib_kb_default(char *buf, size_t cap) {
  const char *env = getenv("MMPATH_KB");
  if (env && *env) {
    set(buf, cap, env);
    return;
  }
  if (mm_lib_kb_relocated(buf, cap) == 0) return;
  set(buf, cap, MMPATH_KB_INSTALLED);
}
