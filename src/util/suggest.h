/* suggest.h: "did you mean" for mistyped names (edit distance). */
#ifndef MM_SUGGEST_H
#define MM_SUGGEST_H
#include <stddef.h>

/* Levenshtein distance between a and b, ignoring the case of ASCII letters,
 * capped at 99; 99 when either is over 63 bytes (never suggested). The one
 * edit distance of the program (records, rules). */
int mm_edit_distance(const char *a, const char *b);

typedef struct mm_suggest {
  const char *word;  /* what was written */
  const char *best;  /* nearest candidate so far, or NULL */
  int best_distance;
} mm_suggest;

void mm_suggest_init(mm_suggest *s, const char *word);
void mm_suggest_offer(mm_suggest *s, const char *candidate);
/* The nearest candidate if it is close enough to be a likely typo, or NULL. */
const char *mm_suggest_result(const mm_suggest *s);

#endif
