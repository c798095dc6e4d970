/* diag.c: see diag.h. */
#include "util/diag.h"

#include <stdio.h>

static const char *const code_names[MM_E__COUNT] = {
    "invalid", "syntax", "type", "unknown-key", "missing", "unknown-name", "ambiguous",
    "range", "order", "duplicate", "not-found", "limit", "io", "state", "nomem"};

const char *mm_diag_code_name(mm_diag_code code) {
  return (unsigned)code < MM_E__COUNT ? code_names[code] : "invalid";
}

void mm_diags_init(mm_diags *d, mm_arena *arena) {
  d->arena = arena;
  d->head = d->tail = NULL;
  d->errors = d->warnings = 0;
  d->keep = d->kept = 0;
}

void mm_diag_vadd(mm_diags *d, mm_diag_level level, mm_diag_code code, const char *source,
                  int line, int col, const char *path, const char *fmt, va_list ap) {
  if (level == MM_DIAG_ERROR) d->errors++;
  else d->warnings++;
  bool over = d->keep && d->kept >= d->keep;
  if (over && d->kept > d->keep) return; /* the one that says so is there */
  d->kept++;
  mm_diag *x = mm_arena_alloc(d->arena, sizeof *x);
  if (!x) return; /* counted all the same: the caller still sees failure */
  char text[512];
  if (over) {
    snprintf(text, sizeof text, "too many problems: only the first %zu are listed", d->keep);
    code = MM_E_LIMIT;
    line = col = 0;
    path = NULL;
  } else {
    vsnprintf(text, sizeof text, fmt, ap);
  }
  x->level = level;
  x->code = code;
  x->source = source ? mm_arena_strdup(d->arena, source) : NULL; /* may outlive its owner */
  x->line = line;
  x->col = col;
  x->path = path ? mm_arena_strdup(d->arena, path) : NULL;
  x->text = mm_arena_strdup(d->arena, text);
  x->next = NULL;
  if (d->tail) d->tail->next = x;
  else d->head = x;
  d->tail = x;
}

void mm_diag_addc(mm_diags *d, mm_diag_level level, mm_diag_code code, const char *source,
                  int line, int col, const char *path, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mm_diag_vadd(d, level, code, source, line, col, path, fmt, ap);
  va_end(ap);
}

void mm_diag_add(mm_diags *d, mm_diag_level level, const char *source,
                 int line, int col, const char *path, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mm_diag_vadd(d, level, MM_E_INVALID, source, line, col, path, fmt, ap);
  va_end(ap);
}
