/* suggest.c: see suggest.h. */
#include "util/suggest.h"

#include <string.h>

/* ASCII only, whatever the locale: the names compared are identifiers. */
static int lower(int ch) { return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch; }

int mm_edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return 99;
  int prev[64], cur[64];
  for (size_t j = 0; j <= lb; j++) prev[j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = (int)i;
    for (size_t j = 1; j <= lb; j++) {
      int cost = lower((unsigned char)a[i - 1]) != lower((unsigned char)b[j - 1]);
      int v = prev[j - 1] + cost;
      if (prev[j] + 1 < v) v = prev[j] + 1;
      if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
      cur[j] = v;
    }
    memcpy(prev, cur, sizeof(int) * (lb + 1));
  }
  return prev[lb] > 99 ? 99 : prev[lb];
}

void mm_suggest_init(mm_suggest *s, const char *word) {
  s->word = word;
  s->best = NULL;
  s->best_distance = 99;
}

void mm_suggest_offer(mm_suggest *s, const char *candidate) {
  int d = mm_edit_distance(s->word, candidate);
  if (d < s->best_distance) {
    s->best = candidate;
    s->best_distance = d;
  }
}

const char *mm_suggest_result(const mm_suggest *s) {
  size_t len = strlen(s->word);
  int limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
  return s->best && s->best_distance <= limit ? s->best : NULL;
}
