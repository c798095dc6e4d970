/* render_json.c: the evaluation as mmpath/evaluation@1
 * (shared/spec/evaluation.md), the facts object, and validation errors. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate/reimbursement.h"
#include "evaluate/render_common.h"
#include "kb/fact_names.h"

static void key(mm_strbuf *b, bool *first, const char *k) {
  if (!*first) mm_strbuf_putc(b, ',');
  *first = false;
  mm_strbuf_json_string(b, k);
  mm_strbuf_putc(b, ':');
}

/* The same for a literal key: no strlen, no escaping (keys are ASCII). */
#define KEYL(b, first, lit)                                              \
  do {                                                                   \
    if (!*(first)) mm_strbuf_putc((b), ',');                             \
    *(first) = false;                                                    \
    mm_strbuf_add((b), "\"" lit "\":", sizeof("\"" lit "\":") - 1); \
  } while (0)

/* What a cached piece is (mm_render_cache keys: a kb pointer, this tag and
 * the language). */
enum {
  PIECE_OPTION_HEAD = 1, /* {"id","kind","name","group" */
  PIECE_GUIDELINE,       /* ,"setting","rule","drugs","note" */
  PIECE_TRIAL_A,         /* ,"phase","trial_status" */
  PIECE_TRIAL_B,         /* ,"trial_status_date","title" */
  PIECE_INDICATION,      /* ,"indication":{...} */
  PIECE_PROVENANCE,      /* ,"source","sources","updated","reviewed","verification" */
  PIECE_OPTION_TAIL,     /* ,"evidence","deck_outdated" */
  PIECE_CRITERION_HEAD,  /* {"id","text" of a criterion in the kb's words */
  PIECE_CRITERION_RULE,  /* ,"rule" */
  PIECE_SUPPORTIVE_HEAD, /* {"id","text" */
  PIECE_SUPPORTIVE_MID   /* ,"rule","phase","window" */
};

/* Runs `body`, which appends what depends only on the kb entry `key` and
 * lang, unless the evaluation's cache has it; keeps it in the cache if not. */
#define CACHED(b, ev, key, tag, lang, body)                                        \
  do {                                                                             \
    mm_render_cache *cache_ = (ev)->cache;                                         \
    if (cache_ && mm_render_cache_emit(cache_, (b), (key), (tag), (lang))) break;  \
    size_t start_ = (b)->len;                                                      \
    body;                                                                          \
    if (cache_ && !(b)->failed)                                                    \
      mm_render_cache_put(cache_, (key), (tag), (lang), (b)->data + start_,        \
                          (b)->len - start_);                                      \
  } while (0)

/* Makes what was appended to b since `start` (text for people, rendered in
 * place rather than into a buffer of its own) a JSON string. */
static void tail_as_json_string(mm_strbuf *b, size_t start) {
  if (b->failed) return;
  size_t n = b->len - start;
  char stack[1024];
  char *tmp = n < sizeof stack ? stack : malloc(n + 1);
  if (!tmp) {
    b->failed = true;
    return;
  }
  memcpy(tmp, b->data + start, n);
  tmp[n] = '\0';
  b->len = start;
  mm_strbuf_json_string(b, tmp);
  if (tmp != stack) free(tmp);
}

/* A code of this program (a status, a tier): ASCII letters and
 * underscores, nothing to escape. */
static void code(mm_strbuf *b, const char *s) {
  mm_strbuf_putc(b, '"');
  mm_strbuf_puts(b, s);
  mm_strbuf_putc(b, '"');
}

/* A count in decimal (printf's %zu without printf). */
static void put_size(mm_strbuf *b, size_t x) {
  char digits[24];
  size_t n = sizeof digits;
  do digits[--n] = (char)('0' + x % 10); while ((x /= 10) && n);
  mm_strbuf_add(b, digits + n, sizeof digits - n);
}

static void strings(mm_strbuf *b, const char *const *s, size_t n) {
  mm_strbuf_putc(b, '[');
  for (size_t i = 0; i < n; i++) {
    if (i) mm_strbuf_putc(b, ',');
    mm_strbuf_json_string(b, s[i]);
  }
  mm_strbuf_putc(b, ']');
}

/* A fact's object after its {"value": (mm_render_fact_head). */
static void fact_json(mm_strbuf *b, const mm_facts *f, size_t slot, mm_lang lang) {
  const mm_fact_info *info = f->info ? &f->info[slot] : NULL;
  bool first = false;
  mm_render_value_json(b, f->values[slot]);
  if (f->kb->facts[slot].unit && f->values[slot].known) {
    KEYL(b, &first, "unit");
    mm_strbuf_json_string(b, f->kb->facts[slot].unit);
  }
  if (info) {
    if (info->n_from) {
      KEYL(b, &first, "from");
      strings(b, info->from, info->n_from);
    }
    if (mm_fact_why(info, lang)) {
      KEYL(b, &first, "because");
      mm_strbuf_json_string(b, mm_fact_why(info, lang));
    }
    if (!f->values[slot].known && info->n_missing) {
      KEYL(b, &first, "missing");
      strings(b, info->missing, info->n_missing);
    }
    if (info->derived) {
      KEYL(b, &first, "derived");
      mm_strbuf_puts(b, "true");
    }
    if (info->review) {
      KEYL(b, &first, "review");
      mm_strbuf_puts(b, "true");
    }
  }
  mm_strbuf_putc(b, '}');
}

static void facts_json(mm_strbuf *b, const mm_facts *f, mm_lang lang, mm_render_cache *cache) {
  bool first = true;
  mm_strbuf_putc(b, '{');
  for (size_t i = 0; i < f->kb->n_facts; i++) {
    if (f->kb->facts[i].source == MM_FACT_EVALUATION) continue;
    if (!first) mm_strbuf_putc(b, ',');
    first = false;
    mm_render_fact_head(cache, b, f->kb, (int)i);
    fact_json(b, f, i, lang);
  }
  mm_strbuf_putc(b, '}');
}

void mm_render_facts_json(mm_strbuf *b, const mm_facts *f, mm_lang lang) {
  facts_json(b, f, lang, NULL);
}

/* The bytes rendered for each trace of this answer: criteria with the same
 * rule share one trace (the context's memo, rule_memo.h), so the facts it
 * read are rendered once and copied for the others (from earlier in the
 * same buffer). A fixed table: when full, the rest are rendered. */
#define SEEN_MAX 512 /* a power of two */
typedef struct seen_traces {
  /* which slots of at[] are filled: only these 64 bytes are zeroed for
   * each answer, not the 12 KiB table (it showed in profiles) */
  uint64_t filled[SEEN_MAX / 64];
  struct {
    const mm_trace *t;
    size_t off, len;
  } at[SEEN_MAX];
  size_t n;
} seen_traces;

static bool seen_filled(const seen_traces *s, size_t i) {
  return s->filled[i / 64] >> (i % 64) & 1;
}

static size_t seen_slot(const seen_traces *s, const mm_trace *t) {
  size_t i = (size_t)(((uint64_t)(uintptr_t)t >> 4) * 0x9E3779B97F4A7C15ULL >> 40) & (SEEN_MAX - 1);
  while (seen_filled(s, i) && s->at[i].t != t) i = (i + 1) & (SEEN_MAX - 1);
  return i;
}

static void criterion_head_json(mm_strbuf *b, const mm_criterion_result *c, mm_lang lang,
                                const char *setting) {
  bool first = true;
  mm_strbuf_putc(b, '{');
  KEYL(b, &first, "id");
  mm_strbuf_json_string(b, c->crit->id);
  KEYL(b, &first, "text");
  if (setting) {
    const char *label = mm_setting_label(setting, lang);
    size_t start = b->len;
    mm_strbuf_puts(b, mm_msg_get(MM_MSG_SETTING, lang));
    mm_strbuf_add(b, ": ", 2);
    mm_strbuf_puts(b, label ? label : "(null)"); /* as printf's %s had it */
    tail_as_json_string(b, start);
  } else {
    size_t start = b->len;
    mm_render_criterion_text(b, c, lang);
    tail_as_json_string(b, start);
  }
}

/* ,"value" (one fact read) and ,"facts" of a criterion's trace. */
static void trace_facts_json(mm_strbuf *b, const mm_evaluation *ev, const mm_trace *t) {
  bool first = false;
  if (t->n_used == 1) {
    KEYL(b, &first, "value");
    mm_render_value_json(b, ev->facts->values[t->used[0]]);
  }
  KEYL(b, &first, "facts");
  bool f2 = true;
  mm_strbuf_putc(b, '{');
  for (size_t i = 0; i < t->n_used; i++) {
    if (!f2) mm_strbuf_putc(b, ',');
    f2 = false;
    mm_render_fact_key(ev->cache, b, ev->kb, t->used[i]);
    mm_render_value_json(b, ev->facts->values[t->used[i]]);
  }
  mm_strbuf_putc(b, '}');
}

static void criterion_json(mm_strbuf *b, const mm_evaluation *ev, const mm_criterion_result *c,
                           mm_lang lang, const char *setting, seen_traces *seen) {
  bool first = false;
  /* A principle's text words the evaluation's own finding: never kept. */
  if (c->crit->principle) criterion_head_json(b, c, lang, setting);
  else CACHED(b, ev, c->crit, PIECE_CRITERION_HEAD, lang, criterion_head_json(b, c, lang, setting));
  if (c->crit->principle) {
    KEYL(b, &first, "principle");
    mm_strbuf_json_string(b, c->crit->principle->id);
  }
  KEYL(b, &first, "result");
  mm_strbuf_puts(b, c->result == MM_TRUE ? "true" : c->result == MM_FALSE ? "false" : "null");
  if (c->exclusion) {
    KEYL(b, &first, "exclusion");
    mm_strbuf_puts(b, "true");
    KEYL(b, &first, "excluded");
    mm_strbuf_puts(b, c->rule_value == MM_TRUE ? "true" : c->rule_value == MM_FALSE ? "false" : "null");
  }
  CACHED(b, ev, c->crit, PIECE_CRITERION_RULE, lang, {
    KEYL(b, &first, "rule");
    mm_strbuf_json_string(b, c->crit->when);
  });
  if (ev->opts.explain) {
    const mm_trace *t = c->trace;
    size_t k = seen ? seen_slot(seen, t) : 0;
    if (seen && seen_filled(seen, k) && !b->failed) {
      /* the same bytes, from earlier in b; through a copy when b must grow
       * (its data moves) */
      size_t off = seen->at[k].off, len = seen->at[k].len;
      if (b->cap - b->len > len) {
        memcpy(b->data + b->len, b->data + off, len);
        b->len += len;
        b->data[b->len] = '\0';
      } else {
        char *tmp = malloc(len);
        if (tmp) {
          memcpy(tmp, b->data + off, len);
          mm_strbuf_add(b, tmp, len);
          free(tmp);
        } else {
          b->failed = true;
        }
      }
    } else {
      size_t start = b->len;
      trace_facts_json(b, ev, t);
      if (seen && !b->failed && seen->n < SEEN_MAX / 2) {
        seen->at[k].t = t;
        seen->at[k].off = start;
        seen->at[k].len = b->len - start;
        seen->filled[k / 64] |= (uint64_t)1 << (k % 64);
        seen->n++;
      }
    }
    first = false;
    if (c->result == MM_UNKNOWN) {
      KEYL(b, &first, "missing");
      strings(b, c->missing, c->n_missing);
    }
  }
  if (c->crit->has_review) {
    KEYL(b, &first, "review");
    mm_strbuf_json_string(b, mm_text_in(c->crit->review, lang));
  } else if (c->unverified) {
    KEYL(b, &first, "review");
    mm_strbuf_json_string(b, mm_msg_get(MM_MSG_UNVERIFIED_ENTRY, lang));
  }
  mm_strbuf_putc(b, '}');
}

static void provenance_json(mm_strbuf *b, bool *first, const mm_provenance *p) {
  KEYL(b, first, "source");
  mm_strbuf_json_string(b, p->n_sources ? p->sources[0] : NULL);
  KEYL(b, first, "sources");
  strings(b, p->sources, p->n_sources);
  char d[11];
  if (p->updated != MM_DATE_NONE) {
    mm_date_format(p->updated, d);
    KEYL(b, first, "updated");
    mm_strbuf_json_string(b, d);
  }
  if (p->reviewed != MM_DATE_NONE) {
    mm_date_format(p->reviewed, d);
    KEYL(b, first, "reviewed");
    mm_strbuf_json_string(b, d);
  }
  KEYL(b, first, "verification");
  mm_strbuf_json_string(b, p->verification == MM_VERIFIED ? "verified"
                           : p->verification == MM_SECONDARY ? "secondary" : "unverified");
}

/* "refractoriness": {"status", "drugs": [{"drug", "class"}], "text"}: what
 * the option relies on that the disease is refractory to (status
 * "refractory"), or is not known for ("unknown"; drugs: those not known), or
 * "not_refractory" (drugs: what was checked). */
static void refractoriness_json(mm_strbuf *b, bool *first, const mm_evaluation *ev,
                                const mm_refractoriness *f, mm_lang lang) {
  KEYL(b, first, "refractoriness");
  bool f2 = true;
  mm_strbuf_putc(b, '{');
  KEYL(b, &f2, "status");
  mm_strbuf_json_string(b, f->refractory == MM_TRUE    ? "refractory"
                           : f->refractory == MM_FALSE ? "not_refractory"
                                                       : "unknown");
  KEYL(b, &f2, "drugs");
  mm_strbuf_putc(b, '[');
  bool met = f->refractory == MM_FALSE;
  const mm_refractory_hit *list = met ? f->checked : f->hits;
  size_t n = met ? f->n_checked : f->n_hits;
  for (size_t i = 0; i < n; i++) {
    bool f3 = true;
    if (i) mm_strbuf_putc(b, ',');
    mm_strbuf_putc(b, '{');
    KEYL(b, &f3, "drug");
    mm_strbuf_json_string(b, list[i].drug >= 0 ? ev->kb->drugs[list[i].drug].id : NULL);
    if (list[i].cls >= 0) {
      KEYL(b, &f3, "class");
      mm_strbuf_json_string(b, ev->kb->classes[list[i].cls].id);
    }
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_putc(b, ']');
  KEYL(b, &f2, "text");
  size_t start = b->len;
  mm_render_refractoriness(b, ev->kb, f, lang);
  tail_as_json_string(b, start);
  mm_strbuf_putc(b, '}');
}

/* The pieces of an option that depend only on the kb and lang (cached when
 * rendering many evaluations, see CACHED); `first` is false after the head. */
static void option_head_json(mm_strbuf *b, const mm_option *o, mm_lang lang) {
  bool first = true;
  mm_strbuf_putc(b, '{');
  KEYL(b, &first, "id");
  mm_strbuf_json_string(b, o->id);
  KEYL(b, &first, "kind");
  mm_strbuf_json_string(b, o->kind == MM_OPT_GUIDELINE ? "guideline_regimen"
                           : o->kind == MM_OPT_THERAPY ? "approved_therapy" : "trial");
  KEYL(b, &first, "name");
  mm_strbuf_json_string(b, mm_text_in(o->name, lang));
  if (o->group) {
    KEYL(b, &first, "group");
    mm_strbuf_json_string(b, o->group);
  }
}

static void guideline_json(mm_strbuf *b, const mm_evaluation *ev, const mm_option *o,
                           mm_lang lang) {
  bool first = false;
  KEYL(b, &first, "setting");
  mm_strbuf_json_string(b, o->setting);
  if (o->rule_tag) {
    KEYL(b, &first, "rule");
    mm_strbuf_json_string(b, o->rule_tag);
  }
  if (o->regimen) {
    KEYL(b, &first, "drugs");
    mm_strbuf_putc(b, '[');
    for (size_t i = 0; i < o->regimen->n_drugs; i++) {
      if (i) mm_strbuf_putc(b, ',');
      mm_strbuf_json_string(b, ev->kb->drugs[o->regimen->drugs[i]].id);
    }
    mm_strbuf_putc(b, ']');
  }
  if (o->note.en) {
    KEYL(b, &first, "note");
    mm_strbuf_json_string(b, mm_text_in(o->note, lang));
  }
}

static void trial_a_json(mm_strbuf *b, const mm_option *o) {
  bool first = false;
  KEYL(b, &first, "phase");
  mm_strbuf_json_string(b, o->phase);
  KEYL(b, &first, "trial_status");
  mm_strbuf_json_string(b, o->status);
}

static void trial_b_json(mm_strbuf *b, const mm_option *o, mm_lang lang) {
  bool first = false;
  char d[11];
  mm_date_format(o->status_date, d);
  KEYL(b, &first, "trial_status_date");
  mm_strbuf_json_string(b, d);
  if (o->title.en) {
    KEYL(b, &first, "title");
    mm_strbuf_json_string(b, mm_text_in(o->title, lang));
  }
}

static void indication_json(mm_strbuf *b, const mm_indication *ind, mm_lang lang) {
  bool first = false;
  KEYL(b, &first, "indication");
  bool f2 = true;
  char d[11];
  mm_strbuf_putc(b, '{');
  KEYL(b, &f2, "id");
  mm_strbuf_json_string(b, ind->id);
  KEYL(b, &f2, "jurisdiction");
  mm_strbuf_json_string(b, mm_jurisdiction_code(ind->jurisdiction));
  KEYL(b, &f2, "regimen");
  mm_strbuf_json_string(b, mm_text_in(ind->regimen, lang));
  mm_date_format(ind->approved, d);
  KEYL(b, &f2, "approved");
  mm_strbuf_json_string(b, d);
  KEYL(b, &f2, "label");
  mm_strbuf_json_string(b, ind->label);
  mm_strbuf_putc(b, '}');
}

static void option_tail_json(mm_strbuf *b, const mm_option *o, mm_lang lang) {
  bool first = false;
  if (o->n_evidence) {
    KEYL(b, &first, "evidence");
    mm_strbuf_putc(b, '[');
    for (size_t i = 0; i < o->n_evidence; i++) {
      const mm_evidence *e = &o->evidence[i];
      bool f2 = true;
      if (i) mm_strbuf_putc(b, ',');
      mm_strbuf_putc(b, '{');
      KEYL(b, &f2, "trial");
      mm_strbuf_json_string(b, e->trial);
      KEYL(b, &f2, "ref");
      mm_strbuf_json_string(b, e->ref);
      const char *fields[][2] = {{"n", e->n}, {"orr", e->orr}, {"mpfs", e->mpfs}, {"mdor", e->mdor}};
      for (size_t k = 0; k < 4; k++)
        if (fields[k][1]) {
          key(b, &f2, fields[k][0]);
          mm_strbuf_json_string(b, fields[k][1]);
        }
      if (e->note.en) {
        KEYL(b, &f2, "note");
        mm_strbuf_json_string(b, mm_text_in(e->note, lang));
      }
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_putc(b, ']');
  }
  if (o->n_deck) {
    KEYL(b, &first, "deck_outdated");
    mm_strbuf_putc(b, '[');
    for (size_t i = 0; i < o->n_deck; i++) {
      bool f2 = true;
      if (i) mm_strbuf_putc(b, ',');
      mm_strbuf_putc(b, '{');
      KEYL(b, &f2, "deck_says");
      mm_strbuf_json_string(b, mm_text_in(o->deck[i].says, lang));
      KEYL(b, &f2, "now");
      mm_strbuf_json_string(b, mm_text_in(o->deck[i].now, lang));
      KEYL(b, &f2, "sources");
      strings(b, o->deck[i].sources, o->deck[i].n_sources);
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_putc(b, ']');
  }
}

static void option_json(mm_strbuf *b, const mm_evaluation *ev, const mm_option_result *r,
                        mm_lang lang, seen_traces *seen) {
  const mm_option *o = r->opt;
  CACHED(b, ev, o, PIECE_OPTION_HEAD, lang, option_head_json(b, o, lang));
  bool first = false;
  KEYL(b, &first, "status");
  code(b, mm_status_word(r->status));
  if (o->kind != MM_OPT_TRIAL) {
    /* the order a clinician reads them (docs/kb-options.md): the options
     * array is sorted by tier, rank is the 1-based position in it */
    KEYL(b, &first, "tier");
    code(b, mm_tier_code(r->tier));
    KEYL(b, &first, "rank");
    put_size(b, (size_t)(r - ev->options) + 1);
  }
  if (o->kind == MM_OPT_GUIDELINE)
    CACHED(b, ev, o, PIECE_GUIDELINE, lang, guideline_json(b, ev, o, lang));
  if (o->kind == MM_OPT_TRIAL) {
    CACHED(b, ev, o, PIECE_TRIAL_A, lang, trial_a_json(b, o));
    KEYL(b, &first, "enrolling");
    mm_strbuf_puts(b, r->enrolling == MM_TRUE ? "true" : r->enrolling == MM_FALSE ? "false" : "null");
    CACHED(b, ev, o, PIECE_TRIAL_B, lang, trial_b_json(b, o, lang));
  }
  if (r->indication)
    CACHED(b, ev, r->indication, PIECE_INDICATION, lang, indication_json(b, r->indication, lang));
  char note[MM_NOTE_MAX];
  if (mm_note_text(r->note, lang, note)) {
    KEYL(b, &first, "note");
    mm_strbuf_json_string(b, note);
  }
  if (mm_reimbursement_shown(r)) {
    KEYL(b, &first, "reimbursement");
    mm_render_reimbursement_json(b, r, lang);
  }
  if (r->n_refractory_drugs) {
    KEYL(b, &first, "refractory_drugs");
    mm_strbuf_putc(b, '[');
    for (size_t i = 0; i < r->n_refractory_drugs; i++) {
      if (i) mm_strbuf_putc(b, ',');
      mm_strbuf_json_string(b, ev->kb->drugs[r->refractory_drugs[i]].id);
    }
    mm_strbuf_putc(b, ']');
  }
  if (r->refractoriness) refractoriness_json(b, &first, ev, r->refractoriness, lang);
  KEYL(b, &first, "criteria");
  mm_strbuf_putc(b, '[');
  for (size_t i = 0; i < r->n_criteria; i++) {
    if (i) mm_strbuf_putc(b, ',');
    criterion_json(b, ev, &r->criteria[i], lang,
                   r->implicit_setting && i == 0 ? o->setting : NULL, seen);
  }
  mm_strbuf_putc(b, ']');
  const mm_provenance *prov = r->indication ? &r->indication->prov : &o->prov;
  CACHED(b, ev, prov, PIECE_PROVENANCE, lang, provenance_json(b, &first, prov));
  CACHED(b, ev, o, PIECE_OPTION_TAIL, lang, option_tail_json(b, o, lang));
  mm_strbuf_putc(b, '}');
}

/* The supportive-care items that hold or may hold (mm_supportive_result):
 * the keys of mmpath/evaluation@1 (id, text, status, rule, because, missing,
 * provenance) and, added for issue #12, phase, window and, for an item that
 * rests on a decision not taken yet, conditional (its status is "unknown"). */
static void supportive_window_json(mm_strbuf *b, const mm_supportive_window *w, mm_lang lang) {
  bool f = true;
  mm_strbuf_putc(b, '{');
  KEYL(b, &f, "text");
  mm_strbuf_json_string(b, mm_text_in(w->text, lang));
  if (w->fact) {
    KEYL(b, &f, "fact");
    mm_strbuf_json_string(b, w->fact);
  }
  if (w->has_from) {
    KEYL(b, &f, "from_months");
    mm_strbuf_printf(b, "%g", w->from_months);
  }
  if (w->has_until) {
    KEYL(b, &f, "until_months");
    mm_strbuf_printf(b, "%g", w->until_months);
  }
  mm_strbuf_putc(b, '}');
}

static void supportive_head_json(mm_strbuf *b, const mm_supportive *it, mm_lang lang) {
  bool f2 = true;
  mm_strbuf_putc(b, '{');
  KEYL(b, &f2, "id");
  mm_strbuf_json_string(b, it->id);
  KEYL(b, &f2, "text");
  mm_strbuf_json_string(b, mm_text_in(it->text, lang));
}

static void supportive_mid_json(mm_strbuf *b, const mm_supportive *it, mm_lang lang) {
  bool f2 = false;
  KEYL(b, &f2, "rule");
  mm_strbuf_json_string(b, it->when);
  KEYL(b, &f2, "phase");
  mm_strbuf_json_string(b, mm_supportive_phase_ids[it->phase]);
  KEYL(b, &f2, "window");
  supportive_window_json(b, &it->window, lang);
}

static void supportive_json(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang) {
  mm_strbuf_putc(b, '[');
  bool f1 = true;
  for (size_t i = 0; i < ev->n_supportive; i++) {
    const mm_supportive_result *s = &ev->supportive[i];
    if (s->result == MM_FALSE) continue;
    if (!f1) mm_strbuf_putc(b, ',');
    f1 = false;
    bool f2 = false;
    CACHED(b, ev, s->item, PIECE_SUPPORTIVE_HEAD, lang, supportive_head_json(b, s->item, lang));
    KEYL(b, &f2, "status");
    code(b, s->result == MM_TRUE ? "indicated" : "unknown");
    CACHED(b, ev, s->item, PIECE_SUPPORTIVE_MID, lang, supportive_mid_json(b, s->item, lang));
    if (s->conditional) {
      KEYL(b, &f2, "conditional");
      mm_strbuf_putc(b, '[');
      for (size_t k = 0; k < s->n_conditions; k++) {
        const mm_supportive_condition *c = s->conditions[k];
        bool f3 = true;
        mm_strbuf_puts(b, k ? ",{" : "{");
        KEYL(b, &f3, "fact");
        mm_strbuf_json_string(b, c->fact);
        KEYL(b, &f3, "value");
        mm_render_value_json(b, ev->facts->values[c->slot]);
        KEYL(b, &f3, "text");
        mm_strbuf_json_string(b, mm_text_in(c->text, lang));
        const char *why = ev->facts->info ? mm_fact_why(&ev->facts->info[c->slot], lang) : NULL;
        if (why) {
          KEYL(b, &f3, "because");
          mm_strbuf_json_string(b, why);
        }
        mm_strbuf_putc(b, '}');
      }
      mm_strbuf_putc(b, ']');
    }
    if (ev->opts.explain) {
      mm_strbuf because;
      mm_strbuf_init(&because, 4096);
      for (size_t k = 0; k < s->trace->n_used; k++) {
        int slot = s->trace->used[k];
        if (because.len) mm_strbuf_puts(&because, "; ");
        mm_strbuf_puts(&because, ev->kb->facts[slot].name);
        mm_strbuf_add(&because, " = ", 3);
        mm_render_value_text(&because, ev->facts->values[slot], lang);
        const mm_fact_info *info = ev->facts->info ? &ev->facts->info[slot] : NULL;
        if (mm_fact_why(info, lang) && ev->kb->facts[slot].source == MM_FACT_LAB)
        {
          mm_strbuf_add(&because, " (", 2);
          mm_strbuf_puts(&because, mm_fact_why(info, lang));
          mm_strbuf_putc(&because, ')');
        }
      }
      KEYL(b, &f2, "because");
      mm_strbuf_json_string(b, because.data ? because.data : "");
      mm_strbuf_free(&because);
      if (s->result == MM_UNKNOWN) {
        KEYL(b, &f2, "missing");
        strings(b, s->missing, s->n_missing);
      }
    }
    CACHED(b, ev, &s->item->prov, PIECE_PROVENANCE, lang, provenance_json(b, &f2, &s->item->prov));
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_putc(b, ']');
}

void mm_render_evaluation_json(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang) {
  bool first = true;
  /* only worth it when traces are shared (a memo); 12 KiB, so off the stack */
  seen_traces *seen = ev->opts.memo ? malloc(sizeof *seen) : NULL;
  if (seen) {
    memset(seen->filled, 0, sizeof seen->filled);
    seen->n = 0;
  }
  char d[11];
  mm_strbuf_putc(b, '{');
  KEYL(b, &first, "schema");
  mm_strbuf_json_string(b, "mmpath/evaluation@1");
  KEYL(b, &first, "patient");
  mm_strbuf_json_string(b, ev->patient->id);
  mm_date_format(ev->patient->as_of, d);
  KEYL(b, &first, "as_of");
  mm_strbuf_json_string(b, d);
  KEYL(b, &first, "knowledge_base");
  mm_date_format(ev->kb->reviewed, d);
  mm_strbuf_puts(b, "{\"version\":");
  mm_strbuf_json_string(b, ev->kb->version);
  mm_strbuf_puts(b, ",\"reviewed\":\"");
  mm_strbuf_add(b, d, 10);
  mm_strbuf_add(b, "\"}", 2);
  KEYL(b, &first, "jurisdiction");
  mm_strbuf_json_string(b, mm_jurisdiction_code(ev->opts.jurisdiction));
  KEYL(b, &first, "lang");
  mm_strbuf_json_string(b, mm_lang_code(lang));
  KEYL(b, &first, "facts");
  facts_json(b, ev->facts, lang, ev->cache);
  /* Added keys (the spec allows them): the disease state as a code, and the
   * notes on the whole evaluation (e.g. nothing evaluated: no diagnosis). */
  KEYL(b, &first, "disease_state");
  mm_render_value_json(b, ev->facts->values[MM_F_DISEASE_STATE]);
  KEYL(b, &first, "options");
  mm_strbuf_putc(b, '[');
  for (size_t i = 0; i < ev->n_options; i++) {
    if (i) mm_strbuf_putc(b, ',');
    option_json(b, ev, &ev->options[i], lang, seen);
  }
  mm_strbuf_putc(b, ']');
  KEYL(b, &first, "trials");
  mm_strbuf_putc(b, '[');
  for (size_t i = 0; i < ev->n_trials; i++) {
    if (i) mm_strbuf_putc(b, ',');
    option_json(b, ev, &ev->trials[i], lang, seen);
  }
  mm_strbuf_putc(b, ']');
  KEYL(b, &first, "supportive_care");
  supportive_json(b, ev, lang);
  KEYL(b, &first, "warnings");
  mm_strbuf_putc(b, '[');
  bool fw = true;
  for (const mm_diag *x = ev->warnings ? ev->warnings->head : NULL; x; x = x->next) {
    if (x->level != MM_DIAG_WARNING) continue;
    if (!fw) mm_strbuf_putc(b, ',');
    fw = false;
    mm_strbuf_json_string(b, mm_facts_warning_text(ev->facts, x, lang));
  }
  mm_strbuf_putc(b, ']');
  KEYL(b, &first, "notes");
  mm_strbuf_putc(b, '[');
  char note[MM_NOTE_MAX];
  if (mm_note_text(ev->note, lang, note)) {
    mm_strbuf_puts(b, "{\"id\":");
    mm_strbuf_json_string(b, mm_note_id(ev->note.code));
    mm_strbuf_puts(b, ",\"text\":");
    mm_strbuf_json_string(b, note);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_putc(b, ']');
  mm_strbuf_putc(b, '}');
  free(seen);
}

void mm_render_diags_json(mm_strbuf *b, const mm_diags *d) {
  mm_strbuf_puts(b, "{\"errors\":[");
  bool first = true;
  for (const mm_diag *x = d->head; x; x = x->next) {
    if (x->level != MM_DIAG_ERROR) continue;
    if (!first) mm_strbuf_putc(b, ',');
    first = false;
    mm_strbuf_puts(b, "{\"path\":");
    mm_strbuf_json_string(b, x->path ? x->path : "");
    if (x->line) mm_strbuf_printf(b, ",\"line\":%d,\"column\":%d", x->line, x->col);
    mm_strbuf_puts(b, ",\"message\":");
    mm_strbuf_json_string(b, x->text);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_puts(b, "]}");
}
