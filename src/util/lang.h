/* lang.h: the language a person reads mmpath in. Strings ("it", "en") exist
 * only at the edges (command line, HTTP query, public API); inside, the
 * language is this enum and every word comes from a translation table. */
#ifndef MM_LANG_H
#define MM_LANG_H
#include <stdbool.h>
#include <string.h>

typedef enum mm_lang { MM_LANG_EN = 0, MM_LANG_IT = 1 } mm_lang;

/* "it" -> MM_LANG_IT, "en" -> MM_LANG_EN; false (and *out untouched) else. */
static inline bool mm_lang_parse(const char *s, mm_lang *out) {
  if (!s) return false;
  if (strcmp(s, "it") == 0) *out = MM_LANG_IT;
  else if (strcmp(s, "en") == 0) *out = MM_LANG_EN;
  else return false;
  return true;
}

static inline const char *mm_lang_code(mm_lang l) { return l == MM_LANG_IT ? "it" : "en"; }

#endif
