/* diag.h: a list of diagnostics (errors and warnings), each with a code
 * (what kind of problem: callers branch on it, never on the text) and where
 * it points: a source (file, "<stdin>", "registry.jsonl"), a line and column
 * when known, and a field path inside a record ("lines[1].start").
 * Validation reports every problem it finds, not just the first. */
#ifndef MM_DIAG_H
#define MM_DIAG_H
#include <stdarg.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/lang.h"

typedef enum { MM_DIAG_ERROR, MM_DIAG_WARNING } mm_diag_level;

/* The kind of a problem, in the manner of libgit2's error codes. The public
 * header (include/mmpath.h) mirrors these values as mmpath_problem_code and
 * the HTTP API names them in its problem details, so the numbers are stable:
 * add at the end, never renumber. */
typedef enum mm_diag_code {
  MM_E_INVALID = 0,   /* a value that is not allowed (the generic code) */
  MM_E_SYNTAX = 1,    /* the text does not parse (JSON, YAML, rule) */
  MM_E_TYPE = 2,      /* a value of the wrong type (string for number, ...) */
  MM_E_UNKNOWN_KEY = 3,  /* a field or key the format does not have */
  MM_E_MISSING = 4,   /* a required field or key is absent */
  MM_E_UNKNOWN_NAME = 5, /* a drug, regimen, lab, code... not in the kb */
  MM_E_AMBIGUOUS = 6, /* a name that means more than one thing */
  MM_E_RANGE = 7,     /* a number or date outside what is plausible */
  MM_E_ORDER = 8,     /* dates or events in an impossible order */
  MM_E_DUPLICATE = 9, /* the same id or key twice */
  MM_E_NOT_FOUND = 10,/* a file, entry or object that does not exist */
  MM_E_LIMIT = 11,    /* over a documented size or count limit */
  MM_E_IO = 12,       /* reading or writing failed (disk, database) */
  MM_E_STATE = 13,    /* not allowed in the current state (a pathway move) */
  MM_E_NOMEM = 14,    /* out of memory */
  MM_E__COUNT
} mm_diag_code;

/* "invalid", "syntax", ...: the code's stable name (API problem details). */
const char *mm_diag_code_name(mm_diag_code code);

typedef struct mm_diag mm_diag;
struct mm_diag {
  mm_diag_level level;
  mm_diag_code code;
  const char *source; /* may be NULL */
  int line, col;      /* 0 when not known */
  const char *path;   /* field path, may be NULL */
  const char *text;   /* one line: the reason, in English */
  mm_diag *next;
  /* The same reason in Italian, NULL when the module that reported it
   * writes English only (mm_diag_text picks, falling back to English). */
  const char *text_it;
};

typedef struct mm_diags {
  mm_arena *arena;    /* owns every diagnostic */
  mm_diag *head, *tail;
  size_t errors, warnings; /* every one added, kept or not */
  /* 0 (mm_diags_init): every diagnostic is kept. Else at most `keep` are,
   * then one more that says so (MM_E_LIMIT), so that a record with a
   * million bad entries takes bounded memory; the counts go on. */
  size_t keep, kept;
} mm_diags;

void mm_diags_init(mm_diags *d, mm_arena *arena);
/* Adds one diagnostic; the text is formatted into the diags' arena. Every
 * module's own "report a problem at this node" helper forwards its va_list
 * here instead of formatting twice. */
void mm_diag_vadd(mm_diags *d, mm_diag_level level, mm_diag_code code, const char *source,
                  int line, int col, const char *path, const char *fmt, va_list ap)
    __attribute__((format(printf, 8, 0)));
void mm_diag_addc(mm_diags *d, mm_diag_level level, mm_diag_code code, const char *source,
                  int line, int col, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
/* Bilingual: the same arguments formatted twice, by fmt_en into text and by
 * fmt_it into text_it (Italian first for the reader, English for logs and
 * the API's default). Both formats are checked against the arguments; a
 * word that differs by language is passed as two arguments, English then
 * Italian, each format skipping the other's with "%.0s". */
void mm_diag_vadd2(mm_diags *d, mm_diag_level level, mm_diag_code code, const char *source,
                   int line, int col, const char *path, const char *fmt_en, const char *fmt_it,
                   va_list ap) __attribute__((format(printf, 8, 0), format(printf, 9, 0)));
void mm_diag_addc2(mm_diags *d, mm_diag_level level, mm_diag_code code, const char *source,
                   int line, int col, const char *path, const char *fmt_en, const char *fmt_it,
                   ...) __attribute__((format(printf, 8, 10), format(printf, 9, 10)));
/* The diagnostic's reason in lang: text_it for MM_LANG_IT when there is
 * one, else text (English). Owned by the diags' arena. */
const char *mm_diag_text(const mm_diag *x, mm_lang lang);
/* Without a code: MM_E_INVALID. */
void mm_diag_add(mm_diags *d, mm_diag_level level, const char *source,
                 int line, int col, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
#define mm_diag_error(d, src, line, col, path, ...) \
  mm_diag_add((d), MM_DIAG_ERROR, (src), (line), (col), (path), __VA_ARGS__)
#define mm_diag_warn(d, src, line, col, path, ...) \
  mm_diag_add((d), MM_DIAG_WARNING, (src), (line), (col), (path), __VA_ARGS__)
/* With a code. */
#define mm_diag_errorc(d, code, src, line, col, path, ...) \
  mm_diag_addc((d), MM_DIAG_ERROR, (code), (src), (line), (col), (path), __VA_ARGS__)
#define mm_diag_warnc(d, code, src, line, col, path, ...) \
  mm_diag_addc((d), MM_DIAG_WARNING, (code), (src), (line), (col), (path), __VA_ARGS__)

#endif
