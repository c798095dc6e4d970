/* score_why.c: see score_why.h; also the score words of score.h
 * (mm_score_value_label, mm_score_because). */
#include "score/score_why.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/fmt.h"

/* ---- the words: English is the code, as the scores have always said it ---- */

/* X(code, italian): the inputs of kb/scores/ by their keys. */
#define SK_INPUT_WORDS(X)                                                                 \
  X("iss", "ISS")                                                                         \
  X("beta2m_mg_l", "β2-microglobulina")                                                   \
  X("albumin_g_dl", "albumina")                                                           \
  X("del17p", "del(17p)")                                                                 \
  X("t4_14", "t(4;14)")                                                                   \
  X("t14_16", "t(14;16)")                                                                 \
  X("gain1q", "guadagno 1q")                                                              \
  X("amp1q", "amplificazione 1q")                                                         \
  X("ldh_above_uln", "LDH sopra il limite superiore")                                     \
  X("age", "età")                                                                         \
  X("charlson", "indice di Charlson")                                                     \
  X("adl", "ADL")                                                                         \
  X("iadl", "IADL")                                                                       \
  X("fever", "febbre")                                                                    \
  X("fever_masked", "febbre mascherata dalla terapia")                                    \
  X("hypotension", "ipotensione")                                                         \
  X("hypoxia", "ipossia")                                                                 \
  X("orientation", "orientamento")                                                        \
  X("naming", "denominazione")                                                            \
  X("commands", "esecuzione di ordini")                                                   \
  X("writing", "scrittura")                                                               \
  X("attention", "attenzione")                                                            \
  X("ice_score", "punteggio ICE")                                                         \
  X("consciousness", "livello di coscienza")                                              \
  X("seizure", "crisi epilettica")                                                        \
  X("motor", "deficit motorio")                                                           \
  X("cerebral_edema", "edema cerebrale")                                                  \
  X("serum_m_protein", "componente M sierica")                                            \
  X("urine_m_protein", "componente M urinaria")                                           \
  X("flc_kappa", "FLC kappa")                                                             \
  X("flc_lambda", "FLC lambda")                                                           \
  X("bm_plasma_cells", "plasmacellule midollari")                                         \
  X("serum_ife", "immunofissazione sierica")                                              \
  X("urine_ife", "immunofissazione urinaria")                                             \
  X("bm_clonal_pc", "plasmacellule clonali midollari")                                    \
  X("mrd", "MRD")

/* X(code, italian): the categorical values of the scores and their inputs
 * (kb/scores/: frailty groups, CRS and ICANS domains). */
#define SK_VALUE_WORDS(X)                                                                 \
  X("fit", "idoneo")                                                                      \
  X("intermediate", "intermedio")                                                         \
  X("frail", "fragile")                                                                   \
  X("none", "assente")                                                                    \
  X("no_pressor", "senza vasopressori")                                                   \
  X("one_pressor", "un vasopressore")                                                     \
  X("multiple_pressors", "più vasopressori")                                              \
  X("low_flow", "ossigeno a basso flusso")                                                \
  X("high_flow", "ossigeno ad alto flusso")                                               \
  X("positive_pressure", "ventilazione a pressione positiva")                             \
  X("alert", "vigile")                                                                    \
  X("awakens_spontaneously", "si risveglia spontaneamente")                               \
  X("awakens_to_voice", "si risveglia alla voce")                                         \
  X("awakens_to_touch", "si risveglia solo allo stimolo tattile")                         \
  X("unarousable", "non risvegliabile")                                                   \
  X("rapidly_resolving", "a rapida risoluzione")                                          \
  X("prolonged", "prolungata")                                                            \
  X("deep_focal_weakness", "focale profondo")                                             \
  X("focal", "focale")                                                                    \
  X("diffuse", "diffuso")

/* X(code, italian): units of kb/scores/ that are words. */
#define SK_UNIT_WORDS(X) X("years", "anni")

typedef struct word {
  const char *code, *it;
} word;

#define SK_WORD_ROW_(code, it) {code, it},
static const word input_words[] = {SK_INPUT_WORDS(SK_WORD_ROW_)};
static const word value_words[] = {SK_VALUE_WORDS(SK_WORD_ROW_)};
static const word unit_words[] = {SK_UNIT_WORDS(SK_WORD_ROW_)};
#undef SK_WORD_ROW_

static const char *lookup(const word *w, size_t n, const char *code) {
  for (size_t i = 0; code && i < n; i++)
    if (strcmp(w[i].code, code) == 0) return w[i].it;
  return code;
}
#define LOOKUP(table, code) lookup(table, sizeof table / sizeof *table, code)

const char *sk_input_it(const char *input) { return LOOKUP(input_words, input); }

const char *mm_score_value_label(const char *value, mm_lang lang) {
  return lang == MM_LANG_IT ? LOOKUP(value_words, value) : value;
}

const char *mm_score_because(const mm_score_result *r, mm_lang lang) {
  return lang == MM_LANG_IT && r->because_it ? r->because_it : r->because;
}

/* ---- the two texts ---- */

void sk_why_init(sk_why *w, size_t max) {
  mm_strbuf_init(&w->b[MM_LANG_EN], max);
  mm_strbuf_init(&w->b[MM_LANG_IT], 2 * max);
}

void sk_why_free(sk_why *w) {
  mm_strbuf_free(&w->b[MM_LANG_EN]);
  mm_strbuf_free(&w->b[MM_LANG_IT]);
}

/* Formats once, into each of the n_b buffers b[] (util/fmt.h: the bytes of
 * vsnprintf without stdio; every band of every score is written here). */
static void vput(mm_strbuf *b, size_t n_b, const char *fmt, va_list ap) {
  if (!fmt) return;
  if (!strchr(fmt, '%')) { /* most parts are words: no formatting */
    size_t n = strlen(fmt);
    for (size_t i = 0; i < n_b; i++) mm_strbuf_add(&b[i], fmt, n);
    return;
  }
  char small[256], *big = NULL;
  const char *text = small;
  va_list aq;
  va_copy(aq, ap);
  int n = mm_vformat(small, sizeof small, fmt, ap);
  if (n >= 0 && (size_t)n >= sizeof small) {
    big = malloc((size_t)n + 1);
    if (big) mm_vformat(big, (size_t)n + 1, fmt, aq);
    text = big;
  }
  va_end(aq);
  for (size_t i = 0; i < n_b; i++) {
    if (n < 0 || !text) b[i].failed = true;
    else mm_strbuf_add(&b[i], text, (size_t)n);
  }
  free(big);
}

void sk_say(sk_why *w, const char *en, const char *it, ...) {
  va_list ap, aq;
  va_start(ap, it);
  va_copy(aq, ap);
  vput(&w->b[MM_LANG_EN], 1, en, ap);
  vput(&w->b[MM_LANG_IT], 1, it, aq);
  va_end(aq);
  va_end(ap);
}

void sk_text(sk_why *w, const char *en, const char *it) {
  if (en) mm_strbuf_puts(&w->b[MM_LANG_EN], en);
  if (it) mm_strbuf_puts(&w->b[MM_LANG_IT], it);
}

void sk_put(sk_why *w, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vput(w->b, 2, fmt, ap);
  va_end(ap);
}

static void put_unit(mm_strbuf *b, const char *unit) {
  if (!unit || !*unit) return;
  if (unit[0] != '%') mm_strbuf_putc(b, ' ');
  mm_strbuf_puts(b, unit);
}

void sk_num(sk_why *w, double x, const char *unit) {
  if (x == 0) x = 0;
  char num[MM_FMT_NUM];
  size_t n = mm_format_number(num, x, 6); /* "%.6g" */
  mm_strbuf_add(&w->b[MM_LANG_EN], num, n);
  mm_strbuf_add(&w->b[MM_LANG_IT], num, n);
  put_unit(&w->b[MM_LANG_EN], unit);
  put_unit(&w->b[MM_LANG_IT], LOOKUP(unit_words, unit));
}

void sk_name(sk_why *w, const char *input) { sk_text(w, input, sk_input_it(input)); }

void sk_value(sk_why *w, mm_value v, const char *unit) {
  if (!v.known) sk_say(w, "missing", "mancante");
  else if (v.type == MM_TYPE_BOOL) sk_text(w, v.b ? "true" : "false", v.b ? "sì" : "no");
  else if (v.type == MM_TYPE_STRING) sk_text(w, v.str, LOOKUP(value_words, v.str));
  else sk_num(w, v.num, unit);
}

void sk_span(sk_why *w, double lo, double hi, bool whole) {
  char a[MM_FMT_NUM], b[MM_FMT_NUM];
  mm_format_number(a, lo, whole ? -1 : 6); /* "%.0f" or "%.6g" */
  mm_format_number(b, hi, whole ? -1 : 6);
  a[31] = b[31] = '\0'; /* as the 32-byte buffers always cut them */
  sk_text(w, a, "da ");
  sk_text(w, " to ", a);
  sk_text(w, b, " a ");
  sk_text(w, NULL, b);
}

void sk_between(sk_why *w, const char *lo, const char *hi) {
  sk_say(w, NULL, "da ");
  sk_value(w, mm_value_string(lo), NULL);
  sk_say(w, " to ", " a ");
  sk_value(w, mm_value_string(hi), NULL);
}

void sk_tv(sk_why *w, mm_tv t) {
  if (t == MM_TRUE) sk_say(w, "yes", "sì");
  else if (t == MM_FALSE) sk_say(w, "no", "no");
  else sk_say(w, "unknown", "non noto");
}

static sk_op negate(sk_op op) {
  switch (op) {
  case SK_LT: return SK_GE;
  case SK_LE: return SK_GT;
  case SK_GT: return SK_LE;
  case SK_GE: return SK_LT;
  case SK_EQ: return SK_EQ;
  }
  return op;
}

void sk_th_say(sk_why *w, const sk_threshold *t, const char *label_en, const char *label_it,
               double x, const char *unit) {
  bool holds = sk_cmp(t->op, x, t->value);
  sk_text(w, label_en, label_it);
  sk_put(w, " ");
  sk_num(w, x, unit);
  sk_put(w, " %s ", sk_op_text(holds ? t->op : negate(t->op)));
  sk_num(w, t->value, t->unit);
}

void sk_append(sk_why *w, const sk_why *from) {
  for (int l = 0; l < 2; l++)
    if (from->b[l].data) mm_strbuf_add(&w->b[l], from->b[l].data, from->b[l].len);
}

void sk_why_clear(sk_why *w) {
  mm_strbuf_clear(&w->b[MM_LANG_EN]);
  mm_strbuf_clear(&w->b[MM_LANG_IT]);
}

int sk_why_finish(sk_why *w, mm_score_result *out, mm_arena *a) {
  const mm_strbuf *en = &w->b[MM_LANG_EN], *it = &w->b[MM_LANG_IT];
  int rc = en->failed ? -1 : 0;
  out->because = mm_arena_strdup(a, en->data ? en->data : "");
  out->because_it = it->failed ? NULL : mm_arena_strdup(a, it->data ? it->data : "");
  sk_why_free(w);
  if (a->failed || !out->because) return -1;
  return rc;
}
