/* screen_full.c: see screen_full.h. The line's format is screen.c's
 * (render_options there is the reference, kept for the case this path
 * declines): one result per option id, the best status of its listings. */
#include "screen/screen_full.h"

#include <stdlib.h>
#include <string.h>

#include "evaluate/evaluate_screen.h"
#include "evaluate/messages.h"
#include "kb/fact_names.h"

typedef struct name {
  const char *json;
  size_t len;
} name;

struct mm_screen_full {
  const mm_kb *kb;
  mm_screen_plan *plan;
  bool csv, italy;
  const int *item_of_option;
  const mm_strbuf *item_json;
  size_t n_items, k_items;
  const mm_screen_check *checks; /* the plan's */
  name *check_json;              /* per check: its criterion's id as JSON */
  /* Each note in English as JSON, per jurisdiction and disease state
   * ([MM_DS_COUNT]: none), as screen.c makes them. */
  const char *note_json[MM_NOTE_COUNT][3][MM_DS_COUNT + 1];
  mm_arena names;
};

static const char *json_of(mm_arena *a, const char *s, size_t *len) {
  mm_strbuf t;
  mm_strbuf_init(&t, 0);
  mm_strbuf_json_string(&t, s);
  const char *out = t.failed ? NULL : mm_arena_strndup(a, t.data, t.len);
  if (len) *len = t.len;
  mm_strbuf_free(&t);
  return out;
}

/* Two options under one id, one a therapy: screen.c prints the first of the
 * best status in mm_evaluate's order (by tier, which this path does not
 * compute), and for a therapy that decides the reimbursement shown. */
static bool order_matters(const mm_kb *kb, const int *item_of_option, size_t n_items) {
  int *seen = calloc(n_items ? n_items : 1, sizeof *seen);
  if (!seen) return true;
  bool matters = false;
  for (size_t i = 0; i < kb->n_options && !matters; i++) {
    const mm_option *o = &kb->options[i];
    int item = item_of_option[i];
    if (item < 0 || o->kind == MM_OPT_TRIAL) continue;
    /* bit 1: some option listed; bit 2: a therapy among them */
    int was = seen[item];
    seen[item] |= 1 | (o->kind == MM_OPT_THERAPY ? 2 : 0);
    matters = (was & 1) && (seen[item] & 2);
  }
  free(seen);
  return matters;
}

int mm_screen_full_new(mm_screen_full **out, const mm_kb *kb, mm_jurisdiction j,
                       const char *const *only, bool csv, const int *item_of_option,
                       const mm_strbuf *item_json, size_t n_items, size_t k_items) {
  *out = NULL;
  if (order_matters(kb, item_of_option, n_items)) return 1;
  mm_screen_full *s = calloc(1, sizeof *s);
  if (!s) return -1;
  mm_arena_init(&s->names, 0);
  s->kb = kb;
  s->csv = csv;
  s->italy = j == MM_JURIS_IT;
  s->item_of_option = item_of_option;
  s->item_json = item_json;
  s->n_items = n_items;
  s->k_items = k_items;
  if (mm_screen_plan_new(&s->plan, kb, j, only) != 0) goto fail;
  size_t n;
  s->checks = mm_screen_plan_checks(s->plan, &n);
  s->check_json = calloc(n ? n : 1, sizeof *s->check_json);
  if (!s->check_json) goto fail;
  for (size_t i = 0; i < n; i++) {
    s->check_json[i].json = json_of(&s->names, s->checks[i].crit->id, &s->check_json[i].len);
    if (!s->check_json[i].json) goto fail;
  }
  for (int code = MM_NOTE_NONE + 1; code < MM_NOTE_COUNT; code++)
    for (int jj = 0; jj < 3; jj++)
      for (int ds = 0; ds <= MM_DS_COUNT; ds++) {
        char text[MM_NOTE_MAX];
        mm_note note = {(mm_note_code)code, (mm_jurisdiction)jj,
                        ds < MM_DS_COUNT ? mm_disease_state_values[ds] : NULL};
        if (mm_note_text(note, MM_LANG_EN, text))
          s->note_json[code][jj][ds] = json_of(&s->names, text, NULL);
      }
  if (s->names.failed) goto fail;
  *out = s;
  return 0;
fail:
  mm_screen_full_free(s);
  return -1;
}

void mm_screen_full_free(mm_screen_full *s) {
  if (!s) return;
  mm_screen_plan_free(s->plan);
  free(s->check_json);
  mm_arena_free(&s->names);
  free(s);
}

/* --- the line ---------------------------------------------------------- */

static void csv_field(mm_strbuf *b, const char *s) {
  if (!s) return;
  if (!strpbrk(s, ",\"\r\n")) {
    mm_strbuf_puts(b, s);
    return;
  }
  mm_strbuf_putc(b, '"');
  for (const char *p = s; *p; p++) {
    if (*p == '"') mm_strbuf_putc(b, '"');
    mm_strbuf_putc(b, *p);
  }
  mm_strbuf_putc(b, '"');
}

static void csv_inner(mm_strbuf *b, const char *s) {
  for (; *s; s++) {
    if (*s == '"') mm_strbuf_putc(b, '"');
    mm_strbuf_putc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
  }
}

static const char *status_name(mm_tv t) {
  return t == MM_TRUE ? "eligible" : t == MM_FALSE ? "not_eligible" : "unknown";
}

static int rank(mm_tv t) { return t == MM_TRUE ? 2 : t == MM_UNKNOWN ? 1 : 0; }

/* The criteria with the option's status, or its note when none says it. */
static void json_reasons(const mm_screen_full *s, mm_strbuf *b, const mm_screen_verdict *v) {
  mm_strbuf_putc(b, '[');
  bool first = true;
  for (size_t i = 0; i < v->n_checks; i++) {
    if (v->results[i] != (uint8_t)v->status) continue;
    if (!first) mm_strbuf_putc(b, ',');
    first = false;
    const name *n = &s->check_json[&v->checks[i] - s->checks];
    mm_strbuf_add(b, n->json, n->len);
  }
  if (first && v->note.code > MM_NOTE_NONE && v->note.code < MM_NOTE_COUNT &&
      (unsigned)v->note.jurisdiction < 3) {
    int ds = MM_DS_COUNT;
    for (int k = 0; v->note.state && k < MM_DS_COUNT; k++)
      if (mm_disease_state_values[k] == v->note.state) ds = k;
    const char *note = s->note_json[v->note.code][v->note.jurisdiction][ds];
    if (note) mm_strbuf_puts(b, note);
  }
  mm_strbuf_putc(b, ']');
}

static void json_reimbursement(const mm_screen_full *s, mm_strbuf *b,
                               const mm_screen_verdict **by) {
  mm_strbuf_puts(b, ",\"reimbursement_it\":{");
  bool first = true;
  for (size_t i = 0; i < s->n_items; i++) {
    const mm_screen_verdict *v = by[i];
    if (!v || v->status != MM_TRUE || !v->reimbursement_shown) continue;
    if (!first) mm_strbuf_putc(b, ',');
    first = false;
    mm_strbuf_add(b, s->item_json[i].data, s->item_json[i].len);
    mm_strbuf_putc(b, ':');
    mm_strbuf_json_string(b, v->reimbursement ? mm_reimb_status_code(v->reimbursement->status)
                                              : "not_recorded");
  }
  mm_strbuf_putc(b, '}');
}

static void csv_line(const mm_screen_full *s, mm_strbuf *b, const char *id,
                     const mm_value *setting, const mm_screen_verdict **by) {
  csv_field(b, id);
  mm_strbuf_putc(b, ',');
  if (setting->known) csv_field(b, setting->str);
  for (size_t i = 0; i < s->n_items; i++) {
    mm_strbuf_putc(b, ',');
    if (by[i]) mm_strbuf_puts(b, status_name(by[i]->status));
  }
  mm_strbuf_puts(b, ",\"");
  bool first = true;
  for (size_t i = 0; i < s->n_items; i++) {
    const mm_screen_verdict *v = by[i];
    if (!v || v->status == MM_TRUE) continue;
    for (size_t c = 0; c < v->n_checks; c++) {
      if (v->results[c] != (uint8_t)v->status) continue;
      if (!first) mm_strbuf_putc(b, ' ');
      first = false;
      csv_inner(b, v->opt->id);
      mm_strbuf_putc(b, ':');
      csv_inner(b, v->checks[c].crit->id);
    }
  }
  mm_strbuf_puts(b, "\",\n");
}

static void json_line(const mm_screen_full *s, mm_strbuf *b, const char *id, const char *center,
                      const mm_value *setting, const mm_screen_verdict **by) {
  mm_strbuf_puts(b, "{\"id\":");
  mm_strbuf_json_string(b, id);
  if (center) {
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
  if (s->italy) json_reimbursement(s, b, by);
  mm_strbuf_puts(b, "}\n");
}

int mm_screen_full_record(const mm_screen_full *s, mm_arena *arena, const mm_facts *f,
                          const char *id, const char *center, const mm_value *setting,
                          mm_screen_sink *k) {
  mm_screen_verdicts vs;
  if (mm_screen_evaluate(&vs, arena, s->plan, f) != 0) return -1;
  /* One verdict per id: an id listed more than once (a guideline regimen
   * of several settings, when the setting is unknown) counts with its best
   * status, the first of it in order. */
  const mm_screen_verdict **by = mm_arena_alloc(arena, (s->n_items ? s->n_items : 1) * sizeof *by);
  if (!by) return -1;
  for (size_t i = 0; i < vs.n; i++) {
    const mm_screen_verdict *v = &vs.v[i];
    int item = s->item_of_option[v->opt - s->kb->options];
    if (item < 0) continue;
    if (!by[item] || rank(v->status) > rank(by[item]->status)) by[item] = v;
  }
  for (size_t i = 0; i < s->n_items; i++)
    if (by[i]) {
      mm_tv t = by[i]->status;
      k->counters[s->k_items + 3 * i + (t == MM_TRUE ? 0 : t == MM_FALSE ? 1 : 2)]++;
    }
  if (s->csv) csv_line(s, &k->out, id, setting, by);
  else json_line(s, &k->out, id, center, setting, by);
  return 0;
}
