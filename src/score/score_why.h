/* score_why.h: a score's explanation, written in English and in Italian at
 * once (private to src/score/). A calculator says each part of its reason
 * once, with the two languages side by side; numbers, units, cut-offs and
 * codes are written the same into both. The English is the text the scores
 * have always given (mm_score_result.because); the Italian is because_it.
 *
 * The words a person reads besides the calculators' own phrases (the name
 * of an input, a categorical value, a unit) come from one table
 * (score_why.c), in which English is the code itself. */
#ifndef MM_SCORE_WHY_H
#define MM_SCORE_WHY_H
#include "score/score_kb.h"
#include "util/lang.h"
#include "util/strbuf.h"

typedef struct sk_why {
  mm_strbuf b[2]; /* indexed by mm_lang */
} sk_why;

/* max bounds the English text, as the calculators' buffers always did; the
 * Italian, longer, gets twice as much. */
void sk_why_init(sk_why *w, size_t max);
void sk_why_free(sk_why *w);

/* Text in each language: two printf formats over the same arguments (the
 * compiler checks both against them). NULL says nothing in that language
 * (where the other's word order puts a word elsewhere). */
void sk_say(sk_why *w, const char *en, const char *it, ...)
    __attribute__((format(printf, 2, 4), format(printf, 3, 4)));
/* Two texts as they are (not formats), e.g. names from the tables. */
void sk_text(sk_why *w, const char *en, const char *it);
/* The same text in both languages: punctuation, numbers, codes. */
void sk_put(sk_why *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A number and its unit: "4.1 mg/L", "12%", "82 years" / "82 anni". */
void sk_num(sk_why *w, double x, const char *unit);
/* An input's name: its key in English ("beta2m_mg_l"), its clinical name in
 * Italian ("β2-microglobulina"). */
void sk_name(sk_why *w, const char *input);
/* A value as the calculator saw it: a number with its unit, true / false
 * (sì / no), a categorical value, or "missing" (mancante). */
void sk_value(sk_why *w, mm_value v, const char *unit);
/* Two numbers as a span: "0 to 1.5" / "da 0 a 1.5"; as %.0f when whole,
 * else %.6g (each number formatted once, for both languages). */
void sk_span(sk_why *w, double lo, double hi, bool whole);
/* A categorical value: "fit to frail" / "da idoneo a fragile". */
void sk_between(sk_why *w, const char *lo, const char *hi);
/* yes / no / unknown (sì / no / non noto). */
void sk_tv(sk_why *w, mm_tv t);
/* "label x op cut-off", with the op that holds for x (its negation when
 * the cut-off is not met): "beta2m_mg_l 6.1 mg/L >= 5.5 mg/L". */
void sk_th_say(sk_why *w, const sk_threshold *t, const char *label_en, const char *label_it,
               double x, const char *unit);
/* The Italian name of an input key (the key itself when the table has none). */
const char *sk_input_it(const char *input);

/* Appends what `from` says, language by language. */
void sk_append(sk_why *w, const sk_why *from);
void sk_why_clear(sk_why *w);

/* Copies the texts into a as out->because and out->because_it, and frees w.
 * Returns -1 when the English did not fit or the arena failed; an Italian
 * that did not fit leaves because_it NULL (readers fall back to English). */
int sk_why_finish(sk_why *w, mm_score_result *out, mm_arena *a);

#endif
