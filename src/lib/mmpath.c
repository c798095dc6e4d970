/* mmpath.c: the public API of include/mmpath.h over the internal modules:
 * the knowledge base (kb), options, problems, the renderers of the tree
 * (src/evaluate/render_*.c) and the one-call conveniences over them. The
 * evaluation tree and its accessors are in evaluation.c. */
#include "mmpath.h"

#include <stdlib.h>
#include <string.h>

#include "evaluate/evaluate_screen.h"
#include "evaluate/render_common.h"
#include "evaluate/rule_memo.h"
#include "lib/kb_dir.h"
#include "lib/lib_internal.h"
#include "util/lang.h"

_Static_assert(MMPATH_PROBLEM_INVALID == (int)MM_E_INVALID &&
                   MMPATH_PROBLEM_SYNTAX == (int)MM_E_SYNTAX &&
                   MMPATH_PROBLEM_TYPE == (int)MM_E_TYPE &&
                   MMPATH_PROBLEM_UNKNOWN_KEY == (int)MM_E_UNKNOWN_KEY &&
                   MMPATH_PROBLEM_MISSING == (int)MM_E_MISSING &&
                   MMPATH_PROBLEM_UNKNOWN_NAME == (int)MM_E_UNKNOWN_NAME &&
                   MMPATH_PROBLEM_AMBIGUOUS == (int)MM_E_AMBIGUOUS &&
                   MMPATH_PROBLEM_RANGE == (int)MM_E_RANGE &&
                   MMPATH_PROBLEM_ORDER == (int)MM_E_ORDER &&
                   MMPATH_PROBLEM_DUPLICATE == (int)MM_E_DUPLICATE &&
                   MMPATH_PROBLEM_NOT_FOUND == (int)MM_E_NOT_FOUND &&
                   MMPATH_PROBLEM_LIMIT == (int)MM_E_LIMIT && MMPATH_PROBLEM_IO == (int)MM_E_IO &&
                   MMPATH_PROBLEM_STATE == (int)MM_E_STATE &&
                   MMPATH_PROBLEM_NOMEM == (int)MM_E_NOMEM && MM_E__COUNT == 15,
               "mmpath_problem_code mirrors mm_diag_code");

/* Any rendering is capped: a runaway kb must not take the machine's memory. */
#define RENDER_CAP ((size_t)64 << 20)

/* ---- the knowledge base ---- */

int mmpath_kb_open(mmpath_kb **out, const char *dir, char **errors_out) {
  *out = NULL;
  if (errors_out) *errors_out = NULL;
  mm_arena arena;
  mm_arena_init(&arena, 0);
  mm_diags diags;
  mm_diags_init(&diags, &arena);
  char installed[4096];
  if (!dir) {
    mm_lib_kb_default(installed, sizeof installed);
    dir = installed;
  }
  int rc = mm_kb_load(out, dir, &diags);
  if (rc != 0 && errors_out) {
    mm_strbuf b;
    mm_strbuf_init(&b, 1 << 20);
    mm_render_diags_text(&b, &diags);
    *errors_out = mm_strbuf_steal(&b);
  }
  /* The first error is the cause; what follows (rules naming a drug of a
   * missing vocabulary) follows from it. */
  const mm_diag *first = diags.head;
  while (first && first->level != MM_DIAG_ERROR) first = first->next;
  int status = rc == 0                                        ? MMPATH_OK
               : first && first->code == MM_E_NOT_FOUND       ? MMPATH_ENOTFOUND
               : arena.failed || (first && first->code == MM_E_NOMEM) ? MMPATH_ENOMEM
                                                              : MMPATH_ESYNTAX;
  mm_arena_free(&arena);
  return status;
}

void mmpath_kb_free(mmpath_kb *kb) { mm_kb_free(kb); }

const char *mmpath_kb_version(const mmpath_kb *kb) { return kb->version; }

/* ---- options ---- */

static bool lang_ok(mmpath_lang l) { return l == MMPATH_LANG_EN || l == MMPATH_LANG_IT; }
static bool format_ok(mmpath_format f) {
  return f == MMPATH_FORMAT_JSON || f == MMPATH_FORMAT_TEXT || f == MMPATH_FORMAT_HTML ||
         f == MMPATH_FORMAT_COMPACT;
}

int mm_lib_options(mmpath_options *o, const mmpath_options *opts) {
  static const mmpath_options defaults = MMPATH_OPTIONS_INIT;
  *o = opts ? *opts : defaults;
  if (o->version != MMPATH_OPTIONS_VERSION || !lang_ok(o->lang) || !format_ok(o->format) ||
      (o->jurisdiction != MMPATH_JURISDICTION_EU && o->jurisdiction != MMPATH_JURISDICTION_US &&
       o->jurisdiction != MMPATH_JURISDICTION_IT))
    return MMPATH_ERROR;
  return 0;
}

/* ---- problems ---- */

const char *mmpath_problem_code_name(mmpath_problem_code code) {
  return mm_diag_code_name((mm_diag_code)code);
}

void mmpath_problems_free(mmpath_problems *problems) {
  if (!problems) return;
  mm_arena_free(&problems->arena);
  free(problems);
}

size_t mmpath_problems_count(const mmpath_problems *problems) { return problems->n_errors; }
const mmpath_problem *mmpath_problems_get(const mmpath_problems *problems, size_t i) {
  return i < problems->n_errors ? problems->errors[i] : NULL;
}
const char *mmpath_problem_path(const mmpath_problem *p) { return p->path ? p->path : ""; }
int mmpath_problem_line(const mmpath_problem *p) { return p->line; }
int mmpath_problem_column(const mmpath_problem *p) { return p->col; }
mmpath_problem_code mmpath_problem_error_code(const mmpath_problem *p) {
  return (mmpath_problem_code)p->code;
}
const char *mmpath_problem_message(const mmpath_problem *p) { return p->text; }

/* ---- rendering ---- */

/* Ends the document with its newline and hands it over. */
static int finish(char **out, mm_strbuf *b) {
  mm_strbuf_putc(b, '\n');
  if (b->failed) {
    mm_strbuf_free(b);
    return MMPATH_ENOMEM;
  }
  *out = mm_strbuf_steal(b);
  return *out ? MMPATH_OK : MMPATH_ENOMEM;
}

/* Appends the evaluation in fmt and its final newline to b. */
static void render_into(mm_strbuf *b, const mmpath_evaluation *ev, mmpath_format fmt,
                        mmpath_lang lang) {
  mm_lang l = (mm_lang)lang;
  if (fmt == MMPATH_FORMAT_JSON) mm_render_evaluation_json(b, ev->tree, l);
  else if (fmt == MMPATH_FORMAT_HTML) mm_render_evaluation_html(b, ev->tree, l);
  else if (fmt == MMPATH_FORMAT_COMPACT) mm_render_evaluation_compact(b, ev->tree);
  else mm_render_evaluation_text(b, ev->tree, l);
  mm_strbuf_putc(b, '\n');
}

static void render_problems_into(mm_strbuf *b, const mmpath_problems *problems,
                                 mmpath_format fmt) {
  if (fmt == MMPATH_FORMAT_JSON || fmt == MMPATH_FORMAT_COMPACT)
    mm_render_diags_json(b, &problems->diags);
  else mm_render_diags_text(b, &problems->diags);
  mm_strbuf_putc(b, '\n');
}

/* Hands a rendered document over. */
static int hand_over(char **out, mm_strbuf *b) {
  if (b->failed) {
    mm_strbuf_free(b);
    return MMPATH_ENOMEM;
  }
  *out = mm_strbuf_steal(b);
  return *out ? MMPATH_OK : MMPATH_ENOMEM;
}

int mmpath_render(char **out, const mmpath_evaluation *ev, mmpath_format fmt,
                  mmpath_lang lang) {
  *out = NULL;
  if (!ev || !format_ok(fmt) || !lang_ok(lang)) return MMPATH_ERROR;
  mm_strbuf b;
  mm_strbuf_init(&b, RENDER_CAP);
  render_into(&b, ev, fmt, lang);
  return hand_over(out, &b);
}

int mmpath_render_facts(char **out, const mmpath_evaluation *ev, mmpath_format fmt,
                        mmpath_lang lang) {
  *out = NULL;
  if (!ev || !format_ok(fmt) || !lang_ok(lang)) return MMPATH_ERROR;
  mm_lang l = (mm_lang)lang;
  mm_strbuf b;
  mm_strbuf_init(&b, RENDER_CAP);
  if (fmt == MMPATH_FORMAT_JSON || fmt == MMPATH_FORMAT_COMPACT)
    mm_render_facts_json(&b, ev->tree->facts, l);
  else mm_render_facts_text(&b, ev->tree->facts, l);
  return finish(out, &b);
}

int mmpath_render_problems(char **out, const mmpath_problems *problems, mmpath_format fmt,
                           mmpath_lang lang) {
  *out = NULL;
  if (!problems || !format_ok(fmt) || !lang_ok(lang)) return MMPATH_ERROR;
  mm_strbuf b;
  mm_strbuf_init(&b, RENDER_CAP);
  render_problems_into(&b, problems, fmt);
  return hand_over(out, &b);
}

/* ---- a context kept between calls ---- */

/* The answer buffer a context keeps after a call: above this it is released
 * (a one-off big record must not hold its memory). */
#define CONTEXT_KEEP ((size_t)1 << 20)

struct mmpath_context {
  const mm_kb *kb;
  mmpath_evaluation ev; /* its arena is reset, not freed, between calls */
  mm_strbuf out;
  mm_render_cache *cache; /* what depends only on the kb, rendered once; may be NULL */
  /* By jurisdiction, made at its first compact answer: the options and
   * their criteria flattened once (evaluate_screen.h); NULL until then, or
   * when out of memory (then evaluated as without a context). */
  mm_screen_plan *plans[3];
  bool plan_failed[3];
};

/* The context's plan for jurisdiction j, made the first time. */
static const mm_screen_plan *context_plan(mmpath_context *c, mmpath_jurisdiction j) {
  if ((size_t)j >= sizeof c->plans / sizeof c->plans[0]) return NULL;
  if (!c->plans[j] && !c->plan_failed[j] &&
      mm_screen_plan_new(&c->plans[j], c->kb, (mm_jurisdiction)j, NULL) != 0)
    c->plan_failed[j] = true;
  return c->plans[j];
}

int mmpath_context_new(mmpath_context **out, const mmpath_kb *kb) {
  *out = NULL;
  if (!kb) return MMPATH_ERROR;
  mmpath_context *c = calloc(1, sizeof *c);
  if (!c) return MMPATH_ENOMEM;
  c->kb = kb;
  c->cache = mm_render_cache_new(); /* NULL: every piece is rendered every time */
  c->ev.memo = mm_rule_memo_new();  /* NULL: every rule is evaluated every time */
  int *slots = malloc((kb->n_facts + 1) * sizeof *slots); /* NULL: made every time */
  if (slots) c->ev.n_kept_slots = mm_lib_fact_slots(slots, kb);
  c->ev.kept_slots = slots;
  mm_arena_init(&c->ev.arena, 1 << 16);
  mm_strbuf_init(&c->out, RENDER_CAP);
  *out = c;
  return MMPATH_OK;
}

void mmpath_context_free(mmpath_context *ctx) {
  if (!ctx) return;
  mm_arena_free(&ctx->ev.arena);
  mm_strbuf_free(&ctx->out);
  mm_render_cache_free(ctx->cache);
  mm_rule_memo_free(ctx->ev.memo);
  free((void *)ctx->ev.kept_slots);
  for (size_t i = 0; i < sizeof ctx->plans / sizeof ctx->plans[0]; i++)
    mm_screen_plan_free(ctx->plans[i]);
  free(ctx);
}

int mmpath_context_evaluate(mmpath_context *ctx, const char **out, size_t *out_len,
                            const char *record, size_t len, const mmpath_options *opts) {
  *out = NULL;
  if (out_len) *out_len = 0;
  mmpath_options o;
  if (!ctx || !record || mm_lib_options(&o, opts) != 0) return MMPATH_ERROR;
  if (ctx->out.cap > CONTEXT_KEEP) mm_strbuf_free(&ctx->out);
  mm_strbuf_clear(&ctx->out);
  mm_arena_reset(&ctx->ev.arena);
  /* The compact answer reads no explanation: none is made, and the
   * options' verdicts come from the plan. */
  ctx->ev.plan = o.format == MMPATH_FORMAT_COMPACT ? context_plan(ctx, o.jurisdiction) : NULL;
  int rc = mm_lib_evaluation_fill(&ctx->ev, ctx->kb, record, len, NULL, &o, NULL,
                                  o.format != MMPATH_FORMAT_COMPACT);
  if (rc == MMPATH_OK) {
    ctx->ev.tree->cache = ctx->cache;
    render_into(&ctx->out, &ctx->ev, o.format, o.lang);
  } else if (rc == MMPATH_EINVALID) {
    mmpath_problems p = {.diags = ctx->ev.diags};
    render_problems_into(&ctx->out, &p, o.format);
  }
  /* Nothing of the record is kept past the call but the answer. */
  if (rc != MMPATH_OK && rc != MMPATH_EINVALID) return rc;
  if (ctx->out.failed) return MMPATH_ENOMEM;
  *out = ctx->out.data;
  if (out_len) *out_len = ctx->out.len;
  return rc;
}

/* ---- in one call ---- */

static int run(char **out, const mmpath_kb *kb, const char *record, size_t len,
               const mmpath_options *opts, bool options) {
  *out = NULL;
  mmpath_options o;
  if (mm_lib_options(&o, opts) != 0) return MMPATH_ERROR;
  mmpath_evaluation *ev = NULL;
  mmpath_problems *problems = NULL;
  int rc = options ? mm_lib_evaluation_new_ex(&ev, &problems, kb, record, len, &o,
                                              o.format != MMPATH_FORMAT_COMPACT)
                   : mm_lib_facts_new(&ev, &problems, kb, record, len, &o);
  if (rc == MMPATH_OK) {
    rc = options ? mmpath_render(out, ev, o.format, o.lang)
                 : mmpath_render_facts(out, ev, o.format, o.lang);
  } else if (rc == MMPATH_EINVALID) {
    int r = mmpath_render_problems(out, problems, o.format, o.lang);
    if (r != MMPATH_OK) rc = r;
  }
  mmpath_evaluation_free(ev);
  mmpath_problems_free(problems);
  return rc;
}

int mmpath_evaluate(char **out, const mmpath_kb *kb, const char *record, size_t len,
                    const mmpath_options *opts) {
  return run(out, kb, record, len, opts, true);
}

int mmpath_facts(char **out, const mmpath_kb *kb, const char *record, size_t len,
                 const mmpath_options *opts) {
  return run(out, kb, record, len, opts, false);
}
