/* funnel.c: counts referrals into the funnel report (funnel.h) and renders it
 * as text, mmpath/funnel@1 JSON, an SVG chart for a slide, and a
 * self-contained HTML page. Every word comes from the kb (labels, state and
 * reason names) in the language asked for. */
#include "referral/funnel.h"
#include "referral/pathway.h"

#include <stdlib.h>
#include <string.h>

int mm_pct(size_t n, size_t base) {
  if (base == 0) return 0;
  return (int)((200 * (unsigned long long)n + base) / (2 * (unsigned long long)base));
}

int mm_funnel_new(mm_funnel **out, const mm_ref_kb *kb, const mm_ref_filter *flt) {
  *out = NULL;
  mm_funnel *f = calloc(1, sizeof *f);
  if (!f) return MM_REF_ENOMEM;
  f->kb = kb;
  mm_arena_init(&f->arena, 8192);
  f->since = f->until = MM_DATE_NONE;
  if (flt) {
    if (flt->to_center) f->to_center = mm_arena_strdup(&f->arena, flt->to_center);
    if (flt->from_center) f->from_center = mm_arena_strdup(&f->arena, flt->from_center);
    f->since = flt->since;
    f->until = flt->until;
  }
  f->by_reason = mm_arena_alloc(&f->arena, (kb->n_reasons + 1) * sizeof *f->by_reason);
  f->excluded_by_reason = mm_arena_alloc(&f->arena, (kb->n_reasons + 1) * sizeof(size_t));
  f->median_ref_aph = f->median_aph_inf = -1;
  if (f->arena.failed) {
    mm_funnel_free(f);
    return MM_REF_ENOMEM;
  }
  *out = f;
  return MM_REF_OK;
}

void mm_funnel_free(mm_funnel *f) {
  if (!f) return;
  free(f->days_ref_aph.v);
  free(f->days_ref_aph.n);
  free(f->days_aph_inf.v);
  free(f->days_aph_inf.n);
  mm_arena_free(&f->arena);
  free(f);
}

/* n more referrals with value v (n may be negative: a kept step undone). */
int mm_funnel_hist_add(mm_funnel_hist *h, int v, long long n) {
  size_t lo = 0, hi = h->len;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (h->v[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  if (lo < h->len && h->v[lo] == v) {
    h->n[lo] += n;
    return MM_REF_OK;
  }
  if (h->len == h->cap) {
    size_t nc = h->cap ? h->cap * 2 : 64;
    int *nv = realloc(h->v, nc * sizeof *nv);
    if (!nv) return MM_REF_ENOMEM;
    h->v = nv;
    long long *nn = realloc(h->n, nc * sizeof *nn);
    if (!nn) return MM_REF_ENOMEM;
    h->n = nn;
    h->cap = nc;
  }
  memmove(h->v + lo + 1, h->v + lo, (h->len - lo) * sizeof *h->v);
  memmove(h->n + lo + 1, h->n + lo, (h->len - lo) * sizeof *h->n);
  h->v[lo] = v;
  h->n[lo] = n;
  h->len++;
  return MM_REF_OK;
}

static size_t reason_index(const mm_ref_kb *kb, const char *id) {
  for (size_t i = 0; i < kb->n_reasons; i++)
    if (strcmp(kb->reasons[i].id, id) == 0) return i;
  return kb->n_reasons; /* cannot happen for checked data; counted nowhere */
}

/* The moves of a referral as the corrections say they are (pathway.h):
 * records (notes, visits...) keep the state and are not steps of the
 * funnel. In arena a. */
size_t mm_funnel_moves(const mm_referral *r, mm_arena *a, const mm_ref_event **out) {
  mm_ref_view v;
  *out = NULL;
  if (mm_ref_view_make(&v, r, a) < 0) return 0;
  mm_ref_event *mv = mm_arena_alloc(a, (v.r.n_events + 1) * sizeof *mv);
  if (!mv) return 0;
  size_t n = 0;
  for (size_t i = 0; i < v.r.n_events; i++)
    if (!v.r.events[i].kind) mv[n++] = v.r.events[i];
  *out = mv;
  return n;
}

int mm_funnel_add(void *p, const mm_referral *r) {
  mm_funnel *f = p;
  if (r->n_events == 0) return MM_REF_OK;
  mm_arena a;
  mm_arena_init(&a, 4096);
  const mm_ref_event *ev;
  size_t n = mm_funnel_moves(r, &a, &ev);
  mm_funnel_one o;
  int rc = ev ? mm_funnel_one_of(f->kb, r, ev, n, f->until, &a, &o) : MM_REF_ENOMEM;
  if (!rc && o.counted) {
    f->total++;
    f->by_state[o.now]++;
    for (int s = 0; s < MM_RS_COUNT; s++) f->reached[s] += o.seen[s];
    if (o.own) f->origin.own++;
    else f->origin.other++;
    if (o.seen[MM_RS_WAITLISTED] || o.seen[MM_RS_SCREENING]) {
      if (o.own) f->taken_into_care.own++;
      else f->taken_into_care.other++;
    }
    if (o.seen[MM_RS_SCREENING]) {
      if (o.own) f->screened.own++;
      else f->screened.other++;
    }
    f->evaluated_positive += o.seen[MM_RS_ELIGIBLE];
    f->evaluated_negative += o.seen[MM_RS_NOT_ELIGIBLE];
    f->pending += o.now == MM_RS_WAITLISTED;
    if (o.reason >= 0) {
      f->by_reason[o.reason]++;
      if (o.now == MM_RS_EXCLUDED) f->excluded_by_reason[o.reason]++;
    }
    f->excluded += o.now == MM_RS_EXCLUDED;
    f->inf_n += o.infused;
    f->inf_crs3 += o.crs3;
    f->inf_crs_unknown += o.crs_unknown;
    f->inf_icans += o.icans;
    f->inf_icans_unknown += o.icans_unknown;
    f->inf_d100 += o.d100;
    f->inf_d100_pr_or_better += o.d100_pr;
    if (o.has_ref_aph) {
      f->n_ref_aph++;
      rc = mm_funnel_hist_add(&f->days_ref_aph, o.ref_aph, 1);
    }
    if (!rc && o.aph_inf >= 0) {
      f->n_aph_inf++;
      rc = mm_funnel_hist_add(&f->days_aph_inf, o.aph_inf, 1);
    }
  }
  mm_arena_free(&a);
  return rc;
}

int mm_funnel_one_of(const mm_ref_kb *kb, const mm_referral *r, const mm_ref_event *ev,
                     size_t n, mm_date until, mm_arena *a, mm_funnel_one *out) {
  memset(out, 0, sizeof *out);
  out->reason = -1;
  out->aph_inf = -1;
  /* The history as it stood at `until`. */
  if (until != MM_DATE_NONE)
    while (n > 0 && ev[n - 1].date > until) n--;
  if (n == 0) return MM_REF_OK; /* referred after the window */
  out->counted = true;
  out->own = r->from_center && r->to_center && strcmp(r->from_center, r->to_center) == 0;
  mm_date referred = ev[0].date, first_aph = MM_DATE_NONE, last_aph = MM_DATE_NONE;
  for (size_t i = 0; i < n; i++) {
    const mm_ref_event *e = &ev[i];
    out->seen[e->state] = true;
    if (e->state == MM_RS_APHERESIS) {
      if (first_aph == MM_DATE_NONE) first_aph = e->date;
      last_aph = e->date;
    }
    /* Vein to vein: the apheresis whose product was infused (the last one). */
    if (e->state == MM_RS_INFUSED && out->aph_inf < 0 && last_aph != MM_DATE_NONE)
      out->aph_inf = e->date - last_aph;
  }
  const mm_ref_event *now = &ev[n - 1];
  out->now = now->state;
  if (now->reason) {
    size_t k = reason_index(kb, now->reason);
    if (k < kb->n_reasons) out->reason = (int)k;
  }
  if (first_aph != MM_DATE_NONE) {
    out->has_ref_aph = true;
    out->ref_aph = first_aph - referred;
  }
  if (out->seen[MM_RS_INFUSED]) {
    /* the records dated up to `until` */
    mm_referral cut = *r;
    mm_ref_event *kept = mm_arena_alloc(a, (r->n_events + 1) * sizeof *kept);
    if (!kept) return MM_REF_ENOMEM;
    cut.events = kept;
    cut.n_events = 0;
    for (size_t i = 0; i < r->n_events; i++)
      if (until == MM_DATE_NONE || r->events[i].date <= until)
        kept[cut.n_events++] = r->events[i];
    mm_ref_outcome o;
    if (mm_ref_outcome_of(&cut, a, &o) == 0) {
      out->infused = true;
      out->crs3 = o.crs_grade >= 3;
      out->crs_unknown = o.crs < 0 || (o.crs > 0 && o.crs_grade_unknown && o.crs_grade < 3);
      out->icans = o.icans > 0;
      out->icans_unknown = o.icans < 0;
      if (o.day100_response) {
        out->d100 = true;
        out->d100_pr = strcmp(o.day100_response, "sCR") == 0 ||
                       strcmp(o.day100_response, "CR") == 0 ||
                       strcmp(o.day100_response, "VGPR") == 0 ||
                       strcmp(o.day100_response, "PR") == 0;
      }
    }
  }
  return MM_REF_OK;
}

/* The k-th smallest value (0-based) of a histogram whose counts are >= 0. */
static int kth(const mm_funnel_hist *h, long long k) {
  for (size_t i = 0; i < h->len; i++) {
    if (k < h->n[i]) return h->v[i];
    k -= h->n[i];
  }
  return h->len ? h->v[h->len - 1] : -1;
}

/* Middle value; for an even count the mean of the two middle ones, rounded
 * half up (days are never negative: events are in date order). */
static int median(const mm_funnel_hist *h, size_t n) {
  if (n == 0) return -1;
  long long m = (long long)n;
  if (m % 2) return kth(h, m / 2);
  return (kth(h, m / 2 - 1) + kth(h, m / 2) + 1) / 2;
}

void mm_funnel_finish(mm_funnel *f) {
  f->median_ref_aph = median(&f->days_ref_aph, f->n_ref_aph);
  f->median_aph_inf = median(&f->days_aph_inf, f->n_aph_inf);
}

/* ---- JSON ---- */

static void jcount(mm_strbuf *b, const char *key, size_t n, size_t base) {
  mm_strbuf_json_string(b, key);
  mm_strbuf_printf(b, ": {\"n\": %zu, \"pct\": %d}", n, mm_pct(n, base));
}

static void jdate(mm_strbuf *b, mm_date d) {
  if (d == MM_DATE_NONE) {
    mm_strbuf_puts(b, "null");
    return;
  }
  char s[11];
  mm_date_format(d, s);
  mm_strbuf_printf(b, "\"%s\"", s);
}

static void jsplit(mm_strbuf *b, const char *key, mm_funnel_split s) {
  size_t base = s.own + s.other;
  mm_strbuf_printf(b, ",\n  \"%s\": {\"base\": %zu, ", key, base);
  jcount(b, "own", s.own, base);
  mm_strbuf_puts(b, ", ");
  jcount(b, "other", s.other, base);
  mm_strbuf_puts(b, "}");
}

static void jmedian(mm_strbuf *b, int v) {
  if (v < 0) mm_strbuf_puts(b, "null");
  else mm_strbuf_printf(b, "%d", v);
}

void mm_funnel_json(mm_strbuf *b, const mm_funnel *f) {
  size_t t = f->total;
  mm_strbuf_printf(b, "{\n  \"schema\": \"%s\",\n  \"to_center\": ", MM_FUNNEL_SCHEMA);
  mm_strbuf_json_string(b, f->to_center);
  mm_strbuf_puts(b, ", \"from_center\": ");
  mm_strbuf_json_string(b, f->from_center);
  mm_strbuf_puts(b, ", \"since\": ");
  jdate(b, f->since);
  mm_strbuf_puts(b, ", \"until\": ");
  jdate(b, f->until);
  mm_strbuf_printf(b, ",\n  \"total\": %zu,\n  \"groups\": {", t);
  jcount(b, "evaluated_negative", f->evaluated_negative, t);
  mm_strbuf_puts(b, ", ");
  jcount(b, "evaluated_positive", f->evaluated_positive, t);
  mm_strbuf_puts(b, ",\n    ");
  jcount(b, "taken_into_care", f->taken_into_care.own + f->taken_into_care.other, t);
  mm_strbuf_puts(b, ", ");
  jcount(b, "screened", f->screened.own + f->screened.other, t);
  mm_strbuf_puts(b, ",\n    ");
  jcount(b, "excluded", f->excluded, t);
  mm_strbuf_puts(b, ", ");
  jcount(b, "pending", f->pending, t);
  mm_strbuf_puts(b, "},\n  \"by_state\": {");
  for (int s = 0; s < MM_RS_COUNT; s++) {
    mm_strbuf_puts(b, s ? ",\n    " : "\n    ");
    jcount(b, mm_ref_state_name(s), f->by_state[s], t);
  }
  mm_strbuf_puts(b, "},\n  \"by_reason\": {");
  for (size_t i = 0; i < f->kb->n_reasons; i++) {
    mm_strbuf_puts(b, i ? ",\n    " : "\n    ");
    jcount(b, f->kb->reasons[i].id, f->by_reason[i], t);
  }
  mm_strbuf_puts(b, "},\n  \"by_origin\": {");
  jcount(b, "own", f->origin.own, t);
  mm_strbuf_puts(b, ", ");
  jcount(b, "other", f->origin.other, t);
  mm_strbuf_puts(b, "},\n  \"median_days\": {\"referral_to_apheresis\": ");
  jmedian(b, f->median_ref_aph);
  mm_strbuf_puts(b, ", \"apheresis_to_infusion\": ");
  jmedian(b, f->median_aph_inf);
  mm_strbuf_puts(b, "},\n");
  /* Added keys (spec: "holds at least"); their bases are in docs/referral.md. */
  mm_strbuf_printf(b,
                   "  \"median_days_n\": {\"referral_to_apheresis\": %zu, "
                   "\"apheresis_to_infusion\": %zu},\n  \"reached\": {",
                   f->n_ref_aph, f->n_aph_inf);
  for (int s = 0; s < MM_RS_COUNT; s++) {
    mm_strbuf_puts(b, s ? ",\n    " : "\n    ");
    jcount(b, mm_ref_state_name(s), f->reached[s], t);
  }
  mm_strbuf_printf(b, "},\n  \"after_infusion\": {\"base\": %zu, ", f->inf_n);
  jcount(b, "infused", f->inf_n, t);
  mm_strbuf_puts(b, ", ");
  jcount(b, "crs_grade3plus", f->inf_crs3, f->inf_n);
  mm_strbuf_puts(b, ", ");
  jcount(b, "crs_not_known", f->inf_crs_unknown, f->inf_n);
  mm_strbuf_puts(b, ", ");
  jcount(b, "icans", f->inf_icans, f->inf_n);
  mm_strbuf_puts(b, ", ");
  jcount(b, "icans_not_known", f->inf_icans_unknown, f->inf_n);
  mm_strbuf_puts(b, ", ");
  jcount(b, "day100_response", f->inf_d100, f->inf_n);
  mm_strbuf_puts(b, ", ");
  jcount(b, "day100_pr_or_better", f->inf_d100_pr_or_better, f->inf_n);
  mm_strbuf_printf(b, "},\n  \"by_reason_pct_of_excluded\": {\"base\": %zu", f->excluded);
  for (size_t i = 0; i < f->kb->n_reasons; i++) {
    mm_strbuf_puts(b, ",\n    ");
    jcount(b, f->kb->reasons[i].id, f->excluded_by_reason[i], f->excluded);
  }
  mm_strbuf_puts(b, "}");
  jsplit(b, "own_vs_other_of_taken_into_care", f->taken_into_care);
  jsplit(b, "own_vs_other_of_screened", f->screened);
  mm_strbuf_puts(b, "\n}\n");
}

/* ---- the rows every human-readable renderer shows ---- */

typedef enum { ROW_FUNNEL, ROW_STATE, ROW_REASON, ROW_EXCL_REASON } row_section;
typedef enum { TONE_MAIN, TONE_GOOD, TONE_BAD, TONE_WAIT } row_tone;
typedef struct row {
  row_section section;
  const char *label;
  size_t n, base;
  row_tone tone;
  const mm_funnel_split *split; /* own/other annotation, or NULL */
} row;

#define MAX_ROWS (16 + MM_RS_COUNT + 64)

static const char *L(const mm_funnel *f, const char *id, mm_lang lang) {
  return mm_ref_kb_label(f->kb, id, lang);
}

static size_t rows_of(const mm_funnel *f, mm_lang lang, row *rows, size_t max) {
  size_t n = 0, t = f->total;
  size_t tic = f->taken_into_care.own + f->taken_into_care.other;
  size_t scr = f->screened.own + f->screened.other;
  struct { const char *label; size_t n; row_tone tone; const mm_funnel_split *split; } fun[] = {
      {"received", t, TONE_MAIN, &f->origin},
      {"taken_into_care", tic, TONE_MAIN, &f->taken_into_care},
      {"excluded", f->excluded, TONE_BAD, NULL},
      {"screened", scr, TONE_MAIN, &f->screened},
      {"pending", f->pending, TONE_WAIT, NULL},
      {"evaluated_positive", f->evaluated_positive, TONE_GOOD, NULL},
      {"evaluated_negative", f->evaluated_negative, TONE_BAD, NULL},
      {"reached_apheresis", f->reached[MM_RS_APHERESIS], TONE_GOOD, NULL},
      {"reached_infusion", f->reached[MM_RS_INFUSED], TONE_GOOD, NULL},
  };
  for (size_t i = 0; i < sizeof fun / sizeof *fun && n < max; i++)
    if (i == 0 || fun[i].n)
      rows[n++] = (row){ROW_FUNNEL, L(f, fun[i].label, lang), fun[i].n, t, fun[i].tone,
                        fun[i].split};
  for (int s = 0; s < MM_RS_COUNT && n < max; s++) {
    if (!f->by_state[s]) continue;
    row_tone tone = s == MM_RS_NOT_ELIGIBLE || s == MM_RS_EXCLUDED || s == MM_RS_DIED ||
                            s == MM_RS_NOT_INFUSED || s == MM_RS_MANUFACTURING_FAILED
                        ? TONE_BAD
                    : s == MM_RS_INFUSED || s == MM_RS_FOLLOW_UP ? TONE_GOOD
                                                                  : TONE_WAIT;
    rows[n++] = (row){ROW_STATE, mm_ref_text_in(&f->kb->states[s], lang), f->by_state[s], t,
                      tone, NULL};
  }
  for (size_t i = 0; i < f->kb->n_reasons && n < max; i++)
    if (f->by_reason[i] && f->by_reason[i] != f->excluded_by_reason[i])
      rows[n++] = (row){ROW_REASON, mm_ref_text_in(&f->kb->reasons[i].name, lang),
                        f->by_reason[i], t, TONE_BAD, NULL};
  /* Reasons of exclusion, as the deck shows them: percent of the excluded. */
  for (size_t i = 0; i < f->kb->n_reasons && n < max; i++)
    if (f->excluded_by_reason[i])
      rows[n++] = (row){ROW_EXCL_REASON, mm_ref_text_in(&f->kb->reasons[i].name, lang),
                        f->excluded_by_reason[i], f->excluded, TONE_BAD, NULL};
  return n;
}

static const char *section_title(const mm_funnel *f, row_section s, mm_lang lang,
                                 mm_arena *a) {
  switch (s) {
  case ROW_FUNNEL:
    return mm_arena_printf(a, "%s (%s)", L(f, "section_funnel", lang), L(f, "of_total", lang));
  case ROW_STATE:
    return mm_arena_printf(a, "%s (%s)", L(f, "section_state", lang), L(f, "of_total", lang));
  case ROW_REASON:
    return mm_arena_printf(a, "%s (%s)", L(f, "section_reason", lang), L(f, "of_total", lang));
  case ROW_EXCL_REASON:
    return mm_arena_printf(a, "%s: %s (%s)", L(f, "excluded", lang),
                           L(f, "section_reason", lang), L(f, "of_excluded", lang));
  }
  return "";
}

static const char *subtitle(const mm_funnel *f, mm_lang lang, mm_arena *a) {
  char s[11] = "…", u[11] = "…";
  if (f->since != MM_DATE_NONE) mm_date_format(f->since, s);
  if (f->until != MM_DATE_NONE) mm_date_format(f->until, u);
  const char *all = L(f, "all_centers", lang);
  const char *window = f->since == MM_DATE_NONE && f->until == MM_DATE_NONE
                           ? mm_arena_printf(a, "%s: %s", L(f, "window", lang), all)
                           : mm_arena_printf(a, "%s %s – %s", L(f, "window", lang), s, u);
  return mm_arena_printf(a, "%s: %s · %s: %s · %s · %s = %zu", L(f, "to_center", lang),
                         f->to_center ? f->to_center : all, L(f, "from_center", lang),
                         f->from_center ? f->from_center : all, window, L(f, "count", lang),
                         f->total);
}

static const char *split_text(const mm_funnel *f, const mm_funnel_split *s, mm_lang lang,
                              mm_arena *a) {
  size_t base = s->own + s->other;
  return mm_arena_printf(a, "%zu %s (%d%%) · %zu %s (%d%%)", s->own, L(f, "own", lang),
                         mm_pct(s->own, base), s->other, L(f, "other", lang),
                         mm_pct(s->other, base));
}

static const char *median_text(const mm_funnel *f, const char *label, int v, size_t n,
                               mm_lang lang, mm_arena *a) {
  if (v < 0) return mm_arena_printf(a, "%s: – (%s = 0)", L(f, label, lang), L(f, "count", lang));
  return mm_arena_printf(a, "%s: %d (%s = %zu)", L(f, label, lang), v, L(f, "count", lang), n);
}

/* ---- text ---- */

/* Width in characters of UTF-8 text (counts code points). */
static size_t u8len(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

void mm_funnel_text(mm_strbuf *b, const mm_funnel *f, mm_lang lang) {
  mm_arena a;
  mm_arena_init(&a, 4096);
  row rows[MAX_ROWS];
  size_t n = rows_of(f, lang, rows, MAX_ROWS);
  size_t w = 10;
  for (size_t i = 0; i < n; i++) w = u8len(rows[i].label) > w ? u8len(rows[i].label) : w;
  mm_strbuf_printf(b, "%s\n%s\n", L(f, "title", lang), subtitle(f, lang, &a));
  for (size_t i = 0; i < n; i++) {
    if (i == 0 || rows[i].section != rows[i - 1].section) {
      mm_strbuf_printf(b, "\n%s\n", section_title(f, rows[i].section, lang, &a));
    }
    mm_strbuf_printf(b, "  %s", rows[i].label);
    for (size_t k = u8len(rows[i].label); k < w; k++) mm_strbuf_putc(b, ' ');
    mm_strbuf_printf(b, " %6zu %4d%%", rows[i].n, mm_pct(rows[i].n, rows[i].base));
    if (rows[i].split) mm_strbuf_printf(b, "   %s", split_text(f, rows[i].split, lang, &a));
    mm_strbuf_putc(b, '\n');
  }
  mm_strbuf_printf(b, "\n%s\n%s\n",
                   median_text(f, "median_referral_to_apheresis", f->median_ref_aph,
                               f->n_ref_aph, lang, &a),
                   median_text(f, "median_apheresis_to_infusion", f->median_aph_inf,
                               f->n_aph_inf, lang, &a));
  /* After infusion (records, pathway.h): percent of the infused. */
  if (f->inf_n) {
    struct { const char *label; size_t n, unknown; } rs[] = {
        {"crs_grade3plus", f->inf_crs3, f->inf_crs_unknown},
        {"icans_any", f->inf_icans, f->inf_icans_unknown},
        {"day100_response", f->inf_d100, 0},
        {"day100_pr_or_better", f->inf_d100_pr_or_better, 0}};
    mm_strbuf_printf(b, "\n%s (%s; %s = %zu)\n", L(f, "section_after_infusion", lang),
                     L(f, "of_infused", lang), L(f, "count", lang), f->inf_n);
    for (size_t i = 0; i < sizeof rs / sizeof *rs; i++) {
      const char *lb = L(f, rs[i].label, lang);
      mm_strbuf_printf(b, "  %s", lb);
      for (size_t k = u8len(lb); k < w; k++) mm_strbuf_putc(b, ' ');
      mm_strbuf_printf(b, " %6zu %4d%%", rs[i].n, mm_pct(rs[i].n, f->inf_n));
      if (rs[i].unknown)
        mm_strbuf_printf(b, "   %s: %zu", L(f, "not_known", lang), rs[i].unknown);
      mm_strbuf_putc(b, '\n');
    }
  }
  mm_arena_free(&a);
}

/* ---- SVG ---- */

static const char *tone_color(row_tone t) {
  switch (t) {
  case TONE_MAIN: return "#1f4e79";
  case TONE_GOOD: return "#3a7d44";
  case TONE_BAD: return "#b5443b";
  case TONE_WAIT: return "#c98a1b";
  }
  return "#555";
}

enum { SVG_W = 1200, LABEL_X = 360, BAR_X = 372, BAR_W = 340, ROW_H = 30, SEC_H = 40 };

void mm_funnel_svg(mm_strbuf *b, const mm_funnel *f, mm_lang lang) {
  mm_arena a;
  mm_arena_init(&a, 4096);
  row rows[MAX_ROWS];
  size_t n = rows_of(f, lang, rows, MAX_ROWS);
  size_t sections = 0;
  for (size_t i = 0; i < n; i++) sections += i == 0 || rows[i].section != rows[i - 1].section;
  int height = 100 + (int)sections * SEC_H + (int)n * ROW_H + 70;
  mm_strbuf_printf(b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                   "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" "
                   "role=\"img\" aria-label=\"",
                   SVG_W, height, SVG_W, height);
  mm_strbuf_html(b, L(f, "title", lang));
  mm_strbuf_printf(b, "\">\n<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", SVG_W,
                   height);
  mm_strbuf_puts(b, "<text x=\"30\" y=\"44\" font-size=\"26\" font-weight=\"bold\" fill=\"#1f2d3d\">");
  mm_strbuf_html(b, L(f, "title", lang));
  mm_strbuf_puts(b, "</text>\n<text x=\"30\" y=\"72\" font-size=\"15\" fill=\"#4a5968\">");
  mm_strbuf_html(b, subtitle(f, lang, &a));
  mm_strbuf_puts(b, "</text>\n");
  int y = 100;
  for (size_t i = 0; i < n; i++) {
    const row *r = &rows[i];
    if (i == 0 || r->section != rows[i - 1].section) {
      y += SEC_H;
      mm_strbuf_printf(b, "<text x=\"30\" y=\"%d\" font-size=\"17\" font-weight=\"bold\" "
                          "fill=\"#1f2d3d\">", y - 12);
      mm_strbuf_html(b, section_title(f, r->section, lang, &a));
      mm_strbuf_printf(b, "</text>\n<line x1=\"30\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                          "stroke=\"#d0d7de\"/>\n", y - 6, SVG_W - 30, y - 6);
    }
    int pct = mm_pct(r->n, r->base);
    int w = r->base ? (int)((double)BAR_W * (double)r->n / (double)r->base + 0.5) : 0;
    if (w < 2 && r->n) w = 2;
    /* The funnel section is centred, as a funnel; the others are bars. */
    int x = r->section == ROW_FUNNEL ? BAR_X + (BAR_W - w) / 2 : BAR_X;
    mm_strbuf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"15\" text-anchor=\"end\" "
                        "fill=\"#1f2d3d\">", LABEL_X, y + 19);
    mm_strbuf_html(b, r->label);
    mm_strbuf_printf(b, "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"3\" "
                        "fill=\"%s\"/>\n", x, y + 3, w, ROW_H - 6, tone_color(r->tone));
    mm_strbuf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"15\" font-weight=\"bold\" "
                        "fill=\"#1f2d3d\">%zu (%d%%)</text>\n",
                     BAR_X + BAR_W + 12, y + 19, r->n, pct);
    if (r->split) {
      mm_strbuf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#4a5968\">",
                       BAR_X + BAR_W + 122, y + 19);
      mm_strbuf_html(b, split_text(f, r->split, lang, &a));
      mm_strbuf_puts(b, "</text>\n");
    }
    y += ROW_H;
  }
  y += 30;
  mm_strbuf_printf(b, "<text x=\"30\" y=\"%d\" font-size=\"14\" fill=\"#1f2d3d\">", y);
  mm_strbuf_html(b, median_text(f, "median_referral_to_apheresis", f->median_ref_aph,
                                f->n_ref_aph, lang, &a));
  mm_strbuf_puts(b, " · ");
  mm_strbuf_html(b, median_text(f, "median_apheresis_to_infusion", f->median_aph_inf,
                                f->n_aph_inf, lang, &a));
  mm_strbuf_puts(b, "</text>\n</svg>\n");
  mm_arena_free(&a);
}

/* ---- HTML ---- */

void mm_funnel_html(mm_strbuf *b, const mm_funnel *f, mm_lang lang) {
  mm_arena a;
  mm_arena_init(&a, 4096);
  row rows[MAX_ROWS];
  size_t n = rows_of(f, lang, rows, MAX_ROWS);
  mm_strbuf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<title>", lang == MM_LANG_IT ? "it" : "en");
  mm_strbuf_html(b, L(f, "title", lang));
  mm_strbuf_puts(b, "</title>\n<style>\n"
                    "body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#1f2d3d}\n"
                    "table{border-collapse:collapse;margin:1em 0}\n"
                    "th,td{border-bottom:1px solid #d0d7de;padding:.3em .8em;text-align:left}\n"
                    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
                    "svg{max-width:100%;height:auto}\n</style>\n</head>\n<body>\n");
  mm_funnel_svg(b, f, lang);
  mm_strbuf_puts(b, "<table>\n");
  for (size_t i = 0; i < n; i++) {
    if (i == 0 || rows[i].section != rows[i - 1].section) {
      mm_strbuf_puts(b, "<tr><th colspan=\"4\">");
      mm_strbuf_html(b, section_title(f, rows[i].section, lang, &a));
      mm_strbuf_puts(b, "</th></tr>\n");
    }
    mm_strbuf_puts(b, "<tr><td>");
    mm_strbuf_html(b, rows[i].label);
    mm_strbuf_printf(b, "</td><td class=\"n\">%zu</td><td class=\"n\">%d%%</td><td>",
                     rows[i].n, mm_pct(rows[i].n, rows[i].base));
    if (rows[i].split) mm_strbuf_html(b, split_text(f, rows[i].split, lang, &a));
    mm_strbuf_puts(b, "</td></tr>\n");
  }
  mm_strbuf_puts(b, "</table>\n<p>");
  mm_strbuf_html(b, median_text(f, "median_referral_to_apheresis", f->median_ref_aph,
                                f->n_ref_aph, lang, &a));
  mm_strbuf_puts(b, "<br>\n");
  mm_strbuf_html(b, median_text(f, "median_apheresis_to_infusion", f->median_aph_inf,
                                f->n_aph_inf, lang, &a));
  mm_strbuf_puts(b, "</p>\n</body>\n</html>\n");
  mm_arena_free(&a);
}
