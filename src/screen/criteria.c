/* criteria.c: an analyst's cohort definition for `mmpath screen --criteria`
 * (docs/screen.md). The file is the knowledge base's strict YAML subset:
 *
 *   criteria:
 *     - id: prior_lines
 *       text: at least three prior lines        # optional
 *       when: prior_lines >= 3
 *     - id: tec_eligible
 *       when: prior_lines and exposed(PI)
 *
 * Each `when` is compiled with the rule compiler against the knowledge
 * base's facts plus the criteria written above it (extra fact slots after
 * kb->n_facts), so a criterion can build on earlier ones, and an unknown
 * name is reported at file:line:col with the nearest known name. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml/yaml_tree.h"
#include "screen/screen.h"

/* The resolver: earlier criteria first, then the knowledge base. */
typedef struct resolver {
  const mm_kb *kb;
  mm_rule_names base;
  const mm_screen_criterion *items;
  size_t n_visible;
} resolver;

static int resolve(void *payload, const char *name, mm_rule_name_info *out) {
  resolver *r = payload;
  for (size_t i = r->n_visible; i-- > 0;)
    if (strcmp(r->items[i].id, name) == 0) {
      out->slot = (int)(r->kb->n_facts + i);
      out->type = MM_TYPE_BOOL;
      out->values = NULL;
      return 0;
    }
  return r->base.resolve(r->base.payload, name, out);
}

static int resolve_call(void *payload, const char *fn, const char *arg, mm_rule_name_info *out,
                        char *why, size_t why_len) {
  resolver *r = payload;
  return r->base.resolve_call(r->base.payload, fn, arg, out, why, why_len);
}

static void each_name(void *payload, void (*cb)(void *ctx, const char *name), void *ctx) {
  resolver *r = payload;
  for (size_t i = 0; i < r->n_visible; i++) cb(ctx, r->items[i].id);
  r->base.each_name(r->base.payload, cb, ctx);
}


static bool valid_id(const char *s) {
  if (!s || !(islower((unsigned char)*s) || *s == '_')) return false;
  for (; *s; s++)
    if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_')) return false;
  return true;
}

static const mm_yaml *scalar(mm_diags *d, const mm_yaml *map, const char *key, bool required) {
  const mm_yaml *v = mm_yaml_get(map, key);
  if (!v) {
    if (required)
      mm_diag_error(d, map->file, map->line, map->col, key, "a criterion needs '%s'", key);
    return NULL;
  }
  if (v->kind != MM_YAML_SCALAR) {
    mm_diag_error(d, v->file, v->line, v->col, key, "'%s' must be text", key);
    return NULL;
  }
  return v;
}

static int build(mm_screen_criteria *c, const mm_kb *kb, const mm_yaml *root, mm_diags *d) {
  size_t errors = d->errors;
  if (!root || root->kind != MM_YAML_MAP) {
    mm_diag_error(d, c->file, root ? root->line : 1, root ? root->col : 1, NULL,
                  "a criteria file is a map with one key, 'criteria'");
    return -1;
  }
  for (size_t i = 0; i < root->n; i++)
    if (strcmp(root->keys[i]->str, "criteria") != 0)
      mm_diag_error(d, root->keys[i]->file, root->keys[i]->line, root->keys[i]->col, NULL,
                    "unknown key '%s' (a criteria file has only 'criteria')", root->keys[i]->str);
  const mm_yaml *seq = mm_yaml_get(root, "criteria");
  if (!seq || seq->kind != MM_YAML_SEQ || seq->n == 0) {
    const mm_yaml *at = seq ? seq : root;
    mm_diag_error(d, at->file, at->line, at->col, "criteria",
                  "'criteria' must be a non-empty list of {id, when}");
    return -1;
  }
  if (seq->n > MM_SCREEN_MAX_CRITERIA) {
    mm_diag_error(d, seq->file, seq->line, seq->col, "criteria",
                  "too many criteria (%zu; limit is %d)", seq->n, MM_SCREEN_MAX_CRITERIA);
    return -1;
  }
  c->items = mm_arena_alloc(&c->arena, seq->n * sizeof *c->items);
  if (!c->items) return -1;
  resolver res = {.kb = kb, .items = c->items};
  mm_kb_rule_names(kb, &res.base);
  mm_rule_names names = {resolve, resolve_call, each_name, &res};
  static const char *const keys[] = {"id", "when", "text", NULL};
  for (size_t i = 0; i < seq->n; i++) {
    const mm_yaml *m = seq->items[i];
    mm_screen_criterion *it = &c->items[c->n];
    if (m->kind != MM_YAML_MAP) {
      mm_diag_error(d, m->file, m->line, m->col, NULL, "a criterion is a map {id, when}");
      continue;
    }
    for (size_t k = 0; k < m->n; k++) {
      bool known = false;
      for (const char *const *a = keys; *a; a++) known = known || strcmp(*a, m->keys[k]->str) == 0;
      if (!known)
        mm_diag_error(d, m->keys[k]->file, m->keys[k]->line, m->keys[k]->col, NULL,
                      "unknown key '%s' (a criterion has id, when, text)", m->keys[k]->str);
    }
    const mm_yaml *id = scalar(d, m, "id", true), *when = scalar(d, m, "when", true),
                  *text = scalar(d, m, "text", false);
    if (!id || !when) continue;
    if (!valid_id(id->str)) {
      mm_diag_error(d, id->file, id->line, id->col, "id",
                    "criterion id '%s' must be lowercase letters, digits and '_', "
                    "starting with a letter or '_'", id->str);
      continue;
    }
    bool dup = false;
    for (size_t j = 0; j < c->n; j++) dup = dup || strcmp(c->items[j].id, id->str) == 0;
    if (dup) {
      mm_diag_error(d, id->file, id->line, id->col, "id", "criterion '%s' is defined twice",
                    id->str);
      continue;
    }
    res.n_visible = c->n;
    mm_rule_origin origin = {when->file, when->line, when->col, when->block ? 1 : 0,
                             when->block ? m->col + 2 : when->col};
    if (mm_rule_compile(&it->rule, &c->arena, when->str, &names, &origin, d) != 0) continue;
    it->id = id->str;
    it->text = text ? text->str : NULL;
    it->line = m->line;
    c->sources |= mm_kb_rule_sources(kb, it->rule);
    c->n++;
  }
  return d->errors > errors || c->arena.failed ? -1 : 0;
}

/* The diagnostics name their file with strings of the set's arena, which
 * goes when the set fails: give them copies in the diagnostics' arena. */
static void keep_sources(mm_diags *d, mm_diag *from) {
  for (mm_diag *x = from ? from->next : d->head; x; x = x->next)
    if (x->source) x->source = mm_arena_strdup(d->arena, x->source);
}

static int finish(mm_screen_criteria **out, mm_screen_criteria *c, const mm_kb *kb,
                  const mm_yaml *root, const mm_yaml_error *err, mm_diags *d) {
  if (!root) {
    mm_diag_error(d, NULL, 0, 0, NULL, "%s", err->text);
    mm_screen_criteria_free(c);
    return -1;
  }
  mm_diag *before = d->tail;
  if (build(c, kb, root, d) != 0) {
    keep_sources(d, before);
    mm_screen_criteria_free(c);
    return -1;
  }
  *out = c;
  return 0;
}

static mm_screen_criteria *new_set(const char *name) {
  mm_screen_criteria *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  mm_arena_init(&c->arena, 0);
  c->file = mm_arena_strdup(&c->arena, name);
  return c;
}

int mm_screen_criteria_load(mm_screen_criteria **out, const mm_kb *kb, const char *path,
                            mm_diags *diags) {
  *out = NULL;
  mm_screen_criteria *c = new_set(path);
  if (!c) return -1;
  mm_yaml_error err;
  const mm_yaml *root = mm_yaml_load_file(&c->arena, path, &err);
  return finish(out, c, kb, root, &err, diags);
}

int mm_screen_criteria_parse(mm_screen_criteria **out, const mm_kb *kb, const char *name,
                             const char *text, size_t len, mm_diags *diags) {
  *out = NULL;
  mm_screen_criteria *c = new_set(name);
  if (!c) return -1;
  mm_yaml_error err;
  const mm_yaml *root = mm_yaml_load_string(&c->arena, name, text, len, &err);
  return finish(out, c, kb, root, &err, diags);
}

void mm_screen_criteria_free(mm_screen_criteria *c) {
  if (!c) return;
  mm_arena_free(&c->arena);
  free(c);
}
