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
 * The file is read with the knowledge base's typed reader (yaml_read.h), so
 * its problems read and are coded as the kb's own. Each `when` is compiled
 * with the rule compiler against the knowledge base's facts plus the
 * criteria written above it (extra fact slots after kb->n_facts), so a
 * criterion can build on earlier ones, and an unknown name is reported at
 * file:line:col with the nearest known name. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml/yaml_read.h"
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

/* One criterion {id, when, text?} into c->items[c->n]; problems go to r. */
static void read_criterion(mm_screen_criteria *c, const mm_kb *kb, mm_yaml_reader *r,
                           resolver *res, const mm_rule_names *names, const mm_yaml *m) {
  static const char *const keys[] = {"id", "when", "text", NULL};
  if (!mm_yaml_is_map(r, m, "a criterion")) return;
  mm_yaml_check_keys(r, m, keys);
  const char *id = mm_yaml_read_string(r, m, "id", true);
  const char *when = mm_yaml_read_string(r, m, "when", true);
  const char *text = mm_yaml_read_string(r, m, "text", false);
  if (!id || !when) return;
  const mm_yaml *id_at = mm_yaml_get(m, "id"), *when_at = mm_yaml_get(m, "when");
  if (!valid_id(id)) {
    mm_yaml_report(r, id_at, MM_E_INVALID,
                   "criterion id '%s' must be lowercase letters, digits and '_', "
                   "starting with a letter or '_'", id);
    return;
  }
  for (size_t j = 0; j < c->n; j++)
    if (strcmp(c->items[j].id, id) == 0) {
      mm_yaml_report(r, id_at, MM_E_DUPLICATE, "criterion '%s' is defined twice", id);
      return;
    }
  /* Only the criteria above this one are visible to its rule. A quoted
   * rule's text starts one column after the quote, a block's on the next
   * line at its indentation (as for the knowledge base's rules). */
  res->n_visible = c->n;
  int col = when_at->col + (when_at->quoted ? 1 : 0);
  mm_rule_origin origin = {when_at->file, when_at->line, col, when_at->block ? 1 : 0,
                           when_at->block ? when_at->indent : col};
  mm_screen_criterion *it = &c->items[c->n];
  if (mm_rule_compile(&it->rule, &c->arena, when, names, &origin, r->diags) != 0) return;
  it->id = id;
  it->text = text;
  it->line = m->line;
  c->sources |= mm_kb_rule_sources(kb, it->rule);
  c->n++;
}

static int build(mm_screen_criteria *c, const mm_kb *kb, const mm_yaml *root, mm_diags *d) {
  static const char *const keys[] = {"criteria", NULL};
  size_t errors = d->errors;
  mm_yaml_reader r = {&c->arena, d};
  if (!mm_yaml_is_map(&r, root, "a criteria file")) return -1;
  mm_yaml_check_keys(&r, root, keys);
  const mm_yaml *seq = mm_yaml_read_seq(&r, root, "criteria", true);
  if (!seq) return -1;
  if (seq->n == 0) {
    mm_yaml_report(&r, seq, MM_E_MISSING, "'criteria' must not be empty");
    return -1;
  }
  if (seq->n > MM_SCREEN_MAX_CRITERIA) {
    mm_yaml_report(&r, seq, MM_E_LIMIT, "too many criteria (%zu; limit is %d)", seq->n,
                   MM_SCREEN_MAX_CRITERIA);
    return -1;
  }
  c->items = mm_arena_alloc(&c->arena, seq->n * sizeof *c->items);
  if (!c->items) return -1;
  resolver res = {.kb = kb, .items = c->items};
  mm_kb_rule_names(kb, &res.base);
  mm_rule_names names = {resolve, resolve_call, each_name, &res};
  for (size_t i = 0; i < seq->n; i++) read_criterion(c, kb, &r, &res, &names, seq->items[i]);
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
    /* the text already reads "file:line:col: reason" */
    mm_diag_errorc(d, err->code, NULL, 0, 0, NULL, "%s", err->text);
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
