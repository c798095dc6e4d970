/* render_compact.c: the compact answer, mmpath/verdicts@1 (docs/api.md,
 * "The compact answer"): every verdict and what decided it, as codes, for
 * callers that show no explanation (a summary, a card, a screening). It is
 * made from the result tree alone and reads no trace, so an evaluation made
 * without explanations (the fast path of mmpath_evaluate) and an explained
 * one give the same bytes. The words are left to the full answer. */
#include "evaluate/render_common.h"
#include "evaluate/evaluate_screen.h"
#include "evaluate/reimbursement.h"
#include "kb/fact_names.h"

/* A literal key and its colon (NEXT: after a comma): no strlen, no
 * escaping (keys are ASCII). */
#define KEY(b, lit) mm_strbuf_add((b), "\"" lit "\":", sizeof("\"" lit "\":") - 1)
#define NEXT(b, lit) mm_strbuf_add((b), ",\"" lit "\":", sizeof(",\"" lit "\":") - 1)

/* A code of this program (a status, a tier, a note id, a jurisdiction):
 * ASCII letters and underscores, nothing to escape. */
static void code(mm_strbuf *b, const char *s) {
  mm_strbuf_putc(b, '"');
  mm_strbuf_puts(b, s);
  mm_strbuf_putc(b, '"');
}

/* Pieces that depend only on a kb entry, kept in the evaluation's cache
 * (render_cache.c) when it has one: a context renders them once. The tags
 * are apart from render_json.c's (one cache serves every format); the
 * language is always English, these pieces have no words. */
enum { PIECE_COMPACT_HEAD = 64, PIECE_COMPACT_INDICATION, PIECE_COMPACT_CRITERION };
#define CACHED(b, ev, key, tag, body)                                                  \
  do {                                                                                 \
    mm_render_cache *cache_ = (ev)->cache;                                             \
    if (cache_ && mm_render_cache_emit(cache_, (b), (key), (tag), MM_LANG_EN)) break;  \
    size_t start_ = (b)->len;                                                          \
    body;                                                                              \
    if (cache_ && !(b)->failed)                                                        \
      mm_render_cache_put(cache_, (key), (tag), MM_LANG_EN, (b)->data + start_,        \
                          (b)->len - start_);                                          \
  } while (0)

static void tv_json(mm_strbuf *b, mm_tv t) {
  if (t == MM_TRUE) mm_strbuf_add(b, "true", 4);
  else if (t == MM_FALSE) mm_strbuf_add(b, "false", 5);
  else mm_strbuf_add(b, "null", 4);
}

/* The facts a rule left unknown, by name, distinct, in the order it read
 * them: evaluated again with a trace (on the stack), as only the criteria
 * shown as unknown need it. */
static void unknown_facts(mm_strbuf *b, const mm_evaluation *ev, const mm_criterion *c) {
  mm_rule_trace t;
  t.n_used = t.n_unknown = 0;
  mm_rule_eval(c->rule, ev->facts->values, &t);
  mm_strbuf_putc(b, '[');
  size_t shown = 0;
  const mm_screen_piece *names =
      ev->planned ? mm_screen_plan_pieces(ev->planned)->fact_names : NULL;
  for (size_t i = 0; i < t.n_unknown; i++) {
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++) seen = t.unknown[j] == t.unknown[i];
    if (seen) continue;
    if (shown++) mm_strbuf_putc(b, ',');
    if (names) mm_strbuf_add(b, names[t.unknown[i]].s, names[t.unknown[i]].len);
    else mm_strbuf_json_string(b, ev->kb->facts[t.unknown[i]].name);
  }
  mm_strbuf_putc(b, ']');
}

/* The pieces (render_common.h): the renderer below writes them, and the
 * screening plan makes them once for a context's answers. */

/* An option's head up to its status's key: the part kept in the cache. */
static void head_id(mm_strbuf *b, const mm_option *o) {
  mm_strbuf_putc(b, '{');
  KEY(b, "id");
  mm_strbuf_json_string(b, o->id);
  NEXT(b, "status");
}

/* The rest of the head, from the status on. */
static void head_rest(mm_strbuf *b, const mm_option *o, mm_tv status, mm_tier tier,
                      mm_tv enrolling) {
  code(b, mm_status_word(status));
  if (o->kind == MM_OPT_TRIAL) {
    NEXT(b, "enrolling");
    tv_json(b, enrolling);
  } else {
    if (o->kind == MM_OPT_GUIDELINE) NEXT(b, "kind\":\"guideline_regimen\",\"tier");
    else NEXT(b, "kind\":\"approved_therapy\",\"tier");
    code(b, mm_tier_code(tier));
  }
}

void mm_render_compact_head(mm_strbuf *b, const mm_option *o, mm_tv status, mm_tier tier,
                            mm_tv enrolling) {
  head_id(b, o);
  head_rest(b, o, status, tier, enrolling);
}

void mm_render_compact_indication(mm_strbuf *b, const mm_indication *ind) {
  NEXT(b, "indication");
  mm_strbuf_json_string(b, ind->id);
}

void mm_render_compact_note(mm_strbuf *b, mm_note_code c) {
  if (c == MM_NOTE_NONE) return;
  NEXT(b, "note");
  code(b, mm_note_id(c));
}

static void criterion_id(mm_strbuf *b, const mm_criterion *c) {
  mm_strbuf_putc(b, '{');
  KEY(b, "id");
  mm_strbuf_json_string(b, c->id);
}

/* After the id: a criterion resting on an interpretation or an unverified
 * entry (review): its "false" counts as unknown, with nothing missing. */
static void criterion_flags(mm_strbuf *b, bool exclusion, bool review) {
  if (exclusion) mm_strbuf_add(b, ",\"exclusion\":true", 17);
  if (review) mm_strbuf_add(b, ",\"review\":true", 14);
}

void mm_render_compact_criterion(mm_strbuf *b, const mm_criterion *c, bool exclusion,
                                 bool review) {
  criterion_id(b, c);
  criterion_flags(b, exclusion, review);
}

/* The criteria that decided a verdict that is not "eligible": those false
 * for not eligible, those unknown (with the facts that would decide them)
 * for unknown. Nothing for an eligible option: every criterion holds. */
static void deciding(mm_strbuf *b, const mm_evaluation *ev, const mm_option_result *r) {
  if (r->status == MM_TRUE) return;
  NEXT(b, "deciding");
  mm_strbuf_putc(b, '[');
  bool first = true;
  for (size_t i = 0; i < r->n_criteria; i++) {
    const mm_criterion_result *c = &r->criteria[i];
    if (c->result != r->status) continue;
    if (!first) mm_strbuf_putc(b, ',');
    first = false;
    CACHED(b, ev, c->crit, PIECE_COMPACT_CRITERION, criterion_id(b, c->crit));
    criterion_flags(b, c->exclusion, c->crit->has_review || c->unverified);
    if (c->result == MM_UNKNOWN) {
      NEXT(b, "missing");
      unknown_facts(b, ev, c->crit);
    }
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_putc(b, ']');
}

void mm_render_compact_about(mm_strbuf *b, const mm_kb *kb, mm_jurisdiction j) {
  NEXT(b, "knowledge_base");
  mm_strbuf_json_string(b, kb->version);
  NEXT(b, "jurisdiction");
  mm_strbuf_json_string(b, mm_jurisdiction_code(j));
  NEXT(b, "disease_state");
}

void mm_render_compact_supportive(mm_strbuf *b, const mm_supportive *item, mm_tv result,
                                  bool conditional) {
  mm_strbuf_putc(b, '{');
  KEY(b, "id");
  mm_strbuf_json_string(b, item->id);
  NEXT(b, "status");
  code(b, result == MM_TRUE ? "indicated" : "unknown");
  if (conditional) mm_strbuf_add(b, ",\"conditional\":true", 19);
  mm_strbuf_putc(b, '}');
}

static void add_piece(mm_strbuf *b, const mm_screen_piece *p) { mm_strbuf_add(b, p->s, p->len); }

/* A piece copied 32 bytes at a time (its source is padded, the room
 * checked by the caller): most are shorter than a libc call costs. */
static inline char *put(char *o, const char *s, size_t n) {
  for (size_t i = 0; i < n; i += MM_SCREEN_PIECE_PAD)
    __builtin_memcpy(o + i, s + i, MM_SCREEN_PIECE_PAD);
  return o + n;
}

/* option_planned for an option not unknown, when b has the room for the
 * most it may write (mm_screen_pieces.max_option): straight into it. */
static void option_planned_fast(mm_strbuf *b, const mm_screen_pieces *pc,
                                const mm_option_result *r) {
  const mm_screen_verdict *v = r->planned;
  bool trial = r->opt->kind == MM_OPT_TRIAL;
  const mm_screen_piece *h = &v->heads[trial ? (int)r->status : (int)r->tier - 1];
  char *o = put(b->data + b->len, h->s, h->len);
  if (r->indication) o = put(o, v->indication_piece->s, v->indication_piece->len);
  if (!trial) o = put(o, pc->notes[r->note.code].s, pc->notes[r->note.code].len);
  if (r->status == MM_FALSE) {
    __builtin_memcpy(o, ",\"deciding\":[", 13);
    o += 13;
    size_t skip = 1;
    for (size_t i = 0; i < v->n_checks; i++) {
      if (v->results[i] != MM_FALSE) continue;
      o = put(o, v->check_pieces[i].s + skip, v->check_pieces[i].len - skip);
      skip = 0;
    }
    *o++ = ']';
  }
  *o++ = '}';
  *o = '\0';
  b->len = (size_t)(o - b->data);
}

/* An option evaluated from the context's plan (mm_option_result.planned):
 * the same bytes as option_compact, from the plan's pieces. Each check's
 * piece is ",{...}": the comma dropped for the first, the brace for an
 * unknown one, whose missing facts follow. */
static void option_planned(mm_strbuf *b, const mm_evaluation *ev, const mm_screen_pieces *pc,
                           const mm_option_result *r) {
  if (r->status != MM_UNKNOWN && !b->failed &&
      b->cap - b->len > pc->max_option + MM_SCREEN_PIECE_PAD) {
    option_planned_fast(b, pc, r);
    return;
  }
  const mm_screen_verdict *v = r->planned;
  bool trial = r->opt->kind == MM_OPT_TRIAL;
  add_piece(b, &v->heads[trial ? (int)r->status : (int)r->tier - 1]);
  if (r->indication) add_piece(b, v->indication_piece);
  if (!trial) add_piece(b, &pc->notes[r->note.code]); /* a trial's is in its head */
  if (r->status != MM_TRUE) {
    NEXT(b, "deciding");
    mm_strbuf_putc(b, '[');
    bool first = true;
    for (size_t i = 0; i < v->n_checks; i++) {
      if (v->results[i] != r->status) continue;
      const mm_screen_piece *p = &v->check_pieces[i];
      size_t skip = first ? 1 : 0;
      first = false;
      if (r->status == MM_UNKNOWN) {
        mm_strbuf_add(b, p->s + skip, p->len - skip - 1);
        NEXT(b, "missing");
        unknown_facts(b, ev, v->checks[i].crit);
        mm_strbuf_putc(b, '}');
      } else {
        mm_strbuf_add(b, p->s + skip, p->len - skip);
      }
    }
    mm_strbuf_putc(b, ']');
  }
  mm_strbuf_putc(b, '}');
}

static void option_compact(mm_strbuf *b, const mm_evaluation *ev, const mm_option_result *r) {
  const mm_option *o = r->opt;
  CACHED(b, ev, o, PIECE_COMPACT_HEAD, head_id(b, o));
  head_rest(b, o, r->status, r->tier, r->enrolling);
  if (r->indication)
    CACHED(b, ev, r->indication, PIECE_COMPACT_INDICATION,
           mm_render_compact_indication(b, r->indication));
  mm_render_compact_note(b, r->note.code);
  deciding(b, ev, r);
  mm_strbuf_putc(b, '}');
}

static void options_compact(mm_strbuf *b, const mm_evaluation *ev, const mm_option_result *r,
                            size_t n) {
  mm_strbuf_putc(b, '[');
  const mm_screen_pieces *pc = ev->planned ? mm_screen_plan_pieces(ev->planned) : NULL;
  for (size_t i = 0; i < n; i++) {
    if (i) mm_strbuf_putc(b, ',');
    if (pc && r[i].planned) option_planned(b, ev, pc, &r[i]);
    else option_compact(b, ev, &r[i]);
  }
  mm_strbuf_putc(b, ']');
}

void mm_render_evaluation_compact(mm_strbuf *b, const mm_evaluation *ev) {
  char d[11];
  mm_strbuf_puts(b, "{\"schema\":\"mmpath/verdicts@1\"");
  NEXT(b, "patient");
  mm_strbuf_json_string(b, ev->patient->id);
  mm_date_format(ev->patient->as_of, d);
  NEXT(b, "as_of");
  mm_strbuf_json_string(b, d);
  if (ev->planned) add_piece(b, &mm_screen_plan_pieces(ev->planned)->about);
  else mm_render_compact_about(b, ev->kb, ev->opts.jurisdiction);
  mm_render_value_json(b, ev->facts->values[MM_F_DISEASE_STATE]);
  NEXT(b, "options");
  options_compact(b, ev, ev->options, ev->n_options);
  NEXT(b, "trials");
  options_compact(b, ev, ev->trials, ev->n_trials);
  NEXT(b, "supportive_care");
  mm_strbuf_putc(b, '[');
  bool first = true;
  const mm_screen_piece *supportive =
      ev->planned ? mm_screen_plan_pieces(ev->planned)->supportive : NULL;
  for (size_t i = 0; i < ev->n_supportive; i++) {
    const mm_supportive_result *s = &ev->supportive[i];
    if (s->result == MM_FALSE) continue;
    if (supportive) { /* the item's piece ",{...}" */
      const mm_screen_piece *p = &supportive[4 * (size_t)(s->item - ev->kb->supportive) +
                                             (s->result == MM_TRUE ? 0 : 1) +
                                             (s->conditional ? 2 : 0)];
      mm_strbuf_add(b, p->s + first, p->len - first);
    } else {
      if (!first) mm_strbuf_putc(b, ',');
      mm_render_compact_supportive(b, s->item, s->result, s->conditional);
    }
    first = false;
  }
  mm_strbuf_putc(b, ']');
  NEXT(b, "notes");
  mm_strbuf_putc(b, '[');
  if (ev->note.code != MM_NOTE_NONE) mm_strbuf_json_string(b, mm_note_id(ev->note.code));
  mm_strbuf_add(b, "]}", 2);
}
