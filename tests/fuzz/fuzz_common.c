/* fuzz_common.c: the knowledge base loaded once, and fuzz_fail(). */
#include <stdarg.h>

#include "fuzz.h"
#include "util/diag.h"

static mm_kb *kb; /* loaded once per process, then only read */

const mm_kb *fuzz_kb(void) {
  if (kb) return kb;
  const char *dir = getenv("MMPATH_KB");
  if (!dir || !*dir) dir = MMPATH_SOURCE_DIR "/kb";
  mm_arena a;
  mm_arena_init(&a, 4096);
  mm_diags d;
  mm_diags_init(&d, &a);
  if (mm_kb_load(&kb, dir, &d) != 0) {
    fprintf(stderr, "fuzz: cannot load the knowledge base %s\n", dir);
    for (const mm_diag *x = d.head; x; x = x->next) fprintf(stderr, "  %s\n", x->text);
    exit(2);
  }
  mm_arena_free(&a);
  return kb;
}

void fuzz_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("fuzz: property violated: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  abort();
}
