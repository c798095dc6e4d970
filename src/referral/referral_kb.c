/* referral_kb.c: loads kb/referral.yaml (state labels, reasons, products,
 * report labels) and checks it strictly: every state of the model has its
 * labels, every label the report renderers use exists, unknown keys are
 * errors, every text has both languages. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml/yaml_tree.h"
#include "referral/referral.h"

/* Labels the renderers (funnel.c) ask for; kb/referral.yaml must have all. */
static const char *const required_labels[] = {
    "title", "received", "taken_into_care", "screened", "pending", "excluded",
    "evaluated_positive", "evaluated_negative", "reached_apheresis", "reached_infusion",
    "own", "other", "section_funnel", "section_state", "section_reason", "of_total",
    "of_excluded", "of_taken_into_care", "of_screened", "median_referral_to_apheresis",
    "median_apheresis_to_infusion", "to_center", "from_center", "all_centers", "window",
    "count", "state", "reason", "none"};

typedef struct loader {
  mm_ref_kb *kb;
  mm_diags *d;
  const char *file;
} loader;

static void err(loader *l, const mm_yaml *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void err(loader *l, const mm_yaml *at, const char *fmt, ...) {
  char msg[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  mm_diag_error(l->d, l->file, at ? at->line : 0, at ? at->col : 0, NULL, "%s", msg);
}

static const char *scalar(loader *l, const mm_yaml *map, const char *key, const char *what) {
  const mm_yaml *v = mm_yaml_get(map, key);
  if (!v || v->kind != MM_YAML_SCALAR || !v->str || !*v->str) {
    err(l, v ? v : map, "%s: '%s' must be a non-empty string", what, key);
    return NULL;
  }
  return v->str;
}

static bool text(loader *l, const mm_yaml *v, const char *what, mm_ref_text *out) {
  if (!v || v->kind != MM_YAML_MAP) {
    err(l, v, "%s: expected {en: ..., it: ...}", what);
    return false;
  }
  for (size_t i = 0; i < v->n; i++)
    if (strcmp(v->keys[i]->str, "en") && strcmp(v->keys[i]->str, "it"))
      err(l, v->keys[i], "%s: unknown language key '%s'", what, v->keys[i]->str);
  out->en = scalar(l, v, "en", what);
  out->it = scalar(l, v, "it", what);
  return out->en && out->it;
}

/* Checks the provenance keys of an entry (or of the file). */
static void provenance(loader *l, const mm_yaml *m, const char *what) {
  const mm_yaml *s = mm_yaml_get(m, "sources");
  if (!s || s->kind != MM_YAML_SEQ || s->n == 0)
    err(l, s ? s : m, "%s: 'sources' must be a non-empty list", what);
  const mm_yaml *ver = mm_yaml_get(m, "verification");
  if (ver && (ver->kind != MM_YAML_SCALAR || (strcmp(ver->str, "verified") &&
                                              strcmp(ver->str, "secondary") &&
                                              strcmp(ver->str, "unverified"))))
    err(l, ver, "%s: verification must be verified, secondary or unverified", what);
  const char *keys[] = {"updated", "reviewed"};
  for (int i = 0; i < 2; i++) {
    const char *v = scalar(l, m, keys[i], what);
    mm_date dt;
    if (v && !mm_date_parse(v, strlen(v), &dt))
      err(l, mm_yaml_get(m, keys[i]), "%s: must be YYYY-MM-DD, got '%s'", what, v);
  }
}

static void only_keys(loader *l, const mm_yaml *m, const char *const *keys, const char *what) {
  for (size_t i = 0; i < m->n; i++) {
    bool ok = false;
    for (const char *const *k = keys; *k; k++) ok = ok || strcmp(*k, m->keys[i]->str) == 0;
    if (!ok) err(l, m->keys[i], "%s: unknown key '%s'", what, m->keys[i]->str);
  }
}

static void load_list(loader *l, const mm_yaml *root, const char *key, bool targets) {
  mm_ref_kb *kb = l->kb;
  const mm_yaml *seq = mm_yaml_get(root, key);
  if (!seq || seq->kind != MM_YAML_SEQ) {
    err(l, seq ? seq : root, "'%s' must be a list", key);
    return;
  }
  static const char *const reason_keys[] = {"id", "name", "sources", "updated", "reviewed",
                                            "verification", NULL};
  static const char *const target_keys[] = {"id", "kind", "name", "sources", "updated",
                                            "reviewed", "verification", NULL};
  if (targets) kb->targets = mm_arena_alloc(&kb->arena, (seq->n + 1) * sizeof *kb->targets);
  else kb->reasons = mm_arena_alloc(&kb->arena, (seq->n + 1) * sizeof *kb->reasons);
  if (kb->arena.failed) return;
  for (size_t i = 0; i < seq->n; i++) {
    const mm_yaml *m = seq->items[i];
    char what[64];
    snprintf(what, sizeof what, "%s[%zu]", key, i);
    if (m->kind != MM_YAML_MAP) {
      err(l, m, "%s: expected a map", what);
      continue;
    }
    only_keys(l, m, targets ? target_keys : reason_keys, what);
    const char *id = scalar(l, m, "id", what);
    if (id && mm_ref_check_id(id)) err(l, mm_yaml_get(m, "id"), "%s: bad id '%s'", what, id);
    if (id && (targets ? (const void *)mm_ref_kb_target(kb, id)
                       : (const void *)mm_ref_kb_reason(kb, id)))
      err(l, mm_yaml_get(m, "id"), "%s: duplicate id '%s'", what, id);
    mm_ref_text name = {0};
    text(l, mm_yaml_get(m, "name"), what, &name);
    provenance(l, m, what);
    if (targets) {
      const char *kind = scalar(l, m, "kind", what);
      bool bisp = kind && strcmp(kind, "bispecific") == 0;
      if (kind && !bisp && strcmp(kind, "car_t"))
        err(l, mm_yaml_get(m, "kind"), "%s: kind must be car_t or bispecific, got '%s'",
            what, kind);
      if (id) kb->targets[kb->n_targets++] = (mm_ref_target){id, bisp, name};
    } else if (id) {
      kb->reasons[kb->n_reasons++] = (mm_ref_reason){id, name};
    }
  }
}

int mm_ref_kb_load(mm_ref_kb **out, const char *kb_dir, mm_diags *d) {
  *out = NULL;
  mm_ref_kb *kb = calloc(1, sizeof *kb);
  if (!kb) return -1;
  mm_arena_init(&kb->arena, 16384);
  size_t before = d->errors;
  /* In the diagnostics' arena: the messages outlive a kb that failed. */
  char *path = mm_arena_printf(d->arena, "%s/referral.yaml", kb_dir);
  mm_yaml_error yerr;
  mm_yaml *root = path ? mm_yaml_load_file(&kb->arena, path, &yerr) : NULL;
  if (!root) {
    mm_diag_error(d, NULL, 0, 0, NULL, "%s", path ? yerr.text : "out of memory");
    mm_ref_kb_free(kb);
    return -1;
  }
  loader l = {kb, d, path};
  if (root->kind != MM_YAML_MAP) {
    err(&l, root, "the file must be a map");
  } else {
    static const char *const top[] = {"sources", "updated", "reviewed", "verification",
                                      "states", "reasons", "targets", "labels", NULL};
    only_keys(&l, root, top, "referral.yaml");
    provenance(&l, root, "referral.yaml");
    const mm_yaml *st = mm_yaml_get(root, "states");
    if (!st || st->kind != MM_YAML_MAP) {
      err(&l, st ? st : root, "'states' must be a map");
    } else {
      for (size_t i = 0; i < st->n; i++) {
        mm_ref_state s;
        if (!mm_ref_state_parse(st->keys[i]->str, &s))
          err(&l, st->keys[i], "states: '%s' is not a state of mmpath/referral@1",
              st->keys[i]->str);
        else
          text(&l, st->items[i], st->keys[i]->str, &kb->states[s]);
      }
      for (int s = 0; s < MM_RS_COUNT; s++)
        if (!kb->states[s].en)
          err(&l, st, "states: missing labels of state '%s'", mm_ref_state_name(s));
    }
    load_list(&l, root, "reasons", false);
    load_list(&l, root, "targets", true);
    const mm_yaml *lb = mm_yaml_get(root, "labels");
    if (!lb || lb->kind != MM_YAML_MAP) {
      err(&l, lb ? lb : root, "'labels' must be a map");
    } else {
      kb->labels = mm_arena_alloc(&kb->arena, (lb->n + 1) * sizeof *kb->labels);
      for (size_t i = 0; kb->labels && i < lb->n; i++) {
        mm_ref_label *x = &kb->labels[kb->n_labels++];
        x->id = lb->keys[i]->str;
        text(&l, lb->items[i], x->id, &x->text);
      }
      for (size_t i = 0; i < sizeof required_labels / sizeof *required_labels; i++)
        if (!mm_yaml_get(lb, required_labels[i]))
          err(&l, lb, "labels: missing label '%s'", required_labels[i]);
    }
  }
  if (kb->arena.failed || d->arena->failed) {
    mm_diag_error(d, path, 0, 0, NULL, "out of memory");
  }
  if (d->errors > before) {
    mm_ref_kb_free(kb);
    return -1;
  }
  *out = kb;
  return 0;
}

void mm_ref_kb_free(mm_ref_kb *kb) {
  if (!kb) return;
  mm_arena_free(&kb->arena);
  free(kb);
}

const mm_ref_reason *mm_ref_kb_reason(const mm_ref_kb *kb, const char *id) {
  for (size_t i = 0; i < kb->n_reasons; i++)
    if (strcmp(kb->reasons[i].id, id) == 0) return &kb->reasons[i];
  return NULL;
}

const mm_ref_target *mm_ref_kb_target(const mm_ref_kb *kb, const char *id) {
  for (size_t i = 0; i < kb->n_targets; i++)
    if (strcmp(kb->targets[i].id, id) == 0) return &kb->targets[i];
  return NULL;
}

const char *mm_ref_text_in(const mm_ref_text *t, mm_lang lang) {
  return lang == MM_LANG_IT ? t->it : t->en;
}

const char *mm_ref_kb_label(const mm_ref_kb *kb, const char *id, mm_lang lang) {
  for (size_t i = 0; i < kb->n_labels; i++)
    if (strcmp(kb->labels[i].id, id) == 0) return mm_ref_text_in(&kb->labels[i].text, lang);
  return id; /* unreachable for the required labels: load checked them */
}
