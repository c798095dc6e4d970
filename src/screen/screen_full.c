/* screen_full.c: see screen_full.h. The line's format is screen.c's
 * (render_options there is the reference, kept for the case this path
 * declines): one result per option id, the best status of its listings. */
#include "screen/screen_full.h"

#include <stdlib.h>
#include <string.h>

#include "evaluate/evaluate_screen.h"
#include "evaluate/messages.h"
#include "kb/fact_names.h"

/* A piece of JSON made once, with PAD readable bytes after it so that it
 * is copied in whole 16-byte steps (copy()). */
enum { PAD = 16 };
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
  name *item_key;                /* per item: "id" (padded) */
  /* Each note in English as JSON, per jurisdiction and disease state
   * ([MM_DS_COUNT]: none), as screen.c makes them. */
  name note_json[MM_NOTE_COUNT][3][MM_DS_COUNT + 1];
  size_t body_max;               /* bytes of the longest verdict part of a line */
  mm_arena names;
};

/* s as a JSON string, followed by PAD zero bytes; NULL when out of memory. */
static const char *json_of(mm_arena *a, const char *s, size_t *len) {
  mm_strbuf t;
  mm_strbuf_init(&t, 0);
  mm_strbuf_json_string(&t, s);
  char *out = t.failed ? NULL : mm_arena_alloc(a, t.len + PAD);
  if (out) memcpy(out, t.data, t.len);
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
  size_t all_checks = 0, max_note = 0;
  for (size_t i = 0; i < n; i++) {
    s->check_json[i].json = json_of(&s->names, s->checks[i].crit->id, &s->check_json[i].len);
    if (!s->check_json[i].json) goto fail;
    all_checks += s->check_json[i].len + 1;
  }
  s->item_key = calloc(n_items ? n_items : 1, sizeof *s->item_key);
  if (!s->item_key) goto fail;
  size_t all_items = 0;
  for (size_t i = 0; i < n_items; i++) {
    char *k = mm_arena_alloc(&s->names, item_json[i].len + PAD);
    if (!k) goto fail;
    memcpy(k, item_json[i].data, item_json[i].len);
    s->item_key[i] = (name){k, item_json[i].len};
    all_items += item_json[i].len + 4; /* ,"id":[] */
  }
  for (int code = MM_NOTE_NONE + 1; code < MM_NOTE_COUNT; code++)
    for (int jj = 0; jj < 3; jj++)
      for (int ds = 0; ds <= MM_DS_COUNT; ds++) {
        char text[MM_NOTE_MAX];
        mm_note note = {(mm_note_code)code, (mm_jurisdiction)jj,
                        ds < MM_DS_COUNT ? mm_disease_state_values[ds] : NULL};
        name *nj = &s->note_json[code][jj][ds];
        if (mm_note_text(note, MM_LANG_EN, text)) nj->json = json_of(&s->names, text, &nj->len);
        if (nj->len > max_note) max_note = nj->len;
      }
  /* Each item once, each criterion at most once (an item shows one
   * verdict, and verdicts share no criterion), a note for each. */
  s->body_max = 64 + all_items + all_checks + n_items * max_note;
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
  free(s->item_key);
  mm_arena_free(&s->names);
  free(s);
}

/* --- the line ---------------------------------------------------------- */

/* Copies a padded piece: whole 16-byte steps, no call for a short one. */
static inline char *copy(char *o, const name *n) {
  for (size_t k = 0; k < n->len; k += PAD) memcpy(o + k, n->json + k, PAD);
  return o + n->len;
}

/* The criteria with the option's status, or its note when none says it. */
static char *json_reasons(const mm_screen_full *s, char *o, const mm_screen_verdict *v) {
  *o++ = '[';
  char *first = o;
  const name *names = &s->check_json[v->checks - s->checks];
  for (size_t i = 0; i < v->n_checks; i++) {
    if (v->results[i] != (uint8_t)v->status) continue;
    *o = ',';
    o += o != first;
    o = copy(o, &names[i]);
  }
  if (o == first && v->note.code > MM_NOTE_NONE && v->note.code < MM_NOTE_COUNT &&
      (unsigned)v->note.jurisdiction < 3) {
    int ds = MM_DS_COUNT;
    for (int k = 0; v->note.state && k < MM_DS_COUNT; k++)
      if (mm_disease_state_values[k] == v->note.state) ds = k;
    const name *note = &s->note_json[v->note.code][v->note.jurisdiction][ds];
    if (note->json) o = copy(o, note);
  }
  *o++ = ']';
  return o;
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
  mm_screen_csv_head(b, id, setting);
  for (size_t i = 0; i < s->n_items; i++) mm_screen_csv_status(b, by[i] ? &by[i]->status : NULL);
  mm_screen_csv_pairs_open(b);
  bool first = true;
  for (size_t i = 0; i < s->n_items; i++) {
    const mm_screen_verdict *v = by[i];
    if (!v || v->status == MM_TRUE) continue;
    for (size_t c = 0; c < v->n_checks; c++)
      if (v->results[c] == (uint8_t)v->status)
        mm_screen_csv_pair(b, &first, v->opt->id, v->checks[c].crit->id);
  }
  mm_screen_csv_end(b);
}

#define LIT(o, lit) (memcpy((o), lit, sizeof lit - 1), (o) + sizeof lit - 1)

/* The verdicts of a line, by status, into o (body_max bytes and PAD). */
static char *json_body(const mm_screen_full *s, char *o, const mm_screen_verdict **by,
                       uint32_t *idx) {
  /* the items of each status, in item order: one pass, no test per status */
  size_t n[3] = {0, 0, 0}, cap = s->n_items;
  for (size_t i = 0; i < s->n_items; i++)
    if (by[i]) {
      int t = by[i]->status; /* MM_FALSE 0, MM_TRUE 1, MM_UNKNOWN 2 */
      idx[(size_t)t * cap + n[t]++] = (uint32_t)i;
    }
  o = LIT(o, ",\"eligible\":[");
  const uint32_t *e = &idx[MM_TRUE * cap];
  for (size_t k = 0; k < n[MM_TRUE]; k++) {
    *o = ',';
    o += k != 0;
    o = copy(o, &s->item_key[e[k]]);
  }
  static const mm_tv with_reasons[2] = {MM_UNKNOWN, MM_FALSE};
  for (int w = 0; w < 2; w++) {
    mm_tv st = with_reasons[w];
    o = w == 0 ? LIT(o, "],\"unknown\":{") : LIT(o, "},\"not_eligible\":{");
    const uint32_t *l = &idx[(size_t)st * cap];
    for (size_t k = 0; k < n[st]; k++) {
      *o = ',';
      o += k != 0;
      o = copy(o, &s->item_key[l[k]]);
      *o++ = ':';
      o = json_reasons(s, o, by[l[k]]);
    }
  }
  *o++ = '}';
  return o;
}

static int json_line(const mm_screen_full *s, mm_arena *arena, mm_strbuf *b, const char *id,
                     const char *center, const mm_value *setting, const mm_screen_verdict **by) {
  char *body = mm_arena_alloc_raw(arena, s->body_max + PAD);
  uint32_t *idx = mm_arena_alloc_raw(arena, (3 * s->n_items + 1) * sizeof *idx);
  if (!body || !idx) return -1;
  mm_strbuf_add(b, "{\"id\":", 6);
  mm_strbuf_json_string(b, id);
  if (center) {
    mm_strbuf_add(b, ",\"center\":", 10);
    mm_strbuf_json_string(b, center);
  }
  mm_strbuf_add(b, ",\"setting\":", 11);
  mm_strbuf_json_string(b, setting->known ? setting->str : NULL);
  mm_strbuf_add(b, body, (size_t)(json_body(s, body, by, idx) - body));
  if (s->italy) json_reimbursement(s, b, by);
  mm_strbuf_add(b, "}\n", 2);
  return 0;
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
    if (!by[item] ||
        mm_screen_status_rank(v->status) > mm_screen_status_rank(by[item]->status))
      by[item] = v;
  }
  for (size_t i = 0; i < s->n_items; i++)
    if (by[i]) {
      mm_tv t = by[i]->status;
      k->counters[s->k_items + 3 * i + (t == MM_TRUE ? 0 : t == MM_FALSE ? 1 : 2)]++;
    }
  if (s->csv) {
    csv_line(s, &k->out, id, setting, by);
    return 0;
  }
  return json_line(s, arena, &k->out, id, center, setting, by);
}
