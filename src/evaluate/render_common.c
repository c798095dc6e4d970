/* render_common.c: see render_common.h. */
#include "evaluate/render_common.h"

#include <math.h>
#include <string.h>

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
    } else {
      mm_strbuf_printf(b, "%.10g", v.num);
    }
    break;
  case MM_TYPE_STRING: mm_strbuf_json_string(b, v.str); break;
  }
}

void mm_render_value_text(mm_strbuf *b, mm_value v, const char *lang) {
  if (!v.known) {
    mm_strbuf_puts(b, mm_label_get(L_UNKNOWN_VALUE, lang));
    return;
  }
  switch (v.type) {
  case MM_TYPE_BOOL: mm_strbuf_puts(b, mm_label_get(v.b ? L_YES : L_NO, lang)); break;
  case MM_TYPE_NUMBER: mm_strbuf_printf(b, "%g", v.num); break;
  case MM_TYPE_STRING: mm_strbuf_puts(b, v.str); break;
  }
}

static size_t add_unique(const char **out, size_t n, size_t cap, const char *s) {
  if (!s) return n;
  for (size_t i = 0; i < n; i++)
    if (strcmp(out[i], s) == 0) return n;
  if (n < cap) out[n++] = s;
  return n;
}

size_t mm_criterion_missing(const mm_facts *f, const mm_rule_trace *trace, const char **out,
                            size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < trace->n_unknown; i++) {
    int slot = trace->unknown[i];
    const mm_fact_info *info = f->info ? &f->info[slot] : NULL;
    if (info && info->n_missing) {
      for (size_t k = 0; k < info->n_missing; k++) n = add_unique(out, n, cap, info->missing[k]);
    } else {
      n = add_unique(out, n, cap, f->kb->facts[slot].name);
    }
  }
  return n;
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

const char *mm_fact_why(const mm_fact_info *info, const char *lang) {
  if (!info) return NULL;
  if (lang && strcmp(lang, "it") == 0 && info->because_it) return info->because_it;
  return info->because;
}
