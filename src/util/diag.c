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

/* Counts one diagnostic; whether it is kept: 0 no (over the limit, said
 * already), 1 yes, 2 in its place the one that says the limit is reached. */
static int admit(mm_diags *d, mm_diag_level level) {
  if (level == MM_DIAG_ERROR) d->errors++;
  else d->warnings++;
  bool over = d->keep && d->kept >= d->keep;
  if (over && d->kept > d->keep) return 0; /* the one that says so is there */
  d->kept++;
  return over ? 2 : 1;
}

/* Appends one diagnostic with its texts (text_it may be NULL). */
static void put(mm_diags *d, mm_diag_level level, mm_diag_code code, const char *source,
                int line, int col, const char *path, const char *text, const char *text_it) {
  mm_diag *x = mm_arena_alloc(d->arena, sizeof *x);
  if (!x) return; /* counted all the same: the caller still sees failure */
  x->level = level;
  x->code = code;
  x->source = source ? mm_arena_strdup(d->arena, source) : NULL; /* may outlive its owner */
  x->line = line;
  x->col = col;
  x->path = path ? mm_arena_strdup(d->arena, path) : NULL;
  x->text = mm_arena_strdup(d->arena, text);
  x->text_it = text_it ? mm_arena_strdup(d->arena, text_it) : NULL;
  x->next = NULL;
  if (d->tail) d->tail->next = x;
  else d->head = x;
  d->tail = x;
}

static void put_limit(mm_diags *d, mm_diag_level level, const char *source) {
  char text[128], text_it[128];
  snprintf(text, sizeof text, "too many problems: only the first %zu are listed", d->keep);
  snprintf(text_it, sizeof text_it, "troppi problemi: sono elencati solo i primi %zu", d->keep);
  put(d, level, MM_E_LIMIT, source, 0, 0, NULL, text, text_it);
}

void mm_diag_vadd(mm_diags *d, mm_diag_level level, mm_diag_code code, const char *source,
                  int line, int col, const char *path, const char *fmt, va_list ap) {
  int k = admit(d, level);
  if (k == 2) put_limit(d, level, source);
  if (k != 1) return;
  char text[1024];
  vsnprintf(text, sizeof text, fmt, ap);
  put(d, level, code, source, line, col, path, text, NULL);
}

void mm_diag_vadd2(mm_diags *d, mm_diag_level level, mm_diag_code code, const char *source,
                   int line, int col, const char *path, const char *fmt_en, const char *fmt_it,
                   va_list ap) {
  int k = admit(d, level);
  if (k == 2) put_limit(d, level, source);
  if (k != 1) return;
  /* Italian runs longer than English: room for the longest importer note.
   * The arguments are read once per language, from a copy. */
  char text[1024], text_it[1024];
  va_list aq;
  va_copy(aq, ap);
  vsnprintf(text_it, sizeof text_it, fmt_it, aq);
  va_end(aq);
  vsnprintf(text, sizeof text, fmt_en, ap);
  put(d, level, code, source, line, col, path, text, text_it);
}

void mm_diag_addc2(mm_diags *d, mm_diag_level level, mm_diag_code code, const char *source,
                   int line, int col, const char *path, const char *fmt_en, const char *fmt_it,
                   ...) {
  va_list ap;
  va_start(ap, fmt_it);
  mm_diag_vadd2(d, level, code, source, line, col, path, fmt_en, fmt_it, ap);
  va_end(ap);
}

const char *mm_diag_text(const mm_diag *x, mm_lang lang) {
  return lang == MM_LANG_IT && x->text_it ? x->text_it : x->text;
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
