/* render_common.c: see render_common.h. */
#include "evaluate/render_common.h"

#include <math.h>
#include <string.h>

/* A number of at most 6 decimals and 10 significant digits, 1e-4 <= |x| <
 * 1e9, not whole (lab values: 1.4, 0.81, 57.5), as printf's "%.10g" writes
 * it, without printf: x scaled by 10^k is within half an ulp of a whole N,
 * so x is within 1e-16 of N / 10^k, which has at most 10 significant
 * digits: "%.10g" rounds x to exactly that, and strips the trailing zeros.
 * false (nothing written) for any other number. */
static bool put_decimal(mm_strbuf *b, double x) {
  double a = fabs(x);
  if (!(a >= 1e-4 && a < 1e9)) return false;
  static const double scale[] = {1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
  for (int k = 0; k < 6; k++) {
    double m = a * scale[k];
    if (m >= 1e10) return false;
    if (m != floor(m)) continue;
    unsigned long long n = (unsigned long long)m;
    int decimals = k + 1;
    while (decimals > 0 && n % 10 == 0) n /= 10, decimals--; /* never with a whole x */
    char digits[32];
    size_t i = sizeof digits;
    for (int d = 0; d < decimals; d++, n /= 10) digits[--i] = (char)('0' + n % 10);
    if (decimals) digits[--i] = '.';
    do digits[--i] = (char)('0' + n % 10); while ((n /= 10));
    if (x < 0) digits[--i] = '-';
    mm_strbuf_add(b, digits + i, sizeof digits - i);
    return true;
  }
  return false;
}

void mm_render_value_json(mm_strbuf *b, mm_value v) {
  if (!v.known) {
    mm_strbuf_puts(b, "null");
    return;
  }
  switch (v.type) {
  case MM_TYPE_BOOL: mm_strbuf_puts(b, v.b ? "true" : "false"); break;
  case MM_TYPE_NUMBER:
    if (v.num == floor(v.num) && fabs(v.num) < 1e15) {
      /* Whole numbers (ages, lines, counts) without printf's float path. */
      char digits[24];
      long long x = (long long)v.num;
      unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
      size_t n = sizeof digits;
      do digits[--n] = (char)('0' + u % 10); while ((u /= 10) && n > 1);
      if (x < 0) digits[--n] = '-';
      mm_strbuf_add(b, digits + n, sizeof digits - n);
    } else if (!put_decimal(b, v.num)) {
      mm_strbuf_printf(b, "%.10g", v.num);
    }
    break;
  case MM_TYPE_STRING: mm_strbuf_json_string(b, v.str); break;
  }
}

void mm_render_value_text(mm_strbuf *b, mm_value v, mm_lang lang) {
  if (!v.known) {
    mm_strbuf_puts(b, mm_msg_get(MM_MSG_UNKNOWN_VALUE, lang));
    return;
  }
  switch (v.type) {
  case MM_TYPE_BOOL: mm_strbuf_puts(b, mm_msg_get(v.b ? MM_MSG_YES : MM_MSG_NO, lang)); break;
  case MM_TYPE_NUMBER: mm_strbuf_printf(b, "%g", v.num); break;
  case MM_TYPE_STRING: mm_strbuf_puts(b, v.str); break;
  }
}

void mm_render_fact_value_text(mm_strbuf *b, const mm_facts *f, int slot, mm_lang lang) {
  mm_value v = f->values[slot];
  if (v.known && v.type == MM_TYPE_STRING) mm_strbuf_puts(b, mm_fact_value_label(slot, v.str, lang));
  else mm_render_value_text(b, v, lang);
}

void mm_render_source(mm_strbuf *b, const mm_provenance *p) {
  if (!p->n_sources) return;
  mm_strbuf_puts(b, p->sources[0]);
  if (p->updated != MM_DATE_NONE) {
    char d[11];
    mm_date_format(p->updated, d);
    mm_strbuf_printf(b, " (%s)", d);
  }
}

const char *mm_status_word(mm_tv t) {
  return t == MM_TRUE ? "eligible" : t == MM_FALSE ? "not_eligible" : "unknown";
}

const char *mm_status_heading(mm_tv t, mm_lang lang) {
  return mm_msg_get(t == MM_TRUE      ? MM_MSG_ELIGIBLE
                    : t == MM_UNKNOWN ? MM_MSG_UNKNOWN
                                      : MM_MSG_NOT_ELIGIBLE,
                    lang);
}

const char *mm_option_kind_label(const mm_option *o, mm_lang lang) {
  if (o->kind == MM_OPT_GUIDELINE)
    return mm_msg_get(strcmp(o->group, "overlay") == 0 ? MM_MSG_OVERLAY : MM_MSG_GUIDELINE, lang);
  return mm_msg_get(o->kind == MM_OPT_THERAPY ? MM_MSG_THERAPIES : MM_MSG_TRIAL, lang);
}

const char *mm_fact_why(const mm_fact_info *info, mm_lang lang) {
  if (!info) return NULL;
  if (lang == MM_LANG_IT && info->because_it) return info->because_it;
  return info->because;
}

/* "X (anti-CD38)": a drug with the cross-refractory class it counts through. */
static void hit_name(mm_strbuf *b, const mm_kb *kb, mm_refractory_hit h, mm_lang lang) {
  if (h.drug >= 0) mm_strbuf_puts(b, mm_text_in(kb->drugs[h.drug].name, lang));
  if (h.cls >= 0) {
    const char *label = mm_text_in(kb->classes[h.cls].cross_label, lang);
    if (h.drug >= 0) mm_strbuf_add(b, " (", 2);
    mm_strbuf_puts(b, label ? label : "(null)"); /* as printf's %s had it */
    if (h.drug >= 0) mm_strbuf_putc(b, ')');
  }
}

void mm_render_refractoriness(mm_strbuf *b, const mm_kb *kb, const mm_refractoriness *f,
                              mm_lang lang) {
  bool met = f->refractory == MM_FALSE;
  const mm_refractory_hit *list = met ? f->checked : f->hits;
  size_t n = met ? f->n_checked : f->n_hits;
  mm_msg head = f->refractory == MM_TRUE ? MM_MSG_REFRACTORY_TO
                : met                    ? MM_MSG_NOT_REFRACTORY_TO
                                         : MM_MSG_REFRACTORY_UNKNOWN;
  mm_strbuf_puts(b, mm_msg_get(head, lang));
  mm_strbuf_putc(b, ' ');
  if (!n) return;
  /* "a, b and c": refractory to all of them; "a, b or c": not refractory
   * to, or not known whether refractory to, any of them. The table words
   * the last pair ("{a} and {b}"). */
  const char *pair =
      mm_msg_get(f->refractory == MM_TRUE ? MM_MSG_LIST_AND : MM_MSG_LIST_OR, lang);
  const char *a = n > 1 ? strstr(pair, "{a}") : NULL, *bb = n > 1 ? strstr(pair, "{b}") : NULL;
  for (size_t i = 0; i + 1 < n; i++) {
    if (i) mm_strbuf_puts(b, ", ");
    hit_name(b, kb, list[i], lang);
  }
  if (a && bb && a < bb) mm_strbuf_add(b, a + 3, (size_t)(bb - a - 3));
  hit_name(b, kb, list[n - 1], lang);
}

bool mm_refractory_caution(const mm_option_result *r) {
  if (!r->refractoriness || r->refractoriness->refractory != MM_TRUE) return false;
  for (size_t i = 0; i < r->n_criteria; i++)
    if (r->criteria[i].crit->principle) return false;
  return true;
}

void mm_render_criterion_text(mm_strbuf *b, const mm_criterion_result *c, mm_lang lang) {
  if (c->crit->principle && c->refractoriness)
    mm_render_refractoriness(b, c->ev->kb, c->refractoriness, lang);
  else
    mm_strbuf_puts(b, mm_text_in(c->crit->text, lang));
}

const char *mm_exclusion_word(mm_tv rule_value, mm_lang lang) {
  return mm_msg_get(rule_value == MM_FALSE  ? MM_MSG_EXCL_ABSENT
                    : rule_value == MM_TRUE ? MM_MSG_EXCL_PRESENT
                                            : MM_MSG_EXCL_NOT_KNOWN,
                    lang);
}

const char *mm_tier_code(mm_tier t) {
  switch (t) {
  case MM_TIER_RECOMMENDED: return "recommended";
  case MM_TIER_ALLOWED: return "allowed";
  case MM_TIER_CAUTION: return "caution";
  case MM_TIER_UNKNOWN: return "unknown";
  case MM_TIER_NOT_ELIGIBLE: return "not_eligible";
  }
  return "unknown";
}

const char *mm_tier_heading(mm_tier t, mm_lang lang) {
  switch (t) {
  case MM_TIER_RECOMMENDED: return mm_msg_get(MM_MSG_TIER_RECOMMENDED, lang);
  case MM_TIER_ALLOWED: return mm_msg_get(MM_MSG_TIER_ALLOWED, lang);
  case MM_TIER_CAUTION: return mm_msg_get(MM_MSG_TIER_CAUTION, lang);
  case MM_TIER_UNKNOWN: return mm_msg_get(MM_MSG_UNKNOWN, lang);
  case MM_TIER_NOT_ELIGIBLE: return mm_msg_get(MM_MSG_NOT_ELIGIBLE, lang);
  }
  return "";
}

void mm_render_supportive_conditions(mm_strbuf *b, const mm_supportive_result *s, mm_lang lang) {
  for (size_t k = 0; s->conditional && k < s->n_conditions; k++) {
    if (k) mm_strbuf_printf(b, " %s ", mm_msg_get(MM_MSG_OR, lang));
    mm_strbuf_puts(b, mm_text_in(s->conditions[k]->text, lang));
  }
}
