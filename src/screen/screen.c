/* screen.c: what `mmpath screen` does with one record, and the summary
 * (docs/screen.md). Runs on the pipeline's worker threads: each worker has
 * its own arena, reset per record, so a record costs no malloc; the
 * knowledge base and the compiled criteria are shared read-only.
 *
 * Result line (JSON Lines), knowledge-base options:
 *   {"id":"BO-1","setting":"first_relapse","eligible":["KRd"],
 *    "unknown":{"teclistamab":["ecog"]},"not_eligible":{"VRd":["setting"]}}
 * (each option under its status, with the criteria that are false, or for
 * unknown the criteria that are unknown); with --criteria:
 *   {"id":"BO-1","setting":"first_relapse","criteria":{"prior_lines":true,"x":null}}
 * Error line: {"line":7,"id":"BO-1"|null,"error":[{"path":..,"message":..}]}.
 * CSV: a header row, then one row per record; the summary goes to stderr. */
#include "screen/screen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate/evaluate.h"
#include "evaluate/reimbursement.h"
#include "facts/facts.h"
#include "kb/fact_names.h"
#include "json/json.h"
#include "patient/patient.h"
#include "patient/patient_scan.h"
#include "screen/pipeline.h"
#include "screen/screen_full.h"
#include "util/strbuf.h"

/* Counters, per batch then in total: malformed, screened, settings (+ one
 * for unknown), then 3 per reported item (option or criterion). */
enum { K_MALFORMED, K_SCREENED, K_SETTINGS };

typedef struct screen {
  const mm_screen_options *o;
  const mm_kb *kb;
  const mm_screen_criteria *crit;
  int setting_slot;
  unsigned derive_flags;       /* mm_facts_derive_ex flags: see derive_flags() */
  const char *const *settings; /* the setting fact's values, NULL-ended */
  size_t n_settings;
  size_t k_items;              /* first item counter */
  /* reported items: options (index into kb->options) or criteria */
  size_t n_items;
  int *item_of_option;         /* kb option index -> item, or -1 */
  bool *crit_reported;         /* per criterion */
  mm_facts_plan *plan;         /* with criteria: the facts they read, derived
                                  alone (mm_facts_derive_plan) */
  const char **item_ids;
  const char *const *eval_only;/* for mm_evaluate */
  size_t n_counters;
  /* Names as JSON strings, made once: the result lines repeat them. */
  mm_arena names;
  mm_strbuf *item_json;        /* per item: "\"id\"" */
  /* With --criteria, JSON Lines: each reported criterion's member as
   * written for each result, [3 * item + mm_tv]: ",\"id\":true" (no comma
   * for the first), so a result line is one copy per criterion. */
  const char **crit_frag;
  size_t *crit_frag_len;
  struct crit_name *crit_json; /* open addressing by criterion address */
  size_t crit_cap;
  /* Each note in English as a JSON string, per jurisdiction and disease state
   * (the arguments a note may name; [MM_DS_COUNT]: none): screening output is
   * a machine format, and formatting a note per record showed in profiles. */
  const char *note_json[MM_NOTE_COUNT][3][MM_DS_COUNT + 1];
  /* Full screening's fast path (screen_full.c), or NULL: mm_evaluate. */
  mm_screen_full *full;
} screen;

typedef struct crit_name {
  const mm_criterion *crit;
  const char *json;
  size_t len;
} crit_name;

typedef struct worker {
  const screen *s;
  mm_arena arena;
} worker;

static int worker_new(void **out, void *payload) {
  /* On a cache line of its own: the arena's pointer is written on every
   * allocation, and two workers' states side by side would share a line. */
  worker *w = aligned_alloc(64, (sizeof *w + 63) / 64 * 64);
  if (!w) return -1;
  memset(w, 0, sizeof *w);
  w->s = payload;
  /* One block holds a whole record's evaluation: reset is then O(1). */
  mm_arena_init(&w->arena, (size_t)1 << 20);
  *out = w;
  return 0;
}

static void worker_free(void *p) {
  worker *w = p;
  if (!w) return;
  mm_arena_free(&w->arena);
  free(w);
}

/* --- CSV ------------------------------------------------------------ */

/* --- error lines ---------------------------------------------------- */

typedef struct problem {
  const char *path, *message;
} problem;

static void error_line(const screen *s, mm_screen_sink *k, const char *id, const problem *p,
                       size_t n) {
  mm_strbuf *b = &k->out;
  if (s->o->format == MM_SCREEN_CSV) {
    mm_strbuf_csv_field(b, id);
    mm_strbuf_putc(b, ',');                            /* setting */
    for (size_t i = 0; i < s->n_items; i++) mm_strbuf_putc(b, ',');
    if (s->crit == NULL) mm_strbuf_putc(b, ',');       /* reasons */
    mm_strbuf_puts(b, ",\"line ");
    mm_screen_sink_line_number(k);
    for (size_t i = 0; i < n; i++) {
      mm_strbuf_puts(b, i ? "; " : ": ");
      for (int pass = 0; pass < 2; pass++) {
        const char *t = pass ? p[i].message : p[i].path;
        if (!t) continue;
        if (pass && p[i].path) mm_strbuf_puts(b, ": ");
        mm_strbuf_csv_inner(b, t);
      }
    }
    mm_strbuf_puts(b, "\"\n");
  } else {
    mm_strbuf_puts(b, "{\"line\":");
    mm_screen_sink_line_number(k);
    mm_strbuf_puts(b, ",\"id\":");
    mm_strbuf_json_string(b, id);
    mm_strbuf_puts(b, ",\"error\":[");
    for (size_t i = 0; i < n; i++) {
      mm_strbuf_puts(b, i ? ",{\"path\":" : "{\"path\":");
      mm_strbuf_json_string(b, p[i].path);
      mm_strbuf_puts(b, ",\"message\":");
      mm_strbuf_json_string(b, p[i].message);
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_puts(b, "]}\n");
  }
  k->counters[K_MALFORMED]++;
}

static void one_error(const screen *s, mm_screen_sink *k, const char *id, const char *path,
                      const char *message) {
  problem p = {path, message};
  error_line(s, k, id, &p, 1);
}

static void diags_error(const screen *s, mm_screen_sink *k, mm_arena *a, const char *id,
                        const mm_diags *d) {
  problem stack[16], *p = stack;
  size_t n = 0;
  if (d->errors > 16) p = mm_arena_alloc(a, d->errors * sizeof *p);
  if (!p) {
    one_error(s, k, id, NULL, "out of memory");
    return;
  }
  for (const mm_diag *x = d->head; x; x = x->next)
    if (x->level == MM_DIAG_ERROR && n < d->errors) p[n++] = (problem){x->path, x->text};
  if (n == 0) {
    one_error(s, k, id, NULL, "invalid record");
    return;
  }
  error_line(s, k, id, p, n);
}

/* --- result lines --------------------------------------------------- */

static void count_setting(const screen *s, mm_screen_sink *k, const mm_value *v) {
  size_t i = s->n_settings;
  /* The facts name a setting with the kb's own string: found by address
   * first, without a strcmp per setting before it. */
  for (size_t j = 0; v->known && v->str && j < s->n_settings && i == s->n_settings; j++)
    if (s->settings[j] == v->str) i = j;
  for (size_t j = 0; v->known && v->str && j < s->n_settings && i == s->n_settings; j++)
    if (strcmp(s->settings[j], v->str) == 0) i = j;
  k->counters[K_SETTINGS + i]++;
}

/* The reasons of an option's status: the ids of its criteria with that
 * result, or the evaluation's note when no criterion says it (e.g. no
 * indication granted by as_of). */
static size_t ptr_hash(const void *p) {
  uint64_t x = (uint64_t)(uintptr_t)p;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return (size_t)x;
}

static crit_name *crit_slot(const screen *s, const mm_criterion *c) {
  size_t i = ptr_hash(c) & (s->crit_cap - 1);
  while (s->crit_json[i].crit && s->crit_json[i].crit != c) i = (i + 1) & (s->crit_cap - 1);
  return &s->crit_json[i];
}

static void json_crit_id(const screen *s, mm_strbuf *b, const mm_criterion *c) {
  const crit_name *n = s->crit_cap ? crit_slot(s, c) : NULL;
  if (n && n->crit) mm_strbuf_add(b, n->json, n->len);
  else mm_strbuf_json_string(b, c->id);
}

static void json_reasons(const screen *s, mm_strbuf *b, const mm_option_result *r) {
  mm_strbuf_putc(b, '[');
  bool first = true;
  for (size_t i = 0; i < r->n_criteria; i++) {
    if (r->criteria[i].result != r->status) continue;
    if (!first) mm_strbuf_putc(b, ',');
    first = false;
    json_crit_id(s, b, r->criteria[i].crit);
  }
  if (first && r->note.code > MM_NOTE_NONE && r->note.code < MM_NOTE_COUNT &&
      (unsigned)r->note.jurisdiction < 3) {
    int ds = MM_DS_COUNT;
    for (int k = 0; r->note.state && k < MM_DS_COUNT; k++)
      if (mm_disease_state_values[k] == r->note.state) ds = k;
    const char *note = s->note_json[r->note.code][r->note.jurisdiction][ds];
    if (note) mm_strbuf_puts(b, note);
  }
  mm_strbuf_putc(b, ']');
}

/* Jurisdiction it: the AIFA finding of each eligible therapy, by id
 * ("reimbursed", "c_nn", "not_found", "not_recorded"...). */
static void json_reimbursement(const screen *s, mm_strbuf *b, const mm_option_result **by) {
  mm_strbuf_puts(b, ",\"reimbursement_it\":{");
  bool first = true;
  for (size_t i = 0; i < s->n_items; i++) {
    const mm_option_result *r = by[i];
    if (!r || r->status != MM_TRUE || !mm_reimbursement_shown(r)) continue;
    if (!first) mm_strbuf_putc(b, ',');
    first = false;
    mm_strbuf_add(b, s->item_json[i].data, s->item_json[i].len);
    mm_strbuf_putc(b, ':');
    mm_strbuf_json_string(b, r->reimbursement ? mm_reimb_status_code(r->reimbursement->status)
                                              : "not_recorded");
  }
  mm_strbuf_putc(b, '}');
}

static void render_options(const screen *s, mm_screen_sink *k, const char *id, const char *center,
                           const mm_value *setting, const mm_evaluation *ev, mm_arena *a) {
  mm_strbuf *b = &k->out;
  /* One result per option id: an id listed more than once (a guideline
   * regimen of several settings, when the setting is unknown) counts with
   * its best status, the OR of its listings. */
  const mm_option_result **by = mm_arena_alloc(a, (s->n_items ? s->n_items : 1) * sizeof *by);
  if (!by) {
    one_error(s, k, id, NULL, "out of memory");
    return;
  }
  for (size_t i = 0; i < ev->n_options + ev->n_trials; i++) {
    const mm_option_result *r = i < ev->n_options ? &ev->options[i] : &ev->trials[i - ev->n_options];
    int item = s->item_of_option[r->opt - s->kb->options];
    if (item < 0) continue;
    if (!by[item] ||
        mm_screen_status_rank(r->status) > mm_screen_status_rank(by[item]->status))
      by[item] = r;
  }
  for (size_t i = 0; i < s->n_items; i++)
    if (by[i]) {
      mm_tv t = by[i]->status;
      k->counters[s->k_items + 3 * i + (t == MM_TRUE ? 0 : t == MM_FALSE ? 1 : 2)]++;
    }
  if (s->o->format == MM_SCREEN_CSV) {
    mm_screen_csv_head(b, id, setting);
    for (size_t i = 0; i < s->n_items; i++) mm_screen_csv_status(b, by[i] ? &by[i]->status : NULL);
    mm_screen_csv_pairs_open(b);
    bool first = true;
    for (size_t i = 0; i < s->n_items; i++) {
      const mm_option_result *r = by[i];
      if (!r || r->status == MM_TRUE) continue;
      for (size_t c = 0; c < r->n_criteria; c++)
        if (r->criteria[c].result == r->status)
          mm_screen_csv_pair(b, &first, r->opt->id, r->criteria[c].crit->id);
    }
    mm_screen_csv_end(b);
    return;
  }
  mm_strbuf_puts(b, "{\"id\":");
  mm_strbuf_json_string(b, id);
  if (center) { /* added key: the record's centre, when it has one */
    mm_strbuf_puts(b, ",\"center\":");
    mm_strbuf_json_string(b, center);
  }
  mm_strbuf_puts(b, ",\"setting\":");
  mm_strbuf_json_string(b, setting->known ? setting->str : NULL);
  static const mm_tv order[3] = {MM_TRUE, MM_UNKNOWN, MM_FALSE};
  for (int o = 0; o < 3; o++) {
    mm_tv st = order[o];
    mm_strbuf_puts(b, o == 0 ? ",\"eligible\":[" : o == 1 ? ",\"unknown\":{" : ",\"not_eligible\":{");
    bool first = true;
    for (size_t i = 0; i < s->n_items; i++) {
      if (!by[i] || by[i]->status != st) continue;
      if (!first) mm_strbuf_putc(b, ',');
      first = false;
      mm_strbuf_add(b, s->item_json[i].data, s->item_json[i].len);
      if (st != MM_TRUE) {
        mm_strbuf_putc(b, ':');
        json_reasons(s, b, by[i]);
      }
    }
    mm_strbuf_putc(b, o == 0 ? ']' : '}');
  }
  if (s->o->jurisdiction == MM_JURIS_IT) json_reimbursement(s, b, by);
  mm_strbuf_puts(b, "}\n");
}

static void render_criteria(const screen *s, mm_screen_sink *k, const char *id, const char *center,
                            const mm_value *setting, const mm_tv *res) {
  mm_strbuf *b = &k->out;
  const mm_screen_criteria *c = s->crit;
  bool csv = s->o->format == MM_SCREEN_CSV;
  if (csv) {
    mm_strbuf_csv_field(b, id);
    mm_strbuf_putc(b, ',');
    if (setting->known) mm_strbuf_csv_field(b, setting->str);
  } else {
    mm_strbuf_puts(b, "{\"id\":");
    mm_strbuf_json_string(b, id);
    if (center) {
      mm_strbuf_puts(b, ",\"center\":");
      mm_strbuf_json_string(b, center);
    }
    mm_strbuf_puts(b, ",\"setting\":");
    mm_strbuf_json_string(b, setting->known ? setting->str : NULL);
    mm_strbuf_puts(b, ",\"criteria\":{");
  }
  bool first = true;
  size_t item = 0;
  if (!csv && s->crit_frag) {
    for (size_t i = 0; i < c->n; i++) {
      if (!s->crit_reported[i]) continue;
      mm_tv t = res[i];
      k->counters[s->k_items + 3 * item + (t == MM_TRUE ? 0 : t == MM_FALSE ? 1 : 2)]++;
      size_t f = 3 * item + (size_t)t;
      mm_strbuf_add(b, s->crit_frag[f], s->crit_frag_len[f]);
      item++;
    }
    mm_strbuf_add(b, "}}\n", 3);
    return;
  }
  for (size_t i = 0; i < c->n; i++) {
    if (!s->crit_reported[i]) continue;
    mm_tv t = res[i];
    k->counters[s->k_items + 3 * item + (t == MM_TRUE ? 0 : t == MM_FALSE ? 1 : 2)]++;
    if (csv) {
      mm_strbuf_putc(b, ',');
    } else {
      if (!first) mm_strbuf_putc(b, ',');
      mm_strbuf_add(b, s->item_json[item].data, s->item_json[item].len);
      mm_strbuf_putc(b, ':');
    }
    item++;
    first = false;
    if (t == MM_TRUE) mm_strbuf_add(b, "true", 4);
    else if (t == MM_FALSE) mm_strbuf_add(b, "false", 5);
    else if (csv) mm_strbuf_add(b, "unknown", 7);
    else mm_strbuf_add(b, "null", 4);
  }
  mm_strbuf_puts(b, csv ? ",\n" : "}}\n");
}

static void screen_patient(const screen *s, mm_arena *a, const mm_patient *pat, const char *id,
                           mm_screen_sink *k);

static void record(void *p, char *text, size_t len, bool too_long, mm_screen_sink *k) {
  worker *w = p;
  const screen *s = w->s;
  mm_arena *a = &w->arena;
  mm_arena_reset(a);
  if (too_long) {
    char msg[96];
    snprintf(msg, sizeof msg, "record too long (limit is %zu bytes)", len);
    one_error(s, k, NULL, NULL, msg);
    return;
  }
  /* The usual record is read straight from its text; any other, and any
   * record with an error, by the full reader, which explains. */
  mm_patient *pat = NULL;
  int scanned = mm_patient_scan(&pat, a, s->kb, text, len);
  if (scanned < 0) {
    one_error(s, k, NULL, NULL, "out of memory");
    return;
  }
  const char *id = scanned ? pat->id : NULL;
  if (!scanned) {
    mm_json_error jerr;
    /* The value cap bounds the tree of a line (up to --batch bytes) to
     * about 16 MiB per worker, as for one record (include/mmpath.h). */
    mm_json *root = mm_json_parse_ex(a, text, len, true, MM_RECORD_MAX_VALUES, &jerr);
    if (!root) {
      char msg[200];
      if (jerr.limit)
        snprintf(msg, sizeof msg, "the record has more than %zu JSON values: that is the limit",
                 MM_RECORD_MAX_VALUES);
      else
        snprintf(msg, sizeof msg, "invalid JSON at column %d: %s", jerr.col, jerr.text);
      one_error(s, k, NULL, NULL, a->failed ? "out of memory" : msg);
      return;
    }
    const mm_json *idv = root->type == MM_JSON_OBJECT ? mm_json_get(root, "id") : NULL;
    id = idv && idv->type == MM_JSON_STRING ? idv->str : NULL;
    mm_diags diags;
    mm_diags_init(&diags, a);
    if (mm_patient_from_json_ex(&pat, a, s->kb, root, NULL, &diags, MM_READ_NO_PATHS) != 0 ||
        !pat) {
      diags_error(s, k, a, id, &diags);
      return;
    }
  }
  if (!id) { /* the reader requires it; never screen a record we cannot name */
    one_error(s, k, NULL, "id", "a record needs an id (a string)");
    return;
  }
  screen_patient(s, a, pat, id, k);
}

/* The pipeline's record_first: a record read before its line's end is
 * known (mm_patient_scan_line), then screened as record() screens it; 0
 * when not so read, and record() reads the line. */
static size_t record_first(void *p, char *text, size_t cap, bool end_ok, mm_screen_sink *k) {
  worker *w = p;
  const screen *s = w->s;
  mm_arena *a = &w->arena;
  mm_arena_reset(a);
  mm_patient *pat = NULL;
  size_t len = 0;
  if (mm_patient_scan_line(&pat, a, s->kb, text, cap, end_ok, &len) != 1) return 0;
  screen_patient(s, a, pat, pat->id, k);
  return len;
}

/* What record() does with a patient read: derive, screen, write. */
static void screen_patient(const screen *s, mm_arena *a, const mm_patient *pat, const char *id,
                           mm_screen_sink *k) {
  mm_facts *f = NULL;
  unsigned flags = s->derive_flags; /* no explanations; see derive_flags() */
  size_t spare = s->crit ? s->crit->n : 0; /* the criteria's results follow the facts */
  int rc = s->plan ? mm_facts_derive_plan(&f, a, s->kb, pat, s->plan, spare)
                  : mm_facts_derive_ex(&f, a, s->kb, pat, flags, spare, NULL);
  if (rc != 0 || !f) {
    one_error(s, k, id, NULL, a->failed ? "out of memory" : "facts could not be derived");
    return;
  }
  const mm_value *setting = &f->values[s->setting_slot];
  k->counters[K_SCREENED]++;
  count_setting(s, k, setting);
  if (s->crit) {
    const mm_screen_criteria *c = s->crit;
    size_t nf = s->kb->n_facts;
    mm_value *vals = f->values; /* each criterion's result is written after the facts */
    mm_tv *res = mm_arena_alloc_raw(a, c->n * sizeof *res);
    if (!res) {
      one_error(s, k, id, NULL, "out of memory");
      return;
    }
    for (size_t i = 0; i < c->n; i++) {
      res[i] = mm_rule_eval(c->items[i].rule, vals, NULL);
      vals[nf + i] = mm_value_tv(res[i]);
    }
    render_criteria(s, k, id, pat->center, setting, res);
    return;
  }
  if (s->full) {
    if (mm_screen_full_record(s->full, a, f, id, pat->center, setting, k) != 0)
      one_error(s, k, id, NULL, "out of memory");
    return;
  }
  mm_eval_options eo = MM_EVAL_OPTIONS_INIT;
  eo.jurisdiction = s->o->jurisdiction;
  eo.explain = false;
  eo.supportive = false;
  eo.trials = true;
  eo.only = s->eval_only;
  mm_evaluation *ev = NULL;
  if (mm_evaluate(&ev, a, s->kb, f, &eo) != 0 || !ev) {
    one_error(s, k, id, NULL, a->failed ? "out of memory" : "evaluation failed");
    return;
  }
  render_options(s, k, id, pat->center, setting, ev, a);
}

/* --- set-up, header, summary ---------------------------------------- */

static bool wanted(const char *const *only, const char *id) {
  if (!only) return true;
  for (; *only; only++)
    if (strcmp(*only, id) == 0) return true;
  return false;
}

static void add_crit_names(screen *s, const mm_criterion *c, size_t n) {
  for (size_t i = 0; i < n; i++) {
    crit_name *slot = crit_slot(s, &c[i]);
    if (slot->crit) continue;
    mm_strbuf t;
    mm_strbuf_init(&t, 0);
    mm_strbuf_json_string(&t, c[i].id);
    slot->json = t.failed ? NULL : mm_arena_strndup(&s->names, t.data, t.len);
    slot->len = t.len;
    if (slot->json) slot->crit = &c[i];
    mm_strbuf_free(&t);
  }
}

static int names_setup(screen *s) {
  const mm_kb *kb = s->kb;
  mm_arena_init(&s->names, 0);
  s->item_json = calloc(s->n_items ? s->n_items : 1, sizeof *s->item_json);
  if (!s->item_json) return -1;
  for (size_t i = 0; i < s->n_items; i++) {
    mm_strbuf_init(&s->item_json[i], 0);
    mm_strbuf_json_string(&s->item_json[i], s->item_ids[i]);
    if (s->item_json[i].failed) return -1;
  }
  for (int code = MM_NOTE_NONE + 1; code < MM_NOTE_COUNT; code++)
    for (int j = 0; j < 3; j++)
      for (int ds = 0; ds <= MM_DS_COUNT; ds++) {
        char text[MM_NOTE_MAX];
        mm_note note = {(mm_note_code)code, (mm_jurisdiction)j,
                        ds < MM_DS_COUNT ? mm_disease_state_values[ds] : NULL};
        if (!mm_note_text(note, MM_LANG_EN, text)) continue;
        mm_strbuf t;
        mm_strbuf_init(&t, 0);
        mm_strbuf_json_string(&t, text);
        s->note_json[code][j][ds] = t.failed ? NULL : mm_arena_strndup(&s->names, t.data, t.len);
        mm_strbuf_free(&t);
      }
  if (s->crit) {
    s->crit_frag = mm_arena_alloc(&s->names, 3 * (s->n_items + 1) * sizeof *s->crit_frag);
    s->crit_frag_len = mm_arena_alloc(&s->names, 3 * (s->n_items + 1) * sizeof *s->crit_frag_len);
    if (!s->crit_frag || !s->crit_frag_len) return -1;
    static const char *const value[3] = {"false", "true", "null"}; /* by mm_tv */
    for (size_t i = 0; i < s->n_items; i++)
      for (int t = 0; t < 3; t++) {
        mm_strbuf f;
        mm_strbuf_init(&f, 0);
        if (i) mm_strbuf_putc(&f, ',');
        mm_strbuf_add(&f, s->item_json[i].data, s->item_json[i].len);
        mm_strbuf_putc(&f, ':');
        mm_strbuf_puts(&f, value[t]);
        s->crit_frag[3 * i + (size_t)t] = f.failed ? NULL : mm_arena_strndup(&s->names, f.data, f.len);
        s->crit_frag_len[3 * i + (size_t)t] = f.len;
        mm_strbuf_free(&f);
        if (!s->crit_frag[3 * i + (size_t)t]) return -1;
      }
    return s->names.failed ? -1 : 0;
  }
  size_t n = 0;
  for (size_t i = 0; i < kb->n_options; i++) {
    const mm_option *o = &kb->options[i];
    n += o->n_criteria + o->n_exclusion;
    for (size_t k = 0; k < o->n_indications; k++) n += o->indications[k].n_criteria;
  }
  for (s->crit_cap = 16; s->crit_cap < 2 * n; s->crit_cap *= 2) continue;
  s->crit_json = calloc(s->crit_cap, sizeof *s->crit_json);
  if (!s->crit_json) return -1;
  for (size_t i = 0; i < kb->n_options; i++) {
    const mm_option *o = &kb->options[i];
    add_crit_names(s, o->criteria, o->n_criteria);
    add_crit_names(s, o->exclusion, o->n_exclusion);
    for (size_t k = 0; k < o->n_indications; k++)
      add_crit_names(s, o->indications[k].criteria, o->indications[k].n_criteria);
  }
  return s->names.failed ? -1 : 0;
}

/* What each record's derivation computes. The knowledge base's options read
 * nearly every fact; criteria read few: then only what they, the transplant
 * rule (always derived, for the setting) and, when read, the composites
 * read. Scores are computed from the labs. */
static unsigned derive_flags(const mm_kb *kb, const mm_screen_criteria *crit) {
  if (!crit) return kb->scores_read ? MM_FACTS_SCORES : 0;
  unsigned need = crit->sources | kb->transplant_sources;
  if (need & (1u << MM_FACT_COMPOSITE)) need |= kb->composite_sources;
  unsigned flags = 0;
  if (need & (1u << MM_FACT_SCORE)) flags |= MM_FACTS_SCORES;
  if (!(need & (1u << MM_FACT_COMPOSITE))) flags |= MM_FACTS_NO_COMPOSITES;
  if (!(need & ((1u << MM_FACT_LAB) | (1u << MM_FACT_SCORE)))) flags |= MM_FACTS_NO_LABS;
  /* The disease state only when some criterion (or the transplant rule)
   * reads one of its facts. */
  static const int state_slots[] = {MM_F_DISEASE_STATE, MM_F_MONTHS_SINCE_CAR_T,
                                    MM_F_MONTHS_SINCE_BISPECIFIC_STOP};
  bool state = false;
  for (size_t i = 0; i <= crit->n && !state; i++) {
    const mm_rule *r = i < crit->n ? crit->items[i].rule : kb->transplant_rule.rule;
    const int *slots;
    size_t n = r ? mm_rule_slots(r, &slots) : 0;
    for (size_t k = 0; k < n; k++)
      for (size_t j = 0; j < sizeof state_slots / sizeof *state_slots; j++)
        if (slots[k] == state_slots[j]) state = true;
  }
  if (!state) flags |= MM_FACTS_NO_DISEASE_STATE;
  return flags;
}

static int setup(screen *s, const mm_screen_options *o) {
  const mm_kb *kb = o->kb;
  s->o = o;
  s->kb = kb;
  s->crit = o->criteria;
  s->derive_flags = derive_flags(kb, s->crit);
  s->setting_slot = mm_kb_fact_slot(kb, "setting");
  if (s->setting_slot < 0) return -1;
  s->settings = kb->facts[s->setting_slot].values;
  while (s->settings && s->settings[s->n_settings]) s->n_settings++;
  s->k_items = K_SETTINGS + s->n_settings + 1;
  if (s->crit) {
    /* Each record derives only what the criteria read (and the setting,
     * which every result line shows): mm_facts_plan. */
    const mm_rule **rules = calloc(s->crit->n + 1, sizeof *rules);
    if (!rules) return -1;
    for (size_t i = 0; i < s->crit->n; i++) rules[i] = s->crit->items[i].rule;
    int rc = mm_facts_plan_new(&s->plan, kb, rules, s->crit->n, s->derive_flags);
    free(rules);
    if (rc != 0) return -1;
    s->crit_reported = calloc(s->crit->n ? s->crit->n : 1, sizeof *s->crit_reported);
    s->item_ids = calloc(s->crit->n ? s->crit->n : 1, sizeof *s->item_ids);
    if (!s->crit_reported || !s->item_ids) return -1;
    for (size_t i = 0; i < s->crit->n; i++)
      if (wanted(o->only, s->crit->items[i].id)) {
        s->crit_reported[i] = true;
        s->item_ids[s->n_items++] = s->crit->items[i].id;
      }
  } else {
    s->item_of_option = malloc((kb->n_options ? kb->n_options : 1) * sizeof *s->item_of_option);
    s->item_ids = calloc(kb->n_options ? kb->n_options : 1, sizeof *s->item_ids);
    if (!s->item_of_option || !s->item_ids) return -1;
    for (size_t i = 0; i < kb->n_options; i++) {
      s->item_of_option[i] = -1;
      if (!wanted(o->only, kb->options[i].id)) continue;
      for (size_t j = 0; j < i && s->item_of_option[i] < 0; j++) /* same id: same item */
        if (strcmp(kb->options[j].id, kb->options[i].id) == 0) s->item_of_option[i] = s->item_of_option[j];
      if (s->item_of_option[i] >= 0) continue;
      s->item_of_option[i] = (int)s->n_items;
      s->item_ids[s->n_items++] = kb->options[i].id;
    }
    s->eval_only = o->only;
  }
  s->n_counters = s->k_items + 3 * s->n_items;
  if (names_setup(s) != 0) return -1;
  if (s->crit) return 0;
  /* Full screening through the screening plan, the same bytes as through
   * mm_evaluate (screen_full.h); 1: it declined, mm_evaluate it is. */
  return mm_screen_full_new(&s->full, kb, o->jurisdiction, o->only, o->format == MM_SCREEN_CSV,
                            s->item_of_option, s->item_json, s->n_items, s->k_items) < 0
             ? -1
             : 0;
}

static void header(const screen *s, mm_strbuf *b) {
  mm_strbuf_puts(b, "id,setting");
  for (size_t i = 0; i < s->n_items; i++) {
    mm_strbuf_putc(b, ',');
    mm_strbuf_csv_field(b, s->item_ids[i]);
  }
  mm_strbuf_puts(b, s->crit ? ",error\n" : ",reasons,error\n");
}

static void summary(const screen *s, mm_strbuf *b, const mm_screen_result *r) {
  const uint64_t *c = r->counters;
  unsigned long long mal = c[K_MALFORMED], scr = c[K_SCREENED];
  mm_strbuf_printf(b, "{\"summary\":{\"records\":%llu,\"malformed\":%llu,\"screened\":%llu,"
                      "\"by_setting\":{",
                   (unsigned long long)r->records, mal, scr);
  for (size_t i = 0; i <= s->n_settings; i++) {
    if (i) mm_strbuf_putc(b, ',');
    mm_strbuf_json_string(b, i < s->n_settings ? s->settings[i] : "unknown");
    mm_strbuf_printf(b, ":%llu", (unsigned long long)c[K_SETTINGS + i]);
  }
  mm_strbuf_puts(b, s->crit ? "},\"by_criterion\":{" : "},\"by_option\":{");
  for (size_t i = 0; i < s->n_items; i++) {
    const uint64_t *t = &c[s->k_items + 3 * i];
    if (i) mm_strbuf_putc(b, ',');
    mm_strbuf_json_string(b, s->item_ids[i]);
    mm_strbuf_printf(b, s->crit ? ":{\"true\":%llu,\"false\":%llu,\"unknown\":%llu}"
                                : ":{\"eligible\":%llu,\"not_eligible\":%llu,\"unknown\":%llu}",
                     (unsigned long long)t[0], (unsigned long long)t[1],
                     (unsigned long long)t[2]);
  }
  mm_strbuf_puts(b, "}}}\n");
}

int mm_screen_run(mm_screen_totals *out, int in_fd, int out_fd, int summary_fd,
                  const mm_screen_options *opts) {
  memset(out, 0, sizeof *out);
  screen s = {0};
  int rc = -1;
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_screen_result r = {0};
  if (setup(&s, opts) != 0) {
    fprintf(stderr, "mmpath screen: the knowledge base has no 'setting' fact, or out of memory\n");
    goto done;
  }
  if (opts->format == MM_SCREEN_CSV) {
    header(&s, &b);
    if (mm_screen_write_all(out_fd, b.data, b.len) < 0) {
      fprintf(stderr, "mmpath screen: write: %s\n", strerror(errno));
      goto done;
    }
  }
  mm_screen_config cfg = {.threads = opts->threads, .block_size = opts->block_size,
                          .max_line = opts->max_line, .n_counters = s.n_counters,
                          .progress_fd = opts->progress_fd, .total_bytes = opts->total_bytes};
  mm_screen_hooks hooks = {&s, worker_new, worker_free, record, record_first};
  if (mm_screen_pipeline_run(&r, in_fd, out_fd, &cfg, &hooks) != 0) {
    if (r.io_error) fprintf(stderr, "mmpath screen: I/O error: %s\n", strerror(r.io_error));
    else fprintf(stderr, "mmpath screen: out of memory\n");
    goto done;
  }
  out->records = r.records;
  out->malformed = r.counters[K_MALFORMED];
  out->screened = r.counters[K_SCREENED];
  out->seconds = r.seconds;
  mm_strbuf_clear(&b);
  summary(&s, &b, &r);
  int fd = opts->format == MM_SCREEN_CSV ? summary_fd : out_fd;
  if (b.failed || (fd >= 0 && mm_screen_write_all(fd, b.data, b.len) < 0)) {
    fprintf(stderr, "mmpath screen: write: %s\n", strerror(errno));
    goto done;
  }
  rc = 0;
done:
  free(r.counters);
  mm_screen_full_free(s.full);
  free(s.item_of_option);
  free(s.crit_reported);
  mm_facts_plan_free(s.plan);
  free((void *)s.item_ids);
  for (size_t i = 0; s.item_json && i < s.n_items; i++) mm_strbuf_free(&s.item_json[i]);
  free(s.item_json);
  free(s.crit_json);
  mm_arena_free(&s.names);
  mm_strbuf_free(&b);
  return rc;
}
