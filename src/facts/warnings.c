/* warnings.c: the fact engine's warnings (facts.h), each said in English in
 * the caller's diagnostics and kept in Italian beside it. */
#include <string.h>

#include "facts/facts_internal.h"
#include "util/strbuf.h"

static const struct {
  const char *id, *text[2];
} warnings[MM_FW_COUNT] = {
#define MM_FW_ROW_(code, id, en, it) [MM_FW_##code] = {id, {en, it}},
    MM_FACT_WARNING_LIST(MM_FW_ROW_)
#undef MM_FW_ROW_
};

const char *mm_fact_warning_id(mm_fact_warning_code code) {
  return code > MM_FW_NONE && code < MM_FW_COUNT ? warnings[code].id : NULL;
}

/* The table's text with {1} and {2} filled, in the arena. */
static const char *fill(mm_arena *a, const char *s, const char *a1, const char *a2) {
  mm_strbuf b;
  mm_strbuf_init(&b, 4096);
  while (*s) {
    if (s[0] == '{' && (s[1] == '1' || s[1] == '2') && s[2] == '}') {
      const char *arg = s[1] == '1' ? a1 : a2;
      mm_strbuf_puts(&b, arg ? arg : "");
      s += 3;
    } else {
      const char *brace = strchr(s + 1, '{');
      size_t n = brace ? (size_t)(brace - s) : strlen(s);
      mm_strbuf_add(&b, s, n);
      s += n;
    }
  }
  const char *out = b.failed ? NULL : mm_arena_strdup(a, b.data ? b.data : "");
  mm_strbuf_free(&b);
  return out;
}

void mm_fact_warn(mm_deriving *d, mm_fact_warning_code code, const char *path, const char *a1,
                  const char *a2) {
  mm_facts *f = d->f;
  if (!f->warnings || code <= MM_FW_NONE || code >= MM_FW_COUNT) return;
  const char *en = fill(d->arena, warnings[code].text[MM_LANG_EN], a1, a2);
  const char *it = fill(d->arena, warnings[code].text[MM_LANG_IT], a1, a2);
  if (!en) return;
  const mm_diag *before = f->warnings->tail;
  /* Recorded, not wrong: the clinician settles which reading is meant. */
  mm_diag_warnc(f->warnings, MM_E_AMBIGUOUS, NULL, 0, 0, path, "%s", en);
  if (f->warnings->tail == before) return; /* out of memory: counted, not kept */
  mm_fact_warning *w = mm_arena_grow(d->arena, f->warns, f->n_warns, f->n_warns + 1, sizeof *w);
  if (!w) return;
  w[f->n_warns++] = (mm_fact_warning){code, f->warnings->tail, it};
  f->warns = w;
}

const char *mm_facts_warning_text(const mm_facts *f, const mm_diag *x, mm_lang lang) {
  if (lang == MM_LANG_IT)
    for (size_t i = 0; f && i < f->n_warns; i++)
      if (f->warns[i].diag == x && f->warns[i].text_it) return f->warns[i].text_it;
  return x->text;
}
