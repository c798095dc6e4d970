/* diag.c: see diag.h. */
#include "util/diag.h"

#include <stdarg.h>
#include <stdio.h>

void mm_diags_init(mm_diags *d, mm_arena *arena) {
  d->arena = arena;
  d->head = d->tail = NULL;
  d->errors = d->warnings = 0;
}

void mm_diag_add(mm_diags *d, mm_diag_level level, const char *source,
                 int line, int col, const char *path, const char *fmt, ...) {
  if (level == MM_DIAG_ERROR) d->errors++;
  else d->warnings++;
  mm_diag *x = mm_arena_alloc(d->arena, sizeof *x);
  if (!x) return; /* counted all the same: the caller still sees failure */
  char text[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  x->level = level;
  x->source = source ? mm_arena_strdup(d->arena, source) : NULL; /* may outlive its owner */
  x->line = line;
  x->col = col;
  x->path = path ? mm_arena_strdup(d->arena, path) : NULL;
  x->text = mm_arena_strdup(d->arena, text);
  if (d->tail) d->tail->next = x;
  else d->head = x;
  d->tail = x;
}
