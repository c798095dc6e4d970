/* kb_reimbursement.c: kb/reimbursement/it.yaml (kb_reimbursement.h). Every
 * entry names an approved therapy and one of its EU indications; what it
 * says must hold together (a C(nn) finding is class C(nn); "not found" has
 * no act; a finding without its act is never "verified"). An EU indication
 * without an entry is a warning: the evaluation then says "not recorded". */
#include "kb/kb_reimbursement.h"

#include <string.h>

#include "kb/kb_internal.h"
#include "util/suggest.h"

/* ORDER: mm_reimb_status. */
static const char *const status_names[] = {"reimbursed", "not_reimbursed", "c_nn", "not_found",
                                           NULL};
/* The AIFA classes (L. 537/1993 art. 8 c. 10; L. 189/2012 art. 12 c. 5). */
static const char *const class_names[] = {"A", "H", "C", "C(nn)", NULL};

const char *mm_reimb_status_code(mm_reimb_status s) {
  return (unsigned)s <= MM_REIMB_NOT_FOUND ? status_names[s] : "?";
}

const char *mm_jurisdiction_code(mm_jurisdiction j) {
  return j == MM_JURIS_US ? "us" : j == MM_JURIS_IT ? "it" : "eu";
}

bool mm_jurisdiction_parse(const char *s, mm_jurisdiction *out) {
  static const mm_jurisdiction all[] = {MM_JURIS_EU, MM_JURIS_US, MM_JURIS_IT};
  for (size_t i = 0; s && i < sizeof all / sizeof *all; i++)
    if (strcmp(s, mm_jurisdiction_code(all[i])) == 0) {
      *out = all[i];
      return true;
    }
  return false;
}

const mm_reimb_kb *mm_kb_reimbursement(const mm_kb *kb) { return kb->reimbursement; }

const mm_reimbursement *mm_reimb_find(const mm_reimb_kb *rk, const mm_option *therapy,
                                      const mm_indication *indication) {
  /* Some thirty entries, compared by pointer: no index needed. */
  for (size_t i = 0; rk && i < rk->n_entries; i++)
    if (rk->entries[i].therapy == therapy && rk->entries[i].indication == indication)
      return &rk->entries[i];
  return NULL;
}

static const mm_option *find_therapy(const mm_kb *kb, mm_yaml_reader *r, const mm_yaml *m) {
  const char *id = mm_yaml_read_string(r, m, "therapy", true);
  if (!id) return NULL;
  mm_suggest s;
  mm_suggest_init(&s, id);
  for (size_t i = 0; i < kb->n_options; i++) {
    if (kb->options[i].kind != MM_OPT_THERAPY) continue;
    if (strcmp(kb->options[i].id, id) == 0) return &kb->options[i];
    mm_suggest_offer(&s, kb->options[i].id);
  }
  const char *near = mm_suggest_result(&s);
  mm_yaml_report(r, mm_yaml_get(m, "therapy"), MM_E_UNKNOWN_NAME,
                 "unknown therapy '%s' (no kb/therapies entry has this id)%s%s%s", id,
                 near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
  return NULL;
}

/* One of the therapy's EU indications: Italy reimburses what the EU
 * authorised, so a US indication is an error too. */
static const mm_indication *find_indication(mm_yaml_reader *r, const mm_yaml *m,
                                            const mm_option *o) {
  const char *id = mm_yaml_read_string(r, m, "indication", true);
  if (!id || !o) return NULL;
  const mm_yaml *at = mm_yaml_get(m, "indication");
  mm_suggest s;
  mm_suggest_init(&s, id);
  char eu[512] = "";
  size_t len = 0;
  for (size_t i = 0; i < o->n_indications; i++) {
    const mm_indication *ind = &o->indications[i];
    if (strcmp(ind->id, id) == 0) {
      if (ind->jurisdiction == MM_JURIS_EU) return ind;
      mm_yaml_report(r, at, MM_E_INVALID,
                     "indication '%s' of therapy '%s' is not an EU indication: AIFA "
                     "reimburses EU indications only", id, o->id);
      return NULL;
    }
    if (ind->jurisdiction != MM_JURIS_EU) continue;
    mm_suggest_offer(&s, ind->id);
    size_t n = strlen(ind->id);
    if (len + n + 3 < sizeof eu) {
      if (len) eu[len++] = ',', eu[len++] = ' ';
      memcpy(eu + len, ind->id, n + 1);
      len += n;
    }
  }
  const char *near = mm_suggest_result(&s);
  mm_yaml_report(r, at, MM_E_UNKNOWN_NAME,
                 "unknown indication '%s' of therapy '%s' (its EU indications: %s)%s%s%s", id,
                 o->id, len ? eu : "none", near ? "; did you mean '" : "", near ? near : "",
                 near ? "'?" : "");
  return NULL;
}

/* determination: {number: "75/2024", date: YYYY-MM-DD}, either or both. */
static void read_determination(mm_yaml_reader *r, const mm_yaml *m, mm_reimbursement *e) {
  const mm_yaml *d = mm_yaml_read_map(r, m, "determination", false);
  if (!d) return;
  static const char *const keys[] = {"number", "date", NULL};
  mm_yaml_check_keys(r, d, keys);
  e->determination = mm_yaml_read_string(r, d, "number", false);
  e->determination_date = mm_yaml_read_date(r, d, "date", false);
  if (!e->determination && e->determination_date == MM_DATE_NONE && !mm_yaml_get(d, "date"))
    mm_yaml_report(r, d, MM_E_MISSING, "'determination' needs its 'number', its 'date' or both");
}

/* gazzetta: {number: 131, date: YYYY-MM-DD, code: 24A02748}; the date is
 * what an act is found by, so it is required. */
static void read_gazzetta(mm_yaml_reader *r, const mm_yaml *m, mm_reimbursement *e) {
  const mm_yaml *g = mm_yaml_read_map(r, m, "gazzetta", false);
  if (!g) return;
  static const char *const keys[] = {"number", "date", "code", NULL};
  mm_yaml_check_keys(r, g, keys);
  double n;
  if (mm_yaml_read_number(r, g, "number", &n, false)) {
    if (n < 1 || n > 400 || n != (int)n)
      mm_yaml_report(r, mm_yaml_get(g, "number"), MM_E_RANGE,
                     "'number' is the issue of the Serie Generale, a whole number from 1 to "
                     "400");
    else e->gazzetta_number = (int)n;
  }
  e->gazzetta_date = mm_yaml_read_date(r, g, "date", true);
  e->gazzetta_code = mm_yaml_read_string(r, g, "code", false);
}

/* What a status allows: "not found" has no act and no class; C(nn) is its
 * own class; a class of payment goes with "reimbursed". */
static void check_status(mm_yaml_reader *r, const mm_yaml *m, mm_reimbursement *e) {
  static const char *const act_keys[] = {"class", "determination", "gazzetta", NULL};
  if (e->status == MM_REIMB_NOT_FOUND) {
    for (const char *const *k = act_keys; *k; k++)
      if (mm_yaml_get(m, *k))
        mm_yaml_report(r, mm_yaml_get(m, *k), MM_E_INVALID,
                       "status not_found: leave out '%s' (nothing was found)", *k);
    return;
  }
  const char *want = e->status == MM_REIMB_C_NN ? "C(nn)" : e->status == MM_REIMB_NOT_REIMBURSED
                                                                ? "C" : NULL;
  if (e->klass && want && strcmp(e->klass, want) != 0)
    mm_yaml_report(r, mm_yaml_get(m, "class"), MM_E_INVALID, "status %s goes with class %s, not %s",
                   status_names[e->status], want, e->klass);
  if (e->klass && !want && strcmp(e->klass, "A") != 0 && strcmp(e->klass, "H") != 0)
    mm_yaml_report(r, mm_yaml_get(m, "class"), MM_E_INVALID,
                   "status reimbursed goes with class A or H, not %s", e->klass);
  if (e->status == MM_REIMB_C_NN) e->klass = "C(nn)";
  if (!e->determination && e->determination_date == MM_DATE_NONE &&
      e->gazzetta_date == MM_DATE_NONE && e->prov.verification == MM_VERIFIED)
    mm_yaml_report(r, m, MM_E_INVALID,
                   "a finding without its act (no 'determination', no 'gazzetta') cannot be "
                   "verified: say 'verification: secondary' or 'unverified'");
}

static void read_entry(const mm_kb *kb, mm_reimb_kb *rk, mm_yaml_reader *r, const mm_yaml *m,
                       mm_date searched) {
  if (!mm_yaml_is_map(r, m, "an entry")) return;
  static const char *const keys[] = {"therapy", "indication", "status", "class",
                                     "determination", "gazzetta", "searched", "note",
                                     MM_KB_PROVENANCE_KEYS, NULL};
  mm_yaml_check_keys(r, m, keys);
  mm_reimbursement e = {0};
  e.determination_date = e.gazzetta_date = MM_DATE_NONE;
  e.therapy = find_therapy(kb, r, m);
  e.indication = find_indication(r, m, e.therapy);
  e.status = (mm_reimb_status)mm_yaml_read_enum(r, m, "status", status_names, MM_REIMB_NOT_FOUND);
  if (!mm_yaml_get(m, "status")) mm_yaml_report(r, m, MM_E_MISSING, "missing key 'status'");
  if (mm_yaml_get(m, "class"))
    e.klass = class_names[mm_yaml_read_enum(r, m, "class", class_names, 0)];
  read_determination(r, m, &e);
  read_gazzetta(r, m, &e);
  e.searched = mm_yaml_get(m, "searched") ? mm_yaml_read_date(r, m, "searched", true) : searched;
  if (e.searched == MM_DATE_NONE && !mm_yaml_get(m, "searched"))
    mm_yaml_report(r, m, MM_E_MISSING, "missing key 'searched' (here or at the top of the file)");
  if (mm_yaml_get(m, "note")) e.note = mm_kb_read_text(r, m, "note", true);
  if (!mm_yaml_get(m, "sources"))
    mm_yaml_report(r, m, MM_E_MISSING,
                   "missing key 'sources' (every finding cites the act, or what was searched)");
  mm_kb_read_provenance_inherit(r, m, &rk->prov, &e.prov);
  check_status(r, m, &e);
  if (e.gazzetta_date != MM_DATE_NONE && e.searched != MM_DATE_NONE && e.gazzetta_date > e.searched)
    mm_yaml_report(r, mm_yaml_get(m, "gazzetta"), MM_E_ORDER,
                   "the Gazzetta is dated after the search that found it");
  if (!e.therapy || !e.indication) return;
  const mm_reimbursement *dup = mm_reimb_find(rk, e.therapy, e.indication);
  if (dup) {
    mm_yaml_report(r, mm_yaml_get(m, "indication"), MM_E_DUPLICATE,
                   "%s:%s already has a finding (line %d)", e.therapy->id, e.indication->id,
                   dup->prov.line);
    return;
  }
  rk->entries[rk->n_entries++] = e;
}

int mm_kb_load_reimbursement(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  mm_reimb_kb *rk = mm_arena_alloc(&kb->arena, sizeof *rk);
  if (!rk) return -1;
  memset(rk, 0, sizeof *rk);
  kb->reimbursement = rk;
  if (!root || !mm_yaml_is_map(r, root, "the file")) return -1;
  static const char *const top[] = {"country", "authority", "searched", "entries",
                                    MM_KB_PROVENANCE_KEYS, NULL};
  mm_yaml_check_keys(r, root, top);
  rk->country = mm_yaml_read_string(r, root, "country", true);
  if (rk->country && strcmp(rk->country, "it") != 0)
    mm_yaml_report(r, mm_yaml_get(root, "country"), MM_E_INVALID,
                   "country '%s': only 'it' (AIFA) is read", rk->country);
  rk->authority = mm_yaml_read_string(r, root, "authority", true);
  mm_date searched = mm_yaml_read_date(r, root, "searched", false);
  mm_kb_read_provenance(r, root, &rk->prov);
  const mm_yaml *seq = mm_yaml_read_seq(r, root, "entries", true);
  if (!seq) return -1;
  rk->entries = mm_arena_alloc(&kb->arena, (seq->n + 1) * sizeof *rk->entries);
  if (!rk->entries) return -1;
  for (size_t i = 0; i < seq->n; i++) read_entry(kb, rk, r, seq->items[i], searched);
  /* Every EU indication should say something, "not found" included. */
  for (size_t i = 0; i < kb->n_options; i++) {
    const mm_option *o = &kb->options[i];
    for (size_t k = 0; o->kind == MM_OPT_THERAPY && k < o->n_indications; k++)
      if (o->indications[k].jurisdiction == MM_JURIS_EU &&
          !mm_reimb_find(rk, o, &o->indications[k]))
        mm_diag_warnc(r->diags, MM_E_MISSING, seq->file, seq->line, seq->col, NULL,
                      "no reimbursement finding for %s:%s (add one; status not_found if "
                      "nothing was found)", o->id, o->indications[k].id);
  }
  return 0;
}
