/*
 * mmpath.h: the mmpath library, multiple-myeloma decision support.
 *
 * ## What it does
 * From a patient record (JSON, mmpath/patient@1) it derives the facts (lines
 * of therapy, exposure and refractoriness per drug and class, setting,
 * scores) and lists, with reasons, the guideline regimens for the setting,
 * the approved therapies whose label the patient meets, the matching trials
 * and the supportive-care plan (mmpath/evaluation@1). Every criterion is
 * true, false or unknown; unknown names the input that would decide it.
 *
 * ## Ownership
 * - Objects returned through a `**out` parameter belong to the caller and
 *   are released with the matching `_free` (which accepts NULL).
 * - Strings returned through `char **out` are malloc'd; the caller free()s.
 * - Nothing is global: a knowledge base is loaded once and may be shared,
 *   read-only, by any number of threads; every call is reentrant.
 *
 * ## Errors
 * Functions return 0 (MMPATH_OK) or a negative mmpath_status. Where a call
 * can fail on its input it also produces a report of every problem, each
 * with its field path (`lines[1].start: after as_of`).
 */
#ifndef MMPATH_H
#define MMPATH_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "mmpath_version.h" /* MMPATH_VERSION "x.y.z": CMake writes it from project(VERSION) */

typedef enum mmpath_status {
  MMPATH_OK = 0,
  MMPATH_ERROR = -1,    /* anything else */
  MMPATH_ENOMEM = -2,   /* out of memory */
  MMPATH_EINVALID = -3, /* the input fails validation (report in *out) */
  MMPATH_ESYNTAX = -4,  /* a knowledge-base file or rule does not parse */
  MMPATH_ENOTFOUND = -5 /* no such file, option or score */
} mmpath_status;

/* ## The knowledge base */

typedef struct mm_kb mmpath_kb;

/* Loads the knowledge base in directory `dir` (kb/ of the source tree).
 * On failure returns MMPATH_ESYNTAX or MMPATH_ENOTFOUND, *out is NULL and,
 * if errors_out is not NULL, *errors_out holds one line per problem
 * ("kb/therapies/x.yaml:12:7: reason"), malloc'd. */
int mmpath_kb_open(mmpath_kb **out, const char *dir, char **errors_out);
void mmpath_kb_free(mmpath_kb *kb);
/* The knowledge base's version, e.g. "2026.11" (borrowed). */
const char *mmpath_kb_version(const mmpath_kb *kb);

/* ## Evaluating a patient */

typedef enum mmpath_format {
  MMPATH_FORMAT_JSON = 0, /* mmpath/evaluation@1 */
  MMPATH_FORMAT_TEXT = 1, /* for a terminal */
  MMPATH_FORMAT_HTML = 2  /* one self-contained printable page */
} mmpath_format;

typedef struct mmpath_options {
  unsigned version;         /* MMPATH_OPTIONS_VERSION */
  mmpath_format format;
  const char *lang;         /* "it" or "en" (default "en") */
  const char *jurisdiction; /* "eu" (default) or "us" */
} mmpath_options;

#define MMPATH_OPTIONS_VERSION 1
#define MMPATH_OPTIONS_INIT {MMPATH_OPTIONS_VERSION, MMPATH_FORMAT_JSON, "en", "eu"}

/* Evaluates one patient record (JSON text of `len` bytes). On success
 * returns MMPATH_OK and *out is the evaluation in the chosen format. If the
 * record is invalid returns MMPATH_EINVALID and *out is the list of problems
 * in the same format (JSON: {"errors":[{"path","line","column","message"}]}).
 * opts may be NULL (JSON, English, EU). */
int mmpath_evaluate(char **out, const mmpath_kb *kb, const char *record,
                    size_t len, const mmpath_options *opts);

/* As mmpath_evaluate, but only the derived facts (the `facts` object). */
int mmpath_facts(char **out, const mmpath_kb *kb, const char *record,
                 size_t len, const mmpath_options *opts);

#ifdef __cplusplus
}
#endif
#endif
