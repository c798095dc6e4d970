/* diag.h: a list of diagnostics (errors and warnings), each with where it
 * points: a source (file, "<stdin>", "registry.jsonl"), a line and column
 * when known, and a field path inside a record ("lines[1].start"). Validation
 * reports every problem it finds, not just the first. */
#ifndef MM_DIAG_H
#define MM_DIAG_H
#include <stddef.h>

#include "util/arena.h"

typedef enum { MM_DIAG_ERROR, MM_DIAG_WARNING } mm_diag_level;

typedef struct mm_diag mm_diag;
struct mm_diag {
  mm_diag_level level;
  const char *source; /* may be NULL */
  int line, col;      /* 0 when not known */
  const char *path;   /* field path, may be NULL */
  const char *text;   /* one line: the reason */
  mm_diag *next;
};

typedef struct mm_diags {
  mm_arena *arena;    /* owns every diagnostic */
  mm_diag *head, *tail;
  size_t errors, warnings;
} mm_diags;

void mm_diags_init(mm_diags *d, mm_arena *arena);
void mm_diag_add(mm_diags *d, mm_diag_level level, const char *source,
                 int line, int col, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
#define mm_diag_error(d, src, line, col, path, ...) \
  mm_diag_add((d), MM_DIAG_ERROR, (src), (line), (col), (path), __VA_ARGS__)
#define mm_diag_warn(d, src, line, col, path, ...) \
  mm_diag_add((d), MM_DIAG_WARNING, (src), (line), (col), (path), __VA_ARGS__)

#endif
